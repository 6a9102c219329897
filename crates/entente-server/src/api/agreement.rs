//! Agreement endpoints: create, read, list with portfolio filters, update, transition,
//! term corrections, delete.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, AppQueries, AppQuery, Result};
use crate::etag;
use crate::paging::CursorQuery;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use entente_domain::access::Permission;
use entente_domain::agreement::AgreementChange;
use entente_domain::agreement::{Agreement, AgreementDraft, AgreementSummary};
use entente_domain::error::Collector;
use entente_domain::query::{AgreementQuery, AgreementQueryText};
use entente_domain::terms::{TermField, Terms};
use entente_domain::{AgreementId, AgreementStatus, Timestamp};
use entente_store::SortKey;
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
    #[schema(value_type = entente_domain::term_schema::TermValuesInput)]
    terms: BTreeMap<String, serde_json::Value>,
}

/// A page of agreements.
/// Portfolio filters as the query string gives them; all optional and combined with AND.
/// Checked into an [`AgreementQuery`] before the store sees them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AgreementFilter {
    /// Lifecycle status; repeat it for any of several (`status=active&status=expiring`).
    #[serde(default)]
    #[param(value_type = Option<Vec<entente_domain::AgreementStatus>>)]
    status: Vec<String>,
    /// Kind; repeatable (any of).
    #[serde(default)]
    #[param(value_type = Option<Vec<entente_domain::AgreementKind>>)]
    kind: Vec<String>,
    /// Owner e-mail; repeatable (any of).
    #[serde(default)]
    #[param(value_type = Option<Vec<String>>)]
    owner: Vec<String>,
    /// Tag; repeatable (any of).
    #[serde(default)]
    #[param(value_type = Option<Vec<String>>)]
    tag: Vec<String>,
    /// Counterparty: part of a party's legal or short name (case-insensitive).
    party: Option<String>,
    /// Part of the title (case-insensitive).
    q: Option<String>,
    /// Initial term ends within this many days from today.
    #[param(maximum = 36600)]
    expiring_within_days: Option<u32>,
    /// Auto-renewing and renewal falls within this many days from today.
    #[param(maximum = 36600)]
    renewing_within_days: Option<u32>,
    /// Last day to give notice of non-renewal falls within this many days from today.
    #[param(maximum = 36600)]
    notice_within_days: Option<u32>,
    /// Liability cap kind: `amount`, `formula`, `uncapped`, or `none` (no cap stated);
    /// repeatable (any of).
    #[serde(default)]
    #[param(value_type = Option<Vec<entente_domain::query::CapFilter>>, inline)]
    liability_cap: Vec<String>,
    /// Governing law (exact, case-insensitive); repeatable (any of).
    #[serde(default)]
    #[param(value_type = Option<Vec<String>>)]
    governing_law: Vec<String>,
    /// The day "within N days" counts from (default: today, UTC).
    #[param(value_type = Option<entente_domain::Date>)]
    today: Option<String>,
    /// Order: `updated` (default, newest first), `title`, `effective_date`, `expiration_date`
    /// or `notice_deadline` (soonest first, unknown dates last); `-` before a name reverses
    /// its order (`-updated` oldest first, `-title` Z to A, `-notice_deadline` latest first,
    /// unknown dates still last).
    #[param(value_type = Option<entente_domain::query::AgreementSortParam>, inline)]
    sort: Option<String>,
    /// Only agreements changed at or after this instant (RFC 3339, e.g. the `at` of the last
    /// change-feed event a client has seen).
    #[param(value_type = Option<String>, format = DateTime)]
    updated_since: Option<String>,
}

impl TryFrom<&AgreementFilter> for AgreementQuery {
    type Error = entente_domain::ValidationErrors;

    fn try_from(f: &AgreementFilter) -> std::result::Result<Self, Self::Error> {
        AgreementQuery::try_from(AgreementQueryText {
            status: f.status.iter().map(String::as_str).collect(),
            kind: f.kind.iter().map(String::as_str).collect(),
            owner: f.owner.iter().map(String::as_str).collect(),
            tag: f.tag.iter().map(String::as_str).collect(),
            party: f.party.as_deref(),
            text: f.q.as_deref(),
            expiring_within_days: f.expiring_within_days,
            renewing_within_days: f.renewing_within_days,
            notice_within_days: f.notice_within_days,
            liability_cap: f.liability_cap.iter().map(String::as_str).collect(),
            governing_law: f.governing_law.iter().map(String::as_str).collect(),
            today: f.today.as_deref(),
            sort: f.sort.as_deref(),
        })
    }
}

