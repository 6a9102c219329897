//! Lifecycle and governance endpoints: transition history, approval policy and
//! chains, signatures, amendments with redlines and the consolidated view, reviews,
//! termination notices, disputes, and the audit export of one agreement.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, AppQuery, Result};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use entente_core::governance::{
    VersionRedline, amend_document, audit_csv, give_notice, open_dispute, redline_file,
    redline_versions,
};
use entente_domain::access::Permission;
use entente_domain::amendment::{Amendment, AmendmentDraft};
use entente_domain::approval::{ApprovalChain, ApprovalPolicy, Decision};
use entente_domain::audit::AuditEvent;
use entente_domain::dispute::{Dispute, DisputeDraft, DisputeStatus};
use entente_domain::lifecycle::CloseoutChecklist;
use entente_domain::lifecycle::{
    NoticeInput, Review, ReviewOutcome, Signature, SignatureDraft, TransitionRecord,
};
use entente_domain::{AgreementId, AgreementStatus, Date, DisputeId, Money, Period};
use entente_store::{Actor, AsAmended, TerminationView};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_transitions))
        .routes(routes!(get_approval_policy, set_approval_policy))
        .routes(routes!(get_closeout_checklist, set_closeout_checklist))
        .routes(routes!(list_approvals, submit_for_approval))
        .routes(routes!(decide_approval))
        .routes(routes!(list_signatures, sign_agreement))
        .routes(routes!(list_amendments, amend_agreement))
        .routes(routes!(get_consolidated))
        .routes(routes!(get_redline))
        .routes(routes!(list_reviews, record_review))
        .routes(routes!(get_termination, give_termination_notice))
        .routes(routes!(retire_termination_notice))
        .routes(routes!(list_disputes, create_dispute))
        .routes(routes!(get_dispute))
        .routes(routes!(escalate_dispute))
        .routes(routes!(resolve_dispute))
        .routes(routes!(escalate_due_disputes))
        .routes(routes!(export_audit))
}

type P = crate::error::Problem;

/// The date in `value` (its error names `field`), else today in the actor's tenant.
async fn date_or_today(
    s: &AppState,
    actor: &Actor,
    field: &str,
    value: Option<&str>,
) -> Result<Date> {
    match value.map(Date::parse).transpose() {
        Ok(Some(d)) => Ok(d),
        Ok(None) => Ok(s.store.today(actor).await?),
        Err(e) => Err(e.within(field).into()),
    }
}

#[utoipa::path(get, path = "/api/agreements/{id}/transitions", tag = "lifecycle", params(("id" = AgreementId, Path)),
    responses((status = 200, description = "every move with who, when, why and what caused it, oldest first", body = Vec<TransitionRecord>),
        (status = 404, description = "no such agreement", body = P)))]
async fn list_transitions(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Vec<TransitionRecord>>> {
    let actor = caller.require_internal_item(Permission::Read, "transitions of agreement", id)?;
    Ok(Json(s.store.transitions(actor, id).await?))
}

#[utoipa::path(get, path = "/api/approval-policy", tag = "lifecycle",
    responses((status = 200, description = "the tenant's approval policy (the built-in default until one is set)", body = ApprovalPolicy)))]
async fn get_approval_policy(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<ApprovalPolicy>> {
    let actor = caller.require_internal(Permission::Read)?;
    Ok(Json(s.store.approval_policy(actor).await?))
}

#[utoipa::path(put, path = "/api/approval-policy", tag = "lifecycle", request_body = ApprovalPolicy,
    responses((status = 200, description = "the policy now in force for new approval rounds", body = ApprovalPolicy),
        (status = 422, description = "bad rule (names each)", body = P)))]
async fn set_approval_policy(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(p): AppJson<ApprovalPolicy>,
) -> Result<Json<ApprovalPolicy>> {
    let actor = caller.require(Permission::Govern)?;
    s.store.set_approval_policy(actor, &p).await?;
    Ok(Json(s.store.approval_policy(actor).await?))
}

