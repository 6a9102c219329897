//! Risk allocation: the liability cap, excluded damages, limitations that protect only one
//! party, one-way indemnities, and confidentiality that ends with the agreement.

use super::{Hit, Input, has_clause, human};
use crate::model::EffectiveRule;
use crate::subject::{Span, Subject};
use crate::text::{Sentence, re, sentences};
use entente_domain::terms::{LiabilityCap, TermField, TermValue};
use entente_domain::{Period, PeriodUnit};
use regex::Regex;
use rust_decimal::Decimal;
use std::sync::LazyLock;

const LIABILITY_CATEGORIES: &[&str] = &[
    "cap_on_liability",
    "liability_cap",
    "exclusion_of_damages",
    "uncapped_liability",
];

static CAP_LANGUAGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:shall|will|does|do|is|are)\s+not\s+exceed|\bnot\s+exceed\b|\bin\s+no\s+(?:event|case)\s+exceed|\bin\s+no\s+(?:event|case)\b.{0,40}\bmore\s+than\b|\b(?:not|no)\s+more\s+than\b.{0,20}\d|\blimited\s+to\b|\bshall\s+be\s+limited\b|\bmaximum\s+(?:aggregate\s+)?liability\b|\baggregate\s+liability\b|\btotal\s+liability\b.{0,80}\b(?:exceed|limited|cap)",
    )
});
static EXCLUSION_LANGUAGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:not|neither\s+\w+|no\s+\w+)\b[^.;]{0,60}?\b(?:be\s+)?liable\b.{0,120}\b(?:indirect|consequential|special|incidental|punitive|exemplary|loss\s+of|lost)\b|\bin\s+no\s+(?:event|case)\s+(?:shall|will)\b.{0,80}\bliable\b.{0,120}\b(?:indirect|consequential|special|loss|lost)\b|\bexclud\w*\b.{0,60}\b(?:indirect|consequential)\b|\b(?:liability|damages?|loss)\b.{0,60}\b(?:is|are|shall\s+be)\s+excluded\b|\bliability\s+exclusion\b|\b(?:sole|exclusive)\s+(?:and\s+exclusive\s+)?remedy\b",
    )
});
static UNLIMITED_LANGUAGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bliab\w*\b.{0,160}\b(?:(?:is|are|shall\s+be)\s+(?:not\s+limited|unlimited)|without\s+(?:any\s+)?limit\w*)\b",
    )
});
static MUTUAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:either|neither|each|both|any|every|a|an|no|another)\s+(?:other\s+)?(?:of\s+the\s+)?(?:party|parties|partner|partners|member|members|participant|participants|contributor|contributors|licensee)\b|\bthe\s+parties\b|\b(?:either|neither)\s+of\s+them\b",
    )
});

/// Sentences about liability or remedies (not insurance), outside definitions and recitals
/// (analysis does not always categorise a short liability clause, so every clause is read).
fn liability_sentences(s: &Subject) -> impl Iterator<Item = Sentence> + '_ {
    s.clauses
        .iter()
        .filter(|c| {
            let lower = c.text.to_ascii_lowercase();
            (LIABILITY_CATEGORIES.iter().any(|id| c.has(id))
                || lower.contains("liab")
                || lower.contains("remedy"))
                && !c.has("definitions")
                && !c.has("recitals")
                && !c.has("parties")
        })
        .flat_map(sentences)
        .filter(|x| {
            // An insurance duty ("product liability insurance of USD 5 m") limits nothing.
            (x.lower.contains("liab") || x.lower.contains("exclude") || x.lower.contains("remedy"))
                && !x.lower.contains("insurance")
        })
}

/// Whether a limitation of liability is present in the text (a cap sentence).
fn cap_sentence(s: &Subject) -> Option<Sentence> {
    liability_sentences(s).find(|x| CAP_LANGUAGE.is_match(&x.lower))
}

