//! `entente terminate ID`: records a termination notice (who gave it, when, under which
//! clause) and its effective date, withdraws or voids it, or shows the notice already given.

use super::{Ctx, Outcome, show::resolve, today};
use anyhow::Context;
use entente_domain::Date;
use entente_domain::lifecycle::{NoticeInput, Retirement, TerminationKind};
use entente_store::TerminationView;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
    id: String,
    /// convenience, cause, non_renewal or mutual.
    #[arg(long, requires = "by")]
    kind: Option<String>,
    /// Withdraw the notice in force (before it takes effect); needs --reason.
    #[arg(long, conflicts_with_all = ["kind", "void"], requires = "reason")]
    withdraw: bool,
    /// Void a notice recorded in error (also after it took effect); needs --reason.
    #[arg(long, conflicts_with = "kind", requires = "reason")]
    void: bool,
    /// The party giving notice (legal name, short name or id).
    #[arg(long)]
    by: Option<String>,
    /// Date notice was given (YYYY-MM-DD; default today).
    #[arg(long, value_parser = |s: &str| Date::parse(s).map_err(|e| e.message))]
    on: Option<Date>,
    /// Clause relied on, e.g. 14.2.
    #[arg(long)]
    clause: Option<String>,
    /// Reason.
    #[arg(long)]
    reason: Option<String>,
    /// A later effective date the notice names (YYYY-MM-DD).
    #[arg(long, value_parser = |s: &str| Date::parse(s).map_err(|e| e.message))]
    effective: Option<Date>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn print(t: &TerminationView) {
    println!(
        "{} notice by {} on {}{}",
        t.kind.as_str(),
        t.given_by,
        t.given_on,
        t.clause
            .as_deref()
            .map(|c| format!(" under clause {c}"))
            .unwrap_or_default()
    );
    println!(
        "effective {} ({})",
        t.plan.effective_date, t.plan.derivation
    );
    if let Some(r) = &t.retired {
        println!(
            "{} by {} on {}: {}",
            r.how.as_str(),
            r.by,
            r.at.get(..10).unwrap_or(&r.at),
            r.reason
        );
        return;
    }
    println!("duties after the end (from the contract):");
    if t.duties.is_empty() {
        println!("  none stated");
    }
    for d in &t.duties {
        println!(
            "  [{}] due {}: {} — {} ({})",
            if d.settled { "settled" } else { "open" },
            d.occurrence.due,
            d.obligation.obligor,
            d.obligation.text,
            d.occurrence.derivation
        );
    }
    if !t.obligations.is_empty() {
        println!("the organisation's close-out checklist:");
    }
    for o in &t.obligations {
        println!(
            "  [{}] due {}{}: {} — {}",
            o.status,
            o.due_date.map_or_else(|| "—".to_owned(), |d| d.to_string()),
            if o.survives { " (survives)" } else { "" },
            o.obligor,
            o.text
        );
    }
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let kind = self
            .kind
            .as_deref()
            .map(TerminationKind::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--kind: {}", e.message))?;
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        let retire = match (self.withdraw, self.void) {
            (true, _) => Some(Retirement::Withdrawn),
            (_, true) => Some(Retirement::Voided),
            _ => None,
        };
        let t = match (kind, retire) {
            (None, Some(how)) => Some(
                entente_core::governance::retire_notice(
                    &store,
                    &actor,
                    id,
                    how,
                    self.reason.as_deref().unwrap_or_default(),
                )
                .await
                .context("cannot retire the notice")?,
            ),
            (Some(kind), _) => {
                let notice = NoticeInput {
                    kind,
                    given_by: self.by.clone().unwrap_or_default(),
                    given_on: self.on,
                    clause: self.clause.clone(),
                    reason: self.reason.clone(),
                    effective_on: self.effective,
                };
                let today = today(&store, &actor).await?;
                Some(
                    entente_core::governance::give_notice(&store, &actor, id, &notice, today)
                        .await
                        .context("cannot record the termination notice")?,
                )
            }
            (None, None) => store.termination(&actor, id).await?,
        };
        let status = store.get_agreement(&actor, id).await?.status;
        store.close().await;
        if self.json {
            println!(
                "{}",
                super::json::pretty(&serde_json::json!({ "termination": t, "status": status }))?
            );
            return Ok(Outcome::Ok);
        }
        match &t {
            Some(t) => print(t),
            None => println!("no termination notice has been given"),
        }
        println!("agreement is {status}");
        Ok(Outcome::Ok)
    }
}
