//! The top line: app name, host, project, badges, the spinner while busy, and the last message.
use super::Ui;
use crate::text::{fit, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Braille spinner frames, indexed by `model.spinner`.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn render(frame: &mut Frame, ui: &Ui, area: Rect) {
    if area.is_empty() {
        return;
    }
    let (m, t) = (ui.model, ui.theme);
    let total = area.width as usize;
    let sep = || Span::styled(" · ", t.muted);
    let mut left = vec![Span::styled(" hogdex", t.accent)];
    if let Some(conn) = &m.conn {
        left.push(sep());
        left.push(Span::styled(fit(&conn.host, 40), t.text));
        left.push(sep());
        let project = m.project.as_ref().and_then(|p| p.name.as_deref()).unwrap_or(&conn.project);
        left.push(Span::styled(fit(project, 32), t.title));
        if let Some(profile) = &conn.profile {
            left.push(Span::styled(format!(" ({})", fit(profile, 20)), t.muted));
        }
        if conn.demo {
            left.push(Span::raw(" "));
            left.push(Span::styled("[DEMO]", t.badge));
        }
    }
    if m.read_only {
        left.push(Span::raw(" "));
        left.push(Span::styled("[RO]", t.badge));
    }
    if m.is_busy() {
        left.push(Span::raw(" "));
        left.push(Span::styled(SPINNER[m.spinner % SPINNER.len()], t.accent));
    }
    let mut used: usize = left.iter().map(Span::width).sum();
    if used > total {
        // Drop the least important parts (from the right) until the line fits.
        while used > total && left.len() > 1 {
            let gone = left.pop().map_or(0, |s| s.width());
            used -= gone;
        }
    }
    if let Some(msg) = m.last_message() {
        let room = total.saturating_sub(used + 2);
        if room >= 8 {
            let text = fit(&msg.text, room - 1);
            let gap = total - used - width(&text) - 1;
            left.push(Span::raw(" ".repeat(gap)));
            left.push(Span::styled(text, t.level(msg.level)));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(left)), area);
}
