//! The regulatory screen through the public interface: each kind of competition-law and
//! data-protection problem found with its evidence and legal basis, safe wordings left alone,
//! hardcore restrictions critical and scored far above a clean agreement, and the figures.

use entente_domain::competition::{CompetitorContext, CompetitorInput};
use entente_playbook::cases::{load_cases, measure_cases, parse_case};
use entente_playbook::{
    BlindSpot, Outcome, Playbook, Report, SCREEN_NOTE, Severity, Subject, check, check_text,
    default_playbook,
};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn regulatory() -> Playbook {
    Playbook::builtin("regulatory").unwrap().unwrap()
}

/// A labelled case's text and competitor context.
fn case(name: &str) -> (String, Option<CompetitorContext>) {
    let path = root().join("tests/corpus/regulatory").join(name);
    let c = parse_case(name, &std::fs::read_to_string(path).unwrap()).unwrap();
    (c.text, c.competitors)
}

fn report(p: &Playbook, name: &str) -> Report {
    let (text, rivals) = case(name);
    let a = entente_analysis::analyze_text(&text);
    let mut s = Subject::from_analysis(&a);
    s.competitors = rivals;
    check(p, &s)
}

fn outcome(r: &Report, id: &str) -> Outcome {
    r.rules.iter().find(|x| x.rule_id == id).unwrap().outcome
}

#[test]
fn every_problem_of_the_fleet_agreement_is_found_with_evidence_and_legal_basis() {
    let r = report(&regulatory(), "fleet-vendors-hardcore.txt");
    let (text, _) = case("fleet-vendors-hardcore.txt");
    let expected = [
        (
            "competition.price-fixing",
            Severity::Critical,
            "same list prices",
        ),
        (
            "competition.market-allocation",
            Severity::Critical,
            "the other Party's Region",
        ),
        (
            "competition.passive-sales",
            Severity::Critical,
            "even on request",
        ),
        (
            "competition.information-exchange",
            Severity::High,
            "prices for the next quarter",
        ),
        (
            "competition.no-challenge",
            Severity::High,
            "not to challenge the validity",
        ),
        (
            "data.international-transfer",
            Severity::High,
            "United States",
        ),
        (
            "data.processing-terms",
            Severity::High,
            "minute-by-minute location",
        ),
        ("data.roles", Severity::Medium, "minute-by-minute location"),
        (
            "data.breach-notification",
            Severity::Medium,
            "minute-by-minute location",
        ),
        (
            "data.return-or-deletion",
            Severity::Medium,
            "minute-by-minute location",
        ),
        (
            "data.purpose-limitation",
            Severity::Medium,
            "minute-by-minute location",
        ),
    ];
    for (id, sev, evidence) in expected {
        let f = r
            .findings
            .iter()
            .find(|f| f.rule_id == id)
            .unwrap_or_else(|| panic!("no finding of {id}:\n{}", r.to_text()));
        assert_eq!(f.severity, sev, "{id}");
        let span = f
            .span
            .unwrap_or_else(|| panic!("{id} has no evidence span"));
        let quoted: String = text
            .chars()
            .skip(span.start)
            .take(span.end - span.start)
            .collect();
        assert!(quoted.contains(evidence), "{id}: {quoted:?}");
        let basis = f.legal_basis.as_deref().unwrap_or_default();
        assert!(
            basis.contains("TFEU") || basis.contains("2023/1066") || basis.contains("GDPR"),
            "{id}: {basis}"
        );
        assert_eq!(f.note.as_deref(), Some(SCREEN_NOTE), "{id}");
        assert!(f.preferred.is_some() && !f.rationale.is_empty(), "{id}");
    }
    // The competitor context entered for it: 34 % is above the R&D block exemption's 25 %.
    let b = r
        .findings
        .iter()
        .find(|f| f.rule_id == "competition.block-exemption")
        .unwrap();
    assert!(
        b.message.contains("34 %") && b.message.contains("25 %"),
        "{}",
        b.message
    );
    // The text report prints the basis and the note with each finding.
    let t = r.to_text();
    assert!(t.contains("basis:   Art. 101(1)(a) TFEU"), "{t}");
    assert!(t.contains("note:    A screen for counsel"), "{t}");
    assert!(r.to_markdown().contains("**Legal basis.**"));
    // Critical findings flag competition law.
    assert!(r.flagged().contains(&BlindSpot::Competition));
}

#[test]
fn hardcore_restrictions_score_far_above_a_careful_agreement_under_the_default_playbook() {
    let bad = report(default_playbook(), "fleet-vendors-hardcore.txt");
    let good = report(default_playbook(), "careful-alliance-clean.txt");
    assert!(
        bad.findings
            .iter()
            .any(|f| f.severity == Severity::Critical)
    );
    assert!(
        bad.score.total >= 80,
        "hardcore restrictions scored {}",
        bad.score.total
    );
    assert!(
        bad.score.total >= good.score.total + 50,
        "bad {} vs careful {}",
        bad.score.total,
        good.score.total
    );
    assert!(
        !good
            .findings
            .iter()
            .any(|f| BlindSpot::REGULATORY.contains(&f.blind_spot)),
        "{}",
        good.to_text()
    );
}

