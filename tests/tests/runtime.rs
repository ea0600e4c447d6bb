//! Hand-written structs bound to the sample schemas, through both wire formats, envelopes and
//! the in-memory publisher.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tidings::codec::{
    AvroDeserializer, AvroSerializer, CodecError, JsonDeserializer, JsonSerializer,
};
use tidings::registry::{InMemoryRegistry, RegisteredSchema};
use tidings::wire::WireError;
use tidings::{Envelope, Event, InMemoryPublisher, Publisher, SchemaFormat};

/// `_shared/event_metadata.avsc`
#[derive(tidings::Record, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[record(schema = "_shared/event_metadata.avsc")]
struct EventMetadata {
    event_id: String,
    occurred_at: i64,
    actor_id: Option<String>,
    correlation_id: Option<String>,
    causation_id: Option<String>,
}

fn metadata() -> EventMetadata {
    EventMetadata {
        event_id: "0190c2a4-8d7e-7c3b-9a61-3f1e2d4c5b6a".into(),
        occurred_at: 1_767_225_600_000,
        actor_id: None,
        correlation_id: Some("req-7".into()),
        causation_id: None,
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types)]
enum SignupSource {
    WEB,
    IOS,
    ANDROID,
    PARTNER_API,
}

mod v1 {
    use super::*;

    /// `identity/user_registered/v1.avsc`
    #[derive(tidings::Event, Serialize, Deserialize, Debug, Clone, PartialEq)]
    #[event(schema = "identity/user_registered/v1.avsc", version = 1)]
    pub(super) struct UserRegistered {
        pub(super) metadata: EventMetadata,
        pub(super) user_id: String,
        pub(super) email: String,
        pub(super) signup_source: SignupSource,
    }
}

mod v2 {
    use super::*;

    /// `identity/user_registered/v2.avsc`
    #[derive(tidings::Event, Serialize, Deserialize, Debug, Clone, PartialEq)]
    #[event(schema = "identity/user_registered/v2.avsc")]
    pub(super) struct UserRegistered {
        pub(super) metadata: EventMetadata,
        pub(super) user_id: String,
        pub(super) email: String,
        pub(super) signup_source: SignupSource,
        pub(super) referral_code: Option<String>,
    }
}

fn registered_v2(source: SignupSource) -> v2::UserRegistered {
    v2::UserRegistered {
        metadata: metadata(),
        user_id: "7b1d3c52-51f5-4c7e-9c4e-0d9f3a1b2c3d".into(),
        email: "ada@example.com".into(),
        signup_source: source,
        referral_code: Some("GRACE".into()),
    }
}

#[test]
fn the_derive_gives_the_event_its_identity() {
    assert_eq!(v2::UserRegistered::NAME, "UserRegistered");
    assert_eq!(v2::UserRegistered::EVENT_TYPE, "identity.user_registered");
    assert_eq!(v2::UserRegistered::VERSION, 2);
    assert_eq!(v1::UserRegistered::VERSION, 1);
    assert_eq!(v2::UserRegistered::DOMAIN, "identity");
    assert_eq!(
        v2::UserRegistered::SUBJECT,
        "identity.user_registered-value"
    );
    assert_eq!(v2::UserRegistered::FORMAT, SchemaFormat::Avro);
    assert_eq!(
        v2::UserRegistered::SCHEMA_PATH,
        "identity/user_registered/v2.avsc"
    );
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../schemas/identity/user_registered/v2.avsc"
    ))
    .unwrap();
    assert_eq!(v2::UserRegistered::SCHEMA, committed);
    assert!(v2::UserRegistered::STANDALONE_SCHEMA.contains("com.tidings.shared.EventMetadata"));
    assert_eq!(
        <EventMetadata as tidings::Record>::RECORD_NAME,
        "com.tidings.shared.EventMetadata"
    );
    // The member-added event has a topic of its own in tidings.toml.
    assert_eq!(MemberAdded::SUBJECT, "organizations.members-value");
}

#[test]
fn avro_round_trips_through_the_wire_format() {
    let registry = Arc::new(InMemoryRegistry::new());
    let serializer = AvroSerializer::<v2::UserRegistered>::new(registry.as_ref()).unwrap();
    let deserializer = AvroDeserializer::<v2::UserRegistered>::new(registry.clone()).unwrap();
    let event = registered_v2(SignupSource::IOS);
    let bytes = serializer.serialize(&event).unwrap();
    assert_eq!(bytes[0], 0, "magic byte");
    assert_eq!(
        u32::from_be_bytes(bytes[1..5].try_into().unwrap()),
        serializer.schema_id()
    );
    assert_eq!(deserializer.deserialize(&bytes).unwrap(), event);

    // The payload is plain Avro binary: apache-avro reads it with the same schema.
    let schema = apache_avro::Schema::parse_str(v2::UserRegistered::STANDALONE_SCHEMA).unwrap();
    let value = apache_avro::from_avro_datum(&schema, &mut &bytes[5..], None).unwrap();
    assert_eq!(
        apache_avro::from_value::<v2::UserRegistered>(&value).unwrap(),
        event
    );
}

