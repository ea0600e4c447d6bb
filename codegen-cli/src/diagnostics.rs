//! Lint and check findings in every output format: text for people, JSON for scripts, GitHub
//! workflow annotations, SARIF 2.1.0 for code scanning, JUnit XML for test reports.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;
use tidings_schema::repo::{Diagnostic, Severity};

use crate::cli::ReportFormat;

/// What a run looked at, for the summary line and the JUnit test cases.
pub(crate) struct Scope<'a> {
    /// `lint` or `check`.
    pub(crate) command: &'a str,
    /// Every event key (`identity/user_registered`) looked at.
    pub(crate) events: Vec<String>,
}

pub(crate) fn print(
    format: ReportFormat,
    diagnostics: &[Diagnostic],
    scope: &Scope<'_>,
) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match format {
        ReportFormat::Text => text(&mut out, diagnostics, scope)?,
        ReportFormat::Json => json_report(&mut out, diagnostics, scope)?,
        ReportFormat::Github => github(&mut out, diagnostics)?,
        ReportFormat::Sarif => sarif_report(&mut out, diagnostics)?,
        ReportFormat::Junit => junit(&mut out, diagnostics, scope)?,
    }
    out.flush()
}

fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diagnostics.len() - errors)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn text(out: &mut impl Write, diagnostics: &[Diagnostic], scope: &Scope<'_>) -> io::Result<()> {
    for d in diagnostics {
        let severity = match d.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        writeln!(
            out,
            "{}:{}:{}: {severity}{} ({})",
            d.file, d.line, d.col, d.message, d.rule
        )?;
        if let Some(hint) = &d.hint {
            writeln!(out, "  help: {hint}")?;
        }
    }
    let (errors, warnings) = counts(diagnostics);
    writeln!(
        out,
        "{}: {} {}, {}, {}",
        scope.command,
        plural(scope.events.len(), "event"),
        if scope.command == "lint" {
            "linted"
        } else {
            "checked"
        },
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

#[derive(Serialize)]
struct JsonReport<'a> {
    command: &'a str,
    events: usize,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

fn json_report(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    scope: &Scope<'_>,
) -> io::Result<()> {
    let (errors, warnings) = counts(diagnostics);
    let report = JsonReport {
        command: scope.command,
        events: scope.events.len(),
        errors,
        warnings,
        diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// GitHub workflow commands: `::error file=F,line=L,col=C,title=RULE::message`.
fn github(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    // The escapes GitHub's runner decodes: data (`%`, CR, LF) and, in properties, `:` and `,`.
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    for d in diagnostics {
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message = format!("{message}\nhelp: {hint}");
        }
        writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            d.severity.as_str(),
            property(&d.file),
            d.line,
            d.col,
            property(&d.rule),
            data(&message)
        )?;
    }
    Ok(())
}

/// SARIF 2.1.0, the part code scanning reads: one run, the rules that fired, and a result per
/// finding at its file, line and column. Written with `json!` rather than a crate of SARIF types:
/// those are generated from the SARIF schema at build time (a build script, syn 1 and a builder
/// macro) for the dozen fields used here. The test validates the output against the schema.
fn sarif_report(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let mut rule_ids: Vec<&str> = diagnostics.iter().map(|d| d.rule.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<_> = rule_ids
        .iter()
        .map(|id| json!({ "id": id, "name": id }))
        .collect();
    let results: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let text = match &d.hint {
                Some(hint) => format!("{} (help: {hint})", d.message),
                None => d.message.clone(),
            };
            json!({
                "ruleId": d.rule,
                "ruleIndex": rule_ids.binary_search(&d.rule.as_str()).unwrap_or(0),
                "level": d.severity.as_str(),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": d.file.replace('\\', "/") },
                        "region": { "startLine": d.line, "startColumn": d.col },
                    }
                }],
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "tidings",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://docs.rs/tidings-cli",
                    "rules": rules,
                }
            },
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// One test suite per command, one test case per event: failed when the event has errors.
fn junit(out: &mut impl Write, diagnostics: &[Diagnostic], scope: &Scope<'_>) -> io::Result<()> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut suite = TestSuite::new(format!("tidings {}", scope.command));
    let belongs = |d: &Diagnostic, event: &str| d.file.contains(&format!("/{event}/"));
    let mut cases: Vec<(String, Vec<&Diagnostic>)> = scope
        .events
        .iter()
        .map(|event| {
            (
                event.clone(),
                diagnostics.iter().filter(|d| belongs(d, event)).collect(),
            )
        })
        .collect();
    let elsewhere: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| !scope.events.iter().any(|e| belongs(d, e)))
        .collect();
    if !elsewhere.is_empty() {
        cases.push(("repository".to_owned(), elsewhere));
    }
    for (name, found) in cases {
        let errors: Vec<&&Diagnostic> = found
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let status = if errors.is_empty() {
            TestCaseStatus::success()
        } else {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(format!("{} ({})", errors[0].message, errors[0].rule));
            status.set_type(errors[0].rule.clone());
            let lines: Vec<String> = errors
                .iter()
                .map(|d| {
                    format!(
                        "{}:{}:{}: {} ({})",
                        d.file, d.line, d.col, d.message, d.rule
                    )
                })
                .collect();
            status.set_description(lines.join("\n"));
            status
        };
        let mut case = TestCase::new(name, status);
        case.set_classname(scope.command);
        let warnings: Vec<String> = found
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| {
                format!(
                    "{}:{}:{}: warning: {} ({})",
                    d.file, d.line, d.col, d.message, d.rule
                )
            })
            .collect();
        if !warnings.is_empty() {
            case.set_system_out(warnings.join("\n"));
        }
        suite.add_test_case(case);
    }
    let mut report = Report::new("tidings");
    report.add_test_suite(suite);
    let xml = report.to_string().map_err(io::Error::other)?;
    out.write_all(xml.as_bytes())?;
    writeln!(out)
}
