//! Opening dialogs from actions, and the keys inside them. Every dialog ends in writes that go
//! through `writes::send` (edits) or `writes::schedule_delete` (deletions).
use super::writes::{schedule_delete, send};
use crate::app::Cmd;
use crate::app::dialog::*;
use crate::app::input::TextInput;
use crate::app::inspector::Row;
use crate::app::model::{Level, Model};
use crate::typed_value::ValueType;
use crate::writes::Write;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;

fn target(model: &Model) -> Option<Target> {
    model.inspected().map(|p| Target { uuid: p.uuid, name: p.name, distinct_ids: p.distinct_ids })
}

fn say(model: &mut Model, text: &str) -> Vec<Cmd> {
    model.push_message(Level::Warn, text);
    Vec::new()
}

/// `e`: edit the selected property (a nested value edits its top-level property as JSON).
pub fn edit_property(model: &mut Model) -> Vec<Cmd> {
    let Some(t) = target(model) else { return Vec::new() };
    let rows = model.inspector_rows();
    let Some(Row::Property { path, .. }) = rows.get(model.inspector.selected) else {
        let add = model
            .keymap
            .first_key(crate::app::actions::Action::AddProperty, crate::app::actions::Context::Inspector);
        return say(model, &format!("Select a property to edit (or press {add} to add one)"));
    };
    let key = path[0].clone();
    if key.starts_with('$') && !model.allow_dollar_edits {
        return say(model, DOLLAR_READ_ONLY);
    }
    let current = model.inspected().and_then(|p| p.properties.get(&key).cloned()).unwrap_or(Value::Null);
    let value_type = ValueType::of(&current);
    let text = match &current {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v @ (Value::Object(_) | Value::Array(_)) => serde_json::to_string_pretty(v).unwrap_or_default(),
        other => other.to_string(),
    };
    model.dialog = Some(Dialog::Property(PropertyDialog {
        target: t,
        adding: false,
        key: TextInput::new(&key),
        value: Editor::with_text(&text),
        value_type,
        focus: Field::Value,
        error: None,
        sending: None,
    }));
    Vec::new()
}

/// `a`: add a property (key, type, value).
pub fn add_property(model: &mut Model) -> Vec<Cmd> {
    let Some(t) = target(model) else { return Vec::new() };
    model.dialog = Some(Dialog::Property(PropertyDialog {
        target: t,
        adding: true,
        key: TextInput::default(),
        value: Editor::default(),
        value_type: ValueType::String,
        focus: Field::Key,
        error: None,
        sending: None,
    }));
    Vec::new()
}

/// `d`: delete the selected top-level property, after a confirmation naming it and the person.
pub fn delete_property(model: &mut Model) -> Vec<Cmd> {
    let Some(t) = target(model) else { return Vec::new() };
    let rows = model.inspector_rows();
    let Some(Row::Property { path, .. }) = rows.get(model.inspector.selected) else {
        return say(model, "Select a property to delete");
    };
    let key = path[0].clone();
    if key.starts_with('$') && !model.allow_dollar_edits {
        return say(model, DOLLAR_READ_ONLY);
    }
    let Some(person) = t.id() else { return Vec::new() };
    model.dialog = Some(Dialog::Confirm(ConfirmDialog {
        title: "Delete property".into(),
        lines: vec![
            format!("Delete property {key:?} from {}?", t.name),
            "PostHog removes it asynchronously ($unset); the journal keeps the old value.".into(),
        ],
        writes: vec![Write::DeleteProperty { person, key }],
        expect: Vec::new(),
        focus: Field::Cancel,
    }));
    Vec::new()
}

