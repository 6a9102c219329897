//! `entente check FILE|ID…`: findings with clause text and a risk score per blind spot, exit code 1
//! at `--fail-on`; also `--portfolio`, `--rules` (a playbook's rules) and `--measure` (corpus).

use super::{Ctx, Outcome};
use anyhow::{Context, bail};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use entente_analysis::Limits;
use entente_domain::agreement::AgreementKind;
use entente_playbook::measure::{measure, parse_gold, table};
use entente_playbook::portfolio::{Group, Portfolio};
use entente_playbook::{Playbook, Report, Severity};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A readable report.
    Text,
    /// JSON (one object; JSON Lines when several agreements are checked).
    Json,
    /// Markdown, for review tickets and drafting pipelines.
    Markdown,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Documents (TXT, Markdown, HTML, DOCX, PDF) or stored agreements (id or its last 8+
    /// characters, as `entente list` shows).
    #[arg(required_unless_present_any = ["portfolio", "measure", "rules"])]
    targets: Vec<String>,
    /// Playbook file (TOML) or built-in name; default: the tenant's playbook for stored
    /// agreements, the built-in `cooperation` playbook for files.
    #[arg(long, value_name = "P")]
    playbook: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with code 1 when any finding is at least this severe (info, low, medium, high,
    /// critical, or never).
    #[arg(long, value_name = "SEVERITY", default_value = "high")]
    fail_on: String,
    /// Check a file as this kind of agreement (collaboration, strategic_alliance, co_marketing,
    /// joint_development, research, consortium, other) instead of analysis's guess.
    #[arg(long)]
    kind: Option<String>,
    /// Store the check of a stored agreement with its latest version.
    #[arg(long)]
    save: bool,
    /// Show the portfolio's risk (latest check of every agreement) by kind, counterparty and owner.
    #[arg(long, conflicts_with_all = ["measure", "rules"])]
    portfolio: bool,
    /// With --portfolio: first check every agreement whose latest version has no stored check.
    #[arg(long, requires = "portfolio")]
    refresh: bool,
    /// Measure against a labelled folder: a corpus with gold.jsonl gives precision and recall
    /// per blind spot; a folder of playbook cases (front matter with `[expect]`) gives them per
    /// rule of the playbook.
    #[arg(long, value_name = "DIR", conflicts_with = "rules")]
    measure: Option<PathBuf>,
    /// List the playbook's rules (after `extends` and overrides) and exit; an invalid playbook
    /// fails with its problems and their lines.
    #[arg(long)]
    rules: bool,
    /// Also fail (exit code 1) when a rule at or above --fail-on could not be determined.
    #[arg(long)]
    strict: bool,
    /// Our own legal entities (repeatable): rules about "us" and "the counterparty" (indemnity
    /// direction, IP ownership, renewal control) read the parties by these names; default: the
    /// playbook's `us` list, and for stored agreements the tenant's own entities.
    #[arg(long = "us", value_name = "NAME")]
    us: Vec<String>,
}

fn parse_fail_on(s: &str) -> anyhow::Result<Option<Severity>> {
    if s.trim().eq_ignore_ascii_case("never") {
        return Ok(None);
    }
    Severity::parse(s).map(Some).ok_or_else(|| {
        anyhow::anyhow!(
            "--fail-on {s:?} is not a severity (info, low, medium, high, critical, never)"
        )
    })
}

fn load_playbook(p: &str) -> anyhow::Result<Playbook> {
    let path = Path::new(p);
    if path.exists() {
        return Ok(Playbook::load_file(path)?);
    }
    match Playbook::builtin(p) {
        Some(r) => Ok(r?),
        None => bail!(
            "no playbook file {p:?}, and no built-in playbook of that name (built-in: {})",
            entente_playbook::BUILTIN
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        // Validate every flag before any I/O.
        let fail_on = parse_fail_on(&self.fail_on)?;
        let kind = self
            .kind
            .as_deref()
            .map(AgreementKind::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--kind: {}", e.message))?;
        let playbook = self.playbook.as_deref().map(load_playbook).transpose()?;
        if self.rules {
            let p = playbook.unwrap_or_else(|| entente_playbook::default_playbook().clone());
            print_rules(&p, self.format)?;
            return Ok(Outcome::Ok);
        }
        if let Some(dir) = &self.measure {
            let p = playbook.unwrap_or_else(|| entente_playbook::default_playbook().clone());
            return measure_corpus(dir, &p, self.format);
        }
        if self.portfolio {
            let (store, actor) = ctx.open().await?;
            if self.refresh {
                let n = entente_core::check::check_portfolio(&store, &actor, false).await?;
                if n > 0 {
                    eprintln!("checked {n} agreement(s) without a stored check");
                }
            }
            let p = entente_core::check::portfolio(&store, &actor).await?;
            store.close().await;
            print_portfolio(&p, self.format)?;
            return Ok(Outcome::Ok);
        }

        let limits = Limits::default();
        let several = self.targets.len() > 1;
        let mut failed = 0usize;
        let mut undetermined = 0usize;
        let mut opened: Option<(entente_store::Store, entente_store::Actor)> = None;
        let mut out = std::io::stdout().lock();
        for target in &self.targets {
            let path = Path::new(target);
            let looks_like_id =
                target.len() >= 8 && target.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            if !path.is_file() && !looks_like_id {
                // Not an id: a mistyped file name must not open (and create) a database.
                bail!("{target}: no such file (and not an agreement id)");
            }
            let (report, label) = if path.is_file() {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let p = playbook
                    .as_ref()
                    .unwrap_or_else(|| entente_playbook::default_playbook());
                let report = entente_core::check::check_document_as(
                    &bytes, target, &limits, p, kind, &self.us,
                )
                .with_context(|| format!("cannot check {target}"))?;
                (report, target.clone())
            } else {
                if opened.is_none() {
                    opened = Some(ctx.open().await.with_context(|| {
                        format!("{target:?} is not a file, so it must be a stored agreement")
                    })?);
                }
                let Some((store, actor)) = opened.as_ref() else {
                    bail!("the store did not open");
                };
                let id = super::show::resolve(store, actor, target)
                    .await
                    .with_context(|| {
                        format!("{target:?} is neither a file nor a stored agreement")
                    })?;
                let checked = entente_core::check::check_agreement(
                    store,
                    actor,
                    id,
                    None,
                    playbook.as_ref(),
                    self.save,
                )
                .await
                .with_context(|| format!("cannot check agreement {id}"))?;
                if let Some(c) = &checked.check_id {
                    eprintln!("saved check {c} of version {}", checked.version_number);
                }
                (
                    checked.report,
                    format!("{id} (version {})", checked.version_number),
                )
            };
            let mut report = report;
            report.source = Some(label.clone());
            let open = report.undetermined.len();
            undetermined += open;
            let fails = fail_on.is_some_and(|t| {
                report.fails_at(t)
                    || (self.strict && report.undetermined.iter().any(|f| f.severity >= t))
            });
            if fails {
                failed += 1;
            }
            // A stored agreement is always named, so the reader knows which version was read.
            let named = several || !path.is_file();
            write_report(&mut out, &report, &label, (named, several), self.format)?;
        }
        if let Some((store, _)) = opened {
            store.close().await;
        }
        if self.format == Format::Text {
            let n = self.targets.len();
            if undetermined > 0 {
                writeln!(
                    out,
                    "\n{undetermined} rule outcome(s) could not be determined: read the clauses named above{}",
                    if self.strict {
                        ""
                    } else {
                        " (--strict fails the check on them)"
                    }
                )?;
            }
            match fail_on {
                Some(t) if failed > 0 => writeln!(
                    out,
                    "\n{failed} of {n} agreement(s) have findings at or above {t}: check failed"
                )?,
                Some(t) => writeln!(
                    out,
                    "\n{n} agreement(s) checked: no finding at or above {t}: check passed"
                )?,
                None => writeln!(out, "\n{n} agreement(s) checked")?,
            }
        }
        Ok(if failed > 0 {
            Outcome::CheckFailed
        } else {
            Outcome::Ok
        })
    }
}

fn write_report(
    out: &mut impl Write,
    report: &Report,
    label: &str,
    (named, several): (bool, bool),
    format: Format,
) -> anyhow::Result<()> {
    match format {
        Format::Text => {
            if named {
                writeln!(out, "══ {label}")?;
            }
            writeln!(out, "{}", report.to_text())?;
        }
        Format::Markdown => {
            writeln!(out, "{}", report.to_markdown())?;
            if several {
                writeln!(out, "\n---\n")?;
            }
        }
        Format::Json => {
            let mut v = serde_json::to_value(report)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("target".into(), serde_json::Value::String(label.to_owned()));
            }
            if several {
                writeln!(out, "{}", super::json::compact(&v)?)?;
            } else {
                writeln!(out, "{}", super::json::pretty(&v)?)?;
            }
        }
    }
    Ok(())
}

fn print_rules(p: &Playbook, format: Format) -> anyhow::Result<()> {
    if format == Format::Json {
        let rules: Vec<serde_json::Value> = p
            .rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "kind": r.kind.as_str(), "blind_spot": r.blind_spot, "severity": r.severity,
                    "title": r.title, "enabled": r.enabled,
                    "applies_to": r.applies_to.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                    "overrides": r.overrides.keys().collect::<Vec<_>>(),
                    "settings": r.settings(),
                    "defined_in": format!("{}:{}", r.origin.file, r.origin.line),
                })
            })
            .collect();
        println!(
            "{}",
            super::json::pretty(&serde_json::json!({
                "id": p.id, "name": p.name, "version": p.version, "extends": p.extends, "rules": rules,
            }))?
        );
        return Ok(());
    }
    let scope = |r: &entente_playbook::Rule| {
        let mut sev = r.severity.to_string();
        if !r.enabled {
            sev = format!("{sev} (off)");
        }
        if !r.applies_to.is_empty() {
            sev = format!(
                "{sev}, only {}",
                r.applies_to
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        sev
    };
    if format == Format::Markdown {
        let mut out = format!("# {} — {} (version {})\n\n", p.id, p.name, p.version);
        if !p.extends.is_empty() {
            out.push_str(&format!("Extends {}.\n\n", p.extends.join(" → ")));
        }
        out.push_str("| Rule | Kind | Blind spot | Severity | Position | Settings |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        for r in &p.rules {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} |\n",
                r.id,
                r.kind.as_str(),
                r.blind_spot.as_str(),
                scope(r),
                cell(&r.title),
                cell(&r.settings().join("<br>"))
            ));
        }
        print!("{out}");
        return Ok(());
    }
    println!("{} — {} (version {})", p.id, p.name, p.version);
    if !p.extends.is_empty() {
        println!("extends {}", p.extends.join(" → "));
    }
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header([
        "rule",
        "kind",
        "blind spot",
        "severity",
        "title",
        "settings",
    ]);
    for r in &p.rules {
        t.add_row([
            r.id.clone(),
            r.kind.as_str().to_owned(),
            r.blind_spot.as_str().to_owned(),
            scope(r),
            r.title.clone(),
            r.settings().join("\n"),
        ]);
    }
    println!("{t}");
    Ok(())
}

