//! The error every parser in this crate returns: a file, a position, what is wrong and how to fix it.

use std::fmt;

use crate::source::{Pos, SyntaxError};

/// A schema that cannot be read: malformed JSON, an unknown type, a bad name, a default of the
/// wrong type, an unresolved or escaping reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The file, as the user named it.
    pub file: String,
    /// Where in the file.
    pub pos: Pos,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// How to fix it, when there is something better to say than the message.
    pub help: Option<String>,
}

impl SchemaError {
    pub(crate) fn new(file: &str, pos: Pos, message: impl Into<String>) -> Self {
        SchemaError {
            file: file.to_owned(),
            pos,
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn syntax(file: &str, err: SyntaxError) -> Self {
        SchemaError::new(file, err.pos, format!("invalid JSON: {}", err.message))
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.pos, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SchemaError {}
