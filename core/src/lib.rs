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
pub use publisher::{AsyncPublisher, InMemoryPublisher, PublishError, Publisher};
/// `#[derive(tidings::Event)]`: binds a struct to a committed schema version. See [`Event`].
pub use tidings_derive::Event;
/// `#[derive(tidings::Record)]`: binds a nested struct to a record of a committed schema.
pub use tidings_derive::Record;

/// JSON, for generated code that has no better type and decodes JSON payloads.
pub mod json {
    pub use serde_json::{from_slice, from_value, to_value, Value};
}

/// Avro helpers for generated code: byte fields written as Avro bytes, and decimals.
#[cfg(feature = "avro")]
pub mod avro {
    pub use apache_avro::{serde_avro_bytes, serde_avro_bytes_opt, Decimal};
}

/// The `uuid` crate, for the `UuidType::Uuid` mapping of generated code.
pub use uuid;

/// The generated enum of a domain's events (`OrdersEvent`), for code that consumes any domain:
/// a Kafka consumer decodes into `D: Domain`.
pub trait Domain: Sized {
    /// The domain (`orders`).
    const DOMAIN: &'static str;

    /// Decodes a wire-format message written with any known version of any event of the
    /// domain, upcast to the latest version.
    ///
    /// # Errors
    /// Bytes not in the wire format, an unknown schema id, a schema of no event of this domain
    /// ([`codec::CodecError::Schema`]), or a payload that does not decode.
    fn from_wire(
        registry: std::sync::Arc<dyn registry::SchemaRegistry>,
        message: &[u8],
    ) -> Result<Self, codec::CodecError>;

    /// The event type, version and name of the event.
    fn kind(&self) -> (&'static str, u32, &'static str);
}

/// Decoding an event of a domain (`IdentityEvent::from_json`) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// No event of the domain has this type and version.
    #[error("unknown event `{event_type}` v{version}")]
    UnknownEvent {
        /// The event type asked for.
        event_type: String,
        /// The version asked for.
        version: u32,
    },
    /// The payload is not that event.
    #[error("cannot decode `{event_type}` v{version}: {message}")]
    Invalid {
        /// The event type.
        event_type: String,
        /// The version.
        version: u32,
        /// Why.
        message: String,
    },
}

/// The event type, version and data (as JSON text) of a structured CloudEvent.
///
/// # Errors
/// A CloudEvent without `type`, `eventversion` or `data`.
pub fn cloudevent_parts(event: &serde_json::Value) -> Result<(&str, u32, String), DecodeError> {
    let invalid = |message: &str| DecodeError::Invalid {
        event_type: String::new(),
        version: 0,
        message: message.to_owned(),
    };
    let event_type = event
        .get("type")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| invalid("the CloudEvent has no `type`"))?;
    let version = event
        .get("eventversion")
        .and_then(|v| {
            v.as_str()
                .and_then(|s| s.parse().ok())
                .or_else(|| v.as_u64().and_then(|n| u32::try_from(n).ok()))
        })
        .ok_or_else(|| invalid("the CloudEvent has no `eventversion`"))?;
    let data = event
        .get("data")
        .ok_or_else(|| invalid("the CloudEvent has no `data`"))?;
    Ok((event_type, version, data.to_string()))
}

/// Includes the code `tidings_codegen::Config::compile` generated for a domain in build.rs:
/// `mod identity { tidings::include_events!("identity"); }`.
#[macro_export]
macro_rules! include_events {
    ($domain:literal) => {
        ::core::include!(::core::concat!(
            ::core::env!("OUT_DIR"),
            "/tidings/",
            $domain,
            ".rs"
        ));
    };
}

#[doc(hidden)]
pub mod __private {
    /// One version of an event from its JSON (the arms of a domain enum's `from_json`).
    pub fn from_json<E: serde::de::DeserializeOwned>(
        json: &[u8],
        event_type: &str,
        version: u32,
    ) -> Result<E, crate::DecodeError> {
        serde_json::from_slice(json).map_err(|e| crate::DecodeError::Invalid {
            event_type: event_type.to_owned(),
            version,
            message: e.to_string(),
        })
    }

    /// The event type, version and name of an event (the arms of a domain enum's `kind`).
    pub fn kind<E: crate::Event>(_: &E) -> (&'static str, u32, &'static str) {
        (E::EVENT_TYPE, E::VERSION, E::NAME)
    }

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
