//! Publishing: the `Publisher` trait services code against, and `InMemoryPublisher`, which
//! records what was published so tests can assert on it.

use std::sync::Mutex;

use crate::envelope::{Envelope, EnvelopeError, RawEnvelope};
use crate::event::Event;

/// Publishing failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The envelope could not be encoded.
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    /// The event could not be serialized, or its schema id could not be had (an unpublished
    /// schema is `Codec(CodecError::Registry(RegistryError::NotPublished { .. }))`).
    #[error(transparent)]
    Codec(#[from] crate::codec::CodecError),
    /// The transport failed.
    #[error("publishing failed: {0}")]
    Transport(String),
}

impl PublishError {
    /// Whether the event's schema was never published to the registry.
    pub fn is_not_published(&self) -> bool {
        matches!(
            self,
            PublishError::Codec(crate::codec::CodecError::Registry(
                crate::registry::RegistryError::NotPublished { .. }
            ))
        )
    }
}

/// Something that publishes events.
pub trait Publisher {
    /// Publishes one envelope.
    ///
    /// # Errors
    /// An envelope that cannot be encoded, or a failing transport.
    fn publish<E: Event>(&self, envelope: &Envelope<E>) -> Result<(), PublishError>;
}

/// Something that publishes events from async code (a Kafka producer awaits delivery).
pub trait AsyncPublisher {
    /// Publishes one envelope, resolving when it is delivered.
    ///
    /// # Errors
    /// An envelope that cannot be encoded, a schema that is not published, a failing transport.
    fn publish<'a, E: Event + Sync + 'static>(
        &'a self,
        envelope: &'a Envelope<E>,
    ) -> impl std::future::Future<Output = Result<(), PublishError>> + Send + 'a;
}

/// Records every published envelope, in order. For tests.
#[derive(Debug, Default)]
pub struct InMemoryPublisher {
    published: Mutex<Vec<RawEnvelope>>,
}

impl InMemoryPublisher {
    /// An empty recorder.
    pub fn new() -> Self {
        InMemoryPublisher::default()
    }

    /// Everything published, in order.
    pub fn published(&self) -> Vec<RawEnvelope> {
        self.published
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// `(event type, version)` of everything published, in order.
    pub fn types(&self) -> Vec<(String, u32)> {
        self.published()
            .into_iter()
            .map(|e| (e.event_type, e.version))
            .collect()
    }

    /// The published envelopes of type `E` (same event type and version), decoded, in order.
    ///
    /// # Panics
    /// When a recorded envelope of that type cannot be decoded (the recorder wrote it itself).
    pub fn of<E: Event>(&self) -> Vec<Envelope<E>> {
        self.published()
            .into_iter()
            .filter(|e| e.event_type == E::EVENT_TYPE && e.version == E::VERSION)
            .map(|e| {
                Envelope::from_cloudevent_json(&e.cloudevent)
                    .expect("the recorder wrote this envelope")
            })
            .collect()
    }

    /// Asserts that exactly these `(event type, version)` pairs were published, in this order.
    ///
    /// # Panics
    /// When they were not, with what was published.
    #[track_caller]
    pub fn assert_types(&self, expected: &[(&str, u32)]) {
        let actual = self.types();
        let actual_ref: Vec<(&str, u32)> = actual.iter().map(|(t, v)| (t.as_str(), *v)).collect();
        assert_eq!(
            actual_ref, expected,
            "published events differ from the expected ones"
        );
    }

    /// Asserts that one event of type `E` was published, and returns it.
    ///
    /// # Panics
    /// When none or several were.
    #[track_caller]
    pub fn assert_one<E: Event>(&self) -> Envelope<E> {
        let mut found = self.of::<E>();
        assert_eq!(
            found.len(),
            1,
            "expected one `{}` v{} to be published, found {}: {:?}",
            E::EVENT_TYPE,
            E::VERSION,
            found.len(),
            self.types()
        );
        found.remove(0)
    }

    /// Forgets everything recorded.
    pub fn clear(&self) {
        self.published
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

impl Publisher for InMemoryPublisher {
    fn publish<E: Event>(&self, envelope: &Envelope<E>) -> Result<(), PublishError> {
        let raw = RawEnvelope {
            event_type: E::EVENT_TYPE.to_owned(),
            version: E::VERSION,
            name: E::NAME.to_owned(),
            cloudevent: envelope.to_cloudevent_json()?,
        };
        self.published
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(raw);
        Ok(())
    }
}

impl AsyncPublisher for InMemoryPublisher {
    fn publish<'a, E: Event + Sync + 'static>(
        &'a self,
        envelope: &'a Envelope<E>,
    ) -> impl std::future::Future<Output = Result<(), PublishError>> + Send + 'a {
        std::future::ready(Publisher::publish(self, envelope))
    }
}
