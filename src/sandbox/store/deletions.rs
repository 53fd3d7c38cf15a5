//! `AsyncDeletion` rows (deletion_type Person) behind `/persons/deletion_status/`.

use uuid::Uuid;

pub struct AsyncDeletion {
    pub person_uuid: Uuid,
    pub created_at: i64,
    pub delete_verified_at: Option<i64>,
}

#[derive(Default)]
pub struct Deletions {
    rows: Vec<AsyncDeletion>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StatusFilter {
    Pending,
    Completed,
    All,
}

impl Deletions {
    /// Queues an event deletion for a person; like PostHog's `ignore_conflicts`, a person
    /// already queued is not queued twice. Returns whether a row was added.
    pub fn queue(&mut self, person_uuid: Uuid, now: i64) -> bool {
        if self.rows.iter().any(|r| r.person_uuid == person_uuid) {
            return false;
        }
        self.rows.push(AsyncDeletion { person_uuid, created_at: now, delete_verified_at: None });
        true
    }

    pub fn push(&mut self, row: AsyncDeletion) {
        if !self.rows.iter().any(|r| r.person_uuid == row.person_uuid) {
            self.rows.push(row);
        }
    }

    pub fn is_queued(&self, person_uuid: Uuid) -> bool {
        self.rows.iter().any(|r| r.person_uuid == person_uuid)
    }

    /// Newest first.
    pub fn list(&self, status: StatusFilter, person_uuid: Option<Uuid>) -> Vec<&AsyncDeletion> {
        let mut rows: Vec<&AsyncDeletion> = self
            .rows
            .iter()
            .filter(|r| match status {
                StatusFilter::Pending => r.delete_verified_at.is_none(),
                StatusFilter::Completed => r.delete_verified_at.is_some(),
                StatusFilter::All => true,
            })
            .filter(|r| person_uuid.is_none_or(|u| r.person_uuid == u))
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.created_at));
        rows
    }
}
