//! `POST /api/projects/{id}/query/`: the query API, answering the `EventsQuery` subset a
//! persons client needs (a person's recent events, newest first, paged) over the stored
//! events. HogQL is not interpreted: the `where` clauses it understands are listed in
//! [`Predicate`]; anything else is a 400 `validation_error`, as PostHog answers HogQL errors.

use std::collections::BinaryHeap;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::error::{ApiError, Reply};
use super::request::Req;
use crate::sandbox::clock::{self, MICROS_PER_SEC};
use crate::sandbox::store::Store;
use crate::sandbox::store::events::Event;

/// HogQL's `MAX_SELECT_RETURNED_ROWS`.
const MAX_LIMIT: i64 = 50_000;
const DEFAULT_LIMIT: i64 = 100;

fn unsupported(what: &str) -> ApiError {
    ApiError::validation(&format!(
        "The hogdex sandbox does not support this HogQL: {what}. It understands select columns *, \
         event, timestamp, uuid, distinct_id, properties, properties.<key>, person_id and person; \
         orderBy timestamp DESC/ASC; and where clauses `event = '<name>'` and \
         `isNotNull(properties.$set) or isNotNull(properties.$set_once) or isNotNull(properties.$unset)`."
    ))
}

/// One `select` column.
#[derive(Clone, Debug, PartialEq)]
enum Column {
    Star,
    Event,
    Timestamp,
    Uuid,
    DistinctId,
    Properties,
    PersonId,
    Person,
    Property(String),
}

impl Column {
    fn parse(text: &str) -> Result<Column, ApiError> {
        // `expr -- Label`: the comment is a display alias.
        let expr = text.split_once(" -- ").map_or(text, |(e, _)| e).trim();
        Ok(match expr {
            "*" => Column::Star,
            "event" => Column::Event,
            "timestamp" => Column::Timestamp,
            "uuid" => Column::Uuid,
            "distinct_id" => Column::DistinctId,
            "properties" => Column::Properties,
            "person_id" => Column::PersonId,
            "person" => Column::Person,
            other => match other.strip_prefix("properties.") {
                Some(key)
                    if !key.is_empty()
                        && !key.contains(|c: char| c.is_whitespace() || "()',".contains(c)) =>
                {
                    Column::Property(key.to_owned())
                }
                _ => return Err(unsupported(&format!("select `{text}`"))),
            },
        })
    }

    fn hogql_type(&self) -> &'static str {
        match self {
            Column::Star => {
                "Tuple(UUID, String, String, DateTime64(6, 'UTC'), Int64, String, String, DateTime64(6, 'UTC'))"
            }
            Column::Event | Column::DistinctId | Column::Properties => "String",
            Column::Timestamp => "DateTime64(6, 'UTC')",
            Column::Uuid | Column::PersonId => "UUID",
            Column::Person => "Tuple(UUID, String, String, DateTime64(6, 'UTC'))",
            Column::Property(_) => "Nullable(String)",
        }
    }
}

/// The `where` clauses the sandbox evaluates (case-insensitive, whitespace normalized).
#[derive(Clone, Debug, PartialEq)]
enum Predicate {
    /// `isNotNull(properties.a) or isNotNull(properties.b) …`
    AnyPropertySet(Vec<String>),
    /// `event = 'name'` (or `==`).
    EventIs(String),
}

