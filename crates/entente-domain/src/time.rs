//! Calendar dates and instants. Agreements speak in calendar dates (no time zone), audit
//! events in instants; both serialise as ISO 8601 text.

use crate::ValidationError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar date such as an effective date or a notice deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(jiff::civil::Date);

/// The longest day window a query may ask for ("due within N days"): 36,600 days, about 100
/// years. Longer windows mean nothing for agreements and would only make the date arithmetic
/// leave the supported range.
pub const MAX_WINDOW_DAYS: u32 = 36_600;

/// Checks a day window against `0..=MAX_WINDOW_DAYS`; the error names `field`.
pub fn check_window_days(field: &str, n: u32) -> Result<u32, ValidationError> {
    if n > MAX_WINDOW_DAYS {
        return Err(ValidationError::new(
            field,
            format!("must be between 0 and {MAX_WINDOW_DAYS} days (about 100 years), got {n}"),
        ));
    }
    Ok(n)
}

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting impossible dates such as 2026-02-31.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let t = s.trim();
        let b = t.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(ValidationError::new(
                "",
                format!("{t:?} is not a date in the form YYYY-MM-DD"),
            ));
        }
        // The shape check above guarantees these slices are ASCII digits.
        let y: i16 = t[0..4]
            .parse()
            .map_err(|_| ValidationError::new("", "invalid year"))?;
        let m: i8 = t[5..7]
            .parse()
            .map_err(|_| ValidationError::new("", "invalid month"))?;
        let d: i8 = t[8..10]
            .parse()
            .map_err(|_| ValidationError::new("", "invalid day"))?;
        Self::from_ymd(y, m, d).map_err(|e| {
            ValidationError::new("", format!("{t:?} is not a calendar date: {}", e.message))
        })
    }

    /// Builds a date from its parts; the error says which part is out of range.
    pub fn from_ymd(y: i16, m: i8, d: i8) -> Result<Self, ValidationError> {
        if !(1..=12).contains(&m) {
            return Err(ValidationError::new(
                "",
                format!("month {m} is out of range 1..12"),
            ));
        }
        if !(1000..=9999).contains(&y) {
            return Err(ValidationError::new(
                "",
                format!("year {y} is out of range 1000..9999"),
            ));
        }
        let max = jiff::civil::date(y, m, 1).days_in_month();
        if d < 1 || d > max {
            let month = MONTHS[(m - 1) as usize];
            return Err(ValidationError::new(
                "",
                format!("day {d} does not exist in {month} {y} (it has {max} days)"),
            ));
        }
        Ok(Self(jiff::civil::date(y, m, d)))
    }

    /// The wrapped jiff date, for calendar arithmetic.
    pub fn civil(self) -> jiff::civil::Date {
        self.0
    }

    /// Wraps a jiff date.
    pub fn from_civil(d: jiff::civil::Date) -> Self {
        Self(d)
    }

    /// Year, month, day.
    pub fn ymd(self) -> (i16, i8, i8) {
        (self.0.year(), self.0.month(), self.0.day())
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Date) -> i32 {
        // Civil dates within 1000..9999 never overflow a day span.
        other.0.since(self.0).map(|s| s.get_days()).unwrap_or(0)
    }

    /// `self` plus `n` days, saturating at the supported range (years 1000 to 9999). Never
    /// panics: jiff's span constructor panics on day counts above 7,304,484, so the count is
    /// checked first.
    #[must_use]
    pub fn plus_days(self, n: i64) -> Self {
        let bound = if n < 0 { Self::MIN } else { Self::MAX };
        jiff::Span::new()
            .try_days(n)
            .ok()
            .and_then(|span| self.0.checked_add(span).ok())
            .map(Self)
            .map_or(bound, |d| d.clamp(Self::MIN, Self::MAX))
    }

    /// The earliest date Entente accepts (years below 1000 are refused by `parse`).
    pub const MIN: Self = Self(jiff::civil::date(1000, 1, 1));

    /// The latest date Entente accepts.
    pub const MAX: Self = Self(jiff::civil::date(9999, 12, 31));

    /// Long English form, e.g. "March 3, 2025".
    pub fn long_us(self) -> String {
        format!(
            "{} {}, {}",
            MONTHS[(self.0.month() - 1) as usize],
            self.0.day(),
            self.0.year()
        )
    }
}

