//! Who is calling: the `Caller` extractor every handler takes. It accepts a bearer API token
//! or a session cookie (with its CSRF token on state-changing requests), and is the single
//! place permissions are checked.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use entente_core::CoreError;
use entente_core::auth::{SESSION_IDLE_MINUTES, hash_secret};
use entente_domain::access::{Permission, Role};
use entente_store::{Actor, Principal};

/// Header carrying the CSRF token of a cookie session.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// Tenant, name and visibility, for store calls and the audit trail.
    pub(crate) actor: Actor,
    /// Role in the tenant.
    pub(crate) role: Role,
    /// The principal behind the request.
    pub(crate) principal: Principal,
    /// The session secret's hash, when authenticated by cookie.
    pub(crate) session_hash: Option<String>,
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

    /// Refuses, with 403, a caller who may not see what the organisation keeps to itself
    /// (findings, risk, approvals, watchers, alerts …), then requires `p`. For collections and
    /// writes: the refusal is the same whatever exists, so it reveals nothing.
    pub(crate) fn require_internal(&self, p: Permission) -> Result<&Actor, ApiError> {
        if !self.role.allows(Permission::ReadInternal) {
            return Err(CoreError::Forbidden(format!(
                "this is internal to the organisation; the {} role sees only the agreement's \
                 text, its own party's obligations, key dates and what is shared with it",
                self.role.as_str()
            ))
            .into());
        }
        self.require(p)
    }

    /// Like [`Caller::require_internal`] for a read of one internal item (`entity` `id`, e.g.
    /// the approval rounds of an agreement): a caller without `ReadInternal` is told it does
    /// not exist (404), so whether we keep one does not leak.
    pub(crate) fn require_internal_item(
        &self,
        p: Permission,
        entity: &'static str,
        id: impl std::fmt::Display,
    ) -> Result<&Actor, ApiError> {
        if !self.role.allows(Permission::ReadInternal) {
            return Err(CoreError::NotFound {
                entity,
                id: id.to_string(),
            }
            .into());
        }
        self.require(p)
    }
}

fn unauthorized(msg: &str) -> ApiError {
    CoreError::Unauthorized(msg.to_owned()).into()
}

/// The token of an `Authorization: Bearer <token>` value. The scheme name is case-insensitive
/// (RFC 9110, section 11.1), so `bearer` and `BEARER` are read as well.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

/// The value of a cookie in the request, if present.
pub(crate) fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';').map(str::trim).find_map(|kv| {
                kv.strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('='))
            })
        })
}

/// Where a cookie session's CSRF token is looked for on a state-changing request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CsrfProof<'a> {
    /// The `x-csrf-token` header (the JSON API).
    Header,
    /// The header, or else this value from a submitted HTML form's `csrf` field (the web UI).
    HeaderOrForm(Option<&'a str>),
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Caller::authenticate(parts, state, CsrfProof::Header).await
    }
}

impl Caller {
    /// Authenticates a request by bearer token or session cookie; a cookie session's
    /// state-changing request must carry its CSRF token where `csrf` says.
    pub(crate) async fn authenticate(
        parts: &Parts,
        state: &AppState,
        csrf: CsrfProof<'_>,
    ) -> Result<Self, ApiError> {
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token =
                auth.to_str().ok().and_then(bearer_token).ok_or_else(|| {
                    unauthorized("the Authorization header must be `Bearer <token>`")
                })?;
            let source = client_ip(parts, state).map(|ip| ip.to_string());
            let principal = state
                .store
                .token_principal(&hash_secret(token.trim()), source.as_deref())
                .await
                .map_err(CoreError::from)?
                .ok_or_else(|| unauthorized("the API token is unknown, expired or revoked"))?;
            return Ok(Caller {
                actor: principal.actor(),
                role: principal.role,
                principal,
                session_hash: None,
            });
        }
        let Some(secret) = cookie(parts, state.session_cookie_name()) else {
            return Err(unauthorized(
                "authentication required: log in or send `Authorization: Bearer <token>`",
            ));
        };
        let hash = hash_secret(secret);
        let principal = state
            .store
            .session_principal(&hash)
            .await
            .map_err(CoreError::from)?
            .ok_or_else(|| unauthorized("the session has ended; log in again"))?;
        let now = state.store.now().jiff();
        let idle = principal
            .last_seen
            .map_or(i64::MAX, |t| now.duration_since(t.jiff()).as_secs());
        if idle > SESSION_IDLE_MINUTES * 60 {
            state
                .store
                .end_session(&hash)
                .await
                .map_err(CoreError::from)?;
            return Err(unauthorized(
                "the session timed out after inactivity; log in again",
            ));
        }
        // Cookies ride along on cross-site requests; a state-changing request must also prove
        // it came from our pages by echoing the session's CSRF token.
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let header = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            let sent = match csrf {
                CsrfProof::Header => header,
                CsrfProof::HeaderOrForm(form) => header.or(form),
            };
            let expected = principal.csrf.as_deref();
            if sent.is_none() || sent != expected {
                return Err(CoreError::Forbidden(format!(
                    "missing or wrong {CSRF_HEADER} header (CSRF protection)"
                ))
                .into());
            }
        }
        // One write a minute at most keeps the idle clock without a write per request.
        if idle >= 60 {
            state
                .store
                .touch_session(&hash)
                .await
                .map_err(CoreError::from)?;
        }
        Ok(Caller {
            actor: principal.actor(),
            role: principal.role,
            principal,
            session_hash: Some(hash),
        })
    }
}

/// The client's address: from the configured proxy header when the server sits behind a load
/// balancer, else the TCP peer (absent only when the router runs without a listener).
pub(crate) fn client_ip(parts: &Parts, state: &AppState) -> Option<std::net::IpAddr> {
    let from_header = state.client_ip_header.as_ref().and_then(|name| {
        let v = parts
            .headers
            .get_all(name)
            .iter()
            .next_back()?
            .to_str()
            .ok()?;
        // X-Forwarded-For lists every hop; the right-most one is what our proxy saw.
        v.rsplit(',').next()?.trim().parse().ok()
    });
    from_header.or_else(|| {
        parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
    })
}

/// The client's address as an extractor (see [`client_ip`]).
pub(crate) struct ClientIp(pub(crate) Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts, state)))
    }
}

/// Counts an attempt on a credential route (sign-in, reset and invitation links) against the
/// client address's limit. An address on hold is refused from this instance's memory, without
/// the database or Argon2; a new hold from the database is remembered.
pub(crate) async fn limit_address(
    state: &AppState,
    peer: Option<std::net::IpAddr>,
) -> Result<(), ApiError> {
    let Some(ip) = peer else { return Ok(()) };
    if let Some(retry_after) = state.login_limiter.held(ip) {
        return Err(CoreError::Throttled {
            message: format!(
                "too many sign-in attempts from this address; try again in {retry_after} s"
            ),
            retry_after,
        }
        .into());
    }
    if let Err(e) = entente_core::auth::check_address(&state.store, ip).await {
        if let CoreError::Throttled { retry_after, .. } = &e {
            state.login_limiter.hold(ip, *retry_after);
        }
        return Err(e.into());
    }
    Ok(())
}
