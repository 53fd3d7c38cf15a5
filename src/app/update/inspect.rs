//! The inspector: which person it shows, fetching the full record, tree navigation, the value
//! detail view and copying.
use super::error_text;
use crate::api::{ApiError, ErrorKind, PersonListItem, PersonRecord};
use crate::app::actions::Action;
use crate::app::inspector::{Row, path_key};
use crate::app::layout::{follow, inspector_viewport};
use crate::app::model::{Focus, Level, Model, Overlay, RECORD_CACHE};
use crate::app::update::PREFETCH_DEBOUNCE;
use crate::app::{Cmd, Slot, Timer};

/// Shows `uuid` in the inspector now (from the list row or cache) and schedules the fetch of
/// its full record once the selection settles.
pub fn show(model: &mut Model, uuid: Option<String>) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    if model.inspector.uuid != uuid {
        model.inspector.uuid = uuid.clone();
        model.inspector.selected = 0;
        model.inspector.scroll = 0;
        model.inspector.expanded.clear();
        model.inspector.error = None;
        model.inspector.loading = false;
        // A fetch for the previous person is no longer wanted: its answer must not land here.
        model.inspector.generation += 1;
        if model.busy.remove(&Slot::Person) {
            cmds.push(Cmd::Cancel(Slot::Person));
        }
        first_selectable(model);
    }
    // Cached or not, the record is (re)fetched once the selection settles; a cached one shows
    // meanwhile.
    if uuid.is_some() {
        model.inspector.prefetch_generation += 1;
        cmds.push(Cmd::Debounce {
            timer: Timer::Prefetch,
            generation: model.inspector.prefetch_generation,
            after: PREFETCH_DEBOUNCE,
        });
    }
    cmds
}

/// Fetches the inspected person's full record (unless cached, or `force`).
pub fn fetch_inspected(model: &mut Model, force: bool) -> Vec<Cmd> {
    let Some(uuid) = model.inspector.uuid.clone() else { return Vec::new() };
    if !force && model.records.contains_key(&uuid) {
        return Vec::new();
    }
    if !force && model.inspector.loading {
        return Vec::new();
    }
    model.inspector.prefetch_generation += 1; // a pending prefetch is now redundant
    model.inspector.generation += 1;
    model.inspector.loading = true;
    model.inspector.error = None;
    model.busy.insert(Slot::Person);
    vec![Cmd::GetPerson { generation: model.inspector.generation, uuid }]
}

pub fn loaded(
    model: &mut Model,
    generation: u64,
    uuid: String,
    result: Result<PersonRecord, ApiError>,
) -> Vec<Cmd> {
    if generation != model.inspector.generation || model.inspector.uuid.as_deref() != Some(uuid.as_str()) {
        return Vec::new();
    }
    model.busy.remove(&Slot::Person);
    model.inspector.loading = false;
    match result {
        Ok(record) => {
            if model.records.len() >= RECORD_CACHE
                && let Some(old) = model.records.keys().find(|k| **k != uuid).cloned()
            {
                model.records.remove(&old);
            }
            if let Some(row) = model.list.items.iter_mut().find(|p| p.uuid() == uuid) {
                row.properties = record.properties.clone();
                row.distinct_ids = record.distinct_ids.clone();
                row.last_seen_at = record.last_seen_at.clone();
            }
            model.records.insert(uuid, record);
            follow_selection(model);
        }
        Err(e) => {
            let text = if matches!(e.kind, ErrorKind::NotFound { .. }) {
                "This person no longer exists in PostHog (deleted or merged)".to_string()
            } else {
                error_text(&e, &model.keymap)
            };
            model.push_message(Level::Error, text.clone());
            model.inspector.error = Some(text);
        }
    }
    Vec::new()
}

/// `:person <id>` answered.
pub fn found(
    model: &mut Model,
    generation: u64,
    query: String,
    result: Result<Option<PersonListItem>, ApiError>,
) -> Vec<Cmd> {
    if generation != model.lookup_generation {
        return Vec::new();
    }
    model.busy.remove(&Slot::Lookup);
    match result {
        Ok(Some(person)) => {
            let uuid = person.uuid().to_string();
            if let Some(i) = model.list.items.iter().position(|p| p.uuid() == uuid) {
                model.list.selected = i;
                super::list::follow_selection(model);
            } else {
                model.extra_person = Some(person);
            }
            model.zoomed = true;
            model.focus = Focus::Inspector;
            let mut cmds = show(model, Some(uuid));
            cmds.extend(fetch_inspected(model, false));
            cmds
        }
        Ok(None) => {
            model.push_message(Level::Warn, format!("No person has the distinct id, UUID or id {query:?}"));
            Vec::new()
        }
        Err(e) => {
            model.push_message(Level::Error, error_text(&e, &model.keymap));
            Vec::new()
        }
    }
}

