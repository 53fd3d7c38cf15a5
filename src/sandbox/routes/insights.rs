//! The legacy actor endpoints: `persons/funnel/`, `persons/funnel/correlation/`,
//! `persons/trends/` and `persons/lifecycle/`, computed by scanning the stored events, with
//! PostHog's envelopes and `next` links.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::error::{ApiError, Reply};
use super::legacy_filter::{DateRange, LegacyParams, query_date_range};
use super::request::Req;
use super::shapes;
use super::urls::format_query_params_absolute_url;
use crate::sandbox::clock::{self, MICROS_PER_DAY, MICROS_PER_SEC};
use crate::sandbox::store::Store;
use crate::sandbox::store::history::{Funnel, FunnelPath, Window, in_range, lifecycle_status};

const DEFAULT_LIMIT: i64 = 100;

/// `posthog.api.utils.format_paginated_url` for `next`: when the request's full path already
/// holds `offset`, the path **without its leading slash** with every `offset={offset}`
/// replaced; otherwise the absolute URL with `offset=` appended.
pub fn format_paginated_url(req: &Req, offset: i64, page_size: i64) -> Option<String> {
    let full_path = req.full_path();
    let new_offset = offset + page_size;
    if new_offset < 0 {
        return None;
    }
    if full_path.contains("offset") {
        Some(full_path[1..].replace(&format!("offset={offset}"), &format!("offset={new_offset}")))
    } else {
        let sep = if full_path.contains('?') { '&' } else { '?' };
        Some(req.absolute(&format!("{full_path}{sep}offset={new_offset}")))
    }
}

/// `paginated_result`: a `next` link when the page is full.
fn paginated_result(req: &Req, count: usize, offset: i64, limit: i64) -> Value {
    if count as i64 >= limit {
        format_paginated_url(req, offset, limit).map_or(Value::Null, Value::String)
    } else {
        Value::Null
    }
}

fn people(store: &Store, slots: &[u32]) -> Vec<Value> {
    slots.iter().filter_map(|s| store.person(*s)).map(|p| shapes::list_item(store, p)).collect()
}

/// `_respond_with_cached_results`.
fn cached_envelope(people: Vec<Value>, next: Value, initial: String) -> Reply {
    let mut body = Map::new();
    let count = people.len();
    body.insert("results".into(), json!([{"people": people, "count": count}]));
    body.insert("next".into(), next);
    body.insert("initial".into(), Value::String(initial));
    body.insert("missing_persons".into(), Value::from(0));
    body.insert("is_cached".into(), Value::Bool(false));
    body.insert("last_refresh".into(), Value::String(clock::iso(clock::now_micros())));
    Reply::Json(StatusCode::OK, Value::Object(body))
}

fn page<T: Copy>(items: &[T], offset: i64, limit: i64) -> Vec<T> {
    items.iter().skip(offset.max(0) as usize).take(limit.max(0) as usize).copied().collect()
}

/// `funnel_window_interval` + `funnel_window_interval_unit` (default `day`), else the older
/// `funnel_window_days`, else 14 days.
fn funnel_window(params: &LegacyParams) -> Result<Window, ApiError> {
    if let Some(n) = params.text("funnel_window_interval") {
        let n = super::request::python_int(&n).ok_or_else(ApiError::server_error)?;
        let unit = params.text("funnel_window_interval_unit").unwrap_or_else(|| "day".into());
        let span = match unit.to_ascii_lowercase().as_str() {
            "second" => MICROS_PER_SEC,
            "minute" => 60 * MICROS_PER_SEC,
            "hour" => 3_600 * MICROS_PER_SEC,
            "day" => MICROS_PER_DAY,
            "week" => 7 * MICROS_PER_DAY,
            "month" => return Ok(Window::Months(n)),
            _ => {
                return Err(ApiError::validation(&format!(
                    "{unit} is not a funnel window unit (second, minute, hour, day, week, month)."
                )));
            }
        };
        return Ok(Window::Micros(n * span));
    }
    Ok(Window::Micros(params.int("funnel_window_days", 14)? * MICROS_PER_DAY))
}

/// The ordered funnel a legacy Filter describes (`funnel_order_type` other than ordered is
/// answered as ordered).
fn funnel_from(store: &Store, params: &LegacyParams) -> Result<Funnel, ApiError> {
    let interval = params.interval()?;
    let entities = params.entities()?;
    if entities.is_empty() {
        return Err(ApiError::validation("Funnels require at least one step (`events` or `actions`)."));
    }
    let steps = entities.iter().map(|e| e.event_name()).collect::<Result<Vec<_>, _>>()?;
    let window = funnel_window(params)?;
    let DateRange { from, to } =
        query_date_range(params, interval, clock::now_micros(), || store.earliest_created_at());
    Ok(Funnel { steps, window, from, to })
}

