//! The embedded local registry over real HTTP on 127.0.0.1: the recorded scenario of a real
//! registry (Karapace) replayed against it, answer codes compared; and the typed client
//! through a whole life cycle, restarts included.

mod common;

use common::transcript;
use serde_json::{json, Value};
use tidings_registry::local::server::LocalServer;
use tidings_registry::{ClientBuilder, NewSchema, Reference, RetryPolicy, VersionRef};

/// Where Karapace leaves Confluent's behaviour (the transcript README lists them): the local
/// registry follows Confluent, so these steps get Confluent's answer. It has no Protobuf.
fn confluent_answer(step: &str) -> Option<(u16, Value)> {
    match step {
        "schema types" => Some((200, json!(["JSON", "AVRO"]))),
        s if s.starts_with("compatibility against latest of a subject") => {
            Some((200, json!({ "is_compatible": true })))
        }
        s if s.starts_with("compatibility against all versions") => {
            Some((200, json!({ "is_compatible": true })))
        }
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_the_recorded_scenario_as_a_confluent_registry_does() {
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let http = reqwest::Client::new();
    let mut differences = Vec::new();
    for exchange in transcript() {
        let step = exchange["step"].as_str().unwrap();
        let request = &exchange["request"];
        let url = format!("{}{}", server.url(), request["path"].as_str().unwrap());
        let method: reqwest::Method = request["method"].as_str().unwrap().parse().unwrap();
        let mut call = http.request(method, &url);
        if !request["body"].is_null() {
            call = call.body(request["body"].to_string());
            if step != "request without content type" {
                call = call.header("content-type", "application/vnd.schemaregistry.v1+json");
            }
        }
        let answer = call.send().await.unwrap();
        let status = answer.status().as_u16();
        let body: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();

        let (want_status, want_body) = confluent_answer(step).unwrap_or_else(|| {
            let r = &exchange["response"];
            (r["status"].as_u64().unwrap() as u16, r["body"].clone())
        });
        let same = status == want_status
            && match (&want_body, &body) {
                // Errors: the same code (messages are the registry's own words).
                (w, b) if want_status >= 400 => w
                    .get("error_code")
                    .is_none_or(|code| Some(code) == b.get("error_code")),
                // Ids, versions, levels, verdicts: equal.
                (Value::Object(w), Value::Object(b)) => {
                    [
                        "id",
                        "version",
                        "subject",
                        "compatibilityLevel",
                        "compatibility",
                        "is_compatible",
                        "mode",
                        "references",
                    ]
                    .iter()
                    .all(|k| w.get(*k) == b.get(*k))
                        && w.get("schema").map(|s| s.as_str().map(schema_json))
                            == b.get("schema").map(|s| s.as_str().map(schema_json))
                }
                // Subject lists: the same subjects (Karapace lists them in creation order).
                (Value::Array(w), Value::Array(b)) => sorted(w) == sorted(b),
                (w, b) => w == b,
            };
        if !same {
            differences.push(format!(
                "{step}: expected {want_status} {want_body}, got {status} {body}"
            ));
        }
    }
    server.stop().await;
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

fn schema_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn sorted(items: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = items.iter().map(Value::to_string).collect();
    out.sort();
    out
}

const MONEY: &str = r#"{"type": "record", "name": "Money", "namespace": "com.example.shared",
    "fields": [{"name": "amount_minor", "type": "long"}, {"name": "currency", "type": "string"}]}"#;
const PAID_V1: &str = r#"{"type": "record", "name": "OrderPaid", "namespace": "com.example.orders",
    "fields": [{"name": "order_id", "type": "string"}, {"name": "total", "type": "com.example.shared.Money"}]}"#;
const PAID_V2: &str = r#"{"type": "record", "name": "OrderPaid", "namespace": "com.example.orders",
    "fields": [{"name": "order_id", "type": "string"}, {"name": "total", "type": "com.example.shared.Money"},
               {"name": "note", "type": ["null", "string"], "default": null}]}"#;