#[test]
fn a_warm_serializer_makes_no_registry_calls() {
    let registry = Arc::new(InMemoryRegistry::new());
    let serializer = AvroSerializer::<v2::UserRegistered>::new(registry.as_ref()).unwrap();
    let deserializer = AvroDeserializer::<v2::UserRegistered>::new(registry.clone()).unwrap();
    let first = serializer
        .serialize(&registered_v2(SignupSource::WEB))
        .unwrap();
    deserializer.deserialize(&first).unwrap();
    let warm = registry.calls();
    for _ in 0..100 {
        let bytes = serializer
            .serialize(&registered_v2(SignupSource::WEB))
            .unwrap();
        deserializer.deserialize(&bytes).unwrap();
    }
    assert_eq!(registry.calls(), warm, "the hot path asked the registry");
}

#[test]
fn a_v1_struct_reads_data_written_with_v2() {
    let registry = Arc::new(InMemoryRegistry::new());
    let writer = AvroSerializer::<v2::UserRegistered>::new(registry.as_ref()).unwrap();
    let reader = AvroDeserializer::<v1::UserRegistered>::new(registry.clone()).unwrap();
    let bytes = writer
        .serialize(&registered_v2(SignupSource::ANDROID))
        .unwrap();
    let old = reader.deserialize(&bytes).unwrap();
    assert_eq!(old.email, "ada@example.com");
    assert_eq!(old.signup_source, SignupSource::ANDROID);
    // A symbol v1 does not know becomes its enum default.
    let bytes = writer
        .serialize(&registered_v2(SignupSource::PARTNER_API))
        .unwrap();
    assert_eq!(
        reader.deserialize(&bytes).unwrap().signup_source,
        SignupSource::WEB
    );
}

#[test]
fn bytes_not_in_the_wire_format_are_typed_errors() {
    let registry = Arc::new(InMemoryRegistry::new());
    let deserializer = AvroDeserializer::<v2::UserRegistered>::new(registry.clone()).unwrap();
    assert!(matches!(
        deserializer.deserialize(&[1, 0, 0, 0, 1, 2]),
        Err(CodecError::Wire(WireError::WrongMagicByte(1)))
    ));
    assert!(matches!(
        deserializer.deserialize(&[0, 0]),
        Err(CodecError::Wire(WireError::Truncated(2)))
    ));
    assert!(matches!(
        deserializer.deserialize(&[0, 0, 0, 0, 42, 2]),
        Err(CodecError::Registry(_))
    ));
    let serializer = AvroSerializer::<v2::UserRegistered>::new(registry.as_ref()).unwrap();
    let bytes = serializer
        .serialize(&registered_v2(SignupSource::WEB))
        .unwrap();
    for cut in [6, bytes.len() / 2, bytes.len() - 1] {
        let result = deserializer.deserialize(&bytes[..cut]);
        assert!(
            matches!(result, Err(CodecError::Decode { .. })),
            "cut at {cut}: {result:?}"
        );
    }
    // A JSON Schema written under an id is not a writer schema for Avro data.
    let id = registry.register("x", RegisteredSchema::new(SchemaFormat::Json, "{}"));
    let mut forged = bytes.clone();
    forged[1..5].copy_from_slice(&id.to_be_bytes());
    assert!(matches!(
        deserializer.deserialize(&forged),
        Err(CodecError::Decode { .. })
    ));
}

/// `_shared/money.json`
#[derive(tidings::Record, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[record(schema = "_shared/money.json")]
struct Money {
    amount_minor: i64,
    currency: String,
}

/// `_shared/event_metadata.json`
#[derive(tidings::Record, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[record(schema = "_shared/event_metadata.json", name = "EventMetadata")]
#[serde(rename = "EventMetadata")]
struct JsonMetadata {
    event_id: String,
    occurred_at: String,
    actor_id: Option<String>,
    correlation_id: Option<String>,
    causation_id: Option<String>,
}