pub fn action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let rows = model.inspector_rows();
    let page = inspector_viewport(model).max(1);
    let sel = model.inspector.selected;
    match action {
        Action::Down => move_to(model, &rows, sel, 1, 1),
        Action::Up => move_to(model, &rows, sel, -1, 1),
        Action::PageDown => move_to(model, &rows, sel, 1, page),
        Action::PageUp => move_to(model, &rows, sel, -1, page),
        Action::Top => move_to(model, &rows, 0, 1, 0),
        Action::Bottom => move_to(model, &rows, rows.len().saturating_sub(1), -1, 0),
        Action::Search => {
            model.inspector.filter_editing = true;
            model.inspector.filter.end();
        }
        Action::ToggleDollar => {
            model.inspector.hide_dollar = !model.inspector.hide_dollar;
            let hidden = if model.inspector.hide_dollar { "hidden" } else { "shown" };
            model.push_message(Level::Info, format!("PostHog's $-properties {hidden}"));
            follow_selection(model);
        }
        Action::Open => match rows.get(sel) {
            Some(Row::Property { expanded: Some(open), path, .. }) => set_expanded(model, path, !open),
            Some(Row::Property { path, value, .. }) => {
                let text = match value {
                    serde_json::Value::String(s) => s.clone(),
                    other => serde_json::to_string_pretty(other).unwrap_or_default(),
                };
                model.overlay = Some(Overlay::Detail { title: path.join("."), text, scroll: 0 });
            }
            Some(Row::DistinctId { id }) => {
                model.overlay =
                    Some(Overlay::Detail { title: "distinct id".into(), text: id.clone(), scroll: 0 });
            }
            _ => {}
        },
        Action::Expand => {
            if let Some(Row::Property { expanded: Some(false), path, .. }) = rows.get(sel) {
                set_expanded(model, path, true);
            }
        }
        Action::Collapse => match rows.get(sel) {
            Some(Row::Property { expanded: Some(true), path, .. }) => set_expanded(model, path, false),
            Some(Row::Property { path, depth, .. }) if *depth > 0 => {
                let parent = &path[..path.len() - 1];
                if let Some(i) =
                    rows.iter().position(|r| matches!(r, Row::Property { path: p, .. } if p == parent))
                {
                    model.inspector.selected = i;
                    follow_selection(model);
                }
            }
            _ => {}
        },
        Action::CopyValue => {
            return match rows.get(sel) {
                Some(row @ Row::DistinctId { .. }) => {
                    vec![Cmd::Copy {
                        text: row.copy_text().unwrap_or_default(),
                        what: "the distinct id".into(),
                    }]
                }
                Some(row @ Row::Property { path, .. }) => vec![Cmd::Copy {
                    text: row.copy_text().unwrap_or_default(),
                    what: format!("the value of {}", path.join(".")),
                }],
                _ => Vec::new(),
            };
        }
        Action::CopyJson | Action::CopyDistinctIds => return copy_person(model, action),
        _ => {}
    }
    Vec::new()
}

/// `Y` (person as JSON) and `c` (distinct ids, one per line) for the inspected or selected person.
pub fn copy_person(model: &mut Model, action: Action) -> Vec<Cmd> {
    let person = model.inspected().or_else(|| {
        model
            .selected_person()
            .map(|p| crate::app::inspector::PersonView::from_list(p, model.display_props()))
    });
    let Some(p) = person else { return Vec::new() };
    match action {
        Action::CopyJson => vec![Cmd::Copy {
            text: serde_json::to_string_pretty(&p.to_json()).unwrap_or_default(),
            what: "the person as JSON".into(),
        }],
        _ => vec![Cmd::Copy {
            text: p.distinct_ids.join("\n"),
            what: format!("{} distinct ids", p.distinct_ids.len()),
        }],
    }
}

fn set_expanded(model: &mut Model, path: &[String], open: bool) {
    let key = path_key(path);
    if open {
        model.inspector.expanded.insert(key);
    } else {
        model.inspector.expanded.remove(&key);
    }
    follow_selection(model);
}

/// Moves `steps` selectable rows in `dir` from `from` (0 steps: the nearest selectable row).
fn move_to(model: &mut Model, rows: &[Row], from: usize, dir: isize, steps: usize) {
    if rows.is_empty() {
        return;
    }
    let mut at = from.min(rows.len() - 1);
    let mut best = rows[at].is_selectable().then_some(at);
    let mut left = steps;
    loop {
        let next = at as isize + dir;
        if next < 0 || next as usize >= rows.len() || (left == 0 && best.is_some()) {
            break;
        }
        at = next as usize;
        if rows[at].is_selectable() {
            best = Some(at);
            left = left.saturating_sub(1);
        }
    }
    if let Some(b) = best {
        model.inspector.selected = b;
    }
    follow_selection(model);
}

fn first_selectable(model: &mut Model) {
    let rows = model.inspector_rows();
    model.inspector.selected = rows.iter().position(Row::is_selectable).unwrap_or(0);
}

/// Keeps the selection on a selectable row inside the visible window after rows changed.
pub fn follow_selection(model: &mut Model) {
    let rows = model.inspector_rows();
    if rows.is_empty() {
        model.inspector.selected = 0;
        model.inspector.scroll = 0;
        return;
    }
    let mut sel = model.inspector.selected.min(rows.len() - 1);
    if !rows[sel].is_selectable() {
        sel = (sel..rows.len()).chain((0..sel).rev()).find(|&i| rows[i].is_selectable()).unwrap_or(sel);
    }
    model.inspector.selected = sel;
    // Keep the section heading above the first row in view.
    let top = if rows[..sel].iter().all(|r| !r.is_selectable()) { 0 } else { sel };
    model.inspector.scroll = follow(top.min(sel), model.inspector.scroll, inspector_viewport(model));
    model.inspector.scroll = follow(sel, model.inspector.scroll, inspector_viewport(model));
}
