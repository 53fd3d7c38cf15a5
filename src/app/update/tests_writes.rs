//! `update` for everything that writes: dialogs produce exactly the intended `Write`s, deletions
//! wait out the grace period, failures keep the typed text, accepted writes are re-checked.
use super::test_support::press;
use crate::api::{PersonRecord, SplitMode};
use crate::app::dialog::{Dialog, Field};
use crate::app::model::{CheckState, Model};
use crate::app::{Cmd, Msg, Timer, update};
use crate::writes::{Write, WriteOutcome};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

const ALICE: &str = "0190f0c2-0000-7000-8000-00000000a11c";

fn person(i: usize) -> crate::api::PersonListItem {
    let uuid = if i == 0 { ALICE.to_string() } else { format!("0190f0c2-0000-7000-8000-{i:012}") };
    serde_json::from_value(
        json!({"id": uuid, "uuid": uuid, "distinct_ids": [format!("d{i}"), format!("e{i}")],
        "properties": {"email": format!("p{i}@x.io"), "code": "x", "$browser": "Firefox"}}),
    )
    .unwrap()
}

fn record() -> PersonRecord {
    serde_json::from_value(json!({"id": 1, "uuid": ALICE, "distinct_ids": ["d0", "e0", "f0"],
        "properties": {"email": "p0@x.io", "code": "x", "$browser": "Firefox"}}))
    .unwrap()
}

