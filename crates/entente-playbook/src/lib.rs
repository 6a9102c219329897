//! Playbooks as code: versioned TOML rules checked against analysed agreements, giving findings
//! with evidence and suggested language and a risk score per blind spot (docs/playbooks.md).

pub mod cases;
mod checks;
mod kinds;
pub mod measure;
mod model;
mod parse;
pub mod portfolio;
mod report;
mod subject;
mod text;

pub use checks::check;
pub use kinds::{
    CARVE_OUTS, COMPETITION_SCREENS, CONTROLLERS, DAMAGES, DATA_PROTECTION_SCREENS,
    DEFAULT_WEASEL_WORDS, DIRECTIONS, GROUNDS, NOTICES, OWNERS, ParamSpec, ParamType, RESTRICTIONS,
    RuleKind, TIERS,
};
pub use model::{
    BlindSpot, Condition, EffectiveRule, Origin, Override, Param, Params, Playbook, Position, Rule,
    Scoring, Severity, Tier,
};
pub use parse::{BUILTIN, BuiltinResolver, FileResolver, PlaybookError, Problem, Resolver};
pub use report::{
    ClauseRef, Finding, Outcome, PlaybookRef, Report, RiskScore, RuleResult, SCREEN_NOTE,
    SpotScore, TextSpan,
};
pub use subject::{
    Confidentiality, Convenience, DisputeTier, Indemnity, Located, Renewal, Restriction, Span,
    Subject, SubjectClause, SubjectObligation, SubjectParty,
};

use std::sync::LazyLock;

static DEFAULT: LazyLock<Playbook> = LazyLock::new(|| {
    // Invariant: the default playbook is compiled in, and the unit test
    // `the_default_playbook_loads_and_covers_every_blind_spot` parses it; a failure here is a
    // build defect, never a user input problem.
    match Playbook::builtin("cooperation") {
        Some(Ok(p)) => p,
        Some(Err(e)) => panic!("the built-in cooperation playbook is invalid: {e}"),
        None => panic!("the built-in cooperation playbook is missing"),
    }
});

/// The default cooperation-agreement playbook shipped in the binary.
pub fn default_playbook() -> &'static Playbook {
    &DEFAULT
}

/// Analyses `text` and checks it against `playbook`.
pub fn check_text(playbook: &Playbook, text: &str) -> Report {
    let analysis = entente_analysis::analyze_text(text);
    check(playbook, &Subject::from_analysis(&analysis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_playbook_loads_and_covers_every_blind_spot() {
        let p = default_playbook();
        assert_eq!(p.id, "cooperation");
        for b in BlindSpot::FIVE {
            assert!(
                p.rules
                    .iter()
                    .any(|r| r.blind_spot == b && r.severity >= Severity::High),
                "no high rule for {b}"
            );
        }
        for r in &p.rules {
            assert!(r.preferred.is_some(), "{} has no preferred language", r.id);
            assert!(r.fallback.is_some(), "{} has no fallback language", r.id);
        }
        let kinds: std::collections::BTreeSet<RuleKind> = p.rules.iter().map(|r| r.kind).collect();
        assert!(
            kinds.len() >= 14,
            "the default playbook uses {} kinds",
            kinds.len()
        );
    }
}
