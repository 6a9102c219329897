//! A new version reconciled with what is tracked, on both backends: unchanged duties keep their
//! identity, occurrences and evidence; a changed duty becomes a revision whose future
//! occurrences follow the new words; a dropped duty is retired; a person's value that the new
//! text contradicts is kept and put up for review; the same text again changes nothing.

mod common;
use common::{d, lifecycle as text};

use entente_analysis::Limits;
use entente_core::{ImportOptions, add_version_document, import_document};
use entente_domain::obligation::{Obligation, ObligationStatus};
use entente_domain::occurrence::OccurrenceUpdate;
use entente_domain::query::{DayWindow, DeadlineQuery, ObligationQuery};
use entente_domain::terms::{TermField, TermValue};
use entente_domain::{AgreementId, Timestamp};
use entente_store::testing::TestDb;
use entente_store::{Actor, Store};

const NAME: &str = "pellucid-orrery-alliance";

async fn import(store: &Store, me: &Actor) -> AgreementId {
    import_document(
        store,
        me,
        &text(&format!("{NAME}-v1")),
        &format!("{NAME}-v1.txt"),
        ImportOptions {
            track_from: Some(d("2025-01-01")),
            status: Some("active".into()),
            ..Default::default()
        },
        &Limits::default(),
    )
    .await
    .unwrap()
    .agreement_id
}

