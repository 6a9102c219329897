//! Obligations: what one party owes another under an agreement, when it falls due (a date,
//! a period after an event, or a recurrence), the measurable threshold if any, and status.

use crate::{AgreementId, Date, ObligationId, Period, ValidationError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The event a relative deadline counts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The effective date.
    Effective,
    /// Signature of the agreement.
    Signature,
    /// Termination or expiry.
    Termination,
    /// Termination by one party (under a clause): "if Northwind terminates under clause 12.2".
    /// The duty falls due only when a recorded notice matches.
    TerminationBy {
        /// The party whose termination triggers the duty, as written.
        party: String,
        /// The clause the termination must rely on, when stated (e.g. "12.2").
        clause: Option<String>,
    },
    /// Receipt of an invoice.
    Invoice,
    /// The end of each recurring period (e.g. "15 days after each calendar quarter").
    PeriodEnd,
    /// Any other event, as written.
    Other(String),
}

// Written by hand: the derived schema nests an unnamed object inside an unnamed one, which
// generators name twice. Here each shape is a named schema, and the three are disjoint (a
// string, or an object with exactly one of two keys).
impl utoipa::PartialSchema for Event {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::OneOfBuilder;
        OneOfBuilder::new()
            .description(Some("The event a relative deadline counts from."))
            .item(utoipa::openapi::Ref::from_schema_name("EventName"))
            .item(utoipa::openapi::Ref::from_schema_name("EventTerminationBy"))
            .item(utoipa::openapi::Ref::from_schema_name("EventOther"))
            .into()
    }
}

impl utoipa::ToSchema for Event {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        let text = |d: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(d.to_owned()))
        };
        schemas.push((
            "EventName".into(),
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([
                    "effective",
                    "signature",
                    "termination",
                    "invoice",
                    "period_end",
                ]))
                .description(Some(
                    "The effective date, signature, termination or expiry, receipt of an \
                     invoice, or the end of each recurring period.",
                ))
                .into(),
        ));
        schemas.push((
            "TerminationTrigger".into(),
            ObjectBuilder::new()
                .description(Some(
                    "Termination by one party (under a clause): \"if Northwind terminates under \
                     clause 12.2\". The duty falls due only when a recorded notice matches.",
                ))
                .property(
                    "party",
                    text("The party whose termination triggers the duty, as written."),
                )
                .required("party")
                .property(
                    "clause",
                    ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                            Type::String,
                            Type::Null,
                        ]))
                        .description(Some(
                            "The clause the termination must rely on, when stated (e.g. \"12.2\").",
                        )),
                )
                .into(),
        ));
        schemas.push((
            "EventTerminationBy".into(),
            ObjectBuilder::new()
                .property(
                    "termination_by",
                    utoipa::openapi::Ref::from_schema_name("TerminationTrigger"),
                )
                .required("termination_by")
                .additional_properties(Some(AdditionalProperties::FreeForm(false)))
                .into(),
        ));
        schemas.push((
            "EventOther".into(),
            ObjectBuilder::new()
                .property("other", text("Any other event, as written."))
                .required("other")
                .additional_properties(Some(AdditionalProperties::FreeForm(false)))
                .into(),
        ));
    }
}

/// How often a recurring duty falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every week.
    Weekly,
    /// Every month.
    Monthly,
    /// Every calendar quarter.
    Quarterly,
    /// Every half year.
    SemiAnnually,
    /// Every year.
    Annually,
}

impl Frequency {
    /// The RFC 5545 `FREQ`/`INTERVAL` equivalent.
    pub fn rrule(self) -> &'static str {
        match self {
            Self::Weekly => "FREQ=WEEKLY",
            Self::Monthly => "FREQ=MONTHLY",
            Self::Quarterly => "FREQ=MONTHLY;INTERVAL=3",
            Self::SemiAnnually => "FREQ=MONTHLY;INTERVAL=6",
            Self::Annually => "FREQ=YEARLY",
        }
    }

    /// The length of one period.
    pub fn period(self) -> Period {
        // Fixed small counts are always valid periods.
        let (n, u) = match self {
            Self::Weekly => (1, crate::PeriodUnit::Weeks),
            Self::Monthly => (1, crate::PeriodUnit::Months),
            Self::Quarterly => (3, crate::PeriodUnit::Months),
            Self::SemiAnnually => (6, crate::PeriodUnit::Months),
            Self::Annually => (1, crate::PeriodUnit::Years),
        };
        Period::new(n, u).unwrap_or_else(|_| unreachable_period())
    }

    /// The layout of periods a contract means when it does not say: "each month", "each
    /// quarter" and "each half-year" are calendar periods (reports, fees and statements follow
    /// the calendar); "each year" and "annually" run from the effective date (anniversaries),
    /// and so do weeks.
    pub fn default_alignment(self) -> Alignment {
        match self {
            Self::Monthly | Self::Quarterly | Self::SemiAnnually => Alignment::Calendar,
            Self::Weekly | Self::Annually => Alignment::Contract,
        }
    }

    /// The word for one period: "month", "quarter" …
    pub fn period_word(self) -> &'static str {
        match self {
            Self::Weekly => "week",
            Self::Monthly => "month",
            Self::Quarterly => "quarter",
            Self::SemiAnnually => "half-year",
            Self::Annually => "year",
        }
    }

    /// Parses "monthly", "quarterly" …
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s.trim() {
            "weekly" => Ok(Self::Weekly),
            "monthly" => Ok(Self::Monthly),
            "quarterly" => Ok(Self::Quarterly),
            "semi_annually" | "semiannually" => Ok(Self::SemiAnnually),
            "annually" | "yearly" => Ok(Self::Annually),
            other => Err(ValidationError::new(
                "",
                format!(
                    "{other:?} is not a frequency (weekly, monthly, quarterly, semi_annually, annually)"
                ),
            )),
        }
    }
}

