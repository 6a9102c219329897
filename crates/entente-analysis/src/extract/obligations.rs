//! Obligations: each duty sentence ("shall", "will", "must", "agrees to" …) becomes an
//! obligation with obligor, beneficiary, action, timing, threshold, vague and survival flags;
//! prohibitions ("shall not") become negative covenants.

use super::terms::{Parties, display_name, find_word, parties_in};
use super::{Doc, Found};
use crate::segment::SegmentKind;
use entente_domain::obligation::{Alignment, Comparator, DueRule, Event, Frequency, Metric};
use entente_domain::{Period, PeriodUnit};
use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::LazyLock;

/// One duty found in the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObligationFound {
    pub(crate) obligor: String,
    pub(crate) beneficiary: Option<String>,
    pub(crate) action: String,
    pub(crate) text: String,
    pub(crate) due: DueRule,
    pub(crate) metric: Option<Metric>,
    pub(crate) vague: bool,
    pub(crate) survives: bool,
    /// A prohibition ("shall not …"): a negative covenant, not a duty to act.
    pub(crate) negative: bool,
}

fn re(s: &str) -> Regex {
    crate::text::regex(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

static MODAL_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?:may not|shall|will|must|agrees? to|agrees? not to|promises? (?:not )?to|undertakes? to|(?:is|are) (?:responsible (?:for|to)|obligated to|required to)|(?:it is|it shall be|it will be) your (?:sole )?responsibility to|covenants? to|commits? to)(?-u:\b)(?:\s+(?:not|never|in no event)(?-u:\b))?",
    )
});

static NON_DUTY_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:agrees?\s+to\s+(?:be\s+bound\s+by\s+)?(?:the|these|all\s+(?:of\s+)?the)\s+(?:following\s+|foregoing\s+)?terms(?-u:\b)|(?:shall|will|must|may)\s+(?:(?:however|also|nevertheless|further|still|therefore)\s+)?(?:(?:not\s+)?(?:be\s+)?(?:mean|means|deemed|construed|interpreted|governed|binding|effective|entitled|void|null|final|conclusive|considered|applicable|valid|enforceable|liable|responsible for any (?:indirect|loss)|obligated|required to pay any|subject to|in writing|prevail|control|apply|survive|inure|commence|continue|expire|terminate|become|remain|constitute|include|have the (?:right|option|power|discretion)|have no|no longer (?:have|be required|need|be obligated)|be limited|not be limited|not exceed|not apply|not affect|not be construed|not be deemed|not be liable|not be responsible|not be obligated|not be required|not be entitled|not constitute|not relieve|not prejudice|not limit|not restrict)(?-u:\b)))",
    )
});

const GENERIC_ALIASES: &[&str] = &["party", "parties", "company", "agreement"];

pub(crate) fn is_generic_alias(a: &str) -> bool {
    GENERIC_ALIASES.contains(&a.to_ascii_lowercase().as_str())
}

static EACH_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?:each party|each of the parties|both parties|the parties|either party|neither party|all parties|each member|each participant|the receiving party|a receiving party|the disclosing party|recipient|each such party|any party|the parties hereto|the indemnifying party|each of them|they|parties shall|(?:the )?(?:steering |joint |management |executive |alliance )?committee|(?:the )?representatives)(?-u:\b)",
    )
});

static WITHIN_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:within|no later than|not later than|not more than|at least|no less than|not less than)\s+(?:the\s+)?$",
    )
});

/// A condition naming who terminates, before the duty: "If Northwind terminates this Agreement
/// under clause 12.2, …".
static TERMINATES_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:\(?[0-9]+(?:\.[0-9]+)*\.?\)?\s+)?(?:if|where|in the event(?: that)?|should)\s+(?:the\s+)?([a-z][a-z0-9&.,'’ \-]{0,80}?)\s+terminates?\b(?:\s+this agreement)?(?:\s+(?:under|pursuant to|in accordance with)\s+(?:clause|section|article|§)\s*([0-9]+(?:\.[0-9]+)*))?",
    )
});

static EVENT_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:after|of|following|from|from the date of|upon|before|prior to|of the date of)\s+(?:the\s+)?(?:date of\s+)?(?:its\s+|the\s+|such\s+|any\s+|each\s+|a\s+)?([a-z][a-z\- ]{2,60})",
    )
});

static DATE_DUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:no later than|not later than|on or before|by|before|prior to|until|(?-u:\b)on)\s+(?:the\s+)?$",
    )
});

static FREQ_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(weekly|each week|every week|once a week|monthly|each (?:calendar )?month|every (?:calendar )?month|once a month|per month|quarterly|each (?:calendar |fiscal )?quarter|every (?:calendar |fiscal )?quarter|every three months|once a quarter|semi-?annual(?:ly)?|twice a year|every six months|bi-?annual(?:ly)?|annual(?:ly)?|each (?:calendar |fiscal |contract )?year|every (?:calendar |fiscal )?year|once a year|yearly|every twelve months|per year|per annum|each (?:successive )?period of (?:one|three|six|twelve)(?: \(\d+\))? (?:weeks?|months?|years?))(?-u:\b)",
    )
});

static PCT_RE: LazyLock<Regex> = LazyLock::new(|| re(r"(\d{1,3}(?:\.\d{1,4})?)\s*(?:%|percent)"));

static HOURS_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:within|in no more than|no later than|not later than|not to exceed|no more than)\s+(?:(\d{1,3})|([a-z-]+)\s*\(\s*(\d{1,3})\s*\))\s*(business\s+|working\s+)?(hours?|minutes?)",
    )
});

static QTY_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(at least|not less than|no less than|a minimum of|minimum of|not to exceed|not exceed|no more than|a maximum of|maximum of|less than|more than|greater than)\s+(?:\$\s?)?(\d[\d,]*(?:\.\d+)?)\s*(%|percent|[a-z]+)?",
    )
});

static VAGUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"reasonable (?:commercial )?efforts|best efforts|commercially reasonable|endeavou?r|(?-u:\b)cooperat|collaborat|(?-u:\b)assist|(?-u:\b)support|as appropriate|as needed|as necessary|from time to time|promptly|in good faith|work together|(?-u:\b)consult|(?-u:\b)timely(?-u:\b)|regularly|periodically|seek to|strive|facilitate|as soon as (?:reasonably )?(?:practicable|possible)|mutually agree|appropriate|reasonable (?:time|period|steps|measures)|use (?:its|their) (?:reasonable )?efforts|adequate|sufficient|satisfactory|explore",
    )
});

static SURVIVE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"surviv|after (?:the )?(?:termination|expiration|expiry)|following (?:the )?(?:termination|expiration|expiry)|upon (?:the )?(?:termination|expiration|expiry)|post-termination|(?:termination|expiration) of this agreement for any reason",
    )
});

fn event_of(s: &str) -> Event {
    let l = s.trim();
    if l.starts_with("effective date") || l.starts_with("commencement") || l.starts_with("start") {
        Event::Effective
    } else if l.starts_with("execution")
        || l.starts_with("signature")
        || l.starts_with("signing")
        || l.starts_with("the date of this agreement")
        || l.starts_with("date hereof")
    {
        Event::Signature
    } else if l.starts_with("termination")
        || l.starts_with("expiration")
        || l.starts_with("expiry")
        || l.starts_with("effective date of termination")
    {
        Event::Termination
    } else if l.contains("invoice") {
        Event::Invoice
    } else if l.starts_with("end of each")
        || l.starts_with("close of each")
        || l.starts_with("last day of each")
    {
        Event::PeriodEnd
    } else {
        let words: Vec<&str> = l.split_whitespace().take(6).collect();
        Event::Other(words.join(" ").trim_end_matches([',', '.', ';']).to_owned())
    }
}

