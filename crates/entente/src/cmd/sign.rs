//! `entente sign ID`: records a party's signature against the SHA-256 of the version signed
//! (given, or computed from the signed file), which must be the approved version; the agreement
//! becomes active once every party has signed it.

use super::{Ctx, Outcome, show::resolve, today};
use anyhow::{Context, bail};
use entente_domain::document::sha256_hex;
use entente_domain::lifecycle::SignatureDraft;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Agreement id, or its last 8+ characters; omit the other options to list signatures.
    id: String,
    /// The party signing: its legal name, short name or id.
    #[arg(long)]
    party: Option<String>,
    /// Signatory's name.
    #[arg(long)]
    name: Option<String>,
    /// Signatory's title.
    #[arg(long, default_value = "")]
    title: String,
    /// Date of signature (default today).
    #[arg(long)]
    date: Option<String>,
    /// SHA-256 of the version signed.
    #[arg(long, conflicts_with = "file")]
    sha256: Option<String>,
    /// The signed file; its SHA-256 must be the approved version's.
    #[arg(long)]
    file: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let draft = match (&self.party, &self.name) {
            (Some(party), Some(name)) => {
                let sha = match (&self.sha256, &self.file) {
                    (Some(s), _) => s.clone(),
                    (None, Some(f)) => sha256_hex(
                        &std::fs::read(f)
                            .with_context(|| format!("cannot read {}", f.display()))?,
                    ),
                    (None, None) => {
                        bail!("give --sha256 or --file: the signature names the exact text signed")
                    }
                };
                Some(SignatureDraft {
                    party: party.clone(),
                    signatory_name: name.clone(),
                    signatory_title: self.title.clone(),
                    signed_on: self.date.clone(),
                    sha256: sha,
                })
            }
            (None, None) => None,
            _ => bail!("give both --party and --name to record a signature"),
        };
        let (store, actor) = ctx.open().await?;
        // A signature dated after today is refused: today in the tenant's time zone.
        let draft = match draft {
            Some(d) => Some(
                d.validate(today(&store, &actor).await?)
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            ),
            None => None,
        };
        let id = resolve(&store, &actor, &self.id).await?;
        if let Some(sig) = draft {
            let (s, status) = store
                .sign_agreement(&actor, id, &sig)
                .await
                .context("cannot record the signature")?;
            store.close().await;
            if self.json {
                println!(
                    "{}",
                    super::json::pretty(&serde_json::json!({ "signature": s, "status": status }))?
                );
            } else {
                println!(
                    "{} signed version {} (sha256 {}) for {} on {}; recorded by {} at {}; agreement is {status}",
                    s.signatory_name,
                    s.version_number,
                    s.sha256,
                    s.party_name,
                    s.signed_on,
                    s.recorded_by,
                    s.recorded_at
                );
            }
            return Ok(Outcome::Ok);
        }
        let sigs = store.signatures(&actor, id).await?;
        store.close().await;
        if self.json {
            println!("{}", super::json::pretty(&sigs)?);
        } else {
            if sigs.is_empty() {
                println!("no signatures");
            }
            for s in &sigs {
                println!(
                    "v{} {}  {} ({}) for {} on {}, recorded by {} at {}",
                    s.version_number,
                    &s.sha256[..12],
                    s.signatory_name,
                    s.signatory_title,
                    s.party_name,
                    s.signed_on,
                    s.recorded_by,
                    s.recorded_at
                );
            }
        }
        Ok(Outcome::Ok)
    }
}
