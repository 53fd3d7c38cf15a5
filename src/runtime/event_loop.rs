//! The event loop: terminal input, task results and (only while requests are in flight) a spinner
//! timer become `Msg`s for `update`; the commands it returns go to the executor; the screen is
//! drawn once per batch of messages, and only when a message arrived. Nothing happens while idle.
use super::tasks::{DemoOptions, Event, Executor, Flow};
use super::terminal::{self, Interrupted, RestoreGuard, Signals, Tui};
use crate::api::Client;
use crate::app::{self, Cmd, Model, Msg};
use crate::sandbox::SandboxHandle;
use anyhow::Context;
use chrono::Utc;
use futures::StreamExt;
use ratatui::crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use ratatui::crossterm::{queue, terminal as ct};
use std::io::Write;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, Interval, MissedTickBehavior};

/// Spinner frame interval while something is loading.
pub const SPINNER_INTERVAL: Duration = Duration::from_millis(100);
/// At most this many queued messages are handled before a frame is drawn.
const MAX_BATCH: usize = 512;

/// A client that is ready, and how to show it in the status bar.
pub struct Connected {
    pub client: Client,
    pub info: app::Connection,
}

/// What the TUI starts with.
pub struct Start {
    /// `None`: nothing configured, the welcome screen (where `d` starts the demo).
    pub connection: Option<Connected>,
    pub read_only: bool,
    /// The sandbox behind `connection` (`--demo`), kept alive while the TUI runs.
    pub sandbox: Option<SandboxHandle>,
    /// The sandbox to start when the welcome screen asks for the demo.
    pub demo: DemoOptions,
    /// How long confirmed deletions wait before they are sent (zero: at once).
    pub grace: std::time::Duration,
    /// Allow editing PostHog's own `$`-properties.
    pub allow_dollar_edits: bool,
    /// The config file's preferences, look and keys.
    pub settings: TuiSettings,
    /// The config file's profiles, for `:profile` (`None`: none to switch to).
    pub profiles: Option<super::Profiles>,
}

/// What the config file sets for the TUI.
#[derive(Clone, Debug)]
pub struct TuiSettings {
    pub prefs: app::Prefs,
    /// Already plain under `NO_COLOR`.
    pub theme: crate::ui::Theme,
    pub keymap: app::keymap::Keymap,
    pub clipboard: crate::config::ClipboardMode,
}

impl Default for TuiSettings {
    /// No config file: the defaults, with the plain theme under `NO_COLOR`.
    fn default() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            prefs: Default::default(),
            theme: crate::config::Config::default().theme(no_color),
            keymap: Default::default(),
            clipboard: Default::default(),
        }
    }
}

/// Runs the TUI until the user quits. The terminal is restored however this ends (return, error,
/// panic, signal); a signal ends it with [`Interrupted`].
pub async fn run(start: Start) -> anyhow::Result<()> {
    let mut signals = Signals::new().context("cannot listen for termination signals")?;
    let mut tui = terminal::enter().context("cannot set up the terminal")?;
    let guard = RestoreGuard;
    let mut main = Loop::new(start);
    let result = main.run(&mut tui, &mut signals).await;
    drop(guard);
    drop(tui);
    let dropped = main.model.scheduled.len();
    if dropped > 0 {
        eprintln!(
            "hogdex: {dropped} deletion(s) were still in their grace period when hogdex quit; nothing was sent for them"
        );
    }
    result
}

struct Loop {
    model: Model,
    theme: crate::ui::Theme,
    exec: Executor,
    rx: mpsc::UnboundedReceiver<Event>,
    quit: bool,
}

