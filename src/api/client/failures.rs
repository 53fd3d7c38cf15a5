//! How a failed exchange becomes one `ApiError` sentence: PostHog's error bodies (both the
//! standard `{type, code, detail, attr}` and the swapped-field 400s, `{message}`, `{error}`),
//! HTML and other non-JSON bodies, statuses, transport failures, and the key redacted from
//! anything the server echoes.
use crate::api::error::{ApiError, ErrorKind};
use crate::api::host::ApiKey;
use reqwest::StatusCode;
use serde_json::Value;

pub(super) fn refused(op: &str, reason: &str) -> ApiError {
    ApiError::new(op, ErrorKind::Refused { reason: reason.into() })
}

pub(super) fn invalid(op: &str, status: u16, reason: String) -> ApiError {
    ApiError::new(op, ErrorKind::InvalidResponse { status, reason })
}

pub(super) fn expect_success_flag(op: &str, body: &[u8]) -> Result<(), ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.get("success") == Some(&Value::Bool(false)) => Err(ApiError::new(
            op,
            ErrorKind::Status {
                status: 200,
                detail: v
                    .get("detail")
                    .and_then(Value::as_str)
                    .unwrap_or("PostHog reported failure")
                    .to_string(),
            },
        )),
        _ => Ok(()),
    }
}

pub(super) fn transport_error(op: &str, e: &reqwest::Error) -> ApiError {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if e.is_connect() {
        ErrorKind::Connect { reason: root_cause(e) }
    } else {
        ErrorKind::Connect { reason: format!("the connection failed: {}", root_cause(e)) }
    };
    ApiError::new(op, kind)
}

/// The innermost error text, without the URL reqwest prefixes.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

pub(super) fn describe_bad_body(body: &[u8], e: &serde_json::Error) -> String {
    if looks_like_html(body) {
        "got an HTML page instead of JSON".into()
    } else if body.is_empty() {
        "the body was empty".into()
    } else {
        format!("unexpected JSON ({e})")
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(256)]).to_ascii_lowercase();
    head.trim_start().starts_with("<!doctype html") || head.trim_start().starts_with("<html")
}

/// Maps a non-success status and PostHog's error body to an `ErrorKind`.
pub(super) fn error_kind(status: u16, body: &[u8], key: &ApiKey) -> ErrorKind {
    let (detail, attr) = extract_detail(status, body);
    let detail = redact(&detail, key);
    match status {
        401 => ErrorKind::Unauthorized { detail },
        403 => ErrorKind::Forbidden { detail },
        404 => ErrorKind::NotFound { detail },
        405 => ErrorKind::MethodNotAllowed { detail },
        415 => ErrorKind::UnsupportedMediaType { detail },
        400 | 422 => ErrorKind::Validation { detail, attr },
        429 => ErrorKind::RateLimited { wait_secs: wait_seconds(&detail), detail },
        500..=599 => ErrorKind::Server { status, detail },
        _ => ErrorKind::Status { status, detail },
    }
}

/// Reads `detail` (and `attr`) from PostHog's error bodies, including the hand-built ones:
/// swapped `code`/`detail` 400s, `{message, detail}`, `{success:false, detail}` and `{error}`.
fn extract_detail(status: u16, body: &[u8]) -> (String, Option<String>) {
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(body) else {
        let reason = if body.is_empty() {
            default_reason(status)
        } else if looks_like_html(body) {
            format!("{} (an HTML page, not PostHog's JSON)", default_reason(status))
        } else {
            format!("{}: {}", default_reason(status), snippet(body))
        };
        return (reason, None);
    };
    let text = |k: &str| match obj.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let attr = text("attr");
    let mut detail = text("detail").or_else(|| text("error")).unwrap_or_else(|| default_reason(status));
    // PostHog's hand-built 400s swap the fields: {"code": "This field is required.", "detail": "required"}.
    if let Some(code) = text("code")
        && code.contains(' ')
        && !detail.contains(' ')
    {
        detail = code;
    }
    if let Some(message) = text("message") {
        detail = format!("{message}: {detail}");
    }
    (detail, attr)
}

fn default_reason(status: u16) -> String {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status")
        .to_string()
}

