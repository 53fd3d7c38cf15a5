//! The action registry: every action's id, default keys, description and where it applies. The
//! keymap, the hint bar, the help overlay and read-only gating all read this one table.
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

/// Where the user is: decides which actions a key means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    /// Applies everywhere below (unless a text field has focus).
    Global,
    List,
    Inspector,
    /// Overlays: help, messages, value detail.
    Overlay,
    /// The timeline, activity, events and cohorts tabs.
    History,
    Welcome,
}

impl Context {
    pub fn title(&self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Person list",
            Context::Inspector => "Inspector",
            Context::Overlay => "Overlays",
            Context::History => "Timeline, activity, events, cohorts",
            Context::Welcome => "Welcome",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    ForceQuit,
    Help,
    Palette,
    Refresh,
    NextPane,
    PrevPane,
    FocusList,
    FocusInspector,
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    Search,
    Open,
    Back,
    Expand,
    Collapse,
    ToggleDollar,
    CopyValue,
    CopyJson,
    CopyDistinctIds,
    StartDemo,
    Mark,
    Undo,
    EditProperty,
    AddProperty,
    DeleteProperty,
    EditJson,
    DeletePerson,
    DeleteEvents,
    Split,
    FocusTimeline,
    FocusActivity,
    FocusEvents,
    FocusCohorts,
    RangeWider,
    RangeNarrower,
    OpenInBrowser,
    ToggleMouse,
    PickProfile,
}

impl Action {
    /// Every action.
    pub const ALL: &[Action] = &[
        Action::Quit,
        Action::ForceQuit,
        Action::Help,
        Action::Palette,
        Action::Refresh,
        Action::NextPane,
        Action::PrevPane,
        Action::FocusList,
        Action::FocusInspector,
        Action::Down,
        Action::Up,
        Action::Top,
        Action::Bottom,
        Action::PageDown,
        Action::PageUp,
        Action::Search,
        Action::Open,
        Action::Back,
        Action::Expand,
        Action::Collapse,
        Action::ToggleDollar,
        Action::CopyValue,
        Action::CopyJson,
        Action::CopyDistinctIds,
        Action::StartDemo,
        Action::Mark,
        Action::Undo,
        Action::EditProperty,
        Action::AddProperty,
        Action::DeleteProperty,
        Action::EditJson,
        Action::DeletePerson,
        Action::DeleteEvents,
        Action::Split,
        Action::FocusTimeline,
        Action::FocusActivity,
        Action::FocusEvents,
        Action::FocusCohorts,
        Action::RangeWider,
        Action::RangeNarrower,
        Action::OpenInBrowser,
        Action::ToggleMouse,
        Action::PickProfile,
    ];

    /// The action's name in the config file's `[keys]` table.
    pub fn id(&self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::ForceQuit => "force_quit",
            Action::Help => "help",
            Action::Palette => "palette",
            Action::Refresh => "refresh",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::FocusList => "focus_list",
            Action::FocusInspector => "focus_inspector",
            Action::Down => "down",
            Action::Up => "up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Search => "search",
            Action::Open => "open",
            Action::Back => "back",
            Action::Expand => "expand",
            Action::Collapse => "collapse",
            Action::ToggleDollar => "toggle_dollar",
            Action::CopyValue => "copy_value",
            Action::CopyJson => "copy_json",
            Action::CopyDistinctIds => "copy_distinct_ids",
            Action::StartDemo => "start_demo",
            Action::Mark => "mark",
            Action::Undo => "undo",
            Action::EditProperty => "edit_property",
            Action::AddProperty => "add_property",
            Action::DeleteProperty => "delete_property",
            Action::EditJson => "edit_json",
            Action::DeletePerson => "delete_person",
            Action::DeleteEvents => "delete_events",
            Action::Split => "split",
            Action::FocusTimeline => "focus_timeline",
            Action::FocusActivity => "focus_activity",
            Action::FocusEvents => "focus_events",
            Action::FocusCohorts => "focus_cohorts",
            Action::RangeWider => "range_wider",
            Action::RangeNarrower => "range_narrower",
            Action::OpenInBrowser => "open_in_browser",
            Action::ToggleMouse => "toggle_mouse",
            Action::PickProfile => "pick_profile",
        }
    }

    pub fn from_id(id: &str) -> Option<Action> {
        Self::ALL.iter().copied().find(|a| a.id() == id.trim())
    }

    /// Every action name.
    pub fn ids() -> impl Iterator<Item = &'static str> {
        Self::ALL.iter().map(Action::id)
    }
}

