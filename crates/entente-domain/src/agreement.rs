//! The agreement itself: its kind, its lifecycle status, its title and tags, and the rules
//! for a new agreement (2..n distinct parties, each with a role).

use crate::error::Collector;
use crate::party::NewAgreementParty;
use crate::terms::Terms;
use crate::{Date, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What sort of cooperation an agreement sets up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementKind {
    /// General collaboration or technology integration partnership.
    Collaboration,
    /// Strategic alliance.
    StrategicAlliance,
    /// Co-marketing or co-branding.
    CoMarketing,
    /// Joint development.
    JointDevelopment,
    /// Research collaboration.
    Research,
    /// Multi-party consortium.
    Consortium,
    /// Anything else.
    Other,
}

impl AgreementKind {
    /// All kinds, in display order.
    pub const ALL: [AgreementKind; 7] = [
        Self::Collaboration,
        Self::StrategicAlliance,
        Self::CoMarketing,
        Self::JointDevelopment,
        Self::Research,
        Self::Consortium,
        Self::Other,
    ];

    /// The stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Collaboration => "collaboration",
            Self::StrategicAlliance => "strategic_alliance",
            Self::CoMarketing => "co_marketing",
            Self::JointDevelopment => "joint_development",
            Self::Research => "research",
            Self::Consortium => "consortium",
            Self::Other => "other",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|k| k.as_str()).collect();
                ValidationError::new(
                    "",
                    format!(
                        "{s:?} is not an agreement kind (one of: {})",
                        names.join(", ")
                    ),
                )
            })
    }
}

impl fmt::Display for AgreementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an agreement stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    /// Being written.
    Draft,
    /// Under legal/business review.
    InReview,
    /// Approved, not yet sent for signature.
    Approved,
    /// Sent to the parties for signature.
    OutForSignature,
    /// In force.
    Active,
    /// In force, with at least one amendment.
    Amended,
    /// In force and close to its end date.
    Expiring,
    /// Renewed for a further term.
    Renewed,
    /// A party has given notice of termination.
    TerminationNotice,
    /// Terminated or expired; post-termination duties are running.
    WindDown,
    /// Nothing left to do.
    Closed,
    /// A draft abandoned before signature.
    Cancelled,
}

impl AgreementStatus {
    /// All statuses in lifecycle order.
    pub const ALL: [AgreementStatus; 12] = [
        Self::Draft,
        Self::InReview,
        Self::Approved,
        Self::OutForSignature,
        Self::Active,
        Self::Amended,
        Self::Expiring,
        Self::Renewed,
        Self::TerminationNotice,
        Self::WindDown,
        Self::Closed,
        Self::Cancelled,
    ];

