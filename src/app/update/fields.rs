//! Keys while a text field has focus: the search box (search-as-you-type, debounced), the
//! inspector's filter, and the command palette.
use super::{act, inspect, list};
use crate::app::actions::Action;
use crate::app::input::TextInput;
use crate::app::model::{Focus, Level, Model, Overlay};
use crate::app::palette::{PaletteCommand, complete, parse};
use crate::app::search::parse_query;
use crate::app::update::SEARCH_DEBOUNCE;
use crate::app::{Cmd, Slot, Timer};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Applies a line-editing key; returns whether the text changed (`None`: not an editing key).
pub(super) fn edit(input: &mut TextInput, key: &KeyEvent) -> Option<bool> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char('w') if ctrl => input.delete_word(),
        KeyCode::Char('u') if ctrl => {
            let had = !input.text.is_empty();
            input.clear();
            had
        }
        KeyCode::Char('a') if ctrl => {
            input.home();
            false
        }
        KeyCode::Char('e') if ctrl => {
            input.end();
            false
        }
        KeyCode::Char(_) if ctrl => return None,
        KeyCode::Char(c) => {
            input.insert(c);
            true
        }
        KeyCode::Backspace => input.backspace(),
        KeyCode::Delete => input.delete(),
        KeyCode::Left => {
            input.left();
            false
        }
        KeyCode::Right => {
            input.right();
            false
        }
        KeyCode::Home => {
            input.home();
            false
        }
        KeyCode::End => {
            input.end();
            false
        }
        _ => return None,
    })
}

/// Search box: typing schedules a debounced search; Enter runs now and moves to the results;
/// Esc clears; ↑/↓ move through the results while typing.
pub fn search_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    match key.code {
        KeyCode::Enter => {
            model.search.editing = false;
            let text = model.search.input.text.trim().to_string();
            let mut cmds = Vec::new();
            if text != model.search.applied || model.list.error.is_some() {
                model.search.generation += 1; // the pending debounce is now redundant
                cmds = list::run_search(model);
                if model.search.error.is_some() {
                    model.search.editing = true; // malformed: stay to fix it
                    return cmds;
                }
            }
            super::focus(model, Focus::List);
            cmds
        }
        KeyCode::Esc => {
            model.search.editing = false;
            model.search.generation += 1;
            let had_query = !model.search.applied.is_empty();
            model.search.input.clear();
            model.search.error = None;
            if had_query { list::run_search(model) } else { Vec::new() }
        }
        KeyCode::Tab => {
            model.search.editing = false;
            Vec::new()
        }
        KeyCode::Down => act(model, Action::Down),
        KeyCode::Up => act(model, Action::Up),
        _ => match edit(&mut model.search.input, &key) {
            Some(true) => search_changed(model),
            _ => Vec::new(),
        },
    }
}

/// The text changed: validate now, search after a pause (nothing is sent for a malformed query).
fn search_changed(model: &mut Model) -> Vec<Cmd> {
    model.search.generation += 1;
    match parse_query(&model.search.input.text) {
        Err(e) => {
            model.search.error = Some(e);
            Vec::new()
        }
        Ok(_) => {
            model.search.error = None;
            vec![Cmd::Debounce {
                timer: Timer::Search,
                generation: model.search.generation,
                after: SEARCH_DEBOUNCE,
            }]
        }
    }
}

/// Inspector filter: narrows rows as you type; Enter keeps it, Esc clears it.
pub fn filter_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    match key.code {
        KeyCode::Enter | KeyCode::Tab => model.inspector.filter_editing = false,
        KeyCode::Esc => {
            model.inspector.filter_editing = false;
            model.inspector.filter.clear();
            inspect::follow_selection(model);
        }
        KeyCode::Down => return act(model, Action::Down),
        KeyCode::Up => return act(model, Action::Up),
        _ => {
            if edit(&mut model.inspector.filter, &key) == Some(true) {
                model.inspector.selected = 0;
                model.inspector.scroll = 0;
                inspect::follow_selection(model);
            }
        }
    }
    Vec::new()
}

