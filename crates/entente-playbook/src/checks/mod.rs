//! Running a playbook over a subject: each rule kind's check yields hits (message and span, or
//! "missing") that become findings with the rule's severity and language; failed rules are scored.

mod clauses;
mod deal;
mod enforcement;
mod lifecycle;
mod obligations;
mod regulatory;
mod risk;

use crate::kinds::RuleKind;
use crate::model::{EffectiveRule, Playbook};
use crate::report::{
    ClauseRef, Finding, Outcome, PlaybookRef, Report, RiskScore, RuleResult, TextSpan,
};
use crate::subject::{Span, Subject};
use crate::text::{Duty, duties};

/// One departure found by a check (or a value it could not determine), before it becomes a
/// finding.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    pub(crate) message: String,
    pub(crate) span: Option<Span>,
    pub(crate) missing: bool,
    /// The check could not tell: what it looked for was not found where it looked.
    pub(crate) undetermined: bool,
}

impl Hit {
    /// Something the agreement lacks.
    pub(crate) fn missing(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            span: None,
            missing: true,
            undetermined: false,
        }
    }

    /// Something the agreement says, at `span`.
    pub(crate) fn at(message: impl Into<String>, span: Option<Span>) -> Self {
        Self {
            message: message.into(),
            span,
            missing: false,
            undetermined: false,
        }
    }

    /// The rule could not be decided: `message` says what was looked for, `span` where (none:
    /// the whole text).
    pub(crate) fn undetermined(message: impl Into<String>, span: Option<Span>) -> Self {
        Self {
            message: message.into(),
            span,
            missing: false,
            undetermined: true,
        }
    }
}

/// What checks share: the subject and the duties found once for all rules.
pub(crate) struct Input<'a> {
    pub(crate) s: &'a Subject,
    pub(crate) duties: Vec<Duty>,
}

fn run(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    match rule.rule.kind {
        RuleKind::RequiredClauses => clauses::required(rule, input),
        RuleKind::ForbiddenTerms => clauses::forbidden(rule, input),
        RuleKind::VagueObligations => obligations::vague(rule, input),
        RuleKind::WeaselWords => obligations::weasel(rule, input),
        RuleKind::ReviewCycle => lifecycle::review_cycle(rule, input),
        RuleKind::Renewal => lifecycle::renewal(rule, input),
        RuleKind::TermLength => lifecycle::term_length(rule, input),
        RuleKind::TerminationRight => lifecycle::termination_right(rule, input),
        RuleKind::NoticePeriod => lifecycle::notice_period(rule, input),
        RuleKind::LiabilityCap => risk::liability_cap(rule, input),
        RuleKind::Exclusions => risk::exclusions(rule, input),
        RuleKind::MutualLiability => risk::mutual_liability(rule, input),
        RuleKind::Indemnity => risk::indemnity(rule, input),
        RuleKind::Confidentiality => risk::confidentiality(rule, input),
        RuleKind::GoverningLaw => enforcement::governing_law(rule, input),
        RuleKind::DisputeResolution => enforcement::dispute_resolution(rule, input),
        RuleKind::DisputeTiers => enforcement::dispute_tiers(rule, input),
        RuleKind::IndemnityDirection => deal::indemnity_direction(rule, input),
        RuleKind::IpOwnership => deal::ip_ownership(rule, input),
        RuleKind::RenewalControl => deal::renewal_control(rule, input),
        RuleKind::Exclusivity => deal::exclusivity(rule, input),
        RuleKind::Competition => regulatory::competition(rule, input),
        RuleKind::DataProtection => regulatory::data_protection(rule, input),
    }
}

/// The position a rule with tiers reached.
struct Reached {
    name: &'static str,
    /// The severity of the finding at this position (none: the rule's own).
    severity: Option<crate::model::Severity>,
}

