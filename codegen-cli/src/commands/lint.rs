//! `tidings lint`: naming and repository rules.

use tidings_schema::repo::lint;

use crate::cli::LintArgs;
use crate::diagnostics::{self, Scope};
use crate::exit::Exit;

pub(crate) fn run(args: LintArgs) -> anyhow::Result<Exit> {
    let repo = args.project.open()?;
    lint::check_config(&repo).map_err(anyhow::Error::msg)?;
    let loaded = repo.load();
    if let Some(code) = super::report_schema_errors(&loaded.schema_errors()) {
        return Ok(code);
    }
    let report = lint::lint(&repo, &loaded);
    let scope = Scope {
        command: "lint",
        events: repo.events.iter().map(|e| e.key()).collect(),
    };
    diagnostics::print(args.format, &report.diagnostics, &scope)?;
    Ok(Exit::found_if(report.has_errors()))
}
