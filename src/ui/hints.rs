//! The bottom hint bar: the hint-flagged actions of the current context from the action registry
//! (so remapped keys and read-only mode show correctly), or the keys of the open dialog or of a text
//! field while one has focus.
use super::Ui;
use crate::app::actions::Action;
use crate::text::width;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// A key and what it does.
pub type Hint = (String, &'static str);

/// `(key, description)` pairs for the bar, most important first, and the way out (help, back /
/// quit), which always stays visible at the right.
pub fn pairs(ui: &Ui) -> (Vec<Hint>, Vec<Hint>) {
    let (mut main, mut exits) = (Vec::new(), Vec::new());
    for (key, desc, exit) in all_pairs(ui) {
        if exit { exits.push((key, desc)) } else { main.push((key, desc)) }
    }
    (main, exits)
}

fn all_pairs(ui: &Ui) -> Vec<(String, &'static str, bool)> {
    let m = ui.model;
    if let (Some(dialog), None) = (&m.dialog, &m.overlay) {
        return super::dialogs::keys(dialog)
            .into_iter()
            .map(|(k, d)| (k.to_string(), d, k == "Esc"))
            .collect();
    }
    if m.palette.is_some() {
        return vec![
            ("Enter".into(), "run", false),
            ("Tab".into(), "complete", false),
            ("Esc".into(), "cancel", true),
        ];
    }
    if m.text_focus() {
        let run = if m.search.editing { "run search" } else { "apply filter" };
        return vec![("Enter".into(), run, false), ("Esc".into(), "cancel", true)];
    }
    let mut out: Vec<(String, &'static str, bool)> = m
        .keymap
        .for_context(m.context(), m.read_only)
        .into_iter()
        .filter(|(s, _)| s.hint)
        .filter_map(|(s, keys)| {
            let exit = matches!(s.action, Action::Help | Action::Quit);
            keys.first().map(|k| (k.to_string(), s.desc, exit))
        })
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
    let (main, exits) = pairs(ui);
    let cost = |(key, desc): &(String, &str)| width(key) + 1 + width(desc) + 2;
    let reserved: usize = exits.iter().map(cost).sum();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for pair in &main {
        let w = cost(pair);
        if used + w + reserved > max + 2 {
            break;
        }
        used += w;
        spans.push(Span::styled(pair.0.clone(), t.key));
        spans.push(Span::styled(format!(" {}  ", pair.1), t.muted));
    }
    // The way out goes at the right edge, whatever else had to be left out.
    if used + reserved <= max + 2 {
        spans.push(Span::raw(" ".repeat((max + 2).saturating_sub(used + reserved))));
    }
    for (key, desc) in exits {
        spans.push(Span::styled(key, t.key));
        spans.push(Span::styled(format!(" {desc}  "), t.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
