//! The executor: runs each `Cmd` from `update` as a tokio task that reports back with one `Msg`
//! on the loop's channel. Requests live in slots (latest wins): a new request in a slot cancels
//! the one before it, and `Cmd::Cancel` cancels without a replacement. Debounce timers work the
//! same way per timer.
use super::clipboard::{self, Clipboard};
use crate::api::{
    ApiError, ApiKey, Client, ClientOptions, ErrorKind, PersonId, PersonListItem, ProjectRef, resolve_host,
};
use crate::app::insight::InsightRequest;
use crate::app::{self, Cmd, Msg, Slot, Timer};
use crate::journal::Journal;
use crate::sandbox::{self, SandboxConfig, SandboxHandle};
use crate::writes::{Write, WriteError, Writer};
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// What arrives on the loop's channel: app messages, plus the few things only the runtime acts on.
pub(crate) enum Event {
    Msg(Msg),
    /// Write these bytes to the terminal between two frames (OSC 52), then deliver `then`.
    Write {
        bytes: Vec<u8>,
        then: Msg,
    },
    /// Turn the terminal's mouse capture on or off (between two frames).
    SetMouse(bool),
    /// A `:profile`/`:project` switch connected: use this client from now on.
    Switched {
        client: Client,
        conn: app::Connection,
        read_only: bool,
    },
    /// The demo sandbox started: use this client from now on, keep the server alive.
    DemoReady {
        client: Client,
        sandbox: SandboxHandle,
        conn: app::Connection,
    },
}

/// Projects the demo serves (the third in another organization), so `:project` has choices.
pub const DEMO_PROJECTS: usize = 3;

/// The sandbox `Cmd::StartDemo` starts (welcome screen → demo).
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub persons: usize,
    /// Extra fixture persons (JSON file), as `hogdex sandbox --fixtures`.
    pub fixtures: Option<PathBuf>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self { persons: 5000, fixtures: None }
    }
}

/// Whether the loop goes on after a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

pub(crate) struct Executor {
    tx: UnboundedSender<Event>,
    client: Option<Client>,
    /// Parent of every task's token: cancelled when the executor is dropped.
    all: CancellationToken,
    slots: HashMap<Slot, CancellationToken>,
    timers: HashMap<Timer, CancellationToken>,
    clipboard: Arc<Clipboard>,
    /// Try the system clipboard before OSC 52 (decided once, from the environment).
    native_clipboard: bool,
    /// Try to start a browser for `Cmd::OpenUrl` (decided once, from the environment).
    browser: bool,
    demo: DemoOptions,
    demo_starting: bool,
    /// Kept alive for the process lifetime once started (`--demo` or from the welcome screen).
    sandbox: Option<SandboxHandle>,
    demo_conn: Option<app::Connection>,
    /// Refuse every `Cmd::Write` (`--read-only`); enforced in `Writer::perform`.
    read_only: bool,
    /// Which connection requests and timers belong to: bumped (under the lock) by a switch right
    /// before it announces itself, so nothing of the old connection is delivered after it.
    epoch: Arc<std::sync::Mutex<u64>>,
    /// The config file's profiles, for `:profile` (`None`: started without one, e.g. in tests).
    profiles: Option<super::switch::Profiles>,
    /// Where copies go (`settings.clipboard`).
    clipboard_mode: crate::config::ClipboardMode,
    /// Where writes are journaled (`None`: no home directory; writes go out unjournaled).
    journal: Option<Journal>,
    /// Writes in flight: detached tasks, never cancelled (dropping a handle does not abort it);
    /// `finish_writes` waits for them.
    writes: Vec<JoinHandle<()>>,
}

impl Drop for Executor {
    fn drop(&mut self) {
        self.all.cancel();
    }
}

fn not_connected(op: &str) -> ApiError {
    ApiError::new(op, ErrorKind::Connect { reason: "not connected to PostHog yet".into() })
}

impl Executor {
    pub fn new(tx: UnboundedSender<Event>, client: Option<Client>, demo: DemoOptions) -> Self {
        Self {
            tx,
            client,
            all: CancellationToken::new(),
            slots: HashMap::new(),
            timers: HashMap::new(),
            clipboard: Arc::new(Clipboard::default()),
            native_clipboard: Clipboard::native_plausible(),
            browser: Clipboard::native_plausible(),
            demo,
            demo_starting: false,
            sandbox: None,
            demo_conn: None,
            read_only: false,
            epoch: Arc::default(),
            profiles: None,
            clipboard_mode: crate::config::ClipboardMode::Auto,
            journal: Journal::open_default().ok(),
            writes: Vec::new(),
        }
    }

    /// `--read-only`: every `Cmd::Write` is answered with the refusal and nothing is sent.
    pub fn set_read_only(&mut self, read_only: bool) {
        self.read_only = read_only;
    }

