//! Login throttling kept in the database, so every instance behind a load balancer counts the
//! same attempts; the addresses each account signed in from; security events for the audit trail.

use crate::{Actor, Result, Store, audit};
use sqlx::Row;

/// How a throttle key is limited: `free` attempts pass without delay; attempt `free + k`
/// (k ≥ 0) holds the key for `delays[min(k, last)]` seconds before the next one may run. A key
/// quiet for `reset_after` seconds starts again from zero.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Attempts allowed before any delay.
    pub free: u32,
    /// Delays (seconds) for the attempts after that; the last one repeats.
    pub delays: &'static [i64],
    /// Quiet time after which the count restarts.
    pub reset_after: i64,
}

/// The outcome of counting one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// The attempt may run; it was attempt number `attempt` on this key.
    Allowed {
        /// 1-based count since the key was last reset.
        attempt: u32,
        /// Whether this attempt put the key on hold (the next one must wait).
        holds: bool,
    },
    /// The key is on hold for this many more seconds; nothing was counted.
    Blocked {
        /// Seconds until the next attempt may run (at least 1).
        retry_after: u64,
    },
}

impl ThrottlePolicy {
    /// The SQL expression (Unix seconds) until which attempt number `n_sql` holds the key.
    /// Built from the policy's own constants, never from input.
    fn hold_sql(&self, n_sql: &str, now_param: &str) -> String {
        let mut case = format!("{now_param} + case when {n_sql} < {} then 0", self.free);
        for (k, d) in self.delays.iter().enumerate() {
            case.push_str(&format!(
                " when {n_sql} = {} then {d}",
                self.free as usize + k
            ));
        }
        let last = self.delays.last().copied().unwrap_or(0);
        case.push_str(&format!(" else {last} end"));
        case
    }
}

impl Store {
    /// Counts one attempt on `key` at `now` (Unix seconds), unless the key is on hold. One
    /// statement reserves the attempt and sets the hold the attempt earns, so concurrent
    /// attempts on one key can never all slip through.
    pub async fn throttle_attempt(
        &self,
        key: &str,
        policy: &ThrottlePolicy,
        now: i64,
    ) -> Result<Throttle> {
        let sql = format!(
            "insert into login_throttle (throttle_key, attempts, last_at, blocked_until) values ($1, 1, $2, {first}) \
             on conflict (throttle_key) do update set \
             attempts = case when login_throttle.last_at <= $3 then 1 else login_throttle.attempts + 1 end, \
             blocked_until = case when login_throttle.last_at <= $3 then {first} else {next} end, \
             last_at = $2 \
             where login_throttle.blocked_until <= $2 \
             returning attempts, blocked_until",
            first = policy.hold_sql("1", "$2"),
            next = policy.hold_sql("(login_throttle.attempts + 1)", "$2"),
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key)
            .bind(now)
            .bind(now - policy.reset_after)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(r) = row {
            let attempt: i64 = r.try_get("attempts")?;
            let until: i64 = r.try_get("blocked_until")?;
            return Ok(Throttle::Allowed {
                attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
                holds: until > now,
            });
        }
        let until: Option<i64> =
            sqlx::query_scalar("select blocked_until from login_throttle where throttle_key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        Ok(Throttle::Blocked {
            retry_after: u64::try_from(until.unwrap_or(now) - now)
                .unwrap_or(0)
                .max(1),
        })
    }

    /// Forgets a key's attempts (after a successful login on it).
    pub async fn throttle_reset(&self, key: &str) -> Result<()> {
        sqlx::query("delete from login_throttle where throttle_key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether the account (by e-mail hash) signed in from `source` within `days`.
    pub async fn is_known_source(&self, email_hash: &str, source: &str, days: i64) -> Result<bool> {
        let since = entente_domain::Timestamp::from_jiff(
            self.now().jiff() - jiff::SignedDuration::from_hours(24 * days),
        )
        .to_string();
        let found: Option<String> = sqlx::query_scalar(
            "select source from login_source where email_hash = $1 and source = $2 and last_success_at >= $3",
        )
        .bind(email_hash)
        .bind(source)
        .bind(since)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// Records a successful sign-in from `source`; true when the address is new for the account.
    pub async fn record_login_source(&self, email_hash: &str, source: &str) -> Result<bool> {
        let now = self.now_text();
        let updated = sqlx::query(
            "update login_source set last_success_at = $1 where email_hash = $2 and source = $3",
        )
        .bind(&now)
        .bind(email_hash)
        .bind(source)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if updated > 0 {
            return Ok(false);
        }
        sqlx::query(
            "insert into login_source (email_hash, source, last_success_at) values ($1, $2, $3) \
             on conflict (email_hash, source) do update set last_success_at = excluded.last_success_at",
        )
        .bind(email_hash)
        .bind(source)
        .bind(&now)
        .execute(&self.pool)
        .await?;
        Ok(true)
    }

    /// Appends a security event (failed sign-in, hold, logout, password change …) to the
    /// actor's audit trail.
    pub async fn record_security_event(
        &self,
        actor: &Actor,
        action: &str,
        entity: &str,
        entity_id: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        audit::append(&mut tx, actor, action, entity, entity_id, None, details).await?;
        tx.commit().await?;
        Ok(())
    }
}
