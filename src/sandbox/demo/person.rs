//! One generated demo person, derived only from (seed, index), so any person can be
//! regenerated on demand (for its events) without keeping anything in memory.

use std::borrow::Cow;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::vocab::{Vocab, vocab};
use crate::sandbox::clock::{MICROS_PER_DAY, MICROS_PER_SEC, demo_epoch};

/// How far back the demo data reaches.
pub const SPAN: i64 = 730 * MICROS_PER_DAY;

/// A generated property value. `Shared` values are interned by the store.
#[derive(Clone, Debug, PartialEq)]
pub enum DVal {
    Shared(Cow<'static, str>),
    Text(String),
    Int(i64),
    Bool(bool),
}

impl DVal {
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            DVal::Shared(s) => serde_json::Value::String(s.to_string()),
            DVal::Text(s) => serde_json::Value::String(s.clone()),
            DVal::Int(i) => serde_json::Value::from(*i),
            DVal::Bool(b) => serde_json::Value::Bool(*b),
        }
    }
}

pub type PropList = Vec<(&'static str, DVal)>;

pub struct DemoPerson {
    pub index: u32,
    pub uuid: Uuid,
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    /// When the person was identified (`$identify`); `None` for anonymous persons.
    pub identified_at: Option<i64>,
    /// Anonymous device ids (UUID-shaped), oldest first.
    pub anon_ids: Vec<String>,
    /// Identified ids (email, user id…), attached at `identified_at`.
    pub user_ids: Vec<String>,
    /// Properties set by the first event (`$initial_*`, `$geoip_*`).
    pub base: PropList,
    /// `$set` changes in time order; the first is the set at identification.
    pub history: Vec<(i64, PropList)>,
    /// Deleted before the sandbox started (the pk stays taken).
    pub deleted: bool,
}

/// Mixes a seed, a person index and a stream number into one RNG seed.
pub fn rng_for(seed: u64, index: u32, stream: u64) -> SmallRng {
    let mixed = ((u64::from(index) << 8) | stream).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    SmallRng::seed_from_u64(seed ^ mixed)
}

pub fn pick<'a, T>(rng: &mut SmallRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A UUIDv7-shaped id for the given time (as PostHog and posthog-js generate them).
pub fn uuid_at(rng: &mut SmallRng, micros: i64) -> Uuid {
    let millis = (micros / 1000).max(0) as u64;
    let mut bytes: [u8; 16] = rng.random();
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    bytes[6] = 0x70 | (bytes[6] & 0x0f);
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    Uuid::from_bytes(bytes)
}

fn ascii_fold(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let folded = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'í' | 'ì' | 'î' | 'ï' => "i",
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => "o",
            'ú' | 'ù' | 'û' | 'ü' => "u",
            'ñ' | 'ń' => "n",
            'ç' => "c",
            'ł' | 'Ł' => "l",
            'ś' => "s",
            'ż' | 'ź' => "z",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            _ => continue,
        };
        out.push_str(folded);
    }
    out
}

const PLANS: [(&str, u32); 5] = [("free", 55), ("pro", 25), ("enterprise", 8), ("trial", 7), ("startup", 5)];

fn weighted_plan(rng: &mut SmallRng) -> &'static str {
    let mut roll = rng.random_range(0..100);
    for (plan, weight) in PLANS {
        if roll < weight {
            return plan;
        }
        roll -= weight;
    }
    "free"
}

fn phone(rng: &mut SmallRng) -> String {
    match rng.random_range(0..6) {
        0 => format!("+44 7700 900{:03}", rng.random_range(0..1000)),
        1 => format!("+1 555-01{:02}", rng.random_range(0..100)),
        2 => "007".to_owned(),
        3 => format!("0044 20 7946 0{:03}", rng.random_range(0..1000)),
        4 => format!("(555) 010-{:04}", rng.random_range(0..10_000)),
        _ => format!("+49 30 901820{}", rng.random_range(0..10)),
    }
}

