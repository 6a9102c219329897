//! A lawyer's drafts checked against the default playbook and one that extends it: each test
//! is one piece of realistic wording and the outcome a reviewer expects of it.

use entente_playbook::{Outcome, Playbook, Report, check_text, default_playbook};

/// A British-drafted joint development agreement that meets every default position.
const DRAFT: &str = "JOINT DEVELOPMENT AGREEMENT

This Joint Development Agreement is made on 2 February 2026 between Acme Robotics Ltd, a company registered in England and Wales (\"Acme\"), and Brightwave B.V., a company registered in the Netherlands (\"Brightwave\").

1. Purpose

1.1 Brightwave shall deliver the sensor prototype described in Schedule 1 by 30 September 2026.

1.2 Acme shall integrate the prototype into its control platform within sixty (60) days after delivery.

2. Governance

2.1 The steering committee shall meet every quarter to review progress against the milestones in Schedule 2.

2.2 The Parties shall review this Agreement at least once in each contract year.

3. Term

3.1 This Agreement commences on the Effective Date and continues for an initial term of three (3) years. It renews automatically for successive periods of one (1) year unless either Party gives written notice of non-renewal at least ninety (90) days before the end of the then-current term.

4. Termination

4.1 Either Party may terminate this Agreement (a) for convenience on ninety (90) days' prior written notice to the other Party; or (b) with immediate effect by written notice if the other Party commits a material breach which is not remedied within thirty (30) days of written notice.

4.2 On termination or expiry, each Party shall wind down the work in progress within sixty (60) days, and clauses 5 and 7 survive.

4.3 Within thirty (30) days after termination or expiry, each Party shall return or destroy the other Party's Confidential Information and data.

5. Confidentiality

5.1 Each Party shall keep the other Party's Confidential Information confidential during the term and for five (5) years after termination or expiry.

6. Intellectual Property

6.1 Each Party retains its Background IP. Foreground IP created jointly is owned jointly by the Parties.

7. Liability

7.1 Neither Party shall be liable for any indirect or consequential loss or for any loss of profits.

7.2 Each Party's total liability under this Agreement shall not exceed EUR 1,000,000.

7.3 Each Party shall indemnify the other Party against third-party claims arising from its breach of this Agreement.

8. Disputes

8.1 Any dispute shall first be referred to the senior executives of the Parties, who shall meet within fifteen (15) business days to negotiate a resolution.

8.2 If the dispute is not resolved within thirty (30) days, either Party may refer it to mediation under the CEDR rules.

8.3 If the dispute is not resolved within sixty (60) days after the mediator is appointed, it shall be finally settled by arbitration under the ICC Rules, seated in London.

9. Governing Law

9.1 This Agreement shall be governed by and construed in accordance with English law.

10. Variation

10.1 No variation of this Agreement shall be effective unless it is in writing and signed by the authorised representatives of both Parties.
";

fn edit(from: &str, to: &str) -> String {
    assert!(DRAFT.contains(from), "the draft has no {from:?}");
    DRAFT.replace(from, to)
}

fn outcome(r: &Report, rule: &str) -> Outcome {
    r.rules
        .iter()
        .find(|x| x.rule_id == rule)
        .unwrap_or_else(|| panic!("no rule {rule}"))
        .outcome
}

fn playbook(src: &str) -> Playbook {
    Playbook::parse(src, "lawyer.toml").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_british_draft_meets_every_default_position() {
    let r = check_text(default_playbook(), DRAFT);
    assert!(r.findings.is_empty(), "{}", r.to_text());
    assert!(r.undetermined.is_empty(), "{}", r.to_text());
}

#[test]
fn termination_for_convenience_beside_termination_for_cause_is_a_way_out() {
    let r = check_text(default_playbook(), DRAFT);
    for id in [
        "exit.termination-right",
        "exit.termination-for-convenience",
        "exit.convenience-notice",
    ] {
        assert_eq!(outcome(&r, id), Outcome::Passed, "{id}\n{}", r.to_text());
    }
    // Cause first, convenience second: the notice read is the convenience notice.
    let t = edit(
        "4.1 Either Party may terminate this Agreement (a) for convenience on ninety (90) days' prior written notice to the other Party; or (b) with immediate effect by written notice if the other Party commits a material breach which is not remedied within thirty (30) days of written notice.",
        "4.1 Either Party may terminate this Agreement with immediate effect if the other Party commits a material breach which it fails to remedy within ten (10) days of written notice, or for convenience upon three (3) months' written notice.",
    );
    let r = check_text(default_playbook(), &t);
    assert_eq!(
        outcome(&r, "exit.convenience-notice"),
        Outcome::Passed,
        "{}",
        r.to_text()
    );
    assert!(!r.to_text().contains("no way out"), "{}", r.to_text());
}

#[test]
fn adjectival_governing_law_is_a_governing_law() {
    for law in [
        "English law",
        "Dutch law",
        "German law",
        "New York law",
        "the laws of Germany",
    ] {
        let t = edit("English law.", &format!("{law}."));
        let r = check_text(default_playbook(), &t);
        assert_eq!(
            outcome(&r, "enforcement.governing-law"),
            Outcome::Passed,
            "{law}\n{}",
            r.to_text()
        );
    }
}

#[test]
fn a_one_way_indemnity_is_not_hidden_by_a_mutual_one() {
    let t = edit(
        "7.3 Each Party shall indemnify the other Party against third-party claims arising from its breach of this Agreement.",
        "7.3 Each Party shall indemnify the other Party against third-party claims arising from its breach of clause 5.\n\n7.4 Acme shall indemnify, defend and hold harmless Brightwave against all losses arising from any claim that the control platform infringes the rights of a third party.",
    );
    let r = check_text(default_playbook(), &t);
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == "risk.mutual-indemnity")
        .collect();
    assert_eq!(f.len(), 1, "{}", r.to_text());
    assert!(f[0].message.contains("Acme"), "{}", f[0].message);
    assert_eq!(
        f[0].clause.as_ref().and_then(|c| c.number.as_deref()),
        Some("7.4")
    );
}

#[test]
fn sixty_months_is_not_longer_than_five_years() {
    let t = edit(
        "an initial term of three (3) years",
        "an initial term of sixty (60) months",
    );
    let r = check_text(default_playbook(), &t);
    assert_eq!(
        outcome(&r, "static.term-length"),
        Outcome::Passed,
        "{}",
        r.to_text()
    );
    let t = edit(
        "an initial term of three (3) years",
        "an initial term of sixty-one (61) months",
    );
    let r = check_text(default_playbook(), &t);
    assert_eq!(
        outcome(&r, "static.term-length"),
        Outcome::Failed,
        "{}",
        r.to_text()
    );
}

#[test]
fn a_british_variation_clause_is_an_amendment_procedure() {
    let r = check_text(default_playbook(), DRAFT);
    assert_eq!(outcome(&r, "static.amendment-procedure"), Outcome::Passed);
    let t = edit(
        "10.1 No variation of this Agreement shall be effective unless it is in writing and signed by the authorised representatives of both Parties.",
        "10.1 This Agreement may only be varied by a written instrument signed by both Parties.",
    );
    let r = check_text(default_playbook(), &t);
    assert_eq!(
        outcome(&r, "static.amendment-procedure"),
        Outcome::Passed,
        "{}",
        r.to_text()
    );
    let t = edit(
        "10.1 No variation of this Agreement shall be effective unless it is in writing and signed by the authorised representatives of both Parties.",
        "10.1 The Parties shall act in good faith.",
    );
    let r = check_text(default_playbook(), &t);
    assert_eq!(outcome(&r, "static.amendment-procedure"), Outcome::Failed);
}

#[test]
fn a_term_extraction_missed_is_undetermined_never_met() {
    // The length of the term is written in a way extraction does not read.
    let t = edit(
        "3.1 This Agreement commences on the Effective Date and continues for an initial term of three (3) years.",
        "3.1 This Agreement commences on the Effective Date and remains in force for the Development Period set out in Schedule 3.",
    );
    let r = check_text(default_playbook(), &t);
    assert_eq!(
        outcome(&r, "static.term-length"),
        Outcome::Undetermined,
        "{}",
        r.to_text()
    );
    let u = r
        .undetermined
        .iter()
        .find(|f| f.rule_id == "static.term-length")
        .expect("an undetermined entry");
    assert!(u.message.contains("initial term"), "{}", u.message);
    assert_eq!(
        u.clause.as_ref().and_then(|c| c.number.as_deref()),
        Some("3.1")
    );
    assert!(!r.findings.iter().any(|f| f.rule_id == "static.term-length"));
    // Shown in every output.
    assert!(r.to_text().contains("COULD NOT BE DETERMINED"));
    assert!(r.to_markdown().contains("## Could not be determined"));
    let j = serde_json::to_value(&r).unwrap();
    assert!(
        j["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["rule_id"] == "static.term-length" && x["outcome"] == "undetermined"),
        "{j}"
    );
    assert_eq!(j["undetermined"][0]["undetermined"], true);
}

/// A lawyer's playbook on top of the built-in one: Acme is "us"; tiers for foreground IP and
/// the liability cap; data protection required only when personal data is shared.
const LAWYER: &str = r#"
[playbook]
id = "acme"
name = "Acme Robotics partnerships"
version = "2026.1"
extends = "cooperation"
us = ["Acme Robotics Ltd", "Acme"]

[[rule]]
id = "acme.foreground-ip"
kind = "ip_ownership"
severity = "high"
title = "Acme owns the foreground IP"
rationale = "Acme commercialises the results; joint ownership needs consent for every licence."
foreground = ["us"]
[rule.acceptable]
foreground = ["us", "joint"]
severity = "low"

[[rule]]
id = "acme.indemnity-direction"
kind = "indemnity_direction"
severity = "high"
title = "Acme gives no one-way indemnity"
rationale = "A one-way indemnity by Acme is uninsured exposure."
accept = ["mutual", "in_our_favour"]

[[rule]]
id = "acme.data-protection"
kind = "required_clauses"
severity = "high"
title = "Personal data is protected"
rationale = "Sharing personal data without data-protection terms breaches the GDPR."
all_of = ["data_protection"]
when = ["personal_data"]

[[rule]]
id = "acme.renewal-control"
kind = "renewal_control"
severity = "medium"
title = "Acme can stop a renewal"
rationale = "Acme must never be locked into a renewal."
who = ["either", "us"]

[[rule]]
id = "acme.exclusivity"
kind = "exclusivity"
severity = "high"
title = "Exclusivity ends within a year of the agreement"
rationale = "Longer restraints block Acme's other partnerships."
max_after_term = "12 months"
"#;

#[test]
fn a_lawyers_playbook_with_tiers_conditions_and_us_clears_the_draft() {
    let p = playbook(LAWYER);
    let r = check_text(&p, DRAFT);
    assert!(
        r.findings.iter().all(|f| f.rule_id == "acme.foreground-ip"),
        "{}",
        r.to_text()
    );
    // Jointly owned foreground IP is Acme's acceptable position: one low finding, no duplicate.
    let ip: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == "acme.foreground-ip")
        .collect();
    assert_eq!(ip.len(), 1, "{}", r.to_text());
    assert_eq!(ip[0].severity, entente_playbook::Severity::Low);
    assert!(
        ip[0].message.starts_with("acceptable position"),
        "{}",
        ip[0].message
    );
    let res = r
        .rules
        .iter()
        .find(|x| x.rule_id == "acme.foreground-ip")
        .unwrap();
    assert_eq!(res.tier.as_deref(), Some("acceptable"));
    // No personal data in the draft: the data-protection rule does not apply.
    assert_eq!(outcome(&r, "acme.data-protection"), Outcome::Skipped);
    assert_eq!(
        outcome(&r, "acme.renewal-control"),
        Outcome::Passed,
        "{}",
        r.to_text()
    );
}

#[test]
fn foreground_ip_owned_by_us_is_the_preferred_tier_and_by_them_beyond_it() {
    let p = playbook(LAWYER);
    let ours = edit(
        "Foreground IP created jointly is owned jointly by the Parties.",
        "All intellectual property created under this Agreement shall be owned by Acme.",
    );
    let r = check_text(&p, &ours);
    assert_eq!(
        outcome(&r, "acme.foreground-ip"),
        Outcome::Passed,
        "{}",
        r.to_text()
    );
    let theirs = edit(
        "Foreground IP created jointly is owned jointly by the Parties.",
        "All intellectual property created under this Agreement shall be owned by Brightwave.",
    );
    let r = check_text(&p, &theirs);
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == "acme.foreground-ip")
        .collect();
    assert_eq!(f.len(), 1, "{}", r.to_text());
    assert_eq!(f[0].severity, entente_playbook::Severity::High);
    assert!(f[0].message.contains("counterparty"), "{}", f[0].message);
}

