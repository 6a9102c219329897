//! Holiday rules as calendar files state them (fixed dates, Easter offsets, nth weekdays,
//! weekend substitutes, one-off days) and the computation of one year's holidays from them.

use crate::{Date, ValidationError};
use std::collections::BTreeMap;

/// Which Easter a rule counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Church {
    /// Gregorian computus (Western churches).
    Western,
    /// Julian computus, given as a Gregorian date (Orthodox churches).
    Orthodox,
}

/// Where a holiday falls in a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// The same month and day every year (`12-25`).
    Fixed { month: i8, day: i8 },
    /// One dated day (`2022-09-19`).
    Once(Date),
    /// Days after (or before) Easter Sunday (`easter+1`, `orthodox-2`).
    Easter { church: Church, offset: i16 },
    /// The nth (1..=5) or last (-1) weekday of a month (`first mon of may`, `last mon of may`).
    Nth { n: i8, weekday: u8, month: i8 },
    /// A weekday on or after / on or before a day (`sat on or after 06-20`).
    Near {
        weekday: u8,
        after: bool,
        month: i8,
        day: i8,
    },
    /// The day of the March or September equinox in Japan (the astronomical forecast).
    Equinox { march: bool },
}

/// What happens when a holiday falls on a weekend day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shift {
    /// Nothing: the day off is lost.
    #[default]
    Stay,
    /// The next weekday that is not already a holiday.
    Next,
    /// The previous weekday that is not already a holiday.
    Prev,
    /// The Friday before, even if that is already a holiday (no further day is added).
    Friday,
    /// The Monday after, even if that is already a holiday (no further day is added).
    Monday,
}

/// One line of a calendar file that names a holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub when: When,
    pub name: String,
    /// First and last year the rule applies (inclusive).
    pub from: Option<i16>,
    pub until: Option<i16>,
    /// Years in which the rule does not apply (a holiday moved that year by proclamation).
    pub skip: Vec<i16>,
    /// Weekdays (Monday = 0) on which the rule applies; empty: every day.
    pub only_on: Vec<u8>,
    /// Shifts for a Saturday and a Sunday holiday.
    pub saturday: Shift,
    pub sunday: Shift,
    /// Wording added to a moved day's name: "substitute day" or "observed".
    pub moved_label: &'static str,
    /// First year in which a weekend day moves (the substitute rule's own start).
    pub moves_from: Option<i16>,
    /// Whether the line states its own moves (else the calendar's default applies).
    pub own_moves: bool,
}

pub(crate) const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const ORDINALS: [(&str, i8); 6] = [
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("last", -1),
];

fn weekday_of(word: &str) -> Option<u8> {
    let w = word.to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    DAY_NAMES
        .iter()
        .position(|n| w.starts_with(n))
        .and_then(|i| u8::try_from(i).ok())
}

fn month_of(word: &str) -> Option<i8> {
    let w = word.to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|n| w.starts_with(n))
        .and_then(|i| i8::try_from(i + 1).ok())
}

/// `MM-DD`, checked against a leap year so `02-29` is accepted.
fn month_day(s: &str) -> Result<(i8, i8), String> {
    let bad = || format!("{s:?} is not a month and day in the form MM-DD");
    let (m, d) = s.split_once('-').ok_or_else(bad)?;
    if m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let m: i8 = m.parse().map_err(|_| bad())?;
    let d: i8 = d.parse().map_err(|_| bad())?;
    Date::from_ymd(2000, m, d).map_err(|e| format!("{s:?}: {}", e.message))?;
    Ok((m, d))
}

fn year(s: &str) -> Result<i16, String> {
    s.trim()
        .parse::<i16>()
        .ok()
        .filter(|y| (1000..=9999).contains(y))
        .ok_or_else(|| format!("{s:?} is not a year (1000 to 9999)"))
}

