//! What the Kafka tests share: the broker ([`tidings_kafka::testing::Broker`]), copies of the
//! sample repository, and publishing it as `tidings publish` does.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub(crate) use tidings_kafka::testing::Broker;
use tidings_registry::publish::{self, Plan, PublishOptions};
use tidings_registry::Client;
use tidings_schema::repo::Repository;

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The sample repository, copied, minus the files `leave_out` names (below the schema root).
pub(crate) fn sample(leave_out: &[&str]) -> tempfile::TempDir {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("schemas"), &dir.path().join("schemas"));
    std::fs::copy(root.join("tidings.toml"), dir.path().join("tidings.toml")).unwrap();
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
