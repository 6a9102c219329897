//! Text helpers for checks: sentences of a clause with their character spans, duty-like
//! sentences, phrase matching that ignores case and spacing, and metric/deadline detection.

use crate::subject::{Span, Subject, SubjectClause};
use entente_domain::{Period, PeriodUnit};
use regex::Regex;
use std::sync::LazyLock;

/// A sentence of a clause, with its span in the agreement's text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sentence {
    /// The sentence.
    pub(crate) text: String,
    /// Lowercased (ASCII) for matching.
    pub(crate) lower: String,
    /// Where it is.
    pub(crate) span: Span,
}

pub(crate) fn re(p: &str) -> Regex {
    // The patterns are literals of this module, covered by its tests.
    Regex::new(p).unwrap_or_else(|e| panic!("invalid built-in pattern {p:?}: {e}"))
}

static LIST_MARKER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(?:\(?[a-z0-9]{1,4}[.)]|[-•*–]|§|article\b|clause\b|section\b)"));

/// Splits a clause into sentences (and list items), with character spans.
pub(crate) fn sentences(c: &SubjectClause) -> Vec<Sentence> {
    let chars: Vec<char> = c.text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let n = chars.len();
    let push = |out: &mut Vec<Sentence>, a: usize, b: usize| {
        let s: String = chars[a..b].iter().collect();
        let lead = s.len() - s.trim_start().len();
        let t = s.trim();
        if t.chars().filter(|c| c.is_alphabetic()).count() < 3 {
            return;
        }
        let a2 = a + s[..lead].chars().count();
        let text = t.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push(Sentence {
            lower: text.to_ascii_lowercase(),
            text,
            span: Span {
                start: c.start + a2,
                end: c.start + a2 + t.chars().count(),
            },
        });
    };
    while i < n {
        let ch = chars[i];
        let end_here = match ch {
            '.' | '!' | '?' | ';' => {
                // A terminator followed by space and an upper-case letter, digit, quote or
                // bracket ends a sentence ("U.S. dollars" and "e.g. the" do not).
                let mut j = i + 1;
                while j < n && matches!(chars[j], '"' | '”' | '’' | ')') {
                    j += 1;
                }
                j < n
                    && chars[j].is_whitespace()
                    && chars[j + 1..]
                        .iter()
                        .find(|c| !c.is_whitespace())
                        .is_some_and(|c| {
                            c.is_uppercase()
                                || c.is_ascii_digit()
                                || matches!(c, '(' | '"' | '“' | '[')
                        })
                    && !(ch == '.' && i >= 2 && chars[i - 2] == '.' && chars[i - 1].is_alphabetic())
                    && !(ch == '.'
                        && i >= 1
                        && chars[i - 1].is_uppercase()
                        && (i < 2 || !chars[i - 2].is_alphabetic()))
            }
            '\n' => {
                let line_end = chars[start..i].iter().rev().find(|c| !c.is_whitespace());
                let line: String = chars[start..i].iter().collect();
                let last_line = line.rsplit('\n').next().unwrap_or("");
                let rest: String = chars[i + 1..n.min(i + 40)].iter().collect();
                let next_blank = rest.starts_with('\n') || rest.trim().is_empty();
                line_end.is_some_and(|c| matches!(c, '.' | ':' | ';' | '!' | '?'))
                    || last_line.trim().chars().count() < 60
                    || next_blank
                    || LIST_MARKER.is_match(&rest.to_ascii_lowercase())
            }
            _ => false,
        };
        if end_here {
            push(&mut out, start, i + 1);
            start = i + 1;
        }
        i += 1;
    }
    if start < n {
        push(&mut out, start, n);
    }
    out
}

static DUTY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:shall|will|must|agrees to|undertakes to|(?:is|are) responsible for|commits to)\b|\b(?:parties|party|they|we)\s+(?:hereby\s+)?(?:agree|undertake|commit)\s+to\b",
    )
});
static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:shall|will|must|may)\s+not\b|\bneither\s+(?:party|of)\b|\bno\s+(?:party|member|partner)\s+(?:shall|will|may)\b",
    )
});
static NOT_A_DUTY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:this|the)\s+(?:agreement|memorandum|mou|letter|contract|term)\b|\bshall\s+(?:be\s+governed|mean|have\s+the\s+meaning|survive|continue|commence|terminate|expire|remain\s+in\s+force|not\s+be\s+construed)\b|\bwill\s+(?:continue|commence|expire|terminate|remain)\b",
    )
});

