//! `entente diff ID`: a word-level redline of two versions, in colour on a terminal (deleted
//! red and struck through, inserted green and underlined), as JSON, or written to a DOCX with
//! tracked changes.

use super::{Ctx, Outcome, show::resolve};
use anyhow::Context;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
    id: String,
    /// Older version number (default: the one before --to).
    #[arg(long)]
    from: Option<u32>,
    /// Newer version number (default: the latest).
    #[arg(long)]
    to: Option<u32>,
    /// Write a DOCX with tracked changes (w:ins / w:del) to this file.
    #[arg(long, value_name = "FILE")]
    docx: Option<PathBuf>,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, default_value = "auto")]
    color: String,
    /// Print the structured diff as JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let colour = match self.color.as_str() {
            "always" => true,
            "never" => false,
            "auto" => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            other => anyhow::bail!("--color {other:?}: use auto, always or never"),
        };
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        let r = entente_core::governance::redline_versions(&store, &actor, id, self.from, self.to)
            .await
            .context("cannot compare the versions")?;
        let file = match &self.docx {
            Some(_) => Some(entente_core::governance::redline_file(&store, &actor, id, &r).await?),
            None => None,
        };
        store.close().await;
        if let (Some(path), Some(file)) = (&self.docx, file) {
            let bytes = file.bytes;
            std::fs::write(path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote {} (tracked changes: {} words inserted, {} deleted)",
                path.display(),
                r.redline.inserted_words,
                r.redline.deleted_words
            );
        }
        if self.json {
            println!("{}", super::json::pretty(&r)?);
        } else if self.docx.is_none() {
            println!(
                "version {} → version {}: {} words inserted, {} deleted\n",
                r.from.number, r.to.number, r.redline.inserted_words, r.redline.deleted_words
            );
            println!("{}", r.redline.render(colour));
        }
        Ok(Outcome::Ok)
    }
}
