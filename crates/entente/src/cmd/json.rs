//! JSON as the CLI prints it: object keys in alphabetical order at every level, whatever
//! features the build unified into serde_json (a test-only crate turns on `preserve_order`).

use serde::Serialize;
use serde_json::Value;

fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Indented, keys sorted.
pub(crate) fn pretty<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&sorted(serde_json::to_value(v)?))
}

/// One line, keys sorted.
pub(crate) fn compact<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    serde_json::to_string(&sorted(serde_json::to_value(v)?))
}
