//! Typed PostHog responses. Two person shapes exist (list item with a UUID `id`, detail record
//! with an integer `id`); both tolerate unknown extra fields and missing optional ones, and keep
//! property order as sent.
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// `GET /persons/` item (and the `people` arrays of actor endpoints): `id` is the UUID string.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonListItem {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub uuid: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub last_seen_at: Option<String>,
    #[serde(default, deserialize_with = "map_or_null")]
    pub properties: Map<String, Value>,
    #[serde(default)]
    pub is_identified: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "vec_or_null")]
    pub distinct_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_recordings: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_at_data_point: Option<Value>,
    /// Fields this version of hogdex does not know, kept so `--json` loses nothing.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PersonListItem {
    /// The person UUID (the list `id` is the UUID; `uuid` repeats it).
    pub fn uuid(&self) -> &str {
        self.uuid.as_deref().unwrap_or(&self.id)
    }
}

impl From<&PersonRecord> for PersonListItem {
    /// The list shape of a retrieved person (for places that show persons as list rows).
    fn from(r: &PersonRecord) -> Self {
        Self {
            kind: Some("person".into()),
            id: r.uuid.clone(),
            uuid: Some(r.uuid.clone()),
            created_at: r.created_at.clone(),
            last_seen_at: r.last_seen_at.clone(),
            properties: r.properties.clone(),
            is_identified: None,
            name: r.name.clone(),
            distinct_ids: r.distinct_ids.clone(),
            matched_recordings: None,
            value_at_data_point: None,
            extra: Map::new(),
        }
    }
}

/// `GET /persons/{id}/`: `id` is the integer primary key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub id: i64,
    #[serde(default)]
    pub uuid: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "vec_or_null")]
    pub distinct_ids: Vec<String>,
    #[serde(default, deserialize_with = "map_or_null")]
    pub properties: Map<String, Value>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub last_seen_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A limit/offset page: `GET /persons/`, `/api/projects/`, `deletion_status`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>", serialize = "T: Serialize"))]