    /// The stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Approved => "approved",
            Self::OutForSignature => "out_for_signature",
            Self::Active => "active",
            Self::Amended => "amended",
            Self::Expiring => "expiring",
            Self::Renewed => "renewed",
            Self::TerminationNotice => "termination_notice",
            Self::WindDown => "wind_down",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|k| k.as_str()).collect();
                ValidationError::new(
                    "",
                    format!(
                        "{s:?} is not an agreement status (one of: {})",
                        names.join(", ")
                    ),
                )
            })
    }

    /// Whether the agreement binds the parties in this status.
    pub fn in_force(self) -> bool {
        matches!(
            self,
            Self::Active | Self::Amended | Self::Expiring | Self::Renewed | Self::TerminationNotice
        )
    }

    /// The stored statuses a listing filter on this status matches: `active` means running
    /// in force, so it also takes `amended` and `renewed` agreements (an amendment or a renewal
    /// does not stop an agreement being active); every other status matches itself. The store
    /// adds that an `active` agreement's effective date has come (see
    /// [`AgreementSummary::pending_start`]).
    pub fn filter_covers(self) -> &'static [AgreementStatus] {
        match self {
            Self::Active => &[Self::Active, Self::Amended, Self::Renewed],
            Self::Draft => &[Self::Draft],
            Self::InReview => &[Self::InReview],
            Self::Approved => &[Self::Approved],
            Self::OutForSignature => &[Self::OutForSignature],
            Self::Amended => &[Self::Amended],
            Self::Expiring => &[Self::Expiring],
            Self::Renewed => &[Self::Renewed],
            Self::TerminationNotice => &[Self::TerminationNotice],
            Self::WindDown => &[Self::WindDown],
            Self::Closed => &[Self::Closed],
            Self::Cancelled => &[Self::Cancelled],
        }
    }

    /// Whether the agreement was ever executed: in force now, or ended after being in force.
    pub fn executed(self) -> bool {
        self.in_force() || matches!(self, Self::WindDown | Self::Closed)
    }

    /// The statuses reachable from this one in a single step.
    pub fn allowed_next(self) -> &'static [AgreementStatus] {
        use AgreementStatus::*;
        match self {
            Draft => &[InReview, Cancelled],
            InReview => &[Draft, Approved, Cancelled],
            Approved => &[InReview, OutForSignature, Cancelled],
            OutForSignature => &[InReview, Active, Cancelled],
            Active | Amended | Renewed => {
                &[Amended, Expiring, Renewed, TerminationNotice, WindDown]
            }
            Expiring => &[Renewed, Amended, TerminationNotice, WindDown],
            TerminationNotice => &[Active, WindDown],
            WindDown => &[Closed],
            Closed | Cancelled => &[],
        }
    }

    /// Moves to `next`, or explains which moves are possible from here.
    pub fn transition(self, next: AgreementStatus) -> Result<AgreementStatus, ValidationError> {
        if self.allowed_next().contains(&next) {
            Ok(next)
        } else {
            let allowed: Vec<_> = self.allowed_next().iter().map(|s| s.as_str()).collect();
            Err(ValidationError::new(
                "status",
                format!(
                    "cannot move from {} to {}; allowed from {}: {}",
                    self.as_str(),
                    next.as_str(),
                    self.as_str(),
                    if allowed.is_empty() {
                        "none (final state)".to_owned()
                    } else {
                        allowed.join(", ")
                    }
                ),
            ))
        }
    }
}

impl fmt::Display for AgreementStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An agreement title: 1..=300 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

crate::string_schema!(
    Title,
    "a title: not blank, at most 300 characters, no control characters",
    "Northwind–Globex Integration",
    max_length(Some(300)),
    pattern(Some(
        "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$"
    ))
);

impl Title {
    /// Validates a title.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ValidationError::new("", "must not be empty"));
        }
        if t.chars().count() > 300 {
            return Err(ValidationError::new("", "must be at most 300 characters"));
        }
        if t.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "",
                "must not contain control characters",
            ));
        }
        Ok(Self(t.to_owned()))
    }

    /// The title text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Title {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).map_err(|e| e.message)
    }
}

impl From<Title> for String {
    fn from(t: Title) -> Self {
        t.0
    }
}

/// A tag: lowercase letters, digits, `-`, `_`, `:` and `.`, 1..=50 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(String);

crate::string_schema!(
    Tag,
    "a tag: 1 to 50 letters, digits, '-', '_', ':' or '.' (stored in lower case)",
    "gdpr",
    pattern(Some("^[A-Za-z0-9_:.-]{1,50}$"))
);

impl Tag {
    /// Validates and lowercases a tag.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let t = s.trim().to_lowercase();
        if t.is_empty() || t.chars().count() > 50 {
            return Err(ValidationError::new(
                "",
                format!("{s:?} must be 1 to 50 characters"),
            ));
        }
        if !t
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        {
            return Err(ValidationError::new(
                "",
                format!("{s:?} may hold only letters, digits, '-', '_', ':' and '.'"),
            ));
        }
        Ok(Self(t))
    }

    /// The tag text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Tag {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).map_err(|e| e.message)
    }
}

impl From<Tag> for String {
    fn from(t: Tag) -> Self {
        t.0
    }
}

/// An owner reference: an e-mail-like handle of the person accountable for the agreement.
pub fn parse_owner(s: &str) -> Result<String, ValidationError> {
    let t = s.trim();
    let ok = t.len() <= 254
        && t.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !t.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(t.to_lowercase())
    } else {
        Err(ValidationError::new(
            "",
            format!("{t:?} is not an e-mail address"),
        ))
    }
}

