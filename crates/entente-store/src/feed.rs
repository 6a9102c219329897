//! iCalendar feed subscriptions: one per person or per agreement, addressed by a secret
//! token (only its hash is stored) that can be rotated; the feed's deadlines.
//!
//! Every feed has an owner, a member of its organisation. Only the owner or an administrator
//! lists, rotates or deletes it, and the deadlines it serves are filtered with the owner's
//! visibility as it is when the feed is read, so a restriction or a demotion takes effect on
//! the next download. A feed without an owner (made before owners were recorded) or whose
//! owner has left the organisation serves nothing.

use crate::row::parse_id;
use crate::schedule::Deadline;
use crate::secret::{feed_token, token_hash};
use crate::{Actor, Principal, Result, Store, StoreError, audit};
use entente_domain::access::Role;
use entente_domain::query::{DeadlineQuery, MAX_DEADLINE_ROWS};
use entente_domain::{AgreementId, OrganisationId, UserId, ValidationError};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Which of the tenant's feeds a caller may list, rotate and delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedAccess {
    /// Every feed (administrators).
    All,
    /// Only the feeds this member owns; others' feeds do not exist for them.
    Owner(UserId),
}

impl FeedAccess {
    /// The condition on table `calendar_feed` (owner, and for an agreement's feed that the
    /// actor sees the agreement) with parameters numbered from `n`, and their values. A feed
    /// of an agreement the actor may not see does not exist for them, even their own: its
    /// listing would name the agreement.
    fn condition(self, actor: &Actor, n: usize) -> (String, Vec<String>) {
        let mut out = String::new();
        let mut binds = Vec::new();
        if let Self::Owner(u) = self {
            out.push_str(&format!(" and owner_user_id = ${n}"));
            binds.push(u.to_string());
        }
        let (sees, sees_binds) = actor.sees_agreement("calendar_feed.subject", n + binds.len());
        out.push_str(&format!(" and (scope <> 'agreement' or {sees})"));
        binds.extend(sees_binds);
        (out, binds)
    }
}

/// Whose deadlines a feed carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum FeedScope {
    /// A person's deadlines: where they own the agreement or obligation, or watch it.
    User {
        /// Their e-mail.
        #[schema(value_type = entente_domain::schema::EmailAddress)]
        email: String,
    },
    /// Every deadline of one agreement.
    Agreement {
        /// The agreement.
        agreement_id: AgreementId,
    },
}

/// A calendar feed (the token is shown only when created or rotated).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalendarFeed {
    /// Identifier.
    pub id: String,
    /// Whose deadlines.
    pub scope: FeedScope,
    /// The member whose feed it is, and whose visibility it applies; none for feeds made
    /// before owners were recorded, which serve nothing.
    pub owner_id: Option<UserId>,
    /// Who created it.
    pub created_by: String,
    /// Last rotation.
    #[schema(format = DateTime)]
    pub rotated_at: Option<String>,
    /// Created.
    #[schema(format = DateTime)]
    pub created_at: String,
}

fn scope_of(scope: &str, subject: &str) -> Result<FeedScope> {
    match scope {
        "user" => Ok(FeedScope::User {
            email: subject.to_owned(),
        }),
        "agreement" => Ok(FeedScope::Agreement {
            agreement_id: parse_id(subject)?,
        }),
        other => Err(StoreError::Corrupt(format!("feed scope {other:?}"))),
    }
}

const FEED_COLUMNS: &str = "calendar_feed_id, organisation_id, scope, subject, owner_user_id, created_by, rotated_at, created_at";

