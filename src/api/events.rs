//! A person's events through the query API (`POST /query/` with an `EventsQuery`): the request
//! body, and a lenient reading of the answer (the `"*"` column object, or named columns).
use super::ids::PersonId;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Where the person events view starts: a week back, not PostHog's 24 hours.
pub const DEFAULT_EVENTS_AFTER: &str = "-7d";

/// The `where` clause that keeps only events carrying person-property updates.
pub const PERSON_UPDATES_WHERE: &str =
    "isNotNull(properties.$set) or isNotNull(properties.$set_once) or isNotNull(properties.$unset)";

/// One `EventsQuery`. `after: None` sends [`DEFAULT_EVENTS_AFTER`]; `Some("all")` removes the
/// lower bound. An empty `select` means `["*"]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventsQuery {
    pub person_id: Option<PersonId>,
    pub after: Option<String>,
    pub before: Option<String>,
    /// Only events with this name.
    pub event: Option<String>,
    /// HogQL conditions, all of which must hold.
    pub where_: Vec<String>,
    /// Oldest first instead of PostHog's newest first.
    pub order_asc: bool,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
    pub select: Vec<String>,
}

impl EventsQuery {
    /// The person events view: the last 7 days, newest first, 100 at a time.
    pub fn for_person(id: PersonId) -> Self {
        Self {
            person_id: Some(id),
            after: Some(DEFAULT_EVENTS_AFTER.into()),
            limit: Some(100),
            ..Default::default()
        }
    }

    /// The `POST /query/` body.
    pub fn body(&self) -> Value {
        let select: Vec<&str> =
            if self.select.is_empty() { vec!["*"] } else { self.select.iter().map(String::as_str).collect() };
        let mut q = Map::new();
        q.insert("kind".into(), json!("EventsQuery"));
        q.insert("select".into(), json!(select));
        if let Some(id) = self.person_id {
            q.insert("personId".into(), json!(id.path_segment()));
        }
        let after = self.after.as_deref().map(str::trim).filter(|a| !a.is_empty());
        q.insert("after".into(), json!(after.unwrap_or(DEFAULT_EVENTS_AFTER)));
        if let Some(b) = self.before.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
            q.insert("before".into(), json!(b));
        }
        if let Some(e) = self.event.as_deref().filter(|e| !e.is_empty()) {
            q.insert("event".into(), json!(e));
        }
        if !self.where_.is_empty() {
            q.insert("where".into(), json!(self.where_));
        }
        q.insert("orderBy".into(), json!([if self.order_asc { "timestamp ASC" } else { "timestamp DESC" }]));
        if let Some(l) = self.limit {
            q.insert("limit".into(), json!(l));
        }
        if let Some(o) = self.offset.filter(|o| *o > 0) {
            q.insert("offset".into(), json!(o));
        }
        json!({ "query": q })
    }
}

/// One event of a person, from the `"*"` column.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonEvent {
    pub uuid: String,
    pub event: String,
    pub timestamp: String,
    pub distinct_id: String,
    pub properties: Map<String, Value>,
}

impl PersonEvent {
    /// The `$set` / `$set_once` payloads and `$unset` keys this event carries, if any.
    pub fn person_updates(&self) -> PersonUpdates {
        PersonUpdates {
            set: object_of(self.properties.get("$set")),
            set_once: object_of(self.properties.get("$set_once")),
            unset: keys_of(self.properties.get("$unset")),
        }
    }

    fn from_star(obj: &Map<String, Value>) -> Self {
        let text = |k: &str| match obj.get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        Self {
            uuid: text("uuid"),
            event: text("event"),
            timestamp: text("timestamp"),
            distinct_id: text("distinct_id"),
            properties: object_of(obj.get("properties")).unwrap_or_default(),
        }
    }
}

/// Person-property updates carried by one event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PersonUpdates {
    pub set: Option<Map<String, Value>>,
    pub set_once: Option<Map<String, Value>>,
    pub unset: Vec<String>,
}

impl PersonUpdates {
    pub fn is_empty(&self) -> bool {
        self.set.as_ref().is_none_or(Map::is_empty)
            && self.set_once.as_ref().is_none_or(Map::is_empty)
            && self.unset.is_empty()
    }

