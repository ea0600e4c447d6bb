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
    /// What must never be shown: the password or token, and the `Authorization` header's
    /// base64 form of `user:password` (padded and not), longest first.
    fn secrets(&self) -> Vec<String> {
        use base64::Engine;
        let mut secrets = match self {
            Auth::Basic { username, password } => {
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{}", password.expose()));
                vec![
                    password.expose().to_owned(),
                    encoded.trim_end_matches('=').to_owned(),
                    encoded,
                ]
            }
            Auth::Bearer(token) => vec![token.expose().to_owned()],
        };
        secrets.retain(|s| !s.is_empty());
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets
    }

    /// `text` with every credential of this authentication replaced by `***`: for anything a
    /// server sent back (a proxy may echo the request's headers) before it is shown.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secrets() {
            if out.contains(&secret) {
                out = out.replace(&secret, "***");
            }
        }
        out
    }

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

    #[test]
    fn redaction_covers_the_password_and_its_header_form() {
        let auth = Auth::Basic {
            username: "alice".into(),
            password: Secret::new("s3cr3t-pw"),
        };
        // base64("alice:s3cr3t-pw")
        let text = "Basic YWxpY2U6czNjcjN0LXB3 or s3cr3t-pw";
        assert_eq!(auth.redact(text), "Basic *** or ***");
        let token = Auth::Bearer(Secret::new("tok"));
        assert_eq!(token.redact("Bearer tok"), "Bearer ***");
    }
}
