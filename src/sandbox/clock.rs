//! Timestamps: the sandbox keeps every time as microseconds since the Unix epoch (UTC) and
//! renders them the way PostHog does.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// The fixed "now" the demo data is generated against (2026-11-27T00:00:00Z), so that the
/// same seed gives the same data on every run regardless of the wall clock.
pub const DEMO_EPOCH: i64 = 1_795_737_600_000_000;
pub const MICROS_PER_SEC: i64 = 1_000_000;
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SEC;

/// Wall-clock now, used for writes made through the API.
pub fn now_micros() -> i64 {
    Utc::now().timestamp_micros()
}

fn datetime(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

/// DRF `DateTimeField` / orjson `OPT_UTC_Z` form: `2021-08-25T22:09:14.252000Z`, with the
/// fraction only when it is non-zero.
pub fn iso(micros: i64) -> String {
    let dt = datetime(micros);
    let frac = micros.rem_euclid(MICROS_PER_SEC);
    if frac == 0 {
        dt.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        format!("{}.{frac:06}Z", dt.format("%Y-%m-%dT%H:%M:%S"))
    }
}

/// Python `str(datetime)` of an aware UTC datetime: `2021-08-25 22:09:14.252000+00:00`.
pub fn python_str(micros: i64) -> String {
    let dt = datetime(micros);
    let frac = micros.rem_euclid(MICROS_PER_SEC);
    if frac == 0 {
        dt.format("%Y-%m-%d %H:%M:%S+00:00").to_string()
    } else {
        format!("{}.{frac:06}+00:00", dt.format("%Y-%m-%d %H:%M:%S"))
    }
}

/// Parses RFC 3339 / ISO 8601 timestamps, `YYYY-MM-DD HH:MM:SS[.f]` (taken as UTC) and plain
/// dates. Returns microseconds.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.timestamp_micros());
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(text, format) {
            return Some(dt.and_utc().timestamp_micros());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc().timestamp_micros())
}

/// Parses PostHog-style relative dates (`-7d`, `-24h`, `-2w`, `-3m`, `-1y`) against `now`,
/// falling back to [`parse`].
pub fn parse_relative(text: &str, now: i64) -> Option<i64> {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('-') {
        let unit = rest.chars().last()?;
        let amount: i64 = rest[..rest.len() - unit.len_utf8()].parse().ok()?;
        let span = match unit {
            'h' => 3_600 * MICROS_PER_SEC,
            'd' => MICROS_PER_DAY,
            'w' => 7 * MICROS_PER_DAY,
            'm' => 30 * MICROS_PER_DAY,
            'y' => 365 * MICROS_PER_DAY,
            _ => return None,
        };
        return Some(now - amount * span);
    }
    parse(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_drf_and_python() {
        let t = DEMO_EPOCH + 252_000;
        assert_eq!(iso(t), "2026-11-27T00:00:00.252000Z");
        assert_eq!(iso(DEMO_EPOCH), "2026-11-27T00:00:00Z");
        assert_eq!(python_str(t), "2026-11-27 00:00:00.252000+00:00");
        assert_eq!(parse("2026-11-27T00:00:00.252Z"), Some(t));
        assert_eq!(parse("2026-11-27"), Some(DEMO_EPOCH));
        assert_eq!(parse_relative("-1d", DEMO_EPOCH), Some(DEMO_EPOCH - MICROS_PER_DAY));
    }
}
