//! Runs every case of the third-party compatibility corpus (`tests/corpus/*.jsonl`,
//! written by Apache Avro and Apicurio, not by us) through the engine. Nothing is copied from the
//! corpus into assertions: the cases are read from the files.
//!
//! The corpus is kept in the repository with its provenance (`tests/corpus/README.md`, `NOTICE`);
//! `TIDINGS_COMPAT_CORPUS` points elsewhere. A missing corpus fails the test rather than skipping it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use tidings_schema::avro::{AvroParser, AvroSchema, SourceFile};
use tidings_schema::compat::avro::{can_read, reader_writer_incompatibilities};
use tidings_schema::compat::{check, check_with, is_compatible, Level, Options, Policy};
use tidings_schema::SchemaDoc;

fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TIDINGS_COMPAT_CORPUS") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn cases(file: &str) -> Vec<Value> {
    let path = corpus_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("corpus lines are JSON"))
        .collect();
    assert!(!cases.is_empty(), "{file} has no cases");
    cases
}

fn text_of(schema: &Value) -> String {
    serde_json::to_string_pretty(schema).unwrap()
}

fn avro(id: &str, role: &str, schema: &Value) -> Result<AvroSchema, String> {
    let name = format!("{id}/{role}.avsc");
    let text = text_of(schema);
    // Some upstream schemas are built in code and serialise records without a name.
    AvroParser::new()
        .allow_anonymous_records(true)
        .parse(SourceFile {
            name: &name,
            text: &text,
        })
        .map_err(|e| e.to_string())
}

fn doc(case: &Value, role: &str, schema: &Value) -> Result<SchemaDoc, String> {
    let id = case["id"].as_str().unwrap();
    match case["format"].as_str().unwrap() {
        "AVRO" => avro(id, role, schema).map(SchemaDoc::Avro),
        _ => SchemaDoc::parse_json(&format!("{id}/{role}.json"), &text_of(schema))
            .map_err(|e| e.to_string()),
    }
}

/// The answer Confluent gives: the upstream expectation, unless running Avro Java's
/// `SchemaCompatibility` on the case says otherwise (`error` means Java threw, which a registry
/// reports as incompatible).
fn expected_verdict(case: &Value) -> &str {
    match &case["crosscheck_java_schemacompatibility"] {
        Value::Object(cross) if cross.get("agrees") == Some(&Value::Bool(false)) => {
            match cross["verdict"].as_str().unwrap() {
                "error" => "incompatible",
                verdict => verdict,
            }
        }
        _ => case["expected"].as_str().unwrap(),
    }
}

struct Outcome {
    verdict: String,
    types: Vec<String>,
    messages: Vec<String>,
    locations: Vec<String>,
}

fn run(case: &Value) -> Result<Outcome, String> {
    match case["direction_semantics"].as_str().unwrap() {
        "reader_can_read_writer" => {
            let id = case["id"].as_str().unwrap();
            let reader = avro(id, "reader", &case["reader"])?;
            let writer = avro(id, "writer", &case["writer"])?;
            let found = reader_writer_incompatibilities(&reader, &writer);
            assert_eq!(
                can_read(&reader, &writer),
                found.is_empty(),
                "{id}: the verdict-only path disagrees"
            );
            Ok(Outcome {
                verdict: if found.is_empty() {
                    "compatible"
                } else {
                    "incompatible"
                }
                .into(),
                types: found.iter().map(|i| i.kind.id().to_owned()).collect(),
                messages: found.iter().map(|i| i.message.clone()).collect(),
                locations: found.iter().map(|i| i.location.clone()).collect(),
            })
        }
        "new_vs_previous_at_level" => {
            let level: Level = case["level"].as_str().unwrap().parse().unwrap();
            let previous = case["previous"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, s)| doc(case, &format!("v{}", i + 1), s))
                .collect::<Result<Vec<_>, _>>()?;
            let new = doc(case, "new", &case["new"])?;
            let report = check(&previous, &new, level);
            assert_eq!(
                is_compatible(&previous, &new, level, Options::default()),
                report.is_compatible(),
                "the verdict-only path disagrees with the full check"
            );
            Ok(Outcome {
                verdict: if report.is_compatible() {
                    "compatible"
                } else {
                    "incompatible"
                }
                .into(),
                types: report.findings.iter().map(|f| f.rule.clone()).collect(),
                messages: Vec::new(),
                locations: Vec::new(),
            })
        }
        other => panic!("unknown direction_semantics {other}"),
    }
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array().map(|items| {
        items
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    })
}

