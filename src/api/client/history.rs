//! History and insight reads: the properties timeline (with its events fallback for scoped
//! keys), a person's events through the query API, and the legacy actor endpoints (funnel,
//! funnel correlation, lifecycle). Failures specific to these endpoints (a scoped key's 403, a
//! removed endpoint's 404, lifecycle's hand-built 400s) are told as one sentence saying why
//! and what would work instead.
use super::{Client, describe_bad_body, invalid, refused};
use crate::api::error::{ApiError, ErrorKind};
use crate::api::events::{
    EventsPage, EventsQuery, PERSON_UPDATES_WHERE, QueryAnswer, QueryProblem, parse_query_answer,
};
use crate::api::ids::PersonId;
use crate::api::insights::{ActorsPage, CorrelationParams, FunnelParams, LifecycleParams, parse_actors};
use crate::api::pacer::RateClass;
use crate::api::timeline::{
    DateWindow, PropertiesTimeline, TIMELINE_MAX_EVENTS, TimelineParams, TimelineResult, TimelineSource,
    format_timestamp, timeline_from_events,
};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;
use url::Url;

/// Events per query page when the timeline is built from events.
const TIMELINE_PAGE: u32 = 1000;

/// Which legacy endpoint answered, for the explanation of its failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Legacy {
    Funnel,
    Correlation,
    Lifecycle,
    Timeline,
    Other,
}

impl Client {
    /// `GET /persons/{id}/properties_timeline/`. Scoped personal API keys get a 403 here; use
    /// [`Client::timeline`] to fall back to the person's events.
    pub async fn properties_timeline(
        &self,
        id: PersonId,
        params: &TimelineParams,
    ) -> Result<PropertiesTimeline, ApiError> {
        let mut url = self.person_url(id, "properties_timeline/");
        add_pairs(&mut url, params.query_pairs());
        let op = format!("Loading the properties timeline of person {id}");
        self.get_json(&op, url).await.map_err(|e| explain(e, Legacy::Timeline))
    }

