//! Lifecycle truth, from contract texts in tests/corpus/lifecycle, on both backends: a notice
//! is the agreement's ending, and every date, duty, listing value and alert follows from it
//! (non-renewal, termination for convenience, conditional duties, withdrawal and voiding,
//! winding down only with an ending, duties after the end dated from the actual end).

mod common;
use common::{d, lifecycle as text};

use entente_analysis::Limits;
use entente_core::governance::{give_notice, retire_notice};
use entente_core::{ImportOptions, import_document};
use entente_domain::agreement::AgreementSummary;
use entente_domain::keydates::KeyDateKind;
use entente_domain::lifecycle::{
    CHECKLIST_PREFIX, CloseoutChecklist, CloseoutItem, NoticeInput, Retirement, TerminationKind,
};
use entente_domain::obligation::ObligationStatus;
use entente_domain::query::{AgreementQuery, DayWindow, ObligationQuery};
use entente_domain::{AgreementId, AgreementStatus, Date, Timestamp};
use entente_store::testing::TestDb;
use entente_store::{Actor, Page, Store};

fn at(day: &str) -> Timestamp {
    Timestamp::parse(&format!("{day}T09:00:00Z")).unwrap()
}

async fn import(store: &Store, me: &Actor, name: &str) -> AgreementId {
    import_document(
        store,
        me,
        &text(name),
        &format!("{name}.txt"),
        ImportOptions {
            // Tracked from the effective date: the stories look at past occurrences too.
            track_from: None,
            ..Default::default()
        },
        &Limits::default(),
    )
    .await
    .unwrap()
    .agreement_id
}

fn notice(kind: TerminationKind, by: &str, on: &str, clause: Option<&str>) -> NoticeInput {
    NoticeInput {
        kind,
        given_by: by.into(),
        given_on: Some(d(on)),
        clause: clause.map(str::to_owned),
        reason: None,
        effective_on: None,
    }
}

async fn listed(store: &Store, me: &Actor, q: AgreementQuery) -> Vec<AgreementId> {
    let page = Page {
        limit: 100,
        offset: 0,
    };
    let (rows, _) = store.list_agreements(me, &q, page).await.unwrap();
    rows.iter().map(|r| r.id).collect()
}

/// The agreement's row in the unfiltered listing.
async fn listed_row(store: &Store, me: &Actor, id: AgreementId) -> AgreementSummary {
    let page = Page {
        limit: 100,
        offset: 0,
    };
    let (rows, _) = store
        .list_agreements(me, &AgreementQuery::default(), page)
        .await
        .unwrap();
    rows.into_iter().find(|r| r.id == id).expect("listed")
}

fn kinds_after(
    dates: &entente_store::AgreementDates,
    from: Date,
    kinds: &[KeyDateKind],
) -> Vec<String> {
    dates
        .key_dates
        .iter()
        .filter(|k| k.date >= from && kinds.contains(&k.kind))
        .map(|k| k.line())
        .collect()
}

