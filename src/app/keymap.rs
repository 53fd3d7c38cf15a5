//! The effective keymap: the registry's default keys with the config file's `[keys]` overrides
//! applied. Key lookup, the hint bar and the help overlay all read it, so what is shown is what
//! works. A key bound to two actions in one place is a *conflict*: it is reported at startup and
//! resolved predictably — a key from the config file beats a default one, a context's own binding
//! beats a global one, then registry order.
use super::actions::{Action, ActionSpec, Context, KeySpec, REGISTRY};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

/// Every context, in help order.
pub const CONTEXTS: [Context; 6] = [
    Context::Global,
    Context::List,
    Context::Inspector,
    Context::History,
    Context::Overlay,
    Context::Welcome,
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    /// Effective keys per registry row (parallel to [`REGISTRY`]).
    keys: Vec<Vec<KeySpec>>,
    /// Rows whose keys come from the config file.
    custom: Vec<bool>,
    /// One sentence per conflict, for the startup report.
    pub conflicts: Vec<String>,
    /// Per (context, read-only): each row's keys that really trigger it there (computed once;
    /// the hint bar reads it every frame).
    effective: std::collections::HashMap<(Context, bool), Vec<Vec<KeySpec>>>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self {
            keys: REGISTRY.iter().map(|s| s.keys.to_vec()).collect(),
            custom: vec![false; REGISTRY.len()],
            conflicts: Vec::new(),
            effective: Default::default(),
        }
        .finish()
    }
}

/// An override that cannot be used: the action or a key is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeymapError {
    /// The action name as written in `[keys]`.
    pub action: String,
    pub message: String,
}

impl std::fmt::Display for KeymapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "keys.{}: {}", crate::text::sanitize(&self.action), self.message)
    }
}

impl Keymap {
    /// The defaults with `overrides` (action name → keys) applied; every row of that action gets
    /// the new keys. Conflicts are collected in [`Keymap::conflicts`].
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::default();
        for (name, keys) in overrides {
            let Some(action) = Action::from_id(name) else {
                let known: Vec<&str> = Action::ids().collect();
                return Err(KeymapError {
                    action: name.clone(),
                    message: format!("unknown action; known actions: {}", known.join(", ")),
                });
            };
            let parsed = keys
                .iter()
                .map(|k| KeySpec::parse(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|message| KeymapError { action: name.clone(), message })?;
            if action != Action::ForceQuit && parsed.contains(&KeySpec::ctrl('c')) {
                return Err(KeymapError {
                    action: name.clone(),
                    message: "ctrl-c always quits hogdex; choose another key".into(),
                });
            }
            if parsed.is_empty() {
                return Err(KeymapError {
                    action: name.clone(),
                    message: "give at least one key (e.g. \"x\" or [\"x\", \"ctrl-x\"])".into(),
                });
            }
            for (i, spec) in REGISTRY.iter().enumerate() {
                if spec.action == action {
                    map.keys[i] = parsed.clone();
                    map.custom[i] = true;
                }
            }
        }
        map.conflicts = map.find_conflicts();
        Ok(map.finish())
    }

    /// Computes the effective keys of every row in every context.
    fn finish(mut self) -> Self {
        let mut effective = std::collections::HashMap::new();
        for ctx in CONTEXTS {
            for read_only in [false, true] {
                let rows = (0..REGISTRY.len()).map(|i| self.compute_effective(i, ctx, read_only)).collect();
                effective.insert((ctx, read_only), rows);
            }
        }
        self.effective = effective;
        self
    }

    /// Whether `action` sends writes (it is removed in read-only mode).
    pub fn is_write(&self, action: Action) -> bool {
        REGISTRY.iter().any(|s| s.action == action && s.write)
    }

    /// The action a key means in `ctx`.
    pub fn action_for(&self, key: &KeyEvent, ctx: Context, read_only: bool) -> Option<Action> {
        self.row_for(key, ctx, read_only).map(|i| REGISTRY[i].action)
    }

    /// The registry row a key triggers in `ctx`: custom bindings first, then the context's own
    /// before global ones, then registry order.
    fn row_for(&self, key: &KeyEvent, ctx: Context, read_only: bool) -> Option<usize> {
        let global = inherits_global(ctx);
        let rank = |i: usize| {
            let s = &REGISTRY[i];
            let own = s.contexts.contains(&ctx);
            if !(own || (global && s.contexts.contains(&Context::Global))) {
                return None;
            }
            if (read_only && s.write) || !self.keys[i].iter().any(|k| k.matches(key)) {
                return None;
            }
            Some((!self.custom[i], !own, i))
        };
        (0..REGISTRY.len()).filter_map(rank).min().map(|(_, _, i)| i)
    }

