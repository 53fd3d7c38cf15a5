//! Extra persons loaded at start (`--fixtures FILE.json` or [`SandboxConfig::fixtures_inline`]),
//! typically edge cases with hostile text.
//!
//! [`SandboxConfig::fixtures_inline`]: crate::sandbox::SandboxConfig::fixtures_inline

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::clock;
use super::store::events::Event;
use super::store::props::{PropVal, Props};
use super::store::{NewPerson, Store};

/// One person in a fixtures file: `{"uuid"?, "distinct_ids", "properties", "created_at"?,
/// "last_seen_at"?, "is_identified"?, "events"?}`. With `events`, `properties` are the person's
/// properties *before* those events: each event's `set` / `set_once` / `unset` is applied in
/// time order, the event carries the resulting snapshot (person-on-events), and the person ends
/// with the result.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixturePerson {
    #[serde(default)]
    pub uuid: Option<Uuid>,
    pub distinct_ids: Vec<String>,
    #[serde(default)]
    pub properties: Map<String, Value>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_seen_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub is_identified: Option<bool>,
    #[serde(default)]
    pub events: Vec<FixtureEvent>,
}

/// One event of a fixture person: `{"event", "timestamp", "properties"?, "set"?, "set_once"?,
/// "unset"?, "distinct_id"?, "uuid"?}`. `set` / `set_once` / `unset` change the person (and are
/// added to the event's properties as `$set` / `$set_once` / `$unset` unless already there); the
/// distinct id defaults to the person's first one.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureEvent {
    pub event: String,
    pub timestamp: DateTime<Utc>,
    #[serde(default)]
    pub properties: Map<String, Value>,
    #[serde(default)]
    pub set: Option<Map<String, Value>>,
    #[serde(default)]
    pub set_once: Option<Map<String, Value>>,
    #[serde(default)]
    pub unset: Option<Vec<String>>,
    #[serde(default)]
    pub distinct_id: Option<String>,
    #[serde(default)]
    pub uuid: Option<Uuid>,
}

/// Replays a fixture person's events: the events with their snapshots, and the final properties.
fn replay(
    person_uuid: Uuid,
    first_id: &str,
    start: Map<String, Value>,
    events: Vec<FixtureEvent>,
) -> (Vec<Event>, Map<String, Value>) {
    let mut events: Vec<(usize, FixtureEvent)> = events.into_iter().enumerate().collect();
    events.sort_by_key(|(_, e)| e.timestamp);
    let mut state = start;
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events {
        let mut properties = e.properties;
        if let Some(set) = e.set {
            for (k, v) in &set {
                state.insert(k.clone(), v.clone());
            }
            properties.entry("$set").or_insert(Value::Object(set));
        }
        if let Some(once) = e.set_once {
            for (k, v) in &once {
                state.entry(k.clone()).or_insert_with(|| v.clone());
            }
            properties.entry("$set_once").or_insert(Value::Object(once));
        }
        if let Some(unset) = e.unset {
            for k in &unset {
                state.shift_remove(k);
            }
            properties.entry("$unset").or_insert(Value::from(unset));
        }
        out.push(Event {
            uuid: e
                .uuid
                .unwrap_or_else(|| Uuid::new_v5(&person_uuid, format!("fixture-event:{i}").as_bytes())),
            event: e.event,
            distinct_id: e.distinct_id.unwrap_or_else(|| first_id.to_owned()),
            timestamp: e.timestamp.timestamp_micros(),
            properties,
            person_properties: state.clone(),
        });
    }
    (out, state)
}

/// Reads and parses a fixtures file; errors name the file.
pub fn read(path: &Path) -> anyhow::Result<Vec<FixturePerson>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read fixtures file {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "fixtures file {} is not a JSON array of persons \
             ({{\"distinct_ids\": [..], \"properties\": {{..}}, \"uuid\"?, \"created_at\"?, \"events\"?: \
             [{{\"event\", \"timestamp\", \"set\"?, ..}}]}})",
            path.display()
        )
    })
}

/// Adds fixture persons. Missing UUIDs are derived from the first distinct id (as PostHog
/// does for new persons), a missing `created_at` is the demo epoch.
pub fn add(store: &mut Store, persons: Vec<FixturePerson>, origin: &str) -> anyhow::Result<()> {
    for (i, p) in persons.into_iter().enumerate() {
        let uuid = p.uuid.unwrap_or_else(|| {
            let seed = p.distinct_ids.first().cloned().unwrap_or_else(|| format!("fixture-{i}"));
            super::store::uuid_from_distinct_id(&seed)
        });
        let created_at = p.created_at.map_or(clock::demo_epoch(), |t| t.timestamp_micros());
        let is_identified = p
            .is_identified
            .unwrap_or_else(|| p.distinct_ids.iter().any(|d| !super::store::person::is_anonymous_id(d)));
        let first_id = p.distinct_ids.first().cloned().unwrap_or_default();
        let (events, properties) = replay(uuid, &first_id, p.properties, p.events);
        let mut props = Props::with_capacity(properties.len());
        for (key, value) in properties {
            let sym = store.interner.intern(&key);
            props.set(sym, PropVal::from_json(value));
        }
        store
            .insert(NewPerson {
                uuid,
                created_at,
                last_seen_at: p.last_seen_at.map(|t| t.timestamp_micros()),
                is_identified,
                distinct_ids: p.distinct_ids,
                props,
                demo_index: None,
            })
            .with_context(|| format!("{origin}: person #{i} cannot be added"))?;
        if !events.is_empty() {
            store.events.load(uuid, events);
        }
    }
    Ok(())
}
