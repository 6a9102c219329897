//! Obligation schedules as the contract states them, from a contract text in
//! tests/corpus/lifecycle, on both backends: calendar and contract periods, due dates counted
//! from the last day of the period and moved off weekends, the final partial period when the
//! text covers it, measured duties answered by their measurements, overdue views that list every
//! overdue occurrence, and a recurring duty marked done only occurrence by occurrence.

mod common;
use common::{d, lifecycle as text};

use entente_analysis::Limits;
use entente_core::{ImportOptions, import_document};
use entente_domain::measurement::MeasurementInput;
use entente_domain::obligation::{Alignment, DueRule, Obligation, ObligationStatus};
use entente_domain::query::ObligationQuery;
use entente_domain::{AgreementId, Timestamp};
use entente_store::testing::TestDb;
use entente_store::{Actor, ObligationPatch, Store, StoreError};

async fn import(store: &Store, me: &Actor, name: &str) -> AgreementId {
    import_document(
        store,
        me,
        &text(name),
        &format!("{name}.txt"),
        ImportOptions {
            // Tracked from the effective date: past occurrences are overdue, not history.
            track_from: Some(d("2025-03-01")),
            ..Default::default()
        },
        &Limits::default(),
    )
    .await
    .unwrap()
    .agreement_id
}