/// Command palette: Tab completes, Enter runs, Esc (or Backspace on empty) closes.
pub fn palette_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    let Some(input) = model.palette.as_mut() else { return Vec::new() };
    match key.code {
        KeyCode::Esc => model.palette = None,
        KeyCode::Backspace if input.text.is_empty() => model.palette = None,
        KeyCode::Tab => {
            let names: Vec<&str> = model.profiles.iter().map(|p| p.name.as_str()).collect();
            if let Some(done) = complete(&input.text).or_else(|| complete_profile(&input.text, &names)) {
                input.set(&done);
            }
        }
        KeyCode::Enter => {
            let text = input.text.clone();
            return match parse(&text) {
                Ok(cmd) => {
                    model.palette = None;
                    run_command(model, cmd)
                }
                Err(e) => {
                    model.push_message(Level::Warn, e);
                    Vec::new()
                }
            };
        }
        _ => {
            edit(input, &key);
        }
    }
    Vec::new()
}

/// `profile st` + Tab: the profile names that start so (the longest common prefix).
fn complete_profile(text: &str, names: &[&str]) -> Option<String> {
    let rest = text.strip_prefix("profile ")?.trim_start();
    let found: Vec<&str> = names.iter().copied().filter(|n| n.starts_with(rest)).collect();
    let first = *found.first()?;
    let common = (rest.len()..=first.len())
        .rev()
        .find(|&n| first.is_char_boundary(n) && found.iter().all(|f| f.starts_with(&first[..n])))?;
    (common > rest.len() || found.len() == 1).then(|| format!("profile {}", &first[..common]))
}

fn run_command(model: &mut Model, cmd: PaletteCommand) -> Vec<Cmd> {
    match cmd {
        PaletteCommand::Quit => act(model, Action::ForceQuit),
        PaletteCommand::Help => act(model, Action::Help),
        PaletteCommand::Profile(name) => super::switch::profile(model, name),
        PaletteCommand::Project(id) => super::switch::project(model, id),
        PaletteCommand::Refresh => act(model, Action::Refresh),
        PaletteCommand::Journal => vec![Cmd::LoadJournal],
        PaletteCommand::Activity => super::extras::open_activity(model),
        PaletteCommand::Timeline(keys) => super::history::watch(model, keys),
        PaletteCommand::Insight(kind) => super::extras::open_form(model, kind),
        PaletteCommand::Export(format, file) => super::extras::export(model, format, &file),
        PaletteCommand::Messages => {
            model.overlay = Some(Overlay::Messages { scroll: 0 });
            Vec::new()
        }
        PaletteCommand::ResetDistinctId(_) if model.busy.contains(&crate::app::Slot::Switch) => {
            super::switching_refusal(model);
            Vec::new()
        }
        PaletteCommand::ResetDistinctId(id) if model.read_only => {
            model.push_message(Level::Warn, format!("Read-only mode: not resetting {id}"));
            Vec::new()
        }
        PaletteCommand::ResetDistinctId(id) => super::dialogs::reset_distinct_id(model, id),
        PaletteCommand::Person(query) => {
            model.lookup_generation += 1;
            model.busy.insert(Slot::Lookup);
            model.push_message(Level::Info, format!("Looking up {query}…"));
            vec![Cmd::FindPerson { generation: model.lookup_generation, query }]
        }
    }
}

/// Bracketed paste goes into whichever text field has focus (dialogs first).
pub fn paste(model: &mut Model, text: &str) -> Vec<Cmd> {
    use crate::app::dialog::{Dialog, Field};
    if let Some(dialog) = model.dialog.as_mut() {
        match dialog {
            Dialog::Property(d) if d.focus == Field::Key && d.adding => d.key.insert_str(text),
            Dialog::Property(d) if d.focus == Field::Value => {
                d.value.0.insert_str(text);
            }
            Dialog::Json(d) => {
                d.editor.0.insert_str(text);
            }
            Dialog::Delete(d) if d.focus == Field::Confirm => d.confirm.insert_str(text),
            _ => {}
        }
        return Vec::new();
    }
    if let Some(input) = model.palette.as_mut() {
        input.insert_str(text);
        Vec::new()
    } else if let Some(Overlay::Picker(p)) = model.overlay.as_mut() {
        if p.filtering {
            p.filter.insert_str(text);
            p.selected = 0;
        }
        Vec::new()
    } else if model.search.editing {
        model.search.input.insert_str(text);
        search_changed(model)
    } else if model.inspector.filter_editing {
        model.inspector.filter.insert_str(text);
        inspect::follow_selection(model);
        Vec::new()
    } else {
        Vec::new()
    }
}
