//! What `:profile` needs to connect elsewhere without restarting. A live switch goes where the
//! profile says: its host, project and key source (the host, project and key hogdex was started
//! with are not carried over — except that a key given by flag or `POSTHOG_PERSONAL_API_KEY`
//! stands in for a profile without a key of its own on that same host). `--read-only` and the
//! settings stay. The key is fetched off the loop (a command runs without the terminal, bounded;
//! the keyring may take a moment) and the new connection is checked with one request before the
//! TUI switches to it.
use crate::api::{ApiKey, Client, ClientOptions, ProjectRef, resolve_host};
use crate::app;
use crate::config::{CliInputs, Config, KeyPlan, Secret, obtain_key, resolve};

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
                let r = resolve(&self.profile_inputs(name), &self.config).ok()?;
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
        let inputs = self.profile_inputs(name);
        let resolved = resolve(&inputs, &self.config)?;
        let host = resolve_host(&resolved.host, self.insecure).map_err(|e| e.to_string())?;
        let key = match &resolved.key {
            KeyPlan::Command(cmd) => crate::config::run_key_command_detached(cmd).await?,
            _ => {
                let (config, r, store) = (self.config.clone(), resolved.clone(), self.store.clone());
                let found = tokio::task::spawn_blocking(move || obtain_key(&r, &config, None, &*store))
                    .await
                    .map_err(|e| format!("getting the key failed: {e}"));
                match (found?, self.given_for(&host)) {
                    (Ok(Some((key, _))), _) => key,
                    (_, Some(given)) => Secret(given),
                    (Err(e), None) => return Err(e),
                    (Ok(None), None) => return Err(crate::config::no_key(name, None)),
                }
            }
        };
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

    /// What a live switch to `name` resolves: the profile, `--read-only` and the settings flags;
    /// not the host, project or key hogdex was started with.
    fn profile_inputs(&self, name: &str) -> CliInputs {
        CliInputs {
            profile: Some(name.to_string()),
            key_given: None,
            host: None,
            project: None,
            ..self.inputs.clone()
        }
    }

    /// The key given at start, when it was given for `host` (never sent anywhere else).
    fn given_for(&self, host: &crate::api::Host) -> Option<String> {
        let given = self.given.clone()?;
        let started = resolve(&self.inputs, &self.config).ok()?;
        let started = resolve_host(&started.host, self.insecure).ok()?;
        (started.as_str() == host.as_str()).then_some(given)
    }
}

/// The `:project` picker's rows: `GET /api/projects/`, with organization names from
/// `GET /api/organizations/` when the key may read them (else the organization's id).
pub async fn project_choices(client: &Client) -> Result<Vec<app::ProjectChoice>, crate::api::ApiError> {
    let (projects, orgs) = tokio::join!(client.all_projects(), client.all_organizations());
    let names: std::collections::HashMap<String, String> =
        orgs.map(|orgs| orgs.into_iter().filter_map(|o| Some((o.id, o.name?))).collect()).unwrap_or_default();
    Ok(projects?
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
