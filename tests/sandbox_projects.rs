//! A sandbox serving several projects (`--projects N` / `SandboxConfig::projects`), like a
//! PostHog organization with several projects: each project has its own persons, writes stay in
//! their project, `@current` is project 1, unknown projects answer like PostHog, organizations
//! are listed, the project-scoped key sees only project 1, and project 1 is byte-for-byte the
//! project of a one-project sandbox. Raw HTTP for the wire, plus client contract tests for
//! `list_organizations`.

mod common;

use std::time::Duration;

use clap::Parser;
use common::raw::Api;
use common::{ALICE, eventually, run_hogdex};
use hogdex::api::{ErrorKind, ListParams, ProjectRef};
use hogdex::sandbox::tenants::{DEMO_ORG, PARTNER_ORG};
use hogdex::sandbox::{FixturePerson, SandboxArgs, SandboxConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(10);

const FORBIDDEN_PROJECT: &str = r#"{"type":"authentication_error","code":"permission_denied","detail":"You don't have access to the project.","attr":null}"#;
const NOT_FOUND: &str = r#"{"type":"invalid_request","code":"not_found","detail":"Not found.","attr":null}"#;
const SCOPED_ORG_REFUSAL: &str = r#"{"type":"authentication_error","code":"permission_denied","detail":"API keys with scoped projects are only supported on project-based endpoints.","attr":null}"#;

fn config(persons: usize, projects: usize) -> SandboxConfig {
    SandboxConfig { port: 0, persons, projects, ingest_delay_ms: 30, ..Default::default() }
}

fn alice() -> FixturePerson {
    serde_json::from_value(json!({"uuid": ALICE, "distinct_ids": ["alice-1"],
        "created_at": "2026-11-20T10:00:00Z", "properties": {"email": "alice@fixture.test"}}))
    .unwrap()
}

fn persons_of(api: &Api, project: &str) -> String {
    format!("{}/api/projects/{project}/persons", api.base)
}

async fn page(api: &Api, url: &str) -> Vec<Value> {
    api.get_json(url).await["results"].as_array().expect("results").clone()
}

fn uuids(results: &[Value]) -> Vec<String> {
    results.iter().map(|p| p["uuid"].as_str().expect("uuid").to_owned()).collect()
}

fn ids(results: &[Value]) -> Vec<i64> {
    results.iter().map(|p| p["id"].as_i64().expect("id")).collect()
}

// ---------------------------------------------------------------------------------------
// projects

#[tokio::test]
async fn the_project_list_shows_every_project_with_its_name_and_organization() {
    let api = Api::start(config(40, 3)).await;
    let list = api.get_json(&format!("{}/api/projects/", api.base)).await;
    assert_eq!(list["count"], json!(3));
    assert_eq!(list["next"], Value::Null);
    let results = list["results"].as_array().unwrap();
    assert_eq!(ids(results), [1, 2, 3]);
    let names: Vec<&str> = results.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Hogdex Demo", "Hogdex Staging", "Hogdex Sandbox 3"]);
    let orgs: Vec<&str> = results.iter().map(|p| p["organization"].as_str().unwrap()).collect();
    assert_eq!(orgs, [DEMO_ORG.id, DEMO_ORG.id, PARTNER_ORG.id]);
    let tokens: std::collections::HashSet<&str> =
        results.iter().map(|p| p["api_token"].as_str().unwrap()).collect();
    assert_eq!(tokens.len(), 3, "each project has its own token");

    for (id, name, org) in [(2, "Hogdex Staging", DEMO_ORG.id), (3, "Hogdex Sandbox 3", PARTNER_ORG.id)] {
        let detail = api.get_json(&format!("{}/api/projects/{id}/", api.base)).await;
        assert_eq!(detail["id"], json!(id));
        assert_eq!(detail["name"], json!(name));
        assert_eq!(detail["organization"], json!(org));
        assert_eq!(detail["timezone"], json!("UTC"));
    }
    // DRF paging applies to the list.
    let one = api.get_json(&format!("{}/api/projects/?limit=1&offset=1", api.base)).await;
    assert_eq!(ids(one["results"].as_array().unwrap()), [2]);
    assert_eq!(one["count"], json!(3));
    assert!(one["next"].as_str().unwrap().contains("offset=2"));
}

#[tokio::test]
async fn current_is_project_one_everywhere() {
    let api = Api::start(config(40, 2)).await;
    let current = api.get_json(&format!("{}/api/projects/@current/", api.base)).await;
    assert_eq!(current["id"], json!(1));
    assert_eq!(current["name"], json!("Hogdex Demo"));
    let one = uuids(&page(&api, &format!("{}/", persons_of(&api, "1"))).await);
    let two = uuids(&page(&api, &format!("{}/", persons_of(&api, "2"))).await);
    assert_ne!(one, two);
    assert_eq!(uuids(&page(&api, &format!("{}/", persons_of(&api, "@current"))).await), one);
    assert_eq!(uuids(&page(&api, &format!("{}/api/person/", api.base)).await), one, "legacy route");
    assert_eq!(uuids(&page(&api, &format!("{}/api/environments/2/persons/", api.base)).await), two);
}

#[tokio::test]
async fn each_project_has_its_own_persons() {
    let cfg = SandboxConfig { fixtures_inline: vec![alice()], ..config(300, 3) };
    let api = Api::start(cfg).await;
    let total = |p: &'static str| {
        let url = format!("{}/?include_total", persons_of(&api, p));
        let api = &api;
        async move { api.get_json(&url).await["count"].as_u64().unwrap() }
    };
    assert_eq!(total("1").await, 301, "300 generated persons and the fixture");
    assert_eq!(total("2").await, 30, "a tenth of --persons");
    assert_eq!(total("3").await, 30);
    assert_eq!(api.sandbox.person_count_in(2), Some(30));
    assert_eq!(api.sandbox.person_count_in(4), None);

    let one = uuids(&page(&api, &format!("{}/?limit=300", persons_of(&api, "1"))).await);
    let two = uuids(&page(&api, &format!("{}/", persons_of(&api, "2"))).await);
    let three = uuids(&page(&api, &format!("{}/", persons_of(&api, "3"))).await);
    assert!(two.iter().all(|u| !one.contains(u)), "project 2 shares no person with project 1");
    assert!(three.iter().all(|u| !two.contains(u)), "project 3 differs from project 2");

    // Fixtures belong to project 1 only; a project-2 person is not found through project 1.
    assert_eq!(uuids(&page(&api, &format!("{}/?distinct_id=alice-1", persons_of(&api, "1"))).await), [ALICE]);
    assert!(page(&api, &format!("{}/?distinct_id=alice-1", persons_of(&api, "2"))).await.is_empty());
    let other = api.get(&format!("{}/{}/", persons_of(&api, "1"), two[0])).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let own = api.get_json(&format!("{}/{}/", persons_of(&api, "2"), two[0])).await;
    assert_eq!(own["uuid"], json!(two[0]));
}