fn exclusions_present(s: &Subject) -> bool {
    s.term(TermField::ExcludedDamages).is_some()
        || liability_sentences(s).any(|x| EXCLUSION_LANGUAGE.is_match(&x.lower))
}

/// A sentence that takes some liability out of a cap: "except for liability for fraud",
/// "the limitation shall not apply to breach of clause 5 (Confidentiality)", "liability for
/// breach of the data protection terms shall be unlimited".
static CARVE_OUT_LANGUAGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:except(?:\s+for|\s+in\s+respect\s+of)?|excluding|other\s+than|save\s+(?:for|in\s+respect\s+of)|(?:shall|will|does|do)\s+not\s+(?:apply|limit)|nothing\s+in\s+this\s+(?:agreement|clause)\s+(?:shall\s+)?(?:limits?|excludes?)|(?:is|are|shall\s+be)\s+(?:unlimited|not\s+limited|uncapped)|without\s+(?:any\s+)?limit)\b",
    )
});
/// What a carve-out may cover, as `uncapped_for` names it.
static CARVE_OUT_SCOPES: LazyLock<Vec<(&'static str, &'static str, Regex)>> = LazyLock::new(|| {
    [
        (
            "confidentiality",
            "breach of confidentiality",
            r"\bconfidential",
        ),
        (
            "data_protection",
            "data protection",
            r"\bdata\s+protection\b|\bpersonal\s+data\b|\bgdpr\b|\bprivacy\b",
        ),
        ("fraud", "fraud", r"\bfraud"),
        (
            "death_personal_injury",
            "death or personal injury",
            r"\bdeath\b|\bpersonal\s+injury\b",
        ),
        (
            "wilful_misconduct",
            "wilful misconduct or gross negligence",
            r"\bwil+ful\s+(?:misconduct|default|breach)|\bgross(?:ly)?\s+negligen",
        ),
        ("indemnities", "the indemnities", r"\bindemnit"),
        (
            "ip_infringement",
            "infringement of intellectual property",
            r"\binfring|\bmisappropriat",
        ),
    ]
    .into_iter()
    .map(|(id, label, pat)| (id, label, re(pat)))
    .collect()
});

/// The carve-outs from a cap: each scope left uncapped, with its words and the sentence.
fn carve_outs(s: &Subject) -> Vec<(&'static str, &'static str, Option<Span>)> {
    let mut out: Vec<(&'static str, &'static str, Option<Span>)> = Vec::new();
    for x in liability_sentences(s) {
        let Some(m) = CARVE_OUT_LANGUAGE.find(&x.lower) else {
            continue;
        };
        // "except for" and "shall not apply to" lead into their scope; "shall be unlimited"
        // follows it.
        let scope_text = if m.as_str().contains("unlimited")
            || m.as_str().contains("not limited")
            || m.as_str().contains("uncapped")
            || m.as_str().starts_with("without")
        {
            &x.lower[..m.start()]
        } else {
            &x.lower[m.start()..]
        };
        for (id, label, pat) in CARVE_OUT_SCOPES.iter() {
            if pat.is_match(scope_text) && !out.iter().any(|(o, _, _)| o == id) {
                out.push((id, label, Some(x.span)));
            }
        }
    }
    out
}

/// Carve-outs that leave liability uncapped for a scope the rule does not accept
/// (`uncapped_for`); nothing when the rule does not say.
fn carve_out_hits(rule: &EffectiveRule<'_>, s: &Subject) -> Vec<Hit> {
    if !rule.params.contains_key("uncapped_for") {
        return Vec::new();
    }
    let accepted = rule.words("uncapped_for");
    carve_outs(s)
        .into_iter()
        .filter(|(id, _, _)| !accepted.iter().any(|a| a == id))
        .map(|(id, label, span)| {
            Hit::at(
                format!(
                    "liability for {label} is uncapped: the cap does not apply to it (`{id}` is not among the scopes the playbook accepts uncapped)"
                ),
                span,
            )
        })
        .collect()
}

