//! Document endpoints: import a file as a new agreement, add a version, list versions,
//! download the original, read the text, list clauses, search clause text.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppPath, AppQuery, Result};
use crate::upload::Upload;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use entente_core::{ImportOptions, Imported};
use entente_domain::access::Permission;
use entente_domain::clause::Clause;
use entente_domain::document::DocumentVersion;
use entente_domain::{AgreementId, Date, ValidationError, VersionId};
use entente_store::ClauseHit;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_agreement))
        .routes(routes!(list_versions, add_version))
        .routes(routes!(version_content))
        .routes(routes!(version_text))
        .routes(routes!(list_clauses))
        .routes(routes!(search_clauses))
}

/// Import parameters; the file itself is the request body.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportQuery {
    /// File name (its extension must match the content).
    filename: String,
    /// Title (default: from the document).
    title: Option<String>,
    /// Kind.
    #[param(value_type = Option<entente_domain::AgreementKind>)]
    kind: Option<String>,
    /// Status (default active).
    #[param(value_type = Option<entente_domain::AgreementStatus>)]
    status: Option<String>,
    /// Owner e-mail.
    #[param(value_type = Option<entente_domain::schema::EmailOrEmpty>)]
    owner: Option<String>,
    /// Comma-separated tags.
    tags: Option<String>,
    /// Parties as `Name:role`, separated by semicolons (`Acme Inc.:provider;Globex
    /// Ltd:customer`); they replace those found in the document. With fewer than two the
    /// agreement is still stored, the missing parties listed in `gaps`.
    parties: Option<String>,
    /// `true`: a template to draft from, stored as a draft tagged `template`.
    template: Option<bool>,
    /// The day tracking begins (`YYYY-MM-DD`, today at the latest): the agreement's
    /// obligation occurrences due earlier are history, neither overdue nor alerted. Default:
    /// the import date for an executed agreement (in force, winding down or closed), so a
    /// legacy agreement does not arrive with years of overdue items; none (every occurrence
    /// from the effective date on) for one not yet signed. A day before the effective date
    /// tracks every occurrence.
    #[param(value_type = Option<String>, format = Date, example = "2025-01-01")]
    track_from: Option<String>,
}

/// What an import stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ImportResult {
    agreement_id: AgreementId,
    version_id: VersionId,
    title: String,
    clauses: usize,
    terms: usize,
    obligations: usize,
    /// The day tracking began: occurrences due earlier are history. `null`: every occurrence
    /// from the effective date on is tracked.
    tracked_from: Option<Date>,
    /// What is missing or uncertain, to complete: parties, effective date, unfilled
    /// placeholders, each with the reason.
    gaps: Vec<entente_domain::completeness::Gap>,
}

impl From<Imported> for ImportResult {
    fn from(i: Imported) -> Self {
        Self {
            agreement_id: i.agreement_id,
            version_id: i.version_id,
            title: i.title,
            clauses: i.clauses,
            terms: i.terms,
            obligations: i.obligations,
            tracked_from: i.tracked_from,
            gaps: i.gaps,
        }
    }
}

#[utoipa::path(post, path = "/api/import", tag = "documents", params(ImportQuery),
    request_body(content = Vec<u8>, description = "the document: TXT, Markdown, HTML, DOCX or PDF", content_type = "application/octet-stream"),
    responses((status = 201, body = ImportResult), (status = 413, body = crate::error::Problem),
        (status = 422, description = "the document cannot be read or analysed, or a bad parameter (e.g. `track_from` not a date or after today); nothing is stored", body = crate::error::Problem)))]
async fn import_agreement(
    State(s): State<AppState>,
    caller: Caller,
    upload: Upload<ImportQuery>,
) -> Result<super::Created<ImportResult>> {
    let Upload {
        fields: q,
        bytes: body,
        ..
    } = upload;
    let actor = caller.require(Permission::WriteAgreements)?;
    let track_from = q
        .track_from
        .as_deref()
        .map(Date::parse)
        .transpose()
        .map_err(|e| e.within("track_from"))?;
    let opts = ImportOptions {
        title: q.title,
        kind: q.kind,
        status: q.status,
        owner: q.owner,
        tags: q
            .tags
            .map(|t| {
                t.split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        parties: q
            .parties
            .as_deref()
            .unwrap_or_default()
            .split(';')
            .filter(|p| !p.trim().is_empty())
            .map(entente_domain::party::AgreementPartyDraft::from_spec)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| e.within("parties"))?,
        template: q.template.unwrap_or(false),
        track_from,
    };
    let imported =
        entente_core::import_document(&s.store, actor, &body, &q.filename, opts, &s.limits).await?;
    Ok(super::created(
        format!("/api/agreements/{}", imported.agreement_id),
        imported.into(),
    ))
}

/// New-version parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct VersionQuery {
    /// File name.
    filename: String,
}

#[utoipa::path(get, path = "/api/agreements/{id}/versions", tag = "documents", params(("id" = AgreementId, Path)),
    responses((status = 200, body = Vec<DocumentVersion>), (status = 404, body = crate::error::Problem)))]
