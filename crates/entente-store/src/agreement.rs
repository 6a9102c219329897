//! Agreements: create (with parties, tags and terms), read, list with portfolio filters and
//! pagination, update, status transitions, term corrections and delete.

use crate::row::{json, opt_date, parse_id, to_json, ts};
use crate::{Actor, Result, Store, StoreError, Tx, audit, party};
use entente_domain::agreement::AgreementChange;
use entente_domain::agreement::{Agreement, AgreementSummary, DerivedColumns, NewAgreement, Title};
use entente_domain::lifecycle::{Deletion, DeletionRefused};
use entente_domain::party::AgreementParty;
use entente_domain::query::{AgreementQuery, AgreementSort, CapFilter, DayWindow};
use entente_domain::terms::{Source, Sourced, TermField, TermValue, Terms};
use entente_domain::{AgreementId, AgreementKind, AgreementStatus, Date, Tag, ValidationError};
use serde::Deserialize;
use sqlx::{Any, Row};
use std::collections::HashMap;

/// Pagination.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Rows per page, 1..=500 (default 50).
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
    /// Rows to skip, 0..=4294967295 (default 0).
    #[serde(default)]
    #[param(minimum = 0, maximum = 4294967295u32)]
    pub offset: u32,
}

fn default_limit() -> u32 {
    50
}

impl Default for Page {
    fn default() -> Self {
        Self {
            limit: 50,
            offset: 0,
        }
    }
}