const PAID_BAD: &str = r#"{"type": "record", "name": "OrderPaid", "namespace": "com.example.orders",
    "fields": [{"name": "order_id", "type": "long"}, {"name": "total", "type": "com.example.shared.Money"}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_through_a_life_cycle_and_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let client = ClientBuilder::new(server.url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let money_ref = |version| {
        vec![Reference {
            name: "com.example.shared.Money".into(),
            subject: "com.example.shared.Money".into(),
            version,
        }]
    };

    // A reference must exist before the schema that uses it.
    let v1 = NewSchema::avro(PAID_V1).with_references(money_ref(1));
    let err = client
        .register("orders.order_paid-value", &v1, false)
        .await
        .unwrap_err();
    assert!(err.api().unwrap().is_invalid_schema(), "{err}");

    let money = client
        .register("com.example.shared.Money", &NewSchema::avro(MONEY), false)
        .await
        .unwrap();
    let id1 = client
        .register("orders.order_paid-value", &v1, false)
        .await
        .unwrap();
    assert_ne!(money, id1);
    // Idempotent, whatever the whitespace.
    let spaced = NewSchema::avro(PAID_V1.replace(", ", ",\n  ")).with_references(money_ref(1));
    assert_eq!(
        client
            .register("orders.order_paid-value", &spaced, false)
            .await
            .unwrap(),
        id1
    );
    assert_eq!(
        client
            .lookup("orders.order_paid-value", &spaced, false)
            .await
            .unwrap()
            .version,
        1
    );

    // BACKWARD by default: a changed field type is refused with reasons.
    let bad = NewSchema::avro(PAID_BAD).with_references(money_ref(1));
    let verdict = client
        .test_compatibility("orders.order_paid-value", VersionRef::Latest, &bad, true)
        .await
        .unwrap();
    assert!(!verdict.is_compatible);
    assert!(
        verdict.messages.iter().any(|m| m.contains("order_id")),
        "{:?}",
        verdict.messages
    );
    let err = client
        .register("orders.order_paid-value", &bad, false)
        .await
        .unwrap_err();
    assert!(err.api().unwrap().is_incompatible(), "{err}");
    let v2 = NewSchema::avro(PAID_V2).with_references(money_ref(1));
    assert_eq!(
        client
            .test_compatibility_all("orders.order_paid-value", &v2, false)
            .await
            .unwrap(),
        Some(tidings_registry::Compatibility {
            is_compatible: true,
            messages: Vec::new()
        })
    );
    let id2 = client
        .register("orders.order_paid-value", &v2, false)
        .await
        .unwrap();
    assert_eq!(id2, id1 + 1);

    // Levels: GET says compatibilityLevel, PUT compatibility.
    assert_eq!(
        client.config(None).await.unwrap().as_deref(),
        Some("BACKWARD")
    );
    assert_eq!(
        client
            .config(Some("orders.order_paid-value"))
            .await
            .unwrap(),
        None
    );
    client
        .set_config(Some("orders.order_paid-value"), "FULL_TRANSITIVE")
        .await
        .unwrap();
    assert_eq!(
        client
            .config(Some("orders.order_paid-value"))
            .await
            .unwrap()
            .as_deref(),
        Some("FULL_TRANSITIVE")
    );
    assert!(
        client
            .set_config(None, "SIDEWAYS")
            .await
            .unwrap_err()
            .api()
            .unwrap()
            .error_code
            == 42203
    );

    // References are tracked and protect what they point at.
    assert_eq!(
        client
            .referenced_by("com.example.shared.Money", VersionRef::Number(1))
            .await
            .unwrap(),
        [id1, id2]
    );
    let err = client
        .delete_subject("com.example.shared.Money", false)
        .await
        .unwrap_err();
    assert_eq!(err.api().unwrap().error_code, 42206);
    let by_id = client.schema_by_id(id2).await.unwrap();
    assert_eq!(by_id.references, money_ref(1));
    assert_eq!(client.id_versions(id2).await.unwrap()[0].version, 2);

    // Soft, then hard deletes; `deleted=true` sees soft-deleted versions.
    assert_eq!(
        client
            .delete_version("orders.order_paid-value", VersionRef::Number(2), false)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        client
            .versions("orders.order_paid-value", false)
            .await
            .unwrap(),
        [1]
    );
    assert_eq!(
        client
            .versions("orders.order_paid-value", true)
            .await
            .unwrap(),
        [1, 2]
    );
    assert_eq!(
        client
            .version("orders.order_paid-value", VersionRef::Latest)
            .await
            .unwrap()
            .version,
        1
    );
    let err = client
        .delete_version("orders.order_paid-value", VersionRef::Number(1), true)
        .await
        .unwrap_err();
    assert_eq!(
        err.api().unwrap().error_code,
        40407,
        "hard delete needs a soft delete first"
    );
    assert_eq!(
        client
            .delete_version("orders.order_paid-value", VersionRef::Number(2), true)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        client
            .versions("orders.order_paid-value", true)
            .await
            .unwrap(),
        [1]
    );
    // The id stays readable: data written with it can still be decoded.
    assert!(client.schema_by_id(id2).await.is_ok());

    // JSON Schema with a relative reference.
    let address = client
        .register(
            "_shared/address.json",
            &NewSchema::json(r#"{"type": "object", "properties": {"city": {"type": "string"}}}"#),
            false,
        )
        .await
        .unwrap();
    let moved = NewSchema::json(r#"{"type": "object", "properties": {"to": {"$ref": "../_shared/address.json"}}, "additionalProperties": false}"#)
        .with_references(vec![Reference { name: "../_shared/address.json".into(), subject: "_shared/address.json".into(), version: 1 }]);
    let moved_id = client
        .register("identity.user_moved-value", &moved, false)
        .await
        .unwrap();
    assert!(moved_id > address);
    server.stop().await;

    // A restart reads everything back; new ids continue after the old ones.
    let server = LocalServer::start(data.path()).await.unwrap();
    let client = ClientBuilder::new(server.url()).build().unwrap();
    assert_eq!(
        client.subjects(false).await.unwrap(),
        [
            "_shared/address.json",
            "com.example.shared.Money",
            "identity.user_moved-value",
            "orders.order_paid-value"
        ]
    );
    assert_eq!(
        client
            .config(Some("orders.order_paid-value"))
            .await
            .unwrap()
            .as_deref(),
        Some("FULL_TRANSITIVE")
    );
    assert_eq!(
        client
            .register("identity.user_moved-value", &moved, false)
            .await
            .unwrap(),
        moved_id
    );
    let other = client
        .register("x-value", &NewSchema::avro(r#"{"type": "string"}"#), false)
        .await
        .unwrap();
    assert_eq!(other, moved_id + 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_get_errors_and_the_server_stays_up() {
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let client = ClientBuilder::new(server.url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let deep_avro = format!(
        "{}\"string\"{}",
        "{\"type\": \"array\", \"items\": ".repeat(50_000),
        "}".repeat(50_000)
    );
    let deep_json = format!("{}{}", "{\"items\": ".repeat(50_000), "}".repeat(50_000));
    for schema in [
        NewSchema::avro(deep_avro),
        NewSchema::json(deep_json),
        NewSchema::avro("{\"type\": \"record\""),
        NewSchema::avro("\u{0}\u{ffff}"),
        NewSchema {
            schema_type: Some("PROTOBUF".into()),
            ..NewSchema::avro("syntax = \"proto3\";")
        },
        NewSchema::avro(
            r#"{"type": "record", "name": "R", "fields": [{"name": "m", "type": "x.Money"}]}"#,
        )
        .with_references(vec![Reference {
            name: "x.Money".into(),
            subject: "nowhere".into(),
            version: 7,
        }]),
    ] {
        let err = client.register("s", &schema, false).await.unwrap_err();
        let api = err.api().unwrap_or_else(|| panic!("{err}"));
        assert_eq!((api.status, api.error_code), (422, 42201), "{api}");
    }
    let http = reqwest::Client::new();
    let garbage = http
        .post(format!("{}/subjects/s/versions", server.url()))
        .header("content-type", "application/json")
        .body("[1, 2")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 422);
    // Still serving, and nothing was stored.
    assert!(client.subjects(true).await.unwrap().is_empty());
    server.stop().await;
}
