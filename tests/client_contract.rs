//! Contract tests: the API client against the sandbox (port 0) for every endpoint, success and
//! error paths, plus transport failures against hand-made servers.
mod common;

use common::*;
use hogdex::api::*;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

fn uuid_id(s: &str) -> PersonId {
    PersonId::parse(s).unwrap()
}

#[tokio::test]
async fn list_search_filters_and_total() {
    let env = start(40, |_| {}).await;
    let c = &env.client;
    let by_search = c
        .list_persons(&ListParams { search: Some("ALICE@fixture".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(by_search.results.len(), 1);
    assert_eq!(by_search.results[0].id, ALICE, "list id is the UUID string");
    assert_eq!(by_search.results[0].kind.as_deref(), Some("person"));

    let by_distinct = c
        .list_persons(&ListParams { distinct_id: Some("alice-2".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(by_distinct.results[0].uuid(), ALICE);
    let by_email = c
        .list_persons(&ListParams { email: Some("bob@fixture.test".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(by_email.results.len(), 1);
    assert_eq!(by_email.results[0].uuid(), BOB);

    let filtered = c
        .list_persons(&ListParams {
            properties: vec![
                parse_filter("plan=enterprise").unwrap(),
                parse_filter("email~fixture").unwrap(),
            ],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(filtered.results.iter().map(|p| p.uuid()).collect::<Vec<_>>(), [MULTI]);
    let not_set = c
        .list_persons(&ListParams {
            properties: vec![parse_filter("phone!?").unwrap()],
            search: Some("fixture".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(not_set.results.iter().all(|p| p.uuid() != ALICE));
    assert!(not_set.results.iter().any(|p| p.uuid() == BOB));

    let counted = c
        .list_persons(&ListParams { limit: Some(5), include_total: true, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(counted.count, Some(44));
    assert_eq!(counted.results.len(), 5);
    assert!(counted.next.is_some());
}

#[tokio::test]
async fn pagination_walks_every_person_once() {
    let env = start(23, |_| {}).await;
    let params = ListParams { limit: Some(5), ..Default::default() };
    let mut pages = 0;
    let all = env.client.list_all_persons(&params, None, |_, _| pages += 1).await.unwrap();
    assert_eq!(all.len(), 27);
    let mut uuids: Vec<_> = all.iter().map(|p| p.uuid().to_string()).collect();
    uuids.sort();
    uuids.dedup();
    assert_eq!(uuids.len(), 27, "no duplicates across pages");
    assert!(pages >= 6);
    let capped = env.client.list_all_persons(&params, Some(7), |_, _| {}).await.unwrap();
    assert_eq!(capped.len(), 7);
}

#[tokio::test]
async fn csv_export() {
    let env = start(0, |_| {}).await;
    let csv = env
        .client
        .list_persons_csv(&ListParams { search: Some("fixture".into()), ..Default::default() })
        .await
        .unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("created_at,distinct_ids.0"), "{header}");
    assert!(header.contains("properties.email"));
    assert_eq!(csv.lines().count(), 5, "header + 4 fixture persons");
}

#[tokio::test]
async fn retrieve_by_pk_uuid_and_distinct_id() {
    let env = start(5, |_| {}).await;
    let c = &env.client;
    let rec = c.get_person(uuid_id(ALICE)).await.unwrap();
    assert_eq!(rec.uuid, ALICE);
    assert!(rec.id > 0, "detail id is the integer pk");
    assert_eq!(rec.distinct_ids, ["alice-1", "alice-2"]);
    assert_eq!(
        rec.properties.keys().collect::<Vec<_>>(),
        ["email", "name", "plan", "phone"],
        "property order kept"
    );
    let by_pk = c.get_person(PersonId::Pk(rec.id)).await.unwrap();
    assert_eq!(by_pk, rec);
    let resolved = c.resolve(&"alice-2".parse().unwrap()).await.unwrap();
    assert_eq!(resolved, uuid_id(ALICE));

    let missing = c.get_person(PersonId::Pk(99_999_999)).await.unwrap_err();
    assert!(matches!(missing.kind, ErrorKind::NotFound { .. }), "{missing}");
    let unknown = c.resolve(&"nobody-has-this".parse().unwrap()).await.unwrap_err();
    assert!(matches!(unknown.kind, ErrorKind::NotFound { .. }));
    // A hostile distinct id is only ever a query parameter, never a path.
    let sneaky = c.resolve(&"../../users/@me".parse().unwrap()).await.unwrap_err();
    assert!(matches!(sneaky.kind, ErrorKind::NotFound { .. }));
}

#[tokio::test]
async fn update_property_keeps_types_and_applies_asynchronously() {
    let env = start(0, |c| c.ingest_delay_ms = 150).await;
    let c = &env.client;
    let id = uuid_id(BOB);
    c.update_property(id, "code", json!("007")).await.unwrap();
    c.update_property(id, "count", json!(7)).await.unwrap();
    c.update_property(id, "gone", Value::Null).await.unwrap();
    // Accepted at once (202) but not yet visible: PostHog ingests asynchronously.
    let before = c.get_person(id).await.unwrap();
    assert!(!before.properties.contains_key("code"));
    let after = eventually("update_property applied", WAIT, || async {
        let p = c.get_person(id).await.unwrap();
        p.properties.contains_key("count").then_some(p)
    })
    .await;
    assert_eq!(after.properties["code"], json!("007"));
    assert_eq!(after.properties["count"], json!(7));
    assert_eq!(after.properties["gone"], Value::Null);

    let err = c.update_property(PersonId::Pk(99_999_999), "x", json!(1)).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotFound { .. }), "{err}");
}

#[tokio::test]
async fn patch_and_delete_property() {
    let env = start(0, |_| {}).await;
    let c = &env.client;
    let id = uuid_id(ALICE);
    let mut props = serde_json::Map::new();
    props.insert("plan".into(), json!("enterprise"));
    props.insert("seats".into(), json!(12));
    c.patch_properties(id, props).await.unwrap();
    eventually("PATCH applied", WAIT, || async {
        let p = c.get_person(id).await.unwrap();
        (p.properties.get("seats") == Some(&json!(12)) && p.properties["plan"] == json!("enterprise"))
            .then_some(())
    })
    .await;
    c.delete_property(id, "phone").await.unwrap();
    eventually("delete_property applied", WAIT, || async {
        (!c.get_person(id).await.unwrap().properties.contains_key("phone")).then_some(())
    })
    .await;
    let activity = c.person_activity(id, None, None).await.unwrap();
    let kinds: Vec<_> = activity.results.iter().map(|e| e.activity.as_str()).collect();
    assert!(kinds.contains(&"updated"), "{kinds:?}");
    assert!(kinds.contains(&"delete_property"), "{kinds:?}");

    let err = c.patch_properties(PersonId::Pk(99_999_999), Default::default()).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotFound { .. }));
}

#[tokio::test]
async fn delete_person_and_events() {
    let env = start(0, |_| {}).await;
    let c = &env.client;
    let bob = uuid_id(BOB);
    let bob_pk = c.get_person(bob).await.unwrap().id;
    c.delete_person(bob, DeleteOptions { delete_events: true, ..Default::default() }).await.unwrap();
    let again = c.delete_person(bob, DeleteOptions::default()).await.unwrap_err();
    assert!(matches!(again.kind, ErrorKind::NotFound { .. }), "second delete is a 404: {again}");

    let status = c
        .deletion_status(DeletionStatusFilter::All, Some(uuid::Uuid::parse_str(BOB).unwrap()), None, None)
        .await
        .unwrap();
    assert_eq!(status.results.len(), 1);
    assert_eq!(status.results[0].status, "pending");

    let project = c.project_activity(None, Some(50)).await.unwrap();
    let deleted = project.results.iter().find(|e| e.activity == "deleted").expect("deleted entry");
    assert_eq!(deleted.item_id.as_deref(), Some(bob_pk.to_string().as_str()));
    assert_eq!(deleted.detail.as_ref().and_then(|d| d.name.as_deref()), Some(BOB));

    let alice = uuid_id(ALICE);
    c.delete_events(alice).await.unwrap();
    assert!(c.get_person(alice).await.is_ok(), "delete_events keeps the person");
    let keep = c
        .delete_person(alice, DeleteOptions { keep_person: true, delete_events: true, ..Default::default() })
        .await;
    assert!(keep.is_ok());
    assert!(c.get_person(alice).await.is_ok(), "keep_person keeps the person");
    c.delete_recordings(alice).await.unwrap();
    let err = c.delete_events(PersonId::Pk(99_999_999)).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotFound { .. }));
}

#[tokio::test]
async fn activity_paging_and_missing_person() {
    let env = start(500, |_| {}).await;
    let c = &env.client;
    let first = c.project_activity(Some(1), Some(3)).await.unwrap();
    assert_eq!(first.results.len(), 3);
    let next = first.next.clone().expect("a second page");
    let second = c.activity_next(&next).await.unwrap();
    assert!(!second.results.is_empty());
    assert_ne!(first.results[0].id, second.results[0].id);
    let err = c.person_activity(PersonId::Pk(99_999_999), None, None).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotFound { .. }));
}

#[tokio::test]
async fn split_extract_and_validation() {
    let env = start(0, |_| {}).await;
    let c = &env.client;
    let id = uuid_id(MULTI);
    let bad = c.split(id, &SplitMode::Extract(vec!["not-on-person".into()])).await.unwrap_err();
    match &bad.kind {
        ErrorKind::Validation { detail, .. } => assert!(detail.contains("not-on-person"), "{detail}"),
        other => panic!("expected a 400, got {other:?}"),
    }
    c.split(id, &SplitMode::Extract(vec!["multi-move1".into()])).await.unwrap();
    let moved = eventually("split applied", WAIT, || async {
        c.find_by_distinct_id("multi-move1").await.unwrap().filter(|p| p.uuid() != MULTI)
    })
    .await;
    assert_eq!(moved.distinct_ids, ["multi-move1"]);
    let original = c.get_person(id).await.unwrap();
    assert_eq!(original.distinct_ids, ["multi-main", "multi-move2"]);
    assert_eq!(
        original.properties["email"],
        json!("multi@fixture.test"),
        "the original keeps its properties"
    );

    c.split(id, &SplitMode::All { main: Some("multi-main".into()) }).await.unwrap();
    eventually("split all applied", WAIT, || async {
        (c.get_person(id).await.unwrap().distinct_ids == ["multi-main"]).then_some(())
    })
    .await;
}

#[tokio::test]
async fn bulk_delete_batches_by_thousand() {
    let env = start(2500, |_| {}).await;
    let c = &env.client;
    let everyone = c
        .list_all_persons(&ListParams { limit: Some(1000), ..Default::default() }, None, |_, _| {})
        .await
        .unwrap();
    let fixtures = [ALICE, BOB, MULTI, HOSTILE];
    let ids: Vec<uuid::Uuid> = everyone
        .iter()
        .filter(|p| !fixtures.contains(&p.uuid()))
        .map(|p| uuid::Uuid::parse_str(p.uuid()).unwrap())
        .collect();
    assert_eq!(ids.len(), 2500);
    let mut progress = Vec::new();
    let report = c
        .bulk_delete(&BulkTarget::Ids(ids), DeleteOptions::default(), |done, total| {
            progress.push((done, total))
        })
        .await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.batches, 3);
    assert_eq!(progress, [(1000, 2500), (2000, 2500), (2500, 2500)]);
    assert_eq!(report.summary.persons_found, 2500);
    assert_eq!(report.summary.persons_deleted, 2500);
    let left = c
        .list_persons(&ListParams { include_total: true, limit: Some(1), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(left.count, Some(4));

    let by_distinct = c
        .bulk_delete(
            &BulkTarget::DistinctIds(vec!["alice-1".into(), "nobody".into()]),
            DeleteOptions { delete_events: true, ..Default::default() },
            |_, _| {},
        )
        .await;
    assert_eq!(by_distinct.summary.persons_found, 1);
    assert!(by_distinct.summary.events_queued_for_deletion);
}

#[tokio::test]
async fn cohorts_reset_and_projects() {
    let env = start(200, |_| {}).await;
    let c = &env.client;
    let some = c.list_persons(&ListParams { limit: Some(200), ..Default::default() }).await.unwrap();
    let mut found = false;
    for p in &some.results {
        let cohorts = c.person_cohorts(uuid_id(p.uuid())).await.unwrap();
        if let Some(first) = cohorts.first() {
            assert!(first.name.is_some());
            found = true;
            break;
        }
    }
    assert!(found, "some demo persons belong to cohorts");
    let err = c.person_cohorts(PersonId::Pk(99_999_999)).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotFound { .. }));

    c.reset_person_distinct_id("whatever-id").await.unwrap();

    let projects = c.list_projects().await.unwrap();
    assert_eq!(projects.results[0].id, env.sandbox.project_id());
    let current = c.with_project(ProjectRef::Current).current_project().await.unwrap();
    assert_eq!(current.id, env.sandbox.project_id());
    assert!(current.name.is_some());
}

#[tokio::test]
async fn auth_failures_are_clear_and_never_show_the_key() {
    let env = start(0, |_| {}).await;
    let bad = client_for(&env.sandbox, "phx_wrong_key_1234567890", Duration::from_secs(5));
    let err = bad.list_persons(&ListParams::default()).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Unauthorized { .. }));
    let msg = err.to_string();
    assert!(msg.contains("POSTHOG_PERSONAL_API_KEY"), "{msg}");
    assert!(!msg.contains("phx_wrong_key"), "{msg}");
    assert!(!format!("{bad:?}").contains("phx_wrong_key"));

    let other_project = env.client.with_project(ProjectRef::Id(999));
    let err = other_project.list_persons(&ListParams::default()).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Forbidden { .. }), "{err}");
}

#[tokio::test]
async fn scoped_keys_get_a_403_on_legacy_endpoints() {
    let env = start(0, |c| c.scoped_key = true).await;
    // The regular endpoints work with a scoped key.
    assert!(env.client.list_persons(&ListParams::default()).await.is_ok());
}

#[tokio::test]
async fn server_errors_rate_limits_and_timeouts() {
    let failing = start(0, |c| c.fail_rate = 1.0).await;
    let err = failing.client.list_persons(&ListParams::default()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Server { status: 500, detail: "A server error occurred.".into() });
    assert!(err.is_transient());

    let limited = start(0, |c| c.rate_limit_per_min = Some(1)).await;
    limited.client.list_persons(&ListParams::default()).await.unwrap();
    let err = limited.client.list_persons(&ListParams::default()).await.unwrap_err();
    match err.kind {
        // The stated wait is longer than this client sits out (2 s), so it reports instead.
        ErrorKind::RateLimited { wait_secs: Some(s), .. } => assert!(s > 2 && s <= 60, "{s}"),
        other => panic!("expected 429, got {other:?}"),
    }
    let write = limited.client.update_property(uuid_id(ALICE), "k", json!(1)).await.unwrap_err();
    assert!(matches!(write.kind, ErrorKind::RateLimited { .. }), "writes are not retried");

    let slow = start(0, |c| c.latency_ms = 3_000).await;
    let impatient = client_for(&slow.sandbox, slow.sandbox.key(), Duration::from_millis(200));
    let err = impatient.get_person(uuid_id(ALICE)).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert!(err.to_string().contains("timeout"));
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let host = resolve_host(&format!("http://{addr}"), false).unwrap();
    let opts = ClientOptions { get_retries: 0, ..Default::default() };
    let c = Client::new(host, ProjectRef::Id(1), ApiKey::new("phx_k"), opts).unwrap();
    let err = c.list_persons(&ListParams::default()).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("POSTHOG_HOST"));
}

async fn raw_client(response: String) -> Client {
    let base = raw_server(response).await;
    let opts = ClientOptions { get_retries: 0, ..Default::default() };
    Client::new(resolve_host(&base, false).unwrap(), ProjectRef::Id(1), ApiKey::new("phx_secret_key_x"), opts)
        .unwrap()
}

#[tokio::test]
async fn malformed_and_non_json_responses() {
    let html =
        raw_client(http_response("502 Bad Gateway", "text/html", "<!DOCTYPE html><html>oops</html>")).await;
    let err = html.list_persons(&ListParams::default()).await.unwrap_err();
    assert!(
        matches!(&err.kind, ErrorKind::Server { status: 502, detail } if detail.contains("HTML")),
        "{err:?}"
    );

    let garbage =
        raw_client(http_response("200 OK", "application/json", "{\"results\": [{\"nope\": 1}]")).await;
    let err = garbage.list_persons(&ListParams::default()).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::InvalidResponse { status: 200, .. }), "{err:?}");

    let page = raw_client(http_response("200 OK", "text/html", "<html><body>login</body></html>")).await;
    let err = page.get_person(PersonId::Pk(1)).await.unwrap_err();
    assert!(err.to_string().contains("HTML"), "{err}");

    let extra = raw_client(http_response(
        "200 OK",
        "application/json",
        r#"{"results":[{"id":"u1","distinct_ids":null,"properties":{"b":1,"a":2},"surprise":true}],"next":null,"extra":1}"#,
    ))
    .await;
    let page = extra.list_persons(&ListParams::default()).await.unwrap();
    assert_eq!(page.results[0].properties.keys().collect::<Vec<_>>(), ["b", "a"]);
}

