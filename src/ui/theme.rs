//! Styles by meaning (selection, muted, danger …), never by widget.
//!
//! - `Theme::dark()` is the default (`Theme::default()`): tuned for a dark terminal background.
//! - `Theme::light()` is for light backgrounds: dark foregrounds only, never white or grey text that
//!   would vanish on white; anything drawn in white sits on its own coloured background.
//! - `Theme::high_contrast()` is bright and bold, with strong backgrounds for the selection and
//!   destructive buttons, no dark-grey or dim text, and a focus border that cannot be missed.
//! - `Theme::plain()` uses no colour at all, only bold/dim/reverse, so every state stays readable
//!   under `NO_COLOR`.
//!
//! `Theme::named` picks one by name (`THEME_NAMES`). Every slot's style can then be replaced from the
//! config's `[colors]` table (`Theme::with_colors`), keyed by slot name (`SLOTS`), with a spec such as
//! `"white on blue bold"` (grammar in `parse_style`).
use crate::app::Level;
use ratatui::style::{Color, Modifier, Style};
use std::collections::BTreeMap;
use std::fmt;

mod spec;
use spec::ECHO_MAX;
pub use spec::parse_style;

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

/// Declares the slot list once, for `SLOTS`, `Theme::slots` and `Theme::slot_mut`. The patterns
/// destructure `Theme` without `..`, so a field added to the struct but not here fails to compile.
macro_rules! theme_slots {
    ($($slot:ident),+ $(,)?) => {
        /// Every slot of a theme: the keys accepted in the config's `[colors]` table, exactly the
        /// field names of `Theme`.
        pub const SLOTS: &[&str] = &[$(stringify!($slot)),+];

        impl Theme {
            /// Every slot with its style, in `SLOTS` order.
            #[cfg_attr(not(test), expect(dead_code, reason = "the tests walk every slot through this"))]
            fn slots(&self) -> Vec<(&'static str, Style)> {
                let Theme { $($slot),+ } = *self;
                vec![$((stringify!($slot), $slot)),+]
            }

            /// The slot called `name` (exactly as in `SLOTS`).
            fn slot_mut(&mut self, name: &str) -> Option<&mut Style> {
                let Theme { $($slot),+ } = self;
                match name {
                    $(stringify!($slot) => Some($slot),)+
                    _ => None,
                }
            }
        }
    };
}

theme_slots!(
    text,
    muted,
    accent,
    heading,
    border_focused,
    border,
    title,
    selection,
    selection_unfocused,
    header,
    info,
    warn,
    error,
    badge,
    key,
    dollar_key,
    string,
    number,
    boolean,
    null,
    success,
    danger,
    danger_focused,
    disabled,
    added,
    changed,
    removed,
    doomed,
);

/// The built-in themes `Theme::named` knows (it also accepts `plain`/`none`).
pub const THEME_NAMES: &[&str] = &["dark", "light", "high-contrast"];

impl Default for Theme {
    /// The dark theme.
    fn default() -> Self {
        Self::dark()
    }
}

