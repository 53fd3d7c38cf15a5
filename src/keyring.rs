//! The OS keyring as a key source: macOS Keychain, Windows Credential Manager, or the Secret
//! Service (GNOME Keyring, KWallet, KeePassXC …) over the D-Bus session bus on Linux and BSD.
//!
//! Each key is one entry with service `hogdex` and, as its account (user), the profile name —
//! `default` when no profile is selected (see [`account`]). `hogdex login` writes the entry,
//! `hogdex logout` deletes it, and key resolution reads it through [`lookup`].
//!
//! Every call is synchronous and safe from any thread, including a tokio runtime's: the OS call
//! runs on a fresh thread (the Secret Service client drives its own runtime, which must not be
//! started from inside another) and is abandoned after a timeout, which counts as
//! [`StoreError::Unavailable`]. Setting `HOGDEX_KEYRING=off` turns the OS keyring off: every call
//! is `Unavailable` at once, nothing is asked of the OS (for CI, containers and tests).
//! `hogdex login`/`logout` also take `HOGDEX_KEYRING=memory`: a keyring that lives as long as the
//! process, so the terminal tests can drive the hidden prompt.
//!
//! The key is never part of an error message, a log line or `Debug` output.
use crate::config::Secret;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

/// The keyring entries' service name.
pub const SERVICE: &str = "hogdex";

/// The account used when no profile is selected.
pub const DEFAULT_ACCOUNT: &str = "default";

/// The environment variable that turns the OS keyring off (`HOGDEX_KEYRING=off`).
pub const ENV: &str = "HOGDEX_KEYRING";

/// How long a call may take before the keyring counts as unavailable.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// The keyring entry's account for a profile: its name, or `default` without one.
pub fn account(profile: Option<&str>) -> &str {
    profile.filter(|p| !p.is_empty()).unwrap_or(DEFAULT_ACCOUNT)
}

/// The key stored for `profile` ([`account`] names the entry). A stored value that is empty or
/// only whitespace counts as no key; surrounding whitespace is trimmed.
pub fn lookup(store: &dyn KeyStore, profile: Option<&str>) -> Result<Option<Secret>, StoreError> {
    let key = store.get(account(profile))?;
    Ok(key.map(|k| k.0.trim().to_string()).filter(|k| !k.is_empty()).map(Secret))
}

/// Why the keyring could not be used. `Display` is one friendly sentence (lower-case, no final
/// period, like the CLI's other errors) and never contains the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// There is no usable keyring here: turned off, no D-Bus session bus or Secret Service, a
    /// locked collection, no answer in time. Key resolution moves on to the next source.
    #[error("{0}")]
    Unavailable(String),
    /// The keyring is there but the call failed.
    #[error("{0}")]
    Failed(String),
}

impl StoreError {
    pub fn message(&self) -> &str {
        match self {
            StoreError::Unavailable(m) | StoreError::Failed(m) => m,
        }
    }

    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

/// Where keys are kept, by account (see [`account`]).
pub trait KeyStore: Send + Sync {
    /// The stored key, or `None` when there is no entry.
    fn get(&self, account: &str) -> Result<Option<Secret>, StoreError>;
    /// Stores `key`, replacing any earlier one.
    fn set(&self, account: &str, key: &Secret) -> Result<(), StoreError>;
    /// Deletes the entry; whether there was one.
    fn delete(&self, account: &str) -> Result<bool, StoreError>;
}

/// The operating system's keyring.
#[derive(Debug, Clone)]
pub struct OsKeyring {
    off: bool,
    timeout: Duration,
}

impl Default for OsKeyring {
    fn default() -> Self {
        Self::from_env()
    }
}

impl OsKeyring {
    /// The OS keyring, unless `HOGDEX_KEYRING=off`; calls time out after [`DEFAULT_TIMEOUT`].
    pub fn from_env() -> Self {
        Self::from_env_value(std::env::var(ENV).ok().as_deref())
    }

    /// As [`OsKeyring::from_env`] with `value` for `HOGDEX_KEYRING`: `off` (also `0`, `false`,
    /// `no`, any case) turns the keyring off; anything else, or nothing, leaves it on.
    pub fn from_env_value(value: Option<&str>) -> Self {
        let off = value.is_some_and(|v| {
            ["off", "0", "false", "no", "none", "disabled"].contains(&v.trim().to_ascii_lowercase().as_str())
        });
        Self { off, timeout: DEFAULT_TIMEOUT }
    }

