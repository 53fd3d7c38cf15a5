//! `hogdex info`: the paths hogdex uses and the connection flags/environment resolve to, and
//! `hogdex completions` / `hogdex man`, generated from the clap definition. Needs no connection;
//! the key itself is never printed, only whether it is set and where it came from.
use super::Configured;
use super::Failure;
use super::args::{Cli, ConnectionArgs};
use crate::api::{ProjectRef, resolve_host};
use clap::CommandFactory;
use std::io::Write;

/// `$XDG_CONFIG_HOME/hogdex/config.toml`, else `~/.config/hogdex/config.toml`.
pub fn config_path() -> Result<std::path::PathBuf, String> {
    crate::config::default_path()
}

/// The lines `hogdex info` prints.
pub fn lines(conn: &ConnectionArgs, configured: Option<&Configured>) -> Vec<(&'static str, String)> {
    let path = |p: Result<std::path::PathBuf, String>| match p {
        Ok(p) => crate::text::sanitize(&p.display().to_string()).into_owned(),
        Err(e) => format!("unknown: {e}"),
    };
    let mut out = vec![
        (
            "config file",
            match configured {
                Some(c) if c.loaded => format!("{} (read)", path(c.path.clone())),
                _ => format!("{} (not found: using defaults)", path(config_path())),
            },
        ),
        ("journal", path(crate::journal::Journal::default_path())),
        ("log file", path(crate::logging::default_path())),
        ("state dir", path(crate::logging::state_dir())),
    ];
    out.push((
        "profile",
        match configured.and_then(|c| c.profile.as_deref()) {
            Some(p) => crate::text::sanitize(p).into_owned(),
            None => "none".to_string(),
        },
    ));
    if let Some(c) = configured.filter(|c| !c.config.profiles.is_empty()) {
        let names: Vec<String> = c
            .config
            .profiles
            .iter()
            .map(|(name, p)| {
                let ro = if p.read_only == Some(true) { " (read-only)" } else { "" };
                format!("{}{ro}", crate::text::sanitize(name))
            })
            .collect();
        out.push(("profiles", names.join(", ")));
    }
    let command_not_run = configured.is_some_and(|c| c.command_not_run);
    let key_set = command_not_run || conn.api_key.as_deref().is_some_and(|k| !k.trim().is_empty());
    let key_source = configured.and_then(|c| c.key_source);
    out.push((
        "api key",
        match (key_set, key_source) {
            (true, Some(source)) if command_not_run => {
                format!("from {} (not run by info)", source.describe())
            }
            (true, Some(source)) => format!("set (from {})", source.describe()),
            (true, None) => "set".to_string(),
            (false, _) => {
                "not set (--api-key, POSTHOG_PERSONAL_API_KEY, a profile's api_key_command, `hogdex login`, or a profile's api_key)"
                    .to_string()
            }
        },
    ));
    if conn.demo {
        out.push(("connection", "--demo: an in-process sandbox with demo data".to_string()));
    } else if key_set || conn.host.is_some() || conn.project.is_some() {
        let host = match resolve_host(conn.host.as_deref().unwrap_or("us"), conn.insecure) {
            Ok(h) => h.to_string(),
            Err(e) => format!("invalid: {e}"),
        };
        let project = match conn.project.as_deref().unwrap_or("@current").parse::<ProjectRef>() {
            Ok(ProjectRef::Id(id)) => id.to_string(),
            Ok(ProjectRef::Current) => "@current (the key owner's current project)".to_string(),
            Err(e) => format!("invalid: {e}"),
        };
        out.push(("host", crate::text::sanitize(&host).into_owned()));
        out.push(("project", crate::text::sanitize(&project).into_owned()));
    } else {
        out.push(("connection", "not configured (see `hogdex --help`)".to_string()));
    }
    if conn.read_only {
        out.push(("read-only", "yes".to_string()));
    }
    if let Some(c) = configured {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let theme = crate::text::sanitize(&c.config.settings.theme).into_owned();
        out.push(("theme", if no_color { format!("{theme} (NO_COLOR: no colour)") } else { theme }));
        if !c.config.keys.is_empty() {
            let keys = c.config.keymap().unwrap_or_default();
            let mut text = format!("{} action(s) remapped", c.config.keys.len());
            for conflict in &keys.conflicts {
                text.push_str(&format!("; {conflict}"));
            }
            out.push(("keys", text));
        }
    }
    out
}

pub fn print(conn: &ConnectionArgs, configured: Option<&Configured>) -> Result<(), Failure> {
    let lines = lines(conn, configured);
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let text: Vec<String> = lines.iter().map(|(k, v)| format!("{k:<width$}  {v}")).collect();
    super::persons::out(&text.join("\n"))
}

pub fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "hogdex", &mut buf);
    write_stdout(&buf)
}

pub fn man() -> Result<(), Failure> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Failure::failed(format!("cannot render the man page: {e}")))?;
    write_stdout(&buf)
}

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::failed(format!("cannot write to stdout: {e}"))),
    }
}
