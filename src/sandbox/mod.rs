//! The PostHog-compatible sandbox server behind `hogdex sandbox` and `hogdex --demo`:
//! in-memory projects (one by default, `--projects N`; see `tenants`), each with its own
//! deterministic demo persons (`demo`, `store`), served over HTTP on
//! 127.0.0.1 only (`routes`), with knobs for latency, ingestion delay, rate limits and
//! failures. Anything in the crate may start it through [`spawn`] / [`run`]; nothing here
//! imports the client (`api`), the CLI or the TUI.

pub mod clock;
pub mod demo;
pub mod fixtures;
mod routes;
pub mod store;
pub mod tenants;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use self::fixtures::FixturePerson;
use self::routes::{AppState, Faults, ProjectState, RequestLog};
pub use self::routes::{REQUEST_LOG_CAP, RecordedRequest};
use self::store::Store;
pub use self::tenants::{MAX_PROJECTS, ProjectMeta};

/// The sandbox's default key. It protects nothing: the sandbox only listens on loopback.
pub const DEMO_KEY: &str = "phx_hogdex_sandbox_demo_key_not_a_real_secret";
pub const DEMO_PROJECT_ID: i64 = 1;

#[derive(Clone, Debug, clap::Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free port)
    #[arg(long, default_value_t = 8010)]
    pub port: u16,
    /// Personal API key the sandbox accepts (defaults to the public demo key)
    #[arg(long, default_value = DEMO_KEY, hide_default_value = true)]
    pub key: String,
    /// Behave like a personal API key with scopes, limited to project 1 (legacy actor endpoints,
    /// the organizations endpoints and the other projects answer 403)
    #[arg(long)]
    pub scoped_key: bool,
    /// Answer 404 on persons/funnel/correlation/, as the newest PostHog does (older builds
    /// served it)
    #[arg(long)]
    pub without_correlation: bool,
    /// Number of generated demo persons (in project 1)
    #[arg(long, default_value_t = 5000)]
    pub persons: usize,
    /// Number of projects to serve (1-50), like a PostHog organization with several projects.
    /// Project 1 is the demo project; projects 2..N ("Hogdex Staging", "Hogdex Sandbox 3"…) get
    /// their own smaller data (a tenth of --persons, 20 to 500) from a seed derived from --seed;
    /// project 3 belongs to a second organization
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=MAX_PROJECTS as i64))]
    pub projects: u16,
    /// Seed for the demo data (same seed and day, same data: the data is generated against the
    /// start of the current UTC day; HOGDEX_DEMO_EPOCH=YYYY-MM-DD pins the day)
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Delay before every answer, in milliseconds
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Time before a write (PATCH, update_property, split…) becomes visible, in milliseconds
    #[arg(long, default_value_t = 1500)]
    pub ingest_delay_ms: u64,
    /// Requests allowed per key per minute before 429 (unlimited when absent)
    #[arg(long)]
    pub rate_limit_per_min: Option<u32>,
    /// Share of requests (0.0–1.0) that fail with 500
    #[arg(long, default_value_t = 0.0)]
    pub fail_rate: f64,
    /// JSON array of extra persons to load: [{"distinct_ids": [..], "properties": {..}, "events"?:
    /// [{"event", "timestamp", "properties"?, "set"?, "set_once"?, "unset"?}]}]
    #[arg(long)]
    pub fixtures: Option<PathBuf>,
}