/// Every disagreement of one file, by case id.
fn disagreements(file: &str) -> (usize, BTreeMap<String, String>) {
    let cases = cases(file);
    let mut wrong = BTreeMap::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap().to_owned();
        let expected = expected_verdict(case);
        let outcome = match run(case) {
            Ok(outcome) => outcome,
            Err(parse_error) => {
                wrong.insert(id, format!("could not read a schema: {parse_error}"));
                continue;
            }
        };
        if outcome.verdict != expected {
            wrong.insert(
                id,
                format!(
                    "expected {expected}, got {} {:?}",
                    outcome.verdict, outcome.types
                ),
            );
            continue;
        }
        // Where Avro Java's own assertions name the incompatibilities, they must agree too, in order.
        let partial = case["expected_messages_partial"] == Value::Bool(true);
        let agrees_with_java = !matches!(&case["crosscheck_java_schemacompatibility"], Value::Object(c) if c.get("agrees") == Some(&Value::Bool(false)));
        if !agrees_with_java {
            continue;
        }
        for (what, want, got) in [
            (
                "types",
                strings(&case["expected_incompatibility_types"]),
                &outcome.types,
            ),
            (
                "messages",
                strings(&case["expected_messages"]),
                &outcome.messages,
            ),
            (
                "locations",
                strings(&case["expected_locations"]),
                &outcome.locations,
            ),
        ] {
            let Some(want) = want else { continue };
            let matches = if partial {
                got.len() >= want.len().min(1) && got.iter().zip(&want).all(|(g, w)| g == w)
            } else {
                got == &want
            };
            if !matches {
                wrong.insert(
                    id.clone(),
                    format!("{what}: expected {want:?}, got {got:?}"),
                );
            }
        }
    }
    (cases.len(), wrong)
}

fn assert_all_agree(file: &str) {
    let (total, wrong) = disagreements(file);
    let listing: Vec<String> = wrong
        .iter()
        .map(|(id, why)| format!("  {id}: {why}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{file}: {} of {total} cases disagree:\n{}",
        wrong.len(),
        listing.join("\n")
    );
}

#[test]
fn avro_java_cases_agree_with_verdicts_types_messages_and_locations() {
    assert_all_agree("avro-java.jsonl");
}

#[test]
fn avro_python_cases_agree() {
    assert_all_agree("avro-py.jsonl");
}

#[test]
fn avro_ruby_cases_agree_with_java() {
    assert_all_agree("avro-ruby.jsonl");
}

#[test]
fn apicurio_avro_cases_agree_with_java() {
    assert_all_agree("apicurio-avro.jsonl");
}

/// Apicurio's JSON Schema checker is its own diff engine, not Confluent's: at least 97% agreement,
/// and every disagreement is explained in `tests/compat_known_differences.txt`.
#[test]
fn apicurio_jsonschema_cases_agree_at_least_97_percent() {
    let (total, wrong) = disagreements("apicurio-jsonschema.jsonl");
    let agreement = 100.0 * (total - wrong.len()) as f64 / total as f64;
    let listing: Vec<String> = wrong
        .iter()
        .map(|(id, why)| format!("  {id}: {why}"))
        .collect();
    eprintln!(
        "apicurio-jsonschema: {} of {total} agree ({agreement:.1}%)",
        total - wrong.len()
    );
    assert!(
        agreement >= 97.0,
        "only {agreement:.1}% agree; disagreements:\n{}",
        listing.join("\n")
    );

    let known_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/compat_known_differences.txt");
    let known_text = std::fs::read_to_string(&known_path).unwrap_or_default();
    let known: BTreeMap<&str, &str> = known_text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            l.split_once(" -- ")
                .map_or((l.trim(), ""), |(id, why)| (id.trim(), why.trim()))
        })
        .collect();
    let unexplained: Vec<&String> = wrong
        .keys()
        .filter(|id| !known.contains_key(id.as_str()))
        .collect();
    let stale: Vec<&&str> = known
        .keys()
        .filter(|id| !wrong.contains_key(**id))
        .collect();
    let missing_reason: Vec<&&str> = known
        .iter()
        .filter(|(_, why)| why.is_empty())
        .map(|(id, _)| id)
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty() && missing_reason.is_empty(),
        "{} must list exactly the disagreements, each with its reason.\nunexplained: {unexplained:#?}\nno longer disagreeing: {stale:#?}\nwithout a reason: {missing_reason:#?}\nall disagreements:\n{}",
        known_path.display(),
        listing.join("\n")
    );
}

/// Our own cases, one per class of disagreement with Confluent's JSON Schema rules
/// (`tests/cases/README.md`), under the policy each names: every one must agree, and an
/// incompatible one must report its rule.
#[test]
fn confluent_jsonschema_rule_cases_agree() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases/confluent-jsonschema.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut wrong = Vec::new();
    let mut total = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        total += 1;
        let id = case["id"].as_str().unwrap();
        let policy = match case["policy"].as_str().unwrap() {
            "lenient" => Policy::Lenient,
            _ => Policy::Strict,
        };
        let level: Level = case["level"].as_str().unwrap().parse().unwrap();
        let previous: Vec<SchemaDoc> = case["previous"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, s)| doc(&case, &format!("v{}", i + 1), s).unwrap())
            .collect();
        let new = doc(&case, "new", &case["new"]).unwrap();
        let report = check_with(&previous, &new, level, Options { policy });
        assert_eq!(
            is_compatible(&previous, &new, level, Options { policy }),
            report.is_compatible(),
            "the verdict-only path disagrees with the full check"
        );
        let verdict = if report.is_compatible() {
            "compatible"
        } else {
            "incompatible"
        };
        let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
        let expected = case["expected"].as_str().unwrap();
        let rule_missing = case["expected_rule"]
            .as_str()
            .is_some_and(|rule| !rules.contains(&rule));
        if verdict != expected || rule_missing {
            wrong.push(format!(
                "  {id}: expected {expected} {}, got {verdict} {rules:?}",
                case["expected_rule"]
            ));
        }
    }
    assert!(total >= 20, "{total} cases");
    assert!(wrong.is_empty(), "disagreements:\n{}", wrong.join("\n"));
}
