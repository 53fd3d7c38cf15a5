//! Legacy insight `Filter` parameters (query string merged with a JSON body, the body
//! winning, as `Filter(request=…)` does) and `QueryDateRange`, the date range the legacy
//! insight queries and the properties timeline share.

use serde_json::{Map, Value};

use super::error::ApiError;
use super::request::{Req, python_int};
use crate::sandbox::clock::{self, MICROS_PER_DAY, MICROS_PER_SEC};
use crate::sandbox::store::history::Interval;

/// `{**request.GET.dict(), **request.data}`.
pub struct LegacyParams<'a> {
    req: &'a Req,
    body: Map<String, Value>,
}

impl<'a> LegacyParams<'a> {
    /// Query string only (GET-only actions such as `lifecycle` and `properties_timeline`).
    pub fn query_only(req: &'a Req) -> Self {
        LegacyParams { req, body: Map::new() }
    }

    /// Query string and JSON body.
    pub fn merged(req: &'a Req) -> Result<Self, ApiError> {
        Ok(LegacyParams { req, body: req.data()? })
    }

    pub fn get(&self, key: &str) -> Option<Value> {
        match self.body.get(key) {
            Some(v) => Some(v.clone()),
            None => self.req.param(key).map(|s| Value::String(s.to_owned())),
        }
    }

    /// A parameter as text (JSON scalars from a body are written out); empty is absent.
    pub fn text(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s).filter(|s| !s.is_empty()),
            other => Some(other.to_string()),
        }
    }

    /// A JSON parameter: a string is parsed (`json.loads`), a JSON body value is taken as is.
    pub fn json(&self, key: &str) -> Result<Option<Value>, ApiError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(&s)
                .map(Some)
                .map_err(|_| ApiError::validation(&format!("The `{key}` parameter is not valid JSON."))),
            Some(other) => Ok(Some(other)),
        }
    }

    /// A JSON list parameter (`events`, `actions`, `properties`…); absent is empty.
    pub fn json_list(&self, key: &str) -> Result<Vec<Value>, ApiError> {
        match self.json(key)? {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(ApiError::validation(&format!("The `{key}` parameter must be a JSON list."))),
        }
    }

    /// `int(value)`; a value Python cannot convert is a 500, as in PostHog.
    pub fn int(&self, key: &str, default: i64) -> Result<i64, ApiError> {
        match self.text(key) {
            None => Ok(default),
            Some(t) => python_int(&t).ok_or_else(ApiError::server_error),
        }
    }

    /// `str_to_bool`: `y`, `yes`, `t`, `true`, `on`, `1` (any case) are true.
    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Null => None,
            Value::Bool(b) => Some(b),
            other => {
                let text = match other {
                    Value::String(s) => s,
                    v => v.to_string(),
                };
                Some(matches!(
                    text.trim().to_ascii_lowercase().as_str(),
                    "y" | "yes" | "t" | "true" | "on" | "1"
                ))
            }
        }
    }

    pub fn interval(&self) -> Result<Interval, ApiError> {
        let text = self.text("interval");
        Interval::parse(text.as_deref()).ok_or_else(|| {
            ApiError::validation(&format!(
                "Interval {} does not exist. Use one of: hour, day, week, month.",
                text.unwrap_or_default()
            ))
        })
    }

    /// The steps of an insight: `events` and `actions`, ordered by `order` (then as given).
    /// Each is the raw entity object.
    pub fn entities(&self) -> Result<Vec<Entity>, ApiError> {
        let mut out = Vec::new();
        for (kind, key) in [(EntityKind::Event, "events"), (EntityKind::Action, "actions")] {
            for item in self.json_list(key)? {
                let Value::Object(obj) = item else {
                    return Err(ApiError::validation(&format!("Every item of `{key}` must be an object.")));
                };
                let order = obj.get("order").and_then(Value::as_i64);
                let id = match obj.get("id") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(other) => Some(other.to_string()),
                };
                out.push(Entity { kind, id, order, raw: obj });
            }
        }
        out.sort_by_key(|e| e.order.unwrap_or(-1));
        Ok(out)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EntityKind {
    Event,
    Action,
}

/// One series/step of a legacy filter.
pub struct Entity {
    pub kind: EntityKind,
    /// Event name (`None`: all events) or action id.
    pub id: Option<String>,
    pub order: Option<i64>,
    pub raw: Map<String, Value>,
}

