//! The person's history and context, as tabs beside the properties: the properties timeline, the
//! activity feed, recent events and cohorts. Each tab loads for the inspected person when shown.
use crate::api::{ActivityEntry, CohortRef, PersonEvent, TimelineResult};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Properties,
    Timeline,
    Activity,
    Events,
    Cohorts,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Tab::Properties, Tab::Timeline, Tab::Activity, Tab::Events, Tab::Cohorts];

    pub fn title(&self) -> &'static str {
        match self {
            Tab::Properties => "Properties",
            Tab::Timeline => "Timeline",
            Tab::Activity => "Activity",
            Tab::Events => "Events",
            Tab::Cohorts => "Cohorts",
        }
    }

    /// The number key that shows it (1 is the person list).
    pub fn key(&self) -> char {
        match self {
            Tab::Properties => '2',
            Tab::Timeline => '3',
            Tab::Activity => '4',
            Tab::Events => '5',
            Tab::Cohorts => '6',
        }
    }
}

/// One tab's data for one person, with its loading state and selection.
#[derive(Clone, Debug, PartialEq)]
pub struct Pane<T> {
    /// Whose data this is (loaded or loading).
    pub uuid: Option<String>,
    pub data: Option<T>,
    pub loading: bool,
    pub error: Option<String>,
    pub generation: u64,
    pub selected: usize,
    pub scroll: usize,
}

impl<T> Default for Pane<T> {
    fn default() -> Self {
        Self { uuid: None, data: None, loading: false, error: None, generation: 0, selected: 0, scroll: 0 }
    }
}

/// A paged feed (activity): what is loaded and the link to more.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Feed<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// Recent events: what is loaded and whether older ones exist in the range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventsFeed {
    pub events: Vec<PersonEvent>,
    pub has_more: bool,
    /// The `offset` of the next page.
    pub offset: u64,
}

/// Time ranges for the timeline and events (`[` narrows, `]` widens). Events start at 7 days,
/// not PostHog's 24 hours.
pub const RANGES: [(&str, &str); 5] =
    [("7 days", "-7d"), ("30 days", "-30d"), ("90 days", "-90d"), ("1 year", "-365d"), ("all time", "all")];

/// Per-person history panes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    pub timeline: Pane<TimelineResult>,
    pub activity: Pane<Feed<ActivityEntry>>,
    pub events: Pane<EventsFeed>,
    pub cohorts: Pane<Vec<CohortRef>>,
    /// Index into `RANGES` for the timeline and events.
    pub range: usize,
    /// `:timeline <keys>`: the keys whose changes start a timeline point (None: all of the
    /// person's own, non-`$` keys).
    pub timeline_keys: Option<Vec<String>>,
}

impl History {
    /// How many selectable rows the tab has.
    pub fn len(&self, tab: Tab) -> usize {
        match tab {
            Tab::Properties => 0,
            Tab::Timeline => self.timeline.data.as_ref().map_or(0, |t| t.timeline.points.len()),
            Tab::Activity => self.activity.data.as_ref().map_or(0, |f| f.items.len()),
            Tab::Events => self.events.data.as_ref().map_or(0, |f| f.events.len()),
            Tab::Cohorts => self.cohorts.data.as_ref().map_or(0, Vec::len),
        }
    }
}
