//! `hogdex login` / `hogdex logout` through the built binary, with the OS keyring turned off
//! (`HOGDEX_KEYRING=off`) so the outcome does not depend on whether this machine has one: nothing
//! is stored, the alternatives are named, input errors are clear, and the key appears nowhere.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "phx_login_test_secret_0123456789";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// Everything hogdex wrote under its state dir (the log file), concatenated.
    state: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}\n{}", self.stdout, self.stderr, self.state)
    }
}

fn read_tree(dir: &Path) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.push_str(&read_tree(&path));
        } else {
            out.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()));
        }
    }
    out
}

/// Runs `hogdex args` with `stdin` piped in, the keyring off, debug logging on, and the config and
/// state dirs in `config` and a fresh temporary directory.
fn hogdex(config: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let state = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hogdex"));
    cmd.args(args);
    for var in ["POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID", "HOGDEX_PROFILE"] {
        cmd.env_remove(var);
    }
    cmd.env("HOGDEX_KEYRING", "off")
        .env("HOGDEX_LOG", "debug")
        .env("XDG_CONFIG_HOME", config)
        .env("XDG_STATE_HOME", state.path());
    cmd.envs(env.iter().copied());
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    // hogdex may exit before reading; a closed pipe is fine.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let out = child.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(30), "hogdex took {:?}", started.elapsed());
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        state: read_tree(state.path()),
    }
}

/// A config dir holding `text` as `hogdex/config.toml`.
fn config_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("hogdex")).unwrap();
    let file = dir.path().join("hogdex/config.toml");
    std::fs::write(&file, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    dir
}

fn no_config() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn login_without_a_keyring_stores_nothing_and_names_the_alternatives() {
    let dir = no_config();
    let run = hogdex(dir.path(), &["login"], &format!("{KEY}\n"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().count(), 1, "one sentence: {}", run.stderr);
    assert!(run.stderr.contains("HOGDEX_KEYRING=off"), "{}", run.stderr);
    assert!(run.stderr.contains("api_key_command"), "{}", run.stderr);
    assert!(run.stderr.contains("POSTHOG_PERSONAL_API_KEY"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was stored"), "{}", run.stderr);
    assert!(!run.all().contains(KEY), "the key leaked: {}", run.all());
    // Nothing was written to the config dir either.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn login_for_a_profile_without_a_keyring() {
    let dir = config_dir("default_profile = \"work\"\n[profiles.work]\nhost = \"eu\"\n[profiles.other]\n");
    for args in [&["login"][..], &["login", "--profile", "other"], &["--profile", "work", "login"]] {
        let run = hogdex(dir.path(), args, KEY, &[]);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("api_key_command") && !run.all().contains(KEY), "{}", run.all());
    }
    let config = std::fs::read_to_string(dir.path().join("hogdex/config.toml")).unwrap();
    assert!(!config.contains(KEY));
}

#[test]
fn login_with_empty_stdin_is_a_clear_error() {
    let dir = no_config();
    for input in ["", "\n", "   \n"] {
        let run = hogdex(dir.path(), &["login"], input, &[]);
        assert_eq!(run.code, 2, "{input:?}: {}", run.stderr);
        assert!(run.stderr.contains("no key given"), "{}", run.stderr);
        assert!(run.stderr.contains("nothing was stored"), "{}", run.stderr);
    }
}

#[test]
fn login_refuses_a_key_with_spaces_without_repeating_it() {
    let dir = no_config();
    let run = hogdex(dir.path(), &["login"], "phx_half of_a_key\n", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("one word"), "{}", run.stderr);
    assert!(!run.all().contains("phx_half") && !run.all().contains("of_a_key"), "{}", run.all());
}

#[test]
fn login_warns_about_a_key_that_is_not_a_personal_key() {
    let dir = no_config();
    let run = hogdex(dir.path(), &["login"], "phc_project_key_0123\n", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("does not start with phx_"), "{}", run.stderr);
    assert!(!run.all().contains("phc_project_key_0123"), "{}", run.all());
}

#[test]
fn login_for_an_unknown_profile_is_a_usage_error() {
    let dir = config_dir("[profiles.work]\n");
    let run = hogdex(dir.path(), &["login", "--profile", "wrok"], KEY, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("wrok") && run.stderr.contains("work"), "{}", run.stderr);
    assert!(!run.all().contains(KEY));
    let run = hogdex(dir.path(), &["login"], KEY, &[("HOGDEX_PROFILE", "nope")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn login_ignores_a_key_in_the_environment() {
    let dir = no_config();
    let run = hogdex(dir.path(), &["login"], "", &[("POSTHOG_PERSONAL_API_KEY", KEY)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no key given"), "{}", run.stderr);
    assert!(!run.all().contains(KEY), "{}", run.all());
}

#[test]
fn login_check_without_a_keyring() {
    let dir = no_config();
    let run = hogdex(dir.path(), &["login", "--check"], "", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("HOGDEX_KEYRING=off"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn logout_without_a_keyring_is_a_clear_error() {
    let dir = no_config();
    let run = hogdex(dir.path(), &["logout"], "", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("cannot delete the key"), "{}", run.stderr);
    assert!(run.stderr.contains("HOGDEX_KEYRING=off"), "{}", run.stderr);
    // The config file's default profile names the entry.
    let dir = config_dir("default_profile = \"work\"\n[profiles.work]\n");
    let run = hogdex(dir.path(), &["logout"], "", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("HOGDEX_KEYRING=off"), "{}", run.stderr);
}

#[test]
fn logout_works_for_a_profile_that_is_gone_or_a_broken_config() {
    // Not "unknown profile" (exit 2): the keyring is asked (and here it is off, exit 1).
    for config in ["[profiles.work]\n", "[profiles.work\nbroken"] {
        let dir = config_dir(config);
        let run = hogdex(dir.path(), &["logout", "--profile", "gone"], "", &[]);
        assert_eq!(run.code, 1, "{config}: {}", run.stderr);
        assert!(run.stderr.contains("cannot delete the key"), "{config}: {}", run.stderr);
    }
}

#[test]
fn help_lists_login_and_logout() {
    let dir = no_config();
    let run = hogdex(dir.path(), &["--help"], "", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for needle in ["login", "logout", "OS keyring"] {
        assert!(run.stdout.contains(needle), "{needle}: {}", run.stdout);
    }
    let run = hogdex(dir.path(), &["login", "--help"], "", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for needle in ["--check", "--profile", "HOGDEX_KEYRING=off", "api_key_command", "account"] {
        assert!(run.stdout.contains(needle), "{needle}: {}", run.stdout);
    }
}