fn feed_of(r: &AnyRow) -> Result<CalendarFeed> {
    let owner: Option<String> = r.try_get("owner_user_id")?;
    Ok(CalendarFeed {
        id: r.try_get("calendar_feed_id")?,
        scope: scope_of(
            &r.try_get::<String, _>("scope")?,
            &r.try_get::<String, _>("subject")?,
        )?,
        owner_id: owner.map(|o| parse_id(&o)).transpose()?,
        created_by: r.try_get("created_by")?,
        rotated_at: r.try_get("rotated_at")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Creates a feed for `creator`, a member of the actor's organisation; returns it with
    /// its secret token (shown only now). The creator owns it, except a person's feed made for
    /// another member (by an administrator): that member owns it, so it shows what they may
    /// see and they can rotate it.
    pub async fn create_feed(
        &self,
        actor: &Actor,
        creator: UserId,
        scope: &FeedScope,
    ) -> Result<(CalendarFeed, String)> {
        let (kind, subject, owner) = match scope {
            FeedScope::User { email } => {
                let email =
                    entente_domain::agreement::parse_owner(email).map_err(|e| e.within("email"))?;
                // Accounts store e-mails as `parse_owner` returns them: trimmed, lower case.
                let member: Option<String> = sqlx::query_scalar(
                    "select m.user_id from membership m join app_user u on u.user_id = m.user_id \
                     where m.organisation_id = $1 and u.email = $2",
                )
                .bind(actor.org.to_string())
                .bind(&email)
                .fetch_optional(&self.pool)
                .await?;
                let owner = match member {
                    Some(m) => parse_id(&m)?,
                    None => creator,
                };
                ("user", email, owner)
            }
            FeedScope::Agreement { agreement_id } => {
                self.get_agreement(actor, *agreement_id).await?;
                ("agreement", agreement_id.to_string(), creator)
            }
        };
        let id = uuid::Uuid::now_v7().to_string();
        let token = feed_token()?;
        let mut tx = self.begin().await?;
        let now = tx.now_text();
        sqlx::query(
            "insert into calendar_feed (calendar_feed_id, organisation_id, scope, subject, token_hash, owner_user_id, created_by, rotated_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, null, $8, $8)",
        )
        .bind(&id)
        .bind(actor.org.to_string())
        .bind(kind)
        .bind(&subject)
        .bind(token_hash(&token))
        .bind(owner.to_string())
        .bind(&actor.name)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            "calendar_feed.create",
            "calendar_feed",
            &id,
            None,
            serde_json::json!({ "scope": kind, "subject": subject, "owner": owner }),
        )
        .await?;
        tx.commit().await?;
        Ok((
            CalendarFeed {
                id,
                scope: scope_of(kind, &subject)?,
                owner_id: Some(owner),
                created_by: actor.name.clone(),
                rotated_at: None,
                created_at: now,
            },
            token,
        ))
    }

    /// Replaces the token of a feed the caller may manage: the old URL stops working at once.
    /// Returns the feed and its new token.
    pub async fn rotate_feed(
        &self,
        actor: &Actor,
        access: FeedAccess,
        id: &str,
    ) -> Result<(CalendarFeed, String)> {
        let token = feed_token()?;
        let now = self.now_text();
        let (cond, cond_binds) = access.condition(actor, 5);
        let sql = format!(
            "update calendar_feed set token_hash = $1, rotated_at = $2, updated_at = $2 \
             where organisation_id = $3 and calendar_feed_id = $4{cond}"
        );
        let mut tx = self.begin().await?;
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash(&token))
            .bind(&now)
            .bind(actor.org.to_string())
            .bind(id);
        for b in cond_binds {
            q = q.bind(b);
        }
        let n = q.execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("calendar feed", id));
        }
        audit::append(
            &mut tx,
            actor,
            "calendar_feed.rotate",
            "calendar_feed",
            id,
            None,
            serde_json::json!({}),
        )
        .await?;
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {FEED_COLUMNS} from calendar_feed where organisation_id = $1 and calendar_feed_id = $2"
        )))
        .bind(actor.org.to_string())
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let feed = feed_of(&r)?;
        tx.commit().await?;
        Ok((feed, token))
    }

    /// Deletes a feed the caller may manage.
    pub async fn delete_feed(&self, actor: &Actor, access: FeedAccess, id: &str) -> Result<()> {
        let (cond, cond_binds) = access.condition(actor, 3);
        let sql = format!(
            "delete from calendar_feed where organisation_id = $1 and calendar_feed_id = $2{cond}"
        );
        let mut tx = self.begin().await?;
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(actor.org.to_string())
            .bind(id);
        for b in cond_binds {
            q = q.bind(b);
        }
        let n = q.execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("calendar feed", id));
        }
        audit::append(
            &mut tx,
            actor,
            "calendar_feed.delete",
            "calendar_feed",
            id,
            None,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The feeds the caller may manage: all of the tenant's for administrators, otherwise
    /// the caller's own.
    pub async fn list_feeds(&self, actor: &Actor, access: FeedAccess) -> Result<Vec<CalendarFeed>> {
        let (cond, cond_binds) = access.condition(actor, 2);
        let sql = format!(
            "select {FEED_COLUMNS} from calendar_feed where organisation_id = $1{cond} order by created_at, calendar_feed_id"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(actor.org.to_string());
        for b in cond_binds {
            q = q.bind(b);
        }
        q.fetch_all(&self.pool).await?.iter().map(feed_of).collect()
    }

    /// The store actor of a feed's owner as they are now (role and party in the feed's
    /// organisation), or `None` when they are no longer an active member.
    async fn feed_owner_actor(&self, org: OrganisationId, owner: UserId) -> Result<Option<Actor>> {
        let Some(r) = sqlx::query(
            "select u.email, m.role, m.party_id from membership m join app_user u on u.user_id = m.user_id \
             where m.organisation_id = $1 and m.user_id = $2 and m.disabled_at is null",
        )
        .bind(org.to_string())
        .bind(owner.to_string())
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let party: Option<String> = r.try_get("party_id")?;
        let principal = Principal {
            user_id: owner,
            email: r.try_get("email")?,
            org,
            role: Role::parse(&r.try_get::<String, _>("role")?)
                .map_err(|e| StoreError::Corrupt(e.message))?,
            party_id: party.map(|p| parse_id(&p)).transpose()?,
            csrf: None,
            last_seen: None,
            token: None,
            owner_role: None,
        };
        Ok(Some(principal.actor()))
    }

    /// The deadlines behind a feed token, as its owner may see them now, or `NotFound` for an
    /// unknown (or rotated) token, a feed without a current member as owner, or an agreement
    /// feed whose agreement the owner can no longer open. The token is the credential, so
    /// this lookup is not tenant-scoped by an actor.
    pub async fn feed_deadlines(&self, token: &str) -> Result<(CalendarFeed, Vec<Deadline>)> {
        if token.len() != 43
            || !token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ValidationError::new("token", "is not a calendar feed token").into());
        }
        let not_found = || StoreError::not_found("calendar feed", "for this token");
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {FEED_COLUMNS} from calendar_feed where token_hash = $1"
        )))
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(not_found)?;
        let org: OrganisationId = parse_id(&r.try_get::<String, _>("organisation_id")?)?;
        let feed = feed_of(&r)?;
        // The owner's visibility now, not when the feed was made: a restriction, a demotion
        // or leaving the organisation takes effect on the next download. An ownerless or
        // orphaned feed answers like an unknown token, so nothing about it leaks.
        let owner = feed.owner_id.ok_or_else(not_found)?;
        let mut actor = self
            .feed_owner_actor(org, owner)
            .await?
            .ok_or_else(not_found)?;
        actor.name = format!("calendar feed {}", feed.id);
        if let FeedScope::Agreement { agreement_id } = &feed.scope {
            // An agreement its owner can no longer open: the feed is gone, not empty.
            self.get_agreement(&actor, *agreement_id)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound { .. } => not_found(),
                    other => other,
                })?;
        }
        let filter = match &feed.scope {
            FeedScope::User { email } => DeadlineQuery {
                person: Some(email.trim().to_lowercase()),
                limit: MAX_DEADLINE_ROWS,
                ..Default::default()
            },
            FeedScope::Agreement { agreement_id } => DeadlineQuery {
                agreement_id: Some(*agreement_id),
                limit: MAX_DEADLINE_ROWS,
                ..Default::default()
            },
        };
        let deadlines = self.list_deadlines(&actor, &filter).await?;
        Ok((feed, deadlines))
    }
}
