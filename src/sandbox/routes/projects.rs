//! `GET /api/projects/`, `/api/projects/@current/` and `/api/projects/1/`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::collection::drf_page;
use super::error::{ApiError, Reply};
use super::request::Req;
use crate::sandbox::DEMO_PROJECT_ID;

const PROJECT_UUID: &str = "0192f7a0-6d1e-7c3b-9a41-4f3f5e9b2c10";
const ORGANIZATION_UUID: &str = "0192f7a0-6d1e-7c3b-9a41-4f3f5e9b2c00";
const API_TOKEN: &str = "phc_hogdex_sandbox_project_token";
const NAME: &str = "Hogdex Demo";

/// `ProjectBackwardCompatBasicSerializer`.
fn basic() -> Value {
    json!({
        "id": DEMO_PROJECT_ID,
        "uuid": PROJECT_UUID,
        "organization": ORGANIZATION_UUID,
        "api_token": API_TOKEN,
        "name": NAME,
        "completed_snippet_onboarding": true,
        "has_completed_onboarding_for": {"product_analytics": true},
        "ingested_event": true,
        "is_demo": true,
        "timezone": "UTC",
        "access_control": false,
    })
}

/// `ProjectBackwardCompatSerializer` (the fields a persons client uses, and their peers).
fn full() -> Value {
    let mut out = json!({
        "id": DEMO_PROJECT_ID,
        "organization": ORGANIZATION_UUID,
        "name": NAME,
        "product_description": null,
        "created_at": "2024-11-27T00:00:00Z",
        "effective_membership_level": 8,
        "has_group_types": false,
        "group_types": [],
        "live_events_token": null,
        "updated_at": "2026-11-27T00:00:00Z",
        "uuid": PROJECT_UUID,
        "api_token": API_TOKEN,
        "app_urls": ["https://hogdex-demo.example"],
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

pub fn list(req: &Req) -> Reply {
    Reply::Json(StatusCode::OK, drf_page(req, vec![basic()], 1, 100, 0))
}

pub fn detail(id: &str) -> Result<Reply, ApiError> {
    if id == "@current" || id.parse::<i64>() == Ok(DEMO_PROJECT_ID) {
        Ok(Reply::Json(StatusCode::OK, full()))
    } else {
        Err(ApiError::not_found())
    }
}
