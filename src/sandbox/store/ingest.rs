//! The asynchronous ingestion queue: API writes answer at once and take effect only after
//! `ingest_delay_ms`, as PostHog's capture → ingestion pipeline does.

use serde_json::{Map, Value};
use tokio::time::Instant;
use uuid::Uuid;

pub enum SplitMode {
    /// Keep this id (or the first one) and move every other id off.
    KeepMain(Option<String>),
    /// Move exactly these ids off.
    MoveOff(Vec<String>),
}

pub enum IngestOp {
    /// A `$set` event for a distinct id.
    Set { distinct_id: String, set: Map<String, Value> },
    /// A `$delete_person_property` event (`$unset`).
    Unset { distinct_id: String, unset: Vec<Value> },
    /// A `split_person` task.
    Split { person_uuid: Uuid, mode: SplitMode },
}

pub struct Pending {
    pub due: Instant,
    /// When the request was made (event timestamp), microseconds.
    pub captured_at: i64,
    pub event_uuid: Uuid,
    pub op: IngestOp,
}
