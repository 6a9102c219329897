//! Recognisers for the small values contracts are made of: numbers in words and figures,
//! periods ("ninety (90) days"), calendar dates (US and European forms) and money amounts.

use entente_domain::{Currency, Date, Money, Period, PeriodUnit};
use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::LazyLock;

const UNITS: &str = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen";
const TENS: &str = "twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety";

/// A number written in words, as a regular-expression fragment (no groups).
pub(crate) static NUMBER_WORDS: LazyLock<String> = LazyLock::new(numw);

/// A number written in words: "ninety", "forty-five", "one hundred twenty".
fn numw() -> String {
    format!(
        r"(?:(?:(?:{UNITS})[\s-]+hundred(?:[\s-]+(?:and[\s-]+)?)?)?(?:(?:{TENS})(?:[\s-]+(?:{UNITS}))?|{UNITS})|(?:{UNITS})[\s-]+hundred|a\s+hundred)"
    )
}

/// Parses a number written in words (lowercase). Returns None on anything else.
pub(crate) fn words_to_number(s: &str) -> Option<u32> {
    let mut total = 0u32;
    let mut cur = 0u32;
    let mut any = false;
    for w in s.split(|c: char| c.is_whitespace() || c == '-') {
        let v = match w {
            "" | "and" => continue,
            "a" | "an" | "one" => 1,
            "two" => 2,
            "three" => 3,
            "four" => 4,
            "five" => 5,
            "six" => 6,
            "seven" => 7,
            "eight" => 8,
            "nine" => 9,
            "ten" => 10,
            "eleven" => 11,
            "twelve" => 12,
            "thirteen" => 13,
            "fourteen" => 14,
            "fifteen" => 15,
            "sixteen" => 16,
            "seventeen" => 17,
            "eighteen" => 18,
            "nineteen" => 19,
            "twenty" => 20,
            "thirty" => 30,
            "forty" | "fourty" => 40,
            "fifty" => 50,
            "sixty" => 60,
            "seventy" => 70,
            "eighty" => 80,
            "ninety" => 90,
            "hundred" => {
                cur = cur.max(1) * 100;
                any = true;
                continue;
            }
            "thousand" => {
                total += cur.max(1) * 1000;
                cur = 0;
                any = true;
                continue;
            }
            _ => return None,
        };
        cur += v;
        any = true;
    }
    any.then_some(total + cur)
}

/// Ordinal words and figures: "third", "3rd", "tenth".
pub(crate) fn ordinal_to_number(s: &str) -> Option<u32> {
    let t = s.trim();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    const ORD: [&str; 20] = [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
    ];
    ORD.iter().position(|o| *o == t).map(|i| i as u32 + 1)
}

/// A period found in text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PeriodHit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) period: Period,
}

static PERIOD_RE: LazyLock<Regex> = LazyLock::new(|| {
    let w = numw();
    // Built from constant parts; a failure here is a programming error caught by tests.
    crate::text::regex(&format!(
        r"(?-u:\b)(?:(?P<w>{w})\s*\(\s*(?P<d>\d{{1,4}})\s*\)|(?P<d2>\d{{1,4}})\s*\(\s*(?:{w})\s*\)|(?P<d3>\d{{1,4}}(?:,\d{{3}})?)|(?P<w2>{w}))[\s-]*(?:\(\s*\d{{1,4}}\s*\)[\s-]*)?(?:(?:full|complete|consecutive|contract)\s+)?(?P<q>business|working|calendar|banking)?[\s-]*(?P<u>days?|weeks?|months?|years?|yrs?)(?-u:\b)"
    ))
    .unwrap_or_else(|e| panic!("period regex: {e}"))
});