    /// The profiles `:profile` can switch to.
    pub fn set_profiles(&mut self, profiles: super::switch::Profiles) {
        self.profiles = Some(profiles);
    }

    /// `settings.clipboard`: where copies go.
    pub fn set_clipboard_mode(&mut self, mode: crate::config::ClipboardMode) {
        self.clipboard_mode = mode;
    }

    /// Never start a browser (tests, `Headless`): `Cmd::OpenUrl` answers that none could start.
    pub fn disable_browser(&mut self) {
        self.browser = false;
    }

    /// Journal writes to `journal` instead of the default path (tests, `Headless`).
    pub fn set_journal(&mut self, journal: Option<Journal>) {
        self.journal = journal;
    }

    /// Waits for the writes still in flight, so leaving the TUI (which ends the runtime) does
    /// not cut one off half way.
    #[allow(dead_code)] // for the event loop's exit path
    pub async fn finish_writes(&mut self) {
        for handle in std::mem::take(&mut self.writes) {
            let _ = handle.await;
        }
    }

    /// How many writes are still in flight.
    #[allow(dead_code)] // for the event loop's exit path
    pub fn writes_in_flight(&self) -> usize {
        self.writes.iter().filter(|h| !h.is_finished()).count()
    }

    /// Keeps a sandbox (started by the CLI for `--demo`) alive as long as the executor.
    pub fn keep_sandbox(&mut self, sandbox: SandboxHandle, conn: app::Connection) {
        self.sandbox = Some(sandbox);
        self.demo_conn = Some(conn);
    }

    /// Applies a runtime event that is not a `Msg`; returns the `Msg` to hand to `update` after.
    pub fn demo_ready(&mut self, client: Client, sandbox: SandboxHandle, conn: app::Connection) -> Msg {
        self.demo_starting = false;
        self.client = Some(client);
        self.keep_sandbox(sandbox, conn.clone());
        Msg::Connected(conn)
    }

    /// A switch connected: every request of the old connection is cancelled (its answers would
    /// be about another project), the new client and read-only mode take over.
    pub fn switched(&mut self, client: Client, conn: app::Connection, read_only: bool) -> Msg {
        for (_, token) in self.slots.drain() {
            token.cancel();
        }
        for (_, token) in self.timers.drain() {
            token.cancel();
        }
        self.client = Some(client);
        self.read_only = read_only;
        Msg::Switched { conn, read_only }
    }

