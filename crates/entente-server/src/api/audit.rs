//! Audit endpoints: an agreement's trail, and verification of the tenant's chain.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppPath, Result};
use axum::Json;
use axum::extract::State;
use entente_domain::AgreementId;
use entente_domain::access::Permission;
use entente_domain::audit::AuditEvent;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(agreement_audit))
        .routes(routes!(verify_audit))
}

#[utoipa::path(get, path = "/api/agreements/{id}/audit", tag = "audit", params(("id" = AgreementId, Path)),
    responses((status = 200, body = Vec<AuditEvent>), (status = 404, body = crate::error::Problem)))]
async fn agreement_audit(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Vec<AuditEvent>>> {
    let actor =
        caller.require_internal_item(Permission::ReadAudit, "audit trail of agreement", id)?;
    // The store answers not-found for an agreement the caller may not see.
    let events = s.store.list_audit(actor, Some(id)).await?;
    Ok(Json(events))
}

/// The outcome of re-checking the audit chain.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Verification {
    /// True when every link holds.
    intact: bool,
    /// First broken event, if any.
    broken_at: Option<u64>,
    /// What is wrong there.
    reason: Option<String>,
}

#[utoipa::path(get, path = "/api/audit/verify", tag = "audit", responses((status = 200, body = Verification)))]
async fn verify_audit(State(s): State<AppState>, caller: Caller) -> Result<Json<Verification>> {
    let actor = caller.require_internal(Permission::ReadAudit)?;
    let b = s.store.verify_audit(actor.org).await?;
    Ok(Json(Verification {
        intact: b.is_none(),
        broken_at: b.as_ref().map(|b| b.seq),
        reason: b.map(|b| b.reason),
    }))
}