fn frequency_of(m: &str) -> Option<Frequency> {
    // "period of three (3) months" reads as "period of three months".
    let m = m.trim().replace(['(', ')'], " ");
    let m = m
        .split_whitespace()
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ");
    Some(if m.contains("twelve months") || m.contains("one year") {
        Frequency::Annually
    } else if m.contains("week") {
        Frequency::Weekly
    } else if m.contains("semi")
        || m.contains("twice a year")
        || m.contains("six months")
        || m.starts_with("bi")
    {
        Frequency::SemiAnnually
    } else if m.contains("quarter") || m.contains("three months") {
        Frequency::Quarterly
    } else if m.contains("month") {
        Frequency::Monthly
    } else if m.contains("annual")
        || m.contains("year")
        || m.contains("twelve months")
        || m.contains("annum")
    {
        Frequency::Annually
    } else {
        return None;
    })
}

static CALENDAR_PERIOD_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"\bcalendar (?:week|month|quarter|half|semester|year)")
        .expect("static regex")
});
static CONTRACT_PERIOD_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(
        r"\b(?:contract|agreement|license|licence) (?:week|month|quarter|half|year)|\banniversar|\bperiods? of (?:\w+ )?(?:\(\d+\) )?(?:weeks?|months?|years?)[^.;]{0,40}\b(?:from|following|after|commencing on|beginning on|starting on) the effective date|\b(?:week|month|quarter|year)s? (?:from|following|after|commencing on) the effective date",
    )
    .expect("static regex")
});
static FINAL_PARTIAL_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(
        r"\b(?:in|during) which (?:this agreement|the agreement|the term)[^.;]{0,40}\b(?:ends|expires|terminates|is terminated|comes to an end)|\b(?:final|last) (?:partial )?(?:calendar )?(?:week|month|quarter|half-year|year|period)|\bpartial (?:calendar )?(?:week|month|quarter|half-year|year|period)",
    )
    .expect("static regex")
});

/// A recurring rule with the periods the sentence `s` names: calendar periods ("each calendar
/// quarter"), periods counted from the effective date ("each contract year", "each period of
/// three months from the Effective Date"), or unstated; and whether the period the agreement
/// ends in is covered too.
fn recurring(s: &str, frequency: Frequency, offset: Option<Period>) -> DueRule {
    let alignment = if CALENDAR_PERIOD_RE.is_match(s) {
        Some(Alignment::Calendar)
    } else if CONTRACT_PERIOD_RE.is_match(s) {
        Some(Alignment::Contract)
    } else {
        None
    };
    DueRule::Recurring {
        frequency,
        offset,
        alignment,
        final_partial: FINAL_PARTIAL_RE.is_match(s),
    }
}

/// Timing of the duty in sentence `[a, z)` after the modal at `from`.
fn timing(doc: &Doc<'_>, a: usize, z: usize, from: usize) -> DueRule {
    let lower = &doc.lower;
    let s = &lower[a..z];
    let freq = FREQ_RE
        .find(&lower[from..z])
        .and_then(|m| frequency_of(m.as_str()));
    // "within N days after EVENT"
    for p in doc.periods_in(a, z) {
        if p.start < from.saturating_sub(0)
            && p.start < s.find("within").map_or(usize::MAX, |i| a + i)
        {
            continue;
        }
        let lb = crate::text::floor_boundary(lower, p.start.saturating_sub(30).max(a));
        let before = &lower[lb..p.start];
        if !WITHIN_RE.is_match(before) {
            continue;
        }
        let after = &lower[p.end..crate::text::floor_boundary(lower, (p.end + 80).min(z))];
        let after = after
            .trim_start()
            .trim_start_matches(['\'', '’', ')'])
            .trim_start();
        let after = after.strip_prefix("of notice").unwrap_or(after);
        if let Some(f) = freq
            && (after.contains("end of each")
                || after.contains("close of each")
                || after.contains("each calendar")
                || after.contains("each quarter")
                || after.contains("each month")
                || after.contains("each year")
                || after.contains("each fiscal"))
        {
            return recurring(s, f, Some(p.period));
        }
        let event = EVENT_RE
            .captures(after)
            .and_then(|c| c.get(1))
            .map_or(Event::Other("request".into()), |m| event_of(m.as_str()));
        if matches!(event, Event::PeriodEnd)
            && let Some(f) = freq
        {
            return recurring(s, f, Some(p.period));
        }
        return DueRule::After {
            period: p.period,
            event,
        };
    }
    if let Some(f) = freq {
        return recurring(s, f, None);
    }
    for d in doc.dates_in(from, z) {
        let lb = crate::text::floor_boundary(lower, d.start.saturating_sub(25).max(a));
        if DATE_DUE_RE.is_match(&lower[lb..d.start]) {
            return DueRule::On { date: d.date };
        }
    }
    DueRule::None
}

fn metric(doc: &Doc<'_>, a: usize, z: usize, lower_s: &str) -> Option<Metric> {
    // Each pattern below needs its literal: test for it before running the pattern.
    let hours = lower_s.contains("hour") || lower_s.contains("minute");
    if let Some(c) = hours.then(|| HOURS_RE.captures(lower_s)).flatten() {
        let n = c
            .get(1)
            .or(c.get(3))
            .and_then(|m| Decimal::from_str(m.as_str()).ok())?;
        let business = c.get(4).is_some();
        let unit = c.get(5).map_or("hours", |m| m.as_str());
        let unit = if unit.starts_with("minute") {
            "minutes"
        } else {
            "hours"
        };
        return Some(Metric {
            comparator: Comparator::AtMost,
            value: n,
            unit: if business {
                format!("business {unit}")
            } else {
                unit.to_owned()
            },
        });
    }
    let pct = lower_s.contains('%') || lower_s.contains("percent");
    if let Some(c) = pct.then(|| PCT_RE.captures(lower_s)).flatten() {
        let kpi = [
            "uptime",
            "availability",
            "available",
            "accuracy",
            "on-time",
            "on time",
            "service level",
            "resolution",
            "success rate",
            "response rate",
            "yield",
            "fill rate",
            "quality",
        ];
        if kpi.iter().any(|k| lower_s.contains(k)) {
            let v = c.get(1).and_then(|m| Decimal::from_str(m.as_str()).ok())?;
            let comparator = if lower_s.contains("not exceed")
                || lower_s.contains("no more than")
                || lower_s.contains("less than") && !lower_s.contains("not less than")
            {
                Comparator::AtMost
            } else {
                Comparator::AtLeast
            };
            return Some(Metric {
                comparator,
                value: v,
                unit: "%".into(),
            });
        }
    }
    let digits = lower_s.bytes().any(|b| b.is_ascii_digit());
    if let Some(c) = digits.then(|| QTY_RE.captures(lower_s)).flatten() {
        let op = c.get(1).map_or("", |m| m.as_str());
        let v = c
            .get(2)
            .and_then(|m| Decimal::from_str(&m.as_str().replace(',', "")).ok())?;
        let unit = c.get(3).map_or("", |m| m.as_str());
        // Units that are time words are durations, read from the period recogniser below.
        let time_word = matches!(
            unit,
            "days"
                | "day"
                | "months"
                | "month"
                | "years"
                | "year"
                | "weeks"
                | "week"
                | "business"
                | "calendar"
        );
        let unit = if unit == "percent" { "%" } else { unit };
        if !time_word && !unit.is_empty() {
            return Some(Metric {
                comparator: comparator_of(op),
                value: v,
                unit: unit.to_owned(),
            });
        }
    }
    broader_metric(doc, a, z, lower_s)
}

