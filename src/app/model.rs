//! All of the app's state. `update` changes it; the view only reads it.
use super::actions::Context;
use super::cmd::Slot;
use super::dialog::{Dialog, Expect};
use super::input::TextInput;
use super::inspector::{PersonView, Row, RowOptions, rows};
use crate::api::{PersonListItem, PersonRecord, Project};
use crate::writes::Write;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Persons per list page.
pub const PAGE_SIZE: u32 = 100;
/// Load the next page when the selection is this close to the end of what is loaded.
pub const LOAD_MORE_MARGIN: usize = 20;
/// Kept message history.
pub const MAX_MESSAGES: usize = 200;
/// Full records kept for instant re-display.
pub const RECORD_CACHE: usize = 500;

/// Default wait before a confirmed deletion is sent (`u` cancels it meanwhile).
pub const DEFAULT_GRACE: std::time::Duration = std::time::Duration::from_secs(5);
/// How many times an accepted write is re-checked before hogdex says it is not visible yet.
pub const MAX_CHECKS: u32 = 6;

/// A confirmed deletion waiting out its grace period.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduled {
    pub id: u64,
    pub write: Write,
    pub label: String,
    /// The persons it deletes (their rows show the countdown).
    pub uuids: Vec<String>,
    pub due: DateTime<Utc>,
    /// What to journal as the state before (list rows for bulk deletes).
    pub before: Option<serde_json::Value>,
}

/// A write sent and not yet answered.
#[derive(Clone, Debug, PartialEq)]
pub struct InFlight {
    pub write: Write,
    pub label: String,
    pub uuids: Vec<String>,
    /// What to expect once accepted, by person UUID (re-checked with backoff).
    pub expect: Vec<(String, Expect)>,
    /// Bulk progress: ids sent of total.
    pub progress: Option<(usize, usize)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckState {
    /// Accepted by PostHog, not visible yet.
    Pending,
    /// Seen in a fresh read.
    Confirmed,
    /// Still not visible after the last re-check.
    NotVisible,
}

/// An accepted write being re-checked until PostHog shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub id: u64,
    pub uuid: String,
    pub expect: Expect,
    pub attempt: u32,
    pub state: CheckState,
}

/// Who we are talking to, for the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// Printable origin, e.g. `https://eu.posthog.com` (never contains the key).
    pub host: String,
    /// The project as configured (`12345` or `@current`).
    pub project: String,
    pub profile: Option<String>,
    pub demo: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Nothing configured: how to connect, or `d` for the demo.
    Welcome,
    Main,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    List,
    Inspector,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub level: Level,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Messages {
        scroll: usize,
    },
    /// The full value of a property (or any long text), wrapped.
    Detail {
        title: String,
        text: String,
        scroll: usize,
    },
    /// `:activity`: every person's activity (deleted persons too); Enter opens the person.
    Activity,
    /// `:journal`: the writes hogdex sent, newest first; `u` restores a previous value.
    Journal {
        entries: Vec<crate::journal::JournalEntry>,
        selected: usize,
        skipped: usize,
    },
    /// `:profile` / `:project`: pick where to connect; Enter switches without restarting.
    Picker(Picker),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerKind {
    Profile,
    Project,
}

/// One row of a picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// What switching uses: a profile name or a project id.
    pub value: String,
    pub label: String,
    /// Second column: host and project of a profile, organization of a project.
    pub detail: String,
    /// Where hogdex is connected now.
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picker {
    pub kind: PickerKind,
    pub choices: Vec<Choice>,
    /// Index into [`Picker::visible`].
    pub selected: usize,
    /// `/`: narrows the choices to those whose name or detail contain the text.
    pub filter: TextInput,
    pub filtering: bool,
    /// Waiting for `GET /api/projects/`.
    pub loading: bool,
    pub error: Option<String>,
}

impl Picker {
    pub fn new(kind: PickerKind, choices: Vec<Choice>) -> Self {
        let selected = choices.iter().position(|c| c.current).unwrap_or(0);
        Self {
            kind,
            choices,
            selected,
            filter: TextInput::default(),
            filtering: false,
            loading: false,
            error: None,
        }
    }

