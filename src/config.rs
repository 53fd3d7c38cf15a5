//! The config file (`$XDG_CONFIG_HOME/hogdex/config.toml`): profiles (host, project, key source,
//! read-only) and settings, and the pure resolution of flags/environment/profile into what the
//! CLI and TUI use. A missing file is the defaults; a bad one is a [`ConfigError`] naming the file,
//! the line and column, the key and what was expected — never a value from the file, so a key
//! written there cannot leak through an error.
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

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

/// Where the key comes from, in order of precedence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyPlan {
    /// `--api-key` (`flag`) or `POSTHOG_PERSONAL_API_KEY`: already in hand.
    Given { from_flag: bool },
    /// The profile's `api_key_command`, not run yet.
    Command(String),
    /// The OS keyring's entry for the profile (`hogdex login`), then — when `file` — the
    /// profile's `api_key` in the config file.
    Stored { file: bool },
}

impl KeyPlan {
    pub fn describe(&self) -> &'static str {
        match self {
            KeyPlan::Given { from_flag: true } => "the --api-key flag",
            KeyPlan::Given { from_flag: false } => "POSTHOG_PERSONAL_API_KEY",
            KeyPlan::Command(_) => "the profile's api_key_command",
            KeyPlan::Stored { file: true } => "the OS keyring, else the profile's api_key in the config file",
            KeyPlan::Stored { file: false } => "the OS keyring (`hogdex login`)",
        }
    }
}

/// Where the key in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Flag,
    Env,
    /// The profile's `api_key_command`.
    Command,
    /// The OS keyring (`hogdex login`).
    Keyring,
    /// The profile's `api_key` in the config file.
    Config,
}

impl KeySource {
    pub fn describe(self) -> &'static str {
        match self {
            KeySource::Flag => "the --api-key flag",
            KeySource::Env => "POSTHOG_PERSONAL_API_KEY",
            KeySource::Command => "the profile's api_key_command",
            KeySource::Keyring => "the OS keyring",
            KeySource::Config => "the profile's api_key in the config file",
        }
    }
}

/// Fetches the key `resolved` plans for: `given` is the flag's or variable's value; the command
/// runs; the keyring is asked (an unavailable keyring is skipped, a failing one is an error only
/// when nothing comes after it). `Ok(None)`: no key anywhere and no profile selected; a selected
/// profile with no key anywhere is an error saying how to give it one (and why the keyring did
/// not help).
pub fn obtain_key(
    resolved: &Resolved,
    config: &Config,
    given: Option<&str>,
    store: &dyn crate::keyring::KeyStore,
) -> Result<Option<(Secret, KeySource)>, String> {
    let profile = resolved.profile.as_ref().and_then(|n| config.profiles.get(n));
    match &resolved.key {
        KeyPlan::Given { from_flag } => {
            let source = if *from_flag { KeySource::Flag } else { KeySource::Env };
            Ok(given.map(|k| (Secret(k.trim().to_string()), source)))
        }
        KeyPlan::Command(cmd) => run_key_command(cmd).map(|k| Some((k, KeySource::Command))),
        KeyPlan::Stored { file } => {
            let from_file = || profile.and_then(|p| p.api_key.clone()).map(|k| (k, KeySource::Config));
            let unavailable = match crate::keyring::lookup(store, resolved.profile.as_deref()) {
                Ok(Some(key)) => return Ok(Some((key, KeySource::Keyring))),
                Ok(None) => None,
                Err(e) if e.is_unavailable() || *file => Some(e.message().to_string()),
                Err(e) => return Err(format!("cannot read the key from the OS keyring: {}", e.message())),
            };
            match (from_file(), &resolved.profile) {
                (Some(found), _) => Ok(Some(found)),
                (None, None) => Ok(None),
                (None, Some(name)) => Err(no_key(name, unavailable.as_deref())),
            }
        }
    }
}

/// A profile with no key anywhere: how to give it one.
pub fn no_key(profile: &str, keyring_unavailable: Option<&str>) -> String {
    let name = crate::text::sanitize(profile);
    let why = keyring_unavailable.map(|r| format!(" ({})", crate::text::sanitize(r))).unwrap_or_default();
    format!(
        "profile {name} has no API key: give it an api_key_command or api_key, or run \
         `hogdex login --profile {name}` to keep it in the OS keyring{why}"
    )
}

/// What flags and environment said (clap has already merged each flag with its variable).
#[derive(Debug, Clone, Default)]
pub struct CliInputs {
    pub profile: Option<String>,
    /// Whether `--api-key`/`POSTHOG_PERSONAL_API_KEY` is set, and whether by the flag.
    pub key_given: Option<bool>,
    pub host: Option<String>,
    pub project: Option<String>,
    pub read_only: bool,
    pub delete_grace: Option<u64>,
    pub allow_dollar_edits: bool,
}

/// Flags, environment and config resolved together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub profile: Option<String>,
    pub key: KeyPlan,
    pub host: String,
    pub project: String,
    pub read_only: bool,
    pub delete_grace: u64,
    pub allow_dollar_edits: bool,
}

