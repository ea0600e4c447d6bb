//! One module per subcommand; each `run` returns the exit code. Logic lives in the libraries.

mod check;
mod compat;
mod diff;
mod generate;
mod lint;
mod publish;
mod registry;

use crate::cli::{Cli, Command};
use crate::exit::Exit;

pub(crate) fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Compat(args) => compat::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Publish(args) => publish::run(args),
        Command::Registry(command) => registry::run(command),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "tidings", &mut std::io::stdout());
            Ok(Exit::Clean)
        }
    }
}

/// Schemas that cannot be read stop a run: each is printed with its position, exit status 2.
fn report_schema_errors(errors: &[&tidings_schema::SchemaError]) -> Option<Exit> {
    if errors.is_empty() {
        return None;
    }
    for err in errors {
        eprintln!("error: {err}");
    }
    eprintln!(
        "error: {} schema file{} cannot be read",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    Some(Exit::Error)
}
