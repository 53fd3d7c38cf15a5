//! The journal: every write sent through `Writer::perform` leaves exactly one JSON line with the
//! person's state before it, the request as the sandbox received it, and never the API key; the
//! file is private (0600); an edit can be restored from its line; garbage lines are skipped. The
//! CLI journals its writes too and sends exactly the typed value it was given.
mod common;

use common::*;
use hogdex::api::{BulkTarget, DeleteOptions, PersonId, SplitMode};
use hogdex::journal::{Journal, JournalEntry, restore_write};
use hogdex::sandbox::RecordedRequest;
use hogdex::writes::{Write, WriteError, WriteOutcome, Writer};
use serde_json::{Value, json};
use std::time::Duration;

const MISSING: &str = "0190f0c2-0000-7000-8000-0000000000aa";

fn pid(s: &str) -> PersonId {
    PersonId::parse(s).unwrap()
}

struct Setup {
    env: Env,
    writer: Writer,
    journal: Journal,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let env = start(0, |c| c.ingest_delay_ms = 0).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path().join("state/hogdex/journal.jsonl"));
    let writer = Writer::new(env.client.clone(), Some(journal.clone()), false);
    Setup { env, writer, journal, _dir: dir }
}

fn entries(journal: &Journal) -> Vec<JournalEntry> {
    let read = journal.read(usize::MAX).unwrap();
    assert_eq!(read.skipped, 0, "every line is an entry");
    read.entries
}

/// The requests after `clear_requests`, as (method, path relative to the project, query, body).
fn sent(env: &Env) -> Vec<RecordedRequest> {
    env.sandbox.requests()
}

fn relative(path: &str) -> &str {
    path.strip_prefix("/api/projects/1/").unwrap_or(path)
}

async fn properties(env: &Env, id: &str) -> Value {
    Value::Object(env.client.get_person(pid(id)).await.unwrap().properties)
}

