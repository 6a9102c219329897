//! JSON in one key order: object keys sorted at every level, whatever features the build
//! unified into serde_json (a test-only crate turns on `preserve_order`).

use serde_json::Value;

/// The value with every object's keys in alphabetical order.
pub fn sorted_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted_keys(v)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted_keys).collect()),
        other => other,
    }
}
