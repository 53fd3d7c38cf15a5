//! The local journal: one JSON line per write hogdex sent (TUI or CLI), with the person's full
//! record before it, in `$XDG_STATE_HOME/hogdex/journal.jsonl`. The file holds person data, so it
//! is created readable by the user only (0600). It never holds the API key. `restore_writes`
//! turns a property edit back into the writes that undo it. Imports only `api` and `writes`.
use crate::api::PersonId;
use crate::writes::Write;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// When the write finished (RFC 3339, UTC).
    pub time: DateTime<Utc>,
    /// The PostHog host (`https://us.posthog.com`), without any credentials.
    pub host: String,
    /// The project as it appears in URLs (`12345` or `@current`).
    pub project: String,
    /// `POST`, `PATCH` or `DELETE`.
    pub method: String,
    /// Path relative to the project, e.g. `persons/<uuid>/update_property/`.
    pub endpoint: String,
    /// The JSON body sent, or the query flags of `DELETE` as an object; `None` when neither.
    #[serde(default)]
    pub request: Option<Value>,
    /// PostHog's HTTP status (202/201 on success); `None` when no answer came, and for bulk
    /// deletes, whose per-batch summary is in `response`.
    #[serde(default)]
    pub status: Option<u16>,
    pub ok: bool,
    /// The error sentence when the write failed.
    #[serde(default)]
    pub error: Option<String>,
    /// The person the write named (UUID or integer id, as sent).
    #[serde(default)]
    pub person: Option<String>,
    /// The person's full record before the write (`GET /persons/{id}/`), or what the caller knew
    /// (the list rows of a bulk delete); `None` when the person was not found.
    #[serde(default)]
    pub before: Option<Value>,
    /// What PostHog answered that is worth keeping (the bulk delete summary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
}

/// What [`Journal::read`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JournalRead {
    /// The newest `limit` entries, oldest first (newest last).
    pub entries: Vec<JournalEntry>,
    /// Lines that were not journal entries (a truncated last line, hand edits), skipped.
    pub skipped: usize,
}

/// The journal file. Cloning shares the in-process lock, so concurrent writes never interleave.
#[derive(Clone, Debug)]
pub struct Journal {
    path: PathBuf,
    lock: Arc<Mutex<()>>,
}

impl Journal {
    /// `$XDG_STATE_HOME/hogdex/journal.jsonl`, else `~/.local/state/hogdex/journal.jsonl`.
    pub fn default_path() -> Result<PathBuf, String> {
        use etcetera::BaseStrategy;
        let xdg = etcetera::base_strategy::Xdg::new()
            .map_err(|e| format!("no home directory to keep the journal in ({e}); set XDG_STATE_HOME"))?;
        let state = xdg.state_dir().unwrap_or_else(|| xdg.home_dir().join(".local/state"));
        Ok(state.join("hogdex").join("journal.jsonl"))
    }

