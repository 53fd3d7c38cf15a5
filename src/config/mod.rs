//! The config file (`$XDG_CONFIG_HOME/hogdex/config.toml`): profiles (host, project, key source,
//! read-only) and settings, and the pure resolution of flags/environment/profile into what the
//! CLI and TUI use. A missing file is the defaults; a bad one is a [`ConfigError`] naming the file,
//! the line and column, the key and what was expected — never a value from the file, so a key
//! written there cannot leak through an error.
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

mod resolve;
pub use resolve::*;

/// `$XDG_CONFIG_HOME/hogdex/config.toml`, else `~/.config/hogdex/config.toml`.
pub fn default_path() -> Result<PathBuf, String> {
    use etcetera::BaseStrategy;
    let xdg = etcetera::base_strategy::Xdg::new().map_err(|e| format!("no home directory ({e})"))?;
    Ok(xdg.config_dir().join("hogdex").join("config.toml"))
}

/// The config file as read once per run (logging, connecting, `login` all use this reading).
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: Result<PathBuf, String>,
    /// The file's contents; the defaults when there is no file or no home directory.
    pub config: Result<Config, ConfigError>,
}

impl ConfigFile {
    /// Reads `$XDG_CONFIG_HOME/hogdex/config.toml`.
    pub fn read() -> ConfigFile {
        let path = default_path();
        let config = match &path {
            Ok(p) => Config::load(p),
            Err(_) => Ok(Config::default()),
        };
        ConfigFile { path, config }
    }
}

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The profile used when neither `--profile` nor `HOGDEX_PROFILE` names one.
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    #[serde(default)]
    pub settings: Settings,
    /// `[colors]`: theme slot → style spec (e.g. `selection = "white on blue bold"`).
    #[serde(default)]
    pub colors: BTreeMap<String, String>,
    /// `[keys]`: action name → key or keys (e.g. `delete_person = ["D", "ctrl-x"]`).
    #[serde(default)]
    pub keys: BTreeMap<String, KeyList>,
    /// Whether the file existed (false: these are the defaults).
    #[serde(skip)]
    pub loaded: bool,
    /// Whether the file is readable by group or others (checked on Unix).
    #[serde(skip)]
    pub readable_by_others: bool,
}

/// One `[profiles.<name>]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// `us`, `eu`, or a URL.
    pub host: Option<String>,
    /// A project id, or `"@current"`.
    pub project: Option<ProjectSetting>,
    pub read_only: Option<bool>,
    /// Run through `sh -c`; its stdout, trimmed, is the key.
    pub api_key_command: Option<String>,
    /// The key in plain text (warned about when the file is readable by others).
    pub api_key: Option<Secret>,
}

/// `[settings]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// TUI: seconds a confirmed deletion waits before it is sent.
    pub delete_grace_secs: u64,
    /// TUI: allow editing PostHog's own `$`-properties.
    pub allow_dollar_edits: bool,
    /// TUI: mouse support at start (`m` toggles it).
    pub mouse: bool,
    /// TUI: hide `$`-properties in the inspector at start (`$` toggles it).
    pub hide_dollar: bool,
    /// TUI: the time range the timeline and events tabs open with.
    pub events_range: EventsRange,
    /// TUI: where copies go.
    pub clipboard: ClipboardMode,
    /// TUI: `dark`, `light` or `high-contrast` (`NO_COLOR` always wins).
    pub theme: String,
    /// Log level when neither `--log-level` nor `HOGDEX_LOG` is given.
    pub log_level: Option<crate::logging::LogLevel>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            delete_grace_secs: 5,
            allow_dollar_edits: false,
            mouse: false,
            hide_dollar: false,
            events_range: EventsRange::default(),
            clipboard: ClipboardMode::Auto,
            theme: "dark".into(),
            log_level: None,
        }
    }
}

/// `settings.clipboard`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipboardMode {
    /// The system clipboard when there is a display, else OSC 52.
    #[default]
    Auto,
    /// Only the system clipboard.
    Native,
    /// Only OSC 52 (through the terminal; works over SSH).
    Osc52,
    /// Copying is off.
    Off,
}

/// `settings.events_range`: `7d`, `30d`, `90d`, `1y` (or `365d`) or `all`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventsRange(pub usize);

/// The accepted `events_range` values, in the order of the TUI's ranges (`[`/`]`).
pub const EVENTS_RANGES: [&str; 5] = ["7d", "30d", "90d", "1y", "all"];