    /// The same keyring with another per-call timeout (e.g. longer for an interactive `login`,
    /// where the OS may ask to unlock the keyring).
    pub fn with_timeout(self, timeout: Duration) -> Self {
        Self { timeout, ..self }
    }

    /// Whether `HOGDEX_KEYRING` turned the keyring off.
    pub fn is_off(&self) -> bool {
        self.off
    }

    fn check_on(&self) -> Result<(), StoreError> {
        if self.off {
            return Err(StoreError::Unavailable(format!("the OS keyring is turned off ({ENV}=off)")));
        }
        Ok(())
    }

    /// Runs `op` on the entry for `account` on a fresh thread, waiting at most the timeout.
    fn call<T: Send + 'static>(
        &self,
        account: &str,
        op: impl FnOnce(&::keyring::Entry) -> ::keyring::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.check_on()?;
        let account = account.to_string();
        let (tx, rx) = mpsc::sync_channel(1);
        let spawned = std::thread::Builder::new().name("hogdex-keyring".into()).spawn(move || {
            let result = ::keyring::Entry::new(SERVICE, &account).and_then(|entry| op(&entry));
            // The receiver is gone after a timeout; nobody is left to tell.
            let _ = tx.send(result.map_err(classify));
        });
        if let Err(e) = spawned {
            return Err(StoreError::Failed(format!("cannot start a thread for the OS keyring: {e}")));
        }
        match rx.recv_timeout(self.timeout) {
            Ok(result) => result,
            // The thread is left behind: it ends with the process if the OS never answers.
            Err(mpsc::RecvTimeoutError::Timeout) => Err(StoreError::Unavailable(format!(
                "the OS keyring did not answer within {} (it may be locked or waiting for a password \
                 prompt)",
                seconds(self.timeout)
            ))),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(StoreError::Failed("the OS keyring library failed unexpectedly".into()))
            }
        }
    }
}

