//! Events. Demo persons' events are regenerated on demand from the seed (see
//! `demo::events`), so a million persons cost no event memory; events captured through the
//! API (`$set`, `$delete_person_property`) are recorded here.

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::sandbox::clock;

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub uuid: Uuid,
    pub event: String,
    pub distinct_id: String,
    /// Microseconds since the Unix epoch.
    pub timestamp: i64,
    pub properties: Map<String, Value>,
    /// The person's properties as they were when the event was ingested (person-on-events).
    pub person_properties: Map<String, Value>,
}

impl Event {
    /// The event as `capture_internal` would have sent it.
    pub fn capture_json(&self) -> Value {
        json!({
            "uuid": self.uuid.to_string(),
            "event": self.event,
            "distinct_id": self.distinct_id,
            "timestamp": clock::iso(self.timestamp),
            "properties": self.properties,
        })
    }
}

/// Events captured through the API, with the person they were attributed to, plus the events
/// fixture persons were loaded with.
#[derive(Default)]
pub struct EventLog {
    recorded: Vec<(Option<Uuid>, Event)>,
    /// Indexes into `recorded`, per person.
    by_person: HashMap<Uuid, Vec<usize>>,
    /// Fixture events per person, oldest first.
    loaded: HashMap<Uuid, Vec<Event>>,
}

impl EventLog {
    pub fn record(&mut self, person_uuid: Option<Uuid>, event: Event) {
        if let Some(uuid) = person_uuid {
            self.by_person.entry(uuid).or_default().push(self.recorded.len());
        }
        self.recorded.push((person_uuid, event));
    }

    /// Adds a fixture person's events (kept apart from [`EventLog::all`]).
    pub fn load(&mut self, person_uuid: Uuid, mut events: Vec<Event>) {
        events.sort_by_key(|e| e.timestamp);
        self.loaded.entry(person_uuid).or_default().extend(events);
    }

    /// A person's fixture events, then the events captured for it.
    pub fn for_person(&self, person_uuid: Uuid) -> impl Iterator<Item = &Event> {
        let loaded = self.loaded.get(&person_uuid).into_iter().flatten();
        let recorded = self.by_person.get(&person_uuid).into_iter().flatten().map(|i| &self.recorded[*i].1);
        loaded.chain(recorded)
    }

    /// Whether any fixture or captured event belongs to the person.
    pub fn has_events(&self, person_uuid: Uuid) -> bool {
        self.loaded.contains_key(&person_uuid) || self.by_person.contains_key(&person_uuid)
    }

    /// Events whose person does not exist (any more), for project-wide scans.
    pub fn orphans(&self, live: impl Fn(Uuid) -> bool) -> Vec<&Event> {
        let mut out: Vec<&Event> =
            self.loaded.iter().filter(|(u, _)| !live(**u)).flat_map(|(_, events)| events.iter()).collect();
        out.extend(self.recorded.iter().filter(|(p, _)| p.is_none_or(|u| !live(u))).map(|(_, e)| e));
        out
    }

    /// The events captured through the API (not the fixture events), in capture order.
    pub fn all(&self) -> impl Iterator<Item = &Event> {
        self.recorded.iter().map(|(_, e)| e)
    }
}
