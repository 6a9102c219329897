//! `entente audit verify`: re-checks every tenant's hash chain and names the first broken link;
//! `entente audit export ID`: one agreement's events as JSON or CSV.

use super::{Ctx, Outcome, show::resolve};
use anyhow::Context;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    cmd: AuditCmd,
}

#[derive(Debug, clap::Subcommand)]
enum AuditCmd {
    /// Verify the audit chain of every organisation.
    Verify,
    /// Export one agreement's audit events (with their hash-chain fields).
    Export {
        /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
        id: String,
        /// json or csv.
        #[arg(long, default_value = "json")]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        if let AuditCmd::Export { id, format, output } = self.cmd {
            return export(ctx, &id, &format, output).await;
        }
        let store = ctx.store().await?;
        let mut broken = 0;
        for (org, slug) in store.organisations().await? {
            match store.verify_audit(org).await? {
                None => println!("{slug}: audit trail intact"),
                Some(b) => {
                    broken += 1;
                    println!("{slug}: BROKEN at event {}: {}", b.seq, b.reason);
                }
            }
        }
        store.close().await;
        Ok(if broken == 0 {
            Outcome::Ok
        } else {
            Outcome::CheckFailed
        })
    }
}

async fn export(
    ctx: Ctx,
    id: &str,
    format: &str,
    output: Option<PathBuf>,
) -> anyhow::Result<Outcome> {
    if format != "json" && format != "csv" {
        anyhow::bail!("--format {format:?}: use json or csv");
    }
    let (store, actor) = ctx.open().await?;
    let id = resolve(&store, &actor, id).await?;
    let events = store.list_audit(&actor, Some(id)).await?;
    store.close().await;
    let text = if format == "csv" {
        entente_core::governance::audit_csv(&events)
    } else {
        super::json::pretty(&events)? + "\n"
    };
    match output {
        Some(p) => {
            std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
            eprintln!("wrote {} events to {}", events.len(), p.display());
        }
        None => print!("{text}"),
    }
    Ok(Outcome::Ok)
}
