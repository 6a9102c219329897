//! Drafting from templates as use-cases, on both backends: invalid variables name the variable
//! and store nothing; a template draft with blocking findings moves to review only with a
//! recorded override; a clause switched to a fallback re-assembles the text, changes the terms
//! it sets and is recorded.

use entente_core::CoreError;
use entente_core::draft::{self, OVERRIDE_ACTION};
use entente_domain::agreement::AgreementStatus;
use entente_domain::query::AgreementQuery;
use entente_domain::terms::{LiabilityCap, TermField, TermValue};
use entente_store::testing::TestDb;
use entente_store::{Actor, Page, Store};
use entente_template::{Catalogue, DraftRequest};

fn example(template: &str) -> DraftRequest {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../entente-template/examples")
        .join(format!("{template}.vars.toml"));
    let src = std::fs::read_to_string(&p).unwrap();
    DraftRequest::from_toml(&p.display().to_string(), &src).unwrap()
}

/// The validation errors of a failed use-case, as (field, message).
fn errors(e: CoreError) -> Vec<(String, String)> {
    match e {
        CoreError::Validation(v) => v.0.into_iter().map(|e| (e.field, e.message)).collect(),
        other => panic!("expected validation errors, got {other:?}"),
    }
}

async fn stored(store: &Store, me: &Actor) -> u64 {
    store
        .list_agreements(
            me,
            &AgreementQuery::default(),
            Page {
                limit: 100,
                offset: 0,
            },
        )
        .await
        .unwrap()
        .1
}

/// A playbook that makes the missing data-return clause (the one finding the technology
/// template's draft has) block the move to review.
const STRICT: &str = r#"
[playbook]
id = "strict"
name = "Strict"
version = "1"
extends = "cooperation"

[[rule]]
id = "exit.data-return"
severity = "high"
"#;

/// Spoils an example's variables.
type Spoil = Box<dyn Fn(&mut DraftRequest)>;

