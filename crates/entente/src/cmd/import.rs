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
    /// A party as "Name:role" (repeatable); given parties replace those found in the
    /// document. Without two parties the agreement is still stored, the gap flagged.
    #[arg(long = "party", value_name = "NAME:ROLE")]
    parties: Vec<String>,
    /// Import as a template to draft from: stored as a draft tagged `template`.
    #[arg(long)]
    template: bool,
    /// The day tracking begins (YYYY-MM-DD, today at the latest): obligation occurrences due
    /// earlier are history, neither overdue nor alerted. Default: today for an executed
    /// agreement (any status from active on), so a legacy portfolio does not arrive with
    /// years of overdue items; from the start for a draft.
    #[arg(long, value_name = "DATE")]
    track_from: Option<String>,
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
        // A bad tracking start is refused before any file is read, so nothing is stored.
        let track_from = self
            .track_from
            .as_deref()
            .map(entente_domain::Date::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--track-from: {}", e.message))?;
        let parties = self
            .parties
            .iter()
            .map(|p| entente_domain::party::AgreementPartyDraft::from_spec(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("--party: {}", e.message))?;
        let (store, actor) = ctx.open().await?;
        if let Some(t) = track_from {
            let today = entente_core::import_today(&store, &actor).await?;
            if let Err(e) = entente_domain::agreement::check_tracked_from("", t, today) {
                store.close().await;
                anyhow::bail!("--track-from: {}", e.message);
            }
        }
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
                        track_from,
                        parties: parties.clone(),
                        template: self.template,
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
                        serde_json::json!({ "file": name, "ok": true, "agreement_id": i.agreement_id, "title": i.title, "clauses": i.clauses, "terms": i.terms, "obligations": i.obligations, "tracked_from": i.tracked_from, "gaps": i.gaps }).to_string()
                    } else {
                        let tracked = i
                            .tracked_from
                            .map(|d| format!("; tracked from {d}"))
                            .unwrap_or_default();
                        let mut line = format!(
                            "imported {name}: {} ({}; {} clauses, {} terms, {} obligations{tracked})",
                            i.agreement_id, i.title, i.clauses, i.terms, i.obligations
                        );
                        for g in &i.gaps {
                            line.push_str(&format!("\n  to complete: {}: {}", g.field, g.reason));
                        }
                        line
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