/// A single-quoted HogQL string literal, all of `text`.
fn string_literal(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '\'' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

impl Predicate {
    fn parse(text: &str) -> Result<Predicate, ApiError> {
        let norm = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let lower = norm.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("event") {
            let rest_orig = &norm[norm.len() - rest.len()..];
            let value = rest_orig.trim_start();
            let value = value.strip_prefix("==").or_else(|| value.strip_prefix('=')).map(str::trim);
            if let Some(name) = value.and_then(string_literal) {
                return Ok(Predicate::EventIs(name));
            }
            return Err(unsupported(&format!("where `{text}`")));
        }
        let mut keys = Vec::new();
        let mut start = 0;
        let mut terms = Vec::new();
        while let Some(pos) = lower[start..].find(" or ") {
            terms.push(&norm[start..start + pos]);
            start += pos + 4;
        }
        terms.push(&norm[start..]);
        for term in terms {
            let t = term.trim();
            let inner = t
                .get(..10)
                .filter(|p| p.eq_ignore_ascii_case("isnotnull("))
                .and_then(|_| t[10..].strip_suffix(')'))
                .map(str::trim);
            match inner.and_then(|i| i.strip_prefix("properties.")) {
                Some(key)
                    if !key.is_empty()
                        && !key.contains(|c: char| c.is_whitespace() || "()',".contains(c)) =>
                {
                    keys.push(key.to_owned());
                }
                _ => return Err(unsupported(&format!("where `{text}`"))),
            }
        }
        Ok(Predicate::AnyPropertySet(keys))
    }

    fn matches(&self, event: &Event) -> bool {
        match self {
            Predicate::EventIs(name) => event.event == *name,
            Predicate::AnyPropertySet(keys) => {
                keys.iter().any(|k| event.properties.get(k).is_some_and(|v| !v.is_null()))
            }
        }
    }

    fn hogql(&self) -> String {
        match self {
            Predicate::EventIs(name) => format!("equals(event, '{}')", name.replace('\'', "\\'")),
            Predicate::AnyPropertySet(keys) => {
                let parts: Vec<String> = keys.iter().map(|k| format!("isNotNull(properties.{k})")).collect();
                if parts.len() == 1 { parts[0].clone() } else { format!("or({})", parts.join(", ")) }
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Order {
    TimestampDesc,
    TimestampAsc,
    /// PostHog's default without a timestamp column: the first column, ascending.
    FirstColumnAsc,
}

fn parse_order(order_by: Option<&Value>, columns: &[Column]) -> Result<Order, ApiError> {
    let items = match order_by {
        None | Some(Value::Null) => {
            let by_time = columns.iter().any(|c| matches!(c, Column::Star | Column::Timestamp));
            return Ok(if by_time { Order::TimestampDesc } else { Order::FirstColumnAsc });
        }
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ApiError::validation("orderBy must be a list of strings.")),
    };
    match items.as_slice() {
        [] => Ok(Order::FirstColumnAsc),
        [Value::String(s)] => {
            let norm = s.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase();
            match norm.as_str() {
                "timestamp desc" => Ok(Order::TimestampDesc),
                "timestamp" | "timestamp asc" => Ok(Order::TimestampAsc),
                _ => Err(unsupported(&format!("orderBy `{s}`"))),
            }
        }
        _ => Err(unsupported("an orderBy other than one timestamp column")),
    }
}

/// A row candidate in the top-k heap: its sort key (smaller comes first), the event and the
/// person's slot.
struct Ranked {
    key: (Option<String>, i64, u128),
    event: Event,
    slot: Option<u32>,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

struct EventsQuery {
    columns: Vec<Column>,
    select: Vec<String>,
    predicates: Vec<Predicate>,
    events: Option<Vec<String>>,
    person: Option<Value>,
    after: Option<i64>,
    before: i64,
    order: Order,
    limit: i64,
    offset: i64,
}

fn strings(value: Option<&Value>, field: &str) -> Result<Option<Vec<String>>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| ApiError::validation(&format!("{field} must be a list of strings."))),
        Some(_) => Err(ApiError::validation(&format!("{field} must be a list of strings."))),
    }
}

fn int(value: Option<&Value>, field: &str) -> Result<Option<i64>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            v.as_i64().map(Some).ok_or_else(|| ApiError::validation(&format!("{field} must be an integer.")))
        }
    }
}

fn date(value: Option<&Value>, field: &str) -> Result<Option<String>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::validation(&format!("{field} must be a string."))),
    }
}

impl EventsQuery {
    fn parse(q: &Map<String, Value>, now: i64) -> Result<EventsQuery, ApiError> {
        for key in ["properties", "fixedProperties"] {
            if q.get(key).is_some_and(|v| v.as_array().is_some_and(|a| !a.is_empty())) {
                return Err(unsupported(&format!("`{key}` filters (use `where` or `event`)")));
            }
        }
        if q.get("actionId").is_some_and(|v| !v.is_null()) {
            return Err(unsupported("`actionId` (the sandbox has no actions)"));
        }
        let mut select = strings(q.get("select"), "select")?.unwrap_or_default();
        if select.is_empty() {
            select.push("*".into());
        }
        let columns = select.iter().map(|s| Column::parse(s)).collect::<Result<Vec<_>, _>>()?;
        let predicates = strings(q.get("where"), "where")?
            .unwrap_or_default()
            .iter()
            .map(|w| Predicate::parse(w))
            .collect::<Result<Vec<_>, _>>()?;
        let mut events = strings(q.get("events"), "events")?;
        if let Some(event) = date(q.get("event"), "event")?.filter(|e| !e.is_empty()) {
            events.get_or_insert_with(Vec::new).push(event);
        }
        let after = match date(q.get("after"), "after")?.as_deref().unwrap_or("-24h") {
            "all" => None,
            text => Some(clock::relative_date_parse(text, now).0),
        };
        let before = match date(q.get("before"), "before")? {
            Some(text) => clock::relative_date_parse(&text, now).0,
            None => now + 5 * MICROS_PER_SEC,
        };
        let order = parse_order(q.get("orderBy"), &columns)?;
        let limit = int(q.get("limit"), "limit")?.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let offset = int(q.get("offset"), "offset")?.unwrap_or(0).max(0);
        let person = q.get("personId").filter(|v| !v.is_null()).cloned();
        Ok(EventsQuery { columns, select, predicates, events, person, after, before, order, limit, offset })
    }

