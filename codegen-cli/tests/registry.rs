//! `tidings publish`, `tidings check --registry` and `tidings registry serve`, as processes:
//! the embedded local registry by default, a served one by URL, two processes writing to one
//! registry at once, all-or-nothing refusals, an unreachable registry.

use std::collections::{BTreeMap, HashSet};
use std::process::Command;

use crate::common::{serve, stderr, stdout, tidings, write};
use serde_json::Value;

fn sample_project() -> tempfile::TempDir {
    tidings_tests::sample_project("")
}

/// The versions of a `publish --format json` run, by status.
fn statuses(output: &std::process::Output) -> BTreeMap<String, usize> {
    let report: Value = serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(output), stderr(output)));
    let mut counts = BTreeMap::new();
    for row in report["versions"].as_array().unwrap() {
        *counts
            .entry(row["status"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    counts
}

/// The sample repository: 57 version files and 7 shared files.
const SAMPLE_VERSIONS: usize = 64;

#[test]
fn publish_to_the_local_registry_once_then_nothing_to_do() {
    let project = sample_project();
    let dir = project.path();
    let dry = tidings(&["publish", "--dry-run"], dir);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(stdout(&dry).contains(&format!("{SAMPLE_VERSIONS} version(s) would be registered")));
    assert!(
        !dir.join(".tidings/registry/log.jsonl").exists()
            || std::fs::read_to_string(dir.join(".tidings/registry/log.jsonl"))
                .unwrap()
                .is_empty(),
        "a dry run registers nothing"
    );

    let first = tidings(&["publish", "--format", "json"], dir);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(
        statuses(&first),
        BTreeMap::from([("registered".to_owned(), SAMPLE_VERSIONS)])
    );

    let again = tidings(&["publish", "--format", "json"], dir);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        statuses(&again),
        BTreeMap::from([("already_there".to_owned(), SAMPLE_VERSIONS)])
    );
    let report: Value = serde_json::from_str(&stdout(&again)).unwrap();
    assert_eq!(report["requests"], 1);
    let text = tidings(&["publish"], dir);
    assert!(
        stdout(&text).contains(&format!(
            "{SAMPLE_VERSIONS} already there, 0 not registered (1 request)\n"
        )),
        "{}",
        stdout(&text)
    );

    let check = tidings(&["check", "--registry"], dir);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}

#[test]
fn two_processes_publish_into_one_registry_at_once() {
    let project = sample_project();
    let dir = project.path().to_path_buf();
    // One process serves the project's registry over HTTP; another opens the same folder
    // itself. Both publish at the same time.
    let (_served, url) = serve(&dir);
    let spawn = |args: Vec<String>| {
        Command::new(env!("CARGO_BIN_EXE_tidings"))
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let (over_http, in_process) = std::thread::scope(|scope| {
        let a = scope.spawn(|| {
            spawn(vec![
                "publish".into(),
                "--registry".into(),
                url.clone(),
                "--format".into(),
                "json".into(),
            ])
        });
        let b = scope.spawn(|| spawn(vec!["publish".into(), "--format".into(), "json".into()]));
        (a.join().unwrap(), b.join().unwrap())
    });
    for output in [&over_http, &in_process] {
        assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    }

    // Afterwards: every version once, one id per distinct schema, whoever registered it.
    let after = tidings(&["publish", "--format", "json"], &dir);
    assert_eq!(
        statuses(&after),
        BTreeMap::from([("already_there".to_owned(), SAMPLE_VERSIONS)])
    );
    let report: Value = serde_json::from_str(&stdout(&after)).unwrap();
    let ids: HashSet<u64> = report["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids.len(), SAMPLE_VERSIONS);
    let log = std::fs::read_to_string(dir.join(".tidings/registry/log.jsonl")).unwrap();
    let versions = log
        .lines()
        .filter(|l| l.starts_with("{\"version\""))
        .count();
    assert_eq!(versions, SAMPLE_VERSIONS, "no version registered twice");
    // Both processes saw the same ids for the versions they both reported.
    for output in [&over_http, &in_process] {
        let theirs: Value = serde_json::from_str(&stdout(output)).unwrap();
        for (mine, final_row) in theirs["versions"]
            .as_array()
            .unwrap()
            .iter()
            .zip(report["versions"].as_array().unwrap())
        {
            assert_eq!(mine["id"], final_row["id"], "{mine}");
        }
    }
}

#[test]
fn one_refused_version_means_nothing_is_registered() {
    let project = sample_project();
    let dir = project.path();
    assert_eq!(tidings(&["publish"], dir).status.code(), Some(0));

    // A compatible new version of one event, and a change of another that the project allows
    // (level NONE) but the registry, at its default BACKWARD, refuses.
    let v2 = std::fs::read_to_string(dir.join("schemas/orders/order_paid/v2.avsc")).unwrap();
    let mut doc: Value = serde_json::from_str(&v2).unwrap();
    doc["fields"].as_array_mut().unwrap().push(serde_json::json!({"name": "tip_minor", "type": ["null", "long"], "default": null, "doc": "A tip, in minor units."}));
    write(
        dir,
        "schemas/orders/order_paid/v3.avsc",
        &serde_json::to_string_pretty(&doc).unwrap(),
    );
    let shipped =
        std::fs::read_to_string(dir.join("schemas/orders/order_shipped/v1.avsc")).unwrap();
    let mut doc: Value = serde_json::from_str(&shipped).unwrap();
    doc["fields"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "carrier_code", "type": "string", "doc": "The carrier."}));
    write(
        dir,
        "schemas/orders/order_shipped/v2.avsc",
        &serde_json::to_string_pretty(&doc).unwrap(),
    );
    let mut config = std::fs::read_to_string(dir.join("tidings.toml")).unwrap();
    config.push_str("\n[events.\"orders/order_shipped\"]\ncompatibility = \"NONE\"\n");
    std::fs::write(dir.join("tidings.toml"), config).unwrap();

    let refused = tidings(&["publish"], dir);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "{}{}",
        stdout(&refused),
        stderr(&refused)
    );
    assert!(stderr(&refused).contains("nothing was registered"));
    assert!(
        stdout(&refused).contains("orders/order_shipped/v2.avsc"),
        "{}",
        stdout(&refused)
    );
    assert!(stdout(&refused).contains("REGISTRY_INCOMPATIBLE"));
    assert!(
        stdout(&refused).contains("carrier_code"),
        "the registry's reasons: {}",
        stdout(&refused)
    );

    let check = tidings(&["check", "--registry", "--format", "json"], dir);
    assert_eq!(check.status.code(), Some(1));
    // Nothing moved: the compatible version is not in the registry either.
    let dry = tidings(&["publish", "--dry-run", "--format", "json"], dir);
    assert_eq!(dry.status.code(), Some(1));
    let log = std::fs::read_to_string(dir.join(".tidings/registry/log.jsonl")).unwrap();
    assert_eq!(
        log.lines()
            .filter(|l| l.starts_with("{\"version\""))
            .count(),
        SAMPLE_VERSIONS
    );
}