#[utoipa::path(get, path = "/api/closeout-checklist", tag = "lifecycle",
    responses((status = 200, description = "the tenant's close-out checklist, added to every notice (empty until set)", body = CloseoutChecklist)))]
async fn get_closeout_checklist(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<CloseoutChecklist>> {
    let actor = caller.require_internal(Permission::Read)?;
    Ok(Json(s.store.closeout_checklist(actor).await?))
}

#[utoipa::path(put, path = "/api/closeout-checklist", tag = "lifecycle", request_body = CloseoutChecklist,
    responses((status = 200, description = "the checklist notices given from now on add", body = CloseoutChecklist),
        (status = 422, description = "bad item (names each)", body = P)))]
async fn set_closeout_checklist(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(l): AppJson<CloseoutChecklist>,
) -> Result<Json<CloseoutChecklist>> {
    let actor = caller.require(Permission::Govern)?;
    s.store.set_closeout_checklist(actor, &l).await?;
    Ok(Json(s.store.closeout_checklist(actor).await?))
}

#[utoipa::path(get, path = "/api/agreements/{id}/approvals", tag = "lifecycle", params(("id" = AgreementId, Path)),
    responses((status = 200, description = "every approval round, oldest first: the version it approves (id, number, SHA-256), the chain snapshot and its decisions (each with the version decided on), why a later version superseded it, and warnings about steps required because the contract value is unknown", body = Vec<ApprovalChain>),
        (status = 404, description = "no such agreement", body = P)))]
async fn list_approvals(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Vec<ApprovalChain>>> {
    let actor = caller.require_internal_item(Permission::Read, "approvals of agreement", id)?;
    Ok(Json(s.store.approval_rounds(actor, id).await?))
}

/// A submission for approval.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub(crate) struct Submission {
    /// Note recorded with the move.
    #[serde(default)]
    comment: Option<String>,
    /// Submitting a template draft despite findings at or above the blocking severity: why
    /// (recorded in the audit trail as `draft.override` with the findings).
    #[serde(default, rename = "override")]
    override_reason: Option<String>,
}

#[utoipa::path(post, path = "/api/agreements/{id}/approvals", tag = "lifecycle", params(("id" = AgreementId, Path)), request_body = Submission,
    responses((status = 201, description = "a new approval round from the current policy for the latest version; `warnings` says which steps apply only because the contract value is unknown", body = ApprovalChain),
        (status = 404, description = "no such agreement", body = P), (status = 409, description = "a round is still open", body = P),
        (status = 422, description = "the agreement is neither a draft nor in review, or a template draft with blocking findings is submitted without `override` (`errors` lists each finding)", body = P)))]
async fn submit_for_approval(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(b): AppJson<Submission>,
) -> Result<(StatusCode, Json<ApprovalChain>)> {
    let actor = caller.require(Permission::Govern)?;
    let chain = entente_core::draft::submit_for_approval(
        &s.store,
        actor,
        id,
        b.comment.as_deref(),
        b.override_reason.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(chain)))
}

/// A decision on one step of the open round.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct StepDecision {
    /// Step name, e.g. `legal`.
    step: String,
    /// `approve` or `reject`.
    decision: Decision,
    /// Comment (required to reject).
    #[serde(default)]
    comment: Option<String>,
}

/// The round after a decision, and the agreement's status.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DecisionOutcome {
    chain: ApprovalChain,
    status: AgreementStatus,
}

#[utoipa::path(post, path = "/api/agreements/{id}/approvals/decisions", tag = "lifecycle", params(("id" = AgreementId, Path)), request_body = StepDecision,
    responses((status = 200, description = "the round after the decision; the agreement is approved when the last step approves", body = DecisionOutcome),
        (status = 404, description = "no such agreement", body = P),
        (status = 403, description = "the caller's role decides no step of the round, or not the step named (checked before the body)", body = P),
        (status = 422, description = "bad body, step not due yet, already decided, a rejection without comment, or the round is not for the latest version", body = P)))]
