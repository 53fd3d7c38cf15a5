//! The property inspector's data: a person (from the list row at once, from the full record when
//! it arrives) flattened into selectable rows — distinct ids, then a property tree whose objects
//! and arrays expand and collapse — with key/value filtering and hiding of `$`-properties.
use crate::api::{PersonListItem, PersonRecord, display_name};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// What the inspector shows about one person, whichever shape it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonView {
    pub name: String,
    pub uuid: String,
    /// The integer id, known once the full record has loaded.
    pub pk: Option<i64>,
    pub created_at: Option<String>,
    pub last_seen_at: Option<String>,
    pub distinct_ids: Vec<String>,
    pub properties: Map<String, Value>,
    /// True when this is the full record (retrieve), false for the list row.
    pub complete: bool,
}

impl PersonView {
    pub fn from_list(p: &PersonListItem, display_props: Option<&[String]>) -> Self {
        Self {
            name: display_name(&p.properties, &p.distinct_ids, display_props),
            uuid: p.uuid().to_string(),
            pk: None,
            created_at: p.created_at.clone(),
            last_seen_at: p.last_seen_at.clone(),
            distinct_ids: p.distinct_ids.clone(),
            properties: p.properties.clone(),
            complete: false,
        }
    }

    pub fn from_record(p: &PersonRecord, display_props: Option<&[String]>) -> Self {
        Self {
            name: display_name(&p.properties, &p.distinct_ids, display_props),
            uuid: p.uuid.clone(),
            pk: Some(p.id),
            created_at: p.created_at.clone(),
            last_seen_at: p.last_seen_at.clone(),
            distinct_ids: p.distinct_ids.clone(),
            properties: p.properties.clone(),
            complete: true,
        }
    }

    /// The person as JSON, for `Y`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(pk) = self.pk {
            m.insert("id".into(), pk.into());
        }
        m.insert("uuid".into(), self.uuid.clone().into());
        m.insert("name".into(), self.name.clone().into());
        m.insert("distinct_ids".into(), self.distinct_ids.clone().into());
        m.insert("properties".into(), Value::Object(self.properties.clone()));
        m.insert("created_at".into(), self.created_at.clone().into());
        m.insert("last_seen_at".into(), self.last_seen_at.clone().into());
        Value::Object(m)
    }
}

/// The JSON type tag shown next to a property.
pub fn type_tag(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Null => "null",
        Value::Object(_) => "object",
        Value::Array(_) => "array",
    }
}

/// One selectable line of the inspector.
#[derive(Clone, Debug, PartialEq)]
pub enum Row {
    /// "Distinct IDs (3)" / "Properties (12 of 40)".
    Section {
        title: String,
    },
    DistinctId {
        id: String,
    },
    Property {
        /// Path from the top-level key, e.g. `["address", "city"]` or `["tags", "0"]`.
        path: Vec<String>,
        depth: usize,
        key: String,
        value: Value,
        /// `Some(expanded?)` for objects and arrays.
        expanded: Option<bool>,
    },
    /// Shown when the filter hides everything.
    Empty {
        text: String,
    },
}

impl Row {
    pub fn is_selectable(&self) -> bool {
        matches!(self, Row::DistinctId { .. } | Row::Property { .. })
    }
    /// The text `y` copies: the id, or the value (strings raw, others as JSON).
    pub fn copy_text(&self) -> Option<String> {
        match self {
            Row::DistinctId { id } => Some(id.clone()),
            Row::Property { value: Value::String(s), .. } => Some(s.clone()),
            Row::Property { value, .. } => Some(serde_json::to_string_pretty(value).unwrap_or_default()),
            _ => None,
        }
    }
}

/// Path key used in the expanded set.
pub fn path_key(path: &[String]) -> String {
    path.join("\u{1f}")
}

/// How the rows are filtered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowOptions<'a> {
    pub filter: &'a str,
    pub hide_dollar: bool,
    pub expanded: Option<&'a BTreeSet<String>>,
}

/// Builds the rows for a person: a distinct-id section and a property tree.
pub fn rows(person: &PersonView, opts: &RowOptions) -> Vec<Row> {
    let needle = opts.filter.trim().to_lowercase();
    let matches = |text: &str| needle.is_empty() || text.to_lowercase().contains(&needle);
    let mut out = Vec::new();
    let ids: Vec<&String> = person.distinct_ids.iter().filter(|d| matches(d)).collect();
    out.push(Row::Section { title: count_title("Distinct IDs", ids.len(), person.distinct_ids.len()) });
    out.extend(ids.into_iter().map(|id| Row::DistinctId { id: id.clone() }));

    let visible: Vec<(&String, &Value)> = person
        .properties
        .iter()
        .filter(|(k, _)| !(opts.hide_dollar && k.starts_with('$')))
        .filter(|(k, v)| matches(k) || value_matches(v, &needle))
        .collect();
    let hidden_dollar =
        if opts.hide_dollar { person.properties.keys().filter(|k| k.starts_with('$')).count() } else { 0 };
    let mut title = count_title("Properties", visible.len(), person.properties.len());
    if hidden_dollar > 0 {
        title.push_str(&format!(" · {hidden_dollar} $-properties hidden"));
    }
    out.push(Row::Section { title });
    if visible.is_empty() {
        out.push(Row::Empty {
            text: if person.properties.is_empty() {
                "no properties".into()
            } else if needle.is_empty() && hidden_dollar > 0 {
                "only $-properties, which are hidden".into()
            } else {
                "nothing matches the filter".into()
            },
        });
    }
    for (k, v) in visible {
        push_tree(&mut out, vec![k.clone()], 0, k.clone(), v, opts.expanded);
    }
    out
}

