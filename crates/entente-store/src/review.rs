//! The review queue: extracted term values whose confidence is below the tenant's threshold and
//! people's values a later version contradicts, and a person's confirmation of either.

use crate::agreement::{load_terms, lock_agreement, refresh_derived, upsert_term};
use crate::row::{json, parse_id, ts};
use crate::{Actor, Result, Store, StoreError, audit};
use entente_domain::AgreementId;
use entente_domain::terms::{ReviewItem, ReviewSettings, Source, Sourced, TermField};
use sqlx::Row;

/// At most this many values are listed at once.
const MAX_ITEMS: i64 = 500;

impl Store {
    /// The tenant's review setting (the default threshold until one is set).
    pub async fn review_settings(&self, actor: &Actor) -> Result<ReviewSettings> {
        let t: Option<String> =
            sqlx::query_scalar("select threshold from review_setting where organisation_id = $1")
                .bind(actor.org.to_string())
                .fetch_optional(&self.pool)
                .await?;
        match t {
            None => Ok(ReviewSettings::default()),
            Some(t) => t
                .parse::<f32>()
                .map(|threshold| ReviewSettings { threshold })
                .map_err(|e| StoreError::Corrupt(format!("review threshold {t:?}: {e}"))),
        }
    }

    /// Replaces the tenant's review threshold (audited as `review_setting.set`).
    pub async fn set_review_settings(&self, actor: &Actor, s: &ReviewSettings) -> Result<()> {
        s.validate()?;
        self.put_tenant_setting(
            actor,
            "review_setting",
            "threshold",
            s.threshold.to_string(),
            serde_json::json!({ "threshold": s.threshold }),
        )
        .await
    }

    /// Extracted values the actor may see whose confidence is below the tenant's threshold,
    /// least sure first (at most 500).
    pub async fn review_queue(&self, actor: &Actor) -> Result<Vec<ReviewItem>> {
        let threshold = self.review_settings(actor).await?.threshold;
        let (vis, vis_binds) = actor.visible(3);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            // Conflicts first (a person's value the text now contradicts), then the least sure.
            "select t.agreement_id, a.title, t.field, t.value, t.source, t.confidence, t.conflict \
             from term t join agreement a on a.agreement_id = t.agreement_id \
             where t.organisation_id = $1 and ((t.confidence is not null and t.confidence < $2) or t.conflict is not null) and {vis} \
             order by case when t.conflict is null then 1 else 0 end, t.confidence, a.title, t.agreement_id, t.field limit {MAX_ITEMS}"
        )))
        .bind(actor.org.to_string())
        .bind(f64::from(threshold));
        for b in vis_binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let field = TermField::parse(&r.try_get::<String, _>("field")?)
                .map_err(|e| StoreError::Corrupt(e.message))?;
            let value = field
                .parse_value(&json::<serde_json::Value>(
                    &r.try_get::<String, _>("value")?,
                )?)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let conflict: Option<Sourced> = r
                .try_get::<Option<String>, _>("conflict")?
                .map(|c| json(&c))
                .transpose()?;
            let confidence = match (&conflict, r.try_get::<Option<f64>, _>("confidence")?) {
                (
                    Some(Sourced {
                        source: Source::Extracted { confidence, .. },
                        ..
                    }),
                    _,
                ) => *confidence,
                (_, Some(c)) => c as f32,
                (_, None) => 1.0,
            };
            out.push(ReviewItem {
                agreement_id: parse_id(&r.try_get::<String, _>("agreement_id")?)?,
                agreement_title: r.try_get("title")?,
                field,
                value,
                confidence,
                source: json(&r.try_get::<String, _>("source")?)?,
                conflict,
            });
        }
        Ok(out)
    }

    /// A person confirms an extracted value as it stands: it becomes theirs (`Source::User`
    /// with who and when), leaves the review queue, and re-analysis never replaces it. The
    /// audit event `term.confirm` keeps the value, the confidence it had and its evidence.
    /// Confirming a person's value that a later version contradicts keeps it and settles the
    /// conflict (audit event `term.keep`, with what the text said).
    /// To correct a value instead, set it (`set_term`), which records who did it too.
    pub async fn confirm_term(
        &self,
        actor: &Actor,
        id: AgreementId,
        field: TermField,
        note: Option<String>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        lock_agreement(&mut tx, actor, id).await?;
        let org = actor.org.to_string();
        let terms = load_terms(&mut *tx, &org, id).await?;
        let Some(cur) = terms.0.get(&field) else {
            return Err(StoreError::not_found("term", field.as_str()));
        };
        let now = tx.now_text();
        if cur.source.is_user() {
            // Keeping a person's value against what a later version says settles the conflict.
            let conflict: Option<String> = sqlx::query_scalar(
                "select conflict from term where agreement_id = $1 and field = $2",
            )
            .bind(id.to_string())
            .bind(field.as_str())
            .fetch_one(&mut *tx)
            .await?;
            let Some(conflict) = conflict else {
                return Err(StoreError::Conflict(format!(
                    "{} was entered or confirmed by a person already",
                    field.as_str()
                )));
            };
            sqlx::query("update term set conflict = null, updated_at = $1 where agreement_id = $2 and field = $3")
                .bind(&now)
                .bind(id.to_string())
                .bind(field.as_str())
                .execute(&mut *tx)
                .await?;
            audit::append(
                &mut tx,
                actor,
                "term.keep",
                "term",
                field.as_str(),
                Some(id),
                serde_json::json!({
                    "field": field.as_str(),
                    "value": cur.value,
                    "rejected": json::<serde_json::Value>(&conflict)?,
                    "note": note,
                }),
            )
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        let sourced = Sourced {
            value: cur.value.clone(),
            source: Source::User {
                by: actor.name.clone(),
                at: ts(&now)?,
                note: note.or_else(|| Some("confirmed as extracted".into())),
            },
        };
        upsert_term(&mut tx, &org, id, field, &sourced, &now).await?;
        refresh_derived(&mut tx, &org, id, &now).await?;
        audit::append(
            &mut tx,
            actor,
            "term.confirm",
            "term",
            field.as_str(),
            Some(id),
            serde_json::json!({
                "field": field.as_str(),
                "value": sourced.value,
                "extracted": cur.source,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
