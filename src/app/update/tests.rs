//! `update` as a pure function: messages in, state and commands out.
use super::test_support::{now, press as key};
use crate::api::{ApiError, ErrorKind, Page, PersonListItem, PersonRecord};
use crate::app::inspector::Row;
use crate::app::model::{Focus, Model, Overlay};
use crate::app::{Cmd, Msg, Slot, Timer, init, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

fn person(i: usize) -> PersonListItem {
    serde_json::from_value(json!({
        "type": "person", "id": format!("00000000-0000-4000-8000-{i:012}"),
        "uuid": format!("00000000-0000-4000-8000-{i:012}"),
        "distinct_ids": [format!("user-{i}")], "created_at": "2026-11-01T00:00:00Z",
        "properties": {"email": format!("p{i}@x.io"), "address": {"city": "Oslo", "zip": "0150"}, "$browser": "Firefox"}
    }))
    .unwrap()
}

fn page(range: std::ops::Range<usize>, next: Option<&str>) -> Page<PersonListItem> {
    Page {
        results: range.map(person).collect(),
        next: next.map(String::from),
        previous: None,
        count: Some(1000),
    }
}

fn model() -> Model {
    super::test_support::sized(now(), super::test_support::demo_conn(), false)
}

/// A model with the first page (0..100) loaded.
fn loaded() -> Model {
    super::test_support::with_first_page(model(), page(0..100, Some("http://h/next")))
}

fn list_generation(cmds: &[Cmd]) -> Option<u64> {
    cmds.iter().find_map(|c| match c {
        Cmd::ListPersons { generation, .. } => Some(*generation),
        _ => None,
    })
}

fn ctrl(m: &mut Model, c: char) -> Vec<Cmd> {
    update(m, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
}

fn typed(m: &mut Model, text: &str) -> Vec<Cmd> {
    text.chars().flat_map(|c| key(m, KeyCode::Char(c))).collect()
}

fn err(kind: ErrorKind) -> ApiError {
    ApiError::new("Listing persons", kind)
}

#[test]
fn init_loads_the_project_and_the_first_page_with_total() {
    let mut m = model();
    let cmds = init(&mut m);
    assert!(cmds.contains(&Cmd::LoadProject));
    let Some(Cmd::ListPersons { params, .. }) = cmds.iter().find(|c| matches!(c, Cmd::ListPersons { .. }))
    else {
        panic!("no list request")
    };
    assert!(params.include_total && params.search.is_none());
    assert!(m.is_busy() && m.list.loading);
}

#[test]
fn navigation_moves_and_scrolls() {
    let mut m = loaded();
    assert_eq!(m.inspector.uuid.as_deref(), Some(person(0).uuid()), "the first person shows at once");
    key(&mut m, KeyCode::Char('j'));
    key(&mut m, KeyCode::Down);
    assert_eq!(m.list.selected, 2);
    key(&mut m, KeyCode::Char('k'));
    assert_eq!(m.list.selected, 1);
    key(&mut m, KeyCode::Char('G'));
    assert_eq!(m.list.selected, 99);
    let viewport = crate::app::layout::list_viewport(&m);
    assert_eq!(m.list.scroll, 100 - viewport, "the window follows the selection");
    key(&mut m, KeyCode::Char('g'));
    assert_eq!((m.list.selected, m.list.scroll), (0, 0));
    ctrl(&mut m, 'd');
    assert_eq!(m.list.selected, viewport, "ctrl-d pages down");
    ctrl(&mut m, 'u');
    assert_eq!(m.list.selected, 0);
    key(&mut m, KeyCode::Up);
    assert_eq!(m.list.selected, 0, "clamped at the top");
}

#[test]
fn selection_prefetches_after_a_pause_and_drops_stale_timers() {
    let mut m = loaded();
    let first = key(&mut m, KeyCode::Char('j'));
    let second = key(&mut m, KeyCode::Char('j'));
    let generation_of = |cmds: &[Cmd]| {
        cmds.iter()
            .find_map(|c| match c {
                Cmd::Debounce { timer: Timer::Prefetch, generation, .. } => Some(*generation),
                _ => None,
            })
            .expect("prefetch debounce")
    };
    let (g1, g2) = (generation_of(&first), generation_of(&second));
    assert!(update(&mut m, Msg::TimerFired { timer: Timer::Prefetch, generation: g1 }).is_empty());
    let fetch = update(&mut m, Msg::TimerFired { timer: Timer::Prefetch, generation: g2 });
    assert_eq!(fetch, [Cmd::GetPerson { generation: m.inspector.generation, uuid: person(2).uuid().into() }]);
}

#[test]
fn typing_debounces_and_only_the_latest_search_runs() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char('/'));
    assert!(m.search.editing);
    let cmds = typed(&mut m, "ali");
    let generations: Vec<u64> = cmds
        .iter()
        .map(|c| match c {
            Cmd::Debounce { timer: Timer::Search, generation, after } => {
                assert_eq!(*after, crate::app::SEARCH_DEBOUNCE);
                *generation
            }
            other => panic!("typing sent {other:?}"),
        })
        .collect();
    assert_eq!(generations.len(), 3, "one debounce per keystroke, no request yet");
    assert!(update(&mut m, Msg::TimerFired { timer: Timer::Search, generation: generations[0] }).is_empty());
    let run = update(&mut m, Msg::TimerFired { timer: Timer::Search, generation: generations[2] });
    let Some(Cmd::ListPersons { generation, params }) = run.first() else { panic!("{run:?}") };
    assert_eq!(params.search.as_deref(), Some("ali"));
    // A late answer to the previous list request is dropped.
    let before = m.list.items.len();
    update(
        &mut m,
        Msg::PersonsLoaded { generation: generation - 1, append: false, result: Ok(page(500..501, None)) },
    );
    assert_eq!(m.list.items.len(), before);
    update(
        &mut m,
        Msg::PersonsLoaded { generation: *generation, append: false, result: Ok(page(7..9, None)) },
    );
    assert_eq!(m.list.items.len(), 2);
    assert_eq!(m.list.source, "search: ali");
}

