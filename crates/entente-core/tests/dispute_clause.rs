//! Disputes follow the agreement's own clause, tier by tier, each citing the sub-clause that
//! states it; without a clause the courts of the governing law decide and the check says the
//! agreement lacks a dispute mechanism; every event is dated between the opening and today,
//! in order — on both backends.

mod common;
use common::{d, lifecycle};

use entente_analysis::Limits;
use entente_core::governance::open_dispute;
use entente_core::{ImportOptions, import_document};
use entente_domain::dispute::{DisputeDraft, DisputeStatus};
use entente_domain::{AgreementId, Clock, Date, Timestamp};
use entente_store::testing::TestDb;
use entente_store::{Actor, FindingFilter, Store};

/// Both agreements are in force on this day, whatever day the test runs.
const NOW: &str = "2027-01-20T10:00:00Z";

async fn import(store: &Store, me: &Actor, name: &str) -> AgreementId {
    import_document(
        store,
        me,
        &lifecycle(name),
        &format!("{name}.txt"),
        ImportOptions::default(),
        &Limits::default(),
    )
    .await
    .unwrap()
    .agreement_id
}

async fn disputes_keep_to_their_clause_and_to_the_calendar() {
    for db in TestDb::all().await.unwrap() {
        let store = db
            .store
            .clone()
            .with_clock(Clock::fixed(Timestamp::parse(NOW).unwrap()));
        story(&store).await;
        eprintln!("dispute story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(disputes_keep_to_their_clause_and_to_the_calendar);

async fn story(store: &Store) {
    let org = store
        .ensure_organisation("northwind", "Northwind")
        .await
        .unwrap();
    let me = Actor::new(org, "legal@northwind.example");
    let today = store.today(&me).await.unwrap();
    assert_eq!(today, d("2027-01-20"));

    // 16.1 negotiation, 16.2 mediation, 16.3 arbitration: each tier cites its sub-clause.
    let vireo = import(store, &me, "aldgate-vireo-services").await;
    let draft = DisputeDraft {
        subject: "late data set".into(),
        parties: vec!["Vireo Analytics Limited".into()],
        opened_on: Some("2026-12-01".into()),
        ..Default::default()
    };
    let x = open_dispute(store, &me, vireo, &draft).await.unwrap();
    let cited: Vec<(&str, &str)> = x
        .tiers
        .iter()
        .map(|t| (t.kind.as_str(), t.source.as_str()))
        .collect();
    assert_eq!(
        cited,
        [
            ("negotiation", "clause 16.1"),
            ("mediation", "clause 16.2"),
            ("arbitration", "clause 16.3"),
        ]
    );

    // An escalation dated after today, or a resolution before the last event, is refused by
    // name; nothing is recorded.
    let e = store
        .escalate_dispute(&me, x.id, d("2027-06-01"), None)
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("on") && msg.contains("after today (2027-01-20)"),
        "{msg}"
    );
    let e = store
        .escalate_dispute(&me, x.id, d("2026-11-30"), None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("before"), "{e}");
    assert_eq!(store.get_dispute(&me, x.id).await.unwrap().events.len(), 1);

    // The clock ran out on 2026-12-31: a rehearsal of a later day writes nothing, a real
    // tick escalates on 2027-01-01 under 16.2.
    let e = store
        .escalate_due_disputes(&me, d("2027-02-02"), false)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("today"), "{e}");
    assert_eq!(
        store
            .escalate_due_disputes(&me, d("2027-02-02"), true)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(store.get_dispute(&me, x.id).await.unwrap().tier, 0);
    let ticked = store
        .escalate_due_disputes(&me, today, false)
        .await
        .unwrap();
    assert_eq!(ticked.len(), 1);
    assert_eq!(ticked[0].tier_started_on, d("2027-01-01"));
    assert_eq!(ticked[0].current().unwrap().source, "clause 16.2");

    let e = store
        .resolve_dispute(
            &me,
            x.id,
            DisputeStatus::Settled,
            d("2026-12-31"),
            None,
            None,
        )
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("last recorded event (2027-01-01)"),
        "{e}"
    );
    let done = store
        .resolve_dispute(&me, x.id, DisputeStatus::Settled, today, None, None)
        .await
        .unwrap();
    let days: Vec<Date> = done.events.iter().map(|e| e.on).collect();
    assert_eq!(days, [d("2026-12-01"), d("2027-01-01"), d("2027-01-20")]);

    // No dispute clause, English law: negotiation, then the courts of England and Wales, and
    // the check on import flags the missing mechanism.
    let mercer = import(store, &me, "mercer-northwind-referral").await;
    let y = open_dispute(
        store,
        &me,
        mercer,
        &DisputeDraft {
            subject: "unpaid referral fee".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let kinds: Vec<&str> = y.tiers.iter().map(|t| t.kind.as_str()).collect();
    assert_eq!(kinds, ["negotiation", "courts"]);
    assert_eq!(
        y.tiers[1].detail.as_deref(),
        Some("courts of England and Wales")
    );
    let findings = store
        .list_findings(
            &me,
            &FindingFilter {
                agreement_id: Some(mercer),
                blind_spot: Some("missing_enforcement".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        findings.iter().any(|f| f.message.contains("dispute")),
        "{findings:?}"
    );
}
