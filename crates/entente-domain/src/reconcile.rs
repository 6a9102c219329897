//! Reconciling a new version's obligations with those already tracked: which stayed, which
//! changed wording, which the new text dropped and which it adds, so identity and history last.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One obligation as the matcher sees it: its words, the clause it sits in and who owes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// The duty in words.
    pub text: &'a str,
    /// The number of the clause it was found in ("4.2"), if known.
    pub clause: Option<&'a str>,
    /// Who owes it.
    pub obligor: &'a str,
}

/// What became of each obligation (indices into the tracked and found lists).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// Same words: the tracked record stands as it is.
    Unchanged {
        /// Index into the tracked list.
        tracked: usize,
        /// Index into the found list.
        found: usize,
    },
    /// Changed words of the same duty: a new revision of the tracked record.
    Changed {
        /// Index into the tracked list.
        tracked: usize,
        /// Index into the found list.
        found: usize,
        /// How alike the two wordings are (0..=1).
        similarity: f32,
    },
    /// Found in the new text only.
    Added {
        /// Index into the found list.
        found: usize,
    },
    /// Tracked, but the new text no longer holds it.
    Removed {
        /// Index into the tracked list.
        tracked: usize,
    },
}

/// The counts a version upload reports ("1 obligation changed, 1 term changed, 0 added, 0
/// removed") and keeps in the audit trail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReconcileSummary {
    /// Obligations whose words are the same.
    pub obligations_unchanged: usize,
    /// Obligations whose words changed: each a new revision of the same record.
    pub obligations_changed: usize,
    /// Obligations the new text adds.
    pub obligations_added: usize,
    /// Obligations the new text no longer holds: retired, history kept.
    pub obligations_removed: usize,
    /// Terms whose value the new text changed.
    pub terms_changed: usize,
    /// Terms a person entered or confirmed that the new text contradicts: kept, and put in the
    /// review queue.
    pub terms_in_conflict: usize,
}

impl std::fmt::Display for ReconcileSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n =
            |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
        write!(
            f,
            "{} changed, {} changed, {} added, {} removed, {} unchanged",
            n(self.obligations_changed, "obligation", "obligations"),
            n(self.terms_changed, "term", "terms"),
            self.obligations_added,
            self.obligations_removed,
            self.obligations_unchanged,
        )?;
        if self.terms_in_conflict > 0 {
            write!(
                f,
                "; {} entered by a person and contradicted by the new text, kept and put up for review",
                n(self.terms_in_conflict, "term", "terms")
            )?;
        }
        Ok(())
    }
}

/// How alike two wordings must be to be one duty whose words changed. Below this, a changed
/// clause is a removal and an addition, which is the safe reading: the old duty's history stays
/// and the new one is tracked on its own.
const SAME_DUTY: f32 = 0.6;
/// A lower bar when both sit in the same clause and are owed by the same party.
const SAME_DUTY_SAME_CLAUSE: f32 = 0.45;

