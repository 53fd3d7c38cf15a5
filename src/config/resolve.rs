//! Flags, environment and the selected profile resolved into where to connect and with which
//! key: the key sources in order (flag, `POSTHOG_PERSONAL_API_KEY`, `api_key_command`, the OS
//! keyring, the file) and running a key command on the terminal or, from the TUI, without it.
use super::{Config, Profile, Secret, unknown_profile};

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
    use crate::config::test_support::sample as config;

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
