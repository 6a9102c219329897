//! Member lifecycle: password changes and single-use reset links, disabling and removing
//! members (their access ends at once, their duties are handed over), invitations that the
//! invited person accepts.

use crate::account::role_of;
use crate::row::{parse_id, ts};
use crate::{Actor, Result, Store, StoreError, Tx, audit};
use entente_domain::access::Role;
use entente_domain::{OrganisationId, PartyId, Timestamp, UserId, ValidationError};
use serde::Serialize;
use sqlx::Row;

/// What removing a member handed over, and to whom.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Handover {
    /// The removed member's e-mail.
    pub removed: String,
    /// Who took over (none: ownerships were cleared and watches dropped).
    pub handed_to: Option<String>,
    /// Agreements whose owner changed.
    pub agreements: Vec<String>,
    /// Obligations whose owner changed.
    pub obligations: u64,
    /// Agreements on which the watch moved (or was dropped).
    pub watches: Vec<String>,
    /// Sessions ended.
    pub sessions_ended: u64,
    /// API tokens revoked.
    pub tokens_revoked: u64,
    /// Calendar feeds deleted.
    pub feeds_deleted: u64,
    /// Per-agreement grants withdrawn.
    pub grants_withdrawn: u64,
}

/// An invitation as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Invitation {
    /// Id.
    pub id: String,
    /// Who is invited.
    pub email: String,
    /// Display name for a new account.
    pub display_name: String,
    /// Role on acceptance.
    pub role: Role,
    /// For counterparty users: their party.
    pub party_id: Option<PartyId>,
    /// The link stops working then.
    pub expires_at: Timestamp,
    /// Who invited.
    pub created_by: String,
}

/// A valid invitation behind a link, with what acceptance needs.
#[derive(Debug, Clone)]
pub struct PendingInvitation {
    /// The invitation.
    pub invitation: Invitation,
    /// Its organisation.
    pub org: OrganisationId,
    /// The invited e-mail's account, if one exists (its password then proves the acceptance).
    pub account: Option<(UserId, String)>,
}

async fn end_access(tx: &mut Tx, org: OrganisationId, user: UserId) -> Result<(u64, u64)> {
    let sessions =
        sqlx::query("delete from user_session where user_id = $1 and organisation_id = $2")
            .bind(user.to_string())
            .bind(org.to_string())
            .execute(&mut **tx)
            .await?
            .rows_affected();
    let tokens = sqlx::query(
        "update api_token set revoked_at = $1, updated_at = $1 where user_id = $2 and organisation_id = $3 and revoked_at is null",
    )
    .bind(tx.now_text())
    .bind(user.to_string())
    .bind(org.to_string())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok((sessions, tokens))
}

/// The member's e-mail and role in the actor's organisation, or not found.
async fn member_row(tx: &mut Tx, actor: &Actor, user: UserId) -> Result<(String, Role)> {
    let r = sqlx::query(
        "select u.email, m.role from membership m join app_user u on u.user_id = m.user_id \
         where m.organisation_id = $1 and m.user_id = $2",
    )
    .bind(actor.org.to_string())
    .bind(user.to_string())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::not_found("user", user))?;
    Ok((
        r.try_get("email")?,
        role_of(&r.try_get::<String, _>("role")?)?,
    ))
}

/// Refuses to take the last active administrator away: the tenant would be unmanageable.
async fn keep_an_admin(tx: &mut Tx, actor: &Actor, user: UserId) -> Result<()> {
    let others: i64 = sqlx::query_scalar(
        "select count(*) from membership where organisation_id = $1 and role = 'admin' and disabled_at is null and user_id <> $2",
    )
    .bind(actor.org.to_string())
    .bind(user.to_string())
    .fetch_one(&mut **tx)
    .await?;
    if others == 0 {
        return Err(StoreError::Conflict(
            "this is the organisation's last active administrator; make another member admin first"
                .into(),
        ));
    }
    Ok(())
}

