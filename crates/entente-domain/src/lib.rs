//! Entente's domain model: agreements, parties, clauses, terms with provenance, obligations
//! and audit events, as typed values whose constructors enforce the rules. No I/O lives here;
//! the one read of the outside world is the system time, in `Clock::system`.

/// Implements the OpenAPI schema of a type that serialises as a plain string.
#[macro_export]
macro_rules! string_schema {
    ($t:ty, $desc:expr, $example:expr) => {
        impl utoipa::PartialSchema for $t {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some($desc))
                    .examples([serde_json::json!($example)])
                    .into()
            }
        }
        impl utoipa::ToSchema for $t {}
    };
}

pub mod access;
pub mod agreement;
pub mod alerting;
pub mod amendment;
pub mod approval;
pub mod audit;
pub mod calendar;
pub mod clause;
pub mod clock;
pub mod dispute;
pub mod document;
pub mod error;
pub mod id;
pub mod keydates;
pub mod lifecycle;
pub mod measurement;
pub mod money;
pub mod obligation;
pub mod occurrence;
pub mod party;
pub mod period;
pub mod redline;
pub mod taxonomy;
pub mod terms;
pub mod time;

pub use agreement::{AgreementKind, AgreementStatus, Tag, Title};
pub use clock::Clock;
pub use error::{ValidationError, ValidationErrors};
pub use id::*;
pub use money::{Currency, Money};
pub use period::{Period, PeriodUnit};
pub use time::{Date, Timestamp};
