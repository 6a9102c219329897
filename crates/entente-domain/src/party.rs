//! Parties: the legal entities that sign agreements, and the role each plays in one.

use crate::error::Collector;
use crate::{PartyId, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};

/// A legal entity known to an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Party {
    /// Identifier.
    pub id: PartyId,
    /// Full legal name, e.g. "Northwind Systems, Inc.".
    pub legal_name: String,
    /// Jurisdiction of incorporation, e.g. "Delaware, US".
    pub jurisdiction: Option<String>,
    /// Registry identifiers such as LEI or company numbers: `scheme:value`.
    pub identifiers: Vec<String>,
}

/// A party as it takes part in one agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgreementParty {
    /// The party.
    pub party_id: PartyId,
    /// Its legal name (denormalised for display).
    pub legal_name: String,
    /// The short name the agreement defines for it ("Northwind").
    pub short_name: Option<String>,
    /// Its role, e.g. partner, lead, member, sponsor.
    pub role: String,
    /// Jurisdiction of incorporation.
    pub jurisdiction: Option<String>,
}

/// Raw party input: either an existing `party_id` or a `legal_name` (matched or created).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AgreementPartyDraft {
    /// An existing party.
    #[serde(default)]
    pub party_id: Option<String>,
    /// Legal name; an existing party of the same name is reused.
    #[serde(default)]
    pub legal_name: Option<String>,
    /// Defined short name.
    #[serde(default)]
    pub short_name: Option<String>,
    /// Role in this agreement.
    pub role: String,
    /// Jurisdiction of incorporation.
    #[serde(default)]
    pub jurisdiction: Option<String>,
}

/// Validated party input for a new agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgreementParty {
    /// Which party: an existing one or one identified by its legal name.
    pub party: PartyRef,
    /// Defined short name.
    pub short_name: Option<String>,
    /// Role.
    pub role: String,
    /// Jurisdiction of incorporation (used when the party is created).
    pub jurisdiction: Option<String>,
}

/// How a new agreement names a party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartyRef {
    /// A party that exists already.
    Existing(PartyId),
    /// Matched by normalised legal name, created if unknown.
    ByName(String),
}

impl NewAgreementParty {
    /// Whether two inputs designate the same entity.
    pub fn same_entity(&self, other: &Self) -> bool {
        match (&self.party, &other.party) {
            (PartyRef::Existing(a), PartyRef::Existing(b)) => a == b,
            (PartyRef::ByName(a), PartyRef::ByName(b)) => normalise_name(a) == normalise_name(b),
            _ => false,
        }
    }
}

impl AgreementPartyDraft {
    /// A party given as `Name:role` (the role after the last colon; `party` when there is
    /// none), as the command line and the import form take it.
    pub fn from_spec(spec: &str) -> Result<Self, ValidationError> {
        let (name, role) = match spec.rsplit_once(':') {
            Some((n, r)) if !r.trim().is_empty() => (n, r.trim()),
            Some((n, _)) => (n, "party"),
            None => (spec, "party"),
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(ValidationError::new(
                "party",
                format!("{spec:?} has no name; give it as \"Name:role\""),
            ));
        }
        Ok(Self {
            legal_name: Some(name.to_owned()),
            role: role.to_owned(),
            ..Self::default()
        })
    }

    /// Validates one party entry.
    pub fn validate(self) -> Result<NewAgreementParty, ValidationErrors> {
        let mut c = Collector::default();
        let party = match (self.party_id.as_deref(), self.legal_name.as_deref()) {
            (Some(id), _) => c
                .take(
                    "party_id",
                    id.parse::<PartyId>()
                        .map_err(|e| ValidationError::new("", e.message)),
                )
                .map(PartyRef::Existing),
            (None, Some(name)) => c
                .take("legal_name", parse_legal_name(name))
                .map(PartyRef::ByName),
            (None, None) => {
                c.push(ValidationError::new(
                    "legal_name",
                    "give a legal_name or a party_id",
                ));
                None
            }
        };
        let role = c.take("role", parse_label(&self.role, 60));
        let short_name = match self.short_name.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => c.take("short_name", parse_label(s, 100)).map(Some),
            None => Some(None),
        };
        let jurisdiction = match self
            .jurisdiction
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            Some(s) => c.take("jurisdiction", parse_label(s, 100)).map(Some),
            None => Some(None),
        };
        c.finish()?;
        match (party, role, short_name, jurisdiction) {
            (Some(party), Some(role), Some(short_name), Some(jurisdiction)) => {
                Ok(NewAgreementParty {
                    party,
                    short_name,
                    role,
                    jurisdiction,
                })
            }
            _ => Err(ValidationError::new("", "invalid party").into()),
        }
    }
}

