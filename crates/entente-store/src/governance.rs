//! Lifecycle and governance storage: status moves with who/when/why and their gates,
//! approval chains (policy per tenant, snapshot and version per round), signatures against the
//! approved version's SHA-256, review cycles, and termination notices (the agreement's
//! ending) with their withdrawal or voiding.

use crate::agreement::{
    load_parties, load_terms, lock_agreement, refresh_derived, touch, upsert_term,
};
use crate::row::{json, opt_date, parse_id, to_json, ts};
use crate::{Actor, Result, Store, StoreError, Tx, audit, obligation};
use entente_domain::access::Role;
use entente_domain::approval::{
    ApprovalChain, ApprovalPolicy, ApprovalStep, ChainState, Decision, StepStatus, Supersession,
    VersionRef, not_out_for_signature, reopen_on_new_version, signable,
};
use entente_domain::keydates::current_term_end;
use entente_domain::lifecycle::{
    CloseoutChecklist, GateFacts, NewSignature, Notice, Retirement, Review, ReviewOutcome,
    Signature, TerminationKind, TerminationPlan, TransitionRecord, Via, check_move, find_party,
    next_review, termination_date, unsigned_parties,
};
use entente_domain::obligation::Obligation;
use entente_domain::terms::{Source, Sourced, TermField, TermValue};
use entente_domain::{
    AgreementId, AgreementStatus, Date, OrganisationId, Period, ReviewId, SignatureId,
    TerminationId, Timestamp, ValidationError,
};
use serde::Serialize;
use sqlx::{Any, Row};

/// A termination notice with the duties it created.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TerminationView {
    /// Identifier.
    pub id: TerminationId,
    /// Why it ends.
    pub kind: TerminationKind,
    /// The party that gave notice.
    pub given_by: String,
    /// When notice was given.
    pub given_on: Date,
    /// The clause relied on.
    pub clause: Option<String>,
    /// Reason.
    pub reason: Option<String>,
    /// Effective date and its derivation.
    pub plan: TerminationPlan,
    /// Who recorded it.
    pub recorded_by: String,
    /// The contract's duties that fall due after this ending, each with its date.
    pub duties: Vec<DutyAfterEnd>,
    /// Obligations the notice created: the tenant's close-out checklist items (text starting
    /// "Close-out checklist: "), with their status; removed if the notice is retired.
    pub obligations: Vec<Obligation>,
    /// Set when the notice was withdrawn or voided: it no longer ends the agreement.
    pub retired: Option<NoticeRetired>,
}

/// A duty the contract sets for after the end, dated from the actual ending.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DutyAfterEnd {
    /// The obligation.
    pub obligation: Obligation,
    /// When it falls due, and how that was computed.
    pub occurrence: entente_domain::occurrence::Occurrence,
    /// Done or waived.
    pub settled: bool,
}

/// How and why a notice stopped being in force.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeRetired {
    /// Withdrawn or voided.
    pub how: Retirement,
    /// Who recorded it.
    pub by: String,
    /// When.
    #[schema(format = DateTime)]
    pub at: String,
    /// Why.
    pub reason: String,
}

/// An audit event a caller adds to a move, recorded in the move's transaction.
#[derive(Debug, Clone)]
pub struct Note {
    /// The action (`draft.override`).
    pub action: String,
    /// Its details (who is the actor; why and what goes here).
    pub details: serde_json::Value,
}

/// Moves an agreement inside the caller's transaction: checks the graph and the gate, updates
/// the status, records the transition (who, when, why, via) and its audit event.
// One move has this many independent inputs; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_move(
    tx: &mut Tx,
    actor: &Actor,
    id: AgreementId,
    from: AgreementStatus,
    to: AgreementStatus,
    reason: Option<&str>,
    via: Via,
    today: Date,
) -> Result<AgreementStatus> {
    let facts = gate_facts(tx, &actor.org.to_string(), id, from, to, today).await?;
    let next = check_move(from, to, &facts)?;
    record_move(tx, actor, id, from, next, reason, via).await?;
    // Entering review starts an approval round when none is open for the latest version.
    if next == AgreementStatus::InReview {
        current_round(tx, actor, id).await?;
    }
    // Coming into force schedules the first review.
    if next.in_force() && !from.in_force() {
        ensure_review(tx, actor, id, today).await?;
    }
    Ok(next)
}

/// Records a move the caller has already checked (the gate, or a retired notice taking the
/// agreement back): the status, the transition and its audit event.
async fn record_move(
    tx: &mut Tx,
    actor: &Actor,
    id: AgreementId,
    from: AgreementStatus,
    next: AgreementStatus,
    reason: Option<&str>,
    via: Via,
) -> Result<()> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 2000) {
        return Err(ValidationError::new("reason", "must be at most 2000 characters").into());
    }
    let now = tx.now_text();
    sqlx::query("update agreement set status = $1, updated_at = $2 where agreement_id = $3")
        .bind(next.as_str())
        .bind(&now)
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "insert into agreement_transition (agreement_transition_id, organisation_id, agreement_id, from_status, to_status, \
         actor, reason, via, at, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(actor.org.to_string())
    .bind(id.to_string())
    .bind(from.as_str())
    .bind(next.as_str())
    .bind(&actor.name)
    .bind(reason)
    .bind(via.as_str())
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        actor,
        "agreement.transition",
        "agreement",
        &id.to_string(),
        Some(id),
        serde_json::json!({ "from": from.as_str(), "to": next.as_str(), "reason": reason, "via": via.as_str() }),
    )
    .await?;
    Ok(())
}

