//! The dialogs' text helpers, and every dialog drawn straight into tiny and odd-sized screens
//! (the view's "too small" guard is bypassed, so the dialog code itself must clip).
use super::*;

#[test]
fn wrap_keeps_words_and_cuts_long_ones() {
    assert_eq!(wrap("one two three", 7), ["one two", "three"]);
    assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    assert_eq!(wrap("a\x1bb", 10), ["a\\eb"]);
    assert_eq!(wrap("", 5), [""]);
    assert!(wrap("日本語テキスト", 4).iter().all(|l| width(l) <= 4));
}

#[test]
fn join_fit_counts_the_rest() {
    let ids: Vec<String> = ["alpha", "beta", "gamma", "delta"].map(String::from).into();
    assert_eq!(join_fit(&ids, 80, ", "), "alpha, beta, gamma, delta");
    assert_eq!(join_fit(&ids, 24, ", "), "alpha, beta, +2 more");
    assert_eq!(join_fit(&ids, 4, ", "), "+4 …");
}

#[test]
fn seconds_are_short() {
    assert_eq!(seconds(std::time::Duration::from_secs(5)), "5 s");
    assert_eq!(seconds(std::time::Duration::from_millis(1500)), "1.5 s");
}

fn dialogs() -> Vec<Dialog> {
    use crate::app::dialog::*;
    use crate::typed_value::ValueType;
    let target = Target {
        uuid: "0190f0c2-0000-7000-8000-000000000001".into(),
        name: "Ana \x1b[2J Lima".into(),
        distinct_ids: (0..30).map(|i| format!("id-{i}")).collect(),
    };
    let person: crate::api::PersonListItem = serde_json::from_value(serde_json::json!({
        "id": "0190f0c2-0000-7000-8000-000000000001",
        "properties": {"email": "ana@acme.io"},
        "distinct_ids": ["a", "b"],
    }))
    .unwrap();
    let property = PropertyDialog {
        target: target.clone(),
        adding: true,
        key: TextInput::new("key"),
        value: Editor::with_text("line one\nline two\n\u{202e}three\x07"),
        value_type: ValueType::Number,
        focus: Field::Value,
        error: Some("failed".into()),
        sending: None,
    };
    let delete = DeleteDialog {
        persons: vec![person.clone(), person],
        hidden_by_search: 1,
        delete_events: true,
        delete_recordings: true,
        confirm: TextInput::new("delete"),
        focus: Field::Confirm,
    };
    let split = SplitDialog {
        target: target.clone(),
        kind: SplitKind::Extract,
        main: 0,
        chosen: [1, 29].into_iter().collect(),
        cursor: 29,
        focus: Field::Ids,
    };
    let confirm = ConfirmDialog {
        title: "Review".into(),
        lines: (0..60).map(|i| format!("+ key{i}: {i}")).collect(),
        writes: Vec::new(),
        expect: Vec::new(),
        focus: Field::Ok,
    };
    let json = JsonDialog {
        target,
        original: Default::default(),
        editor: Editor::with_text("{\n  \"a\": 1\n}"),
        error: Some("not valid JSON: trailing comma at line 2 column 9".into()),
    };
    let mut empty_delete = delete.clone();
    empty_delete.persons.clear();
    vec![
        Dialog::Property(property),
        Dialog::Json(json),
        Dialog::Delete(delete),
        Dialog::Delete(empty_delete),
        Dialog::Split(split),
        Dialog::Confirm(confirm),
    ]
}

#[test]
fn every_dialog_clips_at_any_size() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let model = crate::app::Model::new(chrono::DateTime::UNIX_EPOCH, None, false);
    let theme = crate::ui::Theme::default();
    for dialog in dialogs() {
        for (w, h) in [(0, 0), (1, 1), (2, 2), (3, 3), (20, 5), (5, 20), (24, 6), (30, 8), (200, 3), (3, 200)]
        {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal
                .draw(|f| {
                    let ui = Ui { model: &model, theme: &theme, screen: f.area() };
                    render(f, &ui, &dialog);
                })
                .unwrap();
            for cell in terminal.backend().buffer().content() {
                assert!(!cell.symbol().chars().any(is_unsafe_char), "{w}x{h}: {:?}", cell.symbol());
            }
        }
    }
}
