//! Every write hogdex can send, as data. A `Write` is built by the TUI (after a confirm dialog)
//! or the CLI, and executed in exactly one place, `Writer::perform`, which refuses writes in
//! read-only mode and journals each one with the person's state before it.
use crate::api::{
    ApiError, BulkDeleteReport, BulkTarget, Client, DeleteOptions, ErrorKind, PersonId, SplitMode,
};
use crate::journal::{Journal, JournalEntry};
use serde_json::{Map, Value, json};

#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    /// `POST /persons/{id}/update_property/` — one `$set`.
    UpdateProperty { person: PersonId, key: String, value: Value },
    /// `POST /persons/{id}/delete_property/` — one `$unset`.
    DeleteProperty { person: PersonId, key: String },
    /// `PATCH /persons/{id}/` — `$set` of several properties.
    PatchProperties { person: PersonId, properties: Map<String, Value> },
    /// `DELETE /persons/{id}/`.
    DeletePerson { person: PersonId, options: DeleteOptions },
    /// `POST /persons/{id}/delete_events/`.
    DeleteEvents { person: PersonId },
    /// `POST /persons/{id}/split/`.
    Split { person: PersonId, mode: SplitMode },
    /// `POST /persons/bulk_delete/`, in batches of at most 1,000.
    BulkDelete { target: BulkTarget, options: DeleteOptions },
    /// `POST /persons/reset_person_distinct_id/`.
    ResetDistinctId { distinct_id: String },
}

impl Write {
    /// The person the write is about (for the journal's pre-image), if it names one.
    pub fn person(&self) -> Option<PersonId> {
        match self {
            Write::UpdateProperty { person, .. }
            | Write::DeleteProperty { person, .. }
            | Write::PatchProperties { person, .. }
            | Write::DeletePerson { person, .. }
            | Write::DeleteEvents { person }
            | Write::Split { person, .. } => Some(*person),
            Write::BulkDelete { .. } | Write::ResetDistinctId { .. } => None,
        }
    }
}

impl Write {
    /// One line saying what the write does, for confirm dialogs and messages. Untrusted text
    /// (keys, values, distinct ids) is sanitized and cut.
    pub fn describe(&self) -> String {
        match self {
            Write::UpdateProperty { person, key, value } => {
                format!("set {} = {} on person {person}", fit(key, 40), fit(&value.to_string(), 60))
            }
            Write::DeleteProperty { person, key } => format!("remove {} from person {person}", fit(key, 40)),
            Write::PatchProperties { person, properties } => {
                let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
                let n = keys.len();
                let noun = if n == 1 { "property" } else { "properties" };
                format!("set {n} {noun} ({}) on person {person}", fit(&keys.join(", "), 60))
            }
            Write::DeletePerson { person, options } => {
                format!("delete person {person}{}", also(options, false))
            }
            Write::DeleteEvents { person } => {
                format!("delete the events of person {person} (keep the person)")
            }
            Write::Split { person, mode } => match mode {
                SplitMode::All { main: Some(main) } => format!(
                    "split person {person}: every distinct id but {} moves to a person of its own",
                    fit(main, 40)
                ),
                SplitMode::All { main: None } => format!(
                    "split person {person}: every distinct id but the first moves to a person of its own"
                ),
                SplitMode::Extract(ids) => {
                    let n = ids.len();
                    let noun = if n == 1 { "distinct id" } else { "distinct ids" };
                    format!("move {n} {noun} ({}) off person {person}", fit(&ids.join(", "), 60))
                }
            },
            Write::BulkDelete { target, options } => {
                let n = target.len();
                let noun = if n == 1 { "person" } else { "persons" };
                let by = match target {
                    BulkTarget::Ids(_) => "by UUID",
                    BulkTarget::DistinctIds(_) => "by distinct id",
                };
                format!("delete {n} {noun} ({by}){}", also(options, n != 1))
            }
            Write::ResetDistinctId { distinct_id } => {
                format!("reset distinct id {} so a new person can use it", fit(distinct_id, 60))
            }
        }
    }

