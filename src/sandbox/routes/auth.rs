//! Personal API key authentication, in PostHog's order: `Authorization: Bearer`, the JSON
//! body's `personal_api_key`, then `?personal_api_key=`.

use axum::http::header;
use serde_json::Value;

use super::error::ApiError;
use super::request::Req;

/// Regex `^Bearer\s+(\S.+)$`, then `.strip()`.
fn bearer(value: &str) -> Option<&str> {
    let rest = value.strip_prefix("Bearer")?;
    let token = rest.trim_start();
    if token.len() == rest.len() || token.contains(['\n', '\r']) {
        return None;
    }
    let mut chars = token.chars();
    let first = chars.next()?;
    if first.is_whitespace() || chars.next().is_none() {
        return None;
    }
    Some(token.trim())
}

/// Returns the presented key when it is the sandbox key.
pub fn authenticate(req: &Req, expected: &str) -> Result<String, ApiError> {
    let check = |key: &str, source: &str| {
        if key == expected { Ok(key.to_owned()) } else { Err(ApiError::authentication_failed(source)) }
    };
    if let Some(token) = req.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(bearer)
    {
        return check(token, "Authorization header");
    }
    if let Some(Value::Object(data)) = req.body()? {
        if let Some(key) = data.get("personal_api_key") {
            let key = key.as_str().map_or_else(|| key.to_string(), str::to_owned);
            return check(&key, "body");
        }
    }
    if let Some(key) = req.param("personal_api_key") {
        return check(key, "query string");
    }
    Err(ApiError::not_authenticated())
}

#[cfg(test)]
mod tests {
    use super::bearer;

    #[test]
    fn bearer_like_posthog() {
        assert_eq!(bearer("Bearer phx_abc"), Some("phx_abc"));
        assert_eq!(bearer("Bearer   phx_abc  "), Some("phx_abc"));
        assert_eq!(bearer("Bearer x"), None);
        assert_eq!(bearer("Bearerphx"), None);
        assert_eq!(bearer("Basic abc"), None);
    }
}
