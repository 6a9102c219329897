//! `entente transition ID [STATUS]`: moves an agreement through its lifecycle (the move is
//! checked against the status graph and its gates, and recorded with who, when and why), or
//! shows the history of its moves.

use super::{Ctx, Outcome, show::resolve};
use anyhow::Context;
use entente_domain::AgreementStatus;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
    id: String,
    /// Target status (draft, in_review, approved, out_for_signature, active, amended, expiring,
    /// renewed, termination_notice, wind_down, closed, cancelled); omit to show the history.
    status: Option<String>,
    /// Why (recorded with the move and in the audit trail).
    #[arg(long)]
    reason: Option<String>,
    /// Move a template draft to in_review despite findings at or above the blocking
    /// severity; the reason is recorded in the audit trail as `draft.override`.
    #[arg(long = "override", value_name = "REASON")]
    override_reason: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        // Parse before any I/O, so a typo is reported without touching the database.
        let next = self
            .status
            .as_deref()
            .map(AgreementStatus::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        if let Some(next) = next {
            let now = entente_core::draft::move_agreement(
                &store,
                &actor,
                id,
                next,
                self.reason.as_deref(),
                self.override_reason.as_deref(),
            )
            .await
            .context("cannot move the agreement")?;
            if self.json {
                println!("{}", serde_json::json!({ "id": id, "status": now }));
            } else {
                println!("{id}: now {now}");
            }
        }
        let history = store.transitions(&actor, id).await?;
        store.close().await;
        if self.json {
            if next.is_none() {
                println!("{}", super::json::pretty(&history)?);
            }
            return Ok(Outcome::Ok);
        }
        if next.is_none() {
            if history.is_empty() {
                println!("no recorded moves");
            }
            for t in &history {
                println!(
                    "{}  {} → {}  by {} ({}){}",
                    t.at,
                    t.from,
                    t.to,
                    t.by,
                    t.via.as_str(),
                    t.reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                );
            }
        }
        Ok(Outcome::Ok)
    }
}