#[test]
fn who_is_us_decides_the_direction_of_a_one_way_indemnity() {
    let p = playbook(LAWYER);
    let one_way = |who: &str, whom: &str| {
        edit(
            "7.3 Each Party shall indemnify the other Party against third-party claims arising from its breach of this Agreement.",
            &format!(
                "7.3 {who} shall indemnify {whom} against all third-party claims arising from the sensor prototype."
            ),
        )
    };
    let against = check_text(&p, &one_way("Acme", "Brightwave"));
    assert_eq!(
        outcome(&against, "acme.indemnity-direction"),
        Outcome::Failed,
        "{}",
        against.to_text()
    );
    let favour = check_text(&p, &one_way("Brightwave", "Acme"));
    assert_eq!(
        outcome(&favour, "acme.indemnity-direction"),
        Outcome::Passed,
        "{}",
        favour.to_text()
    );
    // Without knowing who we are, the direction cannot be told.
    let anonymous = playbook(&LAWYER.replace("us = [\"Acme Robotics Ltd\", \"Acme\"]\n", ""));
    let r = check_text(&anonymous, &one_way("Acme", "Brightwave"));
    assert_eq!(
        outcome(&r, "acme.indemnity-direction"),
        Outcome::Undetermined
    );
}

#[test]
fn data_protection_is_required_only_when_personal_data_is_shared() {
    let p = playbook(LAWYER);
    let shared = edit(
        "1.2 Acme shall integrate",
        "1.3 Brightwave shall send Acme the personal data of the test drivers for each field trial.\n\n1.2 Acme shall integrate",
    );
    let r = check_text(&p, &shared);
    // The rule applies (the sentence about personal data is itself read as data protection).
    assert_ne!(
        outcome(&r, "acme.data-protection"),
        Outcome::Skipped,
        "{}",
        r.to_text()
    );
    let none = edit(
        "10. Variation",
        "10. Data\n\n10.0 No personal data will be shared under this Agreement.\n\n11. Variation",
    );
    let r = check_text(&p, &none);
    assert_eq!(
        outcome(&r, "acme.data-protection"),
        Outcome::Skipped,
        "{}",
        r.to_text()
    );
    // "No personal data will be shared" is not itself a data-protection clause.
    let a = entente_analysis::analyze_text(&none);
    assert!(
        !a.categories_present().contains(&"data_protection"),
        "{:?}",
        a.categories_present()
    );
}