/// Item 1: a non-renewal notice stops renewal; the listing, the windows and the alerts agree,
/// and the agreement winds down by itself on the day the notice takes effect.
async fn a_non_renewal_notice_ends_the_renewals() {
    for db in TestDb::all().await.unwrap() {
        let s = &db.store;
        s.clock().set(at("2026-12-03"));
        let org = s.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "legal@acme.example");
        let id = import(s, &me, "harbour-alliance").await;
        let today = d("2026-12-03");
        // Before: the alliance renews on 2027-04-01 and the notice deadline is 2027-01-01 (a
        // holiday-free Friday? the engine decides; only its presence matters here).
        let before = s.agreement_dates(&me, id, None, None, None).await.unwrap();
        assert!(
            before
                .key_dates
                .iter()
                .any(|k| k.kind == KeyDateKind::Renewal && k.date == d("2027-04-01")),
            "{:?}",
            before.key_dates
        );
        // The organisation's own close-out step, added to every ending; a bad list names the
        // item and changes nothing.
        let list = CloseoutChecklist {
            items: vec![CloseoutItem {
                text: "Revoke the partner's access to the shared workspace".into(),
                days_after_end: 14,
            }],
        };
        s.set_closeout_checklist(&me, &list).await.unwrap();
        let bad = CloseoutChecklist {
            items: vec![CloseoutItem {
                text: " ".into(),
                days_after_end: 5000,
            }],
        };
        let e = s.set_closeout_checklist(&me, &bad).await.unwrap_err();
        assert!(
            e.to_string().contains("items[0].text")
                && e.to_string().contains("items[0].days_after_end"),
            "{e}"
        );
        assert_eq!(s.closeout_checklist(&me).await.unwrap(), list);
        let t = give_notice(
            s,
            &me,
            id,
            &notice(TerminationKind::NonRenewal, "Meridian", "2026-12-03", None),
            today,
        )
        .await
        .unwrap();
        assert_eq!(t.plan.effective_date, d("2027-04-01"));
        assert_eq!(t.obligations.len(), 1, "{:?}", t.obligations);
        assert!(t.obligations[0].text.starts_with(CHECKLIST_PREFIX));
        assert_eq!(t.obligations[0].due_date, Some(d("2027-04-15")));
        let after = s
            .agreement_dates(&me, id, None, Some(d("2035-01-01")), None)
            .await
            .unwrap();
        let stale = kinds_after(
            &after,
            today,
            &[
                KeyDateKind::Renewal,
                KeyDateKind::NonRenewalNoticeDeadline,
                KeyDateKind::TerminationForConvenienceExit,
            ],
        );
        assert!(
            stale.is_empty(),
            "renewals after a non-renewal notice: {stale:?}"
        );
        let ends: Vec<_> = after
            .key_dates
            .iter()
            .filter(|k| k.kind == KeyDateKind::Expiration)
            .collect();
        assert_eq!(ends.len(), 1, "{ends:?}");
        assert_eq!(ends[0].date, d("2027-04-01"));
        assert!(
            ends[0].derivation.contains("non-renewal"),
            "{}",
            ends[0].derivation
        );
        // Confidentiality: three years after the actual end.
        let conf = after
            .key_dates
            .iter()
            .find(|k| k.kind == KeyDateKind::ConfidentialityEnd)
            .expect("confidentiality end");
        assert_eq!(conf.date, d("2030-04-01"));
        assert!(!conf.conditional);
        // Quarterly pipeline reports stop with the term.
        let late: Vec<_> = after
            .occurrences
            .iter()
            .filter(|o| o.occurrence.due > d("2027-04-15"))
            .map(|o| (o.text.clone(), o.occurrence.due))
            .collect();
        assert!(late.is_empty(), "reports after the end: {late:?}");

        // The listing: no renewal mark, out of the renewal and notice windows, in the
        // expiring window with the actual end.
        let w = |n| Some(DayWindow::new(n).unwrap());
        let row = listed_row(s, &me, id).await;
        assert_eq!(row.auto_renewal, Some(false), "no ↻ after non-renewal");
        assert_eq!(row.expiration_date, Some(d("2027-04-01")));
        assert_eq!(row.notice_deadline, None);
        for q in [
            AgreementQuery {
                renewing_within: w(365),
                ..Default::default()
            },
            AgreementQuery {
                notice_within: w(365),
                ..Default::default()
            },
        ] {
            assert!(!listed(s, &me, q).await.contains(&id));
        }
        let q = AgreementQuery {
            expiring_within: w(180),
            ..Default::default()
        };
        assert!(listed(s, &me, q).await.contains(&id));

        // No renewal alerts are planned (a dry run).
        let planned = s.raise_alerts(s.now(), true).await.unwrap();
        let renewals: Vec<_> = planned
            .iter()
            .filter(|a| a.agreement_id == Some(id) && a.title.to_lowercase().contains("renew"))
            .map(|a| a.title.clone())
            .collect();
        assert!(renewals.is_empty(), "{renewals:?}");

        // On 2027-04-01 the notice takes effect: the agreement winds down by itself.
        assert_eq!(s.apply_endings(at("2027-03-31"), 100).await.unwrap(), 0);
        s.clock().set(at("2027-04-01"));
        assert_eq!(s.apply_endings(s.now(), 100).await.unwrap(), 1);
        let a = s.get_agreement(&me, id).await.unwrap();
        assert_eq!(a.status, AgreementStatus::WindDown);
        eprintln!("non-renewal story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(a_non_renewal_notice_ends_the_renewals);

/// Items 2, 3, 6, 10, 11 on the research agreement: convenience exit, the conditional fee,
/// withdrawal and voiding, closing.
async fn a_termination_ends_the_term_and_dates_its_duties_from_the_actual_end() {
    for db in TestDb::all().await.unwrap() {
        let s = &db.store;
        s.clock().set(at("2026-12-04"));
        let org = s.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "legal@acme.example");
        let id = import(s, &me, "northwind-university-research").await;
        let today = d("2026-12-04");

        // Item 6: an agreement with years to run cannot be wound down or closed without an
        // ending.
        let e = s
            .move_agreement(&me, id, AgreementStatus::WindDown, None, today)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("runs until 2028-06-01"), "{e}");
        let before = s.agreement_dates(&me, id, None, None, None).await.unwrap();

        // Item 2 and 3: the University terminates for convenience.
        let t = give_notice(
            s,
            &me,
            id,
            &notice(
                TerminationKind::Convenience,
                "University",
                "2026-12-04",
                Some("12.2"),
            ),
            today,
        )
        .await
        .unwrap();
        assert_eq!(t.plan.effective_date, d("2027-03-04"));
        assert!(t.obligations.is_empty(), "a notice invents no duties");
        let texts: Vec<String> = t
            .duties
            .iter()
            .map(|x| format!("{} {}", x.obligation.obligor, x.obligation.text))
            .collect();
        assert!(
            !texts.iter().any(|x| x.contains("termination fee")),
            "the fee binds Northwind only if Northwind terminates: {texts:?}"
        );
        // Item 11: the return duty is dated from the actual end, once.
        let returns: Vec<_> = t
            .duties
            .iter()
            .filter(|x| x.obligation.text.contains("return or destroy"))
            .collect();
        assert_eq!(returns.len(), 1, "{texts:?}");
        // 30 days after the end is Saturday 3 April: the preceding business day.
        assert_eq!(returns[0].occurrence.due, d("2027-04-02"));
        assert!(!texts.iter().any(|x| x.contains("transition assistance")));

        let later = s
            .agreement_dates(&me, id, Some(d("2027-03-05")), Some(d("2035-01-01")), None)
            .await
            .unwrap();
        let stale = kinds_after(
            &later,
            d("2027-03-05"),
            &[
                KeyDateKind::TerminationForConvenienceExit,
                KeyDateKind::Renewal,
                KeyDateKind::Review,
            ],
        );
        assert!(stale.is_empty(), "{stale:?}");
        assert!(
            !later
                .key_dates
                .iter()
                .any(|k| k.kind == KeyDateKind::Expiration && k.date == d("2028-06-01")),
            "the original expiry is gone"
        );
        let conf = later
            .key_dates
            .iter()
            .find(|k| k.kind == KeyDateKind::ConfidentialityEnd)
            .unwrap();
        assert_eq!(
            conf.date,
            d("2032-03-04"),
            "five years after the actual end"
        );
        let reports_after: Vec<_> = later
            .occurrences
            .iter()
            .filter(|o| o.text.contains("progress report") && o.occurrence.due > d("2027-03-19"))
            .map(|o| o.occurrence.due)
            .collect();
        assert!(reports_after.is_empty(), "{reports_after:?}");
        assert_eq!(
            listed_row(s, &me, id).await.expiration_date,
            Some(d("2027-03-04"))
        );

        // Item 10: moving back to active is refused while the notice is in force; a
        // withdrawal (with a reason) brings the dates back and leaves nothing behind.
        let e = s
            .move_agreement(&me, id, AgreementStatus::Active, None, today)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("withdraw"), "{e}");
        let e = retire_notice(s, &me, id, Retirement::Withdrawn, "  ")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("reason"), "{e}");
        let r = retire_notice(
            s,
            &me,
            id,
            Retirement::Withdrawn,
            "the University changed its mind",
        )
        .await
        .unwrap();
        assert!(r.retired.is_some() && r.duties.is_empty());
        assert_eq!(
            s.get_agreement(&me, id).await.unwrap().status,
            AgreementStatus::Active
        );
        let back = s.agreement_dates(&me, id, None, None, None).await.unwrap();
        assert_eq!(
            back.key_dates, before.key_dates,
            "the dates are as before the notice"
        );
        assert_eq!(back.occurrences.len(), before.occurrences.len());

        // Item 3: a mistaken notice (the wrong party) is voided; Northwind's notice under
        // clause 12.2 makes the fee fall due, on Northwind.
        give_notice(
            s,
            &me,
            id,
            &notice(
                TerminationKind::Convenience,
                "University",
                "2026-12-04",
                None,
            ),
            today,
        )
        .await
        .unwrap();
        retire_notice(
            s,
            &me,
            id,
            Retirement::Voided,
            "recorded against the wrong party",
        )
        .await
        .unwrap();
        let t = give_notice(
            s,
            &me,
            id,
            &notice(
                TerminationKind::Convenience,
                "Northwind",
                "2026-12-04",
                Some("12.2"),
            ),
            today,
        )
        .await
        .unwrap();
        let fee: Vec<_> = t
            .duties
            .iter()
            .filter(|x| x.obligation.text.contains("termination fee"))
            .collect();
        assert_eq!(fee.len(), 1, "{:?}", t.duties);
        assert_eq!(fee[0].obligation.obligor, "Northwind");
        assert_eq!(fee[0].occurrence.due, d("2027-04-02"));
        assert_eq!(
            t.duties.len(),
            2,
            "fee and return, no duplicates from the earlier notices: {:?}",
            t.duties
        );

        // Item 11: closing waits for the contract's duties after the end, nothing else.
        s.clock().set(at("2027-03-05"));
        assert_eq!(s.apply_endings(s.now(), 10).await.unwrap(), 1);
        let e = s
            .move_agreement(&me, id, AgreementStatus::Closed, None, d("2027-03-05"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("return or destroy"), "{e}");
        for x in &t.duties {
            s.record_occurrence(
                &me,
                x.obligation.id,
                x.occurrence.due,
                &entente_domain::occurrence::OccurrenceUpdate {
                    status: "done".into(),
                    note: Some("done".into()),
                    reason: None,
                },
            )
            .await
            .unwrap();
        }
        assert_eq!(
            s.move_agreement(&me, id, AgreementStatus::Closed, None, d("2027-03-05"))
                .await
                .unwrap(),
            AgreementStatus::Closed
        );
        // What ended with the agreement shows so; what survives stays open.
        let obs = s
            .list_obligations(
                &me,
                &ObligationQuery {
                    agreement_id: Some(id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let status_of = |needle: &str| {
            obs.iter()
                .find(|o| o.text.contains(needle))
                .unwrap_or_else(|| panic!("{needle}: {obs:?}"))
                .status
        };
        assert_eq!(
            status_of("carry out the Programme"),
            ObligationStatus::Ended
        );
        assert_eq!(status_of("keep the other party"), ObligationStatus::Pending);
        let open = s
            .list_obligations(
                &me,
                &ObligationQuery {
                    agreement_id: Some(id),
                    status: Some(ObligationStatus::Pending),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            open.iter()
                .all(|o| !o.text.contains("carry out the Programme")),
            "{open:?}"
        );
        let no_reports = s
            .agreement_dates(&me, id, Some(d("2027-06-01")), None, None)
            .await
            .unwrap();
        assert!(
            no_reports
                .occurrences
                .iter()
                .all(|o| o.occurrence.due <= d("2027-03-04")
                    || o.text.contains("termination fee")
                    || o.text.contains("return or destroy")),
            "{:?}",
            no_reports.occurrences
        );
        assert_eq!(s.verify_audit(org).await.unwrap(), None);
        eprintln!("termination story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(
    a_termination_ends_the_term_and_dates_its_duties_from_the_actual_end
);

/// Item 7: an executed agreement cannot be hard-deleted; a deletion under the retention
/// policy (with its reason) keeps a tombstone with the document hashes; a draft still goes.
async fn records_of_executed_agreements_are_kept() {
    for db in TestDb::all().await.unwrap() {
        let s = &db.store;
        s.clock().set(at("2026-12-03"));
        let org = s.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "admin@acme.example");
        let id = import(s, &me, "harbour-alliance").await;
        let sha = s.list_versions(&me, id).await.unwrap()[0].sha256.clone();
        let e = s.delete_agreement(&me, id, None).await.unwrap_err();
        assert!(e.to_string().contains("record is kept"), "{e}");
        assert!(
            s.get_agreement(&me, id).await.is_ok(),
            "nothing was deleted"
        );
        let e = s.delete_agreement(&me, id, Some("  ")).await.unwrap_err();
        assert!(e.to_string().contains("reason"), "{e}");
        s.delete_agreement(&me, id, Some("retention rule R-7: ten years after expiry"))
            .await
            .unwrap();
        assert!(s.get_agreement(&me, id).await.is_err());
        let trail = s.list_audit(&me, Some(id)).await.unwrap();
        let tomb = trail
            .iter()
            .find(|e| e.action == "agreement.delete")
            .expect("a tombstone");
        assert!(
            tomb.details.contains(&sha) && tomb.details.contains("R-7"),
            "{}",
            tomb.details
        );
        // A draft never signed is deleted outright.
        let draft = import_document(
            s,
            &me,
            &text("harbour-alliance"),
            "draft.txt",
            ImportOptions {
                status: Some("draft".into()),
                ..Default::default()
            },
            &Limits::default(),
        )
        .await
        .unwrap()
        .agreement_id;
        s.delete_agreement(&me, draft, None).await.unwrap();
        assert!(s.get_agreement(&me, draft).await.is_err());
        assert_eq!(s.verify_audit(org).await.unwrap(), None);
    }
}

entente_store::on_each_backend!(records_of_executed_agreements_are_kept);
