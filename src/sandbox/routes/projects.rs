//! `GET /api/projects/`, `/api/projects/@current/` and `/api/projects/{id}/`: the projects the
//! key can see (all served projects, or only project 1 for the project-scoped key).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::collection::{drf_limit_offset, drf_page};
use super::error::{ApiError, Reply};
use super::request::Req;
use crate::sandbox::tenants::ProjectMeta;

/// DRF `LimitOffsetPagination` with PostHog's `PAGE_SIZE`.
const PAGE_SIZE: usize = 100;

fn app_url(project: &ProjectMeta) -> String {
    if project.id == 1 {
        "https://hogdex-demo.example".to_owned()
    } else {
        format!("https://hogdex-project-{}.example", project.id)
    }
}

/// `ProjectBackwardCompatBasicSerializer`.
pub fn basic(project: &ProjectMeta) -> Value {
    json!({
        "id": project.id,
        "uuid": project.uuid,
        "organization": project.organization.id,
        "api_token": project.api_token,
        "name": project.name,
        "completed_snippet_onboarding": true,
        "has_completed_onboarding_for": {"product_analytics": true},
        "ingested_event": true,
        "is_demo": true,
        "timezone": "UTC",
        "access_control": false,
    })
}

/// `ProjectBackwardCompatSerializer` (the fields a persons client uses, and their peers).
fn full(project: &ProjectMeta) -> Value {
    let mut out = json!({
        "id": project.id,
        "organization": project.organization.id,
        "name": project.name,
        "product_description": null,
        "created_at": "2024-11-27T00:00:00Z",
        "effective_membership_level": 8,
        "has_group_types": false,
        "group_types": [],
        "live_events_token": null,
        "updated_at": "2026-11-27T00:00:00Z",
        "uuid": project.uuid,
        "api_token": project.api_token,
        "app_urls": [app_url(project)],
        "slack_incoming_webhook": null,
    });
    let rest = json!({
        "anonymize_ips": false,
        "completed_snippet_onboarding": true,
        "ingested_event": true,
        "test_account_filters": [],
        "test_account_filters_default_checked": false,
        "path_cleaning_filters": [],
        "is_demo": true,
        "timezone": "UTC",
        "data_attributes": ["data-attr"],
        "person_display_name_properties": null,
        "correlation_config": {},
        "autocapture_opt_out": false,
        "autocapture_exceptions_opt_in": false,
        "session_recording_opt_in": false,
        "capture_console_log_opt_in": false,
        "capture_performance_opt_in": false,
        "week_start_day": null,
        "primary_dashboard": null,
        "live_events_columns": null,
        "recording_domains": null,
        "person_on_events_querying_enabled": true,
        "inject_web_apps": false,
        "extra_settings": null,
        "modifiers": null,
        "default_modifiers": {"personsOnEventsMode": "person_id_override_properties_on_events"},
        "has_completed_onboarding_for": {"product_analytics": true},
        "surveys_opt_in": false,
        "heatmaps_opt_in": false,
        "product_intents": [],
        "access_control": false,
    });
    if let (Value::Object(out), Value::Object(rest)) = (&mut out, rest) {
        out.extend(rest);
    }
    out
}

/// `visible` is what the key may see, project 1 first.
pub fn list(req: &Req, visible: &[&ProjectMeta]) -> Reply {
    let (limit, offset) = drf_limit_offset(req, PAGE_SIZE);
    let results = visible.iter().skip(offset).take(limit).map(|p| basic(p)).collect();
    Reply::Json(StatusCode::OK, drf_page(req, results, visible.len(), limit, offset))
}

/// `@current` is project 1; an id the key cannot see is DRF's 404 (the queryset only holds
/// the visible projects).
pub fn detail(visible: &[&ProjectMeta], id: &str) -> Result<Reply, ApiError> {
    let found = if id == "@current" {
        visible.iter().find(|p| p.id == crate::sandbox::DEMO_PROJECT_ID)
    } else {
        id.parse::<i64>().ok().and_then(|id| visible.iter().find(|p| p.id == id))
    };
    match found {
        Some(project) => Ok(Reply::Json(StatusCode::OK, full(project))),
        None => Err(ApiError::not_found()),
    }
}
