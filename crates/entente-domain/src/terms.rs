//! An agreement's key terms (dates, periods, law, caps …), each carrying its provenance:
//! extracted from a clause span with a confidence, or entered by a person. Re-analysis never
//! overwrites what a person entered.

use crate::{ClauseId, Date, Money, Period, Timestamp, ValidationError, VersionId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Which term a value is for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TermField {
    /// Date the agreement is dated.
    AgreementDate,
    /// Date it takes effect.
    EffectiveDate,
    /// Length of the initial term.
    InitialTerm,
    /// End of the initial term.
    ExpirationDate,
    /// Whether it renews automatically.
    AutoRenewal,
    /// Length of each renewal term.
    RenewalTerm,
    /// Notice needed to prevent renewal.
    NoticePeriodNonRenewal,
    /// Notice needed to terminate for convenience.
    TerminationForConvenienceNotice,
    /// Time to cure a breach before termination for cause.
    CurePeriod,
    /// Governing law (jurisdiction name).
    GoverningLaw,
    /// Venue / forum for disputes.
    Venue,
    /// Liability cap.
    LiabilityCap,
    /// Damages excluded from liability.
    ExcludedDamages,
    /// Fee payable on early termination.
    TerminationFee,
    /// How long confidentiality survives the end of the agreement.
    ConfidentialitySurvival,
    /// Total contract value.
    ContractValue,
    /// How often the agreement must be reviewed.
    ReviewCycle,
    /// A fixed review date stated in the text ("review … on 15 January 2028").
    ReviewDate,
}

/// The shape of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A calendar date.
    Date,
    /// A period.
    Period,
    /// Yes or no.
    Bool,
    /// Free text.
    Text,
    /// Money.
    Money,
    /// A liability cap.
    Cap,
    /// A list of short labels.
    List,
}

