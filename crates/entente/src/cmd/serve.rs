//! `entente serve`: opens the store, optionally loads the demo portfolio, and serves HTTP
//! until SIGINT/SIGTERM.

use super::{Ctx, Outcome, today};
use anyhow::Context;
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
    /// Largest document accepted, in MB.
    #[arg(long, env = "ENTENTE_MAX_UPLOAD_MB", default_value_t = 50)]
    max_upload_mb: u64,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open().await?;
        if self.demo {
            let r = entente_core::demo::load(&store, &actor, today())
                .await
                .context("cannot load the demo portfolio")?;
            if !r.skipped {
                eprintln!(
                    "loaded the demo portfolio: {} agreements, {} obligations",
                    r.agreements, r.obligations
                );
            }
        }
        let limits = entente_analysis::Limits {
            max_bytes: self.max_upload_mb * 1024 * 1024,
            ..Default::default()
        };
        let state = AppState {
            store: store.clone(),
            limits,
            org: actor.org,
        };
        let app = Application::bind(self.bind, state)
            .await
            .with_context(|| format!("cannot listen on {}", self.bind))?;
        let addr = app.local_addr()?;
        eprintln!("entente listening on http://{addr} (API at /api, OpenAPI at /api/openapi.json)");
        app.run_until(shutdown_signal())
            .await
            .context("server failed")?;
        store.close().await;
        Ok(Outcome::Ok)
    }
}