/// `payments/payment_link_created/v2.json`
#[derive(tidings::Event, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[event(schema = "payments/payment_link_created/v2.json")]
struct PaymentLinkCreated {
    metadata: JsonMetadata,
    // The derive checks the name serde writes, not the Rust one.
    #[serde(rename = "payment_link_id")]
    link_id: String,
    organization_id: String,
    amount: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

/// `organizations/member_added/v2.json`
#[derive(tidings::Event, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[event(schema = "organizations/member_added/v2.json")]
#[serde(rename_all = "snake_case")]
struct MemberAdded {
    metadata: JsonMetadata,
    organization_id: String,
    user_id: String,
    role: String,
    invited_by: Option<String>,
}

fn link(currency: &str) -> PaymentLinkCreated {
    PaymentLinkCreated {
        metadata: JsonMetadata {
            event_id: "0190c2a4-8d7e-7c3b-9a61-3f1e2d4c5b6a".into(),
            occurred_at: "2026-01-01T00:00:00Z".into(),
            actor_id: Some("user-1".into()),
            correlation_id: None,
            causation_id: None,
        },
        link_id: "3f1e2d4c-5b6a-4c7e-9c4e-0d9f3a1b2c3d".into(),
        organization_id: "9c4e0d9f-3a1b-4c7e-9c4e-0d9f3a1b2c3d".into(),
        amount: Money {
            amount_minor: 4999,
            currency: currency.into(),
        },
        description: Some("Workshop ticket".into()),
        expires_at: None,
    }
}

#[test]
fn json_round_trips_and_invalid_events_are_refused_before_sending() {
    let registry = InMemoryRegistry::new();
    let serializer = JsonSerializer::<PaymentLinkCreated>::new(&registry, true).unwrap();
    let bytes = serializer.serialize(&link("EUR")).unwrap();
    assert_eq!(bytes[0], 0);
    let back = JsonDeserializer::<PaymentLinkCreated>::default()
        .deserialize(&bytes)
        .unwrap();
    assert_eq!(back, link("EUR"));
    let err = serializer.serialize(&link("euro")).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, CodecError::Invalid { .. }), "{message}");
    assert!(message.contains("field `amount.currency`"), "{message}");
    // Without validation the same event goes through.
    let lax = JsonSerializer::<PaymentLinkCreated>::new(&registry, false).unwrap();
    assert!(lax.serialize(&link("euro")).is_ok());
    // Codecs refuse events of the other format.
    assert!(matches!(
        AvroSerializer::<PaymentLinkCreated>::new(&registry),
        Err(CodecError::WrongFormat { .. })
    ));
}

#[test]
fn envelopes_map_to_and_from_cloudevents() {
    let envelope = Envelope::new("/services/identity", registered_v2(SignupSource::WEB))
        .aggregate("user", "7b1d3c52")
        .actor("admin-1")
        .correlation_id("req-7")
        .with_metadata("tenant", "acme")
        .unwrap();
    assert_eq!(envelope.id.get_version_num(), 7);
    let json = envelope.to_cloudevent_json().unwrap();
    assert_eq!(json["specversion"], "1.0");
    assert_eq!(json["type"], "identity.user_registered");
    assert_eq!(json["eventversion"], "2");
    assert_eq!(json["subject"], "7b1d3c52");
    assert_eq!(json["tenant"], "acme");
    assert_eq!(json["data"]["email"], "ada@example.com");
    let back = Envelope::<v2::UserRegistered>::from_cloudevent_json(&json).unwrap();
    // CloudEvents times have millisecond precision here.
    assert_eq!(back.data, envelope.data);
    assert_eq!(back.id, envelope.id);
    assert_eq!(
        back.metadata.get("tenant").map(String::as_str),
        Some("acme")
    );
    assert_eq!(back.correlation_id.as_deref(), Some("req-7"));
    // Another version of the same event is refused.
    assert!(Envelope::<v1::UserRegistered>::from_cloudevent_json(&json).is_err());
    assert!(envelope.clone().with_metadata("Not-Valid", "x").is_err());

    let headers = envelope.to_kafka_headers("application/avro");
    assert!(headers
        .iter()
        .any(|(k, v)| k == "ce_type" && v == b"identity.user_registered"));
    assert!(headers
        .iter()
        .any(|(k, v)| k == "content-type" && v == b"application/avro"));
    let back = Envelope::from_kafka_headers(&headers, envelope.data.clone()).unwrap();
    assert_eq!(back.actor.as_deref(), Some("admin-1"));
    assert_eq!(back.aggregate_type.as_deref(), Some("user"));
}

#[test]
fn the_in_memory_publisher_records_what_was_published() {
    let publisher = InMemoryPublisher::new();
    publisher
        .publish(&Envelope::new(
            "/identity",
            registered_v2(SignupSource::WEB),
        ))
        .unwrap();
    publisher
        .publish(&Envelope::new("/payments", link("EUR")))
        .unwrap();
    publisher
        .publish(&Envelope::new(
            "/identity",
            registered_v2(SignupSource::IOS),
        ))
        .unwrap();
    publisher.assert_types(&[
        ("identity.user_registered", 2),
        ("payments.payment_link_created", 2),
        ("identity.user_registered", 2),
    ]);
    let registered = publisher.of::<v2::UserRegistered>();
    assert_eq!(registered.len(), 2);
    assert_eq!(registered[1].data.signup_source, SignupSource::IOS);
    assert_eq!(
        publisher
            .assert_one::<PaymentLinkCreated>()
            .data
            .amount
            .currency,
        "EUR"
    );
    assert!(publisher.of::<v1::UserRegistered>().is_empty());
}