/// Matches what the new text yields (`found`) to what is tracked. Identical words match first;
/// then the most alike pairs above the bar, each record at most once.
pub fn reconcile(tracked: &[Candidate<'_>], found: &[Candidate<'_>]) -> Vec<Outcome> {
    let mut out = Vec::new();
    let mut t_used = vec![false; tracked.len()];
    let mut f_used = vec![false; found.len()];
    let norm_t: Vec<String> = tracked.iter().map(|c| normalise(c.text)).collect();
    let norm_f: Vec<String> = found.iter().map(|c| normalise(c.text)).collect();
    // Identical words: prefer the same clause, then the first.
    for (fi, nf) in norm_f.iter().enumerate() {
        let best = (0..tracked.len())
            .filter(|&ti| !t_used[ti] && &norm_t[ti] == nf)
            .max_by_key(|&ti| (tracked[ti].clause == found[fi].clause, usize::MAX - ti));
        if let Some(ti) = best {
            t_used[ti] = true;
            f_used[fi] = true;
            out.push(Outcome::Unchanged {
                tracked: ti,
                found: fi,
            });
        }
    }
    // Changed words: every remaining pair above its bar, most alike first.
    let words_t: Vec<BTreeSet<&str>> = norm_t.iter().map(|s| words(s)).collect();
    let words_f: Vec<BTreeSet<&str>> = norm_f.iter().map(|s| words(s)).collect();
    let mut pairs = Vec::new();
    for fi in (0..found.len()).filter(|&i| !f_used[i]) {
        for ti in (0..tracked.len()).filter(|&i| !t_used[i]) {
            let sim = dice(&words_t[ti], &words_f[fi]);
            let same_place = tracked[ti].clause.is_some()
                && tracked[ti].clause == found[fi].clause
                && same_party(tracked[ti].obligor, found[fi].obligor);
            let bar = if same_place {
                SAME_DUTY_SAME_CLAUSE
            } else {
                SAME_DUTY
            };
            if sim >= bar {
                // Same place breaks ties between equally alike wordings.
                let score = sim + if same_place { 0.05 } else { 0.0 };
                pairs.push((score, sim, ti, fi));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
    for (_, sim, ti, fi) in pairs {
        if t_used[ti] || f_used[fi] {
            continue;
        }
        t_used[ti] = true;
        f_used[fi] = true;
        out.push(Outcome::Changed {
            tracked: ti,
            found: fi,
            similarity: sim,
        });
    }
    out.extend(
        (0..found.len())
            .filter(|&i| !f_used[i])
            .map(|found| Outcome::Added { found }),
    );
    out.extend(
        (0..tracked.len())
            .filter(|&i| !t_used[i])
            .map(|tracked| Outcome::Removed { tracked }),
    );
    out
}

/// Lower case, words and numbers only, single spaces: layout and punctuation do not make a
/// different duty.
fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

fn words(s: &str) -> BTreeSet<&str> {
    s.split(' ').filter(|w| !w.is_empty()).collect()
}

/// Dice's coefficient over the sets of words: 1 for the same words, 0 for none in common.
fn dice(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(b).count();
    (2 * common) as f32 / (a.len() + b.len()) as f32
}

fn same_party(a: &str, b: &str) -> bool {
    normalise(a) == normalise(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c<'a>(text: &'a str, clause: &'a str) -> Candidate<'a> {
        Candidate {
            text,
            clause: Some(clause),
            obligor: "Supplier",
        }
    }

    #[test]
    fn the_same_text_is_unchanged_whatever_the_layout() {
        let t = [c("The Supplier shall report  monthly.", "4.1")];
        let f = [c("the supplier shall report monthly", "4.1")];
        assert_eq!(
            reconcile(&t, &f),
            vec![Outcome::Unchanged {
                tracked: 0,
                found: 0
            }]
        );
    }

    #[test]
    fn a_changed_number_is_a_revision_and_a_new_duty_is_added() {
        let t = [
            c(
                "Each party shall attend a review meeting within thirty (30) days after the end of each calendar quarter.",
                "6.2",
            ),
            c("The Supplier shall keep records for six years.", "9.1"),
        ];
        let f = [
            c("The Supplier shall keep records for six years.", "9.1"),
            c(
                "Each party shall attend a review meeting within twenty-eight (28) days after the end of each calendar quarter.",
                "6.2",
            ),
            c("The Partner shall publish a joint case study.", "7.4"),
        ];
        let got = reconcile(&t, &f);
        assert!(got.contains(&Outcome::Unchanged {
            tracked: 1,
            found: 0
        }));
        assert!(got.iter().any(|o| matches!(
            o,
            Outcome::Changed {
                tracked: 0,
                found: 1,
                ..
            }
        )));
        assert!(got.contains(&Outcome::Added { found: 2 }));
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn an_unrelated_duty_in_the_same_clause_is_a_removal_and_an_addition() {
        let t = [c("The Supplier shall deliver the prototype by 1 May.", "5")];
        let f = [c(
            "Northwind may audit the books once a year on notice.",
            "5",
        )];
        let got = reconcile(&t, &f);
        assert_eq!(
            got,
            vec![Outcome::Added { found: 0 }, Outcome::Removed { tracked: 0 }]
        );
    }

    #[test]
    fn two_identical_duties_match_one_to_one() {
        let t = [
            c("Each party shall give notice.", "3"),
            c("Each party shall give notice.", "8"),
        ];
        let f = [c("Each party shall give notice.", "8")];
        let got = reconcile(&t, &f);
        assert!(got.contains(&Outcome::Unchanged {
            tracked: 1,
            found: 0
        }));
        assert!(got.contains(&Outcome::Removed { tracked: 0 }));
    }

    #[test]
    fn summary_reads_as_a_sentence() {
        let s = ReconcileSummary {
            obligations_unchanged: 11,
            obligations_changed: 1,
            terms_changed: 1,
            ..Default::default()
        };
        assert_eq!(
            s.to_string(),
            "1 obligation changed, 1 term changed, 0 added, 0 removed, 11 unchanged"
        );
    }
}