    /// How the write goes over the wire: method, path relative to the project, and the JSON body
    /// (or `DELETE`'s query flags as an object). Mirrors the client, for the journal.
    fn wire(&self) -> (&'static str, String, Option<Value>) {
        let at = |p: &PersonId, tail: &str| format!("persons/{}/{tail}", p.path_segment());
        match self {
            Write::UpdateProperty { person, key, value } => {
                ("POST", at(person, "update_property/"), Some(json!({ "key": key, "value": value })))
            }
            Write::DeleteProperty { person, key } => {
                ("POST", at(person, "delete_property/"), Some(json!({ "$unset": key })))
            }
            Write::PatchProperties { person, properties } => {
                ("PATCH", at(person, ""), Some(json!({ "properties": properties })))
            }
            Write::DeletePerson { person, options } => {
                let flags: Map<String, Value> =
                    options.set_flags().map(|f| (f.to_string(), Value::Bool(true))).collect();
                ("DELETE", at(person, ""), (!flags.is_empty()).then_some(Value::Object(flags)))
            }
            Write::DeleteEvents { person } => ("POST", at(person, "delete_events/"), None),
            Write::Split { person, mode } => {
                let body = match mode {
                    SplitMode::All { main } => json!({ "main_distinct_id": main }),
                    SplitMode::Extract(ids) => json!({ "distinct_ids_to_split": ids }),
                };
                ("POST", at(person, "split/"), Some(body))
            }
            Write::BulkDelete { target, options } => {
                let mut body = match target {
                    BulkTarget::Ids(ids) => {
                        json!({ "ids": ids.iter().map(|u| u.hyphenated().to_string()).collect::<Vec<_>>() })
                    }
                    BulkTarget::DistinctIds(ids) => json!({ "distinct_ids": ids }),
                };
                if let Some(obj) = body.as_object_mut() {
                    for flag in options.set_flags() {
                        obj.insert(flag.into(), Value::Bool(true));
                    }
                }
                ("POST", "persons/bulk_delete/".into(), Some(body))
            }
            Write::ResetDistinctId { distinct_id } => (
                "POST",
                "persons/reset_person_distinct_id/".into(),
                Some(json!({ "distinct_id": distinct_id })),
            ),
        }
    }
}

fn fit(s: &str, max: usize) -> String {
    crate::text::fit(s, max)
}

fn also(options: &DeleteOptions, plural: bool) -> String {
    let whose = if plural { "their" } else { "its" };
    match (options.delete_events, options.delete_recordings) {
        (true, true) => format!(" with {whose} events and recordings"),
        (true, false) => format!(" with {whose} events"),
        (false, true) => format!(" with {whose} recordings"),
        (false, false) => String::new(),
    }
}

/// What a write that was sent came to. `journal_warning` is set when the write went out but its
/// journal line could not be written (show it; the API result itself is not lost).
#[derive(Clone, Debug, PartialEq)]
pub enum WriteOutcome {
    /// Accepted by PostHog (most writes answer 202 and apply asynchronously, within seconds).
    Done { journal_warning: Option<String> },
    /// A bulk delete ran; **check `report.error`**: `Some` means it stopped at a failing batch
    /// (the summary still counts what the batches before it did).
    Bulk { report: BulkDeleteReport, journal_warning: Option<String> },
}

impl WriteOutcome {
    /// Set when the write went out but its journal line could not be written.
    pub fn journal_warning(&self) -> Option<&str> {
        match self {
            WriteOutcome::Done { journal_warning } | WriteOutcome::Bulk { journal_warning, .. } => {
                journal_warning.as_deref()
            }
        }
    }

    /// The bulk delete report, for `BulkDelete`.
    pub fn bulk_report(&self) -> Option<&BulkDeleteReport> {
        match self {
            WriteOutcome::Bulk { report, .. } => Some(report),
            WriteOutcome::Done { .. } => None,
        }
    }

    /// The failure of a bulk delete that stopped part way (single writes fail with `Err`).
    pub fn failure(&self) -> Option<&ApiError> {
        self.bulk_report().and_then(|r| r.error.as_ref())
    }
}

/// Why a write was not done.
#[derive(Clone, Debug, PartialEq)]
pub enum WriteError {
    /// Read-only mode: nothing was sent.
    ReadOnly,
    /// PostHog (or the network) refused it. `journal_warning` is set when, on top of that, the
    /// journal line could not be written.
    Api { error: ApiError, journal_warning: Option<String> },
}

