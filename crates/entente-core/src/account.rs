//! Account use-cases beyond sign-in: changing and resetting passwords, inviting members and
//! accepting invitations, each under the password policy and with Argon2 off the async threads.

use crate::auth::{
    ACCOUNT_POLICY, hash_new_password, hash_secret, new_secret, verify_password_off_thread,
};
use crate::{CoreError, Result};
use entente_domain::access::Role;
use entente_domain::{PartyId, Timestamp, UserId};
use entente_store::{Actor, Invitation, Principal, Store, Throttle};

/// Reset links work for this long.
pub const RESET_LINK_HOURS: i64 = 1;
/// Invitations work for this long.
pub const INVITATION_DAYS: i64 = 7;

/// Changes the caller's own password after checking the current one (under the account's
/// sign-in throttle, so a stolen session cannot guess it), and ends their other sessions.
/// Returns how many sessions ended.
pub async fn change_password(
    store: &Store,
    who: &Principal,
    keep_session: Option<&str>,
    current: &str,
    new: &str,
) -> Result<u64> {
    let key = format!("pw:{}", who.user_id);
    let now = store.now().jiff().as_second();
    if let Throttle::Blocked { retry_after } =
        store.throttle_attempt(&key, &ACCOUNT_POLICY, now).await?
    {
        return Err(CoreError::Throttled {
            message: format!("too many wrong current passwords; try again in {retry_after} s"),
            retry_after,
        });
    }
    let phc = store.password_hash(who.user_id).await?;
    if !verify_password_off_thread(current, &phc).await? {
        store
            .record_security_event(
                &who.actor(),
                "password.change_failed",
                "user",
                &who.user_id.to_string(),
                serde_json::json!({}),
            )
            .await?;
        return Err(entente_domain::ValidationError::new(
            "current_password",
            "is not your current password",
        )
        .into());
    }
    store.throttle_reset(&key).await?;
    if current == new {
        return Err(entente_domain::ValidationError::new(
            "new_password",
            "must differ from the current password",
        )
        .into());
    }
    let hash = hash_new_password(new, &who.email)
        .await
        .map_err(|e| rename_field(e, "new_password"))?;
    let ended = store
        .set_password(&who.actor(), who.user_id, &hash, keep_session)
        .await?;
    tracing::info!(user.id = %who.user_id, sessions_ended = ended, "password changed");
    Ok(ended)
}

/// Policy errors name `password`; an endpoint whose field has another name says so.
fn rename_field(e: CoreError, field: &str) -> CoreError {
    match e {
        CoreError::Validation(mut v) => {
            for f in &mut v.0 {
                if f.field == "password" {
                    f.field = field.to_owned();
                }
            }
            CoreError::Validation(v)
        }
        other => other,
    }
}

/// A new reset link for a member: the e-mail to send it to, the secret for the link (shown
/// only to that e-mail) and when it expires.
pub async fn create_reset_link(
    store: &Store,
    actor: &Actor,
    user: UserId,
) -> Result<(String, String, Timestamp)> {
    let (secret, hash) = new_secret("reset")?;
    let expires = Timestamp::from_jiff(
        store.now().jiff() + jiff::SignedDuration::from_hours(RESET_LINK_HOURS),
    );
    let email = store
        .create_password_reset(actor, user, &hash, expires)
        .await?;
    Ok((email, secret, expires))
}

/// Uses a reset link: the new password must pass the policy for the account's e-mail; every
/// session of the account ends.
pub async fn reset_password(store: &Store, token: &str, new: &str) -> Result<()> {
    let hash_of_token = hash_secret(token.trim());
    let Some((user, email)) = store.password_reset_target(&hash_of_token).await? else {
        return Err(entente_domain::ValidationError::new(
            "token",
            "this reset link is unknown, used or expired",
        )
        .into());
    };
    let hash = hash_new_password(new, &email).await?;
    store.complete_password_reset(&hash_of_token, &hash).await?;
    tracing::info!(user.id = %user, "password reset through a link");
    Ok(())
}

/// Invites `email` with `role`; returns the invitation and the secret for its link (sent only
/// to that address). The answer is the same whether or not the address has an account.
pub async fn invite(
    store: &Store,
    actor: &Actor,
    email: &str,
    display_name: &str,
    role: Role,
    party: Option<PartyId>,
) -> Result<(Invitation, String)> {
    let (secret, hash) = new_secret("inv")?;
    let expires = Timestamp::from_jiff(
        store.now().jiff() + jiff::SignedDuration::from_hours(24 * INVITATION_DAYS),
    );
    let inv = store
        .create_invitation(actor, email, display_name, role, party, &hash, expires)
        .await?;
    Ok((inv, secret))
}

/// Accepts an invitation. An address that already has an account proves it with that
/// account's password; a new address sets its password here (under the policy).
pub async fn accept_invitation(store: &Store, token: &str, password: &str) -> Result<UserId> {
    let hash_of_token = hash_secret(token.trim());
    let Some(pending) = store.pending_invitation(&hash_of_token).await? else {
        return Err(entente_domain::ValidationError::new(
            "token",
            "this invitation is unknown, used or expired",
        )
        .into());
    };
    let new_hash = match &pending.account {
        Some((_, phc)) => {
            if !verify_password_off_thread(password, phc).await? {
                return Err(CoreError::Unauthorized(
                    "the password is not the one of the account with this e-mail".into(),
                ));
            }
            None
        }
        None => Some(hash_new_password(password, &pending.invitation.email).await?),
    };
    let user = store
        .accept_invitation(&hash_of_token, new_hash.as_deref())
        .await?;
    tracing::info!(user.id = %user, organisation.id = %pending.org, "invitation accepted");
    Ok(user)
}
