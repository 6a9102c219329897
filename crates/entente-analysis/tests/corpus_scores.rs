//! Accuracy floors: the evaluation scores measured on the labelled corpora, held so that
//! extraction cannot regress silently; and DOCX/PDF renderings must match their TXT.

use entente_analysis::eval::{EvalReport, evaluate};
use entente_analysis::{Limits, analyze_bytes};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Allowed drop below the measured figure before a test fails.
const MARGIN: f64 = 0.02;

fn check(report: &EvalReport, floors: &[(&str, f64)], overall: f64, macro_f1: f64) {
    let mut failures = Vec::new();
    if report.overall_f1 + MARGIN < overall {
        failures.push(format!(
            "overall F1 {:.3} < floor {overall:.3}",
            report.overall_f1
        ));
    }
    if report.categories_macro_f1 + MARGIN < macro_f1 {
        failures.push(format!(
            "clause categories macro F1 {:.3} < floor {macro_f1:.3}",
            report.categories_macro_f1
        ));
    }
    for (name, floor) in floors {
        match report.score(name) {
            Some(s) if s.f1 + MARGIN >= *floor => {}
            Some(s) => failures.push(format!("{name}: F1 {:.3} < floor {floor:.3}", s.f1)),
            None => failures.push(format!("{name}: not scored")),
        }
    }
    assert!(failures.is_empty(), "{}\n\n{report}", failures.join("\n"));
}

#[test]
fn entente_corpus_scores_hold() {
    let dir = workspace().join("tests/corpus");
    if !dir.join("gold.jsonl").exists() {
        eprintln!("skipping: {} has no gold.jsonl", dir.display());
        return;
    }
    let r = evaluate(&dir).expect("evaluate tests/corpus");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    check(
        &r,
        &[
            ("parties", 0.880),
            ("agreement_date", 0.909),
            ("effective_date", 0.867),
            ("expiration_date", 0.852),
            ("initial_term", 0.870),
            ("renewal_term", 0.846),
            ("notice_period_to_terminate_renewal", 0.880),
            ("governing_law", 1.000),
            ("cure_period", 0.926),
            ("liability_cap", 0.767),
            ("excluded_damages", 0.938),
            ("indemnity", 0.977),
            ("obligations", 0.909),
            ("termination_for_convenience", 0.850),
            ("confidentiality", 0.973),
            ("dispute_resolution", 0.697),
            ("venue", 0.792),
            ("obligations.timing", 0.825),
            ("obligations.threshold", 0.805),
            ("obligations.vague", 0.711),
        ],
        0.875,
        0.815,
    );
    for v in &r.variants {
        assert!(
            v.agreement_with_text >= 0.97,
            "{} variants agree with their TXT on only {:.1}% of key values",
            v.format,
            v.agreement_with_text * 100.0
        );
    }
}

#[test]
fn cuad_dev_scores_hold() {
    let dir = workspace().join("../shared/corpus/cuad-dev");
    if !dir.join("gold.jsonl").exists() {
        eprintln!(
            "skipping: the shared CUAD development set is not at {}",
            dir.display()
        );
        return;
    }
    let r = evaluate(&dir).expect("evaluate cuad-dev");
    check(
        &r,
        &[
            ("parties", 0.807),
            ("agreement_date", 0.819),
            ("effective_date", 0.783),
            ("expiration_date", 0.750),
            ("renewal_term", 0.884),
            ("notice_period_to_terminate_renewal", 0.741),
            ("governing_law", 0.929),
        ],
        0.798,
        0.720,
    );
}

/// The same agreement as DOCX and as PDF gives the same extracted values.
#[test]
fn docx_and_pdf_of_one_agreement_agree() {
    let dir = workspace().join("tests/corpus");
    let Ok(entries) = std::fs::read_dir(dir.join("pdf")) else {
        eprintln!("skipping: no tests/corpus/pdf");
        return;
    };
    let keys = [
        "parties",
        "agreement_date",
        "effective_date",
        "expiration_date",
        "initial_term",
        "renewal",
        "notice_period_to_terminate_renewal",
        "termination_for_convenience",
        "cure_period",
        "governing_law",
        "venue",
        "liability_cap",
        "indemnity",
        "dispute_resolution",
    ];
    let mut compared = 0;
    for e in entries.flatten() {
        let pdf_path = e.path();
        let Some(stem) = pdf_path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let docx_path = dir.join("docx").join(format!("{stem}.docx"));
        if !docx_path.exists() {
            continue;
        }
        let limits = Limits::default();
        let pdf = analyze_bytes(&std::fs::read(&pdf_path).unwrap(), "x.pdf", &limits).unwrap();
        let docx = analyze_bytes(&std::fs::read(&docx_path).unwrap(), "x.docx", &limits).unwrap();
        let (p, d) = (pdf.to_json(), docx.to_json());
        for k in keys {
            let value = |j: &serde_json::Value| {
                if k == "parties" {
                    let mut v: Vec<String> = j[k]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|p| p["name"].to_string())
                        .collect();
                    v.sort();
                    serde_json::json!(v)
                } else {
                    j[k]["value"].clone()
                }
            };
            assert_eq!(
                value(&p),
                value(&d),
                "{stem}: {k} differs between PDF and DOCX"
            );
        }
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} DOCX/PDF pairs found");
}
