//! Conformance of the sandbox with PostHog's persons API as written down in
//! `reference/posthog-persons-api.md`: the ten behaviour tests of its §15, then auth, errors,
//! CSV, paging quirks, faults, asynchronous ingestion and determinism. Raw HTTP (reqwest),
//! no hogdex client, so the assertions are about bytes on the wire.

use std::future::Future;
use std::time::Duration;

mod common;

use common::raw::Api;
use hogdex::sandbox::{DEMO_KEY, FixturePerson, SandboxConfig, spawn};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// helpers

const A_UUID: &str = "0190f0c2-0000-7000-8000-00000000000a";
const B_UUID: &str = "0190f0c2-0000-7000-8000-00000000000b";
const C_UUID: &str = "0190f0c2-0000-7000-8000-00000000000c";

fn person(value: Value) -> FixturePerson {
    serde_json::from_value(value).expect("valid fixture")
}

/// A: two distinct ids and a gmail address; B: another email and a third id; C: no email.
fn abc() -> Vec<FixturePerson> {
    vec![
        person(json!({"uuid": A_UUID, "distinct_ids": ["distinct_id", "another_one"],
            "created_at": "2026-11-20T10:00:00Z",
            "properties": {"email": "another@gmail.com", "name": "Ann Other", "plan": "pro"}})),
        person(json!({"uuid": B_UUID, "distinct_ids": ["distinct_id_3"],
            "created_at": "2026-11-19T10:00:00Z",
            "properties": {"email": "someone@example.com", "name": "Sam One", "plan": "free"}})),
        person(json!({"uuid": C_UUID, "distinct_ids": ["0190f0c2-aaaa-7000-8000-00000000000c"],
            "created_at": "2026-11-18T10:00:00Z",
            "properties": {"$initial_browser": "Firefox"}})),
    ]
}

fn config(persons: usize, fixtures: Vec<FixturePerson>) -> SandboxConfig {
    SandboxConfig { port: 0, persons, ingest_delay_ms: 0, fixtures_inline: fixtures, ..Default::default() }
}

async fn start(persons: usize, fixtures: Vec<FixturePerson>) -> Api {
    start_with(config(persons, fixtures)).await
}

async fn start_with(config: SandboxConfig) -> Api {
    Api::start(config).await
}

fn uuids(results: &[Value]) -> Vec<String> {
    results.iter().map(|p| p["uuid"].as_str().unwrap().to_owned()).collect()
}