#[tokio::test]
async fn a_property_update_in_project_two_never_shows_in_project_one() {
    let api = Api::start(SandboxConfig { fixtures_inline: vec![alice()], ..config(30, 2) }).await;
    let two = uuids(&page(&api, &format!("{}/", persons_of(&api, "2"))).await);
    let target = &two[0];
    let url = format!("{}/{target}/update_property/", persons_of(&api, "2"));
    let set = api.post(&url, json!({"key": "only_in_two", "value": "yes"})).await;
    assert_eq!(set.status, StatusCode::ACCEPTED, "{}", set.text);

    let detail = format!("{}/{target}/", persons_of(&api, "2"));
    eventually("the update is ingested in project 2", WAIT, || async {
        let person = api.get_json(&detail).await;
        (person["properties"]["only_in_two"] == json!("yes")).then_some(())
    })
    .await;
    let filter: String = url::form_urlencoded::byte_serialize(
        br#"[{"key":"only_in_two","operator":"is_set","value":"is_set","type":"person"}]"#,
    )
    .collect();
    let in_two = page(&api, &format!("{}/?properties={filter}", persons_of(&api, "2"))).await;
    assert_eq!(uuids(&in_two), std::slice::from_ref(target));
    let in_one = page(&api, &format!("{}/?properties={filter}", persons_of(&api, "1"))).await;
    assert!(in_one.is_empty(), "project 1 never sees project 2's write: {in_one:?}");
    assert!(
        !api.sandbox.captured_events().iter().any(|e| e.to_string().contains("only_in_two")),
        "project 1 captured no event for it"
    );
    // And the other way round: a write in project 1 stays there.
    let one_url = format!("{}/{ALICE}/update_property/", persons_of(&api, "1"));
    let set = api.post(&one_url, json!({"key": "only_in_one", "value": 1})).await;
    assert_eq!(set.status, StatusCode::ACCEPTED);
    eventually("the update is ingested in project 1", WAIT, || async {
        let person = api.get_json(&format!("{}/{ALICE}/", persons_of(&api, "1"))).await;
        (person["properties"]["only_in_one"] == json!(1)).then_some(())
    })
    .await;
    let person = api.get_json(&detail).await;
    assert!(person["properties"].get("only_in_one").is_none());
    // The per-project activity logs differ too.
    let activity_two = api.get_json(&format!("{}/activity/", persons_of(&api, "2"))).await;
    let activity_one = api.get_json(&format!("{}/activity/", persons_of(&api, "1"))).await;
    assert_ne!(activity_one["results"], activity_two["results"]);
}

