//! The local registry over HTTP: the Confluent REST API on axum, so that services, tests and
//! `tidings publish` talk to it as they would to a real registry.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use super::{error, Answer, LocalRegistry, SchemaRequest};
use crate::error::ApiError;

const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";

type Shared = Arc<Mutex<LocalRegistry>>;

/// The Confluent REST API over a local registry.
pub fn router(registry: LocalRegistry) -> Router {
    let shared: Shared = Arc::new(Mutex::new(registry));
    Router::new()
        .route("/", get(|| async { reply(Ok(json!({}))) }))
        .route("/subjects", get(subjects))
        .route("/subjects/{subject}", post(lookup).delete(delete_subject))
        .route("/subjects/{subject}/versions", get(versions).post(register))
        .route(
            "/subjects/{subject}/versions/{version}",
            get(version).delete(delete_version),
        )
        .route(
            "/subjects/{subject}/versions/{version}/schema",
            get(raw_schema),
        )
        .route(
            "/subjects/{subject}/versions/{version}/referencedby",
            get(referenced_by),
        )
        .route(
            "/schemas/types",
            get(|| async { reply(Ok(json!(["JSON", "AVRO"]))) }),
        )
        .route("/schemas", get(all_versions))
        .route("/schemas/ids/{id}", get(schema_by_id))
        .route("/schemas/ids/{id}/versions", get(id_versions))
        .route(
            "/compatibility/subjects/{subject}/versions",
            post(compatibility_all),
        )
        .route(
            "/compatibility/subjects/{subject}/versions/{version}",
            post(compatibility),
        )
        .route("/config", get(global_config).put(set_global_config))
        .route(
            "/config/{subject}",
            get(subject_config)
                .put(set_subject_config)
                .delete(delete_subject_config),
        )
        .route("/mode", get(mode))
        .route("/mode/{subject}", get(mode))
        .fallback(|| async { reply(Err(error(404, 404, "HTTP 404 Not Found".into()))) })
        .with_state(shared)
}

/// Serves `registry` on `listener` until `shutdown` completes.
///
/// # Errors
/// The listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    registry: LocalRegistry,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(registry))
        .with_graceful_shutdown(shutdown)
        .await
}

/// A local registry served in the background on 127.0.0.1, stopped when dropped.
#[derive(Debug)]
pub struct LocalServer {
    address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl LocalServer {
    /// Opens the registry in `data` and serves it on a free port of 127.0.0.1. Must be called
    /// inside a tokio runtime.
    ///
    /// # Errors
    /// The folder cannot be opened, or no port can be bound.
    pub async fn start(data: &Path) -> std::io::Result<LocalServer> {
        let registry = LocalRegistry::open(data)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, registry, async move {
            let _ = stopped.await;
        }));
        Ok(LocalServer {
            address,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops serving and waits until the server has let go.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Runs a registry operation off the async threads (it reads and writes files).
async fn run(
    shared: Shared,
    op: impl FnOnce(&mut LocalRegistry) -> std::io::Result<Answer> + Send + 'static,
) -> Response {
    let outcome = tokio::task::spawn_blocking(move || {
        let mut registry = shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        op(&mut registry)
    })
    .await;
    match outcome {
        Ok(Ok(answer)) => reply(answer),
        Ok(Err(io)) => reply(Err(error(
            500,
            50001,
            format!("Error in the backend data store: {io}"),
        ))),
        Err(join) => reply(Err(error(500, 50001, format!("internal error: {join}")))),
    }
}

fn reply(answer: Answer) -> Response {
    let (status, body) = match answer {
        Ok(body) => (StatusCode::OK, body),
        Err(ApiError {
            status,
            error_code,
            message,
            ..
        }) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            json!({ "error_code": error_code, "message": message }),
        ),
    };
    (
        status,
        [(header::CONTENT_TYPE, MEDIA_TYPE)],
        body.to_string(),
    )
        .into_response()
}

/// The value of a boolean query flag (`?deleted=true`).
fn flag(uri: &Uri, name: &str) -> bool {
    uri.query().is_some_and(|query| {
        query.split('&').any(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, "true"));
            key == name && value.eq_ignore_ascii_case("true")
        })
    })
}

/// Reads a JSON request body, as Confluent does: a JSON media type is required.
fn body<T: serde::de::DeserializeOwned>(headers: &HeaderMap, bytes: &Bytes) -> Result<T, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if !matches!(
        media,
        "application/vnd.schemaregistry.v1+json"
            | "application/vnd.schemaregistry+json"
            | "application/json"
            | "application/octet-stream"
    ) {
        return Err(error(415, 415, "HTTP 415 Unsupported Media Type".into()));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| error(422, 422, format!("Unrecognized request body: {e}")))
}

async fn subjects(State(shared): State<Shared>, uri: Uri) -> Response {
    let deleted = flag(&uri, "deleted");
    run(shared, move |r| r.subjects(deleted)).await
}

/// The value of a query parameter, percent-decoded.
fn param(uri: &Uri, name: &str) -> Option<String> {
    uri.query()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| percent_decode(value))
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn all_versions(State(shared): State<Shared>, uri: Uri) -> Response {
    let prefix = param(&uri, "subjectPrefix").unwrap_or_default();
    let latest_only = flag(&uri, "latestOnly");
    let deleted = flag(&uri, "deleted");
    run(shared, move |r| {
        r.all_versions(&prefix, latest_only, deleted)
    })
    .await
}

