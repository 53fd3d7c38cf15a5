//! `update` for the history tabs: they load for the inspected person when shown, stale answers
//! are dropped, events and activity page, the range reloads, Enter shows details.
use super::test_support::{palette, press};
use crate::api::{
    ActivityPage, EventsPage, PersonEvent, PropertiesTimeline, TimelinePoint, TimelineResult, TimelineSource,
};
use crate::app::history::{RANGES, Tab};
use crate::app::model::{Focus, Model, Overlay};
use crate::app::{Cmd, Msg, update};
use ratatui::crossterm::event::KeyCode;
use serde_json::json;

fn person(i: usize) -> crate::api::PersonListItem {
    let uuid = format!("0190f0c2-0000-7000-8000-{i:012}");
    serde_json::from_value(json!({"id": uuid, "uuid": uuid, "distinct_ids": [format!("d{i}")],
        "properties": {"email": format!("p{i}@x.io"), "plan": "pro", "$browser": "Firefox"}}))
    .unwrap()
}

fn ready() -> Model {
    use super::test_support::{demo_conn, sized, with_first_page};
    let now = chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(20_000);
    let page = crate::api::Page {
        results: (0..5).map(person).collect(),
        next: None,
        previous: None,
        count: Some(5),
    };
    with_first_page(sized(now, demo_conn(), false), page)
}

fn timeline(points: usize) -> TimelineResult {
    TimelineResult {
        source: TimelineSource::Endpoint,
        timeline: PropertiesTimeline {
            points: (0..points)
                .map(|i| TimelinePoint {
                    timestamp: format!("2026-11-2{i}T10:00:00Z"),
                    properties: json!({"plan": format!("p{i}")}).as_object().unwrap().clone(),
                    relevant_event_count: 1,
                })
                .collect(),
            crucial_property_keys: vec!["plan".into()],
            ..Default::default()
        },
        truncated: false,
        fallback_reason: None,
    }
}

#[test]
fn the_timeline_loads_for_the_inspected_person_watching_their_own_keys() {
    let mut m = ready();
    let cmds = press(&mut m, KeyCode::Char('3'));
    assert_eq!((m.tab, m.focus), (Tab::Timeline, Focus::Inspector));
    let [Cmd::LoadTimeline { generation, uuid, params }] = cmds.as_slice() else { panic!("{cmds:?}") };
    assert_eq!(uuid, person(0).uuid());
    let keys: Vec<&str> = params.properties.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["email", "plan"], "crucial keys: the person's own non-$ properties");
    assert!(press(&mut m, KeyCode::Char('3')).is_empty(), "not loaded twice");
    update(&mut m, Msg::TimelineLoaded { generation: *generation - 1, result: Ok(timeline(9)) });
    assert!(m.history.timeline.data.is_none(), "a stale answer is dropped");
    update(&mut m, Msg::TimelineLoaded { generation: *generation, result: Ok(timeline(3)) });
    assert_eq!(m.history.timeline.selected, 2, "starts at the newest point");
    press(&mut m, KeyCode::Char('k'));
    assert_eq!(m.history.timeline.selected, 1);
    // ] widens the range and reloads.
    let cmds = press(&mut m, KeyCode::Char(']'));
    assert_eq!(m.history.range, 1);
    let [Cmd::LoadTimeline { params, .. }] = cmds.as_slice() else { panic!("{cmds:?}") };
    assert!(params.date_from.is_some());
    assert_eq!(RANGES[m.history.range].0, "30 days");
}

#[test]
fn the_events_range_setting_is_where_the_tabs_start() {
    let mut m = ready();
    m.apply_prefs(crate::app::model::Prefs { events_range: 2, ..Default::default() });
    let cmds = press(&mut m, KeyCode::Char('5'));
    let [Cmd::LoadEvents { query, .. }] = cmds.as_slice() else { panic!("{cmds:?}") };
    assert_eq!(query.after.as_deref(), Some("-90d"), "settings.events_range = \"90d\"");
}

