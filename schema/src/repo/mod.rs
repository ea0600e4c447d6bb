//! The schema repository: `tidings.toml`, and `<schema_root>/<domain>/<event>/vN.(avsc|json)`
//! read from the working tree or from a git revision. Folders whose name starts with `_`
//! (`_shared/`) hold types that events refer to (money, address), not events.

pub mod check;
pub mod config;
mod diagnostic;
mod files;
pub mod lint;
mod project;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The format of a version file (the crate root's [`crate::Format`]).
pub use crate::Format;
pub use config::{Config, ConfigError};
pub use diagnostic::{Diagnostic, Severity};
pub use files::{relative_path, SchemaFiles};
pub use project::{
    find_project, is_shared, parse_schema_file, parse_version_file, Project, SharedFile,
    VersionPlace,
};

use crate::avro::SourceFile;
use crate::error::SchemaError;
use crate::jsonschema::{JsonSchema, JsonSchemaLoader};
use crate::source::Pos;
use crate::SchemaDoc;

/// Where a finding about a whole file points.
const START: Pos = Pos { line: 1, col: 1 };

/// A repository that cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RepoError {
    /// `tidings.toml` is missing or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The configured schema root is not a folder.
    #[error("the schema root `{}` does not exist: create it or set `schema_root` in tidings.toml", .0.display())]
    NoSchemaRoot(PathBuf),
    /// A file or folder that cannot be read.
    #[error("cannot read `{}`: {message}", path.display())]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// `git` failed.
    #[error("git: {0}")]
    Git(String),
    /// `--against` names nothing git knows.
    #[error("git revision `{0}` does not exist: name a branch, tag or commit (`main`, `origin/main`, `HEAD~1`)")]
    UnknownRevision(String),
}

impl RepoError {
    pub(crate) fn io(path: &Path, err: std::io::Error) -> Self {
        RepoError::Io {
            path: path.to_path_buf(),
            message: err.to_string(),
        }
    }
}

/// One version file of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionFile {
    /// `N` of `vN`.
    pub number: u32,
    /// Path relative to the schema root.
    pub rel: String,
    /// Its format.
    pub format: Format,
}

/// An event folder and its version files, in version order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFiles {
    /// The domain folder (`identity`).
    pub domain: String,
    /// The event folder (`user_registered`).
    pub name: String,
    /// Its versions, by number.
    pub versions: Vec<VersionFile>,
}

impl EventFiles {
    /// `domain/event`, the key of per-event settings.
    pub fn key(&self) -> String {
        format!("{}/{}", self.domain, self.name)
    }
}

/// A schema repository: its configuration, its files, and its events.
#[derive(Debug, Clone)]
pub struct Repository {
    /// The project folder (where `tidings.toml` is).
    pub project: PathBuf,
    /// The configuration.
    pub config: Config,
    /// The files below the schema root.
    pub files: SchemaFiles,
    /// Every event, by domain and name.
    pub events: Vec<EventFiles>,
    /// Files that break the layout.
    pub layout: Vec<Diagnostic>,
    /// `tidings.toml` as paths are shown (see [`Repository::show_paths_from`]).
    pub config_file: String,
}

impl Repository {
    /// Reads `tidings.toml` in `project` and lists the schema root of the working tree.
    ///
    /// # Errors
    /// A missing or invalid configuration, a missing schema root, unreadable folders.
    pub fn open(project: &Path) -> Result<Repository, RepoError> {
        let config = Config::load(project)?;
        let files = SchemaFiles::work_tree(project, &config.schema_root)?;
        let mut repo = Repository::from_files(project, config, files);
        repo.check_configured_events();
        Ok(repo)
    }

    /// Shows every path relative to `dir`, the folder a command runs in, rather than to the
    /// project (as cargo and compilers do, so that an editor or CI annotation finds the file
    /// from there): `service/schemas/...` when run with `-C service`, `../../schemas/...` from
    /// a folder below the project. Call it before loading.
    pub fn show_paths_from(&mut self, dir: &Path) {
        let (Ok(project), Ok(dir)) = (std::path::absolute(&self.project), std::path::absolute(dir))
        else {
            return;
        };
        let prefix = files::relative_path(&project, &dir);
        if prefix.is_empty() {
            return;
        }
        self.files.display_root = format!("{prefix}/{}", self.files.display_root);
        self.config_file = format!("{prefix}/{}", self.config_file);
        for diagnostic in &mut self.layout {
            diagnostic.file = format!("{prefix}/{}", diagnostic.file);
        }
    }