#[test]
fn enter_runs_now_then_opens_and_esc_clears() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char('/'));
    typed(&mut m, "plan=pro");
    let cmds = key(&mut m, KeyCode::Enter);
    let Some(Cmd::ListPersons { generation, params }) = cmds.first() else { panic!("{cmds:?}") };
    assert_eq!(params.properties.len(), 1);
    assert!(!m.search.editing && m.focus == Focus::List);
    update(
        &mut m,
        Msg::PersonsLoaded { generation: *generation, append: false, result: Ok(page(3..6, None)) },
    );
    let open = key(&mut m, KeyCode::Enter);
    assert!(m.zoomed && m.focus == Focus::Inspector, "the second Enter opens the person");
    assert!(open.iter().any(|c| matches!(c, Cmd::GetPerson { .. })), "fetched at once: {open:?}");
    key(&mut m, KeyCode::Esc);
    assert!(!m.zoomed && m.focus == Focus::List);
    let cleared = key(&mut m, KeyCode::Esc);
    assert!(matches!(cleared.as_slice(), [Cmd::ListPersons { params, .. }] if params.properties.is_empty()));
    assert!(m.search.applied.is_empty());
}

#[test]
fn malformed_queries_send_nothing_and_say_why() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char('/'));
    let cmds = typed(&mut m, "=pro");
    assert!(cmds.iter().all(|c| !matches!(c, Cmd::ListPersons { .. })));
    assert!(m.search.error.as_deref().unwrap().contains("no property key"));
    let on_enter = key(&mut m, KeyCode::Enter);
    assert!(on_enter.is_empty(), "{on_enter:?}");
    assert!(m.search.editing, "stays in the box to fix it");
    // The last debounce before the error is stale now.
    let g = m.search.generation;
    assert!(update(&mut m, Msg::TimerFired { timer: Timer::Search, generation: g - 1 }).is_empty());
    key(&mut m, KeyCode::Esc);
    assert!(m.search.error.is_none());
}

