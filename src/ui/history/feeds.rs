//! The activity feed (with the selected entry's changes under it), recent events and cohorts:
//! a header with counts and hints, a column header, then one row per item.
use super::{Ctx, State, message, placeholder, range_line, share, state, value_text};
use crate::api::{ActivityChange, ActivityEntry, CohortRef, PersonEvent};
use crate::app::history::RANGES;
use crate::app::layout::follow;
use crate::app::time;
use crate::text::{fit, pad, sanitize, width};
use crate::ui::{Theme, Ui};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows of changes shown under the selected activity entry, at most.
const MAX_CHANGES: usize = 8;

/// Fitted `cells` of the given widths, two spaces apart; the last one takes what is left.
fn columns(cells: &[(&str, usize)], w: usize) -> String {
    let mut out = String::new();
    for (i, (text, cw)) in cells.iter().enumerate() {
        let used = width(&out);
        if used >= w {
            break;
        }
        if i + 1 == cells.len() {
            out.push_str(&fit(text, w - used));
        } else {
            out.push_str(&pad(text, (*cw).min(w - used)));
            out.push_str("  ");
        }
    }
    out
}

/// One list row with the gutter, highlighted when selected, padded to the width.
fn row<'a>(ctx: &Ctx, selected: bool, text: &str, w: usize) -> Line<'a> {
    row_in(ctx.ui.theme, ctx.focused(), selected, text, w)
}

/// A row of a list that is `focused` or not: `▶ ` and the selection style on the selected row.
fn row_in<'a>(t: &Theme, focused: bool, selected: bool, text: &str, w: usize) -> Line<'a> {
    let gutter = if selected && focused { "▶ " } else { "  " };
    let style = match (selected, focused) {
        (true, true) => t.selection,
        (true, false) => t.selection_unfocused,
        _ => Style::new(),
    };
    Line::styled(pad(&format!("{gutter}{text}"), w), style)
}

/// The columns of an activity list: when, who, what and, project-wide, whose person it was.
pub(crate) struct ActivityColumns {
    when: usize,
    who: usize,
    /// `Some(width of "what")` when a person column follows it.
    what: Option<usize>,
}

impl ActivityColumns {
    /// For a list `w` columns wide (gutter included); `person` adds the person column.
    pub(crate) fn new(w: usize, person: bool) -> Self {
        let inner = w.saturating_sub(2);
        if person {
            Self { when: 8, who: (inner / 4).clamp(6, 28), what: Some((inner / 5).clamp(8, 22)) }
        } else {
            Self { when: 8, who: (w / 3).clamp(6, 28), what: None }
        }
    }

    /// The column header row.
    pub(crate) fn head(&self, w: usize) -> String {
        let cells: Vec<(&str, usize)> = match self.what {
            Some(what) => vec![("when", self.when), ("who", self.who), ("what", what), ("person", 0)],
            None => vec![("when", self.when), ("who", self.who), ("what", 0)],
        };
        pad(&format!("  {}", columns(&cells, w.saturating_sub(2))), w)
    }

    fn cells(&self, now: DateTime<Utc>, e: &ActivityEntry, w: usize) -> String {
        let when = time::relative(now, e.created_at.as_deref());
        let name = e.detail.as_ref().and_then(|d| d.name.as_deref()).filter(|n| !n.is_empty());
        match self.what {
            Some(what_w) => {
                let person = name.or(e.item_id.as_deref()).unwrap_or("-");
                columns(&[(&when, self.when), (&e.actor(), self.who), (&e.activity, what_w), (person, 0)], w)
            }
            None => {
                let mut what = e.activity.clone();
                if let Some(name) = name {
                    what.push_str(&format!(" {name}"));
                }
                columns(&[(&when, self.when), (&e.actor(), self.who), (&what, 0)], w)
            }
        }
    }
}

/// Activity rows for a list `w` × `height`: the window from `scroll` moved so the selected entry
/// and its changes (expanded under it) are visible.
#[allow(clippy::too_many_arguments)]
pub(crate) fn activity_rows<'a>(
    ui: &Ui,
    cols: &ActivityColumns,
    items: &[ActivityEntry],
    selected: usize,
    scroll: usize,
    focused: bool,
    w: usize,
    height: usize,
) -> Vec<Line<'a>> {
    let t = ui.theme;
    if items.is_empty() || height == 0 {
        return Vec::new();
    }
    let sel = selected.min(items.len() - 1);
    let changes = items[sel].detail.as_ref().and_then(|d| d.changes.as_deref()).unwrap_or_default();
    let shown = changes.len().min(MAX_CHANGES).min(height.saturating_sub(1));
    let extra = shown + usize::from(changes.len() > shown && shown > 0);
    // Keep the selected entry and its changes on screen.
    let mut start = follow(sel, scroll.min(items.len() - 1), height);
    if sel + 1 + extra > start + height {
        start = (sel + 1 + extra).saturating_sub(height).min(sel);
    }
    let mut out: Vec<Line> = Vec::new();
    for (i, e) in items.iter().enumerate().skip(start) {
        if out.len() >= height {
            break;
        }
        let text = cols.cells(ui.model.now, e, w.saturating_sub(2));
        out.push(row_in(t, focused, i == sel, &text, w));
        if i == sel {
            for c in &changes[..shown] {
                out.push(change_line(t, c, w));
            }
            if changes.len() > shown && shown > 0 {
                let more = format!("      … {} more (Enter)", changes.len() - shown);
                out.push(Line::styled(fit(&more, w), t.muted));
            }
        }
    }
    out.truncate(height);
    out
}

