//! `entente dates ID`: an agreement's key dates, one line each with its derivation and the
//! clause it rests on, then its obligations' occurrences with their status.

use super::show::resolve;
use super::{Ctx, Outcome};
use anyhow::Context;
use entente_domain::Date;
use entente_domain::calendar::BusinessCalendar;
use entente_domain::obligation::ObligationStatus;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters (the short id `list` shows), or its title (or a part only it holds).
    id: String,
    /// The day to take as today (YYYY-MM-DD; default: today in the tenant's time zone). The
    /// whole command runs as on that day.
    #[arg(long)]
    today: Option<String>,
    /// List renewals and reviews up to this day (default: two years ahead; at most 36,600
    /// days, about 100 years, after today).
    #[arg(long)]
    until: Option<String>,
    /// Business-day calendar: a built-in id (england-and-wales, us-federal) or a holiday file
    /// (`name = …`, `weekend = sat sun`, then `YYYY-MM-DD description` lines).
    #[arg(long)]
    calendar: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Loads `--calendar`: a file if one exists at that path, else a built-in id.
pub(crate) fn load_calendar(arg: &str) -> anyhow::Result<BusinessCalendar> {
    let path = std::path::Path::new(arg);
    if path.is_file() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the calendar file {}", path.display()))?;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("calendar");
        return BusinessCalendar::parse(name, &text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()));
    }
    BusinessCalendar::builtin(arg).map_err(|e| anyhow::anyhow!("--{e}"))
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        // Raw flags become typed values before any I/O.
        let today = self
            .today
            .as_deref()
            .map(Date::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--today: {}", e.message))?;
        let until = self
            .until
            .as_deref()
            .map(Date::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--until: {}", e.message))?;
        let calendar = self.calendar.as_deref().map(load_calendar).transpose()?;
        let (store, actor) = ctx.open_on(today).await?;
        // The range of --until counts from the tenant's today, known once the store is open.
        let today = super::today(&store, &actor).await?;
        if let Some(u) = until {
            let max = today.plus_days(i64::from(entente_domain::time::MAX_WINDOW_DAYS));
            if u > max {
                anyhow::bail!(
                    "--until: must be at most 36600 days (about 100 years) after today, {max} at the latest"
                );
            }
        }
        let id = resolve(&store, &actor, &self.id).await?;
        let dates = store
            .agreement_dates(&actor, id, Some(today), until, calendar.as_ref())
            .await
            .context("cannot compute the key dates")?;
        store.close().await;
        if self.json {
            println!("{}", super::json::pretty(&dates)?);
            return Ok(Outcome::Ok);
        }
        // Write through a locked handle so a closed pipe (`| head`) ends quietly.
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{}\n{}",
            dates.title,
            "=".repeat(dates.title.chars().count())
        )?;
        writeln!(
            out,
            "key dates as of {} (business days: {})\n",
            dates.today, dates.calendar
        )?;
        if !dates.planned_key_dates.is_empty() {
            writeln!(
                out,
                "  no deadlines run: the agreement is {}; once in force its terms give:",
                dates.status.as_str()
            )?;
            for k in &dates.planned_key_dates {
                writeln!(out, "  (planned) {}", k.line())?;
            }
        } else if dates.key_dates.is_empty() {
            writeln!(
                out,
                "  (the terms give no dates: set effective_date, initial_term … on the agreement)"
            )?;
        }
        let mut shown_today = false;
        for k in &dates.key_dates {
            if !shown_today && k.date >= dates.today {
                writeln!(out, "-- today {} --", dates.today)?;
                shown_today = true;
            }
            writeln!(out, "{}", k.line())?;
        }
        if dates.occurrences.is_empty() {
            return Ok(Outcome::Ok);
        }
        // Overdue occurrences, one line per obligation; then what falls due in the next 90 days.
        let mut overdue: Vec<(&str, &str, Vec<Date>)> = Vec::new();
        for o in dates
            .occurrences
            .iter()
            .filter(|o| o.status == ObligationStatus::Overdue)
        {
            match overdue
                .iter_mut()
                .find(|(ob, text, _)| *ob == o.obligor && *text == o.text)
            {
                Some(e) => e.2.push(o.occurrence.due),
                None => overdue.push((&o.obligor, &o.text, vec![o.occurrence.due])),
            }
        }
        if !overdue.is_empty() {
            writeln!(out, "\nOverdue obligations")?;
            for (obligor, text, dues) in &overdue {
                let first = dues.iter().min().copied().unwrap_or(dates.today);
                writeln!(
                    out,
                    "{first}  overdue  {obligor}: {text} ({} occurrence(s) open since {first})",
                    dues.len()
                )?;
            }
        }
        let history = dates
            .occurrences
            .iter()
            .filter(|o| o.status == ObligationStatus::History)
            .count();
        if let (Some(t), true) = (dates.tracked_from, history > 0) {
            writeln!(
                out,
                "\n{history} occurrence(s) due before tracking began on {t} are history, neither overdue nor alerted"
            )?;
        }
        let horizon = dates.today.plus_days(90);
        writeln!(out, "\nObligations due until {horizon}")?;
        for o in &dates.occurrences {
            if o.occurrence.due < dates.today || o.occurrence.due > horizon {
                continue;
            }
            writeln!(
                out,
                "{}  {:<7}  {}: {} = {}{}",
                o.occurrence.due,
                o.status.as_str(),
                o.obligor,
                o.text,
                o.occurrence.derivation,
                o.owner
                    .as_deref()
                    .map(|w| format!(" [owner {w}]"))
                    .unwrap_or_default()
            )?;
        }
        Ok(Outcome::Ok)
    }
}
