//! `entente train DIR`: learns the clause classifier and the confidence calibration from a
//! labelled corpus (DIR/gold.jsonl) and writes the model file the analysis embeds.

use super::Outcome;
use anyhow::Context;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Labelled corpus to learn from (../shared/corpus/cuad-train); never the set you report on.
    dir: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "crates/entente-analysis/model/model.txt")]
    out: PathBuf,
}

impl Args {
    pub(crate) fn run(self) -> anyhow::Result<Outcome> {
        let model = entente_analysis::learn::train(&self.dir)?;
        std::fs::write(&self.out, model.to_text())
            .with_context(|| format!("cannot write {}", self.out.display()))?;
        println!(
            "model written to {} ({} categories)",
            self.out.display(),
            model.categories().len()
        );
        Ok(Outcome::Ok)
    }
}