fn comparator_of(op: &str) -> Comparator {
    match op.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
        "at least" | "not less than" | "no less than" | "a minimum of" | "minimum of"
        | "not fewer than" | "no fewer than" => Comparator::AtLeast,
        "more than" | "greater than" | "in excess of" => Comparator::Above,
        "less than" => Comparator::Below,
        _ => Comparator::AtMost,
    }
}

/// "at least twelve (12) products", "not less than forty (40) demonstration days".
static COUNT_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?-u:\b)(at least|not less than|no less than|not fewer than|no fewer than|a minimum of|minimum of|no more than|not more than|a maximum of|up to)\s+(?:(\d[\d,]*)|({}))(?:\s*\(\s*[\d,]+\s*\))?\s+((?:[a-z][a-z-]*\s+){{0,3}}?[a-z][a-z-]*?s)(?-u:\b)",
        super::values::NUMBER_WORDS.as_str()
    ))
});

/// The words just before a duration that make it a measure of performance ("keep records
/// for at least three years", "confidential for two (2) years", "not exceeding 90 days").
static DURATION_CTX_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:(?-u:\b)for\s+(?:a\s+(?:further\s+)?(?:period|term)\s+of\s+)?(?:(at least|not less than|no less than|a minimum of)\s+)?|(?-u:\b)(at least|not less than|no less than|a minimum of|not exceeding|not to exceed|not more than|no more than|up to|a maximum of)\s+)(?:an?\s+)?(?:additional\s+|further\s+)?(?:period\s+of\s+)?$",
    )
});

/// Measures a duty may carry besides service levels: a count with its comparator, an
/// amount of money, a percentage, or a duration the duty lasts for.
fn broader_metric(doc: &Doc<'_>, a: usize, z: usize, lower_s: &str) -> Option<Metric> {
    // The count pattern is large (numbers in words): run it only where a comparator is.
    let comparator_words = [
        "least",
        "less than",
        "fewer",
        "minimum",
        "more than",
        "maximum",
        "up to",
    ];
    let counted = comparator_words.iter().any(|k| lower_s.contains(k));
    if let Some(c) = counted.then(|| COUNT_RE.captures(lower_s)).flatten() {
        let n = match (c.get(2), c.get(3)) {
            (Some(d), _) => Decimal::from_str(&d.as_str().replace(',', "")).ok(),
            (None, Some(w)) => super::values::words_to_number(w.as_str()).map(Decimal::from),
            _ => None,
        };
        let noun = c.get(4).map_or("", |m| m.as_str());
        let last = noun.rsplit(' ').next().unwrap_or("");
        let is_time = matches!(
            last,
            "days" | "weeks" | "months" | "years" | "hours" | "minutes" | "times"
        ) && !noun.contains(' ');
        if let Some(n) = n
            && !is_time
            && !matches!(last, "parties" | "its" | "this" | "thereafter")
        {
            return Some(Metric {
                comparator: comparator_of(c.get(1).map_or("", |m| m.as_str())),
                value: n,
                unit: noun.to_owned(),
            });
        }
    }
    if let Some(m) = doc.money_in(a, z).first() {
        let before = &doc.lower
            [crate::text::floor_boundary(&doc.lower, m.start.saturating_sub(40).max(a))..m.start];
        return Some(Metric {
            comparator: ceiling_or_floor(before),
            value: m.money.amount,
            unit: m.money.currency.code().to_owned(),
        });
    }
    let pct = lower_s.contains('%') || lower_s.contains("percent") || lower_s.contains("per cent");
    for c in PCT_ANY_RE.captures_iter(lower_s).take_while(|_| pct) {
        let at = c.get(0).map_or(0, |m| m.start());
        let tail = &lower_s[crate::text::floor_boundary(lower_s, at.saturating_sub(30))..at];
        // "if an audit reveals an underpayment of more than 5%": a condition, not a measure.
        if ["more than", "exceed", "in excess of", "below", "less than"]
            .iter()
            .any(|k| tail.contains(k))
        {
            continue;
        }
        let v = c
            .get(1)
            .and_then(|m| Decimal::from_str(m.as_str()).ok())
            .or_else(|| {
                c.get(2)
                    .and_then(|w| super::values::words_to_number(w.as_str()))
                    .map(Decimal::from)
            });
        if let Some(v) = v {
            return Some(Metric {
                comparator: ceiling_or_floor(tail),
                value: v,
                unit: "%".into(),
            });
        }
    }
    for p in doc.periods_in(a, z) {
        let lb = crate::text::floor_boundary(&doc.lower, p.start.saturating_sub(60).max(a));
        let Some(c) = DURATION_CTX_RE.captures(&doc.lower[lb..p.start]) else {
            continue;
        };
        // "at least thirty (30) days before / in advance / prior notice" sets a deadline.
        let after = doc.lower[p.end..crate::text::floor_boundary(&doc.lower, (p.end + 24).min(z))]
            .trim_start_matches(['\'', '’', ')'])
            .trim_start();
        if [
            "before",
            "prior",
            "in advance",
            "notice",
            "of notice",
            "written notice",
        ]
        .iter()
        .any(|k| after.starts_with(k))
        {
            continue;
        }
        let op = c.get(1).or(c.get(2)).map_or("at least", |m| m.as_str());
        return Some(Metric {
            comparator: comparator_of(op),
            value: Decimal::from(p.period.count()),
            unit: period_unit_name(p.period.unit()).to_owned(),
        });
    }
    None
}

/// An amount is a ceiling when the words before it say so ("not to exceed", "up to"), else
/// the least the duty requires ("pay USD 480,000", "insurance of not less than …").
fn ceiling_or_floor(before: &str) -> Comparator {
    const CEILING: &[&str] = &[
        "not exceed",
        "not to exceed",
        "up to",
        "maximum",
        "no more than",
        "not more than",
        "capped at",
    ];
    if CEILING.iter().any(|k| before.contains(k)) {
        Comparator::AtMost
    } else {
        Comparator::AtLeast
    }
}

/// "20%", "twenty percent (20%)", "five per cent".
static PCT_ANY_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(\d{{1,3}}(?:\.\d{{1,4}})?)\s*(?:%|percent|per cent)|(?-u:\b)({})\s+(?:percent|per cent)(?-u:\b)",
        super::values::NUMBER_WORDS.as_str()
    ))
});

fn period_unit_name(u: PeriodUnit) -> &'static str {
    match u {
        PeriodUnit::Days => "days",
        PeriodUnit::BusinessDays => "business days",
        PeriodUnit::Weeks => "weeks",
        PeriodUnit::Months => "months",
        PeriodUnit::Years => "years",
    }
}

/// A short normalised form of the duty: the verb phrase after the modal, at most 16 words.
fn short_action(after_modal: &str) -> String {
    // "shall: (a) use Confidential Information solely for the Purpose; (b) …": the list's
    // first item says what the duty is.
    let t = after_modal.trim_start();
    let after_modal = match t.strip_prefix(':') {
        Some(list) => {
            let list = list.trim_start();
            match list.strip_prefix('(').and_then(|r| r.split_once(')')) {
                Some((label, rest)) if label.len() <= 4 => rest,
                _ => list,
            }
        }
        None => after_modal,
    };
    let words: Vec<&str> = after_modal.split_whitespace().take(16).collect();
    let mut s = words.join(" ");
    if let Some(i) = s.find([';', ':']) {
        s.truncate(i);
    }
    s.trim_end_matches(['.', ',', ';', ':']).to_owned()
}

