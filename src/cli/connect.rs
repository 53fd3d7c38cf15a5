//! Where the CLI connects: flags and environment (clap merges them), or an in-process sandbox for
//! `--demo`. Errors here are one friendly sentence naming the variable to set.
use super::args::{ConnectionArgs, KeySource};
use crate::api::{ApiKey, Client, ClientOptions, ProjectRef, resolve_host};
use crate::runtime::{DemoOptions, start_sandbox};
use crate::sandbox::SandboxHandle;
use std::time::Duration;

/// A ready client, plus the sandbox it talks to when running with `--demo`.
pub struct Connection {
    pub client: Client,
    pub sandbox: Option<SandboxHandle>,
}

impl Connection {
    pub async fn close(self) {
        if let Some(s) = self.sandbox {
            s.shutdown().await;
        }
    }
}

pub const NOT_CONFIGURED: &str = "no PostHog API key: set POSTHOG_PERSONAL_API_KEY (and POSTHOG_HOST, \
POSTHOG_PROJECT_ID) or pass --api-key; to try hogdex without an account, add --demo";

/// Builds the client from flags/environment, or starts the sandbox for `--demo`.
pub async fn connect(args: &ConnectionArgs) -> Result<Connection, String> {
    let options = ClientOptions { timeout: Duration::from_secs(args.timeout.max(1)), ..Default::default() };
    if args.demo {
        let demo = DemoOptions { persons: args.demo_persons, fixtures: args.demo_fixtures.clone() };
        let (client, handle, _) = start_sandbox(&demo, options).await?;
        return Ok(Connection { client, sandbox: Some(handle) });
    }
    let key = args.api_key.as_deref().map(ApiKey::new).filter(|k| !k.is_empty()).ok_or(NOT_CONFIGURED)?;
    let host =
        resolve_host(args.host.as_deref().unwrap_or("us"), args.insecure).map_err(|e| e.to_string())?;
    let project: ProjectRef = args.project.as_deref().unwrap_or("@current").parse()?;
    let client = Client::new(host, project, key, options).map_err(|e| e.to_string())?;
    Ok(Connection { client, sandbox: None })
}

/// What reading the config file gave `hogdex info` and the TUI: the path, whether it exists, the
/// selected profile, where the key comes from, and the file and flags themselves (the TUI
/// resolves them again for `:profile`).
#[derive(Debug, Clone)]
pub struct Configured {
    pub path: Result<std::path::PathBuf, String>,
    pub loaded: bool,
    pub profile: Option<String>,
    pub key_source: Option<KeySource>,
    /// The key comes from `api_key_command`, which was not run (`hogdex info`).
    pub command_not_run: bool,
    pub config: crate::config::Config,
    pub inputs: crate::config::CliInputs,
}

/// How much of the key `configure` fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetch {
    /// Every source: the command runs, the keyring is asked.
    All,
    /// Not the command (`hogdex info` says it would run).
    NoCommand,
    /// Nothing (`--demo` needs no key).
    Nothing,
}

/// Reads the config file and folds the selected profile and the settings into `conn` (flags and
/// environment win). Fetches the key when no flag or variable gave one (per `fetch`): the
/// profile's `api_key_command`, the OS keyring, the file. A bad config, an unknown profile or a
/// failing command is a usage error (exit 2).
pub fn configure(
    conn: &mut ConnectionArgs,
    key_source: Option<KeySource>,
    fetch: Fetch,
    file: &crate::config::ConfigFile,
) -> Result<Configured, super::Failure> {
    use crate::config::{CliInputs, KeyPlan};
    let path = file.path.clone();
    let config = file.config.clone().map_err(|e| super::Failure::usage(e.to_string()))?;
    if let Ok(p) = &path
        && let Some(warning) = config.permission_warning(p)
    {
        eprintln!("hogdex: {}", crate::text::sanitize(&warning));
    }
    let key_given = conn.api_key.as_deref().is_some_and(|k| !k.trim().is_empty());
    let inputs = CliInputs {
        profile: conn.profile.clone(),
        key_given: key_given.then_some(key_source != Some(KeySource::Env)),
        host: conn.host.clone(),
        project: conn.project.clone(),
        read_only: conn.read_only,
        delete_grace: conn.delete_grace,
        allow_dollar_edits: conn.allow_dollar_edits,
    };
    let resolved = crate::config::resolve(&inputs, &config).map_err(|e| {
        let file = path.as_ref().map(|p| format!(" (config file {})", p.display())).unwrap_or_default();
        super::Failure::usage(format!("{e}{file}"))
    })?;
    let profile = resolved.profile.as_ref().and_then(|n| config.profiles.get(n));
    let command_not_run = matches!(resolved.key, KeyPlan::Command(_)) && fetch != Fetch::All;
    let source = if command_not_run {
        Some(KeySource::Command)
    } else if fetch == Fetch::Nothing {
        key_given.then(|| key_source.unwrap_or(KeySource::Env))
    } else {
        let keyring = crate::keyring::OsKeyring::default();
        let key = crate::config::obtain_key(&resolved, &config, conn.api_key.as_deref(), &keyring);
        // `info` reports a missing key rather than failing on it.
        let key = if fetch == Fetch::NoCommand { Ok(key.ok().flatten()) } else { key };
        let key = key.map_err(super::Failure::usage)?;
        key.map(|(key, source)| {
            conn.api_key = Some(key.0);
            source
        })
    };
    if profile.is_some_and(|p| p.host.is_some()) || conn.host.is_some() {
        conn.host = Some(resolved.host);
    }
    if profile.is_some_and(|p| p.project.is_some()) || conn.project.is_some() {
        conn.project = Some(resolved.project);
    }
    conn.read_only = resolved.read_only;
    conn.delete_grace = Some(resolved.delete_grace);
    conn.allow_dollar_edits = resolved.allow_dollar_edits;
    conn.profile = resolved.profile.clone();
    Ok(Configured {
        path,
        loaded: config.loaded,
        profile: resolved.profile,
        key_source: source,
        command_not_run,
        config,
        inputs,
    })
}
