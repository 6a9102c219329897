//! `entente eval DIR`: scores extraction against a labelled corpus (DIR/gold.jsonl).

use super::Outcome;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Corpus directory holding gold.jsonl (e.g. tests/corpus or ../shared/corpus/cuad-dev).
    dir: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) fn run(self) -> anyhow::Result<Outcome> {
        let report = entente_analysis::eval::evaluate(&self.dir)?;
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            println!("{report}");
        }
        Ok(Outcome::Ok)
    }
}
