//! Subcommands, one file each; this module holds the global options, the store opening
//! shared by every command, and the dispatch.

mod admin;
mod alerts;
mod amend;
mod analyze;
mod approve;
mod audit;
mod bench;
mod bench_dates;
mod bench_login;
mod bench_pages;
mod bench_render;
mod check;
mod competitors;
mod dates;
mod demo;
mod diff;
mod dispute;
mod draft;
mod edit;
mod eval;
mod import;
mod json;
mod list;
mod obligations;
mod position;
mod review;
mod search;
mod serve;
mod show;
mod sign;
mod terminate;
mod train;
mod transition;
mod version;

use anyhow::Context;
use clap::{Parser, Subcommand};
use entente_domain::{Clock, Date};
use entente_store::{Actor, Store};
use std::path::PathBuf;

/// What a command concluded.
pub(crate) enum Outcome {
    /// Everything succeeded.
    Ok,
    /// The command ran, and what it checked failed (exit code 1).
    CheckFailed,
}

/// Entente: contract lifecycle management for cooperation agreements.
#[derive(Debug, Parser)]
#[command(name = "entente", version, about, long_about = None)]
pub(crate) struct Cli {
    /// Data directory of the embedded database.
    #[arg(
        long,
        global = true,
        env = "ENTENTE_DATA",
        default_value = "./entente-data"
    )]
    data: PathBuf,
    /// PostgreSQL URL (postgres://…); when set, it is used instead of the embedded database.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Organisation (tenant) slug to act in.
    #[arg(long, global = true, env = "ENTENTE_ORG", default_value = "default")]
    org: String,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Run the HTTP server (JSON API and OpenAPI document).
    Serve(serve::Args),
    /// Import agreements from TXT, Markdown, HTML, DOCX or PDF files.
    Import(import::Args),
    /// List agreements, with portfolio filters.
    List(list::Args),
    /// Show one agreement: parties, terms with their sources, obligations, versions.
    Show(show::Args),
    /// Full-text search over the clauses of each agreement's current text, with a total.
    Search(search::Args),
    /// Change an agreement's title, kind, owner, tags, tracking start or business-day calendar.
    Edit(edit::Args),
    /// Load the demo portfolio (two dozen cooperation agreements) into the organisation.
    Demo(demo::Args),
    /// Analyse documents without storing them: parties, key terms, obligations, clauses.
    Analyze(analyze::Args),
    /// Check agreements (files or stored) against a playbook: findings, risk score, exit code.
    Check(check::Args),
    /// Whether an agreement's parties compete, in which markets and with what combined share
    /// (read by the competition-law screen); `set` enters it.
    Competitors(competitors::Args),
    /// Score extraction against a labelled corpus (precision, recall, F1 per field).
    Eval(eval::Args),
    /// Train the learned parts of the analysis (clause classifier, confidence calibration)
    /// on a labelled corpus and write the model file.
    Train(train::Args),
    /// Draft an agreement from a template: files (.md, .html, .docx, .pdf) and a stored draft.
    Draft(draft::Args),
    /// Switch a clause of a template draft to another position, or list the positions.
    Position(position::Args),
    /// Key dates of one agreement, each with its derivation and clause.
    Dates(dates::Args),
    /// Obligation occurrences (due soon, overdue); mark done or waived; record measurements.
    Obligations(obligations::Args),
    /// Alerts: run the scheduler once (or --dry-run), the delivery log, a person's inbox.
    Alerts(alerts::Args),
    /// Benchmarks.
    Bench(bench::Args),
    /// Audit trail commands.
    Audit(audit::Args),
    /// Move an agreement through its lifecycle, or show its moves.
    Transition(transition::Args),
    /// Submit for approval, approve or reject a step, or show the approval chain.
    Approve(approve::Args),
    /// Record a party's signature against a version's SHA-256, or list signatures.
    Sign(sign::Args),
    /// Record an amendment, list amendments, or show the terms as amended on a date.
    Amend(amend::Args),
    /// Store a document as an agreement's next version, reconciled with what is tracked.
    Version(version::Args),
    /// Word-level redline of two versions (colour, JSON, or DOCX with tracked changes).
    Diff(diff::Args),
    /// Record a review and schedule the next one, or list reviews.
    Review(review::Args),
    /// Give notice of termination (effective date, duties after the end), or withdraw or void it.
    Terminate(terminate::Args),
    /// Disputes: open, list, show, escalate, resolve, tick.
    Dispute(dispute::Args),
    /// Accounts: create users and API tokens.
    Admin(admin::Args),
}

