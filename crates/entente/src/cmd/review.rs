//! `entente review ID`: records a review's outcome (no_change, amend, terminate) and schedules
//! the next one from the review cycle; without --outcome it lists the reviews.

use super::{Ctx, Outcome, show::resolve, today};
use anyhow::Context;
use entente_domain::lifecycle::ReviewOutcome;
use entente_domain::{Date, Period};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
    id: String,
    /// no_change, amend or terminate.
    #[arg(long)]
    outcome: Option<String>,
    /// Notes.
    #[arg(long)]
    notes: Option<String>,
    /// Date held (default today).
    #[arg(long)]
    on: Option<String>,
    /// Cycle to the next review when the agreement states none (e.g. P6M).
    #[arg(long)]
    cycle: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let err =
            |f: &str, e: entente_domain::ValidationError| anyhow::anyhow!("--{f}: {}", e.message);
        let outcome = self
            .outcome
            .as_deref()
            .map(ReviewOutcome::parse)
            .transpose()
            .map_err(|e| err("outcome", e))?;
        let on = self
            .on
            .as_deref()
            .map(Date::parse)
            .transpose()
            .map_err(|e| err("on", e))?;
        let cycle = self
            .cycle
            .as_deref()
            .map(Period::parse)
            .transpose()
            .map_err(|e| err("cycle", e))?;
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        let reviews = match outcome {
            Some(o) => {
                let on = match on {
                    Some(d) => d,
                    None => today(&store, &actor).await?,
                };
                store
                    .record_review(&actor, id, o, self.notes.as_deref(), on, cycle)
                    .await
                    .context("cannot record the review")?
            }
            None => store.reviews(&actor, id).await?,
        };
        store.close().await;
        if self.json {
            println!("{}", super::json::pretty(&reviews)?);
            return Ok(Outcome::Ok);
        }
        for r in &reviews {
            match (r.outcome, r.reviewed_on) {
                (Some(o), Some(d)) => println!(
                    "{}  held {d} by {}: {}{}",
                    r.due_date,
                    r.reviewed_by.as_deref().unwrap_or("—"),
                    o.as_str(),
                    r.notes
                        .as_deref()
                        .map(|n| format!(" — {n}"))
                        .unwrap_or_default()
                ),
                _ => println!("{}  scheduled ({})", r.due_date, r.derivation),
            }
        }
        Ok(Outcome::Ok)
    }
}
