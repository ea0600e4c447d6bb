//! Events in production, on real parts: tansu on 127.0.0.1, the local registry over HTTP, the
//! sample's `OrderCreated` v1 (Avro with three shared references).
//!
//! - `warm_publish_registry_requests`: the registry requests a warm publish makes (must be 0),
//!   counted, and printed;
//! - `produce_tidings` vs `produce_rdkafka`: 2,000 events through `KafkaPublisher` (serialize,
//!   CloudEvents headers, send, await delivery) against rdkafka's `FutureProducer` sending the
//!   same pre-serialized bytes and pre-built headers to the same broker, same concurrency;
//! - `first_use` vs `warm_use`: the schema id of an event version on a fresh `RegistryRuntime`
//!   (its look-ups over HTTP) and on a warm one.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tidings::registry::{AsyncSchemaRegistry, EventSchema};
use tidings::Envelope;
use tidings_generated_sample::orders::{EventMetadata, Money, OrderCreatedV1, OrderLine};
use tidings_kafka::rdkafka::message::{Header, OwnedHeaders};
use tidings_kafka::rdkafka::producer::{FutureProducer, FutureRecord};
use tidings_kafka::testing::Broker;
use tidings_kafka::KafkaPublisher;
use tidings_registry::local::server::LocalServer;
use tidings_registry::publish::{self, Plan, PublishOptions};
use tidings_registry::runtime::RegistryRuntime;
use tidings_registry::{Client, ClientBuilder};
use tidings_schema::repo::Repository;

const MESSAGES: usize = 2_000;
const IN_FLIGHT: usize = 500;
const TOPIC: &str = "orders.order_created";

fn main() {
    divan::main();
}

use tidings_benches::{temp_dir as temp, TempDir as Dir};

/// A broker with the topic, and the local registry holding the published sample repository.
struct World {
    broker: Broker,
    server: Option<LocalServer>,
    client: Client,
    _data: Dir,
    runtime: tokio::runtime::Runtime,
}

impl World {
    fn new() -> World {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let broker = Broker::start();
        let data = temp("kafka-registry");
        let (server, client) = runtime.block_on(async {
            broker.create_topics(&[TOPIC]).await;
            let server = LocalServer::start(&data.0).await.unwrap();
            let client = ClientBuilder::new(server.url()).build().unwrap();
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let repo = Repository::open(&root).unwrap();
            let plan = Plan::new(&repo, &repo.load()).unwrap();
            let survey = publish::survey(&client, &plan, Default::default(), 8)
                .await
                .unwrap();
            let report = publish::publish(
                &client,
                &plan,
                &survey.reconciled,
                &PublishOptions::default(),
            )
            .await;
            assert!(report.is_complete());
            (server, client)
        });
        World {
            broker,
            server: Some(server),
            client,
            _data: data,
            runtime,
        }
    }

    fn registry(&self) -> Arc<RegistryRuntime> {
        Arc::new(RegistryRuntime::new(
            ClientBuilder::new(self.client.url()).build().unwrap(),
        ))
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.stop());
        }
    }
}

fn event(n: usize) -> Envelope<OrderCreatedV1> {
    let order = format!("00000000-0000-4000-8000-{n:012}");
    let data = OrderCreatedV1 {
        metadata: EventMetadata {
            event_id: order.clone(),
            occurred_at: 1_700_000_000_000,
            actor_id: Some("user-7".into()),
            correlation_id: Some("corr-1".into()),
            causation_id: None,
        },
        order_id: order.clone(),
        customer_id: "10000000-0000-4000-8000-000000000001".into(),
        lines: vec![OrderLine {
            sku: "SKU-1".into(),
            quantity: 2,
            unit_price: Money {
                amount_minor: 1250,
                currency: "INR".into(),
            },
        }],
        total: Money {
            amount_minor: 2500,
            currency: "INR".into(),
        },
    };
    Envelope::new("/services/orders", data).aggregate("order", order)
}

