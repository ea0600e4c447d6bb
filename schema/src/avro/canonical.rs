//! Parsing Canonical Form and its 64-bit Rabin fingerprint (Avro specification, "Schema
//! Resolution" / "Parsing Canonical Form for Schemas"). Two schemas with the same canonical form
//! read and write the same bytes: this is schema identity, used for idempotent registration and
//! to tell a formatting change from a real one.

use std::collections::HashSet;
use std::fmt::Write;

use super::model::{AvroSchema, Kind, TypeId};

impl AvroSchema {
    /// The Parsing Canonical Form: full names, only the attributes that affect parsing
    /// (`type`, `name`, `fields`, `symbols`, `items`, `values`, `size`) in that order, no
    /// whitespace, each named type written out once and referred to by name afterwards.
    pub fn canonical_form(&self) -> String {
        let mut out = String::new();
        let mut seen = HashSet::new();
        self.write_canonical(self.root, &mut out, &mut seen);
        out
    }

    /// The schema as one self-contained JSON document: every named type written out where it is
    /// first used (types from referenced files included), full names throughout, and everything
    /// schema resolution needs kept (defaults, aliases, enum defaults, logical types). This is
    /// what codecs parse; unlike the canonical form it reads old data the way the schema says.
    pub fn standalone_json(&self) -> serde_json::Value {
        self.standalone_json_of(self.root)
    }

    /// [`AvroSchema::standalone_json`] of one type of the schema.
    pub fn standalone_json_of(&self, id: TypeId) -> serde_json::Value {
        let mut seen = HashSet::new();
        self.standalone(id, &mut seen)
    }

    /// A record field with its type written out, as [`Self::standalone`] writes types.
    fn standalone_field(
        &self,
        f: &crate::avro::Field,
        seen: &mut HashSet<TypeId>,
    ) -> serde_json::Value {
        use serde_json::{json, Map, Value};
        let mut field = Map::new();
        field.insert("name".into(), json!(f.name));
        field.insert("type".into(), self.standalone(f.ty, seen));
        if let Some(default) = &f.default {
            field.insert("default".into(), default.clone());
        }
        if !f.aliases.is_empty() {
            field.insert("aliases".into(), json!(f.aliases));
        }
        if let Some(doc) = &f.doc {
            field.insert("doc".into(), json!(doc));
        }
        Value::Object(field)
    }

    fn standalone(&self, id: TypeId, seen: &mut HashSet<TypeId>) -> serde_json::Value {
        use serde_json::{json, Map, Value};
        let ty = self.get(id);
        let kind = &ty.kind;
        if let Some(name) = kind.name() {
            if !name.name.is_empty() && !seen.insert(id) {
                return Value::String(name.fullname());
            }
        }
        let mut out = Map::new();
        match kind {
            Kind::Array(items) => {
                out.insert("type".into(), json!("array"));
                out.insert("items".into(), self.standalone(*items, seen));
            }
            Kind::Map(values) => {
                out.insert("type".into(), json!("map"));
                out.insert("values".into(), self.standalone(*values, seen));
            }
            Kind::Union(branches) => {
                return Value::Array(branches.iter().map(|b| self.standalone(*b, seen)).collect());
            }
            Kind::Record(r) => {
                out.insert("type".into(), json!("record"));
                out.insert("name".into(), json!(r.name.fullname()));
                if let Some(doc) = &r.doc {
                    out.insert("doc".into(), json!(doc));
                }
                if !r.aliases.is_empty() {
                    out.insert("aliases".into(), json!(r.aliases));
                }
                let fields: Vec<Value> = (r.fields.iter())
                    .map(|f| self.standalone_field(f, seen))
                    .collect();
                out.insert("fields".into(), Value::Array(fields));
            }
            Kind::Enum(e) => {
                out.insert("type".into(), json!("enum"));
                out.insert("name".into(), json!(e.name.fullname()));
                out.insert("symbols".into(), json!(e.symbols));
                if let Some(default) = &e.default {
                    out.insert("default".into(), json!(default));
                }
                if !e.aliases.is_empty() {
                    out.insert("aliases".into(), json!(e.aliases));
                }
            }
            Kind::Fixed(f) => {
                out.insert("type".into(), json!("fixed"));
                out.insert("name".into(), json!(f.name.fullname()));
                out.insert("size".into(), json!(f.size));
                if !f.aliases.is_empty() {
                    out.insert("aliases".into(), json!(f.aliases));
                }
            }
            primitive => {
                let name = json!(primitive.type_name().to_lowercase());
                if ty.logical.is_none() {
                    return name;
                }
                out.insert("type".into(), name);
            }
        }
        if let Some(logical) = &ty.logical {
            out.insert("logicalType".into(), json!(logical.as_str()));
            if let crate::avro::LogicalType::Decimal { precision, scale } = logical {
                out.insert("precision".into(), json!(precision));
                out.insert("scale".into(), json!(scale));
            }
        }
        Value::Object(out)
    }

    /// The CRC-64-AVRO (Rabin) fingerprint of the canonical form.
    pub fn fingerprint(&self) -> u64 {
        rabin_fingerprint(self.canonical_form().as_bytes())
    }

