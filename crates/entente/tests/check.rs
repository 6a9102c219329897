//! `entente check` end to end: blind spots found with their clause text, a clean agreement passing,
//! exit codes, formats, custom and invalid playbooks, stored agreements, portfolio, measurement.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus")
}

fn txt(name: &str) -> String {
    corpus()
        .join("txt")
        .join(format!("{name}.txt"))
        .display()
        .to_string()
}

fn entente(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run entente")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_weak_agreement_fails_with_every_blind_spot_and_its_clause_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = entente(dir.path(), &["check", &txt("granite-state-mou")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let s = stdout(&out);
    for title in [
        "Ambiguous obligations",
        "Static document",
        "Poor risk allocation",
        "Missing exit terms",
        "Missing enforcement",
    ] {
        let line = s
            .lines()
            .find(|l| l.trim_start().starts_with(title))
            .unwrap_or_else(|| panic!("no {title} line in\n{s}"));
        assert!(line.contains("FLAGGED"), "{line}");
    }
    // The clause text behind an ambiguity finding, and "missing" for absent terms.
    assert!(
        s.contains("“The parties will meet from time to time to discuss progress.”"),
        "{s}"
    );
    assert!(s.contains("where:  missing"), "{s}");
    assert!(s.contains("prefer:"), "{s}");
    assert!(s.contains("check failed"), "{s}");
    // Nothing was stored: checking a file needs no database.
    assert!(!dir.path().join("entente.db").exists());
}

#[test]
fn a_clean_agreement_passes_and_fail_on_sets_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let clean = txt("northwind-helix-integration");
    let out = entente(dir.path(), &["check", &clean]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("check passed"));
    // It has low findings: failing on low makes it fail.
    let out = entente(dir.path(), &["check", &clean, "--fail-on", "low"]);
    assert_eq!(out.status.code(), Some(1));
    // A weak one passes when nothing fails the check.
    let out = entente(
        dir.path(),
        &["check", &txt("mersey-mou"), "--fail-on", "never"],
    );
    assert_eq!(out.status.code(), Some(0));
    let out = entente(dir.path(), &["check", &clean, "--fail-on", "severe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--fail-on \"severe\" is not a severity"));
}

#[test]
fn json_and_markdown_carry_findings_spans_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    let out = entente(
        dir.path(),
        &[
            "check",
            &txt("calder-joint-development"),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["playbook"]["id"], "cooperation");
    assert!(v["score"]["total"].as_u64().unwrap() > 0);
    // The five blind spots, competition law, data protection and other.
    assert_eq!(v["score"]["breakdown"].as_array().unwrap().len(), 8);
    let one_sided = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "risk.one-sided-limitation")
        .expect("the one-sided limitation is found");
    assert_eq!(one_sided["severity"], "high");
    assert_eq!(one_sided["missing"], false);
    assert!(one_sided["span"]["start"].as_u64().is_some());
    assert!(
        one_sided["clause"]["number"]
            .as_str()
            .unwrap()
            .starts_with('6')
    );
    assert!(one_sided["excerpt"].as_str().unwrap().contains("Ferrovia"));
    assert!(one_sided["preferred"].as_str().is_some());

    let out = entente(
        dir.path(),
        &[
            "check",
            &txt("calder-joint-development"),
            "--format",
            "markdown",
        ],
    );
    let md = stdout(&out);
    assert!(md.starts_with("# Playbook check"), "{md}");
    assert!(md.contains("| Poor risk allocation |"), "{md}");
    assert!(md.contains("**Preferred language**"), "{md}");

    // Several files: JSON Lines, each naming its target.
    let out = entente(
        dir.path(),
        &[
            "check",
            &txt("calder-joint-development"),
            &txt("northwind-helix-integration"),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "one of two fails");
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[1]["target"]
            .as_str()
            .unwrap()
            .ends_with("northwind-helix-integration.txt")
    );
}

