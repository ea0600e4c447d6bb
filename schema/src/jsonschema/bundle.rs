//! One JSON Schema document from a schema and the files its `$ref`s name, for registries that
//! take no JSON Schema references (Karapace answers 44302): each referenced file goes under
//! `$defs` of the root, and every reference to it, from the root or from another file, becomes
//! a pointer there (`../../_shared/money.json#/$defs/Currency` → `#/$defs/_shared.money/$defs/Currency`).
//! The bundled text is what `tidings publish` registers, what the drift check compares and
//! what the runtime looks up, so all three see one form.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::normalize_path;

/// Bundles the schema at `rel` (a path below the schema root, `/`-separated) with every file it
/// refers to, read by `read` (given such a path). Pure: formatting of the result is compact
/// JSON with the keys of the input in order.
///
/// # Errors
/// A text that is not JSON, a reference that leaves the schema root, a reference by anchor
/// (`#name`, which has no place in one document), or a file `read` cannot give.
pub fn bundle(
    rel: &str,
    text: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
) -> Result<String, String> {
    let mut root: Value =
        serde_json::from_str(text).map_err(|e| format!("{rel} is not JSON: {e}"))?;
    let mut taken: Vec<String> = match root.get("$defs") {
        Some(Value::Object(defs)) => defs.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    let mut documents: Vec<(String, Value)> = Vec::new();
    let mut pending: Vec<(String, Value)> = Vec::new();
    let mut context = Context {
        keys: &mut keys,
        taken: &mut taken,
        pending: &mut pending,
        read,
    };
    rewrite(rel, None, &mut root, &mut context)?;
    while let Some((path, mut document)) = context.pending.pop() {
        let key = context.keys[&path].clone();
        rewrite(&path, Some(&key), &mut document, &mut context)?;
        documents.push((key, document));
    }
    if !documents.is_empty() {
        let Value::Object(map) = &mut root else {
            return Err(format!(
                "{rel}: a schema that refers to other files must be an object"
            ));
        };
        let defs = map
            .entry("$defs")
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(defs) = defs else {
            return Err(format!("{rel}: `$defs` must be an object"));
        };
        documents.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, document) in documents {
            defs.insert(key, document);
        }
    }
    Ok(root.to_string())
}

/// What the rewriting of every document shares.
struct Context<'a> {
    /// Files found so far: path → key under `$defs`.
    keys: &'a mut BTreeMap<String, String>,
    /// Keys in use under the root's `$defs`.
    taken: &'a mut Vec<String>,
    /// Files read but not rewritten yet.
    pending: &'a mut Vec<(String, Value)>,
    read: &'a dyn Fn(&str) -> Result<String, String>,
}

