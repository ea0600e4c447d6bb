//! Compatibility engine figures (issue: schema model and compatibility engine).
//!
//! - `avro_pairwise`: the same reader/writer pairs through tidings (every finding; and the
//!   verdict only, `can_read`, stopping at the first problem) and through apache-avro's
//!   `SchemaCompatibility::can_read` (stops at the first problem), compatible and incompatible
//!   pairs apart.
//! - `full_transitive_history`: FULL_TRANSITIVE of version 100 of a 50-field record against the
//!   99 before it. Peak heap is printed by the counting allocator below.

use divan::Bencher;
use tidings_schema::avro::{parse, AvroSchema};
use tidings_schema::compat::avro::{can_read, reader_writer_incompatibilities};
use tidings_schema::compat::{check, Level};
use tidings_schema::SchemaDoc;

#[global_allocator]
static ALLOC: tidings_benches::CountingAllocator = tidings_benches::CountingAllocator;

fn main() {
    report_full_transitive_memory();
    divan::main();
}

/// A record of `fields` fields; `variant` changes some of them the way teams evolve schemas.
fn record(fields: usize, variant: usize) -> String {
    let mut out = Vec::new();
    for i in 0..fields {
        let ty = match (i % 7, variant) {
            (0, _) => r#""string""#.to_owned(),
            (1, 1) => r#""long""#.to_owned(), // int promoted to long
            (1, _) => r#""int""#.to_owned(),
            (2, 2) => format!(r#"{{"type": "enum", "name": "E{i}", "symbols": ["A", "B"]}}"#),
            (2, _) => format!(r#"{{"type": "enum", "name": "E{i}", "symbols": ["A", "B", "C"]}}"#),
            (3, _) => r#"["null", "string"]"#.to_owned(),
            (4, _) => r#"{"type": "array", "items": "double"}"#.to_owned(),
            (5, 3) => r#"{"type": "map", "values": "string"}"#.to_owned(),
            (5, _) => r#"{"type": "map", "values": "long"}"#.to_owned(),
            _ => format!(
                r#"{{"type": "record", "name": "Nested{i}", "fields": [{{"name": "a", "type": "int"}}, {{"name": "b", "type": ["null", "string"], "default": null}}]}}"#
            ),
        };
        out.push(format!(r#"{{"name": "f{i}", "type": {ty}}}"#));
    }
    format!(
        r#"{{"type": "record", "name": "Event", "namespace": "bench", "fields": [{}]}}"#,
        out.join(", ")
    )
}

/// Pairs of (reader, writer): identical, promoted, incompatible in several places, small and large.
fn pairs() -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for fields in [5, 20, 50] {
        for (r, w) in [(0, 0), (1, 0), (0, 1), (2, 0), (0, 3), (3, 1)] {
            pairs.push((record(fields, r), record(fields, w)));
        }
    }
    pairs.push((
        r#"["null", "long", "string"]"#.to_owned(),
        r#"["int", "string"]"#.to_owned(),
    ));
    pairs.push((
        r#"{"type": "fixed", "name": "F", "size": 16}"#.to_owned(),
        r#"{"type": "fixed", "name": "F", "size": 12}"#.to_owned(),
    ));
    pairs
}

/// The pairs of one kind: `all`, or only those both checkers find `compatible` or `incompatible`
/// (they must agree on every pair).
fn pair_set(kind: &str) -> Vec<(String, String)> {
    use apache_avro::schema_compatibility::SchemaCompatibility;
    pairs()
        .into_iter()
        .filter(|(r, w)| {
            let ours = reader_writer_incompatibilities(
                &parse("r.avsc", r).unwrap(),
                &parse("w.avsc", w).unwrap(),
            )
            .is_empty();
            let (ar, aw) = (
                apache_avro::Schema::parse_str(r).unwrap(),
                apache_avro::Schema::parse_str(w).unwrap(),
            );
            let theirs = SchemaCompatibility::can_read(&aw, &ar).is_ok();
            assert_eq!(ours, theirs, "verdicts differ on\nreader {r}\nwriter {w}");
            match kind {
                "compatible" => ours,
                "incompatible" => !ours,
                _ => true,
            }
        })
        .collect()
}

const SETS: [&str; 3] = ["all", "compatible", "incompatible"];

#[divan::bench(args = SETS)]
fn avro_pairwise_tidings(bencher: Bencher<'_, '_>, set: &str) {
    let parsed: Vec<(AvroSchema, AvroSchema)> = pair_set(set)
        .iter()
        .map(|(r, w)| (parse("r.avsc", r).unwrap(), parse("w.avsc", w).unwrap()))
        .collect();
    bencher.bench_local(|| {
        let mut found = 0;
        for (reader, writer) in &parsed {
            found += reader_writer_incompatibilities(reader, writer).len();
        }
        divan::black_box(found)
    });
}

#[divan::bench(args = SETS)]
fn avro_pairwise_tidings_verdict_only(bencher: Bencher<'_, '_>, set: &str) {
    let parsed: Vec<(AvroSchema, AvroSchema)> = pair_set(set)
        .iter()
        .map(|(r, w)| (parse("r.avsc", r).unwrap(), parse("w.avsc", w).unwrap()))
        .collect();
    bencher.bench_local(|| {
        let mut compatible = 0;
        for (reader, writer) in &parsed {
            compatible += usize::from(can_read(reader, writer));
        }
        divan::black_box(compatible)
    });
}

#[divan::bench(args = SETS)]
fn avro_pairwise_apache_avro(bencher: Bencher<'_, '_>, set: &str) {
    use apache_avro::schema_compatibility::SchemaCompatibility;
    let parsed: Vec<(apache_avro::Schema, apache_avro::Schema)> = pair_set(set)
        .iter()
        .map(|(r, w)| {
            (
                apache_avro::Schema::parse_str(r).unwrap(),
                apache_avro::Schema::parse_str(w).unwrap(),
            )
        })
        .collect();
    bencher.bench_local(|| {
        let mut compatible = 0;
        for (reader, writer) in &parsed {
            compatible += usize::from(SchemaCompatibility::can_read(writer, reader).is_ok());
        }
        divan::black_box(compatible)
    });
}

/// Version `v` of a 50-field record: each version adds one optional field to the previous.
fn history(versions: usize) -> Vec<SchemaDoc> {
    (0..versions)
        .map(|v| {
            let mut fields: Vec<String> = (0..50)
                .map(|i| {
                    format!(r#"{{"name": "f{i}", "type": ["null", "string"], "default": null}}"#)
                })
                .collect();
            fields.extend((0..v).map(|i| {
                format!(r#"{{"name": "added{i}", "type": ["null", "long"], "default": null}}"#)
            }));
            let text = format!(
                r#"{{"type": "record", "name": "Event", "fields": [{}]}}"#,
                fields.join(", ")
            );
            SchemaDoc::parse_avro(&format!("v{}.avsc", v + 1), &text).unwrap()
        })
        .collect()
}

#[divan::bench]
fn full_transitive_history(bencher: Bencher<'_, '_>) {
    let versions = history(100);
    let (new, previous) = versions.split_last().unwrap();
    bencher.bench_local(|| {
        let report = check(previous, new, Level::FullTransitive);
        assert!(report.is_compatible());
        divan::black_box(report)
    });
}

/// The JSON Schema of the same size as [`history`]: version `v` is an open object of 50
/// nullable string properties and `v` added nullable integers (compatible both ways under the
/// lenient policy, as Avro's optional fields are).
fn history_json(versions: usize) -> Vec<SchemaDoc> {
    (0..versions)
        .map(|v| {
            let mut properties: Vec<String> = (0..50)
                .map(|i| format!(r#""f{i}": {{"type": ["null", "string"]}}"#))
                .collect();
            properties
                .extend((0..v).map(|i| format!(r#""added{i}": {{"type": ["null", "integer"]}}"#)));
            let text = format!(
                r#"{{"title": "Event", "type": "object", "properties": {{{}}}}}"#,
                properties.join(", ")
            );
            SchemaDoc::parse_json(&format!("v{}.json", v + 1), &text).unwrap()
        })
        .collect()
}

/// [`full_transitive_history`] in JSON Schema: the pair comparison of the two formats on
/// schemas of the same size (the issue asks for JSON within 2x of Avro).
#[divan::bench]
fn full_transitive_history_json(bencher: Bencher<'_, '_>) {
    use tidings_schema::compat::{check_with, Options, Policy};
    let versions = history_json(100);
    let (new, previous) = versions.split_last().unwrap();
    let options = Options {
        policy: Policy::Lenient,
    };
    bencher.bench_local(|| {
        let report = check_with(previous, new, Level::FullTransitive, options);
        assert!(report.is_compatible(), "{:?}", report.findings.first());
        divan::black_box(report)
    });
}

fn report_full_transitive_memory() {
    let versions = history(100);
    let (new, previous) = versions.split_last().unwrap();
    let (report, peak, before) =
        tidings_benches::measure_peak(|| check(previous, new, Level::FullTransitive));
    assert!(report.is_compatible());
    println!(
        "full_transitive_history: peak heap during the check {:.1} KiB above the {:.1} KiB held by the 100 parsed versions",
        peak as f64 / 1024.0,
        before as f64 / 1024.0
    );
}

/// `R_i` holding `R_(i-1)` twice (written out, then by name), 18 levels, the leaf changed from
/// `string` to `int` (issue "Hostile input": 24 s and 163 MB of JSON before the fix).
fn reused_types(leaf: &str) -> String {
    let mut schema = format!(
        r#"{{"type": "record", "name": "R1", "fields": [{{"name": "leaf", "type": "{leaf}"}}]}}"#
    );
    for i in 2..=18 {
        schema = format!(
            r#"{{"type": "record", "name": "R{i}", "fields": [{{"name": "a", "type": {schema}}}, {{"name": "b", "type": "R{}"}}]}}"#,
            i - 1
        );
    }
    schema
}

#[divan::bench]
fn reused_types_18_levels(bencher: Bencher<'_, '_>) {
    let v1 = SchemaDoc::parse_avro("v1.avsc", &reused_types("string")).unwrap();
    let v2 = SchemaDoc::parse_avro("v2.avsc", &reused_types("int")).unwrap();
    bencher.bench_local(|| {
        let report = check(std::slice::from_ref(&v1), &v2, Level::Full);
        assert!(report.findings.len() < 40);
        report
    });
}

/// A record of `n` `long` fields, and a JSON Schema object of `n` integer properties.
fn wide(n: usize) -> (String, String) {
    let fields: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"name": "f{i}", "type": "long"}}"#))
        .collect();
    let properties: Vec<String> = (0..n)
        .map(|i| format!(r#""p{i}": {{"type": "integer"}}"#))
        .collect();
    let required: Vec<String> = (0..n).map(|i| format!(r#""p{i}""#)).collect();
    (
        format!(
            r#"{{"type": "record", "name": "Wide", "fields": [{}]}}"#,
            fields.join(", ")
        ),
        format!(
            r#"{{"type": "object", "properties": {{{}}}, "required": [{}], "additionalProperties": false}}"#,
            properties.join(", "),
            required.join(", ")
        ),
    )
}

/// 100,000 fields, parsed and checked against a copy of itself (issue "Hostile input":
/// quadratic before, target under 1 s).
#[divan::bench(args = [10_000, 100_000], sample_count = 5)]
fn wide_avro_against_itself(bencher: Bencher<'_, '_>, n: usize) {
    let (avro, _) = wide(n);
    bencher.bench_local(|| {
        let a = SchemaDoc::parse_avro("a.avsc", &avro).unwrap();
        let b = SchemaDoc::parse_avro("b.avsc", &avro).unwrap();
        assert!(check(std::slice::from_ref(&a), &b, Level::Full).is_compatible());
    });
}

/// 100,000 properties (all required, closed model), parsed and checked against a copy.
#[divan::bench(args = [10_000, 100_000], sample_count = 5)]
fn wide_json_against_itself(bencher: Bencher<'_, '_>, n: usize) {
    let (_, json) = wide(n);
    bencher.bench_local(|| {
        let a = SchemaDoc::parse_json("a.json", &json).unwrap();
        let b = SchemaDoc::parse_json("b.json", &json).unwrap();
        assert!(check(std::slice::from_ref(&a), &b, Level::Full).is_compatible());
    });
}

/// An object of `n` properties, each with a `dependentRequired` entry (issue "Hostile input":
/// dependencies were matched by a scan per key), checked against a copy.
#[divan::bench(args = [10_000, 100_000], sample_count = 5)]
fn wide_json_dependencies_against_itself(bencher: Bencher<'_, '_>, n: usize) {
    let json = wide_dependencies(n);
    bencher.bench_local(|| {
        let a = SchemaDoc::parse_json("a.json", &json).unwrap();
        let b = SchemaDoc::parse_json("b.json", &json).unwrap();
        assert!(check(std::slice::from_ref(&a), &b, Level::Full).is_compatible());
    });
}

fn wide_dependencies(n: usize) -> String {
    let properties: Vec<String> = (0..n)
        .map(|i| format!(r#""p{i}": {{"type": "integer"}}"#))
        .collect();
    let dependencies: Vec<String> = (0..n)
        .map(|i| format!(r#""p{i}": ["p{}"]"#, (i + 1) % n))
        .collect();
    format!(
        r#"{{"type": "object", "properties": {{{}}}, "dependentRequired": {{{}}}}}"#,
        properties.join(", "),
        dependencies.join(", ")
    )
}

/// A union of `n` records against itself (issue "Hostile input": each writer branch was probed
/// against every reader branch, quadratic in time and memory).
#[divan::bench(args = [1_000, 10_000], sample_count = 5)]
fn wide_union_against_itself(bencher: Bencher<'_, '_>, n: usize) {
    let branches: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"type": "record", "name": "R{i}", "fields": [{{"name": "a", "type": "long"}}]}}"#))
        .collect();
    let text = format!(
        r#"{{"type": "record", "name": "U", "fields": [{{"name": "u", "type": [{}]}}]}}"#,
        branches.join(", ")
    );
    bencher.bench_local(|| {
        let a = SchemaDoc::parse_avro("a.avsc", &text).unwrap();
        let b = SchemaDoc::parse_avro("b.avsc", &text).unwrap();
        assert!(check(std::slice::from_ref(&a), &b, Level::Full).is_compatible());
    });
}
