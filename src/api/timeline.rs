//! A person's properties over time: the `properties_timeline` answer, the same structure built
//! from the person's events when a scoped key cannot use that endpoint, and the diff between
//! two points. The building is pure (events in, timeline out) so it is tested without a server.
use super::error::ApiError;
use super::events::PersonEvent;
use super::filter::PropertyFilter;
use chrono::{
    DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Timelike, Utc,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// Query parameters of `GET /persons/{id}/properties_timeline/`. Dates take PostHog's forms:
/// `YYYY-MM-DD`, an ISO timestamp, `-7d` / `-24h` / `-2w` / `-3m` / `-1y`, or `all`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineParams {
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    /// Person filters; their keys are the crucial keys.
    pub properties: Vec<PropertyFilter>,
    /// Legacy entity filter: `[{"id": "$pageview", "properties": [...]}]`.
    pub events: Option<Value>,
    /// A person property to break down by (sent with `breakdown_type=person`); also crucial.
    pub breakdown: Option<String>,
}

impl TimelineParams {
    pub(crate) fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if !self.properties.is_empty() {
            q.push(("properties", serde_json::to_string(&self.properties).unwrap_or_else(|_| "[]".into())));
        }
        match &self.events {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => q.push(("events", s.clone())),
            Some(v) => q.push(("events", v.to_string())),
        }
        let clean =
            |d: &Option<String>| d.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(String::from);
        if let Some(f) = clean(&self.date_from) {
            q.push(("date_from", f));
        }
        if let Some(t) = clean(&self.date_to) {
            q.push(("date_to", t));
        }
        if let Some(b) = clean(&self.breakdown) {
            q.push(("breakdown", b));
            q.push(("breakdown_type", "person".into()));
        }
        q
    }
}

/// `properties_timeline`'s answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PropertiesTimeline {
    #[serde(default, deserialize_with = "super::models::vec_or_null")]
    pub points: Vec<TimelinePoint>,
    #[serde(default, deserialize_with = "super::models::vec_or_null")]
    pub crucial_property_keys: Vec<String>,
    #[serde(default)]
    pub effective_date_from: Option<String>,
    #[serde(default)]
    pub effective_date_to: Option<String>,
}

impl PropertiesTimeline {
    /// Each point's changes against the point before it (the first against nothing).
    pub fn diffs(&self) -> Vec<Vec<PropertyChange>> {
        let mut prev: Option<&Map<String, Value>> = None;
        self.points
            .iter()
            .map(|p| {
                let d = diff_properties(prev, &p.properties);
                prev = Some(&p.properties);
                d
            })
            .collect()
    }
}

/// One point: the person's properties from `timestamp` on, and how many matching events fall
/// between this point and the next.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimelinePoint {
    #[serde(default, deserialize_with = "text_or_null")]
    pub timestamp: String,
    #[serde(default, deserialize_with = "object_or_json_text")]
    pub properties: Map<String, Value>,
    #[serde(default, deserialize_with = "count_or_null")]
    pub relevant_event_count: u64,
}

/// Which data a timeline was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineSource {
    /// `GET /persons/{id}/properties_timeline/`.
    Endpoint,
    /// The person's events carrying `$set` / `$set_once` / `$unset` (query API).
    Events,
}

/// A timeline and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimelineResult {
    pub source: TimelineSource,
    #[serde(flatten)]
    pub timeline: PropertiesTimeline,
    /// Events source only: the person had more property-update events than hogdex reads
    /// ([`TIMELINE_MAX_EVENTS`]), so the latest changes may be missing.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// Why the endpoint was not used (its 403 or 404), for the events source.
    #[serde(skip)]
    pub fallback_reason: Option<ApiError>,
}

impl TimelineResult {
    /// Says which source was used, e.g. "properties_timeline endpoint" or "the person's events
    /// (this key cannot use properties_timeline)".
    pub fn source_note(&self) -> String {
        match self.source {
            TimelineSource::Endpoint => "properties_timeline endpoint".into(),
            TimelineSource::Events => {
                let why = match &self.fallback_reason {
                    Some(e) if e.is_endpoint_missing() => "this PostHog has no properties_timeline endpoint",
                    _ => "this key cannot use properties_timeline",
                };
                let cut = if self.truncated {
                    format!("; only the first {TIMELINE_MAX_EVENTS} property updates were read")
                } else {
                    String::new()
                };
                format!("the person's events ({why}{cut})")
            }
        }
    }
}