/// Categories whose sentences are not operative duties (boilerplate, disputes, definitions).
const NOT_DUTY_CATEGORIES: &[&str] = &[
    "recitals",
    "definitions",
    "signatures",
    "dispute_resolution",
    "negotiation_escalation",
    "mediation",
    "arbitration",
    "governing_law",
    "jurisdiction_venue",
    "notices",
    "entire_agreement",
    "severability",
    "amendment_waiver",
    "counterparts",
    "relationship_of_parties",
];

/// Whether a (lowercased) sentence reads as a positive duty.
pub(crate) fn is_duty(lower: &str) -> bool {
    DUTY.is_match(lower) && !NOT_A_DUTY.is_match(lower) && {
        // A prohibition only: every duty word is negated.
        let duties = DUTY.find_iter(lower).count();
        let negs = NEGATIVE.find_iter(lower).count();
        duties > negs
    }
}

static MEASURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\d|%|\b(?:within|no later than|not later than|at least|at most|not less than|not more than|each (?:calendar )?(?:day|week|month|quarter|year)|every|daily|weekly|monthly|quarterly|annually|yearly|per cent|percent|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|forty-five|sixty|ninety|january|february|march|april|june|july|august|september|october|november|december)\b",
    )
});

/// Whether a (lowercased) sentence states a number, period, date or frequency.
pub(crate) fn has_measure(lower: &str) -> bool {
    // A clause number ("5.1", "(b)", "Section 3.2") numbers the duty; it measures nothing.
    let body = LEADING_NUMBER
        .find(lower)
        .map_or(lower, |m| &lower[m.end()..]);
    MEASURE.is_match(body)
}

static LEADING_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:(?:section|clause|article)\s+)?(?:\d{1,3}(?:\.\d{1,3})*\.?|\(?[a-z]{1,4}\)|\(\d{1,3}\))\s+",
    )
});

static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|eighteen|twenty|twenty-one|twenty-four|thirty|forty-five|sixty|ninety|one hundred (?:and )?twenty|one hundred (?:and )?eighty)\b(?:\s*\(\d{1,3}\))?\s+((?:business|working|calendar)\s+)?(days?|weeks?|months?|years?)\b",
    )
});

fn word_number(w: &str) -> Option<u32> {
    Some(match w {
        "one" => 1,
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
        "fourteen" => 14,
        "fifteen" => 15,
        "eighteen" => 18,
        "twenty" => 20,
        "twenty-one" => 21,
        "twenty-four" => 24,
        "thirty" => 30,
        "forty-five" => 45,
        "sixty" => 60,
        "ninety" => 90,
        w if w.starts_with("one hundred") && w.ends_with("twenty") => 120,
        w if w.starts_with("one hundred") && w.ends_with("eighty") => 180,
        other => return other.parse().ok(),
    })
}

/// The first period a (lowercased) text states ("thirty (30) days", "6 months", "15 business
/// days").
pub(crate) fn period_in(lower: &str) -> Option<Period> {
    let c = PERIOD.captures(lower)?;
    let n = word_number(c.get(1)?.as_str())?;
    let business = c
        .get(2)
        .is_some_and(|m| !m.as_str().starts_with("calendar"));
    let unit = match c.get(3)?.as_str() {
        u if u.starts_with("day") && business => PeriodUnit::BusinessDays,
        u if u.starts_with("day") => PeriodUnit::Days,
        u if u.starts_with("week") => PeriodUnit::Weeks,
        u if u.starts_with("month") => PeriodUnit::Months,
        _ => PeriodUnit::Years,
    };
    Period::new(n, unit).ok()
}

/// Finds phrases regardless of case and spacing, on word boundaries.
#[derive(Debug, Clone)]
pub(crate) struct Phrases {
    list: Vec<(String, Regex)>,
}

impl Phrases {
    pub(crate) fn new(words: &[String]) -> Self {
        let list = words
            .iter()
            .filter_map(|w| {
                let parts: Vec<String> = w
                    .to_ascii_lowercase()
                    .split_whitespace()
                    .map(regex::escape)
                    .collect();
                if parts.is_empty() {
                    return None;
                }
                Regex::new(&format!(r"\b{}\b", parts.join(r"\s+")))
                    .ok()
                    .map(|r| (w.clone(), r))
            })
            .collect();
        Self { list }
    }

    /// The phrases found in a lowercased text, in list order.
    pub(crate) fn found_in(&self, lower: &str) -> Vec<&str> {
        self.list
            .iter()
            .filter(|(_, r)| r.is_match(lower))
            .map(|(w, _)| w.as_str())
            .collect()
    }
}