pub(super) fn liability_cap(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let mut hits = cap_hits(rule, input);
    // A cap with carve-outs is a cap for most claims and none for the carved-out ones: the
    // carve-outs are judged for their scope, beside the cap.
    let capped = !hits
        .iter()
        .any(|h| h.message.starts_with("liability is expressly unlimited"));
    if capped {
        let s = input.s;
        let has_cap = matches!(
            s.term(TermField::LiabilityCap).map(|c| &c.value),
            Some(TermValue::Cap(
                LiabilityCap::Amount(_) | LiabilityCap::Formula { .. }
            ))
        ) || cap_sentence(s).is_some();
        if has_cap {
            hits.extend(carve_out_hits(rule, s));
        }
    }
    hits
}

fn cap_hits(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let cap = s.term(TermField::LiabilityCap);
    match cap.map(|c| &c.value) {
        Some(TermValue::Cap(LiabilityCap::Uncapped)) => {
            if rule.flag("allow_uncapped") == Some(true) {
                return Vec::new();
            }
            return vec![Hit::at(
                "liability is expressly unlimited",
                cap.and_then(|c| c.span),
            )];
        }
        Some(TermValue::Cap(LiabilityCap::Amount(_)))
            if cap
                .and_then(|c| c.span)
                .is_some_and(|sp| ALTERNATIVE.is_match(&s.excerpt(sp, 600).to_lowercase())) =>
        {
            // "The greater of EUR 1,000,000 or twice the fees": both arms count, not the first.
            let span = cap.and_then(|c| c.span);
            let text = span.map(|sp| s.excerpt(sp, 600)).unwrap_or_default();
            return formula_cap(rule, s, &text, span);
        }
        Some(TermValue::Cap(LiabilityCap::Amount(m))) => {
            let span = cap.and_then(|c| c.span);
            let mut hits = Vec::new();
            if let Some(max) = rule.money("max_amount")
                && max.currency == m.currency
                && m.amount > max.amount
            {
                hits.push(Hit::at(
                    format!("the cap of {m} is above the playbook's maximum of {max}"),
                    span,
                ));
            }
            if let (Some(mult), Some((annual, per))) =
                (rule.number("max_multiple"), annual_value(s))
                && annual.currency == m.currency
                && let Some(mult) = Decimal::from_f64_retain(mult)
                && m.amount > annual.amount * mult
            {
                hits.push(Hit::at(
                    format!(
                        "the cap of {m} is more than {mult} × the {per} contract value ({} {})",
                        annual.currency,
                        annual.amount.round_dp(2)
                    ),
                    span,
                ));
            }
            return hits;
        }
        Some(TermValue::Cap(LiabilityCap::Formula { text })) => {
            return formula_cap(rule, s, text, cap.and_then(|c| c.span));
        }
        Some(_) => return Vec::new(),
        None => {}
    }
    if cap_sentence(s).is_some() {
        return Vec::new();
    }
    let require_cap = rule.flag("require_cap") != Some(false);
    if !require_cap && exclusions_present(s) {
        return Vec::new();
    }
    if exclusions_present(s) {
        vec![Hit::missing(
            "no cap on liability: only some kinds of damages are excluded",
        )]
    } else {
        vec![Hit::missing(
            "nothing limits liability: there is no cap and no exclusion of damages",
        )]
    }
}

static ALTERNATIVE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:greater|higher|more|lesser|lower|less)\s+of\b"));
static MONEY_ARM: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(eur|usd|gbp|chf|€|\$|£)\s?(\d[\d,]*(?:\.\d+)?)\s*(million|m\b)?"));
static FEE_ARM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(\d+(?:\.\d+)?|one|two|three|four|five|ten|once|twice|double|triple)\s*(?:\(\d+\)\s*)?(?:times|x|×)?\s+)?(?:the\s+)?(?:total\s+|aggregate\s+|annual\s+)?(?:fees|charges|amounts?|sums?|contract value|consideration)\b[^.;]{0,40}?\b(?:paid|payable|received)",
    )
});

