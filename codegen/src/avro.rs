//! Avro schemas to Rust types: records to structs bound with `tidings::Record`, enums to enums,
//! `null` unions (in any position) to `Option`, other unions to enums, logical types to the
//! configured mappings, defaults to serde default functions.

use proc_macro2::TokenStream;
use quote::quote;
use tidings_schema::avro::{AvroSchema, Kind, LogicalType, TypeId};

use crate::names;
use crate::space::{FieldShape, Shape, Ty, TypeDef, TypeSpace};
use crate::{Config, DecimalType, TimestampType, UuidType};

pub(crate) struct AvroGen<'a> {
    pub(crate) schema: &'a AvroSchema,
    pub(crate) config: &'a Config,
    /// Types of the domain module.
    pub(crate) space: &'a mut TypeSpace,
    /// Added to a type name that another version already uses differently (`V2`).
    pub(crate) suffix: String,
    /// How the schema root's files are shown (`schemas`), to turn file names into schema paths.
    pub(crate) root_display: &'a str,
}

/// Doc attributes for a doc string.
pub(crate) fn docs(doc: Option<&str>) -> TokenStream {
    let lines: Vec<String> = doc
        .map(|d| d.lines().map(|l| format!(" {}", l.trim_end())).collect())
        .unwrap_or_default();
    quote!(#(#[doc = #lines])*)
}

impl AvroGen<'_> {
    fn rel(&self, file: &str) -> String {
        file.strip_prefix(self.root_display)
            .map_or(file, |r| r.trim_start_matches('/'))
            .to_owned()
    }

    /// The root record's fields, with their types generated.
    pub(crate) fn root_fields(
        &mut self,
        owner: &str,
    ) -> (Vec<TokenStream>, Vec<FieldShape>, Vec<TokenStream>) {
        let root = self.schema.root();
        self.record_fields(root, owner)
    }

    /// Field declarations, their shapes, and default functions, for a record.
    /// `owner`: the Rust name of the struct, which names its default functions.
    fn record_fields(
        &mut self,
        id: TypeId,
        owner: &str,
    ) -> (Vec<TokenStream>, Vec<FieldShape>, Vec<TokenStream>) {
        let Kind::Record(record) = self.schema.kind(id).clone() else {
            return Default::default();
        };
        let mut fields = Vec::new();
        let mut shapes = Vec::new();
        let mut default_fns = Vec::new();
        for field in &record.fields {
            let name = names::field(&field.name);
            let ty = self.ty(
                field.ty,
                &format!("{owner}{}", names::type_name(&field.name)),
            );
            let doc = docs(field.doc.as_deref());
            let rename = name.rename.as_ref().map(|r| quote!(#[serde(rename = #r)]));
            let default_expr = field
                .default
                .as_ref()
                .and_then(|d| self.default_expr(&ty, d, field.ty));
            let default_attr = match (&default_expr, &ty) {
                (_, Ty::Option(_)) if field.default == Some(serde_json::Value::Null) => {
                    Some(quote!(#[serde(default)]))
                }
                (Some(expr), _) => {
                    // `UserRegisteredV3` → `user_registered_v3`.
                    let owner_snake = names::field(owner)
                        .ident
                        .to_string()
                        .trim_start_matches("r#")
                        .replace("_v_", "_v");
                    let fn_name = format!(
                        "default_{owner_snake}_{}",
                        name.ident.to_string().trim_start_matches("r#")
                    );
                    let fn_ident = names::ident(&fn_name);
                    let ty_tokens = ty.tokens();
                    let expr: TokenStream = expr.parse().unwrap_or_default();
                    default_fns.push(quote!(fn #fn_ident() -> #ty_tokens { #expr }));
                    Some(quote!(#[serde(default = #fn_name)]))
                }
                _ => None,
            };
            let ident = &name.ident;
            let ty_tokens = ty.tokens();
            let with = ty.serde_with().map(|w| quote!(#[serde(with = #w)]));
            fields.push(quote! { #doc #rename #default_attr #with pub #ident: #ty_tokens });
            shapes.push(FieldShape {
                wire: field.name.clone(),
                aliases: field.aliases.clone(),
                ident: name.ident.to_string(),
                ty,
                default: default_expr,
            });
        }
        (fields, shapes, default_fns)
    }

    /// A Rust expression for a schema default of a field of type `ty`.
    fn default_expr(&self, ty: &Ty, value: &serde_json::Value, id: TypeId) -> Option<String> {
        use serde_json::Value as J;
        Some(match (ty, value) {
            (Ty::Option(_), J::Null) => "::core::option::Option::None".into(),
            (Ty::Option(inner), v) => {
                // A union's default belongs to its first branch.
                let first = match self.schema.kind(id) {
                    Kind::Union(b) => *b.first()?,
                    _ => id,
                };
                format!(
                    "::core::option::Option::Some({})",
                    self.default_expr(inner, v, first)?
                )
            }
            (Ty::Prim("bool"), J::Bool(b)) => b.to_string(),
            (Ty::Prim("i32" | "i64"), J::Number(n)) => n.as_i64()?.to_string(),
            (Ty::Prim("f32" | "f64"), J::Number(n)) => format!("{:?}", n.as_f64()?),
            (Ty::Prim("String"), J::String(s)) => format!("::std::string::String::from({s:?})"),
            (Ty::Vec(_), J::Array(a)) if a.is_empty() => "::std::vec::Vec::new()".into(),
            (Ty::Map(_), J::Object(o)) if o.is_empty() => {
                "::std::collections::HashMap::new()".into()
            }
            (Ty::Named { path, .. }, J::String(symbol))
                if matches!(self.schema.kind(id), Kind::Enum(_)) =>
            {
                format!("{path}::{}", names::type_name(symbol))
            }
            _ => return None,
        })
    }

    pub(crate) fn ty(&mut self, id: TypeId, context: &str) -> Ty {
        let node = self.schema.get(id);
        match (&node.kind, &node.logical) {
            (Kind::Null, _) => Ty::Unit,
            (Kind::Boolean, _) => Ty::Prim("bool"),
            (Kind::Int, _) => Ty::Prim("i32"),
            (Kind::Long, Some(LogicalType::TimestampMillis))
                if self.config.timestamps == TimestampType::Chrono =>
            {
                Ty::ChronoTimestamp { micros: false }
            }
            (Kind::Long, Some(LogicalType::TimestampMicros))
                if self.config.timestamps == TimestampType::Chrono =>
            {
                Ty::ChronoTimestamp { micros: true }
            }
            (Kind::Long, Some(LogicalType::TimestampMillis))
                if self.config.timestamps == TimestampType::Time =>
            {
                Ty::TimeTimestamp
            }
            (Kind::Long, _) => Ty::Prim("i64"),
            (Kind::Float, _) => Ty::Prim("f32"),
            (Kind::Double, _) => Ty::Prim("f64"),
            (Kind::String, Some(LogicalType::Uuid)) if self.config.uuid == UuidType::Uuid => {
                Ty::Named {
                    path: "::tidings::uuid::Uuid".into(),
                    key: String::new(),
                }
            }
            (Kind::String, _) => Ty::Prim("String"),
            (Kind::Bytes | Kind::Fixed(_), Some(LogicalType::Decimal { .. }))
                if self.config.decimals == DecimalType::Avro =>
            {
                Ty::AvroDecimal
            }
            (Kind::Bytes | Kind::Fixed(_), _) => Ty::AvroBytes,
            (Kind::Array(items), _) => {
                Ty::Vec(Box::new(self.ty(*items, &format!("{context}Item"))))
            }
            (Kind::Map(values), _) => {
                Ty::Map(Box::new(self.ty(*values, &format!("{context}Value"))))
            }
            (Kind::Union(branches), _) => {
                let branches = branches.clone();
                let non_null: Vec<TypeId> = branches
                    .iter()
                    .copied()
                    .filter(|b| !matches!(self.schema.kind(*b), Kind::Null))
                    .collect();
                let nullable = non_null.len() < branches.len();
                let inner = match non_null.as_slice() {
                    [] => Ty::Unit,
                    [single] => self.ty(*single, context),
                    many => self.union(many, context),
                };
                if nullable {
                    Ty::Option(Box::new(inner))
                } else {
                    inner
                }
            }
            (Kind::Record(_), _) => self.record(id),
            (Kind::Enum(_), _) => self.enumeration(id),
        }
    }

    fn record(&mut self, id: TypeId) -> Ty {
        let Kind::Record(record) = self.schema.kind(id).clone() else {
            return Ty::Unit;
        };
        let fingerprint = self.schema.standalone_json_of(id).to_string();
        let wanted = names::type_name(&record.name.name);
        let space = &*self.space;
        let (key, exists) = space.name_for(&wanted, &fingerprint, &self.suffix);
        let ty = Ty::Named {
            path: key.clone(),
            key: key.clone(),
        };
        if exists {
            return ty;
        }
        // Reserve the name first: a record may refer to itself.
        let placeholder = TypeDef {
            fingerprint: fingerprint.clone(),
            tokens: TokenStream::new(),
            shape: Shape::Opaque,
        };
        self.space.insert(key.clone(), placeholder);
        let (fields, shapes, default_fns) = self.record_fields(id, &key);
        let ident = names::ident(&key);
        let doc = docs(record.doc.as_deref());
        let schema_path = self.rel(self.schema.file_of(id));
        let full_name = record.name.fullname();
        let derives = self.config.derive_tokens();
        let attributes = self.config.attribute_tokens();
        // A suffixed name (`AddressV2`) keeps the schema's name for the binding check.
        let short = &record.name.name;
        let rename = (key != *short).then(|| quote!(#[serde(rename = #short)]));
        let tokens = quote! {
            #doc
            #attributes
            #[derive(::tidings::Record, ::serde::Serialize, ::serde::Deserialize, Debug, Clone, PartialEq #derives)]
            #[record(schema = #schema_path, name = #full_name)]
            #rename
            pub struct #ident {
                #(#fields,)*
            }
            #(#default_fns)*
        };
        let def = TypeDef {
            fingerprint,
            tokens,
            shape: Shape::Record(shapes),
        };
        self.space.insert(key, def);
        ty
    }

    fn enumeration(&mut self, id: TypeId) -> Ty {
        let Kind::Enum(e) = self.schema.kind(id).clone() else {
            return Ty::Unit;
        };
        let fingerprint = self.schema.standalone_json_of(id).to_string();
        let (key, new) =
            self.space
                .reserve(&names::type_name(&e.name.name), &fingerprint, &self.suffix);
        if new {
            self.space.define_enum(
                &key,
                fingerprint,
                docs(e.doc.as_deref()),
                &e.symbols,
                e.default.clone(),
            );
        }
        Ty::Named {
            path: key.clone(),
            key,
        }
    }

    fn union(&mut self, branches: &[TypeId], context: &str) -> Ty {
        let mut variants = Vec::new();
        let mut fingerprint = String::new();
        for branch in branches {
            let ty = self.ty(*branch, context);
            let kind = self.schema.kind(*branch);
            let name = kind.name().map_or_else(
                || names::type_name(&kind.type_name().to_lowercase()),
                |n| names::type_name(&n.name),
            );
            fingerprint += &self.schema.standalone_json_of(*branch).to_string();
            let ident = names::ident(&name);
            let tokens = ty.tokens();
            variants.push(quote!(#ident(#tokens)));
        }
        let wanted = format!("{context}Union");
        let (key, exists) = self.space.name_for(&wanted, &fingerprint, &self.suffix);
        let ty = Ty::Named {
            path: key.clone(),
            key: key.clone(),
        };
        if !exists {
            let ident = names::ident(&key);
            let tokens = quote! {
                #[derive(::serde::Serialize, ::serde::Deserialize, Debug, Clone, PartialEq)]
                pub enum #ident {
                    #(#variants,)*
                }
            };
            self.space.insert(
                key,
                TypeDef {
                    fingerprint,
                    tokens,
                    shape: Shape::Opaque,
                },
            );
        }
        ty
    }
}