/// Most property-update events the events fallback reads.
pub const TIMELINE_MAX_EVENTS: usize = 10_000;

/// One property's change between two points.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum PropertyChange {
    Added { key: String, value: Value },
    Changed { key: String, old: Value, new: Value },
    Removed { key: String, old: Value },
}

impl PropertyChange {
    pub fn key(&self) -> &str {
        match self {
            Self::Added { key, .. } | Self::Changed { key, .. } | Self::Removed { key, .. } => key,
        }
    }
}

/// What changed from `prev` to `cur`: added and changed keys in `cur`'s order, then removed
/// keys in `prev`'s order. `prev: None` makes every property added.
pub fn diff_properties(prev: Option<&Map<String, Value>>, cur: &Map<String, Value>) -> Vec<PropertyChange> {
    let mut out = Vec::new();
    for (k, v) in cur {
        match prev.and_then(|p| p.get(k)) {
            None => out.push(PropertyChange::Added { key: k.clone(), value: v.clone() }),
            Some(old) if old != v => {
                out.push(PropertyChange::Changed { key: k.clone(), old: old.clone(), new: v.clone() })
            }
            Some(_) => {}
        }
    }
    for (k, old) in prev.into_iter().flatten() {
        if !cur.contains_key(k) {
            out.push(PropertyChange::Removed { key: k.clone(), old: old.clone() });
        }
    }
    out
}

/// A resolved date range in UTC: `from: None` is no lower bound (`all`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateWindow {
    pub from: Option<DateTime<Utc>>,
    pub to: DateTime<Utc>,
}

impl DateWindow {
    /// Resolves PostHog date forms against `now`, as its date ranges do: no `date_from` is the
    /// last 7 days, a day-granular `date_from` starts at midnight, no `date_to` or a plain date
    /// ends at 23:59:59.999999 of that day (UTC; PostHog uses the project's timezone).
    pub fn resolve(
        date_from: Option<&str>,
        date_to: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Self, String> {
        fn clean(d: Option<&str>) -> Option<&str> {
            d.map(str::trim).filter(|d| !d.is_empty())
        }
        let from = match clean(date_from) {
            None => Some(start_of_day(now - Duration::days(7))),
            Some(d) if d.eq_ignore_ascii_case("all") => None,
            Some(d) => Some(parse_date(d, false, now)?),
        };
        let to = match clean(date_to) {
            None => end_of_day(now),
            Some(d) => parse_date(d, true, now)?,
        };
        Ok(Self { from, to })
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from.is_none_or(|f| t >= f) && t <= self.to
    }
}

/// One PostHog date: `YYYY-MM-DD`, an ISO timestamp, `now`, or `-N` + `h`/`d`/`w`/`m`/`q`/`y`
/// (`M` minutes, `s` seconds), optionally followed by `Start`/`End`. `end` picks the end of a
/// plain or relative day instead of its start.
pub fn parse_date(text: &str, end: bool, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let bad = || format!("`{t}` is not a date; use YYYY-MM-DD, an ISO timestamp, or -7d / -24h / -3m");
    if t.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let day = Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).ok_or_else(bad)?);
        return Ok(if end { end_of_day(day) } else { day });
    }
    if let Some(ts) = parse_timestamp(t) {
        return Ok(ts);
    }
    let rest = t.strip_prefix('-').unwrap_or(t);
    let (rest, position) = match rest.strip_suffix("Start") {
        Some(r) => (r, Some(false)),
        None => match rest.strip_suffix("End") {
            Some(r) => (r, Some(true)),
            None => (rest, None),
        },
    };
    let unit = rest.chars().last().ok_or_else(bad)?;
    let digits = &rest[..rest.len() - unit.len_utf8()];
    // `mStart` is the start of this month: a missing number is 0.
    let n: u32 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| bad())? };
    let back = match unit {
        's' => now - Duration::seconds(n.into()),
        'M' => now - Duration::minutes(n.into()),
        'h' => now - Duration::hours(n.into()),
        'd' => now - Duration::days(n.into()),
        'w' => now - Duration::weeks(n.into()),
        'm' => now.checked_sub_months(Months::new(n)).ok_or_else(bad)?,
        'q' => now.checked_sub_months(Months::new(n.saturating_mul(3))).ok_or_else(bad)?,
        'y' => now.checked_sub_months(Months::new(n.saturating_mul(12))).ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    // `Start` / `End` snap to the unit's period (weeks start on Monday here; PostHog follows the
    // project's week start); a plain day-granular date snaps to its day.
    let period_start = |t: DateTime<Utc>| -> DateTime<Utc> {
        let day = start_of_day(t);
        let ymd = |y: i32, m: u32| Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single().unwrap_or(day);
        match unit {
            'w' => day - Duration::days(i64::from(t.weekday().num_days_from_monday())),
            'm' => ymd(t.year(), t.month()),
            'q' => ymd(t.year(), (t.month() - 1) / 3 * 3 + 1),
            'y' => ymd(t.year(), 1),
            'h' => t
                .with_minute(0)
                .and_then(|t| t.with_second(0))
                .and_then(|t| t.with_nanosecond(0))
                .unwrap_or(t),
            _ => day,
        }
    };
    let period_end = |t: DateTime<Utc>| -> DateTime<Utc> {
        let start = period_start(t);
        let next = match unit {
            'w' => start + Duration::weeks(1),
            'm' => start.checked_add_months(Months::new(1)).unwrap_or(start),
            'q' => start.checked_add_months(Months::new(3)).unwrap_or(start),
            'y' => start.checked_add_months(Months::new(12)).unwrap_or(start),
            'h' => start + Duration::hours(1),
            _ => start + Duration::days(1),
        };
        next - Duration::microseconds(1)
    };
    let day_granular = matches!(unit, 'd' | 'w' | 'm' | 'q' | 'y');
    Ok(match (position, day_granular) {
        (Some(true), _) => period_end(back),
        (Some(false), _) => period_start(back),
        (None, true) if end => end_of_day(back),
        (None, true) => start_of_day(back),
        (None, false) => back,
    })
}

