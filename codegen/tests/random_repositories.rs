//! The generator on random valid repositories (objects, arrays, enums, unions, optional and
//! nullable properties, `$defs` trees and references back to the root): it never panics, and
//! what it writes is Rust that parses. Each case is a real repository on disk.

use proptest::prelude::*;
use serde_json::{json, Value};

/// A JSON Schema value of bounded depth; `refs` are the `$ref`s that may be used (`#` and
/// `#/$defs/node`, both recursive).
fn schema(depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(json!({"type": "string", "description": "s"})),
        Just(json!({"type": "integer", "description": "i"})),
        Just(json!({"type": "boolean", "description": "b"})),
        Just(json!({"type": "string", "enum": ["a", "b", "c"], "description": "e"})),
        Just(json!({"type": ["string", "null"], "description": "n"})),
        Just(json!({"$ref": "#", "description": "back to the root"})),
        Just(json!({"$ref": "#/$defs/node", "description": "a tree"})),
        Just(json!({"type": "string", "format": "date-time", "description": "t"})),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let inner = schema(depth - 1);
    prop_oneof![
        3 => leaf,
        1 => inner.clone().prop_map(|items| json!({"type": "array", "items": items, "description": "a"})),
        1 => proptest::collection::vec(inner.clone(), 1..4).prop_map(|props| object(&props, "o")),
        1 => proptest::collection::vec(inner, 2..4)
            .prop_map(|options| json!({"oneOf": options, "description": "u"})),
    ]
    .boxed()
}

fn object(properties: &[Value], description: &str) -> Value {
    let mut map = serde_json::Map::new();
    for (i, p) in properties.iter().enumerate() {
        map.insert(format!("p{i}"), p.clone());
    }
    json!({
        "type": "object",
        "description": description,
        "properties": map,
        "required": (0..properties.len()).step_by(2).map(|i| format!("p{i}")).collect::<Vec<_>>(),
        "additionalProperties": false,
    })
}

fn event(properties: Vec<Value>, node: Vec<Value>) -> Value {
    let mut root = object(&properties, "A thing happened.");
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["title"] = json!("ThingHappened");
    let mut tree = object(&node, "A node.");
    tree["properties"]["children"] =
        json!({"type": "array", "items": {"$ref": "#/$defs/node"}, "description": "Below it."});
    root["$defs"] = json!({ "node": tree });
    root
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_repositories_generate_rust_that_parses(
        properties in proptest::collection::vec(schema(3), 1..6),
        node in proptest::collection::vec(schema(2), 0..3),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("schemas/things/thing_happened");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(dir.path().join("tidings.toml"), "").unwrap();
        let text = serde_json::to_string_pretty(&event(properties, node)).unwrap();
        std::fs::write(folder.join("v1.json"), &text).unwrap();
        let generated = tidings_codegen::Config::new()
            .generate(dir.path())
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        for (name, content) in &generated.files {
            if let Err(e) = syn::parse_file(content) {
                panic!("{name} does not parse: {e}\n{content}\n{text}");
            }
        }
    }
}

/// An Avro type of bounded depth; `n` numbers the named types so that names stay unique, and
/// `"Thing"` refers back to the event record (recursion).
fn avro(depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(json!("string")),
        Just(json!("long")),
        Just(json!("boolean")),
        Just(json!("bytes")),
        Just(json!({"type": "long", "logicalType": "timestamp-millis"})),
        Just(json!(["null", "string"])),
        Just(json!(["null", "Thing"])),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let inner = avro(depth - 1);
    prop_oneof![
        3 => leaf,
        1 => inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
        1 => inner.clone().prop_map(|values| json!({"type": "map", "values": values})),
        1 => (proptest::collection::vec(inner, 1..4), 0u32..1_000_000).prop_map(|(fields, n)| json!({
            "type": "record",
            "name": format!("Nested{n}"),
            "fields": fields.iter().enumerate()
                .map(|(i, t)| json!({"name": format!("f{i}"), "type": t, "doc": "a field"}))
                .collect::<Vec<_>>(),
        })),
        1 => (0u32..1_000_000).prop_map(|n| json!({"type": "enum", "name": format!("Kind{n}"), "symbols": ["A", "B"], "default": "A"})),
    ]
    .boxed()
}

/// Names in `value` made unique (two random nested types may have drawn the same number).
fn rename_duplicates(value: &mut Value, seen: &mut std::collections::HashSet<String>) {
    match value {
        Value::Object(map) => {
            let is_type = map.contains_key("type");
            if let (true, Some(Value::String(name))) = (is_type, map.get_mut("name")) {
                while !seen.insert(name.clone()) {
                    name.push('X');
                }
            }
            for v in map.values_mut() {
                rename_duplicates(v, seen);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_duplicates(v, seen)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_avro_repositories_generate_rust_that_parses(
        fields in proptest::collection::vec(avro(3), 1..6),
    ) {
        let mut record = json!({
            "type": "record",
            "name": "Thing",
            "namespace": "com.example",
            "doc": "A thing happened.",
            "fields": fields.iter().enumerate()
                .map(|(i, t)| json!({"name": format!("f{i}"), "type": t, "doc": "a field"}))
                .collect::<Vec<_>>(),
        });
        rename_duplicates(&mut record["fields"], &mut std::collections::HashSet::from(["Thing".to_owned()]));
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("schemas/things/thing");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(dir.path().join("tidings.toml"), "").unwrap();
        let text = serde_json::to_string_pretty(&record).unwrap();
        std::fs::write(folder.join("v1.avsc"), &text).unwrap();
        let generated = tidings_codegen::Config::new()
            .generate(dir.path())
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        for (name, content) in &generated.files {
            if let Err(e) = syn::parse_file(content) {
                panic!("{name} does not parse: {e}\n{content}\n{text}");
            }
        }
    }
}
