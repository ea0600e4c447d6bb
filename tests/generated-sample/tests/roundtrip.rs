//! Every version of every sample event: a sample value built from its schema decodes into the
//! generated types (upcast to the latest version), round-trips through the wire format (Avro
//! binary or JSON), and, for JSON Schema events, validates against its schema.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value};
use tidings::registry::InMemoryRegistry;
use tidings_generated_sample::{audit, identity, notifications, orders, organizations, payments};
use tidings_schema::avro::{AvroSchema, Kind as Avro, TypeId};
use tidings_schema::jsonschema::{JsonSchema, Kind as Json, NodeId};
use tidings_schema::repo::Repository;
use tidings_schema::SchemaDoc;

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A string the pattern accepts, from a few that the sample schemas need.
fn matching(pattern: &str) -> String {
    let re = regex::Regex::new(pattern).unwrap();
    ["EUR", "IN", "1234", "27", "27ABCDE1234F1Z5", "sample"]
        .iter()
        .find(|c| re.is_match(c))
        .expect("a sample for the pattern")
        .to_string()
}

fn avro_sample(schema: &AvroSchema, id: TypeId, depth: usize) -> Value {
    let ty = schema.get(id);
    match &ty.kind {
        Avro::Null => Value::Null,
        Avro::Boolean => json!(true),
        Avro::Int | Avro::Long => json!(7),
        Avro::Float | Avro::Double => json!(1.5),
        Avro::String if ty.logical.is_some() => json!("0190c2a4-8d7e-7c3b-9a61-3f1e2d4c5b6a"),
        Avro::String => json!("sample"),
        Avro::Bytes | Avro::Fixed(_) => json!([1, 2, 3]),
        Avro::Array(items) => json!([avro_sample(schema, *items, depth + 1)]),
        Avro::Map(values) => json!({ "k": avro_sample(schema, *values, depth + 1) }),
        Avro::Union(branches) => {
            // The non-null branch, to exercise it (null when nesting gets deep).
            let branch = branches
                .iter()
                .find(|b| !matches!(schema.kind(**b), Avro::Null))
                .filter(|_| depth < 4);
            branch.map_or(Value::Null, |b| avro_sample(schema, *b, depth + 1))
        }
        Avro::Enum(e) => json!(e.symbols.last().unwrap()),
        Avro::Record(r) => Value::Object(
            r.fields
                .iter()
                .map(|f| (f.name.clone(), avro_sample(schema, f.ty, depth + 1)))
                .collect(),
        ),
    }
}

fn json_sample(schema: &JsonSchema, id: NodeId) -> Value {
    let node = schema.get(schema.resolve(id));
    match &node.kind {
        Json::String(s) => match (s.format.as_deref(), &s.pattern) {
            (Some("uuid"), _) => json!("0190c2a4-8d7e-7c3b-9a61-3f1e2d4c5b6a"),
            (Some("date-time"), _) => json!("2026-01-01T00:00:00Z"),
            (Some("uri"), _) => json!("https://example.com"),
            (_, Some(pattern)) => json!(matching(pattern)),
            _ => json!("sample"),
        },
        Json::Number(n) if n.integer => json!(7),
        Json::Number(_) => json!(1.5),
        Json::Boolean => json!(true),
        Json::Null => Value::Null,
        Json::Enum(values) => values[0].clone(),
        Json::Array(a) => json!([a.all_items.map_or(json!("x"), |i| json_sample(schema, i))]),
        Json::Object(o) => Value::Object(
            o.properties
                .iter()
                .map(|(k, v)| (k.clone(), json_sample(schema, *v)))
                .collect(),
        ),
        Json::Combined {
            subschemas,
            synthetic,
            ..
        } => {
            let parts: Vec<NodeId> = subschemas
                .iter()
                .copied()
                .filter(|s| !matches!(schema.get(schema.resolve(*s)).kind, Json::Null))
                .collect();
            let pick = if *synthetic {
                parts
                    .iter()
                    .copied()
                    .find(|s| matches!(schema.get(*s).kind, Json::Enum(_)))
                    .or(parts.first().copied())
            } else {
                parts.first().copied()
            };
            pick.map_or(Value::Null, |p| json_sample(schema, p))
        }
        _ => json!({}),
    }
}

/// A validator for a JSON Schema file that reads its references from the schema root.
fn validator(root: &Path, rel: &str) -> jsonschema::Validator {
    struct Files(PathBuf);
    impl jsonschema::Retrieve for Files {
        fn retrieve(
            &self,
            uri: &jsonschema::Uri<String>,
        ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
            let path = uri
                .as_str()
                .strip_prefix("tidings:///")
                .ok_or("not below the schema root")?;
            Ok(serde_json::from_str(&std::fs::read_to_string(
                self.0.join(path),
            )?)?)
        }
    }
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(rel)).unwrap()).unwrap();
    jsonschema::options()
        .with_base_uri(format!("tidings:///{rel}"))
        .with_retriever(Files(root.to_path_buf()))
        .build(&schema)
        .unwrap()
}

#[derive(Debug, PartialEq)]
enum Any {
    Audit(audit::AuditEvent),
    Identity(identity::IdentityEvent),
    Notifications(notifications::NotificationsEvent),
    Orders(orders::OrdersEvent),
    Organizations(organizations::OrganizationsEvent),
    Payments(payments::PaymentsEvent),
}

