//! The `:journal` overlay: writes hogdex sent from this machine, newest first, with the selected
//! entry's request and pre-image; `u` restores a previous value.
use super::{Ui, popup};
use crate::app::Overlay;
use crate::text::{fit, pad};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub fn render(frame: &mut Frame, ui: &Ui, overlay: &Overlay) {
    let Overlay::Journal { entries, selected, skipped } = overlay else { return };
    let (s, t) = (ui.screen, ui.theme);
    let area = popup(frame, s, s.width.saturating_sub(4).min(120), s.height.saturating_sub(2));
    let mut title = format!(" Journal · {} writes ", entries.len());
    if *skipped > 0 {
        title.push_str(&format!("· {skipped} unreadable lines skipped "));
    }
    let restore =
        (!ui.model.read_only).then_some((crate::app::actions::Action::Undo, "restore previous value"));
    let hint = super::overlay_hint(ui.model, "move", None, restore);
    let block = Block::bordered()
        .border_style(t.border_focused)
        .title(Line::styled(title, t.title))
        .title_bottom(Line::styled(hint, t.muted));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(inner);
    let w = list_area.width as usize;
    let rows = list_area.height as usize;
    let top = selected.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = entries
        .iter()
        .enumerate()
        .skip(top)
        .take(rows)
        .map(|(i, e)| {
            let status = e.status.map_or("-".to_string(), |s| s.to_string());
            let mark = if e.ok { "✓" } else { "✗" };
            let text = format!(
                "{} {} {} {} {}",
                mark,
                e.time.format("%m-%d %H:%M:%S"),
                pad(&e.method, 6),
                pad(&status, 4),
                e.endpoint
            );
            let style = if e.ok { t.text } else { t.error };
            let line = Line::from(Span::styled(pad(&text, w), style));
            if i == *selected { line.style(t.selection) } else { line }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
    let Some(e) = entries.get(*selected) else { return };
    let dw = detail_area.width as usize;
    let json = |v: &Option<serde_json::Value>| v.as_ref().map_or("null".into(), |v| v.to_string());
    let mut detail = vec![
        Line::styled(fit(&format!("{} · project {}", e.host, e.project), dw), t.muted),
        Line::from(vec![
            Span::styled("request  ", t.muted),
            Span::raw(fit(&json(&e.request), dw.saturating_sub(9))),
        ]),
    ];
    if let Some(err) = &e.error {
        detail.push(Line::from(vec![
            Span::styled("error    ", t.muted),
            Span::styled(fit(err, dw.saturating_sub(9)), t.error),
        ]));
    }
    let before = e.before.as_ref().and_then(|b| b.get("properties")).map(|p| p.to_string());
    detail.push(Line::from(vec![
        Span::styled("before   ", t.muted),
        Span::raw(crate::text::sanitize(before.as_deref().unwrap_or("no pre-image recorded")).into_owned()),
    ]));
    frame.render_widget(Paragraph::new(detail).wrap(Wrap { trim: false }), detail_area);
}
