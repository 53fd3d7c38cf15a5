//! Read-only mode refuses every write centrally: `Writer::perform` sends nothing at all (not even
//! the pre-image GET) and journals nothing; the CLI with `--read-only` refuses each write command
//! with exit 2 and one line, before connecting, while reads still work.
mod common;

use common::*;
use hogdex::api::{BulkTarget, DeleteOptions, PersonId, SplitMode};
use hogdex::journal::Journal;
use hogdex::writes::{READ_ONLY, Write, WriteError, Writer};
use serde_json::{Value, json};

fn every_write() -> Vec<Write> {
    let alice = PersonId::parse(ALICE).unwrap();
    let multi = PersonId::parse(MULTI).unwrap();
    let all = DeleteOptions { delete_events: true, delete_recordings: true, keep_person: false };
    vec![
        Write::UpdateProperty { person: alice, key: "plan".into(), value: json!("free") },
        Write::DeleteProperty { person: alice, key: "plan".into() },
        Write::PatchProperties { person: alice, properties: json!({"a": 1}).as_object().unwrap().clone() },
        Write::DeletePerson { person: alice, options: all },
        Write::DeleteEvents { person: alice },
        Write::Split { person: multi, mode: SplitMode::All { main: Some("multi-main".into()) } },
        Write::Split { person: multi, mode: SplitMode::Extract(vec!["multi-move1".into()]) },
        Write::BulkDelete { target: BulkTarget::DistinctIds(vec!["alice-1".into()]), options: all },
        Write::BulkDelete { target: BulkTarget::Ids(vec![ALICE.parse().unwrap()]), options: all },
        Write::ResetDistinctId { distinct_id: "bob-1".into() },
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_writer_refuses_every_write_and_sends_nothing() {
    let env = start(0, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path().join("journal.jsonl"));
    let writer = Writer::new(env.client.clone(), Some(journal.clone()), true);
    assert!(writer.read_only());
    env.sandbox.clear_requests();
    for write in every_write() {
        for before in [None, Some(json!({"properties": {}}))] {
            let mut progress = 0;
            let result = writer.perform(&write, before, |_, _| progress += 1).await;
            assert_eq!(result, Err(WriteError::ReadOnly), "{write:?}");
            assert_eq!(progress, 0);
        }
    }
    assert_eq!(env.sandbox.requests(), [], "not one request reached the server");
    assert!(!journal.path().exists(), "nothing was sent, so nothing is journaled");
    assert_eq!(WriteError::ReadOnly.to_string(), READ_ONLY);

    // The same writer without read-only does send (the refusal above is not an accident).
    let writer = Writer::new(env.client.clone(), Some(journal), false);
    writer.perform(&every_write()[4], None, |_, _| {}).await.unwrap();
    assert!(!env.sandbox.requests().is_empty());
}

async fn hogdex(env: &Env, state: &std::path::Path, args: &[&str]) -> Run {
    hogdex_on(env, state, args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_refuses_writes_with_read_only_and_still_reads() {
    let env = start(0, |_| {}).await;
    let state = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.txt");
    std::fs::write(&ids, "alice-1\nbob-1\n").unwrap();
    let ids = ids.to_str().unwrap();
    env.sandbox.clear_requests();
    let commands: Vec<Vec<&str>> = vec![
        vec!["persons", "set", "alice-1", "plan", "free"],
        vec!["persons", "unset", ALICE, "plan"],
        vec!["persons", "update", ALICE, "--properties", r#"{"a":1}"#],
        vec!["persons", "delete", ALICE, "bob-1", "--yes"],
        vec!["persons", "delete-events", ALICE, "--yes"],
        vec!["persons", "split", MULTI, "--yes"],
        vec!["persons", "split", MULTI, "--extract", "multi-move1", "--yes"],
        vec!["persons", "bulk-delete", "--distinct-ids-from", ids, "--yes"],
        vec!["persons", "reset-distinct-id", "bob-1", "--yes"],
    ];
    for args in &commands {
        // The flag is global: before or after the subcommand.
        for flag_first in [true, false] {
            let mut full = args.clone();
            if flag_first {
                full.insert(0, "--read-only");
            } else {
                full.push("--read-only");
            }
            let run = hogdex(&env, state.path(), &full).await;
            assert_eq!(run.code, 2, "{full:?}: {}", run.stderr);
            assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
            assert!(
                run.stderr.contains("read-only") && run.stderr.contains("nothing was sent"),
                "{}",
                run.stderr
            );
            assert!(run.stdout.is_empty());
        }
    }
    assert_eq!(env.sandbox.requests(), [], "no request at all, not even a distinct-id lookup");
    assert!(!state.path().join("hogdex/journal.jsonl").exists());

    let list =
        hogdex(&env, state.path(), &["--read-only", "persons", "list", "--search", "fixture", "--json"])
            .await;
    assert_eq!(list.code, 0, "{}", list.stderr);
    let persons: Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(persons.as_array().unwrap().len(), 4);
    let get = hogdex(&env, state.path(), &["--read-only", "persons", "get", "alice-1"]).await;
    assert_eq!(get.code, 0, "{}", get.stderr);
    assert!(env.sandbox.requests().iter().all(|r| r.method == "GET"), "reads only");
    let alice = env.client.get_person(PersonId::parse(ALICE).unwrap()).await.unwrap();
    assert_eq!(alice.properties["plan"], json!("pro"), "nothing changed");
    let journal = hogdex(&env, state.path(), &["--read-only", "journal"]).await;
    assert_eq!(journal.code, 0, "the journal is a read: {}", journal.stderr);
}
