//! Build overhead of `#[derive(tidings::Event)]`: a crate of 200 event structs bound to their
//! schemas, against the same crate with serde's derives only. Both crates are generated in a
//! temporary folder and built with cargo (debug profile, dependencies built beforehand); each
//! figure is the median of three rebuilds of the crate alone.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const EVENTS: usize = 200;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn crate_source(with_tidings: bool) -> String {
    let mut out = String::from("#![allow(dead_code)]\nuse serde::{Deserialize, Serialize};\n");
    for i in 0..EVENTS {
        let derive = if with_tidings { "tidings::Event, " } else { "" };
        let attr = if with_tidings {
            format!(
                "#[event(schema = \"domain{}/thing{i}_created/v1.avsc\")]\n",
                i % 10
            )
        } else {
            String::new()
        };
        out += &format!(
            "#[derive({derive}Serialize, Deserialize, Debug, Clone, PartialEq)]\n{attr}pub struct Thing{i}Created {{\n    pub id: String,\n    pub occurred_at: i64,\n    pub amount: i64,\n    pub count: i32,\n    pub ratio: f64,\n    pub active: bool,\n    pub note: Option<String>,\n    pub tags: Vec<String>,\n    pub attributes: std::collections::HashMap<String, String>,\n    pub payload: Vec<u8>,\n}}\n\n"
        );
    }
    out
}

fn schema(i: usize) -> String {
    format!(
        r#"{{"type": "record", "name": "Thing{i}Created", "namespace": "com.bench", "doc": "d", "fields": [
  {{"name": "id", "type": "string"}}, {{"name": "occurred_at", "type": {{"type": "long", "logicalType": "timestamp-millis"}}}},
  {{"name": "amount", "type": "long"}}, {{"name": "count", "type": "int"}}, {{"name": "ratio", "type": "double"}},
  {{"name": "active", "type": "boolean"}}, {{"name": "note", "type": ["null", "string"], "default": null}},
  {{"name": "tags", "type": {{"type": "array", "items": "string"}}}}, {{"name": "attributes", "type": {{"type": "map", "values": "string"}}}},
  {{"name": "payload", "type": "bytes"}}]}}"#
    )
}

fn cargo_build(dir: &Path, package: &str, target: &Path) -> Duration {
    let start = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", package])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building {package} failed");
    start.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("tidings-build-overhead-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let core = std::path::absolute(workspace.join("core")).unwrap();
    write(&dir.join("tidings.toml"), "schema_root = \"schemas\"\n");
    for i in 0..EVENTS {
        write(
            &dir.join(format!("schemas/domain{}/thing{i}_created/v1.avsc", i % 10)),
            &schema(i),
        );
    }
    write(
        &dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"with_tidings\", \"serde_only\"]\n",
    );
    for (name, with_tidings) in [("with_tidings", true), ("serde_only", false)] {
        let tidings_dep = if with_tidings {
            format!("tidings = {{ path = {:?} }}\n", core.display().to_string())
        } else {
            String::new()
        };
        write(
            &dir.join(name).join("Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\n{tidings_dep}"),
        );
        write(
            &dir.join(name).join("src/lib.rs"),
            &crate_source(with_tidings),
        );
    }
    let target = workspace.join("target").join("build-overhead");
    // Dependencies first, so that only the generated crates are timed.
    for package in ["with_tidings", "serde_only"] {
        cargo_build(&dir, package, &target);
    }
    let mut results = Vec::new();
    for package in ["serde_only", "with_tidings"] {
        let lib = dir.join(package).join("src/lib.rs");
        let times: Vec<Duration> = (0..3)
            .map(|_| {
                let source = std::fs::read_to_string(&lib).unwrap();
                std::fs::write(&lib, source + " ").unwrap();
                cargo_build(&dir, package, &target)
            })
            .collect();
        results.push((package, median(times)));
    }
    let (serde_only, with_tidings) = (results[0].1, results[1].1);
    println!("build of {EVENTS} event structs, median of 3 rebuilds:");
    println!(
        "  serde derives only:           {:>8.2} s",
        serde_only.as_secs_f64()
    );
    println!(
        "  with #[derive(tidings::Event)]: {:>6.2} s",
        with_tidings.as_secs_f64()
    );
    println!(
        "  ratio: {:.2}",
        with_tidings.as_secs_f64() / serde_only.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
