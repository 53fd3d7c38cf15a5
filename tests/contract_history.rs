//! Contract tests, client ↔ sandbox, for history and insight persons: the properties timeline
//! (and its events fallback for scoped keys), a person's events through the query API, and the
//! legacy actor endpoints (funnel, funnel correlation, lifecycle) with their failures told as
//! one sentence. Ends with the CLI commands run as a user runs them.
mod common;

use common::*;
use hogdex::api::{
    ApiError, Client, CorrelationParams, ErrorKind, EventsQuery, FunnelParams, LifecycleParams,
    LifecycleType, PersonId, PropertiesTimeline, PropertyFilter, TimelineParams, TimelineSource,
    parse_timestamp,
};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;

/// Demo persons in the sandboxes of these tests (small: funnels scan every person).
const DEMO: usize = 150;

fn plan_params() -> TimelineParams {
    TimelineParams {
        date_from: Some("all".into()),
        properties: vec![PropertyFilter::is_set("plan")],
        ..Default::default()
    }
}

/// A demo person whose plan changed at least twice (a point at creation, one per plan).
async fn person_with_plan_history(client: &Client) -> (PersonId, PropertiesTimeline) {
    let page = client
        .list_persons(&hogdex::api::ListParams { limit: Some(DEMO as u32), ..Default::default() })
        .await
        .unwrap();
    for p in &page.results {
        let id = PersonId::parse(p.uuid()).unwrap();
        let t = client.properties_timeline(id, &plan_params()).await.unwrap();
        if t.points.len() >= 3 {
            return (id, t);
        }
    }
    panic!("no demo person with a plan history among {DEMO}");
}

fn plan_of(props: &serde_json::Map<String, Value>) -> Option<&Value> {
    props.get("plan")
}

fn ids(persons: &[hogdex::api::PersonListItem]) -> HashSet<String> {
    persons.iter().map(|p| p.uuid().to_string()).collect()
}

// ---- properties timeline ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn properties_timeline_success_shapes() {
    let env = start(DEMO, |_| {}).await;
    let (id, t) = person_with_plan_history(&env.client).await;
    assert_eq!(t.crucial_property_keys, ["plan"]);
    assert!(t.effective_date_from.is_some() && t.effective_date_to.is_some());
    // The first event (creation, before any $set) makes the first point; every later point
    // changes the plan; counts cover every event.
    assert_eq!(plan_of(&t.points[0].properties), None);
    for pair in t.points.windows(2) {
        assert_ne!(plan_of(&pair[0].properties), plan_of(&pair[1].properties));
        assert!(parse_timestamp(&pair[0].timestamp).unwrap() < parse_timestamp(&pair[1].timestamp).unwrap());
    }
    assert!(t.points.iter().all(|p| p.relevant_event_count >= 1));
    let diffs = t.diffs();
    assert!(diffs[1].iter().any(|c| c.key() == "plan"));

    // The request carried the filter and dates in PostHog's legacy form.
    let sent = env.sandbox.requests();
    let req = sent.iter().rev().find(|r| r.path.ends_with("/properties_timeline/")).unwrap();
    let query = req.query.as_deref().unwrap();
    assert!(query.contains("date_from=all") && query.contains("properties="), "{query}");

    // `timeline()` uses the endpoint when it can.
    let result = env.client.timeline(id, &plan_params()).await.unwrap();
    assert_eq!(result.source, TimelineSource::Endpoint);
    assert_eq!(result.timeline, t);
    assert_eq!(result.source_note(), "properties_timeline endpoint");

    // A narrow window with nothing in it: no points.
    let empty = TimelineParams {
        date_from: Some("2001-01-01".into()),
        date_to: Some("2001-01-02".into()),
        ..plan_params()
    };
    assert!(env.client.properties_timeline(id, &empty).await.unwrap().points.is_empty());
    // A person that does not exist.
    let missing = PersonId::parse("0190f0c2-0000-7000-8000-00000000dead").unwrap();
    let e = env.client.properties_timeline(missing, &plan_params()).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::NotFound { .. }), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn scoped_key_falls_back_to_events_with_the_same_points() {
    let open = start(DEMO, |_| {}).await;
    let scoped = start(DEMO, |c| c.scoped_key = true).await;
    let (id, endpoint) = person_with_plan_history(&open.client).await;

    // The endpoint itself refuses the scoped key, in one sentence.
    let refusal = scoped.client.properties_timeline(id, &plan_params()).await.unwrap_err();
    assert!(refusal.is_scoped_key_refusal());
    assert_eq!(refusal.status(), Some(403));

    let result = scoped.client.timeline(id, &plan_params()).await.unwrap();
    assert_eq!(result.source, TimelineSource::Events);
    assert!(!result.truncated);
    assert_eq!(result.source_note(), "the person's events (this key cannot use properties_timeline)");
    let fallback = &result.timeline;
    assert_eq!(fallback.crucial_property_keys, endpoint.crucial_property_keys);

    // The endpoint's first point is the person's first event (no plan yet); the events only
    // see $set events, so the fallback starts at the first one. From there the points agree:
    // same times, same plans, and every property the events set has the endpoint's value.
    assert_eq!(plan_of(&endpoint.points[0].properties), None);
    let expected = &endpoint.points[1..];
    assert_eq!(fallback.points.len(), expected.len(), "{fallback:#?}\nvs\n{endpoint:#?}");
    for (f, e) in fallback.points.iter().zip(expected) {
        assert_eq!(parse_timestamp(&f.timestamp), parse_timestamp(&e.timestamp));
        assert_eq!(plan_of(&f.properties), plan_of(&e.properties));
        for (k, v) in &f.properties {
            assert_eq!(e.properties.get(k), Some(v), "{k} at {}", f.timestamp);
        }
        assert!(f.relevant_event_count >= 1 && f.relevant_event_count <= e.relevant_event_count);
    }

    // What the fallback asked for: the person's property updates, oldest first, from the start.
    let sent = scoped.sandbox.requests();
    let q = sent.iter().rev().find(|r| r.path.ends_with("/query/")).and_then(|r| r.body.clone()).unwrap();
    let q = &q["query"];
    assert_eq!(q["kind"], "EventsQuery");
    assert_eq!(q["personId"], id.to_string());
    assert_eq!((q["after"].as_str(), q["orderBy"][0].as_str()), (Some("all"), Some("timestamp ASC")));
    assert!(q["where"][0].as_str().unwrap().contains("isNotNull(properties.$set_once)"));
}

