//! Amendments stored with their letter or restated text as a new version, the consolidated
//! view (terms, clauses, key dates) on any date, and version texts fetched by number.

use crate::agreement::{load_terms, lock_agreement, refresh_derived, touch, upsert_term};
use crate::document::{NewVersion, Text, VersionAnalysis, insert_version};
use crate::governance::apply_move;
use crate::row::{json, parse_id, to_json, ts};
use crate::{Actor, Result, Store, StoreError, audit};
use entente_domain::amendment::{
    Amendment, AmendmentKind, ClauseInForce, Consolidated, NewAmendment, consolidate,
};
use entente_domain::keydates::{ClauseIndex, KeyDate, KeyDateKind, KeyDateOptions, compute};
use entente_domain::lifecycle::Via;
use entente_domain::terms::{Source, Sourced, TermField};
use entente_domain::{AgreementId, AgreementStatus, AmendmentId, Date, ValidationError, VersionId};
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;

/// The consolidated terms on a date and the key dates they give.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AsAmended {
    /// Terms in force on the date, each pointing at its version or amendment.
    #[serde(flatten)]
    pub consolidated: Consolidated,
    /// The clauses in force on the date: the agreement's own text (original or restated)
    /// followed by those of the amendment letters in force, each naming its letter.
    pub clauses: Vec<ClauseInForce>,
    /// Key dates computed from those terms (as of the date).
    pub key_dates: Vec<KeyDate>,
    /// The next last day to give notice of non-renewal on or after the date.
    pub notice_deadline: Option<KeyDate>,
}

/// One version's text, for comparing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionText {
    /// The version.
    pub version_id: VersionId,
    /// Its number.
    pub number: u32,
    /// Who added it.
    pub author: String,
    /// When.
    pub created_at: entente_domain::Timestamp,
    /// Its SHA-256.
    pub sha256: String,
    /// Extracted text.
    pub text: String,
}

fn amendment_from_row(id: AgreementId, r: &sqlx::any::AnyRow) -> Result<Amendment> {
    let number: i64 = r.try_get("number")?;
    let vnum: i64 = r.try_get("vnum")?;
    let corrupt = |e: ValidationError| StoreError::Corrupt(e.message);
    let raw: BTreeMap<String, serde_json::Value> = json(&r.try_get::<String, _>("changes")?)?;
    let mut changes = BTreeMap::new();
    for (k, v) in raw {
        let f = TermField::parse(&k).map_err(corrupt)?;
        changes.insert(f, f.parse_value(&v).map_err(corrupt)?);
    }
    let raw_prev: BTreeMap<String, Option<serde_json::Value>> =
        json(&r.try_get::<String, _>("previous")?)?;
    let mut previous = BTreeMap::new();
    for (k, v) in raw_prev {
        let f = TermField::parse(&k).map_err(corrupt)?;
        let s = match v {
            None => None,
            Some(v) => {
                let value = f.parse_value(&v["value"]).map_err(corrupt)?;
                let source: Source = serde_json::from_value(v["source"].clone())
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Some(Sourced { value, source })
            }
        };
        previous.insert(f, s);
    }
    Ok(Amendment {
        id: parse_id(&r.try_get::<String, _>("amendment_id")?)?,
        agreement_id: id,
        number: number as u32,
        version_id: parse_id(&r.try_get::<String, _>("version_id")?)?,
        version_number: vnum as u32,
        kind: AmendmentKind::parse(&r.try_get::<String, _>("kind")?).map_err(corrupt)?,
        effective_date: Date::parse(&r.try_get::<String, _>("effective_date")?).map_err(corrupt)?,
        summary: r.try_get("summary")?,
        changes,
        previous,
        created_by: r.try_get("created_by")?,
        created_at: ts(&r.try_get::<String, _>("created_at")?)?,
    })
}

