//! The deepest schemas tidings accepts, as processes on a 2 MiB stack (the size of a spawned
//! thread or a tokio worker, a quarter of a main thread's usual 8 MiB): every command reads,
//! checks, diffs, generates and publishes them without overflowing, and one level deeper is
//! an error that names the file. The recursive walks (parsers, engines, diff, code generator,
//! local registry) are bounded by the parse-time limits: 128 levels of JSON text and
//! `tidings_schema::MAX_TYPE_DEPTH` levels of types once references are followed.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{serve, stderr, stdout, write};
use serde_json::{json, Value};

/// The four ways to nest deeply, each at the deepest level tidings accepts.
const DEEPEST: [(&str, usize); 4] = [
    // Records used by name, defined side by side: shallow text, 256 levels of types.
    ("avro_chain_built", 254),
    // `$defs` referring to each other: each level is a property and its object schema.
    ("json_chain_built", 127),
    // Records written inside each other: three levels of JSON text per record.
    ("avro_nested_built", 41),
    // Objects written inside each other: two levels of JSON text per property.
    ("json_nested_built", 62),
];

/// The schema of `event` nested `levels` deep, its innermost field of type `leaf` (`true`: the
/// first version's string, `false`: a number, which no level accepts in place of a string).
fn deep_schema(event: &str, levels: usize, string_leaf: bool) -> Value {
    let avro_leaf = if string_leaf { "string" } else { "int" };
    let json_leaf = json!({"type": if string_leaf { "string" } else { "integer" }});
    let name = event
        .split('_')
        .map(|w| w[..1].to_uppercase() + &w[1..])
        .collect::<String>();
    match event {
        "avro_chain_built" => {
            let fields: Vec<Value> = (1..=levels)
                .map(|i| {
                    let inner = if i == 1 {
                        json!({"name": "leaf", "type": avro_leaf})
                    } else {
                        json!({"name": "previous", "type": format!("Level{}", i - 1)})
                    };
                    json!({"name": format!("level_{i}"), "type": {"type": "record", "name": format!("Level{i}"), "fields": [inner]}})
                })
                .collect();
            json!({"type": "record", "name": name, "namespace": "deep", "fields": fields})
        }
        "avro_nested_built" => {
            let mut inner = json!(avro_leaf);
            for i in (1..=levels).rev() {
                inner = json!({"type": "record", "name": format!("Nest{i}"), "fields": [{"name": "inner", "type": inner}]});
            }
            json!({"type": "record", "name": name, "namespace": "deep", "fields": [{"name": "inner", "type": inner}]})
        }
        "json_chain_built" => {
            let mut defs = serde_json::Map::new();
            for i in 1..=levels {
                let property = if i == 1 {
                    json!({"leaf": json_leaf})
                } else {
                    json!({"previous": {"$ref": format!("#/$defs/level{}", i - 1)}})
                };
                defs.insert(
                    format!("level{i}"),
                    json!({"type": "object", "properties": property}),
                );
            }
            json!({"title": name, "type": "object", "properties": {"top": {"$ref": format!("#/$defs/level{levels}")}}, "$defs": defs})
        }
        "json_nested_built" => {
            let mut inner = json_leaf;
            for _ in 0..levels {
                inner = json!({"type": "object", "properties": {"inner": inner}});
            }
            json!({"title": name, "type": "object", "properties": {"inner": inner}})
        }
        other => unreachable!("{other}"),
    }
}

fn file(event: &str, version: u32) -> String {
    let extension = if event.starts_with("avro") {
        "avsc"
    } else {
        "json"
    };
    format!("schemas/deep/{event}/v{version}.{extension}")
}

fn write_version(dir: &Path, event: &str, levels: usize, version: u32) {
    let schema = deep_schema(event, levels, version == 1);
    write(
        dir,
        &file(event, version),
        &serde_json::to_string_pretty(&schema).unwrap(),
    );
}

fn project(levels: impl Fn(usize) -> usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tidings.toml",
        "schema_root = \"schemas\"\ncompatibility = \"FULL_TRANSITIVE\"\n",
    );
    for (event, deepest) in DEEPEST {
        write_version(dir.path(), event, levels(deepest), 1);
    }
    dir
}

/// `tidings args...` with its main thread's stack limited to 2 MiB.
fn on_a_small_stack(args: &[&str], dir: &Path) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -s 2048 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_tidings"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("sh runs")
}

/// The exit status, failing with the output when the process did not exit (a stack overflow
/// aborts it) or exited otherwise than `expected`.
fn assert_exit(output: &Output, expected: i32, what: &str) {
    assert_eq!(
        output.status.code(),
        Some(expected),
        "{what}: {:?}\n{}\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

#[test]
fn the_deepest_accepted_schemas_go_through_every_command_on_a_small_stack() {
    let project = project(|deepest| deepest);
    let dir = project.path();
    let (_served, url) = serve(dir);
    let publish = on_a_small_stack(&["publish", "--registry", &url], dir);
    assert_exit(&publish, 0, "publish of the first versions");

    // Second versions whose innermost field changed type: every walk goes to the bottom.
    for (event, deepest) in DEEPEST {
        write_version(dir, event, deepest, 2);
    }
    let check = on_a_small_stack(&["check"], dir);
    assert_exit(&check, 1, "check");
    let against_registry = on_a_small_stack(&["check", "--registry", &url], dir);
    assert_exit(&against_registry, 1, "check --registry");
    for (event, _) in DEEPEST {
        let v2 = file(event, 2);
        let refused = format!("{v2}:1:1: v2 would be refused by the registry");
        assert!(
            stdout(&against_registry).contains(&refused),
            "{refused}\n{}",
            stdout(&against_registry)
        );
        assert!(
            stdout(&check).contains(&format!("{v2}:")),
            "{}",
            stdout(&check)
        );
        let v1 = file(event, 1);
        assert_exit(&on_a_small_stack(&["diff", &v1, &v2], dir), 0, "diff");
        assert_exit(
            &on_a_small_stack(&["diff", "--format", "json", &v1, &v2], dir),
            0,
            "diff --format json",
        );
        for level in ["BACKWARD", "FORWARD", "FULL_TRANSITIVE"] {
            let compat = on_a_small_stack(&["compat", "--level", level, &v1, &v2], dir);
            assert_exit(&compat, 1, &format!("compat {level} {event}"));
        }
        let none = on_a_small_stack(&["compat", "--level", "NONE", &v1, &v2], dir);
        assert_exit(&none, 0, "compat NONE");
    }
    assert_exit(&on_a_small_stack(&["lint"], dir), 0, "lint");
    let generate = on_a_small_stack(&["generate", "--out", "generated"], dir);
    assert_exit(&generate, 0, "generate");
    let generated = std::fs::read_to_string(dir.join("generated/deep.rs")).unwrap();
    assert!(
        generated.contains("pub struct Level254"),
        "{generated:.500}"
    );
    let refused = on_a_small_stack(&["publish", "--registry", &url], dir);
    assert_exit(&refused, 1, "publish of the breaking versions");
}

#[test]
fn one_level_deeper_is_an_error_naming_the_file() {
    let project = project(|deepest| deepest + 1);
    let check = on_a_small_stack(&["check"], project.path());
    assert_exit(&check, 2, "check");
    for (event, _) in DEEPEST {
        let v1 = format!("{}:", file(event, 1));
        let message = stderr(&check);
        let line = message
            .lines()
            .find(|line| line.contains(&v1))
            .unwrap_or_else(|| panic!("{v1} not named in\n{message}"));
        assert!(line.contains("deep") || line.contains("deeper"), "{line}");
    }
}