/// A validated agreement ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAgreement {
    /// Title.
    pub title: Title,
    /// Kind of cooperation.
    pub kind: AgreementKind,
    /// Initial status (usually draft; imports of signed agreements start active).
    pub status: AgreementStatus,
    /// Accountable person (e-mail).
    pub owner: Option<String>,
    /// Tags, deduplicated and sorted.
    pub tags: Vec<Tag>,
    /// Distinct parties: two or more, fewer only for an imported document still to complete.
    pub parties: Vec<NewAgreementParty>,
    /// Terms entered or extracted so far.
    pub terms: Terms,
    /// The day tracking begins: occurrences due earlier are history, neither overdue nor
    /// alerted (see [`crate::occurrence::effective_status`]). `None` tracks every occurrence
    /// from the effective date on, as for an agreement drafted here; an import of an executed
    /// agreement sets the import date unless the importer names an earlier one.
    pub tracked_from: Option<Date>,
}

/// Changes to an agreement's own fields, each value checked; absent fields are left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementChange {
    /// New title.
    pub title: Option<Title>,
    /// New kind.
    pub kind: Option<AgreementKind>,
    /// New owner; `Some(None)` clears it.
    pub owner: Option<Option<String>>,
    /// Replacement tag set, sorted, without repeats.
    pub tags: Option<Vec<Tag>>,
    /// New tracking start (checked against the tenant's day when applied); `Some(None)`
    /// tracks every occurrence from the effective date on.
    pub tracked_from: Option<Option<Date>>,
    /// A business-day calendar set on the agreement (a built-in code, see
    /// [`crate::calendar::BusinessCalendar::builtin_code`]); `Some(None)` clears it, so the
    /// calendar is chosen from the parties' jurisdiction, the governing law or the tenant's.
    pub calendar: Option<Option<String>>,
}

impl AgreementChange {
    /// Reads a change from its text form (request bodies, CLI arguments): an empty owner or
    /// tracking start clears it. Every bad field is reported at once, by name (`tags[2]`).
    pub fn from_text(
        title: Option<&str>,
        kind: Option<&str>,
        owner: Option<&str>,
        tags: Option<&[String]>,
        tracked_from: Option<&str>,
    ) -> Result<Self, ValidationErrors> {
        Self::from_text_with_calendar(title, kind, owner, tags, tracked_from, None)
    }

    /// [`Self::from_text`] with a calendar code as well: an empty one clears the calendar set
    /// on the agreement; an unknown one is refused under `calendar`, with a few valid codes.
    pub fn from_text_with_calendar(
        title: Option<&str>,
        kind: Option<&str>,
        owner: Option<&str>,
        tags: Option<&[String]>,
        tracked_from: Option<&str>,
        calendar: Option<&str>,
    ) -> Result<Self, ValidationErrors> {
        if let Some(t) = tags {
            crate::error::check_len("tags", t.len(), MAX_TAGS)?;
        }
        let mut c = crate::error::Collector::default();
        let title = title.and_then(|t| c.take("title", Title::parse(t)));
        let kind = kind.and_then(|k| c.take("kind", AgreementKind::parse(k)));
        let owner = match owner {
            Some("") => Some(None),
            Some(o) => c.take("owner", parse_owner(o)).map(Some),
            None => None,
        };
        let tracked_from = match tracked_from.map(str::trim) {
            Some("") => Some(None),
            Some(t) => c.take("tracked_from", Date::parse(t)).map(Some),
            None => None,
        };
        let calendar = match calendar.map(str::trim) {
            Some("") => Some(None),
            Some(code) => c.take("calendar", parse_calendar_code(code)).map(Some),
            None => None,
        };
        let tags = tags.map(|list| {
            let mut v: Vec<Tag> = list
                .iter()
                .enumerate()
                .filter_map(|(i, t)| c.take(&format!("tags[{i}]"), Tag::parse(t)))
                .collect();
            v.sort();
            v.dedup();
            v
        });
        c.finish()?;
        Ok(Self {
            title,
            kind,
            owner,
            tags,
            tracked_from,
            calendar,
        })
    }
}

/// A calendar code a person set on an agreement, as its canonical built-in code
/// (`england-and-wales` → `gb-eng`). An unknown code is refused with a few valid ones.
pub fn parse_calendar_code(code: &str) -> Result<String, ValidationError> {
    let code = code.trim();
    crate::calendar::BusinessCalendar::builtin_code(code)
        .map(str::to_owned)
        .ok_or_else(|| {
            let ids = crate::calendar::BusinessCalendar::builtin_ids();
            let some: Vec<&str> = ["gb-eng", "us", "de", "nl", "fr"]
                .into_iter()
                .filter(|c| ids.contains(c))
                .collect();
            // No field of its own: the caller names it (`calendar`).
            ValidationError::new(
                "",
                format!(
                    "{code:?} is not a built-in calendar code (e.g. {}; {} in all)",
                    some.join(", "),
                    ids.len()
                ),
            )
        })
}

