//! The sandbox's history endpoints against fixtures with known events, over raw HTTP: the
//! properties timeline (PostHog's own `test_properties_timeline.py` cases), the query API's
//! `EventsQuery`, and the legacy actor endpoints (funnel, funnel correlation, lifecycle) with
//! their envelopes, `next` links, 400 bodies and scoped-key 403s.

mod common;

use common::raw::{Api, Resp};
use hogdex::sandbox::{FixturePerson, SandboxConfig};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// fixtures

const TIM: &str = "12345678-0000-0000-0000-000000000001";
const F1: &str = "0190f0c2-0000-7000-8000-0000000000f1";
const F2: &str = "0190f0c2-0000-7000-8000-0000000000f2";
const F3: &str = "0190f0c2-0000-7000-8000-0000000000f3";
const F4: &str = "0190f0c2-0000-7000-8000-0000000000f4";
const F5: &str = "0190f0c2-0000-7000-8000-0000000000f5";
const L_NEW: &str = "0190f0c2-0000-7000-8000-0000000000a1";
const L_RET: &str = "0190f0c2-0000-7000-8000-0000000000a2";
const L_RES: &str = "0190f0c2-0000-7000-8000-0000000000a3";
const L_DOR: &str = "0190f0c2-0000-7000-8000-0000000000a4";
const WILL: &str = "0190f0c2-0000-7000-8000-0000000000b1";
const LAST_EVENT: &str = "0190f0c2-0000-7000-8000-0000000000e6";

fn person(value: Value) -> FixturePerson {
    serde_json::from_value(value).expect("valid fixture")
}

/// PostHog's "six events but only two relevant changes" person: `bar` goes 456 → 123 → 789,
/// the 123 arriving on a non-pageview event.
fn tim() -> FixturePerson {
    person(json!({
        "uuid": TIM, "distinct_ids": ["tim", "tim-laptop"], "created_at": "2019-12-31T00:00:00Z",
        "properties": {"foo": "abc", "bar": 123},
        "events": [
            {"event": "$pageview", "timestamp": "2020-01-01T00:00:00Z", "set": {"bar": 456}},
            {"event": "whatever", "timestamp": "2020-01-02T00:00:00Z", "set": {"bar": 123}, "distinct_id": "tim-laptop"},
            {"event": "$pageview", "timestamp": "2020-01-02T01:00:00Z", "properties": {"$pathname": "/a"}},
            {"event": "$pageview", "timestamp": "2020-01-03T01:00:00Z"},
            {"event": "$pageview", "timestamp": "2020-01-04T19:00:00Z"},
            {"event": "$pageview", "timestamp": "2020-01-04T19:00:01Z", "set": {"bar": 789}, "uuid": LAST_EVENT},
        ]
    }))
}

fn funnel_person(uuid: &str, id: &str, events: &[(&str, &str)]) -> FixturePerson {
    let events: Vec<Value> = events.iter().map(|(e, t)| json!({"event": e, "timestamp": t})).collect();
    person(json!({"uuid": uuid, "distinct_ids": [id], "created_at": "2020-02-01T00:00:00Z",
        "properties": {"email": format!("{id}@example.com")}, "events": events}))
}

/// F1 converts; F2 stops after signing up; F3 only views; F4 never views; F5 signs up after
/// the 14-day window. F1 and F2 view pricing inside their funnel, F3 only before it.
fn funnel_people() -> Vec<FixturePerson> {
    vec![
        funnel_person(
            F1,
            "f1",
            &[
                ("$pageview", "2020-02-01T10:00:00Z"),
                ("viewed_pricing", "2020-02-01T10:01:00Z"),
                ("signed_up", "2020-02-01T10:05:00Z"),
                ("purchase", "2020-02-02T09:00:00Z"),
            ],
        ),
        funnel_person(
            F2,
            "f2",
            &[
                ("$pageview", "2020-02-01T11:00:00Z"),
                ("signed_up", "2020-02-01T11:05:00Z"),
                ("viewed_pricing", "2020-02-03T11:00:00Z"),
            ],
        ),
        funnel_person(
            F3,
            "f3",
            &[("viewed_pricing", "2020-02-03T08:00:00Z"), ("$pageview", "2020-02-03T09:00:00Z")],
        ),
        funnel_person(
            F4,
            "f4",
            &[("signed_up", "2020-02-01T10:00:00Z"), ("purchase", "2020-02-02T10:00:00Z")],
        ),
        funnel_person(
            F5,
            "f5",
            &[
                ("$pageview", "2020-02-01T12:00:00Z"),
                ("signed_up", "2020-02-20T12:00:00Z"),
                ("purchase", "2020-02-21T12:00:00Z"),
            ],
        ),
    ]
}

