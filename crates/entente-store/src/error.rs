//! Store errors: what callers can act on (not found, conflict, invalid) apart from
//! database failures, which carry their cause for the log only.

use entente_domain::ValidationErrors;

/// A failed store call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The entity does not exist in this tenant.
    #[error("{entity} {id} not found")]
    NotFound {
        /// Entity type.
        entity: &'static str,
        /// Id as given.
        id: String,
    },
    /// The caller's role may not do this (answered before the input is looked at).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A uniqueness rule or a concurrent change prevents the write.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input breaks a domain rule.
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    /// Bad configuration (URL, data directory).
    #[error("{0}")]
    Config(String),
    /// Stored data that cannot be read back (should never happen; reported, not hidden).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Migration failure.
    #[error("migration failed: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

// The wrapped errors are converted by hand rather than with `#[from]`, which would also make
// them the error's source: each message already includes its cause, and a cause chain printed
// in full (`{:#}`) would then repeat it ("invalid input: X: X").
impl From<ValidationErrors> for StoreError {
    fn from(e: ValidationErrors) -> Self {
        Self::Invalid(e)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Self::Migrate(e)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        Self::Database(e)
    }
}

impl StoreError {
    /// Not-found helper.
    pub(crate) fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Self::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    /// Maps a unique-constraint violation to `Conflict` with `msg`; other errors pass through.
    pub(crate) fn on_unique(e: sqlx::Error, msg: &str) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return Self::Conflict(msg.to_owned());
        }
        Self::Database(e)
    }
}

impl From<entente_domain::ValidationError> for StoreError {
    fn from(e: entente_domain::ValidationError) -> Self {
        Self::Invalid(e.into())
    }
}
