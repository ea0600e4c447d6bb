//! Avro encoding with the wire-format header (tidings' `AvroSerializer`) side by side with
//! apache-avro's own `to_avro_datum` on the same event, and proof that a warm serializer makes
//! no registry call.

use divan::Bencher;
use serde::{Deserialize, Serialize};
use tidings::codec::AvroSerializer;
use tidings::registry::InMemoryRegistry;
use tidings::Event;

/// `orders/order_paid/v2.avsc` of the sample repository, with its shared types.
#[derive(tidings::Record, Serialize, Deserialize, Clone)]
#[record(schema = "_shared/event_metadata.avsc")]
struct EventMetadata {
    event_id: String,
    occurred_at: i64,
    actor_id: Option<String>,
    correlation_id: Option<String>,
    causation_id: Option<String>,
}

#[derive(tidings::Record, Serialize, Deserialize, Clone)]
#[record(schema = "_shared/money.avsc")]
struct Money {
    amount_minor: i64,
    currency: String,
}

#[derive(Serialize, Deserialize, Clone, Copy)]
#[allow(clippy::upper_case_acronyms)]
enum PaymentMethod {
    CARD,
    UPI,
}

#[derive(tidings::Event, Serialize, Deserialize, Clone)]
#[event(schema = "orders/order_paid/v2.avsc")]
struct OrderPaid {
    metadata: EventMetadata,
    order_id: String,
    payment_id: String,
    amount: Money,
    method: PaymentMethod,
}

fn event() -> OrderPaid {
    OrderPaid {
        metadata: EventMetadata {
            event_id: "0190c2a4-8d7e-7c3b-9a61-3f1e2d4c5b6a".into(),
            occurred_at: 1_767_225_600_000,
            actor_id: Some("user-42".into()),
            correlation_id: Some("checkout-9".into()),
            causation_id: None,
        },
        order_id: "7b1d3c52-51f5-4c7e-9c4e-0d9f3a1b2c3d".into(),
        payment_id: "3f1e2d4c-5b6a-4c7e-9c4e-0d9f3a1b2c3d".into(),
        amount: Money {
            amount_minor: 129_900,
            currency: "INR".into(),
        },
        method: PaymentMethod::UPI,
    }
}

fn main() {
    let registry = InMemoryRegistry::new();
    let serializer = AvroSerializer::<OrderPaid>::new(&registry).unwrap();
    let before = registry.calls();
    let mut buffer = Vec::new();
    for _ in 0..10_000 {
        buffer.clear();
        serializer.serialize_into(&event(), &mut buffer).unwrap();
    }
    println!(
        "registry calls while serializing 10,000 events with a warm serializer: {}",
        registry.calls() - before
    );
    divan::main();
}

#[divan::bench]
fn tidings_serializer_with_header(bencher: Bencher<'_, '_>) {
    let registry = InMemoryRegistry::new();
    let serializer = AvroSerializer::<OrderPaid>::new(&registry).unwrap();
    let event = event();
    let mut buffer = Vec::with_capacity(256);
    bencher.bench_local(|| {
        buffer.clear();
        serializer
            .serialize_into(divan::black_box(&event), &mut buffer)
            .unwrap();
        divan::black_box(buffer.len())
    });
}

/// apache-avro's fastest documented path for the same work: serde straight to the writer
/// (`write_avro_datum_ref`), into a reused buffer, after the same five-byte header.
#[divan::bench]
fn apache_avro_write_avro_datum_ref_with_header(bencher: Bencher<'_, '_>) {
    let schema = apache_avro::Schema::parse_str(OrderPaid::STANDALONE_SCHEMA).unwrap();
    let event = event();
    let mut buffer = Vec::with_capacity(256);
    bencher.bench_local(|| {
        buffer.clear();
        buffer.push(0);
        buffer.extend_from_slice(&1u32.to_be_bytes());
        apache_avro::write_avro_datum_ref(&schema, divan::black_box(&event), &mut buffer).unwrap();
        divan::black_box(buffer.len())
    });
}

/// apache-avro's value path (`to_value`, validation, a fresh `Vec`): slower, shown because it is
/// the path its README leads with.
#[divan::bench]
fn apache_avro_to_avro_datum(bencher: Bencher<'_, '_>) {
    let schema = apache_avro::Schema::parse_str(OrderPaid::STANDALONE_SCHEMA).unwrap();
    let event = event();
    bencher.bench_local(|| {
        let value = apache_avro::to_value(divan::black_box(&event)).unwrap();
        let bytes = apache_avro::to_avro_datum(&schema, value).unwrap();
        divan::black_box(bytes.len())
    });
}