/// The first printable 120 characters of a body, control characters dropped.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(120).collect();
    clean.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn redact(text: &str, key: &ApiKey) -> String {
    if key.expose().len() >= 4 && text.contains(key.expose()) {
        text.replace(key.expose(), "<redacted>")
    } else {
        text.to_string()
    }
}

/// "Request was throttled. Expected available in 12 seconds." → 12.
fn wait_seconds(detail: &str) -> Option<u64> {
    let rest = &detail[detail.find("available in ")? + "available in ".len()..];
    let num: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    num.parse::<f64>().ok().map(|s| s.ceil() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(status: u16, body: &str) -> ErrorKind {
        error_kind(status, body.as_bytes(), &ApiKey::new("phx_testkey"))
    }

    #[test]
    fn swapped_validation_bodies_read_naturally() {
        let k = kind(
            400,
            r#"{"attr":"properties","code":"This field is required.","detail":"required","type":"validation_error"}"#,
        );
        assert_eq!(
            k,
            ErrorKind::Validation {
                detail: "This field is required.".into(),
                attr: Some("properties".into())
            }
        );
        assert_eq!(k.to_string(), "PostHog rejected `properties` (400: This field is required)");
    }

    #[test]
    fn standard_and_hand_built_bodies() {
        let k = kind(
            401,
            r#"{"type":"authentication_error","code":"authentication_failed","detail":"Personal API key found in request Authorization header is invalid.","attr":null}"#,
        );
        assert!(k.to_string().contains("POSTHOG_PERSONAL_API_KEY"));
        let k = kind(400, r#"{"message":"Missing parameter","detail":"Must include specified date"}"#);
        assert_eq!(
            k,
            ErrorKind::Validation {
                detail: "Missing parameter: Must include specified date".into(),
                attr: None
            }
        );
        let k = kind(400, r#"{"error":"bad timestamp"}"#);
        assert_eq!(k, ErrorKind::Validation { detail: "bad timestamp".into(), attr: None });
    }

    #[test]
    fn rate_limit_wait_comes_from_detail() {
        let k = kind(
            429,
            r#"{"type":"throttled_error","code":"throttled","detail":"Request was throttled. Expected available in 7 seconds.","attr":null}"#,
        );
        assert!(matches!(k, ErrorKind::RateLimited { wait_secs: Some(7), .. }));
        assert_eq!(wait_seconds("Expected available in 0.4 seconds."), Some(1));
        assert_eq!(wait_seconds("nothing here"), None);
    }

    #[test]
    fn non_json_bodies_and_statuses() {
        assert_eq!(
            kind(502, "<!DOCTYPE html><html>Bad gateway</html>"),
            ErrorKind::Server {
                status: 502,
                detail: "Bad Gateway (an HTML page, not PostHog's JSON)".into()
            }
        );
        assert_eq!(kind(503, ""), ErrorKind::Server { status: 503, detail: "Service Unavailable".into() });
        assert_eq!(
            kind(418, "tea\x1b[2J"),
            ErrorKind::Status { status: 418, detail: "I'm a teapot: tea [2J".into() }
        );
    }

    #[test]
    fn each_status_has_its_own_kind() {
        let not_found =
            kind(404, r#"{"type":"invalid_request","code":"not_found","detail":"Not found.","attr":null}"#);
        assert_eq!(not_found, ErrorKind::NotFound { detail: "Not found.".into() });
        assert!(not_found.to_string().contains("deleted or merged"));
        let endpoint = kind(404, r#"{"detail":"Endpoint not found."}"#);
        assert!(endpoint.to_string().contains("does not have that endpoint"));
        assert!(matches!(
            kind(405, r#"{"detail":"Creating persons via this API is not allowed."}"#),
            ErrorKind::MethodNotAllowed { .. }
        ));
        assert!(matches!(
            kind(415, r#"{"detail":"Unsupported media type"}"#),
            ErrorKind::UnsupportedMediaType { .. }
        ));
        let scoped = kind(403, r#"{"detail":"This action does not support Personal API Key access"}"#);
        assert!(scoped.to_string().contains("unscoped key"));
    }

    #[test]
    fn key_is_redacted_from_server_text() {
        let k = kind(403, r#"{"detail":"key phx_testkey is not allowed"}"#);
        assert!(!k.to_string().contains("phx_testkey"));
    }
}
