//! Use-case errors: what the caller should fix (validation, unreadable document), what is
//! missing or conflicting, and internal failures whose detail is only logged.

use entente_domain::ValidationErrors;
use entente_store::StoreError;

/// A failed use-case.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Input breaks a rule; each error names its field.
    #[error("{0}")]
    Validation(ValidationErrors),
    /// The document cannot be read. Transparent: the message is the ingest error's own, once
    /// (a `{0}` message with the error also as source printed it twice in a cause chain).
    #[error(transparent)]
    Document(#[from] entente_analysis::IngestError),
    /// Not found in this tenant.
    #[error("{entity} {id} not found")]
    NotFound {
        /// Entity type.
        entity: &'static str,
        /// Id.
        id: String,
    },
    /// No valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Too many attempts; the client may retry after `retry_after` seconds.
    #[error("{message}")]
    Throttled {
        /// What was refused and why.
        message: String,
        /// Seconds to wait (sent as `Retry-After`).
        retry_after: u64,
    },
    /// The caller's role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// Conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// Anything else (database down, corrupt data); logged, not shown to clients.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => Self::NotFound { entity, id },
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Invalid(v) => Self::Validation(v),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<ValidationErrors> for CoreError {
    fn from(e: ValidationErrors) -> Self {
        Self::Validation(e)
    }
}

impl From<entente_domain::ValidationError> for CoreError {
    fn from(e: entente_domain::ValidationError) -> Self {
        Self::Validation(e.into())
    }
}
