//! Obligation ambiguity: too many duties that rest on an open standard with no metric or
//! deadline (`vague_obligations`), and weasel words inside duties (`weasel_words`).

use super::{Hit, Input};
use crate::kinds::DEFAULT_WEASEL_WORDS;
use crate::model::EffectiveRule;
use crate::text::{Duty, Phrases};

fn words(rule: &EffectiveRule<'_>) -> Vec<String> {
    let w = rule.words("words");
    if w.is_empty() {
        DEFAULT_WEASEL_WORDS
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    } else {
        w.to_vec()
    }
}

fn quoted(list: &[&str]) -> String {
    list.iter()
        .map(|w| format!("“{w}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a duty is vague, and the open-standard words it rests on.
fn vagueness<'p>(d: &Duty, phrases: &'p Phrases) -> Option<Vec<&'p str>> {
    let found = phrases.found_in(&d.lower);
    let vague = d.vague_by_analysis || (!d.measured && !found.is_empty());
    vague.then_some(found)
}

pub(super) fn vague(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let phrases = Phrases::new(&words(rule));
    let total = input.duties.len();
    let vague: Vec<(&Duty, Vec<&str>)> = input
        .duties
        .iter()
        .filter_map(|d| vagueness(d, &phrases).map(|w| (d, w)))
        .collect();
    let min_count = rule.count("min_count").unwrap_or(2) as usize;
    let min_share = rule.number("min_share").unwrap_or(0.25);
    if total == 0 || vague.len() < min_count || (vague.len() as f64) < min_share * total as f64 {
        return Vec::new();
    }
    let max = rule.count("max_findings").unwrap_or(10) as usize;
    let share = (vague.len() * 100 + total / 2) / total;
    let mut hits: Vec<Hit> = vague
        .iter()
        .take(max)
        .map(|(d, w)| {
            let why = if w.is_empty() {
                "states no metric, owner or deadline".to_owned()
            } else {
                format!("rests on {} with no metric or deadline", quoted(w))
            };
            Hit::at(
                format!(
                    "{} of {total} duties ({share} %) are vague; this one {why}",
                    vague.len()
                ),
                d.span,
            )
        })
        .collect();
    if vague.len() > max
        && let Some(last) = hits.last_mut()
    {
        last.message
            .push_str(&format!(" ({} more not listed)", vague.len() - max));
    }
    hits
}

pub(super) fn weasel(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let phrases = Phrases::new(&words(rule));
    let max = rule.count("max_findings").unwrap_or(20) as usize;
    let mut hits = Vec::new();
    let mut total = 0usize;
    for d in &input.duties {
        let found = phrases.found_in(&d.lower);
        if found.is_empty() {
            continue;
        }
        total += 1;
        if hits.len() < max {
            hits.push(Hit::at(
                format!(
                    "duty uses {}{}",
                    quoted(&found),
                    if d.measured {
                        ""
                    } else {
                        " and states no metric or deadline"
                    }
                ),
                d.span,
            ));
        }
    }
    let listed = hits.len();
    if total > listed
        && let Some(last) = hits.last_mut()
    {
        last.message
            .push_str(&format!(" ({} more not listed)", total - listed));
    }
    hits
}
