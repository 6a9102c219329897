//! Authentication use-cases: Argon2id password hashing, login with lockout, opaque secrets
//! for sessions, API tokens and setup links (stored only as SHA-256 hashes).

use crate::{CoreError, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use entente_domain::access::Role;
use entente_domain::{Timestamp, ValidationError};
use entente_store::{Actor, Principal, Store, Throttle, ThrottlePolicy};
use sha2::{Digest, Sha256};

/// Sessions end this long after login, whatever the activity.
pub const SESSION_ABSOLUTE_HOURS: i64 = 12;
/// Sessions end after this much inactivity.
pub const SESSION_IDLE_MINUTES: i64 = 30;
/// API tokens expire this many days after creation unless another lifetime is asked for.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;

/// Checks the length rule: 12 to 1024 characters (new passwords must also pass
/// [`crate::password::check_new_password`]).
pub fn check_password(pw: &str) -> Result<()> {
    crate::password::check_length(pw)
}

/// Hashes a password with Argon2id (default parameters, random salt) as a PHC string. Blocks
/// for tens of milliseconds: request handlers use [`hash_new_password`].
pub fn hash_password(pw: &str) -> Result<String> {
    check_password(pw)?;
    Argon2::default()
        .hash_password(pw.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| CoreError::internal(format!("password hashing failed: {e}")))
}

/// Verifies a password against a PHC string (blocking; see [`verify_password_off_thread`]).
pub fn verify_password(pw: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(pw.as_bytes(), phc)
        .is_ok()
}

/// Argon2 runs on the blocking pool, at most this many at once: hashing is CPU-bound, and on
/// the async workers a burst of logins would stall every other request (health checks too).
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    tokio::sync::Semaphore::new((cores / 2).max(1))
});

async fn off_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| CoreError::internal(format!("password hashing pool closed: {e}")))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CoreError::internal(format!("password hashing task failed: {e}")))
}

/// [`verify_password`] on the bounded blocking pool.
pub async fn verify_password_off_thread(pw: &str, phc: &str) -> Result<bool> {
    let (pw, phc) = (pw.to_owned(), phc.to_owned());
    off_thread(move || verify_password(&pw, &phc)).await
}

/// Checks a new password for `email` against the whole policy, then hashes it on the bounded
/// blocking pool.
pub async fn hash_new_password(pw: &str, email: &str) -> Result<String> {
    crate::password::check_new_password(pw, email)?;
    let pw = pw.to_owned();
    off_thread(move || hash_password(&pw)).await?
}

/// A new random secret (256 bits, hex) with a readable prefix, and the hash to store.
pub fn new_secret(prefix: &str) -> Result<(String, String)> {
    let mut bytes = Vec::with_capacity(32);
    for _ in 0..2 {
        let salt = argon2::password_hash::try_generate_salt()
            .map_err(|e| CoreError::internal(format!("system RNG failed: {e}")))?;
        bytes.extend_from_slice(&salt);
    }
    let secret = format!("{prefix}_{}", hex::encode(bytes));
    let hash = hash_secret(&secret);
    Ok((secret, hash))
}

/// The stored form of a secret. Secrets are 256-bit random, so a fast hash is enough: there
/// is nothing to brute-force, and lookups stay cheap.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A successful login.
#[derive(Debug)]
pub struct Login {
    /// Who logged in, in which organisation.
    pub principal: Principal,
    /// The session cookie's value (shown once).
    pub session: String,
    /// The CSRF token state-changing requests must send back.
    pub csrf: String,
}

/// Why a login failed; deliberately the same message for unknown e-mail and bad password.
const BAD_LOGIN: &str = "e-mail or password is wrong";

/// Per client address: 20 attempts a minute, shared by every instance.
pub const ADDRESS_POLICY: ThrottlePolicy = ThrottlePolicy {
    free: 20,
    delays: &[60],
    reset_after: 60,
};

/// Per account and source: five attempts, then a doubling wait (2 s … 15 min) before each
/// next one, until the key has been quiet for 15 minutes or a sign-in succeeds on it. Keyed by
/// the e-mail whether or not an account has it, so answers never tell accounts apart; and the
/// addresses an account signed in from have keys of their own, so strangers cannot lock its
/// owner out.
pub const ACCOUNT_POLICY: ThrottlePolicy = ThrottlePolicy {
    free: 5,
    delays: &[2, 4, 8, 16, 32, 64, 128, 256, 512, 900],
    reset_after: 900,
};

/// An address counts as the account's own for this long after a sign-in from it.
pub const KNOWN_SOURCE_DAYS: i64 = 90;

/// A sign-in attempt.
#[derive(Debug, Clone, Copy)]
pub struct LoginAttempt<'a> {
    /// E-mail (login name).
    pub email: &'a str,
    /// Password as typed.
    pub password: &'a str,
    /// Organisation slug (default: the user's first).
    pub organisation: Option<&'a str>,
    /// The client's address, when known.
    pub source: Option<std::net::IpAddr>,
}

