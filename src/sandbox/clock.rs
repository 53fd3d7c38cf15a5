//! Timestamps: the sandbox keeps every time as microseconds since the Unix epoch (UTC) and
//! renders them the way PostHog does.

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, Utc};

/// A fixed day (2026-11-27T00:00:00Z): what `HOGDEX_DEMO_EPOCH=2026-11-27` pins the demo to.
pub const DEMO_EPOCH: i64 = 1_795_737_600_000_000;

/// The variable that pins the demo's "now" to a day (`2026-11-27`), for reproducing data exactly.
pub const DEMO_EPOCH_ENV: &str = "HOGDEX_DEMO_EPOCH";

/// The "now" the demo data is generated against: the start of the current UTC day when the
/// process first asks, so the demo's recent activity is recent whenever it runs (the last-7-days
/// events, a funnel over the last 30 days, lifecycle bars) and the same seed gives the same data
/// all day; or the day `HOGDEX_DEMO_EPOCH` names.
pub fn demo_epoch() -> i64 {
    static EPOCH: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(|| {
        let pinned = std::env::var(DEMO_EPOCH_ENV).ok().and_then(|v| parse(v.trim()));
        pinned.unwrap_or_else(|| now_micros().div_euclid(MICROS_PER_DAY) * MICROS_PER_DAY)
    })
}
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

/// Python `datetime.isoformat()` of an aware datetime in the team's timezone (UTC):
/// `2020-01-05T23:59:59.999999+00:00`, with the fraction only when it is non-zero.
pub fn python_isoformat(micros: i64) -> String {
    let dt = datetime(micros);
    let frac = micros.rem_euclid(MICROS_PER_SEC);
    if frac == 0 {
        dt.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
    } else {
        format!("{}.{frac:06}+00:00", dt.format("%Y-%m-%dT%H:%M:%S"))
    }
}

/// A time for a HogQL/ClickHouse literal: `2020-01-05 23:59:59.999999`.
pub fn sql(micros: i64) -> String {
    let dt = datetime(micros);
    format!("{}.{:06}", dt.format("%Y-%m-%d %H:%M:%S"), micros.rem_euclid(MICROS_PER_SEC))
}

/// Midnight (UTC, the team timezone) of the day holding `micros`.
pub fn start_of_day(micros: i64) -> i64 {
    micros - micros.rem_euclid(MICROS_PER_DAY)
}

/// The start of the hour holding `micros`.
pub fn start_of_hour(micros: i64) -> i64 {
    micros - micros.rem_euclid(3_600 * MICROS_PER_SEC)
}

/// `micros` moved by a number of calendar months (dateutil `relativedelta(months=n)`: the day
/// is clamped to the end of a shorter month).
pub fn add_months(micros: i64, months: i64) -> i64 {
    let dt = datetime(micros);
    let moved = if months >= 0 {
        dt.checked_add_months(Months::new(months.unsigned_abs() as u32))
    } else {
        dt.checked_sub_months(Months::new(months.unsigned_abs() as u32))
    };
    moved.map_or(micros, |d| d.timestamp_micros())
}

/// The first day of the month holding `micros`, at midnight.
pub fn start_of_month(micros: i64) -> i64 {
    let dt = datetime(micros);
    NaiveDate::from_ymd_opt(dt.year(), dt.month(), 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(micros, |d| d.and_utc().timestamp_micros())
}

/// The Sunday starting the week holding `micros` (ClickHouse `toStartOfWeek(t, 0)`).
pub fn start_of_week(micros: i64) -> i64 {
    let day = start_of_day(micros);
    let weekday = i64::from(datetime(day).weekday().num_days_from_sunday());
    day - weekday * MICROS_PER_DAY
}

/// PostHog's `relative_date_parse_with_delta_mapping` for the team timezone (UTC): an ISO
/// date or datetime (naive means UTC), or a relative `-<n><unit>[Start|End]` with units `h`
/// (hours), `d`, `w`, `m` (months), `q` (quarters), `y` and `M` (minutes). Text it cannot read
/// is `now`, as in PostHog. The flag says whether the delta was in hours (an "hourly" date).
pub fn relative_date_parse(text: &str, now: i64) -> (i64, bool) {
    if let Some(t) = parse(text) {
        return (t, false);
    }
    let Some(caps) = relative_re().captures(text) else {
        return (now, false);
    };
    let number: i64 = caps.get(1).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
    let position = caps.get(3).map(|m| m.as_str());
    let end_of = |t: i64, unit: i64| t - t.rem_euclid(unit) + unit - 1;
    let (moved, hourly) = match &caps[2] {
        "h" => {
            let t = now - number * 3_600 * MICROS_PER_SEC;
            let unit = 3_600 * MICROS_PER_SEC;
            (
                match position {
                    Some("Start") => start_of_hour(t),
                    Some("End") => end_of(t, unit),
                    _ => t,
                },
                true,
            )
        }
        "M" => (now - number * 60 * MICROS_PER_SEC, false),
        "d" => {
            let t = now - number * MICROS_PER_DAY;
            (
                match position {
                    Some("Start") => start_of_day(t),
                    Some("End") => end_of(t, MICROS_PER_DAY),
                    _ => t,
                },
                false,
            )
        }
        "w" => (now - number * 7 * MICROS_PER_DAY, false),
        "q" => (now - number * 13 * 7 * MICROS_PER_DAY, false),
        "m" => {
            let t = add_months(now, -number);
            (
                match position {
                    Some("Start") => start_of_month(t),
                    Some("End") => start_of_month(add_months(start_of_month(t), 1)) - 1,
                    _ => t,
                },
                false,
            )
        }
        "y" => {
            let t = add_months(now, -12 * number);
            let year_start = |t: i64| {
                NaiveDate::from_ymd_opt(datetime(t).year(), 1, 1)
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map_or(t, |d| d.and_utc().timestamp_micros())
            };
            (
                match position {
                    Some("Start") => year_start(t),
                    Some("End") => add_months(year_start(t), 12) - 1,
                    _ => t,
                },
                false,
            )
        }
        _ => (now, false),
    };
    (moved, hourly)
}

fn relative_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"-?([0-9]+)?([a-zA-Z])(Start|End)?").expect("valid regex"))
}

/// Parses RFC 3339 / ISO 8601 timestamps, `YYYY-MM-DD HH:MM:SS[.f]` (taken as UTC) and plain
/// dates. Returns microseconds.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.timestamp_micros());
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
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
