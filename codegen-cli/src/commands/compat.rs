//! `tidings compat`: the engine on plain files.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use tidings_schema::compat::{check_with, Options, Policy, SchemaDoc};

use crate::cli::{CompatArgs, Format, PolicyArg, SchemaType};
use crate::output::{self, Outcome};

pub(crate) fn run(args: CompatArgs) -> anyhow::Result<ExitCode> {
    let docs = args
        .files
        .iter()
        .map(|path| read_schema(path, args.schema_type))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (new, previous) = docs.split_last().expect("clap requires at least two files");
    let options = Options {
        policy: match args.policy {
            PolicyArg::Strict => Policy::Strict,
            PolicyArg::Lenient => Policy::Lenient,
        },
    };
    let report = check_with(previous, new, args.level, options);
    let previous_files: Vec<&str> = previous.iter().map(SchemaDoc::file).collect();
    match args.format {
        Format::Text => output::print_text(&report, new.file(), &previous_files)?,
        Format::Json => output::print_json(&report, new.file(), &previous_files)?,
    }
    Ok(Outcome::from_report(&report).exit_code())
}

fn read_schema(path: &Path, forced: Option<SchemaType>) -> anyhow::Result<SchemaDoc> {
    let schema_type = match forced {
        Some(t) => t,
        None => match path.extension().and_then(|e| e.to_str()) {
            Some("avsc") => SchemaType::Avro,
            Some("json") => SchemaType::Json,
            _ => bail!(
                "cannot tell the schema format of `{}` from its extension\n  help: name Avro schemas *.avsc and JSON Schemas *.json, or pass --type avro|json",
                path.display()
            ),
        },
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let name = path.display().to_string();
    let parsed = match schema_type {
        SchemaType::Avro => SchemaDoc::parse_avro(&name, &text),
        SchemaType::Json => {
            // File references are followed inside the folder the schema is in, never above it.
            let root = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            tidings_schema::jsonschema::JsonSchemaLoader::new()
                .schema_root(root)
                .load_str(&name, &text)
                .map(SchemaDoc::Json)
        }
    };
    Ok(parsed?)
}
