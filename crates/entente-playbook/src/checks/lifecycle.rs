//! Static documents and exit: periodic review, renewal mechanics, term length, termination
//! rights and notice periods.

use super::{Hit, Input, has_clause, human};
use crate::model::EffectiveRule;
use crate::subject::{Span, Subject};
use crate::text::{period_in, re, sentences};
use entente_domain::obligation::DueRule;
use entente_domain::terms::{TermField, TermValue};
use entente_domain::{Period, PeriodUnit};
use regex::Regex;
use std::sync::LazyLock;

static REVIEW_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:reports?|meet|meets|meeting|meetings|review|reviews|reviewed|committee|plans?|forecasts?|minutes|assembly|board|dashboard|statements?)\b",
    )
});
static BRACKETED_NUMERAL: LazyLock<Regex> = LazyLock::new(|| re(r"\s*\(\d{1,3}\)"));
/// Recurrence phrases and the interval each means (in months; 0 means one week).
static FREQUENCIES: LazyLock<Vec<(Regex, u32)>> = LazyLock::new(|| {
    [
        (r"\b(?:weekly|each week|every week|once (?:a|per) week)\b", 0),
        (r"\b(?:monthly|each (?:calendar )?month|every month|once (?:a|per) month)\b", 1),
        (r"\bevery (?:two|2) months\b|\bbi-?monthly\b", 2),
        (r"\b(?:quarterly|each (?:calendar )?quarter|every quarter|once (?:a|per) quarter|per quarter|every (?:three|3) months)\b", 3),
        (r"\b(?:semi-?annual(?:ly)?|half-?yearly|six-monthly|twice (?:a|per|each) year|every (?:six|6) months|each (?:calendar )?half-?year|bi-?annual(?:ly)?)\b", 6),
        (r"\b(?:annual|annually|yearly|each (?:calendar |contract )?year|every year|once (?:a|per) year|per year)\b", 12),
        (r"\beach (?:campaign|trading|reporting|contract|project) (?:period|season|year|phase)\b", 12),
        (r"\bevery (?:two|2) years\b", 24),
        (r"\bevery (?:three|3) years\b", 36),
    ]
    .into_iter()
    .map(|(p, m)| (re(p), m))
    .collect()
});

/// The interval a (lowercased) sentence gives for a recurrence, if any (the shortest named).
fn frequency(lower: &str) -> Option<Period> {
    // "every six (6) months": the numerals in brackets repeat the words.
    let plain = BRACKETED_NUMERAL.replace_all(lower, "");
    let months = FREQUENCIES
        .iter()
        .filter(|(r, _)| r.is_match(&plain))
        .map(|(_, m)| *m)
        .min()?;
    if months == 0 {
        Period::new(1, PeriodUnit::Weeks).ok()
    } else {
        Period::months(months).ok()
    }
}

/// The most frequent recurring review, meeting, report or plan, with where it is stated.
fn recurring_review(s: &Subject) -> Option<(Period, Option<Span>)> {
    let mut best: Option<(Period, Option<Span>)> = None;
    let mut consider = |p: Period, span: Option<Span>| {
        if best.is_none_or(|(b, _)| p.shorter_than(b)) {
            best = Some((p, span));
        }
    };
    for o in &s.obligations {
        if let DueRule::Recurring { frequency: f, .. } = &o.due
            && REVIEW_WORDS.is_match(&o.text.to_ascii_lowercase())
        {
            consider(f.period(), o.span);
        }
    }
    for c in &s.clauses {
        for sent in sentences(c) {
            if REVIEW_WORDS.is_match(&sent.lower)
                && let Some(p) = frequency(&sent.lower)
            {
                consider(p, Some(sent.span));
            }
        }
    }
    best
}

fn renewal_present(s: &Subject) -> Option<Option<Span>> {
    if let Some(r) = &s.renewal {
        return Some(r.span);
    }
    if let Some(t) = s
        .term(TermField::RenewalTerm)
        .or_else(|| s.term(TermField::AutoRenewal))
    {
        return Some(t.span);
    }
    s.first_clause_with(&["renewal"]).map(Some)
}

