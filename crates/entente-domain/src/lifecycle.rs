//! Lifecycle rules beyond the status graph: who moved an agreement, when and why;
//! the gates some moves must pass (approval, signatures, notice, wind-down); signatures against
//! a version's SHA-256; review cycles; and the termination workflow's dates and duties.

use crate::calendar::BusinessCalendar;
use crate::keydates::current_term_end;
use crate::obligation::{DueRule, NewObligation};
use crate::party::AgreementParty;
use crate::terms::{TermField, Terms};
use crate::{AgreementStatus, Date, PartyId, Period, Timestamp, ValidationError, VersionId};
use serde::{Deserialize, Serialize};

/// What caused a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A person asked for the move.
    Manual,
    /// Submission for approval or the approval chain's outcome.
    Approval,
    /// The last signature.
    Signature,
    /// An amendment.
    Amendment,
    /// The termination workflow.
    Termination,
    /// A review's outcome.
    Review,
}

impl Via {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Approval => "approval",
            Self::Signature => "signature",
            Self::Amendment => "amendment",
            Self::Termination => "termination",
            Self::Review => "review",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        [
            Self::Manual,
            Self::Approval,
            Self::Signature,
            Self::Amendment,
            Self::Termination,
            Self::Review,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| ValidationError::new("via", format!("{s:?} is not a transition cause")))
    }
}

/// One recorded move: who, when, why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TransitionRecord {
    /// From.
    pub from: AgreementStatus,
    /// To.
    pub to: AgreementStatus,
    /// Who (user, token or `system`).
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// Why, as given.
    pub reason: Option<String>,
    /// What caused it.
    pub via: Via,
}

/// What the store knows that decides whether a gated move may happen.
#[derive(Debug, Clone, Default)]
pub struct GateFacts {
    /// Pending steps of the current approval round (`None`: no round was started).
    pub approval_pending: Option<Vec<String>>,
    /// Parties that have not signed the latest version.
    pub unsigned: Vec<String>,
    /// Whether the agreement has a document version to sign.
    pub has_version: bool,
    /// Duties due after the end (the contract's, and close-out checklist items) not yet done
    /// or waived.
    pub open_wind_down: Vec<String>,
    /// The effective date of the notice in force (neither withdrawn nor voided), if any.
    pub termination_effective: Option<Date>,
    /// The day a fixed term ends by itself (no automatic renewal), if known.
    pub natural_end: Option<Date>,
    /// Today.
    pub today: Option<Date>,
}

/// Checks a move against the graph and its gate: approval completes before `approved`,
/// every party signs before `active` (from signature), `wind_down` needs an ending that has
/// taken effect (a notice in force, or a fixed term that has run out), a notice in force is
/// withdrawn or voided rather than moved away from, and the duties due after the end are
/// done before `closed`.
pub fn check_move(
    from: AgreementStatus,
    to: AgreementStatus,
    facts: &GateFacts,
) -> Result<AgreementStatus, ValidationError> {
    use AgreementStatus::*;
    let next = from.transition(to)?;
    let refuse = |why: String| {
        Err(ValidationError::new(
            "status",
            format!(
                "cannot move from {} to {}: {why}",
                from.as_str(),
                to.as_str()
            ),
        ))
    };
    match (from, to) {
        (InReview, Approved) => {
            if let Some(p) = &facts.approval_pending
                && !p.is_empty()
            {
                return refuse(format!(
                    "the approval chain has pending steps ({}); decide them with `entente approve`",
                    p.join(", ")
                ));
            }
        }
        (OutForSignature, Active) => {
            if !facts.has_version {
                return refuse("there is no document version to sign".into());
            }
            if !facts.unsigned.is_empty() {
                return refuse(format!(
                    "not every party has signed the latest version (missing: {})",
                    facts.unsigned.join(", ")
                ));
            }
        }
        (_, WindDown) => {
            let today = facts.today;
            match (facts.termination_effective, facts.natural_end) {
                (Some(eff), _) if today.is_some_and(|t| t < eff) => {
                    return refuse(format!("the termination takes effect on {eff}"));
                }
                (Some(_), _) => {}
                (None, Some(end)) if today.is_some_and(|t| t >= end) => {}
                (None, Some(end)) => {
                    return refuse(format!(
                        "the agreement runs until {end} and no notice has been given; record \
                         the ending first (`entente terminate` with kind convenience, cause, \
                         non_renewal or mutual)"
                    ));
                }
                (None, None) => {
                    return refuse(
                        "no ending is recorded; give notice first (`entente terminate` with kind \
                         convenience, cause, non_renewal or mutual, and its effective date)"
                            .into(),
                    );
                }
            }
        }
        (TerminationNotice, Active) if facts.termination_effective.is_some() => {
            return refuse(
                "a notice is in force; withdraw it or void it with a reason \
                 (`entente terminate ID --withdraw` or `--void`), which moves the agreement back"
                    .into(),
            );
        }
        (WindDown, Closed) if !facts.open_wind_down.is_empty() => {
            return refuse(format!(
                "post-termination obligations are still open: {}",
                facts.open_wind_down.join("; ")
            ));
        }
        _ => {}
    }
    Ok(next)
}

