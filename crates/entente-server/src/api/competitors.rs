//! Competitor context endpoints: whether an agreement's parties compete, in which markets and
//! with what combined share, as a person entered it for the competition-law screen.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, Result};
use axum::Json;
use axum::extract::State;
use entente_domain::AgreementId;
use entente_domain::access::Permission;
use entente_domain::competition::CompetitorInput;
use entente_store::StoredCompetitors;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_competitors, set_competitors))
}

/// An agreement's competitor context.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CompetitorsRead {
    /// The agreement.
    agreement_id: AgreementId,
    /// The context, `null` when nobody has entered one.
    competitors: Option<StoredCompetitors>,
}

#[utoipa::path(get, path = "/api/agreements/{id}/competitors", tag = "playbooks",
    params(("id" = AgreementId, Path)),
    responses((status = 200, description = "whether the parties compete, in which markets and with what combined share (null when not entered)", body = CompetitorsRead),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
async fn get_competitors(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<CompetitorsRead>> {
    let actor = caller.require_internal_item(Permission::Read, "agreement", id)?;
    Ok(Json(CompetitorsRead {
        agreement_id: id,
        competitors: entente_core::competitors::competitors(&s.store, actor, id).await?,
    }))
}

#[utoipa::path(put, path = "/api/agreements/{id}/competitors", tag = "playbooks",
    params(("id" = AgreementId, Path)), request_body = CompetitorInput,
    responses((status = 200, description = "the context now stored (the change is in the audit trail and the agreement is re-checked)", body = CompetitorsRead),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 422, description = "each wrong field named (competing, markets[i], combined_share); nothing is stored", body = crate::error::Problem)))]
async fn set_competitors(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(body): AppJson<CompetitorInput>,
) -> Result<Json<CompetitorsRead>> {
    let actor = caller.require_internal(Permission::WriteAgreements)?;
    let stored = entente_core::competitors::set_competitors(&s.store, actor, id, body).await?;
    Ok(Json(CompetitorsRead {
        agreement_id: id,
        competitors: Some(stored),
    }))
}
