//! The publisher: one idempotent producer, serializers built once per event type (one registry
//! look-up each, none after), delivery awaited.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use tidings::codec::{AvroSerializer, CodecError, JsonSerializer};
use tidings::registry::AsyncSchemaRegistry;
use tidings::{AsyncPublisher, Envelope, Event, PublishError, SchemaFormat};

use crate::topics::Topics;

/// Where a message was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// The partition.
    pub partition: i32,
    /// The offset in it.
    pub offset: i64,
}

/// A serializer of one event type, Avro or JSON as its schema is.
enum Serializer<E> {
    Avro(AvroSerializer<E>),
    Json(JsonSerializer<E>),
}

impl<E: Event> Serializer<E> {
    async fn new(registry: &dyn AsyncSchemaRegistry) -> Result<Self, CodecError> {
        Ok(match E::FORMAT {
            SchemaFormat::Avro => Serializer::Avro(AvroSerializer::new_async(registry).await?),
            SchemaFormat::Json => {
                Serializer::Json(JsonSerializer::new_async(registry, true).await?)
            }
        })
    }

    fn serialize(&self, event: &E) -> Result<Vec<u8>, CodecError> {
        match self {
            Serializer::Avro(s) => s.serialize(event),
            Serializer::Json(s) => s.serialize(event),
        }
    }
}

/// Publishes events to Kafka in the registry wire format with CloudEvents headers.
pub struct KafkaPublisher {
    producer: FutureProducer,
    registry: Arc<dyn AsyncSchemaRegistry>,
    topics: Topics,
    timeout: Duration,
    /// Serializers by event type, built on first use.
    serializers: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for KafkaPublisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaPublisher")
            .field("topics", &self.topics)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl KafkaPublisher {
    /// A publisher to the brokers at `bootstrap_servers` (`host:port,...`), idempotent.
    ///
    /// # Errors
    /// A configuration librdkafka refuses.
    pub fn new(
        bootstrap_servers: &str,
        registry: Arc<dyn AsyncSchemaRegistry>,
    ) -> Result<Self, PublishError> {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", bootstrap_servers);
        Self::with_config(config, registry)
    }

    /// A publisher with a librdkafka configuration of the caller's (security, linger, ...);
    /// idempotence is turned on.
    ///
    /// # Errors
    /// A configuration librdkafka refuses.
    pub fn with_config(
        mut config: ClientConfig,
        registry: Arc<dyn AsyncSchemaRegistry>,
    ) -> Result<Self, PublishError> {
        config.set("enable.idempotence", "true");
        let producer: FutureProducer = config
            .create()
            .map_err(|e| PublishError::Transport(format!("cannot create the producer: {e}")))?;
        Ok(KafkaPublisher {
            producer,
            registry,
            topics: Topics::default(),
            timeout: Duration::from_secs(30),
            serializers: Mutex::new(HashMap::new()),
        })
    }

    /// The topic of each event type.
    pub fn topics(mut self, topics: Topics) -> Self {
        self.topics = topics;
        self
    }

    /// How long a send may wait in the producer's queue.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The producer underneath.
    pub fn producer(&self) -> &FutureProducer {
        &self.producer
    }

    async fn serializer<E: Event + 'static>(&self) -> Result<Arc<Serializer<E>>, PublishError> {
        let cached = self
            .serializers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&TypeId::of::<E>())
            .cloned();
        if let Some(any) = cached.and_then(|a| a.downcast::<Serializer<E>>().ok()) {
            return Ok(any);
        }
        // The registry coalesces concurrent first look-ups; a serializer built twice is harmless.
        let serializer = Arc::new(Serializer::<E>::new(self.registry.as_ref()).await?);
        self.serializers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(TypeId::of::<E>(), serializer.clone());
        Ok(serializer)
    }

    /// Sends one event and waits for the broker's acknowledgement. Nothing is sent when the
    /// event cannot be serialized or its schema is not published.
    ///
    /// # Errors
    /// An event that does not match its schema, a schema the registry does not have (see
    /// [`PublishError::is_not_published`]), a failing registry or broker.
    pub async fn publish<E: Event + Sync + 'static>(
        &self,
        envelope: &Envelope<E>,
    ) -> Result<Delivery, PublishError> {
        let serializer = self.serializer::<E>().await?;
        let value = serializer.serialize(&envelope.data)?;
        let content_type = match E::FORMAT {
            SchemaFormat::Avro => "application/avro",
            SchemaFormat::Json => "application/json",
        };
        let mut headers = OwnedHeaders::new();
        for (name, bytes) in envelope.to_kafka_headers(content_type) {
            headers = headers.insert(Header {
                key: &name,
                value: Some(&bytes),
            });
        }
        let topic = self.topics.topic_of(E::EVENT_TYPE);
        let mut record = FutureRecord::<str, [u8]>::to(topic)
            .payload(&value)
            .headers(headers);
        if let Some(key) = &envelope.aggregate_id {
            record = record.key(key.as_str());
        }
        let delivered = self
            .producer
            .send(record, self.timeout)
            .await
            .map_err(|(e, _)| PublishError::Transport(format!("topic `{topic}`: {e}")))?;
        Ok(Delivery {
            partition: delivered.partition,
            offset: delivered.offset,
        })
    }
}

impl AsyncPublisher for KafkaPublisher {
    async fn publish<'a, E: Event + Sync + 'static>(
        &'a self,
        envelope: &'a Envelope<E>,
    ) -> Result<(), PublishError> {
        KafkaPublisher::publish(self, envelope).await.map(|_| ())
    }
}