#[test]
fn events_page_older_and_enter_shows_an_event() {
    let mut m = ready();
    let cmds = press(&mut m, KeyCode::Char('5'));
    let [Cmd::LoadEvents { generation, query, append: false }] = cmds.as_slice() else { panic!("{cmds:?}") };
    assert_eq!(query.after.as_deref(), Some("-7d"), "7 days, not PostHog's 24 hours");
    let events: Vec<PersonEvent> = (0..30)
        .map(|i| PersonEvent {
            uuid: format!("e{i}"),
            event: "$pageview".into(),
            timestamp: "2026-11-27T10:00:00Z".into(),
            ..Default::default()
        })
        .collect();
    update(
        &mut m,
        Msg::EventsLoaded {
            generation: *generation,
            append: false,
            result: Ok(EventsPage { events, has_more: true }),
        },
    );
    let mut older = Vec::new();
    for _ in 0..25 {
        older.extend(press(&mut m, KeyCode::Char('j')));
    }
    let loads: Vec<_> = older.iter().filter(|c| matches!(c, Cmd::LoadEvents { append: true, .. })).collect();
    assert_eq!(loads.len(), 1, "one 'load older' near the end");
    let Cmd::LoadEvents { query, .. } = loads[0] else { unreachable!() };
    assert_eq!(query.offset, Some(30));
    press(&mut m, KeyCode::Enter);
    assert!(matches!(&m.overlay, Some(Overlay::Detail { title, .. }) if title.starts_with("$pageview")));
}

#[test]
fn activity_and_cohorts_load_and_follow_the_selection() {
    let mut m = ready();
    let cmds = press(&mut m, KeyCode::Char('4'));
    let [Cmd::LoadActivity { generation, next: None, .. }] = cmds.as_slice() else { panic!("{cmds:?}") };
    let page: ActivityPage = serde_json::from_value(
        json!({"results": [{"activity": "updated", "user": {"email": "a@b"}}], "next": null}),
    )
    .unwrap();
    update(&mut m, Msg::ActivityLoaded { generation: *generation, append: false, result: Ok(page) });
    assert_eq!(m.history.len(Tab::Activity), 1);
    // Tab cycles to events, cohorts, then back to the list.
    press(&mut m, KeyCode::Tab);
    assert_eq!(m.tab, Tab::Events);
    let cmds = press(&mut m, KeyCode::Tab);
    assert_eq!(m.tab, Tab::Cohorts);
    assert!(matches!(cmds.as_slice(), [Cmd::LoadCohorts { .. }]));
    press(&mut m, KeyCode::Tab);
    assert_eq!(m.focus, Focus::List);
    // Moving in the list refreshes the visible tab for the new person once the selection settles.
    let cmds = press(&mut m, KeyCode::Char('j'));
    let Some(Cmd::Debounce { timer, generation, .. }) =
        cmds.iter().find(|c| matches!(c, Cmd::Debounce { .. }))
    else {
        panic!()
    };
    let settled = update(&mut m, Msg::TimerFired { timer: *timer, generation: *generation });
    assert!(
        settled.iter().any(|c| matches!(c, Cmd::LoadCohorts { uuid, .. } if uuid == person(1).uuid())),
        "{settled:?}"
    );
}

#[test]
fn enter_on_a_timeline_point_shows_its_whole_diff() {
    let mut m = ready();
    let cmds = press(&mut m, KeyCode::Char('3'));
    let [Cmd::LoadTimeline { generation, .. }] = cmds.as_slice() else { panic!() };
    update(&mut m, Msg::TimelineLoaded { generation: *generation, result: Ok(timeline(2)) });
    press(&mut m, KeyCode::Enter);
    let Some(Overlay::Detail { text, .. }) = &m.overlay else { panic!("a detail view") };
    assert!(text.contains("~ plan: \"p0\" → \"p1\""), "{text}");
}

#[test]
fn a_funnel_form_fills_the_list_and_esc_goes_back_to_the_search() {
    let mut m = ready();
    palette(&mut m, "funnel");
    assert!(matches!(m.dialog, Some(crate::app::dialog::Dialog::Insight(_))));
    let cmds = press(&mut m, KeyCode::Enter);
    let [Cmd::LoadInsight { generation, request }] = cmds.as_slice() else { panic!("{cmds:?}") };
    assert!(request.breadcrumb().starts_with("funnel $pageview → signed_up → purchase"));
    let actors = crate::api::ActorsPage {
        persons: vec![person(7)],
        count: 1,
        next: Some("api/next".into()),
        missing_persons: None,
    };
    update(&mut m, Msg::InsightLoaded { generation: *generation, append: false, result: Ok(actors) });
    assert_eq!(m.list.items.len(), 1);
    assert!(m.list.source.starts_with("funnel"));
    assert_eq!(m.list.total, None, "PostHog's count is the page length, not a total");
    // Near the end, more insight persons come through the actors link.
    let more = press(&mut m, KeyCode::Char('G'));
    assert!(
        more.iter().any(|c| matches!(c, Cmd::InsightNext { next, .. } if next == "api/next")),
        "{more:?}"
    );
    let back = press(&mut m, KeyCode::Esc);
    assert!(matches!(back.as_slice(), [Cmd::ListPersons { .. }]), "{back:?}");
    assert!(m.list.insight.is_none());
}

