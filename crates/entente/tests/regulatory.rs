//! The regulatory screen from the command line: findings with evidence and legal basis under
//! `--playbook regulatory`, the default risk score of hardcore restrictions, safe wordings, the
//! per-rule figures of `--measure`, and `entente competitors` with the portfolio's flags.

mod common;

use common::entente_embedded as entente;
use std::path::{Path, PathBuf};
use std::process::Output;

fn cases() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/regulatory")
}

/// The agreement of a labelled case, without its front matter, written to `dir`.
fn agreement(dir: &Path, case: &str) -> String {
    let src = std::fs::read_to_string(cases().join(case)).unwrap();
    let text = src.splitn(3, "+++\n").nth(2).unwrap();
    let path = dir.join(case);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn score(data: &Path, file: &str) -> u64 {
    let out = entente(
        data,
        &["check", file, "--format", "json", "--fail-on", "never"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["score"]["total"].as_u64().unwrap()
}

#[test]
fn the_regulatory_playbook_reports_each_problem_with_evidence_and_legal_basis() {
    let dir = tempfile::tempdir().unwrap();
    let fleet = agreement(dir.path(), "fleet-vendors-hardcore.txt");
    let out = entente(dir.path(), &["check", &fleet, "--playbook", "regulatory"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let s = stdout(&out);
    for (head, evidence, basis) in [
        (
            "[CRITICAL] competition.price-fixing",
            "same list prices",
            "basis:   Art. 101(1)(a) TFEU",
        ),
        (
            "[CRITICAL] competition.market-allocation",
            "in the other Party's Region",
            "basis:   Art. 101(1)(c) TFEU",
        ),
        (
            "[CRITICAL] competition.passive-sales",
            "even on request",
            "basis:   Regulation (EU) 2023/1066 Art. 8(d)",
        ),
        (
            "[HIGH] competition.information-exchange",
            "its prices for the next quarter and the names of its customers",
            "chapter 6 (information exchange)",
        ),
        (
            "[HIGH] competition.no-challenge",
            "not to challenge the validity",
            "Art. 9(1)(a)",
        ),
        (
            "[HIGH] data.international-transfer",
            "minute-by-minute location histories to Geotrack Inc., a company established in the United States",
            "GDPR Art. 44–46",
        ),
        (
            "[HIGH] data.processing-terms",
            "minute-by-minute location histories",
            "GDPR Art. 28(3)",
        ),
    ] {
        let at = s.find(head).unwrap_or_else(|| panic!("no {head} in\n{s}"));
        let block = &s[at..];
        let end = block[1..].find("\n  [").map_or(block.len(), |i| i + 1);
        let block = &block[..end];
        assert!(block.contains(evidence), "{head}: {block}");
        assert!(block.contains(basis), "{head}: {block}");
        assert!(block.contains("note:    A screen for counsel"), "{block}");
    }
    assert!(
        s.contains("COMPETITION LAW") && s.contains("DATA PROTECTION"),
        "{s}"
    );
    // JSON carries the legal basis and the note of each finding.
    let out = entente(
        dir.path(),
        &[
            "check",
            &fleet,
            "--playbook",
            "regulatory",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "competition.price-fixing")
        .unwrap();
    assert_eq!(f["severity"], "critical");
    assert!(f["legal_basis"].as_str().unwrap().contains("TFEU"));
    assert!(f["note"].as_str().unwrap().contains("not legal advice"));
}

#[test]
fn hardcore_restrictions_score_far_above_a_clean_agreement_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let fleet = agreement(dir.path(), "fleet-vendors-hardcore.txt");
    let careful = agreement(dir.path(), "careful-alliance-clean.txt");
    let (bad, good) = (score(dir.path(), &fleet), score(dir.path(), &careful));
    assert!(bad >= 80, "hardcore restrictions score {bad}");
    assert!(bad >= good + 50, "hardcore {bad}, careful {good}");
}

#[test]
fn safe_wordings_give_no_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("safe.txt");
    std::fs::write(
        &path,
        "COLLABORATION AGREEMENT\n\nThis Agreement is made between Alder Systems GmbH, a company incorporated in Germany (\"Alder\"), and Birch Software Ltd, a company incorporated in England and Wales (\"Birch\").\n\n\
         2. INDEPENDENCE\n\n\
         2.1 Each Party remains free to determine its own prices.\n\n\
         2.2 Nothing restricts either Party from selling to any customer.\n\n\
         2.3 Either Party may terminate this Agreement if the other Party challenges the validity of any of its patents.\n",
    )
    .unwrap();
    let out = entente(
        dir.path(),
        &["check", path.to_str().unwrap(), "--playbook", "regulatory"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("No findings: every rule passed."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn measure_prints_precision_and_recall_per_regulatory_rule() {
    let dir = tempfile::tempdir().unwrap();
    let out = entente(
        dir.path(),
        &["check", "--measure", cases().to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s = stdout(&out);
    for rule in [
        "competition.price-fixing",
        "competition.block-exemption",
        "data.international-transfer",
        "data.purpose-limitation",
    ] {
        let line = s
            .lines()
            .find(|l| l.starts_with(rule))
            .unwrap_or_else(|| panic!("no {rule} row in\n{s}"));
        let cells: Vec<&str> = line.split_whitespace().collect();
        let (p, r): (f64, f64) = (cells[6].parse().unwrap(), cells[7].parse().unwrap());
        assert!(p >= 0.9 && r >= 0.8, "{line}");
    }
}

#[test]
fn competitors_are_validated_stored_and_flag_the_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let fleet = agreement(dir.path(), "fleet-vendors-hardcore.txt");
    let out = entente(dir.path(), &["import", &fleet]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout(&out)
        .split_whitespace()
        .find(|w| w.len() == 36 && w.matches('-').count() == 4)
        .unwrap()
        .to_owned();

    let out = entente(
        dir.path(),
        &[
            "competitors",
            &id,
            "set",
            "--competing",
            "rivals",
            "--market",
            " ",
            "--share",
            "140",
        ],
    );
    assert!(!out.status.success());
    let e = stderr(&out);
    for field in ["competing", "markets[0]", "combined_share"] {
        assert!(e.contains(field), "{field} not named in {e}");
    }
    let out = entente(dir.path(), &["competitors", &id]);
    assert!(
        stdout(&out).contains("no competitor context entered"),
        "nothing stored on error: {}",
        stdout(&out)
    );

    let out = entente(
        dir.path(),
        &[
            "competitors",
            &id,
            "set",
            "--competing",
            "actual",
            "--market",
            "fleet management software, EEA",
            "--share",
            "34",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("actual competitors in fleet management software, EEA; combined share 34 %"),
        "{}",
        stdout(&out)
    );
    // The stored check now uses it: the block exemption is not available.
    let out = entente(
        dir.path(),
        &["check", &id, "--format", "json", "--fail-on", "never"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule_id"] == "competition.block-exemption"),
        "{v}"
    );
    let out = entente(dir.path(), &["check", "--portfolio"]);
    let s = stdout(&out);
    assert!(s.contains("Regulatory flags"), "{s}");
    assert!(s.contains("Competition law (critical)"), "{s}");
    assert!(s.contains("Data protection (high)"), "{s}");
    assert!(s.contains("Competitor cooperation"), "{s}");
    let out = entente(dir.path(), &["check", "--portfolio", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let flags: Vec<&str> = v["regulatory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["flag"].as_str().unwrap())
        .collect();
    assert_eq!(
        flags,
        ["competition", "data_protection", "competitor_cooperation"]
    );
}