/// Resolves flags/environment over the selected profile over the defaults. An unknown profile is
/// an error listing the known ones.
pub fn resolve(cli: &CliInputs, config: &Config) -> Result<Resolved, String> {
    let name = cli.profile.clone().filter(|p| !p.is_empty()).or_else(|| config.default_profile.clone());
    let profile = match &name {
        Some(n) => Some(config.profiles.get(n).ok_or_else(|| unknown_profile(n, config))?),
        None => None,
    };
    let key = match (cli.key_given, profile) {
        (Some(from_flag), _) => KeyPlan::Given { from_flag },
        (None, Some(Profile { api_key_command: Some(cmd), .. })) => KeyPlan::Command(cmd.clone()),
        (None, p) => KeyPlan::Stored { file: p.is_some_and(|p| p.api_key.is_some()) },
    };
    let host =
        cli.host.clone().or_else(|| profile.and_then(|p| p.host.clone())).unwrap_or_else(|| "us".into());
    let project = cli
        .project
        .clone()
        .or_else(|| profile.and_then(|p| p.project.as_ref()).map(ToString::to_string))
        .unwrap_or_else(|| "@current".into());
    Ok(Resolved {
        profile: name,
        key,
        host,
        project,
        read_only: cli.read_only || profile.and_then(|p| p.read_only).unwrap_or(false),
        delete_grace: cli.delete_grace.unwrap_or(config.settings.delete_grace_secs),
        allow_dollar_edits: cli.allow_dollar_edits || config.settings.allow_dollar_edits,
    })
}

/// Runs an `api_key_command` through `sh -c` on the terminal (a password manager may prompt) and
/// returns its stdout, trimmed. See [`key_from_output`] for failures.
pub fn run_key_command(command: &str) -> Result<Secret, String> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run the profile's api_key_command: {e}"))?;
    key_from_output(&out)
}

