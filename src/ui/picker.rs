//! The `:profile` / `:project` picker: one row per choice (name, then host/project or id and
//! organization), the current one marked, a spinner while projects load, the error in place.
use super::{Ui, popup};
use crate::app::{Overlay, PickerKind};
use crate::text::{fit, pad, width};
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// The picker's own key line: while typing the filter, how to keep or clear it; with a filter
/// applied, Esc clears it before it closes the picker.
fn hint(ui: &Ui, picker: &crate::app::Picker) -> String {
    use crate::app::actions::Action;
    if picker.filtering {
        return " type to filter · ↑/↓ move · Enter keep · Esc clear ".into();
    }
    let hint = super::overlay_hint(ui.model, "move", Some("switch"), Some((Action::Search, "filter")));
    if picker.filter.text.is_empty() { hint } else { hint.replace(" close ", " clear filter ") }
}

pub fn render(frame: &mut Frame, ui: &Ui, overlay: &Overlay) {
    let Overlay::Picker(picker) = overlay else { return };
    let (s, t) = (ui.screen, ui.theme);
    let visible = picker.visible();
    let show_filter = picker.filtering || !picker.filter.text.is_empty();
    let rows = if picker.error.is_some() { 4 } else { picker.choices.len().clamp(1, 1000) as u16 };
    let rows = rows + u16::from(show_filter);
    let area = popup(
        frame,
        s,
        s.width.saturating_sub(4).min(90),
        rows.saturating_add(2).min(s.height.saturating_sub(2)),
    );
    let title = match picker.kind {
        PickerKind::Profile => " Switch profile ",
        PickerKind::Project => " Switch project ",
    };
    let block = Block::bordered()
        .border_style(t.border_focused)
        .title(Line::styled(title, t.title))
        .title_bottom(Line::styled(hint(ui, picker), t.muted));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    if picker.loading {
        let spin = super::status::SPINNER[ui.model.spinner % super::status::SPINNER.len()];
        let line = Line::styled(format!("{spin} Loading projects…"), t.muted);
        frame.render_widget(Paragraph::new(line), inner);
        return;
    }
    if let Some(error) = &picker.error {
        let para = Paragraph::new(Line::styled(crate::text::sanitize(error).into_owned(), t.error))
            .wrap(Wrap { trim: false });
        frame.render_widget(para, inner);
        return;
    }
    let mut inner = inner;
    if show_filter {
        let [line, rest] = ratatui::layout::Layout::vertical([
            ratatui::layout::Constraint::Length(1),
            ratatui::layout::Constraint::Fill(1),
        ])
        .areas(inner);
        let cursor = if picker.filtering { "▏" } else { "" };
        let text = format!("/ {}{cursor}", crate::text::sanitize(&picker.filter.text));
        frame.render_widget(Paragraph::new(Line::styled(fit(&text, line.width as usize), t.accent)), line);
        inner = rest;
    }
    if visible.is_empty() {
        frame.render_widget(Paragraph::new(Line::styled("nothing matches the filter", t.muted)), inner);
        return;
    }
    let w = inner.width as usize;
    let name_w = picker.choices.iter().map(|c| width(&c.label)).max().unwrap_or(0).clamp(8, w / 2);
    let height = inner.height as usize;
    let top = picker.selected.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = visible
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, c)| {
            let mark = if c.current { "● " } else { "  " };
            let name = pad(&fit(&c.label, name_w), name_w);
            let rest = w.saturating_sub(name_w + 4);
            let line = Line::from(vec![
                Span::styled(mark, t.accent),
                Span::styled(name, t.text),
                Span::raw("  "),
                Span::styled(pad(&fit(&c.detail, rest), rest), t.muted),
            ]);
            if i == picker.selected { line.style(t.selection) } else { line }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
