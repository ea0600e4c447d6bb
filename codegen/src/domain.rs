//! One domain's module: a struct per version of each event, the upcasters between versions,
//! the latest version's alias, and the domain enum that decodes any version of any event.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;
use tidings_schema::compat::{check, Level};
use tidings_schema::naming;
use tidings_schema::repo::LoadedEvent;
use tidings_schema::SchemaDoc;

use crate::space::{Shape, TypeDef, TypeSpace};
use crate::{avro, json, names, upcast, Config};

/// The module of one domain, built one event at a time ([`Domain::event`]), then turned into
/// tokens ([`Domain::into_tokens`]).
pub(crate) struct Domain<'a> {
    config: &'a Config,
    name: &'a str,
    /// The schema root, absolute and normalised, to turn referenced files into schema paths.
    root: &'a Path,
    /// How the schema root's files are shown (`schemas`).
    display_root: &'a str,
    /// Every type of the module: version structs and the types they use.
    space: TypeSpace,
    upcasters: Vec<TokenStream>,
    /// Whether an upcaster needs a person's migration (`impl MigrateXToY for Migrations`).
    needs_migrations: bool,
    events: Vec<EventVersions>,
}

/// An event of the domain as its enum dispatches it.
struct EventVersions {
    /// `UserRegistered`: the event's name and the enum variant's.
    name: String,
    /// `identity.user_registered`, as CloudEvents and the decoders name it.
    event_type: String,
    /// Each version's struct name (`UserRegisteredV1`) and number, in order.
    versions: Vec<(String, u32)>,
}

/// A version file as its struct is generated from it.
struct VersionSource<'s> {
    doc: &'s SchemaDoc,
    /// The struct's name: `UserRegisteredV2`.
    key: &'s str,
    /// Below the schema root: `identity/user_registered/v2.avsc`.
    rel: &'s str,
    number: u32,
    /// The file as messages show it.
    shown: &'s str,
}

impl<'a> Domain<'a> {
    pub(crate) fn new(
        config: &'a Config,
        name: &'a str,
        root: &'a Path,
        display_root: &'a str,
    ) -> Self {
        Domain {
            config,
            name,
            root,
            display_root,
            space: TypeSpace::default(),
            upcasters: Vec::new(),
            needs_migrations: false,
            events: Vec::new(),
        }
    }

    /// Adds an event: a struct per readable version, and the upcasters between them.
    pub(crate) fn event(&mut self, event: &LoadedEvent) {
        let name = naming::to_pascal_case(&event.files.name);
        let mut versions: Vec<(String, u32)> = Vec::new();
        for version in &event.versions {
            let Ok(doc) = &version.doc else { continue };
            let key = format!("{name}V{}", version.number);
            let extension = match doc {
                SchemaDoc::Avro(_) => "avsc",
                SchemaDoc::Json(_) => "json",
            };
            let rel = format!(
                "{}/{}/v{}.{extension}",
                event.files.domain, event.files.name, version.number
            );
            let source = VersionSource {
                doc,
                key: &key,
                rel: &rel,
                number: version.number,
                shown: &version.file,
            };
            let def = self.version_struct(&name, &source);
            self.space.insert(key.clone(), def);
            versions.push((key, version.number));
        }
        self.upcasters_of(&name, event, &versions);
        if !versions.is_empty() {
            self.events.push(EventVersions {
                event_type: format!("{}.{}", event.files.domain, event.files.name),
                name,
                versions,
            });
        }
    }

    /// From each version to the next: a `From` where the new version reads the old one's
    /// data, else a `Migrate...` trait for a person to implement.
    fn upcasters_of(&mut self, name: &str, event: &LoadedEvent, keys: &[(String, u32)]) {
        for (i, pair) in event.versions.windows(2).enumerate() {
            let (Ok(old), Ok(new)) = (&pair[0].doc, &pair[1].doc) else {
                continue;
            };
            let compatible = check(std::slice::from_ref(old), new, Level::Backward).is_compatible();
            let fields = |space: &TypeSpace, key: &str| match space.shape(key) {
                Some(Shape::Record(fields)) => fields.clone(),
                _ => Vec::new(),
            };
            let (old_key, new_key) = (&keys[i].0, &keys[i + 1].0);
            let (old_fields, new_fields) =
                (fields(&self.space, old_key), fields(&self.space, new_key));
            let upcaster = upcast::upcaster(
                &mut self.space,
                name,
                (old_key, &old_fields),
                (new_key, &new_fields),
                compatible,
            );
            self.needs_migrations |= upcaster.needs_migration;
            self.upcasters.push(upcaster.tokens);
        }
    }