impl Entity {
    /// The sandbox has no actions: an action entity is refused like a missing action.
    pub fn event_name(&self) -> Result<Option<String>, ApiError> {
        match self.kind {
            EntityKind::Event => Ok(self.id.clone()),
            EntityKind::Action => Err(ApiError::validation(&format!(
                "Action ID {} does not exist!",
                self.id.as_deref().unwrap_or("None")
            ))),
        }
    }

    /// The entity's own property filters (`properties`: a list, or a `{"type","values"}` group).
    pub fn property_filters(&self) -> Vec<Value> {
        flatten_filters(self.raw.get("properties"))
    }
}

/// The leaves of a property filter list or `{"type": "AND", "values": [...]}` group.
pub fn flatten_filters(value: Option<&Value>) -> Vec<Value> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Object(obj) if obj.contains_key("values") && !obj.contains_key("key") => {
                if let Some(values) = obj.get("values") {
                    walk(values, out);
                }
            }
            Value::Object(_) => out.push(v.clone()),
            _ => {}
        }
    }
    if let Some(v) = value {
        walk(v, &mut out);
    }
    out
}

/// The displays PostHog does not treat as a time series (no single-point offset).
const NON_TIME_SERIES: [&str; 5] =
    ["ActionsTable", "ActionsPie", "ActionsBarValue", "WorldMap", "BoldNumber"];

/// An effective date range, both ends inclusive (microseconds, UTC).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DateRange {
    pub from: i64,
    pub to: i64,
}

/// `QueryDateRange` with the team timezone (UTC):
/// * `date_from`: an ISO date/datetime or a relative date (`-7d`, `-24h`, `mStart`…), `all`
///   for the first event; absent means **7 days before today's midnight**. Truncated to the
///   start of the day (of the hour when the interval or the relative delta is hourly).
/// * `date_to`: the same forms, absent means now; rounded up to the end of the day
///   (`23:59:59.999999`) or of the hour. With an `hour` interval and no `date_to`, now + 1 min.
/// * When `date_from == date_to` (a single data point), `date_to` becomes the end of that
///   point's interval (`offset_time_series_date_by_interval`), unless `display` is a
///   non-time-series display.
pub fn query_date_range(
    params: &LegacyParams,
    interval: Interval,
    now: i64,
    earliest: impl FnOnce() -> i64,
) -> DateRange {
    let date_from = params.text("date_from");
    let mut date_to = params.text("date_to");
    let hour = 3_600 * MICROS_PER_SEC;
    let hourly = |delta_hours: bool| interval == Interval::Hour || delta_hours;

    let from = match date_from.as_deref() {
        Some("all") => clock::start_of_day(earliest()),
        Some(text) => {
            let (t, delta_hours) = clock::relative_date_parse(text, now);
            if hourly(delta_hours) { clock::start_of_hour(t) } else { clock::start_of_day(t) }
        }
        None => clock::start_of_day(now) - 7 * MICROS_PER_DAY,
    };

    let display = params.text("display");
    let time_series = display.as_deref().is_none_or(|d| !NON_TIME_SERIES.contains(&d));
    if let (Some(f), Some(t)) = (&date_from, &date_to) {
        if f == t && time_series {
            let (point, _) = clock::relative_date_parse(f, now);
            let to = match interval {
                Interval::Hour => return DateRange { from, to: point + hour },
                Interval::Day => point,
                Interval::Week => clock::start_of_day(point + 6 * MICROS_PER_DAY),
                Interval::Month => clock::start_of_day(clock::add_months(point, 1) - MICROS_PER_DAY),
            };
            date_to = Some(clock::sql(to));
        }
    }

    let to = match date_to.as_deref() {
        None if interval == Interval::Hour => return DateRange { from, to: now + 60 * MICROS_PER_SEC },
        None => clock::start_of_day(now) + MICROS_PER_DAY - 1,
        Some(text) => {
            let (t, delta_hours) = clock::relative_date_parse(text, now);
            if hourly(delta_hours) {
                clock::start_of_hour(t) + hour - 1
            } else {
                clock::start_of_day(t) + MICROS_PER_DAY - 1
            }
        }
    };
    DateRange { from, to }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_groups() {
        let v = serde_json::json!({"type": "AND", "values": [{"type": "OR", "values": [{"key": "a"}]}, {"key": "b"}]});
        let keys: Vec<_> = flatten_filters(Some(&v)).iter().map(|f| f["key"].clone()).collect();
        assert_eq!(keys, vec![serde_json::json!("a"), serde_json::json!("b")]);
    }
}
