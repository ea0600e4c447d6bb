//! Writes the generated benchmark repository to a folder, to time the `tidings` binary on it:
//! `cargo run --manifest-path benches/Cargo.toml --bin generate-repository -- DIR [EVENTS] [VERSIONS] [avro]`
//! (`avro`: every event in Avro, as the code generation comparison with rsgen-avro needs).

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: generate-repository DIR [EVENTS] [VERSIONS] [avro]");
        std::process::exit(2);
    };
    let events = args.next().and_then(|n| n.parse().ok()).unwrap_or(1_000);
    let versions = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let avro_only = args.next().as_deref() == Some("avro");
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("the folder can be created");
    if avro_only {
        tidings_benches::generate_avro_repository(&dir, events, versions);
    } else {
        tidings_benches::generate_repository(&dir, events, versions);
    }
}
