//! Periods in calendar units (days, business days, weeks, months, years) as contracts state
//! them, and their arithmetic on calendar dates.

use crate::{Date, ValidationError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The unit a contract counts a period in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    /// Calendar days.
    Days,
    /// Monday to Friday, excluding holidays where a calendar is known.
    BusinessDays,
    /// Calendar weeks.
    Weeks,
    /// Calendar months (a month end stays a month end: 31 Jan + 1 month = 28/29 Feb).
    Months,
    /// Calendar years.
    Years,
}

/// A length of time such as "ninety (90) days" or "two (2) years".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    count: u32,
    unit: PeriodUnit,
}

/// Longest period we accept: 1000 years in any unit keeps date arithmetic in range.
const MAX_DAYS: u32 = 366_000;

impl Period {
    /// Builds a period, rejecting zero and absurd lengths.
    pub fn new(count: u32, unit: PeriodUnit) -> Result<Self, ValidationError> {
        let days = match unit {
            PeriodUnit::Days | PeriodUnit::BusinessDays => count,
            PeriodUnit::Weeks => count.saturating_mul(7),
            PeriodUnit::Months => count.saturating_mul(31),
            PeriodUnit::Years => count.saturating_mul(366),
        };
        if count == 0 {
            return Err(ValidationError::new(
                "",
                "a period must be longer than zero",
            ));
        }
        if days > MAX_DAYS {
            return Err(ValidationError::new(
                "",
                format!("a period of {count} {unit:?} is longer than 1000 years"),
            ));
        }
        Ok(Self { count, unit })
    }

    /// Shorthand constructors used widely in rules and tests.
    pub fn days(n: u32) -> Result<Self, ValidationError> {
        Self::new(n, PeriodUnit::Days)
    }
    /// `n` calendar months.
    pub fn months(n: u32) -> Result<Self, ValidationError> {
        Self::new(n, PeriodUnit::Months)
    }
    /// `n` calendar years.
    pub fn years(n: u32) -> Result<Self, ValidationError> {
        Self::new(n, PeriodUnit::Years)
    }

    /// How many units.
    pub fn count(self) -> u32 {
        self.count
    }
    /// Which unit.
    pub fn unit(self) -> PeriodUnit {
        self.unit
    }

    /// Approximate length in days, for comparing periods of different units (30-day months).
    pub fn approx_days(self) -> u32 {
        match self.unit {
            PeriodUnit::Days => self.count,
            PeriodUnit::BusinessDays => self.count * 7 / 5,
            PeriodUnit::Weeks => self.count * 7,
            PeriodUnit::Months => self.count * 30,
            PeriodUnit::Years => self.count * 365,
        }
    }

    /// Compares two periods as calendar spans: months and years by their months (so "sixty
    /// months" equals "five years"), days and weeks by their days, and a mix by mean lengths
    /// (a month is 30.44 days, a year 365.25, a business day 1.4).
    pub fn cmp_span(self, other: Period) -> std::cmp::Ordering {
        if let (Some(a), Some(b)) = (self.whole_months(), other.whole_months()) {
            return a.cmp(&b);
        }
        self.centidays().cmp(&other.centidays())
    }

    /// Mean length in hundredths of a day.
    fn centidays(self) -> u64 {
        let per = match self.unit {
            PeriodUnit::Days => 100,
            PeriodUnit::BusinessDays => 140,
            PeriodUnit::Weeks => 700,
            PeriodUnit::Months => 3044,
            PeriodUnit::Years => 36525,
        };
        u64::from(self.count) * per
    }

    /// Whether this period is longer than `other` as a calendar span (see [`Period::cmp_span`]).
    pub fn longer_than(self, other: Period) -> bool {
        self.cmp_span(other).is_gt()
    }

    /// Whether this period is shorter than `other` as a calendar span.
    pub fn shorter_than(self, other: Period) -> bool {
        self.cmp_span(other).is_lt()
    }

    /// Total months when the period is a whole number of months (years count as 12).
    pub fn whole_months(self) -> Option<u32> {
        match self.unit {
            PeriodUnit::Months => Some(self.count),
            PeriodUnit::Years => Some(self.count * 12),
            _ => None,
        }
    }

    /// `date` moved forward by this period. Business days skip Saturdays and Sundays.
    pub fn after(self, date: Date) -> Date {
        self.shift(date, 1)
    }

