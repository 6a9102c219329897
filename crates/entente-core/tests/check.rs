//! Checks on import and on every new version, stored with the version; people's values win; the
//! tenant's playbook applies; the portfolio sums up the latest checks — on both backends.

use entente_analysis::Limits;
use entente_core::check;
use entente_core::{ImportOptions, add_version_document, import_document};
use entente_domain::terms::{LiabilityCap, TermField, TermValue};
use entente_playbook::BlindSpot;
use entente_store::Actor;
use entente_store::testing::TestDb;

fn corpus(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/txt")
        .join(format!("{name}.txt"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

async fn imports_and_new_versions_are_checked_and_stored_on_every_backend() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("check use-cases passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(imports_and_new_versions_are_checked_and_stored_on_every_backend);

async fn story(store: &entente_store::Store) {
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let me = Actor::new(org, "legal@acme.example");
    let limits = Limits::default();

    // A weak MoU: checked on import, every blind spot flagged.
    let weak = import_document(
        store,
        &me,
        &corpus("summit-ridge-alliance"),
        "summit-ridge-alliance.txt",
        ImportOptions {
            owner: Some("bd@acme.example".into()),
            ..Default::default()
        },
        &limits,
    )
    .await
    .unwrap();
    let score = weak.risk_score.expect("the import was checked");
    assert!(score >= 60, "a weak agreement scores high, got {score}");
    let stored = store
        .latest_check(&me, weak.agreement_id, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version_id, weak.version_id);
    assert_eq!(stored.score, score);
    for b in BlindSpot::FIVE {
        assert!(
            stored.flagged.iter().any(|f| f == b.as_str()),
            "{b} not flagged: {:?}",
            stored.flagged
        );
    }
    assert_eq!(stored.report["playbook"]["id"], "cooperation");

    // A clean agreement: low score, nothing flagged.
    let clean = import_document(
        store,
        &me,
        &corpus("northwind-helix-integration"),
        "northwind-helix-integration.txt",
        ImportOptions::default(),
        &limits,
    )
    .await
    .unwrap();
    let c = store
        .latest_check(&me, clean.agreement_id, None)
        .await
        .unwrap()
        .unwrap();
    assert!(c.flagged.is_empty(), "{:?}", c.flagged);
    assert!(c.score < score);

    // A new version is checked again and stored with it.
    let (v2, _) = add_version_document(
        store,
        &me,
        weak.agreement_id,
        &corpus("ashford-corvane-alliance"),
        "ashford-corvane-alliance.txt",
        &limits,
    )
    .await
    .unwrap();
    let after = store
        .latest_check(&me, weak.agreement_id, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.version_id, after.version_number), (v2, 2));
    assert!(after.score < score, "the better version scores lower");
    assert_eq!(
        store
            .list_checks(&me, weak.agreement_id)
            .await
            .unwrap()
            .len(),
        2
    );

    // A person's value wins over the text: an entered uncapped liability is a finding.
    store
        .set_term(
            &me,
            clean.agreement_id,
            TermField::LiabilityCap,
            TermValue::Cap(LiabilityCap::Uncapped),
            Some("side letter".into()),
        )
        .await
        .unwrap();
    let rechecked = check::check_agreement(store, &me, clean.agreement_id, None, None, true)
        .await
        .unwrap();
    assert!(rechecked.check_id.is_some());
    let f = rechecked
        .report
        .findings
        .iter()
        .find(|f| f.rule_id == "risk.liability-limited")
        .expect("uncapped liability entered by a person is reported");
    assert_eq!(f.message, "liability is expressly unlimited");
    assert_eq!(f.location(), "entered by a person");

    // The tenant's playbook replaces the built-in one for later checks.
    let err = check::set_tenant_playbook(store, &me, "[playbook]\nid = \"acme\"\n")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("line"), "{err}");
    let src = "[playbook]\nid = \"acme\"\nname = \"Acme\"\nversion = \"7\"\nextends = \"cooperation\"\n\n[[rule]]\nid = \"enforcement.out-of-court\"\nenabled = false\n";
    let (p, _) = check::set_tenant_playbook(store, &me, src).await.unwrap();
    assert_eq!(p.label(), "acme@7");
    let r = check::check_agreement(store, &me, weak.agreement_id, None, None, false)
        .await
        .unwrap();
    assert_eq!(r.report.playbook.id, "acme");
    assert!(r.check_id.is_none(), "not saved when not asked");
    assert!(
        !r.report
            .findings
            .iter()
            .any(|f| f.rule_id == "enforcement.out-of-court")
    );

    // The portfolio: latest checks by kind, counterparty and owner.
    let p = check::portfolio(store, &me).await.unwrap();
    assert_eq!(p.overall.agreements, 2);
    assert!(p.by_owner.iter().any(|g| g.key == "bd@acme.example"));
    assert!(
        p.by_counterparty
            .iter()
            .any(|g| g.key.contains("Northwind"))
    );
    assert_eq!(p.riskiest.len(), 2);

    // Re-checking the whole portfolio stores one more check per agreement.
    let n = check::check_portfolio(store, &me, true).await.unwrap();
    assert_eq!(n, 2);
    assert_eq!(check::check_portfolio(store, &me, false).await.unwrap(), 0);
}