/// Section numbers listed in survival clauses ("Sections 5, 7 and 9.2 shall survive").
fn surviving_sections(doc: &Doc<'_>) -> Vec<String> {
    static NUM_RE: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?-u:\b)(\d{1,2}(?:\.\d{1,2})*)(?-u:\b)"));
    let mut out = Vec::new();
    for (a, z) in &doc.sents {
        let s = &doc.lower[*a..*z];
        if !s.contains("surviv")
            || !(s.contains("section") || s.contains("article") || s.contains("clause"))
        {
            continue;
        }
        for m in NUM_RE.find_iter(s) {
            out.push(m.as_str().to_owned());
        }
    }
    out
}

/// The verb that gives a party a role, up to "as": "acts as", "shall serve as", "is appointed
/// as", "has been designated by the Funder as", or "appoints NAME as" (the party is then the
/// object, captured).
static ROLE_VERB_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?:acts?|acting|serves?|serving|(?:is|are|be|been)\s+(?:hereby\s+)?(?:appointed|designated|nominated)(?:\s+by\s+[^.;:,\n]{1,60}?)?|(?:appoints?|designates?|nominates?)\s+([^.;:\n]{1,80}?))\s+as\s+",
    )
});

/// What follows "as": a description ending in a defined name (`coordinator of the Project
/// (the "Coordinator")`; the description, then the name) …
static ROLE_DEFINED_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"^([^.;()"“”\n]{0,150}?)\(\s*(?:hereinafter\s+(?:referred\s+to\s+as\s+)?)?(?:the\s+)?["“]\s*([^"“”\n]{1,40}?)\s*["”]\s*\)"#,
    )
});

/// … or the role itself, capitalised and closing the clause (`as the Coordinator.`).
static ROLE_NAMED_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:the\s+)?((?:[A-Z][A-Za-z\-]*\s+){0,2}[A-Z][A-Za-z\-]*)\s*(?:[.,;)]|$)")
});

/// Roles the parties take on by a definition in the text ("Gridwise acts as coordinator of
/// the Project (the "Coordinator")", "Alpha is appointed as lead partner (the "Lead")",
/// "the Members appoint Beta as the Treasurer."): the role in lower case and the party's
/// short name. A role given to two different parties is ambiguous and left out.
fn defined_roles(doc: &Doc<'_>, parties: &Parties<'_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut ambiguous: Vec<String> = Vec::new();
    for c in ROLE_VERB_RE.captures_iter(&doc.lower) {
        let Some(m) = c.get(0) else { continue };
        let after = &doc.text
            [m.end()..crate::text::floor_boundary(doc.text, (m.end() + 240).min(doc.text.len()))];
        let role = match ROLE_DEFINED_RE.captures(after) {
            Some(d) => d
                .get(2)
                .filter(|r| defines_the_role(d.get(1).map_or("", |x| x.as_str()), r.as_str())),
            None => ROLE_NAMED_RE.captures(after).and_then(|r| r.get(1)),
        };
        let Some(role) = role.map(|r| crate::text::squash(r.as_str())) else {
            continue;
        };
        let key = role.to_ascii_lowercase();
        let key = key.strip_prefix("the ").unwrap_or(&key).to_owned();
        if key.is_empty() || is_generic_alias(&key) || EACH_RE.is_match(&key) {
            continue;
        }
        let party = if let Some(object) = c.get(1) {
            // "appoints Beta as": the party is the one appointed.
            parties_in(&doc.text[object.start()..object.end()], parties)
                .first()
                .cloned()
        } else {
            // "Gridwise acts as": the party named last in the clause before the verb.
            let start = doc.sentence_at(m.start()).map_or(0, |k| doc.sents[k].0);
            let before = &doc.text[start..m.start()];
            let clause = before
                .rfind([',', ';', ':'])
                .map_or(before, |i| &before[i + 1..]);
            parties_in(clause, parties).last().cloned()
        };
        let Some(party) = party else { continue };
        // A role that is already a party's own name needs no mapping.
        if parties.list.iter().any(|p| {
            p.value.name.eq_ignore_ascii_case(&role)
                || p.value
                    .aliases
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&role))
        }) {
            continue;
        }
        match out.iter().position(|(r, _)| *r == key) {
            Some(i) if out[i].1 != party => ambiguous.push(key),
            Some(_) => {}
            None => out.push((key, party)),
        }
    }
    out.retain(|(r, _)| !ambiguous.contains(r));
    out
}

/// Whether the name defined after `description` names the role rather than a thing the
/// description mentions: "coordinator of the Project (the "Coordinator")" and "administrative
/// partner (the "Administrator")" define roles; "distributor of the products listed in
/// Exhibit A (the "Products")" and "distributor, to sell its kits (the "Products")" define
/// the products.
fn defines_the_role(description: &str, name: &str) -> bool {
    let d = description.to_ascii_lowercase();
    let n = name.to_ascii_lowercase();
    // The role's own noun phrase: up to the first preposition or clause.
    let head_end = [
        " of ", " for ", " to ", " in ", " under ", " with ", " listed", ",",
    ]
    .iter()
    .filter_map(|w| d.find(w))
    .min()
    .unwrap_or(d.len());
    let words: Vec<&str> = n.split_whitespace().filter(|w| *w != "the").collect();
    // Else the name must follow a bare noun phrase, not a clause ("distributor, to sell
    // kits … (the "Products")").
    head_end == d.len() || words.iter().any(|w| find_word(&d[..head_end], w).is_some())
}

/// Nouns that name a party's role in an agreement, for texts that name no party.
const ROLE_NOUNS: &[&str] = &[
    "agency",
    "borrower",
    "business associate",
    "buyer",
    "city",
    "client",
    "collaborator",
    "company",
    "consultant",
    "contractor",
    "contributor",
    "controller",
    "county",
    "covered entity",
    "customer",
    "data provider",
    "data recipient",
    "developer",
    "discloser",
    "distributor",
    "franchisee",
    "franchisor",
    "grantee",
    "grantor",
    "institution",
    "investigator",
    "lender",
    "licensee",
    "licensor",
    "manufacturer",
    "partner",
    "processor",
    "provider",
    "purchaser",
    "recipient",
    "requestor",
    "reseller",
    "seller",
    "service provider",
    "sponsor",
    "subprocessor",
    "supplier",
    "university",
    "user",
    "vendor",
];

/// A defined "You" ("the party signing below (“You”)", `"You" (or "Your") shall mean`): the
/// text is addressed to the party it names so.
/// An opening that accepts the terms below it.
static ACCEPTS_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?:accept and agree|agree and accept|agrees?) to(?: be bound by)? the following terms[^.\n]*[.:]",
    )
});

