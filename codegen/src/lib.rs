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
mod json;
mod names;
mod space;
mod upcast;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use serde::Deserialize;
use tidings_schema::compat::{check, Level};
use tidings_schema::repo::{LoadedEvent, RepoError, Repository};
use tidings_schema::SchemaDoc;
use tidings_schema::{naming, SchemaError};

use space::{Shape, TypeDef, TypeSpace};

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

    /// Generates the code for the project whose `tidings.toml` is in `project`. Pure: reads the
    /// schemas, writes nothing.
    ///
    /// # Errors
    /// An unreadable repository or schema.
    pub fn generate(&self, project: &Path) -> Result<Generated, Error> {
        let repo = Repository::open(project)?;
        self.with_settings(repo.config.generate.as_ref())?
            .generate_repository(&repo, project)
    }

    fn generate_repository(&self, repo: &Repository, project: &Path) -> Result<Generated, Error> {
        let loaded = repo.load();
        let errors: Vec<SchemaError> = loaded.schema_errors().into_iter().cloned().collect();
        if !errors.is_empty() {
            return Err(Error::Schemas(errors));
        }
        let root = project.join(&repo.config.schema_root);
        let root = normalize(&std::path::absolute(&root).unwrap_or(root));
        let mut domains: BTreeMap<&str, Vec<&LoadedEvent>> = BTreeMap::new();
        for event in &loaded.events {
            domains
                .entry(event.files.domain.as_str())
                .or_default()
                .push(event);
        }
        let mut unformatted = Vec::new();
        let mut modules = Vec::new();
        let mut inline = Vec::new();
        for (domain, events) in domains {
            let module = names::field(domain).ident;
            let tokens = self.domain(domain, &events, repo, &root);
            match self.layout {
                Layout::FilePerDomain => {
                    let name = format!("{}.rs", module.to_string().trim_start_matches("r#"));
                    unformatted.push((name, tokens));
                    modules.push(quote!(pub mod #module;));
                }
                Layout::SingleFile => {
                    let doc = format!(" Events of the `{domain}` domain.");
                    inline.push(quote!(#[doc = #doc] pub mod #module { #tokens }));
                }
            }
        }
        match self.layout {
            Layout::FilePerDomain => unformatted.push(("mod.rs".into(), quote!(#(#modules)*))),
            Layout::SingleFile => unformatted.push(("events.rs".into(), quote!(#(#inline)*))),
        };
        Ok(Generated {
            files: format_files(unformatted),
        })
    }

    fn domain(
        &self,
        domain: &str,
        events: &[&LoadedEvent],
        repo: &Repository,
        root: &Path,
    ) -> TokenStream {
        let mut space = TypeSpace::default();
        let mut upcasters = Vec::new();
        let mut aliases = Vec::new();
        let mut decode_arms = Vec::new();
        let mut wire_arms = Vec::new();
        let mut encode_arms = Vec::new();
        let mut identity_arms = Vec::new();
        let mut variants = Vec::new();
        let mut needs_migrations = false;
        for event in events {
            let base = naming::to_pascal_case(&event.files.name);
            let mut keys: Vec<String> = Vec::new();
            for version in &event.versions {
                let Ok(doc) = &version.doc else { continue };
                let key = format!("{base}V{}", version.number);
                let rel = format!(
                    "{}/{}/v{}.{}",
                    event.files.domain,
                    event.files.name,
                    version.number,
                    if matches!(doc, SchemaDoc::Avro(_)) {
                        "avsc"
                    } else {
                        "json"
                    }
                );
                let def = self.event_struct(
                    doc,
                    &base,
                    &key,
                    &rel,
                    version.number,
                    &mut space,
                    &repo.files.display_root,
                    root,
                    &version.file,
                );
                space.insert(key.clone(), def);
                keys.push(key);
            }
            for (i, pair) in event.versions.windows(2).enumerate() {
                let (Ok(old), Ok(new)) = (&pair[0].doc, &pair[1].doc) else {
                    continue;
                };
                let compatible =
                    check(std::slice::from_ref(old), new, Level::Backward).is_compatible();
                let shapes = |key: &str| match space.shape(key) {
                    Some(Shape::Record(fields)) => fields.clone(),
                    _ => Vec::new(),
                };
                let (old_fields, new_fields) = (shapes(&keys[i]), shapes(&keys[i + 1]));
                let tokens = upcast::upcaster(
                    &mut space,
                    &base,
                    (&keys[i], &old_fields),
                    (&keys[i + 1], &new_fields),
                    compatible,
                );
                needs_migrations |= tokens.to_string().contains("Migrations");
                upcasters.push(tokens);
            }
            let Some(latest) = keys.last() else { continue };
            let (alias, latest_ident) = (names::ident(&base), names::ident(latest));
            let doc = format!(" The latest version of `{base}`.");
            aliases.push(quote!(#[doc = #doc] pub type #alias = #latest_ident;));
            variants.push(quote!(#alias(#alias)));
            encode_arms
                .push(quote!(Self::#alias(event) => ::tidings::codec::encode(registry, event),));
            let name = &base;
            identity_arms.push(quote!(Self::#alias(_) => (<#alias as ::tidings::Event>::EVENT_TYPE, <#alias as ::tidings::Event>::VERSION, #name),));
            let event_type = format!("{}.{}", event.files.domain, event.files.name);
            for (i, key) in keys.iter().enumerate() {
                let number = event.versions[i].number;
                let ident = names::ident(key);
                // Upcast through every later version.
                let mut value = quote!(value);
                for next in &keys[i + 1..] {
                    let next = names::ident(next);
                    value = quote!(<#next as ::core::convert::From<_>>::from(#value));
                }
                let into_variant = if i + 1 == keys.len() {
                    quote!(Self::#alias)
                } else {
                    quote!(|value| Self::#alias(#value))
                };
                wire_arms.push(quote! {
                    if writer.is_schema_of::<#ident>() {
                        return ::tidings::codec::decode::<#ident>(registry, message).map(#into_variant);
                    }
                });
                decode_arms.push(quote! {
                    (#event_type, #number) => ::tidings::json::from_slice::<#ident>(json)
                        .map(#into_variant)
                        .map_err(|e| ::tidings::DecodeError::Invalid { event_type: event_type.to_owned(), version, message: e.to_string() }),
                });
            }
        }
        let enum_ident = names::ident(&format!("{}Event", naming::to_pascal_case(domain)));
        let enum_doc =
            format!(" Every event of the `{domain}` domain, upcast to its latest version.");
        let migrations = needs_migrations.then(|| {
            quote! {
                /// Implement the generated `Migrate...` traits for this type where versions need a person's migration.
                pub struct Migrations;
            }
        });
        let types = space.types.values().map(|t| t.tokens.clone());
        let extra = space.extra.iter().map(|(_, t)| t.clone());
        let tokens = quote! {
            #(#types)*
            #(#aliases)*
            #(#upcasters)*
            #(#extra)*
            #migrations

            #[doc = #enum_doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #enum_ident {
                #(#variants,)*
            }

            impl #enum_ident {
                /// Decodes the JSON of any known version of any event of the domain, by event type
                /// and version, and upcasts it to the latest version.
                ///
                /// # Errors
                /// An unknown event type or version, or JSON that is not that event.
                pub fn from_json(event_type: &str, version: u32, json: &[u8]) -> ::core::result::Result<Self, ::tidings::DecodeError> {
                    match (event_type, version) {
                        #(#decode_arms)*
                        _ => ::core::result::Result::Err(::tidings::DecodeError::UnknownEvent { event_type: event_type.to_owned(), version }),
                    }
                }

                /// Decodes a wire-format message written with any known version of any event of the
                /// domain (found by the schema id's schema), upcast to the latest version.
                ///
                /// # Errors
                /// Bytes not in the wire format, an unknown schema id, a schema of no event of
                /// this domain, or a payload that does not decode.
                pub fn from_wire(registry: ::std::sync::Arc<dyn ::tidings::registry::SchemaRegistry>, message: &[u8]) -> ::core::result::Result<Self, ::tidings::codec::CodecError> {
                    let writer = ::tidings::codec::writer_schema(registry.as_ref(), message)?;
                    #(#wire_arms)*
                    ::core::result::Result::Err(::tidings::codec::CodecError::Schema { event: #domain, message: ::std::string::String::from("the message's schema is no version of any event of this domain") })
                }

                /// Encodes the event in the wire format, with its latest schema.
                ///
                /// # Errors
                /// See `tidings::codec::encode`.
                pub fn to_wire(&self, registry: &dyn ::tidings::registry::SchemaRegistry) -> ::core::result::Result<::std::vec::Vec<u8>, ::tidings::codec::CodecError> {
                    match self {
                        #(#encode_arms)*
                    }
                }

                /// The event type, version and name of the event.
                pub fn kind(&self) -> (&'static str, u32, &'static str) {
                    match self {
                        #(#identity_arms)*
                    }
                }

                /// Decodes a structured CloudEvent (its `type`, `eventversion` and `data`).
                ///
                /// # Errors
                /// A CloudEvent without those attributes, or see [`Self::from_json`].
                pub fn from_cloudevent(event: &::tidings::json::Value) -> ::core::result::Result<Self, ::tidings::DecodeError> {
                    let (event_type, version, data) = ::tidings::cloudevent_parts(event)?;
                    Self::from_json(event_type, version, data.as_bytes())
                }
            }

            impl ::tidings::Domain for #enum_ident {
                const DOMAIN: &'static str = #domain;

                fn from_wire(registry: ::std::sync::Arc<dyn ::tidings::registry::SchemaRegistry>, message: &[u8]) -> ::core::result::Result<Self, ::tidings::codec::CodecError> {
                    Self::from_wire(registry, message)
                }

                fn kind(&self) -> (&'static str, u32, &'static str) {
                    Self::kind(self)
                }
            }
        };
        tokens
    }

    #[allow(clippy::too_many_arguments)]
    fn event_struct(
        &self,
        doc: &SchemaDoc,
        base: &str,
        key: &str,
        rel: &str,
        version: u32,
        space: &mut TypeSpace,
        display_root: &str,
        root: &Path,
        shown: &str,
    ) -> TypeDef {
        let ident = names::ident(key);
        let derives = self.derive_tokens();
        let suffix = format!("V{version}");
        let (fields, shapes, extra_attrs, defaults, doc_text) = match doc {
            SchemaDoc::Avro(schema) => {
                let mut gen = avro::AvroGen {
                    schema,
                    config: self,
                    space,
                    suffix,
                    root_display: display_root,
                };
                let (fields, shapes, defaults) = gen.root_fields(key);
                let doc = match schema.kind(schema.root()) {
                    tidings_schema::avro::Kind::Record(r) => r.doc.clone(),
                    _ => None,
                };
                (fields, shapes, TokenStream::new(), defaults, doc)
            }
            SchemaDoc::Json(schema) => {
                let mut gen = json::JsonGen {
                    schema,
                    config: self,
                    space,
                    suffix,
                    root,
                    root_file: (shown, rel),
                };
                let (fields, shapes, closed) = gen.root_fields(key);
                let deny = if closed {
                    quote!(#[serde(deny_unknown_fields)])
                } else {
                    TokenStream::new()
                };
                let doc = schema
                    .get(schema.resolve(schema.root()))
                    .annotations
                    .description
                    .clone();
                (fields, shapes, deny, Vec::new(), doc)
            }
        };
        let docs = avro::docs(doc_text.as_deref());
        let attributes = self.attribute_tokens();
        let tokens = quote! {
            #docs
            #attributes
            #[derive(::tidings::Event, ::serde::Serialize, ::serde::Deserialize, Debug, Clone, PartialEq #derives)]
            #[event(schema = #rel, name = #base, version = #version)]
            #extra_attrs
            pub struct #ident {
                #(#fields,)*
            }
            #(#defaults)*
        };
        TypeDef {
            fingerprint: format!("event:{rel}"),
            tokens,
            shape: Shape::Record(shapes),
        }
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
        let generated = self.generate(&project)?;
        generated.write_to(&PathBuf::from(out).join("tidings"))?;
        let config = tidings_schema::repo::Config::load(&project).map_err(RepoError::from)?;
        println!(
            "cargo:rerun-if-changed={}",
            project.join("tidings.toml").display()
        );
        println!(
            "cargo:rerun-if-changed={}",
            project.join(config.schema_root).display()
        );
        Ok(())
    }
}

/// Resolves `.` and `..` without the file system, as the JSON Schema loader names the files it
/// reads, so that their paths below the schema root can be found.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Formats each file's tokens, headed `// @generated`, files spread over the machine's cores:
/// formatting (re-parsing the printed tokens and pretty-printing them) is most of the work of
/// generation. Tokens cannot cross threads; their text can.
fn format_files(files: Vec<(String, TokenStream)>) -> BTreeMap<String, String> {
    let texts: Vec<(String, String)> = files
        .into_iter()
        .map(|(name, tokens)| (name, tokens.to_string()))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(texts.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let formatted = std::sync::Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((name, text)) = texts.get(i) else {
                    break;
                };
                let file = format_file(text);
                formatted
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(name.clone(), file);
            });
        }
    });
    formatted
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Formats printed tokens as a file, headed `// @generated`.
fn format_file(tokens: &str) -> String {
    match syn::parse_file(tokens) {
        Ok(file) => format!("{HEADER}\n{}", prettyplease::unparse(&file)),
        // Unparseable output is a generator bug: keep it visible rather than lose it.
        Err(err) => format!(
            "{HEADER}\ncompile_error!({:?});\n{tokens}\n",
            err.to_string()
        ),
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