/// Everything [`spawn`] needs; [`SandboxArgs`] converts into it.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// 0 picks a free port.
    pub port: u16,
    pub key: String,
    /// A personal API key with scopes, limited to project 1 (PostHog's `scoped_teams`).
    pub scoped_key: bool,
    /// Serve `persons/funnel/correlation/` (older PostHog EE builds); `false` answers 404
    /// "Endpoint not found." like the newest PostHog.
    pub correlation: bool,
    /// Generated persons in project 1.
    pub persons: usize,
    /// Projects served, 1 to [`MAX_PROJECTS`] (default 1). Project 1 holds `persons`, the
    /// fixtures and the data of a one-project sandbox; projects 2.. hold
    /// [`tenants::extra_project_persons`] generated persons each.
    pub projects: usize,
    pub seed: u64,
    pub latency_ms: u64,
    pub ingest_delay_ms: u64,
    pub rate_limit_per_min: Option<u32>,
    pub fail_rate: f64,
    pub fixtures: Option<PathBuf>,
    /// Extra persons given in code (tests), added after those of `fixtures`.
    pub fixtures_inline: Vec<FixturePerson>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            key: DEMO_KEY.to_owned(),
            scoped_key: false,
            correlation: true,
            persons: 5000,
            projects: 1,
            seed: 42,
            latency_ms: 0,
            ingest_delay_ms: 1500,
            rate_limit_per_min: None,
            fail_rate: 0.0,
            fixtures: None,
            fixtures_inline: Vec::new(),
        }
    }
}

impl From<SandboxArgs> for SandboxConfig {
    fn from(a: SandboxArgs) -> Self {
        SandboxConfig {
            port: a.port,
            key: a.key,
            scoped_key: a.scoped_key,
            correlation: !a.without_correlation,
            persons: a.persons,
            projects: usize::from(a.projects),
            seed: a.seed,
            latency_ms: a.latency_ms,
            ingest_delay_ms: a.ingest_delay_ms,
            rate_limit_per_min: a.rate_limit_per_min,
            fail_rate: a.fail_rate,
            fixtures: a.fixtures,
            fixtures_inline: Vec::new(),
        }
    }
}

/// A running sandbox. Dropping it leaves the server running until the runtime ends; call
/// [`SandboxHandle::shutdown`] to stop it.
pub struct SandboxHandle {
    addr: SocketAddr,
    key: String,
    state: Arc<AppState>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl SandboxHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// The first project (`@current`), which holds the fixtures.
    pub fn project_id(&self) -> i64 {
        DEMO_PROJECT_ID
    }

    /// Every served project, project 1 first.
    pub fn projects(&self) -> Vec<ProjectMeta> {
        self.state.projects.iter().map(|p| p.meta.clone()).collect()
    }

    /// Number of persons currently visible in project 1 (after due writes are applied).
    pub fn person_count(&self) -> usize {
        self.with_store(|s| s.live_count())
    }

    /// Number of persons currently visible in project `project`; `None` when it is not served.
    pub fn person_count_in(&self, project: i64) -> Option<usize> {
        let state = self.state.project(project)?;
        let mut store = state.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        store.apply_due(tokio::time::Instant::now());
        Some(store.live_count())
    }

    /// Events captured through the API so far (`$set`, `$delete_person_property`), as
    /// `{"uuid","event","distinct_id","timestamp","properties"}`, once ingested.
    pub fn captured_events(&self) -> Vec<Value> {
        self.with_store(|s| s.events.all().map(|e| e.capture_json()).collect())
    }

    /// Whether a deleted person's distinct id is still blocked (until
    /// `reset_person_distinct_id`).
    pub fn distinct_id_tombstoned(&self, distinct_id: &str) -> bool {
        self.with_store(|s| s.is_tombstoned(distinct_id))
    }

    /// Every request the sandbox received, oldest first (the newest [`REQUEST_LOG_CAP`]), with
    /// its method, raw path and query, and JSON body: tests assert exactly what a client sent.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests.all()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.state.requests.clear();
    }

    /// Runs `f` on project 1's store.
    fn with_store<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        let mut store =
            self.state.projects[0].store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        store.apply_due(tokio::time::Instant::now());
        f(&store)
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Builds project 1's store: demo persons, then fixtures.
fn build_store(config: &SandboxConfig) -> anyhow::Result<Store> {
    let mut store = Store::new(demo::team_members(), Duration::from_millis(config.ingest_delay_ms));
    demo::populate(&mut store, config.seed, config.persons);
    if let Some(path) = &config.fixtures {
        let persons = fixtures::read(path)?;
        fixtures::add(&mut store, persons, &format!("fixtures file {}", path.display()))?;
    }
    fixtures::add(&mut store, config.fixtures_inline.clone(), "inline fixtures")?;
    store.finish_build();
    Ok(store)
}