async fn list_versions(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Vec<DocumentVersion>>> {
    let actor = caller.require(Permission::Read)?;
    s.store.get_agreement(actor, id).await?;
    Ok(Json(s.store.list_versions(actor, id).await?))
}

#[utoipa::path(post, path = "/api/agreements/{id}/versions", tag = "documents", params(("id" = AgreementId, Path), VersionQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, description = "the new version with its `reconciliation` (obligations unchanged, changed, added and removed; terms changed and in conflict); before signature it supersedes the approval round of the previous text, and an agreement approved or out for signature goes back to in_review with a round for this version", body = DocumentVersion),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn add_version(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    upload: Upload<VersionQuery>,
) -> Result<super::Created<DocumentVersion>> {
    let Upload {
        fields: q,
        bytes: body,
        ..
    } = upload;
    let actor = caller.require(Permission::WriteAgreements)?;
    let (vid, summary) =
        entente_core::add_version_document(&s.store, actor, id, &body, &q.filename, &s.limits)
            .await?;
    let mut v = s
        .store
        .list_versions(actor, id)
        .await?
        .into_iter()
        .find(|v| v.id == vid)
        .ok_or_else(|| ValidationError::new("version", "vanished"))?;
    // A first version has no stored reconciliation; the answer says what it did all the same.
    v.reconciliation.get_or_insert(summary);
    Ok(super::created(format!("/api/versions/{}/content", v.id), v))
}

#[utoipa::path(get, path = "/api/versions/{id}/content", tag = "documents", params(("id" = VersionId, Path)),
    responses((status = 200, description = "the original bytes, as an attachment; application/octet-stream unless PDF or UTF-8 text", content_type = "application/octet-stream"), (status = 404, body = crate::error::Problem)))]
async fn version_content(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<VersionId>,
) -> Result<Response> {
    let actor = caller.require(Permission::Read)?;
    let (name, media, bytes) = s.store.version_content(actor, id).await?;
    // An imported HTML contract must not be served as a page of ours.
    Ok(super::download::attachment(&name, media.mime(), bytes))
}

#[utoipa::path(get, path = "/api/versions/{id}/text", tag = "documents", params(("id" = VersionId, Path)),
    responses((status = 200, description = "the extracted text", content_type = "text/plain"), (status = 404, body = crate::error::Problem)))]
async fn version_text(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<VersionId>,
) -> Result<Response> {
    let actor = caller.require(Permission::Read)?;
    let t = s.store.version_text(actor, id).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], t).into_response())
}

/// Which version's clauses.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ClauseQuery {
    /// A version (default: the agreement's text — its latest version that is not an amendment
    /// letter, followed by the letters recorded since).
    version_id: Option<VersionId>,
}

#[utoipa::path(get, path = "/api/agreements/{id}/clauses", tag = "documents", params(("id" = AgreementId, Path), ClauseQuery),
    responses((status = 200, description = "the clauses in document order (version by version)", body = Vec<Clause>), (status = 404, body = crate::error::Problem)))]
async fn list_clauses(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppQuery(q): AppQuery<ClauseQuery>,
) -> Result<Json<Vec<Clause>>> {
    let actor = caller.require(Permission::Read)?;
    Ok(Json(s.store.list_clauses(actor, id, q.version_id).await?))
}

/// Search parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchQuery {
    /// Words to find (all must occur; stemmed).
    // "A letter or digit somewhere", as `[^\W_]`: Python's `re` (openapi-spec-validator,
    // Schemathesis) reads it as any script's letters and digits, as the search splits words;
    // `\p{L}` is not a regex there, so the document failed validation.
    #[param(pattern = "[^\\W_]")]
    q: String,
    /// Maximum hits, 1..=200 (default 20).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// Hits to skip, best first (default 0).
    offset: Option<u32>,
}

/// A page of search hits: clauses of each agreement's current text (its latest version that
/// is not an amendment letter, and the letters recorded since), best first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct SearchPage {
    /// The hits on this page.
    hits: Vec<ClauseHit>,
    /// Every hit the words have, over all pages.
    total: u64,
    /// The page size asked for.
    limit: u32,
    /// Hits skipped.
    offset: u32,
}

#[utoipa::path(get, path = "/api/search", tag = "documents", params(SearchQuery),
    responses((status = 200, body = SearchPage), (status = 422, body = crate::error::Problem)))]
async fn search_clauses(
    State(s): State<AppState>,
    caller: Caller,
    AppQuery(q): AppQuery<SearchQuery>,
) -> Result<Json<SearchPage>> {
    let actor = caller.require(Permission::Read)?;
    let limit = q.limit.unwrap_or(20);
    if !(1..=200).contains(&limit) {
        return Err(entente_domain::ValidationError::new(
            "limit",
            format!("must be between 1 and 200, got {limit}"),
        )
        .into());
    }
    let offset = q.offset.unwrap_or(0);
    let (hits, total) = s
        .store
        .search_clauses(actor, &q.q, entente_store::Page { limit, offset })
        .await?;
    Ok(Json(SearchPage {
        hits,
        total,
        limit,
        offset,
    }))
}
