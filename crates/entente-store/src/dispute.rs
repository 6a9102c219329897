//! Disputes: stored whole as JSON (tiers snapshot and history) beside the columns
//! queries need (status, the current tier's deadline); escalation by decision or when a
//! tier's clock has run out, and resolution with outcome and settlement.

use crate::agreement::{lock_agreement, touch};
use crate::row::{json, opt_date, parse_id, to_json};
use crate::{Actor, Result, Store, StoreError, Tx, audit};
use entente_domain::dispute::{Dispute, DisputeEvent, DisputeStatus, Tier};
use entente_domain::{AgreementId, Date, DisputeId, Money, Timestamp, ValidationError};

async fn save(tx: &mut Tx, actor: &Actor, d: &Dispute, insert: bool) -> Result<()> {
    let now = tx.now_text();
    let sql = if insert {
        "insert into dispute (dispute_id, organisation_id, agreement_id, body, status, deadline, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7)"
    } else {
        "update dispute set body = $4, status = $5, deadline = $6, updated_at = $7 \
         where dispute_id = $1 and organisation_id = $2 and agreement_id = $3"
    };
    sqlx::query(sql)
        .bind(d.id.to_string())
        .bind(actor.org.to_string())
        .bind(d.agreement_id.to_string())
        .bind(to_json(d))
        .bind(d.status.as_str())
        .bind(d.deadline().map(|x| x.to_string()))
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    touch(tx, d.agreement_id, &now).await
}

