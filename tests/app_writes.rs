//! The whole app (the real `update` and executor, driven by keys through `runtime::Headless`)
//! against the sandbox, asserting the exact write requests the sandbox receives for every write
//! flow, that each write leaves one journal line with the person's pre-image (and never the key),
//! that read-only mode sends nothing, and that a failed write keeps what the user typed.
mod common;

use common::*;
use hogdex::api::PersonId;
use hogdex::app::dialog::{Dialog, Editor, Field};
use hogdex::app::inspector::Row;
use hogdex::app::{CheckState, Cmd, Focus, InFlight};
use hogdex::journal::{Journal, JournalEntry};
use hogdex::runtime::Headless;
use hogdex::writes::{READ_ONLY, Write};
use ratatui::crossterm::event::KeyCode;
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

/// Longest wait for the app to become idle (a debug build on a loaded machine).
const LIMIT: Duration = Duration::from_secs(30);

/// A write as the sandbox received it: method, path relative to the project (with the query),
/// JSON body.
type Sent = (String, String, Option<Value>);

struct Fixture {
    env: Env,
    app: Headless,
    journal: Journal,
    _state: tempfile::TempDir,
}

/// The app connected to a sandbox with `persons` generated persons plus the fixtures, journaling
/// into a temporary directory, deletions sent at once (tests that need the grace period set it),
/// first page loaded.
async fn open(persons: usize, read_only: bool) -> Fixture {
    let env = start(persons, |_| {}).await;
    let state = tempfile::tempdir().unwrap();
    let journal = Journal::open(state.path().join("journal.jsonl"));
    let mut app = Headless::new(env.client.clone(), read_only, Some(journal.clone()), 120, 40);
    app.model.grace = Duration::ZERO;
    app.settle(LIMIT).await;
    assert!(app.model.list.error.is_none(), "{:?}", app.model.list.error);
    Fixture { env, app, journal, _state: state }
}

impl Fixture {
    /// `:person <uuid>`, then waits for the full record in the inspector.
    async fn inspect(&mut self, uuid: &str) {
        self.app.press(KeyCode::Char(':'));
        self.app.type_text(&format!("person {uuid}"));
        self.app.press(KeyCode::Enter);
        self.app.settle(LIMIT).await;
        assert_eq!(self.app.model.inspector.uuid.as_deref(), Some(uuid));
        assert!(self.app.model.records.contains_key(uuid), "the full record is loaded");
        assert_eq!(self.app.model.focus, Focus::Inspector);
    }

    /// Moves the inspector's selection onto the top-level property `key` with j (from the top).
    fn select(&mut self, key: &str) {
        self.app.press(KeyCode::Char('g'));
        for _ in 0..100 {
            let rows = self.app.model.inspector_rows();
            if let Some(Row::Property { path, .. }) = rows.get(self.app.model.inspector.selected)
                && path.len() == 1
                && path[0] == key
            {
                return;
            }
            self.app.press(KeyCode::Char('j'));
        }
        panic!("no property {key:?} in the inspector");
    }

    /// Presses `key` on the inspector's `key` property and checks it opened the edit dialog.
    fn edit(&mut self, key: &str) {
        self.select(key);
        self.app.press(KeyCode::Char('e'));
        assert!(
            matches!(&self.app.model.dialog, Some(Dialog::Property(d)) if d.key.text == key && !d.adding),
            "{:?}",
            self.app.model.dialog
        );
    }

    /// Replaces the value in the open property dialog by keys (backspaces, then typing).
    fn retype_value(&mut self, text: &str) {
        let Some(Dialog::Property(d)) = &self.app.model.dialog else { panic!("no property dialog") };
        let old = d.value.text().chars().count();
        for _ in 0..old {
            self.app.press(KeyCode::Backspace);
        }
        self.app.type_text(text);
        let Some(Dialog::Property(d)) = &self.app.model.dialog else { panic!("the dialog closed") };
        assert_eq!(d.value.text(), text);
    }

    fn forget_requests(&self) {
        self.env.sandbox.clear_requests();
    }