/// Rewrites the `$ref`s of one document (`own_key` is `None` for the root), reading the files
/// they name the first time and queueing them in `pending`.
fn rewrite(
    path: &str,
    own_key: Option<&str>,
    document: &mut Value,
    context: &mut Context<'_>,
) -> Result<(), String> {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut stack = vec![document];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get_mut("$ref") {
                    let (location, fragment) = reference
                        .split_once('#')
                        .unwrap_or((reference.as_str(), ""));
                    if !fragment.is_empty() && !fragment.starts_with('/') {
                        return Err(format!(
                            "{path}: `$ref: {reference}` names an anchor; bundling needs JSON pointers (`#/$defs/...`)"
                        ));
                    }
                    let target_key = if location.is_empty() {
                        own_key.map(str::to_owned)
                    } else if location.contains(':') {
                        // An absolute URI: not a file of the repository, left as it is.
                        None
                    } else {
                        let target = join(dir, location);
                        if target.starts_with("..") {
                            return Err(format!(
                                "{path}: `$ref: {reference}` leaves the schema root"
                            ));
                        }
                        Some(match context.keys.get(&target) {
                            Some(key) => key.clone(),
                            None => {
                                let key = new_key(&target, context.taken);
                                let document = read_embedded(&target, context.read)?;
                                context.keys.insert(target.clone(), key.clone());
                                context.pending.push((target, document));
                                key
                            }
                        })
                    };
                    if let Some(key) = target_key {
                        *reference = format!("#/$defs/{}{fragment}", key.replace('~', "~0"));
                    }
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    Ok(())
}

/// A referenced file, without what would change the meaning of its references once embedded.
fn read_embedded(
    path: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Value, String> {
    let mut document: Value =
        serde_json::from_str(&read(path)?).map_err(|e| format!("{path} is not JSON: {e}"))?;
    if let Value::Object(map) = &mut document {
        // An embedded `$id` would change what its own references resolve against.
        map.remove("$id");
        map.remove("$schema");
    }
    Ok(document)
}

/// `_shared/money.json` → `_shared.money`, made unique among `taken`.
fn new_key(path: &str, taken: &mut Vec<String>) -> String {
    let stem = path.strip_suffix(".json").unwrap_or(path).replace('/', ".");
    let mut key = stem.clone();
    let mut n = 2;
    while taken.contains(&key) {
        key = format!("{stem}.{n}");
        n += 1;
    }
    taken.push(key.clone());
    key
}

/// `a/b` + `../c.json` → `a/c.json`, as the loader resolves file references; a path that leaves
/// the root keeps its leading `..`.
pub(crate) fn join(dir: &str, name: &str) -> String {
    let path = normalize_path(&Path::new(dir).join(name));
    let parts: Vec<_> = path.iter().map(|part| part.to_string_lossy()).collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(path: &str) -> Result<String, String> {
        match path {
            "_shared/money.json" => Ok(r##"{"$id": "money.json", "type": "object",
                "properties": {"amount_minor": {"type": "integer"}, "currency": {"$ref": "#/$defs/Currency"},
                               "rate": {"$ref": "rate.json"}},
                "$defs": {"Currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}}"##
                .into()),
            "_shared/rate.json" => Ok(r#"{"type": "number"}"#.into()),
            other => Err(format!("no file {other}")),
        }
    }

    #[test]
    fn referenced_files_move_under_defs_and_references_follow() {
        let event = r##"{"title": "PaymentLinkCreated", "type": "object",
            "properties": {"amount": {"$ref": "../../_shared/money.json"},
                           "currency": {"$ref": "../../_shared/money.json#/$defs/Currency"},
                           "local": {"$ref": "#/$defs/Local"}},
            "$defs": {"Local": {"type": "string"}}}"##;
        let bundled = bundle("payments/payment_link_created/v1.json", event, &files).unwrap();
        let value: Value = serde_json::from_str(&bundled).unwrap();
        assert_eq!(
            value["properties"]["amount"]["$ref"],
            "#/$defs/_shared.money"
        );
        assert_eq!(
            value["properties"]["currency"]["$ref"],
            "#/$defs/_shared.money/$defs/Currency"
        );
        assert_eq!(value["properties"]["local"]["$ref"], "#/$defs/Local");
        let money = &value["$defs"]["_shared.money"];
        assert!(money.get("$id").is_none(), "{money}");
        assert_eq!(
            money["properties"]["currency"]["$ref"],
            "#/$defs/_shared.money/$defs/Currency"
        );
        assert_eq!(money["properties"]["rate"]["$ref"], "#/$defs/_shared.rate");
        assert_eq!(value["$defs"]["_shared.rate"]["type"], "number");
        // The bundle is one document: it loads without any file.
        crate::jsonschema::parse("bundled.json", &bundled).unwrap();
    }

    #[test]
    fn a_schema_without_references_is_unchanged_in_content() {
        let text = r#"{"type": "object", "properties": {"a": {"type": "string"}}}"#;
        let bundled = bundle("x/y/v1.json", text, &files).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&bundled).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn references_outside_the_root_and_anchors_are_refused() {
        let outside = r#"{"properties": {"a": {"$ref": "../../../etc/passwd"}}}"#;
        assert!(bundle("x/y/v1.json", outside, &files)
            .unwrap_err()
            .contains("leaves the schema root"));
        let anchor = r##"{"properties": {"a": {"$ref": "#node"}}}"##;
        assert!(bundle("x/y/v1.json", anchor, &files)
            .unwrap_err()
            .contains("anchor"));
        let missing = r#"{"properties": {"a": {"$ref": "nothing.json"}}}"#;
        assert!(bundle("x/y/v1.json", missing, &files)
            .unwrap_err()
            .contains("no file x/y/nothing.json"));
    }
}
