//! The top line: app name, host, project, badges, the spinner while busy, the number of marked
//! persons, bulk-delete and export progress, and the last message.
use super::{Ui, thousands};
use crate::text::{fit, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Braille spinner frames, indexed by `model.spinner`.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/// Cells of the bulk-delete and export progress bars.
const BAR_W: usize = 8;

pub fn render(frame: &mut Frame, ui: &Ui, area: Rect) {
    if area.is_empty() {
        return;
    }
    let (m, t) = (ui.model, ui.theme);
    let total = area.width as usize;
    let sep = || Span::styled(" · ", t.muted);
    let mut left = vec![Span::styled(" hogdex", t.accent)];
    // The host goes first when the line is too narrow for the progress and the marks.
    let mut host = Vec::new();
    if let Some(conn) = &m.conn {
        host.push(sep());
        host.push(Span::styled(fit(&conn.host, 40), t.text));
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
    if m.mouse {
        left.push(Span::raw(" "));
        left.push(Span::styled("mouse on", t.muted));
    }
    if m.is_busy() {
        left.push(Span::raw(" "));
        left.push(Span::styled(SPINNER[m.spinner % SPINNER.len()], t.accent));
    }
    // Bulk progress, then marks: each a group of spans dropped whole when it does not fit.
    let mut extras: Vec<Vec<Span>> = m
        .in_flight
        .values()
        .filter_map(|f| f.progress)
        .map(|(done, all)| {
            let filled = (done.min(all) * BAR_W).checked_div(all).unwrap_or(BAR_W);
            vec![
                sep(),
                Span::styled("deleting ", t.warn),
                Span::styled("▕", t.muted),
                Span::styled("█".repeat(filled), t.warn),
                Span::styled("░".repeat(BAR_W - filled), t.muted),
                Span::styled("▏", t.muted),
                Span::styled(format!(" {done}/{all}"), t.text),
            ]
        })
        .collect();
    if let Some(export) = &m.export {
        let mut group = vec![sep(), Span::styled("exporting ", t.accent)];
        match export.total {
            Some(all) => {
                let done = export.done as u64;
                let filled = (done.min(all) as usize * BAR_W).checked_div(all as usize).unwrap_or(BAR_W);
                group.extend([
                    Span::styled("▕", t.muted),
                    Span::styled("█".repeat(filled), t.accent),
                    Span::styled("░".repeat(BAR_W - filled), t.muted),
                    Span::styled("▏", t.muted),
                    Span::styled(format!(" {}/{}", thousands(done), thousands(all)), t.text),
                ]);
            }
            None => group.push(Span::styled(format!("{}…", thousands(export.done as u64)), t.text)),
        }
        extras.push(group);
    }
    if !m.marks.is_empty() {
        extras
            .push(vec![sep(), Span::styled(format!("{} marked", thousands(m.marks.len() as u64)), t.accent)]);
    }
    let span_w = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    let extras_w: usize = extras.iter().map(|g| span_w(g)).sum();
    if span_w(&left) + span_w(&host) + extras_w <= total {
        left.splice(1..1, host);
    }
    for group in extras {
        if span_w(&left) + span_w(&group) <= total {
            left.extend(group);
        }
    }
    let mut used = span_w(&left);
    if used > total {
        // Drop the least important parts (from the right) until the line fits.
        while used > total && left.len() > 1 {
            let gone = left.pop().map_or(0, |s| s.width());
            used -= gone;
        }
    }
    if let Some(msg) = m.status_message() {
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