    /// The writes (POST/PATCH/DELETE) the sandbox received since the last `forget_requests`.
    fn writes(&self) -> Vec<Sent> {
        let prefix = format!("/api/projects/{}/", self.env.sandbox.project_id());
        self.env
            .sandbox
            .requests()
            .into_iter()
            .filter(|r| matches!(r.method.as_str(), "POST" | "PATCH" | "DELETE"))
            .map(|r| {
                let path = r.path.strip_prefix(&prefix).unwrap_or(&r.path).to_string();
                let path = match r.query {
                    Some(q) => format!("{path}?{q}"),
                    None => path,
                };
                (r.method, path, r.body)
            })
            .collect()
    }

    /// The journal's entries; the raw file never holds the API key.
    fn journal(&self) -> Vec<JournalEntry> {
        let raw = std::fs::read_to_string(self.journal.path()).unwrap_or_default();
        assert!(!raw.contains(self.env.sandbox.key()), "the journal holds the API key");
        let read = self.journal.read(10_000).unwrap();
        assert_eq!(read.skipped, 0);
        assert_eq!(read.entries.len(), raw.lines().count(), "one entry per line");
        read.entries
    }

    /// The person's current properties as the sandbox serves them.
    async fn properties(&self, uuid: &str) -> Map<String, Value> {
        self.env.client.get_person(PersonId::parse(uuid).unwrap()).await.unwrap().properties
    }

    fn last_message(&self) -> String {
        self.app.model.last_message().map(|m| m.text.clone()).unwrap_or_default()
    }
}

fn post(path: &str, body: Value) -> Sent {
    ("POST".into(), path.into(), Some(body))
}

fn sorted(mut v: Vec<Sent>) -> Vec<Sent> {
    v.sort_by_key(|s| format!("{s:?}"));
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn add_then_typed_edits_of_007_as_string_and_as_number_are_confirmed_and_journaled() {
    let mut f = open(0, false).await;
    f.inspect(ALICE).await;
    let update = format!("persons/{ALICE}/update_property/");

    // a: key, Tab, value (string by default), Enter.
    f.forget_requests();
    f.app.press(KeyCode::Char('a'));
    f.app.type_text("code");
    f.app.press(KeyCode::Tab);
    f.app.type_text("x1");
    f.app.press(KeyCode::Enter);
    f.app.settle(LIMIT).await;
    assert_eq!(f.writes(), [post(&update, json!({"key": "code", "value": "x1"}))]);
    assert!(f.app.model.dialog.is_none(), "the dialog closes once PostHog accepted the write");
    assert_eq!(f.app.model.check_state(ALICE, "code"), Some(CheckState::Confirmed));

    // e: "007" stays a string.
    f.forget_requests();
    f.edit("code");
    f.retype_value("007");
    f.app.press(KeyCode::Enter);
    f.app.settle(LIMIT).await;
    assert_eq!(f.writes(), [post(&update, json!({"key": "code", "value": "007"}))]);
    assert_eq!(f.app.model.check_state(ALICE, "code"), Some(CheckState::Confirmed));
    assert!(f.last_message().contains("✓ Confirmed by PostHog: code is saved"), "{}", f.last_message());
    assert_eq!(f.properties(ALICE).await["code"], json!("007"));

    // e, ctrl-t: the same text as a number is 7.
    f.forget_requests();
    f.edit("code");
    f.app.ctrl('t');
    f.app.press(KeyCode::Enter);
    f.app.settle(LIMIT).await;
    assert_eq!(f.writes(), [post(&update, json!({"key": "code", "value": 7}))]);
    assert_eq!(f.app.model.check_state(ALICE, "code"), Some(CheckState::Confirmed));
    assert_eq!(f.app.model.inspected().unwrap().properties["code"], json!(7));
    assert_eq!(f.properties(ALICE).await["code"], json!(7));

    // One journal line per write, each with the person as they were before it.
    let entries = f.journal();
    assert_eq!(entries.len(), 3);
    let before: Vec<Option<&Value>> =
        entries.iter().map(|e| e.before.as_ref().unwrap().pointer("/properties/code")).collect();
    assert_eq!(before, [None, Some(&json!("x1")), Some(&json!("007"))]);
    for e in &entries {
        assert!(e.ok && e.status == Some(202) && e.method == "POST" && e.endpoint == update, "{e:?}");
        assert_eq!(e.person.as_deref(), Some(ALICE));
    }
    assert_eq!(entries[2].request, Some(json!({"key": "code", "value": 7})));
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_property_sends_one_unset() {
    let mut f = open(0, false).await;
    f.inspect(ALICE).await;
    f.forget_requests();
    f.select("phone");
    f.app.press(KeyCode::Char('d'));
    assert!(matches!(&f.app.model.dialog, Some(Dialog::Confirm(c)) if c.focus == Field::Cancel));
    f.app.press(KeyCode::Tab); // Cancel → Delete
    f.app.press(KeyCode::Enter);
    f.app.settle(LIMIT).await;
    assert_eq!(f.writes(), [post(&format!("persons/{ALICE}/delete_property/"), json!({"$unset": "phone"}))]);
    assert_eq!(f.app.model.check_state(ALICE, "phone"), Some(CheckState::Confirmed));
    assert!(!f.properties(ALICE).await.contains_key("phone"));
    let entries = f.journal();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].before.as_ref().unwrap()["properties"]["phone"], json!("+44 20 7946 0958"));
}

