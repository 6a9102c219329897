//! Approval chains: a tenant's policy names the steps (by role) an agreement of a
//! kind and value needs, in stages that run in order, with the steps of one stage in parallel.
//!
//! When an agreement is submitted, the policy is turned into a chain *snapshot* stored with the
//! agreement, so a later change of policy never rewrites an approval already under way or done.

use crate::access::Role;
use crate::{AgreementKind, Money, Timestamp, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One rule of a policy: a step that applies to some kinds and values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalRule {
    /// Step name, unique in the policy, e.g. `legal`, `finance`, `executive`.
    pub name: String,
    /// The role that decides the step (an administrator may decide any step).
    pub role: Role,
    /// Stage, from 1: stages run in order; steps of one stage run in parallel.
    pub stage: u32,
    /// Agreement kinds the step applies to; empty means every kind.
    #[serde(default)]
    pub kinds: Vec<AgreementKind>,
    /// The step applies when the contract value is at least this amount.
    #[serde(default)]
    pub min_value: Option<Money>,
}

/// A tenant's approval policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalPolicy {
    /// The rules, in any order (the chain is sorted by stage).
    pub rules: Vec<ApprovalRule>,
}

impl Default for ApprovalPolicy {
    /// Legal for everything; finance (procurement) from 100,000 EUR; an executive
    /// (administrator) from 1,000,000 EUR. Thresholds in another currency than the
    /// agreement's value always apply (see `ApprovalPolicy::chain_for`).
    fn default() -> Self {
        let eur = |n: &str| Money::parse(n, "EUR").ok();
        Self {
            rules: vec![
                ApprovalRule {
                    name: "legal".into(),
                    role: Role::Legal,
                    stage: 1,
                    kinds: Vec::new(),
                    min_value: None,
                },
                ApprovalRule {
                    name: "finance".into(),
                    role: Role::Procurement,
                    stage: 2,
                    kinds: Vec::new(),
                    min_value: eur("100000"),
                },
                ApprovalRule {
                    name: "executive".into(),
                    role: Role::Admin,
                    stage: 3,
                    kinds: Vec::new(),
                    min_value: eur("1000000"),
                },
            ],
        }
    }
}

/// A step a policy asks for, with the reason it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlannedStep {
    /// Step name.
    pub name: String,
    /// Deciding role.
    pub role: Role,
    /// Stage.
    pub stage: u32,
    /// Why it applies, e.g. "contract value EUR 250000 ≥ EUR 100000".
    pub reason: String,
}

