//! One-line text fields (search box, inspector filter, palette): the visible window of the text
//! around the cursor, and the search line itself.
use super::Ui;
use crate::app::input::TextInput;
use crate::text::{fit, sanitize, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// What the empty search box says, with the search key in effect.
pub fn search_placeholder(keys: &crate::app::keymap::Keymap) -> String {
    let key = keys.first_key(crate::app::actions::Action::Search, crate::app::actions::Context::List);
    format!("press {key} to search (plan=pro, email:…, id:…)")
}

/// The part of `input` that fits in `avail` columns with the cursor visible, and the cursor's
/// column inside it. Unsafe characters show as escapes (each escape moves as one unit).
pub fn window(input: &TextInput, avail: usize) -> (String, usize) {
    if avail == 0 {
        return (String::new(), 0);
    }
    let pieces: Vec<String> =
        input.text.chars().map(|c| sanitize(c.encode_utf8(&mut [0; 4])).into_owned()).collect();
    let cursor = input.cursor.min(pieces.len());
    let widths: Vec<usize> = pieces.iter().map(|p| width(p)).collect();
    // Scroll so the cursor (plus one cell for it) fits.
    let mut start = 0;
    let mut before: usize = widths[..cursor].iter().sum();
    while start < cursor && before + 1 > avail {
        before -= widths[start];
        start += 1;
    }
    let mut out = String::new();
    let mut used = 0;
    for (p, w) in pieces[start..].iter().zip(&widths[start..]) {
        if used + w > avail {
            break;
        }
        used += w;
        out.push_str(p);
    }
    (out, before.min(avail.saturating_sub(1)))
}

/// Renders `prefix` + the field, and puts the terminal cursor in it when `focused`.
pub fn input_line<'a>(
    frame: &mut Frame,
    area: Rect,
    prefix: Span<'a>,
    input: &TextInput,
    focused: bool,
    extra: Vec<Span<'a>>,
) -> Line<'a> {
    let prefix_w = prefix.width();
    let avail = (area.width as usize).saturating_sub(prefix_w);
    let (visible, col) = window(input, avail);
    if focused && !area.is_empty() {
        let x = area.x + (prefix_w + col).min(area.width.saturating_sub(1) as usize) as u16;
        frame.set_cursor_position((x, area.y));
    }
    let mut spans = vec![prefix, Span::raw(visible)];
    spans.extend(extra);
    Line::from(spans)
}

/// The search line and, when the query is malformed, the error line under it.
pub fn search(frame: &mut Frame, ui: &Ui, area: Rect, error_area: Option<Rect>) {
    if area.is_empty() {
        return;
    }
    let (m, t) = (ui.model, ui.theme);
    let prefix = Span::styled("/ ", if m.search.editing { t.accent } else { t.muted });
    let line = if m.search.editing {
        let placeholder = if m.search.input.text.is_empty() {
            vec![Span::styled(" words, email:…, id:…, key=value", t.muted)]
        } else {
            Vec::new()
        };
        input_line(frame, area, prefix, &m.search.input, true, placeholder)
    } else if m.search.applied.is_empty() {
        Line::from(vec![prefix, Span::styled(search_placeholder(&m.keymap), t.muted)])
    } else {
        let avail = (area.width as usize).saturating_sub(2);
        Line::from(vec![prefix, Span::styled(fit(&m.search.applied, avail), t.text)])
    };
    frame.render_widget(Paragraph::new(line), area);
    if let (Some(err_area), Some(err)) = (error_area, &m.search.error) {
        if err_area.is_empty() {
            return;
        }
        let text = fit(err, (err_area.width as usize).saturating_sub(4));
        frame.render_widget(Paragraph::new(Line::styled(format!("  ✗ {text}"), t.error)), err_area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_the_cursor_visible() {
        let input = TextInput::new("hello world");
        assert_eq!(window(&input, 20), ("hello world".into(), 11));
        let (text, col) = window(&input, 6);
        assert_eq!(col, 5);
        assert!(text.ends_with("world"), "{text}");
        let mut start = input.clone();
        start.home();
        assert_eq!(window(&start, 5), ("hello".into(), 0));
        let wide = TextInput::new("日本語");
        let (text, col) = window(&wide, 5);
        assert_eq!((text.as_str(), col), ("本語", 4));
        let evil = TextInput::new("a\u{202e}b");
        assert_eq!(window(&evil, 40).0, "a\\u{202e}b");
        assert_eq!(window(&input, 0), (String::new(), 0));
    }
}