impl TermField {
    /// Every field, in display order.
    pub const ALL: [TermField; 18] = [
        Self::AgreementDate,
        Self::EffectiveDate,
        Self::InitialTerm,
        Self::ExpirationDate,
        Self::AutoRenewal,
        Self::RenewalTerm,
        Self::NoticePeriodNonRenewal,
        Self::TerminationForConvenienceNotice,
        Self::CurePeriod,
        Self::GoverningLaw,
        Self::Venue,
        Self::LiabilityCap,
        Self::ExcludedDamages,
        Self::TerminationFee,
        Self::ConfidentialitySurvival,
        Self::ContractValue,
        Self::ReviewCycle,
        Self::ReviewDate,
    ];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AgreementDate => "agreement_date",
            Self::EffectiveDate => "effective_date",
            Self::InitialTerm => "initial_term",
            Self::ExpirationDate => "expiration_date",
            Self::AutoRenewal => "auto_renewal",
            Self::RenewalTerm => "renewal_term",
            Self::NoticePeriodNonRenewal => "notice_period_non_renewal",
            Self::TerminationForConvenienceNotice => "termination_for_convenience_notice",
            Self::CurePeriod => "cure_period",
            Self::GoverningLaw => "governing_law",
            Self::Venue => "venue",
            Self::LiabilityCap => "liability_cap",
            Self::ExcludedDamages => "excluded_damages",
            Self::TerminationFee => "termination_fee",
            Self::ConfidentialitySurvival => "confidentiality_survival",
            Self::ContractValue => "contract_value",
            Self::ReviewCycle => "review_cycle",
            Self::ReviewDate => "review_date",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|f| f.as_str()).collect();
                ValidationError::new(
                    "",
                    format!("{s:?} is not a term field (one of: {})", names.join(", ")),
                )
            })
    }

    /// What shape of value the field takes.
    pub fn kind(self) -> ValueKind {
        match self {
            Self::AgreementDate | Self::EffectiveDate | Self::ExpirationDate | Self::ReviewDate => {
                ValueKind::Date
            }
            Self::InitialTerm
            | Self::RenewalTerm
            | Self::NoticePeriodNonRenewal
            | Self::TerminationForConvenienceNotice
            | Self::CurePeriod
            | Self::ConfidentialitySurvival
            | Self::ReviewCycle => ValueKind::Period,
            Self::AutoRenewal => ValueKind::Bool,
            Self::GoverningLaw | Self::Venue => ValueKind::Text,
            Self::TerminationFee | Self::ContractValue => ValueKind::Money,
            Self::LiabilityCap => ValueKind::Cap,
            Self::ExcludedDamages => ValueKind::List,
        }
    }

    /// Validates a JSON value for this field; errors name the field.
    pub fn parse_value(self, v: &serde_json::Value) -> Result<TermValue, ValidationError> {
        let field = self.as_str();
        let want_str = || {
            v.as_str()
                .ok_or_else(|| ValidationError::new(field, format!("expected a string, got {v}")))
        };
        let r = match self.kind() {
            ValueKind::Date => Date::parse(want_str()?).map(TermValue::Date),
            ValueKind::Period => Period::parse(want_str()?).map(TermValue::Period),
            ValueKind::Bool => v.as_bool().map(TermValue::Bool).ok_or_else(|| {
                ValidationError::new("", format!("expected true or false, got {v}"))
            }),
            ValueKind::Text => {
                let s = want_str()?.trim();
                if s.is_empty() || s.chars().count() > 500 {
                    Err(ValidationError::new("", "must be 1 to 500 characters"))
                } else {
                    Ok(TermValue::Text(s.to_owned()))
                }
            }
            ValueKind::Money => parse_money(v).map(TermValue::Money),
            ValueKind::Cap => parse_cap(v).map(TermValue::Cap),
            ValueKind::List => {
                let items = v.as_array().ok_or_else(|| {
                    ValidationError::new(field, format!("expected a list of strings, got {v}"))
                })?;
                let mut out = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    match it
                        .as_str()
                        .map(str::trim)
                        .filter(|s| !s.is_empty() && s.len() <= 100)
                    {
                        Some(s) => out.push(s.to_owned()),
                        None => {
                            return Err(ValidationError::new(
                                format!("{field}[{i}]"),
                                "expected a short string",
                            ));
                        }
                    }
                }
                return Ok(TermValue::List(out));
            }
        };
        r.map_err(|e| {
            if e.field.starts_with(field) {
                e
            } else {
                e.within(field)
            }
        })
    }
}

fn parse_money(v: &serde_json::Value) -> Result<Money, ValidationError> {
    // People write amounts as "USD 4500000" or "4,500,000 USD"; JSON objects also work.
    if let Some(s) = v.as_str() {
        let parts: Vec<&str> = s.split_whitespace().collect();
        let is_code = |p: &str| p.len() == 3 && p.chars().all(|c| c.is_ascii_alphabetic());
        return match parts.as_slice() {
            [c, a] if is_code(c) => Money::parse(a, c),
            [a, c] if is_code(c) => Money::parse(a, c),
            _ => Err(ValidationError::new(
                "",
                format!(
                    "{s:?} is not an amount: write the currency code and the amount, e.g. \"USD 4500000\""
                ),
            )),
        };
    }
    let obj = v.as_object().ok_or_else(|| {
        ValidationError::new(
            "",
            "expected an amount such as \"USD 4500000\" or {\"amount\": \"…\", \"currency\": \"…\"}",
        )
    })?;
    let amount = match obj.get("amount") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => {
            return Err(ValidationError::new(
                "amount",
                "is required (a decimal string)",
            ));
        }
    };
    let currency = obj
        .get("currency")
        .and_then(|c| c.as_str())
        .ok_or_else(|| ValidationError::new("currency", "is required (ISO 4217 code)"))?;
    Money::parse(&amount, currency)
}

