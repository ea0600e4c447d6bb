use super::*;

fn load(text: &str) -> JsonSchema {
    parse("s.json", text).unwrap()
}

fn err(text: &str) -> SchemaError {
    parse("bad.json", text).expect_err("the schema should be rejected")
}

#[test]
fn typed_keywords_become_typed_schemas() {
    let s = load(
        r#"{"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}, "required": ["a"], "additionalProperties": false}"#,
    );
    let Kind::Object(o) = &s.get(s.root()).kind else {
        panic!()
    };
    assert_eq!(o.required, ["a"]);
    assert!(!o.additional.permitted);
    let Kind::String(st) = &s.get(o.property("a").unwrap()).kind else {
        panic!()
    };
    assert_eq!(st.max_length, Some(3));
}

#[test]
fn several_keyword_groups_are_a_conjunction_and_type_lists_a_union() {
    let s = load(r#"{"type": ["string", "null"], "enum": ["a", null]}"#);
    let Kind::Combined {
        criterion: Criterion::All,
        subschemas,
        synthetic: true,
    } = &s.get(s.root()).kind
    else {
        panic!()
    };
    assert!(matches!(s.get(subschemas[0]).kind, Kind::Enum(_)));
    let Kind::Combined {
        criterion: Criterion::Any,
        subschemas: types,
        synthetic: false,
    } = &s.get(subschemas[1]).kind
    else {
        panic!()
    };
    assert!(matches!(s.get(types[1]).kind, Kind::Null));
}

#[test]
fn references_resolve_to_defs_pointers_and_anchors() {
    let s = load(
        r##"{
        "properties": {
            "home": {"$ref": "#/definitions/Address"},
            "work": {"$ref": "#Address"},
            "money": {"$ref": "#/$defs/Money"},
            "self": {"$ref": "#"}
        },
        "definitions": {"Address": {"$id": "#Address", "type": "object"}},
        "$defs": {"Money": {"$anchor": "Money", "type": "integer"}}
    }"##,
    );
    let Kind::Object(o) = &s.get(s.root()).kind else {
        panic!()
    };
    let home = s.resolve(o.property("home").unwrap());
    assert_eq!(home, s.resolve(o.property("work").unwrap()));
    assert!(matches!(s.get(home).kind, Kind::Object(_)));
    assert!(matches!(
        s.get(s.resolve(o.property("money").unwrap())).kind,
        Kind::Number(_)
    ));
    assert_eq!(s.resolve(o.property("self").unwrap()), s.root());
}

