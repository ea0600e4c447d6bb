//! How `check --registry` and `publish` find their registry: `--registry`, then
//! `TIDINGS_REGISTRY_URL`, then `[registry] url` of tidings.toml, then the embedded local
//! registry of the project, served for the length of the command on a free loopback port.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use tidings_registry::local::server::LocalServer;
use tidings_registry::local::DEFAULT_DATA_DIR;
use tidings_registry::{Auth, Client, ClientBuilder};
use tidings_schema::repo::Config;

use crate::cli::RegistryArgs;

/// The async runtime the registry commands run on.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// A registry client, and the local server behind it when there is no URL.
pub(crate) struct Connection {
    pub(crate) client: Client,
    /// What to call it in messages (never with credentials).
    pub(crate) name: String,
    local: Option<LocalServer>,
}

impl Connection {
    /// Opens the registry the command should use. `flag` is `--registry` (empty: not given a
    /// value).
    pub(crate) async fn open(
        project: &Path,
        config: &Config,
        flag: Option<&str>,
        args: &RegistryArgs,
    ) -> anyhow::Result<Connection> {
        let url = flag
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .or_else(|| {
                std::env::var("TIDINGS_REGISTRY_URL")
                    .ok()
                    .filter(|u| !u.is_empty())
            })
            .or_else(|| config.registry.as_ref().and_then(|r| r.url.clone()));
        let (url, local, name) = match url {
            Some(url) => (url, None, None),
            None => {
                let data = project.join(DEFAULT_DATA_DIR);
                let server = LocalServer::start(&data).await.with_context(|| {
                    format!("cannot open the local registry in {}", data.display())
                })?;
                let name = format!("the local registry in {}", data.display());
                (server.url(), Some(server), Some(name))
            }
        };
        let mut builder = ClientBuilder::new(url).timeout(Duration::from_secs(args.timeout));
        if let Some(auth) = Auth::from_env() {
            builder = builder.auth(auth);
        }
        if let Some(ca) = &args.ca_cert {
            let pem = std::fs::read(ca)
                .with_context(|| format!("cannot read the CA certificate {}", ca.display()))?;
            builder = builder.ca_certificate_pem(pem);
        }
        let client = builder.build()?;
        // The client's URL has no credentials left in it.
        let name = name.unwrap_or_else(|| client.url().to_owned());
        Ok(Connection {
            client,
            name,
            local,
        })
    }

    /// Stops the local server, if one was started.
    pub(crate) async fn close(self) {
        if let Some(server) = self.local {
            server.stop().await;
        }
    }
}
