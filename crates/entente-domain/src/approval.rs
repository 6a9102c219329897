//! Approval chains: a tenant's policy names the steps (by role) an agreement of a
//! kind and value needs, in stages that run in order, with the steps of one stage in parallel.
//!
//! When an agreement is submitted, the policy is turned into a chain *snapshot* stored with the
//! agreement, so a later change of policy never rewrites an approval already under way or done.
//! Each round approves one document version (its id and SHA-256): a newer version supersedes
//! the round, and only the approved version may be signed.

use crate::access::Role;
use crate::{
    AgreementKind, AgreementStatus, Money, Timestamp, ValidationError, ValidationErrors, VersionId,
};
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
    /// Why it applies, e.g. "contract value EUR 250,000 ≥ EUR 100,000".
    pub reason: String,
    /// The step applies only because the contract value is unknown (neither extracted nor
    /// entered) or in another currency than the rule's threshold.
    #[serde(default)]
    pub value_unknown: bool,
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
    /// applies when the value reaches it. When the value is unknown (neither extracted nor
    /// entered) or in another currency, it cannot be shown to be below the threshold, so the
    /// step applies too, marked `value_unknown`, and its reason says why.
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
                let name = r.name.trim();
                let (reason, value_unknown) = match (&r.min_value, value) {
                    (None, _) => (kinds, false),
                    (Some(min), None) => (
                        format!(
                            "contract value unknown: {name} approval required by the rule '{} or more'",
                            min.grouped()
                        ),
                        true,
                    ),
                    (Some(min), Some(v)) if min.currency != v.currency => (
                        format!(
                            "contract value {} cannot be compared with the rule '{} or more': {name} approval required",
                            v.grouped(),
                            min.grouped()
                        ),
                        true,
                    ),
                    (Some(min), Some(v)) if v.amount >= min.amount => (
                        format!("contract value {} ≥ {}", v.grouped(), min.grouped()),
                        false,
                    ),
                    (Some(_), Some(_)) => return None,
                };
                Some(PlannedStep {
                    name: name.to_owned(),
                    role: r.role,
                    stage: r.stage,
                    reason,
                    value_unknown,
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
    /// Not decided: another step rejected the round, or a new version superseded it.
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
    /// The version the decision was made on: the round's version (absent while pending).
    #[serde(default)]
    pub version: Option<VersionRef>,
    /// The step applies only because the contract value is unknown or in another currency.
    #[serde(default)]
    pub value_unknown: bool,
}

/// A document version as approvals and signatures name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VersionRef {
    /// Version id.
    pub id: VersionId,
    /// Version number, from 1.
    pub number: u32,
    /// SHA-256 of the version's document, lower-case hex.
    pub sha256: String,
}

impl fmt::Display for VersionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "version {} (SHA-256 {})", self.number, self.sha256)
    }
}

/// Why a round stopped counting: a newer version of the document replaced the one it approves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Supersession {
    /// When the new version was added.
    pub at: Timestamp,
    /// Who added it.
    pub by: String,
    /// The new version.
    pub version: VersionRef,
    /// Why, in words.
    pub reason: String,
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
    /// A newer version of the document replaced the one the round approves (or was approving).
    Superseded,
}

impl fmt::Display for ChainState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Open => "open",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Superseded => "superseded",
        })
    }
}