async fn gate_facts(
    tx: &mut Tx,
    org: &str,
    id: AgreementId,
    from: AgreementStatus,
    to: AgreementStatus,
    today: Date,
) -> Result<GateFacts> {
    use AgreementStatus::*;
    let mut f = GateFacts {
        today: Some(today),
        ..Default::default()
    };
    match (from, to) {
        (InReview, Approved) => {
            f.approval_pending = latest_round(tx, org, id).await?.map(|c| {
                c.steps
                    .iter()
                    .filter(|s| s.status != StepStatus::Approved)
                    .map(|s| format!("{} ({})", s.name, s.status.as_str()))
                    .collect()
            });
        }
        (OutForSignature, Active) => {
            if let Some(v) = latest_version(tx, org, id).await? {
                f.has_version = true;
                let parties = load_parties(&mut **tx, org, id).await?;
                let sigs = load_signatures(tx, org, id).await?;
                f.unsigned = unsigned_parties(&parties, &sigs, v.id);
            }
        }
        (_, WindDown) | (TerminationNotice, Active) => {
            f.termination_effective = latest_termination_row(tx, org, id)
                .await?
                .map(|t| t.plan.effective_date);
            let terms = load_terms(&mut **tx, org, id).await?;
            let org_id = parse_id(org)?;
            let settings = crate::schedule::settings_in(&mut **tx, org_id).await?;
            let cal = crate::schedule::calendar_in(tx, org, id, None, &settings)
                .await?
                .calendar;
            f.natural_end = current_term_end(&terms, today, &cal)
                .filter(|e| !e.renews)
                .map(|e| e.date);
        }
        (WindDown, Closed) => {
            // Checklist items a notice created (older notices made some) and the contract's
            // duties due after the end, dated from the ending.
            let rows: Vec<(String,)> = sqlx::query_as(
                "select o.body from termination_obligation t join obligation o on o.obligation_id = t.obligation_id \
                 join termination n on n.termination_id = t.termination_id \
                 where n.agreement_id = $1 and n.retired is null and o.organisation_id = $2 \
                 and o.status in ('pending', 'overdue') order by o.due_date",
            )
            .bind(id.to_string())
            .bind(org)
            .fetch_all(&mut **tx)
            .await?;
            f.open_wind_down = rows.into_iter().map(|(b,)| b).collect();
            for d in open_duties(tx, org, id, today).await? {
                if !d.settled {
                    f.open_wind_down.push(format!(
                        "{}: {} (due {})",
                        d.obligation.obligor, d.obligation.text, d.occurrence.due
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(f)
}

async fn checklist_in<'e, E>(ex: E, org: &str) -> Result<CloseoutChecklist>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let items: Option<(String,)> =
        sqlx::query_as("select items from closeout_checklist where organisation_id = $1")
            .bind(org)
            .fetch_optional(ex)
            .await?;
    Ok(match items {
        Some((j,)) => CloseoutChecklist { items: json(&j)? },
        None => CloseoutChecklist::default(),
    })
}

/// The contract's duties due after the end of an agreement, dated from its ending in force.
async fn open_duties(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    id: AgreementId,
    today: Date,
) -> Result<Vec<DutyAfterEnd>> {
    let terms = load_terms(&mut *conn, org, id).await?;
    let settings = crate::schedule::settings_in(&mut *conn, parse_id(org)?).await?;
    let cal = crate::schedule::calendar_in(&mut *conn, org, id, None, &settings)
        .await?
        .calendar;
    let endings = crate::schedule::load_endings(&mut *conn, org, &[id]).await?;
    let obligations = crate::schedule::load_obligations(&mut *conn, org, &[id]).await?;
    let records = crate::schedule::load_records(&mut *conn, org, &obligations).await?;
    Ok(crate::schedule::duties_after_end(
        &terms,
        endings.get(&id),
        &obligations,
        &records,
        today,
        &cal,
    )
    .into_iter()
    .map(|(obligation, occurrence, settled)| DutyAfterEnd {
        obligation,
        occurrence,
        settled,
    })
    .collect())
}

/// The latest version of an agreement: id, number, SHA-256.
async fn latest_version(tx: &mut Tx, org: &str, id: AgreementId) -> Result<Option<VersionRef>> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "select version_id, number, sha256 from document_version where organisation_id = $1 and agreement_id = $2 \
         order by number desc limit 1",
    )
    .bind(org)
    .bind(id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(version_ref).transpose()
}

/// A version from its (id, number, SHA-256) columns.
fn version_ref((v, n, s): (String, i64, String)) -> Result<VersionRef> {
    Ok(VersionRef {
        id: parse_id(&v)?,
        number: n as u32,
        sha256: s,
    })
}

/// The version of an agreement whose document has this SHA-256, if any.
async fn version_with_sha(tx: &mut Tx, id: AgreementId, sha: &str) -> Result<Option<VersionRef>> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "select version_id, number, sha256 from document_version where agreement_id = $1 and sha256 = $2 \
         order by number desc limit 1",
    )
    .bind(id.to_string())
    .bind(sha)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(version_ref).transpose()
}

/// A version named by the columns `{prefix}version_id`, `{prefix}number`, `{prefix}sha256` of
/// a row (all null when there is none).
fn version_in(r: &sqlx::any::AnyRow, prefix: &str) -> Result<Option<VersionRef>> {
    let id: Option<String> = r.try_get(format!("{prefix}version_id").as_str())?;
    let number: Option<i64> = r.try_get(format!("{prefix}number").as_str())?;
    let sha: Option<String> = r.try_get(format!("{prefix}sha256").as_str())?;
    match (id, number, sha) {
        (Some(id), Some(n), Some(sha)) => Ok(Some(VersionRef {
            id: parse_id(&id)?,
            number: n as u32,
            sha256: sha,
        })),
        (None, _, _) => Ok(None),
        (Some(id), _, _) => Err(StoreError::Corrupt(format!(
            "approval names version {id}, which has no number or SHA-256"
        ))),
    }
}

/// The approval rounds of an agreement, oldest first (only the latest with `latest_only`),
/// each with its version, supersession and steps.
async fn load_rounds(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    id: AgreementId,
    latest_only: bool,
) -> Result<Vec<ApprovalChain>> {
    let only = if latest_only {
        " and r.round = (select max(round) from approval_round where agreement_id = $2)"
    } else {
        ""
    };
    let rounds = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select r.round, r.version_id, v.number, r.sha256, r.superseded_at, r.superseded_by, r.superseded_reason, \
         r.superseded_version_id as new_version_id, n.number as new_number, n.sha256 as new_sha256 \
         from approval_round r left join document_version v on v.version_id = r.version_id \
         left join document_version n on n.version_id = r.superseded_version_id \
         where r.organisation_id = $1 and r.agreement_id = $2{only} order by r.round"
    )))
    .bind(org)
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rounds.len());
    for r in &rounds {
        let round: i64 = r.try_get("round")?;
        let superseded = match r.try_get::<Option<String>, _>("superseded_at")? {
            None => None,
            Some(at) => Some(Supersession {
                at: ts(&at)?,
                by: r
                    .try_get::<Option<String>, _>("superseded_by")?
                    .unwrap_or_default(),
                version: version_in(r, "new_")?.ok_or_else(|| {
                    StoreError::Corrupt(format!("approval round {round} superseded by no version"))
                })?,
                reason: r
                    .try_get::<Option<String>, _>("superseded_reason")?
                    .unwrap_or_default(),
            }),
        };
        out.push(ApprovalChain {
            round: round as u32,
            version: version_in(r, "")?,
            steps: Vec::new(),
            state: ChainState::Open,
            superseded,
            warnings: Vec::new(),
        });
    }
    let steps = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select s.round, s.stage, s.name, s.role, s.reason, s.status, s.decided_by, s.decided_at, s.comment, \
         s.version_id, v.number, s.sha256, s.value_unknown from approval_step s \
         left join document_version v on v.version_id = s.version_id \
         where s.organisation_id = $1 and s.agreement_id = $2{} order by s.round, s.ordinal",
        only.replace("r.round", "s.round")
    )))
    .bind(org)
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    for r in &steps {
        let round: i64 = r.try_get("round")?;
        let stage: i64 = r.try_get("stage")?;
        let unknown: i64 = r.try_get("value_unknown")?;
        let decided_at: Option<String> = r.try_get("decided_at")?;
        let step = ApprovalStep {
            name: r.try_get("name")?,
            role: Role::parse(&r.try_get::<String, _>("role")?)
                .map_err(|e| StoreError::Corrupt(e.message))?,
            stage: stage as u32,
            reason: r.try_get("reason")?,
            status: StepStatus::parse(&r.try_get::<String, _>("status")?)
                .map_err(|e| StoreError::Corrupt(e.message))?,
            decided_by: r.try_get("decided_by")?,
            decided_at: decided_at.map(|t| ts(&t)).transpose()?,
            comment: r.try_get("comment")?,
            version: version_in(r, "")?,
            value_unknown: unknown != 0,
        };
        out.iter_mut()
            .find(|c| i64::from(c.round) == round)
            .ok_or_else(|| {
                StoreError::Corrupt(format!("approval step of a missing round {round}"))
            })?
            .steps
            .push(step);
    }
    for c in &mut out {
        c.settle();
    }
    Ok(out)
}

async fn latest_round(tx: &mut Tx, org: &str, id: AgreementId) -> Result<Option<ApprovalChain>> {
    Ok(load_rounds(tx, org, id, true).await?.pop())
}

