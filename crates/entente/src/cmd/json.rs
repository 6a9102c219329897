//! JSON as the CLI prints it: object keys in alphabetical order at every level, whatever
//! features the build unified into serde_json (a test-only crate turns on `preserve_order`).

use entente_domain::json::sorted_keys as sorted;
use serde::Serialize;

/// Indented, keys sorted.
pub(crate) fn pretty<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&sorted(serde_json::to_value(v)?))
}

/// One line, keys sorted.
pub(crate) fn compact<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    serde_json::to_string(&sorted(serde_json::to_value(v)?))
}
