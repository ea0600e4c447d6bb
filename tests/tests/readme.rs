//! The README documents what the code defines: its tables are checked against the code's.

use tidings_schema::repo::lint::Rule;

/// The README's lint table is the rule table: same ids, same severities, same order.
#[test]
fn the_readme_documents_every_lint_rule() {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("## `tidings lint`")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a `tidings lint` section");
    let documented: Vec<(String, String)> = section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let id = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((id.to_owned(), cells.get(2)?.to_string()))
        })
        .collect();
    let table: Vec<(String, String)> = Rule::ALL
        .iter()
        .map(|r| (r.id().to_owned(), r.severity().as_str().to_owned()))
        .collect();
    assert_eq!(documented, table);
}