async fn load_policy<'e, E>(ex: E, org: &str) -> Result<ApprovalPolicy>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let p: Option<String> =
        sqlx::query_scalar("select policy from approval_policy where organisation_id = $1")
            .bind(org)
            .fetch_optional(ex)
            .await?;
    p.map_or_else(|| Ok(ApprovalPolicy::default()), |p| json(&p))
}

/// Rounds stored before rounds recorded their version (migration 14) get their row, with the
/// version that was the latest when the round started; their decisions are taken to be made on
/// it. Runs at start-up and does nothing once every round has its row.
pub(crate) async fn version_earlier_rounds(pool: &sqlx::AnyPool) -> Result<()> {
    let latest_then = |col: &str| {
        format!(
            "(select v.{col} from document_version v where v.agreement_id = r.agreement_id \
             and v.created_at <= r.started order by v.number desc limit 1)"
        )
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "insert into approval_round (organisation_id, agreement_id, round, version_id, sha256, created_at, updated_at) \
         select r.organisation_id, r.agreement_id, r.round, {}, {}, r.started, r.started \
         from (select organisation_id, agreement_id, round, min(created_at) as started from approval_step \
               group by organisation_id, agreement_id, round) r \
         where not exists (select 1 from approval_round x where x.agreement_id = r.agreement_id and x.round = r.round) \
         on conflict (agreement_id, round) do nothing",
        latest_then("version_id"),
        latest_then("sha256")
    )))
    .execute(pool)
    .await?;
    // Decisions of those rounds; idempotent, so a start-up stopped between the two catches up.
    sqlx::query(
        "update approval_step set \
         version_id = (select r.version_id from approval_round r where r.agreement_id = approval_step.agreement_id \
             and r.round = approval_step.round), \
         sha256 = (select r.sha256 from approval_round r where r.agreement_id = approval_step.agreement_id \
             and r.round = approval_step.round) \
         where decided_at is not null and version_id is null",
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Starts the next approval round from the tenant's current policy (the snapshot is stored),
/// for the agreement's latest version.
async fn start_round(tx: &mut Tx, actor: &Actor, id: AgreementId) -> Result<ApprovalChain> {
    let org = actor.org.to_string();
    let version = latest_version(tx, &org, id).await?;
    let policy = load_policy(&mut **tx, &org).await?;
    let kind: String = sqlx::query_scalar("select kind from agreement where agreement_id = $1")
        .bind(id.to_string())
        .fetch_one(&mut **tx)
        .await?;
    let kind =
        entente_domain::AgreementKind::parse(&kind).map_err(|e| StoreError::Corrupt(e.message))?;
    let terms = load_terms(&mut **tx, &org, id).await?;
    let value = match terms.get(TermField::ContractValue) {
        Some(TermValue::Money(m)) => Some(*m),
        _ => None,
    };
    let round: i64 = sqlx::query_scalar(
        "select coalesce(max(round), 0) + 1 from approval_round where agreement_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(&mut **tx)
    .await?;
    let chain = ApprovalChain::new(
        round as u32,
        version.clone(),
        policy.chain_for(kind, value.as_ref()),
    );
    let now = tx.now_text();
    sqlx::query(
        "insert into approval_round (organisation_id, agreement_id, round, version_id, sha256, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&org)
    .bind(id.to_string())
    .bind(round)
    .bind(version.as_ref().map(|v| v.id.to_string()))
    .bind(version.as_ref().map(|v| v.sha256.clone()))
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    for (i, s) in chain.steps.iter().enumerate() {
        sqlx::query(
            "insert into approval_step (approval_step_id, organisation_id, agreement_id, round, ordinal, stage, name, role, reason, \
             status, value_unknown, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&org)
        .bind(id.to_string())
        .bind(round)
        .bind(i as i64)
        .bind(i64::from(s.stage))
        .bind(&s.name)
        .bind(s.role.as_str())
        .bind(&s.reason)
        .bind(s.status.as_str())
        .bind(i64::from(s.value_unknown))
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    }
    audit::append(
        tx,
        actor,
        "approval.submit",
        "agreement",
        &id.to_string(),
        Some(id),
        serde_json::json!({
            "round": round,
            "version": version.as_ref().map(|v| v.number),
            "version_id": version.as_ref().map(|v| v.id),
            "sha256": version.as_ref().map(|v| &v.sha256),
            "steps": chain.steps.iter().map(|s| serde_json::json!({"name": s.name, "role": s.role, "stage": s.stage, "reason": s.reason})).collect::<Vec<_>>(),
            "warnings": chain.warnings,
        }),
    )
    .await?;
    Ok(chain)
}

/// Marks round `round` superseded (its undecided steps become `cancelled`) and audits why.
async fn supersede(
    tx: &mut Tx,
    actor: &Actor,
    id: AgreementId,
    old: &ApprovalChain,
    why: &Supersession,
) -> Result<()> {
    let at = why.at.to_string();
    sqlx::query(
        "update approval_round set superseded_at = $1, superseded_by = $2, superseded_version_id = $3, superseded_reason = $4, \
         updated_at = $1 where agreement_id = $5 and round = $6 and superseded_at is null",
    )
    .bind(&at)
    .bind(&why.by)
    .bind(why.version.id.to_string())
    .bind(&why.reason)
    .bind(id.to_string())
    .bind(i64::from(old.round))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "update approval_step set status = 'cancelled', updated_at = $1 where agreement_id = $2 and round = $3 and status = 'pending'",
    )
    .bind(&at)
    .bind(id.to_string())
    .bind(i64::from(old.round))
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        actor,
        "approval.supersede",
        "agreement",
        &id.to_string(),
        Some(id),
        serde_json::json!({
            "round": old.round,
            "was": old.state.to_string(),
            "version": old.version.as_ref().map(|v| v.number),
            "sha256": old.version.as_ref().map(|v| &v.sha256),
            "new_version": why.version.number,
            "new_sha256": why.version.sha256,
            "reason": why.reason,
        }),
    )
    .await
}

/// The open round for the agreement's latest version: the latest round when it is open and
/// for that version; else a new round (an open round for an older version is superseded first).
async fn current_round(tx: &mut Tx, actor: &Actor, id: AgreementId) -> Result<ApprovalChain> {
    let org = actor.org.to_string();
    let latest = latest_version(tx, &org, id).await?;
    match latest_round(tx, &org, id).await? {
        Some(c) if c.state == ChainState::Open && c.check_current(latest.as_ref()).is_ok() => Ok(c),
        Some(c) if c.state == ChainState::Open => {
            // Only rounds older than version tracking can be open for an older version:
            // versions added since supersede the open round.
            if let Some(v) = &latest {
                let why = Supersession {
                    at: tx.now(),
                    by: actor.name.clone(),
                    version: v.clone(),
                    reason: format!(
                        "approval round {} was open for an earlier text; version {} needs its own approval",
                        c.round, v.number
                    ),
                };
                supersede(tx, actor, id, &c, &why).await?;
            }
            start_round(tx, actor, id).await
        }
        _ => start_round(tx, actor, id).await,
    }
}

/// After a version was added to an agreement before signature: supersedes the round that no longer
/// covers the text, moves an approved agreement (or one out for signature) back to review, and
/// starts a round for the new version (`approval::reopen_on_new_version` decides).
pub(crate) async fn reopen_on_version(
    tx: &mut Tx,
    actor: &Actor,
    id: AgreementId,
    status: AgreementStatus,
    today: Date,
) -> Result<()> {
    let org = actor.org.to_string();
    let new = latest_version(tx, &org, id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("no version after adding one".into()))?;
    let latest = latest_round(tx, &org, id).await?;
    let Some(r) = reopen_on_new_version(status, latest.as_ref(), &new, &actor.name, tx.now())
    else {
        return Ok(());
    };
    if let Some(old) = &latest {
        supersede(tx, actor, id, old, &r.superseded).await?;
    }
    if r.back_to_review {
        // Entering review starts the round for the new version.
        apply_move(
            tx,
            actor,
            id,
            status,
            AgreementStatus::InReview,
            Some(&r.superseded.reason),
            Via::Approval,
            today,
        )
        .await?;
    } else if r.new_round {
        start_round(tx, actor, id).await?;
    }
    Ok(())
}

async fn load_signatures(tx: &mut Tx, org: &str, id: AgreementId) -> Result<Vec<Signature>> {
    signatures_query(&mut **tx, org, id).await
}

async fn signatures_query<'e, E>(ex: E, org: &str, id: AgreementId) -> Result<Vec<Signature>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows = sqlx::query(
        "select s.signature_id, s.party_id, p.legal_name, s.signatory_name, s.signatory_title, s.signed_on, s.version_id, \
         v.number, s.sha256, s.recorded_by, s.created_at from signature s join party p on p.party_id = s.party_id \
         join document_version v on v.version_id = s.version_id \
         where s.organisation_id = $1 and s.agreement_id = $2 order by v.number, s.created_at",
    )
    .bind(org)
    .bind(id.to_string())
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            let n: i64 = r.try_get("number")?;
            Ok(Signature {
                id: parse_id(&r.try_get::<String, _>("signature_id")?)?,
                party_id: parse_id(&r.try_get::<String, _>("party_id")?)?,
                party_name: r.try_get("legal_name")?,
                signatory_name: r.try_get("signatory_name")?,
                signatory_title: r.try_get("signatory_title")?,
                signed_on: Date::parse(&r.try_get::<String, _>("signed_on")?)
                    .map_err(|e| StoreError::Corrupt(e.message))?,
                version_id: parse_id(&r.try_get::<String, _>("version_id")?)?,
                version_number: n as u32,
                sha256: r.try_get("sha256")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: ts(&r.try_get::<String, _>("created_at")?)?,
            })
        })
        .collect()
}

