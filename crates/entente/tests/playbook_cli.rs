//! A lawyer's playbook from the command line: the Markdown report of a batch, the rules in force
//! with their settings, a tenant's own playbook measured on its own cases, and a contract value
//! entered by an amendment letter reaching the rules of a stored agreement.

mod common;

use common::{entente_embedded as entente, ok};
use std::path::Path;

/// A data collaboration with a fixed cap, a three-year term and no stated value.
const HARBOR: &str = "DATA COLLABORATION AGREEMENT

This Agreement is made on 2 February 2026 between Acme Robotics Ltd, a company registered in England and Wales (\"Acme\"), and Harbor Analytics Inc., a Delaware corporation (\"Harbor\").

3. Term

3.1 This Agreement commences on the Effective Date and continues for an initial term of three (3) years.

7. Liability

7.1 Neither Party shall be liable for any indirect or consequential loss or for any loss of profits.

7.2 Each Party's total aggregate liability under this Agreement shall not exceed USD 5,000,000.

9. Governing Law

9.1 This Agreement shall be governed by the laws of the State of New York.
";

/// The same agreement with its term in a schedule the text does not contain.
fn term_in_schedule() -> String {
    HARBOR.replace(
        "continues for an initial term of three (3) years.",
        "remains in force for the Project Period set out in Schedule 2.",
    )
}

/// Acme's playbook: built on the default, with a cap relative to the deal, foreground IP in
/// tiers, and English law required only of cross-border deals.
const ACME: &str = r#"[playbook]
id = "acme"
name = "Acme Robotics partnerships"
version = "2026.1"
extends = "cooperation"
us = ["Acme Robotics Ltd", "Acme"]

[[rule]]
id = "acme.cap"
kind = "liability_cap"
severity = "high"
title = "The cap is at most twice the annual value"
rationale = "Exposure in proportion to the deal."
max_multiple = 2

[[rule]]
id = "acme.foreground-ip"
kind = "ip_ownership"
severity = "high"
title = "Acme owns the foreground IP"
rationale = "Acme commercialises the results."
foreground = ["us"]
[rule.acceptable]
foreground = ["us", "joint"]
severity = "low"

[[rule]]
id = "acme.cross-border-law"
kind = "governing_law"
severity = "medium"
title = "Cross-border deals are under English law"
rationale = "A neutral law for foreign counterparties."
allowed = ["England and Wales"]
when = ["cross_border"]
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn the_markdown_report_of_a_batch_names_each_file_groups_by_severity_and_lists_positions_met() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "harbor.txt", HARBOR);
    let b = write(dir.path(), "harbor-schedule.txt", &term_in_schedule());
    let pb = write(dir.path(), "acme.toml", ACME);
    let out = entente(
        dir.path(),
        &[
            "check",
            &a,
            &b,
            "--playbook",
            &pb,
            "--format",
            "markdown",
            "--fail-on",
            "never",
        ],
    );
    let md = ok(&out);
    // One heading per file, each naming it: the titles alone are identical.
    let headings: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("# Playbook check"))
        .collect();
    assert_eq!(headings.len(), 2, "{md}");
    assert!(headings[0].ends_with("harbor.txt`"), "{}", headings[0]);
    assert!(
        headings[1].ends_with("harbor-schedule.txt`"),
        "{}",
        headings[1]
    );
    // Clauses are cited by number and heading, never by character offsets.
    assert!(!md.contains("chars "), "{md}");
    assert!(md.contains("— *§ 9.1*"), "{md}");
    // Findings grouped by severity, most severe first, not by blind spot.
    let first = &md[..md.find("harbor-schedule.txt`").unwrap()];
    let high = first.find("\n## High").expect("a High section");
    let medium = first.find("\n## Medium").expect("a Medium section");
    assert!(high < medium, "{first}");
    assert!(!first.contains("\n## Poor risk allocation"), "{first}");
    // The positions met are listed, and what could not be determined is said, with where.
    assert!(first.contains("\n## Positions met"), "{first}");
    assert!(
        first.contains("`enforcement.governing-law` — A governing law is chosen"),
        "{first}"
    );
    let second = &md[md.find("harbor-schedule.txt`").unwrap()..];
    let open = &second[second
        .find("\n## Could not be determined")
        .expect("an undetermined section")..];
    assert!(
        open.contains("`static.term-length`") && open.contains("*looked in § 3.1"),
        "{open}"
    );
    assert!(
        !second[..second.find("\n## Could not be determined").unwrap()]
            .contains("`static.term-length`"),
        "an undetermined rule is neither a finding nor met"
    );
}

