//! What the Kafka tests share: the broker ([`tidings_kafka::testing::Broker`]), copies of the
//! sample repository, and publishing it as `tidings publish` does.
#![allow(dead_code)]

use std::path::Path;

pub(crate) use tidings_kafka::testing::Broker;
use tidings_registry::publish::{self, Plan, PublishOptions};
use tidings_registry::Client;
use tidings_schema::repo::Repository;

/// The sample repository, copied, minus the files `leave_out` names (below the schema root).
pub(crate) fn sample(leave_out: &[&str]) -> tempfile::TempDir {
    let dir = tidings_tests::sample_project("");
    for rel in leave_out {
        std::fs::remove_file(dir.path().join("schemas").join(rel)).unwrap();
    }
    dir
}

/// Publishes a repository as `tidings publish` does: survey (drift and preflight), then register.
pub(crate) async fn publish(client: &Client, project: &Path) -> publish::PublishReport {
    let repo = Repository::open(project).unwrap();
    let plan = Plan::new(&repo, &repo.load()).unwrap();
    let survey = publish::survey(client, &plan, Default::default(), 8)
        .await
        .unwrap();
    assert!(survey.findings.is_empty(), "{:?}", survey.findings);
    let report = publish::publish(
        client,
        &plan,
        &survey.reconciled,
        &PublishOptions::default(),
    )
    .await;
    assert!(report.is_complete(), "{report:?}");
    report
}
