//! Obligations: created by import or by hand, listed across the portfolio with due-date
//! filters, and moved through their statuses.

use crate::agreement::{load_terms, lock_agreement, touch};
use crate::row::{json, opt_date, parse_id, to_json};
use crate::{Actor, Result, Store, StoreError, Tx, audit};
use entente_domain::obligation::{
    EACH_KEY, NewObligation, Obligation, ObligationStatus, obligor_key,
};
use entente_domain::party::match_key;
use entente_domain::query::ObligationQuery;
use entente_domain::terms::TermField;
use entente_domain::{AgreementId, Date, ObligationId, ValidationError};
use serde::Deserialize;
use sqlx::Row;

/// Changes to an obligation.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ObligationPatch {
    /// New status (must be a legal step).
    #[schema(value_type = Option<entente_domain::obligation::ObligationStatus>)]
    pub status: Option<String>,
    /// New owner (empty clears).
    #[schema(value_type = Option<entente_domain::schema::EmailOrEmpty>)]
    pub owner: Option<String>,
    /// Note recorded in the audit trail (e.g. evidence of completion, reason for waiver).
    pub note: Option<String>,
    /// For a recurring obligation with status `done`: `open` marks every open occurrence due
    /// on or before today done (each recorded with the note). Without it, a recurring
    /// obligation cannot be marked done as a whole.
    #[schema(value_type = Option<OpenOccurrences>)]
    pub occurrences: Option<String>,
}

impl ObligationPatch {
    /// Checks the fields on their own (before anything is read or written), listing every
    /// error: a malformed patch is bad input whatever the obligation's state.
    pub fn validate(&self) -> Result<()> {
        self.parsed().map(|_| ())
    }

    /// The new status, the new owner (`Some(None)` clears it) and whether every open
    /// occurrence is meant.
    #[allow(clippy::type_complexity)] // Three plain values, named at the one caller.
    fn parsed(&self) -> Result<(Option<ObligationStatus>, Option<Option<String>>, bool)> {
        let mut errs = entente_domain::error::Collector::default();
        let next = errs
            .take(
                "status",
                self.status
                    .as_deref()
                    .map(ObligationStatus::parse)
                    .transpose(),
            )
            .flatten();
        let owner = match self.owner.as_deref() {
            Some("") => Some(None),
            Some(o) => errs
                .take("owner", entente_domain::agreement::parse_owner(o))
                .map(Some),
            None => None,
        };
        let bulk = match self.occurrences.as_deref().map(str::trim) {
            None => false,
            Some("open") => true,
            Some(other) => {
                errs.push(ValidationError::new(
                    "occurrences",
                    format!("{other:?} is not accepted; send \"open\" (every open occurrence due by today)"),
                ));
                false
            }
        };
        errs.finish()?;
        Ok((next, owner, bulk))
    }
}

/// Which occurrences a status change covers.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Describes the request field only.
pub(crate) enum OpenOccurrences {
    /// Every open occurrence due on or before today.
    Open,
}