/// A checked query and its `updated_since` value (RFC 3339), every bad value of both
/// reported at once, each naming its parameter.
pub(crate) fn with_updated_since<Q>(
    query: std::result::Result<Q, entente_domain::ValidationErrors>,
    raw: Option<&str>,
) -> std::result::Result<(Q, Option<Timestamp>), entente_domain::ValidationErrors> {
    let since = raw
        .map(|t| {
            Timestamp::parse(t.trim()).map_err(|_| {
                entente_domain::ValidationError::new(
                    "updated_since",
                    format!("{t:?} is not an RFC 3339 instant such as 2026-01-31T09:00:00Z"),
                )
            })
        })
        .transpose();
    match (query, since) {
        (Ok(q), Ok(t)) => Ok((q, t)),
        (Err(mut e), Err(t)) => {
            e.0.push(t);
            Err(e)
        }
        (Err(e), Ok(_)) => Err(e),
        (Ok(_), Err(t)) => Err(t.into()),
    }
}

/// A page of agreements.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AgreementPage {
    /// The agreements on this page, in the asked order.
    items: Vec<AgreementSummary>,
    /// Send it back as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
    /// The page size used.
    limit: u32,
    /// Every agreement the filters match, over all pages.
    total: u64,
}

/// The list name inside agreement cursors.
const AGREEMENT_LIST: &str = "agreements";

/// A keyset position as cursor text: the order, the sort key and the id.
fn agreement_position(query: &AgreementQuery, k: &SortKey) -> String {
    serde_json::json!([query.sort_text(), k.key, k.id]).to_string()
}

fn agreement_after(
    query: &AgreementQuery,
    position: Option<String>,
) -> std::result::Result<Option<SortKey>, entente_domain::ValidationError> {
    let Some(position) = position else {
        return Ok(None);
    };
    let bad = || entente_domain::ValidationError::new("cursor", "is not a cursor of this list");
    let (order, key, id): (String, Option<String>, AgreementId) =
        serde_json::from_str(&position).map_err(|_| bad())?;
    if order != query.sort_text() {
        return Err(entente_domain::ValidationError::new(
            "cursor",
            format!(
                "was made for sort={order}: page with the sort it was made for, or start again"
            ),
        ));
    }
    Ok(Some(SortKey { key, id }))
}

#[utoipa::path(get, path = "/api/agreements", tag = "agreements", params(AgreementFilter, CursorQuery),
    responses((status = 200, description = "a page of agreements, by cursor (keyset on the order and the id)", body = AgreementPage), (status = 422, body = crate::error::Problem)))]
async fn list_agreements(
    State(s): State<AppState>,
    caller: Caller,
    AppQueries(filter, page): AppQueries<AgreementFilter, CursorQuery>,
) -> Result<Json<AgreementPage>> {
    let actor = caller.require(Permission::Read)?;
    let limit = page.limit();
    let after = page.after_text(AGREEMENT_LIST);
    let checked = with_updated_since(
        AgreementQuery::try_from(&filter),
        filter.updated_since.as_deref(),
    );
    // Every bad parameter at once.
    let (mut query, since, limit, after) = match (checked, limit, after) {
        (Ok((q, t)), Ok(l), Ok(a)) => (q, t, l, a),
        (q, l, a) => {
            let mut errors = q.err().map(|e| e.0).unwrap_or_default();
            errors.extend(l.err());
            errors.extend(a.err());
            return Err(entente_domain::ValidationErrors(errors).into());
        }
    };
    let after = agreement_after(&query, after)?;
    query.updated_since = since;
    let (items, total, next) = s
        .store
        .list_agreements_after(actor, &query, limit, after.as_ref())
        .await?;
    Ok(Json(AgreementPage {
        items,
        next_cursor: next
            .map(|k| crate::paging::encode_text(AGREEMENT_LIST, &agreement_position(&query, &k))),
        limit,
        total,
    }))
}

