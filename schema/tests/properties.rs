//! Properties of the engine on generated schemas: no panics, every schema is compatible with
//! itself at every level, BACKWARD(old, new) gives the verdict of FORWARD(new, old), and the
//! verdict-only path agrees with the full check at every level.

use proptest::prelude::*;
use serde_json::{json, Value};
use tidings_schema::compat::{check, is_compatible, Level, Options};
use tidings_schema::SchemaDoc;

/// A generated Avro type, rendered to JSON with unique names.
#[derive(Debug, Clone)]
enum AvroGen {
    Primitive(&'static str),
    Array(Box<AvroGen>),
    Map(Box<AvroGen>),
    Union(Vec<AvroGen>),
    Record(Vec<(usize, AvroGen, bool)>),
    Enum(Vec<usize>, bool),
    Fixed(u8),
}

fn avro_gen() -> impl Strategy<Value = AvroGen> {
    let leaf = prop_oneof![
        prop::sample::select(vec![
            "null", "boolean", "int", "long", "float", "double", "bytes", "string"
        ])
        .prop_map(AvroGen::Primitive),
        (prop::collection::btree_set(0usize..6, 1..4), any::<bool>())
            .prop_map(|(s, d)| AvroGen::Enum(s.into_iter().collect(), d)),
        (1u8..5).prop_map(AvroGen::Fixed),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| AvroGen::Array(Box::new(t))),
            inner.clone().prop_map(|t| AvroGen::Map(Box::new(t))),
            prop::collection::vec(inner.clone(), 1..4).prop_map(AvroGen::Union),
            prop::collection::vec((0usize..6, inner, any::<bool>()), 0..5)
                .prop_map(AvroGen::Record),
        ]
    })
}

struct Namer(usize);

impl Namer {
    fn next(&mut self, prefix: &str) -> String {
        self.0 += 1;
        format!("{prefix}{}", self.0)
    }
}

fn render(t: &AvroGen, names: &mut Namer) -> Value {
    match t {
        AvroGen::Primitive(p) => json!(p),
        AvroGen::Array(items) => json!({"type": "array", "items": render(items, names)}),
        AvroGen::Map(values) => json!({"type": "map", "values": render(values, names)}),
        AvroGen::Union(branches) => {
            // Unions may not nest nor repeat an unnamed type.
            let mut seen = Vec::new();
            let mut out = Vec::new();
            for b in branches {
                let key = match b {
                    AvroGen::Union(_) => continue,
                    AvroGen::Primitive(p) => p.to_string(),
                    AvroGen::Array(_) => "array".into(),
                    AvroGen::Map(_) => "map".into(),
                    _ => format!("named{}", out.len()),
                };
                if !seen.contains(&key) {
                    seen.push(key);
                    out.push(render(b, names));
                }
            }
            if out.is_empty() {
                json!("null")
            } else {
                Value::Array(out)
            }
        }
        AvroGen::Record(fields) => {
            let mut used = Vec::new();
            let mut out = Vec::new();
            for (n, ty, nullable) in fields {
                if used.contains(n) {
                    continue;
                }
                used.push(*n);
                let inner = render(ty, names);
                let field =
                    if *nullable && !matches!(ty, AvroGen::Union(_) | AvroGen::Primitive("null")) {
                        json!({"name": format!("f{n}"), "type": ["null", inner], "default": null})
                    } else {
                        json!({"name": format!("f{n}"), "type": inner})
                    };
                out.push(field);
            }
            json!({"type": "record", "name": names.next("R"), "fields": out})
        }
        AvroGen::Enum(symbols, with_default) => {
            let symbols: Vec<String> = symbols.iter().map(|s| format!("S{s}")).collect();
            let mut e =
                json!({"type": "enum", "name": names.next("E"), "symbols": symbols.clone()});
            if *with_default {
                e["default"] = json!(symbols[0]);
            }
            e
        }
        AvroGen::Fixed(size) => json!({"type": "fixed", "name": names.next("F"), "size": size}),
    }
}

fn avro_doc(t: &AvroGen, file: &str) -> SchemaDoc {
    // Named types in the two versions share names so that they can match.
    let text = serde_json::to_string_pretty(&render(t, &mut Namer(0))).unwrap();
    SchemaDoc::parse_avro(file, &text)
        .unwrap_or_else(|e| panic!("generated schema rejected: {e}\n{text}"))
}

