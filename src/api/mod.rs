//! The PostHog Persons API client: typed models, errors, host handling, pagination and
//! client-side rate limiting. Pure library code: `app`, `cli` and `runtime` may import it;
//! it imports nothing else from the crate except `text` helpers.
mod client;
mod error;
mod filter;
mod host;
mod ids;
mod models;
mod pacer;

pub use client::{
    BULK_DELETE_BATCH, BulkDeleteReport, BulkTarget, Client, ClientOptions, DeleteOptions, SplitMode,
};
pub use error::{ApiError, ErrorKind};
pub use filter::{FilterParseError, Operator, PropertyFilter, parse_filter};
pub use host::{ApiKey, Host, HostError, resolve_host};
pub use ids::{PersonId, PersonRef, ProjectRef};
pub use models::*;
pub use pacer::{Pacer, RateClass};
