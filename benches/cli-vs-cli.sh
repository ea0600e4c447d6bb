#!/usr/bin/env bash
# Whole commands against each other, in one hyperfine run each (the figures issue 13 asks for):
#   1. `tidings generate` against rsgen-avro's CLI, with and without its --fmt, on 1,000 Avro
#      schemas;
#   2. `tidings check` on 10,000 events x 5 versions (half Avro, half JSON Schema).
# Needs hyperfine (Debian: hyperfine) and rsgen-avro's CLI
# (`cargo install rsgen-avro --version 0.19.4 --features build-cli`).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine rsgen-avro; do
  command -v "$tool" >/dev/null || { echo "needs $tool on PATH (see the head of this script)"; exit 2; }
done
cargo build --release -q -p tidings-cli
cargo build --release -q --manifest-path benches/Cargo.toml --bin generate-repository
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
benches/target/release/generate-repository "$work/avro" 1000 1 avro
benches/target/release/generate-repository "$work/mixed" 10000 5
hyperfine -w 2 -r 20 -N \
  "target/release/tidings generate -C $work/avro --out $work/out-tidings" \
  "rsgen-avro '$work/avro/schemas/**/*.avsc' $work/out-rsgen.rs" \
  "rsgen-avro --fmt '$work/avro/schemas/**/*.avsc' $work/out-rsgen-fmt.rs"
hyperfine -w 1 -r 10 -N "target/release/tidings check -C $work/mixed"
