//! `publish` of the sample repository over real HTTP: to the local server; through a proxy that
//! lets the registry die after some registrations; through one that answers too late (the
//! registration happened, the client never heard). Every time: the report says exactly what
//! was registered, the next run completes the job, and nothing is registered twice.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::quick;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use tidings_registry::local::server::LocalServer;
use tidings_registry::publish::{self, Outcome, Plan, PublishOptions, Snapshot};
use tidings_registry::{Client, ClientBuilder};
use tidings_schema::repo::Repository;

/// The sample repository, copied.
fn sample() -> (tempfile::TempDir, Plan) {
    let dir = crate::common::sample_project("");
    let plan = plan_of(dir.path());
    (dir, plan)
}

fn plan_of(project: &Path) -> Plan {
    let repo = Repository::open(project).unwrap();
    Plan::new(&repo, &repo.load()).unwrap()
}

fn total_versions(plan: &Plan) -> usize {
    plan.subjects.iter().map(|s| s.versions.len()).sum()
}

/// Publishes as the CLI does (survey, then publish).
async fn run(client: &Client, plan: &Plan) -> publish::PublishReport {
    let survey = publish::survey(client, plan, Default::default(), 8)
        .await
        .unwrap();
    assert!(survey.findings.is_empty(), "{:?}", survey.findings);
    publish::publish(client, plan, &survey.reconciled, &PublishOptions::default()).await
}

/// Every version the registry holds for the plan's subjects.
async fn registry_versions(client: &Client, plan: &Plan) -> usize {
    let snapshot = Snapshot::fetch(client, plan, 8).await.unwrap();
    snapshot.versions.values().map(Vec::len).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishes_everything_once_and_then_nothing() {
    let (_dir, plan) = sample();
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let client = ClientBuilder::new(server.url()).build().unwrap();

    let report = run(&client, &plan).await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.registered(), total_versions(&plan));
    // Referenced subjects got their versions before the schemas that use them.
    let position = |subject: &str| {
        report
            .rows
            .iter()
            .position(|r| r.subject == subject)
            .unwrap()
    };
    assert!(position("com.tidings.shared.Money") < position("orders.order_paid-value"));
    assert!(position("_shared/money.json") < position("payments.payment_link_created-value"));

    let before = client.requests_sent();
    let again = run(&client, &plan).await;
    assert_eq!(again.registered(), 0);
    assert!(again
        .rows
        .iter()
        .all(|r| matches!(r.outcome, Outcome::AlreadyThere { .. })));
    assert_eq!(
        client.requests_sent() - before,
        1,
        "an unchanged repository costs one request"
    );
    assert_eq!(
        registry_versions(&client, &plan).await,
        total_versions(&plan)
    );
    server.stop().await;
}

/// What the proxy does with the n-th registration (from 0).
#[derive(Clone, Copy)]
enum Fault {
    /// Registrations after the first `n` get a 500, as if the registry died.
    DiesAfter(usize),
    /// Registration `n` is forwarded, and its answer arrives after the client gave up.
    AnswerTooLate(usize),
    /// Registrations go through, but look-ups after the `n`-th registration get a 500: the
    /// registry took the schema and died before saying which version it became.
    LookupsFailAfter(usize),
    /// Like Karapace and Redpanda: no `GET /schemas`, no compatibility check against all
    /// versions, and (like Confluent without `verbose`) verdicts without reasons.
    OlderRegistry,
    /// Answers as Karapace 6.2 did in the recorded transcripts (`tests/transcripts/README.md`):
    /// 40401 for the level of a subject without versions, `"references": null` and
    /// `"schemaType"` on every `GET /schemas` item with the prefix ignored, no compatibility
    /// check against all versions, 40402 against `latest` of an empty subject, JSON Schema
    /// references refused with 44302, lookups without references.
    Karapace,
}

