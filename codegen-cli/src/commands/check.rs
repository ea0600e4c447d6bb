//! `tidings check`: every event's versions at its level, and published versions against a git
//! baseline.

use anyhow::Context;
use tidings_registry::publish::{self, Finding, Plan};
use tidings_schema::repo::{check, lint, LoadedRepository, Repository};
use tidings_schema::SchemaError;

use crate::cli::CheckArgs;
use crate::connection::{self, Connection};
use crate::diagnostics::{self, Scope};
use crate::exit::Exit;

pub(crate) fn run(args: CheckArgs) -> anyhow::Result<Exit> {
    let repo = args.project.open()?;
    let lint = !args.no_lint;
    if lint {
        lint::check_config(&repo).map_err(anyhow::Error::msg)?;
    }
    let baseline = args.against.as_deref().map(|rev| {
        repo.at_revision(rev)
            .with_context(|| format!("cannot read the baseline `{rev}`"))
            .map(|old| (rev, old))
    });
    let report = match &args.registry {
        // Without a registry, one event at a time: memory holds one event's schemas.
        None => {
            let opened = baseline.as_ref().and_then(|b| b.as_ref().ok());
            let streamed = check::check_streamed(&repo, opened.map(|(rev, old)| (*rev, old)), lint);
            let errors: Vec<&SchemaError> = streamed.schema_errors.iter().collect();
            if let Some(code) = super::report_schema_errors(&errors) {
                return Ok(code);
            }
            if let Some(Err(e)) = baseline {
                return Err(e);
            }
            streamed.report
        }
        Some(flag) => {
            let loaded = repo.load();
            if let Some(code) = super::report_schema_errors(&loaded.schema_errors()) {
                return Ok(code);
            }
            let old = baseline.transpose()?.map(|(rev, old)| (rev, old.load()));
            let old = old.as_ref().map(|(rev, b)| (*rev, b));
            let mut report = check::gate(&repo, &loaded, old, lint);
            let findings = against_registry(&args, &repo, &loaded, flag)?;
            report
                .diagnostics
                .extend(findings.iter().map(Finding::diagnostic));
            report
        }
    };
    let scope = Scope {
        command: "check",
        events: repo.events.iter().map(|e| e.key()).collect(),
    };
    diagnostics::print(args.format, &report.diagnostics, &scope)?;
    Ok(Exit::found_if(report.has_errors()))
}

/// Drift and every new version against the registry.
fn against_registry(
    args: &CheckArgs,
    repo: &Repository,
    loaded: &LoadedRepository,
    flag: &str,
) -> anyhow::Result<Vec<Finding>> {
    let plan = Plan::new(repo, loaded).context("cannot map the repository to registry subjects")?;
    let concurrency = usize::from(args.connection.concurrency);
    connection::runtime()?.block_on(async {
        let connection =
            Connection::open(&repo.project, &repo.config, Some(flag), &args.connection).await?;
        let options = tidings_schema::compat::Options {
            policy: repo.config.policy,
        };
        let outcome = publish::survey(&connection.client, &plan, options, concurrency)
            .await
            .with_context(|| format!("cannot check against {}", connection.name));
        if let Ok(survey) = &outcome {
            eprintln!(
                "checked {} subjects against {}: {} version(s) new, {} request(s)",
                plan.subjects.len(),
                connection.name,
                survey.reconciled.new_versions(),
                connection.client.requests_sent()
            );
        }
        connection.close().await;
        Ok(outcome?.findings)
    })
}
