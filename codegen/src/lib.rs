//! tidings-codegen: Rust types for the events of a schema repository.
//!
//! For every domain, one module: one struct per event version (`UserRegisteredV1`,
//! `UserRegisteredV2`) bound to its schema with `#[derive(tidings::Event)]`, a
//! `pub type UserRegistered = UserRegisteredV2;` for the latest, nested records, enums and unions,
//! upcasters between versions, and one enum per domain (`IdentityEvent`) that decodes any known
//! version of any of its events and upcasts it to the latest.
//!
//! From a build.rs:
//!
//! ```no_run
//! tidings_codegen::Config::new().compile().expect("events generated");
//! ```
//!
//! and in the crate: `mod identity { tidings::include_events!("identity"); }`.

mod avro;
mod domain;
mod generate;
mod json;
mod names;
mod space;
mod upcast;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use serde::Deserialize;
use tidings_schema::repo::config::CONFIG_FILE;
use tidings_schema::repo::{LoadedRepository, RepoError, Repository};
use tidings_schema::SchemaError;

/// How `uuid` logical types and `format: uuid` strings are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UuidType {
    /// `String` (no dependency).
    #[default]
    String,
    /// `tidings::uuid::Uuid`.
    Uuid,
}

/// How timestamps are typed: Avro `timestamp-millis`/`timestamp-micros` longs and JSON Schema
/// `date-time` strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimestampType {
    /// `i64` (Avro) and `String` (JSON Schema): no dependency.
    #[default]
    Integer,
    /// `chrono::DateTime<chrono::Utc>`: the crate depends on `chrono` with its `serde` feature.
    Chrono,
    /// `time::OffsetDateTime` for `timestamp-millis` and `date-time` (micros stay `i64`): the
    /// crate depends on `time` with its `serde`, `formatting` and `parsing` features.
    Time,
}

/// How Avro `decimal`s are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalType {
    /// The unscaled two's-complement bytes, `Vec<u8>`.
    #[default]
    Bytes,
    /// `tidings::avro::Decimal` (apache-avro's), with conversions to and from big integers.
    Avro,
}

/// How the generated code is laid out in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `mod.rs` declaring `pub mod <domain>;`, and one `<domain>.rs` per domain.
    #[default]
    FilePerDomain,
    /// One `events.rs` holding `pub mod <domain> { ... }` for every domain
    /// (`tidings::include_events!("events")`).
    SingleFile,
}

/// What to generate. Starts from the `[generate]` table of the project's `tidings.toml`
/// (`uuid`, `timestamps`, `decimals`, `layout`, `derives`, `attributes`), so that
/// `tidings generate` and a build.rs produce the same code; what the builder sets wins, and its
/// derives and attributes come after the table's.
#[derive(Debug, Clone, Default)]
pub struct Config {
    uuid: UuidType,
    timestamps: TimestampType,
    decimals: DecimalType,
    layout: Layout,
    derives: Vec<String>,
    attributes: Vec<String>,
    /// The options set through the builder, which the table does not override.
    chosen: Chosen,
}

#[derive(Debug, Clone, Copy, Default)]
struct Chosen {
    uuid: bool,
    timestamps: bool,
    decimals: bool,
    layout: bool,
}

/// The builder's value when it chose one, else the table's, else the default.
fn take<T>(chosen: bool, ours: T, theirs: Option<T>) -> T {
    if chosen {
        ours
    } else {
        theirs.unwrap_or(ours)
    }
}

/// The `[generate]` table of `tidings.toml`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    uuid: Option<UuidType>,
    timestamps: Option<TimestampType>,
    decimals: Option<DecimalType>,
    layout: Option<Layout>,
    #[serde(default)]
    derives: Vec<String>,
    #[serde(default)]
    attributes: Vec<String>,
}

