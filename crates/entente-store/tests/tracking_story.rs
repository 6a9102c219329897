//! Tracking start: an executed agreement imported two years after it took effect brings its
//! recurring duties' past occurrences in as history — neither overdue, nor listed as overdue,
//! nor alerted — unless the importer tracks it from an earlier day; told on SQLite and (with
//! ENTENTE_TEST_POSTGRES) PostgreSQL. Every date is explicit, so the story does not depend on
//! the day it runs.

use entente_domain::agreement::AgreementChange;
use entente_domain::agreement::AgreementDraft;
use entente_domain::document::MediaType;
use entente_domain::obligation::{DueRule, Event, Frequency, NewObligation, ObligationStatus};
use entente_domain::occurrence::OccurrenceUpdate;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::{Evidence, TermField, TermValue, Terms};
use entente_domain::{AgreementId, Date, ObligationId, Period, Timestamp};
use entente_store::testing::TestDb;
use entente_store::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

/// The day of the import.
const TODAY: &str = "2026-06-15";

fn ev() -> Evidence {
    Evidence {
        clause: None,
        start: 0,
        end: 10,
        confidence: 0.9,
    }
}

fn duty(text: &str, due: DueRule) -> (NewObligation, Evidence) {
    (
        NewObligation {
            obligor: "Northwind".into(),
            beneficiary: Some("Globex".into()),
            text: text.into(),
            due,
            metric: None,
            status: None,
            owner: Some("ops@example.com".into()),
            vague: false,
            survives: false,
        },
        ev(),
    )
}

/// What analysis finds in an agreement signed on 2024-06-15 for five years: a monthly
/// report, a quarterly review within 15 days after each quarter, and a one-off plan.
fn analysis() -> VersionAnalysis {
    VersionAnalysis {
        clauses: Vec::new(),
        terms: vec![
            (
                TermField::EffectiveDate,
                TermValue::Date(d("2024-06-15")),
                ev(),
            ),
            (
                TermField::InitialTerm,
                TermValue::Period(Period::years(5).unwrap()),
                ev(),
            ),
        ],
        obligations: vec![
            duty(
                "send the monthly partner report",
                DueRule::recurring(Frequency::Monthly, None),
            ),
            duty(
                "hold the quarterly business review",
                DueRule::recurring(Frequency::Quarterly, Some(Period::days(15).unwrap())),
            ),
            duty(
                "deliver the integration plan",
                DueRule::After {
                    period: Period::days(30).unwrap(),
                    event: Event::Effective,
                },
            ),
        ],
    }
}

