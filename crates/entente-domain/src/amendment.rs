//! Amendments: a letter or a restated text with its own effective date and term changes, and
//! the consolidated "as amended" view of the terms and texts in force on any date.

use crate::clause::Clause;
use crate::terms::{Source, Sourced, TermField, TermValue, Terms};
use crate::{AgreementId, AmendmentId, Date, Timestamp, ValidationError, VersionId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What an amendment's document is, which decides what its text does to the agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AmendmentKind {
    /// A letter (or short amendment agreement) that changes only what it states: its text is
    /// kept beside the agreement's, its stated changes apply from its effective date, and the
    /// agreement's own dates, clauses and duties stay as they are.
    Letter,
    /// The whole agreement restated as amended: its text becomes the agreement's text and is
    /// analysed like any new version.
    Restatement,
}

impl AmendmentKind {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Letter => "letter",
            Self::Restatement => "restatement",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s.trim() {
            "letter" => Ok(Self::Letter),
            "restatement" => Ok(Self::Restatement),
            other => Err(ValidationError::new(
                "kind",
                format!("{other:?} is not an amendment kind (letter, restatement)"),
            )),
        }
    }
}

impl std::fmt::Display for AmendmentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amendment as given by a person.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AmendmentDraft {
    /// The date it takes effect (`YYYY-MM-DD`).
    #[schema(value_type = crate::Date)]
    pub effective_date: String,
    /// What it changes, in words.
    pub summary: String,
    /// Term changes keyed by field, e.g. `{"notice_period_non_renewal": "P60D"}` (at most 100).
    #[serde(default)]
    #[schema(value_type = crate::term_schema::TermValuesInput)]
    pub changes: BTreeMap<String, serde_json::Value>,
    /// `letter` (changes only what it states) or `restatement` (the whole agreement restated).
    /// Default: read from the text — a document titled or worded as an amendment, addendum or
    /// side letter, and not restated, is a letter.
    #[serde(default)]
    #[schema(value_type = Option<AmendmentKind>)]
    pub kind: Option<String>,
}

/// A validated amendment.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAmendment {
    /// Effective date.
    pub effective_date: Date,
    /// Summary.
    pub summary: String,
    /// Term changes.
    pub changes: BTreeMap<TermField, TermValue>,
    /// Letter or restatement, as stated. `None`: not stated; the amendment use-case reads it
    /// from the text, and the store takes an unstated kind as a restatement (what every
    /// amendment was before letters were told apart).
    pub kind: Option<AmendmentKind>,
}

impl NewAmendment {
    /// The values the amendment sets on the agreement's `current` terms: its stated changes
    /// and, when it changes the initial term without stating an expiry, the expiry that term
    /// gives from the agreement's effective date — a stored expiry would otherwise keep the
    /// old end (the effective date itself stays unless the amendment states a new one).
    pub fn term_changes(&self, current: &Terms) -> BTreeMap<TermField, TermValue> {
        let mut out = self.changes.clone();
        let term = match out.get(&TermField::InitialTerm) {
            Some(TermValue::Period(p)) => Some(*p),
            _ => None,
        };
        let start = match out.get(&TermField::EffectiveDate) {
            Some(TermValue::Date(d)) => Some(*d),
            _ => current.date(TermField::EffectiveDate),
        };
        if let (Some(term), Some(start)) = (term, start)
            && !out.contains_key(&TermField::ExpirationDate)
            && current.0.contains_key(&TermField::ExpirationDate)
        {
            out.insert(
                TermField::ExpirationDate,
                TermValue::Date(term.after(start)),
            );
        }
        out
    }
}

