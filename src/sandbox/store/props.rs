//! Compact person properties: keys and repeated values are interned (`Sym`), unique strings
//! are boxed, and a `serde_json::Map` (in insertion order) is built only when a person is
//! rendered. This keeps a million demo persons well under a gigabyte and a half.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Number, Value};

pub type Sym = u32;

/// Interned strings: property keys and low-cardinality values (browsers, plans, cities…).
#[derive(Default)]
pub struct Interner {
    map: HashMap<Arc<str>, Sym>,
    strs: Vec<Arc<str>>,
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(sym) = self.map.get(text) {
            return *sym;
        }
        let sym = Sym::try_from(self.strs.len()).expect("fewer than 2^32 interned strings");
        let shared: Arc<str> = Arc::from(text);
        self.strs.push(shared.clone());
        self.map.insert(shared, sym);
        sym
    }

    pub fn lookup(&self, text: &str) -> Option<Sym> {
        self.map.get(text).copied()
    }

    pub fn resolve(&self, sym: Sym) -> &str {
        &self.strs[sym as usize]
    }
}

/// One stored property value.
#[derive(Clone, Debug)]
pub enum PropVal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Sym(Sym),
    Text(Box<str>),
    Json(Box<Value>),
}

/// A borrowed view of a property value, with interned strings resolved.
#[derive(Clone, Copy, Debug)]
pub enum PropRef<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    Json(&'a Value),
}

impl PropVal {
    /// Converts an API value. Strings are boxed, not interned: API writes are few.
    pub fn from_json(value: Value) -> PropVal {
        match value {
            Value::Null => PropVal::Null,
            Value::Bool(b) => PropVal::Bool(b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    PropVal::Int(i)
                } else if n.is_f64() {
                    PropVal::Float(n.as_f64().unwrap_or_default())
                } else {
                    PropVal::Json(Box::new(Value::Number(n)))
                }
            }
            Value::String(s) => PropVal::Text(s.into_boxed_str()),
            other => PropVal::Json(Box::new(other)),
        }
    }

    pub fn view<'a>(&'a self, interner: &'a Interner) -> PropRef<'a> {
        match self {
            PropVal::Null => PropRef::Null,
            PropVal::Bool(b) => PropRef::Bool(*b),
            PropVal::Int(i) => PropRef::Int(*i),
            PropVal::Float(f) => PropRef::Float(*f),
            PropVal::Sym(s) => PropRef::Str(interner.resolve(*s)),
            PropVal::Text(t) => PropRef::Str(t),
            PropVal::Json(v) => PropRef::Json(v),
        }
    }
}

impl<'a> PropRef<'a> {
    pub fn to_json(self) -> Value {
        match self {
            PropRef::Null => Value::Null,
            PropRef::Bool(b) => Value::Bool(b),
            PropRef::Int(i) => Value::Number(i.into()),
            PropRef::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
            PropRef::Str(s) => Value::String(s.to_owned()),
            PropRef::Json(v) => v.clone(),
        }
    }

    /// The value as ClickHouse's `toString` of the JSON property would see it; `None` for
    /// null (an unset property).
    pub fn as_text(self) -> Option<Cow<'a, str>> {
        match self {
            PropRef::Null => None,
            PropRef::Bool(b) => Some(Cow::Borrowed(if b { "true" } else { "false" })),
            PropRef::Int(i) => Some(Cow::Owned(i.to_string())),
            PropRef::Float(f) => {
                Some(Cow::Owned(Number::from_f64(f).map_or_else(String::new, |n| n.to_string())))
            }
            PropRef::Str(s) => Some(Cow::Borrowed(s)),
            PropRef::Json(Value::String(s)) => Some(Cow::Borrowed(s)),
            PropRef::Json(Value::Null) => None,
            PropRef::Json(v) => Some(Cow::Owned(v.to_string())),
        }
    }

    /// Python truthiness, used for the person's display name.
    pub fn is_truthy(self) -> bool {
        match self {
            PropRef::Null => false,
            PropRef::Bool(b) => b,
            PropRef::Int(i) => i != 0,
            PropRef::Float(f) => f != 0.0,
            PropRef::Str(s) => !s.is_empty(),
            PropRef::Json(v) => match v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                Value::Object(o) => !o.is_empty(),
            },
        }
    }
}

/// Properties in insertion order.
#[derive(Clone, Debug, Default)]
pub struct Props(Vec<(Sym, PropVal)>);

impl Props {
    pub fn with_capacity(n: usize) -> Props {
        Props(Vec::with_capacity(n))
    }

    pub fn get(&self, key: Sym) -> Option<&PropVal> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Sets a value; an existing key keeps its position, a new key goes last.
    pub fn set(&mut self, key: Sym, value: PropVal) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn remove(&mut self, key: Sym) -> bool {
        let before = self.0.len();
        self.0.retain(|(k, _)| *k != key);
        self.0.len() != before
    }

    pub fn shrink(&mut self) {
        self.0.shrink_to_fit();
    }

    pub fn iter(&self) -> impl Iterator<Item = &(Sym, PropVal)> {
        self.0.iter()
    }

    pub fn to_map(&self, interner: &Interner) -> Map<String, Value> {
        self.0.iter().map(|(k, v)| (interner.resolve(*k).to_owned(), v.view(interner).to_json())).collect()
    }
}