/// Parses the date part of a holiday line and returns it with the rest of the line.
fn parse_when(line: &str) -> Result<(When, &str), String> {
    let mut words = line.splitn(2, char::is_whitespace);
    let first = words.next().unwrap_or_default();
    let rest = words.next().unwrap_or_default().trim_start();
    let lower = first.to_ascii_lowercase();
    if first.len() == 10 && first.as_bytes().get(4) == Some(&b'-') {
        let d = Date::parse(first).map_err(|e| e.message)?;
        return Ok((When::Once(d), rest));
    }
    if first.len() == 5 && first.as_bytes().get(2) == Some(&b'-') {
        let (month, day) = month_day(first)?;
        return Ok((When::Fixed { month, day }, rest));
    }
    for (word, church) in [("easter", Church::Western), ("orthodox", Church::Orthodox)] {
        if let Some(off) = lower.strip_prefix(word) {
            let offset = if off.is_empty() {
                0
            } else {
                off.parse::<i16>()
                    .ok()
                    .filter(|o| o.abs() <= 200)
                    .ok_or_else(|| {
                        format!("{first:?}: the offset must be like +1 or -2 (at most 200 days)")
                    })?
            };
            return Ok((When::Easter { church, offset }, rest));
        }
    }
    if lower == "equinox" {
        let mut w = rest.splitn(2, char::is_whitespace);
        let m = w.next().unwrap_or_default();
        let march = match month_of(m) {
            Some(3) => true,
            Some(9) => false,
            _ => return Err(format!("equinox must be followed by mar or sep, not {m:?}")),
        };
        return Ok((
            When::Equinox { march },
            w.next().unwrap_or_default().trim_start(),
        ));
    }
    if let Some((_, n)) = ORDINALS.iter().find(|(w, _)| *w == lower) {
        // first mon of may …
        let parts: Vec<&str> = rest.splitn(4, char::is_whitespace).collect();
        let (Some(wd), Some(of), Some(mon)) = (parts.first(), parts.get(1), parts.get(2)) else {
            return Err(format!(
                "{first:?} must be followed by a weekday, \"of\" and a month"
            ));
        };
        let weekday = weekday_of(wd).ok_or_else(|| format!("{wd:?} is not a weekday"))?;
        if !of.eq_ignore_ascii_case("of") {
            return Err(format!("expected \"of\" after {wd:?}, found {of:?}"));
        }
        let month = month_of(mon).ok_or_else(|| format!("{mon:?} is not a month"))?;
        return Ok((
            When::Nth {
                n: *n,
                weekday,
                month,
            },
            parts.get(3).copied().unwrap_or_default().trim_start(),
        ));
    }
    if let Some(weekday) = weekday_of(first) {
        // mon on or before 05-24 …
        let parts: Vec<&str> = rest.splitn(5, char::is_whitespace).collect();
        let words: Vec<String> = parts
            .iter()
            .take(3)
            .map(|s| s.to_ascii_lowercase())
            .collect();
        let after = match words
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["on", "or", "after"] => true,
            ["on", "or", "before"] => false,
            _ => {
                return Err(format!(
                    "expected \"on or after\" or \"on or before\" after {first:?}"
                ));
            }
        };
        let md = parts.get(3).copied().unwrap_or_default();
        let (month, day) = month_day(md)?;
        return Ok((
            When::Near {
                weekday,
                after,
                month,
                day,
            },
            parts.get(4).copied().unwrap_or_default().trim_start(),
        ));
    }
    Err(format!(
        "{first:?} is not a date rule (YYYY-MM-DD, MM-DD, easter+N, orthodox+N, \
         first|second|third|fourth|fifth|last WEEKDAY of MONTH, WEEKDAY on or after|before MM-DD, \
         equinox mar|sep)"
    ))
}

fn shift_of(word: &str) -> Result<Shift, String> {
    match word {
        "next" => Ok(Shift::Next),
        "prev" | "previous" => Ok(Shift::Prev),
        "none" => Ok(Shift::Stay),
        "fri" => Ok(Shift::Friday),
        "mon" => Ok(Shift::Monday),
        other => Err(format!(
            "{other:?} is not a move (next, prev, fri, mon, none)"
        )),
    }
}

