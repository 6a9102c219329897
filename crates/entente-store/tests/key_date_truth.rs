//! One truth for key dates: for random agreements and random "today", the portfolio listing's
//! next notice deadline and its windows agree with the key-date engine (`agreement_dates`), on
//! SQLite and (when configured) PostgreSQL. Seeded, so a failure names a case to replay.

use entente_domain::agreement::{AgreementDraft, AgreementSummary};
use entente_domain::keydates::KeyDateKind;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::query::{AgreementQuery, AgreementQueryText};
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{AgreementId, Date, Period, Timestamp};
use entente_store::testing::TestDb;
use entente_store::*;
use std::collections::{BTreeMap, BTreeSet};

/// The cases run from this instant on (each store's clock starts there): seeded and dated, a
/// failing case replays on any day.
const START: &str = "2026-12-04T10:00:00Z";

fn start() -> Timestamp {
    Timestamp::parse(START).unwrap()
}

/// A small deterministic generator (SplitMix64): reproducible cases without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Random terms: effective between 2018 and 2028, initial terms of 3 to 60 months or a stated
/// expiration, most renewing (monthly to three-yearly, or unstated), notice in days, business
/// days or months, or none.
fn random_terms(r: &mut Rng) -> Terms {
    let at = start();
    let mut t = Terms::default();
    let mut set = |f, v| t.set_user(f, v, "test", at, None);
    let effective = Date::parse("2018-01-01")
        .unwrap()
        .plus_days(r.below(11 * 365) as i64);
    set(TermField::EffectiveDate, TermValue::Date(effective));
    if r.below(5) == 0 {
        set(
            TermField::ExpirationDate,
            TermValue::Date(effective.plus_days(90 + r.below(5 * 365) as i64)),
        );
    } else {
        set(
            TermField::InitialTerm,
            TermValue::Period(Period::months(3 + r.below(58) as u32).unwrap()),
        );
    }
    let renews = r.below(10) < 8;
    set(TermField::AutoRenewal, TermValue::Bool(renews));
    if renews && r.below(4) != 0 {
        let p = match r.below(3) {
            0 => Period::months(1 + r.below(12) as u32).unwrap(),
            1 => Period::years(1).unwrap(),
            _ => Period::years(1 + r.below(3) as u32).unwrap(),
        };
        set(TermField::RenewalTerm, TermValue::Period(p));
    }
    match r.below(5) {
        0 => {}
        1 => set(
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(
                Period::new(
                    5 + r.below(40) as u32,
                    entente_domain::PeriodUnit::BusinessDays,
                )
                .unwrap(),
            ),
        ),
        2 => set(
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::months(1 + r.below(6) as u32).unwrap()),
        ),
        _ => set(
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days(15 + r.below(166) as u32).unwrap()),
        ),
    }
    t
}

fn first_notice_on_or_after(dates: &AgreementDates, today: Date) -> Option<Date> {
    dates
        .key_dates
        .iter()
        .filter(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline && k.date >= today)
        .map(|k| k.date)
        .min()
}

