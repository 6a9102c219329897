//! `Idempotency-Key` on the requests that create: the first successful answer is kept with the
//! key for 24 hours and replayed for a retry with the same key and request.

use crate::AppState;
use crate::error::problem;
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use entente_domain::ValidationError;
use entente_store::{IdempotentAnswer, Reservation};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::Arc;

/// The request header.
pub(crate) const HEADER: &str = "idempotency-key";
/// Set on a replayed answer.
pub(crate) const REPLAYED: &str = "idempotent-replayed";
/// Longest key accepted.
const MAX_KEY: usize = 255;

/// The route templates of the POST operations that create (those documented with a 201).
#[derive(Debug, Clone, Default)]
pub(crate) struct Creates(pub(crate) Arc<HashSet<String>>);

/// The middleware; see the module documentation. Requests without the header, and POSTs that
/// do not create, pass through untouched.
pub(crate) async fn idempotent(
    State((state, creates)): State<(AppState, Creates)>,
    req: Request,
    next: Next,
) -> Response {
    let Some(raw) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    let creating = req.method() == axum::http::Method::POST
        && req
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|p| creates.0.contains(p.as_str()));
    if !creating {
        return next.run(req).await;
    }
    let key = match raw.to_str() {
        Ok(k)
            if !k.is_empty()
                && k.len() <= MAX_KEY
                && k.bytes().all(|b| (0x21..0x7f).contains(&b)) =>
        {
            k.to_owned()
        }
        _ => {
            let message = format!("must be 1..={MAX_KEY} visible ASCII characters");
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                format!("Idempotency-Key: {message}"),
                vec![ValidationError::new("Idempotency-Key", message)],
            );
        }
    };
    // Keys belong to a credential; without one the request is refused further on anyway.
    let Some(caller) = credential(&req, &state) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "the request body is larger than the server accepts".into(),
            Vec::new(),
        );
    };
    let fingerprint = request_hash(&parts, &bytes);
    let reservation = match state
        .store
        .reserve_idempotency_key(&caller, &key, &fingerprint)
        .await
    {
        Ok(r) => r,
        Err(entente_store::StoreError::Conflict(_)) => Reservation::InProgress,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    match reservation {
        Reservation::Replay(answer) => replay(answer),
        Reservation::Mismatch => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused",
            "this Idempotency-Key was used in the last 24 hours for a different request; send \
             a new key for a new request"
                .into(),
            vec![ValidationError::new(
                "Idempotency-Key",
                "was used for a different request",
            )],
        ),
        Reservation::InProgress => problem(
            StatusCode::CONFLICT,
            "idempotency-key-in-progress",
            "the first request with this Idempotency-Key is still running; retry later".into(),
            Vec::new(),
        ),
        Reservation::Fresh => {
            let res = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            keep(&state, &caller, &key, res).await
        }
    }
}

/// Keeps a successful answer with the key (and lets the key go otherwise, so a retry runs).
async fn keep(state: &AppState, caller: &str, key: &str, res: Response) -> Response {
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_else(|_| Bytes::new());
    let text = std::str::from_utf8(&bytes).ok();
    let header_text = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let stored = match text {
        Some(body) if parts.status.is_success() => {
            let answer = IdempotentAnswer {
                status: parts.status.as_u16(),
                content_type: header_text(header::CONTENT_TYPE),
                location: header_text(header::LOCATION),
                body: body.to_owned(),
            };
            state
                .store
                .complete_idempotency_key(caller, key, &answer)
                .await
        }
        _ => state.store.release_idempotency_key(caller, key).await,
    };
    if let Err(e) = stored {
        // The answer itself stands; only a retry would run again.
        tracing::error!(error.cause = %entente_core::error_chain(&e), "idempotency key not kept");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(answer: IdempotentAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut res = (status, answer.body).into_response();
    let headers = res.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    for (name, value) in [
        (header::CONTENT_TYPE, answer.content_type),
        (header::LOCATION, answer.location),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, v);
        }
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    res
}

/// A hash of the credential (bearer token or session cookie), naming the caller without
/// keeping the secret.
fn credential(req: &Request, state: &AppState) -> Option<String> {
    let secret = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| format!("authorization:{}", v.trim()))
        .or_else(|| {
            let name = state.session_cookie_name();
            req.headers()
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .map(str::trim)
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .map(|v| format!("session:{v}"))
        })?;
    Some(entente_core::auth::hash_secret(&secret))
}

/// The request as the key's rule compares it: method, target and body.
fn request_hash(parts: &axum::http::request::Parts, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(parts.method.as_str());
    h.update(b"\n");
    h.update(parts.uri.path_and_query().map_or("", |p| p.as_str()));
    h.update(b"\n");
    h.update(body);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
