//! A business-day calendar set on an agreement: an agreement under English law whose notice
//! deadline falls on Boxing Day moves to the preceding business day; with `us` set on it, the
//! same day is a business day and stays. A bad code changes nothing. Told on SQLite and (with
//! ENTENTE_TEST_POSTGRES) PostgreSQL; every date is explicit.

use entente_domain::agreement::{AgreementChange, AgreementDraft};
use entente_domain::keydates::KeyDateKind;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::query::DeadlineQuery;
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{AgreementId, Date, Period, Timestamp};
use entente_store::testing::TestDb;
use entente_store::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

const TODAY: &str = "2026-06-15";

/// Effective 2026-01-25 for three years, renewing yearly unless notice is given 30 days
/// before: the initial term ends on 2029-01-25, and 30 days before is Tuesday 2028-12-26,
/// Boxing Day in England (Christmas is the Monday before it).
async fn kestrel(store: &Store, me: &Actor) -> AgreementId {
    let mut terms = Terms::default();
    for (f, v) in [
        (TermField::EffectiveDate, TermValue::Date(d("2026-01-25"))),
        (
            TermField::InitialTerm,
            TermValue::Period(Period::years(3).unwrap()),
        ),
        (TermField::AutoRenewal, TermValue::Bool(true)),
        (
            TermField::RenewalTerm,
            TermValue::Period(Period::years(1).unwrap()),
        ),
        (
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days(30).unwrap()),
        ),
        (
            TermField::GoverningLaw,
            TermValue::Text("the laws of England and Wales".into()),
        ),
    ] {
        terms.set_user(
            f,
            v,
            "maria@example.com",
            Timestamp::parse("2026-06-01T09:00:00Z").unwrap(),
            None,
        );
    }
    let new = AgreementDraft {
        title: "Kestrel–Orbis services".into(),
        status: Some("active".into()),
        parties: ["Kestrel Analytics Ltd", "Orbis Logistik GmbH"]
            .iter()
            .map(|n| AgreementPartyDraft {
                legal_name: Some((*n).into()),
                role: "partner".into(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
    .validate(terms)
    .unwrap();
    store.create_agreement(me, &new).await.unwrap()
}

/// The first notice deadline from the key-date engine (with its basis) and from the
/// materialised rows the portfolio and alerts read.
async fn notice(store: &Store, me: &Actor, id: AgreementId) -> (Date, String, Date) {
    let dates = store
        .agreement_dates(me, id, Some(d(TODAY)), None, None)
        .await
        .unwrap();
    let kd = dates
        .key_dates
        .iter()
        .find(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline)
        .unwrap_or_else(|| panic!("no notice deadline in {:?}", dates.key_dates));
    while store
        .refresh_deadlines(Timestamp::parse("2026-06-15T09:00:00Z").unwrap(), 100)
        .await
        .unwrap()
        > 0
    {}
    let rows = store
        .list_deadlines(
            me,
            &DeadlineQuery {
                agreement_id: Some(id),
                today: Some(d(TODAY)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let row = rows
        .iter()
        .filter(|r| r.kind == "non_renewal_notice_deadline")
        .map(|r| r.due_date)
        .min()
        .unwrap_or_else(|| panic!("no materialised notice deadline in {rows:?}"));
    (kd.date, dates.calendar_basis, row)
}

fn calendar(code: &str) -> AgreementChange {
    AgreementChange::from_text_with_calendar(None, None, None, None, None, Some(code)).unwrap()
}

entente_store::on_each_backend!(a_calendar_set_on_the_agreement_moves_its_notice_deadline);

async fn a_calendar_set_on_the_agreement_moves_its_notice_deadline() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("calendar story passed on {:?}", db.backend());
    }
}

async fn story(store: &Store) {
    store
        .clock()
        .set(Timestamp::parse("2026-06-15T09:00:00Z").unwrap());
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let me = Actor::new(org, "maria@example.com");
    let id = kestrel(store, &me).await;

    // English law: Boxing Day and Christmas are closed, so the deadline is Friday the 22nd.
    let (date, basis, row) = notice(store, &me, id).await;
    assert_eq!(date, d("2028-12-22"));
    assert_eq!(basis, "calendar from the governing law");
    assert_eq!(row, d("2028-12-22"));
    assert_eq!(store.get_agreement(&me, id).await.unwrap().calendar, None);

    // A person sets the United States calendar: the 26th is a business day there.
    store
        .update_agreement(&me, id, &calendar("us"))
        .await
        .unwrap();
    assert_eq!(
        store
            .get_agreement(&me, id)
            .await
            .unwrap()
            .calendar
            .as_deref(),
        Some("us")
    );
    let (date, basis, row) = notice(store, &me, id).await;
    assert_eq!(date, d("2028-12-26"));
    assert_eq!(basis, "calendar set on the agreement");
    assert_eq!(row, d("2028-12-26"), "the materialised rows follow");
    let events = store.list_audit(&me, Some(id)).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.action, "agreement.update");
    assert!(
        last.details.contains("\"calendar\":\"us\""),
        "{}",
        last.details
    );

    // An unknown code is refused by name, before anything is written.
    let bad =
        AgreementChange::from_text_with_calendar(None, None, None, None, None, Some("narnia"))
            .unwrap_err();
    assert_eq!(bad.0[0].field, "calendar");
    assert!(bad.0[0].message.contains("narnia"), "{}", bad.0[0].message);
    assert_eq!(
        store
            .get_agreement(&me, id)
            .await
            .unwrap()
            .calendar
            .as_deref(),
        Some("us")
    );

    // Cleared: the governing law decides again.
    store
        .update_agreement(&me, id, &calendar(""))
        .await
        .unwrap();
    assert_eq!(store.get_agreement(&me, id).await.unwrap().calendar, None);
    let (date, basis, row) = notice(store, &me, id).await;
    assert_eq!((date, row), (d("2028-12-22"), d("2028-12-22")));
    assert_eq!(basis, "calendar from the governing law");
}
