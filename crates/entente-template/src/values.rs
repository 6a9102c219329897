//! Typed template variables: what each type accepts, how a value is checked (dates, ISO 4217
//! currencies, non-negative money, party lists of 2..n) and how it reads in a contract.

use entente_domain::{Currency, Date, Money, Period};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A variable's type, with its constraints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum VarType {
    /// Free text.
    Text {
        /// At most this many characters (default 500).
        #[serde(default)]
        max_length: Option<usize>,
    },
    /// A party: legal name, short name, jurisdiction, address, notice e-mail.
    Party,
    /// Parties, at least `min` (default 2) and at most `max`.
    Parties {
        /// Fewest parties.
        #[serde(default)]
        min: Option<usize>,
        /// Most parties.
        #[serde(default)]
        max: Option<usize>,
    },
    /// A calendar date (`2027-03-01`).
    Date,
    /// A period (`3 years`, `90 days`, `P6M`).
    Duration,
    /// An amount with an ISO 4217 currency (`{ amount = "250000", currency = "EUR" }` or
    /// `"EUR 250000"`), never negative.
    Money,
    /// A percentage from 0 to 100.
    Percentage,
    /// A decimal number, optionally bounded.
    Number {
        /// Smallest allowed.
        #[serde(default)]
        min: Option<String>,
        /// Largest allowed.
        #[serde(default)]
        max: Option<String>,
    },
    /// One of a list of values.
    Enum {
        /// The allowed values.
        values: Vec<String>,
    },
    /// Yes or no.
    Boolean,
    /// A list of short texts.
    List {
        /// Fewest items (default 0).
        #[serde(default)]
        min: Option<usize>,
    },
}

/// A party as a template uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyValue {
    /// Registered legal name.
    pub legal_name: String,
    /// The defined short name used in the text ("Northwind").
    pub short_name: String,
    /// Where it is incorporated ("England and Wales", "Germany", "Delaware").
    pub jurisdiction: String,
    /// Registered address, where notices go.
    pub address: String,
    /// E-mail address for notices.
    pub notice_email: String,
    /// Legal form as the preamble states it ("a company incorporated in England and Wales");
    /// default: "a company organised under the laws of {jurisdiction}".
    #[serde(default)]
    pub description: Option<String>,
    /// Country, for rules such as arbitration between parties in different countries;
    /// default: the jurisdiction.
    #[serde(default)]
    pub country: Option<String>,
}

/// A checked value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text (also an enum's value).
    Text(String),
    /// One party.
    Party(PartyValue),
    /// Parties.
    Parties(Vec<PartyValue>),
    /// A date.
    Date(Date),
    /// A period.
    Duration(Period),
    /// Money.
    Money(Money),
    /// A percentage.
    Percentage(Decimal),
    /// A number.
    Number(Decimal),
    /// Yes or no.
    Boolean(bool),
    /// Short texts.
    List(Vec<String>),
}

fn as_str(v: &serde_json::Value) -> Result<String, String> {
    match v {
        serde_json::Value::String(s) => Ok(s.trim().to_owned()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("expected text, got {other}")),
    }
}

fn decimal(v: &serde_json::Value) -> Result<Decimal, String> {
    let s = as_str(v)?;
    Decimal::from_str(&s.replace([',', '_'], "")).map_err(|_| format!("{s:?} is not a number"))
}

fn party(v: &serde_json::Value) -> Result<PartyValue, String> {
    let p: PartyValue = serde_json::from_value(v.clone()).map_err(|e| {
        format!(
            "a party needs legal_name, short_name, jurisdiction, address and notice_email ({e})"
        )
    })?;
    for (name, value) in [
        ("legal_name", &p.legal_name),
        ("short_name", &p.short_name),
        ("jurisdiction", &p.jurisdiction),
        ("address", &p.address),
        ("notice_email", &p.notice_email),
    ] {
        if value.trim().is_empty() {
            return Err(format!("{name} must not be empty"));
        }
        if value.chars().count() > 300 {
            return Err(format!("{name} must be at most 300 characters"));
        }
    }
    entente_domain::party::parse_legal_name(&p.legal_name)
        .map_err(|e| format!("legal_name: {}", e.message))?;
    let email = p.notice_email.trim();
    let ok = email.split_once('@').is_some_and(|(u, d)| {
        !u.is_empty()
            && d.contains('.')
            && !d.starts_with('.')
            && !email.contains(char::is_whitespace)
    });
    if !ok {
        return Err(format!("notice_email {email:?} is not an e-mail address"));
    }
    Ok(p)
}

