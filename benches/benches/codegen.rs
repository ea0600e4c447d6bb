//! Code generation for 1,000 schemas, and the same Avro files through rsgen-avro.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn project(avro_only: bool) -> &'static Path {
    static AVRO: OnceLock<PathBuf> = OnceLock::new();
    static MIXED: OnceLock<PathBuf> = OnceLock::new();
    let cell = if avro_only { &AVRO } else { &MIXED };
    cell.get_or_init(|| {
        let dir = tidings_benches::remove_at_exit(&format!("codegen-{avro_only}"));
        if avro_only {
            tidings_benches::generate_avro_repository(&dir, 1_000, 1);
        } else {
            tidings_benches::generate_repository(&dir, 1_000, 1);
        }
        dir
    })
}

fn avro_files() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![project(true).join("schemas")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    assert_eq!(out.len(), 1_000);
    out
}

fn main() {
    divan::main();
    tidings_benches::remove_recorded();
}

/// tidings-codegen on 1,000 Avro schemas: read, parse, generate, format.
#[divan::bench(sample_count = 10)]
fn tidings_codegen_1000_avro() -> usize {
    let generated = tidings_codegen::Config::new()
        .generate(project(true))
        .unwrap();
    generated.files.values().map(String::len).sum()
}

/// tidings-codegen on 1,000 schemas, half Avro, half JSON Schema.
#[divan::bench(sample_count = 10)]
fn tidings_codegen_1000_mixed() -> usize {
    let generated = tidings_codegen::Config::new()
        .generate(project(false))
        .unwrap();
    generated.files.values().map(String::len).sum()
}

/// rsgen-avro on the same 1,000 Avro files (their text already in memory).
#[divan::bench(sample_count = 10)]
fn rsgen_avro_1000_avro(bencher: divan::Bencher<'_, '_>) {
    let files = avro_files();
    let generator = rsgen_avro::Generator::new().unwrap();
    bencher.bench_local(|| {
        let mut out = Vec::new();
        for text in &files {
            generator
                .generate(&rsgen_avro::Source::SchemaStr(text), &mut out)
                .unwrap();
        }
        out.len()
    });
}
