//! Typed portfolio queries: what the listing filters and sorts by, each value checked once at
//! the edge (CLI arguments, HTTP query strings) so the store only turns them into SQL.

use crate::error::Collector;
use crate::obligation::ObligationStatus;
use crate::{
    AgreementId, AgreementKind, AgreementStatus, Date, Timestamp, ValidationError, ValidationErrors,
};

/// A window of whole days from "today", at most [`DayWindow::MAX`] (about a century: beyond,
/// no key date is materialised and date arithmetic would overflow).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayWindow(u32);

impl DayWindow {
    /// Most days a window may span.
    pub const MAX: u32 = crate::time::MAX_WINDOW_DAYS;

    /// A window of `days`.
    pub fn new(days: u32) -> Result<Self, ValidationError> {
        if days > Self::MAX {
            return Err(ValidationError::new(
                "",
                format!("must be between 0 and {} days", Self::MAX),
            ));
        }
        Ok(Self(days))
    }

    /// A window of `days`, cut to [`DayWindow::MAX`]: for fixed windows known to fit.
    pub const fn at_most(days: u32) -> Self {
        if days > Self::MAX {
            Self(Self::MAX)
        } else {
            Self(days)
        }
    }

    /// The last day of the window that starts on `today`.
    pub fn last_day(self, today: Date) -> Date {
        today.plus_days(i64::from(self.0))
    }
}

/// The liability cap kinds a listing filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum CapFilter {
    /// A fixed amount.
    Amount,
    /// A formula (e.g. fees paid in the last 12 months).
    Formula,
    /// Expressly unlimited.
    Uncapped,
    /// No cap stated.
    None,
}

impl CapFilter {
    /// Parses `amount`, `formula`, `uncapped` or `none`.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s.trim() {
            "amount" => Ok(Self::Amount),
            "formula" => Ok(Self::Formula),
            "uncapped" => Ok(Self::Uncapped),
            "none" => Ok(Self::None),
            other => Err(ValidationError::new(
                "",
                format!("{other:?} is not one of amount, formula, uncapped, none"),
            )),
        }
    }

    /// The stored cap kind, or `None` for "no cap stated".
    pub fn stored(self) -> Option<&'static str> {
        match self {
            Self::Amount => Some("amount"),
            Self::Formula => Some("formula"),
            Self::Uncapped => Some("uncapped"),
            Self::None => None,
        }
    }
}

/// The orders a listing takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AgreementSort {
    /// Last changed first.
    #[default]
    Updated,
    /// By title, case-insensitive.
    Title,
    /// By effective date, unknown last.
    EffectiveDate,
    /// By the end of the running term (next renewal or expiry), soonest first, unknown last.
    ExpirationDate,
    /// By the next non-renewal notice deadline, soonest first, unknown last.
    NoticeDeadline,
}

impl AgreementSort {
    /// The text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Updated => "updated",
            Self::Title => "title",
            Self::EffectiveDate => "effective_date",
            Self::ExpirationDate => "expiration_date",
            Self::NoticeDeadline => "notice_deadline",
        }
    }

    /// Parses `updated`, `title`, `effective_date`, `expiration_date` or `notice_deadline`.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s.trim() {
            "updated" => Ok(Self::Updated),
            "title" => Ok(Self::Title),
            "effective_date" => Ok(Self::EffectiveDate),
            "expiration_date" => Ok(Self::ExpirationDate),
            "notice_deadline" => Ok(Self::NoticeDeadline),
            other => Err(ValidationError::new(
                "",
                format!(
                    "{other:?} is not one of updated, title, effective_date, expiration_date, notice_deadline"
                ),
            )),
        }
    }
}

/// A portfolio query: every filter optional, combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementQuery {
    /// Lifecycle status.
    pub status: Option<AgreementStatus>,
    /// Kind.
    pub kind: Option<AgreementKind>,
    /// Owner e-mail, lower case.
    pub owner: Option<String>,
    /// Tag, lower case.
    pub tag: Option<String>,
    /// Part of a party's legal or short name.
    pub party: Option<String>,
    /// Part of the title.
    pub text: Option<String>,
    /// The running term ends without renewal within the window.
    pub expiring_within: Option<DayWindow>,
    /// An automatic renewal falls within the window.
    pub renewing_within: Option<DayWindow>,
    /// The next non-renewal notice deadline falls within the window.
    pub notice_within: Option<DayWindow>,
    /// Liability cap kind.
    pub liability_cap: Option<CapFilter>,
    /// Governing law, lower case.
    pub governing_law: Option<String>,
    /// The day windows and next key dates count from (default: the tenant's today).
    pub today: Option<Date>,
    /// Order.
    pub sort: AgreementSort,
    /// Only agreements changed at or after this instant (incremental sync).
    pub updated_since: Option<Timestamp>,
}

