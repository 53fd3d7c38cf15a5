//! The PostHog Persons API client: typed models, errors, host handling, pagination and
//! client-side rate limiting. Pure library code: `app`, `cli` and `runtime` may import it;
//! it imports nothing else from the crate except `text` helpers.
mod client;
mod error;
mod events;
mod filter;
mod host;
mod ids;
mod insights;
mod models;
mod pacer;
mod timeline;

pub use client::{
    BULK_DELETE_BATCH, BulkDeleteReport, BulkTarget, Client, ClientOptions, DeleteOptions, SplitMode,
};
pub use error::{ApiError, ErrorKind};
pub use events::{
    DEFAULT_EVENTS_AFTER, EventsPage, EventsQuery, PERSON_UPDATES_WHERE, PersonEvent, PersonUpdates,
};
pub use filter::{FilterParseError, Operator, PropertyFilter, parse_filter};
pub use host::{ApiKey, Host, HostError, resolve_host};
pub use ids::{PersonId, PersonRef, ProjectRef};
pub use insights::{ActorsPage, CorrelationParams, FunnelParams, LifecycleParams, LifecycleType};
pub use models::*;
pub use pacer::{Pacer, RateClass};
pub use timeline::{
    DateWindow, PropertiesTimeline, PropertyChange, TIMELINE_MAX_EVENTS, TimelineParams, TimelinePoint,
    TimelineResult, TimelineSource, crucial_keys, diff_properties, format_timestamp, parse_date,
    parse_timestamp, timeline_from_events,
};