/// Every period in `lower` (an ASCII-lowercased text), in order.
pub(crate) fn find_periods(lower: &str) -> Vec<PeriodHit> {
    let mut out = Vec::new();
    for c in PERIOD_RE.captures_iter(lower) {
        let Some(m) = c.get(0) else { continue };
        let n = if let Some(d) = c.name("d").or(c.name("d2")).or(c.name("d3")) {
            d.as_str().replace(',', "").parse::<u32>().ok()
        } else {
            c.name("w")
                .or(c.name("w2"))
                .and_then(|w| words_to_number(w.as_str()))
        };
        let Some(n) = n else { continue };
        let u = c.name("u").map_or("", |u| u.as_str());
        let business = c
            .name("q")
            .is_some_and(|q| matches!(q.as_str(), "business" | "working" | "banking"));
        let unit = if u.starts_with("day") {
            if business {
                PeriodUnit::BusinessDays
            } else {
                PeriodUnit::Days
            }
        } else if u.starts_with("week") {
            PeriodUnit::Weeks
        } else if u.starts_with("month") {
            PeriodUnit::Months
        } else {
            PeriodUnit::Years
        };
        if let Ok(p) = Period::new(n, unit) {
            out.push(PeriodHit {
                start: m.start(),
                end: m.end(),
                period: p,
            });
        }
    }
    out
}

/// A calendar date found in text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DateHit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) date: Date,
}

/// Month names and their abbreviations, lower case, as alternatives of a pattern.
/// Whether a lowercase word is one of the month names of [`MONTHS_RE`]; a match rather
/// than a walk over the pattern's alternatives, as the sentence splitter asks at full stops.
pub(crate) fn is_month_name(w: &str) -> bool {
    matches!(
        w,
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sept"
            | "sep"
            | "oct"
            | "nov"
            | "dec"
    )
}

pub(crate) const MONTHS_RE: &str = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";

/// Words that may follow "the end of 2006" when it is the year's end: a clause goes on.
const END_OF_YEAR_FOLLOWERS: [&str; 15] = [
    "and",
    "or",
    "unless",
    "subject",
    "at",
    "when",
    "with",
    "after",
    "provided",
    "if",
    "except",
    "whereupon",
    "upon",
    "in",
    "the",
];

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(&format!(
        r"(?-u:\b)(?:(?P<m1>{MONTHS_RE})\.?\s*(?P<d1>\d{{1,2}})\s*(?:st|nd|rd|th|t\s?h)?\s*[,.]?\s*(?P<y1>\d{{4}})|(?:of)?(?P<d2>\d{{1,2}})\s*(?:st|nd|rd|th|t\s?h|s\s?t)?\s+(?:day\s+of\s+)?(?P<m2>{MONTHS_RE})\.?\s*,?\s*(?:day\s+of\s+)?(?:in\s+the\s+year\s+)?(?P<y2>\d{{4}})|(?P<y3>\d{{4}})-(?P<mo3>\d{{1,2}})-(?P<d3>\d{{1,2}})|(?P<a4>\d{{1,2}})(?P<sep>[/.])(?P<b4>\d{{1,2}})[/.](?P<y4>\d{{4}}|\d{{2}})|(?P<a5>\d{{1,2}})-(?P<b5>\d{{1,2}})-(?P<y5>\d{{4}})|(?:the\s+)?last\s+day\s+(?:of|in)\s+(?:the\s+month\s+of\s+)?(?P<m6>{MONTHS_RE})\.?\s*,?\s*(?P<y6>\d{{4}})|(?:the\s+)?end\s+of\s+(?:(?:the\s+)?calendar\s+year\s+)?(?P<y7>(?:19|20)\d\d))(?-u:\b)"
    ))
    .unwrap_or_else(|e| panic!("date regex: {e}"))
});

fn month_number(m: &str) -> Option<i8> {
    let m3 = m.get(..3)?;
    let i = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|x| *x == m3)?;
    Some(i as i8 + 1)
}

