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

/// The `sort` parameter's values as the API documents them: an order's name, or the name
/// after `-` for the order reversed. Parsed by [`AgreementQuery`]'s conversion; this type only
/// describes the values.
#[derive(Debug, Clone, Copy, serde::Deserialize, utoipa::ToSchema)]
pub enum AgreementSortParam {
    /// Last changed first (the default).
    #[serde(rename = "updated")]
    Updated,
    /// Oldest change first.
    #[serde(rename = "-updated")]
    UpdatedReversed,
    /// By title, A to Z (case-insensitive).
    #[serde(rename = "title")]
    Title,
    /// By title, Z to A.
    #[serde(rename = "-title")]
    TitleReversed,
    /// By effective date, earliest first, unknown last.
    #[serde(rename = "effective_date")]
    EffectiveDate,
    /// By effective date, latest first, unknown last.
    #[serde(rename = "-effective_date")]
    EffectiveDateReversed,
    /// By the end of the running term, soonest first, unknown last.
    #[serde(rename = "expiration_date")]
    ExpirationDate,
    /// By the end of the running term, latest first, unknown last.
    #[serde(rename = "-expiration_date")]
    ExpirationDateReversed,
    /// By the next non-renewal notice deadline, soonest first, unknown last.
    #[serde(rename = "notice_deadline")]
    NoticeDeadline,
    /// By the next non-renewal notice deadline, latest first, unknown last.
    #[serde(rename = "-notice_deadline")]
    NoticeDeadlineReversed,
}

/// A portfolio query: every filter optional, combined with AND; a filter given several values
/// matches any of them (`status` active or signed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementQuery {
    /// Lifecycle statuses (any of).
    pub status: Vec<AgreementStatus>,
    /// Kinds (any of).
    pub kind: Vec<AgreementKind>,
    /// Owner e-mails, lower case (any of).
    pub owner: Vec<String>,
    /// Tags, lower case (any of).
    pub tag: Vec<String>,
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
    /// Liability cap kinds (any of).
    pub liability_cap: Vec<CapFilter>,
    /// Governing laws, lower case (any of).
    pub governing_law: Vec<String>,
    /// The day windows and next key dates count from (default: the tenant's today).
    pub today: Option<Date>,
    /// Order.
    pub sort: AgreementSort,
    /// The order reversed (`sort=-title`): Z to A, latest date first, oldest change first;
    /// unknown dates stay last either way.
    pub reverse: bool,
    /// Only agreements changed at or after this instant (incremental sync).
    pub updated_since: Option<Timestamp>,
}

impl AgreementQuery {
    /// The order as the `sort` parameter writes it (`title`, `-notice_deadline`).
    pub fn sort_text(&self) -> String {
        if self.reverse {
            format!("-{}", self.sort.as_str())
        } else {
            self.sort.as_str().to_owned()
        }
    }
}

