//! `hogdex persons timeline | events | funnel | correlation | lifecycle`: reads of a person's
//! history and of insight persons. Tables by default, `--json` for scripts; notes on stderr.
use super::Failure;
use super::args::{ActorPageArgs, FunnelArgs, PersonsCommand};
use super::persons::{out, print_json, resolve};
use super::render;
use crate::api::{
    ActorsPage, Client, CorrelationParams, EventsQuery, FunnelParams, LifecycleParams, PropertyFilter,
    TimelineParams, parse_date,
};

/// Runs one of the history commands (`persons::run` hands over only these).
pub async fn run(client: &Client, cmd: PersonsCommand) -> Result<(), Failure> {
    match cmd {
        PersonsCommand::Timeline { id, from, to, properties, json } => {
            timeline(client, &id, from, to, properties, json).await
        }
        PersonsCommand::Events { id, after, before, event, limit, offset, json } => {
            events(client, &id, after, before, event, limit, offset, json).await
        }
        PersonsCommand::Funnel { funnel, step, dropped, page } => {
            persons_funnel(client, funnel, step, dropped, page).await
        }
        PersonsCommand::Correlation { funnel, event, dropped, page } => {
            correlation(client, funnel, event, dropped, page).await
        }
        PersonsCommand::Lifecycle { target_date, lifecycle_type, events, interval, from, to, page } => {
            let params = LifecycleParams {
                target_date,
                lifecycle_type,
                interval: Some(interval),
                date_from: from,
                date_to: to,
                events,
                limit: Some(page.limit.max(1)),
                offset: Some(page.offset),
            };
            lifecycle(client, params, page.json).await
        }
        _ => Err(Failure::usage("not a history command")),
    }
}

async fn lifecycle(client: &Client, params: LifecycleParams, json: bool) -> Result<(), Failure> {
    check_date("--target-date", Some(&params.target_date))?;
    check_date("--from", params.date_from.as_deref())?;
    check_date("--to", params.date_to.as_deref())?;
    let page = client.persons_lifecycle(&params).await;
    actors(page, json, &format!("{} persons", params.lifecycle_type), params.offset.unwrap_or(0))
}

async fn timeline(
    client: &Client,
    id: &str,
    from: Option<String>,
    to: Option<String>,
    keys: Vec<String>,
    json: bool,
) -> Result<(), Failure> {
    check_date("--from", from.as_deref())?;
    check_date("--to", to.as_deref())?;
    let properties = keys
        .iter()
        .map(|k| match k.trim() {
            "" => Err(Failure::usage("--property needs a property key")),
            k => Ok(PropertyFilter::is_set(k)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let pid = resolve(client, id).await?;
    let params = TimelineParams { date_from: from, date_to: to, properties, ..Default::default() };
    let result = client.timeline(pid, &params).await?;
    eprintln!("source: {}", result.source_note());
    if json { print_json(&result) } else { out(&render::timeline(&result)) }
}

#[allow(clippy::too_many_arguments)]
async fn events(
    client: &Client,
    id: &str,
    after: String,
    before: Option<String>,
    event: Option<String>,
    limit: u32,
    offset: u64,
    json: bool,
) -> Result<(), Failure> {
    if !after.trim().eq_ignore_ascii_case("all") {
        check_date("--after", Some(&after))?;
    }
    check_date("--before", before.as_deref())?;
    let pid = resolve(client, id).await?;
    let query = EventsQuery {
        after: Some(after),
        before,
        event,
        limit: Some(limit.max(1)),
        offset: Some(offset),
        ..EventsQuery::for_person(pid)
    };
    let page = client.events_query(&query).await?;
    if json {
        return print_json(&page);
    }
    out(&render::events(&page.events))?;
    if page.has_more {
        eprintln!("more events: add --offset {} (or a larger --limit)", offset + page.events.len() as u64);
    }
    Ok(())
}

fn funnel_params(f: FunnelArgs, step: i32, limit: u32, offset: u64) -> Result<FunnelParams, Failure> {
    let steps: Vec<String> = f.steps.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    if steps.len() < 2 {
        return Err(Failure::usage(
            "--steps needs at least two events, comma-separated (e.g. $pageview,signed_up)",
        ));
    }
    check_date("--from", f.from.as_deref())?;
    check_date("--to", f.to.as_deref())?;
    Ok(FunnelParams {
        steps,
        date_from: f.from,
        date_to: f.to,
        step,
        window_days: f.window_days,
        limit: Some(limit.max(1)),
        offset: Some(offset),
    })
}

async fn persons_funnel(
    client: &Client,
    funnel: FunnelArgs,
    step: u32,
    dropped: bool,
    page: ActorPageArgs,
) -> Result<(), Failure> {
    let ActorPageArgs { limit, offset, json } = page;
    let n = funnel.steps.iter().filter(|s| !s.trim().is_empty()).count();
    let step_i = i32::try_from(step).unwrap_or(i32::MAX);
    if step == 0 || step as usize > n.max(1) {
        return Err(Failure::usage(format!(
            "--step must be between 1 and {} (the number of steps)",
            n.max(1)
        )));
    }
    if dropped && step < 2 {
        return Err(Failure::usage(
            "--dropped needs --step 2 or later: nobody drops off before the first step",
        ));
    }
    let params = funnel_params(funnel, if dropped { -step_i } else { step_i }, limit, offset)?;
    let page = client.persons_funnel(&params).await;
    let what = if dropped {
        format!("persons who dropped off before step {step}")
    } else {
        format!("persons who reached step {step}")
    };
    actors(page, json, &what, offset)
}

async fn correlation(
    client: &Client,
    funnel: FunnelArgs,
    event: String,
    dropped: bool,
    page: ActorPageArgs,
) -> Result<(), Failure> {
    let ActorPageArgs { limit, offset, json } = page;
    if event.trim().is_empty() {
        return Err(Failure::usage("--event needs an event name"));
    }
    let params = CorrelationParams {
        funnel: funnel_params(funnel, 0, limit, 0)?,
        event: event.trim().to_string(),
        converted: !dropped,
        limit: Some(limit.max(1)),
        offset: Some(offset),
    };
    let page = client.persons_funnel_correlation(&params).await;
    let what = format!(
        "{} persons who did {}",
        if dropped { "dropped-off" } else { "converted" },
        crate::text::fit(&params.event, 40)
    );
    actors(page, json, &what, offset)
}

/// Prints an actor page: a person table (count and paging on stderr) or its JSON.
fn actors(
    page: Result<ActorsPage, crate::api::ApiError>,
    json: bool,
    what: &str,
    offset: u64,
) -> Result<(), Failure> {
    let page = page?;
    if json {
        return print_json(&page);
    }
    out(&render::person_table(&page.persons))?;
    let more = match page.next {
        Some(_) => format!("; more with --offset {}", offset + page.persons.len() as u64),
        None => String::new(),
    };
    eprintln!("{} {what}{more}", page.count);
    Ok(())
}

/// Refuses a date PostHog would not understand before anything is sent.
fn check_date(flag: &str, value: Option<&str>) -> Result<(), Failure> {
    match value {
        Some(v) if !v.trim().eq_ignore_ascii_case("all") => parse_date(v, false, chrono::Utc::now())
            .map(|_| ())
            .map_err(|e| Failure::usage(format!("{flag}: {e}"))),
        _ => Ok(()),
    }
}
