//! Deadlines: key dates and obligation occurrences computed from the terms and materialised
//! per agreement (refreshed when the agreement changes); occurrence status and evidence;
//! watchers; the tenant's alert settings.

use crate::agreement::{load_terms, lock_agreement};
use crate::row::{json, parse_id, to_json};
use crate::{Actor, Result, Store, StoreError, Tx, audit};
use entente_domain::alerting::{AlertSettings, AlertSettingsPatch};
use entente_domain::amendment::{AmendmentKind, AmendmentText, texts_in_force};
use entente_domain::calendar::BusinessCalendar;
use entente_domain::calendar::choice::{self, CalendarChoice, CalendarInputs};
use entente_domain::clause::Clause;
use entente_domain::keydates::{self, ClauseIndex, Ending, KeyDate, KeyDateOptions};
use entente_domain::lifecycle::TerminationKind;
use entente_domain::obligation::{DueRule, Obligation, ObligationStatus};
use entente_domain::occurrence::{self, Occurrence, OccurrenceContext, OccurrenceUpdate};
use entente_domain::query::{DayWindow, DeadlineQuery};
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{
    AgreementId, AgreementStatus, Date, ObligationId, OrganisationId, Timestamp, ValidationError,
};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// Days behind today that materialised occurrences reach back (older overdue items drop out).
pub(crate) const LOOKBACK_DAYS: i64 = 366;
/// The key-date kind behind the listing's notice column and window, and those behind its
/// term-end column, as stored and as SQL literals (fixed strings, never input).
pub(crate) const NEXT_NOTICE_KIND: &str = "non_renewal_notice_deadline";
pub(crate) const NEXT_TERM_END_KINDS: [&str; 2] = ["renewal", "expiration"];
pub(crate) const NEXT_NOTICE_SQL: &str = "'non_renewal_notice_deadline'";
pub(crate) const NEXT_TERM_END_SQL: &str = "'renewal', 'expiration'";
/// Days ahead of today that deadlines are materialised for.
pub(crate) const HORIZON_DAYS: i64 = 800;
/// An agreement is recomputed when its horizon covers less than this many days ahead (and
/// when it reaches further than `HORIZON_DAYS`: it was computed for a later day, the clock has
/// been set back since).
const MIN_AHEAD_DAYS: i64 = 740;

/// An obligation's occurrence with its status.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OccurrenceView {
    /// The obligation.
    pub obligation_id: ObligationId,
    /// Due date.
    pub due: Date,
    /// 1-based sequence number.
    pub seq: u32,
    /// How the date was computed.
    pub derivation: String,
    /// Pending, done, overdue or waived; `history` when it fell due before the agreement's
    /// tracking began and nobody recorded it (neither overdue nor alerted).
    pub status: ObligationStatus,
    /// Who recorded the status, if anyone did.
    pub recorded_by: Option<String>,
    /// When.
    #[schema(format = DateTime)]
    pub recorded_at: Option<String>,
    /// Note or waiver reason.
    pub note: Option<String>,
    /// Evidence files attached.
    pub evidence: Vec<EvidenceInfo>,
}

/// An evidence file attached to an occurrence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvidenceInfo {
    /// Identifier (for download).
    pub id: String,
    /// File name as uploaded.
    pub filename: String,
    /// Media type as given.
    pub media_type: String,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// The computed dates of one agreement.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgreementDates {
    /// The agreement.
    pub agreement_id: AgreementId,
    /// Its title.
    pub title: String,
    /// The day "today" was taken to be.
    pub today: Date,
    /// The business calendar used.
    pub calendar: String,
    /// Why that calendar: "calendar set on the agreement", "calendar from the jurisdiction of
    /// …, who receives the notice", "calendar from the governing law", "the organisation's
    /// default calendar", or "calendar given for this request".
    pub calendar_basis: String,
    /// The agreement's lifecycle status.
    pub status: AgreementStatus,
    /// The day tracking began: occurrences due earlier show as `history` unless someone
    /// recorded them. `null`: tracked from the effective date on.
    pub tracked_from: Option<Date>,
    /// Key dates that run, earliest first: only an agreement in force or winding down has
    /// deadlines (the same rule the portfolio listing and alerts follow).
    pub key_dates: Vec<KeyDate>,
    /// For an agreement not in force (a draft, out for signature, closed …): the key dates its
    /// terms would give if it were, earliest first, so a draft can be reviewed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub planned_key_dates: Vec<KeyDate>,
    /// Obligation occurrences in the window, earliest first.
    pub occurrences: Vec<ObligationDue>,
}

/// One obligation occurrence, with the obligation's words.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ObligationDue {
    /// The obligation.
    pub obligation_id: ObligationId,
    /// Who owes it.
    pub obligor: String,
    /// The duty.
    pub text: String,
    /// Who tracks it.
    pub owner: Option<String>,
    /// The occurrence.
    pub occurrence: Occurrence,
    /// Its status: pending, done, overdue, waived, or `history` (due before the agreement's
    /// tracking began and not recorded).
    pub status: ObligationStatus,
}

pub use entente_domain::alert::Deadline;

impl Store {
    /// The tenant's alert settings (defaults when never set).
    pub async fn alert_settings(&self, org: OrganisationId) -> Result<AlertSettings> {
        settings_in(&self.pool, org).await
    }