pub(crate) async fn insert(
    tx: &mut Tx,
    org: &str,
    agreement: AgreementId,
    o: &NewObligation,
    effective: Option<Date>,
    evidence: Option<serde_json::Value>,
    now: &str,
) -> Result<ObligationId> {
    o.validate()?;
    let id = ObligationId::new();
    sqlx::query(
        "insert into obligation (obligation_id, organisation_id, agreement_id, obligor, obligor_key, beneficiary, body, due, due_date, metric, \
         status, owner, vague, survives, evidence, created_at, updated_at, recurring) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17)",
    )
    .bind(id.to_string())
    .bind(org)
    .bind(agreement.to_string())
    .bind(o.obligor.trim())
    .bind(obligor_key(&o.obligor))
    .bind(o.beneficiary.clone())
    .bind(o.text.trim())
    .bind(to_json(&o.due))
    .bind(o.due.first_due(effective).map(|d| d.to_string()))
    .bind(o.metric.as_ref().map(to_json))
    .bind(o.status.unwrap_or(ObligationStatus::Pending).as_str())
    .bind(o.owner.as_ref().map(|s| s.trim().to_lowercase()))
    .bind(i64::from(o.vague))
    .bind(i64::from(o.survives))
    .bind(evidence.map(|e| e.to_string()))
    .bind(now)
    .bind(i64::from(crate::schedule::is_recurring(&o.due)))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The SQL condition (on obligation alias `o`) limiting obligations to the duties this actor
/// may see, with parameters numbered from `next`, and their values. A counterparty user sees
/// what its own party owes: an obligor whose key is its party's legal name or the short name
/// the agreement defines for it, and duties of every party; a name that also fits another
/// party of the agreement is not taken as its own. Everyone else sees every duty of the
/// agreements they see (that part is `Actor::visible`'s).
pub(crate) fn owed_sql(actor: &Actor, o: &str, next: usize) -> (String, Vec<String>) {
    let Some(p) = actor.visibility.party() else {
        return ("1 = 1".to_owned(), Vec::new());
    };
    let names = |ap: &str, pt: &str| format!("{o}.obligor_key in ({pt}.match_key, {ap}.short_key)");
    (
        format!(
            "({o}.obligor_key = '{EACH_KEY}' or exists (select 1 from agreement_party op join party pp on pp.party_id = op.party_id \
             where op.agreement_id = {o}.agreement_id and op.party_id = ${next} and {mine} \
             and not exists (select 1 from agreement_party xp join party xq on xq.party_id = xp.party_id \
             where xp.agreement_id = {o}.agreement_id and xp.party_id <> op.party_id and {theirs})))",
            mine = names("op", "pp"),
            theirs = names("xp", "xq"),
        ),
        vec![p.to_string()],
    )
}

/// Keys obligors, parties and short names stored before match keys existed (migration 9).
/// Runs at start-up; once every row is keyed it reads two empty partial indexes.
pub(crate) async fn key_unkeyed_rows(pool: &sqlx::AnyPool) -> Result<()> {
    let obligations: Vec<(String, String)> =
        sqlx::query_as("select obligation_id, obligor from obligation where obligor_key is null")
            .fetch_all(pool)
            .await?;
    let parties: Vec<(String, String)> =
        sqlx::query_as("select party_id, legal_name from party where match_key is null")
            .fetch_all(pool)
            .await?;
    // Short names are keyed with their party rows: an unkeyed party marks an older install.
    let short_names: Vec<(String, String, String)> = if parties.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(
            "select agreement_id, party_id, short_name from agreement_party \
             where short_name is not null and short_key is null",
        )
        .fetch_all(pool)
        .await?
    };
    if obligations.is_empty() && parties.is_empty() {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    for (id, obligor) in &obligations {
        sqlx::query("update obligation set obligor_key = $1 where obligation_id = $2")
            .bind(obligor_key(obligor))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    for (id, name) in &parties {
        sqlx::query("update party set match_key = $1 where party_id = $2")
            .bind(match_key(name))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    for (agreement, party, short) in &short_names {
        sqlx::query(
            "update agreement_party set short_key = $1 where agreement_id = $2 and party_id = $3",
        )
        .bind(match_key(short))
        .bind(agreement)
        .bind(party)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) const COLUMNS: &str = "obligation_id, agreement_id, obligor, beneficiary, body, due, due_date, metric, status, owner, vague, survives, revisions, retired_on";

/// Marks `ended` the open duties that ended with their agreement: it is winding down or closed
/// (its ending took effect), and the duty neither survives nor falls due after the end, nor is
/// a close-out item a notice created.
async fn ended(
    pool: &sqlx::AnyPool,
    org: &str,
    mut rows: Vec<Obligation>,
) -> Result<Vec<Obligation>> {
    let open = |o: &Obligation| {
        matches!(
            o.status,
            ObligationStatus::Pending | ObligationStatus::Overdue
        ) && !o.survives
            && !o.due.after_end()
    };
    let mut ids: Vec<AgreementId> = rows
        .iter()
        .filter(|o| open(o))
        .map(|o| o.agreement_id)
        .collect();
    ids.sort();
    ids.dedup();
    let mut over = std::collections::HashSet::new();
    for part in ids.chunks(500) {
        let mut q = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(format!(
            "select agreement_id from agreement where organisation_id = $1 \
             and status in ('wind_down', 'closed') and agreement_id in ({})",
            crate::schedule::placeholders(2, part.len())
        )))
        .bind(org);
        for id in part {
            q = q.bind(id.to_string());
        }
        for (a,) in q.fetch_all(pool).await? {
            over.insert(parse_id::<AgreementId>(&a)?);
        }
    }
    if over.is_empty() {
        return Ok(rows);
    }
    // Close-out items a notice created stay open: asked for the candidates only, not every
    // item the tenant has.
    let candidates: Vec<String> = rows
        .iter()
        .filter(|o| open(o) && over.contains(&o.agreement_id))
        .map(|o| o.id.to_string())
        .collect();
    let mut checklist = std::collections::HashSet::new();
    for part in candidates.chunks(500) {
        let mut q = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(format!(
            "select obligation_id from termination_obligation where organisation_id = $1 \
             and obligation_id in ({})",
            crate::schedule::placeholders(2, part.len())
        )))
        .bind(org);
        for id in part {
            q = q.bind(id.clone());
        }
        checklist.extend(q.fetch_all(pool).await?.into_iter().map(|(o,)| o));
    }
    for o in &mut rows {
        if open(o) && over.contains(&o.agreement_id) && !checklist.contains(&o.id.to_string()) {
            o.status = ObligationStatus::Ended;
        }
    }
    Ok(rows)
}

pub(crate) fn from_row(r: &sqlx::any::AnyRow) -> Result<Obligation> {
    let metric: Option<String> = r.try_get("metric")?;
    let revisions: Option<String> = r.try_get("revisions")?;
    let vague: i64 = r.try_get("vague")?;
    let survives: i64 = r.try_get("survives")?;
    Ok(Obligation {
        id: parse_id(&r.try_get::<String, _>("obligation_id")?)?,
        agreement_id: parse_id(&r.try_get::<String, _>("agreement_id")?)?,
        obligor: r.try_get("obligor")?,
        beneficiary: r.try_get("beneficiary")?,
        text: r.try_get("body")?,
        due: json(&r.try_get::<String, _>("due")?)?,
        due_date: opt_date(r.try_get("due_date")?)?,
        metric: metric.map(|m| json(&m)).transpose()?,
        status: ObligationStatus::parse(&r.try_get::<String, _>("status")?)
            .map_err(|e| StoreError::Corrupt(e.message))?,
        owner: r.try_get("owner")?,
        vague: vague != 0,
        survives: survives != 0,
        overdue_occurrences: Vec::new(),
        revisions: revisions.map(|v| json(&v)).transpose()?.unwrap_or_default(),
        retired_on: opt_date(r.try_get("retired_on")?)?,
    })
}

impl Store {
    /// Adds an obligation to an agreement by hand.
    pub async fn create_obligation(
        &self,
        actor: &Actor,
        agreement: AgreementId,
        o: &NewObligation,
    ) -> Result<Obligation> {
        o.validate()?;
        let mut tx = self.begin().await?;
        lock_agreement(&mut tx, actor, agreement).await?;
        let org = actor.org.to_string();
        let now = self.now_text();
        let effective = load_terms(&mut *tx, &org, agreement)
            .await?
            .date(TermField::EffectiveDate);
        let id = insert(&mut tx, &org, agreement, o, effective, None, &now).await?;
        touch(&mut tx, agreement, &now).await?;
        audit::append(
            &mut tx,
            actor,
            "obligation.create",
            "obligation",
            &id.to_string(),
            Some(agreement),
            serde_json::json!({
                "obligor": o.obligor, "text": o.text, "due": o.due,
            }),
        )
        .await?;
        tx.commit().await?;
        self.get_obligation(actor, id).await
    }

    /// One obligation.
    pub async fn get_obligation(&self, actor: &Actor, id: ObligationId) -> Result<Obligation> {
        // Another party's duty does not exist for a counterparty user.
        let (owed, owed_binds) = owed_sql(actor, "o", 3);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from obligation o where organisation_id = $1 and obligation_id = $2 and {owed}"
        )))
        .bind(actor.org.to_string())
        .bind(id.to_string());
        for b in owed_binds {
            q = q.bind(b);
        }
        let r = q
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("obligation", id))?;
        let o = from_row(&r)?;
        self.check_visible(actor, o.agreement_id)
            .await
            .map_err(|_| StoreError::not_found("obligation", id))?;
        let mut one = ended(&self.pool, &actor.org.to_string(), vec![o]).await?;
        one.pop()
            .ok_or_else(|| StoreError::not_found("obligation", id))
    }

    /// Obligations across the tenant, earliest due first.
    pub async fn list_obligations(
        &self,
        actor: &Actor,
        f: &ObligationQuery,
    ) -> Result<Vec<Obligation>> {
        let (vis, vis_binds) = actor.visible(2);
        let (owed, owed_binds) = owed_sql(actor, "obligation", 2 + vis_binds.len());
        let mut sql = format!(
            "select {COLUMNS} from obligation where organisation_id = $1 and exists \
             (select 1 from agreement a where a.agreement_id = obligation.agreement_id and {vis}) and {owed}"
        );
        let mut binds = vec![actor.org.to_string()];
        binds.extend(vis_binds);
        binds.extend(owed_binds);
        let add = |cond: &str, v: String, sql: &mut String, binds: &mut Vec<String>| {
            binds.push(v);
            sql.push_str(&format!(
                " and {}",
                cond.replace("$?", &format!("${}", binds.len()))
            ));
        };
        if let Some(a) = f.agreement_id {
            add("agreement_id = $?", a.to_string(), &mut sql, &mut binds);
        }
        if let Some(s) = f.status {
            add("status = $?", s.as_str().to_owned(), &mut sql, &mut binds);
        }
        if let Some(o) = &f.owner {
            add("owner = $?", o.clone(), &mut sql, &mut binds);
        }
        if let Some(t) = f.updated_since {
            add("updated_at >= $?", t.to_string(), &mut sql, &mut binds);
        }
        if let Some(v) = f.vague {
            sql.push_str(if v {
                " and vague = 1"
            } else {
                " and vague = 0"
            });
        }
        let today = match f.today {
            Some(t) => t,
            None => self.today(actor).await?,
        };
        if f.overdue {
            sql.push_str(" and status in ('pending', 'overdue')");
            add("due_date < $?", today.to_string(), &mut sql, &mut binds);
        }
        if let Some(w) = f.due_within_days {
            sql.push_str(" and status in ('pending', 'overdue')");
            add("due_date >= $?", today.to_string(), &mut sql, &mut binds);
            add(
                "due_date <= $?",
                w.last_day(today).to_string(),
                &mut sql,
                &mut binds,
            );
        }
        sql.push_str(" order by due_date is null, due_date, obligation_id limit 5000");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        let rows = q
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(from_row)
            .collect::<Result<Vec<_>>>()?;
        let mut rows = ended(&self.pool, &actor.org.to_string(), rows).await?;
        // Asked for what is open: a duty that ended with its agreement is not.
        if f.overdue
            || f.due_within_days.is_some()
            || matches!(
                f.status,
                Some(ObligationStatus::Pending | ObligationStatus::Overdue)
            )
        {
            rows.retain(|o| o.status != ObligationStatus::Ended);
        }
        if f.overdue {
            return self.with_overdue_occurrence(actor, rows, today).await;
        }
        Ok(rows)
    }

    /// Keeps the obligations with at least one overdue occurrence on `today`, by the same rule
    /// as the occurrence views: what a person recorded, the obligation's own status, and the
    /// agreement's tracking start (earlier occurrences are history). A recurring duty looks
    /// back as far as the materialised deadlines do.
    async fn with_overdue_occurrence(
        &self,
        actor: &Actor,
        rows: Vec<Obligation>,
        today: Date,
    ) -> Result<Vec<Obligation>> {
        use crate::schedule::{
            LOOKBACK_DAYS, context, is_recurring, load_records, load_terms_batch, placeholders,
        };
        use entente_domain::occurrence::{effective_status, expand};
        if rows.is_empty() {
            return Ok(rows);
        }
        let org = actor.org.to_string();
        let mut ids: Vec<AgreementId> = rows.iter().map(|o| o.agreement_id).collect();
        ids.sort();
        ids.dedup();
        let mut tracked: std::collections::BTreeMap<AgreementId, Date> = Default::default();
        let mut terms = std::collections::BTreeMap::new();
        let mut endings = std::collections::HashMap::new();
        for part in ids.chunks(500) {
            let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(format!(
                "select agreement_id, tracked_from from agreement where organisation_id = $1 \
                 and tracked_from is not null and agreement_id in ({})",
                placeholders(2, part.len())
            )))
            .bind(&org);
            for id in part {
                q = q.bind(id.to_string());
            }
            for (a, t) in q.fetch_all(&self.pool).await? {
                tracked.insert(
                    parse_id(&a)?,
                    Date::parse(&t).map_err(|e| StoreError::Corrupt(e.message))?,
                );
            }
            terms.extend(load_terms_batch(&self.pool, &org, part).await?);
            endings.extend(crate::schedule::load_endings(&self.pool, &org, part).await?);
        }
        let mut records = std::collections::BTreeMap::new();
        for part in rows.chunks(500) {
            records.extend(load_records(&self.pool, &org, part).await?);
        }
        // Each agreement's own calendar: the one set on it, else its parties' or governing
        // law's, else the tenant's.
        let tenant_cal = self.alert_settings(actor.org).await?.business_calendar();
        let set = crate::schedule::load_set_calendars(&self.pool, &org, &ids).await?;
        let mut places = std::collections::HashMap::new();
        for part in ids.chunks(500) {
            places.extend(crate::schedule::load_party_places(&self.pool, &org, part).await?);
        }
        let empty = entente_domain::terms::Terms::default();
        let cals: std::collections::HashMap<AgreementId, _> = ids
            .iter()
            .map(|id| {
                let choice = crate::schedule::choose_for(
                    set.get(id).map(String::as_str),
                    places.get(id).map_or(&[][..], Vec::as_slice),
                    terms.get(id).unwrap_or(&empty),
                    endings.get(id),
                    &tenant_cal,
                );
                (*id, choice.calendar)
            })
            .collect();
        let from = today.plus_days(-LOOKBACK_DAYS);
        let yesterday = today.plus_days(-1);
        Ok(rows
            .into_iter()
            .filter_map(|mut o| {
                let tracked_from = tracked.get(&o.agreement_id).copied();
                let recurring = is_recurring(&o.due);
                let overdue = |due: Date| {
                    effective_status(
                        records.get(&(o.id, due)).map(|r| r.status),
                        o.status,
                        recurring,
                        due,
                        today,
                        tracked_from,
                    ) == ObligationStatus::Overdue
                };
                let dues: Vec<Date> = if recurring {
                    let t = terms.get(&o.agreement_id).unwrap_or(&empty);
                    let ending = endings.get(&o.agreement_id);
                    // Every occurrence since tracking began (or the effective date), not a
                    // fixed look-back: an old overdue report is still overdue.
                    let since = tracked_from
                        .or(t.date(entente_domain::terms::TermField::EffectiveDate))
                        .map_or(from, |d| d.min(from));
                    let cal = cals.get(&o.agreement_id).unwrap_or(&tenant_cal);
                    expand(&o.due, &context(t, ending, today, cal), since, yesterday)
                        .iter()
                        .map(|occ| occ.due)
                        .filter(|d| overdue(*d))
                        .collect()
                } else {
                    o.due_date.filter(|d| overdue(*d)).into_iter().collect()
                };
                let oldest = *dues.first()?;
                o.status = ObligationStatus::Overdue;
                o.due_date = Some(oldest);
                o.overdue_occurrences = dues;
                Some(o)
            })
            .collect())
    }

    /// Changes an obligation's status or owner.
    pub async fn update_obligation(
        &self,
        actor: &Actor,
        id: ObligationId,
        p: &ObligationPatch,
    ) -> Result<Obligation> {
        let (next, owner, bulk) = p.parsed()?;
        let cur = self.get_obligation(actor, id).await?;
        if crate::schedule::is_recurring(&cur.due) {
            if bulk && next != Some(ObligationStatus::Done) {
                return Err(ValidationError::new(
                    "occurrences",
                    "applies with status \"done\" only",
                )
                .into());
            }
            if next == Some(ObligationStatus::Done) {
                if !bulk {
                    return Err(ValidationError::new(
                        "status",
                        format!(
                            "obligation {id} recurs: it is done occurrence by occurrence (PUT /api/obligations/{id}/occurrences/{{due}}); \
                             send \"occurrences\": \"open\" with status done to mark every open occurrence due by today done"
                        ),
                    )
                    .into());
                }
                return self.close_open_occurrences(actor, &cur, p).await;
            }
        } else if bulk {
            return Err(ValidationError::new(
                "occurrences",
                format!("obligation {id} is a one-off duty: set its status alone"),
            )
            .into());
        }
        let mut tx = self.begin().await?;
        let now = self.now_text();
        if let Some(next) = next {
            cur.status.transition(next)?;
            // Compare-and-set on the status read above, so two concurrent updates cannot both apply.
            let n = sqlx::query("update obligation set status = $1, updated_at = $2 where obligation_id = $3 and status = $4")
                .bind(next.as_str())
                .bind(&now)
                .bind(id.to_string())
                .bind(cur.status.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::Conflict(
                    "the obligation changed meanwhile; reload and retry".into(),
                ));
            }
        }
        if let Some(o) = &owner {
            sqlx::query(
                "update obligation set owner = $1, updated_at = $2 where obligation_id = $3",
            )
            .bind(o.clone())
            .bind(&now)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        audit::append(&mut tx, actor, "obligation.update", "obligation", &id.to_string(), Some(cur.agreement_id), serde_json::json!({
            "from": cur.status.as_str(), "status": next.map(ObligationStatus::as_str), "owner": owner, "note": p.note,
        }))
        .await?;
        tx.commit().await?;
        self.get_obligation(actor, id).await
    }

    /// Marks every open (pending or overdue) occurrence of a recurring obligation due on or
    /// before today done, each recorded with the patch's note; history stays history.
    async fn close_open_occurrences(
        &self,
        actor: &Actor,
        ob: &Obligation,
        p: &ObligationPatch,
    ) -> Result<Obligation> {
        let today = self.today(actor).await?;
        let since = today.plus_days(-(366 * 30));
        let open: Vec<Date> = self
            .list_occurrences(actor, ob.id, since, today)
            .await?
            .into_iter()
            .filter(|o| {
                matches!(
                    o.status,
                    ObligationStatus::Pending | ObligationStatus::Overdue
                )
            })
            .map(|o| o.due)
            .collect();
        if p.owner.is_some() {
            let owner_only = ObligationPatch {
                status: None,
                occurrences: None,
                ..p.clone()
            };
            Box::pin(self.update_obligation(actor, ob.id, &owner_only)).await?;
        }
        let update = entente_domain::occurrence::OccurrenceUpdate {
            status: "done".into(),
            note: p
                .note
                .clone()
                .or_else(|| Some("marked done with the obligation's open occurrences".into())),
            reason: None,
        };
        for due in open {
            self.record_occurrence(actor, ob.id, due, &update).await?;
        }
        self.get_obligation(actor, ob.id).await
    }

    /// Deletes an obligation.
    pub async fn delete_obligation(&self, actor: &Actor, id: ObligationId) -> Result<()> {
        let cur = self.get_obligation(actor, id).await?;
        let mut tx = self.begin().await?;
        sqlx::query("delete from obligation where obligation_id = $1 and organisation_id = $2")
            .bind(id.to_string())
            .bind(actor.org.to_string())
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            "obligation.delete",
            "obligation",
            &id.to_string(),
            Some(cur.agreement_id),
            serde_json::json!({ "text": cur.text }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
