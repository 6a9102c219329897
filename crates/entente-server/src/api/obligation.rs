//! Obligation endpoints: portfolio list with due filters, create under an agreement, read,
//! status and owner changes, delete.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, AppQuery, Result};
use crate::etag;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use entente_domain::access::Permission;
use entente_domain::obligation::{NewObligation, Obligation};
use entente_domain::query::{ObligationQuery, ObligationQueryText};
use entente_domain::{AgreementId, ObligationId};
use entente_store::ObligationPatch;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_obligations))
        .routes(routes!(create_obligation))
        .routes(routes!(
            get_obligation,
            update_obligation,
            delete_obligation
        ))
}

/// Obligation filters as the query string gives them; all optional. Read into an
/// [`ObligationQuery`] before the store sees them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ObligationFilter {
    /// Only this agreement.
    #[param(value_type = Option<entente_domain::AgreementId>)]
    agreement_id: Option<String>,
    /// Status.
    #[param(value_type = Option<entente_domain::obligation::ObligationStatus>)]
    status: Option<String>,
    /// Owner e-mail.
    owner: Option<String>,
    /// Has an overdue occurrence: one due before today (within the last year, for a recurring
    /// duty) that is neither done nor waived, and not history (due before its agreement's
    /// tracking began).
    overdue: Option<bool>,
    /// Not done or waived, and due within this many days from today (0..=36600).
    #[param(minimum = 0, maximum = 36600)]
    due_within_days: Option<u32>,
    /// Only vague duties (no metric, no deadline).
    vague: Option<bool>,
    /// The day windows count from (default: today in the tenant's time zone).
    #[param(value_type = Option<entente_domain::Date>)]
    today: Option<String>,
    /// Only obligations changed at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    updated_since: Option<String>,
}

impl TryFrom<&ObligationFilter> for ObligationQuery {
    type Error = entente_domain::ValidationErrors;

    fn try_from(f: &ObligationFilter) -> std::result::Result<Self, Self::Error> {
        ObligationQuery::try_from(ObligationQueryText {
            agreement_id: f.agreement_id.as_deref(),
            status: f.status.as_deref(),
            owner: f.owner.as_deref(),
            overdue: f.overdue,
            due_within_days: f.due_within_days,
            vague: f.vague,
            today: f.today.as_deref(),
        })
    }
}

#[utoipa::path(get, path = "/api/obligations", tag = "obligations", params(ObligationFilter),
    responses((status = 200, body = Vec<Obligation>), (status = 422, body = crate::error::Problem)))]
async fn list_obligations(
    State(s): State<AppState>,
    caller: Caller,
    AppQuery(f): AppQuery<ObligationFilter>,
) -> Result<Json<Vec<Obligation>>> {
    let actor = caller.require(Permission::Read)?;
    let (mut query, since) = super::agreement::with_updated_since(
        ObligationQuery::try_from(&f),
        f.updated_since.as_deref(),
    )?;
    query.updated_since = since;
    Ok(Json(s.store.list_obligations(actor, &query).await?))
}

#[utoipa::path(post, path = "/api/agreements/{id}/obligations", tag = "obligations", params(("id" = AgreementId, Path)),
    request_body = NewObligation,
    responses((status = 201, body = Obligation), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn create_obligation(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(o): AppJson<NewObligation>,
) -> Result<super::Created<Obligation>> {
    let actor = caller.require(Permission::WriteAgreements)?;
    let made = s.store.create_obligation(actor, id, &o).await?;
    Ok(super::created(
        format!("/api/obligations/{}", made.id),
        made,
    ))
}

#[utoipa::path(get, path = "/api/obligations/{id}", tag = "obligations", params(("id" = ObligationId, Path)),
    responses((status = 200, body = Obligation), (status = 404, body = crate::error::Problem)))]
async fn get_obligation(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<ObligationId>,
) -> Result<(HeaderMap, Json<Obligation>)> {
    let actor = caller.require(Permission::Read)?;
    let o = s.store.get_obligation(actor, id).await?;
    Ok((etag::header(&o), Json(o)))
}

#[utoipa::path(patch, path = "/api/obligations/{id}", tag = "obligations", params(("id" = ObligationId, Path)), request_body = ObligationPatch,
    responses((status = 200, body = Obligation), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn update_obligation(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<ObligationId>,
    headers: HeaderMap,
    AppJson(p): AppJson<ObligationPatch>,
) -> Result<(HeaderMap, Json<Obligation>)> {
    let actor = caller.require(Permission::UpdateObligations)?;
    // A malformed body is bad input (422) whatever the precondition says, so it is read first.
    p.validate()?;
    if etag::conditional(&headers) {
        etag::check_if_match(&headers, &s.store.get_obligation(actor, id).await?)?;
    }
    let o = s.store.update_obligation(actor, id, &p).await?;
    Ok((etag::header(&o), Json(o)))
}

#[utoipa::path(delete, path = "/api/obligations/{id}", tag = "obligations", params(("id" = ObligationId, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
async fn delete_obligation(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<ObligationId>,
    headers: HeaderMap,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::WriteAgreements)?;
    if etag::conditional(&headers) {
        etag::check_if_match(&headers, &s.store.get_obligation(actor, id).await?)?;
    }
    s.store.delete_obligation(actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
