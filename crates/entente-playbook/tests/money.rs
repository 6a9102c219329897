//! Caps written as formulas are evaluated against the fees the agreement states: "N times the
//! fees paid in the twelve months before the claim", and "the greater / lesser of" both arms.

use entente_playbook::{Outcome, Playbook, check_text};

fn playbook(params: &str) -> Playbook {
    Playbook::parse(
        &format!(
            "[playbook]\nid = \"acme\"\nname = \"Acme\"\nversion = \"1\"\n\n[[rule]]\nid = \"acme.cap\"\nkind = \"liability_cap\"\nseverity = \"high\"\ntitle = \"Cap\"\nrationale = \"Exposure.\"\n{params}\n"
        ),
        "acme.toml",
    )
    .unwrap()
}

fn agreement(fees: &str, cap: &str) -> String {
    format!(
        "SERVICES AND COLLABORATION AGREEMENT\n\nThis Agreement is made on 1 March 2026 between Aldgate Analytics Limited (\"Aldgate\") and Brenner Medtech GmbH (\"Brenner\").\n\n4. FEES\n\n{fees}\n\n10. LIMITATION OF LIABILITY\n\n10.1 {cap}\n"
    )
}

fn outcome(p: &Playbook, text: &str) -> (Outcome, Vec<String>) {
    let r = check_text(p, text);
    let rule = r.rules.iter().find(|x| x.rule_id == "acme.cap").unwrap();
    let msgs = r
        .findings
        .iter()
        .chain(r.undetermined.iter())
        .map(|f| f.message.clone())
        .collect();
    (rule.outcome, msgs)
}

const FEES: &str = "Brenner shall pay Aldgate an annual fee of EUR 200,000, invoiced in advance.";
const THREE_TIMES: &str = "Each Party's total aggregate liability under this Agreement shall not exceed three times the fees paid under this Agreement in the twelve (12) months before the event giving rise to the claim.";

#[test]
fn a_multiple_of_the_fees_is_evaluated_against_the_annual_fees() {
    let (o, m) = outcome(
        &playbook("max_amount = \"EUR 500000\""),
        &agreement(FEES, THREE_TIMES),
    );
    assert_eq!(o, Outcome::Failed, "{m:?}");
    assert!(m[0].contains("EUR 600000"), "{m:?}");
    let (o, m) = outcome(
        &playbook("max_amount = \"EUR 750000\""),
        &agreement(FEES, THREE_TIMES),
    );
    assert_eq!(o, Outcome::Passed, "{m:?}");
    let (o, m) = outcome(&playbook("max_multiple = 2"), &agreement(FEES, THREE_TIMES));
    assert_eq!(o, Outcome::Failed, "{m:?}");
    assert!(m[0].contains("3 × the fees"), "{m:?}");
}

#[test]
fn a_formula_cap_without_known_fees_is_undetermined_not_passed() {
    let text = agreement(
        "The fees are set out in each Statement of Work.",
        THREE_TIMES,
    );
    let (o, m) = outcome(&playbook("max_amount = \"EUR 500000\""), &text);
    assert_eq!(o, Outcome::Undetermined, "{m:?}");
    assert!(m[0].contains("depends on the fees"), "{m:?}");
}

#[test]
fn greater_of_and_lesser_of_keep_both_arms() {
    let greater = "Each Party's total liability under this Agreement shall not exceed the greater of EUR 1,000,000 or twice the fees paid under this Agreement in the twelve months preceding the claim.";
    let p = playbook("max_amount = \"EUR 1200000\"");
    // 2 × EUR 800,000 = EUR 1.6 m is the greater arm.
    let (o, m) = outcome(
        &p,
        &agreement("Brenner shall pay an annual fee of EUR 800,000.", greater),
    );
    assert_eq!(o, Outcome::Failed, "{m:?}");
    assert!(m[0].contains("EUR 1600000"), "{m:?}");
    // 2 × EUR 400,000 is below EUR 1 m: the fixed arm decides.
    let (o, m) = outcome(
        &p,
        &agreement("Brenner shall pay an annual fee of EUR 400,000.", greater),
    );
    assert_eq!(o, Outcome::Passed, "{m:?}");
    // The lesser of EUR 1 m and three times EUR 800,000 is EUR 1 m: within the maximum.
    let lesser = "Each Party's aggregate liability shall be limited to the lesser of EUR 1,000,000 and three times the fees paid in the preceding twelve months.";
    let (o, m) = outcome(
        &p,
        &agreement("Brenner shall pay an annual fee of EUR 800,000.", lesser),
    );
    assert_eq!(o, Outcome::Passed, "{m:?}");
}
