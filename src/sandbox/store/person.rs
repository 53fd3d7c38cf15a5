//! One person as the sandbox stores it, plus PostHog's distinct-id ordering and name rules.

use std::sync::Arc;

use serde_json::Value;
use uuid::Uuid;

use super::props::{Interner, PropRef, Props};

pub struct Person {
    /// Integer primary key (`id` in the detail shape).
    pub pk: i64,
    pub uuid: Uuid,
    /// Microseconds since the Unix epoch.
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    pub is_identified: bool,
    /// In the order they were attached (PostHog's `distinct_ids[0]` is the oldest);
    /// [`Person::sorted_distinct_ids`] gives the rendering order.
    pub distinct_ids: Vec<Arc<str>>,
    pub props: Props,
    /// `Some(i)` for generated demo persons: their events are regenerated from the seed.
    pub demo_index: Option<u32>,
}

/// PostHog's `ANONYMOUS_REGEX`, `^([a-z0-9]+\-){4}([a-z0-9]+)$`, with Python `re.match`
/// semantics (`$` also matches before one trailing newline).
pub fn is_anonymous_id(id: &str) -> bool {
    let id = id.strip_suffix('\n').unwrap_or(id);
    let mut parts = 0;
    for part in id.split('-') {
        parts += 1;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            return false;
        }
    }
    parts == 5
}

impl Person {
    /// Non-anonymous-looking ids first; the sort is stable.
    pub fn sorted_distinct_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.distinct_ids.iter().map(|d| &**d).collect();
        ids.sort_by_key(|id| is_anonymous_id(id));
        ids
    }

    /// `get_person_name_helper`: the first truthy display property, else the first sorted
    /// distinct id, else `None` (callers fall back to the pk or the UUID).
    pub fn display_name(&self, interner: &Interner, name_props: &[String]) -> Option<Value> {
        for key in name_props {
            let Some(sym) = interner.lookup(key) else {
                continue;
            };
            if let Some(value) = self.props.get(sym) {
                let view: PropRef = value.view(interner);
                if view.is_truthy() {
                    return Some(view.to_json());
                }
            }
        }
        self.sorted_distinct_ids().first().map(|id| Value::String((*id).to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::is_anonymous_id;

    #[test]
    fn anonymous_regex() {
        assert!(is_anonymous_id("0190f0c2-1234-7abc-8def-0123456789ab"));
        assert!(is_anonymous_id("a-b-c-d-e"));
        assert!(is_anonymous_id("a-b-c-d-e\n"));
        assert!(!is_anonymous_id("a-b-c-d"));
        assert!(!is_anonymous_id("A-b-c-d-e"));
        assert!(!is_anonymous_id("a-b-c-d-e-f"));
        assert!(!is_anonymous_id("user@example.com"));
        assert!(!is_anonymous_id("a--c-d-e"));
    }
}
