//! `E`: every property of a person as pretty JSON in a large editor, with the parse error or the
//! unsaved-changes warning under it. Nothing is sent before the diff is confirmed.
use super::{HIDDEN_CHARS, draw_textarea, frame_popup, wrapped};
use crate::app::dialog::JsonDialog;
use crate::text::is_unsafe_char;
use crate::ui::Ui;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(frame: &mut Frame, ui: &Ui, d: &JsonDialog, hints: &str) {
    let t = ui.theme;
    let s = ui.screen;
    let title = format!("Edit properties as JSON — {}", d.target.name);
    let area = frame_popup(frame, ui, s.width.saturating_sub(4), s.height.saturating_sub(2), &title, hints);
    if area.is_empty() {
        return;
    }
    let w = area.width as usize;
    let status: Vec<Line> = match &d.error {
        Some(err) => wrapped(&format!("✗ {err}"), w, t.error, 3),
        None if d.editor.0.lines().iter().any(|l| l.chars().any(is_unsafe_char)) => {
            wrapped(HIDDEN_CHARS, w, t.warn, 3)
        }
        None => vec![Line::styled(
            format!("{} properties · ctrl-s shows the changes before anything is sent", d.original.len()),
            t.muted,
        )],
    };
    // The editor keeps at least one row; the status line(s) and a rule go under it.
    let status_h = (status.len() as u16 + 1).min(area.height.saturating_sub(1));
    let editor = Rect { height: area.height - status_h, ..area };
    let below = Rect { y: editor.bottom(), height: status_h, ..area };
    draw_textarea(frame, editor, &d.editor, true);
    if !below.is_empty() {
        let rule = Block::new().borders(Borders::TOP).border_style(t.border);
        let inner = rule.inner(below);
        frame.render_widget(rule, below);
        frame.render_widget(Paragraph::new(status), inner);
    }
}