/// RFC 3339, or `YYYY-MM-DD[ T]HH:MM:SS[.f]` taken as UTC (ClickHouse's form).
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Ok(dt) = DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Some(dt.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .map(|n| n.and_utc())
}

/// `2026-11-01T10:00:00Z` form (fraction only when present).
pub fn format_timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn start_of_day(t: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(t.year(), t.month(), t.day(), 0, 0, 0).single().unwrap_or(t)
}

fn end_of_day(t: DateTime<Utc>) -> DateTime<Utc> {
    start_of_day(t) + Duration::days(1) - Duration::microseconds(1)
}

/// The sorted, unique person-property keys the parameters refer to: `properties`, person
/// filters inside `events` entries, and `breakdown`.
pub fn crucial_keys(params: &TimelineParams) -> Vec<String> {
    let mut keys: Vec<String> = params.properties.iter().map(|f| f.key.clone()).collect();
    for entity in entities(params) {
        keys.extend(entity.person_filters.iter().map(|f| f.key.clone()));
    }
    keys.extend(params.breakdown.iter().filter(|b| !b.is_empty()).cloned());
    keys.sort();
    keys.dedup();
    keys
}

/// One `events` entry: an event name (`None` = any event) and its person filters.
struct Entity {
    name: Option<String>,
    person_filters: Vec<PropertyFilter>,
}

fn entities(params: &TimelineParams) -> Vec<Entity> {
    let list = match &params.events {
        Some(Value::Array(list)) => list.clone(),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(list)) => list,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    list.iter()
        .filter_map(Value::as_object)
        .map(|e| Entity {
            name: e.get("id").and_then(Value::as_str).map(String::from),
            person_filters: e
                .get("properties")
                .and_then(Value::as_array)
                .map(|ps| ps.iter().filter_map(PropertyFilter::from_json).collect())
                .unwrap_or_default(),
        })
        .collect()
}

