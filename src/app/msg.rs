//! Everything that can happen to the app: input, timers, and the results of async work. Tasks
//! report only by sending one of these through the single channel.
use crate::api::{ApiError, Page, PersonListItem, PersonRecord, Project};
use ratatui::crossterm::event::{KeyEvent, MouseEvent};

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// Spinner frame; only sent while requests are in flight.
    Tick,
    /// A debounce timer started by `Cmd::Debounce` ran out.
    TimerFired {
        timer: crate::app::Timer,
        generation: u64,
    },
    /// A page of persons for the list (`append` for "load more").
    PersonsLoaded {
        generation: u64,
        append: bool,
        result: Result<Page<PersonListItem>, ApiError>,
    },
    /// The full record of a person (retrieve).
    PersonLoaded {
        generation: u64,
        uuid: String,
        result: Result<PersonRecord, ApiError>,
    },
    /// `:person <id>` resolved to a person, or not.
    PersonFound {
        generation: u64,
        query: String,
        result: Result<Option<PersonListItem>, ApiError>,
    },
    ProjectLoaded(Result<Project, ApiError>),
    /// The clipboard write finished: which mechanism was used, or why it failed.
    Copied {
        what: String,
        result: Result<&'static str, String>,
    },
    /// `Cmd::OpenUrl` finished: the browser started, or why it could not.
    Opened {
        url: String,
        result: Result<(), String>,
    },
    /// A write finished: accepted (or a bulk report), or why it failed.
    WriteDone {
        id: u64,
        result: Result<crate::writes::WriteOutcome, String>,
    },
    /// Bulk delete progress: ids sent so far of the total.
    WriteProgress {
        id: u64,
        done: usize,
        total: usize,
    },
    /// The re-check of a person after a write.
    Checked {
        id: u64,
        result: Result<PersonRecord, ApiError>,
    },
    TimelineLoaded {
        generation: u64,
        result: Result<crate::api::TimelineResult, ApiError>,
    },
    ActivityLoaded {
        generation: u64,
        append: bool,
        result: Result<crate::api::ActivityPage, ApiError>,
    },
    EventsLoaded {
        generation: u64,
        append: bool,
        result: Result<crate::api::EventsPage, ApiError>,
    },
    CohortsLoaded {
        generation: u64,
        result: Result<Vec<crate::api::CohortRef>, ApiError>,
    },
    InsightLoaded {
        generation: u64,
        append: bool,
        result: Result<crate::api::ActorsPage, ApiError>,
    },
    ProjectActivityLoaded {
        generation: u64,
        append: bool,
        result: Result<crate::api::ActivityPage, ApiError>,
    },
    /// Persons written to the export file so far (of the total when known).
    ExportProgress {
        done: usize,
        total: Option<u64>,
    },
    /// The export finished: the file and how many persons it holds, or why it failed.
    ExportDone(Result<(std::path::PathBuf, usize), String>),
    /// The journal was read: its newest entries (oldest first) and how many lines were skipped.
    JournalLoaded(Result<(Vec<crate::journal::JournalEntry>, usize), String>),
    /// The runtime connected (after start-up or after starting the demo from the welcome screen).
    Connected(crate::app::Connection),
    /// `:project` picker rows.
    ProjectsLoaded(Result<Vec<crate::app::ProjectChoice>, ApiError>),
    /// A `:profile`/`:project` switch is connected: start over on it.
    Switched {
        conn: crate::app::Connection,
        read_only: bool,
    },
    /// A switch could not connect (the current connection stays).
    SwitchFailed(String),
    /// Connecting failed (e.g. the demo sandbox could not start).
    ConnectFailed(String),
}