/// Replaces the JSON editor's text (E), saves (ctrl-s) and confirms the review (Enter).
fn save_json(f: &mut Fixture, properties: &Value) {
    f.app.press(KeyCode::Char('E'));
    let Some(Dialog::Json(d)) = &mut f.app.model.dialog else { panic!("no JSON editor") };
    d.editor = Editor::with_text(&serde_json::to_string_pretty(properties).unwrap());
    f.app.ctrl('s');
    let Some(Dialog::Confirm(c)) = &f.app.model.dialog else { panic!("no review: {:?}", f.app.model.dialog) };
    assert_eq!(c.focus, Field::Ok, "the review is focused on Save");
    f.app.press(KeyCode::Enter);
}

#[tokio::test(flavor = "multi_thread")]
async fn whole_json_edit_sends_the_minimal_calls() {
    let mut f = open(0, false).await;
    f.inspect(ALICE).await;
    let props = Value::Object(f.app.model.inspected().unwrap().properties);

    // One changed key: one update_property.
    let mut one = props.clone();
    one["plan"] = json!("enterprise");
    f.forget_requests();
    save_json(&mut f, &one);
    f.app.settle(LIMIT).await;
    assert_eq!(
        f.writes(),
        [post(&format!("persons/{ALICE}/update_property/"), json!({"key": "plan", "value": "enterprise"}))]
    );
    assert_eq!(f.app.model.check_state(ALICE, "plan"), Some(CheckState::Confirmed));

    // Two changed, one added, two removed: one PATCH and one delete_property per removed key.
    let mut many = one.clone();
    let obj = many.as_object_mut().unwrap();
    obj["plan"] = json!("free");
    obj["name"] = json!("Alice Renamed");
    obj.insert("seats".into(), json!(3));
    obj.remove("phone");
    obj.remove("email");
    f.forget_requests();
    save_json(&mut f, &many);
    f.app.settle(LIMIT).await;
    let delete = format!("persons/{ALICE}/delete_property/");
    // The three writes run concurrently, so their order at the server is not fixed.
    assert_eq!(
        sorted(f.writes()),
        sorted(vec![
            (
                "PATCH".into(),
                format!("persons/{ALICE}/"),
                Some(json!({"properties": {"plan": "free", "name": "Alice Renamed", "seats": 3}}))
            ),
            post(&delete, json!({"$unset": "phone"})),
            post(&delete, json!({"$unset": "email"})),
        ])
    );
    for key in ["plan", "name", "seats", "phone", "email"] {
        assert_eq!(f.app.model.check_state(ALICE, key), Some(CheckState::Confirmed), "{key}");
    }
    let now = f.properties(ALICE).await;
    assert_eq!(Value::Object(now), many, "the person is exactly what was edited");
    assert_eq!(f.journal().len(), 4, "one line per write");
}

