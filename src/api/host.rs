//! Where requests go and with which key: `us`/`eu`/URL resolution, the loopback-only rule for
//! plain http, and an `ApiKey` that cannot be printed by accident.
use std::fmt;
use std::net::IpAddr;
use url::Url;

/// A personal API key. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into().trim().to_string())
    }
    /// The raw key, for the Authorization header and redaction only.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// A validated API origin (scheme, host, port; no path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    origin: Url,
}

impl Host {
    /// The origin, e.g. `https://us.posthog.com`.
    pub fn url(&self) -> &Url {
        &self.origin
    }
    /// Printable origin without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.origin.as_str().trim_end_matches('/')
    }
    /// Whether `other` points at this same origin (scheme, host and port).
    pub fn same_origin(&self, other: &Url) -> bool {
        self.origin.scheme() == other.scheme()
            && self.origin.host_str() == other.host_str()
            && self.origin.port_or_known_default() == other.port_or_known_default()
    }
    /// Whether the host is on this machine (loopback).
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.origin)
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error("`{0}` is not a valid PostHog host; use `us`, `eu` or a URL like https://posthog.example.com")]
    Invalid(String),
    #[error(
        "refusing plain http:// for {0}: the API key would travel unencrypted; use https:// or pass --insecure"
    )]
    Insecure(String),
    #[error("{0} is PostHog's ingestion host; the persons API lives at {1}")]
    IngestionHost(String, String),
}

/// Turns `us`, `eu`, `us.posthog.com`, `https://posthog.example.com/` … into an origin.
/// Plain `http://` is accepted only for loopback hosts unless `insecure` is set.
pub fn resolve_host(input: &str, insecure: bool) -> Result<Host, HostError> {
    let trimmed = input.trim();
    let lowered = trimmed.to_ascii_lowercase();
    let expanded = match lowered.as_str() {
        "us" | "us-cloud" => "https://us.posthog.com".to_string(),
        "eu" | "eu-cloud" => "https://eu.posthog.com".to_string(),
        _ if trimmed.contains("://") => trimmed.to_string(),
        _ => format!("https://{trimmed}"),
    };
    let url = Url::parse(&expanded).map_err(|_| HostError::Invalid(trimmed.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(HostError::Invalid(trimmed.to_string()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(HostError::Invalid(trimmed.to_string()));
    }
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    for (ingest, api) in
        [("us.i.posthog.com", "https://us.posthog.com"), ("eu.i.posthog.com", "https://eu.posthog.com")]
    {
        if host == ingest {
            return Err(HostError::IngestionHost(ingest.into(), api.into()));
        }
    }
    if url.scheme() == "http" && !insecure && !is_loopback(&url) {
        return Err(HostError::Insecure(host));
    }
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    Ok(Host { origin })
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_shortcuts_and_urls() {
        assert_eq!(resolve_host("us", false).unwrap().as_str(), "https://us.posthog.com");
        assert_eq!(resolve_host("EU", false).unwrap().as_str(), "https://eu.posthog.com");
        assert_eq!(
            resolve_host("posthog.example.com/some/path?x=1", false).unwrap().as_str(),
            "https://posthog.example.com"
        );
        assert_eq!(
            resolve_host("https://ph.example.com:8443/", false).unwrap().as_str(),
            "https://ph.example.com:8443"
        );
    }

    #[test]
    fn plain_http_only_for_loopback_unless_insecure() {
        assert!(resolve_host("http://127.0.0.1:8010", false).is_ok());
        assert!(resolve_host("http://localhost:8000", false).is_ok());
        assert!(resolve_host("http://[::1]:8000", false).is_ok());
        assert_eq!(
            resolve_host("http://posthog.internal", false),
            Err(HostError::Insecure("posthog.internal".into()))
        );
        assert!(resolve_host("http://posthog.internal", true).is_ok());
    }

    #[test]
    fn rejects_garbage_credentials_and_ingestion_hosts() {
        assert!(matches!(resolve_host("ftp://x", false), Err(HostError::Invalid(_))));
        assert!(matches!(resolve_host("https://u:p@x.com", false), Err(HostError::Invalid(_))));
        assert!(matches!(resolve_host("", false), Err(HostError::Invalid(_))));
        assert!(matches!(resolve_host("https://us.i.posthog.com", false), Err(HostError::IngestionHost(..))));
    }

    #[test]
    fn key_is_never_printed() {
        let key = ApiKey::new("phx_secret_value");
        assert!(!format!("{key:?}").contains("secret"));
    }

    #[test]
    fn same_origin_compares_scheme_host_port() {
        let h = resolve_host("https://us.posthog.com", false).unwrap();
        assert!(h.same_origin(&Url::parse("https://us.posthog.com/api/x?offset=1").unwrap()));
        assert!(h.same_origin(&Url::parse("https://us.posthog.com:443/api").unwrap()));
        assert!(!h.same_origin(&Url::parse("https://evil.com/api").unwrap()));
        assert!(!h.same_origin(&Url::parse("http://us.posthog.com/api").unwrap()));
    }
}
