//! Person property filters (`properties=[{"key","value","operator","type"}]`) and the
//! `search` matcher, evaluated the way PostHog's HogQL would.

use std::cell::Cell;

use regex::Regex;
use serde_json::Value;

use super::person::Person;
use super::props::{Interner, PropRef, Sym};
use crate::sandbox::clock;

#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Exact,
    IsNot,
    IContains,
    NotIContains,
    Regex,
    NotRegex,
    IsSet,
    IsNotSet,
    Gt,
    Gte,
    Lt,
    Lte,
    DateBefore,
    DateAfter,
}

impl Op {
    fn parse(name: &str) -> Option<Op> {
        Some(match name {
            "exact" => Op::Exact,
            "is_not" => Op::IsNot,
            "icontains" => Op::IContains,
            "not_icontains" => Op::NotIContains,
            "regex" => Op::Regex,
            "not_regex" => Op::NotRegex,
            "is_set" => Op::IsSet,
            "is_not_set" => Op::IsNotSet,
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            "is_date_before" => Op::DateBefore,
            "is_date_after" => Op::DateAfter,
            _ => return None,
        })
    }

    /// Operators that are true for a person without the property (HogQL wraps them in
    /// `ifNull(…, 1)`).
    fn matches_missing(&self) -> bool {
        matches!(self, Op::IsNot | Op::NotIContains | Op::NotRegex | Op::IsNotSet)
    }
}

#[derive(Clone, Debug)]
pub enum PropertyFilter {
    Person {
        key: String,
        op: Op,
        values: Vec<String>,
        /// Compiled patterns for `regex` / `not_regex`; an invalid pattern matches nothing.
        patterns: Vec<Regex>,
        /// Matchers for `icontains` / `not_icontains`.
        needles: Vec<Needle>,
        /// The interned key once known (an interned string never changes its symbol).
        sym: Cell<Option<Sym>>,
    },
    Cohort {
        id: Option<i64>,
        negate: bool,
    },
}

/// Why a `properties` parameter was rejected.
#[derive(Debug, PartialEq)]
pub enum FilterError {
    /// Not JSON: PostHog answers 400 "Properties are unparsable!".
    Unparsable,
    /// JSON of the wrong shape (a dict, items without `key`…): PostHog fails with a 500.
    Malformed,
}

fn value_texts(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(value_texts).collect(),
        Value::String(s) => vec![s.clone()],
        Value::Null => vec![],
        other => vec![other.to_string()],
    }
}

/// Parses the JSON array given as `properties=`.
pub fn parse_filters(raw: &str) -> Result<Vec<PropertyFilter>, FilterError> {
    let parsed: Value = serde_json::from_str(raw).map_err(|_| FilterError::Unparsable)?;
    let Value::Array(items) = parsed else {
        return Err(FilterError::Malformed);
    };
    items.iter().map(parse_one).collect()
}

fn parse_one(item: &Value) -> Result<PropertyFilter, FilterError> {
    let obj = item.as_object().ok_or(FilterError::Malformed)?;
    let kind = obj.get("type").and_then(Value::as_str).unwrap_or("person");
    let value = obj.get("value").cloned().unwrap_or(Value::Null);
    let operator = obj.get("operator").and_then(Value::as_str);
    if matches!(kind, "cohort" | "precalculated-cohort" | "static-cohort") {
        let id = match &value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        return Ok(PropertyFilter::Cohort { id, negate: operator == Some("not_in") });
    }
    let key = obj.get("key").and_then(Value::as_str).ok_or(FilterError::Malformed)?.to_owned();
    let op = match operator {
        None => Op::Exact,
        Some(name) => Op::parse(name).ok_or(FilterError::Malformed)?,
    };
    let values = value_texts(&value);
    let patterns = if matches!(op, Op::Regex | Op::NotRegex) {
        values.iter().filter_map(|v| Regex::new(v).ok()).collect()
    } else {
        Vec::new()
    };
    let needles = if matches!(op, Op::IContains | Op::NotIContains) {
        values.iter().map(|v| Needle::new(v)).collect()
    } else {
        Vec::new()
    };
    Ok(PropertyFilter::Person { key, op, values, patterns, needles, sym: Cell::new(None) })
}

/// The symbol of a filter key, cached in the filter once the key is interned.
pub fn key_sym(interner: &Interner, key: &str, cache: &Cell<Option<Sym>>) -> Option<Sym> {
    if let Some(sym) = cache.get() {
        return Some(sym);
    }
    let sym = interner.lookup(key);
    cache.set(sym);
    sym
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok()
}