    /// Starts the work `cmd` asks for; returns at once.
    pub fn run(&mut self, cmd: Cmd) -> Flow {
        match cmd {
            Cmd::ListPersons { generation, params } => {
                let client = self.client.clone();
                self.request(Slot::List, async move {
                    let result = match client {
                        Some(c) => c.list_persons(&params).await,
                        None => Err(not_connected("Listing persons")),
                    };
                    Msg::PersonsLoaded { generation, append: false, result }
                });
            }
            Cmd::ListNext { generation, next } => {
                let client = self.client.clone();
                self.request(Slot::List, async move {
                    let result = match client {
                        Some(c) => c.list_persons_next(&next).await,
                        None => Err(not_connected("Loading the next page of persons")),
                    };
                    Msg::PersonsLoaded { generation, append: true, result }
                });
            }
            Cmd::GetPerson { generation, uuid } => {
                let client = self.client.clone();
                self.request(Slot::Person, async move {
                    let op = "Loading the person";
                    let result = match (client, PersonId::parse(&uuid)) {
                        (None, _) => Err(not_connected(op)),
                        (Some(_), None) => Err(ApiError::new(
                            op,
                            ErrorKind::Refused { reason: "the person id is not a UUID or a number".into() },
                        )),
                        (Some(c), Some(id)) => c.get_person(id).await,
                    };
                    Msg::PersonLoaded { generation, uuid, result }
                });
            }
            Cmd::FindPerson { generation, query } => {
                let client = self.client.clone();
                self.request(Slot::Lookup, async move {
                    let result = match client {
                        Some(c) => find_person(&c, &query).await,
                        None => Err(not_connected("Looking up the person")),
                    };
                    Msg::PersonFound { generation, query, result }
                });
            }
            Cmd::LoadProject => {
                let client = self.client.clone();
                self.request(Slot::Project, async move {
                    let result = match client {
                        Some(c) => c.current_project().await,
                        None => Err(not_connected("Loading the project")),
                    };
                    Msg::ProjectLoaded(result)
                });
            }
            Cmd::LoadProjects => {
                let client = self.client.clone();
                self.request(Slot::Projects, async move {
                    Msg::ProjectsLoaded(match client {
                        Some(c) => super::switch::project_choices(&c).await,
                        None => Err(not_connected("Listing projects")),
                    })
                });
            }
            Cmd::SwitchProject { id, from: conn } => {
                let (client, read_only) = (self.client.clone(), self.read_only);
                self.request_event(Slot::Switch, async move {
                    let Some(client) = client else {
                        return Event::Msg(Msg::SwitchFailed("not connected".into()));
                    };
                    match super::switch::to_project(&client, id, conn).await {
                        Ok((client, conn)) => Event::Switched { client, conn, read_only },
                        Err(e) => Event::Msg(Msg::SwitchFailed(e)),
                    }
                });
            }
            Cmd::SwitchProfile(name) => {
                let profiles = self.profiles.clone();
                self.request_event(Slot::Switch, async move {
                    let Some(profiles) = profiles else {
                        return Event::Msg(Msg::SwitchFailed("no config file profiles were loaded".into()));
                    };
                    match profiles.connect(&name).await {
                        Ok((client, conn, read_only)) => Event::Switched { client, conn, read_only },
                        Err(e) => Event::Msg(Msg::SwitchFailed(e)),
                    }
                });
            }
            Cmd::Cancel(slot) => {
                if let Some(token) = self.slots.remove(&slot) {
                    token.cancel();
                }
            }
            Cmd::Debounce { timer, generation, after } => {
                let token = replace(&mut self.timers, timer, &self.all);
                let tx = self.tx.clone();
                let (epoch, mine) = self.epoch();
                tokio::spawn(async move {
                    tokio::select! {
                        biased;
                        _ = token.cancelled() => {}
                        _ = tokio::time::sleep(after) => {
                            let event = Event::Msg(Msg::TimerFired { timer, generation });
                            send_if_current(&epoch, mine, &token, &tx, event);
                        }
                    }
                });
            }
            Cmd::CheckPerson { id, uuid } => {
                // Not slotted: several checks may run, and the inspector's own fetch must not
                // cancel them.
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let op = "Checking the person";
                    let result = match (client, PersonId::parse(&uuid)) {
                        (Some(c), Some(pid)) => c.get_person(pid).await,
                        (None, _) => Err(not_connected(op)),
                        (Some(_), None) => {
                            Err(ApiError::new(op, ErrorKind::Refused { reason: "not a person id".into() }))
                        }
                    };
                    let _ = tx.send(Event::Msg(Msg::Checked { id, result }));
                });
            }
            Cmd::Write { id, write, before } => self.write(id, write, before),
            Cmd::Copy { text, what } => self.copy(text, what),
            Cmd::LoadTimeline { generation, uuid, params } => {
                let client = self.client.clone();
                self.request(Slot::Timeline, async move {
                    let op = "Loading the properties timeline";
                    let result = match (client, PersonId::parse(&uuid)) {
                        (Some(c), Some(id)) => c.timeline(id, &params).await,
                        (None, _) => Err(not_connected(op)),
                        (Some(_), None) => {
                            Err(ApiError::new(op, ErrorKind::Refused { reason: "not a person id".into() }))
                        }
                    };
                    Msg::TimelineLoaded { generation, result }
                });
            }
            Cmd::LoadActivity { generation, uuid, next } => {
                let client = self.client.clone();
                let append = next.is_some();
                self.request(Slot::Activity, async move {
                    let op = "Loading the person's activity";
                    let result = match (client, PersonId::parse(&uuid), next) {
                        (Some(c), _, Some(link)) => c.activity_next(&link).await,
                        (Some(c), Some(id), None) => c.person_activity(id, None, Some(20)).await,
                        (None, ..) => Err(not_connected(op)),
                        (Some(_), None, None) => {
                            Err(ApiError::new(op, ErrorKind::Refused { reason: "not a person id".into() }))
                        }
                    };
                    Msg::ActivityLoaded { generation, append, result }
                });
            }
            Cmd::LoadEvents { generation, query, append } => {
                let client = self.client.clone();
                self.request(Slot::Events, async move {
                    let result = match client {
                        Some(c) => c.events_query(&query).await,
                        None => Err(not_connected("Loading the person's events")),
                    };
                    Msg::EventsLoaded { generation, append, result }
                });
            }
            Cmd::LoadCohorts { generation, uuid } => {
                let client = self.client.clone();
                self.request(Slot::Cohorts, async move {
                    let op = "Loading the person's cohorts";
                    let result = match (client, PersonId::parse(&uuid)) {
                        (Some(c), Some(id)) => c.person_cohorts(id).await,
                        (None, _) => Err(not_connected(op)),
                        (Some(_), None) => {
                            Err(ApiError::new(op, ErrorKind::Refused { reason: "not a person id".into() }))
                        }
                    };
                    Msg::CohortsLoaded { generation, result }
                });
            }
            Cmd::LoadInsight { generation, request } => {
                let client = self.client.clone();
                self.request(Slot::List, async move {
                    let result = match client {
                        None => Err(not_connected("Loading insight persons")),
                        Some(c) => match &request {
                            InsightRequest::Funnel(p) => c.persons_funnel(p).await,
                            InsightRequest::Correlation(p) => c.persons_funnel_correlation(p).await,
                            InsightRequest::Lifecycle(p) => c.persons_lifecycle(p).await,
                        },
                    };
                    Msg::InsightLoaded { generation, append: false, result }
                });
            }
            Cmd::InsightNext { generation, next } => {
                let client = self.client.clone();
                self.request(Slot::List, async move {
                    let result = match client {
                        Some(c) => c.actors_next(&next).await,
                        None => Err(not_connected("Loading more insight persons")),
                    };
                    Msg::InsightLoaded { generation, append: true, result }
                });
            }
            Cmd::LoadProjectActivity { generation, next } => {
                let client = self.client.clone();
                let append = next.is_some();
                self.request(Slot::ProjectActivity, async move {
                    let result = match (client, next) {
                        (Some(c), Some(link)) => c.activity_next(&link).await,
                        (Some(c), None) => c.project_activity(None, Some(30)).await,
                        (None, _) => Err(not_connected("Loading the project's activity")),
                    };
                    Msg::ProjectActivityLoaded { generation, append, result }
                });
            }
            Cmd::Export { format, path, params } => {
                // Not slotted: an export runs to the end even while the user keeps searching.
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = match client {
                        Some(c) => export(&c, format, &path, &params, &tx).await.map(|n| (path, n)),
                        None => Err("not connected".to_string()),
                    };
                    let _ = tx.send(Event::Msg(Msg::ExportDone(result)));
                });
            }
            Cmd::LoadJournal => {
                let journal = self.journal.clone();
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = match journal {
                        None => {
                            Err("no journal: hogdex could not find a state directory (set XDG_STATE_HOME)"
                                .into())
                        }
                        Some(j) => j
                            .read(500)
                            .map(|r| (r.entries, r.skipped))
                            .map_err(|e| format!("{}: {e}", j.path().display())),
                    };
                    let _ = tx.send(Event::Msg(Msg::JournalLoaded(result)));
                });
            }
            Cmd::OpenUrl(url) => self.open_url(url),
            Cmd::SetMouse(on) => {
                let _ = self.tx.send(Event::SetMouse(on));
            }
            Cmd::StartDemo => self.start_demo(),
            Cmd::Quit => return Flow::Quit,
        }
        Flow::Continue
    }

    /// Runs a write to the end through the `Writer` (read-only refusal, pre-image, journal),
    /// reporting bulk progress with `WriteProgress` and the end with `WriteDone`. Not slotted and
    /// not tied to any cancellation token: a write is never cut off half way.
    fn write(&mut self, id: u64, write: Write, before: Option<serde_json::Value>) {
        self.writes.retain(|h| !h.is_finished());
        let tx = self.tx.clone();
        let writer = self.client.clone().map(|c| Writer::new(c, self.journal.clone(), self.read_only));
        let read_only = self.read_only;
        self.writes.push(tokio::spawn(async move {
            let result = match writer {
                Some(w) => {
                    let progress = tx.clone();
                    let on_progress = move |done, total| {
                        let _ = progress.send(Event::Msg(Msg::WriteProgress { id, done, total }));
                    };
                    w.perform(&write, before, on_progress).await.map_err(|e| e.to_string())
                }
                None if read_only => Err(WriteError::ReadOnly.to_string()),
                None => Err(not_connected("Sending the change").to_string()),
            };
            let _ = tx.send(Event::Msg(Msg::WriteDone { id, result }));
        }));
    }

    /// Runs `fut` in `slot`, cancelling whatever ran there; its message is sent unless cancelled.
    fn request(&mut self, slot: Slot, fut: impl Future<Output = Msg> + Send + 'static) {
        self.request_event(slot, async move { Event::Msg(fut.await) });
    }

    /// [`Executor::request`] for work that answers with a runtime event. A switch's own answer
    /// (`Event::Switched`) moves the epoch on, in the same locked step as sending it.
    fn request_event(&mut self, slot: Slot, fut: impl Future<Output = Event> + Send + 'static) {
        let token = replace(&mut self.slots, slot, &self.all);
        let tx = self.tx.clone();
        let (epoch, mine) = self.epoch();
        tokio::spawn(async move {
            tokio::select! {
                biased;
                _ = token.cancelled() => {}
                event = fut => {
                    if matches!(event, Event::Switched { .. }) {
                        let mut current = epoch.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        if *current == mine && !token.is_cancelled() {
                            *current += 1;
                            let _ = tx.send(event);
                        }
                    } else {
                        send_if_current(&epoch, mine, &token, &tx, event);
                    }
                }
            }
        });
    }

    /// The epoch lock and the current epoch, for a task to check before it sends.
    fn epoch(&self) -> (Arc<std::sync::Mutex<u64>>, u64) {
        let mine = *self.epoch.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        (self.epoch.clone(), mine)
    }

    fn copy(&mut self, text: String, what: String) {
        let tx = self.tx.clone();
        let fallback = |text: &str, what: String| match clipboard::osc52(text, clipboard::in_tmux()) {
            Ok(bytes) => {
                let how = if std::env::var_os("TMUX").is_some() {
                    clipboard::VIA_OSC52_TMUX
                } else {
                    clipboard::VIA_OSC52
                };
                Event::Write { bytes, then: Msg::Copied { what, result: Ok(how) } }
            }
            Err(e) => Event::Msg(Msg::Copied { what, result: Err(e) }),
        };
        use crate::config::ClipboardMode;
        let mode = self.clipboard_mode;
        match mode {
            ClipboardMode::Off => {
                let result = Err("copying is off (settings.clipboard = \"off\")".to_string());
                let _ = tx.send(Event::Msg(Msg::Copied { what, result }));
                return;
            }
            ClipboardMode::Osc52 => {
                let _ = tx.send(fallback(&text, what));
                return;
            }
            ClipboardMode::Auto if !self.native_clipboard => {
                let _ = tx.send(fallback(&text, what));
                return;
            }
            ClipboardMode::Auto | ClipboardMode::Native => {}
        }
        let clip = self.clipboard.clone();
        tokio::task::spawn_blocking(move || {
            let event = match clip.set_native(&text) {
                Ok(()) => Event::Msg(Msg::Copied { what, result: Ok(clipboard::VIA_SYSTEM) }),
                Err(e) if mode == ClipboardMode::Native => {
                    let result = Err(format!("no system clipboard ({e}); settings.clipboard is \"native\""));
                    Event::Msg(Msg::Copied { what, result })
                }
                Err(_) => fallback(&text, what),
            };
            let _ = tx.send(event);
        });
    }

    /// Starts the user's browser on `url` (blocking, so off the loop). Not tried without a display
    /// or over SSH: a text-mode browser would take over the terminal, a remote one is unseen.
    fn open_url(&mut self, url: String) {
        let tx = self.tx.clone();
        if !self.browser {
            let result = Err("no display to show a browser on".to_string());
            let _ = tx.send(Event::Msg(Msg::Opened { url, result }));
            return;
        }
        tokio::task::spawn_blocking(move || {
            let result = webbrowser::open(&url).map_err(|e| e.to_string());
            let _ = tx.send(Event::Msg(Msg::Opened { url, result }));
        });
    }

    fn start_demo(&mut self) {
        if let Some(conn) = &self.demo_conn {
            let _ = self.tx.send(Event::Msg(Msg::Connected(conn.clone())));
            return;
        }
        if self.demo_starting {
            return;
        }
        self.demo_starting = true;
        let tx = self.tx.clone();
        let opts = self.demo.clone();
        tokio::spawn(async move {
            let event = match start_sandbox(&opts, ClientOptions::default()).await {
                Ok((client, sandbox, conn)) => Event::DemoReady { client, sandbox, conn },
                Err(reason) => Event::Msg(Msg::ConnectFailed(reason)),
            };
            let _ = tx.send(event);
        });
    }

    /// After `ConnectFailed`, a new `StartDemo` may try again.
    pub fn demo_failed(&mut self) {
        self.demo_starting = false;
    }
}

