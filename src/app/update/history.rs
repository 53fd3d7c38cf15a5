//! The timeline, activity, events and cohorts tabs: loading them for the inspected person when
//! they are on screen, their results, navigation, paging and the time range.
use super::error_text;
use crate::api::{
    ActivityPage, ApiError, CohortRef, EventsPage, EventsQuery, Operator, PersonId, PropertyFilter,
    TimelineParams, TimelineResult,
};
use crate::app::actions::Action;
use crate::app::history::{EventsFeed, Feed, Pane, RANGES, Tab};
use crate::app::layout::{areas, follow, inspector_viewport};
use crate::app::model::{Focus, Model, Overlay};
use crate::app::{Cmd, Slot};
use serde_json::Value;

/// Activity and events load more when the selection is this close to the end.
const MORE_MARGIN: usize = 10;

/// `:timeline [keys…]`: watch only these keys (none: all of the person's own keys), then show it.
pub fn watch(model: &mut Model, keys: Vec<String>) -> Vec<Cmd> {
    model.history.timeline_keys = (!keys.is_empty()).then_some(keys);
    model.history.timeline.uuid = None;
    switch(model, Tab::Timeline)
}

/// Shows `tab` in the right pane, with the keyboard.
pub fn switch(model: &mut Model, tab: Tab) -> Vec<Cmd> {
    model.tab = tab;
    super::focus(model, Focus::Inspector);
    ensure_loaded(model)
}

/// Loads the visible tab for the inspected person unless it already has (or is loading) them.
pub fn ensure_loaded(model: &mut Model) -> Vec<Cmd> {
    if areas(model).inspector.is_none() {
        return Vec::new();
    }
    let Some(uuid) = model.inspector.uuid.clone() else { return Vec::new() };
    let current = |uuid_of: &Option<String>| uuid_of.as_deref() == Some(uuid.as_str());
    match model.tab {
        Tab::Properties => Vec::new(),
        Tab::Timeline if !current(&model.history.timeline.uuid) => load_timeline(model, uuid),
        Tab::Activity if !current(&model.history.activity.uuid) => load_activity(model, uuid, None),
        Tab::Events if !current(&model.history.events.uuid) => load_events(model, uuid, false),
        Tab::Cohorts if !current(&model.history.cohorts.uuid) => {
            let generation = start(model, Tab::Cohorts, &uuid);
            vec![Cmd::LoadCohorts { generation, uuid }]
        }
        _ => Vec::new(),
    }
}

/// Resets the tab's pane for `uuid` and returns the new generation.
fn start(model: &mut Model, tab: Tab, uuid: &str) -> u64 {
    fn reset<T>(p: &mut Pane<T>, uuid: &str) -> u64 {
        if p.uuid.as_deref() != Some(uuid) {
            p.data = None;
            p.selected = 0;
            p.scroll = 0;
        }
        p.uuid = Some(uuid.to_string());
        p.loading = true;
        p.error = None;
        p.generation += 1;
        p.generation
    }
    let h = &mut model.history;
    let (generation, slot) = match tab {
        Tab::Timeline => (reset(&mut h.timeline, uuid), Slot::Timeline),
        Tab::Activity => (reset(&mut h.activity, uuid), Slot::Activity),
        Tab::Events => (reset(&mut h.events, uuid), Slot::Events),
        Tab::Cohorts => (reset(&mut h.cohorts, uuid), Slot::Cohorts),
        Tab::Properties => return 0,
    };
    model.busy.insert(slot);
    generation
}

