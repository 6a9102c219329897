//! Business-day calendars: which weekdays are the weekend and which dates are public holidays
//! in a jurisdiction (loadable from a small text file), and date arithmetic that respects them.

use crate::{Date, Period, PeriodUnit, ValidationError};
use std::collections::BTreeMap;

/// Built-in holiday files, by id (`entente dates --calendar ID`).
const BUILTIN: &[(&str, &str)] = &[
    (
        "england-and-wales",
        include_str!("../calendars/england-and-wales.txt"),
    ),
    ("us-federal", include_str!("../calendars/us-federal.txt")),
];

/// Most holidays one calendar file may list; keeps a hostile file from exhausting memory.
const MAX_HOLIDAYS: usize = 20_000;

/// A working calendar: a weekend rule plus dated holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    name: String,
    /// `weekend[i]` is true when weekday `i` (Monday = 0) is a day off.
    weekend: [bool; 7],
    holidays: BTreeMap<Date, String>,
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        Self::weekends_only()
    }
}

fn weekday_index(d: Date) -> usize {
    d.civil().weekday().to_monday_zero_offset() as usize
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// English weekday name of a date, e.g. "Saturday".
pub fn weekday_name(d: Date) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][weekday_index(d)]
}

impl BusinessCalendar {
    /// Saturday and Sunday off, no holidays: what "business days" means when no
    /// jurisdiction calendar is configured.
    pub fn weekends_only() -> Self {
        Self {
            name: "weekends only".to_owned(),
            weekend: [false, false, false, false, false, true, true],
            holidays: BTreeMap::new(),
        }
    }

    /// A built-in calendar by id (`england-and-wales`, `us-federal`).
    pub fn builtin(id: &str) -> Result<Self, ValidationError> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == id).ok_or_else(|| {
            let ids: Vec<_> = BUILTIN.iter().map(|(n, _)| *n).collect();
            ValidationError::new(
                "calendar",
                format!(
                    "{id:?} is not a built-in calendar (one of: {}), nor a file",
                    ids.join(", ")
                ),
            )
        })?;
        Self::parse(id, text)
    }

    /// Ids of the built-in calendars.
    pub fn builtin_ids() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// Parses a calendar file: `# comments`, `name = …`, `weekend = sat sun`, and one
    /// `YYYY-MM-DD description` per holiday. Errors name the line at fault.
    pub fn parse(default_name: &str, text: &str) -> Result<Self, ValidationError> {
        let mut cal = Self {
            name: default_name.to_owned(),
            ..Self::weekends_only()
        };
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            let at = format!("line {}", i + 1);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some((key, value)) = line.split_once('=')
                && !line.starts_with(|c: char| c.is_ascii_digit())
            {
                match key.trim() {
                    "name" => {
                        let v = value.trim();
                        if v.is_empty() || v.chars().count() > 100 {
                            return Err(ValidationError::new(
                                at,
                                "name must be 1 to 100 characters",
                            ));
                        }
                        v.clone_into(&mut cal.name);
                    }
                    "weekend" => {
                        let mut w = [false; 7];
                        for day in value.split([' ', ',']).filter(|s| !s.is_empty()) {
                            let d = day.trim().to_ascii_lowercase();
                            let idx = DAY_NAMES.iter().position(|n| d.starts_with(n)).ok_or_else(
                                || {
                                    ValidationError::new(
                                        at.clone(),
                                        format!("{day:?} is not a weekday (mon … sun)"),
                                    )
                                },
                            )?;
                            w[idx] = true;
                        }
                        if w.iter().all(|x| *x) {
                            return Err(ValidationError::new(
                                at,
                                "the weekend cannot cover every day of the week",
                            ));
                        }
                        cal.weekend = w;
                    }
                    other => {
                        return Err(ValidationError::new(
                            at,
                            format!("unknown setting {other:?} (name, weekend)"),
                        ));
                    }
                }
                continue;
            }
            let (date, desc) = line.split_at(line.len().min(10));
            let date =
                Date::parse(date).map_err(|e| ValidationError::new(at.clone(), e.message))?;
            let desc = desc.trim();
            if cal.holidays.len() >= MAX_HOLIDAYS {
                return Err(ValidationError::new(
                    at,
                    format!("a calendar may list at most {MAX_HOLIDAYS} holidays"),
                ));
            }
            cal.holidays.insert(
                date,
                if desc.is_empty() {
                    "holiday".to_owned()
                } else {
                    desc.to_owned()
                },
            );
        }
        Ok(cal)
    }

    /// The calendar's name, e.g. "England and Wales".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of listed holidays.
    pub fn holiday_count(&self) -> usize {
        self.holidays.len()
    }

    /// The holiday on `d`, if any.
    pub fn holiday(&self, d: Date) -> Option<&str> {
        self.holidays.get(&d).map(String::as_str)
    }

    /// Whether `d` is a working day.
    pub fn is_business_day(&self, d: Date) -> bool {
        !self.weekend[weekday_index(d)] && !self.holidays.contains_key(&d)
    }

    /// Why `d` is not a working day ("a Saturday", "Christmas Day"), or `None` if it is one.
    pub fn why_closed(&self, d: Date) -> Option<String> {
        if let Some(h) = self.holiday(d) {
            return Some(format!("{h} ({})", self.name));
        }
        if self.weekend[weekday_index(d)] {
            return Some(format!("a {}", weekday_name(d)));
        }
        None
    }

    fn step(d: Date, sign: i64) -> Date {
        d.plus_days(sign)
    }

    /// `d` moved by `n` business days (`n < 0` moves back); the start day is not counted.
    pub fn add_business_days(&self, d: Date, n: i64) -> Date {
        let sign = if n < 0 { -1 } else { 1 };
        let mut left = n.unsigned_abs();
        let mut cur = d;
        while left > 0 {
            let next = Self::step(cur, sign);
            if next == cur {
                // Saturated at the edge of the supported date range.
                break;
            }
            cur = next;
            if self.is_business_day(cur) {
                left -= 1;
            }
        }
        cur
    }

    /// `d` if it is a business day, else the closest business day before it.
    pub fn preceding_business_day(&self, d: Date) -> Date {
        let mut cur = d;
        // At least one weekday is a working day and holidays are finite, so this ends.
        while !self.is_business_day(cur) {
            let next = Self::step(cur, -1);
            if next == cur {
                break;
            }
            cur = next;
        }
        cur
    }

    /// `d` if it is a business day, else the closest business day after it.
    pub fn following_business_day(&self, d: Date) -> Date {
        let mut cur = d;
        while !self.is_business_day(cur) {
            let next = Self::step(cur, 1);
            if next == cur {
                break;
            }
            cur = next;
        }
        cur
    }

    /// `d` plus `p`; business days follow this calendar, other units are calendar arithmetic.
    pub fn after(&self, p: Period, d: Date) -> Date {
        match p.unit() {
            PeriodUnit::BusinessDays => self.add_business_days(d, i64::from(p.count())),
            _ => p.after(d),
        }
    }

    /// `d` minus `p`; business days follow this calendar, other units are calendar arithmetic.
    pub fn before(&self, p: Period, d: Date) -> Date {
        match p.unit() {
            PeriodUnit::BusinessDays => self.add_business_days(d, -i64::from(p.count())),
            _ => p.before(d),
        }
    }
}