impl AmendmentDraft {
    /// Validates every field at once; errors name `changes.<field>`.
    pub fn validate(&self) -> Result<NewAmendment, crate::ValidationErrors> {
        crate::error::check_len("changes", self.changes.len(), crate::agreement::MAX_TERMS)?;
        let mut c = crate::error::Collector::default();
        let effective = c.take("effective_date", Date::parse(&self.effective_date));
        let summary = self.summary.trim();
        if summary.is_empty() || summary.chars().count() > 2000 {
            c.push(ValidationError::new(
                "summary",
                "must be 1 to 2000 characters",
            ));
        }
        let mut changes = BTreeMap::new();
        for (k, v) in &self.changes {
            let Some(f) = c.take("changes", TermField::parse(k)) else {
                continue;
            };
            if let Some(val) = c.take("changes", f.parse_value(v)) {
                changes.insert(f, val);
            }
        }
        let kind = match self.kind.as_deref() {
            None => None,
            Some(k) => match AmendmentKind::parse(k) {
                Ok(k) => Some(k),
                Err(e) => {
                    c.push(e);
                    None
                }
            },
        };
        c.finish()?;
        Ok(NewAmendment {
            // `finish` returned Ok, so the date parsed.
            effective_date: effective.ok_or_else(|| {
                crate::ValidationErrors::from(ValidationError::new("effective_date", "invalid"))
            })?,
            summary: summary.to_owned(),
            changes,
            kind,
        })
    }
}

/// A stored amendment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Amendment {
    /// Identifier.
    pub id: AmendmentId,
    /// The agreement.
    pub agreement_id: AgreementId,
    /// 1-based amendment number.
    pub number: u32,
    /// The version holding the amended text.
    pub version_id: VersionId,
    /// Its number.
    pub version_number: u32,
    /// A letter (its text sits beside the agreement's) or a restatement (its text replaced it).
    pub kind: AmendmentKind,
    /// Effective date.
    pub effective_date: Date,
    /// Summary.
    pub summary: String,
    /// New values.
    #[schema(value_type = crate::term_schema::TermValues)]
    pub changes: BTreeMap<TermField, TermValue>,
    /// The values the changed fields held before (absent: the field had no value).
    #[schema(value_type = crate::term_schema::PreviousTerms)]
    pub previous: BTreeMap<TermField, Option<Sourced>>,
    /// Who recorded it.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
}

/// Where a consolidated value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// The original agreement: extracted from a version's text.
    Document {
        /// The version.
        version_id: VersionId,
        /// Its number, when known.
        version_number: Option<u32>,
    },
    /// Entered or corrected by a person (not through an amendment).
    Entered {
        /// Who.
        by: String,
        /// When.
        at: Timestamp,
    },
    /// Changed by an amendment.
    Amendment {
        /// The amendment.
        amendment_id: AmendmentId,
        /// Its number.
        number: u32,
        /// The version with the amended text.
        version_id: VersionId,
        /// Its number.
        version_number: u32,
        /// When the change took effect.
        effective_date: Date,
    },
}

/// One term as in force on a date (its OpenAPI schema, a union told apart by `field`, is in
/// `term_schema`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsolidatedValue {
    /// The term.
    pub field: TermField,
    /// Its value on the date.
    pub value: TermValue,
    /// Where it comes from.
    pub origin: Origin,
}

/// The terms in force on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Consolidated {
    /// The date.
    pub on: Date,
    /// Every known term with its origin.
    pub values: Vec<ConsolidatedValue>,
    /// Amendments in force on the date (numbers).
    pub in_force: Vec<u32>,
    /// Amendments recorded but not yet in force on the date.
    pub pending: Vec<u32>,
    /// The same terms as a map (for key-date computation).
    #[serde(skip)]
    pub terms: Terms,
}

