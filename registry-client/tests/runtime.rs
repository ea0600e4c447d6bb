//! The runtime's registry over real HTTP (the local server on 127.0.0.1): a producer finds
//! exactly what `publish` registered, refuses what was never published, registers only when
//! told to, caches and coalesces look-ups, does not cache failures, follows Confluent's
//! `use.latest.version`, and reads writer schemas back by id, references resolved.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::sample_project;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use tidings::registry::{AsyncSchemaRegistry, EventSchema, RegistryError, SchemaRegistry};
use tidings_generated_sample::identity::{UserRegisteredV1, UserRegisteredV3};
use tidings_generated_sample::orders::{OrderCreatedV1, OrderCreatedV2};
use tidings_generated_sample::payments::PaymentLinkCreatedV1;
use tidings_registry::local::server::LocalServer;
use tidings_registry::publish::{self, Outcome, Plan, PublishOptions};
use tidings_registry::runtime::RegistryRuntime;
use tidings_registry::{Client, ClientBuilder, Level, NewSchema, RetryPolicy, VersionRef};
use tidings_schema::repo::config::JsonReferences;
use tidings_schema::repo::Repository;

fn plan(project: &Path) -> Plan {
    let repo = Repository::open(project).unwrap();
    Plan::new(&repo, &repo.load()).unwrap()
}

async fn publish_all(client: &Client, plan: &Plan) -> publish::PublishReport {
    let survey = publish::survey(client, plan, Default::default(), 8)
        .await
        .unwrap();
    assert!(survey.findings.is_empty(), "{:?}", survey.findings);
    let report =
        publish::publish(client, plan, &survey.reconciled, &PublishOptions::default()).await;
    assert!(report.is_complete(), "{report:?}");
    report
}

