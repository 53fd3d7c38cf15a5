//! `:profile` and `:project`: pickers, and switching the connection without restarting. A switch
//! never happens under writes that belong to the old connection: pending deletions must be sent
//! or undone first.
use super::super::actions::Action;
use super::super::model::{
    Choice, Connection, Level, Model, Overlay, Picker, PickerKind, ProjectChoice, Screen,
};
use super::super::{Cmd, Slot};
use crate::text::sanitize;

/// `:profile` (a picker of the config file's profiles) or `:profile <name>`.
pub fn profile(model: &mut Model, name: Option<String>) -> Vec<Cmd> {
    if model.profiles.is_empty() {
        model.push_message(
            Level::Warn,
            "No profiles: the config file defines none (`hogdex info` shows its path; \
             assets/config.example.toml shows how)",
        );
        return Vec::new();
    }
    let current = model.conn.as_ref().and_then(|c| c.profile.clone().map(|p| (p, c.project.clone())));
    let Some(name) = name else {
        let choices = model
            .profiles
            .iter()
            .map(|p| Choice {
                value: p.name.clone(),
                label: p.name.clone(),
                detail: format!(
                    "{} · project {}{}",
                    p.host,
                    p.project,
                    if p.read_only { " · read-only" } else { "" }
                ),
                // After `:project`, the profile's own project is somewhere else again.
                current: current
                    .as_ref()
                    .is_some_and(|(name, project)| *name == p.name && *project == p.project),
            })
            .collect::<Vec<_>>();
        model.overlay = Some(Overlay::Picker(Picker::new(PickerKind::Profile, choices)));
        return Vec::new();
    };
    if !model.profiles.iter().any(|p| p.name == name) {
        let known: Vec<&str> = model.profiles.iter().map(|p| p.name.as_str()).collect();
        model.push_message(
            Level::Warn,
            format!("Unknown profile `{}`; known profiles: {}", sanitize(&name), known.join(", ")),
        );
        return Vec::new();
    }
    switch(model, format!("profile {name}"), Cmd::SwitchProfile(name))
}

/// `:project` (a picker from `GET /api/projects/`) or `:project <id>`.
pub fn project(model: &mut Model, id: Option<i64>) -> Vec<Cmd> {
    let Some(from) = model.conn.clone() else {
        model.push_message(Level::Warn, "Not connected: there are no projects to pick from yet");
        return Vec::new();
    };
    if let Some(id) = id {
        return switch(model, format!("project {id}"), Cmd::SwitchProject { id, from });
    }
    model.overlay =
        Some(Overlay::Picker(Picker { loading: true, ..Picker::new(PickerKind::Project, Vec::new()) }));
    model.busy.insert(Slot::Projects);
    vec![Cmd::LoadProjects]
}

/// The projects arrived: fill the picker (if it is still open), the current one selected.
pub fn projects_loaded(model: &mut Model, result: Result<Vec<ProjectChoice>, crate::api::ApiError>) {
    model.busy.remove(&Slot::Projects);
    let current = current_project_id(model);
    let keys = model.keymap.clone();
    let Some(Overlay::Picker(picker)) = model.overlay.as_mut() else { return };
    if picker.kind != PickerKind::Project {
        return;
    }
    picker.loading = false;
    match result {
        Ok(projects) => {
            picker.choices = projects
                .into_iter()
                .map(|p| Choice {
                    value: p.id.to_string(),
                    label: p.name,
                    detail: format!("id {} · {}", p.id, p.organization),
                    current: Some(p.id) == current,
                })
                .collect();
            picker.selected = picker.visible().iter().position(|c| c.current).unwrap_or(0);
            if picker.choices.is_empty() {
                picker.error = Some("This key sees no projects.".into());
            }
        }
        Err(e) => picker.error = Some(super::error_text(&e, &keys)),
    }
}

/// The project the list shows: the loaded project's id, else the configured number.
fn current_project_id(model: &Model) -> Option<i64> {
    model.project.as_ref().map(|p| p.id).or_else(|| model.conn.as_ref()?.project.parse().ok())
}

