//! `tidings registry serve`, and how the other commands find their registry: `--registry`,
//! then `TIDINGS_REGISTRY_URL`, then `[registry] url` of tidings.toml, then the embedded local
//! registry of the project, served for the length of the command on a free loopback port.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use tidings_registry::local::server::LocalServer;
use tidings_registry::local::{LocalRegistry, DEFAULT_DATA_DIR};
use tidings_registry::{Auth, Client, ClientBuilder};
use tidings_schema::repo::Config;

use crate::cli::{RegistryArgs, RegistryCommand, ServeArgs};
use crate::exit::Exit;

pub(crate) fn run(command: RegistryCommand) -> anyhow::Result<Exit> {
    match command {
        RegistryCommand::Serve(args) => serve(args),
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<Exit> {
    let data = args
        .data
        .unwrap_or_else(|| args.project.root().join(DEFAULT_DATA_DIR));
    let registry = LocalRegistry::open(&data)
        .with_context(|| format!("cannot open the local registry in {}", data.display()))?;
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "warning: {} is reachable from other machines, and the local registry has no authentication: anyone who reaches it can register and delete schemas; listen on 127.0.0.1 unless that is what you want",
            args.listen
        );
    }
    runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        eprintln!(
            "serving the local registry at http://{} (data: {}); Ctrl-C stops it",
            listener.local_addr()?,
            data.display()
        );
        tidings_registry::local::server::serve(listener, registry, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("the server failed")
    })?;
    Ok(Exit::Clean)
}

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
