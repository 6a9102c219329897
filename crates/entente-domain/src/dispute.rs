//! Disputes: opened on an agreement, they climb its escalation tiers
//! (negotiation → mediation → arbitration …), each tier with a clock computed from the
//! dispute-resolution clause; they escalate when a clock runs out or by decision, and end with
//! a recorded outcome and settlement.

use crate::{AgreementId, Date, DisputeId, Money, Period, Timestamp, ValidationError};
use serde::{Deserialize, Serialize};

/// An escalation tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tier {
    /// `negotiation`, `mediation`, `arbitration`, `courts` or `expert`.
    pub kind: String,
    /// How long the tier runs before the next one may be invoked, when stated.
    pub period: Option<Period>,
    /// Detail such as the arbitral institution.
    pub detail: Option<String>,
    /// Where the tier comes from, e.g. "clause 17.2" or "default (no escalation clause found)".
    pub source: String,
}

/// Tiers used when the agreement states none: negotiation 30 days → mediation 60 days →
/// arbitration.
pub fn default_tiers() -> Vec<Tier> {
    let t = |kind: &str, days: Option<u32>| Tier {
        kind: kind.to_owned(),
        period: days.and_then(|d| Period::days(d).ok()),
        detail: None,
        source: "default (no escalation clause found)".into(),
    };
    vec![
        t("negotiation", Some(30)),
        t("mediation", Some(60)),
        t("arbitration", None),
    ]
}

/// Where a dispute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    /// Running at its current tier.
    Open,
    /// Settled by the parties.
    Settled,
    /// Withdrawn by the claimant.
    Withdrawn,
    /// Decided by a mediator's proposal accepted, an arbitral award or a judgment.
    Decided,
}

impl DisputeStatus {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Settled => "settled",
            Self::Withdrawn => "withdrawn",
            Self::Decided => "decided",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s.trim() {
            "open" => Ok(Self::Open),
            "settled" => Ok(Self::Settled),
            "withdrawn" => Ok(Self::Withdrawn),
            "decided" => Ok(Self::Decided),
            other => Err(ValidationError::new(
                "outcome",
                format!("{other:?} is not a dispute outcome (settled, withdrawn, decided)"),
            )),
        }
    }
}

/// A dispute as opened by a person.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DisputeDraft {
    /// What it is about.
    pub subject: String,
    /// The parties in dispute (names as written).
    #[serde(default)]
    pub parties: Vec<String>,
    /// Amount in dispute.
    #[serde(default)]
    pub amount: Option<Money>,
    /// Date the dispute was notified (default today; never later).
    #[serde(default)]
    pub opened_on: Option<String>,
    /// Tiers to follow instead of those in the agreement's clause.
    #[serde(default)]
    pub tiers: Option<Vec<Tier>>,
}

/// One thing that happened in a dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DisputeEvent {
    /// When recorded.
    pub at: Timestamp,
    /// Who.
    pub by: String,
    /// `open`, `escalate` or `resolve`.
    pub kind: String,
    /// Tier index after the event.
    pub tier: usize,
    /// Date the event took effect.
    pub on: Date,
    /// Why / what.
    pub note: Option<String>,
}

/// A dispute with its tiers and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Dispute {
    /// Identifier.
    pub id: DisputeId,
    /// The agreement.
    pub agreement_id: AgreementId,
    /// Subject.
    pub subject: String,
    /// Parties in dispute.
    pub parties: Vec<String>,
    /// Amount in dispute.
    pub amount: Option<Money>,
    /// Date opened.
    pub opened_on: Date,
    /// The tiers it follows (snapshot taken when opened).
    pub tiers: Vec<Tier>,
    /// Index of the current tier.
    pub tier: usize,
    /// When the current tier began.
    pub tier_started_on: Date,
    /// Status.
    pub status: DisputeStatus,
    /// Outcome in words.
    pub outcome: Option<String>,
    /// Settlement amount.
    pub settlement: Option<Money>,
    /// Date closed.
    pub closed_on: Option<Date>,
    /// History, oldest first.
    pub events: Vec<DisputeEvent>,
}

impl DisputeDraft {
    /// Validates the draft; `today` is the default and latest opening date.
    pub fn validate(
        &self,
        today: Date,
    ) -> Result<(String, Vec<String>, Option<Money>, Date), crate::ValidationErrors> {
        let mut c = crate::error::Collector::default();
        let subject = self.subject.trim().to_owned();
        if subject.is_empty() || subject.chars().count() > 500 {
            c.push(ValidationError::new(
                "subject",
                "must be 1 to 500 characters",
            ));
        }
        let mut parties = Vec::new();
        for (i, p) in self.parties.iter().enumerate() {
            let p = p.trim();
            if p.is_empty() || p.chars().count() > 300 {
                c.push(ValidationError::new(
                    format!("parties[{i}]"),
                    "must be 1 to 300 characters",
                ));
            } else {
                parties.push(p.to_owned());
            }
        }
        let opened = match &self.opened_on {
            Some(s) => c.take("opened_on", Date::parse(s)),
            None => Some(today),
        };
        if let Some(o) = opened
            && o > today
        {
            c.push(ValidationError::new(
                "opened_on",
                format!("{o} is in the future"),
            ));
        }
        if let Some(ts) = &self.tiers {
            if ts.is_empty() || ts.len() > 10 {
                c.push(ValidationError::new("tiers", "give 1 to 10 tiers"));
            }
            for (i, t) in ts.iter().enumerate() {
                if t.kind.trim().is_empty() || t.kind.chars().count() > 50 {
                    c.push(ValidationError::new(
                        format!("tiers[{i}].kind"),
                        "must be 1 to 50 characters",
                    ));
                }
            }
        }
        c.finish()?;
        Ok((subject, parties, self.amount, opened.unwrap_or(today)))
    }
}

