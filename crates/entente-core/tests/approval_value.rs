//! A policy step that depends on the contract value: the value is read from the text with its
//! clause as evidence, and when none is known the step is required and the submitter told why.

mod common;
use common::lifecycle;

use entente_analysis::Limits;
use entente_core::{ImportOptions, import_document};
use entente_domain::access::Role;
use entente_domain::approval::{ApprovalPolicy, ApprovalRule, Decision};
use entente_domain::terms::{LiabilityCap, Source, TermField, TermValue};
use entente_domain::{AgreementId, Money, Timestamp};
use entente_store::testing::TestDb;
use entente_store::{Actor, Store};
use serde_json::{Value, json};

/// The story runs from this instant on, whatever day the test runs.
const START: &str = "2026-03-02T09:00:00Z";

const UNKNOWN: &str =
    "contract value unknown: finance approval required by the rule 'EUR 100,000 or more'";

fn eur(amount: &str) -> Money {
    Money::parse(amount, "EUR").unwrap()
}

async fn import_draft(s: &Store, me: &Actor, name: &str) -> entente_core::Imported {
    import_document(
        s,
        me,
        &lifecycle(name),
        &format!("{name}.txt"),
        ImportOptions {
            status: Some("draft".into()),
            ..Default::default()
        },
        &Limits::default(),
    )
    .await
    .unwrap()
}

fn names(chain: &entente_domain::approval::ApprovalChain) -> Vec<&str> {
    chain.steps.iter().map(|s| s.name.as_str()).collect()
}

async fn submissions(s: &Store, me: &Actor, id: AgreementId) -> Vec<Value> {
    s.list_audit(me, Some(id))
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "approval.submit")
        .map(|e| serde_json::from_str(&e.details).unwrap())
        .collect()
}

async fn the_finance_step_follows_the_contract_value_and_is_required_when_it_is_unknown() {
    for db in TestDb::all().await.unwrap() {
        db.store.clock().set(Timestamp::parse(START).unwrap());
        story(&db.store, &format!("{:?}", db.backend())).await;
    }
}

entente_store::on_each_backend!(
    the_finance_step_follows_the_contract_value_and_is_required_when_it_is_unknown
);

async fn story(s: &Store, label: &str) {
    let org = s
        .ensure_organisation("harrowgate", "Harrowgate")
        .await
        .unwrap();
    let me = Actor::new(org, "legal@harrowgate.example");
    // Legal for everything; finance from EUR 100,000.
    let rule = |name: &str, role, stage, min: Option<Money>| ApprovalRule {
        name: name.into(),
        role,
        stage,
        kinds: vec![],
        min_value: min,
    };
    s.set_approval_policy(
        &me,
        &ApprovalPolicy {
            rules: vec![
                rule("legal", Role::Legal, 1, None),
                rule("finance", Role::Procurement, 2, Some(eur("100000"))),
            ],
        },
    )
    .await
    .unwrap();

    // "The total contract value is EUR 250,000": read with its clause, so finance approves.
    let stated = import_draft(s, &me, "harrowgate-lumen-alliance").await;
    let a = s.get_agreement(&me, stated.agreement_id).await.unwrap();
    let value = a
        .terms
        .0
        .get(&TermField::ContractValue)
        .unwrap_or_else(|| panic!("{label}: no contract value in {:?}", a.terms));
    assert_eq!(value.value, TermValue::Money(eur("250000")), "{label}");
    let Source::Extracted {
        version_id,
        clause_id,
        start,
        end,
        ..
    } = &value.source
    else {
        panic!("{label}: {:?}", value.source)
    };
    assert_eq!(*version_id, stated.version_id);
    let text = s.version_text(&me, stated.version_id).await.unwrap();
    let evidence: String = text.chars().skip(*start).take(end - start).collect();
    assert_eq!(evidence, "3.1 The total contract value is EUR 250,000.");
    let clause = s
        .list_clauses(&me, stated.agreement_id, None)
        .await
        .unwrap()
        .into_iter()
        .find(|c| Some(c.id) == *clause_id)
        .expect("the evidence names its clause");
    assert!(
        clause
            .text
            .contains("The total contract value is EUR 250,000")
    );
    let chain = s
        .submit_for_approval(&me, stated.agreement_id, None)
        .await
        .unwrap();
    assert_eq!(names(&chain), ["legal", "finance"], "{label}");
    assert_eq!(
        chain.steps[1].reason,
        "contract value EUR 250,000 ≥ EUR 100,000"
    );
    assert_eq!(serde_json::to_value(&chain).unwrap()["warnings"], json!([]));

    // No value in the text: the cap, the termination fee and the insurance are not one, so the
    // finance step is required, and the submitter is told why.
    let silent = import_draft(s, &me, "quillfeather-brisk-comarketing").await;
    let id = silent.agreement_id;
    let b = s.get_agreement(&me, id).await.unwrap();
    assert_eq!(b.terms.get(TermField::ContractValue), None, "{label}");
    assert_eq!(
        b.terms.get(TermField::LiabilityCap),
        Some(&TermValue::Cap(LiabilityCap::Amount(eur("1000000"))))
    );
    assert_eq!(
        b.terms.get(TermField::TerminationFee),
        Some(&TermValue::Money(eur("40000")))
    );
    let chain = s.submit_for_approval(&me, id, None).await.unwrap();
    assert_eq!(names(&chain), ["legal", "finance"], "{label}");
    assert_eq!(chain.steps[1].reason, UNKNOWN);
    assert_eq!(
        serde_json::to_value(&chain).unwrap()["warnings"],
        json!([UNKNOWN]),
        "{label}"
    );
    let audit = submissions(s, &me, id).await;
    assert_eq!(audit[0]["warnings"], json!([UNKNOWN]), "{label}");
    assert_eq!(audit[0]["steps"][1]["reason"], UNKNOWN);

    // Once a person enters the value, the next round follows it.
    s.decide_approval(
        &me,
        Role::Legal,
        id,
        "legal",
        Decision::Reject,
        Some("state the campaign budget"),
    )
    .await
    .unwrap();
    s.set_term(
        &me,
        id,
        TermField::ContractValue,
        TermValue::Money(eur("80000")),
        Some("campaign budget agreed by e-mail".into()),
    )
    .await
    .unwrap();
    let chain = s.submit_for_approval(&me, id, None).await.unwrap();
    assert_eq!((chain.round, names(&chain)), (2, vec!["legal"]), "{label}");
    assert_eq!(
        submissions(s, &me, id).await[1]["warnings"],
        json!([]),
        "{label}"
    );
}
