//! Money as an exact decimal amount with an ISO 4217 currency. No floats anywhere near it.

use crate::ValidationError;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Active ISO 4217 alphabetic codes (list of 2025), sorted for binary search.
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW",
    "ZWG",
];

/// An ISO 4217 currency code such as `EUR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a code, case-insensitively; unknown codes are rejected.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let up = s.trim().to_ascii_uppercase();
        if ISO_4217.binary_search(&up.as_str()).is_ok() {
            let b = up.as_bytes();
            Ok(Self([b[0], b[1], b[2]]))
        } else {
            Err(ValidationError::new(
                "",
                format!(
                    "{:?} is not an ISO 4217 currency code (e.g. USD, EUR, GBP)",
                    s.trim()
                ),
            ))
        }
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // Only ASCII letters from ISO_4217 are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// An exact amount of a currency. Amounts are non-negative: contracts state caps, fees and
/// values, never debts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Money {
    /// Decimal amount, serialised as a string to keep it exact.
    #[schema(value_type = String, example = "500000.00", pattern = "^[0-9]{1,18}(\\.[0-9]{1,8})?$")]
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: Currency,
}

impl Money {
    /// Builds an amount from its textual parts; the error names `amount` or `currency`.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, ValidationError> {
        let currency = Currency::parse(currency).map_err(|e| e.within("currency"))?;
        let cleaned: String = amount
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != '_')
            .collect();
        let amount = Decimal::from_str(&cleaned).map_err(|_| {
            ValidationError::new("amount", format!("{amount:?} is not a decimal number"))
        })?;
        Self::new(amount, currency)
    }

    /// Checks the amount is non-negative.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, ValidationError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(ValidationError::new("amount", "must not be negative"));
        }
        Ok(Self { amount, currency })
    }
}

impl Money {
    /// The amount as people read it in a sentence, thousands grouped: `EUR 100,000`.
    pub fn grouped(&self) -> String {
        let text = self.amount.normalize().to_string();
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let mut out = String::with_capacity(text.len() + text.len() / 3);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        format!("{} {out}", self.currency)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount)
    }
}

crate::string_schema!(
    Currency,
    "ISO 4217 currency code",
    "EUR",
    enum_values(Some(ISO_4217.iter().copied()))
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_list_is_sorted_so_binary_search_works() {
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn grouped_amounts_read_like_a_sentence() {
        let g = |a: &str| Money::parse(a, "EUR").unwrap().grouped();
        assert_eq!(g("100000"), "EUR 100,000");
        assert_eq!(g("1200000.50"), "EUR 1,200,000.5");
        assert_eq!(g("999"), "EUR 999");
        assert_eq!(g("1000"), "EUR 1,000");
    }

    #[test]
    fn unknown_currency_is_rejected_and_named() {
        let e = Money::parse("100", "XYZ").unwrap_err();
        assert_eq!(e.field, "currency");
        assert!(e.message.contains("XYZ"));
    }

    #[test]
    fn amounts_stay_exact() {
        let m = Money::parse("1,000,000.10", "eur").unwrap();
        assert_eq!(m.to_string(), "EUR 1000000.10");
        assert!(Money::parse("-5", "USD").is_err());
        assert_eq!(Money::parse("ten", "USD").unwrap_err().field, "amount");
    }
}