#[tokio::test]
async fn unknown_projects_answer_like_posthog() {
    let api = Api::start(config(20, 3)).await;
    for path in ["/api/projects/4/persons/", "/api/environments/99/persons/", "/api/projects/0/persons/1/"] {
        let resp = api.get(&format!("{}{path}", api.base)).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(resp.text, FORBIDDEN_PROJECT, "{path}");
    }
    let query = api.post(&format!("{}/api/projects/4/query/", api.base), json!({"query": {}})).await;
    assert_eq!((query.status, query.text.as_str()), (StatusCode::FORBIDDEN, FORBIDDEN_PROJECT));
    let detail = api.get(&format!("{}/api/projects/4/", api.base)).await;
    assert_eq!((detail.status, detail.text.as_str()), (StatusCode::NOT_FOUND, NOT_FOUND));
    let not_int = api.get(&format!("{}/api/projects/abc/persons/", api.base)).await;
    assert_eq!(not_int.status, StatusCode::NOT_FOUND);
    assert_eq!(not_int.json()["detail"], json!("Project not found."));
    // The served ones answer.
    for id in 1..=3 {
        let resp = api.get(&format!("{}/api/projects/{id}/persons/", api.base)).await;
        assert_eq!(resp.status, StatusCode::OK, "project {id}");
    }
}

#[tokio::test]
async fn project_one_is_unchanged_by_more_projects() {
    let single = Api::start(SandboxConfig { fixtures_inline: vec![alice()], ..config(500, 1) }).await;
    let multi = Api::start(SandboxConfig { fixtures_inline: vec![alice()], ..config(500, 3) }).await;
    for tail in ["persons/?limit=100", "persons/?include_total&offset=100", "persons/activity/?limit=50"] {
        let a = single.get_json(&format!("{}/api/projects/1/{tail}", single.base)).await;
        let b = multi.get_json(&format!("{}/api/projects/1/{tail}", multi.base)).await;
        assert_eq!(a["results"], b["results"], "{tail}");
        assert_eq!(a["count"], b["count"], "{tail}");
    }
    let a = single.get(&format!("{}/api/projects/1/", single.base)).await;
    let b = multi.get(&format!("{}/api/projects/1/", multi.base)).await;
    assert_eq!(a.text, b.text, "project 1's settings");
    let a = single.get_json(&format!("{}/api/projects/", single.base)).await;
    let b = multi.get_json(&format!("{}/api/projects/", multi.base)).await;
    assert_eq!(a["results"][0], b["results"][0]);
    assert_eq!(a["count"], json!(1));
    assert_eq!(single.sandbox.person_count(), multi.sandbox.person_count());
}

// ---------------------------------------------------------------------------------------
// organizations

