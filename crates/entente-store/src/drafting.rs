//! How a draft was made from a template: the template, the variables as entered and each
//! clause's position are kept with the agreement (so a position can be switched and the text
//! re-assembled), and every choice goes into the agreement's audit trail.

use crate::agreement::{insert_agreement, lock_agreement, refresh_derived, touch, upsert_term};
use crate::document::{NewVersion, Text, VersionAnalysis, insert_version};
use crate::row::{json, to_json};
use crate::{Actor, Result, Store, StoreError, audit};
use entente_domain::agreement::NewAgreement;
use entente_domain::terms::{Sourced, TermField};
use entente_domain::{AgreementId, AgreementStatus, ValidationError, VersionId};
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;

/// What a template draft is assembled from.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DraftSource {
    /// Template id.
    pub template: String,
    /// Template version the draft was made with.
    pub template_version: String,
    /// The variables as entered.
    #[schema(value_type = Object)]
    pub variables: serde_json::Map<String, serde_json::Value>,
    /// Clause id → position id, for every clause not at its preferred position.
    pub positions: BTreeMap<String, String>,
}

/// A re-assembled draft to store: its new version and the terms whose value changed.
#[derive(Debug, Clone)]
pub struct Reassembled<'a> {
    /// The new text.
    pub version: &'a NewVersion,
    /// Its clauses and obligations.
    pub analysis: &'a VersionAnalysis,
    /// Terms the new positions change (as the template entered them).
    pub terms: &'a [(TermField, Sourced)],
}

async fn upsert_source(
    tx: &mut crate::Tx,
    org: &str,
    id: AgreementId,
    s: &DraftSource,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "insert into template_draft (agreement_id, organisation_id, template, template_version, variables, positions, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7) \
         on conflict (agreement_id) do update set template = excluded.template, template_version = excluded.template_version, \
         variables = excluded.variables, positions = excluded.positions, updated_at = excluded.updated_at",
    )
    .bind(id.to_string())
    .bind(org)
    .bind(&s.template)
    .bind(&s.template_version)
    .bind(to_json(&s.variables))
    .bind(to_json(&s.positions))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Stores a draft made from a template in one transaction: the agreement with its first
    /// version, what it was assembled from, and a `draft.created` audit event with `details`.
    pub async fn import_template_draft(
        &self,
        actor: &Actor,
        new: &NewAgreement,
        version: &NewVersion,
        analysis: &VersionAnalysis,
        source: &DraftSource,
        details: serde_json::Value,
    ) -> Result<(AgreementId, VersionId)> {
        let mut tx = self.begin().await?;
        let id = insert_agreement(&mut tx, actor, new).await?;
        let (vid, _) = insert_version(
            &mut tx,
            self.backend,
            actor,
            id,
            version,
            analysis,
            Text::Agreement,
            entente_domain::Date::MIN,
        )
        .await?;
        let now = tx.now_text();
        upsert_source(&mut tx, &actor.org.to_string(), id, source, &now).await?;
        audit::append(
            &mut tx,
            actor,
            "draft.created",
            "agreement",
            &id.to_string(),
            Some(id),
            details,
        )
        .await?;
        tx.commit().await?;
        Ok((id, vid))
    }

    /// What a template draft was assembled from; `None` for an agreement not drafted from a
    /// template.
    pub async fn draft_source(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> Result<Option<DraftSource>> {
        self.check_visible(actor, id).await?;
        let row = sqlx::query(
            "select template, template_version, variables, positions from template_draft \
             where organisation_id = $1 and agreement_id = $2",
        )
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        Ok(Some(DraftSource {
            template: r.try_get("template")?,
            template_version: r.try_get("template_version")?,
            variables: json(&r.try_get::<String, _>("variables")?)?,
            positions: json(&r.try_get::<String, _>("positions")?)?,
        }))
    }

    /// Stores a draft re-assembled with other clause positions, in one transaction: the new
    /// version, the terms the positions change, the new positions, and a `draft.position`
    /// audit event with `details`. Only a draft's positions can be switched.
    pub async fn switch_draft_positions(
        &self,
        actor: &Actor,
        id: AgreementId,
        next: &Reassembled<'_>,
        source: &DraftSource,
        details: serde_json::Value,
    ) -> Result<VersionId> {
        let today = self.today(actor).await?;
        let mut tx = self.begin().await?;
        let status = lock_agreement(&mut tx, actor, id).await?;
        if status != AgreementStatus::Draft {
            return Err(ValidationError::new(
                "status",
                format!(
                    "clause positions are chosen while the agreement is a draft; it is {status}"
                ),
            )
            .into());
        }
        let org = actor.org.to_string();
        let exists: Option<String> = sqlx::query_scalar(
            "select template from template_draft where organisation_id = $1 and agreement_id = $2",
        )
        .bind(&org)
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if exists.is_none() {
            return Err(StoreError::Conflict(
                "the agreement was not drafted from a template".into(),
            ));
        }
        let (vid, _) = insert_version(
            &mut tx,
            self.backend,
            actor,
            id,
            next.version,
            next.analysis,
            Text::Agreement,
            today,
        )
        .await?;
        let now = tx.now_text();
        for (field, value) in next.terms {
            upsert_term(&mut tx, &org, id, *field, value, &now).await?;
        }
        refresh_derived(&mut tx, &org, id, &now).await?;
        upsert_source(&mut tx, &org, id, source, &now).await?;
        crate::governance::reopen_on_version(&mut tx, actor, id, status, today).await?;
        audit::append(
            &mut tx,
            actor,
            "draft.position",
            "agreement",
            &id.to_string(),
            Some(id),
            details,
        )
        .await?;
        touch(&mut tx, id, &now).await?;
        tx.commit().await?;
        Ok(vid)
    }
}
