//! Shared request state: the store, analysis limits, the default tenant, cookie policy and
//! the login rate limiter.

use entente_analysis::Limits;
use entente_domain::OrganisationId;
use entente_store::Store;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// State every handler receives.
#[derive(Clone)]
pub struct AppState {
    /// Persistence.
    pub store: Store,
    /// Upload and parser limits.
    pub limits: Limits,
    /// The installation's default tenant (first-run setup creates its administrator).
    pub org: OrganisationId,
    /// Mark cookies `Secure` (set when served over TLS).
    pub secure_cookies: bool,
    /// Login attempts per client address.
    pub login_limiter: Arc<LoginLimiter>,
    /// Lifetime of a new API token when the request names none, in days.
    pub token_days: u32,
}

impl AppState {
    /// State with default limits and policies.
    pub fn new(store: Store, org: OrganisationId) -> Self {
        Self {
            store,
            limits: Limits::default(),
            org,
            secure_cookies: false,
            login_limiter: Arc::new(LoginLimiter::default()),
            token_days: entente_core::auth::DEFAULT_TOKEN_DAYS,
        }
    }
}

/// A fixed-window limiter: at most `max` login attempts per address per minute. Per instance;
/// the per-account lockout in the database holds across instances.
#[derive(Debug)]
pub struct LoginLimiter {
    max: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self {
            max: 20,
            window: Duration::from_secs(60),
            seen: Mutex::new(HashMap::new()),
        }
    }
}

impl LoginLimiter {
    /// Counts an attempt; false when the address is over its budget.
    pub fn allow(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still usable, so recover them rather than fail every login.
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() > 10_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let e = seen.entry(ip).or_insert((now, 0));
        if now.duration_since(e.0) >= self.window {
            *e = (now, 0);
        }
        e.1 += 1;
        e.1 <= self.max
    }
}
