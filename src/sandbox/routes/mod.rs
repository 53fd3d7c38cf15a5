//! HTTP layer of the sandbox: one axum fallback handler that resolves PostHog's URL
//! patterns itself (optional trailing slash, `@current`, `.csv` suffix, Django-style 404s)
//! and runs DRF's order: route → authentication → project/permissions → throttle → method
//! → handler. Only `crate::sandbox` imports this.

mod auth;
mod collection;
mod csv;
mod error;
mod faults;
mod insights;
mod legacy_filter;
mod organizations;
mod person;
mod person_actions;
mod persons_list;
mod projects;
mod query;
mod request;
mod shapes;
mod timeline;
mod urls;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use self::error::{ApiError, Reply};
pub use self::faults::Faults;
use self::request::Req;
use crate::sandbox::DEMO_PROJECT_ID;
use crate::sandbox::store::Store;
use crate::sandbox::tenants::ProjectMeta;

/// One served project and its own store (a write in one never shows in another).
pub struct ProjectState {
    pub meta: ProjectMeta,
    pub store: Mutex<Store>,
}

impl ProjectState {
    pub fn new(meta: ProjectMeta, store: Store) -> Self {
        ProjectState { meta, store: Mutex::new(store) }
    }
}

pub struct AppState {
    /// Project 1 (`@current`, the legacy `/api/person/` team) first.
    pub projects: Vec<ProjectState>,
    pub key: String,
    /// A key with scopes, limited to project 1 (`scoped_teams=[1]`).
    pub scoped_key: bool,
    /// Whether `persons/funnel/correlation/` exists (older EE builds) or answers 404 like the
    /// newest PostHog.
    pub correlation: bool,
    pub latency: Duration,
    pub faults: Faults,
    /// Used for `next` links when a request has no Host header.
    pub fallback_host: String,
    /// Every request received, oldest first (see [`RequestLog`]).
    pub requests: RequestLog,
}

/// One request as the sandbox received it (tests assert the exact requests hogdex sends).
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The body parsed as JSON; a body that is not JSON is kept as a (lossy UTF-8) string; `None`
    /// when empty.
    pub body: Option<serde_json::Value>,
}

/// The request log. It keeps the newest `REQUEST_LOG_CAP` requests, so a long-running demo or a
/// benchmark cannot grow it without bound.
#[derive(Default)]
pub struct RequestLog(Mutex<VecDeque<RecordedRequest>>);

pub const REQUEST_LOG_CAP: usize = 100_000;

impl RequestLog {
    fn record(&self, method: &Method, uri: &Uri, body: &[u8]) {
        let body = (!body.is_empty()).then(|| {
            serde_json::from_slice(body)
                .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(body).into_owned()))
        });
        let entry = RecordedRequest {
            method: method.as_str().to_owned(),
            path: uri.path().to_owned(),
            query: uri.query().map(str::to_owned),
            body,
        };
        let mut log = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if log.len() >= REQUEST_LOG_CAP {
            log.pop_front();
        }
        log.push_back(entry);
    }

    pub fn all(&self) -> Vec<RecordedRequest> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().cloned().collect()
    }

    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

impl AppState {
    pub fn project(&self, id: i64) -> Option<&ProjectState> {
        self.projects.iter().find(|p| p.meta.id == id)
    }

    /// The projects the key may see: all of them, or project 1 for the scoped key.
    fn visible_projects(&self) -> Vec<&ProjectMeta> {
        self.projects
            .iter()
            .map(|p| &p.meta)
            .filter(|p| !self.scoped_key || p.id == DEMO_PROJECT_ID)
            .collect()
    }