impl WriteError {
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            WriteError::Api { error, .. } => Some(error),
            WriteError::ReadOnly => None,
        }
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::ReadOnly => f.write_str(READ_ONLY),
            WriteError::Api { error, journal_warning } => {
                write!(f, "{error}")?;
                if let Some(w) = journal_warning {
                    write!(f, "; {w}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for WriteError {}

/// The sentence of a refused write in read-only mode.
pub const READ_ONLY: &str = "read-only mode: nothing was sent (remove --read-only to write)";

/// Executes writes: the one place that refuses them in read-only mode, reads the person's
/// pre-image, sends the request and journals it.
#[derive(Clone, Debug)]
pub struct Writer {
    client: Client,
    journal: Option<Journal>,
    read_only: bool,
    host: String,
    project: String,
}

impl Writer {
    /// A writer over `client`; `journal: None` sends without journaling (nothing warns).
    pub fn new(client: Client, journal: Option<Journal>, read_only: bool) -> Self {
        let host = client.host().as_str().to_string();
        let project = client.project().to_string();
        Self { client, journal, read_only, host, project }
    }

    pub fn read_only(&self) -> bool {
        self.read_only
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn journal(&self) -> Option<&Journal> {
        self.journal.as_ref()
    }

    /// Refuses in read-only mode; for callers that must check before resolving ids (which sends
    /// a lookup) or preparing anything.
    pub fn check(&self) -> Result<(), WriteError> {
        if self.read_only { Err(WriteError::ReadOnly) } else { Ok(()) }
    }

    /// Sends `write` and journals it. In read-only mode nothing at all is sent. For a write that
    /// names a person, `before: None` means "fetch the person's full record first" (a 404 there
    /// lets the write go ahead with no pre-image; any other failure stops it before it is sent).
    /// `on_progress(sent, total)` hears each accepted bulk delete batch.
    pub async fn perform(
        &self,
        write: &Write,
        before: Option<Value>,
        on_progress: impl FnMut(usize, usize),
    ) -> Result<WriteOutcome, WriteError> {
        self.check()?;
        let before = match (before, write.person()) {
            (Some(b), _) => Some(b),
            (None, Some(id)) => self.pre_image(id).await?,
            (None, None) => None,
        };
        let (method, endpoint, request) = write.wire();
        let result = self.send(write, on_progress).await;
        let (ok, error, response, status) = match &result {
            Ok(Sent::Status(s)) => (true, None, None, Some(*s)),
            Ok(Sent::Bulk(report)) => {
                (report.error.is_none(), report.error.clone(), Some(bulk_response(report)), None)
            }
            Err(e) => (false, Some(e.clone()), None, e.status()),
        };
        let entry = JournalEntry {
            time: chrono::Utc::now(),
            host: self.host.clone(),
            project: self.project.clone(),
            method: method.into(),
            endpoint,
            request,
            status: status.or_else(|| error.as_ref().and_then(ApiError::status)),
            ok,
            error: error.as_ref().map(ToString::to_string),
            person: write.person().map(|p| p.path_segment()),
            before,
            response,
        };
        let journal_warning = self.journal.as_ref().and_then(|j| {
            j.append(&entry)
                .err()
                .map(|e| format!("the write was not recorded in the journal {} ({e})", j.path().display()))
        });
        match result {
            Ok(Sent::Status(_)) => Ok(WriteOutcome::Done { journal_warning }),
            Ok(Sent::Bulk(report)) => Ok(WriteOutcome::Bulk { report, journal_warning }),
            Err(error) => Err(WriteError::Api { error, journal_warning }),
        }
    }

    /// The person's full record, `None` when PostHog says there is no such person.
    async fn pre_image(&self, id: PersonId) -> Result<Option<Value>, WriteError> {
        match self.client.get_person(id).await {
            Ok(record) => Ok(Some(serde_json::to_value(record).unwrap_or(Value::Null))),
            Err(e) if matches!(e.kind, ErrorKind::NotFound { .. }) => Ok(None),
            Err(e) => Err(WriteError::Api {
                error: ApiError::new(
                    format!("Reading person {id} before the write (nothing was changed)"),
                    e.kind,
                ),
                journal_warning: None,
            }),
        }
    }

    async fn send(&self, write: &Write, on_progress: impl FnMut(usize, usize)) -> Result<Sent, ApiError> {
        let c = &self.client;
        match write {
            Write::UpdateProperty { person, key, value } => {
                c.update_property(*person, key, value.clone()).await
            }
            Write::DeleteProperty { person, key } => c.delete_property(*person, key).await,
            Write::PatchProperties { person, properties } => {
                c.patch_properties(*person, properties.clone()).await
            }
            Write::DeletePerson { person, options } => c.delete_person(*person, *options).await,
            Write::DeleteEvents { person } => c.delete_events(*person).await,
            Write::Split { person, mode } => c.split(*person, mode).await,
            Write::BulkDelete { target, options } => {
                return Ok(Sent::Bulk(c.bulk_delete(target, *options, on_progress).await));
            }
            Write::ResetDistinctId { distinct_id } => c.reset_person_distinct_id(distinct_id).await,
        }
        .map(Sent::Status)
    }
}

/// What PostHog answered to a write.
enum Sent {
    /// The HTTP status of a single write (202 or 201).
    Status(u16),
    /// A bulk delete's batches.
    Bulk(BulkDeleteReport),
}

fn bulk_response(report: &BulkDeleteReport) -> Value {
    let mut v = serde_json::to_value(&report.summary).unwrap_or_else(|_| json!({}));
    if let Some(obj) = v.as_object_mut() {
        obj.insert("ids_sent".into(), json!(report.sent));
        obj.insert("batches".into(), json!(report.batches));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> PersonId {
        PersonId::parse("0190f0c2-0000-7000-8000-00000000a11c").unwrap()
    }

    #[test]
    fn describe_is_one_safe_line() {
        let w = Write::UpdateProperty { person: person(), key: "plan".into(), value: json!("pro") };
        assert_eq!(w.describe(), "set plan = \"pro\" on person 0190f0c2-0000-7000-8000-00000000a11c");
        let hostile = Write::DeleteProperty { person: PersonId::Pk(7), key: "a\x1b[2J\nb".into() };
        let text = hostile.describe();
        assert!(!text.contains('\x1b') && !text.contains('\n'), "{text}");
        let bulk = Write::BulkDelete {
            target: BulkTarget::DistinctIds(vec!["a".into(), "b".into()]),
            options: DeleteOptions { delete_events: true, ..Default::default() },
        };
        assert_eq!(bulk.describe(), "delete 2 persons (by distinct id) with their events");
    }

    #[test]
    fn read_only_refusal_says_what_to_do() {
        assert_eq!(WriteError::ReadOnly.to_string(), READ_ONLY);
        assert!(READ_ONLY.contains("nothing was sent") && READ_ONLY.contains("--read-only"));
    }
}