    /// The person's properties timeline: from `properties_timeline`, or, when that endpoint
    /// refuses the key (403 for every scoped key) or does not exist (404), built from the
    /// person's events carrying `$set` / `$set_once` / `$unset` (see
    /// [`crate::api::timeline_from_events`]). `source` says which.
    pub async fn timeline(&self, id: PersonId, params: &TimelineParams) -> Result<TimelineResult, ApiError> {
        match self.properties_timeline(id, params).await {
            Ok(timeline) => Ok(TimelineResult {
                source: TimelineSource::Endpoint,
                timeline,
                truncated: false,
                fallback_reason: None,
            }),
            Err(e) if e.is_scoped_key_refusal() || e.is_endpoint_missing() => {
                let (timeline, truncated) = self.timeline_from_person_events(id, params, &e).await?;
                Ok(TimelineResult {
                    source: TimelineSource::Events,
                    timeline,
                    truncated,
                    fallback_reason: Some(e),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Reads the person's property-update events oldest first (from the beginning, so the
    /// snapshot is whole when the window starts; at most [`TIMELINE_MAX_EVENTS`]) and builds the
    /// timeline from them. The flag says the bound was hit.
    async fn timeline_from_person_events(
        &self,
        id: PersonId,
        params: &TimelineParams,
        why: &ApiError,
    ) -> Result<(PropertiesTimeline, bool), ApiError> {
        let reason = if why.is_endpoint_missing() {
            "this PostHog has no properties_timeline endpoint"
        } else {
            "properties_timeline refuses this key"
        };
        let op = format!("Building the timeline of person {id} from its events ({reason})");
        let window =
            DateWindow::resolve(params.date_from.as_deref(), params.date_to.as_deref(), chrono::Utc::now())
                .map_err(|r| refused(&op, &r))?;
        let mut query = EventsQuery {
            person_id: Some(id),
            after: Some("all".into()),
            before: Some(format_timestamp(window.to)),
            where_: vec![PERSON_UPDATES_WHERE.into()],
            order_asc: true,
            limit: Some(TIMELINE_PAGE),
            ..Default::default()
        };
        let mut events = Vec::new();
        let truncated = loop {
            let page = self.events_query(&query).await.map_err(|mut e| {
                e.op = op.clone();
                e
            })?;
            let got = page.events.len();
            events.extend(page.events);
            if events.len() >= TIMELINE_MAX_EVENTS {
                let cut = page.has_more || events.len() > TIMELINE_MAX_EVENTS;
                events.truncate(TIMELINE_MAX_EVENTS);
                break cut;
            }
            if !page.has_more || got == 0 {
                break false;
            }
            query.offset = Some(events.len() as u64);
        };
        Ok((timeline_from_events(&events, params, &window), truncated))
    }

    /// `POST /query/` with an `EventsQuery` (see [`EventsQuery::body`]). A 202 (the query still
    /// runs asynchronously) is followed by polling `GET /query/{id}/` a bounded number of times.
    pub async fn events_query(&self, query: &EventsQuery) -> Result<EventsPage, ApiError> {
        let op = match query.person_id {
            Some(id) => format!("Loading events of person {id}"),
            None => "Querying events".to_string(),
        };
        let url = self.project_url("query/");
        let (status, body) =
            self.request(&op, RateClass::Read, Method::POST, url, Some(query.body())).await?;
        let mut answer = read_query_answer(&op, status, &body)?;
        let started = tokio::time::Instant::now();
        let mut polls: u32 = 0;
        loop {
            let id = match answer {
                QueryAnswer::Done(page) => return Ok(page),
                QueryAnswer::Running { id } => id,
            };
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(invalid(
                    &op,
                    status.as_u16(),
                    "a running query came back without a usable id".into(),
                ));
            }
            let delay = Duration::from_millis(250 * u64::from(polls.min(3) + 1));
            if started.elapsed() + delay > self.opts.query_wait {
                let waited = started.elapsed().as_secs();
                return Err(ApiError::new(&op, ErrorKind::Timeout).explained(format!(
                    "PostHog is still running the events query after {waited} s (202, query {id}); try again in a moment or narrow the date range"
                )));
            }
            tokio::time::sleep(delay).await;
            polls += 1;
            let url = self.project_url(&format!("query/{id}/"));
            let (status, body) = self.request(&op, RateClass::Read, Method::GET, url, None).await?;
            answer = read_query_answer(&op, status, &body)?;
        }
    }

    /// `GET /persons/funnel/`: persons who reached `step`, or dropped off before it (`step < 0`).
    pub async fn persons_funnel(&self, params: &FunnelParams) -> Result<ActorsPage, ApiError> {
        let mut url = self.persons_url("funnel/");
        add_pairs(&mut url, params.query_pairs());
        self.get_actors("Listing funnel persons", url, Legacy::Funnel).await
    }

    /// `GET /persons/funnel/correlation/` (older PostHog only; newer builds answer 404, which
    /// comes back as an error explaining that and what to use instead).
    pub async fn persons_funnel_correlation(
        &self,
        params: &CorrelationParams,
    ) -> Result<ActorsPage, ApiError> {
        let mut url = self.persons_url("funnel/correlation/");
        add_pairs(&mut url, params.query_pairs());
        self.get_actors("Listing funnel correlation persons", url, Legacy::Correlation).await
    }

    /// `GET /persons/lifecycle/`.
    pub async fn persons_lifecycle(&self, params: &LifecycleParams) -> Result<ActorsPage, ApiError> {
        let mut url = self.persons_url("lifecycle/");
        add_pairs(&mut url, params.query_pairs());
        self.get_actors("Listing lifecycle persons", url, Legacy::Lifecycle).await
    }

    /// Follows the `next` link of an actor page (absolute, or a relative path without a leading
    /// slash; same host only).
    pub async fn actors_next(&self, next: &str) -> Result<ActorsPage, ApiError> {
        let op = "Loading the next page of persons";
        let url = self.follow_link(op, next)?;
        let path = url.path();
        let which = if path.contains("/funnel/correlation") {
            Legacy::Correlation
        } else if path.contains("/funnel") {
            Legacy::Funnel
        } else if path.contains("/lifecycle") {
            Legacy::Lifecycle
        } else {
            Legacy::Other
        };
        self.get_actors(op, url, which).await
    }

    async fn get_actors(&self, op: &str, url: Url, which: Legacy) -> Result<ActorsPage, ApiError> {
        let (status, body) =
            self.request(op, RateClass::Read, Method::GET, url, None).await.map_err(|e| explain(e, which))?;
        let value: Value = serde_json::from_slice(&body)
            .map_err(|e| invalid(op, status.as_u16(), describe_bad_body(&body, &e)))?;
        parse_actors(&value).map_err(|r| invalid(op, status.as_u16(), r))
    }

    fn project_url(&self, tail: &str) -> Url {
        self.api_url(&format!("projects/{}/{tail}", self.project.path_segment()))
    }
}

fn add_pairs(url: &mut Url, pairs: Vec<(&'static str, String)>) {
    if !pairs.is_empty() {
        url.query_pairs_mut().extend_pairs(pairs);
    }
}

fn read_query_answer(op: &str, status: StatusCode, body: &[u8]) -> Result<QueryAnswer, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| invalid(op, status.as_u16(), describe_bad_body(body, &e)))?;
    parse_query_answer(&value).map_err(|p| match p {
        QueryProblem::Shape(reason) => invalid(op, status.as_u16(), reason),
        QueryProblem::Failed(message) => {
            ApiError::new(op, ErrorKind::Validation { detail: message.clone(), attr: None }).explained(
                format!("PostHog could not run the events query ({message}); try a narrower query"),
            )
        }
    })
}

/// Tells a legacy endpoint's known failures as one sentence: why, and what works instead.
fn explain(e: ApiError, which: Legacy) -> ApiError {
    let detail = e.detail().unwrap_or_default().trim().trim_end_matches('.').to_string();
    let query_api = match which {
        Legacy::Funnel => {
            "PostHog's query API (FunnelsActorsQuery) or the funnel insight in PostHog's web app"
        }
        Legacy::Correlation => {
            "PostHog's query API (FunnelCorrelationActorsQuery) or the funnel insight's correlation table in PostHog's web app"
        }
        Legacy::Lifecycle => {
            "PostHog's query API (InsightActorsQuery over a LifecycleQuery) or the lifecycle insight in PostHog's web app"
        }
        Legacy::Timeline => "the timeline built from the person's events (which hogdex uses by itself)",
        Legacy::Other => "PostHog's query API or the insight in PostHog's web app",
    };
    if e.is_scoped_key_refusal() {
        let sentence = format!(
            "PostHog refuses scoped personal API keys on this legacy endpoint (403: {detail}); use a personal API key created without scopes, or {query_api}"
        );
        return e.explained(sentence);
    }
    if e.status() == Some(403) && detail.contains("Legacy insight endpoints are not available") {
        return e.explained(format!(
            "PostHog has switched the legacy insight endpoints off for this account (403: {detail}); use {query_api}"
        ));
    }
    if e.is_endpoint_missing() {
        let sentence = match which {
            Legacy::Correlation => format!(
                "this PostHog no longer serves funnel correlation persons (404 Endpoint not found: newer PostHog removed /persons/funnel/correlation/); list the funnel's converted or dropped-off persons instead, or use {query_api}"
            ),
            Legacy::Timeline => format!(
                "this PostHog has no properties_timeline endpoint (404 Endpoint not found); use {query_api}"
            ),
            _ => format!(
                "this PostHog does not serve these insight persons (404 Endpoint not found: newer PostHog is retiring the legacy insight endpoints); use {query_api}"
            ),
        };
        return e.explained(sentence);
    }
    if which == Legacy::Lifecycle && e.status() == Some(400) {
        if detail.contains("Must include specified date") {
            return e.explained(format!(
                "PostHog needs the lifecycle's target date (400: {detail}); give the day of the bar to list, such as 2026-11-20"
            ));
        }
        if detail.contains("Must include lifecycle type") {
            return e.explained(format!(
                "PostHog needs the lifecycle type (400: {detail}); give new, returning, resurrecting or dormant"
            ));
        }
        if detail.contains("Could not retrieve team") || detail.contains("Could not validate team") {
            return e.explained(format!(
                "PostHog could not tell which project to use (400: {detail}); set POSTHOG_PROJECT_ID to the project's numeric id"
            ));
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ErrorKind) -> ApiError {
        ApiError::new("Listing lifecycle persons", kind)
    }

    #[test]
    fn legacy_failures_read_as_one_sentence() {
        let scoped = explain(
            err(ErrorKind::Forbidden {
                detail: "This action does not support Personal API Key access".into(),
            }),
            Legacy::Lifecycle,
        );
        let text = scoped.to_string();
        assert!(
            text.starts_with("Listing lifecycle persons failed: PostHog refuses scoped personal API keys")
        );
        assert!(text.contains("without scopes") && text.contains("LifecycleQuery"), "{text}");
        assert_eq!(scoped.status(), Some(403), "the kind stays for branching");

        let removed = explain(
            ApiError::new(
                "Listing funnel correlation persons",
                ErrorKind::NotFound { detail: "Endpoint not found.".into() },
            ),
            Legacy::Correlation,
        );
        let text = removed.to_string();
        assert!(text.contains("no longer serves funnel correlation persons"), "{text}");
        assert!(text.contains("converted or dropped-off persons"), "{text}");

        let date = explain(
            err(ErrorKind::Validation {
                detail: "Missing parameter: Must include specified date".into(),
                attr: None,
            }),
            Legacy::Lifecycle,
        );
        assert!(date.to_string().contains("needs the lifecycle's target date"));
        let kind = explain(
            err(ErrorKind::Validation {
                detail: "Missing parameter: Must include lifecycle type".into(),
                attr: None,
            }),
            Legacy::Lifecycle,
        );
        assert!(kind.to_string().contains("new, returning, resurrecting or dormant"));
        // Anything else keeps the generic sentence.
        let other = explain(err(ErrorKind::Timeout), Legacy::Lifecycle);
        assert_eq!(other.explanation, None);
        for e in [scoped, removed, date, kind] {
            let text = e.to_string();
            assert_eq!(text.matches(". ").count(), 0, "one sentence: {text}");
            assert!(!text.contains('\n'));
        }
    }
}
