//! The embedded local registry over real HTTP on 127.0.0.1: the recorded scenario of a real
//! registry (Karapace) replayed against it, answer codes compared; and the typed client
//! through a whole life cycle, restarts included.

use crate::common::transcript;
use serde_json::{json, Value};
use tidings_registry::local::server::LocalServer;
use tidings_registry::{ClientBuilder, Level, NewSchema, Reference, RetryPolicy, VersionRef};

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
    replay("karapace.jsonl", |step, _| confluent_answer(step)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_the_second_recorded_scenario_as_a_confluent_registry_does() {
    replay("karapace-2.jsonl", confluent_answer_2).await;
}

/// Where Karapace's second recording leaves Confluent's documented behaviour (the transcript
/// README lists each), the answer Confluent gives, from the recorded one. `"new id"` stands for
/// an id the recording has no counterpart of.
fn confluent_answer_2(step: &str, recorded: &Value) -> Option<(u16, Value)> {
    let body = &recorded["body"];
    let subject_not_found =
        |s: &str| json!({"error_code": 40401, "message": format!("Subject '{s}' not found.")});
    let refund = "payments.refund-issued-value";
    let answer = match step {
        // Confluent: a subject without a level of its own is 40408, whether or not it has
        // versions; with `defaultToGlobal` the global level.
        "config: GET /config of a subject that does not exist at all" => (
            404,
            json!({"error_code": 40408, "message": "no subject-level compatibility"}),
        ),
        "config: GET /config of a subject that does not exist, defaultToGlobal=true" => {
            (200, json!({"compatibilityLevel": "BACKWARD"}))
        }
        // Confluent: deleting a level that is not there is 40401; deleting one answers it.
        "config: DELETE /config of an existing subject without its own level" => {
            (404, subject_not_found("orders.order-placed-value"))
        }
        "config: DELETE /config of a subject that does not exist at all" => {
            (404, subject_not_found("no-such-subject"))
        }
        "config: DELETE /config of the subject after PUT" => {
            (200, json!({"compatibility": "FORWARD"}))
        }
        "config: DELETE /config of a config-only subject" => {
            (200, json!({"compatibility": "NONE"}))
        }
        // Confluent filters by prefix.
        "plain: GET /schemas?subjectPrefix=orders." => (
            200,
            Value::Array(
                body.as_array()?
                    .iter()
                    .filter(|v| v["subject"].as_str().unwrap().starts_with("orders."))
                    .cloned()
                    .collect(),
            ),
        ),
        // Confluent's lookup answer carries the references.
        "refs: lookup POST /subjects/{event} with references" => {
            let mut found = body.clone();
            found["references"] = json!([{"name": "com.acme.shared.Money",
                "subject": "com.acme.shared.Money", "version": 1}]);
            (200, found)
        }
        // Confluent has JSON Schema references (since 5.5).
        "json refs: register JSON schema with $ref and references" => {
            (200, json!({"id": "new id"}))
        }
        "json refs: lookup JSON schema with $ref and references" => (
            200,
            json!({"id": "new id", "subject": refund, "version": 1, "schemaType": "JSON",
                "references": [{"name": "money.json", "subject": "shared-money-json", "version": 1}],
                "schema": REFUND_JSON}),
        ),
        "json refs: versions of the subject after the attempt" => (200, json!([1])),
        "json refs: referencedby of the shared JSON schema" => (200, json!(["new id"])),
        // Confluent's schema types are case-sensitive: an unknown one is an invalid schema.
        "type: register with an unknown schemaType"
        | "type: register with schemaType in lower case" => (
            422,
            json!({"error_code": 42201, "message": "invalid schema type"}),
        ),
        // Confluent compares Avro schemas as Avro's writer prints them: the nested primitive and
        // the full-name forms are the schema already registered, with or without `normalize`.
        "normalize: register the non-canonical form with normalize=true"
        | "normalize: register the full-name form without normalize"
        | "normalize: register the full-name form again with normalize=true" => {
            (200, json!({"id": 8}))
        }
        "normalize: versions after register with normalize=true"
        | "normalize: versions after register of the full-name form" => (200, json!([1])),
        // Confluent answers 40403 for the versions of an unknown id.
        "err: GET /schemas/ids/999999/versions" => (
            404,
            json!({"error_code": 40403, "message": "Schema not found"}),
        ),
        // Confluent's `deleted=true` adds soft-deleted versions; without it they are left out.
        "del: GET /schemas after soft delete"
        | "del: GET /schemas?deleted=true after soft delete" => {
            let with_deleted = step.contains("deleted=true");
            let mut all: Vec<Value> = body.as_array()?.clone();
            let soft_deleted = json!({"id": 1, "references": null, "schema": "{\"fields\":[{\"name\":\"order_id\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"}],\"name\":\"OrderPlaced\",\"namespace\":\"com.acme.orders\",\"type\":\"record\"}", "schemaType": "AVRO", "subject": "orders.order-placed-value", "version": 1});
            all.retain(|v| v != &soft_deleted);
            if with_deleted {
                all.push(soft_deleted);
            }
            // The two extra Avro forms are not versions in Confluent; the JSON event is.
            all.retain(|v| !(v["subject"] == "catalog.item-listed-value" && v["version"] != 1));
            all.push(json!({"id": "new id", "subject": refund, "version": 1, "schemaType": "JSON",
                "references": [{"name": "money.json", "subject": "shared-money-json", "version": 1}],
                "schema": REFUND_JSON}));
            (200, Value::Array(all))
        }
        // The JSON event exists in Confluent; subjects that only had a level are not listed.
        "del: subjects after every version soft-deleted"
        | "del: subjects?deleted=true after hard delete" => {
            let mut subjects: Vec<Value> = body
                .as_array()?
                .iter()
                .filter(|s| *s != "no-such-subject" && *s != "not-yet-registered")
                .cloned()
                .collect();
            subjects.push(json!(refund));
            (200, Value::Array(subjects))
        }
        _ => return None,
    };
    Some(answer)
}

