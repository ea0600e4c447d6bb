//! `tidings compat` as a user runs it: the real binary, real files, exit codes and output.

use crate::common::{repo_root, stderr, stdout, tidings, write};

const V1: &str = r#"{
  "type": "record",
  "name": "OrderPaid",
  "fields": [
    {"name": "order_id", "type": "string"},
    {"name": "amount", "type": "long"}
  ]
}"#;

const V2_BREAKING: &str = r#"{
  "type": "record",
  "name": "OrderPaid",
  "fields": [
    {"name": "order_id", "type": "string"},
    {"name": "amount", "type": "int"},
    {"name": "currency", "type": "string"}
  ]
}"#;

#[test]
fn sample_events_are_compatible_and_exit_0() {
    let out = tidings(
        &[
            "compat",
            "--level",
            "full_transitive",
            "schemas/identity/user_registered/v1.avsc",
            "schemas/identity/user_registered/v2.avsc",
        ],
        &repo_root(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("compatible with 1 previous version at FULL_TRANSITIVE"));
}

/// Each command's help has its own usage and exit statuses: none speaks of what the command
/// does not do.
#[test]
fn help_texts_fit_each_command() {
    let help = |command: &[&str]| {
        let out = tidings(&[command, &["--help"]].concat(), &repo_root());
        assert_eq!(out.status.code(), Some(0));
        stdout(&out)
    };
    let compat = help(&["compat"]);
    assert!(
        compat.contains("Usage: tidings compat [OPTIONS] <OLD>... <NEW>"),
        "{compat}"
    );
    let lint = help(&["lint"]);
    assert!(
        lint.contains("Exit status:") && !lint.contains("registry"),
        "{lint}"
    );
    assert!(!help(&["diff"]).contains("registry"));
    assert!(help(&["check"]).contains("an unreachable registry"));
    assert!(help(&["registry", "serve"]).contains("Exit status:"));
}

/// A non-transitive level compares with the latest previous version only, and says so; a
/// transitive one counts them all.
#[test]
fn the_summary_names_the_versions_the_level_compared_with() {
    let root = repo_root();
    let files = [
        "schemas/identity/user_registered/v1.avsc",
        "schemas/identity/user_registered/v2.avsc",
        "schemas/identity/user_registered/v3.avsc",
    ];
    let run = |level: &str| {
        let out = tidings(
            &[&["compat", "--level", level][..], &files[..]].concat(),
            &root,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    };
    assert!(
        run("BACKWARD").contains(
            "compatible with the latest of 2 previous versions (`schemas/identity/user_registered/v2.avsc`) at BACKWARD"
        ),
        "{}",
        run("BACKWARD")
    );
    assert!(run("BACKWARD_TRANSITIVE")
        .contains("compatible with 2 previous versions at BACKWARD_TRANSITIVE"));
}

#[test]
fn incompatible_changes_print_every_finding_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "v1.avsc", V1);
    write(dir.path(), "v2.avsc", V2_BREAKING);
    let out = tidings(&["compat", "v1.avsc", "v2.avsc"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let findings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("v2.avsc:") && l.ends_with(')'))
        .collect();
    assert_eq!(findings.len(), 2, "{text}");
    // Avro Java's order: the type change at field 1, then the new field without a default.
    assert!(findings[0].starts_with("v2.avsc:6:"), "{}", findings[0]);
    assert!(findings[0].ends_with("(TYPE_MISMATCH)"), "{}", findings[0]);
    assert!(
        findings[0].contains("changed from long to int"),
        "{}",
        findings[0]
    );
    assert!(
        findings[1].starts_with("v2.avsc:7:5: field `currency` was added without a default"),
        "{}",
        findings[1]
    );
    assert!(findings[1].ends_with("(READER_FIELD_MISSING_DEFAULT_VALUE)"));
    assert!(text.contains("help: "));
}

#[test]
fn the_level_decides_the_direction() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "v1.avsc", V1);
    // Adding a field with a default and removing none: BACKWARD and FORWARD compatible.
    write(dir.path(), "v2.avsc", &V1.replace(r#"{"name": "amount", "type": "long"}"#, r#"{"name": "amount", "type": "long"}, {"name": "note", "type": ["null", "string"], "default": null}"#));
    for level in ["backward", "FORWARD", "Full", "NONE"] {
        let out = tidings(
            &["compat", "--level", level, "v1.avsc", "v2.avsc"],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{level}: {}", stdout(&out));
    }
    // Removing a field without a default breaks FORWARD only.
    write(
        dir.path(),
        "v3.avsc",
        r#"{"type": "record", "name": "OrderPaid", "fields": [{"name": "order_id", "type": "string"}]}"#,
    );
    let backward = tidings(
        &["compat", "--level", "BACKWARD", "v1.avsc", "v3.avsc"],
        dir.path(),
    );
    assert_eq!(backward.status.code(), Some(0));
    let forward = tidings(
        &["compat", "--level", "FORWARD", "v1.avsc", "v3.avsc"],
        dir.path(),
    );
    assert_eq!(forward.status.code(), Some(1));
    assert!(
        stdout(&forward).contains("field `amount` was removed"),
        "{}",
        stdout(&forward)
    );
    // Transitive levels look past the latest version.
    let latest_only = tidings(
        &[
            "compat", "--level", "FORWARD", "v1.avsc", "v2.avsc", "v3.avsc",
        ],
        dir.path(),
    );
    assert_eq!(latest_only.status.code(), Some(1));
    let out = tidings(
        &[
            "compat",
            "--level",
            "BACKWARD_TRANSITIVE",
            "v3.avsc",
            "v1.avsc",
            "v2.avsc",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "v1 reads v3 data but v2... must be checked against v3 too"
    );
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "v1.json",
        r#"{"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": false}"#,
    );
    write(
        dir.path(),
        "v2.json",
        r#"{"type": "object", "properties": {"id": {"type": "integer"}}, "additionalProperties": false}"#,
    );
    let out = tidings(
        &["compat", "--format", "json", "v1.json", "v2.json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["compatible"], false);
    assert_eq!(report["level"], "BACKWARD");
    assert_eq!(report["new"], "v2.json");
    assert_eq!(report["previous"][0], "v1.json");
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "TYPE_CHANGED");
    assert_eq!(finding["direction"], "backward");
    assert_eq!(finding["old_version"], 0);
    assert_eq!(finding["new"]["path"], "#/properties/id");
    assert_eq!(finding["new"]["line"], 1);
    assert_eq!(finding["old"]["file"], "v1.json");
    assert!(finding["hint"].as_str().unwrap().len() > 10);
}

#[test]
fn lenient_policy_accepts_open_content_model_changes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "v1.json",
        r#"{"type": "object", "properties": {"id": {"type": "string"}}}"#,
    );
    write(
        dir.path(),
        "v2.json",
        r#"{"type": "object", "properties": {"id": {"type": "string"}, "email": {"type": "string"}}}"#,
    );
    let strict = tidings(&["compat", "v1.json", "v2.json"], dir.path());
    assert_eq!(strict.status.code(), Some(1));
    assert!(stdout(&strict).contains("(PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL)"));
    let lenient = tidings(
        &["compat", "--policy", "lenient", "v1.json", "v2.json"],
        dir.path(),
    );
    assert_eq!(lenient.status.code(), Some(0), "{}", stdout(&lenient));
}

#[test]
fn invalid_schemas_and_usage_errors_exit_2_with_the_position() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "v1.avsc", V1);
    write(dir.path(), "bad.avsc", "{\n  \"type\": \"record\",\n  \"name\": \"OrderPaid\",\n  \"fields\": [{\"name\": \"a\", \"type\": \"integer\"}]\n}");
    let out = tidings(&["compat", "v1.avsc", "bad.avsc"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.starts_with("error: bad.avsc:4:36: unknown type `integer`"),
        "{err}"
    );
    assert!(err.contains("help: Avro spells this type `int`"), "{err}");

    write(dir.path(), "broken.json", "{\"type\": \"object\",}");
    let out = tidings(&["compat", "v1.avsc", "broken.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("broken.json:1:19: invalid JSON"),
        "{}",
        stderr(&out)
    );

    for args in [
        vec!["compat", "v1.avsc"],
        vec!["compat", "--level", "SIDEWAYS", "v1.avsc", "v1.avsc"],
        vec!["compat", "v1.avsc", "missing.avsc"],
        vec!["compat", "v1.avsc", "v1.txt"],
        vec!["frobnicate"],
    ] {
        let out = tidings(&args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty());
    }
}

#[test]
fn help_documents_the_exit_status() {
    let out = tidings(&["compat", "--help"], &repo_root());
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for needle in [
        "--level",
        "--policy",
        "--format",
        "--type",
        "Exit status",
        "1  the run worked",
    ] {
        assert!(help.contains(needle), "missing {needle} in:\n{help}");
    }
}
