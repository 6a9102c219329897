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
        /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
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
        /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
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
    /// Escalate every open dispute whose tier clock has run out (run daily); prints each
    /// escalation.
    Tick {
        /// The day clocks are checked against (default: today in the tenant's time zone). A
        /// later day is refused unless --dry-run: escalations are recorded when they happen.
        #[arg(long)]
        today: Option<String>,
        /// Show what would escalate on --today and record nothing.
        #[arg(long)]
        dry_run: bool,
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

/// One line per escalation a tick made (or would make): the dispute, the tier it left, the
/// tier it reached with the clause that states it, and the day.
fn print_escalation(d: &Dispute, dry_run: bool) {
    let from = d.tier.checked_sub(1).and_then(|i| d.tiers.get(i));
    let to = d.current();
    let on = d.tier_started_on;
    let why = d
        .events
        .last()
        .and_then(|e| e.note.as_deref())
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    println!(
        "{} dispute {} \"{}\": {} → {}{} under {}, on {on}{why}",
        if dry_run {
            "would escalate"
        } else {
            "escalated"
        },
        d.id,
        d.subject,
        from.map_or("?", |t| t.kind.as_str()),
        to.map_or("?", |t| t.kind.as_str()),
        to.and_then(|t| t.detail.as_deref())
            .map(|x| format!(" ({x})"))
            .unwrap_or_default(),
        to.map_or("?", |t| t.source.as_str()),
    );
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open().await?;
        if let DisputeCmd::Tick {
            today: day,
            dry_run,
        } = &self.cmd
        {
            let real = today(&store, &actor).await?;
            let day = parse_date("today", day.as_deref())?.unwrap_or(real);
            if day > real && !dry_run {
                store.close().await;
                anyhow::bail!(
                    "--today: {day} is after today ({real}); escalations are recorded on the day they happen, add --dry-run to rehearse that day"
                );
            }
            let out = store.escalate_due_disputes(&actor, day, *dry_run).await?;
            store.close().await;
            if self.json {
                println!("{}", super::json::pretty(&out)?);
                return Ok(Outcome::Ok);
            }
            for d in &out {
                print_escalation(d, *dry_run);
            }
            match (out.len(), *dry_run) {
                (0, _) => println!("no dispute's clock ran out before {day}"),
                (n, true) => println!(
                    "dry run for {day}: {n} dispute(s) would escalate; nothing was recorded"
                ),
                (n, false) => println!("{n} dispute(s) escalated"),
            }
            return Ok(Outcome::Ok);
        }
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
            // Answered above, before the match.
            DisputeCmd::Tick { .. } => Vec::new(),
        };
        store.close().await;
        if self.json {
            println!("{}", super::json::pretty(&out)?);
        } else if out.is_empty() {
            println!("no disputes");
        } else {
            out.iter().for_each(print);
        }
        Ok(Outcome::Ok)
    }
}
