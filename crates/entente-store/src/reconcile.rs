//! A new version of an agreement against what is tracked: obligations kept, revised, retired or
//! added (matched by `entente_domain::reconcile`), inside the transaction storing the version.

use crate::row::{json, to_json};
use crate::{Result, Tx, obligation};
use entente_domain::obligation::{NewObligation, Obligation, ObligationRevision, obligor_key};
use entente_domain::reconcile::{Candidate, Outcome, reconcile};
use entente_domain::terms::Evidence;
use entente_domain::{AgreementId, ClauseId, Date, ObligationId, VersionId};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// What became of the obligations, by id, for the audit trail.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ObligationChanges {
    pub unchanged: Vec<ObligationId>,
    pub changed: Vec<ObligationId>,
    pub added: Vec<ObligationId>,
    pub removed: Vec<ObligationId>,
}

/// A tracked obligation with where it was found (none: entered by a person).
struct Tracked {
    o: Obligation,
    clause: Option<String>,
    extracted: bool,
}

/// The version being stored, as the obligations' evidence names it.
pub(crate) struct StoredVersion<'a> {
    pub id: VersionId,
    pub number: u32,
    pub clause_ids: &'a [ClauseId],
    pub clause_numbers: Vec<Option<String>>,
}

impl StoredVersion<'_> {
    fn evidence(&self, e: &Evidence) -> serde_json::Value {
        serde_json::json!({
            "version_id": self.id,
            "clause_id": e.clause.and_then(|i| self.clause_ids.get(i)),
            "start": e.start, "end": e.end, "confidence": e.confidence,
        })
    }

    fn clause(&self, e: &Evidence) -> Option<&str> {
        e.clause
            .and_then(|i| self.clause_numbers.get(i))
            .and_then(|n| n.as_deref())
    }
}

/// Matches what the new text yields to the agreement's tracked (not retired) obligations and
/// writes the result. A duty a person entered by hand is never revised or retired: only text
/// identical to it counts as it. A changed duty keeps its id, status, owner, recorded
/// occurrences and evidence files; its earlier wording goes into its revisions and governs
/// what fell due before `today`. A duty the new text no longer holds is retired from `today`.
#[allow(clippy::too_many_arguments)] // One transaction's worth of context, passed once.
pub(crate) async fn obligations(
    tx: &mut Tx,
    org: &str,
    agreement: AgreementId,
    version: &StoredVersion<'_>,
    found: &[(NewObligation, Evidence)],
    effective: Option<Date>,
    today: Date,
    now: &str,
) -> Result<ObligationChanges> {
    let tracked = load_tracked(tx, agreement).await?;
    let t_cands: Vec<Candidate<'_>> = tracked
        .iter()
        .map(|t| Candidate {
            text: &t.o.text,
            clause: t.clause.as_deref(),
            obligor: &t.o.obligor,
        })
        .collect();
    let f_cands: Vec<Candidate<'_>> = found
        .iter()
        .map(|(o, e)| Candidate {
            text: &o.text,
            clause: version.clause(e),
            obligor: &o.obligor,
        })
        .collect();
    let mut out = ObligationChanges::default();
    for outcome in reconcile(&t_cands, &f_cands) {
        match outcome {
            Outcome::Unchanged {
                tracked: ti,
                found: fi,
            } => {
                let t = &tracked[ti];
                if t.extracted {
                    // The clause text behind it is now the new version's.
                    sqlx::query("update obligation set evidence = $1, updated_at = $2 where obligation_id = $3")
                        .bind(version.evidence(&found[fi].1).to_string())
                        .bind(now)
                        .bind(t.o.id.to_string())
                        .execute(&mut **tx)
                        .await?;
                }
                out.unchanged.push(t.o.id);
            }
            Outcome::Changed {
                tracked: ti,
                found: fi,
                ..
            } if tracked[ti].extracted => {
                let t = &tracked[ti];
                revise(tx, &t.o, &found[fi], version, effective, today, now).await?;
                out.changed.push(t.o.id);
            }
            Outcome::Changed { found: fi, .. } | Outcome::Added { found: fi } => {
                let (o, e) = &found[fi];
                let id = obligation::insert(
                    tx,
                    org,
                    agreement,
                    o,
                    effective,
                    Some(version.evidence(e)),
                    now,
                )
                .await?;
                out.added.push(id);
            }
            Outcome::Removed { tracked: ti } if tracked[ti].extracted => {
                sqlx::query("update obligation set retired_on = $1, updated_at = $2 where obligation_id = $3")
                    .bind(today.to_string())
                    .bind(now)
                    .bind(tracked[ti].o.id.to_string())
                    .execute(&mut **tx)
                    .await?;
                out.removed.push(tracked[ti].o.id);
            }
            Outcome::Removed { .. } => {}
        }
    }
    Ok(out)
}

async fn load_tracked(tx: &mut Tx, agreement: AgreementId) -> Result<Vec<Tracked>> {
    let clause_numbers: HashMap<String, Option<String>> =
        sqlx::query_as::<_, (String, Option<String>)>(
            "select clause_id, number from clause where agreement_id = $1",
        )
        .bind(agreement.to_string())
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect();
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select {}, evidence from obligation where agreement_id = $1 and retired_on is null order by created_at, obligation_id",
        obligation::COLUMNS
    )))
    .bind(agreement.to_string())
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let evidence: Option<serde_json::Value> = r
            .try_get::<Option<String>, _>("evidence")?
            .map(|e| json(&e))
            .transpose()?;
        let clause = evidence
            .as_ref()
            .and_then(|e| e.get("clause_id"))
            .and_then(|c| c.as_str())
            .and_then(|c| clause_numbers.get(c).cloned().flatten());
        out.push(Tracked {
            o: obligation::from_row(r)?,
            clause,
            extracted: evidence.is_some(),
        });
    }
    Ok(out)
}

async fn revise(
    tx: &mut Tx,
    cur: &Obligation,
    (new, e): &(NewObligation, Evidence),
    version: &StoredVersion<'_>,
    effective: Option<Date>,
    today: Date,
    now: &str,
) -> Result<()> {
    new.validate()?;
    let mut revisions = cur.revisions.clone();
    revisions.push(ObligationRevision {
        obligor: cur.obligor.clone(),
        text: cur.text.clone(),
        due: cur.due.clone(),
        metric: cur.metric.clone(),
        until: today,
        replaced_by_version: Some(version.number),
    });
    sqlx::query(
        "update obligation set obligor = $1, obligor_key = $2, beneficiary = $3, body = $4, due = $5, due_date = $6, metric = $7, \
         vague = $8, survives = $9, evidence = $10, revisions = $11, updated_at = $12, recurring = $14 where obligation_id = $13",
    )
    .bind(new.obligor.trim())
    .bind(obligor_key(&new.obligor))
    .bind(new.beneficiary.clone())
    .bind(new.text.trim())
    .bind(to_json(&new.due))
    .bind(new.due.first_due(effective).map(|d| d.to_string()))
    .bind(new.metric.as_ref().map(to_json))
    .bind(i64::from(new.vague))
    .bind(i64::from(new.survives))
    .bind(version.evidence(e).to_string())
    .bind(to_json(&revisions))
    .bind(now)
    .bind(cur.id.to_string())
    .bind(i64::from(crate::schedule::is_recurring(&new.due)))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
