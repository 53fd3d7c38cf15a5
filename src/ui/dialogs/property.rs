//! `e` / `a`: one property's key, value (textarea), explicit type, and the exact JSON it sends.
use super::{HIDDEN_CHARS, Item, buttons, draw_items, frame_popup, inner_width, width_for, wrapped};
use crate::app::dialog::{DOLLAR_READ_ONLY, Field, PropertyDialog};
use crate::text::{fit, is_unsafe_char};
use crate::typed_value::ValueType;
use crate::ui::Ui;
use ratatui::Frame;
use ratatui::text::{Line, Span};

/// Label column: the focus marker and the label.
const LABEL_W: usize = 9;
/// Most rows the value box grows to before it scrolls.
const MAX_VALUE_ROWS: u16 = 6;

pub fn render(frame: &mut Frame, ui: &Ui, d: &PropertyDialog, hints: &str) {
    let (m, t) = (ui.model, ui.theme);
    let outer = width_for(ui, 76);
    let w = inner_width(outer);
    let verb = if d.adding { "Add property" } else { "Edit property" };
    let title = format!("{verb} — {}", d.target.name);

    let mut items = Vec::new();
    let key_focused = d.focus == Field::Key;
    if d.adding {
        let placeholder = if d.key.text.is_empty() && !key_focused {
            vec![Span::styled("new key", t.muted)]
        } else {
            Vec::new()
        };
        items.push(Item::Input {
            label: label(ui, "Key", key_focused),
            input: &d.key,
            focused: key_focused,
            after: placeholder,
        });
    } else {
        let key = fit(&d.key.text, w.saturating_sub(LABEL_W));
        let style = if d.key.text.starts_with('$') { t.dollar_key } else { t.text };
        items.push(Item::Line(Line::from(vec![label(ui, "Key", false), Span::styled(key, style)])));
    }

    let value_focused = d.focus == Field::Value;
    let rows = (d.value.0.lines().len() as u16).clamp(1, MAX_VALUE_ROWS);
    let value_title =
        if value_focused { Line::styled(" ▶ Value ", t.accent) } else { Line::styled(" Value ", t.title) };
    items.push(Item::Editor { title: value_title, editor: &d.value, focused: value_focused, rows });
    items.push(Item::Line(type_line(ui, d.value_type, d.focus == Field::Type)));
    if d.value.0.lines().iter().any(|l| l.chars().any(is_unsafe_char)) {
        items.extend(wrapped(HIDDEN_CHARS, w, t.warn, 2).into_iter().map(Item::Line));
    }
    items.push(Item::Blank);

    // The exact request body, or why there is none yet.
    let dollar_blocked = d.key.text.trim().starts_with('$') && !m.allow_dollar_edits;
    let preview = if dollar_blocked { Err(DOLLAR_READ_ONLY.to_string()) } else { d.preview() };
    let valid = preview.is_ok();
    match &preview {
        Ok(json) => items.push(Item::Line(Line::from(vec![
            Span::styled("sends ", t.muted),
            Span::styled(fit(json, w.saturating_sub(6)), t.text),
        ]))),
        Err(_) if d.adding && d.key.text.trim().is_empty() => {
            items.push(Item::Line(Line::styled("sends nothing yet — type a key", t.muted)))
        }
        Err(e) => items.extend(wrapped(&format!("✗ {e}"), w, t.error, 3).into_iter().map(Item::Line)),
    }
    if d.sending.is_some() {
        items.push(Item::Line(Line::styled("⟳ sending…", t.muted)));
    } else if let (Some(err), true) = (&d.error, valid) {
        // A failed send (validation problems show in the preview line above).
        items.extend(wrapped(&format!("✗ {err}"), w, t.error, 3).into_iter().map(Item::Line));
        items.push(Item::Line(Line::styled("Enter retries · your text is kept", t.muted)));
    }
    items.push(Item::Blank);

    let height = items.iter().map(Item::height).sum::<u16>() + 3;
    let area = frame_popup(frame, ui, outer, height, &title, hints);
    let save = buttons(ui, "Save", d.focus, valid && d.sending.is_none(), false);
    draw_items(frame, ui, area, items, save);
}

fn label<'a>(ui: &Ui, text: &str, focused: bool) -> Span<'a> {
    let t = ui.theme;
    let mark = if focused { "▶ " } else { "  " };
    Span::styled(format!("{mark}{text:<w$}", w = LABEL_W - 2), if focused { t.accent } else { t.title })
}

/// `Type   [string]  number  bool  null  json   ◀ ▶`, the current type bracketed and highlighted.
fn type_line<'a>(ui: &Ui, current: ValueType, focused: bool) -> Line<'a> {
    let t = ui.theme;
    let mut spans = vec![label(ui, "Type", focused)];
    for ty in ValueType::ALL {
        if ty == current {
            let style = if focused { t.selection } else { t.accent };
            spans.push(Span::styled(format!("[{}]", ty.name()), style));
        } else {
            spans.push(Span::styled(format!(" {} ", ty.name()), t.muted));
        }
        spans.push(Span::raw(" "));
    }
    if focused {
        spans.push(Span::styled(" ◀ ▶", t.key));
    }
    Line::from(spans)
}