    /// The rows that apply in `ctx` (its own first, then global ones), each with the keys that
    /// really trigger it there; rows left with no key are dropped.
    pub fn for_context(&self, ctx: Context, read_only: bool) -> Vec<(&'static ActionSpec, &[KeySpec])> {
        let own = (0..REGISTRY.len()).filter(|&i| REGISTRY[i].contexts.contains(&ctx));
        let global = (0..REGISTRY.len()).filter(|&i| {
            let c = REGISTRY[i].contexts;
            inherits_global(ctx) && c.contains(&Context::Global) && !c.contains(&ctx)
        });
        own.chain(global)
            .filter(|&i| !(read_only && REGISTRY[i].write))
            .filter_map(|i| {
                let keys = self.effective(i, ctx, read_only);
                (!keys.is_empty()).then(|| (&REGISTRY[i], keys))
            })
            .collect()
    }

    /// The rows listed under `ctx` in help (only rows of that context), with their keys there.
    pub fn rows_of(&self, ctx: Context, read_only: bool) -> Vec<(&'static ActionSpec, &[KeySpec])> {
        (0..REGISTRY.len())
            .filter(|&i| REGISTRY[i].contexts.contains(&ctx) && !(read_only && REGISTRY[i].write))
            .filter_map(|i| {
                let keys = self.effective(i, ctx, read_only);
                (!keys.is_empty()).then(|| (&REGISTRY[i], keys))
            })
            .collect()
    }

    /// Row `i`'s keys that trigger it in `ctx` (a key taken by a stronger binding is left out).
    fn effective(&self, i: usize, ctx: Context, read_only: bool) -> &[KeySpec] {
        // `finish` filled every (context, read-only) pair.
        self.effective.get(&(ctx, read_only)).map_or(&[], |rows| &rows[i])
    }

    fn compute_effective(&self, i: usize, ctx: Context, read_only: bool) -> Vec<KeySpec> {
        self.keys[i].iter().copied().filter(|k| self.row_for(&k.event(), ctx, read_only) == Some(i)).collect()
    }

    /// `j/↓`-style label of the keys that trigger `action` in `ctx`, or `None` when no key does.
    pub fn label(&self, action: Action, ctx: Context) -> Option<String> {
        let keys: Vec<KeySpec> = (0..REGISTRY.len())
            .filter(|&i| REGISTRY[i].action == action)
            .flat_map(|i| self.effective(i, ctx, false).iter().copied())
            .collect();
        (!keys.is_empty()).then(|| label(&keys))
    }

    /// The first key of `action` in `ctx`, for inline prompts ("u to undo"); falls back to the
    /// palette when no key is left.
    pub fn first_key(&self, action: Action, ctx: Context) -> String {
        (0..REGISTRY.len())
            .filter(|&i| REGISTRY[i].action == action)
            .find_map(|i| self.effective(i, ctx, false).first().map(ToString::to_string))
            .unwrap_or_else(|| format!("(no key: set keys.{})", action.id()))
    }

    fn find_conflicts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for ctx in CONTEXTS {
            let rows: Vec<usize> = (0..REGISTRY.len())
                .filter(|&i| {
                    let c = REGISTRY[i].contexts;
                    c.contains(&ctx) || inherits_global(ctx) && c.contains(&Context::Global)
                })
                .collect();
            for (n, &a) in rows.iter().enumerate() {
                for &b in &rows[n + 1..] {
                    if REGISTRY[a].action == REGISTRY[b].action {
                        continue;
                    }
                    for k in self.keys[a].iter().filter(|k| self.keys[b].contains(k)) {
                        let Some(winner) = self.row_for(&k.event(), ctx, false) else { continue };
                        let line = format!(
                            "key `{k}` is bound to both {} and {} in {}; {} wins there",
                            REGISTRY[a].action.id(),
                            REGISTRY[b].action.id(),
                            ctx.title().to_lowercase(),
                            REGISTRY[winner].action.id(),
                        );
                        if !out.contains(&line) {
                            out.push(line);
                        }
                    }
                }
            }
        }
        out
    }
}

/// Whether global bindings apply in `ctx` (not on the welcome screen or inside an overlay).
pub fn inherits_global(ctx: Context) -> bool {
    !matches!(ctx, Context::Welcome | Context::Overlay)
}

/// `j/↓` style key list.
pub fn label(keys: &[KeySpec]) -> String {
    keys.iter().map(ToString::to_string).collect::<Vec<_>>().join("/")
}