async fn duty(store: &Store, me: &Actor, id: AgreementId, needle: &str) -> Obligation {
    let all = store
        .list_obligations(
            me,
            &ObligationQuery {
                agreement_id: Some(id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    all.into_iter()
        .find(|o| o.text.contains(needle))
        .unwrap_or_else(|| panic!("no duty with {needle:?}"))
}

async fn dues(store: &Store, me: &Actor, o: &Obligation) -> Vec<String> {
    store
        .list_occurrences(me, o.id, d("2025-01-01"), d("2028-12-31"))
        .await
        .unwrap()
        .iter()
        .map(|x| x.due.to_string())
        .collect()
}

async fn overdue_view(store: &Store, me: &Actor, id: AgreementId) -> Vec<Obligation> {
    store
        .list_obligations(
            me,
            &ObligationQuery {
                agreement_id: Some(id),
                overdue: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

async fn schedules_follow_the_contract() {
    for db in TestDb::all().await.unwrap() {
        let s = &db.store;
        s.clock()
            .set(Timestamp::parse("2025-11-05T09:00:00Z").unwrap());
        let org = s.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "ops@acme.example");
        let id = import(s, &me, "tidewater-periods-alliance").await;

        // 5.1: calendar quarters, 15 days after each, the quarter the agreement expires in
        // (term 2025-03-01 + 2 years) covered too.
        let sales = duty(s, &me, id, "sales report").await;
        assert!(
            matches!(
                sales.due,
                DueRule::Recurring {
                    alignment: Some(Alignment::Calendar),
                    final_partial: true,
                    ..
                }
            ),
            "{:?}",
            sales.due
        );
        assert_eq!(
            dues(s, &me, &sales).await,
            [
                "2025-04-15",
                "2025-07-15",
                "2025-10-15",
                "2026-01-15",
                "2026-04-15",
                "2026-07-15",
                "2026-10-15",
                "2027-01-15",
                "2027-04-15"
            ]
        );
        // 5.2: periods of three months from the Effective Date; Sundays move to Friday.
        let spend = duty(s, &me, id, "marketing spend").await;
        assert!(
            matches!(
                spend.due,
                DueRule::Recurring {
                    alignment: Some(Alignment::Contract),
                    final_partial: false,
                    ..
                }
            ),
            "{:?}",
            spend.due
        );
        assert_eq!(
            dues(s, &me, &spend).await,
            [
                "2025-06-13",
                "2025-09-15",
                "2025-12-15",
                "2026-03-13",
                "2026-06-15",
                "2026-09-15",
                "2026-12-15",
                "2027-03-15"
            ]
        );
        let first = s
            .list_occurrences(&me, spend.id, d("2025-06-01"), d("2025-06-30"))
            .await
            .unwrap();
        assert_eq!(
            first[0].derivation,
            "15 days after the end of contract quarter 1 from 2025-03-01 on 2025-05-31 = 2025-06-15, a Sunday, so the preceding business day"
        );
        // 5.3: January's summary is due 10 days after January ends, not on 1 February.
        let summary = duty(s, &me, id, "pipeline summary").await;
        assert_eq!(
            &dues(s, &me, &summary).await[..3],
            ["2025-04-10", "2025-05-09", "2025-06-10"],
            "10 May 2025 is a Saturday: Friday 9 May"
        );

        // 6.1: a measured duty. Each calendar month is an occurrence, answered by its
        // measurement: met is done, missed is breached, none by the due date is overdue.
        let uptime = duty(s, &me, id, "availability").await;
        assert!(uptime.metric.is_some(), "{uptime:?}");
        let measure = |on: &str, value: &str| MeasurementInput {
            measured_on: on.into(),
            value: serde_json::json!(value),
            unit: None,
            note: None,
        };
        s.record_measurement(&me, uptime.id, &measure("2025-10-31", "99.95"), "test")
            .await
            .unwrap();
        s.record_measurement(&me, uptime.id, &measure("2025-09-30", "99.5"), "test")
            .await
            .unwrap();
        let future = s
            .record_measurement(&me, uptime.id, &measure("2025-11-30", "99.99"), "test")
            .await
            .unwrap_err();
        assert!(
            matches!(&future, StoreError::Invalid(e) if e.0[0].field == "measured_on"),
            "{future}"
        );
        let occ = s
            .list_occurrences(&me, uptime.id, d("2025-09-01"), d("2025-10-31"))
            .await
            .unwrap();
        let status: Vec<_> = occ.iter().map(|o| (o.due.to_string(), o.status)).collect();
        assert_eq!(
            status,
            [
                ("2025-09-30".to_owned(), ObligationStatus::Breached),
                ("2025-10-31".to_owned(), ObligationStatus::Done)
            ]
        );
        assert!(
            occ[0].note.as_deref().unwrap_or("").contains("99.5"),
            "{:?}",
            occ[0].note
        );

        // Overdue views list every overdue occurrence, the oldest as the obligation's date.
        let late = overdue_view(s, &me, id).await;
        let up = late
            .iter()
            .find(|o| o.id == uptime.id)
            .unwrap_or_else(|| panic!("uptime is overdue: {uptime:?} in {late:#?}"));
        assert_eq!(up.status, ObligationStatus::Overdue);
        assert_eq!(up.due_date, Some(d("2025-03-31")));
        let months: Vec<String> = up
            .overdue_occurrences
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            months,
            [
                "2025-03-31",
                "2025-04-30",
                "2025-05-31",
                "2025-06-30",
                "2025-07-31",
                "2025-08-31"
            ]
        );
        let sales_late = late
            .iter()
            .find(|o| o.id == sales.id)
            .expect("reports late");
        assert_eq!(
            sales_late.overdue_occurrences,
            [d("2025-04-15"), d("2025-07-15"), d("2025-10-15")]
        );

        // Marking a recurring duty done as a whole is refused; "occurrences": "open" marks
        // each open occurrence due by today done, and no later one.
        let patch = |occurrences: Option<&str>| ObligationPatch {
            status: Some("done".into()),
            note: Some("reports found in the shared drive".into()),
            occurrences: occurrences.map(str::to_owned),
            ..Default::default()
        };
        let e = s
            .update_obligation(&me, sales.id, &patch(None))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(v) if v.0[0].field == "status" && v.0[0].message.contains("occurrence")),
            "{e}"
        );
        let e = s
            .update_obligation(&me, sales.id, &patch(Some("all")))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(v) if v.0[0].field == "occurrences"),
            "{e}"
        );
        s.update_obligation(&me, sales.id, &patch(Some("open")))
            .await
            .unwrap();
        assert!(
            !overdue_view(s, &me, id)
                .await
                .iter()
                .any(|o| o.id == sales.id)
        );
        let after = s
            .list_occurrences(&me, sales.id, d("2025-01-01"), d("2026-02-01"))
            .await
            .unwrap();
        let status: Vec<_> = after.iter().map(|o| o.status).collect();
        assert_eq!(
            status,
            [
                ObligationStatus::Done,
                ObligationStatus::Done,
                ObligationStatus::Done,
                ObligationStatus::Pending
            ]
        );
        eprintln!("obligation schedules passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(schedules_follow_the_contract);
