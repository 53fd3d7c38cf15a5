//! A yes/no question about prepared writes. Lines of a JSON diff (`+ `, `~ `, `- `) are coloured
//! added / changed / removed and cut to one row each; other lines wrap.
use super::{Item, buttons, draw_items, frame_popup, wrap};
use crate::app::dialog::ConfirmDialog;
use crate::text::{fit, width};
use crate::ui::Ui;
use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::Line;

pub fn render(frame: &mut Frame, ui: &Ui, d: &ConfirmDialog, hints: &str) {
    let t = ui.theme;
    let s = ui.screen;
    let longest = d.lines.iter().map(|l| width(l)).max().unwrap_or(0).max(width(&d.title) + 4);
    let outer =
        (longest as u16).saturating_add(4).clamp(44, 100).min(s.width.saturating_sub(4)).max(s.width.min(20));
    let w = outer.saturating_sub(4) as usize;

    let mut lines: Vec<Line> = Vec::new();
    for text in &d.lines {
        match diff_style(ui, text) {
            Some(style) => lines.push(Line::styled(fit(text, w), style)),
            None => lines.extend(wrap(text, w).into_iter().map(|l| Line::styled(l, t.text))),
        }
    }
    // Room for the lines between the border, the blank row and the buttons.
    let room = s.height.saturating_sub(2 + 2 + 2) as usize;
    if lines.len() > room && room > 0 {
        let more = lines.len() - (room - 1);
        lines.truncate(room - 1);
        lines.push(Line::styled(format!("… {more} more lines"), t.muted));
    }
    let mut items: Vec<Item> = lines.into_iter().map(Item::Line).collect();
    items.push(Item::Blank);

    let height = items.iter().map(Item::height).sum::<u16>() + 3;
    let area = frame_popup(frame, ui, outer, height, &d.title, hints);
    draw_items(frame, ui, area, items, buttons(ui, "OK", d.focus, true, false));
}

/// The colour of a diff line, or `None` for prose.
fn diff_style(ui: &Ui, line: &str) -> Option<Style> {
    let t = ui.theme;
    if line.starts_with("+ ") {
        Some(t.added)
    } else if line.starts_with("~ ") {
        Some(t.changed)
    } else if line.starts_with("- ") {
        Some(t.removed)
    } else {
        None
    }
}
