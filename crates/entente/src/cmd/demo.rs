//! `entente demo`: loads the demo portfolio into the organisation.

use super::{Ctx, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The day the demo's dates are laid out around (YYYY-MM-DD; default: today in the
    /// tenant's time zone). The whole load runs as on that day.
    #[arg(long, value_parser = parse_day)]
    today: Option<entente_domain::Date>,
}

fn parse_day(s: &str) -> Result<entente_domain::Date, String> {
    entente_domain::Date::parse(s).map_err(|e| e.message)
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open_on(self.today).await?;
        let r = entente_core::demo::load(&store, &actor).await?;
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