/// `E`: every property as JSON.
pub fn edit_json(model: &mut Model) -> Vec<Cmd> {
    let Some(p) = model.inspected() else { return Vec::new() };
    let text = serde_json::to_string_pretty(&Value::Object(p.properties.clone())).unwrap_or_default();
    let t = Target { uuid: p.uuid, name: p.name, distinct_ids: p.distinct_ids };
    let mut editor = Editor::with_text(&text);
    editor.0.move_cursor(ratatui_textarea::CursorMove::Top); // start reading at the top
    model.dialog = Some(Dialog::Json(JsonDialog { target: t, original: p.properties, editor, error: None }));
    Vec::new()
}

/// `x`: queue deletion of the person's events, keeping the person.
pub fn delete_events(model: &mut Model) -> Vec<Cmd> {
    let Some(t) = target(model) else { return Vec::new() };
    let Some(person) = t.id() else { return Vec::new() };
    model.dialog = Some(Dialog::Confirm(ConfirmDialog {
        title: "Delete events".into(),
        lines: vec![
            format!("Queue deletion of every event of {}?", t.name),
            "The person and their properties stay. PostHog deletes events later, in a scheduled batch."
                .into(),
        ],
        writes: vec![Write::DeleteEvents { person }],
        expect: Vec::new(),
        focus: Field::Cancel,
    }));
    Vec::new()
}

/// `S`: split a person with more than one distinct id.
pub fn split(model: &mut Model) -> Vec<Cmd> {
    let Some(t) = target(model) else { return Vec::new() };
    if t.distinct_ids.len() < 2 {
        return say(model, "This person has one distinct id; there is nothing to split");
    }
    model.dialog = Some(Dialog::Split(SplitDialog {
        target: t,
        kind: SplitKind::All,
        main: 0,
        chosen: Default::default(),
        cursor: 0,
        focus: Field::Cancel,
    }));
    Vec::new()
}

/// `D`: delete the marked persons, or the highlighted / inspected one.
pub fn delete_persons(model: &mut Model, from_inspector: bool) -> Vec<Cmd> {
    let persons: Vec<_> = if !from_inspector && !model.marks.is_empty() {
        model.marks.values().cloned().collect()
    } else if from_inspector {
        let uuid = model.inspector.uuid.clone();
        model
            .list
            .items
            .iter()
            .chain(model.extra_person.as_ref())
            .filter(|p| Some(p.uuid()) == uuid.as_deref())
            .take(1)
            .cloned()
            .collect()
    } else {
        model.selected_person().cloned().into_iter().collect()
    };
    if persons.is_empty() {
        return Vec::new();
    }
    let hidden_by_search = if persons.len() > 1 { model.marks_hidden() } else { 0 };
    model.dialog = Some(Dialog::Delete(DeleteDialog {
        persons,
        hidden_by_search,
        delete_events: false,
        delete_recordings: false,
        confirm: TextInput::default(),
        focus: Field::Cancel,
    }));
    Vec::new()
}

/// `:reset-distinct-id <id>`.
pub fn reset_distinct_id(model: &mut Model, distinct_id: String) -> Vec<Cmd> {
    model.dialog = Some(Dialog::Confirm(ConfirmDialog {
        title: "Reset distinct id".into(),
        lines: vec![
            format!("Let {distinct_id:?} be used by a new person again?"),
            "After a person is deleted, PostHog keeps a tombstone that can hide a new person with the same".into(),
            "distinct id. Resetting lifts it above the tombstone. Nothing happens if no deleted person had it.".into(),
        ],
        writes: vec![Write::ResetDistinctId { distinct_id }],
        expect: Vec::new(),
        focus: Field::Cancel,
    }));
    Vec::new()
}

