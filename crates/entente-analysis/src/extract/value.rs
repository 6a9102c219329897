//! Contract value: what the cooperation is worth — a stated total, the sum one party pays the
//! other, what each party contributes, or a periodic fee over the initial term — with its clause.

use super::terms::Parties;
use super::values::MoneyHit;
use super::{Doc, Found};
use crate::segment::SegmentKind;
use entente_domain::{Money, Period};
use regex::Regex;
use rust_decimal::Decimal;
use std::sync::LazyLock;

/// The value and how it follows from the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ContractValue {
    pub(crate) money: Money,
    /// How the figure was read: `stated total`, `payment`, or the multiplication done.
    pub(crate) basis: String,
}

fn re(s: &str) -> Regex {
    crate::text::regex(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// Sentences about other amounts: caps, insurance, penalties, termination fees, a party's capital.
static OTHER_AMOUNT_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"liab|indemn|insur|coverage|cover of|penalt|liquidated|damages|(?:termination|cancell?ation|break|exit|kill)[\s-]?(?:up )?(?:fee|payment|charge|sum)|early termination|service credit|(?:share|registered|paid-up) capital|late (?:fee|payment)|interest (?:at|on|of)(?-u:\b)|deductible|royalt|per (?:claim|occurrence|event|incident)|refund|credit note|(?-u:\b)fines?(?-u:\b)",
    )
});
/// A stated total: "the total contract value is", "aggregate contributions of", "in the total amount of".
static TOTAL_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:contract|agreement) (?:value|price|sum)|value of (?:this|the) (?:agreement|contract|collaboration|cooperation|project)|(?:total|aggregate|overall) (?:\w+ ){0,2}?(?:value|consideration|price|fees|amount|funding|contributions?|sum|cost)(?-u:\b)",
    )
});
/// What each party contributes.
static EACH_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:each|every) (?:party|member|partner|participant|consortium member)\s+(?:shall|will|agrees to|undertakes to|must)\s+(?:\w+\s+){0,2}?contribute",
    )
});
/// One party paying or funding the other.
static PAY_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:shall|will|agrees to|undertakes to|must)\s+(?:\w+\s+){0,2}?(?:pay|fund)(?-u:\b)")
});
/// Words that make the amount a bound or a threshold rather than the value.
static BOUND_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:at least|not less than|no less than|minimum|up to|exceeds?|exceeding|in excess of|above|over|more than|less than|below|maximum|capped at|limited to)\s*(?:of\s+|the sum of\s+)?$",
    )
});
/// A periodic amount written before it: "an annual fee of", "monthly subscription of".
static PERIODIC_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(annual|yearly|monthly|quarterly) (?:\w+ ){0,3}?(?:fee|fees|payment|contribution|charge|subscription|amount|value|sum)",
    )
});
/// What follows the amount: "per year", "for each Contract Year", "per connected device".
static AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:\([^)]{0,60}\)\s*)?(?:,\s*)?(per|for each|for every|each|a|an|every)\s+([a-z-]+(?:\s+[a-z-]+)?)",
    )
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cue {
    Payment,
    Each,
    Total,
}

/// How often a periodic amount falls due per year.
fn per_year(word: &str) -> Option<u32> {
    let w = word
        .trim_start_matches("calendar ")
        .trim_start_matches("contract ");
    match w {
        "year" | "annum" | "year of" | "annual" | "yearly" => Some(1),
        "quarter" | "quarterly" => Some(4),
        "month" | "monthly" => Some(12),
        _ => None,
    }
}

/// The amount multiplied by `n`, when it stays in range.
fn times(m: Money, n: Decimal) -> Option<Money> {
    m.amount
        .checked_mul(n)
        .and_then(|a| Money::new(a.normalize(), m.currency).ok())
}