impl Cli {
    pub(crate) async fn run(self) -> anyhow::Result<Outcome> {
        init_tracing();
        let ctx = Ctx {
            data: self.data,
            database_url: self.database_url,
            org: self.org,
            clock: Clock::system(),
        };
        match self.cmd {
            Cmd::Serve(a) => a.run(ctx).await,
            Cmd::Import(a) => a.run(ctx).await,
            Cmd::List(a) => a.run(ctx).await,
            Cmd::Show(a) => a.run(ctx).await,
            Cmd::Edit(a) => a.run(ctx).await,
            Cmd::Search(a) => a.run(ctx).await,
            Cmd::Demo(a) => a.run(ctx).await,
            Cmd::Analyze(a) => a.run(),
            Cmd::Check(a) => a.run(ctx).await,
            Cmd::Competitors(a) => a.run(ctx).await,
            Cmd::Eval(a) => a.run(),
            Cmd::Train(a) => a.run(),
            Cmd::Bench(a) => a.run().await,
            Cmd::Draft(a) => a.run(ctx).await,
            Cmd::Position(a) => a.run(ctx).await,
            Cmd::Dates(a) => a.run(ctx).await,
            Cmd::Obligations(a) => a.run(ctx).await,
            Cmd::Alerts(a) => a.run(ctx).await,
            Cmd::Audit(a) => a.run(ctx).await,
            Cmd::Transition(a) => a.run(ctx).await,
            Cmd::Approve(a) => a.run(ctx).await,
            Cmd::Sign(a) => a.run(ctx).await,
            Cmd::Amend(a) => a.run(ctx).await,
            Cmd::Version(a) => a.run(ctx).await,
            Cmd::Diff(a) => a.run(ctx).await,
            Cmd::Review(a) => a.run(ctx).await,
            Cmd::Terminate(a) => a.run(ctx).await,
            Cmd::Dispute(a) => a.run(ctx).await,
            Cmd::Admin(a) => a.run(ctx).await,
        }
    }
}

/// Global options every command may need, and the one clock of this run.
pub(crate) struct Ctx {
    data: PathBuf,
    database_url: Option<String>,
    org: String,
    clock: Clock,
}

impl Ctx {
    /// Opens the configured store (PostgreSQL if a URL is set, else the embedded file), on
    /// this run's clock.
    pub(crate) async fn store(&self) -> anyhow::Result<Store> {
        let store = match self
            .database_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(url) => Store::connect(url)
                .await
                .with_context(|| format!("cannot open database {}", entente_store::redact(url))),
            None => Store::open_dir(&self.data)
                .await
                .with_context(|| format!("cannot open the data directory {}", self.data.display())),
        }?;
        Ok(store.with_clock(self.clock.clone()))
    }

    /// The store and the actor of this command line (the local operator in the tenant).
    pub(crate) async fn open(&self) -> anyhow::Result<(Store, Actor)> {
        let store = self.store().await?;
        let org = store
            .ensure_organisation(&self.org, &self.org)
            .await
            .context("cannot open the organisation")?;
        Ok((store, Actor::new(org, operator())))
    }

    /// As [`Ctx::open`]; with a `--today`, that date becomes today for the whole command (in
    /// the tenant's time zone, the time of day kept): every default, check and record of the
    /// command then agrees on the day.
    pub(crate) async fn open_on(&self, today: Option<Date>) -> anyhow::Result<(Store, Actor)> {
        let (store, actor) = self.open().await?;
        if let Some(d) = today {
            store.set_today(actor.org, d).await?;
        }
        Ok((store, actor))
    }
}

/// The local operator's name for the audit trail.
fn operator() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "operator".into());
    format!("cli:{user}")
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ENTENTE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Today in the actor's tenant (its time zone), on the store's clock.
pub(crate) async fn today(store: &Store, actor: &Actor) -> anyhow::Result<Date> {
    Ok(store.today(actor).await?)
}

/// Parses a `--today`-style flag.
pub(crate) fn parse_date(flag: &str, s: Option<&str>) -> anyhow::Result<Option<Date>> {
    s.map(Date::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--{flag}: {}", e.message))
}
