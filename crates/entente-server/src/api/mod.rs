//! The JSON API: one module per resource, each handler one use-case call. Routes are
//! registered through utoipa-axum so the OpenAPI document cannot drift from the router.

pub(crate) mod account;
mod agreement;
mod alert;
mod audit;
mod calendar;
mod check;
mod competitors;
mod document;
mod download;
mod draft;
mod lifecycle;
mod obligation;
mod party;
mod review;

pub(crate) use download::SERVED as SERVED_DOWNLOAD_TYPES;

use crate::AppState;
use crate::error::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(title = "Entente API", description = "Contract lifecycle management for cooperation agreements. Errors are RFC 9457 problem documents (application/problem+json)."),
    components(schemas(Problem, entente_domain::terms::TermField, entente_domain::AgreementId, entente_domain::PartyId, entente_domain::ObligationId, entente_domain::VersionId, entente_domain::ClauseId, entente_domain::DisputeId, entente_domain::AmendmentId, entente_domain::SignatureId, entente_domain::ReviewId, entente_domain::TerminationId)),
    tags(
        (name = "agreements", description = "Agreements, their terms and lifecycle"),
        (name = "documents", description = "Document versions, clauses and search"),
        (name = "drafting", description = "Templates with their variable schema, draft previews, drafts from templates and their clause positions"),
        (name = "parties", description = "Legal entities"),
        (name = "obligations", description = "Duties and their status"),
        (name = "lifecycle", description = "Transitions, approvals, signatures, amendments and redlines, reviews, termination and disputes"),
        (name = "audit", description = "The tamper-evident audit trail"),
        (name = "playbooks", description = "Playbook checks: findings, risk scores by blind spot, portfolio risk, the tenant's playbook"),
        (name = "key dates", description = "Key dates with derivations, and deadlines across the portfolio"),
        (name = "alerts", description = "Alert settings, alerts, inbox, watchers, webhooks, delivery log and calendar feeds"),
        (name = "access", description = "Sessions, API tokens, users and per-agreement access"),
    )
)]
struct ApiDoc;

/// Every API route with its OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(account::router())
        .merge(agreement::router())
        .merge(document::router())
        .merge(draft::router())
        .merge(party::router())
        .merge(obligation::router())
        .merge(lifecycle::router())
        .merge(audit::router())
        .merge(alert::router())
        .merge(calendar::router())
        .merge(check::router())
        .merge(competitors::router())
        .merge(review::router())
}

/// A 201 answer with `Location` naming the resource it made (RFC 9110 §15.3.2).
pub(crate) type Created<T> = (StatusCode, [(axum::http::HeaderName, String); 1], Json<T>);

/// Answers 201 with `Location: location` and the new resource.
pub(crate) fn created<T>(location: String, body: T) -> Created<T> {
    (
        StatusCode::CREATED,
        [(axum::http::header::LOCATION, location)],
        Json(body),
    )
}

/// Liveness and database reachability.
pub(crate) async fn healthz(
    State(state): State<AppState>,
) -> (StatusCode, Json<serde_json::Value>) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))),
        Err(e) => {
            tracing::error!(error.cause = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "database unavailable" })),
            )
        }
    }
}
