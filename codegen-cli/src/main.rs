//! `tidings`: compatibility checks for versioned domain events.
//!
//! Exit status: 0 ok / compatible, 1 the run worked and found incompatibilities, 2 error (bad
//! usage, unreadable or invalid schema).

mod cli;
mod commands;
mod connection;
mod diagnostics;
mod exit;
mod output;
mod schema_files;

use std::process::ExitCode;

/// Parsing, comparing and formatting schemas allocate many small values: mimalloc spends a
/// fraction of glibc's instructions on them (measured on `generate` and `check`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(exit) => exit.into(),
        Err(err) if output::is_broken_pipe(&err) => exit::Exit::Clean.into(),
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            exit::Exit::Error.into()
        }
    }
}
