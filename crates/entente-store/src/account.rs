//! Accounts: users and their role per organisation, login bookkeeping (failures, lockout),
//! sessions and API tokens stored only as hashes, per-agreement grants, first-run setup.

use crate::row::{parse_id, ts};
use crate::{Actor, Result, Store, StoreError, Visibility, audit};
use entente_domain::access::Role;
use entente_domain::{AgreementId, OrganisationId, PartyId, Timestamp, UserId, ValidationError};
use serde::Serialize;
use sqlx::Row;

/// A user's membership as seen by administrators.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Member {
    /// User id.
    pub user_id: UserId,
    /// E-mail (login name).
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role in this organisation.
    pub role: Role,
    /// For counterparty users: their party.
    pub party_id: Option<PartyId>,
    /// Whether the member's access is disabled (sign-in, sessions and tokens refused).
    pub disabled: bool,
}

/// What login needs to know about an account.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    /// User id.
    pub user_id: UserId,
    /// E-mail.
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Active memberships (disabled ones are left out): organisation, its slug, role, party.
    pub memberships: Vec<(OrganisationId, String, Role, Option<PartyId>)>,
}

/// An organisation a person belongs to, for choosing which one to work in.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Affiliation {
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// Its slug (what sign-in and switching take).
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The person's role there.
    pub role: Role,
    /// For counterparty users: their party there.
    #[serde(skip)]
    pub party_id: Option<PartyId>,
}

/// A live session or token, resolved to the caller it stands for.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user.
    pub user_id: UserId,
    /// Their e-mail.
    pub email: String,
    /// The organisation acted in.
    pub org: OrganisationId,
    /// Role (for tokens: the token's role, never above the owner's).
    pub role: Role,
    /// Counterparty party.
    pub party_id: Option<PartyId>,
    /// Session: the CSRF token state-changing requests must echo.
    pub csrf: Option<String>,
    /// Session: last activity; token: last use.
    pub last_seen: Option<Timestamp>,
    /// Token: its id and name.
    pub token: Option<(String, String)>,
    /// Token: its owner's role. What a token sees depends on its role, so it sees only what
    /// both its role and its owner's role see (a counterparty's viewer token stays on the
    /// counterparty's agreements).
    pub owner_role: Option<Role>,
}

impl Principal {
    /// The store actor for this principal, with the visibility its role implies.
    pub fn actor(&self) -> Actor {
        let name = match &self.token {
            Some((_, n)) => format!("{} (token {n})", self.email),
            None => self.email.clone(),
        };
        let own = self.role_visibility(self.role);
        let visibility = match self.owner_role {
            Some(owner) => own.and(self.role_visibility(owner)),
            None => own,
        };
        Actor {
            org: self.org,
            name,
            visibility,
        }
    }

    /// What this user would see acting with `role`.
    fn role_visibility(&self, role: Role) -> Visibility {
        match role {
            Role::Admin | Role::Legal => Visibility::All,
            Role::Procurement | Role::Viewer => Visibility::Unrestricted(self.user_id),
            Role::BusinessOwner => Visibility::Owned(self.user_id, self.email.clone()),
            // A counterparty user without a party sees nothing: a party no agreement has.
            Role::Counterparty => Visibility::Party(self.party_id.unwrap_or_default()),
        }
    }
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Owner's e-mail.
    pub owner: String,
    /// Role it acts with.
    pub role: Role,
    /// Expiry.
    pub expires_at: Option<Timestamp>,
    /// Revocation time.
    pub revoked_at: Option<Timestamp>,
    /// Last use.
    pub last_used_at: Option<Timestamp>,
}

fn role(s: &str) -> Result<Role> {
    Role::parse(s).map_err(|e| StoreError::Corrupt(e.message))
}

/// A stored role.
pub(crate) fn role_of(s: &str) -> Result<Role> {
    role(s)
}

fn opt_ts(s: Option<String>) -> Result<Option<Timestamp>> {
    s.map(|t| ts(&t)).transpose()
}