/// An agreement between Northwind and Globex, before its terms are checked.
fn two_party_draft(title: impl Into<String>, status: &str) -> AgreementDraft {
    AgreementDraft {
        title: title.into(),
        status: Some(status.into()),
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
}

async fn list_all(store: &Store, me: &Actor, f: AgreementQuery) -> Vec<AgreementSummary> {
    let page = Page {
        limit: 500,
        offset: 0,
    };
    let (rows, total) = store.list_agreements(me, &f, page).await.unwrap();
    // Every listing here fits one page: the total counts exactly the rows listed.
    assert_eq!(total as usize, rows.len(), "{f:?}");
    rows
}

async fn the_listing_and_the_engine_agree_on_every_next_notice_deadline() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        store.clock().set(start());
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "test");
        let mut r = Rng(0x5EED_2026_1204);
        let mut ids = Vec::new();
        for i in 0..80 {
            let draft = two_party_draft(format!("Case {i}"), "active");
            let new = draft.validate(random_terms(&mut r)).unwrap();
            ids.push(store.create_agreement(&me, &new).await.unwrap());
        }
        let real = store.today(&me).await.unwrap();
        // "Today" anywhere from eight years back to two years ahead (the listing keeps key
        // dates that far), including the real day.
        let mut days = vec![real];
        for _ in 0..6 {
            days.push(real.plus_days(r.below(3650) as i64 - 2920));
        }
        for today in days {
            let t = Some(today.to_string());
            let rows = list_all(
                store,
                &me,
                filter(AgreementQueryText {
                    today: t.as_deref(),
                    ..Default::default()
                }),
            )
            .await;
            assert_eq!(rows.len(), ids.len());
            let mut within = BTreeSet::new();
            let mut engine: BTreeMap<AgreementId, Option<Date>> = BTreeMap::new();
            for row in &rows {
                let d = store
                    .agreement_dates(&me, row.id, Some(today), None, None)
                    .await
                    .unwrap();
                let next = first_notice_on_or_after(&d, today);
                assert_eq!(
                    row.notice_deadline,
                    next,
                    "{:?} {} today {today}: listing and engine disagree",
                    db.backend(),
                    row.title
                );
                if next.is_some_and(|n| n <= today.plus_days(90)) {
                    within.insert(row.id);
                }
                engine.insert(row.id, next);
            }
            let listed: BTreeSet<AgreementId> = list_all(
                store,
                &me,
                filter(AgreementQueryText {
                    today: t.as_deref(),
                    notice_within_days: Some(90),
                    ..Default::default()
                }),
            )
            .await
            .iter()
            .map(|a| a.id)
            .collect();
            assert_eq!(
                listed,
                within,
                "{:?} today {today}: --notice-within 90",
                db.backend()
            );
            // Within the window and sorted by notice deadline: the same set, in the engine's
            // order.
            let both = list_all(
                store,
                &me,
                filter(AgreementQueryText {
                    today: t.as_deref(),
                    notice_within_days: Some(90),
                    sort: Some("notice_deadline"),
                    ..Default::default()
                }),
            )
            .await;
            let got: Vec<Option<Date>> = both.iter().map(|a| a.notice_deadline).collect();
            let mut want_days: Vec<Option<Date>> = within.iter().map(|id| engine[id]).collect();
            want_days.sort();
            assert_eq!(
                got,
                want_days,
                "{:?} today {today}: window and sort",
                db.backend()
            );
            assert!(
                both.iter().all(|a| a.notice_deadline == engine[&a.id]),
                "{:?} today {today}: the listed deadline is the engine's",
                db.backend()
            );
            // The same with another filter (every case here is active), which reads the
            // agreements instead of the key dates alone.
            let with_status = list_all(
                store,
                &me,
                filter(AgreementQueryText {
                    today: t.as_deref(),
                    notice_within_days: Some(90),
                    sort: Some("notice_deadline"),
                    status: vec!["active"],
                    ..Default::default()
                }),
            )
            .await;
            let ids_of = |v: &[AgreementSummary]| v.iter().map(|a| a.id).collect::<Vec<_>>();
            assert_eq!(
                ids_of(&with_status),
                ids_of(&both),
                "{:?} today {today}",
                db.backend()
            );
            // Sorted by the end of the running term: every agreement once, soonest first,
            // unknown last, each with the end the unsorted listing shows.
            let by_end = list_all(
                store,
                &me,
                filter(AgreementQueryText {
                    today: t.as_deref(),
                    sort: Some("expiration_date"),
                    ..Default::default()
                }),
            )
            .await;
            let plain = list_all(
                store,
                &me,
                filter(AgreementQueryText {
                    today: t.as_deref(),
                    ..Default::default()
                }),
            )
            .await;
            let ends: BTreeMap<AgreementId, Option<Date>> =
                plain.iter().map(|a| (a.id, a.expiration_date)).collect();
            assert_eq!(by_end.len(), plain.len(), "{:?}", db.backend());
            let keys: Vec<(bool, Option<Date>)> = by_end
                .iter()
                .map(|a| {
                    assert_eq!(a.expiration_date, ends[&a.id], "{:?}", db.backend());
                    (a.expiration_date.is_none(), a.expiration_date)
                })
                .collect();
            assert!(
                keys.is_sorted(),
                "{:?} today {today}: by term end",
                db.backend()
            );
            // Sorting by the next notice deadline follows the engine's order, unknown last.
            let sorted = list_all(
                store,
                &me,
                filter(AgreementQueryText {
                    today: t.as_deref(),
                    sort: Some("notice_deadline"),
                    ..Default::default()
                }),
            )
            .await;
            let keys: Vec<(bool, Option<Date>)> = sorted
                .iter()
                .map(|a| (engine[&a.id].is_none(), engine[&a.id]))
                .collect();
            let mut want = keys.clone();
            want.sort();
            assert_eq!(keys, want, "{:?} today {today}: sort", db.backend());
        }
    }
}

