//! The scripting CLI (`hogdex persons …`, `hogdex projects`, `hogdex sandbox`) over the same API
//! client the TUI uses. May import `api`, `sandbox`, `text` and `typed_value`; never the TUI.
mod args;
mod connect;
mod persons;
mod render;

pub use args::{Cli, Command, ConnectionArgs, ListFormat, PersonsCommand};
pub use connect::{Connection, NOT_CONFIGURED, connect};

use std::process::ExitCode;

/// Exit code for a failed API call or I/O.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for a refusal before anything was sent (missing --yes, bad input, no config).
pub const EXIT_USAGE: u8 = 2;

/// A failure that ends the command: one line on stderr and an exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: EXIT_USAGE }
    }
    pub fn failed(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: EXIT_FAILURE }
    }
}

impl From<crate::api::ApiError> for Failure {
    fn from(e: crate::api::ApiError) -> Self {
        Self::failed(e.to_string())
    }
}

/// Runs a subcommand to completion and reports the outcome as an exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Some(Command::Sandbox(args)) => {
            crate::sandbox::run(args).await.map_err(|e| Failure::failed(format!("{e:#}")))
        }
        Some(Command::Persons(cmd)) => with_connection(&cli.conn, |c| Box::pin(persons::run(c, cmd))).await,
        Some(Command::Projects { json }) => {
            with_connection(&cli.conn, |c| Box::pin(persons::projects(c, json))).await
        }
        None => no_command(&cli.conn).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("hogdex: {}", crate::text::sanitize(&f.message));
            ExitCode::from(f.code)
        }
    }
}

type CmdFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Failure>> + 'a>>;

async fn with_connection(
    conn: &ConnectionArgs,
    f: impl for<'a> FnOnce(&'a crate::api::Client) -> CmdFuture<'a>,
) -> Result<(), Failure> {
    let connection = connect(conn).await.map_err(Failure::usage)?;
    let result = f(&connection.client).await;
    connection.close().await;
    result
}

/// `hogdex` with no subcommand: the terminal UI. Until it lands, `--demo` serves the sandbox and
/// says how to use it; without configuration, say how to connect.
async fn no_command(conn: &ConnectionArgs) -> Result<(), Failure> {
    if conn.demo {
        let connection = connect(conn).await.map_err(Failure::failed)?;
        let base = connection.client.host().to_string();
        println!("hogdex demo: a PostHog-compatible sandbox is listening on {base} (project 1).");
        println!("The terminal UI is not built yet; meanwhile try, in another terminal:");
        println!(
            "  curl -H 'Authorization: Bearer {}' '{base}/api/projects/1/persons/?search=ali'",
            crate::sandbox::DEMO_KEY
        );
        println!(
            "  hogdex --host {base} --project 1 --api-key {} persons list --search ali",
            crate::sandbox::DEMO_KEY
        );
        println!("Press Ctrl-C to stop.");
        let _ = tokio::signal::ctrl_c().await;
        connection.close().await;
        return Ok(());
    }
    if conn.api_key.is_none() {
        println!("{}", welcome_text());
        return Ok(());
    }
    Err(Failure::usage("the terminal UI is not built yet; use `hogdex persons --help` for the scripting CLI"))
}

/// The friendly first-run screen shown when nothing is configured.
pub fn welcome_text() -> String {
    [
        "hogdex — PostHog persons from your terminal",
        "",
        "No PostHog connection is configured. To connect:",
        "  export POSTHOG_PERSONAL_API_KEY=phx_…   # PostHog → Settings → Personal API keys",
        "  export POSTHOG_HOST=us                  # us, eu, or https://posthog.example.com",
        "  export POSTHOG_PROJECT_ID=12345         # from the project URL; default @current",
        "",
        "Or try it right now against a built-in sandbox with demo data:",
        "  hogdex --demo",
        "",
        "Scripting: hogdex persons --help",
    ]
    .join("\n")
}
