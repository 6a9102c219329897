//! Drafting endpoints: the templates with their variable schema, a preview of a draft
//! (nothing stored), creating a draft agreement, and a draft's clause positions.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, Result};
use axum::Json;
use axum::extract::State;
use entente_core::draft::{self as uc, DraftPositions, Drafted, Switched, TemplateInfo};
use entente_domain::AgreementId;
use entente_domain::access::Permission;
use entente_template::DraftRequest;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates))
        .routes(routes!(preview_draft))
        .routes(routes!(create_draft))
        .routes(routes!(get_positions, switch_position))
}

type P = crate::error::Problem;

#[utoipa::path(get, path = "/api/templates", tag = "drafting",
    responses((status = 200, description = "every template with its variables (type, constraints, default) and the clauses that have fallback positions", body = Vec<TemplateInfo>)))]
async fn list_templates(caller: Caller) -> Result<Json<Vec<TemplateInfo>>> {
    // The clause library's guidance is the organisation's negotiating position.
    caller.require_internal(Permission::Read)?;
    Ok(Json(uc::templates(uc::catalogue()?)))
}

/// A draft to assemble: the template, its variables and any clause positions.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct DraftBody {
    /// Template id, e.g. `technology-integration`.
    template: String,
    /// Variable values by name, shaped per type: text, a date `2027-03-01`, a duration
    /// `90 days`, money `{"amount": "240000", "currency": "EUR"}`, a party object (legal_name,
    /// short_name, jurisdiction, address, notice_email), a list of parties, a boolean, a list
    /// of texts.
    #[serde(default)]
    #[schema(value_type = Object)]
    variables: serde_json::Map<String, serde_json::Value>,
    /// Clause id → position id (default: each clause's preferred position).
    #[serde(default)]
    positions: BTreeMap<String, String>,
    /// Owner e-mail of the stored draft (creation only).
    #[serde(default)]
    owner: Option<String>,
}

impl DraftBody {
    fn request(&self) -> DraftRequest {
        DraftRequest {
            values: self.variables.clone(),
            positions: self.positions.clone(),
        }
    }
}

/// A draft as it would read.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Preview {
    /// Template id and version (`technology-integration@1.0`).
    template: String,
    /// Title of the agreement.
    title: String,
    /// The draft as a standalone HTML page.
    html: String,
    /// Each clause's position.
    #[schema(value_type = Vec<entente_core::draft::ChosenPositionSchema>)]
    positions: Vec<entente_template::ChosenPosition>,
}

#[utoipa::path(post, path = "/api/drafts/preview", tag = "drafting", request_body = DraftBody,
    responses((status = 200, description = "the draft rendered as HTML; nothing is stored", body = Preview),
        (status = 422, description = "unknown template or invalid variables; `errors` names each variable (`positions.<clause>` for a position)", body = P)))]
async fn preview_draft(caller: Caller, AppJson(body): AppJson<DraftBody>) -> Result<Json<Preview>> {
    caller.require(Permission::WriteAgreements)?;
    let d = uc::assemble(uc::catalogue()?, &body.template, &body.request())?;
    Ok(Json(Preview {
        template: format!("{}@{}", d.template, d.template_version),
        title: d.title.clone(),
        html: entente_render::html(&d.document),
        positions: d.positions,
    }))
}

#[utoipa::path(post, path = "/api/drafts", tag = "drafting", request_body = DraftBody,
    responses((status = 201, description = "the draft agreement (status draft) with its DOCX as version 1, its parties, terms and obligations from the variables, and its playbook check; `blocking` findings keep it from review without an override", body = Drafted),
        (status = 422, description = "unknown template or invalid variables; `errors` names each variable and nothing is stored", body = P)))]
async fn create_draft(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(body): AppJson<DraftBody>,
) -> Result<super::Created<Drafted>> {
    let actor = caller.require(Permission::WriteAgreements)?;
    let req = body.request();
    let d = uc::assemble(uc::catalogue()?, &body.template, &req)?;
    let made = uc::create_draft(&s.store, actor, &d, &req, body.owner.clone()).await?;
    Ok(super::created(
        format!("/api/agreements/{}", made.agreement_id),
        made,
    ))
}

#[utoipa::path(get, path = "/api/agreements/{id}/positions", tag = "drafting", params(("id" = AgreementId, Path)),
    responses((status = 200, description = "each clause of the template draft with its position and the positions it could take", body = DraftPositions),
        (status = 422, description = "the agreement was not drafted from a template", body = P)))]
async fn get_positions(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<DraftPositions>> {
    let actor = caller.require_internal_item(Permission::Read, "positions of agreement", id)?;
    Ok(Json(
        uc::positions(&s.store, actor, uc::catalogue()?, id).await?,
    ))
}

/// A clause switched to another position.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct PositionChoice {
    /// Clause id, e.g. `liability.cap`.
    clause: String,
    /// `preferred` or a fallback's id, e.g. `two-times`.
    position: String,
}

#[utoipa::path(post, path = "/api/agreements/{id}/positions", tag = "drafting", params(("id" = AgreementId, Path)), request_body = PositionChoice,
    responses((status = 200, description = "the text re-assembled with the position as a new version, the terms it changed, the choice in the audit trail (`draft.position`) and the new playbook check", body = Switched),
        (status = 422, description = "unknown clause or position (the message names it and lists the valid ones), the position already chosen, or the agreement is not a template draft; nothing changes", body = P)))]
async fn switch_position(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(b): AppJson<PositionChoice>,
) -> Result<Json<Switched>> {
    let actor = caller.require(Permission::WriteAgreements)?;
    Ok(Json(
        uc::switch_position(
            &s.store,
            actor,
            uc::catalogue()?,
            id,
            &b.clause,
            &b.position,
        )
        .await?,
    ))
}