/// `u` on a journal entry: put the previous value back (a new write, itself journaled).
pub fn restore(model: &mut Model, entry: Option<crate::journal::JournalEntry>) -> Vec<Cmd> {
    let Some(entry) = entry else { return Vec::new() };
    if !same_place(model, &entry) {
        let text = format!(
            "This write went to {} project {}; switch there first (:profile, :project) to restore it",
            crate::text::sanitize(&entry.host),
            crate::text::sanitize(&entry.project)
        );
        return say(model, &text);
    }
    let writes = crate::journal::restore_writes(&entry);
    if writes.is_empty() {
        return say(
            model,
            "This entry cannot be restored: only successful property edits with a recorded pre-image can",
        );
    }
    let mut lines = vec![format!(
        "Undo this {} {} from {}?",
        entry.method,
        entry.endpoint,
        entry.time.format("%Y-%m-%d %H:%M:%S UTC")
    )];
    lines.extend(writes.iter().map(|w| format!("~ {}", w.describe())));
    lines.push("The restore is a new write; it is journaled too.".into());
    model.overlay = None;
    model.dialog = Some(Dialog::Confirm(ConfirmDialog {
        title: "Restore previous value".into(),
        lines,
        writes,
        expect: Vec::new(),
        focus: Field::Cancel,
    }));
    Vec::new()
}

/// Whether a journal entry was written to the host and project hogdex is connected to now.
fn same_place(model: &Model, entry: &crate::journal::JournalEntry) -> bool {
    let Some(conn) = &model.conn else { return false };
    let host = |h: &str| h.trim_end_matches('/').to_ascii_lowercase();
    let loaded = model.project.as_ref().map(|p| p.id.to_string());
    host(&conn.host) == host(&entry.host)
        && (entry.project == conn.project || Some(&entry.project) == loaded.as_ref())
}

/// Keys while a dialog is open.
pub fn key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    let Some(dialog) = model.dialog.take() else { return Vec::new() };
    let (kept, cmds) = match dialog {
        Dialog::Property(d) => property_key(model, d, key),
        Dialog::Json(d) => json_key(model, d, key),
        Dialog::Delete(d) => delete_key(model, d, key),
        Dialog::Split(d) => split_key(model, d, key),
        Dialog::Confirm(d) => confirm_key(model, d, key),
        Dialog::Insight(f) => super::extras::form_key(model, f, key),
    };
    // A handler may have replaced the dialog (JSON → diff confirmation); keep that one.
    if model.dialog.is_none() {
        model.dialog = kept;
    }
    cmds
}

fn cycle(fields: &[Field], at: Field, back: bool) -> Field {
    let i = fields.iter().position(|f| *f == at).unwrap_or(0);
    let n = fields.len();
    fields[if back { (i + n - 1) % n } else { (i + 1) % n }]
}

fn ctrl(key: &KeyEvent, c: char) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char(c)
}

fn next_type(t: ValueType, back: bool) -> ValueType {
    let all = ValueType::ALL;
    let i = all.iter().position(|x| *x == t).unwrap_or(0);
    all[if back { (i + all.len() - 1) % all.len() } else { (i + 1) % all.len() }]
}

fn property_key(model: &mut Model, mut d: PropertyDialog, key: KeyEvent) -> (Option<Dialog>, Vec<Cmd>) {
    let back = key.code == KeyCode::BackTab;
    match key.code {
        KeyCode::Esc => return (None, Vec::new()),
        KeyCode::Tab | KeyCode::BackTab => d.focus = cycle(&d.fields(), d.focus, back),
        _ if ctrl(&key, 't') => d.value_type = next_type(d.value_type, false),
        KeyCode::Enter if d.focus == Field::Cancel => return (None, Vec::new()),
        KeyCode::Enter | KeyCode::Char('s') if key.code == KeyCode::Enter || ctrl(&key, 's') => {
            if d.sending.is_some() {
                return (Some(Dialog::Property(d)), Vec::new());
            }
            match d.write(model.allow_dollar_edits) {
                Err(e) => d.error = Some(e),
                Ok(write) => {
                    d.error = None;
                    let (id, cmds) = send(model, write, None, Vec::new());
                    d.sending = Some(id);
                    return (Some(Dialog::Property(d)), cmds);
                }
            }
        }
        KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if d.focus == Field::Type => {
            d.value_type = next_type(d.value_type, key.code == KeyCode::Left)
        }
        _ => match d.focus {
            Field::Key if d.adding => {
                super::fields::edit(&mut d.key, &key);
            }
            Field::Value => {
                d.value.0.input(key);
            }
            _ => {}
        },
    }
    (Some(Dialog::Property(d)), Vec::new())
}