#[tokio::test]
async fn organizations_are_listed_with_their_projects() {
    let api = Api::start(config(20, 3)).await;
    let list = api.get_json(&format!("{}/api/organizations/", api.base)).await;
    assert_eq!(list["count"], json!(2));
    let results = list["results"].as_array().unwrap();
    let names: Vec<&str> = results.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Hogdex Demo Org", "Hogdex Partner Org"]);
    assert_eq!(results[0]["id"], json!(DEMO_ORG.id));
    assert_eq!(results[0]["slug"], json!("hogdex-demo-org"));
    assert_eq!(results[0]["membership_level"], json!(15));
    assert!(results[0]["created_at"].is_string());
    let project_ids = |org: &Value| ids(org["projects"].as_array().unwrap());
    assert_eq!(project_ids(&results[0]), [1, 2]);
    assert_eq!(project_ids(&results[1]), [3]);
    assert_eq!(results[1]["teams"][0]["project_id"], json!(3));

    let current = api.get_json(&format!("{}/api/organizations/@current/", api.base)).await;
    assert_eq!(current["id"], json!(DEMO_ORG.id));
    let partner = api.get_json(&format!("{}/api/organizations/{}", api.base, PARTNER_ORG.id)).await;
    assert_eq!(partner["name"], json!("Hogdex Partner Org"));
    let unknown =
        api.get(&format!("{}/api/organizations/0192f7a0-6d1e-7c3b-9a41-4f3f5e9b2cff/", api.base)).await;
    assert_eq!((unknown.status, unknown.text.as_str()), (StatusCode::NOT_FOUND, NOT_FOUND));
    let post = api.post(&format!("{}/api/organizations/", api.base), json!({"name": "x"})).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    let anonymous = api.http.get(format!("{}/api/organizations/", api.base)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // Two projects: one organization.
    let small = Api::start(config(0, 2)).await;
    let list = small.get_json(&format!("{}/api/organizations/", small.base)).await;
    assert_eq!(list["count"], json!(1));
    assert_eq!(ids(list["results"][0]["projects"].as_array().unwrap()), [1, 2]);
}

// ---------------------------------------------------------------------------------------
// the project-scoped key (`--scoped-key`)

#[tokio::test]
async fn the_scoped_key_sees_and_uses_only_project_one() {
    let api = Api::start(SandboxConfig { scoped_key: true, ..config(20, 3) }).await;
    let list = api.get_json(&format!("{}/api/projects/", api.base)).await;
    assert_eq!(list["count"], json!(1), "the list is narrowed to the key's project");
    assert_eq!(ids(list["results"].as_array().unwrap()), [1]);
    assert_eq!(api.get_json(&format!("{}/api/projects/@current/", api.base)).await["id"], json!(1));
    let hidden = api.get(&format!("{}/api/projects/2/", api.base)).await;
    assert_eq!((hidden.status, hidden.text.as_str()), (StatusCode::NOT_FOUND, NOT_FOUND));

    assert_eq!(api.get(&format!("{}/", persons_of(&api, "1"))).await.status, StatusCode::OK);
    let other = api.get(&format!("{}/", persons_of(&api, "2"))).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other.text,
        r#"{"type":"authentication_error","code":"permission_denied","detail":"API key does not have access to the requested project: ID 2.","attr":null}"#
    );
    let unknown = api.get(&format!("{}/", persons_of(&api, "9"))).await;
    assert_eq!(unknown.text, FORBIDDEN_PROJECT);

    for path in ["/api/organizations/", "/api/organizations/@current/"] {
        let resp = api.get(&format!("{}{path}", api.base)).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(resp.text, SCOPED_ORG_REFUSAL, "{path}");
    }
}

// ---------------------------------------------------------------------------------------
// the knob

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    sandbox: SandboxArgs,
}

#[test]
fn the_projects_flag_reaches_the_config() {
    let parse = |args: &[&str]| Cli::try_parse_from(std::iter::once("sandbox").chain(args.iter().copied()));
    let default = SandboxConfig::from(parse(&[]).unwrap().sandbox);
    assert_eq!(default.projects, 1);
    assert_eq!(SandboxConfig::default().projects, 1);
    let three = SandboxConfig::from(parse(&["--projects", "3"]).unwrap().sandbox);
    assert_eq!(three.projects, 3);
    assert!(parse(&["--projects", "0"]).is_err());
    assert!(parse(&["--projects", "51"]).is_err());
}

#[tokio::test]
async fn in_process_starters_get_an_error_for_zero_projects() {
    let err = hogdex::sandbox::spawn(config(0, 0)).await.err().expect("0 projects is refused");
    assert!(err.to_string().contains("1 to 50 projects"), "{err}");
}

