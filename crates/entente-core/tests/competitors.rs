//! The competitor context on both backends: validated (each wrong field named, nothing stored),
//! audited with the old and new value, hidden from other tenants, read by the re-check that
//! follows, and flagging the portfolio.

use entente_analysis::Limits;
use entente_core::competitors::{competitors, set_competitors};
use entente_core::{CoreError, ImportOptions, import_document};
use entente_domain::competition::{CompetitorInput, Rivalry};
use entente_store::Actor;
use entente_store::testing::{TestDb, dump};

fn fleet() -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/regulatory/fleet-vendors-hardcore.txt");
    let src = std::fs::read_to_string(p).unwrap();
    src.splitn(3, "+++\n").nth(2).unwrap().as_bytes().to_vec()
}

fn input(competing: &str, markets: &[&str], share: Option<f64>) -> CompetitorInput {
    CompetitorInput {
        competing: Some(competing.into()),
        markets: markets.iter().map(|m| (*m).to_owned()).collect(),
        combined_share: share,
    }
}

async fn the_competitor_context_is_validated_audited_and_used_on_every_backend() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("competitor context passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(
    the_competitor_context_is_validated_audited_and_used_on_every_backend
);

async fn story(store: &entente_store::Store) {
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let other = store.ensure_organisation("rival", "Rival").await.unwrap();
    let me = Actor::new(org, "legal@acme.example");
    let them = Actor::new(other, "eve@rival.example");
    let a = import_document(
        store,
        &me,
        &fleet(),
        "fleet.txt",
        ImportOptions::default(),
        &Limits::default(),
    )
    .await
    .unwrap();
    let id = a.agreement_id;
    assert!(competitors(store, &me, id).await.unwrap().is_none());

    // Every wrong field is named, and nothing is written.
    let before = dump(store).await.unwrap();
    let e = set_competitors(store, &me, id, input("rivals", &["ok", "  "], Some(100.5)))
        .await
        .unwrap_err();
    let CoreError::Validation(v) = e else {
        panic!("not a validation error: {e:?}")
    };
    let fields: Vec<&str> = v.0.iter().map(|x| x.field.as_str()).collect();
    assert_eq!(fields, ["competing", "markets[1]", "combined_share"]);
    assert_eq!(
        before.changes(&dump(store).await.unwrap()),
        Vec::<String>::new()
    );

    // Stored, read back, and the re-check uses it: 34 % is above the 25 % threshold.
    let s = set_competitors(
        store,
        &me,
        id,
        input("actual", &["fleet management software, EEA"], Some(34.0)),
    )
    .await
    .unwrap();
    assert_eq!(s.updated_by, "legal@acme.example");
    let got = competitors(store, &me, id).await.unwrap().unwrap();
    assert_eq!(got.context.competing, Rivalry::Actual);
    assert_eq!(got.context.markets, ["fleet management software, EEA"]);
    assert_eq!(got.context.combined_share.unwrap().percent(), 34.0);
    let check = store.latest_check(&me, id, None).await.unwrap().unwrap();
    let rules: Vec<&str> = check.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert!(rules.contains(&"competition.block-exemption"), "{rules:?}");
    assert!(
        check.score >= 80,
        "hardcore restrictions scored {}",
        check.score
    );

    // A change replaces it; the audit trail keeps both values.
    set_competitors(
        store,
        &me,
        id,
        input("potential", &["route planning"], None),
    )
    .await
    .unwrap();
    let got = competitors(store, &me, id).await.unwrap().unwrap();
    assert_eq!(got.context.competing, Rivalry::Potential);
    assert!(got.context.combined_share.is_none());
    let events: Vec<_> = store
        .list_audit(&me, Some(id))
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "agreement.competitors")
        .collect();
    assert_eq!(events.len(), 2);
    assert!(
        events[1].details.contains("\"from\""),
        "{}",
        events[1].details
    );
    assert!(events[1].details.contains("34"), "{}", events[1].details);
    assert!(store.verify_audit(org).await.unwrap().is_none());

    // Another tenant sees nothing and can change nothing.
    assert!(competitors(store, &them, id).await.is_err());
    assert!(
        set_competitors(store, &them, id, input("none", &[], None))
            .await
            .is_err()
    );

    // The portfolio lists it as a competitor cooperation with critical competition findings.
    let p = entente_core::check::portfolio(store, &me).await.unwrap();
    let flags: Vec<(&str, Option<&str>)> = p
        .regulatory
        .iter()
        .map(|g| (g.flag.as_str(), g.severity.map(|s| s.as_str())))
        .collect();
    assert_eq!(
        flags,
        [
            ("competition", Some("critical")),
            ("data_protection", Some("high")),
            ("competitor_cooperation", Some("critical")),
        ]
    );
    assert_eq!(p.regulatory[2].agreements[0].agreement_id, id.to_string());
}
