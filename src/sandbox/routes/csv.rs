//! `rest_framework_csv.PaginatedCSVRenderer` as PostHog uses it for `format=csv`: rows are
//! the flattened `results`, columns the sorted union of keys, values Python `str()`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::sandbox::clock;

/// Python `repr(float)`: shortest round-trip digits, exponent form outside [1e-4, 1e16).
pub fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e16).contains(&abs) {
        let text = format!("{f:e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let text = format!("{f}");
    if text.contains('.') { text } else { format!("{text}.0") }
}

fn python_str(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => {
            if n.is_f64() {
                python_float(n.as_f64().unwrap_or_default())
            } else {
                n.to_string()
            }
        }
        Value::String(s) => s.clone(),
        // Only reached for empty containers, which produce no column.
        other => other.to_string(),
    }
}

/// `flatten_item`: nested keys joined with `.`, list items by index; an empty key keeps the
/// prefix; later keys overwrite earlier ones.
fn flatten(value: &Value, prefix: &str, out: &mut Vec<(String, String)>) {
    let join = |key: &str| -> String {
        match (prefix.is_empty(), key.is_empty()) {
            (_, true) => prefix.to_owned(),
            (true, false) => key.to_owned(),
            (false, false) => format!("{prefix}.{key}"),
        }
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(v, &join(k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(v, &join(&i.to_string()), out);
            }
        }
        scalar => out.push((prefix.to_owned(), python_str(scalar))),
    }
}

/// One flattened row: keys unique (later ones win, as with `dict.update`) and sorted.
fn flat_row(item: &Value, created_at: i64, last_seen_at: Option<i64>) -> Vec<(String, String)> {
    let mut flat = Vec::new();
    flatten(item, "", &mut flat);
    flat.push(("created_at".into(), clock::python_str(created_at)));
    flat.push(("last_seen_at".into(), last_seen_at.map(clock::python_str).unwrap_or_default()));
    // Stable sort, then keep the last of each run of equal keys.
    flat.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(String, String)> = Vec::with_capacity(flat.len());
    for pair in flat {
        match out.last_mut() {
            Some(last) if last.0 == pair.0 => *last = pair,
            _ => out.push(pair),
        }
    }
    out
}

/// Renders `count` list items, built on demand by `item(i)` as `(item, created_at,
/// last_seen_at)`. Two passes (header, then rows) keep memory to the output text even for
/// 50,000 rows. The top-level datetimes are Python datetimes, so they print as
/// `2021-08-25 22:09:14.252000+00:00`.
pub fn render<F>(count: usize, item: F) -> String
where
    F: Fn(usize) -> (Value, i64, Option<i64>),
{
    if count == 0 {
        return String::new();
    }
    let mut header: BTreeSet<String> = BTreeSet::new();
    for i in 0..count {
        let (value, created_at, last_seen_at) = item(i);
        for (key, _) in flat_row(&value, created_at, last_seen_at) {
            if !header.contains(&key) {
                header.insert(key);
            }
        }
    }
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let _ = writer.write_record(header.iter());
    for i in 0..count {
        let (value, created_at, last_seen_at) = item(i);
        let row = flat_row(&value, created_at, last_seen_at);
        let mut cells = row.iter().peekable();
        let fields = header.iter().map(|h| match cells.peek() {
            Some((key, cell)) if key == h => {
                cells.next();
                cell.as_str()
            }
            _ => "",
        });
        let _ = writer.write_record(fields);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_like_python() {
        assert_eq!(python_float(1.0), "1.0");
        assert_eq!(python_float(0.5), "0.5");
        assert_eq!(python_float(1e16), "1e+16");
        assert_eq!(python_float(1.5e-7), "1.5e-07");
        assert_eq!(python_float(123456.789), "123456.789");
    }

    #[test]
    fn flattens_and_sorts() {
        let item = json!({"b": true, "a": {"x": [1, null], "": "e"}, "z": [], "n": null});
        let out = render(1, |_| (item.clone(), 0, None));
        let mut lines = out.split("\r\n");
        assert_eq!(lines.next().unwrap(), "a,a.x.0,a.x.1,b,created_at,last_seen_at,n");
        assert_eq!(lines.next().unwrap(), "e,1,,True,1970-01-01 00:00:00+00:00,,");
    }
}
