//! Human-readable output for the CLI: tables of persons, a person's detail, activity, cohorts.
//! Every server string passes through `text::fit`/`sanitize`, so hostile values stay inert.
use crate::api::{
    ActivityPage, CohortRef, DeletionStatusEntry, PersonEvent, PersonListItem, PersonRecord, Project,
    PropertyChange, TimelineResult, display_name, is_anonymous_distinct_id,
};
use crate::journal::JournalEntry;
use crate::text::{fit, pad, sanitize};
use crate::typed_value::ValueType;
use serde_json::Value;

/// `NAME  EMAIL / DISTINCT ID  UUID  CREATED  LAST SEEN`, one person per line, under 120 columns
/// (dates only; `get` and `--json` have exact timestamps).
pub fn person_table(persons: &[PersonListItem]) -> String {
    let mut out = format!(
        "{}  {}  {}  {}  LAST SEEN\n",
        pad("NAME", 26),
        pad("EMAIL / DISTINCT ID", 28),
        pad("UUID", 36),
        pad("CREATED", 10)
    );
    for p in persons {
        let name = p.name.clone().unwrap_or_else(|| display_name(&p.properties, &p.distinct_ids, None));
        let contact = p
            .properties
            .get("email")
            .and_then(Value::as_str)
            .filter(|e| !e.is_empty())
            .map(String::from)
            .or_else(|| best_distinct_id(&p.distinct_ids))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}  {}  {}  {}  {}\n",
            pad(&name, 26),
            pad(&contact, 28),
            pad(p.uuid(), 36),
            pad(&date_only(p.created_at.as_deref()), 10),
            fit(&date_only(p.last_seen_at.as_deref()), 10)
        ));
    }
    out
}

/// The detail record: header, distinct ids, then `KEY  TYPE  VALUE` per property.
pub fn person_detail(p: &PersonRecord) -> String {
    let mut out = String::new();
    let name = p.name.clone().unwrap_or_else(|| display_name(&p.properties, &p.distinct_ids, None));
    out.push_str(&format!("{}\n", fit(&name, 100)));
    out.push_str(&format!("  uuid        {}\n", sanitize(&p.uuid)));
    out.push_str(&format!("  id          {}\n", p.id));
    out.push_str(&format!("  created     {}\n", sanitize(p.created_at.as_deref().unwrap_or("-"))));
    out.push_str(&format!("  last seen   {}\n", sanitize(p.last_seen_at.as_deref().unwrap_or("-"))));
    out.push_str(&format!("  distinct ids ({})\n", p.distinct_ids.len()));
    for d in &p.distinct_ids {
        out.push_str(&format!("    {}\n", fit(d, 100)));
    }
    out.push_str(&format!("  properties ({})\n", p.properties.len()));
    let key_w = p.properties.keys().map(|k| crate::text::width(&sanitize(k))).max().unwrap_or(0).clamp(8, 40);
    for (k, v) in &p.properties {
        let shown = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out.push_str(&format!(
            "    {}  {:<6}  {}\n",
            pad(k, key_w),
            ValueType::of(v).name(),
            fit(&shown, 120)
        ));
    }
    out
}

pub fn activity(page: &ActivityPage) -> String {
    let mut out = String::new();
    for e in &page.results {
        let when = short_time(e.created_at.as_deref());
        let who = e.actor();
        let what = e.activity.as_str();
        let item =
            e.detail.as_ref().and_then(|d| d.name.clone()).or_else(|| e.item_id.clone()).unwrap_or_default();
        out.push_str(&format!(
            "{}  {}  {}  {}\n",
            pad(&when, 20),
            pad(&who, 28),
            pad(what, 16),
            fit(&item, 40)
        ));
        for c in e.detail.as_ref().and_then(|d| d.changes.as_ref()).into_iter().flatten() {
            let field = c.field.as_deref().unwrap_or("-");
            let action = c.action.as_deref().unwrap_or("-");
            let show = |v: &Option<Value>| v.as_ref().map_or("∅".to_string(), |v| fit(&v.to_string(), 50));
            out.push_str(&format!(
                "{:>22}{} {}: {} → {}\n",
                "",
                fit(action, 12),
                fit(field, 24),
                show(&c.before),
                show(&c.after)
            ));
        }
    }
    if let Some(total) = page.total_count {
        out.push_str(&format!("({} of {total} entries)\n", page.results.len()));
    }
    out
}