impl Theme {
    /// For dark terminal backgrounds; the default.
    pub fn dark() -> Self {
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

    /// For light terminal backgrounds: text in the terminal's own (dark) foreground or in dark
    /// colours; no white, grey, yellow or light-* text on the terminal background. White appears
    /// only on a dark background of its own (selection, badge, focused Delete).
    pub fn light() -> Self {
        let fg = |c: Color| Style::new().fg(c);
        let bold = |c: Color| Style::new().fg(c).add_modifier(Modifier::BOLD);
        let on = |bg: Color, fg: Color| Style::new().bg(bg).fg(fg);
        Self {
            text: Style::new(),
            muted: fg(Color::DarkGray),
            accent: bold(Color::Blue),
            heading: bold(Color::Magenta),
            border_focused: bold(Color::Blue),
            border: fg(Color::DarkGray),
            title: Style::new().add_modifier(Modifier::BOLD),
            selection: on(Color::Blue, Color::White).add_modifier(Modifier::BOLD),
            selection_unfocused: on(Color::Gray, Color::Black),
            header: bold(Color::Blue),
            info: fg(Color::Green),
            warn: bold(Color::Magenta),
            error: bold(Color::Red),
            badge: on(Color::Magenta, Color::White).add_modifier(Modifier::BOLD),
            key: bold(Color::Blue),
            dollar_key: fg(Color::DarkGray),
            string: fg(Color::Green),
            number: fg(Color::Blue),
            boolean: fg(Color::Magenta),
            null: fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
            success: fg(Color::Green),
            danger: bold(Color::Red),
            danger_focused: on(Color::Red, Color::White).add_modifier(Modifier::BOLD),
            disabled: fg(Color::DarkGray),
            added: fg(Color::Green),
            changed: fg(Color::Blue),
            removed: fg(Color::Red),
            doomed: fg(Color::DarkGray).add_modifier(Modifier::CROSSED_OUT),
        }
    }

    /// Bright, bold colours for a dark background; strong backgrounds for the selection and the
    /// destructive button; no dark-grey or dim text (muted is grey); a bold bright-yellow focus
    /// border against grey ones.
    pub fn high_contrast() -> Self {
        let fg = |c: Color| Style::new().fg(c);
        let bold = |c: Color| Style::new().fg(c).add_modifier(Modifier::BOLD);
        let on = |bg: Color, fg: Color| Style::new().bg(bg).fg(fg).add_modifier(Modifier::BOLD);
        Self {
            text: Style::new(),
            muted: fg(Color::Gray),
            accent: bold(Color::LightYellow),
            heading: bold(Color::LightCyan).add_modifier(Modifier::UNDERLINED),
            border_focused: bold(Color::LightYellow),
            border: fg(Color::Gray),
            title: bold(Color::White),
            selection: on(Color::LightYellow, Color::Black),
            selection_unfocused: on(Color::Gray, Color::Black),
            header: bold(Color::White).add_modifier(Modifier::UNDERLINED),
            info: bold(Color::LightGreen),
            warn: bold(Color::LightYellow),
            error: bold(Color::LightRed),
            badge: on(Color::LightMagenta, Color::Black),
            key: bold(Color::LightYellow),
            dollar_key: fg(Color::LightBlue),
            string: fg(Color::LightGreen),
            number: fg(Color::LightCyan),
            boolean: fg(Color::LightMagenta),
            null: fg(Color::Gray).add_modifier(Modifier::ITALIC),
            success: bold(Color::LightGreen),
            danger: bold(Color::LightRed).add_modifier(Modifier::UNDERLINED),
            danger_focused: on(Color::Red, Color::White),
            disabled: fg(Color::Gray).add_modifier(Modifier::ITALIC),
            added: bold(Color::LightGreen),
            changed: bold(Color::LightYellow),
            removed: bold(Color::LightRed),
            doomed: fg(Color::Gray).add_modifier(Modifier::CROSSED_OUT),
        }
    }

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

    /// The theme called `name` (one of `THEME_NAMES`, or `plain`/`none` for no colour).
    /// Case-insensitive; `_` and `-` are interchangeable (`high_contrast`).
    pub fn named(name: &str) -> Option<Theme> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "dark" => Some(Self::dark()),
            "light" => Some(Self::light()),
            "high-contrast" => Some(Self::high_contrast()),
            "plain" | "none" => Some(Self::plain()),
            _ => None,
        }
    }

    /// This theme with each slot named in `colors` (the config's `[colors]` table) replaced by its
    /// parsed spec (see `parse_style`). Slot names are those in `SLOTS`; `-` may stand for `_` and
    /// case is ignored. The first bad entry, in key order, is the error.
    pub fn with_colors(mut self, colors: &BTreeMap<String, String>) -> Result<Theme, ColorError> {
        for (slot, spec) in colors {
            let name = slot.trim().to_ascii_lowercase().replace('-', "_");
            let shown = crate::text::fit(slot, ECHO_MAX);
            let Some(target) = self.slot_mut(&name) else {
                return Err(ColorError {
                    message: format!("unknown colour slot `{shown}`; known: {}", SLOTS.join(", ")),
                    slot: shown,
                });
            };
            *target = parse_style(spec).map_err(|message| ColorError { slot: shown, message })?;
        }
        Ok(self)
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

/// A bad entry in the config's `[colors]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColorError {
    /// The key as written (sanitized, cut to a readable length).
    pub slot: String,
    pub message: String,
}

impl fmt::Display for ColorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "colors.{}: {}", self.slot, self.message)
    }
}

impl std::error::Error for ColorError {}

#[cfg(test)]
mod tests;