fn multiplier(w: Option<&str>) -> Option<Decimal> {
    let w = match w {
        None => return Some(Decimal::ONE),
        Some(w) => w.to_ascii_lowercase(),
    };
    Some(match w.as_str() {
        "one" | "once" => Decimal::ONE,
        "two" | "twice" | "double" => Decimal::from(2),
        "three" | "triple" => Decimal::from(3),
        "four" => Decimal::from(4),
        "five" => Decimal::from(5),
        "ten" => Decimal::from(10),
        n => n.parse().ok()?,
    })
}

/// A cap written as a formula ("three times the fees paid in the twelve months before the
/// claim", "the greater of EUR 1,000,000 and twice the fees paid"): each arm is evaluated against
/// the annual fees (else the annual contract value), the greater or lesser taken as written,
/// and the result held to `max_amount` and `max_multiple`. When an arm needs the fees and they
/// are unknown, the rule is undetermined rather than passed.
fn formula_cap(rule: &EffectiveRule<'_>, s: &Subject, text: &str, span: Option<Span>) -> Vec<Hit> {
    let max_amount = rule.money("max_amount");
    let max_multiple = rule
        .number("max_multiple")
        .and_then(Decimal::from_f64_retain);
    if max_amount.is_none() && max_multiple.is_none() {
        return Vec::new();
    }
    let lower = text.to_lowercase();
    let lesser = Regex::new(r"\b(?:lesser|lower|less)\s+of\b").is_ok_and(|r| r.is_match(&lower));
    let fees = s
        .annual_fees
        .as_ref()
        .map(|f| (f.value, "annual fees"))
        .or_else(|| {
            annual_value(s).map(|(m, per)| {
                (
                    m,
                    if per == "annual" {
                        "annual contract value"
                    } else {
                        "contract value"
                    },
                )
            })
        });
    // Each arm as (amount when known, multiple of the fees when a fee arm).
    let mut arms: Vec<(Option<entente_domain::Money>, Option<Decimal>)> = Vec::new();
    for c in MONEY_ARM.captures_iter(text) {
        let code = match c.get(1).map_or("", |m| m.as_str()) {
            "€" => "EUR".to_owned(),
            "$" => "USD".to_owned(),
            "£" => "GBP".to_owned(),
            other => other.to_ascii_uppercase(),
        };
        let Some(n) = c.get(2) else { continue };
        let Ok(mut m) = entente_domain::Money::parse(n.as_str(), &code) else {
            continue;
        };
        if c.get(3).is_some() {
            m.amount *= Decimal::from(1_000_000);
        }
        arms.push((Some(m), None));
    }
    for c in FEE_ARM.captures_iter(text) {
        let Some(k) = multiplier(c.get(1).map(|m| m.as_str())) else {
            continue;
        };
        let amount = fees.as_ref().map(|(f, _)| entente_domain::Money {
            amount: f.amount * k,
            currency: f.currency,
        });
        arms.push((amount, Some(k)));
    }
    if arms.is_empty() {
        return vec![Hit::undetermined(
            format!(
                "looked for the amount or the multiple of the fees in the cap “{}” and could not read it",
                shorten(text)
            ),
            span,
        )];
    }
    let mut hits = Vec::new();
    // The multiple: the greater (or lesser) fee multiple, when the cap is written against fees.
    let multiples: Vec<Decimal> = arms.iter().filter_map(|a| a.1).collect();
    if let (Some(max), false) = (max_multiple, multiples.is_empty()) {
        let k = if lesser {
            multiples.iter().copied().min()
        } else {
            multiples.iter().copied().max()
        };
        let fixed_below = lesser && arms.iter().any(|a| a.1.is_none());
        if let Some(k) = k
            && k > max
            && !fixed_below
        {
            hits.push(Hit::at(
                format!(
                    "the cap is {} × the fees, more than the playbook's {} ×",
                    k.normalize(),
                    max.normalize()
                ),
                span,
            ));
        }
    }
    if let Some(max) = max_amount {
        let same: Vec<Option<Decimal>> = arms
            .iter()
            .filter(|a| a.0.as_ref().is_none_or(|m| m.currency == max.currency))
            .map(|a| a.0.as_ref().map(|m| m.amount))
            .collect();
        let known: Vec<Decimal> = same.iter().flatten().copied().collect();
        let unknown = same.iter().any(Option::is_none);
        let over = if lesser {
            // The lesser of the arms exceeds the maximum only when every arm does.
            !unknown && !known.is_empty() && known.iter().all(|a| *a > max.amount)
        } else {
            known.iter().any(|a| *a > max.amount)
        };
        if over {
            let value = if lesser {
                known.iter().copied().min()
            } else {
                known.iter().copied().max()
            }
            .unwrap_or_default();
            let via = fees
                .as_ref()
                .filter(|_| arms.iter().any(|a| a.1.is_some()))
                .map(|(f, what)| {
                    format!(" (with {what} of {} {})", f.currency, f.amount.round_dp(2))
                })
                .unwrap_or_default();
            hits.push(Hit::at(
                format!(
                    "the cap comes to {} {}{via}, above the playbook's maximum of {max}",
                    max.currency,
                    value.round_dp(2)
                ),
                span,
            ));
        } else if unknown && !(lesser && known.iter().any(|a| *a <= max.amount)) && hits.is_empty()
        {
            return vec![Hit::undetermined(
                format!(
                    "the cap “{}” depends on the fees, and neither the annual fees nor the contract value were read",
                    shorten(text)
                ),
                span,
            )];
        }
    }
    hits
}