#[test]
fn renewal_stoppable_only_by_the_counterparty_locks_us_in() {
    let p = playbook(LAWYER);
    let t = edit(
        "unless either Party gives written notice of non-renewal",
        "unless Brightwave gives written notice of non-renewal",
    );
    let r = check_text(&p, &t);
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == "acme.renewal-control")
        .collect();
    assert_eq!(f.len(), 1, "{}", r.to_text());
    assert!(f[0].message.contains("locked in"), "{}", f[0].message);
}

#[test]
fn exclusivity_sub_clauses_and_their_duration_are_checked() {
    let p = playbook(LAWYER);
    let long = edit(
        "7. Liability",
        "6A. Exclusivity\n\n6A.1 During the Term and for three (3) years thereafter, Acme shall not develop any sensor that competes with the prototype.\n\n7. Liability",
    );
    let r = check_text(&p, &long);
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == "acme.exclusivity")
        .collect();
    assert_eq!(f.len(), 1, "{}", r.to_text());
    assert!(f[0].message.contains("3 years"), "{}", f[0].message);
    let short = long.replace("three (3) years thereafter", "six (6) months thereafter");
    let r = check_text(&p, &short);
    assert_eq!(
        outcome(&r, "acme.exclusivity"),
        Outcome::Passed,
        "{}",
        r.to_text()
    );
}