/// The terms in force on `on`. `current` is the agreement's stored terms (which include every
/// amendment), `amendments` its amendments in any order, `version_numbers` maps version ids to
/// their numbers. Each field starts from its value before the first amendment that touched it;
/// amendments in force on the date then apply in order of effective date. A value a person
/// corrected after the last amendment touching it is kept as it stands.
pub fn consolidate(
    current: &Terms,
    amendments: &[Amendment],
    on: Date,
    version_numbers: &BTreeMap<VersionId, u32>,
) -> Consolidated {
    let mut by_number: Vec<&Amendment> = amendments.iter().collect();
    by_number.sort_by_key(|a| a.number);
    let mut fields: Vec<TermField> = current.0.keys().copied().collect();
    for a in &by_number {
        fields.extend(a.changes.keys().copied());
    }
    fields.sort();
    fields.dedup();
    let mut in_order: Vec<&Amendment> = by_number.clone();
    in_order.sort_by_key(|a| (a.effective_date, a.number));
    let mut values = Vec::new();
    let mut terms = Terms::default();
    for f in fields {
        let touching: Vec<&&Amendment> = by_number
            .iter()
            .filter(|a| a.changes.contains_key(&f))
            .collect();
        let cur = current.0.get(&f);
        let last_touch = touching.last();
        // A later correction by hand overrides the amendment history for this field.
        let corrected = last_touch.is_some_and(|a| cur.map(|c| &c.value) != a.changes.get(&f));
        let mut state: Option<(Sourced, Origin)> = if touching.is_empty() || corrected {
            cur.map(|s| (s.clone(), origin_of(&s.source, version_numbers)))
        } else {
            touching[0].previous.get(&f).cloned().flatten().map(|s| {
                let o = origin_of(&s.source, version_numbers);
                (s, o)
            })
        };
        if !corrected {
            for a in in_order.iter().filter(|a| a.effective_date <= on) {
                if let Some(v) = a.changes.get(&f) {
                    let source = Source::User {
                        by: a.created_by.clone(),
                        at: a.created_at,
                        note: Some(format!("amendment {}", a.number)),
                    };
                    state = Some((
                        Sourced {
                            value: v.clone(),
                            source,
                        },
                        Origin::Amendment {
                            amendment_id: a.id,
                            number: a.number,
                            version_id: a.version_id,
                            version_number: a.version_number,
                            effective_date: a.effective_date,
                        },
                    ));
                }
            }
        }
        if let Some((s, origin)) = state {
            values.push(ConsolidatedValue {
                field: f,
                value: s.value.clone(),
                origin,
            });
            terms.0.insert(f, s);
        }
    }
    Consolidated {
        on,
        values,
        in_force: in_order
            .iter()
            .filter(|a| a.effective_date <= on)
            .map(|a| a.number)
            .collect(),
        pending: in_order
            .iter()
            .filter(|a| a.effective_date > on)
            .map(|a| a.number)
            .collect(),
        terms,
    }
}

/// One version whose text is in force, and the amendment letter it is (if it is one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextInForce {
    /// The version number.
    pub version_number: u32,
    /// The letter's amendment number; `None` for the agreement's own text (original or
    /// restated).
    pub letter: Option<u32>,
}

/// What [`texts_in_force`] needs to know of an amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmendmentText {
    /// The amendment's number.
    pub number: u32,
    /// Its version's number.
    pub version_number: u32,
    /// Letter or restatement.
    pub kind: AmendmentKind,
    /// When it takes effect.
    pub effective_date: Date,
}

impl From<&Amendment> for AmendmentText {
    fn from(a: &Amendment) -> Self {
        Self {
            number: a.number,
            version_number: a.version_number,
            kind: a.kind,
            effective_date: a.effective_date,
        }
    }
}

/// The versions whose text is in force: the latest version that is not an amendment letter
/// (the agreement's own text, original or restated) followed by the letters recorded after it,
/// oldest first. Letters before that version are part of its restated text. With `on`, only
/// amendments in force on that day count (a letter or restatement taking effect later is left
/// out); with `None`, every recorded amendment does, as in the stored terms.
pub fn texts_in_force(
    versions: &[u32],
    amendments: &[AmendmentText],
    on: Option<Date>,
) -> Vec<TextInForce> {
    let mut numbers = versions.to_vec();
    numbers.sort_unstable();
    numbers.dedup();
    let mut counted = Vec::new();
    for v in numbers {
        let amendment = amendments.iter().find(|a| a.version_number == v);
        if amendment.is_some_and(|a| on.is_some_and(|d| a.effective_date > d)) {
            continue;
        }
        counted.push(TextInForce {
            version_number: v,
            letter: amendment
                .filter(|a| a.kind == AmendmentKind::Letter)
                .map(|a| a.number),
        });
    }
    let base = counted
        .iter()
        .rposition(|t| t.letter.is_none())
        .unwrap_or(0);
    counted.split_off(base)
}

/// A clause of a text in force, with the version and amendment letter it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClauseInForce {
    /// The clause.
    #[serde(flatten)]
    pub clause: Clause,
    /// Its version's number.
    pub version_number: u32,
    /// The amendment letter whose text it is; absent for the agreement's own text.
    pub amendment: Option<u32>,
}