    fn all_projects(&self) -> Vec<ProjectMeta> {
        self.projects.iter().map(|p| p.meta.clone()).collect()
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

#[derive(Debug, PartialEq)]
enum Collection {
    Activity,
    BulkDelete,
    Cohorts,
    ResetDistinctId,
    DeletionStatus,
}

#[derive(Debug, PartialEq)]
enum DetailAction {
    Activity,
    DeleteEvents,
    DeleteRecordings,
    DeleteProperty,
    UpdateProperty,
    Split,
}

#[derive(Debug, PartialEq)]
enum Route {
    ProjectsList,
    ProjectDetail(String),
    OrganizationsList,
    OrganizationDetail(String),
    /// `POST /api/projects/{id}/query/`.
    Query {
        project: String,
    },
    /// `project` is `None` for the legacy `/api/person/` route (the current team).
    Persons {
        project: Option<String>,
        target: Target,
    },
}

#[derive(Debug, PartialEq)]
enum Target {
    List {
        csv_suffix: bool,
    },
    Detail(String),
    DetailAction(String, DetailAction),
    Collection(Collection),
    /// The legacy actor endpoints (no declared scope: 403 for scoped keys).
    Funnel,
    FunnelCorrelation,
    Trends,
    Lifecycle,
    PropertiesTimeline(String),
}

impl Target {
    fn is_legacy_actor(&self) -> bool {
        matches!(
            self,
            Target::Funnel
                | Target::FunnelCorrelation
                | Target::Trends
                | Target::Lifecycle
                | Target::PropertiesTimeline(_)
        )
    }
}

/// `persons`, `persons.csv`, `persons.json` (DRF format suffixes on the list route).
fn persons_segment(seg: &str, name: &str) -> Option<Option<bool>> {
    if seg == name {
        return Some(None);
    }
    match seg.strip_prefix(name)?.strip_prefix('.')? {
        "csv" => Some(Some(true)),
        "json" => Some(Some(false)),
        _ => None,
    }
}

/// A router pk: DRF's `[^/.]+`.
fn is_pk(seg: &str) -> bool {
    !seg.is_empty() && !seg.contains('.')
}

fn persons_target(rest: &[&str], suffix: Option<bool>) -> Option<Target> {
    if suffix.is_some() {
        return rest.is_empty().then_some(Target::List { csv_suffix: suffix == Some(true) });
    }
    Some(match rest {
        [] => Target::List { csv_suffix: false },
        ["activity"] => Target::Collection(Collection::Activity),
        ["bulk_delete"] => Target::Collection(Collection::BulkDelete),
        ["cohorts"] => Target::Collection(Collection::Cohorts),
        ["reset_person_distinct_id"] => Target::Collection(Collection::ResetDistinctId),
        ["deletion_status"] => Target::Collection(Collection::DeletionStatus),
        ["funnel"] => Target::Funnel,
        ["funnel", "correlation"] => Target::FunnelCorrelation,
        ["trends"] => Target::Trends,
        ["lifecycle"] => Target::Lifecycle,
        [id] if is_pk(id) => Target::Detail((*id).to_owned()),
        [id, action] if is_pk(id) => {
            let action = match *action {
                "activity" => DetailAction::Activity,
                "delete_events" => DetailAction::DeleteEvents,
                "delete_recordings" => DetailAction::DeleteRecordings,
                "delete_property" => DetailAction::DeleteProperty,
                "update_property" => DetailAction::UpdateProperty,
                "split" => DetailAction::Split,
                "properties_timeline" => return Some(Target::PropertiesTimeline((*id).to_owned())),
                _ => return None,
            };
            Target::DetailAction((*id).to_owned(), action)
        }
        _ => return None,
    })
}

/// Resolves a (percent-decoded) path; `None` is Django's "Endpoint not found.".
fn parse_route(path: &str) -> Option<Route> {
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    let segments: Vec<&str> = trimmed.strip_prefix('/')?.split('/').collect();
    match segments.as_slice() {
        ["api", "projects"] => Some(Route::ProjectsList),
        ["api", "projects", id] if is_pk(id) => Some(Route::ProjectDetail((*id).to_owned())),
        ["api", "organizations"] => Some(Route::OrganizationsList),
        ["api", "organizations", id] if is_pk(id) => Some(Route::OrganizationDetail((*id).to_owned())),
        ["api", "projects" | "environments", project, "query"] if is_pk(project) => {
            Some(Route::Query { project: (*project).to_owned() })
        }
        ["api", "projects" | "environments", project, persons, rest @ ..] if is_pk(project) => {
            let suffix = persons_segment(persons, "persons")?;
            Some(Route::Persons {
                project: Some((*project).to_owned()),
                target: persons_target(rest, suffix)?,
            })
        }
        ["api", person, rest @ ..] => {
            let suffix = persons_segment(person, "person")?;
            Some(Route::Persons { project: None, target: persons_target(rest, suffix)? })
        }
        _ => None,
    }
}

/// The methods a route answers.
fn allowed(route: &Route) -> &'static [&'static str] {
    match route {
        Route::ProjectsList
        | Route::ProjectDetail(_)
        | Route::OrganizationsList
        | Route::OrganizationDetail(_) => &["GET"],
        Route::Query { .. } => &["POST"],
        Route::Persons { target, .. } => match target {
            Target::List { .. } => &["GET", "POST"],
            Target::Detail(_) => &["GET", "PUT", "PATCH", "DELETE"],
            Target::DetailAction(_, DetailAction::Activity) => &["GET"],
            Target::DetailAction(..) => &["POST"],
            Target::Collection(Collection::Activity | Collection::Cohorts)
            | Target::Collection(Collection::DeletionStatus) => &["GET"],
            Target::Collection(_) => &["POST"],
            Target::Funnel | Target::FunnelCorrelation => &["GET", "POST"],
            Target::Trends | Target::Lifecycle | Target::PropertiesTimeline(_) => &["GET"],
        },
    }
}

/// The project of a project-based URL: `@current` is project 1; an integer that is not a served
/// project is someone else's project (403 "You don't have access to the project."); a served
/// project outside the scoped key's project is 403 "API key does not have access to the
/// requested project: ID {id}."; anything else is 404 "Project not found.".
fn resolve_project<'a>(state: &'a AppState, project: &str) -> Result<&'a ProjectState, ApiError> {
    let id = if project == "@current" {
        DEMO_PROJECT_ID
    } else {
        project.parse::<i64>().map_err(|_| ApiError::project_not_found())?
    };
    let Some(found) = state.project(id) else {
        return Err(ApiError::permission_denied("You don't have access to the project."));
    };
    if state.scoped_key && id != DEMO_PROJECT_ID {
        return Err(ApiError::permission_denied(&format!(
            "API key does not have access to the requested project: ID {id}."
        )));
    }
    Ok(found)
}