/// A portfolio query as text, the way edges receive it (query strings, form fields); every
/// field optional, the repeatable ones as lists (empty: no filter).
#[derive(Debug, Clone, Default)]
pub struct AgreementQueryText<'a> {
    /// `status`, repeatable.
    pub status: Vec<&'a str>,
    /// `kind`, repeatable.
    pub kind: Vec<&'a str>,
    /// `owner`, repeatable.
    pub owner: Vec<&'a str>,
    /// `tag`, repeatable.
    pub tag: Vec<&'a str>,
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
    /// `liability_cap`, repeatable.
    pub liability_cap: Vec<&'a str>,
    /// `governing_law`, repeatable.
    pub governing_law: Vec<&'a str>,
    /// `today`.
    pub today: Option<&'a str>,
    /// `sort`: an order's name, `-` before it to reverse it.
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
        let mut window =
            |field: &str, n: Option<u32>| n.and_then(|n| c.take(field, DayWindow::new(n)));
        let expiring_within = window("expiring_within_days", t.expiring_within_days);
        let renewing_within = window("renewing_within_days", t.renewing_within_days);
        let notice_within = window("notice_within_days", t.notice_within_days);
        let mut status = Vec::new();
        for s in t.status.iter().filter(|v| !v.trim().is_empty()) {
            if let Some(s) = c.take("status", AgreementStatus::parse(s))
                && !status.contains(&s)
            {
                status.push(s);
            }
        }
        let mut kind = Vec::new();
        for k in t.kind.iter().filter(|v| !v.trim().is_empty()) {
            if let Some(k) = c.take("kind", AgreementKind::parse(k))
                && !kind.contains(&k)
            {
                kind.push(k);
            }
        }
        let mut liability_cap = Vec::new();
        for k in t.liability_cap.iter().filter(|v| !v.trim().is_empty()) {
            if let Some(k) = c.take("liability_cap", CapFilter::parse(k))
                && !liability_cap.contains(&k)
            {
                liability_cap.push(k);
            }
        }
        let today = t.today.and_then(|s| c.take("today", Date::parse(s)));
        let (sort, reverse) = match t.sort.map(str::trim) {
            Some(s) => {
                let (name, reverse) = match s.strip_prefix('-') {
                    Some(rest) => (rest, true),
                    None => (s, false),
                };
                (
                    c.take("sort", AgreementSort::parse(name))
                        .unwrap_or_default(),
                    reverse,
                )
            }
            None => (AgreementSort::Updated, false),
        };
        let q = Self {
            status,
            kind,
            owner: distinct_lowercase(t.owner.iter().copied()),
            tag: distinct_lowercase(t.tag.iter().copied()),
            party: text(t.party),
            text: text(t.text),
            expiring_within,
            renewing_within,
            notice_within,
            liability_cap,
            governing_law: distinct_lowercase(t.governing_law.iter().copied()),
            today,
            sort,
            reverse,
            updated_since: None,
        };
        c.finish()?;
        Ok(q)
    }
}

/// The values of a repeatable text filter as the store matches them: trimmed, lower case,
/// blanks dropped, each kept once in the order given.
pub fn distinct_lowercase<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = v.trim().to_lowercase();
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    out
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
            agreement_id: t.agreement_id.and_then(|a| {
                c.take(
                    "agreement_id",
                    a.trim()
                        .parse::<AgreementId>()
                        .map_err(|e| ValidationError::new("", e.message)),
                )
            }),
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
            agreement_id: t.agreement_id.and_then(|a| {
                c.take(
                    "agreement_id",
                    a.trim()
                        .parse::<AgreementId>()
                        .map_err(|e| ValidationError::new("", e.message)),
                )
            }),
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
            status: vec!["active", "expiring", "active"],
            owner: vec![" Legal@Example.com ", ""],
            party: Some("  "),
            notice_within_days: Some(90),
            liability_cap: vec!["none"],
            today: Some("2026-12-04"),
            sort: Some("-notice_deadline"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            q.status,
            [AgreementStatus::Active, AgreementStatus::Expiring],
            "repeated values are kept once, blank ones dropped"
        );
        assert_eq!(q.owner, ["legal@example.com"]);
        assert_eq!(q.party, None, "a blank filter filters nothing");
        assert_eq!(
            q.notice_within
                .map(|w| w.last_day(Date::parse("2026-12-04").unwrap())),
            Some(Date::parse("2027-03-04").unwrap())
        );
        assert_eq!(q.liability_cap, [CapFilter::None]);
        assert_eq!(q.sort, AgreementSort::NoticeDeadline);
        assert!(q.reverse, "a leading - reverses the order");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let e = AgreementQuery::try_from(AgreementQueryText {
            status: vec!["active", "alive"],
            kind: vec!["merger"],
            notice_within_days: Some(99_999_999),
            liability_cap: vec!["some"],
            today: Some("2026-02-30"),
            sort: Some("-risk"),
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
