//! Review queue endpoints: extracted values below the tenant's confidence threshold, the
//! threshold itself, and a person's confirmation of a value (a correction is `PUT …/terms/{field}`).

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, Result};
use axum::Json;
use axum::extract::State;
use entente_domain::AgreementId;
use entente_domain::access::Permission;
use entente_domain::agreement::Agreement;
use entente_domain::terms::{ReviewItem, ReviewSettings, TermField};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(review_queue))
        .routes(routes!(get_review_settings, set_review_settings))
        .routes(routes!(confirm_term))
}

type P = crate::error::Problem;

/// The values to review and the threshold that selected them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ReviewQueue {
    /// Extracted values with a confidence below this are listed.
    threshold: f32,
    /// Least sure first, at most 500.
    items: Vec<ReviewItem>,
}

#[utoipa::path(get, path = "/api/review", tag = "agreements",
    responses((status = 200, description = "extracted term values of the agreements the caller sees whose confidence is below the tenant's threshold, least sure first (at most 500); a value leaves the queue when a person confirms or corrects it", body = ReviewQueue)))]
async fn review_queue(State(s): State<AppState>, caller: Caller) -> Result<Json<ReviewQueue>> {
    let actor = caller.require_internal(Permission::Read)?;
    let threshold = s.store.review_settings(actor).await?.threshold;
    let items = s.store.review_queue(actor).await?;
    Ok(Json(ReviewQueue { threshold, items }))
}

#[utoipa::path(get, path = "/api/review-settings", tag = "agreements",
    responses((status = 200, description = "the tenant's review threshold (0.9 until set)", body = ReviewSettings)))]
async fn get_review_settings(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<ReviewSettings>> {
    let actor = caller.require_internal(Permission::Read)?;
    Ok(Json(s.store.review_settings(actor).await?))
}

#[utoipa::path(put, path = "/api/review-settings", tag = "agreements", request_body = ReviewSettings,
    responses((status = 200, description = "the threshold now in force", body = ReviewSettings),
        (status = 422, description = "threshold not from 0 to 1", body = P)))]
async fn set_review_settings(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(body): AppJson<ReviewSettings>,
) -> Result<Json<ReviewSettings>> {
    let actor = caller.require(Permission::Govern)?;
    s.store.set_review_settings(actor, &body).await?;
    Ok(Json(s.store.review_settings(actor).await?))
}

/// A confirmation of an extracted value.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub(crate) struct Confirmation {
    /// Why, if the reviewer says (default "confirmed as extracted").
    #[serde(default)]
    note: Option<String>,
}

#[utoipa::path(post, path = "/api/agreements/{id}/terms/{field}/confirmation", tag = "agreements",
    params(("id" = AgreementId, Path), ("field" = TermField, Path)), request_body = Confirmation,
    responses((status = 200, description = "the value is now the reviewer's (source `user`, with who and when), off the review queue and kept by re-analysis; audited as `term.confirm`", body = Agreement),
        (status = 404, description = "no such agreement, or no value for the field", body = P),
        (status = 409, description = "a person already entered or confirmed this value", body = P),
        (status = 422, description = "unknown field", body = P)))]
async fn confirm_term(
    State(s): State<AppState>,
    caller: Caller,
    AppPath((id, field)): AppPath<(AgreementId, String)>,
    AppJson(body): AppJson<Confirmation>,
) -> Result<Json<Agreement>> {
    let actor = caller.require(Permission::WriteAgreements)?;
    let field = TermField::parse(&field).map_err(|e| e.within("field"))?;
    s.store.confirm_term(actor, id, field, body.note).await?;
    Ok(Json(s.store.get_agreement(actor, id).await?))
}