fn json_key(model: &mut Model, mut d: JsonDialog, key: KeyEvent) -> (Option<Dialog>, Vec<Cmd>) {
    if key.code == KeyCode::Esc {
        let unchanged =
            serde_json::from_str::<Value>(&d.editor.text()).ok() == Some(Value::Object(d.original.clone()));
        if unchanged || d.error.as_deref() == Some(UNSAVED) {
            return (None, Vec::new());
        }
        d.error = Some(UNSAVED.into());
        return (Some(Dialog::Json(d)), Vec::new());
    }
    if !ctrl(&key, 's') {
        d.editor.0.input(key);
        if d.error.as_deref() == Some(UNSAVED) {
            d.error = None;
        }
        return (Some(Dialog::Json(d)), Vec::new());
    }
    let edited = match serde_json::from_str::<Value>(&d.editor.text()) {
        Ok(Value::Object(m)) => m,
        Ok(_) => {
            d.error = Some("the properties must be one JSON object { … }".into());
            return (Some(Dialog::Json(d)), Vec::new());
        }
        Err(e) => {
            d.error = Some(format!("not valid JSON: {e}"));
            return (Some(Dialog::Json(d)), Vec::new());
        }
    };
    let diff = PropertyDiff::between(&d.original, &edited);
    if diff.is_empty() {
        model.push_message(Level::Info, "No changes");
        return (None, Vec::new());
    }
    let dollar = diff.dollar_keys();
    if !dollar.is_empty() && !model.allow_dollar_edits {
        d.error = Some(format!("{} ({})", DOLLAR_READ_ONLY, dollar.join(", ")));
        return (Some(Dialog::Json(d)), Vec::new());
    }
    let Some(person) = d.target.id() else { return (Some(Dialog::Json(d)), Vec::new()) };
    let mut lines = vec![format!("Save these changes to {}?", d.target.name)];
    let show = |v: &Value| crate::text::fit(&v.to_string(), 70);
    for (k, old, new) in &diff.set {
        lines.push(match old {
            Some(o) => format!("~ {k}: {} → {}", show(o), show(new)),
            None => format!("+ {k}: {}", show(new)),
        });
    }
    for (k, old) in &diff.unset {
        lines.push(format!("- {k}: {}", show(old)));
    }
    let writes = diff.writes(person);
    lines.push(format!(
        "{} call(s): {}",
        writes.len(),
        writes.iter().map(super::writes::label).collect::<Vec<_>>().join("; ")
    ));
    model.dialog = Some(Dialog::Confirm(ConfirmDialog {
        title: "Review changes".into(),
        lines,
        writes,
        expect: Vec::new(),
        focus: Field::Ok,
    }));
    (None, Vec::new())
}

const UNSAVED: &str = "unsaved changes — Esc again discards them, ctrl-s reviews them";

fn delete_key(model: &mut Model, mut d: DeleteDialog, key: KeyEvent) -> (Option<Dialog>, Vec<Cmd>) {
    let back = key.code == KeyCode::BackTab;
    match key.code {
        KeyCode::Esc => return (None, Vec::new()),
        KeyCode::Tab | KeyCode::BackTab | KeyCode::Down | KeyCode::Up => {
            d.focus = cycle(&d.fields(), d.focus, back || key.code == KeyCode::Up)
        }
        KeyCode::Char(' ') | KeyCode::Enter if d.focus == Field::Option1 => {
            d.delete_events = !d.delete_events
        }
        KeyCode::Char(' ') | KeyCode::Enter if d.focus == Field::Option2 => {
            d.delete_recordings = !d.delete_recordings
        }
        KeyCode::Enter if d.focus == Field::Cancel => return (None, Vec::new()),
        KeyCode::Enter if d.focus == Field::Confirm || d.focus == Field::Ok => {
            if !d.confirmed() {
                d.focus = Field::Confirm;
                return (Some(Dialog::Delete(d)), Vec::new());
            }
            let Some(write) = d.write() else { return (None, Vec::new()) };
            let uuids: Vec<String> = d.persons.iter().map(|p| p.uuid().to_string()).collect();
            let before = d.bulk().then(|| serde_json::to_value(&d.persons).unwrap_or(Value::Null));
            return (None, schedule_delete(model, write, uuids, before));
        }
        _ if d.focus == Field::Confirm => {
            super::fields::edit(&mut d.confirm, &key);
        }
        _ => {}
    }
    (Some(Dialog::Delete(d)), Vec::new())
}