/// The contract value, if the text states one unambiguously. A total wins over contributions,
/// contributions over a payment; two different payments (or contributions) leave it unknown,
/// as does a periodic fee when the initial term is not known.
pub(crate) fn contract_value(
    doc: &Doc<'_>,
    parties: &Parties<'_>,
    initial_term: Option<Period>,
) -> Option<Found<ContractValue>> {
    let mut found: Vec<(Cue, Found<ContractValue>)> = Vec::new();
    for (k, &(a, z)) in doc.sents.iter().enumerate() {
        let hits = doc.money_in(a, z);
        if hits.is_empty() {
            continue;
        }
        if matches!(
            doc.segs.get(doc.sent_seg[k]).map(|s| s.kind),
            Some(
                SegmentKind::Title
                    | SegmentKind::Contents
                    | SegmentKind::Signature
                    | SegmentKind::Preamble
                    | SegmentKind::Recitals
            )
        ) {
            continue;
        }
        let s = &doc.lower[a..z];
        if OTHER_AMOUNT_RE.is_match(s) {
            continue;
        }
        let (cue, at) = if let Some(m) = TOTAL_RE.find(s) {
            (Cue::Total, m)
        } else if let Some(m) = EACH_RE.find(s) {
            (Cue::Each, m)
        } else if let Some(m) = PAY_RE.find(s) {
            (Cue::Payment, m)
        } else {
            continue;
        };
        // The amount the cue introduces: the first after it ("EUR 250,000 is the total
        // contract value" names it just before, which only a stated total may do).
        let hit = hits.iter().find(|h| h.start >= a + at.end()).or_else(|| {
            (cue == Cue::Total)
                .then(|| hits.iter().rev().find(|h| h.end <= a + at.start()))
                .flatten()
        });
        let Some(hit) = hit else { continue };
        if let Some(v) = read(doc, (a, z), cue, hit, parties, initial_term) {
            let conf = match cue {
                Cue::Total => 0.85,
                Cue::Each => 0.75,
                Cue::Payment => 0.7,
            };
            let conf = if v.basis.contains('×') {
                conf - 0.1
            } else {
                conf
            };
            found.push((cue, Found::new(v, (a, z), conf)));
        }
    }
    let best = found.iter().map(|f| f.0).max()?;
    let mut of_best = found.into_iter().filter(|f| f.0 == best).map(|f| f.1);
    let first = of_best.next()?;
    // A stated total is taken as stated; several different payments or contributions could
    // add up or repeat one another, so none is taken.
    if best != Cue::Total && of_best.any(|f| f.value.money != first.value.money) {
        return None;
    }
    Some(first)
}

