//! Alerts: raised once per (subject, due date, lead time) under a unique key, fanned out to
//! the in-app inbox and an outbox of e-mail and webhook deliveries that scheduler instances
//! claim with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), deliver, and log.

use crate::schedule::{Deadline, deadline_from_row, placeholders};
use crate::{Actor, Backend, Result, Store, StoreError, Tx, audit};
use entente_domain::alert::{AlertDraft, plan_alerts};
use entente_domain::alerting::parse_webhook_url;
use entente_domain::keydates::KeyDateKind;
use entente_domain::{AgreementId, Date, ObligationId, OrganisationId, Timestamp, ValidationError};
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;
use std::time::Duration;

pub use entente_domain::alert::{AlertKind, RetryPolicy};

/// An alert to raise (or that was raised).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlannedAlert {
    /// Tenant.
    pub organisation_id: OrganisationId,
    /// Idempotency key: subject + due date + lead time (or overdue day).
    pub key: String,
    /// What it is about.
    pub kind: AlertKind,
    /// The agreement.
    pub agreement_id: Option<AgreementId>,
    /// The obligation, if any.
    pub obligation_id: Option<ObligationId>,
    /// Due date.
    pub due_date: Option<Date>,
    /// Lead time in days (upcoming alerts).
    pub lead_days: Option<u32>,
    /// One line.
    pub title: String,
    /// The derivation and details.
    pub body: String,
    /// People notified (inbox and e-mail).
    pub recipients: Vec<String>,
    /// Webhook endpoints notified.
    pub webhooks: usize,
    /// True when an earlier run (or another instance) already raised it.
    pub already_raised: bool,
}

/// A stored alert.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlertView {
    /// Identifier.
    pub id: String,
    /// Idempotency key.
    pub key: String,
    /// Kind.
    pub kind: AlertKind,
    /// Agreement.
    pub agreement_id: Option<String>,
    /// Obligation.
    pub obligation_id: Option<String>,
    /// Due date.
    #[schema(format = Date)]
    pub due_date: Option<String>,
    /// Lead time.
    pub lead_days: Option<i64>,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// When it was raised.
    #[schema(format = DateTime)]
    pub raised_at: String,
}

/// One inbox entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InboxItem {
    /// Identifier.
    pub id: String,
    /// Recipient e-mail.
    pub recipient: String,
    /// The alert.
    pub alert_id: String,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// When read, if read.
    #[schema(format = DateTime)]
    pub read_at: Option<String>,
    /// When it arrived.
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// A delivery taken from the outbox by one instance, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// Outbox row.
    pub delivery_id: String,
    /// Tenant.
    pub organisation_id: String,
    /// Alert.
    pub alert_id: String,
    /// Alert idempotency key.
    pub alert_key: String,
    /// `email` or `webhook`.
    pub channel: String,
    /// E-mail address or webhook id.
    pub target: String,
    /// Attempt number, counting this one.
    pub attempt: u32,
    /// Alert title.
    pub title: String,
    /// Alert body.
    pub body: String,
    /// JSON payload for webhooks.
    pub payload: String,
    /// Webhook URL and secret (webhook deliveries whose endpoint still exists).
    pub webhook: Option<(String, String)>,
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// Accepted by the receiver.
    Sent {
        /// HTTP status, for webhooks.
        http_status: Option<u16>,
    },
    /// Failed; retried later unless attempts are exhausted or `permanent`.
    Failed {
        /// HTTP status, if any.
        http_status: Option<u16>,
        /// What went wrong (never holds secrets).
        error: String,
        /// Retrying cannot help (e.g. the endpoint was deleted).
        permanent: bool,
    },
    /// Not attempted, e.g. no SMTP server is configured.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One outbox row with its attempts (the delivery log).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    /// Identifier (also the webhook-id header the receiver sees).
    pub id: String,
    /// Alert.
    pub alert_id: String,
    /// Alert title.
    pub title: String,
    /// `email` or `webhook`.
    pub channel: String,
    /// Address or webhook id.
    pub target: String,
    /// `pending`, `sent`, `dead` or `skipped`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// Next attempt (pending rows).
    #[schema(format = DateTime)]
    pub next_attempt_at: String,
    /// Last error.
    pub last_error: Option<String>,
    /// When it was sent.
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
    /// Every attempt, oldest first.
    pub log: Vec<AttemptView>,
}