fn unreachable_period() -> Period {
    // Never reached: 1..=6 of any unit is a valid period. Kept total instead of panicking.
    Period::days(1).unwrap_or_else(|_| unreachable_period())
}

/// When an obligation falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DueRule {
    /// No deadline is stated (a blind spot when the duty is vague).
    None,
    /// On a fixed date.
    On {
        /// The date.
        date: Date,
    },
    /// A period after an event ("within 30 days after the Effective Date").
    After {
        /// How long after.
        period: Period,
        /// After what.
        event: Event,
    },
    /// Recurring, optionally offset from each period end ("within 15 days after each quarter").
    Recurring {
        /// How often.
        frequency: Frequency,
        /// Offset after each period end, if stated.
        offset: Option<Period>,
        /// Whether the periods are calendar periods or counted from the effective date, when
        /// the contract says so; unstated, [`Frequency::default_alignment`] applies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alignment: Option<Alignment>,
        /// The contract also covers the last, partial period, the one in which the agreement
        /// ends ("… and for the quarter in which this Agreement expires").
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        final_partial: bool,
    },
}

/// How a recurring duty's periods are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Alignment {
    /// Calendar periods: months, quarters ending 31 March, 30 June, 30 September and
    /// 31 December, half-years ending 30 June and 31 December, years ending 31 December,
    /// weeks ending on Sunday. The first period is the one the effective date falls in.
    Calendar,
    /// Periods counted from the effective date: each period of three months from 1 March
    /// runs 1 March – 31 May, 1 June – 31 August …
    Contract,
}

impl Alignment {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calendar => "calendar",
            Self::Contract => "contract",
        }
    }
}

impl DueRule {
    /// Whether the duty falls due after the agreement ends ("within 30 days after
    /// termination"): it follows the ending instead of ending with it.
    pub fn after_end(&self) -> bool {
        matches!(
            self,
            Self::After {
                event: Event::Termination | Event::TerminationBy { .. },
                ..
            }
        )
    }

    /// The first due date, given the dates it may depend on.
    pub fn first_due(&self, effective: Option<Date>) -> Option<Date> {
        match self {
            Self::None => None,
            Self::On { date } => Some(*date),
            Self::After {
                period,
                event: Event::Effective | Event::Signature,
            } => effective.map(|d| period.after(d)),
            Self::After { .. } => None,
            Self::Recurring {
                frequency,
                offset,
                alignment,
                ..
            } => {
                let align = alignment.unwrap_or(frequency.default_alignment());
                let first = crate::occurrence::periods(*frequency, align, effective?).next()?;
                Some(offset.map_or(first.end, |o| o.after(first.end)))
            }
        }
    }

    /// A recurring rule with the default layout and no final partial period.
    pub fn recurring(frequency: Frequency, offset: Option<Period>) -> Self {
        Self::Recurring {
            frequency,
            offset,
            alignment: None,
            final_partial: false,
        }
    }
}

/// How a measured value is compared with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Comparator {
    /// At least.
    #[serde(rename = ">=")]
    AtLeast,
    /// At most.
    #[serde(rename = "<=")]
    AtMost,
    /// More than.
    #[serde(rename = ">")]
    Above,
    /// Less than.
    #[serde(rename = "<")]
    Below,
}

/// A measurable performance threshold ("99.9% monthly uptime", "within 4 business hours").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Metric {
    /// The comparison.
    pub comparator: Comparator,
    /// The threshold.
    #[schema(value_type = String)]
    pub value: Decimal,
    /// Unit, e.g. `%`, `hours`, `business hours`.
    #[schema(max_length = 40)]
    pub unit: String,
}