impl ApprovalPolicy {
    /// Checks names (1..=50 characters, unique), stages (1..=20) and the rule count.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut c = crate::error::Collector::default();
        if self.rules.is_empty() || self.rules.len() > 50 {
            c.push(ValidationError::new("rules", "give 1 to 50 rules"));
        }
        for (i, r) in self.rules.iter().enumerate() {
            let n = r.name.trim();
            if n.is_empty()
                || n.chars().count() > 50
                || !n
                    .chars()
                    .all(|ch| ch.is_alphanumeric() || matches!(ch, '-' | '_' | ' '))
            {
                c.push(ValidationError::new(
                    format!("rules[{i}].name"),
                    "must be 1 to 50 letters, digits, spaces, '-' or '_'",
                ));
            }
            if !(1..=20).contains(&r.stage) {
                c.push(ValidationError::new(
                    format!("rules[{i}].stage"),
                    "must be between 1 and 20",
                ));
            }
            if r.role == Role::Viewer || r.role == Role::Counterparty {
                c.push(ValidationError::new(
                    format!("rules[{i}].role"),
                    format!("the {} role cannot approve", r.role.as_str()),
                ));
            }
            if self.rules[..i]
                .iter()
                .any(|o| o.name.trim().eq_ignore_ascii_case(n))
            {
                c.push(ValidationError::new(
                    format!("rules[{i}].name"),
                    format!("{n:?} is used by an earlier rule; step names are unique"),
                ));
            }
        }
        c.finish()
    }

    /// The steps an agreement of `kind` worth `value` needs, by stage. A value threshold
    /// applies when the value reaches it, or when the value is in another currency (it
    /// cannot be shown to be below); an agreement without a stated value skips it.
    pub fn chain_for(&self, kind: AgreementKind, value: Option<&Money>) -> Vec<PlannedStep> {
        let mut out: Vec<PlannedStep> = self
            .rules
            .iter()
            .filter(|r| r.kinds.is_empty() || r.kinds.contains(&kind))
            .filter_map(|r| {
                let kinds = if r.kinds.is_empty() {
                    "every agreement".to_owned()
                } else {
                    format!("{kind} agreements")
                };
                let reason = match (&r.min_value, value) {
                    (None, _) => kinds,
                    (Some(_), None) => return None,
                    (Some(min), Some(v)) if min.currency != v.currency => format!(
                        "contract value {v} cannot be compared with the threshold {min}, so the step applies"
                    ),
                    (Some(min), Some(v)) if v.amount >= min.amount => {
                        format!("contract value {v} ≥ {min}")
                    }
                    (Some(_), Some(_)) => return None,
                };
                Some(PlannedStep {
                    name: r.name.trim().to_owned(),
                    role: r.role,
                    stage: r.stage,
                    reason,
                })
            })
            .collect();
        out.sort_by_key(|s| s.stage);
        out
    }
}

/// Where one step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Waiting for a decision.
    Pending,
    /// Approved.
    Approved,
    /// Rejected (the round ends; the agreement returns to review).
    Rejected,
    /// Not decided because another step rejected the round.
    Cancelled,
}

impl StepStatus {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        [
            Self::Pending,
            Self::Approved,
            Self::Rejected,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
        .ok_or_else(|| ValidationError::new("status", format!("{s:?} is not a step status")))
    }
}

/// A decision on a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approve the step.
    Approve,
    /// Reject it (a comment is required).
    Reject,
}

/// One step of a chain snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalStep {
    /// Step name.
    pub name: String,
    /// Deciding role.
    pub role: Role,
    /// Stage.
    pub stage: u32,
    /// Why the step applies.
    pub reason: String,
    /// Where it stands.
    pub status: StepStatus,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<Timestamp>,
    /// The decider's comment.
    pub comment: Option<String>,
}

/// The state of a whole chain round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChainState {
    /// Steps are pending.
    Open,
    /// Every step approved.
    Approved,
    /// A step rejected the round.
    Rejected,
}

impl fmt::Display for ChainState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Open => "open",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        })
    }
}

/// One round of approval for an agreement: the snapshot of the policy's steps and their decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalChain {
    /// Round number, from 1 (a rejection and resubmission starts the next round).
    pub round: u32,
    /// Steps in stage order.
    pub steps: Vec<ApprovalStep>,
    /// Where the round stands.
    pub state: ChainState,
}

impl ApprovalChain {
    /// A fresh round from planned steps.
    pub fn new(round: u32, planned: Vec<PlannedStep>) -> Self {
        let steps = planned
            .into_iter()
            .map(|p| ApprovalStep {
                name: p.name,
                role: p.role,
                stage: p.stage,
                reason: p.reason,
                status: StepStatus::Pending,
                decided_by: None,
                decided_at: None,
                comment: None,
            })
            .collect();
        let mut c = Self {
            round,
            steps,
            state: ChainState::Open,
        };
        c.state = c.compute_state();
        c
    }

    /// The state implied by the steps.
    pub fn compute_state(&self) -> ChainState {
        if self.steps.iter().any(|s| s.status == StepStatus::Rejected) {
            ChainState::Rejected
        } else if self.steps.iter().all(|s| s.status == StepStatus::Approved) {
            ChainState::Approved
        } else {
            ChainState::Open
        }
    }