/// The timeline watches every non-`$` property the person has (PostHog's filters name the
/// crucial keys: a point starts when any of their values changes).
fn load_timeline(model: &mut Model, uuid: String) -> Vec<Cmd> {
    let keys: Vec<String> = match &model.history.timeline_keys {
        Some(keys) => keys.clone(),
        None => model
            .inspected()
            .map(|p| p.properties.keys().filter(|k| !k.starts_with('$')).cloned().collect())
            .unwrap_or_default(),
    };
    let generation = start(model, Tab::Timeline, &uuid);
    let (_, after) = RANGES[model.history.range];
    let days = after.trim_start_matches('-').trim_end_matches('d').parse::<i64>().ok();
    let date_from = match days {
        Some(d) => Some((model.now - chrono::Duration::days(d)).format("%Y-%m-%d").to_string()),
        None => Some("2000-01-01".into()),
    };
    let params = TimelineParams {
        date_from,
        properties: keys
            .into_iter()
            .map(|k| PropertyFilter::new(k, Operator::IsSet, Value::from("is_set")))
            .collect(),
        ..Default::default()
    };
    vec![Cmd::LoadTimeline { generation, uuid, params }]
}

fn load_activity(model: &mut Model, uuid: String, next: Option<String>) -> Vec<Cmd> {
    let generation = if next.is_some() {
        model.history.activity.loading = true;
        model.busy.insert(Slot::Activity);
        model.history.activity.generation
    } else {
        start(model, Tab::Activity, &uuid)
    };
    vec![Cmd::LoadActivity { generation, uuid, next }]
}

fn load_events(model: &mut Model, uuid: String, append: bool) -> Vec<Cmd> {
    let Some(id) = PersonId::parse(&uuid) else { return Vec::new() };
    let offset = model.history.events.data.as_ref().filter(|_| append).map_or(0, |f| f.offset);
    let generation = if append {
        model.history.events.loading = true;
        model.busy.insert(Slot::Events);
        model.history.events.generation
    } else {
        start(model, Tab::Events, &uuid)
    };
    let mut query = EventsQuery::for_person(id);
    query.after = Some(RANGES[model.history.range].1.into());
    query.offset = (offset > 0).then_some(offset);
    vec![Cmd::LoadEvents { generation, query, append }]
}

pub fn timeline_loaded(
    model: &mut Model,
    generation: u64,
    result: Result<TimelineResult, ApiError>,
) -> Vec<Cmd> {
    let pane = &mut model.history.timeline;
    match settle(pane, &mut model.busy, &model.keymap, Slot::Timeline, generation, result) {
        Answer::Stale => return Vec::new(),
        Answer::Failed => {}
        Answer::Got(t) => {
            // The newest point first is where a support engineer starts reading.
            pane.selected = t.timeline.points.len().saturating_sub(1);
            pane.data = Some(t);
        }
    }
    follow_selection(model);
    Vec::new()
}

/// What an answer for a pane turned out to be.
pub enum Answer<R> {
    /// A newer request replaced it: nothing changed.
    Stale,
    /// The error is shown in the pane.
    Failed,
    Got(R),
}

/// Takes an answer for `pane` if it is the one the pane waits for: the loading state ends
/// (`slot` leaves `busy`) and an error is shown in the pane.
pub fn settle<T, R>(
    pane: &mut Pane<T>,
    busy: &mut std::collections::BTreeSet<Slot>,
    keys: &crate::app::keymap::Keymap,
    slot: Slot,
    generation: u64,
    result: Result<R, ApiError>,
) -> Answer<R> {
    if generation != pane.generation {
        return Answer::Stale;
    }
    busy.remove(&slot);
    pane.loading = false;
    match result {
        Ok(value) => Answer::Got(value),
        Err(e) => {
            pane.error = Some(error_text(&e, keys));
            Answer::Failed
        }
    }
}

pub fn activity_loaded(
    model: &mut Model,
    generation: u64,
    append: bool,
    result: Result<ActivityPage, ApiError>,
) -> Vec<Cmd> {
    absorb_activity(
        &mut model.history.activity,
        &mut model.busy,
        &model.keymap,
        Slot::Activity,
        generation,
        append,
        result,
    );
    Vec::new()
}