/// Schedules a review when the agreement has none open.
async fn ensure_review(tx: &mut Tx, actor: &Actor, id: AgreementId, today: Date) -> Result<()> {
    let open: i64 = sqlx::query_scalar(
        "select count(*) from review where agreement_id = $1 and outcome is null",
    )
    .bind(id.to_string())
    .fetch_one(&mut **tx)
    .await?;
    if open > 0 {
        return Ok(());
    }
    let org = actor.org.to_string();
    let terms = load_terms(&mut **tx, &org, id).await?;
    let from = terms
        .date(TermField::EffectiveDate)
        .filter(|d| *d >= today)
        .unwrap_or(today);
    let (due, why) = next_review(&terms, from, None);
    insert_review(tx, actor, id, due, &why).await
}

async fn insert_review(
    tx: &mut Tx,
    actor: &Actor,
    id: AgreementId,
    due: Date,
    why: &str,
) -> Result<()> {
    let now = tx.now_text();
    let rid = ReviewId::new();
    sqlx::query(
        "insert into review (review_id, organisation_id, agreement_id, due_date, derivation, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(rid.to_string())
    .bind(actor.org.to_string())
    .bind(id.to_string())
    .bind(due.to_string())
    .bind(why)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        actor,
        "review.schedule",
        "review",
        &rid.to_string(),
        Some(id),
        serde_json::json!({ "due_date": due, "derivation": why }),
    )
    .await
}

struct TerminationRow {
    id: TerminationId,
    retired: Option<NoticeRetired>,
    kind: TerminationKind,
    given_by: String,
    given_on: Date,
    clause: Option<String>,
    reason: Option<String>,
    plan: TerminationPlan,
    recorded_by: String,
}

async fn latest_termination_row(
    tx: &mut Tx,
    org: &str,
    id: AgreementId,
) -> Result<Option<TerminationRow>> {
    Ok(termination_query(&mut **tx, org, id)
        .await?
        .filter(|t| t.retired.is_none()))
}

async fn termination_query<'e, E>(
    ex: E,
    org: &str,
    id: AgreementId,
) -> Result<Option<TerminationRow>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let r = sqlx::query(
        "select termination_id, kind, given_by, given_on, clause, reason, notice_period, effective_date, derivation, recorded_by, \
         retired, retired_by, retired_at, retired_reason \
         from termination where organisation_id = $1 and agreement_id = $2 order by created_at desc limit 1",
    )
    .bind(org)
    .bind(id.to_string())
    .fetch_optional(ex)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let corrupt = |e: ValidationError| StoreError::Corrupt(e.message);
    let period: Option<String> = r.try_get("notice_period")?;
    let retired = match r.try_get::<Option<String>, _>("retired")? {
        Some(how) => Some(NoticeRetired {
            how: Retirement::parse(&how).map_err(corrupt)?,
            by: r
                .try_get::<Option<String>, _>("retired_by")?
                .unwrap_or_default(),
            at: r
                .try_get::<Option<String>, _>("retired_at")?
                .unwrap_or_default(),
            reason: r
                .try_get::<Option<String>, _>("retired_reason")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Some(TerminationRow {
        id: parse_id(&r.try_get::<String, _>("termination_id")?)?,
        retired,
        kind: TerminationKind::parse(&r.try_get::<String, _>("kind")?).map_err(corrupt)?,
        given_by: r.try_get("given_by")?,
        given_on: Date::parse(&r.try_get::<String, _>("given_on")?).map_err(corrupt)?,
        clause: r.try_get("clause")?,
        reason: r.try_get("reason")?,
        plan: TerminationPlan {
            effective_date: Date::parse(&r.try_get::<String, _>("effective_date")?)
                .map_err(corrupt)?,
            notice_period: period
                .map(|p| Period::parse(&p))
                .transpose()
                .map_err(corrupt)?,
            derivation: r.try_get("derivation")?,
        },
        recorded_by: r.try_get("recorded_by")?,
    }))
}

fn review_from_row(r: &sqlx::any::AnyRow) -> Result<Review> {
    let outcome: Option<String> = r.try_get("outcome")?;
    Ok(Review {
        id: parse_id(&r.try_get::<String, _>("review_id")?)?,
        due_date: Date::parse(&r.try_get::<String, _>("due_date")?)
            .map_err(|e| StoreError::Corrupt(e.message))?,
        derivation: r.try_get("derivation")?,
        outcome: outcome
            .map(|o| ReviewOutcome::parse(&o))
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.message))?,
        notes: r.try_get("notes")?,
        reviewed_by: r.try_get("reviewed_by")?,
        reviewed_on: opt_date(r.try_get("reviewed_on")?)?,
    })
}

impl Store {
    /// Moves an agreement to `next` as a person's decision, checking the graph and the gates
    /// (approval chain, signatures, notice date, open wind-down duties) on `today`.
    pub async fn move_agreement(
        &self,
        actor: &Actor,
        id: AgreementId,
        next: AgreementStatus,
        reason: Option<&str>,
        today: Date,
    ) -> Result<AgreementStatus> {
        self.move_agreement_noted(actor, id, next, reason, today, None)
            .await
    }

