//! `entente alerts`: run the scheduler once (or show what it would raise with `--dry-run`),
//! read the delivery log and a person's inbox; scheduler settings shared with `serve`.

use super::{Ctx, Outcome};
use anyhow::{Context, bail};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use entente_domain::Timestamp;
use entente_domain::alerting::WebhookTargets;
use entente_server::scheduler::{Scheduler, SchedulerSettings, SmtpSettings, SmtpTls};
use std::time::Duration;

/// Scheduler and SMTP settings (flags or `ENTENTE_*` environment variables).
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct SchedulerArgs {
    /// Seconds between scheduler steps when idle.
    #[arg(long, env = "ENTENTE_SCHEDULER_TICK_SECS", default_value_t = 30)]
    scheduler_tick_secs: u64,
    /// Seconds a claimed delivery stays reserved for this instance.
    #[arg(long, env = "ENTENTE_SCHEDULER_LEASE_SECS", default_value_t = 120)]
    scheduler_lease_secs: u64,
    /// SMTP server for e-mail alerts (without one, e-mail deliveries are logged as skipped).
    #[arg(long, env = "ENTENTE_SMTP_HOST")]
    smtp_host: Option<String>,
    /// SMTP port (default: 587 for starttls, 465 for tls, 25 for none).
    #[arg(long, env = "ENTENTE_SMTP_PORT")]
    smtp_port: Option<u16>,
    /// SMTP security: starttls, tls or none.
    #[arg(long, env = "ENTENTE_SMTP_TLS", default_value = "starttls")]
    smtp_tls: String,
    /// SMTP user name.
    #[arg(long, env = "ENTENTE_SMTP_USER")]
    smtp_user: Option<String>,
    /// SMTP password (read from the environment; never printed).
    #[arg(long, env = "ENTENTE_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// The address people reach the server at (e.g. https://entente.example.com): links in
    /// alert, invitation and reset e-mails (to the agreement, the occurrence, the one-click
    /// unsubscribe page) and calendar feed URLs. Unset, alert e-mails carry no links and feed
    /// URLs use the request's Host.
    #[arg(long, env = "ENTENTE_PUBLIC_URL")]
    public_url: Option<String>,
    /// Sender address of alert e-mails.
    #[arg(
        long,
        env = "ENTENTE_SMTP_FROM",
        default_value = "Entente <entente@localhost>"
    )]
    smtp_from: String,
    /// Development only: let webhooks use plain http:// and private or loopback addresses
    /// (by default they go to public HTTPS addresses only, checked at registration and on
    /// every delivery).
    #[arg(long, env = "ENTENTE_WEBHOOKS_ALLOW_PRIVATE")]
    webhooks_allow_private: bool,
}

