//! Person property filters: the JSON PostHog's `properties=` parameter takes, and the compact
//! text forms hogdex accepts (`plan=pro`, `name~ali`, `phone?`, `phone!?`, `plan!=free`).
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Exact,
    IsNot,
    Icontains,
    IsSet,
    IsNotSet,
}

impl Operator {
    /// PostHog's name for the operator (`exact`, `is_not`, `icontains`, `is_set`, `is_not_set`).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "exact" => Self::Exact,
            "is_not" => Self::IsNot,
            "icontains" => Self::Icontains,
            "is_set" => Self::IsSet,
            "is_not_set" => Self::IsNotSet,
            _ => return None,
        })
    }
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

    /// `key` is set: the filter that makes `key` a crucial key of a properties timeline.
    pub fn is_set(key: impl Into<String>) -> Self {
        Self::new(key, Operator::IsSet, Value::from("is_set"))
    }

    /// Whether `properties` pass this filter, the way PostHog evaluates person filters: a JSON
    /// `null` counts as not set; `exact`/`is_not` compare text forms (a list value matches any
    /// item); `is_not` and `is_not_set` pass when the property is absent; `icontains` is a
    /// case-insensitive substring of the text form.
    pub fn matches(&self, properties: &Map<String, Value>) -> bool {
        let actual = properties.get(&self.key).filter(|v| !v.is_null());
        let any_equal = |a: &Value| {
            let a = text_form(a);
            match &self.value {
                Value::Array(items) => items.iter().any(|v| text_form(v) == a),
                v => text_form(v) == a,
            }
        };
        match self.operator {
            Operator::IsSet => actual.is_some(),
            Operator::IsNotSet => actual.is_none(),
            Operator::Exact => actual.is_some_and(any_equal),
            Operator::IsNot => actual.is_none_or(|a| !any_equal(a)),
            Operator::Icontains => {
                let needle = text_form(&self.value).to_lowercase();
                actual.is_some_and(|a| text_form(a).to_lowercase().contains(&needle))
            }
        }
    }

    /// A filter from PostHog's JSON (`{"key", "value", "operator", "type"}`); `None` unless
    /// `type` is `person` (PostHog's default type is `event`) and the operator is one hogdex
    /// evaluates.
    pub fn from_json(v: &Value) -> Option<Self> {
        let obj = v.as_object()?;
        if obj.get("type").and_then(Value::as_str) != Some("person") {
            return None;
        }
        let key = obj.get("key")?.as_str()?;
        let operator = match obj.get("operator") {
            None | Some(Value::Null) => Operator::Exact,
            Some(op) => Operator::parse(op.as_str()?)?,
        };
        Some(Self::new(key, operator, obj.get("value").cloned().unwrap_or(Value::Null)))
    }
}

/// The text PostHog compares: strings as they are, everything else as JSON.
fn text_form(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
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
    fn filters_evaluate_like_posthog() {
        let props = serde_json::json!({"plan": "Pro", "age": 30, "gone": null, "tags": "a,b"});
        let props = props.as_object().unwrap();
        let f = |s: &str| parse_filter(s).unwrap();
        assert!(f("plan?").matches(props));
        assert!(!f("gone?").matches(props), "null is not set");
        assert!(f("gone!?").matches(props) && f("missing!?").matches(props));
        assert!(f("plan=Pro").matches(props) && !f("plan=pro").matches(props), "exact is case-sensitive");
        assert!(f("age=30").matches(props), "numbers compare as text");
        assert!(f("plan~pr").matches(props) && !f("missing~x").matches(props));
        assert!(f("plan!=free").matches(props) && f("missing!=free").matches(props));
        assert!(!f("plan!=Pro").matches(props));
        let list = PropertyFilter::new("plan", Operator::Exact, serde_json::json!(["Free", "Pro"]));
        assert!(list.matches(props));
        let from_json = PropertyFilter::from_json(
            &serde_json::json!({"key": "plan", "value": "is_set", "operator": "is_set", "type": "person"}),
        )
        .unwrap();
        assert_eq!(from_json, PropertyFilter::is_set("plan"));
        assert_eq!(PropertyFilter::from_json(&serde_json::json!({"key": "x", "type": "event"})), None);
        assert_eq!(PropertyFilter::from_json(&serde_json::json!({"key": "x"})), None, "event by default");
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
