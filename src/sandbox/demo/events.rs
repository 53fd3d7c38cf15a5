//! A demo person's events, regenerated on demand from (seed, index): page views in
//! sessions, `$identify`, `signed_up`, `$set` for every property change and `purchase`
//! after upgrades. Each event carries the person's properties as they were at that time.

use rand::Rng;
use rand::rngs::SmallRng;
use serde_json::{Map, Value, json};

use super::person::{DVal, DemoPerson, PropList, apply, pick, rng_for, uuid_at};
use super::vocab::vocab;
use crate::sandbox::clock::MICROS_PER_SEC;
use crate::sandbox::store::events::Event;

enum Kind {
    Pageview { session: String, page: &'static str },
    Identify,
    SignedUp,
    Set(usize),
    Purchase { plan: String, amount: i64 },
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Pageview { .. } => "$pageview",
            Kind::Identify => "$identify",
            Kind::SignedUp => "signed_up",
            Kind::Set(_) => "$set",
            Kind::Purchase { .. } => "purchase",
        }
    }
}

fn to_map(props: &PropList) -> Map<String, Value> {
    props.iter().map(|(k, v)| ((*k).to_owned(), v.to_json())).collect()
}

/// The person's events in time order, before rendering: timestamps and kinds, and the RNG
/// that renders them (event UUIDs).
fn plan(person: &DemoPerson, seed: u64) -> (Vec<(i64, Kind)>, SmallRng) {
    let v = vocab();
    let mut rng: SmallRng = rng_for(seed, person.index, 2);
    let start = person.created_at;
    let end = person.last_seen_at.unwrap_or(start + 3_600 * MICROS_PER_SEC);
    let mut planned: Vec<(i64, Kind)> = Vec::new();

    // Sessions: the first starts at creation, the last ends at last_seen_at.
    let active_days = ((end - start) / (86_400 * MICROS_PER_SEC)).max(0);
    let sessions = (1 + active_days / 30).min(12) as usize;
    let mut anchors: Vec<i64> =
        (0..sessions.saturating_sub(1)).map(|_| start + rng.random_range(0..=(end - start).max(0))).collect();
    anchors.sort_unstable();
    anchors.push(end);
    for (i, anchor) in anchors.iter().enumerate() {
        let session = uuid_at(&mut rng, *anchor).to_string();
        let views = rng.random_range(1..=4);
        for k in 0..views {
            let gap = i64::from(k) * rng.random_range(30..300) * MICROS_PER_SEC;
            let at = if i == 0 && sessions > 1 { (start + gap).min(end) } else { (*anchor - gap).max(start) };
            let page = *pick(&mut rng, &v.pages);
            planned.push((at, Kind::Pageview { session: session.clone(), page }));
        }
    }
    planned.push((start, Kind::Pageview { session: uuid_at(&mut rng, start).to_string(), page: "/" }));
    // A `$set` sorts before an `$identify` at the same instant, so the `$identify` carries the
    // identified person's snapshot.
    for (i, (at, set)) in person.history.iter().enumerate() {
        planned.push((*at, Kind::Set(i)));
        if let Some((_, DVal::Shared(plan))) = set.iter().find(|(k, _)| *k == "plan") {
            let amount = match plan.as_ref() {
                "pro" => 49,
                "startup" => 19,
                "enterprise" => 499,
                _ => 0,
            };
            if amount > 0 {
                planned.push((at + 2000, Kind::Purchase { plan: plan.to_string(), amount }));
            }
        }
    }
    if let Some(at) = person.identified_at {
        planned.push((at, Kind::Identify));
        planned.push((at + 1000, Kind::SignedUp));
    }
    regular_visits(person, seed, end, &mut planned);
    planned.sort_by_key(|(at, _)| *at);
    (planned, rng)
}

/// Some persons come back day after day before they were last seen (a daily habit), so
/// lifecycle queries find returning, resurrecting and dormant persons on recent days. Uses its
/// own RNG stream, so the rest of the person's events do not change.
fn regular_visits(person: &DemoPerson, seed: u64, end: i64, planned: &mut Vec<(i64, Kind)>) {
    let mut rng = rng_for(seed, person.index, 7);
    if !rng.random_ratio(35, 100) {
        return;
    }
    let v = vocab();
    let days = rng.random_range(2..=10);
    for day in 1..=days {
        let at = end - day * 86_400 * MICROS_PER_SEC - rng.random_range(0..3_600) * MICROS_PER_SEC;
        if at <= person.created_at {
            break;
        }
        // Skip a day now and then (a resurrection the day after).
        if rng.random_ratio(1, 4) {
            continue;
        }
        let session = uuid_at(&mut rng, at).to_string();
        let page = *pick(&mut rng, &v.pages);
        planned.push((at - at % 1000, Kind::Pageview { session, page }));
    }
}

