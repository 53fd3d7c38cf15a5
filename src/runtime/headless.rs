//! A terminal-less driver of the real app, for tests and benchmarks: the same `Model`, `update`
//! and `Executor` as the event loop, with keys given in code instead of read from a terminal.
//! `settle` pumps results into `update` until the app is idle (lazygit's "wait for idle"): no
//! request, write, scheduled deletion, pending check or armed timer left, and nothing queued.
//! Nothing is drawn; render `model` with `ui::view` when a test needs the screen.
use super::tasks::{DemoOptions, Event, Executor, Flow};
use crate::api::Client;
use crate::app::{self, Cmd, Connection, Model, Msg, Timer};
use crate::journal::Journal;
use chrono::Utc;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};

/// The app without a terminal. Create it inside a tokio runtime (commands run as tokio tasks).
pub struct Headless {
    pub model: Model,
    exec: Executor,
    rx: mpsc::UnboundedReceiver<Event>,
    /// Debounce timers started and not yet fired, with the generation that will fire.
    timers: HashMap<Timer, u64>,
    /// `Cmd::Quit` was run.
    pub quit: bool,
}

impl Headless {
    /// Connects the app to `client` (writes refused when `read_only`; journaled to `journal`, or
    /// not at all with `None`) on a `width`×`height` screen, and runs `app::init`.
    pub fn new(client: Client, read_only: bool, journal: Option<Journal>, width: u16, height: u16) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let conn = Connection {
            host: client.host().as_str().to_string(),
            project: client.project().to_string(),
            profile: None,
            demo: false,
        };
        let mut exec = Executor::new(tx, Some(client), DemoOptions::default());
        exec.set_read_only(read_only);
        exec.disable_browser();
        exec.set_journal(journal);
        let mut model = Model::new(Utc::now(), Some(conn), read_only);
        model.width = width;
        model.height = height;
        let mut app = Self { model, exec, rx, timers: HashMap::new(), quit: false };
        let cmds = app::init(&mut app.model);
        app.run_all(cmds);
        app
    }

    /// The config file's profiles, for `:profile`.
    pub fn with_profiles(mut self, profiles: super::Profiles) -> Self {
        self.model.profiles = profiles.infos();
        self.exec.set_profiles(profiles);
        self
    }

    /// Hands `msg` to `update` (at the current wall-clock time) and runs the commands it returns.
    pub fn msg(&mut self, msg: Msg) {
        if let Msg::TimerFired { timer, generation } = &msg
            && self.timers.get(timer) == Some(generation)
        {
            self.timers.remove(timer);
        }
        if matches!(msg, Msg::ConnectFailed(_)) {
            self.exec.demo_failed();
        }
        self.model.now = Utc::now();
        let cmds = app::update(&mut self.model, msg);
        self.run_all(cmds);
    }

    /// Runs one command through the executor, as if `update` had returned it.
    pub fn run(&mut self, cmd: Cmd) {
        if let Cmd::Debounce { timer, generation, .. } = &cmd {
            self.timers.insert(*timer, *generation);
        }
        if self.exec.run(cmd) == Flow::Quit {
            self.quit = true;
        }
    }

    fn run_all(&mut self, cmds: Vec<Cmd>) {
        for cmd in cmds {
            self.run(cmd);
        }
    }

    pub fn key(&mut self, key: KeyEvent) {
        self.msg(Msg::Key(key));
    }

    /// A key without modifiers (shift for upper-case letters, as a terminal reports them).
    pub fn press(&mut self, code: KeyCode) {
        let mods = match code {
            KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
            KeyCode::BackTab => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        self.key(KeyEvent::new(code, mods));
    }

    /// One key press per character.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    pub fn ctrl(&mut self, c: char) {
        self.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }

    /// Nothing is running or waiting: no request, write, scheduled deletion, pending check or
    /// armed timer, and no message queued.
    pub fn is_idle(&self) -> bool {
        !self.model.is_busy()
            && self.timers.is_empty()
            && self.exec.writes_in_flight() == 0
            && self.rx.is_empty()
    }

    /// Feeds every result into `update` (running the commands it returns) until the app is idle.
    /// Panics, saying what is still running, when that takes longer than `limit`.
    pub async fn settle(&mut self, limit: Duration) {
        let deadline = Instant::now() + limit;
        if !self.pump_until(deadline, |h| h.is_idle()).await {
            panic!("the app is not idle after {limit:?}: {}", self.activity());
        }
    }

    /// Feeds results into `update` until `done(&model)` holds. Panics after `limit`.
    pub async fn wait_until(&mut self, limit: Duration, done: impl Fn(&Model) -> bool) {
        let deadline = Instant::now() + limit;
        if !self.pump_until(deadline, |h| done(&h.model)).await {
            panic!("the condition did not hold within {limit:?}: {}", self.activity());
        }
    }

    /// Handles whatever is already queued, without waiting.
    pub fn pump(&mut self) {
        while let Ok(ev) = self.rx.try_recv() {
            self.event(ev);
        }
    }

    /// Handles events until `done`; false when the deadline passed first.
    async fn pump_until(&mut self, deadline: Instant, done: impl Fn(&Self) -> bool) -> bool {
        loop {
            self.pump();
            if done(self) {
                return true;
            }
            let waiting_on_app = self.model.is_busy() || !self.timers.is_empty();
            if waiting_on_app || self.exec.writes_in_flight() == 0 {
                match timeout_at(deadline, self.rx.recv()).await {
                    Ok(Some(ev)) => self.event(ev),
                    Ok(None) => unreachable!("the executor holds a sender"),
                    Err(_) => return false,
                }
            } else if timeout_at(deadline, self.exec.finish_writes()).await.is_err() {
                // Only writes the model does not know of (a `Cmd::Write` run directly) are left;
                // their answers are queued once they end.
                return false;
            }
        }
    }

    fn event(&mut self, ev: Event) {
        let Some(ev) = self.exec.accept(ev) else { return };
        let msg = match ev {
            Event::Msg(msg) => msg,
            Event::Stamped(..) => return,
            // There is no terminal to write OSC 52 to; what follows still happens.
            Event::Write { then, .. } => then,
            Event::DemoReady { client, sandbox, conn } => self.exec.demo_ready(client, sandbox, conn),
            Event::Switched { client, conn, read_only } => {
                // The executor cancels the old connection's timers: none of them will fire.
                self.timers.clear();
                self.exec.switched(client, conn, read_only)
            }
            // No terminal, no mouse.
            Event::SetMouse(_) => return,
        };
        self.msg(msg);
    }

    /// What keeps the app busy, for timeout messages.
    fn activity(&self) -> String {
        let m = &self.model;
        format!(
            "requests {:?}, writes in flight {:?} (tasks {}), scheduled {}, checks {:?}, timers {:?}, last message {:?}",
            m.busy,
            m.in_flight.values().map(|f| &f.label).collect::<Vec<_>>(),
            self.exec.writes_in_flight(),
            m.scheduled.len(),
            m.checks.iter().map(|c| (&c.uuid, c.state)).collect::<Vec<_>>(),
            self.timers,
            m.last_message().map(|x| &x.text),
        )
    }
}