/// A portfolio query as text, the way edges receive it (query strings, form fields); every
/// field optional.
#[derive(Debug, Clone, Default)]
pub struct AgreementQueryText<'a> {
    /// `status`.
    pub status: Option<&'a str>,
    /// `kind`.
    pub kind: Option<&'a str>,
    /// `owner`.
    pub owner: Option<&'a str>,
    /// `tag`.
    pub tag: Option<&'a str>,
    /// `party`.
    pub party: Option<&'a str>,
    /// `q`.
    pub text: Option<&'a str>,
    /// `expiring_within_days`.
    pub expiring_within_days: Option<u32>,
    /// `renewing_within_days`.
    pub renewing_within_days: Option<u32>,
    /// `notice_within_days`.
    pub notice_within_days: Option<u32>,
    /// `liability_cap`.
    pub liability_cap: Option<&'a str>,
    /// `governing_law`.
    pub governing_law: Option<&'a str>,
    /// `today`.
    pub today: Option<&'a str>,
    /// `sort`.
    pub sort: Option<&'a str>,
}

impl TryFrom<AgreementQueryText<'_>> for AgreementQuery {
    type Error = ValidationErrors;

    /// Checks every field, reporting every bad one at once (each error names its field).
    fn try_from(t: AgreementQueryText<'_>) -> Result<Self, ValidationErrors> {
        let mut c = Collector::default();
        let text = |s: Option<&str>| {
            s.map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let lower = |s: Option<&str>| text(s).map(|s| s.to_lowercase());
        let mut window =
            |field: &str, n: Option<u32>| n.and_then(|n| c.take(field, DayWindow::new(n)));
        let expiring_within = window("expiring_within_days", t.expiring_within_days);
        let renewing_within = window("renewing_within_days", t.renewing_within_days);
        let notice_within = window("notice_within_days", t.notice_within_days);
        let q = Self {
            status: t
                .status
                .and_then(|s| c.take("status", AgreementStatus::parse(s))),
            kind: t.kind.and_then(|s| c.take("kind", AgreementKind::parse(s))),
            owner: lower(t.owner),
            tag: lower(t.tag),
            party: text(t.party),
            text: text(t.text),
            expiring_within,
            renewing_within,
            notice_within,
            liability_cap: t
                .liability_cap
                .and_then(|s| c.take("liability_cap", CapFilter::parse(s))),
            governing_law: lower(t.governing_law),
            today: t.today.and_then(|s| c.take("today", Date::parse(s))),
            sort: match t.sort {
                Some(s) => c.take("sort", AgreementSort::parse(s)).unwrap_or_default(),
                None => AgreementSort::Updated,
            },
            updated_since: None,
        };
        c.finish()?;
        Ok(q)
    }
}

/// Most deadlines one query returns.
pub const MAX_DEADLINE_ROWS: u32 = 10_000;

/// A query over the materialised deadlines (key dates and occurrences).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineQuery {
    /// Only deadlines from today to the window's last day (open ones only, for obligations).
    pub within_days: Option<DayWindow>,
    /// Only obligation occurrences that are overdue.
    pub overdue: bool,
    /// Only obligation occurrences (no key dates).
    pub obligations_only: bool,
    /// Only this person's (owner or watcher), lower case.
    pub person: Option<String>,
    /// Only this agreement.
    pub agreement_id: Option<AgreementId>,
    /// The day windows count from (default: the tenant's today).
    pub today: Option<Date>,
    /// Most rows, 1..=[`MAX_DEADLINE_ROWS`].
    pub limit: u32,
}

impl Default for DeadlineQuery {
    fn default() -> Self {
        Self {
            within_days: None,
            overdue: false,
            obligations_only: false,
            person: None,
            agreement_id: None,
            today: None,
            limit: 1000,
        }
    }
}

/// A deadline query as text, the way edges receive it.
#[derive(Debug, Clone, Default)]
pub struct DeadlineQueryText<'a> {
    /// `within_days`.
    pub within_days: Option<u32>,
    /// `overdue`.
    pub overdue: Option<bool>,
    /// `obligations_only`.
    pub obligations_only: Option<bool>,
    /// `person`.
    pub person: Option<&'a str>,
    /// `agreement_id`.
    pub agreement_id: Option<&'a str>,
    /// `today`.
    pub today: Option<&'a str>,
    /// `limit`.
    pub limit: Option<u32>,
}