/// The id `publish` gave a repository version.
fn published_id(report: &publish::PublishReport, subject: &str, version: u32) -> u32 {
    report
        .rows
        .iter()
        .find_map(|r| match r.outcome {
            Outcome::Registered { id, .. }
                if r.subject == subject && r.repository_version == version =>
            {
                Some(id)
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("{subject} v{version} not in {report:?}"))
}

async fn id<E: tidings::Event>(runtime: &RegistryRuntime) -> Result<u32, RegistryError> {
    AsyncSchemaRegistry::id_for(runtime, &EventSchema::of::<E>()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producers_look_up_exactly_what_publish_registered() {
    let project = sample_project("");
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let client = ClientBuilder::new(server.url()).build().unwrap();
    let report = publish_all(&client, &plan(project.path())).await;

    let runtime = RegistryRuntime::new(ClientBuilder::new(server.url()).build().unwrap());
    // Avro with references (Money, EventMetadata), JSON with a reference (money.json).
    assert_eq!(
        id::<OrderCreatedV2>(&runtime).await.unwrap(),
        published_id(&report, "orders.order_created-value", 2)
    );
    assert_eq!(
        id::<OrderCreatedV1>(&runtime).await.unwrap(),
        published_id(&report, "orders.order_created-value", 1)
    );
    assert_eq!(
        id::<PaymentLinkCreatedV1>(&runtime).await.unwrap(),
        published_id(&report, "payments.payment_link_created-value", 1)
    );
    // Warm: nothing more is asked, async or blocking.
    let before = runtime.client().requests_sent();
    for _ in 0..100 {
        id::<OrderCreatedV2>(&runtime).await.unwrap();
        SchemaRegistry::id_for(&runtime, &EventSchema::of::<PaymentLinkCreatedV1>()).unwrap();
    }
    assert_eq!(runtime.client().requests_sent(), before);

    // A writer schema read back by id has its references resolved and matches by content.
    let writer =
        AsyncSchemaRegistry::schema_by_id(&runtime, id::<OrderCreatedV2>(&runtime).await.unwrap())
            .await
            .unwrap();
    // Address, EventMetadata and Money, as publish registered them.
    assert_eq!(writer.references.len(), 3, "{writer:?}");
    assert!(writer.is_schema_of::<OrderCreatedV2>());
    assert!(!writer.is_schema_of::<OrderCreatedV1>());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpublished_schema_is_a_typed_error_and_nothing_is_registered() {
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let runtime = RegistryRuntime::new(ClientBuilder::new(server.url()).build().unwrap());
    let err = id::<OrderCreatedV2>(&runtime).await.unwrap_err();
    match &err {
        RegistryError::NotPublished {
            subject,
            event_type,
            version,
        } => {
            // The first missing subject: a reference, registered before the event.
            assert!(subject.starts_with("com.tidings.shared."), "{subject}");
            assert_eq!((event_type.as_str(), *version), ("orders.order_created", 2));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("tidings publish"), "{err}");
    let client = ClientBuilder::new(server.url()).build().unwrap();
    assert!(client.subjects(true).await.unwrap().is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_register_registers_the_form_publish_would_and_coalesces_first_uses() {
    let project = sample_project("");
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let runtime = Arc::new(
        RegistryRuntime::new(ClientBuilder::new(server.url()).build().unwrap()).auto_register(true),
    );
    // Sixteen first uses at once: one resolution.
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let runtime = runtime.clone();
            tokio::spawn(async move { id::<OrderCreatedV1>(&runtime).await })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    // Two references and the event: look up, register, read back the version, each.
    assert_eq!(runtime.client().requests_sent(), 9);

    // What it registered is what publish registers: no drift, v1 already there.
    let client = ClientBuilder::new(server.url()).build().unwrap();
    let plan = plan(project.path());
    let survey = publish::survey(&client, &plan, Default::default(), 8)
        .await
        .unwrap();
    assert!(survey.findings.is_empty(), "{:?}", survey.findings);
    let subject = plan
        .subjects
        .iter()
        .position(|s| s.subject == "orders.order_created-value")
        .unwrap();
    assert!(matches!(
        survey.reconciled.standings[subject][0],
        publish::Standing::Published { .. }
    ));
    server.stop().await;
}

/// A proxy that answers 503 to the first `failures` requests, then forwards; it counts every
/// request in `seen`.
async fn flaky(
    upstream: String,
    failures: usize,
    seen: Arc<AtomicUsize>,
) -> (String, tokio::task::JoinHandle<()>) {
    let http = reqwest::Client::new();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (seen, http, upstream) = (seen.clone(), http.clone(), upstream.clone());
            async move {
                if seen.fetch_add(1, Ordering::SeqCst) < failures {
                    return (StatusCode::SERVICE_UNAVAILABLE, "down".to_owned());
                }
                let mut request = http.request(method, format!("{upstream}{uri}")).body(body);
                if let Some(ct) = headers.get("content-type") {
                    request = request.header("content-type", ct.to_str().unwrap());
                }
                let answer = request.send().await.unwrap();
                let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
                (status, answer.text().await.unwrap())
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_not_cached() {
    let project = sample_project("");
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    publish_all(
        &ClientBuilder::new(server.url()).build().unwrap(),
        &plan(project.path()),
    )
    .await;
    let (url, proxy) = flaky(server.url(), 1, Arc::default()).await;
    let runtime = RegistryRuntime::new(
        ClientBuilder::new(url)
            .retry(RetryPolicy::none())
            .build()
            .unwrap(),
    );
    let err = id::<UserRegisteredV1>(&runtime).await.unwrap_err();
    assert!(matches!(err, RegistryError::Failed(_)), "{err:?}");
    assert!(id::<UserRegisteredV1>(&runtime).await.is_ok());
    proxy.abort();
    server.stop().await;
}

/// Registers JSON Schema subjects `d1..d{levels}`, each referring to the one before under two
/// names (so `d{levels}` reaches `d1` along 2^(levels-1) paths); the id of the last.
async fn doubled_references(client: &Client, levels: usize) -> u32 {
    use tidings_registry::Reference;
    let mut id = client
        .register("d1", &NewSchema::json(r#"{"type": "integer"}"#), false)
        .await
        .unwrap();
    for n in 2..=levels {
        let previous = n - 1;
        let references = ["a", "b"]
            .iter()
            .map(|name| Reference {
                name: format!("{name}{previous}.json"),
                subject: format!("d{previous}"),
                version: 1,
            })
            .collect();
        let schema = format!(
            r#"{{"type": "object", "properties": {{"a": {{"$ref": "a{previous}.json"}}, "b": {{"$ref": "b{previous}.json"}}}}}}"#
        );
        let new = NewSchema::json(schema).with_references(references);
        id = client
            .register(&format!("d{n}"), &new, false)
            .await
            .unwrap();
    }
    id
}

/// A writer schema whose references share a schema along many paths: each (subject, version)
/// is fetched once, and a graph too large once written out along every path is refused rather
/// than fetched or copied without end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_references_are_fetched_once_and_bounded() {
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let client = ClientBuilder::new(server.url()).build().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let (url, proxy) = flaky(server.url(), 0, seen.clone()).await;

    let top = doubled_references(&client, 10).await;
    let runtime = RegistryRuntime::new(ClientBuilder::new(&url).build().unwrap());
    let writer = AsyncSchemaRegistry::schema_by_id(&runtime, top)
        .await
        .unwrap();
    assert_eq!(writer.references.len(), 2, "{writer:?}");
    // One request for the id, one per referenced subject: not one per path (2^9).
    assert_eq!(seen.load(Ordering::SeqCst), 1 + 9);

    // 24 levels: 2^23 paths. Refused after a bounded number of requests.
    let top = doubled_references(&client, 24).await;
    seen.store(0, Ordering::SeqCst);
    let err = AsyncSchemaRegistry::schema_by_id(&runtime, top)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("written out along every path"),
        "{err}"
    );
    assert!(seen.load(Ordering::SeqCst) <= 1 + 23, "{seen:?}");
    proxy.abort();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn use_latest_version_writes_with_the_latest_schema_unless_it_cannot_read_the_event() {
    let project = sample_project("");
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let client = ClientBuilder::new(server.url()).build().unwrap();
    let report = publish_all(&client, &plan(project.path())).await;
    let latest = RegistryRuntime::new(ClientBuilder::new(server.url()).build().unwrap())
        .use_latest_version(true);
    assert_eq!(
        id::<UserRegisteredV1>(&latest).await.unwrap(),
        published_id(&report, "identity.user_registered-value", 3)
    );

    // A latest version that needs a field v1 never had cannot read v1 data.
    let subject = "identity.user_registered-value";
    let v3 = client.version(subject, VersionRef::Latest).await.unwrap();
    let mut schema: serde_json::Value = serde_json::from_str(&v3.schema).unwrap();
    schema["fields"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "tenant_id", "type": "string"}));
    client.set_config(Some(subject), Level::None).await.unwrap();
    client
        .register(
            subject,
            &NewSchema::avro(schema.to_string()).with_references(v3.references.clone()),
            false,
        )
        .await
        .unwrap();
    let strict = RegistryRuntime::new(ClientBuilder::new(server.url()).build().unwrap())
        .use_latest_version(true);
    let err = id::<UserRegisteredV1>(&strict).await.unwrap_err();
    assert!(
        matches!(&err, RegistryError::LatestIncompatible { reasons, .. } if reasons.contains("tenant_id")),
        "{err:?}"
    );
    // Without the option the event's own schema is found as before.
    let own = RegistryRuntime::new(ClientBuilder::new(server.url()).build().unwrap());
    assert_eq!(
        id::<UserRegisteredV3>(&own).await.unwrap(),
        published_id(&report, subject, 3)
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bundled_json_references_are_looked_up_bundled() {
    let project = sample_project("\n[registry]\njson_references = \"bundle\"\n");
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let client = ClientBuilder::new(server.url()).build().unwrap();
    let report = publish_all(&client, &plan(project.path())).await;
    let config = Repository::open(project.path()).unwrap().config;
    let bundled = RegistryRuntime::new(ClientBuilder::new(server.url()).build().unwrap())
        .with_config(&config);
    let link = id::<PaymentLinkCreatedV1>(&bundled).await.unwrap();
    assert_eq!(
        link,
        published_id(&report, "payments.payment_link_created-value", 1)
    );
    let writer = AsyncSchemaRegistry::schema_by_id(&bundled, link)
        .await
        .unwrap();
    assert!(writer.references.is_empty() && writer.text.contains("$defs"));
    assert!(
        writer.is_schema_of::<PaymentLinkCreatedV1>(),
        "a bundled writer matches by content"
    );
    // Looked up with references, the bundled registration is not found.
    let referenced = RegistryRuntime::new(ClientBuilder::new(server.url()).build().unwrap())
        .json_references(JsonReferences::References);
    assert!(matches!(
        id::<PaymentLinkCreatedV1>(&referenced).await,
        Err(RegistryError::NotPublished { .. })
    ));
    server.stop().await;
}

#[test]
fn the_blocking_form_works_outside_and_inside_an_async_runtime() {
    let project = sample_project("");
    let data = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(LocalServer::start(data.path())).unwrap();
    let client = ClientBuilder::new(server.url()).build().unwrap();
    let report = rt.block_on(publish_all(&client, &plan(project.path())));
    let runtime = RegistryRuntime::new(client.clone());
    // Outside any runtime.
    let outside = SchemaRegistry::id_for(&runtime, &EventSchema::of::<OrderCreatedV1>()).unwrap();
    assert_eq!(
        outside,
        published_id(&report, "orders.order_created-value", 1)
    );
    // Inside one (a thread of its own does the first look-up).
    let fresh = RegistryRuntime::new(client);
    let inside = rt.block_on(async {
        SchemaRegistry::id_for(&fresh, &EventSchema::of::<OrderCreatedV1>()).unwrap()
    });
    assert_eq!(inside, outside);
    rt.block_on(server.stop());
}
