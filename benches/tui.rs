//! Benchmarks of the TUI's hot path: one key press (`update` + a full `view` draw on a 200×60
//! TestBackend) with 10,000 persons loaded, and drawing the inspector of a person with ~60
//! properties. Target: well under 2 ms per key press. Run with `cargo bench --bench tui`.
use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use hogdex::api::{PersonListItem, PersonRecord, Project};
use hogdex::app::inspector::path_key;
use hogdex::app::{Connection, Focus, Model, Msg, update};
use hogdex::ui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Map, Value, json};
use std::hint::black_box;

const W: u16 = 200;
const H: u16 = 60;

fn now() -> DateTime<Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

fn model() -> Model {
    let conn = Connection {
        host: "https://eu.posthog.com".into(),
        project: "12345".into(),
        profile: None,
        demo: false,
    };
    let mut m = Model::new(now(), Some(conn), false);
    m.width = W;
    m.height = H;
    m.project = Some(Project { id: 12345, name: Some("Acme Production".into()), ..Default::default() });
    m
}

fn person(i: usize) -> PersonListItem {
    let uuid = format!("0190f0c2-0000-7000-8000-{i:012}");
    let plan = ["free", "pro", "enterprise"][i % 3];
    let props = json!({
        "email": format!("user{i}@example{}.com", i % 97),
        "name": format!("User Number {i} 山田"),
        "plan": plan,
        "$browser": "Firefox",
    });
    PersonListItem {
        id: uuid.clone(),
        uuid: Some(uuid),
        created_at: Some(format!("2025-{:02}-{:02}T10:00:00Z", i % 12 + 1, i % 28 + 1)),
        last_seen_at: Some(format!("2026-11-{:02}T08:00:00Z", i % 27 + 1)),
        properties: props.as_object().unwrap().clone(),
        distinct_ids: vec![format!("user-{i}"), format!("0190f0c2-aaaa-bbbb-cccc-{i:012}")],
        ..Default::default()
    }
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn key_press_10k(c: &mut Criterion) {
    let mut m = model();
    m.list.items = (0..10_000).map(person).collect();
    m.list.total = Some(10_000);
    m.list.loading = false;
    m.inspector.uuid = Some(m.list.items[0].uuid().to_string());
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();
    c.bench_function("key_j_update_and_view_10k_persons", |b| {
        b.iter(|| {
            // Walk down the list; jump back to the top at the end so every press moves.
            let k = if m.list.selected + 1 >= m.list.items.len() { 'g' } else { 'j' };
            black_box(update(&mut m, key(k)));
            terminal.draw(|f| view(&m, f)).unwrap();
        })
    });
}

fn record_60() -> PersonRecord {
    let mut props = Map::new();
    for i in 0..50 {
        let v = match i % 5 {
            0 => {
                Value::from(format!("value {i} with some longer text that will need truncating at the edge"))
            }
            1 => Value::from(i),
            2 => Value::from(i % 2 == 0),
            3 => Value::Null,
            _ => Value::from(format!("short {i}")),
        };
        let k = if i % 4 == 0 { format!("$prop_{i}") } else { format!("property_{i}") };
        props.insert(k, v);
    }
    for i in 0..10 {
        props.insert(format!("nested_{i}"), json!({"a": 1, "b": {"c": "deep", "d": [1, 2, 3]}, "e": "x"}));
    }
    PersonRecord {
        id: 4242,
        uuid: "0190f0c2-0000-7000-8000-000000000001".into(),
        distinct_ids: vec!["user-1".into(), "0190f0c2-aaaa-bbbb-cccc-000000000001".into()],
        properties: props,
        created_at: Some("2024-06-12T08:30:00Z".into()),
        last_seen_at: Some("2026-11-20T12:00:00Z".into()),
        ..Default::default()
    }
}

fn inspector_60_props(c: &mut Criterion) {
    let mut m = model();
    let rec = record_60();
    m.list.items = vec![PersonListItem::from(&rec)];
    m.list.loading = false;
    m.inspector.uuid = Some(rec.uuid.clone());
    for i in 0..10 {
        m.inspector.expanded.insert(path_key(&[format!("nested_{i}")]));
    }
    m.inspector.expanded.insert(path_key(&["nested_0".into(), "b".into()]));
    m.records.insert(rec.uuid.clone(), rec);
    m.focus = Focus::Inspector;
    m.inspector.selected = 5;
    let mut terminal = Terminal::new(TestBackend::new(W, H)).unwrap();
    c.bench_function("view_inspector_60_properties", |b| {
        b.iter(|| {
            terminal.draw(|f| view(&m, f)).unwrap();
        });
    });
}

criterion_group!(benches, key_press_10k, inspector_60_props);
criterion_main!(benches);