fn origin_of(s: &Source, numbers: &BTreeMap<VersionId, u32>) -> Origin {
    match s {
        Source::Extracted { version_id, .. } => Origin::Document {
            version_id: *version_id,
            version_number: numbers.get(version_id).copied(),
        },
        Source::User { by, at, .. } => Origin::Entered {
            by: by.clone(),
            at: *at,
        },
    }
}

impl utoipa::PartialSchema for ConsolidatedValue {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::term_schema::consolidated_value().0
    }
}

impl utoipa::ToSchema for ConsolidatedValue {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        crate::term_schema::union_schemas(schemas, crate::term_schema::consolidated_value().1);
        schemas.push(("Origin".into(), <Origin as utoipa::PartialSchema>::schema()));
        <Origin as utoipa::ToSchema>::schemas(schemas);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Period;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn at() -> Timestamp {
        Timestamp::parse("2026-01-01T00:00:00Z").unwrap()
    }

    fn period(days: u32) -> TermValue {
        TermValue::Period(Period::days(days).unwrap())
    }

    #[test]
    fn the_consolidated_view_applies_only_amendments_in_force_on_the_date() {
        let v1 = VersionId::new();
        let mut original = Terms::default();
        original.0.insert(
            TermField::NoticePeriodNonRenewal,
            Sourced {
                value: period(90),
                source: Source::Extracted {
                    version_id: v1,
                    clause_id: None,
                    start: 0,
                    end: 10,
                    confidence: 0.9,
                },
            },
        );
        original.set_user(
            TermField::GoverningLaw,
            TermValue::Text("New York".into()),
            "a@x.co",
            at(),
            None,
        );
        let prev = original.0.get(&TermField::NoticePeriodNonRenewal).cloned();
        let mut current = original.clone();
        current.set_user(
            TermField::NoticePeriodNonRenewal,
            period(60),
            "a@x.co",
            at(),
            None,
        );
        let v2 = VersionId::new();
        let a1 = Amendment {
            id: AmendmentId::new(),
            agreement_id: AgreementId::new(),
            number: 1,
            version_id: v2,
            version_number: 2,
            kind: AmendmentKind::Restatement,
            effective_date: d("2026-07-01"),
            summary: "shorter notice".into(),
            changes: BTreeMap::from([(TermField::NoticePeriodNonRenewal, period(60))]),
            previous: BTreeMap::from([(TermField::NoticePeriodNonRenewal, prev)]),
            created_by: "a@x.co".into(),
            created_at: at(),
        };
        let numbers = BTreeMap::from([(v1, 1), (v2, 2)]);
        let before = consolidate(
            &current,
            std::slice::from_ref(&a1),
            d("2026-06-30"),
            &numbers,
        );
        assert_eq!(
            before.terms.get(TermField::NoticePeriodNonRenewal),
            Some(&period(90))
        );
        assert_eq!(before.pending, [1]);
        let notice = before
            .values
            .iter()
            .find(|v| v.field == TermField::NoticePeriodNonRenewal)
            .unwrap();
        assert_eq!(
            notice.origin,
            Origin::Document {
                version_id: v1,
                version_number: Some(1)
            }
        );
        let after = consolidate(
            &current,
            std::slice::from_ref(&a1),
            d("2026-07-01"),
            &numbers,
        );
        assert_eq!(
            after.terms.get(TermField::NoticePeriodNonRenewal),
            Some(&period(60))
        );
        assert_eq!(after.in_force, [1]);
        assert!(matches!(
            after
                .values
                .iter()
                .find(|v| v.field == TermField::NoticePeriodNonRenewal)
                .unwrap()
                .origin,
            Origin::Amendment {
                number: 1,
                version_number: 2,
                ..
            }
        ));
        assert!(matches!(
            after
                .values
                .iter()
                .find(|v| v.field == TermField::GoverningLaw)
                .unwrap()
                .origin,
            Origin::Entered { .. }
        ));
    }

