//! `hogdex persons …` and `hogdex projects`: each subcommand is one or a few client calls.
//! Every write goes through `Writer::perform` (journaled, refused with `--read-only`).
//! Destructive commands send nothing without `--yes`.
use super::Failure;
use super::args::{ListFormat, PersonsCommand};
use super::render;
use crate::api::{
    BulkTarget, Client, DeletionStatusFilter, ListParams, PersonId, PersonRef, SplitMode, parse_filter,
};
use crate::writes::{Write, WriteError, WriteOutcome, Writer};
use serde_json::{Map, Value};
use std::io::Write as _;

pub async fn run(writer: &Writer, cmd: PersonsCommand) -> Result<(), Failure> {
    if cmd.is_write() {
        writer.check().map_err(refusal)?;
    }
    let client = writer.client();
    match cmd {
        PersonsCommand::List {
            search,
            distinct_id,
            email,
            filters,
            limit,
            offset,
            all,
            total,
            json,
            format,
        } => {
            let properties = filters
                .iter()
                .map(|f| parse_filter(f).map_err(|e| Failure::usage(format!("--where {e}"))))
                .collect::<Result<Vec<_>, _>>()?;
            let params = ListParams {
                search,
                distinct_id,
                email,
                properties,
                limit: Some(limit.max(1)),
                offset: Some(offset),
                include_total: total,
            };
            let format = if json { ListFormat::Json } else { format };
            list(client, params, all, format).await
        }
        PersonsCommand::Get { id, json } => {
            let id = resolve(client, &id).await?;
            let person = client.get_person(id).await?;
            if json { print_json(&person) } else { out(&render::person_detail(&person)) }
        }
        PersonsCommand::Set { id, key, value, value_type } => {
            let value =
                value_type.parse(&value).map_err(|e| Failure::usage(format!("value for {key:?}: {e}")))?;
            let pid = resolve(client, &id).await?;
            send(writer, Write::UpdateProperty { person: pid, key: key.clone(), value: value.clone() })
                .await?;
            eprintln!(
                "queued: {} = {} on person {pid} (PostHog applies it within seconds)",
                crate::text::fit(&key, 60),
                safe_json(&value)
            );
            Ok(())
        }
        PersonsCommand::Unset { id, key } => {
            let pid = resolve(client, &id).await?;
            send(writer, Write::DeleteProperty { person: pid, key: key.clone() }).await?;
            eprintln!("queued: removal of {} from person {pid}", crate::text::sanitize(&key));
            Ok(())
        }
        PersonsCommand::Update { id, properties } => {
            let props: Map<String, Value> = serde_json::from_str(&properties)
                .map_err(|e| Failure::usage(format!("--properties must be a JSON object: {e}")))?;
            let pid = resolve(client, &id).await?;
            let n = props.len();
            send(writer, Write::PatchProperties { person: pid, properties: props }).await?;
            eprintln!("queued: $set of {n} properties on person {pid}");
            Ok(())
        }
        PersonsCommand::Delete { ids, flags } => {
            require_yes(flags.yes, &format!("delete {} person(s)", ids.len()))?;
            let opts = flags.options();
            for raw in &ids {
                let pid = resolve(client, raw).await?;
                send(writer, Write::DeletePerson { person: pid, options: opts }).await?;
                eprintln!(
                    "deleted person {pid}{}",
                    if opts.delete_events { " (events queued for deletion)" } else { "" }
                );
            }
            Ok(())
        }
        PersonsCommand::DeleteEvents { id, yes } => {
            require_yes(yes, "queue deletion of this person's events")?;
            let pid = resolve(client, &id).await?;
            send(writer, Write::DeleteEvents { person: pid }).await?;
            eprintln!(
                "queued: deletion of the events of person {pid} (PostHog runs these deletions in batches)"
            );
            Ok(())
        }
        PersonsCommand::ResetDistinctId { distinct_id, yes } => {
            require_yes(yes, "reset this distinct id")?;
            send(writer, Write::ResetDistinctId { distinct_id: distinct_id.clone() }).await?;
            eprintln!("reset: {} can be used by a new person again", crate::text::sanitize(&distinct_id));
            Ok(())
        }
        PersonsCommand::Split { id, main, extract, yes } => {
            require_yes(yes, "split this person")?;
            let pid = resolve(client, &id).await?;
            let mode = if extract.is_empty() { SplitMode::All { main } } else { SplitMode::Extract(extract) };
            send(writer, Write::Split { person: pid, mode }).await?;
            eprintln!("queued: split of person {pid}");
            Ok(())
        }
        PersonsCommand::BulkDelete { ids_from, distinct_ids_from, flags } => {
            let target = bulk_target(ids_from.as_deref(), distinct_ids_from.as_deref())?;
            require_yes(flags.yes, &format!("delete {} person(s)", target.len()))?;
            let total = target.len();
            let write = Write::BulkDelete { target, options: flags.options() };
            let outcome =
                perform(writer, &write, |done, total| eprintln!("bulk-delete: {done}/{total} ids sent"))
                    .await?;
            let Some(report) = outcome.bulk_report() else {
                return Err(Failure::failed("bulk-delete: no report came back"));
            };
            let s = &report.summary;
            eprintln!(
                "bulk-delete: {} found, {} deleted, {} errors{}",
                s.persons_found,
                s.persons_deleted,
                s.deletion_errors.len(),
                if s.events_queued_for_deletion { ", events queued for deletion" } else { "" }
            );
            match &report.error {
                Some(e) => {
                    Err(Failure::failed(format!("{e} (stopped after {} of {total} ids)", report.sent)))
                }
                None => Ok(()),
            }
        }
        PersonsCommand::Cohorts { id, json } => {
            let pid = resolve(client, &id).await?;
            let cohorts = client.person_cohorts(pid).await?;
            if json { print_json(&cohorts) } else { out(&render::cohorts(&cohorts)) }
        }
        PersonsCommand::Activity { id, page, limit, json } => {
            let page_data = match id {
                Some(raw) => {
                    let pid = resolve(client, &raw).await?;
                    client.person_activity(pid, Some(page), Some(limit)).await?
                }
                None => client.project_activity(Some(page), Some(limit)).await?,
            };
            if json { print_json(&page_data.results) } else { out(&render::activity(&page_data)) }
        }
        cmd @ (PersonsCommand::Timeline { .. }
        | PersonsCommand::Events { .. }
        | PersonsCommand::Funnel { .. }
        | PersonsCommand::Correlation { .. }
        | PersonsCommand::Lifecycle { .. }) => super::history::run(client, cmd).await,
        PersonsCommand::DeletionStatus { status, json } => {
            let filter = match status.as_str() {
                "pending" => DeletionStatusFilter::Pending,
                "completed" => DeletionStatusFilter::Completed,
                _ => DeletionStatusFilter::All,
            };
            let page = client.deletion_status(filter, None, None, None).await?;
            if json { print_json(&page.results) } else { out(&render::deletion_status(&page.results)) }
        }
    }
}