fn json_gen() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        (0u32..10).prop_map(|n| json!({"type": "string", "maxLength": n})),
        Just(json!({"type": "integer"})),
        (-5i32..5).prop_map(|n| json!({"type": "number", "minimum": n})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": ["string", "null"]})),
        prop::collection::vec(0u8..4, 1..3).prop_map(|v| json!({"enum": v})),
        Just(json!({})),
        Just(json!(true)),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            (prop::collection::btree_map(0u8..5, inner.clone(), 0..4), prop::collection::vec(0u8..5, 0..3), prop::option::of(any::<bool>())).prop_map(|(props, required, additional)| {
                let properties: serde_json::Map<String, Value> = props.into_iter().map(|(k, v)| (format!("p{k}"), v)).collect();
                let mut o = json!({"type": "object", "properties": properties, "required": required.iter().map(|r| format!("p{r}")).collect::<Vec<_>>()});
                if let Some(a) = additional {
                    o["additionalProperties"] = json!(a);
                }
                o
            }),
            inner.clone().prop_map(|i| json!({"type": "array", "items": i})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"anyOf": v})),
            prop::collection::vec(inner, 1..3).prop_map(|v| json!({"oneOf": v})),
        ]
    })
}

fn json_doc(v: &Value, file: &str) -> SchemaDoc {
    SchemaDoc::parse_json(file, &serde_json::to_string_pretty(v).unwrap()).unwrap()
}