fn enc(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Polls until `check` gives `Some`, for at most 10 s.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    for _ in 0..500 {
        if let Some(v) = check().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for: {what}");
}

// ---------------------------------------------------------------------------------------
// §15 — the ten behaviour tests

#[tokio::test]
async fn s15_1_distinct_id_filter() {
    let api = start(20, abc()).await;
    let hit = api.list("?distinct_id=distinct_id").await;
    assert_eq!(hit.len(), 1);
    assert_eq!(hit[0]["id"], json!(A_UUID), "list id is the UUID string");
    assert_eq!(uuids(&api.list("?distinct_id=another_one").await), [A_UUID]);
    let none = api.get_json(&format!("{}/?distinct_id=inexistent", api.persons())).await;
    assert_eq!(none["results"], json!([]));
    // Another project is never served, whatever the distinct id.
    let other = api.get(&format!("{}/api/projects/2/persons/?distinct_id=distinct_id", api.base)).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert!(!other.text.contains(A_UUID));
}

#[tokio::test]
async fn s15_2_email_and_property_filters() {
    let api = start(0, abc()).await;
    assert_eq!(uuids(&api.list("?email=another@gmail.com").await), [A_UUID]);
    assert!(api.list("?email=inexistent").await.is_empty());
    let is_set = enc(r#"[{"key":"email","operator":"is_set","value":"is_set","type":"person"}]"#);
    assert_eq!(uuids(&api.list(&format!("?properties={is_set}")).await), [A_UUID, B_UUID]);
    let icontains = enc(r#"[{"key":"email","operator":"icontains","value":"another@gm","type":"person"}]"#);
    assert_eq!(uuids(&api.list(&format!("?properties={icontains}")).await), [A_UUID]);
    // A missing operator means exact; filters combine with AND.
    let exact = enc(r#"[{"key":"plan","value":"free","type":"person"}]"#);
    assert_eq!(uuids(&api.list(&format!("?properties={exact}")).await), [B_UUID]);
    let both = enc(
        r#"[{"key":"plan","value":"pro","type":"person"},{"key":"name","operator":"regex","value":"^Ann","type":"person"}]"#,
    );
    assert_eq!(uuids(&api.list(&format!("?properties={both}")).await), [A_UUID]);
    let not_set = enc(r#"[{"key":"email","operator":"is_not_set","value":"is_not_set"}]"#);
    assert_eq!(uuids(&api.list(&format!("?properties={not_set}")).await), [C_UUID]);
    let bad = api.get(&format!("{}/?properties=not-json", api.persons())).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.text,
        r#"{"type":"validation_error","code":"invalid_input","detail":"Properties are unparsable!","attr":null}"#
    );
}

#[tokio::test]
async fn s15_3_search() {
    let api = start(30, abc()).await;
    assert_eq!(uuids(&api.list("?search=another@gm").await), [A_UUID]);
    assert_eq!(uuids(&api.list("?search=distinct_id_3").await), [B_UUID]);
    assert_eq!(uuids(&api.list(&format!("?search={C_UUID}")).await), [C_UUID]);
    // Trimmed, case-insensitive substring; names match too.
    assert_eq!(uuids(&api.list(&format!("?search={}", enc("  ANOTHER@GM  "))).await), [A_UUID]);
    assert_eq!(uuids(&api.list("?search=sam%20on").await), [B_UUID]);
    assert!(api.list("?search=zzzz-no-such-thing").await.is_empty());
}

fn nineteen() -> Vec<FixturePerson> {
    (0..19)
        .map(|i| {
            person(json!({
                "uuid": format!("0190f0c2-0000-7000-8000-0000000001{i:02}"),
                "distinct_ids": [format!("p{i:02}")],
                "created_at": format!("2026-11-01T00:{i:02}:00Z"),
                "properties": {"email": format!("p{i:02}@example.com")},
            }))
        })
        .collect()
}

#[tokio::test]
async fn s15_4_pagination_and_include_total() {
    let api = start(0, nineteen()).await;
    let page1 = api.get_json(&format!("{}/?limit=10", api.persons())).await;
    let results1 = page1["results"].as_array().unwrap().clone();
    assert_eq!(results1.len(), 10);
    let next = page1["next"].as_str().expect("next on a full page").to_owned();
    assert_eq!(next, format!("{}/?limit=10&offset=10", api.persons()));
    assert_eq!(page1["previous"], Value::Null);
    assert!(page1.get("count").is_none(), "count only with include_total");

    let page2 = api.get_json(&next).await;
    let results2 = page2["results"].as_array().unwrap().clone();
    assert_eq!(results2.len(), 9);
    assert_eq!(page2["next"], Value::Null);

    let firsts: Vec<String> = results1
        .iter()
        .chain(results2.iter())
        .map(|p| p["distinct_ids"][0].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = (0..19).rev().map(|i| format!("p{i:02}")).collect();
    assert_eq!(firsts, expected, "newest first");

    let counted = api.get_json(&format!("{}/?limit=10&include_total", api.persons())).await;
    assert_eq!(counted["count"], json!(19));
    let filtered = api.get_json(&format!("{}/?limit=2&include_total&search=p1", api.persons())).await;
    assert_eq!(filtered["count"], json!(9), "count is of the filtered set (p10..p18)");
}

#[tokio::test]
async fn s15_4_ties_have_no_gaps_or_duplicates() {
    let tied: Vec<FixturePerson> = (0..7)
        .map(|i| {
            person(json!({
                "uuid": format!("0190f0c2-0000-7000-8000-00000000020{i}"),
                "distinct_ids": [format!("tie{i}")],
                "created_at": "2026-11-01T00:00:00Z",
                "properties": {},
            }))
        })
        .collect();
    let api = start(0, tied).await;
    let mut url = format!("{}/?limit=2", api.persons());
    let mut seen = Vec::new();
    for _ in 0..10 {
        let page = api.get_json(&url).await;
        seen.extend(uuids(page["results"].as_array().unwrap()));
        match page["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "ties are ordered by uuid");
    sorted.dedup();
    assert_eq!(sorted.len(), 7);
    assert_eq!(seen.len(), 7);
}

#[tokio::test]
async fn s15_5_retrieve_by_pk_uuid_and_useful_error() {
    let api = start(5, abc()).await;
    let by_uuid = api.get_json(&format!("{}/{A_UUID}/", api.persons())).await;
    let pk = by_uuid["id"].as_i64().expect("integer id in the detail shape");
    let by_pk = api.get_json(&format!("{}/{pk}", api.persons())).await;
    assert_eq!(by_uuid, by_pk);
    assert_eq!(by_pk["uuid"], json!(A_UUID));
    assert_eq!(by_pk["distinct_ids"], json!(["distinct_id", "another_one"]));
    let keys: Vec<&str> = by_pk.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "name", "distinct_ids", "properties", "created_at", "uuid", "last_seen_at"]);
    assert_eq!(by_pk["name"], json!("another@gmail.com"));
    assert_eq!(by_pk["created_at"], json!("2026-11-20T10:00:00Z"));

    let bad = api.get(&format!("{}/NOT_A_UUID/", api.persons())).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.json()["detail"],
        json!(
            "The ID provided does not look like a personID. If you are using a distinctId, please use /persons?distinct_id=NOT_A_UUID instead."
        )
    );
    let missing = api.get(&format!("{}/999999/", api.persons())).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.text,
        r#"{"type":"invalid_request","code":"not_found","detail":"Not found.","attr":null}"#
    );
}

#[tokio::test]
async fn s15_6_delete() {
    let api = start(0, abc()).await;
    let pk_a = api.get_json(&format!("{}/{A_UUID}/", api.persons())).await["id"].clone();
    let url = format!("{}/{A_UUID}/", api.persons());
    let first = api.call(Method::DELETE, &url, None).await;
    assert_eq!(first.status, StatusCode::ACCEPTED);
    assert_eq!(first.text, "");
    assert!(first.headers.get("content-type").is_none());
    let second = api.call(Method::DELETE, &url, None).await;
    assert_eq!(second.status, StatusCode::NOT_FOUND);
    let status = api.get_json(&format!("{}/deletion_status/", api.persons())).await;
    assert_eq!(status["count"], json!(0), "no event deletion by default");

    let with_events =
        api.call(Method::DELETE, &format!("{}/{B_UUID}/?delete_events=true", api.persons()), None).await;
    assert_eq!(with_events.status, StatusCode::ACCEPTED);
    let status = api.get_json(&format!("{}/deletion_status/?status=pending", api.persons())).await;
    assert_eq!(status["results"][0]["person_uuid"], json!(B_UUID));
    assert_eq!(status["results"][0]["status"], json!("pending"));

    let keep = api
        .call(
            Method::DELETE,
            &format!("{}/{C_UUID}?keep_person=true&delete_events=true", api.persons()),
            None,
        )
        .await;
    assert_eq!(keep.status, StatusCode::ACCEPTED);
    assert_eq!(
        api.get(&format!("{}/{C_UUID}/", api.persons())).await.status,
        StatusCode::OK,
        "keep_person keeps the profile"
    );
    let status = api.get_json(&format!("{}/deletion_status/?person_uuid={C_UUID}", api.persons())).await;
    assert_eq!(status["count"], json!(1));

    let activity = api.get_json(&format!("{}/activity", api.persons())).await;
    let deleted: Vec<&Value> = activity["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["activity"] == json!("deleted"))
        .collect();
    let entry = deleted.iter().find(|e| e["detail"]["name"] == json!(A_UUID)).expect("a deleted entry for A");
    assert_eq!(entry["scope"], json!("Person"));
    assert_eq!(entry["item_id"], json!(pk_a.to_string()));
    assert_eq!(entry["detail"]["changes"], Value::Null);
}

#[tokio::test]
async fn s15_7_bulk_delete() {
    let api = start(0, abc()).await;
    let url = format!("{}/bulk_delete/", api.persons());
    let ok = api.post(&url, json!({"ids": [A_UUID, B_UUID], "delete_events": true})).await;
    assert_eq!(ok.status, StatusCode::ACCEPTED);
    assert_eq!(
        ok.text,
        r#"{"persons_found":2,"persons_deleted":2,"events_queued_for_deletion":true,"recordings_queued_for_deletion":false,"deletion_errors":[]}"#
    );
    assert_eq!(uuids(&api.list("").await), [C_UUID]);

    let many: Vec<String> = (0..1001).map(|i| format!("00000000-0000-4000-8000-{i:012}")).collect();
    let too_many = api.post(&url, json!({ "ids": many })).await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        too_many.text,
        r#"{"type":"validation_error","code":"invalid_input","detail":"You can only pass 1000 ids in one call","attr":null}"#
    );
    let neither = api.post(&url, json!({})).await;
    assert_eq!(neither.status, StatusCode::BAD_REQUEST);
    assert_eq!(neither.json()["detail"], json!("You need to specify either distinct_ids or ids"));
    let both = api.post(&url, json!({"ids": [C_UUID], "distinct_ids": ["x"]})).await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    assert_eq!(both.json()["detail"], json!("You must provide either distinct_ids or ids, not both"));
    let unknown =
        api.post(&url, json!({"ids": ["0190f0c2-0000-7000-8000-0000000fffff"], "delete_events": true})).await;
    assert_eq!(unknown.status, StatusCode::ACCEPTED);
    assert_eq!(unknown.json()["persons_found"], json!(0));
    assert_eq!(unknown.json()["events_queued_for_deletion"], json!(false));
    // Integer ids are not UUIDs: skipped.
    let pk_c = api.get_json(&format!("{}/{C_UUID}/", api.persons())).await["id"].clone();
    let by_pk = api.post(&url, json!({ "ids": [pk_c.to_string()] })).await;
    assert_eq!(by_pk.json()["persons_found"], json!(0));
    let by_distinct = api
        .post(&url, json!({"distinct_ids": ["0190f0c2-aaaa-7000-8000-00000000000c"], "keep_person": true}))
        .await;
    assert_eq!(by_distinct.json()["persons_found"], json!(1));
    assert_eq!(by_distinct.json()["persons_deleted"], json!(0));
}

#[tokio::test]
async fn s15_8_patch_semantics() {
    let api = start(0, abc()).await;
    let url = format!("{}/{A_UUID}/", api.persons());
    let missing = api.call(Method::PATCH, &url, Some(json!({"name": "x"}))).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        missing.text,
        r#"{"attr":"properties","code":"This field is required.","detail":"required","type":"validation_error"}"#
    );
    let mut body = api.get_json(&url).await;
    body["properties"]["plan"] = json!("enterprise");
    let patched = api.call(Method::PATCH, &url, Some(body)).await;
    assert_eq!(patched.status, StatusCode::ACCEPTED);
    assert_eq!(patched.text, "");
    let put = api.call(Method::PUT, &url, Some(json!({"properties": {"seats": 3}}))).await;
    assert_eq!(put.status, StatusCode::ACCEPTED);

    let person = eventually("PATCH and PUT applied", || async {
        let p = api.get_json(&url).await;
        (p["properties"]["seats"] == json!(3)).then_some(p)
    })
    .await;
    assert_eq!(person["properties"]["plan"], json!("enterprise"));
    assert_eq!(person["properties"]["email"], json!("another@gmail.com"), "other keys stay");

    let activity = api.get_json(&format!("{url}activity/")).await;
    let entry = &activity["results"][0];
    assert_eq!(entry["activity"], json!("updated"));
    assert_eq!(entry["scope"], json!("Person"));
    assert_eq!(
        entry["detail"]["changes"],
        json!([{"type":"Person","action":"changed","field":"properties","before":null,"after":null}])
    );
    assert_eq!(entry["detail"]["name"], Value::Null);
    assert_eq!(activity["total_count"], json!(2));
}

#[tokio::test]
async fn s15_9_property_mutation_events() {
    let api = start(0, abc()).await;
    let base = format!("{}/{A_UUID}", api.persons());
    let set = api.post(&format!("{base}/update_property/"), json!({"key": "foo", "value": "bar"})).await;
    assert_eq!(set.status, StatusCode::ACCEPTED);
    assert_eq!(set.text, "");
    let null = api.post(&format!("{base}/update_property"), json!({"key": "gone", "value": null})).await;
    assert_eq!(null.status, StatusCode::ACCEPTED);
    let no_value = api.post(&format!("{base}/update_property/"), json!({"key": "foo"})).await;
    assert_eq!(no_value.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        no_value.text,
        r#"{"attr":"value","code":"This field is required.","detail":"required","type":"validation_error"}"#
    );
    let no_key = api.post(&format!("{base}/update_property/"), json!({"value": 1})).await;
    assert_eq!(no_key.json()["attr"], json!("key"));

    let unset = api.post(&format!("{base}/delete_property/"), json!({"$unset": "name"})).await;
    assert_eq!(unset.status, StatusCode::CREATED);
    assert_eq!(unset.text, r#"{"success":true}"#);

    let events = eventually("three events captured", || async {
        let events = api.sandbox.captured_events();
        (events.len() == 3).then_some(events)
    })
    .await;
    assert_eq!(events[0]["event"], json!("$set"));
    assert_eq!(events[0]["distinct_id"], json!("distinct_id"), "first distinct id");
    assert_eq!(events[0]["properties"], json!({"$set": {"foo": "bar"}}));
    assert_eq!(events[1]["properties"], json!({"$set": {"gone": null}}));
    assert_eq!(events[2]["event"], json!("$delete_person_property"));
    assert_eq!(events[2]["properties"], json!({"$unset": ["name"]}));

    let person = api.get_json(&format!("{base}/")).await;
    assert_eq!(person["properties"]["foo"], json!("bar"));
    assert_eq!(person["properties"]["gone"], Value::Null);
    assert!(person["properties"].get("name").is_none(), "name was unset");
    let kinds: Vec<Value> = api.get_json(&format!("{base}/activity")).await["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["activity"].clone())
        .collect();
    assert_eq!(kinds, [json!("delete_property"), json!("updated"), json!("updated")]);
}

#[tokio::test]
async fn s15_10_split_and_cohorts() {
    let fixtures = vec![person(json!({
        "uuid": A_UUID,
        "distinct_ids": ["keep", "move1", "move2"],
        "properties": {"email": "split@example.com", "plan": "pro"},
    }))];
    let api = start(0, fixtures).await;
    let url = format!("{}/{A_UUID}/split/", api.persons());
    let unknown = api.post(&url, json!({"distinct_ids_to_split": ["move1", "nope"]})).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        unknown.text,
        r#"{"type":"validation_error","code":"invalid_input","detail":"not on this person: ['nope']","attr":"distinct_ids_to_split"}"#
    );
    let combined =
        api.post(&url, json!({"distinct_ids_to_split": ["move1"], "main_distinct_id": "keep"})).await;
    assert_eq!(combined.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        combined.json()["detail"],
        json!("main_distinct_id cannot be combined with distinct_ids_to_split")
    );
    let empty = api.post(&url, json!({"distinct_ids_to_split": []})).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(empty.json()["detail"], json!("must not be empty"));
    let not_strings = api.post(&url, json!({"distinct_ids_to_split": [1]})).await;
    assert_eq!(not_strings.json()["detail"], json!("must be a list of strings"));

    let ok = api.post(&url, json!({"distinct_ids_to_split": ["move1", "move2"]})).await;
    assert_eq!(ok.status, StatusCode::CREATED);
    assert_eq!(ok.text, r#"{"success":true}"#);

    let original = eventually("split applied", || async {
        let p = api.get_json(&format!("{}/{A_UUID}/", api.persons())).await;
        (p["distinct_ids"] == json!(["keep"])).then_some(p)
    })
    .await;
    assert_eq!(original["properties"]["email"], json!("split@example.com"));
    for id in ["move1", "move2"] {
        let moved = api.list(&format!("?distinct_id={id}")).await;
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0]["distinct_ids"], json!([id]), "each id gets its own person");
        let expected = uuid::Uuid::new_v5(
            &uuid::Uuid::parse_str("932979b4-65c3-4424-8467-0b66ec27bc22").unwrap(),
            format!("1:{id}").as_bytes(),
        );
        assert_eq!(moved[0]["uuid"], json!(expected.to_string()));
        assert_eq!(moved[0]["properties"], json!({}));
    }
    let activity = api.get_json(&format!("{}/{A_UUID}/activity/", api.persons())).await;
    assert_eq!(activity["results"][0]["activity"], json!("split_person"));
    assert_eq!(
        activity["results"][0]["detail"]["changes"][0]["after"],
        json!({"distinct_ids": ["keep", "move1", "move2"], "distinct_ids_to_split": ["move1", "move2"]})
    );

    let cohorts = api.get_json(&format!("{}/cohorts/?person_id={A_UUID}", api.persons())).await;
    let results = cohorts["results"].as_array().unwrap();
    assert!(!results.is_empty(), "a pro person is in the paying cohort");
    for cohort in results {
        let keys: Vec<&str> = cohort.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "name", "count"]);
    }
    assert!(results.iter().any(|c| c["name"] == json!("Paying customers")));
    let by_pk = api.get_json(&format!("{}/cohorts/?person_id={}", api.persons(), original["id"])).await;
    assert_eq!(by_pk, cohorts);
    let missing = api.get(&format!("{}/cohorts/?person_id=999999", api.persons())).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------
// auth, routing and error bodies

#[tokio::test]
async fn auth_missing_wrong_and_query_key() {
    let api = start(3, abc()).await;
    let http = reqwest::Client::new();
    let url = format!("{}/", api.persons());
    let none = http.get(&url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(none.headers().get("www-authenticate").is_none());
    assert_eq!(
        none.text().await.unwrap(),
        r#"{"type":"authentication_error","code":"not_authenticated","detail":"Authentication credentials were not provided.","attr":null}"#
    );
    let wrong = http.get(&url).header("Authorization", "Bearer phx_wrong_key").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.headers().get("www-authenticate").is_none());
    assert_eq!(
        wrong.text().await.unwrap(),
        r#"{"type":"authentication_error","code":"authentication_failed","detail":"Personal API key found in request Authorization header is invalid.","attr":null}"#
    );
    let query_ok = http.get(format!("{url}?personal_api_key={DEMO_KEY}")).send().await.unwrap();
    assert_eq!(query_ok.status(), StatusCode::OK);
    let query_wrong = http.get(format!("{url}?personal_api_key=nope")).send().await.unwrap();
    let body: Value = query_wrong.json().await.unwrap();
    assert_eq!(body["detail"], json!("Personal API key found in request query string is invalid."));
    let body_key = http
        .post(format!("{}/reset_person_distinct_id/", api.persons()))
        .json(&json!({"personal_api_key": DEMO_KEY, "distinct_id": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(body_key.status(), StatusCode::ACCEPTED);
    // A custom key replaces the demo key.
    let custom = start_with(SandboxConfig { key: "phx_custom".into(), ..config(0, vec![]) }).await;
    let demo_rejected =
        custom.http.get(format!("{}/?personal_api_key={DEMO_KEY}", custom.persons())).send().await.unwrap();
    assert_eq!(demo_rejected.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(custom.get(&format!("{}/", custom.persons())).await.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_endpoints_projects_and_aliases() {
    let api = start(3, abc()).await;
    for path in [
        "/api/nope/",
        "/api/projects/1/persons/5/nope/",
        "/api/projects/1/persons/funnel/nope/",
        "/api/projects/1/persons/a/b/c/",
    ] {
        let resp = api.get(&format!("{}{path}", api.base)).await;
        assert_eq!(resp.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            resp.text,
            r#"{"type":"invalid_request","code":"not_found","detail":"Endpoint not found.","attr":null}"#,
            "{path}"
        );
    }
    let unauthenticated = reqwest::get(format!("{}/api/nope/", api.base)).await.unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::NOT_FOUND, "routing comes before auth");

    let project = api.get(&format!("{}/api/projects/abc/persons/", api.base)).await;
    assert_eq!(project.status, StatusCode::NOT_FOUND);
    assert_eq!(project.json()["detail"], json!("Project not found."));
    let other = api.get(&format!("{}/api/projects/7/persons/", api.base)).await;
    assert_eq!(
        other.text,
        r#"{"type":"authentication_error","code":"permission_denied","detail":"You don't have access to the project.","attr":null}"#
    );
    for prefix in
        ["/api/projects/@current/persons", "/api/environments/1/persons/", "/api/person", "/api/person/"]
    {
        let page = api.get_json(&format!("{}{prefix}?search=another", api.base)).await;
        assert_eq!(uuids(page["results"].as_array().unwrap()), [A_UUID], "{prefix}");
    }

    let projects = api.get_json(&format!("{}/api/projects/", api.base)).await;
    assert_eq!(projects["count"], json!(1));
    assert_eq!(projects["results"][0]["id"], json!(1));
    assert_eq!(projects["results"][0]["timezone"], json!("UTC"));
    for path in ["/api/projects/@current/", "/api/projects/1", "/api/projects/@current"] {
        let project = api.get_json(&format!("{}{path}", api.base)).await;
        assert_eq!(project["name"], json!("Hogdex Demo"));
        assert_eq!(project["timezone"], json!("UTC"));
        assert_eq!(project["person_display_name_properties"], Value::Null);
    }
}

#[tokio::test]
async fn post_to_persons_is_405() {
    let api = start(0, vec![]).await;
    let resp = api.post(&format!("{}/", api.persons()), json!({"properties": {}})).await;
    assert_eq!(resp.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        resp.text,
        r#"{"type":"invalid_request","code":"method_not_allowed","detail":"Creating persons via this API is not allowed. Please create persons by sending an $identify event. See https://posthog.com/docs/product-analytics/identify for details.","attr":null}"#
    );
    let get_bulk = api.get(&format!("{}/bulk_delete/", api.persons())).await;
    assert_eq!(get_bulk.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(get_bulk.json()["detail"], json!("Method \"GET\" not allowed."));
}

#[tokio::test]
async fn non_json_body_is_415_and_bad_json_is_400() {
    let api = start(0, abc()).await;
    let url = format!("{}/{A_UUID}/update_property/", api.persons());
    let form = api
        .http
        .post(&url)
        .header("Authorization", format!("Bearer {}", api.key))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("key=foo&value=bar")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = form.json().await.unwrap();
    assert_eq!(body["type"], json!("invalid_request"));
    assert_eq!(body["code"], json!("unsupported_media_type"));
    assert_eq!(
        body["detail"],
        json!("Unsupported media type \"application/x-www-form-urlencoded\" in request.")
    );
    let broken = api
        .http
        .patch(format!("{}/{A_UUID}/", api.persons()))
        .header("Authorization", format!("Bearer {}", api.key))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    let body: Value = broken.json().await.unwrap();
    assert_eq!(body["type"], json!("invalid_request"));
    assert_eq!(body["code"], json!("parse_error"));
    assert!(body["detail"].as_str().unwrap().starts_with("JSON parse error - "));
}

// ---------------------------------------------------------------------------------------
// list rendering and paging quirks

#[tokio::test]
async fn csv_rendering() {
    let fixtures = vec![
        person(json!({"uuid": A_UUID, "distinct_ids": ["a1", "0190f0c2-aaaa-7000-8000-0000000000aa"],
            "created_at": "2026-11-20T10:00:00.252Z", "last_seen_at": "2026-11-21T00:00:00Z",
            "properties": {"email": "a@example.com", "paid": true, "score": 1.5, "nested": {"x": [1, 2]}, "note": "comma, \"quote\""}})),
        person(json!({"uuid": B_UUID, "distinct_ids": ["b1"], "created_at": "2026-11-19T10:00:00Z",
            "properties": {"email": "b@example.com", "paid": false, "gone": null}})),
    ];
    let api = start(0, fixtures).await;
    let csv = api.get(&format!("{}/?format=csv", api.persons())).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers.get("content-type").unwrap(), "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.text.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 3, "{}", csv.text);
    assert_eq!(
        lines[0],
        "created_at,distinct_ids.0,distinct_ids.1,id,is_identified,last_seen_at,name,\
         properties.email,properties.gone,properties.nested.x.0,properties.nested.x.1,\
         properties.note,properties.paid,properties.score,type,uuid,value_at_data_point"
    );
    assert_eq!(
        lines[1],
        format!(
            "2026-11-20 10:00:00.252000+00:00,a1,0190f0c2-aaaa-7000-8000-0000000000aa,{A_UUID},True,\
             2026-11-21 00:00:00+00:00,a@example.com,a@example.com,,1,2,\"comma, \"\"quote\"\"\",True,1.5,person,{A_UUID},"
        )
    );
    assert_eq!(
        lines[2],
        format!(
            "2026-11-19 10:00:00+00:00,b1,,{B_UUID},True,,b@example.com,b@example.com,,,,,False,,person,{B_UUID},"
        )
    );
    let suffix = api.get(&format!("{}/api/person.csv", api.base)).await;
    assert_eq!(suffix.text, csv.text, "the .csv suffix renders the same");
    let filter = enc(r#"[{"key":"paid","value":"true","type":"person"}]"#);
    let narrowed = api.get(&format!("{}.csv?properties={filter}", api.persons())).await;
    assert_eq!(narrowed.text.split_terminator("\r\n").count(), 2);
    let empty = api.get(&format!("{}/?format=csv&search=zzz", api.persons())).await;
    assert_eq!(empty.text, "", "no results, empty body");
}

#[tokio::test]
async fn previous_link_quirk_and_absolute_next() {
    let api = start(0, nineteen()).await;
    let page2_url = format!("{}/?limit=5&offset=5", api.persons());
    let page2 = api.get_json(&page2_url).await;
    assert_eq!(
        page2["previous"],
        json!(page2_url),
        "offset - limit == 0 is ignored: previous is the current URL"
    );
    assert_eq!(page2["next"], json!(format!("{}/?limit=5&offset=10", api.persons())));
    let page3 = api.get_json(&format!("{}/?limit=5&offset=10", api.persons())).await;
    assert_eq!(page3["previous"], json!(format!("{}/?limit=5&offset=5", api.persons())));
    let first = api.get_json(&format!("{}/?limit=5", api.persons())).await;
    assert_eq!(first["previous"], Value::Null);
    // The last full page still has a next, which returns nothing.
    let last_full = api.get_json(&format!("{}/?limit=19", api.persons())).await;
    let tail = api.get_json(last_full["next"].as_str().unwrap()).await;
    assert_eq!(tail["results"], json!([]));
    assert_eq!(tail["next"], Value::Null);
    // Built from the Host header the client sent.
    let host = api
        .http
        .get(format!("{}/?limit=1", api.persons()))
        .header("Authorization", format!("Bearer {}", api.key))
        .header("Host", "persons.example:1234")
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(host["next"], json!("http://persons.example:1234/api/projects/1/persons/?limit=1&offset=1"));
}

#[tokio::test]
async fn list_shape_and_include_total() {
    let api = start(0, abc()).await;
    let body = api.get_json(&format!("{}/?include_total=1&limit=2", api.persons())).await;
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["results", "next", "previous", "count"]);
    assert_eq!(body["count"], json!(3));
    let item = &body["results"][0];
    let keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "type",
            "id",
            "uuid",
            "created_at",
            "last_seen_at",
            "properties",
            "is_identified",
            "name",
            "distinct_ids",
            "matched_recordings",
            "value_at_data_point"
        ]
    );
    assert_eq!(item["type"], json!("person"));
    assert_eq!(item["matched_recordings"], json!([]));
    // Name falls back to the first non-anonymous distinct id, then the UUID.
    let c = api.list(&format!("?search={C_UUID}")).await;
    assert_eq!(c[0]["name"], json!("0190f0c2-aaaa-7000-8000-00000000000c"));
    assert_eq!(c[0]["is_identified"], json!(false));
}

#[tokio::test]
async fn hostile_text_round_trips_untouched() {
    let hostile = "bell\u{7} esc\u{1b}[2J rtl\u{202e}x 🦔 \"q\" \\ \r\n";
    let api = start(
        0,
        vec![person(json!({"uuid": A_UUID, "distinct_ids": ["../../users/@me"],
            "properties": {"name": hostile, "key with\u{1b}esc": 1}}))],
    )
    .await;
    let person = api.get_json(&format!("{}/{A_UUID}", api.persons())).await;
    assert_eq!(person["properties"]["name"], json!(hostile));
    assert_eq!(person["properties"]["key with\u{1b}esc"], json!(1));
    let by_distinct = api.list(&format!("?distinct_id={}", enc("../../users/@me"))).await;
    assert_eq!(uuids(&by_distinct), [A_UUID]);
}

// ---------------------------------------------------------------------------------------
// knobs and faults

#[tokio::test]
async fn rate_limit_answers_429_without_retry_after() {
    let api = start_with(SandboxConfig { rate_limit_per_min: Some(3), ..config(0, vec![]) }).await;
    let url = format!("{}/", api.persons());
    for _ in 0..3 {
        assert_eq!(api.get(&url).await.status, StatusCode::OK);
    }
    let limited = api.get(&url).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.get("retry-after").is_none());
    let body = limited.json();
    assert_eq!(body["type"], json!("throttled_error"));
    assert_eq!(body["code"], json!("throttled"));
    assert_eq!(body["attr"], Value::Null);
    let detail = body["detail"].as_str().unwrap();
    let wait: u64 = detail
        .strip_prefix("Request was throttled. Expected available in ")
        .and_then(|rest| rest.strip_suffix(" seconds.").or_else(|| rest.strip_suffix(" second.")))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected detail {detail:?}"));
    assert!((1..=60).contains(&wait), "{detail}");
}

#[tokio::test]
async fn fail_rate_one_answers_500() {
    let api = start_with(SandboxConfig { fail_rate: 1.0, ..config(0, vec![]) }).await;
    for path in ["/api/projects/1/persons/", "/api/projects/"] {
        let resp = api.get(&format!("{}{path}", api.base)).await;
        assert_eq!(resp.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            resp.text,
            r#"{"type":"server_error","code":"error","detail":"A server error occurred.","attr":null}"#
        );
    }
}

#[tokio::test]
async fn scoped_key_gets_403_on_legacy_actor_endpoints() {
    let api = start_with(SandboxConfig { scoped_key: true, ..config(0, abc()) }).await;
    for path in [
        "funnel/",
        "funnel/correlation/",
        "trends/",
        "lifecycle/?target_date=2026-11-01&lifecycle_type=new",
        &format!("{A_UUID}/properties_timeline/"),
    ] {
        let resp = api.get(&format!("{}/{path}", api.persons())).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            resp.text,
            r#"{"type":"authentication_error","code":"permission_denied","detail":"This action does not support Personal API Key access","attr":null}"#
        );
    }
    assert_eq!(
        api.get(&format!("{}/", api.persons())).await.status,
        StatusCode::OK,
        "scoped keys still list persons"
    );
}

#[tokio::test]
async fn writes_become_visible_only_after_ingestion() {
    // A long delay: the write is certainly not applied when read back at once.
    let slow = start_with(SandboxConfig { ingest_delay_ms: 600_000, ..config(0, abc()) }).await;
    let url = format!("{}/{A_UUID}/", slow.persons());
    let patch = slow.call(Method::PATCH, &url, Some(json!({"properties": {"plan": "enterprise"}}))).await;
    assert_eq!(patch.status, StatusCode::ACCEPTED);
    assert_eq!(slow.get_json(&url).await["properties"]["plan"], json!("pro"));
    assert!(slow.sandbox.captured_events().is_empty());

    // A short delay: the same write shows up once ingested.
    let api = start_with(SandboxConfig { ingest_delay_ms: 50, ..config(0, abc()) }).await;
    let url = format!("{}/{A_UUID}/", api.persons());
    let patch = api.call(Method::PATCH, &url, Some(json!({"properties": {"plan": "enterprise"}}))).await;
    assert_eq!(patch.status, StatusCode::ACCEPTED);
    eventually("PATCH ingested", || async {
        (api.get_json(&url).await["properties"]["plan"] == json!("enterprise")).then_some(())
    })
    .await;
}

#[tokio::test]
async fn demo_data_is_deterministic() {
    let first_page = |seed| async move {
        let api = start_with(SandboxConfig { seed, ..config(300, vec![]) }).await;
        let page = api.get_json(&format!("{}/?limit=50&include_total", api.persons())).await;
        let pk_detail = api.get_json(&format!("{}/1/", api.persons())).await;
        api.sandbox.shutdown().await;
        (page, pk_detail)
    };
    let (a, a_detail) = first_page(7).await;
    let (b, b_detail) = first_page(7).await;
    let (c, _) = first_page(8).await;
    // Same bytes (the ports in `next` differ between the two sandboxes).
    assert_eq!(a["results"].to_string(), b["results"].to_string(), "same seed, same data");
    assert_eq!(a_detail, b_detail);
    assert_ne!(a["results"], c["results"], "another seed, other data");
    assert_eq!(a["count"], json!(300));
    // The demo data looks like PostHog data.
    let results = a["results"].as_array().unwrap();
    assert!(results.iter().any(|p| p["properties"]["email"].is_string()));
    assert!(results.iter().any(|p| p["is_identified"] == json!(false)));
    assert!(results.iter().all(|p| p["properties"]["$geoip_country_code"].is_string()));
    let activity = {
        let api = start_with(SandboxConfig { seed: 7, ..config(300, vec![]) }).await;
        api.get_json(&format!("{}/activity/?limit=200", api.persons())).await
    };
    assert!(activity["total_count"].as_u64().unwrap() > 0, "demo activity exists");
}

#[tokio::test]
async fn deletion_status_pages_and_validates() {
    let api = start(0, abc()).await;
    for uuid in [A_UUID, B_UUID, C_UUID] {
        let resp = api.post(&format!("{}/{uuid}/delete_events/", api.persons()), json!({})).await;
        assert_eq!(resp.status, StatusCode::ACCEPTED);
        assert_eq!(resp.text, "");
    }
    // Queued once per person.
    api.post(&format!("{}/{A_UUID}/delete_events/", api.persons()), json!({})).await;
    let page = api.get_json(&format!("{}/deletion_status/?limit=2", api.persons())).await;
    let keys: Vec<&str> = page.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["count", "next", "previous", "results"]);
    assert_eq!(page["count"], json!(3));
    assert_eq!(page["results"].as_array().unwrap().len(), 2);
    assert_eq!(page["next"], json!(format!("{}/deletion_status/?limit=2&offset=2", api.persons())));
    let row = &page["results"][0];
    let keys: Vec<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["person_uuid", "created_at", "status", "delete_verified_at"]);
    assert_eq!(row["delete_verified_at"], Value::Null);
    let completed = api.get_json(&format!("{}/deletion_status/?status=completed", api.persons())).await;
    assert_eq!(completed["count"], json!(0));
    let bad = api.get(&format!("{}/deletion_status/?status=done", api.persons())).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.text,
        r#"{"type":"validation_error","code":"invalid_choice","detail":"\"done\" is not a valid choice.","attr":"status"}"#
    );
    let bad_uuid = api.get(&format!("{}/deletion_status/?person_uuid=xyz", api.persons())).await;
    assert_eq!(bad_uuid.json()["attr"], json!("person_uuid"));
    let missing = api.post(&format!("{}/999999/delete_events/", api.persons()), json!({})).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["detail"], json!("Not found."));
}