fn decode(
    domain: &str,
    event_type: &str,
    version: u32,
    json: &[u8],
) -> Result<Any, tidings::DecodeError> {
    Ok(match domain {
        "audit" => Any::Audit(audit::AuditEvent::from_json(event_type, version, json)?),
        "notifications" => Any::Notifications(notifications::NotificationsEvent::from_json(
            event_type, version, json,
        )?),
        "identity" => Any::Identity(identity::IdentityEvent::from_json(
            event_type, version, json,
        )?),
        "orders" => Any::Orders(orders::OrdersEvent::from_json(event_type, version, json)?),
        "organizations" => Any::Organizations(organizations::OrganizationsEvent::from_json(
            event_type, version, json,
        )?),
        "payments" => Any::Payments(payments::PaymentsEvent::from_json(
            event_type, version, json,
        )?),
        other => panic!("no generated module for domain {other}"),
    })
}

fn wire_round_trip(event: &Any) {
    let registry = Arc::new(InMemoryRegistry::new());
    let back = match event {
        Any::Audit(e) => Any::Audit(
            audit::AuditEvent::from_wire(registry.clone(), &e.to_wire(registry.as_ref()).unwrap())
                .unwrap(),
        ),
        Any::Notifications(e) => Any::Notifications(
            notifications::NotificationsEvent::from_wire(
                registry.clone(),
                &e.to_wire(registry.as_ref()).unwrap(),
            )
            .unwrap(),
        ),
        Any::Identity(e) => Any::Identity(
            identity::IdentityEvent::from_wire(
                registry.clone(),
                &e.to_wire(registry.as_ref()).unwrap(),
            )
            .unwrap(),
        ),
        Any::Orders(e) => Any::Orders(
            orders::OrdersEvent::from_wire(
                registry.clone(),
                &e.to_wire(registry.as_ref()).unwrap(),
            )
            .unwrap(),
        ),
        Any::Organizations(e) => Any::Organizations(
            organizations::OrganizationsEvent::from_wire(
                registry.clone(),
                &e.to_wire(registry.as_ref()).unwrap(),
            )
            .unwrap(),
        ),
        Any::Payments(e) => Any::Payments(
            payments::PaymentsEvent::from_wire(
                registry.clone(),
                &e.to_wire(registry.as_ref()).unwrap(),
            )
            .unwrap(),
        ),
    };
    assert_eq!(&back, event);
}

#[test]
fn every_version_of_every_sample_event_decodes_upcasts_and_round_trips() {
    let repo = Repository::open(&project()).unwrap();
    let loaded = repo.load();
    let root = project().join("schemas");
    let mut checked = 0;
    for event in &loaded.events {
        for version in &event.versions {
            let (sample, json_schema) = match version.doc.as_ref().unwrap() {
                SchemaDoc::Avro(s) => (avro_sample(s, s.root(), 0), false),
                SchemaDoc::Json(s) => (json_sample(s, s.root()), true),
            };
            let rel = format!(
                "{}/{}/v{}.{}",
                event.files.domain,
                event.files.name,
                version.number,
                if json_schema { "json" } else { "avsc" }
            );
            if json_schema {
                let errors: Vec<String> = validator(&root, &rel)
                    .iter_errors(&sample)
                    .map(|e| e.to_string())
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{rel}: the sample is not valid: {errors:?}\n{sample:#}"
                );
            }
            let event_type = format!("{}.{}", event.files.domain, event.files.name);
            let decoded = decode(
                &event.files.domain,
                &event_type,
                version.number,
                sample.to_string().as_bytes(),
            )
            .unwrap_or_else(|e| panic!("{rel}: {e}\n{sample:#}"));
            wire_round_trip(&decoded);
            checked += 1;
        }
    }
    assert_eq!(checked, 57, "every version of the sample repository");
}

#[test]
fn v1_data_upcasts_to_the_latest_version_with_defaults() {
    use identity::*;
    let v1 = json!({
        "metadata": {"event_id": "e", "occurred_at": 1, "actor_id": null, "correlation_id": null, "causation_id": null},
        "user_id": "u", "email": "ada@example.com", "signup_source": "IOS"
    });
    let IdentityEvent::UserRegistered(latest) =
        IdentityEvent::from_json("identity.user_registered", 1, v1.to_string().as_bytes()).unwrap()
    else {
        panic!("another event")
    };
    assert_eq!(latest.email, "ada@example.com");
    assert_eq!(
        latest.referral_code, None,
        "added in v2 with a null default"
    );
    assert!(!latest.marketing_opt_in, "added in v3 with default false");
    assert_eq!(format!("{:?}", latest.signup_source), "Ios");

    // A field renamed with an alias keeps its value.
    let v1 = json!({
        "metadata": {"event_id": "e", "occurred_at": 1, "actor_id": null, "correlation_id": null, "causation_id": null},
        "user_id": "u", "export_id": "x", "download_url": "https://files/1", "expires_at": 9
    });
    let IdentityEvent::UserDataExportCompleted(latest) = IdentityEvent::from_json(
        "identity.user_data_export_completed",
        1,
        v1.to_string().as_bytes(),
    )
    .unwrap() else {
        panic!("another event")
    };
    assert_eq!(latest.archive_url, "https://files/1");
    assert_eq!(latest.size_bytes, 0);

    // int widened to long.
    let v1 = json!({
        "metadata": {"event_id": "e", "occurred_at": 1, "actor_id": null, "correlation_id": null, "causation_id": null},
        "payment_id": "p", "payment_link_id": null, "amount_minor": 2_000_000_000, "currency": "INR", "status": "SUCCEEDED"
    });
    let payments::PaymentsEvent::PaymentProcessed(latest) = payments::PaymentsEvent::from_json(
        "payments.payment_processed",
        1,
        v1.to_string().as_bytes(),
    )
    .unwrap() else {
        panic!("another event")
    };
    assert_eq!(latest.amount_minor, 2_000_000_000_i64);
    assert!(identity::IdentityEvent::from_json("identity.user_registered", 9, b"{}").is_err());
}