entente_store::on_each_backend!(the_listing_and_the_engine_agree_on_every_next_notice_deadline);

async fn closed_agreements_drop_out_and_a_far_deadline_is_still_shown() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        store.clock().set(start());
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "test");
        let at = store.now();
        let today = store.today(&me).await.unwrap();
        let mut t = Terms::default();
        // A ten-year first term: its first notice deadline lies far past any two-year window.
        t.set_user(
            TermField::EffectiveDate,
            TermValue::Date(today),
            "test",
            at,
            None,
        );
        t.set_user(
            TermField::InitialTerm,
            TermValue::Period(Period::years(10).unwrap()),
            "test",
            at,
            None,
        );
        t.set_user(
            TermField::AutoRenewal,
            TermValue::Bool(true),
            "test",
            at,
            None,
        );
        t.set_user(
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days(90).unwrap()),
            "test",
            at,
            None,
        );
        let make =
            |title: &str, status: &str| two_party_draft(title, status).validate(t.clone()).unwrap();
        let id = store
            .create_agreement(&me, &make("Long alliance", "active"))
            .await
            .unwrap();
        let closed = store
            .create_agreement(&me, &make("Ended alliance", "closed"))
            .await
            .unwrap();
        let rows = list_all(store, &me, AgreementQuery::default()).await;
        let row = |x: AgreementId| rows.iter().find(|a| a.id == x).unwrap().clone();
        let d = store
            .agreement_dates(&me, id, None, None, None)
            .await
            .unwrap();
        let next = first_notice_on_or_after(&d, today);
        assert!(next.is_some_and(|n| n > today.plus_days(3000)), "{next:?}");
        assert_eq!(row(id).notice_deadline, next, "{:?}", db.backend());
        // A closed agreement has no next deadline, and no window holds it.
        assert_eq!(row(closed).notice_deadline, None);
        assert_eq!(row(closed).expiration_date, None);
        let far = list_all(
            store,
            &me,
            filter(AgreementQueryText {
                notice_within_days: Some(36_600),
                ..Default::default()
            }),
        )
        .await;
        assert_eq!(far.iter().map(|a| a.id).collect::<Vec<_>>(), vec![id]);
        // A window past the stated range is refused by name before any query.
        let e = AgreementQuery::try_from(AgreementQueryText {
            notice_within_days: Some(99_999_999),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("notice_within_days"), "{e}");
    }
}

entente_store::on_each_backend!(closed_agreements_drop_out_and_a_far_deadline_is_still_shown);

/// A one-year agreement that began 100 days before the store's today, renewing unless notice
/// is given 30 days before each end: its next notice deadline moves when the notice period does.
async fn renewing_agreement(store: &Store, me: &Actor, title: &str, mut t: Terms) -> AgreementId {
    let at = store.now();
    let today = store.today(me).await.unwrap();
    for (field, value) in [
        (
            TermField::EffectiveDate,
            TermValue::Date(today.plus_days(-100)),
        ),
        (
            TermField::InitialTerm,
            TermValue::Period(Period::years(1).unwrap()),
        ),
        (TermField::AutoRenewal, TermValue::Bool(true)),
        (
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days(30).unwrap()),
        ),
    ] {
        t.set_user(field, value, "test", at, None);
    }
    let new = two_party_draft(title, "active").validate(t).unwrap();
    store.create_agreement(me, &new).await.unwrap()
}

async fn a_change_between_two_listings_is_seen_by_the_second() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        store.clock().set(start());
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "test");
        let mut r = Rng(7);
        let id = renewing_agreement(store, &me, "Changing terms", random_terms(&mut r)).await;
        let engine = |store: &Store| {
            let me = me.clone();
            let store = store.clone();
            async move {
                let d = store
                    .agreement_dates(&me, id, None, None, None)
                    .await
                    .unwrap();
                first_notice_on_or_after(&d, d.today)
            }
        };
        let first = list_all(store, &me, AgreementQuery::default()).await[0].notice_deadline;
        assert_eq!(first, engine(store).await);
        // The same listing again reads the remembered state; a change in between is seen.
        assert_eq!(
            list_all(store, &me, AgreementQuery::default()).await[0].notice_deadline,
            first
        );
        store
            .set_term(
                &me,
                id,
                TermField::NoticePeriodNonRenewal,
                TermValue::Period(Period::days(120).unwrap()),
                None,
            )
            .await
            .unwrap();
        let second = list_all(store, &me, AgreementQuery::default()).await[0].notice_deadline;
        assert_ne!(second, first, "{:?}", db.backend());
        assert_eq!(second, engine(store).await, "{:?}", db.backend());
    }
}