async fn drafting_story() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("drafting passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(drafting_story);

async fn story(store: &Store) {
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let me = Actor::new(org, "legal@acme.example");
    let catalogue = Catalogue::builtin().unwrap();

    // Invalid variables: each error names the variable, and nothing is assembled or stored.
    let cases: Vec<(&str, Spoil, &str, &str)> = vec![
        (
            "technology-integration",
            Box::new(|r| {
                r.values.remove("party_b");
            }),
            "party_b",
            "is required",
        ),
        (
            "research-collaboration",
            Box::new(|r| {
                r.values.insert("end_date".into(), "2020-01-01".into());
            }),
            "end_date",
            "must be after effective_date",
        ),
        (
            "technology-integration",
            Box::new(|r| {
                r.values.insert(
                    "annual_value".into(),
                    serde_json::json!({"amount": "-240000", "currency": "EUR"}),
                );
            }),
            "annual_value",
            "",
        ),
        (
            "co-marketing",
            Box::new(|r| {
                r.values.insert(
                    "annual_value".into(),
                    serde_json::json!({"amount": "240000", "currency": "XQZ"}),
                );
            }),
            "annual_value",
            "currency",
        ),
        (
            "consortium",
            Box::new(|r| {
                let members = r.values["members"].as_array().unwrap()[..2].to_vec();
                r.values.insert("members".into(), members.into());
            }),
            "members",
            "at least 3",
        ),
    ];
    for (template, spoil, variable, says) in cases {
        let mut req = example(template);
        spoil(&mut req);
        let e = errors(draft::assemble(&catalogue, template, &req).unwrap_err());
        let hit = e.iter().find(|(f, _)| f == variable);
        assert!(
            hit.is_some_and(|(_, m)| m.contains(says)),
            "{template}: expected an error on {variable} saying {says:?}, got {e:?}"
        );
        assert!(
            e.iter().all(|(f, _)| f == variable),
            "{template}: only {variable} is wrong, got {e:?}"
        );
    }
    assert_eq!(stored(store, &me).await, 0, "nothing stored");

    // The review gate: with the strict playbook the draft has a blocking finding.
    entente_core::check::set_tenant_playbook(store, &me, STRICT)
        .await
        .unwrap();
    let req = example("technology-integration");
    let d = draft::assemble(&catalogue, "technology-integration", &req).unwrap();
    let made = draft::create_draft(store, &me, &d, &req, None)
        .await
        .unwrap();
    let id = made.agreement_id;
    assert_eq!(made.blocking, Some(1), "{made:?}");
    let refused = draft::move_agreement(store, &me, id, AgreementStatus::InReview, None, None)
        .await
        .unwrap_err();
    let e = errors(refused);
    assert_eq!(e[0].0, "override", "{e:?}");
    assert!(e[0].1.contains("1 finding(s) at or above high"), "{e:?}");
    assert!(
        e.iter()
            .any(|(f, m)| f == "finding exit.data-return" && m.starts_with("high")),
        "{e:?}"
    );
    // A blank reason is no override; submitting for approval passes the same gate.
    let e = errors(
        draft::move_agreement(store, &me, id, AgreementStatus::InReview, None, Some("  "))
            .await
            .unwrap_err(),
    );
    assert_eq!(e[0].0, "override");
    let e = errors(
        draft::submit_for_approval(store, &me, id, None, None)
            .await
            .unwrap_err(),
    );
    assert_eq!(e[0].0, "override");
    assert_eq!(
        store.get_agreement(&me, id).await.unwrap().status,
        AgreementStatus::Draft
    );
    let audit = store.list_audit(&me, Some(id)).await.unwrap();
    assert!(!audit.iter().any(|a| a.action == OVERRIDE_ACTION));

    // A fallback position: the text is re-assembled as version 2, the cap doubles, the choice
    // is recorded, and the new text is checked.
    let before = store.text_version(&me, id).await.unwrap().map(|v| v.number);
    assert_eq!(before, Some(1));
    let e = errors(
        draft::switch_position(
            store,
            &me,
            &catalogue,
            id,
            "liability.uncapped",
            "preferred",
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(e[0].0, "clause");
    assert!(e[0].1.contains("\"liability.uncapped\""), "{e:?}");
    let e = errors(
        draft::switch_position(store, &me, &catalogue, id, "liability.cap", "ten-times")
            .await
            .unwrap_err(),
    );
    assert_eq!(e[0].0, "position");
    assert!(
        e[0].1.contains("\"ten-times\"") && e[0].1.contains("preferred, two-times"),
        "{e:?}"
    );
    assert_eq!(
        store.list_versions(&me, id).await.unwrap().len(),
        1,
        "a refused switch changes nothing"
    );
    let s = draft::switch_position(store, &me, &catalogue, id, "liability.cap", "two-times")
        .await
        .unwrap();
    assert_eq!((s.from.as_str(), s.to.as_str()), ("preferred", "two-times"));
    assert_eq!(s.terms_changed, vec!["liability_cap".to_owned()]);
    assert!(s.risk_score.is_some(), "the new text was checked");
    let v2 = store.text_version(&me, id).await.unwrap().unwrap();
    assert_eq!(v2.number, 2);
    let text = store.version_text(&me, v2.id).await.unwrap();
    assert!(
        text.contains("being two times the annual value"),
        "the fallback's wording is in the text"
    );
    assert!(text.contains("480,000"), "the cap is 2 × EUR 240,000");
    let a = store.get_agreement(&me, id).await.unwrap();
    match a.terms.get(TermField::LiabilityCap) {
        Some(TermValue::Cap(LiabilityCap::Amount(m))) => {
            assert_eq!(m.amount.normalize().to_string(), "480000")
        }
        other => panic!("liability cap {other:?}"),
    }
    let p = draft::positions(store, &me, &catalogue, id).await.unwrap();
    let cap = p
        .clauses
        .iter()
        .find(|c| c.clause == "liability.cap")
        .unwrap();
    assert_eq!(cap.position, "two-times");
    assert_eq!(cap.options.len(), 2);
    let audit = store.list_audit(&me, Some(id)).await.unwrap();
    let ev = audit
        .iter()
        .find(|a| a.action == "draft.position")
        .expect("the switch is in the history");
    let details: serde_json::Value = serde_json::from_str(&ev.details).unwrap();
    assert_eq!(details["clause"], "liability.cap");
    assert_eq!(details["from"], "preferred");
    assert_eq!(details["to"], "two-times");
    let checks = store.list_checks(&me, id).await.unwrap();
    assert_eq!(checks[0].version_id, v2.id, "the new version was checked");
    // Already there: refused, nothing changes.
    let e = errors(
        draft::switch_position(store, &me, &catalogue, id, "liability.cap", "two-times")
            .await
            .unwrap_err(),
    );
    assert!(e[0].1.contains("already"), "{e:?}");
    assert_eq!(store.list_versions(&me, id).await.unwrap().len(), 2);

    // The override moves the draft and records who and why with the findings it overrode.
    let now = draft::move_agreement(
        store,
        &me,
        id,
        AgreementStatus::InReview,
        Some("ready for legal"),
        Some("data return is agreed in the side letter"),
    )
    .await
    .unwrap();
    assert_eq!(now, AgreementStatus::InReview);
    let audit = store.list_audit(&me, Some(id)).await.unwrap();
    let ev = audit
        .iter()
        .find(|a| a.action == OVERRIDE_ACTION)
        .expect("the override is in the audit trail");
    assert_eq!(ev.actor, "legal@acme.example");
    let details: serde_json::Value = serde_json::from_str(&ev.details).unwrap();
    assert_eq!(
        details["reason"],
        "data return is agreed in the side letter"
    );
    assert_eq!(details["findings"][0]["rule_id"], "exit.data-return");
    // Positions are chosen while the agreement is a draft.
    let e = errors(
        draft::switch_position(store, &me, &catalogue, id, "liability.cap", "preferred")
            .await
            .unwrap_err(),
    );
    assert_eq!(e[0].0, "status", "{e:?}");

    // An agreement not drafted from a template has no positions and no gate.
    let plain = entente_core::import_document(
        store,
        &me,
        b"COOPERATION AGREEMENT\n\n1. Scope\nThe parties cooperate.\n",
        "plain.txt",
        entente_core::ImportOptions {
            status: Some("draft".into()),
            ..Default::default()
        },
        &entente_analysis::Limits::default(),
    )
    .await
    .unwrap();
    let e = errors(
        draft::positions(store, &me, &catalogue, plain.agreement_id)
            .await
            .unwrap_err(),
    );
    assert_eq!(e[0].0, "agreement");
    draft::move_agreement(
        store,
        &me,
        plain.agreement_id,
        AgreementStatus::InReview,
        None,
        None,
    )
    .await
    .unwrap();
}
