//! Where the CLI connects: flags and environment (clap merges them), or an in-process sandbox for
//! `--demo`. Errors here are one friendly sentence naming the variable to set.
use super::args::ConnectionArgs;
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
