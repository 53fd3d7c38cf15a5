//! The properties timeline: where it came from and its range in the header, then the points on
//! the left and, on the right, what changed at the selected point against the one before
//! (crucial keys first and marked).
use super::{Ctx, State, message, placeholder, range_line, share, state, value_text};
use crate::api::{PropertyChange, TimelinePoint, TimelineResult, TimelineSource, diff_properties};
use crate::app::time;
use crate::text::{fit, pad, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, ctx: &Ctx) {
    let (ui, m) = (ctx.ui, ctx.ui.model);
    let t = ui.theme;
    let pane = &m.history.timeline;
    let st = state(m, pane);
    let w = ctx.header.width as usize;
    let mut lines = Vec::new();
    let mut range = range_line(ui, w);
    if let State::Data(r) = &st {
        let n = r.timeline.points.len();
        range.spans.push(Span::styled(format!(" · {n} point{}", if n == 1 { "" } else { "s" }), t.muted));
    }
    lines.push(range);
    if let (State::Data(_), Some(err)) = (&st, &pane.error) {
        lines.push(Line::styled(format!("✗ {}", fit(err, w.saturating_sub(2))), t.error));
    }
    if let State::Data(r) = &st {
        lines.extend(source_lines(ctx, r, w));
    }
    lines.truncate(ctx.header.height.saturating_sub(1) as usize);
    ctx.header(frame, lines);
    if placeholder(frame, ui, ctx.body, &st, "timeline") {
        return;
    }
    let State::Data(r) = st else { return };
    let points = &r.timeline.points;
    if points.is_empty() {
        message(
            frame,
            ui,
            ctx.body,
            Line::styled("No property changes in this range — ] widens it", t.muted),
        );
        return;
    }
    let sel = pane.selected.min(points.len() - 1);
    let body = ctx.body;
    let bw = body.width as usize;
    let fmt = PointFormat::pick(ctx, points, (bw * 2 / 5).max(14));
    let lw = (fmt.width() + 2).min(bw);
    let left = Rect { width: lw as u16, ..body };
    let start = ctx.window(sel, pane.scroll, points.len());
    let rows: Vec<Line> = points
        .iter()
        .enumerate()
        .skip(start)
        .take(body.height as usize)
        .map(|(i, p)| {
            let text = format!("{}{}", ctx.gutter(i == sel), fmt.cell(ctx, p));
            Line::styled(pad(&text, lw), ctx.row_style(i == sel))
        })
        .collect();
    frame.render_widget(Paragraph::new(rows), left);
    let rw = bw.saturating_sub(lw + 1);
    if rw >= 8 {
        let sep = Rect { x: body.x + lw as u16, width: 1, ..body };
        let bar: Vec<Line> = (0..body.height).map(|_| Line::styled("│", t.muted)).collect();
        frame.render_widget(Paragraph::new(bar), sep);
        let right = Rect { x: sep.x + 1, width: rw as u16, ..body };
        diff(frame, ctx, r, sel, right);
    }
}

/// Where the timeline came from (always shown), with the truncation warning, and the crucial keys
/// when there is room.
fn source_lines<'a>(ctx: &Ctx, r: &TimelineResult, w: usize) -> Vec<Line<'a>> {
    let t = ctx.ui.theme;
    let (prefix, style) = match (r.source, r.truncated) {
        (_, true) => ("⚠ source: ", t.warn),
        (TimelineSource::Events, false) => ("source: ", t.text),
        (TimelineSource::Endpoint, false) => ("source: ", t.muted),
    };
    let wrapped = super::wrap_words(&format!("{prefix}{}", r.source_note()), w);
    let mut out: Vec<Line> = Vec::new();
    let max = 2;
    for (i, l) in wrapped.iter().enumerate().take(max) {
        let text = if i + 1 == max && wrapped.len() > max { fit(&format!("{l}…"), w) } else { l.clone() };
        out.push(Line::styled(text, style));
    }
    let crucial = &r.timeline.crucial_property_keys;
    if out.len() < max && !crucial.is_empty() {
        let keys =
            crucial.iter().map(|k| crate::text::sanitize(k).into_owned()).collect::<Vec<_>>().join(", ");
        out.push(Line::from(vec![
            Span::styled("crucial ", t.muted),
            Span::styled(fit(&keys, w.saturating_sub(8)), t.text.add_modifier(Modifier::BOLD)),
        ]));
    }
    out
}

/// How a point's row reads, chosen once for the column width: date, relative time, event count.
struct PointFormat {
    level: u8,
    rel_w: usize,
    count_w: usize,
}

impl PointFormat {
    fn pick(ctx: &Ctx, points: &[TimelinePoint], max: usize) -> Self {
        let rel_w = points.iter().map(|p| width(&rel(ctx, p))).max().unwrap_or(0);
        let count_w = points.iter().map(|p| width(&count(p.relevant_event_count, true))).max().unwrap_or(0);
        let mut f = PointFormat { level: 0, rel_w, count_w };
        for level in 0..4 {
            f.level = level;
            f.count_w =
                points.iter().map(|p| width(&count(p.relevant_event_count, level == 0))).max().unwrap_or(0);
            if f.width() + 2 <= max {
                break;
            }
        }
        f
    }

