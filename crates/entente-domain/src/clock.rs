//! The one clock. Every "now" and every "today" in Entente comes from a [`Clock`] handed
//! down from where the process starts (the store holds it; the server and the CLI take it
//! from there), so a test or a `--today` option can fix time for everything at once.
//!
//! [`Clock::system`] is the only code in the workspace that reads the system time; clippy's
//! `disallowed-methods` (workspace `clippy.toml`) refuses any other call.

use crate::{Date, Timestamp};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// Where "now" comes from: the system clock (possibly shifted) or a fixed instant. Cloning is
/// cheap and clones share one setting: moving a clock moves every copy of it.
#[derive(Clone)]
pub struct Clock(Arc<Mutex<Source>>);

#[derive(Debug, Clone, Copy)]
enum Source {
    /// The system time plus an offset (zero unless the clock was set or advanced).
    System(jiff::SignedDuration),
    /// Always this instant, until set or advanced.
    Fixed(jiff::Timestamp),
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::from_source(Source::System(jiff::SignedDuration::ZERO))
    }

    /// A clock that stands still at `at` (tests, reproducible runs).
    pub fn fixed(at: Timestamp) -> Self {
        Self::from_source(Source::Fixed(at.jiff()))
    }

    fn from_source(s: Source) -> Self {
        Self(Arc::new(Mutex::new(s)))
    }

    fn source(&self) -> Source {
        // A poisoned lock only means a panic elsewhere while holding it; the value is a plain
        // copy and still valid.
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn replace(&self, s: Source) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = s;
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        match self.source() {
            Source::System(offset) => Timestamp::from_jiff(shift(system_now(), offset)),
            Source::Fixed(t) => Timestamp::from_jiff(t),
        }
    }

    /// The calendar date now in the IANA time zone `tz` (UTC if the name is unknown). Callers
    /// that act for a tenant take its zone from its settings (`Store::today`).
    pub fn today_in(&self, tz: &str) -> Date {
        crate::alerting::today_in(tz, self.now())
    }

    /// Whether this clock stands still.
    pub fn is_fixed(&self) -> bool {
        matches!(self.source(), Source::Fixed(_))
    }

    /// Makes the clock read `at` now: a fixed clock stands at `at`, a system clock runs on
    /// from `at`.
    pub fn set(&self, at: Timestamp) {
        let next = match self.source() {
            Source::System(_) => Source::System(at.jiff().duration_since(system_now())),
            Source::Fixed(_) => Source::Fixed(at.jiff()),
        };
        self.replace(next);
    }

    /// Moves the clock by `by` (negative: back).
    pub fn advance(&self, by: jiff::SignedDuration) {
        let next = match self.source() {
            Source::System(offset) => Source::System(offset.saturating_add(by)),
            Source::Fixed(t) => Source::Fixed(shift(t, by)),
        };
        self.replace(next);
    }

    /// Makes `date` today in time zone `tz`, keeping the time of day: what `--today` means.
    /// A time of day that does not exist on `date` (a daylight-saving gap) moves forward.
    pub fn set_date(&self, date: Date, tz: &str) {
        let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
        let time = self.now().jiff().to_zoned(zone.clone()).time();
        if let Ok(z) = date.civil().to_datetime(time).to_zoned(zone) {
            self.set(Timestamp::from_jiff(z.timestamp()));
        }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.source() {
            Source::System(o) if o.is_zero() => write!(f, "Clock::system"),
            Source::System(o) => write!(f, "Clock::system({o:+})"),
            Source::Fixed(t) => write!(f, "Clock::fixed({t})"),
        }
    }
}

/// `t` moved by `d`, saturating at the supported range.
fn shift(t: jiff::Timestamp, d: jiff::SignedDuration) -> jiff::Timestamp {
    let bound = if d.is_negative() {
        jiff::Timestamp::MIN
    } else {
        jiff::Timestamp::MAX
    };
    t.checked_add(d).unwrap_or(bound)
}

/// The system time. The only read of it in the workspace: everything else asks a [`Clock`],
/// so tests and `--today` can fix time everywhere at once.
#[allow(clippy::disallowed_methods)]
fn system_now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn a_fixed_clock_stands_still_and_moves_only_when_told() {
        let c = Clock::fixed(at("2028-02-28T23:30:00Z"));
        let copy = c.clone();
        assert_eq!(c.now(), at("2028-02-28T23:30:00Z"));
        assert!(c.is_fixed());
        copy.advance(jiff::SignedDuration::from_hours(1));
        assert_eq!(c.now(), at("2028-02-29T00:30:00Z"));
        c.set(at("2030-12-31T12:00:00Z"));
        assert_eq!(copy.now(), at("2030-12-31T12:00:00Z"));
    }

    #[test]
    fn today_is_the_date_in_the_zone_asked_for() {
        let c = Clock::fixed(at("2026-12-31T20:00:00Z"));
        assert_eq!(c.today_in("UTC").to_string(), "2026-12-31");
        assert_eq!(c.today_in("Pacific/Auckland").to_string(), "2027-01-01");
        assert_eq!(c.today_in("America/Los_Angeles").to_string(), "2026-12-31");
        assert_eq!(c.today_in("Not/AZone").to_string(), "2026-12-31");
    }

    #[test]
    fn set_date_keeps_the_time_of_day_in_the_zone() {
        let c = Clock::fixed(at("2026-03-10T09:15:00Z"));
        let d = Date::parse("2028-02-29").unwrap();
        c.set_date(d, "Pacific/Auckland");
        assert_eq!(c.today_in("Pacific/Auckland"), d);
        // 22:15 in Auckland (UTC+13 in summer) on the new date.
        assert_eq!(c.now(), at("2028-02-29T09:15:00Z"));
    }

    #[test]
    fn a_set_system_clock_runs_on_from_the_instant_set() {
        let c = Clock::system();
        assert!(!c.is_fixed());
        c.set(at("2030-06-15T12:00:00Z"));
        let d = c
            .now()
            .jiff()
            .duration_since(at("2030-06-15T12:00:00Z").jiff());
        assert!(d >= jiff::SignedDuration::ZERO && d < jiff::SignedDuration::from_secs(60));
        c.set_date(Date::parse("2027-01-02").unwrap(), "UTC");
        assert_eq!(c.today_in("UTC").to_string(), "2027-01-02");
    }
}