fn count_title(name: &str, shown: usize, total: usize) -> String {
    if shown == total { format!("{name} ({total})") } else { format!("{name} ({shown} of {total})") }
}

fn value_matches(v: &Value, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    match v {
        Value::String(s) => s.to_lowercase().contains(needle),
        other => other.to_string().to_lowercase().contains(needle),
    }
}

fn push_tree(
    out: &mut Vec<Row>,
    path: Vec<String>,
    depth: usize,
    key: String,
    v: &Value,
    expanded: Option<&BTreeSet<String>>,
) {
    let container = matches!(v, Value::Object(_) | Value::Array(_));
    let is_open = container && expanded.is_some_and(|e| e.contains(&path_key(&path)));
    out.push(Row::Property {
        path: path.clone(),
        depth,
        key,
        value: v.clone(),
        expanded: container.then_some(is_open),
    });
    if !is_open {
        return;
    }
    let children: Vec<(String, &Value)> = match v {
        Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(a) => a.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => Vec::new(),
    };
    for (k, child) in children {
        let mut p = path.clone();
        p.push(k.clone());
        push_tree(out, p, depth + 1, k, child, expanded);
    }
}

/// A one-line preview of a value (objects and arrays summarised).
pub fn preview(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) => format!("{{…}} {} keys", m.len()),
        Value::Array(a) => format!("[…] {} items", a.len()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn person() -> PersonView {
        PersonView {
            name: "ana@x.io".into(),
            uuid: "u".into(),
            pk: Some(1),
            created_at: None,
            last_seen_at: None,
            distinct_ids: vec!["ana".into(), "0190f0c2-aaaa-bbbb-cccc-dddddddddddd".into()],
            properties: json!({"email": "ana@x.io", "$browser": "Firefox", "address": {"city": "Oslo", "zip": "0150"}, "tags": ["a", "b"]})
                .as_object()
                .unwrap()
                .clone(),
            complete: true,
        }
    }

    fn keys(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| match r {
                Row::Section { title } => format!("# {title}"),
                Row::DistinctId { id } => format!("id {id}"),
                Row::Property { path, .. } => path.join("."),
                Row::Empty { text } => format!("({text})"),
            })
            .collect()
    }

    #[test]
    fn tree_expands_and_collapses() {
        let p = person();
        let collapsed = rows(&p, &RowOptions::default());
        assert_eq!(
            keys(&collapsed),
            [
                "# Distinct IDs (2)",
                "id ana",
                "id 0190f0c2-aaaa-bbbb-cccc-dddddddddddd",
                "# Properties (4)",
                "email",
                "$browser",
                "address",
                "tags"
            ]
        );
        let mut open = BTreeSet::new();
        open.insert(path_key(&["address".to_string()]));
        open.insert(path_key(&["tags".to_string()]));
        let expanded = rows(&p, &RowOptions { expanded: Some(&open), ..Default::default() });
        assert!(keys(&expanded).ends_with(&[
            "address".into(),
            "address.city".into(),
            "address.zip".into(),
            "tags".into(),
            "tags.0".into(),
            "tags.1".into()
        ]));
        let depth = expanded.iter().find_map(|r| match r {
            Row::Property { path, depth, .. } if path.len() == 2 => Some(*depth),
            _ => None,
        });
        assert_eq!(depth, Some(1));
    }

    #[test]
    fn filter_and_hide_dollar() {
        let p = person();
        let filtered = rows(&p, &RowOptions { filter: "OSLO", ..Default::default() });
        assert_eq!(keys(&filtered), ["# Distinct IDs (0 of 2)", "# Properties (1 of 4)", "address"]);
        let hidden = rows(&p, &RowOptions { hide_dollar: true, ..Default::default() });
        assert!(!keys(&hidden).contains(&"$browser".to_string()));
        assert!(keys(&hidden).iter().any(|k| k.contains("1 $-properties hidden")));
        let none = rows(&p, &RowOptions { filter: "zzz", ..Default::default() });
        assert!(keys(&none).contains(&"(nothing matches the filter)".to_string()));
        let mut only_dollar = person();
        only_dollar.properties.retain(|k, _| k.starts_with('$'));
        let hidden = rows(&only_dollar, &RowOptions { hide_dollar: true, ..Default::default() });
        assert!(
            keys(&hidden).contains(&"(only $-properties, which are hidden)".to_string()),
            "{:?}",
            keys(&hidden)
        );
    }

    #[test]
    fn copy_text_and_preview() {
        assert_eq!(Row::DistinctId { id: "x".into() }.copy_text().as_deref(), Some("x"));
        let row =
            Row::Property { path: vec![], depth: 0, key: "k".into(), value: json!("007"), expanded: None };
        assert_eq!(row.copy_text().as_deref(), Some("007"));
        assert_eq!(preview(&json!({"a": 1})), "{…} 1 keys");
        assert_eq!(type_tag(&json!([1])), "array");
    }
}
