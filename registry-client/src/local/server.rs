//! The local registry over HTTP: the Confluent REST API on axum, so that services, tests and
//! `tidings publish` talk to it as they would to a real registry.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path as UrlPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::connections::{Bounded, Limits};
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
    serve_with(listener, registry, Limits::default(), shutdown).await
}

/// [`serve`] with other connection limits.
///
/// # Errors
/// As [`serve`].
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    registry: LocalRegistry,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(Bounded::new(listener, limits), router(registry))
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

/// The query parameters of a request (`?deleted=true&subjectPrefix=orders.`), decoded.
struct Query(Vec<(String, String)>);

impl Query {
    fn of(uri: &Uri) -> Query {
        let pairs = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes());
        Query(pairs.into_owned().collect())
    }

    /// A boolean flag: true only when it says `true` (in any case), as Confluent reads them.
    fn flag(&self, name: &str) -> bool {
        self.param(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Query::of(&parts.uri))
    }
}

/// A JSON request body, read as Confluent does: a JSON media type is required (415), and a
/// body that is not the expected JSON is 422.
struct JsonBody<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let media = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
            .trim()
            .to_owned();
        if !matches!(
            media.as_str(),
            "application/vnd.schemaregistry.v1+json"
                | "application/vnd.schemaregistry+json"
                | "application/json"
                | "application/octet-stream"
        ) {
            return Err(reply(Err(error(
                415,
                415,
                "HTTP 415 Unsupported Media Type".into(),
            ))));
        }
        // Confluent's error shape for a body that cannot be read too (413 past the size limit).
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                let status = rejection.status().as_u16();
                reply(Err(error(status, u32::from(status), rejection.body_text())))
            })?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            reply(Err(error(
                422,
                422,
                format!("Unrecognized request body: {e}"),
            )))
        })
    }
}

/// A schema id in the path; anything else is an unknown schema, as Confluent answers.
/// An id that is not a number matches no route, as in Confluent's (and Karapace's) server.
fn schema_id(text: &str) -> Result<u32, ApiError> {
    text.parse()
        .map_err(|_| error(404, 404, "HTTP 404 Not Found".into()))
}

async fn subjects(State(shared): State<Shared>, query: Query) -> Response {
    let deleted = query.flag("deleted");
    run(shared, move |r| r.subjects(deleted)).await
}

async fn all_versions(State(shared): State<Shared>, query: Query) -> Response {
    let prefix = query.param("subjectPrefix").unwrap_or_default().to_owned();
    let (latest_only, deleted) = (query.flag("latestOnly"), query.flag("deleted"));
    run(shared, move |r| {
        r.all_versions(&prefix, latest_only, deleted)
    })
    .await
}

async fn versions(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    query: Query,
) -> Response {
    let deleted = query.flag("deleted");
    run(shared, move |r| r.versions(&subject, deleted)).await
}

async fn version(
    State(shared): State<Shared>,
    UrlPath((subject, version)): UrlPath<(String, String)>,
    query: Query,
) -> Response {
    let deleted = query.flag("deleted");
    run(shared, move |r| {
        r.version(&subject, &version, deleted, false)
    })
    .await
}

async fn raw_schema(
    State(shared): State<Shared>,
    UrlPath((subject, version)): UrlPath<(String, String)>,
    query: Query,
) -> Response {
    let deleted = query.flag("deleted");
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
    JsonBody(request): JsonBody<SchemaRequest>,
) -> Response {
    run(shared, move |r| r.register(&subject, &request)).await
}

async fn lookup(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    query: Query,
    JsonBody(request): JsonBody<SchemaRequest>,
) -> Response {
    let deleted = query.flag("deleted");
    run(shared, move |r| r.lookup(&subject, &request, deleted)).await
}

async fn delete_subject(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    query: Query,
) -> Response {
    let permanent = query.flag("permanent");
    run(shared, move |r| r.delete_subject(&subject, permanent)).await
}

async fn delete_version(
    State(shared): State<Shared>,
    UrlPath((subject, version)): UrlPath<(String, String)>,
    query: Query,
) -> Response {
    let permanent = query.flag("permanent");
    run(shared, move |r| {
        r.delete_version(&subject, &version, permanent)
    })
    .await
}

async fn schema_by_id(State(shared): State<Shared>, UrlPath(id): UrlPath<String>) -> Response {
    match schema_id(&id) {
        Ok(id) => run(shared, move |r| r.schema_by_id(id)).await,
        Err(unknown) => reply(Err(unknown)),
    }
}

async fn id_versions(
    State(shared): State<Shared>,
    UrlPath(id): UrlPath<String>,
    query: Query,
) -> Response {
    let deleted = query.flag("deleted");
    match schema_id(&id) {
        Ok(id) => run(shared, move |r| r.id_versions(id, deleted)).await,
        Err(unknown) => reply(Err(unknown)),
    }
}

async fn compatibility(
    State(shared): State<Shared>,
    UrlPath((subject, version)): UrlPath<(String, String)>,
    query: Query,
    JsonBody(request): JsonBody<SchemaRequest>,
) -> Response {
    let verbose = query.flag("verbose");
    run(shared, move |r| {
        r.test_compatibility(&subject, Some(&version), &request, verbose)
    })
    .await
}

async fn compatibility_all(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    query: Query,
    JsonBody(request): JsonBody<SchemaRequest>,
) -> Response {
    let verbose = query.flag("verbose");
    run(shared, move |r| {
        r.test_compatibility(&subject, None, &request, verbose)
    })
    .await
}

async fn global_config(State(shared): State<Shared>) -> Response {
    run(shared, |r| r.config(None, true)).await
}

async fn subject_config(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    query: Query,
) -> Response {
    let default_to_global = query.flag("defaultToGlobal");
    run(shared, move |r| r.config(Some(&subject), default_to_global)).await
}

#[derive(serde::Deserialize)]
struct ConfigRequest {
    compatibility: String,
}

async fn set_global_config(
    State(shared): State<Shared>,
    JsonBody(request): JsonBody<ConfigRequest>,
) -> Response {
    run(shared, move |r| r.set_config(None, &request.compatibility)).await
}

async fn set_subject_config(
    State(shared): State<Shared>,
    UrlPath(subject): UrlPath<String>,
    JsonBody(request): JsonBody<ConfigRequest>,
) -> Response {
    run(shared, move |r| {
        r.set_config(Some(&subject), &request.compatibility)
    })
    .await
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
    fn query_parameters() {
        let query = Query::of(&"/subjects?deleted=true&x=1".parse().unwrap());
        assert!(query.flag("deleted"));
        assert!(!query.flag("permanent"));
        assert!(!Query::of(&"/subjects?deleted=false".parse().unwrap()).flag("deleted"));
        assert!(Query::of(&"/subjects?deleted=TRUE".parse().unwrap()).flag("deleted"));
        let query = Query::of(
            &"/schemas?subjectPrefix=a%2Fb%20c&latestOnly=false"
                .parse()
                .unwrap(),
        );
        assert_eq!(query.param("subjectPrefix"), Some("a/b c"));
        assert!(!query.flag("latestOnly"));
        assert_eq!(
            Query::of(&"/x?p=100%".parse().unwrap()).param("p"),
            Some("100%")
        );
    }
}
