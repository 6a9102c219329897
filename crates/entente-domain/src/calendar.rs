//! Business-day calendars: which weekdays are the weekend and which dates are public holidays
//! in a jurisdiction (loadable from a small text file), and date arithmetic that respects them.

pub mod choice;
pub mod rules;

use crate::{Date, Period, PeriodUnit, ValidationError};
use rules::{Rule, holidays_of_year, located};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

/// Declares the built-in calendar files, each named by its code (`calendars/CODE.txt`).
macro_rules! builtin_files {
    ($($code:literal),* $(,)?) => {
        &[$(($code, include_str!(concat!("../calendars/", $code, ".txt")))),*]
    };
}

/// Built-in calendars by code (ISO 3166-1 alpha-2, or ISO 3166-2 for a subdivision).
const BUILTIN: &[(&str, &str)] = builtin_files!(
    "at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie", "it", "lv",
    "lt", "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se", "is", "li", "no", "gb-eng",
    "gb-wls", "gb-sct", "gb-nir", "ch", "us", "us-ny", "us-de", "us-ca", "us-tx", "us-il", "us-ma",
    "us-oh", "us-pa", "us-wa", "ca", "au", "jp", "sg", "in", "br",
);

/// Older names kept working: (alias, code).
const ALIASES: &[(&str, &str)] = &[("england-and-wales", "gb-eng"), ("us-federal", "us")];

/// Years whose holidays are computed when a calendar loads; other years are computed when
/// asked for.
const PRECOMPUTED: std::ops::RangeInclusive<i16> = 1950..=2150;

/// Most rules one calendar file may hold; keeps a hostile file from exhausting memory.
const MAX_RULES: usize = 20_000;

/// The reference holiday libraries the calendars are checked against (scripts/holiday-oracle).
pub const REFERENCES: [&str; 2] = ["holidays", "workalendar"];

/// Days on which a reference holiday library used in tests differs from this calendar on
/// purpose, with the legal source that decides it: one date (`except YYYY-MM-DD …`) or every
/// day of one name (`except workalendar "Christmas Eve" from 2001 …; source: …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The library it excuses (one of [`REFERENCES`]); `None` excuses every one.
    pub library: Option<String>,
    /// The one day it covers, or `None` when it covers every day named `name`.
    pub date: Option<Date>,
    /// The holiday name (ours, or the library's when only the library has the day).
    pub name: Option<String>,
    /// Years a named exception covers (inclusive).
    pub from: Option<i16>,
    pub until: Option<i16>,
    pub note: String,
}

#[derive(Debug, PartialEq, Eq)]
struct Inner {
    code: String,
    name: String,
    /// Where the rules come from (`calendars/gb-eng.txt`, or the file a person gave).
    file: String,
    /// `weekend[i]` is true when weekday `i` (Monday = 0) is a day off.
    weekend: [bool; 7],
    rules: Vec<Rule>,
    /// Name of a day that falls between two holidays and so is one too (Japan).
    bridge: Option<String>,
    /// Last year whose holidays are all known, and why later ones are not.
    known_until: Option<(i16, String)>,
    exceptions: Vec<Exception>,
    holidays: BTreeMap<Date, String>,
    /// Declared working days: weekend days that are business days (`workday YYYY-MM-DD …`).
    workdays: BTreeMap<Date, String>,
}

/// A working calendar: a weekend rule plus holiday rules, computed for any year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar(Arc<Inner>);

impl Default for BusinessCalendar {
    fn default() -> Self {
        Self::weekends_only()
    }
}

fn weekday_index(d: Date) -> usize {
    usize::from(rules::weekday(d))
}

use rules::DAY_NAMES;

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

/// Parsed built-in calendars, so each file is read once per process.
static LOADED: LazyLock<Mutex<HashMap<&'static str, BusinessCalendar>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

impl BusinessCalendar {
    /// Saturday and Sunday off, no holidays: what "business days" means when no
    /// jurisdiction calendar is configured.
    pub fn weekends_only() -> Self {
        Self(Arc::new(Inner {
            code: String::new(),
            name: "weekends only".to_owned(),
            file: String::new(),
            weekend: [false, false, false, false, false, true, true],
            rules: Vec::new(),
            bridge: None,
            known_until: None,
            exceptions: Vec::new(),
            holidays: BTreeMap::new(),
            workdays: BTreeMap::new(),
        }))
    }

