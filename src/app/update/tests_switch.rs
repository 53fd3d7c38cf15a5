//! `:profile` and `:project`: pickers, the guard against switching under pending writes, and the
//! fresh start on the new connection. Also the config file's `[settings]` preferences and `[keys]`.
use super::test_support::{demo_conn, now, palette, press as key, sized, with_first_page};
use crate::api::{Page, PersonListItem};
use crate::app::actions::{Action, KeySpec};
use crate::app::keymap::Keymap;
use crate::app::model::{Connection, Level, Model, Overlay, PickerKind, Prefs, ProfileInfo, ProjectChoice};
use crate::app::{Cmd, Msg, Slot, update};
use ratatui::crossterm::event::KeyCode;
use serde_json::json;

fn person(i: usize) -> PersonListItem {
    serde_json::from_value(json!({
        "type": "person", "id": format!("00000000-0000-4000-8000-{i:012}"),
        "uuid": format!("00000000-0000-4000-8000-{i:012}"),
        "distinct_ids": [format!("user-{i}")], "created_at": "2026-11-01T00:00:00Z",
        "properties": {"email": format!("p{i}@x.io")}
    }))
    .unwrap()
}

fn loaded() -> Model {
    let page = Page { results: (0..5).map(person).collect(), next: None, previous: None, count: Some(5) };
    let mut m = with_first_page(sized(now(), demo_conn(), false), page);
    m.profiles = vec![
        ProfileInfo { name: "prod".into(), host: "eu".into(), project: "7".into(), read_only: true },
        ProfileInfo { name: "staging".into(), host: "us".into(), project: "9".into(), read_only: false },
    ];
    m
}

#[test]
fn profile_picker_lists_profiles_and_enter_switches() {
    let mut m = loaded();
    assert!(palette(&mut m, "profile").is_empty());
    let Some(Overlay::Picker(p)) = &m.overlay else { panic!("{:?}", m.overlay) };
    assert_eq!(p.kind, PickerKind::Profile);
    let labels: Vec<&str> = p.choices.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["prod", "staging"]);
    assert!(p.choices[0].detail.contains("eu · project 7 · read-only"), "{}", p.choices[0].detail);
    key(&mut m, KeyCode::Char('j'));
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(cmds, vec![Cmd::SwitchProfile("staging".into())]);
    assert!(m.overlay.is_none());
    assert!(m.busy.contains(&Slot::Switch));
}

#[test]
fn tab_completes_profile_names() {
    let mut m = loaded();
    m.profiles.push(ProfileInfo {
        name: "prod-eu".into(),
        host: "eu".into(),
        project: "1".into(),
        read_only: true,
    });
    key(&mut m, KeyCode::Char(':'));
    for c in "profile st".chars() {
        key(&mut m, KeyCode::Char(c));
    }
    key(&mut m, KeyCode::Tab);
    assert_eq!(m.palette.as_ref().unwrap().text, "profile staging");
    m.palette = None;
    key(&mut m, KeyCode::Char(':'));
    for c in "profile p".chars() {
        key(&mut m, KeyCode::Char(c));
    }
    key(&mut m, KeyCode::Tab);
    assert_eq!(m.palette.as_ref().unwrap().text, "profile prod", "the common prefix of prod and prod-eu");
}

#[test]
fn unknown_profile_and_no_profiles_say_so() {
    let mut m = loaded();
    assert!(palette(&mut m, "profile nope").is_empty());
    let text = &m.last_message().unwrap().text;
    assert!(text.contains("Unknown profile `nope`") && text.contains("prod, staging"), "{text}");
    m.profiles.clear();
    assert!(palette(&mut m, "profile").is_empty());
    assert!(m.last_message().unwrap().text.contains("No profiles"));
    assert!(m.overlay.is_none());
}

#[test]
fn project_picker_loads_marks_the_current_one_and_switches() {
    let mut m = loaded();
    assert_eq!(palette(&mut m, "project"), vec![Cmd::LoadProjects]);
    let Some(Overlay::Picker(p)) = &m.overlay else { panic!() };
    assert!(p.loading);
    let projects = vec![
        ProjectChoice { id: 1, name: "Hogdex Demo".into(), organization: "Demo Org".into() },
        ProjectChoice { id: 2, name: "Staging".into(), organization: "Demo Org".into() },
    ];
    update(&mut m, Msg::ProjectsLoaded(Ok(projects)));
    let Some(Overlay::Picker(p)) = &m.overlay else { panic!() };
    assert!(!p.loading);
    assert!(p.choices[0].current, "project 1 is where the demo connection is");
    assert_eq!(p.selected, 0);
    assert_eq!(p.choices[1].detail, "id 2 · Demo Org");
    // Enter on the current project only closes the picker.
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert!(m.overlay.is_none());
    palette(&mut m, "project");
    let projects = vec![
        ProjectChoice { id: 1, name: "Hogdex Demo".into(), organization: "o".into() },
        ProjectChoice { id: 2, name: "Staging".into(), organization: "o".into() },
    ];
    update(&mut m, Msg::ProjectsLoaded(Ok(projects)));
    key(&mut m, KeyCode::Down);
    assert_eq!(key(&mut m, KeyCode::Enter), vec![Cmd::SwitchProject { id: 2, from: demo_conn() }]);
}