    /// Changes the tenant's alert settings; deadlines are recomputed with the new calendar.
    pub async fn update_alert_settings(
        &self,
        actor: &Actor,
        patch: &AlertSettingsPatch,
    ) -> Result<AlertSettings> {
        let next = self.alert_settings(actor.org).await?.apply(patch)?;
        let mut tx = self.begin().await?;
        let now = tx.now_text();
        sqlx::query(
            "insert into alert_setting (organisation_id, lead_days, overdue_daily, time_zone, calendar, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $6) on conflict (organisation_id) do update set lead_days = excluded.lead_days, \
             overdue_daily = excluded.overdue_daily, time_zone = excluded.time_zone, calendar = excluded.calendar, updated_at = excluded.updated_at",
        )
        .bind(actor.org.to_string())
        .bind(to_json(&next.lead_days))
        .bind(i64::from(next.overdue_daily))
        .bind(&next.time_zone)
        .bind(next.calendar.clone())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        // A new calendar or time zone changes dates: mark every agreement stale.
        sqlx::query("delete from deadline_org_check where organisation_id = $1")
            .bind(actor.org.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from deadline_state where organisation_id = $1")
            .bind(actor.org.to_string())
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            "alert_settings.update",
            "alert_setting",
            &actor.org.to_string(),
            None,
            serde_json::to_value(&next).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Key dates and obligation occurrences of one agreement, computed now from its terms.
    pub async fn agreement_dates(
        &self,
        actor: &Actor,
        id: AgreementId,
        today: Option<Date>,
        until: Option<Date>,
        calendar: Option<&BusinessCalendar>,
    ) -> Result<AgreementDates> {
        let settings = self.alert_settings(actor.org).await?;
        let today = today.unwrap_or_else(|| settings.today(self.now()));
        let a = self.get_agreement(actor, id).await?;
        let clauses = self.list_clauses(actor, id, None).await?;
        let mut obligations = load_obligations(&self.pool, &actor.org.to_string(), &[id]).await?;
        let owed = self.owed_obligations(actor, id).await?;
        obligations.retain(|o| owed.as_ref().is_none_or(|ids| ids.contains(&o.id)));
        let records = load_records(&self.pool, &actor.org.to_string(), &obligations).await?;
        let ending = load_endings(&self.pool, &actor.org.to_string(), &[id])
            .await?
            .remove(&id);
        // An explicit calendar (e.g. a holiday file, for a rehearsal) wins over the choice.
        let choice = match calendar {
            Some(c) => CalendarChoice {
                calendar: c.clone(),
                basis: "calendar given for this request".to_owned(),
            },
            None => {
                let places: Vec<(String, Option<String>)> = a
                    .parties
                    .iter()
                    .map(|p| (p.legal_name.clone(), p.jurisdiction.clone()))
                    .collect();
                choose_for(
                    a.calendar.as_deref(),
                    &places,
                    &a.terms,
                    ending.as_ref(),
                    &settings.business_calendar(),
                )
            }
        };
        let cal = choice.calendar.clone();
        let mut opts = KeyDateOptions::new(today, &cal);
        if let Some(u) = until {
            opts.until = u;
        }
        opts.ending = ending;
        opts.calendar_basis = Some(choice.basis.clone());
        // Every occurrence since tracking began (the effective date when it has no start):
        // an overdue view that looked back a fixed year dropped older overdue occurrences.
        let since = a
            .tracked_from
            .or(a.terms.date(TermField::EffectiveDate))
            .map_or(today.plus_days(-LOOKBACK_DAYS), |d| {
                d.min(today.plus_days(-LOOKBACK_DAYS))
            });
        let sched = compute(&a.terms, &clauses, &obligations, &opts, since, opts.until);
        let occurrences = sched
            .occurrences
            .into_iter()
            .map(|(o, occ)| {
                let rec = records.get(&(o.id, occ.due)).map(|r| r.status);
                ObligationDue {
                    obligation_id: o.id,
                    obligor: o.obligor.clone(),
                    text: o.text.clone(),
                    owner: o.owner.clone(),
                    status: occurrence::effective_status(
                        rec,
                        o.status,
                        is_recurring(&o.due),
                        occ.due,
                        today,
                        a.tracked_from,
                    ),
                    occurrence: occ,
                }
            })
            .collect();
        let runs = a.status.in_force() || a.status == AgreementStatus::WindDown;
        let (key_dates, planned_key_dates) = if runs {
            (sched.key_dates, Vec::new())
        } else {
            (Vec::new(), sched.key_dates)
        };
        Ok(AgreementDates {
            agreement_id: id,
            title: a.title,
            today,
            calendar: cal.name().to_owned(),
            calendar_basis: choice.basis,
            status: a.status,
            tracked_from: a.tracked_from,
            key_dates,
            planned_key_dates,
            occurrences,
        })
    }

    /// Recomputes the deadlines of agreements whose terms or obligations changed since they
    /// were last computed (or whose horizon runs short), up to `limit` agreements across all
    /// tenants. Returns how many were recomputed.
    pub async fn refresh_deadlines(&self, now: Timestamp, limit: u32) -> Result<usize> {
        self.refresh_stale(None, now, limit).await
    }

    /// Brings one tenant's materialised key dates up to date before they are read (listing,
    /// filters, sorting), so a read never shows dates older than the terms. An unchanged
    /// tenant costs two primary-key reads (its revision and its last check); a changed one a
    /// scan of its agreements' stamps and the recomputation of the stale ones.
    pub async fn refresh_org_deadlines(
        &self,
        org: OrganisationId,
        now: Timestamp,
    ) -> Result<usize> {
        // Read before the scan: a write committed during it bumps the revision, so the next
        // read scans again.
        let fingerprint = self.org_fingerprint(org).await?;
        let checked: Option<(String, String, Option<String>)> = sqlx::query_as(
            "select fingerprint, valid_until, \
             (select max(horizon_until) from deadline_state where organisation_id = $1) \
             from deadline_org_check where organisation_id = $1",
        )
        .bind(org.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let today = self.alert_settings(org).await?.today(now);
        // Valid while no horizon runs short and none was computed for a later day than today.
        let latest = today.plus_days(HORIZON_DAYS).to_string();
        let today = today.to_string();
        if checked.is_some_and(|(f, v, longest)| {
            f == fingerprint && today <= v && longest.is_none_or(|l| l <= latest)
        }) {
            return Ok(0);
        }
        let mut total = 0;
        loop {
            let n = self.refresh_stale(Some(org), now, 5000).await?;
            total += n;
            if n < 5000 {
                break;
            }
        }
        // Valid while every agreement's horizon reaches far enough ahead (the scan's own rule).
        let shortest: Option<String> = sqlx::query_scalar(
            "select min(horizon_until) from deadline_state where organisation_id = $1",
        )
        .bind(org.to_string())
        .fetch_one(&self.pool)
        .await?;
        let valid_until = match shortest {
            Some(h) => Date::parse(&h)
                .map_err(|e| StoreError::Corrupt(e.message))?
                .plus_days(-MIN_AHEAD_DAYS),
            None => Date::from_ymd(9999, 12, 31).map_err(|e| StoreError::Corrupt(e.message))?,
        };
        sqlx::query(
            "insert into deadline_org_check (organisation_id, fingerprint, valid_until, updated_at) values ($1, $2, $3, $4) \
             on conflict (organisation_id) do update set fingerprint = excluded.fingerprint, \
             valid_until = excluded.valid_until, updated_at = excluded.updated_at",
        )
        .bind(org.to_string())
        .bind(&fingerprint)
        .bind(valid_until.to_string())
        .bind(self.now_text())
        .execute(&self.pool)
        .await?;
        Ok(total)
    }

    /// Moves the stored next notice deadline and next term end of the tenant's agreements
    /// (`deadline_state`) forward to `today`: a value before today is replaced by the first
    /// key date of its kind on or after today. Values are computed for the day of their
    /// refresh, never later than today (a refresh recomputes rows computed for a later day),
    /// so a value on or after today is already the next one; only those that days have
    /// passed by need work — a few rows a day, found on the index.
    pub(crate) async fn advance_next_key_dates(
        &self,
        org: OrganisationId,
        today: Date,
    ) -> Result<()> {
        let org = org.to_string();
        let today = today.to_string();
        for (column, kinds) in [
            ("next_notice", NEXT_NOTICE_SQL),
            ("next_term_end", NEXT_TERM_END_SQL),
        ] {
            let due: Option<i32> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "select 1 from deadline_state where organisation_id = $1 and {column} < $2 limit 1"
            )))
            .bind(&org)
            .bind(&today)
            .fetch_optional(&self.pool)
            .await?;
            if due.is_none() {
                continue;
            }
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "update deadline_state set {column} = (select min(d.due_date) from deadline d \
                 where d.agreement_id = deadline_state.agreement_id and d.kind in ({kinds}) and d.due_date >= $2) \
                 where organisation_id = $1 and {column} < $2"
            )))
            .bind(&org)
            .bind(&today)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// What the tenant's key dates are computed from, as one value that changes whenever
    /// they may: the tenant's revision, which triggers bump on every insert, update or delete
    /// of its agreements and obligations (migration 0016).
    async fn org_fingerprint(&self, org: OrganisationId) -> Result<String> {
        let revision: Option<i64> =
            sqlx::query_scalar("select revision from org_revision where organisation_id = $1")
                .bind(org.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(format!("rev {}", revision.unwrap_or(0)))
    }

    async fn refresh_stale(
        &self,
        org: Option<OrganisationId>,
        now: Timestamp,
        limit: u32,
    ) -> Result<usize> {
        let stamp = STAMP_SQL;
        let scope = if org.is_some() {
            "a.organisation_id = $3 and"
        } else {
            ""
        };
        // Horizons are counted from each tenant's today; across tenants the threshold is the
        // latest today of any time zone (none runs more than a day ahead of UTC's date).
        let today = match org {
            Some(o) => self.alert_settings(o).await?.today(now),
            None => now.date_utc().plus_days(1),
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select a.agreement_id, a.organisation_id from agreement a left join deadline_state s on s.agreement_id = a.agreement_id \
             where {scope} (s.agreement_id is null or s.source_stamp <> ({stamp}) or s.horizon_until < $1 \
             or s.horizon_until > $2) limit {}",
            limit.clamp(1, 5000)
        )))
        .bind(today.plus_days(MIN_AHEAD_DAYS).to_string())
        .bind(today.plus_days(HORIZON_DAYS).to_string());
        if let Some(o) = org {
            q = q.bind(o.to_string());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut by_org: BTreeMap<String, Vec<AgreementId>> = BTreeMap::new();
        for r in &rows {
            by_org
                .entry(r.try_get("organisation_id")?)
                .or_default()
                .push(parse_id(&r.try_get::<String, _>("agreement_id")?)?);
        }
        let mut done = 0;
        for (org, mut ids) in by_org {
            // Rows are locked in id order within each transaction, so two instances
            // refreshing overlapping sets cannot deadlock (no ORDER BY in SQL: sorting every
            // stale row of a large portfolio on each step costs more than sorting a batch here).
            ids.sort();
            let org_id: OrganisationId = parse_id(&org)?;
            let settings = self.alert_settings(org_id).await?;
            for chunk in ids.chunks(200) {
                done += self
                    .refresh_chunk(&org, &settings, now, chunk, None)
                    .await?;
            }
        }
        Ok(done)
    }

    /// Recomputes the deadlines of agreements `ids` as of `now` and replaces their stored rows;
    /// with `preview`, hands the computed rows over instead and writes nothing.
    async fn refresh_chunk(
        &self,
        org: &str,
        settings: &AlertSettings,
        now: Timestamp,
        ids: &[AgreementId],
        preview: Option<&mut Vec<(AgreementId, NewDeadline)>>,
    ) -> Result<usize> {
        let today = settings.today(now);
        let tenant_cal = settings.business_calendar();
        let from = today.plus_days(-LOOKBACK_DAYS);
        let heads = load_heads(&self.pool, org, ids).await?;
        let places = load_party_places(&self.pool, org, ids).await?;
        let obligations = load_obligations(&self.pool, org, ids).await?;
        let clauses = load_clause_index(&self.pool, org, ids).await?;
        let terms = load_terms_batch(&self.pool, org, ids).await?;
        let endings = load_endings(&self.pool, org, ids).await?;
        let now_s = now.to_string();
        // Compute everything first; the transaction then writes in a few batched statements.
        // Inputs read before the write are safe: a change in between alters the stamp, so
        // the next step recomputes the agreement.
        let mut rows: Vec<(AgreementId, NewDeadline)> = Vec::new();
        let empty = Terms::default();
        for id in ids {
            let Some(head) = heads.get(id) else { continue };
            if !(head.status.in_force() || head.status == AgreementStatus::WindDown) {
                continue;
            }
            let t = terms.get(id).unwrap_or(&empty);
            let obs: Vec<Obligation> = obligations
                .iter()
                .filter(|o| o.agreement_id == *id)
                .cloned()
                .collect();
            let cl = clauses.get(id).map_or(&[][..], Vec::as_slice);
            let choice = choose_for(
                head.calendar.as_deref(),
                places.get(id).map_or(&[][..], Vec::as_slice),
                t,
                endings.get(id),
                &tenant_cal,
            );
            let opts = KeyDateOptions {
                until: today.plus_days(HORIZON_DAYS),
                ending: endings.get(id).cloned(),
                calendar_basis: Some(choice.basis.clone()),
                ..KeyDateOptions::new(today, &choice.calendar)
            };
            // Occurrences since tracking began (the effective date when it has no start) stay
            // in the table, so an overdue view lists every overdue one, however old; earlier
            // ones are history, kept for the last year only.
            let since = head
                .tracked_from
                .or(t.date(TermField::EffectiveDate))
                .map_or(from, |d| d.min(from));
            let sched = compute(t, cl, &obs, &opts, since, opts.until);
            for kd in &sched.key_dates {
                rows.push((
                    *id,
                    NewDeadline {
                        subject: format!("kd:{}", kd.key),
                        obligation_id: None,
                        kind: kd.kind.as_str(),
                        due: kd.date,
                        label: kd.label.clone(),
                        derivation: kd.derivation.clone(),
                        clause: kd
                            .clause
                            .as_ref()
                            .map(|c| (c.clause_id.to_string(), c.label())),
                        conditional: kd.conditional,
                        owner: head.owner.clone(),
                    },
                ));
            }
            for (o, occ) in &sched.occurrences {
                rows.push((
                    *id,
                    NewDeadline {
                        subject: format!("ob:{}:{}", o.id, occ.seq),
                        obligation_id: Some(o.id),
                        kind: "obligation",
                        due: occ.due,
                        label: format!("{}: {}", o.obligor, o.text),
                        derivation: occ.derivation.clone(),
                        clause: None,
                        conditional: occ.conditional,
                        owner: o.owner.clone().or_else(|| head.owner.clone()),
                    },
                ));
            }
        }
        if let Some(out) = preview {
            out.extend(rows);
            return Ok(0);
        }
        let present: Vec<AgreementId> = ids
            .iter()
            .copied()
            .filter(|id| heads.contains_key(id))
            .collect();
        if present.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let id_list = placeholders(1, present.len());
        // Instances refreshing the same agreements take turns: rows are locked in id order in
        // one statement, so two instances cannot deadlock. SQLite's `begin immediate` serialises.
        if self.backend == crate::Backend::Postgres {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
                "select agreement_id from agreement where agreement_id in ({id_list}) order by agreement_id for update"
            )));
            for id in &present {
                q = q.bind(id.to_string());
            }
            q.fetch_all(&mut *tx).await?;
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "delete from deadline where agreement_id in ({id_list})"
        )));
        for id in &present {
            q = q.bind(id.to_string());
        }
        q.execute(&mut *tx).await?;
        // Small multi-row statements: sqlx's SQLite driver looks up each bind parameter by name,
        // which costs time quadratic in the parameters of one statement.
        for batch in rows.chunks(25) {
            insert_deadlines(&mut tx, org, batch, &now_s).await?;
        }
        // Each agreement's next notice deadline and term end from today, for the listing.
        let mut next: BTreeMap<AgreementId, (Option<Date>, Option<Date>)> = BTreeMap::new();
        for (id, d) in &rows {
            let slot = next.entry(*id).or_default();
            let which = match d.kind {
                NEXT_NOTICE_KIND => &mut slot.0,
                k if NEXT_TERM_END_KINDS.contains(&k) => &mut slot.1,
                _ => continue,
            };
            if d.due >= today && which.is_none_or(|w| d.due < w) {
                *which = Some(d.due);
            }
        }
        for part in present.chunks(50) {
            let values: Vec<String> = (0..part.len())
                .map(|i| {
                    let b = i * 8;
                    let p: Vec<String> = (1..=8).map(|k| format!("${}", b + k)).collect();
                    format!("({})", p.join(", "))
                })
                .collect();
            let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
                "insert into deadline_state (agreement_id, organisation_id, source_stamp, horizon_until, created_at, updated_at, next_notice, next_term_end) \
                 values {} on conflict (agreement_id) do update set source_stamp = excluded.source_stamp, \
                 horizon_until = excluded.horizon_until, updated_at = excluded.updated_at, \
                 next_notice = excluded.next_notice, next_term_end = excluded.next_term_end",
                values.join(", ")
            )));
            for id in part {
                let stamp = heads.get(id).map(|h| h.stamp.clone()).unwrap_or_default();
                let (notice, term_end) = next.get(id).copied().unwrap_or_default();
                q = q
                    .bind(id.to_string())
                    .bind(org)
                    .bind(stamp)
                    .bind(today.plus_days(HORIZON_DAYS).to_string())
                    .bind(now_s.clone())
                    .bind(now_s.clone())
                    .bind(notice.map(|d| d.to_string()))
                    .bind(term_end.map(|d| d.to_string()));
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(present.len())
    }

    /// The deadlines of tenant `org` as a refresh at `now` would compute them, with the status
    /// each would show on that day — computed in memory, so a preview of another day neither
    /// reads nor rewrites the stored rows. Only the rows `keep` accepts are kept (a portfolio's
    /// whole schedule is never held at once); earliest first, as the stored rows are read.
    pub(crate) async fn preview_deadlines(
        &self,
        org: OrganisationId,
        now: Timestamp,
        keep: impl Fn(&Deadline) -> bool,
    ) -> Result<Vec<Deadline>> {
        let settings = self.alert_settings(org).await?;
        let today = settings.today(now);
        let org_s = org.to_string();
        let ids: Vec<String> = sqlx::query_scalar(
            "select agreement_id from agreement where organisation_id = $1 order by agreement_id",
        )
        .bind(&org_s)
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<AgreementId> = ids.iter().map(|i| parse_id(i)).collect::<Result<_>>()?;
        let mut out = Vec::new();
        for chunk in ids.chunks(200) {
            let mut rows = Vec::new();
            self.refresh_chunk(&org_s, &settings, now, chunk, Some(&mut rows))
                .await?;
            if rows.is_empty() {
                continue;
            }
            // What a stored row is read with: its agreement's title and tracking start, its
            // obligation's status and rule, and the occurrence recorded for its day.
            let mut q = sqlx::query_as::<_, (String, String, Option<String>)>(sqlx::AssertSqlSafe(
                format!(
                    "select agreement_id, title, tracked_from from agreement where organisation_id = $1 and agreement_id in ({})",
                    placeholders(2, chunk.len())
                ),
            ))
            .bind(&org_s);
            for id in chunk {
                q = q.bind(id.to_string());
            }
            let mut heads = BTreeMap::new();
            for (id, title, tracked) in q.fetch_all(&self.pool).await? {
                heads.insert(
                    parse_id::<AgreementId>(&id)?,
                    (title, crate::row::opt_date(tracked)?),
                );
            }
            let obligations = load_obligations(&self.pool, &org_s, chunk).await?;
            let records = load_records(&self.pool, &org_s, &obligations).await?;
            for (id, d) in rows {
                let Some((title, tracked_from)) = heads.get(&id) else {
                    continue;
                };
                let status = d.obligation_id.map(|oid| {
                    let ob = obligations.iter().find(|o| o.id == oid);
                    occurrence::effective_status(
                        records.get(&(oid, d.due)).map(|r| r.status),
                        ob.map_or(ObligationStatus::Pending, |o| o.status),
                        ob.is_some_and(|o| is_recurring(&o.due)),
                        d.due,
                        today,
                        *tracked_from,
                    )
                });
                let deadline = Deadline {
                    agreement_id: id,
                    agreement_title: title.clone(),
                    subject: d.subject,
                    obligation_id: d.obligation_id,
                    kind: d.kind.to_owned(),
                    due_date: d.due,
                    label: d.label,
                    derivation: d.derivation,
                    clause: d.clause.map(|(_, label)| label),
                    conditional: d.conditional,
                    owner: d.owner,
                    status,
                };
                if keep(&deadline) {
                    out.push(deadline);
                }
            }
        }
        out.sort_by(|a, b| {
            (a.due_date, a.agreement_id, &a.subject).cmp(&(b.due_date, b.agreement_id, &b.subject))
        });
        Ok(out)
    }

    /// Refreshes the planner's statistics (`analyze`), as PostgreSQL's autovacuum or SQLite's
    /// `pragma optimize` on a new connection would after a bulk load.
    pub async fn analyze(&self) -> Result<()> {
        sqlx::query("analyze").execute(&self.pool).await?;
        Ok(())
    }

    /// Number of materialised deadlines across all tenants (benchmarks, operations).
    pub async fn count_deadlines(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("select count(*) from deadline")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    /// Materialised deadlines of the tenant, earliest first. The tenant's stale agreements are
    /// recomputed first, so the rows follow every committed write (an import, a version, a term
    /// edit, a lifecycle move, an obligation change), whichever process made it and whether or
    /// not a scheduler runs anywhere; an unchanged tenant costs two primary-key reads.
    pub async fn list_deadlines(&self, actor: &Actor, f: &DeadlineQuery) -> Result<Vec<Deadline>> {
        // The query type checks the range; the clamp keeps the SQL bounded whatever it holds.
        let limit = f.limit.clamp(1, entente_domain::query::MAX_DEADLINE_ROWS);
        self.list_deadlines_after(actor, f, None, limit as usize)
            .await
    }

    /// At most `limit` deadlines after `after` (the last one of the page before; `None` for
    /// the first page), in their order (due date, agreement, subject: unique), so pages
    /// neither repeat nor skip a deadline while others write.
    pub async fn list_deadlines_after(
        &self,
        actor: &Actor,
        f: &DeadlineQuery,
        after: Option<&DeadlineKey>,
        limit: usize,
    ) -> Result<Vec<Deadline>> {
        self.refresh_org_deadlines(actor.org, self.now()).await?;
        let today = match f.today {
            Some(t) => t,
            None => self.today(actor).await?,
        };
        let limit = limit.clamp(1, entente_domain::query::MAX_DEADLINE_ROWS as usize + 1);
        let (mut sql, binds) = deadline_sql(actor, f, today, after, KindSet::All);
        sql.push_str(" order by d.due_date, d.agreement_id, d.subject");
        // Whether a row counts (overdue, open) is decided per row below, after the SQL: the
        // limit applies to the rows that count, read in batches, so settled or history rows
        // ahead of them cannot fill the page.
        let batch = limit.max(200);
        let mut out = Vec::with_capacity(limit.min(1000));
        for offset in (0..).step_by(batch) {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{sql} limit {batch} offset {offset}"
            )));
            for b in &binds {
                q = q.bind(b.clone());
            }
            let rows = q.fetch_all(&self.pool).await?;
            let last = rows.len() < batch;
            for r in rows {
                let d = deadline_from_row(&r, today)?;
                if !counts_in(f, d.status) {
                    continue;
                }
                out.push(d);
                if out.len() == limit {
                    return Ok(out);
                }
            }
            if last {
                break;
            }
        }
        Ok(out)
    }

    /// What the dashboard shows of the tenant's deadlines as of `today`: the first `rows` due
    /// within `window` (notice deadlines first) and how many there are, the first `rows`
    /// overdue occurrences and how many, and the renewals and expirations of each month up to
    /// `year`'s last day. Counts are over every match, however large the portfolio.
    pub async fn deadline_overview(
        &self,
        actor: &Actor,
        today: Date,
        window: DayWindow,
        year: DayWindow,
        rows: usize,
    ) -> Result<DeadlineOverview> {
        self.refresh_org_deadlines(actor.org, self.now()).await?;
        let within = DeadlineQuery {
            within_days: Some(window),
            today: Some(today),
            ..Default::default()
        };
        let overdue_query = DeadlineQuery {
            overdue: true,
            obligations_only: true,
            today: Some(today),
            ..Default::default()
        };
        // The five reads are independent: they run side by side on the pool's connections.
        // Notice deadlines come first; the other kinds fill what is left of `rows`, so `rows`
        // of them are read before it is known how many notices there are.
        let (mut due, others, (_, due_total), (overdue, overdue_total), term_ends_by_month) = tokio::try_join!(
            self.judged_first(actor, &within, today, KindSet::Notice, rows),
            self.judged_first(actor, &within, today, KindSet::NotNotice, rows),
            self.deadlines_counted(actor, &within, today, KindSet::All, 0),
            self.deadlines_counted(actor, &overdue_query, today, KindSet::All, rows),
            self.term_ends_by_month(actor, today, year),
        )?;
        due.extend(others.into_iter().take(rows.saturating_sub(due.len())));
        Ok(DeadlineOverview {
            due,
            due_total,
            overdue,
            overdue_total,
            term_ends_by_month,
        })
    }

    /// How many renewals and expirations fall in each month from `today` to `year`'s last day.
    async fn term_ends_by_month(
        &self,
        actor: &Actor,
        today: Date,
        year: DayWindow,
    ) -> Result<Vec<(String, u64)>> {
        // Renewals and expirations are key dates (no occurrence status): SQL counts them.
        let mut binds = vec![
            actor.org.to_string(),
            today.to_string(),
            year.last_day(today).to_string(),
        ];
        let (vis, vis_binds) = actor.visible(binds.len() + 1);
        binds.extend(vis_binds);
        // Only key dates have these kinds (a duty's rows are `obligation`), so the kind index
        // covers the count; the agreement is read only when the actor's view depends on it.
        let sql = format!(
            "select substr(d.due_date, 1, 7) as month, count(*) as n from deadline d \
             {} agreement a on a.agreement_id = d.agreement_id \
             where d.organisation_id = $1 \
             and d.kind in ({NEXT_TERM_END_SQL}) and d.due_date >= $2 and d.due_date <= $3 \
             and {vis} group by substr(d.due_date, 1, 7) order by 1",
            actor.agreement_join()
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        let mut term_ends_by_month = Vec::new();
        for r in q.fetch_all(&self.pool).await? {
            let month: String = r.try_get("month")?;
            let n: i64 = r.try_get("n")?;
            term_ends_by_month.push((month, u64::try_from(n).unwrap_or(0)));
        }
        Ok(term_ends_by_month)
    }

    /// The first `rows` deadlines of `f` of `kinds`, in order, and how many match in all.
    /// The first rows come from the paged read; the count is SQL's, which decides every
    /// occurrence's status as [`occurrence::effective_status`] does (see [`OVERDUE_SQL`]). A
    /// count that read and judged every row took a second at 10,000 agreements.
    async fn deadlines_counted(
        &self,
        actor: &Actor,
        f: &DeadlineQuery,
        today: Date,
        kinds: KindSet,
        rows: usize,
    ) -> Result<(Vec<Deadline>, u64)> {
        let (sql, binds) = deadline_sql(actor, f, today, None, kinds);
        let from = sql
            .split_once(" from deadline d ")
            .map(|(_, rest)| rest)
            .ok_or_else(|| StoreError::Corrupt("deadline query without its FROM".into()))?;
        // Key dates are always open and duty rows are judged: counted apart, the key dates
        // are an index range and only the duty rows are joined to what judges them.
        let mut counts = Vec::new();
        if f.overdue || f.obligations_only {
            let counted = if f.overdue {
                OVERDUE_SQL
            } else if f.within_days.is_some() {
                OPEN_SQL
            } else {
                "1 = 1"
            };
            counts.push((
                format!("select count(*) from deadline d {from} and ({counted})"),
                binds,
            ));
        } else if f.within_days.is_some() {
            counts.push(key_date_count_sql(actor, f, today, kinds));
            counts.push((
                format!(
                    "select count(*) from deadline d {from} and d.obligation_id is not null and ({OPEN_SQL})"
                ),
                binds,
            ));
        } else {
            counts.push((format!("select count(*) from deadline d {from}"), binds));
        }
        // The first rows and the counts are read side by side.
        let counted =
            futures_util::future::try_join_all(counts.into_iter().map(|(sql, binds)| async move {
                let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
                for b in binds {
                    q = q.bind(b);
                }
                Ok::<_, StoreError>(u64::try_from(q.fetch_one(&self.pool).await?).unwrap_or(0))
            }));
        let (first, counts) =
            tokio::try_join!(self.judged_first(actor, f, today, kinds, rows), counted)?;
        Ok((first, counts.into_iter().sum()))
    }

    /// The first `rows` deadlines of `f` of `kinds`, in order.
    async fn judged_first(
        &self,
        actor: &Actor,
        f: &DeadlineQuery,
        today: Date,
        kinds: KindSet,
        rows: usize,
    ) -> Result<Vec<Deadline>> {
        if rows == 0 {
            return Ok(Vec::new());
        }
        let (mut sql, binds) = deadline_sql(actor, f, today, None, kinds);
        sql.push_str(" order by d.due_date, d.agreement_id, d.subject");
        self.judged_rows(&sql, &binds, f, today, rows).await
    }

    /// The rows of `sql` that belong in a read of `f`, judged row by row, at most `limit`.
    async fn judged_rows(
        &self,
        sql: &str,
        binds: &[String],
        f: &DeadlineQuery,
        today: Date,
        limit: usize,
    ) -> Result<Vec<Deadline>> {
        let batch = limit.clamp(1, 1000);
        let mut out = Vec::new();
        for offset in (0..).step_by(batch) {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{sql} limit {batch} offset {offset}"
            )));
            for b in binds {
                q = q.bind(b.clone());
            }
            let rows = q.fetch_all(&self.pool).await?;
            let last = rows.len() < batch;
            for r in rows {
                let d = deadline_from_row(&r, today)?;
                if counts_in(f, d.status) {
                    out.push(d);
                    if out.len() == limit {
                        return Ok(out);
                    }
                }
            }
            if last {
                break;
            }
        }
        Ok(out)
    }

    /// Occurrences of one obligation between two days, with their status and evidence.
    pub async fn list_occurrences(
        &self,
        actor: &Actor,
        id: ObligationId,
        from: Date,
        until: Date,
    ) -> Result<Vec<OccurrenceView>> {
        let (o, occs) = self.occurrences_of(actor, id, from, until).await?;
        let org = actor.org.to_string();
        let tracked_from = tracked_from(&self.pool, &org, o.agreement_id).await?;
        let records = load_records(&self.pool, &org, std::slice::from_ref(&o)).await?;
        let evidence = load_evidence(&self.pool, &org, id).await?;
        let settings = self.alert_settings(actor.org).await?;
        let today = settings.today(self.now());
        Ok(occs
            .into_iter()
            .map(|occ| {
                let rec = records.get(&(id, occ.due));
                OccurrenceView {
                    obligation_id: id,
                    due: occ.due,
                    seq: occ.seq,
                    status: occurrence::effective_status(
                        rec.map(|r| r.status),
                        o.status,
                        is_recurring(&o.due),
                        occ.due,
                        today,
                        tracked_from,
                    ),
                    recorded_by: rec.map(|r| r.by.clone()),
                    recorded_at: rec.map(|r| r.at.to_string()),
                    note: rec.and_then(|r| r.note.clone()),
                    evidence: evidence
                        .iter()
                        .filter(|(d, _)| *d == occ.due)
                        .map(|(_, e)| e.clone())
                        .collect(),
                    derivation: occ.derivation,
                }
            })
            .collect())
    }

    pub(crate) async fn occurrences_of(
        &self,
        actor: &Actor,
        id: ObligationId,
        from: Date,
        until: Date,
    ) -> Result<(Obligation, Vec<Occurrence>)> {
        let o = self.get_obligation(actor, id).await?;
        let org = actor.org.to_string();
        let terms = load_terms(&self.pool, &org, o.agreement_id).await?;
        let endings = load_endings(&self.pool, &org, &[o.agreement_id]).await?;
        let settings = self.alert_settings(actor.org).await?;
        let cal = self
            .calendar_of(actor.org, o.agreement_id, &settings)
            .await?
            .calendar;
        let today = settings.today(self.now());
        let ctx = context(&terms, endings.get(&o.agreement_id), today, &cal);
        let occ = occurrence::expand_obligation(&o, &ctx, from, until);
        Ok((o, occ))
    }

    /// Records that one occurrence was done, waived, or is pending again. The date must be
    /// one the obligation actually falls due on.
    pub async fn record_occurrence(
        &self,
        actor: &Actor,
        id: ObligationId,
        due: Date,
        update: &OccurrenceUpdate,
    ) -> Result<OccurrenceView> {
        let (status, note) = update.validate()?;
        let (o, occs) = self.occurrences_of(actor, id, due, due).await?;
        if occs.is_empty() {
            return Err(ValidationError::new(
                "due",
                format!("obligation {id} does not fall due on {due}; list its occurrences to find the right date"),
            )
            .into());
        }
        let org = actor.org.to_string();
        let mut tx = self.begin().await?;
        let now = tx.now_text();
        lock_agreement(&mut tx, actor, o.agreement_id).await?;
        sqlx::query(
            "insert into occurrence (obligation_id, organisation_id, due_date, status, note, recorded_by, recorded_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $7, $7) on conflict (obligation_id, due_date) do update set status = excluded.status, \
             note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at, updated_at = excluded.updated_at",
        )
        .bind(id.to_string())
        .bind(&org)
        .bind(due.to_string())
        .bind(status.as_str())
        .bind(note.clone())
        .bind(&actor.name)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        // A one-off duty has one occurrence: its status is the obligation's.
        if !is_recurring(&o.due) && o.status != status {
            sqlx::query(
                "update obligation set status = $1, updated_at = $2 where obligation_id = $3",
            )
            .bind(status.as_str())
            .bind(&now)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            "occurrence.record",
            "obligation",
            &id.to_string(),
            Some(o.agreement_id),
            serde_json::json!({
                "due": due, "status": status.as_str(), "note": note,
            }),
        )
        .await?;
        tx.commit().await?;
        let mut v = self.list_occurrences(actor, id, due, due).await?;
        v.pop()
            .ok_or_else(|| StoreError::not_found("occurrence", due))
    }

    /// Attaches an evidence file to one occurrence (at most 20 MiB).
    pub async fn attach_evidence(
        &self,
        actor: &Actor,
        id: ObligationId,
        due: Date,
        filename: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<EvidenceInfo> {
        let name = filename.trim();
        if name.is_empty()
            || name.chars().count() > 255
            || name.contains(['/', '\\'])
            || name.chars().any(char::is_control)
        {
            return Err(ValidationError::new(
                "filename",
                "must be 1 to 255 characters, without slashes or control characters",
            )
            .into());
        }
        if bytes.is_empty() || bytes.len() > 20 * 1024 * 1024 {
            return Err(ValidationError::new(
                "body",
                format!(
                    "evidence must be 1 byte to 20 MiB (20,971,520 bytes), got {} bytes",
                    bytes.len()
                ),
            )
            .into());
        }
        let (o, occs) = self.occurrences_of(actor, id, due, due).await?;
        if occs.is_empty() {
            return Err(ValidationError::new(
                "due",
                format!("obligation {id} does not fall due on {due}"),
            )
            .into());
        }
        let eid = uuid::Uuid::now_v7().to_string();
        let sha = entente_domain::document::sha256_hex(bytes);
        let mut tx = self.begin().await?;
        let now = tx.now_text();
        lock_agreement(&mut tx, actor, o.agreement_id).await?;
        sqlx::query(
            "insert into occurrence_evidence (occurrence_evidence_id, organisation_id, obligation_id, due_date, filename, media_type, sha256, size, content, uploaded_by, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(&eid)
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .bind(due.to_string())
        .bind(name)
        .bind(media_type)
        .bind(&sha)
        .bind(bytes.len() as i64)
        .bind(bytes.to_vec())
        .bind(&actor.name)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::append(&mut tx, actor, "occurrence.evidence", "obligation", &id.to_string(), Some(o.agreement_id), serde_json::json!({
            "due": due, "evidence_id": eid, "filename": name, "sha256": sha, "size": bytes.len(),
        }))
        .await?;
        tx.commit().await?;
        Ok(EvidenceInfo {
            id: eid,
            filename: name.to_owned(),
            media_type: media_type.to_owned(),
            sha256: sha,
            size: bytes.len() as u64,
            uploaded_by: actor.name.clone(),
            created_at: now,
        })
    }

    /// An evidence file's name, media type and bytes.
    pub async fn evidence_content(
        &self,
        actor: &Actor,
        evidence_id: &str,
    ) -> Result<(String, String, Vec<u8>)> {
        // Evidence is as visible as its agreement, and evidence of another party's duty does
        // not exist for a counterparty user.
        let (owed, owed_binds) = crate::obligation::owed_sql(actor, "o", 3);
        let (vis, vis_binds) = actor.visible(3 + owed_binds.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select e.filename, e.media_type, e.content from occurrence_evidence e \
             join obligation o on o.obligation_id = e.obligation_id \
             join agreement a on a.agreement_id = o.agreement_id \
             where e.organisation_id = $1 and e.occurrence_evidence_id = $2 and {owed} and {vis}"
        )))
        .bind(actor.org.to_string())
        .bind(evidence_id);
        for b in owed_binds.into_iter().chain(vis_binds) {
            q = q.bind(b);
        }
        let r = q
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("evidence", evidence_id))?;
        Ok((
            r.try_get("filename")?,
            r.try_get("media_type")?,
            r.try_get("content")?,
        ))
    }

    /// The ids of the agreement's obligations this actor may see, or `None` when it sees all.
    async fn owed_obligations(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> Result<Option<std::collections::HashSet<ObligationId>>> {
        if actor.visibility.party().is_none() {
            return Ok(None);
        }
        let (owed, owed_binds) = crate::obligation::owed_sql(actor, "o", 3);
        let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select o.obligation_id from obligation o where o.organisation_id = $1 and o.agreement_id = $2 and {owed}"
        )))
        .bind(actor.org.to_string())
        .bind(id.to_string());
        for b in owed_binds {
            q = q.bind(b);
        }
        let ids: Vec<String> = q.fetch_all(&self.pool).await?;
        Ok(Some(
            ids.iter().map(|i| parse_id(i)).collect::<Result<_>>()?,
        ))
    }

    /// Adds a watcher (an e-mail address) to an agreement's alerts.
    pub async fn add_watcher(
        &self,
        actor: &Actor,
        id: AgreementId,
        email: &str,
    ) -> Result<Vec<String>> {
        let email = entente_domain::agreement::parse_owner(email).map_err(|e| e.within("email"))?;
        let mut tx = self.begin().await?;
        lock_agreement(&mut tx, actor, id).await?;
        let now = self.now_text();
        sqlx::query("insert into watcher (agreement_id, organisation_id, email, created_at, updated_at) values ($1, $2, $3, $4, $4) on conflict (agreement_id, email) do nothing")
            .bind(id.to_string())
            .bind(actor.org.to_string())
            .bind(&email)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            "watcher.add",
            "agreement",
            &id.to_string(),
            Some(id),
            serde_json::json!({ "email": email }),
        )
        .await?;
        tx.commit().await?;
        self.list_watchers(actor, id).await
    }

    /// Removes a watcher.
    pub async fn remove_watcher(
        &self,
        actor: &Actor,
        id: AgreementId,
        email: &str,
    ) -> Result<Vec<String>> {
        let email = email.trim().to_lowercase();
        let mut tx = self.begin().await?;
        lock_agreement(&mut tx, actor, id).await?;
        let n = sqlx::query(
            "delete from watcher where agreement_id = $1 and organisation_id = $2 and email = $3",
        )
        .bind(id.to_string())
        .bind(actor.org.to_string())
        .bind(&email)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("watcher", email));
        }
        audit::append(
            &mut tx,
            actor,
            "watcher.remove",
            "agreement",
            &id.to_string(),
            Some(id),
            serde_json::json!({ "email": email }),
        )
        .await?;
        tx.commit().await?;
        self.list_watchers(actor, id).await
    }

    /// An agreement's watchers.
    pub async fn list_watchers(&self, actor: &Actor, id: AgreementId) -> Result<Vec<String>> {
        self.check_visible(actor, id).await?;
        Ok(sqlx::query_scalar("select email from watcher where organisation_id = $1 and agreement_id = $2 order by email")
            .bind(actor.org.to_string())
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?)
    }
}

