//! `tidings publish` of 500 subjects to the local registry over HTTP on 127.0.0.1 (bounded
//! concurrency, default 8), and `tidings check --registry` of the same 500 subjects once they
//! are published: the library path the commands take. The request counts are printed.

use tidings_registry::local::server::LocalServer;
use tidings_registry::publish::{self, Plan, PublishOptions, DEFAULT_CONCURRENCY};
use tidings_registry::{Client, ClientBuilder};
use tidings_schema::repo::Repository;

const SUBJECTS: usize = 500;

use tidings_benches::{temp_dir as temp, TempDir as Dir};

static PROJECT: std::sync::OnceLock<Plan> = std::sync::OnceLock::new();

/// 500 events of one version each, half Avro, half JSON Schema.
fn plan() -> &'static Plan {
    PROJECT.get_or_init(|| {
        // The plan holds every text it read: the folder goes when this returns.
        let dir = temp("publish-repo");
        tidings_benches::generate_repository(&dir.0, SUBJECTS, 1);
        let repo = Repository::open(&dir.0).unwrap();
        let loaded = repo.load();
        let plan = Plan::new(&repo, &loaded).unwrap();
        assert_eq!(plan.subjects.len(), SUBJECTS);
        plan
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `tidings check --registry` (and a publish's checks): the survey; returns it and the client.
async fn survey(url: &str, plan: &Plan) -> (publish::Survey, Client) {
    let client = ClientBuilder::new(url).build().unwrap();
    let survey = publish::survey(&client, plan, Default::default(), DEFAULT_CONCURRENCY)
        .await
        .unwrap();
    assert!(survey.findings.is_empty());
    (survey, client)
}

/// `tidings publish`: the survey, then registration; returns the requests sent.
async fn publish_all(url: &str, plan: &Plan) -> u64 {
    let (survey, client) = survey(url, plan).await;
    let report = publish::publish(
        &client,
        plan,
        &survey.reconciled,
        &PublishOptions::default(),
    )
    .await;
    assert!(report.is_complete());
    client.requests_sent()
}

/// `check --registry` of an unchanged repository; returns the requests sent.
async fn check_all(url: &str, plan: &Plan) -> u64 {
    let (survey, client) = survey(url, plan).await;
    assert_eq!(survey.reconciled.new_versions(), 0);
    client.requests_sent()
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn publish_500_subjects(bencher: divan::Bencher<'_, '_>) {
    let plan = plan();
    let rt = runtime();
    bencher
        .with_inputs(|| {
            let data = temp(&format!("publish-data-{}", rand_suffix()));
            let server = rt.block_on(LocalServer::start(&data.0)).unwrap();
            (data, server)
        })
        .bench_local_values(|(data, server): (Dir, LocalServer)| {
            rt.block_on(async {
                publish_all(&server.url(), plan).await;
                server.stop().await;
            });
            data
        });
}

#[divan::bench(sample_count = 20)]
fn check_registry_500_subjects(bencher: divan::Bencher<'_, '_>) {
    let plan = plan();
    let rt = runtime();
    let data = temp("check-data");
    let server = rt.block_on(LocalServer::start(&data.0)).unwrap();
    rt.block_on(publish_all(&server.url(), plan));
    bencher.bench_local(|| rt.block_on(check_all(&server.url(), plan)));
    rt.block_on(server.stop());
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn main() {
    // The request counts, once, before the timings.
    let plan = plan();
    let rt = runtime();
    let data = temp("counts");
    let server = rt.block_on(LocalServer::start(&data.0)).unwrap();
    let published = rt.block_on(publish_all(&server.url(), plan));
    let checked = rt.block_on(check_all(&server.url(), plan));
    let republished = rt.block_on(publish_all(&server.url(), plan));
    rt.block_on(server.stop());
    println!(
        "requests: publish of {SUBJECTS} new subjects {published}; check --registry of {SUBJECTS} unchanged subjects {checked}; publish again {republished}"
    );
    divan::main();
}
