//! tidings-registry: an async client for Confluent-compatible schema registries (Confluent,
//! Redpanda, Apicurio's ccompat API, Karapace).
//!
//! ```no_run
//! use tidings_registry::{ClientBuilder, NewSchema, VersionRef};
//!
//! # async fn run() -> Result<(), tidings_registry::Error> {
//! let client = ClientBuilder::new("http://localhost:8081").build()?;
//! let id = client.register("orders.order_paid-value", &NewSchema::avro(r#"{"type": "string"}"#), false).await?;
//! let latest = client.version("orders.order_paid-value", VersionRef::Latest).await?;
//! assert_eq!(latest.id, id);
//! # Ok(())
//! # }
//! ```
//!
//! Every non-2xx answer is an [`ApiError`] with the registry's `error_code`; 5xx, 408, 429,
//! connection failures and timeouts are retried per [`RetryPolicy`]; credentials are
//! [`Secret`]s that never print.
//!
//! The embedded local registry (`local`, a Confluent-compatible server) is behind the `local`
//! cargo feature: services that only talk to a real registry build no web server.

mod client;
mod error;
#[cfg(feature = "local")]
pub mod local;
pub mod publish;
mod retry;
pub mod runtime;
mod secret;

pub use client::{
    Client, ClientBuilder, Compatibility, NewSchema, Reference, SchemaById, SchemaQuery,
    SubjectVersion, SubjectVersionRef, VersionRef,
};
pub use error::{ApiError, Error};
pub use retry::{Attempt, RetryPolicy};
pub use secret::{Auth, Secret};
/// The compatibility levels [`Client::config`] reads and [`Client::set_config`] writes.
pub use tidings_schema::compat::Level;