/// A duty of the agreement: from analysis, or a duty-like sentence analysis did not list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Duty {
    /// The sentence.
    pub(crate) text: String,
    /// Lowercased.
    pub(crate) lower: String,
    /// Where.
    pub(crate) span: Option<Span>,
    /// Analysis judged it vague.
    pub(crate) vague_by_analysis: bool,
    /// It states a deadline, frequency or threshold.
    pub(crate) measured: bool,
}

/// Every duty: analysis's obligations, plus duty-like sentences outside them.
pub(crate) fn duties(s: &Subject) -> Vec<Duty> {
    let mut out: Vec<Duty> = s
        .obligations
        .iter()
        .map(|o| {
            let lower = o.text.to_ascii_lowercase();
            let measured =
                !matches!(o.due, entente_domain::obligation::DueRule::None) || o.metric.is_some();
            Duty {
                text: o.text.split_whitespace().collect::<Vec<_>>().join(" "),
                lower,
                span: o.span,
                vague_by_analysis: o.vague,
                measured,
            }
        })
        .collect();
    let taken: Vec<Span> = out.iter().filter_map(|d| d.span).collect();
    for c in &s.clauses {
        if c.categories
            .iter()
            .any(|x| NOT_DUTY_CATEGORIES.contains(&x.as_str()))
            && !c.has("obligations_performance")
        {
            continue;
        }
        for sent in sentences(c) {
            if !is_duty(&sent.lower) {
                continue;
            }
            let overlaps = taken
                .iter()
                .any(|t| t.start < sent.span.end && sent.span.start < t.end);
            if overlaps {
                continue;
            }
            out.push(Duty {
                measured: has_measure(&sent.lower),
                text: sent.text,
                lower: sent.lower,
                span: Some(sent.span),
                vague_by_analysis: false,
            });
        }
    }
    out.sort_by_key(|d| d.span.map_or(usize::MAX, |s| s.start));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(text: &str) -> SubjectClause {
        SubjectClause {
            number: None,
            heading: None,
            start: 100,
            end: 100 + text.chars().count(),
            text: text.into(),
            categories: vec![],
        }
    }

    #[test]
    fn sentences_split_at_terminators_and_keep_character_spans() {
        let c = clause(
            "1.1 Each party will promptly inform the other. The fee is USD 5 m. Payable in U.S. dollars.\nGSR will meet from time to time",
        );
        let s = sentences(&c);
        let texts: Vec<&str> = s.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "1.1 Each party will promptly inform the other.",
                "The fee is USD 5 m.",
                "Payable in U.S. dollars.",
                "GSR will meet from time to time"
            ]
        );
        let all: Vec<char> = c.text.chars().collect();
        let first: String = all[s[0].span.start - 100..s[0].span.end - 100]
            .iter()
            .collect();
        assert_eq!(first, s[0].text);
    }

    #[test]
    fn duties_are_positive_and_prohibitions_are_not() {
        assert!(is_duty(
            "each party will promptly inform the other of developments."
        ));
        assert!(is_duty("helix shall respond within four hours."));
        assert!(!is_duty("neither party shall issue a press release."));
        assert!(!is_duty(
            "this agreement shall be governed by the laws of new york."
        ));
        assert!(!is_duty("the parties may agree to extend."));
    }

    #[test]
    fn phrases_ignore_case_and_spacing_on_word_boundaries() {
        let p = Phrases::new(&["reasonable  efforts".into(), "support".into()]);
        assert_eq!(
            p.found_in("use commercially reasonable\nefforts to help"),
            ["reasonable  efforts"]
        );
        assert!(p.found_in("supported by").is_empty());
    }

    #[test]
    fn periods_are_read_in_words_and_digits() {
        assert_eq!(
            period_in("within thirty (30) days after"),
            Period::days(30).ok()
        );
        assert_eq!(
            period_in("at least six months prior to the expiration"),
            Period::months(6).ok()
        );
        assert_eq!(
            period_in("fifteen working days"),
            Period::new(15, PeriodUnit::BusinessDays).ok()
        );
        assert_eq!(period_in("one hundred eighty days"), Period::days(180).ok());
        assert_eq!(period_in("promptly"), None);
    }

    #[test]
    fn measures_are_numbers_periods_and_frequencies() {
        assert!(has_measure("respond within four (4) business hours"));
        assert!(has_measure("meet quarterly"));
        assert!(!has_measure("work together in good faith as appropriate"));
    }
}
