//! Actions on one person: activity, delete_events, delete_recordings, update_property,
//! delete_property and split.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::error::{ApiError, Reply};
use super::person::{get_object, set_properties};
use super::request::{Req, python_int};
use super::urls::format_query_params_absolute_url;
use crate::sandbox::store::activity::{API_USER, change, detail};
use crate::sandbox::store::ingest::{IngestOp, SplitMode};
use crate::sandbox::store::{NotAnId, Store};

/// `activity_page_response`: `limit` (default 10) and 1-based `page` read with bare `int()`;
/// a bad value or a page out of range is a 500, as in PostHog.
pub fn activity_response(store: &Store, req: &Req, item_id: Option<i64>) -> Result<Reply, ApiError> {
    let int = |key: &str, default: i64| match req.param(key) {
        None => Ok(default),
        Some(text) => python_int(text).ok_or_else(ApiError::server_error),
    };
    let (limit, page) = (int("limit", 10)?, int("page", 1)?);
    let found = store.activity.page(item_id, limit, page).map_err(|_| ApiError::server_error())?;
    let url = req.absolute_url();
    let link =
        |p: i64| Value::String(format_query_params_absolute_url(&url, p, Some(limit), "page", "limit"));
    let mut body = Map::new();
    body.insert(
        "results".into(),
        Value::Array(found.results.iter().map(|e| store.activity.entry_json(e)).collect()),
    );
    body.insert("next".into(), if found.has_next { link(page + 1) } else { Value::Null });
    body.insert("previous".into(), if found.has_previous { link(page - 1) } else { Value::Null });
    body.insert("total_count".into(), Value::from(found.total_count));
    Ok(Reply::Json(StatusCode::OK, Value::Object(body)))
}

pub fn activity(store: &Store, req: &Req, id: &str) -> Result<Reply, ApiError> {
    let slot = get_object(store, id)?;
    let pk = store.person(slot).map(|p| p.pk);
    activity_response(store, req, pk)
}

pub fn delete_events(store: &mut Store, id: &str) -> Result<Reply, ApiError> {
    let slot = get_object(store, id)?;
    if let Some(uuid) = store.person(slot).map(|p| p.uuid) {
        store.deletions.queue(uuid, crate::sandbox::clock::now_micros());
    }
    Ok(Reply::Empty(StatusCode::ACCEPTED))
}

/// Recording deletion runs in a workflow PostHog does not expose; nothing to keep here.
pub fn delete_recordings(store: &mut Store, id: &str) -> Result<Reply, ApiError> {
    get_object(store, id)?;
    Ok(Reply::Empty(StatusCode::ACCEPTED))
}

pub fn update_property(store: &mut Store, req: &Req, id: &str) -> Result<Reply, ApiError> {
    let data = req.data()?;
    let Some(value) = data.get("value") else {
        return Err(ApiError::swapped_required("value"));
    };
    let key = match data.get("key") {
        None | Some(Value::Null) => return Err(ApiError::swapped_required("key")),
        Some(Value::String(k)) => k.clone(),
        Some(other) => other.to_string(),
    };
    let slot = get_object(store, id)?;
    let mut set = Map::new();
    set.insert(key, value.clone());
    set_properties(store, slot, Value::Object(set))?;
    Ok(Reply::Empty(StatusCode::ACCEPTED))
}

/// Unlike the others this action does not validate the id: an unknown person raises
/// `Person.DoesNotExist` (500), and so does a missing `$unset` (`KeyError`).
pub fn delete_property(store: &mut Store, req: &Req, id: &str) -> Result<Reply, ApiError> {
    let slot = match store.resolve_id(id) {
        Ok(Some(slot)) => slot,
        Ok(None) | Err(NotAnId) => return Err(ApiError::server_error()),
    };
    let data = req.data()?;
    let unset = data.get("$unset").cloned().ok_or_else(ApiError::server_error)?;
    let person = store.person(slot).ok_or_else(ApiError::server_error)?;
    let distinct_id =
        person.distinct_ids.first().map(|d| d.to_string()).ok_or_else(ApiError::server_error)?;
    let (pk, uuid) = (person.pk, person.uuid);
    store.enqueue(IngestOp::Unset { distinct_id, unset: vec![unset] });
    store.log(
        API_USER,
        "delete_property",
        pk,
        detail(Some(uuid.to_string()), Some(vec![change("changed", None, None)])),
    );
    Ok(Reply::Json(StatusCode::CREATED, json!({"success": true})))
}

/// Python's `repr()` of a sorted list of strings, for "not on this person: [...]".
fn python_list_repr(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| {
            let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
            let mut out = String::from(quote);
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                        out.push_str(&format!("\\x{:02x}", c as u32));
                    }
                    c => out.push(c),
                }
            }
            out.push(quote);
            out
        })
        .collect();
    format!("[{}]", quoted.join(", "))
}

pub fn split(store: &mut Store, req: &Req, id: &str) -> Result<Reply, ApiError> {
    let slot = get_object(store, id)?;
    let data = req.data()?;
    let main = match data.get("main_distinct_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    let to_split = match data.get("distinct_ids_to_split") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            Some(items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect::<Vec<String>>())
        }
        Some(_) => {
            return Err(ApiError::validation_attr(
                "distinct_ids_to_split",
                "invalid_input",
                "must be a list of strings",
            ));
        }
    };
    let person = store.person(slot).ok_or_else(ApiError::not_found)?;
    if let Some(ids) = &to_split {
        if ids.is_empty() {
            return Err(ApiError::validation_attr(
                "distinct_ids_to_split",
                "invalid_input",
                "must not be empty",
            ));
        }
        if main.is_some() {
            return Err(ApiError::validation(
                "main_distinct_id cannot be combined with distinct_ids_to_split",
            ));
        }
        let mut unknown: Vec<String> =
            ids.iter().filter(|i| !person.distinct_ids.iter().any(|d| **d == ***i)).cloned().collect();
        unknown.sort();
        unknown.dedup();
        if !unknown.is_empty() {
            return Err(ApiError::validation_attr(
                "distinct_ids_to_split",
                "invalid_input",
                &format!("not on this person: {}", python_list_repr(&unknown)),
            ));
        }
    }
    let activity = Store::split_detail(person, to_split.as_deref());
    let (pk, person_uuid) = (person.pk, person.uuid);
    let mode = match to_split {
        Some(ids) => SplitMode::MoveOff(ids),
        None => SplitMode::KeepMain(main),
    };
    store.enqueue(IngestOp::Split { person_uuid, mode });
    store.log(API_USER, "split_person", pk, activity);
    Ok(Reply::Json(StatusCode::CREATED, json!({"success": true})))
}

#[cfg(test)]
mod tests {
    #[test]
    fn python_repr() {
        assert_eq!(
            super::python_list_repr(&["a".into(), "it's".into(), "x\ny".into()]),
            r#"['a', "it's", 'x\ny']"#
        );
    }
}