async fn decide_approval(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    body: std::result::Result<AppJson<StepDecision>, axum::response::Response>,
) -> std::result::Result<Json<DecisionOutcome>, axum::response::Response> {
    use axum::response::IntoResponse;
    // Each step names the role that decides it: a caller whose role decides no step of the
    // round is refused (403) before the body is read; the store checks the step named.
    let actor = caller
        .require_internal(Permission::Read)
        .map_err(IntoResponse::into_response)?;
    let rounds = s
        .store
        .approval_rounds(actor, id)
        .await
        .map_err(|e| crate::error::ApiError::from(e).into_response())?;
    if let Some(round) = rounds.last() {
        round.check_role(None, caller.role).map_err(|m| {
            crate::error::ApiError::from(entente_core::CoreError::Forbidden(m)).into_response()
        })?;
    }
    let AppJson(b) = body?;
    let (chain, status) = s
        .store
        .decide_approval(
            actor,
            caller.role,
            id,
            &b.step,
            b.decision,
            b.comment.as_deref(),
        )
        .await
        .map_err(|e| crate::error::ApiError::from(e).into_response())?;
    Ok(Json(DecisionOutcome { chain, status }))
}

#[utoipa::path(get, path = "/api/agreements/{id}/signatures", tag = "lifecycle", params(("id" = AgreementId, Path)),
    responses((status = 200, description = "signatures with the version and SHA-256 each party signed", body = Vec<Signature>),
        (status = 404, description = "no such agreement", body = P)))]
async fn list_signatures(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Vec<Signature>>> {
    let actor = caller.require(Permission::Read)?;
    Ok(Json(s.store.signatures(actor, id).await?))
}

/// A recorded signature and the agreement's status after it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Signed {
    signature: Signature,
    status: AgreementStatus,
}

#[utoipa::path(post, path = "/api/agreements/{id}/signatures", tag = "lifecycle", params(("id" = AgreementId, Path)), request_body = SignatureDraft,
    responses((status = 201, description = "signature recorded; the agreement is active once every party has signed", body = Signed),
        (status = 404, description = "no such agreement", body = P), (status = 409, description = "the party has already signed this version", body = P),
        (status = 422, description = "not the approved version's SHA-256 (the error names both versions), unknown party, bad date, or not out for signature", body = P)))]
async fn sign_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(b): AppJson<SignatureDraft>,
) -> Result<(StatusCode, Json<Signed>)> {
    let actor = caller.require(Permission::Govern)?;
    let sig = b.validate(s.store.today(actor).await?)?;
    let (signature, status) = s.store.sign_agreement(actor, id, &sig).await?;
    Ok((StatusCode::CREATED, Json(Signed { signature, status })))
}

#[utoipa::path(get, path = "/api/agreements/{id}/amendments", tag = "lifecycle", params(("id" = AgreementId, Path)),
    responses((status = 200, description = "amendments with their effective dates, changes and the values they replaced", body = Vec<Amendment>),
        (status = 404, description = "no such agreement", body = P)))]
async fn list_amendments(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Vec<Amendment>>> {
    let actor = caller.require(Permission::Read)?;
    Ok(Json(s.store.amendments(actor, id).await?))
}

/// An amendment with its text (a letter or the restated agreement, plain text or Markdown).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct NewAmendmentBody {
    #[serde(flatten)]
    draft: AmendmentDraft,
    /// The letter or restated text; it becomes the agreement's next version.
    text: String,
    /// File name for the version (default `amendment.txt`).
    #[serde(default)]
    filename: Option<String>,
}

#[utoipa::path(post, path = "/api/agreements/{id}/amendments", tag = "lifecycle", params(("id" = AgreementId, Path)), request_body = NewAmendmentBody,
    responses((status = 201, description = "amendment recorded as a new version (a letter changes only its stated terms; a restatement's text becomes the agreement's); the agreement is amended", body = Amendment),
        (status = 404, description = "no such agreement", body = P),
        (status = 422, description = "bad date, change or kind, empty text, or the agreement is not in force", body = P)))]
