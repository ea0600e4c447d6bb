//! Faults, over real HTTP on 127.0.0.1: 5xx and 429 are retried (with `Retry-After`), other 4xx
//! are not, slow answers time out, dropped connections and closed ports are transport errors.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::quick;
use axum::http::{HeaderMap, StatusCode};
use tidings_registry::{ClientBuilder, Error, Level};

/// A server whose n-th answer (from 0) is `answer(n)`, counting requests.
async fn start_server<F>(answer: F) -> (String, Arc<AtomicUsize>, tokio::task::JoinHandle<()>)
where
    F: Fn(usize) -> (StatusCode, HeaderMap, String, Duration) + Clone + Send + Sync + 'static,
{
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let app = axum::Router::new().fallback(move || {
        let seen = seen.clone();
        let answer = answer.clone();
        async move {
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let (status, headers, body, delay) = answer(n);
            tokio::time::sleep(delay).await;
            (status, headers, body)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, count, handle)
}

#[tokio::test]
async fn server_errors_are_retried_until_an_answer() {
    let (url, count, server) = start_server(|n| {
        if n < 2 {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                HeaderMap::new(),
                r#"{"error_code": 50001, "message": "store"}"#.into(),
                Duration::ZERO,
            )
        } else {
            (
                StatusCode::OK,
                HeaderMap::new(),
                r#"["a"]"#.into(),
                Duration::ZERO,
            )
        }
    })
    .await;
    let client = ClientBuilder::new(&url).retry(quick(3)).build().unwrap();
    assert_eq!(client.subjects(false).await.unwrap(), ["a"]);
    assert_eq!(count.load(Ordering::SeqCst), 3);
    server.abort();
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after() {
    let (url, count, server) = start_server(|n| {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "0".parse().unwrap());
        if n == 0 {
            (
                StatusCode::TOO_MANY_REQUESTS,
                headers,
                "slow down".into(),
                Duration::ZERO,
            )
        } else {
            (
                StatusCode::OK,
                HeaderMap::new(),
                "[]".into(),
                Duration::ZERO,
            )
        }
    })
    .await;
    let client = ClientBuilder::new(&url).retry(quick(1)).build().unwrap();
    assert!(client.subjects(false).await.unwrap().is_empty());
    assert_eq!(count.load(Ordering::SeqCst), 2);
    server.abort();
}

#[tokio::test]
async fn retries_end_with_the_last_answer_and_client_errors_are_final() {
    let (url, count, server) = start_server(|_| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            HeaderMap::new(),
            "down".into(),
            Duration::ZERO,
        )
    })
    .await;
    let client = ClientBuilder::new(&url).retry(quick(2)).build().unwrap();
    let err = client.subjects(false).await.unwrap_err();
    assert_eq!(err.api().unwrap().status, 503);
    assert_eq!(
        count.load(Ordering::SeqCst),
        3,
        "the first attempt and two retries"
    );
    server.abort();

    let (url, count, server) = start_server(|_| {
        (
            StatusCode::NOT_FOUND,
            HeaderMap::new(),
            r#"{"error_code": 40401, "message": "Subject 'x' not found."}"#.into(),
            Duration::ZERO,
        )
    })
    .await;
    let client = ClientBuilder::new(&url).retry(quick(3)).build().unwrap();
    let err = client.versions("x", false).await.unwrap_err();
    assert!(err.api().unwrap().is_subject_not_found());
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "a 404 is an answer, not a failure"
    );
    server.abort();
}