static DEFINED_YOU_RE: LazyLock<Regex> = LazyLock::new(|| re(r#"["“”]\s*(?i:you)\s*["”]"#));

/// Verbs that report a promise ("agrees that …"); "acknowledges that" reports a fact
/// ("Contractor acknowledges that Company will not carry any insurance").
const PROMISE_VERBS: &[&str] = &[
    "agree",
    "agrees",
    "covenant",
    "covenants",
    "undertake",
    "undertakes",
];

/// The role a duty's subject names when the subject is only that role, capitalised as a
/// defined name ("Customer will pay …", "CONTRACTOR shall …", "The Provider will …"), or
/// "You" where the text defines it (`you` is then true).
fn role_subject(subject: &str, you: bool) -> Option<String> {
    // After a run-in heading ("3.5 Payment. Customer will pay …"): the subject is what follows.
    let s = subject.trim();
    let s = s.rsplit_once(". ").map_or(s, |(_, r)| r).trim();
    // The consequence of a condition: "If You change employers …, then You agree to …".
    let s = s.strip_prefix("then ").unwrap_or(s).trim();
    // A promise reported: "you agree that you will indemnify …", "Customer acknowledges and
    // agrees that Customer shall …": the subject is the one after "that".
    let s = match s.rsplit_once(" that ") {
        Some((promise, rest))
            if promise
                .rsplit(' ')
                .next()
                .is_some_and(|w| PROMISE_VERBS.contains(&w.to_ascii_lowercase().as_str())) =>
        {
            rest.trim()
        }
        _ => s,
    };
    // A list item's label ("(c) You are responsible to ensure …").
    let s = match s.strip_prefix('(').and_then(|r| r.split_once(')')) {
        Some((label, rest)) if label.len() <= 4 && label.chars().all(char::is_alphanumeric) => {
            rest.trim()
        }
        _ => s,
    };
    // A clause number the sentence starts with ("§7.5 You agree …").
    let s = match s.split_once(' ') {
        Some((n, rest)) if n.starts_with('§') || !n.chars().any(char::is_alphabetic) => {
            rest.trim()
        }
        _ => s,
    };
    let s = s
        .strip_prefix("The ")
        .or_else(|| s.strip_prefix("the "))
        .unwrap_or(s)
        .trim();
    let lower = s.to_ascii_lowercase();
    if you && lower == "you" {
        return Some("You".to_owned());
    }
    (s.starts_with(|c: char| c.is_ascii_uppercase()) && ROLE_NOUNS.contains(&lower.as_str()))
        .then(|| s.to_owned())
}

/// The party whose defined role is named in `lower` (lower case), the first one named.
fn party_by_role(lower: &str, roles: &[(String, String)]) -> Option<String> {
    roles
        .iter()
        .filter_map(|(r, p)| find_word(lower, r).map(|at| (at, p)))
        .min_by_key(|(at, _)| *at)
        .map(|(_, p)| p.clone())
}

/// Whether `lower` names every party by a collective name the opening defined: "each
/// Partner", "a withdrawing Member", "the Partners", "all Partners" (any one of them, or all).
fn names_all(lower: &str, collective: &[(String, bool)]) -> bool {
    const SINGULAR: &[&str] = &["each", "every", "any", "a", "an", "that", "such"];
    const PLURAL: &[&str] = &["the", "all", "both"];
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    collective.iter().any(|(n, plural)| {
        let name: Vec<&str> = n.split_whitespace().collect();
        let leads = if *plural { PLURAL } else { SINGULAR };
        (0..words.len()).any(|i| {
            words[i..].starts_with(&name)
                // The determiner just before the name, or before one adjective.
                && [1, 2]
                    .iter()
                    .any(|&k| i >= k && leads.contains(&words[i - k]))
        })
    })
}

/// Where an appositive before the modal starts ("Gridwise, as Coordinator, shall …": the
/// comma before "as"), so that the subject is read before it.
fn appositive_start(subject_l: &str) -> Option<usize> {
    let body = subject_l.trim_end().strip_suffix(',')?;
    let c = body.rfind(',')?;
    let seg = body[c + 1..].trim_start();
    let appositive = [
        "as ",
        "acting as ",
        "in its capacity as ",
        "in their capacity as ",
    ]
    .iter()
    .any(|p| seg.starts_with(p));
    (appositive && seg.split_whitespace().count() <= 8).then_some(c)
}

/// The items of a list run into one sentence ("… use the Product. b. Upon Customer's request,
/// Provider will delete …"), each read on its own: the sentence splitter keeps them together,
/// as "b." may abbreviate, and the classifier was trained on sentences split that way.
fn inline_items(text: &str, (a, z): (usize, usize)) -> InlineItems<'_> {
    InlineItems {
        text,
        a,
        next: a,
        z,
    }
}

/// The spans of [`inline_items`], found as they are read: most sentences are one item, and
/// every sentence holding a modal passes through here.
struct InlineItems<'a> {
    text: &'a str,
    /// The sentence's start and end, and where the next item starts.
    a: usize,
    next: usize,
    z: usize,
}

impl InlineItems<'_> {
    /// Where the item after the one starting at `from` starts: ". b. U…" after a sentence's end.
    fn item_after(&self, from: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        let mut i = from;
        // A byte search for the full stop, then a look at the next byte: `str::find(". ")`
        // sets up a substring searcher on every call, which cost more than the search.
        while let Some(p) = memchr::memchr(b'.', &b[i..self.z]) {
            if b.get(i + p + 1) != Some(&b' ') || i + p + 2 > self.z {
                i += p + 1;
                continue;
            }
            let at = i + p + 2;
            if at + 3 < self.z
                && b[at].is_ascii_lowercase()
                && b[at + 1] == b'.'
                && b[at + 2] == b' '
                && b[at + 3].is_ascii_uppercase()
                && at - self.a > 12
            {
                return Some(at);
            }
            i = at;
        }
        None
    }
}

impl Iterator for InlineItems<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        if self.next >= self.z {
            return None;
        }
        let start = self.next;
        let end = match self.item_after(start) {
            Some(s) => {
                self.next = s;
                self.text[..s].trim_end().len()
            }
            None => {
                self.next = self.z;
                self.z
            }
        };
        Some((start, end))
    }
}

