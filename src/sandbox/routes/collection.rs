//! Actions on the persons collection: activity, bulk_delete, cohorts,
//! reset_person_distinct_id and deletion_status.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::error::{ApiError, Reply};
use super::person::delete_persons;
use super::person_actions::activity_response;
use super::request::Req;
use super::urls::drf_query_param;
use crate::sandbox::clock;
use crate::sandbox::store::Store;
use crate::sandbox::store::deletions::StatusFilter;

pub fn all_activity(store: &Store, req: &Req) -> Result<Reply, ApiError> {
    activity_response(store, req, None)
}

/// Python truthiness of a JSON value.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// `len()` of a list argument; anything without a length is a 500 in PostHog.
fn list_len(value: Option<&Value>) -> Result<usize, ApiError> {
    match value {
        Some(Value::Array(a)) => Ok(a.len()),
        Some(Value::String(s)) => Ok(s.chars().count()),
        _ => Err(ApiError::server_error()),
    }
}

pub fn bulk_delete(store: &mut Store, req: &Req) -> Result<Reply, ApiError> {
    let data = req.data()?;
    let (distinct_ids, ids) = (data.get("distinct_ids"), data.get("ids"));
    let (has_distinct, has_ids) = (truthy(distinct_ids), truthy(ids));
    if has_distinct && has_ids {
        return Err(ApiError::validation("You must provide either distinct_ids or ids, not both"));
    }
    if has_distinct && list_len(distinct_ids)? > 1000 {
        return Err(ApiError::validation("You can only pass 1000 distinct_ids in one call"));
    }
    if has_ids && list_len(ids)? > 1000 {
        return Err(ApiError::validation("You can only pass 1000 ids in one call"));
    }
    if !has_distinct && !has_ids {
        return Err(ApiError::validation("You need to specify either distinct_ids or ids"));
    }
    let items: Vec<&str> = match if has_ids { ids } else { distinct_ids } {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut slots: Vec<u32> = Vec::new();
    for item in items {
        let slot = if has_ids {
            Uuid::parse_str(item).ok().and_then(|u| store.slot_by_uuid(u))
        } else {
            store.slot_by_distinct_id(item)
        };
        if let Some(slot) = slot.filter(|s| !slots.contains(s)) {
            slots.push(slot);
        }
    }
    let delete_events = truthy(data.get("delete_events"));
    let delete_recordings = truthy(data.get("delete_recordings"));
    let keep_person = truthy(data.get("keep_person"));
    let found = slots.len();
    let deleted = delete_persons(store, &slots, delete_events, keep_person);
    Ok(Reply::Json(
        StatusCode::ACCEPTED,
        json!({
            "persons_found": found,
            "persons_deleted": deleted,
            "events_queued_for_deletion": delete_events && found > 0,
            "recordings_queued_for_deletion": delete_recordings && found > 0,
            "deletion_errors": [],
        }),
    ))
}

pub fn cohorts(store: &mut Store, req: &Req) -> Result<Reply, ApiError> {
    // `request.GET["person_id"]`: a KeyError (500) when missing.
    let person_id = req.param("person_id").ok_or_else(ApiError::server_error)?;
    let slot = store.resolve_id(person_id).ok().flatten().ok_or_else(ApiError::not_found)?;
    store.ensure_cohort_counts();
    let results: Vec<Value> = store
        .cohorts_of(slot)
        .into_iter()
        .map(|c| json!({"id": c.id, "name": c.name, "count": c.count}))
        .collect();
    Ok(Reply::Json(StatusCode::OK, json!({ "results": results })))
}

pub fn reset_distinct_id(store: &mut Store, req: &Req) -> Result<Reply, ApiError> {
    let data = req.data()?;
    match data.get("distinct_id") {
        Some(Value::String(id)) if !id.is_empty() => {
            store.reset_distinct_id(id);
            Ok(Reply::Empty(StatusCode::ACCEPTED))
        }
        _ => Err(ApiError::validation("distinct_id is required")),
    }
}

/// DRF `LimitOffsetPagination` parameters: a bad or non-positive limit falls back to the
/// default, a bad offset to 0.
pub fn drf_limit_offset(req: &Req, default_limit: usize) -> (usize, usize) {
    let limit = req
        .param("limit")
        .and_then(|l| l.trim().parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(default_limit);
    let offset = req.param("offset").and_then(|o| o.trim().parse::<usize>().ok()).unwrap_or(0);
    (limit, offset)
}

/// `{"count","next","previous","results"}` with DRF's links.
pub fn drf_page(req: &Req, results: Vec<Value>, count: usize, limit: usize, offset: usize) -> Value {
    let url = drf_query_param(&req.absolute_url(), "limit", Some(&limit.to_string()));
    let next = (offset + limit < count)
        .then(|| drf_query_param(&url, "offset", Some(&(offset + limit).to_string())));
    let previous = if offset == 0 {
        None
    } else if offset <= limit {
        Some(drf_query_param(&url, "offset", None))
    } else {
        Some(drf_query_param(&url, "offset", Some(&(offset - limit).to_string())))
    };
    let mut body = Map::new();
    body.insert("count".into(), Value::from(count));
    body.insert("next".into(), next.map_or(Value::Null, Value::String));
    body.insert("previous".into(), previous.map_or(Value::Null, Value::String));
    body.insert("results".into(), Value::Array(results));
    Value::Object(body)
}

pub fn deletion_status(store: &Store, req: &Req) -> Result<Reply, ApiError> {
    let status = match req.param("status").filter(|s| !s.is_empty()) {
        None | Some("all") => StatusFilter::All,
        Some("pending") => StatusFilter::Pending,
        Some("completed") => StatusFilter::Completed,
        Some(other) => {
            return Err(ApiError::validation_attr(
                "status",
                "invalid_choice",
                &format!("\"{other}\" is not a valid choice."),
            ));
        }
    };
    let person_uuid = match req.param("person_uuid").filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(Uuid::parse_str(text.trim()).map_err(|_| {
            ApiError::validation_attr("person_uuid", "invalid_input", "Must be a valid UUID.")
        })?),
    };
    let rows = store.deletions.list(status, person_uuid);
    let (limit, offset) = drf_limit_offset(req, 100);
    let results = rows
        .iter()
        .skip(offset)
        .take(limit)
        .map(|r| {
            json!({
                "person_uuid": r.person_uuid.to_string(),
                "created_at": clock::iso(r.created_at),
                "status": if r.delete_verified_at.is_some() { "completed" } else { "pending" },
                "delete_verified_at": r.delete_verified_at.map(clock::iso),
            })
        })
        .collect();
    Ok(Reply::Json(StatusCode::OK, drf_page(req, results, rows.len(), limit, offset)))
}
