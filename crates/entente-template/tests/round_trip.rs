//! Each template drafted, rendered as DOCX and as PDF, and read back by the analysis: it finds
//! the parties, dates, term, renewal, notice, governing law, cap and obligations the
//! variables say.

use entente_domain::terms::{TermField, TermValue};
use entente_render::Format;
use entente_template::{Catalogue, DraftRequest};

const IDS: [&str; 5] = [
    "technology-integration",
    "co-marketing",
    "joint-development",
    "research-collaboration",
    "consortium",
];

fn example(id: &str) -> DraftRequest {
    let path = format!("{}/examples/{id}.vars.toml", env!("CARGO_MANIFEST_DIR"));
    DraftRequest::from_toml(&path, &std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The fields a round trip must preserve, when the template sets them.
const FIELDS: [TermField; 8] = [
    TermField::EffectiveDate,
    TermField::InitialTerm,
    TermField::ExpirationDate,
    TermField::AutoRenewal,
    TermField::RenewalTerm,
    TermField::NoticePeriodNonRenewal,
    TermField::GoverningLaw,
    TermField::LiabilityCap,
];

#[test]
fn analysis_reads_back_what_the_variables_say_from_docx_and_pdf() {
    round_trip(&IDS[..4]);
}

/// A three-party preamble listing each member on its own paragraph, and the coordinator's
/// duty stated through its defined role ("The Coordinator shall …").
#[test]
fn consortium_members_and_coordinator_duty_round_trip() {
    round_trip(&IDS[4..]);
}

fn round_trip(ids: &[&str]) {
    let cat = Catalogue::builtin().unwrap();
    let mut failures = Vec::new();
    for &id in ids {
        let d = cat
            .template(id)
            .unwrap()
            .draft(&cat.library, &example(id))
            .unwrap();
        for format in [Format::Docx, Format::Pdf] {
            let bytes = entente_render::render(&d.document, format).unwrap();
            let name = format!("{id}.{}", format.extension());
            let a = entente_analysis::analyze_bytes(
                &bytes,
                &name,
                &entente_analysis::Limits::default(),
            )
            .unwrap();
            let r = a.record();
            for p in d.parties.iter() {
                if !r
                    .parties
                    .iter()
                    .any(|q| q.legal_name.as_deref() == Some(p.legal_name.as_str()))
                {
                    failures.push(format!("{name}: party {} not found", p.legal_name));
                }
            }
            for f in FIELDS {
                let Some(want) = d.terms.iter().find(|t| t.field == f) else {
                    continue;
                };
                let got = r.terms.iter().find(|t| t.field == f).map(|t| &t.value);
                let same = match (&want.value, got) {
                    (TermValue::Text(w), Some(TermValue::Text(g))) => {
                        g.contains(w.as_str()) || w.contains(g.as_str())
                    }
                    (w, Some(g)) => w == g,
                    (TermValue::Bool(false), None) => true,
                    _ => false,
                };
                if !same {
                    failures.push(format!(
                        "{name}: {} is {:?}, found {got:?}",
                        f.as_str(),
                        want.value
                    ));
                }
            }
            for o in d.obligations.iter() {
                let key = o.obligor.to_lowercase();
                if key != "each"
                    && !r
                        .obligations
                        .iter()
                        .any(|(x, _)| x.obligor.to_lowercase().contains(&key))
                {
                    failures.push(format!("{name}: no obligation of {}", o.obligor));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
