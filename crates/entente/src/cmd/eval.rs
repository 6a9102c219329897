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
    /// Cross-validate instead: train on all folds but one, score that one, for each fold
    /// (the learned model is retrained; the committed one is not used).
    #[arg(long, value_parser = clap::value_parser!(u16).range(2..=20))]
    folds: Option<u16>,
}

impl Args {
    pub(crate) fn run(self) -> anyhow::Result<Outcome> {
        let report = match self.folds {
            Some(k) => entente_analysis::eval::cross_validate(&self.dir, usize::from(k))?,
            None => entente_analysis::eval::evaluate(&self.dir)?,
        };
        if self.json {
            println!("{}", super::json::pretty(&report)?);
        } else {
            println!("{report}");
        }
        Ok(Outcome::Ok)
    }
}
