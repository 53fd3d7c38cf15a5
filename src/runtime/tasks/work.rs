//! The longer pieces of work a command runs: exporting a search to a file, finding a person.
use super::Event;
use crate::api::{ApiError, Client, ErrorKind, PersonId, PersonListItem};
use crate::app::{self, Msg};

/// Writes the search's persons to a new file (0600; an existing file is never overwritten): CSV
/// through PostHog's own export, JSON by walking every page with progress.
pub(super) async fn export(
    client: &Client,
    format: app::ExportFormat,
    path: &std::path::Path,
    params: &crate::api::ListParams,
    tx: &tokio::sync::mpsc::UnboundedSender<Event>,
) -> Result<usize, String> {
    let bytes = match format {
        app::ExportFormat::Csv => {
            let csv = client.list_persons_csv(params).await.map_err(|e| e.to_string())?;
            let rows = csv.lines().count().saturating_sub(1);
            let _ = tx.send(Event::Msg(Msg::ExportProgress { done: rows, total: None }));
            (csv.into_bytes(), rows)
        }
        app::ExportFormat::Json => {
            let persons = client
                .list_all_persons(params, None, |done, total| {
                    let _ = tx.send(Event::Msg(Msg::ExportProgress { done, total }));
                })
                .await
                .map_err(|e| e.to_string())?;
            let n = persons.len();
            (serde_json::to_vec_pretty(&persons).map_err(|e| e.to_string())?, n)
        }
    };
    let (data, n) = bytes;
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        f.write_all(&data)
            .and_then(|()| f.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    })
    .await
    .map_err(|e| e.to_string())??;
    Ok(n)
}

/// `:person <query>`: a distinct id first (anonymous distinct ids look like UUIDs and user ids are
/// often numbers), then, if nobody has it, a person UUID or integer id.
pub(super) async fn find_person(client: &Client, query: &str) -> Result<Option<PersonListItem>, ApiError> {
    if let Some(found) = client.find_by_distinct_id(query).await? {
        return Ok(Some(found));
    }
    match PersonId::parse(query) {
        Some(id) => match client.get_person(id).await {
            Ok(record) => Ok(Some(PersonListItem::from(&record))),
            Err(e) if matches!(e.kind, ErrorKind::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}