/// Runs a rule; with tiers, the first position met decides, and the findings are those of the
/// position just above it, at the severity of the position reached (one finding per departure,
/// never one per tier). Returns (undetermined, departures, position reached).
fn evaluate(er: &EffectiveRule<'_>, input: &Input<'_>) -> (Vec<Hit>, Vec<Hit>, Option<Reached>) {
    use crate::model::Severity;
    let split =
        |hs: Vec<Hit>| -> (Vec<Hit>, Vec<Hit>) { hs.into_iter().partition(|h| h.undetermined) };
    let (unknown, hits) = split(run(er, input));
    let rule = er.rule;
    if rule.acceptable.is_none() && rule.walk_away.is_none() {
        return (unknown, hits, None);
    }
    if hits.is_empty() {
        let reached = unknown.is_empty().then_some(Reached {
            name: "preferred",
            severity: None,
        });
        return (unknown, hits, reached);
    }
    let mut above = hits;
    let tiers = [
        ("acceptable", rule.acceptable.as_ref(), Severity::Low),
        ("walk_away", rule.walk_away.as_ref(), er.severity),
    ];
    for (name, pos, default_sev) in tiers {
        let Some(pos) = pos else { continue };
        let (u, h) = split(run(&er.at_position(pos), input));
        if !u.is_empty() && h.is_empty() {
            return (u, Vec::new(), None);
        }
        if h.is_empty() {
            let sev = if name == "acceptable" {
                pos.severity.unwrap_or(default_sev)
            } else {
                // Within the walk-away position but below the acceptable one.
                er.severity
            };
            let prefix = if name == "acceptable" {
                "acceptable position reached, not the preferred one"
            } else {
                "below the acceptable position, within the walk-away limit"
            };
            let hits = above
                .into_iter()
                .map(|mut x| {
                    x.message = format!("{prefix}: {}", x.message);
                    x
                })
                .collect();
            return (
                Vec::new(),
                hits,
                Some(Reached {
                    name,
                    severity: Some(sev),
                }),
            );
        }
        above = h;
    }
    // Beyond the last position given.
    let (name, sev) = match &rule.walk_away {
        Some(w) => ("beyond_walk_away", w.severity.unwrap_or(Severity::Critical)),
        None => ("below_acceptable", er.severity),
    };
    let prefix = if rule.walk_away.is_some() {
        "beyond the walk-away position"
    } else {
        "below the acceptable position"
    };
    let hits = above
        .into_iter()
        .map(|mut x| {
            x.message = format!("{prefix}: {}", x.message);
            x
        })
        .collect();
    (
        Vec::new(),
        hits,
        Some(Reached {
            name,
            severity: Some(sev),
        }),
    )
}

/// Checks `subject` against every rule of `playbook`.
pub fn check(playbook: &Playbook, subject: &Subject) -> Report {
    // Who "us" is: the caller's declaration first, else the playbook's.
    let declared;
    let subject = if subject.us.is_empty() && !playbook.us.is_empty() {
        let mut s = subject.clone();
        s.set_us(&playbook.us);
        declared = s;
        &declared
    } else {
        subject
    };
    let input = Input {
        s: subject,
        duties: duties(subject),
    };
    let mut findings = Vec::new();
    let mut results = Vec::new();
    let mut failed = Vec::new();
    let mut undetermined = Vec::new();
    for rule in &playbook.rules {
        let Some(er) = rule.for_kind(subject.kind) else {
            results.push(RuleResult {
                rule_id: rule.id.clone(),
                blind_spot: rule.blind_spot,
                severity: rule.severity,
                outcome: Outcome::Skipped,
                title: rule.title.clone(),
                tier: None,
            });
            continue;
        };
        // A conditional rule applies only when its facts hold; a fact that cannot be told
        // leaves the rule undetermined.
        let mut cond_unknown = None;
        let mut applies = true;
        for c in &rule.when {
            match deal::holds(subject, *c) {
                Some(true) => {}
                Some(false) => applies = false,
                None => cond_unknown = cond_unknown.or(Some(deal::unknown(*c))),
            }
        }
        if !applies {
            results.push(RuleResult {
                rule_id: rule.id.clone(),
                blind_spot: rule.blind_spot,
                severity: er.severity,
                outcome: Outcome::Skipped,
                title: rule.title.clone(),
                tier: None,
            });
            continue;
        }
        let (unknown, hits, tier) = match cond_unknown {
            Some(why) => (vec![Hit::undetermined(why, None)], Vec::new(), None),
            None => evaluate(&er, &input),
        };
        let er = match tier.as_ref().and_then(|t| t.severity) {
            Some(sev) => EffectiveRule {
                severity: sev,
                ..er
            },
            None => er,
        };
        // A departure decides the rule; a value that could not be read only leaves it open
        // when nothing else failed. Undetermined is never counted as met.
        let outcome = if !hits.is_empty() {
            Outcome::Failed
        } else if !unknown.is_empty() {
            Outcome::Undetermined
        } else {
            Outcome::Passed
        };
        results.push(RuleResult {
            rule_id: rule.id.clone(),
            blind_spot: rule.blind_spot,
            severity: er.severity,
            outcome,
            title: rule.title.clone(),
            tier: tier.map(|t| t.name.to_owned()),
        });
        if outcome == Outcome::Undetermined {
            for h in unknown {
                undetermined.push(finding(&er, subject, h));
            }
            continue;
        }
        if hits.is_empty() {
            continue;
        }
        failed.push((rule.blind_spot, er.severity, rule.id.clone(), hits.len()));
        for h in hits {
            findings.push(finding(&er, subject, h));
        }
    }
    // Most severe first; within a severity, in the order of the text (missing terms last).
    findings.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then_with(|| {
            let pos = |f: &Finding| f.span.map_or(usize::MAX, |s| s.start);
            pos(a).cmp(&pos(b))
        })
    });
    Report {
        playbook: PlaybookRef::from(playbook),
        title: subject.title.clone(),
        source: None,
        kind: subject.kind.as_str().to_owned(),
        findings,
        undetermined,
        rules: results,
        score: RiskScore::compute(&playbook.scoring, &failed),
    }
}

