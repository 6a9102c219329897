//! Recurring duties fall where a person working by hand puts them (the worked examples in
//! docs/key-dates.md): for random period kinds, layouts, offsets and effective dates, every
//! occurrence is the end of its period plus the offset, off weekends, and only periods that end
//! within a fixed term are covered.

use entente_domain::Date;
use entente_domain::Period;
use entente_domain::calendar::BusinessCalendar;
use entente_domain::keydates::TermEnd;
use entente_domain::obligation::{Alignment, DueRule, Frequency};
use entente_domain::occurrence::{OccurrenceContext, expand};
use proptest::prelude::*;

fn days_in_month(y: i32, m: i32) -> i32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn ymd(y: i32, m: i32, d: i32) -> Date {
    Date::from_ymd(y as i16, m as i8, d as i8).unwrap()
}

/// Months from (y, m) as one count, and back.
fn month_index(y: i32, m: i32) -> i32 {
    y * 12 + (m - 1)
}
fn from_index(i: i32) -> (i32, i32) {
    (i.div_euclid(12), i.rem_euclid(12) + 1)
}

/// "Add n months": the same day of the month, or its last day when the month is shorter.
fn add_months(d: Date, n: i32) -> Date {
    let (y, m, day) = d.ymd();
    let (y2, m2) = from_index(month_index(y.into(), m.into()) + n);
    ymd(y2, m2, i32::from(day).min(days_in_month(y2, m2)))
}

fn months_of(f: Frequency) -> Option<i32> {
    match f {
        Frequency::Weekly => None,
        Frequency::Monthly => Some(1),
        Frequency::Quarterly => Some(3),
        Frequency::SemiAnnually => Some(6),
        Frequency::Annually => Some(12),
    }
}

/// The last day of period k (1-based), by hand.
fn period_end(f: Frequency, a: Alignment, anchor: Date, k: i32) -> Date {
    let (y, m, _) = anchor.ymd();
    match (a, months_of(f)) {
        // Calendar: the period the anchor falls in starts in the month m0 with
        // (m0 - 1) divisible by n; period k ends in month m0 + k·n − 1, on its last day.
        (Alignment::Calendar, Some(n)) => {
            let m0 = (i32::from(m) - 1) / n * n + 1;
            let (ye, me) = from_index(month_index(y.into(), m0) + k * n - 1);
            ymd(ye, me, days_in_month(ye, me))
        }
        // Calendar weeks: Monday to Sunday.
        (Alignment::Calendar, None) => {
            let back = i64::from(anchor.civil().weekday().to_monday_zero_offset());
            anchor.plus_days(-back + 7 * i64::from(k) - 1)
        }
        // Contract: the day before the anchor plus k periods.
        (Alignment::Contract, Some(n)) => add_months(anchor, k * n).plus_days(-1),
        (Alignment::Contract, None) => anchor.plus_days(7 * i64::from(k) - 1),
    }
}

/// Back over Saturday and Sunday.
fn off_weekend(d: Date) -> Date {
    match d.civil().weekday().to_monday_zero_offset() {
        5 => d.plus_days(-1),
        6 => d.plus_days(-2),
        _ => d,
    }
}

