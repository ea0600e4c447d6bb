//! The project convention, in one place: a folder with `tidings.toml` (found upwards from where
//! a tool starts, as cargo finds `Cargo.toml`), its schema root, the shared folders (names
//! starting with `_`), the place of a version file (`<domain>/<event>/vN.(avsc|json)`), and how
//! one schema file is parsed with what it refers to. [`super::Repository`], the derive, the
//! code generator's build.rs entry and the command line read the convention here.

use std::path::{Path, PathBuf};

use super::config::{Config, CONFIG_FILE};
use super::{Format, RepoError, SchemaFiles};
use crate::avro::{AvroParser, SourceFile};
use crate::error::SchemaError;
use crate::jsonschema::JsonSchemaLoader;
use crate::SchemaDoc;

/// The project a folder belongs to: the nearest folder, `start` or above, that holds
/// `tidings.toml` (as cargo finds `Cargo.toml`). The command line, build scripts and the
/// derive all find their project with this.
pub fn find_project(start: &Path) -> Option<PathBuf> {
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let absolute = std::path::absolute(start).ok()?;
    absolute
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// Whether a path below the schema root (`_shared/money.avsc`, or a folder's name) is in a
/// shared folder: one whose name starts with `_` holds types events refer to, not events.
pub fn is_shared(rel: &str) -> bool {
    rel.split('/')
        .next()
        .is_some_and(|first| first.starts_with('_'))
}

/// `v12.avsc` → `(12, Avro)`: the one reading of a version file's name (`v` and a number
/// without leading zeros, `.avsc` or `.json`), for the repository, the derive and the tools.
pub fn parse_version_file(name: &str) -> Option<(u32, Format)> {
    let (stem, ext) = name.rsplit_once('.')?;
    let format = match ext {
        "avsc" => Format::Avro,
        "json" => Format::Json,
        _ => return None,
    };
    let digits = stem.strip_prefix('v')?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((digits.parse().ok()?, format))
}

/// Where a version file sits: `<domain>/<event>/vN.(avsc|json)` below the schema root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionPlace {
    /// The domain folder (`identity`).
    pub domain: String,
    /// The event folder (`user_registered`).
    pub event: String,
    /// `N` of `vN`.
    pub number: u32,
    /// Its format.
    pub format: Format,
}

impl VersionPlace {
    /// The place of `file` in the event folder `domain/event`.
    ///
    /// # Errors
    /// A file name that is not a version file name, said for a person.
    pub fn of(domain: &str, event: &str, file: &str) -> Result<VersionPlace, String> {
        let (number, format) = parse_version_file(file).ok_or_else(|| {
            format!("`{file}` is not a version file: name versions `v1.avsc`, `v2.json`, ... (no leading zeros)")
        })?;
        Ok(VersionPlace {
            domain: domain.to_owned(),
            event: event.to_owned(),
            number,
            format,
        })
    }
}

/// A file of a shared folder.
#[derive(Debug, Clone)]
pub struct SharedFile {
    /// Below the schema root (`_shared/money.avsc`).
    pub rel: String,
    /// Absolute.
    pub path: PathBuf,
    /// As messages show it (`schemas/_shared/money.avsc`).
    pub shown: String,
    /// Its text.
    pub text: String,
}

/// A project on disk: its folder and configuration.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder of `tidings.toml`.
    pub dir: PathBuf,
    /// Its configuration.
    pub config: Config,
}

impl Project {
    /// The project of `dir` (where `tidings.toml` is).
    ///
    /// # Errors
    /// A missing or invalid `tidings.toml`.
    pub fn open(dir: &Path) -> Result<Project, RepoError> {
        Ok(Project {
            dir: dir.to_path_buf(),
            config: Config::load(dir)?,
        })
    }

    /// The project `start` belongs to ([`find_project`]), if any.
    ///
    /// # Errors
    /// An invalid `tidings.toml`.
    pub fn find(start: &Path) -> Result<Option<Project>, RepoError> {
        find_project(start)
            .map(|dir| Project::open(&dir))
            .transpose()
    }