impl Store {
    /// Number of user accounts in the installation.
    pub async fn count_users(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("select count(*) from app_user")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    /// Adds a user to the actor's organisation with a role, creating the account if the
    /// e-mail is new (the password hash is then required).
    pub async fn add_member(
        &self,
        actor: &Actor,
        email: &str,
        display_name: &str,
        password_hash: Option<&str>,
        role: Role,
        party_id: Option<PartyId>,
    ) -> Result<UserId> {
        let email = entente_domain::agreement::parse_owner(email).map_err(|e| e.within("email"))?;
        if role == Role::Counterparty && party_id.is_none() {
            return Err(ValidationError::new(
                "party_id",
                "a counterparty user must be linked to a party",
            )
            .into());
        }
        let mut tx = self.begin().await?;
        let user_id = insert_member(
            &mut tx,
            actor,
            &email,
            display_name,
            password_hash,
            role,
            party_id,
        )
        .await?;
        tx.commit().await?;
        Ok(user_id)
    }

    /// Members of the actor's organisation.
    pub async fn list_members(&self, actor: &Actor) -> Result<Vec<Member>> {
        let rows = sqlx::query(
            "select u.user_id, u.email, u.display_name, m.role, m.party_id, m.disabled_at from membership m \
             join app_user u on u.user_id = m.user_id where m.organisation_id = $1 order by u.email",
        )
        .bind(actor.org.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let party: Option<String> = r.try_get("party_id")?;
                Ok(Member {
                    user_id: parse_id(&r.try_get::<String, _>("user_id")?)?,
                    email: r.try_get("email")?,
                    display_name: r.try_get("display_name")?,
                    role: role(&r.try_get::<String, _>("role")?)?,
                    party_id: party.map(|p| parse_id(&p)).transpose()?,
                    disabled: r.try_get::<Option<String>, _>("disabled_at")?.is_some(),
                })
            })
            .collect()
    }