const FREQUENCIES: [Frequency; 5] = [
    Frequency::Weekly,
    Frequency::Monthly,
    Frequency::Quarterly,
    Frequency::SemiAnnually,
    Frequency::Annually,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn each_occurrence_falls_where_the_hand_computation_puts_it(
        y in 1995i32..2070, m in 1i32..=12, day in 1i32..=31,
        f in 0usize..5, calendar in any::<bool>(), stated in any::<bool>(),
        offset in proptest::option::of(1u32..60), term_months in 1i32..=72, final_partial in any::<bool>(),
    ) {
        prop_assume!(day <= days_in_month(y, m));
        let anchor = ymd(y, m, day);
        let frequency = FREQUENCIES[f];
        let alignment = if calendar { Alignment::Calendar } else { Alignment::Contract };
        // Unstated, the default layout for the frequency applies.
        let (stated_alignment, used) = if stated {
            (Some(alignment), alignment)
        } else {
            (None, frequency.default_alignment())
        };
        let rule = DueRule::Recurring {
            frequency,
            offset: offset.map(|n| Period::days(n).unwrap()),
            alignment: stated_alignment,
            final_partial,
        };
        let cal = BusinessCalendar::weekends_only();
        let term_end = add_months(anchor, term_months);
        let ctx = OccurrenceContext {
            effective: Some(anchor),
            term_end: Some(TermEnd { date: term_end, renews: false }),
            ending: None,
            calendar: &cal,
        };
        let occ = expand(&rule, &ctx, ymd(1900, 1, 1), ymd(2200, 1, 1));
        // By hand: every period whose end falls on or before the term's end, plus the one
        // holding the end when the contract covers it.
        let mut expected = Vec::new();
        for k in 1.. {
            let end = period_end(frequency, used, anchor, k);
            let start = if k == 1 { anchor } else { period_end(frequency, used, anchor, k - 1).plus_days(1) };
            if end > term_end && !(final_partial && start <= term_end) {
                break;
            }
            let due = match offset {
                Some(n) => off_weekend(end.plus_days(i64::from(n))),
                None => end,
            };
            expected.push((k as u32, due, start.max(anchor), end));
            if end > term_end {
                break;
            }
        }
        let got: Vec<_> = occ
            .iter()
            .map(|o| (o.seq, o.due, o.period.unwrap().start, o.period.unwrap().end))
            .collect();
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn the_worked_examples_in_the_docs_hold() {
    let cal = BusinessCalendar::weekends_only();
    let d = |s: &str| Date::parse(s).unwrap();
    let dues = |rule: &DueRule, eff: &str, end: Option<&str>, until: &str| -> Vec<String> {
        let ctx = OccurrenceContext {
            effective: Some(d(eff)),
            term_end: end.map(|e| TermEnd {
                date: d(e),
                renews: false,
            }),
            ending: None,
            calendar: &cal,
        };
        expand(rule, &ctx, d("2000-01-01"), d(until))
            .iter()
            .map(|o| o.due.to_string())
            .collect()
    };
    // "within fifteen (15) days after the end of each calendar quarter", effective 1 March 2025.
    let calendar_quarter = DueRule::Recurring {
        frequency: Frequency::Quarterly,
        offset: Some(Period::days(15).unwrap()),
        alignment: Some(Alignment::Calendar),
        final_partial: false,
    };
    assert_eq!(
        dues(&calendar_quarter, "2025-03-01", None, "2026-01-31"),
        ["2025-04-15", "2025-07-15", "2025-10-15", "2026-01-15"]
    );
    // Effective 1 January 2026: the first quarter ends on 31 March.
    assert_eq!(
        dues(&calendar_quarter, "2026-01-01", None, "2026-04-30"),
        ["2026-04-15"]
    );
    // "each period of three months from the Effective Date", effective 1 March 2025:
    // 1 March – 31 May, + 15 days = Sunday 15 June, so Friday 13 June.
    let contract_quarter = DueRule::Recurring {
        frequency: Frequency::Quarterly,
        offset: Some(Period::days(15).unwrap()),
        alignment: Some(Alignment::Contract),
        final_partial: false,
    };
    assert_eq!(
        dues(&contract_quarter, "2025-03-01", None, "2025-12-31"),
        ["2025-06-13", "2025-09-15", "2025-12-15"]
    );
    // A monthly report due 10 days after each month: January's is due on 10 February.
    let monthly = DueRule::recurring(Frequency::Monthly, Some(Period::days(10).unwrap()));
    assert_eq!(
        dues(&monthly, "2026-01-01", None, "2026-03-31"),
        ["2026-02-10", "2026-03-10"]
    );
    // A term of one year from 15 February 2026: the quarter it ends in (Q1 2027) is covered
    // only when the contract says so.
    let mut last = calendar_quarter.clone();
    assert_eq!(
        dues(&last, "2026-02-15", Some("2027-02-15"), "2030-01-01"),
        ["2026-04-15", "2026-07-15", "2026-10-15", "2027-01-15"]
    );
    if let DueRule::Recurring { final_partial, .. } = &mut last {
        *final_partial = true;
    }
    assert_eq!(
        dues(&last, "2026-02-15", Some("2027-02-15"), "2030-01-01")
            .last()
            .map(String::as_str),
        Some("2027-04-15")
    );
}
