//! `entente bench analyze DIR`: throughput of the whole analysis pipeline.

use super::Outcome;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    cmd: BenchCmd,
}

#[derive(Debug, clap::Subcommand)]
enum BenchCmd {
    /// Ingest and analyse every document in DIR, on one core and on all cores.
    Analyze {
        /// Directory of documents.
        dir: PathBuf,
        /// Threads for the parallel run (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
}

impl Args {
    pub(crate) fn run(self) -> anyhow::Result<Outcome> {
        let BenchCmd::Analyze { dir, threads } = self.cmd;
        let all =
            threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        println!("{}", entente_analysis::bench::run(&dir, 1)?);
        if all > 1 {
            println!("{}", entente_analysis::bench::run(&dir, all)?);
        }
        Ok(Outcome::Ok)
    }
}
