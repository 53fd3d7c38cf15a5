//! `hogdex login` and `hogdex logout`: a profile's personal API key in the OS keyring (service
//! `hogdex`, account = the profile name, `default` without one; see [`crate::keyring`]).
//!
//! `login` reads the key from stdin: at a prompt on stderr with the terminal in raw mode (nothing is
//! echoed; Backspace and Ctrl-U edit, Enter ends, Ctrl-C aborts with exit 130) when stdin is a
//! terminal, else the first line. Where there is no keyring it stores nothing anywhere and names
//! the alternatives. The key is never printed or logged; only whether one is stored.
use super::Failure;
use super::args::ConnectionArgs;
use crate::config::{CliInputs, Config, ConfigFile, Profile, Secret};
use crate::keyring::{KeyStore, OsKeyring, SERVICE, StoreError};
use crate::text::sanitize;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::time::Duration;

/// How long `login`/`logout` wait for the OS keyring: longer than a lookup, as the OS may ask
/// the user to unlock it first.
pub const INTERACTIVE_TIMEOUT: Duration = Duration::from_secs(30);

/// Exit code after Ctrl-C at the prompt.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Longest line read from a non-terminal stdin.
const MAX_INPUT: u64 = 64 * 1024;

/// `hogdex login [--check]` against the OS keyring (`HOGDEX_KEYRING=off` turns it off).
pub fn login(conn: &ConnectionArgs, check: bool, file: &ConfigFile) -> Result<(), Failure> {
    let selected = select(conn, file)?;
    let store = interactive_store();
    let store = &*store;
    let account = crate::keyring::account(selected.profile.as_deref());
    if check {
        let line = check_key(store, account)?;
        return super::persons::out(&line);
    }
    let interactive = std::io::stdin().is_terminal();
    // On a terminal, say there is no keyring before asking for the key.
    if interactive
        && let Err(e) = store.get(account)
        && e.is_unavailable()
    {
        return Err(cannot_store(&e, &selected));
    }
    // Listens for the whole interactive login: during the prompt the prompt ends itself (and
    // restores the terminal); later a signal ends the process as it would without a listener.
    let signals = interactive.then(Interrupts::listen).flatten();
    let raw = if interactive {
        read_hidden(
            &format!("PostHog personal API key for profile {}: ", sanitize(account)),
            signals.as_ref(),
        )?
    } else {
        read_line()?
    };
    let stored = store_key(store, account, &raw, &selected, |warning| eprintln!("{warning}"))?;
    eprintln!("{stored}");
    for note in precedence_notes(conn, &selected, account) {
        eprintln!("hogdex: note: {note}");
    }
    Ok(())
}

/// The OS keyring with the patience an unlock prompt needs; `HOGDEX_KEYRING=memory` is a keyring
/// that lives as long as the process (for the terminal tests of the hidden prompt).
fn interactive_store() -> Box<dyn KeyStore> {
    if std::env::var(crate::keyring::ENV).is_ok_and(|v| v.trim().eq_ignore_ascii_case("memory")) {
        return Box::new(crate::keyring::MemoryKeyring::new());
    }
    Box::new(OsKeyring::from_env().with_timeout(INTERACTIVE_TIMEOUT))
}

/// `hogdex logout`: deletes the profile's entry and says whether there was one.
pub fn logout(conn: &ConnectionArgs, file: &ConfigFile) -> Result<(), Failure> {
    // A profile that is gone from the config file (or a config file that no longer parses) must
    // not keep its key in the keyring: an explicit --profile is used as it is.
    let explicit = conn.profile.clone().filter(|p| !p.is_empty());
    let profile = match explicit {
        Some(name) => Some(name),
        None => select(conn, file)?.profile,
    };
    let store = interactive_store();
    let account = crate::keyring::account(profile.as_deref());
    eprintln!("{}", delete_key(&*store, account)?);
    Ok(())
}

/// The profile `login`/`logout` act on, and the config file it came from.
struct Selected {
    profile: Option<String>,
    config: Config,
    path: Option<PathBuf>,
}

impl Selected {
    fn profile(&self) -> Option<&Profile> {
        self.profile.as_ref().and_then(|p| self.config.profiles.get(p))
    }