pub fn activity(frame: &mut Frame, ctx: &Ctx) {
    let (ui, m) = (ctx.ui, ctx.ui.model);
    let t = ui.theme;
    let pane = &m.history.activity;
    let st = state(m, pane);
    let w = ctx.body.width as usize;
    let cols = ActivityColumns::new(w, false);
    let mut lines = Vec::new();
    if let State::Data(feed) = &st {
        let n = feed.items.len();
        let mut info = vec![Span::styled(format!("{n} entr{}", if n == 1 { "y" } else { "ies" }), t.muted)];
        if pane.loading {
            info.push(Span::styled(" · loading more…", t.muted));
        } else if feed.next.is_some() {
            info.push(Span::styled(" · more: scroll down", t.muted));
        }
        lines.push(Line::from(info));
        match &pane.error {
            Some(err) => lines.push(Line::styled(format!("✗ {}", fit(err, w.saturating_sub(2))), t.error)),
            None => lines.push(Line::styled(fit("Enter shows the full entry", w), t.muted)),
        }
        lines.push(Line::styled(cols.head(w), t.header));
    }
    ctx.header(frame, lines);
    if placeholder(frame, ui, ctx.body, &st, "activity") {
        return;
    }
    let State::Data(feed) = st else { return };
    if feed.items.is_empty() {
        message(frame, ui, ctx.body, Line::styled("No activity recorded for this person", t.muted));
        return;
    }
    let height = ctx.body.height as usize;
    let mut out = activity_rows(ui, &cols, &feed.items, pane.selected, pane.scroll, ctx.focused(), w, height);
    if pane.loading && out.len() < height {
        out.push(Line::styled(fit("  loading more…", w), t.muted));
    }
    frame.render_widget(Paragraph::new(out), ctx.body);
}

/// `field: before → after` under the selected entry.
fn change_line<'a>(t: &Theme, c: &ActivityChange, w: usize) -> Line<'a> {
    let label = c.field.as_deref().or(c.action.as_deref()).or(c.kind.as_deref()).unwrap_or("change");
    let indent = "      ";
    let avail = w.saturating_sub(indent.len());
    let label = fit(label, (avail / 3).max(4).min(avail));
    let room = avail.saturating_sub(width(&label) + 2 + 3);
    let (before, after) = share(&value_text(c.before.as_ref()), &value_text(c.after.as_ref()), room);
    Line::from(vec![
        Span::raw(indent),
        Span::styled(label, t.accent),
        Span::styled(": ", t.muted),
        Span::styled(before, t.removed),
        Span::styled(" → ", t.muted),
        Span::styled(after, t.added),
    ])
}

