//! `:project` and `:profile` in the whole app (headless) against a sandbox serving two projects:
//! the pickers list what the server and the config file offer, a switch shows the other project's
//! persons without restarting, a read-only profile takes the write keys away at once, keys come
//! from the keyring or a command, and a switch that cannot connect keeps the current connection.
mod common;

use common::*;
use hogdex::api::ClientOptions;
use hogdex::app::{Overlay, PickerKind};
use hogdex::config::{CliInputs, Config};
use hogdex::keyring::MemoryKeyring;
use hogdex::runtime::{Headless, Profiles};
use ratatui::crossterm::event::KeyCode;
use std::sync::Arc;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(20);

async fn two_projects() -> Env {
    start(60, |c| c.projects = 2).await
}

async fn app(env: &Env) -> Headless {
    let mut app = Headless::new(env.client.clone(), false, None, 120, 40);
    app.settle(LIMIT).await;
    assert!(app.model.list.error.is_none(), "{:?}", app.model.list.error);
    app
}

fn palette(app: &mut Headless, text: &str) {
    app.press(KeyCode::Char(':'));
    app.type_text(text);
    app.press(KeyCode::Enter);
}

fn uuids(app: &Headless) -> Vec<String> {
    app.model.list.items.iter().map(|p| p.uuid().to_string()).collect()
}