/// Calls `f` with every live person that did the funnel's first step in range, in list order.
fn funnel_scan(store: &Store, funnel: &Funnel, mut f: impl FnMut(u32, &FunnelPath, &[(i64, &str)])) {
    for &slot in store.live_slots() {
        let Some(person) = store.person(slot) else {
            continue;
        };
        if !store.may_have_events(person, funnel.from, funnel.to) {
            continue;
        }
        let events = store.event_names(person);
        if let Some(path) = funnel.path(&events) {
            f(slot, &path, &events);
        }
    }
}

/// `GET|POST /persons/funnel/`: `funnel_step` N > 0 is everyone who reached step N; -N is
/// everyone who reached step N-1 but not step N. Without a step, the first
/// `funnel_custom_steps` entry is used; without either PostHog fails (500).
pub fn funnel(store: &Store, req: &Req) -> Result<Reply, ApiError> {
    let params = LegacyParams::merged(req)?;
    let funnel = funnel_from(store, &params)?;
    let limit = match params.int("limit", DEFAULT_LIMIT)? {
        0 => DEFAULT_LIMIT,
        n => n,
    };
    let offset = params.int("offset", 0)?;
    let custom_first = match params.json("funnel_custom_steps")? {
        Some(Value::Array(items)) => items.first().and_then(|v| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }),
        _ => None,
    };
    let step = match params.int("funnel_step", 0)? {
        0 => custom_first,
        n => Some(n),
    };
    let Some(step) = step else {
        return Err(ApiError::server_error());
    };
    let mut matching = Vec::new();
    funnel_scan(store, &funnel, |slot, path, _| {
        let reached = path.steps() as i64;
        let hit = if step > 0 { reached >= step } else { reached == step.abs() - 1 };
        if hit {
            matching.push(slot);
        }
    });
    let slots = page(&matching, offset, limit);
    let next = paginated_result(req, slots.len(), offset, limit);
    let initial = format_query_params_absolute_url(&req.absolute_url(), 0, None, "offset", "limit");
    Ok(cached_envelope(people(store, &slots), next, initial))
}

