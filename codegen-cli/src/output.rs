//! How reports reach stdout: `path:line:col: message (RULE)` lines or one JSON document.

use std::io::{self, Write};

use serde::Serialize;
use tidings_schema::compat::Report;

/// A reader that closed the pipe (`tidings compat ... | head`) is not an error.
pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

pub(crate) fn print_text(report: &Report, new_file: &str, previous: &[&str]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    for finding in &report.findings {
        writeln!(
            out,
            "{}:{}:{}: {} ({})",
            finding.new.file, finding.new.line, finding.new.col, finding.message, finding.rule
        )?;
        writeln!(out, "  help: {}", finding.hint)?;
    }
    // A non-transitive level compares with the latest previous version only: say which.
    let versions = match (previous, report.level.is_transitive()) {
        ([_], _) => "1 previous version".to_owned(),
        ([.., latest], false) => {
            format!(
                "the latest of {} previous versions (`{latest}`)",
                previous.len()
            )
        }
        (all, _) => format!("{} previous versions", all.len()),
    };
    if report.is_compatible() {
        writeln!(
            out,
            "{new_file}: compatible with {versions} at {}",
            report.level
        )?;
    } else {
        let n = report.findings.len();
        let plural = if n == 1 { "" } else { "s" };
        writeln!(
            out,
            "{new_file}: {n} incompatibilit{} with {versions} at {}",
            if plural.is_empty() { "y" } else { "ies" },
            report.level
        )?;
    }
    out.flush()
}

#[derive(Serialize)]
struct JsonReport<'r> {
    new: &'r str,
    previous: &'r [&'r str],
    level: tidings_schema::compat::Level,
    compatible: bool,
    findings: &'r [tidings_schema::compat::Finding],
}

pub(crate) fn print_json(report: &Report, new_file: &str, previous: &[&str]) -> io::Result<()> {
    let doc = JsonReport {
        new: new_file,
        previous,
        level: report.level,
        compatible: report.is_compatible(),
        findings: &report.findings,
    };
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    out.flush()
}