    /// [`Store::move_agreement`], with an audit event recorded in the same transaction when
    /// the move happens (an override of a gate the caller checked, with who and why).
    pub async fn move_agreement_noted(
        &self,
        actor: &Actor,
        id: AgreementId,
        next: AgreementStatus,
        reason: Option<&str>,
        today: Date,
        note: Option<&Note>,
    ) -> Result<AgreementStatus> {
        let mut tx = self.begin().await?;
        let cur = lock_agreement(&mut tx, actor, id).await?;
        let next = apply_move(&mut tx, actor, id, cur, next, reason, Via::Manual, today).await?;
        if let Some(n) = note {
            audit::append(
                &mut tx,
                actor,
                &n.action,
                "agreement",
                &id.to_string(),
                Some(id),
                n.details.clone(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(next)
    }

    /// Moves agreements whose notice has taken effect (effective date on or before the
    /// tenant's today at `now`) from `termination_notice` to `wind_down`, as `system`; at most
    /// `limit` per call. Returns how many moved.
    pub async fn apply_endings(&self, now: Timestamp, limit: u32) -> Result<usize> {
        // The latest "today" of any time zone bounds the candidates; each tenant's own today
        // decides.
        let latest = entente_domain::alerting::today_in("UTC", now).plus_days(1);
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "select a.organisation_id, a.agreement_id, t.effective_date from agreement a \
             join termination t on t.agreement_id = a.agreement_id and t.retired is null \
             where a.status = 'termination_notice' and t.effective_date <= $1 \
             order by t.effective_date, a.agreement_id limit $2",
        )
        .bind(latest.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut moved = 0;
        for (org, id, effective) in rows {
            let org_id: OrganisationId = parse_id(&org)?;
            let today = self.alert_settings(org_id).await?.today(now);
            let effective = Date::parse(&effective).map_err(|e| StoreError::Corrupt(e.message))?;
            if effective > today {
                continue;
            }
            let actor = Actor::new(org_id, "system");
            let id: AgreementId = parse_id(&id)?;
            let mut tx = self.begin().await?;
            let cur = lock_agreement(&mut tx, &actor, id).await?;
            // Another instance (or a person) may have moved it since the query.
            if cur != AgreementStatus::TerminationNotice {
                continue;
            }
            apply_move(
                &mut tx,
                &actor,
                id,
                cur,
                AgreementStatus::WindDown,
                Some(&format!("the notice took effect on {effective}")),
                Via::Termination,
                today,
            )
            .await?;
            let at = tx.now_text();
            touch(&mut tx, id, &at).await?;
            tx.commit().await?;
            moved += 1;
        }
        Ok(moved)
    }

    /// Every recorded move of an agreement, oldest first.
    pub async fn transitions(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> Result<Vec<TransitionRecord>> {
        self.check_visible(actor, id).await?;
        let rows = sqlx::query(
            "select from_status, to_status, actor, reason, via, at from agreement_transition \
             where organisation_id = $1 and agreement_id = $2 order by at, agreement_transition_id",
        )
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let corrupt = |e: ValidationError| StoreError::Corrupt(e.message);
        rows.iter()
            .map(|r| {
                Ok(TransitionRecord {
                    from: AgreementStatus::parse(&r.try_get::<String, _>("from_status")?)
                        .map_err(corrupt)?,
                    to: AgreementStatus::parse(&r.try_get::<String, _>("to_status")?)
                        .map_err(corrupt)?,
                    by: r.try_get("actor")?,
                    at: ts(&r.try_get::<String, _>("at")?)?,
                    reason: r.try_get("reason")?,
                    via: Via::parse(&r.try_get::<String, _>("via")?).map_err(corrupt)?,
                })
            })
            .collect()
    }

    /// The tenant's approval policy (the built-in default until one is set).
    pub async fn approval_policy(&self, actor: &Actor) -> Result<ApprovalPolicy> {
        load_policy(&self.pool, &actor.org.to_string()).await
    }

    /// Replaces the tenant's approval policy; chains already started keep their snapshot.
    /// The tenant's close-out checklist (empty until one is set).
    pub async fn closeout_checklist(&self, actor: &Actor) -> Result<CloseoutChecklist> {
        checklist_in(&self.pool, &actor.org.to_string()).await
    }

    /// Replaces the tenant's close-out checklist; notices given from now on add its items.
    pub async fn set_closeout_checklist(
        &self,
        actor: &Actor,
        list: &CloseoutChecklist,
    ) -> Result<()> {
        list.validate()?;
        self.put_tenant_setting(
            actor,
            "closeout_checklist",
            "items",
            to_json(&list.items),
            serde_json::to_value(list).unwrap_or_default(),
        )
        .await
    }

    /// Replaces a tenant-wide setting kept as JSON in one row per tenant of `table` (a fixed
    /// name, never input), and audits it as `{table}.set`.
    pub(crate) async fn put_tenant_setting(
        &self,
        actor: &Actor,
        table: &'static str,
        column: &'static str,
        stored: String,
        audited: serde_json::Value,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let now = tx.now_text();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into {table} (organisation_id, {column}, created_at, updated_at) values ($1, $2, $3, $3) \
             on conflict (organisation_id) do update set {column} = excluded.{column}, updated_at = excluded.updated_at"
        )))
        .bind(actor.org.to_string())
        .bind(stored)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            &format!("{table}.set"),
            table,
            &actor.org.to_string(),
            None,
            audited,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_approval_policy(&self, actor: &Actor, policy: &ApprovalPolicy) -> Result<()> {
        policy.validate()?;
        self.put_tenant_setting(
            actor,
            "approval_policy",
            "policy",
            to_json(policy),
            serde_json::to_value(policy).unwrap_or_default(),
        )
        .await
    }

    /// Every approval round of an agreement, oldest first, each with the version it approves.
    pub async fn approval_rounds(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> Result<Vec<ApprovalChain>> {
        self.check_visible(actor, id).await?;
        let mut conn = self.pool.acquire().await?;
        load_rounds(&mut conn, &actor.org.to_string(), id, false).await
    }

    /// Submits an agreement for approval: a draft moves to review (which starts a round for
    /// its latest version); an agreement in review whose last round was rejected starts the
    /// next round.
    pub async fn submit_for_approval(
        &self,
        actor: &Actor,
        id: AgreementId,
        comment: Option<&str>,
    ) -> Result<ApprovalChain> {
        self.submit_for_approval_noted(actor, id, comment, None)
            .await
    }

    /// [`Store::submit_for_approval`], with an audit event recorded in the same transaction
    /// when a draft moves to review.
    pub async fn submit_for_approval_noted(
        &self,
        actor: &Actor,
        id: AgreementId,
        comment: Option<&str>,
        note: Option<&Note>,
    ) -> Result<ApprovalChain> {
        let today = self.today(actor).await?;
        let mut tx = self.begin().await?;
        let cur = lock_agreement(&mut tx, actor, id).await?;
        match cur {
            AgreementStatus::Draft => {
                if let Some(n) = note {
                    audit::append(
                        &mut tx,
                        actor,
                        &n.action,
                        "agreement",
                        &id.to_string(),
                        Some(id),
                        n.details.clone(),
                    )
                    .await?;
                }
                apply_move(
                    &mut tx,
                    actor,
                    id,
                    cur,
                    AgreementStatus::InReview,
                    comment.or(Some("submitted for approval")),
                    Via::Approval,
                    today,
                )
                .await?;
            }
            AgreementStatus::InReview => {
                let org = actor.org.to_string();
                let latest = latest_version(&mut tx, &org, id).await?;
                if let Some(c) = latest_round(&mut tx, &org, id).await?
                    && c.state == ChainState::Open
                    && c.check_current(latest.as_ref()).is_ok()
                {
                    return Err(StoreError::Conflict(format!(
                        "approval round {} is still open (pending: {}); decide it first",
                        c.round,
                        c.pending().join(", ")
                    )));
                }
                current_round(&mut tx, actor, id).await?;
            }
            other => {
                return Err(ValidationError::new(
                    "status",
                    format!("only a draft or an agreement in review can be submitted for approval; this one is {other}"),
                )
                .into());
            }
        }
        let chain = latest_round(&mut tx, &actor.org.to_string(), id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("approval round missing after submission".into()))?;
        touch(&mut tx, id, &self.now_text()).await?;
        tx.commit().await?;
        Ok(chain)
    }

    /// Records a decision on a step of the open round by someone acting with `role`. When the
    /// last step approves, the agreement moves to `approved`; a rejection ends the round and
    /// the agreement stays in review until it is submitted again.
    pub async fn decide_approval(
        &self,
        actor: &Actor,
        role: Role,
        id: AgreementId,
        step: &str,
        decision: Decision,
        comment: Option<&str>,
    ) -> Result<(ApprovalChain, AgreementStatus)> {
        let today = self.today(actor).await?;
        let mut tx = self.begin().await?;
        let cur = lock_agreement(&mut tx, actor, id).await?;
        if cur != AgreementStatus::InReview {
            return Err(ValidationError::new(
                "status",
                format!("approvals are decided while the agreement is in_review; it is {cur}"),
            )
            .into());
        }
        let org = actor.org.to_string();
        let mut chain = latest_round(&mut tx, &org, id).await?.ok_or_else(|| {
            StoreError::from(ValidationError::new(
                "step",
                "no approval round was started; submit the agreement first",
            ))
        })?;
        // The role comes first: a member who may not decide learns that, not what else is wrong.
        chain
            .check_role(Some(step), role)
            .map_err(StoreError::Forbidden)?;
        // A decision is made on the text the round is for, which must still be the latest.
        chain.check_current(latest_version(&mut tx, &org, id).await?.as_ref())?;
        let before = chain.clone();
        let now = self.now_text();
        let state = chain.decide(step, role, decision, &actor.name, ts(&now)?, comment)?;
        for (i, (a, b)) in before.steps.iter().zip(&chain.steps).enumerate() {
            if a != b {
                sqlx::query(
                    "update approval_step set status = $1, decided_by = $2, decided_at = $3, comment = $4, version_id = $5, \
                     sha256 = $6, updated_at = $7 where agreement_id = $8 and round = $9 and ordinal = $10 and status = 'pending'",
                )
                .bind(b.status.as_str())
                .bind(b.decided_by.clone())
                .bind(b.decided_at.map(|t| t.to_string()))
                .bind(b.comment.clone())
                .bind(b.version.as_ref().map(|v| v.id.to_string()))
                .bind(b.version.as_ref().map(|v| v.sha256.clone()))
                .bind(&now)
                .bind(id.to_string())
                .bind(i64::from(chain.round))
                .bind(i as i64)
                .execute(&mut *tx)
                .await?;
            }
        }
        let decided = chain
            .steps
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(step.trim()))
            .map(|s| s.name.clone())
            .unwrap_or_default();
        audit::append(
            &mut tx,
            actor,
            match decision {
                Decision::Approve => "approval.approve",
                Decision::Reject => "approval.reject",
            },
            "agreement",
            &id.to_string(),
            Some(id),
            serde_json::json!({
                "round": chain.round, "step": decided, "role": role, "comment": comment, "chain": state.to_string(),
                "version": chain.version.as_ref().map(|v| v.number),
                "version_id": chain.version.as_ref().map(|v| v.id),
                "sha256": chain.version.as_ref().map(|v| &v.sha256),
            }),
        )
        .await?;
        let status = match state {
            ChainState::Approved => {
                apply_move(
                    &mut tx,
                    actor,
                    id,
                    cur,
                    AgreementStatus::Approved,
                    Some("approval chain complete"),
                    Via::Approval,
                    today,
                )
                .await?
            }
            ChainState::Rejected | ChainState::Open | ChainState::Superseded => cur,
        };
        touch(&mut tx, id, &now).await?;
        tx.commit().await?;
        Ok((chain, status))
    }

    /// Records a party's signature on the approved version, whose SHA-256 the signer confirms
    /// (`approval::signable`: the version the last approval round approved, still the latest;
    /// the latest when the agreement was never submitted). When every party has signed that
    /// version, the agreement becomes active (and, if it states no effective date, takes effect
    /// on the last signature's date).
    pub async fn sign_agreement(
        &self,
        actor: &Actor,
        id: AgreementId,
        sig: &NewSignature,
    ) -> Result<(Signature, AgreementStatus)> {
        let settings = self.alert_settings(actor.org).await?;
        let today = settings.today(self.now());
        let mut tx = self.begin().await?;
        let cur = lock_agreement(&mut tx, actor, id).await?;
        let org = actor.org.to_string();
        let approval = latest_round(&mut tx, &org, id).await?;
        if cur != AgreementStatus::OutForSignature {
            return Err(not_out_for_signature(cur, approval.as_ref()).into());
        }
        let Some(latest) = latest_version(&mut tx, &org, id).await? else {
            return Err(ValidationError::new(
                "sha256",
                "the agreement has no document version to sign",
            )
            .into());
        };
        let matching = version_with_sha(&mut tx, id, &sig.sha256).await?;
        let VersionRef {
            id: vid,
            number,
            sha256: sha,
        } = signable(approval.as_ref(), &latest, &sig.sha256, matching.as_ref())?.clone();
        // A text is signed once it exists: not before the day its version was uploaded (in
        // the tenant's time zone).
        let uploaded: String =
            sqlx::query_scalar("select created_at from document_version where version_id = $1")
                .bind(vid.to_string())
                .fetch_one(&mut *tx)
                .await?;
        let uploaded_on = settings.today(ts(&uploaded)?);
        if sig.signed_on < uploaded_on {
            return Err(ValidationError::new(
                "signed_on",
                format!(
                    "{} is before version {number} was uploaded ({uploaded_on}); a signature is dated on or after the day its text was recorded",
                    sig.signed_on
                ),
            )
            .into());
        }
        let parties = load_parties(&mut *tx, &org, id).await?;
        let party = find_party(&parties, &sig.party).ok_or_else(|| {
            let names: Vec<_> = parties.iter().map(|p| p.legal_name.as_str()).collect();
            StoreError::from(ValidationError::new(
                "party",
                format!(
                    "{:?} is not a party to this agreement (parties: {})",
                    sig.party,
                    names.join(", ")
                ),
            ))
        })?;
        let now = self.now_text();
        let sid = SignatureId::new();
        sqlx::query(
            "insert into signature (signature_id, organisation_id, agreement_id, version_id, sha256, party_id, signatory_name, \
             signatory_title, signed_on, recorded_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(sid.to_string())
        .bind(&org)
        .bind(id.to_string())
        .bind(vid.to_string())
        .bind(&sha)
        .bind(party.party_id.to_string())
        .bind(&sig.signatory_name)
        .bind(&sig.signatory_title)
        .bind(sig.signed_on.to_string())
        .bind(&actor.name)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, &format!("{} has already signed version {number}", party.legal_name)))?;
        audit::append(
            &mut tx,
            actor,
            "signature.add",
            "signature",
            &sid.to_string(),
            Some(id),
            serde_json::json!({
                "party": party.legal_name, "signatory": sig.signatory_name, "title": sig.signatory_title,
                "signed_on": sig.signed_on, "version": number, "sha256": sha,
            }),
        )
        .await?;
        let sigs = load_signatures(&mut tx, &org, id).await?;
        let mut status = cur;
        if unsigned_parties(&parties, &sigs, vid).is_empty() {
            let terms = load_terms(&mut *tx, &org, id).await?;
            if terms.date(TermField::EffectiveDate).is_none() {
                let last = sigs
                    .iter()
                    .filter(|s| s.version_id == vid)
                    .map(|s| s.signed_on)
                    .max()
                    .unwrap_or(sig.signed_on);
                let sourced = Sourced {
                    value: TermValue::Date(last),
                    source: Source::User {
                        by: actor.name.clone(),
                        at: ts(&now)?,
                        note: Some("date of the last signature".into()),
                    },
                };
                upsert_term(&mut tx, &org, id, TermField::EffectiveDate, &sourced, &now).await?;
                refresh_derived(&mut tx, &org, id, &now).await?;
            }
            status = apply_move(
                &mut tx,
                actor,
                id,
                cur,
                AgreementStatus::Active,
                Some(&format!("all parties signed version {number}")),
                Via::Signature,
                today,
            )
            .await?;
        }
        touch(&mut tx, id, &now).await?;
        let signature = sigs
            .into_iter()
            .find(|s| s.id == sid)
            .ok_or_else(|| StoreError::Corrupt("signature missing after insert".into()))?;
        tx.commit().await?;
        Ok((signature, status))
    }

    /// Signatures of an agreement, by version.
    pub async fn signatures(&self, actor: &Actor, id: AgreementId) -> Result<Vec<Signature>> {
        self.check_visible(actor, id).await?;
        signatures_query(&self.pool, &actor.org.to_string(), id).await
    }

    /// Reviews of an agreement, scheduled and done, by due date.
    pub async fn reviews(&self, actor: &Actor, id: AgreementId) -> Result<Vec<Review>> {
        self.check_visible(actor, id).await?;
        let rows = sqlx::query(
            "select review_id, due_date, derivation, outcome, notes, reviewed_by, reviewed_on from review \
             where organisation_id = $1 and agreement_id = $2 order by due_date, created_at",
        )
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(review_from_row).collect()
    }

    /// Records a review held on `on` (closing the open one) and schedules the next from the
    /// agreement's review cycle, else `cycle`, else 12 months.
    pub async fn record_review(
        &self,
        actor: &Actor,
        id: AgreementId,
        outcome: ReviewOutcome,
        notes: Option<&str>,
        on: Date,
        cycle: Option<Period>,
    ) -> Result<Vec<Review>> {
        let today = self.today(actor).await?;
        let notes = notes.map(str::trim).filter(|n| !n.is_empty());
        if notes.is_some_and(|n| n.chars().count() > 5000) {
            return Err(ValidationError::new("notes", "must be at most 5000 characters").into());
        }
        if on > today {
            return Err(
                ValidationError::new("reviewed_on", format!("{on} is in the future")).into(),
            );
        }
        let mut tx = self.begin().await?;
        let cur = lock_agreement(&mut tx, actor, id).await?;
        if !cur.in_force() {
            return Err(ValidationError::new(
                "status",
                format!("reviews are held on agreements in force; this one is {cur}"),
            )
            .into());
        }
        let now = self.now_text();
        let open: Option<String> = sqlx::query_scalar(
            "select review_id from review where agreement_id = $1 and outcome is null order by due_date limit 1",
        )
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let rid = match open {
            Some(r) => r,
            None => {
                insert_review(&mut tx, actor, id, on, "held without a scheduled review").await?;
                sqlx::query_scalar(
                    "select review_id from review where agreement_id = $1 and outcome is null order by due_date limit 1",
                )
                .bind(id.to_string())
                .fetch_one(&mut *tx)
                .await?
            }
        };
        sqlx::query(
            "update review set outcome = $1, notes = $2, reviewed_by = $3, reviewed_on = $4, updated_at = $5 where review_id = $6",
        )
        .bind(outcome.as_str())
        .bind(notes)
        .bind(&actor.name)
        .bind(on.to_string())
        .bind(&now)
        .bind(&rid)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            "review.record",
            "review",
            &rid,
            Some(id),
            serde_json::json!({ "outcome": outcome.as_str(), "notes": notes, "reviewed_on": on }),
        )
        .await?;
        if outcome != ReviewOutcome::Terminate {
            let terms = load_terms(&mut *tx, &actor.org.to_string(), id).await?;
            let (due, why) = next_review(&terms, on, cycle);
            insert_review(&mut tx, actor, id, due, &why).await?;
        }
        touch(&mut tx, id, &now).await?;
        tx.commit().await?;
        self.reviews(actor, id).await
    }

