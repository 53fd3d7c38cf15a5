//! `GET /persons/`: filters, search, limit/offset paging with PostHog's `next`/`previous`
//! links, `include_total`, and CSV.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::csv;
use super::error::{ApiError, Reply};
use super::request::{Req, python_int};
use super::shapes;
use super::urls::format_query_params_absolute_url;
use crate::sandbox::store::filters::{FilterError, Needle, parse_filters};
use crate::sandbox::store::{ListQuery, Store};

const DEFAULT_LIMIT: i64 = 100;
/// HogQL's `MAX_SELECT_RETURNED_ROWS`: the effective cap on one page (and on CSV exports).
const MAX_ROWS: i64 = 50_000;

fn int_param(req: &Req, key: &str) -> Result<i64, ApiError> {
    match req.param(key) {
        None => Ok(0),
        Some(text) => python_int(text).ok_or_else(ApiError::server_error),
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_owned)
}

pub fn list(store: &Store, req: &Req, as_csv: bool) -> Result<Reply, ApiError> {
    let (mut limit, mut offset) = (int_param(req, "limit")?, int_param(req, "offset")?);
    if as_csv {
        (limit, offset) = (MAX_ROWS, 0);
    } else if limit == 0 {
        limit = DEFAULT_LIMIT;
    }
    if limit < 0 || offset < 0 {
        return Err(ApiError::server_error());
    }
    let filters = match req.param("properties").filter(|p| !p.is_empty()) {
        None => Vec::new(),
        Some(raw) => parse_filters(raw).map_err(|e| match e {
            FilterError::Unparsable => ApiError::validation("Properties are unparsable!"),
            FilterError::Malformed => ApiError::server_error(),
        })?,
    };
    let search = req.param("search").map(str::trim).filter(|s| !s.is_empty()).map(Needle::new);
    let query = ListQuery {
        distinct_id: non_empty(req.param("distinct_id")),
        email: non_empty(req.param("email")),
        search,
        filters,
        limit: limit.min(MAX_ROWS) as usize,
        offset: offset as usize,
        want_total: req.has("include_total"),
    };
    let (slots, total) = store.list(&query);
    let persons: Vec<_> = slots.iter().filter_map(|s| store.person(*s)).collect();

    if as_csv {
        let text = csv::render(persons.len(), |i| {
            let p = persons[i];
            (shapes::list_item(store, p), p.created_at, p.last_seen_at)
        });
        return Ok(Reply::Csv(text));
    }

    let url = req.absolute_url();
    let next = (persons.len() as i64 >= limit)
        .then(|| format_query_params_absolute_url(&url, offset + limit, None, "offset", "limit"));
    let previous = (offset - limit >= 0)
        .then(|| format_query_params_absolute_url(&url, offset - limit, None, "offset", "limit"));
    let mut body = Map::new();
    body.insert(
        "results".into(),
        Value::Array(persons.iter().map(|p| shapes::list_item(store, p)).collect()),
    );
    body.insert("next".into(), next.map_or(Value::Null, Value::String));
    body.insert("previous".into(), previous.map_or(Value::Null, Value::String));
    if let Some(total) = total {
        body.insert("count".into(), Value::from(total));
    }
    Ok(Reply::Json(StatusCode::OK, Value::Object(body)))
}