async fn amend_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(b): AppJson<NewAmendmentBody>,
) -> Result<(StatusCode, Json<Amendment>)> {
    let actor = caller.require(Permission::Govern)?;
    // Sizes first: the text is analysed before the changes are validated.
    entente_domain::error::check_len(
        "changes",
        b.draft.changes.len(),
        entente_domain::agreement::MAX_TERMS,
    )?;
    let filename = b.filename.unwrap_or_else(|| "amendment.txt".into());
    let a = amend_document(
        &s.store,
        actor,
        id,
        b.text.as_bytes(),
        &filename,
        &b.draft,
        &s.limits,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// The date a view is for.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct OnQuery {
    /// The date (default today).
    #[param(value_type = Option<entente_domain::Date>)]
    on: Option<String>,
}

#[utoipa::path(get, path = "/api/agreements/{id}/consolidated", tag = "lifecycle", params(("id" = AgreementId, Path), OnQuery),
    responses((status = 200, description = "terms and clauses in force on the date, each pointing at its version or amendment, with the key dates they give", body = AsAmended),
        (status = 404, description = "no such agreement", body = P), (status = 422, description = "bad date", body = P)))]
async fn get_consolidated(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppQuery(q): AppQuery<OnQuery>,
) -> Result<Json<AsAmended>> {
    let actor = caller.require(Permission::Read)?;
    s.store.get_agreement(actor, id).await?;
    let on = date_or_today(&s, actor, "on", q.on.as_deref()).await?;
    Ok(Json(s.store.consolidated(actor, id, on).await?))
}

/// Which versions to compare, and how to answer.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RedlineQuery {
    /// Older version number (default: the one before `to`).
    from: Option<u32>,
    /// Newer version number (default: the latest).
    to: Option<u32>,
    /// `json` (default) or `docx` (tracked changes).
    #[param(value_type = Option<RedlineFormat>, inline)]
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/agreements/{id}/redline", tag = "lifecycle", params(("id" = AgreementId, Path), RedlineQuery),
    responses((status = 200, description = "word-level redline: structured JSON, or a DOCX with tracked changes (format=docx)", body = VersionRedline),
        (status = 404, description = "no such agreement", body = P), (status = 422, description = "no such version, or bad format", body = P)))]
async fn get_redline(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppQuery(q): AppQuery<RedlineQuery>,
) -> Result<Response> {
    let actor = caller.require(Permission::Read)?;
    let r = redline_versions(&s.store, actor, id, q.from, q.to).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(r).into_response()),
        "docx" => {
            let file = redline_file(&s.store, actor, id, &r).await?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        entente_domain::document::MediaType::Docx.mime().to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{}\"", file.file_name),
                    ),
                ],
                file.bytes,
            )
                .into_response())
        }
        other => Err(entente_domain::ValidationError::new(
            "format",
            format!("{other:?} is not json or docx"),
        )
        .into()),
    }
}

#[utoipa::path(get, path = "/api/agreements/{id}/reviews", tag = "lifecycle", params(("id" = AgreementId, Path)),
    responses((status = 200, description = "scheduled and held reviews, by due date", body = Vec<Review>),
        (status = 404, description = "no such agreement", body = P)))]
async fn list_reviews(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Vec<Review>>> {
    let actor = caller.require_internal_item(Permission::Read, "reviews of agreement", id)?;
    Ok(Json(s.store.reviews(actor, id).await?))
}

/// A review held.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct ReviewBody {
    /// `no_change`, `amend` or `terminate`.
    outcome: ReviewOutcome,
    /// Notes.
    #[serde(default)]
    notes: Option<String>,
    /// Date held (default today).
    #[serde(default)]
    #[schema(value_type = Option<entente_domain::Date>)]
    reviewed_on: Option<String>,
    /// Cycle to the next review when the agreement states none (e.g. `P6M`; default 12 months).
    #[serde(default)]
    #[schema(value_type = Option<entente_domain::Period>)]
    cycle: Option<String>,
}

