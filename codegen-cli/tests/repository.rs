//! `tidings lint` and `tidings check` on real project folders, with real git for baselines.

use std::path::Path;
use std::process::Command;

use crate::common::{repo_root, stderr, stdout, tidings, write};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const PAID_V1: &str = r#"{
  "type": "record",
  "name": "OrderPaid",
  "doc": "The customer paid.",
  "fields": [
    {"name": "order_id", "type": "string", "doc": "The order."},
    {"name": "amount_minor", "type": "long", "doc": "Amount in cents."}
  ]
}
"#;

const PAID_V2: &str = r#"{
  "type": "record",
  "name": "OrderPaid",
  "doc": "The customer paid.",
  "fields": [
    {"name": "order_id", "type": "string", "doc": "The order."},
    {"name": "amount_minor", "type": "long", "doc": "Amount in cents."},
    {"name": "method", "type": ["null", "string"], "default": null, "doc": "How."}
  ]
}
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tidings.toml",
        "schema_root = \"schemas\"\ncompatibility = \"FULL_TRANSITIVE\"\n",
    );
    write(dir.path(), "schemas/orders/order_paid/v1.avsc", PAID_V1);
    write(dir.path(), "schemas/orders/order_paid/v2.avsc", PAID_V2);
    dir
}

#[test]
fn the_sample_repository_passes_lint_and_check() {
    for command in ["lint", "check"] {
        let out = tidings(&[command], &repo_root());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{command}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(stdout(&out).contains("41 events"), "{}", stdout(&out));
        assert!(stdout(&out).contains("0 errors"), "{}", stdout(&out));
    }
}

/// As cargo finds Cargo.toml: from any folder of the project, and from `-C` a folder inside it.
#[test]
fn the_project_is_found_from_a_folder_below_it() {
    let dir = project();
    let below = dir.path().join("schemas/orders");
    for (args, cwd) in [
        (vec!["check"], below.as_path()),
        (vec!["lint"], below.as_path()),
        (vec!["check", "-C", "schemas/orders/order_paid"], dir.path()),
    ] {
        let out = tidings(&args, cwd);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(
            stdout(&out).contains("1 event"),
            "{args:?}: {}",
            stdout(&out)
        );
    }
    // No tidings.toml anywhere above: the error names the folder.
    let lone = tempfile::tempdir().unwrap();
    let out = tidings(&["check"], lone.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("tidings.toml"), "{}", stderr(&out));
}