#[tokio::test]
async fn reset_person_distinct_id() {
    let api = start(0, abc()).await;
    let url = format!("{}/reset_person_distinct_id/", api.persons());
    for body in [json!({}), json!({"distinct_id": ""}), json!({"distinct_id": 5})] {
        let resp = api.post(&url, body).await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            resp.text,
            r#"{"type":"validation_error","code":"invalid_input","detail":"distinct_id is required","attr":null}"#
        );
    }
    let delete = api.call(Method::DELETE, &format!("{}/{A_UUID}/", api.persons()), None).await;
    assert_eq!(delete.status, StatusCode::ACCEPTED);
    assert!(api.sandbox.distinct_id_tombstoned("another_one"));
    let reset = api.post(&url, json!({"distinct_id": "another_one"})).await;
    assert_eq!(reset.status, StatusCode::ACCEPTED);
    assert_eq!(reset.text, "");
    assert!(!api.sandbox.distinct_id_tombstoned("another_one"));
    assert!(api.sandbox.distinct_id_tombstoned("distinct_id"), "only that id is reset");
    let unknown = api.post(&url, json!({"distinct_id": "never-seen"})).await;
    assert_eq!(unknown.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn fixtures_file_loads_and_bad_file_names_itself() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(
        &good,
        r#"[{"distinct_ids": ["from-file"], "properties": {"email": "file@example.com"}}]"#,
    )
    .unwrap();
    let api = start_with(SandboxConfig { fixtures: Some(good), ..config(0, vec![]) }).await;
    assert_eq!(api.list("?distinct_id=from-file").await.len(), 1);

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"not": "an array"}"#).unwrap();
    let error = spawn(SandboxConfig { fixtures: Some(bad.clone()), ..config(0, vec![]) })
        .await
        .err()
        .expect("a bad fixtures file is refused");
    assert!(format!("{error:#}").contains(&bad.display().to_string()), "{error:#}");
    let missing = dir.path().join("missing.json");
    let error = spawn(SandboxConfig { fixtures: Some(missing.clone()), ..config(0, vec![]) })
        .await
        .err()
        .expect("a missing fixtures file is refused");
    assert!(format!("{error:#}").contains(&missing.display().to_string()));
}
