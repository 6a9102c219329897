//! Validation errors that name the field at fault, so every edge (CLI, API) can say
//! exactly what to fix.

use serde::Serialize;

/// One rejected value: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, utoipa::ToSchema)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// Dotted path of the field, e.g. `parties[1].legal_name` or `terms.liability_cap.currency`.
    pub field: String,
    /// Human-readable reason.
    pub message: String,
}

impl ValidationError {
    /// Builds an error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Prefixes the field path, used when a nested value is validated inside a larger one.
    #[must_use]
    pub fn within(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_owned()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

/// Every problem found in one input; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl From<ValidationError> for ValidationErrors {
    fn from(e: ValidationError) -> Self {
        Self(vec![e])
    }
}

/// Collects field errors while a larger value is built, so one response lists them all.
#[derive(Debug, Default)]
pub struct Collector(Vec<ValidationError>);

impl Collector {
    /// Keeps the value or records the error (prefixed with `field`).
    pub fn take<T>(&mut self, field: &str, r: Result<T, ValidationError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e.within(field));
                None
            }
        }
    }

    /// Records an error directly.
    pub fn push(&mut self, e: ValidationError) {
        self.0.push(e);
    }

    /// Ends collection: `Ok(())` if nothing was recorded.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(self.0))
        }
    }
}

/// Refuses a collection of `len` items above `max`, naming `field`. Callers check every
/// collection's size before doing any per-item work, so an oversized request costs nothing.
pub fn check_len(field: &str, len: usize, max: usize) -> Result<(), ValidationError> {
    if len > max {
        return Err(ValidationError::new(
            field,
            format!("at most {max} items are accepted, got {len}"),
        ));
    }
    Ok(())
}