fn measure_corpus(dir: &Path, p: &Playbook, format: Format) -> anyhow::Result<Outcome> {
    let gold_path = dir.join("gold.jsonl");
    if !gold_path.exists() {
        return measure_cases(dir, p, format);
    }
    let gold = std::fs::read_to_string(&gold_path)
        .with_context(|| format!("cannot read {}", gold_path.display()))?;
    let entries = parse_gold(&gold).map_err(|e| anyhow::anyhow!("{}: {e}", gold_path.display()))?;
    let mut results = Vec::new();
    for g in &entries {
        let path = dir.join(&g.text_file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let report = entente_playbook::check_text(p, &text);
        results.push((g.id.clone(), g.blind_spots.clone(), report.flagged()));
    }
    let m = measure(&results);
    match format {
        Format::Json => println!("{}", super::json::pretty(&m)?),
        _ => {
            println!(
                "{} labelled agreements in {}, playbook {}:\n",
                entries.len(),
                dir.display(),
                p.label()
            );
            print!("{}", table(&m));
        }
    }
    Ok(Outcome::Ok)
}

/// Per-rule precision and recall on a folder of labelled playbook cases.
fn measure_cases(dir: &Path, p: &Playbook, format: Format) -> anyhow::Result<Outcome> {
    use entente_playbook::cases;
    let all = cases::load_cases(dir).map_err(|e| anyhow::anyhow!("{e}"))?;
    let m = cases::measure_cases(p, &all).map_err(|e| anyhow::anyhow!("{e}"))?;
    match format {
        Format::Json => println!("{}", super::json::pretty(&m)?),
        Format::Markdown => {
            println!(
                "{} labelled cases in `{}`, playbook {}:\n",
                all.len(),
                dir.display(),
                p.label()
            );
            print!("{}", cases::rule_table_markdown(&m));
        }
        Format::Text => {
            println!(
                "{} labelled cases in {}, playbook {}:\n",
                all.len(),
                dir.display(),
                p.label()
            );
            print!("{}", cases::rule_table(&m));
        }
    }
    Ok(Outcome::Ok)
}

fn group_table(title: &str, groups: &[Group], limit: usize) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header([
        title,
        "agreements",
        "mean",
        "max",
        "≥50",
        "ambig.",
        "static",
        "risk",
        "exit",
        "enforce",
    ]);
    for g in groups.iter().take(limit) {
        let mut row = vec![
            g.key.clone(),
            g.agreements.to_string(),
            format!("{:.1}", g.mean_score),
            g.max_score.to_string(),
            g.high_risk.to_string(),
        ];
        row.extend(g.flagged.iter().map(|s| s.agreements.to_string()));
        t.add_row(row);
    }
    t
}