async fn handle(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.requests.record(&method, &uri, &body);
    if !state.latency.is_zero() {
        tokio::time::sleep(state.latency).await;
    }
    if state.faults.should_fail() {
        return ApiError::server_error().into_response();
    }
    let path = percent_decode_str(uri.path()).decode_utf8_lossy();
    let Some(route) = parse_route(&path) else {
        return ApiError::endpoint_not_found().into_response();
    };
    // The newest PostHog has no `funnel/correlation` route: Django's catch-all answers.
    if !state.correlation && matches!(route, Route::Persons { target: Target::FunnelCorrelation, .. }) {
        return ApiError::endpoint_not_found().into_response();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map_or_else(|| state.fallback_host.clone(), str::to_owned);
    let req = Req::new(method, &uri, headers, host, &body);
    match serve(&state, &route, &req) {
        Ok(reply) => reply.into_response(),
        Err(error) => error.into_response(),
    }
}

fn serve(state: &AppState, route: &Route, req: &Req) -> Result<Reply, ApiError> {
    let key = auth::authenticate(req, &state.key)?;
    let project = match route {
        Route::Persons { project: Some(project), .. } | Route::Query { project } => {
            Some(resolve_project(state, project)?)
        }
        // The legacy `/api/person/` route: the user's current team.
        Route::Persons { project: None, .. } => state.projects.first(),
        _ => None,
    };
    // A key limited to projects cannot use organization-level endpoints
    // (`APIScopePermission.check_team_and_org_permissions`).
    let org_route = matches!(route, Route::OrganizationsList | Route::OrganizationDetail(_));
    if org_route && state.scoped_key {
        return Err(ApiError::permission_denied(
            "API keys with scoped projects are only supported on project-based endpoints.",
        ));
    }
    let legacy_actor = matches!(route, Route::Persons { target, .. } if target.is_legacy_actor());
    if legacy_actor && state.scoped_key {
        return Err(ApiError::permission_denied("This action does not support Personal API Key access"));
    }
    state.faults.throttle(&key)?;
    let method = if req.method == Method::HEAD { "GET" } else { req.method.as_str() };
    if !allowed(route).contains(&method) {
        return Err(ApiError::method_not_allowed(method));
    }
    check_format(route, req)?;
    let Some(project) = project else {
        return account_route(state, route, req);
    };
    let mut store = project.store.lock().map_err(|_| ApiError::server_error())?;
    store.apply_due(tokio::time::Instant::now());
    dispatch(&mut store, route, req, method)
}

/// The routes above projects: the project and organization lists and details.
fn account_route(state: &AppState, route: &Route, req: &Req) -> Result<Reply, ApiError> {
    match route {
        Route::ProjectsList => Ok(projects::list(req, &state.visible_projects())),
        Route::ProjectDetail(id) => projects::detail(&state.visible_projects(), id),
        Route::OrganizationsList => Ok(organizations::list(req, &state.all_projects())),
        Route::OrganizationDetail(id) => organizations::detail(&state.all_projects(), id),
        Route::Query { .. } | Route::Persons { .. } => Err(ApiError::server_error()),
    }
}

/// `?format=` must name a renderer (json, or csv on the persons viewset); DRF answers 404.
fn check_format(route: &Route, req: &Req) -> Result<(), ApiError> {
    match req.param("format") {
        None | Some("json") => Ok(()),
        Some("csv") if matches!(route, Route::Persons { .. }) => Ok(()),
        Some(_) => Err(ApiError::not_found()),
    }
}

fn wants_csv(req: &Req, csv_suffix: bool) -> bool {
    if csv_suffix || req.param("format") == Some("csv") {
        return true;
    }
    let accept = req.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    accept.contains("text/csv") && !accept.contains("application/json")
}

fn dispatch(store: &mut Store, route: &Route, req: &Req, method: &str) -> Result<Reply, ApiError> {
    let target = match route {
        Route::Query { .. } => return query::query(store, req),
        Route::Persons { target, .. } => target,
        Route::ProjectsList
        | Route::ProjectDetail(_)
        | Route::OrganizationsList
        | Route::OrganizationDetail(_) => return Err(ApiError::server_error()),
    };
    match target {
        Target::List { csv_suffix } => match method {
            "GET" => persons_list::list(store, req, wants_csv(req, *csv_suffix)),
            _ => Err(ApiError::method_not_allowed_with(
                "Creating persons via this API is not allowed. Please create persons by sending an $identify event. See https://posthog.com/docs/product-analytics/identify for details.",
            )),
        },
        Target::Detail(id) => match method {
            "GET" => person::retrieve(store, id),
            "DELETE" => person::destroy(store, req, id),
            _ => person::update(store, req, id),
        },
        Target::DetailAction(id, action) => match action {
            DetailAction::Activity => person_actions::activity(store, req, id),
            DetailAction::DeleteEvents => person_actions::delete_events(store, id),
            DetailAction::DeleteRecordings => person_actions::delete_recordings(store, id),
            DetailAction::DeleteProperty => person_actions::delete_property(store, req, id),
            DetailAction::UpdateProperty => person_actions::update_property(store, req, id),
            DetailAction::Split => person_actions::split(store, req, id),
        },
        Target::Collection(action) => match action {
            Collection::Activity => collection::all_activity(store, req),
            Collection::BulkDelete => collection::bulk_delete(store, req),
            Collection::Cohorts => collection::cohorts(store, req),
            Collection::ResetDistinctId => collection::reset_distinct_id(store, req),
            Collection::DeletionStatus => collection::deletion_status(store, req),
        },
        Target::Funnel => insights::funnel(store, req),
        Target::FunnelCorrelation => insights::funnel_correlation(store, req),
        Target::Trends => insights::trends(store, req),
        Target::Lifecycle => insights::lifecycle(store, req),
        Target::PropertiesTimeline(id) => timeline::properties_timeline(store, req, id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_like_posthog() {
        assert_eq!(parse_route("/api/projects"), Some(Route::ProjectsList));
        assert_eq!(parse_route("/api/organizations/"), Some(Route::OrganizationsList));
        assert_eq!(
            parse_route("/api/organizations/@current"),
            Some(Route::OrganizationDetail("@current".into()))
        );
        assert_eq!(parse_route("/api/projects/@current/"), Some(Route::ProjectDetail("@current".into())));
        let list = |p: Option<&str>, csv| Route::Persons {
            project: p.map(str::to_owned),
            target: Target::List { csv_suffix: csv },
        };
        assert_eq!(parse_route("/api/projects/1/persons"), Some(list(Some("1"), false)));
        assert_eq!(parse_route("/api/projects/1/persons/"), Some(list(Some("1"), false)));
        assert_eq!(parse_route("/api/environments/1/persons/"), Some(list(Some("1"), false)));
        assert_eq!(parse_route("/api/person.csv"), Some(list(None, true)));
        assert_eq!(parse_route("/api/projects/1/persons.csv"), Some(list(Some("1"), true)));
        assert_eq!(parse_route("/api/projects/1/persons//"), None);
        assert_eq!(parse_route("/api/projects/1/persons/5/nope/"), None);
        assert_eq!(parse_route("/api/projects/1/persons/a.b/"), None);
        assert_eq!(parse_route("/api/nothing/"), None);
        assert_eq!(parse_route("/"), None);
        assert_eq!(
            parse_route("/api/person/5/split"),
            Some(Route::Persons {
                project: None,
                target: Target::DetailAction("5".into(), DetailAction::Split)
            })
        );
        assert_eq!(
            parse_route("/api/projects/1/persons/funnel/correlation/"),
            Some(Route::Persons { project: Some("1".into()), target: Target::FunnelCorrelation })
        );
        assert_eq!(
            parse_route("/api/projects/@current/query/"),
            Some(Route::Query { project: "@current".into() })
        );
        assert_eq!(parse_route("/api/environments/1/query"), Some(Route::Query { project: "1".into() }));
    }
}
