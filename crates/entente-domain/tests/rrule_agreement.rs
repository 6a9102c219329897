//! Our recurrence expansion agrees with an independent RFC 5545 engine (the `rrule` crate):
//! the period ends of a recurring duty are exactly the RRULE's instances after DTSTART.

use entente_domain::Date;
use entente_domain::calendar::{BusinessCalendar, after_times};
use entente_domain::obligation::Frequency;
use entente_domain::occurrence::rrule;
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
        prop_assert_eq!(ours, theirs);
    }
}

#[test]
fn a_month_end_anchor_stays_at_month_ends_in_both_engines() {
    let start = Date::parse("2027-01-31").unwrap();
    let theirs = rrule_dates(&rrule(Frequency::Monthly, start), start, 3);
    assert_eq!(theirs, ["2027-02-28", "2027-03-31", "2027-04-30"]);
}