pub struct Page<T> {
    #[serde(default = "Vec::new", deserialize_with = "vec_or_null")]
    pub results: Vec<T>,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub previous: Option<String>,
    /// Only with `include_total` (persons) or always (DRF pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

/// `GET /persons/{id}/activity/` and `/persons/activity/`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityPage {
    #[serde(default, deserialize_with = "vec_or_null")]
    pub results: Vec<ActivityEntry>,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub previous: Option<String>,
    #[serde(default)]
    pub total_count: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityEntry {
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub id: Option<String>,
    #[serde(default)]
    pub user: Option<ActivityUser>,
    #[serde(default)]
    pub activity: String,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub item_id: Option<String>,
    #[serde(default)]
    pub detail: Option<ActivityDetail>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ActivityEntry {
    /// Who did it: the user's email, their first name, or "System".
    pub fn actor(&self) -> String {
        match &self.user {
            None => "System".into(),
            Some(u) if u.is_system == Some(true) => "System".into(),
            Some(u) => u
                .email
                .clone()
                .filter(|e| !e.is_empty())
                .or_else(|| u.first_name.clone().filter(|n| !n.is_empty()))
                .unwrap_or_else(|| "unknown user".into()),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityUser {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_system: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityDetail {
    #[serde(default)]
    pub changes: Option<Vec<ActivityChange>>,
    #[serde(default)]
    pub trigger: Option<Value>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub short_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityChange {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub before: Option<Value>,
    #[serde(default)]
    pub after: Option<Value>,
}

/// `POST /persons/bulk_delete/` answer (summed over batches by the client).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BulkDeleteSummary {
    #[serde(default)]
    pub persons_found: u64,
    #[serde(default)]
    pub persons_deleted: u64,
    #[serde(default)]
    pub events_queued_for_deletion: bool,
    #[serde(default)]
    pub recordings_queued_for_deletion: bool,
    #[serde(default, deserialize_with = "vec_or_null")]
    pub deletion_errors: Vec<DeletionError>,
}

impl BulkDeleteSummary {
    pub fn absorb(&mut self, other: BulkDeleteSummary) {
        self.persons_found += other.persons_found;
        self.persons_deleted += other.persons_deleted;
        self.events_queued_for_deletion |= other.events_queued_for_deletion;
        self.recordings_queued_for_deletion |= other.recordings_queued_for_deletion;
        self.deletion_errors.extend(other.deletion_errors);
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeletionError {
    #[serde(default)]
    pub person_uuid: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /persons/cohorts/?person_id=` item: exactly `{id, name, count}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CohortRef {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub count: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub(crate) struct CohortList {
    #[serde(default, deserialize_with = "vec_or_null")]
    pub results: Vec<CohortRef>,
}

/// `GET /persons/deletion_status/` item.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeletionStatusEntry {
    #[serde(default)]
    pub person_uuid: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub delete_verified_at: Option<String>,
}

/// `pending`, `completed` or `all` for `deletion_status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DeletionStatusFilter {
    #[default]
    All,
    Pending,
    Completed,
}

impl DeletionStatusFilter {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Pending => "pending",
            Self::Completed => "completed",
        }
    }
}

/// `GET /api/projects/` item and `/api/projects/@current/`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: i64,
    #[serde(default)]
    pub uuid: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub organization: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub person_display_name_properties: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /api/organizations/` item and `/api/organizations/@current/` (PostHog's
/// `OrganizationSerializer`). Everything but the id is optional; the rest (`created_at`,
/// `membership_level`, `projects`, …) stays in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Query parameters of `GET /persons/`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListParams {
    pub search: Option<String>,
    pub distinct_id: Option<String>,
    pub email: Option<String>,
    pub properties: Vec<crate::api::PropertyFilter>,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
    pub include_total: bool,
}

const DEFAULT_DISPLAY_PROPERTIES: [&str; 3] = ["email", "name", "username"];

/// PostHog's display-name rule: the first truthy value among the project's
/// `person_display_name_properties` (default email, name, username), then the first
/// non-anonymous distinct id, then "Anonymous".
pub fn display_name(
    properties: &Map<String, Value>,
    distinct_ids: &[String],
    display_props: Option<&[String]>,
) -> String {
    let from_props = |key: &str| match properties.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(true)) => Some("true".into()),
        _ => None,
    };
    let found = match display_props {
        Some(keys) if !keys.is_empty() => keys.iter().find_map(|k| from_props(k)),
        _ => DEFAULT_DISPLAY_PROPERTIES.iter().find_map(|k| from_props(k)),
    };
    found
        .or_else(|| distinct_ids.iter().find(|d| !is_anonymous_distinct_id(d)).cloned())
        .unwrap_or_else(|| "Anonymous".into())
}

/// PostHog's `ANONYMOUS_REGEX`: `^([a-z0-9]+\-){4}([a-z0-9]+)$`.
pub fn is_anonymous_distinct_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!("expected a string or number id, got {other}"))),
    }
}

pub(crate) fn opt_string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

pub(crate) fn map_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    Ok(Option::<Map<String, Value>>::deserialize(d)?.unwrap_or_default())
}

pub(crate) fn vec_or_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_item_has_uuid_id_and_tolerates_extras_and_gaps() {
        let item: PersonListItem = serde_json::from_value(json!({
            "type": "person", "id": "0190f0c2-0000-0000-0000-000000000001",
            "uuid": "0190f0c2-0000-0000-0000-000000000001", "created_at": "2021-08-25T22:09:14.252000Z",
            "last_seen_at": null, "properties": {"z": 1, "a": 2}, "is_identified": false,
            "name": "a@b.com", "distinct_ids": ["user-1"], "matched_recordings": [],
            "value_at_data_point": null, "brand_new_field": {"x": 1}
        }))
        .unwrap();
        assert_eq!(item.uuid(), "0190f0c2-0000-0000-0000-000000000001");
        assert_eq!(item.properties.keys().collect::<Vec<_>>(), ["z", "a"], "order preserved");
        assert!(item.extra.contains_key("brand_new_field"));
        let minimal: PersonListItem = serde_json::from_value(json!({"id": 7, "properties": null})).unwrap();
        assert_eq!(minimal.id, "7");
        assert!(minimal.distinct_ids.is_empty());
    }

    #[test]
    fn detail_record_has_integer_id() {
        let rec: PersonRecord = serde_json::from_value(json!({
            "id": 42, "name": "a@b.com", "distinct_ids": ["user-1"], "properties": {"email": "a@b.com"},
            "created_at": "2021-08-25T22:09:14.252000Z", "uuid": "0190f0c2-0000-0000-0000-000000000001",
            "last_seen_at": null
        }))
        .unwrap();
        assert_eq!(rec.id, 42);
        assert!(serde_json::from_value::<PersonRecord>(json!({"id": "uuid-string"})).is_err());
    }

    #[test]
    fn organization_tolerates_extras_and_gaps() {
        let org: Organization = serde_json::from_value(json!({
            "id": "0192f7a0-6d1e-7c3b-9a41-4f3f5e9b2c00", "name": "Acme", "slug": "acme",
            "membership_level": 15, "projects": [{"id": 1, "name": "Web"}], "brand_new": true
        }))
        .unwrap();
        assert_eq!(org.name.as_deref(), Some("Acme"));
        assert_eq!(org.slug.as_deref(), Some("acme"));
        assert_eq!(org.extra["membership_level"], json!(15));
        assert!(org.extra.contains_key("brand_new"));
        let bare: Organization = serde_json::from_value(json!({"id": "x", "name": null})).unwrap();
        assert_eq!((bare.id.as_str(), bare.name, bare.slug), ("x", None, None));
    }

    #[test]
    fn display_name_follows_posthog_rule() {
        let props = |v: Value| v.as_object().unwrap().clone();
        let ids = vec!["0190f0c2-aaaa-bbbb-cccc-dddddddddddd".to_string(), "user-7".to_string()];
        assert_eq!(display_name(&props(json!({"name": "Ana", "email": "a@x.io"})), &ids, None), "a@x.io");
        assert_eq!(display_name(&props(json!({"email": "", "name": "Ana"})), &ids, None), "Ana");
        assert_eq!(display_name(&props(json!({})), &ids, None), "user-7");
        assert_eq!(display_name(&props(json!({})), &ids[..1], None), "Anonymous");
        let custom = vec!["company".to_string()];
        assert_eq!(
            display_name(&props(json!({"email": "a@x.io", "company": "Acme"})), &ids, Some(&custom)),
            "Acme"
        );
    }

    #[test]
    fn anonymous_regex() {
        assert!(is_anonymous_distinct_id("0190f0c2-aaaa-bbbb-cccc-dddddddddddd"));
        assert!(!is_anonymous_distinct_id("0190F0C2-aaaa-bbbb-cccc-dddddddddddd"));
        assert!(!is_anonymous_distinct_id("user-1"));
        assert!(!is_anonymous_distinct_id("a--b-c-d"));
    }
}
