//! Party endpoints: list, read, correct.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, AppQuery, Result};
use axum::Json;
use axum::extract::State;
use entente_domain::PartyId;
use entente_domain::access::Permission;
use entente_domain::party::Party;
use entente_store::PartyPatch;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_parties))
        .routes(routes!(get_party, update_party))
}

/// Party search.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PartyQuery {
    /// Part of the legal name.
    q: Option<String>,
}

#[utoipa::path(get, path = "/api/parties", tag = "parties", params(PartyQuery), responses((status = 200, body = Vec<Party>)))]
async fn list_parties(
    State(s): State<AppState>,
    caller: Caller,
    AppQuery(q): AppQuery<PartyQuery>,
) -> Result<Json<Vec<Party>>> {
    let actor = caller.require(Permission::Read)?;
    Ok(Json(s.store.list_parties(actor, q.q.as_deref()).await?))
}

#[utoipa::path(get, path = "/api/parties/{id}", tag = "parties", params(("id" = PartyId, Path)),
    responses((status = 200, body = Party), (status = 404, body = crate::error::Problem)))]
async fn get_party(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<PartyId>,
) -> Result<Json<Party>> {
    let actor = caller.require(Permission::Read)?;
    Ok(Json(s.store.get_party(actor, id).await?))
}

#[utoipa::path(patch, path = "/api/parties/{id}", tag = "parties", params(("id" = PartyId, Path)), request_body = PartyPatch,
    responses((status = 200, body = Party), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn update_party(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<PartyId>,
    AppJson(p): AppJson<PartyPatch>,
) -> Result<Json<Party>> {
    let actor = caller.require(Permission::WriteAgreements)?;
    Ok(Json(s.store.update_party(actor, id, &p).await?))
}