    /// `date` moved back by this period (for "N days before renewal" deadlines).
    pub fn before(self, date: Date) -> Date {
        self.shift(date, -1)
    }

    fn shift(self, date: Date, sign: i64) -> Date {
        let n = i64::from(self.count) * sign;
        let d = date.civil();
        let span = match self.unit {
            PeriodUnit::Days => jiff::Span::new().days(n),
            PeriodUnit::Weeks => jiff::Span::new().weeks(n),
            PeriodUnit::Months => jiff::Span::new().months(n),
            PeriodUnit::Years => jiff::Span::new().years(n),
            PeriodUnit::BusinessDays => {
                let mut cur = d;
                let mut left = self.count;
                while left > 0 {
                    cur = cur.checked_add(jiff::Span::new().days(sign)).unwrap_or(cur);
                    if !matches!(
                        cur.weekday(),
                        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
                    ) {
                        left -= 1;
                    }
                }
                return Date::from_civil(cur);
            }
        };
        // Periods are capped at 1000 years and dates at 1000..9999, so overflow means the
        // result lies outside the supported range; keep the input rather than panic.
        Date::from_civil(d.checked_add(span).unwrap_or(d))
    }

    /// Parses "P90D", "P3M", "P1Y", "P2W", "P10BD" (business days), or plain English
    /// such as "90 days", "10 business days", "3 months", "one year".
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let t = s.trim();
        let bad = || {
            ValidationError::new(
                "",
                format!("{t:?} is not a period (use e.g. P90D, P6M, P1Y, P10BD or \"90 days\")"),
            )
        };
        if let Some(rest) = t.strip_prefix('P').or_else(|| t.strip_prefix('p')) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let unit_s = &rest[digits.len()..];
            let count: u32 = digits.parse().map_err(|_| bad())?;
            let unit = match unit_s.to_ascii_uppercase().as_str() {
                "D" => PeriodUnit::Days,
                "BD" => PeriodUnit::BusinessDays,
                "W" => PeriodUnit::Weeks,
                "M" => PeriodUnit::Months,
                "Y" => PeriodUnit::Years,
                _ => return Err(bad()),
            };
            return Self::new(count, unit)
                .map_err(|e| ValidationError::new("", format!("{t:?}: {}", e.message)));
        }
        let lower = t.to_ascii_lowercase();
        let mut words = lower.split_whitespace();
        let n_word = words.next().ok_or_else(bad)?;
        let count = n_word
            .parse::<u32>()
            .ok()
            .or_else(|| small_number_word(n_word))
            .ok_or_else(bad)?;
        let rest: Vec<&str> = words.collect();
        let unit = match rest.as_slice() {
            [u] if u.starts_with("day") => PeriodUnit::Days,
            ["business" | "working", u] if u.starts_with("day") => PeriodUnit::BusinessDays,
            [u] if u.starts_with("week") => PeriodUnit::Weeks,
            [u] if u.starts_with("month") => PeriodUnit::Months,
            [u] if u.starts_with("year") => PeriodUnit::Years,
            _ => return Err(bad()),
        };
        Self::new(count, unit)
            .map_err(|e| ValidationError::new("", format!("{t:?}: {}", e.message)))
    }

    /// Plain English, e.g. "90 days", "1 year".
    pub fn human(self) -> String {
        let (one, many) = match self.unit {
            PeriodUnit::Days => ("day", "days"),
            PeriodUnit::BusinessDays => ("business day", "business days"),
            PeriodUnit::Weeks => ("week", "weeks"),
            PeriodUnit::Months => ("month", "months"),
            PeriodUnit::Years => ("year", "years"),
        };
        format!(
            "{} {}",
            self.count,
            if self.count == 1 { one } else { many }
        )
    }
}

fn small_number_word(w: &str) -> Option<u32> {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    WORDS.iter().position(|x| *x == w).map(|i| i as u32)
}

impl fmt::Display for Period {
    /// ISO 8601 duration; business days use the non-standard `BD` designator.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = match self.unit {
            PeriodUnit::Days => "D",
            PeriodUnit::BusinessDays => "BD",
            PeriodUnit::Weeks => "W",
            PeriodUnit::Months => "M",
            PeriodUnit::Years => "Y",
        };
        write!(f, "P{}{u}", self.count)
    }
}

