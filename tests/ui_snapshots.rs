//! Snapshots of the view (`ui::view`) for hand-built models at 120×40 and 60×20, plus checks that
//! tiny terminals never panic and that hostile person data never puts a control character on
//! screen. `now` is fixed so relative times are stable.
use chrono::{DateTime, Utc};
use hogdex::api::{PersonListItem, PersonRecord, Project};
use hogdex::app::input::TextInput;
use hogdex::app::inspector::path_key;
use hogdex::app::{Connection, Focus, Level, Model, Overlay, Screen, Slot};
use hogdex::text::is_unsafe_char;
use hogdex::ui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Map, Value, json};

const SIZES: [(u16, u16); 2] = [(120, 40), (60, 20)];

fn now() -> DateTime<Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn person(n: u32, props: Value, ids: &[&str], created: &str, seen: Option<&str>) -> PersonListItem {
    let uuid = format!("0190f0c2-0000-7000-8000-{n:012}");
    PersonListItem {
        kind: Some("person".into()),
        id: uuid.clone(),
        uuid: Some(uuid),
        created_at: Some(created.into()),
        last_seen_at: seen.map(Into::into),
        properties: obj(props),
        distinct_ids: ids.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn persons() -> Vec<PersonListItem> {
    vec![
        person(
            1,
            json!({"email": "ana@acme.io", "name": "Ana Lima", "plan": "pro"}),
            &["ana-42"],
            "2025-02-01T10:00:00Z",
            Some("2026-11-28T11:55:00Z"),
        ),
        person(
            2,
            json!({"name": "Bo Chen"}),
            &["0190f0c2-aaaa-bbbb-cccc-dddddddddddd", "bo@work"],
            "2026-10-01T00:00:00Z",
            Some("2026-11-27T09:00:00Z"),
        ),
        person(
            3,
            json!({"email": "carla.mendes-oliveira@very-long-company-name.example.com", "plan": "free"}),
            &["carla"],
            "2024-06-12T08:30:00Z",
            Some("2026-11-20T12:00:00Z"),
        ),
        person(
            4,
            json!({"name": "山田太郎", "email": "taro@例え.jp"}),
            &["taro"],
            "2026-11-28T11:59:50Z",
            None,
        ),
        person(
            5,
            json!({"name": "🦔 Hedgehog fan"}),
            &["0190f0c2-1111-2222-3333-444444444444"],
            "2025-12-24T00:00:00Z",
            Some("2026-09-01T00:00:00Z"),
        ),
        person(
            6,
            json!({}),
            &["0190f0c2-5555-6666-7777-888888888888"],
            "2026-11-01T00:00:00Z",
            Some("2026-11-28T08:00:00Z"),
        ),
        person(
            7,
            json!({"username": "dmitri_k"}),
            &["dmitri"],
            "2023-03-03T03:03:03Z",
            Some("2026-01-15T00:00:00Z"),
        ),
    ]
}

fn conn() -> Connection {
    Connection { host: "https://eu.posthog.com".into(), project: "12345".into(), profile: None, demo: false }
}

/// A connected model with a loaded list page and the third person selected.
fn list_model() -> Model {
    let mut m = Model::new(now(), Some(conn()), false);
    m.project = Some(Project { id: 12345, name: Some("Acme Production".into()), ..Default::default() });
    m.list.items = persons();
    m.list.total = Some(1234);
    m.list.next = Some("https://eu.posthog.com/api/projects/12345/persons/?offset=100".into());
    m.list.loading = false;
    m.list.selected = 2;
    m.inspector.uuid = Some(m.list.items[2].uuid().to_string());
    m.push_message(Level::Info, "Loaded 7 persons");
    m
}

/// A full record with nested objects, arrays, `$`-properties and long values.
fn record() -> PersonRecord {
    PersonRecord {
        id: 4242,
        uuid: "0190f0c2-0000-7000-8000-000000000003".into(),
        name: None,
        distinct_ids: vec!["carla".into(), "0190f0c2-aaaa-bbbb-cccc-000000000003".into()],
        properties: obj(json!({
            "email": "carla.mendes-oliveira@very-long-company-name.example.com",
            "plan": "free",
            "seats": 12,
            "beta": true,
            "deleted_at": null,
            "address": {"city": "Lisbon", "zip": "1100-148", "geo": {"lat": 38.71, "lon": -9.14}},
            "tags": ["vip", "early-adopter"],
            "notes": "Called support three times about invoices; prefers email; asked for a refund in March and was told to wait for the next billing cycle which is a very long story",
            "$browser": "Firefox",
            "$initial_referrer": "https://www.google.com/search?q=posthog+persons+api+very+long+query+string",
            "$geoip_country_code": "PT",
        })),
        created_at: Some("2024-06-12T08:30:00.123000Z".into()),
        last_seen_at: Some("2026-11-20T12:00:00Z".into()),
        ..Default::default()
    }
}

fn inspector_model() -> Model {
    let mut m = list_model();
    m.records.insert(record().uuid.clone(), record());
    m.focus = Focus::Inspector;
    m.inspector.expanded.insert(path_key(&["address".into()]));
    m.inspector.expanded.insert(path_key(&["address".into(), "geo".into()]));
    m.inspector.selected = 10; // address.city
    m
}

fn hostile_model() -> Model {
    let mut m = list_model();
    let evil = person(
        66,
        json!({
            "name": "\x1b]0;TITLE\x07Mallory",
            "email": "m\x1b[2J@evil.example",
            "bio": "ding\x07ding\r\nline two\ttab",
            "file": "invoice\u{202e}fdp.exe",
            "\x1b[31mred_key": "\u{9b}31m c1",
            "nested": {"k\x07": "\x1b[?1049h alt screen"},
        }),
        &["evil\x1b[31m-id", "\u{202e}reversed"],
        "2026-11-01T00:00:00Z",
        Some("\x1b[2Jnot a date"),
    );
    m.list.items.insert(0, evil);
    m.list.selected = 0;
    m.list.source = "search: \x1b]0;pwned\x07".into();
    m.inspector.uuid = Some(m.list.items[0].uuid().to_string());
    m.inspector.expanded.insert(path_key(&["nested".into()]));
    m.project = Some(Project { id: 1, name: Some("Proj\x1b[5m\u{202e}".into()), ..Default::default() });
    m.push_message(Level::Error, "server said \x1b]52;c;ZXZpbA==\x07 nope");
    m
}

fn draw(model: &Model, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut m = model.clone();
    m.width = w;
    m.height = h;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view(&m, f)).unwrap();
    terminal
}

fn snap(name: &str, model: &Model) {
    for (w, h) in SIZES {
        let terminal = draw(model, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

fn screen_text(t: &Terminal<TestBackend>) -> String {
    t.backend().to_string()
}

#[test]
fn list_with_selection_and_total() {
    snap("list", &list_model());
}

#[test]
fn inspector_with_nested_and_dollar_properties() {
    snap("inspector", &inspector_model());
}

#[test]
fn help_overlay() {
    let mut m = list_model();
    m.overlay = Some(Overlay::Help { scroll: 0 });
    snap("help", &m);
}

#[test]
fn list_error() {
    let mut m = list_model();
    m.list.items.clear();
    m.list.total = None;
    m.list.next = None;
    let unauthorized = hogdex::api::ApiError::new(
        "Listing persons",
        hogdex::api::ErrorKind::Unauthorized {
            detail: "Personal API key found in request Authorization header is invalid.".into(),
        },
    );
    m.list.error = Some(hogdex::app::error_text(&unauthorized));
    m.push_message(Level::Error, "Listing persons failed: PostHog rejected the API key (401)");
    snap("list_error", &m);
}

#[test]
fn list_error_keeps_loaded_items_visible() {
    let mut m = list_model();
    let timeout =
        hogdex::api::ApiError::new("Loading the next page of persons", hogdex::api::ErrorKind::Timeout);
    m.list.error = Some(hogdex::app::error_text(&timeout));
    let t = draw(&m, 120, 40);
    let text = screen_text(&t);
    assert!(text.contains("Ana Lima") || text.contains("ana@acme.io"), "{text}");
    assert!(text.contains("Loading the next page of persons failed"), "{text}");
    insta::assert_snapshot!("list_error_with_items_120x40", t.backend());
}

#[test]
fn welcome_screen() {
    let mut m = Model::new(now(), None, false);
    assert_eq!(m.screen, Screen::Welcome);
    m.welcome_error = Some("The demo sandbox could not start: address in use".into());
    snap("welcome", &m);
}

#[test]
fn hostile_person_shows_visible_escapes() {
    let mut m = hostile_model();
    snap("hostile_list", &m);
    m.focus = Focus::Inspector;
    snap("hostile_inspector", &m);
}

#[test]
fn hostile_person_puts_no_control_char_on_screen() {
    let mut m = hostile_model();
    for focus in [Focus::List, Focus::Inspector] {
        m.focus = focus;
        for (w, h) in [(120, 40), (60, 20), (200, 60)] {
            let t = draw(&m, w, h);
            for cell in t.backend().buffer().content() {
                assert!(
                    !cell.symbol().chars().any(is_unsafe_char),
                    "control char {:?} on screen",
                    cell.symbol()
                );
            }
            let text = screen_text(&t);
            assert!(text.contains("\\e"), "escapes are visible:\n{text}");
        }
    }
    m.overlay = Some(Overlay::Detail {
        title: "bio\x1b[2J".into(),
        text: "a\x07b\r\nc\x1b]0;x\x07".into(),
        scroll: 0,
    });
    let t = draw(&m, 80, 24);
    assert!(t.backend().buffer().content().iter().all(|c| !c.symbol().chars().any(is_unsafe_char)));
    assert!(screen_text(&t).contains("a\\ab"));
}

#[test]
fn busy_spinner_and_read_only_badges() {
    let mut m = list_model();
    m.read_only = true;
    m.conn.as_mut().unwrap().demo = true;
    m.busy.insert(Slot::List);
    m.spinner = 1;
    let text = screen_text(&draw(&m, 120, 40));
    let status = text.lines().next().unwrap();
    assert!(status.contains("[DEMO]") && status.contains("[RO]") && status.contains('⠙'), "{status}");
    assert!(status.contains("Acme Production") && status.contains("Loaded 7 persons"), "{status}");
}

#[test]
fn search_editing_shows_cursor_and_error() {
    let mut m = list_model();
    m.search.editing = true;
    m.search.input = TextInput::new("plan=");
    m.search.error = Some("plan= needs a value, e.g. plan=pro".into());
    let mut t = draw(&m, 60, 20);
    t.backend_mut().assert_cursor_position((7, 1));
    let text = screen_text(&t);
    assert!(text.contains("plan= needs a value"), "{text}");
    assert!(text.contains("Enter run search"), "hint bar shows the field's keys:\n{text}");
    insta::assert_snapshot!("search_error_60x20", t.backend());
}

#[test]
fn palette_lists_completions() {
    let mut m = list_model();
    m.palette = Some(TextInput::new("pe"));
    let t = draw(&m, 120, 40);
    let text = screen_text(&t);
    assert!(text.contains(":person <distinct id | uuid>"), "{text}");
    assert!(!text.contains(":quit"), "only matching commands:\n{text}");
    insta::assert_snapshot!("palette_120x40", t.backend());
}

#[test]
fn messages_and_detail_overlays() {
    let mut m = list_model();
    m.push_message(Level::Warn, "Rate limited; retrying in 3s");
    m.push_message(Level::Error, "Loading person failed: 404 not found");
    m.overlay = Some(Overlay::Messages { scroll: 0 });
    insta::assert_snapshot!("messages_60x20", draw(&m, 60, 20).backend());
    m.overlay = Some(Overlay::Detail {
        title: "notes".into(),
        text: record().properties["notes"].as_str().unwrap().to_string() + "\nsecond line",
        scroll: 0,
    });
    insta::assert_snapshot!("detail_60x20", draw(&m, 60, 20).backend());
}

#[test]
fn loading_and_empty_states() {
    let mut m = Model::new(now(), Some(conn()), false);
    assert!(screen_text(&draw(&m, 60, 20)).contains("Loading persons…"));
    m.list.loading = false;
    assert!(screen_text(&draw(&m, 60, 20)).contains("No persons match"));
    let mut m = list_model();
    m.list.loading_more = true;
    assert!(screen_text(&draw(&m, 60, 20)).contains("loading more…"));
    m.inspector.uuid = None;
    m.focus = Focus::Inspector;
    assert!(screen_text(&draw(&m, 60, 20)).contains("Select a person"));
}

#[test]
fn wide_characters_keep_columns_aligned() {
    let t = draw(&list_model(), 120, 40);
    let text = screen_text(&t);
    // The email column (the last occurrence on the row: the name column shows the email too).
    let col = |needle: &str| {
        let line = text.lines().find(|l| l.contains(needle)).unwrap();
        hogdex::text::width(&line[..line.rfind(needle).unwrap()])
    };
    let a = col("ana@acme.io");
    assert_eq!(col("taro@例え.jp"), a, "CJK text keeps the email column aligned");
    assert_eq!(col("0190f0c2-1111-2222"), a, "an emoji name keeps the id column aligned");
    assert_eq!(col("2mo ago"), col("5m ago"), "an emoji name keeps the time columns aligned");
}

#[test]
fn tiny_terminals_never_panic() {
    let mut models = vec![Model::new(now(), None, false), list_model(), inspector_model(), hostile_model()];
    let mut help = list_model();
    help.overlay = Some(Overlay::Help { scroll: 999 });
    let mut palette = inspector_model();
    palette.palette = Some(TextInput::new("person abc"));
    palette.inspector.filter_editing = true;
    let mut zoomed = inspector_model();
    zoomed.zoomed = true;
    models.extend([help, palette, zoomed]);
    for m in &models {
        for (w, h) in [(0, 0), (1, 1), (20, 5), (29, 8), (30, 8), (30, 7), (31, 9), (200, 1), (1, 200)] {
            let t = draw(m, w, h);
            if w < 30 || h < 8 {
                if w >= 20 && h >= 2 {
                    assert!(screen_text(&t).contains("too small"), "{w}x{h}:\n{}", screen_text(&t));
                }
            } else {
                assert!(screen_text(&t).contains("hogdex"), "{w}x{h} draws the layout");
            }
        }
    }
}

#[test]
fn stale_model_size_is_clipped_to_the_frame() {
    let mut m = inspector_model();
    m.width = 200;
    m.height = 60;
    let mut terminal = Terminal::new(TestBackend::new(50, 12)).unwrap();
    terminal.draw(|f| view(&m, f)).unwrap();
    m.width = 10;
    m.height = 3;
    terminal.draw(|f| view(&m, f)).unwrap();
}

#[test]
fn inspector_filter_shows_text_and_cursor() {
    let mut m = inspector_model();
    m.inspector.filter = TextInput::new("ci");
    m.inspector.filter_editing = true;
    let mut t = draw(&m, 60, 20);
    let text = screen_text(&t);
    let line = text.lines().nth(6).unwrap();
    assert!(line.contains("2 distinct ids · 11 properties · filter: ci"), "{line}");
    // Border, then "2 distinct ids · 11 properties · filter: ci" (43 columns), then the cursor.
    t.backend_mut().assert_cursor_position((1 + 43, 6));
    assert!(text.contains("Enter apply filter"), "{text}");
}

#[test]
fn selection_is_styled_by_focus() {
    use hogdex::ui::{Theme, view_with};
    let cell_style = |m: &Model, theme: &Theme, y: u16| {
        let mut m = m.clone();
        (m.width, m.height) = (120, 40);
        let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
        t.draw(|f| view_with(&m, f, theme)).unwrap();
        t.backend().buffer()[(5, y)].style()
    };
    let dark = Theme::default();
    let m = list_model();
    // Row 0 of the list is screen line 4 (status, search, border, header); the third person is selected.
    assert_eq!(cell_style(&m, &dark, 6).bg, dark.selection.bg);
    assert_ne!(cell_style(&m, &dark, 5).bg, dark.selection.bg);
    let mut unfocused = m.clone();
    unfocused.focus = Focus::Inspector;
    assert_eq!(cell_style(&unfocused, &dark, 6).bg, dark.selection_unfocused.bg);
    let plain = Theme::plain();
    let style = cell_style(&m, &plain, 6);
    assert!(
        style.add_modifier.contains(ratatui::style::Modifier::REVERSED),
        "NO_COLOR selection is reversed"
    );
    assert!(matches!(style.fg, None | Some(ratatui::style::Color::Reset)), "the plain theme sets no colour");
}