fn throttled(what: &str, retry_after: u64) -> CoreError {
    CoreError::Throttled {
        message: format!("too many sign-in attempts {what}; try again in {retry_after} s"),
        retry_after,
    }
}

/// Counts a sign-in attempt from `ip` against the address limit (shared by every instance).
/// Run before [`login`]; a refusal carries the seconds to wait.
pub async fn check_address(store: &Store, ip: std::net::IpAddr) -> Result<()> {
    let secs = store.now().jiff().as_second();
    match store
        .throttle_attempt(&format!("ip:{ip}"), &ADDRESS_POLICY, secs)
        .await?
    {
        Throttle::Allowed { .. } => Ok(()),
        Throttle::Blocked { retry_after } => {
            tracing::warn!(client.address = %ip, retry_after, "sign-in refused: too many attempts from this address");
            Err(throttled("from this address", retry_after))
        }
    }
}

/// Checks credentials under the account throttle, records the outcome in the account's audit
/// trail and the log, and starts a session. The address limit is
/// [`check_address`]'s, run first by the caller.
pub async fn login(store: &Store, a: LoginAttempt<'_>) -> Result<Login> {
    let now = store.now().jiff();
    let secs = now.as_second();
    let source = a.source.map(|ip| ip.to_string());
    let source_text = source.as_deref().unwrap_or("unknown");
    let email = a.email.trim().to_lowercase();
    let email_hash = hash_secret(&email);
    let known = match &source {
        Some(ip) => {
            store
                .is_known_source(&email_hash, ip, KNOWN_SOURCE_DAYS)
                .await?
        }
        None => false,
    };
    let account_key = match (&source, known) {
        (Some(ip), true) => format!("acct:{email_hash}:src:{ip}"),
        _ => format!("acct:{email_hash}"),
    };
    let holds = match store
        .throttle_attempt(&account_key, &ACCOUNT_POLICY, secs)
        .await?
    {
        Throttle::Blocked { retry_after } => {
            tracing::info!(
                client.address = source_text,
                retry_after,
                "sign-in refused: account attempts on hold"
            );
            return Err(throttled("for this account", retry_after));
        }
        Throttle::Allowed { holds, .. } => holds,
    };
    let rec = store.login_record(&email).await?;
    // An unknown e-mail costs a real verification too, so timing does not reveal accounts;
    // the stand-in hash is read (and made, the first time) on the blocking pool too.
    let phc = rec.as_ref().map(|r| r.password_hash.clone());
    let password = a.password.to_owned();
    let verified = off_thread(move || match phc {
        Some(phc) => verify_password(&password, &phc),
        None => {
            let _ = verify_password(&password, &DUMMY_HASH);
            false
        }
    })
    .await?;
    let membership = rec.as_ref().and_then(|r| match a.organisation {
        Some(slug) => r.memberships.iter().find(|m| m.1 == slug),
        None => r.memberships.first(),
    });
    let (Some(rec), Some(membership), true) = (rec.as_ref(), membership, verified) else {
        // A failure on an account goes into the audit trail of its organisation; one on an
        // e-mail no account has belongs to no tenant, so only the log has it.
        if let Some(r) = rec.as_ref() {
            let org = membership.or(r.memberships.first()).map(|m| m.0);
            if let Some(org) = org {
                let actor = Actor::new(org, format!("sign-in as {}", r.email));
                let details = serde_json::json!({ "source": source_text, "held": holds });
                let id = r.user_id.to_string();
                store
                    .record_security_event(
                        &actor,
                        "session.login_failed",
                        "user",
                        &id,
                        details.clone(),
                    )
                    .await?;
                if holds {
                    store
                        .record_security_event(&actor, "session.login_held", "user", &id, details)
                        .await?;
                }
            }
        }
        tracing::warn!(client.address = source_text, held = holds, "sign-in failed");
        return Err(match (verified, rec.is_some()) {
            (true, true) => {
                CoreError::Unauthorized("you are not a member of that organisation".into())
            }
            _ => CoreError::Unauthorized(BAD_LOGIN.into()),
        });
    };
    store.throttle_reset(&account_key).await?;
    let new_source = match &source {
        Some(ip) => store.record_login_source(&email_hash, ip).await?,
        None => false,
    };
    let (session, session_hash) = new_secret("ses")?;
    let (csrf, _) = new_secret("csrf")?;
    let principal = Principal {
        user_id: rec.user_id,
        email: rec.email.clone(),
        org: membership.0,
        role: membership.2,
        party_id: membership.3,
        csrf: Some(csrf.clone()),
        last_seen: Some(Timestamp::from_jiff(now)),
        token: None,
        owner_role: None,
    };
    let expires =
        Timestamp::from_jiff(now + jiff::SignedDuration::from_hours(SESSION_ABSOLUTE_HOURS));
    store
        .create_session(
            &principal.actor(),
            rec.user_id,
            &session_hash,
            &csrf,
            expires,
            serde_json::json!({ "source": source_text, "new_source": new_source }),
        )
        .await?;
    tracing::info!(user.id = %rec.user_id, client.address = source_text, new_source, "signed in");
    Ok(Login {
        principal,
        session,
        csrf,
    })
}