    /// The journal at `path` (nothing is created until the first append).
    pub fn open(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), lock: Arc::new(Mutex::new(())) }
    }

    /// The journal at [`Journal::default_path`].
    pub fn open_default() -> Result<Self, String> {
        Self::default_path().map(Self::open)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `entry` as one line, creating the directory (0700) and the file (0600) when
    /// missing, and syncs it to disk. A truncated last line left by a crash is closed first, so
    /// it never swallows this entry.
    pub fn append(&self, entry: &JournalEntry) -> io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(io::Error::other)?;
        line.push('\n');
        let _guard = self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let mut opts = OpenOptions::new();
        opts.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut file = opts.open(&self.path)?;
        make_private(&file)?;
        if ends_without_newline(&mut file)? {
            line.insert(0, '\n');
        }
        file.write_all(line.as_bytes())?;
        file.flush()?;
        file.sync_data()
    }

    /// The newest `limit` entries, newest last. A missing journal is empty; lines that do not
    /// parse are skipped and counted.
    pub fn read(&self, limit: usize) -> io::Result<JournalRead> {
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(JournalRead::default()),
            Err(e) => return Err(e),
        };
        let mut entries = VecDeque::new();
        let mut skipped = 0;
        for line in BufReader::new(file).split(b'\n') {
            let line = line?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<JournalEntry>(&line) {
                Ok(entry) => {
                    if entries.len() == limit {
                        entries.pop_front();
                    }
                    if limit > 0 {
                        entries.push_back(entry);
                    }
                }
                Err(_) => skipped += 1,
            }
        }
        Ok(JournalRead { entries: entries.into(), skipped })
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Tightens a journal created by something else (or an older hogdex) to 0600.
fn make_private(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

fn ends_without_newline(file: &mut File) -> io::Result<bool> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// The single write that undoes a property edit (`update_property`, `PATCH`, `delete_property`),
/// if one write does it: see [`restore_writes`].
pub fn restore_write(entry: &JournalEntry) -> Option<Write> {
    let mut writes = restore_writes(entry);
    (writes.len() == 1).then(|| writes.remove(0))
}

/// The writes that put back what a successful property edit changed: the old value of each key
/// that existed before (`update_property`, or one `PATCH` for several), and a `delete_property`
/// for each key that did not. Empty when the entry is not a property edit, failed, or has no
/// pre-image to restore from (or when there is nothing to undo: unsetting an absent key).
pub fn restore_writes(entry: &JournalEntry) -> Vec<Write> {
    let (Some(person), Some(request), Some(before)) = (
        entry.person.as_deref().and_then(PersonId::parse),
        entry.request.as_ref(),
        entry.before.as_ref().and_then(|b| b.get("properties")).and_then(Value::as_object),
    ) else {
        return Vec::new();
    };
    if !entry.ok {
        return Vec::new();
    }
    let restore_key = |key: &str| match before.get(key) {
        Some(old) => Write::UpdateProperty { person, key: key.to_string(), value: old.clone() },
        None => Write::DeleteProperty { person, key: key.to_string() },
    };
    let action = entry.endpoint.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    match (entry.method.as_str(), action) {
        ("POST", "update_property") => match request.get("key").and_then(Value::as_str) {
            Some(key) => vec![restore_key(key)],
            None => Vec::new(),
        },
        ("POST", "delete_property") => match request.get("$unset").and_then(Value::as_str) {
            Some(key) if before.contains_key(key) => vec![restore_key(key)],
            _ => Vec::new(),
        },
        ("PATCH", _) => {
            let Some(set) = request.get("properties").and_then(Value::as_object) else {
                return Vec::new();
            };
            let old: Map<String, Value> =
                set.keys().filter_map(|k| before.get(k).map(|v| (k.clone(), v.clone()))).collect();
            let mut writes = Vec::new();
            match old.len() {
                0 => {}
                1 => {
                    let (key, value) = old.into_iter().next().expect("one old value");
                    writes.push(Write::UpdateProperty { person, key, value });
                }
                _ => writes.push(Write::PatchProperties { person, properties: old }),
            }
            writes.extend(
                set.keys()
                    .filter(|k| !before.contains_key(*k))
                    .map(|k| Write::DeleteProperty { person, key: k.clone() }),
            );
            writes
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const P: &str = "0190f0c2-0000-7000-8000-00000000a11c";

    fn entry(method: &str, endpoint: &str, request: Value, before: Value) -> JournalEntry {
        JournalEntry {
            time: Utc::now(),
            host: "http://127.0.0.1:1".into(),
            project: "1".into(),
            method: method.into(),
            endpoint: endpoint.into(),
            request: Some(request),
            status: None,
            ok: true,
            error: None,
            person: Some(P.into()),
            before: Some(before),
            response: None,
        }
    }

    #[test]
    fn restores_patch_with_old_values_and_deletes_new_keys() {
        let person = PersonId::parse(P).unwrap();
        let e = entry(
            "PATCH",
            &format!("persons/{P}/"),
            json!({"properties": {"a": 2, "b": "x", "new": true}}),
            json!({"properties": {"a": 1, "b": "old", "keep": 0}}),
        );
        assert_eq!(
            restore_writes(&e),
            vec![
                Write::PatchProperties {
                    person,
                    properties: json!({"a": 1, "b": "old"}).as_object().unwrap().clone()
                },
                Write::DeleteProperty { person, key: "new".into() },
            ]
        );
        assert_eq!(restore_write(&e), None, "two writes are needed");
        let unset_absent = entry(
            "POST",
            &format!("persons/{P}/delete_property/"),
            json!({"$unset": "zz"}),
            json!({"properties": {}}),
        );
        assert!(restore_writes(&unset_absent).is_empty());
        let unset = entry(
            "POST",
            &format!("persons/{P}/delete_property/"),
            json!({"$unset": "plan"}),
            json!({"properties": {"plan": {"tier": 2}}}),
        );
        assert_eq!(
            restore_write(&unset),
            Some(Write::UpdateProperty { person, key: "plan".into(), value: json!({"tier": 2}) })
        );
        let mut no_pre_image = unset.clone();
        no_pre_image.before = None;
        assert_eq!(restore_write(&no_pre_image), None, "nothing to restore from");
        let mut failed = entry(
            "POST",
            &format!("persons/{P}/update_property/"),
            json!({"key": "a", "value": 2}),
            json!({"properties": {"a": 1}}),
        );
        assert!(restore_write(&failed).is_some());
        failed.ok = false;
        assert!(restore_write(&failed).is_none(), "a failed write changed nothing");
    }

    #[test]
    fn a_truncated_last_line_does_not_swallow_the_next_entry() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(dir.path().join("j.jsonl"));
        journal.append(&entry("PATCH", "persons/1/", json!({}), json!(null))).unwrap();
        let mut f = OpenOptions::new().append(true).open(journal.path()).unwrap();
        f.write_all(b"{\"time\": \"2026-").unwrap();
        journal.append(&entry("PATCH", "persons/2/", json!({}), json!(null))).unwrap();
        let read = journal.read(10).unwrap();
        assert_eq!(read.skipped, 1);
        let endpoints: Vec<_> = read.entries.iter().map(|e| e.endpoint.as_str()).collect();
        assert_eq!(endpoints, ["persons/1/", "persons/2/"]);
        assert_eq!(journal.read(1).unwrap().entries[0].endpoint, "persons/2/", "newest last");
        assert!(Journal::open(dir.path().join("none")).read(5).unwrap().entries.is_empty());
    }
}
