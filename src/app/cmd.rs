//! Effects `update` asks the runtime to perform. Requests name a slot and a generation: a new
//! request in a slot cancels the old one, and results with an old generation are dropped.
use crate::api::ListParams;
use std::time::Duration;

/// A request slot: at most one request per slot is alive (latest wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    List,
    ProjectActivity,
    Person,
    Lookup,
    Project,
    Timeline,
    Activity,
    Events,
    Cohorts,
    /// `GET /api/projects/` for the `:project` picker.
    Projects,
    /// Connecting to another profile or project.
    Switch,
    /// The demo sandbox is starting (welcome screen).
    Demo,
}

/// Debounce timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Search-as-you-type.
    Search,
    /// Load the highlighted person once the selection settles.
    Prefetch,
    /// The grace period of a scheduled deletion (by its write id) ran out.
    Grace(u64),
    /// Time to re-check whether an accepted write is visible yet (by check id).
    Confirm(u64),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    /// First page of a query (replaces the list).
    ListPersons {
        generation: u64,
        params: ListParams,
    },
    /// Follow the list's `next` link (appends).
    ListNext {
        generation: u64,
        next: String,
    },
    /// Retrieve one person by UUID.
    GetPerson {
        generation: u64,
        uuid: String,
    },
    /// Resolve `:person <uuid | distinct id>`.
    FindPerson {
        generation: u64,
        query: String,
    },
    /// Load the project (name, display-name properties).
    LoadProject,
    /// The projects (and their organizations) for the `:project` picker.
    LoadProjects,
    /// Connect with another profile of the config file.
    SwitchProfile(String),
    /// Talk to another project on the same host with the same key.
    SwitchProject {
        id: i64,
        /// The current connection (profile, demo) the new one keeps.
        from: super::Connection,
    },
    /// Drop whatever is running in a slot.
    Cancel(Slot),
    /// Send `Msg::TimerFired { timer, generation }` after `after` (a newer one replaces it).
    Debounce {
        timer: Timer,
        generation: u64,
        after: Duration,
    },
    /// Put text on the clipboard (arboard, else OSC 52).
    Copy {
        text: String,
        what: String,
    },
    /// Send a write (never cancelled once started); answers with `WriteDone` (and
    /// `WriteProgress` for bulk deletes). `before` is the pre-image to journal when known.
    Write {
        id: u64,
        write: crate::writes::Write,
        before: Option<serde_json::Value>,
    },
    /// Retrieve a person to see whether an accepted write is visible yet (not slotted).
    CheckPerson {
        id: u64,
        uuid: String,
    },
    /// The inspected person's properties timeline (falls back to events for scoped keys).
    LoadTimeline {
        generation: u64,
        uuid: String,
        params: crate::api::TimelineParams,
    },
    /// A page of the person's activity (`next`: follow that link instead of page 1).
    LoadActivity {
        generation: u64,
        uuid: String,
        next: Option<String>,
    },
    /// A page of the person's recent events.
    LoadEvents {
        generation: u64,
        query: crate::api::EventsQuery,
        append: bool,
    },
    /// The cohorts the person is in.
    LoadCohorts {
        generation: u64,
        uuid: String,
    },
    /// Insight persons for the list (replaces it).
    LoadInsight {
        generation: u64,
        request: crate::app::insight::InsightRequest,
    },
    /// Follow an insight (actors) `next` link (appends to the list).
    InsightNext {
        generation: u64,
        next: String,
    },
    /// A page of every person's activity (`next`: that link instead of page 1).
    LoadProjectActivity {
        generation: u64,
        next: Option<String>,
    },
    /// Write the current search's persons to a file (CSV via PostHog's export, or JSON).
    Export {
        format: crate::app::model::ExportFormat,
        path: std::path::PathBuf,
        params: ListParams,
    },
    /// Read the local journal (newest entries) for `:journal`.
    LoadJournal,
    /// Open a web page in the user's browser; answers with `Msg::Opened`.
    OpenUrl(String),
    /// Turn the terminal's mouse capture on or off.
    SetMouse(bool),
    /// Start the embedded sandbox and connect to it (welcome screen → demo).
    StartDemo,
    Quit,
}

impl Cmd {
    /// The slot a request occupies, if it is a request.
    pub fn slot(&self) -> Option<Slot> {
        match self {
            Cmd::ListPersons { .. } | Cmd::ListNext { .. } => Some(Slot::List),
            Cmd::GetPerson { .. } => Some(Slot::Person),
            Cmd::FindPerson { .. } => Some(Slot::Lookup),
            Cmd::LoadProject => Some(Slot::Project),
            Cmd::LoadProjects => Some(Slot::Projects),
            Cmd::SwitchProfile(_) | Cmd::SwitchProject { .. } => Some(Slot::Switch),
            Cmd::LoadTimeline { .. } => Some(Slot::Timeline),
            Cmd::LoadInsight { .. } | Cmd::InsightNext { .. } => Some(Slot::List),
            Cmd::LoadProjectActivity { .. } => Some(Slot::ProjectActivity),
            Cmd::LoadActivity { .. } => Some(Slot::Activity),
            Cmd::LoadEvents { .. } => Some(Slot::Events),
            Cmd::LoadCohorts { .. } => Some(Slot::Cohorts),
            _ => None,
        }
    }
}
