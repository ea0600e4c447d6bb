//! A loaded repository to formatted files: one module per domain, laid out as configured.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use tidings_schema::jsonschema::normalize_path;
use tidings_schema::repo::{LoadedEvent, LoadedRepository, Repository};
use tidings_schema::SchemaError;

use crate::domain::Domain;
use crate::{names, Config, Error, Generated, Layout, HEADER};

/// The files for `repo`, whose schemas `loaded` holds. Touches no file.
pub(crate) fn repository(
    config: &Config,
    repo: &Repository,
    loaded: &LoadedRepository,
) -> Result<Generated, Error> {
    let errors: Vec<SchemaError> = loaded.schema_errors().into_iter().cloned().collect();
    if !errors.is_empty() {
        return Err(Error::Schemas(errors));
    }
    // Absolute and normalised as the JSON Schema loader names the files it reads, so that
    // their paths below the schema root can be found.
    let root = repo.project.join(&repo.config.schema_root);
    let root = normalize_path(&std::path::absolute(&root).unwrap_or(root));
    let mut domains: BTreeMap<&str, Vec<&LoadedEvent>> = BTreeMap::new();
    for event in &loaded.events {
        domains
            .entry(event.files.domain.as_str())
            .or_default()
            .push(event);
    }
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for (name, events) in domains {
        let mut domain = Domain::new(config, name, &root, &repo.files.display_root);
        for event in events {
            domain.event(event);
        }
        let tokens = domain.into_tokens();
        let module = names::field(name).ident;
        match config.layout {
            Layout::FilePerDomain => {
                let file = format!("{}.rs", module.to_string().trim_start_matches("r#"));
                files.push((file, tokens));
                modules.push(quote!(pub mod #module;));
            }
            Layout::SingleFile => {
                let doc = format!(" Events of the `{name}` domain.");
                modules.push(quote!(#[doc = #doc] pub mod #module { #tokens }));
            }
        }
    }
    let top = match config.layout {
        Layout::FilePerDomain => "mod.rs",
        Layout::SingleFile => "events.rs",
    };
    files.push((top.to_owned(), quote!(#(#modules)*)));
    Ok(Generated {
        files: format_files(files),
    })
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
