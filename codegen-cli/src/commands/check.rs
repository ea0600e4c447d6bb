//! `tidings check`: every event's versions at its level, and published versions against a git
//! baseline.

use std::process::ExitCode;

use anyhow::Context;
use tidings_schema::repo::{check, lint, Repository};

use crate::cli::CheckArgs;
use crate::diagnostics::{self, Scope};

pub(crate) fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let repo =
        Repository::open(&args.project.project).context("cannot open the schema repository")?;
    if !args.no_lint {
        lint::validate_config(&repo.config.lint).map_err(anyhow::Error::msg)?;
    }
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
    let mut report = check::check(&repo, &loaded, baseline.as_ref().map(|(rev, b)| (*rev, b)));
    if !args.no_lint {
        report
            .diagnostics
            .extend(lint::lint(&repo, &loaded).diagnostics);
        report
            .diagnostics
            .sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    }
    let scope = Scope {
        command: "check",
        events: repo.events.iter().map(|e| e.key()).collect(),
    };
    diagnostics::print(args.format, &report.diagnostics, &scope)?;
    Ok(super::exit_for(report.has_errors()))
}
