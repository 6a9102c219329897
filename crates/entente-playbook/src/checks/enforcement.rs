//! Enforcement: governing law and venue, an out-of-court dispute step, and the full ladder of
//! dispute tiers in order with time limits.

use super::{Hit, Input, human};
use crate::model::{EffectiveRule, Tier};
use crate::subject::{DisputeTier, Span, Subject};
use entente_domain::terms::{TermField, TermValue};

pub(super) fn governing_law(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let mut hits = Vec::new();
    match s.term(TermField::GoverningLaw) {
        None if rule.flag("require_law") != Some(false) && !s.has_category("governing_law") => hits
            .push(Hit::missing(
                "no governing law: which law decides a dispute is left open",
            )),
        None => {}
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

/// The dispute tiers in the order written (from analysis, else from clause categories).
fn tiers(s: &Subject) -> Vec<DisputeTier> {
    if let Some(d) = &s.dispute
        && !d.value.is_empty()
    {
        return d.value.clone();
    }
    let mut out: Vec<DisputeTier> = Vec::new();
    for c in &s.clauses {
        for (cat, tier) in [
            ("negotiation_escalation", Tier::Negotiation),
            ("mediation", Tier::Mediation),
            ("arbitration", Tier::Arbitration),
            ("jurisdiction_venue", Tier::Courts),
        ] {
            if c.has(cat) && !out.iter().any(|t| t.tier == tier) {
                out.push(DisputeTier { tier, period: None });
            }
        }
    }
    out
}

fn dispute_span(s: &Subject) -> Option<Span> {
    s.dispute.as_ref().and_then(|d| d.span).or_else(|| {
        s.first_clause_with(&[
            "dispute_resolution",
            "negotiation_escalation",
            "mediation",
            "arbitration",
            "jurisdiction_venue",
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
    let span = dispute_span(s);
    if present.is_empty() && span.is_none() {
        return vec![Hit::missing(
            "no dispute-resolution clause: disputes go to litigation by default, with no escalation, mediation or arbitration",
        )];
    }
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
    if present.is_empty() && span.is_none() {
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
                    && d.approx_days() > max.approx_days()
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