impl Store {
    /// Records an amendment of an agreement in force: its document becomes a new version, its
    /// term changes (with the expiry a new initial term gives, see
    /// [`NewAmendment::term_changes`]) are applied as a person's values, the values they
    /// replace are kept for the consolidated view, and the agreement is `amended`. A letter's
    /// text is kept beside the agreement's and changes nothing but the stated terms; a
    /// restatement's (also an amendment whose kind is not stated) is analysed like any version.
    pub async fn record_amendment(
        &self,
        actor: &Actor,
        id: AgreementId,
        version: &NewVersion,
        analysis: &VersionAnalysis,
        new: &NewAmendment,
    ) -> Result<Amendment> {
        let today = self.today(actor).await?;
        let mut tx = self.begin().await?;
        let cur = lock_agreement(&mut tx, actor, id).await?;
        if !cur.in_force() || cur == AgreementStatus::TerminationNotice {
            return Err(ValidationError::new(
                "status",
                format!(
                    "amendments change an agreement in force (active, amended, expiring, renewed); this one is {cur}; \
                     a draft changes by adding a version"
                ),
            )
            .into());
        }
        let org = actor.org.to_string();
        let kind = new.kind.unwrap_or(AmendmentKind::Restatement);
        let before = load_terms(&mut *tx, &org, id).await?;
        let text = match kind {
            AmendmentKind::Letter => Text::Letter,
            AmendmentKind::Restatement => Text::Agreement,
        };
        let (vid, _) = insert_version(
            &mut tx,
            self.backend,
            actor,
            id,
            version,
            analysis,
            text,
            today,
        )
        .await?;
        // A restatement's analysis has merged by now: the stated changes apply on top of it.
        let merged = load_terms(&mut *tx, &org, id).await?;
        let number: i64 = sqlx::query_scalar(
            "select coalesce(max(number), 0) + 1 from amendment where agreement_id = $1",
        )
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let now = self.now_text();
        let at = ts(&now)?;
        for (f, v) in &new.term_changes(&merged) {
            let s = Sourced {
                value: v.clone(),
                source: Source::User {
                    by: actor.name.clone(),
                    at,
                    note: Some(format!(
                        "amendment {number}, effective {}",
                        new.effective_date
                    )),
                },
            };
            upsert_term(&mut tx, &org, id, *f, &s, &now).await?;
        }
        refresh_derived(&mut tx, &org, id, &now).await?;
        let after = load_terms(&mut *tx, &org, id).await?;
        // Every field whose value the amendment changed, by its stated changes or by the
        // analysis of its text, is dated by the amendment.
        let mut changes = BTreeMap::new();
        let mut previous = BTreeMap::new();
        for (f, s) in &after.0 {
            if before.0.get(f).map(|b| &b.value) != Some(&s.value) {
                changes.insert(
                    f.as_str().to_owned(),
                    serde_json::to_value(&s.value).unwrap_or_default(),
                );
                previous.insert(
                    f.as_str().to_owned(),
                    before
                        .0
                        .get(f)
                        .map(|b| serde_json::json!({"value": b.value, "source": b.source})),
                );
            }
        }
        let vnum: i64 =
            sqlx::query_scalar("select number from document_version where version_id = $1")
                .bind(vid.to_string())
                .fetch_one(&mut *tx)
                .await?;
        let aid = AmendmentId::new();
        sqlx::query(
            "insert into amendment (amendment_id, organisation_id, agreement_id, version_id, number, effective_date, summary, \
             changes, previous, created_by, created_at, updated_at, kind) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)",
        )
        .bind(aid.to_string())
        .bind(&org)
        .bind(id.to_string())
        .bind(vid.to_string())
        .bind(number)
        .bind(new.effective_date.to_string())
        .bind(&new.summary)
        .bind(to_json(&changes))
        .bind(to_json(&previous))
        .bind(&actor.name)
        .bind(&now)
        .bind(kind.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "an amendment was recorded concurrently; retry"))?;
        audit::append(
            &mut tx,
            actor,
            "amendment.add",
            "amendment",
            &aid.to_string(),
            Some(id),
            serde_json::json!({
                "number": number, "version": vnum, "kind": kind.as_str(), "effective_date": new.effective_date, "summary": new.summary,
                "changes": changes, "previous": previous,
            }),
        )
        .await?;
        if cur != AgreementStatus::Amended {
            apply_move(
                &mut tx,
                actor,
                id,
                cur,
                AgreementStatus::Amended,
                Some(&format!(
                    "amendment {number} effective {}",
                    new.effective_date
                )),
                Via::Amendment,
                today,
            )
            .await?;
        }
        touch(&mut tx, id, &now).await?;
        tx.commit().await?;
        self.amendments(actor, id)
            .await?
            .into_iter()
            .find(|a| a.id == aid)
            .ok_or_else(|| StoreError::Corrupt("amendment missing after insert".into()))
    }

    /// Amendments of an agreement, by number.
    pub async fn amendments(&self, actor: &Actor, id: AgreementId) -> Result<Vec<Amendment>> {
        self.check_visible(actor, id).await?;
        let rows = sqlx::query(
            "select m.amendment_id, m.version_id, v.number as vnum, m.number, m.kind, m.effective_date, m.summary, m.changes, \
             m.previous, m.created_by, m.created_at from amendment m join document_version v on v.version_id = m.version_id \
             where m.organisation_id = $1 and m.agreement_id = $2 order by m.number",
        )
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| amendment_from_row(id, r)).collect()
    }

    /// The terms and clauses in force on `on`, each with its origin, and the key dates they
    /// give.
    pub async fn consolidated(
        &self,
        actor: &Actor,
        id: AgreementId,
        on: Date,
    ) -> Result<AsAmended> {
        let a = self.get_agreement(actor, id).await?;
        let amendments = self.amendments(actor, id).await?;
        let numbers: BTreeMap<VersionId, u32> = self
            .list_versions(actor, id)
            .await?
            .into_iter()
            .map(|v| (v.id, v.number))
            .collect();
        let consolidated = consolidate(&a.terms, &amendments, on, &numbers);
        let mut clauses = Vec::new();
        for (vid, text) in self.texts_in_force(actor, id, Some(on)).await? {
            for clause in self.list_clauses(actor, id, Some(vid)).await? {
                clauses.push(ClauseInForce {
                    clause,
                    version_number: text.version_number,
                    amendment: text.letter,
                });
            }
        }
        let settings = self.alert_settings(actor.org).await?;
        let choice = self.calendar_of(actor.org, id, &settings).await?;
        let mut opts = KeyDateOptions::new(on, &choice.calendar);
        opts.calendar_basis = Some(choice.basis);
        let index: Vec<_> = clauses.iter().map(|c| c.clause.clone()).collect();
        let key_dates = compute(&consolidated.terms, &ClauseIndex::new(&index), &opts);
        let notice_deadline = key_dates
            .iter()
            .find(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline && k.date >= on)
            .cloned();
        Ok(AsAmended {
            consolidated,
            clauses,
            key_dates,
            notice_deadline,
        })
    }

    /// A version's text by its number (`None`: the latest).
    pub async fn version_text_by_number(
        &self,
        actor: &Actor,
        id: AgreementId,
        number: Option<u32>,
    ) -> Result<VersionText> {
        self.check_visible(actor, id).await?;
        let r = sqlx::query(
            "select version_id, number, author, created_at, sha256, body from document_version \
             where organisation_id = $1 and agreement_id = $2 and ($3 = 0 or number = $3) order by number desc limit 1",
        )
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .bind(i64::from(number.unwrap_or(0)))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else {
            return Err(match number {
                Some(n) => {
                    ValidationError::new("version", format!("the agreement has no version {n}"))
                        .into()
                }
                None => {
                    ValidationError::new("version", "the agreement has no document version").into()
                }
            });
        };
        let n: i64 = r.try_get("number")?;
        Ok(VersionText {
            version_id: parse_id(&r.try_get::<String, _>("version_id")?)?,
            number: n as u32,
            author: r.try_get("author")?,
            created_at: ts(&r.try_get::<String, _>("created_at")?)?,
            sha256: r.try_get("sha256")?,
            text: r.try_get("body")?,
        })
    }
}
