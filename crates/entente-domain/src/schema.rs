//! Schema-only types for the OpenAPI document: request fields that arrive as plain strings and
//! are checked by a parser name one of these as their `value_type`, so the document states
//! what the parser accepts.

/// An e-mail address as [`crate::agreement::parse_owner`] accepts it, stated for printable
/// ASCII so its length in bytes stays within 254. A pattern rather than `format: email`: that
/// format refuses addresses the parser takes.
pub struct EmailAddress;

/// The pattern of [`EmailAddress`]: a local part, `@`, and a domain with a dot that does not
/// start with one.
pub const EMAIL_PATTERN: &str = "^[!-?A-~]{1,64}@[!-,/-?A-~-][!-?A-~]{0,120}\\.[!-?A-~]{1,60}$";

crate::string_schema!(
    EmailAddress,
    "an e-mail address",
    "legal@example.com",
    pattern(Some(EMAIL_PATTERN))
);

/// An e-mail address, or the empty string where a field is cleared with one.
pub struct EmailOrEmpty;

crate::string_schema!(
    EmailOrEmpty,
    "an e-mail address, or the empty string to clear the field",
    "legal@example.com",
    pattern(Some(
        "^$|^[!-?A-~]{1,64}@[!-,/-?A-~-][!-?A-~]{0,120}\\.[!-?A-~]{1,60}$"
    ))
);
