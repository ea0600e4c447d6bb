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