/// Finds obligations and negative covenants.
pub(crate) fn extract(doc: &Doc<'_>, parties: &Parties<'_>) -> Vec<Found<ObligationFound>> {
    let surviving = surviving_sections(doc);
    let roles = defined_roles(doc, parties);
    let collective = super::parties::collective_names(doc);
    let you = parties.list.len() < 2 && DEFINED_YOU_RE.is_match(doc.text);
    // Where the opening accepts the terms that follow ("You accept and agree to the following
    // terms and conditions …"), what follows it is operative even before the first numbered
    // clause, which segmentation leaves to the cover matter.
    // Read only when a sentence of the cover matter is met: most documents have none with a
    // modal, and this spares them a scan of the whole text.
    let mut accepted_from: Option<Option<usize>> = None;
    let mut out = Vec::new();
    // Sentences holding a modal, found in one pass over the text.
    let mut with_modal: Vec<usize> = Vec::new();
    for m in MODAL_RE.find_iter(&doc.lower) {
        if let Some(k) = doc.sentence_at(m.start())
            && with_modal.last() != Some(&k)
        {
            with_modal.push(k);
        }
    }
    for (k, (a, z)) in with_modal
        .into_iter()
        .flat_map(|k| inline_items(doc.text, doc.sents[k]).map(move |span| (k, span)))
    {
        let Some(seg) = doc.segs.get(doc.sent_seg[k]) else {
            continue;
        };
        let operative_opening = seg.kind == SegmentKind::Title
            && accepted_from
                .get_or_insert_with(|| ACCEPTS_RE.find(&doc.lower).map(|m| m.end()))
                .is_some_and(|at| a >= at);
        if !operative_opening
            && matches!(
                seg.kind,
                SegmentKind::Title
                    | SegmentKind::Contents
                    | SegmentKind::Signature
                    | SegmentKind::Definitions
                    | SegmentKind::Recitals
                    | SegmentKind::Preamble
            )
        {
            continue;
        }
        if z - a > 1500 {
            continue;
        }
        let lower_s = &doc.lower[a..z];
        let Some(m) = MODAL_RE.find(lower_s) else {
            continue;
        };
        let modal = m.as_str();
        if NON_DUTY_RE.is_match(&lower_s[m.start()..]) && !modal.contains("not") {
            continue;
        }
        let subject_l = &lower_s[..m.start()];
        let subject_l = &subject_l[..appositive_start(subject_l).unwrap_or(subject_l.len())];
        // Conditions and relative clauses before the subject: take the last clause.
        let subj_start = subject_l.rfind([',', ';', ':']).map_or(0, |i| i + 1);
        let subject_l2 = &subject_l[subj_start..];
        let subject_o = &doc.text[a + subj_start..a + subject_l.len()];
        let negative = modal.contains("not")
            || modal.contains("never")
            || modal.contains("in no event")
            || subject_l2.contains("neither")
            || subject_l2.trim_start().starts_with("no ");
        if negative && NON_DUTY_RE.is_match(&lower_s[m.start()..]) {
            continue;
        }
        let names = parties_in(subject_o, parties);
        // A role word names whichever party plays it ("the Recipient shall …"), unless a
        // party was defined by a name that holds it ("the Recipient Institution").
        let each = EACH_RE.find_iter(subject_l2).any(|m| {
            names.is_empty()
                || !matches!(
                    m.as_str(),
                    "recipient"
                        | "the receiving party"
                        | "a receiving party"
                        | "the disclosing party"
                        | "the indemnifying party"
                )
        }) || names_all(subject_l2, &collective);
        let mut by_role = false;
        // "You agree that it is your responsibility to notify …": the duty is yours.
        let yours = modal.contains(" your ");
        let obligor = if each {
            Some("each".to_owned())
        } else if yours {
            parties_in("You", parties)
                .into_iter()
                .next()
                .or_else(|| you.then(|| "You".to_owned()))
        } else {
            names
                .last()
                .cloned()
                .or_else(|| {
                    // "The Coordinator shall …": the party that role was given to.
                    let p = party_by_role(subject_l2, &roles);
                    by_role = p.is_some();
                    p
                })
                .or_else(|| {
                    // A text that names no parties (a template, terms whose parties fill
                    // in a cover page, "the Licensee (CONTRACTOR)") binds its roles.
                    let p = (parties.list.len() < 2)
                        .then(|| role_subject(subject_o, you))
                        .flatten();
                    by_role = p.is_some();
                    p
                })
                .or_else(|| {
                    // The whole subject (before earlier commas) may name the party.
                    let names = parties_in(&doc.text[a..a + m.start()], parties);
                    if subject_l2.split_whitespace().count() <= 2
                        && (subject_l2.contains("it ")
                            || subject_l2.trim() == "it"
                            || subject_l2.trim() == "such party"
                            || subject_l2.trim() == "which")
                    {
                        // "… exclude that Partner, which shall": a party, or any of them.
                        names.last().cloned().or_else(|| {
                            names_all(&doc.lower[a..a + m.start()], &collective)
                                .then(|| "each".to_owned())
                        })
                    } else {
                        None
                    }
                })
        };
        let Some(obligor) = obligor else { continue };
        // Subjects that are things, not parties ("the fees shall be …").
        if subject_l2.split_whitespace().count() > 14 {
            continue;
        }
        let after_o = &doc.text[a + m.end()..z];
        let action = short_action(after_o);
        if action.split_whitespace().count() < 2 {
            continue;
        }
        let beneficiary = parties_in(after_o, parties)
            .into_iter()
            .find(|p| *p != obligor)
            .or_else(|| {
                let roles: Vec<_> = roles
                    .iter()
                    .filter(|(_, p)| *p != obligor)
                    .cloned()
                    .collect();
                party_by_role(&lower_s[m.end()..], &roles)
            });
        let mut due = timing(doc, a, z, a + m.end());
        if let DueRule::After {
            event: event @ Event::Termination,
            ..
        } = &mut due
            && let Some(c) = TERMINATES_RE.captures(&doc.lower[a..a + m.start()])
            && let Some(who) = c.get(1)
            && !matches!(
                who.as_str().trim(),
                "either party" | "a party" | "any party"
            )
        {
            // The text as written (not lower-cased): the offsets are the same.
            let party = doc.text[a + who.start()..a + who.end()].trim().to_owned();
            *event = Event::TerminationBy {
                party,
                clause: c.get(2).map(|m| m.as_str().to_owned()),
            };
        }
        let metric = if negative {
            None
        } else {
            metric(doc, a, z, lower_s)
        };
        let vague = !negative
            && metric.is_none()
            && matches!(due, DueRule::None)
            && VAGUE_RE.is_match(lower_s);
        let in_surviving = seg.number.as_ref().is_some_and(|n| {
            let n = n
                .trim_start_matches("Article ")
                .trim_matches(['(', ')', '.']);
            surviving
                .iter()
                .any(|s| s == n || n.starts_with(&format!("{s}.")))
        });
        let survives = in_surviving || SURVIVE_RE.is_match(lower_s);
        let text = crate::text::squash(&doc.text[a..z]);
        let confidence = if each || find_word(subject_o, &obligor).is_some() {
            0.8
        } else if by_role {
            0.7
        } else {
            0.6
        };
        out.push(Found::new(
            ObligationFound {
                obligor,
                beneficiary,
                action,
                text,
                due,
                metric,
                vague,
                survives,
                negative,
            },
            (a, z),
            confidence,
        ));
    }
    let _ = display_name;
    out
}

