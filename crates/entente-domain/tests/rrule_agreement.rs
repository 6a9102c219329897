//! Our recurrence expansion agrees with an independent RFC 5545 engine (the `rrule` crate):
//! the periods of a recurring duty, counted from the effective date or laid on the calendar,
//! start exactly at the RRULE's instances after DTSTART.

use entente_domain::Date;
use entente_domain::calendar::{BusinessCalendar, after_times};
use entente_domain::obligation::{Alignment, Frequency};
use entente_domain::occurrence::{periods, rrule};
use proptest::prelude::*;

fn rrule_dates(rule: &str, start: Date, count: u16) -> Vec<String> {
    let text = format!(
        "DTSTART:{}T000000Z\nRRULE:{rule};COUNT={}",
        start.to_string().replace('-', ""),
        count + 1
    );
    let set: rrule::RRuleSet = text.parse().expect("valid rrule");
    set.all(u16::MAX)
        .dates
        .iter()
        .skip(1)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn period_ends_match_the_rfc5545_rule(
        y in 1990i16..2080, m in 1i8..=12, day in 1i8..=31, f in 0usize..5
    ) {
        prop_assume!(Date::from_ymd(y, m, day).is_ok());
        let start = Date::from_ymd(y, m, day).unwrap();
        let frequency = [Frequency::Weekly, Frequency::Monthly, Frequency::Quarterly, Frequency::SemiAnnually, Frequency::Annually][f];
        let cal = BusinessCalendar::weekends_only();
        let ours: Vec<String> = (1..=30).map(|k| after_times(&cal, frequency.period(), k, start).to_string()).collect();
        let theirs = rrule_dates(&rrule(frequency, start), start, 30);
        prop_assert_eq!(&ours, &theirs);
        // Contract periods start at the rule's instances and end the day before the next.
        let spans: Vec<_> = periods(frequency, Alignment::Contract, start).take(31).collect();
        let starts: Vec<String> = spans[1..].iter().map(|p| p.start.to_string()).collect();
        prop_assert_eq!(&starts, &theirs);
        for w in spans.windows(2) {
            prop_assert_eq!(w[0].end.plus_days(1), w[1].start);
        }
        // Calendar periods start at the rule's instances from the start of the calendar
        // period the anchor falls in, which holds the anchor.
        let cal_spans: Vec<_> = periods(frequency, Alignment::Calendar, start).take(31).collect();
        let first = cal_spans[0].start;
        prop_assert!(first <= start && start <= cal_spans[0].end);
        let (_, fm, fd) = first.ymd();
        match frequency {
            Frequency::Weekly => prop_assert_eq!(first.civil().weekday(), jiff::civil::Weekday::Monday),
            Frequency::Annually => prop_assert_eq!((fm, fd), (1, 1)),
            Frequency::SemiAnnually => prop_assert!(fd == 1 && (fm == 1 || fm == 7)),
            Frequency::Quarterly => prop_assert!(fd == 1 && fm % 3 == 1),
            Frequency::Monthly => prop_assert_eq!(fd, 1),
        }
        let theirs = rrule_dates(&rrule(frequency, first), first, 30);
        let starts: Vec<String> = cal_spans[1..].iter().map(|p| p.start.to_string()).collect();
        prop_assert_eq!(starts, theirs);
    }
}

#[test]
fn a_month_end_anchor_stays_at_month_ends_in_both_engines() {
    let start = Date::parse("2027-01-31").unwrap();
    let theirs = rrule_dates(&rrule(Frequency::Monthly, start), start, 3);
    assert_eq!(theirs, ["2027-02-28", "2027-03-31", "2027-04-30"]);
}
