//! Relative times for lists ("3d ago") and exact ones for the inspector, from PostHog's ISO 8601
//! timestamps. `now` is passed in, so views stay pure and snapshots stable.
use chrono::{DateTime, Utc};

pub fn parse(ts: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(ts).ok().map(|d| d.with_timezone(&Utc))
}

/// "just now", "5m ago", "3h ago", "3d ago", "2mo ago", "1y ago" (or "in 5m" for the future).
pub fn relative(now: DateTime<Utc>, ts: Option<&str>) -> String {
    let Some(t) = ts.and_then(parse) else {
        return if ts.is_some() { "?".into() } else { "-".into() };
    };
    let secs = (now - t).num_seconds();
    let (secs, future) = if secs < 0 { (-secs, true) } else { (secs, false) };
    let span = match secs {
        s if s < 60 => return "just now".into(),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s if s < 86_400 * 30 => format!("{}d", s / 86_400),
        s if s < 86_400 * 365 => format!("{}mo", s / (86_400 * 30)),
        s => format!("{}y", s / (86_400 * 365)),
    };
    if future { format!("in {span}") } else { format!("{span} ago") }
}

/// `2021-08-25 22:09:14 UTC`, or the raw text when it is not a timestamp.
pub fn exact(ts: Option<&str>) -> String {
    match ts {
        None => "-".into(),
        Some(raw) => {
            parse(raw).map_or_else(|| raw.to_string(), |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_spans() {
        let now = parse("2026-11-28T12:00:00Z").unwrap();
        assert_eq!(relative(now, Some("2026-11-28T11:59:30Z")), "just now");
        assert_eq!(relative(now, Some("2026-11-28T11:55:00Z")), "5m ago");
        assert_eq!(relative(now, Some("2026-11-28T08:59:00.123456Z")), "3h ago");
        assert_eq!(relative(now, Some("2026-11-25T12:00:00Z")), "3d ago");
        assert_eq!(relative(now, Some("2026-09-01T00:00:00Z")), "2mo ago");
        assert_eq!(relative(now, Some("2024-11-01T00:00:00Z")), "2y ago");
        assert_eq!(relative(now, Some("2026-11-28T12:10:00Z")), "in 10m");
        assert_eq!(relative(now, None), "-");
        assert_eq!(relative(now, Some("garbage")), "?");
        assert_eq!(exact(Some("2021-08-25T22:09:14.252000Z")), "2021-08-25 22:09:14 UTC");
    }
}