#[test]
fn a_custom_playbook_extends_the_default_and_an_invalid_one_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let pb = dir.path().join("strict.toml");
    std::fs::write(
        &pb,
        "[playbook]\nid = \"strict\"\nname = \"Strict\"\nversion = \"1\"\nextends = \"cooperation\"\n\n\
         [[rule]]\nid = \"obligations.weasel-words\"\nseverity = \"high\"\n",
    )
    .unwrap();
    let clean = txt("northwind-helix-integration");
    let out = entente(
        dir.path(),
        &["check", &clean, "--playbook", pb.to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "weasel words now fail the check"
    );
    assert!(
        stdout(&out).contains("against strict 1"),
        "{}",
        stdout(&out)
    );

    let out = entente(
        dir.path(),
        &["check", "--rules", "--playbook", pb.to_str().unwrap()],
    );
    assert!(out.status.success());
    let s = stdout(&out);
    assert!(s.contains("extends cooperation@2026.1"), "{s}");
    assert!(s.contains("obligations.weasel-words"), "{s}");

    std::fs::write(
        &pb,
        "[playbook]\nid = \"strict\"\nname = \"Strict\"\nversion = \"1\"\n\n[[rule]]\nid = \"x\"\nkind = \"liability_caps\"\n",
    )
    .unwrap();
    let out = entente(
        dir.path(),
        &["check", &clean, "--playbook", pb.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(e.contains("strict.toml:8:8"), "{e}");
    assert!(e.contains("unknown rule kind \"liability_caps\""), "{e}");
}

#[test]
fn stored_agreements_are_checked_by_id_and_summed_up_in_the_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let out = entente(
        dir.path(),
        &[
            "import",
            &txt("tallgrass-integration-lite"),
            &txt("fenwick-integration"),
            "--owner",
            "alliances@example.com",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let ids: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["agreement_id"].as_str().unwrap().to_owned()
        })
        .collect();
    let short = &ids[0][ids[0].len() - 8..];
    let out = entente(dir.path(), &["check", short]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let s = stdout(&out);
    assert!(s.starts_with(&format!("══ {} (version 1)", ids[0])), "{s}");
    assert!(s.contains("FLAGGED"), "{s}");
    let out = entente(
        dir.path(),
        &["check", &ids[1], "--save", "--format", "json"],
    );
    assert!(stderr(&out).contains("saved check"), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["target"].as_str().unwrap().contains("version 1"));

    // Both were checked on import: the portfolio has them.
    let out = entente(dir.path(), &["check", "--portfolio", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let p: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["overall"]["agreements"], 2);
    assert_eq!(p["by_owner"][0]["key"], "alliances@example.com");
    assert_eq!(p["riskiest"][0]["agreement_id"], ids[0].as_str());
    let out = entente(dir.path(), &["check", "--portfolio"]);
    let s = stdout(&out);
    assert!(s.contains("2 agreements checked"), "{s}");
    assert!(s.contains("By counterparty"), "{s}");

    let fresh = tempfile::tempdir().unwrap();
    let out = entente(fresh.path(), &["check", "no-such-file.docx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no such file"), "{}", stderr(&out));
    assert!(
        !fresh.path().join("entente.db").exists(),
        "a mistyped file name creates no database"
    );
    let out = entente(dir.path(), &["check", "deadbeefdeadbeef"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("neither a file nor a stored agreement"));
}

#[test]
fn the_measure_mode_prints_precision_and_recall_per_blind_spot() {
    let dir = tempfile::tempdir().unwrap();
    let c = corpus();
    let out = entente(
        dir.path(),
        &[
            "check",
            "--measure",
            c.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let m: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(m.len(), 5);
    for x in &m {
        let (p, r) = (
            x["precision"].as_f64().unwrap(),
            x["recall"].as_f64().unwrap(),
        );
        assert!(p >= 0.85 && r >= 0.85, "{x}");
    }
    let out = entente(dir.path(), &["check", "--measure", c.to_str().unwrap()]);
    let s = stdout(&out);
    assert!(
        s.contains("precision") && s.contains("missing_enforcement"),
        "{s}"
    );
}
