//! The inspector: a person's header (name, ids, times, filter) and the rows of
//! `Model::inspector_rows()` — distinct ids and an expandable property tree, with a tag on
//! properties that were just written (pending, saved, not visible yet).
use super::{Ui, field};
use crate::api::is_anonymous_distinct_id;
use crate::app::inspector::{PersonView, Row, preview, type_tag};
use crate::app::layout::INSPECTOR_HEADER;
use crate::app::{CheckState, Focus, time};
use crate::text::{fit, pad, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use serde_json::Value;

/// Width of the type tag column ("string", "object").
const TAG_W: usize = 6;

pub fn render(frame: &mut Frame, ui: &Ui, area: Rect) {
    if area.is_empty() {
        return;
    }
    let (m, t) = (ui.model, ui.theme);
    let st = &m.inspector;
    let focused = m.focus == Focus::Inspector;
    let mut status = Vec::new();
    if st.loading {
        status.push(Span::styled("(loading…) ", t.muted));
    } else if let Some(err) = &st.error {
        status.push(Span::styled(format!("✗ {} ", fit(err, 200)), t.error));
    }
    let block = super::history::pane_block(ui, area.width, status);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let Some(person) = m.inspected() else {
        let text = match (&st.error, st.loading) {
            (Some(err), _) => Line::styled(format!("✗ {}", fit(err, 2000)), t.error),
            (None, true) => Line::styled("Loading person…", t.muted),
            (None, false) => Line::styled("Select a person", t.muted),
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
        return;
    };
    let header_h = INSPECTOR_HEADER.min(inner.height);
    let header_area = Rect { height: header_h, ..inner };
    let body = Rect { y: inner.y + header_h, height: inner.height - header_h, ..inner };
    let header = header_lines(frame, ui, &person, header_area);
    frame.render_widget(Paragraph::new(header), header_area);

    let w = inner.width as usize;
    let rows = m.inspector_rows();
    let key_col = key_column(&rows, w);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(st.scroll)
        .take(body.height as usize)
        .map(|(i, r)| {
            let selected = i == st.selected && r.is_selectable();
            let line = row_line(ui, r, w, key_col, selected);
            match (selected, focused) {
                (true, true) => line.style(t.selection),
                (true, false) => line.style(t.selection_unfocused),
                _ => line,
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

fn header_lines<'a>(frame: &mut Frame, ui: &Ui, p: &PersonView, area: Rect) -> Vec<Line<'a>> {
    let (m, t) = (ui.model, ui.theme);
    let w = area.width as usize;
    let sep = || Span::styled(" · ", t.muted);
    let mut ids = vec![Span::styled("uuid ", t.muted), Span::raw(fit(&p.uuid, 40))];
    if let Some(pk) = p.pk {
        ids.extend([sep(), Span::styled("id ", t.muted), Span::raw(pk.to_string())]);
    }
    let times = times_line(ui, p, w);
    let n = p.distinct_ids.len();
    let mut counts = vec![Span::styled(
        format!("{n} distinct id{} · {} properties", if n == 1 { "" } else { "s" }, p.properties.len()),
        t.muted,
    )];
    if m.inspector.hide_dollar {
        counts.push(Span::styled(" · $ hidden", t.muted));
    }
    let st = &m.inspector;
    let mut lines =
        vec![Line::styled(fit(&p.name, w), t.accent), Line::from(ids), times, Line::from(counts.clone())];
    if st.filter_editing || !st.filter.text.is_empty() {
        let used: usize = counts.iter().map(Span::width).sum();
        let row = Rect {
            y: area.y + 3,
            x: area.x + used.min(w) as u16,
            width: w.saturating_sub(used) as u16,
            height: 1,
        };
        if area.height > 3 && !row.is_empty() {
            let prefix = Span::styled(" · filter: ", if st.filter_editing { t.accent } else { t.muted });
            let line = field::input_line(frame, row, prefix, &st.filter, st.filter_editing, Vec::new());
            counts.extend(line.spans);
            lines[3] = Line::from(counts);
        }
    }
    lines
}

/// `created … · last seen …`, as exact as the width allows.
fn times_line<'a>(ui: &Ui, p: &PersonView, w: usize) -> Line<'a> {
    let (m, t) = (ui.model, ui.theme);
    let (created, seen) = (p.created_at.as_deref(), p.last_seen_at.as_deref());
    let rel = |ts| time::relative(m.now, ts);
    let exact = |ts| fit(&time::exact(ts), 40);
    let date = |ts: Option<&str>| match ts.and_then(time::parse) {
        Some(d) => d.format("%Y-%m-%d").to_string(),
        None => fit(ts.unwrap_or("-"), 20),
    };
    let candidates = [
        (
            format!("{} ({})", exact(created), rel(created)),
            "last seen ",
            format!("{} ({})", exact(seen), rel(seen)),
        ),
        (
            format!("{} ({})", date(created), rel(created)),
            "last seen ",
            format!("{} ({})", date(seen), rel(seen)),
        ),
        (format!("{} ({})", date(created), rel(created)), "seen ", format!("{} ({})", date(seen), rel(seen))),
        (format!("{} ({})", date(created), rel(created)), "seen ", rel(seen)),
        (rel(created), "seen ", rel(seen)),
    ];
    let len = |(a, b, c): &(String, &str, String)| "created ".len() + width(a) + 3 + b.len() + width(c);
    let last = candidates.len() - 1;
    let pick = candidates.iter().position(|c| len(c) <= w).unwrap_or(last);
    let (a, b, c) = candidates[pick].clone();
    Line::from(vec![
        Span::styled("created ", t.muted),
        Span::raw(a),
        Span::styled(" · ", t.muted),
        Span::styled(b, t.muted),
        Span::raw(c),
    ])
}

/// One key column for all rows: as wide as the longest key (with its indent), at most 45% of the
/// pane, so values keep most of the room.
fn key_column(rows: &[Row], w: usize) -> usize {
    let longest = rows
        .iter()
        .filter_map(|r| match r {
            Row::Property { depth, key, .. } => Some(2 + depth * 2 + 2 + width(&crate::text::sanitize(key))),
            _ => None,
        })
        .max()
        .unwrap_or(10);
    longest.clamp(10, (w * 45 / 100).max(10))
}

fn row_line<'a>(ui: &Ui, row: &Row, w: usize, key_col: usize, selected: bool) -> Line<'a> {
    let t = ui.theme;
    let plain = |s: Style| if selected { t.text } else { s };
    // The marker shows where keys act, so only in the focused pane (the highlight stays).
    let gutter = if selected && ui.model.focus == Focus::Inspector { "▶ " } else { "  " };
    match row {
        Row::Section { title } => Line::styled(pad(title, w), t.heading),
        Row::Empty { text } => Line::styled(pad(&format!("  {text}"), w), t.muted),
        Row::DistinctId { id } => {
            let style = if is_anonymous_distinct_id(id) { plain(t.muted) } else { t.text };
            Line::from(vec![Span::raw(gutter), Span::styled(pad(id, w.saturating_sub(2)), style)])
        }
        Row::Property { path, depth, key, value, expanded } => {
            let indent = 2 + depth * 2;
            let marker = match expanded {
                Some(true) => "▾ ",
                Some(false) => "▸ ",
                None => "  ",
            };
            let key_col = key_col.max(indent + 2 + 6);
            let key_w = key_col - indent - 2;
            let key_style = if key.starts_with('$') { plain(t.dollar_key) } else { t.text };
            let mut spans = vec![
                Span::raw(gutter),
                Span::raw(" ".repeat(indent - 2)),
                Span::styled(marker, t.muted),
                Span::styled(pad(key, key_w), key_style),
                Span::raw(" "),
                Span::styled(pad(type_tag(value), TAG_W), plain(t.muted)),
                Span::raw(" "),
            ];
            let used = key_col + 2 + TAG_W;
            let room = w.saturating_sub(used);
            // A top-level property being re-checked after a write says how that is going.
            let check = match (path.as_slice(), &ui.model.inspector.uuid) {
                ([top], Some(uuid)) => ui.model.check_state(uuid, top),
                _ => None,
            };
            let (tags, tag_style): (&[&str], _) = match check {
                Some(CheckState::Pending) => (&["⟳ pending", "⟳"], t.muted),
                Some(CheckState::Confirmed) => (&["✓ saved", "✓"], t.success),
                Some(CheckState::NotVisible) => (&["! not visible yet", "! not visible", "!"], t.warn),
                None => (&[], t.muted),
            };
            // The longest tag that leaves the value a few columns.
            let value_w = width(&preview(value)).min(4);
            let tag = tags.iter().find(|s| width(s) + 1 + value_w <= room).map(|s| (*s, tag_style));
            let tag_w = tag.map_or(0, |(s, _)| width(s) + 1);
            let text_room = room - tag_w;
            let text = fit(&preview(value), text_room);
            let mut fill = room.saturating_sub(width(&text));
            spans.push(Span::styled(text, plain(value_style(ui, value))));
            if let Some((label, style)) = tag {
                spans.push(Span::raw(" "));
                spans.push(Span::styled(label, plain(style)));
                fill = fill.saturating_sub(tag_w);
            }
            spans.push(Span::raw(" ".repeat(fill)));
            Line::from(spans)
        }
    }
}

fn value_style(ui: &Ui, v: &Value) -> Style {
    let t = ui.theme;
    match v {
        Value::String(_) => t.string,
        Value::Number(_) => t.number,
        Value::Bool(_) => t.boolean,
        Value::Null => t.null,
        Value::Object(_) | Value::Array(_) => t.muted,
    }
}
