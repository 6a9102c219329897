//! Enforcement: governing law and venue, an out-of-court dispute step, and the full ladder of
//! dispute tiers in order with time limits.

use super::{Hit, Input, human};
use crate::model::{EffectiveRule, Tier};
use crate::subject::{DisputeTier, Span, Subject};
use crate::text::{period_in, re, sentences};
use entente_domain::terms::{TermField, TermValue};
use regex::Regex;
use std::sync::LazyLock;

pub(super) fn governing_law(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let mut hits = Vec::new();
    match s.term(TermField::GoverningLaw) {
        None if rule.flag("require_law") != Some(false) && !s.has_category("governing_law") => hits
            .push(Hit::missing(
                "no governing law: which law decides a dispute is left open",
            )),
        None => {
            // A governing-law clause whose law could not be read cannot be compared with the
            // playbook's laws.
            if !rule.words("allowed").is_empty() && s.has_category("governing_law") {
                hits.push(Hit::undetermined(
                    "looked for which law governs in the governing-law clause and could not read it",
                    s.first_clause_with(&["governing_law"]),
                ));
            }
        }
        Some(t) => {
            let allowed = rule.words("allowed");
            if let TermValue::Text(law) = &t.value
                && !allowed.is_empty()
                && !allowed
                    .iter()
                    .any(|a| law.to_lowercase().contains(&a.to_lowercase()))
            {
                hits.push(Hit::at(
                    format!(
                        "the agreement is governed by the law of {law}, which is not among the playbook's laws ({})",
                        allowed.join(", ")
                    ),
                    t.span,
                ));
            }
        }
    }
    if rule.flag("require_venue") == Some(true) {
        let arbitral = tiers(s).iter().any(|t| t.tier == Tier::Arbitration);
        if s.term(TermField::Venue).is_none() && !s.has_category("jurisdiction_venue") && !arbitral
        {
            hits.push(Hit::missing(
                "no venue: neither the courts nor an arbitral seat for disputes are chosen",
            ));
        }
    }
    hits
}

static TIER_TEXT: LazyLock<Vec<(Tier, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Tier::Negotiation,
            re(
                r"\b(?:negotiat\w*|escalat\w*|amicabl\w*|(?:try|tries|attempt|attempts|seek|seeks|endeavou?r)\s+(?:in\s+good\s+faith\s+)?to\s+(?:resolve|settle)|senior\s+(?:managers?|executives?|management|officers?|representatives?)|good\s+faith\s+(?:discussions?|consultations?))\b",
            ),
        ),
        (Tier::Mediation, re(r"\b(?:mediat\w*|conciliat\w*|cedr)\b")),
        (
            Tier::Expert,
            re(r"\bexpert\s+determination\b|\breferred\s+to\s+an?\s+(?:independent\s+)?expert\b"),
        ),
        (Tier::Arbitration, re(r"\barbitra\w*\b")),
        (Tier::Courts, re(r"\bcourts?\b")),
    ]
});
/// Tiers read from the text of the dispute clauses: (position, tier, time limit).
fn tiers_in_text(s: &Subject) -> Vec<(usize, DisputeTier)> {
    let mut out: Vec<(usize, DisputeTier)> = Vec::new();
    for c in &s.clauses {
        let disputes = c.has("dispute_resolution")
            || c.has("negotiation_escalation")
            || c.has("mediation")
            || c.has("arbitration")
            || c.has("jurisdiction_venue");
        for sent in sentences(c) {
            if !disputes && !sent.lower.contains("dispute") {
                continue;
            }
            for (tier, r) in TIER_TEXT.iter() {
                if *tier == Tier::Courts && !sent.lower.contains("dispute") && !disputes {
                    continue;
                }
                if r.is_match(&sent.lower) && !out.iter().any(|(_, t)| t.tier == *tier) {
                    let period = if matches!(tier, Tier::Negotiation | Tier::Mediation) {
                        period_in(&sent.lower)
                    } else {
                        None
                    };
                    out.push((
                        sent.span.start,
                        DisputeTier {
                            tier: *tier,
                            period,
                        },
                    ));
                }
            }
        }
    }
    out.sort_by_key(|(p, t)| (*p, t.tier));
    out
}

