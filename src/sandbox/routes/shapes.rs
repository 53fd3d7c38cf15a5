//! The two person shapes: `SerializedPerson` (list, `id` = UUID string) and
//! `PersonSerializer` (retrieve, `id` = integer pk).

use serde_json::{Map, Value};

use crate::sandbox::clock;
use crate::sandbox::store::Store;
use crate::sandbox::store::person::Person;

/// The list caps distinct ids at 1000 per person.
const LIST_DISTINCT_IDS: usize = 1000;

fn opt_time(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| Value::String(clock::iso(t)))
}

pub fn list_item(store: &Store, person: &Person) -> Value {
    let uuid = person.uuid.to_string();
    let ids: Vec<Value> = person
        .sorted_distinct_ids()
        .into_iter()
        .take(LIST_DISTINCT_IDS)
        .map(|d| Value::String(d.to_owned()))
        .collect();
    let name = person
        .display_name(&store.interner, &store.name_props)
        .unwrap_or_else(|| Value::String(uuid.clone()));
    let mut out = Map::new();
    out.insert("type".into(), Value::String("person".into()));
    out.insert("id".into(), Value::String(uuid.clone()));
    out.insert("uuid".into(), Value::String(uuid));
    out.insert("created_at".into(), Value::String(clock::iso(person.created_at)));
    out.insert("last_seen_at".into(), opt_time(person.last_seen_at));
    out.insert("properties".into(), Value::Object(person.props.to_map(&store.interner)));
    out.insert("is_identified".into(), Value::Bool(person.is_identified));
    out.insert("name".into(), name);
    out.insert("distinct_ids".into(), Value::Array(ids));
    out.insert("matched_recordings".into(), Value::Array(Vec::new()));
    out.insert("value_at_data_point".into(), Value::Null);
    Value::Object(out)
}

pub fn detail(store: &Store, person: &Person) -> Value {
    let ids: Vec<Value> =
        person.sorted_distinct_ids().into_iter().map(|d| Value::String(d.to_owned())).collect();
    let name = person
        .display_name(&store.interner, &store.name_props)
        .unwrap_or_else(|| Value::String(person.pk.to_string()));
    let mut out = Map::new();
    out.insert("id".into(), Value::from(person.pk));
    out.insert("name".into(), name);
    out.insert("distinct_ids".into(), Value::Array(ids));
    out.insert("properties".into(), Value::Object(person.props.to_map(&store.interner)));
    out.insert("created_at".into(), Value::String(clock::iso(person.created_at)));
    out.insert("uuid".into(), Value::String(person.uuid.to_string()));
    out.insert("last_seen_at".into(), opt_time(person.last_seen_at));
    Value::Object(out)
}
