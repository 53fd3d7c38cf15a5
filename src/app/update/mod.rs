//! `update`: the only place state changes. Pure: no I/O and no clocks (the runtime sets
//! `model.now`). Returns the effects to run as `Cmd`s.
mod dialogs;
mod extras;
mod fields;
mod history;
mod inspect;
mod list;
mod mouse;
mod switch;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_history;
#[cfg(test)]
mod tests_mouse;
#[cfg(test)]
mod tests_switch;
#[cfg(test)]
mod tests_writes;
mod writes;

use super::actions::Action;
use super::model::{Focus, Level, Model, Overlay, Screen};
use super::{Cmd, Msg, Slot, Timer};
use crate::api::ErrorKind;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::time::Duration;

pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(250);
pub const PREFETCH_DEBOUNCE: Duration = Duration::from_millis(120);

/// Commands to run at start-up (or once connected from the welcome screen).
pub fn init(model: &mut Model) -> Vec<Cmd> {
    if model.screen == Screen::Welcome {
        return Vec::new();
    }
    model.busy.insert(Slot::Project);
    let mut cmds = vec![Cmd::LoadProject];
    if model.mouse {
        cmds.push(Cmd::SetMouse(true));
    }
    cmds.extend(list::run_search(model));
    cmds
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Key(key) => on_key(model, key),
        Msg::Mouse(ev) => mouse::event(model, ev),
        Msg::Paste(text) => fields::paste(model, &text),
        Msg::Resize { width, height } => {
            model.width = width;
            model.height = height;
            list::follow_selection(model);
            inspect::follow_selection(model);
            Vec::new()
        }
        Msg::Tick => {
            model.spinner = model.spinner.wrapping_add(1);
            Vec::new()
        }
        Msg::TimerFired { timer: Timer::Search, generation } => {
            if generation == model.search.generation {
                list::run_search(model)
            } else {
                Vec::new()
            }
        }
        Msg::TimerFired { timer: Timer::Prefetch, generation } => {
            // The selection settled: fetch the record, refreshing a cached one in the background.
            if generation == model.inspector.prefetch_generation && !model.inspector.loading {
                let mut cmds = inspect::fetch_inspected(model, true);
                cmds.extend(history::ensure_loaded(model));
                cmds
            } else {
                Vec::new()
            }
        }
        Msg::PersonsLoaded { generation, append, result } => list::loaded(model, generation, append, result),
        Msg::PersonLoaded { generation, uuid, result } => inspect::loaded(model, generation, uuid, result),
        Msg::PersonFound { generation, query, result } => inspect::found(model, generation, query, result),
        Msg::ProjectLoaded(result) => {
            model.busy.remove(&Slot::Project);
            match result {
                Ok(p) => model.project = Some(p),
                Err(e) => {
                    model.push_message(Level::Warn, format!("{e} (display names use PostHog's defaults)"))
                }
            }
            Vec::new()
        }
        Msg::Copied { what, result } => {
            match result {
                Ok(how) => model.push_message(Level::Info, format!("Copy of {what} {how}")),
                Err(e) => model.push_message(Level::Error, format!("Could not copy {what}: {e}")),
            }
            Vec::new()
        }
        Msg::Opened { url, result } => mouse::opened(model, url, result),
        Msg::WriteDone { id, result } => writes::done(model, id, result),
        Msg::WriteProgress { id, done, total } => writes::progress(model, id, done, total),
        Msg::Checked { id, result } => writes::checked(model, id, result),
        Msg::TimerFired { timer: Timer::Grace(id), .. } => writes::grace_over(model, id),
        Msg::TimerFired { timer: Timer::Confirm(id), .. } => writes::check_due(model, id),
        Msg::InsightLoaded { generation, append, result } => {
            extras::insight_loaded(model, generation, append, result)
        }
        Msg::ProjectActivityLoaded { generation, append, result } => {
            extras::activity_loaded(model, generation, append, result)
        }
        Msg::ExportProgress { done, total } => extras::export_progress(model, done, total),
        Msg::ExportDone(result) => extras::export_done(model, result),
        Msg::TimelineLoaded { generation, result } => history::timeline_loaded(model, generation, result),
        Msg::ActivityLoaded { generation, append, result } => {
            history::activity_loaded(model, generation, append, result)
        }
        Msg::EventsLoaded { generation, append, result } => {
            history::events_loaded(model, generation, append, result)
        }
        Msg::CohortsLoaded { generation, result } => history::cohorts_loaded(model, generation, result),
        Msg::JournalLoaded(Ok((mut entries, skipped))) => {
            entries.reverse(); // newest first
            if entries.is_empty() {
                model.push_message(
                    Level::Info,
                    "The journal is empty: no writes were sent from this machine yet",
                );
            } else {
                model.overlay = Some(Overlay::Journal { entries, selected: 0, skipped });
            }
            Vec::new()
        }
        Msg::JournalLoaded(Err(e)) => {
            model.push_message(Level::Error, format!("Could not read the journal: {e}"));
            Vec::new()
        }
        Msg::Connected(conn) => {
            model.busy.remove(&Slot::Demo);
            let what = if conn.demo { "the demo sandbox" } else { "PostHog" };
            model.push_message(Level::Info, format!("Connected to {what} at {}", conn.host));
            model.conn = Some(conn);
            model.screen = Screen::Main;
            model.welcome_error = None;
            init(model)
        }
        Msg::ProjectsLoaded(result) => {
            switch::projects_loaded(model, result);
            Vec::new()
        }
        Msg::Switched { conn, read_only } => switch::switched(model, conn, read_only),
        Msg::SwitchFailed(reason) => switch::switch_failed(model, reason),
        Msg::ConnectFailed(reason) => {
            model.busy.remove(&Slot::Demo);
            model.push_message(Level::Error, reason.clone());
            model.welcome_error = Some(reason);
            Vec::new()
        }
    }
}

fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return quit(model);
    }
    if model.dialog.is_some() {
        return dialogs::key(model, key);
    }
    if model.palette.is_some() {
        return fields::palette_key(model, key);
    }
    if let Some(Overlay::Picker(p)) = &model.overlay
        && p.filtering
    {
        return switch::picker_filter_key(model, key);
    }
    if model.overlay.is_none() && model.search.editing {
        return fields::search_key(model, key);
    }
    if model.overlay.is_none() && model.inspector.filter_editing {
        return fields::filter_key(model, key);
    }
    match model.keymap.action_for(&key, model.context(), model.read_only) {
        Some(action) if model.keymap.is_write(action) && model.busy.contains(&Slot::Switch) => {
            switching_refusal(model);
            Vec::new()
        }
        Some(action) => act(model, action),
        None => Vec::new(),
    }
}

/// Changes wait while hogdex connects elsewhere: they would belong to neither connection.
pub(crate) fn switching_refusal(model: &mut Model) {
    model.push_message(Level::Warn, "Switching connections: changes can be made once it is done");
}

/// Performs an action in the current context.
pub(crate) fn act(model: &mut Model, action: Action) -> Vec<Cmd> {
    if model.overlay.is_some() {
        return overlay_action(model, action);
    }
    match action {
        Action::Quit => {
            if model.zoomed {
                model.zoomed = false;
                model.focus = Focus::List;
                Vec::new()
            } else {
                quit(model)
            }
        }
        Action::ForceQuit => quit(model),
        Action::Help => {
            model.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Action::Palette => {
            model.palette = Some(Default::default());
            Vec::new()
        }
        Action::Refresh => refresh(model),
        Action::NextPane | Action::PrevPane => cycle_panes(model, action == Action::NextPane),
        Action::FocusList => {
            focus(model, Focus::List);
            Vec::new()
        }
        Action::FocusInspector => history::switch(model, crate::app::history::Tab::Properties),
        Action::FocusTimeline => history::switch(model, crate::app::history::Tab::Timeline),
        Action::FocusActivity => history::switch(model, crate::app::history::Tab::Activity),
        Action::FocusEvents => history::switch(model, crate::app::history::Tab::Events),
        Action::FocusCohorts => history::switch(model, crate::app::history::Tab::Cohorts),
        Action::Back => back(model),
        Action::Undo => writes::undo(model),
        Action::DeletePerson => dialogs::delete_persons(model, model.focus == Focus::Inspector),
        Action::EditProperty => dialogs::edit_property(model),
        Action::AddProperty => dialogs::add_property(model),
        Action::DeleteProperty => dialogs::delete_property(model),
        Action::EditJson => dialogs::edit_json(model),
        Action::DeleteEvents => dialogs::delete_events(model),
        Action::Split => dialogs::split(model),
        Action::OpenInBrowser => mouse::open_in_browser(model),
        Action::ToggleMouse => mouse::toggle(model),
        Action::PickProfile => switch::profile(model, None),
        Action::StartDemo if model.busy.contains(&Slot::Switch) => {
            model.push_message(Level::Warn, "Already connecting to a profile; wait for it");
            Vec::new()
        }
        Action::StartDemo => {
            model.busy.insert(Slot::Demo);
            model.welcome_error = None;
            model.push_message(Level::Info, "Starting the demo sandbox…");
            vec![Cmd::StartDemo]
        }
        _ => match (model.focus, model.tab) {
            (Focus::List, _) => list::action(model, action),
            (Focus::Inspector, crate::app::history::Tab::Properties) => inspect::action(model, action),
            (Focus::Inspector, _) => history::action(model, action),
        },
    }
}

/// Tab / shift-Tab: person list → properties → timeline → activity → events → cohorts → list.
fn cycle_panes(model: &mut Model, forward: bool) -> Vec<Cmd> {
    use crate::app::history::Tab;
    let order = [
        None,
        Some(Tab::Properties),
        Some(Tab::Timeline),
        Some(Tab::Activity),
        Some(Tab::Events),
        Some(Tab::Cohorts),
    ];
    let now = if model.focus == Focus::List { None } else { Some(model.tab) };
    let i = order.iter().position(|t| *t == now).unwrap_or(0);
    let n = order.len();
    match order[if forward { (i + 1) % n } else { (i + n - 1) % n }] {
        None => {
            focus(model, Focus::List);
            Vec::new()
        }
        Some(tab) => history::switch(model, tab),
    }
}

fn overlay_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let page = (model.height as usize).saturating_sub(6).max(1);
    if let Some(Overlay::Activity) = model.overlay {
        return match action {
            Action::ForceQuit => quit(model),
            _ => extras::activity_action(model, action),
        };
    }
    if let Some(Overlay::Picker(_)) = model.overlay {
        return switch::picker_action(model, action);
    }
    if let Some(Overlay::Journal { entries, selected, .. }) = model.overlay.as_mut() {
        let last = entries.len().saturating_sub(1);
        match action {
            Action::Down => *selected = (*selected + 1).min(last),
            Action::Up => *selected = selected.saturating_sub(1),
            Action::PageDown => *selected = (*selected + page).min(last),
            Action::PageUp => *selected = selected.saturating_sub(page),
            Action::Top => *selected = 0,
            Action::Bottom => *selected = last,
            Action::Undo => {
                let entry = entries.get(*selected).cloned();
                return dialogs::restore(model, entry);
            }
            Action::Back | Action::Quit => model.overlay = None,
            Action::ForceQuit => return quit(model),
            _ => {}
        }
        return Vec::new();
    }
    let max = crate::app::layout::overlay_max_scroll(model);
    let Some(overlay) = model.overlay.as_mut() else { return Vec::new() };
    let scroll = match overlay {
        Overlay::Help { scroll }
        | Overlay::Messages { scroll }
        | Overlay::Detail { scroll, .. }
        | Overlay::Journal { selected: scroll, .. } => scroll,
        Overlay::Activity | Overlay::Picker(_) => return Vec::new(),
    };
    match action {
        Action::Down => *scroll = (*scroll + 1).min(max),
        Action::Up => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll = (*scroll + page).min(max),
        Action::PageUp => *scroll = scroll.saturating_sub(page),
        Action::Top => *scroll = 0,
        Action::Bottom => *scroll = max,
        Action::Back | Action::Quit => model.overlay = None,
        Action::ForceQuit => return quit(model),
        _ => {}
    }
    Vec::new()
}