/// A page of activity into a feed pane (the person's tab and the project-wide `:activity`).
pub fn absorb_activity(
    pane: &mut Pane<Feed<crate::api::ActivityEntry>>,
    busy: &mut std::collections::BTreeSet<Slot>,
    keys: &crate::app::keymap::Keymap,
    slot: Slot,
    generation: u64,
    append: bool,
    result: Result<ActivityPage, ApiError>,
) {
    if let Answer::Got(page) = settle(pane, busy, keys, slot, generation, result) {
        let feed = pane.data.get_or_insert_with(Feed::default);
        if !append {
            feed.items.clear();
        }
        let got = page.results.len();
        feed.items.extend(page.results);
        feed.next = if got == 0 { None } else { page.next };
    }
}

pub fn events_loaded(
    model: &mut Model,
    generation: u64,
    append: bool,
    result: Result<EventsPage, ApiError>,
) -> Vec<Cmd> {
    let pane = &mut model.history.events;
    if let Answer::Got(page) = settle(pane, &mut model.busy, &model.keymap, Slot::Events, generation, result)
    {
        let feed = pane.data.get_or_insert_with(EventsFeed::default);
        if !append {
            *feed = EventsFeed::default();
        }
        feed.offset += page.events.len() as u64;
        feed.has_more = page.has_more && !page.events.is_empty();
        feed.events.extend(page.events);
    }
    Vec::new()
}

pub fn cohorts_loaded(
    model: &mut Model,
    generation: u64,
    result: Result<Vec<CohortRef>, ApiError>,
) -> Vec<Cmd> {
    let pane = &mut model.history.cohorts;
    if let Answer::Got(c) = settle(pane, &mut model.busy, &model.keymap, Slot::Cohorts, generation, result) {
        pane.data = Some(c);
    }
    Vec::new()
}