async fn versions(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    uri: Uri,
) -> Response {
    let deleted = flag(&uri, "deleted");
    run(shared, move |r| r.versions(&subject, deleted)).await
}

async fn version(
    State(shared): State<Shared>,
    UrlPath((subject, version)): UrlPath<(String, String)>,
    uri: Uri,
) -> Response {
    let deleted = flag(&uri, "deleted");
    run(shared, move |r| {
        r.version(&subject, &version, deleted, false)
    })
    .await
}

async fn raw_schema(
    State(shared): State<Shared>,
    UrlPath((subject, version)): UrlPath<(String, String)>,
    uri: Uri,
) -> Response {
    let deleted = flag(&uri, "deleted");
    run(shared, move |r| {
        r.version(&subject, &version, deleted, true)
    })
    .await
}

async fn referenced_by(
    State(shared): State<Shared>,
    UrlPath((subject, version)): UrlPath<(String, String)>,
) -> Response {
    run(shared, move |r| r.referenced_by(&subject, &version)).await
}

async fn register(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    match body::<SchemaRequest>(&headers, &bytes) {
        Ok(request) => run(shared, move |r| r.register(&subject, &request)).await,
        Err(e) => reply(Err(e)),
    }
}

async fn lookup(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let deleted = flag(&uri, "deleted");
    match body::<SchemaRequest>(&headers, &bytes) {
        Ok(request) => run(shared, move |r| r.lookup(&subject, &request, deleted)).await,
        Err(e) => reply(Err(e)),
    }
}

async fn delete_subject(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    uri: Uri,
) -> Response {
    let permanent = flag(&uri, "permanent");
    run(shared, move |r| r.delete_subject(&subject, permanent)).await
}

async fn delete_version(
    State(shared): State<Shared>,
    UrlPath((subject, version)): UrlPath<(String, String)>,
    uri: Uri,
) -> Response {
    let permanent = flag(&uri, "permanent");
    run(shared, move |r| {
        r.delete_version(&subject, &version, permanent)
    })
    .await
}

async fn schema_by_id(State(shared): State<Shared>, UrlPath(id): UrlPath<String>) -> Response {
    match id.parse::<u32>() {
        Ok(id) => run(shared, move |r| r.schema_by_id(id)).await,
        Err(_) => reply(Err(error(404, 40403, "Schema not found".into()))),
    }
}

async fn id_versions(State(shared): State<Shared>, UrlPath(id): UrlPath<String>) -> Response {
    match id.parse::<u32>() {
        Ok(id) => run(shared, move |r| r.id_versions(id)).await,
        Err(_) => reply(Err(error(404, 40403, "Schema not found".into()))),
    }
}

async fn compatibility(
    State(shared): State<Shared>,
    UrlPath((subject, version)): UrlPath<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let verbose = flag(&uri, "verbose");
    match body::<SchemaRequest>(&headers, &bytes) {
        Ok(request) => {
            run(shared, move |r| {
                r.test_compatibility(&subject, Some(&version), &request, verbose)
            })
            .await
        }
        Err(e) => reply(Err(e)),
    }
}

async fn compatibility_all(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let verbose = flag(&uri, "verbose");
    match body::<SchemaRequest>(&headers, &bytes) {
        Ok(request) => {
            run(shared, move |r| {
                r.test_compatibility(&subject, None, &request, verbose)
            })
            .await
        }
        Err(e) => reply(Err(e)),
    }
}

async fn global_config(State(shared): State<Shared>) -> Response {
    run(shared, |r| r.config(None, true)).await
}

async fn subject_config(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    uri: Uri,
) -> Response {
    let default_to_global = flag(&uri, "defaultToGlobal");
    run(shared, move |r| r.config(Some(&subject), default_to_global)).await
}

#[derive(serde::Deserialize)]
struct ConfigRequest {
    compatibility: String,
}

async fn set_global_config(
    State(shared): State<Shared>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    match body::<ConfigRequest>(&headers, &bytes) {
        Ok(request) => run(shared, move |r| r.set_config(None, &request.compatibility)).await,
        Err(e) => reply(Err(e)),
    }
}

async fn set_subject_config(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    match body::<ConfigRequest>(&headers, &bytes) {
        Ok(request) => {
            run(shared, move |r| {
                r.set_config(Some(&subject), &request.compatibility)
            })
            .await
        }
        Err(e) => reply(Err(e)),
    }
}

async fn delete_subject_config(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
) -> Response {
    run(shared, move |r| r.delete_config(&subject)).await
}

async fn mode() -> Response {
    reply(Ok(json!({ "mode": "READWRITE" })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_flags() {
        let uri: Uri = "/subjects?deleted=true&x=1".parse().unwrap();
        assert!(flag(&uri, "deleted"));
        assert!(!flag(&uri, "permanent"));
        let uri: Uri = "/subjects?deleted=false".parse().unwrap();
        assert!(!flag(&uri, "deleted"));
        let uri: Uri = "/schemas?subjectPrefix=a%2Fb%20c&latestOnly=false"
            .parse()
            .unwrap();
        assert_eq!(param(&uri, "subjectPrefix").as_deref(), Some("a/b c"));
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
    }
}