    /// Every `[events."domain/event"]` of tidings.toml must name an event of the work tree: a
    /// misspelt one would silently drop its level and topic. (Not checked at a git revision,
    /// which may predate an event.)
    fn check_configured_events(&mut self) {
        let keys: Vec<String> = self.events.iter().map(EventFiles::key).collect();
        let unknown: Vec<String> = (self.config.events.keys())
            .filter(|configured| !keys.contains(configured))
            .cloned()
            .collect();
        for configured in unknown {
            let pos = self.config_position(&configured);
            let hint = match crate::naming::nearest(&configured, keys.iter().map(String::as_str)) {
                Some(key) => format!("did you mean `{key}`?"),
                None => "name an event as `<domain>/<event>`, as its folder below the schema root"
                    .to_owned(),
            };
            self.layout.push(lint::Rule::CONFIG_UNKNOWN_EVENT.at(
                config::CONFIG_FILE,
                pos,
                format!(
                    "`[events.\"{configured}\"]` names no event of the schema root, so its settings apply to nothing"
                ),
                Some(hint),
            ));
        }
    }

    /// Where `value` is written in `tidings.toml` (quoted, else bare), for a finding about it;
    /// the file is read again only for such a finding.
    pub fn config_position(&self, value: &str) -> Pos {
        let text =
            std::fs::read_to_string(self.project.join(config::CONFIG_FILE)).unwrap_or_default();
        Config::position_of(&text, &format!("\"{value}\""))
            .or_else(|| Config::position_of(&text, value))
            .unwrap_or(START)
    }

    /// The same repository at a git revision, with the current configuration.
    ///
    /// # Errors
    /// See [`SchemaFiles::git_revision`].
    pub fn at_revision(&self, rev: &str) -> Result<Repository, RepoError> {
        let files = SchemaFiles::git_revision(&self.project, &self.config.schema_root, rev)?;
        Ok(Repository::from_files(
            &self.project,
            self.config.clone(),
            files,
        ))
    }

    /// A repository over files that are already listed.
    pub fn from_files(project: &Path, config: Config, files: SchemaFiles) -> Repository {
        let mut events: BTreeMap<(String, String), Vec<VersionFile>> = BTreeMap::new();
        let mut layout = Vec::new();
        for rel in files.files.keys() {
            let parts: Vec<&str> = rel.split('/').collect();
            if is_shared(parts[0]) {
                continue;
            }
            let problem = |rule: lint::Rule, message: String, hint: &str| {
                rule.at(&files.display(rel), START, message, Some(hint.to_owned()))
            };
            if parts.len() != 3 {
                layout.push(problem(
                    lint::Rule::FILE_OUTSIDE_LAYOUT,
                    format!("`{rel}` is not at `<domain>/<event>/vN.(avsc|json)`, so no event includes it"),
                    "move it into an event folder, or into a folder starting with `_` for shared types",
                ));
                continue;
            }
            match parse_version_file(parts[2]) {
                Some((number, format)) => events
                    .entry((parts[0].to_owned(), parts[1].to_owned()))
                    .or_default()
                    .push(VersionFile {
                        number,
                        rel: rel.clone(),
                        format,
                    }),
                None => layout.push(problem(
                    lint::Rule::VERSION_FILE_NAME,
                    format!("`{}` is not a version file name", parts[2]),
                    "name versions `v1.avsc`, `v2.avsc`, ... (or `.json` for JSON Schema)",
                )),
            }
        }
        for rel in &files.links_outside {
            layout.push(lint::Rule::SYMLINK_OUTSIDE_ROOT.at(
                &files.display(rel),
                START,
                format!("`{rel}` is a symbolic link that leads outside the schema root, so it is not read"),
                Some("move the files it points at into the schema root, or link to a place inside it".to_owned()),
            ));
        }
        let events = events
            .into_iter()
            .map(|((domain, name), mut versions)| {
                versions.sort_by_key(|v| (v.number, v.rel.clone()));
                EventFiles {
                    domain,
                    name,
                    versions,
                }
            })
            .collect();
        Repository {
            project: project.to_path_buf(),
            config,
            files,
            events,
            layout,
            config_file: config::CONFIG_FILE.to_owned(),
        }
    }