fn shorten(t: &str) -> String {
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > 160 {
        format!("{}…", t.chars().take(160).collect::<String>())
    } else {
        t
    }
}

/// The contract value per year (the total divided by the initial term in years), or the
/// total when the term is unknown; with the word describing which.
fn annual_value(s: &Subject) -> Option<(entente_domain::Money, &'static str)> {
    let total = s.contract_value()?;
    let years = s
        .period(TermField::InitialTerm)
        .map(|(p, _)| match p.whole_months() {
            Some(m) => Decimal::from(m) / Decimal::from(12),
            None => Decimal::from(p.approx_days()) / Decimal::from(365),
        })
        .filter(|y| *y > Decimal::ZERO);
    Some(match years {
        Some(y) => (
            entente_domain::Money {
                amount: total.amount / y,
                currency: total.currency,
            },
            "annual",
        ),
        None => (total, "total"),
    })
}

const DAMAGE_WORDS: &[(&str, &str)] = &[
    ("indirect", r"\bindirect\b"),
    ("consequential", r"\bconsequential\b"),
    ("incidental", r"\bincidental\b"),
    (
        "special",
        r"\bspecial\s+(?:damages?|loss)|\bspecial,|\bspecial\s+or\b",
    ),
    ("punitive", r"\bpunitive\b"),
    ("exemplary", r"\bexemplary\b"),
    (
        "lost_profits",
        r"\blost\s+profits?\b|\bloss\s+of\s+(?:\w+\s+)?profits?\b",
    ),
    (
        "lost_revenue",
        r"\blost\s+revenues?\b|\bloss\s+of\s+revenues?\b",
    ),
    (
        "loss_of_data",
        r"\bloss\s+of\s+data\b|\blost\s+data\b|\bcorruption\s+of\s+data\b",
    ),
    ("loss_of_goodwill", r"\bgoodwill\b"),
];

