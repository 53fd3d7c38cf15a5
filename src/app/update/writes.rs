//! The life of a write in the UI: scheduled (deletions wait out a grace period; `u` undoes),
//! sent (never cancelled), answered, then re-checked with backoff until PostHog shows it.
use crate::api::{ApiError, ErrorKind, PersonId, PersonRecord};
use crate::app::dialog::{Dialog, Expect};
use crate::app::model::{Check, CheckState, InFlight, Level, MAX_CHECKS, Model, Scheduled};
use crate::app::{Cmd, Timer};
use crate::writes::{Write, WriteOutcome};
use serde_json::Value;
use std::time::Duration;

/// First re-check delay; doubles each time (0.3 s … ~10 s in all).
const CHECK_BASE: Duration = Duration::from_millis(300);

/// A short description of a write for messages.
pub fn label(w: &Write) -> String {
    match w {
        Write::UpdateProperty { key, value, .. } => {
            format!("set {key} = {}", crate::text::fit(&value.to_string(), 60))
        }
        Write::DeleteProperty { key, .. } => format!("delete property {key}"),
        Write::PatchProperties { properties, .. } => format!("set {} properties", properties.len()),
        Write::DeletePerson { .. } => "delete the person".into(),
        Write::DeleteEvents { .. } => "queue deletion of the person's events".into(),
        Write::Split { .. } => "split the person".into(),
        Write::BulkDelete { target, .. } => format!("delete {} persons", target.len()),
        Write::ResetDistinctId { distinct_id } => format!("reset distinct id {distinct_id}"),
    }
}

/// What each write should make visible (property writes only; others pass `extra`).
pub fn expectations(w: &Write) -> Vec<(String, Expect)> {
    let uuid = |p: &PersonId| p.to_string();
    match w {
        Write::UpdateProperty { person, key, value } => {
            vec![(uuid(person), Expect::Property { key: key.clone(), value: Some(value.clone()) })]
        }
        Write::DeleteProperty { person, key } => {
            vec![(uuid(person), Expect::Property { key: key.clone(), value: None })]
        }
        Write::PatchProperties { person, properties } => properties
            .iter()
            .map(|(k, v)| (uuid(person), Expect::Property { key: k.clone(), value: Some(v.clone()) }))
            .collect(),
        _ => Vec::new(),
    }
}

/// Sends a write now. Returns its id and the command.
pub fn send(
    model: &mut Model,
    write: Write,
    before: Option<Value>,
    extra: Vec<(String, Expect)>,
) -> (u64, Vec<Cmd>) {
    let id = model.take_id();
    let mut expect = expectations(&write);
    expect.extend(extra);
    let uuids = write.person().map(|p| vec![p.to_string()]).unwrap_or_default();
    model
        .in_flight
        .insert(id, InFlight { write: write.clone(), label: label(&write), uuids, expect, progress: None });
    (id, vec![Cmd::Write { id, write, before }])
}

/// Schedules a deletion after the grace period (or sends it at once when the period is zero).
pub fn schedule_delete(
    model: &mut Model,
    write: Write,
    uuids: Vec<String>,
    before: Option<Value>,
) -> Vec<Cmd> {
    let what = label(&write);
    if model.grace.is_zero() {
        model.push_message(Level::Info, format!("Sending: {what}"));
        let (id, cmds) = send(model, write, before, Vec::new());
        if let Some(f) = model.in_flight.get_mut(&id) {
            f.uuids = uuids;
        }
        return cmds;
    }
    let id = model.take_id();
    let due = model.now + chrono::Duration::from_std(model.grace).unwrap_or_default();
    let secs = model.grace.as_secs_f64();
    let undo = model.keymap.first_key(crate::app::actions::Action::Undo, crate::app::actions::Context::List);
    model.push_message(Level::Warn, format!("Will {what} in {secs:.0} s — press {undo} to undo"));
    model.scheduled.push(Scheduled { id, write, label: what, uuids, due, before });
    vec![Cmd::Debounce { timer: Timer::Grace(id), generation: id, after: model.grace }]
}

