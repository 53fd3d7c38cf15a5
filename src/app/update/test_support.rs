//! Shared setup for the `update` tests: a connected 120×40 model whose first list request has
//! been answered.
use crate::api::{Page, PersonListItem};
use crate::app::model::{Connection, Model};
use crate::app::{Cmd, Msg, init, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The tests' wall clock.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    crate::app::time::parse("2026-11-28T12:00:00Z").unwrap()
}

/// A key press (shift with upper-case letters, as terminals send them).
pub fn press(m: &mut Model, code: KeyCode) -> Vec<Cmd> {
    let mods = if matches!(code, KeyCode::Char(c) if c.is_ascii_uppercase()) {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    update(m, Msg::Key(KeyEvent::new(code, mods)))
}

/// `:` + `text` + Enter.
pub fn palette(m: &mut Model, text: &str) -> Vec<Cmd> {
    press(m, KeyCode::Char(':'));
    for c in text.chars() {
        press(m, KeyCode::Char(c));
    }
    press(m, KeyCode::Enter)
}

/// The connection the tests use unless they need a real cloud host.
pub fn demo_conn() -> Connection {
    Connection { host: "http://127.0.0.1:1".into(), project: "1".into(), profile: None, demo: true }
}

/// A 120×40 model connected with `conn` (nothing loaded yet).
pub fn sized(now: chrono::DateTime<chrono::Utc>, conn: Connection, read_only: bool) -> Model {
    let mut m = Model::new(now, Some(conn), read_only);
    m.width = 120;
    m.height = 40;
    m
}

/// Runs `init` and answers its list request with `page`.
pub fn with_first_page(mut m: Model, page: Page<PersonListItem>) -> Model {
    let cmds = init(&mut m);
    let generation = cmds
        .iter()
        .find_map(|c| if let Cmd::ListPersons { generation, .. } = c { Some(*generation) } else { None })
        .expect("init lists persons");
    update(&mut m, Msg::PersonsLoaded { generation, append: false, result: Ok(page) });
    m
}