    /// Records a termination notice: computes the effective date from the notice period,
    /// makes it the agreement's ending (the contract's duties after the end are dated from
    /// it), adds the tenant's close-out checklist items, and moves the agreement to
    /// `termination_notice` (and on to `wind_down` when the date has already come).
    pub async fn give_termination_notice(
        &self,
        actor: &Actor,
        id: AgreementId,
        notice: &Notice,
        today: Date,
    ) -> Result<TerminationView> {
        let (given_on, requested) = (notice.given_on, notice.effective_on);
        let (clause, reason) = (notice.clause.as_deref(), notice.reason.as_deref());
        let mut tx = self.begin().await?;
        let cur = lock_agreement(&mut tx, actor, id).await?;
        Notice::may_be_given(cur)?;
        let org = actor.org.to_string();
        let parties = load_parties(&mut *tx, &org, id).await?;
        let party = find_party(&parties, &notice.given_by).ok_or_else(|| {
            let names: Vec<_> = parties.iter().map(|p| p.legal_name.as_str()).collect();
            StoreError::from(notice.unknown_party(&names))
        })?;
        let terms = load_terms(&mut *tx, &org, id).await?;
        let settings = self.alert_settings(actor.org).await?;
        // The notice goes to the other parties: their calendar counts its business days.
        let cal = crate::schedule::calendar_in(
            &mut tx,
            &org,
            id,
            Some(party.legal_name.as_str()),
            &settings,
        )
        .await?
        .calendar;
        let plan = termination_date(&terms, notice.kind, given_on, requested, &cal)?;
        let tid = TerminationId::new();
        let now = self.now_text();
        sqlx::query(
            "insert into termination (termination_id, organisation_id, agreement_id, kind, given_by, given_on, clause, reason, \
             notice_period, effective_date, derivation, recorded_by, created_at, updated_at, given_by_short) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)",
        )
        .bind(tid.to_string())
        .bind(&org)
        .bind(id.to_string())
        .bind(notice.kind.as_str())
        .bind(&party.legal_name)
        .bind(given_on.to_string())
        .bind(clause)
        .bind(reason)
        .bind(plan.notice_period.map(|p| p.to_string()))
        .bind(plan.effective_date.to_string())
        .bind(&plan.derivation)
        .bind(&actor.name)
        .bind(&now)
        .bind(&party.short_name)
        .execute(&mut *tx)
        .await?;
        // The duties that follow come from the contract's clauses, dated from this ending by
        // the key-date engine; the notice itself adds only the tenant's close-out checklist.
        let checklist = checklist_in(&mut *tx, &org).await?;
        for o in checklist.obligations(plan.effective_date) {
            let oid =
                obligation::insert(&mut tx, &org, id, &o, Some(plan.effective_date), None, &now)
                    .await?;
            sqlx::query(
                "insert into termination_obligation (termination_id, obligation_id, organisation_id, created_at, updated_at) \
                 values ($1, $2, $3, $4, $4)",
            )
            .bind(tid.to_string())
            .bind(oid.to_string())
            .bind(&org)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            audit::append(
                &mut tx,
                actor,
                "obligation.create",
                "obligation",
                &oid.to_string(),
                Some(id),
                serde_json::json!({ "obligor": o.obligor, "text": o.text, "due": o.due, "termination": tid, "checklist": true }),
            )
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            "termination.notice",
            "termination",
            &tid.to_string(),
            Some(id),
            serde_json::json!({
                "kind": notice.kind.as_str(), "given_by": party.legal_name, "given_on": given_on, "clause": clause,
                "reason": reason, "effective_date": plan.effective_date, "derivation": plan.derivation,
            }),
        )
        .await?;
        let why = notice.why(&party.legal_name, plan.effective_date);
        apply_move(
            &mut tx,
            actor,
            id,
            cur,
            AgreementStatus::TerminationNotice,
            Some(&why),
            Via::Termination,
            today,
        )
        .await?;
        if plan.effective_date <= today {
            apply_move(
                &mut tx,
                actor,
                id,
                AgreementStatus::TerminationNotice,
                AgreementStatus::WindDown,
                Some(&format!(
                    "termination took effect on {}",
                    plan.effective_date
                )),
                Via::Termination,
                today,
            )
            .await?;
        }
        touch(&mut tx, id, &now).await?;
        tx.commit().await?;
        self.termination(actor, id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("termination missing after insert".into()))
    }