    /// Parses every version of every event, shared Avro types included.
    pub fn load(&self) -> LoadedRepository {
        let loader = self.loader();
        let events = self
            .events
            .iter()
            .map(|event| loader.event(event))
            .collect();
        LoadedRepository {
            events,
            errors: loader.errors,
        }
    }

    /// Reads the shared Avro files once, to parse events one at a time with
    /// [`Loader::event`]: what a pass over a large repository uses, so that memory holds one
    /// event's schemas rather than all of them.
    pub fn loader(&self) -> Loader<'_> {
        let mut errors = Vec::new();
        let shared_avro: Vec<(String, String)> = self
            .files
            .files
            .keys()
            .filter(|rel| is_shared(rel) && rel.ends_with(".avsc"))
            .filter_map(|rel| match self.files.read(&self.project, rel) {
                Ok(text) => Some((self.files.display(rel), text)),
                Err(e) => {
                    errors.push(SchemaError::new(
                        &self.files.display(rel),
                        Pos { line: 1, col: 1 },
                        e.to_string(),
                    ));
                    None
                }
            })
            .collect();
        Loader {
            repo: self,
            shared_avro,
            json_loader: self.json_loader(),
            errors,
        }
    }

    /// Parses a JSON Schema file of the repository (`rel`, below the schema root), following its
    /// file references as [`Repository::load`] does, in the work tree or at the revision.
    ///
    /// # Errors
    /// See [`JsonSchemaLoader::load_str`].
    pub fn parse_json(&self, rel: &str, text: &str) -> Result<JsonSchema, SchemaError> {
        self.json_loader()
            .load_named(&self.files.display(rel), text, self.json_path(rel))
    }

    fn json_loader(&self) -> JsonSchemaLoader {
        if !self.files.is_revision() {
            return JsonSchemaLoader::new().schema_root(self.project.join(&self.files.root));
        }
        let files = self.files.clone();
        let root = self.files.root.clone();
        JsonSchemaLoader::new()
            .schema_root(root.clone())
            .file_reader(std::sync::Arc::new(move |path: &Path| {
                let rel = files::slash_path(path.strip_prefix(&root).unwrap_or(path));
                match files.files.get(&rel) {
                    Some(Some(text)) => Ok(text.clone()),
                    _ => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
                }
            }))
    }

    /// The path a JSON Schema file's relative references resolve from.
    fn json_path(&self, rel: &str) -> PathBuf {
        if self.files.is_revision() {
            self.files.root.join(rel)
        } else {
            self.project.join(&self.files.root).join(rel)
        }
    }

    fn load_version(
        &self,
        v: &VersionFile,
        references: &[SourceFile<'_>],
        json_loader: &JsonSchemaLoader,
    ) -> LoadedVersion {
        let file = self.files.display(&v.rel);
        let text = self.files.read(&self.project, &v.rel);
        let doc = match &text {
            Err(e) => Err(SchemaError::new(
                &file,
                Pos { line: 1, col: 1 },
                e.to_string(),
            )),
            Ok(text) => parse_schema_file(
                v.format,
                &file,
                text,
                self.json_path(&v.rel),
                references,
                json_loader,
            ),
        };
        LoadedVersion {
            number: v.number,
            file,
            text: text.unwrap_or_default(),
            doc,
        }
    }
}

/// Every event with its parsed versions.
#[derive(Debug)]
pub struct LoadedRepository {
    /// The events, in domain and name order.
    pub events: Vec<LoadedEvent>,
    /// Shared files that could not be read.
    pub errors: Vec<SchemaError>,
}

impl LoadedRepository {
    /// Every schema that could not be read.
    pub fn schema_errors(&self) -> Vec<&SchemaError> {
        self.errors
            .iter()
            .chain(
                self.events
                    .iter()
                    .flat_map(|e| e.versions.iter().filter_map(|v| v.doc.as_ref().err())),
            )
            .collect()
    }
}

/// Parses the events of a [`Repository`] one at a time ([`Repository::loader`]).
pub struct Loader<'r> {
    repo: &'r Repository,
    shared_avro: Vec<(String, String)>,
    json_loader: JsonSchemaLoader,
    /// Shared files that could not be read.
    pub errors: Vec<SchemaError>,
}

