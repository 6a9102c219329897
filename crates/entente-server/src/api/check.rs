//! Playbook and risk endpoints: check a document, the stored check of an agreement's version and
//! re-checks, portfolio risk and findings, the tenant's playbook and the built-in default.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, AppQuery, Result};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entente_core::CoreError;
use entente_core::check as uc;
use entente_domain::access::Permission;
use entente_domain::agreement::AgreementKind;
use entente_domain::{AgreementId, Timestamp, ValidationError, VersionId};
use entente_playbook::portfolio::Portfolio;
use entente_playbook::{BlindSpot, Playbook, Report, Severity};
use entente_store::{FindingFilter, FindingRow, StoredCheck};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check_document))
        .routes(routes!(get_check, recheck_agreement))
        .routes(routes!(list_checks))
        .routes(routes!(portfolio_risk))
        .routes(routes!(list_findings))
        .routes(routes!(get_playbook, set_playbook))
        .routes(routes!(default_playbook))
}

/// A document to check, without storing it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct CheckRequest {
    /// The document as text (TXT, Markdown or HTML; give `filename` to say which).
    text: Option<String>,
    /// Or the document's bytes, base64-encoded (DOCX, PDF …; `filename` required).
    content_base64: Option<String>,
    /// File name; its extension must match the content (default `document.txt` for text).
    filename: Option<String>,
    /// Check as this kind (default: analysis's guess).
    #[schema(value_type = Option<entente_domain::AgreementKind>)]
    kind: Option<String>,
    /// A playbook (TOML) to check against instead of the tenant's; it may extend the built-in
    /// `cooperation` playbook.
    playbook: Option<String>,
}

#[utoipa::path(post, path = "/api/check", tag = "playbooks", request_body = CheckRequest,
    responses((status = 200, description = "findings with clause and span (or missing), rationale and suggested language, and the risk score by blind spot; nothing is stored", body = Report),
        (status = 413, description = "document too large", body = crate::error::Problem),
        (status = 422, description = "unreadable document, unknown kind, or invalid playbook (each problem with its line)", body = crate::error::Problem)))]
async fn check_document(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(body): AppJson<CheckRequest>,
) -> Result<Json<Report>> {
    let actor = caller.require_internal(Permission::Read)?;
    let (bytes, filename) = match (body.text, body.content_base64) {
        (Some(t), None) => (
            t.into_bytes(),
            body.filename.unwrap_or_else(|| "document.txt".into()),
        ),
        (None, Some(b64)) => {
            let bytes = STANDARD
                .decode(b64.trim())
                .map_err(|e| ValidationError::new("content_base64", format!("not base64: {e}")))?;
            let name = body.filename.ok_or_else(|| {
                ValidationError::new("filename", "give the file name of a base64 document")
            })?;
            (bytes, name)
        }
        _ => {
            return Err(ValidationError::new(
                "text",
                "give the document as `text` or as `content_base64`, not both",
            )
            .into());
        }
    };
    let kind = body
        .kind
        .as_deref()
        .map(AgreementKind::parse)
        .transpose()
        .map_err(|e| e.within("kind"))?;
    let playbook = match body.playbook.as_deref() {
        Some(src) => Playbook::parse(src, "playbook.toml")
            .map_err(|e| CoreError::Validation(uc::playbook_errors(&e)))?,
        None => uc::tenant_playbook(&s.store, actor).await?,
    };
    // The tenant's own entities are "us", as in the check of a stored agreement.
    let us = s.store.own_entities(actor).await?;
    let report = uc::check_document_as(&bytes, &filename, &s.limits, &playbook, kind, &us)?;
    Ok(Json(report))
}

/// Which version's check.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct VersionQuery {
    /// A version (default: the latest version that has a check).
    version_id: Option<VersionId>,
}

#[utoipa::path(get, path = "/api/agreements/{id}/check", tag = "playbooks", params(("id" = AgreementId, Path), VersionQuery),
    responses((status = 200, description = "the check stored with the version (on import, on each new version, or on request)", body = StoredCheck),
        (status = 404, description = "no such agreement, or no check stored for it yet", body = crate::error::Problem)))]
