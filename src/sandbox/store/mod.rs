//! The sandbox's in-memory PostHog project: persons and their indexes, the activity log,
//! cohorts, queued deletions, events and the ingestion queue. Only `crate::sandbox` uses it;
//! routes lock it, call [`Store::apply_due`], then read or write.

pub mod activity;
pub mod cohorts;
pub mod deletions;
pub mod events;
pub mod filters;
pub mod history;
pub mod ingest;
mod mutate;
pub mod person;
pub mod props;
mod query;

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use self::activity::ActivityLog;
use self::cohorts::Cohort;
use self::deletions::Deletions;
use self::events::{Event, EventLog};
use self::ingest::Pending;
use self::person::Person;
use self::props::{Interner, Props};
use crate::sandbox::demo::DemoSource;

pub use self::mutate::{PERSON_UUID_NAMESPACE, uuid_from_distinct_id, uuid_from_distinct_id_in};
pub use self::query::ListQuery;

/// The sandbox's first (and default `@current`) project: its team id and project id. Stores
/// of further projects (`--projects N`) carry their own id in [`Store::team_id`].
pub const TEAM_ID: i64 = 1;

/// A person to add to the store.
pub struct NewPerson {
    pub uuid: Uuid,
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    pub is_identified: bool,
    pub distinct_ids: Vec<String>,
    pub props: Props,
    pub demo_index: Option<u32>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InsertError {
    #[error("duplicate person uuid {0}")]
    DuplicateUuid(Uuid),
    #[error("distinct id {0:?} already belongs to another person")]
    DuplicateDistinctId(String),
}

pub struct Store {
    /// The project (team) this store holds: [`TEAM_ID`] unless set after [`Store::new`].
    pub team_id: i64,
    pub interner: Interner,
    /// Slot `i` holds the person with pk `i + 1`; deleted persons leave `None`.
    slots: Vec<Option<Person>>,
    by_uuid: HashMap<Uuid, u32>,
    by_distinct: HashMap<Arc<str>, u32>,
    /// Live slots ordered `created_at DESC, uuid ASC` (the list order).
    order: Vec<u32>,
    pub activity: ActivityLog,
    pub cohorts: Vec<Cohort>,
    pub deletions: Deletions,
    /// Distinct ids of deleted persons, until `reset_person_distinct_id` clears them.
    pub tombstones: HashSet<Arc<str>>,
    pub events: EventLog,
    queue: VecDeque<Pending>,
    pub demo: Option<DemoSource>,
    /// The project's `person_display_name_properties` (PostHog's default when unset).
    pub name_props: Vec<String>,
    pub ingest_delay: Duration,
    cohort_counts_fresh: bool,
}

impl Store {
    pub fn new(members: Vec<(String, String)>, ingest_delay: Duration) -> Store {
        Store {
            team_id: TEAM_ID,
            interner: Interner::default(),
            slots: Vec::new(),
            by_uuid: HashMap::new(),
            by_distinct: HashMap::new(),
            order: Vec::new(),
            activity: ActivityLog::new(members),
            cohorts: Vec::new(),
            deletions: Deletions::default(),
            tombstones: HashSet::new(),
            events: EventLog::default(),
            queue: VecDeque::new(),
            demo: None,
            name_props: vec!["email".into(), "name".into(), "username".into()],
            ingest_delay,
            cohort_counts_fresh: false,
        }
    }

    pub fn reserve(&mut self, persons: usize) {
        self.slots.reserve(persons);
        self.by_uuid.reserve(persons);
        self.by_distinct.reserve(persons * 3);
    }

    /// Adds a person during start-up; call [`Store::finish_build`] when all are in.
    pub fn insert(&mut self, new: NewPerson) -> Result<u32, InsertError> {
        use std::collections::hash_map::Entry;
        let slot = u32::try_from(self.slots.len()).expect("fewer than 2^32 persons");
        match self.by_uuid.entry(new.uuid) {
            Entry::Occupied(_) => return Err(InsertError::DuplicateUuid(new.uuid)),
            Entry::Vacant(v) => v.insert(slot),
        };
        // One probe per id; on a duplicate, undo what this call inserted.
        let mut ids: Vec<Arc<str>> = Vec::with_capacity(new.distinct_ids.len());
        for id in new.distinct_ids {
            let shared: Arc<str> = Arc::from(id);
            match self.by_distinct.entry(shared.clone()) {
                Entry::Vacant(v) => {
                    v.insert(slot);
                    ids.push(shared);
                }
                Entry::Occupied(_) => {
                    for done in &ids {
                        self.by_distinct.remove(done);
                    }
                    self.by_uuid.remove(&new.uuid);
                    return Err(InsertError::DuplicateDistinctId(shared.to_string()));
                }
            }
        }
        let mut props = new.props;
        props.shrink();
        self.slots.push(Some(Person {
            pk: i64::from(slot) + 1,
            uuid: new.uuid,
            created_at: new.created_at,
            last_seen_at: new.last_seen_at,
            is_identified: new.is_identified,
            distinct_ids: ids,
            props,
            demo_index: new.demo_index,
        }));
        Ok(slot)
    }

