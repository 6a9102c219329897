//! A letter changes only what it states, from its effective date; the agreement's own dates,
//! clauses and overdue reports stay; a restatement replaces the text — on both backends.

mod common;
use common::{d, lifecycle};

use entente_analysis::Limits;
use entente_core::governance::amend_document;
use entente_core::{ImportOptions, import_document};
use entente_domain::amendment::{AmendmentDraft, AmendmentKind, Origin};
use entente_domain::query::{AgreementQuery, DeadlineQuery, ObligationQuery};
use entente_domain::terms::{TermField, TermValue};
use entente_domain::{AgreementId, Clock, Date, ObligationId, Period, Timestamp};
use entente_store::testing::TestDb;
use entente_store::{Actor, Page, Store};
use std::collections::BTreeMap;

/// The story runs on this instant (each store's clock stands there), so "today" is the same
/// whatever day the test runs: the letter is signed ten days before it takes effect.
const START: &str = "2026-12-05T09:00:00Z";

async fn a_letter_changes_only_what_it_states_and_a_restatement_replaces_the_text() {
    for db in TestDb::all().await.unwrap() {
        let store = db
            .store
            .clone()
            .with_clock(Clock::fixed(Timestamp::parse(START).unwrap()));
        story(&store).await;
        eprintln!("amendment letter story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(
    a_letter_changes_only_what_it_states_and_a_restatement_replaces_the_text
);

fn of(id: AgreementId) -> ObligationQuery {
    ObligationQuery {
        agreement_id: Some(id),
        ..Default::default()
    }
}

/// The overdue occurrences of `duty`, as the portfolio's deadline table lists them today.
async fn overdue(store: &Store, me: &Actor, id: AgreementId, duty: ObligationId) -> Vec<Date> {
    while store.refresh_deadlines(store.now(), 500).await.unwrap() > 0 {}
    let rows = store
        .list_deadlines(
            me,
            &DeadlineQuery {
                overdue: true,
                obligations_only: true,
                agreement_id: Some(id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    rows.iter()
        .filter(|r| r.obligation_id == Some(duty))
        .map(|r| r.due_date)
        .collect()
}

/// The agreement's key dates of one kind in the deadline table.
async fn key_dates(store: &Store, me: &Actor, id: AgreementId, kind: &str) -> Vec<Date> {
    while store.refresh_deadlines(store.now(), 500).await.unwrap() > 0 {}
    let rows = store
        .list_deadlines(
            me,
            &DeadlineQuery {
                agreement_id: Some(id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    rows.iter()
        .filter(|r| r.kind == kind)
        .map(|r| r.due_date)
        .collect()
}

async fn story(store: &Store) {
    let org = store
        .ensure_organisation("harbour", "Harbour")
        .await
        .unwrap();
    let me = Actor::new(org, "legal@harbourline.example");
    let limits = Limits::default();

    // The agreement, effective 2025-03-01 for two years, tracked from its start: its quarterly
    // progress reports due in the last year were never recorded.
    let imported = import_document(
        store,
        &me,
        &lifecycle("harbourline-quarry-research"),
        "harbourline-quarry-research.txt",
        ImportOptions {
            track_from: Some(d("2025-03-01")),
            ..Default::default()
        },
        &limits,
    )
    .await
    .unwrap();
    let id = imported.agreement_id;
    let duties = store.list_obligations(&me, &of(id)).await.unwrap();
    let report = duties
        .iter()
        .find(|o| o.text.contains("progress report"))
        .expect("the quarterly report duty")
        .id;
    // "quarterly": calendar quarters, each due on the quarter's last day.
    let missed = [
        d("2025-03-31"),
        d("2025-06-30"),
        d("2025-09-30"),
        d("2025-12-31"),
        d("2026-03-31"),
        d("2026-06-30"),
        d("2026-09-30"),
    ];
    assert_eq!(overdue(store, &me, id, report).await, missed);
    let original_clauses = store.list_clauses(&me, id, None).await.unwrap();
    assert!(original_clauses.len() > 10, "{}", original_clauses.len());
    assert_eq!(
        key_dates(store, &me, id, "renewal").await.first(),
        Some(&d("2027-03-01"))
    );

    // The letter, as `entente amend ID letter.txt --effective 2026-12-15 --set …` records it
    // an hour later: the kind is not stated, the text says it is a letter.
    store.clock().advance(jiff::SignedDuration::from_hours(1));
    let letter = amend_document(
        store,
        &me,
        id,
        &lifecycle("harbourline-quarry-amendment-1"),
        "harbourline-quarry-amendment-1.txt",
        &AmendmentDraft {
            effective_date: "2026-12-15".into(),
            summary: "three-year initial term; sixty days' notice of non-renewal".into(),
            changes: BTreeMap::from([
                ("initial_term".into(), serde_json::json!("P3Y")),
                (
                    "notice_period_non_renewal".into(),
                    serde_json::json!("P60D"),
                ),
            ]),
            kind: None,
        },
        &limits,
    )
    .await
    .unwrap();
    assert_eq!(letter.kind, AmendmentKind::Letter);
    let changed: Vec<TermField> = letter.changes.keys().copied().collect();
    assert_eq!(
        changed,
        [
            TermField::InitialTerm,
            TermField::ExpirationDate,
            TermField::NoticePeriodNonRenewal
        ],
        "the letter's own dates are not the agreement's"
    );
    assert_eq!(
        letter.changes[&TermField::ExpirationDate],
        TermValue::Date(d("2028-03-01")),
        "three years counted from the agreement's effective date"
    );
    assert_eq!(
        letter.previous[&TermField::ExpirationDate]
            .as_ref()
            .map(|p| &p.value),
        Some(&TermValue::Date(d("2027-03-01")))
    );

    // The agreement's own terms stay; the stated ones change.
    let a = store.get_agreement(&me, id).await.unwrap();
    assert_eq!(
        a.terms.date(TermField::EffectiveDate),
        Some(d("2025-03-01"))
    );
    assert_eq!(
        a.terms.date(TermField::AgreementDate),
        Some(d("2025-02-14"))
    );
    assert_eq!(
        a.terms.date(TermField::ExpirationDate),
        Some(d("2028-03-01"))
    );
    assert_eq!(
        a.terms.period(TermField::NoticePeriodNonRenewal),
        Some(Period::days(60).unwrap())
    );
    assert_eq!(a.terms.flag(TermField::AutoRenewal), Some(true));

    // The clauses: the agreement's, then the letter's.
    let clauses = store.list_clauses(&me, id, None).await.unwrap();
    let (own, added) = clauses.split_at(original_clauses.len());
    assert_eq!(own, original_clauses.as_slice());
    assert!(!added.is_empty());
    assert!(added.iter().all(|c| c.version_id == letter.version_id));
    assert!(added.iter().any(|c| c.text.contains("sixty (60) days")));
    assert_eq!(
        store.list_obligations(&me, &of(id)).await.unwrap().len(),
        duties.len()
    );

    // Future dates move; the past stays: the reports keep their quarters from 2025-03-01 and
    // the missed ones are still overdue.
    assert_eq!(overdue(store, &me, id, report).await, missed);
    assert_eq!(
        key_dates(store, &me, id, "effective").await,
        [d("2025-03-01")]
    );
    let renewals = key_dates(store, &me, id, "renewal").await;
    assert_eq!(renewals.first(), Some(&d("2028-03-01")), "{renewals:?}");
    assert!(renewals.contains(&d("2029-03-01")), "{renewals:?}");
    assert_eq!(
        key_dates(store, &me, id, "non_renewal_notice_deadline")
            .await
            .first(),
        Some(&d("2027-12-31")),
        "sixty days before 2028-03-01 is a Saturday: the business day before"
    );
    let (rows, _) = store
        .list_agreements(
            &me,
            &AgreementQuery::default(),
            Page {
                limit: 10,
                offset: 0,
            },
        )
        .await
        .unwrap();
    let row = rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        (row.effective_date, row.expiration_date, row.notice_deadline),
        (
            Some(d("2025-03-01")),
            Some(d("2028-03-01")),
            Some(d("2027-12-31"))
        )
    );

    // The consolidated view: the day before the letter takes effect, the agreement alone;
    // from that day on, both texts, and each changed value names the letter.
    let before = store.consolidated(&me, id, d("2026-12-14")).await.unwrap();
    assert_eq!(before.consolidated.pending, [1]);
    assert_eq!(
        before.consolidated.terms.period(TermField::InitialTerm),
        Some(Period::years(2).unwrap())
    );
    assert_eq!(before.clauses.len(), original_clauses.len());
    assert!(before.clauses.iter().all(|c| c.amendment.is_none()));
    let after = store.consolidated(&me, id, d("2026-12-15")).await.unwrap();
    assert_eq!(after.consolidated.in_force, [1]);
    assert_eq!(after.clauses.len(), clauses.len());
    assert!(
        after.clauses[..own.len()]
            .iter()
            .all(|c| c.amendment.is_none() && c.version_number == 1)
    );
    assert!(
        after.clauses[own.len()..]
            .iter()
            .all(|c| c.amendment == Some(1) && c.version_number == 2)
    );
    let origin = |f: TermField| {
        after
            .consolidated
            .values
            .iter()
            .find(|v| v.field == f)
            .map(|v| (v.value.clone(), v.origin.clone()))
            .unwrap()
    };
    assert!(matches!(
        origin(TermField::InitialTerm),
        (TermValue::Period(p), Origin::Amendment { number: 1, version_number: 2, .. }) if p == Period::years(3).unwrap()
    ));
    assert!(matches!(
        origin(TermField::EffectiveDate),
        (TermValue::Date(e), Origin::Document { version_number: Some(1), .. }) if e == d("2025-03-01")
    ));
    assert!(matches!(
        origin(TermField::AgreementDate),
        (TermValue::Date(e), Origin::Document { .. }) if e == d("2025-02-14")
    ));
    assert_eq!(
        after.notice_deadline.as_ref().map(|k| k.date),
        Some(d("2027-12-31"))
    );

    // A restatement (the whole agreement restated) still replaces the text, read from it.
    store.clock().advance(jiff::SignedDuration::from_hours(1));
    let restated = amend_document(
        store,
        &me,
        id,
        &lifecycle("harbourline-quarry-restated"),
        "harbourline-quarry-restated.txt",
        &AmendmentDraft {
            effective_date: "2027-01-01".into(),
            summary: "restated with a higher liability cap".into(),
            ..Default::default()
        },
        &limits,
    )
    .await
    .unwrap();
    assert_eq!(restated.kind, AmendmentKind::Restatement);
    assert!(
        restated.changes.contains_key(&TermField::LiabilityCap),
        "{:?}",
        restated.changes
    );
    let clauses = store.list_clauses(&me, id, None).await.unwrap();
    assert!(
        clauses.iter().all(|c| c.version_id == restated.version_id),
        "the restated text absorbs the letter"
    );
    let a = store.get_agreement(&me, id).await.unwrap();
    assert_eq!(
        a.terms.date(TermField::EffectiveDate),
        Some(d("2025-03-01"))
    );
    assert_eq!(
        a.terms.date(TermField::ExpirationDate),
        Some(d("2028-03-01"))
    );
    assert_eq!(
        store.list_obligations(&me, &of(id)).await.unwrap().len(),
        duties.len(),
        "the restated duties are the same duties"
    );
    assert_eq!(overdue(store, &me, id, report).await, missed);
    let listed = store.amendments(&me, id).await.unwrap();
    let kinds: Vec<_> = listed.iter().map(|a| (a.number, a.kind)).collect();
    assert_eq!(
        kinds,
        [(1, AmendmentKind::Letter), (2, AmendmentKind::Restatement)]
    );

    // A kind that is neither is refused by name, and nothing is recorded.
    let bad = amend_document(
        store,
        &me,
        id,
        &lifecycle("harbourline-quarry-amendment-1"),
        "letter.txt",
        &AmendmentDraft {
            effective_date: "2027-02-01".into(),
            summary: "bad".into(),
            kind: Some("memo".into()),
            ..Default::default()
        },
        &limits,
    )
    .await
    .unwrap_err();
    assert!(bad.to_string().contains("kind"), "{bad}");
    assert_eq!(store.amendments(&me, id).await.unwrap().len(), 2);
    assert_eq!(store.list_versions(&me, id).await.unwrap().len(), 3);
}