#[utoipa::path(post, path = "/api/agreements/{id}/reviews", tag = "lifecycle", params(("id" = AgreementId, Path)), request_body = ReviewBody,
    responses((status = 201, description = "the review recorded and the next one scheduled", body = Vec<Review>),
        (status = 404, description = "no such agreement", body = P), (status = 422, description = "bad date or cycle, or not in force", body = P)))]
async fn record_review(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(b): AppJson<ReviewBody>,
) -> Result<(StatusCode, Json<Vec<Review>>)> {
    let actor = caller.require(Permission::Govern)?;
    let on = date_or_today(&s, actor, "reviewed_on", b.reviewed_on.as_deref()).await?;
    let cycle = b
        .cycle
        .as_deref()
        .map(Period::parse)
        .transpose()
        .map_err(|e| e.within("cycle"))?;
    let reviews = s
        .store
        .record_review(actor, id, b.outcome, b.notes.as_deref(), on, cycle)
        .await?;
    Ok((StatusCode::CREATED, Json(reviews)))
}

#[utoipa::path(get, path = "/api/agreements/{id}/termination", tag = "lifecycle", params(("id" = AgreementId, Path)),
    responses((status = 200, description = "the latest termination notice (in force, or withdrawn or voided) with the contract's duties after the end, dated from it (null when none)", body = Option<TerminationView>),
        (status = 404, description = "no such agreement", body = P)))]
async fn get_termination(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Option<TerminationView>>> {
    let actor = caller.require(Permission::Read)?;
    Ok(Json(s.store.termination(actor, id).await?))
}

/// A termination notice as the request body gives it; its dates are read into a
/// [`NoticeInput`] before anything else.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub(crate) struct NoticeDraft {
    /// Why it ends.
    kind: entente_domain::lifecycle::TerminationKind,
    /// The party giving notice (id, legal or short name).
    given_by: String,
    /// Date the notice was given (default today; may be earlier, never later).
    #[serde(default)]
    #[schema(value_type = Option<entente_domain::Date>)]
    given_on: Option<String>,
    /// The clause relied on, e.g. "14.2".
    #[serde(default)]
    clause: Option<String>,
    /// Reason in words.
    #[serde(default)]
    reason: Option<String>,
    /// A later effective date than the computed one, if the notice names one.
    #[serde(default)]
    #[schema(value_type = Option<entente_domain::Date>)]
    effective_on: Option<String>,
}

impl TryFrom<&NoticeDraft> for NoticeInput {
    type Error = entente_domain::ValidationErrors;

    fn try_from(b: &NoticeDraft) -> std::result::Result<Self, Self::Error> {
        let mut c = entente_domain::error::Collector::default();
        let mut date = |field: &str, v: &Option<String>| {
            v.as_deref()
                .and_then(|s| c.take(field, entente_domain::Date::parse(s)))
        };
        let given_on = date("given_on", &b.given_on);
        let effective_on = date("effective_on", &b.effective_on);
        c.finish()?;
        Ok(NoticeInput {
            kind: b.kind,
            given_by: b.given_by.clone(),
            given_on,
            clause: b.clause.clone(),
            reason: b.reason.clone(),
            effective_on,
        })
    }
}

#[utoipa::path(post, path = "/api/agreements/{id}/termination", tag = "lifecycle", params(("id" = AgreementId, Path)), request_body = NoticeDraft,
    responses((status = 201, description = "notice recorded: effective date computed; the notice is the agreement's ending, and the contract's duties after the end are dated from it", body = TerminationView),
        (status = 404, description = "no such agreement", body = P),
        (status = 422, description = "not in force, unknown party, no notice period, or an effective date earlier than the notice allows", body = P)))]
