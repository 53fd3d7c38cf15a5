//! `GET /persons/{id}/properties_timeline/` (`PropertiesTimeline` in PostHog): the person's
//! events in the date range (and of the requested events, if any), with a point at the first
//! event and at every event where a crucial person property changed.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::error::{ApiError, Reply};
use super::legacy_filter::{LegacyParams, flatten_filters, query_date_range};
use super::person::get_object;
use super::request::Req;
use crate::sandbox::clock;
use crate::sandbox::store::Store;
use crate::sandbox::store::events::Event;
use crate::sandbox::store::history::{in_range, timeline_points};

/// `breakdown` as `BreakdownMixin` reads it: JSON when it parses (a list, a string, a
/// number), else the raw text.
fn breakdown_keys(params: &LegacyParams) -> Vec<String> {
    let Some(raw) = params.get("breakdown") else {
        return Vec::new();
    };
    let value = match raw {
        Value::String(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
        other => other,
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    };
    match &value {
        Value::Array(items) => items.iter().filter_map(text).collect(),
        Value::String(s) if s.is_empty() => Vec::new(),
        other => text(other).into_iter().collect(),
    }
}

/// The sorted person-property keys referenced by `properties`, by the entities' own filters
/// and by a person `breakdown`. Filters without `type` are event filters (PostHog's default).
fn crucial_keys(params: &LegacyParams, entity_filters: Vec<Value>) -> Result<Vec<String>, ApiError> {
    let mut filters = flatten_filters(params.json("properties")?.as_ref());
    filters.extend(entity_filters);
    let mut keys: BTreeSet<String> = filters
        .iter()
        .filter(|f| f.get("type").and_then(Value::as_str) == Some("person"))
        .filter_map(|f| match f.get("key") {
            Some(Value::String(k)) => Some(k.clone()),
            Some(Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        })
        .collect();
    if params.text("breakdown_type").as_deref() == Some("person") {
        keys.extend(breakdown_keys(params));
    }
    Ok(keys.into_iter().collect())
}

pub fn properties_timeline(store: &Store, req: &Req, id: &str) -> Result<Reply, ApiError> {
    let slot = get_object(store, id)?;
    store.person(slot).ok_or_else(ApiError::not_found)?;
    let params = LegacyParams::query_only(req);
    let interval = params.interval()?;
    let entities = params.entities()?;
    let mut names: Vec<Option<String>> = Vec::with_capacity(entities.len());
    let mut entity_filters = Vec::new();
    for entity in &entities {
        names.push(entity.event_name()?);
        entity_filters.extend(entity.property_filters());
    }
    let keys = crucial_keys(&params, entity_filters)?;
    let range = query_date_range(&params, interval, clock::now_micros(), || store.earliest_created_at());

    let events = store.events_for_person(slot);
    let relevant: Vec<&Event> = events
        .iter()
        .filter(|e| in_range(e.timestamp, range.from, range.to))
        .filter(|e| names.is_empty() || names.iter().any(|n| n.as_deref().is_none_or(|n| n == e.event)))
        .collect();
    let points: Vec<Value> = timeline_points(&relevant, &keys)
        .into_iter()
        .map(|p| {
            let mut point = Map::new();
            point.insert("timestamp".into(), Value::String(clock::iso(p.event.timestamp)));
            point.insert("properties".into(), Value::Object(p.event.person_properties.clone()));
            point.insert("relevant_event_count".into(), Value::from(p.relevant_event_count));
            Value::Object(point)
        })
        .collect();
    let mut body = Map::new();
    body.insert("points".into(), Value::Array(points));
    body.insert("crucial_property_keys".into(), Value::from(keys));
    body.insert("effective_date_from".into(), Value::String(clock::python_isoformat(range.from)));
    body.insert("effective_date_to".into(), Value::String(clock::python_isoformat(range.to)));
    Ok(Reply::Json(StatusCode::OK, Value::Object(body)))
}
