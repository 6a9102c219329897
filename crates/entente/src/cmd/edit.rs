//! `entente edit ID`: changes an agreement's own fields (title, kind, owner, tags, tracking
//! start, the business-day calendar set on it), as `PATCH /api/agreements/{id}` does.

use super::{Ctx, Outcome, show::resolve};
use anyhow::Context;
use entente_domain::agreement::AgreementChange;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
    id: String,
    /// New title.
    #[arg(long)]
    title: Option<String>,
    /// New kind (e.g. services, partnership, research).
    #[arg(long)]
    kind: Option<String>,
    /// New owner (an e-mail address; "" clears it).
    #[arg(long)]
    owner: Option<String>,
    /// Replacement tag set, comma-separated ("" removes every tag).
    #[arg(long, value_delimiter = ',')]
    tags: Option<Vec<String>>,
    /// The day tracking begins (YYYY-MM-DD, today at the latest; "" tracks from the
    /// effective date on).
    #[arg(long)]
    tracked_from: Option<String>,
    /// Business-day calendar set on the agreement, by built-in code (gb-eng, us, us-ny, de,
    /// nl …); it wins over the parties' jurisdiction and the governing law. "" clears it.
    #[arg(long, value_name = "CODE")]
    calendar: Option<String>,
    /// Print the agreement as JSON afterwards.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        // `--tags ""` gives one empty item: no tags at all.
        let tags = self.tags.map(|t| {
            t.into_iter()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
        });
        // Parse before any I/O, so a typo is reported without touching the database.
        let change = AgreementChange::from_text_with_calendar(
            self.title.as_deref(),
            self.kind.as_deref(),
            self.owner.as_deref(),
            tags.as_deref(),
            self.tracked_from.as_deref(),
            self.calendar.as_deref(),
        )
        .map_err(|e| {
            let lines: Vec<String> =
                e.0.iter()
                    .map(|v| format!("--{}: {}", v.field.replace('_', "-"), v.message))
                    .collect();
            anyhow::anyhow!("{}", lines.join("; "))
        })?;
        if change == AgreementChange::default() {
            anyhow::bail!(
                "nothing to change: give --title, --kind, --owner, --tags, --tracked-from or --calendar"
            );
        }
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        store
            .update_agreement(&actor, id, &change)
            .await
            .context("cannot change the agreement")?;
        let a = store.get_agreement(&actor, id).await?;
        store.close().await;
        if self.json {
            println!("{}", super::json::pretty(&a)?);
        } else {
            println!(
                "{id}: {}  ·  {}  ·  owner {}  ·  calendar {}",
                a.title,
                a.kind,
                a.owner.as_deref().unwrap_or("—"),
                a.calendar
                    .as_deref()
                    .unwrap_or("chosen from parties and law")
            );
        }
        Ok(Outcome::Ok)
    }
}
