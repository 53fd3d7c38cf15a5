//! Command-line arguments (clap derive). The API key flag never shows its environment value in
//! `--help`.
use crate::typed_value::ValueType;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "hogdex",
    version,
    about = "A keyboard-driven terminal UI and scripting CLI for PostHog persons",
    long_about = "hogdex browses, edits and deletes PostHog persons.\n\n\
        Try it without an account: `hogdex --demo` runs against a built-in PostHog-compatible sandbox.\n\
        Against real PostHog set POSTHOG_PERSONAL_API_KEY, POSTHOG_HOST (us, eu or your URL) and POSTHOG_PROJECT_ID."
)]
pub struct Cli {
    #[command(flatten)]
    pub conn: ConnectionArgs,
    /// Detail written to the log file ($XDG_STATE_HOME/hogdex/hogdex.log) [default: warn; without
    /// this flag HOGDEX_LOG, an env-filter string, is used]
    #[arg(long, global = true, value_enum, value_name = "LEVEL")]
    pub log_level: Option<crate::logging::LogLevel>,
    /// Where the API key came from (set by [`Cli::parse_args`]; never shown).
    #[arg(skip)]
    pub key_source: Option<KeySource>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

pub use crate::config::KeySource;

impl Cli {
    /// Parses the process arguments like `Cli::parse`, and records where the API key came from.
    pub fn parse_args() -> Self {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Self::command().get_matches();
        let mut cli =
            Self::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut Self::command()).exit());
        cli.key_source = key_source(&matches);
        cli
    }
}

/// The source of `api_key` in these matches or a subcommand's (where a global flag lands).
pub fn key_source(matches: &clap::ArgMatches) -> Option<KeySource> {
    use clap::parser::ValueSource;
    let here = match matches.value_source("api_key") {
        Some(ValueSource::CommandLine) => Some(KeySource::Flag),
        Some(ValueSource::EnvVariable) => Some(KeySource::Env),
        _ => None,
    };
    let below = matches.subcommand().and_then(|(_, m)| key_source(m));
    match (here, below) {
        (Some(KeySource::Flag), _) | (_, Some(KeySource::Flag)) => Some(KeySource::Flag),
        (a, b) => a.or(b),
    }
}

#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// Run against an embedded PostHog-compatible sandbox with demo data (no account needed)
    #[arg(long, global = true)]
    pub demo: bool,
    /// Config profile to use (see `hogdex info` for the config file) [default: default_profile]
    #[arg(long, global = true, env = "HOGDEX_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// PostHog host: `us`, `eu`, or a URL such as https://posthog.example.com
    #[arg(long, global = true, env = "POSTHOG_HOST", value_name = "HOST")]
    pub host: Option<String>,
    /// Project id (a number, or @current for the key owner's current project)
    #[arg(long, global = true, env = "POSTHOG_PROJECT_ID", value_name = "ID")]
    pub project: Option<String>,
    /// Personal API key (phx_…); prefer the environment variable over the flag
    #[arg(long, global = true, env = "POSTHOG_PERSONAL_API_KEY", hide_env_values = true, value_name = "KEY")]
    pub api_key: Option<String>,
    /// Allow plain http:// to a host that is not this machine (sends the key unencrypted)
    #[arg(long, global = true)]
    pub insecure: bool,
    /// Refuse every write: nothing that changes data is sent (the TUI hides write actions)
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Seconds before a request is abandoned
    #[arg(long, global = true, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
    /// TUI: seconds a confirmed deletion waits (u undoes it meanwhile); 0 sends at once [default:
    /// settings.delete_grace_secs, else 5]
    #[arg(long, global = true, value_name = "SECS")]
    pub delete_grace: Option<u64>,
    /// TUI: allow editing and deleting PostHog's own $-properties (read-only by default)
    #[arg(long, global = true)]
    pub allow_dollar_edits: bool,
    /// With --demo: extra sandbox persons from a JSON file (as `hogdex sandbox --fixtures`)
    #[arg(long, global = true, value_name = "FILE", hide_short_help = true)]
    pub demo_fixtures: Option<PathBuf>,
    /// With --demo: number of generated demo persons
    #[arg(long, global = true, default_value_t = 5000, value_name = "N", hide_short_help = true)]
    pub demo_persons: usize,
}

