//! Audit endpoints: an agreement's trail, and verification of the tenant's chain.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppPath, AppQuery, Result};
use crate::paging::{self, CursorQuery};
use axum::Json;
use axum::extract::State;
use entente_domain::AgreementId;
use entente_domain::access::Permission;
use entente_domain::audit::AuditEvent;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(tenant_audit))
        .routes(routes!(agreement_audit))
        .routes(routes!(verify_audit))
}

/// One audit event as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AuditEntry {
    /// Identifier.
    id: entente_domain::AuditEventId,
    /// Position in the tenant's chain, from 1; the change feed's order.
    seq: u64,
    /// When.
    at: entente_domain::Timestamp,
    /// Who (user e-mail, token name or `system`).
    actor: String,
    /// What, e.g. `agreement.create`, `term.set`, `token.create`, `webhook.create`.
    action: String,
    /// Entity type, e.g. `agreement`.
    entity: String,
    /// Entity id.
    entity_id: String,
    /// The agreement concerned, when there is one.
    #[schema(value_type = Option<String>, format = Uuid)]
    agreement_id: Option<String>,
    /// What changed, as the action records it.
    details: serde_json::Map<String, serde_json::Value>,
    /// Hash of the previous event (the chain `GET /api/audit/verify` checks).
    prev_hash: String,
    /// Hash of this event, over the stored text of its details.
    hash: String,
}

impl From<AuditEvent> for AuditEntry {
    fn from(e: AuditEvent) -> Self {
        // The chain hashes the stored text; the API shows what that text says. Every action
        // records an object; anything else is shown under `value` rather than dropped.
        let details = match serde_json::from_str::<serde_json::Value>(&e.details) {
            Ok(serde_json::Value::Object(m)) => m,
            Ok(other) => serde_json::Map::from_iter([("value".to_owned(), other)]),
            Err(_) => serde_json::Map::from_iter([(
                "text".to_owned(),
                serde_json::Value::String(e.details.clone()),
            )]),
        };
        Self {
            id: e.id,
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            agreement_id: e.agreement_id,
            details,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// A page of audit events, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AuditPage {
    /// The events.
    items: Vec<AuditEntry>,
    /// Send as `cursor` for the next page; absent on the last page. On the tenant's feed keep
    /// the last one: later events appear after it.
    #[schema(required = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
    /// The page size used.
    limit: u32,
}

/// Builds a page from up to `limit + 1` events: the extra one only says there is more.
fn audit_page(mut events: Vec<AuditEvent>, limit: u32, list: &str, feed: bool) -> AuditPage {
    let more = events.len() > limit as usize;
    events.truncate(limit as usize);
    // The tenant's feed always hands back a cursor (its last event, or the one sent), so a
    // client polling for new events keeps its place.
    let next_cursor = if more || feed {
        events.last().map(|e| paging::encode(list, e.seq))
    } else {
        None
    };
    AuditPage {
        items: events.into_iter().map(AuditEntry::from).collect(),
        next_cursor,
        limit,
    }
}

/// The change feed: every audit event of the tenant the caller may read (agreements, parties,
/// tokens, users, webhooks, settings), oldest first, by a cursor on the chain's sequence.
#[utoipa::path(get, path = "/api/audit", tag = "audit", params(CursorQuery),
    summary = "Page through the tenant's change feed",
    description = "Audit events in chain order. Keep the last `next_cursor`: asking again with it later returns only the events written since (incremental sync).",
    responses((status = 200, body = AuditPage), (status = 422, body = crate::error::Problem)))]
async fn tenant_audit(
    State(s): State<AppState>,
    caller: Caller,
    AppQuery(q): AppQuery<CursorQuery>,
) -> Result<Json<AuditPage>> {
    let actor = caller.require_internal(Permission::ReadAudit)?;
    let limit = q.limit()?;
    let after = q.after_seq(FEED)?;
    let events = s
        .store
        .list_audit_page(actor, None, after, limit + 1)
        .await?;
    let mut page = audit_page(events, limit, FEED, true);
    if page.next_cursor.is_none() && after > 0 {
        page.next_cursor = Some(paging::encode(FEED, after));
    }
    Ok(Json(page))
}

const FEED: &str = "audit";
const AGREEMENT_AUDIT: &str = "agreement-audit";

#[utoipa::path(get, path = "/api/agreements/{id}/audit", tag = "audit", params(("id" = AgreementId, Path), CursorQuery),
    summary = "Page through an agreement's audit trail",
    responses((status = 200, body = AuditPage), (status = 404, body = crate::error::Problem)))]
async fn agreement_audit(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppQuery(q): AppQuery<CursorQuery>,
) -> Result<Json<AuditPage>> {
    let actor =
        caller.require_internal_item(Permission::ReadAudit, "audit trail of agreement", id)?;
    let limit = q.limit()?;
    let after = q.after_seq(AGREEMENT_AUDIT)?;
    // The store answers not-found for an agreement the caller may not see.
    let events = s
        .store
        .list_audit_page(actor, Some(id), after, limit + 1)
        .await?;
    Ok(Json(audit_page(events, limit, AGREEMENT_AUDIT, false)))
}

/// The outcome of re-checking the audit chain.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Verification {
    /// True when every link holds.
    intact: bool,
    /// First broken event, if any.
    broken_at: Option<u64>,
    /// What is wrong there.
    reason: Option<String>,
}

#[utoipa::path(get, path = "/api/audit/verify", tag = "audit", responses((status = 200, body = Verification)))]
async fn verify_audit(State(s): State<AppState>, caller: Caller) -> Result<Json<Verification>> {
    let actor = caller.require_internal(Permission::ReadAudit)?;
    let b = s.store.verify_audit(actor.org).await?;
    Ok(Json(Verification {
        intact: b.is_none(),
        broken_at: b.as_ref().map(|b| b.seq),
        reason: b.map(|b| b.reason),
    }))
}
