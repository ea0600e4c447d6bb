//! Finding and reading the committed schema a struct is bound to.
//!
//! `schema = "..."` is relative to the crate's `CARGO_MANIFEST_DIR` (or `TIDINGS_MANIFEST_DIR`,
//! which test harnesses that build crates elsewhere set); when no file is there, it is tried
//! below the schema root of the nearest project (a folder with `tidings.toml`) above the crate.
//! The project's `tidings.toml` also gives the subject naming and the shared types.

use std::path::{Path, PathBuf};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tidings_schema::avro::SourceFile;
use tidings_schema::jsonschema::JsonSchemaLoader;
use tidings_schema::repo::config::Config;
use tidings_schema::repo::{parse_schema_file, Format, Project, SharedFile, VersionPlace};
use tidings_schema::SchemaDoc;

use crate::attr::ContainerAttrs;
use crate::ctxt::Ctxt;
use crate::Mode;

/// Domain, event and version of a file at `<domain>/<event>/vN.ext`, or why it is not there.
pub(crate) type Layout = Result<VersionPlace, String>;

/// A schema file and everything the impl needs to know about it.
pub(crate) struct Located {
    /// The file, absolute.
    pub(crate) path: PathBuf,
    /// Its path below the schema root (`identity/user_registered/v2.avsc`).
    pub(crate) rel: String,
    /// The file's text, as read.
    pub(crate) text: String,
    /// The parsed schema.
    pub(crate) doc: SchemaDoc,
    /// Domain, event and version, when the file is at `<domain>/<event>/vN.ext` (events must be;
    /// shared records need not).
    pub(crate) layout: Layout,
    /// The project configuration (defaults when there is no `tidings.toml`).
    pub(crate) config: Config,
    /// Files the schema refers to: path below the schema root, absolute path.
    pub(crate) references: Vec<(String, PathBuf)>,
}