/// Every date in `lower`. `day_first` chooses how ambiguous numeric dates (03/04/2025)
/// are read: European (day first) or US (month first).
pub(crate) fn find_dates(lower: &str, day_first: bool) -> Vec<DateHit> {
    let mut out = Vec::new();
    for c in DATE_RE.captures_iter(lower) {
        let Some(m) = c.get(0) else { continue };
        // EDGAR page footers ("Source: ACME CORP, 10-K, 3/3/2005") date the filing, not the deal.
        let line_start = lower[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        if lower[line_start..m.start()]
            .trim_start()
            .starts_with("source:")
        {
            continue;
        }
        let num = |n: &str| c.name(n).and_then(|x| x.as_str().parse::<i32>().ok());
        // "as of1 August 2019": the day glued to the word before it is read without the word.
        let start = if m.as_str().starts_with("of") {
            m.start() + 2
        } else {
            m.start()
        };
        let (y, mo, d) = if let Some(y7) = c.name("y7") {
            // "until the end of 2006": the year's last day, unless a word makes the year
            // something else ("the end of 2006 fiscal year", "the 2006 season").
            let next = lower[m.end()..].trim_start();
            let word = next
                .split(|c: char| !c.is_ascii_alphabetic())
                .next()
                .unwrap_or("");
            if !word.is_empty() && !END_OF_YEAR_FOLLOWERS.contains(&word) {
                continue;
            }
            let Ok(y) = y7.as_str().parse::<i32>() else {
                continue;
            };
            (Some(y), Some(12), Some(31))
        } else if let Some(mm) = c.name("m6") {
            // "the last day of February, 2023": the month's last day.
            let (Some(y), Some(mo)) = (num("y6"), month_number(mm.as_str())) else {
                continue;
            };
            let Ok(first) = Date::from_ymd(y as i16, mo, 1) else {
                continue;
            };
            let last = first.civil().last_of_month();
            (Some(y), Some(mo.into()), Some(i32::from(last.day())))
        } else if let Some(mm) = c.name("m1") {
            (
                num("y1"),
                month_number(mm.as_str()).map(i32::from),
                num("d1"),
            )
        } else if let Some(mm) = c.name("m2") {
            (
                num("y2"),
                month_number(mm.as_str()).map(i32::from),
                num("d2"),
            )
        } else if c.name("y3").is_some() {
            (num("y3"), num("mo3"), num("d3"))
        } else {
            let (a, b) = if c.name("a5").is_some() {
                (num("a5"), num("b5"))
            } else {
                (num("a4"), num("b4"))
            };
            let y = num("y4").or(num("y5")).map(|y| {
                if y < 100 {
                    if y < 50 { 2000 + y } else { 1900 + y }
                } else {
                    y
                }
            });
            // Dotted numeric dates are European; otherwise follow the document's style.
            let dotted = c.name("sep").is_some_and(|s| s.as_str() == ".");
            match (a, b) {
                (Some(a), Some(b)) if a > 12 => (y, Some(b), Some(a)),
                (Some(a), Some(b)) if b > 12 => (y, Some(a), Some(b)),
                (Some(a), Some(b)) if day_first || dotted => (y, Some(b), Some(a)),
                (a, b) => (y, a, b),
            }
        };
        let (Some(y), Some(mo), Some(d)) = (y, mo, d) else {
            continue;
        };
        if !(1900..=2200).contains(&y) {
            continue;
        }
        if let Ok(date) = Date::from_ymd(y as i16, mo as i8, d as i8) {
            out.push(DateHit {
                start,
                end: m.end(),
                date,
            });
        }
    }
    out
}

/// A money amount found in text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MoneyHit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) money: Money,
}

static MONEY_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(
        r"(?P<sym>us\s?\$|u\.s\.\s?\$|c\$|a\$|\$|€|£|¥|(?-u:\b)(?:usd|eur|gbp|chf|cad|aud|jpy|cny|rmb|inr|sek|nok|dkk|sgd|hkd)(?-u:\b))\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:\.\d+)?)(?:\s*(?P<mult>million|billion|thousand|mm|m|bn|k)(?-u:\b))?|(?-u:\b)(?P<num2>\d{1,3}(?:[,.]\d{3})+(?:[.,]\d+)?|\d+(?:\.\d+)?)(?:\s*(?P<mult2>million|billion|thousand))?\s*(?P<cur2>usd|eur|euros?|gbp|chf|u\.s\.\s+dollars|us\s+dollars|dollars|pounds\s+sterling|pounds|swiss\s+francs|yen|rmb|renminbi)(?-u:\b)",
    )
    .unwrap_or_else(|e| panic!("money regex: {e}"))
});

fn currency_of(sym: &str) -> Option<&'static str> {
    let s = sym.trim();
    Some(match s {
        "$" | "us$" | "us $" | "u.s.$" | "u.s. $" | "usd" | "dollars" | "us dollars"
        | "u.s. dollars" => "USD",
        "c$" | "cad" => "CAD",
        "a$" | "aud" => "AUD",
        "€" | "eur" | "euro" | "euros" => "EUR",
        "£" | "gbp" | "pounds" | "pounds sterling" => "GBP",
        "¥" | "jpy" | "yen" => "JPY",
        "chf" | "swiss francs" => "CHF",
        "cny" | "rmb" | "renminbi" => "CNY",
        "inr" => "INR",
        "sek" => "SEK",
        "nok" => "NOK",
        "dkk" => "DKK",
        "sgd" => "SGD",
        "hkd" => "HKD",
        _ => {
            if s.starts_with("u.s") || s.starts_with("us") {
                "USD"
            } else {
                return None;
            }
        }
    })
}

