//! The client: plain configuration, `ClientBuilder::build()`, a cheap-to-clone `Client`, one
//! function that turns every answer into a value or a typed `ApiError`, and retries where safe.

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use tidings_schema::compat::Level;
use tidings_schema::Format;

use crate::error::{ApiError, Error};
use crate::retry::{Attempt, RetryPolicy};
use crate::secret::Auth;

/// The media type of the Confluent REST API.
const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// A schema another schema refers to (Confluent schema references).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reference {
    /// The name the referring schema uses (an Avro full name, a JSON Schema `$ref`).
    pub name: String,
    /// The subject that holds it.
    pub subject: String,
    /// Its version there.
    pub version: u32,
}

/// A schema to register, look up or test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSchema {
    /// The schema text.
    pub schema: String,
    /// `AVRO` (the default, left out), `JSON` or `PROTOBUF`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    /// The schemas it refers to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
}

impl NewSchema {
    /// A schema of `format`, its `schemaType` written as registries expect: left out for Avro
    /// (the default), `JSON` for JSON Schema.
    pub fn of(format: Format, schema: impl Into<String>) -> Self {
        NewSchema {
            schema: schema.into(),
            schema_type: (format != Format::Avro).then(|| format.schema_type().to_owned()),
            references: Vec::new(),
        }
    }

    /// An Avro schema.
    pub fn avro(schema: impl Into<String>) -> Self {
        NewSchema::of(Format::Avro, schema)
    }

    /// A JSON Schema.
    pub fn json(schema: impl Into<String>) -> Self {
        NewSchema::of(Format::Json, schema)
    }

    /// The format its `schemaType` names, if tidings reads that format.
    pub fn format(&self) -> Option<Format> {
        known_format(self.schema_type.as_deref().unwrap_or_default())
    }

    /// With references.
    pub fn with_references(mut self, references: Vec<Reference>) -> Self {
        self.references = references;
        self
    }
}

/// The format a registry's `schemaType` names: absent or empty is Avro (Confluent's default),
/// `AVRO` and `JSON` in any case; `None` for those tidings does not read (`PROTOBUF`).
fn known_format(schema_type: &str) -> Option<Format> {
    match schema_type.to_ascii_uppercase().as_str() {
        "" | "AVRO" => Some(Format::Avro),
        "JSON" => Some(Format::Json),
        _ => None,
    }
}

impl SubjectVersion {
    /// The format its `schemaType` names, if tidings reads that format.
    pub fn format(&self) -> Option<Format> {
        known_format(&self.schema_type)
    }
}

impl SchemaById {
    /// The format its `schemaType` names, if tidings reads that format.
    pub fn format(&self) -> Option<Format> {
        known_format(&self.schema_type)
    }
}

/// Registries leave `schemaType` out for Avro, and some write `null`.
fn schema_type_or_avro<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_else(|| "AVRO".into()))
}

/// Absent, `null` and empty mean the same for an optional list or value: Karapace answers
/// `"references": null` in `GET /schemas` and leaves the field out elsewhere.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// One version of a subject.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectVersion {
    /// The subject.
    pub subject: String,
    /// The version.
    pub version: u32,
    /// The global schema id.
    pub id: u32,
    /// The schema text, as the registry renders it.
    pub schema: String,
    /// `AVRO`, `JSON` or `PROTOBUF`.
    #[serde(default = "avro", deserialize_with = "schema_type_or_avro")]
    pub schema_type: String,
    /// The schemas it refers to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub references: Vec<Reference>,
}

/// A schema by its id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaById {
    /// The schema text.
    pub schema: String,
    /// `AVRO`, `JSON` or `PROTOBUF`.
    #[serde(default = "avro", deserialize_with = "schema_type_or_avro")]
    pub schema_type: String,
    /// The schemas it refers to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub references: Vec<Reference>,
}

/// A subject and version that use a schema id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SubjectVersionRef {
    /// The subject.
    pub subject: String,
    /// The version.
    pub version: u32,
}

/// The registry's compatibility verdict.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Compatibility {
    /// Whether the schema may be registered.
    pub is_compatible: bool,
    /// Its reasons, when it gives any (Confluent only with `verbose=true`).
    #[serde(default, deserialize_with = "messages")]
    pub messages: Vec<String>,
}

