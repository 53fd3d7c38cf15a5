//! Diagnostics: `tracing` to a private log file in the state directory, never to the screen.
//!
//! The file is `$XDG_STATE_HOME/hogdex/hogdex.log` (else `~/.local/state/hogdex/hogdex.log`),
//! created 0600 and appended to. `--log-level` sets hogdex's own level (default `warn`); other
//! crates stay at `warn` so that no library's trace output (headers, frames) reaches the file.
//! `HOGDEX_LOG`, an env-filter string, replaces both when `--log-level` is not given.
use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The environment variable read as an env-filter string when `--log-level` is absent.
pub const ENV: &str = "HOGDEX_LOG";

/// `--log-level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    fn as_str(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// The directory hogdex keeps its journal and log in (`$XDG_STATE_HOME/hogdex`).
pub fn state_dir() -> Result<PathBuf, String> {
    let journal = crate::journal::Journal::default_path()?;
    journal.parent().map(Path::to_path_buf).ok_or_else(|| "the journal path has no directory".to_string())
}

/// `$XDG_STATE_HOME/hogdex/hogdex.log`, else `~/.local/state/hogdex/hogdex.log`.
pub fn default_path() -> Result<PathBuf, String> {
    state_dir().map(|d| d.join("hogdex.log"))
}

/// The filter directives for a `--log-level` (or, without one, `HOGDEX_LOG`, else the config
/// file's `settings.log_level`, else `warn`). `None` means logging is off.
pub fn directives(level: Option<LogLevel>, env: Option<&str>, config: Option<LogLevel>) -> Option<String> {
    let env = env.map(str::trim).filter(|e| !e.is_empty());
    let level = level.or(if env.is_none() { config } else { None });
    let directives = match (level, env) {
        (Some(level), _) => match level {
            LogLevel::Off => return None,
            LogLevel::Error | LogLevel::Warn => level.as_str().to_string(),
            _ => format!("warn,hogdex={}", level.as_str()),
        },
        (None, Some(env)) => env.to_string(),
        (None, None) => "warn".to_string(),
    };
    (directives != "off").then_some(directives)
}

/// Starts logging to `path` with `directives`. An error means logging stays off; the caller
/// decides whether to say so (never while the TUI owns the screen).
pub fn init(path: &Path, directives: &str) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_new(directives)
        .map_err(|e| format!("{ENV}/--log-level is not a valid filter ({e}); logging is off"))?;
    let file =
        open(path).map_err(|e| format!("cannot open the log {} ({e}); logging is off", path.display()))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_target(true)
        .try_init()
        .map_err(|e| format!("logging could not start ({e})"))
}

/// Opens `path` for appending, creating its directory (0700) and the file (0600) when missing.
fn open(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_flag_wins_over_env_and_keeps_libraries_at_warn() {
        assert_eq!(directives(None, None, None).as_deref(), Some("warn"));
        assert_eq!(directives(Some(LogLevel::Off), Some("trace"), None), None);
        assert_eq!(directives(Some(LogLevel::Error), None, None).as_deref(), Some("error"));
        assert_eq!(
            directives(Some(LogLevel::Trace), Some("debug"), None).as_deref(),
            Some("warn,hogdex=trace")
        );
        assert_eq!(directives(None, Some("hogdex=debug"), None).as_deref(), Some("hogdex=debug"));
        assert_eq!(directives(None, Some("off"), None), None);
        assert_eq!(directives(None, Some("  "), None).as_deref(), Some("warn"));
        // The config file's level comes after the flag and the variable.
        let info = Some(LogLevel::Info);
        assert_eq!(directives(None, None, info).as_deref(), Some("warn,hogdex=info"));
        assert_eq!(directives(None, Some("error"), info).as_deref(), Some("error"));
        assert_eq!(directives(Some(LogLevel::Off), None, info), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_and_appended() {
        use std::io::Write;
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/hogdex.log");
        writeln!(open(&path).unwrap(), "one").unwrap();
        writeln!(open(&path).unwrap(), "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
