//! Schema files named on the command line: their format from the extension, and what they may
//! refer to.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use tidings_schema::avro::SourceFile;
use tidings_schema::jsonschema::JsonSchemaLoader;
use tidings_schema::repo::{parse_schema_file, Format, Project};
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
    let project = match absolute.parent() {
        Some(folder) => Project::find(folder)?,
        None => None,
    };
    let mut avro_references = Vec::new();
    let mut root = None;
    if let Some(project) = project {
        for file in project.shared_avro_files()? {
            avro_references.push((file.shown, file.text));
        }
        root = Some(project.schema_root());
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
    let format = match forced {
        Some(SchemaType::Avro) => Format::Avro,
        Some(SchemaType::Json) => Format::Json,
        None => match path.extension().and_then(|e| e.to_str()) {
            Some("avsc") => Format::Avro,
            Some("json") => Format::Json,
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
    // File references are followed inside the project's schema root, or else inside the folder
    // the schema is in; never above it.
    let root = (format == Format::Json).then(|| {
        context.root.unwrap_or_else(|| {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf()
        })
    });
    let refs: Vec<SourceFile<'_>> = context
        .avro_references
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    let loader = root.map_or_else(JsonSchemaLoader::new, |root| {
        JsonSchemaLoader::new().schema_root(root)
    });
    let parsed = parse_schema_file(format, &name, &text, context.absolute, &refs, &loader);
    Ok(parsed?)
}