impl VarType {
    /// Checks a value given for this type; the message says what is wrong (the caller names
    /// the variable).
    pub fn parse(&self, v: &serde_json::Value) -> Result<Value, String> {
        match self {
            Self::Text { max_length } => {
                let s = as_str(v)?;
                let max = max_length.unwrap_or(500);
                if s.is_empty() {
                    Err("must not be empty".into())
                } else if s.chars().count() > max {
                    Err(format!("must be at most {max} characters"))
                } else {
                    Ok(Value::Text(s))
                }
            }
            Self::Party => party(v).map(Value::Party),
            Self::Parties { min, max } => {
                let items = v
                    .as_array()
                    .ok_or_else(|| format!("expected a list of parties, got {v}"))?;
                let min = min.unwrap_or(2);
                if items.len() < min {
                    return Err(format!("needs at least {min} parties, got {}", items.len()));
                }
                if let Some(max) = max
                    && items.len() > *max
                {
                    return Err(format!("takes at most {max} parties, got {}", items.len()));
                }
                let mut out = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    out.push(party(it).map_err(|e| format!("party {}: {e}", i + 1))?);
                }
                let mut names: Vec<_> = out.iter().map(|p| p.short_name.to_lowercase()).collect();
                names.sort();
                if names.windows(2).any(|w| w[0] == w[1]) {
                    return Err("two parties have the same short_name".into());
                }
                Ok(Value::Parties(out))
            }
            Self::Date => Date::parse(&as_str(v)?)
                .map(Value::Date)
                .map_err(|e| e.message),
            Self::Duration => Period::parse(&as_str(v)?)
                .map(Value::Duration)
                .map_err(|e| e.message),
            Self::Money => {
                let (amount, currency) = match v {
                    serde_json::Value::Object(m) => (
                        m.get("amount").map(as_str).transpose()?.unwrap_or_default(),
                        m.get("currency")
                            .map(as_str)
                            .transpose()?
                            .unwrap_or_default(),
                    ),
                    _ => {
                        let s = as_str(v)?;
                        match s.split_once(' ') {
                            Some((c, a))
                                if c.len() == 3 && c.chars().all(|c| c.is_ascii_alphabetic()) =>
                            {
                                (a.trim().to_owned(), c.to_owned())
                            }
                            _ => {
                                return Err(format!(
                                    "{s:?}: write money as \"EUR 250000\" or {{ amount = \"250000\", currency = \"EUR\" }}"
                                ));
                            }
                        }
                    }
                };
                Currency::parse(&currency).map_err(|e| format!("currency: {}", e.message))?;
                Money::parse(&amount, &currency)
                    .map(Value::Money)
                    .map_err(|e| format!("{}: {}", e.field, e.message))
            }
            Self::Percentage => {
                let s = as_str(v)?;
                let d = decimal(&serde_json::Value::String(
                    s.trim_end_matches('%').trim().to_owned(),
                ))?;
                if d < Decimal::ZERO || d > Decimal::from(100) {
                    return Err(format!("{s} is not a percentage from 0 to 100"));
                }
                Ok(Value::Percentage(d))
            }
            Self::Number { min, max } => {
                let d = decimal(v)?;
                if let Some(m) = min.as_deref().and_then(|m| Decimal::from_str(m).ok())
                    && d < m
                {
                    return Err(format!("must be at least {m}"));
                }
                if let Some(m) = max.as_deref().and_then(|m| Decimal::from_str(m).ok())
                    && d > m
                {
                    return Err(format!("must be at most {m}"));
                }
                Ok(Value::Number(d))
            }
            Self::Enum { values } => {
                let s = as_str(v)?;
                if values.contains(&s) {
                    Ok(Value::Text(s))
                } else {
                    Err(format!("{s:?} is not one of: {}", values.join(", ")))
                }
            }
            Self::Boolean => v
                .as_bool()
                .map(Value::Boolean)
                .ok_or_else(|| format!("expected true or false, got {v}")),
            Self::List { min } => {
                let items = v
                    .as_array()
                    .ok_or_else(|| format!("expected a list, got {v}"))?;
                let mut out = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    let s = as_str(it).map_err(|e| format!("item {}: {e}", i + 1))?;
                    if s.is_empty() || s.chars().count() > 500 {
                        return Err(format!("item {}: must be 1 to 500 characters", i + 1));
                    }
                    out.push(s);
                }
                if out.len() < min.unwrap_or(0) {
                    return Err(format!("needs at least {} items", min.unwrap_or(0)));
                }
                Ok(Value::List(out))
            }
        }
    }
}