/// Every money amount in `lower`.
pub(crate) fn find_money(lower: &str) -> Vec<MoneyHit> {
    let mut out = Vec::new();
    for c in MONEY_RE.captures_iter(lower) {
        let Some(m) = c.get(0) else { continue };
        let (sym, num, mult) = match (c.name("sym"), c.name("num2")) {
            (Some(s), _) => (s.as_str(), c.name("num"), c.name("mult")),
            (None, Some(n)) => (
                c.name("cur2").map_or("", |x| x.as_str()),
                Some(n),
                c.name("mult2"),
            ),
            _ => continue,
        };
        let Some(num) = num else { continue };
        let Some(code) = currency_of(&sym.split_whitespace().collect::<Vec<_>>().join(" ")) else {
            continue;
        };
        let mut digits = num.as_str().to_owned();
        // European thousands dots ("1.000.000 EUR", "EUR 250.000") vs decimal point. One dot
        // before exactly three digits groups thousands: no one writes EUR 250.000 for 250 (but
        // "2.125 million" is a decimal).
        let one_group = mult.is_none()
            && !digits.contains(',')
            && digits.matches('.').count() == 1
            && digits.rsplit('.').next().is_some_and(|d| d.len() == 3);
        if digits.matches('.').count() > 1
            || one_group
            || (digits.contains('.') && digits.contains(',') && digits.find('.') < digits.find(','))
        {
            digits = digits.replace('.', "").replace(',', ".");
        } else {
            digits = digits.replace(',', "");
        }
        let Ok(mut amount) = Decimal::from_str(&digits) else {
            continue;
        };
        let factor: i64 = match mult.map(|x| x.as_str()) {
            Some("million" | "m" | "mm") => 1_000_000,
            Some("billion" | "bn") => 1_000_000_000,
            Some("thousand" | "k") => 1_000,
            _ => 1,
        };
        amount = amount.checked_mul(Decimal::from(factor)).unwrap_or(amount);
        let Ok(cur) = Currency::parse(code) else {
            continue;
        };
        if let Ok(money) = Money::new(amount.normalize(), cur) {
            out.push(MoneyHit {
                start: m.start(),
                end: m.end(),
                money,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn periods(s: &str) -> Vec<String> {
        find_periods(&s.to_ascii_lowercase())
            .into_iter()
            .map(|p| p.period.to_string())
            .collect()
    }

    #[test]
    fn numbers_in_words_and_figures() {
        assert_eq!(words_to_number("ninety"), Some(90));
        assert_eq!(words_to_number("forty-five"), Some(45));
        assert_eq!(words_to_number("one hundred and twenty"), Some(120));
        assert_eq!(words_to_number("one hundred eighty"), Some(180));
        assert_eq!(words_to_number("banana"), None);
    }

    #[test]
    fn periods_in_every_common_form() {
        assert_eq!(periods("ninety (90) days"), ["P90D"]);
        assert_eq!(periods("one (1) year"), ["P1Y"]);
        assert_eq!(periods("twelve months"), ["P12M"]);
        assert_eq!(periods("5 business days"), ["P5BD"]);
        assert_eq!(periods("a six-month term"), ["P6M"]);
        assert_eq!(periods("thirty (30) calendar days"), ["P30D"]);
        assert_eq!(periods("one hundred twenty (120) days"), ["P120D"]);
        assert_eq!(periods("3-year"), ["P3Y"]);
        assert_eq!(periods("sixty (60) days' notice"), ["P60D"]);
        assert_eq!(periods("ten (10) Business Days"), ["P10BD"]);
        assert_eq!(periods("twelve (12) full calendar months"), ["P12M"]);
        assert_eq!(periods("twenty-four (24) consecutive months"), ["P24M"]);
        assert_eq!(periods("ten (10) Contract Years"), ["P10Y"]);
    }

    fn dates(s: &str, day_first: bool) -> Vec<String> {
        find_dates(&s.to_ascii_lowercase(), day_first)
            .into_iter()
            .map(|d| d.date.to_string())
            .collect()
    }

    #[test]
    fn dates_in_us_and_european_forms() {
        assert_eq!(dates("March 3, 2025", false), ["2025-03-03"]);
        assert_eq!(dates("3 March 2025", true), ["2025-03-03"]);
        assert_eq!(
            dates("this 11th day of December, 2015", false),
            ["2015-12-11"]
        );
        assert_eq!(dates("the 26t h day of May, 2017", false), ["2017-05-26"]);
        assert_eq!(dates("2025-03-03", false), ["2025-03-03"]);
        assert_eq!(dates("03/04/2025", false), ["2025-03-04"]);
        assert_eq!(dates("03/04/2025", true), ["2025-04-03"]);
        assert_eq!(dates("6/21/99", false), ["1999-06-21"]);
        assert_eq!(dates("1st March, 2024", true), ["2024-03-01"]);
        // A full stop for the comma, as scanned filings print it.
        assert_eq!(dates("until March 18. 2021, unless", false), ["2021-03-18"]);
        assert!(dates("February 31, 2025", false).is_empty());
    }

    #[test]
    fn a_day_glued_to_of_and_the_last_day_of_a_month() {
        // "as of1 August 2019": the date is read, and its evidence starts at the day.
        let lower = "is made and effective as of1 august 2019, by and between";
        let hits = find_dates(lower, true);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].date.to_string(), "2019-08-01");
        assert_eq!(&lower[hits[0].start..hits[0].end], "1 august 2019");
        // Only the word "of": a day glued to any other word is no date.
        assert!(dates("proof1 August 2019", true).is_empty());
        assert_eq!(
            dates("shall expire on the last day of February, 2024", false),
            ["2024-02-29"]
        );
        assert_eq!(
            dates("(b) the last day in February, 2023", false),
            ["2023-02-28"]
        );
        assert_eq!(dates("last day of December 2025", true), ["2025-12-31"]);
        // A day and month before "day of" and the year, as one agreement wrote its date.
        assert_eq!(
            dates("this agreement is made the 20 march day of 1998", true),
            ["1998-03-20"]
        );
        // A month with no year is no date.
        assert!(dates("the last day of each February", false).is_empty());
    }

    #[test]
    fn month_names_are_those_of_the_pattern() {
        for m in MONTHS_RE.split('|') {
            assert!(is_month_name(m), "{m}");
        }
        assert_eq!(
            ["january", "sep", "maybe", "", "Mar"].map(is_month_name),
            [true, true, false, false, false]
        );
    }

    #[test]
    fn the_end_of_a_year_is_its_last_day() {
        assert_eq!(
            dates(
                "this agreement will be in effect until the end of 2006 and will be evaluated",
                false
            ),
            ["2006-12-31"]
        );
        assert_eq!(
            dates(
                "shall continue through the end of calendar year 2027.",
                true
            ),
            ["2027-12-31"]
        );
        let lower = "in effect until the end of 2006.";
        let hits = find_dates(lower, false);
        assert_eq!(&lower[hits[0].start..hits[0].end], "the end of 2006");
        // A year that names something else is no date.
        for t in [
            "until the end of 2006 fiscal year",
            "by the end of 2006 season",
            "at the end of 1234.",
            "the end of 20065",
        ] {
            assert!(dates(t, false).is_empty(), "{t}: {:?}", dates(t, false));
        }
    }

    #[test]
    fn european_thousands_dots_are_thousands() {
        let v: Vec<_> = find_money(
            "eur 250.000, eur 1.200.000, 250.000 eur, usd 1.500,50, $2.125 million, $1.5 million",
        )
        .iter()
        .map(|h| h.money.to_string())
        .collect();
        assert_eq!(
            v,
            [
                "EUR 250000",
                "EUR 1200000",
                "EUR 250000",
                "USD 1500.5",
                "USD 2125000",
                "USD 1500000"
            ]
        );
    }

    #[test]
    fn money_with_symbols_codes_and_words() {
        let m = find_money("up to $1,000,000 or eur 250.000 or 2 million dollars");
        let v: Vec<_> = m.iter().map(|h| h.money.to_string()).collect();
        assert_eq!(v.len(), 3, "{v:?}");
        assert!(
            v[0].contains("1000000") || v[0].contains("1,000,000"),
            "{v:?}"
        );
    }
}