impl Dispute {
    /// The last day of the current tier, when it has a clock.
    pub fn deadline(&self) -> Option<Date> {
        if self.status != DisputeStatus::Open {
            return None;
        }
        self.tiers
            .get(self.tier)
            .and_then(|t| t.period)
            .map(|p| p.after(self.tier_started_on))
    }

    /// The current tier.
    pub fn current(&self) -> Option<&Tier> {
        self.tiers.get(self.tier)
    }

    /// Moves to the next tier on `on`; refused at the last tier or once closed.
    pub fn escalate(
        &mut self,
        on: Date,
        by: &str,
        at: Timestamp,
        note: Option<String>,
    ) -> Result<(), ValidationError> {
        if self.status != DisputeStatus::Open {
            return Err(ValidationError::new(
                "status",
                format!(
                    "the dispute is {}; only open disputes escalate",
                    self.status.as_str()
                ),
            ));
        }
        if self.tier + 1 >= self.tiers.len() {
            return Err(ValidationError::new(
                "tier",
                format!(
                    "the dispute is at its last tier ({}); record its outcome instead",
                    self.current().map_or("none", |t| t.kind.as_str())
                ),
            ));
        }
        if on < self.tier_started_on {
            return Err(ValidationError::new(
                "on",
                format!(
                    "{on} is before the current tier began ({})",
                    self.tier_started_on
                ),
            ));
        }
        self.tier += 1;
        self.tier_started_on = on;
        self.events.push(DisputeEvent {
            at,
            by: by.to_owned(),
            kind: "escalate".into(),
            tier: self.tier,
            on,
            note,
        });
        Ok(())
    }

    /// Closes the dispute with an outcome.
    #[allow(clippy::too_many_arguments)]
    pub fn resolve(
        &mut self,
        status: DisputeStatus,
        on: Date,
        outcome: Option<String>,
        settlement: Option<Money>,
        by: &str,
        at: Timestamp,
    ) -> Result<(), ValidationError> {
        if self.status != DisputeStatus::Open {
            return Err(ValidationError::new(
                "status",
                format!("the dispute is already {}", self.status.as_str()),
            ));
        }
        if status == DisputeStatus::Open {
            return Err(ValidationError::new(
                "outcome",
                "give settled, withdrawn or decided",
            ));
        }
        if settlement.is_some() && status == DisputeStatus::Withdrawn {
            return Err(ValidationError::new(
                "settlement",
                "a withdrawn dispute has no settlement",
            ));
        }
        if on < self.opened_on {
            return Err(ValidationError::new(
                "on",
                format!("{on} is before the dispute was opened ({})", self.opened_on),
            ));
        }
        self.status = status;
        self.outcome = outcome.clone();
        self.settlement = settlement;
        self.closed_on = Some(on);
        self.events.push(DisputeEvent {
            at,
            by: by.to_owned(),
            kind: "resolve".into(),
            tier: self.tier,
            on,
            note: Some(match outcome {
                Some(o) => format!("{}: {o}", status.as_str()),
                None => status.as_str().to_owned(),
            }),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn at() -> Timestamp {
        Timestamp::parse("2026-01-01T00:00:00Z").unwrap()
    }

    fn dispute() -> Dispute {
        Dispute {
            id: DisputeId::new(),
            agreement_id: AgreementId::new(),
            subject: "late delivery".into(),
            parties: vec!["Northwind".into(), "Globex".into()],
            amount: None,
            opened_on: d("2026-01-10"),
            tiers: default_tiers(),
            tier: 0,
            tier_started_on: d("2026-01-10"),
            status: DisputeStatus::Open,
            outcome: None,
            settlement: None,
            closed_on: None,
            events: Vec::new(),
        }
    }

    #[test]
    fn each_tier_has_its_clock_and_escalation_restarts_it() {
        let mut x = dispute();
        assert_eq!(x.deadline(), Some(d("2026-02-09")));
        x.escalate(
            d("2026-02-10"),
            "a@x.co",
            at(),
            Some("clock ran out".into()),
        )
        .unwrap();
        assert_eq!(x.current().unwrap().kind, "mediation");
        assert_eq!(x.deadline(), Some(d("2026-04-11")));
        x.escalate(d("2026-04-12"), "a@x.co", at(), None).unwrap();
        assert_eq!(x.deadline(), None, "arbitration has no clock");
        let e = x
            .escalate(d("2026-05-01"), "a@x.co", at(), None)
            .unwrap_err();
        assert!(e.message.contains("last tier (arbitration)"), "{e}");
    }

    #[test]
    fn a_resolved_dispute_neither_escalates_nor_resolves_again() {
        let mut x = dispute();
        let money = Money::parse("5000", "EUR").unwrap();
        x.resolve(
            DisputeStatus::Settled,
            d("2026-01-20"),
            Some("credit note".into()),
            Some(money),
            "a@x.co",
            at(),
        )
        .unwrap();
        assert_eq!(x.deadline(), None);
        assert!(x.escalate(d("2026-01-21"), "a@x.co", at(), None).is_err());
        assert!(
            x.resolve(
                DisputeStatus::Decided,
                d("2026-01-22"),
                None,
                None,
                "a@x.co",
                at()
            )
            .is_err()
        );
    }
}