/// Keys in a history tab.
pub fn action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let tab = model.tab;
    let len = model.history.len(tab);
    let page = inspector_viewport(model).max(1);
    let sel = selected(model);
    let to = match action {
        Action::Down => sel + 1,
        Action::Up => sel.saturating_sub(1),
        Action::Top => 0,
        Action::Bottom => len.saturating_sub(1),
        Action::PageDown => sel + page,
        Action::PageUp => sel.saturating_sub(page),
        Action::RangeWider | Action::RangeNarrower => {
            let r = &mut model.history.range;
            *r = if action == Action::RangeWider {
                (*r + 1).min(RANGES.len() - 1)
            } else {
                r.saturating_sub(1)
            };
            // Both range-bound tabs reload for the new range.
            model.history.timeline.uuid = None;
            model.history.events.uuid = None;
            return ensure_loaded(model);
        }
        Action::Open => {
            open_detail(model);
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    set_selected(model, to.min(len.saturating_sub(1)));
    follow_selection(model);
    more(model)
}

/// Loads the next page of activity or events near the end of what is loaded.
fn more(model: &mut Model) -> Vec<Cmd> {
    let sel = selected(model);
    let uuid = model.inspector.uuid.clone();
    match (model.tab, uuid) {
        (Tab::Activity, Some(u)) => {
            let p = &model.history.activity;
            match p.data.as_ref().and_then(|f| f.next.clone()) {
                Some(next)
                    if !p.loading
                        && p.error.is_none()
                        && sel + MORE_MARGIN >= model.history.len(Tab::Activity) =>
                {
                    load_activity(model, u, Some(next))
                }
                _ => Vec::new(),
            }
        }
        (Tab::Events, Some(u)) => {
            let p = &model.history.events;
            let more = p.data.as_ref().is_some_and(|f| f.has_more);
            if more && !p.loading && p.error.is_none() && sel + MORE_MARGIN >= model.history.len(Tab::Events)
            {
                load_events(model, u, true)
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// Enter: an event's properties, or an activity entry's changes, in full.
fn open_detail(model: &mut Model) {
    let sel = selected(model);
    let detail = match model.tab {
        Tab::Events => model.history.events.data.as_ref().and_then(|f| f.events.get(sel)).map(|e| {
            let title = format!("{} · {}", e.event, e.timestamp);
            // What the event did to the person comes first.
            let mut text = String::new();
            for key in ["$set", "$set_once", "$unset"] {
                if let Some(v) = e.properties.get(key) {
                    text.push_str(&format!(
                        "{key}: {}\n",
                        serde_json::to_string_pretty(v).unwrap_or_default()
                    ));
                }
            }
            if !text.is_empty() {
                text.push_str("\nall properties:\n");
            }
            text.push_str(
                &serde_json::to_string_pretty(&Value::Object(e.properties.clone())).unwrap_or_default(),
            );
            (title, text)
        }),
        Tab::Timeline => model.history.timeline.data.as_ref().and_then(|t| {
            let point = t.timeline.points.get(sel)?;
            let changes = t.timeline.diffs().into_iter().nth(sel).unwrap_or_default();
            let show = |v: &Value| v.to_string();
            let mut lines: Vec<String> = changes
                .iter()
                .map(|c| match c {
                    crate::api::PropertyChange::Added { key, value } => format!("+ {key}: {}", show(value)),
                    crate::api::PropertyChange::Changed { key, old, new } => {
                        format!("~ {key}: {} → {}", show(old), show(new))
                    }
                    crate::api::PropertyChange::Removed { key, old } => format!("- {key}: {}", show(old)),
                })
                .collect();
            lines.insert(
                0,
                format!(
                    "{} events from this point on; {} changes",
                    point.relevant_event_count,
                    changes.len()
                ),
            );
            Some((format!("timeline · {}", point.timestamp), lines.join("\n")))
        }),
        Tab::Cohorts => model.history.cohorts.data.as_ref().and_then(|c| c.get(sel)).map(|c| {
            let name = c.name.clone().unwrap_or_else(|| format!("cohort #{}", c.id));
            let count = c.count.map_or("unknown".into(), |n| n.to_string());
            (name.clone(), format!("{name}\ncohort id {}\n{count} persons", c.id))
        }),
        Tab::Activity => model.history.activity.data.as_ref().and_then(|f| f.items.get(sel)).map(|a| {
            let title = format!("{} · {}", a.activity, a.created_at.as_deref().unwrap_or(""));
            (title, serde_json::to_string_pretty(&a.detail).unwrap_or_default())
        }),
        _ => None,
    };
    if let Some((title, text)) = detail {
        model.overlay = Some(Overlay::Detail { title, text, scroll: 0 });
    }
}

fn selected(model: &Model) -> usize {
    let h = &model.history;
    match model.tab {
        Tab::Timeline => h.timeline.selected,
        Tab::Activity => h.activity.selected,
        Tab::Events => h.events.selected,
        Tab::Cohorts => h.cohorts.selected,
        Tab::Properties => 0,
    }
}

fn set_selected(model: &mut Model, to: usize) {
    let h = &mut model.history;
    match model.tab {
        Tab::Timeline => h.timeline.selected = to,
        Tab::Activity => h.activity.selected = to,
        Tab::Events => h.events.selected = to,
        Tab::Cohorts => h.cohorts.selected = to,
        Tab::Properties => {}
    }
}

/// Keeps the selected row of the visible tab in its window.
pub fn follow_selection(model: &mut Model) {
    let viewport = inspector_viewport(model);
    let h = &mut model.history;
    let pane_scroll = |sel: usize, scroll: &mut usize| *scroll = follow(sel, *scroll, viewport);
    match model.tab {
        Tab::Timeline => pane_scroll(h.timeline.selected, &mut h.timeline.scroll),
        Tab::Activity => pane_scroll(h.activity.selected, &mut h.activity.scroll),
        Tab::Events => pane_scroll(h.events.selected, &mut h.events.scroll),
        Tab::Cohorts => pane_scroll(h.cohorts.selected, &mut h.cohorts.scroll),
        Tab::Properties => {}
    }
}