/// Karapace's answer where it differs from the local registry's (`None`: forward as is).
async fn karapace(
    http: &reqwest::Client,
    upstream: &str,
    method: &Method,
    uri: &Uri,
    body: &Bytes,
) -> Option<(StatusCode, String)> {
    let path = uri.path();
    let has_versions = |subject: &str| {
        let url = format!("{upstream}/subjects/{subject}/versions");
        async move { http.get(url).send().await.unwrap().status().is_success() }
    };
    let error = |status: u16, code: u32, message: &str| {
        let body = serde_json::json!({"error_code": code, "message": message}).to_string();
        Some((StatusCode::from_u16(status).unwrap(), body))
    };
    if *method == Method::GET {
        if let Some(subject) = path.strip_prefix("/config/") {
            if !has_versions(subject).await {
                return error(404, 40401, &format!("Subject '{subject}' not found."));
            }
        }
        if path == "/schemas" {
            // The prefix is ignored; every item carries `references` (null when none) and
            // `schemaType`.
            let all: serde_json::Value = http
                .get(format!("{upstream}/schemas"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let items: Vec<serde_json::Value> = all
                .as_array()
                .unwrap()
                .iter()
                .cloned()
                .map(|mut item| {
                    if item["references"].as_array().is_none_or(Vec::is_empty) {
                        item["references"] = serde_json::Value::Null;
                    }
                    if item.get("schemaType").is_none() {
                        item["schemaType"] = "AVRO".into();
                    }
                    item
                })
                .collect();
            return Some((StatusCode::OK, serde_json::Value::Array(items).to_string()));
        }
    }
    if *method == Method::POST {
        if path.starts_with("/compatibility/") && path.ends_with("/versions") {
            return error(404, 404, "HTTP 404 Not Found");
        }
        if let Some(rest) = path.strip_prefix("/compatibility/subjects/") {
            let subject = rest.split('/').next().unwrap();
            if path.ends_with("/latest") && !has_versions(subject).await {
                return error(404, 40402, "Version -1 not found.");
            }
        }
        let request: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let json_with_references = request["schemaType"] == "JSON"
            && request["references"]
                .as_array()
                .is_some_and(|r| !r.is_empty());
        if path.starts_with("/subjects/") && path.ends_with("/versions") && json_with_references {
            return error(
                422,
                44302,
                "Schema references are not supported for 'JSON' schema type",
            );
        }
    }
    None
}

/// A proxy on 127.0.0.1 in front of `upstream` that misbehaves on registrations.
async fn proxy(upstream: String, fault: Fault) -> (String, tokio::task::JoinHandle<()>) {
    let registrations = Arc::new(AtomicUsize::new(0));
    let http = reqwest::Client::new();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let registrations = registrations.clone();
            let http = http.clone();
            let upstream = upstream.clone();
            async move {
                let is_registration = method == Method::POST
                    && uri.path().starts_with("/subjects/")
                    && uri.path().ends_with("/versions");
                let n = if is_registration {
                    Some(registrations.fetch_add(1, Ordering::SeqCst))
                } else {
                    None
                };
                let path = uri.path();
                let all_versions_check =
                    path.starts_with("/compatibility/") && path.ends_with("/versions");
                if matches!(fault, Fault::OlderRegistry)
                    && (path == "/schemas" || all_versions_check)
                {
                    return (StatusCode::NOT_FOUND, "\"Not Found\"".to_owned());
                }
                if matches!(fault, Fault::Karapace) {
                    if let Some(answer) = karapace(&http, &upstream, &method, &uri, &body).await {
                        return answer;
                    }
                }
                let is_lookup = method == Method::POST
                    && uri.path().starts_with("/subjects/")
                    && !uri.path().ends_with("/versions");
                if let Fault::LookupsFailAfter(limit) = fault {
                    if is_lookup && registrations.load(Ordering::SeqCst) > limit {
                        return (
                            StatusCode::INTERNAL_SERVER_ERROR,
                            r#"{"error_code": 50001, "message": "store died"}"#.to_owned(),
                        );
                    }
                }
                if let (Fault::DiesAfter(limit), Some(n)) = (fault, n) {
                    if n >= limit {
                        return (
                            StatusCode::INTERNAL_SERVER_ERROR,
                            r#"{"error_code": 50001, "message": "store died"}"#.to_owned(),
                        );
                    }
                }
                let lookup = method == Method::POST
                    && uri.path().starts_with("/subjects/")
                    && !uri.path().ends_with("/versions");
                let mut request = http.request(method, format!("{upstream}{uri}")).body(body);
                if let Some(ct) = headers.get("content-type") {
                    request = request.header("content-type", ct.to_str().unwrap());
                }
                let answer = request.send().await.unwrap();
                let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
                let mut text = answer.text().await.unwrap();
                if matches!(fault, Fault::OlderRegistry) && path.starts_with("/compatibility/") {
                    let mut verdict: serde_json::Value = serde_json::from_str(&text).unwrap();
                    if let Some(map) = verdict.as_object_mut() {
                        map.remove("messages");
                    }
                    text = verdict.to_string();
                }
                if matches!(fault, Fault::Karapace) && lookup && status.is_success() {
                    let mut found: serde_json::Value = serde_json::from_str(&text).unwrap();
                    found.as_object_mut().unwrap().remove("references");
                    text = found.to_string();
                }
                if let (Fault::AnswerTooLate(which), Some(n)) = (fault, n) {
                    if n == which {
                        tokio::time::sleep(Duration::from_secs(2)).await;
                    }
                }
                (status, text)
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
async fn a_registry_that_dies_midway_leaves_an_exact_report_and_the_next_run_finishes() {
    let (_dir, plan) = sample();
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let (url, proxy_task) = proxy(server.url(), Fault::DiesAfter(10)).await;
    let dying = ClientBuilder::new(url).retry(quick(2)).build().unwrap();

    let report = run(&dying, &plan).await;
    assert!(!report.is_complete());
    let registered: Vec<_> = report
        .rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Registered { .. }))
        .collect();
    assert_eq!(
        registered.len(),
        10,
        "exactly the registrations the registry took"
    );
    assert!(report
        .rows
        .iter()
        .any(|r| matches!(&r.outcome, Outcome::Failed { error } if error.contains("50001"))));
    assert!(report
        .rows
        .iter()
        .any(|r| r.outcome == Outcome::NotAttempted));

    // The registry holds exactly what the report says.
    let direct = ClientBuilder::new(server.url()).build().unwrap();
    assert_eq!(registry_versions(&direct, &plan).await, 10);
    for row in &registered {
        let Outcome::Registered { version, id } = row.outcome else {
            unreachable!()
        };
        let held = direct
            .version(&row.subject, tidings_registry::VersionRef::Number(version))
            .await
            .unwrap();
        assert_eq!(held.id, id);
    }

    // The next run completes the job, registering only the rest.
    let finish = run(&direct, &plan).await;
    assert!(finish.is_complete(), "{finish:?}");
    assert_eq!(finish.registered(), total_versions(&plan) - 10);
    assert_eq!(
        registry_versions(&direct, &plan).await,
        total_versions(&plan)
    );
    proxy_task.abort();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_lost_to_a_timeout_is_retried_without_registering_twice() {
    let (_dir, plan) = sample();
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let (url, proxy_task) = proxy(server.url(), Fault::AnswerTooLate(3)).await;
    let client = ClientBuilder::new(url)
        .timeout(Duration::from_millis(500))
        .retry(quick(2))
        .build()
        .unwrap();
    let report = run(&client, &plan).await;
    assert!(report.is_complete(), "{report:?}");
    // The registration whose answer was lost was sent again and got the same id back.
    let direct = ClientBuilder::new(server.url()).build().unwrap();
    assert_eq!(
        registry_versions(&direct, &plan).await,
        total_versions(&plan)
    );
    let ids: std::collections::HashSet<u32> = report
        .rows
        .iter()
        .map(|r| match r.outcome {
            Outcome::Registered { id, .. } => id,
            _ => panic!("{r:?}"),
        })
        .collect();
    assert_eq!(ids.len(), total_versions(&plan), "one id per version");
    proxy_task.abort();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_registry_is_read_per_subject_and_its_silent_refusals_are_explained() {
    let (dir, plan) = sample();
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let (url, proxy_task) = proxy(server.url(), Fault::OlderRegistry).await;
    let client = ClientBuilder::new(url).build().unwrap();

    let report = run(&client, &plan).await;
    assert!(report.is_complete(), "{report:?}");
    // Unchanged, each subject costs two requests here: its versions, and its one version.
    let before = client.requests_sent();
    let snapshot = Snapshot::fetch(&client, &plan, 8).await.unwrap();
    let single = plan
        .subjects
        .iter()
        .filter(|s| s.versions.len() == 1)
        .count();
    let multi: usize = plan
        .subjects
        .iter()
        .filter(|s| s.versions.len() > 1)
        .map(|s| 1 + s.versions.len())
        .sum();
    assert_eq!(
        (client.requests_sent() - before) as usize,
        2 * single + 1 + multi
    );
    assert_eq!(publish::reconcile(&plan, &snapshot).new_versions(), 0);

    // A version the registry refuses without saying why: tidings' engine says why.
    let v2 = std::fs::read_to_string(dir.path().join("schemas/orders/order_paid/v2.avsc")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&v2).unwrap();
    doc["fields"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "tip_minor", "type": "long"}));
    std::fs::write(
        dir.path().join("schemas/orders/order_paid/v3.avsc"),
        doc.to_string(),
    )
    .unwrap();
    let repo = Repository::open(dir.path()).unwrap();
    let plan = Plan::new(&repo, &repo.load()).unwrap();
    let snapshot = Snapshot::fetch(&client, &plan, 8).await.unwrap();
    let reconciled = publish::reconcile(&plan, &snapshot);
    let findings = publish::preflight(
        &client,
        &plan,
        &snapshot,
        &reconciled,
        Default::default(),
        8,
    )
    .await
    .unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].rule, "REGISTRY_INCOMPATIBLE");
    assert!(findings[0].file.ends_with("order_paid/v3.avsc"));
    assert!(
        findings[0]
            .message
            .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
            && findings[0].message.contains("tip_minor"),
        "{}",
        findings[0].message
    );
    proxy_task.abort();
    server.stop().await;
}

