//! `tidings check`: every event's versions at its level, and published versions against a git
//! baseline.

use std::process::ExitCode;

use anyhow::Context;
use tidings_schema::repo::{check, Repository};

use crate::cli::CheckArgs;
use crate::diagnostics::{self, Scope};

pub(crate) fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let repo =
        Repository::open(&args.project.project).context("cannot open the schema repository")?;
    let loaded = repo.load();
    if let Some(code) = super::report_schema_errors(&loaded.schema_errors()) {
        return Ok(code);
    }
    let baseline = match &args.against {
        Some(rev) => {
            let old = repo
                .at_revision(rev)
                .with_context(|| format!("cannot read the baseline `{rev}`"))?;
            Some((rev.as_str(), old.load()))
        }
        None => None,
    };
    let report = check::check(&repo, &loaded, baseline.as_ref().map(|(rev, b)| (*rev, b)));
    let scope = Scope {
        command: "check",
        events: repo.events.iter().map(|e| e.key()).collect(),
    };
    diagnostics::print(args.format, &report.diagnostics, &scope)?;
    Ok(super::exit_for(report.has_errors()))
}
