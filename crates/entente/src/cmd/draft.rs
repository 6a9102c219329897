//! `entente draft TEMPLATE --vars vars.toml -o out.docx`: a draft agreement from a template,
//! written to files (Markdown, HTML, DOCX, PDF by extension) and stored in status draft.

use super::{Ctx, Outcome};
use anyhow::Context;
use entente_render::Format;
use entente_template::{Catalogue, DraftRequest};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Template id (technology-integration, co-marketing, joint-development,
    /// research-collaboration, consortium) or the path of a template file (.toml).
    #[arg(required_unless_present = "list")]
    template: Option<String>,
    /// Variables file (TOML): one key per variable, and an optional [positions] table of
    /// clause id = position id.
    #[arg(long, required_unless_present = "list")]
    vars: Option<PathBuf>,
    /// Write the draft here; the extension chooses the format (.md, .html, .docx, .pdf).
    /// May be given several times.
    #[arg(short = 'o', long = "output")]
    outputs: Vec<PathBuf>,
    /// Use the clause at this position (CLAUSE=POSITION, e.g. liability.cap=two-times);
    /// wins over the variables file.
    #[arg(long = "position", value_name = "CLAUSE=POSITION")]
    positions: Vec<String>,
    /// Only write the files: store nothing.
    #[arg(long)]
    no_store: bool,
    /// Owner e-mail of the stored draft.
    #[arg(long)]
    owner: Option<String>,
    /// List the templates and their clauses' positions.
    #[arg(long)]
    list: bool,
    /// Print what was stored as JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let mut catalogue = Catalogue::builtin().context("the built-in templates do not load")?;
        let mut out = std::io::stdout().lock();
        if self.list {
            for t in catalogue.templates() {
                writeln!(out, "{} v{} — {}", t.id, t.version, t.title)?;
                for id in t.clause_ids() {
                    if let Some(c) = catalogue.library.get(id)
                        && c.positions.len() > 1
                    {
                        let ids: Vec<&str> = c.positions.iter().map(|p| p.id.as_str()).collect();
                        writeln!(out, "  {id}: {}", ids.join(", "))?;
                    }
                }
            }
            return Ok(Outcome::Ok);
        }
        // Flags are checked before any file is written or anything stored.
        let mut formats = Vec::new();
        for o in &self.outputs {
            let f = Format::from_path(&o.display().to_string()).ok_or_else(|| {
                anyhow::anyhow!(
                    "-o {}: the extension must be .md, .html, .docx or .pdf",
                    o.display()
                )
            })?;
            formats.push((o, f));
        }
        let template = self.template.clone().unwrap_or_default();
        let id = if template.ends_with(".toml") {
            let src = std::fs::read_to_string(&template)
                .with_context(|| format!("cannot read {template}"))?;
            catalogue.add_template(&template, &src)?.id.clone()
        } else {
            template
        };
        let vars_path = self.vars.clone().unwrap_or_default();
        let src = std::fs::read_to_string(&vars_path)
            .with_context(|| format!("cannot read {}", vars_path.display()))?;
        let mut req = DraftRequest::from_toml(&vars_path.display().to_string(), &src)?;
        for p in &self.positions {
            let (c, pos) = p
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("--position {p}: write CLAUSE=POSITION"))?;
            req.positions
                .insert(c.trim().to_owned(), pos.trim().to_owned());
        }
        let draft = entente_core::draft::assemble(&catalogue, &id, &req)?;
        for (path, format) in &formats {
            let bytes = entente_core::draft::render(&draft, *format)?;
            std::fs::write(path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        if self.no_store {
            for (path, _) in &formats {
                writeln!(out, "wrote {}", path.display())?;
            }
            return Ok(Outcome::Ok);
        }
        let (store, actor) = ctx.open().await?;
        let d = entente_core::draft::create_draft(&store, &actor, &draft, &req, self.owner.clone())
            .await?;
        if self.json {
            writeln!(out, "{}", super::json::pretty(&d)?)?;
        } else {
            writeln!(
                out,
                "drafted {} ({}) from {}",
                d.agreement_id, d.title, d.template
            )?;
            for (path, _) in &formats {
                writeln!(out, "wrote {}", path.display())?;
            }
            match (d.risk_score, d.findings, d.blocking) {
                (Some(s), Some(n), Some(b)) => writeln!(
                    out,
                    "playbook check: risk {s}, {n} finding(s), {b} at or above {}",
                    entente_core::draft::BLOCKING
                )?,
                _ => writeln!(
                    out,
                    "playbook check did not run; run `entente check {}`",
                    d.agreement_id
                )?,
            }
        }
        Ok(Outcome::Ok)
    }
}