#[utoipa::path(post, path = "/api/agreements", tag = "agreements", request_body = CreateAgreement,
    responses((status = 201, body = Agreement), (status = 422, description = "invalid input; `errors` names each field", body = crate::error::Problem)))]
async fn create_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(body): AppJson<CreateAgreement>,
) -> Result<super::Created<Agreement>> {
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
    Ok(super::created(
        format!("/api/agreements/{id}"),
        s.store.get_agreement(actor, id).await?,
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

/// An agreement as read, with what it still lacks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AgreementRead {
    #[serde(flatten)]
    agreement: Agreement,
    /// What is missing or uncertain, to complete: parties, effective date, unfilled
    /// placeholders in the latest document, each with the reason. Empty when complete.
    gaps: Vec<entente_domain::completeness::Gap>,
}

#[utoipa::path(get, path = "/api/agreements/{id}", tag = "agreements", params(("id" = AgreementId, Path)),
    responses((status = 200, body = AgreementRead), (status = 404, body = crate::error::Problem)))]
async fn get_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<(HeaderMap, Json<AgreementRead>)> {
    let actor = caller.require(Permission::Read)?;
    let agreement = s.store.get_agreement(actor, id).await?;
    // The ETag is the agreement's own (what `If-Match` on a write is checked against); the
    // gaps are worked out from it on each read.
    let tag = etag::header(&agreement);
    let gaps = entente_core::completeness::gaps_of(&s.store, actor, &agreement).await?;
    Ok((tag, Json(AgreementRead { agreement, gaps })))
}

/// Refuses (412) a write whose `If-Match` is not the agreement's current ETag.
async fn if_match(
    s: &AppState,
    actor: &entente_store::Actor,
    id: AgreementId,
    headers: &HeaderMap,
) -> Result<()> {
    if etag::conditional(headers) {
        etag::check_if_match(headers, &s.store.get_agreement(actor, id).await?)?;
    }
    Ok(())
}

/// Changes to an agreement's own fields as the request body gives them; absent fields are
/// left alone. Read into an [`AgreementChange`] before anything else.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub(crate) struct AgreementPatch {
    /// New title.
    #[schema(value_type = Option<entente_domain::Title>)]
    title: Option<String>,
    /// New kind.
    #[schema(value_type = Option<entente_domain::AgreementKind>)]
    kind: Option<String>,
    /// New owner (empty string clears).
    #[schema(value_type = Option<entente_domain::schema::EmailOrEmpty>)]
    owner: Option<String>,
    /// Replacement tag set (at most 100).
    #[schema(max_items = 100)]
    #[schema(value_type = Option<Vec<entente_domain::Tag>>)]
    tags: Option<Vec<String>>,
    /// The day tracking begins (`YYYY-MM-DD`, today at the latest): occurrences due earlier
    /// are history, neither overdue nor alerted. An empty string tracks every occurrence from
    /// the effective date on.
    tracked_from: Option<String>,
    /// A business-day calendar to set on the agreement, by built-in code (`gb-eng`, `us`,
    /// `us-ny`, `de`, `nl` …; an unknown code is refused with examples): it wins over the
    /// parties' jurisdiction, the governing law and the organisation's default. An empty
    /// string clears it.
    #[schema(max_length = 40)]
    calendar: Option<String>,
}

impl TryFrom<&AgreementPatch> for AgreementChange {
    type Error = entente_domain::ValidationErrors;

    fn try_from(p: &AgreementPatch) -> std::result::Result<Self, Self::Error> {
        AgreementChange::from_text_with_calendar(
            p.title.as_deref(),
            p.kind.as_deref(),
            p.owner.as_deref(),
            p.tags.as_deref(),
            p.tracked_from.as_deref(),
            p.calendar.as_deref(),
        )
    }
}