fn quit(model: &mut Model) -> Vec<Cmd> {
    model.should_quit = true;
    vec![Cmd::Quit]
}

pub(crate) fn focus(model: &mut Model, to: Focus) {
    model.focus = to;
    if to == Focus::List {
        model.zoomed = false;
        // A person opened with :person who is not in the list is left behind.
        let shown = model.inspector.uuid.clone();
        if model.extra_person.as_ref().is_some_and(|p| Some(p.uuid()) == shown.as_deref()) {
            model.extra_person = None;
        }
    }
    // The panes' sizes may have changed (narrow terminals show one at a time).
    list::follow_selection(model);
    inspect::follow_selection(model);
}

/// Esc, layered: marks → inspector filter → zoom → search → focus back to the list.
fn back(model: &mut Model) -> Vec<Cmd> {
    if !model.marks.is_empty() {
        let n = model.marks.len();
        model.marks.clear();
        model.push_message(Level::Info, format!("Cleared {n} marks"));
        return Vec::new();
    }
    if model.focus == Focus::Inspector && !model.inspector.filter.text.is_empty() {
        model.inspector.filter.clear();
        inspect::follow_selection(model);
        return Vec::new();
    }
    if model.zoomed || model.focus == Focus::Inspector {
        focus(model, Focus::List);
        return Vec::new();
    }
    if model.list.insight.is_some() {
        // Back from insight persons to the search they replaced.
        let applied = model.search.applied.clone();
        model.search.input.set(&applied);
        return list::run_search(model);
    }
    if !model.search.applied.is_empty() || !model.search.input.text.is_empty() {
        model.search.input.clear();
        model.search.error = None;
        return list::run_search(model);
    }
    Vec::new()
}

