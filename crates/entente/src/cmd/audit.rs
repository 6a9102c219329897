//! `entente audit verify`: re-checks every tenant's hash chain and names the first broken link.

use super::{Ctx, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    cmd: AuditCmd,
}

#[derive(Debug, clap::Subcommand)]
enum AuditCmd {
    /// Verify the audit chain of every organisation.
    Verify,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let AuditCmd::Verify = self.cmd;
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
