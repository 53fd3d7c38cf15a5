//! The bottom hint bar: the hint-flagged actions of the current context from the action registry
//! (so remapped keys and read-only mode show correctly), or the keys of the open dialog or of a text
//! field while one has focus.
use super::Ui;
use crate::app::actions::for_context;
use crate::text::width;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// `(key, description)` pairs for the bar, most important first.
pub fn pairs(ui: &Ui) -> Vec<(String, &'static str)> {
    let m = ui.model;
    if let (Some(dialog), None) = (&m.dialog, &m.overlay) {
        return super::dialogs::keys(dialog).into_iter().map(|(k, d)| (k.to_string(), d)).collect();
    }
    if m.palette.is_some() {
        return vec![("Enter".into(), "run"), ("Tab".into(), "complete"), ("Esc".into(), "cancel")];
    }
    if m.text_focus() {
        let run = if m.search.editing { "run search" } else { "apply filter" };
        return vec![("Enter".into(), run), ("Esc".into(), "cancel")];
    }
    let mut out: Vec<(String, &'static str)> = for_context(m.context(), m.read_only)
        .into_iter()
        .filter(|s| s.hint)
        .filter_map(|s| s.keys.first().map(|k| (k.to_string(), s.desc)))
        .collect();
    out.dedup();
    out
}

pub fn render(frame: &mut Frame, ui: &Ui, area: Rect) {
    if area.is_empty() {
        return;
    }
    let t = ui.theme;
    let max = area.width as usize;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, desc) in pairs(ui) {
        let w = width(&key) + 1 + width(desc) + 2;
        if used + w > max + 2 {
            break;
        }
        used += w;
        spans.push(Span::styled(key, t.key));
        spans.push(Span::styled(format!(" {desc}  "), t.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
