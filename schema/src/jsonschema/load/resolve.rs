//! `$ref` resolution: same-document pointers and anchors, `$id`s, and files below the schema root.

use std::path::{Component, Path, PathBuf};

use super::{Builder, Doc, Kind, NodeId, Pos, SchemaError};
use crate::source::{self, Node};

impl Builder<'_> {
    /// Resolves every reference, including those found in documents and subschemas that
    /// resolution itself loads.
    pub(super) fn resolve_refs(&mut self) -> Result<(), SchemaError> {
        let mut next = 0;
        while next < self.refs.len() {
            let (node, doc, reference, pos) = {
                let r = &self.refs[next];
                (r.node, r.doc, r.reference.clone(), r.pos)
            };
            let target = self.resolve_one(doc, &reference, pos)?;
            if let Kind::Ref { target: t, .. } = &mut self.nodes[node.0 as usize].kind {
                *t = target;
            }
            next += 1;
        }
        Ok(())
    }

    fn resolve_one(
        &mut self,
        doc: usize,
        reference: &str,
        pos: Pos,
    ) -> Result<NodeId, SchemaError> {
        let (location, fragment) = match reference.split_once('#') {
            Some((location, fragment)) => (location, fragment),
            None => (reference, ""),
        };
        let target_doc = if location.is_empty() {
            doc
        } else if let Some(id) = self.find_id(location) {
            if fragment.is_empty() {
                return Ok(id);
            }
            self.nodes[id.0 as usize].file as usize
        } else {
            self.load_referenced_file(doc, location, pos)?
        };
        let fragment = percent_decode(fragment);
        if fragment.is_empty() {
            return self.build_document_root(target_doc);
        }
        if let Some(pointer) = fragment.strip_prefix('/') {
            let pointer = format!("/{pointer}");
            if let Some(id) = self.docs[target_doc].built.get(&pointer) {
                return Ok(*id);
            }
            let json = self.docs[target_doc].json.clone();
            let Some(node) = navigate(&json, &pointer) else {
                return Err(self.unresolved(doc, pos, reference));
            };
            let node = node.clone();
            return self.build(&node, target_doc, pointer);
        }
        match self.docs[target_doc].anchors.get(fragment.as_str()) {
            Some(id) => Ok(*id),
            None => Err(self.unresolved(doc, pos, reference)),
        }
    }

    fn unresolved(&self, doc: usize, pos: Pos, reference: &str) -> SchemaError {
        self.error(doc, pos, format!("unresolved reference `{reference}`"))
            .with_help("point `$ref` at a schema in `$defs`/`definitions` (\"#/$defs/Name\"), an anchor, or a file below the schema root")
    }

    fn find_id(&self, location: &str) -> Option<NodeId> {
        let location = location.trim_end_matches('#');
        self.docs
            .iter()
            .find_map(|d| d.anchors.get(location).copied())
    }

    fn build_document_root(&mut self, doc: usize) -> Result<NodeId, SchemaError> {
        match self.docs[doc].built.get("") {
            Some(id) => Ok(*id),
            None => self.build_document(doc),
        }
    }

    fn load_referenced_file(
        &mut self,
        doc: usize,
        location: &str,
        pos: Pos,
    ) -> Result<usize, SchemaError> {
        if location.contains("://") || location.starts_with("urn:") {
            return Err(self
                .error(doc, pos, format!("remote reference `{location}` is not fetched"))
                .with_help("copy the referenced schema into the schema root and refer to it by relative path"));
        }
        let Some(root) = &self.loader.root else {
            return Err(self
                .error(doc, pos, format!("file reference `{location}` cannot be followed here"))
                .with_help("file references are followed inside a schema root (tidings.toml's `schema_root`)"));
        };
        let base = self.docs[doc]
            .path
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(Path::new(""));
        let wanted = normalize_path(&base.join(location));
        let root = normalize_path(root);
        if !wanted.starts_with(&root) {
            return Err(self
                .error(
                    doc,
                    pos,
                    format!(
                        "reference `{location}` leaves the schema root `{}`",
                        root.display()
                    ),
                )
                .with_help("keep shared schemas inside the schema root"));
        }
        // A link inside the root may still point outside it: compare real paths too.
        let on_disk = self.loader.reader.is_none();
        if let (true, Ok(real), Ok(real_root)) =
            (on_disk, wanted.canonicalize(), root.canonicalize())
        {
            if !real.starts_with(&real_root) {
                return Err(self.error(
                    doc,
                    pos,
                    format!("reference `{location}` leaves the schema root through a link"),
                ));
            }
        }
        if let Some(existing) = self
            .docs
            .iter()
            .position(|d| d.path.as_deref().map(normalize_path).as_ref() == Some(&wanted))
        {
            return Ok(existing);
        }
        let name = wanted.display().to_string();
        let read = match &self.loader.reader {
            Some(reader) => reader(&wanted),
            None => std::fs::read_to_string(&wanted),
        };
        let text = read.map_err(|e| {
            self.error(
                doc,
                pos,
                format!("cannot read `{name}`, referenced by `{location}`: {e}"),
            )
        })?;
        let json = source::parse(&text).map_err(|e| SchemaError::syntax(&name, e))?;
        self.docs.push(Doc::new(&name, Some(wanted), json));
        let index = self.docs.len() - 1;
        self.build_document(index)?;
        Ok(index)
    }

    /// A reference whose chain of references comes back to itself names no schema at all.
    pub(super) fn reject_reference_cycles(&self) -> Result<(), SchemaError> {
        for (i, node) in self.nodes.iter().enumerate() {
            if !matches!(node.kind, Kind::Ref { .. }) {
                continue;
            }
            let mut current = NodeId(i as u32);
            for _ in 0..=self.nodes.len() {
                match &self.nodes[current.0 as usize].kind {
                    Kind::Ref { target, .. } => current = *target,
                    _ => break,
                }
                if current.0 as usize == i {
                    let Kind::Ref { reference, .. } = &node.kind else {
                        unreachable!()
                    };
                    return Err(self
                        .error(node.file as usize, node.pos, format!("cyclic reference `{reference}`: it refers back to itself without naming a schema"))
                        .with_help("a recursive schema must pass through an object or array before it refers to itself"));
                }
            }
        }
        Ok(())
    }
}

