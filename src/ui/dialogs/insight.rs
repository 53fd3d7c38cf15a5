//! `:funnel`, `:correlation`, `:lifecycle`: a small form of one-line fields, each `label: [value]`
//! with its hint dimmed under it, the reason the form cannot run yet, and Run / Cancel.
use super::{Item, button, draw_items, frame_popup, inner_width, width_for, wrapped};
use crate::app::insight::InsightForm;
use crate::text::{fit, pad, width};
use crate::ui::{Ui, field};
use ratatui::Frame;
use ratatui::text::{Line, Span};

/// The focus marker in front of a label.
const MARK_W: usize = 2;
/// Widest value box.
const MAX_BOX: usize = 44;

pub fn render(frame: &mut Frame, ui: &Ui, f: &InsightForm, hints: &str) {
    let t = ui.theme;
    let outer = width_for(ui, 72);
    let w = inner_width(outer);
    let label_w = f.fields.iter().map(|x| width(x.label) + 1).max().unwrap_or(0);
    // `▶ label:  [value]`: the box takes what is left, within reason.
    let box_at = MARK_W + label_w + 1;
    let box_w = w.saturating_sub(box_at + 2).min(MAX_BOX);

    let mut items = Vec::new();
    // (row of the focused field among the items, cursor column in its box)
    let mut cursor = None;
    for (i, fld) in f.fields.iter().enumerate() {
        let focused = f.focus == i;
        let (visible, col) = field::window(&fld.input, box_w);
        if focused {
            cursor = Some((items.len(), box_at + 1 + col));
        }
        let mark = if focused { Span::styled("▶ ", t.accent) } else { Span::raw("  ") };
        let label_style = if focused { t.accent } else { t.title };
        let bracket = if focused { t.accent } else { t.muted };
        items.push(Item::Line(Line::from(vec![
            mark,
            Span::styled(pad(&format!("{}:", fld.label), label_w), label_style),
            Span::raw(" "),
            Span::styled("[", bracket),
            Span::styled(pad(&visible, box_w), t.text),
            Span::styled("]", bracket),
        ])));
        let hint = fit(fld.hint, w.saturating_sub(box_at + 1));
        items.push(Item::Line(Line::styled(format!("{} {hint}", " ".repeat(box_at)), t.muted)));
    }
    items.push(Item::Blank);
    if let Some(err) = &f.error {
        items.extend(wrapped(&format!("✗ {err}"), w, t.error, 3).into_iter().map(Item::Line));
        items.push(Item::Blank);
    }

    let height = items.iter().map(Item::height).sum::<u16>() + 3;
    let area = frame_popup(frame, ui, outer, height, f.title(), hints);
    let n = f.fields.len();
    let buttons = Line::from(vec![
        button(ui, "Run", f.focus == n, true, false),
        Span::raw("  "),
        button(ui, "Cancel", f.focus == n + 1, true, false),
    ]);
    draw_items(frame, ui, area, items, buttons);
    // The terminal cursor sits in the focused field when its row is drawn (rows above the
    // buttons only).
    if let Some((row, col)) = cursor {
        let rows = area.height.saturating_sub(1) as usize;
        if row < rows && col < area.width as usize {
            frame.set_cursor_position((area.x + col as u16, area.y + row as u16));
        }
    }
}