#[test]
fn project_list_errors_show_in_the_picker() {
    let mut m = loaded();
    palette(&mut m, "project");
    let e = crate::api::ApiError::new(
        "Listing projects",
        crate::api::ErrorKind::Connect { reason: "connection refused".into() },
    );
    update(&mut m, Msg::ProjectsLoaded(Err(e)));
    let Some(Overlay::Picker(p)) = &m.overlay else { panic!() };
    assert!(p.error.as_deref().unwrap().contains("connection refused"), "{:?}", p.error);
    assert!(key(&mut m, KeyCode::Enter).is_empty(), "nothing to switch to");
    key(&mut m, KeyCode::Esc);
    assert!(m.overlay.is_none());
}

#[test]
fn no_switch_while_writes_of_this_project_are_pending() {
    let mut m = loaded();
    key(&mut m, KeyCode::Char('D'));
    // Confirm the deletion dialog (Cancel is focused; shift-Tab to Delete, Enter).
    key(&mut m, KeyCode::BackTab);
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.scheduled.len(), 1, "a deletion waits out its grace period");
    assert!(palette(&mut m, "project 2").is_empty(), "nothing is sent");
    let text = &m.last_message().unwrap().text;
    assert!(text.contains("Not switching") && text.contains("undo them (u)"), "{text}");
    assert_eq!(m.last_message().unwrap().level, Level::Warn);
}

#[test]
fn a_switch_starts_over_but_keeps_messages_keys_and_settings() {
    let mut m = loaded();
    m.keymap =
        std::sync::Arc::new(Keymap::with_overrides(&[("quit".into(), vec!["Q".into()])].into()).unwrap());
    m.apply_prefs(Prefs { hide_dollar: true, events_range: 2, mouse: false });
    m.inspector.hide_dollar = false; // toggled during the session: a new project starts from the setting
    m.push_message(Level::Info, "before");
    let conn = Connection {
        host: "https://eu.posthog.com".into(),
        project: "7".into(),
        profile: Some("prod".into()),
        demo: false,
    };
    let cmds = update(&mut m, Msg::Switched { conn: conn.clone(), read_only: true });
    assert_eq!(m.conn, Some(conn));
    assert!(m.read_only);
    assert!(m.list.items.is_empty() && m.list.loading, "the old project's persons are gone");
    assert!(cmds.contains(&Cmd::LoadProject));
    assert!(cmds.iter().any(|c| matches!(c, Cmd::ListPersons { .. })));
    assert!(m.messages.iter().any(|x| x.text == "before"));
    let last = &m.last_message().unwrap().text;
    assert!(last.contains("Switched to profile prod") && last.contains("read-only"), "{last}");
    assert_eq!(m.profiles.len(), 2);
    assert!(m.inspector.hide_dollar);
    assert_eq!(m.history.range, 2);
    assert_eq!(
        m.keymap.action_for(&KeySpec::ch('Q').event(), crate::app::actions::Context::List, false),
        Some(Action::Quit)
    );
    // Read-only now: the write keys are gone.
    assert!(key(&mut m, KeyCode::Char('D')).is_empty());
    assert!(m.dialog.is_none());
}

#[test]
fn no_changes_while_a_switch_is_connecting() {
    let mut m = loaded();
    assert_eq!(palette(&mut m, "profile staging"), vec![Cmd::SwitchProfile("staging".into())]);
    assert!(key(&mut m, KeyCode::Char('D')).is_empty());
    assert!(m.dialog.is_none(), "no delete dialog while connecting elsewhere");
    assert!(m.last_message().unwrap().text.starts_with("Switching connections"));
    assert!(palette(&mut m, "reset-distinct-id x").is_empty());
    assert!(m.dialog.is_none());
    // Reading goes on.
    key(&mut m, KeyCode::Char('j'));
    assert_eq!(m.list.selected, 1);
}

