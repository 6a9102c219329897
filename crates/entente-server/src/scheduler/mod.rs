//! The alert scheduler: a peer of the HTTP server whose single step `run_due(now)` refreshes
//! stale deadlines, raises due alerts once, and delivers leased outbox rows by e-mail and signed
//! webhooks. Tests drive `run_due` with fixed instants; `run` loops it on the store's clock until
//! shutdown.

mod email;
mod webhook;

pub(crate) use email::Mailer;
pub use email::{SmtpSettings, SmtpTls};
pub use webhook::{SignError, sign};

use entente_domain::{OrganisationId, Timestamp};
use entente_store::{ClaimedDelivery, DeliveryOutcome, RetryPolicy, Store, StoreError};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something was refreshed, raised or delivered; step again soon.
    Worked,
    /// Nothing to do; wait for the next tick.
    Idle,
}

/// Counts of one step, for logs and `entente alerts run`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepReport {
    /// Agreements moved to wind-down because their notice took effect.
    pub ended: usize,
    /// Agreements whose deadlines were recomputed.
    pub refreshed: usize,
    /// New alerts raised.
    pub raised: usize,
    /// Deliveries sent.
    pub sent: usize,
    /// Deliveries that failed (to be retried or given up).
    pub failed: usize,
    /// Deliveries skipped (e.g. no SMTP server configured).
    pub skipped: usize,
}

impl StepReport {
    /// The step's outcome.
    pub fn outcome(&self) -> Outcome {
        if self.refreshed + self.raised + self.sent + self.failed + self.skipped > 0 {
            Outcome::Worked
        } else {
            Outcome::Idle
        }
    }
}

/// Scheduler settings.
#[derive(Debug, Clone)]
pub struct SchedulerSettings {
    /// This instance's name in leases and the delivery log.
    pub instance: String,
    /// Pause between steps when idle.
    pub tick: Duration,
    /// How long a claimed delivery stays reserved for this instance.
    pub lease: Duration,
    /// Deliveries claimed per step.
    pub batch: u32,
    /// Agreements whose deadlines are recomputed per step.
    pub refresh_batch: u32,
    /// Least time between two alert-raising passes of this instance.
    pub raise_every: Duration,
    /// Backoff for failed deliveries.
    pub retry: RetryPolicy,
    /// Timeout of one webhook request.
    pub webhook_timeout: Duration,
    /// SMTP server; without one, e-mail deliveries are logged as skipped.
    pub smtp: Option<SmtpSettings>,
    /// Where webhooks may be delivered (public HTTPS addresses only, by default).
    pub webhook_targets: entente_domain::alerting::WebhookTargets,
    /// The address people reach the server at (e.g. `https://entente.example.com`): alert
    /// e-mails link to the agreement and the occurrence under it and carry a one-click
    /// unsubscribe link. Unset, they carry neither.
    pub public_url: Option<String>,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        Self {
            instance: default_instance(),
            tick: Duration::from_secs(30),
            lease: Duration::from_secs(120),
            batch: 50,
            refresh_batch: 2000,
            raise_every: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            webhook_timeout: Duration::from_secs(10),
            smtp: None,
            webhook_targets: entente_domain::alerting::WebhookTargets::PublicHttps,
            public_url: None,
        }
    }
}

/// `host:pid:random`, unique per process.
pub fn default_instance() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "entente".into());
    format!("{host}:{}:{}", std::process::id(), &uuid_suffix())
}

fn uuid_suffix() -> String {
    // std's hasher keys are drawn from the operating system's randomness: enough to tell two
    // processes with the same pid apart.
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    format!("{:08x}", random as u32)
}

/// A failed scheduler step.
#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Bad configuration.
    #[error("{0}")]
    Config(String),
}

