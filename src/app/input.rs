//! A one-line text field (search box, inspector filter, command palette): text plus a cursor
//! counted in characters.

/// Longest text a one-line field takes (a huge paste is cut, not allowed to freeze the UI).
pub const MAX_CHARS: usize = 2000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextInput {
    pub text: String,
    /// Cursor position in characters (0..=len).
    pub cursor: usize,
}

impl TextInput {
    pub fn new(text: &str) -> Self {
        Self { text: text.to_string(), cursor: text.chars().count() }
    }
    fn byte_at(&self, char_idx: usize) -> usize {
        self.text.char_indices().nth(char_idx).map_or(self.text.len(), |(i, _)| i)
    }
    pub fn insert(&mut self, c: char) {
        if c.is_control() || self.text.chars().count() >= MAX_CHARS {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }
    /// Inserts pasted text at the cursor in one step: line breaks and tabs become spaces, other
    /// control characters are dropped, and the field stops at `MAX_CHARS`.
    pub fn insert_str(&mut self, s: &str) {
        let room = MAX_CHARS.saturating_sub(self.text.chars().count());
        let clean: String = s
            .chars()
            .map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c })
            .filter(|c| !c.is_control())
            .take(room)
            .collect();
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }
    pub fn backspace(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.cursor -= 1;
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
        true
    }
    pub fn delete(&mut self) -> bool {
        if self.cursor >= self.text.chars().count() {
            return false;
        }
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
        true
    }
    /// ctrl-w: delete the word before the cursor.
    pub fn delete_word(&mut self) -> bool {
        let before: Vec<char> = self.text.chars().take(self.cursor).collect();
        let mut start = before.len();
        while start > 0 && before[start - 1].is_whitespace() {
            start -= 1;
        }
        while start > 0 && !before[start - 1].is_whitespace() {
            start -= 1;
        }
        if start == self.cursor {
            return false;
        }
        let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
        self.text.replace_range(a..b, "");
        self.cursor = start;
        true
    }
    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }
    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }
    pub fn home(&mut self) {
        self.cursor = 0;
    }
    pub fn end(&mut self) {
        self.cursor = self.text.chars().count();
    }
    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }
    pub fn set(&mut self, text: &str) {
        *self = Self::new(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_at_the_cursor_with_multibyte_text() {
        let mut t = TextInput::new("añb");
        t.left();
        t.insert('é');
        assert_eq!(t.text, "añéb");
        assert!(t.backspace());
        t.home();
        assert!(!t.backspace());
        assert!(t.delete());
        assert_eq!(t.text, "ñb");
        t.insert_str("x\ny\x1b");
        assert_eq!(t.text, "x yñb", "newlines become spaces, controls are dropped");
        t.end();
        assert!(t.delete_word());
        assert_eq!(t.text, "x ");
    }

    #[test]
    fn huge_pastes_are_cut_at_the_limit() {
        let mut t = TextInput::default();
        t.insert_str(&"a".repeat(1_000_000));
        assert_eq!(t.text.chars().count(), MAX_CHARS);
        assert_eq!(t.cursor, MAX_CHARS);
        t.insert('b');
        assert_eq!(t.text.chars().count(), MAX_CHARS);
    }
}
