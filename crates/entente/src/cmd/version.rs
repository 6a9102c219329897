//! `entente version ID FILE`: stores a document as the agreement's next version and reconciles
//! it with what is tracked, as `POST /api/agreements/{id}/versions` does; prints what changed.

use super::{Ctx, Outcome, show::resolve};
use anyhow::Context;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
    id: String,
    /// The new version (TXT, Markdown, HTML, DOCX or PDF).
    file: PathBuf,
    /// Largest file accepted, in MiB (1..=4096; a file of exactly this size is accepted).
    #[arg(long, default_value_t = entente_analysis::DEFAULT_MAX_MIB,
          value_parser = clap::value_parser!(u64).range(1..=entente_analysis::MAX_CONFIGURABLE_MIB))]
    max_mb: u64,
    /// Print the version and its reconciliation as JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        // Read before any I/O on the database, so a wrong path changes nothing.
        let bytes = std::fs::read(&self.file)
            .with_context(|| format!("{}: cannot read", self.file.display()))?;
        let filename = self.file.file_name().map_or_else(
            || "version".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        let limits = entente_analysis::Limits::with_max_mib(self.max_mb);
        let result =
            entente_core::add_version_document(&store, &actor, id, &bytes, &filename, &limits)
                .await
                .with_context(|| {
                    format!("{}: cannot store it as a new version", self.file.display())
                });
        let (vid, summary) = match result {
            Ok(r) => r,
            Err(e) => {
                store.close().await;
                return Err(e);
            }
        };
        let mut v = store
            .list_versions(&actor, id)
            .await?
            .into_iter()
            .find(|v| v.id == vid)
            .context("the new version is not listed")?;
        store.close().await;
        if self.json {
            v.reconciliation = Some(summary);
            println!("{}", super::json::pretty(&v)?);
        } else {
            println!("{id}: version {} ({filename}) stored", v.number);
            println!("{summary}");
        }
        Ok(Outcome::Ok)
    }
}
