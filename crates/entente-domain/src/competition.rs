//! Whether the parties to an agreement compete, in which markets and with what combined share:
//! the context a person enters so the competition-law screen can judge block exemptions.

use crate::error::{Collector, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether the parties compete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rivalry {
    /// They do not compete, actually or potentially.
    None,
    /// They are active in the same market.
    Actual,
    /// One could enter the other's market within a short time (Horizontal Guidelines).
    Potential,
}

impl Rivalry {
    /// Every value.
    pub const ALL: [Rivalry; 3] = [Self::None, Self::Actual, Self::Potential];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Actual => "actual",
            Self::Potential => "potential",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let t = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == t)
            .ok_or_else(|| {
                ValidationError::new("", format!("{s:?} is not one of none, actual, potential"))
            })
    }

    /// The parties compete, actually or potentially.
    pub fn competing(self) -> bool {
        self != Self::None
    }
}

impl fmt::Display for Rivalry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A combined market share in percent, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct MarketShare(f64);

impl MarketShare {
    /// A share from 0 to 100 (percent).
    pub fn parse(v: f64) -> Result<Self, ValidationError> {
        if v.is_finite() && (0.0..=100.0).contains(&v) {
            Ok(Self(v))
        } else {
            Err(ValidationError::new(
                "",
                format!("{v} is not a share from 0 to 100 (percent)"),
            ))
        }
    }

    /// The percentage.
    pub fn percent(self) -> f64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for MarketShare {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        Self::parse(v).map_err(|e| serde::de::Error::custom(e.message))
    }
}

impl fmt::Display for MarketShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.0)
    }
}

/// The competitor context of one agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CompetitorContext {
    /// Whether the parties compete.
    pub competing: Rivalry,
    /// The markets in which they compete (or could), as the person names them.
    pub markets: Vec<String>,
    /// Their combined share of the relevant market, in percent, when known.
    pub combined_share: Option<MarketShare>,
}

/// The competitor context as entered (API body, CLI flags, web form), before validation.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct CompetitorInput {
    /// `none`, `actual` or `potential`.
    pub competing: Option<String>,
    /// Markets (non-empty names).
    #[serde(default)]
    pub markets: Vec<String>,
    /// Combined market share, 0 to 100 (percent).
    pub combined_share: Option<f64>,
}

impl TryFrom<CompetitorInput> for CompetitorContext {
    type Error = ValidationErrors;

    fn try_from(i: CompetitorInput) -> Result<Self, ValidationErrors> {
        let mut c = Collector::default();
        let competing = match i.competing.as_deref() {
            None => {
                c.push(ValidationError::new(
                    "competing",
                    "required: none, actual or potential",
                ));
                None
            }
            Some(s) => c.take("competing", Rivalry::parse(s)),
        };
        let mut markets = Vec::new();
        for (k, m) in i.markets.iter().enumerate() {
            let t = m.split_whitespace().collect::<Vec<_>>().join(" ");
            if t.is_empty() {
                c.push(ValidationError::new(
                    format!("markets[{k}]"),
                    "a market needs a name, e.g. \"fleet telematics software, EEA\"",
                ));
            } else if t.chars().count() > 200 {
                c.push(ValidationError::new(
                    format!("markets[{k}]"),
                    "a market name has at most 200 characters",
                ));
            } else if !markets.contains(&t) {
                markets.push(t);
            }
        }
        if competing.is_some_and(Rivalry::competing) && i.markets.is_empty() {
            c.push(ValidationError::new(
                "markets",
                "name at least one market in which the parties compete",
            ));
        }
        let combined_share = match i.combined_share {
            Some(v) => c.take("combined_share", MarketShare::parse(v)),
            None => None,
        };
        c.finish()?;
        Ok(Self {
            competing: competing.unwrap_or(Rivalry::None),
            markets,
            combined_share,
        })
    }
}

impl CompetitorContext {
    /// One line for people: "actual competitors in fleet software (EEA); combined share 30 %".
    pub fn summary(&self) -> String {
        let mut s = match self.competing {
            Rivalry::None => "the parties do not compete".to_owned(),
            Rivalry::Actual => "actual competitors".to_owned(),
            Rivalry::Potential => "potential competitors".to_owned(),
        };
        if !self.markets.is_empty() {
            s.push_str(&format!(" in {}", self.markets.join("; ")));
        }
        if let Some(share) = self.combined_share {
            s.push_str(&format!("; combined share {share}"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(competing: &str, markets: &[&str], share: Option<f64>) -> CompetitorInput {
        CompetitorInput {
            competing: Some(competing.into()),
            markets: markets.iter().map(|m| (*m).to_owned()).collect(),
            combined_share: share,
        }
    }

    #[test]
    fn a_valid_context_is_kept_with_markets_tidied() {
        let c = CompetitorContext::try_from(input(
            "Actual",
            &["  fleet   software ", "fleet software"],
            Some(30.5),
        ))
        .unwrap();
        assert_eq!(c.competing, Rivalry::Actual);
        assert_eq!(c.markets, ["fleet software"]);
        assert_eq!(c.combined_share.map(MarketShare::percent), Some(30.5));
        assert!(c.summary().contains("combined share 30.5 %"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let e =
            CompetitorContext::try_from(input("rivals", &["ok", " "], Some(101.0))).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["competing", "markets[1]", "combined_share"]);
        let e = CompetitorContext::try_from(input("actual", &[], Some(-1.0))).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["markets", "combined_share"]);
        let e = CompetitorContext::try_from(CompetitorInput::default()).unwrap_err();
        assert_eq!(e.0[0].field, "competing");
    }

    #[test]
    fn non_competitors_need_no_market() {
        let c = CompetitorContext::try_from(input("none", &[], None)).unwrap();
        assert!(!c.competing.competing());
        assert!(serde_json::from_str::<MarketShare>("100.5").is_err());
    }
}