/// `r`: reload the list (same query), the inspected person and, if it failed, the project.
fn refresh(model: &mut Model) -> Vec<Cmd> {
    if model.screen == Screen::Welcome {
        return Vec::new();
    }
    let mut cmds = Vec::new();
    if model.project.is_none() && !model.busy.contains(&Slot::Project) {
        model.busy.insert(Slot::Project);
        cmds.push(Cmd::LoadProject);
    }
    let applied = model.search.applied.clone();
    model.search.input.set(&applied);
    cmds.extend(list::run_search(model));
    cmds.extend(inspect::fetch_inspected(model, true));
    model.history.timeline.uuid = None;
    model.history.activity.uuid = None;
    model.history.events.uuid = None;
    model.history.cohorts.uuid = None;
    cmds.extend(history::ensure_loaded(model));
    cmds
}

/// One sentence for a failed request, with a hint to retry when that can help.
/// An error as one sentence, with the retry key (as the keymap has it) when retrying can help.
pub fn error_text(e: &crate::api::ApiError, keys: &super::keymap::Keymap) -> String {
    // A scoped key or a removed endpoint will answer the same way again: no retry hint there.
    let retry = !e.is_scoped_key_refusal()
        && !e.is_endpoint_missing()
        && matches!(
            e.kind,
            ErrorKind::Unauthorized { .. }
                | ErrorKind::Forbidden { .. }
                | ErrorKind::Timeout
                | ErrorKind::Connect { .. }
                | ErrorKind::Server { .. }
                | ErrorKind::RateLimited { .. }
        );
    if retry {
        format!("{e} — press {} to retry", keys.first_key(Action::Refresh, super::actions::Context::Global))
    } else {
        e.to_string()
    }
}
