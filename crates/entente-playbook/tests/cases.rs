//! The built-in playbook measured rule by rule on its labelled cases (`tests/playbook-cases`):
//! each rule holds the precision and recall docs/playbooks.md states for it.

use entente_playbook::cases::{Expected, load_cases, measure_cases, parse_case, rule_table};
use entente_playbook::{Playbook, default_playbook};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The per-rule table of docs/playbooks.md: `| `rule` | cases | precision | recall | exact |
/// why below the bar |`.
fn documented() -> Vec<(String, f64, f64, String)> {
    let doc = std::fs::read_to_string(root().join("docs/playbooks.md")).unwrap();
    let start = doc
        .find("<!-- per-rule figures -->")
        .expect("docs/playbooks.md has the per-rule figures table");
    doc[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let id = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let p: f64 = cells.get(3)?.parse().ok()?;
            let r: f64 = cells.get(4)?.parse().ok()?;
            let why = cells.get(6).map_or("", |c| c).to_owned();
            Some((id.to_owned(), p, r, why))
        })
        .collect()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[test]
fn the_built_in_playbook_holds_its_documented_figures_on_its_cases() {
    // The default playbook extends the regulatory one: its rules are measured on its own
    // labelled cases.
    let mut cases = load_cases(&root().join("tests/playbook-cases")).unwrap();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    cases.extend(load_cases(&root().join("tests/corpus/regulatory")).unwrap());
    let p = default_playbook();
    let m = measure_cases(p, &cases).unwrap();
    println!("{}", rule_table(&m));
    // Every rule has cases of both outcomes, so neither figure is vacuous.
    for r in &p.rules {
        for want in [Expected::Met, Expected::NotMet] {
            assert!(
                cases
                    .iter()
                    .any(|c| c.expect.iter().any(|(id, e, _)| id == &r.id && *e == want)),
                "no case expects {} of {}",
                want.as_str(),
                r.id
            );
        }
    }
    let docs = documented();
    assert_eq!(
        docs.len(),
        p.rules.len(),
        "docs/playbooks.md states figures for {} of {} rules",
        docs.len(),
        p.rules.len()
    );
    for (id, dp, dr, why) in docs {
        let x = m.iter().find(|x| x.rule_id == id).unwrap();
        assert!(
            // The docs state two decimals.
            round2(x.precision) + 1e-9 >= dp && round2(x.recall) + 1e-9 >= dr,
            "{id}: measured precision {:.2} recall {:.2}, documented {dp:.2} {dr:.2}",
            x.precision,
            x.recall
        );
        assert!(
            (dp >= 0.9 && dr >= 0.85) || !why.is_empty(),
            "{id}: documented below the 0.90 / 0.85 bar without saying why"
        );
    }
}

#[test]
fn a_tenant_playbook_is_measured_on_its_own_rules_and_a_label_for_an_unknown_rule_is_refused() {
    let p = Playbook::parse(
        r#"
[playbook]
id = "acme"
name = "Acme"
version = "1"
extends = "cooperation"
us = ["Acme Robotics Ltd"]

[[rule]]
id = "acme.english-law"
kind = "governing_law"
severity = "high"
title = "English law"
rationale = "Our lawyers are in London."
allowed = ["England and Wales"]
"#,
        "acme.toml",
    )
    .unwrap();
    let english = parse_case(
        "english.txt",
        "+++\n[expect]\nacme.english-law = \"met\"\n+++\n19. This Agreement is governed by English law.\n",
    )
    .unwrap();
    let dutch = parse_case(
        "dutch.txt",
        "+++\n[expect]\nacme.english-law = \"not met\"\n+++\n19. This Agreement is governed by the laws of the Netherlands.\n",
    )
    .unwrap();
    let m = measure_cases(&p, &[english.clone(), dutch]).unwrap();
    let r = m.iter().find(|x| x.rule_id == "acme.english-law").unwrap();
    assert_eq!((r.cases, r.true_positives, r.true_negatives), (2, 1, 1));
    assert_eq!((r.precision, r.recall), (1.0, 1.0));

    let typo = parse_case(
        "typo.txt",
        "+++\n[expect]\nacme.englsh-law = \"met\"\n+++\n19. This Agreement is governed by English law.\n",
    )
    .unwrap();
    let e = measure_cases(&p, &[english, typo]).unwrap_err();
    assert_eq!(e.file, "typo.txt");
    assert_eq!(e.line, 3);
    assert!(
        e.message.contains("no rule \"acme.englsh-law\"")
            && e.message.contains("did you mean \"acme.english-law\""),
        "{e}"
    );
}
