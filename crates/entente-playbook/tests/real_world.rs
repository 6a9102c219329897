//! Real agreements (the CUAD development set in ../shared/corpus, skipped when absent) and odd
//! input: checks never panic, and what they say about governing law and caps matches the labels.

use entente_playbook::{check_text, default_playbook};
use std::path::PathBuf;

#[test]
fn odd_input_never_panics_and_still_reports() {
    let long = "Each party shall cooperate as appropriate. ".repeat(2000);
    for text in [
        "",
        "\n\n\n",
        "AGREEMENT",
        "1.\n2.\n3.",
        "“Ünïcödé” — ÉÉÉ §§ 1 (a) ¶ liable without limit; either party may terminate on notice if — ",
        "Neither party shall be liable. Liability is excluded. In no event exceed.",
        long.as_str(),
    ] {
        let r = check_text(default_playbook(), text);
        assert!(r.score.total <= 100);
        assert_eq!(r.rules.len(), default_playbook().rules.len());
    }
}

fn cuad() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/cuad-dev");
    p.join("gold.jsonl").exists().then_some(p)
}

#[test]
fn on_real_agreements_governing_law_and_liability_findings_match_the_labels() {
    let Some(dir) = cuad() else {
        eprintln!("skipped: ../shared/corpus/cuad-dev is absent");
        return;
    };
    let gold = std::fs::read_to_string(dir.join("gold.jsonl")).unwrap();
    // (found missing & labelled missing, found missing & labelled present, …) per question.
    let mut law = [0usize; 4];
    let mut cap = [0usize; 4];
    let mut n = 0;
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let g: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = std::fs::read_to_string(dir.join(g["text_file"].as_str().unwrap())).unwrap();
        let r = check_text(default_playbook(), &text);
        let fired = |id: &str, words: &str| {
            r.findings
                .iter()
                .any(|f| f.rule_id == id && f.message.contains(words))
        };
        let has_law = g["governing_law"]["has_clause"].as_bool().unwrap_or(false);
        let has_cap = g["clauses"]["cap_on_liability"]["present"]
            .as_bool()
            .unwrap_or(false);
        let tally = |t: &mut [usize; 4], missing_found: bool, present: bool| {
            t[usize::from(missing_found) * 2 + usize::from(present)] += 1;
        };
        tally(
            &mut law,
            fired("enforcement.governing-law", "no governing law"),
            has_law,
        );
        tally(
            &mut cap,
            fired("risk.liability-limited", "nothing limits liability"),
            has_cap,
        );
        n += 1;
    }
    let rates = |t: [usize; 4]| {
        let (tp, fp, fn_) = (t[2], t[3], t[0]);
        (
            tp as f64 / (tp + fp).max(1) as f64,
            tp as f64 / (tp + fn_).max(1) as f64,
        )
    };
    let (lp, lr) = rates(law);
    let (cp, cr) = rates(cap);
    println!(
        "{n} CUAD agreements: missing governing law P {lp:.2} R {lr:.2}; nothing limits liability P {cp:.2} R {cr:.2}"
    );
    assert!(n >= 40);
    assert!(lp >= 0.7 && lr >= 0.8, "governing law: P {lp:.2} R {lr:.2}");
    assert!(cp >= 0.7 && cr >= 0.7, "liability: P {cp:.2} R {cr:.2}");
}
