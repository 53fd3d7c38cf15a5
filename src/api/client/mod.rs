//! The typed PostHog Persons API client. One method per endpoint; every request is paced,
//! authenticated with a Bearer key, sent only to the configured origin, and every failure is
//! mapped to an `ApiError` sentence.
use super::error::{ApiError, ErrorKind};
use super::filter::PropertyFilter;
use super::host::{ApiKey, Host};
use super::ids::{PersonId, PersonRef, ProjectRef};
use super::models::*;
use super::pacer::{Pacer, RateClass};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

mod failures;
mod history;
mod projects;
mod writes;

pub use writes::BulkDeleteReport;

use failures::{describe_bad_body, error_kind, expect_success_flag, invalid, refused, transport_error};

/// PostHog refuses more than this many ids in one `bulk_delete` call.
pub const BULK_DELETE_BATCH: usize = 1000;

#[derive(Clone)]
pub struct ClientOptions {
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// How many times a GET is retried after 429, 502/503/504 or a connection failure.
    pub get_retries: u32,
    /// Longest 429 wait the client sits out by itself before reporting the error instead.
    pub max_rate_limit_wait: Duration,
    /// Shared pacing; one per key.
    pub pacer: Arc<Pacer>,
    /// How long a query-API query that is still running (202) is polled before giving up.
    pub query_wait: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            get_retries: 3,
            max_rate_limit_wait: Duration::from_secs(90),
            pacer: Arc::new(Pacer::posthog()),
            query_wait: Duration::from_secs(20),
        }
    }
}

/// Flags of `DELETE /persons/{id}/`, sent only when set (PostHog checks presence, not value).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    pub delete_events: bool,
    pub delete_recordings: bool,
    pub keep_person: bool,
}

impl DeleteOptions {
    /// The names of the flags that are set, as PostHog spells them.
    pub fn set_flags(&self) -> impl Iterator<Item = &'static str> {
        [
            (self.delete_events, "delete_events"),
            (self.delete_recordings, "delete_recordings"),
            (self.keep_person, "keep_person"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
    }
}

/// What `split` should do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitMode {
    /// Keep `main` (or PostHog's default, the first id) and move every other id to its own person.
    All { main: Option<String> },
    /// Move only these ids off the person.
    Extract(Vec<String>),
}

/// Which ids `bulk_delete` receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkTarget {
    /// Person UUIDs.
    Ids(Vec<uuid::Uuid>),
    DistinctIds(Vec<String>),
}

