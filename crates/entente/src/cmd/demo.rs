//! `entente demo`: loads the demo portfolio into the organisation.

use super::{Ctx, Outcome, today};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open().await?;
        let r = entente_core::demo::load(&store, &actor, today()).await?;
        if r.skipped {
            println!(
                "organisation {:?} already holds agreements; the demo was not loaded",
                ctx.org
            );
        } else {
            println!(
                "loaded {} demo agreements with {} obligations into {:?}",
                r.agreements, r.obligations, ctx.org
            );
        }
        store.close().await;
        Ok(Outcome::Ok)
    }
}
