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
    m.list.error = Some(hogdex::app::error_text(&unauthorized, &Default::default()));
    m.push_message(Level::Error, "Listing persons failed: PostHog rejected the API key (401)");
    snap("list_error", &m);
}

#[test]
fn list_error_keeps_loaded_items_visible() {
    let mut m = list_model();
    let timeout =
        hogdex::api::ApiError::new("Loading the next page of persons", hogdex::api::ErrorKind::Timeout);
    m.list.error = Some(hogdex::app::error_text(&timeout, &Default::default()));
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

// ---------------------------------------------------------------------------------------------
// Dialogs, marks, countdowns, write checks and read-only mode.

use hogdex::api::{BulkTarget, DeleteOptions, PersonId};
use hogdex::app::dialog::{
    ConfirmDialog, DeleteDialog, Dialog, Editor, Expect, Field, JsonDialog, PropertyDialog, SplitDialog,
    SplitKind, Target,
};
use hogdex::app::{Check, CheckState, InFlight, Scheduled};
use hogdex::typed_value::ValueType;
use hogdex::ui::Theme;
use hogdex::writes::Write;
use ratatui::style::{Color, Style};

fn target() -> Target {
    Target {
        uuid: "0190f0c2-0000-7000-8000-000000000003".into(),
        name: "carla.mendes-oliveira@very-long-company-name.example.com".into(),
        distinct_ids: vec![
            "carla".into(),
            "0190f0c2-aaaa-bbbb-cccc-000000000003".into(),
            "carla@old-laptop".into(),
        ],
    }
}

fn with_dialog(dialog: Dialog) -> Model {
    let mut m = inspector_model();
    m.dialog = Some(dialog);
    m
}

fn property(value: &str, ty: ValueType) -> PropertyDialog {
    PropertyDialog {
        target: target(),
        adding: false,
        key: TextInput::new("code"),
        value: Editor::with_text(value),
        value_type: ty,
        focus: Field::Value,
        error: None,
        sending: None,
    }
}

fn delete_single() -> DeleteDialog {
    let mut p = persons()[0].clone();
    p.distinct_ids = (1..=9).map(|i| format!("ana-device-{i}")).collect();
    DeleteDialog {
        persons: vec![p],
        hidden_by_search: 0,
        delete_events: false,
        delete_recordings: false,
        confirm: TextInput::default(),
        focus: Field::Cancel,
    }
}

fn delete_bulk() -> DeleteDialog {
    DeleteDialog {
        persons: persons(),
        hidden_by_search: 2,
        delete_events: true,
        delete_recordings: false,
        confirm: TextInput::new("dele"),
        focus: Field::Confirm,
    }
}

fn split(kind: SplitKind) -> SplitDialog {
    SplitDialog {
        target: target(),
        kind,
        main: 1,
        chosen: [0, 2].into_iter().collect(),
        cursor: 2,
        focus: Field::Ids,
    }
}

fn confirm_diff() -> ConfirmDialog {
    let person = PersonId::parse("0190f0c2-0000-7000-8000-000000000003").unwrap();
    ConfirmDialog {
        title: "Review changes".into(),
        lines: vec![
            "Save these changes to carla?".into(),
            "+ tier: \"gold\"".into(),
            "~ seats: 12 → 14".into(),
            "- deleted_at: null".into(),
            "2 call(s): PATCH 2 properties; delete_property deleted_at".into(),
        ],
        writes: vec![Write::DeleteProperty { person, key: "deleted_at".into() }],
        expect: Vec::new(),
        focus: Field::Ok,
    }
}

fn json_dialog(error: Option<&str>) -> JsonDialog {
    let original = record().properties;
    let text = serde_json::to_string_pretty(&Value::Object(original.clone())).unwrap();
    JsonDialog { target: target(), original, editor: Editor::with_text(&text), error: error.map(Into::into) }
}

/// Every dialog state the tests draw.
fn all_dialogs() -> Vec<Dialog> {
    let mut adding = property("", ValueType::String);
    adding.adding = true;
    adding.key = TextInput::new("");
    adding.focus = Field::Key;
    let mut failed = property("007", ValueType::String);
    failed.error = Some("Updating the property failed: PostHog did not answer in time".into());
    let mut sending = property("007", ValueType::String);
    sending.sending = Some(3);
    vec![
        Dialog::Property(property("007", ValueType::String)),
        Dialog::Property(property("abc", ValueType::Number)),
        Dialog::Property(adding),
        Dialog::Property(failed),
        Dialog::Property(sending),
        Dialog::Json(json_dialog(None)),
        Dialog::Json(json_dialog(Some("not valid JSON: expected `,` or `}` at line 3 column 5"))),
        Dialog::Delete(delete_single()),
        Dialog::Delete(delete_bulk()),
        Dialog::Split(split(SplitKind::All)),
        Dialog::Split(split(SplitKind::Extract)),
        Dialog::Confirm(confirm_diff()),
    ]
}

/// Colours and modifiers only (`Reset` counts as unset), to compare a cell with a theme style.
fn norm(s: Style) -> Style {
    let unset = |c: Option<Color>| c.filter(|c| *c != Color::Reset);
    Style { fg: unset(s.fg), bg: unset(s.bg), add_modifier: s.add_modifier, ..Style::new() }
}

/// Where `needle` first appears on screen (screen lines print quoted, so the quote is skipped).
fn locate(t: &Terminal<TestBackend>, needle: &str) -> (u16, u16) {
    let text = screen_text(t);
    let (y, line) = text.lines().enumerate().find(|(_, l)| l.contains(needle)).expect(needle);
    let line = line.strip_prefix('"').unwrap_or(line);
    (hogdex::text::width(&line[..line.find(needle).unwrap()]) as u16, y as u16)
}

/// The style of the first cell of `needle` on screen, normalised with `norm`.
fn style_of(t: &Terminal<TestBackend>, needle: &str) -> Style {
    norm(t.backend().buffer()[locate(t, needle)].style())
}

#[test]
fn property_dialog_previews_the_exact_json() {
    let m = with_dialog(Dialog::Property(property("007", ValueType::String)));
    let text = screen_text(&draw(&m, 120, 40));
    assert!(text.contains("Edit property — carla.mendes-oliveira"), "{text}");
    assert!(text.contains(r#"sends {"key":"code","value":"007"}"#), "{text}");
    assert!(text.contains("[string]") && text.contains(" number ") && text.contains(" json "), "{text}");
    assert!(text.contains("[ Save ]  [ Cancel ]"), "{text}");
    assert!(text.contains("Tab next field · ctrl-t type · Enter save · Esc cancel"), "{text}");
    snap("property_string", &m);

    let m = with_dialog(Dialog::Property(property("007", ValueType::Number)));
    let t = draw(&m, 120, 40);
    assert!(screen_text(&t).contains(r#"sends {"key":"code","value":7}"#), "{}", screen_text(&t));
    assert!(screen_text(&t).contains("[number]"));
    insta::assert_snapshot!("property_number_120x40", t.backend());
}

#[test]
fn invalid_value_is_explained_and_save_looks_disabled() {
    let theme = Theme::default();
    let m = with_dialog(Dialog::Property(property("abc", ValueType::Number)));
    let t = draw(&m, 120, 40);
    let text = screen_text(&t);
    assert!(text.contains("✗ \"abc\" is not a number"), "{text}");
    assert!(!text.contains("sends {"), "nothing to send: {text}");
    assert_eq!(style_of(&t, "✗ \"abc\""), norm(theme.error));
    assert_eq!(style_of(&t, "[ Save ]"), norm(theme.disabled));
    insta::assert_snapshot!("property_invalid_120x40", t.backend());
    // Valid input: Save is pressable (plain text style, focus is on the value).
    let ok = draw(&with_dialog(Dialog::Property(property("7", ValueType::Number))), 120, 40);
    assert_eq!(style_of(&ok, "[ Save ]"), norm(theme.text));
}

#[test]
fn failed_send_keeps_text_and_offers_retry() {
    let mut d = property("007", ValueType::String);
    d.error = Some("Updating the property failed: PostHog did not answer in time".into());
    let text = screen_text(&draw(&with_dialog(Dialog::Property(d.clone())), 120, 40));
    assert!(text.contains("✗ Updating the property failed"), "{text}");
    assert!(text.contains("Enter retries · your text is kept"), "{text}");
    assert!(text.contains("│007"), "the typed value is still there: {text}");
    d.error = None;
    d.sending = Some(1);
    let t = draw(&with_dialog(Dialog::Property(d)), 120, 40);
    assert!(screen_text(&t).contains("sending…"));
    assert_eq!(style_of(&t, "[ Save ]"), norm(Theme::default().disabled));
}

#[test]
fn add_dialog_has_an_editable_key_with_cursor() {
    let mut d = property("pro", ValueType::String);
    d.adding = true;
    d.key = TextInput::new("pla");
    d.focus = Field::Key;
    let m = with_dialog(Dialog::Property(d));
    let mut t = draw(&m, 120, 40);
    let text = screen_text(&t);
    assert!(text.contains("Add property — carla"), "{text}");
    assert!(text.contains("▶ Key    pla"), "{text}");
    assert!(text.contains(r#"sends {"key":"pla","value":"pro"}"#), "{text}");
    let (x, y) = locate(&t, "▶ Key    pla");
    t.backend_mut().assert_cursor_position((x + "▶ Key    pla".chars().count() as u16, y));
    snap("property_add", &m);
    // An empty new key says what to do instead of showing an error.
    let mut d = property("", ValueType::String);
    (d.adding, d.key) = (true, TextInput::default());
    let text = screen_text(&draw(&with_dialog(Dialog::Property(d)), 120, 40));
    assert!(text.contains("sends nothing yet — type a key"), "{text}");
}

#[test]
fn dollar_keys_cannot_be_saved_unless_allowed() {
    let mut d = property("Chrome", ValueType::String);
    d.key = TextInput::new("$browser");
    let mut m = with_dialog(Dialog::Property(d));
    let text = screen_text(&draw(&m, 120, 40));
    assert!(text.contains("read-only here"), "{text}");
    m.allow_dollar_edits = true;
    let text = screen_text(&draw(&m, 120, 40));
    assert!(text.contains(r#"sends {"key":"$browser","value":"Chrome"}"#), "{text}");
}

#[test]
fn json_dialog_shows_the_editor_and_its_error() {
    let m = with_dialog(Dialog::Json(json_dialog(None)));
    let text = screen_text(&draw(&m, 120, 40));
    assert!(text.contains("Edit properties as JSON"), "{text}");
    assert!(text.contains("\"plan\": \"free\""), "{text}");
    assert!(text.contains("ctrl-s review changes · Esc cancel"), "{text}");
    snap("json", &m);
    let m = with_dialog(Dialog::Json(json_dialog(Some(
        "unsaved changes — Esc again discards them, ctrl-s reviews them",
    ))));
    let t = draw(&m, 60, 20);
    assert!(screen_text(&t).contains("✗ unsaved changes"), "{}", screen_text(&t));
    insta::assert_snapshot!("json_unsaved_60x20", t.backend());
}

#[test]
fn delete_single_person_with_cancel_focused() {
    let theme = Theme::default();
    let m = with_dialog(Dialog::Delete(delete_single()));
    let t = draw(&m, 120, 40);
    let text = screen_text(&t);
    assert!(text.contains("Delete person"), "{text}");
    assert!(text.contains("Ana Lima"), "{text}");
    assert!(text.contains("uuid  0190f0c2-0000-7000-8000-000000000001"), "{text}");
    assert!(text.contains("ana-device-1 · ana-device-2") && text.contains("more"), "{text}");
    assert!(text.contains("[ ] also delete events") && text.contains("[ ] also delete recordings"));
    assert!(text.contains("cannot be reused — use split instead"), "{text}");
    assert!(!text.contains("type delete"), "a plain single delete needs no typing: {text}");
    assert!(text.contains("sent after a 5 s grace period — u undoes"), "{text}");
    assert_eq!(style_of(&t, "[ Cancel ]"), norm(theme.selection), "Cancel has the focus");
    assert_eq!(style_of(&t, "[ Delete ]"), norm(theme.danger), "Delete is live but not focused");
    snap("delete_single", &m);

    let mut zero = m.clone();
    zero.grace = std::time::Duration::ZERO;
    assert!(screen_text(&draw(&zero, 120, 40)).contains("sent at once"));
}

#[test]
fn delete_bulk_requires_typing_and_counts_hidden_marks() {
    let theme = Theme::default();
    let m = with_dialog(Dialog::Delete(delete_bulk()));
    let mut t = draw(&m, 120, 40);
    let text = screen_text(&t);
    assert!(text.contains("Delete 7 persons"), "{text}");
    assert!(text.contains("7 persons: Ana Lima, Bo Chen"), "{text}");
    assert!(text.contains("2 of them are not in the current search"), "{text}");
    assert!(text.contains("[x] also delete events"), "{text}");
    assert!(text.contains("▶ type delete to confirm: dele"), "{text}");
    assert_eq!(style_of(&t, "[ Delete ]"), norm(theme.disabled), "not confirmed yet");
    let (x, y) = locate(&t, "confirm: dele");
    t.backend_mut().assert_cursor_position((x + "confirm: dele".len() as u16, y));
    snap("delete_bulk", &m);

    let mut done = delete_bulk();
    done.confirm = TextInput::new("delete");
    done.focus = Field::Ok;
    let t = draw(&with_dialog(Dialog::Delete(done)), 120, 40);
    assert!(screen_text(&t).contains("delete  ✓"), "{}", screen_text(&t));
    assert_eq!(style_of(&t, "[ Delete ]"), norm(theme.danger_focused));
}

#[test]
fn split_dialog_in_both_modes() {
    let m = with_dialog(Dialog::Split(split(SplitKind::All)));
    let text = screen_text(&draw(&m, 120, 40));
    assert!(text.contains("[Split all distinct ids] |  Extract some"), "{text}");
    assert!(text.contains("( ) carla") && text.contains("(•) 0190f0c2-aaaa"), "{text}");
    assert!(text.contains("This creates 2 new persons. Charts may change, even historically."), "{text}");
    assert!(text.contains("[ Split ]  [ Cancel ]"), "{text}");
    snap("split_all", &m);

    let m = with_dialog(Dialog::Split(split(SplitKind::Extract)));
    let text = screen_text(&draw(&m, 120, 40));
    assert!(text.contains("[Extract some]"), "{text}");
    assert!(
        text.contains("[x] carla") && text.contains("[ ] 0190f0c2-aaaa") && text.contains("▶ [x] carla@old")
    );
    assert!(text.contains("This creates 2 new persons."), "{text}");
    snap("split_extract", &m);

    let mut none = split(SplitKind::Extract);
    none.chosen.clear();
    let t = draw(&with_dialog(Dialog::Split(none)), 120, 40);
    assert!(screen_text(&t).contains("choose the distinct ids to move"), "{}", screen_text(&t));
    assert_eq!(style_of(&t, "[ Split ]"), norm(Theme::default().disabled));
}

#[test]
fn confirm_dialog_colours_the_diff() {
    let theme = Theme::default();
    let m = with_dialog(Dialog::Confirm(confirm_diff()));
    let t = draw(&m, 120, 40);
    let text = screen_text(&t);
    assert!(text.contains("Review changes") && text.contains("[ OK ]  [ Cancel ]"), "{text}");
    assert_eq!(style_of(&t, "+ tier"), norm(theme.added));
    assert_eq!(style_of(&t, "~ seats"), norm(theme.changed));
    assert_eq!(style_of(&t, "- deleted_at"), norm(theme.removed));
    assert_eq!(style_of(&t, "[ OK ]"), norm(theme.selection));
    snap("confirm_diff", &m);
}

#[test]
fn dialog_keys_replace_the_hint_bar() {
    for (dialog, expect) in [
        (Dialog::Property(property("x", ValueType::String)), "Tab next field  ctrl-t type  Enter save"),
        (Dialog::Json(json_dialog(None)), "ctrl-s review changes"),
        (Dialog::Delete(delete_single()), "Tab next  Enter cancel"),
        (Dialog::Split(split(SplitKind::All)), "j/k move  space choose  Enter split"),
        (Dialog::Confirm(confirm_diff()), "Tab switch  Enter confirm"),
    ] {
        let text = screen_text(&draw(&with_dialog(dialog), 120, 40));
        let hints = text.lines().last().unwrap();
        assert!(hints.contains(expect), "{hints}");
        assert!(
            hints.trim_end_matches('"').trim_end().ends_with("Esc cancel"),
            "the way out stays at the right: {hints}"
        );
        assert!(!hints.contains("filter properties"), "registry keys are hidden: {hints}");
    }
}

fn marked_model() -> Model {
    let mut m = list_model();
    let items = m.list.items.clone();
    for p in [&items[0], &items[3]] {
        m.marks.insert(p.uuid().to_string(), p.clone());
    }
    // Marked earlier under another search: not in this list.
    let hidden = person(99, json!({"name": "Zed"}), &["zed"], "2026-01-01T00:00:00Z", None);
    m.marks.insert(hidden.uuid().to_string(), hidden);
    let doomed = &items[1];
    let person = PersonId::parse(doomed.uuid()).unwrap();
    m.scheduled.push(Scheduled {
        id: 1,
        write: Write::DeletePerson { person, options: DeleteOptions::default() },
        label: "delete Bo Chen".into(),
        uuids: vec![doomed.uuid().to_string()],
        due: now() + chrono::Duration::milliseconds(3200),
        before: None,
    });
    let sent = &items[5];
    m.in_flight.insert(
        7,
        InFlight {
            write: Write::DeletePerson {
                person: PersonId::parse(sent.uuid()).unwrap(),
                options: DeleteOptions::default(),
            },
            label: "delete".into(),
            uuids: vec![sent.uuid().to_string()],
            expect: Vec::new(),
            progress: None,
        },
    );
    m
}

#[test]
fn list_shows_marks_and_countdowns() {
    let m = marked_model();
    assert_eq!(m.countdown(m.list.items[1].uuid()), Some(4));
    let t = draw(&m, 120, 40);
    let text = screen_text(&t);
    assert!(text.contains("· 3 marked"), "list title and status bar count every mark: {text}");
    let row = |needle: &str| text.lines().find(|l| l.contains(needle)).unwrap().to_string();
    assert!(row("Ana Lima").contains(" ● Ana Lima"), "{}", row("Ana Lima"));
    assert!(row("山田太郎").contains(" ● 山田太郎"), "{}", row("山田太郎"));
    assert!(row("Bo Chen").contains("deleting in 4s · u undo"), "{}", row("Bo Chen"));
    assert!(row("0190f0c2-5555").contains("deleting…"), "{}", row("0190f0c2-5555"));
    assert!(text.contains("│▶  carla.mendes"), "selected, not marked: {text}");
    snap("list_marks", &m);
    let mut marked_selected = m.clone();
    marked_selected.list.selected = 0;
    let text = screen_text(&draw(&marked_selected, 120, 40));
    assert!(text.contains("▶● Ana Lima"), "{text}");
    // Narrow: the countdown still fits.
    let text = screen_text(&draw(&m, 60, 20));
    let bo = text.lines().find(|l| l.contains("Bo Chen")).unwrap();
    assert!(bo.contains("deleting in 4s"), "{bo}");
}

#[test]
fn inspector_tags_written_properties() {
    let mut m = inspector_model();
    let uuid = record().uuid.clone();
    let check = |id, key: &str, value: Value, state| Check {
        id,
        uuid: uuid.clone(),
        expect: Expect::Property { key: key.into(), value: Some(value) },
        attempt: 1,
        state,
    };
    m.checks = vec![
        check(1, "plan", json!("pro"), CheckState::Pending),
        check(2, "seats", json!(12), CheckState::Confirmed),
        check(3, "beta", json!(true), CheckState::NotVisible),
    ];
    let theme = Theme::default();
    let t = draw(&m, 120, 40);
    let text = screen_text(&t);
    let row = |needle: &str| text.lines().find(|l| l.contains(needle)).unwrap().to_string();
    assert!(row("plan    ").contains("string pro ⟳ pending"), "the pending value shows: {}", row("plan    "));
    assert!(row("seats   ").contains("12 ✓ saved"), "{}", row("seats   "));
    assert!(row("beta    ").contains("true ! not visible"), "{}", row("beta    "));
    assert!(!row("email   ").contains("pending"), "{}", row("email   "));
    assert_eq!(style_of(&t, "⟳ pending"), norm(theme.muted));
    assert_eq!(style_of(&t, "✓ saved"), norm(theme.success));
    assert_eq!(style_of(&t, "! not visible"), norm(theme.warn));
    snap("inspector_checks", &m);
}

#[test]
fn status_bar_shows_marks_and_bulk_progress() {
    let mut m = marked_model();
    m.in_flight.insert(
        8,
        InFlight {
            write: Write::BulkDelete {
                target: BulkTarget::Ids(Vec::new()),
                options: DeleteOptions::default(),
            },
            label: "delete 2,500 persons".into(),
            uuids: Vec::new(),
            expect: Vec::new(),
            progress: Some((1000, 2500)),
        },
    );
    let t = draw(&m, 120, 40);
    let status = screen_text(&t).lines().next().unwrap().to_string();
    assert!(status.contains("deleting ▕███░░░░░▏ 1000/2500"), "{status}");
    assert!(status.contains("3 marked"), "{status}");
    insta::assert_snapshot!("status_progress_120x40", t.backend());
    let t = draw(&m, 60, 20);
    let status = screen_text(&t).lines().next().unwrap().to_string();
    assert!(status.contains("1000/2500"), "progress outranks the host when narrow: {status}");
    insta::assert_snapshot!("status_progress_60x20", t.backend());
}

/// The text of the whole help overlay (a tall terminal shows all of it).
fn help_text(m: &Model) -> String {
    let mut m = m.clone();
    m.overlay = Some(Overlay::Help { scroll: 0 });
    screen_text(&draw(&m, 120, 300))
}

#[test]
fn read_only_shows_no_write_keys() {
    let write_keys = ["e", "a", "d", "D", "E", "S", "x", "space", "u", "D/Delete"];
    let write_descs: Vec<&str> =
        hogdex::app::actions::REGISTRY.iter().filter(|s| s.write).map(|s| s.desc).collect();
    assert!(write_descs.contains(&"edit property") && write_descs.contains(&"mark / unmark"));
    for read_only in [false, true] {
        for focus in [Focus::List, Focus::Inspector] {
            let mut m = inspector_model();
            m.read_only = read_only;
            m.focus = focus;
            let text = screen_text(&draw(&m, 120, 40));
            let hints = text.lines().last().unwrap();
            let help = help_text(&m);
            // Help rows are "  <keys padded>  <description>" inside the popup, which starts in
            // the list pane: the third `│`-separated segment of a screen line.
            let help_keys: Vec<&str> =
                help.lines().filter_map(|l| l.split('│').nth(2)?.split_whitespace().next()).collect();
            let shown = |d: &str| hints.contains(d) || help.contains(d);
            if read_only {
                for d in &write_descs {
                    assert!(!shown(d), "read-only shows {d:?}:\n{hints}\n{help}");
                }
                assert!(!help.contains("reset-distinct-id"), "read-only help lists a write command:\n{help}");
                for k in write_keys {
                    assert!(!help_keys.contains(&k), "read-only help lists key {k}:\n{help}");
                    assert!(!hints.contains(&format!(" {k} ")), "read-only hints show {k}: {hints}");
                }
            } else {
                assert!(help.contains("edit property") && help.contains("delete person(s)"), "{help}");
                assert!(help.contains("reset-distinct-id"), "{help}");
                assert!(help_keys.contains(&"e") && help_keys.contains(&"space"), "{help}");
            }
        }
    }
    let mut m = inspector_model();
    m.read_only = true;
    insta::assert_snapshot!("read_only_inspector_120x40", draw(&m, 120, 40).backend());
}

#[test]
fn dialogs_never_panic_at_any_size() {
    for dialog in all_dialogs() {
        let m = with_dialog(dialog);
        for (w, h) in
            [(0, 0), (1, 1), (20, 5), (29, 8), (30, 8), (31, 9), (40, 10), (200, 1), (1, 200), (300, 100)]
        {
            let t = draw(&m, w, h);
            for cell in t.backend().buffer().content() {
                assert!(!cell.symbol().chars().any(is_unsafe_char));
            }
        }
    }
}

#[test]
fn hostile_text_in_dialogs_is_escaped() {
    let evil = Target {
        uuid: "0190f0c2-0000-7000-8000-000000000066".into(),
        name: "\x1b]0;TITLE\x07Mallory\u{202e}".into(),
        distinct_ids: vec!["evil\x1b[31m".into(), "\u{202e}rev".into()],
    };
    let mut prop = property("\x1b[2Jwipe\u{202e}\x07", ValueType::String);
    prop.target = evil.clone();
    prop.key = TextInput::new("k\u{202e}");
    prop.error = Some("server said \x1b]52;c;ZXZpbA==\x07".into());
    let mut json = json_dialog(None);
    json.target = evil.clone();
    json.editor = Editor::with_text("{\"a\": \"\x1b[2J\u{202e}\x07\"}");
    let mut split = split(SplitKind::Extract);
    split.target = evil.clone();
    let mut del = delete_single();
    del.persons = vec![hostile_model().list.items[0].clone()];
    let mut confirm = confirm_diff();
    confirm.title = "t\x1b[2J".into();
    confirm.lines = vec!["+ k\x1b: \"\u{202e}\"".into(), "plain \x07 line".into()];
    for dialog in [
        Dialog::Property(prop),
        Dialog::Json(json),
        Dialog::Json(json_dialog(Some("bad \x1b[5m"))),
        Dialog::Split(split),
        Dialog::Delete(del),
        Dialog::Confirm(confirm),
    ] {
        let m = with_dialog(dialog);
        for (w, h) in [(120, 40), (60, 20)] {
            let t = draw(&m, w, h);
            for cell in t.backend().buffer().content() {
                assert!(!cell.symbol().chars().any(is_unsafe_char), "{:?} on screen", cell.symbol());
            }
            assert!(screen_text(&t).contains("\\e") || screen_text(&t).contains('�'), "{}", screen_text(&t));
            if matches!(&m.dialog, Some(Dialog::Property(_)))
                || matches!(&m.dialog, Some(Dialog::Json(j)) if j.error.is_none())
            {
                assert!(screen_text(&t).contains("⚠ the text holds control or bidi"), "{}", screen_text(&t));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// History tabs: timeline, activity, events, cohorts.

use hogdex::api::{
    ActivityChange, ActivityDetail, ActivityEntry, ActivityUser, CohortRef, PersonEvent, PropertiesTimeline,
    TimelinePoint, TimelineResult, TimelineSource,
};
use hogdex::app::history::{EventsFeed, Feed, Pane, Tab};

const CARLA: &str = "0190f0c2-0000-7000-8000-000000000003";

fn pane<T>(data: Option<T>) -> Pane<T> {
    Pane { uuid: Some(CARLA.into()), data, ..Default::default() }
}

fn point(ts: &str, props: Value, count: u64) -> TimelinePoint {
    TimelinePoint { timestamp: ts.into(), properties: obj(props), relevant_event_count: count }
}

/// Three points built from events (a scoped key): plan free → pro → enterprise, seats growing,
/// a company added then removed; `plan` is crucial.
fn timeline() -> TimelineResult {
    TimelineResult {
        source: TimelineSource::Events,
        timeline: PropertiesTimeline {
            points: vec![
                point(
                    "2026-11-20T09:00:00Z",
                    json!({"email": "carla@acme.io", "plan": "free", "seats": 3}),
                    4,
                ),
                point(
                    "2026-11-24T15:30:00Z",
                    json!({"email": "carla@acme.io", "plan": "pro", "seats": 5, "company": "Acme"}),
                    12,
                ),
                point(
                    "2026-11-27T08:00:00Z",
                    json!({"email": "carla@acme.io", "plan": "enterprise", "seats": 12}),
                    1,
                ),
            ],
            crucial_property_keys: vec!["plan".into()],
            effective_date_from: Some("2026-11-21T00:00:00Z".into()),
            effective_date_to: None,
        },
        truncated: false,
        fallback_reason: None,
    }
}

fn tab_model(tab: Tab) -> Model {
    let mut m = inspector_model();
    m.tab = tab;
    m.focus = Focus::Inspector;
    m
}

fn timeline_model() -> Model {
    let mut m = tab_model(Tab::Timeline);
    m.history.timeline = pane(Some(timeline()));
    m.history.timeline.selected = 2;
    m
}

fn user(email: Option<&str>, first: Option<&str>) -> Option<ActivityUser> {
    Some(ActivityUser { email: email.map(Into::into), first_name: first.map(Into::into), is_system: None })
}

fn change(field: Option<&str>, before: Option<Value>, after: Option<Value>) -> ActivityChange {
    ActivityChange {
        kind: Some("Person".into()),
        action: Some("changed".into()),
        field: field.map(Into::into),
        before,
        after,
    }
}

fn activity_model() -> Model {
    let mut m = tab_model(Tab::Activity);
    let entry = |user, activity: &str, at: &str, detail| ActivityEntry {
        user,
        activity: activity.into(),
        created_at: Some(at.into()),
        detail,
        ..Default::default()
    };
    let items = vec![
        entry(
            user(Some("support@acme.io"), None),
            "updated",
            "2026-11-28T10:00:00Z",
            Some(ActivityDetail {
                changes: Some(vec![
                    change(Some("plan"), Some(json!("pro")), Some(json!("enterprise"))),
                    change(Some("deleted_at"), Some(Value::Null), None),
                    change(
                        Some("address"),
                        Some(json!({"city": "Porto"})),
                        Some(json!({"city": "Lisbon", "zip": "1100-148"})),
                    ),
                ]),
                ..Default::default()
            }),
        ),
        entry(
            None,
            "split_person",
            "2026-11-25T12:00:00Z",
            Some(ActivityDetail { name: Some("carla".into()), ..Default::default() }),
        ),
        entry(user(None, Some("Bo")), "delete_property", "2026-10-01T00:00:00Z", None),
    ];
    m.history.activity = pane(Some(Feed { items, next: Some("https://eu.posthog.com/next".into()) }));
    m.history.activity.loading = true;
    m
}

fn event(name: &str, at: &str, props: Value) -> PersonEvent {
    PersonEvent {
        uuid: format!("ev-{name}-{at}"),
        event: name.into(),
        timestamp: at.into(),
        distinct_id: "carla".into(),
        properties: obj(props),
    }
}

fn events_model() -> Model {
    let mut m = tab_model(Tab::Events);
    let events = vec![
        event(
            "$pageview",
            "2026-11-28T11:58:00Z",
            json!({"$current_url": "https://app.acme.io/billing?tab=plans"}),
        ),
        event("$set", "2026-11-28T11:00:00Z", json!({"$set": {"plan": "enterprise", "seats": 12}})),
        event(
            "$identify",
            "2026-11-27T08:00:00Z",
            json!({"$set": {"email": "carla@acme.io"}, "$set_once": {"first_plan": "free"}}),
        ),
        event("$autocapture", "2026-11-26T08:00:00Z", json!({"$pathname": "/settings"})),
        event("invoice paid\x1b[2J", "2026-11-22T08:00:00Z", json!({"amount": 99})),
    ];
    m.history.events = pane(Some(EventsFeed { events, has_more: true, offset: 5 }));
    m.history.events.selected = 1;
    m
}

fn cohorts_model() -> Model {
    let mut m = tab_model(Tab::Cohorts);
    m.history.cohorts = pane(Some(vec![
        CohortRef { id: 1, name: Some("Power users".into()), count: Some(1234) },
        CohortRef { id: 2, name: None, count: None },
        CohortRef { id: 3, name: Some("Churn risk".into()), count: Some(17) },
    ]));
    m
}

#[test]
fn timeline_shows_points_and_the_diff_with_crucial_keys() {
    let m = timeline_model();
    snap("timeline", &m);
    let mut zoomed = m.clone();
    zoomed.zoomed = true;
    insta::assert_snapshot!("timeline_zoomed_120x40", draw(&zoomed, 120, 40).backend());
    for (w, h) in SIZES {
        let t = draw(&m, w, h);
        let text = screen_text(&t);
        assert!(text.contains("~ plan: pro → enterprise"), "{w}x{h}:\n{text}");
        assert!(text.contains("*~ plan"), "crucial keys are marked:\n{text}");
        assert!(text.contains("- company: Acme"), "{text}");
        assert!(text.contains("source: the person's events"), "the fallback is always said:\n{text}");
        assert!(text.contains("[3 Timeline]"), "{text}");
        assert!(style_of(&t, "plan: pro").add_modifier.contains(ratatui::style::Modifier::BOLD));
        assert!(!style_of(&t, "seats: 5").add_modifier.contains(ratatui::style::Modifier::BOLD));
    }
    let t = draw(&m, 120, 40);
    let text = screen_text(&t);
    for hint in ["Enter show details", "] wider time range", "[ narrower time range"] {
        assert!(text.contains(hint), "the hint bar has {hint}:\n{text}");
    }
    // The first point is all added.
    let mut first = m.clone();
    first.history.timeline.selected = 0;
    let text = screen_text(&draw(&first, 120, 40));
    assert!(text.contains("first point: 3 properties") && text.contains("*+ plan: free"), "{text}");
    // The endpoint says so, and a truncated fallback warns.
    let mut endpoint = m.clone();
    endpoint.history.timeline.data.as_mut().unwrap().source = TimelineSource::Endpoint;
    assert!(screen_text(&draw(&endpoint, 60, 20)).contains("source: properties_timeline endpoint"));
    let mut cut = m.clone();
    cut.history.timeline.data.as_mut().unwrap().truncated = true;
    assert!(screen_text(&draw(&cut, 120, 40)).contains("⚠ source:"));
}

#[test]
fn activity_expands_the_selected_entry() {
    let m = activity_model();
    snap("activity", &m);
    let text = screen_text(&draw(&m, 120, 40));
    assert!(text.contains("support@acme.io") && text.contains("System"), "{text}");
    assert!(text.contains("plan: pro → enterprise"), "{text}");
    assert!(text.contains("deleted_at: ∅ → ∅"), "{text}");
    assert!(text.contains("loading more…"), "{text}");
}

#[test]
fn events_tab_lists_recent_events() {
    let m = events_model();
    snap("events", &m);
    let mut zoomed = m.clone();
    zoomed.zoomed = true;
    let text = screen_text(&draw(&zoomed, 120, 40));
    assert!(text.contains("https://app.acme.io/billing?tab=plans"), "{text}");
    assert!(text.contains("$set plan, seats"), "{text}");
    assert!(text.contains("$set email · $set_once first_plan"), "{text}");
    assert!(text.contains("/settings"), "{text}");
    assert!(text.contains("older events: scroll down"), "{text}");
    assert!(text.contains("invoice paid\\e[2J"), "control characters are escaped:\n{text}");
}

#[test]
fn cohorts_tab_lists_cohorts() {
    let m = cohorts_model();
    snap("cohorts", &m);
    let text = screen_text(&draw(&m, 120, 40));
    assert!(
        text.contains("1,234 persons") && text.contains("? persons") && text.contains("cohort #2"),
        "{text}"
    );
}

/// Loading, error and empty states of every history tab, stacked into one snapshot.
#[test]
fn history_empty_loading_and_error_states() {
    let failed = "Loading the timeline failed: PostHog did not answer in time. Press r to retry.";
    let mut cases: Vec<(&str, Model)> = Vec::new();
    let mut loading = tab_model(Tab::Timeline);
    loading.history.timeline = pane(None);
    loading.history.timeline.loading = true;
    cases.push(("timeline loading", loading));
    let mut error = tab_model(Tab::Timeline);
    error.history.timeline = pane(None);
    error.history.timeline.error = Some(failed.into());
    cases.push(("timeline error", error));
    let mut empty = timeline_model();
    empty.history.timeline.data.as_mut().unwrap().timeline.points.clear();
    cases.push(("timeline empty", empty));
    let mut activity = tab_model(Tab::Activity);
    activity.history.activity = pane(Some(Feed::default()));
    cases.push(("activity empty", activity));
    let mut events = tab_model(Tab::Events);
    events.history.events = pane(Some(EventsFeed::default()));
    cases.push(("events empty", events));
    let mut cohorts = tab_model(Tab::Cohorts);
    cohorts.history.cohorts = pane(Some(Vec::new()));
    cases.push(("cohorts empty", cohorts));
    let mut other = timeline_model();
    other.history.timeline.uuid = Some("someone-else".into());
    cases.push(("another person's timeline", other));
    let mut all = String::new();
    for (name, m) in &cases {
        let text = screen_text(&draw(m, 60, 12));
        all.push_str(&format!("== {name}\n{text}\n"));
    }
    for expected in [
        "Loading timeline…",
        "✗ Loading the timeline failed",
        "No property changes in this range — ] widens it",
        "No activity recorded for this person",
        "No events in the last 7 days — ] widens the range",
        "In no cohorts",
        "Timeline not loaded — r loads it",
    ] {
        assert!(all.contains(expected), "{expected}:\n{all}");
    }
    assert!(!all.contains("enterprise"), "another person's timeline is not shown:\n{all}");
    insta::assert_snapshot!("history_states_60x12", all);
}

#[test]
fn history_tabs_never_panic_at_any_size() {
    let mut models = vec![timeline_model(), activity_model(), events_model(), cohorts_model()];
    let mut zoomed = timeline_model();
    zoomed.zoomed = true;
    let mut unfocused = events_model();
    unfocused.focus = Focus::List;
    let mut hostile = hostile_model();
    hostile.tab = Tab::Events;
    hostile.focus = Focus::Inspector;
    models.extend([zoomed, unfocused, hostile]);
    for m in &models {
        for (w, h) in
            [(0, 0), (1, 1), (20, 5), (30, 8), (31, 9), (35, 10), (45, 12), (100, 8), (200, 1), (1, 200)]
        {
            let t = draw(m, w, h);
            for cell in t.backend().buffer().content() {
                assert!(!cell.symbol().chars().any(is_unsafe_char), "{:?} on screen", cell.symbol());
            }
        }
        // A selection past the end (stale) is clamped, not a panic.
        let mut stale = m.clone();
        stale.history.timeline.selected = 99;
        stale.history.activity.selected = 99;
        stale.history.events.scroll = 99;
        stale.history.cohorts.selected = 99;
        draw(&stale, 60, 20);
    }
}

// ---------------------------------------------------------------------------------------------
// Insight forms and persons, the project-wide activity, export progress.

use hogdex::api::FunnelParams;
use hogdex::app::insight::{InsightForm, InsightKind, InsightRequest};
use hogdex::app::{Export, ExportFormat};

/// The funnel form with the step field focused, its text edited, and the reason it cannot run.
fn funnel_form_model() -> Model {
    let mut f = InsightForm::new(InsightKind::Funnel, now().date_naive());
    f.fields[1].input.set("7");
    f.focus = 1;
    f.error = f.request().err();
    assert_eq!(f.error.as_deref(), Some("the step must be between 1 and 3"));
    with_dialog(Dialog::Insight(f))
}

#[test]
fn funnel_form_shows_fields_hints_error_and_cursor() {
    let m = funnel_form_model();
    snap("funnel_form", &m);
    let mut t = draw(&m, 120, 40);
    let text = screen_text(&t);
    for expected in [
        "Funnel persons",
        "steps:",
        "[$pageview,signed_up,purchase",
        "event names, in order, comma-separated",
        "the step number (1 = first)",
        "dropped off:",
        "✗ the step must be between 1 and 3",
        "[ Run ]  [ Cancel ]",
        "Tab next field · Enter run · Esc cancel",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    // The cursor is after the "7" in the focused step field.
    let (x, y) = locate(&t, "[7");
    assert_eq!(t.get_cursor_position().unwrap(), (x + 2, y).into());
    assert_eq!(norm(style_of(&t, "▶ step:")), norm(Theme::default().accent));

    // Focus on Run highlights it; on Cancel, Enter cancels.
    let mut run = m.clone();
    let Some(Dialog::Insight(f)) = &mut run.dialog else { unreachable!() };
    f.focus = f.fields.len();
    t = draw(&run, 120, 40);
    assert_eq!(norm(style_of(&t, "[ Run ]")), norm(Theme::default().selection));
    let mut cancel = run.clone();
    let Some(Dialog::Insight(f)) = &mut cancel.dialog else { unreachable!() };
    f.focus = f.fields.len() + 1;
    t = draw(&cancel, 120, 40);
    assert_eq!(norm(style_of(&t, "[ Cancel ]")), norm(Theme::default().selection));
    assert!(screen_text(&t).contains("Enter cancel"), "{}", screen_text(&t));
}

/// The list after a funnel: its persons under a breadcrumb that says where they came from.
fn funnel_list_model() -> Model {
    let mut m = list_model();
    let request = InsightRequest::Funnel(FunnelParams {
        steps: vec!["$pageview".into(), "signed_up".into()],
        step: 2,
        ..Default::default()
    });
    m.list.source = request.breadcrumb();
    m.list.insight = Some(request);
    m.list.total = None;
    m.list.items.truncate(4);
    m
}

#[test]
fn funnel_persons_list_shows_the_breadcrumb() {
    let m = funnel_list_model();
    snap("funnel_list", &m);
    let text = screen_text(&draw(&m, 120, 40));
    assert!(text.contains("funnel $pageview → signed_up · converted at step 2"), "{text}");
    assert!(text.contains("Esc back to search"), "{text}");
    let mut empty = m.clone();
    empty.list.items.clear();
    empty.list.next = None;
    let text = screen_text(&draw(&empty, 120, 40));
    assert!(text.contains("No persons in this insight · Esc back to search"), "{text}");
    // A search list has no such hint.
    assert!(!screen_text(&draw(&list_model(), 120, 40)).contains("Esc back to search"));
}

/// Project-wide activity: entries of several persons, the second selected with its changes.
fn project_activity_model() -> Model {
    let mut m = list_model();
    let entry = |user, activity: &str, at: &str, item: &str, detail| ActivityEntry {
        user,
        activity: activity.into(),
        item_id: Some(item.into()),
        created_at: Some(at.into()),
        detail,
        ..Default::default()
    };
    let named =
        |name: &str, changes| Some(ActivityDetail { name: Some(name.into()), changes, ..Default::default() });
    let items = vec![
        entry(
            user(Some("support@acme.io"), None),
            "deleted",
            "2026-11-28T11:30:00Z",
            "77",
            named("0190f0c2-0000-7000-8000-000000000009", None),
        ),
        entry(
            user(None, Some("Bo")),
            "updated",
            "2026-11-28T10:00:00Z",
            "4242",
            named(
                "0190f0c2-0000-7000-8000-000000000003",
                Some(vec![
                    change(Some("plan"), Some(json!("pro")), Some(json!("enterprise"))),
                    change(Some("seats"), Some(json!(5)), Some(json!(12))),
                ]),
            ),
        ),
        entry(None, "split_person", "2026-11-25T12:00:00Z", "4243", None),
        entry(
            user(Some("ops@acme.io"), None),
            "people_merged_into",
            "2026-10-01T00:00:00Z",
            "4244",
            named("0190f0c2-0000-7000-8000-000000000001", None),
        ),
    ];
    m.project_activity = Pane {
        data: Some(Feed { items, next: Some("https://eu.posthog.com/next".into()) }),
        ..Default::default()
    };
    m.project_activity.selected = 1;
    m.overlay = Some(Overlay::Activity);
    m
}

#[test]
fn project_activity_overlay_lists_every_person() {
    let m = project_activity_model();
    snap("project_activity", &m);
    let t = draw(&m, 120, 40);
    let text = screen_text(&t);
    for expected in [
        "Activity · all persons",
        "4+ entries",
        "when",
        "person",
        "30m ago",
        "support@acme.io",
        "0190f0c2-0000-7000-8000-000000000003",
        "plan: pro → enterprise",
        "seats: 5 → 12",
        "4243",
        "j/k move · Enter open the person · Esc close",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    assert_eq!(norm(style_of(&t, "▶ 2h ago")), norm(Theme::default().selection));
    // The changes sit right under the selected entry.
    assert_eq!(locate(&t, "plan: pro").1, locate(&t, "▶ 2h ago").1 + 1);
}

#[test]
fn project_activity_scrolls_to_the_selection_and_shows_its_states() {
    let mut long = project_activity_model();
    let feed = long.project_activity.data.as_mut().unwrap();
    let first = feed.items[0].clone();
    for i in 0..60 {
        let mut e = first.clone();
        e.item_id = Some(format!("{}", 1000 + i));
        e.detail = None;
        feed.items.push(e);
    }
    let last = feed.items.len() - 1;
    feed.items[last].item_id = Some("the-last-one".into());
    long.project_activity.selected = last;
    long.project_activity.loading = true;
    let text = screen_text(&draw(&long, 60, 20));
    assert!(text.contains("the-last-one"), "the selection is scrolled into view:\n{text}");

    let mut cases: Vec<(&str, Model)> = Vec::new();
    let mut loading = project_activity_model();
    loading.project_activity = Pane { loading: true, ..Default::default() };
    cases.push(("loading", loading));
    let mut failed = project_activity_model();
    failed.project_activity = Pane {
        error: Some("Loading activity failed: PostHog did not answer in time. Press r to retry.".into()),
        ..Default::default()
    };
    cases.push(("error", failed));
    let mut empty = project_activity_model();
    empty.project_activity = Pane { data: Some(Feed::default()), ..Default::default() };
    cases.push(("empty", empty));
    let mut more_failed = project_activity_model();
    more_failed.project_activity.error = Some("Loading more activity failed".into());
    cases.push(("more failed", more_failed));
    let mut all = String::new();
    for (name, m) in &cases {
        all.push_str(&format!("== {name}\n{}\n", screen_text(&draw(m, 60, 14))));
    }
    for expected in [
        "Loading activity…",
        "✗ Loading activity failed: PostHog did not answer",
        "No activity recorded in this project",
        "✗ Loading more activity failed",
    ] {
        assert!(all.contains(expected), "{expected}:\n{all}");
    }
    insta::assert_snapshot!("project_activity_states_60x14", all);
}

#[test]
fn status_bar_shows_export_progress() {
    let mut m = list_model();
    m.export = Some(Export {
        path: "/tmp/persons.csv".into(),
        format: ExportFormat::Csv,
        done: 300,
        total: Some(5000),
    });
    snap("export_progress", &m);
    let text = screen_text(&draw(&m, 120, 40));
    assert!(text.contains("exporting ▕░░░░░░░░▏ 300/5,000"), "{text}");
    let mut half = m.clone();
    half.export.as_mut().unwrap().done = 2500;
    assert!(screen_text(&draw(&half, 120, 40)).contains("exporting ▕████░░░░▏ 2,500/5,000"));
    let mut unknown = m.clone();
    unknown.export.as_mut().unwrap().total = None;
    let text = screen_text(&draw(&unknown, 120, 40));
    assert!(text.contains("exporting 300…"), "{text}");
}

#[test]
fn insight_form_and_activity_overlay_never_panic() {
    let mut kinds: Vec<Model> = [InsightKind::Funnel, InsightKind::Correlation, InsightKind::Lifecycle]
        .into_iter()
        .map(|k| {
            let mut f = InsightForm::new(k, now().date_naive());
            f.error = Some("x".repeat(300));
            with_dialog(Dialog::Insight(f))
        })
        .collect();
    kinds.extend([funnel_form_model(), project_activity_model(), funnel_list_model()]);
    let mut stale = project_activity_model();
    stale.project_activity.selected = 99;
    stale.project_activity.scroll = 99;
    kinds.push(stale);
    for m in &kinds {
        for (w, h) in [(0, 0), (1, 1), (20, 5), (30, 8), (31, 9), (45, 12), (200, 1), (1, 200)] {
            let t = draw(m, w, h);
            for cell in t.backend().buffer().content() {
                assert!(!cell.symbol().chars().any(is_unsafe_char), "{:?} on screen", cell.symbol());
            }
        }
    }
}

#[test]
fn project_picker_and_its_states() {
    use hogdex::app::{Choice, Overlay, Picker, PickerKind};
    let choice = |value: &str, label: &str, detail: &str, current: bool| Choice {
        value: value.into(),
        label: label.into(),
        detail: detail.into(),
        current,
    };
    let mut m = list_model();
    let mut picker = Picker::new(
        PickerKind::Project,
        vec![
            choice("1", "Hogdex Demo", "id 1 · Hogdex Demo Org", true),
            choice("2", "Hogdex Staging", "id 2 · Hogdex Demo Org", false),
            choice("3", "Partner \x1b[31mred", "id 3 · Hogdex Partner Org", false),
        ],
    );
    picker.selected = 1;
    m.overlay = Some(Overlay::Picker(picker));
    snap("project_picker", &m);
    let Some(Overlay::Picker(p)) = m.overlay.as_mut() else { unreachable!() };
    p.filtering = true;
    p.filter.set("stag");
    let text = screen_text(&draw(&m, 120, 40));
    assert!(
        text.contains("/ stag▏") && text.contains("Hogdex Staging") && !text.contains("Hogdex Demo   "),
        "{text}"
    );
    let Some(Overlay::Picker(p)) = m.overlay.as_mut() else { unreachable!() };
    p.error = Some("Listing projects: PostHog refused the key (403): API keys with scoped projects are only supported on project-based endpoints.".into());
    let text = screen_text(&draw(&m, 120, 40));
    assert!(text.contains("Switch project") && text.contains("PostHog refused the key (403)"), "{text}");
    assert!(!text.contains('\x1b'));
}