    /// Applies the updates the way PostHog's ingestion does: `$set_once` only for keys not set
    /// yet, then `$set`, then `$unset`.
    pub fn apply(&self, snapshot: &mut Map<String, Value>) {
        for (k, v) in self.set_once.iter().flatten() {
            if !snapshot.contains_key(k) {
                snapshot.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in self.set.iter().flatten() {
            snapshot.insert(k.clone(), v.clone());
        }
        for k in &self.unset {
            snapshot.shift_remove(k);
        }
    }
}

/// An object, or a JSON string holding one (HogQL returns nested JSON either way).
fn object_of(v: Option<&Value>) -> Option<Map<String, Value>> {
    match v? {
        Value::Object(m) => Some(m.clone()),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Some(m),
            _ => None,
        },
        _ => None,
    }
}

/// `$unset`: a list of keys (posthog-js), an object whose keys are removed, or one key.
fn keys_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(|i| i.as_str().map(String::from)).collect(),
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(parsed @ (Value::Array(_) | Value::Object(_))) => keys_of(Some(&parsed)),
            _ if !s.is_empty() => vec![s.clone()],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// One page of a person's events.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventsPage {
    pub events: Vec<PersonEvent>,
    /// More events match beyond `limit` (ask again with a larger `offset`).
    pub has_more: bool,
}

/// What the query endpoint answered: results, or a query still running.
#[derive(Debug, PartialEq)]
pub(crate) enum QueryAnswer {
    Done(EventsPage),
    /// 202: poll `GET /query/{id}/`.
    Running {
        id: String,
    },
}

/// Why a query answer gave no events.
#[derive(Debug, PartialEq)]
pub(crate) enum QueryProblem {
    /// The answer is not what PostHog sends.
    Shape(String),
    /// PostHog ran the query and reports an error (`query_status.error_message`).
    Failed(String),
}

/// Reads a `POST /query/` answer (or `query_status.results` of a finished async query).
pub(crate) fn parse_query_answer(v: &Value) -> Result<QueryAnswer, QueryProblem> {
    let Some(obj) = v.as_object() else {
        return Err(QueryProblem::Shape("the query answer is not a JSON object".into()));
    };
    if let Some(status) = obj.get("query_status").and_then(Value::as_object) {
        let complete = status.get("complete").and_then(Value::as_bool).unwrap_or(false);
        if status.get("error").and_then(Value::as_bool) == Some(true) {
            let msg = status.get("error_message").and_then(Value::as_str).unwrap_or("the query failed");
            return Err(QueryProblem::Failed(msg.to_string()));
        }
        let has_results = obj.get("results").is_some_and(|r| !r.is_null());
        if complete && !has_results {
            if let Some(inner) = status.get("results").filter(|r| r.is_object()) {
                return parse_query_answer(inner);
            }
        }
        if !complete && !has_results {
            let id = status.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
            return Ok(QueryAnswer::Running { id });
        }
    }
    parse_rows(obj).map(QueryAnswer::Done).map_err(QueryProblem::Shape)
}