/// Builds a timeline from a person's events (in any order) the way PostHog's
/// `properties_timeline` builds it from the person snapshots stored on events
/// (`posthog/queries/properties_timeline/`):
///
/// * every event's `$set_once`, `$set` and `$unset` update a running snapshot of the person's
///   properties (events before the window count too, so the snapshot is whole at its start);
/// * the *relevant* events are those inside `window` whose name is among the `events` entries
///   (all events when there are none); as in PostHog, `properties` filters do not narrow them,
///   they only name the crucial keys;
/// * the first relevant event makes a point; a later one makes a point only when the tuple of
///   crucial values changed (compared as ClickHouse reads them: a missing key is `''`);
///   `relevant_event_count` counts the relevant events from a point up to the next.
///
/// Snapshots hold only what the events set: properties PostHog set any other way are absent,
/// and only property-update events are seen, so counts are lower than the endpoint's.
pub fn timeline_from_events(
    events: &[PersonEvent],
    params: &TimelineParams,
    window: &DateWindow,
) -> PropertiesTimeline {
    let crucial = crucial_keys(params);
    let names: Vec<Option<String>> = entities(params).into_iter().map(|e| e.name).collect();
    let mut order: Vec<(Option<DateTime<Utc>>, &PersonEvent)> =
        events.iter().map(|e| (parse_timestamp(&e.timestamp), e)).collect();
    order.sort_by_key(|(t, _)| t.map_or(i64::MIN, |t| t.timestamp_micros()));

    let mut snapshot = Map::new();
    let mut points: Vec<TimelinePoint> = Vec::new();
    let mut last: Vec<String> = Vec::new();
    for (t, e) in order {
        e.person_updates().apply(&mut snapshot);
        if !t.is_none_or(|t| window.contains(t)) {
            continue;
        }
        if !names.is_empty() && !names.iter().any(|n| n.as_deref().is_none_or(|n| n == e.event)) {
            continue;
        }
        let values: Vec<String> = crucial.iter().map(|k| crucial_value(&snapshot, k)).collect();
        match points.last_mut() {
            Some(point) if last == values => point.relevant_event_count += 1,
            _ => {
                points.push(TimelinePoint {
                    timestamp: t.map_or_else(|| e.timestamp.clone(), format_timestamp),
                    properties: snapshot.clone(),
                    relevant_event_count: 1,
                });
                last = values;
            }
        }
    }
    PropertiesTimeline {
        points,
        crucial_property_keys: crucial,
        effective_date_from: window.from.map(format_timestamp),
        effective_date_to: Some(format_timestamp(window.to)),
    }
}

/// A property as ClickHouse's `JSONExtractRaw` reads it for comparison: a string without its
/// quotes, anything else as JSON, a missing key as `''`.
fn crucial_value(properties: &Map<String, Value>, key: &str) -> String {
    match properties.get(key) {
        None => String::new(),
        Some(Value::String(s)) => {
            let raw = Value::String(s.clone()).to_string();
            raw[1..raw.len() - 1].to_string()
        }
        Some(other) => other.to_string(),
    }
}

fn text_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

fn object_or_json_text<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Object(m) => m,
        Value::String(s) => match serde_json::from_str::<Value>(&s) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        },
        _ => Map::new(),
    })
}

