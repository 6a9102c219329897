//! `entente approve ID`: submits an agreement for approval, decides a step of its chain
//! (approve, or reject with a comment), or shows the chain's rounds with the version each approves.

use super::{Ctx, Outcome, show::resolve};
use anyhow::{Context, bail};
use entente_domain::access::Role;
use entente_domain::approval::{ApprovalChain, Decision};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
    id: String,
    /// Submit for approval (a draft moves to review; after a rejection, a new round starts).
    #[arg(long, conflicts_with_all = ["step", "reject"])]
    submit: bool,
    /// The step to decide, e.g. legal; omit to show the chain.
    #[arg(long)]
    step: Option<String>,
    /// Reject the step (needs --comment); the agreement stays in review.
    #[arg(long, requires = "step")]
    reject: bool,
    /// Comment recorded with the decision.
    #[arg(long)]
    comment: Option<String>,
    /// With --submit: move a template draft to review despite findings at or above the
    /// blocking severity; the reason is recorded in the audit trail.
    #[arg(long = "override", value_name = "REASON", requires = "submit")]
    override_reason: Option<String>,
    /// The role you decide as (default admin: the local operator may decide any step).
    #[arg(long, default_value = "admin")]
    role: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn print_chain(c: &ApprovalChain) {
    let version = c.version.as_ref().map_or_else(
        || "the agreement without a document".to_owned(),
        |v| format!("version {} (sha256 {})", v.number, v.sha256),
    );
    println!("round {} — {} — {version}", c.round, c.state);
    if let Some(s) = &c.superseded {
        println!(
            "  superseded by version {} (sha256 {}), added by {} at {}: {}",
            s.version.number, s.version.sha256, s.by, s.at, s.reason
        );
    }
    for w in &c.warnings {
        println!("  note: {w}");
    }
    for s in &c.steps {
        let decided = match (&s.decided_by, s.decided_at, &s.version) {
            (Some(by), Some(at), Some(v)) => format!(" by {by} at {at} on version {}", v.number),
            (Some(by), Some(at), None) => format!(" by {by} at {at}"),
            _ => String::new(),
        };
        let comment = s
            .comment
            .as_deref()
            .map(|c| format!(" — \u{201c}{c}\u{201d}"))
            .unwrap_or_default();
        println!(
            "  stage {} {:<12} {:<14} {}{decided}{comment}   ({})",
            s.stage,
            s.name,
            s.role.as_str(),
            s.status.as_str(),
            s.reason
        );
    }
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let role = Role::parse(&self.role).map_err(|e| anyhow::anyhow!("{}", e.message))?;
        if self.reject && self.comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
            bail!("a rejection needs --comment saying what to change");
        }
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        if self.submit {
            let c = entente_core::draft::submit_for_approval(
                &store,
                &actor,
                id,
                self.comment.as_deref(),
                self.override_reason.as_deref(),
            )
            .await
            .context("cannot submit for approval")?;
            store.close().await;
            if self.json {
                println!("{}", super::json::pretty(&c)?);
            } else {
                print_chain(&c);
            }
            return Ok(Outcome::Ok);
        }
        if let Some(step) = &self.step {
            let decision = if self.reject {
                Decision::Reject
            } else {
                Decision::Approve
            };
            let (c, status) = store
                .decide_approval(&actor, role, id, step, decision, self.comment.as_deref())
                .await
                .context("cannot record the decision")?;
            store.close().await;
            if self.json {
                println!(
                    "{}",
                    super::json::pretty(&serde_json::json!({ "chain": c, "status": status }))?
                );
            } else {
                print_chain(&c);
                println!("agreement is {status}");
            }
            return Ok(Outcome::Ok);
        }
        let rounds = store.approval_rounds(&actor, id).await?;
        store.close().await;
        if self.json {
            println!("{}", super::json::pretty(&rounds)?);
        } else if rounds.is_empty() {
            println!(
                "not submitted for approval yet (entente approve {} --submit)",
                self.id
            );
        } else {
            rounds.iter().for_each(print_chain);
        }
        Ok(Outcome::Ok)
    }
}
