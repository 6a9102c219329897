//! `entente import FILE…`: each file becomes an agreement in its own transaction, reported
//! done only after it committed; a bad file is reported and the rest go on.

use super::{Ctx, Outcome};
use anyhow::Context;
use entente_core::ImportOptions;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Files to import.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Owner e-mail for every imported agreement.
    #[arg(long)]
    owner: Option<String>,
    /// Kind (default: guessed from the document).
    #[arg(long)]
    kind: Option<String>,
    /// Status (default: active).
    #[arg(long)]
    status: Option<String>,
    /// Tag to add (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Largest file accepted, in MiB (1..=4096; a file of exactly this size is accepted).
    #[arg(long, default_value_t = entente_analysis::DEFAULT_MAX_MIB,
          value_parser = clap::value_parser!(u64).range(1..=entente_analysis::MAX_CONFIGURABLE_MIB))]
    max_mb: u64,
    /// Print one JSON object per file instead of text.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open().await?;
        let limits = entente_analysis::Limits::with_max_mib(self.max_mb);
        let bar = if self.files.len() > 1 && !self.json {
            let b = ProgressBar::new(self.files.len() as u64);
            b.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                    .context("progress template")?,
            );
            b
        } else {
            ProgressBar::hidden()
        };
        let mut failed = 0usize;
        for path in &self.files {
            let name = path.display().to_string();
            bar.set_message(name.clone());
            let result = match std::fs::read(path) {
                Err(e) => Err(anyhow::anyhow!("cannot read: {e}")),
                Ok(bytes) => {
                    let opts = ImportOptions {
                        owner: self.owner.clone(),
                        kind: self.kind.clone(),
                        status: self.status.clone(),
                        tags: self.tags.clone(),
                        ..Default::default()
                    };
                    entente_core::import_document(&store, &actor, &bytes, &name, opts, &limits)
                        .await
                        .map_err(anyhow::Error::from)
                }
            };
            match result {
                Ok(i) => {
                    let line = if self.json {
                        serde_json::json!({ "file": name, "ok": true, "agreement_id": i.agreement_id, "title": i.title, "clauses": i.clauses, "terms": i.terms, "obligations": i.obligations }).to_string()
                    } else {
                        format!(
                            "imported {name}: {} ({}; {} clauses, {} terms, {} obligations)",
                            i.agreement_id, i.title, i.clauses, i.terms, i.obligations
                        )
                    };
                    bar.suspend(|| println!("{line}"));
                }
                Err(e) => {
                    failed += 1;
                    if self.json {
                        bar.suspend(|| println!("{}", serde_json::json!({ "file": name, "ok": false, "error": format!("{e:#}") })));
                    } else {
                        bar.suspend(|| eprintln!("entente: {name}: {e:#}"));
                    }
                }
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        store.close().await;
        if failed > 0 {
            eprintln!(
                "{failed} of {} files failed; nothing of them was stored",
                self.files.len()
            );
            Ok(Outcome::CheckFailed)
        } else {
            Ok(Outcome::Ok)
        }
    }
}
