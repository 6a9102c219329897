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

/// Where the default tiers say they come from.
pub const DEFAULT_SOURCE: &str = "default (no dispute-resolution clause found)";

/// Tiers used when the agreement states none: negotiation for 30 days, then the courts of
/// the governing law (`law`, e.g. "England and Wales"). Arbitration needs an agreement to
/// arbitrate, so without one the courts decide.
pub fn default_tiers(law: Option<&str>) -> Vec<Tier> {
    vec![
        Tier {
            kind: "negotiation".into(),
            period: Period::days(30).ok(),
            detail: None,
            source: DEFAULT_SOURCE.into(),
        },
        Tier {
            kind: "courts".into(),
            period: None,
            detail: Some(match law.map(str::trim).filter(|l| !l.is_empty()) {
                Some(l) => format!("courts of {l}"),
                None => "the competent courts (no governing law stated)".to_owned(),
            }),
            source: format!("{DEFAULT_SOURCE}; without an arbitration agreement the courts decide"),
        },
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
    #[schema(value_type = Option<crate::Date>)]
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

    /// Checks the day an event takes effect: not before the dispute was opened, not before
    /// the last recorded event (the history runs forwards), and not after `today`. Errors
    /// name `field`.
    pub fn check_event_date(
        &self,
        field: &str,
        on: Date,
        today: Date,
    ) -> Result<(), ValidationError> {
        if on < self.opened_on {
            return Err(ValidationError::new(
                field,
                format!("{on} is before the dispute was opened ({})", self.opened_on),
            ));
        }
        if let Some(last) = self.events.iter().map(|e| e.on).max()
            && on < last
        {
            return Err(ValidationError::new(
                field,
                format!(
                    "{on} is before the dispute's last recorded event ({last}); events are recorded in order"
                ),
            ));
        }
        if on > today {
            return Err(ValidationError::new(
                field,
                format!("{on} is after today ({today}); record it on the day it happens"),
            ));
        }
        Ok(())
    }

    /// The day the dispute moves to its next tier because its clock ran out, if that day is on
    /// or before `today`: the day after the current tier's deadline. `None` when closed, at
    /// the last tier or when the tier has no clock.
    pub fn due_escalation(&self, today: Date) -> Option<Date> {
        if self.tier + 1 >= self.tiers.len() {
            return None;
        }
        let on = self.deadline()?.plus_days(1);
        (on <= today).then_some(on)
    }

    /// Moves to the next tier on `on` (see [`Dispute::check_event_date`] for the days
    /// allowed); refused at the last tier or once closed.
    pub fn escalate(
        &mut self,
        on: Date,
        today: Date,
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
        self.check_event_date("on", on, today)?;
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

    /// Closes the dispute with an outcome, on a day allowed by
    /// [`Dispute::check_event_date`].
    #[allow(clippy::too_many_arguments)]
    pub fn resolve(
        &mut self,
        status: DisputeStatus,
        on: Date,
        today: Date,
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
        self.check_event_date("on", on, today)?;
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
            tiers: ladder(),
            tier: 0,
            tier_started_on: d("2026-01-10"),
            status: DisputeStatus::Open,
            outcome: None,
            settlement: None,
            closed_on: None,
            events: Vec::new(),
        }
    }

    fn ladder() -> Vec<Tier> {
        let t = |kind: &str, days: Option<u32>| Tier {
            kind: kind.to_owned(),
            period: days.and_then(|d| Period::days(d).ok()),
            detail: None,
            source: format!("clause {kind}"),
        };
        vec![
            t("negotiation", Some(30)),
            t("mediation", Some(60)),
            t("arbitration", None),
        ]
    }

    const TODAY: &str = "2026-12-31";

    #[test]
    fn each_tier_has_its_clock_and_escalation_restarts_it() {
        let mut x = dispute();
        let today = d(TODAY);
        assert_eq!(x.deadline(), Some(d("2026-02-09")));
        assert_eq!(
            x.due_escalation(d("2026-02-09")),
            None,
            "the clock runs to its last day"
        );
        assert_eq!(x.due_escalation(d("2026-02-10")), Some(d("2026-02-10")));
        x.escalate(
            d("2026-02-10"),
            today,
            "a@x.co",
            at(),
            Some("clock ran out".into()),
        )
        .unwrap();
        assert_eq!(x.current().unwrap().kind, "mediation");
        assert_eq!(x.deadline(), Some(d("2026-04-11")));
        x.escalate(d("2026-04-12"), today, "a@x.co", at(), None)
            .unwrap();
        assert_eq!(x.deadline(), None, "arbitration has no clock");
        assert_eq!(x.due_escalation(today), None);
        let e = x
            .escalate(d("2026-05-01"), today, "a@x.co", at(), None)
            .unwrap_err();
        assert!(e.message.contains("last tier (arbitration)"), "{e}");
    }

    #[test]
    fn events_are_dated_between_the_opening_and_today_in_order() {
        let today = d("2026-03-01");
        let mut x = dispute();
        let e = x
            .escalate(d("2026-06-01"), today, "a@x.co", at(), None)
            .unwrap_err();
        assert_eq!(e.field, "on");
        assert!(e.message.contains("after today (2026-03-01)"), "{e}");
        let e = x
            .resolve(
                DisputeStatus::Withdrawn,
                d("2026-01-09"),
                today,
                None,
                None,
                "a@x.co",
                at(),
            )
            .unwrap_err();
        assert_eq!(e.field, "on");
        assert!(e.message.contains("before the dispute was opened"), "{e}");
        x.escalate(d("2026-02-20"), today, "a@x.co", at(), None)
            .unwrap();
        let e = x
            .resolve(
                DisputeStatus::Withdrawn,
                d("2026-02-19"),
                today,
                None,
                None,
                "a@x.co",
                at(),
            )
            .unwrap_err();
        assert!(
            e.message.contains("last recorded event (2026-02-20)"),
            "{e}"
        );
        x.resolve(
            DisputeStatus::Withdrawn,
            d("2026-02-20"),
            today,
            None,
            None,
            "a@x.co",
            at(),
        )
        .unwrap();
        let days: Vec<Date> = x.events.iter().map(|e| e.on).collect();
        assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
    }

    #[test]
    fn without_a_clause_the_courts_of_the_governing_law_decide() {
        let tiers = default_tiers(Some("England and Wales"));
        let kinds: Vec<&str> = tiers.iter().map(|t| t.kind.as_str()).collect();
        assert_eq!(kinds, ["negotiation", "courts"]);
        assert_eq!(
            tiers[1].detail.as_deref(),
            Some("courts of England and Wales")
        );
        assert!(tiers[1].source.contains("without an arbitration agreement"));
        assert!(
            default_tiers(None)[1]
                .detail
                .as_deref()
                .unwrap()
                .contains("no governing law")
        );
    }

    #[test]
    fn a_resolved_dispute_neither_escalates_nor_resolves_again() {
        let mut x = dispute();
        let today = d(TODAY);
        let money = Money::parse("5000", "EUR").unwrap();
        x.resolve(
            DisputeStatus::Settled,
            d("2026-01-20"),
            today,
            Some("credit note".into()),
            Some(money),
            "a@x.co",
            at(),
        )
        .unwrap();
        assert_eq!(x.deadline(), None);
        assert_eq!(x.due_escalation(today), None);
        assert!(
            x.escalate(d("2026-01-21"), today, "a@x.co", at(), None)
                .is_err()
        );
        assert!(
            x.resolve(
                DisputeStatus::Decided,
                d("2026-01-22"),
                today,
                None,
                None,
                "a@x.co",
                at()
            )
            .is_err()
        );
    }
}