/// What the deadlines of an agreement were computed from: any change to the agreement row
/// (terms, status, owner) or its obligations changes it.
const STAMP_SQL: &str = "a.updated_at || '|' || coalesce((select max(o.updated_at) from obligation o where o.agreement_id = a.agreement_id), '-') \
     || '|' || (select count(*) from obligation o where o.agreement_id = a.agreement_id)";

/// The day an agreement's tracking began (`None`: from its effective date).
pub(crate) async fn tracked_from(
    pool: &sqlx::AnyPool,
    org: &str,
    id: AgreementId,
) -> Result<Option<Date>> {
    let t: Option<Option<String>> = sqlx::query_scalar(
        "select tracked_from from agreement where organisation_id = $1 and agreement_id = $2",
    )
    .bind(org)
    .bind(id.to_string())
    .fetch_optional(pool)
    .await?;
    crate::row::opt_date(t.flatten())
}

pub(crate) fn is_recurring(rule: &DueRule) -> bool {
    matches!(rule, DueRule::Recurring { .. })
}

/// Key dates plus occurrences of one agreement.
pub(crate) struct Schedule {
    pub(crate) key_dates: Vec<KeyDate>,
    pub(crate) occurrences: Vec<(Obligation, Occurrence)>,
}

pub(crate) fn context<'a>(
    terms: &Terms,
    ending: Option<&'a Ending>,
    today: Date,
    cal: &'a BusinessCalendar,
) -> OccurrenceContext<'a> {
    OccurrenceContext {
        effective: terms.date(TermField::EffectiveDate),
        term_end: keydates::term_end_with(terms, ending, today, cal),
        ending,
        calendar: cal,
    }
}