    fn write_canonical(&self, id: TypeId, out: &mut String, seen: &mut HashSet<TypeId>) {
        let kind = self.kind(id);
        if let Some(name) = kind.name() {
            if !seen.insert(id) {
                write_json_string(out, &name.fullname());
                return;
            }
        }
        match kind {
            Kind::Null
            | Kind::Boolean
            | Kind::Int
            | Kind::Long
            | Kind::Float
            | Kind::Double
            | Kind::Bytes
            | Kind::String => {
                write_json_string(out, &kind.type_name().to_lowercase());
            }
            Kind::Array(items) => {
                out.push_str("{\"type\":\"array\",\"items\":");
                self.write_canonical(*items, out, seen);
                out.push('}');
            }
            Kind::Map(values) => {
                out.push_str("{\"type\":\"map\",\"values\":");
                self.write_canonical(*values, out, seen);
                out.push('}');
            }
            Kind::Union(branches) => {
                out.push('[');
                for (i, b) in branches.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.write_canonical(*b, out, seen);
                }
                out.push(']');
            }
            Kind::Record(r) => {
                out.push_str("{\"name\":");
                write_json_string(out, &r.name.fullname());
                out.push_str(",\"type\":\"record\",\"fields\":[");
                for (i, f) in r.fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"name\":");
                    write_json_string(out, &f.name);
                    out.push_str(",\"type\":");
                    self.write_canonical(f.ty, out, seen);
                    out.push('}');
                }
                out.push_str("]}");
            }
            Kind::Enum(e) => {
                out.push_str("{\"name\":");
                write_json_string(out, &e.name.fullname());
                out.push_str(",\"type\":\"enum\",\"symbols\":[");
                for (i, s) in e.symbols.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(out, s);
                }
                out.push_str("]}");
            }
            Kind::Fixed(f) => {
                out.push_str("{\"name\":");
                write_json_string(out, &f.name.fullname());
                let _ = write!(out, ",\"type\":\"fixed\",\"size\":{}}}", f.size);
            }
        }
    }
}

fn write_json_string(out: &mut String, s: &str) {
    // serde_json's escaping is the canonical JSON string escaping the specification asks for.
    out.push_str(&serde_json::Value::String(s.to_owned()).to_string());
}

/// The empty-string fingerprint of CRC-64-AVRO, the specification's `EMPTY`.
const EMPTY: u64 = 0xc15d_213a_a4d7_a795;

/// The 64-bit Rabin fingerprint the Avro specification defines for schema fingerprints.
pub fn rabin_fingerprint(bytes: &[u8]) -> u64 {
    static TABLE: std::sync::OnceLock<[u64; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = [0u64; 256];
        for (i, slot) in table.iter_mut().enumerate() {
            let mut fp = i as u64;
            for _ in 0..8 {
                fp = (fp >> 1) ^ (EMPTY & (0u64.wrapping_sub(fp & 1)));
            }
            *slot = fp;
        }
        table
    });
    bytes.iter().fold(EMPTY, |fp, b| {
        (fp >> 8) ^ table[((fp ^ u64::from(*b)) & 0xff) as usize]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::avro::parse;

    #[test]
    fn canonical_form_follows_the_specification() {
        let schema = parse(
            "t.avsc",
            r#"{
              "type": "record", "name": "UserRegistered", "namespace": "com.example",
              "doc": "dropped", "fields": [
                {"name": "id", "type": {"type": "string", "logicalType": "uuid"}, "doc": "dropped"},
                {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
                {"name": "next", "type": ["null", "UserRegistered"], "default": null}
              ]}"#,
        )
        .unwrap();
        assert_eq!(
            schema.canonical_form(),
            r#"{"name":"com.example.UserRegistered","type":"record","fields":[{"name":"id","type":"string"},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"next","type":["null","com.example.UserRegistered"]}]}"#
        );
    }

    #[test]
    fn standalone_json_inlines_referenced_types_and_keeps_what_resolution_needs() {
        let money = crate::avro::SourceFile {
            name: "money.avsc",
            text: r#"{"type": "record", "name": "Money", "namespace": "shared", "fields": [{"name": "cents", "type": "long", "default": 0}]}"#,
        };
        let paid = crate::avro::SourceFile {
            name: "paid.avsc",
            text: r#"{"type": "record", "name": "OrderPaid", "namespace": "orders", "fields": [
                {"name": "total", "type": "shared.Money"},
                {"name": "refund", "type": ["null", "shared.Money"], "default": null},
                {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}, "aliases": ["when"]}]}"#,
        };
        let schema = crate::avro::AvroParser::new()
            .parse_with_references(paid, &[money])
            .unwrap();
        let standalone = schema.standalone_json();
        assert_eq!(
            standalone,
            serde_json::json!({"type": "record", "name": "orders.OrderPaid", "fields": [
                {"name": "total", "type": {"type": "record", "name": "shared.Money", "fields": [{"name": "cents", "type": "long", "default": 0}]}},
                {"name": "refund", "type": ["null", "shared.Money"], "default": null},
                {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}, "aliases": ["when"]}
            ]})
        );
        let reparsed = parse("standalone.avsc", &standalone.to_string()).unwrap();
        assert_eq!(reparsed.canonical_form(), schema.canonical_form());
    }

    #[test]
    fn fingerprints_match_the_specification_examples() {
        // The value of the Avro specification's reference test data for "null".
        assert_eq!(rabin_fingerprint(b"\"null\""), 7_195_948_357_588_979_594);
        let formatted = parse("a.avsc", "{ \"type\" : \"int\" }").unwrap();
        assert_eq!(formatted.fingerprint(), rabin_fingerprint(b"\"int\""));
    }
}