    /// The choices the filter lets through (case-insensitive, name or detail), in order.
    pub fn visible(&self) -> Vec<&Choice> {
        let needle = self.filter.text.trim().to_lowercase();
        self.choices
            .iter()
            .filter(|c| {
                needle.is_empty()
                    || c.label.to_lowercase().contains(&needle)
                    || c.detail.to_lowercase().contains(&needle)
            })
            .collect()
    }

    /// The highlighted choice.
    pub fn chosen(&self) -> Option<&Choice> {
        self.visible().get(self.selected).copied()
    }
}

/// A profile from the config file, for `:profile`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileInfo {
    pub name: String,
    pub host: String,
    pub project: String,
    pub read_only: bool,
}

/// A project from `GET /api/projects/`, for `:project`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectChoice {
    pub id: i64,
    pub name: String,
    /// The organization's name when known, else its id.
    pub organization: String,
}

/// Preferences from the config file's `[settings]`, applied at start and after each switch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefs {
    pub hide_dollar: bool,
    /// Index into `history::RANGES` the timeline and events tabs open with.
    pub events_range: usize,
    pub mouse: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchState {
    pub input: TextInput,
    /// The search box has keyboard focus.
    pub editing: bool,
    /// What is wrong with the current text; nothing is sent while set.
    pub error: Option<String>,
    /// The query text whose results the list shows.
    pub applied: String,
    pub generation: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListState {
    pub items: Vec<PersonListItem>,
    pub selected: usize,
    pub scroll: usize,
    pub next: Option<String>,
    /// From `include_total`.
    pub total: Option<u64>,
    /// A first page is loading (the list may still show the previous results).
    pub loading: bool,
    /// The next page is loading.
    pub loading_more: bool,
    /// Why the last list request failed (shown in the list; `r` retries).
    pub error: Option<String>,
    pub generation: u64,
    /// Where the list came from, e.g. "search: ali" (breadcrumb).
    pub source: String,
    /// The list holds insight persons (funnel, correlation, lifecycle): `next` is an actors link,
    /// and Esc goes back to the search.
    pub insight: Option<super::insight::InsightRequest>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct InspectorState {
    /// UUID of the person shown.
    pub uuid: Option<String>,
    pub selected: usize,
    pub scroll: usize,
    pub expanded: BTreeSet<String>,
    pub filter: TextInput,
    pub filter_editing: bool,
    pub hide_dollar: bool,
    /// The full record is being fetched.
    pub loading: bool,
    pub error: Option<String>,
    pub generation: u64,
    pub prefetch_generation: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Wall clock, set by the runtime before each update (fixed in tests).
    pub now: DateTime<Utc>,
    pub screen: Screen,
    pub conn: Option<Connection>,
    pub read_only: bool,
    pub focus: Focus,
    /// The inspector fills the screen (Enter on a person).
    pub zoomed: bool,
    pub width: u16,
    pub height: u16,
    pub search: SearchState,
    pub list: ListState,
    pub inspector: InspectorState,
    pub overlay: Option<Overlay>,
    /// The command palette's text while it is open.
    pub palette: Option<TextInput>,
    pub messages: Vec<Message>,
    /// Slots with a request in flight (the spinner runs while non-empty).
    pub busy: BTreeSet<Slot>,
    pub spinner: usize,
    pub project: Option<Project>,
    /// Full records by UUID.
    pub records: HashMap<String, PersonRecord>,
    pub lookup_generation: u64,
    /// A person opened with `:person` who is not in the current list.
    pub extra_person: Option<PersonListItem>,
    /// Why the demo could not start (welcome screen).
    pub welcome_error: Option<String>,
    pub should_quit: bool,
    /// The open dialog (edits, deletes, split, confirmations).
    pub dialog: Option<Dialog>,
    /// Marked persons by UUID (kept across scrolling, paging and searches).
    pub marks: BTreeMap<String, PersonListItem>,
    pub scheduled: Vec<Scheduled>,
    pub in_flight: BTreeMap<u64, InFlight>,
    pub checks: Vec<Check>,
    pub next_id: u64,
    /// Wait before deletions are sent; zero sends at once.
    pub grace: std::time::Duration,
    /// Allow editing PostHog's own `$`-properties (config).
    pub allow_dollar_edits: bool,
    /// Which tab the right pane shows.
    pub tab: super::history::Tab,
    /// Timeline, activity, events and cohorts of the inspected person.
    pub history: super::history::History,
    /// `:activity` (project-wide).
    pub project_activity: super::history::Pane<super::history::Feed<crate::api::ActivityEntry>>,
    /// A running `:export`: the file and how many persons are written so far (of the total).
    pub export: Option<Export>,
    /// Mouse capture is on (`m`): click selects, the wheel scrolls.
    pub mouse: bool,
    /// The effective keys (defaults plus the config file's `[keys]`).
    pub keymap: std::sync::Arc<super::keymap::Keymap>,
    /// The config file's profiles (`:profile`).
    pub profiles: Vec<ProfileInfo>,
    /// The `[settings]` preferences, kept for switches.
    pub prefs: Prefs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    pub path: std::path::PathBuf,
    pub format: ExportFormat,
    pub done: usize,
    pub total: Option<u64>,
}

impl Model {
    pub fn new(now: DateTime<Utc>, conn: Option<Connection>, read_only: bool) -> Self {
        Self {
            now,
            screen: if conn.is_some() { Screen::Main } else { Screen::Welcome },
            conn,
            read_only,
            focus: Focus::List,
            zoomed: false,
            width: 80,
            height: 24,
            search: SearchState::default(),
            list: ListState { loading: true, source: "all persons".into(), ..Default::default() },
            inspector: InspectorState { hide_dollar: false, ..Default::default() },
            overlay: None,
            palette: None,
            messages: Vec::new(),
            busy: BTreeSet::new(),
            spinner: 0,
            project: None,
            records: HashMap::new(),
            lookup_generation: 0,
            extra_person: None,
            welcome_error: None,
            should_quit: false,
            dialog: None,
            marks: BTreeMap::new(),
            scheduled: Vec::new(),
            in_flight: BTreeMap::new(),
            checks: Vec::new(),
            next_id: 0,
            grace: DEFAULT_GRACE,
            allow_dollar_edits: false,
            tab: Default::default(),
            history: Default::default(),
            project_activity: Default::default(),
            export: None,
            mouse: false,
            keymap: Default::default(),
            profiles: Vec::new(),
            prefs: Prefs::default(),
        }
    }

    /// Applies the `[settings]` preferences (at start; `init` turns the mouse on).
    pub fn apply_prefs(&mut self, prefs: Prefs) {
        self.prefs = prefs;
        self.inspector.hide_dollar = prefs.hide_dollar;
        self.history.range = prefs.events_range.min(super::history::RANGES.len() - 1);
        self.mouse = prefs.mouse;
    }

    /// The model for a new connection (`:profile`, `:project`): everything about the previous
    /// project is dropped; the window size, messages, keys, settings and mouse state stay.
    pub fn switched(&self, conn: Connection, read_only: bool) -> Model {
        let mut next = Model::new(self.now, Some(conn), read_only);
        next.apply_prefs(self.prefs);
        next.width = self.width;
        next.height = self.height;
        next.messages = self.messages.clone();
        next.keymap = self.keymap.clone();
        next.grace = self.grace;
        next.allow_dollar_edits = self.allow_dollar_edits;
        next.mouse = self.mouse;
        next.profiles = self.profiles.clone();
        next.next_id = self.next_id;
        next
    }

    /// Which action table keys are looked up in (text fields are handled before this).
    pub fn context(&self) -> Context {
        if self.overlay.is_some() {
            Context::Overlay
        } else if self.screen == Screen::Welcome {
            Context::Welcome
        } else {
            match (self.focus, self.tab) {
                (Focus::List, _) => Context::List,
                (Focus::Inspector, super::history::Tab::Properties) => Context::Inspector,
                (Focus::Inspector, _) => Context::History,
            }
        }
    }

    /// A text field has the keyboard.
    pub fn text_focus(&self) -> bool {
        self.palette.is_some()
            || (self.overlay.is_none() && (self.search.editing || self.inspector.filter_editing))
            || matches!(&self.overlay, Some(Overlay::Picker(p)) if p.filtering)
    }

    /// A fresh id for a write or a check.
    pub fn take_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn display_props(&self) -> Option<&[String]> {
        self.project.as_ref().and_then(|p| p.person_display_name_properties.as_deref())
    }

    pub fn selected_person(&self) -> Option<&PersonListItem> {
        self.list.items.get(self.list.selected)
    }

    /// The person the inspector shows: the full record when loaded, else the list row, with
    /// values that PostHog accepted but has not shown yet put in place.
    pub fn inspected(&self) -> Option<PersonView> {
        let uuid = self.inspector.uuid.as_deref()?;
        let mut view = self.inspected_raw(uuid)?;
        for c in self.checks.iter().filter(|c| c.uuid == uuid && c.state == CheckState::Pending) {
            if let Expect::Property { key, value: Some(v) } = &c.expect {
                view.properties.insert(key.clone(), v.clone());
            }
        }
        Some(view)
    }

    fn inspected_raw(&self, uuid: &str) -> Option<PersonView> {
        if let Some(rec) = self.records.get(uuid) {
            return Some(PersonView::from_record(rec, self.display_props()));
        }
        self.list
            .items
            .iter()
            .chain(self.extra_person.as_ref())
            .find(|p| p.uuid() == uuid)
            .map(|p| PersonView::from_list(p, self.display_props()))
    }

    /// The inspector's rows for the inspected person.
    pub fn inspector_rows(&self) -> Vec<Row> {
        match self.inspected() {
            Some(p) => rows(
                &p,
                &RowOptions {
                    filter: &self.inspector.filter.text,
                    hide_dollar: self.inspector.hide_dollar,
                    expanded: Some(&self.inspector.expanded),
                },
            ),
            None => Vec::new(),
        }
    }

    pub fn last_message(&self) -> Option<&Message> {
        self.messages.last()
    }

    /// The message the status bar shows: the last one while it is fresh (errors stay 30 s,
    /// others 8 s); older ones live on in `:messages`.
    pub fn status_message(&self) -> Option<&Message> {
        let m = self.messages.last()?;
        let keep = if m.level == Level::Error { 30 } else { 8 };
        ((self.now - m.at).num_seconds() < keep).then_some(m)
    }

    /// Requests, writes, checks or countdowns are running (the spinner timer runs meanwhile).
    pub fn is_busy(&self) -> bool {
        !self.busy.is_empty()
            || !self.scheduled.is_empty()
            || !self.in_flight.is_empty()
            || self.checks.iter().any(|c| c.state == CheckState::Pending)
            || self.export.is_some()
    }

    /// The state of a re-checked property of a person, for the inspector's tag.
    pub fn check_state(&self, uuid: &str, key: &str) -> Option<CheckState> {
        self.checks
            .iter()
            .rev()
            .find(|c| c.uuid == uuid && matches!(&c.expect, Expect::Property { key: k, .. } if k == key))
            .map(|c| c.state)
    }

    /// Seconds left before a scheduled deletion of this person is sent.
    pub fn countdown(&self, uuid: &str) -> Option<i64> {
        self.scheduled
            .iter()
            .find(|s| s.uuids.iter().any(|u| u == uuid))
            .map(|s| ((s.due - self.now).num_milliseconds().max(0) + 999) / 1000)
    }

    /// Marked persons that the current list does not show.
    pub fn marks_hidden(&self) -> usize {
        let shown: BTreeSet<&str> = self.list.items.iter().map(|p| p.uuid()).collect();
        self.marks.keys().filter(|u| !shown.contains(u.as_str())).count()
    }

    /// Records a message for the status bar and `:messages`.
    pub fn push_message(&mut self, level: Level, text: impl Into<String>) {
        self.messages.push(Message { level, text: text.into(), at: self.now });
        if self.messages.len() > MAX_MESSAGES {
            let extra = self.messages.len() - MAX_MESSAGES;
            self.messages.drain(..extra);
        }
    }
}
