//! Entente's HTTP server: the JSON API (documented by a generated OpenAPI 3.1 document),
//! RFC 9457 problem responses, the web UI (server-rendered pages, `ui`), and a start-up seam
//! tests can drive on port 0.

mod api;
mod auth;
mod error;
mod etag;
mod idempotency;
mod links;
mod openapi;
mod paging;
pub mod scheduler;
mod setup;
mod state;
mod ui;
mod upload;

pub use state::{AppState, LoginLimiter};

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The OpenAPI document and the router, built together so every route is documented.
pub fn router(state: AppState) -> Router {
    let (router, mut openapi) = api::routes().split_for_parts();
    openapi::finish(&mut openapi);
    let creates = idempotency::Creates(std::sync::Arc::new(openapi::creating_posts(&openapi)));
    // Per route (after routing), so the middleware sees the matched route template.
    let router = router.layer(axum::middleware::from_fn_with_state(
        (state.clone(), creates),
        idempotency::idempotent,
    ));
    let openapi_json = std::sync::Arc::new(openapi);
    let body_limit = usize::try_from(state.limits.max_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024);
    router
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = openapi_json.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", axum::routing::get(api::healthz))
        .route("/problems/{kind}", axum::routing::get(error::problem_type))
        .route(
            "/setup",
            axum::routing::get(setup::setup_page).post(setup::complete_setup),
        )
        .route("/setup/done", axum::routing::get(setup::setup_done))
        .route(
            "/reset-password",
            axum::routing::get(links::reset_page).post(links::reset),
        )
        .route(
            "/invitation",
            axum::routing::get(links::invitation_page).post(links::accept),
        )
        .route(
            entente_core::unsubscribe::PATH,
            axum::routing::get(links::unsubscribe_page).post(links::unsubscribe),
        )
        .merge(ui::router())
        .fallback(ui::fallback)
        .with_state(state)
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            // The matched route template keeps span cardinality low.
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map_or("unmatched", |m| m.as_str());
            tracing::info_span!("http", http.method = %req.method(), http.route = %route)
        }))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(CatchPanicLayer::custom(error::panic_response))
        // Outside the body limit, timeout and panic layers, so their answers are rewritten too.
        .layer(axum::middleware::from_fn(error::problem_bodies))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        ))
        // Outermost, so timeouts, oversized bodies and panics are covered as well.
        .layer(axum::middleware::from_fn(no_store))
}

/// Whether a response to `path` may hold tenant data or secrets: everything (API answers,
/// pages, calendar feeds, one-time link pages) except the public OpenAPI document, the
/// health check and the UI's static files.
fn private_path(path: &str) -> bool {
    !(path == "/api/openapi.json"
        || path == "/healthz"
        || path.starts_with("/static/")
        || path.starts_with(error::PROBLEM_PATH))
}

/// Marks private responses `Cache-Control: no-store`, so neither a shared proxy nor the
/// browser's disk cache keeps a copy after logout. Decided by path rather than per handler so
/// a new route cannot forget it.
async fn no_store(req: Request, next: Next) -> Response {
    let private = private_path(req.uri().path());
    let mut res = next.run(req).await;
    if private {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Security headers on every response: no framing, no sniffing, no referrers, no inline
/// script or style.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Powerful browser features none of our pages use, denied so injected or framed content
/// cannot ask for them either.
const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()";

/// A bound server, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Binds `addr` (port 0 picks a free port).
    pub async fn bind(addr: SocketAddr, state: AppState) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        // The stand-in password hash is made before the first request needs it.
        if let Err(e) = entente_core::auth::warm_up().await {
            tracing::warn!(error.cause = %entente_core::error_chain(&e), "password hashing warm-up failed");
        }
        Ok(Self {
            listener,
            router: router(state),
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then drains in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Connect info gives handlers the peer address (sign-in throttling, token audit).
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received; draining requests");
}