entente_store::on_each_backend!(a_change_between_two_listings_is_seen_by_the_second);

/// A change stamped earlier than the last one (written by an instance whose clock lags) moves
/// no `updated_at` forward and no count; the tenant's revision still sees it.
async fn a_change_stamped_by_a_lagging_clock_is_seen() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        store.clock().set(start());
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "test");
        let id = renewing_agreement(store, &me, "Lagging clock", Terms::default()).await;
        let first = list_all(store, &me, AgreementQuery::default()).await[0].notice_deadline;
        store
            .clock()
            .set(Timestamp::parse("2026-12-04T09:00:00Z").unwrap());
        store
            .set_term(
                &me,
                id,
                TermField::NoticePeriodNonRenewal,
                TermValue::Period(Period::days(120).unwrap()),
                None,
            )
            .await
            .unwrap();
        let second = list_all(store, &me, AgreementQuery::default()).await[0].notice_deadline;
        assert_ne!(second, first, "{:?}", db.backend());
        let d = store
            .agreement_dates(&me, id, None, None, None)
            .await
            .unwrap();
        assert_eq!(
            second,
            first_notice_on_or_after(&d, d.today),
            "{:?}",
            db.backend()
        );
    }
}

entente_store::on_each_backend!(a_change_stamped_by_a_lagging_clock_is_seen);

/// A listing query from its text form, as an edge would check it.
fn filter(t: AgreementQueryText<'_>) -> AgreementQuery {
    AgreementQuery::try_from(t).expect("a valid query")
}

/// Everything a reader sees of the tenant's key dates: each agreement's next renewal and
/// notice deadline, and the overdue occurrences.
async fn snapshot(store: &Store, me: &Actor) -> (Vec<String>, Vec<String>) {
    let rows = list_all(store, me, AgreementQuery::default()).await;
    let mut agreements: Vec<String> = rows
        .iter()
        .map(|a| format!("{} {:?} {:?}", a.id, a.expiration_date, a.notice_deadline))
        .collect();
    agreements.sort();
    while store.refresh_deadlines(store.now(), 5000).await.unwrap() > 0 {}
    let overdue = store
        .list_deadlines(
            me,
            &entente_domain::query::DeadlineQuery {
                overdue: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d.subject, d.due_date))
        .collect();
    (agreements, overdue)
}

/// Key dates are kept for a window around the day they were computed on. A clock set ahead
/// (a rehearsal, `--today`) and back again must not leave the window of the later day behind:
/// what was computed for a later day than today is computed again.
async fn a_clock_set_ahead_and_back_leaves_the_key_dates_as_they_were() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        store.clock().set(start());
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "test");
        let mut r = Rng(0xC10C);
        for i in 0..30 {
            let new = two_party_draft(format!("Case {i}"), "active")
                .validate(random_terms(&mut r))
                .unwrap();
            let id = store.create_agreement(&me, &new).await.unwrap();
            let monthly = entente_domain::obligation::NewObligation {
                obligor: "Northwind".into(),
                beneficiary: None,
                text: format!("Monthly report {i}"),
                due: entente_domain::obligation::DueRule::recurring(
                    entente_domain::obligation::Frequency::Monthly,
                    None,
                ),
                metric: None,
                status: None,
                owner: None,
                vague: false,
                survives: false,
            };
            store.create_obligation(&me, id, &monthly).await.unwrap();
        }
        let before = snapshot(store, &me).await;
        assert!(
            !before.1.is_empty(),
            "unrecorded monthly reports are overdue"
        );
        store
            .clock()
            .set(Timestamp::parse("2028-11-03T10:00:00Z").unwrap());
        let ahead = snapshot(store, &me).await;
        assert_ne!(
            ahead,
            before,
            "{:?}: another day, other dates",
            db.backend()
        );
        store.clock().set(start());
        assert_eq!(snapshot(store, &me).await, before, "{:?}", db.backend());
    }
}

entente_store::on_each_backend!(a_clock_set_ahead_and_back_leaves_the_key_dates_as_they_were);

fn first_term_end_on_or_after(dates: &AgreementDates, today: Date) -> Option<Date> {
    dates
        .key_dates
        .iter()
        .filter(|k| {
            matches!(k.kind, KeyDateKind::Renewal | KeyDateKind::Expiration) && k.date >= today
        })
        .map(|k| k.date)
        .min()
}