/// Checks a tracking start given by a person: any valid date up to `today` (a day before the
/// effective date tracks everything). A later day is refused: occurrences falling due between
/// now and then would be neither tracked nor alerted.
pub fn check_tracked_from(
    field: &str,
    tracked_from: Date,
    today: Date,
) -> Result<Date, ValidationError> {
    if tracked_from > today {
        return Err(ValidationError::new(
            field,
            format!(
                "{tracked_from} is after today ({today}); tracking can begin today at the latest"
            ),
        ));
    }
    Ok(tracked_from)
}

/// Most parties an agreement may have.
pub const MAX_PARTIES: usize = 50;

/// Most tags an agreement may carry.
pub const MAX_TAGS: usize = 100;

/// Most terms one request may set (there are far fewer term fields).
pub const MAX_TERMS: usize = 100;

/// The raw shape of a new agreement, as it arrives from the API, the CLI or an import.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AgreementDraft {
    /// Title.
    #[schema(value_type = Title)]
    pub title: String,
    /// Kind of cooperation (default `collaboration`).
    #[serde(default)]
    #[schema(value_type = Option<AgreementKind>)]
    pub kind: Option<String>,
    /// Initial status (default `draft`).
    #[serde(default)]
    #[schema(value_type = Option<AgreementStatus>)]
    pub status: Option<String>,
    /// Accountable person (e-mail).
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::EmailOrEmpty>)]
    pub owner: Option<String>,
    /// Tags (at most 100).
    #[serde(default)]
    #[schema(max_items = 100)]
    #[schema(value_type = Vec<Tag>)]
    pub tags: Vec<String>,
    /// Parties with their roles (2 to 50).
    #[serde(default)]
    #[schema(min_items = 2, max_items = 50)]
    pub parties: Vec<crate::party::AgreementPartyDraft>,
}

impl AgreementDraft {
    /// Refuses oversized collections before any per-item work (the duplicate-party check is
    /// quadratic in the number of parties).
    pub fn check_sizes(&self) -> Result<(), ValidationErrors> {
        let mut c = Collector::default();
        let sizes = [
            ("parties", self.parties.len(), MAX_PARTIES),
            ("tags", self.tags.len(), MAX_TAGS),
        ];
        for (field, len, max) in sizes {
            if let Err(e) = crate::error::check_len(field, len, max) {
                c.push(e);
            }
        }
        c.finish()
    }

    /// Turns the raw shape into a validated agreement, reporting every bad field at once.
    pub fn validate(self, terms: Terms) -> Result<NewAgreement, ValidationErrors> {
        self.validate_with(terms, 2)
    }

    /// As [`validate`](Self::validate), but fewer than two parties are accepted: an imported
    /// document is stored whatever it lacks, and the missing parties are shown as a gap to
    /// complete (see [`crate::completeness`]).
    pub fn validate_incomplete(self, terms: Terms) -> Result<NewAgreement, ValidationErrors> {
        self.validate_with(terms, 0)
    }

