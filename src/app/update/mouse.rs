//! `m` (mouse capture on/off) with clicks and the wheel, and `o` (the person in PostHog's web app).
use super::{history, inspect, list};
use crate::app::actions::Action;
use crate::app::history::Tab;
use crate::app::inspector::{PersonView, Row};
use crate::app::layout::{INSPECTOR_HEADER, areas};
use crate::app::model::{Focus, Level, Model, Screen};
use crate::app::{Cmd, browser};
use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

/// Rows the wheel moves per notch.
pub const WHEEL_ROWS: usize = 3;

/// `m`: turns mouse capture on or off (off lets the terminal select text).
pub fn toggle(model: &mut Model) -> Vec<Cmd> {
    model.mouse = !model.mouse;
    let text = if model.mouse {
        "mouse on: click selects, the wheel scrolls (m turns it off to select text)"
    } else {
        "mouse off"
    };
    model.push_message(Level::Info, text);
    vec![Cmd::SetMouse(model.mouse)]
}

/// A click or wheel notch: only on the main screen with nothing on top of it.
pub fn event(model: &mut Model, ev: MouseEvent) -> Vec<Cmd> {
    if !model.mouse
        || model.screen != Screen::Main
        || model.dialog.is_some()
        || model.palette.is_some()
        || model.overlay.is_some()
    {
        return Vec::new();
    }
    let at = Position::new(ev.column, ev.row);
    let a = areas(model);
    let in_list = a.list.filter(|r| r.contains(at));
    let in_inspector = a.inspector.filter(|r| r.contains(at));
    match ev.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(r) = in_list {
                click_list(model, r, at.y)
            } else if let Some(r) = in_inspector {
                click_inspector(model, r, at.y)
            } else {
                Vec::new()
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let down = ev.kind == MouseEventKind::ScrollDown;
            if in_list.is_some() {
                let sel = model.list.selected;
                let to = if down { sel + WHEEL_ROWS } else { sel.saturating_sub(WHEEL_ROWS) };
                list::select(model, to)
            } else if in_inspector.is_some() {
                let action = if down { Action::Down } else { Action::Up };
                let mut cmds = Vec::new();
                for _ in 0..WHEEL_ROWS {
                    cmds.extend(if model.tab == Tab::Properties {
                        inspect::action(model, action)
                    } else {
                        history::action(model, action)
                    });
                }
                cmds
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// A click on a list row selects that person (border and header row above the rows).
fn click_list(model: &mut Model, area: Rect, y: u16) -> Vec<Cmd> {
    let Some(offset) = y.checked_sub(area.y + 2) else { return Vec::new() };
    if y + 1 >= area.y + area.height {
        return Vec::new(); // the bottom border
    }
    let index = model.list.scroll + offset as usize;
    if index >= model.list.items.len() {
        return Vec::new();
    }
    super::focus(model, Focus::List);
    list::select(model, index)
}

/// A click in the right pane focuses it; on the properties tab it also selects the clicked row.
fn click_inspector(model: &mut Model, area: Rect, y: u16) -> Vec<Cmd> {
    let cmds = if model.focus == Focus::Inspector { Vec::new() } else { history::switch(model, model.tab) };
    if model.tab == Tab::Properties
        && let Some(offset) = y.checked_sub(area.y + 1 + INSPECTOR_HEADER)
        && y + 1 < area.y + area.height
    {
        let index = model.inspector.scroll + offset as usize;
        if model.inspector_rows().get(index).is_some_and(Row::is_selectable) {
            model.inspector.selected = index;
            inspect::follow_selection(model);
        }
    }
    cmds
}

/// `o`: the inspected (else highlighted) person's page in PostHog's web app.
pub fn open_in_browser(model: &mut Model) -> Vec<Cmd> {
    let person = model
        .inspected()
        .or_else(|| model.selected_person().map(|p| PersonView::from_list(p, model.display_props())));
    let Some(person) = person else {
        model.push_message(Level::Info, "No person to open");
        return Vec::new();
    };
    let Some(conn) = model.conn.clone() else { return Vec::new() };
    if conn.demo {
        model.push_message(Level::Info, "The demo sandbox has no PostHog web app to open");
        return Vec::new();
    }
    match browser::person_url(&conn, model.project.as_ref(), &person.distinct_ids) {
        Ok(url) => vec![Cmd::OpenUrl(url)],
        Err(e) => {
            model.push_message(Level::Warn, format!("Cannot open the person in PostHog: {e}"));
            Vec::new()
        }
    }
}

/// The browser started, or not: then the URL is shown and copied so it can be opened by hand.
pub fn opened(model: &mut Model, url: String, result: Result<(), String>) -> Vec<Cmd> {
    match result {
        Ok(()) => {
            model.push_message(Level::Info, format!("Opened {url}"));
            Vec::new()
        }
        Err(e) => {
            model.push_message(Level::Warn, format!("No browser could be started ({e}): {url}"));
            vec![Cmd::Copy { text: url.clone(), what: format!("the URL {url}") }]
        }
    }
}