fn lifecycle_person(uuid: &str, id: &str, created: &str, views: &[&str]) -> FixturePerson {
    let events: Vec<Value> = views.iter().map(|t| json!({"event": "$pageview", "timestamp": t})).collect();
    person(
        json!({"uuid": uuid, "distinct_ids": [id], "created_at": created, "properties": {}, "events": events}),
    )
}

fn lifecycle_people() -> Vec<FixturePerson> {
    vec![
        lifecycle_person(L_NEW, "l-new", "2020-03-10T08:00:00Z", &["2020-03-10T08:00:00Z"]),
        lifecycle_person(
            L_RET,
            "l-ret",
            "2020-03-01T00:00:00Z",
            &["2020-03-09T12:00:00Z", "2020-03-10T12:00:00Z"],
        ),
        lifecycle_person(
            L_RES,
            "l-res",
            "2020-03-01T00:00:00Z",
            &["2020-03-05T12:00:00Z", "2020-03-10T12:00:00Z"],
        ),
        lifecycle_person(L_DOR, "l-dor", "2020-03-01T00:00:00Z", &["2020-03-09T12:00:00Z"]),
    ]
}

fn all_fixtures() -> Vec<FixturePerson> {
    let mut out = vec![tim()];
    out.extend(funnel_people());
    out.extend(lifecycle_people());
    out.push(person(json!({"uuid": WILL, "distinct_ids": ["will"], "properties": {"plan": "free"}})));
    out
}

// ---------------------------------------------------------------------------------------
// helpers

fn config() -> SandboxConfig {
    SandboxConfig {
        port: 0,
        persons: 0,
        ingest_delay_ms: 0,
        fixtures_inline: all_fixtures(),
        ..Default::default()
    }
}

async fn start_with(config: SandboxConfig) -> Api {
    Api::start(config).await
}

async fn start() -> Api {
    start_with(config()).await
}