/// Parses one holiday line: `WHEN NAME [; option]…`. Options: `from YYYY`, `until YYYY`,
/// `not YYYY YYYY …`, `only WEEKDAY …`, `substitute sat:next sun:next` or
/// `observed sat:prev sun:next`.
pub(crate) fn parse_rule(line: &str) -> Result<Rule, String> {
    let mut parts = line.split(';');
    let head = parts.next().unwrap_or_default().trim();
    let (when, name) = parse_when(head)?;
    let name = name.trim();
    if name.is_empty() {
        return Err("the holiday needs a name after its date".to_owned());
    }
    if name.chars().count() > 200 {
        return Err("a holiday name may have at most 200 characters".to_owned());
    }
    let mut rule = Rule {
        when,
        name: name.to_owned(),
        from: None,
        until: None,
        skip: Vec::new(),
        only_on: Vec::new(),
        saturday: Shift::Stay,
        sunday: Shift::Stay,
        moved_label: "observed",
        moves_from: None,
        own_moves: false,
    };
    for opt in parts {
        let opt = opt.trim();
        let (key, value) = opt.split_once(char::is_whitespace).unwrap_or((opt, ""));
        let value = value.trim();
        match key {
            "from" => rule.from = Some(year(value)?),
            "until" => rule.until = Some(year(value)?),
            "not" => {
                for y in value.split([' ', ',']).filter(|s| !s.is_empty()) {
                    rule.skip.push(year(y)?);
                }
                if rule.skip.is_empty() {
                    return Err("\"not\" needs one or more years".to_owned());
                }
            }
            "only" => {
                for w in value.split([' ', ',']).filter(|s| !s.is_empty()) {
                    rule.only_on
                        .push(weekday_of(w).ok_or_else(|| format!("{w:?} is not a weekday"))?);
                }
                if rule.only_on.is_empty() {
                    return Err("\"only\" needs one or more weekdays".to_owned());
                }
            }
            "substitute" | "observed" => {
                let m = parse_moves(key, value)?;
                rule.moved_label = m.label;
                rule.saturday = m.saturday;
                rule.sunday = m.sunday;
                rule.moves_from = m.from;
                rule.own_moves = true;
            }
            "" => return Err("an empty option after \";\"".to_owned()),
            other => {
                return Err(format!(
                    "unknown option {other:?} (from, until, not, only, substitute, observed)"
                ));
            }
        }
    }
    if let (Some(f), Some(u)) = (rule.from, rule.until)
        && f > u
    {
        return Err(format!("\"from {f}\" is after \"until {u}\""));
    }
    Ok(rule)
}

/// How a calendar or a line moves weekend holidays: `substitute sat:next sun:next from 2017`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Moves {
    pub label: &'static str,
    pub saturday: Shift,
    pub sunday: Shift,
    pub from: Option<i16>,
}

/// Parses the moves after `substitute` or `observed` (`key`).
pub(crate) fn parse_moves(key: &str, value: &str) -> Result<Moves, String> {
    let mut m = Moves {
        label: if key == "substitute" {
            "substitute day"
        } else {
            "observed"
        },
        saturday: Shift::Stay,
        sunday: Shift::Stay,
        from: None,
    };
    let mut words = value.split_whitespace();
    let mut any = false;
    while let Some(part) = words.next() {
        if part == "from" {
            m.from = Some(year(words.next().unwrap_or_default())?);
            continue;
        }
        let (day, mv) = part
            .split_once(':')
            .ok_or_else(|| format!("{part:?} must be like sat:next or sun:prev"))?;
        let mv = shift_of(mv)?;
        match weekday_of(day) {
            Some(5) => m.saturday = mv,
            Some(6) => m.sunday = mv,
            _ => return Err(format!("{day:?}: only sat and sun holidays move")),
        }
        any = true;
    }
    if !any {
        return Err(format!("\"{key}\" needs moves such as sat:next sun:next"));
    }
    Ok(m)
}