#[test]
fn file_references_stay_inside_the_schema_root() {
    let dir = std::env::temp_dir().join(format!("tidings-refs-{}", std::process::id()));
    let root = dir.join("schemas");
    std::fs::create_dir_all(root.join("_shared")).unwrap();
    std::fs::write(
        root.join("_shared/money.json"),
        r#"{"$defs": {"Money": {"type": "integer"}}}"#,
    )
    .unwrap();
    std::fs::write(dir.join("secret.json"), "{}").unwrap();
    let event = root.join("orders/order_paid/v1.json");
    std::fs::create_dir_all(event.parent().unwrap()).unwrap();
    std::fs::write(
        &event,
        r#"{"properties": {"total": {"$ref": "../../_shared/money.json#/$defs/Money"}}}"#,
    )
    .unwrap();
    let loader = JsonSchemaLoader::new().schema_root(&root);
    let s = loader.load_file(&event).unwrap();
    let Kind::Object(o) = &s.get(s.root()).kind else {
        panic!()
    };
    let total = s.resolve(o.property("total").unwrap());
    assert!(matches!(s.get(total).kind, Kind::Number(_)));
    assert!(s.file_of(total).ends_with("money.json"));

    std::fs::write(
        &event,
        r#"{"properties": {"x": {"$ref": "../../../secret.json"}}}"#,
    )
    .unwrap();
    let e = loader.load_file(&event).unwrap_err();
    assert!(
        e.message.contains("leaves the schema root"),
        "{}",
        e.message
    );
    assert_eq!(e.pos.line, 1);

    std::fs::write(
        &event,
        r#"{"properties": {"x": {"$ref": "https://example.com/s.json"}}}"#,
    )
    .unwrap();
    let e = loader.load_file(&event).unwrap_err();
    assert!(e.message.contains("not fetched"), "{}", e.message);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rejects_invalid_schemas_with_positions() {
    let e = err("{\n  \"type\": \"object\",\n  \"properties\": {\"a\": {\"type\": \"int\"}}\n}");
    assert_eq!((e.pos.line, e.message.as_str()), (3, "unknown type `int`"));
    assert!(e.help.unwrap().contains("`integer`"));
    for (text, expected) in [
        (
            r##"{"$ref": "#/definitions/Nope"}"##,
            "unresolved reference",
        ),
        (
            r##"{"$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}, "$ref": "#/$defs/A"}"##,
            "cyclic reference",
        ),
        (r#"{"required": "a"}"#, "`required` must be an array"),
        (
            r#"{"type": "string", "minLength": -1}"#,
            "non-negative integer",
        ),
        (
            r#"{"type": "string", "pattern": "("}"#,
            "invalid regular expression",
        ),
        (r#"{"properties": {"a": 3}}"#, "expected a schema"),
        (r#"{"anyOf": []}"#, "non-empty array"),
        (r#"{"type": "number", "multipleOf": 0}"#, "greater than 0"),
        (r#"[1]"#, "expected a schema"),
    ] {
        let e = err(text);
        assert!(e.message.contains(expected), "{text}: got `{}`", e.message);
    }
}

#[test]
fn deep_nesting_is_an_error() {
    let depth = 100_000;
    let text = r#"{"items":"#.repeat(depth) + "{}" + &"}".repeat(depth);
    assert!(err(&text).message.contains("nests deeper"));
}

#[test]
fn long_chains_of_references_are_an_error() {
    let defs: Vec<String> = (0..2_000)
        .map(|i| match i {
            0 => r#""D0": {"type": "string"}"#.to_owned(),
            _ => format!(r##""D{i}": {{"type": "object", "properties": {{"next": {{"$ref": "#/$defs/D{}"}}}}}}"##, i - 1),
        })
        .collect();
    let text = format!(
        r##"{{"$defs": {{{}}}, "$ref": "#/$defs/D1999"}}"##,
        defs.join(",")
    );
    assert!(err(&text)
        .message
        .contains("levels deep through references"));
}

#[test]
fn plain_types_and_their_lists_have_a_shape_that_tells_them_apart() {
    let shape = |text: &str| {
        let s = load(text);
        s.get(s.root()).shape
    };
    let nullable = shape(r#"{"type": ["null", "string"]}"#);
    assert!(nullable.is_some());
    assert_eq!(nullable, shape(r#"{"type": ["null", "string"]}"#));
    // The same model, written the long way.
    assert_eq!(
        nullable,
        shape(r#"{"anyOf": [{"type": "null"}, {"type": "string"}]}"#)
    );
    for other in [
        r#"{"type": ["string", "null"]}"#,
        r#"{"type": ["null", "integer"]}"#,
        r#"{"oneOf": [{"type": "null"}, {"type": "string"}]}"#,
        r#"{"type": "string"}"#,
    ] {
        assert_ne!(nullable, shape(other), "{other}");
    }
    assert_ne!(
        shape(r#"{"type": "integer"}"#),
        shape(r#"{"type": "number"}"#)
    );
    // Constraints, annotations and references are for the engine to compare.
    for none in [
        r#"{"type": "string", "maxLength": 3}"#,
        r#"{"type": "number", "minimum": 0}"#,
        r#"{"type": ["null", "string"], "title": "Name"}"#,
        r#"{"type": "string", "default": "x"}"#,
        r#"{"enum": ["a"]}"#,
        r#"{"type": "object"}"#,
        r##"{"$defs": {"s": {"type": "string"}}, "anyOf": [{"$ref": "#/$defs/s"}, {"type": "null"}]}"##,
    ] {
        assert_eq!(shape(none), None, "{none}");
    }
}