impl KeyStore for OsKeyring {
    fn get(&self, account: &str) -> Result<Option<Secret>, StoreError> {
        self.call(account, |entry| match entry.get_password() {
            Ok(key) => Ok(Some(Secret(key))),
            Err(::keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    fn set(&self, account: &str, key: &Secret) -> Result<(), StoreError> {
        let value = key.0.clone();
        self.call(account, move |entry| entry.set_password(&value)).map_err(|e| redact(e, &key.0))
    }

    fn delete(&self, account: &str) -> Result<bool, StoreError> {
        self.call(account, |entry| match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(::keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(e),
        })
    }
}

fn seconds(d: Duration) -> String {
    match d.as_secs() {
        1 => "1 second".to_string(),
        0 => format!("{} ms", d.as_millis()),
        s => format!("{s} seconds"),
    }
}

/// Belt and braces: a platform message that somehow echoes the key loses it.
fn redact(e: StoreError, key: &str) -> StoreError {
    if key.is_empty() || !e.message().contains(key) {
        return e;
    }
    let message = e.message().replace(key, "…");
    match e {
        StoreError::Unavailable(_) => StoreError::Unavailable(message),
        StoreError::Failed(_) => StoreError::Failed(message),
    }
}

/// The first line of a platform error, made safe for a terminal and kept short.
fn detail(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("unknown error");
    crate::text::fit(line, 200)
}

/// Secret Service failures that mean "there is no keyring here" rather than "it broke".
fn means_absent(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "no secret service provider or dbus session found",
        "serviceunknown",
        "service unknown",
        "was not provided by any",
        "dbus_session_bus_address",
        "connection refused",
        "no such file or directory",
        "address error",
    ]
    .iter()
    .any(|p| m.contains(p))
}

fn classify(e: ::keyring::Error) -> StoreError {
    use ::keyring::Error as E;
    match e {
        E::NoStorageAccess(e) => StoreError::Unavailable(format!(
            "the OS keyring is locked, has no default collection, or refused access ({}); unlock it and \
             try again",
            detail(&e)
        )),
        E::PlatformFailure(e) if means_absent(&e.to_string()) => StoreError::Unavailable(
            "there is no OS keyring here (no Secret Service on a D-Bus session bus)".to_string(),
        ),
        E::PlatformFailure(e) => StoreError::Failed(format!("the OS keyring failed: {}", detail(&e))),
        E::NoEntry => StoreError::Failed("the OS keyring has no such entry".to_string()),
        E::BadEncoding(_) => StoreError::Failed(
            "the key stored in the OS keyring is not UTF-8 text; run `hogdex logout` and `hogdex login` \
             again"
                .to_string(),
        ),
        E::TooLong(name, limit) => StoreError::Failed(format!(
            "the OS keyring refused the entry: its {} is longer than {limit} characters",
            detail(&name)
        )),
        E::Invalid(attr, reason) => StoreError::Failed(format!(
            "the OS keyring refused the entry: {} is invalid ({})",
            detail(&attr),
            detail(&reason)
        )),
        E::Ambiguous(items) => StoreError::Failed(format!(
            "the OS keyring holds {} entries for service {SERVICE} and this account; delete the extra \
             ones with your keyring manager",
            items.len()
        )),
        other => StoreError::Failed(format!("the OS keyring failed: {}", detail(&other))),
    }
}

/// Keys in memory, for tests (of this module and others). Optionally fails every call.
#[derive(Debug, Default)]
pub struct MemoryKeyring {
    keys: Mutex<HashMap<String, Secret>>,
    failure: Option<StoreError>,
}

impl MemoryKeyring {
    pub fn new() -> Self {
        Self::default()
    }

    /// A keyring holding `key` for `account`.
    pub fn with(self, account: &str, key: &str) -> Self {
        self.lock().insert(account.to_string(), Secret(key.to_string()));
        self
    }

    /// A keyring whose every call fails with `error` (e.g. `StoreError::Unavailable`).
    pub fn failing(error: StoreError) -> Self {
        Self { keys: Mutex::default(), failure: Some(error) }
    }

    /// The accounts that hold a key, sorted.
    pub fn accounts(&self) -> Vec<String> {
        let mut accounts: Vec<String> = self.lock().keys().cloned().collect();
        accounts.sort();
        accounts
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        self.keys.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn check(&self) -> Result<(), StoreError> {
        self.failure.clone().map_or(Ok(()), Err)
    }
}

impl KeyStore for MemoryKeyring {
    fn get(&self, account: &str) -> Result<Option<Secret>, StoreError> {
        self.check()?;
        Ok(self.lock().get(account).cloned())
    }

    fn set(&self, account: &str, key: &Secret) -> Result<(), StoreError> {
        self.check()?;
        self.lock().insert(account.to_string(), key.clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<bool, StoreError> {
        self.check()?;
        Ok(self.lock().remove(account).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn accounts_are_profile_names_or_default() {
        assert_eq!(account(Some("work")), "work");
        assert_eq!(account(None), "default");
        assert_eq!(account(Some("")), "default");
    }

    #[test]
    fn memory_keyring_round_trip() {
        let store = MemoryKeyring::new();
        assert_eq!(store.get("work").unwrap(), None);
        store.set("work", &Secret("phx_one".into())).unwrap();
        store.set("work", &Secret("phx_two".into())).unwrap();
        assert_eq!(store.get("work").unwrap(), Some(Secret("phx_two".into())));
        assert_eq!(store.get("default").unwrap(), None);
        assert_eq!(store.accounts(), ["work"]);
        assert!(store.delete("work").unwrap());
        assert!(!store.delete("work").unwrap());
        assert_eq!(store.get("work").unwrap(), None);
    }

    #[test]
    fn lookup_uses_the_profile_account_and_trims() {
        let store = MemoryKeyring::new().with("default", "phx_default").with("work", " phx_work\n");
        assert_eq!(lookup(&store, None).unwrap(), Some(Secret("phx_default".into())));
        assert_eq!(lookup(&store, Some("work")).unwrap(), Some(Secret("phx_work".into())));
        assert_eq!(lookup(&store, Some("other")).unwrap(), None);
        let blank = MemoryKeyring::new().with("default", "  ");
        assert_eq!(lookup(&blank, None).unwrap(), None);
        let down = MemoryKeyring::failing(StoreError::Unavailable("no keyring".into()));
        assert!(lookup(&down, None).unwrap_err().is_unavailable());
        assert!(format!("{:?}", store).contains("Secret(…)") && !format!("{:?}", store).contains("phx_"));
    }

    #[test]
    fn hogdex_keyring_off_is_unavailable_without_asking_the_os() {
        for value in ["off", "OFF", "0", "false", " no "] {
            let store = OsKeyring::from_env_value(Some(value));
            assert!(store.is_off(), "{value}");
            let started = Instant::now();
            let e = store.get("default").unwrap_err();
            assert_eq!(
                e,
                StoreError::Unavailable("the OS keyring is turned off (HOGDEX_KEYRING=off)".into())
            );
            let e = store.set("default", &Secret("phx_secret_value".into())).unwrap_err();
            assert!(e.is_unavailable() && !e.to_string().contains("phx_secret_value"), "{e}");
            assert!(store.delete("default").unwrap_err().is_unavailable());
            assert!(started.elapsed() < Duration::from_millis(500));
        }
        for value in [None, Some("on"), Some(""), Some("1")] {
            assert!(!OsKeyring::from_env_value(value).is_off(), "{value:?}");
        }
    }

    #[test]
    fn platform_errors_are_classified_without_the_key() {
        let absent = std::io::Error::other("no secret service provider or dbus session found");
        let e = classify(::keyring::Error::PlatformFailure(Box::new(absent)));
        assert!(e.is_unavailable(), "{e:?}");
        let unknown = std::io::Error::other(
            "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided \
             by any .service files",
        );
        assert!(classify(::keyring::Error::PlatformFailure(Box::new(unknown))).is_unavailable());
        let locked = std::io::Error::other("SS Error: object locked");
        let e = classify(::keyring::Error::NoStorageAccess(Box::new(locked)));
        assert!(e.is_unavailable() && e.to_string().contains("locked"), "{e}");
        let odd = std::io::Error::other("something \u{1b}[2J odd\nsecond line");
        let e = classify(::keyring::Error::PlatformFailure(Box::new(odd)));
        assert_eq!(e, StoreError::Failed("the OS keyring failed: something \\e[2J odd".into()));
        let e = redact(StoreError::Failed("echo phx_k".into()), "phx_k");
        assert_eq!(e.to_string(), "echo …");
    }

    /// A timeout or a missing keyring comes back quickly, and never as a panic.
    fn os_keyring_is_bounded() {
        let store = OsKeyring::from_env_value(None).with_timeout(Duration::from_secs(3));
        let account = format!("hogdex-unit-test-{}", uuid::Uuid::new_v4());
        let started = Instant::now();
        match store.get(&account) {
            Ok(found) => assert_eq!(found, None),
            Err(e) => assert!(!e.message().is_empty()),
        }
        assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    }

    #[test]
    fn os_keyring_outside_a_runtime() {
        os_keyring_is_bounded();
    }

    #[tokio::test]
    async fn os_keyring_inside_a_current_thread_runtime() {
        os_keyring_is_bounded();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn os_keyring_inside_a_multi_thread_runtime() {
        os_keyring_is_bounded();
    }

    /// Against the machine's real keyring: `cargo test --lib keyring -- --ignored` (on Linux, e.g.
    /// inside `dbus-run-session` with `gnome-keyring-daemon --unlock` fed a password).
    #[test]
    #[ignore = "needs a real, unlocked OS keyring"]
    fn os_keyring_round_trip() {
        let store = OsKeyring::from_env_value(None);
        let account = format!("hogdex-unit-test-{}", uuid::Uuid::new_v4());
        assert_eq!(store.get(&account).unwrap(), None);
        store.set(&account, &Secret("phx_round_trip".into())).unwrap();
        store.set(&account, &Secret("phx_round_trip_2".into())).unwrap();
        assert_eq!(lookup(&store, Some(&account)).unwrap(), Some(Secret("phx_round_trip_2".into())));
        assert!(store.delete(&account).unwrap());
        assert!(!store.delete(&account).unwrap());
        assert_eq!(store.get(&account).unwrap(), None);
    }

    #[test]
    fn a_call_that_never_answers_times_out_as_unavailable() {
        let store = OsKeyring::from_env_value(None).with_timeout(Duration::from_millis(50));
        let started = Instant::now();
        let e = store
            .call("default", |_| {
                std::thread::sleep(Duration::from_secs(2));
                Ok(())
            })
            .unwrap_err();
        assert!(e.is_unavailable() && e.to_string().contains("did not answer within 50 ms"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