/// Generation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The repository cannot be read.
    #[error(transparent)]
    Repo(#[from] RepoError),
    /// Schemas that cannot be read, one per line.
    #[error("{} schema file(s) cannot be read:\n{}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Schemas(Vec<SchemaError>),
    /// Writing the output failed.
    #[error("cannot write `{}`: {message}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// An option that cannot be used: a `[generate]` table of `tidings.toml` that does not
    /// read, a derive or an attribute that is not Rust.
    #[error("{0}")]
    Option(String),
    /// `compile` runs from a build script, where cargo sets `OUT_DIR`.
    #[error("{0} is not set: call `compile` from a build.rs, or `generate` and write the files yourself")]
    NotInBuildScript(&'static str),
}

/// The generated files: `mod.rs` and one file per domain, by file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// File name to content.
    pub files: BTreeMap<String, String>,
}

const HEADER: &str = "// @generated by tidings-codegen. Do not edit.\n";

impl Generated {
    /// Writes every file into `dir`, touching only those whose content changed (so that cargo
    /// does not rebuild for nothing). Returns the files written.
    ///
    /// # Errors
    /// A folder or file that cannot be written.
    pub fn write_to(&self, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::Write {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut written = Vec::new();
        for (name, content) in &self.files {
            let path = dir.join(name);
            if std::fs::read_to_string(&path).ok().as_deref() == Some(content.as_str()) {
                continue;
            }
            std::fs::write(&path, content).map_err(|e| Error::Write {
                path: path.clone(),
                message: e.to_string(),
            })?;
            written.push(path);
        }
        Ok(written)
    }

    /// The files in `dir` that differ from what would be generated (missing ones included).
    pub fn stale_in(&self, dir: &Path) -> Vec<String> {
        self.files
            .iter()
            .filter(|(name, content)| {
                std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(content.as_str())
            })
            .map(|(name, _)| name.clone())
            .collect()
    }
}

impl Config {
    /// The defaults: `String` for uuids, no extra derives.
    pub fn new() -> Self {
        Config::default()
    }

    /// How uuids are typed.
    pub fn uuid(mut self, uuid: UuidType) -> Self {
        self.uuid = uuid;
        self.chosen.uuid = true;
        self
    }

    /// How Avro decimals are typed.
    pub fn decimals(mut self, decimals: DecimalType) -> Self {
        self.decimals = decimals;
        self.chosen.decimals = true;
        self
    }

    /// How the output is split into files.
    pub fn layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self.chosen.layout = true;
        self
    }

    /// How timestamps are typed.
    pub fn timestamps(mut self, timestamps: TimestampType) -> Self {
        self.timestamps = timestamps;
        self.chosen.timestamps = true;
        self
    }

    /// Adds a derive to every generated struct (`"Eq"`, `"::schemars::JsonSchema"`).
    pub fn derive(mut self, path: impl Into<String>) -> Self {
        self.derives.push(path.into());
        self
    }

    /// Adds an attribute to every generated struct and enum (`"#[non_exhaustive]"`).
    pub fn attribute(mut self, attribute: impl Into<String>) -> Self {
        self.attributes.push(attribute.into());
        self
    }

