//! Express unlimited liability under a bare "Liability" heading is a liability clause, and its
//! finding cites the sub-clause by number and quotes its words.

use entente_playbook::{Playbook, check_text};

const DRAFT: &str = "SERVICES COOPERATION AGREEMENT

This Agreement is made on 1 March 2026 between Northwind Systems GmbH (\"the Company\") and Helix Data Ltd (\"the Partner\").

1. Scope

1.1 The Company shall deliver the integration connector by 30 June 2026.

9. Liability

9.1 Each party is responsible for the acts of its own personnel.

9.2 The Company’s liability under clause 4.1 shall be unlimited.

10. Governing Law

10.1 This Agreement is governed by the laws of England and Wales.
";

#[test]
fn unlimited_liability_under_a_liability_heading_is_found_and_cited_by_number() {
    let p = Playbook::builtin("cooperation").unwrap().unwrap();
    let r = check_text(&p, DRAFT);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule_id == "risk.unlimited-liability")
        .unwrap_or_else(|| panic!("no unlimited-liability finding:\n{}", r.to_text()));
    let c = f.clause.as_ref().expect("the finding cites a clause");
    assert_eq!(c.number.as_deref(), Some("9.2"), "{}", r.to_text());
    let quote = f.excerpt.as_deref().unwrap_or_default();
    assert!(quote.contains("shall be unlimited"), "{quote}");
}
