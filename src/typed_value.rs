//! Typed property values: what the user typed plus an explicit type gives exactly one JSON value,
//! with no silent coercion ("007" as a string stays "007").
use serde_json::Value;
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    String,
    Number,
    Bool,
    Null,
    /// Any JSON: object, array, or a literal.
    Json,
}

impl ValueType {
    pub const ALL: [ValueType; 5] = [Self::String, Self::Number, Self::Bool, Self::Null, Self::Json];

    /// The type of an existing value (objects and arrays edit as JSON).
    pub fn of(v: &Value) -> Self {
        match v {
            Value::String(_) => Self::String,
            Value::Number(_) => Self::Number,
            Value::Bool(_) => Self::Bool,
            Value::Null => Self::Null,
            Value::Array(_) | Value::Object(_) => Self::Json,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Bool => "bool",
            Self::Null => "null",
            Self::Json => "json",
        }
    }

    /// Turns raw input into the JSON value for this type, or says why it cannot.
    pub fn parse(&self, raw: &str) -> Result<Value, String> {
        match self {
            Self::String => Ok(Value::String(raw.to_string())),
            Self::Number => {
                let t = raw.trim();
                let n: serde_json::Number = t
                    .parse::<i64>()
                    .map(Into::into)
                    .ok()
                    .or_else(|| {
                        t.parse::<f64>().ok().filter(|f| f.is_finite()).and_then(serde_json::Number::from_f64)
                    })
                    .ok_or_else(|| format!("{t:?} is not a number (use type string to keep it as text)"))?;
                Ok(Value::Number(n))
            }
            Self::Bool => match raw.trim() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                other => Err(format!("{other:?} is not a boolean; use true or false")),
            },
            Self::Null => match raw.trim() {
                "" | "null" => Ok(Value::Null),
                other => Err(format!("a null value takes no text (got {other:?})")),
            },
            Self::Json => serde_json::from_str(raw).map_err(|e| format!("not valid JSON: {e}")),
        }
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ValueType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "string" | "str" | "text" => Ok(Self::String),
            "number" | "num" => Ok(Self::Number),
            "bool" | "boolean" => Ok(Self::Bool),
            "null" => Ok(Self::Null),
            "json" | "object" | "array" => Ok(Self::Json),
            other => Err(format!("unknown type {other:?}; use string, number, bool, null or json")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_silent_coercion() {
        assert_eq!(ValueType::String.parse("007").unwrap(), json!("007"));
        assert_eq!(ValueType::String.parse("+44 20 7946 0958").unwrap(), json!("+44 20 7946 0958"));
        assert_eq!(ValueType::Number.parse("007").unwrap(), json!(7));
        assert_eq!(ValueType::Number.parse("2.5").unwrap(), json!(2.5));
        assert!(ValueType::Number.parse("abc").is_err());
        assert!(ValueType::Number.parse("NaN").is_err());
        assert_eq!(ValueType::Bool.parse("true").unwrap(), json!(true));
        assert!(ValueType::Bool.parse("yes").is_err());
        assert_eq!(ValueType::Null.parse("").unwrap(), Value::Null);
        assert!(ValueType::Null.parse("x").is_err());
        assert_eq!(ValueType::Json.parse(r#"{"a":[1]}"#).unwrap(), json!({"a":[1]}));
        assert!(ValueType::Json.parse("{").is_err());
    }

    #[test]
    fn type_of_existing_values() {
        assert_eq!(ValueType::of(&json!("x")), ValueType::String);
        assert_eq!(ValueType::of(&json!([1])), ValueType::Json);
        assert_eq!("boolean".parse::<ValueType>().unwrap(), ValueType::Bool);
    }
}