impl Metric {
    /// Whether a measurement meets the threshold.
    pub fn is_met_by(&self, measured: Decimal) -> bool {
        match self.comparator {
            Comparator::AtLeast => measured >= self.value,
            Comparator::AtMost => measured <= self.value,
            Comparator::Above => measured > self.value,
            Comparator::Below => measured < self.value,
        }
    }
}

/// Where an obligation stands: pending, done, overdue or waived. An occurrence may also be
/// `history`: due before its agreement's tracking began and not recorded, so neither overdue
/// nor alerted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObligationStatus {
    /// Not yet done.
    Pending,
    /// Done.
    Done,
    /// Past due and not done.
    Overdue,
    /// Released by the beneficiary.
    Waived,
    /// An occurrence that fell due before the agreement's tracking began (`tracked_from`, e.g.
    /// the day an executed agreement was imported) and that nobody recorded: history, neither
    /// pending nor overdue. Computed for occurrences only; never an obligation's own status.
    History,
    /// The agreement has ended (its ending took effect) and the duty did not survive it: it
    /// no longer applies. Computed when read, never stored.
    Ended,
    /// A measured duty's occurrence whose measurement missed the threshold (the note holds the
    /// value against the threshold). Recorded from measurements, never set by a person.
    Breached,
}

impl ObligationStatus {
    /// The statuses an obligation can have (`history` is computed for occurrences only).
    pub const ALL: [ObligationStatus; 4] = [Self::Pending, Self::Done, Self::Overdue, Self::Waived];

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Overdue => "overdue",
            Self::Waived => "waived",
            Self::History => "history",
            Self::Ended => "ended",
            Self::Breached => "breached",
        }
    }

    /// Parses the text form of a status a record may hold (`breached` is recorded from
    /// measurements); [`ObligationStatus::parse`] accepts only what a person sets.
    pub fn parse_recorded(s: &str) -> Result<Self, ValidationError> {
        if s.trim() == Self::Breached.as_str() {
            return Ok(Self::Breached);
        }
        Self::parse(s)
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| {
                ValidationError::new(
                    "",
                    format!("{s:?} is not an obligation status (pending, done, overdue, waived)"),
                )
            })
    }

    /// Moves to `next` if that is a legal step.
    pub fn transition(self, next: ObligationStatus) -> Result<ObligationStatus, ValidationError> {
        use ObligationStatus::*;
        let ok = matches!(
            (self, next),
            (Pending, Done | Overdue | Waived)
                | (Overdue, Done | Waived | Pending)
                | (Done, Pending)
        );
        if ok {
            Ok(next)
        } else {
            Err(ValidationError::new(
                "status",
                format!(
                    "cannot move an obligation from {} to {}",
                    self.as_str(),
                    next.as_str()
                ),
            ))
        }
    }
}

impl fmt::Display for ObligationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored obligation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Obligation {
    /// Identifier.
    pub id: ObligationId,
    /// The agreement it arises under.
    pub agreement_id: AgreementId,
    /// Who owes it: a party's short or legal name, or "each" for every party.
    pub obligor: String,
    /// Who it is owed to, if stated.
    pub beneficiary: Option<String>,
    /// The duty in words.
    pub text: String,
    /// When it falls due.
    pub due: DueRule,
    /// The next (or only) due date, when computable.
    pub due_date: Option<Date>,
    /// Threshold, if measurable.
    pub metric: Option<Metric>,
    /// Status.
    pub status: ObligationStatus,
    /// Person responsible for tracking it.
    pub owner: Option<String>,
    /// Vague duty without metric or deadline.
    pub vague: bool,
    /// Survives termination.
    pub survives: bool,
    /// In an overdue view: the due date of every overdue occurrence, oldest first (the
    /// obligation's `due_date` is then the oldest, and its status `overdue`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overdue_occurrences: Vec<Date>,
    /// Earlier wordings a later version of the agreement replaced, oldest first. Each governs
    /// the occurrences due before the day it was replaced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<ObligationRevision>,
    /// The day a later version stopped holding this duty: no occurrence falls due from then;
    /// what fell due before stays as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_on: Option<Date>,
}

/// An earlier wording of an obligation, replaced when a version that changed it was stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ObligationRevision {
    /// Who owed it.
    pub obligor: String,
    /// The duty in words.
    pub text: String,
    /// When it fell due.
    pub due: DueRule,
    /// Threshold, if measurable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<Metric>,
    /// The day the next wording took over: this one governs occurrences due before it.
    pub until: Date,
    /// The number of the version that replaced it, when a version did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by_version: Option<u32>,
}

