//! `--log-level` and the log file, `hogdex completions`, `hogdex man` and `hogdex info`, as a user
//! runs them: the built binary, with a temporary state directory.
mod common;

use common::*;
use std::ffi::OsStr;
use std::path::Path;

const SECRET_KEY: &str = "phx_logtest_Recognizable_Secret_9f8e7d";

/// Runs hogdex with `XDG_STATE_HOME`/`XDG_CONFIG_HOME` in `dir` and no `HOGDEX_LOG`.
async fn run_in(dir: &Path, args: &[&str], extra: &[(&str, &OsStr)]) -> Run {
    let state = dir.join("state");
    let config = dir.join("config");
    let mut env: Vec<(&str, &OsStr)> = vec![
        ("XDG_STATE_HOME", state.as_os_str()),
        ("XDG_CONFIG_HOME", config.as_os_str()),
        ("HOGDEX_LOG", OsStr::new("")),
    ];
    env.extend_from_slice(extra);
    run_hogdex(args, &env).await
}

#[tokio::test(flavor = "multi_thread")]
async fn trace_logs_requests_without_the_key_or_the_query() {
    let env = start(10, |c| c.key = SECRET_KEY.to_string()).await;
    let dir = tempfile::tempdir().unwrap();
    let base = env.sandbox.base_url();
    let project = env.sandbox.project_id().to_string();
    // Traced, against the sandbox, with the key in the environment.
    let traced = |tail: &[&'static str]| -> Vec<String> {
        let head = ["--log-level", "trace", "--host", &base, "--project", &project];
        head.iter().chain(tail).map(|a| a.to_string()).collect()
    };
    let args = traced(&["persons", "list", "--search", "alice@fixture", "--json"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = run_in(dir.path(), &args, &[("POSTHOG_PERSONAL_API_KEY", OsStr::new(SECRET_KEY))]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("alice@fixture.test"));
    assert!(run.stderr.is_empty(), "nothing is logged to the screen: {}", run.stderr);

    // A failing request (unknown person) is logged at warn with its kind.
    let get = traced(&["persons", "get", "0190f0c2-0000-7000-8000-000000000000"]);
    let get: Vec<&str> = get.iter().map(String::as_str).collect();
    let failed = run_in(dir.path(), &get, &[("POSTHOG_PERSONAL_API_KEY", OsStr::new(SECRET_KEY))]).await;
    assert_ne!(failed.code, 0);

    let path = dir.path().join("state/hogdex/hogdex.log");
    let log = std::fs::read_to_string(&path).expect("the log file exists");
    let requests: Vec<&str> = log.lines().filter(|l| l.contains(" request")).collect();
    assert!(!requests.is_empty(), "request lines are logged: {log}");
    let list = requests.iter().find(|l| l.contains("method=GET") && l.contains("/persons/")).expect(&log);
    assert!(list.contains("status=200") && list.contains("ms="), "{list}");
    assert!(list.contains("query_len="), "{list}");
    assert!(!log.contains(SECRET_KEY), "the key is never logged: {log}");
    assert!(!log.contains("Bearer"), "no Authorization header is logged: {log}");
    assert!(!log.contains("alice@fixture") && !log.contains("alice%40fixture"), "no query text: {log}");
    let failure = log.lines().find(|l| l.contains("request failed")).expect(&log);
    assert!(
        failure.contains("WARN") && failure.contains("not_found") && failure.contains("status=404"),
        "{failure}"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn log_level_off_writes_no_file_and_an_unopenable_log_is_one_stderr_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["--log-level", "off", "info"], &[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!dir.path().join("state/hogdex/hogdex.log").exists());

    // The state "directory" is a file: the log cannot be opened; the command still works.
    let blocked = tempfile::tempdir().unwrap();
    std::fs::write(blocked.path().join("state"), "not a directory").unwrap();
    let run = run_in(blocked.path(), &["info"], &[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("logging is off"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_for_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = run_in(dir.path(), &["completions", shell], &[]).await;
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(!run.stdout.trim().is_empty(), "{shell}");
        assert!(run.stdout.contains("persons"), "{shell}: {}", run.stdout);
    }
    assert_ne!(run_in(dir.path(), &["completions", "tcsh"], &[]).await.code, 0);
    assert!(!dir.path().join("state/hogdex/hogdex.log").exists(), "printing a script creates no files");
}

#[tokio::test(flavor = "multi_thread")]
async fn man_page_is_roff() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["man"], &[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    // clap_mangen defines a quote string (`.ie`/`.el`) before the title; the title comes first
    // after those definitions.
    let first = run.stdout.lines().find(|l| !l.starts_with(".ie") && !l.starts_with(".el")).unwrap();
    assert!(first.starts_with(".TH hogdex"), "{first}");
    assert!(run.stdout.contains("POSTHOG_PERSONAL_API_KEY"));
    assert!(run.stdout.contains("persons"));
}

#[tokio::test(flavor = "multi_thread")]
async fn info_prints_paths_and_the_connection_but_never_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config = dir.path().join("config");
    let bare = run_in(dir.path(), &["info"], &[]).await;
    assert_eq!(bare.code, 0, "{}", bare.stderr);
    let has =
        |out: &str, label: &str, value: &str| out.lines().any(|l| l.starts_with(label) && l.contains(value));
    let cfg = config.join("hogdex/config.toml").display().to_string();
    assert!(has(&bare.stdout, "config file", &cfg) && bare.stdout.contains("not found"), "{}", bare.stdout);
    assert!(has(&bare.stdout, "journal", &state.join("hogdex/journal.jsonl").display().to_string()));
    assert!(has(&bare.stdout, "log file", &state.join("hogdex/hogdex.log").display().to_string()));
    assert!(has(&bare.stdout, "state dir", &state.join("hogdex").display().to_string()));
    assert!(has(&bare.stdout, "api key", "not set"), "{}", bare.stdout);
    assert!(has(&bare.stdout, "connection", "not configured"), "{}", bare.stdout);

    let key = OsStr::new(SECRET_KEY);
    let env = run_in(
        dir.path(),
        &["info", "--host", "eu", "--project", "42"],
        &[("POSTHOG_PERSONAL_API_KEY", key)],
    )
    .await;
    assert_eq!(env.code, 0, "{}", env.stderr);
    assert!(has(&env.stdout, "api key", "POSTHOG_PERSONAL_API_KEY"), "{}", env.stdout);
    assert!(has(&env.stdout, "host", "https://eu.posthog.com"), "{}", env.stdout);
    assert!(has(&env.stdout, "project", "42"), "{}", env.stdout);
    assert!(!env.stdout.contains(SECRET_KEY) && !env.stderr.contains(SECRET_KEY));

    // The flag wins over the environment, wherever it is given.
    for args in [&["--api-key", SECRET_KEY, "info"][..], &["info", "--api-key", SECRET_KEY][..]] {
        let flag = run_in(dir.path(), args, &[("POSTHOG_PERSONAL_API_KEY", OsStr::new("phx_other"))]).await;
        assert_eq!(flag.code, 0, "{}", flag.stderr);
        assert!(has(&flag.stdout, "api key", "--api-key"), "{}", flag.stdout);
        assert!(has(&flag.stdout, "host", "https://us.posthog.com"), "{}", flag.stdout);
        assert!(!flag.stdout.contains(SECRET_KEY));
    }
}