async fn get_check(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppQuery(q): AppQuery<VersionQuery>,
) -> Result<Json<StoredCheck>> {
    let actor = caller.require_internal_item(Permission::Read, "check of agreement", id)?;
    let c = s
        .store
        .latest_check(actor, id, q.version_id)
        .await?
        .ok_or_else(|| CoreError::NotFound {
            entity: "check of agreement",
            id: id.to_string(),
        })?;
    Ok(Json(c))
}

/// What to check again.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub(crate) struct RecheckRequest {
    /// A version (default: the latest).
    #[serde(default)]
    version_id: Option<VersionId>,
}

#[utoipa::path(post, path = "/api/agreements/{id}/check", tag = "playbooks", params(("id" = AgreementId, Path)), request_body = RecheckRequest,
    responses((status = 201, description = "the version checked again with the tenant's playbook and the values people entered; stored with the version", body = StoredCheck),
        (status = 404, description = "no such agreement or version", body = crate::error::Problem),
        (status = 422, description = "the agreement has no document yet", body = crate::error::Problem)))]
async fn recheck_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(body): AppJson<RecheckRequest>,
) -> Result<(StatusCode, Json<StoredCheck>)> {
    let actor = caller.require(Permission::WriteAgreements)?;
    let done = uc::check_agreement(&s.store, actor, id, body.version_id, None, true).await?;
    let stored = s
        .store
        .latest_check(actor, id, Some(done.version_id))
        .await?
        .ok_or_else(|| CoreError::internal("a stored check vanished"))?;
    Ok((StatusCode::CREATED, Json(stored)))
}

#[utoipa::path(get, path = "/api/agreements/{id}/checks", tag = "playbooks", params(("id" = AgreementId, Path)),
    responses((status = 200, description = "every check of the agreement, newest first", body = Vec<StoredCheck>),
        (status = 404, description = "no such agreement", body = crate::error::Problem)))]
async fn list_checks(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Vec<StoredCheck>>> {
    let actor = caller.require_internal_item(Permission::Read, "checks of agreement", id)?;
    Ok(Json(s.store.list_checks(actor, id).await?))
}

#[utoipa::path(get, path = "/api/portfolio/risk", tag = "playbooks",
    responses((status = 200, description = "the latest check of every agreement the caller sees: overall, score distribution, by kind, by counterparty, by owner, riskiest", body = Portfolio)))]
async fn portfolio_risk(State(s): State<AppState>, caller: Caller) -> Result<Json<Portfolio>> {
    let actor = caller.require_internal(Permission::Read)?;
    Ok(Json(uc::portfolio(&s.store, actor).await?))
}

/// Which findings.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FindingQuery {
    /// Only this agreement's findings (an agreement the caller may not see has none).
    agreement_id: Option<AgreementId>,
    /// ambiguous_obligations, static_document, poor_risk_allocation, missing_exit,
    /// missing_enforcement or other.
    #[param(value_type = Option<entente_playbook::BlindSpot>)]
    blind_spot: Option<String>,
    /// A rule id, e.g. `risk.liability-limited`.
    rule_id: Option<String>,
    /// Only findings at least this severe (info, low, medium, high, critical).
    #[param(value_type = Option<entente_playbook::Severity>)]
    min_severity: Option<String>,
    /// At most this many (default 200, at most 1000).
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/findings", tag = "playbooks", params(FindingQuery),
    responses((status = 200, description = "findings of the latest check of every agreement the caller sees, most severe first", body = Vec<FindingRow>),
        (status = 422, description = "unknown blind spot or severity", body = crate::error::Problem)))]
async fn list_findings(
    State(s): State<AppState>,
    caller: Caller,
    AppQuery(q): AppQuery<FindingQuery>,
) -> Result<Json<Vec<FindingRow>>> {
    let actor = caller.require_internal(Permission::Read)?;
    if let Some(b) = &q.blind_spot
        && BlindSpot::parse(b).is_none()
    {
        return Err(ValidationError::new(
            "blind_spot",
            format!(
                "{b:?} is not a blind spot ({})",
                BlindSpot::ALL.map(|b| b.as_str()).join(", ")
            ),
        )
        .into());
    }
    let min = q
        .min_severity
        .as_deref()
        .map(|m| {
            Severity::parse(m).ok_or_else(|| {
                ValidationError::new(
                    "min_severity",
                    format!("{m:?} is not a severity (info, low, medium, high, critical)"),
                )
            })
        })
        .transpose()?;
    let filter = FindingFilter {
        agreement_id: q.agreement_id,
        blind_spot: q.blind_spot,
        rule_id: q.rule_id,
        min_severity_rank: min.map(Severity::rank),
        limit: q.limit,
    };
    Ok(Json(s.store.list_findings(actor, &filter).await?))
}