/// Reasons as strings, whatever their shape (strings, objects, `null`).
fn messages<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let values: Vec<Value> = null_as_default(d)?;
    Ok(values
        .into_iter()
        .map(|v| match v {
            Value::String(s) => s,
            other => other.to_string(),
        })
        .collect())
}

fn avro() -> String {
    "AVRO".into()
}

/// The query of `GET /schemas`; parameters left `None` are not sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemaQuery<'a> {
    /// Only subjects whose name starts with this (`subjectPrefix`).
    pub subject_prefix: Option<&'a str>,
    /// Only the latest version of each subject (`latestOnly`).
    pub latest_only: Option<bool>,
    /// Soft-deleted versions too (`deleted`).
    pub deleted: Option<bool>,
}

/// A version of a subject: a number or the latest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionRef {
    /// The latest version.
    Latest,
    /// A version number.
    Number(u32),
}

impl std::fmt::Display for VersionRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VersionRef::Latest => f.write_str("latest"),
            VersionRef::Number(n) => write!(f, "{n}"),
        }
    }
}

/// Builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    url: String,
    auth: Option<Auth>,
    timeout: Duration,
    retry: RetryPolicy,
    ca_certificates: Vec<Vec<u8>>,
}

impl ClientBuilder {
    /// A client of the registry at `url` (`http://localhost:8081`), with a 10 s timeout and
    /// the default retry policy.
    pub fn new(url: impl Into<String>) -> Self {
        ClientBuilder {
            url: url.into(),
            auth: None,
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            ca_certificates: Vec::new(),
        }
    }

    /// The registry a service is configured with: `TIDINGS_REGISTRY_URL`, with credentials
    /// from `TIDINGS_REGISTRY_TOKEN` or `TIDINGS_REGISTRY_USERNAME`/`TIDINGS_REGISTRY_PASSWORD`.
    ///
    /// # Errors
    /// `TIDINGS_REGISTRY_URL` is not set.
    pub fn from_env() -> Result<Self, Error> {
        let url = std::env::var("TIDINGS_REGISTRY_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .ok_or_else(|| Error::Config("TIDINGS_REGISTRY_URL is not set".into()))?;
        let mut builder = ClientBuilder::new(url);
        if let Some(auth) = Auth::from_env() {
            builder = builder.auth(auth);
        }
        Ok(builder)
    }

    /// Authenticate every request.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The time one attempt may take, connection included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How failures are retried.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Trusts a CA certificate (PEM) besides the system's.
    pub fn ca_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_certificates.push(pem.into());
        self
    }

    /// The client.
    ///
    /// # Errors
    /// A URL that is not http(s), or a CA certificate that cannot be read.
    pub fn build(self) -> Result<Client, Error> {
        let (base, userinfo) = split_userinfo(self.url.trim_end_matches('/'));
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::Config(format!(
                "the registry URL `{base}` is not http:// or https://"
            )));
        }
        // Credentials in the URL become basic auth, so that the URL in messages never shows them.
        let auth = self.auth.or_else(|| {
            userinfo.map(|(username, password)| Auth::Basic {
                username,
                password: crate::secret::Secret::new(password),
            })
        });
        let mut http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout);
        for pem in &self.ca_certificates {
            // `from_pem` accepts text with no certificate in it; a bundle must hold at least one.
            let certificates = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| Error::Config(format!("cannot read the CA certificate: {e}")))?;
            if certificates.is_empty() {
                return Err(Error::Config(
                    "the CA certificate file holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)"
                        .into(),
                ));
            }
            for certificate in certificates {
                http = http.add_root_certificate(certificate);
            }
        }
        let http = http.build().map_err(|e| Error::Config(e.to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                auth,
                retry: self.retry,
                timeout: self.timeout,
                requests: std::sync::atomic::AtomicU64::new(0),
            }),
        })
    }
}

/// A client of a Confluent-compatible schema registry. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: String,
    auth: Option<Auth>,
    retry: RetryPolicy,
    timeout: Duration,
    /// Attempts sent, retries included (for reports and benchmarks).
    requests: std::sync::atomic::AtomicU64,
}