static RENEWAL_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:prior to|before|in advance of|preceding)\b[^;]{0,60}\b(?:expir\w*|end|renewal|anniversary|term)\b|\bnotice of non-?renewal\b|\bnot to renew\b",
    )
});

/// The notice to stop an automatic renewal: as extracted, else read from the sentences about
/// renewal ("unless either party gives notice at least six months prior to the expiration").
pub(super) fn non_renewal_notice(s: &Subject) -> Option<(Period, Option<Span>)> {
    if let Some(found) = s.period(TermField::NoticePeriodNonRenewal) {
        return Some(found);
    }
    s.clauses
        .iter()
        .filter(|c| !c.has("definitions"))
        .flat_map(sentences)
        .filter(|x| x.lower.contains("renew") && RENEWAL_NOTICE.is_match(&x.lower))
        .find_map(|x| period_in(&x.lower).map(|p| (p, Some(x.span))))
}

fn auto_renews(s: &Subject) -> bool {
    match s.term(TermField::AutoRenewal).map(|t| &t.value) {
        Some(TermValue::Bool(b)) => *b,
        _ => s.renewal.as_ref().is_some_and(|r| r.value.automatic),
    }
}

pub(super) fn review_cycle(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let max = rule
        .period("max_interval")
        .or_else(|| Period::months(12).ok());
    let within = |p: Period| max.is_none_or(|m| !p.longer_than(m));
    if rule.flag("renewal_counts") == Some(true) && renewal_present(s).is_some() {
        return Vec::new();
    }
    let mut too_long: Option<(Period, Option<Span>)> = None;
    if let Some((p, span)) = s.period(TermField::ReviewCycle) {
        if within(p) {
            return Vec::new();
        }
        too_long = Some((p, span));
    }
    if rule.flag("recurring_duties_count") != Some(false)
        && let Some((p, span)) = recurring_review(s)
    {
        if within(p) {
            return Vec::new();
        }
        if too_long.is_none_or(|(t, _)| p.shorter_than(t)) {
            too_long = Some((p, span));
        }
    }
    if too_long.is_none() && s.has_category("review_cycle") {
        // A review clause whose interval analysis could not read counts as a review.
        return Vec::new();
    }
    match (too_long, max) {
        (Some((p, span)), Some(m)) => vec![Hit::at(
            format!(
                "the agreement is reviewed only every {} (the playbook asks for at least every {})",
                human(p),
                human(m)
            ),
            span,
        )],
        _ => {
            let also = if rule.flag("renewal_counts") == Some(true) {
                ", and no renewal mechanics"
            } else {
                ""
            };
            vec![Hit::missing(format!(
                "no periodic review: no review clause and no recurring meeting, report or plan{also}"
            ))]
        }
    }
}

pub(super) fn renewal(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let mut hits = Vec::new();
    let renewal = renewal_present(s);
    let has_end =
        s.term(TermField::InitialTerm).is_some() || s.term(TermField::ExpirationDate).is_some();
    if rule.flag("require") != Some(false) && renewal.is_none() {
        if let Some(span) = s.indefinite {
            hits.push(Hit::at(
                "the agreement runs until terminated: there is no renewal point at which its terms are revisited",
                Some(span),
            ));
        } else if !has_end {
            hits.push(Hit::missing(
                "no term and no renewal mechanics: the agreement does not say how long it runs or how it is renewed",
            ));
        }
    }
    if auto_renews(s) {
        let at = renewal.flatten();
        match non_renewal_notice(s) {
            None => hits.push(Hit::at(
                "the agreement renews automatically but states no notice period for stopping the renewal",
                at,
            )),
            Some((p, span)) => {
                if let Some(min) = rule.period("notice_min")
                    && p.shorter_than(min)
                {
                    hits.push(Hit::at(
                        format!(
                            "notice to stop the automatic renewal is {}, shorter than the playbook's minimum of {}",
                            human(p),
                            human(min)
                        ),
                        span.or(at),
                    ));
                }
                if let Some(max) = rule.period("notice_max")
                    && p.longer_than(max)
                {
                    hits.push(Hit::at(
                        format!(
                            "notice to stop the automatic renewal is {}, longer than the playbook's maximum of {}",
                            human(p),
                            human(max)
                        ),
                        span.or(at),
                    ));
                }
            }
        }
    }
    hits
}