/// A signature as given: who signed for which party, and the SHA-256 of the text they signed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SignatureDraft {
    /// The party: its id, legal name or short name.
    pub party: String,
    /// Signatory's name.
    pub signatory_name: String,
    /// Signatory's title.
    #[serde(default)]
    pub signatory_title: String,
    /// Date of signature (default today).
    #[serde(default)]
    #[schema(value_type = Option<crate::Date>)]
    pub signed_on: Option<String>,
    /// SHA-256 (hex) of the version signed; must match the agreement's latest version.
    pub sha256: String,
}

/// A validated signature ready to be matched to a party and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignature {
    /// Party as given.
    pub party: String,
    /// Name.
    pub signatory_name: String,
    /// Title.
    pub signatory_title: String,
    /// Date.
    pub signed_on: Date,
    /// Lower-case hex SHA-256.
    pub sha256: String,
}

impl SignatureDraft {
    /// Validates every field at once; `today` is the default date and the latest allowed.
    pub fn validate(&self, today: Date) -> Result<NewSignature, crate::ValidationErrors> {
        let mut c = crate::error::Collector::default();
        let text = |field: &str, s: &str, required: bool, c: &mut crate::error::Collector| {
            let t = s.trim();
            if (required && t.is_empty())
                || t.chars().count() > 200
                || t.chars().any(char::is_control)
            {
                c.push(ValidationError::new(
                    field,
                    if required {
                        "must be 1 to 200 characters"
                    } else {
                        "must be at most 200 characters"
                    },
                ));
            }
            t.to_owned()
        };
        let party = text("party", &self.party, true, &mut c);
        let signatory_name = text("signatory_name", &self.signatory_name, true, &mut c);
        let signatory_title = text("signatory_title", &self.signatory_title, false, &mut c);
        let signed_on = match self.signed_on.as_deref() {
            Some(s) => c.take("signed_on", Date::parse(s)),
            None => Some(today),
        };
        if let Some(d) = signed_on
            && d > today
        {
            c.push(ValidationError::new(
                "signed_on",
                format!("{d} is in the future; record a signature once it is given"),
            ));
        }
        let sha = self.sha256.trim().to_ascii_lowercase();
        if sha.len() != 64 || !sha.chars().all(|ch| ch.is_ascii_hexdigit()) {
            c.push(ValidationError::new(
                "sha256",
                "must be the 64-character hex SHA-256 of the version signed",
            ));
        }
        c.finish()?;
        Ok(NewSignature {
            party,
            signatory_name,
            signatory_title,
            signed_on: signed_on.unwrap_or(today),
            sha256: sha,
        })
    }
}

/// A recorded signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Signature {
    /// Identifier.
    pub id: crate::SignatureId,
    /// The party signed for.
    pub party_id: PartyId,
    /// Its legal name.
    pub party_name: String,
    /// Signatory.
    pub signatory_name: String,
    /// Title.
    pub signatory_title: String,
    /// Date signed.
    pub signed_on: Date,
    /// The version signed.
    pub version_id: VersionId,
    /// Its number.
    pub version_number: u32,
    /// Its SHA-256.
    pub sha256: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: Timestamp,
}