pub async fn projects(client: &Client, json: bool) -> Result<(), Failure> {
    let page = client.list_projects().await?;
    if json { print_json(&page.results) } else { out(&render::projects(&page.results)) }
}

async fn list(client: &Client, params: ListParams, all: bool, format: ListFormat) -> Result<(), Failure> {
    match format {
        ListFormat::Csv => {
            // PostHog renders CSV from one query that ignores limit/offset (up to its export cap),
            // so `--limit` is applied here unless `--all` asks for the whole export.
            let limit = params.limit.unwrap_or(100) as usize;
            let csv = client.list_persons_csv(&params).await?;
            let csv = if all { csv } else { render::csv_head(&csv, limit).map_err(Failure::failed)? };
            // A terminal gets visible escapes; a pipe or file gets PostHog's bytes unchanged.
            let csv = if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                csv.split('\n').map(crate::text::sanitize).collect::<Vec<_>>().join("\n")
            } else {
                csv
            };
            out(&csv)
        }
        ListFormat::Json | ListFormat::Table => {
            let (persons, count) = if all {
                let persons = client.list_all_persons(&params, None, progress).await;
                clear_progress();
                let persons = persons?;
                let count = params.include_total.then_some(persons.len() as u64);
                (persons, count)
            } else {
                let page = client.list_persons(&params).await?;
                (page.results, page.count)
            };
            if format == ListFormat::Json {
                print_json(&persons)
            } else {
                out(&render::person_table(&persons))?;
                if let Some(c) = count {
                    eprintln!("{c} persons in total");
                }
                Ok(())
            }
        }
    }
}

