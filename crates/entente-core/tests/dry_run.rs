//! A dry run and the previews change nothing in any table, a dry run plans what a run on its
//! day raises, and a real run on a far day is undone on the real day — on both backends.

mod common;
use common::{d, lifecycle};

use entente_analysis::Limits;
use entente_core::check::check_agreement;
use entente_core::governance::{amend_document, redline_file, redline_versions};
use entente_core::{ImportOptions, import_document};
use entente_domain::Clock;
use entente_domain::alert::AlertKind;
use entente_domain::amendment::AmendmentDraft;
use entente_domain::query::{AgreementQuery, DayWindow, DeadlineQuery};
use entente_domain::{AgreementId, Date, Timestamp};
use entente_store::testing::{TestDb, dump};
use entente_store::{Actor, Page, PlannedAlert, Store};
use std::collections::BTreeMap;

/// The real today of the story: each store's clock stands here, whatever day the test runs.
const START: &str = "2026-12-05T09:00:00Z";
/// The far day a rehearsal runs at.
const LATER: &str = "2029-06-01T09:00:00Z";

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

async fn a_dry_run_and_previews_write_nothing_and_the_live_table_heals() {
    for db in TestDb::all().await.unwrap() {
        let store = db.store.clone().with_clock(Clock::fixed(at(START)));
        story(&store).await;
        eprintln!("dry-run story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(a_dry_run_and_previews_write_nothing_and_the_live_table_heals);

/// Overdue obligation occurrences in the live deadline table, as `entente obligations
/// --overdue` lists them (after bringing the table up to date at the store's now).
async fn overdue(store: &Store, me: &Actor) -> Vec<Date> {
    while store.refresh_deadlines(store.now(), 500).await.unwrap() > 0 {}
    store
        .list_deadlines(
            me,
            &DeadlineQuery {
                overdue: true,
                obligations_only: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.due_date)
        .collect()
}

async fn notice_deadline(store: &Store, me: &Actor, id: AgreementId) -> Option<Date> {
    let (rows, _) = store
        .list_agreements(
            me,
            &AgreementQuery::default(),
            Page {
                limit: 10,
                offset: 0,
            },
        )
        .await
        .unwrap();
    rows.iter()
        .find(|r| r.id == id)
        .and_then(|r| r.notice_deadline)
}

fn keys(planned: &[PlannedAlert]) -> Vec<&str> {
    let mut k: Vec<&str> = planned.iter().map(|a| a.key.as_str()).collect();
    k.sort_unstable();
    k
}

async fn story(store: &Store) {
    let org = store
        .ensure_organisation("harbour", "Harbour")
        .await
        .unwrap();
    let me = Actor::new(org, "legal@harbourline.example");
    let limits = Limits::default();
    let imported = import_document(
        store,
        &me,
        &lifecycle("harbourline-quarry-research"),
        "harbourline-quarry-research.txt",
        ImportOptions {
            track_from: Some(d("2025-03-01")),
            owner: Some("alliances@harbourline.example".into()),
            ..Default::default()
        },
        &limits,
    )
    .await
    .unwrap();
    let id = imported.agreement_id;
    store.clock().advance(jiff::SignedDuration::from_hours(1));
    amend_document(
        store,
        &me,
        id,
        &lifecycle("harbourline-quarry-amendment-1"),
        "harbourline-quarry-amendment-1.txt",
        &AmendmentDraft {
            effective_date: "2026-12-15".into(),
            summary: "three-year initial term".into(),
            changes: BTreeMap::from([("initial_term".into(), serde_json::json!("P3Y"))]),
            kind: None,
        },
        &limits,
    )
    .await
    .unwrap();
    store.clock().advance(jiff::SignedDuration::from_hours(1));
    let real = store.now();

    // The live state: every quarterly report missed since the start and the assay data,
    // alerts raised today.
    let live_overdue = overdue(store, &me).await;
    assert_eq!(
        live_overdue,
        [
            d("2025-03-31"),
            d("2025-03-31"),
            d("2025-06-30"),
            d("2025-09-30"),
            d("2025-12-31"),
            d("2026-03-31"),
            d("2026-06-30"),
            d("2026-09-30")
        ]
    );
    let live_notice = notice_deadline(store, &me, id).await;
    assert_eq!(live_notice, Some(d("2027-12-02")));
    let preview_today = store.raise_alerts(real, true).await.unwrap();
    let raised_today = store.raise_alerts(real, false).await.unwrap();
    assert_eq!(
        keys(&preview_today),
        keys(&raised_today),
        "a dry run plans what a run raises"
    );
    assert!(raised_today.iter().all(|a| !a.already_raised));

    let before = dump(store).await.unwrap();
    assert!(
        before.tables["deadline"].len() > 10,
        "the live table is there"
    );

    // The dry run at a far day computes that day's deadlines: the reports overdue then are
    // every one since tracking began, up to one the live table (kept 800 days ahead) does not
    // hold.
    let rehearsal = store.raise_alerts(at(LATER), true).await.unwrap();
    let report = rehearsal
        .iter()
        .find(|a| a.kind == AlertKind::Overdue && a.title.contains("progress report"))
        .unwrap_or_else(|| panic!("{rehearsal:#?}"));
    assert_eq!(report.due_date, Some(d("2025-03-31")));
    assert!(
        report.body.starts_with(
            "17 occurrence(s) overdue, the oldest due 2025-03-31 and the latest 2029-03-31"
        ),
        "{}",
        report.body
    );
    assert!(rehearsal.iter().all(|a| !a.already_raised));
    assert_eq!(
        report.recipients,
        ["alliances@harbourline.example"],
        "{report:?}"
    );
    // Every other preview, at the far day or today.
    store.raise_alerts(real, true).await.unwrap();
    store
        .agreement_dates(&me, id, Some(d("2029-06-01")), None, None)
        .await
        .unwrap();
    store.consolidated(&me, id, d("2029-06-01")).await.unwrap();
    let ahead = store
        .list_deadlines(
            &me,
            &DeadlineQuery {
                within_days: Some(DayWindow::new(90).unwrap()),
                today: Some(d("2028-06-01")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!ahead.is_empty());
    store
        .list_agreements(
            &me,
            &AgreementQuery {
                today: Some(d("2028-06-01")),
                ..Default::default()
            },
            Page {
                limit: 10,
                offset: 0,
            },
        )
        .await
        .unwrap();
    let checked = check_agreement(store, &me, id, None, None, false)
        .await
        .unwrap();
    assert!(checked.check_id.is_none());
    assert_eq!(
        checked.version_number, 1,
        "the agreement's text, not the letter"
    );
    let r = redline_versions(store, &me, id, None, None).await.unwrap();
    redline_file(store, &me, id, &r).await.unwrap();

    let after = dump(store).await.unwrap();
    assert_eq!(before.changes(&after), Vec::<String>::new());
    assert_eq!(before, after);
    assert_eq!(overdue(store, &me).await, live_overdue);

    // A real run at the far day: it raises exactly what the dry run planned.
    store.clock().set(at(LATER));
    while store.refresh_deadlines(at(LATER), 500).await.unwrap() > 0 {}
    let raised = store.raise_alerts(at(LATER), false).await.unwrap();
    assert_eq!(keys(&raised), keys(&rehearsal));
    let ran = before.changes(&dump(store).await.unwrap());
    for table in ["alert:", "deadline:", "deadline_state:", "audit_event:"] {
        assert!(ran.iter().any(|c| c.starts_with(table)), "{table} {ran:#?}");
    }

    // Back on the real day, the first read notices the table was kept for a later day and
    // recomputes it: the listing (the tenant's check) and the overdue list agree with before.
    store.clock().set(real);
    assert_eq!(notice_deadline(store, &me, id).await, live_notice);
    assert_eq!(overdue(store, &me).await, live_overdue);
    let healed = dump(store).await.unwrap();
    assert_eq!(
        healed.tables["deadline"], before.tables["deadline"],
        "the same rows as computed on the real day before"
    );

    // The scheduler's refresh across tenants notices it too, without a listing first.
    store.clock().set(at(LATER));
    while store.refresh_deadlines(at(LATER), 500).await.unwrap() > 0 {}
    store.clock().set(real);
    assert_eq!(overdue(store, &me).await, live_overdue);
    assert_eq!(
        dump(store).await.unwrap().tables["deadline"],
        before.tables["deadline"]
    );
}
