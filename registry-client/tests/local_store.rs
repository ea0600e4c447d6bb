//! The local registry's store: two handles on one folder writing at once (each its own open
//! file, so they exclude each other exactly as two processes do), a torn last record, a damaged
//! log.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use serde_json::Value;
use tidings_registry::local::{LocalRegistry, SchemaRequest};

fn avro(text: String) -> SchemaRequest {
    SchemaRequest {
        schema: text,
        schema_type: None,
        references: Vec::new(),
    }
}

/// Schema `n`: the same record with `n` in its doc, so every `n` is a different schema and
/// all of them are compatible with each other.
fn schema(n: usize) -> String {
    format!(r#"{{"type": "record", "name": "R", "doc": "{n}", "fields": []}}"#)
}

#[test]
fn two_writers_on_one_folder_lose_and_duplicate_nothing() {
    let data = tempfile::tempdir().unwrap();
    let per_writer = 60;
    let results: Vec<Vec<(String, usize, u32)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|writer| {
                let dir = data.path().to_path_buf();
                scope.spawn(move || {
                    let mut registry = LocalRegistry::open(&dir).unwrap();
                    let mut got = Vec::new();
                    for i in 0..per_writer {
                        // Both writers register the same schemas under shared subjects (races on
                        // versions and ids) and their own ones (races on ids only).
                        let shared = format!("shared-{}", i % 5);
                        let own = format!("writer{writer}-{i}");
                        for (subject, n) in [(shared, i), (own, 1000 * (writer + 1) + i)] {
                            let request = avro(schema(n));
                            let answer = registry.register(&subject, &request).unwrap();
                            let id = answer.unwrap()["id"].as_u64().unwrap() as u32;
                            got.push((subject, n, id));
                        }
                    }
                    got
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    // One id per distinct schema, whoever registered it; distinct schemas, distinct ids.
    let mut id_of: BTreeMap<usize, u32> = BTreeMap::new();
    for (_, n, id) in results.iter().flatten() {
        assert_eq!(
            *id_of.entry(*n).or_insert(*id),
            *id,
            "schema {n} got two ids"
        );
    }
    let ids: HashSet<u32> = id_of.values().copied().collect();
    assert_eq!(ids.len(), id_of.len(), "two schemas share an id");
    assert_eq!(id_of.len(), per_writer + 2 * per_writer);
    assert_eq!(
        ids.iter().max().copied(),
        Some(id_of.len() as u32),
        "ids are dense: none lost"
    );

    // A fresh reader sees every version exactly once, numbered without gaps.
    let mut reader = LocalRegistry::open(data.path()).unwrap();
    for s in 0..5 {
        let subject = format!("shared-{s}");
        let versions = reader.versions(&subject, false).unwrap().unwrap();
        let expected: Vec<u32> = (1..=(per_writer / 5) as u32).collect();
        assert_eq!(versions, Value::from(expected), "{subject}");
    }
    let subjects = reader.subjects(false).unwrap().unwrap();
    assert_eq!(subjects.as_array().unwrap().len(), 5 + 2 * per_writer);
}

#[test]
fn a_torn_last_record_is_dropped_and_a_damaged_log_is_reported() {
    let data = tempfile::tempdir().unwrap();
    {
        let mut registry = LocalRegistry::open(data.path()).unwrap();
        registry.register("a", &avro(schema(1))).unwrap().unwrap();
    }
    // A writer died halfway through a record.
    let log = data.path().join("log.jsonl");
    let mut file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    file.write_all(br#"{"version": {"subject": "a", "vers"#)
        .unwrap();
    drop(file);

    let mut registry = LocalRegistry::open(data.path()).unwrap();
    assert_eq!(
        registry.versions("a", false).unwrap().unwrap(),
        Value::from(vec![1])
    );
    let id = registry.register("b", &avro(schema(2))).unwrap().unwrap()["id"].clone();
    assert_eq!(id, 2);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("vers\""), "the torn record is gone: {text}");
    assert_eq!(text.lines().count(), 4);

    // A complete line that is not a record is damage, reported with the file.
    std::fs::write(&log, "{\"schema\": 12}\n").unwrap();
    let err = LocalRegistry::open(data.path()).unwrap_err();
    assert!(err.to_string().contains("log.jsonl"), "{err}");
    assert!(err.to_string().contains("restore"), "{err}");
}

#[test]
fn ids_a_log_cannot_hold_are_refused_and_a_damaged_line_is_named_by_its_offset() {
    let data = tempfile::tempdir().unwrap();
    {
        let mut registry = LocalRegistry::open(data.path()).unwrap();
        registry.register("a", &avro(schema(1))).unwrap().unwrap();
    }
    let log = data.path().join("log.jsonl");
    let good = std::fs::read_to_string(&log).unwrap();

    // A hand-edited id past Confluent's 2^31-1: refused, never wrapped to 0.
    let edited = good.replace("\"id\":1", "\"id\":4294967295");
    assert_ne!(edited, good, "the log writes ids as `\"id\":N`: {good}");
    std::fs::write(&log, &edited).unwrap();
    let err = LocalRegistry::open(data.path()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("log.jsonl") && message.contains("4294967295"),
        "{message}"
    );

    // The last id there is: nothing after it is handed out.
    let last = good.replace("\"id\":1", "\"id\":2147483647");
    std::fs::write(&log, &last).unwrap();
    let mut registry = LocalRegistry::open(data.path()).unwrap();
    let refused = registry
        .register("b", &avro(schema(2)))
        .unwrap()
        .unwrap_err();
    assert_eq!(refused.status, 500, "{refused:?}");
    assert!(refused.message.contains("id"), "{refused:?}");

    // A damaged last line that ends in a newline: its offset, not "byte 0", and how to recover.
    std::fs::write(&log, format!("{good}{{\"version\": 7}}\n")).unwrap();
    let err = LocalRegistry::open(data.path()).unwrap_err().to_string();
    assert!(err.contains(&format!("byte {}", good.len())), "{err}");
    assert!(err.contains("restore") && err.contains("remove"), "{err}");
}

/// Subjects `d1..d24` (JSON Schema), each referring to the one before under two names: a
/// registration of the last resolves each (subject, version) once, not once per path (2^24).
#[test]
fn references_shared_along_many_paths_are_resolved_once() {
    use tidings_registry::Reference;
    let data = tempfile::tempdir().unwrap();
    let mut registry = LocalRegistry::open(data.path()).unwrap();
    let json = |schema: String, references: Vec<Reference>| SchemaRequest {
        schema,
        schema_type: Some("JSON".into()),
        references,
    };
    registry
        .register("d1", &json(r#"{"type": "integer"}"#.into(), Vec::new()))
        .unwrap()
        .unwrap();
    for n in 2..=24 {
        let previous = n - 1;
        let references = ["a", "b"]
            .iter()
            .map(|name| Reference {
                name: format!("{name}{previous}.json"),
                subject: format!("d{previous}"),
                version: 1,
            })
            .collect();
        let schema = format!(
            r#"{{"type": "object", "properties": {{"a": {{"$ref": "a{previous}.json"}}, "b": {{"$ref": "b{previous}.json"}}}}}}"#
        );
        registry
            .register(&format!("d{n}"), &json(schema, references))
            .unwrap()
            .unwrap_or_else(|e| panic!("d{n}: {e:?}"));
    }
    assert_eq!(
        registry.versions("d24", false).unwrap().unwrap(),
        Value::from(vec![1])
    );
}