impl Store {
    /// The calendar one agreement's dates follow and why (see [`choose_for`]).
    pub(crate) async fn calendar_of(
        &self,
        org: OrganisationId,
        id: AgreementId,
        settings: &AlertSettings,
    ) -> Result<CalendarChoice> {
        let mut conn = self.pool.acquire().await?;
        calendar_in(&mut conn, &org.to_string(), id, None, settings).await
    }
}

/// The calendar one agreement's dates follow and why, read on `conn` (a transaction that
/// locked the agreement, or a pooled connection). `giver` names the party giving a notice
/// not yet recorded; otherwise the recorded notice's giver, if any, is left out of the
/// recipients.
pub(crate) async fn calendar_in(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    id: AgreementId,
    giver: Option<&str>,
    settings: &AlertSettings,
) -> Result<CalendarChoice> {
    let set: Option<Option<String>> = sqlx::query_scalar(
        "select calendar from agreement where organisation_id = $1 and agreement_id = $2",
    )
    .bind(org)
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let set = set.flatten();
    let terms = load_terms(&mut *conn, org, id).await?;
    let mut endings = load_endings(&mut *conn, org, &[id]).await?;
    let mut places = load_party_places(&mut *conn, org, &[id]).await?;
    let recorded = endings.remove(&id);
    let giver = giver.or(recorded.as_ref().map(|e| e.given_by.as_str()));
    Ok(choose_with_giver(
        set.as_deref(),
        &places.remove(&id).unwrap_or_default(),
        &terms,
        giver,
        &settings.business_calendar(),
    ))
}

