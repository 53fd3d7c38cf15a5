//! Reading events: one person's events, project-wide scans (with a cheap time prefilter for
//! demo persons, whose events are regenerated on demand), and the analyses PostHog runs over
//! them: the properties timeline, ordered funnels, funnel correlation and lifecycle.

use serde_json::Value;

use super::Store;
use super::events::Event;
use super::person::Person;
use crate::sandbox::clock::{self, MICROS_PER_DAY, MICROS_PER_SEC};

impl Store {
    /// Live persons in list order (`created_at DESC, uuid ASC`).
    pub fn live_slots(&self) -> &[u32] {
        &self.order
    }

    /// `get_earliest_timestamp` for `date_from=all`: the oldest person's creation (demo persons'
    /// first event), or now for an empty project.
    pub fn earliest_created_at(&self) -> i64 {
        let oldest = self.order.last().and_then(|s| self.person(*s)).map(|p| p.created_at);
        oldest.unwrap_or_else(clock::now_micros)
    }

    /// Whether a person can have events in `[from, to]`. Demo persons' events lie between
    /// their creation and a second after they were last seen; fixture and captured events are
    /// not prefiltered.
    pub fn may_have_events(&self, person: &Person, from: i64, to: i64) -> bool {
        if self.events.has_events(person.uuid) {
            return true;
        }
        if person.demo_index.is_none() || self.demo.is_none() {
            return false;
        }
        let end = person.last_seen_at.unwrap_or(person.created_at + 3_600 * MICROS_PER_SEC) + MICROS_PER_SEC;
        person.created_at <= to && end >= from
    }

    /// The (timestamp, event name) pairs of a person's events, oldest first, without
    /// rendering properties: what funnels and lifecycle need.
    pub fn event_names<'a>(&'a self, person: &Person) -> Vec<(i64, &'a str)> {
        let mut out: Vec<(i64, &'a str)> = match (&self.demo, person.demo_index) {
            (Some(demo), Some(index)) => demo.timeline(index),
            _ => Vec::new(),
        };
        out.extend(self.events.for_person(person.uuid).map(|e| (e.timestamp, e.event.as_str())));
        out.sort_by_key(|e| e.0);
        out
    }
}

/// ClickHouse compares `toDateTime(timestamp) >= toDateTime(date_from)`: whole seconds.
pub fn in_range(ts: i64, from: i64, to: i64) -> bool {
    let sec = |t: i64| t.div_euclid(MICROS_PER_SEC);
    sec(ts) >= sec(from) && sec(ts) <= sec(to)
}

/// An insight interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Interval {
    Hour,
    Day,
    Week,
    Month,
}

impl Interval {
    pub fn parse(text: Option<&str>) -> Option<Interval> {
        Some(match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Interval::Day,
            Some(t) => match t.to_ascii_lowercase().as_str() {
                "hour" => Interval::Hour,
                "day" => Interval::Day,
                "week" => Interval::Week,
                "month" => Interval::Month,
                _ => return None,
            },
        })
    }

    /// The start of the period holding `t` (weeks start on Sunday).
    pub fn start(self, t: i64) -> i64 {
        match self {
            Interval::Hour => clock::start_of_hour(t),
            Interval::Day => clock::start_of_day(t),
            Interval::Week => clock::start_of_week(t),
            Interval::Month => clock::start_of_month(t),
        }
    }

    /// `t` moved by `n` intervals.
    pub fn add(self, t: i64, n: i64) -> i64 {
        match self {
            Interval::Hour => t + n * 3_600 * MICROS_PER_SEC,
            Interval::Day => t + n * MICROS_PER_DAY,
            Interval::Week => t + n * 7 * MICROS_PER_DAY,
            Interval::Month => clock::add_months(t, n),
        }
    }
}

// ---------------------------------------------------------------------------------------
// properties timeline

/// One point of a properties timeline: the event that starts it and how many events it
/// stands for.
pub struct TimelinePoint<'a> {
    pub event: &'a Event,
    pub relevant_event_count: usize,
}