fn parse_cap(v: &serde_json::Value) -> Result<LiabilityCap, ValidationError> {
    if v.as_str() == Some("uncapped") {
        return Ok(LiabilityCap::Uncapped);
    }
    if v.is_string() {
        return parse_money(v).map(LiabilityCap::Amount);
    }
    let kind = v.get("kind").and_then(|k| k.as_str()).unwrap_or("amount");
    match kind {
        "uncapped" => Ok(LiabilityCap::Uncapped),
        "formula" => v
            .get("text")
            .and_then(|t| t.as_str())
            .filter(|t| !t.trim().is_empty())
            .map(|t| LiabilityCap::Formula {
                text: t.trim().to_owned(),
            })
            .ok_or_else(|| ValidationError::new("text", "a formula cap needs its text")),
        "amount" => parse_money(v).map(LiabilityCap::Amount),
        other => Err(ValidationError::new(
            "kind",
            format!("{other:?} is not amount, formula or uncapped"),
        )),
    }
}

/// A liability cap as contracts state it (its OpenAPI schema is in `term_schema`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiabilityCap {
    /// A fixed amount.
    Amount(Money),
    /// A formula such as "fees paid in the 12 months preceding the claim".
    Formula {
        /// The formula as written.
        text: String,
    },
    /// Liability is expressly unlimited.
    Uncapped,
}

/// A term's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TermValue {
    /// A calendar date.
    Date(Date),
    /// A period.
    Period(Period),
    /// Yes or no.
    Bool(bool),
    /// Money.
    Money(Money),
    /// A liability cap.
    Cap(LiabilityCap),
    /// A list of labels.
    List(Vec<String>),
    /// Free text.
    Text(String),
}

impl fmt::Display for TermValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Date(d) => write!(f, "{d}"),
            Self::Period(p) => write!(f, "{}", p.human()),
            Self::Bool(b) => write!(f, "{}", if *b { "yes" } else { "no" }),
            Self::Text(t) => f.write_str(t),
            Self::Money(m) => write!(f, "{m}"),
            Self::Cap(LiabilityCap::Amount(m)) => write!(f, "{m}"),
            Self::Cap(LiabilityCap::Formula { text }) => write!(f, "formula: {text}"),
            Self::Cap(LiabilityCap::Uncapped) => f.write_str("uncapped"),
            Self::List(l) => f.write_str(&l.join(", ")),
        }
    }
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Found by analysis in a document version.
    Extracted {
        /// The version analysed.
        version_id: VersionId,
        /// The clause holding the evidence, when segmented.
        clause_id: Option<ClauseId>,
        /// Character offsets of the evidence in the version's text.
        start: usize,
        /// End offset (exclusive).
        end: usize,
        /// 0..=1.
        confidence: f32,
    },
    /// Entered or corrected by a person; analysis never overwrites it.
    User {
        /// Who entered it.
        by: String,
        /// When.
        at: Timestamp,
        /// Why, if they said.
        note: Option<String>,
    },
}

impl Source {
    /// Whether a person entered the value.
    pub fn is_user(&self) -> bool {
        matches!(self, Self::User { .. })
    }
}

/// The confidence below which an extracted value is flagged "to review" until a person
/// confirms or corrects it, unless the tenant sets its own.
pub const DEFAULT_REVIEW_THRESHOLD: f32 = 0.9;

/// A tenant's review setting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewSettings {
    /// Extracted values with a confidence below this (0..=1) are to review.
    pub threshold: f32,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            threshold: DEFAULT_REVIEW_THRESHOLD,
        }
    }
}

impl ReviewSettings {
    /// The threshold must be a number from 0 to 1 (0 flags nothing, 1 flags every extracted value).
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(ValidationError::new(
                "threshold",
                format!("must be from 0 to 1, got {}", self.threshold),
            ));
        }
        Ok(())
    }
}

/// One extracted value to review: what analysis found, where, and how sure it is (its OpenAPI
/// schema, a union told apart by `field`, is in `term_schema`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    /// The agreement.
    pub agreement_id: crate::AgreementId,
    /// Its title.
    pub agreement_title: String,
    /// Which term.
    pub field: TermField,
    /// The value found.
    pub value: TermValue,
    /// How sure the analysis is (0..=1), below the tenant's threshold; for a conflict, how
    /// sure it is of what the new text says.
    pub confidence: f32,
    /// Where it was found (version, clause, character span), or who entered it.
    pub source: Source,
    /// A value a person entered or confirmed that a later version's text contradicts: what
    /// that text says and where. The person's value stands until someone sets the term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Sourced>,
}