#[test]
fn scrolling_near_the_end_loads_the_next_page_once() {
    let mut m = loaded();
    let cmds = key(&mut m, KeyCode::Char('G'));
    let next = cmds.iter().filter(|c| matches!(c, Cmd::ListNext { .. })).count();
    assert_eq!(next, 1);
    assert!(m.list.loading_more);
    assert!(key(&mut m, KeyCode::Char('k')).iter().all(|c| !matches!(c, Cmd::ListNext { .. })), "not twice");
    let generation = m.list.generation;
    update(
        &mut m,
        Msg::PersonsLoaded { generation, append: true, result: Ok(page(100..200, Some("http://h/n2"))) },
    );
    assert_eq!(m.list.items.len(), 200);
    update(&mut m, Msg::PersonsLoaded { generation, append: true, result: Ok(page(0..0, None)) });
    assert!(m.list.next.is_none(), "an empty page ends the list");
    // A short page far from the end does not load more.
    let mut small = model();
    let g = list_generation(&init(&mut small)).unwrap();
    update(&mut small, Msg::PersonsLoaded { generation: g, append: false, result: Ok(page(0..100, None)) });
    assert!(key(&mut small, KeyCode::Char('G')).iter().all(|c| !matches!(c, Cmd::ListNext { .. })));
}

#[test]
fn errors_keep_the_ui_usable_and_r_retries() {
    let mut m = model();
    let g = list_generation(&init(&mut m)).unwrap();
    let e = err(ErrorKind::Unauthorized { detail: "Invalid key".into() });
    update(&mut m, Msg::PersonsLoaded { generation: g, append: false, result: Err(e) });
    let shown = m.list.error.clone().unwrap();
    assert!(shown.contains("POSTHOG_PERSONAL_API_KEY") && shown.contains("press r to retry"), "{shown}");
    assert!(!m.busy.contains(&Slot::List));
    let retry = key(&mut m, KeyCode::Char('r'));
    assert!(retry.iter().any(|c| matches!(c, Cmd::ListPersons { .. })));
    assert!(key(&mut m, KeyCode::Char('?')).is_empty());
    assert!(matches!(m.overlay, Some(Overlay::Help { .. })));
}

#[test]
fn inspector_tree_detail_filter_and_copy() {
    let mut m = loaded();
    key(&mut m, KeyCode::Enter);
    let record: PersonRecord = serde_json::from_value(json!({
        "id": 7, "uuid": person(0).uuid(), "distinct_ids": ["user-0"],
        "properties": {"email": "p0@x.io", "address": {"city": "Oslo", "zip": "0150"}, "$browser": "Firefox"}
    }))
    .unwrap();
    let g = m.inspector.generation;
    update(&mut m, Msg::PersonLoaded { generation: g, uuid: person(0).uuid().into(), result: Ok(record) });
    assert_eq!(m.inspected().unwrap().pk, Some(7));
    let rows = m.inspector_rows();
    assert!(matches!(&rows[m.inspector.selected], Row::DistinctId { id } if id == "user-0"));
    let copy = key(&mut m, KeyCode::Char('y'));
    assert!(matches!(copy.as_slice(), [Cmd::Copy { text, .. }] if text == "user-0"));
    // Down to "address" (distinct id → email → address) and expand it.
    key(&mut m, KeyCode::Char('j'));
    key(&mut m, KeyCode::Char('j'));
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.inspector_rows().len(), rows.len() + 2, "address expanded");
    key(&mut m, KeyCode::Char('j'));
    key(&mut m, KeyCode::Enter);
    assert!(
        matches!(&m.overlay, Some(Overlay::Detail { title, text, .. }) if title == "address.city" && text == "Oslo")
    );
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Char('h'));
    key(&mut m, KeyCode::Char('h'));
    assert_eq!(m.inspector_rows().len(), rows.len(), "collapsed via the parent");
    key(&mut m, KeyCode::Char('$'));
    assert!(m.inspector_rows().iter().all(|r| !matches!(r, Row::Property { key, .. } if key == "$browser")));
    key(&mut m, KeyCode::Char('/'));
    typed(&mut m, "oslo");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.inspector_rows().iter().filter(|r| matches!(r, Row::Property { .. })).count(), 1);
    let json_copy = update(&mut m, Msg::Key(KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT)));
    assert!(matches!(json_copy.as_slice(), [Cmd::Copy { text, .. }] if text.contains("\"id\": 7")));
    assert!(
        matches!(key(&mut m, KeyCode::Char('c')).as_slice(), [Cmd::Copy { text, .. }] if text == "user-0")
    );
}