#[tokio::test(flavor = "multi_thread")]
async fn fallback_follows_writes_made_through_the_api() {
    let env = start(0, |c| c.scoped_key = true).await;
    let bob = PersonId::parse(BOB).unwrap();
    for plan in ["trial", "pro"] {
        env.client.update_property(bob, "plan", json!(plan)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    env.client.update_property(bob, "seats", json!(3)).await.unwrap();
    env.client.delete_property(bob, "seats").await.unwrap();
    let params = TimelineParams { properties: vec![PropertyFilter::is_set("plan")], ..Default::default() };
    let result = eventually("the writes show in the timeline", Duration::from_secs(5), || async {
        let r = env.client.timeline(bob, &params).await.unwrap();
        (r.timeline.points.iter().map(|p| p.relevant_event_count).sum::<u64>() == 4).then_some(r)
    })
    .await;
    assert_eq!(result.source, TimelineSource::Events);
    let plans: Vec<Option<&Value>> = result.timeline.points.iter().map(|p| plan_of(&p.properties)).collect();
    assert_eq!(plans, [Some(&json!("trial")), Some(&json!("pro"))]);
    let last = &result.timeline.points[1];
    assert_eq!(last.relevant_event_count, 3, "the seats $set and its $unset keep the plan");
    assert!(!last.properties.contains_key("seats"));
}

// ---- events (query API) ------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn events_query_pages_and_windows() {
    let env = start(0, |_| {}).await;
    let alice = PersonId::parse(ALICE).unwrap();
    for n in 1..=3 {
        env.client.update_property(alice, "visits", json!(n)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let all = eventually("three $set events", Duration::from_secs(5), || async {
        let page = env.client.events_query(&EventsQuery::for_person(alice)).await.unwrap();
        (page.events.len() == 3).then_some(page)
    })
    .await;
    assert!(!all.has_more);
    // Newest first, each the `*` object with parsed properties.
    let visits: Vec<Value> = all.events.iter().map(|e| e.properties["$set"]["visits"].clone()).collect();
    assert_eq!(visits, [json!(3), json!(2), json!(1)]);
    let e = &all.events[0];
    assert_eq!(e.event, "$set");
    assert!(!e.uuid.is_empty() && parse_timestamp(&e.timestamp).is_some());
    assert!(["alice-1", "alice-2"].contains(&e.distinct_id.as_str()));

    // The default window is a week, sent explicitly (PostHog's own default is 24 hours).
    let sent = env.sandbox.requests();
    let body = sent.iter().rev().find(|r| r.path.ends_with("/query/")).and_then(|r| r.body.clone()).unwrap();
    assert_eq!(body["query"]["after"], "-7d");
    assert_eq!(body["query"]["personId"], ALICE);

    // Paging with limit/offset and hasMore.
    let page1 =
        env.client.events_query(&EventsQuery { limit: Some(2), ..EventsQuery::for_person(alice) }).await;
    let page1 = page1.unwrap();
    assert_eq!((page1.events.len(), page1.has_more), (2, true));
    let q2 = EventsQuery { limit: Some(2), offset: Some(2), ..EventsQuery::for_person(alice) };
    let page2 = env.client.events_query(&q2).await.unwrap();
    assert_eq!((page2.events.len(), page2.has_more), (1, false));
    assert_eq!(page2.events[0].uuid, all.events[2].uuid);

    // Oldest first; a window after the events; an event name that does not match.
    let asc =
        env.client.events_query(&EventsQuery { order_asc: true, ..EventsQuery::for_person(alice) }).await;
    assert_eq!(asc.unwrap().events[0].uuid, all.events[2].uuid);
    let later = EventsQuery { after: Some("2099-01-01".into()), ..EventsQuery::for_person(alice) };
    assert!(env.client.events_query(&later).await.unwrap().events.is_empty());
    let other = EventsQuery { event: Some("$pageview".into()), ..EventsQuery::for_person(alice) };
    assert!(env.client.events_query(&other).await.unwrap().events.is_empty());
    // Bob has no events.
    let bob = EventsQuery::for_person(PersonId::parse(BOB).unwrap());
    assert!(env.client.events_query(&bob).await.unwrap().events.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn events_query_walks_a_demo_persons_history() {
    let env = start(DEMO, |_| {}).await;
    let (id, _) = person_with_plan_history(&env.client).await;
    let q = EventsQuery { after: Some("all".into()), limit: Some(3), ..EventsQuery::for_person(id) };
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = env.client.events_query(&EventsQuery { offset: Some(offset), ..q.clone() }).await.unwrap();
        offset += page.events.len() as u64;
        seen.extend(page.events);
        if !page.has_more {
            break;
        }
    }
    let unique: HashSet<&str> = seen.iter().map(|e| e.uuid.as_str()).collect();
    assert_eq!(unique.len(), seen.len(), "no event twice across pages");
    assert!(seen.iter().any(|e| e.event == "$set"));
    let times: Vec<_> = seen.iter().map(|e| parse_timestamp(&e.timestamp).unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_running_query_is_polled_until_done() {
    let running = http_response(
        "202 Accepted",
        "application/json",
        r#"{"query_status": {"id": "q-123", "complete": false}, "results": null}"#,
    );
    let done = http_response(
        "200 OK",
        "application/json",
        r#"{"query_status": {"id": "q-123", "complete": true, "results": {"columns": ["*"],
            "results": [[{"uuid": "u1", "event": "x", "timestamp": "2026-11-01T00:00:00Z", "distinct_id": "d",
            "properties": {}}]], "hasMore": false}}}"#,
    );
    let (base, served) = raw_server_seq(vec![running.clone(), running, done]).await;
    let client = raw_client(&base);
    let page = client.events_query(&EventsQuery::for_person(PersonId::Pk(1))).await.unwrap();
    assert_eq!(page.events[0].event, "x");
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 3);

    let forever = http_response(
        "202 Accepted",
        "application/json",
        r#"{"query_status": {"id": "q-9", "complete": false}}"#,
    );
    let (base, _) = raw_server_seq(vec![forever]).await;
    let e = raw_client(&base).events_query(&EventsQuery::for_person(PersonId::Pk(1))).await.unwrap_err();
    assert!(e.to_string().contains("still running the events query"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_events_fallback_reads_at_most_ten_thousand_updates() {
    let refusal = http_response(
        "403 Forbidden",
        "application/json",
        r#"{"type":"authentication_error","code":"permission_denied","detail":"This action does not support Personal API Key access","attr":null}"#,
    );
    let rows: Vec<Value> = (0..1000)
        .map(|i| {
            json!([{"uuid": format!("u{i}"), "event": "$set", "distinct_id": "d",
                    "timestamp": format!("2026-11-20T10:{:02}:{:02}Z", i / 60 % 60, i % 60),
                    "properties": {"$set": {"n": i}}}])
        })
        .collect();
    let page = http_response(
        "200 OK",
        "application/json",
        &json!({"columns": ["*"], "results": rows, "hasMore": true}).to_string(),
    );
    let (base, served) = raw_server_seq(vec![refusal, page]).await;
    let params = TimelineParams { date_from: Some("all".into()), ..Default::default() };
    let result = raw_client(&base).timeline(PersonId::Pk(1), &params).await.unwrap();
    assert_eq!(result.source, TimelineSource::Events);
    assert!(result.truncated);
    assert!(
        result.source_note().contains("only the first 10000 property updates"),
        "{}",
        result.source_note()
    );
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 1 + 10);
    assert_eq!(result.timeline.points.len(), 1, "no crucial keys: one point");
    assert_eq!(result.timeline.points[0].relevant_event_count, 10_000);
}

fn raw_client(base: &str) -> Client {
    use hogdex::api::{ApiKey, ClientOptions, Pacer, ProjectRef, resolve_host};
    let opts = ClientOptions {
        timeout: Duration::from_secs(10),
        pacer: std::sync::Arc::new(Pacer::unlimited()),
        get_retries: 0,
        query_wait: Duration::from_secs(2),
        ..Default::default()
    };
    Client::new(resolve_host(base, false).unwrap(), ProjectRef::Id(1), ApiKey::new("phx_test"), opts).unwrap()
}

// ---- funnel, correlation, lifecycle ------------------------------------------------------

fn signup_funnel(step: i32) -> FunnelParams {
    FunnelParams {
        steps: vec!["$pageview".into(), "signed_up".into()],
        date_from: Some("all".into()),
        step,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn funnel_converted_and_dropped_persons() {
    let env = start(DEMO, |_| {}).await;
    let all_of = |step| FunnelParams { limit: Some(1000), ..signup_funnel(step) };
    let converted = env.client.persons_funnel(&all_of(2)).await.unwrap();
    let dropped = env.client.persons_funnel(&all_of(-2)).await.unwrap();
    let entered = env.client.persons_funnel(&all_of(1)).await.unwrap();
    assert!(!converted.persons.is_empty() && !dropped.persons.is_empty());
    assert_eq!(converted.count as usize, converted.persons.len());
    let (c, d, all) = (ids(&converted.persons), ids(&dropped.persons), ids(&entered.persons));
    assert!(c.is_disjoint(&d), "a person either converted or dropped off");
    assert!(c.is_subset(&all) && d.is_subset(&all));

    // A converted person signed up.
    let first = PersonId::parse(converted.persons[0].uuid()).unwrap();
    let q = EventsQuery {
        after: Some("all".into()),
        event: Some("signed_up".into()),
        ..EventsQuery::for_person(first)
    };
    assert!(!env.client.events_query(&q).await.unwrap().events.is_empty());

    // Paging: an absolute `next` first, then a relative path without a leading slash.
    let small = FunnelParams { limit: Some(2), ..signup_funnel(1) };
    let p1 = env.client.persons_funnel(&small).await.unwrap();
    let next = p1.next.clone().expect("a full page has next");
    assert!(next.starts_with("http"), "{next}");
    let p2 = env.client.actors_next(&next).await.unwrap();
    let next2 = p2.next.clone().expect("still more");
    assert!(next2.starts_with("api/projects/"), "relative: {next2}");
    let p3 = env.client.actors_next(&next2).await.unwrap();
    let walked: Vec<String> =
        [&p1, &p2, &p3].iter().flat_map(|p| p.persons.iter().map(|x| x.uuid().to_string())).collect();
    assert_eq!(walked.len(), 6);
    assert_eq!(walked.iter().collect::<HashSet<_>>().len(), 6, "no overlap between pages");
    let entered_order: Vec<String> = entered.persons.iter().take(6).map(|p| p.uuid().to_string()).collect();
    assert_eq!(walked, entered_order);

    // Nothing in range: an empty page, not an error.
    let none = FunnelParams {
        date_from: Some("2001-01-01".into()),
        date_to: Some("2001-01-02".into()),
        ..signup_funnel(1)
    };
    let empty = env.client.persons_funnel(&none).await.unwrap();
    assert!(empty.persons.is_empty() && empty.next.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn correlation_persons_and_the_removed_endpoint() {
    let env = start(DEMO, |_| {}).await;
    let params = |converted| CorrelationParams {
        funnel: signup_funnel(0),
        event: "$identify".into(),
        converted,
        ..Default::default()
    };
    let buyers = env.client.persons_funnel_correlation(&params(true)).await.unwrap();
    // $identify comes between the first $pageview and signed_up for converted persons.
    assert!(!buyers.persons.is_empty(), "some converted persons identified in the funnel");
    let converted =
        env.client.persons_funnel(&FunnelParams { limit: Some(1000), ..signup_funnel(2) }).await.unwrap();
    assert!(ids(&buyers.persons).is_subset(&ids(&converted.persons)));
    let sent = env.sandbox.requests();
    let req = sent.iter().rev().find(|r| r.path.ends_with("/funnel/correlation/")).unwrap();
    let query = req.query.as_deref().unwrap();
    assert!(query.contains("funnel_correlation_person_converted=true"), "{query}");
    let other = env.client.persons_funnel_correlation(&params(false)).await.unwrap();
    assert!(ids(&other.persons).is_disjoint(&ids(&buyers.persons)));

    // Newer PostHog removed the route: 404 "Endpoint not found.", explained.
    let newer = start(10, |c| c.correlation = false).await;
    let e = newer.client.persons_funnel_correlation(&params(true)).await.unwrap_err();
    assert!(e.is_endpoint_missing() && e.status() == Some(404));
    let text = e.to_string();
    assert!(
        text.starts_with("Listing funnel correlation persons failed: this PostHog no longer serves"),
        "{text}"
    );
    assert!(text.contains("converted or dropped-off persons") && text.contains("query API"), "{text}");
    one_sentence(&e);
}

#[tokio::test(flavor = "multi_thread")]
async fn lifecycle_persons() {
    let env = start(DEMO, |_| {}).await;
    let mut found = 0;
    // The three days before the demo's "now" (the start of today, as the sandbox generated it).
    let epoch = hogdex::sandbox::clock::demo_epoch();
    let day = |n: i64| {
        let t = chrono::DateTime::from_timestamp_micros(epoch - n * 86_400_000_000).unwrap();
        t.format("%Y-%m-%d").to_string()
    };
    let days = [day(3), day(2), day(1)];
    for day in &days {
        let mut seen = HashSet::new();
        for kind in LifecycleType::ALL {
            let params = LifecycleParams {
                target_date: day.clone(),
                lifecycle_type: kind,
                date_from: Some("-30d".into()),
                ..Default::default()
            };
            let page = env.client.persons_lifecycle(&params).await.unwrap();
            assert_eq!(page.count as usize, page.persons.len());
            for p in &page.persons {
                assert!(seen.insert(p.uuid().to_string()), "{} is in one bar only on {day}", p.uuid());
            }
            found += page.persons.len();
        }
    }
    assert!(found > 0, "the demo has lifecycle persons on recent days");
    let sent = env.sandbox.requests();
    let query = sent.iter().rev().find(|r| r.path.ends_with("/lifecycle/")).unwrap().query.clone().unwrap();
    assert!(
        query.contains("lifecycle_type=dormant") && query.contains(&format!("target_date={}", days[2])),
        "{query}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn lifecycle_400_bodies_read_as_sentences() {
    let env = start(0, |_| {}).await;
    // Without a target date, through the typed client.
    let e = env.client.persons_lifecycle(&LifecycleParams::default()).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Validation { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "Listing lifecycle persons failed: PostHog needs the lifecycle's target date (400: Missing parameter: \
         Must include specified date); give the day of the bar to list, such as 2026-11-20"
    );
    one_sentence(&e);

    // Without a lifecycle type (the typed client always sends one): the sandbox's exact body,
    // replayed to the client.
    let url = format!(
        "{}/api/projects/{}/persons/lifecycle/?target_date=2026-11-20",
        env.sandbox.base_url(),
        env.sandbox.project_id()
    );
    let resp = reqwest::Client::new().get(url).bearer_auth(env.sandbox.key()).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body = resp.text().await.unwrap();
    let parsed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed, json!({"message": "Missing parameter", "detail": "Must include lifecycle type"}));
    let base = raw_server(http_response("400 Bad Request", "application/json", &body)).await;
    let params = LifecycleParams { target_date: "2026-11-20".into(), ..Default::default() };
    let e = raw_client(&base).persons_lifecycle(&params).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "Listing lifecycle persons failed: PostHog needs the lifecycle type (400: Missing parameter: Must include \
         lifecycle type); give new, returning, resurrecting or dormant"
    );
    one_sentence(&e);
}

#[tokio::test(flavor = "multi_thread")]
async fn scoped_keys_get_one_sentence_on_legacy_endpoints() {
    let env = start(10, |c| c.scoped_key = true).await;
    let funnel = env.client.persons_funnel(&signup_funnel(2)).await.unwrap_err();
    let lifecycle = env
        .client
        .persons_lifecycle(&LifecycleParams { target_date: "2026-11-20".into(), ..Default::default() })
        .await
        .unwrap_err();
    let correlation = env
        .client
        .persons_funnel_correlation(&CorrelationParams {
            funnel: signup_funnel(0),
            event: "purchase".into(),
            converted: true,
            ..Default::default()
        })
        .await
        .unwrap_err();
    for (e, instead) in [
        (&funnel, "FunnelsActorsQuery"),
        (&lifecycle, "LifecycleQuery"),
        (&correlation, "FunnelCorrelationActorsQuery"),
    ] {
        assert!(e.is_scoped_key_refusal(), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("refuses scoped personal API keys on this legacy endpoint"), "{text}");
        assert!(text.contains("created without scopes") && text.contains(instead), "{text}");
        one_sentence(e);
    }
    // Reads that scoped keys may use still work.
    let alice = PersonId::parse(ALICE).unwrap();
    env.client.events_query(&EventsQuery::for_person(alice)).await.unwrap();
}

fn one_sentence(e: &ApiError) {
    let text = e.to_string();
    assert!(!text.contains('\n') && !text.contains(". "), "one sentence: {text}");
}

// ---- the CLI -----------------------------------------------------------------------------

async fn hogdex(env: &Env, args: &[&str]) -> Run {
    let state = tempfile::tempdir().unwrap();
    hogdex_on(env, state.path(), args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_timeline_from_either_source() {
    let open = start(DEMO, |_| {}).await;
    let scoped = start(DEMO, |c| c.scoped_key = true).await;
    let (id, endpoint) = person_with_plan_history(&open.client).await;
    let id = id.to_string();
    let args = ["persons", "timeline", id.as_str(), "--from", "all", "--property", "plan"];

    let table = hogdex(&open, &args).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert_eq!(table.stderr.trim(), "source: properties_timeline endpoint");
    assert!(table.stdout.starts_with("crucial keys: plan\nTIME (UTC)"), "{}", table.stdout);
    assert!(table.stdout.contains("+ plan: "), "{}", table.stdout);
    assert!(table.stdout.contains("~ plan: "), "a plan change as old → new: {}", table.stdout);

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let j = json_of(&hogdex(&open, &json_args).await);
    assert_eq!(j["source"], "endpoint");
    assert_eq!(j["points"].as_array().unwrap().len(), endpoint.points.len());
    assert_eq!(j["crucial_property_keys"], json!(["plan"]));

    let run = hogdex(&scoped, &json_args).await;
    assert_eq!(run.stderr.trim(), "source: the person's events (this key cannot use properties_timeline)");
    let j = json_of(&run);
    assert_eq!(j["source"], "events");
    assert_eq!(j["points"].as_array().unwrap().len(), endpoint.points.len() - 1);

    let bad = hogdex(&open, &["persons", "timeline", id.as_str(), "--from", "last tuesday"]).await;
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("--from") && bad.stderr.contains("not a date"), "{}", bad.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_events() {
    let env = start(0, |_| {}).await;
    let alice = PersonId::parse(ALICE).unwrap();
    env.client.update_property(alice, "plan", json!("team")).await.unwrap();
    eventually("the $set event", Duration::from_secs(5), || async {
        let page = env.client.events_query(&EventsQuery::for_person(alice)).await.unwrap();
        (!page.events.is_empty()).then_some(())
    })
    .await;
    let table = hogdex(&env, &["persons", "events", "alice-1"]).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.starts_with("TIME (UTC)"));
    assert!(table.stdout.contains("$set plan"), "{}", table.stdout);
    let j = json_of(
        &hogdex(&env, &["persons", "events", ALICE, "--after", "-1d", "--limit", "5", "--json"]).await,
    );
    assert_eq!(j["has_more"], false);
    assert_eq!(j["events"][0]["properties"]["$set"]["plan"], "team");
    assert_eq!(j["events"][0]["event"], "$set");
    let none = json_of(&hogdex(&env, &["persons", "events", ALICE, "--event", "$pageview", "--json"]).await);
    assert_eq!(none["events"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_funnel_correlation_and_lifecycle() {
    let env = start(DEMO, |_| {}).await;
    let funnel = ["persons", "funnel", "--steps", "$pageview,signed_up", "--from", "all"];
    let j = json_of(&hogdex(&env, &[&funnel[..], &["--step", "2", "--json"]].concat()).await);
    let converted = j["persons"].as_array().unwrap().len();
    assert!(converted > 0 && j["count"] == converted);
    assert!(j.get("next").is_some());
    let table = hogdex(&env, &[&funnel[..], &["--step", "2", "--dropped", "--limit", "3"]].concat()).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.starts_with("NAME"));
    assert_eq!(table.stdout.lines().count(), 4, "header + 3: {}", table.stdout);
    assert!(
        table.stderr.contains("persons who dropped off before step 2; more with --offset 3"),
        "{}",
        table.stderr
    );
    for bad in [&["--step", "1", "--dropped"][..], &["--step", "3"][..]] {
        let run = hogdex(&env, &[&funnel[..], bad].concat()).await;
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stderr);
    }
    let one = hogdex(&env, &["persons", "funnel", "--steps", "$pageview", "--step", "1"]).await;
    assert_eq!(one.code, 2);

    let corr =
        ["persons", "correlation", "--steps", "$pageview,signed_up", "--event", "$identify", "--from", "all"];
    let j = json_of(&hogdex(&env, &[&corr[..], &["--json"]].concat()).await);
    assert!(!j["persons"].as_array().unwrap().is_empty());
    let sent = env.sandbox.requests();
    let last = sent.iter().rev().find(|r| r.path.ends_with("/funnel/correlation/")).unwrap();
    assert!(last.query.as_deref().unwrap().contains("funnel_correlation_person_converted=true"));
    let j = json_of(&hogdex(&env, &[&corr[..], &["--dropped", "--json"]].concat()).await);
    assert!(j["persons"].is_array());
    let sent = env.sandbox.requests();
    let last = sent.iter().rev().find(|r| r.path.ends_with("/funnel/correlation/")).unwrap();
    assert!(last.query.as_deref().unwrap().contains("funnel_correlation_person_converted=false"));

    let newer = start(0, |c| c.correlation = false).await;
    let run = hogdex(&newer, &corr).await;
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("no longer serves funnel correlation persons"), "{}", run.stderr);

    let life =
        ["persons", "lifecycle", "--target-date", "2026-11-25", "--type", "returning", "--from", "-30d"];
    let j = json_of(&hogdex(&env, &[&life[..], &["--json"]].concat()).await);
    assert!(j["persons"].is_array() && j["count"].is_u64());
    let table = hogdex(&env, &life).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stderr.contains("returning persons"), "{}", table.stderr);
    let bad =
        hogdex(&env, &["persons", "lifecycle", "--target-date", "2026-11-25", "--type", "sleepy"]).await;
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("new, returning, resurrecting or dormant"), "{}", bad.stderr);

    let scoped = start(0, |c| c.scoped_key = true).await;
    let run = hogdex(&scoped, &[&life[..], &["--json"]].concat()).await;
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("refuses scoped personal API keys"), "{}", run.stderr);
}
