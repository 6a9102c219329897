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
