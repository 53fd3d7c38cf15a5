//! Styles by meaning (selection, muted, danger …), never by widget. `Theme::default()` is the dark
//! theme; `Theme::plain()` uses no colour at all, only bold/dim/reverse, so every state stays
//! readable under `NO_COLOR`.
use crate::app::Level;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Normal text.
    pub text: Style,
    /// Secondary text: placeholders, separators, type tags, anonymous ids.
    pub muted: Style,
    /// The app name, headings and key names.
    pub accent: Style,
    /// Section headings inside panes.
    pub heading: Style,
    /// Pane border with keyboard focus / without.
    pub border_focused: Style,
    pub border: Style,
    pub title: Style,
    /// The selected row in the focused pane / in an unfocused pane.
    pub selection: Style,
    pub selection_unfocused: Style,
    /// The list's column header row.
    pub header: Style,
    pub info: Style,
    pub warn: Style,
    pub error: Style,
    /// `[DEMO]` and `[RO]` badges.
    pub badge: Style,
    /// A key in the hint bar or help.
    pub key: Style,
    /// `$`-prefixed (PostHog-set) property keys.
    pub dollar_key: Style,
    pub string: Style,
    pub number: Style,
    pub boolean: Style,
    pub null: Style,
    /// A write PostHog has confirmed ("✓ saved").
    pub success: Style,
    /// A destructive button (Delete), and the same button with focus.
    pub danger: Style,
    pub danger_focused: Style,
    /// A button that cannot be pressed yet (invalid input, nothing typed).
    pub disabled: Style,
    /// Lines of a diff: added, changed and removed properties.
    pub added: Style,
    pub changed: Style,
    pub removed: Style,
    /// A list row whose deletion is counting down or in flight.
    pub doomed: Style,
}

impl Default for Theme {
    /// The dark theme.
    fn default() -> Self {
        let fg = |c: Color| Style::new().fg(c);
        Self {
            text: Style::new(),
            muted: fg(Color::DarkGray),
            accent: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            heading: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            border_focused: fg(Color::Yellow),
            border: fg(Color::DarkGray),
            title: Style::new().add_modifier(Modifier::BOLD),
            selection: Style::new().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD),
            selection_unfocused: Style::new().bg(Color::DarkGray).fg(Color::White),
            header: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            info: fg(Color::Green),
            warn: fg(Color::Yellow),
            error: fg(Color::Red).add_modifier(Modifier::BOLD),
            badge: Style::new().bg(Color::Magenta).fg(Color::White).add_modifier(Modifier::BOLD),
            key: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            dollar_key: fg(Color::DarkGray),
            string: fg(Color::Green),
            number: fg(Color::Cyan),
            boolean: fg(Color::Magenta),
            null: fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
            success: fg(Color::Green),
            danger: fg(Color::Red).add_modifier(Modifier::BOLD),
            danger_focused: Style::new().bg(Color::Red).fg(Color::White).add_modifier(Modifier::BOLD),
            disabled: fg(Color::DarkGray).add_modifier(Modifier::DIM),
            added: fg(Color::Green),
            changed: fg(Color::Yellow),
            removed: fg(Color::Red),
            doomed: fg(Color::DarkGray).add_modifier(Modifier::CROSSED_OUT),
        }
    }
}

impl Theme {
    /// No colour: bold, dim and reverse only.
    pub fn plain() -> Self {
        let m = |m: Modifier| Style::new().add_modifier(m);
        Self {
            text: Style::new(),
            muted: m(Modifier::DIM),
            accent: m(Modifier::BOLD),
            heading: m(Modifier::BOLD | Modifier::UNDERLINED),
            border_focused: m(Modifier::BOLD),
            border: m(Modifier::DIM),
            title: m(Modifier::BOLD),
            selection: m(Modifier::REVERSED | Modifier::BOLD),
            selection_unfocused: m(Modifier::REVERSED),
            header: m(Modifier::BOLD),
            info: Style::new(),
            warn: m(Modifier::BOLD),
            error: m(Modifier::BOLD),
            badge: m(Modifier::REVERSED | Modifier::BOLD),
            key: m(Modifier::BOLD),
            dollar_key: m(Modifier::DIM),
            string: Style::new(),
            number: Style::new(),
            boolean: Style::new(),
            null: m(Modifier::DIM),
            success: Style::new(),
            danger: m(Modifier::BOLD),
            danger_focused: m(Modifier::REVERSED | Modifier::BOLD),
            disabled: m(Modifier::DIM),
            added: Style::new(),
            changed: Style::new(),
            removed: Style::new(),
            doomed: m(Modifier::DIM | Modifier::CROSSED_OUT),
        }
    }

    /// The colour of a message of this level.
    pub fn level(&self, level: Level) -> Style {
        match level {
            Level::Info => self.info,
            Level::Warn => self.warn,
            Level::Error => self.error,
        }
    }
}
