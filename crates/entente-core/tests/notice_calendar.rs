//! Notice deadlines follow the calendar the agreement calls for: an English-law agreement
//! whose notice deadline falls on Boxing Day moves to the business day before in England,
//! without any calendar set by the tenant, and the derivation says which calendar and why.
//! A calendar given for the request (`entente dates --calendar`) still overrides. Both backends.

mod common;
use common::d;

use entente_analysis::Limits;
use entente_core::{ImportOptions, import_document};
use entente_domain::calendar::BusinessCalendar;
use entente_domain::keydates::KeyDateKind;
use entente_domain::{Clock, Date, Timestamp};
use entente_store::testing::TestDb;
use entente_store::{Actor, Store};

/// The store's clock stands here, so "today" is the same whatever day the test runs.
const NOW: &str = "2026-02-01T09:00:00Z";

async fn notice_deadlines_follow_the_governing_law_calendar() {
    for db in TestDb::all().await.unwrap() {
        let store = db
            .store
            .clone()
            .with_clock(Clock::fixed(Timestamp::parse(NOW).unwrap()));
        story(&store).await;
        eprintln!("notice calendar story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(notice_deadlines_follow_the_governing_law_calendar);

async fn story(store: &Store) {
    let org = store
        .ensure_organisation("kestrel", "Kestrel")
        .await
        .unwrap();
    let me = Actor::new(org, "legal@kestrel.example");
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/lifecycle/kestrel-orbis-boxing-day.txt");
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let id = import_document(
        store,
        &me,
        &bytes,
        "kestrel-orbis-boxing-day.txt",
        ImportOptions::default(),
        &Limits::default(),
    )
    .await
    .unwrap()
    .agreement_id;

    // No calendar on the tenant: the governing law (England and Wales) decides, since the
    // parties are in two countries and no notice has been recorded.
    let dates = store
        .agreement_dates(&me, id, None, Some(d("2030-06-30")), None)
        .await
        .unwrap();
    assert_eq!(dates.calendar, "England");
    assert_eq!(dates.calendar_basis, "calendar from the governing law");
    let notices: Vec<_> = dates
        .key_dates
        .iter()
        .chain(&dates.planned_key_dates)
        .filter(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline)
        .collect();
    let days: Vec<Date> = notices.iter().map(|k| k.date).collect();
    assert_eq!(
        days[..2],
        [d("2028-12-22"), d("2029-12-24")],
        "{notices:#?}"
    );
    let first = &notices[0].derivation;
    assert!(
        first.contains("= 2028-12-26, Boxing Day (England), so the preceding business day (calendar from the governing law)"),
        "{first}"
    );
    // The end of the initial term says how it was computed.
    let renewal = dates
        .key_dates
        .iter()
        .chain(&dates.planned_key_dates)
        .find(|k| k.kind == KeyDateKind::Renewal)
        .unwrap();
    assert_eq!(renewal.date, d("2029-01-25"));
    assert!(
        renewal.derivation.contains(
            "effective date 2026-01-25 plus initial term of 3 years, ending on the anniversary"
        ),
        "{}",
        renewal.derivation
    );
    assert!(
        !renewal.derivation.contains("as stated"),
        "{}",
        renewal.derivation
    );

    // A calendar given for the request overrides the choice: in the US, 26 December 2028 is
    // a business day, so the deadline stays.
    let us = BusinessCalendar::builtin("us").unwrap();
    let dates = store
        .agreement_dates(&me, id, None, Some(d("2030-06-30")), Some(&us))
        .await
        .unwrap();
    assert_eq!(dates.calendar_basis, "calendar given for this request");
    let days: Vec<Date> = dates
        .key_dates
        .iter()
        .chain(&dates.planned_key_dates)
        .filter(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline)
        .map(|k| k.date)
        .collect();
    assert_eq!(days[..2], [d("2028-12-26"), d("2029-12-26")]);
}
