//! Writing: deletions happen at once (PostHog deletes the Postgres rows in the request);
//! property changes and splits go through the ingestion queue.

use std::sync::Arc;

use serde_json::{Map, Value, json};
use tokio::time::Instant;
use uuid::Uuid;

use super::activity::{ActivityEntry, Actor, detail};
use super::events::Event;
use super::ingest::{IngestOp, Pending, SplitMode};
use super::person::Person;
use super::props::PropVal;
use super::{Store, TEAM_ID};
use crate::sandbox::clock;

/// PostHog's namespace for person UUIDs derived from distinct ids
/// (`posthog/models/person/missing_person.py`).
pub const PERSON_UUID_NAMESPACE: Uuid = Uuid::from_u128(0x932979b4_65c3_4424_8467_0b66ec27bc22);

/// `uuidFromDistinctId` in the first project ([`TEAM_ID`]).
pub fn uuid_from_distinct_id(distinct_id: &str) -> Uuid {
    uuid_from_distinct_id_in(TEAM_ID, distinct_id)
}

/// `uuidFromDistinctId`: UUIDv5 of `"{team_id}:{distinct_id}"`.
pub fn uuid_from_distinct_id_in(team_id: i64, distinct_id: &str) -> Uuid {
    Uuid::new_v5(&PERSON_UUID_NAMESPACE, format!("{team_id}:{distinct_id}").as_bytes())
}

impl Store {
    pub fn log(&mut self, actor: Actor, activity: &'static str, item_id: i64, detail: Value) {
        let created_at = clock::now_micros();
        self.activity.push(ActivityEntry {
            id: Uuid::new_v4(),
            actor,
            activity,
            item_id,
            detail,
            created_at,
        });
    }

    /// Deletes a person's profile: the row, its distinct ids (tombstoned) and a `deleted`
    /// activity entry. Returns false when the person is already gone.
    pub fn delete_person(&mut self, slot: u32, actor: Actor) -> bool {
        let Ok(pos) = self.order.binary_search_by(|s| self.order_cmp(*s, slot)) else {
            return false;
        };
        let Some(person) = self.slots.get_mut(slot as usize).and_then(Option::take) else {
            return false;
        };
        self.order.remove(pos);
        self.by_uuid.remove(&person.uuid);
        for id in &person.distinct_ids {
            self.by_distinct.remove(id);
            self.tombstones.insert(id.clone());
        }
        self.log(actor, "deleted", person.pk, detail(Some(person.uuid.to_string()), None));
        true
    }

    /// `reset_person_distinct_id`: lets a deleted person's distinct id be used again.
    pub fn reset_distinct_id(&mut self, distinct_id: &str) -> bool {
        self.tombstones.remove(distinct_id)
    }

    /// Queues an API write; it takes effect after the ingestion delay.
    pub fn enqueue(&mut self, op: IngestOp) {
        self.queue.push_back(Pending {
            due: Instant::now() + self.ingest_delay,
            captured_at: clock::now_micros(),
            event_uuid: Uuid::new_v4(),
            op,
        });
    }

    pub fn pending_writes(&self) -> usize {
        self.queue.len()
    }

    /// Applies every queued write that is due. Routes call this before each request.
    pub fn apply_due(&mut self, now: Instant) {
        while self.queue.front().is_some_and(|p| p.due <= now) {
            if let Some(pending) = self.queue.pop_front() {
                self.apply(pending);
            }
        }
    }