/// English month names, index 0 = January.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Date {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// An instant in UTC, e.g. when an audit event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(jiff::Timestamp);

impl Timestamp {
    /// Wraps a jiff timestamp.
    pub fn from_jiff(t: jiff::Timestamp) -> Self {
        Self(t)
    }
    /// The wrapped jiff timestamp.
    pub fn jiff(self) -> jiff::Timestamp {
        self.0
    }
    /// The UTC calendar date of this instant. Not a tenant's "today", which is the date in its
    /// time zone (`Store::today`, `Clock::today_in`).
    pub fn date_utc(self) -> Date {
        Date(self.0.to_zoned(jiff::tz::TimeZone::UTC).date())
    }
    /// Parses RFC 3339.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        s.parse::<jiff::Timestamp>().map(Self).map_err(|e| {
            ValidationError::new("", format!("{s:?} is not an RFC 3339 timestamp: {e}"))
        })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Fixed precision keeps stored text sortable and hashes stable.
        write!(f, "{:.6}", self.0)
    }
}

/// What [`Date::parse`] accepts, as a pattern: `YYYY-MM-DD` with a year from 1000 to 9999 and a
/// day that exists in its month (29 February in leap years only). `format: date` stands beside
/// it for generated clients; the pattern narrows it (that format alone admits years below
/// 1000, which the parser refuses).
pub const DATE_PATTERN: &str = concat!(
    "^(?:[1-9][0-9]{3}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])",
    "|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)",
    "|(?:[1-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:1[26]|[2468][048]|[3579][26])00)-02-29)$"
);

crate::string_schema!(
    Date,
    "calendar date, YYYY-MM-DD (years 1000 to 9999)",
    "2026-03-31",
    format(crate::known_format(
        utoipa::openapi::schema::KnownFormat::Date
    )),
    pattern(Some(DATE_PATTERN))
);
crate::string_schema!(
    Timestamp,
    "RFC 3339 instant in UTC",
    "2026-03-31T09:30:00.000000Z",
    format(crate::known_format(
        utoipa::openapi::schema::KnownFormat::DateTime
    ))
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_days_never_panics_and_saturates_at_the_supported_range() {
        let d = Date::parse("2026-01-01").unwrap();
        assert_eq!(d.plus_days(7_304_485), Date::MAX);
        assert_eq!(d.plus_days(i64::MAX), Date::MAX);
        assert_eq!(d.plus_days(i64::MIN), Date::MIN);
        assert_eq!(Date::MAX.plus_days(1), Date::MAX);
        assert_eq!(d.plus_days(31), Date::parse("2026-02-01").unwrap());
        assert_eq!(check_window_days("within_days", 36_600), Ok(36_600));
        let e = check_window_days("within_days", 36_601).unwrap_err();
        assert_eq!(e.field, "within_days");
        assert!(e.message.contains("between 0 and 36600"), "{}", e.message);
    }

    #[test]
    fn impossible_dates_are_rejected_with_a_reason() {
        let cases = [
            ("2026-02-31", "does not exist in February 2026"),
            ("2025-02-29", "does not exist in February 2025"),
            ("2026-13-01", "month 13"),
            ("31/02/2026", "YYYY-MM-DD"),
            ("", "YYYY-MM-DD"),
            ("2026-1-01", "YYYY-MM-DD"),
        ];
        for (input, expected) in cases {
            let err = Date::parse(input).unwrap_err();
            assert!(err.message.contains(expected), "{input}: {}", err.message);
        }
    }

    #[test]
    fn leap_day_is_accepted_in_leap_years() {
        assert_eq!(Date::parse("2028-02-29").unwrap().ymd(), (2028, 2, 29));
    }

    #[test]
    fn long_form_is_us_style() {
        assert_eq!(
            Date::parse("2025-03-03").unwrap().long_us(),
            "March 3, 2025"
        );
    }

    #[test]
    fn timestamps_display_with_fixed_precision() {
        let t = Timestamp::parse("2026-01-02T03:04:05Z").unwrap();
        assert_eq!(t.to_string(), "2026-01-02T03:04:05.000000Z");
        assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
    }
}
