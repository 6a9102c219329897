//! The ending drives the schedule: for random agreements and random sequences of lifecycle
//! events (notices of each kind, withdrawals, amendments of the notice period or renewal term,
//! renewal decisions), at random dates, the key dates and occurrences hold these invariants:
//! after the ending takes effect there are no renewals, notice deadlines, exits or reviews;
//! the term ends once, on the ending; surviving periods and duties after the end count from
//! the actual end; recurring duties stop with the term.

use entente_domain::calendar::BusinessCalendar;
use entente_domain::keydates::{
    ClauseIndex, Ending, KeyDateKind, KeyDateOptions, compute_with_next, term_end_with,
};
use entente_domain::lifecycle::{TerminationKind, termination_date};
use entente_domain::obligation::{DueRule, Event, Frequency};
use entente_domain::occurrence::{OccurrenceContext, expand};
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{Date, Period, Timestamp};
use proptest::prelude::*;

fn set(t: &mut Terms, f: TermField, v: TermValue) {
    let at = Timestamp::parse("2024-01-01T00:00:00Z").unwrap();
    t.set_user(f, v, "legal@example.com", at, None);
}

#[derive(Debug, Clone)]
enum LifeEvent {
    Notice(TerminationKind, i64),
    Withdraw,
    AmendNoticePeriod(u32),
    AmendRenewalTerm(u32),
    /// The parties let it renew: nothing is recorded, so nothing may change.
    DecideToRenew,
}

fn event() -> impl Strategy<Value = LifeEvent> {
    prop_oneof![
        (
            prop_oneof![
                Just(TerminationKind::Convenience),
                Just(TerminationKind::Cause),
                Just(TerminationKind::NonRenewal),
                Just(TerminationKind::Mutual),
            ],
            0i64..1500
        )
            .prop_map(|(k, off)| LifeEvent::Notice(k, off)),
        Just(LifeEvent::Withdraw),
        (10u32..200).prop_map(LifeEvent::AmendNoticePeriod),
        (1u32..4).prop_map(LifeEvent::AmendRenewalTerm),
        Just(LifeEvent::DecideToRenew),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    effective: i64,
    initial_years: u32,
    renews: bool,
    renewal_years: u32,
    notice_days: u32,
    convenience_days: Option<u32>,
    survival_years: Option<u32>,
    events: Vec<LifeEvent>,
    today_offset: i64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (0i64..3000, 1u32..5, any::<bool>(), 1u32..3, 10u32..120),
        (
            proptest::option::of(10u32..180),
            proptest::option::of(1u32..8),
            proptest::collection::vec(event(), 0..6),
            0i64..4000,
        ),
    )
        .prop_map(
            |(
                (effective, initial_years, renews, renewal_years, notice_days),
                (convenience_days, survival_years, events, today_offset),
            )| Case {
                effective,
                initial_years,
                renews,
                renewal_years,
                notice_days,
                convenience_days,
                survival_years,
                events,
                today_offset,
            },
        )
}