    fn in_window(&self, ts: i64) -> bool {
        self.after.is_none_or(|a| ts > a) && ts < self.before
    }

    fn name_ok(&self, name: &str) -> bool {
        self.events.as_ref().is_none_or(|names| names.iter().any(|n| n == name))
    }

    fn keep(&self, event: &Event) -> bool {
        self.in_window(event.timestamp)
            && self.name_ok(&event.event)
            && self.predicates.iter().all(|p| p.matches(event))
    }

    fn key(&self, event: &Event, slot: Option<u32>, store: &Store) -> (Option<String>, i64, u128) {
        let id = event.uuid.as_u128();
        match self.order {
            Order::TimestampDesc => (None, -event.timestamp, u128::MAX - id),
            Order::TimestampAsc => (None, event.timestamp, id),
            Order::FirstColumnAsc => {
                let first = self.cell(&self.columns[0], event, slot, store);
                let text = match first {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (Some(text), event.timestamp, id)
            }
        }
    }

    fn cell(&self, column: &Column, event: &Event, slot: Option<u32>, store: &Store) -> Value {
        let person = slot.and_then(|s| store.person(s));
        match column {
            Column::Star => {
                let mut out = Map::new();
                out.insert("uuid".into(), Value::String(event.uuid.to_string()));
                out.insert("event".into(), Value::String(event.event.clone()));
                out.insert("properties".into(), Value::Object(event.properties.clone()));
                out.insert("timestamp".into(), Value::String(clock::iso(event.timestamp)));
                out.insert("team_id".into(), Value::from(store.team_id));
                out.insert("distinct_id".into(), Value::String(event.distinct_id.clone()));
                out.insert("elements_chain".into(), Value::String(String::new()));
                out.insert("created_at".into(), Value::String(clock::iso(event.timestamp)));
                Value::Object(out)
            }
            Column::Event => Value::String(event.event.clone()),
            Column::Timestamp => Value::String(clock::iso(event.timestamp)),
            Column::Uuid => Value::String(event.uuid.to_string()),
            Column::DistinctId => Value::String(event.distinct_id.clone()),
            Column::Properties => Value::String(Value::Object(event.properties.clone()).to_string()),
            Column::PersonId => person.map_or(Value::Null, |p| Value::String(p.uuid.to_string())),
            Column::Person => match person {
                Some(p) => json!({
                    "uuid": p.uuid.to_string(),
                    "properties": p.props.to_map(&store.interner),
                    "distinct_id": event.distinct_id,
                    "created_at": clock::iso(p.created_at),
                }),
                None => json!({"distinct_id": event.distinct_id}),
            },
            Column::Property(key) => match event.properties.get(key) {
                None | Some(Value::Null) => Value::Null,
                Some(Value::String(s)) => Value::String(s.clone()),
                Some(other) => Value::String(other.to_string()),
            },
        }
    }

    fn hogql(&self, person_ids: Option<&[String]>) -> String {
        let mut conds = Vec::new();
        if let Some(ids) = person_ids {
            let quoted: Vec<String> = ids.iter().map(|i| format!("'{}'", i.replace('\'', "\\'"))).collect();
            conds.push(format!("in(distinct_id, [{}])", quoted.join(", ")));
        }
        conds.push(format!("less(timestamp, toDateTime('{}'))", clock::sql(self.before)));
        if let Some(after) = self.after {
            conds.push(format!("greater(timestamp, toDateTime('{}'))", clock::sql(after)));
        }
        if let Some(names) = &self.events {
            let quoted: Vec<String> = names.iter().map(|n| format!("'{}'", n.replace('\'', "\\'"))).collect();
            conds.push(format!("in(event, [{}])", quoted.join(", ")));
        }
        conds.extend(self.predicates.iter().map(Predicate::hogql));
        let order = match self.order {
            Order::TimestampDesc => "timestamp DESC".to_owned(),
            Order::TimestampAsc => "timestamp ASC".to_owned(),
            Order::FirstColumnAsc => format!("{} ASC", self.select[0]),
        };
        format!(
            "SELECT {} FROM events WHERE and({}) ORDER BY {order} LIMIT {} OFFSET {}",
            self.select.join(", "),
            conds.join(", "),
            self.limit + 1,
            self.offset
        )
    }
}

/// Keeps the `cap` first rows by sort key.
struct TopK {
    cap: usize,
    heap: BinaryHeap<Ranked>,
}

impl TopK {
    fn push(&mut self, ranked: Ranked) {
        if self.heap.len() < self.cap {
            self.heap.push(ranked);
        } else if self.heap.peek().is_some_and(|worst| ranked.key < worst.key) {
            self.heap.pop();
            self.heap.push(ranked);
        }
    }
}

fn events_query(store: &Store, q: &Map<String, Value>) -> Result<Reply, ApiError> {
    let now = clock::now_micros();
    let query = EventsQuery::parse(q, now)?;
    let cap = (query.offset + query.limit + 1) as usize;
    let mut top = TopK { cap, heap: BinaryHeap::new() };
    let mut person_ids: Option<Vec<String>> = None;
    let add = |event: Event, slot: Option<u32>, top: &mut TopK| {
        if query.keep(&event) {
            let key = query.key(&event, slot, store);
            top.push(Ranked { key, event, slot });
        }
    };
    match &query.person {
        Some(id) => {
            let text = match id {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let slot = store.resolve_id(&text).ok().flatten();
            let ids: Vec<String> = slot
                .and_then(|s| store.person(s))
                .map(|p| p.distinct_ids.iter().map(|d| d.to_string()).collect())
                .unwrap_or_default();
            if let Some(slot) = slot {
                for event in store.events_for_person(slot) {
                    if ids.contains(&event.distinct_id) {
                        add(event, Some(slot), &mut top);
                    }
                }
            }
            person_ids = Some(ids);
        }
        None => {
            let from = query.after.unwrap_or(i64::MIN);
            // Newest persons have the newest events: visit them first for a descending
            // order (oldest first for an ascending one), so the pruning below bites early.
            let slots: Box<dyn Iterator<Item = &u32>> = match query.order {
                Order::TimestampAsc => Box::new(store.live_slots().iter().rev()),
                _ => Box::new(store.live_slots().iter()),
            };
            for &slot in slots {
                let Some(person) = store.person(slot) else {
                    continue;
                };
                if !store.may_have_events(person, from, query.before) {
                    continue;
                }
                // The light timeline bounds the best key this person can contribute: skip
                // rendering its events when that cannot beat the worst row kept so far.
                let names = store.event_names(person);
                let candidates = names.iter().filter(|(t, name)| query.in_window(*t) && query.name_ok(name));
                let best = match (query.order, &query.columns[0]) {
                    (Order::TimestampDesc, _) => candidates.map(|(t, _)| (None, -*t)).min(),
                    (Order::TimestampAsc, _) => candidates.map(|(t, _)| (None, *t)).min(),
                    (Order::FirstColumnAsc, Column::Event) => candidates.map(|(t, n)| (Some(*n), *t)).min(),
                    (Order::FirstColumnAsc, _) => candidates.map(|_| (None, 0)).next(),
                };
                let Some(best) = best else {
                    continue;
                };
                let full = top.heap.len() >= top.cap;
                let hopeless = full
                    && top.heap.peek().is_some_and(|worst| match (query.order, best.0) {
                        (Order::FirstColumnAsc, Some(name)) => {
                            worst.key.0.as_deref().is_some_and(|w| (name, best.1) > (w, worst.key.1))
                        }
                        (Order::FirstColumnAsc, None) => false,
                        _ => best.1 > worst.key.1,
                    });
                if !hopeless {
                    for event in store.events_for_person(slot) {
                        add(event, Some(slot), &mut top);
                    }
                }
            }
            let live = |u: Uuid| store.slot_by_uuid(u).is_some();
            for event in store.events.orphans(live) {
                add(event.clone(), None, &mut top);
            }
        }
    }
    let mut rows: Vec<Ranked> = top.heap.into_sorted_vec();
    let rows: Vec<Ranked> = rows.drain(..).skip(query.offset as usize).collect();
    let has_more = rows.len() as i64 > query.limit;
    let results: Vec<Value> = rows
        .iter()
        .take(query.limit as usize)
        .map(|r| Value::Array(query.columns.iter().map(|c| query.cell(c, &r.event, r.slot, store)).collect()))
        .collect();
    let types: Vec<&str> = query.columns.iter().map(Column::hogql_type).collect();
    let cache_key = format!(
        "cache_{}",
        Uuid::new_v5(&Uuid::NAMESPACE_OID, Value::Object(q.clone()).to_string().as_bytes()).simple()
    );
    let refreshed = clock::iso(now);
    let mut body = Map::new();
    body.insert("cache_key".into(), Value::String(cache_key));
    body.insert("cache_target_age".into(), Value::Null);
    body.insert("calculation_trigger".into(), Value::Null);
    body.insert("columns".into(), Value::from(query.select.clone()));
    body.insert("error".into(), Value::Null);
    body.insert("hasMore".into(), Value::Bool(has_more));
    body.insert("hogql".into(), Value::String(query.hogql(person_ids.as_deref())));
    body.insert("is_cached".into(), Value::Bool(false));
    body.insert("last_refresh".into(), Value::String(refreshed.clone()));
    body.insert("limit".into(), Value::from(query.limit));
    body.insert("modifiers".into(), Value::Object(Map::new()));
    body.insert("next_allowed_client_refresh".into(), Value::String(refreshed));
    body.insert("offset".into(), Value::from(query.offset));
    body.insert("query_status".into(), Value::Null);
    body.insert("results".into(), Value::Array(results));
    body.insert("timezone".into(), Value::String("UTC".into()));
    body.insert("timings".into(), Value::Array(Vec::new()));
    body.insert("types".into(), Value::from(types));
    Ok(Reply::Json(StatusCode::OK, Value::Object(body)))
}

/// `POST /query/` with `{"query": {"kind": …, …}}`.
pub fn query(store: &Store, req: &Req) -> Result<Reply, ApiError> {
    let data = req.data()?;
    let Some(Value::Object(q)) = data.get("query") else {
        return Err(ApiError::validation_attr("query", "required", "This field is required."));
    };
    match q.get("kind").and_then(Value::as_str) {
        Some("EventsQuery") => events_query(store, q),
        Some("HogQLQuery") => Err(ApiError::validation(
            "The hogdex sandbox does not run HogQLQuery (SQL); send an EventsQuery \
             ({\"kind\": \"EventsQuery\", \"select\": [\"*\"], \"personId\": …}) instead.",
        )),
        Some(kind) => Err(ApiError::validation(&format!(
            "The hogdex sandbox does not support query kind '{kind}'; it answers EventsQuery only."
        ))),
        None => Err(ApiError::validation_attr("kind", "required", "query.kind is required.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_clauses() {
        assert_eq!(
            Predicate::parse("isNotNull(properties.$set) or isNotNull(properties.$set_once) or isNotNull(properties.$unset)")
                .unwrap(),
            Predicate::AnyPropertySet(vec!["$set".into(), "$set_once".into(), "$unset".into()])
        );
        assert_eq!(
            Predicate::parse("  ISNOTNULL( properties.$set )\n OR  isnotnull(properties.$unset)").unwrap(),
            Predicate::AnyPropertySet(vec!["$set".into(), "$unset".into()])
        );
        assert_eq!(Predicate::parse("event = '$pageview'").unwrap(), Predicate::EventIs("$pageview".into()));
        assert_eq!(Predicate::parse("EVENT=='it\\'s'").unwrap(), Predicate::EventIs("it's".into()));
        assert!(Predicate::parse("timestamp > now()").is_err());
        assert!(Predicate::parse("event = $pageview").is_err());
        assert!(Predicate::parse("isNotNull(properties.$set) and 1").is_err());
    }

    #[test]
    fn columns() {
        assert_eq!(Column::parse("person -- P").unwrap(), Column::Person);
        assert_eq!(Column::parse("properties.$browser").unwrap(), Column::Property("$browser".into()));
        assert!(Column::parse("count()").is_err());
    }
}