impl Builder<'_> {
    /// References can make a short document describe a structure too deep to walk.
    pub(super) fn check_depth(&self, root: NodeId) -> Result<(), SchemaError> {
        let depth = crate::depth::nesting_depth(self.nodes.len(), root.0 as usize, |i| {
            let mut out: Vec<NodeId> = Vec::new();
            match &self.nodes[i].kind {
                Kind::Ref { target, .. } => out.push(*target),
                Kind::Not(inner) => out.push(*inner),
                Kind::Combined { subschemas, .. } => out.extend(subschemas),
                Kind::Conditional {
                    condition,
                    then,
                    otherwise,
                } => out.extend([condition, then, otherwise].into_iter().flatten()),
                Kind::Object(o) => {
                    out.extend(o.properties.iter().map(|(_, id)| *id));
                    out.extend(o.pattern_properties.iter().map(|(_, id)| *id));
                    out.extend(o.schema_dependencies.iter().map(|(_, id)| *id));
                    out.extend(o.additional.schema);
                    out.extend(o.property_names);
                }
                Kind::Array(a) => {
                    out.extend(a.all_items);
                    out.extend(a.item_schemas.iter().flatten());
                    out.extend(a.additional.schema);
                    out.extend(a.contains);
                }
                _ => {}
            }
            out.into_iter().map(|id| id.0 as usize).collect()
        });
        if depth > crate::depth::MAX_TYPE_DEPTH {
            let node = &self.nodes[root.0 as usize];
            return Err(self
                .error(node.file as usize, node.pos, format!("schemas nest {depth} levels deep through references, more than the {} tidings checks", crate::depth::MAX_TYPE_DEPTH))
                .with_help("flatten the structure; no event needs schemas nested this deep"));
        }
        Ok(())
    }
}

/// Resolves `.` and `..` without touching the file system (the file may not exist yet), as the
/// loader does for file references; a `..` above the start is kept (and so leaves any root).
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn navigate<'n>(mut node: &'n Node, pointer: &str) -> Option<&'n Node> {
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = match &node.value {
            source::Value::Object(_) => node.get_value(&token)?,
            source::Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}