static DAMAGE_RES: LazyLock<Vec<(&'static str, Regex)>> =
    LazyLock::new(|| DAMAGE_WORDS.iter().map(|(k, p)| (*k, re(p))).collect());

fn label(k: &str) -> String {
    k.replace('_', " ")
}

pub(super) fn exclusions(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let mut excluded: Vec<String> = match s.term(TermField::ExcludedDamages).map(|t| &t.value) {
        Some(TermValue::List(l)) => l.clone(),
        _ => Vec::new(),
    };
    let mut at: Option<Span> = s.term(TermField::ExcludedDamages).and_then(|t| t.span);
    for sent in liability_sentences(s) {
        if !EXCLUSION_LANGUAGE.is_match(&sent.lower) {
            continue;
        }
        at = at.or(Some(sent.span));
        for (k, r) in DAMAGE_RES.iter() {
            if r.is_match(&sent.lower) {
                excluded.push((*k).to_owned());
            }
        }
    }
    let missing: Vec<&String> = rule
        .words("required")
        .iter()
        .filter(|w| !excluded.iter().any(|e| e == *w))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let list = missing
        .iter()
        .map(|m| label(m))
        .collect::<Vec<_>>()
        .join(", ");
    if excluded.is_empty() {
        vec![Hit::missing(format!(
            "no damages are excluded (the playbook requires excluding {list})"
        ))]
    } else {
        vec![Hit::at(
            format!("the exclusion of damages omits {list}"),
            at,
        )]
    }
}

/// A limitation of liability and whom it protects.
struct Limitation {
    kind: &'static str,
    sentence: Sentence,
    /// The entity it protects; `None` when it protects every party.
    protects: Option<usize>,
}

/// The parties as (label, names). When analysis merged the parties into one, each of its
/// defined names stands for a party of its own.
fn entities(s: &Subject) -> Vec<(String, Vec<String>)> {
    if s.parties.len() >= 2 {
        return s
            .parties
            .iter()
            .map(|p| {
                let label = p.aliases.first().unwrap_or(&p.name).clone();
                let mut names = vec![p.name.clone()];
                names.extend(p.aliases.iter().cloned());
                (label, names)
            })
            .collect();
    }
    let mut out: Vec<(String, Vec<String>)> = s
        .parties
        .iter()
        .flat_map(|p| p.aliases.iter().map(|a| (a.clone(), vec![a.clone()])))
        .collect();
    if out.len() >= 2 {
        return out;
    }
    // The parties are not named (an excerpt, or a preamble analysis could not read): the
    // defined names whose liability the sentences speak of ("the Supplier's total liability",
    // "the liability of the Partner") stand for the parties, and an agreement has at least two.
    for sent in liability_sentences(s) {
        for c in LIABLE_NAME.captures_iter(&sent.text) {
            let Some(m) = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)) else {
                continue;
            };
            let name = m.as_str().to_owned();
            if NOT_A_NAME.contains(&name.to_ascii_lowercase().as_str())
                || out.iter().any(|(l, _)| l.eq_ignore_ascii_case(&name))
            {
                continue;
            }
            out.push((name.clone(), vec![name]));
        }
    }
    if out.len() == 1 {
        out.push(("the other party".to_owned(), Vec::new()));
    }
    out
}

/// A defined name whose liability a sentence limits or leaves open.
static LIABLE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b([A-Z][A-Za-z]+)(?:'s|’s)\s+(?:(?:total|aggregate|entire|maximum|cumulative|overall)\s+)*liabilit|\bliability\s+of\s+(?:the\s+)?([A-Z][A-Za-z]+)\b|\bin\s+no\s+(?:event|case)\s+shall\s+(?:the\s+)?([A-Z][A-Za-z]+)\s+be\s+liable",
    )
});
/// Capitalised words that are no party's name.
const NOT_A_NAME: &[&str] = &[
    "party",
    "parties",
    "either",
    "each",
    "neither",
    "its",
    "their",
    "this",
    "such",
    "any",
    "the",
    "agreement",
    "member",
    "members",
];