impl Loop {
    fn new(start: Start) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let (client, conn) = match start.connection {
            Some(c) => (Some(c.client), Some(c.info)),
            None => (None, None),
        };
        let mut exec = Executor::new(tx, client, start.demo);
        exec.set_read_only(start.read_only);
        exec.set_clipboard_mode(start.settings.clipboard);
        if let (Some(sandbox), Some(conn)) = (start.sandbox, &conn) {
            exec.keep_sandbox(sandbox, conn.clone());
        }
        let mut model = Model::new(Utc::now(), conn, start.read_only);
        model.grace = start.grace;
        model.allow_dollar_edits = start.allow_dollar_edits;
        model.apply_prefs(start.settings.prefs);
        for conflict in &start.settings.keymap.conflicts {
            model.push_message(crate::app::Level::Warn, format!("Keys: {conflict}"));
        }
        model.keymap = std::sync::Arc::new(start.settings.keymap);
        if let Some(profiles) = start.profiles {
            model.profiles = profiles.infos();
            exec.set_profiles(profiles);
        }
        Self { model, theme: start.settings.theme, exec, rx, quit: false }
    }

    /// Writes already sent are never cut off: quitting waits for them (bounded), saying so.
    async fn finish(&mut self, tui: &mut Tui) -> anyhow::Result<()> {
        let n = self.exec.writes_in_flight();
        if n > 0 {
            self.model.push_message(
                crate::app::Level::Warn,
                format!("Waiting for {n} write(s) already sent to finish before quitting…"),
            );
            draw(tui, &self.model, &self.theme)?;
            let _ = tokio::time::timeout(std::time::Duration::from_secs(15), self.exec.finish_writes()).await;
        }
        Ok(())
    }

    async fn run(&mut self, tui: &mut Tui, signals: &mut Signals) -> anyhow::Result<()> {
        let size = tui.size()?;
        self.model.width = size.width;
        self.model.height = size.height;
        self.model.now = Utc::now();
        let cmds = app::init(&mut self.model);
        self.execute(cmds);
        let mut events = EventStream::new();
        let mut spinner: Option<Interval> = None;
        let mut dirty = true;
        loop {
            if self.quit || self.model.should_quit {
                return self.finish(tui).await;
            }
            if dirty {
                draw(tui, &self.model, &self.theme)?;
                dirty = false;
            }
            sync_spinner(&mut spinner, self.model.is_busy());
            tokio::select! {
                signal = signals.recv() => return Err(Interrupted { signal }.into()),
                input = events.next() => match input {
                    Some(Ok(ev)) => dirty |= self.input(ev),
                    Some(Err(e)) => return Err(e).context("cannot read from the terminal"),
                    // The terminal went away: nothing left to show.
                    None => return Ok(()),
                },
                Some(ev) = self.rx.recv() => dirty |= self.event(tui, ev)?,
                _ = tick(&mut spinner) => dirty |= self.msg(Msg::Tick),
            }
            // Take whatever else is already waiting before drawing (a paste, a held key, results).
            for _ in 0..MAX_BATCH {
                if self.quit || self.model.should_quit {
                    break;
                }
                if let Ok(ev) = self.rx.try_recv() {
                    dirty |= self.event(tui, ev)?;
                    continue;
                }
                match ready_input(&mut events).await {
                    Some(Ok(ev)) => dirty |= self.input(ev),
                    Some(Err(e)) => return Err(e).context("cannot read from the terminal"),
                    None => break,
                }
            }
        }
    }

    /// Hands a message to `update` and runs the commands it returns. Always changes the screen.
    fn msg(&mut self, msg: Msg) -> bool {
        if matches!(msg, Msg::ConnectFailed(_)) {
            self.exec.demo_failed();
        }
        self.model.now = Utc::now();
        let cmds = app::update(&mut self.model, msg);
        self.execute(cmds);
        true
    }

    fn execute(&mut self, cmds: Vec<Cmd>) {
        for cmd in cmds {
            if self.exec.run(cmd) == Flow::Quit {
                self.quit = true;
            }
        }
    }

    /// Terminal input; focus changes and key releases are ignored.
    fn input(&mut self, ev: TermEvent) -> bool {
        let msg = match ev {
            TermEvent::Key(key) if key.kind == KeyEventKind::Press => Msg::Key(key),
            TermEvent::Mouse(m) => Msg::Mouse(m),
            TermEvent::Paste(text) => Msg::Paste(text),
            TermEvent::Resize(width, height) => Msg::Resize { width, height },
            _ => return false,
        };
        self.msg(msg)
    }

    fn event(&mut self, tui: &mut Tui, ev: Event) -> anyhow::Result<bool> {
        // An answer about a connection hogdex has switched away from is dropped.
        let Some(ev) = self.exec.accept(ev) else { return Ok(false) };
        Ok(match ev {
            Event::Msg(msg) => self.msg(msg),
            Event::Stamped(..) => false,
            Event::Write { bytes, then } => {
                let out = tui.backend_mut();
                out.write_all(&bytes).and_then(|()| out.flush()).context("cannot write to the terminal")?;
                self.msg(then)
            }
            Event::SetMouse(on) => {
                terminal::set_mouse(tui.backend_mut(), on).context("cannot set up the mouse")?;
                false
            }
            Event::DemoReady { client, sandbox, conn } => {
                let msg = self.exec.demo_ready(client, sandbox, conn);
                self.msg(msg)
            }
            Event::Switched { client, conn, read_only } => {
                let msg = self.exec.switched(client, conn, read_only);
                self.msg(msg)
            }
        })
    }
}

fn draw(tui: &mut Tui, model: &Model, theme: &crate::ui::Theme) -> anyhow::Result<()> {
    queue!(tui.backend_mut(), ct::BeginSynchronizedUpdate)?;
    tui.draw(|f| crate::ui::view_with(model, f, theme)).context("cannot draw")?;
    queue!(tui.backend_mut(), ct::EndSynchronizedUpdate)?;
    tui.backend_mut().flush()?;
    Ok(())
}

/// Terminal input that is already waiting, without blocking. Polled with this task's waker (not a
/// no-op one): `EventStream` starts its wake-up thread with the first waker it sees, so polling it
/// with `now_or_never` would lose the wake-up for the next key.
async fn ready_input(events: &mut EventStream) -> Option<std::io::Result<TermEvent>> {
    std::future::poll_fn(|cx| match events.poll_next_unpin(cx) {
        std::task::Poll::Ready(Some(ev)) => std::task::Poll::Ready(Some(ev)),
        _ => std::task::Poll::Ready(None),
    })
    .await
}

/// The spinner timer exists only while something is in flight.
fn sync_spinner(spinner: &mut Option<Interval>, busy: bool) {
    match (busy, spinner.is_some()) {
        (true, false) => {
            let mut i = tokio::time::interval_at(Instant::now() + SPINNER_INTERVAL, SPINNER_INTERVAL);
            i.set_missed_tick_behavior(MissedTickBehavior::Skip);
            *spinner = Some(i);
        }
        (false, true) => *spinner = None,
        _ => {}
    }
}

async fn tick(spinner: &mut Option<Interval>) {
    match spinner {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}