#[tokio::test]
async fn sandbox_help_documents_projects() {
    let run = run_hogdex(&["sandbox", "--help"], &[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("--projects <PROJECTS>"), "{}", run.stdout);
    assert!(run.stdout.contains("Number of projects to serve"), "{}", run.stdout);
    let bad = run_hogdex(&["sandbox", "--projects", "0", "--port", "0"], &[]).await;
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("--projects"), "{}", bad.stderr);
}

// ---------------------------------------------------------------------------------------
// client contract: list_organizations and switching projects

#[tokio::test]
async fn client_lists_organizations_and_switches_projects() {
    let env = common::start(30, |c| c.projects = 3).await;
    let c = &env.client;
    let orgs = c.list_organizations().await.unwrap();
    assert_eq!(orgs.count, Some(2));
    assert_eq!(orgs.results.len(), 2);
    assert_eq!(orgs.results[0].id, DEMO_ORG.id);
    assert_eq!(orgs.results[0].name.as_deref(), Some("Hogdex Demo Org"));
    assert_eq!(orgs.results[0].slug.as_deref(), Some("hogdex-demo-org"));
    assert_eq!(orgs.results[1].name.as_deref(), Some("Hogdex Partner Org"));
    assert_eq!(orgs.results[0].extra["membership_level"], json!(15));

    let projects = c.list_projects().await.unwrap();
    assert_eq!(projects.results.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(projects.results[2].organization.as_deref(), Some(PARTNER_ORG.id));
    let staging = c.with_project(ProjectRef::Id(2));
    assert_eq!(staging.current_project().await.unwrap().name.as_deref(), Some("Hogdex Staging"));
    let mine = c.list_persons(&ListParams::default()).await.unwrap();
    let theirs = staging.list_persons(&ListParams::default()).await.unwrap();
    assert!(mine.results.iter().any(|p| p.uuid() == ALICE));
    assert!(theirs.results.iter().all(|p| mine.results.iter().all(|m| m.uuid() != p.uuid())));
    let err = c.with_project(ProjectRef::Id(4)).list_persons(&ListParams::default()).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Forbidden { .. }), "{err}");
}

#[tokio::test]
async fn client_organizations_403_for_the_scoped_key_is_an_ordinary_error() {
    let env = common::start(0, |c| {
        c.projects = 3;
        c.scoped_key = true;
    })
    .await;
    let err = env.client.list_organizations().await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(
        err.kind,
        ErrorKind::Forbidden {
            detail: "API keys with scoped projects are only supported on project-based endpoints.".into()
        }
    );
    assert!(!err.is_transient(), "a picker should not retry it");
    assert_eq!(err.op, "Listing organizations");
    // The projects list still works and holds only the key's project.
    let projects = env.client.list_projects().await.unwrap();
    assert_eq!(projects.results.iter().map(|p| p.id).collect::<Vec<_>>(), [1]);
}

#[tokio::test]
async fn client_organizations_tolerate_what_other_servers_send() {
    let body =
        r#"{"count":1,"next":null,"previous":null,"results":[{"id":"org-1","name":null,"future":[1]}]}"#;
    let base = common::raw_server(common::http_response("200 OK", "application/json", body)).await;
    let client = client_at(&base);
    let page = client.list_organizations().await.unwrap();
    assert_eq!(page.results[0].id, "org-1");
    assert_eq!((page.results[0].name.as_deref(), page.results[0].slug.as_deref()), (None, None));
    assert_eq!(page.results[0].extra["future"], json!([1]));

    let denied = r#"{"type":"authentication_error","code":"permission_denied","detail":"API key missing required scope 'organization:read'","attr":null}"#;
    let base = common::raw_server(common::http_response("403 Forbidden", "application/json", denied)).await;
    let err = client_at(&base).list_organizations().await.unwrap_err();
    assert!(
        matches!(&err.kind, ErrorKind::Forbidden { detail } if detail.contains("organization:read")),
        "{err}"
    );
}

fn client_at(base: &str) -> hogdex::api::Client {
    use hogdex::api::{ApiKey, Client, ClientOptions, Pacer, resolve_host};
    let opts = ClientOptions {
        timeout: Duration::from_secs(5),
        pacer: std::sync::Arc::new(Pacer::unlimited()),
        get_retries: 0,
        ..Default::default()
    };
    Client::new(
        resolve_host(base, false).unwrap(),
        ProjectRef::Id(1),
        ApiKey::new("phx_test_key_123456"),
        opts,
    )
    .unwrap()
}
