//! One mapping from failures to HTTP: RFC 9457 problem+json bodies that say what to fix for
//! 4xx, and say nothing internal for 5xx (the cause is logged once, here).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use entente_core::CoreError;
use entente_domain::{ValidationError, ValidationErrors};
use entente_store::StoreError;
use serde::Serialize;

/// Result alias for handlers.
pub(crate) type Result<T, E = ApiError> = std::result::Result<T, E>;

/// A failed request.
#[derive(Debug)]
pub(crate) struct ApiError(CoreError);

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        Self(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self(e.into())
    }
}

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        Self(CoreError::Validation(e.into()))
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        Self(CoreError::Validation(e))
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Problem {
    /// Problem type URI.
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// Short summary.
    pub(crate) title: String,
    /// HTTP status.
    pub(crate) status: u16,
    /// What went wrong, and what to fix.
    pub(crate) detail: String,
    /// Field errors, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) errors: Vec<ValidationError>,
}

pub(crate) fn problem(
    status: StatusCode,
    kind: &str,
    detail: String,
    errors: Vec<ValidationError>,
) -> Response {
    let body = Problem {
        kind: format!("https://entente.invalid/problems/{kind}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors,
    };
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/problem+json"),
    );
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self.0 {
            CoreError::Validation(v) => {
                let detail = v.to_string();
                problem(StatusCode::UNPROCESSABLE_ENTITY, "validation", detail, v.0)
            }
            CoreError::Document(e) => {
                let status = if matches!(e, entente_analysis::IngestError::TooLarge { .. }) {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                problem(status, "document", e.to_string(), Vec::new())
            }
            CoreError::NotFound { entity, id } => problem(
                StatusCode::NOT_FOUND,
                "not-found",
                format!("{entity} {id} not found"),
                Vec::new(),
            ),
            CoreError::Unauthorized(m) => {
                problem(StatusCode::UNAUTHORIZED, "unauthorized", m, Vec::new())
            }
            CoreError::Throttled {
                message,
                retry_after,
            } => {
                let mut res = problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "throttled",
                    message,
                    Vec::new(),
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
                res
            }
            CoreError::Forbidden(m) => problem(StatusCode::FORBIDDEN, "forbidden", m, Vec::new()),
            CoreError::Conflict(m) => problem(StatusCode::CONFLICT, "conflict", m, Vec::new()),
            CoreError::Internal(cause) => {
                tracing::error!(error.cause = %cause, "request failed");
                problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server failed; the cause is in its log".into(),
                    Vec::new(),
                )
            }
        }
    }
}

/// Unknown routes get a problem document too.
pub(crate) async fn not_found(uri: axum::http::Uri) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not-found",
        format!("no route for {}", uri.path()),
        Vec::new(),
    )
}

/// A panic in a handler becomes a plain 500 (and is logged), never a dropped connection.
pub(crate) fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server failed; the cause is in its log".into(),
        Vec::new(),
    )
}

/// JSON body extractor whose rejections are problem documents naming the fault.
pub(crate) struct AppJson<T>(pub(crate) T);

impl<S, T> axum::extract::FromRequest<S> for AppJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(
        req: axum::extract::Request,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rej) => {
                let status = rej.status();
                Err(problem(status, "bad-request", rej.body_text(), Vec::new()))
            }
        }
    }
}

/// Query extractor with problem-document rejections.
pub(crate) struct AppQuery<T>(pub(crate) T);

impl<S, T> axum::extract::FromRequestParts<S> for AppQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(rej) => Err(problem(
                StatusCode::BAD_REQUEST,
                "bad-request",
                rej.body_text(),
                Vec::new(),
            )),
        }
    }
}

/// Path extractor with problem-document rejections (a malformed id is a 404: it names nothing).
pub(crate) struct AppPath<T>(pub(crate) T);

impl<S, T> axum::extract::FromRequestParts<S> for AppPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(rej) => Err(problem(
                StatusCode::NOT_FOUND,
                "not-found",
                rej.body_text(),
                Vec::new(),
            )),
        }
    }
}