/// The value the amount at `hit` in sentence `(a, z)` gives, or `None` when it is a bound, a
/// per-unit price, or a periodic amount over an unknown term.
fn read(
    doc: &Doc<'_>,
    (a, z): (usize, usize),
    cue: Cue,
    hit: &MoneyHit,
    parties: &Parties<'_>,
    initial_term: Option<Period>,
) -> Option<ContractValue> {
    let lower = &doc.lower;
    let s = &lower[a..z];
    let before =
        &lower[crate::text::floor_boundary(lower, hit.start.saturating_sub(40).max(a))..hit.start];
    if BOUND_RE.is_match(before.trim_end()) {
        return None;
    }
    let after = &lower[hit.end..crate::text::floor_boundary(lower, (hit.end + 60).min(z))];
    let mut yearly: Option<u32> = None;
    if let Some(c) = AFTER_RE.captures(after) {
        let word = c.get(2).map_or("", |m| m.as_str());
        match per_year(word).or_else(|| per_year(word.split_whitespace().next().unwrap_or(""))) {
            Some(n) => yearly = Some(n),
            // "per connected device", "for each introduced customer": a unit price.
            None if matches!(
                c.get(1).map(|m| m.as_str()),
                Some("per" | "for each" | "for every" | "each" | "every")
            ) =>
            {
                return None;
            }
            None => {}
        }
    }
    if yearly.is_none()
        && let Some(c) = PERIODIC_BEFORE_RE.captures_iter(&s[..hit.start - a]).last()
    {
        yearly = c.get(1).and_then(|m| per_year(m.as_str()));
    }
    let mut money = hit.money;
    let mut basis = match cue {
        Cue::Total => "stated total".to_owned(),
        Cue::Payment => "payment".to_owned(),
        Cue::Each => String::new(),
    };
    if cue == Cue::Each {
        let n = parties.list.len();
        if n < 2 {
            return None;
        }
        basis = format!("{} from each of {n} parties", money.grouped());
        money = times(money, Decimal::from(n))?;
    }
    if let Some(f) = yearly {
        // A periodic amount is worth as many periods as the initial term holds.
        let months = initial_term.and_then(Period::whole_months)?;
        let periods = Decimal::from(months) * Decimal::from(f) / Decimal::from(12);
        if periods <= Decimal::ZERO {
            return None;
        }
        let per = match f {
            1 => "a year",
            4 => "a quarter",
            _ => "a month",
        };
        let term = initial_term.map(|p| p.human()).unwrap_or_default();
        basis = if basis.is_empty() || cue != Cue::Each {
            format!("{} {per} × initial term of {term}", money.grouped())
        } else {
            format!("{basis}, {per} × initial term of {term}")
        };
        money = times(money, periods)?;
    }
    Some(ContractValue { money, basis })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<(String, String)> {
        let d = Doc::new(text);
        let p = crate::extract::parties::extract(&d);
        let parties = Parties::new(&p);
        let terms = crate::extract::terms::extract(&d, &parties);
        contract_value(&d, &parties, terms.initial_term.map(|f| f.value))
            .map(|f| (f.value.money.grouped(), text[f.start..f.end].to_owned()))
    }

    const PRE: &str = "COOPERATION AGREEMENT\n\nThis Cooperation Agreement is made on 3 March 2025 between Alder Systems GmbH (\"Alder\") and Birchwood Labs Ltd (\"Birchwood\").\n\n";

    fn with(body: &str) -> String {
        format!(
            "{PRE}1. Term. This Agreement commences on the Effective Date and continues for three (3) years.\n\n2. Money. {body}\n\n3. Governing law. This Agreement is governed by the laws of England and Wales.\n"
        )
    }

    #[test]
    fn the_value_is_read_from_totals_fees_and_contributions() {
        for (body, want) in [
            ("The total contract value is EUR 250,000.", "EUR 250,000"),
            // European thousands dots.
            ("The total contract value is EUR 250.000.", "EUR 250,000"),
            (
                "Birchwood shall pay Alder an annual fee of USD 40,000, invoiced in advance.",
                "USD 120,000",
            ),
            (
                "Birchwood shall pay Alder a fee of USD 40,000 per year.",
                "USD 120,000",
            ),
            (
                "Each party shall contribute EUR 500,000 to the joint programme.",
                "EUR 1,000,000",
            ),
            (
                "The parties' aggregate contributions of £1.2 million fund the Programme.",
                "GBP 1,200,000",
            ),
            (
                "Alder shall pay Birchwood EUR 180,000 (plus VAT if applicable) in eight equal quarterly instalments.",
                "EUR 180,000",
            ),
            (
                "Alder shall fund the Research Programme in the total amount of six hundred forty thousand U.S. dollars (USD 640,000).",
                "USD 640,000",
            ),
        ] {
            let (v, evidence) = value(&with(body)).unwrap_or_else(|| panic!("nothing in {body}"));
            assert_eq!(v, want, "{body}");
            assert!(
                body.contains(evidence.trim()) || evidence.contains(body),
                "{evidence:?} for {body}"
            );
        }
    }

    #[test]
    fn caps_fees_penalties_insurance_and_bounds_are_not_the_value() {
        for body in [
            "Each party's total liability under this Agreement shall not exceed EUR 1,000,000.",
            "In no event shall the aggregate amount payable by either party exceed EUR 2,000,000.",
            "If Alder terminates for convenience, it shall pay Birchwood a termination fee of EUR 50,000.",
            "Birchwood shall pay a penalty of EUR 5,000 for each day of delay.",
            "Each party shall maintain professional indemnity insurance of not less than EUR 5,000,000 per claim.",
            "Alder shall purchase Products with a total purchase price of at least EUR 4,000,000 in each Contract Year.",
            "Birchwood shall pay Alder a fee of CHF 12 per connected device per year.",
            "Expenses above EUR 10,000 require the prior written approval of the Steering Committee.",
            "Alder shall pay Birchwood liquidated damages of EUR 20,000.",
            "Alder shall pay Birchwood a guaranteed minimum royalty of USD 60,000 for each Contract Year.",
        ] {
            assert_eq!(value(&with(body)), None, "{body}");
        }
        // A cap beside a stated value leaves the value alone.
        let both = with(
            "The total contract value is EUR 250,000. Each party's liability is limited to EUR 1,000,000.",
        );
        assert_eq!(value(&both).map(|v| v.0).as_deref(), Some("EUR 250,000"));
    }

    #[test]
    fn a_periodic_fee_without_a_term_or_two_different_payments_leave_it_unknown() {
        let no_term =
            format!("{PRE}1. Fees. Birchwood shall pay Alder an annual fee of USD 40,000.\n");
        assert_eq!(value(&no_term), None);
        let two = with(
            "Alder shall pay Birchwood a set-up fee of EUR 20,000. Alder shall pay Birchwood a development fee of EUR 90,000.",
        );
        assert_eq!(value(&two), None);
    }
}
