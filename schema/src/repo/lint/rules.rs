//! The repository rules: one table of id, severity and purpose. The checks that raise them are
//! in the parent module, one function per rule; tidings.toml names rules by these ids.

use super::super::{Diagnostic, Severity};
use crate::source::Pos;

macro_rules! rules {
    ($( $name:ident => $severity:ident, $purpose:literal; )*) => {
        /// A lint rule of the schema repository.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(non_camel_case_types, missing_docs)]
        pub enum Rule { $( $name, )* }

        impl Rule {
            /// Every rule, in the order `tidings lint` documents them.
            pub const ALL: &'static [Rule] = &[ $( Rule::$name, )* ];

            /// The stable id, as tidings.toml and every output format write it.
            pub fn id(self) -> &'static str {
                match self { $( Rule::$name => stringify!($name), )* }
            }

            /// Whether a finding fails the run.
            pub fn severity(self) -> Severity {
                match self { $( Rule::$name => Severity::$severity, )* }
            }

            /// What the rule asks of a repository, for a person.
            pub fn purpose(self) -> &'static str {
                match self { $( Rule::$name => $purpose, )* }
            }
        }
    };
}

rules! {
    EVENT_NAME_PASCAL_CASE => Error, "event names are PascalCase";
    EVENT_NAME_PAST_TENSE => Error, "event names end in a past participle: an event is a fact that happened";
    EVENT_NAME_MISSING => Error, "every version names its event (Avro `name`, JSON Schema `title`)";
    EVENT_NAME_MATCHES_FOLDER => Error, "the name in every version is the folder's name in PascalCase";
    VERSION_SEQUENCE => Error, "versions are v1..vN with no gaps";
    VERSION_FORMAT_MIXED => Error, "all versions of an event use one schema format";
    VERSION_FILE_NAME => Error, "files in an event folder are named vN.avsc or vN.json";
    FILE_OUTSIDE_LAYOUT => Warning, "schema files live at <domain>/<event>/vN.(avsc|json), or in a folder starting with `_`";
    SYMLINK_OUTSIDE_ROOT => Warning, "symbolic links in the schema root lead to files inside it";
    CONFIG_UNKNOWN_EVENT => Error, "every `[events.\"domain/event\"]` of tidings.toml names an event of the schema root";
    FIELD_NAME_CASE => Error, "field and property names follow the configured case";
    EVENT_DOC_MISSING => Warning, "every event has a doc (`doc` / `description`)";
    FIELD_DOC_MISSING => Warning, "every field and property has a doc";
    JSON_OPEN_CONTENT_MODEL => Warning, "JSON Schema events state `additionalProperties`, so that adding properties stays possible";
}

impl Rule {
    /// The rule of an id, as tidings.toml writes it.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.id() == id)
    }

    /// A finding of this rule, with the rule's severity.
    pub fn at(self, file: &str, pos: Pos, message: String, hint: Option<String>) -> Diagnostic {
        Diagnostic {
            rule: self.id().to_owned(),
            severity: self.severity(),
            file: file.to_owned(),
            line: pos.line,
            col: pos.col,
            message,
            hint,
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(*rule));
        }
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
        assert_eq!(Rule::from_id("NO_SUCH_RULE"), None);
    }
}
