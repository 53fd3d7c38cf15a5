//! Pagination links exactly as PostHog builds them.

/// `posthog.utils.format_query_params_absolute_url`: replaces `offset_alias=<digits>` (every
/// occurrence) or appends it; an `offset` of 0 is ignored (the `previous` quirk), and
/// `limit` is only touched when given.
pub fn format_query_params_absolute_url(
    url: &str,
    offset: i64,
    limit: Option<i64>,
    offset_alias: &str,
    limit_alias: &str,
) -> String {
    let mut out = url.to_owned();
    if offset != 0 {
        out = replace_or_append(&out, offset_alias, offset);
    }
    if let Some(limit) = limit.filter(|l| *l != 0) {
        out = replace_or_append(&out, limit_alias, limit);
    }
    out
}

/// Regex `([&?]{name}=)(\d+)` → `\g<1>{value}`, else append with `?` or `&`.
fn replace_or_append(url: &str, name: &str, value: i64) -> String {
    let mut out = String::with_capacity(url.len() + 16);
    let mut rest = url;
    let mut replaced = false;
    let needle = format!("{name}=");
    while let Some(pos) = rest.find(&needle) {
        let preceded = pos > 0 && matches!(rest.as_bytes()[pos - 1], b'&' | b'?');
        let after = &rest[pos + needle.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..pos + needle.len()]);
        if preceded && digits > 0 {
            out.push_str(&value.to_string());
            replaced = true;
            rest = &after[digits..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    if replaced {
        return out;
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{name}={value}")
}

/// DRF `replace_query_param` / `remove_query_param`: the query is re-encoded with keys
/// sorted.
pub fn drf_query_param(url: &str, key: &str, value: Option<&str>) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match pairs.iter_mut().find(|(name, _)| *name == k) {
            Some((_, values)) => values.push(v.into_owned()),
            None => pairs.push((k.into_owned(), vec![v.into_owned()])),
        }
    }
    pairs.retain(|(k, _)| k != key);
    if let Some(value) = value {
        pairs.push((key.to_owned(), vec![value.to_owned()]));
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut encoder = url::form_urlencoded::Serializer::new(String::new());
    for (k, values) in &pairs {
        for v in values {
            encoder.append_pair(k, v);
        }
    }
    let query = encoder.finish();
    if query.is_empty() { base.to_owned() } else { format!("{base}?{query}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posthog_offset_links() {
        let u = "http://h/api/projects/1/persons/?limit=10";
        assert_eq!(
            format_query_params_absolute_url(u, 10, None, "offset", "limit"),
            "http://h/api/projects/1/persons/?limit=10&offset=10"
        );
        let u2 = "http://h/p/?limit=10&offset=10";
        assert_eq!(
            format_query_params_absolute_url(u2, 20, None, "offset", "limit"),
            "http://h/p/?limit=10&offset=20"
        );
        // offset 0 is ignored: `previous` on page 2 is the current URL.
        assert_eq!(format_query_params_absolute_url(u2, 0, None, "offset", "limit"), u2);
        assert_eq!(
            format_query_params_absolute_url("http://h/a/", 2, Some(10), "page", "limit"),
            "http://h/a/?page=2&limit=10"
        );
        assert_eq!(
            format_query_params_absolute_url("http://h/a/?xoffset=3", 5, None, "offset", "limit"),
            "http://h/a/?xoffset=3&offset=5"
        );
    }

    #[test]
    fn drf_links_sort_keys() {
        assert_eq!(
            drf_query_param("http://h/x/?status=all&limit=2", "offset", Some("2")),
            "http://h/x/?limit=2&offset=2&status=all"
        );
        assert_eq!(drf_query_param("http://h/x/?offset=2", "offset", None), "http://h/x/");
    }
}
