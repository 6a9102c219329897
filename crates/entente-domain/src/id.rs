//! Typed identifiers: one newtype per entity so an `AgreementId` can never be passed where
//! a `PartyId` is expected. UUIDv7 keeps them time-ordered, which keeps indexes compact.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! typed_id {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered identifier.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
            /// Wraps an existing UUID.
            pub fn from_uuid(u: uuid::Uuid) -> Self {
                Self(u)
            }
            /// The underlying UUID.
            pub fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }
        }

        crate::string_schema!(
            $name,
            "UUID",
            "0193a5f4-7c1e-7b3a-9a51-2f7c1d9e0a11",
            format(crate::known_format(utoipa::openapi::schema::KnownFormat::Uuid))
        );

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = crate::ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s.trim()).map(Self).map_err(|_| {
                    crate::ValidationError::new("id", format!("{s:?} is not a valid {} (expected a UUID)", stringify!($name)))
                })
            }
        }
    )*};
}

typed_id!(
    /// A tenant.
    OrganisationId,
    /// A user account.
    UserId,
    /// A cooperation agreement.
    AgreementId,
    /// A legal entity that is party to agreements.
    PartyId,
    /// One stored version of an agreement's document.
    VersionId,
    /// A clause segmented from a version.
    ClauseId,
    /// A duty one party owes under an agreement.
    ObligationId,
    /// An entry of the audit trail.
    AuditEventId,
    /// An amendment of an agreement.
    AmendmentId,
    /// A party's signature on a version.
    SignatureId,
    /// A scheduled or completed review.
    ReviewId,
    /// A termination notice.
    TerminationId,
    /// A dispute under an agreement.
    DisputeId,
);
