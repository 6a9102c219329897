//! `entente bench render`: documents per second per output format, for the five shipped
//! templates drafted from their example variables.

use super::Outcome;
use anyhow::Context;
use entente_render::Format;
use entente_template::{Catalogue, DraftRequest};
use std::time::Instant;

/// Example variables for each shipped template (the files beside the templates).
const EXAMPLES: [(&str, &str); 5] = [
    (
        "technology-integration",
        include_str!("../../../entente-template/examples/technology-integration.vars.toml"),
    ),
    (
        "co-marketing",
        include_str!("../../../entente-template/examples/co-marketing.vars.toml"),
    ),
    (
        "joint-development",
        include_str!("../../../entente-template/examples/joint-development.vars.toml"),
    ),
    (
        "research-collaboration",
        include_str!("../../../entente-template/examples/research-collaboration.vars.toml"),
    ),
    (
        "consortium",
        include_str!("../../../entente-template/examples/consortium.vars.toml"),
    ),
];

pub(crate) fn run(rounds: usize) -> anyhow::Result<Outcome> {
    let catalogue = Catalogue::builtin()?;
    let mut drafts = Vec::new();
    let started = Instant::now();
    for (id, vars) in EXAMPLES {
        let req = DraftRequest::from_toml(id, vars)?;
        drafts.push(entente_core::draft::assemble(&catalogue, id, &req).context(id)?);
    }
    let assemble = started.elapsed();
    println!(
        "assembly (variables → document): {:.1} ms per document",
        assemble.as_secs_f64() * 1000.0 / drafts.len() as f64
    );
    println!(
        "{:<10} {:>10} {:>12} {:>14}",
        "format", "documents", "seconds", "documents/s"
    );
    for format in Format::ALL {
        // One warm-up round (typst loads its fonts once per process).
        for d in &drafts {
            entente_render::render(&d.document, format)?;
        }
        let t = Instant::now();
        let mut n = 0usize;
        for _ in 0..rounds.max(1) {
            for d in &drafts {
                entente_render::render(&d.document, format)?;
                n += 1;
            }
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{:<10} {:>10} {:>12.3} {:>14.1}",
            format.extension(),
            n,
            s,
            n as f64 / s
        );
    }
    Ok(Outcome::Ok)
}