/// Evaluates a person-property filter; cohort filters are evaluated by the store.
pub fn person_filter_matches(
    person: &Person,
    interner: &Interner,
    key: Option<Sym>,
    op: &Op,
    values: &[String],
    patterns: &[Regex],
    needles: &[Needle],
) -> bool {
    let found: Option<PropRef> = key.and_then(|sym| person.props.get(sym)).map(|v| v.view(interner));
    let Some(text) = found.and_then(|v| v.as_text()) else {
        return op.matches_missing();
    };
    let text: &str = &text;
    match op {
        Op::IsSet => true,
        Op::IsNotSet => false,
        Op::Exact => values.iter().any(|v| v == text),
        Op::IsNot => !values.iter().any(|v| v == text),
        Op::IContains => needles.iter().any(|n| n.is_in(text)),
        Op::NotIContains => !needles.iter().any(|n| n.is_in(text)),
        Op::Regex => patterns.iter().any(|p| p.is_match(text)),
        Op::NotRegex => !patterns.iter().any(|p| p.is_match(text)),
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
            let (Some(have), Some(want)) = (number(text), values.first().and_then(|v| number(v))) else {
                return false;
            };
            match op {
                Op::Gt => have > want,
                Op::Gte => have >= want,
                Op::Lt => have < want,
                _ => have <= want,
            }
        }
        Op::DateBefore | Op::DateAfter => {
            let now = clock::now_micros();
            let (Some(have), Some(want)) =
                (clock::parse(text), values.first().and_then(|v| clock::parse_relative(v, now)))
            else {
                return false;
            };
            if *op == Op::DateBefore { have < want } else { have > want }
        }
    }
}

/// A case-insensitive `ILIKE '%needle%'` matcher. ClickHouse treats `%` and `_` in the
/// search text as wildcards, so those go through a regex; plain text uses a byte scan.
#[derive(Clone, Debug)]
pub enum Needle {
    Ascii(Vec<u8>),
    Unicode(String),
    Like(Regex),
}

impl Needle {
    pub fn new(text: &str) -> Needle {
        if text.contains(['%', '_', '\\']) {
            let mut pattern = String::from("(?is)");
            let mut chars = text.chars();
            while let Some(c) = chars.next() {
                match c {
                    '%' => pattern.push_str(".*"),
                    '_' => pattern.push('.'),
                    '\\' => {
                        if let Some(next) = chars.next() {
                            pattern.push_str(&regex::escape(&next.to_string()));
                        }
                    }
                    other => pattern.push_str(&regex::escape(&other.to_string())),
                }
            }
            if let Ok(re) = Regex::new(&pattern) {
                return Needle::Like(re);
            }
        }
        if text.is_ascii() {
            Needle::Ascii(text.to_ascii_lowercase().into_bytes())
        } else {
            Needle::Unicode(text.to_lowercase())
        }
    }

    pub fn is_in(&self, haystack: &str) -> bool {
        match self {
            Needle::Ascii(needle) => {
                let hay = haystack.as_bytes();
                if needle.is_empty() {
                    return true;
                }
                if hay.len() < needle.len() {
                    return false;
                }
                let first = needle[0];
                hay.windows(needle.len()).any(|w| {
                    w[0].to_ascii_lowercase() == first
                        && w.iter().zip(needle).all(|(a, b)| a.to_ascii_lowercase() == *b)
                })
            }
            Needle::Unicode(needle) => haystack.to_lowercase().contains(needle.as_str()),
            Needle::Like(re) => re.is_match(haystack),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needle_matching() {
        assert!(Needle::new("AnOther@gm").is_in("another@gmail.com"));
        assert!(!Needle::new("x@y").is_in("another@gmail.com"));
        assert!(Needle::new("zoë").is_in("ZOË Smith"));
        assert!(Needle::new("a_b").is_in("xaXb"));
        assert!(Needle::new("a\\_b").is_in("a_b"));
        assert!(!Needle::new("a\\_b").is_in("aXb"));
    }

    #[test]
    fn parse_errors() {
        assert_eq!(parse_filters("nope").unwrap_err(), FilterError::Unparsable);
        assert_eq!(parse_filters(r#"{"type":"AND"}"#).unwrap_err(), FilterError::Malformed);
        assert_eq!(parse_filters("[]").unwrap().len(), 0);
    }
}