#[tokio::test(flavor = "multi_thread")]
async fn each_write_leaves_one_line_with_the_pre_image_and_the_exact_request() {
    let s = setup().await;
    let env = &s.env;
    let writes = [
        Write::UpdateProperty { person: pid(ALICE), key: "plan".into(), value: json!("enterprise") },
        Write::DeleteProperty { person: pid(ALICE), key: "phone".into() },
        Write::PatchProperties {
            person: pid(BOB),
            properties: json!({"plan": "team", "seats": 3}).as_object().unwrap().clone(),
        },
        Write::Split { person: pid(MULTI), mode: SplitMode::Extract(vec!["multi-move1".into()]) },
        Write::DeleteEvents { person: pid(ALICE) },
        Write::DeletePerson {
            person: pid(BOB),
            options: DeleteOptions { delete_events: true, ..Default::default() },
        },
        Write::ResetDistinctId { distinct_id: "bob-1".into() },
    ];
    for (n, write) in writes.iter().enumerate() {
        let person = write.person().map(|p| p.to_string());
        let before = match &person {
            Some(p) => Some(properties(env, p).await),
            None => None,
        };
        env.sandbox.clear_requests();
        let outcome = s.writer.perform(write, None, |_, _| {}).await;
        assert_eq!(outcome, Ok(WriteOutcome::Done { journal_warning: None }), "{write:?}");

        let lines = entries(&s.journal);
        assert_eq!(lines.len(), n + 1, "one line per write: {write:?}");
        let line = lines.last().unwrap();
        assert!(line.ok && line.error.is_none(), "{line:?}");
        // PostHog's answer: 201 for delete_property and split, 202 for the rest.
        let expected =
            if matches!(write, Write::DeleteProperty { .. } | Write::Split { .. }) { 201 } else { 202 };
        assert_eq!(line.status, Some(expected), "{write:?}");
        assert_eq!(line.person, person);
        assert_eq!(line.host, env.sandbox.base_url());
        assert_eq!(line.project, "1");
        assert_eq!(line.before.as_ref().map(|b| b["properties"].clone()), before, "pre-image: {write:?}");
        if let Some(p) = &person {
            assert_eq!(line.before.as_ref().unwrap()["uuid"], json!(p), "the full record");
        }

        // The pre-image GET, then the write exactly as journaled.
        let reqs = sent(env);
        let req = match &person {
            Some(p) => {
                assert_eq!(reqs.len(), 2, "{reqs:?}");
                let get = &reqs[0];
                assert_eq!(
                    (get.method.as_str(), relative(&get.path)),
                    ("GET", format!("persons/{p}/").as_str())
                );
                &reqs[1]
            }
            None => {
                assert_eq!(reqs.len(), 1, "{reqs:?}");
                &reqs[0]
            }
        };
        assert_eq!(req.method, line.method);
        assert_eq!(relative(&req.path), line.endpoint);
        if line.method == "DELETE" {
            assert_eq!(req.query.as_deref(), Some("delete_events=true"));
            assert_eq!(line.request, Some(json!({"delete_events": true})));
            assert_eq!(req.body, None);
        } else {
            assert_eq!(req.body, line.request, "{write:?}");
        }
    }
    let raw = std::fs::read_to_string(s.journal.path()).unwrap();
    assert_eq!(raw.lines().count(), writes.len());
    assert!(!raw.contains(env.sandbox.key()), "the key never reaches the journal");
    assert!(!raw.contains("Bearer"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_delete_journals_the_callers_rows_and_the_summary() {
    let s = setup().await;
    let rows = json!([{"uuid": ALICE, "name": "Alice Fixture"}, {"uuid": BOB}]);
    let write = Write::BulkDelete {
        target: BulkTarget::Ids(vec![ALICE.parse().unwrap(), BOB.parse().unwrap(), MISSING.parse().unwrap()]),
        options: DeleteOptions::default(),
    };
    s.env.sandbox.clear_requests();
    let mut progress = Vec::new();
    let outcome =
        s.writer.perform(&write, Some(rows.clone()), |done, total| progress.push((done, total))).await;
    let report = outcome.as_ref().unwrap().bulk_report().expect("a bulk report").clone();
    assert!(report.error.is_none());
    assert_eq!((report.summary.persons_found, report.summary.persons_deleted), (2, 2));
    assert_eq!(progress, [(3, 3)]);
    assert_eq!(s.env.sandbox.requests().len(), 1, "no pre-image GET for a bulk delete");

    let lines = entries(&s.journal);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!((line.method.as_str(), line.endpoint.as_str()), ("POST", "persons/bulk_delete/"));
    assert_eq!(line.before, Some(rows));
    assert_eq!(line.person, None);
    assert_eq!(line.request, Some(json!({"ids": [ALICE, BOB, MISSING]})));
    let response = line.response.as_ref().expect("the summary is journaled");
    assert_eq!((response["persons_deleted"].clone(), response["batches"].clone()), (json!(2), json!(1)));
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_writes_are_journaled_and_a_missing_person_still_gets_its_write() {
    let s = setup().await;
    // 404 on the pre-image: the write still goes out (PostHog answers), journaled with before: null.
    let write = Write::UpdateProperty { person: pid(MISSING), key: "plan".into(), value: json!("x") };
    s.env.sandbox.clear_requests();
    let err = s.writer.perform(&write, None, |_, _| {}).await.unwrap_err();
    assert!(matches!(&err, WriteError::Api { error, journal_warning: None } if error.status() == Some(404)));
    let methods: Vec<String> = s.env.sandbox.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["GET", "POST"]);
    // A 400 with PostHog's explanation.
    let split = Write::Split { person: pid(ALICE), mode: SplitMode::Extract(vec!["nope".into()]) };
    let err = s.writer.perform(&split, None, |_, _| {}).await.unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");

    let lines = entries(&s.journal);
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0].ok, lines[0].status, lines[0].before.clone()), (false, Some(404), None));
    assert!(lines[0].error.as_deref().unwrap().contains("404"));
    assert_eq!((lines[1].ok, lines[1].status), (false, Some(400)));
    assert!(lines[1].before.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_journal_that_cannot_be_written_does_not_lose_the_result() {
    let env = start(0, |c| c.ingest_delay_ms = 0).await;
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    let journal = Journal::open(blocker.join("journal.jsonl"));
    let writer = Writer::new(env.client.clone(), Some(journal), false);
    let write = Write::UpdateProperty { person: pid(BOB), key: "k".into(), value: json!(1) };
    let outcome = writer.perform(&write, None, |_, _| {}).await.expect("the write itself succeeded");
    let warning = outcome.journal_warning().expect("a warning says the journal failed");
    assert!(warning.contains("not recorded in the journal"), "{warning}");
    eventually("the write applied", Duration::from_secs(5), || async {
        (properties(&env, BOB).await["k"] == json!(1)).then_some(())
    })
    .await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_journal_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let s = setup().await;
    let write = Write::DeleteEvents { person: pid(ALICE) };
    s.writer.perform(&write, None, |_, _| {}).await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(s.journal.path()), 0o600, "person data is readable by the user only");
    assert_eq!(mode(s.journal.path().parent().unwrap()), 0o700);

    // A journal left world-readable by something else is tightened on the next write.
    std::fs::set_permissions(s.journal.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    s.writer.perform(&write, None, |_, _| {}).await.unwrap();
    assert_eq!(mode(s.journal.path()), 0o600);
}

#[tokio::test(flavor = "multi_thread")]
async fn restore_puts_the_old_value_back_and_removes_a_new_key() {
    let s = setup().await;
    let env = &s.env;
    let edit = Write::UpdateProperty { person: pid(ALICE), key: "plan".into(), value: json!("free") };
    let add = Write::UpdateProperty { person: pid(ALICE), key: "brand_new".into(), value: json!(true) };
    for w in [&edit, &add] {
        s.writer.perform(w, None, |_, _| {}).await.unwrap();
    }
    eventually("edits applied", Duration::from_secs(5), || async {
        let p = properties(env, ALICE).await;
        (p["plan"] == json!("free") && p["brand_new"] == json!(true)).then_some(())
    })
    .await;

    let lines = entries(&s.journal);
    let undo_edit = restore_write(&lines[0]).expect("an edit can be restored");
    assert_eq!(
        undo_edit,
        Write::UpdateProperty { person: pid(ALICE), key: "plan".into(), value: json!("pro") }
    );
    let undo_add = restore_write(&lines[1]).expect("an added key can be removed");
    assert_eq!(undo_add, Write::DeleteProperty { person: pid(ALICE), key: "brand_new".into() });

    for w in [&undo_edit, &undo_add] {
        s.writer.perform(w, None, |_, _| {}).await.unwrap();
    }
    eventually("restored", Duration::from_secs(5), || async {
        let p = properties(env, ALICE).await;
        (p["plan"] == json!("pro") && p.get("brand_new").is_none()).then_some(())
    })
    .await;
    let lines = entries(&s.journal);
    assert_eq!(lines.len(), 4, "the restore is itself journaled");
    assert_eq!(lines[2].before.as_ref().unwrap()["properties"]["plan"], json!("free"));

    // Not a property edit: nothing to restore.
    s.writer.perform(&Write::DeleteEvents { person: pid(ALICE) }, None, |_, _| {}).await.unwrap();
    assert_eq!(restore_write(entries(&s.journal).last().unwrap()), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_lines_are_skipped_and_counted() {
    let s = setup().await;
    let write = Write::DeleteEvents { person: pid(ALICE) };
    s.writer.perform(&write, None, |_, _| {}).await.unwrap();
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new().append(true).open(s.journal.path()).unwrap();
    f.write_all(b"not json at all\n{\"time\": \"2026-01-01T00:00:00Z\", \"host\": \"trunc").unwrap();
    drop(f);
    s.writer.perform(&write, None, |_, _| {}).await.unwrap();
    let read = s.journal.read(100).unwrap();
    assert_eq!(read.skipped, 2);
    assert_eq!(read.entries.len(), 2, "entries on both sides of the garbage survive");
    assert_eq!(s.journal.read(1).unwrap().entries.len(), 1);
}

// ---- the CLI -------------------------------------------------------------------------------

async fn hogdex(env: &Env, state: &std::path::Path, args: &[&str]) -> Run {
    hogdex_on(env, state, args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_sends_the_typed_value_exactly_and_journals_it() {
    let env = start(0, |_| {}).await;
    let state = tempfile::tempdir().unwrap();
    let update_property = format!("/api/projects/1/persons/{BOB}/update_property/");
    for (ty, value) in [("string", json!("007")), ("number", json!(7))] {
        env.sandbox.clear_requests();
        let run = hogdex(&env, state.path(), &["persons", "set", BOB, "code", "007", "--type", ty]).await;
        assert_eq!(run.code, 0, "{}", run.stderr);
        let writes: Vec<RecordedRequest> =
            env.sandbox.requests().into_iter().filter(|r| r.method != "GET").collect();
        assert_eq!(
            writes,
            [RecordedRequest {
                method: "POST".into(),
                path: update_property.clone(),
                query: None,
                body: Some(json!({"key": "code", "value": value})),
            }],
            "--type {ty}"
        );
    }
    let journal = Journal::open(state.path().join("hogdex/journal.jsonl"));
    let lines = entries(&journal);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].request, Some(json!({"key": "code", "value": "007"})));
    assert_eq!(lines[1].request, Some(json!({"key": "code", "value": 7})));
    assert_eq!(lines[0].before.as_ref().unwrap()["properties"]["plan"], json!("free"));

    let table = hogdex(&env, state.path(), &["journal"]).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.starts_with("TIME"), "{}", table.stdout);
    assert_eq!(table.stdout.lines().count(), 3, "{}", table.stdout);
    assert!(table.stdout.contains("persons/{person}/update_property/") && table.stdout.contains(BOB));
    let as_json = hogdex(&env, state.path(), &["journal", "--json", "--limit", "1"]).await;
    let parsed: Value = serde_json::from_str(&as_json.stdout).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), 1);
    assert_eq!(parsed[0]["request"]["value"], json!(7));
    let raw = std::fs::read_to_string(journal.path()).unwrap();
    assert!(!raw.contains(env.sandbox.key()));
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_journal_shows_hostile_text_inertly() {
    let env = start(0, |_| {}).await;
    let state = tempfile::tempdir().unwrap();
    let run = hogdex(&env, state.path(), &["persons", "set", HOSTILE, "k\u{1b}[2J", "v"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'));
    let path = state.path().join("hogdex/journal.jsonl");
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
    let forged = json!({"time": "2026-01-01T00:00:00Z", "host": "h", "project": "1", "method": "POST\u{1b}]0;x\u{7}",
        "endpoint": "persons/\u{1b}[2J/", "request": null, "status": 500, "ok": false,
        "error": "bad\u{1b}[31m", "person": "\u{202e}p", "before": null});
    writeln!(f, "{forged}").unwrap();
    drop(f);
    let table = hogdex(&env, state.path(), &["journal"]).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        !table.stdout.contains('\u{1b}')
            && !table.stdout.contains('\u{7}')
            && !table.stdout.contains('\u{202e}'),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("bad\\e[31m"), "{}", table.stdout);
}