    /// The code a built-in id or alias stands for (`england-and-wales` → `gb-eng`).
    pub fn builtin_code(id: &str) -> Option<&'static str> {
        let id = id.trim().to_ascii_lowercase();
        let id = ALIASES
            .iter()
            .find(|(a, _)| *a == id)
            .map_or(id.as_str(), |(_, c)| c);
        BUILTIN.iter().find(|(c, _)| *c == id).map(|(c, _)| *c)
    }

    /// A built-in calendar by code (`nl`, `gb-eng`, `us-ny` …) or alias
    /// (`england-and-wales`, `us-federal`).
    pub fn builtin(id: &str) -> Result<Self, ValidationError> {
        let code = Self::builtin_code(id).ok_or_else(|| {
            ValidationError::new(
                "calendar",
                format!(
                    "{id:?} is not a built-in calendar (one of: {}), nor a file",
                    Self::builtin_ids().join(", ")
                ),
            )
        })?;
        // A poisoned lock only means another thread panicked while inserting; the map
        // itself holds complete calendars, so it stays usable.
        let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = loaded.get(code) {
            return Ok(c.clone());
        }
        let text = BUILTIN
            .iter()
            .find(|(c, _)| *c == code)
            .map_or("", |(_, t)| t);
        let cal = Self::parse_file(code, &format!("calendars/{code}.txt"), text)?;
        loaded.insert(code, cal.clone());
        Ok(cal)
    }

    /// Codes of the built-in calendars, then the older aliases.
    pub fn builtin_ids() -> Vec<&'static str> {
        BUILTIN
            .iter()
            .map(|(n, _)| *n)
            .chain(ALIASES.iter().map(|(a, _)| *a))
            .collect()
    }

    /// Parses a calendar given as text; errors name `line N`.
    pub fn parse(default_name: &str, text: &str) -> Result<Self, ValidationError> {
        Self::parse_file(default_name, "", text)
    }

    /// Parses a calendar file (`file` is how errors and notes name it): `# comments`,
    /// settings (`name = …`, `weekend = sat sun`, `bridge = …`, `known until = YEAR reason`),
    /// one holiday rule per line, declared working days (`workday YYYY-MM-DD note`) and the
    /// documented differences from the reference libraries (`except …`; see
    /// `docs/key-dates.md`). Errors name the file and line.
    pub fn parse_file(code: &str, file: &str, text: &str) -> Result<Self, ValidationError> {
        let mut inner = Inner {
            code: code.to_owned(),
            name: code.to_owned(),
            file: file.to_owned(),
            weekend: [false, false, false, false, false, true, true],
            rules: Vec::new(),
            bridge: None,
            known_until: None,
            exceptions: Vec::new(),
            holidays: BTreeMap::new(),
            workdays: BTreeMap::new(),
        };
        let mut default_moves = None;
        // Declared working days with their lines, checked once the weekend and holidays are known.
        let mut workday_lines: Vec<(usize, Date)> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            let at = |msg: String| located(file, i + 1, msg);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if inner.rules.len() + inner.exceptions.len() + inner.workdays.len() >= MAX_RULES {
                return Err(at(format!("a calendar may hold at most {MAX_RULES} lines")));
            }
            if let Some(rest) = line.strip_prefix("except ") {
                inner.exceptions.push(parse_exception(rest).map_err(at)?);
                continue;
            }
            if let Some(rest) = line.strip_prefix("workday ") {
                let (date, note) = parse_workday(rest).map_err(at)?;
                if inner.workdays.insert(date, note).is_some() {
                    return Err(at(format!("{date} is declared a working day twice")));
                }
                workday_lines.push((i + 1, date));
                continue;
            }
            if let Some((key, value)) = line.split_once('=')
                && !key
                    .trim()
                    .contains(|c: char| c.is_ascii_digit() || c == ';')
            {
                let value = value.trim();
                match key.trim() {
                    "name" => {
                        if value.is_empty() || value.chars().count() > 100 {
                            return Err(at("name must be 1 to 100 characters".to_owned()));
                        }
                        value.clone_into(&mut inner.name);
                    }
                    "weekend" => {
                        let mut w = [false; 7];
                        for day in value.split([' ', ',']).filter(|s| !s.is_empty()) {
                            let d = day.trim().to_ascii_lowercase();
                            let idx = DAY_NAMES.iter().position(|n| d.starts_with(n)).ok_or_else(
                                || at(format!("{day:?} is not a weekday (mon … sun)")),
                            )?;
                            w[idx] = true;
                        }
                        if w.iter().all(|x| *x) {
                            return Err(at(
                                "the weekend cannot cover every day of the week".to_owned()
                            ));
                        }
                        inner.weekend = w;
                    }
                    "substitute" | "observed" => {
                        default_moves = Some(rules::parse_moves(key.trim(), value).map_err(at)?);
                    }
                    "bridge" => {
                        if value.is_empty() {
                            return Err(at("bridge needs the name of such a day".to_owned()));
                        }
                        inner.bridge = Some(value.to_owned());
                    }
                    "known until" => {
                        let (y, why) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
                        let y = y
                            .parse::<i16>()
                            .ok()
                            .filter(|y| (1000..=9999).contains(y))
                            .ok_or_else(|| at(format!("{y:?} is not a year")))?;
                        if why.trim().is_empty() {
                            return Err(at("known until needs a reason after the year".to_owned()));
                        }
                        inner.known_until = Some((y, why.trim().to_owned()));
                    }
                    other => {
                        return Err(at(format!(
                            "unknown setting {other:?} (name, weekend, substitute, observed, bridge, known until)"
                        )));
                    }
                }
                continue;
            }
            inner.rules.push(rules::parse_rule(line).map_err(at)?);
        }
        if let Some(m) = default_moves {
            for r in inner.rules.iter_mut().filter(|r| !r.own_moves) {
                r.moved_label = m.label;
                r.saturday = m.saturday;
                r.sunday = m.sunday;
                r.moves_from = m.from;
            }
        }
        for y in PRECOMPUTED {
            inner.holidays.extend(holidays_of_year(
                &inner.rules,
                &inner.weekend,
                inner.bridge.as_deref(),
                y,
            ));
        }
        for (line, d) in workday_lines {
            if !inner.weekend[weekday_index(d)] {
                return Err(located(
                    file,
                    line,
                    format!(
                        "{d} is a {}, not a weekend day: only a weekend day can be declared a working day",
                        weekday_name(d)
                    ),
                ));
            }
            let holiday = if PRECOMPUTED.contains(&d.ymd().0) {
                inner.holidays.get(&d).cloned()
            } else {
                holidays_of_year(
                    &inner.rules,
                    &inner.weekend,
                    inner.bridge.as_deref(),
                    d.ymd().0,
                )
                .remove(&d)
            };
            if let Some(h) = holiday {
                return Err(located(
                    file,
                    line,
                    format!("{d} is a holiday ({h}) and cannot also be a working day"),
                ));
            }
        }
        Ok(Self(Arc::new(inner)))
    }

    /// The calendar's name, e.g. "England".
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The calendar's code (`gb-eng`), or the name a file was loaded under.
    pub fn code(&self) -> &str {
        &self.0.code
    }

    /// Which weekdays are off, Monday first.
    pub fn weekend(&self) -> [bool; 7] {
        self.0.weekend
    }

    /// Where its rules come from (`calendars/gb-eng.txt`).
    pub fn file(&self) -> &str {
        &self.0.file
    }

    /// Number of holiday rules (fixed, movable and one-off lines).
    pub fn rule_count(&self) -> usize {
        self.0.rules.len()
    }

    /// Number of holidays in the years computed in advance (1950–2150).
    pub fn holiday_count(&self) -> usize {
        self.0.holidays.len()
    }

    /// Days on which the reference list used in tests differs on purpose, with their source.
    pub fn exceptions(&self) -> &[Exception] {
        &self.0.exceptions
    }

    /// The declared working day on `d` (a weekend day that is a business day), with its note.
    pub fn workday(&self, d: Date) -> Option<&str> {
        self.0.workdays.get(&d).map(String::as_str)
    }

    /// Every declared working day from `from` to `until` inclusive, with its note.
    pub fn workdays_between(&self, from: Date, until: Date) -> Vec<(Date, String)> {
        if from > until {
            return Vec::new();
        }
        self.0
            .workdays
            .range(from..=until)
            .map(|(d, n)| (*d, n.clone()))
            .collect()
    }

    /// The last year whose holidays are all known, if the calendar states one.
    pub fn known_until(&self) -> Option<i16> {
        self.0.known_until.as_ref().map(|(y, _)| *y)
    }

    /// Said of a date this calendar cannot vouch for: a year after the last one whose
    /// holidays are announced ("dates after 2026 are not known to calendar Singapore: …").
    pub fn beyond(&self, d: Date) -> Option<String> {
        let (y, why) = self.0.known_until.as_ref()?;
        (d.ymd().0 > *y).then(|| {
            format!(
                "holidays after {y} are not known to the {} calendar ({why})",
                self.0.name
            )
        })
    }

    /// Every holiday from `from` to `until` inclusive (substitute days included).
    pub fn holidays_between(&self, from: Date, until: Date) -> Vec<(Date, String)> {
        let mut out = Vec::new();
        if from > until {
            return out;
        }
        for y in from.ymd().0..=until.ymd().0 {
            if PRECOMPUTED.contains(&y) {
                out.extend(
                    self.0
                        .holidays
                        .range(from.max(first_of(y))..=until)
                        .take_while(|(d, _)| d.ymd().0 == y)
                        .map(|(d, n)| (*d, n.clone())),
                );
            } else {
                out.extend(
                    self.year(y)
                        .into_iter()
                        .filter(|(d, _)| (from..=until).contains(d)),
                );
            }
        }
        out
    }

    fn year(&self, y: i16) -> BTreeMap<Date, String> {
        holidays_of_year(&self.0.rules, &self.0.weekend, self.0.bridge.as_deref(), y)
    }

    /// The holiday on `d`, if any.
    pub fn holiday(&self, d: Date) -> Option<String> {
        if PRECOMPUTED.contains(&d.ymd().0) {
            self.0.holidays.get(&d).cloned()
        } else {
            self.year(d.ymd().0).remove(&d)
        }
    }

    /// Whether `d` is a working day.
    pub fn is_business_day(&self, d: Date) -> bool {
        if self.0.weekend[weekday_index(d)] {
            // A declared working day is never a holiday: parsing refuses that.
            return self.0.workdays.contains_key(&d);
        }
        if PRECOMPUTED.contains(&d.ymd().0) {
            !self.0.holidays.contains_key(&d)
        } else {
            self.0.rules.is_empty() || !self.year(d.ymd().0).contains_key(&d)
        }
    }

    /// Why `d` is not a working day ("a Saturday", "Christmas Day (England)"), or `None` if
    /// it is one.
    pub fn why_closed(&self, d: Date) -> Option<String> {
        if let Some(h) = self.holiday(d) {
            return Some(format!("{h} ({})", self.0.name));
        }
        if self.0.weekend[weekday_index(d)] && !self.0.workdays.contains_key(&d) {
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

/// Parses what follows `except`: `[LIBRARY] (YYYY-MM-DD | "NAME" [from YYYY] [until YYYY])
/// reason; source: …`.
fn parse_exception(rest: &str) -> Result<Exception, String> {
    let mut rest = rest.trim();
    let mut library = None;
    if let Some((word, tail)) = rest.split_once(char::is_whitespace)
        && let Some(lib) = REFERENCES.iter().find(|l| **l == word)
    {
        library = Some((*lib).to_owned());
        rest = tail.trim_start();
    }
    let mut exception = Exception {
        library,
        date: None,
        name: None,
        from: None,
        until: None,
        note: String::new(),
    };
    if let Some(quoted) = rest.strip_prefix('"') {
        let (name, tail) = quoted
            .split_once('"')
            .ok_or_else(|| "the holiday name after except needs a closing quote".to_owned())?;
        if name.trim().is_empty() {
            return Err("the holiday name after except is empty".to_owned());
        }
        exception.name = Some(name.to_owned());
        rest = tail.trim_start();
        while let Some((word, tail)) = rest.split_once(char::is_whitespace) {
            let slot = match word {
                "from" => &mut exception.from,
                "until" => &mut exception.until,
                _ => break,
            };
            let (y, tail) = tail
                .trim_start()
                .split_once(char::is_whitespace)
                .unwrap_or((tail, ""));
            *slot = Some(
                y.parse::<i16>()
                    .ok()
                    .filter(|y| (1000..=9999).contains(y))
                    .ok_or_else(|| format!("{y:?} is not a year (1000 to 9999)"))?,
            );
            rest = tail.trim_start();
        }
        if let (Some(f), Some(u)) = (exception.from, exception.until)
            && f > u
        {
            return Err(format!("\"from {f}\" is after \"until {u}\""));
        }
    } else {
        let (date, tail) = rest.split_at(rest.len().min(10));
        exception.date = Some(Date::parse(date).map_err(|e| {
            format!(
                "{}; an exception names a date (YYYY-MM-DD) or a holiday in quotes, \
                 optionally after the library ({})",
                e.message,
                REFERENCES.join(" or ")
            )
        })?);
        rest = tail;
    }
    let note = rest.trim();
    if !note.contains("source:") {
        return Err(
            "an exception must say why and name its legal source (\"source: …\")".to_owned(),
        );
    }
    note.clone_into(&mut exception.note);
    Ok(exception)
}

/// Parses what follows `workday`: `YYYY-MM-DD [note]`; the note defaults to "working day".
fn parse_workday(rest: &str) -> Result<(Date, String), String> {
    let rest = rest.trim();
    let (date, note) = rest.split_at(rest.len().min(10));
    let date = Date::parse(date).map_err(|e| e.message)?;
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err("a working day's note may have at most 200 characters".to_owned());
    }
    let note = if note.is_empty() { "working day" } else { note };
    Ok((date, note.to_owned()))
}

fn first_of(y: i16) -> Date {
    // 1 January exists in every year `Date` supports; fall back to the epoch-free minimum.
    Date::from_ymd(y, 1, 1).unwrap_or_else(|_| Date::from_civil(jiff::civil::Date::MIN))
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
        assert_eq!(uk.name(), "England");
        assert_eq!(
            uk.holiday(d("2026-12-28")).as_deref(),
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
            "Christmas Day (England)"
        );
        assert_eq!(plain.why_closed(d("2026-12-26")).unwrap(), "a Saturday");
    }

    #[test]
    fn a_bad_calendar_file_names_the_file_and_the_line() {
        let text = "name = X\n\nfirst mon of smarch Day\n";
        let e = BusinessCalendar::parse_file("x", "calendars/x.txt", text).unwrap_err();
        assert_eq!(e.field, "calendars/x.txt, line 3");
        assert!(e.message.contains("smarch"), "{}", e.message);
        let e =
            BusinessCalendar::parse_file("x", "x.txt", "except 2026-01-01 no reason").unwrap_err();
        assert_eq!(e.field, "x.txt, line 1");
        assert!(e.message.contains("source"), "{}", e.message);
    }

    #[test]
    fn every_built_in_calendar_loads_and_computes_any_year() {
        for id in BusinessCalendar::builtin_ids() {
            let cal = BusinessCalendar::builtin(id).unwrap();
            assert!(cal.rule_count() > 0, "{id}");
        }
        let gb = BusinessCalendar::builtin("gb-eng").unwrap();
        assert_eq!(gb, BusinessCalendar::builtin("england-and-wales").unwrap());
        // Years beyond the old hand-written lists, and beyond the precomputed span.
        assert_eq!(gb.holiday(d("2029-12-26")).as_deref(), Some("Boxing Day"));
        assert_eq!(
            gb.holiday(d("2300-12-25")).as_deref(),
            Some("Christmas Day")
        );
        let us = BusinessCalendar::builtin("us-federal").unwrap();
        assert_eq!(
            us.holiday(d("2027-12-31")).as_deref(),
            Some("New Year's Day (observed)")
        );
        assert!(
            us.holiday(d("2020-06-19")).is_none(),
            "Juneteenth from 2021"
        );
        assert!(us.holiday(d("2021-06-18")).is_some());
    }

    #[test]
    fn dates_past_a_calendars_announced_days_are_flagged() {
        let sg = BusinessCalendar::builtin("sg").unwrap();
        assert_eq!(sg.known_until(), Some(2027));
        assert!(sg.beyond(d("2027-12-31")).is_none());
        let note = sg.beyond(d("2028-01-03")).unwrap();
        assert!(
            note.contains("after 2027") && note.contains("Singapore"),
            "{note}"
        );
        let gb = BusinessCalendar::builtin("gb-eng").unwrap();
        assert!(gb.beyond(d("2090-01-02")).is_none());
    }

    #[test]
    fn a_declared_working_saturday_is_a_business_day() {
        let text = "weekend = sat sun\n12-24 Day off\n\
                    workday 2024-12-07 Working Saturday (for 2024-12-24); source: decree\n";
        let cal = BusinessCalendar::parse("x", text).unwrap();
        let sat = d("2024-12-07");
        assert!(cal.is_business_day(sat));
        assert_eq!(cal.why_closed(sat), None);
        assert_eq!(
            cal.workday(sat),
            Some("Working Saturday (for 2024-12-24); source: decree")
        );
        assert!(
            !cal.is_business_day(d("2024-12-14")),
            "other Saturdays stay off"
        );
        // Friday 6 December + 1 business day is the working Saturday, not Monday the 9th.
        assert_eq!(cal.add_business_days(d("2024-12-06"), 1), sat);
        assert_eq!(cal.add_business_days(d("2024-12-09"), -1), sat);
        // A deadline on Sunday the 8th rolls back to the working Saturday.
        assert_eq!(cal.preceding_business_day(d("2024-12-08")), sat);
        assert_eq!(
            cal.workdays_between(d("2024-01-01"), d("2024-12-31")),
            vec![(
                sat,
                "Working Saturday (for 2024-12-24); source: decree".to_owned()
            )]
        );
        // Hungary's built-in calendar declares the Saturday worked for Christmas Eve 2024.
        let hu = BusinessCalendar::builtin("hu").unwrap();
        assert!(hu.is_business_day(sat));
        assert!(!hu.is_business_day(d("2024-12-24")));
        assert_eq!(hu.add_business_days(d("2024-12-06"), 1), sat);
    }

    #[test]
    fn a_working_day_must_be_a_weekend_day_that_is_no_holiday() {
        let cases = [
            (
                "workday 2024-12-09",
                "line 1",
                "a Monday, not a weekend day",
            ),
            (
                "12-07 Feast\n\nworkday 2024-12-07",
                "line 3",
                "is a holiday (Feast)",
            ),
            (
                "workday 2024-12-07\nworkday 2024-12-07 again",
                "line 2",
                "twice",
            ),
            ("workday 2024-13-07", "line 1", "2024-13-07"),
        ];
        for (text, field, msg) in cases {
            let e = BusinessCalendar::parse("t", text).unwrap_err();
            assert_eq!(e.field, field, "{text}");
            assert!(e.message.contains(msg), "{text}: {}", e.message);
        }
        // The weekend setting decides, wherever it stands in the file.
        let fri = BusinessCalendar::parse("t", "workday 2024-12-06\nweekend = fri sat").unwrap();
        assert!(fri.is_business_day(d("2024-12-06")));
    }

    #[test]
    fn exceptions_name_a_library_and_a_date_or_a_holiday() {
        let text = "except 2039-12-26 estimated; source: Holidays Act\n\
                    except workalendar \"Christmas Eve\" from 2001 until 2004 not a holiday; source: Act\n\
                    except holidays 2025-05-05 every year; source: Atw art. 3\n";
        let cal = BusinessCalendar::parse("x", text).unwrap();
        let ex = cal.exceptions();
        assert_eq!(ex.len(), 3);
        assert_eq!(
            (ex[0].library.as_deref(), ex[0].date),
            (None, Some(d("2039-12-26")))
        );
        assert_eq!(ex[1].library.as_deref(), Some("workalendar"));
        assert_eq!(ex[1].name.as_deref(), Some("Christmas Eve"));
        assert_eq!(
            (ex[1].from, ex[1].until, ex[1].date),
            (Some(2001), Some(2004), None)
        );
        assert_eq!(ex[1].note, "not a holiday; source: Act");
        assert_eq!(ex[2].library.as_deref(), Some("holidays"));
        for (line, msg) in [
            (
                "except workalendar \"Eve from 2001 x; source: y",
                "closing quote",
            ),
            ("except \"X\" from 20x1 x; source: y", "not a year"),
            ("except \"X\" from 2005 until 2001 x; source: y", "after"),
            ("except \"X\" no source", "source"),
            ("except tomorrow x; source: y", "holiday in quotes"),
        ] {
            let e = BusinessCalendar::parse("t", line).unwrap_err();
            assert!(e.message.contains(msg), "{line}: {}", e.message);
        }
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