/// Whether a period counts business days (helper for JSON output).
pub(crate) fn is_business(p: &Period) -> bool {
    p.unit() == PeriodUnit::BusinessDays
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obls(t: &str) -> Vec<ObligationFound> {
        let d = Doc::new(t);
        let p = crate::extract::parties::extract(&d);
        extract(&d, &Parties::new(&p))
            .into_iter()
            .map(|f| f.value)
            .collect()
    }

    /// The duty whose sentence holds `needle`.
    fn find<'a>(o: &'a [ObligationFound], needle: &str) -> &'a ObligationFound {
        o.iter()
            .find(|x| x.text.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not in {o:#?}"))
    }

    #[test]
    fn what_no_longer_binds_after_termination_is_no_duty() {
        let t = format!(
            "{PRE}1. Effect of Termination\n\n1.1 Helix will no longer have any right to use the Platform.\n\n1.2 Northwind will no longer have to provide the Services.\n\n1.3 Helix will no longer be required to provide Feedback.\n\n1.4 Helix shall return all Confidential Information within 30 days.\n"
        );
        let o = obls(&t);
        assert!(o.iter().all(|x| !x.text.contains("no longer")), "{o:#?}");
        assert_eq!(find(&o, "return all Confidential").obligor, "Helix");
    }

    #[test]
    fn an_opening_that_accepts_the_terms_below_is_operative() {
        let t = "Individual Contributor License Agreement (\"Agreement\")\n\nThank you for your interest in the Project.\n\nYou accept and agree to the following terms and conditions for Your Contributions.\n\nIf You are executing this document on behalf of an entity, then:\n(a) You warrant that You have the authority to bind the entity;\n(c) You are responsible to ensure that Contributions from your entity are submitted by your designated employees;\n\n1. Definitions. \"You\" (or \"Your\") shall mean the copyright owner.\n\n2. Notice. You agree to notify the Project of any change.\n";
        let o = obls(t);
        let d = find(&o, "(c) You are responsible to ensure");
        assert_eq!(d.obligor, "You");
        assert!(d.action.starts_with("ensure that Contributions"), "{d:?}");
        // Without the acceptance the opening stays cover matter.
        let t = t.replace(
            "You accept and agree to the following terms and conditions for Your Contributions.",
            "Please read this document carefully.",
        );
        let o = obls(&t);
        assert!(o.iter().all(|x| !x.text.contains("(c) You")), "{o:#?}");
        assert!(
            o.iter().any(|x| x.text.contains("You agree to notify")),
            "{o:#?}"
        );
    }

    #[test]
    fn accepting_the_terms_is_no_duty() {
        let t = "CONTRIBUTOR LICENSE AGREEMENT\n\nThis Contributor License Agreement is entered into by and between Northwind Systems, Inc. (\"Northwind\") and _______________ (\"Contributor\").\n\n1. Contributor accepts and agrees to the terms and conditions of this CLA, which govern any present or future work.\n\n2. Each party agrees to be bound by the following terms.\n\n8. Contributor agrees to notify Northwind of any facts that would make any representation inaccurate.\n";
        let o = obls(t);
        assert_eq!(o.len(), 1, "{o:#?}");
        assert_eq!(o[0].obligor, "Contributor");
        assert!(o[0].action.starts_with("notify Northwind"), "{o:#?}");
    }

    const PRE: &str = "This Agreement is made between Northwind Systems, Inc. (\"Northwind\") and Helix Data Labs LLC (\"Helix\").\n\n";

    #[test]
    fn counts_money_percentages_and_durations_are_thresholds() {
        let t = format!(
            "{PRE}1. Commitments\n\n1.1 Helix shall launch at least twelve (12) co-branded products no later than October 15, 2025.\n\n1.2 Northwind shall maintain product liability insurance of not less than USD 5,000,000 per claim.\n\n1.3 Helix shall keep records of Net Revenue for at least three (3) years after the period to which they relate.\n\n1.4 Helix shall pay Northwind fifteen percent (15%) of the net revenue it receives.\n\n1.5 Northwind shall give Helix at least sixty (60) days' prior written notice of any change to its interfaces.\n\n1.6 If an audit reveals an underpayment of more than five percent (5%), Helix shall reimburse the cost of the audit.\n\n1.7 Northwind shall spend no more than USD 40,000 of the budget on the launch event.\n"
        );
        let o = obls(&t);
        let metric_of = |needle: &str| find(&o, needle).metric.clone();
        let m = metric_of("twelve (12)").expect("count");
        assert_eq!(
            (m.comparator, m.value.to_string(), m.unit.as_str()),
            (Comparator::AtLeast, "12".into(), "co-branded products")
        );
        let m = metric_of("insurance").expect("money");
        assert_eq!(
            (m.comparator, m.value.to_string(), m.unit.as_str()),
            (Comparator::AtLeast, "5000000".into(), "USD")
        );
        let m = metric_of("keep records").expect("duration");
        assert_eq!(
            (m.comparator, m.value.to_string(), m.unit.as_str()),
            (Comparator::AtLeast, "3".into(), "years")
        );
        let m = metric_of("fifteen percent").expect("percentage");
        assert_eq!((m.value.to_string(), m.unit.as_str()), ("15".into(), "%"));
        let m = metric_of("budget").expect("ceiling");
        assert_eq!(
            (m.comparator, m.value.to_string()),
            (Comparator::AtMost, "40000".into())
        );
        // Advance notice is a deadline, and a percentage in a condition measures nothing.
        assert_eq!(metric_of("prior written notice"), None);
        assert_eq!(metric_of("underpayment"), None);
    }

    #[test]
    fn a_duty_on_one_party_terminating_records_who_and_under_which_clause() {
        let t = format!(
            "{PRE}12. Termination\n\n12.3 If Northwind terminates this Agreement under clause 12.2, Northwind shall pay Helix a termination fee of EUR 50,000 within thirty (30) days after the date of termination.\n\n12.4 Within thirty (30) days after termination or expiry of this Agreement, each Party shall return the other Party's Confidential Information.\n\n12.5 If either Party terminates this Agreement, each Party shall deliver a final report within fifteen (15) days after termination.\n"
        );
        let o = obls(&t);
        let fee = find(&o, "termination fee");
        assert_eq!(fee.obligor, "Northwind");
        assert!(
            matches!(&fee.due, DueRule::After { event: Event::TerminationBy { party, clause }, .. }
                if party == "Northwind" && clause.as_deref() == Some("12.2")),
            "{:?}",
            fee.due
        );
        // No condition on who terminates: due after any ending.
        for needle in ["return the other", "final report"] {
            let r = find(&o, needle);
            assert!(
                matches!(
                    &r.due,
                    DueRule::After {
                        event: Event::Termination,
                        ..
                    }
                ),
                "{needle}: {:?}",
                r.due
            );
        }
    }

    #[test]
    fn a_duty_of_a_defined_role_binds_the_party_given_it() {
        let t = format!(
            "{PRE}2. Scope\n\n2.1 The Parties form a consortium to build the platform (the \"Project\"). Northwind acts as coordinator of the Project (the \"Coordinator\").\n\n2.2 The Coordinator shall circulate an agenda at least ten (10) Business Days before each meeting.\n\n2.3 Helix shall deliver to the Coordinator a written report within fifteen (15) days after the end of each calendar quarter.\n\n2.4 The Parties' liability shall be limited as set out below.\n"
        );
        let o = obls(&t);
        let agenda = find(&o, "circulate an agenda");
        assert_eq!(agenda.obligor, "Northwind");
        // The role names the beneficiary too.
        let report = find(&o, "written report");
        assert_eq!(
            (report.obligor.as_str(), report.beneficiary.as_deref()),
            ("Helix", Some("Northwind"))
        );
    }

    #[test]
    fn roles_given_by_appointment_or_act_as_bind_their_party() {
        for (given, subject) in [
            (
                "Helix is appointed as lead partner of the Programme (the \"Lead\").",
                "The Lead",
            ),
            (
                "Helix shall act as the Programme's administrative partner (hereinafter the \"Administrator\").",
                "The Administrator",
            ),
            ("Helix shall act as the Treasurer.", "The Treasurer"),
            (
                "The Parties appoint Helix as treasurer of the joint account (the \"Treasurer\").",
                "The Treasurer",
            ),
            (
                "Helix shall serve as Programme Manager.",
                "The Programme Manager",
            ),
        ] {
            let t = format!(
                "{PRE}3. Roles\n\n3.1 {given}\n\n3.2 {subject} shall send the Parties a statement of the joint budget within thirty (30) days after the end of each calendar quarter.\n"
            );
            let o = obls(&t);
            assert_eq!(
                find(&o, "statement of the joint").obligor,
                "Helix",
                "{given}"
            );
        }
    }

    #[test]
    fn a_name_defined_for_a_thing_after_an_appointment_is_no_role() {
        let t = format!(
            "{PRE}1. Appointment\n\n1.1 Northwind appoints Helix as its exclusive distributor of the products listed in Exhibit A (the \"Products\") in the Territory.\n\n1.2 Northwind shall deliver Products FCA Northwind's warehouse within ten (10) business days after order confirmation.\n\n1.3 The Products shall comply with the specifications in Exhibit B.\n\n1.4 Helix appoints Northwind as a non-exclusive agent, to resell its test kits and instruments (the \"Goods\").\n\n1.5 The Goods shall carry the labels set out in Exhibit C.\n"
        );
        let o = obls(&t);
        assert_eq!(find(&o, "FCA").beneficiary, None);
        for needle in ["specifications", "labels"] {
            assert!(
                !o.iter().any(|x| x.text.contains(needle)),
                "{needle}: {o:#?}"
            );
        }
    }

    #[test]
    fn items_of_a_list_run_into_one_sentence_are_read_one_by_one() {
        let t = "CLOUD SERVICE AGREEMENT\n\nThis Agreement is made between Northwind Ltd (\"Provider\") and Helix plc (\"Customer\").\n\n5. Effect of Termination. Upon any expiration or termination: a. Customer will no longer have any right to use the Product. b. Upon Customer's request, Provider will delete Customer Content within 60 days. c. Customer will pay all unpaid Fees within 30 days.\n";
        let o = obls(t);
        assert_eq!(find(&o, "delete Customer Content").obligor, "Provider");
        assert_eq!(find(&o, "unpaid Fees").obligor, "Customer");
        assert!(!o.iter().any(|x| x.action.contains("no longer")), "{o:#?}");
    }

    #[test]
    fn a_party_named_after_a_role_is_bound_by_name() {
        // "Recipient" alone is whichever party receives; "the Recipient Institution" is the
        // party defined by that name.
        let t = "DATA USE AGREEMENT\n\nThis Agreement is made between Lakeshore State University (\"LEDA\") and Ridgeview College, a Wisconsin corporation (the \"Recipient Institution\").\n\n1. Use\n\n1.1 The Recipient Institution shall notify LEDA in writing within 48 hours of any unauthorised disclosure.\n\n1.2 The Recipient shall return all Confidential Information within ten (10) days after termination.\n";
        let o = obls(t);
        assert_eq!(find(&o, "within 48 hours").obligor, "Recipient Institution");
        assert_eq!(find(&o, "return all Confidential").obligor, "each");
    }

    #[test]
    fn collective_names_bind_every_party_and_a_designated_lead_its_own() {
        let t = "CONSORTIUM AGREEMENT\n\nbetween\n\n(1) ALPHA ROBOTICS LIMITED, a company incorporated in Scotland (\"Alpha\");\n\n(2) BETA SUBSEA LTD, a company incorporated in Scotland (\"Beta\"); and\n\n(3) GAMMA MARINE LTD, a company incorporated in Scotland (\"Gamma\"),\n\n(each a \"Partner\" and together the \"Partners\").\n\nWHEREAS\n\n(A) Beta has been designated by the Funder as lead partner (the \"Lead Partner\").\n\nNOW THEREFORE THE PARTNERS AGREE AS FOLLOWS:\n\n1. Project\n\n1.1 The Lead Partner shall submit the quarterly claims within ten (10) working days after the end of each calendar quarter.\n\n1.2 Each Partner shall provide the Lead Partner with its financial claim no later than five (5) working days after the end of each calendar quarter.\n\n1.3 The Partners shall establish a Steering Board within thirty (30) days after the Effective Date.\n";
        let o = obls(t);
        assert_eq!(find(&o, "quarterly claims").obligor, "Beta");
        let claim = find(&o, "financial claim");
        assert_eq!(
            (claim.obligor.as_str(), claim.beneficiary.as_deref()),
            ("each", Some("Beta"))
        );
        assert_eq!(find(&o, "Steering Board").obligor, "each");
        // Any one partner, named with an adjective or referred back to.
        let t = format!(
            "{t}\n1.4 A withdrawing Partner shall deliver its results within thirty (30) days after its withdrawal.\n\n1.5 If a Partner commits a material breach, the Steering Board may exclude that Partner, which shall then transfer its deliverables to the Lead Partner.\n\n1.6 The Partnership Fund shall be held in a separate account.\n"
        );
        let o = obls(&t);
        assert_eq!(find(&o, "withdrawing").obligor, "each");
        assert_eq!(find(&o, "then transfer").obligor, "each");
        assert!(
            !o.iter().any(|x| x.text.contains("Partnership Fund")),
            "{o:#?}"
        );
    }

    #[test]
    fn a_role_given_to_two_parties_binds_neither() {
        let t = format!(
            "{PRE}3. Roles\n\n3.1 Helix acts as coordinator of the first phase (the \"Coordinator\").\n\n3.2 Northwind acts as coordinator of the second phase (the \"Coordinator\").\n\n3.3 The Coordinator shall send the Parties a statement of the budget within thirty (30) days after the end of each calendar quarter.\n"
        );
        let o = obls(&t);
        assert!(
            !o.iter().any(|x| x.text.contains("statement of the budget")),
            "{o:#?}"
        );
    }

    #[test]
    fn an_appositive_role_before_the_modal_leaves_the_party_as_subject() {
        let t = format!(
            "{PRE}5. Governance\n\n5.4 Coordinator. Northwind, as Coordinator, shall deliver to the Parties a consolidated progress report within thirty (30) days after the end of each calendar quarter.\n\n5.5 Helix, acting as the Parties' agent, shall file the annual return within sixty (60) days after the end of each year.\n"
        );
        let o = obls(&t);
        assert_eq!(find(&o, "consolidated progress").obligor, "Northwind");
        assert_eq!(find(&o, "annual return").obligor, "Helix");
    }

    #[test]
    fn duties_with_timing_thresholds_and_flags() {
        let t = format!(
            "{PRE}1. Governance\n\n1.1 Each Party shall appoint three (3) representatives within thirty (30) days after the Effective Date.\n\n1.2 The committee shall meet at least once every calendar quarter.\n\n1.3 Northwind shall circulate written minutes within five (5) business days after each meeting.\n\n1.4 Helix shall ensure 99.9% monthly uptime of the Platform.\n\n1.5 Helix shall respond to Severity 1 incidents within four (4) business hours.\n\n1.6 The Parties shall use reasonable efforts to collaborate on joint marketing.\n\n1.7 Neither Party shall disparage the other.\n\n1.8 Northwind shall pay Helix within thirty (30) days of receipt of an invoice.\n"
        );
        let o = obls(&t);
        let find = |needle: &str| find(&o, needle);
        let a = find("appoint three");
        assert_eq!(a.obligor, "each");
        assert!(
            matches!(&a.due, DueRule::After { period, event: Event::Effective } if period.to_string() == "P30D")
        );
        let m = find("circulate written minutes");
        assert_eq!(m.obligor, "Northwind");
        assert!(matches!(&m.due, DueRule::After { period, .. } if period.to_string() == "P5BD"));
        let u = find("99.9%");
        assert_eq!(
            u.metric.as_ref().map(|m| m.value.to_string()).as_deref(),
            Some("99.9")
        );
        let r = find("four (4) business hours");
        assert_eq!(
            r.metric.as_ref().map(|m| m.unit.as_str()),
            Some("business hours")
        );
        let v = find("reasonable efforts");
        assert!(v.vague);
        let n = find("disparage");
        assert!(n.negative);
        let p = find("receipt of an invoice");
        assert!(matches!(
            &p.due,
            DueRule::After {
                event: Event::Invoice,
                ..
            }
        ));
        assert_eq!(p.beneficiary.as_deref(), Some("Helix"));
        let q = find("calendar quarter");
        assert!(matches!(
            q.due,
            DueRule::Recurring {
                frequency: Frequency::Quarterly,
                ..
            }
        ));
    }
}