fn last(app: &Headless) -> String {
    app.model.last_message().map(|m| m.text.clone()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_project_picker_switches_to_another_project_without_restarting() {
    let env = two_projects().await;
    let mut app = app(&env).await;
    let before = uuids(&app);
    palette(&mut app, "project");
    app.settle(LIMIT).await;
    let Some(Overlay::Picker(picker)) = &app.model.overlay else { panic!("{:?}", app.model.overlay) };
    assert_eq!(picker.kind, PickerKind::Project);
    let rows: Vec<(&str, bool)> = picker.choices.iter().map(|c| (c.label.as_str(), c.current)).collect();
    assert_eq!(rows, [("Hogdex Demo", true), ("Hogdex Staging", false)]);
    assert!(picker.choices[1].detail.starts_with("id 2 · "), "{}", picker.choices[1].detail);
    assert!(!picker.choices[1].detail.contains('-'), "the organization's name, not its id");
    app.press(KeyCode::Char('j'));
    app.press(KeyCode::Enter);
    app.settle(LIMIT).await;
    assert!(app.model.overlay.is_none());
    assert_eq!(app.model.conn.as_ref().unwrap().project, "2");
    assert_eq!(app.model.project.as_ref().map(|p| p.id), Some(2));
    let after = uuids(&app);
    assert!(!after.is_empty());
    let shared: Vec<_> = after.iter().filter(|u| before.contains(u)).collect();
    assert!(shared.is_empty(), "project 2 shares {shared:?} ({} vs {})", after.len(), before.len());
    assert!(last(&app).contains("Switched to") && last(&app).contains("project 2"), "{}", last(&app));
    let persons_of_2 =
        env.sandbox.requests().iter().filter(|r| r.path.starts_with("/api/projects/2/persons")).count();
    assert!(persons_of_2 >= 1, "the list now comes from project 2");
}

#[tokio::test(flavor = "multi_thread")]
async fn switching_to_a_project_that_does_not_exist_keeps_the_current_one() {
    let env = two_projects().await;
    let mut app = app(&env).await;
    let before = uuids(&app);
    palette(&mut app, "project 99");
    app.settle(LIMIT).await;
    assert!(last(&app).starts_with("Could not switch"), "{}", last(&app));
    assert_eq!(app.model.conn.as_ref().unwrap().project, env.client.project().to_string());
    assert_eq!(uuids(&app), before, "the list is untouched");
}

fn profiles(env: &Env, store: MemoryKeyring) -> Profiles {
    let (base, key) = (env.sandbox.base_url(), env.sandbox.key());
    let text = format!(
        r#"
[profiles.main]
host = "{base}"
project = 1
api_key = "{key}"

[profiles.staging]
host = "{base}"
project = 2
read_only = true
api_key_command = "printf %s {key}"

[profiles.ring]
host = "{base}"
project = 2

[profiles.wrong]
host = "{base}"
project = 1
api_key = "phx_not_the_key"
"#
    );
    let config = Config::parse(&text).unwrap();
    Profiles::new(config, CliInputs::default(), None, ClientOptions::default(), false)
        .with_store(Arc::new(store))
}

#[tokio::test(flavor = "multi_thread")]
async fn profiles_switch_live_with_their_own_key_project_and_read_only() {
    let env = two_projects().await;
    let store = MemoryKeyring::new().with("ring", env.sandbox.key());
    let mut app = app(&env).await.with_profiles(profiles(&env, store));
    assert_eq!(app.model.profiles.len(), 4);

    // A read-only profile whose key comes from a command.
    palette(&mut app, "profile staging");
    app.settle(LIMIT).await;
    let conn = app.model.conn.clone().unwrap();
    assert_eq!((conn.profile.as_deref(), conn.project.as_str()), (Some("staging"), "2"), "{}", last(&app));
    assert!(app.model.read_only, "the profile is read-only");
    app.press(KeyCode::Char('D'));
    assert!(app.model.dialog.is_none(), "no write key in a read-only profile");

    // A wrong key: PostHog's 401, and hogdex stays where it was.
    palette(&mut app, "profile wrong");
    app.settle(LIMIT).await;
    assert!(last(&app).starts_with("Could not switch"), "{}", last(&app));
    assert_eq!(app.model.conn.as_ref().unwrap().profile.as_deref(), Some("staging"));

    // A key from the keyring (`hogdex login --profile ring`), and writes are back.
    palette(&mut app, "profile");
    let Some(Overlay::Picker(picker)) = &app.model.overlay else { panic!() };
    let names: Vec<&str> = picker.choices.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(names, ["main", "ring", "staging", "wrong"]);
    assert!(picker.choices[2].current && picker.choices[2].detail.contains("read-only"));
    app.press(KeyCode::Char('g'));
    app.press(KeyCode::Char('j'));
    app.press(KeyCode::Enter);
    app.settle(LIMIT).await;
    assert_eq!(app.model.conn.as_ref().unwrap().profile.as_deref(), Some("ring"), "{}", last(&app));
    assert!(!app.model.read_only);
    app.press(KeyCode::Char('D'));
    assert!(app.model.dialog.is_some(), "write keys are back");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_without_any_key_says_how_to_give_it_one() {
    let env = two_projects().await;
    let mut app = app(&env).await.with_profiles(profiles(&env, MemoryKeyring::new()));
    palette(&mut app, "profile ring");
    app.settle(LIMIT).await;
    let text = last(&app);
    assert!(text.contains("no API key") && text.contains("hogdex login --profile ring"), "{text}");
    assert_eq!(app.model.conn.as_ref().unwrap().profile, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_given_at_start_stands_in_only_on_its_own_host() {
    let env = two_projects().await;
    let base = env.sandbox.base_url();
    let text = format!(
        "[profiles.same]\nhost = \"{base}\"\nproject = 2\n\n[profiles.elsewhere]\nhost = \"http://127.0.0.2:9\"\nproject = 1\n"
    );
    let config = Config::parse(&text).unwrap();
    // Started with `--host <sandbox> --api-key <key>`.
    let inputs = CliInputs { host: Some(base.clone()), key_given: Some(true), ..Default::default() };
    let given = Some(env.sandbox.key().to_string());
    let profiles = Profiles::new(config, inputs, given, ClientOptions::default(), false)
        .with_store(Arc::new(MemoryKeyring::new()));
    let mut app = app(&env).await.with_profiles(profiles);
    palette(&mut app, "profile same");
    app.settle(LIMIT).await;
    assert_eq!(app.model.conn.as_ref().unwrap().profile.as_deref(), Some("same"), "{}", last(&app));
    assert_eq!(app.model.conn.as_ref().unwrap().project, "2");
    let before = env.sandbox.requests().len();
    palette(&mut app, "profile elsewhere");
    app.settle(LIMIT).await;
    let text = last(&app);
    assert!(text.contains("profile elsewhere has no API key"), "{text}");
    assert_eq!(app.model.conn.as_ref().unwrap().profile.as_deref(), Some("same"));
    assert_eq!(env.sandbox.requests().len(), before, "nothing was sent anywhere");
}