/// Legal names of the parties without a signature on `version`.
pub fn unsigned_parties(
    parties: &[AgreementParty],
    signatures: &[Signature],
    version: VersionId,
) -> Vec<String> {
    parties
        .iter()
        .filter(|p| {
            !signatures
                .iter()
                .any(|s| s.party_id == p.party_id && s.version_id == version)
        })
        .map(|p| p.legal_name.clone())
        .collect()
}

/// Finds a party of the agreement by id, legal name or short name (case-insensitive).
pub fn find_party<'a>(parties: &'a [AgreementParty], key: &str) -> Option<&'a AgreementParty> {
    let k = key.trim();
    let norm = crate::party::normalise_name(k);
    parties.iter().find(|p| {
        p.party_id.to_string() == k
            || crate::party::normalise_name(&p.legal_name) == norm
            || p.short_name
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(k))
    })
}

/// What a review concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// Keep as is.
    NoChange,
    /// Prepare an amendment.
    Amend,
    /// Give notice of termination.
    Terminate,
}

impl ReviewOutcome {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoChange => "no_change",
            Self::Amend => "amend",
            Self::Terminate => "terminate",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s.trim() {
            "no_change" => Ok(Self::NoChange),
            "amend" => Ok(Self::Amend),
            "terminate" => Ok(Self::Terminate),
            other => Err(ValidationError::new(
                "outcome",
                format!("{other:?} is not a review outcome (no_change, amend, terminate)"),
            )),
        }
    }
}

/// A review, done or scheduled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Review {
    /// Identifier.
    pub id: crate::ReviewId,
    /// When it is (or was) due.
    pub due_date: Date,
    /// How the due date was computed.
    pub derivation: String,
    /// Outcome, once done.
    pub outcome: Option<ReviewOutcome>,
    /// Notes.
    pub notes: Option<String>,
    /// Reviewer.
    pub reviewed_by: Option<String>,
    /// Date of the review.
    pub reviewed_on: Option<Date>,
}

/// The review cycle used when neither the agreement nor the caller states one: 12 months.
pub fn default_review_cycle() -> Period {
    // Invariant: `Period::new` only rejects zero and periods over 1000 years.
    #[allow(clippy::expect_used)]
    Period::months(12).expect("12 months is a valid period")
}

/// The next review after `from`: the agreement's review cycle, else `fallback` (a
/// playbook's), else 12 months; with its derivation in words.
pub fn next_review(terms: &Terms, from: Date, fallback: Option<Period>) -> (Date, String) {
    let (cycle, why) = match terms.period(TermField::ReviewCycle) {
        Some(p) => (p, "the agreement's review cycle"),
        None => match fallback {
            Some(p) => (p, "the playbook's review cycle"),
            None => (default_review_cycle(), "the default review cycle"),
        },
    };
    (
        cycle.after(from),
        format!("{from} plus {} ({why})", cycle.human()),
    )
}

/// Why an agreement ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TerminationKind {
    /// Without cause, on the contractual notice period.
    Convenience,
    /// For breach; takes effect after the cure period, if one is stated.
    Cause,
    /// Notice of non-renewal; takes effect at the end of the current term.
    NonRenewal,
    /// By agreement of the parties, on the date they agree.
    Mutual,
}

impl TerminationKind {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Convenience => "convenience",
            Self::Cause => "cause",
            Self::NonRenewal => "non_renewal",
            Self::Mutual => "mutual",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s.trim() {
            "convenience" => Ok(Self::Convenience),
            "cause" => Ok(Self::Cause),
            "non_renewal" => Ok(Self::NonRenewal),
            "mutual" => Ok(Self::Mutual),
            other => Err(ValidationError::new(
                "kind",
                format!(
                    "{other:?} is not a termination kind (convenience, cause, non_renewal, mutual)"
                ),
            )),
        }
    }
}

/// A termination notice as given, its dates read: what the edges (CLI arguments, request
/// bodies) hand over to be checked against the day it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeInput {
    /// Why it ends.
    pub kind: TerminationKind,
    /// The party giving notice (id, legal or short name).
    pub given_by: String,
    /// Date the notice was given (default today; may be earlier, never later).
    pub given_on: Option<Date>,
    /// The clause relied on, e.g. "14.2".
    pub clause: Option<String>,
    /// Reason in words.
    pub reason: Option<String>,
    /// A later effective date than the computed one, if the notice names one.
    pub effective_on: Option<Date>,
}

