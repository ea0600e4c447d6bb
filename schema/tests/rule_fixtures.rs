//! One `previous`/`current` fixture per rule under `tests/rules/<RULE_ID>/` (and more per rule
//! under `tests/rules/<RULE_ID>@<case>/`): the current version must break the previous one at
//! BACKWARD with (at least) that rule, and every finding, its positions, message and hint are
//! snapshotted.

use std::path::Path;

use tidings_schema::compat::{check, Level, Report};
use tidings_schema::SchemaDoc;

fn load(path: &Path) -> SchemaDoc {
    let text = std::fs::read_to_string(path).unwrap();
    // Names relative to the rules folder keep the snapshots independent of the checkout.
    let name = path
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules"))
        .unwrap()
        .display()
        .to_string();
    match path.extension().and_then(|e| e.to_str()) {
        Some("avsc") => SchemaDoc::parse_avro(&name, &text),
        _ => SchemaDoc::parse_json(&name, &text),
    }
    .unwrap_or_else(|e| panic!("{e}"))
}

fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out += &format!(
            "{}:{}:{}: {} ({})\n  direction: {:?}, old: {}:{}:{} at {}\n  help: {}\n  detail: {}\n",
            f.new.file,
            f.new.line,
            f.new.col,
            f.message,
            f.rule,
            f.direction,
            f.old.file,
            f.old.line,
            f.old.col,
            f.old.path,
            f.hint,
            f.detail
        );
    }
    out
}

#[test]
fn every_rule_fixture_breaks_with_its_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 16,
        "expected a fixture per rule, found {}",
        dirs.len()
    );
    for dir in dirs {
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let rule = name.split('@').next().unwrap().to_owned();
        let ext = if dir.join("previous.avsc").exists() {
            "avsc"
        } else {
            "json"
        };
        let previous = load(&dir.join(format!("previous.{ext}")));
        let current = load(&dir.join(format!("current.{ext}")));
        let report = check(&[previous], &current, Level::Backward);
        assert!(
            report.findings.iter().any(|f| f.rule == rule),
            "{rule}: not found in\n{}",
            render(&report)
        );
        insta::assert_snapshot!(name.replace('@', "__"), render(&report));
    }
}