#[test]
fn drift_is_reported_by_check_and_stops_publish() {
    let project = sample_project();
    let dir = project.path();
    assert_eq!(tidings(&["publish"], dir).status.code(), Some(0));
    // A published version edited in place.
    let path = dir.join("schemas/identity/user_registered/v1.avsc");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["doc"] = Value::String("Edited after publishing.".into());
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();

    let check = tidings(&["check", "--registry", "--no-lint"], dir);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("REGISTRY_DRIFT"),
        "{}",
        stdout(&check)
    );
    assert!(stdout(&check).contains("identity.user_registered-value"));
    let publish = tidings(&["publish"], dir);
    assert_eq!(publish.status.code(), Some(1), "{}", stdout(&publish));
}

/// `publish` gates on what `check` gates on, lint included: a version that names its event in
/// the present tense is refused by both, and nothing is registered.
#[test]
fn publish_runs_the_same_gate_as_check_lint_included() {
    let project = sample_project();
    let dir = project.path();
    let v1 = std::fs::read_to_string(dir.join("schemas/identity/user_registered/v1.avsc")).unwrap();
    let mut doc: Value = serde_json::from_str(&v1).unwrap();
    let folder = dir.join("schemas/identity/user_registers");
    doc["name"] = Value::String("UserRegisters".into());
    write(
        dir,
        "schemas/identity/user_registers/v1.avsc",
        &serde_json::to_string_pretty(&doc).unwrap(),
    );
    assert!(folder.join("v1.avsc").is_file());

    let check = tidings(&["check"], dir);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("EVENT_NAME_PAST_TENSE"),
        "{}",
        stdout(&check)
    );
    for args in [&["publish", "--dry-run"][..], &["publish"]] {
        let publish = tidings(args, dir);
        assert_eq!(
            publish.status.code(),
            Some(1),
            "{args:?}: {}",
            stdout(&publish)
        );
        assert!(
            stdout(&publish).contains("EVENT_NAME_PAST_TENSE"),
            "{}",
            stdout(&publish)
        );
    }
    // Refused before any connection: the embedded registry was not even created.
    assert!(!dir.join(".tidings/registry").exists());
    // Without lint, publish registers what the compatibility check accepts.
    let unlinted = tidings(&["publish", "--dry-run", "--no-lint"], dir);
    assert_eq!(unlinted.status.code(), Some(0), "{}", stderr(&unlinted));
}

#[test]
fn an_unreachable_registry_is_an_error_with_its_address() {
    let project = sample_project();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://user:hunter2@127.0.0.1:{port}");
    let output = tidings(
        &["publish", "--registry", &url, "--timeout", "2"],
        project.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.contains("cannot reach the registry"), "{err}");
    assert!(!err.contains("hunter2"), "credentials leaked: {err}");
}