/// Easter Sunday of `year` (Gregorian calendar), by the anonymous Gregorian computus.
pub fn easter(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::from_ymd(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// Orthodox Easter Sunday of `year` (Julian computus), as a Gregorian date.
pub fn orthodox_easter(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y % 4;
    let b = y % 7;
    let c = y % 19;
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    let julian = Date::from_ymd(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()?;
    // The Julian calendar runs behind the Gregorian by this many days (13 in 1900–2099).
    let gap = y / 100 - y / 400 - 2;
    Some(julian.plus_days(i64::from(gap)))
}

/// Day of the March (or September) equinox in Japan, by the forecast formula the Cabinet
/// Office's almanac uses; `None` outside 1900–2150, where the formula is not defined.
pub fn equinox_day(year: i16, march: bool) -> Option<Date> {
    let y = f64::from(year);
    let (base, from) = match (year, march) {
        (1900..=1979, true) => (20.8357, 1983.0),
        (1900..=1979, false) => (23.2588, 1983.0),
        (1980..=2099, true) => (20.8431, 1980.0),
        (1980..=2099, false) => (23.2488, 1980.0),
        (2100..=2150, true) => (21.8510, 1980.0),
        (2100..=2150, false) => (24.2488, 1980.0),
        _ => return None,
    };
    let day = (base + 0.242_194 * (y - 1980.0) - ((y - from) / 4.0).floor()).floor();
    // The formula yields 19..=24 for every year it is defined for.
    let day = i8::try_from(day as i64).ok()?;
    Date::from_ymd(year, if march { 3 } else { 9 }, day).ok()
}

pub(crate) fn weekday(d: Date) -> u8 {
    // 0..=6 always fits.
    d.civil().weekday().to_monday_zero_offset() as u8
}

impl When {
    /// The day this rule gives in `year`, if any.
    pub fn in_year(&self, year: i16) -> Option<Date> {
        match *self {
            When::Fixed { month, day } => Date::from_ymd(year, month, day).ok(),
            When::Once(d) => (d.ymd().0 == year).then_some(d),
            When::Easter { church, offset } => {
                let e = match church {
                    Church::Western => easter(year)?,
                    Church::Orthodox => orthodox_easter(year)?,
                };
                Some(e.plus_days(i64::from(offset)))
            }
            When::Nth {
                n,
                weekday: wd,
                month,
            } => {
                if n > 0 {
                    let first = Date::from_ymd(year, month, 1).ok()?;
                    let gap = (i64::from(wd) - i64::from(weekday(first))).rem_euclid(7);
                    let d = first.plus_days(gap + 7 * i64::from(n - 1));
                    (d.ymd().1 == month).then_some(d)
                } else {
                    let days = jiff::civil::date(year, month, 1).days_in_month();
                    let last = Date::from_ymd(year, month, days).ok()?;
                    let gap = (i64::from(weekday(last)) - i64::from(wd)).rem_euclid(7);
                    Some(last.plus_days(-gap))
                }
            }
            When::Near {
                weekday: wd,
                after,
                month,
                day,
            } => {
                let base = Date::from_ymd(year, month, day).ok()?;
                let gap = if after {
                    (i64::from(wd) - i64::from(weekday(base))).rem_euclid(7)
                } else {
                    -(i64::from(weekday(base)) - i64::from(wd)).rem_euclid(7)
                };
                Some(base.plus_days(gap))
            }
            When::Equinox { march } => equinox_day(year, march),
        }
    }
}

impl Rule {
    /// The day this rule gives in `year`, if it applies that year.
    pub fn in_year(&self, year: i16) -> Option<Date> {
        if self.from.is_some_and(|f| year < f)
            || self.until.is_some_and(|u| year > u)
            || self.skip.contains(&year)
        {
            return None;
        }
        let d = self.when.in_year(year)?;
        if !self.only_on.is_empty() && !self.only_on.contains(&weekday(d)) {
            return None;
        }
        Some(d)
    }
}

/// The holidays (actual days, then weekend substitutes, then days between two holidays when
/// `bridge` names them) that `rules` give in `year`.
pub(crate) fn holidays_of_year(
    rules: &[Rule],
    weekend: &[bool; 7],
    bridge: Option<&str>,
    year: i16,
) -> BTreeMap<Date, String> {
    // A substitute can cross the year's edge (1 January on a Saturday is observed on
    // 31 December), so the neighbouring years' days are computed too, then trimmed.
    let mut actual: BTreeMap<Date, String> = BTreeMap::new();
    let mut moves: Vec<(Date, &Rule)> = Vec::new();
    for y in [year.saturating_sub(1), year, year.saturating_add(1)] {
        for r in rules {
            if let Some(d) = r.in_year(y) {
                add_name(&mut actual, d, &r.name);
                let wd = weekday(d);
                let moves_now = r.moves_from.is_none_or(|f| y >= f);
                if moves_now
                    && ((wd == 5 && r.saturday != Shift::Stay)
                        || (wd == 6 && r.sunday != Shift::Stay))
                {
                    moves.push((d, r));
                }
            }
        }
    }
    moves.sort_by_key(|(d, _)| *d);
    let mut all = actual.clone();
    for (d, r) in moves {
        let shift = if weekday(d) == 5 {
            r.saturday
        } else {
            r.sunday
        };
        let target = match shift {
            Shift::Friday => Some(d.plus_days(-(i64::from(weekday(d)) - 4))),
            Shift::Monday => Some(d.plus_days(7 - i64::from(weekday(d)))),
            _ => None,
        };
        if let Some(t) = target {
            all.entry(t)
                .or_insert_with(|| format!("{} ({})", r.name, r.moved_label));
            continue;
        }
        let step = if shift == Shift::Prev { -1 } else { 1 };
        let mut cur = d.plus_days(step);
        // At most a fortnight of consecutive closed days; the bound keeps a hostile file finite.
        for _ in 0..14 {
            if !weekend[usize::from(weekday(cur))] && !all.contains_key(&cur) {
                break;
            }
            cur = cur.plus_days(step);
        }
        all.insert(cur, format!("{} ({})", r.name, r.moved_label));
    }
    if let Some(name) = bridge {
        let days: Vec<Date> = actual.keys().copied().collect();
        for w in days.windows(2) {
            if w[0].days_until(w[1]) == 2 {
                let mid = w[0].plus_days(1);
                if weekday(mid) != 6 && !all.contains_key(&mid) {
                    all.insert(mid, name.to_owned());
                }
            }
        }
    }
    all.retain(|d, _| d.ymd().0 == year);
    all
}

fn add_name(map: &mut BTreeMap<Date, String>, d: Date, name: &str) {
    map.entry(d)
        .and_modify(|n| {
            if n != name {
                n.push_str("; ");
                n.push_str(name);
            }
        })
        .or_insert_with(|| name.to_owned());
}

/// Any problem with a rule's text, located.
pub(crate) fn located(file: &str, line: usize, msg: impl Into<String>) -> ValidationError {
    if file.is_empty() {
        return ValidationError::new(format!("line {line}"), msg);
    }
    ValidationError::new(format!("{file}, line {line}"), msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn gregorian_and_orthodox_easter_match_known_dates() {
        for (y, e) in [
            (1961, "1961-04-02"),
            (2000, "2000-04-23"),
            (2008, "2008-03-23"),
            (2011, "2011-04-24"),
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2038, "2038-04-25"),
            (2285, "2285-03-22"),
        ] {
            assert_eq!(easter(y), Some(d(e)), "{y}");
        }
        for (y, e) in [
            (2008, "2008-04-27"),
            (2011, "2011-04-24"),
            (2024, "2024-05-05"),
            (2025, "2025-04-20"),
            (2026, "2026-04-12"),
        ] {
            assert_eq!(orthodox_easter(y), Some(d(e)), "{y}");
        }
    }

    #[test]
    fn nth_and_last_weekdays_and_nearest_weekdays() {
        let r = |s: &str| parse_rule(s).unwrap();
        assert_eq!(
            r("first mon of may May Day").in_year(2026),
            Some(d("2026-05-04"))
        );
        assert_eq!(
            r("last mon of may Spring").in_year(2026),
            Some(d("2026-05-25"))
        );
        assert_eq!(
            r("fourth thu of nov Thanksgiving").in_year(2026),
            Some(d("2026-11-26"))
        );
        assert_eq!(r("fifth mon of feb X").in_year(2026), None);
        assert_eq!(
            r("mon on or before 05-24 Victoria Day").in_year(2026),
            Some(d("2026-05-18"))
        );
        assert_eq!(
            r("sat on or after 06-20 Midsummer").in_year(2026),
            Some(d("2026-06-20"))
        );
        assert_eq!(
            r("equinox mar Vernal Equinox").in_year(2026),
            Some(d("2026-03-20"))
        );
        assert_eq!(
            r("equinox sep Autumnal Equinox").in_year(2026),
            Some(d("2026-09-23"))
        );
    }

    #[test]
    fn weekend_holidays_move_to_free_weekdays() {
        let rules: Vec<Rule> = [
            "12-25 Christmas Day; substitute sat:next sun:next",
            "12-26 Boxing Day; substitute sat:next sun:next",
        ]
        .iter()
        .map(|s| parse_rule(s).unwrap())
        .collect();
        let wk = [false, false, false, false, false, true, true];
        // 2021: Christmas Saturday, Boxing Day Sunday → Monday 27 and Tuesday 28.
        let h = holidays_of_year(&rules, &wk, None, 2021);
        assert_eq!(
            h.get(&d("2021-12-27")).unwrap(),
            "Christmas Day (substitute day)"
        );
        assert_eq!(
            h.get(&d("2021-12-28")).unwrap(),
            "Boxing Day (substitute day)"
        );
        // 2022: Christmas Sunday, Boxing Day Monday → Christmas substitute on Tuesday 27.
        let h = holidays_of_year(&rules, &wk, None, 2022);
        assert_eq!(
            h.get(&d("2022-12-27")).unwrap(),
            "Christmas Day (substitute day)"
        );
        // US: a Saturday New Year's Day is observed on the Friday before, in the year before.
        let ny = vec![parse_rule("01-01 New Year's Day; observed sat:prev sun:next").unwrap()];
        let h = holidays_of_year(&ny, &wk, None, 2021);
        assert_eq!(
            h.get(&d("2021-12-31")).unwrap(),
            "New Year's Day (observed)"
        );
    }

    #[test]
    fn bad_rules_say_what_is_wrong() {
        for (line, msg) in [
            ("13-01 X", "13-01"),
            ("02-30 X", "02-30"),
            ("easter+x Y", "offset"),
            ("first mon in may X", "\"of\""),
            ("12-25", "needs a name"),
            ("12-25 X; from 20x6", "not a year"),
            ("12-25 X; substitute mon:next", "only sat and sun"),
            ("12-25 X; colour red", "unknown option"),
            ("someday X", "not a date rule"),
        ] {
            let e = parse_rule(line).unwrap_err();
            assert!(e.contains(msg), "{line}: {e}");
        }
    }
}