#[test]
fn a_failed_switch_keeps_the_current_connection() {
    let mut m = loaded();
    palette(&mut m, "profile staging");
    update(&mut m, Msg::SwitchFailed("Listing projects: 401 …".into()));
    assert!(!m.busy.contains(&Slot::Switch));
    assert_eq!(m.conn, Some(demo_conn()));
    assert_eq!(m.list.items.len(), 5);
    assert!(m.last_message().unwrap().text.starts_with("Could not switch"));
}

#[test]
fn mouse_setting_turns_capture_on_at_start() {
    let mut m = sized(now(), demo_conn(), false);
    m.apply_prefs(Prefs { mouse: true, ..Default::default() });
    let cmds = crate::app::init(&mut m);
    assert!(cmds.contains(&Cmd::SetMouse(true)));
    let mut m = sized(now(), demo_conn(), false);
    assert!(!crate::app::init(&mut m).contains(&Cmd::SetMouse(true)));
}

#[test]
fn remapped_keys_work_and_are_what_the_hints_and_help_show() {
    let mut m = loaded();
    let overrides = [("search".to_string(), vec!["f".to_string()]), ("help".into(), vec!["F2".into()])];
    m.keymap = std::sync::Arc::new(Keymap::with_overrides(&overrides.into()).unwrap());
    key(&mut m, KeyCode::Char('f'));
    assert!(m.search.editing, "f opens the search now");
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Char('/'));
    assert!(!m.search.editing, "/ no longer does");
    let screen = crate::ui::render_to_string(&m, 120, 40);
    let hint_bar = screen.lines().last().unwrap();
    assert!(hint_bar.contains("f search persons"), "{hint_bar}");
    assert!(hint_bar.contains("F2 help"), "{hint_bar}");
    assert!(!hint_bar.contains("/ search"), "{hint_bar}");
    key(&mut m, KeyCode::F(2));
    assert!(matches!(m.overlay, Some(Overlay::Help { .. })));
    let help = crate::ui::render_to_string(&m, 120, 40);
    assert!(help.contains("  f ") && !help.contains("  / "), "{help}");
}

#[test]
fn messages_name_the_remapped_keys() {
    let mut m = loaded();
    let overrides = [("undo".to_string(), vec!["U".to_string()]), ("refresh".into(), vec!["ctrl-r".into()])];
    m.keymap = std::sync::Arc::new(Keymap::with_overrides(&overrides.into()).unwrap());
    key(&mut m, KeyCode::Char('D'));
    let dialog = crate::ui::render_to_string(&m, 120, 40);
    assert!(dialog.contains("grace period — U undoes"), "{dialog}");
    key(&mut m, KeyCode::BackTab);
    key(&mut m, KeyCode::Enter);
    assert!(
        m.last_message().unwrap().text.ends_with("press U to undo"),
        "{}",
        m.last_message().unwrap().text
    );
    let e = crate::api::ApiError::new("Listing persons", crate::api::ErrorKind::Timeout);
    assert!(crate::app::error_text(&e, &m.keymap).ends_with("press ctrl-r to retry"));
    let screen = crate::ui::render_to_string(&m, 120, 40);
    assert!(screen.contains("press / to search"), "search keeps its key");
}

#[test]
fn slash_filters_the_picker_and_enter_switches_to_the_only_match() {
    let mut m = loaded();
    m.profiles.push(ProfileInfo {
        name: "prod-eu".into(),
        host: "eu".into(),
        project: "3".into(),
        read_only: true,
    });
    palette(&mut m, "profile");
    key(&mut m, KeyCode::Char('/'));
    assert!(m.text_focus(), "the filter has the keyboard");
    for c in "prod".chars() {
        key(&mut m, KeyCode::Char(c));
    }
    let Some(Overlay::Picker(p)) = &m.overlay else { panic!() };
    let names: Vec<&str> = p.visible().iter().map(|c| c.label.as_str()).collect();
    assert_eq!(names, ["prod", "prod-eu"], "j and k are typed, not moves, while filtering");
    key(&mut m, KeyCode::Down);
    assert_eq!(
        m.overlay.as_ref().map(|o| matches!(o, Overlay::Picker(p) if p.chosen().unwrap().label == "prod-eu")),
        Some(true)
    );
    key(&mut m, KeyCode::Char('-'));
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(cmds, vec![Cmd::SwitchProfile("prod-eu".into())], "one match left: Enter switches");
    // Esc clears the filter first, then closes.
    palette(&mut m, "profile");
    key(&mut m, KeyCode::Char('/'));
    key(&mut m, KeyCode::Char('z'));
    key(&mut m, KeyCode::Enter);
    let Some(Overlay::Picker(p)) = &m.overlay else { panic!() };
    assert!(p.visible().is_empty() && !p.filtering);
    key(&mut m, KeyCode::Esc);
    let Some(Overlay::Picker(p)) = &m.overlay else { panic!("Esc cleared the filter only") };
    assert_eq!(p.visible().len(), 3);
    key(&mut m, KeyCode::Esc);
    assert!(m.overlay.is_none());
}

