//! Lint and check findings in every output format: text for people, JSON for scripts, GitHub
//! workflow annotations, SARIF 2.1.0 for code scanning, JUnit XML for test reports.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;
use serde_sarif::sarif;
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

fn sarif_report(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let mut rule_ids: Vec<&str> = diagnostics.iter().map(|d| d.rule.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<sarif::ReportingDescriptor> = rule_ids
        .iter()
        .map(|id| {
            sarif::ReportingDescriptor::builder()
                .id(*id)
                .name(*id)
                .build()
        })
        .collect();
    let results: Vec<sarif::Result> = diagnostics
        .iter()
        .map(|d| {
            let region = sarif::Region::builder()
                .start_line(i64::from(d.line))
                .start_column(i64::from(d.col))
                .build();
            let artifact = sarif::ArtifactLocation::builder()
                .uri(d.file.replace('\\', "/"))
                .build();
            let physical = sarif::PhysicalLocation::builder()
                .artifact_location(artifact)
                .region(region)
                .build();
            let text = match &d.hint {
                Some(hint) => format!("{} (help: {hint})", d.message),
                None => d.message.clone(),
            };
            sarif::Result::builder()
                .rule_id(d.rule.clone())
                .rule_index(rule_ids.iter().position(|id| *id == d.rule).unwrap_or(0) as i64)
                .level(match d.severity {
                    Severity::Error => sarif::ResultLevel::Error,
                    Severity::Warning => sarif::ResultLevel::Warning,
                })
                .message(sarif::Message::builder().text(text).build())
                .locations(vec![sarif::Location::builder()
                    .physical_location(physical)
                    .build()])
                .build()
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("tidings")
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://example.invalid/tidings")
        .rules(rules)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
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