impl KeySpec {
    /// The key event this key stands for.
    pub fn event(&self) -> KeyEvent {
        let mut mods = if self.ctrl { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
        if self.code == KeyCode::BackTab || matches!(self.code, KeyCode::Char(c) if c.is_uppercase()) {
            mods |= KeyModifiers::SHIFT;
        }
        KeyEvent::new(self.code, mods)
    }

    /// Parses a key as written in the config file: a single character (`x`, `D`, `$`), a named
    /// key (`Enter`, `Esc`, `Tab`, `shift-Tab`, `space`, `up`/`↑`, `PgDn`, `Delete`, `F1`…), or
    /// `ctrl-` before either.
    pub fn parse(text: &str) -> Result<KeySpec, String> {
        let bad = || {
            format!(
                "cannot read the key `{}`: use one character (x, D, $), ctrl-x, or a named key \
                 (Enter Esc Tab shift-Tab space up down left right Home End PgUp PgDn Delete F1…F12)",
                crate::text::sanitize(&text.chars().take(40).collect::<String>())
            )
        };
        let trimmed = text.trim();
        let (ctrl, rest) = match trimmed.get(..5) {
            Some(p) if p.eq_ignore_ascii_case("ctrl-") || p.eq_ignore_ascii_case("ctrl+") => {
                (true, &trimmed[5..])
            }
            _ => (false, trimmed),
        };
        let mut chars = rest.chars();
        let arrow = matches!(rest, "↑" | "↓" | "←" | "→");
        if let (Some(c), None, false) = (chars.next(), chars.clone().next(), arrow) {
            if c.is_control() {
                return Err(bad());
            }
            if ctrl {
                return ctrl_letter(c);
            }
            return Ok(KeySpec { code: KeyCode::Char(c), ctrl });
        }

        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "shift-tab" | "shift+tab" | "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" | "↑" => KeyCode::Up,
            "down" | "↓" => KeyCode::Down,
            "left" | "←" => KeyCode::Left,
            "right" | "→" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "delete" | "del" => KeyCode::Delete,
            "backspace" => KeyCode::Backspace,
            f if f.starts_with('f') => match f[1..].parse::<u8>() {
                Ok(n @ 1..=12) => KeyCode::F(n),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        };
        if ctrl {
            return Err(format!(
                "ctrl-{rest} cannot be told apart from {rest} alone in most terminals; use ctrl with a letter"
            ));
        }
        Ok(KeySpec { code, ctrl })
    }
}

/// `ctrl-<c>`, when terminals can send it as its own key: letters only, and not the ones that
/// are Backspace, Tab, Enter or the line feed (ctrl-h, -i, -m, -j).
fn ctrl_letter(c: char) -> Result<KeySpec, String> {
    let c = c.to_ascii_lowercase();
    match c {
        'h' | 'i' | 'j' | 'm' => Err(format!(
            "ctrl-{c} reaches programs as {} in terminals; choose another key",
            match c {
                'h' => "Backspace",
                'i' => "Tab",
                _ => "Enter",
            }
        )),
        'a'..='z' => Ok(KeySpec::ctrl(c)),
        _ => Err(format!(
            "ctrl-{} does not reach programs as its own key in most terminals; use ctrl with a letter",
            crate::text::sanitize(&c.to_string())
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(c: char) -> KeyEvent {
        KeySpec::ch(c).event()
    }

    fn overrides(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs.iter().map(|(a, ks)| (a.to_string(), ks.iter().map(|k| k.to_string()).collect())).collect()
    }

    #[test]
    fn defaults_have_no_conflicts() {
        assert_eq!(Keymap::default().conflicts, Vec::<String>::new());
        assert_eq!(Keymap::with_overrides(&BTreeMap::new()).unwrap(), Keymap::default());
    }

    #[test]
    fn an_override_replaces_the_default_keys_everywhere() {
        let map = Keymap::with_overrides(&overrides(&[("search", &["f"])])).unwrap();
        assert!(map.conflicts.is_empty(), "{:?}", map.conflicts);
        for ctx in [Context::List, Context::Inspector] {
            assert_eq!(map.action_for(&ev('f'), ctx, false), Some(Action::Search), "{ctx:?}");
            assert_eq!(map.action_for(&ev('/'), ctx, false), None, "{ctx:?}: the old key is gone");
        }
        assert_eq!(map.label(Action::Search, Context::List).as_deref(), Some("f"));
    }

    #[test]
    fn a_conflict_is_reported_and_the_config_key_wins() {
        // `x` deletes events in the inspector by default; bind it to the mouse toggle (global).
        let map = Keymap::with_overrides(&overrides(&[("toggle_mouse", &["x"])])).unwrap();
        assert_eq!(map.action_for(&ev('x'), Context::Inspector, false), Some(Action::ToggleMouse));
        assert_eq!(map.conflicts.len(), 1, "{:?}", map.conflicts);
        let c = &map.conflicts[0];
        assert!(c.contains("`x`") && c.contains("delete_events") && c.contains("toggle_mouse"), "{c}");
        assert!(c.contains("inspector") && c.ends_with("toggle_mouse wins there"), "{c}");
        // Help shows the effective keys: delete_events has none left in the inspector.
        let rows = map.for_context(Context::Inspector, false);
        assert!(!rows.iter().any(|(s, _)| s.action == Action::DeleteEvents));
        assert!(rows.iter().any(|(s, k)| s.action == Action::ToggleMouse && k == &[KeySpec::ch('x')]));
        assert!(map.first_key(Action::DeleteEvents, Context::Inspector).contains("keys.delete_events"));
    }

    #[test]
    fn two_config_keys_on_one_key_is_a_conflict_in_registry_order() {
        let map = Keymap::with_overrides(&overrides(&[("refresh", &["z"]), ("help", &["z"])])).unwrap();
        assert!(!map.conflicts.is_empty());
        let got = map.action_for(&ev('z'), Context::List, false);
        let first = REGISTRY.iter().find(|s| matches!(s.action, Action::Refresh | Action::Help)).unwrap();
        assert_eq!(got, Some(first.action));
    }

    #[test]
    fn what_is_shown_is_what_works_after_overrides() {
        let map = Keymap::with_overrides(&overrides(&[
            ("quit", &["Q", "ctrl-q"]),
            ("delete_person", &["X", "Delete"]),
            ("down", &["n", "down"]),
        ]))
        .unwrap();
        for ctx in CONTEXTS {
            for (spec, keys) in map.for_context(ctx, false) {
                for k in keys {
                    assert_eq!(map.action_for(&k.event(), ctx, false), Some(spec.action), "{k} in {ctx:?}");
                }
            }
        }
        assert_eq!(map.action_for(&ev('q'), Context::List, false), None);
        assert_eq!(map.action_for(&KeySpec::ctrl('q').event(), Context::List, false), Some(Action::Quit));
        assert_eq!(map.action_for(&ev('D'), Context::List, false), None);
        assert_eq!(map.action_for(&ev('X'), Context::List, true), None, "read-only still removes writes");
    }

    #[test]
    fn bad_overrides_name_the_action() {
        let e = Keymap::with_overrides(&overrides(&[("delete_everything", &["x"])])).unwrap_err();
        assert_eq!(e.action, "delete_everything");
        assert!(e.message.contains("delete_person"), "{e}");
        let e = Keymap::with_overrides(&overrides(&[("quit", &["ctrl-shift-banana"])])).unwrap_err();
        assert!(e.to_string().starts_with("keys.quit: cannot read the key"), "{e}");
        let e = Keymap::with_overrides(&overrides(&[("copy_value", &["ctrl-c"])])).unwrap_err();
        assert!(e.message.contains("ctrl-c always quits"), "{e}");
        assert!(Keymap::with_overrides(&overrides(&[("force_quit", &["ctrl-c", "ctrl-q"])])).is_ok());
        let e = Keymap::with_overrides(&overrides(&[("quit", &[])])).unwrap_err();
        assert!(e.message.contains("at least one key"), "{e}");
    }

    #[test]
    fn key_names_round_trip() {
        for spec in REGISTRY.iter().flat_map(|s| s.keys) {
            assert_eq!(KeySpec::parse(&spec.to_string()), Ok(*spec), "{spec}");
        }
        assert_eq!(KeySpec::parse("CTRL-X"), Ok(KeySpec::ctrl('x')));
        assert_eq!(KeySpec::parse("F12"), Ok(KeySpec::code(KeyCode::F(12))));
        assert!(KeySpec::parse("F13").is_err());
        for unreachable in
            ["ctrl-m", "ctrl-i", "ctrl-h", "ctrl-j", "ctrl-[", "ctrl-/", "ctrl-Enter", "ctrl-Tab"]
        {
            assert!(KeySpec::parse(unreachable).is_err(), "{unreachable}");
        }
        assert_eq!(KeySpec::parse("ctrl-X"), Ok(KeySpec::ctrl('x')));
        assert!(KeySpec::parse("\u{1b}").is_err());
        assert!(KeySpec::parse("").is_err());
    }

    #[test]
    fn every_action_has_a_unique_id() {
        let ids: Vec<&str> = Action::ids().collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
        for s in REGISTRY {
            assert_eq!(Action::from_id(s.action.id()), Some(s.action));
        }
    }
}
