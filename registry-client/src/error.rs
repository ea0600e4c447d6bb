//! Errors: what the registry said (`ApiError`, with Confluent's `error_code`), or why it could
//! not be asked.

use std::fmt;

/// A non-2xx answer of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// Confluent's `error_code` (`40401`), or the status when the body has none.
    pub error_code: u32,
    /// The registry's message (validation errors that come as JSON are kept as JSON text).
    pub message: String,
    /// The body as received, when it was not a Confluent error object.
    pub raw_body: Option<String>,
}

impl ApiError {
    /// `40401`: the subject does not exist.
    pub fn is_subject_not_found(&self) -> bool {
        self.error_code == 40401
    }

    /// `40402`: the version does not exist.
    pub fn is_version_not_found(&self) -> bool {
        self.error_code == 40402
    }

    /// `40403`: no schema has that id.
    pub fn is_schema_not_found(&self) -> bool {
        self.error_code == 40403
    }

    /// `409`: the schema is incompatible with the subject's versions.
    pub fn is_incompatible(&self) -> bool {
        self.error_code == 409 || self.status == 409
    }

    /// `42201`: the registry cannot parse the schema.
    pub fn is_invalid_schema(&self) -> bool {
        self.error_code == 42201
    }

    /// A 404 with no Confluent error code: the endpoint does not exist on this registry.
    pub fn is_missing_endpoint(&self) -> bool {
        self.status == 404 && self.error_code == 404
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "registry answered {} (error code {}): {}",
            self.status, self.error_code, self.message
        )
    }
}

impl std::error::Error for ApiError {}

/// Why a registry call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The registry answered with an error.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// No answer within the timeout, after every retry.
    #[error("the registry at {url} did not answer within {timeout_ms} ms ({attempts} attempts)")]
    Timeout {
        /// The request URL.
        url: String,
        /// The timeout.
        timeout_ms: u128,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The registry could not be reached, after every retry.
    #[error("cannot reach the registry at {url}: {message} ({attempts} attempts)")]
    Unreachable {
        /// The request URL.
        url: String,
        /// Why.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A 2xx answer whose body is not what the API promises.
    #[error("unexpected answer from {url}: {message}")]
    Decode {
        /// The request URL.
        url: String,
        /// Why it could not be read.
        message: String,
    },
    /// The client configuration cannot be used.
    #[error("invalid registry client configuration: {0}")]
    Config(String),
}

impl Error {
    /// The registry's answer, when it answered with an error.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }
}
