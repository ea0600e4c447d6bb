//! `tidings check` on a generated repository of 1,000 events with 5 versions each (half Avro,
//! half JSON Schema): the library path the command takes, and the floor of reading and parsing
//! every file as JSON. Peak heap of one check is printed by the counting allocator below.

use std::path::Path;

use tidings_schema::repo::{check, lint, Repository};

#[global_allocator]
static ALLOC: tidings_benches::CountingAllocator = tidings_benches::CountingAllocator;

static PROJECT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

fn project() -> &'static Path {
    PROJECT.get_or_init(|| {
        let dir = tidings_benches::remove_at_exit("repo");
        tidings_benches::generate_repository(&dir, 1_000, 5);
        dir
    })
}

fn run_check(dir: &Path) -> usize {
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
    let dir = project();
    let (comparisons, peak, _) = tidings_benches::measure_peak(|| run_check(dir));
    println!(
        "check_1000_events: {comparisons} version comparisons; peak heap {:.1} MiB",
        peak as f64 / (1024.0 * 1024.0)
    );
    divan::main();
    tidings_benches::remove_recorded();
}

#[divan::bench(sample_count = 10)]
fn check_1000_events_of_5_versions() -> usize {
    run_check(project())
}

/// The floor: list, read and parse every file as plain JSON (serde_json), nothing else.
#[divan::bench(sample_count = 10)]
fn read_and_parse_as_json_only() -> usize {
    let mut values = 0;
    let mut stack = vec![project().join("schemas")];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                values += usize::from(value.is_object());
            }
        }
    }
    values
}
