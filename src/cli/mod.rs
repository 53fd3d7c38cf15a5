//! The command line: the scripting CLI (`hogdex persons …`, `hogdex projects`, `hogdex sandbox`)
//! over the same API client the TUI uses, and `hogdex` alone, which starts the TUI. May import
//! `api`, `sandbox`, `text`, `typed_value`, `writes`, `journal`, and `app`/`runtime` only to start
//! the TUI.
mod args;
mod connect;
mod history;
mod info;
mod journal;
mod login;
mod persons;
mod render;

pub use args::{Cli, Command, ConnectionArgs, FunnelArgs, KeySource, ListFormat, PersonsCommand};
pub use connect::{Configured, Connection, Fetch, NOT_CONFIGURED, configure, connect};
pub use info::config_path;

use crate::writes::Writer;
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

/// Starts logging to the log file per `--log-level`/`HOGDEX_LOG` (nothing for `completions` and
/// `man`, which only print). Never writes to the screen while the TUI runs: when the file cannot
/// be opened, logging is off, with one line on stderr for other commands only.
pub fn init_logging(cli: &Cli, file: &crate::config::ConfigFile) {
    if matches!(cli.command, Some(Command::Completions { .. } | Command::Man)) {
        return;
    }
    let env = std::env::var(crate::logging::ENV).ok();
    // A bad config file is reported by `run`; here it only means no configured level.
    let configured = file.config.as_ref().ok().and_then(|c| c.settings.log_level);
    let Some(directives) = crate::logging::directives(cli.log_level, env.as_deref(), configured) else {
        return;
    };
    let result = crate::logging::default_path().and_then(|path| crate::logging::init(&path, &directives));
    if let Err(e) = result
        && cli.command.is_some()
    {
        eprintln!("hogdex: {}", crate::text::sanitize(&e));
    }
}

/// Runs a subcommand to completion and reports the outcome as an exit code.
pub async fn run(mut cli: Cli, file: crate::config::ConfigFile) -> ExitCode {
    // The config file matters only to commands that connect, and to `info`.
    // (`login`/`logout` read it themselves: logout must work for a profile that is gone.)
    let needs_config =
        matches!(cli.command, None | Some(Command::Persons(_) | Command::Projects { .. } | Command::Info));
    let demo = cli.conn.demo;
    let configured = if needs_config {
        let fetch = match cli.command {
            _ if demo => Fetch::Nothing,
            Some(Command::Info) => Fetch::NoCommand,
            _ => Fetch::All,
        };
        match configure(&mut cli.conn, cli.key_source, fetch, &file) {
            Ok(c) => Some(c),
            Err(f) => {
                eprintln!("hogdex: {}", crate::text::sanitize(&f.message));
                return ExitCode::from(f.code);
            }
        }
    } else {
        None
    };
    let result = match cli.command {
        Some(Command::Sandbox(args)) => {
            crate::sandbox::run(args).await.map_err(|e| Failure::failed(format!("{e:#}")))
        }
        // Refused before connecting, so not even a distinct-id lookup is sent.
        Some(Command::Persons(cmd)) if cli.conn.read_only && cmd.is_write() => {
            Err(Failure::usage(crate::writes::READ_ONLY))
        }
        Some(Command::Persons(cmd)) => with_connection(&cli.conn, |w| Box::pin(persons::run(w, cmd))).await,
        Some(Command::Projects { json }) => {
            with_connection(&cli.conn, |w| Box::pin(persons::projects(w.client(), json))).await
        }
        Some(Command::Journal { limit, json }) => journal::print(limit, json),
        Some(Command::Info) => info::print(&cli.conn, configured.as_ref()),
        Some(Command::Login { check }) => login::login(&cli.conn, check, &file),
        Some(Command::Logout) => login::logout(&cli.conn, &file),
        Some(Command::Completions { shell }) => info::completions(shell),
        Some(Command::Man) => info::man(),
        None => no_command(&cli.conn, configured).await,
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

/// Connects and hands the command a `Writer` (journal at the default path, `--read-only`); reads
/// use its client.
async fn with_connection(
    conn: &ConnectionArgs,
    f: impl for<'a> FnOnce(&'a Writer) -> CmdFuture<'a>,
) -> Result<(), Failure> {
    let connection = connect(conn).await.map_err(Failure::usage)?;
    let journal = crate::journal::Journal::open_default().ok();
    let writer = Writer::new(connection.client.clone(), journal, conn.read_only);
    let result = f(&writer).await;
    connection.close().await;
    result
}

/// `hogdex` with no subcommand: the terminal UI — on the sandbox with `--demo`, on PostHog when
/// a key is configured, else on the welcome screen (which offers the demo). Without a terminal on
/// stdout there is no TUI: the welcome text when nothing is configured, else a usage error.
async fn no_command(conn: &ConnectionArgs, config: Option<Configured>) -> Result<(), Failure> {
    use std::io::IsTerminal;
    let configured = conn.demo || conn.api_key.is_some();
    if !std::io::stdout().is_terminal() {
        if !configured {
            println!("{}", welcome_text());
            return Ok(());
        }
        return Err(Failure::usage(
            "the terminal UI needs a terminal on stdout; use `hogdex persons …` for scripts",
        ));
    }
    let mut start = crate::runtime::Start {
        connection: None,
        read_only: conn.read_only,
        sandbox: None,
        demo: conn.demo_options(),
        grace: std::time::Duration::from_secs(conn.delete_grace.unwrap_or(5)),
        allow_dollar_edits: conn.allow_dollar_edits,
        settings: Default::default(),
        profiles: None,
    };
    if let Some(c) = config {
        start.settings = tui_settings(&c.config);
        if !c.config.profiles.is_empty() {
            let options = crate::api::ClientOptions {
                timeout: std::time::Duration::from_secs(conn.timeout.max(1)),
                ..Default::default()
            };
            let given = c.inputs.key_given.and(conn.api_key.clone());
            start.profiles =
                Some(crate::runtime::Profiles::new(c.config, c.inputs, given, options, conn.insecure));
        }
    }
    if configured {
        let connection = connect(conn)
            .await
            .map_err(|e| if conn.demo { Failure::failed(e) } else { Failure::usage(e) })?;
        let info = crate::app::Connection {
            host: connection.client.host().as_str().to_string(),
            project: connection.client.project().to_string(),
            profile: if connection.sandbox.is_some() { None } else { conn.profile.clone() },
            demo: connection.sandbox.is_some(),
        };
        start.connection = Some(crate::runtime::Connected { client: connection.client, info });
        start.sandbox = connection.sandbox;
    }
    crate::runtime::run(start).await.map_err(|e| match e.downcast_ref::<crate::runtime::Interrupted>() {
        Some(i) => Failure { message: i.to_string(), code: i.exit_code() },
        None => Failure::failed(format!("{e:#}")),
    })
}

/// The TUI's part of the config file: preferences, theme (plain under `NO_COLOR`), keys.
fn tui_settings(config: &crate::config::Config) -> crate::runtime::TuiSettings {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let s = &config.settings;
    crate::runtime::TuiSettings {
        prefs: crate::app::Prefs {
            hide_dollar: s.hide_dollar,
            events_range: s.events_range.0,
            mouse: s.mouse,
        },
        theme: config.theme(no_color),
        // Checked when the file was read.
        keymap: config.keymap().unwrap_or_default(),
        clipboard: s.clipboard,
    }
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
