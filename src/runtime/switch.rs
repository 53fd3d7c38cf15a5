//! What `:profile` needs to connect elsewhere without restarting: the config file and the flags
//! hogdex started with, resolved again for the new profile exactly as `--profile` would be. The
//! key is fetched off the loop (the command may prompt, the keyring may take a moment) and the
//! new connection is checked with one request before the TUI switches to it.
use crate::api::{ApiKey, Client, ClientOptions, ProjectRef, resolve_host};
use crate::app;
use crate::config::{CliInputs, Config, obtain_key, resolve};

#[derive(Clone)]
pub struct Profiles {
    config: Config,
    /// The flags and environment hogdex started with (the profile is replaced per switch).
    inputs: CliInputs,
    /// `--api-key`/`POSTHOG_PERSONAL_API_KEY`, which come before any profile's own key.
    given: Option<String>,
    options: ClientOptions,
    insecure: bool,
    /// Where `hogdex login` keeps keys (the OS keyring; a memory one in tests).
    store: std::sync::Arc<dyn crate::keyring::KeyStore>,
}

impl std::fmt::Debug for Profiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profiles").field("profiles", &self.config.profiles.keys()).finish_non_exhaustive()
    }
}

impl Profiles {
    pub fn new(
        config: Config,
        inputs: CliInputs,
        given: Option<String>,
        options: ClientOptions,
        insecure: bool,
    ) -> Self {
        let store = std::sync::Arc::new(crate::keyring::OsKeyring::default());
        Self { config, inputs, given, options, insecure, store }
    }

    /// The same with keys kept in `store` instead of the OS keyring (tests).
    pub fn with_store(mut self, store: std::sync::Arc<dyn crate::keyring::KeyStore>) -> Self {
        self.store = store;
        self
    }

    /// The profiles as the `:profile` picker lists them.
    pub fn infos(&self) -> Vec<app::ProfileInfo> {
        self.config
            .profiles
            .keys()
            .filter_map(|name| {
                let inputs = CliInputs { profile: Some(name.clone()), ..self.inputs.clone() };
                let r = resolve(&inputs, &self.config).ok()?;
                Some(app::ProfileInfo {
                    name: name.clone(),
                    host: r.host,
                    project: r.project,
                    read_only: r.read_only,
                })
            })
            .collect()
    }

    /// A client for profile `name`, checked with `GET /api/projects/<project>/`, with how the
    /// status bar shows it and whether the profile is read-only.
    pub async fn connect(&self, name: &str) -> Result<(Client, app::Connection, bool), String> {
        let inputs = CliInputs { profile: Some(name.to_string()), ..self.inputs.clone() };
        let resolved = resolve(&inputs, &self.config)?;
        let (config, given, r) = (self.config.clone(), self.given.clone(), resolved.clone());
        let store = self.store.clone();
        let key = tokio::task::spawn_blocking(move || obtain_key(&r, &config, given.as_deref(), &*store))
            .await
            .map_err(|e| format!("getting the key failed: {e}"))??;
        let Some((key, _)) = key else {
            return Err(format!(
                "profile {name} has no API key: give it an api_key_command, or run `hogdex login --profile {name}`"
            ));
        };
        let host = resolve_host(&resolved.host, self.insecure).map_err(|e| e.to_string())?;
        let project: ProjectRef = resolved.project.parse()?;
        let client = Client::new(host, project, ApiKey::new(&key.0), self.options.clone())
            .map_err(|e| e.to_string())?;
        client.current_project().await.map_err(|e| e.to_string())?;
        let conn = app::Connection {
            host: client.host().as_str().to_string(),
            project: client.project().to_string(),
            profile: Some(name.to_string()),
            demo: false,
        };
        Ok((client, conn, resolved.read_only))
    }
}

/// The `:project` picker's rows: `GET /api/projects/`, with organization names from
/// `GET /api/organizations/` when the key may read them (else the organization's id).
pub async fn project_choices(client: &Client) -> Result<Vec<app::ProjectChoice>, crate::api::ApiError> {
    let (projects, orgs) = tokio::join!(client.list_projects(), client.list_organizations());
    let names: std::collections::HashMap<String, String> = orgs
        .map(|page| page.results.into_iter().filter_map(|o| Some((o.id, o.name?))).collect())
        .unwrap_or_default();
    Ok(projects?
        .results
        .into_iter()
        .map(|p| {
            let org = p.organization.unwrap_or_default();
            app::ProjectChoice {
                id: p.id,
                name: p.name.unwrap_or_else(|| format!("project {}", p.id)),
                organization: names.get(&org).cloned().unwrap_or(org),
            }
        })
        .collect())
}

/// The same host and key on project `id`, checked with `GET /api/projects/<id>/`.
pub async fn to_project(
    client: &Client,
    id: i64,
    from: app::Connection,
) -> Result<(Client, app::Connection), String> {
    let client = client.with_project(ProjectRef::Id(id));
    client.current_project().await.map_err(|e| e.to_string())?;
    let conn = app::Connection { project: client.project().to_string(), ..from };
    Ok((client, conn))
}
