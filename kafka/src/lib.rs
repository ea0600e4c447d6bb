//! tidings-kafka: events on Kafka, on rdkafka (with the librdkafka it bundles).
//!
//! - [`KafkaPublisher`] sends each event to its topic (`[events."domain/event"] topic` in
//!   `tidings.toml`, else `<domain>.<event>`): key = the envelope's aggregate id, value = the
//!   registry wire format (Avro or JSON, schema id looked up once), headers = CloudEvents' Kafka
//!   binary mode (`ce_specversion`, `ce_id`, `ce_source`, `ce_type`, `ce_time`, `content-type`)
//!   plus tidings' `ce_eventversion`, `ce_correlationid` and `ce_causationid`. The producer is
//!   idempotent, and [`KafkaPublisher::publish`] awaits delivery.
//! - [`decode`] turns a received message into the domain's generated enum, whichever published
//!   version wrote it, upcast to the latest; [`dead_letter`] forwards a message that cannot be
//!   decoded, with the error in a header.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use tidings_registry::{runtime::RegistryRuntime, ClientBuilder};
//! use tidings_kafka::{KafkaPublisher, Topics};
//!
//! let registry = Arc::new(RegistryRuntime::new(ClientBuilder::from_env()?.build()?));
//! let publisher = KafkaPublisher::new("localhost:9092", registry)?.topics(Topics::default());
//! # Ok(()) }
//! ```

mod consume;
mod publish;
#[doc(hidden)]
pub mod testing;
mod topics;

pub use consume::{dead_letter, decode, ConsumeError, Received, ERROR_HEADER};
pub use publish::{Delivery, KafkaPublisher};
pub use topics::Topics;

/// The rdkafka crate, for configuration and consumers.
pub use rdkafka;
