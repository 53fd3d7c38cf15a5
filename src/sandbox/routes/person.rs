//! `GET`, `PATCH`/`PUT` and `DELETE /persons/{id}/`.

use axum::http::StatusCode;
use serde_json::Value;

use super::error::{ApiError, Reply};
use super::request::Req;
use super::shapes;
use crate::sandbox::store::activity::{API_USER, change, detail};
use crate::sandbox::store::ingest::IngestOp;
use crate::sandbox::store::{NotAnId, Store};

/// `safely_get_object`: 400 for text that is neither a pk nor a UUID, 404 when missing.
pub fn get_object(store: &Store, id: &str) -> Result<u32, ApiError> {
    match store.resolve_id(id) {
        Err(NotAnId) => Err(ApiError::validation(&format!(
            "The ID provided does not look like a personID. If you are using a distinctId, please use /persons?distinct_id={id} instead."
        ))),
        Ok(None) => Err(ApiError::not_found()),
        Ok(Some(slot)) => Ok(slot),
    }
}

pub fn retrieve(store: &Store, id: &str) -> Result<Reply, ApiError> {
    let slot = get_object(store, id)?;
    let person = store.person(slot).ok_or_else(ApiError::not_found)?;
    Ok(Reply::Json(StatusCode::OK, shapes::detail(store, person)))
}

/// `_set_properties`: a `$set` for the person's first distinct id through the ingestion
/// queue, plus an `updated` activity entry.
pub fn set_properties(store: &mut Store, slot: u32, set: Value) -> Result<(), ApiError> {
    let person = store.person(slot).ok_or_else(ApiError::not_found)?;
    let distinct_id =
        person.distinct_ids.first().map(|d| d.to_string()).ok_or_else(ApiError::server_error)?;
    let pk = person.pk;
    if let Value::Object(set) = set {
        store.enqueue(IngestOp::Set { distinct_id, set });
    }
    store.log(API_USER, "updated", pk, detail(None, Some(vec![change("changed", Some("properties"), None)])));
    Ok(())
}

pub fn update(store: &mut Store, req: &Req, id: &str) -> Result<Reply, ApiError> {
    let data = req.data()?;
    let properties = match data.get("properties") {
        None | Some(Value::Null) => return Err(ApiError::swapped_required("properties")),
        Some(p) => p.clone(),
    };
    let slot = get_object(store, id)?;
    set_properties(store, slot, properties)?;
    Ok(Reply::Empty(StatusCode::ACCEPTED))
}

/// Deletes persons like `_bulk_delete_persons`; returns how many profiles were deleted.
pub fn delete_persons(store: &mut Store, slots: &[u32], delete_events: bool, keep_person: bool) -> usize {
    let now = crate::sandbox::clock::now_micros();
    let uuids: Vec<_> = slots.iter().filter_map(|s| store.person(*s).map(|p| p.uuid)).collect();
    let deleted =
        if keep_person { 0 } else { slots.iter().filter(|s| store.delete_person(**s, API_USER)).count() };
    if delete_events {
        for uuid in uuids {
            store.deletions.queue(uuid, now);
        }
    }
    deleted
}

pub fn destroy(store: &mut Store, req: &Req, id: &str) -> Result<Reply, ApiError> {
    let slot = get_object(store, id)?;
    // Flags count when present, whatever their value.
    delete_persons(store, &[slot], req.has("delete_events"), req.has("keep_person"));
    Ok(Reply::Empty(StatusCode::ACCEPTED))
}