/// How a notice stops being in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Retirement {
    /// Retracted by the party that gave it (before it took effect).
    Withdrawn,
    /// Recorded in error (also after it took effect): as if it had never been given.
    Voided,
}

impl Retirement {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Withdrawn => "withdrawn",
            Self::Voided => "voided",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s.trim() {
            "withdrawn" => Ok(Self::Withdrawn),
            "voided" => Ok(Self::Voided),
            other => Err(ValidationError::new(
                "retired",
                format!("{other:?} is not how a notice is retired (withdrawn, voided)"),
            )),
        }
    }

    /// Checks that a notice may be retired this way from `status`, and the reason given.
    /// A withdrawal comes before the notice takes effect; a void also after (the agreement
    /// returns to active either way).
    pub fn check(self, status: AgreementStatus, reason: &str) -> Result<String, ValidationError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ValidationError::new(
                "reason",
                "say why the notice is withdrawn or voided",
            ));
        }
        if reason.chars().count() > 2000 {
            return Err(ValidationError::new(
                "reason",
                "must be at most 2000 characters",
            ));
        }
        let ok = match self {
            Self::Withdrawn => status == AgreementStatus::TerminationNotice,
            Self::Voided => matches!(
                status,
                AgreementStatus::TerminationNotice | AgreementStatus::WindDown
            ),
        };
        if !ok {
            let when = match self {
                Self::Withdrawn => {
                    "while the agreement is in termination_notice (before the notice takes effect; void a mistaken notice instead)"
                }
                Self::Voided => "while the agreement is in termination_notice or wind_down",
            };
            return Err(ValidationError::new(
                "status",
                format!(
                    "a notice can be {} only {when}; the agreement is {}",
                    self.as_str(),
                    status.as_str()
                ),
            ));
        }
        Ok(reason.to_owned())
    }
}

/// A tenant's own close-out checklist: items added to every ending, on top of the contract's
/// duties, and shown as the organisation's (their text starts "Close-out checklist: ").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CloseoutChecklist {
    /// The items, in order (at most 50).
    pub items: Vec<CloseoutItem>,
}

/// One close-out step: what to do, and how many days after the end it is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CloseoutItem {
    /// What to do, e.g. "Revoke the partner's access to the shared workspace".
    #[schema(min_length = 1, max_length = 500)]
    pub text: String,
    /// Days after the end of the agreement it is due (0 to 3650).
    #[schema(minimum = 0, maximum = 3650)]
    pub days_after_end: u32,
}

/// The prefix that marks an obligation as a close-out checklist item, not the contract's.
pub const CHECKLIST_PREFIX: &str = "Close-out checklist: ";

impl CloseoutChecklist {
    /// Checks every item, naming each bad one.
    pub fn validate(&self) -> Result<(), crate::ValidationErrors> {
        let mut c = crate::error::Collector::default();
        if self.items.len() > 50 {
            c.push(ValidationError::new("items", "give at most 50 items"));
        }
        for (i, it) in self.items.iter().enumerate() {
            let t = it.text.trim();
            if t.is_empty() || t.chars().count() > 500 || t.chars().any(char::is_control) {
                c.push(ValidationError::new(
                    format!("items[{i}].text"),
                    "must be 1 to 500 characters, without control characters",
                ));
            }
            if it.days_after_end > 3650 {
                c.push(ValidationError::new(
                    format!("items[{i}].days_after_end"),
                    "must be between 0 and 3650",
                ));
            }
        }
        c.finish()
    }

    /// The obligations an ending on `effective` adds: one per item, owed by each party.
    pub fn obligations(&self, effective: Date) -> Vec<NewObligation> {
        self.items
            .iter()
            .map(|it| NewObligation {
                obligor: "each".into(),
                beneficiary: None,
                text: format!("{CHECKLIST_PREFIX}{}", it.text.trim()),
                due: DueRule::On {
                    date: effective.plus_days(i64::from(it.days_after_end)),
                },
                metric: None,
                status: None,
                owner: None,
                vague: false,
                // A close-out step belongs to the time after the end.
                survives: true,
            })
            .collect()
    }
}

