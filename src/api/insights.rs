//! Insight persons from the legacy actor endpoints: `persons/funnel/`,
//! `persons/funnel/correlation/` and `persons/lifecycle/`. Parameters in PostHog's legacy filter
//! form, and a lenient reading of their envelope
//! `{"results":[{"people":[…],"count":N}],"next":…}` (or `[]` when nothing was computed).
use super::models::PersonListItem;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::fmt;
use std::str::FromStr;

/// `GET /persons/funnel/`: the persons who reached `step` (1-based), or who dropped off before
/// it when `step` is negative (`-2`: did step 1, not step 2).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FunnelParams {
    /// Event names, in order.
    pub steps: Vec<String>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub step: i32,
    /// Conversion window in days (PostHog's default is 14).
    pub window_days: Option<u32>,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

impl FunnelParams {
    /// `events` as PostHog's legacy filter takes it: `[{"id", "name", "order", "type"}]`.
    pub fn events_json(&self) -> String {
        let list: Vec<Value> = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| json!({ "id": s, "name": s, "order": i, "type": "events" }))
            .collect();
        Value::Array(list).to_string()
    }

    /// The funnel's own parameters, shared by the funnel and correlation persons.
    pub(crate) fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![("insight", "FUNNELS".to_string()), ("events", self.events_json())];
        push_dates(&mut q, &self.date_from, &self.date_to);
        if let Some(days) = self.window_days {
            q.push(("funnel_window_interval", days.to_string()));
            q.push(("funnel_window_interval_unit", "day".into()));
        }
        q
    }

    pub(crate) fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = self.filter_pairs();
        q.push(("funnel_step", self.step.to_string()));
        if let Some(l) = self.limit {
            q.push(("limit", l.to_string()));
        }
        if let Some(o) = self.offset.filter(|o| *o > 0) {
            q.push(("offset", o.to_string()));
        }
        q
    }
}

/// `GET /persons/funnel/correlation/`: persons of `funnel` who did `event`, among those who
/// converted (finished the funnel) or did not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CorrelationParams {
    /// The funnel (its `step`, `limit` and `offset` are not used).
    pub funnel: FunnelParams,
    pub event: String,
    pub converted: bool,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

impl CorrelationParams {
    pub(crate) fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = self.funnel.filter_pairs();
        q.push(("funnel_correlation_type", "events".into()));
        q.push(("funnel_correlation_person_entity", json!({"id": self.event, "type": "events"}).to_string()));
        q.push(("funnel_correlation_person_converted", if self.converted { "true" } else { "false" }.into()));
        if let Some(l) = self.limit {
            q.push(("funnel_correlation_person_limit", l.to_string()));
        }
        if let Some(o) = self.offset.filter(|o| *o > 0) {
            q.push(("funnel_correlation_person_offset", o.to_string()));
        }
        q
    }
}

/// The lifecycle bar a person is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleType {
    New,
    Returning,
    Resurrecting,
    Dormant,
}

impl LifecycleType {
    pub const ALL: [LifecycleType; 4] = [Self::New, Self::Returning, Self::Resurrecting, Self::Dormant];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Returning => "returning",
            Self::Resurrecting => "resurrecting",
            Self::Dormant => "dormant",
        }
    }
}

impl fmt::Display for LifecycleType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LifecycleType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(s.trim())).ok_or_else(|| {
            format!("`{}` is not a lifecycle type; use new, returning, resurrecting or dormant", s.trim())
        })
    }
}

/// `GET /persons/lifecycle/`: the persons in one lifecycle bar (`lifecycle_type`) of the period
/// starting at `target_date`.
#[derive(Clone, Debug, PartialEq)]
pub struct LifecycleParams {
    /// The bar's period, e.g. `2026-11-20` (sent only when not empty).
    pub target_date: String,
    pub lifecycle_type: LifecycleType,
    /// `hour`, `day` (default), `week` or `month`.
    pub interval: Option<String>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    /// Event names counted as activity; empty means `$pageview`, PostHog's lifecycle default.
    pub events: Vec<String>,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

impl Default for LifecycleParams {
    fn default() -> Self {
        Self {
            target_date: String::new(),
            lifecycle_type: LifecycleType::New,
            interval: None,
            date_from: None,
            date_to: None,
            events: Vec::new(),
            limit: None,
            offset: None,
        }
    }
}

impl LifecycleParams {
    pub(crate) fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let names: Vec<&str> = if self.events.is_empty() {
            vec!["$pageview"]
        } else {
            self.events.iter().map(String::as_str).collect()
        };
        let events: Vec<Value> = names
            .iter()
            .enumerate()
            .map(|(i, n)| json!({ "id": n, "name": n, "order": i, "type": "events" }))
            .collect();
        let mut q = vec![
            ("insight", "LIFECYCLE".to_string()),
            ("shown_as", "Lifecycle".into()),
            ("events", Value::Array(events).to_string()),
            ("interval", self.interval.clone().unwrap_or_else(|| "day".into())),
        ];
        push_dates(&mut q, &self.date_from, &self.date_to);
        let target = self.target_date.trim();
        if !target.is_empty() {
            q.push(("target_date", target.to_string()));
        }
        q.push(("lifecycle_type", self.lifecycle_type.as_str().into()));
        if let Some(l) = self.limit {
            q.push(("limit", l.to_string()));
        }
        if let Some(o) = self.offset.filter(|o| *o > 0) {
            q.push(("offset", o.to_string()));
        }
        q
    }
}