async fn import(
    store: &Store,
    me: &Actor,
    title: &str,
    tracked_from: Option<Date>,
) -> (AgreementId, Vec<ObligationId>) {
    let mut new = AgreementDraft {
        title: title.into(),
        status: Some("active".into()),
        owner: Some("maria@example.com".into()),
        parties: ["Northwind Systems, Inc.", "Globex GmbH"]
            .iter()
            .map(|n| AgreementPartyDraft {
                legal_name: Some((*n).into()),
                role: "partner".into(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
    .validate(Terms::default())
    .unwrap();
    new.tracked_from = tracked_from;
    let version = NewVersion {
        filename: format!("{title}.md"),
        media_type: MediaType::Markdown,
        bytes: title.as_bytes().to_vec(),
        text: title.into(),
    };
    let (id, _) = store
        .import_agreement(me, &new, &version, &analysis())
        .await
        .unwrap();
    let mut obs = store
        .list_obligations(
            me,
            &entente_domain::query::ObligationQuery {
                agreement_id: Some(id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    obs.sort_by(|a, b| a.text.cmp(&b.text));
    // deliver…, hold…, send…
    (id, obs.iter().map(|o| o.id).collect())
}

async fn overdue(store: &Store, me: &Actor, id: AgreementId, today: &str) -> Vec<Deadline> {
    store
        .list_deadlines(
            me,
            &entente_domain::query::DeadlineQuery {
                overdue: true,
                agreement_id: Some(id),
                today: Some(entente_domain::Date::parse(today).unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

fn dates_of(rows: &[Deadline], ob: ObligationId) -> Vec<String> {
    rows.iter()
        .filter(|r| r.obligation_id == Some(ob))
        .map(|r| r.due_date.to_string())
        .collect()
}

async fn a_legacy_import_brings_history_not_overdue_items_on_every_backend() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("tracking story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(a_legacy_import_brings_history_not_overdue_items_on_every_backend);

async fn story(store: &Store) {
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let me = Actor::new(org, "maria@example.com");
    let today = d(TODAY);
    let now = at("2026-06-15T09:00:00Z");

    // Imported today, tracked from today (what an import of an executed agreement does).
    let (legacy, lo) = import(store, &me, "Legacy alliance", Some(today)).await;
    let (plan, quarterly, monthly) = (lo[0], lo[1], lo[2]);
    // Imported today, tracked from the start of the year (`--track-from 2026-01-01`).
    let (since, so) = import(
        store,
        &me,
        "Alliance tracked since January",
        Some(d("2026-01-01")),
    )
    .await;
    let (s_plan, s_quarterly, s_monthly) = (so[0], so[1], so[2]);
    // Created without a tracking start: every occurrence counts, as before.
    let (untracked, uo) = import(store, &me, "Alliance tracked from the start", None).await;
    assert_eq!(
        store.get_agreement(&me, legacy).await.unwrap().tracked_from,
        Some(today)
    );
    assert_eq!(
        store
            .get_agreement(&me, untracked)
            .await
            .unwrap()
            .tracked_from,
        None
    );

    // The agreement's dates: two years of occurrences, all before today history.
    let dates = store
        .agreement_dates(&me, legacy, Some(today), None, None)
        .await
        .unwrap();
    assert_eq!(dates.tracked_from, Some(today));
    let past: Vec<_> = dates
        .occurrences
        .iter()
        .filter(|o| o.occurrence.due < today)
        .collect();
    assert!(
        past.len() >= 12,
        "a year of monthly reports at least: {}",
        past.len()
    );
    assert!(
        past.iter().all(|o| o.status == ObligationStatus::History),
        "{past:?}"
    );
    assert!(
        dates
            .occurrences
            .iter()
            .filter(|o| o.occurrence.due >= today)
            .all(|o| o.status == ObligationStatus::Pending)
    );

    // Materialised deadlines: no overdue occurrence, and the history is still listed as such.
    while store.refresh_deadlines(now, 100).await.unwrap() > 0 {}
    assert!(overdue(store, &me, legacy, TODAY).await.is_empty());
    let listed = store
        .list_deadlines(
            &me,
            &entente_domain::query::DeadlineQuery {
                obligations_only: true,
                agreement_id: Some(legacy),
                today: Some(entente_domain::Date::parse(TODAY).unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(listed.iter().any(|r| r.obligation_id == Some(monthly)
        && r.due_date == d("2026-05-31")
        && r.status == Some(ObligationStatus::History)));
    // The occurrence list of the monthly duty shows every past month as history.
    let occ = store
        .list_occurrences(&me, monthly, d("2024-06-01"), d("2026-06-14"))
        .await
        .unwrap();
    assert_eq!(occ.len(), 24, "calendar months 2024-06-30 … 2026-05-31");
    assert!(occ.iter().all(|o| o.status == ObligationStatus::History));

    // Tracked since January: the occurrences from then on are overdue, none before.
    let rows = overdue(store, &me, since, TODAY).await;
    assert_eq!(
        dates_of(&rows, s_monthly),
        [
            "2026-01-31",
            "2026-02-28",
            "2026-03-31",
            "2026-04-30",
            "2026-05-31"
        ]
    );
    assert_eq!(
        dates_of(&rows, s_quarterly),
        ["2026-01-15", "2026-04-15"],
        "15 days after the fourth and first calendar quarters"
    );
    assert!(
        dates_of(&rows, s_plan).is_empty(),
        "the 2024 plan is history"
    );
    // Tracked from the start: the last year of occurrences, and the old one-off duty.
    let rows = overdue(store, &me, untracked, TODAY).await;
    assert!(dates_of(&rows, uo[2]).contains(&"2025-07-31".to_owned()));
    assert_eq!(dates_of(&rows, uo[0]), ["2024-07-15"]);

    // The obligation list's overdue filter follows the same rule.
    let late: Vec<ObligationId> = store
        .list_obligations(
            &me,
            &entente_domain::query::ObligationQuery {
                overdue: true,
                today: Some(entente_domain::Date::parse(TODAY).unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .iter()
        .map(|o| o.id)
        .collect();
    for ob in [plan, quarterly, monthly, s_plan] {
        assert!(!late.contains(&ob), "{ob} is history, not overdue");
    }
    for ob in [s_quarterly, s_monthly, uo[0], uo[1], uo[2]] {
        assert!(late.contains(&ob), "{ob} is overdue");
    }

    // Alerts: nothing overdue about the legacy agreement; the January one is reminded of
    // what fell due since then only.
    let planned = store.raise_alerts(now, true).await.unwrap();
    let overdue_alerts = |agreement: AgreementId| -> Vec<&PlannedAlert> {
        planned
            .iter()
            .filter(|a| a.kind == AlertKind::Overdue && a.agreement_id == Some(agreement))
            .collect()
    };
    assert!(overdue_alerts(legacy).is_empty(), "{planned:#?}");
    let monthly_alert = overdue_alerts(since)
        .into_iter()
        .find(|a| a.obligation_id == Some(s_monthly))
        .expect("the monthly report since January is overdue");
    assert_eq!(
        monthly_alert.body,
        "5 occurrence(s) overdue, the oldest due 2026-01-31 and the latest 2026-05-31; mark them done (with evidence) or waived."
    );
    assert_eq!(overdue_alerts(since).len(), 2, "monthly and quarterly");
    assert!(!overdue_alerts(untracked).is_empty());
    // Upcoming alerts still come for what falls due after the import.
    assert!(
        planned
            .iter()
            .any(|a| a.kind == AlertKind::Upcoming && a.obligation_id == Some(monthly)),
        "{planned:#?}"
    );

    // Once tracked, occurrences fall overdue as any other: five weeks later, June's report
    // and the second quarter's review (due 15 July) are.
    let later = at("2026-07-20T09:00:00Z");
    let planned = store.raise_alerts(later, true).await.unwrap();
    let mut legacy_overdue: Vec<_> = planned
        .iter()
        .filter(|a| a.kind == AlertKind::Overdue && a.agreement_id == Some(legacy))
        .map(|a| (a.obligation_id.unwrap(), a.body.as_str()))
        .collect();
    legacy_overdue.sort();
    let mut expected = vec![
        (
            monthly,
            "1 occurrence(s) overdue, the oldest due 2026-06-30 and the latest 2026-06-30; mark them done (with evidence) or waived.",
        ),
        (
            quarterly,
            "1 occurrence(s) overdue, the oldest due 2026-07-15 and the latest 2026-07-15; mark them done (with evidence) or waived.",
        ),
    ];
    expected.sort();
    assert_eq!(legacy_overdue, expected);

    // A person's word wins over history: done stays done; pending brings an occurrence back.
    let done = store
        .record_occurrence(
            &me,
            monthly,
            d("2026-04-30"),
            &OccurrenceUpdate {
                status: "done".into(),
                note: Some("found in the shared drive".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(done.status, ObligationStatus::Done);
    let reopened = store
        .record_occurrence(
            &me,
            monthly,
            d("2026-05-31"),
            &OccurrenceUpdate {
                status: "pending".into(),
                note: Some("Globex says May's report never came".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(reopened.status, ObligationStatus::Overdue);
    assert_eq!(
        dates_of(&overdue(store, &me, legacy, TODAY).await, monthly),
        ["2026-05-31"]
    );

    // Moving the tracking start: a day after today or not a date is refused naming the
    // field, and changes nothing.
    let audit_before = store.list_audit(&me, None).await.unwrap().len();
    for bad in ["2026-13-01", "2999-01-01"] {
        let e = store
            .update_agreement(
                &me,
                legacy,
                &match AgreementChange::from_text(None, None, None, None, Some(bad)) {
                    Ok(c) => c,
                    Err(e) => {
                        assert_eq!(e.0[0].field, "tracked_from", "{e}");
                        continue;
                    }
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(v) if v.0[0].field == "tracked_from"),
            "{bad}: {e}"
        );
    }
    assert_eq!(
        store.list_audit(&me, None).await.unwrap().len(),
        audit_before
    );
    assert_eq!(
        store.get_agreement(&me, legacy).await.unwrap().tracked_from,
        Some(today)
    );
    // An earlier start brings the occurrences since then back; clearing it, all of them.
    store
        .update_agreement(
            &me,
            legacy,
            &AgreementChange::from_text(None, None, None, None, Some("2026-03-01")).unwrap(),
        )
        .await
        .unwrap();
    while store.refresh_deadlines(now, 100).await.unwrap() > 0 {}
    let rows = overdue(store, &me, legacy, TODAY).await;
    assert_eq!(
        dates_of(&rows, monthly),
        ["2026-03-31", "2026-05-31"],
        "April's was recorded done"
    );
    assert_eq!(dates_of(&rows, quarterly), ["2026-04-15"]);
    // A small page holds the overdue rows themselves, not the older history ahead of them.
    let first = store
        .list_deadlines(
            &me,
            &entente_domain::query::DeadlineQuery {
                overdue: true,
                agreement_id: Some(legacy),
                today: Some(entente_domain::Date::parse(TODAY).unwrap()),
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        first
            .iter()
            .map(|d| d.due_date.to_string())
            .collect::<Vec<_>>(),
        ["2026-03-31"]
    );
    store
        .update_agreement(
            &me,
            legacy,
            &AgreementChange::from_text(None, None, None, None, Some("")).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        store.get_agreement(&me, legacy).await.unwrap().tracked_from,
        None
    );
    assert_eq!(
        dates_of(&overdue(store, &me, legacy, TODAY).await, plan),
        ["2024-07-15"]
    );

    // History is computed, never set: an obligation cannot be created or moved into it.
    let mut h = duty("send a history", DueRule::None).0;
    h.status = Some(ObligationStatus::History);
    let e = store.create_obligation(&me, legacy, &h).await.unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(v) if v.0[0].field == "status"),
        "{e}"
    );
    let e = store
        .update_obligation(
            &me,
            plan,
            &ObligationPatch {
                status: Some("history".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(v) if v.0[0].field == "status"),
        "{e}"
    );
}