    /// Withdraws or voids the notice in force, with a reason: it no longer ends the agreement,
    /// so its dates (renewals, notice deadlines, the term's end, duties after the end) are
    /// computed as before it; obligations the notice created are removed (audited), and the
    /// agreement returns to the status it had before the notice (`active` when unknown).
    pub async fn retire_termination(
        &self,
        actor: &Actor,
        id: AgreementId,
        how: Retirement,
        reason: &str,
    ) -> Result<TerminationView> {
        let mut tx = self.begin().await?;
        let cur = lock_agreement(&mut tx, actor, id).await?;
        let org = actor.org.to_string();
        let Some(t) = latest_termination_row(&mut tx, &org, id).await? else {
            return Err(ValidationError::new(
                "termination",
                "no notice is in force for this agreement",
            )
            .into());
        };
        let reason = how.check(cur, reason)?;
        let now = tx.now_text();
        sqlx::query(
            "update termination set retired = $1, retired_by = $2, retired_at = $3, retired_reason = $4, updated_at = $3 \
             where termination_id = $5 and retired is null",
        )
        .bind(how.as_str())
        .bind(&actor.name)
        .bind(&now)
        .bind(&reason)
        .bind(t.id.to_string())
        .execute(&mut *tx)
        .await?;
        let created: Vec<(String,)> = sqlx::query_as(
            "select obligation_id from termination_obligation where termination_id = $1 order by obligation_id",
        )
        .bind(t.id.to_string())
        .fetch_all(&mut *tx)
        .await?;
        for (oid,) in &created {
            sqlx::query("delete from obligation where obligation_id = $1 and organisation_id = $2")
                .bind(oid)
                .bind(&org)
                .execute(&mut *tx)
                .await?;
            audit::append(
                &mut tx,
                actor,
                "obligation.delete",
                "obligation",
                oid,
                Some(id),
                serde_json::json!({ "reason": format!("the notice that created it was {}", how.as_str()), "termination": t.id }),
            )
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            &format!("termination.{}", how.as_str()),
            "termination",
            &t.id.to_string(),
            Some(id),
            serde_json::json!({ "reason": reason, "kind": t.kind.as_str(), "given_on": t.given_on, "effective_date": t.plan.effective_date }),
        )
        .await?;
        let why = format!(
            "notice of {} {}: {reason}",
            t.plan.effective_date,
            how.as_str()
        );
        // Back to where the agreement stood before the notice (amended, renewed …).
        let before: Option<(String,)> = sqlx::query_as(
            "select from_status from agreement_transition where agreement_id = $1 and to_status = 'termination_notice' \
             order by at desc, agreement_transition_id desc limit 1",
        )
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let back = before
            .and_then(|(s,)| AgreementStatus::parse(&s).ok())
            .filter(|s| s.in_force() && *s != AgreementStatus::TerminationNotice)
            .unwrap_or(AgreementStatus::Active);
        record_move(&mut tx, actor, id, cur, back, Some(&why), Via::Termination).await?;
        touch(&mut tx, id, &now).await?;
        tx.commit().await?;
        self.termination(actor, id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("termination missing after retiring it".into()))
    }