#[test]
fn undetermined_rules_are_named_in_the_text_report_and_strict_fails_on_them() {
    let dir = tempfile::tempdir().unwrap();
    let b = write(dir.path(), "harbor-schedule.txt", &term_in_schedule());
    let out = entente(dir.path(), &["check", &b, "--fail-on", "low"]);
    let s = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(s.contains("COULD NOT BE DETERMINED"), "{s}");
    assert!(s.contains("static.term-length"), "{s}");
    assert!(
        s.contains("could not be determined: read the clauses named above"),
        "{s}"
    );
    // A rule left undetermined fails the check only when asked to.
    let pb = write(
        dir.path(),
        "term.toml",
        "[playbook]\nid = \"t\"\nname = \"T\"\nversion = \"1\"\n\n[[rule]]\nid = \"term\"\nkind = \"term_length\"\nseverity = \"high\"\ntitle = \"Term at most five years\"\nrationale = \"Long terms lock us in.\"\nmax = \"5 years\"\n",
    );
    let out = entente(dir.path(), &["check", &b, "--playbook", &pb]);
    assert_eq!(out.status.code(), Some(0));
    let out = entente(dir.path(), &["check", &b, "--playbook", &pb, "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    let out = entente(
        dir.path(),
        &["check", &b, "--playbook", &pb, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rules"][0]["outcome"], "undetermined", "{v}");
    assert_eq!(v["undetermined"][0]["clause"]["number"], "3.1", "{v}");
}

#[test]
fn the_rules_in_force_show_their_settings_tiers_and_conditions_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let pb = write(dir.path(), "acme.toml", ACME);
    let text = ok(&entente(
        dir.path(),
        &["check", "--rules", "--playbook", &pb],
    ));
    assert!(text.contains("max_multiple = 2"), "{text}");
    assert!(
        text.contains("acceptable (low): foreground = us, joint"),
        "{text}"
    );
    // An inherited rule shows its inherited values, per kind too.
    assert!(text.contains("for consortium: max = 6 years"), "{text}");
    let md = ok(&entente(
        dir.path(),
        &[
            "check",
            "--rules",
            "--playbook",
            &pb,
            "--format",
            "markdown",
        ],
    ));
    assert!(
        md.starts_with("# acme — Acme Robotics partnerships"),
        "{md}"
    );
    assert!(
        md.contains("| Rule | Kind | Blind spot | Severity | Position | Settings |"),
        "{md}"
    );
    let row = md
        .lines()
        .find(|l| l.starts_with("| `acme.cross-border-law`"))
        .expect("a row for the conditional rule");
    assert!(
        row.contains("allowed = England and Wales") && row.contains("only when cross_border"),
        "{row}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&entente(
        dir.path(),
        &["check", "--rules", "--playbook", &pb, "--format", "json"],
    )))
    .unwrap();
    let cap = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "acme.cap")
        .unwrap();
    assert_eq!(cap["settings"][0], "max_multiple = 2", "{cap}");
}