/// One round of approval for an agreement: the snapshot of the policy's steps and their
/// decisions, for one version of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalChain {
    /// Round number, from 1 (a rejection and resubmission, or a new version, starts the next round).
    pub round: u32,
    /// The version the round approves: the agreement's latest when the round started (absent
    /// when the agreement had no document yet).
    #[serde(default)]
    pub version: Option<VersionRef>,
    /// Steps in stage order.
    pub steps: Vec<ApprovalStep>,
    /// Where the round stands.
    pub state: ChainState,
    /// Set when a newer version replaced the round's version.
    #[serde(default)]
    pub superseded: Option<Supersession>,
    /// What the submitter should know: steps required only because the contract value is
    /// unknown or in another currency, each with its reason.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl ApprovalChain {
    /// A fresh round for `version` from planned steps.
    pub fn new(round: u32, version: Option<VersionRef>, planned: Vec<PlannedStep>) -> Self {
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
                version: None,
                value_unknown: p.value_unknown,
            })
            .collect();
        let mut c = Self {
            round,
            version,
            steps,
            state: ChainState::Open,
            superseded: None,
            warnings: Vec::new(),
        };
        c.settle();
        c
    }

    /// Recomputes what derives from the steps and the supersession: the state and the warnings.
    pub fn settle(&mut self) {
        self.state = self.compute_state();
        self.warnings = self
            .steps
            .iter()
            .filter(|s| s.value_unknown)
            .map(|s| s.reason.clone())
            .collect();
    }

    /// The state implied by the steps (a superseded round stays superseded).
    pub fn compute_state(&self) -> ChainState {
        if self.superseded.is_some() {
            ChainState::Superseded
        } else if self.steps.iter().any(|s| s.status == StepStatus::Rejected) {
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

    /// Whether someone holding `role` may decide `step` of this round (any step when `step`
    /// is `None` or not one of the round's): an administrator decides any step, others only
    /// the steps their role names. Checked before anything about the decision itself, so a
    /// member without the role learns only that, whatever else the request gets wrong. The
    /// refusal says which roles decide.
    pub fn check_role(&self, step: Option<&str>, role: Role) -> Result<(), String> {
        if role == Role::Admin {
            return Ok(());
        }
        let named = step.and_then(|n| {
            self.steps
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(n.trim()))
        });
        match named {
            Some(s) if s.role == role => Ok(()),
            Some(s) => Err(format!(
                "step {} is decided by the {} role; you act as {}",
                s.name,
                s.role.as_str(),
                role.as_str()
            )),
            None if self.steps.iter().any(|s| s.role == role) => Ok(()),
            None => {
                let mut roles: Vec<&str> = self.steps.iter().map(|s| s.role.as_str()).collect();
                roles.dedup();
                Err(format!(
                    "the steps of approval round {} are decided by the {} role(s) or an administrator; you act as {}",
                    self.round,
                    roles.join(", "),
                    role.as_str()
                ))
            }
        }
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
        s.version.clone_from(&self.version);
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

impl ApprovalChain {
    /// Checks that the round is for `latest`, the agreement's current version, so a decision
    /// is always made on the text the round was started for.
    pub fn check_current(&self, latest: Option<&VersionRef>) -> Result<(), ValidationError> {
        if self.version.as_ref().map(|v| &v.id) == latest.map(|v| &v.id) {
            return Ok(());
        }
        let was = self.version.as_ref().map_or_else(
            || "the agreement without a document".to_owned(),
            ToString::to_string,
        );
        let now = latest.map_or_else(|| "no version".to_owned(), ToString::to_string);
        Err(ValidationError::new(
            "step",
            format!(
                "approval round {} is for {was}, but the agreement's latest is {now}; \
                 submit the agreement again to approve the latest version",
                self.round
            ),
        ))
    }
}

/// What a new version does to an agreement's approval: the round it supersedes and where the
/// agreement goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reopen {
    /// The round superseded.
    pub round: u32,
    /// What to record on it.
    pub superseded: Supersession,
    /// The agreement was approved or out for signature: it goes back to review.
    pub back_to_review: bool,
    /// A round for the new version starts now (the agreement is, or goes back, in review).
    pub new_round: bool,
}

/// Decides what adding `new` does to an agreement in `status` whose latest round is `latest`.
/// Before signature, a round that is open or approved no longer covers the text: it is
/// superseded, an agreement approved or out for signature goes back to review, and one in
/// review starts a round for the new version. A rejected or superseded round, an agreement
/// never submitted, and agreements in force or ended (which change by amendment) are left alone.
pub fn reopen_on_new_version(
    status: AgreementStatus,
    latest: Option<&ApprovalChain>,
    new: &VersionRef,
    by: &str,
    at: Timestamp,
) -> Option<Reopen> {
    use AgreementStatus::*;
    let chain = latest?;
    if !matches!(status, Draft | InReview | Approved | OutForSignature)
        || chain.version.as_ref().is_some_and(|v| v.id == new.id)
    {
        return None;
    }
    let old = chain.version.as_ref().map_or_else(
        || "the agreement without a document".to_owned(),
        |v| format!("version {}", v.number),
    );
    let reason = match chain.state {
        ChainState::Open => format!(
            "version {} was added while approval round {} for {old} was open; version {} needs its own approval",
            new.number, chain.round, new.number
        ),
        ChainState::Approved => format!(
            "version {} was added after approval round {} approved {old}; version {} needs approval before it is signed",
            new.number, chain.round, new.number
        ),
        ChainState::Rejected | ChainState::Superseded => return None,
    };
    Some(Reopen {
        round: chain.round,
        superseded: Supersession {
            at,
            by: by.to_owned(),
            version: new.clone(),
            reason,
        },
        back_to_review: matches!(status, Approved | OutForSignature),
        new_round: matches!(status, InReview | Approved | OutForSignature),
    })
}

/// The version a signature whose SHA-256 is `signed` may be recorded on. With an approval
/// round, only the version it approved, and only while that is still the latest; without any
/// round (an agreement recorded as already out for signature), the latest version. `matching`
/// is the version whose SHA-256 is `signed`, if any, so a refusal can name it.
pub fn signable<'a>(
    approval: Option<&'a ApprovalChain>,
    latest: &'a VersionRef,
    signed: &str,
    matching: Option<&VersionRef>,
) -> Result<&'a VersionRef, ValidationError> {
    let refuse = |msg: String| Err(ValidationError::new("sha256", msg));
    let Some(chain) = approval else {
        return match matching {
            _ if signed == latest.sha256 => Ok(latest),
            Some(v) => refuse(format!(
                "this SHA-256 is version {}'s, but version {} is the latest; sign the latest version ({})",
                v.number, latest.number, latest.sha256
            )),
            None => refuse(format!(
                "does not match the latest version {} (its SHA-256 is {})",
                latest.number, latest.sha256
            )),
        };
    };
    if chain.state != ChainState::Approved {
        return refuse(format!(
            "approval round {} is {}; only an approved version can be signed",
            chain.round, chain.state
        ));
    }
    let Some(approved) = &chain.version else {
        return refuse(format!(
            "approval round {} approved the agreement before it had a document; move it back to \
             in_review so version {} is approved before it is signed",
            chain.round, latest.number
        ));
    };
    if approved.id != latest.id {
        return refuse(format!(
            "version {} is the approved version, but version {} was added since; move the agreement \
             back to in_review so version {} is approved before it is signed",
            approved.number, latest.number, latest.number
        ));
    }
    if signed == approved.sha256 {
        return Ok(approved);
    }
    match matching {
        Some(v) => refuse(format!(
            "{v} is not the approved version: approval round {} approved {approved}; only the approved version can be signed",
            chain.round
        )),
        None => refuse(format!(
            "does not match version {}, the approved version (its SHA-256 is {})",
            approved.number, approved.sha256
        )),
    }
}