#[divan::bench(sample_count = 1)]
fn warm_publish_registry_requests(bencher: divan::Bencher<'_, '_>) {
    let world = World::new();
    let registry = world.registry();
    let publisher = KafkaPublisher::new(&world.broker.bootstrap, registry.clone()).unwrap();
    let first = event(0);
    world.runtime.block_on(publisher.publish(&first)).unwrap();
    let before = registry.client().requests_sent();
    bencher.bench_local(|| {
        world.runtime.block_on(async {
            for n in 0..100 {
                publisher.publish(&event(n)).await.unwrap();
            }
        })
    });
    let after = registry.client().requests_sent();
    println!(
        "registry requests in warm publishes: {} (first use: {before})",
        after - before
    );
    assert_eq!(after, before, "a warm publish asks the registry nothing");
}

#[divan::bench(sample_count = 30)]
fn produce_tidings(bencher: divan::Bencher<'_, '_>) {
    let world = World::new();
    let publisher = KafkaPublisher::new(&world.broker.bootstrap, world.registry()).unwrap();
    let events: Vec<_> = (0..MESSAGES).map(event).collect();
    world
        .runtime
        .block_on(publisher.publish(&events[0]))
        .unwrap();
    bencher.bench_local(|| {
        world.runtime.block_on(async {
            futures_util::stream::iter(&events)
                .map(|e| publisher.publish(e))
                .buffer_unordered(IN_FLIGHT)
                .for_each(|r| {
                    r.unwrap();
                    async {}
                })
                .await;
        })
    });
}

/// Key, value and headers of a message, made beforehand.
type Prepared = (String, Vec<u8>, Vec<(String, Vec<u8>)>);

#[divan::bench(sample_count = 30)]
fn produce_rdkafka(bencher: divan::Bencher<'_, '_>) {
    let world = World::new();
    let registry = world.registry();
    // The same bytes and headers the tidings publisher sends, made beforehand.
    let serializer = world
        .runtime
        .block_on(tidings::codec::AvroSerializer::<OrderCreatedV1>::new_async(
            registry.as_ref(),
        ))
        .unwrap();
    let messages: Vec<Prepared> = (0..MESSAGES)
        .map(|n| {
            let e = event(n);
            (
                e.aggregate_id.clone().unwrap(),
                serializer.serialize(&e.data).unwrap(),
                e.to_kafka_headers("application/avro"),
            )
        })
        .collect();
    let producer: FutureProducer = world
        .broker
        .config()
        .set("enable.idempotence", "true")
        .create()
        .unwrap();
    // Connected and warm, as the tidings publisher is after its first event.
    world
        .runtime
        .block_on(
            producer.send(
                FutureRecord::<str, [u8]>::to(TOPIC)
                    .key(&messages[0].0)
                    .payload(&messages[0].1),
                Duration::from_secs(30),
            ),
        )
        .unwrap();
    bencher.bench_local(|| {
        world.runtime.block_on(async {
            futures_util::stream::iter(&messages)
                .map(|(key, value, headers)| {
                    let mut owned = OwnedHeaders::new();
                    for (name, bytes) in headers {
                        owned = owned.insert(Header {
                            key: name,
                            value: Some(bytes),
                        });
                    }
                    let record = FutureRecord::<str, [u8]>::to(TOPIC)
                        .key(key)
                        .payload(value)
                        .headers(owned);
                    producer.send(record, Duration::from_secs(30))
                })
                .buffer_unordered(IN_FLIGHT)
                .for_each(|r| {
                    r.unwrap();
                    async {}
                })
                .await;
        })
    });
}

#[divan::bench(sample_count = 20)]
fn first_use(bencher: divan::Bencher<'_, '_>) {
    let world = World::new();
    bencher
        .with_inputs(|| world.registry())
        .bench_local_values(|registry| {
            world
                .runtime
                .block_on(AsyncSchemaRegistry::id_for(
                    registry.as_ref(),
                    &EventSchema::of::<OrderCreatedV1>(),
                ))
                .unwrap()
        });
}

#[divan::bench(sample_count = 100)]
fn warm_use(bencher: divan::Bencher<'_, '_>) {
    let world = World::new();
    let registry = world.registry();
    let schema = EventSchema::of::<OrderCreatedV1>();
    world
        .runtime
        .block_on(AsyncSchemaRegistry::id_for(registry.as_ref(), &schema))
        .unwrap();
    bencher.bench_local(|| {
        world
            .runtime
            .block_on(AsyncSchemaRegistry::id_for(registry.as_ref(), &schema))
            .unwrap()
    });
}