/// Keys inside a picker.
pub fn picker_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let page = (model.height as usize).saturating_sub(8).max(1);
    let Some(Overlay::Picker(picker)) = model.overlay.as_mut() else { return Vec::new() };
    let last = picker.visible().len().saturating_sub(1);
    match action {
        // Nothing to filter while the projects load or when they could not be listed.
        Action::Search if !picker.loading && picker.error.is_none() => {
            picker.filtering = true;
        }
        Action::Back if !picker.filter.text.is_empty() => {
            picker.filter.clear();
            picker.selected = picker.choices.iter().position(|c| c.current).unwrap_or(0);
        }
        Action::Down => picker.selected = (picker.selected + 1).min(last),
        Action::Up => picker.selected = picker.selected.saturating_sub(1),
        Action::PageDown => picker.selected = (picker.selected + page).min(last),
        Action::PageUp => picker.selected = picker.selected.saturating_sub(page),
        Action::Top => picker.selected = 0,
        Action::Bottom => picker.selected = last,
        Action::Back | Action::Quit => {
            model.overlay = None;
            model.busy.remove(&Slot::Projects);
        }
        Action::ForceQuit => {
            model.should_quit = true;
            return vec![Cmd::Quit];
        }
        Action::Open => {
            let Some(choice) = picker.chosen().cloned() else { return Vec::new() };
            let kind = picker.kind;
            if choice.current {
                model.overlay = None;
                model.push_message(Level::Info, format!("Already on {}", sanitize(&choice.label)));
                return Vec::new();
            }
            return match kind {
                PickerKind::Profile => profile(model, Some(choice.value)),
                PickerKind::Project => match choice.value.parse() {
                    Ok(id) => project(model, Some(id)),
                    Err(_) => Vec::new(),
                },
            };
        }
        _ => {}
    }
    Vec::new()
}

/// Typing into the picker's filter: Enter keeps it (and switches when one choice is left), Esc
/// clears it, ↑/↓ move.
pub fn picker_filter_key(model: &mut Model, key: ratatui::crossterm::event::KeyEvent) -> Vec<Cmd> {
    use ratatui::crossterm::event::KeyCode;
    let Some(Overlay::Picker(picker)) = model.overlay.as_mut() else { return Vec::new() };
    match key.code {
        KeyCode::Enter => {
            picker.filtering = false;
            if picker.visible().len() == 1 {
                picker.selected = 0;
                return picker_action(model, Action::Open);
            }
        }
        KeyCode::Esc => {
            picker.filtering = false;
            picker.filter.clear();
            picker.selected = picker.choices.iter().position(|c| c.current).unwrap_or(0);
        }
        KeyCode::Down => return picker_action(model, Action::Down),
        KeyCode::Up => return picker_action(model, Action::Up),
        _ => {
            if super::fields::edit(&mut picker.filter, &key) == Some(true) {
                picker.selected = 0;
            }
        }
    }
    Vec::new()
}

/// Starts a switch unless writes of the current connection are pending.
fn switch(model: &mut Model, what: String, cmd: Cmd) -> Vec<Cmd> {
    if model.busy.contains(&Slot::Switch) || model.busy.contains(&Slot::Demo) {
        model.push_message(Level::Warn, "Already connecting; wait for it to finish");
        return Vec::new();
    }
    let pending = model.scheduled.len() + model.in_flight.len();
    if pending > 0 {
        model.push_message(
            Level::Warn,
            format!(
                "Not switching to {}: {pending} write(s) of this project are pending; \
                 let them finish or undo them ({}) first",
                sanitize(&what),
                model.keymap.first_key(Action::Undo, super::super::actions::Context::List)
            ),
        );
        return Vec::new();
    }
    model.overlay = None;
    model.busy.remove(&Slot::Projects);
    model.busy.insert(Slot::Switch);
    model.push_message(Level::Info, format!("Switching to {}…", sanitize(&what)));
    vec![cmd]
}

/// Connected elsewhere: start over there (the old project's state is dropped).
pub fn switched(model: &mut Model, conn: Connection, read_only: bool) -> Vec<Cmd> {
    let mut where_ = match &conn.profile {
        Some(p) => format!("profile {p} · {} · project {}", conn.host, conn.project),
        None => format!("{} · project {}", conn.host, conn.project),
    };
    if read_only {
        where_.push_str(" · read-only");
    }
    let mut next = model.switched(conn, read_only);
    next.screen = Screen::Main;
    next.push_message(Level::Info, format!("Switched to {}", sanitize(&where_)));
    *model = next;
    super::init(model)
}

pub fn switch_failed(model: &mut Model, reason: String) -> Vec<Cmd> {
    model.busy.remove(&Slot::Switch);
    model.push_message(Level::Error, format!("Could not switch: {}", sanitize(&reason)));
    Vec::new()
}