/// Only the (timestamp, name) pairs of [`generate`], oldest first: what funnels and lifecycle
/// need, without rendering properties.
pub fn timeline(person: &DemoPerson, seed: u64) -> Vec<(i64, &'static str)> {
    plan(person, seed).0.into_iter().map(|(at, kind)| (at, kind.name())).collect()
}

pub fn generate(person: &DemoPerson, seed: u64) -> Vec<Event> {
    let (planned, mut rng) = plan(person, seed);
    let browser = person
        .base
        .iter()
        .find(|(k, _)| *k == "$initial_browser")
        .map(|(_, v)| v.to_json())
        .unwrap_or(Value::Null);
    let os = person
        .base
        .iter()
        .find(|(k, _)| *k == "$initial_os")
        .map(|(_, v)| v.to_json())
        .unwrap_or(Value::Null);
    let anon = person.anon_ids.first().cloned().unwrap_or_default();
    let user = person.user_ids.first().cloned();
    let mut state: PropList = person.base.clone();
    let mut snapshot = to_map(&state);
    let mut events = Vec::with_capacity(planned.len());
    for (at, kind) in planned {
        let identified = person.identified_at.is_some_and(|t| at >= t);
        let distinct_id = match (&user, identified) {
            (Some(user), true) => user.clone(),
            _ => anon.clone(),
        };
        let name = kind.name();
        let properties = match kind {
            Kind::Pageview { session, page } => json!({
                "$current_url": format!("https://hogdex-demo.example{page}"),
                "$pathname": page,
                "$browser": browser,
                "$os": os,
                "$session_id": session,
            }),
            Kind::Identify => json!({ "$anon_distinct_id": anon }),
            Kind::SignedUp => json!({ "$browser": browser }),
            Kind::Set(i) => {
                let set = &person.history[i].1;
                apply(&mut state, set);
                snapshot = to_map(&state);
                json!({ "$set": to_map(set) })
            }
            Kind::Purchase { plan, amount } => json!({ "plan": plan, "amount": amount, "currency": "USD" }),
        };
        let Value::Object(properties) = properties else {
            continue;
        };
        events.push(Event {
            uuid: uuid_at(&mut rng, at),
            event: name.to_owned(),
            distinct_id,
            timestamp: at,
            properties,
            person_properties: snapshot.clone(),
        });
    }
    events
}

#[cfg(test)]
mod tests {
    use super::super::person;

    #[test]
    fn events_are_deterministic_and_bounded() {
        let p = person::generate(42, 3, 50);
        let a = super::generate(&p, 42);
        let b = super::generate(&p, 42);
        assert_eq!(a, b);
        assert!(!a.is_empty());
        assert!(a.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
        let last_seen = p.last_seen_at.unwrap_or(i64::MAX);
        assert!(a.iter().all(|e| e.timestamp >= p.created_at && e.timestamp <= last_seen + 3_000));
        let sets = a.iter().filter(|e| e.event == "$set").count();
        assert_eq!(sets, p.history.len());
        let light = super::timeline(&p, 42);
        assert_eq!(light.len(), a.len());
        assert!(light.iter().zip(&a).all(|((t, n), e)| *t == e.timestamp && *n == e.event));
    }

    #[test]
    fn snapshots_follow_the_set_history() {
        // Find an identified person who upgraded: its events show the plan change.
        let p = (0..200).map(|i| person::generate(42, i, 200)).find(|p| p.history.len() > 1).unwrap();
        let events = super::generate(&p, 42);
        let identify = events.iter().find(|e| e.event == "$identify").unwrap();
        let first_set = &p.history[0].1;
        for (key, value) in first_set {
            assert_eq!(identify.person_properties[*key], value.to_json(), "{key} on $identify");
        }
        let last = events.last().unwrap();
        let expected: serde_json::Map<String, serde_json::Value> =
            p.final_props().iter().map(|(k, v)| ((*k).to_owned(), v.to_json())).collect();
        assert_eq!(last.person_properties, expected);
        for pair in events.windows(2) {
            if pair[1].event != "$set" {
                assert_eq!(pair[0].person_properties, pair[1].person_properties, "only $set changes");
            }
        }
    }
}