#[test]
fn a_tenant_playbook_is_measured_rule_by_rule_on_its_own_cases() {
    let dir = tempfile::tempdir().unwrap();
    let pb = write(dir.path(), "acme.toml", ACME);
    let cases = dir.path().join("cases");
    std::fs::create_dir(&cases).unwrap();
    let case = |name: &str, expect: &str, body: &str| {
        write(
            &cases,
            name,
            &format!("+++\ntitle = \"{name}\"\n\n[expect]\n{expect}\n+++\n{body}"),
        );
    };
    let ip = |owner: &str| {
        HARBOR.replace(
            "9. Governing Law",
            &format!("8. Intellectual Property\n\n8.1 All intellectual property created under this Agreement shall be owned by {owner}.\n\n9. Governing Law"),
        )
    };
    case(
        "ours.txt",
        "\"acme.foreground-ip\" = \"met\"\n\"acme.cross-border-law\" = \"not met\"",
        &ip("Acme"),
    );
    case(
        "theirs.txt",
        "\"acme.foreground-ip\" = \"not met\"",
        &ip("Harbor"),
    );
    case(
        "silent.txt",
        "\"acme.foreground-ip\" = \"undetermined\"",
        HARBOR,
    );
    case(
        "domestic.txt",
        "\"acme.cross-border-law\" = \"met\"",
        &HARBOR.replace(
            "Harbor Analytics Inc., a Delaware corporation",
            "Harbor Analytics Ltd, a company registered in England and Wales",
        ),
    );
    let c = cases.display().to_string();
    let s = ok(&entente(
        dir.path(),
        &["check", "--measure", &c, "--playbook", &pb],
    ));
    assert!(s.contains("4 labelled cases"), "{s}");
    let row = |id: &str| {
        s.lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("no row for {id} in\n{s}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // cases TP FP FN TN precision recall exact
    assert_eq!(
        row("acme.foreground-ip"),
        "acme.foreground-ip 3 2 0 0 1 1.00 1.00 3/3"
    );
    assert_eq!(
        row("acme.cross-border-law"),
        "acme.cross-border-law 2 1 0 0 1 1.00 1.00 2/2"
    );
    // A label for a rule the playbook does not have names the file and the nearest rule.
    case("typo.txt", "\"acme.foregroud-ip\" = \"met\"", HARBOR);
    let out = entente(dir.path(), &["check", "--measure", &c, "--playbook", &pb]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("typo.txt") && e.contains("did you mean \"acme.foreground-ip\""),
        "{e}"
    );
}

#[test]
fn a_contract_value_set_by_an_amendment_letter_reaches_the_rules_of_the_stored_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let pb = write(dir.path(), "acme.toml", ACME);
    let file = write(dir.path(), "harbor.txt", HARBOR);
    let imported = ok(&entente(dir.path(), &["import", &file, "--json"]));
    let v: serde_json::Value = serde_json::from_str(imported.lines().next().unwrap()).unwrap();
    let id = v["agreement_id"].as_str().unwrap().to_owned();
    let cap_outcome = |dir: &Path| {
        let out = entente(
            dir,
            &[
                "check",
                &id,
                "--playbook",
                &pb,
                "--format",
                "json",
                "--fail-on",
                "never",
            ],
        );
        let r: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
        let outcome = r["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["rule_id"] == "acme.cap")
            .unwrap()["outcome"]
            .as_str()
            .unwrap()
            .to_owned();
        let message = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "acme.cap")
            .map(|f| f["message"].as_str().unwrap().to_owned());
        (outcome, message)
    };
    // No value stated: nothing to compare the cap with.
    assert_eq!(cap_outcome(dir.path()).0, "passed");
    let letter = write(
        dir.path(),
        "side-letter.txt",
        "SIDE LETTER\n\nThe Parties agree that the total value of the Data Collaboration Agreement is USD 4,500,000.\n",
    );
    let am = ok(&entente(
        dir.path(),
        &[
            "amend",
            &id,
            &letter,
            "--kind",
            "letter",
            "--effective",
            "2026-03-01",
            "--summary",
            "contract value stated",
            "--set",
            "contract_value=USD 4500000",
        ],
    ));
    assert!(am.contains("contract_value"), "{am}");
    // USD 4.5 m over three years is USD 1.5 m a year; a USD 5 m cap is more than twice that.
    let (outcome, message) = cap_outcome(dir.path());
    assert_eq!(outcome, "failed");
    let message = message.unwrap();
    assert!(
        message.contains("2 × the annual contract value (USD 1500000)"),
        "{message}"
    );
    // A value that is not an amount is refused with the form to use.
    let out = entente(
        dir.path(),
        &[
            "amend",
            &id,
            &letter,
            "--kind",
            "letter",
            "--effective",
            "2026-03-01",
            "--summary",
            "contract value stated",
            "--set",
            "contract_value=four and a half million",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("contract_value") && e.contains("USD 4500000"),
        "{e}"
    );
}