fn ctrl(m: &mut Model, c: char) -> Vec<Cmd> {
    update(m, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
}

fn typed(m: &mut Model, text: &str) {
    for c in text.chars() {
        press(m, KeyCode::Char(c));
    }
}

/// A model with 10 persons listed and Alice open in the inspector (full record loaded).
fn ready(read_only: bool) -> Model {
    use super::test_support::{demo_conn, sized, with_first_page};
    let page = crate::api::Page {
        results: (0..10).map(person).collect(),
        next: None,
        previous: None,
        count: Some(10),
    };
    let mut m = with_first_page(sized(chrono::DateTime::UNIX_EPOCH, demo_conn(), read_only), page);
    press(&mut m, KeyCode::Enter);
    let g = m.inspector.generation;
    update(&mut m, Msg::PersonLoaded { generation: g, uuid: ALICE.into(), result: Ok(record()) });
    m
}

/// Selects the inspector row of a top-level property.
fn select_key(m: &mut Model, key: &str) {
    let rows = m.inspector_rows();
    m.inspector.selected = rows
        .iter()
        .position(|r| matches!(r, crate::app::inspector::Row::Property { key: k, depth: 0, .. } if k == key))
        .expect("row");
}

fn writes(cmds: &[Cmd]) -> Vec<Write> {
    cmds.iter()
        .filter_map(|c| if let Cmd::Write { write, .. } = c { Some(write.clone()) } else { None })
        .collect()
}

fn write_id(cmds: &[Cmd]) -> u64 {
    cmds.iter().find_map(|c| if let Cmd::Write { id, .. } = c { Some(*id) } else { None }).expect("a write")
}

#[test]
fn typed_edit_of_007_as_string_and_as_number() {
    let mut m = ready(false);
    select_key(&mut m, "code");
    press(&mut m, KeyCode::Char('e'));
    assert!(
        matches!(&m.dialog, Some(Dialog::Property(d)) if d.value.text() == "x" && d.focus == Field::Value)
    );
    press(&mut m, KeyCode::Backspace); // the cursor starts at the end of the old value
    typed(&mut m, "007");
    let Some(Dialog::Property(d)) = &m.dialog else { panic!() };
    assert_eq!(d.value.text(), "007");
    assert_eq!(d.preview().unwrap(), r#"{"key":"code","value":"007"}"#);
    let sent = press(&mut m, KeyCode::Enter);
    let person = crate::api::PersonId::parse(ALICE).unwrap();
    assert_eq!(writes(&sent), [Write::UpdateProperty { person, key: "code".into(), value: json!("007") }]);
    assert!(
        matches!(&m.dialog, Some(Dialog::Property(d)) if d.sending.is_some()),
        "stays open until answered"
    );
    update(
        &mut m,
        Msg::WriteDone { id: write_id(&sent), result: Ok(WriteOutcome::Done { journal_warning: None }) },
    );
    assert!(m.dialog.is_none());

    select_key(&mut m, "code");
    press(&mut m, KeyCode::Char('e'));
    ctrl(&mut m, 't'); // string → number
    let Some(Dialog::Property(d)) = &m.dialog else { panic!() };
    assert_eq!(d.value_type, crate::typed_value::ValueType::Number);
    if let Some(Dialog::Property(d)) = &mut m.dialog {
        d.value = crate::app::dialog::Editor::with_text("007");
    }
    let sent = press(&mut m, KeyCode::Enter);
    assert_eq!(writes(&sent), [Write::UpdateProperty { person, key: "code".into(), value: json!(7) }]);
}

#[test]
fn invalid_input_cannot_be_saved_and_failures_keep_the_text() {
    let mut m = ready(false);
    press(&mut m, KeyCode::Char('a'));
    typed(&mut m, "seats");
    press(&mut m, KeyCode::Tab);
    typed(&mut m, "many");
    ctrl(&mut m, 't');
    assert!(writes(&press(&mut m, KeyCode::Enter)).is_empty(), "\"many\" is not a number");
    assert!(
        matches!(&m.dialog, Some(Dialog::Property(d)) if d.error.as_deref().unwrap().contains("not a number"))
    );
    for _ in 0..4 {
        ctrl(&mut m, 't'); // number → bool → null → json → string
    }
    let sent = press(&mut m, KeyCode::Enter);
    assert!(
        matches!(writes(&sent).as_slice(), [Write::UpdateProperty { key, value, .. }] if key == "seats" && value == &json!("many"))
    );
    update(
        &mut m,
        Msg::WriteDone { id: write_id(&sent), result: Err("PostHog had a server error (500)".into()) },
    );
    let Some(Dialog::Property(d)) = &m.dialog else { panic!("the dialog stays open") };
    assert_eq!((d.key.text.as_str(), d.value.text().as_str()), ("seats", "many"), "nothing typed is lost");
    assert!(d.error.as_deref().unwrap().contains("500"));
    assert_eq!(writes(&press(&mut m, KeyCode::Enter)).len(), 1, "Enter retries");
}

#[test]
fn dollar_properties_are_read_only() {
    let mut m = ready(false);
    select_key(&mut m, "$browser");
    assert!(press(&mut m, KeyCode::Char('e')).is_empty());
    assert!(m.dialog.is_none());
    assert!(m.last_message().unwrap().text.contains("read-only"));
    press(&mut m, KeyCode::Char('d'));
    assert!(m.dialog.is_none());
    m.allow_dollar_edits = true;
    press(&mut m, KeyCode::Char('e'));
    assert!(m.dialog.is_some(), "the config can allow it");
}

#[test]
fn delete_property_is_confirmed_with_cancel_focused() {
    let mut m = ready(false);
    select_key(&mut m, "code");
    press(&mut m, KeyCode::Char('d'));
    assert!(
        matches!(&m.dialog, Some(Dialog::Confirm(d)) if d.focus == Field::Cancel && d.lines[0].contains("code"))
    );
    assert!(press(&mut m, KeyCode::Enter).is_empty(), "Enter on Cancel sends nothing");
    press(&mut m, KeyCode::Char('d'));
    press(&mut m, KeyCode::Tab);
    let sent = press(&mut m, KeyCode::Enter);
    assert!(matches!(writes(&sent).as_slice(), [Write::DeleteProperty { key, .. }] if key == "code"));
}

#[test]
fn whole_json_edit_sends_the_minimal_calls_after_review() {
    let mut m = ready(false);
    press(&mut m, KeyCode::Char('E'));
    let text = r#"{"email": "p0@x.io", "plan": "pro", "$browser": "Firefox"}"#;
    if let Some(Dialog::Json(d)) = &mut m.dialog {
        d.editor = crate::app::dialog::Editor::with_text(text);
    }
    assert!(ctrl(&mut m, 's').is_empty(), "review first");
    let Some(Dialog::Confirm(c)) = &m.dialog else { panic!("a diff to confirm") };
    assert!(
        c.lines.iter().any(|l| l.starts_with("+ plan")) && c.lines.iter().any(|l| l.starts_with("- code"))
    );
    let sent = press(&mut m, KeyCode::Enter);
    let w = writes(&sent);
    assert!(
        matches!(&w[0], Write::UpdateProperty { key, value, .. } if key == "plan" && value == &json!("pro"))
    );
    assert!(matches!(&w[1], Write::DeleteProperty { key, .. } if key == "code"));
    assert_eq!(w.len(), 2);
    // Malformed JSON is explained and kept.
    press(&mut m, KeyCode::Char('E'));
    if let Some(Dialog::Json(d)) = &mut m.dialog {
        d.editor = crate::app::dialog::Editor::with_text("{\"a\": ");
    }
    ctrl(&mut m, 's');
    assert!(
        matches!(&m.dialog, Some(Dialog::Json(d)) if d.error.as_deref().unwrap().contains("not valid JSON"))
    );
}

#[test]
fn single_delete_waits_the_grace_period_and_undo_sends_nothing() {
    let mut m = ready(false);
    press(&mut m, KeyCode::Esc); // back to the list
    press(&mut m, KeyCode::Char('D'));
    assert!(matches!(&m.dialog, Some(Dialog::Delete(d)) if d.focus == Field::Cancel && !d.needs_typing()));
    assert!(press(&mut m, KeyCode::Enter).is_empty() && m.dialog.is_none(), "Cancel is focused");
    press(&mut m, KeyCode::Char('D'));
    press(&mut m, KeyCode::BackTab); // Cancel → Delete
    let cmds = press(&mut m, KeyCode::Enter);
    let Some(Cmd::Debounce { timer: Timer::Grace(id), after, .. }) = cmds.first() else { panic!("{cmds:?}") };
    assert_eq!(*after, std::time::Duration::from_secs(5));
    assert!(writes(&cmds).is_empty(), "nothing is sent during the grace period");
    assert!(m.countdown(ALICE).is_some());
    press(&mut m, KeyCode::Char('u'));
    assert!(
        update(&mut m, Msg::TimerFired { timer: Timer::Grace(*id), generation: *id }).is_empty(),
        "undone"
    );
    assert!(m.scheduled.is_empty());
    // Without undo, the timer sends it.
    press(&mut m, KeyCode::Char('D'));
    press(&mut m, KeyCode::BackTab);
    let cmds = press(&mut m, KeyCode::Enter);
    let Some(Cmd::Debounce { timer: Timer::Grace(id), .. }) = cmds.first() else { panic!() };
    let sent = update(&mut m, Msg::TimerFired { timer: Timer::Grace(*id), generation: *id });
    assert!(
        matches!(writes(&sent).as_slice(), [Write::DeletePerson { options, .. }] if !options.delete_events)
    );
    update(&mut m, Msg::WriteDone { id: *id, result: Ok(WriteOutcome::Done { journal_warning: None }) });
    assert!(m.list.items.iter().all(|p| p.uuid() != ALICE));
    assert_eq!(m.list.total, Some(9));
}

#[test]
fn deleting_events_too_requires_typing_delete_and_grace_zero_sends_at_once() {
    let mut m = ready(false);
    m.grace = std::time::Duration::ZERO;
    press(&mut m, KeyCode::Esc);
    press(&mut m, KeyCode::Char('D'));
    press(&mut m, KeyCode::Tab); // Cancel → events option
    press(&mut m, KeyCode::Char(' '));
    assert!(matches!(&m.dialog, Some(Dialog::Delete(d)) if d.delete_events && d.needs_typing()));
    for _ in 0..2 {
        press(&mut m, KeyCode::Tab); // → recordings → confirm text
    }
    assert!(press(&mut m, KeyCode::Enter).is_empty(), "not typed yet");
    typed(&mut m, "delete");
    let sent = press(&mut m, KeyCode::Enter);
    assert!(
        matches!(writes(&sent).as_slice(), [Write::DeletePerson { options, .. }] if options.delete_events)
    );
}

#[test]
fn bulk_delete_of_marked_persons() {
    let mut m = ready(false);
    press(&mut m, KeyCode::Esc);
    for _ in 0..3 {
        press(&mut m, KeyCode::Char(' '));
    }
    assert_eq!(m.marks.len(), 3);
    assert_eq!(m.list.selected, 3, "marking moves down");
    // A new search hides two of them; they stay marked.
    let cmds = press(&mut m, KeyCode::Char('/'));
    assert!(cmds.is_empty());
    typed(&mut m, "p2");
    let run = press(&mut m, KeyCode::Enter);
    let Some(Cmd::ListPersons { generation, .. }) = run.first() else { panic!() };
    let page = crate::api::Page { results: vec![person(2)], next: None, previous: None, count: Some(1) };
    update(&mut m, Msg::PersonsLoaded { generation: *generation, append: false, result: Ok(page) });
    assert_eq!(m.marks_hidden(), 2);
    press(&mut m, KeyCode::Char('D'));
    let Some(Dialog::Delete(d)) = &m.dialog else { panic!() };
    assert!(d.bulk() && d.needs_typing() && d.hidden_by_search == 2);
    press(&mut m, KeyCode::BackTab); // Cancel → Delete
    press(&mut m, KeyCode::Enter); // not confirmed → focus moves to the text
    typed(&mut m, "delete");
    let cmds = press(&mut m, KeyCode::Enter);
    let Some(Cmd::Debounce { timer: Timer::Grace(id), .. }) = cmds.first() else { panic!("{cmds:?}") };
    let sent = update(&mut m, Msg::TimerFired { timer: Timer::Grace(*id), generation: *id });
    let [Cmd::Write { write: Write::BulkDelete { target, .. }, before, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(target.len(), 3);
    assert!(before.as_ref().is_some_and(Value::is_array), "the list rows are journaled as the pre-image");
    update(&mut m, Msg::WriteProgress { id: *id, done: 3, total: 3 });
    assert_eq!(m.in_flight[id].progress, Some((3, 3)));
}

#[test]
fn accepted_writes_are_rechecked_until_visible() {
    let mut m = ready(false);
    select_key(&mut m, "code");
    press(&mut m, KeyCode::Char('e'));
    press(&mut m, KeyCode::Backspace);
    typed(&mut m, "new");
    let sent = press(&mut m, KeyCode::Enter);
    let cmds = update(
        &mut m,
        Msg::WriteDone { id: write_id(&sent), result: Ok(WriteOutcome::Done { journal_warning: None }) },
    );
    let Some(Cmd::Debounce { timer: Timer::Confirm(check), after: first, .. }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    assert_eq!(m.check_state(ALICE, "code"), Some(CheckState::Pending));
    assert_eq!(m.inspected().unwrap().properties["code"], json!("new"), "the pending value shows at once");
    let ask = update(&mut m, Msg::TimerFired { timer: Timer::Confirm(*check), generation: *check });
    assert_eq!(ask, [Cmd::CheckPerson { id: *check, uuid: ALICE.into() }]);
    let again = update(&mut m, Msg::Checked { id: *check, result: Ok(record()) });
    let Some(Cmd::Debounce { after: second, .. }) = again.first() else { panic!("retry: {again:?}") };
    assert!(second > first, "backoff grows");
    let mut fresh = record();
    fresh.properties.insert("code".into(), json!("new"));
    update(&mut m, Msg::Checked { id: *check, result: Ok(fresh) });
    assert_eq!(m.check_state(ALICE, "code"), Some(CheckState::Confirmed));
    // A write that never shows up is reported after a bounded number of checks.
    m.checks[0].state = CheckState::Pending;
    for _ in 0..crate::app::model::MAX_CHECKS {
        update(&mut m, Msg::Checked { id: *check, result: Ok(record()) });
    }
    assert_eq!(m.check_state(ALICE, "code"), Some(CheckState::NotVisible));
    assert!(m.last_message().unwrap().text.contains("not visible yet"));
}

#[test]
fn split_in_both_modes_and_reset() {
    let mut m = ready(false);
    press(&mut m, KeyCode::Char('S'));
    assert!(matches!(&m.dialog, Some(Dialog::Split(d)) if d.focus == Field::Cancel && d.new_persons() == 2));
    press(&mut m, KeyCode::Tab); // → mode
    press(&mut m, KeyCode::Tab); // → ids
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Char(' ')); // main = e0
    press(&mut m, KeyCode::Tab); // → Split
    let sent = press(&mut m, KeyCode::Enter);
    assert!(
        matches!(writes(&sent).as_slice(), [Write::Split { mode: SplitMode::All { main: Some(d) }, .. }] if d == "e0")
    );

    press(&mut m, KeyCode::Char('S'));
    press(&mut m, KeyCode::Tab);
    press(&mut m, KeyCode::Char(' ')); // → extract
    press(&mut m, KeyCode::Tab);
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Char(' ')); // choose f0
    press(&mut m, KeyCode::Tab);
    let sent = press(&mut m, KeyCode::Enter);
    assert!(
        matches!(writes(&sent).as_slice(), [Write::Split { mode: SplitMode::Extract(ids), .. }] if ids == &["f0"])
    );

    press(&mut m, KeyCode::Char(':'));
    typed(&mut m, "reset-distinct-id old-id");
    press(&mut m, KeyCode::Enter);
    assert!(matches!(&m.dialog, Some(Dialog::Confirm(c)) if c.lines.iter().any(|l| l.contains("tombstone"))));
    press(&mut m, KeyCode::Tab);
    let sent = press(&mut m, KeyCode::Enter);
    assert!(
        matches!(writes(&sent).as_slice(), [Write::ResetDistinctId { distinct_id }] if distinct_id == "old-id")
    );
}

#[test]
fn read_only_offers_no_writes() {
    let mut m = ready(true);
    select_key(&mut m, "code");
    for c in ['e', 'a', 'd', 'E', 'S', 'x', 'D'] {
        assert!(press(&mut m, KeyCode::Char(c)).is_empty(), "{c}");
        assert!(m.dialog.is_none(), "{c} opened a dialog in read-only mode");
    }
    press(&mut m, KeyCode::Esc);
    press(&mut m, KeyCode::Char(' '));
    assert!(m.marks.is_empty());
    press(&mut m, KeyCode::Char(':'));
    typed(&mut m, "reset-distinct-id x");
    assert!(press(&mut m, KeyCode::Enter).is_empty());
    assert!(m.dialog.is_none());
}

#[test]
fn journal_overlay_restores_a_previous_value() {
    let mut m = ready(false);
    press(&mut m, KeyCode::Char(':'));
    typed(&mut m, "journal");
    assert_eq!(press(&mut m, KeyCode::Enter), [Cmd::LoadJournal]);
    let edit: crate::journal::JournalEntry = serde_json::from_value(json!({
        "time": "2026-11-28T10:00:00Z", "host": "http://127.0.0.1:1", "project": "1", "method": "POST",
        "endpoint": format!("persons/{ALICE}/update_property/"), "request": {"key": "plan", "value": "pro"},
        "status": 202, "ok": true, "error": null, "person": ALICE,
        "before": {"id": 1, "uuid": ALICE, "properties": {"plan": "free"}}
    }))
    .unwrap();
    let mut failed = edit.clone();
    failed.ok = false;
    update(&mut m, Msg::JournalLoaded(Ok((vec![edit, failed], 0))));
    let Some(crate::app::Overlay::Journal { entries, selected: 0, .. }) = &m.overlay else { panic!() };
    assert!(!entries[0].ok, "newest first");
    press(&mut m, KeyCode::Char('u'));
    assert!(m.dialog.is_none() && m.last_message().unwrap().text.contains("cannot be restored"));
    press(&mut m, KeyCode::Char('j'));
    press(&mut m, KeyCode::Char('u'));
    let Some(Dialog::Confirm(c)) = &m.dialog else { panic!("a confirmation") };
    assert_eq!(c.focus, Field::Cancel);
    let person = crate::api::PersonId::parse(ALICE).unwrap();
    assert_eq!(c.writes, [Write::UpdateProperty { person, key: "plan".into(), value: json!("free") }]);
    press(&mut m, KeyCode::Tab);
    assert_eq!(writes(&press(&mut m, KeyCode::Enter)).len(), 1);
}

#[test]
fn journal_entries_of_another_project_are_not_restored_here() {
    let mut m = ready(false);
    let entry = |host: &str, project: &str| -> crate::journal::JournalEntry {
        serde_json::from_value(json!({
            "time": "2026-11-28T10:00:00Z", "host": host, "project": project, "method": "POST",
            "endpoint": format!("persons/{ALICE}/update_property/"), "request": {"key": "plan", "value": "pro"},
            "status": 202, "ok": true, "person": ALICE, "before": {"properties": {"plan": "free"}}
        }))
        .unwrap()
    };
    for (host, project) in [("http://127.0.0.1:1", "2"), ("https://eu.posthog.com", "1")] {
        update(&mut m, Msg::JournalLoaded(Ok((vec![entry(host, project)], 0))));
        press(&mut m, KeyCode::Char('u'));
        assert!(m.dialog.is_none(), "{host} {project}");
        let text = &m.last_message().unwrap().text;
        assert!(text.contains("switch there first") && text.contains(host), "{text}");
    }
}

#[test]
fn read_only_cannot_restore_from_the_journal() {
    let mut m = ready(true);
    let entry: crate::journal::JournalEntry = serde_json::from_value(json!({
        "time": "2026-11-28T10:00:00Z", "host": "h", "project": "1", "method": "POST",
        "endpoint": "persons/x/update_property/", "request": {"key": "plan", "value": "pro"},
        "status": 202, "ok": true, "person": ALICE, "before": {"properties": {"plan": "free"}}
    }))
    .unwrap();
    update(&mut m, Msg::JournalLoaded(Ok((vec![entry], 0))));
    assert!(press(&mut m, KeyCode::Char('u')).is_empty());
    assert!(m.dialog.is_none());
}

#[test]
fn pasting_goes_into_the_focused_dialog_field() {
    let mut m = ready(false);
    press(&mut m, KeyCode::Char('a'));
    update(&mut m, Msg::Paste("pasted key".into()));
    press(&mut m, KeyCode::Tab);
    update(&mut m, Msg::Paste("line one\nline two".into()));
    let Some(Dialog::Property(d)) = &m.dialog else { panic!() };
    assert_eq!(d.key.text, "pasted key");
    assert_eq!(d.value.text(), "line one\nline two");
    press(&mut m, KeyCode::Esc);
    press(&mut m, KeyCode::Esc);
    press(&mut m, KeyCode::Char('D'));
    for _ in 0..3 {
        press(&mut m, KeyCode::Tab); // Cancel → events → recordings → confirm text (events ticked below)
    }
    if let Some(Dialog::Delete(d)) = &mut m.dialog {
        d.delete_events = true;
        d.focus = Field::Confirm;
    }
    update(&mut m, Msg::Paste("delete".into()));
    assert!(matches!(&m.dialog, Some(Dialog::Delete(d)) if d.confirmed()));
}