/// An object schema's text with its properties in the order given (`serde_json`'s map would
/// sort them).
fn object_text(properties: &[(String, &'static str)], required: &[String], closed: bool) -> String {
    let members: Vec<String> = properties
        .iter()
        .map(|(name, schema)| format!("{name:?}: {schema}"))
        .collect();
    format!(
        r#"{{"type": "object", "properties": {{{}}}, "required": {required:?}, "additionalProperties": {}}}"#,
        members.join(", "),
        !closed
    )
}

const PROPERTY_SCHEMAS: [&str; 4] = [
    r#"{"type": "string"}"#,
    r#"{"type": "string", "maxLength": 5}"#,
    r#"{"type": "integer"}"#,
    r#"{"type": ["string", "null"]}"#,
];

/// Properties by name, in the order written.
type Properties = Vec<(String, &'static str)>;

/// An object of up to 40 properties (past the engine's scan-or-index threshold), and an update
/// that keeps, changes or drops each and adds new ones at the end: (original, update in order).
fn object_pair_gen() -> impl Strategy<Value = (Properties, Properties)> {
    (
        prop::collection::vec((0..4usize, 0..4usize, any::<bool>()), 0..40),
        prop::collection::vec(0..4usize, 0..4),
    )
        .prop_map(|(kept, added)| {
            let original = (kept.iter().enumerate())
                .map(|(i, (was, _, _))| (format!("p{i}"), PROPERTY_SCHEMAS[*was]))
                .collect();
            let update = (kept.iter().enumerate())
                .filter(|(_, (_, _, keep))| *keep)
                .map(|(i, (_, is, _))| (format!("p{i}"), PROPERTY_SCHEMAS[*is]))
                .chain(
                    added
                        .iter()
                        .enumerate()
                        .map(|(i, s)| (format!("q{i}"), PROPERTY_SCHEMAS[*s])),
                )
                .collect();
            (original, update)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Properties are paired by name: members that keep their place are paired without a
    /// look-up, so moving them about must not change what is found, only its order.
    #[test]
    fn json_findings_do_not_depend_on_where_properties_are_listed(
        (original, update) in object_pair_gen(),
        shuffled in Just(()).prop_perturb(|_, mut rng| rng.random::<u64>()),
        required in prop::collection::vec(0..50usize, 0..4),
        closed in any::<bool>(),
    ) {
        let mut moved = update.clone();
        // A fixed permutation from the generated seed (proptest shrinks the seed).
        let mut seed = shuffled | 1;
        for i in (1..moved.len()).rev() {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
            moved.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let required: Vec<String> = required.iter().map(|r| format!("p{r}")).collect();
        let old = SchemaDoc::parse_json("old.json", &object_text(&original, &required, closed)).unwrap();
        let findings = |update: &[(String, &'static str)]| {
            let new = SchemaDoc::parse_json("new.json", &object_text(update, &required, closed)).unwrap();
            let mut found: Vec<(String, String, String)> = check(std::slice::from_ref(&old), &new, Level::Full)
                .findings
                .into_iter()
                .map(|f| (f.rule, f.new.path, f.old.path))
                .collect();
            found.sort();
            found
        };
        prop_assert_eq!(findings(&update), findings(&moved));
    }

    #[test]
    fn every_avro_schema_is_compatible_with_itself(t in avro_gen()) {
        let a = avro_doc(&t, "a.avsc");
        let b = avro_doc(&t, "b.avsc");
        for level in Level::ALL {
            let report = check(std::slice::from_ref(&a), &b, level);
            prop_assert!(report.is_compatible(), "{level}: {:?}", report.findings);
        }
    }

    #[test]
    fn avro_backward_equals_forward_reversed(old in avro_gen(), new in avro_gen()) {
        let (old, new) = (avro_doc(&old, "old.avsc"), avro_doc(&new, "new.avsc"));
        let backward = check(std::slice::from_ref(&old), &new, Level::Backward);
        let forward = check(std::slice::from_ref(&new), &old, Level::Forward);
        prop_assert_eq!(backward.is_compatible(), forward.is_compatible());
        let rules = |r: &tidings_schema::compat::Report| r.findings.iter().map(|f| f.rule.clone()).collect::<Vec<_>>();
        prop_assert_eq!(rules(&backward), rules(&forward));
    }

    #[test]
    fn the_verdict_only_path_agrees_with_the_full_check(
        a in avro_gen(), b in avro_gen(), c in avro_gen(), x in json_gen(), y in json_gen()
    ) {
        let avro = [avro_doc(&a, "a.avsc"), avro_doc(&b, "b.avsc"), avro_doc(&c, "c.avsc")];
        let json = [json_doc(&x, "x.json"), json_doc(&y, "y.json")];
        for level in Level::ALL {
            for (previous, new) in [(&avro[..2], &avro[2]), (&avro[1..], &avro[0]), (&json[..1], &json[1]), (&json[1..], &json[0])] {
                let full = check(previous, new, level).is_compatible();
                prop_assert_eq!(is_compatible(previous, new, level, Options::default()), full, "{}", level);
            }
        }
    }

    #[test]
    fn every_json_schema_is_compatible_with_itself(v in json_gen()) {
        let (a, b) = (json_doc(&v, "a.json"), json_doc(&v, "b.json"));
        for level in Level::ALL {
            let report = check(std::slice::from_ref(&a), &b, level);
            prop_assert!(report.is_compatible(), "{level}: {:?}", report.findings);
        }
    }

    #[test]
    fn json_backward_equals_forward_reversed(old in json_gen(), new in json_gen()) {
        let (old, new) = (json_doc(&old, "old.json"), json_doc(&new, "new.json"));
        let backward = check(std::slice::from_ref(&old), &new, Level::Backward);
        let forward = check(std::slice::from_ref(&new), &old, Level::Forward);
        prop_assert_eq!(backward.is_compatible(), forward.is_compatible());
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = SchemaDoc::parse_avro("x.avsc", &text);
        let _ = SchemaDoc::parse_json("x.json", &text);
    }

    #[test]
    fn parsers_never_panic_on_mangled_schemas(t in avro_gen(), v in json_gen(), cut in 0usize..400, junk in "[\\[\\]{}\":,a-z0-9 ]{0,8}") {
        for text in [serde_json::to_string(&render(&t, &mut Namer(0))).unwrap(), serde_json::to_string(&v).unwrap()] {
            let mut chars: Vec<char> = text.chars().collect();
            let at = cut.min(chars.len());
            chars.splice(at..at, junk.chars());
            let mangled: String = chars.into_iter().collect();
            if let (Ok(a), Ok(b)) = (SchemaDoc::parse_avro("m.avsc", &mangled), SchemaDoc::parse_avro("o.avsc", &text)) {
                let _ = check(&[a], &b, Level::FullTransitive);
            }
            if let (Ok(a), Ok(b)) = (SchemaDoc::parse_json("m.json", &mangled), SchemaDoc::parse_json("o.json", &text)) {
                let _ = check(&[a], &b, Level::FullTransitive);
            }
        }
    }
}