pub fn events(frame: &mut Frame, ctx: &Ctx) {
    let (ui, m) = (ctx.ui, ctx.ui.model);
    let t = ui.theme;
    let pane = &m.history.events;
    let st = state(m, pane);
    let w = ctx.body.width as usize;
    let inner = w.saturating_sub(2);
    let wide = inner >= 90;
    let time_w = if wide { 19 } else { 8 };
    let event_w = (inner / 5).clamp(6, 22);
    let id_w = (inner / 5).clamp(6, 24);
    let mut lines = vec![range_line(ui, w)];
    if let State::Data(feed) = &st {
        let n = feed.events.len();
        let mut info = vec![Span::styled(format!("{n} event{}", if n == 1 { "" } else { "s" }), t.muted)];
        if pane.loading {
            info.push(Span::styled(" · loading more…", t.muted));
        } else if feed.has_more {
            info.push(Span::styled(" · older events: scroll down", t.muted));
        }
        if let Some(err) = &pane.error {
            info = vec![Span::styled(format!("✗ {}", fit(err, w.saturating_sub(2))), t.error)];
        }
        lines.push(Line::from(info));
        let id_head = if id_w >= 11 { "distinct id" } else { "id" };
        let head = [("time", time_w), ("event", event_w), (id_head, id_w), ("summary", 0)];
        lines.push(Line::styled(pad(&format!("  {}", columns(&head, inner)), w), t.header));
    }
    ctx.header(frame, lines);
    if placeholder(frame, ui, ctx.body, &st, "events") {
        return;
    }
    let State::Data(feed) = st else { return };
    if feed.events.is_empty() {
        let i = m.history.range.min(RANGES.len() - 1);
        let text = match RANGES[i].0 {
            "all time" => "No events recorded for this person".to_string(),
            label => format!("No events in the last {label} — ] widens the range"),
        };
        message(frame, ui, ctx.body, Line::styled(text, t.muted));
        return;
    }
    let evs = &feed.events;
    let sel = pane.selected.min(evs.len() - 1);
    let start = ctx.window(sel, pane.scroll, evs.len());
    let rows: Vec<Line> = evs
        .iter()
        .enumerate()
        .skip(start)
        .take(ctx.body.height as usize)
        .map(|(i, e)| {
            let when = match (wide, time::parse(&e.timestamp)) {
                (true, Some(d)) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
                _ => time::relative(m.now, Some(&e.timestamp)),
            };
            let summary = summary(e);
            let cells = [(when.as_str(), time_w), (&e.event, event_w), (&e.distinct_id, id_w), (&summary, 0)];
            row(ctx, i == sel, &columns(&cells, inner), w)
        })
        .collect();
    frame.render_widget(Paragraph::new(rows), ctx.body);
}

/// The page (`$current_url`, `$pathname`) or, for person updates, which keys were set.
pub(crate) fn summary(e: &PersonEvent) -> String {
    let text = |k: &str| e.properties.get(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
    if let Some(url) = text("$current_url").or_else(|| text("$pathname")) {
        return url.to_string();
    }
    let u = e.person_updates();
    let mut parts = Vec::new();
    let keys = |m: &serde_json::Map<String, serde_json::Value>| {
        m.keys().map(|k| sanitize(k).into_owned()).collect::<Vec<_>>().join(", ")
    };
    if let Some(set) = u.set.as_ref().filter(|s| !s.is_empty()) {
        parts.push(format!("$set {}", keys(set)));
    }
    if let Some(once) = u.set_once.as_ref().filter(|s| !s.is_empty()) {
        parts.push(format!("$set_once {}", keys(once)));
    }
    if !u.unset.is_empty() {
        parts.push(format!("$unset {}", u.unset.join(", ")));
    }
    parts.join(" · ")
}

pub fn cohorts(frame: &mut Frame, ctx: &Ctx) {
    let (ui, m) = (ctx.ui, ctx.ui.model);
    let t = ui.theme;
    let pane = &m.history.cohorts;
    let st = state(m, pane);
    let w = ctx.body.width as usize;
    let inner = w.saturating_sub(2);
    let count_w = 16.min(inner / 2);
    let name_w = inner.saturating_sub(count_w + 2);
    let mut lines = Vec::new();
    if let State::Data(list) = &st {
        let n = list.len();
        lines.push(Line::styled(format!("in {n} cohort{}", if n == 1 { "" } else { "s" }), t.muted));
        match &pane.error {
            Some(err) => lines.push(Line::styled(format!("✗ {}", fit(err, w.saturating_sub(2))), t.error)),
            None => lines.push(Line::default()),
        }
        let head = format!("  {}  {}", pad("cohort", name_w), "persons");
        lines.push(Line::styled(pad(&head, w), t.header));
    }
    ctx.header(frame, lines);
    if placeholder(frame, ui, ctx.body, &st, "cohorts") {
        return;
    }
    let State::Data(list) = st else { return };
    if list.is_empty() {
        message(frame, ui, ctx.body, Line::styled("In no cohorts", t.muted));
        return;
    }
    let sel = pane.selected.min(list.len() - 1);
    let start = ctx.window(sel, pane.scroll, list.len());
    let rows: Vec<Line> = list
        .iter()
        .enumerate()
        .skip(start)
        .take(ctx.body.height as usize)
        .map(|(i, c)| row(ctx, i == sel, &cohort_cells(c, name_w, count_w), w))
        .collect();
    frame.render_widget(Paragraph::new(rows), ctx.body);
}

fn cohort_cells(c: &CohortRef, name_w: usize, count_w: usize) -> String {
    let name = match c.name.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => n.to_string(),
        None => format!("cohort #{}", c.id),
    };
    let count = match c.count {
        Some(n) if n >= 0 => format!("{} persons", crate::ui::thousands(n as u64)),
        Some(n) => format!("{n} persons"),
        None => "? persons".to_string(),
    };
    format!("{}  {}", pad(&name, name_w), fit(&count, count_w))
}
