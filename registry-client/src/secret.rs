//! Credentials that never reach logs, `Debug` output or error messages.

use std::fmt;

/// A secret string: its `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How the client authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP basic (a Confluent Cloud API key and secret).
    Basic {
        /// The user or API key.
        username: String,
        /// The password or API secret.
        password: Secret,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
}

impl Auth {
    /// From the environment: `TIDINGS_REGISTRY_TOKEN` (bearer), or `TIDINGS_REGISTRY_USERNAME`
    /// with `TIDINGS_REGISTRY_PASSWORD` (basic). `None` when neither is set.
    pub fn from_env() -> Option<Auth> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let Some(token) = var("TIDINGS_REGISTRY_TOKEN") {
            return Some(Auth::Bearer(Secret::new(token)));
        }
        Some(Auth::Basic {
            username: var("TIDINGS_REGISTRY_USERNAME")?,
            password: Secret::new(var("TIDINGS_REGISTRY_PASSWORD").unwrap_or_default()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let auth = Auth::Basic {
            username: "key".into(),
            password: Secret::new("hunter2"),
        };
        let shown = format!("{auth:?} {}", Secret::new("hunter2"));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"));
        assert_eq!(Secret::new("hunter2").expose(), "hunter2");
    }
}
