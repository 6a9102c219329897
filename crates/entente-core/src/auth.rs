//! Authentication use-cases: Argon2id password hashing, login with lockout, opaque secrets
//! for sessions, API tokens and setup links (stored only as SHA-256 hashes).

use crate::{CoreError, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use entente_domain::access::Role;
use entente_domain::{Timestamp, ValidationError};
use entente_store::{Actor, Principal, Store};
use sha2::{Digest, Sha256};

/// Consecutive failures that lock an account.
pub const MAX_FAILURES: u32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;
/// Sessions end this long after login, whatever the activity.
pub const SESSION_ABSOLUTE_HOURS: i64 = 12;
/// Sessions end after this much inactivity.
pub const SESSION_IDLE_MINUTES: i64 = 30;
/// API tokens expire this many days after creation unless another lifetime is asked for.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;

/// Checks the password policy: 12 to 1024 characters.
pub fn check_password(pw: &str) -> Result<()> {
    let n = pw.chars().count();
    if n < 12 {
        return Err(ValidationError::new("password", "must be at least 12 characters").into());
    }
    if n > 1024 {
        return Err(ValidationError::new("password", "must be at most 1024 characters").into());
    }
    Ok(())
}

/// Hashes a password with Argon2id (default parameters, random salt) as a PHC string.
pub fn hash_password(pw: &str) -> Result<String> {
    check_password(pw)?;
    Argon2::default()
        .hash_password(pw.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Internal(format!("password hashing failed: {e}")))
}

/// Verifies a password against a PHC string.
pub fn verify_password(pw: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(pw.as_bytes(), phc)
        .is_ok()
}

/// A new random secret (256 bits, hex) with a readable prefix, and the hash to store.
pub fn new_secret(prefix: &str) -> Result<(String, String)> {
    let mut bytes = Vec::with_capacity(32);
    for _ in 0..2 {
        let salt = argon2::password_hash::try_generate_salt()
            .map_err(|e| CoreError::Internal(format!("system RNG failed: {e}")))?;
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

/// Checks credentials, applies lockout, and starts a session in `org_slug` (default: the
/// user's first organisation).
pub async fn login(
    store: &Store,
    email: &str,
    password: &str,
    org_slug: Option<&str>,
) -> Result<Login> {
    let now = jiff::Timestamp::now();
    let Some(rec) = store.login_record(email).await? else {
        // Spend the same time as a real check so timing does not reveal unknown accounts.
        let _ = verify_password(password, &DUMMY_HASH);
        return Err(CoreError::Unauthorized(BAD_LOGIN.into()));
    };
    if let Some(until) = rec.locked_until.filter(|u| u.jiff() > now) {
        return Err(CoreError::Locked(format!(
            "too many failed logins; the account is locked until {until}"
        )));
    }
    if !verify_password(password, &rec.password_hash) {
        let failures = rec.failed_logins + 1;
        let lock = (failures >= MAX_FAILURES)
            .then(|| Timestamp::from_jiff(now + jiff::SignedDuration::from_mins(LOCKOUT_MINUTES)));
        store.login_failed(rec.user_id, lock).await?;
        return Err(match lock {
            Some(until) => CoreError::Locked(format!(
                "too many failed logins; the account is locked until {until}"
            )),
            None => CoreError::Unauthorized(BAD_LOGIN.into()),
        });
    }
    let membership = match org_slug {
        Some(slug) => rec.memberships.iter().find(|m| m.1 == slug),
        None => rec.memberships.first(),
    }
    .ok_or_else(|| CoreError::Unauthorized("you are not a member of that organisation".into()))?;
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
        )
        .await?;
    Ok(Login {
        principal,
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
        jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * i64::from(expires)),
    ));
    let (secret, hash) = new_secret("ent")?;
    let id = store
        .create_token(actor, owner.user_id, name, &hash, role, expires)
        .await?;
    Ok((id, secret))
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
