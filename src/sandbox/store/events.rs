//! Events. Demo persons' events are regenerated on demand from the seed (see
//! `demo::events`), so a million persons cost no event memory; events captured through the
//! API (`$set`, `$delete_person_property`) are recorded here.

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

/// Events captured through the API, with the person they were attributed to.
#[derive(Default)]
pub struct EventLog {
    recorded: Vec<(Option<Uuid>, Event)>,
}

impl EventLog {
    pub fn record(&mut self, person_uuid: Option<Uuid>, event: Event) {
        self.recorded.push((person_uuid, event));
    }

    pub fn for_person(&self, person_uuid: Uuid) -> impl Iterator<Item = &Event> {
        self.recorded.iter().filter(move |(p, _)| *p == Some(person_uuid)).map(|(_, e)| e)
    }

    pub fn all(&self) -> impl Iterator<Item = &Event> {
        self.recorded.iter().map(|(_, e)| e)
    }
}