/// Moves a signed-in person's session to another organisation they belong to (by slug).
/// The session's secret and CSRF token are replaced, so the returned [`Login`] carries the
/// new cookie value; the absolute expiry stays that of the sign-in. An API token belongs to
/// one organisation and cannot switch.
pub async fn switch_organisation(
    store: &Store,
    principal: &Principal,
    session_hash: Option<&str>,
    slug: &str,
) -> Result<Login> {
    let Some(old_hash) = session_hash else {
        return Err(CoreError::Forbidden(
            "an API token belongs to one organisation; sign in to switch between organisations"
                .into(),
        ));
    };
    let slug = slug.trim();
    let mine = store.user_organisations(principal.user_id).await?;
    let Some(target) = mine.iter().find(|a| a.slug == slug) else {
        let known: Vec<&str> = mine.iter().map(|a| a.slug.as_str()).collect();
        return Err(ValidationError::new(
            "organisation",
            format!(
                "you are not a member of an organisation {slug:?}; yours: {}",
                known.join(", ")
            ),
        )
        .into());
    };
    let (session, session_hash) = new_secret("ses")?;
    let (csrf, _) = new_secret("csrf")?;
    let next = Principal {
        org: target.organisation_id,
        role: target.role,
        party_id: target.party_id,
        csrf: Some(csrf.clone()),
        last_seen: Some(store.now()),
        token: None,
        owner_role: None,
        ..principal.clone()
    };
    store
        .switch_session(
            &principal.actor(),
            &next.actor(),
            principal.user_id,
            old_hash,
            &session_hash,
            &csrf,
        )
        .await?;
    tracing::info!(user.id = %principal.user_id, organisation.id = %target.organisation_id, "switched organisation");
    Ok(Login {
        principal: next,
        session,
        csrf,
    })
}

/// Creates an API token for the caller (never with a role above the caller's own; what it
/// sees is also bounded by what the caller sees). It expires after `expires_in_days`, by
/// default [`DEFAULT_TOKEN_DAYS`].
pub async fn create_token(
    store: &Store,
    actor: &Actor,
    owner: &Principal,
    name: &str,
    role: Option<Role>,
    expires_in_days: Option<u32>,
) -> Result<(String, String)> {
    let role = role.unwrap_or(owner.role);
    if !owner.role.allows_all_of(role) {
        return Err(ValidationError::new(
            "role",
            format!(
                "a {} cannot create a {} token",
                owner.role.as_str(),
                role.as_str()
            ),
        )
        .into());
    }
    let expires = match expires_in_days {
        Some(0) => {
            return Err(ValidationError::new("expires_in_days", "must be at least 1").into());
        }
        Some(d) if d > 3650 => {
            return Err(ValidationError::new("expires_in_days", "must be at most 3650").into());
        }
        Some(d) => d,
        None => DEFAULT_TOKEN_DAYS,
    };
    let expires = Some(Timestamp::from_jiff(
        store.now().jiff() + jiff::SignedDuration::from_hours(24 * i64::from(expires)),
    ));
    let (secret, hash) = new_secret("ent")?;
    let id = store
        .create_token(actor, owner.user_id, name, &hash, role, expires)
        .await?;
    Ok((id, secret))
}

/// Makes the stand-in hash for unknown e-mails now, on the blocking pool, so the first sign-in
/// with an unknown e-mail does not pay for it (servers call this at start).
pub async fn warm_up() -> Result<()> {
    off_thread(|| {
        std::sync::LazyLock::force(&DUMMY_HASH);
    })
    .await
}

/// A real Argon2id hash (of a password nobody knows), so a login for an unknown e-mail costs
/// as much as one for a known e-mail.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Argon2::default()
        .hash_password(b"no account has this password")
        .map(|h| h.to_string())
        .unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(matches!(
            hash_password("short"),
            Err(CoreError::Validation(_))
        ));
    }

    #[test]
    fn secrets_are_random_and_stored_hashed() {
        let (a, ha) = new_secret("ent").unwrap();
        let (b, _) = new_secret("ent").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("ent_") && a.len() == 4 + 64);
        assert_eq!(hash_secret(&a), ha);
        assert_ne!(ha, a);
    }
}