#[test]
fn the_welcome_screen_offers_the_profiles() {
    use crate::app::model::Screen;
    let mut m = Model::new(now(), None, false);
    m.width = 100;
    m.height = 30;
    assert_eq!(m.screen, Screen::Welcome);
    assert!(!crate::ui::render_to_string(&m, 100, 30).contains("profile(s) in your config file"));
    key(&mut m, KeyCode::Char('p'));
    assert!(m.last_message().unwrap().text.starts_with("No profiles"));
    m.profiles =
        vec![ProfileInfo { name: "prod".into(), host: "eu".into(), project: "7".into(), read_only: true }];
    assert!(crate::ui::render_to_string(&m, 100, 30).contains("Or press p to use one of the 1 profile(s)"));
    key(&mut m, KeyCode::Char('p'));
    assert!(matches!(&m.overlay, Some(Overlay::Picker(_))));
    assert!(
        crate::ui::render_to_string(&m, 100, 30).contains("Switch profile"),
        "the picker is drawn on the welcome screen"
    );
    assert_eq!(key(&mut m, KeyCode::Enter), vec![Cmd::SwitchProfile("prod".into())]);
    let conn = Connection {
        host: "https://eu.posthog.com".into(),
        project: "7".into(),
        profile: Some("prod".into()),
        demo: false,
    };
    update(&mut m, Msg::Switched { conn, read_only: true });
    assert_eq!(m.screen, Screen::Main);
}

#[test]
fn one_connection_attempt_at_a_time() {
    let mut m = loaded();
    assert_eq!(palette(&mut m, "profile staging"), vec![Cmd::SwitchProfile("staging".into())]);
    assert!(palette(&mut m, "project 2").is_empty(), "no second switch while one connects");
    assert!(m.last_message().unwrap().text.starts_with("Already connecting"));
    update(&mut m, Msg::SwitchFailed("401".into()));
    assert_eq!(palette(&mut m, "project 2"), vec![Cmd::SwitchProject { id: 2, from: demo_conn() }]);
    // On the welcome screen: the demo and a profile never start together.
    let mut w = Model::new(now(), None, false);
    w.profiles = m.profiles.clone();
    assert_eq!(key(&mut w, KeyCode::Char('d')), vec![Cmd::StartDemo]);
    key(&mut w, KeyCode::Char('p'));
    assert!(key(&mut w, KeyCode::Enter).is_empty(), "no profile while the demo starts");
    w.overlay = None;
    update(&mut w, Msg::ConnectFailed("no port".into()));
    key(&mut w, KeyCode::Char('p'));
    assert_eq!(key(&mut w, KeyCode::Enter), vec![Cmd::SwitchProfile("prod".into())]);
    assert!(key(&mut w, KeyCode::Char('d')).is_empty(), "no demo while a profile connects");
}

#[test]
fn the_filter_takes_pastes_and_waits_for_the_projects() {
    let mut m = loaded();
    palette(&mut m, "project");
    key(&mut m, KeyCode::Char('/'));
    let Some(Overlay::Picker(p)) = &m.overlay else { panic!() };
    assert!(!p.filtering, "nothing to filter while the projects load");
    let projects = vec![
        ProjectChoice { id: 1, name: "Hogdex Demo".into(), organization: "o".into() },
        ProjectChoice { id: 2, name: "Hogdex Staging".into(), organization: "o".into() },
    ];
    update(&mut m, Msg::ProjectsLoaded(Ok(projects)));
    key(&mut m, KeyCode::Char('/'));
    update(&mut m, Msg::Paste("stag".into()));
    let Some(Overlay::Picker(p)) = &m.overlay else { panic!() };
    assert_eq!(p.filter.text, "stag");
    assert_eq!(p.visible().len(), 1);
    let hint = crate::ui::render_to_string(&m, 120, 40);
    assert!(hint.contains("type to filter · ↑/↓ move · Enter keep · Esc clear"), "{hint}");
    assert_eq!(key(&mut m, KeyCode::Enter), vec![Cmd::SwitchProject { id: 2, from: demo_conn() }]);
}
