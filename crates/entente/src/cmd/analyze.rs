//! `entente analyze FILE…`: what analysis finds in documents, without storing anything.

use super::Outcome;
use entente_analysis::Limits;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Documents to analyse.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print the JSON document (JSON Lines with a `file` key when several files are given).
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) fn run(self) -> anyhow::Result<Outcome> {
        let limits = Limits::default();
        let several = self.files.len() > 1;
        let mut failed = false;
        let mut out = std::io::stdout().lock();
        for path in &self.files {
            let name = path.display().to_string();
            let result = std::fs::read(path)
                .map_err(|e| anyhow::anyhow!("cannot read: {e}"))
                .and_then(|b| {
                    entente_analysis::analyze_bytes(&b, &name, &limits).map_err(anyhow::Error::from)
                });
            match result {
                Ok(a) if self.json => {
                    let mut v = a.to_json();
                    if several {
                        if let Some(o) = v.as_object_mut() {
                            o.insert("file".into(), serde_json::Value::String(name));
                        }
                        writeln!(out, "{}", super::json::compact(&v)?)?;
                    } else {
                        writeln!(out, "{}", super::json::pretty(&v)?)?;
                    }
                }
                Ok(a) => {
                    if several {
                        writeln!(out, "== {name}")?;
                    }
                    writeln!(out, "{}", a.summary())?;
                }
                Err(e) => {
                    failed = true;
                    if self.json && several {
                        writeln!(
                            out,
                            "{}",
                            serde_json::json!({ "file": name, "error": format!("{e:#}") })
                        )?;
                    }
                    eprintln!("entente: {name}: {e:#}");
                }
            }
        }
        Ok(if failed {
            Outcome::CheckFailed
        } else {
            Outcome::Ok
        })
    }
}
