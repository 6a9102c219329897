//! Small conversions between stored text and domain values, shared by every query module.

use crate::{Result, StoreError};
use entente_domain::{Date, Timestamp};
use std::str::FromStr;

/// Parses a stored id.
pub(crate) fn parse_id<T: FromStr>(s: &str) -> Result<T> {
    s.parse::<T>()
        .map_err(|_| StoreError::Corrupt(format!("bad id {s:?}")))
}

/// Parses a stored timestamp.
pub(crate) fn ts(s: &str) -> Result<Timestamp> {
    Timestamp::parse(s).map_err(|e| StoreError::Corrupt(e.message))
}

/// Parses an optional stored date.
pub(crate) fn opt_date(s: Option<String>) -> Result<Option<Date>> {
    s.map(|d| Date::parse(&d).map_err(|e| StoreError::Corrupt(e.message)))
        .transpose()
}

/// Parses stored JSON.
pub(crate) fn json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("bad JSON {s:?}: {e}")))
}

/// Serialises to stored JSON (infallible for our plain data types).
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

/// A `like … escape '\'` pattern matching `s` (trimmed, lower-cased) anywhere in a value.
/// `%`, `_` and the escape character itself are escaped so they match literally: a search
/// for "100%" finds "100% uptime", not every title with "100" in it.
pub(crate) fn like_contains(s: &str) -> String {
    let mut out = String::from("%");
    for c in s.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
