//! Person property filters: the JSON PostHog's `properties=` parameter takes, and the compact
//! text forms hogdex accepts (`plan=pro`, `name~ali`, `phone?`, `phone!?`, `plan!=free`).
use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Exact,
    IsNot,
    Icontains,
    IsSet,
    IsNotSet,
}

/// One entry of the `properties` JSON array, always with `type: "person"`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PropertyFilter {
    pub key: String,
    pub value: Value,
    pub operator: Operator,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl PropertyFilter {
    pub fn new(key: impl Into<String>, operator: Operator, value: Value) -> Self {
        Self { key: key.into(), value, operator, kind: "person" }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilterParseError {
    #[error("empty filter")]
    Empty,
    #[error("`{0}` has no property key before the operator")]
    MissingKey(String),
    #[error("`{0}` is not a filter; use key=value, key!=value, key~text, key? or key!?")]
    NoOperator(String),
    #[error("`{0}` has nothing after `~`; give the text to look for")]
    EmptyContains(String),
    #[error("`{0}` has no value; use key? (is set) or key!? (is not set) to test presence")]
    EmptyValue(String),
}

/// Parses `key=value` (exact), `key!=value` (is not), `key~text` (icontains), `key?` (is set) and
/// `key!?` (is not set). Exact values stay strings: PostHog compares them as typed text.
pub fn parse_filter(input: &str) -> Result<PropertyFilter, FilterParseError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FilterParseError::Empty);
    }
    let key_of = |k: &str| {
        let k = k.trim();
        if k.is_empty() { Err(FilterParseError::MissingKey(s.to_string())) } else { Ok(k.to_string()) }
    };
    if let Some(k) = s.strip_suffix("!?") {
        return Ok(PropertyFilter::new(key_of(k)?, Operator::IsNotSet, Value::from("is_not_set")));
    }
    if let Some(k) = s.strip_suffix('?') {
        return Ok(PropertyFilter::new(key_of(k)?, Operator::IsSet, Value::from("is_set")));
    }
    let ops = [("!=", Operator::IsNot), ("=", Operator::Exact), ("~", Operator::Icontains)];
    let found = ops
        .iter()
        .filter_map(|(tok, op)| s.find(tok).map(|i| (i, *tok, *op)))
        .min_by_key(|(i, tok, _)| (*i, std::cmp::Reverse(tok.len())));
    let Some((i, tok, op)) = found else {
        return Err(FilterParseError::NoOperator(s.to_string()));
    };
    let key = key_of(&s[..i])?;
    let value = &s[i + tok.len()..];
    if value.is_empty() {
        return Err(match op {
            Operator::Icontains => FilterParseError::EmptyContains(s.to_string()),
            _ => FilterParseError::EmptyValue(s.to_string()),
        });
    }
    Ok(PropertyFilter::new(key, op, Value::from(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_form() {
        let f = parse_filter("plan=pro").unwrap();
        assert_eq!((f.key.as_str(), f.operator, f.value.as_str()), ("plan", Operator::Exact, Some("pro")));
        let f = parse_filter("name~ali").unwrap();
        assert_eq!((f.key.as_str(), f.operator), ("name", Operator::Icontains));
        assert_eq!(parse_filter("phone?").unwrap().operator, Operator::IsSet);
        assert_eq!(parse_filter("phone!?").unwrap().operator, Operator::IsNotSet);
        let f = parse_filter("plan!=free").unwrap();
        assert_eq!((f.key.as_str(), f.operator, f.value.as_str()), ("plan", Operator::IsNot, Some("free")));
        // Values keep everything after the first operator, including `=`.
        assert_eq!(parse_filter("q=a=b").unwrap().value, Value::from("a=b"));
        // Exact values are never coerced.
        assert_eq!(parse_filter("code=007").unwrap().value, Value::from("007"));
    }

    #[test]
    fn serializes_like_posthog_expects() {
        let json = serde_json::to_string(&parse_filter("email?").unwrap()).unwrap();
        assert_eq!(json, r#"{"key":"email","value":"is_set","operator":"is_set","type":"person"}"#);
    }

    #[test]
    fn malformed_filters_explain_themselves() {
        assert_eq!(parse_filter("  "), Err(FilterParseError::Empty));
        assert!(matches!(parse_filter("=pro"), Err(FilterParseError::MissingKey(_))));
        assert!(matches!(parse_filter("?"), Err(FilterParseError::MissingKey(_))));
        assert!(matches!(parse_filter("plan"), Err(FilterParseError::NoOperator(_))));
        assert!(matches!(parse_filter("name~"), Err(FilterParseError::EmptyContains(_))));
        assert!(
            matches!(parse_filter("plan="), Err(FilterParseError::EmptyValue(_))),
            "half-typed, not a filter"
        );
        assert!(matches!(parse_filter("plan!="), Err(FilterParseError::EmptyValue(_))));
    }
}
