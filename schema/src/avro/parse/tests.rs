use super::*;

fn err(text: &str) -> SchemaError {
    parse("bad.avsc", text).expect_err("the schema should be rejected")
}

#[test]
fn reads_records_with_namespaces_aliases_and_recursion() {
    let schema = parse(
        "node.avsc",
        r#"{"type": "record", "name": "Node", "namespace": "com.example",
            "aliases": ["OldNode"],
            "fields": [
              {"name": "value", "type": "long", "aliases": ["v"]},
              {"name": "children", "type": {"type": "array", "items": "Node"}},
              {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"], "default": "A"}},
              {"name": "other", "type": "com.example.Kind"}
            ]}"#,
    )
    .unwrap();
    let Kind::Record(record) = schema.kind(schema.root()) else {
        panic!("not a record")
    };
    assert_eq!(record.name.fullname(), "com.example.Node");
    assert_eq!(record.aliases, ["com.example.OldNode"]);
    assert_eq!(record.fields[0].aliases, ["v"]);
    let Kind::Array(items) = schema.kind(record.fields[1].ty) else {
        panic!("not an array")
    };
    assert_eq!(
        *items,
        schema.root(),
        "recursive reference resolves to the record itself"
    );
    assert_eq!(
        record.fields[2].ty, record.fields[3].ty,
        "named types are shared"
    );
    assert_eq!(record.fields[1].pos.line, 5);
    assert!(
        schema.get(schema.root()).is_referenced()
            && schema.get(record.fields[2].ty).is_referenced(),
        "a type named again (recursively or not) may be reached along several paths"
    );
}

#[test]
fn forward_references_resolve() {
    let schema = parse(
        "fwd.avsc",
        r#"{"type": "record", "name": "A", "fields": [
              {"name": "b", "type": ["null", "B"]},
              {"name": "b2", "type": {"type": "record", "name": "B", "fields": []}}
            ]}"#,
    )
    .unwrap();
    let Kind::Record(a) = schema.kind(schema.root()) else {
        panic!()
    };
    let Kind::Union(branches) = schema.kind(a.fields[0].ty) else {
        panic!()
    };
    assert_eq!(branches[1], a.fields[1].ty);
    assert!(
        schema.get(branches[1]).is_referenced(),
        "named before it is defined"
    );
    assert!(
        !schema.get(schema.root()).is_referenced(),
        "defined, never named again"
    );
}

#[test]
fn named_types_may_come_from_referenced_files() {
    let money = SourceFile {
        name: "shared/money.avsc",
        text: r#"{"type": "record", "name": "Money", "namespace": "shared", "fields": [{"name": "cents", "type": "long"}]}"#,
    };
    let order = SourceFile {
        name: "order.avsc",
        text: r#"{"type": "record", "name": "OrderPaid", "fields": [{"name": "total", "type": "shared.Money"}]}"#,
    };
    let schema = AvroParser::new()
        .parse_with_references(order, &[money])
        .unwrap();
    assert!(schema
        .canonical_form()
        .contains("\"name\":\"shared.Money\""));
    let missing = AvroParser::new().parse(order).unwrap_err();
    assert_eq!(missing.file, "order.avsc");
    assert!(missing.message.contains("unknown type `shared.Money`"));
}

#[test]
fn logical_types_attach_only_where_valid() {
    let schema = parse(
        "l.avsc",
        r#"{"type": "record", "name": "R", "fields": [
            {"name": "a", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
            {"name": "b", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "c", "type": {"type": "long", "logicalType": "timestamp-micros"}},
            {"name": "d", "type": {"type": "int", "logicalType": "timestamp-micros"}},
            {"name": "e", "type": {"type": "fixed", "name": "D", "size": 12, "logicalType": "duration"}},
            {"name": "f", "type": {"type": "fixed", "name": "Small", "size": 2, "logicalType": "decimal", "precision": 9}}
        ]}"#,
    )
    .unwrap();
    let Kind::Record(r) = schema.kind(schema.root()) else {
        panic!()
    };
    let logical: Vec<_> = r
        .fields
        .iter()
        .map(|f| schema.get(f.ty).logical.clone())
        .collect();
    assert_eq!(
        logical,
        [
            Some(LogicalType::Decimal {
                precision: 9,
                scale: 2
            }),
            Some(LogicalType::Uuid),
            Some(LogicalType::TimestampMicros),
            None,
            Some(LogicalType::Duration),
            None,
        ]
    );
}

