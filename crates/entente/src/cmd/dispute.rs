//! `entente dispute …`: open a dispute on an agreement (its tiers and clocks come from the
//! dispute-resolution clause), list and show disputes, escalate by decision or when clocks
//! have run out, and record the outcome.

use super::{Ctx, Outcome, parse_date, show::resolve, today};
use anyhow::Context;
use entente_domain::dispute::{Dispute, DisputeDraft, DisputeStatus};
use entente_domain::{Date, DisputeId, Money};
use entente_store::{Actor, Store};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    cmd: DisputeCmd,
    /// Print JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum DisputeCmd {
    /// Open a dispute on an agreement.
    Open {
        /// Agreement id, or its last 8+ characters.
        id: String,
        /// What it is about.
        #[arg(long)]
        subject: String,
        /// A party in dispute (repeatable).
        #[arg(long = "party")]
        parties: Vec<String>,
        /// Amount in dispute, e.g. "120000 EUR".
        #[arg(long)]
        amount: Option<String>,
        /// Date notified (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// List an agreement's disputes.
    List {
        /// Agreement id, or its last 8+ characters.
        id: String,
    },
    /// Show one dispute with its tiers, clock and history.
    Show {
        /// Dispute id.
        dispute: String,
    },
    /// Move a dispute to its next tier.
    Escalate {
        /// Dispute id.
        dispute: String,
        /// Why.
        #[arg(long)]
        note: Option<String>,
        /// Date the next tier starts (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// Record how a dispute ended.
    Resolve {
        /// Dispute id.
        dispute: String,
        /// settled, withdrawn or decided.
        #[arg(long)]
        outcome: String,
        /// What was agreed or decided.
        #[arg(long)]
        notes: Option<String>,
        /// Settlement, e.g. "40000 EUR".
        #[arg(long)]
        settlement: Option<String>,
        /// Date (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// Escalate every open dispute whose tier clock has run out (run daily).
    Tick {
        /// The day clocks are checked against (default: today in the tenant's time zone); the
        /// escalations are recorded on it.
        #[arg(long)]
        today: Option<String>,
    },
}

fn money(s: &str) -> anyhow::Result<Money> {
    let (a, c) = s.trim().rsplit_once(' ').ok_or_else(|| {
        anyhow::anyhow!("{s:?}: give an amount and a currency, e.g. \"120000 EUR\"")
    })?;
    Money::parse(a, c).map_err(|e| anyhow::anyhow!("{s:?}: {e}"))
}

/// The date in `--flag`, else today in the tenant's time zone.
async fn date(store: &Store, actor: &Actor, flag: &str, s: Option<&str>) -> anyhow::Result<Date> {
    match parse_date(flag, s)? {
        Some(d) => Ok(d),
        None => today(store, actor).await,
    }
}

fn dispute_id(s: &str) -> anyhow::Result<DisputeId> {
    s.parse()
        .map_err(|e: entente_domain::ValidationError| anyhow::anyhow!("{}", e.message))
}

fn print(d: &Dispute) {
    println!("dispute {} — {} [{}]", d.id, d.subject, d.status.as_str());
    if let Some(a) = &d.amount {
        println!("  amount {a}");
    }
    for (i, t) in d.tiers.iter().enumerate() {
        let mark = if i == d.tier && d.status == DisputeStatus::Open {
            "→"
        } else {
            " "
        };
        println!(
            "  {mark} {}. {}{} ({})",
            i + 1,
            t.kind,
            t.period
                .map(|p| format!(", {}", p.human()))
                .unwrap_or_default(),
            t.source
        );
    }
    if let Some(dl) = d.deadline() {
        println!("  clock: tier began {}, runs out {dl}", d.tier_started_on);
    }
    for e in &d.events {
        println!(
            "  {} {} by {}{}",
            e.on,
            e.kind,
            e.by,
            e.note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default()
        );
    }
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        // `tick --today` runs the whole command on that day.
        let on = match &self.cmd {
            DisputeCmd::Tick { today } => parse_date("today", today.as_deref())?,
            _ => None,
        };
        let (store, actor) = ctx.open_on(on).await?;
        let out: Vec<Dispute> = match self.cmd {
            DisputeCmd::Open {
                id,
                subject,
                parties,
                amount,
                on,
            } => {
                let id = resolve(&store, &actor, &id).await?;
                let draft = DisputeDraft {
                    subject,
                    parties,
                    amount: amount.as_deref().map(money).transpose()?,
                    opened_on: on,
                    tiers: None,
                };
                vec![
                    entente_core::governance::open_dispute(&store, &actor, id, &draft)
                        .await
                        .context("cannot open the dispute")?,
                ]
            }
            DisputeCmd::List { id } => {
                let id = resolve(&store, &actor, &id).await?;
                store.disputes(&actor, id).await?
            }
            DisputeCmd::Show { dispute } => {
                vec![store.get_dispute(&actor, dispute_id(&dispute)?).await?]
            }
            DisputeCmd::Escalate { dispute, note, on } => vec![
                store
                    .escalate_dispute(
                        &actor,
                        dispute_id(&dispute)?,
                        date(&store, &actor, "on", on.as_deref()).await?,
                        note,
                    )
                    .await
                    .context("cannot escalate")?,
            ],
            DisputeCmd::Resolve {
                dispute,
                outcome,
                notes,
                settlement,
                on,
            } => {
                let status = DisputeStatus::parse(&outcome)
                    .map_err(|e| anyhow::anyhow!("--outcome: {}", e.message))?;
                let settlement = settlement.as_deref().map(money).transpose()?;
                vec![
                    store
                        .resolve_dispute(
                            &actor,
                            dispute_id(&dispute)?,
                            status,
                            date(&store, &actor, "on", on.as_deref()).await?,
                            notes,
                            settlement,
                        )
                        .await
                        .context("cannot record the outcome")?,
                ]
            }
            DisputeCmd::Tick { .. } => {
                let today = today(&store, &actor).await?;
                store.escalate_due_disputes(&actor, today).await?
            }
        };
        store.close().await;
        if self.json {
            println!("{}", serde_json::to_string_pretty(&out)?);
        } else if out.is_empty() {
            println!("no disputes");
        } else {
            out.iter().for_each(print);
        }
        Ok(Outcome::Ok)
    }
}
