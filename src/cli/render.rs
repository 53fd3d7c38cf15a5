//! Human-readable output for the CLI: tables of persons, a person's detail, activity, cohorts.
//! Every server string passes through `text::fit`/`sanitize`, so hostile values stay inert.
use crate::api::{
    ActivityPage, CohortRef, DeletionStatusEntry, PersonListItem, PersonRecord, Project, display_name,
    is_anonymous_distinct_id,
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