#[test]
fn unknown_laws_and_contradictory_bounds_are_refused() {
    let base = "[playbook]\nid = \"acme\"\nname = \"Acme\"\nversion = \"1\"\nextends = \"cooperation\"\n\n";
    let e = Playbook::parse(
        &format!("{base}[[rule]]\nid = \"acme.law\"\nkind = \"governing_law\"\nseverity = \"high\"\ntitle = \"T\"\nrationale = \"R\"\nallowed = [\"Englnd\", \"Holland\", \"Germany\"]\n"),
        "acme.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown law \"Englnd\""), "{e}");
    assert!(
        e.contains("unknown law \"Holland\"") && e.contains("did you mean \"Netherlands\"?"),
        "{e}"
    );
    assert!(!e.contains("\"Germany\" in"), "{e}");
    // The inherited maximum of six months and a new minimum of 200 days contradict.
    let e = Playbook::parse(
        &format!("{base}[[rule]]\nid = \"exit.convenience-notice\"\nmin = \"200 days\"\n"),
        "acme.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("`min` (200 days) is longer than `max` (6 months)"),
        "{e}"
    );
    let e = Playbook::parse(
        &format!("{base}[[rule]]\nid = \"exit.convenience-notice\"\n[rule.by_kind.research]\nmax = \"20 days\"\n"),
        "acme.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("for research: `min` (30 days) is longer than `max` (20 days)"),
        "{e}"
    );
}