async fn obligations(store: &Store, me: &Actor, id: AgreementId) -> Vec<Obligation> {
    store
        .list_obligations(
            me,
            &ObligationQuery {
                agreement_id: Some(id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

fn find<'a>(all: &'a [Obligation], needle: &str) -> &'a Obligation {
    all.iter()
        .find(|o| o.text.contains(needle))
        .unwrap_or_else(|| panic!("no duty with {needle:?} in {all:#?}"))
}

async fn next_notice(store: &Store, me: &Actor, id: AgreementId) -> (String, String) {
    let dates = store
        .agreement_dates(me, id, None, None, None)
        .await
        .unwrap();
    let kd = dates
        .key_dates
        .iter()
        .find(|k| k.kind.as_str() == "non_renewal_notice_deadline")
        .expect("a notice deadline");
    (kd.date.to_string(), kd.derivation.clone())
}

async fn version(store: &Store, me: &Actor, id: AgreementId, n: u32) -> String {
    let (_, summary) = add_version_document(
        store,
        me,
        id,
        &text(&format!("{NAME}-v{n}")),
        &format!("{NAME}-v{n}.txt"),
        &Limits::default(),
    )
    .await
    .unwrap();
    summary.to_string()
}

async fn a_new_version_revises_what_changed_and_keeps_the_rest() {
    for db in TestDb::all().await.unwrap() {
        let s = &db.store;
        s.clock()
            .set(Timestamp::parse("2026-11-05T09:00:00Z").unwrap());
        let org = s.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "ops@acme.example");
        let id = import(s, &me).await;
        let before = obligations(s, &me, id).await;
        let review = find(&before, "joint review meeting").clone();
        let (notice_before, _) = next_notice(s, &me, id).await;

        // The Q3 2026 review meeting (30 days after 30 September) is done, with a file.
        let q3 = d("2026-10-30");
        s.record_occurrence(
            &me,
            review.id,
            q3,
            &OccurrenceUpdate {
                status: "done".into(),
                note: Some("minutes circulated".into()),
                reason: None,
            },
        )
        .await
        .unwrap();
        s.attach_evidence(
            &me,
            review.id,
            q3,
            "minutes.txt",
            "text/plain",
            b"Q3 minutes",
        )
        .await
        .unwrap();

        // Version 2 changes the notice period (60 -> 90 days) and the review meeting (30 -> 28).
        let summary = version(s, &me, id, 2).await;
        assert!(
            summary.starts_with("1 obligation changed, 1 term changed, 0 added, 0 removed"),
            "{summary}"
        );
        let after = obligations(s, &me, id).await;
        assert_eq!(after.len(), before.len(), "{after:#?}");
        let revised = find(&after, "joint review meeting");
        assert_eq!(revised.id, review.id, "the changed duty keeps its identity");
        assert!(
            revised.text.contains("twenty-eight (28) days"),
            "{}",
            revised.text
        );
        assert_eq!(revised.revisions.len(), 1);
        assert!(revised.revisions[0].text.contains("thirty (30) days"));
        assert_eq!(revised.revisions[0].until, d("2026-11-05"));
        assert_eq!(revised.revisions[0].replaced_by_version, Some(2));
        // Every other duty is the same record.
        for o in &before {
            assert!(after.iter().any(|a| a.id == o.id), "{} lost", o.text);
        }

        // Past occurrences under the old words stand (the done one with its evidence); the
        // next ones follow the new words: 28 days after each quarter, and Q3 is not due again.
        let occ = s
            .list_occurrences(&me, review.id, d("2026-07-01"), d("2027-06-30"))
            .await
            .unwrap();
        let got: Vec<_> = occ.iter().map(|o| (o.due.to_string(), o.status)).collect();
        assert_eq!(
            got,
            [
                ("2026-07-30".to_owned(), ObligationStatus::Overdue),
                ("2026-10-30".to_owned(), ObligationStatus::Done),
                ("2027-01-28".to_owned(), ObligationStatus::Pending),
                ("2027-04-28".to_owned(), ObligationStatus::Pending),
            ]
        );
        assert_eq!(occ[1].evidence.len(), 1);
        assert_eq!(occ[1].evidence[0].filename, "minutes.txt");
        assert!(
            occ[0]
                .derivation
                .contains("under the wording before 2026-11-05"),
            "{}",
            occ[0].derivation
        );

        // The notice deadline moved: ninety days' notice now.
        let (notice_after, derivation) = next_notice(s, &me, id).await;
        assert!(
            notice_after < notice_before,
            "{notice_after} vs {notice_before}"
        );
        assert!(derivation.contains("90 days"), "{derivation}");

        // The same text again changes nothing.
        let again = version(s, &me, id, 2).await;
        assert!(
            again.starts_with("0 obligations changed, 0 terms changed, 0 added, 0 removed"),
            "{again}"
        );
        assert_eq!(obligations(s, &me, id).await.len(), before.len());

        // Version 3 drops the audit certificate: retired from today, history kept.
        let certificate = find(&after, "audit certificate").id;
        let dropped = version(s, &me, id, 3).await;
        assert!(
            dropped.starts_with("0 obligations changed, 0 terms changed, 0 added, 1 removed"),
            "{dropped}"
        );
        let retired = s.get_obligation(&me, certificate).await.unwrap();
        assert_eq!(retired.retired_on, Some(d("2026-11-05")));
        let occ = s
            .list_occurrences(&me, certificate, d("2025-01-01"), d("2030-12-31"))
            .await
            .unwrap();
        let dues: Vec<_> = occ.iter().map(|o| o.due.to_string()).collect();
        assert_eq!(dues, ["2026-02-27"], "only what fell due before the change");

        // The deadlines behind the dashboard and the alerts agree: the review meeting on its
        // new schedule, the retired duty nowhere from today.
        s.refresh_deadlines(Timestamp::parse("2026-11-05T09:00:00Z").unwrap(), 100)
            .await
            .unwrap();
        let deadlines = s
            .list_deadlines(
                &me,
                &DeadlineQuery {
                    within_days: Some(DayWindow::new(400).unwrap()),
                    agreement_id: Some(id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let of = |o| -> Vec<String> {
            deadlines
                .iter()
                .filter(|x| x.obligation_id == Some(o))
                .map(|x| x.due_date.to_string())
                .collect()
        };
        assert_eq!(
            of(review.id)[..2],
            ["2027-01-28", "2027-04-28"],
            "{deadlines:#?}"
        );
        assert!(of(certificate).is_empty(), "{:?}", of(certificate));

        // The audit trail says what the version did.
        let audit = s.list_audit(&me, Some(id)).await.unwrap();
        let adds: Vec<_> = audit
            .iter()
            .filter(|e| e.action == "version.add")
            .map(|e| {
                let v: serde_json::Value = serde_json::from_str(&e.details).unwrap();
                v["reconciliation"].as_str().unwrap_or("").to_owned()
            })
            .collect();
        assert!(adds.contains(&summary), "{adds:?}");
        eprintln!("version reconciliation passed on {:?}", db.backend());
    }
}

async fn a_person_s_value_is_kept_and_the_conflict_put_up_for_review() {
    for db in TestDb::all().await.unwrap() {
        let s = &db.store;
        s.clock()
            .set(Timestamp::parse("2026-11-05T09:00:00Z").unwrap());
        let org = s.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "ops@acme.example");
        let id = import(s, &me).await;
        s.confirm_term(&me, id, TermField::NoticePeriodNonRenewal, None)
            .await
            .unwrap();
        let mine = s.get_agreement(&me, id).await.unwrap().terms;

        let summary = version(s, &me, id, 2).await;
        assert!(
            summary.contains("0 terms changed")
                && summary.contains("1 term entered by a person and contradicted"),
            "{summary}"
        );
        let now = s.get_agreement(&me, id).await.unwrap().terms;
        assert_eq!(
            now.get(TermField::NoticePeriodNonRenewal),
            mine.get(TermField::NoticePeriodNonRenewal),
            "a person's value is never overwritten"
        );
        let queue = s.review_queue(&me).await.unwrap();
        let item = queue
            .iter()
            .find(|i| i.agreement_id == id && i.field == TermField::NoticePeriodNonRenewal)
            .expect("the conflict is in the review queue");
        let said = item.conflict.as_ref().expect("what the new text says");
        assert_ne!(
            Some(&said.value),
            mine.get(TermField::NoticePeriodNonRenewal)
        );
        assert!(
            matches!(said.value, TermValue::Period(_)),
            "{:?}",
            said.value
        );

        // Keeping one's value settles it.
        s.confirm_term(
            &me,
            id,
            TermField::NoticePeriodNonRenewal,
            Some("we agreed 60".into()),
        )
        .await
        .unwrap();
        let queue = s.review_queue(&me).await.unwrap();
        assert!(
            !queue
                .iter()
                .any(|i| i.agreement_id == id && i.field == TermField::NoticePeriodNonRenewal),
            "settled"
        );
        let audit = s.list_audit(&me, Some(id)).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "term.keep"));
        eprintln!("term conflict passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(
    a_new_version_revises_what_changed_and_keeps_the_rest,
    a_person_s_value_is_kept_and_the_conflict_put_up_for_review
);
