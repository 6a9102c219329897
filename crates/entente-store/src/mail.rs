//! Alert e-mail preferences: who opted out with a one-click unsubscribe link, and the
//! per-tenant key that signs those links (made on first use, shared by every instance).

use crate::{Actor, Result, Store, StoreError, audit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entente_domain::OrganisationId;

impl Store {
    /// The key that signs the tenant's unsubscribe links; made (32 random bytes) on first use.
    /// Two instances making it at once keep whichever was stored first.
    pub async fn mail_signing_key(&self, org: OrganisationId) -> Result<Vec<u8>> {
        let secret = match self.stored_mail_key(org).await? {
            Some(s) => s,
            None => {
                let mut key = [0u8; 32];
                getrandom::fill(&mut key).map_err(|e| {
                    StoreError::Config(format!("the system random source failed: {e}"))
                })?;
                let now = self.now_text();
                sqlx::query(
                    "insert into mail_signing_key (organisation_id, secret, created_at, updated_at) \
                     values ($1, $2, $3, $3) on conflict (organisation_id) do nothing",
                )
                .bind(org.to_string())
                .bind(STANDARD.encode(key))
                .bind(&now)
                .execute(&self.pool)
                .await?;
                self.stored_mail_key(org).await?.ok_or_else(|| {
                    StoreError::Corrupt("the mail signing key vanished after it was made".into())
                })?
            }
        };
        STANDARD
            .decode(secret.as_bytes())
            .map_err(|e| StoreError::Corrupt(format!("mail signing key: {e}")))
    }

    /// The tenant's key for checking an unsubscribe link, if it was ever made (a link naming
    /// a tenant without one, or an unknown tenant, is forged).
    pub async fn existing_mail_signing_key(&self, org: OrganisationId) -> Result<Option<Vec<u8>>> {
        self.stored_mail_key(org)
            .await?
            .map(|s| {
                STANDARD
                    .decode(s.as_bytes())
                    .map_err(|e| StoreError::Corrupt(format!("mail signing key: {e}")))
            })
            .transpose()
    }

    async fn stored_mail_key(&self, org: OrganisationId) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("select secret from mail_signing_key where organisation_id = $1")
                .bind(org.to_string())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Records that `email` wants no more alert e-mail from tenant `org` (audited as done by
    /// that address). Returns false when it had already opted out; nothing changes then.
    pub async fn opt_out_of_email(&self, org: OrganisationId, email: &str) -> Result<bool> {
        let email = email.trim().to_lowercase();
        let mut tx = self.begin().await?;
        let now = tx.now_text();
        let n = sqlx::query(
            "insert into email_opt_out (organisation_id, email, created_at, updated_at) values ($1, $2, $3, $3) \
             on conflict (organisation_id, email) do nothing",
        )
        .bind(org.to_string())
        .bind(&email)
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            tx.commit().await?;
            return Ok(false);
        }
        audit::append(
            &mut tx,
            &Actor::new(org, email.clone()),
            "email.opt_out",
            "email_opt_out",
            &email,
            None,
            serde_json::json!({ "via": "unsubscribe link" }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Takes back an opt-out: `actor` (the person, or an administrator acting for them) has
    /// `email` receive alert e-mail again. Returns false when it had not opted out.
    pub async fn opt_in_to_email(&self, actor: &Actor, email: &str) -> Result<bool> {
        let email = email.trim().to_lowercase();
        let mut tx = self.begin().await?;
        let n = sqlx::query("delete from email_opt_out where organisation_id = $1 and email = $2")
            .bind(actor.org.to_string())
            .bind(&email)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            audit::append(
                &mut tx,
                actor,
                "email.opt_in",
                "email_opt_out",
                &email,
                None,
                serde_json::json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    /// Whether `email` opted out of the tenant's alert e-mail.
    pub async fn opted_out_of_email(&self, org: OrganisationId, email: &str) -> Result<bool> {
        let hit: Option<i64> = sqlx::query_scalar(
            "select 1 from email_opt_out where organisation_id = $1 and email = $2",
        )
        .bind(org.to_string())
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        Ok(hit.is_some())
    }
}
