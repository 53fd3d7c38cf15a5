//! The executor's own tests: slots, timers, the epoch, clipboard, browser, writes, the demo.
use super::*;
use crate::api::{ApiKey, ClientOptions, ListParams, ProjectRef, resolve_host};
use crate::sandbox::FixturePerson;
use crate::sandbox::{self, SandboxConfig};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

const ALICE: &str = "0190f0c2-0000-7000-8000-00000000a11c";

fn executor() -> (Executor, UnboundedReceiver<Event>) {
    let (tx, rx) = unbounded_channel();
    let mut exec = Executor::new(tx, None, DemoOptions { persons: 3, fixtures: None });
    exec.disable_browser();
    (exec, rx)
}

async fn next_msg(rx: &mut UnboundedReceiver<Event>) -> Msg {
    let mut event =
        tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.expect("a message").unwrap();
    while let Event::Stamped(_, inner) = event {
        event = *inner;
    }
    match event {
        Event::Stamped(..) => unreachable!(),
        Event::Msg(m) => m,
        Event::Write { then, .. } => then,
        Event::DemoReady { conn, .. } => Msg::Connected(conn),
        Event::Switched { conn, read_only, .. } => Msg::Switched { conn, read_only },
        Event::SetMouse(on) => panic!("unexpected SetMouse({on})"),
    }
}

#[tokio::test]
async fn open_url_without_a_browser_says_so_and_mouse_goes_to_the_terminal() {
    let (mut exec, mut rx) = executor();
    exec.run(Cmd::OpenUrl("https://us.posthog.com/project/1/person/a".into()));
    match next_msg(&mut rx).await {
        Msg::Opened { url, result: Err(e) } => {
            assert_eq!(url, "https://us.posthog.com/project/1/person/a");
            assert!(e.contains("no display"), "{e}");
        }
        other => panic!("unexpected {other:?}"),
    }
    exec.run(Cmd::SetMouse(true));
    assert!(matches!(rx.recv().await, Some(Event::SetMouse(true))));
    assert_quiet(&mut rx).await;
}

/// Nothing else is waiting once every spawned task has had its turn.
async fn assert_quiet(rx: &mut UnboundedReceiver<Event>) {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(rx.try_recv().is_err(), "an unexpected message arrived");
}

fn list(generation: u64) -> Cmd {
    Cmd::ListPersons { generation, params: ListParams::default() }
}

#[tokio::test]
async fn a_newer_request_in_a_slot_cancels_the_older_one() {
    let (mut exec, mut rx) = executor();
    exec.run(list(1));
    exec.run(list(2));
    match next_msg(&mut rx).await {
        Msg::PersonsLoaded { generation, append: false, result: Err(_) } => assert_eq!(generation, 2),
        other => panic!("{other:?}"),
    }
    assert_quiet(&mut rx).await;
}

#[tokio::test]
async fn cancel_drops_the_request_without_a_message() {
    let (mut exec, mut rx) = executor();
    exec.run(list(1));
    exec.run(Cmd::GetPerson { generation: 1, uuid: ALICE.into() });
    exec.run(Cmd::Cancel(Slot::List));
    assert!(matches!(next_msg(&mut rx).await, Msg::PersonLoaded { .. }), "other slots keep running");
    assert_quiet(&mut rx).await;
}

#[tokio::test(start_paused = true)]
async fn a_newer_debounce_replaces_the_older_one() {
    let (mut exec, mut rx) = executor();
    let after = Duration::from_millis(250);
    exec.run(Cmd::Debounce { timer: Timer::Search, generation: 1, after });
    exec.run(Cmd::Debounce { timer: Timer::Prefetch, generation: 7, after });
    tokio::time::sleep(Duration::from_millis(100)).await;
    exec.run(Cmd::Debounce { timer: Timer::Search, generation: 2, after });
    assert!(matches!(next_msg(&mut rx).await, Msg::TimerFired { timer: Timer::Prefetch, generation: 7 }));
    let start = tokio::time::Instant::now();
    assert!(matches!(next_msg(&mut rx).await, Msg::TimerFired { timer: Timer::Search, generation: 2 }));
    assert_eq!(start.elapsed(), Duration::from_millis(100), "fires `after` the newer request");
    assert_quiet(&mut rx).await;
}