fn parse_rows(obj: &Map<String, Value>) -> Result<EventsPage, String> {
    let rows = match obj.get("results") {
        Some(Value::Array(rows)) => rows.as_slice(),
        Some(Value::Null) | None => &[],
        Some(_) => return Err("`results` is not a list".into()),
    };
    let columns: Vec<String> = obj
        .get("columns")
        .and_then(Value::as_array)
        .map(|c| c.iter().map(|c| c.as_str().map(str::trim).unwrap_or_default().to_string()).collect())
        .unwrap_or_default();
    let star = columns.iter().position(|c| c == "*");
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let event = match row {
            // A row that is already the event object.
            Value::Object(o) => PersonEvent::from_star(o),
            Value::Array(cells) => match star {
                Some(i) => match cells.get(i) {
                    Some(Value::Object(o)) => PersonEvent::from_star(o),
                    _ => return Err("the `*` column does not hold event objects".into()),
                },
                None if columns.is_empty() && matches!(cells.first(), Some(Value::Object(_))) => {
                    PersonEvent::from_star(cells[0].as_object().expect("matched an object"))
                }
                None => {
                    // Named columns (`uuid`, `event`, `timestamp`, `distinct_id`, `properties`).
                    let named: Map<String, Value> =
                        columns.iter().cloned().zip(cells.iter().cloned()).collect();
                    PersonEvent::from_star(&named)
                }
            },
            _ => return Err("a result row is neither a list nor an object".into()),
        };
        events.push(event);
    }
    let has_more = obj.get("hasMore").and_then(Value::as_bool).unwrap_or(false);
    Ok(EventsPage { events, has_more })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_carries_the_person_and_the_week_default() {
        let id = PersonId::parse("0190f0c2-0000-7000-8000-00000000a11c").unwrap();
        let body = EventsQuery::for_person(id).body();
        assert_eq!(
            body,
            json!({"query": {"kind": "EventsQuery", "select": ["*"],
                "personId": "0190f0c2-0000-7000-8000-00000000a11c", "after": "-7d",
                "orderBy": ["timestamp DESC"], "limit": 100}})
        );
        let q = EventsQuery {
            person_id: Some(PersonId::Pk(7)),
            where_: vec![PERSON_UPDATES_WHERE.into()],
            order_asc: true,
            after: Some("all".into()),
            before: Some("2026-11-01T00:00:00Z".into()),
            event: Some("$set".into()),
            offset: Some(200),
            limit: Some(100),
            ..Default::default()
        };
        let b = q.body();
        assert_eq!(b["query"]["personId"], "7");
        assert_eq!(b["query"]["orderBy"], json!(["timestamp ASC"]));
        assert_eq!(b["query"]["where"][0], PERSON_UPDATES_WHERE);
        assert_eq!((b["query"]["after"].as_str(), b["query"]["offset"].as_u64()), (Some("all"), Some(200)));
        assert_eq!(b["query"]["event"], "$set");
    }

    #[test]
    fn reads_the_star_column_leniently() {
        let answer = json!({
            "columns": ["*", "event"], "types": [], "hasMore": true, "limit": 1, "offset": 0,
            "results": [[{"uuid": "u1", "event": "$set", "timestamp": "2026-11-01T10:00:00Z",
                "distinct_id": "d1", "team_id": 1, "elements_chain": "", "brand_new": 1,
                "properties": "{\"$set\": {\"plan\": \"pro\"}, \"$unset\": [\"old\"]}"}, "$set"]],
            "is_cached": false
        });
        let QueryAnswer::Done(page) = parse_query_answer(&answer).unwrap() else { panic!() };
        assert!(page.has_more);
        let e = &page.events[0];
        assert_eq!((e.uuid.as_str(), e.event.as_str(), e.distinct_id.as_str()), ("u1", "$set", "d1"));
        let updates = e.person_updates();
        assert_eq!(updates.set.unwrap()["plan"], "pro");
        assert_eq!(updates.unset, ["old"]);
        // Missing optional fields and named columns.
        let named = json!({"columns": ["uuid", "event", "timestamp"], "results": [["u2", "x", "t"]]});
        let QueryAnswer::Done(page) = parse_query_answer(&named).unwrap() else { panic!() };
        assert_eq!(page.events[0].event, "x");
        assert!(!page.has_more && page.events[0].properties.is_empty());
        assert!(parse_query_answer(&json!([])).is_err());
    }

    #[test]
    fn async_answers() {
        let running = json!({"query_status": {"id": "abc-123", "complete": false}, "results": null});
        assert_eq!(parse_query_answer(&running).unwrap(), QueryAnswer::Running { id: "abc-123".into() });
        let done = json!({"query_status": {"id": "abc", "complete": true,
            "results": {"columns": ["*"], "results": [[{"event": "e"}]], "hasMore": false}}});
        let QueryAnswer::Done(page) = parse_query_answer(&done).unwrap() else { panic!() };
        assert_eq!(page.events[0].event, "e");
        let failed =
            json!({"query_status": {"id": "abc", "complete": true, "error": true, "error_message": "boom"}});
        assert_eq!(parse_query_answer(&failed).unwrap_err(), QueryProblem::Failed("boom".into()));
    }

    #[test]
    fn updates_apply_in_ingestion_order() {
        let mut snap = json!({"a": 1}).as_object().unwrap().clone();
        let u = PersonUpdates {
            set_once: Some(json!({"a": 9, "b": 2}).as_object().unwrap().clone()),
            set: Some(json!({"c": 3}).as_object().unwrap().clone()),
            unset: vec!["a".into()],
        };
        u.apply(&mut snap);
        assert_eq!(Value::Object(snap), json!({"b": 2, "c": 3}));
        assert!(PersonUpdates::default().is_empty());
    }
}
