//! Extra persons loaded at start (`--fixtures FILE.json` or [`SandboxConfig::fixtures_inline`]),
//! typically edge cases with hostile text.
//!
//! [`SandboxConfig::fixtures_inline`]: crate::sandbox::SandboxConfig::fixtures_inline

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::clock;
use super::store::props::{PropVal, Props};
use super::store::{NewPerson, Store};

/// One person in a fixtures file: `{"uuid"?, "distinct_ids", "properties", "created_at"?,
/// "last_seen_at"?, "is_identified"?}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixturePerson {
    #[serde(default)]
    pub uuid: Option<Uuid>,
    pub distinct_ids: Vec<String>,
    #[serde(default)]
    pub properties: Map<String, Value>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_seen_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub is_identified: Option<bool>,
}

/// Reads and parses a fixtures file; errors name the file.
pub fn read(path: &Path) -> anyhow::Result<Vec<FixturePerson>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read fixtures file {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "fixtures file {} is not a JSON array of persons \
             ({{\"distinct_ids\": [..], \"properties\": {{..}}, \"uuid\"?, \"created_at\"?}})",
            path.display()
        )
    })
}

/// Adds fixture persons. Missing UUIDs are derived from the first distinct id (as PostHog
/// does for new persons), a missing `created_at` is the demo epoch.
pub fn add(store: &mut Store, persons: Vec<FixturePerson>, origin: &str) -> anyhow::Result<()> {
    for (i, p) in persons.into_iter().enumerate() {
        let uuid = p.uuid.unwrap_or_else(|| {
            let seed = p.distinct_ids.first().cloned().unwrap_or_else(|| format!("fixture-{i}"));
            super::store::uuid_from_distinct_id(&seed)
        });
        let created_at = p.created_at.map_or(clock::DEMO_EPOCH, |t| t.timestamp_micros());
        let is_identified = p
            .is_identified
            .unwrap_or_else(|| p.distinct_ids.iter().any(|d| !super::store::person::is_anonymous_id(d)));
        let mut props = Props::with_capacity(p.properties.len());
        for (key, value) in p.properties {
            let sym = store.interner.intern(&key);
            props.set(sym, PropVal::from_json(value));
        }
        store
            .insert(NewPerson {
                uuid,
                created_at,
                last_seen_at: p.last_seen_at.map(|t| t.timestamp_micros()),
                is_identified,
                distinct_ids: p.distinct_ids,
                props,
                demo_index: None,
            })
            .with_context(|| format!("{origin}: person #{i} cannot be added"))?;
    }
    Ok(())
}