#[tokio::test]
async fn copy_without_a_system_clipboard_goes_through_the_terminal() {
    let (mut exec, mut rx) = executor();
    exec.native_clipboard = false;
    exec.run(Cmd::Copy { text: "hi".into(), what: "UUID".into() });
    match rx.recv().await.unwrap() {
        Event::Write { bytes, then: Msg::Copied { what, result } } => {
            assert!(bytes.starts_with(b"\x1b]52;c;aGk=\x07"));
            assert_eq!(what, "UUID");
            assert!(
                result == Ok(clipboard::VIA_OSC52) || result == Ok(clipboard::VIA_OSC52_TMUX),
                "{result:?}"
            );
        }
        _ => panic!("expected an OSC 52 write"),
    }
}

#[tokio::test]
async fn clipboard_settings_off_and_osc52_are_obeyed() {
    use crate::config::ClipboardMode;
    let (mut exec, mut rx) = executor();
    exec.set_clipboard_mode(ClipboardMode::Off);
    exec.run(Cmd::Copy { text: "hi".into(), what: "UUID".into() });
    match next_msg(&mut rx).await {
        Msg::Copied { result: Err(e), .. } => assert!(e.contains("copying is off"), "{e}"),
        other => panic!("unexpected {other:?}"),
    }
    // osc52 never asks the system clipboard, even where one is plausible.
    exec.native_clipboard = true;
    exec.set_clipboard_mode(ClipboardMode::Osc52);
    exec.run(Cmd::Copy { text: "hi".into(), what: "UUID".into() });
    assert!(matches!(rx.recv().await, Some(Event::Write { .. })), "expected an OSC 52 write");
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_of_the_old_connection_arrives_after_a_switch() {
    let sandbox =
        sandbox::spawn(SandboxConfig { persons: 3, projects: 2, ..Default::default() }).await.unwrap();
    let host = resolve_host(&sandbox.base_url(), false).unwrap();
    let client =
        Client::new(host, ProjectRef::Id(1), ApiKey::new(sandbox.key()), ClientOptions::default()).unwrap();
    let (tx, mut rx) = unbounded_channel();
    let mut exec = Executor::new(tx, Some(client), DemoOptions::default());
    let from = demo_connection(&sandbox);
    exec.run(Cmd::SwitchProject { id: 2, from });
    let event = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap();
    let Some(Event::Switched { client, conn, read_only }) = exec.accept(event) else {
        panic!("expected the switch, delivered")
    };
    assert_eq!(conn.project, "2");
    // Work the loop started after the switch was announced but before it handled it (so on
    // the old client), answering in that window: its answer is queued after the switch.
    exec.run(Cmd::Debounce { timer: Timer::Prefetch, generation: 9, after: Duration::from_millis(1) });
    let stale = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
    assert!(matches!(exec.accept(stale), Some(Event::Msg(Msg::TimerFired { generation: 9, .. }))), "before");
    exec.run(Cmd::Debounce { timer: Timer::Prefetch, generation: 10, after: Duration::from_millis(1) });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(matches!(exec.switched(client, conn, read_only), Msg::Switched { .. }));
    let stale = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
    assert!(exec.accept(stale).is_none(), "an answer about the old connection is dropped after the switch");
    // The new connection's own work is delivered.
    exec.run(Cmd::Debounce { timer: Timer::Search, generation: 2, after: Duration::from_millis(1) });
    assert!(matches!(next_msg(&mut rx).await, Msg::TimerFired { generation: 2, .. }));
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_run_to_the_end_are_journaled_and_refused_in_read_only() {
    use crate::api::{BulkTarget, DeleteOptions};
    use crate::writes::{READ_ONLY, WriteOutcome};
    let sandbox = sandbox::spawn(SandboxConfig { persons: 3, ..Default::default() }).await.unwrap();
    let host = resolve_host(&sandbox.base_url(), false).unwrap();
    let client =
        Client::new(host, ProjectRef::Id(1), ApiKey::new(sandbox.key()), ClientOptions::default()).unwrap();
    let page = client.list_persons(&ListParams::default()).await.unwrap();
    let uuids: Vec<uuid::Uuid> = page.results.iter().map(|p| p.uuid().parse().unwrap()).collect();
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path().join("journal.jsonl"));
    let (tx, mut rx) = unbounded_channel();
    let mut exec = Executor::new(tx, Some(client), DemoOptions::default());
    exec.set_journal(Some(journal.clone()));

    let person = PersonId::Uuid(uuids[0]);
    let edit = Write::UpdateProperty { person, key: "plan".into(), value: serde_json::json!("007") };
    exec.run(Cmd::Write { id: 1, write: edit.clone(), before: None });
    // Cancelling every slot does not touch a write.
    for slot in [Slot::List, Slot::Person, Slot::Lookup, Slot::Project] {
        exec.run(Cmd::Cancel(slot));
    }
    match next_msg(&mut rx).await {
        Msg::WriteDone { id: 1, result: Ok(WriteOutcome::Done { journal_warning: None }) } => {}
        other => panic!("{other:?}"),
    }
    let bulk =
        Write::BulkDelete { target: BulkTarget::Ids(uuids.clone()), options: DeleteOptions::default() };
    exec.run(Cmd::Write { id: 2, write: bulk, before: Some(serde_json::json!([])) });
    assert!(matches!(next_msg(&mut rx).await, Msg::WriteProgress { id: 2, done: 3, total: 3 }));
    match next_msg(&mut rx).await {
        Msg::WriteDone { id: 2, result: Ok(outcome) } => {
            assert_eq!(outcome.bulk_report().unwrap().summary.persons_deleted, 3)
        }
        other => panic!("{other:?}"),
    }
    exec.finish_writes().await;
    assert_eq!(journal.read(10).unwrap().entries.len(), 2);

    exec.set_read_only(true);
    sandbox.clear_requests();
    exec.run(Cmd::Write { id: 3, write: edit, before: None });
    match next_msg(&mut rx).await {
        Msg::WriteDone { id: 3, result: Err(e) } => assert_eq!(e, READ_ONLY),
        other => panic!("{other:?}"),
    }
    assert!(sandbox.requests().is_empty(), "nothing was sent");
    assert_eq!(journal.read(10).unwrap().entries.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn find_person_by_uuid_or_distinct_id_and_start_demo() {
    let sandbox = sandbox::spawn(SandboxConfig {
        persons: 0,
        fixtures_inline: vec![FixturePerson {
            uuid: Some(ALICE.parse().unwrap()),
            // A UUID-shaped (anonymous) and a numeric distinct id, as PostHog has them.
            distinct_ids: vec![
                "alice-1".into(),
                "01a2177c-c637-72d7-b85b-a9f0b6f14854".into(),
                "335196".into(),
            ],
            properties: serde_json::from_str(r#"{"email": "alice@fixture.test"}"#).unwrap(),
            created_at: None,
            last_seen_at: None,
            is_identified: None,
            events: Vec::new(),
        }],
        ..Default::default()
    })
    .await
    .unwrap();
    let host = resolve_host(&sandbox.base_url(), false).unwrap();
    let client =
        Client::new(host, ProjectRef::Id(1), ApiKey::new(sandbox.key()), ClientOptions::default()).unwrap();
    let (tx, mut rx) = unbounded_channel();
    let mut exec = Executor::new(tx, Some(client), DemoOptions { persons: 2, fixtures: None });
    for (query, found) in [
        (ALICE, true),
        ("alice-1", true),
        ("01a2177c-c637-72d7-b85b-a9f0b6f14854", true),
        ("335196", true),
        ("0190f0c2-0000-7000-8000-000000000000", false),
        ("nobody", false),
    ] {
        exec.run(Cmd::FindPerson { generation: 1, query: query.into() });
        match next_msg(&mut rx).await {
            Msg::PersonFound { result: Ok(p), .. } => {
                assert_eq!(p.map(|p| p.uuid().to_string()), found.then(|| ALICE.to_string()), "{query}")
            }
            other => panic!("{query}: {other:?}"),
        }
    }

    exec.run(Cmd::StartDemo);
    let Some(Event::DemoReady { client, sandbox: demo, conn }) = rx.recv().await else {
        panic!("the demo starts")
    };
    assert!(conn.demo && conn.host.starts_with("http://127.0.0.1:"));
    assert!(matches!(exec.demo_ready(client, demo, conn), Msg::Connected(_)));
    exec.run(list(3));
    match next_msg(&mut rx).await {
        Msg::PersonsLoaded { generation: 3, result: Ok(page), .. } => assert_eq!(page.results.len(), 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(exec.run(Cmd::Quit), Flow::Quit);
}