impl ConnectionArgs {
    /// The sandbox `--demo` (or the welcome screen's demo) starts.
    pub fn demo_options(&self) -> crate::runtime::DemoOptions {
        crate::runtime::DemoOptions { persons: self.demo_persons, fixtures: self.demo_fixtures.clone() }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read, edit and delete persons from scripts
    #[command(subcommand)]
    Persons(PersonsCommand),
    /// List the projects the key can see
    Projects {
        #[arg(long)]
        json: bool,
    },
    /// Run the PostHog-compatible sandbox server on 127.0.0.1
    Sandbox(crate::sandbox::SandboxArgs),
    /// Show the local journal of writes hogdex sent (with each person's state before the write)
    Journal {
        /// Show the newest N writes
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: usize,
        /// Print the entries as a JSON array (with the full pre-images)
        #[arg(long)]
        json: bool,
    },
    /// Print the files and directories hogdex uses, and the connection it would make
    Info,
    /// Store a personal API key in the OS keyring for a profile (`--profile`, else the default)
    #[command(long_about = "Store a personal API key in the OS keyring for a profile.\n\n\
        The key is read from stdin: typed or pasted at a hidden prompt on a terminal, else the first \
        line (e.g. `pass show posthog | hogdex login --profile work`). It is stored under service \
        `hogdex` and account <profile name> (`default` without a profile), and used when neither \
        --api-key, POSTHOG_PERSONAL_API_KEY nor the profile's api_key_command gives a key.\n\n\
        Where there is no OS keyring (no Secret Service on Linux, a container, CI), nothing is \
        stored: use the profile's api_key_command in the config file, or POSTHOG_PERSONAL_API_KEY. \
        HOGDEX_KEYRING=off turns the OS keyring off altogether.")]
    Login {
        /// Only say whether a key is stored for the profile (never prints it); exit 1 if not
        #[arg(long)]
        check: bool,
    },
    /// Delete the profile's key from the OS keyring (`--profile`, else the default)
    Logout,
    /// Print a shell completion script (e.g. `hogdex completions bash > ~/.local/share/bash-completion/completions/hogdex`)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `hogdex man > ~/.local/share/man/man1/hogdex.1`
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum PersonsCommand {
    /// List persons, newest first
    List {
        /// Case-insensitive substring of email, name, UUID or a distinct id
        #[arg(long)]
        search: Option<String>,
        /// Exact distinct id
        #[arg(long)]
        distinct_id: Option<String>,
        /// Exact email
        #[arg(long)]
        email: Option<String>,
        /// Property filter: key=value, key!=value, key~substring, key? (is set), key!? (is not set)
        #[arg(long = "where", value_name = "FILTER")]
        filters: Vec<String>,
        /// Persons per page (PostHog's default is 100)
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Follow every page
        #[arg(long)]
        all: bool,
        /// Also print the total count (include_total)
        #[arg(long)]
        total: bool,
        /// Print JSON (an array of list-shape persons); same as --format json
        #[arg(long, conflicts_with = "format")]
        json: bool,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Show one person (UUID, integer id or distinct id)
    Get {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Set one property (update_property); the value is a string unless --type says otherwise
    Set {
        id: String,
        key: String,
        value: String,
        #[arg(long = "type", default_value = "string", value_parser = parse_value_type)]
        value_type: ValueType,
    },
    /// Remove one property (delete_property)
    Unset { id: String, key: String },
    /// $set several properties at once (PATCH) from a JSON object
    Update {
        id: String,
        #[arg(long, value_name = "JSON")]
        properties: String,
    },
    /// Delete persons (and optionally their events and recordings)
    Delete {
        #[arg(required = true)]
        ids: Vec<String>,
        #[command(flatten)]
        flags: DeleteFlags,
    },
    /// Queue deletion of a person's events, keeping the person
    DeleteEvents {
        id: String,
        #[arg(long)]
        yes: bool,
    },
    /// Let a distinct id of a deleted person be used again
    ResetDistinctId {
        distinct_id: String,
        #[arg(long)]
        yes: bool,
    },
    /// Split a person: every distinct id to its own person (--main keeps one), or --extract some
    Split {
        id: String,
        /// The distinct id that keeps the person and its properties
        #[arg(long, conflicts_with = "extract")]
        main: Option<String>,
        /// Move only these distinct ids off the person
        #[arg(long, num_args = 1..)]
        extract: Vec<String>,
        #[arg(long)]
        yes: bool,
    },
    /// Delete many persons from a file of ids, one per line, in batches of 1,000
    BulkDelete {
        /// File of person UUIDs
        #[arg(long, conflicts_with = "distinct_ids_from", required_unless_present = "distinct_ids_from")]
        ids_from: Option<PathBuf>,
        /// File of distinct ids
        #[arg(long)]
        distinct_ids_from: Option<PathBuf>,
        #[command(flatten)]
        flags: DeleteFlags,
    },
    /// Cohorts the person belongs to
    Cohorts {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Activity log of one person, or of every person when no id is given
    Activity {
        id: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[arg(long, default_value_t = 10)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Status of queued person deletions
    DeletionStatus {
        #[arg(long, value_parser = ["all", "pending", "completed"], default_value = "all")]
        status: String,
        #[arg(long)]
        json: bool,
    },
    /// A person's properties over time, as a diff per point (properties_timeline; built from the
    /// person's events when the key cannot use that endpoint)
    Timeline {
        id: String,
        /// Start: YYYY-MM-DD, an ISO timestamp, -30d, or all (PostHog's default: the last 7 days)
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        from: Option<String>,
        /// End (default: today)
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        to: Option<String>,
        /// Follow this property (repeatable): a new point starts whenever one of them changes
        #[arg(long = "property", value_name = "KEY")]
        properties: Vec<String>,
        /// Print the points as JSON (with `source`)
        #[arg(long)]
        json: bool,
    },
    /// A person's events, newest first (query API)
    Events {
        id: String,
        /// Oldest event time: -7d, -24h, YYYY-MM-DD, an ISO timestamp, or all
        #[arg(long, default_value = crate::api::DEFAULT_EVENTS_AFTER, value_name = "DATE", allow_hyphen_values = true)]
        after: String,
        /// Newest event time
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        before: Option<String>,
        /// Only events with this name
        #[arg(long, value_name = "NAME")]
        event: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Print `{"events": [...], "has_more": bool}`
        #[arg(long)]
        json: bool,
    },
    /// Persons who reached a funnel step, or dropped off before it (legacy endpoint: needs a
    /// personal API key without scopes)
    Funnel {
        #[command(flatten)]
        funnel: FunnelArgs,
        /// The step (1 = the first event)
        #[arg(long, value_name = "N")]
        step: u32,
        /// Persons who did the step before but not this one
        #[arg(long)]
        dropped: bool,
        #[command(flatten)]
        page: ActorPageArgs,
    },
    /// Persons of a funnel who also did an event, among those who converted (or, with
    /// --dropped, did not); older PostHog only
    Correlation {
        #[command(flatten)]
        funnel: FunnelArgs,
        /// The correlated event
        #[arg(long, value_name = "NAME")]
        event: String,
        /// Persons who did not finish the funnel
        #[arg(long)]
        dropped: bool,
        #[command(flatten)]
        page: ActorPageArgs,
    },
    /// Persons in one bar of a lifecycle insight (legacy endpoint: needs a personal API key
    /// without scopes)
    Lifecycle {
        /// The bar's period, e.g. 2026-11-20
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        target_date: String,
        #[arg(long = "type", value_name = "TYPE", value_parser = parse_lifecycle_type)]
        lifecycle_type: crate::api::LifecycleType,
        /// Activity event (repeatable; default $pageview)
        #[arg(long = "event", value_name = "NAME")]
        events: Vec<String>,
        #[arg(long, value_parser = ["hour", "day", "week", "month"], default_value = "day")]
        interval: String,
        /// Start of the insight's range (PostHog's default: the last 7 days)
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        from: Option<String>,
        /// End of the insight's range (default: today)
        #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
        to: Option<String>,
        #[command(flatten)]
        page: ActorPageArgs,
    },
}

/// Paging and output of the insight-persons commands (`funnel`, `correlation`, `lifecycle`).
#[derive(Debug, Clone, Args)]
pub struct ActorPageArgs {
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
    /// Print `{"persons": [...], "count": N, "next": …}`
    #[arg(long)]
    pub json: bool,
}

/// The funnel shared by `funnel` and `correlation`.
#[derive(Debug, Clone, Args)]
pub struct FunnelArgs {
    /// The funnel's events in order, comma-separated (at least two)
    #[arg(long, value_delimiter = ',', required = true, value_name = "A,B,…")]
    pub steps: Vec<String>,
    /// Start: YYYY-MM-DD, -30d, … (PostHog's default: the last 7 days)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub from: Option<String>,
    /// End (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub to: Option<String>,
    /// Conversion window in days (PostHog's default: 14)
    #[arg(long, value_name = "DAYS")]
    pub window_days: Option<u32>,
}

/// Options shared by `delete` and `bulk-delete`.
impl PersonsCommand {
    /// Whether the command changes data (refused with `--read-only` before anything is sent).
    pub fn is_write(&self) -> bool {
        match self {
            PersonsCommand::Set { .. }
            | PersonsCommand::Unset { .. }
            | PersonsCommand::Update { .. }
            | PersonsCommand::Delete { .. }
            | PersonsCommand::DeleteEvents { .. }
            | PersonsCommand::ResetDistinctId { .. }
            | PersonsCommand::Split { .. }
            | PersonsCommand::BulkDelete { .. } => true,
            PersonsCommand::List { .. }
            | PersonsCommand::Get { .. }
            | PersonsCommand::Cohorts { .. }
            | PersonsCommand::Activity { .. }
            | PersonsCommand::DeletionStatus { .. }
            | PersonsCommand::Timeline { .. }
            | PersonsCommand::Events { .. }
            | PersonsCommand::Funnel { .. }
            | PersonsCommand::Correlation { .. }
            | PersonsCommand::Lifecycle { .. } => false,
        }
    }
}

#[derive(Debug, Clone, Copy, Args)]
pub struct DeleteFlags {
    /// Also queue deletion of the persons' events
    #[arg(long)]
    pub delete_events: bool,
    /// Also delete the persons' session recordings
    #[arg(long)]
    pub delete_recordings: bool,
    /// Confirm; without it nothing is sent
    #[arg(long)]
    pub yes: bool,
}

impl DeleteFlags {
    pub fn options(&self) -> crate::api::DeleteOptions {
        crate::api::DeleteOptions {
            delete_events: self.delete_events,
            delete_recordings: self.delete_recordings,
            keep_person: false,
        }
    }
}

fn parse_value_type(s: &str) -> Result<ValueType, String> {
    s.parse()
}

fn parse_lifecycle_type(s: &str) -> Result<crate::api::LifecycleType, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn tui_write_settings_parse() {
        let cli =
            Cli::try_parse_from(["hogdex", "--delete-grace", "0", "--allow-dollar-edits", "--read-only"])
                .unwrap();
        assert_eq!(
            (cli.conn.delete_grace, cli.conn.allow_dollar_edits, cli.conn.read_only),
            (Some(0), true, true)
        );
        let defaults = Cli::try_parse_from(["hogdex"]).unwrap();
        assert_eq!((defaults.conn.delete_grace, defaults.conn.allow_dollar_edits), (None, false));
    }

    #[test]
    fn history_commands_parse() {
        let cli = Cli::try_parse_from([
            "hogdex",
            "persons",
            "timeline",
            "42",
            "--from",
            "-30d",
            "--property",
            "plan",
            "--property",
            "email",
        ])
        .unwrap();
        let Some(Command::Persons(PersonsCommand::Timeline { from, properties, .. })) = cli.command else {
            panic!("not a timeline");
        };
        assert_eq!((from.as_deref(), properties.len()), (Some("-30d"), 2));
        let cli = Cli::try_parse_from([
            "hogdex",
            "persons",
            "funnel",
            "--steps",
            "a,b,c",
            "--step",
            "2",
            "--dropped",
        ])
        .unwrap();
        let Some(Command::Persons(PersonsCommand::Funnel { funnel, step, dropped, .. })) = cli.command else {
            panic!("not a funnel");
        };
        assert_eq!((funnel.steps, step, dropped), (vec!["a".into(), "b".into(), "c".into()], 2, true));
        assert!(
            Cli::try_parse_from([
                "hogdex",
                "persons",
                "lifecycle",
                "--target-date",
                "2026-11-20",
                "--type",
                "sleepy"
            ])
            .is_err()
        );
        let cli = Cli::try_parse_from(["hogdex", "persons", "events", "x"]).unwrap();
        let Some(Command::Persons(PersonsCommand::Events { after, .. })) = cli.command else {
            panic!("not events");
        };
        assert_eq!(after, "-7d");
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_never_shows_the_key_from_the_environment() {
        // SAFETY: tests in this module do not read the environment concurrently.
        unsafe { std::env::set_var("POSTHOG_PERSONAL_API_KEY", "phx_should_not_show") };
        let help = Cli::command().render_long_help().to_string();
        unsafe { std::env::remove_var("POSTHOG_PERSONAL_API_KEY") };
        assert!(help.contains("POSTHOG_PERSONAL_API_KEY"));
        assert!(!help.contains("phx_should_not_show"));
    }
}
