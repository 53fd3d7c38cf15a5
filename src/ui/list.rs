//! The person list: a bordered table (name, email or id, first seen, last seen) with a header
//! row, the selection, marks, deletion countdowns, and its loading / error / empty states. Only
//! visible rows are built.
use super::{Ui, thousands};
use crate::api::{PersonListItem, display_name, is_anonymous_distinct_id};
use crate::app::{Focus, Model, time};
use crate::text::{fit, pad, width};
use crate::writes::Write;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use serde_json::Value;
use std::collections::HashSet;

/// Width of each time column ("11mo ago", "just now").
const TIME_W: usize = 10;

/// Columns before the name: the selection marker, the mark, a space.
const GUTTER: usize = 3;

/// Which columns fit, and how wide each is (the gutter holds the selection marker and the mark).
struct Columns {
    name: usize,
    email: usize,
    first_seen: bool,
    last_seen: bool,
}

impl Columns {
    fn for_width(inner: usize) -> Self {
        let last_seen = inner >= 34;
        let first_seen = inner >= 56;
        let times = (usize::from(last_seen) + usize::from(first_seen)) * (TIME_W + 1);
        let rest = inner.saturating_sub(GUTTER + times + 1);
        let name = rest / 2;
        Self { name, email: rest - name, first_seen, last_seen }
    }
}

