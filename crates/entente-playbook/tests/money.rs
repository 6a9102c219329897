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

/// A cap with the usual carve-outs, written in the two common forms.
const CARVED: &str = "Subject to clause 10.3, each Party's total aggregate liability under this Agreement shall not exceed EUR 1,000,000.\n\n10.2 Neither Party shall be liable for any indirect or consequential loss.\n\n10.3 The limitation in clause 10.1 shall not apply to liability for breach of clause 8 (Confidentiality) or of the data protection terms in Schedule 4, which shall be unlimited.";

#[test]
fn carve_outs_are_uncapped_for_their_scope_and_the_cap_stays_a_cap() {
    let text = agreement(FEES, CARVED);
    // Without a view on carve-outs the rule sees a cap of EUR 1 m, not unlimited liability.
    let (o, m) = outcome(&playbook("max_amount = \"EUR 2000000\""), &text);
    assert_eq!(o, Outcome::Passed, "{m:?}");
    // Confidentiality may stay uncapped, data protection may not.
    let p = playbook(
        "max_amount = \"EUR 2000000\"\nuncapped_for = [\"confidentiality\", \"fraud\", \"death_personal_injury\"]",
    );
    let r = check_text(&p, &text);
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == "acme.cap")
        .collect();
    assert_eq!(f.len(), 1, "{}", r.to_text());
    assert!(
        f[0].message
            .starts_with("liability for data protection is uncapped"),
        "{}",
        f[0].message
    );
    assert_eq!(
        f[0].clause.as_ref().and_then(|c| c.number.as_deref()),
        Some("10.3")
    );
    assert!(
        !r.to_text().contains("expressly unlimited"),
        "{}",
        r.to_text()
    );
    let (o, m) = outcome(
        &playbook("uncapped_for = [\"confidentiality\", \"data_protection\"]"),
        &text,
    );
    assert_eq!(o, Outcome::Passed, "{m:?}");
    // "Except for fraud, death or personal injury": carve-outs of that scope only.
    let except = "EXCEPT FOR LIABILITY ARISING FROM FRAUD OR FOR DEATH OR PERSONAL INJURY, EACH PARTY'S AGGREGATE LIABILITY UNDER THIS AGREEMENT SHALL NOT EXCEED EUR 1,000,000.";
    let (o, m) = outcome(
        &playbook("uncapped_for = [\"fraud\", \"death_personal_injury\"]"),
        &agreement(FEES, except),
    );
    assert_eq!(o, Outcome::Passed, "{m:?}");
    let (o, m) = outcome(
        &playbook("uncapped_for = [\"fraud\"]"),
        &agreement(FEES, except),
    );
    assert_eq!(o, Outcome::Failed, "{m:?}");
    assert!(m[0].contains("death or personal injury"), "{m:?}");
}

#[test]
fn a_contract_value_stated_in_a_file_is_compared_with_the_cap() {
    let text = "DATA COLLABORATION AGREEMENT\n\nThis Agreement is made on 2 February 2026 between Acme Robotics Ltd (\"Acme\") and Harbor Analytics Inc. (\"Harbor\").\n\n3. Term\n\n3.1 This Agreement continues for an initial term of three (3) years.\n\n6. Fees\n\n6.1 The total contract value is USD 4,500,000, payable in equal annual instalments.\n\n7. Liability\n\n7.1 Each Party's total aggregate liability under this Agreement shall not exceed USD 5,000,000.\n";
    // USD 4.5 m over three years is USD 1.5 m a year: USD 5 m is more than twice that.
    let (o, m) = outcome(&playbook("max_multiple = 2"), text);
    assert_eq!(o, Outcome::Failed, "{m:?}");
    assert!(
        m[0].contains("2 × the annual contract value (USD 1500000)"),
        "{m:?}"
    );
    let (o, m) = outcome(&playbook("max_multiple = 4"), text);
    assert_eq!(o, Outcome::Passed, "{m:?}");
}
