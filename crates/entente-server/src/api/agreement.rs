//! Agreement endpoints: create, read, list with portfolio filters, update, transition,
//! term corrections, delete.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, AppQueries, Result};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use entente_domain::access::Permission;
use entente_domain::agreement::{Agreement, AgreementDraft, AgreementSummary};
use entente_domain::error::Collector;
use entente_domain::terms::{TermField, Terms};
use entente_domain::{AgreementId, AgreementStatus, Timestamp};
use entente_store::{AgreementFilter, AgreementPatch, Page};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_agreements, create_agreement))
        .routes(routes!(get_agreement, update_agreement, delete_agreement))
        .routes(routes!(transition_agreement))
        .routes(routes!(set_term, clear_term))
}

/// A new agreement: its fields, parties, and optional terms keyed by field name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct CreateAgreement {
    #[serde(flatten)]
    draft: AgreementDraft,
    /// Terms (at most 100), e.g. `{"effective_date": "2026-01-01", "notice_period_non_renewal": "P90D", "liability_cap": {"amount": "500000", "currency": "EUR"}}`.
    #[serde(default)]
    terms: BTreeMap<String, serde_json::Value>,
}

/// A page of agreements.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AgreementPage {
    items: Vec<AgreementSummary>,
    total: u64,
    limit: u32,
    offset: u32,
}

#[utoipa::path(get, path = "/api/agreements", tag = "agreements", params(AgreementFilter, Page),
    responses((status = 200, body = AgreementPage), (status = 422, body = crate::error::Problem)))]
async fn list_agreements(
    State(s): State<AppState>,
    caller: Caller,
    AppQueries(filter, page): AppQueries<AgreementFilter, Page>,
) -> Result<Json<AgreementPage>> {
    let actor = caller.require(Permission::Read)?;
    let (items, total) = s.store.list_agreements(actor, &filter, page).await?;
    Ok(Json(AgreementPage {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

#[utoipa::path(post, path = "/api/agreements", tag = "agreements", request_body = CreateAgreement,
    responses((status = 201, body = Agreement), (status = 422, description = "invalid input; `errors` names each field", body = crate::error::Problem)))]
async fn create_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(body): AppJson<CreateAgreement>,
) -> Result<(StatusCode, Json<Agreement>)> {
    let actor = caller.require(Permission::WriteAgreements)?;
    // Sizes first: nothing else is looked at in an oversized request.
    body.draft.check_sizes()?;
    entente_domain::error::check_len(
        "terms",
        body.terms.len(),
        entente_domain::agreement::MAX_TERMS,
    )?;
    let terms = user_terms(&body.terms, &actor.name, s.store.now())?;
    let new = body.draft.validate(terms)?;
    let id = s.store.create_agreement(actor, &new).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.store.get_agreement(actor, id).await?),
    ))
}

/// Validates a map of user-entered terms, reporting every bad field.
fn user_terms(raw: &BTreeMap<String, serde_json::Value>, by: &str, at: Timestamp) -> Result<Terms> {
    let mut c = Collector::default();
    let mut t = Terms::default();
    for (k, v) in raw {
        let Some(field) = c.take("terms", TermField::parse(k)) else {
            continue;
        };
        if let Some(value) = c.take("terms", field.parse_value(v)) {
            t.set_user(field, value, by, at, None);
        }
    }
    c.finish()?;
    Ok(t)
}

#[utoipa::path(get, path = "/api/agreements/{id}", tag = "agreements", params(("id" = AgreementId, Path)),
    responses((status = 200, body = Agreement), (status = 404, body = crate::error::Problem)))]
async fn get_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Agreement>> {
    let actor = caller.require(Permission::Read)?;
    Ok(Json(s.store.get_agreement(actor, id).await?))
}

#[utoipa::path(patch, path = "/api/agreements/{id}", tag = "agreements", params(("id" = AgreementId, Path)), request_body = AgreementPatch,
    responses((status = 200, body = Agreement), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn update_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(patch): AppJson<AgreementPatch>,
) -> Result<Json<Agreement>> {
    let actor = caller.require(Permission::WriteAgreements)?;
    s.store.update_agreement(actor, id, &patch).await?;
    Ok(Json(s.store.get_agreement(actor, id).await?))
}

#[utoipa::path(delete, path = "/api/agreements/{id}", tag = "agreements", params(("id" = AgreementId, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
async fn delete_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::DeleteAgreements)?;
    s.store.delete_agreement(actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A lifecycle move.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct Transition {
    /// Target status.
    status: AgreementStatus,
    /// Why (recorded in the audit trail).
    #[serde(default)]
    reason: Option<String>,
}

#[utoipa::path(post, path = "/api/agreements/{id}/transition", tag = "agreements", params(("id" = AgreementId, Path)), request_body = Transition,
    responses((status = 200, body = Agreement), (status = 422, description = "illegal move; the message names the allowed ones", body = crate::error::Problem)))]
async fn transition_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(t): AppJson<Transition>,
) -> Result<Json<Agreement>> {
    let actor = caller.require(Permission::Govern)?;
    s.store
        .transition_agreement(actor, id, t.status, t.reason.as_deref())
        .await?;
    Ok(Json(s.store.get_agreement(actor, id).await?))
}

/// A person's value for one term.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct SetTerm {
    /// The value, shaped per field (date string, ISO duration, bool, money object …).
    value: serde_json::Value,
    /// Why it was entered.
    #[serde(default)]
    note: Option<String>,
}

#[utoipa::path(put, path = "/api/agreements/{id}/terms/{field}", tag = "agreements",
    params(("id" = AgreementId, Path), ("field" = TermField, Path)), request_body = SetTerm,
    responses((status = 200, body = Agreement), (status = 422, body = crate::error::Problem)))]
async fn set_term(
    State(s): State<AppState>,
    caller: Caller,
    AppPath((id, field)): AppPath<(AgreementId, String)>,
    AppJson(body): AppJson<SetTerm>,
) -> Result<Json<Agreement>> {
    let actor = caller.require(Permission::WriteAgreements)?;
    let field = TermField::parse(&field).map_err(|e| e.within("field"))?;
    let value = field.parse_value(&body.value)?;
    s.store.set_term(actor, id, field, value, body.note).await?;
    Ok(Json(s.store.get_agreement(actor, id).await?))
}

#[utoipa::path(delete, path = "/api/agreements/{id}/terms/{field}", tag = "agreements",
    params(("id" = AgreementId, Path), ("field" = TermField, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
async fn clear_term(
    State(s): State<AppState>,
    caller: Caller,
    AppPath((id, field)): AppPath<(AgreementId, String)>,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::WriteAgreements)?;
    let field = TermField::parse(&field).map_err(|e| e.within("field"))?;
    s.store.clear_term(actor, id, field).await?;
    Ok(StatusCode::NO_CONTENT)
}