fn count_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)).unwrap_or(0),
        Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(ts: &str, name: &str, props: Value) -> PersonEvent {
        PersonEvent {
            uuid: format!("u-{ts}"),
            event: name.into(),
            timestamp: ts.into(),
            distinct_id: "d".into(),
            properties: props.as_object().unwrap().clone(),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        parse_timestamp(s).unwrap()
    }

    fn window(from: Option<&str>, to: &str) -> DateWindow {
        DateWindow { from: from.map(at), to: at(to) }
    }

    fn history() -> Vec<PersonEvent> {
        vec![
            ev(
                "2026-10-01T00:00:00Z",
                "$identify",
                json!({"$set": {"email": "a@x.io"}, "$set_once": {"src": "ad"}}),
            ),
            ev("2026-11-02T10:00:00Z", "$set", json!({"$set": {"plan": "free"}})),
            ev("2026-11-03T10:00:00Z", "$set", json!({"$set": {"name": "Ann"}, "$set_once": {"src": "seo"}})),
            ev("2026-11-04T10:00:00Z", "$set", json!({"$set": {"plan": "pro"}})),
            ev("2026-11-05T10:00:00Z", "$set", json!({"$set": {"plan": "pro"}})),
            ev("2026-11-06T10:00:00Z", "$delete_person_property", json!({"$unset": ["plan"]})),
            ev("2026-11-07T10:00:00Z", "$set", json!({"$set": {"plan": "enterprise"}})),
        ]
    }

    #[test]
    fn points_follow_the_crucial_values() {
        let params =
            TimelineParams { properties: vec![PropertyFilter::is_set("plan")], ..Default::default() };
        let w = window(Some("2026-11-01T00:00:00Z"), "2026-11-30T23:59:59Z");
        let t = timeline_from_events(&history(), &params, &w);
        assert_eq!(t.crucial_property_keys, ["plan"]);
        let summary: Vec<(&str, Option<&str>, u64)> = t
            .points
            .iter()
            .map(|p| {
                (
                    p.timestamp.as_str(),
                    p.properties.get("plan").and_then(Value::as_str),
                    p.relevant_event_count,
                )
            })
            .collect();
        // The first event in the window makes a point; "name" changing is not crucial; the
        // unset is a change (to ''), and so is the re-set to a new value.
        assert_eq!(
            summary,
            [
                ("2026-11-02T10:00:00Z", Some("free"), 2),
                ("2026-11-04T10:00:00Z", Some("pro"), 2),
                ("2026-11-06T10:00:00Z", None, 1),
                ("2026-11-07T10:00:00Z", Some("enterprise"), 1),
            ]
        );
        // Events before the window still build the snapshot; $set_once does not overwrite.
        let first = &t.points[0].properties;
        assert_eq!((first["email"].as_str(), first["src"].as_str()), (Some("a@x.io"), Some("ad")));
        assert_eq!(t.points[1].properties["src"], "ad");
        assert_eq!(t.effective_date_from.as_deref(), Some("2026-11-01T00:00:00Z"));
    }

    #[test]
    fn filters_name_crucial_keys_but_do_not_narrow_events() {
        let w = window(Some("2026-11-03T00:00:00Z"), "2026-12-01T00:00:00Z");
        let params = TimelineParams {
            properties: vec![crate::api::parse_filter("plan=pro").unwrap()],
            ..Default::default()
        };
        let t = timeline_from_events(&history(), &params, &w);
        let stamps: Vec<&str> = t.points.iter().map(|p| p.timestamp.as_str()).collect();
        assert_eq!(
            stamps,
            ["2026-11-03T10:00:00Z", "2026-11-04T10:00:00Z", "2026-11-06T10:00:00Z", "2026-11-07T10:00:00Z"]
        );
        assert_eq!(t.points[0].properties["plan"], "free", "the first point is the first event, plan or not");
    }

    #[test]
    fn no_filters_means_one_point_counting_everything() {
        let w = window(None, "2026-12-01T00:00:00Z");
        let t = timeline_from_events(&history(), &TimelineParams::default(), &w);
        assert_eq!(t.points.len(), 1);
        assert_eq!(t.points[0].relevant_event_count, 7);
        assert!(t.crucial_property_keys.is_empty() && t.effective_date_from.is_none());
        let empty = timeline_from_events(&[], &TimelineParams::default(), &w);
        assert!(empty.points.is_empty());
    }

    #[test]
    fn entities_narrow_the_relevant_events() {
        let w = window(None, "2026-12-01T00:00:00Z");
        let params = TimelineParams {
            events: Some(json!([{"id": "$delete_person_property", "type": "events",
                "properties": [{"key": "email", "operator": "is_set", "type": "person"}]}])),
            breakdown: Some("name".into()),
            ..Default::default()
        };
        let t = timeline_from_events(&history(), &params, &w);
        assert_eq!(t.crucial_property_keys, ["email", "name"]);
        assert_eq!(t.points.len(), 1);
        assert_eq!(t.points[0].timestamp, "2026-11-06T10:00:00Z");
        assert!(!t.points[0].properties.contains_key("plan"));
    }

    #[test]
    fn crucial_values_compare_like_clickhouse() {
        let m = json!({"s": "a\"b", "n": 1, "z": null, "e": ""}).as_object().unwrap().clone();
        assert_eq!(crucial_value(&m, "s"), "a\\\"b");
        assert_eq!(crucial_value(&m, "n"), "1");
        assert_eq!(crucial_value(&m, "z"), "null");
        assert_eq!(crucial_value(&m, "e"), crucial_value(&m, "missing"), "'' and missing are equal");
    }

    #[test]
    fn diffs_show_added_changed_removed() {
        let a = json!({"plan": "free", "email": "a@x.io"}).as_object().unwrap().clone();
        let b = json!({"plan": "pro", "name": "Ann"}).as_object().unwrap().clone();
        assert_eq!(
            diff_properties(Some(&a), &b),
            [
                PropertyChange::Changed { key: "plan".into(), old: json!("free"), new: json!("pro") },
                PropertyChange::Added { key: "name".into(), value: json!("Ann") },
                PropertyChange::Removed { key: "email".into(), old: json!("a@x.io") },
            ]
        );
        assert_eq!(diff_properties(None, &a).len(), 2);
        let t = PropertiesTimeline {
            points: vec![
                TimelinePoint { properties: a.clone(), ..Default::default() },
                TimelinePoint { properties: a, ..Default::default() },
            ],
            ..Default::default()
        };
        assert_eq!(t.diffs().iter().map(Vec::len).collect::<Vec<_>>(), [2, 0]);
    }

    #[test]
    fn dates_resolve_like_posthog() {
        let now = at("2026-11-28T15:30:00Z");
        let w = DateWindow::resolve(None, None, now).unwrap();
        assert_eq!(w.from, Some(at("2026-11-21T00:00:00Z")));
        assert_eq!(w.to, at("2026-11-28T23:59:59.999999Z"));
        let w = DateWindow::resolve(Some("2026-11-01"), Some("2026-11-05"), now).unwrap();
        assert_eq!((w.from, w.to), (Some(at("2026-11-01T00:00:00Z")), at("2026-11-05T23:59:59.999999Z")));
        assert_eq!(DateWindow::resolve(Some("all"), None, now).unwrap().from, None);
        assert_eq!(parse_date("-24h", false, now).unwrap(), at("2026-11-27T15:30:00Z"));
        assert_eq!(parse_date("-1m", false, now).unwrap(), at("2026-10-28T00:00:00Z"));
        assert_eq!(parse_date("-1dEnd", false, now).unwrap(), at("2026-11-27T23:59:59.999999Z"));
        assert_eq!(parse_date("2026-11-01 10:00:00", false, now).unwrap(), at("2026-11-01T10:00:00Z"));
        assert!(parse_date("yesterday", false, now).unwrap_err().contains("not a date"));
        assert_eq!(parse_date("mStart", false, now).unwrap(), at("2026-11-01T00:00:00Z"));
        assert_eq!(parse_date("-1mEnd", false, now).unwrap(), at("2026-10-31T23:59:59.999999Z"));
        assert_eq!(parse_date("-0wStart", false, now).unwrap(), at("2026-11-23T00:00:00Z"));
        assert_eq!(parse_date("yStart", false, now).unwrap(), at("2026-01-01T00:00:00Z"));
        assert!(parse_date("-x", false, now).is_err());
        assert!(parse_date("--3d", false, now).is_err());
    }

    #[test]
    fn endpoint_answers_parse_leniently() {
        let t: PropertiesTimeline = serde_json::from_value(json!({
            "points": [{"timestamp": "2020-01-01T00:00:00Z", "properties": "{\"foo\": \"abc\"}",
                        "relevant_event_count": 3, "extra": 1},
                       {"timestamp": null, "properties": null}],
            "crucial_property_keys": null, "effective_date_from": "2020-01-01T00:00:00+00:00",
            "new_field": true
        }))
        .unwrap();
        assert_eq!(t.points[0].properties["foo"], "abc");
        assert_eq!(t.points[0].relevant_event_count, 3);
        assert_eq!((t.points[1].timestamp.as_str(), t.points[1].relevant_event_count), ("", 0));
        assert!(t.crucial_property_keys.is_empty() && t.effective_date_to.is_none());
    }
}