pub fn cohorts(list: &[CohortRef]) -> String {
    let mut out = format!("{}  {}  COUNT\n", pad("ID", 8), pad("NAME", 40));
    for c in list {
        let count = c.count.map_or("-".into(), |n| n.to_string());
        out.push_str(&format!(
            "{}  {}  {count}\n",
            pad(&c.id.to_string(), 8),
            pad(c.name.as_deref().unwrap_or("-"), 40)
        ));
    }
    out
}

pub fn deletion_status(list: &[DeletionStatusEntry]) -> String {
    let mut out =
        format!("{}  {}  {}  VERIFIED\n", pad("PERSON UUID", 36), pad("STATUS", 10), pad("QUEUED", 20));
    for d in list {
        out.push_str(&format!(
            "{}  {}  {}  {}\n",
            pad(&d.person_uuid, 36),
            pad(&d.status, 10),
            pad(&short_time(d.created_at.as_deref()), 20),
            fit(&short_time(d.delete_verified_at.as_deref()), 20)
        ));
    }
    out
}

pub fn projects(list: &[Project]) -> String {
    let mut out = format!("{}  {}  ORGANIZATION\n", pad("ID", 10), pad("NAME", 36));
    for p in list {
        out.push_str(&format!(
            "{}  {}  {}\n",
            pad(&p.id.to_string(), 10),
            pad(p.name.as_deref().unwrap_or("-"), 36),
            fit(p.organization.as_deref().unwrap_or("-"), 40)
        ));
    }
    out
}

/// `TIME  METHOD  ENDPOINT  STATUS  PERSON`, oldest first; a failed write adds its error below.
/// The person's id in the endpoint shows as `{person}` (it has its own column).
pub fn journal(entries: &[JournalEntry]) -> String {
    let mut out = format!(
        "{}  {}  {}  {}  PERSON\n",
        pad("TIME (UTC)", 19),
        pad("METHOD", 6),
        pad("ENDPOINT", 40),
        pad("STATUS", 6)
    );
    for e in entries {
        let endpoint = match &e.person {
            Some(p) if !p.is_empty() => e.endpoint.replacen(&format!("/{p}/"), "/{person}/", 1),
            _ => e.endpoint.clone(),
        };
        let status = match (e.status, e.ok) {
            (Some(s), _) => s.to_string(),
            (None, true) => "ok".into(),
            (None, false) => "failed".into(),
        };
        out.push_str(&format!(
            "{}  {}  {}  {}  {}\n",
            e.time.format("%Y-%m-%d %H:%M:%S"),
            pad(&e.method, 6),
            pad(&endpoint, 40),
            pad(&status, 6),
            fit(e.person.as_deref().unwrap_or("-"), 36)
        ));
        if let Some(err) = &e.error {
            out.push_str(&format!("{:21}{}\n", "", fit(err, 100)));
        }
    }
    out
}

