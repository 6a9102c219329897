//! The tenant's own company is a party to every agreement but never a counterparty: once its
//! legal entities are declared, the counterparty filter and the risk by counterparty leave
//! them out — on both backends, from contract texts.

mod common;
use common::lifecycle;

use entente_analysis::Limits;
use entente_core::{ImportOptions, check, import_document};
use entente_domain::query::AgreementQuery;
use entente_store::testing::TestDb;
use entente_store::{Actor, Page, Store};

async fn titles_with_party(store: &Store, me: &Actor, party: &str) -> usize {
    let (rows, total) = store
        .list_agreements(
            me,
            &AgreementQuery {
                party: Some(party.into()),
                ..Default::default()
            },
            Page {
                limit: 50,
                offset: 0,
            },
        )
        .await
        .unwrap();
    assert_eq!(rows.len() as u64, total);
    rows.len()
}

async fn our_own_company_is_no_counterparty() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("own company story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(our_own_company_is_no_counterparty);

async fn story(store: &Store) {
    let org = store
        .ensure_organisation("northwind", "Northwind")
        .await
        .unwrap();
    let me = Actor::new(org, "legal@northwind.example");
    for name in ["aldgate-vireo-services", "mercer-northwind-referral"] {
        import_document(
            store,
            &me,
            &lifecycle(name),
            &format!("{name}.txt"),
            ImportOptions::default(),
            &Limits::default(),
        )
        .await
        .unwrap();
    }

    // Undeclared, our own name matches every agreement.
    assert_eq!(titles_with_party(store, &me, "northwind").await, 2);
    assert!(store.own_entities(&me).await.unwrap().is_empty());

    // Declared (a duplicate spelling counts once), it matches none; counterparties still do.
    let kept = store
        .set_own_entities(
            &me,
            &[
                "Northwind Trading Limited".into(),
                "Northwind".into(),
                "NORTHWIND TRADING LTD".into(),
            ],
        )
        .await
        .unwrap();
    assert_eq!(kept, ["Northwind Trading Limited", "Northwind"]);
    assert_eq!(store.own_entities(&me).await.unwrap(), kept);
    assert_eq!(titles_with_party(store, &me, "northwind").await, 0);
    assert_eq!(titles_with_party(store, &me, "vireo").await, 1);
    assert_eq!(titles_with_party(store, &me, "mercer").await, 1);

    // The risk by counterparty: Vireo and Mercer, not us.
    let p = check::portfolio(store, &me).await.unwrap();
    let keys: Vec<&str> = p.by_counterparty.iter().map(|g| g.key.as_str()).collect();
    assert!(!keys.iter().any(|k| k.contains("Northwind")), "{keys:?}");
    assert_eq!(keys.len(), 2, "{keys:?}");

    // A blank name is refused by its index.
    let e = store
        .set_own_entities(&me, &["Northwind".into(), "  ".into()])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("names[1]"), "{e}");
    assert_eq!(
        store.own_entities(&me).await.unwrap(),
        kept,
        "nothing changed"
    );
}

/// A joint development agreement in which Northwind alone indemnifies Vireo.
const ONE_WAY: &str = "JOINT DEVELOPMENT AGREEMENT

This Joint Development Agreement is made on 1 March 2026 between Northwind Trading Limited, a company registered in England (\"Northwind\"), and Vireo Labs, Inc., a Delaware corporation (\"Vireo\").

1. Purpose
1.1 The parties shall jointly develop a driver-distraction sensor prototype.

2. Term
2.1 This Agreement begins on 1 March 2026 and continues for two (2) years.

3. Indemnity
3.1 Northwind shall indemnify Vireo against all third-party claims arising from the sensor prototype.

4. Governing Law
4.1 This Agreement is governed by the laws of England and Wales.
";

/// A rule about the direction of an indemnity, which only "us" can decide.
const DIRECTION: &str = r#"
[playbook]
id = "northwind"
name = "Northwind partnerships"
version = "1"
extends = "cooperation"

[[rule]]
id = "northwind.indemnity-direction"
kind = "indemnity_direction"
severity = "high"
title = "We give no one-way indemnity"
rationale = "A one-way indemnity by us is uninsured exposure."
accept = ["mutual", "in_our_favour"]
"#;

async fn the_tenants_own_entities_are_us_when_a_stored_agreement_is_checked() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        let org = store.ensure_organisation("nw", "Northwind").await.unwrap();
        let me = Actor::new(org, "legal@northwind.example");
        let imported = import_document(
            store,
            &me,
            ONE_WAY.as_bytes(),
            "jda.txt",
            ImportOptions::default(),
            &Limits::default(),
        )
        .await
        .unwrap();
        check::set_tenant_playbook(store, &me, DIRECTION)
            .await
            .unwrap();
        let outcome = async || {
            let checked =
                check::check_agreement(store, &me, imported.agreement_id, None, None, false)
                    .await
                    .unwrap();
            checked
                .report
                .rules
                .iter()
                .find(|r| r.rule_id == "northwind.indemnity-direction")
                .map(|r| r.outcome)
                .unwrap()
        };
        use entente_playbook::Outcome;
        // Nobody declared: whether the indemnity runs against us cannot be told.
        assert_eq!(outcome().await, Outcome::Undetermined, "{:?}", db.backend());
        // Our entities declared: Northwind indemnifies the counterparty, against our position.
        store
            .set_own_entities(&me, &["Northwind Trading Limited".into()])
            .await
            .unwrap();
        assert_eq!(outcome().await, Outcome::Failed, "{:?}", db.backend());
        // Seen from Vireo's side, the same clause is in our favour.
        store
            .set_own_entities(&me, &["Vireo Labs, Inc.".into()])
            .await
            .unwrap();
        assert_eq!(outcome().await, Outcome::Passed, "{:?}", db.backend());
    }
}

entente_store::on_each_backend!(the_tenants_own_entities_are_us_when_a_stored_agreement_is_checked);
