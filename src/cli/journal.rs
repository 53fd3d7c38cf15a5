//! `hogdex journal`: the local journal of writes, as a table or JSON. Needs no connection.
use super::Failure;
use super::render;
use crate::journal::Journal;

pub fn print(limit: usize, json: bool) -> Result<(), Failure> {
    let journal = Journal::open_default().map_err(Failure::failed)?;
    let read = journal
        .read(limit)
        .map_err(|e| Failure::failed(format!("cannot read the journal {}: {e}", journal.path().display())))?;
    if read.skipped > 0 {
        eprintln!(
            "hogdex: skipped {} unreadable line(s) in {}",
            read.skipped,
            crate::text::sanitize(&journal.path().display().to_string())
        );
    }
    if json {
        let text = serde_json::to_string_pretty(&read.entries).map_err(|e| Failure::failed(e.to_string()))?;
        return super::persons::out(&text);
    }
    if read.entries.is_empty() {
        eprintln!(
            "the journal is empty: no write has been sent yet ({})",
            crate::text::sanitize(&journal.path().display().to_string())
        );
        return Ok(());
    }
    super::persons::out(&render::journal(&read.entries))
}