impl TryFrom<DeadlineQueryText<'_>> for DeadlineQuery {
    type Error = ValidationErrors;

    fn try_from(t: DeadlineQueryText<'_>) -> Result<Self, ValidationErrors> {
        let mut c = Collector::default();
        let limit = t.limit.unwrap_or(1000);
        if !(1..=MAX_DEADLINE_ROWS).contains(&limit) {
            c.push(ValidationError::new(
                "limit",
                format!("must be between 1 and {MAX_DEADLINE_ROWS}"),
            ));
        }
        let q = Self {
            within_days: t
                .within_days
                .and_then(|n| c.take("within_days", DayWindow::new(n))),
            overdue: t.overdue == Some(true),
            obligations_only: t.obligations_only == Some(true),
            person: lowered(t.person),
            agreement_id: t
                .agreement_id
                .and_then(|a| c.take("agreement_id", a.trim().parse::<AgreementId>())),
            today: t.today.and_then(|s| c.take("today", Date::parse(s))),
            limit,
        };
        c.finish()?;
        Ok(q)
    }
}

/// A query over obligations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObligationQuery {
    /// Only this agreement's.
    pub agreement_id: Option<AgreementId>,
    /// Only in this status.
    pub status: Option<ObligationStatus>,
    /// Only this owner's, lower case.
    pub owner: Option<String>,
    /// Only those with an overdue occurrence.
    pub overdue: bool,
    /// Not done or waived, and due within the window.
    pub due_within_days: Option<DayWindow>,
    /// Only vague (or only precise) duties.
    pub vague: Option<bool>,
    /// The day windows count from (default: the tenant's today).
    pub today: Option<Date>,
    /// Only obligations changed at or after this instant (incremental sync).
    pub updated_since: Option<Timestamp>,
}

/// An obligation query as text, the way edges receive it.
#[derive(Debug, Clone, Default)]
pub struct ObligationQueryText<'a> {
    /// `agreement_id`.
    pub agreement_id: Option<&'a str>,
    /// `status`.
    pub status: Option<&'a str>,
    /// `owner`.
    pub owner: Option<&'a str>,
    /// `overdue`.
    pub overdue: Option<bool>,
    /// `due_within_days`.
    pub due_within_days: Option<u32>,
    /// `vague`.
    pub vague: Option<bool>,
    /// `today`.
    pub today: Option<&'a str>,
}

impl TryFrom<ObligationQueryText<'_>> for ObligationQuery {
    type Error = ValidationErrors;

    fn try_from(t: ObligationQueryText<'_>) -> Result<Self, ValidationErrors> {
        let mut c = Collector::default();
        let q = Self {
            agreement_id: t
                .agreement_id
                .and_then(|a| c.take("agreement_id", a.trim().parse::<AgreementId>())),
            status: t
                .status
                .and_then(|s| c.take("status", ObligationStatus::parse(s))),
            owner: lowered(t.owner),
            overdue: t.overdue == Some(true),
            due_within_days: t
                .due_within_days
                .and_then(|n| c.take("due_within_days", DayWindow::new(n))),
            vague: t.vague,
            today: t.today.and_then(|s| c.take("today", Date::parse(s))),
            updated_since: None,
        };
        c.finish()?;
        Ok(q)
    }
}

fn lowered(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_a_typed_query_with_values_normalised() {
        let q = AgreementQuery::try_from(AgreementQueryText {
            status: Some("active"),
            owner: Some(" Legal@Example.com "),
            party: Some("  "),
            notice_within_days: Some(90),
            liability_cap: Some("none"),
            today: Some("2026-12-04"),
            sort: Some("notice_deadline"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(q.status, Some(AgreementStatus::Active));
        assert_eq!(q.owner.as_deref(), Some("legal@example.com"));
        assert_eq!(q.party, None, "a blank filter filters nothing");
        assert_eq!(
            q.notice_within
                .map(|w| w.last_day(Date::parse("2026-12-04").unwrap())),
            Some(Date::parse("2027-03-04").unwrap())
        );
        assert_eq!(q.liability_cap.and_then(CapFilter::stored), None);
        assert_eq!(q.sort, AgreementSort::NoticeDeadline);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let e = AgreementQuery::try_from(AgreementQueryText {
            status: Some("alive"),
            kind: Some("merger"),
            notice_within_days: Some(99_999_999),
            liability_cap: Some("some"),
            today: Some("2026-02-30"),
            sort: Some("risk"),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "notice_within_days",
                "status",
                "kind",
                "liability_cap",
                "today",
                "sort"
            ],
            "{e}"
        );
        assert!(e.to_string().contains("between 0 and 36600 days"), "{e}");
    }
}
