//! "Today" is the tenant's: at one instant a tenant in Auckland is already in the new year
//! while one in UTC is not, and one in Los Angeles is still in the old year when UTC is not.
//! Overdue obligations, deadline listings, occurrence statuses and the "not in the future"
//! check on a review follow each tenant's own day. On SQLite and (with ENTENTE_TEST_POSTGRES)
//! PostgreSQL, on a fixed clock.

use entente_domain::agreement::AgreementDraft;
use entente_domain::alerting::AlertSettingsPatch;
use entente_domain::lifecycle::ReviewOutcome;
use entente_domain::obligation::{DueRule, NewObligation, ObligationStatus};
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{AgreementId, Clock, Date, Period, Timestamp};
use entente_store::testing::TestDb;
use entente_store::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

/// The last day of 2026 as a due date.
const DUE: &str = "2026-12-31";

/// A tenant in time zone `tz` (none: the default, UTC) with one active agreement owing one
/// duty due on [`DUE`].
async fn tenant(store: &Store, slug: &str, tz: Option<&str>) -> (Actor, AgreementId) {
    let org = store.ensure_organisation(slug, slug).await.unwrap();
    let me = Actor::new(org, "ops@example.com");
    if let Some(tz) = tz {
        let patch = AlertSettingsPatch {
            time_zone: Some(tz.into()),
            ..Default::default()
        };
        store.update_alert_settings(&me, &patch).await.unwrap();
    }
    let mut terms = Terms::default();
    let t0 = at("2026-01-01T00:00:00Z");
    terms.set_user(
        TermField::EffectiveDate,
        TermValue::Date(d("2026-01-01")),
        "ops@example.com",
        t0,
        None,
    );
    terms.set_user(
        TermField::InitialTerm,
        TermValue::Period(Period::years(3).unwrap()),
        "ops@example.com",
        t0,
        None,
    );
    let party = |name: &str| AgreementPartyDraft {
        legal_name: Some(name.into()),
        role: "partner".into(),
        ..Default::default()
    };
    let new = AgreementDraft {
        title: format!("{slug} services"),
        status: Some("active".into()),
        parties: vec![party("Northwind Systems, Inc."), party("Globex GmbH")],
        ..Default::default()
    }
    .validate(terms)
    .unwrap();
    let id = store.create_agreement(&me, &new).await.unwrap();
    store
        .create_obligation(
            &me,
            id,
            &NewObligation {
                obligor: "Northwind".into(),
                beneficiary: Some("Globex".into()),
                text: "Deliver the year-end report".into(),
                due: DueRule::On { date: d(DUE) },
                metric: None,
                status: None,
                owner: Some("ops@example.com".into()),
                vague: false,
                survives: false,
            },
        )
        .await
        .unwrap();
    (me, id)
}

/// Whether the tenant's one duty is overdue, asked every way the store answers it; the
/// answers must agree.
async fn overdue(store: &Store, me: &Actor, id: AgreementId) -> bool {
    let listed = store
        .list_obligations(
            me,
            &entente_domain::query::ObligationQuery {
                overdue: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    store.refresh_deadlines(store.now(), 100).await.unwrap();
    let deadlines = store
        .list_deadlines(
            me,
            &entente_domain::query::DeadlineQuery {
                overdue: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let dates = store
        .agreement_dates(me, id, None, None, None)
        .await
        .unwrap();
    assert_eq!(dates.today, store.today(me).await.unwrap());
    let [due] = &dates.occurrences[..] else {
        panic!("one occurrence: {:?}", dates.occurrences)
    };
    assert_eq!(due.occurrence.due, d(DUE));
    let by_dates = due.status == ObligationStatus::Overdue;
    assert_eq!(listed.len() == 1, by_dates, "obligation listing");
    assert_eq!(deadlines.len() == 1, by_dates, "deadline listing");
    by_dates
}

#[tokio::test]
async fn each_tenant_decides_on_its_own_day() {
    for db in TestDb::all().await.unwrap() {
        // 20:00 UTC on New Year's Eve is 09:00 on New Year's Day in Auckland (UTC+13).
        let clock = Clock::fixed(at("2026-12-31T20:00:00Z"));
        let store = db.store.clone().with_clock(clock.clone());
        let (utc, utc_id) = tenant(&store, "london", None).await;
        let (kiwi, kiwi_id) = tenant(&store, "auckland", Some("Pacific/Auckland")).await;
        let (la, la_id) = tenant(&store, "los-angeles", Some("America/Los_Angeles")).await;
        let label = format!("{:?}", db.backend());

        assert_eq!(store.today(&utc).await.unwrap(), d("2026-12-31"), "{label}");
        assert_eq!(
            store.today(&kiwi).await.unwrap(),
            d("2027-01-01"),
            "{label}"
        );
        assert_eq!(store.today(&la).await.unwrap(), d("2026-12-31"), "{label}");
        // Due on the 31st: still due today in UTC and Los Angeles, a day late in Auckland.
        assert!(!overdue(&store, &utc, utc_id).await, "{label}: UTC");
        assert!(overdue(&store, &kiwi, kiwi_id).await, "{label}: Auckland");
        assert!(!overdue(&store, &la, la_id).await, "{label}: Los Angeles");
        // A review held on New Year's Day has happened in Auckland, not yet in London.
        store
            .record_review(
                &kiwi,
                kiwi_id,
                ReviewOutcome::NoChange,
                None,
                d("2027-01-01"),
                None,
            )
            .await
            .unwrap();
        let e = store
            .record_review(
                &utc,
                utc_id,
                ReviewOutcome::NoChange,
                None,
                d("2027-01-01"),
                None,
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("in the future"), "{label}: {e}");

        // 05:00 UTC on New Year's Day is still 21:00 on New Year's Eve in Los Angeles (UTC-8).
        clock.set(at("2027-01-01T05:00:00Z"));
        assert_eq!(store.today(&utc).await.unwrap(), d("2027-01-01"), "{label}");
        assert_eq!(store.today(&la).await.unwrap(), d("2026-12-31"), "{label}");
        assert!(overdue(&store, &utc, utc_id).await, "{label}: UTC");
        assert!(!overdue(&store, &la, la_id).await, "{label}: Los Angeles");
        assert!(overdue(&store, &kiwi, kiwi_id).await, "{label}: Auckland");
    }
}
