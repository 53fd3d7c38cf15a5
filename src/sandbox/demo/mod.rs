//! Deterministic demo data: persons, their property history and events, activity, queued
//! deletions and cohorts, all derived from `--seed` (rand `SmallRng`) and the day
//! [`demo_epoch`](crate::sandbox::clock::demo_epoch) (the start of today, or a pinned day), never
//! from the wall clock within it. Used only by `crate::sandbox`.

mod cohorts;
pub mod events;
pub mod person;
pub mod vocab;

use rand::Rng;

use self::person::{DVal, DemoPerson, rng_for};
use crate::sandbox::clock::{MICROS_PER_DAY, demo_epoch};
use crate::sandbox::store::activity::{ActivityEntry, Actor, change, detail};
use crate::sandbox::store::deletions::AsyncDeletion;
use crate::sandbox::store::events::Event;
use crate::sandbox::store::props::{PropVal, Props};
use crate::sandbox::store::{NewPerson, Store};

/// Regenerates any demo person (and its events) from the seed.
pub struct DemoSource {
    pub seed: u64,
    /// Number of generated indexes, deleted ones included.
    pub total: u32,
}

impl DemoSource {
    pub fn person(&self, index: u32) -> DemoPerson {
        person::generate(self.seed, index, self.total)
    }

    pub fn events(&self, index: u32) -> Vec<Event> {
        events::generate(&self.person(index), self.seed)
    }

    /// The (timestamp, name) pairs of [`DemoSource::events`], without rendering properties.
    pub fn timeline(&self, index: u32) -> Vec<(i64, &'static str)> {
        events::timeline(&self.person(index), self.seed)
    }
}

/// The team members, for the activity log (the first owns the API key).
pub fn team_members() -> Vec<(String, String)> {
    vocab::vocab().team_members.iter().map(|(n, e)| ((*n).to_owned(), (*e).to_owned())).collect()
}

/// Number of indexes to generate so that `live` persons remain after the pre-deleted ones.
fn total_for(live: usize) -> u32 {
    let mut total = live;
    while total - total / 100 < live {
        total += 1;
    }
    u32::try_from(total).expect("fewer than 4 billion demo persons")
}

fn to_props(store: &mut Store, list: person::PropList) -> Props {
    let mut props = Props::with_capacity(list.len());
    for (key, value) in list {
        let sym = store.interner.intern(key);
        let value = match value {
            DVal::Shared(s) => PropVal::Sym(store.interner.intern(&s)),
            DVal::Text(s) => PropVal::Text(s.into_boxed_str()),
            DVal::Int(i) => PropVal::Int(i),
            DVal::Bool(b) => PropVal::Bool(b),
        };
        props.set(sym, value);
    }
    props
}

/// Fills the store with `live` demo persons and their surroundings.
pub fn populate(store: &mut Store, seed: u64, live: usize) {
    let demo = DemoSource { seed, total: total_for(live) };
    store.reserve(demo.total as usize);
    let members = store.activity.member_count().max(1) as u32;
    for index in 0..demo.total {
        add_person(store, demo.person(index), seed, members);
    }
    cohorts::add(store, seed, demo.total);
    store.demo = Some(demo);
}

fn add_person(store: &mut Store, p: DemoPerson, seed: u64, members: u32) {
    if p.deleted {
        let pk = store.insert_gap();
        deleted_history(store, &p, pk, seed, members);
        return;
    }
    let is_identified = p.identified_at.is_some();
    let props = to_props(store, p.final_props());
    let slot = store
        .insert(NewPerson {
            uuid: p.uuid,
            created_at: p.created_at,
            last_seen_at: p.last_seen_at,
            is_identified,
            distinct_ids: p.distinct_ids(),
            props,
            demo_index: Some(p.index),
        })
        .expect("demo persons have unique ids");
    activity_history(store, &p, i64::from(slot) + 1, seed, members);
}

fn actor(rng: &mut impl Rng, members: u32) -> Actor {
    if rng.random_ratio(1, 6) { Actor::System } else { Actor::Member(rng.random_range(0..members) as u8) }
}

fn activity_history(store: &mut Store, p: &DemoPerson, pk: i64, seed: u64, members: u32) {
    let mut rng = rng_for(seed, p.index, 3);
    if !rng.random_ratio(1, 20) {
        return;
    }
    let from = p.identified_at.unwrap_or(p.created_at);
    let mut id_rng = rng_for(seed, p.index, 4);
    for _ in 0..rng.random_range(1..=3) {
        let at = from + rng.random_range(0..=(demo_epoch() - from).max(1));
        let (activity, detail) = if rng.random_ratio(1, 4) {
            ("delete_property", detail(Some(p.uuid.to_string()), Some(vec![change("changed", None, None)])))
        } else {
            ("updated", detail(None, Some(vec![change("changed", Some("properties"), None)])))
        };
        store.activity.push_unsorted(ActivityEntry {
            id: person::uuid_at(&mut id_rng, at),
            actor: actor(&mut rng, members),
            activity,
            item_id: pk,
            detail,
            created_at: at,
        });
    }
}

fn deleted_history(store: &mut Store, p: &DemoPerson, pk: i64, seed: u64, members: u32) {
    let mut rng = rng_for(seed, p.index, 3);
    let from = p.last_seen_at.unwrap_or(p.created_at);
    let at = from + rng.random_range(0..=(demo_epoch() - from).max(1));
    store.activity.push_unsorted(ActivityEntry {
        id: person::uuid_at(&mut rng, at),
        actor: actor(&mut rng, members),
        activity: "deleted",
        item_id: pk,
        detail: detail(Some(p.uuid.to_string()), None),
        created_at: at,
    });
    for id in p.distinct_ids() {
        store.tombstones.insert(id.into());
    }
    if rng.random_ratio(2, 3) {
        let verified = at + 7 * MICROS_PER_DAY;
        store.deletions.push(AsyncDeletion {
            person_uuid: p.uuid,
            created_at: at,
            delete_verified_at: (verified < demo_epoch()).then_some(verified),
        });
    }
}