/// Sends `event` unless its task was cancelled or a switch happened since it started (checked
/// under the epoch lock, so it is queued either before the switch's announcement or not at all).
fn send_if_current(
    epoch: &std::sync::Mutex<u64>,
    mine: u64,
    token: &CancellationToken,
    tx: &UnboundedSender<Event>,
    event: Event,
) {
    let current = epoch.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if *current == mine && !token.is_cancelled() {
        let _ = tx.send(event);
    }
}

/// Cancels the token in `key` and puts a fresh child of `parent` there.
fn replace<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, CancellationToken>,
    key: K,
    parent: &CancellationToken,
) -> CancellationToken {
    let token = parent.child_token();
    if let Some(old) = map.insert(key, token.clone()) {
        old.cancel();
    }
    token
}

/// `:person <query>`: a UUID or integer id is retrieved (404 means "no such person"), anything
/// else is looked up as a distinct id.
/// Writes the search's persons to a new file (0600; an existing file is never overwritten): CSV
/// through PostHog's own export, JSON by walking every page with progress.
async fn export(
    client: &Client,
    format: app::ExportFormat,
    path: &std::path::Path,
    params: &crate::api::ListParams,
    tx: &tokio::sync::mpsc::UnboundedSender<Event>,
) -> Result<usize, String> {
    let bytes = match format {
        app::ExportFormat::Csv => {
            let csv = client.list_persons_csv(params).await.map_err(|e| e.to_string())?;
            let rows = csv.lines().count().saturating_sub(1);
            let _ = tx.send(Event::Msg(Msg::ExportProgress { done: rows, total: None }));
            (csv.into_bytes(), rows)
        }
        app::ExportFormat::Json => {
            let persons = client
                .list_all_persons(params, None, |done, total| {
                    let _ = tx.send(Event::Msg(Msg::ExportProgress { done, total }));
                })
                .await
                .map_err(|e| e.to_string())?;
            let n = persons.len();
            (serde_json::to_vec_pretty(&persons).map_err(|e| e.to_string())?, n)
        }
    };
    let (data, n) = bytes;
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        f.write_all(&data)
            .and_then(|()| f.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    })
    .await
    .map_err(|e| e.to_string())??;
    Ok(n)
}

