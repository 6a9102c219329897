//! From one contract text: a signed agreement reads "pending start" until its effective date
//! and the `active` filter takes it (and its amended self) only from then; its key dates cite
//! the clause stating the effective date, even when a person entered it, and list the review
//! the text schedules; a signature dated before its version was uploaded is refused — on both
//! backends.

mod common;
use common::{d, lifecycle};

use entente_analysis::Limits;
use entente_core::{ImportOptions, import_document};
use entente_domain::keydates::KeyDateKind;
use entente_domain::lifecycle::NewSignature;
use entente_domain::query::AgreementQuery;
use entente_domain::terms::{TermField, TermValue};
use entente_domain::{AgreementId, AgreementStatus, Clock, Timestamp};
use entente_store::testing::TestDb;
use entente_store::{Actor, Page, Store};

/// Two weeks before the agreement's effective date (1 October 2026).
const BEFORE_START: &str = "2026-09-15T09:00:00Z";

async fn import(store: &Store, me: &Actor, status: &str) -> AgreementId {
    import_document(
        store,
        me,
        &lifecycle("aldgate-vireo-services"),
        "aldgate-vireo-services.txt",
        ImportOptions {
            status: Some(status.into()),
            ..Default::default()
        },
        &Limits::default(),
    )
    .await
    .unwrap()
    .agreement_id
}

/// The ids listed under `status=active`, and whether each reads as pending start.
async fn active(store: &Store, me: &Actor) -> Vec<(AgreementId, bool)> {
    let q = AgreementQuery {
        status: vec![AgreementStatus::Active],
        ..Default::default()
    };
    let (rows, _) = store
        .list_agreements(
            me,
            &q,
            Page {
                limit: 50,
                offset: 0,
            },
        )
        .await
        .unwrap();
    rows.iter().map(|r| (r.id, r.pending_start)).collect()
}

async fn listing_status_key_dates_and_signatures_follow_the_text() {
    for db in TestDb::all().await.unwrap() {
        let store = db
            .store
            .clone()
            .with_clock(Clock::fixed(Timestamp::parse(BEFORE_START).unwrap()));
        story(&store).await;
        eprintln!("listing and dates story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(listing_status_key_dates_and_signatures_follow_the_text);

async fn story(store: &Store) {
    let org = store
        .ensure_organisation("northwind", "Northwind")
        .await
        .unwrap();
    let me = Actor::new(org, "legal@northwind.example");

    // Signed, starting on 1 October: not active yet, and the listing says so.
    let id = import(store, &me, "active").await;
    let all = store
        .list_agreements(
            &me,
            &AgreementQuery::default(),
            Page {
                limit: 50,
                offset: 0,
            },
        )
        .await
        .unwrap()
        .0;
    assert!(all.iter().any(|r| r.id == id && r.pending_start));
    assert_eq!(active(store, &me).await, []);

    // From its effective date it is active, and stays so once amended.
    store.set_today(org, d("2026-10-05")).await.unwrap();
    assert_eq!(active(store, &me).await, [(id, false)]);
    store
        .transition_agreement(&me, id, AgreementStatus::Amended, Some("side letter"))
        .await
        .unwrap();
    assert_eq!(active(store, &me).await, [(id, false)]);

    // Key dates: the effective date rests on clause 1.1 (not the fees clause 3.1, which runs
    // "from the Effective Date"), also once a person has entered it; the review the text
    // schedules for 15 January 2028 is listed, citing clause 4.1.
    let cite =
        |k: &entente_domain::keydates::KeyDate| k.clause.as_ref().and_then(|c| c.number.clone());
    store
        .set_term(
            &me,
            id,
            TermField::EffectiveDate,
            TermValue::Date(d("2026-10-01")),
            Some("checked against the signed copy".into()),
        )
        .await
        .unwrap();
    let dates = store
        .agreement_dates(&me, id, None, None, None)
        .await
        .unwrap();
    let effective = dates
        .key_dates
        .iter()
        .find(|k| k.kind == KeyDateKind::Effective)
        .expect("the effective date");
    assert_eq!(
        cite(effective).as_deref(),
        Some("1.1"),
        "{}",
        effective.line()
    );
    let review = dates
        .key_dates
        .iter()
        .find(|k| k.kind == KeyDateKind::Review)
        .expect("the scheduled review");
    assert_eq!(review.date, d("2028-01-15"));
    assert_eq!(cite(review).as_deref(), Some("4.1"), "{}", review.line());

    // Out for signature since today: a signature dated before the version was uploaded is
    // refused by name; one dated today is taken.
    let unsigned = import(store, &me, "out_for_signature").await;
    let sha = store.list_versions(&me, unsigned).await.unwrap()[0]
        .sha256
        .clone();
    let sig = |on: &str| NewSignature {
        party: "Vireo Analytics Limited".into(),
        signatory_name: "Tomas Reid".into(),
        signatory_title: "Director".into(),
        signed_on: d(on),
        sha256: sha.clone(),
    };
    let e = store
        .sign_agreement(&me, unsigned, &sig("2026-10-04"))
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("signed_on") && msg.contains("before version 1 was uploaded (2026-10-05)"),
        "{msg}"
    );
    let (s, _) = store
        .sign_agreement(&me, unsigned, &sig("2026-10-05"))
        .await
        .unwrap();
    assert_eq!(s.recorded_by, "legal@northwind.example");
}
