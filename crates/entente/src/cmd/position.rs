//! `entente position ID [CLAUSE POSITION]`: switches a clause of a template draft to another
//! position (the text is re-assembled as a new version, the choice recorded and re-checked),
//! or lists each clause's position and the positions it could take.

use super::{Ctx, Outcome, show::resolve};
use anyhow::Context;
use entente_template::Catalogue;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, its last 8+ characters, or its title (or a part only it holds).
    id: String,
    /// Clause id (e.g. liability.cap); omit to list the clauses and their positions.
    #[arg(requires = "position")]
    clause: Option<String>,
    /// Position id: preferred, or a fallback's id (e.g. two-times).
    position: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let catalogue = Catalogue::builtin().context("the built-in templates do not load")?;
        let (store, actor) = ctx.open().await?;
        let id = resolve(&store, &actor, &self.id).await?;
        if let (Some(clause), Some(position)) = (&self.clause, &self.position) {
            let s = entente_core::draft::switch_position(
                &store, &actor, &catalogue, id, clause, position,
            )
            .await
            .context("cannot switch the position")?;
            store.close().await;
            if self.json {
                println!("{}", super::json::pretty(&s)?);
                return Ok(Outcome::Ok);
            }
            println!(
                "{}: clause {} now at {} (was {}); new version {}",
                s.agreement_id, s.clause, s.to, s.from, s.version_id
            );
            if !s.terms_changed.is_empty() {
                println!("terms changed: {}", s.terms_changed.join(", "));
            }
            match (s.risk_score, s.findings, s.blocking) {
                (Some(r), Some(n), Some(b)) => println!(
                    "playbook check: risk {r}, {n} finding(s), {b} at or above {}",
                    entente_core::draft::BLOCKING
                ),
                _ => println!("playbook check did not run; run `entente check {id}`"),
            }
            return Ok(Outcome::Ok);
        }
        let p = entente_core::draft::positions(&store, &actor, &catalogue, id).await?;
        store.close().await;
        if self.json {
            println!("{}", super::json::pretty(&p)?);
            return Ok(Outcome::Ok);
        }
        println!("{} v{}", p.template, p.template_version);
        for c in &p.clauses {
            let options: Vec<String> = c
                .options
                .iter()
                .map(|o| {
                    if o.id == c.position {
                        format!("[{}]", o.id)
                    } else {
                        o.id.clone()
                    }
                })
                .collect();
            println!("  {:<28} {}", c.clause, options.join(" "));
        }
        Ok(Outcome::Ok)
    }
}
