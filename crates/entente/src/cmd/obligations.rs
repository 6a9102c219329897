//! `entente obligations`: obligation occurrences across the portfolio (due soon, overdue),
//! marking one done (with evidence) or waived, and recording performance measurements.

use super::show::resolve;
use super::{Ctx, Outcome};
use anyhow::{Context, bail};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use entente_domain::measurement::MeasurementInput;
use entente_domain::occurrence::OccurrenceUpdate;
use entente_domain::query::DayWindow;
use entente_domain::{Date, ObligationId, Period};
use entente_store::{Actor, Store};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct Args {
    /// Only occurrences due from today to today + this long (`30d`, `4w`, `3m`, `P30D`, `30`).
    #[arg(long, value_name = "PERIOD")]
    due_within: Option<String>,
    /// Only overdue occurrences.
    #[arg(long)]
    overdue: bool,
    /// Only this owner's or watcher's (e-mail).
    #[arg(long)]
    owner: Option<String>,
    /// Only this agreement (id or its last 8+ characters).
    #[arg(long)]
    agreement: Option<String>,
    /// The day to take as today (YYYY-MM-DD; default: today in the tenant's time zone). The
    /// whole command runs as on that day.
    #[arg(long)]
    today: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(subcommand)]
    cmd: Option<Sub>,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Mark one occurrence done, with a note and optional evidence file.
    Done {
        /// Obligation id (or its last 8+ characters).
        obligation: String,
        /// The occurrence's due date.
        #[arg(long)]
        due: String,
        /// What was done.
        #[arg(long)]
        note: Option<String>,
        /// A file proving it (report, e-mail, minutes); stored with the occurrence.
        #[arg(long)]
        evidence: Option<PathBuf>,
    },
    /// Waive one occurrence (the beneficiary released it); a reason is required.
    Waive {
        /// Obligation id (or its last 8+ characters).
        obligation: String,
        /// The occurrence's due date.
        #[arg(long)]
        due: String,
        /// Who released the duty, and why.
        #[arg(long)]
        reason: String,
    },
    /// Record a performance measurement against the obligation's threshold.
    Measure {
        /// Obligation id (or its last 8+ characters).
        obligation: String,
        /// Day (or end of the period) measured.
        #[arg(long = "on")]
        measured_on: String,
        /// Measured value, e.g. 99.95.
        #[arg(long)]
        value: String,
        /// Unit (must match the threshold's).
        #[arg(long)]
        unit: Option<String>,
        /// Note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Import measurements from CSV: obligation_id,measured_on,value[,unit][,note].
    ImportMeasurements {
        /// The CSV file.
        file: PathBuf,
    },
}

/// Parses `30d`, `4w`, `3m`, `1y`, `30` or an ISO period into days, at most 36,600.
pub(crate) fn parse_window(s: &str) -> anyhow::Result<u32> {
    let days = window_days(s)?;
    entente_domain::time::check_window_days("--due-within", days)
        .map_err(|e| anyhow::anyhow!("--due-within: {} ({s:?})", e.message))
}

fn window_days(s: &str) -> anyhow::Result<u32> {
    let t = s.trim().to_ascii_lowercase();
    if let Ok(n) = t.parse::<u32>() {
        return Ok(n);
    }
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let p = match (n.parse::<u32>(), unit) {
        (Ok(n), "d") => Period::days(n),
        (Ok(n), "w") => Period::new(n, entente_domain::PeriodUnit::Weeks),
        (Ok(n), "m") => Period::months(n),
        (Ok(n), "y") => Period::years(n),
        _ => Period::parse(s),
    }
    .map_err(|e| anyhow::anyhow!("--due-within: {} (e.g. 30d, 4w, 3m)", e.message))?;
    if p.unit() == entente_domain::PeriodUnit::BusinessDays {
        bail!("--due-within counts calendar days; give e.g. 14d instead of business days");
    }
    Ok(p.approx_days())
}

async fn obligation_id(store: &Store, actor: &Actor, s: &str) -> anyhow::Result<ObligationId> {
    if let Ok(id) = s.parse::<ObligationId>() {
        return Ok(id);
    }
    let suffix = s.trim().to_lowercase();
    if suffix.len() < 8 {
        bail!("{s:?} is not an obligation id (give the full id or at least its last 8 characters)");
    }
    let all = store
        .list_obligations(actor, &entente_domain::query::ObligationQuery::default())
        .await?;
    let found: Vec<_> = all
        .iter()
        .filter(|o| o.id.to_string().ends_with(&suffix))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => bail!("no obligation id ends with {suffix:?}"),
        _ => bail!("{suffix:?} is ambiguous; give more characters"),
    }
}

