//! What a handler sees of a request: method, query (Django `QueryDict` semantics), the
//! JSON body (parsed as DRF's `JSONParser` would) and the absolute URL for `next` links.

use axum::http::{HeaderMap, Method, Uri, header};
use serde_json::{Map, Value};

use super::error::ApiError;

pub struct Req {
    pub method: Method,
    pub headers: HeaderMap,
    host: String,
    path_and_query: String,
    query: Vec<(String, String)>,
    /// `Ok(None)` for an empty body; the error (415 / 400) surfaces when the body is read.
    body: Result<Option<Value>, ApiError>,
}

fn parse_body(headers: &HeaderMap, bytes: &[u8]) -> Result<Option<Value>, ApiError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::unsupported_media_type(content_type));
    }
    serde_json::from_slice(bytes).map(Some).map_err(|e| ApiError::parse_error(&e.to_string()))
}

impl Req {
    pub fn new(method: Method, uri: &Uri, headers: HeaderMap, host: String, body: &[u8]) -> Req {
        let query = uri
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let path_and_query =
            uri.path_and_query().map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
        let body = parse_body(&headers, body);
        Req { method, headers, host, path_and_query, query, body }
    }

    /// `request.GET.get(key)`: the last value given.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// `key in request.GET`.
    pub fn has(&self, key: &str) -> bool {
        self.query.iter().any(|(k, _)| k == key)
    }

    /// The parsed body, or the parse error.
    pub fn body(&self) -> Result<Option<&Value>, ApiError> {
        match &self.body {
            Ok(v) => Ok(v.as_ref()),
            Err(e) => Err(e.clone()),
        }
    }

    /// `request.data` used as a dict: `{}` for an empty body; a JSON body that is not an
    /// object makes PostHog's `.get()` fail with a 500.
    pub fn data(&self) -> Result<Map<String, Value>, ApiError> {
        match self.body()? {
            None => Ok(Map::new()),
            Some(Value::Object(map)) => Ok(map.clone()),
            Some(_) => Err(ApiError::server_error()),
        }
    }

    /// `request.build_absolute_uri()` (the sandbox speaks plain http).
    pub fn absolute_url(&self) -> String {
        format!("http://{}{}", self.host, self.path_and_query)
    }

    /// `request.build_absolute_uri(location)` for a location starting with `/`.
    pub fn absolute(&self, location: &str) -> String {
        format!("http://{}{}", self.host, location)
    }

    /// Django `request.get_full_path()`: the path, and `?query` when the query is not empty.
    pub fn full_path(&self) -> String {
        match self.path_and_query.split_once('?') {
            Some((path, query)) if !query.is_empty() => format!("{path}?{query}"),
            Some((path, _)) => path.to_owned(),
            None => self.path_and_query.clone(),
        }
    }
}

/// Python `int()` of a query parameter; `None` where Python would raise (PostHog: 500).
pub fn python_int(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}