impl Store {
    /// Creates an agreement with its parties, tags and terms.
    pub async fn create_agreement(&self, actor: &Actor, new: &NewAgreement) -> Result<AgreementId> {
        let mut tx = self.begin().await?;
        let id = insert_agreement(&mut tx, actor, new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Reads one agreement with parties and terms.
    pub async fn get_agreement(&self, actor: &Actor, id: AgreementId) -> Result<Agreement> {
        let org = actor.org.to_string();
        let (vis, vis_binds) = actor.visible(3);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select title, kind, status, owner, tracked_from, calendar, created_at, updated_at, \
             (select count(*) from document_version v where v.agreement_id = a.agreement_id) as versions \
             from agreement a where organisation_id = $1 and agreement_id = $2 and {vis}"
        )))
        .bind(org.clone())
        .bind(id.to_string());
        for b in vis_binds {
            q = q.bind(b);
        }
        let r = q
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("agreement", id))?;
        let parties = load_parties(&self.pool, &org, id).await?;
        let tags = load_tags(&self.pool, id).await?;
        let terms = load_terms(&self.pool, &org, id).await?;
        let versions: i64 = r.try_get("versions")?;
        Ok(Agreement {
            id,
            title: r.try_get("title")?,
            kind: AgreementKind::parse(&r.try_get::<String, _>("kind")?)
                .map_err(|e| StoreError::Corrupt(e.message))?,
            status: AgreementStatus::parse(&r.try_get::<String, _>("status")?)
                .map_err(|e| StoreError::Corrupt(e.message))?,
            owner: r.try_get("owner")?,
            tags,
            parties,
            terms,
            versions: versions as u32,
            tracked_from: opt_date(r.try_get("tracked_from")?)?,
            calendar: r.try_get("calendar")?,
            created_at: ts(&r.try_get::<String, _>("created_at")?)?,
            updated_at: ts(&r.try_get::<String, _>("updated_at")?)?,
        })
    }

    /// The day a listing counts from: `today` if given (at most two years ahead, as far as key
    /// dates are kept), else today in the tenant's time zone. The tenant's key dates are
    /// brought up to date first, so the listing and the key-date engine agree.
    /// Also whether that day is today, when the stored next key dates
    /// (`deadline_state.next_notice`, `next_term_end`) hold for it: they are then moved
    /// forward to today first.
    async fn listing_today(&self, actor: &Actor, today: Option<Date>) -> Result<(Date, bool)> {
        let now = self.now();
        self.refresh_org_deadlines(actor.org, now).await?;
        let real = self.alert_settings(actor.org).await?.today(now);
        let Some(d) = today.filter(|d| *d != real) else {
            self.advance_next_key_dates(actor.org, real).await?;
            return Ok((real, true));
        };
        let latest = real.plus_days(730);
        if d > latest {
            return Err(ValidationError::new(
                "today",
                format!("must be on or before {latest}: key dates are kept two years ahead"),
            )
            .into());
        }
        Ok((d, false))
    }

    /// Lists agreements matching `filter`, newest first; returns the page and the total.
    pub async fn list_agreements(
        &self,
        actor: &Actor,
        filter: &AgreementQuery,
        page: Page,
    ) -> Result<(Vec<AgreementSummary>, u64)> {
        if !(1..=500).contains(&page.limit) {
            return Err(ValidationError::new("limit", "must be between 1 and 500").into());
        }
        let (rows, total, _) = self.list_agreements_from(actor, filter, page, None).await?;
        Ok((rows, total))
    }

    /// One page of agreements after `after` (the sort key and id of the last row of the page
    /// before; `None` for the first), in the filter's order: keyset paging, so a page neither
    /// repeats nor skips a row when others are written between pages. Answers the rows, the
    /// number of matches, and the key of the last row when more follow.
    pub async fn list_agreements_after(
        &self,
        actor: &Actor,
        filter: &AgreementQuery,
        limit: u32,
        after: Option<&SortKey>,
    ) -> Result<(Vec<AgreementSummary>, u64, Option<SortKey>)> {
        if !(1..=500).contains(&limit) {
            return Err(ValidationError::new("limit", "must be between 1 and 500").into());
        }
        // One row more than asked tells whether another page follows.
        let page = Page {
            limit: limit + 1,
            offset: 0,
        };
        let (mut rows, total, mut keys) = self
            .list_agreements_from(actor, filter, page, Some(after))
            .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        keys.truncate(limit as usize);
        Ok((rows, total, if more { keys.pop() } else { None }))
    }

    /// How many agreements match `filter`, without reading any of them: the counts a
    /// dashboard shows beside the links to the lists behind them.
    pub async fn count_matching(&self, actor: &Actor, filter: &AgreementQuery) -> Result<u64> {
        let (today, stored) = self.listing_today(actor, filter.today).await?;
        let n = self.count_matches(actor, filter, today, stored).await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn count_matches(
        &self,
        actor: &Actor,
        filter: &AgreementQuery,
        today: Date,
        stored: bool,
    ) -> Result<i64> {
        let total: i64 = match window_alone(actor, filter) {
            // One key-date window and nothing else, for an actor who sees every agreement:
            // counted on the key-date index alone. Only agreements in force or winding down
            // have key-date rows, all of them the tenant's, so the set is the one the listing
            // filters to; joining the agreements to count them read ~12,000 of their rows
            // (50 ms → 10 ms on 100,000 agreements, see docs/benchmarks.md).
            Some((kinds, w)) => {
                // Today's notice window is one range of the stored next notice deadlines
                // (an agreement's next one falls in the window exactly when any does).
                let sql = if stored && kinds == NOTICE_KINDS {
                    "select count(*) from deadline_state s where s.organisation_id = $1 \
                     and s.next_notice >= $2 and s.next_notice <= $3"
                        .to_owned()
                } else {
                    format!(
                        "select count(distinct d.agreement_id) from deadline d where d.organisation_id = $1 \
                         and d.kind in ({kinds}) and d.due_date >= $2 and d.due_date <= $3"
                    )
                };
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .bind(actor.org.to_string())
                    .bind(today.to_string())
                    .bind(w.last_day(today).to_string())
                    .fetch_one(&self.pool)
                    .await?
            }
            None => {
                let (where_sql, binds) = filter_sql(actor, filter, today, stored, false);
                let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "select count(*) from agreement a where {where_sql}"
                )));
                for b in &binds {
                    q = q.bind(b.clone());
                }
                q.fetch_one(&self.pool).await?
            }
        };
        Ok(total)
    }

    async fn list_agreements_from(
        &self,
        actor: &Actor,
        filter: &AgreementQuery,
        page: Page,
        keyset: Option<Option<&SortKey>>,
    ) -> Result<(Vec<AgreementSummary>, u64, Vec<SortKey>)> {
        let (today, stored) = self.listing_today(actor, filter.today).await?;
        let (order, order_by) = sort_sql(filter.sort, filter.reverse);
        // Sorted by notice deadline within a notice window: a grouped scan of the window's key
        // dates gives every match its sort key and is joined, which already restricts the
        // page to the window (the filter's own window clause would do the work twice).
        let grouped_notice =
            matches!(order_by, Some(DateColumn::Notice)) && filter.notice_within.is_some();
        let alone = window_alone(actor, filter);
        let total = self.count_matches(actor, filter, today, stored).await?;
        let (where_sql, mut binds) = filter_sql(actor, filter, today, stored, grouped_notice);
        binds.push(today.to_string());
        let today_param = format!("${}", binds.len());
        // The engine's dates are computed columns. Only the one the page is sorted by is
        // computed for every match; the other is computed for the page's rows alone.
        let term_end = |alias| {
            next_key_date_sql(
                TERM_END_KINDS,
                &today_param,
                alias,
                stored.then_some("next_term_end"),
            )
        };
        let notice = |alias| {
            next_key_date_sql(
                NOTICE_KINDS,
                &today_param,
                alias,
                stored.then_some("next_notice"),
            )
        };
        // Sorted by notice deadline within a notice window: every match has a notice deadline
        // in [today, last day], and its next one is the earliest there, so one grouped scan of
        // the window's key dates (the index's day range) gives the sort key of every match.
        let mut join = String::new();
        let mut matches = format!("agreement a where {where_sql}");
        let mut id_col = "a.agreement_id";
        if let (true, Some(w)) = (grouped_notice, filter.notice_within) {
            binds.push(w.last_day(today).to_string());
            let grouped = if stored {
                format!(
                    "(select s.agreement_id as k_id, s.next_notice as k_next from deadline_state s \
                     where s.organisation_id = $1 and s.next_notice >= {today_param} \
                     and s.next_notice <= ${}) k",
                    binds.len()
                )
            } else {
                format!(
                    "(select d.agreement_id as k_id, min(d.due_date) as k_next from deadline d \
                     where d.organisation_id = $1 and d.kind in ({NOTICE_KINDS}) and d.due_date >= {today_param} \
                     and d.due_date <= ${} group by d.agreement_id) k",
                    binds.len()
                )
            };
            join = format!("join {grouped} on k.k_id = a.agreement_id");
            matches = if alone.is_some() {
                // Nothing else to check: the key dates alone name the matches and their sort
                // keys; no agreement row is read until the page's.
                id_col = "k.k_id";
                grouped
            } else {
                format!("agreement a {join} where {where_sql}")
            };
        }
        let (inner_cols, outer_cols) = match order_by {
            Some(DateColumn::Notice) if !join.is_empty() => (
                "k.k_next as next_notice".to_owned(),
                format!("{} as term_end", term_end("m")),
            ),
            Some(DateColumn::TermEnd) => (
                format!("{} as term_end", term_end("a")),
                format!("{} as next_notice", notice("m")),
            ),
            Some(DateColumn::Notice) => (
                format!("{} as next_notice", notice("a")),
                format!("{} as term_end", term_end("m")),
            ),
            None => (
                "0 as unused".to_owned(),
                format!(
                    "{} as term_end, {} as next_notice",
                    term_end("m"),
                    notice("m")
                ),
            ),
        };
        // Keyset: only rows after the last one of the previous page, in the page's order.
        let id_name = if order_by.is_some() {
            "m_id"
        } else {
            "agreement_id"
        };
        let after_sql = match keyset.flatten() {
            None => String::new(),
            Some(k) => {
                binds.push(k.id.to_string());
                let id_p = format!("${}", binds.len());
                let key_p = k.key.as_ref().map(|v| {
                    binds.push(v.clone());
                    format!("${}", binds.len())
                });
                format!(
                    "where {}",
                    keyset_sql(
                        filter.sort,
                        filter.reverse,
                        id_name,
                        &id_p,
                        key_p.as_deref()
                    )
                )
            }
        };
        let sort_key = sort_key_sql(filter.sort);
        let sql = if order_by.is_some() {
            // A date sort orders every match: only ids and the sort key go through the sorter,
            // and the page's rows are read afterwards (whole rows made the sort several times
            // slower).
            format!(
                "select agreement_id, title, kind, status, owner, effective_date, term_end, \
                 case when exists (select 1 from termination t where t.agreement_id = p.agreement_id and t.retired is null) \
                 then 0 else auto_renewal end as auto_renewal, \
                 next_notice, liability_cap_kind, governing_law, updated_at, {sort_key} as sort_key from \
                 (select a2.*, m.*, {outer_cols} from \
                  (select * from (select {id_col} as m_id, {inner_cols} from {matches}) l {after_sql} \
                   order by {order_ids} limit {} offset {}) m \
                  join agreement a2 on a2.agreement_id = m.m_id) p \
                 order by {order}",
                page.limit,
                page.offset,
                // Within today's notice window alone every match has a deadline, so the ids
                // come in the stored index's order (no null test to sort on).
                order_ids = if stored && grouped_notice && alone.is_some() && !filter.reverse {
                    "next_notice, m_id".to_owned()
                } else {
                    order.replace("agreement_id", "m_id")
                },
                outer_cols = outer_cols.replace("m.agreement_id", "m.m_id"),
            )
        } else {
            format!(
                "select agreement_id, title, kind, status, owner, effective_date, term_end, \
                 case when exists (select 1 from termination t where t.agreement_id = p.agreement_id and t.retired is null) \
                 then 0 else auto_renewal end as auto_renewal, \
                 next_notice, liability_cap_kind, governing_law, updated_at, {sort_key} as sort_key from \
                 (select m.*, {outer_cols} from \
                  (select * from (select a.*, {inner_cols} from agreement a {join} where {where_sql}) l {after_sql} \
                   order by {order} limit {} offset {}) m) p \
                 order by {order}",
                page.limit, page.offset,
            )
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b.clone());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let org = actor.org.to_string();
        let ids = rows
            .iter()
            .map(|r| r.try_get::<String, _>("agreement_id"))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        // One query each for the page's parties and tags: per-row loading cost two round
        // trips (and two index searches) for every listed agreement.
        let mut parties = party_names_for(&self.pool, &org, &ids).await?;
        let mut tags = tags_for(&self.pool, &org, &ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut sort_keys = Vec::with_capacity(rows.len());
        for (r, key) in rows.iter().zip(&ids) {
            let id: AgreementId = parse_id(key)?;
            sort_keys.push(SortKey {
                key: r.try_get("sort_key")?,
                id,
            });
            let auto: Option<i64> = r.try_get("auto_renewal")?;
            out.push(AgreementSummary {
                id,
                title: r.try_get("title")?,
                kind: AgreementKind::parse(&r.try_get::<String, _>("kind")?)
                    .map_err(|e| StoreError::Corrupt(e.message))?,
                status: AgreementStatus::parse(&r.try_get::<String, _>("status")?)
                    .map_err(|e| StoreError::Corrupt(e.message))?,
                owner: r.try_get("owner")?,
                parties: parties.remove(key).unwrap_or_default(),
                tags: tags.remove(key).unwrap_or_default(),
                effective_date: opt_date(r.try_get("effective_date")?)?,
                expiration_date: opt_date(r.try_get("term_end")?)?,
                auto_renewal: auto.map(|v| v != 0),
                notice_deadline: opt_date(r.try_get("next_notice")?)?,
                liability_cap: r.try_get("liability_cap_kind")?,
                governing_law: r.try_get("governing_law")?,
                updated_at: ts(&r.try_get::<String, _>("updated_at")?)?,
                pending_start: false,
            });
            if let Some(last) = out.last_mut() {
                last.pending_start =
                    last.status.in_force() && last.effective_date.is_some_and(|d| d > today);
            }
        }
        Ok((out, total as u64, sort_keys))
    }

    /// Updates title, kind, owner, tags, tracking start or the calendar set on the agreement.
    pub async fn update_agreement(
        &self,
        actor: &Actor,
        id: AgreementId,
        change: &AgreementChange,
    ) -> Result<()> {
        let AgreementChange {
            title,
            kind,
            owner,
            tags,
            tracked_from,
            calendar,
        } = change.clone();
        if let Some(Some(t)) = tracked_from {
            let today = self.today(actor).await?;
            entente_domain::agreement::check_tracked_from("tracked_from", t, today)?;
        }
        let mut tx = self.begin().await?;
        lock_agreement(&mut tx, actor, id).await?;
        let now = self.now_text();
        let org = actor.org.to_string();
        if let Some(t) = &title {
            sqlx::query(
                "update agreement set title = $1 where agreement_id = $2 and organisation_id = $3",
            )
            .bind(t.as_str())
            .bind(id.to_string())
            .bind(&org)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(k) = kind {
            sqlx::query(
                "update agreement set kind = $1 where agreement_id = $2 and organisation_id = $3",
            )
            .bind(k.as_str())
            .bind(id.to_string())
            .bind(&org)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(o) = &owner {
            sqlx::query(
                "update agreement set owner = $1 where agreement_id = $2 and organisation_id = $3",
            )
            .bind(o.clone())
            .bind(id.to_string())
            .bind(&org)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(t) = &tracked_from {
            sqlx::query(
                "update agreement set tracked_from = $1 where agreement_id = $2 and organisation_id = $3",
            )
            .bind(t.map(|d| d.to_string()))
            .bind(id.to_string())
            .bind(&org)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(c) = &calendar {
            // `touch` below changes the agreement's stamp, so its deadlines are recomputed
            // with the new calendar on the next refresh.
            sqlx::query(
                "update agreement set calendar = $1 where agreement_id = $2 and organisation_id = $3",
            )
            .bind(c.clone())
            .bind(id.to_string())
            .bind(&org)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(tags) = &tags {
            sqlx::query("delete from agreement_tag where agreement_id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
            insert_tags(&mut tx, &org, id, tags, &now).await?;
        }
        touch(&mut tx, id, &now).await?;
        audit::append(
            &mut tx,
            actor,
            "agreement.update",
            "agreement",
            &id.to_string(),
            Some(id),
            serde_json::json!({
                "title": title.as_ref().map(Title::as_str),
                "kind": kind.map(AgreementKind::as_str),
                "owner": owner,
                "tags": tags.as_ref().map(|t| t.iter().map(Tag::as_str).collect::<Vec<_>>()),
                "tracked_from": tracked_from,
                "calendar": calendar,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves an agreement to another lifecycle status, if the move is legal and its gate
    /// passes today; the move is recorded with who, when and why.
    pub async fn transition_agreement(
        &self,
        actor: &Actor,
        id: AgreementId,
        next: AgreementStatus,
        reason: Option<&str>,
    ) -> Result<AgreementStatus> {
        let today = self.today(actor).await?;
        self.move_agreement(actor, id, next, reason, today).await
    }

    /// Sets a term as a person's value (wins over any extraction).
    pub async fn set_term(
        &self,
        actor: &Actor,
        id: AgreementId,
        field: TermField,
        value: TermValue,
        note: Option<String>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        lock_agreement(&mut tx, actor, id).await?;
        let now = self.now_text();
        let at = ts(&now)?;
        let sourced = Sourced {
            value,
            source: Source::User {
                by: actor.name.clone(),
                at,
                note,
            },
        };
        upsert_term(&mut tx, &actor.org.to_string(), id, field, &sourced, &now).await?;
        refresh_derived(&mut tx, &actor.org.to_string(), id, &now).await?;
        audit::append(
            &mut tx,
            actor,
            "term.set",
            "term",
            field.as_str(),
            Some(id),
            serde_json::json!({ "field": field.as_str(), "value": sourced.value }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a term value (analysis may fill it again on the next version).
    pub async fn clear_term(&self, actor: &Actor, id: AgreementId, field: TermField) -> Result<()> {
        let mut tx = self.begin().await?;
        lock_agreement(&mut tx, actor, id).await?;
        let now = self.now_text();
        let n = sqlx::query("delete from term where agreement_id = $1 and field = $2")
            .bind(id.to_string())
            .bind(field.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("term", field.as_str()));
        }
        refresh_derived(&mut tx, &actor.org.to_string(), id, &now).await?;
        audit::append(
            &mut tx,
            actor,
            "term.clear",
            "term",
            field.as_str(),
            Some(id),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes an agreement and everything under it; the audit trail keeps the record.
    ///
    /// Records are kept: an agreement that has been signed is deleted only with a
    /// `retention_reason` (the caller checks that an administrator gives it), and the audit
    /// trail then keeps a tombstone with the reason and the SHA-256 of every version and
    /// signature. Unsigned drafts go outright.
    pub async fn delete_agreement(
        &self,
        actor: &Actor,
        id: AgreementId,
        retention_reason: Option<&str>,
    ) -> Result<Deletion> {
        let mut tx = self.begin().await?;
        let status = lock_agreement(&mut tx, actor, id).await?;
        let title: String =
            sqlx::query_scalar("select title from agreement where agreement_id = $1")
                .bind(id.to_string())
                .fetch_one(&mut *tx)
                .await?;
        let signatures: Vec<(String, String, String)> = sqlx::query_as(
            "select p.legal_name, s.sha256, s.signed_on from signature s join party p on p.party_id = s.party_id \
             where s.agreement_id = $1 order by s.signed_on, p.legal_name",
        )
        .bind(id.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let deletion =
            Deletion::decide(status, signatures.len(), retention_reason).map_err(|e| match e {
                DeletionRefused::Invalid(v) => StoreError::from(v),
                DeletionRefused::Signed(m) => StoreError::Conflict(m),
            })?;
        let mut details = serde_json::json!({ "title": title, "status": status });
        if let Deletion::Retention { reason } = &deletion {
            let versions: Vec<(i64, String, String)> = sqlx::query_as(
                "select number, sha256, filename from document_version where agreement_id = $1 order by number",
            )
            .bind(id.to_string())
            .fetch_all(&mut *tx)
            .await?;
            details["retention_reason"] = serde_json::json!(reason);
            details["versions"] = versions
                .iter()
                .map(|(n, sha, file)| serde_json::json!({ "number": n, "sha256": sha, "filename": file }))
                .collect();
            details["signatures"] = signatures
                .iter()
                .map(|(party, sha, on)| serde_json::json!({ "party": party, "sha256": sha, "signed_on": on }))
                .collect();
        }
        if self.backend == crate::Backend::Sqlite {
            sqlx::query("delete from clause_fts where clause_id in (select clause_id from clause where agreement_id = $1)")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("delete from agreement where agreement_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            "agreement.delete",
            "agreement",
            &id.to_string(),
            Some(id),
            details,
        )
        .await?;
        tx.commit().await?;
        Ok(deletion)
    }

    /// Number of agreements in the tenant (used by tests and the dashboard).
    pub async fn count_agreements(&self, actor: &Actor) -> Result<u64> {
        let n: i64 =
            sqlx::query_scalar("select count(*) from agreement where organisation_id = $1")
                .bind(actor.org.to_string())
                .fetch_one(&self.pool)
                .await?;
        Ok(n as u64)
    }
}

/// Inserts an agreement inside a caller's transaction (shared with import).
pub(crate) async fn insert_agreement(
    tx: &mut Tx,
    actor: &Actor,
    new: &NewAgreement,
) -> Result<AgreementId> {
    let id = AgreementId::new();
    let org = actor.org.to_string();
    let now = tx.now_text();
    sqlx::query(
        "insert into agreement (agreement_id, organisation_id, title, kind, status, owner, tracked_from, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(id.to_string())
    .bind(&org)
    .bind(new.title.as_str())
    .bind(new.kind.as_str())
    .bind(new.status.as_str())
    .bind(new.owner.clone())
    .bind(new.tracked_from.map(|d| d.to_string()))
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    let mut party_ids = Vec::new();
    for (i, p) in new.parties.iter().enumerate() {
        let pid = party::resolve(tx, actor, p).await.map_err(|e| match e {
            StoreError::Invalid(errs) => StoreError::Invalid(entente_domain::ValidationErrors(
                errs.0
                    .into_iter()
                    .map(|e| e.within(&format!("parties[{i}]")))
                    .collect(),
            )),
            other => other,
        })?;
        if party_ids.contains(&pid) {
            return Err(ValidationError::new(
                format!("parties[{i}]"),
                "names a party already listed",
            )
            .into());
        }
        party_ids.push(pid);
        sqlx::query(
            "insert into agreement_party (agreement_id, party_id, organisation_id, ordinal, role, short_name, short_key, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(id.to_string())
        .bind(pid.to_string())
        .bind(&org)
        .bind(i as i64)
        .bind(&p.role)
        .bind(p.short_name.clone())
        .bind(p.short_name.as_deref().map(entente_domain::party::match_key))
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    }
    insert_tags(tx, &org, id, &new.tags, &now).await?;
    for (f, s) in &new.terms.0 {
        upsert_term(tx, &org, id, *f, s, &now).await?;
    }
    refresh_derived(tx, &org, id, &now).await?;
    audit::append(
        tx,
        actor,
        "agreement.create",
        "agreement",
        &id.to_string(),
        Some(id),
        serde_json::json!({
            "title": new.title.as_str(),
            "kind": new.kind.as_str(),
            "status": new.status.as_str(),
            "parties": party_ids.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "tracked_from": new.tracked_from,
        }),
    )
    .await?;
    Ok(id)
}

async fn insert_tags(
    tx: &mut Tx,
    org: &str,
    id: AgreementId,
    tags: &[Tag],
    now: &str,
) -> Result<()> {
    for t in tags {
        sqlx::query("insert into agreement_tag (agreement_id, organisation_id, tag, created_at, updated_at) values ($1, $2, $3, $4, $4)")
            .bind(id.to_string())
            .bind(org)
            .bind(t.as_str())
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Checks the agreement exists in the actor's tenant and returns its status.
pub(crate) async fn lock_agreement(
    tx: &mut Tx,
    actor: &Actor,
    id: AgreementId,
) -> Result<AgreementStatus> {
    let (vis, vis_binds) = actor.visible(3);
    let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select status from agreement a where organisation_id = $1 and agreement_id = $2 and {vis}"
    )))
    .bind(actor.org.to_string())
    .bind(id.to_string());
    for b in vis_binds {
        q = q.bind(b);
    }
    let s: Option<String> = q.fetch_optional(&mut **tx).await?;
    let s = s.ok_or_else(|| StoreError::not_found("agreement", id))?;
    AgreementStatus::parse(&s).map_err(|e| StoreError::Corrupt(e.message))
}

pub(crate) async fn touch(tx: &mut Tx, id: AgreementId, now: &str) -> Result<()> {
    sqlx::query("update agreement set updated_at = $1 where agreement_id = $2")
        .bind(now)
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn upsert_term(
    tx: &mut Tx,
    org: &str,
    id: AgreementId,
    field: TermField,
    s: &Sourced,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "insert into term (agreement_id, organisation_id, field, value, source, confidence, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, cast($6 as double precision), $7, $7) \
         on conflict (agreement_id, field) do update set value = excluded.value, source = excluded.source, \
         confidence = excluded.confidence, conflict = null, updated_at = excluded.updated_at",
    )
    .bind(id.to_string())
    .bind(org)
    .bind(field.as_str())
    .bind(to_json(&s.value))
    .bind(to_json(&s.source))
    // Only an extracted value has a confidence; a person's value is never to review. Sent as
    // text and cast in SQL: through the Any driver a null float is typed as another type, and
    // PostgreSQL then refused a number bound later to the same prepared statement ("incorrect
    // binary data format").
    .bind(match &s.source {
        Source::Extracted { confidence, .. } => Some(f64::from(*confidence).to_string()),
        Source::User { .. } => None,
    })
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Recomputes the portfolio columns from the stored terms.
pub(crate) async fn refresh_derived(
    tx: &mut Tx,
    org: &str,
    id: AgreementId,
    now: &str,
) -> Result<()> {
    let terms = load_terms(&mut **tx, org, id).await?;
    let d = DerivedColumns::from_terms(&terms);
    sqlx::query(
        "update agreement set effective_date = $1, expiration_date = $2, auto_renewal = $3, notice_deadline = $4, \
         liability_cap_kind = $5, governing_law = $6, updated_at = $7 where agreement_id = $8",
    )
    .bind(d.effective_date.map(|x| x.to_string()))
    .bind(d.expiration_date.map(|x| x.to_string()))
    .bind(d.auto_renewal.map(i64::from))
    .bind(d.notice_deadline.map(|x| x.to_string()))
    .bind(d.liability_cap_kind)
    .bind(d.governing_law)
    .bind(now)
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn load_terms<'e, E>(ex: E, org: &str, id: AgreementId) -> Result<Terms>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select field, value, source from term where organisation_id = $1 and agreement_id = $2",
    )
    .bind(org)
    .bind(id.to_string())
    .fetch_all(ex)
    .await?;
    let mut t = Terms::default();
    for (f, v, s) in rows {
        let field = TermField::parse(&f).map_err(|e| StoreError::Corrupt(e.message))?;
        let value = field
            .parse_value(&json::<serde_json::Value>(&v)?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        t.0.insert(
            field,
            Sourced {
                value,
                source: json(&s)?,
            },
        );
    }
    Ok(t)
}

pub(crate) async fn load_parties<'e, E>(
    ex: E,
    org: &str,
    id: AgreementId,
) -> Result<Vec<AgreementParty>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    type PartyRow = (String, String, Option<String>, String, Option<String>);
    let rows: Vec<PartyRow> = sqlx::query_as(
        "select p.party_id, p.legal_name, ap.short_name, ap.role, p.jurisdiction from agreement_party ap \
         join party p on p.party_id = ap.party_id \
         where ap.organisation_id = $1 and ap.agreement_id = $2 order by ap.ordinal",
    )
    .bind(org)
    .bind(id.to_string())
    .fetch_all(ex)
    .await?;
    rows.into_iter()
        .map(|(pid, legal_name, short_name, role, jurisdiction)| {
            Ok(AgreementParty {
                party_id: parse_id(&pid)?,
                legal_name,
                short_name,
                role,
                jurisdiction,
            })
        })
        .collect()
}

async fn load_tags<'e, E>(ex: E, id: AgreementId) -> Result<Vec<String>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    Ok(
        sqlx::query_scalar("select tag from agreement_tag where agreement_id = $1 order by tag")
            .bind(id.to_string())
            .fetch_all(ex)
            .await?,
    )
}

/// Runs `select agreement_id, value … where organisation_id = $1 and agreement_id in (…)`
/// for the page's `ids` and groups the values by agreement, keeping the query's order. The
/// `{ids}` in `sql` is replaced by the bound placeholders: ids are bound, never spliced, and a
/// page holds at most 500, well under either backend's limit on parameters.
async fn values_by_agreement<'e, E>(
    ex: E,
    sql: &str,
    org: &str,
    ids: &[String],
) -> Result<HashMap<String, Vec<String>>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = sql.replace("{ids}", &crate::schedule::placeholders(2, ids.len()));
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org.to_owned());
    for id in ids {
        q = q.bind(id.clone());
    }
    let rows: Vec<(String, String)> = q.fetch_all(ex).await?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (id, value) in rows {
        out.entry(id).or_default().push(value);
    }
    Ok(out)
}

/// The legal names of the parties of each of `ids` (in party order), in one query.
async fn party_names_for<'e, E>(
    ex: E,
    org: &str,
    ids: &[String],
) -> Result<HashMap<String, Vec<String>>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    values_by_agreement(
        ex,
        "select ap.agreement_id, p.legal_name from agreement_party ap \
         join party p on p.party_id = ap.party_id \
         where ap.organisation_id = $1 and ap.agreement_id in ({ids}) \
         order by ap.agreement_id, ap.ordinal",
        org,
        ids,
    )
    .await
}

/// The tags of each of `ids` (sorted as `load_tags` sorts them), in one query.
async fn tags_for<'e, E>(ex: E, org: &str, ids: &[String]) -> Result<HashMap<String, Vec<String>>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    values_by_agreement(
        ex,
        "select agreement_id, tag from agreement_tag \
         where organisation_id = $1 and agreement_id in ({ids}) order by agreement_id, tag",
        org,
        ids,
    )
    .await
}

/// Builds the WHERE clause for a filter; values are always bound, never spliced.
/// The next key date of `kinds` on or after the bound `today` (`$?` placeholder), as the key-date
/// engine materialised it for the agreement `a` (see `Store::refresh_org_deadlines`).
/// With `stored`, today's value is read from that column of `deadline_state` instead.
fn next_key_date_sql(
    kinds: &str,
    today_param: &str,
    alias: &str,
    stored: Option<&'static str>,
) -> String {
    match stored {
        Some(column) => format!(
            "(select s.{column} from deadline_state s where s.agreement_id = {alias}.agreement_id)"
        ),
        None => format!(
            "(select min(d.due_date) from deadline d where d.agreement_id = {alias}.agreement_id \
             and d.kind in ({kinds}) and d.due_date >= {today_param})"
        ),
    }
}

/// A listing column computed from the key-date engine's rows.
#[derive(Debug, Clone, Copy)]
enum DateColumn {
    TermEnd,
    Notice,
}

/// Key-date kinds (fixed strings) behind the listing's date columns and windows.
const NOTICE_KINDS: &str = crate::schedule::NEXT_NOTICE_SQL;
const TERM_END_KINDS: &str = crate::schedule::NEXT_TERM_END_SQL;

/// The WHERE clause (over alias `a`) and its binds for `f`; `skip_notice_window` leaves out the
/// notice window for a caller that restricts to it by a join. With `stored`, `today` is today
/// and the notice window reads the stored next notice deadlines.
fn filter_sql(
    actor: &Actor,
    f: &AgreementQuery,
    today: Date,
    stored: bool,
    skip_notice_window: bool,
) -> (String, Vec<String>) {
    let mut clauses = vec!["a.organisation_id = $1".to_owned()];
    let mut binds = vec![actor.org.to_string()];
    let (vis, vis_binds) = actor.visible(2);
    clauses.push(vis);
    binds.extend(vis_binds);
    if !f.status.is_empty() {
        // `active` is "running in force": amended and renewed agreements too, once their
        // effective date has come (`AgreementStatus::filter_covers`). Several statuses match
        // any of them.
        let mut any = Vec::new();
        for s in &f.status {
            let mut marks = Vec::new();
            for c in s.filter_covers() {
                binds.push(c.as_str().to_owned());
                marks.push(format!("${}", binds.len()));
            }
            let mut one = format!("a.status in ({})", marks.join(", "));
            if *s == AgreementStatus::Active {
                binds.push(today.to_string());
                one = format!(
                    "({one} and (a.effective_date is null or a.effective_date <= ${}))",
                    binds.len()
                );
            }
            any.push(one);
        }
        clauses.push(format!("({})", any.join(" or ")));
    }
    // A filter given several values matches any of them.
    let mut any_of = |sql: &str, values: Vec<String>| {
        if values.is_empty() {
            return;
        }
        let mut marks = Vec::new();
        for v in values {
            binds.push(v);
            marks.push(format!("${}", binds.len()));
        }
        clauses.push(sql.replace("$?", &marks.join(", ")));
    };
    any_of(
        "a.kind in ($?)",
        f.kind.iter().map(|k| k.as_str().to_owned()).collect(),
    );
    any_of("a.owner in ($?)", f.owner.clone());
    any_of(
        "exists (select 1 from agreement_tag t where t.agreement_id = a.agreement_id and t.tag in ($?))",
        f.tag.clone(),
    );
    any_of("lower(a.governing_law) in ($?)", f.governing_law.clone());
    if !f.liability_cap.is_empty() {
        let kinds: Vec<String> = f
            .liability_cap
            .iter()
            .filter_map(|c| c.stored())
            .map(str::to_owned)
            .collect();
        let none = f.liability_cap.contains(&CapFilter::None);
        let mut marks = Vec::new();
        for k in kinds {
            binds.push(k);
            marks.push(format!("${}", binds.len()));
        }
        let mut any = Vec::new();
        if !marks.is_empty() {
            any.push(format!("a.liability_cap_kind in ({})", marks.join(", ")));
        }
        if none {
            any.push("a.liability_cap_kind is null".to_owned());
        }
        clauses.push(format!("({})", any.join(" or ")));
    }
    let mut push = |sql: &str, v: String| {
        binds.push(v);
        clauses.push(sql.replace("$?", &format!("${}", binds.len())));
    };
    if let Some(p) = &f.party {
        // A counterparty filter: the tenant's own entities (`own_entity`) match nothing, or
        // "northwind" would find every agreement Northwind signed. Both placeholders are
        // rewritten to the same bind index.
        let ours = crate::party::ours_sql("p", "ap");
        push(
            &format!(
                "exists (select 1 from agreement_party ap join party p on p.party_id = ap.party_id \
                 where ap.agreement_id = a.agreement_id and not {ours} \
                 and (lower(p.legal_name) like $? escape '\\' or lower(coalesce(ap.short_name, '')) like $? escape '\\'))"
            ),
            like_pattern(p),
        );
    }
    if let Some(q) = &f.text {
        push("lower(a.title) like $? escape '\\'", like_pattern(q));
    }
    if let Some(t) = f.updated_since {
        // Stored timestamps have a fixed precision, so their text sorts as time does.
        push("a.updated_at >= $?", t.to_string());
    }
    // Each window asks for a key date the engine computed (for the term running on `today`,
    // renewals rolled forward, deadlines moved off weekends and holidays) within
    // [today, today + N days]; closed and terminated agreements have none.
    let windows = [
        (f.expiring_within, "'expiration'"),
        (f.renewing_within, "'renewal'"),
        (
            f.notice_within.filter(|_| !skip_notice_window),
            NOTICE_KINDS,
        ),
    ];
    for (window, kinds) in windows {
        let Some(w) = window else { continue };
        binds.push(today.to_string());
        let from = format!("${}", binds.len());
        binds.push(w.last_day(today).to_string());
        let to = format!("${}", binds.len());
        if stored && kinds == NOTICE_KINDS {
            // One range of the stored next notice deadlines (deadline_state_next_notice).
            clauses.push(format!(
                "a.agreement_id in (select s.agreement_id from deadline_state s where s.organisation_id = $1 \
                 and s.next_notice >= {from} and s.next_notice <= {to})"
            ));
            continue;
        }
        // One range scan of the tenant's key dates of that kind (deadline_org_kind_due).
        clauses.push(format!(
            "a.agreement_id in (select d.agreement_id from deadline d where d.organisation_id = $1 \
             and d.kind in ({kinds}) and d.due_date >= {from} and d.due_date <= {to})"
        ));
    }
    (clauses.join(" and "), binds)
}

/// The key-date kinds and window when `f` asks for exactly one window and nothing else, and
/// the actor sees every agreement.
fn window_alone(actor: &Actor, f: &AgreementQuery) -> Option<(&'static str, DayWindow)> {
    let only = AgreementQuery {
        expiring_within: None,
        renewing_within: None,
        notice_within: None,
        today: None,
        sort: f.sort,
        reverse: f.reverse,
        ..f.clone()
    } == AgreementQuery {
        sort: f.sort,
        reverse: f.reverse,
        ..Default::default()
    };
    if !only || !actor.sees_all() {
        return None;
    }
    match (f.expiring_within, f.renewing_within, f.notice_within) {
        (Some(w), None, None) => Some(("'expiration'", w)),
        (None, Some(w), None) => Some(("'renewal'", w)),
        (None, None, Some(w)) => Some((NOTICE_KINDS, w)),
        _ => None,
    }
}

/// Where a keyset page of agreements continues: the sort key of the last row of the page
/// before (`None` where it has none, e.g. no expiration date) and its id, which breaks ties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// The sort column's value, as stored (text).
    pub key: Option<String>,
    /// The agreement.
    pub id: AgreementId,
}

/// The sort column of an order, as an expression over a listing row.
fn sort_key_sql(sort: AgreementSort) -> &'static str {
    match sort {
        AgreementSort::Updated => "updated_at",
        AgreementSort::Title => "lower(title)",
        AgreementSort::EffectiveDate => "effective_date",
        AgreementSort::ExpirationDate => "term_end",
        AgreementSort::NoticeDeadline => "next_notice",
    }
}

/// Rows after (`key`, `id`) in `sort`'s order (the orders of [`sort_sql`]): newest first for
/// `updated`, ascending with unknown values last for the others, the id breaking ties;
/// `reverse` turns each order round, unknown values staying last.
fn keyset_sql(
    sort: AgreementSort,
    reverse: bool,
    id: &str,
    id_p: &str,
    key_p: Option<&str>,
) -> String {
    let col = sort_key_sql(sort);
    // Ascending in the column, unless the order runs the other way.
    let descending = (sort == AgreementSort::Updated) != reverse;
    let after = if descending { "<" } else { ">" };
    match (sort, key_p) {
        (AgreementSort::Updated | AgreementSort::Title, Some(k)) => {
            format!("({col} {after} {k} or ({col} = {k} and {id} {after} {id_p}))")
        }
        (_, Some(k)) => {
            format!("({col} {after} {k} or ({col} = {k} and {id} {after} {id_p}) or {col} is null)")
        }
        (_, None) => format!("({col} is null and {id} {after} {id_p})"),
    }
}

/// The ORDER BY for a sort key (only these fixed fragments ever reach the SQL), and the
/// computed date column the order needs; `reverse` turns the order round, unknown dates last.
fn sort_sql(sort: AgreementSort, reverse: bool) -> (String, Option<DateColumn>) {
    let (order, column) = match sort {
        AgreementSort::Updated => ("updated_at desc, agreement_id desc", None),
        AgreementSort::Title => ("lower(title), agreement_id", None),
        AgreementSort::EffectiveDate => {
            ("effective_date is null, effective_date, agreement_id", None)
        }
        AgreementSort::ExpirationDate => (
            "term_end is null, term_end, agreement_id",
            Some(DateColumn::TermEnd),
        ),
        AgreementSort::NoticeDeadline => (
            "next_notice is null, next_notice, agreement_id",
            Some(DateColumn::Notice),
        ),
    };
    if !reverse {
        return (order.to_owned(), column);
    }
    let reversed = match sort {
        AgreementSort::Updated => "updated_at, agreement_id",
        AgreementSort::Title => "lower(title) desc, agreement_id desc",
        AgreementSort::EffectiveDate => {
            "effective_date is null, effective_date desc, agreement_id desc"
        }
        AgreementSort::ExpirationDate => "term_end is null, term_end desc, agreement_id desc",
        AgreementSort::NoticeDeadline => "next_notice is null, next_notice desc, agreement_id desc",
    };
    (reversed.to_owned(), column)
}

fn like_pattern(s: &str) -> String {
    crate::row::like_contains(s)
}

impl Store {
    /// Fails with not-found unless the actor may see the agreement.
    pub(crate) async fn check_visible(&self, actor: &Actor, id: AgreementId) -> Result<()> {
        let (vis, vis_binds) = actor.visible(3);
        let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select agreement_id from agreement a where organisation_id = $1 and agreement_id = $2 and {vis}"
        )))
        .bind(actor.org.to_string())
        .bind(id.to_string());
        for b in vis_binds {
            q = q.bind(b);
        }
        let found: Option<String> = q.fetch_optional(&self.pool).await?;
        found
            .map(|_| ())
            .ok_or_else(|| StoreError::not_found("agreement", id))
    }
}
