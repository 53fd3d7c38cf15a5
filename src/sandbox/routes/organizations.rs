//! `GET /api/organizations/`, `/api/organizations/@current/` and `/api/organizations/{id}/`
//! (`posthog/api/organization.py`, `OrganizationSerializer`). The user belongs to every
//! organization that owns a served project; the current one is "Hogdex Demo Org".

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::collection::{drf_limit_offset, drf_page};
use super::error::{ApiError, Reply};
use super::projects;
use super::request::Req;
use crate::sandbox::tenants::{DEMO_ORG, Organization, ProjectMeta, organizations};

const PAGE_SIZE: usize = 100;

/// `OrganizationSerializer`: `teams` and `projects` list the organization's served projects
/// (`TeamBasicSerializer` / `ProjectBasicSerializer`).
fn serialize(org: &Organization, all: &[ProjectMeta]) -> Value {
    let owned: Vec<&ProjectMeta> = all.iter().filter(|p| p.organization == *org).collect();
    let teams: Vec<Value> = owned
        .iter()
        .map(|p| {
            let mut team = projects::basic(p);
            if let Value::Object(map) = &mut team {
                map.insert("project_id".into(), Value::from(p.id));
            }
            team
        })
        .collect();
    let projects: Vec<Value> =
        owned.iter().map(|p| json!({"id": p.id, "organization_id": org.id, "name": p.name})).collect();
    let member_count = if *org == DEMO_ORG { crate::sandbox::demo::team_members().len() } else { 2 };
    json!({
        "id": org.id,
        "name": org.name,
        "slug": org.slug,
        "logo_media_id": null,
        "created_at": org.created_at,
        "updated_at": "2026-11-27T00:00:00Z",
        "membership_level": org.membership_level,
        "plugins_access_level": 3,
        "teams": teams,
        "projects": projects,
        "available_product_features": [],
        "is_member_join_email_enabled": true,
        "metadata": {"instance_tag": "none"},
        "customer_id": null,
        "enforce_2fa": null,
        "members_can_invite": true,
        "members_can_use_personal_api_keys": true,
        "allow_publicly_shared_resources": true,
        "member_count": member_count,
        "is_ai_data_processing_approved": null,
        "default_experiment_stats_method": "bayesian",
        "default_role_id": null,
    })
}

pub fn list(req: &Req, all: &[ProjectMeta]) -> Reply {
    let orgs = organizations(all);
    let (limit, offset) = drf_limit_offset(req, PAGE_SIZE);
    let results = orgs.iter().skip(offset).take(limit).map(|o| serialize(o, all)).collect();
    Reply::Json(StatusCode::OK, drf_page(req, results, orgs.len(), limit, offset))
}

/// `@current` is "Hogdex Demo Org"; another id must be one of the user's organizations
/// (`get_object_or_404`).
pub fn detail(all: &[ProjectMeta], id: &str) -> Result<Reply, ApiError> {
    let orgs = organizations(all);
    let found = if id == "@current" { orgs.first() } else { orgs.iter().find(|o| o.id == id) };
    match found {
        Some(org) => Ok(Reply::Json(StatusCode::OK, serialize(org, all))),
        None => Err(ApiError::not_found()),
    }
}
