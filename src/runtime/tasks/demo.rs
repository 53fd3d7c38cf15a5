//! The embedded sandbox as the TUI's demo: started for `--demo` or from the welcome screen, kept
//! alive as long as the executor.
use super::{Event, Executor};
use crate::api::{ApiKey, Client, ClientOptions, ProjectRef, resolve_host};
use crate::app::{self, Msg};
use crate::sandbox::{self, SandboxConfig, SandboxHandle};
use std::path::PathBuf;

/// Projects the demo serves (the third in another organization), so `:project` has choices.
pub const DEMO_PROJECTS: usize = 3;

/// The sandbox `Cmd::StartDemo` starts (welcome screen → demo).
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub persons: usize,
    /// Extra fixture persons (JSON file), as `hogdex sandbox --fixtures`.
    pub fixtures: Option<PathBuf>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self { persons: 5000, fixtures: None }
    }
}

impl Executor {
    /// Keeps a sandbox (started by the CLI for `--demo`) alive as long as the executor.
    pub fn keep_sandbox(&mut self, sandbox: SandboxHandle, conn: app::Connection) {
        self.sandbox = Some(sandbox);
        self.demo_conn = Some(conn);
    }

    /// Applies a runtime event that is not a `Msg`; returns the `Msg` to hand to `update` after.
    pub fn demo_ready(&mut self, client: Client, sandbox: SandboxHandle, conn: app::Connection) -> Msg {
        self.demo_starting = false;
        self.client = Some(client);
        self.keep_sandbox(sandbox, conn.clone());
        Msg::Connected(conn)
    }

    pub(super) fn start_demo(&mut self) {
        if let Some(conn) = &self.demo_conn {
            let _ = self.tx.send(Event::Msg(Msg::Connected(conn.clone())));
            return;
        }
        if self.demo_starting {
            return;
        }
        self.demo_starting = true;
        let tx = self.tx.clone();
        let opts = self.demo.clone();
        tokio::spawn(async move {
            let event = match start_sandbox(&opts, ClientOptions::default()).await {
                Ok((client, sandbox, conn)) => Event::DemoReady { client, sandbox, conn },
                Err(reason) => Event::Msg(Msg::ConnectFailed(reason)),
            };
            let _ = tx.send(event);
        });
    }

    /// After `ConnectFailed`, a new `StartDemo` may try again.
    pub fn demo_failed(&mut self) {
        self.demo_starting = false;
    }
}

/// Starts the embedded sandbox on a free loopback port and builds a client for it (the TUI's
/// demo and `--demo` on any CLI command both start it here).
pub async fn start_sandbox(
    opts: &DemoOptions,
    client_opts: ClientOptions,
) -> Result<(Client, SandboxHandle, app::Connection), String> {
    let config = SandboxConfig {
        port: 0,
        persons: opts.persons,
        fixtures: opts.fixtures.clone(),
        projects: DEMO_PROJECTS,
        ..Default::default()
    };
    let sandbox =
        sandbox::spawn(config).await.map_err(|e| format!("could not start the demo sandbox: {e:#}"))?;
    let host = resolve_host(&sandbox.base_url(), false).map_err(|e| e.to_string())?;
    let client =
        Client::new(host, ProjectRef::Id(sandbox.project_id()), ApiKey::new(sandbox.key()), client_opts)
            .map_err(|e| e.to_string())?;
    let conn = demo_connection(&sandbox);
    Ok((client, sandbox, conn))
}

/// What the status bar shows for the embedded sandbox.
pub(crate) fn demo_connection(sandbox: &SandboxHandle) -> app::Connection {
    app::Connection {
        host: sandbox.base_url(),
        project: sandbox.project_id().to_string(),
        profile: None,
        demo: true,
    }
}
