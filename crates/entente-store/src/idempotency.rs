//! Idempotency keys: the first answer to a create request, kept for 24 hours so a client's
//! retry with the same key gets that answer instead of a second resource.

use crate::{Result, Store, StoreError};
use sqlx::Row;

/// How long a key's answer is kept.
pub const IDEMPOTENCY_HOURS: i64 = 24;

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentAnswer {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// `Location`, if any.
    pub location: Option<String>,
    /// The body, as text.
    pub body: String,
}

/// What a key means for a new request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// First use: the key is now held for this request.
    Fresh,
    /// Used before for the same request: its answer.
    Replay(IdempotentAnswer),
    /// Used before for a different request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

impl Store {
    /// Holds `key` of `caller` for a request whose hash is `request_hash`, or says how it
    /// was used in the last 24 hours.
    pub async fn reserve_idempotency_key(
        &self,
        caller: &str,
        key: &str,
        request_hash: &str,
    ) -> Result<Reservation> {
        let now = self.now();
        let expires = now
            .jiff()
            .checked_add(jiff::SignedDuration::from_hours(IDEMPOTENCY_HOURS))
            .map_err(|e| StoreError::Corrupt(format!("the clock is out of range: {e}")))?;
        let expires = entente_domain::Timestamp::from_jiff(expires).to_string();
        let now = now.to_string();
        let mut tx = self.begin().await?;
        // Expired keys (this one's, and any other) are forgotten first.
        sqlx::query("delete from idempotency_key where expires_at <= $1")
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "select request_hash, status, content_type, location, body from idempotency_key \
             where caller = $1 and idem_key = $2",
        )
        .bind(caller)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        let answer = match row {
            Some(r) => {
                let hash: String = r.try_get("request_hash")?;
                let status: Option<i64> = r.try_get("status")?;
                if hash != request_hash {
                    Reservation::Mismatch
                } else if let Some(status) = status {
                    Reservation::Replay(IdempotentAnswer {
                        status: u16::try_from(status).unwrap_or(500),
                        content_type: r.try_get("content_type")?,
                        location: r.try_get("location")?,
                        body: r.try_get::<Option<String>, _>("body")?.unwrap_or_default(),
                    })
                } else {
                    Reservation::InProgress
                }
            }
            None => {
                sqlx::query(
                    "insert into idempotency_key (caller, idem_key, request_hash, expires_at, created_at, updated_at) \
                     values ($1, $2, $3, $4, $5, $5)",
                )
                .bind(caller)
                .bind(key)
                .bind(request_hash)
                .bind(&expires)
                .bind(&now)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::on_unique(e, "the idempotency key is in use"))?;
                Reservation::Fresh
            }
        };
        tx.commit().await?;
        Ok(answer)
    }

    /// Keeps the answer to the request that holds `key`.
    pub async fn complete_idempotency_key(
        &self,
        caller: &str,
        key: &str,
        answer: &IdempotentAnswer,
    ) -> Result<()> {
        sqlx::query(
            "update idempotency_key set status = $1, content_type = $2, location = $3, body = $4, updated_at = $5 \
             where caller = $6 and idem_key = $7",
        )
        .bind(i64::from(answer.status))
        .bind(answer.content_type.as_deref())
        .bind(answer.location.as_deref())
        .bind(&answer.body)
        .bind(self.now().to_string())
        .bind(caller)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Lets `key` go after a request that failed, so a retry runs again.
    pub async fn release_idempotency_key(&self, caller: &str, key: &str) -> Result<()> {
        sqlx::query(
            "delete from idempotency_key where caller = $1 and idem_key = $2 and status is null",
        )
        .bind(caller)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