/// The agreement after the events: its terms and its ending in force.
fn play(c: &Case, cal: &BusinessCalendar) -> (Terms, Option<Ending>, Date) {
    let base = Date::parse("2018-01-01").unwrap();
    let effective = base.plus_days(c.effective);
    let mut t = Terms::default();
    set(&mut t, TermField::EffectiveDate, TermValue::Date(effective));
    set(
        &mut t,
        TermField::InitialTerm,
        TermValue::Period(Period::years(c.initial_years).unwrap()),
    );
    set(&mut t, TermField::AutoRenewal, TermValue::Bool(c.renews));
    set(
        &mut t,
        TermField::RenewalTerm,
        TermValue::Period(Period::years(c.renewal_years).unwrap()),
    );
    set(
        &mut t,
        TermField::NoticePeriodNonRenewal,
        TermValue::Period(Period::days(c.notice_days).unwrap()),
    );
    if let Some(n) = c.convenience_days {
        set(
            &mut t,
            TermField::TerminationForConvenienceNotice,
            TermValue::Period(Period::days(n).unwrap()),
        );
    }
    if let Some(y) = c.survival_years {
        set(
            &mut t,
            TermField::ConfidentialitySurvival,
            TermValue::Period(Period::years(y).unwrap()),
        );
    }
    let mut ending: Option<Ending> = None;
    for e in &c.events {
        match e {
            LifeEvent::Notice(kind, off) if ending.is_none() => {
                let on = effective.plus_days(*off);
                if let Ok(plan) = termination_date(&t, *kind, on, None, cal) {
                    ending = Some(Ending {
                        kind: *kind,
                        given_by: "Northwind Systems Ltd".into(),
                        given_by_short: Some("Northwind".into()),
                        given_on: on,
                        effective: plan.effective_date,
                        clause: None,
                    });
                }
            }
            LifeEvent::Notice(..) => {}
            LifeEvent::Withdraw => ending = None,
            LifeEvent::AmendNoticePeriod(d) => set(
                &mut t,
                TermField::NoticePeriodNonRenewal,
                TermValue::Period(Period::days(*d).unwrap()),
            ),
            LifeEvent::AmendRenewalTerm(y) => set(
                &mut t,
                TermField::RenewalTerm,
                TermValue::Period(Period::years(*y).unwrap()),
            ),
            LifeEvent::DecideToRenew => {}
        }
    }
    (t, ending, effective.plus_days(c.today_offset))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn after_the_ending_nothing_renews_and_what_survives_counts_from_the_end(c in case()) {
        let cal = BusinessCalendar::weekends_only();
        let (terms, ending, today) = play(&c, &cal);
        let opts = KeyDateOptions {
            until: today.plus_days(40 * 366),
            ending: ending.clone(),
            ..KeyDateOptions::new(today, &cal)
        };
        let kds = compute_with_next(&terms, &ClauseIndex::default(), &opts);
        let end = term_end_with(&terms, ending.as_ref(), today, &cal);
        let Some(e) = &ending else {
            // No ending in force: an auto-renewing agreement keeps renewing.
            if c.renews {
                prop_assert!(kds.iter().any(|k| k.kind == KeyDateKind::Renewal && k.date >= today));
            }
            return Ok(());
        };
        let end = end.expect("an ending gives the term an end");
        prop_assert!(!end.renews);
        prop_assert!(end.date <= e.effective);
        for k in &kds {
            let stops = matches!(
                k.kind,
                KeyDateKind::Renewal
                    | KeyDateKind::NonRenewalNoticeDeadline
                    | KeyDateKind::TerminationForConvenienceExit
                    | KeyDateKind::Review
            );
            prop_assert!(!(stops && k.date >= end.date), "{} after the end {}", k.line(), end.date);
        }
        let expirations: Vec<_> = kds.iter().filter(|k| k.kind == KeyDateKind::Expiration).collect();
        prop_assert_eq!(expirations.len(), 1, "{:?}", expirations);
        prop_assert_eq!(expirations[0].date, end.date);
        if let Some(y) = c.survival_years {
            let conf = kds.iter().find(|k| k.kind == KeyDateKind::ConfidentialityEnd);
            let conf = conf.expect("confidentiality end");
            prop_assert_eq!(conf.date, cal.after(Period::years(y).unwrap(), end.date));
            prop_assert!(!conf.conditional);
        }
        let ctx = OccurrenceContext {
            effective: terms.date(TermField::EffectiveDate),
            term_end: Some(end),
            ending: ending.as_ref(),
            calendar: &cal,
        };
        let far = end.date.plus_days(3000);
        let start = Date::parse("2000-01-01").unwrap();
        let quarterly = DueRule::recurring(Frequency::Quarterly, None);
        for o in expand(&quarterly, &ctx, start, far) {
            prop_assert!(o.due <= end.date, "a quarterly duty on {} after the end {}", o.due, end.date);
        }
        let ret = DueRule::After { period: Period::days(30).unwrap(), event: Event::Termination };
        let occ = expand(&ret, &ctx, start, far);
        prop_assert_eq!(occ.len(), 1);
        // Computed due dates leave weekends and holidays for the preceding business day.
        prop_assert_eq!(occ[0].due, cal.preceding_business_day(cal.after(Period::days(30).unwrap(), end.date)));
        prop_assert!(!occ[0].conditional);
        // A duty conditional on the other party's termination never falls due.
        let theirs = DueRule::After {
            period: Period::days(30).unwrap(),
            event: Event::TerminationBy { party: "University".into(), clause: None },
        };
        prop_assert!(expand(&theirs, &ctx, start, far).is_empty());
        let ours = DueRule::After {
            period: Period::days(30).unwrap(),
            event: Event::TerminationBy { party: "Northwind".into(), clause: None },
        };
        let ours = expand(&ours, &ctx, start, far);
        prop_assert_eq!(ours.len(), 1);
        prop_assert_eq!(ours[0].due, cal.preceding_business_day(cal.after(Period::days(30).unwrap(), e.effective)));
        // A one-off duty that does not survive ends with the agreement; one that survives, or
        // falls due after the end, does not.
        let late = DueRule::On { date: e.effective.plus_days(10) };
        prop_assert!(e.last_due(&late, false, far) < e.effective.plus_days(10));
        prop_assert_eq!(e.last_due(&late, true, far), far);
        prop_assert_eq!(e.last_due(&ret, false, far), far);
    }
}