fn finding(rule: &EffectiveRule<'_>, s: &Subject, h: Hit) -> Finding {
    let at = h.span.and_then(|sp| s.clause_at(sp.start));
    let quoted = h.span.map(|sp| s.excerpt(sp, 320));
    let clause = at.map(|i| {
        let c = &s.clauses[i];
        // A sub-clause ("9.2 The Company's liability …") inside a clause kept whole is cited
        // by its own number, so the reader finds the sentence and not only the heading.
        let number = quoted
            .as_deref()
            .and_then(lead_number)
            .filter(|n| match &c.number {
                Some(cn) => n != cn && n.starts_with(&format!("{}.", cn.trim_end_matches('.'))),
                None => true,
            })
            .or_else(|| c.number.clone());
        ClauseRef {
            index: i,
            number,
            heading: c.heading.clone(),
        }
    });
    // A span that covers only the heading says nothing: quote the clause's words instead.
    let excerpt = match (quoted, at) {
        (Some(q), Some(i)) if is_heading_only(&q, &s.clauses[i]) => {
            let c = &s.clauses[i];
            Some(s.excerpt(
                Span {
                    start: c.start,
                    end: c.end,
                },
                320,
            ))
        }
        (q, _) => q,
    };
    Finding {
        rule_id: rule.rule.id.clone(),
        rule_kind: rule.rule.kind.as_str().to_owned(),
        blind_spot: rule.rule.blind_spot,
        severity: rule.severity,
        title: rule.rule.title.clone(),
        message: h.message,
        missing: h.missing,
        clause,
        span: h.span.map(|sp| TextSpan {
            start: sp.start,
            end: sp.end,
        }),
        excerpt,
        rationale: rule.rationale.to_owned(),
        preferred: rule.preferred.map(str::to_owned),
        fallback: rule.fallback.map(str::to_owned),
        undetermined: h.undetermined,
        legal_basis: rule.rule.legal_basis.clone(),
        note: rule
            .rule
            .kind
            .is_regulatory()
            .then(|| crate::report::SCREEN_NOTE.to_owned()),
    }
}

/// A multi-level number opening a sentence ("9.2 The …" gives "9.2").
fn lead_number(text: &str) -> Option<String> {
    let first = text.split_whitespace().next()?;
    let n = first.trim_end_matches('.');
    let parts: Vec<&str> = n.split('.').collect();
    (parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit())))
    .then(|| n.to_owned())
}

/// The quoted words are the clause's number and heading and nothing more.
fn is_heading_only(quoted: &str, c: &crate::subject::SubjectClause) -> bool {
    let words = |t: &str| -> String {
        t.split(|ch: char| !ch.is_alphanumeric())
            .filter(|w| !w.is_empty() && !w.chars().all(|ch| ch.is_ascii_digit()))
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let q = words(quoted);
    !q.is_empty()
        && c.heading.as_deref().is_some_and(|h| words(h) == q)
        && words(&c.text).len() > q.len()
}

/// Implied categories: a narrower category present implies the broader one.
const IMPLIED: &[(&str, &[&str])] = &[
    (
        "termination",
        &["termination_for_convenience", "termination_for_cause"],
    ),
    (
        "dispute_resolution",
        &[
            "arbitration",
            "mediation",
            "negotiation_escalation",
            "jurisdiction_venue",
        ],
    ),
    ("cap_on_liability", &["liability_cap"]),
    (
        "ip_ownership",
        &[
            "ip_ownership_assignment",
            "joint_ip_ownership",
            "background_ip",
        ],
    ),
    (
        "non_solicitation",
        &["no_solicit_of_employees", "no_solicit_of_customers"],
    ),
    ("assignment", &["anti_assignment"]),
    ("payment", &["revenue_profit_sharing"]),
];

/// Whether the agreement has a clause of category `id` (or a term that shows one).
pub(crate) fn has_clause(s: &Subject, id: &str) -> bool {
    use entente_domain::terms::TermField as F;
    if s.has_category(id) {
        return true;
    }
    if let Some((_, narrower)) = IMPLIED.iter().find(|(b, _)| *b == id)
        && narrower.iter().any(|n| s.has_category(n))
    {
        return true;
    }
    match id {
        "governing_law" => s.term(F::GoverningLaw).is_some(),
        "jurisdiction_venue" => s.term(F::Venue).is_some(),
        "renewal" => s.renewal.is_some() || s.term(F::RenewalTerm).is_some(),
        "termination_for_convenience" => {
            s.convenience.is_some() || s.term(F::TerminationForConvenienceNotice).is_some()
        }
        "termination_for_cause" => s.term(F::CurePeriod).is_some(),
        "cap_on_liability" | "liability_cap" => s.term(F::LiabilityCap).is_some(),
        "exclusion_of_damages" => s.term(F::ExcludedDamages).is_some(),
        "confidentiality" => s.confidentiality.is_some(),
        "indemnification" => s.indemnity.is_some(),
        "dispute_resolution" => s.dispute.is_some(),
        "review_cycle" => s.term(F::ReviewCycle).is_some(),
        "term" => s.term(F::InitialTerm).is_some() || s.term(F::ExpirationDate).is_some(),
        _ => false,
    }
}

/// "3 months" for messages.
pub(crate) fn human(p: entente_domain::Period) -> String {
    p.human()
}