impl Store {
    /// Sets a user's password hash and ends their sessions except `keep` (the session that
    /// asked, when it was a session); returns how many sessions ended.
    pub async fn set_password(
        &self,
        actor: &Actor,
        user: UserId,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "update app_user set password_hash = $1, updated_at = $2 where user_id = $3",
        )
        .bind(password_hash)
        .bind(self.now_text())
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("user", user));
        }
        let ended =
            sqlx::query("delete from user_session where user_id = $1 and session_hash <> $2")
                .bind(user.to_string())
                .bind(keep.unwrap_or_default())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        audit::append(
            &mut tx,
            actor,
            "password.change",
            "user",
            &user.to_string(),
            None,
            serde_json::json!({ "sessions_ended": ended }),
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// The current password hash of a user.
    pub async fn password_hash(&self, user: UserId) -> Result<String> {
        sqlx::query_scalar("select password_hash from app_user where user_id = $1")
            .bind(user.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("user", user))
    }

    /// Stores a single-use reset link (its hash) for a member of the actor's organisation,
    /// replacing any earlier unused one; returns the member's e-mail.
    pub async fn create_password_reset(
        &self,
        actor: &Actor,
        user: UserId,
        token_hash: &str,
        expires_at: Timestamp,
    ) -> Result<String> {
        let mut tx = self.begin().await?;
        let (email, _) = member_row(&mut tx, actor, user).await?;
        let now = self.now_text();
        sqlx::query("delete from password_reset where user_id = $1 and used_at is null")
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into password_reset (token_hash, user_id, expires_at, used_at, created_by, created_at, updated_at) \
             values ($1, $2, $3, null, $4, $5, $5)",
        )
        .bind(token_hash)
        .bind(user.to_string())
        .bind(expires_at.to_string())
        .bind(&actor.name)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            "password.reset_link",
            "user",
            &user.to_string(),
            None,
            serde_json::json!({ "expires_at": expires_at.to_string() }),
        )
        .await?;
        tx.commit().await?;
        Ok(email)
    }

    /// The account a reset link is for, if the link is known, unused and unexpired.
    pub async fn password_reset_target(
        &self,
        token_hash: &str,
    ) -> Result<Option<(UserId, String)>> {
        let r = sqlx::query(
            "select r.user_id, r.expires_at, r.used_at, u.email from password_reset r join app_user u on u.user_id = r.user_id \
             where r.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        let used: Option<String> = r.try_get("used_at")?;
        let expires = ts(&r.try_get::<String, _>("expires_at")?)?;
        if used.is_some() || expires <= self.now() {
            return Ok(None);
        }
        Ok(Some((
            parse_id(&r.try_get::<String, _>("user_id")?)?,
            r.try_get("email")?,
        )))
    }

    /// Uses a reset link: sets the password and ends every session of the account, once. The
    /// event goes into the trail of each organisation the account belongs to.
    pub async fn complete_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let now = self.now_text();
        let user: Option<String> = sqlx::query_scalar(
            "update password_reset set used_at = $1, updated_at = $1 where token_hash = $2 and used_at is null \
             and expires_at > $1 returning user_id",
        )
        .bind(&now)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user) = user else {
            return Err(ValidationError::new(
                "token",
                "this reset link is unknown, used or expired",
            )
            .into());
        };
        sqlx::query("update app_user set password_hash = $1, updated_at = $2 where user_id = $3")
            .bind(password_hash)
            .bind(&now)
            .bind(&user)
            .execute(&mut *tx)
            .await?;
        let ended = sqlx::query("delete from user_session where user_id = $1")
            .bind(&user)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let orgs: Vec<String> =
            sqlx::query_scalar("select organisation_id from membership where user_id = $1")
                .bind(&user)
                .fetch_all(&mut *tx)
                .await?;
        for org in orgs {
            let actor = Actor::new(parse_id(&org)?, "password reset link");
            audit::append(
                &mut tx,
                &actor,
                "password.reset",
                "user",
                &user,
                None,
                serde_json::json!({ "sessions_ended": ended }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Disables (or enables again) a member: a disabled member cannot sign in, and their
    /// sessions and tokens in this organisation end at once.
    pub async fn set_member_disabled(
        &self,
        actor: &Actor,
        user: UserId,
        disabled: bool,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let (email, role) = member_row(&mut tx, actor, user).await?;
        if disabled && role == Role::Admin {
            keep_an_admin(&mut tx, actor, user).await?;
        }
        let now = self.now_text();
        sqlx::query("update membership set disabled_at = $1, updated_at = $2 where organisation_id = $3 and user_id = $4")
            .bind(disabled.then_some(now.clone()))
            .bind(&now)
            .bind(actor.org.to_string())
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?;
        let (sessions, tokens) = if disabled {
            end_access(&mut tx, actor.org, user).await?
        } else {
            (0, 0)
        };
        audit::append(
            &mut tx,
            actor,
            if disabled { "member.disable" } else { "member.enable" },
            "user",
            &user.to_string(),
            None,
            serde_json::json!({ "email": email, "sessions_ended": sessions, "tokens_revoked": tokens }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member from the actor's organisation: sessions and tokens end, grants and
    /// calendar feeds go, and the agreements and obligations they own and the agreements they
    /// watch pass to `handover_to` (a member of the organisation), or lose their owner.
    pub async fn remove_member(
        &self,
        actor: &Actor,
        user: UserId,
        handover_to: Option<UserId>,
    ) -> Result<Handover> {
        let mut tx = self.begin().await?;
        let (email, role) = member_row(&mut tx, actor, user).await?;
        if role == Role::Admin {
            keep_an_admin(&mut tx, actor, user).await?;
        }
        let heir = match handover_to {
            Some(h) if h == user => {
                return Err(ValidationError::new(
                    "handover_to",
                    "cannot hand over to the member being removed",
                )
                .into());
            }
            Some(h) => Some(
                member_row(&mut tx, actor, h)
                    .await
                    .map_err(|_| {
                        ValidationError::new(
                            "handover_to",
                            format!("{h} is not a member of this organisation"),
                        )
                    })?
                    .0,
            ),
            None => None,
        };
        let org = actor.org.to_string();
        let now = self.now_text();
        let (sessions_ended, tokens_revoked) = end_access(&mut tx, actor.org, user).await?;
        let agreements: Vec<String> = sqlx::query_scalar(
            "select agreement_id from agreement where organisation_id = $1 and owner = $2 order by agreement_id",
        )
        .bind(&org)
        .bind(&email)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("update agreement set owner = $1, updated_at = $2 where organisation_id = $3 and owner = $4")
            .bind(heir.as_deref())
            .bind(&now)
            .bind(&org)
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        let obligations = sqlx::query("update obligation set owner = $1, updated_at = $2 where organisation_id = $3 and owner = $4")
            .bind(heir.as_deref())
            .bind(&now)
            .bind(&org)
            .bind(&email)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("update deadline set owner = $1, updated_at = $2 where organisation_id = $3 and owner = $4")
            .bind(heir.as_deref())
            .bind(&now)
            .bind(&org)
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        let watches: Vec<String> = sqlx::query_scalar(
            "select agreement_id from watcher where organisation_id = $1 and email = $2 order by agreement_id",
        )
        .bind(&org)
        .bind(&email)
        .fetch_all(&mut *tx)
        .await?;
        if let Some(h) = &heir {
            sqlx::query(
                "insert into watcher (agreement_id, organisation_id, email, created_at, updated_at) \
                 select agreement_id, organisation_id, $1, $2, $2 from watcher where organisation_id = $3 and email = $4 \
                 on conflict (agreement_id, email) do nothing",
            )
            .bind(h)
            .bind(&now)
            .bind(&org)
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("delete from watcher where organisation_id = $1 and email = $2")
            .bind(&org)
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        let feeds_deleted = sqlx::query(
            "delete from calendar_feed where organisation_id = $1 and owner_user_id = $2",
        )
        .bind(&org)
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let grants_withdrawn =
            sqlx::query("delete from agreement_access where organisation_id = $1 and user_id = $2")
                .bind(&org)
                .bind(user.to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        sqlx::query("delete from membership where organisation_id = $1 and user_id = $2")
            .bind(&org)
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?;
        let report = Handover {
            removed: email,
            handed_to: heir,
            agreements,
            obligations,
            watches,
            sessions_ended,
            tokens_revoked,
            feeds_deleted,
            grants_withdrawn,
        };
        audit::append(
            &mut tx,
            actor,
            "member.remove",
            "user",
            &user.to_string(),
            None,
            serde_json::to_value(&report).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Invites `email` into the actor's organisation with `role` (replacing an earlier pending
    /// invitation of the same address). The answer is the same whether or not the address has
    /// an account elsewhere; only a current member of this organisation is a conflict.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_invitation(
        &self,
        actor: &Actor,
        email: &str,
        display_name: &str,
        role: Role,
        party_id: Option<PartyId>,
        token_hash: &str,
        expires_at: Timestamp,
    ) -> Result<Invitation> {
        let email = entente_domain::agreement::parse_owner(email).map_err(|e| e.within("email"))?;
        if role == Role::Counterparty && party_id.is_none() {
            return Err(ValidationError::new(
                "party_id",
                "a counterparty user must be linked to a party",
            )
            .into());
        }
        let mut tx = self.begin().await?;
        if let Some(p) = party_id {
            crate::account::check_party(&mut tx, actor, p).await?;
        }
        let member: Option<String> = sqlx::query_scalar(
            "select m.user_id from membership m join app_user u on u.user_id = m.user_id where m.organisation_id = $1 and u.email = $2",
        )
        .bind(actor.org.to_string())
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
        if member.is_some() {
            return Err(StoreError::Conflict(
                "this user is already a member of the organisation".into(),
            ));
        }
        sqlx::query("delete from invitation where organisation_id = $1 and email = $2 and accepted_at is null")
            .bind(actor.org.to_string())
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now_text();
        let name = match display_name.trim() {
            "" => email.clone(),
            n => n.to_owned(),
        };
        sqlx::query(
            "insert into invitation (invitation_id, organisation_id, email, display_name, role, party_id, token_hash, expires_at, \
             accepted_at, created_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, null, $9, $10, $10)",
        )
        .bind(&id)
        .bind(actor.org.to_string())
        .bind(&email)
        .bind(&name)
        .bind(role.as_str())
        .bind(party_id.map(|p| p.to_string()))
        .bind(token_hash)
        .bind(expires_at.to_string())
        .bind(&actor.name)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            "member.invite",
            "invitation",
            &id,
            None,
            serde_json::json!({ "email": email, "role": role.as_str(), "party_id": party_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(Invitation {
            id,
            email,
            display_name: name,
            role,
            party_id,
            expires_at,
            created_by: actor.name.clone(),
        })
    }

    /// Pending (unaccepted, unexpired) invitations of the actor's organisation.
    pub async fn list_invitations(&self, actor: &Actor) -> Result<Vec<Invitation>> {
        let rows = sqlx::query(
            "select invitation_id, email, display_name, role, party_id, expires_at, created_by from invitation \
             where organisation_id = $1 and accepted_at is null and expires_at > $2 order by created_at",
        )
        .bind(actor.org.to_string())
        .bind(self.now_text())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(invitation_of).collect()
    }

    /// Withdraws a pending invitation.
    pub async fn revoke_invitation(&self, actor: &Actor, id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("delete from invitation where organisation_id = $1 and invitation_id = $2 and accepted_at is null")
            .bind(actor.org.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("invitation", id));
        }
        audit::append(
            &mut tx,
            actor,
            "member.invite_revoke",
            "invitation",
            id,
            None,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The pending invitation behind a link, if it is valid.
    pub async fn pending_invitation(&self, token_hash: &str) -> Result<Option<PendingInvitation>> {
        let r = sqlx::query(
            "select invitation_id, organisation_id, email, display_name, role, party_id, expires_at, created_by from invitation \
             where token_hash = $1 and accepted_at is null and expires_at > $2",
        )
        .bind(token_hash)
        .bind(self.now_text())
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        let invitation = invitation_of(&r)?;
        let account = sqlx::query("select user_id, password_hash from app_user where email = $1")
            .bind(&invitation.email)
            .fetch_optional(&self.pool)
            .await?
            .map(|a| -> Result<(UserId, String)> {
                Ok((
                    parse_id(&a.try_get::<String, _>("user_id")?)?,
                    a.try_get("password_hash")?,
                ))
            })
            .transpose()?;
        Ok(Some(PendingInvitation {
            invitation,
            org: parse_id(&r.try_get::<String, _>("organisation_id")?)?,
            account,
        }))
    }

    /// Accepts an invitation once: creates the account when `new_password_hash` is given (the
    /// address had none), and the membership. Returns the user.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        new_password_hash: Option<&str>,
    ) -> Result<UserId> {
        let mut tx = self.begin().await?;
        let now = self.now_text();
        let r = sqlx::query(
            "update invitation set accepted_at = $1, updated_at = $1 where token_hash = $2 and accepted_at is null and expires_at > $1 \
             returning invitation_id, organisation_id, email, display_name, role, party_id",
        )
        .bind(&now)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| ValidationError::new("token", "this invitation is unknown, used or expired"))?;
        let email: String = r.try_get("email")?;
        let org: OrganisationId = parse_id(&r.try_get::<String, _>("organisation_id")?)?;
        let existing: Option<String> =
            sqlx::query_scalar("select user_id from app_user where email = $1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
        let user = match (existing, new_password_hash) {
            (Some(id), None) => parse_id(&id)?,
            (None, Some(hash)) => {
                let id = UserId::new();
                sqlx::query(
                    "insert into app_user (user_id, email, display_name, password_hash, failed_logins, created_at, updated_at) \
                     values ($1, $2, $3, $4, 0, $5, $5)",
                )
                .bind(id.to_string())
                .bind(&email)
                .bind(r.try_get::<String, _>("display_name")?)
                .bind(hash)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                id
            }
            // The account appeared or vanished since the link was opened: ask again.
            _ => {
                return Err(StoreError::Conflict(
                    "the invitation changed; open the link again".into(),
                ));
            }
        };
        let role: String = r.try_get("role")?;
        let party: Option<String> = r.try_get("party_id")?;
        sqlx::query(
            "insert into membership (user_id, organisation_id, role, party_id, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)",
        )
        .bind(user.to_string())
        .bind(org.to_string())
        .bind(&role)
        .bind(party)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "this user is already a member of the organisation"))?;
        let id: String = r.try_get("invitation_id")?;
        audit::append(
            &mut tx,
            &Actor::new(org, email.clone()),
            "member.join",
            "user",
            &user.to_string(),
            None,
            serde_json::json!({ "invitation": id, "role": role }),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }
}

fn invitation_of(r: &sqlx::any::AnyRow) -> Result<Invitation> {
    let party: Option<String> = r.try_get("party_id")?;
    Ok(Invitation {
        id: r.try_get("invitation_id")?,
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        role: role_of(&r.try_get::<String, _>("role")?)?,
        party_id: party.map(|p| parse_id(&p)).transpose()?,
        expires_at: ts(&r.try_get::<String, _>("expires_at")?)?,
        created_by: r.try_get("created_by")?,
    })
}