/// The scheduler of one instance.
pub struct Scheduler {
    store: Store,
    settings: SchedulerSettings,
    mailer: Option<Mailer>,
    http: webhook::HttpClient,
    last_raise: Mutex<Option<Timestamp>>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Scheduler {
    /// A scheduler over `store`.
    pub fn new(store: Store, settings: SchedulerSettings) -> Result<Self, SchedulerError> {
        let mailer = settings
            .smtp
            .as_ref()
            .map(Mailer::new)
            .transpose()
            .map_err(SchedulerError::Config)?;
        let http = webhook::client(settings.webhook_targets).map_err(SchedulerError::Config)?;
        Ok(Self {
            store,
            settings,
            mailer,
            http,
            last_raise: Mutex::new(None),
        })
    }

    /// The settings in force.
    pub fn settings(&self) -> &SchedulerSettings {
        &self.settings
    }

    /// One step at instant `now`: refresh stale deadlines, raise due alerts (at most once per
    /// `raise_every`), then claim and deliver one batch of the outbox.
    pub async fn run_due(&self, now: Timestamp) -> Result<StepReport, SchedulerError> {
        // Notices that took effect end their agreements before the dates are refreshed.
        let ended = self
            .store
            .apply_endings(now, self.settings.refresh_batch)
            .await?;
        let mut report = StepReport {
            ended,
            refreshed: self
                .store
                .refresh_deadlines(now, self.settings.refresh_batch)
                .await?,
            ..Default::default()
        };
        if self.raise_due(now) {
            let raised = self.store.raise_alerts(now, false).await?;
            report.raised = raised.iter().filter(|a| !a.already_raised).count();
        }
        let claimed = self
            .store
            .claim_deliveries(
                &self.settings.instance,
                now,
                self.settings.lease,
                self.settings.batch,
            )
            .await?;
        for d in &claimed {
            let started = Instant::now();
            let outcome = self.deliver(d, now).await;
            match &outcome {
                DeliveryOutcome::Sent { .. } => report.sent += 1,
                DeliveryOutcome::Failed { error, .. } => {
                    tracing::warn!(delivery.id = %d.delivery_id, delivery.channel = %d.channel, delivery.attempt = d.attempt, error = %error, "delivery failed");
                    report.failed += 1;
                }
                DeliveryOutcome::Skipped { .. } => report.skipped += 1,
            }
            let held = self
                .store
                .complete_delivery(
                    d,
                    &self.settings.instance,
                    now,
                    started.elapsed(),
                    &outcome,
                    &self.settings.retry,
                )
                .await?;
            if !held {
                tracing::warn!(delivery.id = %d.delivery_id, "the lease ran out before the delivery finished; another instance may repeat it (the receiver dedupes on webhook-id)");
            }
        }
        Ok(report)
    }

    fn raise_due(&self, now: Timestamp) -> bool {
        // The lock guards a plain value; a poisoned lock still holds a usable one.
        let mut last = self
            .last_raise
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let due = last.is_none_or(|l| {
            now.jiff().duration_since(l.jiff())
                >= jiff::SignedDuration::try_from(self.settings.raise_every).unwrap_or_default()
                || now < l
        });
        if due {
            *last = Some(now);
        }
        due
    }

    async fn deliver(&self, d: &ClaimedDelivery, now: Timestamp) -> DeliveryOutcome {
        match d.channel.as_str() {
            "webhook" => match &d.webhook {
                Some((url, secret)) => {
                    webhook::deliver(
                        &self.http,
                        self.settings.webhook_targets,
                        url,
                        secret,
                        &d.delivery_id,
                        now.jiff().as_second(),
                        &d.payload,
                        self.settings.webhook_timeout,
                    )
                    .await
                }
                None => DeliveryOutcome::Failed {
                    http_status: None,
                    error: "the webhook endpoint was deleted".into(),
                    permanent: true,
                },
            },
            "email" => match &self.mailer {
                Some(m) => self.email(m, d).await,
                None => DeliveryOutcome::Skipped {
                    reason: "no SMTP server is configured (ENTENTE_SMTP_HOST)".into(),
                },
            },
            other => DeliveryOutcome::Failed {
                http_status: None,
                error: format!("unknown channel {other:?}"),
                permanent: true,
            },
        }
    }

    /// Sends one alert e-mail, unless its recipient opted out (then it is skipped, and the
    /// inbox still holds the alert).
    async fn email(&self, m: &Mailer, d: &ClaimedDelivery) -> DeliveryOutcome {
        let retry = |error: String| DeliveryOutcome::Failed {
            http_status: None,
            error,
            permanent: false,
        };
        let org: OrganisationId = match d.organisation_id.parse() {
            Ok(o) => o,
            Err(_) => {
                return DeliveryOutcome::Failed {
                    http_status: None,
                    error: format!("organisation id {:?} is malformed", d.organisation_id),
                    permanent: true,
                };
            }
        };
        match self.store.opted_out_of_email(org, &d.target).await {
            Ok(true) => {
                return DeliveryOutcome::Skipped {
                    reason: "the recipient opted out of alert e-mail".into(),
                };
            }
            Ok(false) => {}
            Err(e) => return retry(format!("cannot read e-mail preferences: {e}")),
        }
        let base = self.settings.public_url.as_deref();
        let unsubscribe = match base {
            Some(b) => {
                match entente_core::unsubscribe::link(&self.store, b, org, &d.target).await {
                    Ok(u) => Some(u),
                    Err(e) => return retry(format!("cannot sign the unsubscribe link: {e}")),
                }
            }
            None => None,
        };
        let mail = email::alert_mail(d, base, unsubscribe);
        match m.send_alert(&d.target, &mail, &d.delivery_id).await {
            Ok(()) => DeliveryOutcome::Sent { http_status: None },
            Err(error) => retry(error),
        }
    }

    /// Steps until `shutdown` completes, at the instants of the store's clock: immediately
    /// again after work, after `tick` when idle, and after a growing pause when the database
    /// fails.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), SchedulerError> {
        tokio::pin!(shutdown);
        let mut failures = 0u32;
        tracing::info!(scheduler.instance = %self.settings.instance, "alert scheduler started");
        loop {
            let wait = match self.run_due(self.store.now()).await {
                Ok(r) if r.outcome() == Outcome::Worked => {
                    failures = 0;
                    tracing::info!(
                        refreshed = r.refreshed,
                        raised = r.raised,
                        sent = r.sent,
                        failed = r.failed,
                        skipped = r.skipped,
                        "scheduler step"
                    );
                    Duration::from_millis(50)
                }
                Ok(_) => {
                    failures = 0;
                    self.settings.tick
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::error!(error.cause = %e, failures, "scheduler step failed");
                    self.settings.tick.saturating_mul(failures.min(10))
                }
            };
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(wait) => {}
            }
        }
        tracing::info!("alert scheduler stopped");
        Ok(())
    }
}