/// `https://key:secret@host/x` → (`https://host/x`, `Some(("key", "secret"))`).
fn split_userinfo(url: &str) -> (String, Option<(String, String)>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return (url.to_owned(), None);
    };
    let authority_end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    match url[scheme_end..authority_end].rfind('@') {
        Some(at) => {
            let userinfo = &url[scheme_end..scheme_end + at];
            let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
            let base = format!("{}{}", &url[..scheme_end], &url[scheme_end + at + 1..]);
            (base, Some((user.to_owned(), password.to_owned())))
        }
        None => (url.to_owned(), None),
    }
}

/// Percent-encodes a path segment (subjects may hold any character).
/// `/config`, or `/config/{subject}`.
fn config_path(subject: Option<&str>) -> String {
    subject.map_or_else(
        || "/config".to_owned(),
        |s| format!("/config/{}", segment(s)),
    )
}

/// A level a registry named: one of the seven, or an error that says where it came from.
fn known_level(url: &str, level: &str) -> Result<Level, Error> {
    level.parse().map_err(|_| Error::Decode {
        url: url.to_owned(),
        message: format!(
            "unknown compatibility level `{level}`; the levels are {}",
            Level::ALL.map(Level::as_str).join(", ")
        ),
    })
}

fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn deleted(flag: bool) -> &'static str {
    if flag {
        "?deleted=true"
    } else {
        ""
    }
}

/// Why one attempt of a request failed.
struct Failed {
    kind: Attempt,
    /// The `Retry-After` seconds of the answer, if any.
    retry_after: Option<u64>,
    /// The registry's error, when it answered.
    api: Option<ApiError>,
    /// The transport's reason, when it did not.
    cause: Option<String>,
}

impl Client {
    /// The registry's base URL.
    pub fn url(&self) -> &str {
        &self.inner.base
    }

    /// How many HTTP requests this client (and its clones) sent, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.inner
            .requests
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A server's text with this client's credentials taken out.
    fn redact(&self, text: &str) -> String {
        match &self.inner.auth {
            Some(auth) => auth.redact(text),
            None => text.to_owned(),
        }
    }

    /// Sends one request, retrying what the policy allows, and returns the body of a 2xx
    /// answer; any other answer becomes an [`ApiError`].
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<String, Error> {
        let url = format!("{}{path}", self.inner.base);
        let policy = self.inner.retry;
        let mut attempt = 0;
        loop {
            let failed = match self.attempt(&method, &url, body).await {
                Ok(text) => return Ok(text),
                Err(failed) => failed,
            };
            if attempt < policy.max_retries && RetryPolicy::is_retryable(failed.kind) {
                tokio::time::sleep(policy.delay(attempt, failed.retry_after)).await;
                attempt += 1;
                continue;
            }
            let attempts = attempt + 1;
            return Err(match failed {
                Failed { api: Some(api), .. } => Error::Api(api),
                Failed {
                    kind: Attempt::Timeout,
                    ..
                } => Error::Timeout {
                    url,
                    timeout_ms: self.inner.timeout.as_millis(),
                    attempts,
                },
                Failed { kind, cause, .. } => Error::Unreachable {
                    url,
                    message: cause.unwrap_or_else(|| format!("{kind:?}").to_lowercase()),
                    attempts,
                },
            });
        }
    }

    /// One try of a request: the body of a 2xx answer, or why it failed.
    async fn attempt(
        &self,
        method: &reqwest::Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<String, Failed> {
        let mut request = self.inner.http.request(method.clone(), url).header(
            reqwest::header::ACCEPT,
            format!("{MEDIA_TYPE}, application/json"),
        );
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, MEDIA_TYPE)
                .body(body.to_string());
        }
        request = match &self.inner.auth {
            Some(Auth::Basic { username, password }) => {
                request.basic_auth(username, Some(password.expose()))
            }
            Some(Auth::Bearer(token)) => request.bearer_auth(token.expose()),
            None => request,
        };
        self.inner
            .requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_failure(&e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        match response.text().await {
            Ok(text) if (200..300).contains(&status) => Ok(text),
            Ok(text) => Err(Failed {
                kind: Attempt::Status(status),
                retry_after,
                api: Some(api_error(status, &self.redact(&text))),
                cause: None,
            }),
            Err(e) => Err(self.transport_failure(&e)),
        }
    }