/// Paths name the files as seen from where the command ran, in every format: from the folder
/// above the project with `-C service`, and from a folder below it.
#[test]
fn paths_are_shown_from_the_folder_the_command_ran_in() {
    let outer = tempfile::tempdir().unwrap();
    let dir = outer.path().join("service");
    let project = project();
    std::fs::rename(project.path(), &dir).unwrap();
    // A breaking v3 (the type of `amount` changed).
    write(
        &dir,
        "schemas/orders/order_paid/v3.avsc",
        &PAID_V2.replace(r#""type": "long""#, r#""type": "string""#),
    );
    let below = dir.join("schemas/orders");
    for (args, cwd, shown) in [
        (
            vec!["check", "-C", "service", "--format", "github"],
            outer.path(),
            "file=service/schemas/orders/order_paid/v3.avsc,",
        ),
        (
            vec!["check", "-C", "service"],
            outer.path(),
            "service/schemas/orders/order_paid/v3.avsc:",
        ),
        (
            vec!["check", "--format", "github"],
            below.as_path(),
            "file=../../schemas/orders/order_paid/v3.avsc,",
        ),
        (
            vec!["check", "--format", "json"],
            below.as_path(),
            "\"../../schemas/orders/order_paid/v3.avsc\"",
        ),
        (
            vec!["check"],
            dir.as_path(),
            "\nschemas/orders/order_paid/v3.avsc:",
        ),
    ] {
        let out = tidings(&args, cwd);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        let text = format!("\n{}", stdout(&out));
        assert!(
            text.contains(shown),
            "{args:?} from {cwd:?}: {shown} not in\n{text}"
        );
    }
    let generated = tidings(&["generate", "-C", "service", "--out", "gen"], outer.path());
    assert!(
        stdout(&generated).starts_with("service/gen: "),
        "{}",
        stdout(&generated)
    );
    let checked = tidings(&["generate", "--out", "gen", "--check"], &below);
    assert!(
        stdout(&checked).starts_with("../../gen: "),
        "{}",
        stdout(&checked)
    );
    std::fs::rename(&dir, project.path()).unwrap();
}

#[test]
fn lint_finds_imperative_names_gaps_and_missing_docs() {
    let dir = project();
    write(
        dir.path(),
        "schemas/identity/register_user/v1.avsc",
        r#"{"type": "record", "name": "RegisterUser", "fields": [{"name": "userId", "type": "string"}]}"#,
    );
    write(
        dir.path(),
        "schemas/identity/register_user/v3.avsc",
        r#"{"type": "record", "name": "RegisterUser", "doc": "x", "fields": [{"name": "userId", "type": "string", "doc": "x"}]}"#,
    );
    write(dir.path(), "schemas/orders/order_shipped/v1.json", "{\n  \"title\": \"OrderSent\",\n  \"description\": \"d\",\n  \"type\": \"object\",\n  \"properties\": {\"id\": {\"type\": \"string\", \"description\": \"d\"}}\n}\n");
    write(dir.path(), "schemas/orders/order_shipped/notes.txt", "x");
    let out = tidings(&["lint"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "schemas/identity/register_user/v1.avsc:1:28: event names are past tense: `RegisterUser` could be `UserRegistered` (EVENT_NAME_PAST_TENSE)",
        "help: rename the event `UserRegistered`: the folder `user_registered` and the name in every version",
        "(VERSION_SEQUENCE)",
        "field `userId` is not snake_case; write `user_id` (FIELD_NAME_CASE)",
        "warning: field `userId` of `RegisterUser` has no `doc` (FIELD_DOC_MISSING)",
        "warning: the event has no `doc` (EVENT_DOC_MISSING)",
        "schemas/orders/order_shipped/v1.json:2:12: the event is named `OrderSent` but its folder `order_shipped` says `OrderShipped` (EVENT_NAME_MATCHES_FOLDER)",
        "warning: the content model is open",
        "schemas/orders/order_shipped/notes.txt:1:1: `notes.txt` is not a version file name (VERSION_FILE_NAME)",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    // Rules can be switched off everywhere or for some paths.
    write(
        dir.path(),
        "tidings.toml",
        "schema_root = \"schemas\"\n[lint]\nfield_case = \"any\"\nexcept = [\"FIELD_DOC_MISSING\", \"EVENT_DOC_MISSING\"]\nignore = [\"orders/order_shipped\"]\nignore_only = { EVENT_NAME_PAST_TENSE = [\"identity/register_user\"] }\n",
    );
    let text = stdout(&tidings(&["lint"], dir.path()));
    for gone in [
        "EVENT_NAME_PAST_TENSE",
        "FIELD_NAME_CASE",
        "FIELD_DOC_MISSING",
        "EVENT_DOC_MISSING",
        "order_shipped",
    ] {
        assert!(!text.contains(gone), "`{gone}` should be silenced:\n{text}");
    }
    assert!(text.contains("(VERSION_SEQUENCE)"), "{text}");
    write(
        dir.path(),
        "tidings.toml",
        "schema_root = \"schemas\"\n[lint]\nexcept = [\"NO_SUCH_RULE\"]\n",
    );
    let out = tidings(&["lint"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown lint rule `NO_SUCH_RULE`"),
        "{}",
        stderr(&out)
    );
    // A misspelt rule: where it is, and the rule meant.
    write(
        dir.path(),
        "tidings.toml",
        "schema_root = \"schemas\"\n[lint]\nexcept = [\"FIELD_DOC_MISING\"]\n",
    );
    for command in ["lint", "check", "publish"] {
        let out = tidings(
            &[command, "--dry-run"][..if command == "publish" { 2 } else { 1 }],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(
            stderr(&out).contains("tidings.toml:3:11: unknown lint rule `FIELD_DOC_MISING` in [lint]; did you mean `FIELD_DOC_MISSING`?"),
            "{command}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn check_reports_incompatible_versions_in_every_format() {
    let dir = project();
    assert_eq!(tidings(&["check"], dir.path()).status.code(), Some(0));
    // v3 turns a long into an int: neither direction can read the other.
    write(
        dir.path(),
        "schemas/orders/order_paid/v3.avsc",
        &PAID_V2.replace(
            r#""amount_minor", "type": "long""#,
            r#""amount_minor", "type": "int""#,
        ),
    );
    let out = tidings(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("schemas/orders/order_paid/v3.avsc:7:38: v3 is not FULL_TRANSITIVE compatible: the type of `amount_minor` changed from long to int"), "{text}");
    assert!(text.contains("(TYPE_MISMATCH)"));

    let json: serde_json::Value =
        serde_json::from_slice(&tidings(&["check", "--format", "json"], dir.path()).stdout)
            .unwrap();
    assert_eq!(json["command"], "check");
    assert!(json["errors"].as_u64().unwrap() >= 2);
    assert_eq!(json["diagnostics"][0]["rule"], "TYPE_MISMATCH");
    assert_eq!(json["diagnostics"][0]["line"], 7);

    let github = stdout(&tidings(&["check", "--format", "github"], dir.path()));
    let first = github.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::error file=schemas/orders/order_paid/v3.avsc,line=7,col=38,title=TYPE_MISMATCH::"
        ),
        "{first}"
    );
    assert!(first.contains("%0Ahelp: "), "newlines are escaped: {first}");

    let sarif_out = tidings(&["check", "--format", "sarif"], dir.path());
    let sarif: serde_json::Value = serde_json::from_slice(&sarif_out.stdout).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/sarif-schema-2.1.0.json")).unwrap();
    // The fixture is the official SARIF 2.1.0 schema, with one fix: its two language patterns
    // (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) are not valid regular expressions, so they read
    // `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$` here, as the specification's prose says.
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF output is not valid SARIF 2.1.0: {errors:#?}"
    );
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "TYPE_MISMATCH");
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        7
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "schemas/orders/order_paid/v3.avsc"
    );
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "tidings");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(driver["rules"][index]["id"], "TYPE_MISMATCH");

    let junit = stdout(&tidings(&["check", "--format", "junit"], dir.path()));
    assert!(junit.starts_with("<?xml"), "{junit}");
    assert!(
        junit.contains("<testcase name=\"orders/order_paid\""),
        "{junit}"
    );
    assert!(junit.contains("<failure message=\""), "{junit}");
    assert!(
        junit.contains("tests=\"1\"") && junit.contains("failures=\"1\""),
        "{junit}"
    );
}

#[test]
fn check_against_a_git_baseline_protects_published_versions() {
    let dir = project();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "publish v1 and v2"]);

    // Formatting is not a change.
    write(
        dir.path(),
        "schemas/orders/order_paid/v1.avsc",
        &serde_json::to_string(&serde_json::from_str::<serde_json::Value>(PAID_V1).unwrap())
            .unwrap(),
    );
    let out = tidings(&["check", "--against", "main"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );

    // A real change to a published version is.
    write(
        dir.path(),
        "schemas/orders/order_paid/v1.avsc",
        &PAID_V1.replace("Amount in cents.", "Amount in paise."),
    );
    let out = tidings(&["check", "--against", "main"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("schemas/orders/order_paid/v1.avsc:7:53: v1 of `orders/order_paid` was published at `main` and has changed"), "{}", stdout(&out));
    write(dir.path(), "schemas/orders/order_paid/v1.avsc", PAID_V1);

    // So is removing one.
    std::fs::remove_file(dir.path().join("schemas/orders/order_paid/v2.avsc")).unwrap();
    let out = tidings(&["check", "--against", "main"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("main:schemas/orders/order_paid/v2.avsc:1:1: v2 of `orders/order_paid` was published at `main` and has been removed"), "{text}");
    assert!(text.contains("(PUBLISHED_VERSION_REMOVED)"), "{text}");
    write(dir.path(), "schemas/orders/order_paid/v2.avsc", PAID_V2);

    // A new version is checked against the published ones.
    write(
        dir.path(),
        "schemas/orders/order_paid/v3.avsc",
        &PAID_V2.replace(r#", "default": null"#, ""),
    );
    let out = tidings(&["check", "--against", "main"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("v3 is not FULL_TRANSITIVE compatible"),
        "{}",
        stdout(&out)
    );

    // Bad revisions and folders without git are errors, not findings.
    let out = tidings(&["check", "--against", "no-such-branch"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("git revision `no-such-branch` does not exist"),
        "{}",
        stderr(&out)
    );
    let plain = project();
    let out = tidings(&["check", "--against", "main"], plain.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("git"), "{}", stderr(&out));
}

#[test]
fn bad_projects_are_errors_with_exit_2() {
    let empty = tempfile::tempdir().unwrap();
    let out = tidings(&["check"], empty.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no tidings.toml here"),
        "{}",
        stderr(&out)
    );

    let dir = project();
    write(
        dir.path(),
        "tidings.toml",
        "schema_root = \"schemas\"\ncompatibility = \"FULL\"\nregistery = \"x\"\n",
    );
    let out = tidings(&["lint"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tidings.toml:3:1: unknown field `registery`"),
        "{}",
        stderr(&out)
    );

    write(dir.path(), "tidings.toml", "schema_root = \"nowhere\"\n");
    let out = tidings(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the schema root"), "{}", stderr(&out));

    write(dir.path(), "tidings.toml", "schema_root = \"schemas\"\n");
    write(
        dir.path(),
        "schemas/orders/order_paid/v2.avsc",
        "{\"type\": \"record\", \"name\": \"OrderPaid\", \"fields\": [}",
    );
    let out = tidings(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: schemas/orders/order_paid/v2.avsc:1:52: invalid JSON"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_runs_the_lint_rules_unless_told_not_to() {
    let dir = project();
    write(
        dir.path(),
        "schemas/orders/pay_order/v1.avsc",
        r#"{"type": "record", "name": "PayOrder", "doc": "d", "fields": []}"#,
    );
    let out = tidings(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("`PayOrder` could be `OrderPaid` (EVENT_NAME_PAST_TENSE)"),
        "{}",
        stdout(&out)
    );
    let out = tidings(&["check", "--no-lint"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn diff_shows_every_difference_and_what_it_breaks() {
    let dir = project();
    let out = tidings(
        &[
            "diff",
            "schemas/orders/order_paid/v1.avsc",
            "schemas/orders/order_paid/v2.avsc",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("schemas/orders/order_paid/v2.avsc:8:5: field `method` was added with a default at `method` (FIELD_ADDED)\n  compatible at every level"), "{text}");
    let out = tidings(
        &[
            "diff",
            "--format",
            "json",
            "schemas/orders/order_paid/v2.avsc",
            "schemas/orders/order_paid/v1.avsc",
        ],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let removed = &json["changes"][0];
    assert_eq!(removed["kind"], "FIELD_REMOVED");
    assert_eq!(removed["path"], "method");
    assert_eq!(
        removed["breaks"],
        serde_json::json!([]),
        "the removed field had a default"
    );
    write(
        dir.path(),
        "v3.avsc",
        &PAID_V1.replace(
            r#""amount_minor", "type": "long""#,
            r#""amount_minor", "type": "string""#,
        ),
    );
    let out = tidings(
        &["diff", "schemas/orders/order_paid/v1.avsc", "v3.avsc"],
        dir.path(),
    );
    let text = stdout(&out);
    assert!(text.contains("the type changed from long to string at `amount_minor` (TYPE_CHANGED)\n  breaks BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE"), "{text}");
}

#[test]
fn generate_writes_the_types_and_check_finds_stale_files() {
    let dir = project();
    let out = tidings(&["generate", "--out", "src/events"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2 files, 2 written"),
        "{}",
        stdout(&out)
    );
    let orders = std::fs::read_to_string(dir.path().join("src/events/orders.rs")).unwrap();
    assert!(orders.starts_with("// @generated by tidings-codegen. Do not edit."));
    assert!(orders.contains("pub struct OrderPaidV2"));
    assert!(orders.contains("pub type OrderPaid = OrderPaidV2;"));
    assert!(orders.contains("impl ::core::convert::From<OrderPaidV1> for OrderPaidV2"));
    assert!(orders.contains("pub enum OrdersEvent"));
    assert!(
        std::fs::read_to_string(dir.path().join("src/events/mod.rs"))
            .unwrap()
            .contains("pub mod orders;")
    );

    let fresh = tidings(&["generate", "--out", "src/events", "--check"], dir.path());
    assert_eq!(fresh.status.code(), Some(0), "{}", stdout(&fresh));
    // Running again writes nothing.
    assert!(
        stdout(&tidings(&["generate", "--out", "src/events"], dir.path())).contains("0 written")
    );

    write(
        dir.path(),
        "schemas/orders/order_paid/v3.avsc",
        &PAID_V2.replace(
            r#""doc": "How."}"#,
            r#""doc": "How."}, {"name": "tip", "type": "long", "default": 0, "doc": "Tip."}"#,
        ),
    );
    let stale = tidings(&["generate", "--out", "src/events", "--check"], dir.path());
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        stdout(&stale).contains("src/events/orders.rs: stale, run `tidings generate` "),
        "{}",
        stdout(&stale)
    );
    // Elsewhere than the default folder, the advice is the command that was meant.
    let elsewhere = tidings(&["generate", "--out", "gen", "--uuid"], dir.path());
    assert_eq!(elsewhere.status.code(), Some(0), "{}", stderr(&elsewhere));
    write(
        dir.path(),
        "schemas/orders/order_paid/v4.avsc",
        &PAID_V2.replace(
            r#""doc": "How."}"#,
            r#""doc": "How."}, {"name": "tip", "type": "long", "default": 0, "doc": "Tip."}, {"name": "fee", "type": "long", "default": 0, "doc": "Fee."}"#,
        ),
    );
    let stale = tidings(
        &["generate", "--out", "gen", "--uuid", "--check"],
        dir.path(),
    );
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        stdout(&stale).contains("stale, run `tidings generate --out gen --uuid` (UPDATE_NEEDED)"),
        "{}",
        stdout(&stale)
    );
    // Run from another folder with `-C`: the advice names it too, and works from there.
    let (parent, name) = (
        dir.path().parent().unwrap(),
        dir.path().file_name().unwrap(),
    );
    let name = name.to_str().unwrap();
    let stale = tidings(
        &["generate", "-C", name, "--out", "gen", "--uuid", "--check"],
        parent,
    );
    assert_eq!(stale.status.code(), Some(1));
    let advice =
        format!("stale, run `tidings generate -C {name} --out gen --uuid` (UPDATE_NEEDED)");
    assert!(stdout(&stale).contains(&advice), "{}", stdout(&stale));
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = tidings(&["completions", shell], &repo_root());
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(
            script.contains("publish") && script.contains("generate"),
            "{shell}"
        );
    }
    let out = tidings(&["completions", "tcsh"], &repo_root());
    assert_eq!(out.status.code(), Some(2));
}

/// `tidings generate` and a build.rs (`Config::new().compile()` writes what
/// `Config::new().generate` returns) produce the same code: both read the `[generate]` table
/// (the fixture's asks for chrono timestamps).
#[test]
fn the_command_and_a_build_script_generate_the_same_code() {
    let fixture = repo_root().join("tests/generated-fixture");
    let out = tempfile::tempdir().unwrap();
    let run = tidings(
        &[
            "generate",
            "-C",
            fixture.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ],
        &repo_root(),
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let built = tidings_codegen::Config::new().generate(&fixture).unwrap();
    assert!(built.files["shop.rs"].contains("::chrono::DateTime"));
    for (name, text) in &built.files {
        let written = std::fs::read_to_string(out.path().join(name)).unwrap();
        assert_eq!(&written, text, "{name}");
    }
}
