//! Schemas that reuse a type along many paths: `R_i` holds `R_(i-1)` twice (once written out,
//! once by name; JSON Schema: two `$ref`s to the previous definition), so there are 2^n paths to
//! the leaf. A type compared once is reported once where it is first reached, and once more at
//! each place that reaches it again: the findings grow with the schemas, not with the paths.

use tidings_schema::compat::diff::diff;
use tidings_schema::compat::{check, Level, Policy};
use tidings_schema::SchemaDoc;

const LEVELS: usize = 22;

fn avro(leaf: &str) -> String {
    let mut schema = format!(
        r#"{{"type": "record", "name": "R1", "fields": [{{"name": "leaf", "type": "{leaf}"}}]}}"#
    );
    for i in 2..=LEVELS {
        schema = format!(
            r#"{{"type": "record", "name": "R{i}", "fields": [{{"name": "a", "type": {schema}}}, {{"name": "b", "type": "R{}"}}]}}"#,
            i - 1
        );
    }
    schema
}

fn json(leaf: &str) -> String {
    let mut defs = vec![format!(
        r#""d1": {{"type": "object", "properties": {{"leaf": {{"type": "{leaf}"}}}}}}"#
    )];
    for i in 2..=LEVELS {
        let previous = i - 1;
        defs.push(format!(
            r##""d{i}": {{"type": "object", "properties": {{"a": {{"$ref": "#/$defs/d{previous}"}}, "b": {{"$ref": "#/$defs/d{previous}"}}}}}}"##
        ));
    }
    format!(
        r##"{{"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#/$defs/d{LEVELS}", "$defs": {{{}}}}}"##,
        defs.join(", ")
    )
}

#[test]
fn avro_findings_grow_with_the_schema_not_with_the_paths() {
    let v1 = SchemaDoc::parse_avro("v1.avsc", &avro("string")).unwrap();
    let v2 = SchemaDoc::parse_avro("v2.avsc", &avro("int")).unwrap();
    let report = check(std::slice::from_ref(&v1), &v2, Level::Full);
    assert!(!report.is_compatible());
    // Both directions: one finding where the leaf is first reached, and one at each `b` that
    // reaches the pair again, per level.
    assert!(
        report.findings.len() <= 2 * (LEVELS + 1),
        "{} findings",
        report.findings.len()
    );
    let changes = diff(&v1, &v2, Policy::Strict);
    assert!(changes.len() <= 2 * LEVELS, "{} changes", changes.len());
}

#[test]
fn json_schema_findings_grow_with_the_schema_not_with_the_paths() {
    let v1 = SchemaDoc::parse_json("v1.json", &json("string")).unwrap();
    let v2 = SchemaDoc::parse_json("v2.json", &json("integer")).unwrap();
    let report = check(std::slice::from_ref(&v1), &v2, Level::Full);
    assert!(!report.is_compatible());
    assert!(
        report.findings.len() <= 2 * (LEVELS + 1),
        "{} findings",
        report.findings.len()
    );
    let changes = diff(&v1, &v2, Policy::Strict);
    assert!(changes.len() <= 4 * LEVELS, "{} changes", changes.len());
}

/// A union of `n` records, each of one `long` field; the names listed in `renamed` are given as
/// `New<i>` with the old full name as an alias.
fn union_of(n: usize, skip_last: bool, renamed: &[usize]) -> SchemaDoc {
    let branches: Vec<String> = (0..n - usize::from(skip_last))
        .map(|i| {
            if renamed.contains(&i) {
                format!(r#"{{"type": "record", "name": "New{i}", "namespace": "u", "aliases": ["u.R{i}"], "fields": [{{"name": "a", "type": "long"}}]}}"#)
            } else {
                format!(r#"{{"type": "record", "name": "R{i}", "namespace": "u", "fields": [{{"name": "a", "type": "long"}}]}}"#)
            }
        })
        .collect();
    let text = format!(
        r#"{{"type": "record", "name": "U", "namespace": "u", "fields": [{{"name": "u", "type": ["null", "string", {}]}}]}}"#,
        branches.join(", ")
    );
    SchemaDoc::parse_avro("u.avsc", &text).unwrap()
}

/// A reader union is searched by name for a named writer branch (an alias counts), so a union of
/// thousands of records is checked without pairing every branch with every other.
#[test]
fn wide_unions_are_matched_by_name_and_alias() {
    let n = 3_000;
    let all = union_of(n, false, &[]);
    assert!(check(std::slice::from_ref(&all), &all, Level::Full).is_compatible());
    // A branch removed: new readers miss it (BACKWARD), old readers still read everything new.
    let fewer = union_of(n, true, &[]);
    let report = check(std::slice::from_ref(&all), &fewer, Level::Full);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["MISSING_UNION_BRANCH"], "{report:?}");
    // Renamed branches whose alias names the old record still read it.
    let renamed = union_of(n, false, &[0, 1_500, n - 1]);
    assert!(check(std::slice::from_ref(&all), &renamed, Level::Backward).is_compatible());
    // Without the alias the reader lacks the writer's branch.
    assert!(!check(std::slice::from_ref(&renamed), &all, Level::Backward).is_compatible());
    let changes = diff(&all, &fewer, Policy::Strict);
    assert_eq!(changes.len(), 1, "{changes:?}");
}

/// A `oneOf` of `n` closed objects, each requiring its own property; `extra` adds one at the end,
/// `changed` gives the branch at that place an integer where the others have a string.
fn one_of(n: usize, extra: bool, changed: Option<usize>) -> SchemaDoc {
    let branch = |i: usize, ty: &str| {
        format!(
            r#"{{"type": "object", "properties": {{"k{i}": {{"type": "{ty}"}}}}, "required": ["k{i}"], "additionalProperties": false}}"#
        )
    };
    let mut branches: Vec<String> = (0..n)
        .map(|i| {
            branch(
                i,
                if changed == Some(i) {
                    "integer"
                } else {
                    "string"
                },
            )
        })
        .collect();
    if extra {
        branches.push(branch(n, "string"));
    }
    let text = format!(r#"{{"title": "X", "oneOf": [{}]}}"#, branches.join(", "));
    SchemaDoc::parse_json("x.json", &text).unwrap()
}

/// Branches unchanged at their place match at once; a branch changed at its place still goes
/// through the matching and is reported.
#[test]
fn wide_combinations_kept_or_extended_match_in_place() {
    let n = 2_000;
    let all = one_of(n, false, None);
    assert!(check(std::slice::from_ref(&all), &all, Level::Full).is_compatible());
    let extended = one_of(n, true, None);
    assert!(check(std::slice::from_ref(&all), &extended, Level::Backward).is_compatible());
    let kinds: Vec<String> = diff(&all, &extended, Policy::Strict)
        .into_iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(kinds, ["SUM_TYPE_EXTENDED"]);
    let changed = one_of(50, false, Some(7));
    let report = check(
        std::slice::from_ref(&one_of(50, false, None)),
        &changed,
        Level::Backward,
    );
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["COMBINED_TYPE_SUBSCHEMAS_CHANGED"], "{report:?}");
}