#[tokio::test]
async fn slow_answers_time_out() {
    let (url, count, server) = start_server(|_| {
        (
            StatusCode::OK,
            HeaderMap::new(),
            "[]".into(),
            Duration::from_secs(5),
        )
    })
    .await;
    let client = ClientBuilder::new(&url)
        .timeout(Duration::from_millis(200))
        .retry(quick(1))
        .build()
        .unwrap();
    match client.subjects(false).await.unwrap_err() {
        Error::Timeout { attempts, .. } => assert_eq!(attempts, 2),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(count.load(Ordering::SeqCst), 2);
    server.abort();
}

#[tokio::test]
async fn dropped_connections_and_closed_ports_are_transport_errors() {
    // A server that reads the request and hangs up halfway through its answer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let seen = accepted.clone();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n[\"a")
                .await;
            drop(socket);
        }
    });
    let client = ClientBuilder::new(&url).retry(quick(2)).build().unwrap();
    match client.subjects(false).await.unwrap_err() {
        Error::Unreachable { attempts, .. } => assert_eq!(attempts, 3),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
    server.abort();

    // Nothing listens on a port we just released.
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let client = ClientBuilder::new(format!("http://127.0.0.1:{port}"))
        .retry(quick(1))
        .build()
        .unwrap();
    let err = client.subjects(false).await.unwrap_err();
    assert!(
        matches!(err, Error::Unreachable { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("cannot reach the registry"));
}

#[test]
fn credentials_never_print() {
    let builder = ClientBuilder::new("http://localhost:8081").auth(tidings_registry::Auth::Basic {
        username: "key".into(),
        password: tidings_registry::Secret::new("s3cr3t"),
    });
    let client = builder.clone().build().unwrap();
    for shown in [format!("{builder:?}"), format!("{client:?}")] {
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}

/// A proxy that echoes the request's `Authorization` header in its error body (some do).
async fn echoing_server(status: StatusCode) -> (String, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new().fallback(move |headers: HeaderMap| async move {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (
            status,
            format!(r#"{{"error_code": 50001, "message": "upstream refused request with Authorization: {auth}"}}"#),
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, handle)
}

#[tokio::test]
async fn secrets_echoed_by_a_registry_are_redacted_from_errors() {
    use tidings_registry::{Auth, Secret};
    let (url, server) = echoing_server(StatusCode::INTERNAL_SERVER_ERROR).await;
    // Basic auth: neither the password nor its base64 form ("alice:s3cr3t-pw") may show.
    let basic = ClientBuilder::new(&url)
        .auth(Auth::Basic {
            username: "alice".into(),
            password: Secret::new("s3cr3t-pw"),
        })
        .retry(quick(0))
        .build()
        .unwrap();
    let err = basic.subjects(false).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        shown.contains("Authorization: Basic"),
        "the message stays useful: {shown}"
    );
    for secret in ["s3cr3t-pw", "YWxpY2U6czNjcjN0LXB3"] {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }
    // A bearer token.
    let bearer = ClientBuilder::new(&url)
        .auth(Auth::Bearer(Secret::new("tok-123456789")))
        .retry(quick(0))
        .build()
        .unwrap();
    let err = bearer.subjects(false).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("tok-123456789"), "{shown}");
    // A body that is not JSON (kept raw) and a 2xx body that cannot be read are redacted too.
    server.abort();
    let app = axum::Router::new().fallback(|headers: HeaderMap| async move {
        let auth = headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        (StatusCode::OK, format!("<html>{auth}</html>"))
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let raw = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    let client = ClientBuilder::new(&url)
        .auth(Auth::Bearer(Secret::new("tok-123456789")))
        .retry(quick(0))
        .build()
        .unwrap();
    let err = client.subjects(false).await.unwrap_err();
    assert!(
        !format!("{err} {err:?}").contains("tok-123456789"),
        "{err:?}"
    );
    raw.abort();
}

/// A request that gets no answer keeps its cause: a refused connection says so, and a TLS
/// handshake with a server that does not speak TLS names the TLS failure (not only
/// "transport").
#[tokio::test]
async fn transport_failures_keep_their_cause() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let refused = ClientBuilder::new(format!("http://127.0.0.1:{port}"))
        .retry(quick(0))
        .build()
        .unwrap()
        .subjects(false)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.to_lowercase().contains("refused"), "{refused}");

    let (url, _, server) = start_server(|_| {
        (
            StatusCode::OK,
            HeaderMap::new(),
            "[]".into(),
            Duration::ZERO,
        )
    })
    .await;
    let tls = ClientBuilder::new(url.replace("http://", "https://"))
        .retry(quick(0))
        .build()
        .unwrap()
        .subjects(false)
        .await
        .unwrap_err()
        .to_string();
    server.abort();
    assert!(tls.contains("cannot reach the registry"), "{tls}");
    assert!(!tls.contains(": transport ("), "{tls}");
    assert!(
        tls.to_lowercase().contains("message") || tls.to_lowercase().contains("tls"),
        "{tls}"
    );
}

/// A level that is none of the seven is an error that names where it came from (a check at a
/// level read wrong would pass what the registry refuses); a known one is read in any case.
#[tokio::test]
async fn an_unknown_level_from_a_registry_is_an_error() {
    let (url, _, server) = start_server(|n| {
        let level = ["FULL_TRANSITIVE", "backward", "SOMETIMES"][n.min(2)];
        (
            StatusCode::OK,
            HeaderMap::new(),
            format!(r#"{{"compatibilityLevel": "{level}"}}"#),
            Duration::ZERO,
        )
    })
    .await;
    let client = ClientBuilder::new(&url).retry(quick(1)).build().unwrap();
    assert_eq!(
        client.config(None).await.unwrap(),
        Some(Level::FullTransitive)
    );
    assert_eq!(
        client.config(Some("s-value")).await.unwrap(),
        Some(Level::Backward)
    );
    let err = client.config(None).await.unwrap_err().to_string();
    assert!(
        err.contains("unknown compatibility level `SOMETIMES`"),
        "{err}"
    );
    assert!(err.contains(&format!("{url}/config")), "{err}");
    server.abort();
}
