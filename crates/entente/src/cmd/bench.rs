//! `entente bench analyze DIR`: throughput of the whole analysis pipeline; `entente bench
//! dates`: deadline and listing queries; `entente bench pages`: the web UI's main pages;
//! `entente bench login`: the sign-in throttle under a flood; `entente bench render`: drafts
//! rendered per second per format.

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
    /// Load N synthetic agreements into a temporary store and time deadline and listing queries.
    Dates {
        /// Number of agreements.
        #[arg(long, default_value_t = 100_000)]
        agreements: usize,
        /// Queries per measurement.
        #[arg(long, default_value_t = 200)]
        queries: usize,
        /// PostgreSQL server URL: run on a throw-away database created there (and dropped
        /// afterwards) instead of a temporary SQLite file.
        #[arg(long, value_name = "URL")]
        postgres: Option<String>,
    },
    /// Serve the web UI on a temporary store holding the demo portfolio (and synthetic
    /// agreements up to N) and time each main page as a signed-in person gets it.
    Pages {
        /// Agreements in the portfolio: the demo's, plus synthetic ones up to this number.
        #[arg(long, default_value_t = 24)]
        agreements: usize,
        /// Requests per page.
        #[arg(long, default_value_t = 100)]
        requests: usize,
        /// PostgreSQL server URL: run on a throw-away database created there (and dropped
        /// afterwards) instead of a temporary SQLite file.
        #[arg(long, value_name = "URL")]
        postgres: Option<String>,
    },
    /// Render the five templates' example drafts in every format and print documents per
    /// second per format.
    Render {
        /// Rounds over the five drafts per format.
        #[arg(long, default_value_t = 4)]
        rounds: usize,
    },
    /// Start the server on a temporary store, flood sign-in from one address, and time
    /// /healthz meanwhile; exit code 1 if the throttle or the server's health did not hold.
    Login {
        /// Failed sign-ins to send.
        #[arg(long, default_value_t = 200)]
        attempts: usize,
        /// Sign-ins in flight at once.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// PostgreSQL server URL: run on a throw-away database created there (and dropped
        /// afterwards) instead of a temporary SQLite file.
        #[arg(long, value_name = "URL")]
        postgres: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

impl Args {
    pub(crate) async fn run(self) -> anyhow::Result<Outcome> {
        let (dir, threads) = match self.cmd {
            BenchCmd::Analyze { dir, threads } => (dir, threads),
            BenchCmd::Dates {
                agreements,
                queries,
                postgres,
            } => {
                return super::bench_dates::run(agreements, queries, postgres.as_deref()).await;
            }
            BenchCmd::Pages {
                agreements,
                requests,
                postgres,
            } => {
                return super::bench_pages::run(agreements, requests, postgres.as_deref()).await;
            }
            BenchCmd::Render { rounds } => return super::bench_render::run(rounds),
            BenchCmd::Login {
                attempts,
                concurrency,
                postgres,
                json,
            } => {
                let opts = super::bench_login::Options {
                    attempts,
                    concurrency,
                    postgres,
                    json,
                };
                return super::bench_login::run(opts).await;
            }
        };
        let all =
            threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        // One report: its one-core rows run on one thread whatever `all` is, so a second
        // report on one thread would only repeat them. The report ends with its own newline.
        print!("{}", entente_analysis::bench::run(&dir, all)?);
        Ok(Outcome::Ok)
    }
}
