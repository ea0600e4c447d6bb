//! JSON Schema to Rust types: objects to structs (`additionalProperties: false` as
//! `deny_unknown_fields`), optional or nullable properties to `Option`, string enums to enums,
//! `oneOf`/`anyOf` to untagged enums, shared `$ref` files to types emitted once.

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;
use tidings_schema::jsonschema::{JsonSchema, Kind, NodeId};

use crate::avro::docs;
use crate::names;
use crate::space::{FieldShape, Shape, Ty, TypeDef, TypeSpace};
use crate::{Config, TimestampType, UuidType};

pub(crate) struct JsonGen<'a> {
    pub(crate) schema: &'a JsonSchema,
    pub(crate) config: &'a Config,
    pub(crate) space: &'a mut TypeSpace,
    pub(crate) suffix: String,
    /// The schema root, absolute, to turn referenced files into schema paths.
    pub(crate) root: &'a Path,
    /// How the root file is shown, and its path below the schema root.
    pub(crate) root_file: (&'a str, &'a str),
}

impl JsonGen<'_> {
    /// The schema path (below the root) of the file a node is in.
    fn rel(&self, id: NodeId) -> String {
        let file = self.schema.file_of(id);
        if file == self.root_file.0 {
            return self.root_file.1.to_owned();
        }
        Path::new(file).strip_prefix(self.root).map_or_else(
            |_| file.to_owned(),
            |r| r.to_string_lossy().replace('\\', "/"),
        )
    }

    /// The node's own place in its file, not the path that reached it: a schema that refers to
    /// itself (`$ref: "#"`, a tree under `$defs`) reaches the same node along endless paths, and
    /// must give one type.
    fn fingerprint(&self, id: NodeId) -> String {
        let node = self.schema.get(id);
        format!(
            "{}@{}:{}:{}",
            self.rel(id),
            node.pos.line,
            node.pos.col,
            node.annotations.title.as_deref().unwrap_or_default()
        )
    }

    /// The root object's fields, shapes and whether it is closed. `event_key` is the event
    /// struct's name: a `$ref` back to the root is that struct, boxed.
    pub(crate) fn root_fields(
        &mut self,
        event_key: &str,
    ) -> (Vec<TokenStream>, Vec<FieldShape>, bool) {
        let root = self.schema.resolve(self.schema.root());
        let title = self
            .schema
            .get(root)
            .annotations
            .title
            .clone()
            .unwrap_or_default();
        let placeholder = TypeDef {
            fingerprint: self.fingerprint(root),
            tokens: TokenStream::new(),
            shape: Shape::Opaque,
        };
        self.space.insert(event_key.to_owned(), placeholder);
        let fields = self.object_fields(root, &names::type_name(&title), "");
        self.space.remove(event_key);
        fields
    }

    fn object_fields(
        &mut self,
        id: NodeId,
        owner: &str,
        pointer: &str,
    ) -> (Vec<TokenStream>, Vec<FieldShape>, bool) {
        let object = match &self.schema.get(id).kind {
            Kind::Object(o) => o.clone(),
            _ => return (Vec::new(), Vec::new(), false),
        };
        let mut fields = Vec::new();
        let mut shapes = Vec::new();
        for (name, prop) in &object.properties {
            let field = names::field(name);
            let required = object.required.contains(name);
            let inner = self.ty(
                *prop,
                &format!("{owner}{}", names::type_name(name)),
                &format!("{pointer}/properties/{name}"),
            );
            let ty = match (required, inner) {
                (true, t) => t,
                (false, t @ Ty::Option(_)) => t,
                (false, t) => Ty::Option(Box::new(t)),
            };
            let doc = docs(
                self.schema
                    .get(*prop)
                    .annotations
                    .description
                    .as_deref()
                    .or(self
                        .schema
                        .get(self.schema.resolve(*prop))
                        .annotations
                        .description
                        .as_deref()),
            );
            let rename = field.rename.as_ref().map(|r| quote!(#[serde(rename = #r)]));
            // Absent optional properties stay absent, as the schema allows.
            let skip = (!required).then(|| quote!(#[serde(default, skip_serializing_if = "::core::option::Option::is_none")]));
            let ident = &field.ident;
            let tokens = ty.tokens();
            let with = ty.serde_with().map(|w| quote!(#[serde(with = #w)]));
            fields.push(quote! { #doc #rename #skip #with pub #ident: #tokens });
            let default = (!required).then(|| "::core::option::Option::None".to_owned());
            shapes.push(FieldShape {
                wire: name.clone(),
                aliases: Vec::new(),
                ident: field.ident.to_string(),
                ty,
                default,
            });
        }
        let closed = !object.additional.permitted;
        (fields, shapes, closed)
    }

    fn ty(&mut self, id: NodeId, context: &str, pointer: &str) -> Ty {
        let resolved = self.schema.resolve(id);
        let node = self.schema.get(resolved);
        match &node.kind {
            Kind::String(s)
                if s.format.as_deref() == Some("uuid") && self.config.uuid == UuidType::Uuid =>
            {
                Ty::Named {
                    path: "::tidings::uuid::Uuid".into(),
                    key: String::new(),
                }
            }
            Kind::String(s)
                if s.format.as_deref() == Some("date-time")
                    && self.config.timestamps == TimestampType::Chrono =>
            {
                Ty::ChronoDateTime
            }
            Kind::String(s)
                if s.format.as_deref() == Some("date-time")
                    && self.config.timestamps == TimestampType::Time =>
            {
                Ty::TimeDateTime
            }
            Kind::String(_) => Ty::Prim("String"),
            Kind::Number(n) if n.integer => Ty::Prim("i64"),
            Kind::Number(_) => Ty::Prim("f64"),
            Kind::Boolean => Ty::Prim("bool"),
            Kind::Null => Ty::Unit,
            Kind::Array(a) => match a.all_items {
                Some(items) => Ty::Vec(Box::new(self.ty(
                    items,
                    &format!("{context}Item"),
                    &format!("{pointer}/items"),
                ))),
                None => Ty::Vec(Box::new(Ty::Json)),
            },
            Kind::Object(o) if o.properties.is_empty() => match o.additional.schema {
                Some(values) => Ty::Map(Box::new(self.ty(
                    values,
                    &format!("{context}Value"),
                    pointer,
                ))),
                None => Ty::Map(Box::new(Ty::Json)),
            },
            Kind::Object(_) => self.object(resolved, context, pointer),
            Kind::Enum(values) if values.iter().all(serde_json::Value::is_string) => {
                self.string_enum(resolved, values.clone(), context)
            }
            Kind::Combined {
                subschemas,
                synthetic,
                ..
            } => self.combined(&subschemas.clone(), *synthetic, context, pointer),
            // `const` holds one value: its type is the value's.
            Kind::Const(serde_json::Value::String(_)) => Ty::Prim("String"),
            Kind::Const(serde_json::Value::Bool(_)) => Ty::Prim("bool"),
            Kind::Const(serde_json::Value::Number(n)) if n.is_i64() || n.is_u64() => {
                Ty::Prim("i64")
            }
            Kind::Const(serde_json::Value::Number(_)) => Ty::Prim("f64"),
            _ => Ty::Json,
        }
    }

    /// A combination: one branch beside `null` is that branch's type made optional; several
    /// are an untagged enum; a `type` written with `enum` is the enum.
    fn combined(
        &mut self,
        subschemas: &[NodeId],
        synthetic: bool,
        context: &str,
        pointer: &str,
    ) -> Ty {
        let null = subschemas
            .iter()
            .position(|s| matches!(self.schema.get(self.schema.resolve(*s)).kind, Kind::Null));
        let others: Vec<NodeId> = subschemas
            .iter()
            .copied()
            .enumerate()
            .filter(|(i, _)| Some(*i) != null)
            .map(|(_, s)| s)
            .collect();
        if synthetic {
            // `type` with `enum`: the enum says more.
            let part = others
                .iter()
                .copied()
                .find(|s| matches!(self.schema.get(*s).kind, Kind::Enum(_)))
                .or_else(|| others.first().copied());
            return part.map_or(Ty::Json, |p| self.ty(p, context, pointer));
        }
        let inner = match others.as_slice() {
            [single] => self.ty(*single, context, pointer),
            many => self.untagged(many, context, pointer),
        };
        if null.is_some() {
            Ty::Option(Box::new(inner))
        } else {
            inner
        }
    }

    fn object(&mut self, id: NodeId, context: &str, pointer: &str) -> Ty {
        let rel = self.rel(id);
        let node = self.schema.get(id);
        let title = node.annotations.title.clone();
        let wanted = title
            .as_deref()
            .map_or_else(|| context.to_owned(), names::type_name);
        let fingerprint = self.fingerprint(id);
        // Reached before under another name (each path gives another context).
        let (key, exists) = match self.space.key_of(&fingerprint) {
            Some(key) => (key, true),
            None => self.space.name_for(&wanted, &fingerprint, &self.suffix),
        };
        let ty = Ty::Named {
            path: key.clone(),
            key: key.clone(),
        };
        if exists {
            // Met again while it is being defined: it holds itself, through a box.
            if self.space.in_progress(&key) {
                return Ty::Boxed(Box::new(ty));
            }
            return ty;
        }
        let placeholder = TypeDef {
            fingerprint: fingerprint.clone(),
            tokens: TokenStream::new(),
            shape: Shape::Opaque,
        };
        self.space.insert(key.clone(), placeholder);
        // A shared file's root has pointer "" in that file.
        let local_pointer = if self.schema.file_of(id) == self.root_file.0 {
            pointer.to_owned()
        } else {
            String::new()
        };
        let (fields, shapes, closed) = self.object_fields(id, &key, &local_pointer);
        let ident = names::ident(&key);
        let doc = docs(node.annotations.description.as_deref());
        let deny = closed.then(|| quote!(#[serde(deny_unknown_fields)]));
        let derives = self.config.derive_tokens();
        let attributes = self.config.attribute_tokens();
        let binding = match (&title, local_pointer.is_empty()) {
            (Some(t), true) => quote!(#[record(schema = #rel, name = #t)]),
            (Some(t), false) => {
                quote!(#[record(schema = #rel, pointer = #local_pointer, name = #t)])
            }
            (None, true) => quote!(#[record(schema = #rel)]),
            (None, false) => quote!(#[record(schema = #rel, pointer = #local_pointer)]),
        };
        let rename = title
            .as_ref()
            .filter(|t| **t != key)
            .map(|t| quote!(#[serde(rename = #t)]));
        let tokens = quote! {
            #doc
            #attributes
            #[derive(::tidings::Record, ::serde::Serialize, ::serde::Deserialize, Debug, Clone, PartialEq #derives)]
            #binding
            #rename
            #deny
            pub struct #ident {
                #(#fields,)*
            }
        };
        let def = TypeDef {
            fingerprint,
            tokens,
            shape: Shape::Record(shapes),
        };
        self.space.insert(key, def);
        ty
    }

    fn string_enum(&mut self, id: NodeId, values: Vec<serde_json::Value>, context: &str) -> Ty {
        let symbols: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let fingerprint = format!("enum:{}", symbols.join(","));
        let wanted = self
            .schema
            .get(id)
            .annotations
            .title
            .as_deref()
            .map_or_else(|| context.to_owned(), names::type_name);
        let (key, new) = self.space.reserve(&wanted, &fingerprint, &self.suffix);
        if new {
            self.space
                .define_enum(&key, fingerprint, TokenStream::new(), &symbols, None);
        }
        Ty::Named {
            path: key.clone(),
            key,
        }
    }

    fn untagged(&mut self, options: &[NodeId], context: &str, pointer: &str) -> Ty {
        let mut variants = Vec::new();
        let mut fingerprint = String::from("oneOf:");
        for (i, option) in options.iter().enumerate() {
            let ty = self.ty(
                *option,
                &format!("{context}Option{}", i + 1),
                &format!("{pointer}/oneOf/{i}"),
            );
            let name = format!("Option{}", i + 1);
            fingerprint += &format!("{ty:?};");
            let ident = names::ident(&name);
            let tokens = ty.tokens();
            variants.push(quote!(#ident(#tokens)));
        }
        let (key, exists) = self.space.name_for(context, &fingerprint, &self.suffix);
        if !exists {
            let ident = names::ident(&key);
            let tokens = quote! {
                #[derive(::serde::Serialize, ::serde::Deserialize, Debug, Clone, PartialEq)]
                #[serde(untagged)]
                pub enum #ident {
                    #(#variants,)*
                }
            };
            self.space.insert(
                key.clone(),
                TypeDef {
                    fingerprint,
                    tokens,
                    shape: Shape::Opaque,
                },
            );
        }
        Ty::Named {
            path: key.clone(),
            key,
        }
    }
}
