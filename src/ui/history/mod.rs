//! The right pane's tab strip (in its title) and the history tabs drawn in it: the properties
//! timeline, the activity feed, recent events and cohorts of the inspected person. Each tab has a
//! header of `INSPECTOR_HEADER` lines (so `app::layout::inspector_viewport` is its row count) and
//! rows under it; loading, error and empty states replace the rows.
mod feeds;
mod timeline;

pub(crate) use feeds::{ActivityColumns, activity_rows};

use super::Ui;
use crate::app::history::{Pane, RANGES, Tab};
use crate::app::inspector::PersonView;
use crate::app::layout::{INSPECTOR_HEADER, follow};
use crate::app::{Focus, Model};
use crate::text::{fit, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use serde_json::Value;

/// The right pane's border, with the tab strip and `status` (loading, error) as its title.
pub(crate) fn pane_block<'a>(ui: &Ui, width: u16, status: Vec<Span<'a>>) -> Block<'a> {
    let t = ui.theme;
    let focused = ui.model.focus == Focus::Inspector;
    let room = (width as usize).saturating_sub(2);
    let status_w: usize = status.iter().map(Span::width).sum();
    let mut title = tab_strip(ui, room.saturating_sub(status_w))
        .unwrap_or_else(|| tab_strip(ui, room).unwrap_or_default());
    let used: usize = title.iter().map(Span::width).sum();
    if used + status_w <= room {
        title.extend(status);
    }
    Block::bordered().border_style(if focused { t.border_focused } else { t.border }).title(Line::from(title))
}

/// ` 2 Properties  3 Timeline …` with the current tab bracketed and highlighted, in the widest
/// form that fits `room` columns: full names, single spaces, a short "Props", only the current
/// tab's name, only its bracketed key.
fn tab_strip<'a>(ui: &Ui, room: usize) -> Option<Vec<Span<'a>>> {
    let t = ui.theme;
    let current = ui.model.tab;
    let name = |tab: Tab, short: bool| if short && tab == Tab::Properties { "Props" } else { tab.title() };
    // (separator, short names, names of the other tabs)
    let forms = [("  ", false, true), (" ", false, true), (" ", true, true), (" ", true, false)];
    for (sep, short, others) in forms {
        let mut spans = vec![Span::raw(" ")];
        for (i, tab) in Tab::ALL.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw(sep));
            }
            if tab == current {
                let style = t.title.patch(t.accent).add_modifier(Modifier::REVERSED);
                spans.push(Span::styled(format!("[{} {}]", tab.key(), name(tab, short)), style));
            } else if others {
                spans.push(Span::styled(format!("{} {}", tab.key(), name(tab, short)), t.muted));
            } else {
                spans.push(Span::styled(tab.key().to_string(), t.muted));
            }
        }
        spans.push(Span::raw(" "));
        if spans.iter().map(Span::width).sum::<usize>() <= room {
            return Some(spans);
        }
    }
    let only = format!(" [{} {}] ", current.key(), current.title());
    (width(&only) <= room).then(|| vec![Span::styled(only, t.title.patch(t.accent))])
}

/// Draws the history tab `model.tab` (not Properties) into the right pane's `area`.
pub fn render(frame: &mut Frame, ui: &Ui, area: Rect) {
    if area.is_empty() {
        return;
    }
    let m = ui.model;
    let spinner = if tab_loading(m) { "(loading…) " } else { "" };
    let block = pane_block(ui, area.width, vec![Span::styled(spinner, ui.theme.muted)]);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let Some(person) = m.inspected() else {
        message(frame, ui, inner, Line::styled("Select a person", ui.theme.muted));
        return;
    };
    let header_h = INSPECTOR_HEADER.min(inner.height);
    let header = Rect { height: header_h, ..inner };
    let body = Rect { y: inner.y + header_h, height: inner.height - header_h, ..inner };
    let ctx = Ctx { ui, person: &person, header, body };
    match m.tab {
        Tab::Properties => {}
        Tab::Timeline => timeline::render(frame, &ctx),
        Tab::Activity => feeds::activity(frame, &ctx),
        Tab::Events => feeds::events(frame, &ctx),
        Tab::Cohorts => feeds::cohorts(frame, &ctx),
    }
}

fn tab_loading(m: &Model) -> bool {
    let h = &m.history;
    match m.tab {
        Tab::Properties => false,
        Tab::Timeline => h.timeline.loading,
        Tab::Activity => h.activity.loading,
        Tab::Events => h.events.loading,
        Tab::Cohorts => h.cohorts.loading,
    }
}

/// What a tab draws into.
pub(super) struct Ctx<'a> {
    pub ui: &'a Ui<'a>,
    pub person: &'a PersonView,
    pub header: Rect,
    pub body: Rect,
}

