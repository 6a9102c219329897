//! Clause-level rules: categories that must be present (`required_clauses`) and phrases that
//! must not appear (`forbidden_terms`).

use super::{Hit, Input, has_clause};
use crate::model::EffectiveRule;
use crate::subject::Span;
use crate::text::{Phrases, sentences};
use entente_domain::taxonomy;

fn name(id: &str) -> String {
    taxonomy::category(id).map_or_else(|| id.to_owned(), |c| c.name.to_owned())
}

pub(super) fn required(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let mut hits = Vec::new();
    for id in rule.words("all_of") {
        if !has_clause(s, id) {
            hits.push(Hit::missing(format!(
                "no clause on {} (`{id}`)",
                name(id).to_lowercase()
            )));
        }
    }
    let any = rule.words("any_of");
    if !any.is_empty() && !any.iter().any(|id| has_clause(s, id)) {
        let names: Vec<String> = any
            .iter()
            .map(|id| format!("{} (`{id}`)", name(id).to_lowercase()))
            .collect();
        hits.push(Hit::missing(format!(
            "no clause on any of: {}",
            names.join(", ")
        )));
    }
    hits
}

pub(super) fn forbidden(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let phrases = Phrases::new(rule.words("phrases"));
    let only = rule.words("in_categories");
    let max = rule.count("max_findings").unwrap_or(10) as usize;
    let mut hits = Vec::new();
    let mut total = 0usize;
    for c in &s.clauses {
        if !only.is_empty() && !only.iter().any(|id| c.has(id)) {
            continue;
        }
        for sent in sentences(c) {
            let found = phrases.found_in(&sent.lower);
            if found.is_empty() {
                continue;
            }
            total += 1;
            if hits.len() < max {
                let list: Vec<String> = found.iter().map(|w| format!("“{w}”")).collect();
                hits.push(Hit::at(
                    format!("contains {}", list.join(", ")),
                    Some(Span {
                        start: sent.span.start,
                        end: sent.span.end,
                    }),
                ));
            }
        }
    }
    if total > hits.len()
        && let Some(last) = hits.last_mut()
    {
        last.message
            .push_str(&format!(" (and {} more)", total - max.min(total)));
    }
    hits
}
