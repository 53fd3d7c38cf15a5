//! The scripting CLI as a user runs it: the built `hogdex` binary against a sandbox on port 0.
mod common;

use common::*;
use serde_json::json;
use std::time::Duration;

async fn hogdex(env: &Env, args: &[&str]) -> Run {
    hogdex_with_key(env, env.sandbox.key(), args).await
}

async fn hogdex_with_key(env: &Env, key: &str, args: &[&str]) -> Run {
    let base = env.sandbox.base_url();
    let project = env.sandbox.project_id().to_string();
    let mut full = vec!["--host", base.as_str(), "--project", project.as_str()];
    full.extend_from_slice(args);
    run_raw(&full, &[("POSTHOG_PERSONAL_API_KEY", key)]).await
}

/// Runs the binary with these variables; writes are journaled into a temporary state directory.
async fn run_raw(args: &[&str], env: &[(&str, &str)]) -> Run {
    let state = std::env::temp_dir().join(format!("hogdex-cli-test-{}", std::process::id()));
    let mut vars: Vec<(&str, &std::ffi::OsStr)> =
        env.iter().map(|(k, v)| (*k, std::ffi::OsStr::new(*v))).collect();
    vars.push(("XDG_STATE_HOME", state.as_os_str()));
    run_hogdex(args, &vars).await
}