/// The calendar an agreement's dates follow: the one set on it, else the jurisdiction of the
/// parties who receive notice (the others than the party that gave a recorded notice), else
/// the governing law, else the tenant's (`entente_domain::calendar::choice`).
pub(crate) fn choose_for(
    set: Option<&str>,
    parties: &[(String, Option<String>)],
    terms: &Terms,
    ending: Option<&Ending>,
    tenant: &BusinessCalendar,
) -> CalendarChoice {
    choose_with_giver(
        set,
        parties,
        terms,
        ending.map(|e| e.given_by.as_str()),
        tenant,
    )
}

/// [`choose_for`] with the party giving notice named directly (`None`: no notice).
fn choose_with_giver(
    set: Option<&str>,
    parties: &[(String, Option<String>)],
    terms: &Terms,
    giver: Option<&str>,
    tenant: &BusinessCalendar,
) -> CalendarChoice {
    let law = match terms.get(TermField::GoverningLaw) {
        Some(TermValue::Text(t)) => Some(t.as_str()),
        _ => None,
    };
    let recipients = parties
        .iter()
        .filter(|(name, _)| giver.is_none_or(|g| g != name))
        .map(|(name, j)| (name.as_str(), j.as_deref()))
        .collect();
    choice::choose(
        &CalendarInputs {
            set,
            recipients,
            governing_law: law,
        },
        tenant,
    )
}