/// `GET|POST /persons/funnel/correlation/`: persons of the funnel who did
/// `funnel_correlation_person_entity` between their first step and their last step
/// (`funnel_correlation_person_converted=true`) or the end of their window (`false`).
pub fn funnel_correlation(store: &Store, req: &Req) -> Result<Reply, ApiError> {
    let params = LegacyParams::merged(req)?;
    let entity = match params.json("funnel_correlation_person_entity")? {
        Some(Value::Object(obj)) => obj,
        _ => return Err(ApiError::validation("No entity for persons specified")),
    };
    let event = match (entity.get("type").and_then(Value::as_str), entity.get("id")) {
        (Some("actions"), id) => {
            return Err(ApiError::validation(&format!(
                "Action ID {} does not exist!",
                id.map_or_else(|| "None".into(), |v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            )));
        }
        (_, Some(Value::String(name))) => name.clone(),
        _ => return Err(ApiError::validation("No entity for persons specified")),
    };
    let funnel = funnel_from(store, &params)?;
    let converted = params.bool("funnel_correlation_person_converted");
    let limit = match params.int("funnel_correlation_person_limit", DEFAULT_LIMIT)? {
        0 => DEFAULT_LIMIT,
        n => n,
    };
    let offset = params.int("funnel_correlation_person_offset", 0)?;
    let total = funnel.steps.len();
    let mut matching = Vec::new();
    funnel_scan(store, &funnel, |slot, path, events| {
        let done = path.steps() == total;
        if converted.is_none_or(|c| c == done) && funnel.did_between(path, events, &event) {
            matching.push(slot);
        }
    });
    matching.sort_by_key(|s| store.person(*s).map(|p| p.uuid));
    let slots = page(&matching, offset, limit);
    let url = req.absolute_url();
    let next = if slots.len() as i64 >= limit {
        Value::String(format_query_params_absolute_url(
            &url,
            offset + limit,
            None,
            "funnel_correlation_person_offset",
            "funnel_correlation_person_limit",
        ))
    } else {
        Value::Null
    };
    let initial = format_query_params_absolute_url(&url, 0, None, "offset", "limit");
    Ok(cached_envelope(people(store, &slots), next, initial))
}

/// `GET /persons/trends/`: persons who did `entity_id` in the range, most events first, with
/// the count as `value_at_data_point`.
pub fn trends(store: &Store, req: &Req) -> Result<Reply, ApiError> {
    let params = LegacyParams::query_only(req);
    let Some(entity_id) = params.text("entity_id") else {
        return Err(ApiError::server_error());
    };
    if params.text("entity_type").as_deref() == Some("actions") {
        return Err(ApiError::validation(&format!("Action ID {entity_id} does not exist!")));
    }
    let interval = params.interval()?;
    let DateRange { from, to } =
        query_date_range(&params, interval, clock::now_micros(), || store.earliest_created_at());
    let limit = match params.int("limit", DEFAULT_LIMIT)? {
        0 => DEFAULT_LIMIT,
        n => n,
    };
    let offset = params.int("offset", 0)?;
    let mut counted: Vec<(u32, usize)> = Vec::new();
    for &slot in store.live_slots() {
        let Some(person) = store.person(slot) else {
            continue;
        };
        if !store.may_have_events(person, from, to) {
            continue;
        }
        let n = store
            .event_names(person)
            .iter()
            .filter(|(t, name)| *name == entity_id && in_range(*t, from, to))
            .count();
        if n > 0 {
            counted.push((slot, n));
        }
    }
    counted.sort_by_key(|c| std::cmp::Reverse(c.1));
    let rows = page(&counted, offset, limit);
    let people: Vec<Value> = rows
        .iter()
        .filter_map(|(s, n)| {
            let mut item = shapes::list_item(store, store.person(*s)?);
            item["value_at_data_point"] = Value::from(*n);
            Some(item)
        })
        .collect();
    let next = paginated_result(req, people.len(), offset, limit);
    let initial = format_query_params_absolute_url(&req.absolute_url(), 0, None, "offset", "limit");
    Ok(cached_envelope(people, next, initial))
}

fn missing_parameter(detail: &str) -> ApiError {
    ApiError {
        status: StatusCode::BAD_REQUEST,
        body: json!({"message": "Missing parameter", "detail": detail}),
    }
}

/// `GET /persons/lifecycle/`: the persons with `lifecycle_type` in the period starting at
/// `target_date` (the periods of the date range only), over the `events` series (default
/// `$pageview`).
pub fn lifecycle(store: &Store, req: &Req) -> Result<Reply, ApiError> {
    let Some(target_date) = req.param("target_date") else {
        return Err(missing_parameter("Must include specified date"));
    };
    let Some(lifecycle_type) = req.param("lifecycle_type") else {
        return Err(missing_parameter("Must include lifecycle type"));
    };
    let params = LegacyParams::query_only(req);
    let interval = params.interval()?;
    let now = clock::now_micros();
    let range = query_date_range(&params, interval, now, || store.earliest_created_at());
    let entities = params.entities()?;
    let names: Vec<Option<String>> = if entities.is_empty() {
        vec![Some("$pageview".into())]
    } else {
        entities.iter().map(|e| e.event_name()).collect::<Result<_, _>>()?
    };
    let limit = match params.int("limit", DEFAULT_LIMIT)? {
        0 => DEFAULT_LIMIT,
        n => n,
    };
    let offset = params.int("offset", 0)?;

    let target = clock::relative_date_parse(target_date, now).0;
    let first_period = interval.start(range.from);
    let window_from = interval.add(first_period, -1);
    let mut matching = Vec::new();
    if target >= first_period && target <= range.to {
        for &slot in store.live_slots() {
            let Some(person) = store.person(slot) else {
                continue;
            };
            if !store.may_have_events(person, window_from, range.to) {
                continue;
            }
            let mut activity: Vec<i64> = store
                .event_names(person)
                .iter()
                .filter(|(t, name)| {
                    in_range(*t, window_from, range.to)
                        && names.iter().any(|n| n.as_deref().is_none_or(|n| n == *name))
                })
                .map(|(t, _)| interval.start(*t))
                .collect();
            activity.dedup();
            let created = interval.start(person.created_at);
            if lifecycle_status(&activity, created, target, interval) == Some(lifecycle_type) {
                matching.push(slot);
            }
        }
    }
    let slots = page(&matching, offset, limit);
    let next = paginated_result(req, slots.len(), offset, limit);
    let people = people(store, &slots);
    let count = people.len();
    Ok(Reply::Json(StatusCode::OK, json!({"results": [{"people": people, "count": count}], "next": next})))
}