    /// Changes a member's role.
    pub async fn set_member_role(&self, actor: &Actor, user: UserId, new_role: Role) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("update membership set role = $1, updated_at = $2 where organisation_id = $3 and user_id = $4")
            .bind(new_role.as_str())
            .bind(self.now_text())
            .bind(actor.org.to_string())
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("user", user));
        }
        audit::append(
            &mut tx,
            actor,
            "member.role",
            "user",
            &user.to_string(),
            None,
            serde_json::json!({ "role": new_role.as_str() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account behind an e-mail, for login.
    pub async fn login_record(&self, email: &str) -> Result<Option<LoginRecord>> {
        let email = email.trim().to_lowercase();
        let row =
            sqlx::query("select user_id, email, password_hash from app_user where email = $1")
                .bind(&email)
                .fetch_optional(&self.pool)
                .await?;
        let Some(r) = row else { return Ok(None) };
        let user_id: UserId = parse_id(&r.try_get::<String, _>("user_id")?)?;
        let ms = sqlx::query(
            "select m.organisation_id, o.slug, m.role, m.party_id from membership m join organisation o \
             on o.organisation_id = m.organisation_id where m.user_id = $1 and m.disabled_at is null order by o.slug",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let memberships = ms
            .iter()
            .map(|m| {
                let party: Option<String> = m.try_get("party_id")?;
                Ok((
                    parse_id(&m.try_get::<String, _>("organisation_id")?)?,
                    m.try_get::<String, _>("slug")?,
                    role(&m.try_get::<String, _>("role")?)?,
                    party.map(|p| parse_id(&p)).transpose()?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(LoginRecord {
            user_id,
            email: r.try_get("email")?,
            password_hash: r.try_get("password_hash")?,
            memberships,
        }))
    }

    /// Starts a session after a successful login; `details` go into its audit event.
    pub async fn create_session(
        &self,
        actor: &Actor,
        user: UserId,
        session_hash: &str,
        csrf: &str,
        expires_at: Timestamp,
        details: serde_json::Value,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let now = self.now_text();
        sqlx::query(
            "insert into user_session (session_hash, user_id, organisation_id, csrf_token, last_seen_at, expires_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $5, $5)",
        )
        .bind(session_hash)
        .bind(user.to_string())
        .bind(actor.org.to_string())
        .bind(csrf)
        .bind(&now)
        .bind(expires_at.to_string())
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            "session.login",
            "user",
            &user.to_string(),
            None,
            details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The principal behind a live session (absolute expiry checked; idle time is the caller's rule).
    pub async fn session_principal(&self, session_hash: &str) -> Result<Option<Principal>> {
        let row = sqlx::query(
            "select s.user_id, u.email, s.organisation_id, m.role, m.party_id, s.csrf_token, s.last_seen_at, s.expires_at \
             from user_session s join app_user u on u.user_id = s.user_id \
             join membership m on m.user_id = s.user_id and m.organisation_id = s.organisation_id \
             where s.session_hash = $1 and m.disabled_at is null",
        )
        .bind(session_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let expires = ts(&r.try_get::<String, _>("expires_at")?)?;
        if expires <= self.now() {
            return Ok(None);
        }
        let party: Option<String> = r.try_get("party_id")?;
        Ok(Some(Principal {
            user_id: parse_id(&r.try_get::<String, _>("user_id")?)?,
            email: r.try_get("email")?,
            org: parse_id(&r.try_get::<String, _>("organisation_id")?)?,
            role: role(&r.try_get::<String, _>("role")?)?,
            party_id: party.map(|p| parse_id(&p)).transpose()?,
            csrf: Some(r.try_get("csrf_token")?),
            last_seen: Some(ts(&r.try_get::<String, _>("last_seen_at")?)?),
            token: None,
            owner_role: None,
        }))
    }

    /// The organisations `user` is an active member of, by slug.
    pub async fn user_organisations(&self, user: UserId) -> Result<Vec<Affiliation>> {
        let rows = sqlx::query(
            "select m.organisation_id, o.slug, o.name, m.role, m.party_id from membership m join organisation o \
             on o.organisation_id = m.organisation_id where m.user_id = $1 and m.disabled_at is null order by o.slug",
        )
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|m| {
                let party: Option<String> = m.try_get("party_id")?;
                Ok(Affiliation {
                    organisation_id: parse_id(&m.try_get::<String, _>("organisation_id")?)?,
                    slug: m.try_get("slug")?,
                    name: m.try_get("name")?,
                    role: role(&m.try_get::<String, _>("role")?)?,
                    party_id: party.map(|p| parse_id(&p)).transpose()?,
                })
            })
            .collect()
    }

    /// Moves a session to another organisation, in one transaction: the old session ends
    /// and a new one (new secret and CSRF token, the old one's absolute expiry) starts in
    /// `to`'s organisation. Both organisations' trails record the move. A new secret, not an
    /// updated row, so a copy of the old cookie cannot follow the person into the other
    /// tenant.
    pub async fn switch_session(
        &self,
        from: &Actor,
        to: &Actor,
        user: UserId,
        old_hash: &str,
        new_hash: &str,
        csrf: &str,
    ) -> Result<Timestamp> {
        let mut tx = self.begin().await?;
        let expires: Option<String> = sqlx::query_scalar(
            "select expires_at from user_session where session_hash = $1 and user_id = $2 and organisation_id = $3",
        )
        .bind(old_hash)
        .bind(user.to_string())
        .bind(from.org.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(expires) = expires else {
            return Err(StoreError::NotFound {
                entity: "session",
                id: "current".into(),
            });
        };
        sqlx::query("delete from user_session where session_hash = $1")
            .bind(old_hash)
            .execute(&mut *tx)
            .await?;
        let now = self.now_text();
        sqlx::query(
            "insert into user_session (session_hash, user_id, organisation_id, csrf_token, last_seen_at, expires_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $5, $5)",
        )
        .bind(new_hash)
        .bind(user.to_string())
        .bind(to.org.to_string())
        .bind(csrf)
        .bind(&now)
        .bind(&expires)
        .execute(&mut *tx)
        .await?;
        let id = user.to_string();
        let mut events = vec![(
            to,
            "session.switched",
            serde_json::json!({ "from": from.org.to_string() }),
        )];
        if from.org != to.org {
            events.push((
                from,
                "session.switched_away",
                serde_json::json!({ "to": to.org.to_string() }),
            ));
        }
        // Each trail's head is locked as it is appended to: always in the same order, so two
        // people switching in opposite directions cannot deadlock.
        events.sort_by_key(|e| e.0.org.to_string());
        for (actor, action, details) in events {
            audit::append(&mut tx, actor, action, "user", &id, None, details).await?;
        }
        tx.commit().await?;
        ts(&expires)
    }

    /// Marks session activity.
    pub async fn touch_session(&self, session_hash: &str) -> Result<()> {
        sqlx::query(
            "update user_session set last_seen_at = $1, updated_at = $1 where session_hash = $2",
        )
        .bind(self.now_text())
        .bind(session_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends one session.
    pub async fn end_session(&self, session_hash: &str) -> Result<()> {
        sqlx::query("delete from user_session where session_hash = $1")
            .bind(session_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of a user ("log out everywhere"); returns how many.
    pub async fn end_all_sessions(&self, actor: &Actor, user: UserId) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("delete from user_session where user_id = $1")
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        audit::append(
            &mut tx,
            actor,
            "session.logout_all",
            "user",
            &user.to_string(),
            None,
            serde_json::json!({ "sessions": n }),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Stores a new API token (its hash) acting as `role` for `user`.
    pub async fn create_token(
        &self,
        actor: &Actor,
        user: UserId,
        name: &str,
        token_hash: &str,
        role: Role,
        expires_at: Option<Timestamp>,
    ) -> Result<String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ValidationError::new("name", "must be 1 to 100 characters").into());
        }
        let id = uuid::Uuid::now_v7().to_string();
        let mut tx = self.begin().await?;
        let now = self.now_text();
        sqlx::query(
            "insert into api_token (api_token_id, organisation_id, user_id, name, token_hash, role, expires_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&id)
        .bind(actor.org.to_string())
        .bind(user.to_string())
        .bind(name)
        .bind(token_hash)
        .bind(role.as_str())
        .bind(expires_at.map(|t| t.to_string()))
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            "token.create",
            "api_token",
            &id,
            None,
            serde_json::json!({ "name": name, "role": role.as_str() }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Tokens of the actor's organisation; with `owner`, only that user's.
    pub async fn list_tokens(
        &self,
        actor: &Actor,
        owner: Option<UserId>,
    ) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(
            "select t.api_token_id, t.name, u.email, t.role, t.expires_at, t.revoked_at, t.last_used_at from api_token t \
             join app_user u on u.user_id = t.user_id where t.organisation_id = $1 and ($2 = '' or t.user_id = $2) \
             order by t.created_at",
        )
        .bind(actor.org.to_string())
        .bind(owner.map(|u| u.to_string()).unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get("api_token_id")?,
                    name: r.try_get("name")?,
                    owner: r.try_get("email")?,
                    role: role(&r.try_get::<String, _>("role")?)?,
                    expires_at: opt_ts(r.try_get("expires_at")?)?,
                    revoked_at: opt_ts(r.try_get("revoked_at")?)?,
                    last_used_at: opt_ts(r.try_get("last_used_at")?)?,
                })
            })
            .collect()
    }

    /// Revokes a token of the actor's organisation at once; with `owner`, only if it is
    /// that user's (another's token is then not found).
    pub async fn revoke_token(&self, actor: &Actor, id: &str, owner: Option<UserId>) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("update api_token set revoked_at = $1, updated_at = $1 where organisation_id = $2 and api_token_id = $3 \
             and revoked_at is null and ($4 = '' or user_id = $4)")
            .bind(self.now_text())
            .bind(actor.org.to_string())
            .bind(id)
            .bind(owner.map(|u| u.to_string()).unwrap_or_default())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("token", id));
        }
        audit::append(
            &mut tx,
            actor,
            "token.revoke",
            "api_token",
            id,
            None,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The principal behind a live, unrevoked, unexpired token of an active member. Its use is
    /// recorded: the last-use time and address, a `token.use` audit event at most once an
    /// hour per token, and a `token.new_address` event whenever it is used from an address
    /// other than the last one.
    pub async fn token_principal(
        &self,
        token_hash: &str,
        source: Option<&str>,
    ) -> Result<Option<Principal>> {
        let row = sqlx::query(
            "select t.api_token_id, t.name, t.user_id, u.email, t.organisation_id, t.role, m.role as member_role, m.party_id, \
             t.expires_at, t.revoked_at, t.last_used_at, t.last_used_from from api_token t join app_user u on u.user_id = t.user_id \
             join membership m on m.user_id = t.user_id and m.organisation_id = t.organisation_id \
             where t.token_hash = $1 and m.disabled_at is null",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let now = self.now().jiff();
        if r.try_get::<Option<String>, _>("revoked_at")?.is_some() {
            return Ok(None);
        }
        if opt_ts(r.try_get("expires_at")?)?.is_some_and(|e| e.jiff() <= now) {
            return Ok(None);
        }
        let token_role = role(&r.try_get::<String, _>("role")?)?;
        let member_role = role(&r.try_get::<String, _>("member_role")?)?;
        // A token never outranks its owner: if the owner was demoted, so is the token.
        let effective = if member_role.allows_all_of(token_role) {
            token_role
        } else {
            member_role
        };
        let party: Option<String> = r.try_get("party_id")?;
        let id: String = r.try_get("api_token_id")?;
        let last_used = opt_ts(r.try_get("last_used_at")?)?;
        let p = Principal {
            user_id: parse_id(&r.try_get::<String, _>("user_id")?)?,
            email: r.try_get("email")?,
            org: parse_id(&r.try_get::<String, _>("organisation_id")?)?,
            role: effective,
            party_id: party.map(|p| parse_id(&p)).transpose()?,
            csrf: None,
            last_seen: last_used,
            token: Some((id.clone(), r.try_get("name")?)),
            owner_role: Some(member_role),
        };
        let stale = last_used.is_none_or(|t| now.duration_since(t.jiff()).as_secs() >= 3600);
        let last_from: Option<String> = r.try_get("last_used_from")?;
        let moved = source.is_some_and(|s| last_from.as_deref() != Some(s));
        // The first use only records its address; a later change of address is the signal.
        let new_address = moved && last_from.is_some();
        if stale || moved {
            let mut tx = self.begin().await?;
            sqlx::query(
                "update api_token set last_used_at = $1, updated_at = $1, last_used_from = coalesce($3, last_used_from) \
                 where api_token_id = $2",
            )
            .bind(self.now_text())
            .bind(&id)
            .bind(source)
            .execute(&mut *tx)
            .await?;
            if stale {
                audit::append(
                    &mut tx,
                    &p.actor(),
                    "token.use",
                    "api_token",
                    &id,
                    None,
                    serde_json::json!({ "source": source }),
                )
                .await?;
            }
            if new_address {
                audit::append(
                    &mut tx,
                    &p.actor(),
                    "token.new_address",
                    "api_token",
                    &id,
                    None,
                    serde_json::json!({ "source": source, "previous": last_from }),
                )
                .await?;
                tracing::info!(token.id = %id, client.address = source.unwrap_or("unknown"), "API token used from a new address");
            }
            tx.commit().await?;
        }
        Ok(Some(p))
    }

    /// Restricts an agreement to the given users (empty: open to every member again).
    pub async fn set_agreement_access(
        &self,
        actor: &Actor,
        id: AgreementId,
        users: &[UserId],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        crate::agreement::lock_agreement(&mut tx, actor, id).await?;
        for (i, u) in users.iter().enumerate() {
            let member: Option<String> = sqlx::query_scalar(
                "select user_id from membership where organisation_id = $1 and user_id = $2",
            )
            .bind(actor.org.to_string())
            .bind(u.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            if member.is_none() {
                return Err(ValidationError::new(
                    format!("user_ids[{i}]"),
                    format!("{u} is not a member of this organisation"),
                )
                .into());
            }
        }
        let now = self.now_text();
        sqlx::query("delete from agreement_access where agreement_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        for u in users {
            sqlx::query(
                "insert into agreement_access (agreement_id, user_id, organisation_id, created_at, updated_at) values ($1, $2, $3, $4, $4) \
                 on conflict (agreement_id, user_id) do nothing",
            )
            .bind(id.to_string())
            .bind(u.to_string())
            .bind(actor.org.to_string())
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            "agreement.access",
            "agreement",
            &id.to_string(),
            Some(id),
            serde_json::json!({
                "users": users.iter().map(ToString::to_string).collect::<Vec<_>>(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a one-time setup token (hash) for creating the first administrator.
    pub async fn create_setup_token(&self, token_hash: &str, expires_at: Timestamp) -> Result<()> {
        let now = self.now_text();
        sqlx::query("insert into setup_token (token_hash, expires_at, created_at, updated_at) values ($1, $2, $3, $3)")
            .bind(token_hash)
            .bind(expires_at.to_string())
            .bind(&now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether a setup link can still create the first administrator: known, unused,
    /// unexpired, and no user exists yet.
    pub async fn setup_token_valid(&self, token_hash: &str) -> Result<bool> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("select expires_at, used_at from setup_token where token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        let live = match &row {
            Some((exp, None)) => ts(exp)? > self.now(),
            _ => false,
        };
        Ok(live && self.count_users().await? == 0)
    }

    /// Uses a setup token to create the first administrator of `org`, all in one transaction:
    /// a bad e-mail or a lost race leaves the link usable and nothing created; fails if the
    /// token is unknown, used, expired, or if any user exists already.
    pub async fn complete_setup(
        &self,
        org: OrganisationId,
        token_hash: &str,
        email: &str,
        display_name: &str,
        password_hash: &str,
    ) -> Result<UserId> {
        let email = entente_domain::agreement::parse_owner(email).map_err(|e| e.within("email"))?;
        let mut tx = self.begin().await?;
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("select expires_at, used_at from setup_token where token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
        let valid = match &row {
            Some((exp, None)) => ts(exp)? > tx.now(),
            _ => false,
        };
        if !valid {
            return Err(ValidationError::new(
                "token",
                "this setup link is unknown, used or expired",
            )
            .into());
        }
        let users: i64 = sqlx::query_scalar("select count(*) from app_user")
            .fetch_one(&mut *tx)
            .await?;
        if users > 0 {
            return Err(StoreError::Conflict(
                "an administrator exists already; ask them for an account".into(),
            ));
        }
        let used = sqlx::query(
            "update setup_token set used_at = $1, updated_at = $1 where token_hash = $2 and used_at is null",
        )
        .bind(self.now_text())
        .bind(token_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if used == 0 {
            return Err(ValidationError::new("token", "this setup link is used").into());
        }
        let actor = Actor::new(org, "setup");
        let id = insert_member(
            &mut tx,
            &actor,
            &email,
            display_name,
            Some(password_hash),
            Role::Admin,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// Adds a user (creating the account if the e-mail is new; the hash is then required) to the
/// actor's organisation inside `tx`.
async fn insert_member(
    tx: &mut crate::Tx,
    actor: &Actor,
    email: &str,
    display_name: &str,
    password_hash: Option<&str>,
    role: Role,
    party_id: Option<PartyId>,
) -> Result<UserId> {
    if let Some(p) = party_id {
        check_party(tx, actor, p).await?;
    }
    let now = tx.now_text();
    let existing: Option<String> =
        sqlx::query_scalar("select user_id from app_user where email = $1")
            .bind(email)
            .fetch_optional(&mut **tx)
            .await?;
    let user_id = match existing {
        Some(id) => parse_id(&id)?,
        None => {
            let hash = password_hash
                .ok_or_else(|| ValidationError::new("password", "a new user needs a password"))?;
            let id = UserId::new();
            sqlx::query(
                "insert into app_user (user_id, email, display_name, password_hash, failed_logins, created_at, updated_at) \
                 values ($1, $2, $3, $4, 0, $5, $5)",
            )
            .bind(id.to_string())
            .bind(email)
            .bind(display_name.trim())
            .bind(hash)
            .bind(&now)
            .execute(&mut **tx)
            .await?;
            id
        }
    };
    sqlx::query(
        "insert into membership (user_id, organisation_id, role, party_id, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)",
    )
    .bind(user_id.to_string())
    .bind(actor.org.to_string())
    .bind(role.as_str())
    .bind(party_id.map(|p| p.to_string()))
    .bind(&now)
    .execute(&mut **tx)
    .await
    .map_err(|e| StoreError::on_unique(e, "this user is already a member of the organisation"))?;
    audit::append(
        tx,
        actor,
        "member.add",
        "user",
        &user_id.to_string(),
        None,
        serde_json::json!({
            "email": email, "role": role.as_str(), "party_id": party_id,
        }),
    )
    .await?;
    Ok(user_id)
}

/// Refuses a party that is not the actor's organisation's (a counterparty user's link).
pub(crate) async fn check_party(tx: &mut crate::Tx, actor: &Actor, p: PartyId) -> Result<()> {
    let found: Option<String> = sqlx::query_scalar(
        "select party_id from party where organisation_id = $1 and party_id = $2",
    )
    .bind(actor.org.to_string())
    .bind(p.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    if found.is_none() {
        return Err(
            ValidationError::new("party_id", format!("no party {p} in this organisation")).into(),
        );
    }
    Ok(())
}
