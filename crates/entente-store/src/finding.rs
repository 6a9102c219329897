//! Playbook checks in the store: the tenant's playbook history, checks per document version with
//! their findings, the latest check per agreement for the portfolio, findings across it.

use crate::row::{parse_id, ts};
use crate::{Actor, Result, Store, StoreError, audit};
use entente_domain::{AgreementId, ClauseId, Timestamp, VersionId};
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;

/// A playbook check of one document version, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCheck {
    /// The version checked.
    pub version_id: VersionId,
    /// The playbook's id.
    pub playbook_id: String,
    /// The playbook's version.
    pub playbook_version: String,
    /// Risk score, 0..=100.
    pub score: u32,
    /// Worst severity found (`info` … `critical`), if any finding.
    pub worst_severity: Option<String>,
    /// Blind spots flagged.
    pub flagged: Vec<String>,
    /// The full report, as the API returns it.
    pub report: serde_json::Value,
    /// The findings, in report order.
    pub findings: Vec<NewFinding>,
}

/// One finding of a check.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFinding {
    /// Rule id.
    pub rule_id: String,
    /// Blind spot.
    pub blind_spot: String,
    /// Severity (`info` … `critical`).
    pub severity: String,
    /// 0 (info) … 4 (critical).
    pub severity_rank: u8,
    /// What was found.
    pub message: String,
    /// Index of the clause in the version's clause list.
    pub clause_index: Option<usize>,
    /// Span start (characters), when the finding points at text.
    pub start: Option<usize>,
    /// Span end.
    pub end: Option<usize>,
}

/// A stored check.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredCheck {
    /// Check id.
    pub check_id: String,
    /// The agreement.
    pub agreement_id: AgreementId,
    /// The version checked.
    pub version_id: VersionId,
    /// Its number (1 for the first).
    pub version_number: u32,
    /// Playbook id.
    pub playbook_id: String,
    /// Playbook version.
    pub playbook_version: String,
    /// Risk score 0..=100.
    pub score: u32,
    /// Worst severity found.
    pub worst_severity: Option<String>,
    /// Blind spots flagged.
    pub flagged: Vec<String>,
    /// Number of findings.
    pub findings: u32,
    /// Who (or what) ran the check.
    pub checked_by: String,
    /// When.
    pub checked_at: Timestamp,
    /// The report (findings with clause, span, rationale and suggested language; the score's
    /// breakdown by blind spot).
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// The latest check of one agreement, for the portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CheckSummary {
    /// The agreement.
    pub agreement_id: AgreementId,
    /// Its title.
    pub title: String,
    /// Its kind.
    pub kind: String,
    /// Its owner.
    pub owner: Option<String>,
    /// Legal names of its counterparties (the tenant's own entities left out).
    pub parties: Vec<String>,
    /// The version checked.
    pub version_number: u32,
    /// Playbook id.
    pub playbook_id: String,
    /// Playbook version.
    pub playbook_version: String,
    /// Risk score 0..=100.
    pub score: u32,
    /// Worst severity found.
    pub worst_severity: Option<String>,
    /// Blind spots flagged.
    pub flagged: Vec<String>,
    /// Number of findings.
    pub findings: u32,
    /// When.
    pub checked_at: Timestamp,
}

/// Which findings to list across the portfolio (latest check of each agreement).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingFilter {
    /// Only this agreement's findings (none when the actor may not see it).
    pub agreement_id: Option<AgreementId>,
    /// Only this blind spot.
    pub blind_spot: Option<String>,
    /// Only this rule.
    pub rule_id: Option<String>,
    /// Only findings at least this severe (0 info … 4 critical).
    pub min_severity_rank: Option<u8>,
    /// At most this many (default 200, at most 1000).
    pub limit: Option<u32>,
}

/// A finding of the portfolio, with its agreement.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FindingRow {
    /// The agreement.
    pub agreement_id: AgreementId,
    /// Its title.
    pub title: String,
    /// The version checked.
    pub version_id: VersionId,
    /// Rule id.
    pub rule_id: String,
    /// Blind spot.
    pub blind_spot: String,
    /// Severity.
    pub severity: String,
    /// What was found.
    pub message: String,
    /// The clause concerned, when it points at text.
    pub clause_id: Option<ClauseId>,
    /// Span start (characters).
    pub start: Option<u64>,
    /// Span end.
    pub end: Option<u64>,
}

/// The tenant's playbook as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StoredPlaybook {
    /// Playbook id (from its `[playbook]` section).
    pub playbook_id: String,
    /// Its version.
    pub playbook_version: String,
    /// The TOML source.
    pub source: String,
    /// Who set it.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
}

