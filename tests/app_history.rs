//! The whole app (headless) against the sandbox for the palette features over the list:
//! insight persons with a breadcrumb, the project-wide activity feed, and exports to files.
mod common;

use common::*;
use hogdex::runtime::Headless;
use ratatui::crossterm::event::KeyCode;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(20);

async fn app(persons: usize) -> (Env, Headless) {
    let env = start(persons, |_| {}).await;
    let mut app = Headless::new(env.client.clone(), false, None, 120, 40);
    app.settle(LIMIT).await;
    assert!(app.model.list.error.is_none(), "{:?}", app.model.list.error);
    (env, app)
}

fn palette(app: &mut Headless, text: &str) {
    app.press(KeyCode::Char(':'));
    app.type_text(text);
    app.press(KeyCode::Enter);
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_write_private_files_and_never_overwrite() {
    let (_env, mut app) = app(120).await;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("persons.json");
    palette(&mut app, &format!("export json {}", json.display()));
    app.settle(LIMIT).await;
    let written: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(written.len(), 124, "every page of the search: 120 generated + 4 fixtures");
    assert_eq!(std::fs::metadata(&json).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(app.model.last_message().unwrap().text.contains("Exported 124 persons"));

    let csv = dir.path().join("persons.csv");
    palette(&mut app, &format!("export csv {}", csv.display()));
    app.settle(LIMIT).await;
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.lines().next().unwrap().contains("properties.email"));
    assert_eq!(text.lines().count(), 125, "header + every person (PostHog's CSV export)");

    palette(&mut app, &format!("export json {}", csv.display()));
    app.settle(LIMIT).await;
    assert!(app.model.last_message().unwrap().text.contains("cannot create"), "no overwrite");
    assert!(std::fs::read_to_string(&csv).unwrap().starts_with(text.lines().next().unwrap()));
}

#[tokio::test(flavor = "multi_thread")]
async fn funnel_persons_fill_the_list_with_a_breadcrumb() {
    let (_env, mut app) = app(400).await;
    palette(&mut app, "funnel");
    app.press(KeyCode::Enter); // the form's defaults: $pageview → signed_up → purchase, step 2
    app.settle(LIMIT).await;
    assert!(app.model.list.error.is_none(), "{:?}", app.model.list.error);
    assert!(app.model.list.source.starts_with("funnel $pageview"), "{}", app.model.list.source);
    assert!(app.model.list.insight.is_some());
    assert!(!app.model.list.items.is_empty(), "the demo data converts some persons");
    assert!(app.model.list.items.len() < 404, "only funnel persons, not everyone");
    let funnel: Vec<String> = app.model.list.items.iter().map(|p| p.uuid().to_string()).collect();
    app.press(KeyCode::Esc);
    app.settle(LIMIT).await;
    assert!(app.model.list.insight.is_none(), "Esc goes back to the search");
    assert_eq!(app.model.list.source, "all persons");
    assert_ne!(app.model.list.items.iter().map(|p| p.uuid().to_string()).collect::<Vec<_>>(), funnel);
}

#[tokio::test(flavor = "multi_thread")]
async fn project_activity_opens_a_person_who_still_exists() {
    let (env, mut app) = app(200).await;
    let alice = hogdex::api::PersonId::parse(ALICE).unwrap();
    let pk = env.client.get_person(alice).await.unwrap().id;
    env.client.update_property(alice, "plan", "team".into()).await.unwrap();
    palette(&mut app, "activity");
    app.settle(LIMIT).await;
    let items = app.model.project_activity.data.as_ref().expect("activity loaded").items.clone();
    // Newest first: Alice's update is the first entry about her.
    let pos = items
        .iter()
        .position(|e| e.item_id.as_deref() == Some(pk.to_string().as_str()))
        .expect("alice's entry");
    for _ in 0..pos {
        app.press(KeyCode::Char('j'));
    }
    app.press(KeyCode::Enter);
    app.settle(LIMIT).await;
    assert!(app.model.overlay.is_none());
    assert!(app.model.zoomed, "the person opens full screen");
    assert_eq!(app.model.inspector.uuid.as_deref(), Some(ALICE), "Enter opened the entry's person");
}