/// How ClickHouse reads a person property for comparison (`JSONExtractRaw` with the quotes
/// of a string removed): a missing key is `''`.
fn crucial_value(properties: &serde_json::Map<String, Value>, key: &str) -> String {
    match properties.get(key) {
        None => String::new(),
        Some(Value::String(s)) => {
            let raw = Value::String(s.clone()).to_string();
            raw[1..raw.len() - 1].to_owned()
        }
        Some(other) => other.to_string(),
    }
}

/// `PROPERTIES_TIMELINE_SQL`: the first event makes a point, later events only when the
/// tuple of crucial values differs from the previous event's; each point counts the events up
/// to the next point.
pub fn timeline_points<'a>(events: &[&'a Event], crucial_keys: &[String]) -> Vec<TimelinePoint<'a>> {
    let mut points: Vec<TimelinePoint<'a>> = Vec::new();
    let mut previous: Option<Vec<String>> = None;
    for event in events {
        let values: Vec<String> =
            crucial_keys.iter().map(|k| crucial_value(&event.person_properties, k)).collect();
        if previous.as_ref() != Some(&values) {
            points.push(TimelinePoint { event, relevant_event_count: 1 });
        } else if let Some(last) = points.last_mut() {
            last.relevant_event_count += 1;
        }
        previous = Some(values);
    }
    points
}

// ---------------------------------------------------------------------------------------
// funnels

/// The conversion window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Window {
    Micros(i64),
    Months(i64),
}

impl Window {
    /// The last instant a later step may happen, for a first step at `t0`.
    pub fn end(self, t0: i64) -> i64 {
        match self {
            Window::Micros(span) => t0.saturating_add(span),
            Window::Months(n) => clock::add_months(t0, n),
        }
    }
}

/// An ordered funnel over events named by its steps (`None` is "all events").
pub struct Funnel {
    pub steps: Vec<Option<String>>,
    pub window: Window,
    pub from: i64,
    pub to: i64,
}

/// How far one person got: `times[k]` is when step `k` happened (at least the first step).
#[derive(Clone, Debug, PartialEq)]
pub struct FunnelPath {
    pub times: Vec<i64>,
}

impl FunnelPath {
    /// Steps reached (1-based count).
    pub fn steps(&self) -> usize {
        self.times.len()
    }
}

impl Funnel {
    fn matches(&self, step: usize, name: &str) -> bool {
        self.steps[step].as_deref().is_none_or(|s| s == name)
    }

    /// The person's best path: most steps reached (each later step at or after the previous
    /// one and within the window of the first), the earliest start among equals. `None` when
    /// the person never did the first step in the date range.
    pub fn path(&self, events: &[(i64, &str)]) -> Option<FunnelPath> {
        let events: Vec<(i64, &str)> =
            events.iter().copied().filter(|(t, _)| in_range(*t, self.from, self.to)).collect();
        let mut best: Option<FunnelPath> = None;
        for (i, (t0, name)) in events.iter().enumerate() {
            if !self.matches(0, name) {
                continue;
            }
            let deadline = self.window.end(*t0);
            let mut times = vec![*t0];
            for (t, name) in &events[i + 1..] {
                if times.len() == self.steps.len() || *t > deadline {
                    break;
                }
                if self.matches(times.len(), name) {
                    times.push(*t);
                }
            }
            if best.as_ref().is_none_or(|b| times.len() > b.steps()) {
                let done = times.len() == self.steps.len();
                best = Some(FunnelPath { times });
                if done {
                    break;
                }
            }
        }
        best
    }

    /// `FunnelCorrelationActors` for an event entity: the person did `event` strictly after
    /// the first step and before the last step reached (converted) or the end of the window
    /// (dropped off).
    pub fn did_between(&self, path: &FunnelPath, events: &[(i64, &str)], event: &str) -> bool {
        let first = path.times[0];
        let last = if path.steps() == self.steps.len() {
            *path.times.last().unwrap_or(&first)
        } else {
            self.window.end(first)
        };
        events
            .iter()
            .any(|(t, name)| *name == event && *t > first && *t < last && in_range(*t, self.from, self.to))
    }
}

// ---------------------------------------------------------------------------------------
// lifecycle