#[tokio::test(flavor = "multi_thread")]
async fn list_as_table_json_and_csv() {
    let env = start(30, |_| {}).await;
    let table = hogdex(&env, &["persons", "list", "--search", "alice@fixture"]).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("alice@fixture.test"));
    assert!(table.stdout.starts_with("NAME"));

    let json = json_of(
        &hogdex(
            &env,
            &["persons", "list", "--where", "plan=enterprise", "--where", "email~fixture", "--json"],
        )
        .await,
    );
    let ids: Vec<&str> = json.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [MULTI]);

    let all = json_of(&hogdex(&env, &["persons", "list", "--all", "--limit", "7", "--json"]).await);
    assert_eq!(all.as_array().unwrap().len(), 34);

    let csv = hogdex(&env, &["persons", "list", "--search", "fixture", "--format", "csv"]).await;
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert!(csv.stdout.lines().next().unwrap().contains("properties.email"));
    assert_eq!(csv.stdout.lines().count(), 5);
    let csv_head =
        hogdex(&env, &["persons", "list", "--limit", "2", "--search", "fixture", "--format", "csv"]).await;
    assert_eq!(csv_head.stdout.lines().count(), 3, "header + --limit rows: {}", csv_head.stdout);
    let csv_all = hogdex(&env, &["persons", "list", "--all", "--limit", "2", "--format", "csv"]).await;
    assert_eq!(csv_all.stdout.lines().count(), 35, "--all is the whole export: {}", csv_all.stdout);

    let total = hogdex(&env, &["persons", "list", "--limit", "1", "--total"]).await;
    assert!(total.stderr.contains("34 persons in total"), "{}", total.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_filters_send_nothing() {
    let env = start(0, |_| {}).await;
    let run = hogdex(&env, &["persons", "list", "--where", "plan"]).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a filter"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn get_by_any_id_and_hostile_text_is_inert() {
    let env = start(0, |_| {}).await;
    let by_distinct = json_of(&hogdex(&env, &["persons", "get", "alice-2", "--json"]).await);
    assert_eq!(by_distinct["uuid"], json!(ALICE));
    let pk = by_distinct["id"].as_i64().expect("detail id is an integer");
    let by_pk = json_of(&hogdex(&env, &["persons", "get", &pk.to_string(), "--json"]).await);
    assert_eq!(by_pk["uuid"], json!(ALICE));

    let hostile = hogdex(&env, &["persons", "get", HOSTILE]).await;
    assert_eq!(hostile.code, 0, "{}", hostile.stderr);
    assert!(
        !hostile.stdout.contains('\u{1b}')
            && !hostile.stdout.contains('\u{7}')
            && !hostile.stdout.contains('\u{202e}')
    );
    assert!(hostile.stdout.contains("Mallory \\e]0;TITLE\\a\\e[2J\\a"), "{}", hostile.stdout);
    let list = hogdex(&env, &["persons", "list", "--search", "mallory"]).await;
    assert!(!list.stdout.contains('\u{1b}'));
    let as_json = hogdex(&env, &["persons", "get", HOSTILE, "--json"]).await;
    assert!(!as_json.stdout.contains('\u{1b}'), "JSON escapes control characters");
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_set_unset_and_update() {
    let env = start(0, |_| {}).await;
    let set = hogdex(&env, &["persons", "set", "bob-1", "code", "007"]).await;
    assert_eq!(set.code, 0, "{}", set.stderr);
    let num = hogdex(&env, &["persons", "set", BOB, "count", "007", "--type", "number"]).await;
    assert_eq!(num.code, 0, "{}", num.stderr);
    let bad = hogdex(&env, &["persons", "set", BOB, "count", "abc", "--type", "number"]).await;
    assert_eq!(bad.code, 2);
    let upd = hogdex(&env, &["persons", "update", BOB, "--properties", r#"{"tier":"gold","seats":3}"#]).await;
    assert_eq!(upd.code, 0, "{}", upd.stderr);
    let unset = hogdex(&env, &["persons", "unset", BOB, "plan"]).await;
    assert_eq!(unset.code, 0, "{}", unset.stderr);
    let person = eventually("writes applied", Duration::from_secs(10), || async {
        let p = json_of(&hogdex(&env, &["persons", "get", BOB, "--json"]).await);
        let props = &p["properties"];
        (props.get("seats").is_some() && props.get("count").is_some() && props.get("plan").is_none())
            .then_some(p)
    })
    .await;
    assert_eq!(person["properties"]["code"], json!("007"), "a string stays a string");
    assert_eq!(person["properties"]["count"], json!(7));
    assert_eq!(person["properties"]["tier"], json!("gold"));
    let not_json = hogdex(&env, &["persons", "update", BOB, "--properties", "[1]"]).await;
    assert_eq!(not_json.code, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn destructive_commands_need_yes() {
    let env = start(0, |_| {}).await;
    for args in [
        vec!["persons", "delete", BOB],
        vec!["persons", "delete-events", BOB],
        vec!["persons", "reset-distinct-id", "bob-1"],
        vec!["persons", "split", MULTI],
    ] {
        let run = hogdex(&env, &args).await;
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains("without --yes; nothing was sent"), "{}", run.stderr);
    }
    let still = json_of(&hogdex(&env, &["persons", "get", BOB, "--json"]).await);
    assert_eq!(still["uuid"], json!(BOB));
    let activity = json_of(&hogdex(&env, &["persons", "activity", "--json", "--limit", "100"]).await);
    assert!(activity.as_array().unwrap().iter().all(|e| e["activity"] != "deleted"), "nothing was deleted");

    let del = hogdex(&env, &["persons", "delete", BOB, "--delete-events", "--yes"]).await;
    assert_eq!(del.code, 0, "{}", del.stderr);
    let gone = hogdex(&env, &["persons", "get", BOB]).await;
    assert_eq!(gone.code, 1);
    assert!(gone.stderr.contains("404"), "{}", gone.stderr);
    let status = json_of(&hogdex(&env, &["persons", "deletion-status", "--json"]).await);
    assert!(status.as_array().unwrap().iter().any(|d| d["person_uuid"] == json!(BOB)));
}

#[tokio::test(flavor = "multi_thread")]
async fn split_reset_cohorts_activity_and_delete_events() {
    let env = start(0, |_| {}).await;
    let split =
        hogdex(&env, &["persons", "split", MULTI, "--extract", "multi-move1", "multi-move2", "--yes"]).await;
    assert_eq!(split.code, 0, "{}", split.stderr);
    eventually("split applied", Duration::from_secs(10), || async {
        let p = json_of(&hogdex(&env, &["persons", "get", MULTI, "--json"]).await);
        (p["distinct_ids"] == json!(["multi-main"])).then_some(())
    })
    .await;
    let bad_split = hogdex(&env, &["persons", "split", ALICE, "--extract", "nope", "--yes"]).await;
    assert_eq!(bad_split.code, 1);
    assert!(bad_split.stderr.contains("nope"), "{}", bad_split.stderr);

    assert_eq!(hogdex(&env, &["persons", "reset-distinct-id", "bob-1", "--yes"]).await.code, 0);
    assert_eq!(hogdex(&env, &["persons", "delete-events", ALICE, "--yes"]).await.code, 0);
    let cohorts = json_of(&hogdex(&env, &["persons", "cohorts", ALICE, "--json"]).await);
    assert!(cohorts.is_array());
    let activity = json_of(&hogdex(&env, &["persons", "activity", MULTI, "--json"]).await);
    assert!(activity.as_array().unwrap().iter().any(|e| e["activity"] == "split_person"), "{activity}");
    let table = hogdex(&env, &["persons", "activity"]).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("split_person"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_delete_from_a_file() {
    let env = start(0, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.txt");
    std::fs::write(&file, "alice-1\n\nbob-1\nnobody\n").unwrap();
    let path = file.to_str().unwrap();
    let refused = hogdex(&env, &["persons", "bulk-delete", "--distinct-ids-from", path]).await;
    assert_eq!(refused.code, 2);
    let run = hogdex(&env, &["persons", "bulk-delete", "--distinct-ids-from", path, "--yes"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("2 found, 2 deleted, 0 errors"), "{}", run.stderr);
    std::fs::write(&file, "not-a-uuid\n").unwrap();
    let bad = hogdex(&env, &["persons", "bulk-delete", "--ids-from", path, "--yes"]).await;
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("line 1"), "{}", bad.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_one_line_and_never_show_the_key() {
    let env = start(0, |_| {}).await;
    let run = hogdex_with_key(&env, "phx_wrong_but_secret_123", &["persons", "list"]).await;
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("401") && run.stderr.contains("POSTHOG_PERSONAL_API_KEY"));
    assert!(
        !run.stderr.contains("phx_wrong_but_secret_123") && !run.stdout.contains("phx_wrong_but_secret_123")
    );

    let none = run_raw(&["persons", "list"], &[]).await;
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("POSTHOG_PERSONAL_API_KEY") && none.stderr.contains("--demo"),
        "{}",
        none.stderr
    );

    let insecure = run_raw(
        &["--host", "http://posthog.example.com", "persons", "list"],
        &[("POSTHOG_PERSONAL_API_KEY", "phx_x")],
    )
    .await;
    assert_eq!(insecure.code, 2);
    assert!(insecure.stderr.contains("--insecure"), "{}", insecure.stderr);

    let welcome = run_raw(&[], &[]).await;
    assert_eq!(welcome.code, 0);
    assert!(welcome.stdout.contains("hogdex --demo") && welcome.stdout.contains("POSTHOG_HOST"));
}

#[tokio::test(flavor = "multi_thread")]
async fn projects_and_demo_mode() {
    let env = start(0, |_| {}).await;
    let projects = json_of(&hogdex(&env, &["projects", "--json"]).await);
    assert_eq!(projects[0]["id"], json!(env.sandbox.project_id()));
    let demo = run_raw(&["--demo", "persons", "list", "--limit", "3", "--json"], &[]).await;
    assert_eq!(json_of(&demo).as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_is_recent_today_and_can_be_pinned_to_a_day() {
    let newest = |run: &Run| -> String {
        let j = json_of(run);
        let dates: Vec<String> = j
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["created_at"].as_str().unwrap()[..10].to_string())
            .collect();
        dates.into_iter().max().unwrap()
    };
    let args = ["persons", "list", "--demo", "--demo-persons", "200", "--limit", "50", "--json"];
    let pinned = run_raw(&args, &[("HOGDEX_DEMO_EPOCH", "2026-06-01")]).await;
    let newest_pinned = newest(&pinned);
    assert!(
        newest_pinned.as_str() < "2026-06-01" && newest_pinned.as_str() > "2026-05-25",
        "{newest_pinned}"
    );
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let week_ago = (chrono::Utc::now() - chrono::Duration::days(7)).format("%Y-%m-%d").to_string();
    let fresh = newest(&run_raw(&args, &[]).await);
    assert!(fresh.as_str() <= today.as_str() && fresh.as_str() > week_ago.as_str(), "{fresh} vs {today}");
}
