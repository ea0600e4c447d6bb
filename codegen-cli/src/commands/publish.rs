//! `tidings publish`: the repository's check, then the registry's (drift and every new version
//! at the registry's level), and only when all of that passed, registration, referenced
//! subjects first. Idempotent: what is already there is recognised by content.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use anyhow::Context;
use serde_json::json;
use tidings_registry::publish::{self, Outcome, Plan, PublishOptions, PublishReport, Row};
use tidings_schema::repo::{check, lint, Repository};

use crate::cli::{Format, PublishArgs};
use crate::connection::{runtime, Connection};
use crate::diagnostics::{self, Scope};
use crate::exit::Exit;

pub(crate) fn run(args: PublishArgs) -> anyhow::Result<Exit> {
    let repo = args.project.open()?;
    if !args.no_lint {
        lint::check_config(&repo).map_err(anyhow::Error::msg)?;
    }
    let loaded = repo.load();
    if let Some(code) = super::report_schema_errors(&loaded.schema_errors()) {
        return Ok(code);
    }
    let report = check::gate(&repo, &loaded, None, !args.no_lint);
    if report.has_errors() {
        eprintln!("error: the repository's own check failed; nothing was registered");
        let scope = Scope {
            command: "check",
            events: repo.events.iter().map(|e| e.key()).collect(),
        };
        diagnostics::print(crate::cli::ReportFormat::Text, &report.diagnostics, &scope)?;
        return Ok(Exit::Found);
    }
    let plan =
        Plan::new(&repo, &loaded).context("cannot map the repository to registry subjects")?;
    runtime()?.block_on(async {
        let connection = Connection::open(
            &repo.project,
            &repo.config,
            args.registry.as_deref(),
            &args.connection,
        )
        .await?;
        let outcome = publish_to(&args, &repo, &plan, &connection).await;
        connection.close().await;
        outcome
    })
}

async fn publish_to(
    args: &PublishArgs,
    repo: &Repository,
    plan: &Plan,
    connection: &Connection,
) -> anyhow::Result<Exit> {
    let client = &connection.client;
    let concurrency = usize::from(args.connection.concurrency);
    let options = tidings_schema::compat::Options {
        policy: repo.config.policy,
    };
    let survey = publish::survey(client, plan, options, concurrency)
        .await
        .with_context(|| format!("cannot check against {}", connection.name))?;
    let reconciled = survey.reconciled;
    if !survey.findings.is_empty() {
        let diagnostics: Vec<_> = survey
            .findings
            .iter()
            .map(publish::Finding::diagnostic)
            .collect();
        let scope = Scope {
            command: "publish",
            events: repo.events.iter().map(|e| e.key()).collect(),
        };
        eprintln!(
            "error: {} would not take every new version; nothing was registered",
            connection.name
        );
        diagnostics::print(crate::cli::ReportFormat::Text, &diagnostics, &scope)?;
        return Ok(Exit::Found);
    }
    if args.dry_run {
        let report = PublishReport {
            rows: reconciled.rows(plan),
            ..PublishReport::default()
        };
        print(
            args.format,
            connection,
            &report,
            true,
            client.requests_sent(),
        )?;
        return Ok(Exit::Clean);
    }

    let bar = progress_bar(reconciled.new_versions());
    let options = PublishOptions {
        concurrency,
        set_levels: args.set_levels,
        progress: bar.clone().map(|bar| {
            Arc::new(move |row: &Row| {
                if matches!(
                    row.outcome,
                    Outcome::Registered { .. } | Outcome::Failed { .. }
                ) {
                    bar.inc(1);
                }
            }) as Arc<dyn Fn(&Row) + Send + Sync>
        }),
    };
    let report = publish::publish(client, plan, &reconciled, &options).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    print(
        args.format,
        connection,
        &report,
        false,
        client.requests_sent(),
    )?;
    if report.is_complete() {
        return Ok(Exit::Clean);
    }
    Err(incomplete(&report, &connection.name))
}