pub(super) fn term_length(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let mut hits = Vec::new();
    if let (Some((p, span)), Some(max)) = (s.period(TermField::InitialTerm), rule.period("max"))
        && p.longer_than(max)
    {
        hits.push(Hit::at(
            format!(
                "the initial term is {}, longer than the playbook's maximum of {}",
                human(p),
                human(max)
            ),
            span,
        ));
    }
    if rule.flag("allow_indefinite") != Some(true)
        && let Some(span) = s.indefinite
        && s.term(TermField::InitialTerm).is_none()
    {
        hits.push(Hit::at(
            "the agreement has no end date: it runs until terminated",
            Some(span),
        ));
    }
    if s.term(TermField::InitialTerm).is_none() && s.indefinite.is_none() {
        let date = |f: TermField| match s.term(f).map(|t| &t.value) {
            Some(TermValue::Date(d)) => Some(*d),
            _ => None,
        };
        let start = date(TermField::EffectiveDate).or_else(|| date(TermField::AgreementDate));
        match (start, date(TermField::ExpirationDate)) {
            // An end date: the term is the span from the start to it.
            (Some(from), Some(to)) => {
                let days = u32::try_from(from.days_until(to)).unwrap_or(0);
                if let (Ok(p), Some(max)) = (Period::days(days), rule.period("max"))
                    && p.longer_than(max)
                {
                    hits.push(Hit::at(
                        format!(
                            "the agreement runs {days} days (until {to}), longer than the playbook's maximum of {}",
                            human(max)
                        ),
                        s.term(TermField::ExpirationDate).and_then(|t| t.span),
                    ));
                }
            }
            (_, Some(_)) => {}
            _ => {
                // Extraction read no term: a missed ten-year term must not pass silently.
                let at = s.first_clause_on(&["term", "renewal"]);
                hits.push(Hit::undetermined(
                    format!(
                        "looked for the length of the initial term (or an end date) {} and could not read it",
                        if at.is_some() { "in the term clause" } else { "in the whole text" }
                    ),
                    at,
                ));
            }
        }
    }
    hits
}

static CAUSE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:terminat\w*|withdraw\w*|exclu\w*|expel\w*)\b.{0,200}\b(?:breach\w*|insolven\w*|bankrupt\w*|default\w*|fails? to (?:perform|remedy|cure|meet|achieve|reach)|(?:do|does|did) not (?:meet|achieve|reach)|(?:is|are|was|were) not (?:met|achieved|reached))|\b(?:breach\w*|insolven\w*|bankrupt\w*)\b.{0,200}\b(?:terminat\w*|withdraw\w*)\b",
    )
});
static CONVENIENCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:may|can|is entitled to|are entitled to|shall be entitled to|has the right to|have the right to|reserves the right to)\s+(?:at any time\s+)?(?:terminate|withdraw from|end|cancel)\s+(?:this|the|its participation in (?:this|the))\s+(?:agreement|memorandum|mou|letter|contract|arrangement|alliance|collaboration|partnership|consortium|project)\b[^;]{0,160}?(?:\bfor convenience\b|\bwithout cause\b|\bat any time\b|\bfor any reason\b|\bwithout (?:giving )?(?:any )?reasons?\b|\b(?:on|upon|by|with|giving|by giving)\b[^;]{0,40}?\bnotice\b)|\bterminat\w*\s+(?:this|the)\s+(?:agreement|contract|memorandum)\s+for\s+convenience\b|\b(?:may|can)\s+(?:at any time\s+)?withdraw\s+from\s+(?:this|the)\s+(?:consortium|agreement|project)\b|\b(?:may|can)\s+(?:at any time\s+)?(?:terminate|end)\s+(?:it|this|the agreement)\s+(?:at any time|earlier)?\s*(?:by|on|upon|with)\b[^;]{0,40}?\bnotice\b",
    )
});
/// Words that make a right to leave depend on some event: before the right, or just after it.
static CONDITION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:if|in the event|upon the occurrence|should|where|in case|unless)\b")
});
/// Inside the right itself: a condition, or an event such as a change of control.
static CONDITION_WITHIN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:if|in the event|unless|provided that|change (?:of|in) control|acquired|acquisition|merger|merges)\b",
    )
});
static CONDITION_AFTER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s+(?:if|in the event|where|provided that|should)\b"));

