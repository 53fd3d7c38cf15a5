//! Replies and PostHog error bodies (`exceptions_hog`: `{"type","code","detail","attr"}`).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// A successful answer.
pub enum Reply {
    Json(StatusCode, Value),
    /// DRF drops the Content-Type of an empty body.
    Empty(StatusCode),
    Csv(String),
}

#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Reply::Json(status, body) => json_response(status, &body),
            Reply::Empty(status) => {
                let mut response = Response::new(Body::empty());
                *response.status_mut() = status;
                response
            }
            Reply::Csv(text) => {
                let mut response = Response::new(Body::from(text));
                response
                    .headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
                response
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body)
    }
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &str, code: &str, detail: &str, attr: Option<&str>) -> Self {
        let mut body = Map::new();
        body.insert("type".into(), Value::String(kind.into()));
        body.insert("code".into(), Value::String(code.into()));
        body.insert("detail".into(), Value::String(detail.into()));
        body.insert("attr".into(), attr.map_or(Value::Null, |a| Value::String(a.into())));
        ApiError { status, body: Value::Object(body) }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "invalid_request", "not_found", "Not found.", None)
    }

    pub fn endpoint_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "invalid_request", "not_found", "Endpoint not found.", None)
    }

    pub fn project_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "invalid_request", "not_found", "Project not found.", None)
    }

    pub fn permission_denied(detail: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, "authentication_error", "permission_denied", detail, None)
    }

    pub fn not_authenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "not_authenticated",
            "Authentication credentials were not provided.",
            None,
        )
    }

    /// `source` is where the key was found: "Authorization header", "body", "query string".
    pub fn authentication_failed(source: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "authentication_failed",
            &format!("Personal API key found in request {source} is invalid."),
            None,
        )
    }

    /// A plain-string `ValidationError`.
    pub fn validation(detail: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "validation_error", "invalid_input", detail, None)
    }

    /// A dict-form `ValidationError` on one field.
    pub fn validation_attr(attr: &str, code: &str, detail: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "validation_error", code, detail, Some(attr))
    }

    /// The hand-built 400 of `update` / `update_property`, with code and detail swapped.
    pub fn swapped_required(attr: &str) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body: json!({
                "attr": attr,
                "code": "This field is required.",
                "detail": "required",
                "type": "validation_error",
            }),
        }
    }

    pub fn method_not_allowed(method: &str) -> Self {
        Self::method_not_allowed_with(&format!("Method \"{method}\" not allowed."))
    }

    pub fn method_not_allowed_with(detail: &str) -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "invalid_request", "method_not_allowed", detail, None)
    }

    pub fn unsupported_media_type(content_type: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request",
            "unsupported_media_type",
            &format!("Unsupported media type \"{content_type}\" in request."),
            None,
        )
    }

    pub fn parse_error(message: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "parse_error",
            &format!("JSON parse error - {message}"),
            None,
        )
    }

    /// DRF `Throttled`: the wait is rounded up to whole seconds.
    pub fn throttled(wait_seconds: u64) -> Self {
        let unit = if wait_seconds == 1 { "second" } else { "seconds" };
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled_error",
            "throttled",
            &format!("Request was throttled. Expected available in {wait_seconds} {unit}."),
            None,
        )
    }

    pub fn server_error() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "error",
            "A server error occurred.",
            None,
        )
    }
}