/// One key, as written in help texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl KeySpec {
    pub const fn ch(c: char) -> Self {
        Self { code: KeyCode::Char(c), ctrl: false }
    }
    pub const fn ctrl(c: char) -> Self {
        Self { code: KeyCode::Char(c), ctrl: true }
    }
    pub const fn code(code: KeyCode) -> Self {
        Self { code, ctrl: false }
    }

    /// Whether a key event is this key (shift is part of the character for letters).
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl != self.ctrl {
            return false;
        }
        match (self.code, key.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => a == b,
            (KeyCode::BackTab, KeyCode::BackTab) => true,
            (KeyCode::BackTab, KeyCode::Tab) => key.modifiers.contains(KeyModifiers::SHIFT),
            (a, b) => a == b && !(a == KeyCode::Tab && key.modifiers.contains(KeyModifiers::SHIFT)),
        }
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("shift-Tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

pub struct ActionSpec {
    pub action: Action,
    pub keys: &'static [KeySpec],
    pub desc: &'static str,
    pub contexts: &'static [Context],
    /// Shown in the hint bar of its contexts.
    pub hint: bool,
    /// Sends a write to PostHog: removed entirely in read-only mode.
    pub write: bool,
}

use Context as C;
use KeySpec as K;

const NAV: &[Context] = &[C::List, C::Inspector, C::Overlay, C::History];

/// Every action hogdex knows, in help order.
pub static REGISTRY: &[ActionSpec] = &[
    spec(Action::Down, &[K::ch('j'), K::code(KeyCode::Down)], "move down", NAV, false),
    spec(Action::Up, &[K::ch('k'), K::code(KeyCode::Up)], "move up", NAV, false),
    spec(Action::Top, &[K::ch('g'), K::code(KeyCode::Home)], "go to top", NAV, false),
    spec(Action::Bottom, &[K::ch('G'), K::code(KeyCode::End)], "go to bottom", NAV, false),
    spec(Action::PageDown, &[K::ctrl('d'), K::code(KeyCode::PageDown)], "page down", NAV, false),
    spec(Action::PageUp, &[K::ctrl('u'), K::code(KeyCode::PageUp)], "page up", NAV, false),
    spec(Action::Search, &[K::ch('/')], "search persons", &[C::List], true),
    spec(Action::Open, &[K::code(KeyCode::Enter)], "open person", &[C::List], true),
    spec(Action::Search, &[K::ch('/')], "filter properties", &[C::Inspector], true),
    spec(Action::Search, &[K::ch('/')], "filter the choices (:profile, :project)", &[C::Overlay], false),
    spec(Action::Open, &[K::code(KeyCode::Enter)], "expand / show full value", &[C::Inspector], true),
    spec(Action::Expand, &[K::ch('l'), K::code(KeyCode::Right)], "expand", &[C::Inspector], false),
    spec(Action::Collapse, &[K::ch('h'), K::code(KeyCode::Left)], "collapse", &[C::Inspector], false),
    spec(Action::ToggleDollar, &[K::ch('$')], "hide/show $-properties", &[C::Inspector], true),
    spec(Action::CopyValue, &[K::ch('y')], "copy UUID", &[C::List], true),
    spec(Action::CopyValue, &[K::ch('y')], "copy value / id", &[C::Inspector], true),
    spec(Action::CopyJson, &[K::ch('Y')], "copy person as JSON", &[C::List, C::Inspector], false),
    spec(Action::CopyDistinctIds, &[K::ch('c')], "copy distinct ids", &[C::List, C::Inspector], false),
    wspec(Action::EditProperty, &[K::ch('e')], "edit property", &[C::Inspector], true),
    wspec(Action::AddProperty, &[K::ch('a')], "add property", &[C::Inspector], true),
    wspec(Action::DeleteProperty, &[K::ch('d')], "delete property", &[C::Inspector], false),
    wspec(Action::EditJson, &[K::ch('E')], "edit all properties as JSON", &[C::Inspector], false),
    wspec(Action::Split, &[K::ch('S')], "split distinct ids", &[C::Inspector], false),
    wspec(Action::DeleteEvents, &[K::ch('x')], "delete events (keep person)", &[C::Inspector], false),
    wspec(Action::Mark, &[K::ch(' ')], "mark / unmark", &[C::List], false),
    wspec(
        Action::DeletePerson,
        &[K::ch('D'), K::code(KeyCode::Delete)],
        "delete person(s)",
        &[C::List, C::Inspector],
        true,
    ),
    wspec(Action::Undo, &[K::ch('u')], "undo a pending deletion", &[C::List, C::Inspector], false),
    wspec(Action::Undo, &[K::ch('u')], "journal: restore the previous value", &[C::Overlay], false),
    spec(Action::Back, &[K::code(KeyCode::Esc)], "back / clear", &[C::List, C::Inspector, C::Overlay], false),
    spec(Action::NextPane, &[K::code(KeyCode::Tab)], "next pane", &[C::Global], false),
    spec(Action::PrevPane, &[K::code(KeyCode::BackTab)], "previous pane", &[C::Global], false),
    spec(Action::FocusList, &[K::ch('1')], "person list", &[C::Global], false),
    spec(Action::FocusInspector, &[K::ch('2')], "properties", &[C::Global], false),
    spec(Action::FocusTimeline, &[K::ch('3')], "properties timeline", &[C::Global], false),
    spec(Action::FocusActivity, &[K::ch('4')], "activity", &[C::Global], false),
    spec(Action::FocusEvents, &[K::ch('5')], "recent events", &[C::Global], false),
    spec(Action::FocusCohorts, &[K::ch('6')], "cohorts", &[C::Global], false),
    spec(
        Action::Open,
        &[K::code(KeyCode::Enter)],
        "open the entry's person (:activity)",
        &[C::Overlay],
        false,
    ),
    spec(Action::RangeWider, &[K::ch(']')], "wider time range", &[C::History], true),
    spec(Action::RangeNarrower, &[K::ch('[')], "narrower time range", &[C::History], true),
    spec(Action::Open, &[K::code(KeyCode::Enter)], "show details", &[C::History], true),
    spec(
        Action::OpenInBrowser,
        &[K::ch('o')],
        "open the person in PostHog's web app",
        &[C::List, C::Inspector, C::History],
        false,
    ),
    spec(Action::ToggleMouse, &[K::ch('m')], "mouse on/off (click, wheel)", &[C::Global], false),
    spec(Action::Refresh, &[K::ch('r'), K::ctrl('r')], "refresh / retry", &[C::Global], true),
    spec(Action::Palette, &[K::ch(':')], "command palette", &[C::Global], true),
    spec(Action::Help, &[K::ch('?'), K::code(KeyCode::F(1))], "help", &[C::Global, C::Welcome], true),
    spec(Action::StartDemo, &[K::ch('d')], "try the demo sandbox", &[C::Welcome], true),
    spec(Action::PickProfile, &[K::ch('p')], "use a profile of the config file", &[C::Welcome], false),
    spec(Action::Quit, &[K::ch('q')], "back / quit", &[C::Global, C::Overlay, C::Welcome], true),
    spec(Action::ForceQuit, &[K::ctrl('c')], "quit now", &[C::Global, C::Overlay, C::Welcome], false),
];

const fn spec(
    action: Action,
    keys: &'static [KeySpec],
    desc: &'static str,
    contexts: &'static [Context],
    hint: bool,
) -> ActionSpec {
    ActionSpec { action, keys, desc, contexts, hint, write: false }
}

const fn wspec(
    action: Action,
    keys: &'static [KeySpec],
    desc: &'static str,
    contexts: &'static [Context],
    hint: bool,
) -> ActionSpec {
    ActionSpec { action, keys, desc, contexts, hint, write: true }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::Keymap;

    fn action_for(key: &KeyEvent, ctx: Context, read_only: bool) -> Option<Action> {
        Keymap::default().action_for(key, ctx, read_only)
    }

    fn for_context(ctx: Context, read_only: bool) -> Vec<&'static ActionSpec> {
        Keymap::default().for_context(ctx, read_only).into_iter().map(|(s, _)| s).collect()
    }

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn context_bindings_then_global() {
        let j = key(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(action_for(&j, Context::List, false), Some(Action::Down));
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(&q, Context::Inspector, false), Some(Action::Quit));
        let big_g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action_for(&big_g, Context::List, false), Some(Action::Bottom));
        let ctrl_d = key(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(
            action_for(&ctrl_d, Context::List, false),
            Some(Action::PageDown),
            "ctrl-d pages, never deletes"
        );
        let back_tab = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(action_for(&back_tab, Context::List, false), Some(Action::PrevPane));
        let d = key(KeyCode::Char('d'), KeyModifiers::NONE);
        assert_eq!(action_for(&d, Context::Welcome, false), Some(Action::StartDemo));
        assert_eq!(action_for(&d, Context::List, false), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for ctx in [Context::List, Context::Inspector, Context::Overlay, Context::Welcome, Context::History] {
            let specs = for_context(ctx, false);
            for (i, a) in specs.iter().enumerate() {
                for b in &specs[i + 1..] {
                    for k in a.keys {
                        assert!(!b.keys.contains(k) || a.action == b.action, "{k} bound twice in {ctx:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn what_is_shown_is_what_works() {
        for ctx in [Context::List, Context::Inspector, Context::Overlay, Context::Welcome] {
            for spec in for_context(ctx, false) {
                for k in spec.keys {
                    let mods = if k.ctrl { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
                    let ev = key(k.code, mods);
                    assert_eq!(action_for(&ev, ctx, false), Some(spec.action), "{k} in {ctx:?}");
                }
            }
        }
    }

    #[test]
    fn read_only_removes_every_write_key() {
        let d = key(KeyCode::Char('D'), KeyModifiers::SHIFT);
        assert_eq!(action_for(&d, Context::List, false), Some(Action::DeletePerson));
        assert_eq!(action_for(&d, Context::List, true), None);
        for ctx in [Context::List, Context::Inspector] {
            assert!(for_context(ctx, true).iter().all(|s| !s.write), "{ctx:?}");
            assert!(for_context(ctx, false).iter().any(|s| s.write), "{ctx:?}");
        }
    }

    #[test]
    fn labels() {
        let down = REGISTRY.iter().find(|s| s.action == Action::Down).unwrap();
        assert_eq!(crate::app::keymap::label(down.keys), "j/↓");
        assert_eq!(KeySpec::ctrl('d').to_string(), "ctrl-d");
    }
}
