//! Shared request state: the store, analysis limits, and the tenant requests act in until
//! authentication assigns one per user.

use entente_analysis::Limits;
use entente_domain::OrganisationId;
use entente_store::Store;

/// State every handler receives.
#[derive(Clone)]
pub struct AppState {
    /// Persistence.
    pub store: Store,
    /// Upload and parser limits.
    pub limits: Limits,
    /// The tenant API calls act in.
    pub org: OrganisationId,
}
