//! Untrusted text made safe for a terminal: control characters and bidi overrides become visible
//! escapes, and long values are cut to a display width with `…`. Every string that came from a
//! server or a person's browser goes through here before it is printed or drawn.
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Whether `c` must not reach a terminal as itself.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Replaces every unsafe character with a visible escape (`\e`, `\a`, `\r`, `\n`, `\t`, `\x01`,
/// `\u{202e}`). Returns the input untouched (borrowed) when it is already safe.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\x07' => out.push_str("\\a"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Display width in terminal columns, as ratatui measures it (wide CJK and emoji count 2,
/// emoji sequences such as ❤️ or a ZWJ family count as one glyph).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Sanitizes and cuts `s` to at most `max` columns, ending in `…` when cut.
pub fn fit(s: &str, max: usize) -> String {
    let safe = sanitize(s);
    if width(&safe) <= max {
        return safe.into_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in safe.graphemes(true) {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    out
}

/// `fit` then pad with spaces to exactly `cols` columns.
pub fn pad(s: &str, cols: usize) -> String {
    let mut out = fit(s, cols);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(sanitize("\x1b]0;TITLE\x07"), "\\e]0;TITLE\\a");
        assert_eq!(sanitize("a\x1b[2Jb"), "a\\e[2Jb");
        assert_eq!(sanitize("x\r\ny\t\x01\x7f"), "x\\r\\ny\\t\\x01\\x7f");
        assert_eq!(sanitize("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(sanitize("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert!(matches!(sanitize("plain ünïcode 日本"), Cow::Borrowed(_)));
    }

    #[test]
    fn fits_by_display_width() {
        assert_eq!(fit("hello", 10), "hello");
        assert_eq!(fit("hello world", 6), "hello…");
        assert_eq!(fit("日本語テキスト", 5), "日本…");
        assert_eq!(width(&pad("日本", 6)), 6);
        assert_eq!(fit("\x1b[2J", 3), "\\e…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn emoji_sequences_measure_like_ratatui() {
        for s in ["❤️", "👨‍👩‍👧", "🦔", "日本", "e\u{301}"] {
            assert_eq!(width(s), ratatui::text::Span::raw(s).width(), "{s:?}");
        }
        assert_eq!(fit("👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧", 5), "👨‍👩‍👧👨‍👩‍👧…", "cut between graphemes, not inside one");
        assert_eq!(width(&pad("❤️", 4)), 4);
    }
}