/// One rule, as a playbook listing shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct RuleView {
    id: String,
    kind: String,
    blind_spot: BlindSpot,
    severity: Severity,
    title: String,
    enabled: bool,
    /// Kinds the rule is limited to (empty: all).
    applies_to: Vec<String>,
    /// Kinds with their own settings.
    overrides: Vec<String>,
}

/// A playbook: where it comes from, its rules and its TOML.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PlaybookView {
    /// `tenant` (set through the API) or `builtin`.
    origin: String,
    id: String,
    name: String,
    version: String,
    /// Playbooks it extends (`id@version`, nearest first).
    extends: Vec<String>,
    /// Who set it and when (tenant playbooks).
    set_by: Option<String>,
    set_at: Option<Timestamp>,
    rules: Vec<RuleView>,
    /// The TOML source.
    source: String,
}

fn view(p: &Playbook, origin: &str, set: Option<(String, Timestamp)>) -> PlaybookView {
    PlaybookView {
        origin: origin.to_owned(),
        id: p.id.clone(),
        name: p.name.clone(),
        version: p.version.clone(),
        extends: p.extends.clone(),
        set_by: set.as_ref().map(|s| s.0.clone()),
        set_at: set.map(|s| s.1),
        rules: p
            .rules
            .iter()
            .map(|r| RuleView {
                id: r.id.clone(),
                kind: r.kind.as_str().to_owned(),
                blind_spot: r.blind_spot,
                severity: r.severity,
                title: r.title.clone(),
                enabled: r.enabled,
                applies_to: r.applies_to.iter().map(|k| k.as_str().to_owned()).collect(),
                overrides: r.overrides.keys().map(|k| (*k).to_owned()).collect(),
            })
            .collect(),
        source: p.source.clone(),
    }
}

#[utoipa::path(get, path = "/api/playbook", tag = "playbooks",
    responses((status = 200, description = "the playbook in force for the tenant (the built-in one until a playbook is set)", body = PlaybookView)))]
async fn get_playbook(State(s): State<AppState>, caller: Caller) -> Result<Json<PlaybookView>> {
    let actor = caller.require_internal(Permission::Read)?;
    let p = uc::tenant_playbook(&s.store, actor).await?;
    Ok(Json(match s.store.active_playbook(actor).await? {
        Some(stored) => view(&p, "tenant", Some((stored.created_by, stored.created_at))),
        None => view(&p, "builtin", None),
    }))
}

/// A new playbook for the tenant.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct SetPlaybook {
    /// The playbook (TOML), e.g. one that `extends = "cooperation"` and changes a few rules.
    source: String,
}

#[utoipa::path(put, path = "/api/playbook", tag = "playbooks", request_body = SetPlaybook,
    responses((status = 200, description = "the playbook now in force; later imports and checks use it (earlier ones keep the playbook they were checked with)", body = PlaybookView),
        (status = 422, description = "invalid playbook: each problem names its line, column and what to fix", body = crate::error::Problem)))]
async fn set_playbook(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(body): AppJson<SetPlaybook>,
) -> Result<Json<PlaybookView>> {
    let actor = caller.require(Permission::ManagePlaybooks)?;
    let (p, stored) = uc::set_tenant_playbook(&s.store, actor, &body.source).await?;
    Ok(Json(view(
        &p,
        "tenant",
        Some((stored.created_by, stored.created_at)),
    )))
}

#[utoipa::path(get, path = "/api/playbook/default", tag = "playbooks",
    responses((status = 200, description = "the built-in cooperation playbook, a starting point to copy or extend", body = PlaybookView)))]
async fn default_playbook(caller: Caller) -> Result<Json<PlaybookView>> {
    caller.require_internal(Permission::Read)?;
    Ok(Json(view(
        entente_playbook::default_playbook(),
        "builtin",
        None,
    )))
}