/// `:person <query>`: a distinct id first (anonymous distinct ids look like UUIDs and user ids are
/// often numbers), then, if nobody has it, a person UUID or integer id.
async fn find_person(client: &Client, query: &str) -> Result<Option<PersonListItem>, ApiError> {
    if let Some(found) = client.find_by_distinct_id(query).await? {
        return Ok(Some(found));
    }
    match PersonId::parse(query) {
        Some(id) => match client.get_person(id).await {
            Ok(record) => Ok(Some(PersonListItem::from(&record))),
            Err(e) if matches!(e.kind, ErrorKind::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}

/// Starts the embedded sandbox on a free loopback port and builds a client for it (the TUI's
/// demo and `--demo` on any CLI command both start it here).
pub async fn start_sandbox(
    opts: &DemoOptions,
    client_opts: ClientOptions,
) -> Result<(Client, SandboxHandle, app::Connection), String> {
    let config = SandboxConfig {
        port: 0,
        persons: opts.persons,
        fixtures: opts.fixtures.clone(),
        projects: DEMO_PROJECTS,
        ..Default::default()
    };
    let sandbox =
        sandbox::spawn(config).await.map_err(|e| format!("could not start the demo sandbox: {e:#}"))?;
    let host = resolve_host(&sandbox.base_url(), false).map_err(|e| e.to_string())?;
    let client =
        Client::new(host, ProjectRef::Id(sandbox.project_id()), ApiKey::new(sandbox.key()), client_opts)
            .map_err(|e| e.to_string())?;
    let conn = demo_connection(&sandbox);
    Ok((client, sandbox, conn))
}

/// What the status bar shows for the embedded sandbox.
pub(crate) fn demo_connection(sandbox: &SandboxHandle) -> app::Connection {
    app::Connection {
        host: sandbox.base_url(),
        project: sandbox.project_id().to_string(),
        profile: None,
        demo: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ListParams;
    use crate::sandbox::FixturePerson;
    use std::time::Duration;
    use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

    const ALICE: &str = "0190f0c2-0000-7000-8000-00000000a11c";

    fn executor() -> (Executor, UnboundedReceiver<Event>) {
        let (tx, rx) = unbounded_channel();
        let mut exec = Executor::new(tx, None, DemoOptions { persons: 3, fixtures: None });
        exec.disable_browser();
        (exec, rx)
    }

    async fn next_msg(rx: &mut UnboundedReceiver<Event>) -> Msg {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.expect("a message").unwrap() {
            Event::Msg(m) => m,
            Event::Write { then, .. } => then,
            Event::DemoReady { conn, .. } => Msg::Connected(conn),
            Event::Switched { conn, read_only, .. } => Msg::Switched { conn, read_only },
            Event::SetMouse(on) => panic!("unexpected SetMouse({on})"),
        }
    }

    #[tokio::test]
    async fn open_url_without_a_browser_says_so_and_mouse_goes_to_the_terminal() {
        let (mut exec, mut rx) = executor();
        exec.run(Cmd::OpenUrl("https://us.posthog.com/project/1/person/a".into()));
        match next_msg(&mut rx).await {
            Msg::Opened { url, result: Err(e) } => {
                assert_eq!(url, "https://us.posthog.com/project/1/person/a");
                assert!(e.contains("no display"), "{e}");
            }
            other => panic!("unexpected {other:?}"),
        }
        exec.run(Cmd::SetMouse(true));
        assert!(matches!(rx.recv().await, Some(Event::SetMouse(true))));
        assert_quiet(&mut rx).await;
    }

    /// Nothing else is waiting once every spawned task has had its turn.
    async fn assert_quiet(rx: &mut UnboundedReceiver<Event>) {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert!(rx.try_recv().is_err(), "an unexpected message arrived");
    }

    fn list(generation: u64) -> Cmd {
        Cmd::ListPersons { generation, params: ListParams::default() }
    }

    #[tokio::test]
    async fn a_newer_request_in_a_slot_cancels_the_older_one() {
        let (mut exec, mut rx) = executor();
        exec.run(list(1));
        exec.run(list(2));
        match next_msg(&mut rx).await {
            Msg::PersonsLoaded { generation, append: false, result: Err(_) } => assert_eq!(generation, 2),
            other => panic!("{other:?}"),
        }
        assert_quiet(&mut rx).await;
    }

    #[tokio::test]
    async fn cancel_drops_the_request_without_a_message() {
        let (mut exec, mut rx) = executor();
        exec.run(list(1));
        exec.run(Cmd::GetPerson { generation: 1, uuid: ALICE.into() });
        exec.run(Cmd::Cancel(Slot::List));
        assert!(matches!(next_msg(&mut rx).await, Msg::PersonLoaded { .. }), "other slots keep running");
        assert_quiet(&mut rx).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_newer_debounce_replaces_the_older_one() {
        let (mut exec, mut rx) = executor();
        let after = Duration::from_millis(250);
        exec.run(Cmd::Debounce { timer: Timer::Search, generation: 1, after });
        exec.run(Cmd::Debounce { timer: Timer::Prefetch, generation: 7, after });
        tokio::time::sleep(Duration::from_millis(100)).await;
        exec.run(Cmd::Debounce { timer: Timer::Search, generation: 2, after });
        assert!(matches!(next_msg(&mut rx).await, Msg::TimerFired { timer: Timer::Prefetch, generation: 7 }));
        let start = tokio::time::Instant::now();
        assert!(matches!(next_msg(&mut rx).await, Msg::TimerFired { timer: Timer::Search, generation: 2 }));
        assert_eq!(start.elapsed(), Duration::from_millis(100), "fires `after` the newer request");
        assert_quiet(&mut rx).await;
    }

    #[tokio::test]
    async fn copy_without_a_system_clipboard_goes_through_the_terminal() {
        let (mut exec, mut rx) = executor();
        exec.native_clipboard = false;
        exec.run(Cmd::Copy { text: "hi".into(), what: "UUID".into() });
        match rx.recv().await.unwrap() {
            Event::Write { bytes, then: Msg::Copied { what, result } } => {
                assert!(bytes.starts_with(b"\x1b]52;c;aGk=\x07"));
                assert_eq!(what, "UUID");
                assert!(
                    result == Ok(clipboard::VIA_OSC52) || result == Ok(clipboard::VIA_OSC52_TMUX),
                    "{result:?}"
                );
            }
            _ => panic!("expected an OSC 52 write"),
        }
    }

    #[tokio::test]
    async fn clipboard_settings_off_and_osc52_are_obeyed() {
        use crate::config::ClipboardMode;
        let (mut exec, mut rx) = executor();
        exec.set_clipboard_mode(ClipboardMode::Off);
        exec.run(Cmd::Copy { text: "hi".into(), what: "UUID".into() });
        match next_msg(&mut rx).await {
            Msg::Copied { result: Err(e), .. } => assert!(e.contains("copying is off"), "{e}"),
            other => panic!("unexpected {other:?}"),
        }
        // osc52 never asks the system clipboard, even where one is plausible.
        exec.native_clipboard = true;
        exec.set_clipboard_mode(ClipboardMode::Osc52);
        exec.run(Cmd::Copy { text: "hi".into(), what: "UUID".into() });
        assert!(matches!(rx.recv().await, Some(Event::Write { .. })), "expected an OSC 52 write");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn nothing_of_the_old_connection_arrives_after_a_switch() {
        let sandbox =
            sandbox::spawn(SandboxConfig { persons: 3, projects: 2, ..Default::default() }).await.unwrap();
        let host = resolve_host(&sandbox.base_url(), false).unwrap();
        let client =
            Client::new(host, ProjectRef::Id(1), ApiKey::new(sandbox.key()), ClientOptions::default())
                .unwrap();
        let (tx, mut rx) = unbounded_channel();
        let mut exec = Executor::new(tx, Some(client), DemoOptions::default());
        // A timer of the old connection that fires after the switch was announced but before the
        // loop handled it (`switched` has not run, so nothing was cancelled).
        let after = Duration::from_millis(300);
        exec.run(Cmd::Debounce { timer: Timer::Search, generation: 1, after });
        let from = demo_connection(&sandbox);
        exec.run(Cmd::SwitchProject { id: 2, from });
        let event = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap();
        let Event::Switched { conn, .. } = event else { panic!("expected the switch first") };
        assert_eq!(conn.project, "2");
        let late = tokio::time::timeout(Duration::from_millis(800), rx.recv()).await;
        assert!(late.is_err(), "the old timer's message was dropped");
        // The new connection's own work is delivered.
        exec.run(Cmd::Debounce { timer: Timer::Search, generation: 2, after: Duration::from_millis(1) });
        assert!(matches!(next_msg(&mut rx).await, Msg::TimerFired { generation: 2, .. }));
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn writes_run_to_the_end_are_journaled_and_refused_in_read_only() {
        use crate::api::{BulkTarget, DeleteOptions};
        use crate::writes::{READ_ONLY, WriteOutcome};
        let sandbox = sandbox::spawn(SandboxConfig { persons: 3, ..Default::default() }).await.unwrap();
        let host = resolve_host(&sandbox.base_url(), false).unwrap();
        let client =
            Client::new(host, ProjectRef::Id(1), ApiKey::new(sandbox.key()), ClientOptions::default())
                .unwrap();
        let page = client.list_persons(&ListParams::default()).await.unwrap();
        let uuids: Vec<uuid::Uuid> = page.results.iter().map(|p| p.uuid().parse().unwrap()).collect();
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(dir.path().join("journal.jsonl"));
        let (tx, mut rx) = unbounded_channel();
        let mut exec = Executor::new(tx, Some(client), DemoOptions::default());
        exec.set_journal(Some(journal.clone()));

        let person = PersonId::Uuid(uuids[0]);
        let edit = Write::UpdateProperty { person, key: "plan".into(), value: serde_json::json!("007") };
        exec.run(Cmd::Write { id: 1, write: edit.clone(), before: None });
        // Cancelling every slot does not touch a write.
        for slot in [Slot::List, Slot::Person, Slot::Lookup, Slot::Project] {
            exec.run(Cmd::Cancel(slot));
        }
        match next_msg(&mut rx).await {
            Msg::WriteDone { id: 1, result: Ok(WriteOutcome::Done { journal_warning: None }) } => {}
            other => panic!("{other:?}"),
        }
        let bulk =
            Write::BulkDelete { target: BulkTarget::Ids(uuids.clone()), options: DeleteOptions::default() };
        exec.run(Cmd::Write { id: 2, write: bulk, before: Some(serde_json::json!([])) });
        assert!(matches!(next_msg(&mut rx).await, Msg::WriteProgress { id: 2, done: 3, total: 3 }));
        match next_msg(&mut rx).await {
            Msg::WriteDone { id: 2, result: Ok(outcome) } => {
                assert_eq!(outcome.bulk_report().unwrap().summary.persons_deleted, 3)
            }
            other => panic!("{other:?}"),
        }
        exec.finish_writes().await;
        assert_eq!(journal.read(10).unwrap().entries.len(), 2);

        exec.set_read_only(true);
        sandbox.clear_requests();
        exec.run(Cmd::Write { id: 3, write: edit, before: None });
        match next_msg(&mut rx).await {
            Msg::WriteDone { id: 3, result: Err(e) } => assert_eq!(e, READ_ONLY),
            other => panic!("{other:?}"),
        }
        assert!(sandbox.requests().is_empty(), "nothing was sent");
        assert_eq!(journal.read(10).unwrap().entries.len(), 2);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn find_person_by_uuid_or_distinct_id_and_start_demo() {
        let sandbox = sandbox::spawn(SandboxConfig {
            persons: 0,
            fixtures_inline: vec![FixturePerson {
                uuid: Some(ALICE.parse().unwrap()),
                // A UUID-shaped (anonymous) and a numeric distinct id, as PostHog has them.
                distinct_ids: vec![
                    "alice-1".into(),
                    "01a2177c-c637-72d7-b85b-a9f0b6f14854".into(),
                    "335196".into(),
                ],
                properties: serde_json::from_str(r#"{"email": "alice@fixture.test"}"#).unwrap(),
                created_at: None,
                last_seen_at: None,
                is_identified: None,
                events: Vec::new(),
            }],
            ..Default::default()
        })
        .await
        .unwrap();
        let host = resolve_host(&sandbox.base_url(), false).unwrap();
        let client =
            Client::new(host, ProjectRef::Id(1), ApiKey::new(sandbox.key()), ClientOptions::default())
                .unwrap();
        let (tx, mut rx) = unbounded_channel();
        let mut exec = Executor::new(tx, Some(client), DemoOptions { persons: 2, fixtures: None });
        for (query, found) in [
            (ALICE, true),
            ("alice-1", true),
            ("01a2177c-c637-72d7-b85b-a9f0b6f14854", true),
            ("335196", true),
            ("0190f0c2-0000-7000-8000-000000000000", false),
            ("nobody", false),
        ] {
            exec.run(Cmd::FindPerson { generation: 1, query: query.into() });
            match next_msg(&mut rx).await {
                Msg::PersonFound { result: Ok(p), .. } => {
                    assert_eq!(p.map(|p| p.uuid().to_string()), found.then(|| ALICE.to_string()), "{query}")
                }
                other => panic!("{query}: {other:?}"),
            }
        }

        exec.run(Cmd::StartDemo);
        let Some(Event::DemoReady { client, sandbox: demo, conn }) = rx.recv().await else {
            panic!("the demo starts")
        };
        assert!(conn.demo && conn.host.starts_with("http://127.0.0.1:"));
        assert!(matches!(exec.demo_ready(client, demo, conn), Msg::Connected(_)));
        exec.run(list(3));
        match next_msg(&mut rx).await {
            Msg::PersonsLoaded { generation: 3, result: Ok(page), .. } => assert_eq!(page.results.len(), 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(exec.run(Cmd::Quit), Flow::Quit);
    }
}