/// Each agreement's parties as (legal name, jurisdiction), in agreement order.
pub(crate) async fn load_party_places<'e, E>(
    pool: E,
    org: &str,
    ids: &[AgreementId],
) -> Result<HashMap<AgreementId, Vec<(String, Option<String>)>>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let mut out: HashMap<AgreementId, Vec<(String, Option<String>)>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "select ap.agreement_id, p.legal_name, p.jurisdiction from agreement_party ap \
         join party p on p.party_id = ap.party_id \
         where ap.organisation_id = $1 and ap.agreement_id in ({}) order by ap.agreement_id, ap.ordinal",
        placeholders(2, ids.len())
    );
    let mut q =
        sqlx::query_as::<_, (String, String, Option<String>)>(sqlx::AssertSqlSafe(sql)).bind(org);
    for id in ids {
        q = q.bind(id.to_string());
    }
    for (a, name, j) in q.fetch_all(pool).await? {
        out.entry(parse_id(&a)?).or_default().push((name, j));
    }
    Ok(out)
}

/// The calendars set on agreements `ids`, by agreement (those with none set are absent).
pub(crate) async fn load_set_calendars(
    pool: &sqlx::AnyPool,
    org: &str,
    ids: &[AgreementId],
) -> Result<HashMap<AgreementId, String>> {
    let mut out = HashMap::new();
    for part in ids.chunks(500) {
        let sql = format!(
            "select agreement_id, calendar from agreement where organisation_id = $1 \
             and calendar is not null and agreement_id in ({})",
            placeholders(2, part.len())
        );
        let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql)).bind(org);
        for id in part {
            q = q.bind(id.to_string());
        }
        for (a, c) in q.fetch_all(pool).await? {
            out.insert(parse_id(&a)?, c);
        }
    }
    Ok(out)
}

/// A tenant's alert settings, read with any executor (a transaction's included).
pub(crate) async fn settings_in<'e, E>(ex: E, org: OrganisationId) -> Result<AlertSettings>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "select lead_days, overdue_daily, time_zone, calendar from alert_setting where organisation_id = $1",
    )
    .bind(org.to_string())
    .fetch_optional(ex)
    .await?;
    let Some(r) = row else {
        return Ok(AlertSettings::default());
    };
    let overdue: i64 = r.try_get("overdue_daily")?;
    Ok(AlertSettings {
        lead_days: json(&r.try_get::<String, _>("lead_days")?)?,
        overdue_daily: overdue != 0,
        time_zone: r.try_get("time_zone")?,
        calendar: r.try_get("calendar")?,
    })
}

/// The duties due after the end of an agreement (the contract's own, counted from its ending)
/// with their occurrences and whether each is settled (done or waived).
pub(crate) fn duties_after_end(
    terms: &Terms,
    ending: Option<&Ending>,
    obligations: &[Obligation],
    records: &BTreeMap<(ObligationId, Date), Record>,
    today: Date,
    cal: &BusinessCalendar,
) -> Vec<(Obligation, Occurrence, bool)> {
    use entente_domain::obligation::Event;
    let ctx = context(terms, ending, today, cal);
    let far = Date::from_ymd(9999, 12, 31).unwrap_or(today);
    let near = Date::from_ymd(1000, 1, 1).unwrap_or(today);
    let mut out = Vec::new();
    for o in obligations {
        let after_end = matches!(
            &o.due,
            DueRule::After {
                event: Event::Termination | Event::TerminationBy { .. },
                ..
            }
        );
        if !after_end {
            continue;
        }
        for occ in occurrence::expand_obligation(o, &ctx, near, far) {
            let settled = match records.get(&(o.id, occ.due)).map(|r| r.status) {
                Some(s) => matches!(s, ObligationStatus::Done | ObligationStatus::Waived),
                None => matches!(o.status, ObligationStatus::Done | ObligationStatus::Waived),
            };
            out.push((o.clone(), occ, settled));
        }
    }
    out
}

/// The ending in force of each agreement: its latest notice that was neither withdrawn nor
/// voided.
pub(crate) async fn load_endings<'e, E>(
    ex: E,
    org: &str,
    ids: &[AgreementId],
) -> Result<HashMap<AgreementId, Ending>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    type Row = (
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        Option<String>,
    );
    let mut q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
        "select agreement_id, kind, given_by, given_by_short, given_on, effective_date, clause from termination \
         where organisation_id = $1 and retired is null and agreement_id in ({}) order by created_at",
        placeholders(2, ids.len())
    )))
    .bind(org);
    for id in ids {
        q = q.bind(id.to_string());
    }
    let corrupt = |e: entente_domain::ValidationError| StoreError::Corrupt(e.message);
    for (a, kind, given_by, given_by_short, given_on, effective, clause) in q.fetch_all(ex).await? {
        out.insert(
            parse_id(&a)?,
            Ending {
                kind: TerminationKind::parse(&kind).map_err(corrupt)?,
                given_by,
                given_by_short,
                given_on: Date::parse(&given_on).map_err(corrupt)?,
                effective: Date::parse(&effective).map_err(corrupt)?,
                clause,
            },
        );
    }
    Ok(out)
}

pub(crate) fn compute(
    terms: &Terms,
    clauses: &[Clause],
    obligations: &[Obligation],
    opts: &KeyDateOptions<'_>,
    from: Date,
    until: Date,
) -> Schedule {
    let key_dates = keydates::compute_with_next(terms, &ClauseIndex::new(clauses), opts);
    let ctx = context(terms, opts.ending.as_ref(), opts.today, opts.calendar);
    let mut occurrences = Vec::new();
    // A one-off duty is a single row however old, so an old overdue duty never drops out;
    // recurring duties look back only as far as `from`.
    let earliest = Date::from_ymd(1000, 1, 1).unwrap_or(from);
    for o in obligations {
        let start = if is_recurring(&o.due) { from } else { earliest };
        // A duty that does not survive the ending has no occurrence after it.
        let last = opts
            .ending
            .as_ref()
            .map_or(until, |e| e.last_due(&o.due, o.survives, until));
        for occ in occurrence::expand_obligation(o, &ctx, start, last) {
            occurrences.push((o.clone(), occ));
        }
    }
    occurrences.sort_by_key(|o| o.1.due);
    Schedule {
        key_dates,
        occurrences,
    }
}

struct NewDeadline {
    subject: String,
    obligation_id: Option<ObligationId>,
    kind: &'static str,
    due: Date,
    label: String,
    derivation: String,
    clause: Option<(String, String)>,
    conditional: bool,
    owner: Option<String>,
}

