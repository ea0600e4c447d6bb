//! `tidings compat`: the engine on plain files.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use tidings_schema::avro::{AvroParser, SourceFile};
use tidings_schema::compat::{check_with, Options, Policy, SchemaDoc};
use tidings_schema::jsonschema::JsonSchemaLoader;
use tidings_schema::repo::config::CONFIG_FILE;
use tidings_schema::repo::{Config, SchemaFiles};

use crate::cli::{CompatArgs, Format, PolicyArg, SchemaType};
use crate::output::{self, Outcome};

pub(crate) fn run(args: CompatArgs) -> anyhow::Result<ExitCode> {
    let docs = args
        .files
        .iter()
        .map(|path| read_schema(path, args.schema_type, &args.references))
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

/// What a schema file may refer to: the schema root of the project it belongs to (the nearest
/// folder above it with a tidings.toml), and the Avro files of that root's shared folders
/// (`_shared/`), plus any `--reference` files.
struct Surroundings {
    root: Option<std::path::PathBuf>,
    avro_references: Vec<(String, String)>,
}

fn context_of(path: &Path, extra: &[std::path::PathBuf]) -> anyhow::Result<Surroundings> {
    let absolute =
        std::path::absolute(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let project = absolute
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(CONFIG_FILE).is_file());
    let mut avro_references = Vec::new();
    let mut root = None;
    if let Some(project) = project {
        let config = Config::load(project)?;
        let files = SchemaFiles::work_tree(project, &config.schema_root)?;
        for rel in files
            .files
            .keys()
            .filter(|rel| rel.starts_with('_') && rel.ends_with(".avsc"))
        {
            avro_references.push((files.display(rel), files.read(project, rel)?));
        }
        root = Some(project.join(&config.schema_root));
    }
    for file in extra {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read `{}`", file.display()))?;
        avro_references.push((file.display().to_string(), text));
    }
    Ok(Surroundings {
        root,
        avro_references,
    })
}

fn read_schema(
    path: &Path,
    forced: Option<SchemaType>,
    references: &[std::path::PathBuf],
) -> anyhow::Result<SchemaDoc> {
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
    let context = context_of(path, references)?;
    let parsed = match schema_type {
        SchemaType::Avro => {
            let refs: Vec<SourceFile<'_>> = context
                .avro_references
                .iter()
                .map(|(name, text)| SourceFile { name, text })
                .collect();
            AvroParser::new()
                .parse_with_references(
                    SourceFile {
                        name: &name,
                        text: &text,
                    },
                    &refs,
                )
                .map(SchemaDoc::Avro)
        }
        SchemaType::Json => {
            // File references are followed inside the project's schema root, or else inside the
            // folder the schema is in; never above it.
            let root = context.root.unwrap_or_else(|| {
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_path_buf()
            });
            JsonSchemaLoader::new()
                .schema_root(root)
                .load_str(&name, &text)
                .map(SchemaDoc::Json)
        }
    };
    Ok(parsed?)
}
