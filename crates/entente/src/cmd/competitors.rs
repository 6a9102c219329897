//! `entente competitors ID`: shows whether an agreement's parties compete, in which markets and
//! with what combined share; `entente competitors ID set …` enters it (audited, re-checked).

use super::{Ctx, Outcome, show::resolve};
use anyhow::Context;
use entente_domain::competition::{CompetitorContext, CompetitorInput};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
    id: String,
    #[command(subcommand)]
    set: Option<Set>,
    /// Print as JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Set {
    /// Enter the competitor context (replaces the one stored; the audit trail keeps the old).
    Set {
        /// Whether the parties compete: none, actual or potential.
        #[arg(long)]
        competing: String,
        /// A market in which they compete (repeatable), e.g. "fleet software, EEA".
        #[arg(long = "market", value_name = "MARKET")]
        markets: Vec<String>,
        /// Their combined share of that market, in percent (0 to 100).
        #[arg(long, value_name = "PERCENT")]
        share: Option<f64>,
    },
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        // Validate before any I/O: a typo changes nothing.
        let input = match &self.set {
            Some(Set::Set {
                competing,
                markets,
                share,
            }) => {
                let i = CompetitorInput {
                    competing: Some(competing.clone()),
                    markets: markets.clone(),
                    combined_share: *share,
                };
                CompetitorContext::try_from(i.clone()).map_err(|e| {
                    let lines: Vec<String> =
                        e.0.iter()
                            .map(|v| {
                                let flag = match v.field.split('[').next().unwrap_or_default() {
                                    "markets" => "--market",
                                    "combined_share" => "--share",
                                    _ => "--competing",
                                };
                                format!("{flag} ({}): {}", v.field, v.message)
                            })
                            .collect();
                    anyhow::anyhow!("{}", lines.join("; "))
                })?;
                Some(i)
            }
            None => None,
        };
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        let stored = match input {
            Some(i) => Some(
                entente_core::competitors::set_competitors(&store, &actor, id, i)
                    .await
                    .context("cannot store the competitor context")?,
            ),
            None => entente_core::competitors::competitors(&store, &actor, id).await?,
        };
        store.close().await;
        if self.json {
            println!(
                "{}",
                super::json::pretty(&serde_json::json!({
                    "agreement_id": id,
                    "competitors": stored,
                }))?
            );
            return Ok(Outcome::Ok);
        }
        match stored {
            Some(s) => println!(
                "{id}: {} (entered by {} at {})",
                s.context.summary(),
                s.updated_by,
                s.updated_at
            ),
            None => println!(
                "{id}: no competitor context entered (set it with `entente competitors {} set --competing actual --market NAME --share PERCENT`)",
                self.id
            ),
        }
        Ok(Outcome::Ok)
    }
}