    /// The stage now deciding: the lowest stage with a pending step.
    pub fn current_stage(&self) -> Option<u32> {
        self.steps
            .iter()
            .filter(|s| s.status == StepStatus::Pending)
            .map(|s| s.stage)
            .min()
    }

    /// Names of the pending steps.
    pub fn pending(&self) -> Vec<String> {
        self.steps
            .iter()
            .filter(|s| s.status == StepStatus::Pending)
            .map(|s| s.name.clone())
            .collect()
    }

    /// Records a decision on `step` by someone holding `role`; returns the new chain state.
    /// Steps of a later stage wait for every step of earlier stages; an administrator may
    /// decide any step; a rejection needs a comment and cancels the round's other pending steps.
    pub fn decide(
        &mut self,
        step: &str,
        role: Role,
        decision: Decision,
        by: &str,
        at: Timestamp,
        comment: Option<&str>,
    ) -> Result<ChainState, ValidationError> {
        if self.state != ChainState::Open {
            return Err(ValidationError::new(
                "step",
                format!(
                    "approval round {} is already {}; submit the agreement again to start a new round",
                    self.round, self.state
                ),
            ));
        }
        let names: Vec<String> = self.steps.iter().map(|s| s.name.clone()).collect();
        let stage = self.current_stage();
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        let Some(s) = self
            .steps
            .iter_mut()
            .find(|s| s.name.eq_ignore_ascii_case(step.trim()))
        else {
            return Err(ValidationError::new(
                "step",
                format!(
                    "{step:?} is not a step of this chain (steps: {})",
                    names.join(", ")
                ),
            ));
        };
        if s.status != StepStatus::Pending {
            return Err(ValidationError::new(
                "step",
                format!(
                    "step {} is already {} by {}",
                    s.name,
                    s.status.as_str(),
                    s.decided_by.as_deref().unwrap_or("someone")
                ),
            ));
        }
        if Some(s.stage) != stage {
            return Err(ValidationError::new(
                "step",
                format!(
                    "step {} (stage {}) waits until every step of stage {} is approved",
                    s.name,
                    s.stage,
                    stage.unwrap_or(0)
                ),
            ));
        }
        if role != s.role && role != Role::Admin {
            return Err(ValidationError::new(
                "step",
                format!(
                    "step {} is decided by the {} role; you act as {}",
                    s.name,
                    s.role.as_str(),
                    role.as_str()
                ),
            ));
        }
        if decision == Decision::Reject && comment.is_none() {
            return Err(ValidationError::new(
                "comment",
                "a rejection needs a comment saying what to change",
            ));
        }
        if comment.is_some_and(|c| c.chars().count() > 2000) {
            return Err(ValidationError::new(
                "comment",
                "must be at most 2000 characters",
            ));
        }
        s.status = match decision {
            Decision::Approve => StepStatus::Approved,
            Decision::Reject => StepStatus::Rejected,
        };
        s.decided_by = Some(by.to_owned());
        s.decided_at = Some(at);
        s.comment = comment.map(str::to_owned);
        if decision == Decision::Reject {
            for o in &mut self.steps {
                if o.status == StepStatus::Pending {
                    o.status = StepStatus::Cancelled;
                }
            }
        }
        self.state = self.compute_state();
        Ok(self.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Timestamp {
        Timestamp::parse("2026-01-05T10:00:00Z").unwrap()
    }

    #[test]
    fn the_chain_depends_on_kind_and_value() {
        let p = ApprovalPolicy::default();
        let names = |v: Option<Money>| {
            p.chain_for(AgreementKind::Collaboration, v.as_ref())
                .into_iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(None), ["legal"]);
        assert_eq!(
            names(Some(Money::parse("50000", "EUR").unwrap())),
            ["legal"]
        );
        assert_eq!(
            names(Some(Money::parse("250000", "EUR").unwrap())),
            ["legal", "finance"]
        );
        assert_eq!(
            names(Some(Money::parse("2000000", "EUR").unwrap())),
            ["legal", "finance", "executive"]
        );
        // Another currency cannot be shown to be below the threshold.
        assert_eq!(
            names(Some(Money::parse("10", "USD").unwrap())),
            ["legal", "finance", "executive"]
        );
        let research_only = ApprovalPolicy {
            rules: vec![ApprovalRule {
                name: "ethics".into(),
                role: Role::Legal,
                stage: 1,
                kinds: vec![AgreementKind::Research],
                min_value: None,
            }],
        };
        assert!(
            research_only
                .chain_for(AgreementKind::CoMarketing, None)
                .is_empty()
        );
        assert_eq!(
            research_only.chain_for(AgreementKind::Research, None).len(),
            1
        );
    }

    #[test]
    fn stages_run_in_order_and_steps_of_a_stage_in_parallel() {
        let planned = vec![
            PlannedStep {
                name: "legal".into(),
                role: Role::Legal,
                stage: 1,
                reason: String::new(),
            },
            PlannedStep {
                name: "security".into(),
                role: Role::Legal,
                stage: 1,
                reason: String::new(),
            },
            PlannedStep {
                name: "finance".into(),
                role: Role::Procurement,
                stage: 2,
                reason: String::new(),
            },
        ];
        let mut c = ApprovalChain::new(1, planned);
        let e = c
            .decide(
                "finance",
                Role::Procurement,
                Decision::Approve,
                "f@x.co",
                at(),
                None,
            )
            .unwrap_err();
        assert!(
            e.message.contains("waits until every step of stage 1"),
            "{e}"
        );
        let e = c
            .decide(
                "legal",
                Role::Procurement,
                Decision::Approve,
                "f@x.co",
                at(),
                None,
            )
            .unwrap_err();
        assert!(e.message.contains("decided by the legal role"), "{e}");
        assert_eq!(
            c.decide(
                "security",
                Role::Legal,
                Decision::Approve,
                "l@x.co",
                at(),
                None
            )
            .unwrap(),
            ChainState::Open
        );
        assert_eq!(
            c.decide(
                "legal",
                Role::Legal,
                Decision::Approve,
                "l@x.co",
                at(),
                None
            )
            .unwrap(),
            ChainState::Open
        );
        assert_eq!(c.current_stage(), Some(2));
        assert_eq!(
            c.decide(
                "finance",
                Role::Procurement,
                Decision::Approve,
                "f@x.co",
                at(),
                Some("ok")
            )
            .unwrap(),
            ChainState::Approved
        );
    }

    #[test]
    fn a_rejection_needs_a_comment_and_ends_the_round() {
        let p = ApprovalPolicy::default();
        let v = Money::parse("250000", "EUR").unwrap();
        let mut c = ApprovalChain::new(1, p.chain_for(AgreementKind::Consortium, Some(&v)));
        let before = c.clone();
        assert!(
            c.decide("legal", Role::Legal, Decision::Reject, "l@x.co", at(), None)
                .is_err()
        );
        assert_eq!(c, before, "a refused decision changes nothing");
        assert_eq!(
            c.decide(
                "legal",
                Role::Legal,
                Decision::Reject,
                "l@x.co",
                at(),
                Some("cap too high")
            )
            .unwrap(),
            ChainState::Rejected
        );
        assert_eq!(c.steps[1].status, StepStatus::Cancelled);
        let e = c
            .decide(
                "finance",
                Role::Admin,
                Decision::Approve,
                "a@x.co",
                at(),
                None,
            )
            .unwrap_err();
        assert!(e.message.contains("already rejected"), "{e}");
    }

    #[test]
    fn policies_with_duplicate_names_or_bad_stages_are_rejected() {
        let mut p = ApprovalPolicy::default();
        p.rules[1].name = "Legal".into();
        p.rules[2].stage = 0;
        let e = p.validate().unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["rules[1].name", "rules[2].stage"]);
    }
}