/// The dispute tiers in the order written: analysis's reading, completed from the text.
fn tiers(s: &Subject) -> Vec<DisputeTier> {
    let mut out: Vec<DisputeTier> = s
        .dispute
        .as_ref()
        .map(|d| d.value.clone())
        .unwrap_or_default();
    for (_, t) in tiers_in_text(s) {
        if let Some(have) = out.iter_mut().find(|x| x.tier == t.tier) {
            have.period = have.period.or(t.period);
            continue;
        }
        // Insert in the usual order of a ladder.
        let at = out
            .iter()
            .position(|x| x.tier > t.tier)
            .unwrap_or(out.len());
        out.insert(at, t);
    }
    out
}

/// Where the dispute clause is: the first sentence about disputes that names a forum or a
/// step, else analysis's evidence, else the first clause categorised as dispute resolution.
fn dispute_span(s: &Subject) -> Option<Span> {
    let from_text = s
        .clauses
        .iter()
        .filter(|c| !c.is_heading_only() && !c.has("definitions"))
        .flat_map(sentences)
        .find(|x| {
            x.lower.contains("dispute") && TIER_TEXT.iter().any(|(_, r)| r.is_match(&x.lower))
        })
        .map(|x| x.span);
    from_text
        .or_else(|| s.dispute.as_ref().and_then(|d| d.span))
        .or_else(|| {
            s.first_clause_with(&[
                "negotiation_escalation",
                "mediation",
                "arbitration",
                "jurisdiction_venue",
                "dispute_resolution",
            ])
        })
}

fn names(ts: &[Tier]) -> String {
    ts.iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(" → ")
}

pub(super) fn dispute_resolution(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let accepted: Vec<Tier> = if rule.words("accepted").is_empty() {
        vec![Tier::Negotiation, Tier::Mediation, Tier::Arbitration]
    } else {
        rule.words("accepted")
            .iter()
            .filter_map(|w| Tier::parse(w))
            .collect()
    };
    let present = tiers(s);
    if present.iter().any(|t| accepted.contains(&t.tier)) {
        return Vec::new();
    }
    if present.is_empty() {
        return vec![Hit::missing(
            "no dispute-resolution clause: disputes go to litigation by default, with no escalation, mediation or arbitration",
        )];
    }
    let span = dispute_span(s);
    vec![Hit::at(
        format!(
            "disputes go straight to court: no {} step",
            accepted
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        span,
    )]
}

pub(super) fn dispute_tiers(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let required: Vec<Tier> = rule
        .words("tiers")
        .iter()
        .filter_map(|w| Tier::parse(w))
        .collect();
    if required.is_empty() {
        return Vec::new();
    }
    let present = tiers(s);
    let span = dispute_span(s);
    if present.is_empty() {
        return vec![Hit::missing(format!(
            "no dispute-resolution clause; the playbook requires {}",
            names(&required)
        ))];
    }
    let mut hits = Vec::new();
    let missing: Vec<Tier> = required
        .iter()
        .copied()
        .filter(|r| !present.iter().any(|p| p.tier == *r))
        .collect();
    if !missing.is_empty() {
        let have: Vec<Tier> = present.iter().map(|p| p.tier).collect();
        hits.push(Hit::at(
            format!(
                "the dispute clause lacks {} (it has {}; the playbook requires {})",
                names(&missing),
                if have.is_empty() {
                    "no tier".to_owned()
                } else {
                    names(&have)
                },
                names(&required)
            ),
            span,
        ));
    }
    // Order: the required tiers that are present must appear in the required order.
    let order: Vec<Tier> = present
        .iter()
        .map(|p| p.tier)
        .filter(|t| required.contains(t))
        .collect();
    let expected: Vec<Tier> = required
        .iter()
        .copied()
        .filter(|r| order.contains(r))
        .collect();
    if order != expected {
        hits.push(Hit::at(
            format!(
                "the tiers are out of order: {} (the playbook requires {})",
                names(&order),
                names(&required)
            ),
            span,
        ));
    }
    let last = required.last().copied();
    for p in &present {
        if Some(p.tier) == last || !required.contains(&p.tier) {
            continue;
        }
        match p.period {
            None if rule.flag("require_time_limits") != Some(false) => hits.push(Hit::at(
                format!(
                    "{} has no time limit: a party can stall the escalation",
                    p.tier.as_str()
                ),
                span,
            )),
            Some(d) => {
                if let Some(max) = rule.period("max_period")
                    && d.longer_than(max)
                {
                    hits.push(Hit::at(
                        format!(
                            "{} may last {}, longer than the playbook's {}",
                            p.tier.as_str(),
                            human(d),
                            human(max)
                        ),
                        span,
                    ));
                }
            }
            None => {}
        }
    }
    hits
}