    fn apply(&mut self, pending: Pending) {
        let Pending { captured_at, event_uuid, op, .. } = pending;
        match op {
            IngestOp::Set { distinct_id, set } => {
                let slot = self.slot_by_distinct_id(&distinct_id);
                if let Some(slot) = slot {
                    for (key, value) in &set {
                        let sym = self.interner.intern(key);
                        if let Some(p) = self.person_mut(slot) {
                            p.props.set(sym, PropVal::from_json(value.clone()));
                        }
                    }
                }
                let mut properties = Map::new();
                properties.insert("$set".into(), Value::Object(set));
                self.record(slot, event_uuid, "$set", distinct_id, captured_at, properties);
            }
            IngestOp::Unset { distinct_id, unset } => {
                let slot = self.slot_by_distinct_id(&distinct_id);
                if let Some(slot) = slot {
                    for key in unset.iter().filter_map(Value::as_str) {
                        if let Some(sym) = self.interner.lookup(key) {
                            if let Some(p) = self.person_mut(slot) {
                                p.props.remove(sym);
                            }
                        }
                    }
                }
                let mut properties = Map::new();
                properties.insert("$unset".into(), Value::Array(unset));
                self.record(
                    slot,
                    event_uuid,
                    "$delete_person_property",
                    distinct_id,
                    captured_at,
                    properties,
                );
            }
            IngestOp::Split { person_uuid, mode } => {
                if let Some(slot) = self.slot_by_uuid(person_uuid) {
                    self.split(slot, mode);
                }
            }
        }
    }

    fn record(
        &mut self,
        slot: Option<u32>,
        uuid: Uuid,
        name: &str,
        distinct_id: String,
        timestamp: i64,
        properties: Map<String, Value>,
    ) {
        let person = slot.and_then(|s| self.person(s));
        let person_uuid = person.map(|p| p.uuid);
        let person_properties = person.map(|p| p.props.to_map(&self.interner)).unwrap_or_default();
        self.events.record(
            person_uuid,
            Event { uuid, event: name.into(), distinct_id, timestamp, properties, person_properties },
        );
    }

    /// The `split_person` task: each moved distinct id goes to the person with UUID
    /// `uuidFromDistinctId` (created empty if needed; `…:split` when that UUID is the
    /// original person's own). The original keeps its properties.
    fn split(&mut self, slot: u32, mode: SplitMode) {
        let Some(person) = self.person(slot) else {
            return;
        };
        let original_uuid = person.uuid;
        let moving: Vec<Arc<str>> = match mode {
            SplitMode::KeepMain(main) => {
                let main: Option<String> =
                    main.or_else(|| person.distinct_ids.first().map(|d| d.to_string()));
                person.distinct_ids.iter().filter(|d| Some(&***d) != main.as_deref()).cloned().collect()
            }
            SplitMode::MoveOff(ids) => person
                .distinct_ids
                .iter()
                .filter(|d| ids.iter().any(|i| i.as_str() == &***d))
                .cloned()
                .collect(),
        };
        let now = clock::now_micros();
        for id in moving {
            if let Some(p) = self.person_mut(slot) {
                p.distinct_ids.retain(|d| *d != id);
            }
            self.by_distinct.remove(&id);
            let team_id = self.team_id;
            let mut target = uuid_from_distinct_id_in(team_id, &id);
            if target == original_uuid {
                target = Uuid::new_v5(&PERSON_UUID_NAMESPACE, format!("{team_id}:{id}:split").as_bytes());
            }
            let target_slot = match self.slot_by_uuid(target) {
                Some(existing) => existing,
                None => self.create_person(target, now),
            };
            if let Some(p) = self.person_mut(target_slot) {
                p.distinct_ids.push(id.clone());
            }
            self.by_distinct.insert(id, target_slot);
        }
    }

    fn create_person(&mut self, uuid: Uuid, now: i64) -> u32 {
        let slot = self.slots.len() as u32;
        self.slots.push(Some(Person {
            pk: i64::from(slot) + 1,
            uuid,
            created_at: now,
            last_seen_at: None,
            is_identified: false,
            distinct_ids: Vec::new(),
            props: Default::default(),
            demo_index: None,
        }));
        self.by_uuid.insert(uuid, slot);
        self.order_insert(slot);
        slot
    }

    /// Helper for the `split_person` activity entry.
    pub fn split_detail(person: &Person, moving: Option<&[String]>) -> Value {
        let ids: Vec<&str> = person.distinct_ids.iter().map(|d| &**d).collect();
        let mut after = json!({ "distinct_ids": ids });
        if let Some(moving) = moving {
            after["distinct_ids_to_split"] = json!(moving);
        }
        detail(Some(person.uuid.to_string()), Some(vec![super::activity::change("split", None, Some(after))]))
    }
}
