//! Party endpoints: list, read, correct; and the tenant's own legal entities, which are not
//! counterparties.

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
        .routes(routes!(get_own_entities, set_own_entities))
}

/// The tenant's own legal entities: its company's legal names and aliases.
#[derive(Debug, serde::Serialize, Deserialize, utoipa::ToSchema)]
pub(crate) struct OwnEntities {
    /// Legal names and aliases, e.g. `["Northwind Trading Limited", "Northwind"]`; matched as
    /// party names are (case, punctuation, a leading "the" and legal forms ignored).
    names: Vec<String>,
}

#[utoipa::path(get, path = "/api/own-entities", tag = "parties",
    responses((status = 200, description = "the tenant's own legal entities, left out of counterparty filters and reports", body = OwnEntities)))]
async fn get_own_entities(State(s): State<AppState>, caller: Caller) -> Result<Json<OwnEntities>> {
    let actor = caller.require_internal(Permission::Read)?;
    Ok(Json(OwnEntities {
        names: s.store.own_entities(actor).await?,
    }))
}

#[utoipa::path(put, path = "/api/own-entities", tag = "parties", request_body = OwnEntities,
    responses((status = 200, description = "the names now declared (one per match key, first spelling kept)", body = OwnEntities),
        (status = 422, description = "a name is blank or too long (named by index), or more than 50", body = crate::error::Problem)))]
async fn set_own_entities(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(b): AppJson<OwnEntities>,
) -> Result<Json<OwnEntities>> {
    let actor = caller.require(Permission::ManageUsers)?;
    Ok(Json(OwnEntities {
        names: s.store.set_own_entities(actor, &b.names).await?,
    }))
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
