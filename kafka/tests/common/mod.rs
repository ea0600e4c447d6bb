//! What the Kafka tests share: a real Kafka-compatible broker process (tansu, in-memory
//! storage, on 127.0.0.1) and the local schema registry, each stopped when dropped; topics
//! created through the admin API; the sample repository published as `tidings publish` does.
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tidings_kafka::rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use tidings_kafka::rdkafka::client::DefaultClientContext;
use tidings_kafka::rdkafka::config::ClientConfig;
use tidings_kafka::rdkafka::consumer::{Consumer, StreamConsumer};
use tidings_registry::publish::{self, Plan, PublishOptions};
use tidings_registry::Client;
use tidings_schema::repo::Repository;

/// A tansu broker on a free loopback port. Killed on drop.
pub(crate) struct Broker {
    child: Child,
    pub(crate) bootstrap: String,
}

/// The tansu binary: `TANSU`, else `tansu` on the PATH or in cargo's bin folder.
fn tansu() -> PathBuf {
    if let Some(path) = std::env::var_os("TANSU") {
        return PathBuf::from(path);
    }
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin/tansu"));
    match cargo_bin {
        Some(path) if path.exists() => path,
        _ => PathBuf::from("tansu"),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Broker {
    pub(crate) fn start() -> Broker {
        let port = free_port();
        let url = format!("tcp://127.0.0.1:{port}");
        let child = Command::new(tansu())
            .args([
                "broker",
                "--listener-url",
                &url,
                "--advertised-listener-url",
                &url,
                "--storage-engine",
                "memory://tansu/",
                "--silent",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start the tansu broker ({}): {e}; `.ci/run` installs it (`cargo install tansu --locked --features dynostore`)",
                    tansu().display()
                )
            });
        let mut broker = Broker {
            child,
            bootstrap: format!("127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(&broker.bootstrap).is_err() {
            if let Ok(Some(status)) = broker.child.try_wait() {
                panic!("tansu exited: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "tansu did not listen within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        broker
    }

    pub(crate) fn config(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", &self.bootstrap);
        config
    }

    /// Creates topics of one partition (tansu does not create them on first use).
    pub(crate) async fn create_topics(&self, topics: &[&str]) {
        let admin: AdminClient<DefaultClientContext> = self.config().create().unwrap();
        let new: Vec<NewTopic<'_>> = topics
            .iter()
            .map(|t| NewTopic::new(t, 1, TopicReplication::Fixed(1)))
            .collect();
        for result in admin
            .create_topics(
                &new,
                &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
            )
            .await
            .unwrap()
        {
            result.unwrap_or_else(|(topic, e)| panic!("cannot create topic {topic}: {e}"));
        }
    }

    /// A consumer of `topic` from its beginning, in a group of its own.
    pub(crate) fn consumer(&self, topic: &str) -> StreamConsumer {
        let consumer: StreamConsumer = self
            .config()
            .set("group.id", format!("test-{topic}-{}", std::process::id()))
            .set("auto.offset.reset", "earliest")
            .set("enable.auto.commit", "false")
            .create()
            .unwrap();
        consumer.subscribe(&[topic]).unwrap();
        consumer
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