/// Inserts deadline rows in one statement (callers pass small batches).
async fn insert_deadlines(
    tx: &mut Tx,
    org: &str,
    rows: &[(AgreementId, NewDeadline)],
    now: &str,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..rows.len())
        .map(|i| {
            let p: Vec<String> = (1..=14).map(|k| format!("${}", i * 14 + k)).collect();
            format!("({})", p.join(", "))
        })
        .collect();
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "insert into deadline (organisation_id, agreement_id, subject, obligation_id, kind, due_date, label, derivation, clause_id, \
         clause_label, conditional, owner, created_at, updated_at) values {}",
        values.join(", ")
    )));
    for (id, d) in rows {
        q = q
            .bind(org)
            .bind(id.to_string())
            .bind(d.subject.clone())
            .bind(d.obligation_id.map(|o| o.to_string()))
            .bind(d.kind)
            .bind(d.due.to_string())
            .bind(d.label.clone())
            .bind(d.derivation.clone())
            .bind(d.clause.as_ref().map(|c| c.0.clone()))
            .bind(d.clause.as_ref().map(|c| c.1.clone()))
            .bind(i64::from(d.conditional))
            .bind(d.owner.clone())
            .bind(now)
            .bind(now);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// The terms of several agreements in one query.
pub(crate) async fn load_terms_batch(
    pool: &sqlx::AnyPool,
    org: &str,
    ids: &[AgreementId],
) -> Result<BTreeMap<AgreementId, Terms>> {
    let sql = format!(
        "select agreement_id, field, value, source from term where organisation_id = $1 and agreement_id in ({})",
        placeholders(2, ids.len())
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org);
    for id in ids {
        q = q.bind(id.to_string());
    }
    let mut out: BTreeMap<AgreementId, Terms> = BTreeMap::new();
    for r in q.fetch_all(pool).await? {
        let field = TermField::parse(&r.try_get::<String, _>("field")?)
            .map_err(|e| StoreError::Corrupt(e.message))?;
        let value = field
            .parse_value(&json::<serde_json::Value>(
                &r.try_get::<String, _>("value")?,
            )?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        out.entry(parse_id(&r.try_get::<String, _>("agreement_id")?)?)
            .or_default()
            .0
            .insert(
                field,
                entente_domain::terms::Sourced {
                    value,
                    source: json(&r.try_get::<String, _>("source")?)?,
                },
            );
    }
    Ok(out)
}

/// The dashboard's view of a tenant's deadlines ([`Store::deadline_overview`]).
#[derive(Debug, Clone)]
pub struct DeadlineOverview {
    /// The first rows due within the window: notice deadlines first, each group by date.
    pub due: Vec<Deadline>,
    /// Every deadline due within the window.
    pub due_total: u64,
    /// The first overdue occurrences, oldest first.
    pub overdue: Vec<Deadline>,
    /// Every overdue occurrence.
    pub overdue_total: u64,
    /// Renewals and expirations per month (`YYYY-MM`), months without one left out.
    pub term_ends_by_month: Vec<(String, u64)>,
}

/// Which key-date kinds a deadline read takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KindSet {
    All,
    /// Non-renewal notice deadlines alone.
    Notice,
    /// Everything but non-renewal notice deadlines.
    NotNotice,
}

/// The SELECT … WHERE of a deadline read (no ORDER BY) and its binds: the filters of `f`,
/// the keyset position `after`, the kinds, and what `actor` may see.
fn deadline_sql(
    actor: &Actor,
    f: &DeadlineQuery,
    today: Date,
    after: Option<&DeadlineKey>,
    kinds: KindSet,
) -> (String, Vec<String>) {
    let mut sql = format!(
        "select d.agreement_id, a.title, d.subject, d.obligation_id, d.kind, d.due_date, d.label, d.derivation, d.clause_label, \
         d.conditional, d.owner, o.status as ob_status, oc.status as rec_status, o.due as ob_due, a.tracked_from \
         from deadline d {} agreement a on a.agreement_id = d.agreement_id \
         left join obligation o on o.obligation_id = d.obligation_id \
         left join occurrence oc on oc.obligation_id = d.obligation_id and oc.due_date = d.due_date \
         where d.organisation_id = $1",
        actor.agreement_join()
    );
    let binds = deadline_conditions(actor, f, today, after, kinds, &mut sql);
    (sql, binds)
}

/// The count of the key dates (no occurrences) a read of `f` of `kinds` takes: they are always
/// open, so nothing is joined but what decides whether the actor sees them, and the count is
/// an index range.
fn key_date_count_sql(
    actor: &Actor,
    f: &DeadlineQuery,
    today: Date,
    kinds: KindSet,
) -> (String, Vec<String>) {
    let mut sql = String::from("select count(*) from deadline d");
    if !actor.sees_all() {
        sql.push_str(" join agreement a on a.agreement_id = d.agreement_id");
    }
    // A counterparty's view of duties reads the obligation; it is null for every key date.
    if actor.visibility.party().is_some() {
        sql.push_str(" left join obligation o on o.obligation_id = d.obligation_id");
    }
    sql.push_str(" where d.organisation_id = $1 and d.obligation_id is null");
    let binds = deadline_conditions(actor, f, today, None, kinds, &mut sql);
    (sql, binds)
}

/// Appends the conditions of a deadline read after `where d.organisation_id = $1` to `sql`,
/// and returns the binds from `$1` on.
fn deadline_conditions(
    actor: &Actor,
    f: &DeadlineQuery,
    today: Date,
    after: Option<&DeadlineKey>,
    kinds: KindSet,
    sql: &mut String,
) -> Vec<String> {
    let mut binds = vec![actor.org.to_string()];
    if let Some(k) = after {
        let n = binds.len();
        binds.extend([
            k.due_date.to_string(),
            k.agreement_id.to_string(),
            k.subject.clone(),
        ]);
        sql.push_str(&format!(
            " and (d.due_date > ${a} or (d.due_date = ${a} and (d.agreement_id > ${b} \
             or (d.agreement_id = ${b} and d.subject > ${c}))))",
            a = n + 1,
            b = n + 2,
            c = n + 3
        ));
    }
    let mut add = |cond: &str, v: String, sql: &mut String| {
        binds.push(v);
        sql.push_str(&format!(
            " and {}",
            cond.replace("$?", &format!("${}", binds.len()))
        ));
    };
    if let Some(a) = f.agreement_id {
        add("d.agreement_id = $?", a.to_string(), sql);
    }
    if let Some(w) = f.within_days {
        add("d.due_date >= $?", today.to_string(), sql);
        add("d.due_date <= $?", w.last_day(today).to_string(), sql);
    }
    if f.overdue {
        add("d.due_date < $?", today.to_string(), sql);
        sql.push_str(" and d.obligation_id is not null");
    }
    if f.obligations_only {
        sql.push_str(" and d.obligation_id is not null");
    }
    if let Some(p) = f.person.clone() {
        add(
            "(d.owner = $? or exists (select 1 from watcher w where w.agreement_id = d.agreement_id and w.email = $?))",
            p,
            sql,
        );
    }
    // Only agreements this actor may see (restricted agreements, counterparty users).
    let (vis, vis_binds) = actor.visible(binds.len() + 1);
    sql.push_str(&format!(" and {vis}"));
    binds.extend(vis_binds);
    // Key dates are the agreement's; an occurrence only when its duty is visible too.
    let (owed, owed_binds) = crate::obligation::owed_sql(actor, "o", binds.len() + 1);
    sql.push_str(&format!(" and (d.obligation_id is null or {owed})"));
    binds.extend(owed_binds);
    match kinds {
        KindSet::All => {}
        KindSet::Notice => sql.push_str(&format!(" and d.kind = {NEXT_NOTICE_SQL}")),
        KindSet::NotNotice => sql.push_str(&format!(" and d.kind <> {NEXT_NOTICE_SQL}")),
    }
    binds
}

pub(crate) fn deadline_from_row(r: &sqlx::any::AnyRow, today: Date) -> Result<Deadline> {
    let due = Date::parse(&r.try_get::<String, _>("due_date")?)
        .map_err(|e| StoreError::Corrupt(e.message))?;
    let obligation_id: Option<String> = r.try_get("obligation_id")?;
    let conditional: i64 = r.try_get("conditional")?;
    let status = row_status(r, due, obligation_id.is_some(), today)?;
    Ok(Deadline {
        agreement_id: parse_id(&r.try_get::<String, _>("agreement_id")?)?,
        agreement_title: r.try_get("title")?,
        subject: r.try_get("subject")?,
        obligation_id: obligation_id.map(|o| parse_id(&o)).transpose()?,
        kind: r.try_get("kind")?,
        due_date: due,
        label: r.try_get("label")?,
        derivation: r.try_get("derivation")?,
        clause: r.try_get("clause_label")?,
        conditional: conditional != 0,
        owner: r.try_get("owner")?,
        status,
    })
}

/// The effective status of a deadline row's occurrence (`None` for a key date).
fn row_status(
    r: &sqlx::any::AnyRow,
    due: Date,
    is_obligation: bool,
    today: Date,
) -> Result<Option<ObligationStatus>> {
    if !is_obligation {
        return Ok(None);
    }
    let ob: Option<String> = r.try_get("ob_status")?;
    let rec: Option<String> = r.try_get("rec_status")?;
    let ob_due: Option<String> = r.try_get("ob_due")?;
    let tracked_from = crate::row::opt_date(r.try_get("tracked_from")?)?;
    let parse =
        |s: &str| ObligationStatus::parse_recorded(s).map_err(|e| StoreError::Corrupt(e.message));
    let recurring = ob_due
        .map(|d| json::<DueRule>(&d))
        .transpose()?
        .is_some_and(|d| is_recurring(&d));
    Ok(Some(occurrence::effective_status(
        rec.as_deref().map(parse).transpose()?,
        ob.as_deref()
            .map(parse)
            .transpose()?
            .unwrap_or(ObligationStatus::Pending),
        recurring,
        due,
        today,
        tracked_from,
    )))
}

/// An occurrence nobody recorded a status for (on aliases `oc`, `o`, `a`, `d`) is open when
/// its duty, as a whole, is pending and it fell due since tracking began; a recurring duty
/// marked done or overdue as a whole says nothing of one occurrence, so the same holds; a
/// one-off duty marked overdue stays open whatever the date. This and [`OVERDUE_SQL`] and
/// [`OPEN_SQL`] write out `occurrence::effective_status`: a test of the store compares their
/// counts with the rows judged one by one.
macro_rules! unrecorded_open_sql {
    () => {
        "(oc.status is null and ((coalesce(o.status, 'pending') = 'overdue' and coalesce(o.recurring, 0) = 0) \
         or ((coalesce(o.status, 'pending') = 'pending' or (o.status in ('done', 'overdue') and o.recurring = 1)) \
         and (a.tracked_from is null or d.due_date >= a.tracked_from))))"
    };
}

/// Past-due occurrence rows that are overdue: recorded as pending or overdue, or open with
/// nothing recorded (see [`unrecorded_open_sql`]).
const OVERDUE_SQL: &str = concat!(
    "oc.status in ('pending', 'overdue') or ",
    unrecorded_open_sql!()
);

/// Rows that are open: key dates, and occurrences pending or overdue by the same reading as
/// [`OVERDUE_SQL`].
const OPEN_SQL: &str = concat!(
    "d.obligation_id is null or oc.status in ('pending', 'overdue') or ",
    unrecorded_open_sql!()
);

/// Whether a deadline of this status belongs in a read of `f`: overdue reads take overdue
/// occurrences alone, windowed reads the open ones (key dates are always open).
fn counts_in(f: &DeadlineQuery, status: Option<ObligationStatus>) -> bool {
    let open =
        status.is_none_or(|s| matches!(s, ObligationStatus::Pending | ObligationStatus::Overdue));
    !((f.overdue && status != Some(ObligationStatus::Overdue))
        || (f.within_days.is_some() && !open))
}

/// `$start, $start+1, …` for `n` bound values.
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

struct Head {
    status: AgreementStatus,
    owner: Option<String>,
    /// The calendar set on the agreement, if any.
    calendar: Option<String>,
    stamp: String,
    tracked_from: Option<Date>,
}

async fn load_heads(
    pool: &sqlx::AnyPool,
    org: &str,
    ids: &[AgreementId],
) -> Result<BTreeMap<AgreementId, Head>> {
    let sql = format!(
        // By primary key only (the tenant index would scan the whole portfolio); the tenant is
        // checked on each row.
        "select a.organisation_id, a.agreement_id, a.status, a.owner, a.tracked_from, a.calendar, ({STAMP_SQL}) as stamp from agreement a where a.agreement_id in ({})",
        placeholders(1, ids.len())
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(id.to_string());
    }
    let mut out = BTreeMap::new();
    for r in q.fetch_all(pool).await? {
        if r.try_get::<String, _>("organisation_id")? != org {
            continue;
        }
        out.insert(
            parse_id(&r.try_get::<String, _>("agreement_id")?)?,
            Head {
                status: AgreementStatus::parse(&r.try_get::<String, _>("status")?)
                    .map_err(|e| StoreError::Corrupt(e.message))?,
                owner: r.try_get("owner")?,
                calendar: r.try_get("calendar")?,
                stamp: r.try_get("stamp")?,
                tracked_from: crate::row::opt_date(r.try_get("tracked_from")?)?,
            },
        );
    }
    Ok(out)
}

pub(crate) async fn load_obligations<'e, E>(
    pool: E,
    org: &str,
    ids: &[AgreementId],
) -> Result<Vec<Obligation>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        // By agreement id only, so the planner uses the agreement index rather than the
        // tenant's (which would scan every obligation of a large portfolio per batch); the
        // tenant is checked on each row instead.
        "select organisation_id, {} from obligation where agreement_id in ({}) order by obligation_id",
        crate::obligation::COLUMNS,
        placeholders(1, ids.len())
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(id.to_string());
    }
    q.fetch_all(pool)
        .await?
        .iter()
        .filter(|r| {
            r.try_get::<String, _>("organisation_id")
                .is_ok_and(|o| o == org)
        })
        .map(crate::obligation::from_row)
        .collect()
}