async fn give_termination_notice(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(b): AppJson<NoticeDraft>,
) -> Result<(StatusCode, Json<TerminationView>)> {
    let actor = caller.require(Permission::Govern)?;
    let notice = NoticeInput::try_from(&b)?;
    let today = s.store.today(actor).await?;
    let t = give_notice(&s.store, actor, id, &notice, today).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// Withdrawing or voiding the notice in force.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub(crate) struct NoticeRetirement {
    /// `withdrawn` (retracted before it took effect) or `voided` (recorded in error).
    how: entente_domain::lifecycle::Retirement,
    /// Why (required).
    #[schema(min_length = 1, max_length = 2000, pattern = "\\S")]
    reason: String,
}

#[utoipa::path(post, path = "/api/agreements/{id}/termination/retirement", tag = "lifecycle", params(("id" = AgreementId, Path)), request_body = NoticeRetirement,
    responses((status = 200, description = "the notice no longer ends the agreement: it is back to active, its dates computed as before the notice, and obligations the notice created are removed", body = TerminationView),
        (status = 404, description = "no such agreement", body = P),
        (status = 422, description = "no notice in force, no reason, or a withdrawal after the notice took effect", body = P)))]
async fn retire_termination_notice(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(b): AppJson<NoticeRetirement>,
) -> Result<Json<TerminationView>> {
    let actor = caller.require(Permission::Govern)?;
    let t = entente_core::governance::retire_notice(&s.store, actor, id, b.how, &b.reason).await?;
    Ok(Json(t))
}

#[utoipa::path(get, path = "/api/agreements/{id}/disputes", tag = "lifecycle", params(("id" = AgreementId, Path)),
    responses((status = 200, description = "disputes under the agreement, oldest first", body = Vec<Dispute>),
        (status = 404, description = "no such agreement", body = P)))]
async fn list_disputes(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Vec<Dispute>>> {
    let actor = caller.require_internal_item(Permission::Read, "disputes of agreement", id)?;
    Ok(Json(s.store.disputes(actor, id).await?))
}

#[utoipa::path(post, path = "/api/agreements/{id}/disputes", tag = "lifecycle", params(("id" = AgreementId, Path)), request_body = DisputeDraft,
    responses((status = 201, description = "dispute opened at its first tier, with the tier's clock", body = Dispute),
        (status = 404, description = "no such agreement", body = P), (status = 422, description = "bad subject, party, date or tier", body = P)))]
async fn create_dispute(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(b): AppJson<DisputeDraft>,
) -> Result<super::Created<Dispute>> {
    let actor = caller.require(Permission::Govern)?;
    let d = open_dispute(&s.store, actor, id, &b).await?;
    Ok(super::created(format!("/api/disputes/{}", d.id), d))
}

#[utoipa::path(get, path = "/api/disputes/{id}", tag = "lifecycle", params(("id" = DisputeId, Path)),
    responses((status = 200, description = "the dispute with its tiers, clock and history", body = Dispute),
        (status = 404, description = "no such dispute", body = P)))]
async fn get_dispute(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<DisputeId>,
) -> Result<Json<Dispute>> {
    let actor = caller.require_internal_item(Permission::Read, "dispute", id)?;
    Ok(Json(s.store.get_dispute(actor, id).await?))
}

/// An escalation by decision.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub(crate) struct Escalation {
    /// Date the next tier starts (default today).
    #[serde(default)]
    #[schema(value_type = Option<entente_domain::Date>)]
    on: Option<String>,
    /// Why.
    #[serde(default)]
    note: Option<String>,
}

#[utoipa::path(post, path = "/api/disputes/{id}/escalation", tag = "lifecycle", params(("id" = DisputeId, Path)), request_body = Escalation,
    responses((status = 200, description = "the dispute at its next tier, with the new clock", body = Dispute),
        (status = 404, description = "no such dispute", body = P), (status = 422, description = "closed, already at the last tier, or `on` before the dispute's last event or after today", body = P)))]
async fn escalate_dispute(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<DisputeId>,
    AppJson(b): AppJson<Escalation>,
) -> Result<Json<Dispute>> {
    let actor = caller.require(Permission::Govern)?;
    s.store.get_dispute(actor, id).await?;
    let on = date_or_today(&s, actor, "on", b.on.as_deref()).await?;
    Ok(Json(s.store.escalate_dispute(actor, id, on, b.note).await?))
}

