//! Where things go on screen, as a pure function of the terminal size and the model's mode.
//! Shared by `update` (to keep selections in view) and the view (to draw).
use super::model::{Focus, Model};
use ratatui::layout::{Constraint, Layout, Rect};

/// Below this width the list and inspector are not shown side by side.
pub const SPLIT_MIN_WIDTH: u16 = 100;
/// Lines of the inspector header (name, ids, times) inside its border.
pub const INSPECTOR_HEADER: u16 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Areas {
    pub status: Rect,
    pub search: Rect,
    /// The line under the search box for a malformed query.
    pub search_error: Option<Rect>,
    pub list: Option<Rect>,
    pub inspector: Option<Rect>,
    pub hints: Rect,
}

pub fn areas(model: &Model) -> Areas {
    let full = Rect::new(0, 0, model.width, model.height);
    let has_error = model.search.error.is_some();
    let [status, search, error, main, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(u16::from(has_error)),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(full);
    let (list, inspector) = if model.zoomed {
        (None, Some(main))
    } else if model.width >= SPLIT_MIN_WIDTH {
        let [l, r] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(main);
        (Some(l), Some(r))
    } else {
        match model.focus {
            Focus::List => (Some(main), None),
            Focus::Inspector => (None, Some(main)),
        }
    };
    Areas { status, search, search_error: has_error.then_some(error), list, inspector, hints }
}

/// Rows of persons visible in the list (inside the border, under the header row).
pub fn list_viewport(model: &Model) -> usize {
    areas(model).list.map_or(0, |r| r.height.saturating_sub(3) as usize)
}

/// Rows visible in the inspector (inside the border, under the person header).
pub fn inspector_viewport(model: &Model) -> usize {
    areas(model).inspector.map_or(0, |r| r.height.saturating_sub(2 + INSPECTOR_HEADER) as usize)
}

/// The inside of the overlay popup (help, messages, detail): width and height in cells.
pub fn overlay_inner(model: &Model) -> (usize, usize) {
    let w = model.width.saturating_sub(4).min(88).saturating_sub(2);
    let h = model.height.saturating_sub(2).saturating_sub(2);
    (w as usize, h as usize)
}

/// Untrusted text as display lines of at most `width` columns: each line sanitized, then cut
/// between graphemes (no word wrap, so the count is exact for scrolling).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_segmentation::UnicodeSegmentation;
    let width = width.max(1);
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let line = crate::text::sanitize(raw.strip_suffix('\r').unwrap_or(raw)).into_owned();
        let mut cur = String::new();
        let mut used = 0;
        for g in line.graphemes(true) {
            let w = crate::text::width(g);
            if used + w > width && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                used = 0;
            }
            cur.push_str(g);
            used += w;
        }
        out.push(cur);
    }
    out
}

/// How far the open overlay can scroll (content lines minus what fits).
pub fn overlay_max_scroll(model: &Model) -> usize {
    use super::model::Overlay;
    let (w, h) = overlay_inner(model);
    let lines = match &model.overlay {
        Some(Overlay::Detail { text, .. }) => wrap(text, w).len(),
        Some(Overlay::Messages { .. }) => model.messages.len(),
        // Every action and command, plus headings and blank lines between sections.
        Some(Overlay::Help { .. }) => super::actions::REGISTRY.len() + super::palette::COMMANDS.len() + 16,
        Some(Overlay::Journal { entries, .. }) => entries.len(),
        Some(Overlay::Activity) => model.project_activity.data.as_ref().map_or(0, |f| f.items.len()),
        Some(Overlay::Picker(p)) => p.choices.len(),
        None => 0,
    };
    lines.saturating_sub(h)
}

/// Keeps `selected` inside the window `[scroll, scroll + viewport)`, moving the window minimally.
pub fn follow(selected: usize, scroll: usize, viewport: usize) -> usize {
    if viewport == 0 {
        return scroll; // not visible now; keep the window for when it is
    }
    if selected < scroll {
        selected
    } else if selected >= scroll + viewport {
        selected + 1 - viewport
    } else {
        scroll
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_moves_the_window_minimally() {
        assert_eq!(follow(0, 0, 10), 0);
        assert_eq!(follow(9, 0, 10), 0);
        assert_eq!(follow(10, 0, 10), 1);
        assert_eq!(follow(3, 5, 10), 3);
        assert_eq!(follow(7, 5, 0), 5, "a hidden pane keeps its window");
    }

    #[test]
    fn wrap_cuts_long_lines_and_escapes_controls() {
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(wrap("a\nb\r\n", 4), ["a", "b", ""]);
        assert_eq!(wrap("\u{1b}[2J", 3), ["\\e[", "2J"]);
        assert_eq!(wrap("日本語", 4), ["日本", "語"]);
        assert_eq!(wrap(&"word ".repeat(1500), 80).len(), 7500 / 80 + 1);
    }

    #[test]
    fn tiny_terminals_have_empty_areas_not_panics() {
        for (w, h) in [(1, 1), (20, 5), (0, 0)] {
            let mut m = Model::new(chrono::DateTime::UNIX_EPOCH, None, false);
            m.width = w;
            m.height = h;
            let a = areas(&m);
            assert!(a.status.height <= h);
            let _ = list_viewport(&m);
            let _ = inspector_viewport(&m);
        }
    }
}
