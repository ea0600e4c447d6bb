//! Finding and reading the committed schema a struct is bound to.
//!
//! `schema = "..."` is relative to the crate's `CARGO_MANIFEST_DIR` (or `TIDINGS_MANIFEST_DIR`,
//! which test harnesses that build crates elsewhere set); when no file is there, it is tried
//! below the schema root of the nearest project (a folder with `tidings.toml`) above the crate.
//! The project's `tidings.toml` also gives the subject naming and the shared types.

use std::path::{Path, PathBuf};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tidings_schema::avro::{AvroParser, SourceFile};
use tidings_schema::jsonschema::JsonSchemaLoader;
use tidings_schema::repo::config::Config;
use tidings_schema::SchemaDoc;

use crate::attr::ContainerAttrs;
use crate::ctxt::Ctxt;
use crate::Mode;

/// Domain, event and version of a file at `<domain>/<event>/vN.ext`, or why it is not there.
pub(crate) type Layout = Result<(String, String, u32), String>;

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

fn project_above(start: &Path) -> Option<PathBuf> {
    tidings_schema::repo::find_project(start)
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
    let (config, root) = match path.parent().and_then(project_above) {
        Some(project) => {
            let config = Config::load(&project).map_err(|e| e.to_string())?;
            let root = project.join(&config.schema_root);
            (config, Some(root))
        }
        None => (Config::default(), None),
    };
    let (rel, layout) = place(&path, root.as_deref(), written);
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{written}`: {e}"))?;
    let (doc, references) = if rel.ends_with(".avsc") {
        parse_avro(written, &text, &rel, root.as_deref(), &config)?
    } else if rel.ends_with(".json") {
        let schema_root =
            root.unwrap_or_else(|| path.parent().unwrap_or(Path::new(".")).to_path_buf());
        parse_json(written, &text, &path, &schema_root)?
    } else {
        let file = rel.rsplit('/').next().unwrap_or_default();
        return Err(format!(
            "`{file}`: schema files end in `.avsc` (Avro) or `.json` (JSON Schema)"
        ));
    };
    Ok(Located {
        path,
        rel,
        text,
        doc,
        layout,
        config,
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
        let below_root = project_above(&manifest).and_then(|project| {
            let config = Config::load(&project).ok()?;
            let candidate = project.join(config.schema_root).join(written);
            candidate.is_file().then_some(candidate)
        });
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
        [domain, event, file] => tidings_schema::repo::parse_version_file(file)
            .map(|(version, _)| (domain.clone(), event.clone(), version))
            .ok_or_else(|| {
                format!("`{file}` is not a version file: name versions `v1.avsc`, `v2.json`, ... (no leading zeros)")
            }),
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
    rel: &str,
    root: Option<&Path>,
    config: &Config,
) -> Result<(SchemaDoc, References), String> {
    let mut shared = Vec::new();
    let mut references = Vec::new();
    if let Some(schema_root) = root {
        for file in shared_avro_files(schema_root)?
            .iter()
            .filter(|f| f.rel != rel)
        {
            shared.push((
                format!("{}/{}", config.schema_root.display(), file.rel),
                file.text.clone(),
            ));
            references.push((file.rel.clone(), file.path.clone()));
        }
    }
    let refs: Vec<SourceFile<'_>> = shared
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    let schema = AvroParser::new()
        .parse_with_references(SourceFile { name: shown, text }, &refs)
        .map_err(|e| e.to_string())?;
    Ok((SchemaDoc::Avro(schema), references))
}

/// A JSON Schema, with the files of the schema root its `$ref`s read.
fn parse_json(
    shown: &str,
    text: &str,
    path: &Path,
    schema_root: &Path,
) -> Result<(SchemaDoc, References), String> {
    let loaded = JsonSchemaLoader::new()
        .schema_root(schema_root)
        .load_named(shown, text, path.to_path_buf())
        .map_err(|e| e.to_string())?;
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
    Ok((SchemaDoc::Json(loaded), references))
}

/// An Avro file of a shared folder (`_shared/money.avsc`).
pub(crate) struct SharedFile {
    rel: String,
    path: PathBuf,
    text: String,
}

/// The shared files of a schema root, and the root's modification time when they were read.
type Cached = (Option<std::time::SystemTime>, Arc<Vec<SharedFile>>);

/// The Avro files of the schema root's shared folders (those starting with `_`), read once per
/// compiler process: a crate with hundreds of events would otherwise read them for each.
fn shared_avro_files(schema_root: &Path) -> Result<Arc<Vec<SharedFile>>, String> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Cached>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    // Folders gain a new modification time when files are added or removed; edits to a file
    // are caught because the generated code includes it, which makes cargo rebuild.
    let stamp = std::fs::metadata(schema_root)
        .and_then(|m| m.modified())
        .ok();
    if let Some((seen, files)) = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(schema_root)
    {
        if *seen == stamp {
            return Ok(files.clone());
        }
    }
    let mut files = Vec::new();
    let entries = std::fs::read_dir(schema_root)
        .map_err(|e| format!("cannot read `{}`: {e}", schema_root.display()))?;
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            tidings_schema::repo::is_shared(&e.file_name().to_string_lossy()) && e.path().is_dir()
        })
        .map(|e| e.path())
        .collect();
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot read `{}`: {e}", folder.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "avsc") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
                let rel = path
                    .strip_prefix(schema_root)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                files.push(SharedFile { rel, path, text });
            }
        }
    }
    // Reading order decides which file defines a name first: keep it stable.
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let files = Arc::new(files);
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(schema_root.to_path_buf(), (stamp, files.clone()));
    Ok(files)
}