fn push_dates(q: &mut Vec<(&'static str, String)>, from: &Option<String>, to: &Option<String>) {
    if let Some(f) = from.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        q.push(("date_from", f.into()));
    }
    if let Some(t) = to.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q.push(("date_to", t.into()));
    }
}

/// One page of persons from an actor endpoint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActorsPage {
    pub persons: Vec<PersonListItem>,
    /// How many persons PostHog counted for this page (its `count`).
    pub count: u64,
    /// The next page (absolute, or a relative path without a leading slash); follow it with
    /// `Client::actors_next`.
    pub next: Option<String>,
    /// Persons PostHog counted but could not load (its `missing_persons`), when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_persons: Option<u64>,
}

/// Reads the envelope; `[]` (nothing computed) is an empty page. Group actors are skipped.
pub(crate) fn parse_actors(v: &Value) -> Result<ActorsPage, String> {
    let (entries, next, missing) = match v {
        Value::Array(list) => (list.as_slice(), None, None),
        Value::Object(obj) => {
            let entries = match obj.get("results") {
                Some(Value::Array(list)) => list.as_slice(),
                Some(Value::Null) | None => &[],
                Some(_) => return Err("`results` is not a list".into()),
            };
            let next = obj.get("next").and_then(Value::as_str).filter(|n| !n.is_empty()).map(String::from);
            (entries, next, obj.get("missing_persons").and_then(Value::as_u64))
        }
        _ => return Err("expected an object with `results`".into()),
    };
    let mut page = ActorsPage { next, missing_persons: missing, ..Default::default() };
    for entry in entries {
        let Some(obj) = entry.as_object() else {
            return Err("a `results` entry is not an object".into());
        };
        let people = match obj.get("people") {
            Some(Value::Array(p)) => p.as_slice(),
            Some(Value::Null) | None => &[],
            Some(_) => return Err("`people` is not a list".into()),
        };
        let before = page.persons.len();
        for p in people {
            let item: PersonListItem =
                serde_json::from_value(p.clone()).map_err(|e| format!("a person is not understood: {e}"))?;
            if item.kind.as_deref().is_none_or(|k| k == "person") {
                page.persons.push(item);
            }
        }
        let counted = obj.get("count").and_then(Value::as_u64);
        page.count += counted.unwrap_or((page.persons.len() - before) as u64);
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(q: &'a [(&'static str, String)], k: &str) -> Option<&'a str> {
        q.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn funnel_parameters() {
        let p = FunnelParams {
            steps: vec!["$pageview".into(), "signed_up".into()],
            step: -2,
            date_from: Some("-30d".into()),
            window_days: Some(7),
            limit: Some(50),
            ..Default::default()
        };
        let q = p.query_pairs();
        let events: Value = serde_json::from_str(get(&q, "events").unwrap()).unwrap();
        assert_eq!(events[1], json!({"id": "signed_up", "name": "signed_up", "order": 1, "type": "events"}));
        assert_eq!(get(&q, "funnel_step"), Some("-2"));
        assert_eq!(get(&q, "date_from"), Some("-30d"));
        assert_eq!(get(&q, "funnel_window_interval"), Some("7"));
        assert_eq!(get(&q, "limit"), Some("50"));
        assert_eq!(get(&q, "date_to"), None);
        let c =
            CorrelationParams { funnel: p, event: "purchase".into(), converted: false, ..Default::default() };
        let q = c.query_pairs();
        assert_eq!(get(&q, "funnel_correlation_person_converted"), Some("false"));
        assert_eq!(get(&q, "funnel_step"), None);
        let entity: Value =
            serde_json::from_str(get(&q, "funnel_correlation_person_entity").unwrap()).unwrap();
        assert_eq!(entity, json!({"id": "purchase", "type": "events"}));
    }

    #[test]
    fn lifecycle_parameters_and_types() {
        let p = LifecycleParams {
            target_date: "2026-11-20".into(),
            lifecycle_type: "Dormant".parse().unwrap(),
            ..Default::default()
        };
        let q = p.query_pairs();
        assert_eq!(get(&q, "lifecycle_type"), Some("dormant"));
        assert_eq!(get(&q, "target_date"), Some("2026-11-20"));
        assert!(get(&q, "events").unwrap().contains("$pageview"));
        let empty = LifecycleParams::default().query_pairs();
        assert_eq!(get(&empty, "target_date"), None, "an empty date is left for PostHog to refuse");
        assert!("sleepy".parse::<LifecycleType>().unwrap_err().contains("new, returning"));
    }

    #[test]
    fn envelopes_parse_leniently() {
        let page = parse_actors(&json!({
            "results": [{"people": [
                {"type": "person", "id": "u1", "uuid": "u1", "properties": {"email": "a@x.io"}, "distinct_ids": ["a"]},
                {"type": "group", "id": "acme", "group_key": "acme", "properties": {}}
            ], "count": 2}],
            "next": "api/projects/1/persons/funnel/?offset=100", "initial": "x", "missing_persons": 0,
            "is_cached": true
        }))
        .unwrap();
        assert_eq!(page.persons.len(), 1);
        assert_eq!(page.count, 2);
        assert_eq!(page.next.as_deref(), Some("api/projects/1/persons/funnel/?offset=100"));
        assert_eq!(page.missing_persons, Some(0));
        assert_eq!(parse_actors(&json!([])).unwrap(), ActorsPage::default());
        let no_count = parse_actors(&json!({"results": [{"people": [{"id": "u2"}]}], "next": null})).unwrap();
        assert_eq!((no_count.count, no_count.next), (1, None));
        assert!(parse_actors(&json!("nope")).is_err());
    }
}
