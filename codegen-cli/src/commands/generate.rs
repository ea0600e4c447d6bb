//! `tidings generate [--out DIR] [--check]`: Rust types for every event of the project.

use anyhow::Context;
use tidings_codegen::{Config, UuidType};

use crate::cli::GenerateArgs;
use crate::exit::Exit;

pub(crate) fn run(args: GenerateArgs) -> anyhow::Result<Exit> {
    let project = &args.project.root();
    let config = if args.uuid {
        Config::new().uuid(UuidType::Uuid)
    } else {
        Config::new()
    };
    let generated = config
        .generate(project)
        .context("cannot generate the event types")?;
    let out = project.join(&args.out);
    // Shown as seen from here, as every path tidings prints.
    let shown = match (std::path::absolute(&out), std::path::absolute(".")) {
        (Ok(out), Ok(here)) => match tidings_schema::repo::relative_path(&out, &here) {
            rel if rel.is_empty() => std::path::PathBuf::from("."),
            rel => std::path::PathBuf::from(rel),
        },
        _ => out.clone(),
    };
    if args.check {
        let stale = generated.stale_in(&out);
        if stale.is_empty() {
            println!(
                "{}: {} files up to date",
                shown.display(),
                generated.files.len()
            );
            return Ok(Exit::Clean);
        }
        // The command that brings them up to date: this one, without `--check`.
        let mut command = "tidings generate".to_owned();
        if args.project.project != std::path::Path::new(".") {
            command += &format!(" -C {}", args.project.project.display());
        }
        if args.out != std::path::Path::new(crate::cli::DEFAULT_GENERATE_OUT) {
            command += &format!(" --out {}", args.out.display());
        }
        if args.uuid {
            command += " --uuid";
        }
        for name in &stale {
            println!(
                "{}: stale, run `{command}` (UPDATE_NEEDED)",
                shown.join(name).display()
            );
        }
        return Ok(Exit::Found);
    }
    let written = generated.write_to(&out)?;
    println!(
        "{}: {} files, {} written",
        shown.display(),
        generated.files.len(),
        written.len()
    );
    Ok(Exit::Clean)
}