/// Validates a legal name: 2..=300 characters, not only punctuation.
pub fn parse_legal_name(s: &str) -> Result<String, ValidationError> {
    let t = collapse_ws(s);
    if t.chars().count() < 2 || !t.chars().any(char::is_alphanumeric) {
        return Err(ValidationError::new(
            "",
            format!("{s:?} is not a legal name"),
        ));
    }
    if t.chars().count() > 300 {
        return Err(ValidationError::new("", "must be at most 300 characters"));
    }
    Ok(t)
}

fn parse_label(s: &str, max: usize) -> Result<String, ValidationError> {
    let t = collapse_ws(s);
    if t.is_empty() {
        return Err(ValidationError::new("", "must not be empty"));
    }
    if t.chars().count() > max {
        return Err(ValidationError::new(
            "",
            format!("must be at most {max} characters"),
        ));
    }
    Ok(t)
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The comparison key of a legal name: lowercase, punctuation dropped, so "ACME, Inc." and
/// "Acme Inc" are one party.
pub fn normalise_name(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words a company name may end with that only say what kind of company it is.
const LEGAL_FORMS: &[&str] = &[
    "ab",
    "ag",
    "aps",
    "as",
    "bv",
    "co",
    "company",
    "corp",
    "corporation",
    "gmbh",
    "inc",
    "incorporated",
    "kg",
    "kk",
    "limited",
    "llc",
    "llp",
    "lp",
    "ltd",
    "mbh",
    "nv",
    "oy",
    "plc",
    "pte",
    "pty",
    "sa",
    "sarl",
    "sas",
    "se",
    "spa",
    "srl",
    "ug",
];

/// The key a party's name is compared on when a text names it: case, punctuation and
/// spacing are ignored, and so are a leading "the" and trailing legal-form words, so
/// "the Supplier", "GLOBEX GmbH" and "Globex" meet "Supplier", "Globex GmbH." and "Globex".
/// Never empty for a name with a letter or digit: a name that is only a legal form keeps it.
pub fn match_key(name: &str) -> String {
    let n = normalise_name(name);
    let mut words: Vec<&str> = n.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() > 1 && words.first() == Some(&"the") {
        words.remove(0);
    }
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_FORMS.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_specs_split_at_the_last_colon() {
        let p = AgreementPartyDraft::from_spec("Acme: Europe Ltd:provider").unwrap();
        assert_eq!(p.legal_name.as_deref(), Some("Acme: Europe Ltd"));
        assert_eq!(p.role, "provider");
        assert_eq!(
            AgreementPartyDraft::from_spec("Globex").unwrap().role,
            "party"
        );
        assert!(
            AgreementPartyDraft::from_spec(" :customer")
                .unwrap_err()
                .message
                .contains("no name")
        );
    }

    #[test]
    fn match_keys_ignore_articles_legal_forms_case_and_punctuation() {
        for (a, b) in [
            ("Globex GmbH", "GLOBEX"),
            ("Northwind Systems, Inc.", "northwind systems"),
            ("the Supplier", "Supplier"),
            ("Acme GmbH & Co. KG", "Acme"),
            ("Initech Pty Ltd", "Initech"),
        ] {
            assert_eq!(match_key(a), match_key(b), "{a} / {b}");
        }
        assert_ne!(match_key("Globex"), match_key("Globex Systems"));
        assert_eq!(match_key("Ltd."), "ltd");
        assert_eq!(match_key("The"), "the");
    }

    #[test]
    fn names_differing_in_case_and_punctuation_are_one_party() {
        assert_eq!(normalise_name("ACME, Inc."), normalise_name("Acme  Inc"));
    }

    #[test]
    fn a_party_without_name_or_id_is_rejected() {
        let e = AgreementPartyDraft {
            role: "partner".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.0[0].field, "legal_name");
    }

    #[test]
    fn a_party_without_role_is_rejected() {
        let e = AgreementPartyDraft {
            legal_name: Some("Acme Inc.".into()),
            role: " ".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.0[0].field, "role");
    }
}