impl BulkTarget {
    pub fn len(&self) -> usize {
        match self {
            BulkTarget::Ids(v) => v.len(),
            BulkTarget::DistinctIds(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A client bound to one host, project and key.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    host: Host,
    project: ProjectRef,
    key: ApiKey,
    opts: ClientOptions,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("host", &self.host).field("project", &self.project).finish()
    }
}

impl Client {
    pub fn new(host: Host, project: ProjectRef, key: ApiKey, opts: ClientOptions) -> Result<Self, ApiError> {
        let allowed = host.url().host_str().unwrap_or_default().to_string();
        // Redirects are followed only on the same host, so the key never leaves it.
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 || attempt.url().host_str() != Some(allowed.as_str()) {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(opts.connect_timeout)
            .user_agent(concat!("hogdex/", env!("CARGO_PKG_VERSION")))
            .redirect(policy)
            .build()
            .map_err(|e| {
                ApiError::new("Starting the HTTP client", ErrorKind::Connect { reason: e.to_string() })
            })?;
        Ok(Self { http, host, project, key, opts })
    }

    pub fn host(&self) -> &Host {
        &self.host
    }
    pub fn project(&self) -> ProjectRef {
        self.project
    }
    /// The same client talking to another project (project picker).
    pub fn with_project(&self, project: ProjectRef) -> Self {
        Self { project, ..self.clone() }
    }

    // ---- persons: reads -------------------------------------------------------------------

    /// `GET /persons/` — one page.
    pub async fn list_persons(&self, params: &ListParams) -> Result<Page<PersonListItem>, ApiError> {
        let url = self.list_url(params, None);
        self.get_json("Listing persons", url).await
    }

    /// Follows a `next` link from a persons page (same host only).
    pub async fn list_persons_next(&self, next: &str) -> Result<Page<PersonListItem>, ApiError> {
        let op = "Loading the next page of persons";
        let url = self.follow_link(op, next)?;
        self.get_json(op, url).await
    }

    /// Walks `next` links until the list ends or `max` persons are collected. `on_page` hears the
    /// running count after each page.
    pub async fn list_all_persons(
        &self,
        params: &ListParams,
        max: Option<usize>,
        mut on_page: impl FnMut(usize, Option<u64>),
    ) -> Result<Vec<PersonListItem>, ApiError> {
        let mut page = self.list_persons(params).await?;
        let total = page.count;
        let mut out = Vec::new();
        loop {
            let got = page.results.len();
            out.extend(page.results);
            if let Some(max) = max
                && out.len() >= max
            {
                out.truncate(max);
                break;
            }
            on_page(out.len(), total);
            match page.next {
                Some(next) if got > 0 => page = self.list_persons_next(&next).await?,
                _ => break,
            }
        }
        Ok(out)
    }

    /// `GET /persons/?format=csv` — one page rendered by PostHog as CSV.
    pub async fn list_persons_csv(&self, params: &ListParams) -> Result<String, ApiError> {
        let url = self.list_url(params, Some("csv"));
        let op = "Exporting persons as CSV";
        let (_, body) = self.request(op, RateClass::Read, Method::GET, url, None).await?;
        String::from_utf8(body.to_vec()).map_err(|_| {
            ApiError::new(
                op,
                ErrorKind::InvalidResponse { status: 200, reason: "the CSV is not UTF-8".into() },
            )
        })
    }

    /// `GET /persons/{id}/` — the detail record (integer `id`).
    pub async fn get_person(&self, id: PersonId) -> Result<PersonRecord, ApiError> {
        let url = self.person_url(id, "");
        self.get_json(&format!("Loading person {id}"), url).await
    }

    /// `GET /persons/?distinct_id=` — the person owning a distinct id, if any.
    pub async fn find_by_distinct_id(&self, distinct_id: &str) -> Result<Option<PersonListItem>, ApiError> {
        let params =
            ListParams { distinct_id: Some(distinct_id.to_string()), limit: Some(1), ..Default::default() };
        let url = self.list_url(&params, None);
        let page: Page<PersonListItem> = self.get_json("Looking up a distinct id", url).await?;
        Ok(page.results.into_iter().next())
    }

    /// Turns a typed reference into a path-safe id, resolving distinct ids through the list.
    pub async fn resolve(&self, person: &PersonRef) -> Result<PersonId, ApiError> {
        match person {
            PersonRef::Id(id) => Ok(*id),
            PersonRef::DistinctId(d) => {
                let found = self.find_by_distinct_id(d).await?;
                let op = format!("Looking up distinct id {d:?}");
                let item = found.ok_or_else(|| {
                    ApiError::new(
                        op.clone(),
                        ErrorKind::NotFound { detail: "no person has this distinct id".into() },
                    )
                })?;
                PersonId::parse(item.uuid()).ok_or_else(|| {
                    ApiError::new(
                        op,
                        ErrorKind::InvalidResponse {
                            status: 200,
                            reason: "the person's id is not a UUID".into(),
                        },
                    )
                })
            }
        }
    }

    /// `GET /persons/{id}/activity/`.
    pub async fn person_activity(
        &self,
        id: PersonId,
        page: Option<u32>,
        limit: Option<u32>,
    ) -> Result<ActivityPage, ApiError> {
        let mut url = self.person_url(id, "activity/");
        paging(&mut url, page, limit);
        self.get_json(&format!("Loading activity of person {id}"), url).await
    }

    /// `GET /persons/activity/` — every person's activity, deleted persons included.
    pub async fn project_activity(
        &self,
        page: Option<u32>,
        limit: Option<u32>,
    ) -> Result<ActivityPage, ApiError> {
        let mut url = self.persons_url("activity/");
        paging(&mut url, page, limit);
        self.get_json("Loading the project's person activity", url).await
    }

    /// Follows an activity `next` link.
    pub async fn activity_next(&self, next: &str) -> Result<ActivityPage, ApiError> {
        let op = "Loading more activity";
        let url = self.follow_link(op, next)?;
        self.get_json(op, url).await
    }

    /// `GET /persons/cohorts/?person_id=`.
    pub async fn person_cohorts(&self, id: PersonId) -> Result<Vec<CohortRef>, ApiError> {
        let mut url = self.persons_url("cohorts/");
        url.query_pairs_mut().append_pair("person_id", &id.path_segment());
        let list: CohortList = self.get_json(&format!("Loading cohorts of person {id}"), url).await?;
        Ok(list.results)
    }

    /// `GET /persons/deletion_status/`.
    pub async fn deletion_status(
        &self,
        status: DeletionStatusFilter,
        person_uuid: Option<uuid::Uuid>,
        limit: Option<u32>,
        offset: Option<u64>,
    ) -> Result<Page<DeletionStatusEntry>, ApiError> {
        let mut url = self.persons_url("deletion_status/");
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("status", status.as_str());
            if let Some(u) = person_uuid {
                q.append_pair("person_uuid", &u.hyphenated().to_string());
            }
            if let Some(l) = limit {
                q.append_pair("limit", &l.to_string());
            }
            if let Some(o) = offset {
                q.append_pair("offset", &o.to_string());
            }
        }
        self.get_json("Loading deletion status", url).await
    }

    // ---- plumbing ------------------------------------------------------------------------

    fn api_url(&self, tail: &str) -> Url {
        let mut url = self.host.url().clone();
        url.set_path(&format!("/api/{tail}"));
        url
    }

    fn persons_url(&self, tail: &str) -> Url {
        self.api_url(&format!("projects/{}/persons/{tail}", self.project.path_segment()))
    }

    fn person_url(&self, id: PersonId, tail: &str) -> Url {
        self.persons_url(&format!("{}/{tail}", id.path_segment()))
    }

    fn list_url(&self, p: &ListParams, format: Option<&str>) -> Url {
        let mut url = self.persons_url("");
        {
            let mut q = url.query_pairs_mut();
            let mut add = |k: &str, v: &str| {
                q.append_pair(k, v);
            };
            if let Some(s) = p.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                add("search", s);
            }
            if let Some(d) = &p.distinct_id {
                add("distinct_id", d);
            }
            if let Some(e) = &p.email {
                add("email", e);
            }
            if !p.properties.is_empty() {
                add("properties", &filters_json(&p.properties));
            }
            if let Some(l) = p.limit {
                add("limit", &l.to_string());
            }
            if let Some(o) = p.offset.filter(|o| *o > 0) {
                add("offset", &o.to_string());
            }
            if p.include_total {
                add("include_total", "true");
            }
            if let Some(f) = format {
                add("format", f);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        url
    }

    /// Resolves a `next`/`previous` link. Only links to the configured host are followed, and the
    /// request always goes to the configured origin (scheme and port), so the key stays there.
    fn follow_link(&self, op: &str, link: &str) -> Result<Url, ApiError> {
        let base = self.host.url();
        let parsed = match Url::parse(link) {
            Ok(u) => u,
            // PostHog's legacy endpoints answer relative paths without a leading slash.
            Err(url::ParseError::RelativeUrlWithoutBase) => base
                .join(&format!("/{}", link.trim_start_matches('/')))
                .map_err(|_| refused(op, "the server sent a pagination link that is not a URL"))?,
            Err(_) => return Err(refused(op, "the server sent a pagination link that is not a URL")),
        };
        let same_host =
            parsed.host_str().zip(base.host_str()).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
        if !same_host {
            return Err(refused(
                op,
                &format!(
                    "refusing to follow a pagination link to another host ({}); the API key is only sent to {}",
                    parsed.host_str().unwrap_or("?"),
                    self.host
                ),
            ));
        }
        if !parsed.path().starts_with("/api/") {
            return Err(refused(op, "the server sent a pagination link outside /api/"));
        }
        let mut url = base.clone();
        url.set_path(parsed.path());
        url.set_query(parsed.query());
        Ok(url)
    }

    async fn get_json<T: DeserializeOwned>(&self, op: &str, url: Url) -> Result<T, ApiError> {
        let (status, body) = self.request(op, RateClass::Read, Method::GET, url, None).await?;
        serde_json::from_slice(&body).map_err(|e| invalid(op, status.as_u16(), describe_bad_body(&body, &e)))
    }

    /// Sends one request (retrying GETs on 429 / 502–504 / connection failures) and returns the
    /// success status and body, or the mapped error.
    async fn request(
        &self,
        op: &str,
        class: RateClass,
        method: Method,
        url: Url,
        body: Option<Value>,
    ) -> Result<(StatusCode, bytes::Bytes), ApiError> {
        let retries = if method == Method::GET { self.opts.get_retries } else { 0 };
        let mut attempt = 0;
        loop {
            self.opts.pacer.acquire(class).await;
            let err = match self.send_once(op, &method, &url, body.as_ref()).await {
                Ok(ok) => return Ok(ok),
                Err(e) => e,
            };
            if attempt >= retries {
                return Err(err);
            }
            attempt += 1;
            let wait = match &err.kind {
                ErrorKind::RateLimited { wait_secs, .. } => {
                    let w = Duration::from_secs(wait_secs.unwrap_or(5));
                    if w > self.opts.max_rate_limit_wait {
                        return Err(err);
                    }
                    w
                }
                ErrorKind::Server { status: 502..=504, .. } | ErrorKind::Connect { .. } => {
                    Duration::from_millis(250 * 2u64.pow(attempt))
                }
                _ => return Err(err),
            };
            tracing::info!(op, %method, path = url.path(), attempt, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn send_once(
        &self,
        op: &str,
        method: &Method,
        url: &Url,
        body: Option<&Value>,
    ) -> Result<(StatusCode, bytes::Bytes), ApiError> {
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", self.key.expose()))
            .map_err(|_| refused(op, "the API key contains characters that cannot be sent in a header"))?;
        auth.set_sensitive(true);
        let mut req = self.http.request(method.clone(), url.clone()).header(AUTHORIZATION, auth);
        if let Some(b) = body {
            req =
                req.header(CONTENT_TYPE, "application/json").body(serde_json::to_vec(b).unwrap_or_default());
        }
        // Logged: method, path and the query's length (the query may carry search text or
        // personal data), status and duration. Never headers, so never the key.
        fn kind_name(kind: &ErrorKind) -> &'static str {
            match kind {
                ErrorKind::Unauthorized { .. } => "unauthorized",
                ErrorKind::Forbidden { .. } => "forbidden",
                ErrorKind::NotFound { .. } => "not_found",
                ErrorKind::MethodNotAllowed { .. } => "method_not_allowed",
                ErrorKind::UnsupportedMediaType { .. } => "unsupported_media_type",
                ErrorKind::Validation { .. } => "validation",
                ErrorKind::RateLimited { .. } => "rate_limited",
                ErrorKind::Server { .. } => "server",
                ErrorKind::Status { .. } => "status",
                ErrorKind::Timeout => "timeout",
                ErrorKind::Connect { .. } => "connect",
                ErrorKind::InvalidResponse { .. } => "invalid_response",
                ErrorKind::Refused { .. } => "refused",
            }
        }
        let path = url.path();
        let query_len = url.query().map_or(0, str::len);
        let started = std::time::Instant::now();
        let ms = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let failed = |e: ApiError, status: Option<u16>| {
            tracing::warn!(op, %method, path, query_len, status, ms = ms(), error = kind_name(&e.kind), "request failed");
            e
        };
        let resp = req.send().await.map_err(|e| failed(transport_error(op, &e), None))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| failed(transport_error(op, &e), Some(status.as_u16())))?;
        if status.is_success() {
            tracing::info!(op, %method, path, query_len, status = status.as_u16(), ms = ms(), bytes = bytes.len(), "request");
            Ok((status, bytes))
        } else {
            let e = ApiError::new(op, error_kind(status.as_u16(), &bytes, &self.key));
            Err(failed(e, Some(status.as_u16())))
        }
    }
}

fn paging(url: &mut Url, page: Option<u32>, limit: Option<u32>) {
    let mut q = url.query_pairs_mut();
    if let Some(p) = page {
        q.append_pair("page", &p.to_string());
    }
    if let Some(l) = limit {
        q.append_pair("limit", &l.to_string());
    }
    drop(q);
    if url.query() == Some("") {
        url.set_query(None);
    }
}

fn filters_json(filters: &[PropertyFilter]) -> String {
    serde_json::to_string(filters).unwrap_or_else(|_| "[]".into())
}
