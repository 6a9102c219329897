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
    /// Session cookies are `Secure` and named `__Host-entente_session` (the default); off
    /// only for plain-HTTP development on loopback.
    pub secure_cookies: bool,
    /// Login attempts per client address.
    pub login_limiter: Arc<LoginLimiter>,
    /// Lifetime of a new API token when the request names none, in days.
    pub token_days: u32,
    /// Behind a load balancer: the header that carries the client's address (for
    /// `X-Forwarded-For`, the right-most entry, which the trusted proxy appended). Unset: the
    /// TCP peer's address.
    pub client_ip_header: Option<axum::http::HeaderName>,
    /// Sends invitations and password-reset links (none: those need the shell).
    pub(crate) mailer: Option<crate::scheduler::Mailer>,
    /// The address people reach the server at (e.g. `https://entente.example.com`), for links
    /// in e-mails and calendar feeds; unset, the request's Host header is used.
    pub public_url: Option<String>,
    /// Where webhooks may be registered to (public HTTPS only, unless the server runs in
    /// development mode with `--webhooks-allow-private`).
    pub webhook_targets: entente_domain::alerting::WebhookTargets,
}

impl AppState {
    /// State with default limits and policies.
    pub fn new(store: Store, org: OrganisationId) -> Self {
        Self {
            store,
            limits: Limits::default(),
            org,
            secure_cookies: true,
            login_limiter: Arc::new(LoginLimiter::default()),
            token_days: entente_core::auth::DEFAULT_TOKEN_DAYS,
            client_ip_header: None,
            mailer: None,
            public_url: None,
            webhook_targets: entente_domain::alerting::WebhookTargets::PublicHttps,
        }
    }
}

impl AppState {
    /// Sends invitations and reset links through this SMTP server.
    pub fn set_smtp(&mut self, settings: &crate::scheduler::SmtpSettings) -> Result<(), String> {
        self.mailer = Some(crate::scheduler::Mailer::new(settings)?);
        Ok(())
    }

    /// The session cookie's name: the `__Host-` prefix binds it to this host over HTTPS, and
    /// browsers refuse that prefix without `Secure`.
    pub(crate) fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-entente_session"
        } else {
            "entente_session"
        }
    }

    /// The base of absolute links: the public URL, else the request's host (HTTPS when cookies
    /// are Secure and the host is not this machine).
    pub(crate) fn base_url(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(u) = &self.public_url {
            return u.trim_end_matches('/').to_owned();
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let name = host.rsplit_once(':').map_or(host, |(n, _)| n);
        let local = matches!(name, "localhost" | "127.0.0.1" | "[::1]");
        let scheme = if self.secure_cookies && !local {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}")
    }

    /// Takes client addresses from the header `name` (see `client_ip_header`).
    pub fn set_client_ip_header(&mut self, name: &str) -> Result<(), String> {
        let h = axum::http::HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| format!("{name:?} is not a valid header name"))?;
        self.client_ip_header = Some(h);
        Ok(())
    }
}

/// Addresses the database has put on hold for sign-in, remembered by this instance until the
/// hold ends, so a flood from one address is refused without a database round trip. The
/// counting itself is in the database (shared by every instance).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    held: Mutex<HashMap<IpAddr, Instant>>,
}

impl LoginLimiter {
    /// Seconds left on `ip`'s hold, if it is held.
    pub fn held(&self, ip: IpAddr) -> Option<u64> {
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-update; the map is still
        // usable, so recover it rather than fail every login.
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match held.get(&ip) {
            Some(until) if *until > now => Some(until.duration_since(now).as_secs().max(1)),
            Some(_) => {
                held.remove(&ip);
                None
            }
            None => None,
        }
    }

    /// Remembers that `ip` is held for `secs` seconds.
    pub fn hold(&self, ip: IpAddr, secs: u64) {
        let now = Instant::now();
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if held.len() > 10_000 {
            held.retain(|_, until| *until > now);
        }
        held.insert(ip, now + Duration::from_secs(secs));
    }
}