impl Ctx<'_> {
    /// The header: the person's name, then `lines` (cut to the header's height and width).
    pub fn header(&self, frame: &mut Frame, lines: Vec<Line>) {
        let w = self.header.width as usize;
        let mut all = vec![Line::styled(fit(&self.person.name, w), self.ui.theme.accent)];
        all.extend(lines);
        frame.render_widget(Paragraph::new(all), self.header);
    }

    pub fn focused(&self) -> bool {
        self.ui.model.focus == Focus::Inspector
    }

    /// The style of a row, selected or not.
    pub fn row_style(&self, selected: bool) -> Style {
        let t = self.ui.theme;
        match (selected, self.focused()) {
            (true, true) => t.selection,
            (true, false) => t.selection_unfocused,
            _ => Style::new(),
        }
    }

    /// The marker column: `▶ ` on the selected row of the focused pane.
    pub fn gutter(&self, selected: bool) -> &'static str {
        if selected && self.focused() { "▶ " } else { "  " }
    }

    /// Where the rows start: the pane's scroll, moved so the selection is visible.
    pub fn window(&self, selected: usize, scroll: usize, len: usize) -> usize {
        let rows = self.body.height as usize;
        follow(selected, scroll.min(len.saturating_sub(1)), rows)
    }
}

/// The pane's state for the inspected person.
pub(super) enum State<'a, T> {
    Data(&'a T),
    Loading,
    Error(&'a str),
    NotLoaded,
}

pub(super) fn state<'a, T>(m: &Model, pane: &'a Pane<T>) -> State<'a, T> {
    let mine = pane.uuid.is_some() && pane.uuid == m.inspector.uuid;
    match (&pane.data, &pane.error) {
        (Some(d), _) if mine => State::Data(d),
        (None, Some(e)) if mine => State::Error(e),
        _ if pane.loading => State::Loading,
        _ => State::NotLoaded,
    }
}

/// Draws the state that stands in for the rows (anything but data) and says whether it did.
pub(super) fn placeholder<T>(frame: &mut Frame, ui: &Ui, area: Rect, st: &State<T>, what: &str) -> bool {
    let t = ui.theme;
    let line = match st {
        State::Data(_) => return false,
        State::Loading => Line::styled(format!("Loading {what}…"), t.muted),
        State::Error(e) => Line::styled(format!("✗ {}", fit(e, 2000)), t.error),
        State::NotLoaded => Line::styled(format!("{} not loaded — r loads it", capital(what)), t.muted),
    };
    message(frame, ui, area, line);
    true
}

/// One wrapped message in `area`.
pub(super) fn message(frame: &mut Frame, _ui: &Ui, area: Rect, line: Line) {
    if !area.is_empty() {
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// `7 days  [ narrower  ] wider` for the timeline and events headers.
pub(super) fn range_line<'a>(ui: &Ui, w: usize) -> Line<'a> {
    let t = ui.theme;
    let i = ui.model.history.range.min(RANGES.len() - 1);
    let label = match RANGES[i].0 {
        "all time" => "all time".to_string(),
        l => format!("last {l}"),
    };
    let mut spans = vec![Span::styled("range ", t.muted), Span::raw(label.clone())];
    let long = [("[", " narrower  "), ("]", " wider")];
    let short = [("[", " "), ("]", "")];
    let hints = if 6 + label.len() + 2 + 20 <= w { long } else { short };
    spans.push(Span::raw("  "));
    for (k, d) in hints {
        spans.push(Span::styled(k, t.key));
        spans.push(Span::styled(d, t.muted));
    }
    Line::from(spans)
}

/// A JSON value as one line of text: strings bare, null as `∅`, the rest as compact JSON.
pub(super) fn value_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "∅".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Cuts `a` and `b` to share `room` columns, giving a short one all it needs.
pub(super) fn share(a: &str, b: &str, room: usize) -> (String, String) {
    let (wa, wb) = (width(&crate::text::sanitize(a)), width(&crate::text::sanitize(b)));
    if wa + wb <= room {
        return (fit(a, wa), fit(b, wb));
    }
    let half = room / 2;
    if wa <= half {
        (fit(a, wa), fit(b, room - wa))
    } else if wb <= half {
        (fit(a, room - wb), fit(b, wb))
    } else {
        (fit(a, half), fit(b, room - half))
    }
}

/// Untrusted text as lines of at most `w` columns, broken at spaces (a longer word is cut).
pub(super) fn wrap_words(text: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in crate::text::sanitize(text).split(' ') {
        let (cw, ww) = (width(&cur), width(word));
        if cur.is_empty() {
            cur = word.to_string();
        } else if cw + 1 + ww <= w {
            cur.push(' ');
            cur.push_str(word);
        } else {
            out.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
        if width(&cur) > w {
            let mut pieces = crate::app::layout::wrap(&cur, w);
            cur = pieces.pop().unwrap_or_default();
            out.extend(pieces);
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(
            wrap_words("the person's events (this key)", 12),
            ["the person's", "events (this", "key)"]
        );
        assert_eq!(wrap_words("abcdefghij xy", 4), ["abcd", "efgh", "ij", "xy"]);
        assert_eq!(wrap_words("a\x1bb", 10), ["a\\eb"]);
    }

    #[test]
    fn two_values_share_the_room() {
        assert_eq!(share("free", "enterprise", 40), ("free".into(), "enterprise".into()));
        assert_eq!(share("free", "x".repeat(20).as_str(), 10), ("free".into(), "xxxxx…".into()));
        let (a, b) = share(&"a".repeat(20), &"b".repeat(20), 10);
        assert_eq!((width(&a), width(&b)), (5, 5));
        assert_eq!(share("a", "b", 0), (String::new(), String::new()));
    }
}
