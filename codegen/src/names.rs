//! Rust identifiers for schema names: the identifier, and the serde rename it needs when the
//! schema's name is not a valid or idiomatic Rust name (keywords, symbols, case).

use proc_macro2::{Ident, Span};
use tidings_schema::naming;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// A field's identifier, and the name serde must use when it differs.
pub(crate) struct FieldName {
    pub(crate) ident: Ident,
    pub(crate) rename: Option<String>,
}

/// `orderId` → `order_id` (renamed), `type` → `r#type`, `self` → `self_` (renamed).
pub(crate) fn field(name: &str) -> FieldName {
    let snake = sanitize(&naming::to_snake_case(name), false);
    let ident = if NOT_RAW.contains(&snake.as_str()) {
        Ident::new(&format!("{snake}_"), Span::call_site())
    } else if KEYWORDS.contains(&snake.as_str()) {
        Ident::new_raw(&snake, Span::call_site())
    } else {
        Ident::new(&snake, Span::call_site())
    };
    let plain = ident.to_string();
    let plain = plain.trim_start_matches("r#");
    FieldName {
        ident,
        rename: (plain != name).then(|| name.to_owned()),
    }
}

/// `ORDER_PLACED` → `OrderPlaced`, `self` → `Self_`.
pub(crate) fn type_name(name: &str) -> String {
    let pascal = if name.contains('_') || name.chars().all(|c| !c.is_ascii_lowercase()) {
        naming::to_pascal_case(&name.to_ascii_lowercase())
    } else {
        let mut chars = name.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    };
    let pascal = sanitize(&pascal, true);
    if KEYWORDS.contains(&pascal.as_str()) {
        format!("{pascal}_")
    } else {
        pascal
    }
}

pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Letters, digits and `_` only, not starting with a digit.
fn sanitize(name: &str, upper_first: bool) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, if upper_first { 'T' } else { '_' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_cases_and_symbols() {
        let f = field("type");
        assert_eq!(f.ident.to_string(), "r#type");
        assert_eq!(f.rename, None);
        let f = field("orderId");
        assert_eq!(
            (f.ident.to_string(), f.rename.as_deref()),
            ("order_id".into(), Some("orderId"))
        );
        let f = field("self");
        assert_eq!(
            (f.ident.to_string(), f.rename.as_deref()),
            ("self_".into(), Some("self"))
        );
        assert_eq!(type_name("ORDER_PLACED"), "OrderPlaced");
        assert_eq!(type_name("WEB"), "Web");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("paymentLink"), "PaymentLink");
        assert_eq!(type_name("9lives"), "T9lives");
    }
}