/// `u`: cancels the most recent scheduled deletion; nothing was sent.
pub fn undo(model: &mut Model) -> Vec<Cmd> {
    match model.scheduled.pop() {
        Some(s) => model.push_message(Level::Info, format!("Undone: {} (nothing was sent)", s.label)),
        None => model.push_message(Level::Info, "Nothing to undo: no deletion is waiting"),
    }
    Vec::new()
}

/// The grace period of a scheduled deletion ran out: send it.
pub fn grace_over(model: &mut Model, id: u64) -> Vec<Cmd> {
    let Some(pos) = model.scheduled.iter().position(|s| s.id == id) else { return Vec::new() };
    let s = model.scheduled.remove(pos);
    let uuids = s.uuids.clone();
    model.in_flight.insert(
        id,
        InFlight { write: s.write.clone(), label: s.label, uuids, expect: Vec::new(), progress: None },
    );
    vec![Cmd::Write { id, write: s.write, before: s.before }]
}

pub fn progress(model: &mut Model, id: u64, done: usize, total: usize) -> Vec<Cmd> {
    if let Some(f) = model.in_flight.get_mut(&id) {
        f.progress = Some((done, total));
    }
    Vec::new()
}

/// A write was answered.
pub fn done(model: &mut Model, id: u64, result: Result<WriteOutcome, String>) -> Vec<Cmd> {
    let Some(flight) = model.in_flight.remove(&id) else { return Vec::new() };
    // The dialog that sent it closes on success and keeps the typed text on failure.
    let from_dialog = match &mut model.dialog {
        Some(Dialog::Property(d)) if d.sending == Some(id) => {
            d.sending = None;
            if let Err(e) = &result {
                d.error = Some(e.clone());
            }
            true
        }
        _ => false,
    };
    if from_dialog && result.is_ok() {
        model.dialog = None;
    }
    if let Some(w) = result.as_ref().ok().and_then(WriteOutcome::journal_warning) {
        model.push_message(Level::Warn, format!("Sent, but not journaled: {w}"));
    }
    match result {
        Err(e) => {
            model.push_message(Level::Error, format!("Could not {}: {e}", flight.label));
            Vec::new()
        }
        Ok(WriteOutcome::Bulk { report, .. }) => {
            let s = &report.summary;
            let failed: std::collections::HashSet<&str> =
                s.deletion_errors.iter().map(|e| e.person_uuid.as_str()).collect();
            let sent: Vec<String> = match &flight.write {
                Write::BulkDelete { target: crate::api::BulkTarget::Ids(ids), .. } => {
                    ids.iter().take(report.sent).map(|u| u.hyphenated().to_string()).collect()
                }
                _ => Vec::new(),
            };
            let gone: Vec<String> = sent.into_iter().filter(|u| !failed.contains(u.as_str())).collect();
            let cmds = remove_persons(model, &gone);
            let mut text = format!(
                "Bulk delete: {} found, {} deleted, {} errors",
                s.persons_found,
                s.persons_deleted,
                s.deletion_errors.len()
            );
            if s.events_queued_for_deletion {
                text.push_str("; events queued for deletion");
            }
            match &report.error {
                Some(e) => {
                    text.push_str(&format!(" — stopped: {e}; the rest stay marked"));
                    model.push_message(Level::Error, text);
                }
                None => model.push_message(Level::Info, text),
            }
            cmds
        }
        Ok(WriteOutcome::Done { .. }) => {
            let mut cmds = Vec::new();
            match &flight.write {
                Write::DeletePerson { .. } => {
                    cmds = remove_persons(model, &flight.uuids);
                    model.push_message(Level::Info, "Person deleted. Their distinct ids can be used again in about an hour");
                }
                Write::ResetDistinctId { distinct_id } => model.push_message(
                    Level::Info,
                    format!("{distinct_id} can be used by a new person again (PostHog raised it above the deletion)"),
                ),
                Write::DeleteEvents { .. } => model.push_message(
                    Level::Info,
                    "Events queued for deletion; PostHog deletes them in a scheduled batch, the person stays",
                ),
                _ => model.push_message(Level::Info, format!("PostHog accepted: {} — checking it shows up…", flight.label)),
            }
            for (uuid, expect) in flight.expect {
                let check = model.take_id();
                model.checks.retain(|c| !(c.uuid == uuid && c.expect.same_subject(&expect)));
                model.checks.push(Check { id: check, uuid, expect, attempt: 0, state: CheckState::Pending });
                cmds.push(Cmd::Debounce {
                    timer: Timer::Confirm(check),
                    generation: check,
                    after: CHECK_BASE,
                });
            }
            cmds
        }
    }
}