#[test]
fn errors_name_the_position_and_the_fix() {
    let e = err("{\n  \"type\": \"record\",\n  \"name\": \"R\",\n  \"fields\": [{\"name\": \"a\", \"type\": \"integer\"}]\n}");
    assert_eq!((e.pos.line, e.pos.col), (4, 36));
    assert!(e.message.contains("unknown type `integer`"));
    assert!(e.help.as_deref().unwrap().contains("`int`"));
    assert_eq!(
        e.to_string().lines().next().unwrap(),
        "bad.avsc:4:36: unknown type `integer`"
    );
}

#[test]
fn rejects_invalid_schemas() {
    let cases = [
        (
            r#"{"type": "record", "name": "9R", "fields": []}"#,
            "invalid name",
        ),
        (r#"{"type": "record", "fields": []}"#, "has no `name`"),
        (
            r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}"#,
            "duplicate field `a`",
        ),
        (
            r#"{"type": "enum", "name": "E", "symbols": ["A", "A"]}"#,
            "duplicate symbol `A`",
        ),
        (
            r#"{"type": "enum", "name": "E", "symbols": ["A"], "default": "B"}"#,
            "enum default `B`",
        ),
        (
            r#"{"type": "enum", "name": "E", "symbols": ["a-b"]}"#,
            "invalid enum symbol",
        ),
        (r#"{"type": "fixed", "name": "F", "size": -1}"#, "`size`"),
        (
            r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "default": "x"}]}"#,
            "default of field `a`",
        ),
        (
            r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "default": 3000000000}]}"#,
            "default of field `a`",
        ),
        (
            r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": ["string", "null"], "default": null}]}"#,
            "default of field `a`",
        ),
        (
            r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "array", "items": "int"}, "default": [1, "x"]}]}"#,
            "default of field `a`",
        ),
        (r#"["int", "int"]"#, "twice"),
        (r#"["int", ["null"]]"#, "union may not contain a union"),
        (
            r#"{"type": "record", "name": "R", "fields": []} "#.trim_end(),
            "",
        ),
        (
            r#"{"type": "record", "name": "A", "fields": [{"name": "x", "type": {"type": "record", "name": "A", "fields": []}}]}"#,
            "defined twice",
        ),
        (r#"{"type": "map"}"#, "missing `values`"),
        (r#"{"name": "x"}"#, "no `type`"),
        (r#"42"#, "expected an Avro schema"),
        (
            r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "order": "up"}]}"#,
            "invalid `order`",
        ),
    ];
    for (text, expected) in cases {
        if expected.is_empty() {
            assert!(parse("ok.avsc", text).is_ok());
            continue;
        }
        let e = err(text);
        assert!(
            e.message.contains(expected),
            "{text}: got `{}`, expected `{expected}`",
            e.message
        );
    }
}

#[test]
fn accepts_valid_defaults() {
    parse(
        "d.avsc",
        r#"{"type": "record", "name": "R", "fields": [
            {"name": "a", "type": ["null", "string"], "default": null},
            {"name": "b", "type": "double", "default": 1},
            {"name": "c", "type": {"type": "map", "values": "long"}, "default": {"x": 1}},
            {"name": "d", "type": {"type": "fixed", "name": "F", "size": 2}, "default": "\u00ff\u0000"},
            {"name": "e", "type": {"type": "record", "name": "In", "fields": [{"name": "x", "type": "int", "default": 0}]}, "default": {}},
            {"name": "f", "type": "float", "default": "NaN"}
        ]}"#,
    )
    .unwrap();
}

#[test]
fn anonymous_records_only_on_request() {
    let text = r#"{"type": "record", "fields": [{"name": "a", "type": "int"}]}"#;
    assert!(parse("a.avsc", text).is_err());
    let parsed = AvroParser::new()
        .allow_anonymous_records(true)
        .parse(SourceFile {
            name: "a.avsc",
            text,
        })
        .unwrap();
    assert_eq!(parsed.kind(parsed.root()).name().unwrap().name, "");
}

#[test]
fn deep_nesting_is_an_error() {
    let depth = 100_000;
    let text = "{\"type\":\"array\",\"items\":".repeat(depth) + "\"int\"" + &"}".repeat(depth);
    let e = err(&text);
    assert!(e.message.contains("nests deeper"), "{}", e.message);
}

#[test]
fn long_chains_of_named_types_are_an_error() {
    let records: Vec<String> = (0..2_000)
        .map(|i| {
            let prev = if i == 0 { String::new() } else { format!(r#", {{"name": "prev", "type": "R{}"}}"#, i - 1) };
            format!(r#"{{"type": "record", "name": "R{i}", "fields": [{{"name": "x", "type": "int"}}{prev}]}}"#)
        })
        .collect();
    let e = err(&format!("[{}]", records.join(",")));
    assert!(
        e.message.contains("levels deep through named references"),
        "{}",
        e.message
    );
}