fn limitations(s: &Subject, entities: &[(String, Vec<String>)]) -> Vec<Limitation> {
    let patterns: Vec<(usize, Regex)> = entities
        .iter()
        .enumerate()
        .flat_map(|(i, (_, names))| {
            names
                .iter()
                .filter(|n| n.chars().count() >= 2)
                .filter_map(move |n| {
                    Regex::new(&format!(r"\b{}\b", regex::escape(&n.to_ascii_lowercase())))
                        .ok()
                        .map(|r| (i, r))
                })
        })
        .collect();
    let mut out = Vec::new();
    for sent in liability_sentences(s) {
        if !sent.lower.contains("liab") {
            continue;
        }
        let kind = if UNLIMITED_LANGUAGE.is_match(&sent.lower) {
            "unlimited"
        } else if CAP_LANGUAGE.is_match(&sent.lower) {
            "cap"
        } else if EXCLUSION_LANGUAGE.is_match(&sent.lower) {
            "exclusion"
        } else {
            continue;
        };
        let protects = if MUTUAL.is_match(&sent.lower) {
            None
        } else {
            // The first party named is the one the sentence speaks of.
            let first = patterns
                .iter()
                .filter_map(|(i, r)| r.find(&sent.lower).map(|m| (m.start(), *i)))
                .min();
            match first {
                Some((_, i)) => Some(i),
                None => continue,
            }
        };
        out.push(Limitation {
            kind,
            sentence: sent,
            protects,
        });
    }
    out
}

pub(super) fn mutual_liability(_rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let ents = entities(s);
    if ents.len() < 2 {
        return Vec::new();
    }
    let lims = limitations(s, &ents);
    let mut hits = Vec::new();
    for kind in ["cap", "exclusion"] {
        let mine: Vec<&Limitation> = lims.iter().filter(|l| l.kind == kind).collect();
        if mine.is_empty() || mine.iter().any(|l| l.protects.is_none()) {
            continue;
        }
        let mut protected: Vec<usize> = mine.iter().filter_map(|l| l.protects).collect();
        protected.sort_unstable();
        protected.dedup();
        if protected.len() < ents.len() {
            let who = protected
                .iter()
                .map(|p| ents[*p].0.clone())
                .collect::<Vec<_>>()
                .join(", ");
            let what = if kind == "cap" {
                "the liability cap"
            } else {
                "the exclusion of damages"
            };
            hits.push(Hit::at(
                format!("{what} protects only {who}"),
                Some(mine[0].sentence.span),
            ));
        }
    }
    // One party's liability expressly unlimited while another's is limited.
    for l in lims.iter().filter(|l| l.kind == "unlimited") {
        if let Some(p) = l.protects
            && lims
                .iter()
                .any(|o| o.kind != "unlimited" && o.protects.is_some_and(|q| q != p))
        {
            hits.push(Hit::at(
                format!(
                    "{}'s liability is unlimited while the other side's is limited",
                    ents[p].0
                ),
                Some(l.sentence.span),
            ));
        }
    }
    hits
}

pub(super) fn indemnity(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    match &s.indemnity {
        None => {
            if rule.flag("require") == Some(true) && !has_clause(s, "indemnification") {
                vec![Hit::missing("no indemnity")]
            } else {
                Vec::new()
            }
        }
        Some(i) if !i.value.mutual && rule.flag("mutual") != Some(false) => {
            let who = if i.value.by.is_empty() {
                "one party".to_owned()
            } else {
                i.value.by.join(", ")
            };
            vec![Hit::at(
                format!("the indemnity runs one way: only {who} indemnifies"),
                i.span,
            )]
        }
        Some(i) if rule.flag("mutual") != Some(false) => {
            // A mutual indemnity elsewhere does not balance an indemnity one party gives alone
            // unless every party gives one of its own.
            let mut givers: Vec<usize> = i
                .value
                .one_way
                .iter()
                .filter_map(|o| s.party_of(&o.value))
                .collect();
            givers.sort_unstable();
            givers.dedup();
            let parties = s.parties.len().max(2);
            if i.value.one_way.is_empty() || givers.len() >= parties {
                return Vec::new();
            }
            i.value
                .one_way
                .iter()
                .map(|o| {
                    Hit::at(
                        format!(
                            "besides the mutual indemnity, {} alone gives a one-way indemnity",
                            o.value
                        ),
                        o.span.or(i.span),
                    )
                })
                .collect()
        }
        Some(_) => Vec::new(),
    }
}

static SURVIVAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bsurviv\w*\b|\bafter\s+(?:the\s+)?(?:termination|expiry|expiration|end)\b|\bthereafter\b|\bfollowing\s+(?:the\s+)?(?:termination|expiry|expiration|end)\b|\bindefinitely\b|\bperpetu\w*\b|\bat\s+any\s+time\b|\bwithout\s+limit\s+(?:of|in)\s+time\b",
    )
});
static RETURN: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:return|destroy|destruction|delete|deletion|erase)\b"));
static YEARS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)\b(?:\s*\(\d{1,2}\))?\s+(years?|months?)\b",
    )
});

fn small_number(w: &str) -> Option<u32> {
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
        "twelve" => 12,
        "fifteen" => 15,
        "twenty" => 20,
        other => return other.parse().ok(),
    })
}

/// Survival read from the confidentiality clauses: (survives, longest period, where).
fn survival_in_text(s: &Subject) -> (bool, Option<Period>, Option<Span>) {
    let mut survives = false;
    let mut longest: Option<Period> = None;
    let mut at = None;
    for (_, c) in s.clauses_with(&["confidentiality"]) {
        for sent in sentences(c) {
            if !SURVIVAL.is_match(&sent.lower) || RETURN.is_match(&sent.lower) {
                continue;
            }
            survives = true;
            at = at.or(Some(sent.span));
            for cap in YEARS.captures_iter(&sent.lower) {
                let n = cap.get(1).and_then(|m| small_number(m.as_str()));
                let unit = if cap.get(2).is_some_and(|m| m.as_str().starts_with("year")) {
                    PeriodUnit::Years
                } else {
                    PeriodUnit::Months
                };
                if let Some(p) = n.and_then(|n| Period::new(n, unit).ok())
                    && longest.is_none_or(|l| p.longer_than(l))
                {
                    longest = Some(p);
                    at = Some(sent.span);
                }
            }
        }
    }
    (survives, longest, at)
}

pub(super) fn confidentiality(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let present = s.confidentiality.is_some() || s.has_category("confidentiality");
    if !present {
        return if rule.flag("require") == Some(false) {
            Vec::new()
        } else {
            vec![Hit::missing("no confidentiality clause")]
        };
    }
    // A survival read from a return-or-destroy sentence is about data return, not secrecy.
    let found = s.confidentiality.as_ref().filter(|c| {
        c.span
            .is_none_or(|sp| !RETURN.is_match(&s.excerpt(sp, 2000).to_ascii_lowercase()))
    });
    let (text_survives, text_period, text_at) = survival_in_text(s);
    let perpetual = found.is_some_and(|c| c.value.perpetual);
    let survives = perpetual || text_survives || found.is_some_and(|c| c.value.survives);
    let period = found.and_then(|c| c.value.duration).or(text_period);
    let at = found
        .and_then(|c| c.span)
        .or(text_at)
        .or_else(|| s.first_clause_with(&["confidentiality"]));
    if !survives {
        return vec![Hit::at(
            "confidentiality ends with the agreement: nothing says it survives termination or expiry",
            at,
        )];
    }
    if let Some(min) = rule.period("min_survival")
        && !perpetual
        && let Some(p) = period
        && p.shorter_than(min)
    {
        return vec![Hit::at(
            format!(
                "confidentiality survives {}, less than the playbook's minimum of {}",
                human(p),
                human(min)
            ),
            text_at.or(at),
        )];
    }
    Vec::new()
}
