//! Entente's domain model: agreements, parties, clauses, terms with provenance, obligations
//! and audit events, as typed values whose constructors enforce the rules. No I/O lives here;
//! the one read of the outside world is the system time, in `Clock::system`.

/// Implements the OpenAPI schema of a type that serialises as a plain string. Further
/// `ObjectBuilder` calls (format, pattern, enum values, lengths) state what the type's parser
/// accepts, so generated clients and contract tests send values it takes.
#[macro_export]
macro_rules! string_schema {
    ($t:ty, $desc:expr, $example:expr $(, $method:ident($($arg:expr),*))* $(,)?) => {
        impl utoipa::PartialSchema for $t {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some($desc))
                    .examples([serde_json::json!($example)])
                    $(.$method($($arg),*))*
                    .into()
            }
        }
        impl utoipa::ToSchema for $t {}
    };
}

/// A `format` for [`string_schema!`].
#[doc(hidden)]
pub fn known_format(
    f: utoipa::openapi::schema::KnownFormat,
) -> Option<utoipa::openapi::schema::SchemaFormat> {
    Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(f))
}

pub mod access;
pub mod agreement;
pub mod alert;
pub mod alerting;
pub mod amendment;
pub mod approval;
pub mod audit;
pub mod calendar;
pub mod clause;
pub mod clock;
pub mod competition;
pub mod completeness;
pub mod csv;
pub mod dispute;
pub mod document;
pub mod error;
pub mod id;
pub mod json;
pub mod keydates;
pub mod lifecycle;
pub mod measurement;
pub mod money;
pub mod obligation;
pub mod occurrence;
pub mod party;
pub mod period;
pub mod query;
pub mod reconcile;
pub mod redline;
pub mod schema;
pub mod taxonomy;
pub mod term_schema;
pub mod terms;
pub mod time;

pub use agreement::{AgreementKind, AgreementStatus, Tag, Title};
pub use clock::Clock;
pub use error::{ValidationError, ValidationErrors};
pub use id::*;
pub use money::{Currency, Money};
pub use period::{Period, PeriodUnit};
pub use time::{Date, Timestamp};
