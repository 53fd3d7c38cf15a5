//! `o` (open in the web app) and `m` (mouse: click and wheel).
use crate::api::{Page, PersonListItem, Project};
use crate::app::history::Tab;
use crate::app::model::{Connection, Focus, Level, Model};
use crate::app::{Cmd, Msg, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use serde_json::json;

fn person(i: usize) -> PersonListItem {
    serde_json::from_value(json!({
        "type": "person", "id": format!("00000000-0000-4000-8000-{i:012}"),
        "uuid": format!("00000000-0000-4000-8000-{i:012}"),
        "distinct_ids": ["0190f0c2-aaaa-bbbb-cccc-dddddddddddd", format!("user {i}")],
        "created_at": "2026-11-01T00:00:00Z",
        "properties": {"email": format!("p{i}@x.io"), "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6}
    }))
    .unwrap()
}

/// 120×40, connected to US cloud as `project`, with persons 0..100 loaded.
fn loaded(project: &str) -> Model {
    let conn = Connection {
        host: "https://us.posthog.com".into(),
        project: project.into(),
        profile: None,
        demo: false,
    };
    let now = crate::app::time::parse("2026-11-28T12:00:00Z").unwrap();
    let page = Page { results: (0..100).map(person).collect(), next: None, previous: None, count: Some(100) };
    super::test_support::with_first_page(super::test_support::sized(now, conn, false), page)
}

fn key(m: &mut Model, c: char) -> Vec<Cmd> {
    update(m, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

fn mouse(m: &mut Model, kind: MouseEventKind, column: u16, row: u16) -> Vec<Cmd> {
    update(m, Msg::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }))
}

fn click(m: &mut Model, column: u16, row: u16) -> Vec<Cmd> {
    mouse(m, MouseEventKind::Down(MouseButton::Left), column, row)
}

#[test]
fn o_opens_the_persons_page_from_the_list_inspector_and_history_tabs() {
    let mut m = loaded("12345");
    key(&mut m, 'j');
    let url = "https://us.posthog.com/project/12345/person/user%201";
    assert_eq!(key(&mut m, 'o'), vec![Cmd::OpenUrl(url.into())]);
    key(&mut m, '2');
    assert_eq!(m.focus, Focus::Inspector);
    assert_eq!(key(&mut m, 'o'), vec![Cmd::OpenUrl(url.into())]);
    key(&mut m, '4');
    assert_eq!(m.tab, Tab::Activity);
    assert!(key(&mut m, 'o').contains(&Cmd::OpenUrl(url.into())));
}

#[test]
fn o_with_current_project_waits_for_the_project_id() {
    let mut m = loaded("@current");
    assert!(key(&mut m, 'o').is_empty());
    assert!(m.last_message().unwrap().text.contains("project id is not known"));
    let project: Project = serde_json::from_value(json!({"id": 77})).unwrap();
    update(&mut m, Msg::ProjectLoaded(Ok(project)));
    assert_eq!(
        key(&mut m, 'o'),
        vec![Cmd::OpenUrl("https://us.posthog.com/project/77/person/user%200".into())]
    );
}

#[test]
fn opened_says_so_or_shows_and_copies_the_url() {
    let mut m = loaded("1");
    let url = "https://us.posthog.com/project/1/person/user%200".to_string();
    assert!(update(&mut m, Msg::Opened { url: url.clone(), result: Ok(()) }).is_empty());
    assert_eq!(m.last_message().unwrap().text, format!("Opened {url}"));
    let cmds = update(&mut m, Msg::Opened { url: url.clone(), result: Err("no display".into()) });
    let msg = m.last_message().unwrap();
    assert_eq!(msg.level, Level::Warn);
    assert!(msg.text.contains("no display") && msg.text.contains(&url), "{}", msg.text);
    assert!(matches!(&cmds[..], [Cmd::Copy { text, what }] if *text == url && what.contains(&url)));
}

#[test]
fn m_toggles_mouse_capture() {
    let mut m = loaded("1");
    assert!(!m.mouse);
    assert_eq!(key(&mut m, 'm'), vec![Cmd::SetMouse(true)]);
    assert!(m.mouse);
    assert!(m.last_message().unwrap().text.starts_with("mouse on"));
    assert_eq!(key(&mut m, 'm'), vec![Cmd::SetMouse(false)]);
    assert!(!m.mouse);
}

#[test]
fn clicks_select_the_row_under_the_pointer_after_scrolling() {
    let mut m = loaded("1");
    // The list: rows 2.., columns 0..66; border and header above the first person (row 4).
    let list = crate::app::layout::areas(&m).list.unwrap();
    assert_eq!((list.y, list.width), (2, 66));
    assert!(click(&mut m, 5, 9).is_empty(), "ignored while the mouse is off");
    assert_eq!(m.list.selected, 0);
    key(&mut m, 'm');
    update(&mut m, Msg::Key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)));
    let scroll = m.list.scroll;
    assert!(scroll > 0);
    click(&mut m, 5, 9);
    assert_eq!(m.list.selected, scroll + 5);
    assert_eq!(m.list.scroll, scroll, "a visible row needs no scrolling");
    assert_eq!(m.inspector.uuid.as_deref(), Some(person(scroll + 5).uuid()));
    // The header and the border select nothing.
    click(&mut m, 5, 3);
    click(&mut m, 5, list.y + list.height - 1);
    assert_eq!(m.list.selected, scroll + 5);
}

#[test]
fn a_click_in_the_inspector_focuses_it_and_selects_the_row() {
    let mut m = loaded("1");
    key(&mut m, 'm');
    let insp = crate::app::layout::areas(&m).inspector.unwrap();
    let first_body_row = insp.y + 1 + crate::app::layout::INSPECTOR_HEADER;
    click(&mut m, insp.x + 3, first_body_row + 4);
    assert_eq!(m.focus, Focus::Inspector);
    assert_eq!(m.inspector.selected, 4);
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let mut m = loaded("1");
    key(&mut m, 'm');
    mouse(&mut m, MouseEventKind::ScrollDown, 5, 10);
    assert_eq!(m.list.selected, 3);
    mouse(&mut m, MouseEventKind::ScrollDown, 5, 10);
    mouse(&mut m, MouseEventKind::ScrollUp, 5, 10);
    assert_eq!(m.list.selected, 3);
    let insp = crate::app::layout::areas(&m).inspector.unwrap();
    let before = m.inspector.selected;
    mouse(&mut m, MouseEventKind::ScrollDown, insp.x + 2, insp.y + 8);
    assert!(m.inspector.selected > before, "{} > {before}", m.inspector.selected);
    assert_eq!(m.list.selected, 3);
}