/// The clauses of each agreement's text as recorded (text included, for figure matching): its
/// latest full text and the amendment letters since ([`texts_in_force`]), in version order.
async fn load_clause_index(
    pool: &sqlx::AnyPool,
    org: &str,
    ids: &[AgreementId],
) -> Result<BTreeMap<AgreementId, Vec<Clause>>> {
    // Every version of each agreement (through the unique (agreement, number) index) and its
    // amendments, then the clauses of the texts in force (through the clause-by-version index).
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select v.agreement_id, v.version_id, v.number, v.organisation_id from document_version v where v.agreement_id in ({})",
        placeholders(1, ids.len())
    )));
    for id in ids {
        q = q.bind(id.to_string());
    }
    let mut numbered: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
    for r in q.fetch_all(pool).await? {
        if r.try_get::<String, _>("organisation_id")? != org {
            continue;
        }
        let number: i64 = r.try_get("number")?;
        numbered
            .entry(r.try_get("agreement_id")?)
            .or_default()
            .push((number as u32, r.try_get("version_id")?));
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select m.agreement_id, m.number, v.number as vnum, m.kind, m.effective_date from amendment m \
         join document_version v on v.version_id = m.version_id where m.agreement_id in ({})",
        placeholders(1, ids.len())
    )));
    for id in ids {
        q = q.bind(id.to_string());
    }
    let mut amended: BTreeMap<String, Vec<AmendmentText>> = BTreeMap::new();
    for r in q.fetch_all(pool).await? {
        let corrupt = |e: ValidationError| StoreError::Corrupt(e.message);
        let number: i64 = r.try_get("number")?;
        let vnum: i64 = r.try_get("vnum")?;
        amended
            .entry(r.try_get("agreement_id")?)
            .or_default()
            .push(AmendmentText {
                number: number as u32,
                version_number: vnum as u32,
                kind: AmendmentKind::parse(&r.try_get::<String, _>("kind")?).map_err(corrupt)?,
                effective_date: Date::parse(&r.try_get::<String, _>("effective_date")?)
                    .map_err(corrupt)?,
            });
    }
    // (version id, agreement id) of each text in force, and its place in its agreement's text.
    let mut versions: Vec<(String, String)> = Vec::new();
    let mut rank: BTreeMap<String, usize> = BTreeMap::new();
    for (agreement, list) in &numbered {
        let numbers: Vec<u32> = list.iter().map(|(n, _)| *n).collect();
        let am = amended.get(agreement).map_or(&[][..], Vec::as_slice);
        for (i, t) in texts_in_force(&numbers, am, None).iter().enumerate() {
            if let Some((_, vid)) = list.iter().find(|(n, _)| *n == t.version_number) {
                rank.insert(vid.clone(), i);
                versions.push((vid.clone(), agreement.clone()));
            }
        }
    }
    if versions.is_empty() {
        return Ok(BTreeMap::new());
    }
    let sql = format!(
        "select c.clause_id, c.version_id, c.agreement_id, c.ordinal, c.number, c.heading, c.body, c.categories from clause c \
         where c.version_id in ({}) order by c.agreement_id, c.ordinal",
        placeholders(1, versions.len())
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (v, _) in &versions {
        q = q.bind(v.clone());
    }
    let mut out: BTreeMap<AgreementId, Vec<Clause>> = BTreeMap::new();
    for r in q.fetch_all(pool).await? {
        let ordinal: i64 = r.try_get("ordinal")?;
        let body: String = r.try_get("body")?;
        out.entry(parse_id(&r.try_get::<String, _>("agreement_id")?)?)
            .or_default()
            .push(Clause {
                id: parse_id(&r.try_get::<String, _>("clause_id")?)?,
                version_id: parse_id(&r.try_get::<String, _>("version_id")?)?,
                ordinal: ordinal as u32,
                number: r.try_get("number")?,
                heading: r.try_get("heading")?,
                start: 0,
                end: body.len(),
                text: body,
                categories: r
                    .try_get::<String, _>("categories")?
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                confidence: 0.0,
            });
    }
    for clauses in out.values_mut() {
        clauses.sort_by_key(|c| (rank.get(&c.version_id.to_string()).copied(), c.ordinal));
    }
    Ok(out)
}

pub(crate) struct Record {
    pub(crate) status: ObligationStatus,
    by: String,
    at: String,
    note: Option<String>,
}

pub(crate) async fn load_records<'e, E>(
    pool: E,
    org: &str,
    obligations: &[Obligation],
) -> Result<BTreeMap<(ObligationId, Date), Record>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let mut out = BTreeMap::new();
    if obligations.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "select obligation_id, due_date, status, note, recorded_by, recorded_at from occurrence where organisation_id = $1 and obligation_id in ({})",
        placeholders(2, obligations.len())
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org);
    for o in obligations {
        q = q.bind(o.id.to_string());
    }
    for r in q.fetch_all(pool).await? {
        out.insert(
            (
                parse_id(&r.try_get::<String, _>("obligation_id")?)?,
                Date::parse(&r.try_get::<String, _>("due_date")?)
                    .map_err(|e| StoreError::Corrupt(e.message))?,
            ),
            Record {
                status: ObligationStatus::parse_recorded(&r.try_get::<String, _>("status")?)
                    .map_err(|e| StoreError::Corrupt(e.message))?,
                by: r.try_get("recorded_by")?,
                at: r.try_get("recorded_at")?,
                note: r.try_get("note")?,
            },
        );
    }
    Ok(out)
}

async fn load_evidence(
    pool: &sqlx::AnyPool,
    org: &str,
    id: ObligationId,
) -> Result<Vec<(Date, EvidenceInfo)>> {
    let rows = sqlx::query(
        "select occurrence_evidence_id, due_date, filename, media_type, sha256, size, uploaded_by, created_at from occurrence_evidence \
         where organisation_id = $1 and obligation_id = $2 order by created_at",
    )
    .bind(org)
    .bind(id.to_string())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let size: i64 = r.try_get("size")?;
            Ok((
                Date::parse(&r.try_get::<String, _>("due_date")?)
                    .map_err(|e| StoreError::Corrupt(e.message))?,
                EvidenceInfo {
                    id: r.try_get("occurrence_evidence_id")?,
                    filename: r.try_get("filename")?,
                    media_type: r.try_get("media_type")?,
                    sha256: r.try_get("sha256")?,
                    size: size as u64,
                    uploaded_by: r.try_get("uploaded_by")?,
                    created_at: r.try_get("created_at")?,
                },
            ))
        })
        .collect()
}

/// Where a page of deadlines continues: the last deadline of the page before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineKey {
    /// Its due date.
    pub due_date: Date,
    /// Its agreement.
    pub agreement_id: AgreementId,
    /// Its subject within the agreement.
    pub subject: String,
}
