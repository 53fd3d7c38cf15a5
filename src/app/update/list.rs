//! The person list: running searches, paging, selection, and the list's keys.
use super::{error_text, inspect};
use crate::api::{ApiError, Page, PersonListItem};
use crate::app::actions::Action;
use crate::app::layout::{follow, list_viewport};
use crate::app::model::{Focus, LOAD_MORE_MARGIN, Level, Model, PAGE_SIZE};
use crate::app::search::parse_query;
use crate::app::{Cmd, Slot};
use std::collections::HashSet;

/// Runs the search box's text now (a malformed query sends nothing and says why).
pub fn run_search(model: &mut Model) -> Vec<Cmd> {
    let text = model.search.input.text.trim().to_string();
    let query = match parse_query(&text) {
        Ok(q) => q,
        Err(e) => {
            model.search.error = Some(e);
            return Vec::new();
        }
    };
    model.search.error = None;
    model.search.applied = text.clone();
    model.list.insight = None;
    model.list.source = if query.is_empty() { "all persons".into() } else { format!("search: {text}") };
    model.list.generation += 1;
    model.list.loading = true;
    model.list.loading_more = false;
    model.list.error = None;
    model.busy.insert(Slot::List);
    vec![Cmd::ListPersons { generation: model.list.generation, params: query.params(PAGE_SIZE) }]
}

/// A page of persons arrived.
pub fn loaded(
    model: &mut Model,
    generation: u64,
    append: bool,
    result: Result<Page<PersonListItem>, ApiError>,
) -> Vec<Cmd> {
    if generation != model.list.generation {
        return Vec::new(); // a newer request replaced this one
    }
    model.busy.remove(&Slot::List);
    model.list.loading = false;
    model.list.loading_more = false;
    match result {
        Err(e) => {
            let text = error_text(&e, &model.keymap);
            model.push_message(Level::Error, text.clone());
            model.list.error = Some(text);
            Vec::new()
        }
        Ok(page) if append => {
            let known: HashSet<String> = model.list.items.iter().map(|p| p.uuid().to_string()).collect();
            let fresh: Vec<PersonListItem> =
                page.results.into_iter().filter(|p| !known.contains(p.uuid())).collect();
            model.list.next = if fresh.is_empty() { None } else { page.next };
            model.list.items.extend(fresh);
            model.list.error = None;
            maybe_load_more(model)
        }
        Ok(page) => {
            let keep = model.selected_person().map(|p| p.uuid().to_string());
            // An open person stays open across a reload, even when the first page lacks them.
            let open =
                model.inspector.uuid.clone().filter(|_| model.zoomed || model.focus == Focus::Inspector);
            let open_row =
                open.as_ref().and_then(|u| model.list.items.iter().find(|p| p.uuid() == u).cloned());
            model.list.items = page.results;
            model.list.total = page.count;
            model.list.next = if model.list.items.is_empty() { None } else { page.next };
            model.list.error = None;
            let index = keep.and_then(|u| model.list.items.iter().position(|p| p.uuid() == u)).unwrap_or(0);
            model.list.selected = index;
            model.list.scroll = 0;
            follow_selection(model);
            if let Some(u) = open {
                if !model.list.items.iter().any(|p| p.uuid() == u)
                    && let Some(row) = open_row
                {
                    model.extra_person = Some(row);
                }
                return inspect::show(model, Some(u));
            }
            selection_changed(model)
        }
    }
}

/// The list's own actions (navigation, open, search, copy).
pub fn action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let len = model.list.items.len();
    let page = list_viewport(model).max(1);
    let sel = model.list.selected;
    match action {
        Action::Down => select(model, sel + 1),
        Action::Up => select(model, sel.saturating_sub(1)),
        Action::Top => select(model, 0),
        Action::Bottom => select(model, len.saturating_sub(1)),
        Action::PageDown => select(model, sel + page),
        Action::PageUp => select(model, sel.saturating_sub(page)),
        Action::Search => {
            model.search.editing = true;
            model.search.input.end();
            Vec::new()
        }
        Action::Open => open(model),
        Action::CopyValue => match model.selected_person() {
            Some(p) => vec![Cmd::Copy { text: p.uuid().to_string(), what: "the person's UUID".into() }],
            None => Vec::new(),
        },
        Action::CopyJson | Action::CopyDistinctIds => inspect::copy_person(model, action),
        Action::Mark => toggle_mark(model),
        _ => Vec::new(),
    }
}

/// Space: marks or unmarks the highlighted person and moves down (marks survive paging and
/// searches).
fn toggle_mark(model: &mut Model) -> Vec<Cmd> {
    let Some(p) = model.selected_person().cloned() else { return Vec::new() };
    let uuid = p.uuid().to_string();
    if model.marks.remove(&uuid).is_none() {
        model.marks.insert(uuid, p);
    }
    let next = model.list.selected + 1;
    select(model, next)
}

/// Enter: the inspector, full screen, with the full record fetched right away.
pub fn open(model: &mut Model) -> Vec<Cmd> {
    let Some(uuid) = model.selected_person().map(|p| p.uuid().to_string()) else { return Vec::new() };
    // The highlighted row, even if the inspector last showed someone else (:person).
    let mut cmds = inspect::show(model, Some(uuid));
    model.zoomed = true;
    model.focus = Focus::Inspector;
    inspect::follow_selection(model);
    cmds.extend(inspect::fetch_inspected(model, false));
    cmds
}

/// Moves the selection (clamped), loads more near the end, and follows with the inspector.
pub fn select(model: &mut Model, to: usize) -> Vec<Cmd> {
    let len = model.list.items.len();
    if len == 0 {
        return Vec::new();
    }
    let to = to.min(len - 1);
    let changed = to != model.list.selected;
    model.list.selected = to;
    follow_selection(model);
    let mut cmds = maybe_load_more(model);
    if changed {
        cmds.extend(selection_changed(model));
    }
    cmds
}

pub fn follow_selection(model: &mut Model) {
    let viewport = list_viewport(model);
    model.list.selected = model.list.selected.min(model.list.items.len().saturating_sub(1));
    model.list.scroll = follow(model.list.selected, model.list.scroll, viewport);
}

/// Asks for the next page when the selection nears the end of what is loaded.
fn maybe_load_more(model: &mut Model) -> Vec<Cmd> {
    let near_end = model.list.selected + LOAD_MORE_MARGIN >= model.list.items.len();
    match &model.list.next {
        // After a failure, wait for `r` instead of retrying on every key press.
        Some(next)
            if near_end && !model.list.loading_more && !model.list.loading && model.list.error.is_none() =>
        {
            model.list.loading_more = true;
            model.busy.insert(Slot::List);
            let (generation, next) = (model.list.generation, next.clone());
            if model.list.insight.is_some() {
                vec![Cmd::InsightNext { generation, next }]
            } else {
                vec![Cmd::ListNext { generation, next }]
            }
        }
        _ => Vec::new(),
    }
}

/// The highlighted person changed: show its row at once and fetch the full record once the
/// selection settles.
fn selection_changed(model: &mut Model) -> Vec<Cmd> {
    let uuid = model.selected_person().map(|p| p.uuid().to_string());
    inspect::show(model, uuid)
}
