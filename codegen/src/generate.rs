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
    let domains: Vec<(&str, Vec<&LoadedEvent>)> = domains.into_iter().collect();
    let display_root = repo.files.display_root.as_str();
    // Each domain's module is generated and formatted on one of the machine's cores:
    // formatting is most of the work. Tokens cannot cross threads, so each worker formats the
    // tokens it built, parsed as tokens (never printed and read back).
    let texts = in_parallel(&domains, |(name, events)| {
        let mut domain = Domain::new(config, name, &root, display_root);
        for event in events {
            domain.event(event);
        }
        let tokens = domain.into_tokens();
        match config.layout {
            Layout::FilePerDomain => format_tokens(tokens),
            Layout::SingleFile => {
                let module = names::field(name).ident;
                let doc = format!(" Events of the `{name}` domain.");
                format_tokens(quote!(#[doc = #doc] pub mod #module { #tokens }))
            }
        }
    });
    let modules = domains.iter().map(|(name, _)| names::field(name).ident);
    let mut files = BTreeMap::new();
    match config.layout {
        Layout::FilePerDomain => {
            for (module, text) in modules.clone().zip(&texts) {
                let file = format!("{}.rs", module.to_string().trim_start_matches("r#"));
                files.insert(file, format!("{HEADER}\n{text}"));
            }
            let top = format_tokens(quote!(#(pub mod #modules;)*));
            files.insert("mod.rs".to_owned(), format!("{HEADER}\n{top}"));
        }
        // Top-level items print one after the other: the modules formatted apart are the file
        // formatted whole.
        Layout::SingleFile => {
            files.insert(
                "events.rs".to_owned(),
                format!("{HEADER}\n{}", texts.concat()),
            );
        }
    }
    Ok(Generated { files })
}

/// `work` on every item, spread over the machine's cores, the results in the items' order.
fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    break;
                };
                let result = work(item);
                results
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(i, result);
            });
        }
    });
    let results = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    results.into_values().collect()
}

/// Formats tokens as the items of a file.
fn format_tokens(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        // Unparseable output is a generator bug: keep it visible rather than lose it.
        Err(err) => format!("compile_error!({:?});\n{tokens}\n", err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The single file is its modules formatted apart, one after the other: the same text as
    /// the whole file formatted at once.
    #[test]
    fn modules_formatted_apart_are_the_file_formatted_whole() {
        let project = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let repo = Repository::open(&project).unwrap();
        let loaded = repo.load();
        let config = Config::new().layout(Layout::SingleFile);
        let generated = repository(&config, &repo, &loaded).unwrap();
        let root = normalize_path(&std::path::absolute(project.join("schemas")).unwrap());
        let mut domains: BTreeMap<&str, Vec<&LoadedEvent>> = BTreeMap::new();
        for event in &loaded.events {
            domains.entry(&event.files.domain).or_default().push(event);
        }
        let modules = domains.iter().map(|(name, events)| {
            let mut domain = Domain::new(&config, name, &root, &repo.files.display_root);
            for event in events {
                domain.event(event);
            }
            let tokens = domain.into_tokens();
            let module = names::field(name).ident;
            let doc = format!(" Events of the `{name}` domain.");
            quote!(#[doc = #doc] pub mod #module { #tokens })
        });
        let whole = format_tokens(quote!(#(#modules)*));
        assert!(domains.len() > 2);
        let (apart, whole) = (&generated.files["events.rs"], format!("{HEADER}\n{whole}"));
        let first_difference = apart.lines().zip(whole.lines()).position(|(a, w)| a != w);
        if let Some(line) = first_difference {
            let around = |text: &str| {
                text.lines()
                    .skip(line.saturating_sub(2))
                    .take(5)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            panic!(
                "line {line}:\napart:\n{}\nwhole:\n{}",
                around(apart),
                around(&whole)
            );
        }
        assert_eq!(apart.len(), whole.len());
    }
}