/// A number in words with its figure, as contracts write it: `ninety (90)`.
pub fn in_words(n: u32) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    fn words(n: u32) -> String {
        match n {
            0..=19 => ONES[n as usize].to_owned(),
            20..=99 => {
                let t = TENS[(n / 10) as usize];
                if n.is_multiple_of(10) {
                    t.to_owned()
                } else {
                    format!("{t}-{}", ONES[(n % 10) as usize])
                }
            }
            100..=999 => {
                let h = format!("{} hundred", ONES[(n / 100) as usize]);
                if n.is_multiple_of(100) {
                    h
                } else {
                    format!("{h} and {}", words(n % 100))
                }
            }
            _ => n.to_string(),
        }
    }
    if n > 999 {
        return n.to_string();
    }
    format!("{} ({n})", words(n))
}

/// A period as a contract states it: `ninety (90) days`, `three (3) years`.
pub fn period_text(p: Period) -> String {
    let human = p.human();
    let unit = human.split_once(' ').map_or("", |(_, u)| u);
    format!("{} {unit}", in_words(p.count()))
}

/// A date as the text states it: `1 March 2027`.
pub fn date_text(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!(
        "{day} {} {y}",
        entente_domain::time::MONTHS[(m - 1) as usize]
    )
}

/// A percentage as text: `12.5%`.
pub fn percent_text(d: Decimal) -> String {
    format!("{}%", d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_read_as_contracts_write_them() {
        assert_eq!(in_words(90), "ninety (90)");
        assert_eq!(in_words(1), "one (1)");
        assert_eq!(in_words(180), "one hundred and eighty (180)");
        assert_eq!(in_words(21), "twenty-one (21)");
        assert_eq!(
            period_text(Period::parse("3 years").unwrap()),
            "three (3) years"
        );
        assert_eq!(
            date_text(Date::parse("2027-03-01").unwrap()),
            "1 March 2027"
        );
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        let money = VarType::Money;
        assert!(money.parse(&json!("XYZ 100")).unwrap_err().contains("XYZ"));
        assert!(
            money
                .parse(&json!({"amount": "-5", "currency": "EUR"}))
                .unwrap_err()
                .contains("negative")
        );
        assert_eq!(
            money.parse(&json!("EUR 1,000")).unwrap(),
            Value::Money(Money::parse("1000", "EUR").unwrap())
        );
        let parties = VarType::Parties {
            min: Some(3),
            max: None,
        };
        let p = json!({"legal_name": "A Ltd", "short_name": "A", "jurisdiction": "England", "address": "1 St", "notice_email": "a@a.com"});
        let q = json!({"legal_name": "B Ltd", "short_name": "B", "jurisdiction": "England", "address": "1 St", "notice_email": "b@b.com"});
        assert!(
            parties
                .parse(&json!([p, q]))
                .unwrap_err()
                .contains("at least 3")
        );
        assert!(VarType::Date.parse(&json!("2027-02-31")).is_err());
        assert!(VarType::Percentage.parse(&json!("120%")).is_err());
        assert!(
            VarType::Party
                .parse(&json!({"legal_name": "A"}))
                .unwrap_err()
                .contains("short_name")
        );
    }
}