/// How a dispute ended.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct Resolution {
    /// `settled`, `withdrawn` or `decided`.
    outcome: DisputeStatus,
    /// Date (default today).
    #[serde(default)]
    #[schema(value_type = Option<entente_domain::Date>)]
    on: Option<String>,
    /// What was agreed or decided.
    #[serde(default)]
    notes: Option<String>,
    /// Settlement amount.
    #[serde(default)]
    settlement: Option<Money>,
}

#[utoipa::path(post, path = "/api/disputes/{id}/resolution", tag = "lifecycle", params(("id" = DisputeId, Path)), request_body = Resolution,
    responses((status = 200, description = "the dispute closed with its outcome", body = Dispute),
        (status = 404, description = "no such dispute", body = P), (status = 422, description = "already closed, bad outcome, or `on` before the dispute's last event or after today", body = P)))]
async fn resolve_dispute(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<DisputeId>,
    AppJson(b): AppJson<Resolution>,
) -> Result<Json<Dispute>> {
    let actor = caller.require(Permission::Govern)?;
    s.store.get_dispute(actor, id).await?;
    let on = date_or_today(&s, actor, "on", b.on.as_deref()).await?;
    Ok(Json(
        s.store
            .resolve_dispute(actor, id, b.outcome, on, b.notes, b.settlement)
            .await?,
    ))
}

/// The day clocks are checked against.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub(crate) struct Tick {
    /// Default today; a later day only with `dry_run`.
    #[serde(default)]
    #[schema(value_type = Option<entente_domain::Date>)]
    today: Option<String>,
    /// Rehearse: return the disputes as they would be escalated on `today`, record nothing.
    #[serde(default)]
    dry_run: bool,
}

#[utoipa::path(post, path = "/api/disputes/escalate-due", tag = "lifecycle", request_body = Tick,
    responses((status = 200, description = "disputes escalated because their tier's clock ran out (with `dry_run`, as they would be; nothing recorded)", body = Vec<Dispute>),
        (status = 422, description = "bad date, or `today` after the tenant's today without `dry_run`", body = P)))]
async fn escalate_due_disputes(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(b): AppJson<Tick>,
) -> Result<Json<Vec<Dispute>>> {
    let actor = caller.require(Permission::Govern)?;
    let today = date_or_today(&s, actor, "today", b.today.as_deref()).await?;
    Ok(Json(
        s.store
            .escalate_due_disputes(actor, today, b.dry_run)
            .await?,
    ))
}

/// The formats of the audit export.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Describes the query parameter only.
enum ExportFormat {
    Json,
    Csv,
}

/// The formats of a redline.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Describes the query parameter only.
enum RedlineFormat {
    Json,
    Docx,
}

/// Export format.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// `json` (default) or `csv`.
    #[param(value_type = Option<ExportFormat>, inline)]
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/agreements/{id}/audit/export", tag = "audit", params(("id" = AgreementId, Path), ExportQuery),
    responses((status = 200, description = "the agreement's audit events with their hash-chain fields, as JSON or CSV", body = Vec<AuditEvent>),
        (status = 404, description = "no such agreement", body = P), (status = 422, description = "bad format", body = P)))]
async fn export_audit(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppQuery(q): AppQuery<ExportQuery>,
) -> Result<Response> {
    let actor =
        caller.require_internal_item(Permission::ReadAudit, "audit trail of agreement", id)?;
    // The store answers not-found for an agreement the caller may not see.
    let events = s.store.list_audit(actor, Some(id)).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(events).into_response()),
        "csv" => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"audit-{id}.csv\""),
                ),
            ],
            audit_csv(&events),
        )
            .into_response()),
        other => Err(entente_domain::ValidationError::new(
            "format",
            format!("{other:?} is not json or csv"),
        )
        .into()),
    }
}