/// Whether demo index `index` is one of the persons deleted before start (1 in 100).
pub fn is_deleted_index(index: u32) -> bool {
    index % 100 == 99
}

pub fn generate(seed: u64, index: u32, total: u32) -> DemoPerson {
    let v: &Vocab = vocab();
    let mut rng = rng_for(seed, index, 1);
    // Sign-ups accelerate over time: position ~ sqrt(share of persons so far).
    let share = (f64::from(index) + rng.random::<f64>()) / f64::from(total.max(1));
    let created_at = demo_epoch() - SPAN + (SPAN as f64 * share.sqrt()) as i64 - MICROS_PER_DAY / 2;
    let created_at = created_at - created_at % 1000;
    let uuid = uuid_at(&mut rng, created_at);
    let room = demo_epoch() - created_at;
    let last_seen_at = if rng.random_ratio(3, 100) {
        None
    } else {
        let r: f64 = rng.random();
        let t = created_at + ((room as f64) * (1.0 - r * r)) as i64;
        Some(t - t % 1000)
    };
    let end = last_seen_at.unwrap_or(created_at + 3_600 * MICROS_PER_SEC);

    let anon_count = rng.random_range(1..=3);
    let anon_ids = (0..anon_count)
        .map(|k| {
            let at = created_at + (end - created_at) / 3 * k;
            uuid_at(&mut rng, at).to_string()
        })
        .collect();

    let city = pick(&mut rng, &v.cities);
    let mut base: PropList = vec![
        ("$initial_referring_domain", DVal::Shared((*pick(&mut rng, &v.referring_domains)).into())),
        ("$initial_browser", DVal::Shared((*pick(&mut rng, &v.browsers)).into())),
        ("$initial_os", DVal::Shared((*pick(&mut rng, &v.operating_systems)).into())),
        (
            "$initial_current_url",
            DVal::Shared(format!("https://hogdex-demo.example{}", pick(&mut rng, &v.pages)).into()),
        ),
    ];
    if rng.random_ratio(35, 100) {
        base.push(("$initial_utm_source", DVal::Shared((*pick(&mut rng, &v.utm_sources)).into())));
    }
    base.extend([
        ("$geoip_country_code", DVal::Shared(city.code.into())),
        ("$geoip_country_name", DVal::Shared(city.country.into())),
        ("$geoip_city_name", DVal::Shared(city.city.into())),
        ("$geoip_time_zone", DVal::Shared(city.time_zone.into())),
    ]);

    let mut person = DemoPerson {
        index,
        uuid,
        created_at,
        last_seen_at,
        identified_at: None,
        anon_ids,
        user_ids: Vec::new(),
        base,
        history: Vec::new(),
        deleted: is_deleted_index(index),
    };
    if rng.random_ratio(78, 100) {
        identify(&mut person, &mut rng, v, end);
    }
    person
}