fn print_portfolio(p: &Portfolio, format: Format) -> anyhow::Result<()> {
    if format == Format::Json {
        println!("{}", super::json::pretty(p)?);
        return Ok(());
    }
    if p.overall.agreements == 0 {
        println!(
            "No agreement has a stored check yet (imports are checked; use `entente check --portfolio --refresh` for older ones)."
        );
        return Ok(());
    }
    let md = format == Format::Markdown;
    let section = |s: &str| {
        if md {
            format!("\n## {s}\n")
        } else {
            format!("\n{s}")
        }
    };
    if md {
        println!("# Portfolio risk");
    }
    println!(
        "{} agreements checked · mean risk {:.1}/100 · {} at 50 or more",
        p.overall.agreements, p.overall.mean_score, p.overall.high_risk
    );
    println!("{}", section("Blind spots flagged"));
    for s in &p.overall.flagged {
        println!(
            "  {:<24} {:>3} agreement(s)",
            s.blind_spot.title(),
            s.agreements
        );
    }
    println!("{}", section("Risk distribution"));
    let max = p
        .distribution
        .iter()
        .map(|b| b.agreements)
        .max()
        .unwrap_or(1)
        .max(1);
    for b in &p.distribution {
        println!(
            "  {:>3}–{:<3} {:<30} {}",
            b.from,
            b.to,
            "█".repeat(b.agreements * 30 / max),
            b.agreements
        );
    }
    println!("{}", section("Regulatory flags"));
    if p.regulatory.is_empty() {
        println!(
            "  none: no competition-law or data-protection finding, no competitor cooperation"
        );
    }
    for g in &p.regulatory {
        let flag = match g.flag.as_str() {
            "competition" => "Competition law",
            "data_protection" => "Data protection",
            "competitor_cooperation" => "Competitor cooperation",
            other => other,
        };
        let sev = g.severity.map_or_else(String::new, |s| format!(" ({s})"));
        let list: Vec<String> = g
            .agreements
            .iter()
            .take(5)
            .map(|a| format!("{} [{}]", a.title, a.score))
            .collect();
        let more = g.agreements.len().saturating_sub(5);
        println!(
            "  {:<34} {:>3} agreement(s): {}{}",
            format!("{flag}{sev}"),
            g.agreements.len(),
            list.join("; "),
            if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            }
        );
    }
    println!("{}", section("By kind"));
    println!("{}", group_table("kind", &p.by_kind, 50));
    println!("{}", section("By counterparty (riskiest 20)"));
    println!("{}", group_table("party", &p.by_counterparty, 20));
    println!("{}", section("By owner"));
    println!("{}", group_table("owner", &p.by_owner, 50));
    println!("{}", section("Riskiest agreements"));
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(["score", "agreement", "kind", "flagged", "id"]);
    for i in &p.riskiest {
        t.add_row([
            i.score.to_string(),
            i.title.clone(),
            i.kind.clone(),
            i.flagged
                .iter()
                .map(|b| b.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            i.agreement_id
                .chars()
                .rev()
                .take(8)
                .collect::<String>()
                .chars()
                .rev()
                .collect(),
        ]);
    }
    println!("{t}");
    Ok(())
}
