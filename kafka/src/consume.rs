//! The consumer side: a received message to the domain's enum, and dead letters.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use tidings::codec::CodecError;
use tidings::registry::{AsyncSchemaRegistry, SchemaRegistry};
use tidings::wire;
use tidings::Domain;

/// The header a dead letter carries its error in.
pub const ERROR_HEADER: &str = "tidings_error";

/// A decoded message.
#[derive(Debug, Clone, PartialEq)]
pub struct Received<D> {
    /// The event, upcast to its latest version.
    pub event: D,
    /// The writer's schema id.
    pub schema_id: u32,
    /// The message key (the aggregate id), when it is UTF-8.
    pub key: Option<String>,
    /// The headers (CloudEvents attributes among them).
    pub headers: Vec<(String, Vec<u8>)>,
    /// Topic, partition and offset.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The offset.
    pub offset: i64,
}

/// A message that is not an event of the domain: route it to a dead-letter topic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsumeError {
    /// Its schema is no version of any event of the domain (or its `ce_type` names none).
    #[error("{topic}[{partition}]@{offset}: not an event of the `{domain}` domain: {message}")]
    UnknownEvent {
        /// The domain.
        domain: &'static str,
        /// The topic.
        topic: String,
        /// The partition.
        partition: i32,
        /// The offset.
        offset: i64,
        /// What was found.
        message: String,
    },
    /// The payload cannot be read: not in the wire format, an unknown schema id, or data its
    /// schema does not decode.
    #[error("{topic}[{partition}]@{offset}: cannot decode: {message}")]
    Undecodable {
        /// The topic.
        topic: String,
        /// The partition.
        partition: i32,
        /// The offset.
        offset: i64,
        /// Why.
        message: String,
    },
}

/// Decodes a message into the domain's enum: the writer schema is fetched without blocking
/// (once per id), then the message is decoded and upcast.
///
/// # Errors
/// See [`ConsumeError`].
pub async fn decode<D, R>(
    registry: &Arc<R>,
    message: &impl Message,
) -> Result<Received<D>, ConsumeError>
where
    D: Domain,
    R: AsyncSchemaRegistry + SchemaRegistry + 'static,
{
    let (topic, partition, offset) = (
        message.topic().to_owned(),
        message.partition(),
        message.offset(),
    );
    let undecodable = |message: String| ConsumeError::Undecodable {
        topic: topic.clone(),
        partition,
        offset,
        message,
    };
    let payload = message
        .payload()
        .ok_or_else(|| undecodable("the message has no value".into()))?;
    let (schema_id, _) = wire::unframe(payload).map_err(|e| undecodable(e.to_string()))?;
    // Fetched here, asynchronously; the decoding below finds it in the registry's cache.
    AsyncSchemaRegistry::schema_by_id(registry.as_ref(), schema_id)
        .await
        .map_err(|e| undecodable(e.to_string()))?;
    let sync: Arc<dyn SchemaRegistry> = registry.clone();
    let event = D::from_wire(sync, payload).map_err(|e| match e {
        CodecError::Schema { message, .. } => ConsumeError::UnknownEvent {
            domain: D::DOMAIN,
            topic: topic.clone(),
            partition,
            offset,
            message,
        },
        other => undecodable(other.to_string()),
    })?;
    let headers = message
        .headers()
        .map(|h| {
            h.iter()
                .map(|header| {
                    (
                        header.key.to_owned(),
                        header.value.map(<[u8]>::to_vec).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Received {
        event,
        schema_id,
        key: message
            .key()
            .and_then(|k| std::str::from_utf8(k).ok())
            .map(str::to_owned),
        headers,
        topic,
        partition,
        offset,
    })
}

/// Forwards a message that could not be decoded to `topic`, unchanged (key, value, headers),
/// with the error in [`ERROR_HEADER`] and where it came from in `tidings_source`
/// (`topic[partition]@offset`). Waits for delivery.
///
/// # Errors
/// The broker's, when the dead letter cannot be delivered.
pub async fn dead_letter(
    producer: &FutureProducer,
    topic: &str,
    message: &impl Message,
    error: &ConsumeError,
) -> Result<(), rdkafka::error::KafkaError> {
    let mut headers = OwnedHeaders::new();
    if let Some(original) = message.headers() {
        for header in original.iter() {
            headers = headers.insert(Header {
                key: header.key,
                value: header.value,
            });
        }
    }
    let error_text = error.to_string();
    let source = format!(
        "{}[{}]@{}",
        message.topic(),
        message.partition(),
        message.offset()
    );
    headers = headers
        .insert(Header {
            key: ERROR_HEADER,
            value: Some(error_text.as_bytes()),
        })
        .insert(Header {
            key: "tidings_source",
            value: Some(source.as_bytes()),
        });
    let mut record = FutureRecord::<[u8], [u8]>::to(topic).headers(headers);
    if let Some(key) = message.key() {
        record = record.key(key);
    }
    if let Some(payload) = message.payload() {
        record = record.payload(payload);
    }
    producer
        .send(record, Duration::from_secs(30))
        .await
        .map(|_| ())
        .map_err(|(e, _)| e)
}