impl FromStr for Period {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(|e| serde::de::Error::custom(e.message))
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
    fn a_month_is_a_calendar_month_when_periods_are_compared() {
        let p = |s: &str| Period::parse(s).unwrap();
        assert!(p("60 months").cmp_span(p("5 years")).is_eq());
        assert!(p("12 months").cmp_span(p("1 year")).is_eq());
        assert!(!p("61 months").shorter_than(p("5 years")));
        assert!(p("61 months").longer_than(p("5 years")));
        // Days against months use mean month lengths: 365 days is not longer than 12 months.
        assert!(!p("365 days").longer_than(p("12 months")));
        assert!(p("366 days").longer_than(p("12 months")));
        assert!(p("180 days").shorter_than(p("6 months")));
        assert!(p("10 business days").cmp_span(p("2 weeks")).is_eq());
    }

    #[test]
    fn iso_and_english_forms_parse_to_the_same_period() {
        assert_eq!(
            Period::parse("P90D").unwrap(),
            Period::parse("90 days").unwrap()
        );
        assert_eq!(
            Period::parse("one year").unwrap(),
            Period::years(1).unwrap()
        );
        assert_eq!(
            Period::parse("10 business days").unwrap().to_string(),
            "P10BD"
        );
        assert_eq!(Period::parse("P6M").unwrap().whole_months(), Some(6));
    }

    #[test]
    fn malformed_periods_are_rejected() {
        for bad in [
            "",
            "P",
            "P0D",
            "PXD",
            "90",
            "ninety fortnights",
            "P99999Y",
            "-3 days",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn month_end_clamps_and_leap_years_hold() {
        assert_eq!(
            Period::months(1).unwrap().after(d("2025-01-31")),
            d("2025-02-28")
        );
        assert_eq!(
            Period::months(1).unwrap().after(d("2028-01-31")),
            d("2028-02-29")
        );
        assert_eq!(
            Period::years(1).unwrap().after(d("2028-02-29")),
            d("2029-02-28")
        );
        assert_eq!(
            Period::days(90).unwrap().before(d("2027-06-01")),
            d("2027-03-03")
        );
    }

    #[test]
    fn business_days_skip_weekends() {
        // 2026-11-20 is a Friday.
        let p = Period::new(1, PeriodUnit::BusinessDays).unwrap();
        assert_eq!(p.after(d("2026-11-20")), d("2026-11-23"));
        assert_eq!(p.before(d("2026-11-23")), d("2026-11-20"));
    }

    proptest! {
        #[test]
        fn display_round_trips(count in 1u32..500, unit in 0usize..5) {
            let unit = [PeriodUnit::Days, PeriodUnit::BusinessDays, PeriodUnit::Weeks, PeriodUnit::Months, PeriodUnit::Years][unit];
            let p = Period::new(count, unit).unwrap();
            prop_assert_eq!(Period::parse(&p.to_string()).unwrap(), p);
        }

        #[test]
        fn days_forward_then_back_is_identity(y in 1990i16..2100, m in 1i8..=12, day in 1i8..=28, n in 1u32..3000) {
            let start = Date::from_ymd(y, m, day).unwrap();
            let p = Period::days(n).unwrap();
            prop_assert_eq!(p.before(p.after(start)), start);
        }

        #[test]
        fn adding_months_never_goes_backwards_and_lands_in_the_right_month(y in 1990i16..2100, m in 1i8..=12, day in 1i8..=31, n in 1u32..120) {
            prop_assume!(Date::from_ymd(y, m, day).is_ok());
            let start = Date::from_ymd(y, m, day).unwrap();
            let end = Period::months(n).unwrap().after(start);
            prop_assert!(end > start);
            let total = i32::from(m) - 1 + n as i32;
            prop_assert_eq!(i32::from(end.ymd().1), total % 12 + 1);
            prop_assert!(end.ymd().2 <= day);
        }
    }
}

crate::string_schema!(
    Period,
    "ISO 8601 duration; `BD` counts business days; at most 1000 years. Plain English such as \
     \"90 days\" or \"10 business days\" is accepted too",
    "P90D",
    pattern(Some(
        "^P(([1-9][0-9]{0,4})(D|BD)|([1-9][0-9]{0,3})(W|M)|([1-9][0-9]{0,2})Y)$"
    ))
);