impl Store {
    /// Opens a dispute on an agreement with the tiers it will follow.
    #[allow(clippy::too_many_arguments)]
    pub async fn open_dispute(
        &self,
        actor: &Actor,
        id: AgreementId,
        subject: &str,
        parties: Vec<String>,
        amount: Option<Money>,
        opened_on: Date,
        tiers: Vec<Tier>,
    ) -> Result<Dispute> {
        if tiers.is_empty() {
            return Err(ValidationError::new("tiers", "a dispute needs at least one tier").into());
        }
        let mut tx = self.begin().await?;
        lock_agreement(&mut tx, actor, id).await?;
        let now = self.now_text();
        let at = crate::row::ts(&now)?;
        let d = Dispute {
            id: DisputeId::new(),
            agreement_id: id,
            subject: subject.to_owned(),
            parties,
            amount,
            opened_on,
            tier: 0,
            tier_started_on: opened_on,
            status: DisputeStatus::Open,
            outcome: None,
            settlement: None,
            closed_on: None,
            events: vec![DisputeEvent {
                at,
                by: actor.name.clone(),
                kind: "open".into(),
                tier: 0,
                on: opened_on,
                note: Some(format!("opened at tier {}", tiers[0].kind)),
            }],
            tiers,
        };
        save(&mut tx, actor, &d, true).await?;
        audit::append(
            &mut tx,
            actor,
            "dispute.open",
            "dispute",
            &d.id.to_string(),
            Some(id),
            serde_json::json!({
                "subject": d.subject, "parties": d.parties, "amount": d.amount, "opened_on": d.opened_on,
                "tiers": d.tiers, "deadline": d.deadline(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Disputes of an agreement, oldest first.
    pub async fn disputes(&self, actor: &Actor, id: AgreementId) -> Result<Vec<Dispute>> {
        self.check_visible(actor, id).await?;
        let rows: Vec<(String,)> = sqlx::query_as(
            "select body from dispute where organisation_id = $1 and agreement_id = $2 order by created_at, dispute_id",
        )
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|(b,)| json(b)).collect()
    }

    /// One dispute (as visible as its agreement).
    pub async fn get_dispute(&self, actor: &Actor, id: DisputeId) -> Result<Dispute> {
        let row: Option<(String,)> = sqlx::query_as(
            "select body from dispute where organisation_id = $1 and dispute_id = $2",
        )
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let d: Dispute = json(&row.ok_or_else(|| StoreError::not_found("dispute", id))?.0)?;
        self.check_visible(actor, d.agreement_id)
            .await
            .map_err(|_| StoreError::not_found("dispute", id))?;
        Ok(d)
    }

    async fn change_dispute<F>(
        &self,
        actor: &Actor,
        id: DisputeId,
        action: &str,
        f: F,
    ) -> Result<Dispute>
    where
        F: FnOnce(
            &mut Dispute,
            Date,
            Timestamp,
        ) -> std::result::Result<serde_json::Value, ValidationError>,
    {
        let cur = self.get_dispute(actor, id).await?;
        let today = self.today(actor).await?;
        let mut tx = self.begin().await?;
        lock_agreement(&mut tx, actor, cur.agreement_id).await?;
        // Re-read inside the transaction so two concurrent escalations cannot both apply.
        let body: String = sqlx::query_scalar("select body from dispute where dispute_id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        let mut d: Dispute = json(&body)?;
        let now = self.now_text();
        let details = f(&mut d, today, crate::row::ts(&now)?)?;
        save(&mut tx, actor, &d, false).await?;
        audit::append(
            &mut tx,
            actor,
            action,
            "dispute",
            &id.to_string(),
            Some(d.agreement_id),
            details,
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Escalates a dispute to its next tier on `on`, by decision. `on` may not be before the
    /// dispute's last event nor after the tenant's today.
    pub async fn escalate_dispute(
        &self,
        actor: &Actor,
        id: DisputeId,
        on: Date,
        note: Option<String>,
    ) -> Result<Dispute> {
        let by = actor.name.clone();
        self.change_dispute(actor, id, "dispute.escalate", move |d, today, at| {
            let from = d.current().map(|t| t.kind.clone());
            d.escalate(on, today, &by, at, note.clone())?;
            Ok(serde_json::json!({ "from": from, "to": d.current().map(|t| &t.kind), "on": on, "note": note, "deadline": d.deadline() }))
        })
        .await
    }

    /// Closes a dispute with its outcome, on a day between its last event and the tenant's
    /// today.
    pub async fn resolve_dispute(
        &self,
        actor: &Actor,
        id: DisputeId,
        status: DisputeStatus,
        on: Date,
        outcome: Option<String>,
        settlement: Option<Money>,
    ) -> Result<Dispute> {
        if outcome.as_ref().is_some_and(|o| o.chars().count() > 2000) {
            return Err(ValidationError::new("notes", "must be at most 2000 characters").into());
        }
        let by = actor.name.clone();
        self.change_dispute(actor, id, "dispute.resolve", move |d, today, at| {
            d.resolve(status, on, today, outcome.clone(), settlement, &by, at)?;
            Ok(serde_json::json!({ "outcome": status.as_str(), "on": on, "notes": outcome, "settlement": settlement }))
        })
        .await
    }

    /// Escalates every open dispute of the tenant whose current tier's clock ran out before
    /// `today` (the day after the deadline starts the next tier). Returns those escalated.
    ///
    /// `today` may not be after the tenant's today: an escalation is a fact recorded on the
    /// day it happens. With `dry_run` any day may be rehearsed: the disputes come back as they
    /// would be, and nothing is written.
    pub async fn escalate_due_disputes(
        &self,
        actor: &Actor,
        today: Date,
        dry_run: bool,
    ) -> Result<Vec<Dispute>> {
        let real_today = self.today(actor).await?;
        if !dry_run && today > real_today {
            return Err(ValidationError::new(
                "today",
                format!(
                    "{today} is after today ({real_today}): escalations are recorded on the day they happen; rehearse a later day as a dry run"
                ),
            )
            .into());
        }
        // Only disputes the actor may see: escalating one would change a hidden agreement.
        let (sees, sees_binds) = actor.sees_agreement("dispute.agreement_id", 3);
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select dispute_id, deadline from dispute where organisation_id = $1 and status = 'open' \
             and deadline is not null and deadline < $2 and {sees} order by deadline, dispute_id"
        )))
        .bind(actor.org.to_string())
        .bind(today.to_string());
        for b in sees_binds {
            q = q.bind(b);
        }
        let rows: Vec<(String, Option<String>)> = q.fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for (id, deadline) in rows {
            let id: DisputeId = parse_id(&id)?;
            if opt_date(deadline)?.is_none() {
                continue;
            }
            let mut d = self.get_dispute(actor, id).await?;
            let Some(on) = d.due_escalation(today) else {
                continue;
            };
            let kind = d.current().map(|t| t.kind.clone()).unwrap_or_default();
            let note = Some(format!("the {kind} clock ran out on {}", on.plus_days(-1)));
            if dry_run {
                d.escalate(on, today, &actor.name, self.now(), note)?;
                out.push(d);
                continue;
            }
            match self.escalate_dispute(actor, id, on, note).await {
                Ok(d) => out.push(d),
                // Escalated meanwhile by someone else: nothing to do.
                Err(StoreError::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}