fn split_key(model: &mut Model, mut d: SplitDialog, key: KeyEvent) -> (Option<Dialog>, Vec<Cmd>) {
    let back = key.code == KeyCode::BackTab;
    let n = d.target.distinct_ids.len();
    match key.code {
        KeyCode::Esc => return (None, Vec::new()),
        KeyCode::Tab | KeyCode::BackTab => {
            d.focus = cycle(&[Field::Mode, Field::Ids, Field::Ok, Field::Cancel], d.focus, back)
        }
        KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if d.focus == Field::Mode => {
            d.kind = if d.kind == SplitKind::All { SplitKind::Extract } else { SplitKind::All }
        }
        KeyCode::Down | KeyCode::Char('j') if d.focus == Field::Ids => {
            d.cursor = (d.cursor + 1).min(n.saturating_sub(1))
        }
        KeyCode::Up | KeyCode::Char('k') if d.focus == Field::Ids => d.cursor = d.cursor.saturating_sub(1),
        KeyCode::Char(' ') if d.focus == Field::Ids => match d.kind {
            SplitKind::All => d.main = d.cursor,
            SplitKind::Extract => {
                if !d.chosen.remove(&d.cursor) {
                    d.chosen.insert(d.cursor);
                }
            }
        },
        KeyCode::Enter if d.focus == Field::Cancel => return (None, Vec::new()),
        KeyCode::Enter => match d.write() {
            Err(e) => {
                model.push_message(Level::Warn, e);
            }
            Ok(write) => {
                let remaining: Vec<String> = match &d.mode() {
                    crate::api::SplitMode::All { main } => main.iter().cloned().collect(),
                    crate::api::SplitMode::Extract(moved) => {
                        d.target.distinct_ids.iter().filter(|i| !moved.contains(i)).cloned().collect()
                    }
                };
                let extra = vec![(d.target.uuid.clone(), Expect::DistinctIds(remaining))];
                let (_, cmds) = send(model, write, None, extra);
                return (None, cmds);
            }
        },
        _ => {}
    }
    (Some(Dialog::Split(d)), Vec::new())
}

fn confirm_key(model: &mut Model, mut d: ConfirmDialog, key: KeyEvent) -> (Option<Dialog>, Vec<Cmd>) {
    match key.code {
        KeyCode::Esc => (None, Vec::new()),
        KeyCode::Tab
        | KeyCode::BackTab
        | KeyCode::Left
        | KeyCode::Right
        | KeyCode::Char('h')
        | KeyCode::Char('l') => {
            d.focus = if d.focus == Field::Ok { Field::Cancel } else { Field::Ok };
            (Some(Dialog::Confirm(d)), Vec::new())
        }
        KeyCode::Enter if d.focus == Field::Ok => {
            let mut cmds = Vec::new();
            let mut extra = d.expect;
            for w in d.writes {
                let (_, c) = send(model, w, None, std::mem::take(&mut extra));
                cmds.extend(c);
            }
            (None, cmds)
        }
        KeyCode::Enter => (None, Vec::new()),
        _ => (Some(Dialog::Confirm(d)), Vec::new()),
    }
}