/// A right to leave at will (not one that arises on a breach or some other event). A sentence
/// that grants termination for cause too ("may terminate (a) for convenience on 90 days'
/// notice, or (b) immediately if the other party is in material breach") is read limb by limb.
fn convenience_sentence(lower: &str) -> bool {
    if convenience_limb(lower) {
        return true;
    }
    if !EXPLICIT_CONVENIENCE.is_match(lower) || !CONVENIENCE.is_match(lower) {
        return false;
    }
    LIMBS
        .split(lower)
        .filter(|l| EXPLICIT_CONVENIENCE.is_match(l))
        .any(|l| {
            !CAUSE_WORDS.is_match(l)
                && !DENIED.is_match(l)
                && !CONDITION_BEFORE.is_match(l.split("convenience").next().unwrap_or(l))
        })
}

static DENIED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bneither\b|\bno\s+(?:party|member|right)\b|\b(?:may|shall|will|can)\s+not\b|\bcannot\b|\bnot\s+(?:be\s+)?entitled\b",
    )
});
static EXPLICIT_CONVENIENCE: LazyLock<Regex> =
    LazyLock::new(|| re(r"for\s+(?:its\s+|their\s+)?convenience|without\s+cause"));
/// Where one limb of a sentence ends: a semicolon, a list marker "(b)", or ", or".
static LIMBS: LazyLock<Regex> = LazyLock::new(|| {
    re(r";|\(\s*(?:[a-h]|i{1,3}|iv|v)\s*\)|,\s+or|or\s+(?:immediately|forthwith)")
});

fn convenience_limb(lower: &str) -> bool {
    let Some(m) = CONVENIENCE.find(lower) else {
        return false;
    };
    // A condition in an earlier, coordinated clause ("… if X, and either party may terminate
    // it earlier by notice") does not govern the right.
    let before = &lower[..m.start()];
    let before = before.rsplit(", and ").next().unwrap_or(before);
    let after = &lower[m.end()..];
    // The words right after the right, up to the end of its clause (at most 60 characters).
    let cut = after.char_indices().nth(60).map_or(after.len(), |(i, _)| i);
    let tail = after[..cut].split(['.', ';']).next().unwrap_or("");
    !CAUSE_WORDS.is_match(lower)
        && !CONDITION_BEFORE.is_match(before)
        && !CONDITION_WITHIN.is_match(m.as_str())
        && !CONDITION_AFTER.is_match(after)
        && !CONDITION_WITHIN.is_match(tail)
}

static CAUSE_WORDS: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:breach\w*|insolven\w*|bankrupt\w*|default\w*|fails?|failure)\b"));

/// Where the agreement lets a party leave on `ground`.
fn ground_present(s: &Subject, ground: &str) -> bool {
    let readable = |c: &&crate::subject::SubjectClause| {
        !c.has("dispute_resolution") && !c.has("definitions") && !c.has("recitals")
    };
    match ground {
        "convenience" => {
            has_clause(s, "termination_for_convenience")
                || s.clauses
                    .iter()
                    .filter(readable)
                    .any(|c| sentences(c).iter().any(|x| convenience_sentence(&x.lower)))
        }
        _ => {
            has_clause(s, "termination_for_cause")
                || s.clauses
                    .iter()
                    .filter(readable)
                    .any(|c| sentences(c).iter().any(|x| CAUSE.is_match(&x.lower)))
        }
    }
}