/// PostHog's lifecycle status of a person for the period `target`, from its active periods
/// (sorted, unique period starts) and the period it was created in:
/// * `new`: the first active period is the creation period, and it is `target`;
/// * `returning`: active in `target` and in the period before;
/// * `resurrecting`: active in `target`, not in the period before, but active earlier or
///   created earlier;
/// * `dormant`: active in the period before `target`, not in `target`.
pub fn lifecycle_status(
    activity: &[i64],
    created: i64,
    target: i64,
    interval: Interval,
) -> Option<&'static str> {
    let before = interval.add(target, -1);
    match activity.binary_search(&target) {
        Ok(index) => {
            let previous = if index == 0 { created } else { activity[index - 1] };
            Some(if previous == target {
                "new"
            } else if index != 0 && previous == before {
                "returning"
            } else {
                "resurrecting"
            })
        }
        Err(_) => activity.binary_search(&before).is_ok().then_some("dormant"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600 * MICROS_PER_SEC;

    fn funnel(steps: &[&str]) -> Funnel {
        Funnel {
            steps: steps.iter().map(|s| Some((*s).to_owned())).collect(),
            window: Window::Micros(14 * MICROS_PER_DAY),
            from: 0,
            to: 100 * MICROS_PER_DAY,
        }
    }

    #[test]
    fn ordered_funnel_paths() {
        let f = funnel(&["a", "b", "c"]);
        assert_eq!(f.path(&[(H, "b"), (2 * H, "c")]), None);
        assert_eq!(f.path(&[(H, "a"), (2 * H, "c"), (3 * H, "b")]).unwrap().steps(), 2);
        assert_eq!(f.path(&[(H, "a"), (2 * H, "b"), (3 * H, "c")]).unwrap().times, vec![H, 2 * H, 3 * H]);
        // Outside the window from the first step: only a later start converts.
        let late = [(H, "a"), (20 * MICROS_PER_DAY, "a"), (21 * MICROS_PER_DAY, "b")];
        assert_eq!(f.path(&late).unwrap().times, vec![20 * MICROS_PER_DAY, 21 * MICROS_PER_DAY]);
        // The same event cannot stand for two steps.
        assert_eq!(funnel(&["a", "a"]).path(&[(H, "a")]).unwrap().steps(), 1);
        assert_eq!(funnel(&["a", "a"]).path(&[(H, "a"), (H, "a")]).unwrap().steps(), 2);
    }

    #[test]
    fn lifecycle_statuses() {
        let d = |n: i64| n * MICROS_PER_DAY;
        let day = Interval::Day;
        assert_eq!(lifecycle_status(&[d(5)], d(5), d(5), day), Some("new"));
        assert_eq!(lifecycle_status(&[d(5)], d(1), d(5), day), Some("resurrecting"));
        assert_eq!(lifecycle_status(&[d(4), d(5)], d(4), d(5), day), Some("returning"));
        assert_eq!(lifecycle_status(&[d(2), d(5)], d(2), d(5), day), Some("resurrecting"));
        assert_eq!(lifecycle_status(&[d(2), d(4)], d(2), d(5), day), Some("dormant"));
        assert_eq!(lifecycle_status(&[d(2)], d(2), d(5), day), None);
    }

    #[test]
    fn timeline_points_follow_crucial_values() {
        let ev = |t: i64, bar: i64| Event {
            uuid: uuid::Uuid::nil(),
            event: "$pageview".into(),
            distinct_id: "d".into(),
            timestamp: t,
            properties: Default::default(),
            person_properties: serde_json::json!({"foo": "abc", "bar": bar}).as_object().unwrap().clone(),
        };
        let events = [ev(1, 456), ev(2, 123), ev(3, 123), ev(4, 123), ev(5, 789)];
        let refs: Vec<&Event> = events.iter().collect();
        let points = timeline_points(&refs, &["bar".to_owned()]);
        let got: Vec<(i64, usize)> =
            points.iter().map(|p| (p.event.timestamp, p.relevant_event_count)).collect();
        assert_eq!(got, vec![(1, 1), (2, 3), (5, 1)]);
        let none = timeline_points(&refs, &[]);
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].relevant_event_count, 5);
    }
}