    /// Of `ids`, the agreements with no termination notice on record (in force, withdrawn or
    /// voided) and no review held on or after `reviewed_since`: one query for a whole list,
    /// where [`Store::termination`] and [`Store::reviews`] would take two per agreement.
    pub async fn undecided_among(
        &self,
        actor: &Actor,
        ids: &[AgreementId],
        reviewed_since: Date,
    ) -> Result<std::collections::HashSet<AgreementId>> {
        let mut out = std::collections::HashSet::new();
        for chunk in ids.chunks(500) {
            let mut binds = vec![actor.org.to_string(), reviewed_since.to_string()];
            let list = crate::schedule::placeholders(binds.len() + 1, chunk.len());
            binds.extend(chunk.iter().map(ToString::to_string));
            let (vis, vis_binds) = actor.visible(binds.len() + 1);
            binds.extend(vis_binds);
            let sql = format!(
                "select a.agreement_id from agreement a where a.organisation_id = $1 \
                 and a.agreement_id in ({list}) and {vis} \
                 and not exists (select 1 from termination t where t.agreement_id = a.agreement_id) \
                 and not exists (select 1 from review r where r.agreement_id = a.agreement_id \
                   and r.reviewed_on is not null and r.reviewed_on >= $2)"
            );
            let mut q = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
            for b in binds {
                q = q.bind(b);
            }
            for id in q.fetch_all(&self.pool).await? {
                out.insert(parse_id(&id)?);
            }
        }
        Ok(out)
    }

    /// The latest termination notice of an agreement (in force, or withdrawn or voided), with
    /// the contract's duties that follow from it.
    pub async fn termination(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> Result<Option<TerminationView>> {
        self.check_visible(actor, id).await?;
        let org = actor.org.to_string();
        let Some(t) = termination_query(&self.pool, &org, id).await? else {
            return Ok(None);
        };
        let duties = if t.retired.is_none() {
            let today = self.today(actor).await?;
            let mut conn = self.pool.acquire().await?;
            open_duties(&mut conn, &org, id, today).await?
        } else {
            Vec::new()
        };
        let ids: Vec<String> = sqlx::query_scalar(
            "select obligation_id from termination_obligation where termination_id = $1 order by obligation_id",
        )
        .bind(t.id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut obligations = Vec::new();
        for oid in ids {
            match self.get_obligation(actor, parse_id(&oid)?).await {
                Ok(o) => obligations.push(o),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Some(TerminationView {
            id: t.id,
            kind: t.kind,
            given_by: t.given_by,
            given_on: t.given_on,
            clause: t.clause,
            reason: t.reason,
            plan: t.plan,
            recorded_by: t.recorded_by,
            duties,
            obligations,
            retired: t.retired,
        }))
    }
}