    fn path_hint(&self) -> String {
        self.path.as_ref().map(|p| format!(" ({})", p.display())).unwrap_or_default()
    }
}

/// `--profile`/`HOGDEX_PROFILE`, else the config file's `default_profile` — the profile every
/// other command would use. It must exist in the config file, as it must for those commands: a
/// key stored under a misspelt name would never be found.
fn select(conn: &ConnectionArgs, file: &ConfigFile) -> Result<Selected, Failure> {
    let path = file.path.clone().ok();
    let config = file.config.clone().map_err(|e| Failure::usage(e.to_string()))?;
    let explicit = conn.profile.clone().filter(|p| !p.is_empty());
    let inputs = CliInputs { profile: explicit.clone(), ..Default::default() };
    let resolved = crate::config::resolve(&inputs, &config).map_err(|e| {
        let name = explicit.as_deref().unwrap_or_default();
        let file = path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default();
        Failure::usage(format!("{e}; add a [profiles.{name}] table to the config file{file} first"))
    })?;
    Ok(Selected { profile: resolved.profile, config, path })
}

/// The key as typed or piped, checked: trimmed, not empty, one word. Also a warning when it does
/// not look like a personal API key. Errors never repeat the input.
fn validate(raw: &str) -> Result<(Secret, Option<String>), Failure> {
    let key = raw.trim();
    if key.is_empty() {
        return Err(Failure::usage(
            "no key given: paste a PostHog personal API key (phx_…) at the prompt, or pipe it on stdin \
             (e.g. `pass show posthog | hogdex login`); nothing was stored",
        ));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Failure::usage(
            "the key contains spaces or control characters, but a PostHog personal API key is one word \
             (phx_…); nothing was stored",
        ));
    }
    let warning = (!key.starts_with("phx_")).then(|| {
        "hogdex: warning: the key does not start with phx_ as PostHog personal API keys do (a project \
         API key, phc_…, cannot read persons); storing it anyway"
            .to_string()
    });
    Ok((Secret(key.to_string()), warning))
}

/// Validates `raw` (handing a warning to `warn` first) and stores it for `account`; the line to
/// print on stderr.
fn store_key(
    store: &dyn KeyStore,
    account: &str,
    raw: &str,
    selected: &Selected,
    mut warn: impl FnMut(String),
) -> Result<String, Failure> {
    let (key, warning) = validate(raw)?;
    if let Some(w) = warning {
        warn(w);
    }
    store.set(account, &key).map_err(|e| cannot_store(&e, selected))?;
    let account = sanitize(account);
    Ok(format!(
        "Stored the key for profile {account} in the OS keyring (service {SERVICE}, account {account})."
    ))
}

/// One sentence: why nothing was stored, and what to use instead.
fn cannot_store(e: &StoreError, selected: &Selected) -> Failure {
    let what =
        if e.is_unavailable() { "cannot store the key" } else { "cannot store the key in the OS keyring" };
    Failure::failed(format!(
        "{what}: {e}; nothing was stored — use the profile's api_key_command in the config file{} or set \
         POSTHOG_PERSONAL_API_KEY instead",
        selected.path_hint()
    ))
}

/// `login --check`: whether a key is stored (an error, exit 1, when not).
fn check_key(store: &dyn KeyStore, account: &str) -> Result<String, Failure> {
    let found = crate::keyring::lookup(store, Some(account))
        .map_err(|e| Failure::failed(format!("cannot read the OS keyring: {e}")))?;
    let where_ = format!("in the OS keyring (service {SERVICE}, account {})", sanitize(account));
    match found {
        Some(_) => Ok(format!("A key is stored for profile {} {where_}.", sanitize(account))),
        None => Err(Failure::failed(format!("no key is stored for profile {} {where_}", sanitize(account)))),
    }
}

/// `logout`: the line to print.
fn delete_key(store: &dyn KeyStore, account: &str) -> Result<String, Failure> {
    let existed = store
        .delete(account)
        .map_err(|e| Failure::failed(format!("cannot delete the key from the OS keyring: {e}")))?;
    let account = sanitize(account);
    let entry = format!("the OS keyring (service {SERVICE}, account {account})");
    Ok(if existed {
        format!("Deleted the key for profile {account} from {entry}.")
    } else {
        format!("No key was stored for profile {account} in {entry}.")
    })
}

