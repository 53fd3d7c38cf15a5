//! Shared test helpers: a sandbox with known fixture persons, a client for it, bounded waiting.
#![allow(dead_code)]
pub mod raw;
use hogdex::api::{ApiKey, Client, ClientOptions, Pacer, ProjectRef, resolve_host};
use hogdex::sandbox::{SandboxConfig, SandboxHandle, spawn};
use serde_json::{Value, json};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

pub const ALICE: &str = "0190f0c2-0000-7000-8000-00000000a11c";
pub const BOB: &str = "0190f0c2-0000-7000-8000-000000000b0b";
pub const MULTI: &str = "0190f0c2-0000-7000-8000-00000000001d";
pub const HOSTILE: &str = "0190f0c2-0000-7000-8000-0000000000ff";

/// Hand-written persons every contract test can rely on.
pub fn fixtures() -> Value {
    json!([
        {"uuid": ALICE, "distinct_ids": ["alice-1", "alice-2"], "created_at": "2026-11-20T10:00:00Z",
         "properties": {"email": "alice@fixture.test", "name": "Alice Fixture", "plan": "pro", "phone": "+44 20 7946 0958"}},
        {"uuid": BOB, "distinct_ids": ["bob-1"], "created_at": "2026-11-19T10:00:00Z",
         "properties": {"email": "bob@fixture.test", "name": "Bob Fixture", "plan": "free"}},
        {"uuid": MULTI, "distinct_ids": ["multi-main", "multi-move1", "multi-move2"], "created_at": "2026-11-18T10:00:00Z",
         "properties": {"email": "multi@fixture.test", "plan": "enterprise"}},
        {"uuid": HOSTILE, "distinct_ids": ["hostile-\u{1b}[2J"], "created_at": "2026-11-17T10:00:00Z",
         "properties": {"name": "Mallory \u{1b}]0;TITLE\u{07}\u{1b}[2J\u{07}", "email": "mallory@fixture.test",
                        "note": "bell\u{07} and clear\u{1b}[2J", "rtl": "abc\u{202e}exe.txt"}}
    ])
}

pub struct Env {
    pub sandbox: SandboxHandle,
    pub client: Client,
    _dir: tempfile::TempDir,
}

/// A sandbox with `persons` generated persons plus the fixtures, and a client for it.
pub async fn start(persons: usize, tweak: impl FnOnce(&mut SandboxConfig)) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixtures.json");
    std::fs::write(&path, serde_json::to_vec(&fixtures()).unwrap()).unwrap();
    let mut cfg =
        SandboxConfig { port: 0, persons, ingest_delay_ms: 30, fixtures: Some(path), ..Default::default() };
    tweak(&mut cfg);
    let sandbox = spawn(cfg).await.expect("sandbox starts");
    let client = client_for(&sandbox, sandbox.key(), Duration::from_secs(10));
    Env { sandbox, client, _dir: dir }
}

pub fn client_for(sandbox: &SandboxHandle, key: &str, timeout: Duration) -> Client {
    let host = resolve_host(&sandbox.base_url(), false).unwrap();
    let opts = ClientOptions {
        timeout,
        pacer: Arc::new(Pacer::unlimited()),
        max_rate_limit_wait: Duration::from_secs(2),
        ..Default::default()
    };
    Client::new(host, ProjectRef::Id(sandbox.project_id()), ApiKey::new(key), opts).unwrap()
}

/// Polls `check` until it returns `Some`, for at most `limit`; panics with `what` otherwise.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An HTTP server on 127.0.0.1 that answers every request with `response` (raw bytes).
pub async fn raw_server(response: String) -> String {
    raw_server_seq(vec![response]).await.0
}

/// An HTTP server on 127.0.0.1 that answers requests with `responses` in order (the last one
/// repeats); also returns a counter of requests served.
pub async fn raw_server_seq(
    responses: Vec<String>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let response = responses[n.min(responses.len() - 1)].clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = sock.read(&mut buf).await;
                let _ = sock.write_all(response.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), served)
}

pub fn http_response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// What a run of the built `hogdex` binary printed and how it exited.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the built `hogdex` with `args` and `env` (the caller's POSTHOG_* variables removed),
/// bounded to 60 s.
pub async fn run_hogdex(args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_hogdex"));
    cmd.args(args);
    for var in ["POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID", "HOGDEX_PROFILE"] {
        cmd.env_remove(var);
    }
    // Never the user's own config file (a test that wants one passes XDG_CONFIG_HOME itself).
    cmd.env("XDG_CONFIG_HOME", std::env::temp_dir().join("hogdex-tests-no-config"));
    // Never the machine's keyring either.
    cmd.env("HOGDEX_KEYRING", "off");
    cmd.envs(env.iter().copied());
    let out =
        tokio::time::timeout(Duration::from_secs(60), cmd.output()).await.expect("hogdex finishes").unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `hogdex --host <sandbox> --project <id> args` with the sandbox's key, journaling into `state`.
pub async fn hogdex_on(env: &Env, state: &std::path::Path, args: &[&str]) -> Run {
    let base = env.sandbox.base_url();
    let project = env.sandbox.project_id().to_string();
    let mut full = vec!["--host", base.as_str(), "--project", project.as_str()];
    full.extend_from_slice(args);
    let key = env.sandbox.key().to_string();
    run_hogdex(&full, &[("POSTHOG_PERSONAL_API_KEY", key.as_ref()), ("XDG_STATE_HOME", state.as_os_str())])
        .await
}

/// The JSON a successful run printed.
pub fn json_of(run: &Run) -> Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}