fn split_words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

const CHECK_COLUMNS: &str = "c.check_id, c.agreement_id, c.version_id, v.number, c.playbook_id, c.playbook_version, \
     c.score, c.worst_severity, c.flagged, c.findings, c.checked_by, c.created_at, c.report";

fn stored_check(r: &sqlx::any::AnyRow) -> Result<StoredCheck> {
    Ok(StoredCheck {
        check_id: r.try_get("check_id")?,
        agreement_id: parse_id(&r.try_get::<String, _>("agreement_id")?)?,
        version_id: parse_id(&r.try_get::<String, _>("version_id")?)?,
        version_number: count(r.try_get("number")?),
        playbook_id: r.try_get("playbook_id")?,
        playbook_version: r.try_get("playbook_version")?,
        score: count(r.try_get("score")?),
        worst_severity: r.try_get("worst_severity")?,
        flagged: split_words(&r.try_get::<String, _>("flagged")?),
        findings: count(r.try_get("findings")?),
        checked_by: r.try_get("checked_by")?,
        checked_at: ts(&r.try_get::<String, _>("created_at")?)?,
        report: crate::row::json(&r.try_get::<String, _>("report")?)?,
    })
}

impl Store {
    /// Stores a check of one of the agreement's versions with its findings, in one
    /// transaction with its audit event. Returns the check id.
    pub async fn record_check(
        &self,
        actor: &Actor,
        agreement: AgreementId,
        check: &NewCheck,
    ) -> Result<String> {
        let mut tx = self.begin().await?;
        crate::agreement::lock_agreement(&mut tx, actor, agreement).await?;
        let org = actor.org.to_string();
        let number: Option<i64> = sqlx::query_scalar(
            "select number from document_version where organisation_id = $1 and agreement_id = $2 and version_id = $3",
        )
        .bind(&org)
        .bind(agreement.to_string())
        .bind(check.version_id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let number = number.ok_or_else(|| StoreError::not_found("version", check.version_id))?;
        // Clauses of the version by position, to link findings to stored clauses.
        let clause_rows = sqlx::query(
            "select clause_id, ordinal, start_pos, end_pos from clause where version_id = $1",
        )
        .bind(check.version_id.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let mut clauses: BTreeMap<i64, (String, i64, i64)> = BTreeMap::new();
        for r in &clause_rows {
            clauses.insert(
                r.try_get("ordinal")?,
                (
                    r.try_get("clause_id")?,
                    r.try_get("start_pos")?,
                    r.try_get("end_pos")?,
                ),
            );
        }
        let now = self.now_text();
        let check_id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "insert into agreement_check (check_id, organisation_id, agreement_id, version_id, playbook_id, playbook_version, \
             score, worst_severity, flagged, findings, report, checked_by, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(&check_id)
        .bind(&org)
        .bind(agreement.to_string())
        .bind(check.version_id.to_string())
        .bind(&check.playbook_id)
        .bind(&check.playbook_version)
        .bind(i64::from(check.score.min(100)))
        .bind(check.worst_severity.clone())
        .bind(check.flagged.join(" "))
        .bind(check.findings.len() as i64)
        .bind(check.report.to_string())
        .bind(&actor.name)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        for (i, f) in check.findings.iter().enumerate() {
            // A finding links to the stored clause only when the span really lies inside it
            // (the version's clauses come from the same analysis, but be strict).
            let clause_id = match (f.clause_index, f.start, f.end) {
                (Some(ci), Some(s), Some(e)) => clauses
                    .get(&(ci as i64))
                    .filter(|(_, cs, ce)| *cs <= s as i64 && e as i64 <= *ce)
                    .map(|(id, _, _)| id.clone()),
                _ => None,
            };
            sqlx::query(
                "insert into finding (finding_id, organisation_id, check_id, agreement_id, ordinal, rule_id, blind_spot, \
                 severity, severity_rank, message, clause_id, start_pos, end_pos, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(&org)
            .bind(&check_id)
            .bind(agreement.to_string())
            .bind(i as i64)
            .bind(&f.rule_id)
            .bind(&f.blind_spot)
            .bind(&f.severity)
            .bind(i64::from(f.severity_rank))
            .bind(&f.message)
            .bind(clause_id)
            .bind(f.start.map(|x| x as i64))
            .bind(f.end.map(|x| x as i64))
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            "check.record",
            "check",
            &check_id,
            Some(agreement),
            serde_json::json!({
                "version_id": check.version_id, "version": number, "playbook": format!("{}@{}", check.playbook_id, check.playbook_version),
                "score": check.score, "findings": check.findings.len(), "flagged": check.flagged,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(check_id)
    }

    /// The latest check of a version (default: of the agreement's latest checked version).
    pub async fn latest_check(
        &self,
        actor: &Actor,
        agreement: AgreementId,
        version: Option<VersionId>,
    ) -> Result<Option<StoredCheck>> {
        self.check_visible(actor, agreement).await?;
        let mut sql = format!(
            "select {CHECK_COLUMNS} from agreement_check c join document_version v on v.version_id = c.version_id \
             where c.organisation_id = $1 and c.agreement_id = $2"
        );
        if version.is_some() {
            sql.push_str(" and c.version_id = $3");
        }
        sql.push_str(" order by v.number desc, c.created_at desc, c.check_id desc limit 1");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(actor.org.to_string())
            .bind(agreement.to_string());
        if let Some(v) = version {
            q = q.bind(v.to_string());
        }
        q.fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(stored_check)
            .transpose()
    }

    /// Every check of an agreement, newest first.
    pub async fn list_checks(
        &self,
        actor: &Actor,
        agreement: AgreementId,
    ) -> Result<Vec<StoredCheck>> {
        self.check_visible(actor, agreement).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {CHECK_COLUMNS} from agreement_check c join document_version v on v.version_id = c.version_id \
             where c.organisation_id = $1 and c.agreement_id = $2 order by c.created_at desc, c.check_id desc"
        )))
        .bind(actor.org.to_string())
        .bind(agreement.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_check).collect()
    }

    /// The latest check of every agreement the actor sees, riskiest first.
    pub async fn portfolio_checks(&self, actor: &Actor) -> Result<Vec<CheckSummary>> {
        self.latest_checks(actor, true).await
    }

    /// [`Store::portfolio_checks`] without the counterparties (left empty): what charts
    /// that count and average the checks need, without reading every party row of the tenant.
    pub async fn portfolio_check_scores(&self, actor: &Actor) -> Result<Vec<CheckSummary>> {
        self.latest_checks(actor, false).await
    }

    async fn latest_checks(&self, actor: &Actor, with_parties: bool) -> Result<Vec<CheckSummary>> {
        let (vis, vis_binds) = actor.visible(2);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select c.agreement_id, a.title, a.kind, a.owner, v.number, c.playbook_id, c.playbook_version, c.score, \
             c.worst_severity, c.flagged, c.findings, c.created_at \
             from agreement_check c join agreement a on a.agreement_id = c.agreement_id \
             join document_version v on v.version_id = c.version_id \
             where c.organisation_id = $1 and {vis} and c.check_id = (select c2.check_id from agreement_check c2 \
             where c2.agreement_id = c.agreement_id order by c2.created_at desc, c2.check_id desc limit 1) \
             order by c.score desc, a.title"
        )))
        .bind(actor.org.to_string());
        for b in vis_binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        if !with_parties {
            return rows.iter().map(|r| check_summary(r, Vec::new())).collect();
        }
        // Counterparties only: the tenant's own entities would otherwise head every group.
        let party_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select ap.agreement_id, p.legal_name from agreement_party ap join party p on p.party_id = ap.party_id \
             where ap.organisation_id = $1 and not {} order by ap.agreement_id, ap.ordinal",
            crate::party::ours_sql("p", "ap")
        )))
        .bind(actor.org.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut parties: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in &party_rows {
            parties
                .entry(r.try_get("agreement_id")?)
                .or_default()
                .push(r.try_get("legal_name")?);
        }
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("agreement_id")?;
                check_summary(r, parties.get(&id).cloned().unwrap_or_default())
            })
            .collect()
    }

    /// Findings of the latest check of every agreement the actor sees, most severe first.
    pub async fn list_findings(
        &self,
        actor: &Actor,
        filter: &FindingFilter,
    ) -> Result<Vec<FindingRow>> {
        let mut binds: Vec<String> = vec![actor.org.to_string()];
        let mut cond = String::new();
        if let Some(a) = filter.agreement_id {
            binds.push(a.to_string());
            cond.push_str(&format!(" and f.agreement_id = ${}", binds.len()));
        }
        if let Some(b) = &filter.blind_spot {
            binds.push(b.clone());
            cond.push_str(&format!(" and f.blind_spot = ${}", binds.len()));
        }
        if let Some(r) = &filter.rule_id {
            binds.push(r.clone());
            cond.push_str(&format!(" and f.rule_id = ${}", binds.len()));
        }
        let (vis, vis_binds) = actor.visible(binds.len() + 1);
        let mut sql = format!(
            "select f.agreement_id, a.title, c.version_id, f.rule_id, f.blind_spot, f.severity, f.severity_rank, f.message, \
             f.clause_id, f.start_pos, f.end_pos from finding f join agreement_check c on c.check_id = f.check_id \
             join agreement a on a.agreement_id = f.agreement_id \
             where f.organisation_id = $1{cond} and {vis} and c.check_id = (select c2.check_id from agreement_check c2 \
             where c2.agreement_id = c.agreement_id order by c2.created_at desc, c2.check_id desc limit 1)"
        );
        if let Some(min) = filter.min_severity_rank {
            // A literal small integer, not user text.
            sql.push_str(&format!(" and f.severity_rank >= {}", min.min(4)));
        }
        let limit = filter.limit.unwrap_or(200).clamp(1, 1000);
        sql.push_str(&format!(
            " order by f.severity_rank desc, a.title, f.ordinal limit {limit}"
        ));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds.into_iter().chain(vis_binds) {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let clause: Option<String> = r.try_get("clause_id")?;
                let start: Option<i64> = r.try_get("start_pos")?;
                let end: Option<i64> = r.try_get("end_pos")?;
                Ok(FindingRow {
                    agreement_id: parse_id(&r.try_get::<String, _>("agreement_id")?)?,
                    title: r.try_get("title")?,
                    version_id: parse_id(&r.try_get::<String, _>("version_id")?)?,
                    rule_id: r.try_get("rule_id")?,
                    blind_spot: r.try_get("blind_spot")?,
                    severity: r.try_get("severity")?,
                    message: r.try_get("message")?,
                    clause_id: clause.map(|c| parse_id(&c)).transpose()?,
                    start: start.map(|x| x.max(0) as u64),
                    end: end.map(|x| x.max(0) as u64),
                })
            })
            .collect()
    }

    /// Sets the tenant's playbook (kept with its history; the latest is in force).
    pub async fn set_playbook(
        &self,
        actor: &Actor,
        playbook_id: &str,
        playbook_version: &str,
        source: &str,
    ) -> Result<StoredPlaybook> {
        let mut tx = self.begin().await?;
        let now = self.now_text();
        let row_id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "insert into organisation_playbook (organisation_playbook_id, organisation_id, playbook_id, playbook_version, \
             source, created_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&row_id)
        .bind(actor.org.to_string())
        .bind(playbook_id)
        .bind(playbook_version)
        .bind(source)
        .bind(&actor.name)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            "playbook.set",
            "playbook",
            playbook_id,
            None,
            serde_json::json!({ "playbook_id": playbook_id, "version": playbook_version, "bytes": source.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredPlaybook {
            playbook_id: playbook_id.to_owned(),
            playbook_version: playbook_version.to_owned(),
            source: source.to_owned(),
            created_by: actor.name.clone(),
            created_at: ts(&now)?,
        })
    }

    /// The tenant's playbook in force, if one was set.
    pub async fn active_playbook(&self, actor: &Actor) -> Result<Option<StoredPlaybook>> {
        let r = sqlx::query(
            "select playbook_id, playbook_version, source, created_by, created_at from organisation_playbook \
             where organisation_id = $1 order by created_at desc, organisation_playbook_id desc limit 1",
        )
        .bind(actor.org.to_string())
        .fetch_optional(&self.pool)
        .await?;
        r.map(|r| {
            Ok(StoredPlaybook {
                playbook_id: r.try_get("playbook_id")?,
                playbook_version: r.try_get("playbook_version")?,
                source: r.try_get("source")?,
                created_by: r.try_get("created_by")?,
                created_at: ts(&r.try_get::<String, _>("created_at")?)?,
            })
        })
        .transpose()
    }
}

/// A row of [`Store::portfolio_checks`]' query, with the agreement's counterparties.
fn check_summary(r: &sqlx::any::AnyRow, parties: Vec<String>) -> Result<CheckSummary> {
    Ok(CheckSummary {
        agreement_id: parse_id(&r.try_get::<String, _>("agreement_id")?)?,
        title: r.try_get("title")?,
        kind: r.try_get("kind")?,
        owner: r.try_get("owner")?,
        parties,
        version_number: count(r.try_get("number")?),
        playbook_id: r.try_get("playbook_id")?,
        playbook_version: r.try_get("playbook_version")?,
        score: count(r.try_get("score")?),
        worst_severity: r.try_get("worst_severity")?,
        flagged: split_words(&r.try_get::<String, _>("flagged")?),
        findings: count(r.try_get("findings")?),
        checked_at: ts(&r.try_get::<String, _>("created_at")?)?,
    })
}
