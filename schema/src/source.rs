//! JSON with source positions.
//!
//! Schemas are JSON documents, and every finding and every error must point at a line of the file a
//! person wrote. `serde_json` forgets positions, so schemas are read by this small parser, which keeps
//! the line and column of every value and every object key. It also bounds nesting, so hostile input
//! gives an error instead of overflowing the stack.

use std::fmt;

/// How deeply arrays and objects may nest. Real event schemas stay far below this; the limit exists
/// so that every recursive walk over a document (here, in the models, in the checkers) is bounded.
pub const MAX_DEPTH: usize = 128;

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A JSON value and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where its first character is.
    pub pos: Pos,
}

/// A JSON value whose children keep their positions.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as written so that `1` and `1.0` and big integers survive.
    Number(serde_json::Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, members in document order.
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key.
    pub key: String,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The members of an object, or `None`.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The elements of an array, or `None`.
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The text of a string, or `None`.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// This value with its members' (or elements') own values left out, standing as `null` at
    /// their positions: a parsed schema keeps it, so that where its top-level keys are written
    /// needs neither the whole tree nor a second parse.
    pub fn top_level(&self) -> Node {
        let skipped = |node: &Node| Node {
            value: Value::Null,
            pos: node.pos,
        };
        let value = match &self.value {
            Value::Object(members) => Value::Object(
                (members.iter())
                    .map(|m| Member {
                        key: m.key.clone(),
                        key_pos: m.key_pos,
                        value: skipped(&m.value),
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(skipped).collect()),
            scalar => scalar.clone(),
        };
        Node {
            value,
            pos: self.pos,
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().find(|m| m.key == key)
    }

    /// The value of member `key` of an object.
    pub fn get_value(&self, key: &str) -> Option<&Node> {
        self.get(key).map(|m| &m.value)
    }

    /// A short name of the JSON type, for messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// The value without positions. Used where JSON values are compared or printed (defaults,
    /// enums, consts); its depth is bounded by [`MAX_DEPTH`].
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|m| (m.key.clone(), m.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// The first member whose key an earlier member has: a scan for small objects, a set for wide
/// ones (a scan per key is quadratic in a schema of 100,000 properties).
fn first_duplicate(members: &[Member]) -> Option<&Member> {
    if members.len() <= 8 {
        return members
            .iter()
            .enumerate()
            .find(|(i, m)| members[..*i].iter().any(|earlier| earlier.key == m.key))
            .map(|(_, m)| m);
    }
    let mut seen = std::collections::HashSet::with_capacity(members.len());
    members.iter().find(|m| !seen.insert(m.key.as_str()))
}

/// Malformed JSON: what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// What it expected or found.
    pub message: String,
}

/// Parses a whole JSON document.
///
/// # Errors
/// Malformed JSON, trailing characters, duplicate object keys, or nesting deeper than [`MAX_DEPTH`].
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        at: 0,
        line: 1,
        line_start: 0,
        depth: 0,
        last: (0, 1),
    };
    parser.skip_ws();
    let node = parser.value()?;
    parser.skip_ws();
    if parser.at < parser.bytes.len() {
        return Err(parser.error("unexpected characters after the JSON value"));
    }
    Ok(node)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
    line: u32,
    line_start: usize,
    depth: usize,
    /// The last position computed: the next one on the same line counts on from there, so
    /// long one-line documents are not re-counted from the start of the line each time.
    last: (usize, u32),
}

impl Parser<'_> {
    fn pos(&mut self) -> Pos {
        // Columns count characters, not bytes, so that they match what an editor shows.
        // After a bad escape `at` may sit inside a multi-byte character: count up to its start.
        let mut end = self.at.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let (from, col) = if self.last.0 >= self.line_start && self.last.0 <= end {
            self.last
        } else {
            (self.line_start, 1)
        };
        let col = col + self.text[from..end].chars().count() as u32;
        self.last = (end, col);
        Pos {
            line: self.line,
            col,
        }
    }

    fn error(&mut self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            pos: self.pos(),
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    self.line_start = self.at;
                }
                b' ' | b'\t' | b'\r' => self.at += 1,
                _ => break,
            }
        }
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        let pos = self.pos();
        let value = match self.peek() {
            None => return Err(self.error("unexpected end of input: expected a JSON value")),
            Some(b'{') => self.nested(Self::object)?,
            Some(b'[') => self.nested(Self::array)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            Some(_) => {
                let found = self.text[self.at..].chars().next().unwrap_or(' ');
                return Err(self.error(format!("expected a JSON value, found `{found}`")));
            }
        };
        Ok(Node { value, pos })
    }

    fn nested(
        &mut self,
        parse: fn(&mut Self) -> Result<Value, SyntaxError>,
    ) -> Result<Value, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!(
                "the document nests deeper than {MAX_DEPTH} levels; flatten it or split it into referenced types"
            )));
        }
        self.depth += 1;
        let value = parse(self);
        self.depth -= 1;
        value
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected `true`, `false` or `null`"))
        }
    }

    fn number(&mut self) -> Result<serde_json::Number, SyntaxError> {
        let start = self.at;
        let start_pos = self.pos();
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.at;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.at += 1;
            }
            p.at - s
        };
        let int_start = self.at;
        let int_digits = digits(self);
        if int_digits == 0 || (int_digits > 1 && self.bytes[int_start] == b'0') {
            return Err(SyntaxError {
                pos: start_pos,
                message: "invalid number".into(),
            });
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return Err(self.error("invalid number: expected digits after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number: expected digits in the exponent"));
            }
        }
        let raw = &self.text[start..self.at];
        serde_json::from_str::<serde_json::Number>(raw).map_err(|_| SyntaxError {
            pos: start_pos,
            message: format!("number `{raw}` is out of range"),
        })
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        debug_assert_eq!(self.peek(), Some(b'"'));
        self.at += 1;
        let mut out = String::new();
        loop {
            let run_start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.push_str(&self.text[run_start..self.at]);
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = self
                        .peek()
                        .ok_or_else(|| self.error("unterminated string"))?;
                    self.at += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err(self.error("invalid escape in string")),
                    }
                }
                Some(_) => {
                    return Err(self.error("control character in string: escape it (`\\n`, `\\t`)"))
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let hex = self
            .text
            .get(self.at..self.at + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid `\\u` escape: expected four hex digits"))?;
        self.at += 4;
        Ok(u32::from_str_radix(hex, 16).unwrap_or(0))
    }

    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.bytes[self.at..].starts_with(b"\\u") {
                return Err(self.error("unpaired surrogate in `\\u` escape"));
            }
            self.at += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("unpaired surrogate in `\\u` escape"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid `\\u` escape"))
    }

    fn array(&mut self) -> Result<Value, SyntaxError> {
        self.at += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]` in array")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, SyntaxError> {
        self.at += 1;
        let mut members: Vec<Member> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            let key_pos = self.pos();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key in object"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:` after object key"));
            }
            self.at += 1;
            self.skip_ws();
            let value = self.value()?;
            members.push(Member {
                key,
                key_pos,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    if let Some(twice) = first_duplicate(&members) {
                        return Err(SyntaxError {
                            pos: twice.key_pos,
                            message: format!("duplicate key `{}` in object", twice.key),
                        });
                    }
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}` in object")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The top-level members, their keys and positions, as the full parse has them.
    #[test]
    fn the_top_level_keeps_what_the_full_parse_finds_at_the_top() {
        let texts = [
            "{\n  \"a\": [1, \"x]}\\\"\", {\"n\": {}}],\n  \"b\": null, \"c\": -1.5e3,\n\"d\": {\"e\":\n [\n]}, \"f\": \"\\u00e9t\u{e9}\"  ,\n \"g\":true}",
            "[1, {\"a\": 2},\n \"x\", []]",
            "{}",
            "\"text\"",
        ];
        for text in texts {
            let full = parse(text).unwrap();
            let top = full.top_level();
            assert_eq!(top.pos, full.pos, "{text}");
            match (&full.value, &top.value) {
                (Value::Object(full), Value::Object(top)) => {
                    assert_eq!(full.len(), top.len(), "{text}");
                    for (f, t) in full.iter().zip(top) {
                        assert_eq!(
                            (&f.key, f.key_pos, f.value.pos),
                            (&t.key, t.key_pos, t.value.pos)
                        );
                    }
                }
                (Value::Array(full), Value::Array(top)) => {
                    let positions =
                        |items: &[Node]| items.iter().map(|n| n.pos).collect::<Vec<_>>();
                    assert_eq!(positions(full), positions(top), "{text}");
                }
                (full, top) => assert_eq!(full, top, "{text}"),
            }
        }
    }

    #[test]
    fn keeps_positions_of_values_and_keys() {
        let doc = parse("{\n  \"a\": [1, \"x\"],\n  \"b\": null\n}").unwrap();
        let a = doc.get("a").unwrap();
        assert_eq!(a.key_pos, Pos { line: 2, col: 3 });
        assert_eq!(a.value.pos, Pos { line: 2, col: 8 });
        assert_eq!(a.value.as_array().unwrap()[1].pos, Pos { line: 2, col: 12 });
        assert_eq!(doc.get("b").unwrap().value.pos, Pos { line: 3, col: 8 });
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let doc = parse("{\"é\": 1, \"b\": 2}").unwrap();
        assert_eq!(doc.get("b").unwrap().key_pos, Pos { line: 1, col: 10 });
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        let doc = parse(r#""a\n\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(doc.as_str(), Some("a\né😀"));
    }

    #[test]
    fn matches_serde_json_on_values() {
        let text =
            r#"{"x": [1, -2.5, 1e3, true, false, null, {"y": "z"}], "big": 18446744073709551615}"#;
        let ours = parse(text).unwrap().to_json();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn reports_where_malformed_json_stops() {
        let err = parse("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!(err.pos, Pos { line: 3, col: 7 });
        assert!(err.message.contains("expected `:`"), "{}", err.message);
        for bad in [
            "",
            "{",
            "[1,]",
            "01",
            "1.",
            "\"abc",
            "tru",
            "{\"a\":1}x",
            "\"\\x\"",
            "\"\\ud800\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn a_bad_escape_before_a_multibyte_character_is_an_error() {
        let err = parse("\"\\é\"").unwrap_err();
        assert_eq!(err.pos, Pos { line: 1, col: 3 });
    }

    #[test]
    fn rejects_duplicate_keys() {
        let err = parse(r#"{"a": 1, "a": 2}"#).unwrap_err();
        assert_eq!(err.pos, Pos { line: 1, col: 10 });
        assert!(err.message.contains("duplicate key `a`"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let err = parse(&deep).unwrap_err();
        assert!(err.message.contains("nests deeper"), "{}", err.message);
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }
}