#[tokio::test]
async fn pagination_links_to_other_hosts_are_refused() {
    let body =
        r#"{"results":[],"next":"https://evil.example/api/projects/1/persons/?offset=100","previous":null}"#;
    let c = raw_client(http_response("200 OK", "application/json", body)).await;
    let page = c.list_persons(&ListParams::default()).await.unwrap();
    let err = c.list_persons_next(page.next.as_deref().unwrap()).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Refused { .. }));
    assert!(err.to_string().contains("evil.example"));
    assert!(!err.to_string().contains("phx_secret_key_x"));
}

#[tokio::test]
async fn a_429_on_a_read_waits_the_stated_seconds_then_retries() {
    let throttled = http_response(
        "429 Too Many Requests",
        "application/json",
        r#"{"type":"throttled_error","code":"throttled","detail":"Request was throttled. Expected available in 1 second.","attr":null}"#,
    );
    let ok = http_response("200 OK", "application/json", r#"{"results":[],"next":null,"previous":null}"#);
    let (base, served) = raw_server_seq(vec![throttled, ok]).await;
    let opts = ClientOptions { pacer: std::sync::Arc::new(Pacer::unlimited()), ..Default::default() };
    let c = Client::new(resolve_host(&base, false).unwrap(), ProjectRef::Id(1), ApiKey::new("phx_k"), opts)
        .unwrap();
    let started = std::time::Instant::now();
    let page = c.list_persons(&ListParams::default()).await.unwrap();
    assert!(page.results.is_empty());
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 2, "one retry after the 429");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited the second PostHog asked for");
}

#[tokio::test]
async fn write_validation_errors_name_the_problem() {
    let env = start(0, |_| {}).await;
    let c = &env.client;
    let err = c.reset_person_distinct_id("").await.unwrap_err();
    assert!(
        matches!(&err.kind, ErrorKind::Validation { detail, .. } if detail.contains("distinct_id is required")),
        "{err:?}"
    );
    let err = c.split(uuid_id(MULTI), &SplitMode::Extract(vec![])).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Validation { .. }), "{err:?}");
    let err = c.split(PersonId::Pk(99_999_999), &SplitMode::All { main: None }).await.unwrap_err();
    assert!(matches!(err.kind, ErrorKind::NotFound { .. }), "{err:?}");
    let status = c.deletion_status(DeletionStatusFilter::Pending, None, Some(5), None).await.unwrap();
    assert!(status.results.is_empty());
}