impl SchedulerArgs {
    /// Validated scheduler settings (before any I/O).
    pub(crate) fn settings(&self) -> anyhow::Result<SchedulerSettings> {
        if self.scheduler_tick_secs == 0 || self.scheduler_lease_secs < 10 {
            bail!(
                "--scheduler-tick-secs must be at least 1 and --scheduler-lease-secs at least 10"
            );
        }
        let smtp = match &self.smtp_host {
            Some(host) if !host.trim().is_empty() => {
                let tls = SmtpTls::parse(&self.smtp_tls)
                    .map_err(|e| anyhow::anyhow!("--smtp-tls: {e}"))?;
                let port = self.smtp_port.unwrap_or(match tls {
                    SmtpTls::StartTls => 587,
                    SmtpTls::Tls => 465,
                    SmtpTls::None => 25,
                });
                if self.smtp_user.is_some() != self.smtp_password.is_some() {
                    bail!("give both ENTENTE_SMTP_USER and ENTENTE_SMTP_PASSWORD, or neither");
                }
                Some(SmtpSettings {
                    host: host.trim().to_owned(),
                    port,
                    tls,
                    user: self.smtp_user.clone(),
                    password: self.smtp_password.clone(),
                    from: self.smtp_from.clone(),
                })
            }
            _ => None,
        };
        let public_url = match self.public_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                Some(u.trim_end_matches('/').to_owned())
            }
            Some(u) => bail!("--public-url must start with https:// or http://: {u:?}"),
        };
        Ok(SchedulerSettings {
            tick: Duration::from_secs(self.scheduler_tick_secs),
            lease: Duration::from_secs(self.scheduler_lease_secs),
            smtp,
            webhook_targets: if self.webhooks_allow_private {
                WebhookTargets::AnyForDevelopment
            } else {
                WebhookTargets::PublicHttps
            },
            public_url,
            ..Default::default()
        })
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Refresh deadlines, raise due alerts and deliver them once, then exit.
    Run {
        /// Show the alerts that are due without raising or sending anything: the deadlines of
        /// the run's day are computed in memory and nothing in the database changes.
        #[arg(long)]
        dry_run: bool,
        /// The instant to run at (RFC 3339; default now), e.g. to rehearse a future day.
        #[arg(long)]
        now: Option<String>,
        #[command(flatten)]
        scheduler: SchedulerArgs,
    },
    /// The delivery log: each e-mail and webhook delivery with its attempts.
    Log {
        /// Only deliveries to this webhook id or e-mail address.
        #[arg(long)]
        target: Option<String>,
        /// Most rows (1..=5000).
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=5000))]
        limit: u32,
    },
    /// A person's in-app inbox.
    Inbox {
        /// Their e-mail address.
        email: String,
        /// Only unread items.
        #[arg(long)]
        unread: bool,
    },
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        match self.cmd {
            Sub::Run {
                dry_run,
                now,
                scheduler,
            } => {
                let now = now
                    .map(|n| Timestamp::parse(&n))
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--now: {}", e.message))?;
                let settings = SchedulerArgs::settings(&scheduler)?;
                let (store, _) = ctx.open().await?;
                // `--now` sets the clock: the whole run, its records included, happens then.
                if let Some(n) = now {
                    store.clock().set(n);
                }
                let now = store.now();
                if dry_run {
                    // Computed in memory for `now`: the stored deadlines stay as they are.
                    let planned = store.raise_alerts(now, true).await?;
                    let mut t = Table::new();
                    t.load_preset(UTF8_FULL_CONDENSED);
                    t.set_header(["", "due", "lead", "alert", "recipients", "webhooks"]);
                    let mut fresh = 0;
                    for a in &planned {
                        if !a.already_raised {
                            fresh += 1;
                        }
                        t.add_row([
                            if a.already_raised {
                                "sent before".to_owned()
                            } else {
                                "would raise".to_owned()
                            },
                            a.due_date.map_or_else(String::new, |d| d.to_string()),
                            a.lead_days
                                .map_or_else(|| "overdue".to_owned(), |l| format!("{l} d")),
                            a.title.clone(),
                            a.recipients.join(", "),
                            a.webhooks.to_string(),
                        ]);
                    }
                    println!("{t}");
                    println!(
                        "dry run at {now}: {fresh} alert(s) would be raised, {} raised before; nothing was sent",
                        planned.len() - fresh
                    );
                    store.close().await;
                    return Ok(Outcome::Ok);
                }
                // Notices that took effect end their agreements (a dry run only looks).
                while store
                    .apply_endings(now, 2000)
                    .await
                    .context("cannot apply the notices that took effect")?
                    > 0
                {}
                // Deadlines are derived data: bring them up to date for the run's day.
                while store
                    .refresh_deadlines(now, 2000)
                    .await
                    .context("cannot refresh deadlines")?
                    > 0
                {}
                let email = if settings.smtp.is_some() {
                    "SMTP configured"
                } else {
                    "no SMTP server: e-mails are logged as skipped"
                };
                let sched = Scheduler::new(
                    store.clone(),
                    SchedulerSettings {
                        raise_every: Duration::ZERO,
                        ..settings
                    },
                )?;
                let mut total = entente_server::scheduler::StepReport::default();
                for _ in 0..1000 {
                    let r = sched.run_due(now).await?;
                    let idle = r.outcome() == entente_server::scheduler::Outcome::Idle;
                    total.refreshed += r.refreshed;
                    total.raised += r.raised;
                    total.sent += r.sent;
                    total.failed += r.failed;
                    total.skipped += r.skipped;
                    if idle {
                        break;
                    }
                }
                println!(
                    "raised {} alert(s); deliveries: {} sent, {} failed (retried later), {} skipped ({email})",
                    total.raised, total.sent, total.failed, total.skipped
                );
                store.close().await;
                Ok(if total.failed > 0 {
                    Outcome::CheckFailed
                } else {
                    Outcome::Ok
                })
            }
            Sub::Log { target, limit } => {
                let (store, actor) = ctx.open().await?;
                let rows = store
                    .list_deliveries(&actor, target.as_deref(), limit)
                    .await?;
                store.close().await;
                let mut t = Table::new();
                t.load_preset(UTF8_FULL_CONDENSED);
                t.set_header([
                    "status",
                    "channel",
                    "target",
                    "attempts",
                    "alert",
                    "last error",
                ]);
                for r in rows {
                    t.add_row([
                        r.status,
                        r.channel,
                        r.target,
                        r.attempts.to_string(),
                        r.title,
                        r.last_error.unwrap_or_default(),
                    ]);
                }
                println!("{t}");
                Ok(Outcome::Ok)
            }
            Sub::Inbox { email, unread } => {
                let (store, actor) = ctx.open().await?;
                let items = store.inbox(&actor, &email, unread).await?;
                store.close().await;
                for i in &items {
                    println!(
                        "{} {} {}\n    {}",
                        if i.read_at.is_some() { " " } else { "●" },
                        i.created_at,
                        i.title,
                        i.body
                    );
                }
                println!("{} item(s)", items.len());
                Ok(Outcome::Ok)
            }
        }
    }
}
