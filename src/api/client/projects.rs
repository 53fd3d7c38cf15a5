//! Projects and organizations: the configured project, and every project and organization the
//! key can see (for the `:project` picker), following `next` links on this host.
use super::*;

impl Client {
    /// `GET /api/projects/`.
    pub async fn list_projects(&self) -> Result<Page<Project>, ApiError> {
        let url = self.api_url("projects/");
        self.get_json("Listing projects", url).await
    }

    /// `GET /api/projects/{project}/` for the configured project (`@current` by default).
    pub async fn current_project(&self) -> Result<Project, ApiError> {
        let url = self.api_url(&format!("projects/{}/", self.project.path_segment()));
        self.get_json("Loading the project", url).await
    }

    // ---- organizations -------------------------------------------------------------------

    /// `GET /api/organizations/`: the organizations the key's user belongs to. A key limited to
    /// projects gets a 403 here (an `ErrorKind::Forbidden` error).
    pub async fn list_organizations(&self) -> Result<Page<Organization>, ApiError> {
        let url = self.api_url("organizations/");
        self.get_json("Listing organizations", url).await
    }

    /// Every project the key can see (`next` links followed on this host; at most 1,000).
    pub async fn all_projects(&self) -> Result<Vec<Project>, ApiError> {
        self.all_projects_by(100).await
    }

    async fn all_projects_by(&self, limit: u32) -> Result<Vec<Project>, ApiError> {
        let mut url = self.api_url("projects/");
        url.query_pairs_mut().append_pair("limit", &limit.to_string());
        self.all_pages("Listing projects", url, 1000).await
    }

    /// Every organization the key can see (at most 1,000).
    pub async fn all_organizations(&self) -> Result<Vec<Organization>, ApiError> {
        let mut url = self.api_url("organizations/");
        url.query_pairs_mut().append_pair("limit", "100");
        self.all_pages("Listing organizations", url, 1000).await
    }

    /// The items of a DRF list from `first` on, following `next` until it ends or `max` items.
    async fn all_pages<T: DeserializeOwned>(
        &self,
        op: &str,
        first: Url,
        max: usize,
    ) -> Result<Vec<T>, ApiError> {
        let mut page: Page<T> = self.get_json(op, first).await?;
        let mut out = Vec::new();
        loop {
            let got = page.results.len();
            out.extend(page.results);
            match page.next {
                Some(next) if got > 0 && out.len() < max => {
                    let url = self.follow_link(op, &next)?;
                    page = self.get_json(op, url).await?;
                }
                _ => {
                    out.truncate(max);
                    return Ok(out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test(flavor = "multi_thread")]
    async fn all_projects_follows_next_links() {
        use crate::sandbox::{SandboxConfig, spawn};
        let sandbox = spawn(SandboxConfig { persons: 3, projects: 5, ..Default::default() }).await.unwrap();
        let host = crate::api::resolve_host(&sandbox.base_url(), false).unwrap();
        let client = super::Client::new(
            host,
            super::ProjectRef::Id(1),
            super::ApiKey::new(sandbox.key()),
            Default::default(),
        )
        .unwrap();
        let ids: Vec<i64> = client.all_projects_by(2).await.unwrap().iter().map(|p| p.id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5], "three pages of two");
        let pages = sandbox.requests().iter().filter(|r| r.path == "/api/projects/").count();
        assert_eq!(pages, 3);
        assert_eq!(client.all_organizations().await.unwrap().len(), 2);
    }
}
