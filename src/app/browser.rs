//! The PostHog web app's address for a person (`o`): `<origin>/project/<id>/person/<distinct id>`.
use super::model::Connection;
use crate::api::{Project, is_anonymous_distinct_id};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but unreserved characters is encoded, so a distinct id stays one path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// The distinct id PostHog's person URL uses: the first non-anonymous one, else the first.
pub fn best_distinct_id(ids: &[String]) -> Option<&str> {
    ids.iter().find(|d| !is_anonymous_distinct_id(d)).or(ids.first()).map(String::as_str)
}

/// The person's page in the web app, or why it cannot be built. `@current` is resolved from the
/// loaded project.
pub fn person_url(
    conn: &Connection,
    project: Option<&Project>,
    distinct_ids: &[String],
) -> Result<String, String> {
    let url = url::Url::parse(conn.host.trim()).map_err(|_| format!("{} is not a web address", conn.host))?;
    let origin = url.origin();
    if !origin.is_tuple() {
        return Err(format!("{} is not a web address", conn.host));
    }
    let configured = conn.project.trim();
    let id = if configured.is_empty() || configured.starts_with('@') {
        project.map(|p| p.id.to_string()).ok_or_else(|| {
            "The project id is not known yet (the project has not loaded; refresh to retry)".to_string()
        })?
    } else {
        configured.to_string()
    };
    let distinct =
        best_distinct_id(distinct_ids).ok_or_else(|| "This person has no distinct id".to_string())?;
    Ok(format!(
        "{}/project/{}/person/{}",
        origin.ascii_serialization(),
        utf8_percent_encode(&id, SEGMENT),
        utf8_percent_encode(distinct, SEGMENT)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(host: &str, project: &str) -> Connection {
        Connection { host: host.into(), project: project.into(), profile: None, demo: false }
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn project(id: i64) -> Project {
        serde_json::from_value(serde_json::json!({ "id": id })).unwrap()
    }

    #[test]
    fn us_and_eu_cloud() {
        let anon = "0190f0c2-aaaa-bbbb-cccc-dddddddddddd";
        assert_eq!(
            person_url(&conn("https://us.posthog.com", "12345"), None, &ids(&[anon, "alice@x.io"])).unwrap(),
            "https://us.posthog.com/project/12345/person/alice%40x.io"
        );
        assert_eq!(
            person_url(&conn("https://eu.posthog.com/", "7"), None, &ids(&[anon])).unwrap(),
            format!("https://eu.posthog.com/project/7/person/{anon}")
        );
    }

    #[test]
    fn self_hosted_keeps_the_port_and_drops_any_path() {
        assert_eq!(
            person_url(&conn("http://ph.example.com:8000", "1"), None, &ids(&["u1"])).unwrap(),
            "http://ph.example.com:8000/project/1/person/u1"
        );
        assert_eq!(
            person_url(&conn("https://ph.example.com:8443/some/path/", "1"), None, &ids(&["u1"])).unwrap(),
            "https://ph.example.com:8443/project/1/person/u1"
        );
    }

    #[test]
    fn current_project_comes_from_the_loaded_project() {
        let c = conn("https://us.posthog.com", "@current");
        assert_eq!(
            person_url(&c, Some(&project(42)), &ids(&["u1"])).unwrap(),
            "https://us.posthog.com/project/42/person/u1"
        );
        let err = person_url(&c, None, &ids(&["u1"])).unwrap_err();
        assert!(err.contains("project id is not known"), "{err}");
    }

    #[test]
    fn hostile_distinct_ids_stay_one_segment() {
        let url = person_url(&conn("https://us.posthog.com", "1"), None, &ids(&["../../x y?#"])).unwrap();
        assert_eq!(url, "https://us.posthog.com/project/1/person/..%2F..%2Fx%20y%3F%23");
        assert!(person_url(&conn("https://us.posthog.com", "1"), None, &[]).is_err());
    }
}
