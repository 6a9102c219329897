//! The audit trail: appended inside the caller's transaction, hash-chained per tenant, and
//! never updated or deleted by the store.

use crate::row::{parse_id, ts};
use crate::{Actor, Result, Store, StoreError, Tx};
use entente_domain::audit::{AuditEvent, BrokenLink, HashInput, chain_hash, verify_chain};
use entente_domain::{AgreementId, AuditEventId, OrganisationId};
use sqlx::Row;

/// Appends one event to the tenant's chain. Bumping `organisation.audit_seq` first takes the
/// tenant's row lock, so concurrent writers on PostgreSQL cannot fork the chain.
pub(crate) async fn append(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    agreement_id: Option<AgreementId>,
    details: serde_json::Value,
) -> Result<()> {
    let row = sqlx::query(
        "update organisation set audit_seq = audit_seq + 1 where organisation_id = $1 returning audit_seq, audit_head",
    )
    .bind(actor.org.to_string())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::not_found("organisation", actor.org))?;
    let seq: i64 = row.try_get("audit_seq")?;
    let prev: String = row.try_get("audit_head")?;
    let at = tx.now_text();
    let details = details.to_string();
    let agreement = agreement_id.map(|a| a.to_string()).unwrap_or_default();
    let hash = chain_hash(HashInput {
        seq: seq as u64,
        at: &at,
        actor: &actor.name,
        action,
        entity,
        entity_id,
        agreement_id: &agreement,
        details: &details,
        prev_hash: &prev,
    });
    sqlx::query(
        "insert into audit_event (audit_event_id, organisation_id, seq, at, actor, action, entity, entity_id, \
         agreement_id, details, prev_hash, hash, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $4, $4)",
    )
    .bind(AuditEventId::new().to_string())
    .bind(actor.org.to_string())
    .bind(seq)
    .bind(&at)
    .bind(&actor.name)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(agreement_id.map(|a| a.to_string()))
    .bind(&details)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "update organisation set audit_head = $1, updated_at = $2 where organisation_id = $3",
    )
    .bind(&hash)
    .bind(&at)
    .bind(actor.org.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn event_from_row(r: &sqlx::any::AnyRow) -> Result<AuditEvent> {
    let seq: i64 = r.try_get("seq")?;
    Ok(AuditEvent {
        id: parse_id(&r.try_get::<String, _>("audit_event_id")?)?,
        seq: seq as u64,
        at: ts(&r.try_get::<String, _>("at")?)?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        entity: r.try_get("entity")?,
        entity_id: r.try_get("entity_id")?,
        agreement_id: r.try_get("agreement_id")?,
        details: r.try_get("details")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

const EVENT_COLUMNS: &str = "audit_event_id, seq, at, actor, action, entity, entity_id, agreement_id, details, prev_hash, hash";

impl Store {
    /// The tenant's events, oldest first, optionally for one agreement. Events about an
    /// agreement are as visible as the agreement (those of a deleted one only to an actor who
    /// sees every agreement); for an agreement the actor may not see the answer is not-found.
    pub async fn list_audit(
        &self,
        actor: &Actor,
        agreement: Option<AgreementId>,
    ) -> Result<Vec<AuditEvent>> {
        self.audit_events(actor, agreement, 0, None).await
    }

    /// One page of [`Store::list_audit`]: at most `limit` events with a sequence number above
    /// `after`, oldest first. The sequence number is unique and only grows within a tenant, so
    /// pages neither repeat nor skip an event while others write. An actor who does not see
    /// every agreement gets only events about agreements it sees: events about no agreement
    /// (calendar feeds, tokens, members) may name agreements in their details.
    pub async fn list_audit_page(
        &self,
        actor: &Actor,
        agreement: Option<AgreementId>,
        after: u64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>> {
        self.audit_events(actor, agreement, after, Some(limit))
            .await
    }

    async fn audit_events(
        &self,
        actor: &Actor,
        agreement: Option<AgreementId>,
        after: u64,
        limit: Option<u32>,
    ) -> Result<Vec<AuditEvent>> {
        let after = i64::try_from(after)
            .map_err(|_| entente_domain::ValidationError::new("cursor", "is out of range"))?;
        let mut binds = vec![actor.org.to_string()];
        let mut sql =
            format!("select {EVENT_COLUMNS} from audit_event e where e.organisation_id = $1");
        if let Some(a) = agreement {
            binds.push(a.to_string());
            sql.push_str(&format!(" and e.agreement_id = ${}", binds.len()));
        }
        let (sees, sees_binds) = actor.sees_agreement("e.agreement_id", binds.len() + 1);
        if limit.is_some() && !actor.sees_all() {
            sql.push_str(&format!(" and e.agreement_id is not null and {sees}"));
        } else {
            sql.push_str(&format!(" and (e.agreement_id is null or {sees})"));
        }
        // Literals of checked integers, not binds: every bind of this query is text.
        if after > 0 {
            sql.push_str(&format!(" and e.seq > {after}"));
        }
        sql.push_str(" order by e.seq");
        if let Some(n) = limit {
            sql.push_str(&format!(" limit {n}"));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds.into_iter().chain(sees_binds) {
            q = q.bind(b);
        }
        let events = q
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(event_from_row)
            .collect::<Result<Vec<_>>>()?;
        // Events outlive a deleted agreement, so existence is asked only when none are shown:
        // no events and no agreement the actor sees is not-found, like an unknown id.
        if let Some(a) = agreement
            && events.is_empty()
        {
            self.check_visible(actor, a).await?;
        }
        Ok(events)
    }

    /// Re-checks a tenant's whole chain, including that its head matches the last event.
    pub async fn verify_audit(&self, org: OrganisationId) -> Result<Option<BrokenLink>> {
        let actor = Actor::new(org, "system");
        let events = self.list_audit(&actor, None).await?;
        if let Some(b) = verify_chain(&events) {
            return Ok(Some(b));
        }
        let (seq, head): (i64, String) = sqlx::query_as(
            "select audit_seq, audit_head from organisation where organisation_id = $1",
        )
        .bind(org.to_string())
        .fetch_one(&self.pool)
        .await?;
        let last = events.last();
        if last.map_or(0, |e| e.seq) != seq as u64
            || last.map_or(entente_domain::audit::GENESIS, |e| e.hash.as_str()) != head
        {
            return Ok(Some(BrokenLink {
                seq: last.map_or(1, |e| e.seq + 1),
                reason: format!(
                    "the chain ends at event {} but the tenant recorded {seq} events (events removed from the end?)",
                    last.map_or(0, |e| e.seq)
                ),
            }));
        }
        Ok(None)
    }

    /// Checks the events of one agreement (`events`, as [`Store::list_audit`] gives them)
    /// where they stand in the tenant's chain: reads only their neighbours and the tenant's
    /// head, so its cost follows the agreement's history, not the tenant's (the whole chain is
    /// [`Store::verify_audit`]'s). See [`entente_domain::audit::verify_in_place`].
    pub async fn verify_agreement_audit(
        &self,
        org: OrganisationId,
        events: &[AuditEvent],
    ) -> Result<Option<BrokenLink>> {
        let (seq, head): (i64, String) = sqlx::query_as(
            "select audit_seq, audit_head from organisation where organisation_id = $1",
        )
        .bind(org.to_string())
        .fetch_one(&self.pool)
        .await?;
        let mut wanted: Vec<i64> = events
            .iter()
            .flat_map(|e| [e.seq.saturating_sub(1), e.seq + 1])
            .filter_map(|s| i64::try_from(s).ok())
            .filter(|s| *s > 0)
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut links = std::collections::HashMap::new();
        for part in wanted.chunks(500) {
            // Literals of checked integers, not binds: the only bind is the tenant.
            let list: Vec<String> = part.iter().map(i64::to_string).collect();
            let rows: Vec<(i64, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "select seq, hash, prev_hash from audit_event where organisation_id = $1 and seq in ({})",
                list.join(", ")
            )))
            .bind(org.to_string())
            .fetch_all(&self.pool)
            .await?;
            for (s, hash, prev_hash) in rows {
                links.insert(s as u64, entente_domain::audit::Link { hash, prev_hash });
            }
        }
        Ok(entente_domain::audit::verify_in_place(
            events,
            |s| links.get(&s).cloned(),
            (seq as u64, &head),
        ))
    }

    /// Every organisation id, for `audit verify` across tenants.
    pub async fn organisations(&self) -> Result<Vec<(OrganisationId, String)>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("select organisation_id, slug from organisation order by slug")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(id, slug)| Ok((parse_id(&id)?, slug)))
            .collect()
    }
}
