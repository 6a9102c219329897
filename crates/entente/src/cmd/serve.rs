//! `entente serve`: opens the store, optionally loads the demo portfolio, and serves HTTP
//! beside the alert scheduler until SIGINT/SIGTERM.

use super::{Ctx, Outcome};
use anyhow::Context;
use entente_server::scheduler::Scheduler;
use entente_server::{AppState, Application, shutdown_signal};
use std::net::SocketAddr;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on.
    #[arg(long, env = "ENTENTE_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Load the demo portfolio first if the organisation is empty.
    #[arg(long)]
    demo: bool,
    /// Session cookies without `Secure` and without the `__Host-` prefix, for plain-HTTP
    /// development; refused unless the server listens on a loopback address.
    #[arg(long, env = "ENTENTE_INSECURE_COOKIES")]
    insecure_cookies: bool,
    /// Lifetime in days of an API token whose request names none (1 to 3650).
    #[arg(long, env = "ENTENTE_TOKEN_DAYS", default_value_t = entente_core::auth::DEFAULT_TOKEN_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    token_days: u32,
    /// Behind a load balancer: the request header holding the client's address
    /// (e.g. x-forwarded-for, whose right-most entry is used). Set it only when the proxy
    /// always writes that header; otherwise clients could pick their own address.
    #[arg(long, env = "ENTENTE_CLIENT_IP_HEADER")]
    client_ip_header: Option<String>,
    /// Largest document accepted, in MiB (1..=4096; a file of exactly this size is accepted).
    #[arg(long, env = "ENTENTE_MAX_UPLOAD_MB", default_value_t = entente_analysis::DEFAULT_MAX_MIB,
          value_parser = clap::value_parser!(u64).range(1..=entente_analysis::MAX_CONFIGURABLE_MIB))]
    max_upload_mb: u64,
    /// Do not run the alert scheduler in this instance (e.g. API-only replicas).
    #[arg(long, env = "ENTENTE_NO_SCHEDULER")]
    no_scheduler: bool,
    #[command(flatten)]
    scheduler: super::alerts::SchedulerArgs,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        // Scheduler settings are validated before anything is opened.
        let scheduler_settings = self.scheduler.settings()?;
        let (store, actor) = ctx.open().await?;
        if self.demo {
            let r = entente_core::demo::load(&store, &actor)
                .await
                .context("cannot load the demo portfolio")?;
            if !r.skipped {
                eprintln!(
                    "loaded the demo portfolio: {} agreements, {} obligations",
                    r.agreements, r.obligations
                );
            }
        }
        let limits = entente_analysis::Limits::with_max_mib(self.max_upload_mb);
        let mut state = AppState::new(store.clone(), actor.org);
        state.limits = limits;
        if self.insecure_cookies && !self.bind.ip().is_loopback() {
            anyhow::bail!(
                "--insecure-cookies is only for development on a loopback address; {} is not one",
                self.bind
            );
        }
        state.secure_cookies = !self.insecure_cookies;
        // Checked with the scheduler settings: https:// or http://.
        state.public_url.clone_from(&scheduler_settings.public_url);
        if let Some(smtp) = &scheduler_settings.smtp {
            state
                .set_smtp(smtp)
                .map_err(|e| anyhow::anyhow!("SMTP settings: {e}"))?;
        }
        state.token_days = self.token_days;
        state.webhook_targets = scheduler_settings.webhook_targets;
        if let Some(h) = &self.client_ip_header {
            state
                .set_client_ip_header(h)
                .map_err(|e| anyhow::anyhow!("--client-ip-header: {e}"))?;
        }
        let app = Application::bind(self.bind, state)
            .await
            .with_context(|| format!("cannot listen on {}", self.bind))?;
        let addr = app.local_addr()?;
        if store.count_users().await? == 0 {
            // No default password: the first administrator comes from a one-time link.
            let (token, hash) = entente_core::auth::new_secret("setup")?;
            let expires = entente_domain::Timestamp::from_jiff(
                store.now().jiff() + jiff::SignedDuration::from_hours(24),
            );
            store.create_setup_token(&hash, expires).await?;
            eprintln!(
                "no users yet: create the first administrator at http://{addr}/setup?token={token} (valid 24 hours, once)"
            );
            eprintln!("  or run: entente admin create-user --email you@example.com --role admin");
        }
        eprintln!("entente listening on http://{addr} (API at /api, OpenAPI at /api/openapi.json)");
        // One shutdown signal stops both the server and the scheduler.
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop_tx.send(true);
        });
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        let server = app.run_until(stopped(stop_rx.clone()));
        if self.no_scheduler {
            eprintln!("alert scheduler disabled (--no-scheduler)");
            server.await.context("server failed")?;
        } else {
            let sched = Scheduler::new(store.clone(), scheduler_settings)
                .context("cannot start the alert scheduler")?;
            eprintln!(
                "alert scheduler running as {} (e-mail: {})",
                sched.settings().instance,
                match (&sched.settings().smtp, &sched.settings().public_url) {
                    (None, _) => "not configured, logged as skipped",
                    (Some(_), Some(_)) => "SMTP",
                    (Some(_), None) => {
                        "SMTP, without links or unsubscribe: set --public-url (ENTENTE_PUBLIC_URL)"
                    }
                }
            );
            let scheduler = sched.run(stopped(stop_rx.clone()));
            tokio::pin!(server, scheduler);
            tokio::select! {
                r = &mut server => {
                    eprintln!("HTTP server stopped; waiting for the scheduler to finish its step");
                    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), &mut scheduler).await;
                    r.context("server failed")?;
                }
                r = &mut scheduler => {
                    eprintln!("alert scheduler stopped ({}); the server keeps serving until shutdown", match &r { Ok(()) => "shutdown".to_owned(), Err(e) => e.to_string() });
                    server.await.context("server failed")?;
                }
            }
        }
        store.close().await;
        Ok(Outcome::Ok)
    }
}