    /// Takes a pk for a person that no longer exists (demo persons deleted before start).
    pub fn insert_gap(&mut self) -> i64 {
        self.slots.push(None);
        self.slots.len() as i64
    }

    /// Sorts the list order and the activity log.
    pub fn finish_build(&mut self) {
        let mut order: Vec<u32> =
            (0..self.slots.len() as u32).filter(|s| self.slots[*s as usize].is_some()).collect();
        order.sort_unstable_by(|a, b| self.order_cmp(*a, *b));
        self.order = order;
        self.activity.sort();
    }

    fn order_cmp(&self, a: u32, b: u32) -> Ordering {
        let (pa, pb) = (self.person(a), self.person(b));
        match (pa, pb) {
            (Some(pa), Some(pb)) => pb.created_at.cmp(&pa.created_at).then_with(|| pa.uuid.cmp(&pb.uuid)),
            _ => a.cmp(&b),
        }
    }

    /// Puts a person created after start-up (by a split) into the list order.
    fn order_insert(&mut self, slot: u32) {
        let at = self.order.partition_point(|s| self.order_cmp(*s, slot) == Ordering::Less);
        self.order.insert(at, slot);
    }

    pub fn person(&self, slot: u32) -> Option<&Person> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    fn person_mut(&mut self, slot: u32) -> Option<&mut Person> {
        self.slots.get_mut(slot as usize).and_then(Option::as_mut)
    }

    pub fn live_count(&self) -> usize {
        self.order.len()
    }

    pub fn slot_by_pk(&self, pk: i64) -> Option<u32> {
        let slot = u32::try_from(pk.checked_sub(1)?).ok()?;
        self.person(slot).map(|_| slot)
    }

    pub fn slot_by_uuid(&self, uuid: Uuid) -> Option<u32> {
        self.by_uuid.get(&uuid).copied()
    }

    pub fn slot_by_distinct_id(&self, id: &str) -> Option<u32> {
        self.by_distinct.get(id).copied()
    }

    /// `get_person_by_pk_or_uuid`: a UUID or an integer pk. `Err` when the text is neither.
    pub fn resolve_id(&self, id: &str) -> Result<Option<u32>, NotAnId> {
        if let Ok(uuid) = Uuid::parse_str(id) {
            return Ok(self.slot_by_uuid(uuid));
        }
        match id.trim().parse::<i64>() {
            Ok(pk) => Ok(self.slot_by_pk(pk)),
            Err(_) => Err(NotAnId),
        }
    }

    /// Every event of a person, oldest first: regenerated demo events plus captured ones.
    pub fn events_for_person(&self, slot: u32) -> Vec<Event> {
        let Some(person) = self.person(slot) else {
            return Vec::new();
        };
        let mut events = match (&self.demo, person.demo_index) {
            (Some(demo), Some(index)) => demo.events(index),
            _ => Vec::new(),
        };
        events.extend(self.events.for_person(person.uuid).cloned());
        events.sort_by_key(|e| e.timestamp);
        events
    }

    pub fn is_tombstoned(&self, distinct_id: &str) -> bool {
        self.tombstones.contains(distinct_id)
    }
}

/// The id is neither an integer nor a UUID.
#[derive(Debug, PartialEq)]
pub struct NotAnId;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{Map, json};

    use super::ingest::IngestOp;
    use super::*;

    fn demo_store(persons: usize) -> Store {
        let mut store = Store::new(crate::sandbox::demo::team_members(), Duration::ZERO);
        crate::sandbox::demo::populate(&mut store, 42, persons);
        store.finish_build();
        store
    }

    #[test]
    fn events_are_queryable_by_person_and_include_api_writes() {
        let mut store = demo_store(20);
        let slot = store.order[0];
        let before = store.events_for_person(slot);
        assert!(!before.is_empty());
        assert!(before.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
        let person = store.person(slot).unwrap();
        let first_id = person.distinct_ids[0].to_string();
        let mut set = Map::new();
        set.insert("plan".into(), json!("enterprise"));
        store.enqueue(IngestOp::Set { distinct_id: first_id.clone(), set });
        store.apply_due(tokio::time::Instant::now());
        let after = store.events_for_person(slot);
        assert_eq!(after.len(), before.len() + 1);
        let last = after.last().unwrap();
        assert_eq!(last.event, "$set");
        assert_eq!(last.distinct_id, first_id);
        assert_eq!(last.person_properties["plan"], json!("enterprise"));
    }

    #[test]
    fn list_order_is_newest_first_then_uuid() {
        let store = demo_store(200);
        assert_eq!(store.live_count(), 200);
        let persons: Vec<&Person> = store.order.iter().map(|s| store.person(*s).unwrap()).collect();
        assert!(persons.windows(2).all(|w| (w[1].created_at, w[0].uuid) <= (w[0].created_at, w[1].uuid)));
        // Two pre-deleted demo persons leave gaps in the pks and tombstoned distinct ids.
        assert_eq!(store.slots.len(), 202);
        assert!(!store.tombstones.is_empty());
    }
}
