//! Schema files named on the command line: their format from the extension, and what they may
//! refer to.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use tidings_schema::avro::{AvroParser, SourceFile};
use tidings_schema::jsonschema::JsonSchemaLoader;
use tidings_schema::repo::config::CONFIG_FILE;
use tidings_schema::repo::{Config, SchemaFiles};
use tidings_schema::SchemaDoc;

use crate::cli::SchemaType;

/// What a schema file may refer to: the schema root of the project it belongs to (the nearest
/// folder above it with a tidings.toml), and the Avro files of that root's shared folders
/// (`_shared/`), plus any `--reference` files.
struct Surroundings {
    /// The file's absolute path, which its relative references resolve from.
    absolute: PathBuf,
    root: Option<PathBuf>,
    avro_references: Vec<(String, String)>,
}

fn context_of(path: &Path, extra: &[PathBuf]) -> anyhow::Result<Surroundings> {
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
            .filter(|rel| tidings_schema::repo::is_shared(rel) && rel.ends_with(".avsc"))
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
        absolute,
        root,
        avro_references,
    })
}

pub(crate) fn read_schema(
    path: &Path,
    forced: Option<SchemaType>,
    references: &[PathBuf],
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
                .load_named(&name, &text, context.absolute)
                .map(SchemaDoc::Json)
        }
    };
    Ok(parsed?)
}