#[utoipa::path(patch, path = "/api/agreements/{id}", tag = "agreements", params(("id" = AgreementId, Path)), request_body = AgreementPatch,
    responses((status = 200, body = Agreement), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn update_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    headers: HeaderMap,
    AppJson(patch): AppJson<AgreementPatch>,
) -> Result<(HeaderMap, Json<Agreement>)> {
    let actor = caller.require(Permission::WriteAgreements)?;
    let change = AgreementChange::try_from(&patch)?;
    if_match(&s, actor, id, &headers).await?;
    s.store.update_agreement(actor, id, &change).await?;
    let a = s.store.get_agreement(actor, id).await?;
    Ok((etag::header(&a), Json(a)))
}

/// Deleting a signed agreement needs the retention rule that allows it.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DeleteQuery {
    /// For an agreement that has been signed: the retention rule that allows its deletion
    /// (administrators only, 1..500 characters). The audit trail keeps a tombstone with this
    /// reason and the SHA-256 of every version and signature. Unsigned drafts need none.
    reason: Option<String>,
}

#[utoipa::path(delete, path = "/api/agreements/{id}", tag = "agreements", params(("id" = AgreementId, Path), DeleteQuery),
    responses((status = 204, description = "deleted (a signed one with its tombstone in the audit trail)"),
        (status = 403, description = "a retention deletion by someone who is not an administrator", body = crate::error::Problem),
        (status = 404, body = crate::error::Problem),
        (status = 409, description = "the agreement has been signed and no retention reason was given", body = crate::error::Problem),
        (status = 422, description = "an empty or overlong reason", body = crate::error::Problem)))]
async fn delete_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppQuery(q): AppQuery<DeleteQuery>,
    headers: HeaderMap,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::DeleteAgreements)?;
    if q.reason.is_some() {
        caller.require(Permission::ManageUsers)?;
    }
    if_match(&s, actor, id, &headers).await?;
    s.store
        .delete_agreement(actor, id, q.reason.as_deref())
        .await?;
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
    /// Moving a template draft to `in_review` despite findings at or above the blocking
    /// severity: why (recorded in the audit trail as `draft.override` with the findings).
    #[serde(default, rename = "override")]
    override_reason: Option<String>,
}

#[utoipa::path(post, path = "/api/agreements/{id}/transition", tag = "agreements", params(("id" = AgreementId, Path)), request_body = Transition,
    responses((status = 200, body = Agreement), (status = 422, description = "illegal move (the message names the allowed ones), or a template draft with blocking findings moved to review without `override` (`errors` lists each finding)", body = crate::error::Problem)))]
async fn transition_agreement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(t): AppJson<Transition>,
) -> Result<Json<Agreement>> {
    let actor = caller.require(Permission::Govern)?;
    entente_core::draft::move_agreement(
        &s.store,
        actor,
        id,
        t.status,
        t.reason.as_deref(),
        t.override_reason.as_deref(),
    )
    .await?;
    Ok(Json(s.store.get_agreement(actor, id).await?))
}

/// A person's value for one term.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct SetTerm {
    /// The value, shaped per field (date string, ISO duration, bool, money object …).
    #[schema(value_type = entente_domain::terms::TermValue)]
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
    headers: HeaderMap,
    AppJson(body): AppJson<SetTerm>,
) -> Result<(HeaderMap, Json<Agreement>)> {
    let actor = caller.require(Permission::WriteAgreements)?;
    let field = TermField::parse(&field).map_err(|e| e.within("field"))?;
    let value = field.parse_value(&body.value)?;
    if_match(&s, actor, id, &headers).await?;
    s.store.set_term(actor, id, field, value, body.note).await?;
    let a = s.store.get_agreement(actor, id).await?;
    Ok((etag::header(&a), Json(a)))
}

#[utoipa::path(delete, path = "/api/agreements/{id}/terms/{field}", tag = "agreements",
    params(("id" = AgreementId, Path), ("field" = TermField, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
async fn clear_term(
    State(s): State<AppState>,
    caller: Caller,
    AppPath((id, field)): AppPath<(AgreementId, String)>,
    headers: HeaderMap,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::WriteAgreements)?;
    let field = TermField::parse(&field).map_err(|e| e.within("field"))?;
    if_match(&s, actor, id, &headers).await?;
    s.store.clear_term(actor, id, field).await?;
    Ok(StatusCode::NO_CONTENT)
}
