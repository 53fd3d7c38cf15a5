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

/// What reading the config file gave `hogdex info` (and the TUI): the path, whether it exists,
/// the selected profile and where the key comes from.
#[derive(Debug, Clone)]
pub struct Configured {
    pub path: Result<std::path::PathBuf, String>,
    pub loaded: bool,
    pub profile: Option<String>,
    pub key_source: Option<KeySource>,
    /// The key comes from `api_key_command`, which was not run (`hogdex info`).
    pub command_not_run: bool,
}

/// Reads the config file and folds the selected profile and the settings into `conn` (flags and
/// environment win). Runs the profile's `api_key_command` when `run_key_command` and no key was
/// given. A bad config, an unknown profile or a failing command is a usage error (exit 2).
pub fn configure(
    conn: &mut ConnectionArgs,
    key_source: Option<KeySource>,
    run_key_command: bool,
) -> Result<Configured, super::Failure> {
    use crate::config::{CliInputs, Config, KeyPlan};
    let path = crate::config::default_path();
    let config = match &path {
        Ok(p) => Config::load(p).map_err(|e| super::Failure::usage(e.to_string()))?,
        Err(_) => Config::default(),
    };
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
    let mut command_not_run = false;
    let source = match &resolved.key {
        KeyPlan::Given { .. } => key_source.or(Some(KeySource::Env)),
        KeyPlan::Command(cmd) => {
            if run_key_command {
                let key = crate::config::run_key_command(cmd).map_err(super::Failure::usage)?;
                conn.api_key = Some(key.0);
            } else {
                command_not_run = true;
            }
            Some(KeySource::Command)
        }
        KeyPlan::File => {
            conn.api_key = profile.and_then(|p| p.api_key.clone()).map(|k| k.0);
            Some(KeySource::Config)
        }
        KeyPlan::None => None,
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
    })
}