    /// The struct of one version, bound to its schema file.
    fn version_struct(&mut self, name: &str, source: &VersionSource<'_>) -> TypeDef {
        let config = self.config;
        let ident = names::ident(source.key);
        let suffix = format!("V{}", source.number);
        let (fields, shapes, extra_attrs, defaults, doc_text) = match source.doc {
            SchemaDoc::Avro(schema) => {
                let mut gen = avro::AvroGen {
                    schema,
                    config,
                    space: &mut self.space,
                    suffix,
                    root_display: self.display_root,
                };
                let (fields, shapes, defaults) = gen.root_fields(source.key);
                let doc = match schema.kind(schema.root()) {
                    tidings_schema::avro::Kind::Record(r) => r.doc.clone(),
                    _ => None,
                };
                (fields, shapes, TokenStream::new(), defaults, doc)
            }
            SchemaDoc::Json(schema) => {
                let mut gen = json::JsonGen {
                    schema,
                    config,
                    space: &mut self.space,
                    suffix,
                    root: self.root,
                    root_file: (source.shown, source.rel),
                };
                let (fields, shapes, closed) = gen.root_fields(source.key);
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
        let attributes = config.attribute_tokens();
        let derives = config.derive_tokens();
        let (rel, version) = (source.rel, source.number);
        let tokens = quote! {
            #docs
            #attributes
            #[derive(::tidings::Event, ::serde::Serialize, ::serde::Deserialize, Debug, Clone, PartialEq #derives)]
            #[event(schema = #rel, name = #name, version = #version)]
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

    /// The module's items: types, latest-version aliases, upcasters, `Migrations` where one
    /// is needed, and the domain enum.
    pub(crate) fn into_tokens(self) -> TokenStream {
        let aliases = self.events.iter().map(|event| {
            let alias = names::ident(&event.name);
            let latest = names::ident(&event.versions.last().expect("an event has a version").0);
            let doc = format!(" The latest version of `{}`.", event.name);
            quote!(#[doc = #doc] pub type #alias = #latest;)
        });
        let migrations = self.needs_migrations.then(|| {
            quote! {
                /// Implement the generated `Migrate...` traits for this type where versions need a person's migration.
                pub struct Migrations;
            }
        });
        let dispatch = self.dispatch_enum();
        let types = self.space.types.values().map(|t| &t.tokens);
        let extra = self.space.extra.iter().map(|(_, t)| t);
        let upcasters = &self.upcasters;
        quote! {
            #(#types)*
            #(#aliases)*
            #(#upcasters)*
            #(#extra)*
            #migrations
            #dispatch
        }
    }

    /// `IdentityEvent`: one variant per event, holding its latest version, and the decoders
    /// that upcast any version to it.
    fn dispatch_enum(&self) -> TokenStream {
        let domain = self.name;
        let enum_ident = names::ident(&format!("{}Event", naming::to_pascal_case(domain)));
        let enum_doc =
            format!(" Every event of the `{domain}` domain, upcast to its latest version.");
        let variants = self.events.iter().map(|event| {
            let alias = names::ident(&event.name);
            quote!(#alias(#alias))
        });
        let decoders = self.decoders();
        let encoders = self.encoders();
        quote! {
            #[doc = #enum_doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #enum_ident {
                #(#variants,)*
            }

            impl #enum_ident {
                #decoders
                #encoders

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
        }
    }

    /// The domain enum's `from_json` and `from_wire`: any version of any event, upcast to the
    /// latest.
    fn decoders(&self) -> TokenStream {
        let domain = self.name;
        let wire_arms = self.events.iter().flat_map(|event| {
            upcasts(event).map(|(ident, _, into_variant)| {
                quote! {
                    if writer.is_schema_of::<#ident>() {
                        return ::tidings::codec::decode::<#ident>(registry, message).map(#into_variant);
                    }
                }
            })
        });
        let decode_arms = self.events.iter().flat_map(|event| {
            let event_type = &event.event_type;
            upcasts(event).map(move |(ident, number, into_variant)| {
                quote! {
                    (#event_type, #number) => ::tidings::__private::from_json::<#ident>(json, event_type, version).map(#into_variant),
                }
            })
        });
        quote! {
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
        }
    }

    /// The domain enum's `to_wire` (with the latest schema) and `kind`.
    fn encoders(&self) -> TokenStream {
        let encode_arms = self.events.iter().map(|event| {
            let alias = names::ident(&event.name);
            quote!(Self::#alias(event) => ::tidings::codec::encode(registry, event),)
        });
        // The name the enum gives an event is the one its versions were bound with
        // (`#[event(name = ...)]`), so `Event::NAME` is the variant's name.
        let identity_arms = self.events.iter().map(|event| {
            let alias = names::ident(&event.name);
            quote!(Self::#alias(event) => ::tidings::__private::kind(event),)
        });
        quote! {
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
        }
    }
}

/// Each version of an event: its struct, its number, and how a value of it becomes the enum's
/// variant (upcast through every later version).
fn upcasts(
    event: &EventVersions,
) -> impl Iterator<Item = (proc_macro2::Ident, u32, TokenStream)> + '_ {
    let alias = names::ident(&event.name);
    let keys = &event.versions;
    keys.iter().enumerate().map(move |(i, (key, number))| {
        let mut value = quote!(value);
        for (next, _) in &keys[i + 1..] {
            let next = names::ident(next);
            value = quote!(<#next as ::core::convert::From<_>>::from(#value));
        }
        let into_variant = if i + 1 == keys.len() {
            quote!(Self::#alias)
        } else {
            quote!(|value| Self::#alias(#value))
        };
        (names::ident(key), *number, into_variant)
    })
}