/// What merging a new version's terms did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merge {
    /// Fields whose value changed.
    pub changed: Vec<TermField>,
    /// Fields a person set that the new text contradicts, with what the text says.
    pub conflicts: Vec<(TermField, Sourced)>,
}

/// A value with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sourced {
    /// The value.
    pub value: TermValue,
    /// Its provenance.
    pub source: Source,
}

/// All known terms of an agreement (its OpenAPI schema, one typed property per field, is in
/// `term_schema`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Terms(pub BTreeMap<TermField, Sourced>);

impl Terms {
    /// The value of a field, if known.
    pub fn get(&self, f: TermField) -> Option<&TermValue> {
        self.0.get(&f).map(|s| &s.value)
    }

    /// A date field.
    pub fn date(&self, f: TermField) -> Option<Date> {
        match self.get(f) {
            Some(TermValue::Date(d)) => Some(*d),
            _ => None,
        }
    }

    /// A period field.
    pub fn period(&self, f: TermField) -> Option<Period> {
        match self.get(f) {
            Some(TermValue::Period(p)) => Some(*p),
            _ => None,
        }
    }

    /// A yes/no field.
    pub fn flag(&self, f: TermField) -> Option<bool> {
        match self.get(f) {
            Some(TermValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// Sets a value a person entered (always wins).
    pub fn set_user(
        &mut self,
        f: TermField,
        value: TermValue,
        by: &str,
        at: Timestamp,
        note: Option<String>,
    ) {
        self.0.insert(
            f,
            Sourced {
                value,
                source: Source::User {
                    by: by.to_owned(),
                    at,
                    note,
                },
            },
        );
    }

    /// Merges values found by analysis. A value a person entered is kept as it is; returns
    /// the fields that changed.
    pub fn merge_extracted(&mut self, found: Terms) -> Vec<TermField> {
        self.merge_version(found).changed
    }

    /// Merges what a new version's text says. A value a person entered or confirmed is kept;
    /// where the new text says otherwise, that is returned as a conflict for a person to
    /// decide, never applied.
    pub fn merge_version(&mut self, found: Terms) -> Merge {
        let mut out = Merge::default();
        for (f, s) in found.0 {
            match self.0.get(&f) {
                Some(cur) if cur.source.is_user() => {
                    if cur.value != s.value {
                        out.conflicts.push((f, s));
                    }
                    continue;
                }
                Some(cur) if cur.value == s.value => {}
                _ => out.changed.push(f),
            }
            self.0.insert(f, s);
        }
        out
    }

    /// The expiration date, stated or computed from the effective date and initial term.
    pub fn expiration(&self) -> Option<Date> {
        self.date(TermField::ExpirationDate).or_else(|| {
            let start = self.date(TermField::EffectiveDate)?;
            Some(self.period(TermField::InitialTerm)?.after(start))
        })
    }
}

impl utoipa::PartialSchema for ReviewItem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::term_schema::review_item().0
    }
}

impl utoipa::ToSchema for ReviewItem {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        crate::term_schema::union_schemas(schemas, crate::term_schema::review_item().1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn extracted(v: TermValue) -> Sourced {
        Sourced {
            value: v,
            source: Source::Extracted {
                version_id: VersionId::new(),
                clause_id: None,
                start: 0,
                end: 1,
                confidence: 0.8,
            },
        }
    }

    #[test]
    fn reanalysis_never_overwrites_a_person_s_value() {
        let mut t = Terms::default();
        let at = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        t.set_user(
            TermField::GoverningLaw,
            TermValue::Text("England and Wales".into()),
            "a@b.co",
            at,
            None,
        );
        let mut found = Terms::default();
        found.0.insert(
            TermField::GoverningLaw,
            extracted(TermValue::Text("New York".into())),
        );
        found.0.insert(
            TermField::Venue,
            extracted(TermValue::Text("London".into())),
        );
        let changed = t.merge_extracted(found);
        assert_eq!(changed, [TermField::Venue]);
        assert_eq!(
            t.get(TermField::GoverningLaw),
            Some(&TermValue::Text("England and Wales".into()))
        );
    }

    #[test]
    fn values_are_validated_per_field_and_errors_name_the_field() {
        let cases = [
            (
                TermField::EffectiveDate,
                json!("2026-02-31"),
                "effective_date",
            ),
            (
                TermField::LiabilityCap,
                json!({"amount": "10", "currency": "ABC"}),
                "liability_cap.currency",
            ),
            (
                TermField::ContractValue,
                json!({"currency": "EUR"}),
                "contract_value.amount",
            ),
            (TermField::AutoRenewal, json!("yes"), "auto_renewal"),
            (
                TermField::NoticePeriodNonRenewal,
                json!("soon"),
                "notice_period_non_renewal",
            ),
        ];
        for (f, v, field) in cases {
            let e = f.parse_value(&v).unwrap_err();
            assert_eq!(e.field, field, "{v}");
        }
        assert_eq!(
            TermField::LiabilityCap
                .parse_value(&json!("uncapped"))
                .unwrap(),
            TermValue::Cap(LiabilityCap::Uncapped)
        );
    }

    #[test]
    fn amounts_may_be_written_as_text() {
        let want = TermValue::Money(Money::parse("4500000", "USD").unwrap());
        for v in [
            json!("USD 4500000"),
            json!("4,500,000 USD"),
            json!({"amount": "4500000", "currency": "USD"}),
        ] {
            assert_eq!(
                TermField::ContractValue.parse_value(&v).unwrap(),
                want,
                "{v}"
            );
        }
        assert_eq!(
            TermField::LiabilityCap
                .parse_value(&json!("EUR 1,000,000"))
                .unwrap(),
            TermValue::Cap(LiabilityCap::Amount(
                Money::parse("1000000", "EUR").unwrap()
            ))
        );
        let e = TermField::ContractValue
            .parse_value(&json!("four million"))
            .unwrap_err();
        assert_eq!(e.field, "contract_value");
        assert!(e.message.contains("USD 4500000"), "{}", e.message);
        let e = TermField::ContractValue
            .parse_value(&json!("XYZ 10"))
            .unwrap_err();
        assert_eq!(e.field, "contract_value.currency");
    }

    #[test]
    fn expiration_is_computed_from_effective_date_and_term() {
        let mut t = Terms::default();
        t.0.insert(
            TermField::EffectiveDate,
            extracted(TermValue::Date(Date::parse("2024-02-29").unwrap())),
        );
        t.0.insert(
            TermField::InitialTerm,
            extracted(TermValue::Period(Period::years(1).unwrap())),
        );
        assert_eq!(t.expiration(), Some(Date::parse("2025-02-28").unwrap()));
    }

    #[test]
    fn values_round_trip_through_json() {
        for f in TermField::ALL {
            let v = match f.kind() {
                ValueKind::Date => json!("2026-03-01"),
                ValueKind::Period => json!("P90D"),
                ValueKind::Bool => json!(true),
                ValueKind::Text => json!("New York"),
                ValueKind::Money => json!({"amount": "12.50", "currency": "CHF"}),
                ValueKind::Cap => json!({"kind": "formula", "text": "fees paid in 12 months"}),
                ValueKind::List => json!(["indirect", "lost_profits"]),
            };
            let parsed = f.parse_value(&v).unwrap();
            let back = f
                .parse_value(&serde_json::to_value(&parsed).unwrap())
                .unwrap();
            assert_eq!(back, parsed, "{}", f.as_str());
        }
    }
}

/// Where in a document a value was found, before the clause has a stored id.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evidence {
    /// Index of the clause in the version's clause list.
    pub clause: Option<usize>,
    /// Start offset (characters) in the version's text.
    pub start: usize,
    /// End offset (exclusive).
    pub end: usize,
    /// 0..=1.
    pub confidence: f32,
}