fn date(flag: &str, s: &str) -> anyhow::Result<Date> {
    Date::parse(s).map_err(|e| anyhow::anyhow!("--{flag}: {}", e.message))
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        match self.cmd {
            Some(sub) => run_sub(sub, ctx).await,
            None => {
                let within = self.due_within.as_deref().map(parse_window).transpose()?;
                let today = match &self.today {
                    Some(t) => Some(date("today", t)?),
                    None => None,
                };
                let (store, actor) = ctx.open_on(today).await?;
                let agreement = match &self.agreement {
                    Some(a) => Some(resolve(&store, &actor, a).await?),
                    None => None,
                };
                // Bring the derived deadlines up to date (the scheduler does this when serving).
                let now = store.now();
                while store.refresh_deadlines(now, 2000).await? > 0 {}
                let f = entente_domain::query::DeadlineQuery {
                    within_days: within.map(DayWindow::at_most),
                    overdue: self.overdue,
                    obligations_only: true,
                    person: self.owner.as_deref().map(|o| o.trim().to_lowercase()),
                    agreement_id: agreement,
                    today,
                    limit: 10_000,
                };
                let rows = store.list_deadlines(&actor, &f).await?;
                store.close().await;
                if self.json {
                    println!("{}", super::json::pretty(&rows)?);
                    return Ok(Outcome::Ok);
                }
                let mut t = Table::new();
                t.load_preset(UTF8_FULL_CONDENSED);
                t.set_header([
                    "due",
                    "status",
                    "obligation",
                    "agreement",
                    "owner",
                    "how the date is computed",
                ]);
                for r in &rows {
                    t.add_row([
                        r.due_date.to_string(),
                        r.status.map_or_else(String::new, |s| s.to_string()),
                        r.label.clone(),
                        r.agreement_title.clone(),
                        r.owner.clone().unwrap_or_default(),
                        r.derivation.clone(),
                    ]);
                }
                println!("{t}");
                println!("{} occurrence(s)", rows.len());
                Ok(Outcome::Ok)
            }
        }
    }
}

async fn run_sub(sub: Sub, ctx: Ctx) -> anyhow::Result<Outcome> {
    let (store, actor) = ctx.open().await?;
    match sub {
        Sub::Done {
            obligation,
            due,
            note,
            evidence,
        } => {
            let due = date("due", &due)?;
            let bytes = evidence
                .as_ref()
                .map(|p| std::fs::read(p).with_context(|| format!("cannot read {}", p.display())))
                .transpose()?;
            let id = obligation_id(&store, &actor, &obligation).await?;
            let v = store
                .record_occurrence(
                    &actor,
                    id,
                    due,
                    &OccurrenceUpdate {
                        status: "done".into(),
                        note,
                        reason: None,
                    },
                )
                .await?;
            if let (Some(path), Some(bytes)) = (&evidence, bytes) {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("evidence");
                let e = store
                    .attach_evidence(&actor, id, due, name, "application/octet-stream", &bytes)
                    .await?;
                println!("evidence {} attached (sha256 {})", e.filename, e.sha256);
            }
            println!("{} due {}: {}", id, v.due, v.status);
        }
        Sub::Waive {
            obligation,
            due,
            reason,
        } => {
            let due = date("due", &due)?;
            let id = obligation_id(&store, &actor, &obligation).await?;
            let v = store
                .record_occurrence(
                    &actor,
                    id,
                    due,
                    &OccurrenceUpdate {
                        status: "waived".into(),
                        note: None,
                        reason: Some(reason),
                    },
                )
                .await?;
            println!("{} due {}: {}", id, v.due, v.status);
        }
        Sub::Measure {
            obligation,
            measured_on,
            value,
            unit,
            note,
        } => {
            let id = obligation_id(&store, &actor, &obligation).await?;
            let input = MeasurementInput {
                measured_on,
                value: serde_json::Value::String(value),
                unit,
                note,
            };
            let m = store.record_measurement(&actor, id, &input, "cli").await?;
            println!("{}: {}", m.measured_on, m.judgement.summary);
            if m.judgement.breach {
                println!(
                    "breach recorded; alert {} raised",
                    m.alert_id.unwrap_or_default()
                );
                store.close().await;
                return Ok(Outcome::CheckFailed);
            }
        }
        Sub::ImportMeasurements { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let rows = store.import_measurements(&actor, &text).await?;
            let breaches = rows.iter().filter(|m| m.judgement.breach).count();
            println!(
                "imported {} measurement(s), {breaches} breach(es)",
                rows.len()
            );
        }
    }
    store.close().await;
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    #[test]
    fn windows_parse_in_the_forms_people_type() {
        for (s, days) in [
            ("30d", 30),
            ("30", 30),
            ("4w", 28),
            ("3m", 90),
            ("P30D", 30),
            ("1y", 365),
        ] {
            assert_eq!(super::parse_window(s).unwrap(), days, "{s}");
        }
        for bad in ["soon", "-3d", "10bd", "P10BD"] {
            assert!(super::parse_window(bad).is_err(), "{bad}");
        }
        for big in ["36601", "7304485", "4294967295", "200y"] {
            let e = super::parse_window(big).unwrap_err().to_string();
            assert!(
                e.starts_with("--due-within: must be between 0 and 36600"),
                "{big}: {e}"
            );
        }
    }
}