/// `p` repeated `k` times, counted from the anchor so month ends do not drift
/// (31 Jan + 2 months is 31 Mar, not 28 Mar). `k = 0` returns `d`.
pub fn after_times(cal: &BusinessCalendar, p: Period, k: u32, d: Date) -> Date {
    if k == 0 {
        return d;
    }
    match Period::new(p.count().saturating_mul(k), p.unit()) {
        Ok(total) => cal.after(total, d),
        // Longer than 1000 years: outside the supported range; stay put rather than panic.
        Err(_) => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn built_in_calendars_load_and_know_their_holidays() {
        let uk = BusinessCalendar::builtin("england-and-wales").unwrap();
        assert_eq!(uk.name(), "England and Wales");
        assert_eq!(
            uk.holiday(d("2026-12-28")),
            Some("Boxing Day (substitute day)")
        );
        assert!(!uk.is_business_day(d("2026-12-28")));
        let us = BusinessCalendar::builtin("us-federal").unwrap();
        assert!(!us.is_business_day(d("2026-11-26")), "Thanksgiving");
        assert!(us.is_business_day(d("2026-12-28")), "not a US holiday");
        let e = BusinessCalendar::builtin("mars").unwrap_err();
        assert_eq!(e.field, "calendar");
        assert!(e.message.contains("england-and-wales"), "{}", e.message);
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let uk = BusinessCalendar::builtin("england-and-wales").unwrap();
        // Thursday 2026-12-24 + 1 business day: Fri 25 (Christmas), Sat, Sun, Mon 28 (substitute) → Tue 29.
        assert_eq!(uk.add_business_days(d("2026-12-24"), 1), d("2026-12-29"));
        assert_eq!(uk.add_business_days(d("2026-12-29"), -1), d("2026-12-24"));
        // Without holidays the next business day after Thursday is Friday.
        let plain = BusinessCalendar::weekends_only();
        assert_eq!(plain.add_business_days(d("2026-12-24"), 1), d("2026-12-25"));
        assert_eq!(uk.preceding_business_day(d("2026-12-27")), d("2026-12-24"));
        assert_eq!(uk.following_business_day(d("2026-12-25")), d("2026-12-29"));
        assert_eq!(
            uk.why_closed(d("2026-12-25")).unwrap(),
            "Christmas Day (England and Wales)"
        );
        assert_eq!(plain.why_closed(d("2026-12-26")).unwrap(), "a Saturday");
    }

    #[test]
    fn a_friday_saturday_weekend_is_honoured() {
        let cal = BusinessCalendar::parse("x", "weekend = fri sat\n").unwrap();
        // 2026-11-19 is a Thursday; the next working day is Sunday the 22nd.
        assert_eq!(cal.add_business_days(d("2026-11-19"), 1), d("2026-11-22"));
    }

    #[test]
    fn bad_calendar_files_name_the_line() {
        let cases = [
            ("2026-02-30 Nope", "line 1", "does not exist"),
            ("name = X\nweekend = funday", "line 2", "not a weekday"),
            (
                "weekend = mon tue wed thu fri sat sun",
                "line 1",
                "every day",
            ),
            ("# c\n\ncolour = red", "line 3", "unknown setting"),
        ];
        for (text, field, msg) in cases {
            let e = BusinessCalendar::parse("t", text).unwrap_err();
            assert_eq!(e.field, field, "{text}");
            assert!(e.message.contains(msg), "{text}: {}", e.message);
        }
    }

    #[test]
    fn repeated_months_are_anchored_so_month_ends_do_not_drift() {
        let cal = BusinessCalendar::weekends_only();
        let m = Period::months(1).unwrap();
        assert_eq!(after_times(&cal, m, 1, d("2027-01-31")), d("2027-02-28"));
        assert_eq!(after_times(&cal, m, 2, d("2027-01-31")), d("2027-03-31"));
        assert_eq!(after_times(&cal, m, 13, d("2027-01-31")), d("2028-02-29"));
    }

    fn arb_date() -> impl Strategy<Value = Date> {
        (1990i16..2100, 1i8..=12, 1i8..=31)
            .prop_filter_map("real date", |(y, m, dd)| Date::from_ymd(y, m, dd).ok())
    }

    proptest! {
        #[test]
        fn adding_business_days_lands_on_a_business_day_and_counts_exactly(start in arb_date(), n in 1i64..400) {
            let cal = BusinessCalendar::builtin("england-and-wales").unwrap();
            let end = cal.add_business_days(start, n);
            prop_assert!(cal.is_business_day(end));
            prop_assert!(end > start);
            // Exactly n business days lie in (start, end].
            let mut count = 0;
            let mut cur = start;
            while cur < end { cur = cur.plus_days(1); if cal.is_business_day(cur) { count += 1; } }
            prop_assert_eq!(count, n);
        }

        #[test]
        fn business_days_forward_then_back_returns_to_a_business_start(start in arb_date(), n in 1i64..400) {
            let cal = BusinessCalendar::builtin("us-federal").unwrap();
            let s = cal.following_business_day(start);
            prop_assert_eq!(cal.add_business_days(cal.add_business_days(s, n), -n), s);
        }

        #[test]
        fn rolling_never_moves_past_a_business_day(start in arb_date()) {
            let cal = BusinessCalendar::builtin("england-and-wales").unwrap();
            let back = cal.preceding_business_day(start);
            let fwd = cal.following_business_day(start);
            prop_assert!(back <= start && start <= fwd);
            prop_assert!(cal.is_business_day(back) && cal.is_business_day(fwd));
            prop_assert!(back.days_until(start) < 7 && start.days_until(fwd) < 7);
        }

        #[test]
        fn anchored_months_keep_the_day_or_clamp_to_month_end(start in arb_date(), k in 1u32..240) {
            let cal = BusinessCalendar::weekends_only();
            let r = after_times(&cal, Period::months(1).unwrap(), k, start);
            let (_, _, sd) = start.ymd();
            let (ry, rm, rd) = r.ymd();
            let month_len = jiff::civil::date(ry, rm, 1).days_in_month();
            prop_assert_eq!(rd, sd.min(month_len));
            let months = (i32::from(ry) - i32::from(start.ymd().0)) * 12 + i32::from(rm) - i32::from(start.ymd().1);
            prop_assert_eq!(months, k as i32);
        }
    }
}