/// How an agreement may leave the store for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deletion {
    /// Never signed: deleted outright, its title kept in the audit trail.
    Unsigned,
    /// Signed, deleted under the tenant's retention policy: the audit trail keeps a tombstone
    /// with the reason and the hashes of its versions and signatures.
    Retention {
        /// Why it may go (the retention rule applied), as the administrator gave it.
        reason: String,
    },
}

/// Longest retention reason, in characters.
pub const RETENTION_REASON_MAX: usize = 500;

impl Deletion {
    /// Records are kept: an agreement that has been signed (or was ever in force) is deleted
    /// only under the retention policy, with a reason; drafts go outright.
    pub fn decide(
        status: AgreementStatus,
        signatures: usize,
        retention_reason: Option<&str>,
    ) -> Result<Self, DeletionRefused> {
        let signed = signatures > 0 || status.executed();
        match retention_reason.map(str::trim) {
            Some("") => Err(DeletionRefused::Invalid(ValidationError::new(
                "reason",
                "give the retention rule that allows the deletion",
            ))),
            Some(r) if r.chars().count() > RETENTION_REASON_MAX => {
                Err(DeletionRefused::Invalid(ValidationError::new(
                    "reason",
                    format!("must be at most {RETENTION_REASON_MAX} characters"),
                )))
            }
            Some(r) => Ok(Self::Retention {
                reason: r.to_owned(),
            }),
            None if signed => Err(DeletionRefused::Signed(format!(
                "this agreement has been signed ({status}, {signatures} signature(s) recorded) and its record is kept; \
                 an administrator may delete it under the retention policy by giving the reason"
            ))),
            None => Ok(Self::Unsigned),
        }
    }
}

/// Why a deletion was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeletionRefused {
    /// The reason given is unusable.
    Invalid(ValidationError),
    /// A signed agreement without a retention reason: a conflict with its state.
    Signed(String),
}

/// A termination notice, checked: dates read, texts trimmed and within their limits, given no
/// later than today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Why it ends.
    pub kind: TerminationKind,
    /// The party giving notice, as named by the caller (resolved against the parties later).
    pub given_by: String,
    /// The day the notice was given.
    pub given_on: Date,
    /// The clause relied on.
    pub clause: Option<String>,
    /// Reason in words.
    pub reason: Option<String>,
    /// A later effective date than the computed one.
    pub effective_on: Option<Date>,
}

/// Longest clause reference in a notice, in characters.
pub const NOTICE_CLAUSE_MAX: usize = 100;
/// Longest reason in a notice, in characters.
pub const NOTICE_REASON_MAX: usize = 2000;

impl NoticeInput {
    /// Checks the notice as of `today` (the tenant's day), reporting every bad field at once.
    pub fn check(&self, today: Date) -> Result<Notice, crate::ValidationErrors> {
        let mut c = crate::error::Collector::default();
        let text =
            |v: &Option<String>, field: &str, max: usize, c: &mut crate::error::Collector| {
                let t = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
                if t.chars().count() > max {
                    c.push(ValidationError::new(
                        field,
                        format!("must be at most {max} characters"),
                    ));
                }
                Some(t.to_owned())
            };
        let clause = text(&self.clause, "clause", NOTICE_CLAUSE_MAX, &mut c);
        let reason = text(&self.reason, "reason", NOTICE_REASON_MAX, &mut c);
        if let Some(g) = self.given_on
            && g > today
        {
            c.push(ValidationError::new(
                "given_on",
                format!("{g} is in the future; record notice once given"),
            ));
        }
        c.finish()?;
        Ok(Notice {
            kind: self.kind,
            given_by: self.given_by.clone(),
            given_on: self.given_on.unwrap_or(today),
            clause,
            reason,
            effective_on: self.effective_on,
        })
    }
}

impl Notice {
    /// Notice is given on an agreement in force that has no notice running yet.
    pub fn may_be_given(status: AgreementStatus) -> Result<(), ValidationError> {
        if status.in_force() && status != AgreementStatus::TerminationNotice {
            Ok(())
        } else {
            Err(ValidationError::new(
                "status",
                format!(
                    "notice of termination is given on an agreement in force (active, amended, expiring, renewed); this one is {status}"
                ),
            ))
        }
    }

