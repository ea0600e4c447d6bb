//! A real Kafka-compatible broker for tests and benchmarks: tansu, with in-memory storage, on a
//! free port of 127.0.0.1, killed when dropped; topics created through the admin API. Hidden from
//! the docs: it is for this workspace's tests and benchmarks.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};

/// A tansu broker on a free loopback port. Killed on drop.
pub struct Broker {
    child: Child,
    /// `127.0.0.1:<port>`, for `bootstrap.servers`.
    pub bootstrap: String,
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
    /// Starts a broker and waits until it listens.
    ///
    /// # Panics
    /// When tansu cannot be started (its message says how to install it).
    pub fn start() -> Broker {
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

    /// A client configuration with `bootstrap.servers` set.
    pub fn config(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", &self.bootstrap);
        config
    }

    /// Creates topics of one partition (tansu does not create them on first use).
    ///
    /// # Panics
    /// When the broker refuses.
    pub async fn create_topics(&self, topics: &[&str]) {
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
    ///
    /// # Panics
    /// When the consumer cannot be created.
    pub fn consumer(&self, topic: &str) -> StreamConsumer {
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
