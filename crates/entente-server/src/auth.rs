//! Who is calling: the `Caller` extractor every handler takes, carrying the tenant-scoped
//! actor and role, and the single place permissions are checked.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use entente_core::CoreError;
use entente_domain::access::{Permission, Role};
use entente_store::Actor;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// Tenant and name, for store calls and the audit trail.
    pub(crate) actor: Actor,
    /// Role in the tenant.
    pub(crate) role: Role,
}

impl Caller {
    /// Refuses the request unless the caller's role grants `p`.
    pub(crate) fn require(&self, p: Permission) -> Result<&Actor, ApiError> {
        if self.role.allows(p) {
            Ok(&self.actor)
        } else {
            Err(CoreError::Forbidden(format!(
                "the {} role may not do this ({p:?})",
                self.role.as_str()
            ))
            .into())
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(
        _parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Until accounts exist every request acts as the server's operator in its tenant.
        Ok(Caller {
            actor: Actor::new(state.org, "api"),
            role: Role::Admin,
        })
    }
}
