//! `entente amend ID`: records an amendment (a letter or a restated text), lists amendments,
//! or shows the terms and clauses in force on a date, each with where it comes from.

use super::{Ctx, Outcome, show::resolve};
use anyhow::{Context, bail};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use entente_domain::Date;
use entente_domain::amendment::{AmendmentDraft, Origin};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
    id: String,
    /// The amendment letter or the restated agreement: TXT, Markdown, HTML, DOCX or PDF.
    file: Option<PathBuf>,
    /// `letter`: changes only the terms given with --set, from its effective date; the
    /// agreement's own dates, clauses and duties stay. `restatement`: the whole agreement
    /// restated; its text becomes the agreement's. Default: read from the document (titled or
    /// worded as an amendment, addendum or side letter, and not restated: a letter).
    #[arg(long, requires = "file", value_parser = ["letter", "restatement"])]
    kind: Option<String>,
    /// Date the amendment takes effect.
    #[arg(long, requires = "file")]
    effective: Option<String>,
    /// What it changes, in words.
    #[arg(long, requires = "file")]
    summary: Option<String>,
    /// A term it changes, as FIELD=VALUE (VALUE as JSON, or plain text), e.g.
    /// notice_period_non_renewal=P60D. Repeatable.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    set: Vec<String>,
    /// Show the terms in force on this date (YYYY-MM-DD) instead.
    #[arg(long, value_name = "DATE", conflicts_with = "file")]
    as_of: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn origin(o: &Origin) -> String {
    match o {
        Origin::Document { version_number, .. } => match version_number {
            Some(n) => format!("version {n} (original text)"),
            None => "original text".to_owned(),
        },
        Origin::Entered { by, .. } => format!("entered by {by}"),
        Origin::Amendment {
            number,
            version_number,
            effective_date,
            ..
        } => format!("amendment {number} (version {version_number}), effective {effective_date}"),
    }
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let mut changes = BTreeMap::new();
        for s in &self.set {
            let Some((k, v)) = s.split_once('=') else {
                bail!("--set {s:?}: use FIELD=VALUE");
            };
            let value = serde_json::from_str(v.trim())
                .unwrap_or_else(|_| serde_json::Value::String(v.trim().to_owned()));
            changes.insert(k.trim().to_owned(), value);
        }
        let as_of = self
            .as_of
            .as_deref()
            .map(Date::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--as-of: {}", e.message))?;
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        if let Some(file) = &self.file {
            let draft = AmendmentDraft {
                effective_date: self.effective.clone().unwrap_or_default(),
                summary: self.summary.clone().unwrap_or_default(),
                changes,
                kind: self.kind.clone(),
            };
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file.file_name().map_or_else(
                || "amendment".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            let a = entente_core::governance::amend_document(
                &store,
                &actor,
                id,
                &bytes,
                &name,
                &draft,
                &entente_analysis::Limits::default(),
            )
            .await
            .context("cannot record the amendment")?;
            store.close().await;
            if self.json {
                println!("{}", super::json::pretty(&a)?);
            } else {
                println!(
                    "amendment {} ({}) recorded as version {}, effective {}",
                    a.number, a.kind, a.version_number, a.effective_date
                );
                for (f, v) in &a.changes {
                    let before = a
                        .previous
                        .get(f)
                        .and_then(|p| p.as_ref())
                        .map_or_else(|| "—".to_owned(), |p| p.value.to_string());
                    println!("  {}: {before} → {v}", f.as_str());
                }
            }
            return Ok(Outcome::Ok);
        }
        if let Some(on) = as_of {
            let view = store.consolidated(&actor, id, on).await?;
            store.close().await;
            if self.json {
                println!("{}", super::json::pretty(&view)?);
                return Ok(Outcome::Ok);
            }
            println!("Terms in force on {on}");
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED);
            t.set_header(["term", "value", "from"]);
            for v in &view.consolidated.values {
                t.add_row([
                    v.field.as_str().to_owned(),
                    v.value.to_string(),
                    origin(&v.origin),
                ]);
            }
            println!("{t}");
            let mut texts: Vec<(u32, Option<u32>, usize)> = Vec::new();
            for c in &view.clauses {
                match texts.last_mut() {
                    Some((v, _, n)) if *v == c.version_number => *n += 1,
                    _ => texts.push((c.version_number, c.amendment, 1)),
                }
            }
            for (version, letter, n) in texts {
                match letter {
                    Some(a) => println!("{n} clause(s) of amendment {a} (version {version})"),
                    None => println!("{n} clause(s) of the agreement's text (version {version})"),
                }
            }
            if !view.consolidated.pending.is_empty() {
                println!(
                    "not yet in force: amendment(s) {:?}",
                    view.consolidated.pending
                );
            }
            match &view.notice_deadline {
                Some(k) => println!("next notice deadline: {}", k.line()),
                None => println!("no notice-of-non-renewal deadline"),
            }
            return Ok(Outcome::Ok);
        }
        let list = store.amendments(&actor, id).await?;
        store.close().await;
        if self.json {
            println!("{}", super::json::pretty(&list)?);
        } else if list.is_empty() {
            println!("no amendments");
        } else {
            for a in &list {
                let fields: Vec<_> = a.changes.keys().map(|f| f.as_str()).collect();
                println!(
                    "#{} {} v{} effective {} by {}: {} [{}]",
                    a.number,
                    a.kind,
                    a.version_number,
                    a.effective_date,
                    a.created_by,
                    a.summary,
                    fields.join(", ")
                );
            }
        }
        Ok(Outcome::Ok)
    }
}