pub(super) fn termination_right(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let grounds: Vec<&str> = if rule.words("grounds").is_empty() {
        vec!["convenience", "cause"]
    } else {
        rule.words("grounds").iter().map(String::as_str).collect()
    };
    if grounds.iter().any(|g| ground_present(s, g)) {
        return Vec::new();
    }
    let what = grounds
        .iter()
        .map(|g| match *g {
            "convenience" => "for convenience",
            _ => "for cause (breach, insolvency)",
        })
        .collect::<Vec<_>>()
        .join(" or ");
    vec![Hit::missing(format!(
        "no party may terminate {what}: there is no way out of the agreement"
    ))]
}

pub(super) fn notice_period(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let of = rule.word("of").unwrap_or("termination_for_convenience");
    let (label, notice, anchor) = if of == "non_renewal" {
        if !auto_renews(s) {
            return Vec::new();
        }
        (
            "notice to stop an automatic renewal",
            non_renewal_notice(s),
            renewal_present(s).flatten(),
        )
    } else {
        let from_term = s.period(TermField::TerminationForConvenienceNotice);
        let from_right = s
            .convenience
            .as_ref()
            .and_then(|c| c.value.notice.map(|p| (p, c.span)));
        let anchor = s
            .convenience
            .as_ref()
            .and_then(|c| c.span)
            .or_else(|| s.first_clause_with(&["termination_for_convenience"]));
        if from_term.is_none() && from_right.is_none() && !ground_present(s, "convenience") {
            return Vec::new();
        }
        (
            "notice to terminate for convenience",
            from_term.or(from_right),
            anchor,
        )
    };
    let Some((p, span)) = notice else {
        return if rule.flag("required") == Some(false) {
            Vec::new()
        } else {
            vec![Hit::at(format!("no {label} is stated"), anchor)]
        };
    };
    let mut hits = Vec::new();
    if let Some(min) = rule.period("min")
        && p.shorter_than(min)
    {
        hits.push(Hit::at(
            format!(
                "{label} is {}, shorter than the playbook's minimum of {}",
                human(p),
                human(min)
            ),
            span.or(anchor),
        ));
    }
    if let Some(max) = rule.period("max")
        && p.longer_than(max)
    {
        hits.push(Hit::at(
            format!(
                "{label} is {}, longer than the playbook's maximum of {}",
                human(p),
                human(max)
            ),
            span.or(anchor),
        ));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unconditional_rights_count_as_termination_for_convenience() {
        for yes in [
            "either party may terminate this agreement for convenience on ninety (90) days' written notice.",
            "either party may end this mou at any time by written notice.",
            "any member may withdraw from the consortium on three months' notice.",
            "either party may terminate this agreement at any time upon 60 days notice; if it does so, fees accrued remain payable.",
            "this letter terminates automatically at the end of the exclusivity period if the definitive agreement has not been signed by then, and either party may terminate it earlier by written notice.",
        ] {
            assert!(convenience_sentence(yes), "{yes}");
        }
        for no in [
            "in the event that the launch date has not occurred, either party may terminate this agreement by providing written notice.",
            "upon the termination of this agreement for any reason, such data will be returned.",
            "either party may terminate this agreement by written notice if the other party commits a material breach.",
            "micoa may terminate the subagency at any time without cause upon 90 days notice.",
            "mbrk may terminate this agreement upon 60 days notice for a change of control subject to the fees.",
            "we shall have the right to terminate this agreement if, at any time during the initial training program, we conclude that you lack the skills.",
            "either party may terminate this agreement upon notice to the other — “in the event of” a merger ééééééééééééééééééééééééééééééééééé.",
        ] {
            assert!(!convenience_sentence(no), "{no}");
        }
    }

    #[test]
    fn frequencies_read_as_intervals() {
        assert_eq!(
            frequency("the committee meets quarterly"),
            Period::months(3).ok()
        );
        assert_eq!(
            frequency("an annual business review"),
            Period::months(12).ok()
        );
        assert_eq!(
            frequency("every two years the board"),
            Period::months(24).ok()
        );
        assert_eq!(frequency("the parties will meet from time to time"), None);
    }
}
