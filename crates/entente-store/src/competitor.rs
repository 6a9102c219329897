//! The competitor context of agreements: whether the parties compete, in which markets and with
//! what combined share, one row per agreement, each change recorded in the audit trail.

use crate::{Actor, Result, Store, StoreError, audit};
use entente_domain::AgreementId;
use entente_domain::competition::{CompetitorContext, MarketShare, Rivalry};
use serde::Serialize;
use sqlx::Row;

/// An agreement's competitor context as stored, with who entered it and when.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredCompetitors {
    /// The context.
    #[serde(flatten)]
    pub context: CompetitorContext,
    /// Who entered it last.
    pub updated_by: String,
    /// When.
    #[schema(format = DateTime)]
    pub updated_at: String,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<StoredCompetitors> {
    let competing: String = r.try_get("competing")?;
    let markets: String = r.try_get("markets")?;
    let share: Option<f64> = r.try_get("combined_share")?;
    Ok(StoredCompetitors {
        context: CompetitorContext {
            competing: Rivalry::parse(&competing).map_err(|e| StoreError::Corrupt(e.message))?,
            markets: serde_json::from_str(&markets)
                .map_err(|e| StoreError::Corrupt(format!("competitor_context.markets: {e}")))?,
            combined_share: share
                .map(MarketShare::parse)
                .transpose()
                .map_err(|e| StoreError::Corrupt(e.message))?,
        },
        updated_by: r.try_get("updated_by")?,
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    /// The agreement's competitor context, `None` when nobody entered one (not-found when the
    /// actor may not see the agreement).
    pub async fn competitors(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> Result<Option<StoredCompetitors>> {
        self.check_visible(actor, id).await?;
        let row = sqlx::query(
            "select competing, markets, combined_share, updated_by, updated_at from competitor_context \
             where organisation_id = $1 and agreement_id = $2",
        )
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Replaces the agreement's competitor context and records the change (old and new value)
    /// in the audit trail.
    pub async fn set_competitors(
        &self,
        actor: &Actor,
        id: AgreementId,
        c: &CompetitorContext,
    ) -> Result<StoredCompetitors> {
        let mut tx = self.begin().await?;
        crate::agreement::lock_agreement(&mut tx, actor, id).await?;
        let org = actor.org.to_string();
        let before = sqlx::query(
            "select competing, markets, combined_share, updated_by, updated_at from competitor_context \
             where organisation_id = $1 and agreement_id = $2",
        )
        .bind(&org)
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?;
        let now = tx.now_text();
        let markets = serde_json::to_string(&c.markets)
            .map_err(|e| StoreError::Corrupt(format!("markets: {e}")))?;
        let share = c.combined_share.map(MarketShare::percent);
        if before.is_some() {
            sqlx::query(
                "update competitor_context set competing = $1, markets = $2, combined_share = $3, \
                 updated_by = $4, updated_at = $5 where organisation_id = $6 and agreement_id = $7",
            )
            .bind(c.competing.as_str())
            .bind(&markets)
            .bind(share)
            .bind(&actor.name)
            .bind(&now)
            .bind(&org)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "insert into competitor_context (agreement_id, organisation_id, competing, markets, \
                 combined_share, updated_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(id.to_string())
            .bind(&org)
            .bind(c.competing.as_str())
            .bind(&markets)
            .bind(share)
            .bind(&actor.name)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        crate::agreement::touch(&mut tx, id, &now).await?;
        audit::append(
            &mut tx,
            actor,
            "agreement.competitors",
            "agreement",
            &id.to_string(),
            Some(id),
            serde_json::json!({
                "from": before.as_ref().map(|b| &b.context),
                "to": c,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredCompetitors {
            context: c.clone(),
            updated_by: actor.name.clone(),
            updated_at: now,
        })
    }

    /// Every agreement the actor sees that has a competitor context, with it.
    pub async fn all_competitors(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(AgreementId, CompetitorContext)>> {
        let (vis, vis_binds) = actor.visible(2);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select c.agreement_id, c.competing, c.markets, c.combined_share, c.updated_by, c.updated_at \
             from competitor_context c join agreement a on a.agreement_id = c.agreement_id \
             where c.organisation_id = $1 and {vis}"
        )))
        .bind(actor.org.to_string());
        for b in vis_binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for r in &rows {
            let id = crate::row::parse_id(&r.try_get::<String, _>("agreement_id")?)?;
            out.push((id, from_row(r)?.context));
        }
        Ok(out)
    }
}