pub fn render(frame: &mut Frame, ui: &Ui, area: Rect) {
    if area.is_empty() {
        return;
    }
    let (m, t) = (ui.model, ui.theme);
    let list = &m.list;
    let focused = m.focus == Focus::List;
    let mut block = Block::bordered()
        .border_style(if focused { t.border_focused } else { t.border })
        .title(title(ui, area.width.saturating_sub(4) as usize));
    if let Some(bottom) = bottom_line(ui, area.width.saturating_sub(2) as usize) {
        block = block.title_bottom(bottom);
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let w = inner.width as usize;
    let cols = Columns::for_width(w);

    if list.items.is_empty() {
        let lines = if let Some(err) = &list.error {
            // The error sentence already says "press r to retry" when retrying can help.
            vec![Line::styled(format!("✗ {}", fit(err, 2000)), t.error)]
        } else if list.loading {
            vec![Line::styled("Loading persons…", t.muted)]
        } else if list.insight.is_some() {
            vec![Line::styled("No persons in this insight · Esc back to search", t.muted)]
        } else {
            vec![Line::styled("No persons match", t.muted)]
        };
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }

    // Persons whose deletion was sent (the row says so until the list drops them).
    let deleting: HashSet<&str> = m
        .in_flight
        .values()
        .filter(|f| matches!(f.write, Write::DeletePerson { .. } | Write::BulkDelete { .. }))
        .flat_map(|f| f.uuids.iter().map(String::as_str))
        .collect();
    let viewport = (inner.height as usize).saturating_sub(1);
    let mut lines = Vec::with_capacity(viewport + 1);
    lines.push(Line::styled(header(&cols, w), t.header));
    let end = (list.scroll + viewport).min(list.items.len());
    for (i, person) in list.items.iter().enumerate().take(end).skip(list.scroll) {
        let selected = i == list.selected;
        let fate = match m.countdown(person.uuid()) {
            Some(secs) => Fate::Countdown(secs),
            None if deleting.contains(person.uuid()) => Fate::Sent,
            None => Fate::Kept,
        };
        let line = row(ui, person, &cols, w, selected, fate);
        lines.push(if selected {
            line.style(if focused { t.selection } else { t.selection_unfocused })
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn title<'a>(ui: &Ui, max: usize) -> Line<'a> {
    let (list, t) = (&ui.model.list, ui.theme);
    let mut count = match list.total {
        Some(total) => format!("{} of {}", thousands(list.items.len() as u64), thousands(total)),
        None => thousands(list.items.len() as u64),
    };
    if list.next.is_some() {
        count.push('…');
    }
    // Insight persons: the breadcrumb names the insight, so it takes the room of "Persons ›".
    let (head, prefix) = match list.insight {
        Some(_) => (Span::raw(" "), 3),
        None => (Span::styled(" Persons › ", t.title), 14),
    };
    let source = fit(&list.source, max.saturating_sub(count.len() + prefix).max(4));
    let mut spans = vec![
        head,
        Span::styled(source, if list.insight.is_some() { t.accent } else { t.muted }),
        Span::styled(" · ", t.muted),
        Span::styled(count, t.text),
    ];
    if list.loading && !list.items.is_empty() {
        spans.push(Span::styled(" (loading…)", t.muted));
    }
    if !ui.model.marks.is_empty() {
        spans.push(Span::styled(" · ", t.muted));
        spans.push(Span::styled(format!("{} marked", thousands(ui.model.marks.len() as u64)), t.accent));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// The bottom border: a failed request when items are still shown, or "loading more…"; and for
/// insight persons, the way back.
fn bottom_line<'a>(ui: &Ui, max: usize) -> Option<Line<'a>> {
    let (list, t) = (&ui.model.list, ui.theme);
    let back = list.insight.as_ref().map(|_| Span::styled(" Esc back to search ", t.muted));
    if let (Some(err), false) = (&list.error, list.items.is_empty()) {
        let back_w = back.as_ref().map_or(0, Span::width);
        let mut room = max.saturating_sub(4 + back_w);
        let mut spans = Vec::new();
        if room >= 16 {
            spans.extend(back);
        } else {
            room = max.saturating_sub(4);
        }
        spans.insert(0, Span::styled(format!(" ✗ {} ", fit(err, room.max(8))), t.error));
        return Some(Line::from(spans));
    }
    match (list.loading_more, back) {
        (true, Some(_)) => Some(Line::styled(" loading more… · Esc back to search ", t.muted)),
        (true, None) => Some(Line::styled(" loading more… ", t.muted)),
        (false, back) => back.map(Line::from),
    }
}

fn header(cols: &Columns, w: usize) -> String {
    let mut s = format!(
        "{}{} {}",
        " ".repeat(GUTTER),
        pad("Name", cols.name),
        pad("Email / distinct id", cols.email)
    );
    if cols.first_seen {
        s.push(' ');
        s.push_str(&pad("First seen", TIME_W));
    }
    if cols.last_seen {
        s.push(' ');
        s.push_str(&pad("Last seen", TIME_W));
    }
    pad(&s, w)
}

/// What is happening to a person's row.
#[derive(Clone, Copy)]
enum Fate {
    Kept,
    /// A confirmed deletion waits this many seconds (`u` undoes it).
    Countdown(i64),
    /// The deletion was sent.
    Sent,
}

fn row<'a>(ui: &Ui, p: &PersonListItem, cols: &Columns, w: usize, selected: bool, fate: Fate) -> Line<'a> {
    let (m, t) = (ui.model, ui.theme);
    let (email, anonymous) = email_or_id(p);
    let name = person_name(m, p);
    let marked = m.marks.contains_key(p.uuid());
    let gutter = format!("{}{} ", if selected { "▶" } else { " " }, if marked { "●" } else { " " });
    // The selected line's own style (reverse / highlight) must not be fought by muted colours.
    let muted = if selected { t.text } else { t.muted };
    let doomed = !matches!(fate, Fate::Kept);
    let text_style = if doomed { t.doomed } else { t.text };
    let mut spans =
        vec![Span::styled(gutter, t.accent), Span::styled(pad(&name, cols.name), text_style), Span::raw(" ")];
    let mut used = GUTTER + cols.name + 1;
    let times = (usize::from(cols.first_seen) + usize::from(cols.last_seen)) * (TIME_W + 1);
    let email_style = if doomed {
        t.doomed
    } else if anonymous {
        muted
    } else {
        t.text
    };
    // The countdown takes the time columns and as much of the email column as it needs (the
    // last column keeps its trailing space, like the time columns).
    let room = (cols.email + times).saturating_sub(1);
    if let Some(status) = fate_text(fate, room) {
        let email_w = room.saturating_sub(width(&status) + 1);
        spans.push(Span::styled(pad(&email, email_w), email_style));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(status.clone(), t.warn));
        used += email_w + 1 + width(&status);
    } else {
        spans.push(Span::styled(pad(&email, cols.email), email_style));
        used += cols.email;
        for (show, ts) in [(cols.first_seen, &p.created_at), (cols.last_seen, &p.last_seen_at)] {
            if show {
                spans.push(Span::raw(" "));
                spans.push(Span::styled(pad(&time::relative(m.now, ts.as_deref()), TIME_W), muted));
                used += TIME_W + 1;
            }
        }
    }
    if used < w {
        spans.push(Span::raw(" ".repeat(w - used)));
    }
    Line::from(spans)
}

/// "deleting in 4s · u undo", as long as fits in `room` while leaving some of the email visible.
fn fate_text(fate: Fate, room: usize) -> Option<String> {
    let candidates = match fate {
        Fate::Kept => return None,
        Fate::Countdown(s) => vec![
            format!("deleting in {s}s · u undo"),
            format!("deleting in {s}s · u"),
            format!("deleting in {s}s"),
            format!("del {s}s · u"),
            format!("{s}s"),
        ],
        Fate::Sent => vec!["deleting…".to_string(), "del…".to_string()],
    };
    let keep = 8.min(room / 3);
    candidates
        .iter()
        .find(|c| width(c) + 1 + keep <= room)
        .or(candidates.last())
        .map(|c| crate::text::fit(c, room.saturating_sub(1)))
}

/// The name the list shows: PostHog's display name, or the `name` property when the display name
/// is the email that the next column shows anyway.
pub(crate) fn person_name(m: &Model, p: &PersonListItem) -> String {
    let name = display_name(&p.properties, &p.distinct_ids, m.display_props());
    if name == email_or_id(p).0
        && let Some(Value::String(n)) = p.properties.get("name")
        && !n.trim().is_empty()
    {
        return n.clone();
    }
    name
}

/// The `email` property, else the first non-anonymous distinct id, else the first id (anonymous).
fn email_or_id(p: &PersonListItem) -> (String, bool) {
    if let Some(Value::String(e)) = p.properties.get("email") {
        if !e.trim().is_empty() {
            return (e.clone(), false);
        }
    }
    if let Some(id) = p.distinct_ids.iter().find(|d| !is_anonymous_distinct_id(d)) {
        return (id.clone(), false);
    }
    (p.distinct_ids.first().cloned().unwrap_or_default(), true)
}