fn manifest_dir() -> PathBuf {
    std::env::var_os("TIDINGS_MANIFEST_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The project `start` belongs to, if any.
fn project_above(start: &Path) -> Result<Option<Project>, String> {
    Project::find(start).map_err(|e| e.to_string())
}

/// The schema `#[event(schema = "...")]` names, found, read and parsed; `None` (with the
/// mistake recorded) when it is not written or cannot be read.
pub(crate) fn located(
    cx: &Ctxt,
    attrs: &ContainerAttrs,
    ident: &syn::Ident,
    mode: Mode,
) -> Option<Located> {
    let Some(lit) = &attrs.schema else {
        cx.error_spanned_by(
            ident,
            format!("missing #[{}(schema = \"...\")]: the committed schema file this struct is bound to, e.g. \"schemas/identity/user_registered/v2.avsc\"", mode.key()),
        );
        return None;
    };
    locate(&lit.value())
        .map_err(|message| cx.error_spanned_by(lit, message))
        .ok()
}

/// Finds, reads and parses the schema at `written` (as written in the attribute).
pub(crate) fn locate(written: &str) -> Result<Located, String> {
    let path = find(written)?;
    let project = match path.parent() {
        Some(folder) => project_above(folder)?,
        None => None,
    };
    let root = project.as_ref().map(Project::schema_root);
    let (rel, layout) = place(&path, root.as_deref(), written);
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{written}`: {e}"))?;
    let format = match rel.rsplit_once('.') {
        Some((_, "avsc")) => Format::Avro,
        Some((_, "json")) => Format::Json,
        _ => {
            let file = rel.rsplit('/').next().unwrap_or_default();
            return Err(format!(
                "`{file}`: schema files end in `.avsc` (Avro) or `.json` (JSON Schema)"
            ));
        }
    };
    let (doc, references) = match format {
        Format::Avro => parse_avro(written, &text, &path, &rel, project.as_ref())?,
        Format::Json => {
            let schema_root =
                root.unwrap_or_else(|| path.parent().unwrap_or(Path::new(".")).to_path_buf());
            parse_json(written, &text, &path, &schema_root)?
        }
    };
    Ok(Located {
        path,
        rel,
        text,
        doc,
        layout,
        config: project.map(|p| p.config).unwrap_or_default(),
        references,
    })
}

/// The file `written` names, absolute: relative to the crate's folder, or else to the schema
/// root of the nearest project above it.
fn find(written: &str) -> Result<PathBuf, String> {
    let manifest = manifest_dir();
    let direct = manifest.join(written);
    let path = if direct.is_file() {
        direct
    } else {
        let below_root = project_above(&manifest)
            .ok()
            .flatten()
            .map(|project| project.schema_root().join(written))
            .filter(|candidate| candidate.is_file());
        below_root.ok_or_else(|| {
            format!("schema file `{written}` not found: paths are relative to the crate's folder (where Cargo.toml is) or to the schema root of its tidings.toml")
        })?
    };
    Ok(std::path::absolute(&path).unwrap_or(path))
}

/// The file's path below the schema root (else its last three components), and the domain,
/// event and version that its place `<domain>/<event>/vN.ext` gives it.
fn place(path: &Path, root: Option<&Path>, written: &str) -> (String, Layout) {
    let rel_path: PathBuf = match root {
        Some(root) if path.starts_with(root) => {
            path.strip_prefix(root).unwrap_or(path).to_path_buf()
        }
        _ => {
            let mut last: Vec<_> = path.components().rev().take(3).collect();
            last.reverse();
            last.into_iter().collect()
        }
    };
    let parts: Vec<String> = rel_path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let layout = match parts.as_slice() {
        [domain, event, file] => VersionPlace::of(domain, event, file),
        _ => Err(format!(
            "`{written}` is not at `<domain>/<event>/vN.(avsc|json)` below the schema root"
        )),
    };
    (parts.join("/"), layout)
}

/// Files a schema refers to: path below the schema root, absolute path.
type References = Vec<(String, PathBuf)>;

/// An Avro schema, with the types of the schema root's shared folders it may use.
fn parse_avro(
    shown: &str,
    text: &str,
    path: &Path,
    rel: &str,
    project: Option<&Project>,
) -> Result<(SchemaDoc, References), String> {
    let shared = match project {
        Some(project) => shared_avro_files(project)?,
        None => Arc::default(),
    };
    let shared: Vec<&SharedFile> = shared.iter().filter(|f| f.rel != rel).collect();
    let sources: Vec<SourceFile<'_>> = shared
        .iter()
        .map(|file| SourceFile {
            name: &file.shown,
            text: &file.text,
        })
        .collect();
    let doc = parse_schema_file(
        Format::Avro,
        shown,
        text,
        path.to_path_buf(),
        &sources,
        &JsonSchemaLoader::new(),
    )
    .map_err(|e| e.to_string())?;
    let references = shared
        .iter()
        .map(|file| (file.rel.clone(), file.path.clone()))
        .collect();
    Ok((doc, references))
}

/// A JSON Schema, with the files of the schema root its `$ref`s read.
fn parse_json(
    shown: &str,
    text: &str,
    path: &Path,
    schema_root: &Path,
) -> Result<(SchemaDoc, References), String> {
    let loader = JsonSchemaLoader::new().schema_root(schema_root);
    let doc = parse_schema_file(Format::Json, shown, text, path.to_path_buf(), &[], &loader)
        .map_err(|e| e.to_string())?;
    let SchemaDoc::Json(loaded) = &doc else {
        unreachable!("a JSON Schema file parses as JSON Schema")
    };
    let references = loaded
        .files()
        .iter()
        .skip(1)
        .map(|file| {
            let abs = PathBuf::from(file);
            let rel = abs
                .strip_prefix(schema_root)
                .map_or_else(|_| file.clone(), |r| r.to_string_lossy().replace('\\', "/"));
            (rel, abs)
        })
        .collect();
    Ok((doc, references))
}

/// The shared files of a schema root, and the root's modification time when they were read.
type Cached = (Option<std::time::SystemTime>, Arc<Vec<SharedFile>>);

/// The Avro files of the project's shared folders ([`Project::shared_avro_files`]), read once
/// per compiler process: a crate with hundreds of events would otherwise read them for each.
fn shared_avro_files(project: &Project) -> Result<Arc<Vec<SharedFile>>, String> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Cached>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let schema_root = project.schema_root();
    // Folders gain a new modification time when files are added or removed; edits to a file
    // are caught because the generated code includes it, which makes cargo rebuild.
    let stamp = std::fs::metadata(&schema_root)
        .and_then(|m| m.modified())
        .ok();
    if let Some((seen, files)) = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&schema_root)
    {
        if *seen == stamp {
            return Ok(files.clone());
        }
    }
    let files = Arc::new(project.shared_avro_files().map_err(|e| e.to_string())?);
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(schema_root, (stamp, files.clone()));
    Ok(files)
}