#[test]
fn palette_jumps_to_a_person_and_quits() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char(':'));
    typed(&mut m, "pe");
    key(&mut m, KeyCode::Tab);
    assert_eq!(m.palette.as_ref().unwrap().text, "person ");
    typed(&mut m, "user-404");
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(cmds, [Cmd::FindPerson { generation: m.lookup_generation, query: "user-404".into() }]);
    let outsider = person(4242);
    let g = m.lookup_generation;
    let cmds = update(
        &mut m,
        Msg::PersonFound { generation: g, query: "user-404".into(), result: Ok(Some(outsider.clone())) },
    );
    assert!(m.zoomed);
    assert_eq!(m.inspected().unwrap().uuid, outsider.uuid());
    assert!(cmds.iter().any(|c| matches!(c, Cmd::GetPerson { .. })));
    update(&mut m, Msg::PersonFound { generation: g, query: "x".into(), result: Ok(None) });
    key(&mut m, KeyCode::Char(':'));
    typed(&mut m, "nope");
    key(&mut m, KeyCode::Enter);
    assert!(m.last_message().unwrap().text.contains("unknown command"));
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Char(':'));
    typed(&mut m, "q");
    assert_eq!(key(&mut m, KeyCode::Enter), [Cmd::Quit]);
    assert!(m.should_quit);
}

#[test]
fn q_backs_out_before_quitting_and_ctrl_c_always_quits() {
    let mut m = loaded();
    key(&mut m, KeyCode::Enter);
    assert!(key(&mut m, KeyCode::Char('q')).is_empty(), "q leaves the zoomed inspector first");
    assert_eq!(key(&mut m, KeyCode::Char('q')), [Cmd::Quit]);
    let mut m = loaded();
    key(&mut m, KeyCode::Char('/'));
    assert_eq!(ctrl(&mut m, 'c'), [Cmd::Quit], "even while typing");
}

#[test]
fn tiny_and_resized_terminals_keep_selection_valid() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char('G'));
    for (w, h) in [(1, 1), (20, 5), (200, 60)] {
        update(&mut m, Msg::Resize { width: w, height: h });
        key(&mut m, KeyCode::Char('j'));
        key(&mut m, KeyCode::Tab);
        key(&mut m, KeyCode::Char('j'));
        key(&mut m, KeyCode::Tab);
        assert!(m.list.selected < m.list.items.len());
    }
}

/// The runtime's contract for `Cmd::Debounce`, on paused tokio time: only the last of a burst of
/// keystrokes reaches `update` as a search.
#[tokio::test(start_paused = true)]
async fn debounce_on_paused_time_sends_one_search_for_a_burst() {
    use std::time::Duration;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut m = loaded();
    key(&mut m, KeyCode::Char('/'));
    let mut requests = Vec::new();
    for c in "alice".chars() {
        for cmd in key(&mut m, KeyCode::Char(c)) {
            if let Cmd::Debounce { timer, generation, after } = cmd {
                let tx = tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    let _ = tx.send(Msg::TimerFired { timer, generation });
                });
            }
        }
        tokio::time::sleep(Duration::from_millis(80)).await; // typing speed
        while let Ok(msg) = rx.try_recv() {
            requests.extend(update(&mut m, msg));
        }
    }
    assert!(requests.is_empty(), "nothing is sent while typing: {requests:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(msg) = rx.try_recv() {
        requests.extend(update(&mut m, msg));
    }
    let searches: Vec<_> = requests
        .iter()
        .filter_map(|c| match c {
            Cmd::ListPersons { params, .. } => params.search.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(searches, ["alice"]);
}

#[test]
fn refresh_keeps_an_open_person_who_is_not_on_the_first_page() {
    let mut m = loaded();
    let g = m.list.generation;
    update(&mut m, Msg::PersonsLoaded { generation: g, append: true, result: Ok(page(100..200, None)) });
    key(&mut m, KeyCode::Char('G'));
    key(&mut m, KeyCode::Enter);
    let open = person(199).uuid().to_string();
    assert_eq!(m.inspector.uuid.as_deref(), Some(open.as_str()));
    let cmds = key(&mut m, KeyCode::Char('r'));
    let generation = list_generation(&cmds).unwrap();
    update(&mut m, Msg::PersonsLoaded { generation, append: false, result: Ok(page(0..100, Some("n"))) });
    assert_eq!(m.inspector.uuid.as_deref(), Some(open.as_str()), "r does not switch the open person");
    assert_eq!(m.inspected().unwrap().uuid, open);
}

#[test]
fn enter_opens_the_highlighted_row_after_a_palette_jump() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char(':'));
    for c in "person x".chars() {
        key(&mut m, KeyCode::Char(c));
    }
    key(&mut m, KeyCode::Enter);
    let g = m.lookup_generation;
    update(&mut m, Msg::PersonFound { generation: g, query: "x".into(), result: Ok(Some(person(4242))) });
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Enter);
    assert_eq!(
        m.inspector.uuid.as_deref(),
        Some(person(0).uuid()),
        "the highlighted row, not the jump target"
    );
}