impl<'de> Deserialize<'de> for EventsRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let t = text.trim().trim_start_matches('-').to_ascii_lowercase();
        let t = if t == "365d" { "1y".to_string() } else { t };
        EVENTS_RANGES
            .iter()
            .position(|r| *r == t)
            .map(EventsRange)
            .ok_or_else(|| serde::de::Error::custom(format!("expected one of {}", EVENTS_RANGES.join(", "))))
    }
}

/// One key or several, as written in `[keys]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyList(pub Vec<String>);

impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        match OneOrMany::deserialize(d) {
            Ok(OneOrMany::One(k)) => Ok(KeyList(vec![k])),
            Ok(OneOrMany::Many(ks)) => Ok(KeyList(ks)),
            Err(_) => Err(serde::de::Error::custom(
                "expected a key (\"x\") or a list of keys ([\"x\", \"ctrl-x\"])",
            )),
        }
    }
}

/// A project id or `@current`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectSetting {
    Id(u64),
    Current,
}

impl fmt::Display for ProjectSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectSetting::Id(id) => write!(f, "{id}"),
            ProjectSetting::Current => f.write_str("@current"),
        }
    }
}

impl<'de> Deserialize<'de> for ProjectSetting {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ProjectSetting;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a project id (a positive integer) or \"@current\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                u64::try_from(v)
                    .ok()
                    .filter(|v| *v > 0)
                    .map(ProjectSetting::Id)
                    .ok_or_else(|| E::custom("expected a project id (a positive integer) or \"@current\""))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v {
                    "@current" => Ok(ProjectSetting::Current),
                    _ => match v.parse::<u64>() {
                        Ok(id) if id > 0 => Ok(ProjectSetting::Id(id)),
                        _ => Err(E::custom("expected a project id (a positive integer) or \"@current\"")),
                    },
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A key from the config file or a command: never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// A config file that cannot be used. `Display` is one or a few lines, never a value from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column, when known.
    pub position: Option<(usize, usize)>,
    /// The key the error is about, when known (e.g. `profiles.prod.read_only`).
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad config file {}", self.path.display())?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": at `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `path`; a missing file is the defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let err =
            |message: String| ConfigError { path: path.to_path_buf(), position: None, key: None, message };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(err(format!("cannot read it: {e}"))),
        };
        let mut config = Self::parse(&text).map_err(|mut e| {
            e.path = path.to_path_buf();
            e
        })?;
        config.loaded = true;
        config.readable_by_others = readable_by_others(path);
        Ok(config)
    }

    /// Parses config text (the error's `path` is empty; [`Config::load`] fills it in).
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let start = e.span().map(|s| s.start.min(text.len()));
            let position = start.map(|s| line_col(text, s));
            let key = start.and_then(|s| key_at(text, s));
            let mut message = clean_message(e.message());
            // A wrong type echoes the value: not for the key's own fields.
            if key.as_deref().is_some_and(|k| k.contains("api_key"))
                && let Some(rest) = message.strip_prefix("invalid type: ")
            {
                let expected = rest.find(", expected").map_or("", |i| &rest[i..]);
                message = format!("invalid type{expected}");
            }
            ConfigError { path: PathBuf::new(), position, key, message }
        })?;
        if let Some(name) = &config.default_profile
            && !config.profiles.contains_key(name)
        {
            let position = position_of(text, "", "default_profile");
            return Err(ConfigError {
                path: PathBuf::new(),
                position,
                key: Some("default_profile".into()),
                message: unknown_profile(name, &config),
            });
        }
        config.validate(text)?;
        Ok(config)
    }

    /// Checks what toml alone cannot: the theme name, the colour specs and the key overrides.
    fn validate(&self, text: &str) -> Result<(), ConfigError> {
        let at = |table: &str, key: &str, message: String| ConfigError {
            path: PathBuf::new(),
            position: position_of(text, table, key),
            key: Some(format!("{table}.{key}")),
            message,
        };
        if crate::ui::Theme::named(&self.settings.theme).is_none() {
            let names = crate::ui::theme::THEME_NAMES.join(", ");
            return Err(at("settings", "theme", format!("unknown theme; expected one of {names}")));
        }
        crate::ui::Theme::default()
            .with_colors(&self.colors)
            .map_err(|e| at("colors", &e.slot, e.message.clone()))?;
        self.keymap().map_err(|e| at("keys", &e.action, e.message.clone()))?;
        Ok(())
    }

    /// The keymap: the defaults with `[keys]` applied.
    pub fn keymap(&self) -> Result<crate::app::keymap::Keymap, crate::app::keymap::KeymapError> {
        let overrides = self.keys.iter().map(|(a, k)| (a.clone(), k.0.clone())).collect();
        crate::app::keymap::Keymap::with_overrides(&overrides)
    }

    /// The theme to draw with: plain under `NO_COLOR` (no colour at all, configured colours
    /// included), else `settings.theme` with `[colors]` applied.
    pub fn theme(&self, no_color: bool) -> crate::ui::Theme {
        if no_color {
            return crate::ui::Theme::plain();
        }
        let base = crate::ui::Theme::named(&self.settings.theme).unwrap_or_default();
        base.with_colors(&self.colors).unwrap_or(base)
    }

    /// Whether any profile keeps a key in the file.
    pub fn has_plain_keys(&self) -> bool {
        self.profiles.values().any(|p| p.api_key.is_some())
    }

    /// The warning to print when the file holds a key and others can read it.
    pub fn permission_warning(&self, path: &Path) -> Option<String> {
        (self.readable_by_others && self.has_plain_keys()).then(|| {
            format!(
                "warning: {} holds an API key and is readable by other users; run `chmod 600 {}`",
                path.display(),
                path.display()
            )
        })
    }
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_: &Path) -> bool {
    false
}

/// Where `key` is set under `[table]` (1-based line and column), found in the text.
fn position_of(text: &str, table: &str, key: &str) -> Option<(usize, usize)> {
    let mut in_table = table.is_empty();
    let dotted = format!("{table}.{key}");
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        // A comment after the header or value is not part of it.
        let t = line.split(" #").next().unwrap_or(line).trim();
        if t.starts_with('#') {
            offset += line.len();
            continue;
        }
        if t.starts_with('[') {
            in_table = t.trim_matches(['[', ']']).trim() == table;
        } else if let Some((k, _)) = t.split_once('=')
            && let k = k.trim().trim_matches(['"', '\''])
            && ((in_table && k == key) || k == dotted)
        {
            let indent = line.len() - line.trim_start().len();
            return Some(line_col(text, offset + indent));
        }
        offset += line.len();
    }
    None
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The dotted key on the line at `offset` (`table.key`), from the text before `=` and the
/// nearest `[table]` header above; never the value.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let header = text[..line_start].lines().rev().map(str::trim).find_map(|l| {
        l.strip_prefix('[')
            .and_then(|l| l.strip_suffix(']'))
            .map(|h| h.trim_matches(['[', ']']).trim().to_string())
    });
    let trimmed = line.trim();
    if let Some(h) = trimmed.strip_prefix('[') {
        let h = h.trim_start_matches('[');
        let h = h.split(']').next().unwrap_or(h).trim();
        return (!h.is_empty()).then(|| h.to_string());
    }
    let (key, _) = trimmed.split_once('=')?;
    let key = key.trim();
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "_-.\"' ".contains(c));
    if !plain(key) {
        return None;
    }
    Some(match header {
        Some(h) => format!("{h}.{key}"),
        None => key.to_string(),
    })
}

/// toml's message, on one line.
fn clean_message(m: &str) -> String {
    m.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn unknown_profile(name: &str, config: &Config) -> String {
    let known: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
    let name = crate::text::sanitize(name);
    if known.is_empty() {
        format!("unknown profile `{name}`: the config file defines no profiles")
    } else {
        format!("unknown profile `{name}`; known profiles: {}", known.join(", "))
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub(crate) fn sample() -> Config {
        Config::parse(
            r#"
default_profile = "main"
[profiles.main]
host = "eu"
project = 42
api_key_command = "echo k"
api_key = "phx_file"
[profiles.plain]
api_key = "phx_file"
read_only = true
[profiles.bare]
"#,
        )
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::sample as config;

    #[test]
    fn errors_name_line_and_key_but_not_values() {
        let e = Config::parse("[profiles.p]\nhost = \"us\"\nread_only = \"yes\"\n").unwrap_err();
        assert_eq!(e.position.map(|p| p.0), Some(3));
        assert_eq!(e.key.as_deref(), Some("profiles.p.read_only"));
        let e = Config::parse("[settings]\nmuose = true\n").unwrap_err();
        assert!(e.message.contains("muose"), "{e}");
        let e = Config::parse("[profiles.p]\napi_key = \"phx_secret\" x\n").unwrap_err();
        assert_eq!(e.position.map(|p| p.0), Some(2));
        assert!(!e.to_string().contains("phx_secret"), "{e}");
        let e = Config::parse("[profiles.p]\napi_key = 123456789\n").unwrap_err();
        assert_eq!(e.message, "invalid type, expected a string");
        assert!(format!("{:?}", config()).contains("Secret(…)"));
        assert!(!format!("{:?}", config()).contains("phx_file"));
    }

    #[test]
    fn settings_theme_colors_and_keys_parse() {
        let c = Config::parse(
            r#"
[settings]
hide_dollar = true
events_range = "90d"
clipboard = "osc52"
theme = "high-contrast"
mouse = true
log_level = "debug"
[colors]
selection = "black on yellow bold"
[keys]
delete_person = ["X", "Delete"]
quit = "Q"
"#,
        )
        .unwrap();
        let s = &c.settings;
        assert!(s.hide_dollar && s.mouse);
        assert_eq!(s.events_range, EventsRange(2));
        assert_eq!(s.clipboard, ClipboardMode::Osc52);
        assert_eq!(s.log_level, Some(crate::logging::LogLevel::Debug));
        let theme = c.theme(false);
        assert_ne!(theme, crate::ui::Theme::named("high-contrast").unwrap(), "[colors] applied");
        assert_eq!(theme.selection, crate::ui::theme::parse_style("black on yellow bold").unwrap());
        assert_eq!(c.theme(true), crate::ui::Theme::plain(), "NO_COLOR beats theme and colours");
        let keys = c.keymap().unwrap();
        let x = crate::app::actions::KeySpec::ch('X').event();
        assert_eq!(
            keys.action_for(&x, crate::app::actions::Context::List, false),
            Some(crate::app::actions::Action::DeletePerson)
        );
        for (range, index) in [("7d", 0), ("-30d", 1), ("365d", 3), ("1y", 3), ("all", 4)] {
            let c = Config::parse(&format!("[settings]\nevents_range = \"{range}\"\n")).unwrap();
            assert_eq!(c.settings.events_range, EventsRange(index), "{range}");
        }
        let d = Config::default();
        assert_eq!((d.settings.theme.as_str(), d.settings.clipboard), ("dark", ClipboardMode::Auto));
    }

    #[test]
    fn each_bad_setting_names_its_line_and_key() {
        let cases = [
            ("[settings]\ntheme = \"solarized\"\n", 2, "settings.theme", "dark, light, high-contrast"),
            ("[settings]\nevents_range = \"2w\"\n", 2, "settings.events_range", "7d, 30d, 90d, 1y, all"),
            ("[settings]\nclipboard = \"x11\"\n", 2, "settings.clipboard", "auto"),
            ("[settings]\nmouse = 1\n", 2, "settings.mouse", "bool"),
            ("[settings]\nlog_level = \"loud\"\n", 2, "settings.log_level", "debug"),
            ("\n[colors]\nselection = \"purple\"\n", 3, "colors.selection", "purple"),
            ("[colors]\nborderz = \"red\"\n", 2, "colors.borderz", "selection"),
            ("[keys]\nquit = \"ctrl-shift-q\"\n", 2, "keys.quit", "cannot read the key"),
            ("[keys]\nfly = \"f\"\n", 2, "keys.fly", "delete_person"),
            ("[keys]\nquit = 5\n", 2, "keys.quit", "a key"),
        ];
        for (text, line, key, needle) in cases {
            let e = Config::parse(text).unwrap_err();
            assert_eq!(e.position.map(|p| p.0), Some(line), "{text}: {e}");
            assert_eq!(e.key.as_deref(), Some(key), "{text}: {e}");
            assert!(e.message.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn positions_skip_comments_and_find_dotted_keys() {
        let e = Config::parse("# default_profile = \"x\"\ndefault_profile = \"nope\"\n").unwrap_err();
        assert_eq!(e.position, Some((2, 1)), "{e}");
        let e = Config::parse("[keys] # my keys\n# fly = \"x\"\nfly = \"f\"\n").unwrap_err();
        assert_eq!(e.position, Some((3, 1)), "{e}");
        let e = Config::parse("keys.fly = \"f\"\n").unwrap_err();
        assert_eq!(e.position, Some((1, 1)), "{e}");
    }
}