/// A query string encoded the way a browser would (`form_urlencoded`).
fn qs(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Endpoint helpers for these tests, on the shared raw client.
impl Api {
    async fn timeline(&self, id: &str, pairs: &[(&str, &str)]) -> Resp {
        self.get(&format!("{}/{id}/properties_timeline/?{}", self.persons(), qs(pairs))).await
    }

    async fn query(&self, query: Value) -> Resp {
        self.call(
            Method::POST,
            &format!("{}/api/projects/1/query/", self.base),
            Some(json!({"query": query})),
        )
        .await
    }

    async fn events(&self, query: Value) -> Value {
        let resp = self.query(query).await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
        resp.json()
    }
}

fn point(timestamp: &str, bar: i64, count: i64) -> Value {
    json!({"timestamp": timestamp, "properties": {"foo": "abc", "bar": bar}, "relevant_event_count": count})
}

const PAGEVIEWS: &str = r#"[{"id": "$pageview"}]"#;
const BAR_FILTER: &str = r#"[{"key": "bar", "value": "xyz", "type": "person"}]"#;

fn uuids(envelope: &Value) -> Vec<String> {
    let mut ids: Vec<String> = envelope["results"][0]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["uuid"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

// ---------------------------------------------------------------------------------------
// properties timeline

#[tokio::test]
async fn timeline_points_follow_crucial_property_changes() {
    let api = start().await;
    let range = [("date_from", "2020-01-01"), ("date_to", "2020-01-05")];
    let resp = api
        .timeline(
            TIM,
            &[
                ("events", PAGEVIEWS),
                ("properties", BAR_FILTER),
                range[0],
                range[1],
                ("display", "ActionsTable"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(
        resp.json(),
        json!({
            "points": [
                point("2020-01-01T00:00:00Z", 456, 1),
                point("2020-01-02T01:00:00Z", 123, 3),
                point("2020-01-04T19:00:01Z", 789, 1),
            ],
            "crucial_property_keys": ["bar"],
            "effective_date_from": "2020-01-01T00:00:00+00:00",
            "effective_date_to": "2020-01-05T23:59:59.999999+00:00",
        })
    );
    // Exactly PostHog's key order.
    assert!(resp.text.starts_with(r#"{"points":[{"timestamp":"2020-01-01T00:00:00Z","properties":{"foo":"abc","bar":456},"relevant_event_count":1}"#), "{}", resp.text);

    // Without events, every event counts (the non-pageview one starts the 123 point).
    let all = api.timeline(TIM, &[("properties", BAR_FILTER), range[0], range[1]]).await.json();
    assert_eq!(
        all["points"],
        json!([
            point("2020-01-01T00:00:00Z", 456, 1),
            point("2020-01-02T00:00:00Z", 123, 4),
            point("2020-01-04T19:00:01Z", 789, 1),
        ])
    );

    // Without filters no change is relevant: one point for all five pageviews.
    let plain = api.timeline(TIM, &[("events", PAGEVIEWS), range[0], range[1]]).await.json();
    assert_eq!(plain["points"], json!([point("2020-01-01T00:00:00Z", 456, 5)]));
    assert_eq!(plain["crucial_property_keys"], json!([]));

    // The `properties` filter names keys; it does not filter the events (no one has bar=xyz).
    let breakdown = api
        .timeline(
            TIM,
            &[
                ("events", PAGEVIEWS),
                ("properties", BAR_FILTER),
                ("breakdown", "foo"),
                ("breakdown_type", "person"),
                range[0],
                range[1],
            ],
        )
        .await
        .json();
    assert_eq!(breakdown["crucial_property_keys"], json!(["bar", "foo"]));
    assert_eq!(breakdown["points"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn timeline_crucial_keys_come_from_every_filter() {
    let api = start().await;
    let events = r#"[{"id": "$pageview", "properties": [
        {"key": "foo", "type": "person", "value": ["whatever"], "operator": "exact"},
        {"key": "fin", "type": "event", "value": ["anything"], "operator": "exact"}]}]"#;
    let body = api
        .timeline(
            TIM,
            &[
                ("events", events),
                ("properties", r#"[{"key": "zed", "type": "person"}, {"key": "ev", "value": 1}]"#),
                ("breakdown", r#"["qux", "bar"]"#),
                ("breakdown_type", "person"),
                ("date_from", "2020-01-01"),
                ("date_to", "2020-01-05"),
            ],
        )
        .await
        .json();
    assert_eq!(body["crucial_property_keys"], json!(["bar", "foo", "qux", "zed"]));
    // An event breakdown adds nothing.
    let event_breakdown = api
        .timeline(
            TIM,
            &[
                ("breakdown", "qux"),
                ("breakdown_type", "event"),
                ("date_from", "2020-01-01"),
                ("date_to", "2020-01-05"),
            ],
        )
        .await
        .json();
    assert_eq!(event_breakdown["crucial_property_keys"], json!([]));
}

#[tokio::test]
async fn timeline_effective_dates_and_empty_ranges() {
    let api = start().await;
    // Nothing in range: no points, the range still reported.
    let before = api
        .timeline(
            TIM,
            &[
                ("events", PAGEVIEWS),
                ("properties", BAR_FILTER),
                ("date_from", "2019-12-01"),
                ("date_to", "2019-12-05"),
            ],
        )
        .await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(
        before.json(),
        json!({"points": [], "crucial_property_keys": ["bar"],
               "effective_date_from": "2019-12-01T00:00:00+00:00",
               "effective_date_to": "2019-12-05T23:59:59.999999+00:00"})
    );
    // A single hourly data point: date_to is pushed one hour past date_from.
    let hour = api
        .timeline(
            TIM,
            &[
                ("events", PAGEVIEWS),
                ("properties", BAR_FILTER),
                ("display", "ActionsLineGraph"),
                ("date_from", "2020-01-04T19:00:00Z"),
                ("date_to", "2020-01-04T19:00:00Z"),
                ("interval", "hour"),
            ],
        )
        .await
        .json();
    assert_eq!(hour["effective_date_from"], json!("2020-01-04T19:00:00+00:00"));
    assert_eq!(hour["effective_date_to"], json!("2020-01-04T20:00:00+00:00"));
    assert_eq!(
        hour["points"],
        json!([point("2020-01-04T19:00:00Z", 123, 1), point("2020-01-04T19:00:01Z", 789, 1)])
    );
    // A single monthly data point covers the month.
    let month = api
        .timeline(TIM, &[("date_from", "2020-01-01"), ("date_to", "2020-01-01"), ("interval", "month")])
        .await
        .json();
    assert_eq!(month["effective_date_to"], json!("2020-01-31T23:59:59.999999+00:00"));
    // Default range: the last 7 days, whole days.
    let default = api.timeline(TIM, &[]).await.json();
    assert_eq!(default["points"], json!([]));
    let from = default["effective_date_from"].as_str().unwrap();
    let to = default["effective_date_to"].as_str().unwrap();
    assert!(from.ends_with("T00:00:00+00:00") && to.ends_with("T23:59:59.999999+00:00"), "{from} {to}");
    let (f, t) = (
        chrono::DateTime::parse_from_rfc3339(from).unwrap(),
        chrono::DateTime::parse_from_rfc3339(to).unwrap(),
    );
    assert_eq!((t - f).num_days(), 7);
    // A person without events, an unknown one, and an id that is not one.
    assert_eq!(api.timeline(WILL, &[]).await.json()["points"], json!([]));
    assert_eq!(api.timeline("0190f0c2-0000-7000-8000-00000000dead", &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.timeline("not-an-id", &[]).await.status, StatusCode::BAD_REQUEST);
    // Numeric pk works too.
    assert_eq!(
        api.timeline("1", &[("date_from", "2020-01-01"), ("date_to", "2020-01-05")]).await.json()["points"]
            [0]["relevant_event_count"],
        json!(6)
    );
}

#[tokio::test]
async fn writes_through_the_api_show_up_in_a_later_timeline() {
    let api = start().await;
    let person = format!("{}/{WILL}", api.persons());
    let r = api
        .call(
            Method::POST,
            &format!("{person}/update_property/"),
            Some(json!({"key": "plan", "value": "pro"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let r = api
        .call(
            Method::PATCH,
            &format!("{person}/"),
            Some(json!({"properties": {"plan": "enterprise", "seats": 40}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let r =
        api.call(Method::POST, &format!("{person}/delete_property/"), Some(json!({"$unset": "seats"}))).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r =
        api.call(Method::POST, &format!("{person}/delete_property/"), Some(json!({"$unset": "plan"}))).await;
    assert_eq!(r.status, StatusCode::CREATED);

    // The default range (the last 7 days) holds the writes just made.
    let body = api.timeline(WILL, &[("breakdown", "plan"), ("breakdown_type", "person")]).await.json();
    let plans: Vec<(Value, Value)> = body["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (p["properties"].get("plan").cloned().unwrap_or(Value::Null), p["relevant_event_count"].clone())
        })
        .collect();
    assert_eq!(
        plans,
        vec![(json!("pro"), json!(1)), (json!("enterprise"), json!(2)), (Value::Null, json!(1))],
        "{body}"
    );
    assert_eq!(body["points"][1]["properties"], json!({"plan": "enterprise", "seats": 40}));
    assert_eq!(body["points"][2]["properties"], json!({}));

    // The same writes, as events through the query API (newest first).
    let events = api
        .events(json!({"kind": "EventsQuery", "select": ["event", "properties"], "personId": WILL, "after": "-1d", "orderBy": ["timestamp DESC"],
            "where": ["isNotNull(properties.$set) or isNotNull(properties.$set_once) or isNotNull(properties.$unset)"]}))
        .await;
    let rows = events["results"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(names, ["$delete_person_property", "$delete_person_property", "$set", "$set"]);
    assert_eq!(rows[0][1], json!(r#"{"$unset":["plan"]}"#));
    assert_eq!(rows[3][1], json!(r#"{"$set":{"plan":"pro"}}"#));
}

#[tokio::test]
async fn scoped_keys_get_403_on_the_legacy_endpoints_but_may_query() {
    let api = start_with(SandboxConfig { scoped_key: true, ..config() }).await;
    let forbidden = r#"{"type":"authentication_error","code":"permission_denied","detail":"This action does not support Personal API Key access","attr":null}"#;
    for path in [
        format!("{TIM}/properties_timeline/"),
        "funnel/".into(),
        "funnel/correlation/".into(),
        "lifecycle/".into(),
    ] {
        let resp = api.get(&format!("{}/{path}", api.persons())).await;
        assert_eq!((resp.status, resp.text.as_str()), (StatusCode::FORBIDDEN, forbidden), "{path}");
    }
    let resp = api.call(Method::POST, &format!("{}/funnel/", api.persons()), Some(json!({}))).await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    let events = api
        .events(json!({"kind": "EventsQuery", "select": ["event"], "personId": TIM, "after": "all"}))
        .await;
    assert_eq!(events["results"].as_array().unwrap().len(), 6);
}

// ---------------------------------------------------------------------------------------
// query API

#[tokio::test]
async fn events_query_star_object_and_response_shape() {
    let api = start().await;
    let body = api
        .events(json!({"kind": "EventsQuery", "select": ["*", "event", "timestamp"], "personId": TIM, "after": "all"}))
        .await;
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "columns",
        "results",
        "types",
        "hasMore",
        "limit",
        "offset",
        "hogql",
        "timings",
        "modifiers",
        "is_cached",
        "cache_key",
        "timezone",
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    assert_eq!(body["columns"], json!(["*", "event", "timestamp"]));
    assert!(body["types"][0].as_str().unwrap().starts_with("Tuple("));
    assert_eq!(body["types"][1], json!("String"));
    assert_eq!(body["types"][2], json!("DateTime64(6, 'UTC')"));
    assert_eq!(
        (body["hasMore"].clone(), body["limit"].clone(), body["offset"].clone()),
        (json!(false), json!(100), json!(0))
    );
    assert_eq!((body["is_cached"].clone(), body["timezone"].clone()), (json!(false), json!("UTC")));
    assert_eq!((body["timings"].clone(), body["modifiers"].clone()), (json!([]), json!({})));
    assert!(body["hogql"].as_str().unwrap().starts_with("SELECT *, event, timestamp FROM events WHERE "));
    assert!(body["cache_key"].as_str().unwrap().starts_with("cache_"));
    let rows = body["results"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    // Newest first; both distinct ids' events.
    let times: Vec<&str> = rows.iter().map(|r| r[2].as_str().unwrap()).collect();
    assert_eq!(
        times,
        [
            "2020-01-04T19:00:01Z",
            "2020-01-04T19:00:00Z",
            "2020-01-03T01:00:00Z",
            "2020-01-02T01:00:00Z",
            "2020-01-02T00:00:00Z",
            "2020-01-01T00:00:00Z"
        ]
    );
    assert_eq!(
        rows[0][0],
        json!({"uuid": LAST_EVENT, "event": "$pageview", "properties": {"$set": {"bar": 789}},
               "timestamp": "2020-01-04T19:00:01Z", "team_id": 1, "distinct_id": "tim", "elements_chain": "",
               "created_at": "2020-01-04T19:00:01Z"})
    );
    let star_keys: Vec<&str> = rows[0][0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        star_keys,
        [
            "uuid",
            "event",
            "properties",
            "timestamp",
            "team_id",
            "distinct_id",
            "elements_chain",
            "created_at"
        ]
    );
    assert_eq!(rows[4][0]["distinct_id"], json!("tim-laptop"));

    // Plain columns; the integer pk finds the same person; ascending order.
    let plain = api
        .events(json!({"kind": "EventsQuery", "select": ["uuid", "event", "distinct_id", "person_id", "properties", "properties.$pathname"],
            "personId": 1, "after": "all", "orderBy": ["timestamp ASC"]}))
        .await;
    assert_eq!(plain["types"], json!(["UUID", "String", "String", "UUID", "String", "Nullable(String)"]));
    let first = &plain["results"][0];
    assert_eq!(first[1], json!("$pageview"));
    assert_eq!(first[3], json!(TIM));
    assert_eq!(first[4], json!(r#"{"$set":{"bar":456}}"#));
    assert_eq!(plain["results"][2][5], json!("/a"));
    assert_eq!(first[5], Value::Null);
    // Empty select means `*`.
    let star = api
        .events(json!({"kind": "EventsQuery", "select": [], "personId": TIM, "after": "all", "limit": 1}))
        .await;
    assert_eq!(star["columns"], json!(["*"]));
}

#[tokio::test]
async fn events_query_paging_dates_and_filters() {
    let api = start().await;
    let q = |extra: Value| {
        let mut q =
            json!({"kind": "EventsQuery", "select": ["event", "timestamp"], "personId": TIM, "after": "all"});
        q.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        q
    };
    let page1 = api.events(q(json!({"limit": 4}))).await;
    assert_eq!((page1["results"].as_array().unwrap().len(), page1["hasMore"].clone()), (4, json!(true)));
    let page2 = api.events(q(json!({"limit": 4, "offset": 4}))).await;
    assert_eq!((page2["results"].as_array().unwrap().len(), page2["hasMore"].clone()), (2, json!(false)));
    assert_eq!((page2["limit"].clone(), page2["offset"].clone()), (json!(4), json!(4)));
    assert_eq!(page2["results"][1], json!(["$pageview", "2020-01-01T00:00:00Z"]));
    let exact = api.events(q(json!({"limit": 6}))).await;
    assert_eq!(exact["hasMore"], json!(false));

    // after/before are exclusive bounds.
    let window =
        api.events(q(json!({"after": "2020-01-02T00:00:00Z", "before": "2020-01-04T19:00:00Z"}))).await;
    assert_eq!(
        window["results"],
        json!([["$pageview", "2020-01-03T01:00:00Z"], ["$pageview", "2020-01-02T01:00:00Z"]])
    );
    let dated = api.events(q(json!({"after": "2020-01-03", "before": "2020-01-04"}))).await;
    assert_eq!(dated["results"].as_array().unwrap().len(), 1);
    // The default lower bound is 24 hours ago: nothing from 2020.
    let recent = api.events(json!({"kind": "EventsQuery", "select": ["event"], "personId": TIM})).await;
    assert_eq!(recent["results"], json!([]));
    let relative = api.events(q(json!({"after": "-100y"}))).await;
    assert_eq!(relative["results"].as_array().unwrap().len(), 6);

    // The property-change predicate, event names, both ways.
    let sets = api
        .events(q(json!({"where": ["  ISNOTNULL(properties.$set)\n or isNotNull(properties.$set_once)  OR isNotNull(properties.$unset)"]})))
        .await;
    let names: Vec<&str> =
        sets["results"].as_array().unwrap().iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(names, ["$pageview", "whatever", "$pageview"]);
    assert_eq!(api.events(q(json!({"event": "whatever"}))).await["results"].as_array().unwrap().len(), 1);
    assert_eq!(
        api.events(q(json!({"where": ["event = 'whatever'"]}))).await["results"].as_array().unwrap().len(),
        1
    );
    // An unknown person has no events.
    let nobody = api.events(json!({"kind": "EventsQuery", "select": ["event"], "personId": "0190f0c2-0000-7000-8000-00000000dead", "after": "all"})).await;
    assert_eq!(nobody["results"], json!([]));
    // Without personId: the whole project.
    let project =
        api.events(json!({"kind": "EventsQuery", "select": ["event"], "after": "all", "limit": 1000})).await;
    assert_eq!(project["results"].as_array().unwrap().len(), 6 + 4 + 3 + 2 + 2 + 3 + 1 + 2 + 2 + 1);
}

#[tokio::test]
async fn query_errors_are_400_validation_errors() {
    let api = start().await;
    let unsupported = api
        .query(json!({"kind": "EventsQuery", "select": ["event"], "personId": TIM, "where": ["timestamp > now() - interval 1 day"]}))
        .await;
    assert_eq!(unsupported.status, StatusCode::BAD_REQUEST);
    let body = unsupported.json();
    assert_eq!(
        (body["type"].clone(), body["code"].clone(), body["attr"].clone()),
        (json!("validation_error"), json!("invalid_input"), Value::Null)
    );
    assert!(
        body["detail"].as_str().unwrap().starts_with(
            "The hogdex sandbox does not support this HogQL: where `timestamp > now() - interval 1 day`"
        ),
        "{body}"
    );
    for (query, needle) in [
        (json!({"kind": "EventsQuery", "select": ["count()"]}), "does not support this HogQL"),
        (
            json!({"kind": "EventsQuery", "select": ["*"], "orderBy": ["event DESC"]}),
            "does not support this HogQL",
        ),
        (json!({"kind": "HogQLQuery", "query": "select 1"}), "does not run HogQLQuery"),
        (json!({"kind": "TrendsQuery", "series": []}), "query kind 'TrendsQuery'"),
        (json!({"select": ["*"]}), "kind"),
    ] {
        let resp = api.query(query.clone()).await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(resp.json()["type"], json!("validation_error"));
        assert!(resp.json()["detail"].as_str().unwrap().contains(needle), "{query}: {}", resp.text);
    }
    let no_query =
        api.call(Method::POST, &format!("{}/api/projects/1/query/", api.base), Some(json!({}))).await;
    assert_eq!(no_query.status, StatusCode::BAD_REQUEST);
    let get = api.get(&format!("{}/api/projects/1/query/", api.base)).await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
}

// ---------------------------------------------------------------------------------------
// funnel

const STEPS: &str =
    r#"[{"id": "$pageview", "order": 0}, {"id": "signed_up", "order": 1}, {"id": "purchase", "order": 2}]"#;

fn funnel_pairs<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut pairs = vec![("events", STEPS), ("date_from", "2020-02-01"), ("date_to", "2020-02-28")];
    pairs.extend_from_slice(extra);
    pairs
}

#[tokio::test]
async fn funnel_converted_and_dropped_persons() {
    let api = &start().await;
    let funnel = |extra: Vec<(&'static str, &'static str)>| {
        let url = format!("{}/funnel/?{}", api.persons(), qs(&funnel_pairs(&extra)));
        async move { api.get(&url).await }
    };
    let step = |n: &'static str| funnel(vec![("funnel_step", n)]);
    let sorted = |mut v: Vec<&str>| {
        v.sort();
        v.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(uuids(&step("1").await.json()), sorted(vec![F1, F2, F3, F5]));
    assert_eq!(uuids(&step("2").await.json()), sorted(vec![F1, F2]));
    assert_eq!(uuids(&step("3").await.json()), sorted(vec![F1]));
    assert_eq!(uuids(&step("-2").await.json()), sorted(vec![F3, F5]), "did step 1, not step 2");
    assert_eq!(uuids(&step("-3").await.json()), sorted(vec![F2]));
    let wide = funnel(vec![("funnel_step", "3"), ("funnel_window_days", "30")]).await.json();
    assert_eq!(uuids(&wide), sorted(vec![F1, F5]));
    let interval = funnel(vec![
        ("funnel_step", "3"),
        ("funnel_window_interval", "3"),
        ("funnel_window_interval_unit", "week"),
    ])
    .await
    .json();
    assert_eq!(uuids(&interval), sorted(vec![F1, F5]));
    let minutes = funnel(vec![
        ("funnel_step", "2"),
        ("funnel_window_interval", "4"),
        ("funnel_window_interval_unit", "minute"),
    ])
    .await
    .json();
    assert_eq!(uuids(&minutes), Vec::<String>::new());

    // The envelope, with SerializedPerson items.
    let body = step("3").await;
    assert_eq!(body.status, StatusCode::OK);
    let body = body.json();
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["results", "next", "initial", "missing_persons", "is_cached", "last_refresh"]);
    assert_eq!(
        (body["next"].clone(), body["missing_persons"].clone(), body["is_cached"].clone()),
        (Value::Null, json!(0), json!(false))
    );
    assert_eq!(body["results"][0]["count"], json!(1));
    let f1 = &body["results"][0]["people"][0];
    assert_eq!(
        *f1,
        json!({"type": "person", "id": F1, "uuid": F1, "created_at": "2020-02-01T00:00:00Z", "last_seen_at": null,
               "properties": {"email": "f1@example.com"}, "is_identified": true, "name": "f1@example.com",
               "distinct_ids": ["f1"], "matched_recordings": [], "value_at_data_point": null})
    );
    let initial = format!("{}/funnel/?{}", api.persons(), qs(&funnel_pairs(&[("funnel_step", "3")])));
    assert_eq!(body["initial"], json!(initial));

    // A JSON body works the same (POST).
    let posted = api
        .call(Method::POST, &format!("{}/funnel/", api.persons()),
            Some(json!({"events": serde_json::from_str::<Value>(STEPS).unwrap(), "date_from": "2020-02-01", "date_to": "2020-02-28", "funnel_step": -2})))
        .await;
    assert_eq!(posted.status, StatusCode::OK);
    assert_eq!(uuids(&posted.json()), sorted(vec![F3, F5]));
    // Outside the date range: nobody.
    let empty = api
        .get(&format!(
            "{}/funnel/?{}",
            api.persons(),
            qs(&[
                ("events", STEPS),
                ("date_from", "2020-04-01"),
                ("date_to", "2020-04-05"),
                ("funnel_step", "1")
            ])
        ))
        .await;
    assert_eq!(empty.json()["results"], json!([{"people": [], "count": 0}]));
    // PostHog fails without a step (500), and refuses unknown actions.
    assert_eq!(funnel(vec![]).await.status, StatusCode::INTERNAL_SERVER_ERROR);
    let action = api
        .get(&format!(
            "{}/funnel/?{}",
            api.persons(),
            qs(&[("actions", r#"[{"id": 7, "order": 0}]"#), ("funnel_step", "1")])
        ))
        .await;
    assert_eq!(action.status, StatusCode::BAD_REQUEST);
    assert_eq!(action.json()["detail"], json!("Action ID 7 does not exist!"));
}

#[tokio::test]
async fn funnel_next_link_is_relative_once_the_request_has_an_offset() {
    let api = start().await;
    let first_q = qs(&funnel_pairs(&[("funnel_step", "1"), ("limit", "2")]));
    let first = api.get(&format!("{}/funnel/?{first_q}", api.persons())).await.json();
    assert_eq!(first["results"][0]["count"], json!(2));
    // No offset in the request: the absolute URL with `offset=` appended.
    let next = format!("{}/funnel/?{first_q}&offset=2", api.persons());
    assert_eq!(first["next"], json!(next));
    // With an offset: a relative path without the leading slash.
    let second = api.get(&next).await.json();
    assert_eq!(second["results"][0]["count"], json!(2));
    assert_eq!(second["next"], json!(format!("api/projects/1/persons/funnel/?{first_q}&offset=4")));
    let third = api.get(&format!("{}/funnel/?{first_q}&offset=4", api.persons())).await.json();
    assert_eq!((third["results"][0]["count"].clone(), third["next"].clone()), (json!(0), Value::Null));
    // The pages cover the four persons once each.
    let mut all = uuids(&first);
    all.extend(uuids(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 4);
}

#[tokio::test]
async fn funnel_correlation_persons_and_its_removal() {
    let api = &start().await;
    let entity = r#"{"id": "viewed_pricing", "type": "events"}"#;
    let corr = |converted: &'static str| {
        let url = format!(
            "{}/funnel/correlation/?{}",
            api.persons(),
            qs(&funnel_pairs(&[
                ("funnel_correlation_person_entity", entity),
                ("funnel_correlation_person_converted", converted)
            ]))
        );
        async move { api.get(&url).await.json() }
    };
    let converted = corr("true").await;
    assert_eq!(uuids(&converted), vec![F1.to_owned()]);
    assert_eq!(converted["next"], Value::Null);
    assert_eq!(uuids(&corr("false").await), vec![F2.to_owned()], "F3 viewed pricing before its funnel");
    // `next` uses the correlation limit/offset names.
    let q = qs(&funnel_pairs(&[
        ("funnel_correlation_person_entity", entity),
        ("funnel_correlation_person_limit", "1"),
    ]));
    let paged = api.get(&format!("{}/funnel/correlation/?{q}", api.persons())).await.json();
    assert_eq!(paged["results"][0]["count"], json!(1));
    assert_eq!(
        paged["next"],
        json!(format!("{}/funnel/correlation/?{q}&funnel_correlation_person_offset=1", api.persons()))
    );

    // The newest PostHog has no such route: 404 before authentication.
    let gone = start_with(SandboxConfig { correlation: false, ..config() }).await;
    let resp = gone.get(&format!("{}/funnel/correlation/?{q}", gone.persons())).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    assert_eq!(
        resp.text,
        r#"{"type":"invalid_request","code":"not_found","detail":"Endpoint not found.","attr":null}"#
    );
    let anonymous = reqwest::get(format!("{}/funnel/correlation/", gone.persons())).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        gone.get(&format!("{}/funnel/?{}", gone.persons(), qs(&funnel_pairs(&[("funnel_step", "1")]))))
            .await
            .status,
        StatusCode::OK
    );
}

// ---------------------------------------------------------------------------------------
// lifecycle

#[tokio::test]
async fn lifecycle_classes_and_missing_parameters() {
    let api = &start().await;
    let lifecycle = |kind: &str| {
        let url = format!(
            "{}/lifecycle/?{}",
            api.persons(),
            qs(&[
                ("target_date", "2020-03-10"),
                ("lifecycle_type", kind),
                ("date_from", "2020-03-01"),
                ("date_to", "2020-03-15"),
                ("events", PAGEVIEWS)
            ])
        );
        async move { api.get(&url).await }
    };
    for (kind, who) in [("new", L_NEW), ("returning", L_RET), ("resurrecting", L_RES), ("dormant", L_DOR)] {
        let resp = lifecycle(kind).await;
        assert_eq!(resp.status, StatusCode::OK, "{kind}");
        let body = resp.json();
        let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["results", "next"]);
        assert_eq!(uuids(&body), vec![who.to_owned()], "{kind}");
        assert_eq!((body["results"][0]["count"].clone(), body["next"].clone()), (json!(1), Value::Null));
    }
    // `events` defaults to pageviews; the day before, the returning person was resurrecting.
    let day_before = api
        .get(&format!(
            "{}/lifecycle/?{}",
            api.persons(),
            qs(&[
                ("target_date", "2020-03-09"),
                ("lifecycle_type", "resurrecting"),
                ("date_from", "2020-03-01"),
                ("date_to", "2020-03-15")
            ])
        ))
        .await
        .json();
    let mut expected = vec![L_RET.to_owned(), L_DOR.to_owned()];
    expected.sort();
    assert_eq!(uuids(&day_before), expected);

    let missing_date = api.get(&format!("{}/lifecycle/?lifecycle_type=new", api.persons())).await;
    assert_eq!(missing_date.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        missing_date.text,
        r#"{"message":"Missing parameter","detail":"Must include specified date"}"#
    );
    let missing_type = api.get(&format!("{}/lifecycle/?target_date=2020-03-10", api.persons())).await;
    assert_eq!(missing_type.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        missing_type.text,
        r#"{"message":"Missing parameter","detail":"Must include lifecycle type"}"#
    );
    let neither = api.get(&format!("{}/lifecycle/", api.persons())).await;
    assert_eq!(neither.text, r#"{"message":"Missing parameter","detail":"Must include specified date"}"#);
    // GET only.
    assert_eq!(
        api.call(Method::POST, &format!("{}/lifecycle/", api.persons()), Some(json!({}))).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}