#[test]
fn conditions_on_the_parties_countries_and_the_kind_of_agreement_decide_whether_a_rule_applies() {
    let p = playbook(
        r#"
[playbook]
id = "acme"
name = "Acme"
version = "1"
extends = "cooperation"

[[rule]]
id = "acme.neutral-law"
kind = "governing_law"
severity = "high"
title = "Cross-border deals are under English law"
rationale = "A law both sides' counsel can read."
allowed = ["England and Wales"]
when = ["cross_border"]

[[rule]]
id = "acme.jda-ip"
kind = "required_clauses"
severity = "medium"
title = "Joint developments say who owns joint results"
rationale = "Joint results without an owner cannot be licensed."
all_of = ["joint_ip_ownership"]
when = ["kind:joint_development"]

[[rule]]
id = "acme.domestic-venue"
kind = "governing_law"
severity = "low"
title = "Domestic deals name a venue"
rationale = "Home courts are cheap."
require_venue = true
when = ["domestic"]
"#,
    );
    // England and the Netherlands: cross-border, and Dutch law is not English law.
    let dutch = edit("English law.", "Dutch law.");
    let r = check_text(&p, &dutch);
    assert_eq!(
        outcome(&r, "acme.neutral-law"),
        Outcome::Failed,
        "{}",
        r.to_text()
    );
    assert_eq!(outcome(&r, "acme.domestic-venue"), Outcome::Skipped);
    assert_eq!(
        outcome(&r, "acme.jda-ip"),
        Outcome::Passed,
        "{}",
        r.to_text()
    );
    // Both registered in England and Wales: domestic; the cross-border rule does not apply.
    let domestic = dutch.replace(
        "Brightwave B.V., a company registered in the Netherlands",
        "Brightwave Ltd, a company registered in England and Wales",
    );
    let r = check_text(&p, &domestic);
    assert_eq!(outcome(&r, "acme.neutral-law"), Outcome::Skipped);
    assert_ne!(outcome(&r, "acme.domestic-venue"), Outcome::Skipped);
    // A party whose country is not stated: whether the deal is cross-border cannot be told.
    let unknown = edit(
        "Brightwave B.V., a company registered in the Netherlands (\"Brightwave\")",
        "Brightwave B.V. (\"Brightwave\")",
    );
    let r = check_text(&p, &unknown);
    assert_eq!(
        outcome(&r, "acme.neutral-law"),
        Outcome::Undetermined,
        "{}",
        r.to_text()
    );
    let u = r
        .undetermined
        .iter()
        .find(|f| f.rule_id == "acme.neutral-law")
        .unwrap();
    assert!(
        u.message.contains("where each party is registered"),
        "{}",
        u.message
    );
    // A research agreement is not a joint development: the kind condition skips the rule.
    let mut s = entente_playbook::Subject::from_analysis(&entente_analysis::analyze_text(DRAFT));
    s.kind = entente_domain::agreement::AgreementKind::Research;
    let r = entente_playbook::check(&p, &s);
    assert_eq!(outcome(&r, "acme.jda-ip"), Outcome::Skipped);
}