/// How long an `api_key_command` may run inside the TUI (`:profile`).
pub const KEY_COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs an `api_key_command` from inside the TUI: without the terminal (it belongs to the TUI;
/// a command that needs to prompt fails instead of drawing over the screen) and for at most
/// [`KEY_COMMAND_TIMEOUT`].
pub async fn run_key_command_detached(command: &str) -> Result<Secret, String> {
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run the profile's api_key_command: {e}"))?;
    match tokio::time::timeout(KEY_COMMAND_TIMEOUT, child.wait_with_output()).await {
        Ok(Ok(out)) => key_from_output(&out),
        Ok(Err(e)) => Err(format!("cannot run the profile's api_key_command: {e}")),
        Err(_) => Err(format!(
            "the profile's api_key_command did not finish within {} s (inside hogdex it runs without \
             a terminal, so it cannot prompt)",
            KEY_COMMAND_TIMEOUT.as_secs()
        )),
    }
}

/// The key from a finished `api_key_command`: its stdout, trimmed. A failure says so with the
/// exit status and the first line of stderr — never stdout, which may hold the key.
pub fn key_from_output(out: &std::process::Output) -> Result<Secret, String> {
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
        let status = match out.status.code() {
            Some(c) => format!("exit status {c}"),
            None => "killed by a signal".to_string(),
        };
        return Err(if first.is_empty() {
            format!("the profile's api_key_command failed ({status})")
        } else {
            format!("the profile's api_key_command failed ({status}): {}", crate::text::sanitize(first))
        });
    }
    let key = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if key.is_empty() {
        return Err("the profile's api_key_command printed nothing".into());
    }
    Ok(Secret(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
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

    #[test]
    fn key_order_is_flag_env_command_file() {
        let c = config();
        let mut cli = CliInputs { key_given: Some(true), ..Default::default() };
        assert_eq!(resolve(&cli, &c).unwrap().key, KeyPlan::Given { from_flag: true });
        cli.key_given = Some(false);
        assert_eq!(resolve(&cli, &c).unwrap().key, KeyPlan::Given { from_flag: false });
        cli.key_given = None;
        assert_eq!(resolve(&cli, &c).unwrap().key, KeyPlan::Command("echo k".into()));
        cli.profile = Some("plain".into());
        assert_eq!(resolve(&cli, &c).unwrap().key, KeyPlan::Stored { file: true });
        cli.profile = Some("bare".into());
        assert_eq!(resolve(&cli, &c).unwrap().key, KeyPlan::Stored { file: false });
    }

    #[test]
    fn keys_come_from_flag_env_command_keyring_then_file() {
        use crate::keyring::{KeyStore, MemoryKeyring};
        let c = config();
        let store = MemoryKeyring::default();
        let get = |cli: &CliInputs, given: Option<&str>, store: &dyn KeyStore| {
            let r = resolve(cli, &c).unwrap();
            obtain_key(&r, &c, given, store).unwrap().map(|(k, s)| (k.0, s))
        };
        let mut cli = CliInputs { key_given: Some(true), ..Default::default() };
        assert_eq!(get(&cli, Some("phx_flag"), &store), Some(("phx_flag".into(), KeySource::Flag)));
        cli.key_given = Some(false);
        assert_eq!(get(&cli, Some("phx_env"), &store), Some(("phx_env".into(), KeySource::Env)));
        cli.key_given = None;
        assert_eq!(get(&cli, None, &store), Some(("k".into(), KeySource::Command)), "main runs `echo k`");
        // `plain` keeps a key in the file: the keyring's entry comes first when there is one.
        cli.profile = Some("plain".into());
        assert_eq!(get(&cli, None, &store), Some(("phx_file".into(), KeySource::Config)));
        store.set("plain", &Secret("phx_ring".into())).unwrap();
        assert_eq!(get(&cli, None, &store), Some(("phx_ring".into(), KeySource::Keyring)));
        cli.profile = Some("bare".into());
        let r = resolve(&cli, &c).unwrap();
        let e = obtain_key(&r, &c, None, &store).unwrap_err();
        assert!(
            e.contains("profile bare has no API key") && e.contains("hogdex login --profile bare"),
            "{e}"
        );
        store.set("bare", &Secret("phx_bare".into())).unwrap();
        assert_eq!(get(&cli, None, &store), Some(("phx_bare".into(), KeySource::Keyring)));
        // No profile at all: the keyring's `default` account.
        let none = CliInputs::default();
        let r = resolve(&none, &Config::default()).unwrap();
        assert_eq!(obtain_key(&r, &Config::default(), None, &store).unwrap(), None);
        store.set("default", &Secret("phx_default".into())).unwrap();
        let got = obtain_key(&r, &Config::default(), None, &store).unwrap().map(|(k, s)| (k.0, s));
        assert_eq!(got, Some(("phx_default".into(), KeySource::Keyring)));
    }

    #[test]
    fn an_unusable_keyring_falls_through_to_the_file() {
        use crate::keyring::{MemoryKeyring, StoreError};
        let c = config();
        let plain = resolve(&CliInputs { profile: Some("plain".into()), ..Default::default() }, &c).unwrap();
        let bare = resolve(&CliInputs { profile: Some("bare".into()), ..Default::default() }, &c).unwrap();
        let off = MemoryKeyring::failing(StoreError::Unavailable("no keyring here".into()));
        let broken = MemoryKeyring::failing(StoreError::Failed("the collection is locked".into()));
        let source = |r, store| obtain_key(r, &c, None, store).map(|k| k.map(|(_, s)| s));
        assert_eq!(source(&plain, &off), Ok(Some(KeySource::Config)));
        assert_eq!(source(&plain, &broken), Ok(Some(KeySource::Config)));
        let e = source(&bare, &off).unwrap_err();
        assert!(e.contains("profile bare has no API key") && e.contains("(no keyring here)"), "{e}");
        let e = source(&bare, &broken).unwrap_err();
        assert!(e.contains("OS keyring") && e.contains("locked"), "{e}");
        // Without a profile, no key is simply not configured (the welcome screen).
        let none = resolve(&CliInputs::default(), &Config::default()).unwrap();
        assert_eq!(obtain_key(&none, &Config::default(), None, &off), Ok(None));
    }

    #[test]
    fn host_project_read_only_and_settings() {
        let c = config();
        let r = resolve(&CliInputs::default(), &c).unwrap();
        assert_eq!((r.profile.as_deref(), r.host.as_str(), r.project.as_str()), (Some("main"), "eu", "42"));
        assert!(!r.read_only);
        assert_eq!(r.delete_grace, 5);
        let cli = CliInputs {
            host: Some("us".into()),
            project: Some("7".into()),
            profile: Some("plain".into()),
            delete_grace: Some(0),
            ..Default::default()
        };
        let r = resolve(&cli, &c).unwrap();
        assert_eq!((r.host.as_str(), r.project.as_str(), r.read_only, r.delete_grace), ("us", "7", true, 0));
        let r = resolve(&CliInputs::default(), &Config::default()).unwrap();
        assert_eq!((r.profile, r.host.as_str(), r.project.as_str()), (None, "us", "@current"));
    }

    #[test]
    fn unknown_profile_lists_known_ones() {
        let cli = CliInputs { profile: Some("nope".into()), ..Default::default() };
        let e = resolve(&cli, &config()).unwrap_err();
        assert!(e.contains("nope") && e.contains("bare, main, plain"), "{e}");
    }

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

    #[test]
    fn key_command_failure_hides_stdout() {
        let e = run_key_command("echo phx_leak; echo 'no such entry' >&2; exit 3").unwrap_err();
        assert!(e.contains("exit status 3") && e.contains("no such entry"), "{e}");
        assert!(!e.contains("phx_leak"));
        assert_eq!(run_key_command("printf ' phx_ok \\n'").unwrap(), Secret("phx_ok".into()));
    }

    #[tokio::test]
    async fn key_command_inside_the_tui_has_no_terminal() {
        // stdin is /dev/null: a command that reads it gets end of file at once instead of the
        // TUI's keystrokes.
        let got = run_key_command_detached("read line; echo \"phx_${line:-none}\"").await.unwrap();
        assert_eq!(got, Secret("phx_none".into()));
        let e = run_key_command_detached("echo phx_leak; exit 4").await.unwrap_err();
        assert!(e.contains("exit status 4") && !e.contains("phx_leak"), "{e}");
    }
}