impl Loader<'_> {
    /// Parses every version of `event`.
    pub fn event(&self, event: &EventFiles) -> LoadedEvent {
        let references: Vec<SourceFile<'_>> = self
            .shared_avro
            .iter()
            .map(|(name, text)| SourceFile { name, text })
            .collect();
        LoadedEvent {
            files: event.clone(),
            versions: event
                .versions
                .iter()
                .map(|v| self.repo.load_version(v, &references, &self.json_loader))
                .collect(),
        }
    }
}

/// An event and its parsed versions.
#[derive(Debug)]
pub struct LoadedEvent {
    /// Where its files are.
    pub files: EventFiles,
    /// Its versions, in order.
    pub versions: Vec<LoadedVersion>,
}

/// One parsed version.
#[derive(Debug)]
pub struct LoadedVersion {
    /// `N` of `vN`.
    pub number: u32,
    /// The file as shown in messages.
    pub file: String,
    /// Its text.
    pub text: String,
    /// The schema, or why it cannot be read.
    pub doc: Result<SchemaDoc, SchemaError>,
}

#[cfg(test)]
mod tests {
    use super::config::CONFIG_FILE;
    use super::*;

    #[test]
    fn a_misspelt_event_in_the_configuration_is_an_error_with_the_nearest_event() {
        let dir = tempfile::tempdir().unwrap();
        let event = dir.path().join("schemas/payments/payment_processed");
        std::fs::create_dir_all(&event).unwrap();
        std::fs::write(
            event.join("v1.avsc"),
            r#"{"type": "record", "name": "PaymentProcessed", "fields": []}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "compatibility = \"BACKWARD\"\n\n[events.\"payments/payment_procesed\"]\ncompatibility = \"NONE\"\n",
        )
        .unwrap();
        let repo = Repository::open(dir.path()).unwrap();
        let found: Vec<_> = repo
            .layout
            .iter()
            .filter(|d| d.rule == "CONFIG_UNKNOWN_EVENT")
            .collect();
        assert_eq!(found.len(), 1, "{:?}", repo.layout);
        let diagnostic = found[0];
        assert_eq!(
            (diagnostic.file.as_str(), diagnostic.line),
            ("tidings.toml", 3)
        );
        assert_eq!(diagnostic.severity, Severity::Error);
        assert!(
            diagnostic
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("payments/payment_processed"),
            "{diagnostic:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_inside_the_root_are_followed_and_others_are_warned_about() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("schemas");
        let event = root.join("orders/order_paid");
        std::fs::create_dir_all(&event).unwrap();
        let schema = r#"{"type": "record", "name": "OrderPaid", "fields": []}"#;
        std::fs::write(event.join("v1.avsc"), schema).unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "").unwrap();
        // A version file and a whole event folder linked from inside the root.
        std::os::unix::fs::symlink(event.join("v1.avsc"), event.join("v2.avsc")).unwrap();
        std::os::unix::fs::symlink(&event, root.join("orders/order_settled")).unwrap();
        // A folder outside the root.
        let outside = dir.path().join("elsewhere/refund");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("v1.avsc"), schema).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("orders/order_refunded")).unwrap();
        // A loop.
        std::os::unix::fs::symlink(&root, root.join("orders/again")).unwrap();

        let repo = Repository::open(dir.path()).unwrap();
        let keys: Vec<(String, usize)> = repo
            .events
            .iter()
            .map(|e| (e.key(), e.versions.len()))
            .collect();
        assert_eq!(
            keys,
            [
                ("orders/order_paid".to_owned(), 2),
                ("orders/order_settled".to_owned(), 2)
            ]
        );
        let warnings: Vec<_> = repo
            .layout
            .iter()
            .filter(|d| d.rule == "SYMLINK_OUTSIDE_ROOT")
            .collect();
        assert_eq!(warnings.len(), 1, "{:?}", repo.layout);
        assert!(
            warnings[0].file.contains("order_refunded"),
            "{:?}",
            warnings[0]
        );
    }

    #[test]
    fn version_file_names() {
        assert_eq!(parse_version_file("v1.avsc"), Some((1, Format::Avro)));
        assert_eq!(parse_version_file("v12.json"), Some((12, Format::Json)));
        for bad in [
            "v0.avsc",
            "v01.avsc",
            "1.avsc",
            "v1.txt",
            "v.avsc",
            "version1.avsc",
            "v1",
        ] {
            assert_eq!(parse_version_file(bad), None, "{bad}");
        }
    }
}