/// The JSON event with a reference that Karapace refuses, as the recording sends it.
const REFUND_JSON: &str = r#"{"type": "object", "properties": {"refund_id": {"type": "string"}, "amount": {"$ref": "money.json"}}, "required": ["refund_id", "amount"]}"#;

/// Recorded ids and the local registry's: the same schemas get the same ids in both, but where
/// the local registry stores a schema Karapace refused, the ids after it differ by as much.
#[derive(Default)]
struct Ids {
    ours: std::collections::HashMap<u64, u64>,
}

impl Ids {
    /// Whether `got` is the local id of the recorded `want` (learning the pair the first time).
    fn matches(&mut self, want: &Value, got: &Value) -> bool {
        let Some(got) = got.as_u64() else {
            return false;
        };
        if want == "new id" {
            return !self.ours.values().any(|&o| o == got);
        }
        let Some(want) = want.as_u64() else {
            return false;
        };
        match self.ours.get(&want) {
            Some(&mapped) => mapped == got,
            None if self.ours.values().any(|&o| o == got) => false,
            None => {
                self.ours.insert(want, got);
                true
            }
        }
    }

    /// A request path with recorded ids turned into local ones.
    fn path(&self, path: &str) -> String {
        let Some(rest) = path.strip_prefix("/schemas/ids/") else {
            return path.to_owned();
        };
        let (id, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
        match id.parse::<u64>().ok().and_then(|id| self.ours.get(&id)) {
            Some(ours) => format!("/schemas/ids/{ours}{tail}"),
            None => path.to_owned(),
        }
    }
}

/// Sends every request of a transcript to a fresh local registry; each answer must be the
/// recorded one, or Confluent's where `confluent` says Karapace differs. Errors compare by
/// code (messages are each registry's own words); schemas by parsed JSON; ids through [`Ids`].
async fn replay(file: &str, confluent: fn(&str, &Value) -> Option<(u16, Value)>) {
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let http = reqwest::Client::new();
    let mut ids = Ids::default();
    let mut differences = Vec::new();
    for exchange in transcript(file) {
        let step = exchange["step"].as_str().unwrap();
        let request = &exchange["request"];
        let path = request["path"].as_str().unwrap();
        let url = format!("{}{}", server.url(), ids.path(path));
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

        let recorded = &exchange["response"];
        let (want_status, want_body) = confluent(step, recorded).unwrap_or_else(|| {
            (
                recorded["status"].as_u64().unwrap() as u16,
                recorded["body"].clone(),
            )
        });
        let same = status == want_status
            && if want_status >= 400 {
                want_body
                    .get("error_code")
                    .is_none_or(|code| Some(code) == body.get("error_code"))
            } else {
                same_answer(&want_body, &body, path.ends_with("/referencedby"), &mut ids)
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

/// Ids, versions, levels, verdicts and references equal (absent, `null` and `[]` references
/// alike), schemas equal as JSON; lists of schemas or subjects in any order.
fn same_answer(want: &Value, got: &Value, lists_ids: bool, ids: &mut Ids) -> bool {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            let references = |m: &serde_json::Map<String, Value>| match m.get("references") {
                Some(Value::Array(r)) => r.clone(),
                _ => Vec::new(),
            };
            [
                "version",
                "subject",
                "compatibilityLevel",
                "compatibility",
                "is_compatible",
                "mode",
            ]
            .iter()
            .all(|k| w.get(*k) == g.get(*k))
                && w.get("id")
                    .is_none_or(|id| g.get("id").is_some_and(|ours| ids.matches(id, ours)))
                && references(w) == references(g)
                && w.get("schemaType")
                    .and_then(Value::as_str)
                    .unwrap_or("AVRO")
                    == g.get("schemaType")
                        .and_then(Value::as_str)
                        .unwrap_or("AVRO")
                && w.get("schema").map(|s| s.as_str().map(schema_json))
                    == g.get("schema").map(|s| s.as_str().map(schema_json))
        }
        (Value::Array(w), Value::Array(g)) if lists_ids => {
            w.len() == g.len() && w.iter().zip(g).all(|(w, g)| ids.matches(w, g))
        }
        (Value::Array(w), Value::Array(g)) if w.iter().chain(g).all(Value::is_object) => {
            // Schema lists: by subject and version, whatever the order.
            let key = |v: &Value| (v["subject"].to_string(), v["version"].as_u64());
            let mut w = w.clone();
            let mut g = g.clone();
            w.sort_by_key(key);
            g.sort_by_key(key);
            w.len() == g.len() && w.iter().zip(&g).all(|(w, g)| same_answer(w, g, false, ids))
        }
        // Subject and version lists: the same items (Karapace lists subjects in creation order).
        (Value::Array(w), Value::Array(g)) => sorted(w) == sorted(g),
        (w, g) => w == g,
    }
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
    assert_eq!(client.config(None).await.unwrap(), Some(Level::Backward));
    assert_eq!(
        client
            .config(Some("orders.order_paid-value"))
            .await
            .unwrap(),
        None
    );
    client
        .set_config(Some("orders.order_paid-value"), Level::FullTransitive)
        .await
        .unwrap();
    assert_eq!(
        client
            .config(Some("orders.order_paid-value"))
            .await
            .unwrap(),
        Some(Level::FullTransitive)
    );
    // The client's levels are typed; a level that is none of the seven, sent over plain HTTP,
    // is refused as Confluent refuses it.
    let refused = reqwest::Client::new()
        .put(format!("{}/config", client.url()))
        .json(&serde_json::json!({ "compatibility": "SIDEWAYS" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert!(body["error_code"] == 42203, "{body}");

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
            .unwrap(),
        Some(Level::FullTransitive)
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
    // A body over the limit gets Confluent's JSON error shape, not plain text.
    let huge = http
        .post(format!("{}/subjects/s/versions", server.url()))
        .header("content-type", "application/json")
        .body(format!(r#"{{"schema": "{}"}}"#, "x".repeat(3 << 20)))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    let body: Value = serde_json::from_str(&huge.text().await.unwrap()).expect("a JSON error body");
    assert_eq!(body["error_code"], 413, "{body}");
    assert!(body["message"].is_string(), "{body}");
    // Still serving, and nothing was stored.
    assert!(client.subjects(true).await.unwrap().is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_and_connections_are_bounded() {
    use std::time::Duration;
    use tidings_registry::local::{server::serve_with, Limits, LocalRegistry};
    use tokio::io::AsyncReadExt;

    let data = tempfile::tempdir().unwrap();
    let registry = LocalRegistry::open(data.path()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = Limits {
        max_connections: 4,
        idle_timeout: Duration::from_millis(300),
    };
    let server = tokio::spawn(serve_with(listener, registry, limits, async move {
        let _ = stopped.await;
    }));
    // Four sockets that never send a request hold every place.
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(tokio::net::TcpStream::connect(address).await.unwrap());
    }
    // A client still gets its answer: the idle ones are closed after the timeout.
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        reqwest::get(format!("http://{address}/subjects")),
    )
    .await
    .expect("served once the idle connections were closed")
    .unwrap();
    assert_eq!(answer.status(), 200);
    // The server closed them: reading gives end of input.
    for mut socket in idle {
        let mut buffer = [0u8; 16];
        let read = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buffer))
            .await
            .expect("the server closed the idle connection");
        assert_eq!(read.unwrap_or(0), 0);
    }
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