/// Input for a new obligation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewObligation {
    /// Who owes it.
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub obligor: String,
    /// Who it is owed to.
    #[serde(default)]
    pub beneficiary: Option<String>,
    /// The duty in words.
    #[schema(min_length = 1, max_length = 5000, pattern = "\\S")]
    pub text: String,
    /// When it falls due.
    #[serde(default = "no_due")]
    pub due: DueRule,
    /// Threshold.
    #[serde(default)]
    pub metric: Option<Metric>,
    /// Initial status (default pending).
    #[serde(default)]
    pub status: Option<ObligationStatus>,
    /// Person responsible.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::EmailAddress>)]
    pub owner: Option<String>,
    /// Vague duty.
    #[serde(default)]
    pub vague: bool,
    /// Survives termination.
    #[serde(default)]
    pub survives: bool,
}

fn no_due() -> DueRule {
    DueRule::None
}

impl NewObligation {
    /// Checks the free-text parts.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.obligor.trim().is_empty() || self.obligor.chars().count() > 300 {
            return Err(ValidationError::new(
                "obligor",
                "must be 1 to 300 characters",
            ));
        }
        if self.text.trim().is_empty() || self.text.chars().count() > 5000 {
            return Err(ValidationError::new("text", "must be 1 to 5000 characters"));
        }
        if let Some(m) = &self.metric
            && m.unit.chars().count() > 40
        {
            return Err(ValidationError::new(
                "metric.unit",
                "must be at most 40 characters",
            ));
        }
        if let Some(o) = &self.owner {
            crate::agreement::parse_owner(o).map_err(|e| e.within("owner"))?;
        }
        if self.status == Some(ObligationStatus::History) {
            return Err(ValidationError::new(
                "status",
                "history is computed for occurrences due before tracking began; an obligation is pending, done, overdue or waived",
            ));
        }
        Ok(())
    }
}

/// The obligor key of a duty every party owes.
pub const EACH_KEY: &str = "each";

/// What an obligor names, as a key to compare with [`crate::party::match_key`] of a party's
/// legal and short names: [`EACH_KEY`] for a duty of every party ("each", "Each Party",
/// "both parties", "the Parties" …), otherwise the match key of the name.
pub fn obligor_key(obligor: &str) -> String {
    let key = crate::party::match_key(obligor);
    const EACH: &[&str] = &[
        "each",
        "each party",
        "each of the parties",
        "each of them",
        "both",
        "both parties",
        "both of the parties",
        "either party",
        "parties",
        "all parties",
        "all the parties",
        "all of the parties",
    ];
    if EACH.contains(&key.as_str()) {
        EACH_KEY.to_owned()
    } else {
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obligors_of_every_party_share_one_key_and_names_keep_theirs() {
        for each in [
            "each",
            "Each Party",
            "both parties",
            "the Parties",
            "EACH OF THE PARTIES",
        ] {
            assert_eq!(obligor_key(each), EACH_KEY, "{each}");
        }
        assert_eq!(
            obligor_key("Globex GmbH."),
            crate::party::match_key("Globex")
        );
        assert_ne!(obligor_key("Northwind"), EACH_KEY);
    }

    #[test]
    fn relative_and_recurring_due_dates_follow_the_effective_date() {
        let eff = Date::parse("2026-01-31").unwrap();
        let r = DueRule::After {
            period: Period::days(30).unwrap(),
            event: Event::Effective,
        };
        assert_eq!(
            r.first_due(Some(eff)),
            Some(Date::parse("2026-03-02").unwrap())
        );
        // 31 January falls in the first calendar quarter, which ends on 31 March.
        let q = DueRule::recurring(Frequency::Quarterly, Some(Period::days(15).unwrap()));
        assert_eq!(
            q.first_due(Some(eff)),
            Some(Date::parse("2026-04-15").unwrap())
        );
        let contract = DueRule::Recurring {
            frequency: Frequency::Quarterly,
            offset: Some(Period::days(15).unwrap()),
            alignment: Some(Alignment::Contract),
            final_partial: false,
        };
        // Three months from 31 January: 31 January – 29 April.
        assert_eq!(
            contract.first_due(Some(eff)),
            Some(Date::parse("2026-05-14").unwrap())
        );
        assert_eq!(r.first_due(None), None);
    }

    #[test]
    fn metrics_compare_exactly() {
        let m = Metric {
            comparator: Comparator::AtLeast,
            value: "99.9".parse().unwrap(),
            unit: "%".into(),
        };
        assert!(m.is_met_by("99.90".parse().unwrap()));
        assert!(!m.is_met_by("99.89".parse().unwrap()));
    }

    #[test]
    fn obligation_status_rejects_illegal_steps() {
        assert!(
            ObligationStatus::Waived
                .transition(ObligationStatus::Done)
                .is_err()
        );
        assert_eq!(
            ObligationStatus::Pending
                .transition(ObligationStatus::Done)
                .unwrap(),
            ObligationStatus::Done
        );
    }
}