/// `TIME  EVENTS  CHANGES`: one block per point, its properties as a diff against the point
/// before (`+ key: v`, `~ key: old → new`, `- key`).
pub fn timeline(result: &TimelineResult) -> String {
    let t = &result.timeline;
    let mut out = String::new();
    if !t.crucial_property_keys.is_empty() {
        let keys: Vec<String> = t.crucial_property_keys.iter().map(|k| fit(k, 40)).collect();
        out.push_str(&format!("crucial keys: {}\n", keys.join(", ")));
    }
    if t.points.is_empty() {
        out.push_str(&format!(
            "no points between {} and {}\n",
            short_time(t.effective_date_from.as_deref()),
            short_time(t.effective_date_to.as_deref())
        ));
        return out;
    }
    out.push_str(&format!("{}  {:>6}  CHANGES\n", pad("TIME (UTC)", 19), "EVENTS"));
    for (point, changes) in t.points.iter().zip(t.diffs()) {
        let lead =
            format!("{}  {:>6}  ", pad(&short_time(Some(&point.timestamp)), 19), point.relevant_event_count);
        let lines: Vec<String> = if changes.is_empty() {
            vec!["(no change)".into()]
        } else {
            changes.iter().map(change_line).collect()
        };
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                out.push_str(&lead);
            } else {
                out.push_str(&" ".repeat(29));
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn change_line(c: &PropertyChange) -> String {
    match c {
        PropertyChange::Added { key, value } => format!("+ {}: {}", fit(key, 40), value_text(value, 60)),
        PropertyChange::Changed { key, old, new } => {
            format!("~ {}: {} → {}", fit(key, 30), value_text(old, 28), value_text(new, 28))
        }
        PropertyChange::Removed { key, .. } => format!("- {}", fit(key, 40)),
    }
}

/// A property value as text (strings bare, the rest as JSON), fitted and sanitized.
fn value_text(v: &Value, max: usize) -> String {
    match v {
        Value::String(s) => fit(s, max),
        other => fit(&other.to_string(), max),
    }
}

/// `TIME  EVENT  DISTINCT ID  DETAILS`, newest first as PostHog sent them.
pub fn events(list: &[PersonEvent]) -> String {
    let mut out =
        format!("{}  {}  {}  DETAILS\n", pad("TIME (UTC)", 19), pad("EVENT", 24), pad("DISTINCT ID", 24));
    for e in list {
        out.push_str(&format!(
            "{}  {}  {}  {}\n",
            pad(&short_time(Some(&e.timestamp)), 19),
            pad(&e.event, 24),
            pad(&e.distinct_id, 24),
            fit(&event_details(e), 46)
        ));
    }
    out
}

/// What an event is about in a few words: its person-property updates, else its page, else
/// how many properties it has.
fn event_details(e: &PersonEvent) -> String {
    let u = e.person_updates();
    if !u.is_empty() {
        let mut parts = Vec::new();
        let keys = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>().join(", ");
        if let Some(set) = u.set.as_ref().filter(|m| !m.is_empty()) {
            parts.push(format!("$set {}", keys(set)));
        }
        if let Some(once) = u.set_once.as_ref().filter(|m| !m.is_empty()) {
            parts.push(format!("$set_once {}", keys(once)));
        }
        if !u.unset.is_empty() {
            parts.push(format!("$unset {}", u.unset.join(", ")));
        }
        return parts.join("; ");
    }
    for key in ["$current_url", "$pathname", "$screen_name"] {
        if let Some(Value::String(s)) = e.properties.get(key) {
            return s.clone();
        }
    }
    match e.properties.len() {
        1 => "1 property".into(),
        n => format!("{n} properties"),
    }
}

fn best_distinct_id(ids: &[String]) -> Option<String> {
    ids.iter().find(|d| !is_anonymous_distinct_id(d)).or(ids.first()).cloned()
}

/// `2021-08-25T22:09:14.252000Z` → `2021-08-25`.
fn date_only(ts: Option<&str>) -> String {
    let t = short_time(ts);
    t.split(' ').next().unwrap_or("-").to_string()
}

/// `2021-08-25T22:09:14.252000Z` → `2021-08-25 22:09:14`.
fn short_time(ts: Option<&str>) -> String {
    match ts {
        None => "-".into(),
        Some(t) => match chrono::DateTime::parse_from_rfc3339(t) {
            Ok(dt) => dt.with_timezone(&chrono::Utc).format("%Y-%m-%d %H:%M:%S").to_string(),
            Err(_) => t.to_string(),
        },
    }
}

/// The header and the first `rows` records of a CSV document (PostHog's empty body stays empty).
pub fn csv_head(csv: &str, rows: usize) -> Result<String, String> {
    if csv.trim().is_empty() {
        return Ok(String::new());
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(csv.as_bytes());
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let bad = |e: csv::Error| format!("PostHog's CSV could not be read: {e}");
    writer.write_record(reader.headers().map_err(bad)?).map_err(|e| e.to_string())?;
    for rec in reader.records().take(rows) {
        writer.write_record(&rec.map_err(bad)?).map_err(|e| e.to_string())?;
    }
    String::from_utf8(writer.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn csv_head_keeps_the_header_and_quoting() {
        let csv = "id,note\n1,\"a, b\"\n2,x\n3,y\n";
        assert_eq!(csv_head(csv, 2).unwrap(), "id,note\n1,\"a, b\"\n2,x\n");
        assert_eq!(csv_head("", 5).unwrap(), "");
    }

    #[test]
    fn timeline_shows_each_point_as_a_diff() {
        let result: crate::api::PropertiesTimeline = serde_json::from_value(json!({
            "points": [
                {"timestamp": "2026-11-02T10:00:00Z", "properties": {"plan": "free", "email": "a@x.io"}, "relevant_event_count": 2},
                {"timestamp": "2026-11-04T10:00:00Z", "properties": {"plan": "pro", "n": 1}, "relevant_event_count": 1}
            ],
            "crucial_property_keys": ["plan"]
        }))
        .unwrap();
        let result = TimelineResult {
            source: crate::api::TimelineSource::Endpoint,
            timeline: result,
            truncated: false,
            fallback_reason: None,
        };
        let text = timeline(&result);
        let expected = "crucial keys: plan
TIME (UTC)           EVENTS  CHANGES
2026-11-02 10:00:00       2  + plan: free
                             + email: a@x.io
2026-11-04 10:00:00       1  ~ plan: free → pro
                             + n: 1
                             - email
";
        assert_eq!(text, expected);
    }

    #[test]
    fn events_summarise_updates_and_pages() {
        let list: Vec<PersonEvent> = serde_json::from_value(json!([
            {"uuid": "1", "event": "$set", "timestamp": "2026-11-02T10:00:00Z", "distinct_id": "d\u{1b}[2J",
             "properties": {"$set": {"plan": "pro"}, "$unset": ["old"]}},
            {"uuid": "2", "event": "$pageview", "timestamp": "2026-11-02T09:00:00Z", "distinct_id": "d",
             "properties": {"$current_url": "https://x.io/a"}}
        ]))
        .unwrap();
        let text = events(&list);
        assert!(text.contains("$set plan; $unset old"), "{text}");
        assert!(text.contains("https://x.io/a"));
        assert!(!text.contains('\u{1b}'));
        assert!(text.lines().all(|l| crate::text::width(l) < 120), "{text}");
    }

    #[test]
    fn tables_neutralise_hostile_text() {
        let p: PersonListItem = serde_json::from_value(json!({
            "id": "0190f0c2-0000-0000-0000-000000000001",
            "name": "\u{1b}]0;TITLE\u{07}evil", "distinct_ids": ["d\u{1b}[2J"],
            "properties": {"email": "x\u{07}@y.z"}, "created_at": "2024-01-02T03:04:05Z"
        }))
        .unwrap();
        let table = person_table(&[p]);
        assert!(!table.contains('\u{1b}') && !table.contains('\u{07}'));
        assert!(table.contains("\\e]0;TITLE\\aevil"));
        assert!(table.contains("2024-01-02"));
        assert!(table.lines().all(|l| crate::text::width(l) < 120), "{table}");
    }
}
