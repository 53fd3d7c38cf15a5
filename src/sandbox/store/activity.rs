//! The Person-scope activity log (`/persons/activity/`, `/persons/{id}/activity/`).

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::sandbox::clock;

/// Who did it. `Member(i)` indexes the team members loaded with the demo vocabulary; member
/// 0 is the owner of the sandbox key, used for writes made through the API.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Actor {
    Member(u8),
    System,
}

pub const API_USER: Actor = Actor::Member(0);

pub struct ActivityEntry {
    pub id: Uuid,
    pub actor: Actor,
    pub activity: &'static str,
    pub item_id: i64,
    pub detail: Value,
    pub created_at: i64,
}

/// Entries kept newest first.
pub struct ActivityLog {
    entries: Vec<ActivityEntry>,
    members: Vec<(String, String)>,
}

/// `Detail` as PostHog stores it: all five keys, nulls included.
pub fn detail(name: Option<String>, changes: Option<Vec<Value>>) -> Value {
    json!({
        "changes": changes,
        "trigger": null,
        "type": null,
        "name": name,
        "short_id": null,
    })
}

/// `Change(type="Person", action=…, field=…, after=…)` with its five keys.
pub fn change(action: &str, field: Option<&str>, after: Option<Value>) -> Value {
    json!({"type": "Person", "action": action, "field": field, "before": null, "after": after})
}

/// Django `Paginator.page` refusing the page (`EmptyPage`, zero `limit`): PostHog answers 500.
#[derive(Debug)]
pub struct BadPage;

pub struct ActivityPage<'a> {
    pub results: Vec<&'a ActivityEntry>,
    pub total_count: usize,
    pub has_next: bool,
    pub has_previous: bool,
}

impl ActivityLog {
    pub fn new(members: Vec<(String, String)>) -> ActivityLog {
        ActivityLog { entries: Vec::new(), members }
    }

    /// Adds an entry at its place in the newest-first order.
    pub fn push(&mut self, entry: ActivityEntry) {
        let at = self.entries.partition_point(|e| e.created_at >= entry.created_at);
        self.entries.insert(at, entry);
    }

    /// Bulk load without keeping order; call [`ActivityLog::sort`] afterwards.
    pub fn push_unsorted(&mut self, entry: ActivityEntry) {
        self.entries.push(entry);
    }

    pub fn sort(&mut self) {
        self.entries.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn page(&self, item_id: Option<i64>, limit: i64, page: i64) -> Result<ActivityPage<'_>, BadPage> {
        if limit <= 0 {
            return Err(BadPage);
        }
        let matching: Vec<&ActivityEntry> =
            self.entries.iter().filter(|e| item_id.is_none_or(|id| e.item_id == id)).collect();
        let total = matching.len() as i64;
        let pages = if total == 0 { 1 } else { (total + limit - 1) / limit };
        if page < 1 || page > pages {
            return Err(BadPage);
        }
        let start = ((page - 1) * limit) as usize;
        let results = matching.into_iter().skip(start).take(limit as usize).collect();
        Ok(ActivityPage {
            results,
            total_count: total as usize,
            has_next: page < pages,
            has_previous: page > 1,
        })
    }

    pub fn actor_json(&self, actor: Actor) -> Value {
        match actor {
            Actor::System => json!({"first_name": "System", "email": null, "is_system": true}),
            Actor::Member(i) => {
                let (first_name, email) = self
                    .members
                    .get(i as usize)
                    .cloned()
                    .unwrap_or_else(|| ("Demo".into(), "demo@hogdex-demo.example".into()));
                json!({"first_name": first_name, "email": email})
            }
        }
    }

    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    pub fn entry_json(&self, entry: &ActivityEntry) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), Value::String(entry.id.to_string()));
        out.insert("user".into(), self.actor_json(entry.actor));
        out.insert("activity".into(), Value::String(entry.activity.into()));
        out.insert("scope".into(), Value::String("Person".into()));
        out.insert("item_id".into(), Value::String(entry.item_id.to_string()));
        out.insert("detail".into(), entry.detail.clone());
        out.insert("created_at".into(), Value::String(clock::iso(entry.created_at)));
        Value::Object(out)
    }
}