    fn width(&self) -> usize {
        match self.level {
            0 => 16 + 2 + self.rel_w + 2 + self.count_w,
            1 => 16 + 2 + self.count_w,
            2 => 11 + 1 + self.count_w,
            _ => self.rel_w + 1 + self.count_w,
        }
    }

    fn cell(&self, ctx: &Ctx, p: &TimelinePoint) -> String {
        let at = time::parse(&p.timestamp);
        let date = |f: &str, w: usize| at.map_or_else(|| pad(&p.timestamp, w), |d| d.format(f).to_string());
        let n = count(p.relevant_event_count, self.level == 0);
        let n = format!("{n:>w$}", w = self.count_w);
        match self.level {
            0 => format!("{}  {}  {n}", date("%Y-%m-%d %H:%M", 16), pad(&rel(ctx, p), self.rel_w)),
            1 => format!("{}  {n}", date("%Y-%m-%d %H:%M", 16)),
            2 => format!("{} {n}", date("%m-%d %H:%M", 11)),
            _ => format!("{} {n}", pad(&rel(ctx, p), self.rel_w)),
        }
    }
}

fn rel(ctx: &Ctx, p: &TimelinePoint) -> String {
    time::relative(ctx.ui.model.now, Some(&p.timestamp))
}

fn count(n: u64, long: bool) -> String {
    match (long, n) {
        (true, 1) => "1 event".into(),
        (true, n) => format!("{n} events"),
        (false, n) => format!("{n} ev"),
    }
}

/// The selected point's changes against the one before it.
fn diff(frame: &mut Frame, ctx: &Ctx, r: &TimelineResult, sel: usize, area: Rect) {
    let t = ctx.ui.theme;
    let w = area.width as usize;
    let points = &r.timeline.points;
    let point = &points[sel];
    let prev = sel.checked_sub(1).map(|i| &points[i].properties);
    let crucial = &r.timeline.crucial_property_keys;
    let is_crucial = |k: &str| crucial.iter().any(|c| c == k);
    let mut changes = diff_properties(prev, &point.properties);
    changes.sort_by_key(|c| !is_crucial(c.key()));
    let at = time::exact(Some(&point.timestamp));
    let when = format!("{} ({})", at, time::relative(ctx.ui.model.now, Some(&point.timestamp)));
    let summary = if sel == 0 {
        format!("first point: {} properties", point.properties.len())
    } else {
        match changes.len() {
            0 => "no change from the previous point".to_string(),
            1 => "1 change from the previous point".to_string(),
            n => format!("{n} changes from the previous point"),
        }
    };
    let mut lines = vec![Line::styled(fit(&when, w), t.heading), Line::styled(fit(&summary, w), t.muted)];
    let room = (area.height as usize).saturating_sub(lines.len());
    let shown = if changes.len() > room { room.saturating_sub(1) } else { changes.len() };
    for c in &changes[..shown] {
        lines.push(change_line(ctx, c, is_crucial(c.key()), w));
    }
    if shown < changes.len() {
        lines.push(Line::styled(fit(&format!("… {} more", changes.len() - shown), w), t.muted));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// `+ key: value`, `~ key: old → new`, `- key: old`; a crucial key is marked `*` and bold.
fn change_line<'a>(ctx: &Ctx, c: &PropertyChange, crucial: bool, w: usize) -> Line<'a> {
    let t = ctx.ui.theme;
    let (sign, style) = match c {
        PropertyChange::Added { .. } => ("+", t.added),
        PropertyChange::Changed { .. } => ("~", t.changed),
        PropertyChange::Removed { .. } => ("-", t.removed),
    };
    let mark = if crucial { "*" } else { " " };
    let key_style: Style = if crucial { style.add_modifier(Modifier::BOLD) } else { style };
    // marker, sign, space, key, ": "
    let avail = w.saturating_sub(3);
    let key_w = width(&crate::text::sanitize(c.key())).min((avail / 2).max(4)).min(avail);
    let key = fit(c.key(), key_w);
    let room = avail.saturating_sub(width(&key) + 2);
    let mut spans = vec![
        Span::styled(mark, key_style),
        Span::styled(sign, style),
        Span::raw(" "),
        Span::styled(key, key_style),
        Span::styled(": ", style),
    ];
    match c {
        PropertyChange::Added { value, .. } => {
            spans.push(Span::styled(fit(&value_text(Some(value)), room), style))
        }
        PropertyChange::Removed { old, .. } => {
            spans.push(Span::styled(fit(&value_text(Some(old)), room), style))
        }
        PropertyChange::Changed { old, new, .. } => {
            let (o, n) = share(&value_text(Some(old)), &value_text(Some(new)), room.saturating_sub(3));
            spans.extend([
                Span::styled(o, style),
                Span::styled(" → ", t.muted),
                Span::styled(n, style.add_modifier(Modifier::BOLD)),
            ]);
        }
    }
    Line::from(spans)
}