/// Time to look again whether a write shows up.
pub fn check_due(model: &mut Model, id: u64) -> Vec<Cmd> {
    match model.checks.iter().find(|c| c.id == id && c.state == CheckState::Pending) {
        Some(c) => vec![Cmd::CheckPerson { id, uuid: c.uuid.clone() }],
        None => Vec::new(),
    }
}

/// A fresh read arrived for a check.
pub fn checked(model: &mut Model, id: u64, result: Result<PersonRecord, ApiError>) -> Vec<Cmd> {
    let Some(idx) = model.checks.iter().position(|c| c.id == id && c.state == CheckState::Pending) else {
        return Vec::new();
    };
    let record = match result {
        Ok(r) => r,
        Err(e) if matches!(e.kind, ErrorKind::NotFound { .. }) => {
            model.checks[idx].state = CheckState::NotVisible;
            model.push_message(Level::Warn, "The person no longer exists; the change cannot be confirmed");
            return Vec::new();
        }
        Err(_) => return retry(model, idx),
    };
    let seen = match &model.checks[idx].expect {
        Expect::Property { key, value } => record.properties.get(key) == value.as_ref(),
        Expect::DistinctIds(ids) => {
            let mut have = record.distinct_ids.clone();
            let mut want = ids.clone();
            have.sort();
            want.sort();
            have == want
        }
    };
    if !seen {
        return retry(model, idx);
    }
    let check = &mut model.checks[idx];
    check.state = CheckState::Confirmed;
    let what = match &check.expect {
        Expect::Property { key, value: Some(_) } => format!("{key} is saved"),
        Expect::Property { key, value: None } => format!("{key} is deleted"),
        Expect::DistinctIds(_) => "the split is done".into(),
    };
    let uuid = check.uuid.clone();
    model.push_message(Level::Info, format!("✓ Confirmed by PostHog: {what}"));
    // The fresh record is the best view of the person now.
    if let Some(row) = model.list.items.iter_mut().find(|p| p.uuid() == uuid) {
        row.properties = record.properties.clone();
        row.distinct_ids = record.distinct_ids.clone();
    }
    model.records.insert(uuid, record);
    super::inspect::follow_selection(model);
    Vec::new()
}

fn retry(model: &mut Model, idx: usize) -> Vec<Cmd> {
    let check = &mut model.checks[idx];
    check.attempt += 1;
    if check.attempt >= MAX_CHECKS {
        check.state = CheckState::NotVisible;
        model.push_message(
            Level::Warn,
            format!(
                "PostHog accepted the change but it is not visible yet (ingestion can lag); press {} to look again",
                model.keymap.first_key(crate::app::actions::Action::Refresh, crate::app::actions::Context::Global)
            ),
        );
        return Vec::new();
    }
    let after = CHECK_BASE * 2u32.pow(check.attempt);
    vec![Cmd::Debounce { timer: Timer::Confirm(check.id), generation: check.id, after }]
}

/// Deleted persons leave the list, the marks, the cache and the total.
fn remove_persons(model: &mut Model, uuids: &[String]) -> Vec<Cmd> {
    if uuids.is_empty() {
        return Vec::new();
    }
    let before = model.list.items.len();
    model.list.items.retain(|p| !uuids.iter().any(|u| u == p.uuid()));
    let removed = (before - model.list.items.len()) as u64;
    model.list.total = model.list.total.map(|t| t.saturating_sub(removed));
    for u in uuids {
        model.marks.remove(u);
        model.records.remove(u);
    }
    if model.inspector.uuid.as_ref().is_some_and(|u| uuids.contains(u)) {
        model.zoomed = false;
        model.focus = crate::app::model::Focus::List;
    }
    super::list::follow_selection(model);
    let uuid = model.selected_person().map(|p| p.uuid().to_string());
    super::inspect::show(model, uuid)
}