/// The listing keeps each agreement's next notice deadline and term end from one day to the
/// next and moves only those that days have passed by: as the clock walks forward over three
/// years without a single write, every day's listing (columns, window, count and sort) is the
/// engine's for that day.
async fn as_days_pass_without_writes_the_listing_keeps_up_with_the_engine() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        store.clock().set(start());
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "test");
        let mut r = Rng(0xDA75_2026_1206);
        for i in 0..40 {
            let draft = two_party_draft(format!("Case {i}"), "active");
            let new = draft.validate(random_terms(&mut r)).unwrap();
            store.create_agreement(&me, &new).await.unwrap();
        }
        let mut at = start();
        for step in 0..30 {
            // Mostly a day or a few; sometimes weeks (the stored values then jump several
            // deadlines at once).
            let days = if step % 5 == 4 {
                20 + r.below(40)
            } else {
                1 + r.below(4)
            };
            at = Timestamp::from_jiff(
                at.jiff() + jiff::SignedDuration::from_hours(24 * days as i64),
            );
            store.clock().set(at);
            let today = store.today(&me).await.unwrap();
            let rows = list_all(store, &me, AgreementQuery::default()).await;
            let mut within = BTreeSet::new();
            for row in &rows {
                let d = store
                    .agreement_dates(&me, row.id, Some(today), None, None)
                    .await
                    .unwrap();
                let notice = first_notice_on_or_after(&d, today);
                assert_eq!(
                    row.notice_deadline,
                    notice,
                    "{:?} {} on {today}: notice",
                    db.backend(),
                    row.title
                );
                assert_eq!(
                    row.expiration_date,
                    first_term_end_on_or_after(&d, today),
                    "{:?} {} on {today}: term end",
                    db.backend(),
                    row.title
                );
                if notice.is_some_and(|n| n <= today.plus_days(30)) {
                    within.insert((notice, row.id));
                }
            }
            // The window alone (counted on the stored values), sorted by notice deadline:
            // exactly the engine's matches, in its order.
            let windowed = list_all(
                store,
                &me,
                filter(AgreementQueryText {
                    notice_within_days: Some(30),
                    sort: Some("notice_deadline"),
                    ..Default::default()
                }),
            )
            .await;
            let got: Vec<(Option<Date>, AgreementId)> =
                windowed.iter().map(|a| (a.notice_deadline, a.id)).collect();
            let want: Vec<(Option<Date>, AgreementId)> = within.into_iter().collect();
            assert_eq!(got, want, "{:?} on {today}: window", db.backend());
        }
    }
}

entente_store::on_each_backend!(as_days_pass_without_writes_the_listing_keeps_up_with_the_engine);

