//! iCalendar feed subscriptions: one per person or per agreement, addressed by a secret
//! token (only its hash is stored) that can be rotated; the feed's deadlines.

use crate::row::parse_id;
use crate::schedule::{Deadline, DeadlineFilter};
use crate::secret::{feed_token, token_hash};
use crate::{Actor, Result, Store, StoreError, audit, now_text};
use entente_domain::{AgreementId, OrganisationId, ValidationError};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// Whose deadlines a feed carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum FeedScope {
    /// A person's deadlines: where they own the agreement or obligation, or watch it.
    User {
        /// Their e-mail.
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
    /// Who created it.
    pub created_by: String,
    /// Last rotation.
    pub rotated_at: Option<String>,
    /// Created.
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

impl Store {
    /// Creates a feed; returns it with its secret token (shown only now).
    pub async fn create_feed(
        &self,
        actor: &Actor,
        scope: &FeedScope,
    ) -> Result<(CalendarFeed, String)> {
        let (kind, subject) = match scope {
            FeedScope::User { email } => (
                "user",
                entente_domain::agreement::parse_owner(email).map_err(|e| e.within("email"))?,
            ),
            FeedScope::Agreement { agreement_id } => {
                self.get_agreement(actor, *agreement_id).await?;
                ("agreement", agreement_id.to_string())
            }
        };
        let id = uuid::Uuid::now_v7().to_string();
        let token = feed_token()?;
        let now = now_text();
        let mut tx = self.begin().await?;
        sqlx::query(
            "insert into calendar_feed (calendar_feed_id, organisation_id, scope, subject, token_hash, created_by, rotated_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, null, $7, $7)",
        )
        .bind(&id)
        .bind(actor.org.to_string())
        .bind(kind)
        .bind(&subject)
        .bind(token_hash(&token))
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
            serde_json::json!({ "scope": kind, "subject": subject }),
        )
        .await?;
        tx.commit().await?;
        Ok((
            CalendarFeed {
                id,
                scope: scope_of(kind, &subject)?,
                created_by: actor.name.clone(),
                rotated_at: None,
                created_at: now,
            },
            token,
        ))
    }

    /// Replaces a feed's token: the old URL stops working at once.
    pub async fn rotate_feed(&self, actor: &Actor, id: &str) -> Result<String> {
        let token = feed_token()?;
        let now = now_text();
        let mut tx = self.begin().await?;
        let n = sqlx::query("update calendar_feed set token_hash = $1, rotated_at = $2, updated_at = $2 where organisation_id = $3 and calendar_feed_id = $4")
            .bind(token_hash(&token))
            .bind(&now)
            .bind(actor.org.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
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
        tx.commit().await?;
        Ok(token)
    }

    /// Deletes a feed.
    pub async fn delete_feed(&self, actor: &Actor, id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "delete from calendar_feed where organisation_id = $1 and calendar_feed_id = $2",
        )
        .bind(actor.org.to_string())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
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

    /// The tenant's feeds.
    pub async fn list_feeds(&self, actor: &Actor) -> Result<Vec<CalendarFeed>> {
        let rows = sqlx::query("select calendar_feed_id, scope, subject, created_by, rotated_at, created_at from calendar_feed where organisation_id = $1 order by created_at")
            .bind(actor.org.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CalendarFeed {
                    id: r.try_get("calendar_feed_id")?,
                    scope: scope_of(
                        &r.try_get::<String, _>("scope")?,
                        &r.try_get::<String, _>("subject")?,
                    )?,
                    created_by: r.try_get("created_by")?,
                    rotated_at: r.try_get("rotated_at")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// The deadlines behind a feed token, or `NotFound` for an unknown (or rotated) token.
    /// The token is the credential, so this lookup is not tenant-scoped by an actor.
    pub async fn feed_deadlines(&self, token: &str) -> Result<(CalendarFeed, Vec<Deadline>)> {
        if token.len() != 43
            || !token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ValidationError::new("token", "is not a calendar feed token").into());
        }
        let r = sqlx::query("select calendar_feed_id, organisation_id, scope, subject, created_by, rotated_at, created_at from calendar_feed where token_hash = $1")
            .bind(token_hash(token))
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("calendar feed", "for this token"))?;
        let org: OrganisationId = parse_id(&r.try_get::<String, _>("organisation_id")?)?;
        let feed = CalendarFeed {
            id: r.try_get("calendar_feed_id")?,
            scope: scope_of(
                &r.try_get::<String, _>("scope")?,
                &r.try_get::<String, _>("subject")?,
            )?,
            created_by: r.try_get("created_by")?,
            rotated_at: r.try_get("rotated_at")?,
            created_at: r.try_get("created_at")?,
        };
        let actor = Actor::new(org, format!("calendar feed {}", feed.id));
        let filter = match &feed.scope {
            FeedScope::User { email } => DeadlineFilter {
                person: Some(email.clone()),
                limit: Some(10_000),
                ..Default::default()
            },
            FeedScope::Agreement { agreement_id } => DeadlineFilter {
                agreement_id: Some(agreement_id.to_string()),
                limit: Some(10_000),
                ..Default::default()
            },
        };
        let deadlines = self.list_deadlines(&actor, &filter).await?;
        Ok((feed, deadlines))
    }
}