#[test]
fn a_bad_form_explains_and_sends_nothing() {
    let mut m = ready();
    palette(&mut m, "lifecycle");
    if let Some(crate::app::dialog::Dialog::Insight(f)) = &mut m.dialog {
        f.fields[1].input.set("zombie");
    }
    assert!(press(&mut m, KeyCode::Enter).is_empty());
    assert!(matches!(&m.dialog, Some(crate::app::dialog::Dialog::Insight(f)) if f.error.is_some()));
}

#[test]
fn project_activity_opens_the_person_of_an_entry() {
    let mut m = ready();
    let cmds = palette(&mut m, "activity");
    let [Cmd::LoadProjectActivity { generation, next: None }] = cmds.as_slice() else { panic!("{cmds:?}") };
    assert_eq!(m.overlay, Some(Overlay::Activity));
    let page: ActivityPage = serde_json::from_value(json!({"results": [
        {"activity": "deleted", "item_id": "17"}, {"activity": "updated", "item_id": "42"}], "next": null}))
    .unwrap();
    update(&mut m, Msg::ProjectActivityLoaded { generation: *generation, append: false, result: Ok(page) });
    press(&mut m, KeyCode::Char('j'));
    let open = press(&mut m, KeyCode::Enter);
    assert!(matches!(open.as_slice(), [Cmd::FindPerson { query, .. }] if query == "42"), "{open:?}");
    assert!(m.overlay.is_none());
}

#[test]
fn export_takes_the_current_search_and_reports_the_file() {
    let mut m = ready();
    let cmds = palette(&mut m, "export json /tmp/out.json");
    let [Cmd::Export { format, path, params }] = cmds.as_slice() else { panic!("{cmds:?}") };
    assert_eq!((*format, path.to_str()), (crate::app::model::ExportFormat::Json, Some("/tmp/out.json")));
    assert!(params.search.is_none());
    assert!(m.is_busy());
    assert!(palette(&mut m, "export csv /tmp/b.csv").is_empty(), "one export at a time");
    update(&mut m, Msg::ExportProgress { done: 300, total: Some(5000) });
    assert_eq!(m.export.as_ref().map(|e| e.done), Some(300));
    update(&mut m, Msg::ExportDone(Ok(("/tmp/out.json".into(), 5000))));
    assert!(m.export.is_none() && m.last_message().unwrap().text.contains("Exported 5000 persons"));
    assert!(palette(&mut m, "export xml f").is_empty());
    assert!(m.last_message().unwrap().text.contains(":export needs a format"));
}

#[test]
fn timeline_can_watch_chosen_keys_and_events_call_out_set_payloads() {
    let mut m = ready();
    let cmds = palette(&mut m, "timeline plan, seats");
    let [Cmd::LoadTimeline { params, .. }] = cmds.as_slice() else { panic!("{cmds:?}") };
    let keys: Vec<&str> = params.properties.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["plan", "seats"]);
    assert_eq!(m.tab, Tab::Timeline);
    let cmds = palette(&mut m, "timeline");
    let [Cmd::LoadTimeline { params, .. }] = cmds.as_slice() else { panic!("{cmds:?}") };
    assert_eq!(params.properties.len(), 2, "back to the person's own keys (email, plan)");

    let cmds = press(&mut m, KeyCode::Char('5'));
    let [Cmd::LoadEvents { generation, .. }] = cmds.as_slice() else { panic!() };
    let event = PersonEvent {
        event: "$identify".into(),
        properties: json!({"$set": {"plan": "pro"}, "$current_url": "x"}).as_object().unwrap().clone(),
        ..Default::default()
    };
    update(
        &mut m,
        Msg::EventsLoaded {
            generation: *generation,
            append: false,
            result: Ok(EventsPage { events: vec![event], has_more: false }),
        },
    );
    press(&mut m, KeyCode::Enter);
    let Some(Overlay::Detail { text, .. }) = &m.overlay else { panic!() };
    assert!(text.starts_with("$set: {"), "{text}");
}
