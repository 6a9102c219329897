//! What the story tests share: the contract texts in tests/corpus/lifecycle and date literals.
#![allow(dead_code)] // Each test binary uses its own part.

use entente_domain::Date;

/// The bytes of `tests/corpus/lifecycle/NAME.txt`.
pub(crate) fn lifecycle(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/lifecycle")
        .join(format!("{name}.txt"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A date literal.
pub(crate) fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}