/// Builds the store of project `id` (2..): generated persons only, from a derived seed.
fn build_extra_store(config: &SandboxConfig, id: i64) -> Store {
    let mut store = Store::new(demo::team_members(), Duration::from_millis(config.ingest_delay_ms));
    store.team_id = id;
    let persons = tenants::extra_project_persons(config.persons);
    demo::populate(&mut store, tenants::project_seed(config.seed, id), persons);
    store.finish_build();
    store
}

/// Builds every project's store, project 1 first; the extra ones in parallel with it.
fn build_projects(config: &SandboxConfig) -> anyhow::Result<Vec<ProjectState>> {
    if !(1..=MAX_PROJECTS).contains(&config.projects) {
        anyhow::bail!("the sandbox serves 1 to {MAX_PROJECTS} projects, not {}", config.projects);
    }
    let metas = tenants::projects(config.projects);
    let (first, extra) = std::thread::scope(|scope| {
        let extra: Vec<_> =
            metas[1..].iter().map(|m| scope.spawn(move || build_extra_store(config, m.id))).collect();
        let first = build_store(config);
        let extra: Vec<Store> =
            extra.into_iter().map(|h| h.join().expect("building a sandbox project")).collect();
        (first, extra)
    });
    let stores = std::iter::once(first?).chain(extra);
    Ok(metas.into_iter().zip(stores).map(|(meta, store)| ProjectState::new(meta, store)).collect())
}

/// Builds the data and starts serving on 127.0.0.1:`config.port` in a tokio task.
pub async fn spawn(config: SandboxConfig) -> anyhow::Result<SandboxHandle> {
    let cfg = config.clone();
    let projects = tokio::task::spawn_blocking(move || build_projects(&cfg))
        .await
        .context("building the sandbox data")??;
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", config.port))?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState {
        projects,
        key: config.key.clone(),
        scoped_key: config.scoped_key,
        correlation: config.correlation,
        latency: Duration::from_millis(config.latency_ms),
        faults: Faults::new(config.rate_limit_per_min, config.fail_rate, config.seed),
        fallback_host: addr.to_string(),
        requests: RequestLog::default(),
    });
    let app = routes::router(state.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(SandboxHandle { addr, key: config.key, state, stop, task })
}

async fn terminate_signal() {
    #[cfg(unix)]
    {
        if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            term.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await;
}

/// `hogdex sandbox`: serves until ctrl-c or SIGTERM.
pub async fn run(args: SandboxArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let handle = spawn(args.into()).await?;
    println!(
        "hogdex sandbox listening on {} (project {}, {} persons)",
        handle.base_url(),
        handle.project_id(),
        handle.person_count()
    );
    for project in handle.projects().iter().skip(1) {
        let persons = handle.person_count_in(project.id).unwrap_or(0);
        println!(
            "  also project {} \"{}\" ({}, {persons} persons)",
            project.id, project.name, project.organization.name
        );
    }
    if handle.key() == DEMO_KEY {
        println!(
            "API key: {DEMO_KEY} (send it as \"Authorization: Bearer <key>\"; ready in {:.1}s)",
            started.elapsed().as_secs_f64()
        );
    } else {
        println!(
            "API key: the value given with --key (send it as \"Authorization: Bearer <key>\"; ready in {:.1}s)",
            started.elapsed().as_secs_f64()
        );
    }
    println!("Press ctrl-c to stop.");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate_signal() => {}
    }
    handle.shutdown().await;
    Ok(())
}
