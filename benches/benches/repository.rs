//! `tidings check` on generated repositories of 100, 1,000 and 10,000 events with 5 versions
//! each (half Avro, half JSON Schema, FULL_TRANSITIVE, lint on): the library path the command
//! takes, and the floor of reading and parsing every file as JSON, at each size (the check
//! should stay a constant factor of the floor: linear). Peak heap of one check, and its ratio to
//! the bytes of the schema files, is printed by the counting allocator below.

use std::path::Path;

use tidings_schema::repo::{check, lint, Repository};

#[global_allocator]
static ALLOC: tidings_benches::CountingAllocator = tidings_benches::CountingAllocator;

const SIZES: [usize; 3] = [100, 1_000, 10_000];

static PROJECTS: [std::sync::OnceLock<std::path::PathBuf>; 3] =
    [const { std::sync::OnceLock::new() }; 3];

fn project(events: usize) -> &'static Path {
    let index = SIZES
        .iter()
        .position(|&s| s == events)
        .expect("a known size");
    PROJECTS[index].get_or_init(|| {
        let dir = tidings_benches::remove_at_exit(&format!("repo-{events}"));
        tidings_benches::generate_repository(&dir, events, 5);
        dir
    })
}

/// Every schema file below `dir`: (path, bytes).
fn schema_files(dir: &Path) -> Vec<(std::path::PathBuf, u64)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.join("schemas")];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path, entry.metadata().unwrap().len()));
            }
        }
    }
    files
}

/// What `tidings check` does without a registry: one event at a time, lint included.
fn run_check(dir: &Path) -> usize {
    let repo = Repository::open(dir).unwrap();
    let streamed = check::check_streamed(&repo, None, true);
    assert!(streamed.schema_errors.is_empty());
    let report = streamed.report;
    assert!(!report.has_errors(), "{:?}", report.diagnostics.first());
    report.comparisons
}

/// The whole repository loaded first, then checked and linted (what `check --registry` and
/// publish do, since they need every schema at once).
fn run_check_loaded(dir: &Path) -> usize {
    let repo = Repository::open(dir).unwrap();
    let loaded = repo.load();
    assert!(loaded.schema_errors().is_empty());
    let report = check::check(&repo, &loaded, None);
    let lints = lint::lint(&repo, &loaded);
    assert!(
        !report.has_errors() && !lints.has_errors(),
        "{:?}",
        report.diagnostics.first()
    );
    report.comparisons
}

fn main() {
    for events in SIZES {
        let dir = project(events);
        let bytes: u64 = schema_files(dir).iter().map(|(_, b)| b).sum();
        for (how, run) in [
            ("one event at a time", run_check as fn(&Path) -> usize),
            ("loaded whole", run_check_loaded),
        ] {
            let (comparisons, peak, _) = tidings_benches::measure_peak(|| run(dir));
            println!(
                "check {events} events ({how}): {comparisons} version comparisons; peak heap {:.1} MiB, {:.2}x the {:.1} MiB of schema files",
                peak as f64 / (1024.0 * 1024.0),
                peak as f64 / bytes as f64,
                bytes as f64 / (1024.0 * 1024.0)
            );
        }
    }
    divan::main();
    tidings_benches::remove_recorded();
}

#[divan::bench(args = SIZES, sample_count = 5)]
fn check_events_of_5_versions(events: usize) -> usize {
    run_check(project(events))
}

/// The floor: list, read and parse every file as plain JSON (serde_json), nothing else.
#[divan::bench(args = SIZES, sample_count = 5)]
fn read_and_parse_as_json_only(events: usize) -> usize {
    schema_files(project(events))
        .iter()
        .map(|(path, _)| {
            let text = std::fs::read_to_string(path).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            usize::from(value.is_object())
        })
        .sum()
}
