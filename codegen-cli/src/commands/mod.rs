//! One module per subcommand; each `run` returns the exit code. Logic lives in the libraries.

mod compat;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Compat(args) => compat::run(args),
    }
}
