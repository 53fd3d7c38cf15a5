//! The `:activity` overlay: every person's activity in the project, newest first (when, who,
//! what, which person), the selected entry's changes expanded under it, and its loading / error /
//! empty states. Rows come from the Activity tab's `history::activity_rows`.
use super::history::{ActivityColumns, activity_rows};
use super::{Ui, popup};
use crate::text::fit;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub const TITLE: &str = "Activity · all persons";

pub fn render(frame: &mut Frame, ui: &Ui) {
    let (s, t, m) = (ui.screen, ui.theme, ui.model);
    if s.is_empty() {
        return;
    }
    let pane = &m.project_activity;
    let area = popup(frame, s, s.width.saturating_sub(4).min(120), s.height.saturating_sub(2));
    let room = (area.width as usize).saturating_sub(4);
    let mut title = vec![Span::styled(format!(" {} ", fit(TITLE, room.saturating_sub(2))), t.title)];
    if let Some(feed) = &pane.data {
        let n = feed.items.len();
        let more = if feed.next.is_some() { "+" } else { "" };
        let count =
            format!("· {}{more} entr{} ", super::thousands(n as u64), if n == 1 { "y" } else { "ies" });
        if title[0].width() + count.chars().count() <= room {
            title.push(Span::styled(count, t.muted));
        }
    }
    let block =
        Block::bordered().border_style(t.border_focused).title(Line::from(title)).title_bottom(Line::styled(
            format!(
                " {} ",
                fit(
                    super::overlay_hint(ui.model, "move", Some("open the person"), None).trim(),
                    room.saturating_sub(2)
                )
            ),
            t.muted,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let w = inner.width as usize;
    let Some(feed) = &pane.data else {
        let line = match (&pane.error, pane.loading) {
            (Some(err), _) => Line::styled(format!("✗ {}", fit(err, 2000)), t.error),
            (None, true) => Line::styled("Loading activity…", t.muted),
            (None, false) => Line::styled("Activity not loaded", t.muted),
        };
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), inner);
        return;
    };
    if feed.items.is_empty() {
        let line = match &pane.error {
            Some(err) => Line::styled(format!("✗ {}", fit(err, 2000)), t.error),
            None => Line::styled("No activity recorded in this project", t.muted),
        };
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), inner);
        return;
    }
    let cols = ActivityColumns::new(w, true);
    frame.render_widget(Paragraph::new(Line::styled(cols.head(w), t.header)), Rect { height: 1, ..inner });
    // A failed "more" page is said on the last row, under the entries already loaded.
    let footer = match (&pane.error, pane.loading) {
        (Some(err), _) => Some(Line::styled(fit(&format!("✗ {err}"), w), t.error)),
        (None, true) => Some(Line::styled(fit("  loading more…", w), t.muted)),
        (None, false) => None,
    };
    let body = Rect { y: inner.y + 1, height: inner.height - 1, ..inner };
    let height = body.height as usize;
    // The error must stay visible; "loading more…" only shows when there is room under the rows.
    let rows_h = if pane.error.is_some() { height.saturating_sub(1) } else { height };
    let mut out = activity_rows(ui, &cols, &feed.items, pane.selected, pane.scroll, true, w, rows_h);
    if let Some(footer) = footer
        && out.len() < height
    {
        out.push(footer);
    }
    frame.render_widget(Paragraph::new(out), body);
}
