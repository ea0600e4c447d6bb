//! `tidings diff OLD NEW`: every difference, each with what it breaks at each level.

use std::io::{self, Write};

use serde::Serialize;
use tidings_schema::compat::diff::{diff, Change};
use tidings_schema::compat::Level;
use tidings_schema::SchemaDoc;

use crate::cli::{DiffArgs, Format};
use crate::exit::Exit;
use crate::schema_files::read_schema;

pub(crate) fn run(args: DiffArgs) -> anyhow::Result<Exit> {
    let old = read_schema(&args.old, args.schema_type, &args.references)?;
    let new = read_schema(&args.new, args.schema_type, &args.references)?;
    let changes = diff(&old, &new, args.policy.into());
    match args.format {
        Format::Text => print_text(&changes, &old, &new)?,
        Format::Json => print_json(&changes, &old, &new)?,
    }
    Ok(Exit::Clean)
}

fn levels(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_text(changes: &[Change], old: &SchemaDoc, new: &SchemaDoc) -> io::Result<()> {
    let mut out = io::stdout().lock();
    for c in changes {
        let at = if c.path.is_empty() {
            String::new()
        } else {
            format!(" at `{}`", c.path)
        };
        match (c.new_line, c.new_col) {
            (Some(line), Some(col)) => write!(out, "{}:{line}:{col}: ", new.file())?,
            _ => write!(out, "{}: ", new.file())?,
        }
        writeln!(out, "{}{at} ({})", c.description, c.kind)?;
        let broken = c.broken_levels();
        if broken.is_empty() {
            writeln!(out, "  compatible at every level")?;
            continue;
        }
        writeln!(out, "  breaks {}", levels(&broken))?;
        if let Some(why) = &c.breaks_backward {
            writeln!(out, "    backward: consumers on the new version cannot read data written with `{}` ({why})", old.file())?;
        }
        if let Some(why) = &c.breaks_forward {
            writeln!(out, "    forward: consumers still on `{}` cannot read data written with the new version ({why})", old.file())?;
        }
    }
    let breaking = changes
        .iter()
        .filter(|c| !c.broken_levels().is_empty())
        .count();
    writeln!(
        out,
        "{} difference{}, {breaking} breaking at some level",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    )?;
    out.flush()
}

#[derive(Serialize)]
struct JsonChange<'c> {
    #[serde(flatten)]
    change: &'c Change,
    breaks: Vec<Level>,
}

#[derive(Serialize)]
struct JsonDiff<'c> {
    old: &'c str,
    new: &'c str,
    changes: Vec<JsonChange<'c>>,
}

fn print_json(changes: &[Change], old: &SchemaDoc, new: &SchemaDoc) -> io::Result<()> {
    let doc = JsonDiff {
        old: old.file(),
        new: new.file(),
        changes: changes
            .iter()
            .map(|change| JsonChange {
                change,
                breaks: change.broken_levels(),
            })
            .collect(),
    };
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    out.flush()
}
