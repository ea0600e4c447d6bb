//! What lint and check report: a rule, a severity and a place.

use serde::Serialize;

/// How bad a finding is: errors fail the run, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the run (exit status 1).
    Error,
    /// Reported, does not fail the run.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding of `tidings lint` or `tidings check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable rule id (`EVENT_NAME_PAST_TENSE`, `READER_FIELD_MISSING_DEFAULT_VALUE`).
    pub rule: String,
    /// Error or warning.
    pub severity: Severity,
    /// The file, as shown to the user.
    pub file: String,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}