/// One delivery attempt.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    /// Attempt number.
    pub attempt: i64,
    /// The instance that made it.
    pub instance: String,
    /// When it started.
    #[schema(format = DateTime)]
    pub started_at: String,
    /// `sent`, `failed` or `skipped`.
    pub outcome: String,
    /// HTTP status.
    pub http_status: Option<i64>,
    /// Error.
    pub error: Option<String>,
    /// Duration.
    pub duration_ms: i64,
}

/// A webhook endpoint (the secret is shown only when created or rotated).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Webhook {
    /// Identifier.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// What it is for.
    pub description: Option<String>,
    /// Whether deliveries are made.
    pub active: bool,
    /// Created.
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// Inserts an alert unless its key exists, with inbox items, outbox rows and an audit event,
/// inside the caller's transaction. Returns the new id, or `None` if it was already raised.
pub(crate) async fn insert_alert(
    tx: &mut Tx,
    org: OrganisationId,
    a: &AlertDraft,
    webhooks: &[String],
    now: &str,
) -> Result<Option<String>> {
    let id = uuid::Uuid::now_v7().to_string();
    let payload = serde_json::json!({
        "type": a.kind.event_type(),
        "alert_id": id,
        "key": a.key,
        "agreement": a.agreement.as_ref().map(|(id, title)| serde_json::json!({ "id": id, "title": title })),
        "obligation_id": a.obligation_id,
        "due_date": a.due_date,
        "lead_days": a.lead_days,
        "title": a.title,
        "body": a.body,
        "details": a.extra,
        "recipients": a.recipients,
        "raised_at": now,
    });
    let n = sqlx::query(
        "insert into alert (alert_id, organisation_id, alert_key, agreement_id, obligation_id, kind, due_date, lead_days, title, body, payload, raised_at, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12) on conflict (organisation_id, alert_key) do nothing",
    )
    .bind(&id)
    .bind(org.to_string())
    .bind(&a.key)
    .bind(a.agreement.as_ref().map(|(x, _)| x.to_string()))
    .bind(a.obligation_id.map(|o| o.to_string()))
    .bind(a.kind.as_str())
    .bind(a.due_date.map(|d| d.to_string()))
    .bind(a.lead_days.map(i64::from))
    .bind(&a.title)
    .bind(&a.body)
    .bind(payload.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Ok(None);
    }
    for r in &a.recipients {
        sqlx::query(
            "insert into inbox_item (inbox_item_id, organisation_id, recipient, alert_id, title, body, read_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, null, $7, $7) on conflict (alert_id, recipient) do nothing",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(org.to_string())
        .bind(r)
        .bind(&id)
        .bind(&a.title)
        .bind(&a.body)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    let targets = a
        .recipients
        .iter()
        .map(|r| ("email", r.as_str()))
        .chain(webhooks.iter().map(|w| ("webhook", w.as_str())));
    for (channel, target) in targets {
        sqlx::query(
            "insert into delivery (delivery_id, organisation_id, alert_id, channel, target, status, attempts, next_attempt_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $6) on conflict (alert_id, channel, target) do nothing",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(org.to_string())
        .bind(&id)
        .bind(channel)
        .bind(target)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    let actor = Actor::new(org, "scheduler");
    audit::append(
        tx,
        &actor,
        "alert.raise",
        "alert",
        &id,
        a.agreement.as_ref().map(|(x, _)| *x),
        serde_json::json!({ "key": a.key, "kind": a.kind.as_str(), "recipients": a.recipients, "webhooks": webhooks.len() }),
    )
    .await?;
    Ok(Some(id))
}

/// The agreement an inbox item is about (on table `inbox_item`, not aliased).
const INBOX_AGREEMENT: &str =
    "(select al.agreement_id from alert al where al.alert_id = inbox_item.alert_id)";

impl Store {
    /// Active webhook ids of a tenant.
    async fn active_webhooks(&self, org: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("select webhook_id from webhook where organisation_id = $1 and active = 1 order by webhook_id")
            .bind(org)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn watchers_by_agreement(&self, org: &str) -> Result<BTreeMap<String, Vec<String>>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "select agreement_id, email from watcher where organisation_id = $1 order by email",
        )
        .bind(org)
        .fetch_all(&self.pool)
        .await?;
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (a, e) in rows {
            m.entry(a).or_default().push(e);
        }
        Ok(m)
    }

    /// Works out which alerts are due at `now` across all tenants (lead times reached,
    /// obligations overdue) and, unless `dry_run`, raises each exactly once from the stored
    /// deadlines (refresh them first). A dry run writes nothing: it computes the deadlines of
    /// `now`'s day in memory, whatever day the stored ones were computed for.
    pub async fn raise_alerts(&self, now: Timestamp, dry_run: bool) -> Result<Vec<PlannedAlert>> {
        let mut out = Vec::new();
        for (org, _) in self.organisations().await? {
            out.extend(self.raise_for(org, now, dry_run).await?);
        }
        Ok(out)
    }

    async fn raise_for(
        &self,
        org: OrganisationId,
        now: Timestamp,
        dry_run: bool,
    ) -> Result<Vec<PlannedAlert>> {
        let settings = self.alert_settings(org).await?;
        let today = settings.today(now);
        let max_lead = settings.lead_days.iter().copied().max().unwrap_or(0);
        let org_s = org.to_string();
        let last = today.plus_days(i64::from(max_lead));
        let deadlines: Vec<Deadline> = if dry_run {
            // A dry run computes the deadlines of its day in memory: the stored rows are the
            // live ones (kept for the tenant's real today) and stay as they are. It keeps the
            // rows the query below selects.
            self.preview_deadlines(org, now, |d| {
                !d.conditional
                    && d.kind != KeyDateKind::Effective.as_str()
                    && ((d.due_date >= today && d.due_date <= last)
                        || (d.obligation_id.is_some() && d.due_date < today))
            })
            .await?
        } else {
            let rows = sqlx::query(
                "select d.agreement_id, a.title, d.subject, d.obligation_id, d.kind, d.due_date, d.label, d.derivation, d.clause_label, \
                 d.conditional, d.owner, o.status as ob_status, oc.status as rec_status, o.due as ob_due, a.tracked_from \
                 from deadline d join agreement a on a.agreement_id = d.agreement_id \
                 left join obligation o on o.obligation_id = d.obligation_id \
                 left join occurrence oc on oc.obligation_id = d.obligation_id and oc.due_date = d.due_date \
                 where d.organisation_id = $1 and d.conditional = 0 and d.kind <> 'effective' \
                 and ((d.due_date >= $2 and d.due_date <= $3) or (d.obligation_id is not null and d.due_date < $2)) \
                 order by d.due_date, d.agreement_id, d.subject",
            )
            .bind(&org_s)
            .bind(today.to_string())
            .bind(last.to_string())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| deadline_from_row(r, today))
                .collect::<Result<_>>()?
        };
        let watchers = self.watchers_by_agreement(&org_s).await?;
        let webhooks = self.active_webhooks(&org_s).await?;
        let recipients = |d: &Deadline| {
            let mut v: Vec<String> = d.owner.iter().cloned().collect();
            v.extend(
                watchers
                    .get(&d.agreement_id.to_string())
                    .cloned()
                    .unwrap_or_default(),
            );
            v.sort();
            v.dedup();
            v
        };
        let planned = plan_alerts(today, &settings, &deadlines, recipients);
        let mut out = Vec::new();
        let now_s = now.to_string();
        for a in planned {
            let exists: Option<i64> = sqlx::query_scalar(
                "select 1 from alert where organisation_id = $1 and alert_key = $2",
            )
            .bind(&org_s)
            .bind(&a.key)
            .fetch_optional(&self.pool)
            .await?;
            let mut already = exists.is_some();
            if !dry_run && !already {
                let mut tx = self.begin().await?;
                let inserted = insert_alert(&mut tx, org, &a, &webhooks, &now_s).await?;
                tx.commit().await?;
                already = inserted.is_none();
            }
            out.push(PlannedAlert {
                organisation_id: org,
                key: a.key,
                kind: a.kind,
                agreement_id: a.agreement.map(|(x, _)| x),
                obligation_id: a.obligation_id,
                due_date: a.due_date,
                lead_days: a.lead_days,
                title: a.title,
                body: a.body,
                recipients: a.recipients,
                webhooks: webhooks.len(),
                already_raised: already,
            });
        }
        Ok(out)
    }

    /// Claims up to `limit` deliveries that are due and not leased, for `lease`; another
    /// instance cannot claim them until the lease runs out.
    pub async fn claim_deliveries(
        &self,
        instance: &str,
        now: Timestamp,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>> {
        let now_s = now.to_string();
        let lease_until = Timestamp::from_jiff(
            now.jiff()
                .checked_add(
                    jiff::SignedDuration::try_from(lease)
                        .unwrap_or(jiff::SignedDuration::from_secs(60)),
                )
                .unwrap_or(now.jiff()),
        )
        .to_string();
        let lock = match self.backend {
            Backend::Postgres => " for update skip locked",
            // SQLite has one writer: `begin immediate` already excludes other claimers.
            Backend::Sqlite => "",
        };
        let mut tx = self.begin().await?;
        let ids: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select delivery_id from delivery where status = 'pending' and next_attempt_at <= $1 and (lease_until is null or lease_until < $1) \
             order by next_attempt_at, delivery_id limit {}{lock}",
            limit.clamp(1, 1000)
        )))
        .bind(&now_s)
        .fetch_all(&mut *tx)
        .await?;
        if ids.is_empty() {
            tx.commit().await?;
            return Ok(Vec::new());
        }
        let ph = placeholders(4, ids.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "update delivery set claimed_by = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3 where delivery_id in ({ph})"
        )))
        .bind(instance)
        .bind(&lease_until)
        .bind(&now_s);
        for id in &ids {
            q = q.bind(id);
        }
        q.execute(&mut *tx).await?;
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select d.delivery_id, d.organisation_id, d.alert_id, d.channel, d.target, d.attempts, a.alert_key, a.title, a.body, a.payload, w.url, w.secret \
             from delivery d join alert a on a.alert_id = d.alert_id left join webhook w on d.channel = 'webhook' and w.webhook_id = d.target \
             where d.delivery_id in ({}) order by d.next_attempt_at, d.delivery_id",
            placeholders(1, ids.len())
        )));
        for id in &ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                let attempts: i64 = r.try_get("attempts")?;
                let url: Option<String> = r.try_get("url")?;
                let secret: Option<String> = r.try_get("secret")?;
                Ok(ClaimedDelivery {
                    delivery_id: r.try_get("delivery_id")?,
                    organisation_id: r.try_get("organisation_id")?,
                    alert_id: r.try_get("alert_id")?,
                    alert_key: r.try_get("alert_key")?,
                    channel: r.try_get("channel")?,
                    target: r.try_get("target")?,
                    attempt: attempts as u32,
                    title: r.try_get("title")?,
                    body: r.try_get("body")?,
                    payload: r.try_get("payload")?,
                    webhook: url.zip(secret),
                })
            })
            .collect()
    }

    /// Records the outcome of one attempt: sent, retry later with backoff, or give up. Only
    /// the instance that holds the claim can complete it (a lease that ran out was retaken).
    pub async fn complete_delivery(
        &self,
        d: &ClaimedDelivery,
        instance: &str,
        started: Timestamp,
        elapsed: Duration,
        outcome: &DeliveryOutcome,
        policy: &RetryPolicy,
    ) -> Result<bool> {
        let now = self.now().max(started);
        let now_s = now.to_string();
        let (status, next, err, http, label) = match outcome {
            DeliveryOutcome::Sent { http_status } => {
                ("sent", now_s.clone(), None, *http_status, "sent")
            }
            DeliveryOutcome::Skipped { reason } => (
                "skipped",
                now_s.clone(),
                Some(reason.clone()),
                None,
                "skipped",
            ),
            DeliveryOutcome::Failed {
                http_status,
                error,
                permanent,
            } => {
                let give_up = *permanent || policy.gives_up(d.attempt);
                let delay = policy.delay(d.attempt);
                let next = started
                    .jiff()
                    .checked_add(
                        jiff::SignedDuration::try_from(delay)
                            .unwrap_or(jiff::SignedDuration::from_secs(30)),
                    )
                    .unwrap_or(started.jiff());
                (
                    if give_up { "dead" } else { "pending" },
                    Timestamp::from_jiff(next).to_string(),
                    Some(error.clone()),
                    *http_status,
                    "failed",
                )
            }
        };
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "update delivery set status = $1, next_attempt_at = $2, last_error = $3, sent_at = case when $1 = 'sent' then $4 else sent_at end, \
             claimed_by = null, lease_until = null, updated_at = $4 where delivery_id = $5 and claimed_by = $6",
        )
        .bind(status)
        .bind(&next)
        .bind(err.clone())
        .bind(&now_s)
        .bind(&d.delivery_id)
        .bind(instance)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "insert into delivery_attempt (delivery_attempt_id, organisation_id, delivery_id, attempt, instance, started_at, outcome, http_status, error, duration_ms, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&d.organisation_id)
        .bind(&d.delivery_id)
        .bind(i64::from(d.attempt))
        .bind(instance)
        .bind(started.to_string())
        .bind(label)
        .bind(http.map(i64::from))
        .bind(err)
        .bind(elapsed.as_millis() as i64)
        .bind(&now_s)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    /// The tenant's alerts, newest first.
    pub async fn list_alerts(&self, actor: &Actor, limit: u32) -> Result<Vec<AlertView>> {
        // Only alerts about agreements this actor may see.
        let (vis, vis_binds) = actor.visible(2);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select l.alert_id, l.alert_key, l.kind, l.agreement_id, l.obligation_id, l.due_date, l.lead_days, l.title, l.body, l.raised_at \
             from alert l join agreement a on a.agreement_id = l.agreement_id \
             where l.organisation_id = $1 and {vis} order by l.raised_at desc, l.alert_id desc limit {}",
            limit.clamp(1, 5000)
        )))
        .bind(actor.org.to_string());
        for b in vis_binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(AlertView {
                    id: r.try_get("alert_id")?,
                    key: r.try_get("alert_key")?,
                    kind: {
                        let k: String = r.try_get("kind")?;
                        AlertKind::parse(&k)
                            .ok_or_else(|| StoreError::Corrupt(format!("alert kind {k:?}")))?
                    },
                    agreement_id: r.try_get("agreement_id")?,
                    obligation_id: r.try_get("obligation_id")?,
                    due_date: r.try_get("due_date")?,
                    lead_days: r.try_get("lead_days")?,
                    title: r.try_get("title")?,
                    body: r.try_get("body")?,
                    raised_at: r.try_get("raised_at")?,
                })
            })
            .collect()
    }

    /// One person's inbox, newest first.
    pub async fn inbox(
        &self,
        actor: &Actor,
        recipient: &str,
        unread_only: bool,
    ) -> Result<Vec<InboxItem>> {
        let recipient =
            entente_domain::agreement::parse_owner(recipient).map_err(|e| e.within("recipient"))?;
        let extra = if unread_only {
            " and read_at is null"
        } else {
            ""
        };
        // Items about an agreement the reader may no longer see are left out.
        let (sees, sees_binds) = actor.sees_agreement(INBOX_AGREEMENT, 3);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select inbox_item_id, recipient, alert_id, title, body, read_at, created_at from inbox_item \
             where organisation_id = $1 and recipient = $2{extra} and {sees} \
             order by created_at desc, inbox_item_id desc limit 1000"
        )))
        .bind(actor.org.to_string())
        .bind(&recipient);
        for b in sees_binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(InboxItem {
                    id: r.try_get("inbox_item_id")?,
                    recipient: r.try_get("recipient")?,
                    alert_id: r.try_get("alert_id")?,
                    title: r.try_get("title")?,
                    body: r.try_get("body")?,
                    read_at: r.try_get("read_at")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Marks an inbox item read. `recipient`: the person whose item it must be (`None`: any
    /// recipient's, for an administrator); another person's item is not found.
    pub async fn mark_inbox_read(
        &self,
        actor: &Actor,
        item: &str,
        recipient: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let now = tx.now_text();
        let (sees, sees_binds) = actor.sees_agreement(INBOX_AGREEMENT, 5);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "update inbox_item set read_at = coalesce(read_at, $1), updated_at = $1 \
             where organisation_id = $2 and inbox_item_id = $3 \
             and ($4 = '' or lower(recipient) = lower($4)) and {sees}"
        )))
        .bind(&now)
        .bind(actor.org.to_string())
        .bind(item)
        .bind(recipient.map(str::trim).unwrap_or_default());
        for b in sees_binds {
            q = q.bind(b);
        }
        let n = q.execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("inbox item", item));
        }
        audit::append(
            &mut tx,
            actor,
            "inbox.read",
            "inbox_item",
            item,
            None,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Registers a webhook endpoint; returns it with its signing secret (shown only now).
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        url: &str,
        description: Option<&str>,
    ) -> Result<(Webhook, String)> {
        let url = parse_webhook_url(url)?;
        let description = description
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
        if description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 300)
        {
            return Err(
                ValidationError::new("description", "must be at most 300 characters").into(),
            );
        }
        let id = uuid::Uuid::now_v7().to_string();
        let secret = crate::secret::webhook_secret()?;
        let mut tx = self.begin().await?;
        let now = tx.now_text();
        let same: Option<String> = sqlx::query_scalar(
            "select webhook_id from webhook where organisation_id = $1 and url = $2 and active = 1",
        )
        .bind(actor.org.to_string())
        .bind(&url)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(other) = same {
            return Err(StoreError::Conflict(format!(
                "a webhook for {url} is registered already ({other}); rotate its secret or delete it instead"
            )));
        }
        sqlx::query("insert into webhook (webhook_id, organisation_id, url, secret, description, active, created_at, updated_at) values ($1, $2, $3, $4, $5, 1, $6, $6)")
            .bind(&id)
            .bind(actor.org.to_string())
            .bind(&url)
            .bind(&secret)
            .bind(description.clone())
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            "webhook.create",
            "webhook",
            &id,
            None,
            serde_json::json!({ "url": url }),
        )
        .await?;
        tx.commit().await?;
        Ok((
            Webhook {
                id,
                url,
                description,
                active: true,
                created_at: now,
            },
            secret,
        ))
    }

    /// The tenant's webhook endpoints (without secrets).
    pub async fn list_webhooks(&self, actor: &Actor) -> Result<Vec<Webhook>> {
        let rows = sqlx::query("select webhook_id, url, description, active, created_at from webhook where organisation_id = $1 order by created_at")
            .bind(actor.org.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let active: i64 = r.try_get("active")?;
                Ok(Webhook {
                    id: r.try_get("webhook_id")?,
                    url: r.try_get("url")?,
                    description: r.try_get("description")?,
                    active: active != 0,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Replaces a webhook's signing secret; returns the new one (the old one stops at once).
    pub async fn rotate_webhook_secret(&self, actor: &Actor, id: &str) -> Result<String> {
        let secret = crate::secret::webhook_secret()?;
        let mut tx = self.begin().await?;
        let now = tx.now_text();
        let n = sqlx::query("update webhook set secret = $1, updated_at = $2 where organisation_id = $3 and webhook_id = $4")
            .bind(&secret)
            .bind(&now)
            .bind(actor.org.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("webhook", id));
        }
        audit::append(
            &mut tx,
            actor,
            "webhook.rotate_secret",
            "webhook",
            id,
            None,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// Deletes a webhook endpoint; its pending deliveries fail permanently when claimed.
    pub async fn delete_webhook(&self, actor: &Actor, id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("delete from webhook where organisation_id = $1 and webhook_id = $2")
            .bind(actor.org.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::not_found("webhook", id));
        }
        audit::append(
            &mut tx,
            actor,
            "webhook.delete",
            "webhook",
            id,
            None,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The delivery log: outbox rows (optionally for one channel target) with every attempt.
    pub async fn list_deliveries(
        &self,
        actor: &Actor,
        target: Option<&str>,
        limit: u32,
    ) -> Result<Vec<DeliveryView>> {
        let mut binds = vec![actor.org.to_string()];
        let mut filter = String::new();
        if let Some(t) = target {
            binds.push(t.to_owned());
            filter.push_str(" and d.target = $2");
        }
        // Only deliveries of alerts about agreements this actor may see: their titles and
        // errors tell of the agreement.
        let (sees, sees_binds) = actor.sees_agreement("al.agreement_id", binds.len() + 1);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select d.delivery_id, d.alert_id, al.title, d.channel, d.target, d.status, d.attempts, d.next_attempt_at, d.last_error, d.sent_at \
             from delivery d join alert al on al.alert_id = d.alert_id where d.organisation_id = $1{filter} and {sees} \
             order by d.created_at desc, d.delivery_id desc limit {}",
            limit.clamp(1, 5000)
        )));
        for b in binds.into_iter().chain(sees_binds) {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.try_get("delivery_id")?;
            let log = sqlx::query(
                "select attempt, instance, started_at, outcome, http_status, error, duration_ms from delivery_attempt where delivery_id = $1 order by attempt, started_at, delivery_attempt_id",
            )
            .bind(&id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|a| {
                Ok(AttemptView {
                    attempt: a.try_get("attempt")?,
                    instance: a.try_get("instance")?,
                    started_at: a.try_get("started_at")?,
                    outcome: a.try_get("outcome")?,
                    http_status: a.try_get("http_status")?,
                    error: a.try_get("error")?,
                    duration_ms: a.try_get("duration_ms")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
            out.push(DeliveryView {
                id,
                alert_id: r.try_get("alert_id")?,
                title: r.try_get("title")?,
                channel: r.try_get("channel")?,
                target: r.try_get("target")?,
                status: r.try_get("status")?,
                attempts: r.try_get("attempts")?,
                next_attempt_at: r.try_get("next_attempt_at")?,
                last_error: r.try_get("last_error")?,
                sent_at: r.try_get("sent_at")?,
                log,
            });
        }
        Ok(out)
    }

    /// Recipients of an agreement's alerts: the given owner plus the agreement's watchers.
    pub(crate) async fn recipients_for(
        &self,
        tx: &mut Tx,
        org: &str,
        agreement: AgreementId,
        owner: Option<String>,
    ) -> Result<Vec<String>> {
        let mut v: Vec<String> = sqlx::query_scalar(
            "select email from watcher where organisation_id = $1 and agreement_id = $2",
        )
        .bind(org)
        .bind(agreement.to_string())
        .fetch_all(&mut **tx)
        .await?;
        v.extend(owner);
        v.sort();
        v.dedup();
        Ok(v)
    }

    /// Webhook ids of a tenant, inside a transaction.
    pub(crate) async fn webhooks_in(&self, tx: &mut Tx, org: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("select webhook_id from webhook where organisation_id = $1 and active = 1 order by webhook_id")
            .bind(org)
            .fetch_all(&mut **tx)
            .await?)
    }
}