    /// The error when `given_by` names none of the agreement's parties.
    pub fn unknown_party(&self, party_names: &[&str]) -> ValidationError {
        ValidationError::new(
            "given_by",
            format!(
                "{:?} is not a party to this agreement (parties: {})",
                self.given_by,
                party_names.join(", ")
            ),
        )
    }

    /// Why the agreement moved to `termination_notice`, in words, for its history.
    pub fn why(&self, party: &str, effective: Date) -> String {
        format!(
            "{} notice by {party} on {}{}; effective {effective}",
            self.kind.as_str(),
            self.given_on,
            self.clause
                .as_deref()
                .map(|c| format!(" under clause {c}"))
                .unwrap_or_default(),
        )
    }
}

/// When a notice takes effect, and how that was computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TerminationPlan {
    /// The effective termination date.
    pub effective_date: Date,
    /// The notice period applied, if any.
    pub notice_period: Option<Period>,
    /// In words.
    pub derivation: String,
}

/// Computes the effective date of a notice given on `given_on`.
pub fn termination_date(
    terms: &Terms,
    kind: TerminationKind,
    given_on: Date,
    requested: Option<Date>,
    cal: &BusinessCalendar,
) -> Result<TerminationPlan, ValidationError> {
    let field_err = |m: String| Err(ValidationError::new("effective_on", m));
    let (earliest, period, why) = match kind {
        TerminationKind::Convenience => {
            let Some(p) = terms.period(TermField::TerminationForConvenienceNotice) else {
                return Err(ValidationError::new(
                    "kind",
                    "the agreement states no termination-for-convenience notice period; \
                     record the period as a term first, or use kind mutual with effective_on",
                ));
            };
            (
                cal.after(p, given_on),
                Some(p),
                format!(
                    "notice given on {given_on} plus the {} termination-for-convenience notice period",
                    p.human()
                ),
            )
        }
        TerminationKind::Cause => match terms.period(TermField::CurePeriod) {
            Some(p) => (
                cal.after(p, given_on),
                Some(p),
                format!(
                    "notice given on {given_on} plus the {} cure period",
                    p.human()
                ),
            ),
            None => (
                given_on,
                None,
                format!("immediately on notice ({given_on}); no cure period is stated"),
            ),
        },
        TerminationKind::NonRenewal => {
            let Some(end) = current_term_end(terms, given_on, cal) else {
                return Err(ValidationError::new(
                    "kind",
                    "the term's end cannot be computed (no expiration date, or no effective date and initial term)",
                ));
            };
            let notice = terms.period(TermField::NoticePeriodNonRenewal);
            let deadline = notice.map(|p| cal.before(p, end.date));
            match deadline {
                Some(dl) if given_on > dl => {
                    // Too late for this term: the agreement renews once more and ends after it.
                    let next = current_term_end(terms, end.date.plus_days(1), cal)
                        .map_or(end.date, |n| n.date);
                    (
                        next,
                        notice,
                        format!(
                            "notice given on {given_on}, after the deadline {dl} for the term ending {}; it ends at the end of the following term",
                            end.date
                        ),
                    )
                }
                _ => (
                    end.date,
                    notice,
                    format!("end of the current term ({})", end.date),
                ),
            }
        }
        TerminationKind::Mutual => (given_on, None, "the date the parties agree".into()),
    };
    match requested {
        Some(r) if r < earliest => field_err(format!(
            "{r} is earlier than the earliest possible date {earliest} ({why})"
        )),
        Some(r) => Ok(TerminationPlan {
            effective_date: r,
            notice_period: period,
            derivation: format!(
                "{r} as stated in the notice (earliest possible: {earliest}, {why})"
            ),
        }),
        None => Ok(TerminationPlan {
            effective_date: earliest,
            notice_period: period,
            derivation: format!("{earliest} = {why}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::TermValue;

    fn terms(pairs: &[(TermField, TermValue)]) -> Terms {
        let mut t = Terms::default();
        let at = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        for (f, v) in pairs {
            t.set_user(*f, v.clone(), "t@x.co", at, None);
        }
        t
    }

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn gated_moves_name_what_is_missing() {
        use AgreementStatus::*;
        let facts = GateFacts {
            approval_pending: Some(vec!["finance".into()]),
            ..Default::default()
        };
        let e = check_move(InReview, Approved, &facts).unwrap_err();
        assert!(e.message.contains("pending steps (finance)"), "{e}");
        let facts = GateFacts {
            has_version: true,
            unsigned: vec!["Globex GmbH".into()],
            ..Default::default()
        };
        let e = check_move(OutForSignature, Active, &facts).unwrap_err();
        assert!(e.message.contains("missing: Globex GmbH"), "{e}");
        let facts = GateFacts {
            termination_effective: Some(d("2026-06-01")),
            today: Some(d("2026-05-31")),
            ..Default::default()
        };
        assert!(check_move(TerminationNotice, WindDown, &facts).is_err());
        let facts = GateFacts {
            termination_effective: Some(d("2026-06-01")),
            today: Some(d("2026-06-01")),
            ..Default::default()
        };
        assert_eq!(
            check_move(TerminationNotice, WindDown, &facts).unwrap(),
            WindDown
        );
        // In force with years to run and no notice: no way to wind down.
        let facts = GateFacts {
            natural_end: Some(d("2029-01-01")),
            today: Some(d("2026-06-01")),
            ..Default::default()
        };
        let e = check_move(Active, WindDown, &facts).unwrap_err();
        assert!(e.message.contains("runs until 2029-01-01"), "{e}");
        let e = check_move(Active, WindDown, &GateFacts::default()).unwrap_err();
        assert!(e.message.contains("no ending is recorded"), "{e}");
        // A fixed term that has run out may wind down without a notice.
        let facts = GateFacts {
            natural_end: Some(d("2026-05-01")),
            today: Some(d("2026-06-01")),
            ..Default::default()
        };
        assert_eq!(check_move(Active, WindDown, &facts).unwrap(), WindDown);
        // A notice in force is withdrawn, not moved away from.
        let facts = GateFacts {
            termination_effective: Some(d("2026-09-01")),
            today: Some(d("2026-06-01")),
            ..Default::default()
        };
        let e = check_move(TerminationNotice, Active, &facts).unwrap_err();
        assert!(e.message.contains("withdraw"), "{e}");
        let e = check_move(Draft, Active, &GateFacts::default()).unwrap_err();
        assert!(
            e.message
                .contains("allowed from draft: in_review, cancelled")
        );
        assert_eq!(
            check_move(Draft, Cancelled, &GateFacts::default()).unwrap(),
            Cancelled
        );
    }

    #[test]
    fn notice_periods_give_the_effective_date() {
        let cal = BusinessCalendar::weekends_only();
        let t = terms(&[
            (TermField::EffectiveDate, TermValue::Date(d("2025-01-01"))),
            (
                TermField::InitialTerm,
                TermValue::Period(Period::years(2).unwrap()),
            ),
            (TermField::AutoRenewal, TermValue::Bool(true)),
            (
                TermField::RenewalTerm,
                TermValue::Period(Period::years(1).unwrap()),
            ),
            (
                TermField::NoticePeriodNonRenewal,
                TermValue::Period(Period::days(90).unwrap()),
            ),
            (
                TermField::TerminationForConvenienceNotice,
                TermValue::Period(Period::days(60).unwrap()),
            ),
        ]);
        let p = termination_date(
            &t,
            TerminationKind::Convenience,
            d("2025-03-01"),
            None,
            &cal,
        )
        .unwrap();
        assert_eq!(p.effective_date, d("2025-04-30"));
        assert!(p.derivation.contains("60 days"), "{}", p.derivation);
        let e = termination_date(
            &t,
            TerminationKind::Convenience,
            d("2025-03-01"),
            Some(d("2025-04-01")),
            &cal,
        )
        .unwrap_err();
        assert!(e.message.contains("earliest possible date 2025-04-30"));
        // In time for the first term's end.
        let p =
            termination_date(&t, TerminationKind::NonRenewal, d("2026-09-01"), None, &cal).unwrap();
        assert_eq!(p.effective_date, d("2027-01-01"));
        // Too late: the agreement renews once more.
        let p =
            termination_date(&t, TerminationKind::NonRenewal, d("2026-12-01"), None, &cal).unwrap();
        assert_eq!(p.effective_date, d("2028-01-01"));
        assert!(p.derivation.contains("after the deadline"));
        let bare = Terms::default();
        assert!(
            termination_date(
                &bare,
                TerminationKind::Convenience,
                d("2025-03-01"),
                None,
                &cal
            )
            .is_err()
        );
    }

    #[test]
    fn the_next_review_follows_the_agreement_or_the_default() {
        let t = terms(&[(
            TermField::ReviewCycle,
            TermValue::Period(Period::months(6).unwrap()),
        )]);
        assert_eq!(next_review(&t, d("2026-01-31"), None).0, d("2026-07-31"));
        assert_eq!(
            next_review(&Terms::default(), d("2026-01-31"), None).0,
            d("2027-01-31")
        );
    }

    #[test]
    fn a_signature_needs_a_real_sha256_and_a_past_date() {
        let draft = SignatureDraft {
            party: "Globex".into(),
            signatory_name: "Ada Lovelace".into(),
            signatory_title: "CEO".into(),
            signed_on: Some("2026-02-30".into()),
            sha256: "abc".into(),
        };
        let e = draft.validate(d("2026-03-01")).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["signed_on", "sha256"]);
    }

    fn draft() -> NoticeInput {
        NoticeInput {
            kind: TerminationKind::Convenience,
            given_by: "Globex".into(),
            given_on: None,
            clause: Some("  14.2 ".into()),
            reason: Some("   ".into()),
            effective_on: None,
        }
    }

    #[test]
    fn a_notice_defaults_to_today_and_trims_its_texts() {
        let n = draft().check(d("2026-12-04")).unwrap();
        assert_eq!(n.given_on, d("2026-12-04"));
        assert_eq!(n.clause.as_deref(), Some("14.2"));
        assert_eq!(n.reason, None, "a blank reason is no reason");
        assert_eq!(
            n.why("Globex Corporation", d("2027-01-03")),
            "convenience notice by Globex Corporation on 2026-12-04 under clause 14.2; effective 2027-01-03"
        );
    }

    #[test]
    fn a_bad_notice_names_every_bad_field_at_once() {
        let mut b = draft();
        b.given_on = Some(d("2026-12-05"));
        b.reason = Some("y".repeat(NOTICE_REASON_MAX + 1));
        b.clause = Some("x".repeat(NOTICE_CLAUSE_MAX + 1));
        let e = b.check(d("2026-12-04")).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["clause", "reason", "given_on"], "{e}");
        assert!(e.to_string().contains("2026-12-05 is in the future"), "{e}");
    }

    #[test]
    fn notice_is_given_only_on_an_agreement_in_force_without_one_running() {
        assert!(Notice::may_be_given(AgreementStatus::Active).is_ok());
        assert!(Notice::may_be_given(AgreementStatus::Renewed).is_ok());
        for s in [
            AgreementStatus::Draft,
            AgreementStatus::TerminationNotice,
            AgreementStatus::Closed,
        ] {
            let e = Notice::may_be_given(s).unwrap_err();
            assert_eq!(e.field, "status");
            assert!(
                e.message.ends_with(&format!("this one is {s}")),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn drafts_go_signed_records_stay_unless_retention_applies() {
        use AgreementStatus::*;
        assert_eq!(Deletion::decide(Draft, 0, None), Ok(Deletion::Unsigned));
        assert_eq!(Deletion::decide(Cancelled, 0, None), Ok(Deletion::Unsigned));
        for (status, sigs) in [
            (OutForSignature, 1),
            (Active, 0),
            (Closed, 2),
            (WindDown, 2),
        ] {
            assert!(
                matches!(
                    Deletion::decide(status, sigs, None),
                    Err(DeletionRefused::Signed(m)) if m.contains("retention policy")
                ),
                "{status} with {sigs} signature(s) must be kept"
            );
        }
        assert_eq!(
            Deletion::decide(Active, 2, Some("  ten years after closing  ")),
            Ok(Deletion::Retention {
                reason: "ten years after closing".into()
            })
        );
        assert!(matches!(
            Deletion::decide(Active, 2, Some(" ")),
            Err(DeletionRefused::Invalid(e)) if e.field == "reason"
        ));
    }
}