fn incomplete(report: &PublishReport, registry: &str) -> anyhow::Error {
    let failed: Vec<String> = report
        .rows
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Failed { error } | Outcome::RegisteredUnconfirmed { error, .. } => {
                Some(format!("{} ({}): {error}", r.subject, r.file))
            }
            _ => None,
        })
        .collect();
    let missing = report
        .rows
        .iter()
        .filter(|r| {
            !matches!(
                r.outcome,
                Outcome::AlreadyThere { .. }
                    | Outcome::Registered { .. }
                    | Outcome::RegisteredUnconfirmed { .. }
            )
        })
        .count();
    if let Some(failure) = &report.failure {
        return anyhow::anyhow!("{registry}: {failure}");
    }
    anyhow::anyhow!(
        "{registry} failed midway: {} version(s) registered by this run, {missing} not registered (the table above says which); run `tidings publish` again to finish{}",
        report.registered(),
        failed
            .iter()
            .map(|f| format!("\n  caused by: {f}"))
            .collect::<String>()
    )
}

/// A progress bar on a terminal (stderr), for runs with something to register.
fn progress_bar(total: usize) -> Option<indicatif::ProgressBar> {
    if total == 0 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("registering {bar:30} {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

fn print(
    format: Format,
    connection: &Connection,
    report: &PublishReport,
    dry_run: bool,
    requests: u64,
) -> std::io::Result<()> {
    let (rows, levels_set) = (&report.rows, &report.levels_set);
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let document = json!({
                "registry": connection.name,
                "dry_run": dry_run,
                "complete": report.is_complete(),
                "levels_set": levels_set.iter().map(|(s, l)| json!({"subject": s, "compatibility": l})).collect::<Vec<_>>(),
                "versions": rows,
                "requests": requests,
            });
            writeln!(out, "{document:#}")?;
        }
        Format::Text => {
            for (subject, level) in levels_set {
                writeln!(out, "set compatibility of {subject} to {level}")?;
            }
            let width = rows
                .iter()
                .map(|r| r.subject.len())
                .max()
                .unwrap_or(7)
                .max(7);
            writeln!(
                out,
                "{:width$}  {:>4}  {:>8}  {:>6}  STATUS",
                "SUBJECT", "FILE", "REGISTRY", "ID"
            )?;
            for row in rows.iter() {
                let (version, id, status) = match &row.outcome {
                    Outcome::AlreadyThere { version, id } => (
                        version.to_string(),
                        id.to_string(),
                        "already there".to_owned(),
                    ),
                    Outcome::Registered { version, id } => {
                        (version.to_string(), id.to_string(), "new".to_owned())
                    }
                    Outcome::RegisteredUnconfirmed { id, error } => {
                        ("?".into(), id.to_string(), format!("new, but {error}"))
                    }
                    Outcome::NotAttempted if dry_run => {
                        ("-".into(), "-".into(), "would register".to_owned())
                    }
                    Outcome::NotAttempted => ("-".into(), "-".into(), "not registered".to_owned()),
                    Outcome::Failed { error } => {
                        ("-".into(), "-".into(), format!("FAILED: {error}"))
                    }
                };
                writeln!(
                    out,
                    "{:width$}  {:>4}  {version:>8}  {id:>6}  {status}",
                    row.subject,
                    format!("v{}", row.repository_version)
                )?;
            }
            let new = report.registered();
            let there = rows
                .iter()
                .filter(|r| matches!(r.outcome, Outcome::AlreadyThere { .. }))
                .count();
            let pending = rows.len() - new - there;
            if dry_run {
                writeln!(out, "publish --dry-run: {pending} version(s) would be registered in {}, {there} already there", connection.name)?;
            } else {
                writeln!(out, "publish: {new} version(s) registered in {}, {there} already there, {pending} not registered ({requests} request{})", connection.name, if requests == 1 { "" } else { "s" })?;
            }
        }
    }
    out.flush()
}