    #[test]
    fn amendment_drafts_report_every_bad_field() {
        let d = AmendmentDraft {
            effective_date: "2026-02-30".into(),
            summary: " ".into(),
            changes: BTreeMap::from([
                ("notice_period".into(), serde_json::json!("P60D")),
                ("cure_period".into(), serde_json::json!("soon")),
            ]),
            kind: Some("memo".into()),
        };
        let e = d.validate().unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "effective_date",
                "summary",
                "changes.cure_period",
                "changes",
                "kind"
            ]
        );
        assert!(e.0[4].message.contains("letter, restatement"), "{e:?}");
    }

    fn amendment(number: u32, version: u32, kind: AmendmentKind, effective: &str) -> Amendment {
        Amendment {
            id: AmendmentId::new(),
            agreement_id: AgreementId::new(),
            number,
            version_id: VersionId::new(),
            version_number: version,
            kind,
            effective_date: d(effective),
            summary: "s".into(),
            changes: BTreeMap::new(),
            previous: BTreeMap::new(),
            created_by: "a@x.co".into(),
            created_at: at(),
        }
    }

    #[test]
    fn a_new_initial_term_moves_a_stored_expiry_from_the_agreements_own_start() {
        let mut terms = Terms::default();
        for (f, v) in [
            (TermField::EffectiveDate, TermValue::Date(d("2025-03-01"))),
            (
                TermField::InitialTerm,
                TermValue::Period(Period::years(2).unwrap()),
            ),
            (TermField::ExpirationDate, TermValue::Date(d("2027-03-01"))),
        ] {
            terms.set_user(f, v, "a@x.co", at(), None);
        }
        let three = TermValue::Period(Period::years(3).unwrap());
        let new = AmendmentDraft {
            effective_date: "2026-12-15".into(),
            summary: "longer term".into(),
            changes: BTreeMap::from([("initial_term".into(), serde_json::json!("P3Y"))]),
            kind: Some("letter".into()),
        }
        .validate()
        .unwrap();
        assert_eq!(new.kind, Some(AmendmentKind::Letter));
        let set = new.term_changes(&terms);
        assert_eq!(set.get(&TermField::InitialTerm), Some(&three));
        assert_eq!(
            set.get(&TermField::ExpirationDate),
            Some(&TermValue::Date(d("2028-03-01"))),
            "three years from 2025-03-01, not from the amendment's own date"
        );
        assert!(!set.contains_key(&TermField::EffectiveDate));
        // A stated expiry wins; without a stored expiry there is nothing to move.
        let mut stated = new.clone();
        stated
            .changes
            .insert(TermField::ExpirationDate, TermValue::Date(d("2028-06-30")));
        assert_eq!(
            stated.term_changes(&terms).get(&TermField::ExpirationDate),
            Some(&TermValue::Date(d("2028-06-30")))
        );
        terms.0.remove(&TermField::ExpirationDate);
        assert_eq!(new.term_changes(&terms).len(), 1);
    }

    #[test]
    fn the_text_in_force_is_the_latest_full_text_and_the_letters_after_it() {
        let letter1 = AmendmentText::from(&amendment(1, 2, AmendmentKind::Letter, "2026-01-01"));
        let restated =
            AmendmentText::from(&amendment(2, 3, AmendmentKind::Restatement, "2026-06-01"));
        let letter3 = AmendmentText::from(&amendment(3, 4, AmendmentKind::Letter, "2027-01-01"));
        let all = [letter1, restated, letter3];
        let t = |v: u32, l: Option<u32>| TextInForce {
            version_number: v,
            letter: l,
        };
        assert_eq!(
            texts_in_force(&[1, 2], std::slice::from_ref(&letter1), None),
            [t(1, None), t(2, Some(1))]
        );
        assert_eq!(
            texts_in_force(&[1, 2, 3, 4], &all, None),
            [t(3, None), t(4, Some(3))],
            "the restatement absorbed the first letter"
        );
        assert_eq!(
            texts_in_force(&[1, 2, 3, 4], &all, Some(d("2026-05-31"))),
            [t(1, None), t(2, Some(1))],
            "before the restatement takes effect the original and the letter are in force"
        );
        assert_eq!(
            texts_in_force(&[1, 2, 3, 4], &all, Some(d("2025-12-31"))),
            [t(1, None)]
        );
        assert_eq!(
            texts_in_force(&[4, 3, 2, 1], &all, Some(d("2026-06-01"))),
            [t(3, None)]
        );
    }
}