    /// This configuration with the `[generate]` table of the project under it: the table
    /// fills what the builder did not choose. Checks every derive and attribute.
    fn with_settings(&self, table: Option<&toml::Table>) -> Result<Config, Error> {
        let settings = match table {
            None => Settings::default(),
            Some(table) => {
                Settings::deserialize(toml::Value::Table(table.clone())).map_err(|e| {
                    Error::Option(format!(
                        "tidings.toml [generate]: {}",
                        e.to_string().trim_end()
                    ))
                })?
            }
        };
        let mut config = self.clone();
        config.uuid = take(self.chosen.uuid, self.uuid, settings.uuid);
        config.timestamps = take(self.chosen.timestamps, self.timestamps, settings.timestamps);
        config.decimals = take(self.chosen.decimals, self.decimals, settings.decimals);
        config.layout = take(self.chosen.layout, self.layout, settings.layout);
        config.derives = settings
            .derives
            .into_iter()
            .chain(self.derives.iter().cloned())
            .collect();
        config.attributes = settings
            .attributes
            .into_iter()
            .chain(self.attributes.iter().cloned())
            .collect();
        for derive in &config.derives {
            syn::parse_str::<syn::Path>(derive).map_err(|e| {
                Error::Option(format!("the derive `{derive}` is not a Rust path ({e}); write a trait path such as `Eq` or `::schemars::JsonSchema`"))
            })?;
        }
        for attribute in &config.attributes {
            let parsed = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, attribute);
            if !matches!(parsed.as_deref(), Ok([_])) {
                return Err(Error::Option(format!(
                    "the attribute `{attribute}` is not one outer Rust attribute; write it as `#[non_exhaustive]`"
                )));
            }
        }
        Ok(config)
    }

    pub(crate) fn attribute_tokens(&self) -> TokenStream {
        // Checked in `with_settings`: every one parses.
        let attributes: Vec<TokenStream> = self
            .attributes
            .iter()
            .filter_map(|a| a.parse().ok())
            .collect();
        quote!(#(#attributes)*)
    }

    pub(crate) fn derive_tokens(&self) -> TokenStream {
        let paths: Vec<TokenStream> = self.derives.iter().filter_map(|d| d.parse().ok()).collect();
        quote!(#(, #paths)*)
    }

    /// Generates the code for the project whose `tidings.toml` is in `project`: opens and
    /// loads its repository, then [`Config::generate_loaded`]. Writes nothing.
    ///
    /// # Errors
    /// An unreadable repository or schema.
    pub fn generate(&self, project: &Path) -> Result<Generated, Error> {
        let repo = Repository::open(project)?;
        self.generate_loaded(&repo, &repo.load())
    }

    /// Generates the code for a repository already loaded, with the `[generate]` table of its
    /// `tidings.toml`. Pure: reads and writes no file.
    ///
    /// # Errors
    /// A schema of the repository that could not be read, or an option that cannot be used.
    pub fn generate_loaded(
        &self,
        repo: &Repository,
        loaded: &LoadedRepository,
    ) -> Result<Generated, Error> {
        let config = self.with_settings(repo.config.generate.as_ref())?;
        generate::repository(&config, repo, loaded)
    }

    /// For build.rs: generates into `$OUT_DIR/tidings/` (writing only changed files) for the
    /// project whose `tidings.toml` is in the crate's folder or above it, and tells cargo to
    /// rerun when the schemas change.
    ///
    /// # Errors
    /// Not in a build script, no project found, or see [`Config::generate`].
    pub fn compile(&self) -> Result<(), Error> {
        let out = std::env::var_os("OUT_DIR").ok_or(Error::NotInBuildScript("OUT_DIR"))?;
        let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
            .ok_or(Error::NotInBuildScript("CARGO_MANIFEST_DIR"))?;
        let manifest = PathBuf::from(manifest);
        let project = tidings_schema::repo::find_project(&manifest).unwrap_or(manifest);
        let repo = Repository::open(&project)?;
        let generated = self.generate_loaded(&repo, &repo.load())?;
        generated.write_to(&PathBuf::from(out).join("tidings"))?;
        for watched in [
            repo.project.join(CONFIG_FILE),
            repo.project.join(&repo.config.schema_root),
        ] {
            println!("cargo:rerun-if-changed={}", watched.display());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_derives_and_attributes_reach_every_struct() {
        let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let generated = Config::new()
            .derive("Eq")
            .attribute("#[allow(missing_docs)]")
            .uuid(UuidType::Uuid)
            .generate(&project)
            .unwrap();
        let identity = &generated.files["identity.rs"];
        assert!(identity.contains("PartialEq,\n    Eq\n)]"), "{identity}");
        assert!(identity.matches("#[allow(missing_docs)]").count() >= 10);
        assert!(identity.contains("pub user_id: ::tidings::uuid::Uuid"));
    }

    /// A project of one Avro event with a uuid field, and `generate` as its `[generate]` table.
    fn project_with(generate: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("tidings.toml"),
            format!("schema_root = \"schemas\"\n\n[generate]\n{generate}\n"),
        )
        .unwrap();
        let event = dir.path().join("schemas/orders/order_paid");
        std::fs::create_dir_all(&event).unwrap();
        std::fs::write(
            event.join("v1.avsc"),
            r#"{"type": "record", "name": "OrderPaid", "fields": [{"name": "id", "type": {"type": "string", "logicalType": "uuid"}}]}"#,
        )
        .unwrap();
        dir
    }

    #[test]
    fn the_generate_table_sets_what_the_builder_does_not() {
        let dir = project_with("uuid = \"uuid\"\nderives = [\"Eq\"]\nattributes = [\"#[non_exhaustive]\"]\nlayout = \"single_file\"");
        let generated = Config::new().derive("Hash").generate(dir.path()).unwrap();
        let events = &generated.files["events.rs"];
        assert!(events.contains("pub id: ::tidings::uuid::Uuid"), "{events}");
        let squeezed: String = events.split_whitespace().collect();
        assert!(
            squeezed.contains("PartialEq,Eq,Hash)]"),
            "table's derives, then the builder's: {events}"
        );
        assert!(events.contains("#[non_exhaustive]"), "{events}");
        // The builder wins where it chose.
        let chosen = Config::new()
            .uuid(UuidType::String)
            .layout(Layout::FilePerDomain);
        let orders = &chosen.generate(dir.path()).unwrap().files["orders.rs"];
        assert!(orders.contains("pub id: ::std::string::String"), "{orders}");
    }

    /// Generation over a loaded repository reads no file: the project can be gone.
    #[test]
    fn generation_over_a_loaded_repository_is_pure() {
        let dir = project_with("layout = \"single_file\"");
        let from_disk = Config::new().generate(dir.path()).unwrap();
        let repo = Repository::open(dir.path()).unwrap();
        let loaded = repo.load();
        std::fs::remove_dir_all(dir.path()).unwrap();
        let from_memory = Config::new().generate_loaded(&repo, &loaded).unwrap();
        assert_eq!(from_memory, from_disk);
        assert!(from_memory.files["events.rs"].contains("pub struct OrderPaidV1"));
    }

    #[test]
    fn options_that_do_not_read_are_errors() {
        for (generate, expected) in [
            ("uid = \"uuid\"", "unknown field `uid`"),
            ("timestamps = \"moment\"", "unknown variant `moment`"),
            ("derives = [\"Eq(\"]", "the derive `Eq(` is not a Rust path"),
            (
                "attributes = [\"non_exhaustive\"]",
                "the attribute `non_exhaustive` is not one outer Rust attribute",
            ),
        ] {
            let dir = project_with(generate);
            let err = Config::new().generate(dir.path()).unwrap_err().to_string();
            assert!(err.contains(expected), "{generate}: {err}");
        }
        let dir = project_with("");
        let err = Config::new()
            .attribute("#[a] #[b]")
            .generate(dir.path())
            .unwrap_err();
        assert!(
            err.to_string().contains("not one outer Rust attribute"),
            "{err}"
        );
    }

    #[test]
    fn single_file_layout_holds_every_domain() {
        let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let split = Config::new().generate(&project).unwrap();
        let single = Config::new()
            .layout(Layout::SingleFile)
            .generate(&project)
            .unwrap();
        assert_eq!(single.files.keys().collect::<Vec<_>>(), ["events.rs"]);
        let events = &single.files["events.rs"];
        for domain in ["identity", "orders", "organizations", "payments"] {
            assert!(events.contains(&format!("pub mod {domain} {{")), "{domain}");
            // The same items as in the domain's own file.
            let own = &split.files[&format!("{domain}.rs")];
            assert!(own.contains("pub enum"), "{domain}");
        }
        assert!(
            events.contains("pub struct UserRegisteredV3")
                && events.contains("pub enum PaymentsEvent")
        );
        syn::parse_file(events).expect("valid Rust");
    }
}