    fn validate_with(
        self,
        terms: Terms,
        min_parties: usize,
    ) -> Result<NewAgreement, ValidationErrors> {
        self.check_sizes()?;
        let mut c = Collector::default();
        let title = c.take("title", Title::parse(&self.title));
        let kind = c.take(
            "kind",
            self.kind
                .as_deref()
                .map_or(Ok(AgreementKind::Collaboration), AgreementKind::parse),
        );
        let status = c.take(
            "status",
            self.status
                .as_deref()
                .map_or(Ok(AgreementStatus::Draft), AgreementStatus::parse),
        );
        let owner = match self.owner.as_deref().filter(|o| !o.trim().is_empty()) {
            Some(o) => c.take("owner", parse_owner(o)).map(Some),
            None => Some(None),
        };
        let mut tags = Vec::new();
        for (i, t) in self.tags.iter().enumerate() {
            if let Some(t) = c.take(&format!("tags[{i}]"), Tag::parse(t)) {
                tags.push(t);
            }
        }
        tags.sort();
        tags.dedup();
        if self.parties.len() < min_parties {
            c.push(ValidationError::new(
                "parties",
                format!(
                    "an agreement needs at least two parties, got {}",
                    self.parties.len()
                ),
            ));
        }
        let mut parties = Vec::new();
        for (i, p) in self.parties.into_iter().enumerate() {
            match p.validate() {
                Ok(p) => parties.push(p),
                Err(errs) => {
                    for e in errs.0 {
                        c.push(e.within(&format!("parties[{i}]")));
                    }
                }
            }
        }
        for i in 0..parties.len() {
            for j in 0..i {
                if parties[i].same_entity(&parties[j]) {
                    c.push(ValidationError::new(
                        format!("parties[{i}]"),
                        format!("is the same party as parties[{j}]; each party appears once"),
                    ));
                }
            }
        }
        c.finish()?;
        // Every `take` above succeeded when `finish` returned Ok, so these are all Some.
        match (title, kind, status, owner) {
            (Some(title), Some(kind), Some(status), Some(owner)) => Ok(NewAgreement {
                title,
                kind,
                status,
                owner,
                tags,
                parties,
                terms,
                tracked_from: None,
            }),
            _ => Err(ValidationError::new("", "invalid agreement").into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::party::AgreementPartyDraft;

    fn party(name: &str) -> AgreementPartyDraft {
        AgreementPartyDraft {
            legal_name: Some(name.into()),
            role: "partner".into(),
            ..Default::default()
        }
    }

    #[test]
    fn calendar_codes_are_built_in_ones_and_empty_clears() {
        let c = AgreementChange::from_text_with_calendar(None, None, None, None, None, Some("US"))
            .unwrap();
        assert_eq!(c.calendar, Some(Some("us".to_owned())));
        let c = AgreementChange::from_text_with_calendar(None, None, None, None, None, Some(""))
            .unwrap();
        assert_eq!(c.calendar, Some(None));
        let e =
            AgreementChange::from_text_with_calendar(None, None, None, None, None, Some("narnia"))
                .unwrap_err();
        assert_eq!(e.0[0].field, "calendar");
        assert!(e.0[0].message.contains("gb-eng"), "{}", e.0[0].message);
    }

    #[test]
    fn tracking_can_begin_any_day_up_to_today() {
        let today = Date::parse("2026-06-01").unwrap();
        for ok in ["1990-01-01", "2026-05-31", "2026-06-01"] {
            let d = Date::parse(ok).unwrap();
            assert_eq!(check_tracked_from("track_from", d, today).unwrap(), d);
        }
        let e = check_tracked_from("track_from", Date::parse("2026-06-02").unwrap(), today)
            .unwrap_err();
        assert_eq!(e.field, "track_from");
        assert!(
            e.message.contains("after today (2026-06-01)"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_agreement_with_one_party_is_rejected_naming_the_field() {
        let d = AgreementDraft {
            title: "X".into(),
            parties: vec![party("Acme Inc.")],
            ..Default::default()
        };
        let e = d.validate(Terms::default()).unwrap_err();
        assert_eq!(e.0[0].field, "parties");
        assert!(e.0[0].message.contains("at least two"));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let d = AgreementDraft {
            title: " ".into(),
            kind: Some("merger".into()),
            owner: Some("nobody".into()),
            tags: vec!["ok".into(), "not ok!".into()],
            parties: vec![party("Acme Inc."), party("acme inc.")],
            ..Default::default()
        };
        let fields: Vec<_> = d
            .validate(Terms::default())
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["title", "kind", "owner", "tags[1]", "parties[1]"]);
    }

    #[test]
    fn lifecycle_rejects_illegal_moves_and_names_the_allowed_ones() {
        let e = AgreementStatus::Draft
            .transition(AgreementStatus::Active)
            .unwrap_err();
        assert!(
            e.message
                .contains("allowed from draft: in_review, cancelled"),
            "{}",
            e.message
        );
        assert_eq!(
            AgreementStatus::Draft
                .transition(AgreementStatus::InReview)
                .unwrap(),
            AgreementStatus::InReview
        );
        assert!(
            AgreementStatus::Closed
                .transition(AgreementStatus::Active)
                .unwrap_err()
                .message
                .contains("final")
        );
    }

    #[test]
    fn kinds_and_statuses_round_trip_through_text() {
        for k in AgreementKind::ALL {
            assert_eq!(AgreementKind::parse(k.as_str()).unwrap(), k);
        }
        for s in AgreementStatus::ALL {
            assert_eq!(AgreementStatus::parse(s.as_str()).unwrap(), s);
        }
    }
}

/// A stored agreement with its parties and terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Agreement {
    /// Identifier.
    pub id: crate::AgreementId,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: AgreementKind,
    /// Lifecycle status.
    pub status: AgreementStatus,
    /// Accountable person.
    pub owner: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Parties in agreement order.
    pub parties: Vec<crate::party::AgreementParty>,
    /// Key terms with provenance.
    pub terms: Terms,
    /// Number of document versions.
    pub versions: u32,
    /// The day tracking began: occurrences due earlier are history (neither overdue nor
    /// alerted) unless someone recorded them. `null`: tracked from the effective date on.
    pub tracked_from: Option<Date>,
    /// The business-day calendar a person set on the agreement (a built-in code such as
    /// `gb-eng`); it wins over the parties' jurisdiction, the governing law and the tenant's
    /// default. `null`: none set.
    pub calendar: Option<String>,
    /// Created.
    pub created_at: crate::Timestamp,
    /// Last changed.
    pub updated_at: crate::Timestamp,
}

/// One row of a portfolio listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgreementSummary {
    /// Identifier.
    pub id: crate::AgreementId,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: AgreementKind,
    /// Status.
    pub status: AgreementStatus,
    /// Accountable person.
    pub owner: Option<String>,
    /// Legal names of the parties.
    pub parties: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Effective date.
    pub effective_date: Option<crate::Date>,
    /// End of the initial term.
    pub expiration_date: Option<crate::Date>,
    /// Renews automatically.
    pub auto_renewal: Option<bool>,
    /// Last day to give notice of non-renewal (auto-renewing agreements).
    pub notice_deadline: Option<crate::Date>,
    /// `amount`, `formula` or `uncapped`.
    pub liability_cap: Option<String>,
    /// Governing law.
    pub governing_law: Option<String>,
    /// Last changed.
    pub updated_at: crate::Timestamp,
    /// Signed, but its effective date is still to come (on the tenant's today): its status
    /// says it is in force, and it binds from `effective_date`. Listings read it as "signed,
    /// starts …", and the `active` filter leaves it out.
    pub pending_start: bool,
}

/// Portfolio columns derived from the terms, kept with the agreement for fast filtering.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DerivedColumns {
    /// Effective date.
    pub effective_date: Option<crate::Date>,
    /// End of the initial term.
    pub expiration_date: Option<crate::Date>,
    /// Renews automatically.
    pub auto_renewal: Option<bool>,
    /// Expiration minus the non-renewal notice period, when auto-renewing.
    pub notice_deadline: Option<crate::Date>,
    /// Cap kind.
    pub liability_cap_kind: Option<&'static str>,
    /// Governing law.
    pub governing_law: Option<String>,
}

impl DerivedColumns {
    /// Derives the portfolio columns from terms.
    pub fn from_terms(t: &Terms) -> Self {
        use crate::terms::{LiabilityCap, TermField, TermValue};
        let expiration_date = t.expiration();
        let auto_renewal = t.flag(TermField::AutoRenewal);
        let notice_deadline = match (
            auto_renewal,
            expiration_date,
            t.period(TermField::NoticePeriodNonRenewal),
        ) {
            (Some(true), Some(exp), Some(p)) => Some(p.before(exp)),
            _ => None,
        };
        let liability_cap_kind = match t.get(TermField::LiabilityCap) {
            Some(TermValue::Cap(LiabilityCap::Amount(_))) => Some("amount"),
            Some(TermValue::Cap(LiabilityCap::Formula { .. })) => Some("formula"),
            Some(TermValue::Cap(LiabilityCap::Uncapped)) => Some("uncapped"),
            _ => None,
        };
        let governing_law = match t.get(TermField::GoverningLaw) {
            Some(TermValue::Text(s)) => Some(s.clone()),
            _ => None,
        };
        Self {
            effective_date: t.date(TermField::EffectiveDate),
            expiration_date,
            auto_renewal,
            notice_deadline,
            liability_cap_kind,
            governing_law,
        }
    }
}