    /// The schema root, as the configuration names it below the project folder.
    pub fn schema_root(&self) -> PathBuf {
        self.dir.join(&self.config.schema_root)
    }

    /// The Avro files of the schema root's shared folders, in path order (the order decides
    /// which file defines a name first). Listed as the repository lists its files: links are
    /// followed only where they stay inside the schema root.
    ///
    /// # Errors
    /// A missing schema root, a folder or file that cannot be read.
    pub fn shared_avro_files(&self) -> Result<Vec<SharedFile>, RepoError> {
        // Only the shared folders are listed: the derive calls this from every build.
        let files = SchemaFiles::work_tree_below(&self.dir, &self.config.schema_root, is_shared)?;
        let root = self.schema_root();
        files
            .files
            .keys()
            .filter(|rel| is_shared(rel) && rel.ends_with(".avsc"))
            .map(|rel| {
                Ok(SharedFile {
                    rel: rel.clone(),
                    path: root.join(rel),
                    shown: files.display(rel),
                    text: files.read(&self.dir, rel)?,
                })
            })
            .collect()
    }
}

/// A schema file parsed: Avro with the shared types it may use (`shared_avro`, each named as
/// messages show it), JSON Schema with `json_loader`, following its file references from
/// `path`. `shown` names the file in errors.
///
/// # Errors
/// The schema's mistakes, at their position.
pub fn parse_schema_file(
    format: Format,
    shown: &str,
    text: &str,
    path: PathBuf,
    shared_avro: &[SourceFile<'_>],
    json_loader: &JsonSchemaLoader,
) -> Result<SchemaDoc, SchemaError> {
    match format {
        Format::Avro => AvroParser::new()
            .parse_with_references(SourceFile { name: shown, text }, shared_avro)
            .map(SchemaDoc::Avro),
        Format::Json => json_loader
            .load_named(shown, text, path)
            .map(SchemaDoc::Json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::check::tests::write;

    #[test]
    fn the_project_is_found_from_below_and_its_shared_files_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("service");
        write(&project, CONFIG_FILE, "schema_root = \"schemas\"\n");
        write(
            &project,
            "schemas/_shared/money.avsc",
            r#"{"type": "fixed", "name": "Money", "size": 8}"#,
        );
        write(
            &project,
            "schemas/_shared/deep/currency.avsc",
            r#"{"type": "enum", "name": "Currency", "symbols": ["EUR"]}"#,
        );
        write(&project, "schemas/orders/order_paid/v1.avsc", "{}");
        write(
            dir.path(),
            "outside/secret.avsc",
            r#"{"type": "fixed", "name": "Secret", "size": 1}"#,
        );
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            dir.path().join("outside"),
            project.join("schemas/_shared/link"),
        )
        .unwrap();

        let found = Project::find(&project.join("schemas/orders"))
            .unwrap()
            .unwrap();
        assert_eq!(found.dir, std::path::absolute(&project).unwrap());
        assert_eq!(found.schema_root(), found.dir.join("schemas"));
        let shared = found.shared_avro_files().unwrap();
        let rels: Vec<&str> = shared.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["_shared/deep/currency.avsc", "_shared/money.avsc"]);
        assert_eq!(shared[1].shown, "schemas/_shared/money.avsc");
        assert!(shared[1].text.contains("Money"));

        assert!(Project::find(dir.path()).unwrap().is_none());
        write(&project, CONFIG_FILE, "schema_root = 3\n");
        assert!(Project::find(&project).is_err());
    }

    #[test]
    fn a_version_place_reads_the_one_version_file_name() {
        let place = VersionPlace::of("identity", "user_registered", "v12.json").unwrap();
        assert_eq!((place.number, place.format), (12, Format::Json));
        for bad in ["v01.avsc", "v.avsc", "v1.yaml", "1.avsc"] {
            let err = VersionPlace::of("identity", "user_registered", bad).unwrap_err();
            assert!(err.contains("is not a version file"), "{bad}: {err}");
        }
    }
}