#[tokio::test(flavor = "multi_thread")]
async fn single_delete_without_and_with_delete_events() {
    let mut f = open(0, false).await;
    f.inspect(BOB).await;
    f.forget_requests();
    f.app.press(KeyCode::Char('D'));
    let Some(Dialog::Delete(d)) = &f.app.model.dialog else { panic!("{:?}", f.app.model.dialog) };
    assert!(d.focus == Field::Cancel && !d.needs_typing() && d.persons.len() == 1);
    f.app.press(KeyCode::BackTab); // Cancel → Delete
    f.app.press(KeyCode::Enter);
    f.app.settle(LIMIT).await;
    assert_eq!(f.writes(), [("DELETE".into(), format!("persons/{BOB}/"), None)]);
    assert!(f.app.model.list.items.iter().all(|p| p.uuid() != BOB), "Bob left the list");

    f.inspect(ALICE).await;
    f.forget_requests();
    f.app.press(KeyCode::Char('D'));
    f.app.press(KeyCode::Tab); // → "also delete events"
    f.app.press(KeyCode::Char(' '));
    f.app.press(KeyCode::Tab); // → "also delete recordings"
    f.app.press(KeyCode::Tab); // → the confirmation text
    f.app.type_text("delete");
    f.app.press(KeyCode::Enter);
    f.app.settle(LIMIT).await;
    assert_eq!(f.writes(), [("DELETE".into(), format!("persons/{ALICE}/?delete_events=true"), None)]);
    assert_eq!(f.env.sandbox.person_count(), 2);

    let entries = f.journal();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].before.as_ref().unwrap()["uuid"], json!(BOB));
    assert_eq!(entries[1].request, Some(json!({"delete_events": true})));
    assert_eq!(entries[1].before.as_ref().unwrap()["properties"]["email"], json!("alice@fixture.test"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_delete_of_2500_marked_persons_goes_in_three_batches() {
    let started = Instant::now();
    let mut f = open(2500, false).await;
    assert_eq!(f.app.model.list.total, Some(2504));
    assert_eq!(f.app.model.focus, Focus::List);
    // Space marks and moves down; the next page loads on the way (wait for it when it is asked).
    for _ in 0..2500 {
        f.app.press(KeyCode::Char(' '));
        if f.app.model.list.loading_more {
            f.app.wait_until(LIMIT, |m| !m.list.loading_more).await;
        }
    }
    f.app.settle(LIMIT).await;
    let marked = f.app.model.marks.keys().cloned().collect::<Vec<_>>();
    assert_eq!(marked.len(), 2500);
    let marked_at = started.elapsed();

    f.forget_requests();
    f.app.press(KeyCode::Char('D'));
    let Some(Dialog::Delete(d)) = &f.app.model.dialog else { panic!("{:?}", f.app.model.dialog) };
    assert!(d.bulk() && d.needs_typing() && d.persons.len() == 2500);
    f.app.press(KeyCode::BackTab); // Cancel → Delete
    f.app.press(KeyCode::Enter); // not typed yet: focus moves to the text
    assert!(f.writes().is_empty());
    f.app.type_text("delete");
    f.app.press(KeyCode::Enter);
    f.app.settle(LIMIT).await;

    let sent = f.writes();
    assert!(sent.iter().all(|(m, p, _)| m == "POST" && p == "persons/bulk_delete/"), "{sent:?}");
    let batches: Vec<Vec<String>> = sent
        .iter()
        .map(|(_, _, body)| {
            let body = body.as_ref().unwrap().as_object().unwrap();
            assert_eq!(body.keys().collect::<Vec<_>>(), ["ids"], "no delete_events and friends");
            body["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
        })
        .collect();
    assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [1000, 1000, 500]);
    let mut ids: Vec<String> = batches.concat();
    ids.sort();
    let mut want = marked.clone();
    want.sort();
    assert_eq!(ids, want, "exactly the marked persons, each once");

    assert_eq!(f.env.sandbox.person_count(), 4);
    assert!(f.app.model.marks.is_empty(), "deleted persons are no longer marked");
    assert!(
        f.last_message().contains("Bulk delete: 2500 found, 2500 deleted, 0 errors"),
        "{}",
        f.last_message()
    );
    let entries = f.journal();
    assert_eq!(entries.len(), 1, "one bulk delete, one line");
    assert_eq!(entries[0].before.as_ref().unwrap().as_array().unwrap().len(), 2500);
    eprintln!("marking 2,500 by keys: {marked_at:?}; in all: {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_within_the_grace_period_sends_nothing() {
    let mut f = open(0, false).await;
    f.app.model.grace = Duration::from_millis(300);
    f.inspect(BOB).await;
    f.forget_requests();
    f.app.press(KeyCode::Char('D'));
    f.app.press(KeyCode::BackTab);
    f.app.press(KeyCode::Enter);
    assert_eq!(f.app.model.scheduled.len(), 1);
    assert!(f.app.model.countdown(BOB).is_some(), "the row shows the countdown");
    f.app.press(KeyCode::Char('u'));
    assert!(f.last_message().contains("nothing was sent"), "{}", f.last_message());
    // Idle includes the grace timer having fired: nothing goes out even after it ran out.
    f.app.settle(LIMIT).await;
    assert_eq!(f.writes(), []);
    assert!(f.env.client.get_person(PersonId::parse(BOB).unwrap()).await.is_ok(), "Bob is still there");
    assert!(f.journal().is_empty());

    // Without u, the same deletion goes out when the grace period ends.
    f.app.press(KeyCode::Char('D'));
    f.app.press(KeyCode::BackTab);
    f.app.press(KeyCode::Enter);
    assert_eq!(f.writes(), [], "not before the grace period ends");
    f.app.settle(LIMIT).await;
    assert_eq!(f.writes(), [("DELETE".into(), format!("persons/{BOB}/"), None)]);
    assert_eq!(f.journal().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn split_in_both_modes() {
    let mut f = open(0, false).await;

    // Extract: move one chosen id off the person.
    f.inspect(MULTI).await;
    f.forget_requests();
    f.app.press(KeyCode::Char('S'));
    assert!(matches!(&f.app.model.dialog, Some(Dialog::Split(d)) if d.focus == Field::Cancel));
    f.app.press(KeyCode::Tab); // → mode
    f.app.press(KeyCode::Char(' ')); // split all → extract
    f.app.press(KeyCode::Tab); // → ids
    f.app.press(KeyCode::Down);
    f.app.press(KeyCode::Char(' ')); // choose multi-move1
    f.app.press(KeyCode::Tab); // → Split
    f.app.press(KeyCode::Enter);
    f.app.settle(LIMIT).await;
    assert_eq!(
        f.writes(),
        [post(&format!("persons/{MULTI}/split/"), json!({"distinct_ids_to_split": ["multi-move1"]}))]
    );
    assert!(f.app.model.checks.iter().all(|c| c.state == CheckState::Confirmed));
    assert!(f.last_message().contains("the split is done"), "{}", f.last_message());
    let mut ids = f.app.model.records[MULTI].distinct_ids.clone();
    ids.sort();
    assert_eq!(ids, ["multi-main", "multi-move2"]);

    // Split all, keeping the properties on the chosen id.
    f.inspect(ALICE).await;
    f.forget_requests();
    f.app.press(KeyCode::Char('S'));
    f.app.press(KeyCode::Tab); // → mode (split all)
    f.app.press(KeyCode::Tab); // → ids
    f.app.press(KeyCode::Down);
    f.app.press(KeyCode::Char(' ')); // alice-2 keeps the properties
    f.app.press(KeyCode::Tab);
    f.app.press(KeyCode::Enter);
    f.app.settle(LIMIT).await;
    assert_eq!(
        f.writes(),
        [post(&format!("persons/{ALICE}/split/"), json!({"main_distinct_id": "alice-2"}))]
    );
    assert_eq!(f.app.model.records[ALICE].distinct_ids, ["alice-2"]);
    assert_eq!(f.journal().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_distinct_id_from_the_palette() {
    let mut f = open(0, false).await;
    // Bob is deleted elsewhere; his distinct id is blocked until it is reset.
    f.env.client.delete_person(PersonId::parse(BOB).unwrap(), Default::default()).await.unwrap();
    assert!(f.env.sandbox.distinct_id_tombstoned("bob-1"));
    f.forget_requests();
    f.app.press(KeyCode::Char(':'));
    f.app.type_text("reset-distinct-id bob-1");
    f.app.press(KeyCode::Enter);
    assert!(matches!(&f.app.model.dialog, Some(Dialog::Confirm(c)) if c.focus == Field::Cancel));
    f.app.press(KeyCode::Tab);
    f.app.press(KeyCode::Enter);
    f.app.settle(LIMIT).await;
    assert_eq!(f.writes(), [post("persons/reset_person_distinct_id/", json!({"distinct_id": "bob-1"}))]);
    assert!(!f.env.sandbox.distinct_id_tombstoned("bob-1"));
    let entries = f.journal();
    assert_eq!(entries.len(), 1);
    assert!(entries[0].ok && entries[0].person.is_none() && entries[0].before.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_refuses_every_write() {
    let mut f = open(0, true).await;
    f.inspect(ALICE).await;
    f.forget_requests();
    f.select("plan");
    for c in ['e', 'a', 'd', 'E', 'S', 'x', 'D', 'u'] {
        f.app.press(KeyCode::Char(c));
        assert!(f.app.model.dialog.is_none(), "{c} opened a dialog in read-only mode");
    }
    f.app.press(KeyCode::Delete);
    f.app.press(KeyCode::Esc); // back to the list
    f.app.press(KeyCode::Char(' '));
    assert!(f.app.model.marks.is_empty(), "nothing to mark for");
    f.app.press(KeyCode::Char('D'));
    f.app.press(KeyCode::Char(':'));
    f.app.type_text("reset-distinct-id bob-1");
    f.app.press(KeyCode::Enter);
    assert!(f.app.model.dialog.is_none());
    assert!(f.app.model.scheduled.is_empty() && f.app.model.in_flight.is_empty());
    f.app.settle(LIMIT).await;
    assert_eq!(f.writes(), [], "no write reached the sandbox");

    // Even a write that gets past the UI is refused centrally, before anything is sent.
    f.forget_requests();
    let write = Write::DeletePerson { person: PersonId::parse(ALICE).unwrap(), options: Default::default() };
    let id = 999;
    f.app.model.in_flight.insert(
        id,
        InFlight {
            write: write.clone(),
            label: "delete the person".into(),
            uuids: vec![ALICE.into()],
            expect: Vec::new(),
            progress: None,
        },
    );
    f.app.run(Cmd::Write { id, write, before: None });
    f.app.settle(LIMIT).await;
    assert_eq!(f.last_message(), format!("Could not delete the person: {READ_ONLY}"));
    assert_eq!(f.env.sandbox.requests(), [], "not even the pre-image was read");
    assert!(!f.journal.path().exists(), "nothing sent, nothing journaled");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_write_keeps_the_typed_text_and_enter_retries() {
    let mut f = open(0, false).await;
    f.inspect(ALICE).await;
    f.edit("plan");
    f.retype_value("enterprise");
    // Someone deletes Alice behind the app's back.
    f.env.client.delete_person(PersonId::parse(ALICE).unwrap(), Default::default()).await.unwrap();
    f.forget_requests();
    let sent =
        post(&format!("persons/{ALICE}/update_property/"), json!({"key": "plan", "value": "enterprise"}));
    for attempt in 1..=2 {
        f.app.press(KeyCode::Enter); // the second time: retry
        f.app.settle(LIMIT).await;
        assert_eq!(f.writes(), vec![sent.clone(); attempt]);
        let Some(Dialog::Property(d)) = &f.app.model.dialog else { panic!("the dialog closed on a failure") };
        assert_eq!((d.key.text.as_str(), d.value.text().as_str()), ("plan", "enterprise"), "nothing is lost");
        let error = d.error.as_deref().unwrap_or_default();
        assert!(error.contains("404") || error.to_lowercase().contains("not found"), "{error}");
        assert!(d.sending.is_none(), "ready to retry");
    }
    let entries = f.journal();
    assert_eq!(entries.len(), 2, "failed writes are journaled too");
    assert!(entries.iter().all(|e| !e.ok && e.error.is_some() && e.status == Some(404)), "{entries:?}");
}