/// A breaking v3 of `orders/order_paid`: a required field without a default.
fn add_breaking_version(project: &Path) {
    let v2 = std::fs::read_to_string(project.join("schemas/orders/order_paid/v2.avsc")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&v2).unwrap();
    doc["fields"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "tip_minor", "type": "long"}));
    std::fs::write(
        project.join("schemas/orders/order_paid/v3.avsc"),
        doc.to_string(),
    )
    .unwrap();
}

/// What a publish did, row by row, without ids (each registry numbers its own).
fn outcomes(report: &publish::PublishReport) -> Vec<(String, u32, String)> {
    report
        .rows
        .iter()
        .map(|r| {
            let outcome = match &r.outcome {
                Outcome::AlreadyThere { version, .. } => format!("already there as v{version}"),
                Outcome::Registered { version, .. } => format!("registered as v{version}"),
                Outcome::RegisteredUnconfirmed { .. } => "registered, version unknown".into(),
                Outcome::Failed { .. } => "failed".into(),
                Outcome::NotAttempted => "not attempted".into(),
            };
            (r.subject.clone(), r.repository_version, outcome)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_karapace_registry_takes_the_sample_as_the_local_registry_does_with_json_bundled() {
    let (dir, plan) = sample();
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let (url, proxy_task) = proxy(server.url(), Fault::Karapace).await;
    let karapace = ClientBuilder::new(url).retry(quick(0)).build().unwrap();

    // By default, JSON Schema references go as references, which Karapace refuses: the
    // failure names the registry's answer, the event, the shared file and the way out.
    let report = run(&karapace, &plan).await;
    assert!(!report.is_complete());
    let refused: Vec<&str> = report
        .rows
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Failed { error } => Some(error.as_str()),
            _ => None,
        })
        .collect();
    assert!(!refused.is_empty(), "{report:?}");
    for error in &refused {
        assert!(error.contains("44302"), "{error}");
        assert!(error.contains("_shared/"), "{error}");
        assert!(error.contains(r#"json_references = "bundle""#), "{error}");
        assert!(error.contains("schemas/"), "{error}");
    }

    // With the shared files bundled, everything goes in, exactly as into the local registry.
    let toml = dir.path().join("tidings.toml");
    let mut config = std::fs::read_to_string(&toml).unwrap();
    config.push_str("\n[registry]\njson_references = \"bundle\"\n");
    std::fs::write(&toml, config).unwrap();
    let bundled = plan_of(dir.path());
    let local_data = tempfile::tempdir().unwrap();
    let local_server = LocalServer::start(local_data.path()).await.unwrap();
    let local = ClientBuilder::new(local_server.url()).build().unwrap();

    let on_karapace = run(&karapace, &bundled).await;
    let on_local = run(&local, &bundled).await;
    assert!(on_karapace.is_complete(), "{on_karapace:?}");
    assert!(on_local.is_complete(), "{on_local:?}");
    assert_eq!(
        on_karapace.rows.len(),
        total_versions(&bundled),
        "every version has its row"
    );
    // The events that refer to shared JSON files are registered as one document each.
    let bundled_versions: Vec<_> = bundled
        .subjects
        .iter()
        .flat_map(|s| &s.versions)
        .filter(|v| !v.bundled.is_empty())
        .collect();
    assert!(
        bundled_versions.len() >= 2,
        "the sample refers to shared JSON files"
    );
    assert!(bundled_versions.iter().all(|v| v.references.is_empty()));
    // Rows registered on Karapace are the ones the first attempt did not get in.
    let registered_anywhere = |report: &publish::PublishReport| {
        report
            .rows
            .iter()
            .filter(|r| {
                matches!(
                    r.outcome,
                    Outcome::Registered { .. } | Outcome::AlreadyThere { .. }
                )
            })
            .count()
    };
    assert_eq!(
        registered_anywhere(&on_karapace),
        registered_anywhere(&on_local)
    );

    // Publishing again: nothing new, on both.
    let again_karapace = run(&karapace, &bundled).await;
    let again_local = run(&local, &bundled).await;
    assert_eq!(again_karapace.registered(), 0);
    assert_eq!(outcomes(&again_karapace), outcomes(&again_local));

    // `check --registry`: nothing to report on either.
    for client in [&karapace, &local] {
        let survey = publish::survey(client, &bundled, Default::default(), 8)
            .await
            .unwrap();
        assert!(survey.findings.is_empty(), "{:?}", survey.findings);
        assert_eq!(survey.reconciled.new_versions(), 0);
    }

    // A breaking version is refused by both, with the same finding.
    add_breaking_version(dir.path());
    let breaking = plan_of(dir.path());
    let mut findings = Vec::new();
    for client in [&karapace, &local] {
        let survey = publish::survey(client, &breaking, Default::default(), 8)
            .await
            .unwrap();
        assert_eq!(survey.findings.len(), 1, "{:?}", survey.findings);
        let finding = &survey.findings[0];
        assert_eq!(finding.rule, "REGISTRY_INCOMPATIBLE");
        assert!(finding.file.ends_with("order_paid/v3.avsc"));
        findings.push((finding.rule, finding.subject.clone(), finding.file.clone()));
    }
    assert_eq!(findings[0], findings[1]);

    proxy_task.abort();
    server.stop().await;
    local_server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_whose_version_cannot_be_read_back_counts_as_registered() {
    let (_dir, plan) = sample();
    let data = tempfile::tempdir().unwrap();
    let server = LocalServer::start(data.path()).await.unwrap();
    let (url, proxy_task) = proxy(server.url(), Fault::LookupsFailAfter(3)).await;
    let client = ClientBuilder::new(url).retry(quick(1)).build().unwrap();
    let report = run(&client, &plan).await;
    assert!(!report.is_complete());
    let unconfirmed: Vec<_> = report
        .rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::RegisteredUnconfirmed { .. }))
        .collect();
    assert!(!unconfirmed.is_empty(), "{report:?}");
    // The summary agrees with the rows and with what the registry holds.
    let direct = ClientBuilder::new(server.url()).build().unwrap();
    let held = registry_versions(&direct, &plan).await;
    assert_eq!(report.registered(), held, "{report:?}");
    assert!(report.registered() > 3);
    proxy_task.abort();
    server.stop().await;
}
