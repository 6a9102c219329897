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

/// For logs: `error: its cause: the cause's cause…`, each message once. A `CoreError`'s own
/// message says only what kind of failure it is; the detail is in its chain.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(e) = next {
        let text = e.to_string();
        // A wrapper that repeats its source's message (`{0}`) adds nothing to the chain.
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = e.source();
    }
    out
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => Self::NotFound { entity, id },
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Forbidden(m) => Self::Forbidden(m),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    /// An error with a message and an optional cause, for building chains.
    #[derive(Debug)]
    struct Link(&'static str, Option<Box<Link>>);

    impl std::fmt::Display for Link {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Link {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[test]
    fn the_logged_cause_names_every_link_of_the_chain_once() {
        let io = Link("connection reset by peer", None);
        let db = Link("database error", Some(Box::new(io)));
        let e = CoreError::internal(db);
        let CoreError::Internal(cause) = &e else {
            unreachable!()
        };
        assert_eq!(
            error_chain(cause.as_ref()),
            "database error: connection reset by peer"
        );
        assert_eq!(
            error_chain(&e),
            "internal error: database error: connection reset by peer"
        );
        // A wrapper whose message already ends with its source's is not repeated.
        let repeated = Link(
            "pool timed out: connection reset by peer",
            Some(Box::new(Link("connection reset by peer", None))),
        );
        assert_eq!(
            error_chain(&repeated),
            "pool timed out: connection reset by peer"
        );
    }

    #[test]
    fn an_internal_error_keeps_its_cause_as_source() {
        let e = CoreError::from(StoreError::Corrupt("term row 7 has no value".into()));
        assert_eq!(e.to_string(), "internal error");
        let cause = e.source().expect("the store error is the source");
        assert!(cause.downcast_ref::<StoreError>().is_some());
        assert_eq!(
            cause.to_string(),
            "stored data is corrupt: term row 7 has no value"
        );
        let e = CoreError::internal("the demo manifest is invalid");
        assert_eq!(
            e.source().map(ToString::to_string).as_deref(),
            Some("the demo manifest is invalid")
        );
    }
}
