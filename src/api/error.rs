//! One error type for every way a PostHog call can fail, rendered as one sentence a person can
//! act on. Messages never contain the API key: server text is redacted before it is stored.
use std::fmt;

/// What went wrong, by kind, so callers (UI, CLI, tests) can branch without parsing strings.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// 401: missing or rejected key.
    Unauthorized { detail: String },
    /// 403: the key lacks a scope, the project, or the endpoint refuses personal API keys.
    Forbidden { detail: String },
    /// 404: the person (or the endpoint) does not exist.
    NotFound { detail: String },
    /// 405.
    MethodNotAllowed { detail: String },
    /// 415.
    UnsupportedMediaType { detail: String },
    /// 400 with a field (`attr`) or a plain message.
    Validation { detail: String, attr: Option<String> },
    /// 429; `wait_secs` is what PostHog's `detail` promised.
    RateLimited { wait_secs: Option<u64>, detail: String },
    /// 5xx.
    Server { status: u16, detail: String },
    /// Any other non-success status.
    Status { status: u16, detail: String },
    /// The request took longer than the client timeout.
    Timeout,
    /// No TCP/TLS connection could be made.
    Connect { reason: String },
    /// A success status with a body that is not what PostHog sends.
    InvalidResponse { status: u16, reason: String },
    /// Refused before sending: a pagination URL on another host, an id that is not an id, …
    Refused { reason: String },
}

/// A failed API call: what was being done (`op`) and why (`kind`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub op: String,
    pub kind: ErrorKind,
    /// What this endpoint's failure means and what would work instead, when the endpoint knows
    /// better than the kind's generic sentence (a removed endpoint, a scoped key, a missing
    /// parameter). Replaces the kind's text in `Display`; `kind` stays for branching.
    pub explanation: Option<String>,
}

impl ApiError {
    pub fn new(op: impl Into<String>, kind: ErrorKind) -> Self {
        Self { op: op.into(), kind, explanation: None }
    }

    /// The same error, told with an endpoint-specific sentence (see `explanation`).
    pub fn explained(mut self, sentence: impl Into<String>) -> Self {
        self.explanation = Some(sentence.into());
        self
    }

    /// The server's `detail` text, when there is one.
    pub fn detail(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Unauthorized { detail }
            | ErrorKind::Forbidden { detail }
            | ErrorKind::NotFound { detail }
            | ErrorKind::MethodNotAllowed { detail }
            | ErrorKind::UnsupportedMediaType { detail }
            | ErrorKind::Validation { detail, .. }
            | ErrorKind::RateLimited { detail, .. }
            | ErrorKind::Server { detail, .. }
            | ErrorKind::Status { detail, .. } => Some(detail),
            ErrorKind::Timeout
            | ErrorKind::Connect { .. }
            | ErrorKind::InvalidResponse { .. }
            | ErrorKind::Refused { .. } => None,
        }
    }

    /// 403 "This action does not support Personal API Key access": a legacy endpoint (funnel,
    /// lifecycle, properties_timeline, …) refusing a scoped personal API key.
    pub fn is_scoped_key_refusal(&self) -> bool {
        matches!(&self.kind, ErrorKind::Forbidden { detail }
            if detail.to_ascii_lowercase().contains("does not support personal api key"))
    }

    /// 404 "Endpoint not found.": this PostHog has no such route (removed or not yet added).
    pub fn is_endpoint_missing(&self) -> bool {
        matches!(&self.kind, ErrorKind::NotFound { detail } if detail.trim() == "Endpoint not found.")
    }

    /// HTTP status when the server answered.
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            ErrorKind::Unauthorized { .. } => Some(401),
            ErrorKind::Forbidden { .. } => Some(403),
            ErrorKind::NotFound { .. } => Some(404),
            ErrorKind::MethodNotAllowed { .. } => Some(405),
            ErrorKind::UnsupportedMediaType { .. } => Some(415),
            ErrorKind::Validation { .. } => Some(400),
            ErrorKind::RateLimited { .. } => Some(429),
            ErrorKind::Server { status, .. }
            | ErrorKind::Status { status, .. }
            | ErrorKind::InvalidResponse { status, .. } => Some(*status),
            ErrorKind::Timeout | ErrorKind::Connect { .. } | ErrorKind::Refused { .. } => None,
        }
    }

    /// Whether trying the same call again later could succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::RateLimited { .. }
                | ErrorKind::Server { .. }
                | ErrorKind::Timeout
                | ErrorKind::Connect { .. }
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.explanation {
            Some(sentence) => write!(f, "{} failed: {sentence}", self.op),
            None => write!(f, "{} failed: {}", self.op, self.kind),
        }
    }
}

impl std::error::Error for ApiError {}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Unauthorized { detail } => write!(
                f,
                "PostHog rejected the API key (401: {}); check POSTHOG_PERSONAL_API_KEY or --api-key",
                trim_dot(detail)
            ),
            ErrorKind::Forbidden { detail } => {
                write!(f, "PostHog refused access (403: {})", trim_dot(detail))?;
                if detail.contains("does not support Personal API Key") {
                    write!(f, "; this legacy endpoint only works with an unscoped key or a browser session")
                } else if detail.contains("missing required scope") {
                    write!(f, "; create a key with that scope in PostHog's settings")
                } else {
                    write!(f, "; check the key's scopes and the project id (POSTHOG_PROJECT_ID)")
                }
            }
            ErrorKind::NotFound { detail } => {
                if detail == "Endpoint not found." {
                    write!(
                        f,
                        "this PostHog does not have that endpoint (404 Endpoint not found); it may be older or newer than hogdex expects"
                    )
                } else if detail == "Project not found." {
                    write!(f, "no such project (404); check POSTHOG_PROJECT_ID")
                } else {
                    write!(
                        f,
                        "not found (404: {}); the person may have been deleted or merged",
                        trim_dot(detail)
                    )
                }
            }
            ErrorKind::MethodNotAllowed { detail } => write!(f, "not allowed (405: {detail})"),
            ErrorKind::UnsupportedMediaType { detail } => {
                write!(f, "PostHog did not accept the request body (415: {detail})")
            }
            ErrorKind::Validation { detail, attr } => match attr {
                Some(attr) => write!(f, "PostHog rejected `{attr}` (400: {})", trim_dot(detail)),
                None => write!(f, "PostHog rejected the request (400: {})", trim_dot(detail)),
            },
            ErrorKind::RateLimited { wait_secs, .. } => match wait_secs {
                Some(s) => write!(f, "rate limited by PostHog (429); try again in {s} s"),
                None => write!(f, "rate limited by PostHog (429); try again shortly"),
            },
            ErrorKind::Server { status, detail } => write!(
                f,
                "PostHog had a server error ({status}: {}); try again, and check status.posthog.com if it persists",
                trim_dot(detail)
            ),
            ErrorKind::Status { status, detail } => {
                write!(f, "PostHog answered {status}: {}", trim_dot(detail))
            }
            ErrorKind::Timeout => write!(
                f,
                "PostHog did not answer in time (timeout); check the host and your network, then retry"
            ),
            ErrorKind::Connect { reason } => {
                write!(f, "could not connect to PostHog ({reason}); check POSTHOG_HOST and your network")
            }
            ErrorKind::InvalidResponse { status, reason } => write!(
                f,
                "PostHog's answer ({status}) was not understood: {reason}; is POSTHOG_HOST a PostHog instance?"
            ),
            ErrorKind::Refused { reason } => write!(f, "{reason}"),
        }
    }
}

fn trim_dot(s: &str) -> &str {
    s.trim().trim_end_matches('.')
}
