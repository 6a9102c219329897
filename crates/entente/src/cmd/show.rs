//! `entente show ID`: one agreement in full — parties, terms with where each came from,
//! obligations and versions — as a readable report or JSON.

use super::{Ctx, Outcome};
use anyhow::{Context, bail};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use entente_domain::AgreementId;
use entente_domain::query::AgreementQuery;
use entente_domain::terms::Source;
use entente_store::{Actor, Page, Store};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters (the short id `list` shows), or its title (or a part only it holds).
    id: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Resolves a full or abbreviated id, or a title: the whole title (any case), or a part of
/// it that only one agreement's title holds. Titles make commands repeatable across loads of
/// the same portfolio, whose ids are new on each load.
pub(crate) async fn resolve(store: &Store, actor: &Actor, id: &str) -> anyhow::Result<AgreementId> {
    if let Ok(full) = id.parse::<AgreementId>() {
        return Ok(full);
    }
    let suffix = id.trim().to_lowercase();
    if suffix.is_empty() {
        bail!("give an agreement id, its last 8 characters or its title");
    }
    let hex = suffix.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if hex && suffix.len() >= 8 {
        let found = scan(store, actor, &AgreementQuery::default(), |r| {
            r.id.to_string().ends_with(&suffix)
        })
        .await?;
        match found.as_slice() {
            [(one, _)] => return Ok(*one),
            [] => {}
            _ => bail!(
                "{suffix:?} is ambiguous ({} agreements); give more characters",
                found.len()
            ),
        }
    }
    let query = AgreementQuery {
        text: Some(id.trim().to_string()),
        ..AgreementQuery::default()
    };
    let found = scan(store, actor, &query, |r| {
        r.title.to_lowercase().contains(&suffix)
    })
    .await?;
    let exact: Vec<_> = found
        .iter()
        .filter(|(_, title)| title.to_lowercase() == suffix)
        .collect();
    match (exact.as_slice(), found.as_slice()) {
        ([(one, _)], _) | (_, [(one, _)]) => Ok(*one),
        (_, []) if hex && suffix.len() >= 8 => bail!("no agreement id ends with {suffix:?}"),
        (_, []) => bail!(
            "{id:?} is not an agreement id (the full id or at least its last 8 characters), nor part of any title"
        ),
        (_, many) => bail!(
            "{id:?} is part of {} titles ({}); give the whole title or the id",
            many.len(),
            many.iter()
                .take(5)
                .map(|(_, t)| format!("{t:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The ids and titles of the agreements the actor sees that match `query` and `keep`.
async fn scan(
    store: &Store,
    actor: &Actor,
    query: &AgreementQuery,
    keep: impl Fn(&entente_domain::agreement::AgreementSummary) -> bool,
) -> anyhow::Result<Vec<(AgreementId, String)>> {
    let mut found = Vec::new();
    let mut offset = 0;
    loop {
        let (rows, total) = store
            .list_agreements(actor, query, Page { limit: 500, offset })
            .await?;
        found.extend(
            rows.iter()
                .filter(|r| keep(r))
                .map(|r| (r.id, r.title.clone())),
        );
        offset += 500;
        if u64::from(offset) >= total {
            break;
        }
    }
    Ok(found)
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        let a = store
            .get_agreement(&actor, id)
            .await
            .context("cannot show the agreement")?;
        let obligations = store
            .list_obligations(
                &actor,
                &entente_domain::query::ObligationQuery {
                    agreement_id: Some(id),
                    ..Default::default()
                },
            )
            .await?;
        let versions = store.list_versions(&actor, id).await?;
        let gaps = entente_core::completeness::gaps_of(&store, &actor, &a).await?;
        store.close().await;
        if self.json {
            println!(
                "{}",
                super::json::pretty(
                    &serde_json::json!({ "agreement": a, "obligations": obligations, "versions": versions, "gaps": gaps })
                )?
            );
            return Ok(Outcome::Ok);
        }
        println!("{}\n{}", a.title, "=".repeat(a.title.chars().count()));
        println!(
            "id {}  ·  {}  ·  {}  ·  owner {}",
            a.id,
            a.kind,
            a.status,
            a.owner.as_deref().unwrap_or("—")
        );
        if !a.tags.is_empty() {
            println!("tags: {}", a.tags.join(", "));
        }
        if let Some(t) = a.tracked_from {
            println!("tracked from {t}: obligation occurrences due earlier are history");
        }
        if let Some(c) = &a.calendar {
            println!("business-day calendar set on the agreement: {c}");
        }
        if !gaps.is_empty() {
            println!("\nTo complete");
            for g in &gaps {
                println!("  ! {}: {}", g.field, g.reason);
            }
        }
        println!("\nParties");
        for p in &a.parties {
            let short = p
                .short_name
                .as_deref()
                .map(|s| format!(" (\"{s}\")"))
                .unwrap_or_default();
            let j = p
                .jurisdiction
                .as_deref()
                .map(|j| format!(", {j}"))
                .unwrap_or_default();
            println!("  • {}{short} — {}{j}", p.legal_name, p.role);
        }
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED);
        t.set_header(["term", "value", "source"]);
        for (f, s) in &a.terms.0 {
            let src = match &s.source {
                Source::User { by, note, .. } => format!(
                    "entered by {by}{}",
                    note.as_deref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default()
                ),
                Source::Extracted {
                    start,
                    end,
                    confidence,
                    ..
                } => format!("extracted, chars {start}–{end}, confidence {confidence:.2}"),
            };
            t.add_row([f.as_str().to_owned(), s.value.to_string(), src]);
        }
        if let Some(exp) = a.terms.expiration() {
            t.add_row([
                "(computed) expiration".to_owned(),
                exp.to_string(),
                "effective date + initial term".to_owned(),
            ]);
        }
        println!("\nTerms\n{t}");
        let mut o = Table::new();
        o.load_preset(UTF8_FULL_CONDENSED);
        o.set_header(["due", "status", "obligor", "obligation"]);
        for ob in &obligations {
            o.add_row([
                ob.due_date
                    .map_or_else(|| "—".to_owned(), |d| d.to_string()),
                ob.status.to_string(),
                ob.obligor.clone(),
                ob.text.clone(),
            ]);
        }
        println!("\nObligations ({})\n{o}", obligations.len());
        println!("\nVersions");
        for v in &versions {
            println!(
                "  v{} {} ({}, {} bytes, sha256 {}…) by {} at {}",
                v.number,
                v.filename,
                v.media_type.as_str(),
                v.size,
                &v.sha256[..12],
                v.author,
                v.created_at
            );
        }
        Ok(Outcome::Ok)
    }
}
