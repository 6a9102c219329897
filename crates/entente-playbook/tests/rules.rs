//! Every rule kind, run alone: an agreement that triggers it (with the finding's location or
//! "missing") and one that does not. The agreements go through the real analysis.

use entente_playbook::{BlindSpot, Finding, Playbook, Report, Severity, check_text};

/// A well-drafted cooperation agreement: it passes every rule of the default playbook.
const CLEAN: &str = "COOPERATION AGREEMENT

This Cooperation Agreement is made on 1 March 2026 between Northwind Systems GmbH, a company registered in Germany (\"Northwind\"), and Helix Data Ltd, a company registered in England and Wales (\"Helix\").

1. Scope

1.1 Northwind shall deliver the integration connector described in Schedule 1 by 30 June 2026.

1.2 Helix shall respond to each support request within four (4) business hours.

1.3 Helix shall make the platform available 99.9% of the time in each calendar month.

2. Governance and Review

2.1 The steering committee shall meet every quarter to review performance against the metrics in Schedule 2.

2.2 The parties shall review this Agreement at least once in each contract year.

3. Term and Renewal

3.1 This Agreement commences on 1 March 2026 and continues for an initial term of three (3) years. It renews automatically for successive periods of one (1) year unless either party gives written notice of non-renewal at least ninety (90) days before the end of the then-current term.

4. Termination

4.1 Either party may terminate this Agreement for convenience on ninety (90) days' written notice.

4.2 Either party may terminate this Agreement with immediate effect by written notice if the other party commits a material breach that is not remedied within thirty (30) days after notice.

4.3 On termination or expiry, each party shall wind down the activities in progress within sixty (60) days, and the clauses on confidentiality and liability survive.

4.4 Within thirty (30) days after termination or expiry, each party shall return or destroy the other party's Confidential Information and data.

5. Confidentiality

5.1 Each party shall keep the other party's Confidential Information confidential during the term and for five (5) years after termination or expiry.

6. Intellectual Property

6.1 Each party retains its Background IP. Jointly developed intellectual property is owned jointly by the parties.

7. Liability

7.1 Neither party shall be liable for any indirect or consequential loss or for any loss of profits.

7.2 Each party's total liability under this Agreement shall not exceed EUR 1,000,000.

7.3 Each party shall indemnify the other party against third-party claims arising from its breach of this Agreement.

8. Disputes

8.1 Any dispute shall first be referred to the senior executives of the parties, who shall meet within fifteen (15) business days to negotiate a resolution.

8.2 If the dispute is not resolved within thirty (30) days, either party may refer it to mediation under the CEDR rules.

8.3 If the dispute is not resolved within sixty (60) days after the mediator is appointed, it shall be finally settled by arbitration under the ICC Rules, seated in London.

9. Governing Law

9.1 This Agreement is governed by the laws of England and Wales.

10. General

10.1 No amendment of this Agreement is effective unless it is in writing and signed by both parties.
";

/// `CLEAN` with `from` replaced by `to` (which must occur).
fn edit(from: &str, to: &str) -> String {
    assert!(CLEAN.contains(from), "the clean agreement has no {from:?}");
    CLEAN.replace(from, to)
}

/// A playbook holding one rule.
fn playbook(rule: &str) -> Playbook {
    let text = format!(
        "[playbook]\nid = \"test\"\nname = \"Test\"\nversion = \"1\"\n\n[[rule]]\nid = \"r\"\ntitle = \"T\"\nrationale = \"R\"\npreferred = \"P\"\n{rule}"
    );
    Playbook::parse(&text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn run(rule: &str, text: &str) -> Report {
    check_text(&playbook(rule), text)
}

/// The rule's findings on `text` (there must be at least one).
fn fails(rule: &str, text: &str) -> Vec<Finding> {
    let r = run(rule, text);
    assert!(
        !r.findings.is_empty(),
        "rule should fail but passed:\n{rule}\n{}",
        r.to_text()
    );
    r.findings
}

fn passes(rule: &str, text: &str) {
    let r = run(rule, text);
    assert!(
        r.findings.is_empty(),
        "rule should pass but failed:\n{rule}\n{}",
        r.to_text()
    );
}

fn messages(f: &[Finding]) -> String {
    f.iter()
        .map(|f| format!("{} @ {}", f.message, f.location()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_clean_agreement_passes_every_rule_of_the_default_playbook() {
    let r = check_text(entente_playbook::default_playbook(), CLEAN);
    assert!(r.findings.is_empty(), "{}", r.to_text());
    assert_eq!(r.score.total, 0);
    assert!(r.flagged().is_empty());
}

#[test]
fn required_clauses_report_each_missing_category() {
    let rule = "kind = \"required_clauses\"\nseverity = \"low\"\nall_of = [\"amendment_waiver\", \"governing_law\"]\nany_of = [\"data_return\", \"post_termination_services\"]\n";
    passes(rule, CLEAN);
    let text = edit(
        "10.1 No amendment of this Agreement is effective unless it is in writing and signed by both parties.",
        "",
    );
    let f = fails(rule, &text);
    assert_eq!(f.len(), 1, "{}", messages(&f));
    assert!(f[0].missing && f[0].message.contains("amendment_waiver"));
    assert_eq!(f[0].location(), "missing");
    assert_eq!(f[0].blind_spot, BlindSpot::Other);
}

#[test]
fn vague_obligations_list_the_vague_duties_when_they_dominate() {
    let rule =
        "kind = \"vague_obligations\"\nseverity = \"high\"\nmin_count = 2\nmin_share = 0.25\n";
    passes(rule, CLEAN);
    let text = edit(
        "2. Governance and Review",
        "1.4 The parties will work together in good faith as appropriate.\n\n1.5 Northwind will promptly support Helix where possible.\n\n1.6 Helix will cooperate with Northwind from time to time.\n\n2. Governance and Review",
    );
    let f = fails(rule, &text);
    assert!(f.len() >= 3, "{}", messages(&f));
    assert!(f.iter().all(|x| x.span.is_some() && !x.missing));
    assert!(f[0].message.contains("are vague"), "{}", f[0].message);
    assert!(
        f.iter()
            .any(|x| x.excerpt.as_deref().unwrap_or("").contains("good faith"))
    );
}

#[test]
fn weasel_words_are_reported_even_with_a_deadline() {
    let rule = "kind = \"weasel_words\"\nseverity = \"low\"\nwords = [\"reasonable efforts\"]\n";
    passes(rule, CLEAN);
    let text = edit(
        "1.2 Helix shall respond",
        "1.2 Helix shall use reasonable efforts to respond",
    );
    let f = fails(rule, &text);
    assert_eq!(f.len(), 1, "{}", messages(&f));
    assert!(f[0].message.contains("“reasonable efforts”"));
    assert_eq!(f[0].clause.as_ref().unwrap().number.as_deref(), Some("1.2"));
}

#[test]
fn review_cycle_needs_a_review_or_recurring_meeting_within_the_interval() {
    let rule = "kind = \"review_cycle\"\nseverity = \"medium\"\nmax_interval = \"12 months\"\n";
    passes(rule, CLEAN);
    let no_review = edit(
        "2.1 The steering committee shall meet every quarter to review performance against the metrics in Schedule 2.\n\n2.2 The parties shall review this Agreement at least once in each contract year.",
        "2.1 The parties shall appoint a project manager.",
    );
    let f = fails(rule, &no_review);
    assert!(f[0].missing, "{}", messages(&f));
    let rare = edit(
        "2.1 The steering committee shall meet every quarter to review performance against the metrics in Schedule 2.\n\n2.2 The parties shall review this Agreement at least once in each contract year.",
        "2.1 The steering committee shall meet every two years to review this Agreement.",
    );
    let f = fails(rule, &rare);
    // Two years and 24 months are one span.
    assert!(
        f[0].message.contains("24 months") || f[0].message.contains("2 years"),
        "{}",
        messages(&f)
    );
    // With renewal_counts, renewal mechanics are enough.
    passes(
        "kind = \"review_cycle\"\nseverity = \"high\"\nrenewal_counts = true\n",
        &no_review,
    );
}

#[test]
fn renewal_needs_mechanics_and_a_workable_notice() {
    let rule = "kind = \"renewal\"\nseverity = \"medium\"\nnotice_min = \"30 days\"\nnotice_max = \"180 days\"\n";
    passes(rule, CLEAN);
    let short = edit(
        "at least ninety (90) days before",
        "at least ten (10) days before",
    );
    let f = fails(rule, &short);
    assert!(f[0].message.contains("shorter than"), "{}", messages(&f));
    assert!(f[0].span.is_some());
    let none = edit(
        "3.1 This Agreement commences on 1 March 2026 and continues for an initial term of three (3) years. It renews automatically for successive periods of one (1) year unless either party gives written notice of non-renewal at least ninety (90) days before the end of the then-current term.",
        "3.1 This Agreement commences on 1 March 2026.",
    );
    let f = fails(rule, &none);
    assert!(
        f[0].missing && f[0].message.contains("no term"),
        "{}",
        messages(&f)
    );
}

#[test]
fn term_length_flags_long_initial_terms() {
    let rule = "kind = \"term_length\"\nseverity = \"low\"\nmax = \"5 years\"\n";
    passes(rule, CLEAN);
    let long = edit(
        "initial term of three (3) years",
        "initial term of ten (10) years",
    );
    let f = fails(rule, &long);
    assert!(f[0].message.contains("10 years"), "{}", messages(&f));
    assert_eq!(f[0].clause.as_ref().unwrap().number.as_deref(), Some("3.1"));
}

#[test]
fn liability_cap_flags_missing_unlimited_and_excessive_caps() {
    let rule = "kind = \"liability_cap\"\nseverity = \"high\"\nmax_amount = \"EUR 500000\"\n";
    let within = edit("EUR 1,000,000", "EUR 250,000");
    passes(rule, &within);
    let f = fails(rule, CLEAN);
    assert!(
        f[0].message.contains("above the playbook's maximum"),
        "{}",
        messages(&f)
    );
    let none = edit(
        "7.1 Neither party shall be liable for any indirect or consequential loss or for any loss of profits.\n\n7.2 Each party's total liability under this Agreement shall not exceed EUR 1,000,000.",
        "7.1 Each party is responsible for its own acts.",
    );
    let f = fails(
        "kind = \"liability_cap\"\nseverity = \"high\"\nrequire_cap = false\n",
        &none,
    );
    assert!(f[0].missing && f[0].message.contains("nothing limits liability"));
    // Exclusions alone satisfy require_cap = false, but not the default.
    let excl_only = edit(
        "7.2 Each party's total liability under this Agreement shall not exceed EUR 1,000,000.",
        "",
    );
    passes(
        "kind = \"liability_cap\"\nseverity = \"high\"\nrequire_cap = false\n",
        &excl_only,
    );
    let f = fails(
        "kind = \"liability_cap\"\nseverity = \"medium\"\n",
        &excl_only,
    );
    assert!(f[0].message.contains("no cap"), "{}", messages(&f));
}

#[test]
fn exclusions_name_the_damages_left_out() {
    let rule = "kind = \"exclusions\"\nseverity = \"medium\"\nrequired = [\"indirect\", \"consequential\", \"lost_profits\"]\n";
    passes(rule, CLEAN);
    let partial = edit(
        "7.1 Neither party shall be liable for any indirect or consequential loss or for any loss of profits.",
        "7.1 Neither party shall be liable for any indirect loss.",
    );
    let f = fails(rule, &partial);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("consequential") && f[0].message.contains("lost profits"),
        "{}",
        messages(&f)
    );
    assert!(!f[0].message.contains("indirect"));
}

#[test]
fn mutual_liability_flags_limits_that_protect_one_party() {
    let rule = "kind = \"mutual_liability\"\nseverity = \"high\"\n";
    passes(rule, CLEAN);
    let one_sided = edit(
        "7.1 Neither party shall be liable for any indirect or consequential loss or for any loss of profits.\n\n7.2 Each party's total liability under this Agreement shall not exceed EUR 1,000,000.",
        "7.1 Northwind shall not be liable for any indirect or consequential loss or for any loss of profits.\n\n7.2 Northwind's total liability under this Agreement shall not exceed EUR 1,000,000.\n\n7.4 Helix shall be liable for all losses suffered by Northwind without limit.",
    );
    let f = fails(rule, &one_sided);
    let all = messages(&f);
    assert!(
        all.contains("the liability cap protects only Northwind"),
        "{all}"
    );
    assert!(
        all.contains("the exclusion of damages protects only Northwind"),
        "{all}"
    );
    assert!(all.contains("Helix's liability is unlimited"), "{all}");
}

#[test]
fn indemnity_flags_one_way_indemnities() {
    let rule = "kind = \"indemnity\"\nseverity = \"low\"\n";
    passes(rule, CLEAN);
    let one_way = edit(
        "7.3 Each party shall indemnify the other party against third-party claims arising from its breach of this Agreement.",
        "7.3 Helix shall indemnify Northwind against all third-party claims arising from this Agreement.",
    );
    let f = fails(rule, &one_way);
    assert!(f[0].message.contains("one way"), "{}", messages(&f));
    assert!(f[0].span.is_some());
}

#[test]
fn forbidden_terms_are_found_where_they_are_written() {
    let rule = "kind = \"forbidden_terms\"\nseverity = \"high\"\nblind_spot = \"poor_risk_allocation\"\nphrases = [\"in perpetuity\", \"unlimited liability\"]\n";
    passes(rule, CLEAN);
    let bad = edit(
        "6.1 Each party retains its Background IP.",
        "6.1 Helix grants Northwind an exclusive licence in perpetuity. Each party retains its Background IP.",
    );
    let f = fails(rule, &bad);
    assert_eq!(f.len(), 1, "{}", messages(&f));
    assert!(f[0].message.contains("“in perpetuity”"));
    assert_eq!(f[0].blind_spot, BlindSpot::PoorRiskAllocation);
    assert!(
        f[0].excerpt
            .as_deref()
            .unwrap()
            .contains("exclusive licence in perpetuity")
    );
    // Restricted to categories the phrase is not in: passes.
    passes(
        "kind = \"forbidden_terms\"\nseverity = \"high\"\nphrases = [\"in perpetuity\"]\nin_categories = [\"arbitration\"]\n",
        &bad,
    );
}

#[test]
fn confidentiality_must_survive_long_enough() {
    let rule = "kind = \"confidentiality\"\nseverity = \"medium\"\nmin_survival = \"3 years\"\n";
    passes(rule, CLEAN);
    let ends = edit(
        "during the term and for five (5) years after termination or expiry.",
        "during the term.",
    )
    .replace(
        ", and the clauses on confidentiality and liability survive",
        "",
    );
    let f = fails(rule, &ends);
    assert!(
        f[0].message.contains("ends with the agreement"),
        "{}",
        messages(&f)
    );
    let short = edit("for five (5) years after", "for one (1) year after");
    let f = fails(rule, &short);
    assert!(f[0].message.contains("1 year"), "{}", messages(&f));
}

#[test]
fn termination_right_needs_a_way_out() {
    let rule = "kind = \"termination_right\"\nseverity = \"high\"\n";
    passes(rule, CLEAN);
    let cause_only = edit(
        "4.1 Either party may terminate this Agreement for convenience on ninety (90) days' written notice.",
        "",
    );
    passes(rule, &cause_only);
    let f = fails(
        "kind = \"termination_right\"\nseverity = \"medium\"\ngrounds = [\"convenience\"]\n",
        &cause_only,
    );
    assert!(f[0].missing && f[0].message.contains("for convenience"));
    let trapped = cause_only.replace(
        "4.2 Either party may terminate this Agreement with immediate effect by written notice if the other party commits a material breach that is not remedied within thirty (30) days after notice.",
        "",
    );
    let f = fails(rule, &trapped);
    assert_eq!(f[0].blind_spot, BlindSpot::MissingExit);
    assert!(f[0].message.contains("no way out"), "{}", messages(&f));
}

#[test]
fn notice_period_must_lie_within_bounds() {
    let rule = "kind = \"notice_period\"\nseverity = \"medium\"\nof = \"termination_for_convenience\"\nmin = \"30 days\"\nmax = \"180 days\"\n";
    passes(rule, CLEAN);
    let short = edit(
        "for convenience on ninety (90) days'",
        "for convenience on ten (10) days'",
    );
    let f = fails(rule, &short);
    assert!(f[0].message.contains("10 days"), "{}", messages(&f));
    assert!(f[0].message.contains("shorter"));
    let renewal = "kind = \"notice_period\"\nseverity = \"medium\"\nof = \"non_renewal\"\nmax = \"60 days\"\n";
    let f = fails(renewal, CLEAN);
    assert!(f[0].message.contains("longer than"), "{}", messages(&f));
}

#[test]
fn governing_law_must_be_chosen_and_allowed() {
    let rule = "kind = \"governing_law\"\nseverity = \"high\"\n";
    passes(rule, CLEAN);
    let none = edit(
        "9. Governing Law\n\n9.1 This Agreement is governed by the laws of England and Wales.",
        "",
    );
    let f = fails(rule, &none);
    assert!(f[0].missing && f[0].message.contains("no governing law"));
    let f = fails(
        "kind = \"governing_law\"\nseverity = \"medium\"\nallowed = [\"Germany\", \"Switzerland\"]\n",
        CLEAN,
    );
    assert!(
        f[0].message.contains("England and Wales"),
        "{}",
        messages(&f)
    );
    let venue = "kind = \"governing_law\"\nseverity = \"medium\"\nrequire_law = false\nrequire_venue = true\n";
    passes(venue, CLEAN);
    let no_forum = edit(
        "8. Disputes\n\n8.1 Any dispute shall first be referred to the senior executives of the parties, who shall meet within fifteen (15) business days to negotiate a resolution.\n\n8.2 If the dispute is not resolved within thirty (30) days, either party may refer it to mediation under the CEDR rules.\n\n8.3 If the dispute is not resolved within sixty (60) days after the mediator is appointed, it shall be finally settled by arbitration under the ICC Rules, seated in London.",
        "",
    );
    let f = fails(venue, &no_forum);
    assert!(f[0].message.contains("no venue"), "{}", messages(&f));
}

#[test]
fn dispute_resolution_needs_a_step_before_court() {
    let rule = "kind = \"dispute_resolution\"\nseverity = \"high\"\n";
    passes(rule, CLEAN);
    let courts = edit(
        "8.1 Any dispute shall first be referred to the senior executives of the parties, who shall meet within fifteen (15) business days to negotiate a resolution.\n\n8.2 If the dispute is not resolved within thirty (30) days, either party may refer it to mediation under the CEDR rules.\n\n8.3 If the dispute is not resolved within sixty (60) days after the mediator is appointed, it shall be finally settled by arbitration under the ICC Rules, seated in London.",
        "8.1 The courts of London have exclusive jurisdiction over any dispute arising out of this Agreement.",
    );
    let f = fails(rule, &courts);
    assert!(
        f[0].message.contains("straight to court"),
        "{}",
        messages(&f)
    );
    assert_eq!(f[0].clause.as_ref().unwrap().number.as_deref(), Some("8.1"));
    let none = courts.replace(
        "8.1 The courts of London have exclusive jurisdiction over any dispute arising out of this Agreement.",
        "",
    );
    let f = fails(rule, &none.replace("8. Disputes", ""));
    assert!(f[0].missing, "{}", messages(&f));
}

#[test]
fn dispute_tiers_must_all_be_there_in_order_with_time_limits() {
    let rule = "kind = \"dispute_tiers\"\nseverity = \"medium\"\ntiers = [\"negotiation\", \"mediation\", \"arbitration\"]\nmax_period = \"60 days\"\n";
    passes(rule, CLEAN);
    let no_mediation = edit(
        "8.2 If the dispute is not resolved within thirty (30) days, either party may refer it to mediation under the CEDR rules.\n\n8.3 If the dispute is not resolved within sixty (60) days after the mediator is appointed, it",
        "8.2 If the dispute is not resolved within thirty (30) days, it",
    );
    let f = fails(rule, &no_mediation);
    assert!(f[0].message.contains("lacks mediation"), "{}", messages(&f));
    let untimed = edit(
        ", who shall meet within fifteen (15) business days to negotiate a resolution.\n\n8.2 If the dispute is not resolved within thirty (30) days, either",
        " to negotiate a resolution.\n\n8.2 If the dispute is not resolved by them, either",
    );
    let f = fails(rule, &untimed);
    assert!(
        f.iter()
            .any(|x| x.message.contains("negotiation has no time limit")),
        "{}",
        messages(&f)
    );
}

#[test]
fn severities_points_and_weights_make_the_score() {
    let text = "[playbook]\nid = \"s\"\nname = \"S\"\nversion = \"1\"\n\n[scoring.weights]\nambiguous_obligations = 0\nstatic_document = 0\npoor_risk_allocation = 50\nmissing_exit = 50\nmissing_enforcement = 0\n\n\
         [[rule]]\nid = \"a\"\nkind = \"governing_law\"\nseverity = \"critical\"\nblind_spot = \"missing_exit\"\ntitle = \"T\"\nrationale = \"R\"\n\n\
         [[rule]]\nid = \"b\"\nkind = \"indemnity\"\nseverity = \"medium\"\ntitle = \"T\"\nrationale = \"R\"\n";
    let p = Playbook::parse(text, "s.toml").unwrap();
    let bad = edit(
        "9. Governing Law\n\n9.1 This Agreement is governed by the laws of England and Wales.",
        "",
    )
    .replace(
        "7.3 Each party shall indemnify the other party against third-party claims arising from its breach of this Agreement.",
        "7.3 Helix shall indemnify Northwind against all third-party claims arising from this Agreement.",
    );
    let r = check_text(&p, &bad);
    let exit = r.score.spot(BlindSpot::MissingExit).unwrap();
    let risk = r.score.spot(BlindSpot::PoorRiskAllocation).unwrap();
    assert_eq!((exit.score, exit.flagged), (100, true));
    assert_eq!((risk.score, risk.flagged), (30, false));
    assert_eq!(r.score.total, 65, "(100 × 50 + 30 × 50) / 100");
    assert_eq!(r.worst(), Some(Severity::Critical));
    assert!(r.fails_at(Severity::Critical));
    assert!(!check_text(&p, CLEAN).fails_at(Severity::Info));
    assert_eq!(r.flagged(), [BlindSpot::MissingExit]);
    // Findings are sorted most severe first.
    assert_eq!(r.findings[0].severity, Severity::Critical);
    // Text and Markdown renderings carry the essentials.
    let md = r.to_markdown();
    assert!(md.contains("| Missing exit terms | 100 |"), "{md}");
    assert!(
        md.contains("`a`") && !md.contains("**Preferred language**"),
        "{md}"
    );
    assert!(r.to_text().contains("FLAGGED (critical)"));
}

#[test]
fn rules_off_for_a_kind_are_skipped_and_reported_as_such() {
    let p = Playbook::parse(
        "[playbook]\nid = \"k\"\nname = \"K\"\nversion = \"1\"\n\n[[rule]]\nid = \"law\"\nkind = \"governing_law\"\nseverity = \"high\"\ntitle = \"T\"\nrationale = \"R\"\napplies_to = [\"research\"]\n",
        "k.toml",
    )
    .unwrap();
    let text = edit(
        "9.1 This Agreement is governed by the laws of England and Wales.",
        "",
    );
    let r = check_text(&p, &text);
    assert!(r.findings.is_empty());
    assert_eq!(r.rules[0].outcome, entente_playbook::Outcome::Skipped);
}

#[test]
fn max_multiple_compares_the_cap_with_the_annual_contract_value() {
    use entente_domain::terms::{TermField, TermValue, Terms};
    use entente_domain::{Money, Timestamp};
    let p = playbook("kind = \"liability_cap\"\nseverity = \"medium\"\nmax_multiple = 2\n");
    let analysis = entente_analysis::analyze_text(CLEAN);
    let with_value = |amount: &str| {
        let mut s = entente_playbook::Subject::from_analysis(&analysis);
        let mut t = Terms::default();
        t.set_user(
            TermField::ContractValue,
            TermValue::Money(Money::parse(amount, "EUR").unwrap()),
            "legal@example.com",
            Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
            None,
        );
        s.apply_user_terms(&t);
        entente_playbook::check(&p, &s)
    };
    // Three years at EUR 300,000: EUR 100,000 a year; a EUR 1,000,000 cap is 10 × that.
    let r = with_value("300000");
    assert_eq!(r.findings.len(), 1, "{}", r.to_text());
    assert!(
        r.findings[0]
            .message
            .contains("2 × the annual contract value"),
        "{}",
        r.findings[0].message
    );
    // EUR 1,500,000 over three years: EUR 500,000 a year; the cap is exactly 2 ×.
    assert!(with_value("1500000").findings.is_empty());
    // Without a value there is nothing to compare.
    assert!(
        run(
            "kind = \"liability_cap\"\nseverity = \"medium\"\nmax_multiple = 2\n",
            CLEAN
        )
        .findings
        .is_empty()
    );
}