#[test]
fn a_late_answer_for_another_person_is_dropped() {
    let mut m = loaded();
    key(&mut m, KeyCode::Enter); // fetch person 0
    let stale = m.inspector.generation;
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Char('j')); // now person 1
    let e = ApiError::new("Loading person", ErrorKind::Server { status: 500, detail: "boom".into() });
    update(&mut m, Msg::PersonLoaded { generation: stale, uuid: person(0).uuid().into(), result: Err(e) });
    assert!(m.inspector.error.is_none(), "person 0's failure must not show on person 1");
    assert!(!m.busy.contains(&Slot::Person), "no spinner left behind");
}

#[test]
fn help_on_the_welcome_screen_scrolls_and_closes_with_esc() {
    let mut m = Model::new(now(), None, false);
    key(&mut m, KeyCode::Char('?'));
    key(&mut m, KeyCode::Char('j'));
    assert!(matches!(m.overlay, Some(Overlay::Help { scroll: 1 })));
    key(&mut m, KeyCode::Esc);
    assert!(m.overlay.is_none());
}

#[test]
fn a_failed_load_more_waits_for_r() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char('G'));
    let g = m.list.generation;
    update(&mut m, Msg::PersonsLoaded { generation: g, append: true, result: Err(err(ErrorKind::Timeout)) });
    for _ in 0..5 {
        let cmds = key(&mut m, KeyCode::Char('k'));
        assert!(cmds.iter().all(|c| !matches!(c, Cmd::ListNext { .. })), "no retry on every key");
    }
}

#[test]
fn narrow_tab_to_the_inspector_keeps_the_heading_in_view() {
    let mut m = loaded();
    update(&mut m, Msg::Resize { width: 80, height: 24 });
    key(&mut m, KeyCode::Char('j'));
    key(&mut m, KeyCode::Char('j'));
    key(&mut m, KeyCode::Tab);
    assert_eq!(m.inspector.scroll, 0, "the Distinct IDs heading stays visible");
}

#[test]
fn status_messages_expire_but_stay_in_the_history() {
    let mut m = loaded();
    m.push_message(crate::app::Level::Info, "copied");
    assert!(m.status_message().is_some());
    m.now += chrono::Duration::seconds(9);
    assert!(m.status_message().is_none(), "info fades after 8 s");
    m.push_message(crate::app::Level::Error, "boom");
    m.now += chrono::Duration::seconds(20);
    assert_eq!(m.status_message().unwrap().text, "boom", "errors stay longer");
    assert_eq!(m.messages.last().unwrap().text, "boom");
}

#[test]
fn long_values_scroll_to_the_end_and_back() {
    let mut m = loaded();
    m.overlay = Some(Overlay::Detail { title: "bio".into(), text: "word ".repeat(1500), scroll: 0 });
    let max = crate::app::layout::overlay_max_scroll(&m);
    assert!(max > 50, "a long value has many wrapped lines: {max}");
    key(&mut m, KeyCode::Char('G'));
    assert!(matches!(m.overlay, Some(Overlay::Detail { scroll, .. }) if scroll == max));
    key(&mut m, KeyCode::Char('k'));
    assert!(
        matches!(m.overlay, Some(Overlay::Detail { scroll, .. }) if scroll == max - 1),
        "k works after G"
    );
    for _ in 0..(max + 10) {
        key(&mut m, KeyCode::Char('j'));
    }
    assert!(matches!(m.overlay, Some(Overlay::Detail { scroll, .. }) if scroll == max), "no over-scroll");
}

#[test]
fn no_retry_hint_where_retrying_cannot_help() {
    let scoped = ApiError::new(
        "Loading the timeline",
        ErrorKind::Forbidden { detail: "This action does not support Personal API Key access".into() },
    );
    assert!(!crate::app::error_text(&scoped, &Default::default()).contains("press r"));
    let flaky = ApiError::new("Listing persons", ErrorKind::Timeout);
    assert!(crate::app::error_text(&flaky, &Default::default()).contains("press r to retry"));
}