/// After a login: sources that come before the keyring (and so hide the stored key), and a
/// plain-text key in the config file that the keyring now replaces.
fn precedence_notes(conn: &ConnectionArgs, selected: &Selected, account: &str) -> Vec<String> {
    let mut notes = Vec::new();
    let name = sanitize(account);
    if conn.api_key.as_deref().is_some_and(|k| !k.trim().is_empty()) {
        notes.push(
            "--api-key or POSTHOG_PERSONAL_API_KEY is set here, and takes precedence over the keyring"
                .to_string(),
        );
    }
    if let Some(profile) = selected.profile() {
        if profile.api_key_command.is_some() {
            notes.push(format!(
                "profile {name}'s api_key_command takes precedence over the keyring; remove it from the \
                 config file to use the stored key"
            ));
        } else if profile.api_key.is_some() {
            notes.push(format!(
                "the stored key takes precedence over profile {name}'s api_key in the config file; you can \
                 remove that one"
            ));
        }
    }
    notes
}

/// The first line of a non-terminal stdin (at most 64 KiB).
fn read_line() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .take(MAX_INPUT)
        .read_line(&mut line)
        .map_err(|e| Failure::failed(format!("cannot read the key from stdin: {e}")))?;
    Ok(line)
}

/// Termination signals during an interactive login. While the hidden prompt runs, a signal is
/// recorded for it to end itself (restoring the terminal); at any other time the process exits
/// with 128 + the signal, as it would have without a listener.
struct Interrupts {
    received: std::sync::Arc<std::sync::atomic::AtomicI32>,
    prompting: std::sync::Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Interrupts {
    /// `None` outside a tokio runtime (the default actions then apply).
    fn listen() -> Option<Interrupts> {
        use std::sync::atomic::Ordering;
        let handle = tokio::runtime::Handle::try_current().ok()?;
        let _entered = handle.enter();
        let mut signals = crate::runtime::Signals::new().ok()?;
        let received = std::sync::Arc::new(std::sync::atomic::AtomicI32::new(0));
        let prompting = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (r, p) = (received.clone(), prompting.clone());
        let task = handle.spawn(async move {
            let signal = signals.recv().await;
            r.store(signal, Ordering::SeqCst);
            if !p.load(Ordering::SeqCst) {
                eprintln!("hogdex: interrupted by signal {signal}");
                std::process::exit(128 + signal);
            }
        });
        Some(Interrupts { received, prompting, task })
    }

    /// Marks the prompt as running until the guard is dropped.
    fn prompting(&self) -> PromptGuard {
        self.prompting.store(true, std::sync::atomic::Ordering::SeqCst);
        PromptGuard(self.prompting.clone())
    }

    /// The signal received, or 0.
    fn received(&self) -> i32 {
        self.received.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Interrupts {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct PromptGuard(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for PromptGuard {
    fn drop(&mut self) {
        self.0.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Restores the terminal's mode when dropped, on every path out of [`read_hidden`].
struct RawMode;

impl RawMode {
    fn enable() -> std::io::Result<RawMode> {
        crossterm::terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// What one key press does to the hidden input.
#[derive(Debug, PartialEq, Eq)]
enum Edit {
    Push(char),
    Backspace,
    Clear,
    Done,
    Cancel,
    Ignore,
}

fn edit_for(event: &crossterm::event::Event) -> Edit {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
    let Event::Key(key) = event else {
        return Edit::Ignore;
    };
    if key.kind == KeyEventKind::Release {
        return Edit::Ignore;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter => Edit::Done,
        KeyCode::Char('c') if ctrl => Edit::Cancel,
        KeyCode::Char('d') if ctrl => Edit::Done,
        KeyCode::Char('u') if ctrl => Edit::Clear,
        KeyCode::Char('j' | 'm') if ctrl => Edit::Done,
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => Edit::Push(c),
        _ => Edit::Ignore,
    }
}

/// Prompts on stderr and reads a line from the terminal without echoing it (raw mode, restored
/// on every path). Ctrl-C aborts with exit 130.
fn read_hidden(prompt: &str, signals: Option<&Interrupts>) -> Result<String, Failure> {
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "{prompt}");
    let _ = stderr.flush();
    let terminal_error =
        |e: std::io::Error| Failure::failed(format!("cannot read the key from the terminal: {e}"));
    let mut key = String::new();
    // SIGTERM/SIGHUP/SIGINT would kill the process with the terminal still raw: the listener
    // hands them to this loop instead (it looks every 100 ms), which restores the terminal.
    let _prompting = signals.map(Interrupts::prompting);
    let outcome = {
        let _raw = RawMode::enable().map_err(terminal_error)?;
        loop {
            let signal = signals.map_or(0, Interrupts::received);
            if signal != 0 {
                break Err(Failure {
                    message: format!("interrupted by signal {signal}; nothing was stored"),
                    code: u8::try_from(128 + signal).unwrap_or(1),
                });
            }
            match crossterm::event::poll(std::time::Duration::from_millis(100)) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(e) => break Err(terminal_error(e)),
            }
            let event = match crossterm::event::read() {
                Ok(event) => event,
                Err(e) => break Err(terminal_error(e)),
            };
            if let crossterm::event::Event::Paste(text) = &event {
                key.push_str(text);
                continue;
            }
            match edit_for(&event) {
                Edit::Push(c) => key.push(c),
                Edit::Backspace => {
                    key.pop();
                }
                Edit::Clear => key.clear(),
                Edit::Done => break Ok(()),
                Edit::Cancel => {
                    break Err(Failure {
                        message: "cancelled; nothing was stored".into(),
                        code: EXIT_INTERRUPTED,
                    });
                }
                Edit::Ignore => {}
            }
        }
    };
    // Raw mode swallowed the Enter: end the prompt's line.
    let _ = writeln!(stderr);
    outcome.map(|()| key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyring::MemoryKeyring;
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

    fn selected(config: &str, profile: Option<&str>) -> Selected {
        Selected {
            profile: profile.map(str::to_string),
            config: Config::parse(config).unwrap(),
            path: Some(PathBuf::from("/home/u/.config/hogdex/config.toml")),
        }
    }

    #[test]
    fn keys_are_trimmed_and_must_be_one_word() {
        let (key, warning) = validate("  phx_abc123\n").unwrap();
        assert_eq!((key, warning), (Secret("phx_abc123".into()), None));
        for raw in ["", "   \n", "\t"] {
            let e = validate(raw).unwrap_err();
            assert!(e.message.starts_with("no key given") && e.code == super::super::EXIT_USAGE, "{e:?}");
        }
        for raw in ["phx_a b", "phx_a\tb", "phx_a\u{1b}b"] {
            let e = validate(raw).unwrap_err();
            assert!(e.message.contains("one word") && !e.message.contains("phx_a"), "{e:?}");
        }
        let (key, warning) = validate("phc_project_key").unwrap();
        assert_eq!(key, Secret("phc_project_key".into()));
        let warning = warning.unwrap();
        assert!(warning.contains("does not start with phx_") && !warning.contains("phc_project_key"));
    }

    #[test]
    fn login_stores_under_the_account() {
        let store = MemoryKeyring::new();
        let sel = selected("[profiles.work]\n", Some("work"));
        let mut warnings = Vec::new();
        let line = store_key(&store, "work", "phx_secret_1\n", &sel, |w| warnings.push(w)).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(line, "Stored the key for profile work in the OS keyring (service hogdex, account work).");
        assert_eq!(store.get("work").unwrap(), Some(Secret("phx_secret_1".into())));
        assert_eq!(
            check_key(&store, "work").unwrap(),
            "A key is stored for profile work in the OS keyring (service hogdex, account work)."
        );
        assert!(
            check_key(&store, "default")
                .unwrap_err()
                .message
                .starts_with("no key is stored for profile default")
        );
        assert!(delete_key(&store, "work").unwrap().starts_with("Deleted the key for profile work"));
        assert!(delete_key(&store, "work").unwrap().starts_with("No key was stored for profile work"));
        let e = store_key(&store, "work", "", &sel, |_| {}).unwrap_err();
        assert!(e.message.starts_with("no key given"));
        assert!(store.accounts().is_empty());
    }

    #[test]
    fn without_a_keyring_nothing_is_stored_and_alternatives_are_named() {
        let sel = selected("", None);
        let off = OsKeyring::from_env_value(Some("off"));
        let e = store_key(&off, "default", "phx_never_shown", &sel, |_| {}).unwrap_err();
        assert_eq!(e.code, super::super::EXIT_FAILURE);
        assert!(!e.message.contains("phx_never_shown"));
        assert!(e.message.contains("HOGDEX_KEYRING=off"), "{}", e.message);
        assert!(e.message.contains("api_key_command") && e.message.contains("POSTHOG_PERSONAL_API_KEY"));
        assert!(e.message.contains("/home/u/.config/hogdex/config.toml"), "{}", e.message);
        let broken = MemoryKeyring::failing(StoreError::Failed("the OS keyring failed: boom".into()));
        let mut warnings = Vec::new();
        let e = store_key(&broken, "default", "phc_never_shown", &sel, |w| warnings.push(w)).unwrap_err();
        assert!(warnings.len() == 1 && warnings[0].contains("does not start with phx_"), "{warnings:?}");
        assert!(e.message.contains("boom") && !e.message.contains("phc_never_shown"), "{}", e.message);
        assert!(delete_key(&off, "default").unwrap_err().message.contains("HOGDEX_KEYRING=off"));
        assert!(check_key(&off, "default").unwrap_err().message.contains("HOGDEX_KEYRING=off"));
    }

    #[test]
    fn notes_name_the_sources_that_win() {
        let config = "[profiles.cmd]\napi_key_command = \"echo k\"\n\
                      [profiles.file]\napi_key = \"phx_f\"\n[profiles.bare]\n";
        let conn = |key: Option<&str>| {
            let mut args = <super::super::Cli as clap::Parser>::parse_from(["hogdex", "login"]).conn;
            args.api_key = key.map(str::to_string);
            args
        };
        let notes = precedence_notes(&conn(None), &selected(config, Some("cmd")), "cmd");
        assert!(notes.len() == 1 && notes[0].contains("api_key_command takes precedence"), "{notes:?}");
        let notes = precedence_notes(&conn(None), &selected(config, Some("file")), "file");
        assert!(notes.len() == 1 && notes[0].contains("you can remove that one"), "{notes:?}");
        assert!(!notes[0].contains("phx_f"));
        assert!(precedence_notes(&conn(None), &selected(config, Some("bare")), "bare").is_empty());
        let notes = precedence_notes(&conn(Some("phx_env")), &selected(config, Some("bare")), "bare");
        assert!(
            notes.len() == 1
                && notes[0].contains("POSTHOG_PERSONAL_API_KEY")
                && !notes[0].contains("phx_env")
        );
    }

    #[test]
    fn hidden_input_editing_keys() {
        let key = |code, modifiers| Event::Key(KeyEvent::new(code, modifiers));
        let none = KeyModifiers::NONE;
        assert_eq!(edit_for(&key(KeyCode::Char('x'), none)), Edit::Push('x'));
        assert_eq!(edit_for(&key(KeyCode::Char('X'), KeyModifiers::SHIFT)), Edit::Push('X'));
        assert_eq!(edit_for(&key(KeyCode::Backspace, none)), Edit::Backspace);
        assert_eq!(edit_for(&key(KeyCode::Enter, none)), Edit::Done);
        assert_eq!(edit_for(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)), Edit::Cancel);
        assert_eq!(edit_for(&key(KeyCode::Char('u'), KeyModifiers::CONTROL)), Edit::Clear);
        assert_eq!(edit_for(&key(KeyCode::Char('d'), KeyModifiers::CONTROL)), Edit::Done);
        assert_eq!(edit_for(&key(KeyCode::Esc, none)), Edit::Ignore);
        let mut release = KeyEvent::new(KeyCode::Char('x'), none);
        release.kind = KeyEventKind::Release;
        assert_eq!(edit_for(&Event::Key(release)), Edit::Ignore);
        assert_eq!(edit_for(&Event::FocusGained), Edit::Ignore);
    }
}