/// The dashboard's overview counts every deadline however many there are, lists the notice
/// deadlines first, and buckets renewals and expirations by month exactly as the full deadline
/// listing has them.
async fn the_overview_counts_what_the_full_listing_holds() {
    use entente_domain::query::{DayWindow, DeadlineQuery};
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        store.clock().set(start());
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "test");
        let mut r = Rng(0x0FE2_7E17);
        for i in 0..60 {
            let draft = two_party_draft(format!("Case {i}"), "active");
            let mut new = draft.validate(random_terms(&mut r)).unwrap();
            // Some tracked only from a day in the past: their earlier occurrences are history.
            if i % 3 == 0 {
                new.tracked_from = Some(Date::parse("2025-09-15").unwrap());
            }
            store.create_agreement(&me, &new).await.unwrap();
        }
        // Duties of every kind the overdue and open counts must judge alike: recurring and
        // one-off, marked done, overdue or waived as a whole or not at all, with occurrences
        // recorded done, waived or pending again, on agreements tracked from their start or
        // from a later day.
        use entente_domain::obligation::{DueRule, Frequency, NewObligation, ObligationStatus};
        use entente_domain::occurrence::OccurrenceUpdate;
        let (agreements, _) = store
            .list_agreements(
                &me,
                &AgreementQuery::default(),
                Page {
                    limit: 60,
                    offset: 0,
                },
            )
            .await
            .unwrap();
        let statuses = [
            None,
            Some(ObligationStatus::Done),
            Some(ObligationStatus::Overdue),
            Some(ObligationStatus::Waived),
        ];
        for (i, a) in agreements.iter().enumerate().take(24) {
            let due = if i % 2 == 0 {
                DueRule::Recurring {
                    frequency: Frequency::Monthly,
                    offset: None,
                    alignment: None,
                    final_partial: false,
                }
            } else {
                DueRule::On {
                    date: Date::parse("2026-06-30").unwrap().plus_days(i as i64 * 20),
                }
            };
            let made = store
                .create_obligation(
                    &me,
                    a.id,
                    &NewObligation {
                        obligor: "Northwind".into(),
                        beneficiary: Some("Globex".into()),
                        text: format!("Report {i}"),
                        due,
                        metric: None,
                        // Each status on recurring (even) and one-off (odd) duties alike.
                        status: statuses[(i / 2) % 4],
                        owner: None,
                        vague: false,
                        survives: false,
                    },
                )
                .await;
            let Ok(ob) = made else { continue };
            let from = Date::parse("2024-01-01").unwrap();
            let until = Date::parse("2027-12-31").unwrap();
            let occs = store
                .list_occurrences(&me, ob.id, from, until)
                .await
                .unwrap();
            for (k, occ) in occs
                .iter()
                .enumerate()
                .filter(|(k, _)| (k + i / 4) % 3 == 1)
            {
                let status = ["done", "waived", "pending"][(i + k) % 3];
                let _ = store
                    .record_occurrence(
                        &me,
                        ob.id,
                        occ.due,
                        &OccurrenceUpdate {
                            status: status.into(),
                            reason: Some("settled".into()),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
            }
        }
        let today = store.today(&me).await.unwrap();
        let (window, year) = (DayWindow::at_most(90), DayWindow::at_most(365));
        // Fewer rows than there are deadlines: the counts must still be whole.
        let rows = 3;
        let o = store
            .deadline_overview(&me, today, window, year, rows)
            .await
            .unwrap();
        let all = |within: Option<DayWindow>| DeadlineQuery {
            within_days: within,
            today: Some(today),
            limit: 5000,
            ..Default::default()
        };
        let due = store.list_deadlines(&me, &all(Some(window))).await.unwrap();
        assert!(
            due.len() > rows,
            "the case must overflow a page: {}",
            due.len()
        );
        assert_eq!(o.due_total as usize, due.len());
        let mut notice_first = due.clone();
        notice_first.sort_by_key(|d| d.kind != "non_renewal_notice_deadline");
        let shown: Vec<_> = o.due.iter().map(|d| (&d.subject, d.agreement_id)).collect();
        let expected: Vec<_> = notice_first
            .iter()
            .take(rows)
            .map(|d| (&d.subject, d.agreement_id))
            .collect();
        assert_eq!(shown, expected);

        let year_rows = store.list_deadlines(&me, &all(Some(year))).await.unwrap();
        let mut months: BTreeMap<String, u64> = BTreeMap::new();
        for d in year_rows
            .iter()
            .filter(|d| matches!(d.kind.as_str(), "renewal" | "expiration"))
        {
            *months
                .entry(d.due_date.to_string()[..7].to_owned())
                .or_default() += 1;
        }
        assert!(!months.is_empty());
        assert_eq!(o.term_ends_by_month, months.into_iter().collect::<Vec<_>>());
        let overdue = store
            .list_deadlines(
                &me,
                &DeadlineQuery {
                    overdue: true,
                    obligations_only: true,
                    today: Some(today),
                    limit: 5000,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(overdue.len() > rows, "{}", overdue.len());
        assert_eq!(o.overdue_total as usize, overdue.len());
        let first: Vec<_> = overdue.iter().take(rows).map(|d| &d.subject).collect();
        assert_eq!(
            o.overdue.iter().map(|d| &d.subject).collect::<Vec<_>>(),
            first
        );

        // As an installation upgraded from before migration 30 has them: obligations without
        // the column that says whether they recur. The migration fills it in from the rules.
        for sql in [
            "drop index deadline_org_duty_due",
            "drop index deadline_org_keydate",
            "drop index agreement_tracked",
            "drop index obligation_state",
            "drop index occurrence_state",
            "drop index agreement_org_cap",
            "alter table obligation drop column recurring",
            "delete from _sqlx_migrations where version = 30",
        ] {
            sqlx::query(sql).execute(store.pool()).await.unwrap();
        }
        store.migrate().await.unwrap();
        let again = store
            .deadline_overview(&me, today, window, year, rows)
            .await
            .unwrap();
        assert_eq!(
            (again.due_total, again.overdue_total),
            (o.due_total, o.overdue_total),
            "{:?}",
            db.backend()
        );
    }
}

entente_store::on_each_backend!(the_overview_counts_what_the_full_listing_holds);