#[test]
fn safe_wordings_give_no_finding() {
    let safe = "COLLABORATION AGREEMENT\n\nThis Agreement is made between Alder Systems GmbH, a company incorporated in Germany (\"Alder\"), and Birch Software Ltd, a company incorporated in England and Wales (\"Birch\").\n\n\
        2. INDEPENDENCE\n\n\
        2.1 Each Party remains free to determine its own prices.\n\n\
        2.2 Nothing restricts either Party from selling to any customer.\n\n\
        2.3 Either Party may terminate this Agreement if the other Party challenges the validity of any patent of that Party.\n\n\
        2.4 Each Party remains free to carry out research and development independently or with third parties.\n\n\
        2.5 Each Party may respond to unsolicited requests from any customer.\n\n\
        2.6 Neither Party shall disclose its future prices to the other Party.\n\n\
        2.7 No personal data will be shared under this Agreement.\n";
    let r = check_text(&regulatory(), safe);
    assert!(r.findings.is_empty(), "{}", r.to_text());
    for rule in &r.rules {
        assert_eq!(rule.outcome, Outcome::Passed, "{}", rule.rule_id);
    }
}

#[test]
fn a_regulatory_rule_must_name_its_legal_basis() {
    let e = Playbook::parse(
        "[playbook]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\n\n[[rule]]\nid = \"c.prices\"\nkind = \"competition\"\nscreen = \"price_fixing\"\nseverity = \"critical\"\ntitle = \"t\"\nrationale = \"r\"\n",
        "x.toml",
    )
    .unwrap_err();
    assert!(
        e.problems
            .iter()
            .any(|p| p.line == 6 && p.message.contains("needs a `legal_basis`")),
        "{e}"
    );
    let e = Playbook::parse(
        "[playbook]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\n\n[[rule]]\nid = \"c.prices\"\nkind = \"competition\"\nscreen = \"price_fixng\"\nseverity = \"critical\"\ntitle = \"t\"\nrationale = \"r\"\nlegal_basis = \"Art. 101 TFEU\"\n",
        "x.toml",
    )
    .unwrap_err();
    assert!(e.to_string().contains("price_fixing"), "{e}");
}

#[test]
fn the_default_playbook_extends_the_regulatory_one_and_floors_critical_findings() {
    let p = default_playbook();
    assert_eq!(p.extends, ["regulatory@2026.1"]);
    let reg = regulatory();
    for r in &reg.rules {
        assert!(p.rule(&r.id).is_some(), "{} not inherited", r.id);
        assert!(r.legal_basis.is_some(), "{}", r.id);
    }
    assert_eq!(p.scoring.floor.get(&Severity::Critical), Some(&80));
    for area in BlindSpot::REGULATORY {
        assert_eq!(p.scoring.weights.get(&area), Some(&0), "{area}");
    }
}

#[test]
fn block_exemption_reads_the_competitor_context() {
    let text = "RESEARCH AGREEMENT\n\n1. The Parties shall jointly research new catalysts.\n";
    let a = entente_analysis::analyze_text(text);
    let p = regulatory();
    let mut s = Subject::from_analysis(&a);
    let with = |competing: &str, share: Option<f64>| {
        CompetitorContext::try_from(CompetitorInput {
            competing: Some(competing.into()),
            markets: vec!["catalysts, EEA".into()],
            combined_share: share,
        })
        .unwrap()
    };
    let rule = "competition.block-exemption";
    assert_eq!(outcome(&check(&p, &s), rule), Outcome::Passed, "no context");
    s.competitors = Some(with("actual", Some(25.0)));
    assert_eq!(outcome(&check(&p, &s), rule), Outcome::Passed, "at 25 %");
    s.competitors = Some(with("actual", Some(25.5)));
    assert_eq!(outcome(&check(&p, &s), rule), Outcome::Failed);
    s.competitors = Some(with("potential", None));
    assert_eq!(outcome(&check(&p, &s), rule), Outcome::Undetermined);
    s.competitors = Some(with("none", Some(60.0)));
    assert_eq!(
        outcome(&check(&p, &s), rule),
        Outcome::Passed,
        "not competitors"
    );
}

#[test]
fn confidentiality_for_years_after_the_agreement_ends_survives_it() {
    let text = "8. CONFIDENTIALITY\n\n8.1 Each Party shall keep the other Party's Confidential Information confidential during the term and for five (5) years after it ends.\n";
    let r = check_text(default_playbook(), text);
    assert_eq!(
        outcome(&r, "risk.confidentiality-survival"),
        Outcome::Passed,
        "{}",
        r.to_text()
    );
    // Ending with the agreement still fails.
    let ends = "8. CONFIDENTIALITY\n\n8.1 Each Party shall keep the other Party's Confidential Information confidential during the term of this Agreement.\n";
    let r = check_text(default_playbook(), ends);
    assert_eq!(
        outcome(&r, "risk.confidentiality-survival"),
        Outcome::Failed
    );
}

#[test]
fn every_regulatory_rule_meets_the_accuracy_target_on_its_labelled_cases() {
    let cases = load_cases(&root().join("tests/corpus/regulatory")).unwrap();
    assert!(cases.len() >= 12, "only {} cases", cases.len());
    let m = measure_cases(default_playbook(), &cases).unwrap();
    for r in regulatory().rules {
        let x = m.iter().find(|x| x.rule_id == r.id).unwrap();
        assert!(
            x.true_positives >= 1 && x.true_negatives >= 1,
            "{}: needs positive and negative cases",
            r.id
        );
        assert!(
            x.precision >= 0.9 && x.recall >= 0.8,
            "{}: precision {:.2} recall {:.2}",
            r.id,
            x.precision,
            x.recall
        );
    }
}
