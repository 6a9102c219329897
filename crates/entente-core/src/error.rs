//! Use-case errors: what the caller should fix (validation, unreadable document), what is
//! missing or conflicting, and internal failures whose cause chain is only logged.

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
    /// Anything else (database down, corrupt data). The cause, with its own chain of causes,
    /// is the error's `source`: logged once where the error leaves the program (the server's
    /// error mapping, the CLI's message), never shown to API clients.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl CoreError {
    /// An internal failure caused by `cause` (an error, or a message saying what broke).
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Self::Internal(cause.into())
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => Self::NotFound { entity, id },
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Invalid(v) => Self::Validation(v),
            other => Self::Internal(Box::new(other)),
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