fn identify(p: &mut DemoPerson, rng: &mut SmallRng, v: &Vocab, end: i64) {
    let at = (p.created_at + rng.random_range(0..=(end - p.created_at) / 10)).min(end);
    let at = at - at % 1000;
    p.identified_at = Some(at);
    let first = *pick(rng, &v.first_names);
    let last = *pick(rng, &v.last_names);
    let works = rng.random_ratio(70, 100);
    let company = *pick(rng, &v.companies);
    let local = {
        let (f, l) = (ascii_fold(first), ascii_fold(last));
        match (f.is_empty(), l.is_empty()) {
            (false, false) => format!("{f}.{l}"),
            (false, true) => f,
            (true, false) => l,
            (true, true) => format!("user{}", p.index),
        }
    };
    let domain = if works { company.1 } else { *pick(rng, &v.free_mail_domains) };
    let has_email = rng.random_ratio(92, 100);
    // The index suffix keeps emails (also used as distinct ids) unique.
    let email = format!("{local}{}@{domain}", p.index);
    let user_id = match rng.random_range(0..10) {
        0..=3 if has_email => email.clone(),
        0..=6 => format!("user_{}", 10_000 + p.index),
        7 | 8 => format!("{}", 300_000 + u64::from(p.index) * 7),
        _ => format!("cus_{:014x}", rng.random::<u64>() >> 8),
    };
    p.user_ids.push(user_id);
    if has_email && rng.random_ratio(10, 100) && !p.user_ids.contains(&email) {
        p.user_ids.push(email.clone());
    }

    let final_plan = weighted_plan(rng);
    let start_plan = if final_plan == "trial" || rng.random_ratio(1, 5) { "trial" } else { "free" };
    let final_role = *pick(rng, &v.roles);
    let mut first_set: PropList = Vec::new();
    if has_email {
        first_set.push(("email", DVal::Text(email)));
    }
    first_set.push(("name", DVal::Text(format!("{first} {last}"))));
    if works {
        first_set.push(("company", DVal::Shared(company.0.into())));
    }
    let role_changes = works && rng.random_ratio(15, 100);
    if works {
        let role = if role_changes { *pick(rng, &v.roles) } else { final_role };
        first_set.push(("role", DVal::Shared(role.into())));
    }
    first_set.push(("plan", DVal::Shared(start_plan.into())));
    if rng.random_ratio(10, 100) {
        first_set.push(("is_beta_tester", DVal::Bool(true)));
    }
    if rng.random_ratio(3, 100) {
        first_set.push(("bio", DVal::Text(pick(rng, &v.hostile_values).clone())));
    }
    p.history.push((at, first_set));

    let span = (end - at).max(1);
    let later = |rng: &mut SmallRng| {
        let t = at + rng.random_range(1..=span);
        t - t % 1000
    };
    let mut changes: Vec<(i64, PropList)> = Vec::new();
    match final_plan {
        "pro" | "startup" => {
            let seats = rng.random_range(2..40);
            let t = later(rng);
            changes.push((t, vec![("plan", DVal::Shared(final_plan.into())), ("seats", DVal::Int(seats))]));
        }
        "enterprise" => {
            let (a, b) = (later(rng), later(rng));
            let seats = rng.random_range(50..2000);
            changes.push((a.min(b), vec![("plan", DVal::Shared("pro".into()))]));
            changes.push((
                a.max(b),
                vec![("plan", DVal::Shared("enterprise".into())), ("seats", DVal::Int(seats))],
            ));
        }
        _ => {}
    }
    if role_changes {
        let t = later(rng);
        changes.push((t, vec![("role", DVal::Shared(final_role.into()))]));
    }
    if rng.random_ratio(40, 100) {
        let t = later(rng);
        changes.push((t, vec![("phone", DVal::Text(phone(rng)))]));
    }
    changes.sort_by_key(|c| c.0);
    p.history.extend(changes);
}

impl DemoPerson {
    /// Distinct ids in the order they were attached.
    pub fn distinct_ids(&self) -> Vec<String> {
        self.anon_ids.iter().chain(self.user_ids.iter()).cloned().collect()
    }

    /// The properties after the whole history, in first-set order.
    pub fn final_props(&self) -> PropList {
        let mut props = self.base.clone();
        for (_, set) in &self.history {
            apply(&mut props, set);
        }
        props
    }
}

pub fn apply(props: &mut PropList, set: &PropList) {
    for (key, value) in set {
        match props.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.clone(),
            None => props.push((key, value.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_person() {
        let a = generate(42, 7, 100);
        let b = generate(42, 7, 100);
        assert_eq!(a.uuid, b.uuid);
        assert_eq!(a.final_props(), b.final_props());
        assert_ne!(generate(43, 7, 100).uuid, a.uuid);
    }

    #[test]
    fn later_indexes_are_created_later() {
        let a = generate(1, 10, 1000);
        let b = generate(1, 900, 1000);
        assert!(a.created_at < b.created_at);
        assert!(b.created_at < demo_epoch());
        assert!(b.last_seen_at.is_none_or(|t| t >= b.created_at && t <= demo_epoch()));
    }
}
