//! The executor: runs each `Cmd` from `update` as a tokio task that reports back with one `Msg`
//! on the loop's channel. Requests live in slots (latest wins): a new request in a slot cancels
//! the one before it, and `Cmd::Cancel` cancels without a replacement. Debounce timers work the
//! same way per timer.
use super::clipboard::{self, Clipboard};
use crate::api::{ApiError, Client, ErrorKind, PersonId};
use crate::app::insight::InsightRequest;
use crate::app::{self, Cmd, Msg, Slot, Timer};
use crate::journal::Journal;
use crate::sandbox::SandboxHandle;
use crate::writes::{Write, WriteError, Writer};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

mod demo;
mod work;

#[cfg(test)]
use demo::demo_connection;
pub use demo::{DemoOptions, start_sandbox};
use work::{export, find_person};

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
    /// An answer to work started on connection number `.0` (see [`Executor::accept`]).
    Stamped(u64, Box<Event>),
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
    /// Which connection requests and timers belong to: their answers are stamped with it when
    /// they start, and [`Executor::accept`] drops answers stamped before the last switch.
    epoch: u64,
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
            epoch: 0,
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

    /// A switch connected: every request of the old connection is cancelled (its answers would
    /// be about another project), the new client and read-only mode take over.
    pub fn switched(&mut self, client: Client, conn: app::Connection, read_only: bool) -> Msg {
        // Whatever was started before this point talked to the old connection.
        self.epoch += 1;
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
                self.fetch(
                    Slot::List,
                    "Listing persons",
                    move |c| async move { c.list_persons(&params).await },
                    move |result| Msg::PersonsLoaded { generation, append: false, result },
                );
            }
            Cmd::ListNext { generation, next } => {
                self.fetch(
                    Slot::List,
                    "Loading the next page of persons",
                    move |c| async move { c.list_persons_next(&next).await },
                    move |result| Msg::PersonsLoaded { generation, append: true, result },
                );
            }
            Cmd::GetPerson { generation, uuid } => {
                let call = move |c: Client, id: PersonId| async move { c.get_person(id).await };
                let person = uuid.clone();
                self.fetch_person(Slot::Person, "Loading the person", &person, call, move |result| {
                    Msg::PersonLoaded { generation, uuid, result }
                });
            }
            Cmd::FindPerson { generation, query } => {
                let asked = query.clone();
                self.fetch(
                    Slot::Lookup,
                    "Looking up the person",
                    move |c| async move { find_person(&c, &asked).await },
                    move |result| Msg::PersonFound { generation, query, result },
                );
            }
            Cmd::LoadProject => {
                self.fetch(
                    Slot::Project,
                    "Loading the project",
                    move |c| async move { c.current_project().await },
                    Msg::ProjectLoaded,
                );
            }
            Cmd::LoadProjects => {
                let call = move |c: Client| async move { super::switch::project_choices(&c).await };
                self.fetch(Slot::Projects, "Listing projects", call, Msg::ProjectsLoaded);
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
                let epoch = self.epoch;
                tokio::spawn(async move {
                    tokio::select! {
                        biased;
                        _ = token.cancelled() => {}
                        _ = tokio::time::sleep(after) => {
                            let event = Event::Msg(Msg::TimerFired { timer, generation });
                            let _ = tx.send(Event::Stamped(epoch, Box::new(event)));
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
                let call = move |c: Client, id: PersonId| async move { c.timeline(id, &params).await };
                self.fetch_person(
                    Slot::Timeline,
                    "Loading the properties timeline",
                    &uuid,
                    call,
                    move |result| Msg::TimelineLoaded { generation, result },
                );
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
                self.fetch(
                    Slot::Events,
                    "Loading the person's events",
                    move |c| async move { c.events_query(&query).await },
                    move |result| Msg::EventsLoaded { generation, append, result },
                );
            }
            Cmd::LoadCohorts { generation, uuid } => {
                let call = move |c: Client, id: PersonId| async move { c.person_cohorts(id).await };
                self.fetch_person(
                    Slot::Cohorts,
                    "Loading the person's cohorts",
                    &uuid,
                    call,
                    move |result| Msg::CohortsLoaded { generation, result },
                );
            }
            Cmd::LoadInsight { generation, request } => {
                let call = move |c: Client| async move {
                    match &request {
                        InsightRequest::Funnel(p) => c.persons_funnel(p).await,
                        InsightRequest::Correlation(p) => c.persons_funnel_correlation(p).await,
                        InsightRequest::Lifecycle(p) => c.persons_lifecycle(p).await,
                    }
                };
                self.fetch(Slot::List, "Loading insight persons", call, move |result| Msg::InsightLoaded {
                    generation,
                    append: false,
                    result,
                });
            }
            Cmd::InsightNext { generation, next } => {
                self.fetch(
                    Slot::List,
                    "Loading more insight persons",
                    move |c| async move { c.actors_next(&next).await },
                    move |result| Msg::InsightLoaded { generation, append: true, result },
                );
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

    /// Runs `call` on the client in `slot` and hands its result to `done` (without a client, the
    /// result is the not-connected error for `op`).
    fn fetch<T, Fut>(
        &mut self,
        slot: Slot,
        op: &'static str,
        call: impl FnOnce(Client) -> Fut + Send + 'static,
        done: impl FnOnce(Result<T, ApiError>) -> Msg + Send + 'static,
    ) where
        Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
        T: Send + 'static,
    {
        let client = self.client.clone();
        self.request(slot, async move {
            let result = match client {
                Some(c) => call(c).await,
                None => Err(not_connected(op)),
            };
            done(result)
        });
    }

    /// [`Executor::fetch`] for one person: `uuid` must be a UUID or an integer id (else the
    /// result is a refusal, and nothing is sent).
    fn fetch_person<T, Fut>(
        &mut self,
        slot: Slot,
        op: &'static str,
        uuid: &str,
        call: impl FnOnce(Client, PersonId) -> Fut + Send + 'static,
        done: impl FnOnce(Result<T, ApiError>) -> Msg + Send + 'static,
    ) where
        Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
        T: Send + 'static,
    {
        match PersonId::parse(uuid) {
            Some(id) => self.fetch(slot, op, move |c| call(c, id), done),
            None => {
                let reason = "the person id is not a UUID or a number".into();
                let refused = ApiError::new(op, ErrorKind::Refused { reason });
                self.request(slot, async move { done(Err(refused)) });
            }
        }
    }

    /// Runs `fut` in `slot`, cancelling whatever ran there; its message is sent unless cancelled.
    fn request(&mut self, slot: Slot, fut: impl Future<Output = Msg> + Send + 'static) {
        self.request_event(slot, async move { Event::Msg(fut.await) });
    }

    /// [`Executor::request`] for work that answers with a runtime event, stamped with the
    /// connection it was started on (a switch's own announcement is not stamped: it is what
    /// moves the connection on).
    fn request_event(&mut self, slot: Slot, fut: impl Future<Output = Event> + Send + 'static) {
        let token = replace(&mut self.slots, slot, &self.all);
        let tx = self.tx.clone();
        let epoch = self.epoch;
        tokio::spawn(async move {
            tokio::select! {
                biased;
                _ = token.cancelled() => {}
                event = fut => {
                    if !token.is_cancelled() {
                        let event = match event {
                            Event::Switched { .. } => event,
                            other => Event::Stamped(epoch, Box::new(other)),
                        };
                        let _ = tx.send(event);
                    }
                }
            }
        });
    }

    /// An event as the loop should see it: unwrapped, or `None` when it answers something
    /// started on a connection hogdex has switched away from since.
    pub fn accept(&self, event: Event) -> Option<Event> {
        match event {
            Event::Stamped(epoch, inner) if epoch == self.epoch => Some(*inner),
            Event::Stamped(..) => None,
            other => Some(other),
        }
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

#[cfg(test)]
mod tests;
