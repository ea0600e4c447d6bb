//! `tidings registry serve`: the embedded local registry of a project, until stopped.

use anyhow::Context;
use tidings_registry::local::{LocalRegistry, DEFAULT_DATA_DIR};

use crate::cli::{RegistryCommand, ServeArgs};
use crate::connection::runtime;
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