/// A one-line progress counter on stderr, only when stderr is a terminal.
fn progress(n: usize, total: Option<u64>) {
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        match total {
            Some(t) => eprint!("\rloaded {n}/{t} persons"),
            None => eprint!("\rloaded {n} persons"),
        }
    }
}

fn clear_progress() {
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprint!("\r\x1b[K");
    }
}

pub(super) async fn resolve(client: &Client, raw: &str) -> Result<PersonId, Failure> {
    let r: PersonRef = raw.parse().unwrap_or_else(|e: std::convert::Infallible| match e {});
    Ok(client.resolve(&r).await?)
}

/// Sends one write through the writer (journaled; refused in read-only mode).
async fn send(writer: &Writer, write: Write) -> Result<WriteOutcome, Failure> {
    perform(writer, &write, |_, _| {}).await
}

async fn perform(
    writer: &Writer,
    write: &Write,
    on_progress: impl FnMut(usize, usize),
) -> Result<WriteOutcome, Failure> {
    if writer.journal().is_none() {
        let why = crate::journal::Journal::default_path().err().unwrap_or_default();
        eprintln!("hogdex: warning: this write is not journaled: {}", crate::text::sanitize(&why));
    }
    let outcome = writer.perform(write, None, on_progress).await.map_err(refusal)?;
    if let Some(w) = outcome.journal_warning() {
        eprintln!("hogdex: warning: {}", crate::text::sanitize(w));
    }
    Ok(outcome)
}

/// Read-only refusals are usage errors (exit 2, nothing sent); API failures exit 1.
fn refusal(e: WriteError) -> Failure {
    match e {
        WriteError::ReadOnly => Failure::usage(e.to_string()),
        WriteError::Api { .. } => Failure::failed(e.to_string()),
    }
}

fn require_yes(yes: bool, what: &str) -> Result<(), Failure> {
    if yes {
        Ok(())
    } else {
        Err(Failure::usage(format!("refusing to {what} without --yes; nothing was sent")))
    }
}

fn bulk_target(
    ids_from: Option<&std::path::Path>,
    distinct_from: Option<&std::path::Path>,
) -> Result<BulkTarget, Failure> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", p.display())))
            .map(|s| s.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect::<Vec<_>>())
    };
    let target = match (ids_from, distinct_from) {
        (Some(p), _) => {
            let lines = read(p)?;
            let mut ids = Vec::with_capacity(lines.len());
            for (i, line) in lines.iter().enumerate() {
                ids.push(uuid::Uuid::parse_str(line).map_err(|_| {
                    Failure::usage(format!(
                        "{}: line {}: {:?} is not a person UUID (use --distinct-ids-from for distinct ids)",
                        p.display(),
                        i + 1,
                        crate::text::fit(line, 60)
                    ))
                })?);
            }
            BulkTarget::Ids(ids)
        }
        (None, Some(p)) => BulkTarget::DistinctIds(read(p)?),
        (None, None) => return Err(Failure::usage("give --ids-from FILE or --distinct-ids-from FILE")),
    };
    if target.is_empty() {
        return Err(Failure::usage("the file has no ids; nothing was sent"));
    }
    Ok(target)
}

pub(super) fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::failed(e.to_string()))?;
    out(&text)
}

fn safe_json(v: &Value) -> String {
    crate::text::fit(&v.to_string(), 200)
}

/// Writes to stdout; a closed pipe (`| head`) ends quietly.
pub(super) fn out(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{}", text.trim_end_matches('\n')) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::failed(e.to_string())),
        _ => Ok(()),
    }
}