/// The refusal of a signature while the agreement is not out for signature; when a round is
/// open, it says which version awaits approval.
pub fn not_out_for_signature(
    status: AgreementStatus,
    latest: Option<&ApprovalChain>,
) -> ValidationError {
    let mut msg =
        format!("signatures are recorded while the agreement is out_for_signature; it is {status}");
    if let Some(c) = latest.filter(|c| c.state == ChainState::Open) {
        match &c.version {
            Some(v) => msg.push_str(&format!(
                " and approval round {} for version {} is open",
                c.round, v.number
            )),
            None => msg.push_str(&format!(" and approval round {} is open", c.round)),
        }
    }
    ValidationError::new("status", msg)
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
        // An unknown value cannot be shown to be below a threshold.
        assert_eq!(names(None), ["legal", "finance", "executive"]);
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
                value_unknown: false,
            },
            PlannedStep {
                name: "security".into(),
                role: Role::Legal,
                stage: 1,
                reason: String::new(),
                value_unknown: false,
            },
            PlannedStep {
                name: "finance".into(),
                role: Role::Procurement,
                stage: 2,
                reason: String::new(),
                value_unknown: false,
            },
        ];
        let mut c = ApprovalChain::new(1, None, planned);
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
        let mut c = ApprovalChain::new(1, None, p.chain_for(AgreementKind::Consortium, Some(&v)));
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

    #[test]
    fn an_unknown_value_requires_the_step_and_says_why() {
        let p = ApprovalPolicy::default();
        let steps = p.chain_for(AgreementKind::Collaboration, None);
        assert_eq!(
            steps[1].reason,
            "contract value unknown: finance approval required by the rule 'EUR 100,000 or more'"
        );
        assert!(steps[1].value_unknown && !steps[0].value_unknown);
        let c = ApprovalChain::new(1, None, steps);
        assert_eq!(
            c.warnings.len(),
            2,
            "finance and executive: {:?}",
            c.warnings
        );
        assert!(
            c.warnings[1]
                .contains("executive approval required by the rule 'EUR 1,000,000 or more'")
        );
        // A known value below the threshold skips the step, with nothing to warn about.
        let v = Money::parse("50000", "EUR").unwrap();
        let c = ApprovalChain::new(1, None, p.chain_for(AgreementKind::Collaboration, Some(&v)));
        assert!(c.warnings.is_empty());
        // Another currency is no better than an unknown value.
        let v = Money::parse("10", "USD").unwrap();
        let steps = p.chain_for(AgreementKind::Collaboration, Some(&v));
        assert!(steps[1].value_unknown, "{:?}", steps[1]);
        assert!(
            steps[1].reason.contains("USD 10 cannot be compared"),
            "{}",
            steps[1].reason
        );
    }

    fn version(n: u32) -> VersionRef {
        VersionRef {
            id: VersionId::new(),
            number: n,
            sha256: format!("{n}").repeat(64),
        }
    }

    fn approved_round(v: &VersionRef) -> ApprovalChain {
        let p = ApprovalPolicy {
            rules: vec![ApprovalRule {
                name: "legal".into(),
                role: Role::Legal,
                stage: 1,
                kinds: vec![],
                min_value: None,
            }],
        };
        let mut c = ApprovalChain::new(
            1,
            Some(v.clone()),
            p.chain_for(AgreementKind::Collaboration, None),
        );
        c.decide(
            "legal",
            Role::Legal,
            Decision::Approve,
            "l@x.co",
            at(),
            None,
        )
        .unwrap();
        c
    }

    #[test]
    fn a_decision_records_the_rounds_version() {
        let v1 = version(1);
        let c = approved_round(&v1);
        assert_eq!(c.steps[0].version.as_ref(), Some(&v1));
        assert!(c.check_current(Some(&v1)).is_ok());
        let e = c.check_current(Some(&version(2))).unwrap_err();
        assert!(
            e.message.contains("approval round 1 is for version 1"),
            "{e}"
        );
    }

    #[test]
    fn a_new_version_supersedes_an_open_or_approved_round_before_signature() {
        use AgreementStatus::*;
        let (v1, v2) = (version(1), version(2));
        let approved = approved_round(&v1);
        let r =
            reopen_on_new_version(OutForSignature, Some(&approved), &v2, "b@x.co", at()).unwrap();
        assert_eq!((r.round, r.back_to_review, r.new_round), (1, true, true));
        assert_eq!(r.superseded.version, v2);
        assert_eq!(
            r.superseded.reason,
            "version 2 was added after approval round 1 approved version 1; version 2 needs approval before it is signed"
        );
        let open = ApprovalChain::new(
            1,
            Some(v1.clone()),
            ApprovalPolicy::default().chain_for(AgreementKind::Collaboration, None),
        );
        let r = reopen_on_new_version(InReview, Some(&open), &v2, "b@x.co", at()).unwrap();
        assert_eq!((r.back_to_review, r.new_round), (false, true));
        assert!(
            r.superseded
                .reason
                .contains("while approval round 1 for version 1 was open")
        );
        let r = reopen_on_new_version(Draft, Some(&open), &v2, "b@x.co", at()).unwrap();
        assert_eq!((r.back_to_review, r.new_round), (false, false));
        // Left alone: never submitted, in force (amendments), a rejected round.
        assert!(reopen_on_new_version(Draft, None, &v2, "b@x.co", at()).is_none());
        assert!(reopen_on_new_version(Active, Some(&approved), &v2, "b@x.co", at()).is_none());
        let mut rejected = open.clone();
        rejected
            .decide(
                "legal",
                Role::Legal,
                Decision::Reject,
                "l@x.co",
                at(),
                Some("no"),
            )
            .unwrap();
        assert!(reopen_on_new_version(InReview, Some(&rejected), &v2, "b@x.co", at()).is_none());
        // A superseded round stays superseded whatever its steps say.
        let mut s = approved.clone();
        s.superseded = reopen_on_new_version(Approved, Some(&approved), &v2, "b@x.co", at())
            .map(|r| r.superseded);
        s.settle();
        assert_eq!(s.state, ChainState::Superseded);
    }

    #[test]
    fn only_the_approved_version_is_signed() {
        let (v1, v2) = (version(1), version(2));
        let approved = approved_round(&v1);
        assert_eq!(
            signable(Some(&approved), &v1, &v1.sha256, Some(&v1)).unwrap(),
            &v1
        );
        // Another version's text is refused, naming both.
        let e = signable(Some(&approved), &v1, &v2.sha256, Some(&v2)).unwrap_err();
        assert_eq!(
            e.message,
            format!(
                "version 2 (SHA-256 {}) is not the approved version: approval round 1 approved version 1 (SHA-256 {}); only the approved version can be signed",
                v2.sha256, v1.sha256
            )
        );
        assert_eq!(e.field, "sha256");
        let e = signable(Some(&approved), &v1, &"f".repeat(64), None).unwrap_err();
        assert!(
            e.message
                .contains("does not match version 1, the approved version"),
            "{e}"
        );
        // A version added after the approval cannot be signed under it.
        let e = signable(Some(&approved), &v2, &v2.sha256, Some(&v2)).unwrap_err();
        assert!(
            e.message
                .contains("version 1 is the approved version, but version 2 was added since"),
            "{e}"
        );
        // An open round approves nothing yet.
        let open = ApprovalChain::new(
            2,
            Some(v2.clone()),
            ApprovalPolicy::default().chain_for(AgreementKind::Collaboration, None),
        );
        assert!(signable(Some(&open), &v2, &v2.sha256, Some(&v2)).is_err());
        // Without any round, the latest version.
        assert!(signable(None, &v2, &v2.sha256, Some(&v2)).is_ok());
        let e = signable(None, &v2, &v1.sha256, Some(&v1)).unwrap_err();
        assert!(
            e.message
                .contains("version 1's, but version 2 is the latest"),
            "{e}"
        );
        let e = not_out_for_signature(AgreementStatus::InReview, Some(&open));
        assert!(
            e.message
                .ends_with("it is in_review and approval round 2 for version 2 is open"),
            "{e}"
        );
    }
}