    /// A request that got no answer: its kind, and the transport's reason (a refused
    /// connection, a name that does not resolve, a certificate the client does not trust), its
    /// whole chain of causes, credentials cut.
    fn transport_failure(&self, e: &reqwest::Error) -> Failed {
        let kind = if e.is_timeout() {
            Attempt::Timeout
        } else if e.is_connect() {
            Attempt::Connect
        } else {
            Attempt::Transport
        };
        let mut causes = Vec::new();
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            causes.push(cause.to_string());
            source = cause.source();
        }
        // reqwest's own text names the URL, which the error names already.
        let cause = (!causes.is_empty()).then(|| self.redact(&causes.join(": ")));
        Failed {
            kind,
            retry_after: None,
            api: None,
            cause,
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<T, Error> {
        let text = self.send(method, path, body).await?;
        serde_json::from_str(&text).map_err(|e| Error::Decode {
            url: format!("{}{path}", self.inner.base),
            message: format!(
                "{e}: {}",
                self.redact(&text.chars().take(200).collect::<String>())
            ),
        })
    }

    /// `GET /subjects`: every subject (soft-deleted ones too with `deleted`).
    ///
    /// # Errors
    /// A failing or unreachable registry.
    pub async fn subjects(&self, deleted_too: bool) -> Result<Vec<String>, Error> {
        self.call(
            reqwest::Method::GET,
            &format!("/subjects{}", deleted(deleted_too)),
            None,
        )
        .await
    }

    /// `GET /schemas/types`.
    ///
    /// # Errors
    /// A failing or unreachable registry.
    pub async fn schema_types(&self) -> Result<Vec<String>, Error> {
        self.call(reqwest::Method::GET, "/schemas/types", None)
            .await
    }

    /// `GET /schemas?subjectPrefix=..&latestOnly=false&deleted=false`: every live version of
    /// every subject whose name starts with `subject_prefix`, schemas included, in one request.
    /// `None` when the registry has no such endpoint (it came with Confluent 7.0): ask per
    /// subject then. Some registries ignore the prefix (Karapace): filter what comes back.
    ///
    /// # Errors
    /// A failing or unreachable registry.
    pub async fn all_versions(
        &self,
        subject_prefix: &str,
    ) -> Result<Option<Vec<SubjectVersion>>, Error> {
        let query = SchemaQuery {
            subject_prefix: Some(subject_prefix),
            latest_only: Some(false),
            deleted: Some(false),
        };
        match self.list_schemas(&query).await {
            Ok(all) => Ok(Some(all)),
            Err(Error::Api(api)) if api.is_missing_endpoint() => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// `GET /schemas` with the query parameters that are set.
    ///
    /// # Errors
    /// A missing endpoint (404 without an error code), a failing or unreachable registry.
    pub async fn list_schemas(
        &self,
        query: &SchemaQuery<'_>,
    ) -> Result<Vec<SubjectVersion>, Error> {
        let mut params = Vec::new();
        if let Some(prefix) = query.subject_prefix {
            params.push(format!("subjectPrefix={}", segment(prefix)));
        }
        if let Some(latest) = query.latest_only {
            params.push(format!("latestOnly={latest}"));
        }
        if let Some(deleted) = query.deleted {
            params.push(format!("deleted={deleted}"));
        }
        let path = if params.is_empty() {
            "/schemas".to_owned()
        } else {
            format!("/schemas?{}", params.join("&"))
        };
        self.call(reqwest::Method::GET, &path, None).await
    }

    /// `GET /subjects/{subject}/versions`.
    ///
    /// # Errors
    /// An unknown subject (40401), a failing or unreachable registry.
    pub async fn versions(&self, subject: &str, deleted_too: bool) -> Result<Vec<u32>, Error> {
        self.call(
            reqwest::Method::GET,
            &format!(
                "/subjects/{}/versions{}",
                segment(subject),
                deleted(deleted_too)
            ),
            None,
        )
        .await
    }

    /// `GET /subjects/{subject}/versions/{version}`.
    ///
    /// # Errors
    /// An unknown subject (40401) or version (40402), a failing or unreachable registry.
    pub async fn version(
        &self,
        subject: &str,
        version: VersionRef,
    ) -> Result<SubjectVersion, Error> {
        self.call(
            reqwest::Method::GET,
            &format!("/subjects/{}/versions/{version}", segment(subject)),
            None,
        )
        .await
    }

    /// `GET /subjects/{subject}/versions/{version}/schema`: the schema alone, as JSON.
    ///
    /// # Errors
    /// As [`Client::version`].
    pub async fn raw_schema(&self, subject: &str, version: VersionRef) -> Result<Value, Error> {
        self.call(
            reqwest::Method::GET,
            &format!("/subjects/{}/versions/{version}/schema", segment(subject)),
            None,
        )
        .await
    }

    /// `POST /subjects/{subject}/versions`: registers a schema (idempotent: the same schema
    /// gets its existing id) and returns its id.
    ///
    /// # Errors
    /// An incompatible (409) or invalid (42201) schema, a failing or unreachable registry.
    pub async fn register(
        &self,
        subject: &str,
        schema: &NewSchema,
        normalize: bool,
    ) -> Result<u32, Error> {
        #[derive(Deserialize)]
        struct Registered {
            id: u32,
        }
        let query = if normalize { "?normalize=true" } else { "" };
        let body = serde_json::to_value(schema).unwrap_or_default();
        let registered: Registered = self
            .call(
                reqwest::Method::POST,
                &format!("/subjects/{}/versions{query}", segment(subject)),
                Some(&body),
            )
            .await?;
        Ok(registered.id)
    }

    /// `POST /subjects/{subject}`: the version of a subject that holds this schema.
    ///
    /// # Errors
    /// An unknown subject (40401) or schema (40403), a failing or unreachable registry.
    pub async fn lookup(
        &self,
        subject: &str,
        schema: &NewSchema,
        deleted_too: bool,
    ) -> Result<SubjectVersion, Error> {
        let body = serde_json::to_value(schema).unwrap_or_default();
        let mut found: Value = self
            .call(
                reqwest::Method::POST,
                &format!("/subjects/{}{}", segment(subject), deleted(deleted_too)),
                Some(&body),
            )
            .await?;
        // Some registries leave the subject out of the answer.
        if found.get("subject").is_none() {
            found["subject"] = json!(subject);
        }
        serde_json::from_value(found).map_err(|e| Error::Decode {
            url: format!("{}/subjects/{subject}", self.inner.base),
            message: e.to_string(),
        })
    }

    /// `GET /schemas/ids/{id}`.
    ///
    /// # Errors
    /// An unknown id (40403), a failing or unreachable registry.
    pub async fn schema_by_id(&self, id: u32) -> Result<SchemaById, Error> {
        self.call(reqwest::Method::GET, &format!("/schemas/ids/{id}"), None)
            .await
    }

    /// `GET /schemas/ids/{id}/versions`: the subjects and versions that use an id.
    ///
    /// # Errors
    /// An unknown id (40403), a failing or unreachable registry.
    pub async fn id_versions(&self, id: u32) -> Result<Vec<SubjectVersionRef>, Error> {
        self.call(
            reqwest::Method::GET,
            &format!("/schemas/ids/{id}/versions"),
            None,
        )
        .await
    }

    /// `POST /compatibility/subjects/{subject}/versions/{version}`.
    ///
    /// # Errors
    /// An unknown subject or version (Karapace answers 40402 for `latest` of an empty subject,
    /// where Confluent says compatible), a failing or unreachable registry.
    pub async fn test_compatibility(
        &self,
        subject: &str,
        version: VersionRef,
        schema: &NewSchema,
        verbose: bool,
    ) -> Result<Compatibility, Error> {
        let body = serde_json::to_value(schema).unwrap_or_default();
        let query = if verbose { "?verbose=true" } else { "" };
        self.call(
            reqwest::Method::POST,
            &format!(
                "/compatibility/subjects/{}/versions/{version}{query}",
                segment(subject)
            ),
            Some(&body),
        )
        .await
    }

    /// `POST /compatibility/subjects/{subject}/versions`: against every version. `None` when the
    /// registry has no such endpoint (Karapace, Redpanda).
    ///
    /// # Errors
    /// A failing or unreachable registry.
    pub async fn test_compatibility_all(
        &self,
        subject: &str,
        schema: &NewSchema,
        verbose: bool,
    ) -> Result<Option<Compatibility>, Error> {
        let body = serde_json::to_value(schema).unwrap_or_default();
        let query = if verbose { "?verbose=true" } else { "" };
        match self
            .call(
                reqwest::Method::POST,
                &format!(
                    "/compatibility/subjects/{}/versions{query}",
                    segment(subject)
                ),
                Some(&body),
            )
            .await
        {
            Ok(verdict) => Ok(Some(verdict)),
            Err(Error::Api(api)) if api.is_missing_endpoint() => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// `GET /config` or `GET /config/{subject}`: the compatibility level (`compatibilityLevel`).
    /// `None` for a subject without a level of its own: 40408 (an existing subject), or 40401
    /// (Karapace, for a subject that has no version yet).
    ///
    /// # Errors
    /// A failing or unreachable registry, or a level that is none of the seven (a check at a
    /// level read wrong would let through what the registry refuses, or the reverse).
    pub async fn config(&self, subject: Option<&str>) -> Result<Option<Level>, Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Config {
            compatibility_level: String,
        }
        let path = config_path(subject);
        match self.call::<Config>(reqwest::Method::GET, &path, None).await {
            Ok(config) => known_level(
                &format!("{}{path}", self.url()),
                &config.compatibility_level,
            )
            .map(Some),
            Err(Error::Api(api))
                if subject.is_some() && matches!(api.error_code, 40401 | 40408) =>
            {
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// `PUT /config` or `PUT /config/{subject}` (the body says `compatibility`).
    ///
    /// # Errors
    /// A failing or unreachable registry, or one that refuses the level (42203).
    pub async fn set_config(&self, subject: Option<&str>, level: Level) -> Result<(), Error> {
        let _: Value = self
            .call(
                reqwest::Method::PUT,
                &config_path(subject),
                Some(&json!({ "compatibility": level.as_str() })),
            )
            .await?;
        Ok(())
    }

    /// `DELETE /config/{subject}`: back to the global level.
    ///
    /// # Errors
    /// A failing or unreachable registry.
    pub async fn delete_config(&self, subject: &str) -> Result<(), Error> {
        let _: Value = self
            .call(
                reqwest::Method::DELETE,
                &format!("/config/{}", segment(subject)),
                None,
            )
            .await?;
        Ok(())
    }

    /// `GET /mode` or `GET /mode/{subject}`.
    ///
    /// # Errors
    /// A failing or unreachable registry.
    pub async fn mode(&self, subject: Option<&str>) -> Result<String, Error> {
        #[derive(Deserialize)]
        struct Mode {
            mode: String,
        }
        let path = subject.map_or_else(|| "/mode".to_owned(), |s| format!("/mode/{}", segment(s)));
        Ok(self
            .call::<Mode>(reqwest::Method::GET, &path, None)
            .await?
            .mode)
    }

    /// `DELETE /subjects/{subject}` (soft, or hard with `permanent`): the versions deleted.
    ///
    /// # Errors
    /// An unknown subject, references to it (42206), a failing or unreachable registry.
    pub async fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<u32>, Error> {
        let query = if permanent { "?permanent=true" } else { "" };
        self.call(
            reqwest::Method::DELETE,
            &format!("/subjects/{}{query}", segment(subject)),
            None,
        )
        .await
    }

    /// `DELETE /subjects/{subject}/versions/{version}` (soft, or hard with `permanent`).
    ///
    /// # Errors
    /// An unknown subject or version, a failing or unreachable registry.
    pub async fn delete_version(
        &self,
        subject: &str,
        version: VersionRef,
        permanent: bool,
    ) -> Result<u32, Error> {
        let query = if permanent { "?permanent=true" } else { "" };
        self.call(
            reqwest::Method::DELETE,
            &format!("/subjects/{}/versions/{version}{query}", segment(subject)),
            None,
        )
        .await
    }

    /// `GET /subjects/{subject}/versions/{version}/referencedby`: ids of schemas that refer to it.
    ///
    /// # Errors
    /// An unknown subject or version, a failing or unreachable registry.
    pub async fn referenced_by(
        &self,
        subject: &str,
        version: VersionRef,
    ) -> Result<Vec<u32>, Error> {
        self.call(
            reqwest::Method::GET,
            &format!(
                "/subjects/{}/versions/{version}/referencedby",
                segment(subject)
            ),
            None,
        )
        .await
    }
}

/// Reads a non-2xx body: Confluent's `{"error_code", "message"}`, a validation error whose
/// `message` is a list, or anything else kept raw.
fn api_error(status: u16, body: &str) -> ApiError {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => {
            let error_code = map
                .get("error_code")
                .and_then(Value::as_u64)
                .and_then(|c| u32::try_from(c).ok());
            let message = match map.get("message") {
                Some(Value::String(m)) => m.clone(),
                Some(other) => other.to_string(),
                None => body.to_owned(),
            };
            ApiError {
                status,
                error_code: error_code.unwrap_or(u32::from(status)),
                message,
                raw_body: error_code.is_none().then(|| body.to_owned()),
            }
        }
        _ => ApiError {
            status,
            error_code: u32::from(status),
            message: body.trim().trim_matches('"').to_owned(),
            raw_body: Some(body.to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_error_bodies_of_every_shape() {
        let e = api_error(
            404,
            r#"{"error_code": 40401, "message": "Subject 'x' not found."}"#,
        );
        assert!(e.is_subject_not_found() && e.raw_body.is_none());
        let e = api_error(
            422,
            r#"{"error_code": 422, "message": [{"loc": ["body", "schema"], "msg": "field required"}]}"#,
        );
        assert_eq!(e.error_code, 422);
        assert!(e.message.contains("field required"));
        let e = api_error(404, "\"Not Found\"");
        assert!(e.is_missing_endpoint());
        assert_eq!(e.message, "Not Found");
        let e = api_error(502, "<html>bad gateway</html>");
        assert_eq!(
            (e.error_code, e.raw_body.as_deref()),
            (502, Some("<html>bad gateway</html>"))
        );
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(
            segment("identity.user-registered-value"),
            "identity.user-registered-value"
        );
        assert_eq!(segment("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn credentials_in_the_url_become_basic_auth() {
        let client = ClientBuilder::new("https://key:s3cr3t@sr.example:8081/")
            .build()
            .unwrap();
        assert_eq!(client.url(), "https://sr.example:8081");
        assert!(!format!("{client:?}").contains("s3cr3t"));
        assert!(
            matches!(&client.inner.auth, Some(Auth::Basic { username, password }) if username == "key" && password.expose() == "s3cr3t")
        );
    }

    #[test]
    fn a_ca_certificate_that_is_not_pem_is_a_configuration_error() {
        let err = ClientBuilder::new("https://sr.example")
            .ca_certificate_pem("not a certificate")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(err.to_string().contains("CA certificate"), "{err}");
        // A real (self-signed, public part only) certificate is taken.
        assert!(ClientBuilder::new("https://sr.example")
            .ca_certificate_pem(include_str!("testdata/ca.pem"))
            .build()
            .is_ok());
    }

    #[test]
    fn non_ascii_host_names_reach_the_wire_as_punycode() {
        // reqwest parses the URL with url, whose IDNA back end is the idna_adapter the workspace
        // pins (1.1, unicode-rs; tidings-cli's Cargo.toml says why). 1.0 would refuse the name.
        // (Python agrees: `"schémas".encode("idna")`.)
        let url = reqwest::Url::parse("https://schémas.example:8081/subjects").unwrap();
        assert_eq!(url.host_str(), Some("xn--schmas-dva.example"));
    }

    #[test]
    fn builder_refuses_bad_urls() {
        assert!(ClientBuilder::new("localhost:8081").build().is_err());
        assert!(
            ClientBuilder::new("http://localhost:8081/")
                .build()
                .unwrap()
                .url()
                == "http://localhost:8081"
        );
    }
}
