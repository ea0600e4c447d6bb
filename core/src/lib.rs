//! tidings: versioned domain events for services that emit and consume them.
//!
//! - [`Event`]: what an event type knows about itself (name, type, version, subject, schema),
//!   implemented by `#[derive(tidings::Event)]`, which binds a struct to one committed schema
//!   version and fails the build when they drift apart;
//! - [`Envelope`]: an event with its id, time, aggregate, actor and correlation, and its
//!   CloudEvents 1.0 forms;
//! - [`codec`]: Confluent wire-format serializers and deserializers for Avro and JSON, with a
//!   schema-id cache so the hot path makes no registry call;
//! - [`InMemoryPublisher`]: a publisher for tests that records what was published.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//!
//! /// A customer paid for an order.
//! #[derive(tidings::Event, Serialize, Deserialize, Debug, Clone, PartialEq)]
//! #[event(schema = "tests/schemas/orders/order_paid/v1.avsc")]
//! struct OrderPaid {
//!     order_id: String,
//!     amount_minor: i64,
//! }
//!
//! use tidings::{Envelope, Event, InMemoryPublisher, Publisher};
//! assert_eq!(OrderPaid::NAME, "OrderPaid");
//! assert_eq!(OrderPaid::VERSION, 1);
//! let publisher = InMemoryPublisher::new();
//! let envelope = Envelope::new("/services/orders", OrderPaid { order_id: "o-1".into(), amount_minor: 4200 })
//!     .aggregate("order", "o-1");
//! publisher.publish(&envelope)?;
//! assert_eq!(publisher.assert_one::<OrderPaid>().data.amount_minor, 4200);
//! # Ok::<(), tidings::PublishError>(())
//! ```

pub mod codec;
mod envelope;
mod event;
mod publisher;
pub mod registry;
pub mod wire;

pub use envelope::{Envelope, EnvelopeError, RawEnvelope};
pub use event::{Event, Record, SchemaFormat};
pub use publisher::{InMemoryPublisher, PublishError, Publisher};
/// `#[derive(tidings::Event)]`: binds a struct to a committed schema version. See [`Event`].
pub use tidings_derive::Event;
/// `#[derive(tidings::Record)]`: binds a nested struct to a record of a committed schema.
pub use tidings_derive::Record;

#[doc(hidden)]
pub mod __private {
    /// String equality usable in constants (the derive asserts nested record bindings).
    pub const fn str_eq(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
}
