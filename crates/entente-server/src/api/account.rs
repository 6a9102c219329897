//! Account endpoints: login/logout (cookie sessions with CSRF tokens), the caller's identity,
//! API tokens (shown once, stored hashed), members and roles, per-agreement access.

use crate::AppState;
use crate::auth::{CSRF_HEADER, Caller, ClientIp, SESSION_COOKIE};
use crate::error::{ApiError, AppJson, AppPath, Result};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use entente_core::CoreError;
use entente_domain::access::{Permission, Role};
use entente_domain::{AgreementId, OrganisationId, PartyId, UserId};
use entente_store::{Member, TokenInfo};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, logout))
        .routes(routes!(logout_everywhere))
        .routes(routes!(me))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_users, add_user))
        .routes(routes!(set_user_role))
        .routes(routes!(set_agreement_access))
}

/// Credentials.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct LoginRequest {
    email: String,
    password: String,
    /// Organisation slug (default: the user's first).
    #[serde(default)]
    organisation: Option<String>,
}

/// Who the caller is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Identity {
    user_id: UserId,
    email: String,
    organisation_id: OrganisationId,
    role: Role,
    /// For cookie sessions: send this in the `x-csrf-token` header on every POST/PUT/PATCH/DELETE.
    #[serde(skip_serializing_if = "Option::is_none")]
    csrf_token: Option<String>,
}

fn session_cookie(value: &str, secure: bool, max_age: i64) -> Result<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .map_err(|_| CoreError::Internal("cookie value is not a valid header".into()).into())
}

#[utoipa::path(post, path = "/api/session", tag = "access", request_body = LoginRequest,
    responses((status = 200, body = Identity, description = "sets the session cookie"), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
async fn login(
    State(s): State<AppState>,
    ClientIp(peer): ClientIp,
    AppJson(body): AppJson<LoginRequest>,
) -> Result<Response> {
    // An address already on hold is refused here without touching the database or Argon2.
    if let Some(retry_after) = peer.and_then(|ip| s.login_limiter.held(ip)) {
        return Err(CoreError::Throttled {
            message: format!(
                "too many sign-in attempts from this address; try again in {retry_after} s"
            ),
            retry_after,
        }
        .into());
    }
    if let Some(ip) = peer
        && let Err(e) = entente_core::auth::check_address(&s.store, ip).await
    {
        if let CoreError::Throttled { retry_after, .. } = &e {
            s.login_limiter.hold(ip, *retry_after);
        }
        return Err(e.into());
    }
    let attempt = entente_core::auth::LoginAttempt {
        email: &body.email,
        password: &body.password,
        organisation: body.organisation.as_deref(),
        source: peer,
    };
    let l = entente_core::auth::login(&s.store, attempt).await?;
    let cookie = session_cookie(
        &l.session,
        s.secure_cookies,
        entente_core::auth::SESSION_ABSOLUTE_HOURS * 3600,
    )?;
    let id = Identity {
        user_id: l.principal.user_id,
        email: l.principal.email.clone(),
        organisation_id: l.principal.org,
        role: l.principal.role,
        csrf_token: Some(l.csrf),
    };
    let mut res = Json(id).into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

#[utoipa::path(delete, path = "/api/session", tag = "access", responses((status = 204, description = "clears the session cookie")))]
async fn logout(State(s): State<AppState>, caller: Caller) -> Result<Response> {
    if let Some(h) = &caller.session_hash {
        s.store.end_session(h).await?;
        s.store
            .record_security_event(
                &caller.actor,
                "session.logout",
                "user",
                &caller.principal.user_id.to_string(),
                serde_json::json!({}),
            )
            .await?;
        tracing::info!(user.id = %caller.principal.user_id, "signed out");
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", s.secure_cookies, 0)?);
    Ok(res)
}

/// How many sessions were ended.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Ended {
    sessions: u64,
}

#[utoipa::path(delete, path = "/api/sessions", tag = "access", responses((status = 200, body = Ended)))]
async fn logout_everywhere(State(s): State<AppState>, caller: Caller) -> Result<Json<Ended>> {
    let actor = caller.require(Permission::Read)?;
    let n = s
        .store
        .end_all_sessions(actor, caller.principal.user_id)
        .await?;
    Ok(Json(Ended { sessions: n }))
}

#[utoipa::path(get, path = "/api/me", tag = "access", responses((status = 200, body = Identity), (status = 401, body = crate::error::Problem)))]
async fn me(caller: Caller, headers: HeaderMap) -> Json<Identity> {
    let _ = headers.get(CSRF_HEADER);
    Json(Identity {
        user_id: caller.principal.user_id,
        email: caller.principal.email.clone(),
        organisation_id: caller.principal.org,
        role: caller.role,
        csrf_token: caller.principal.csrf.clone(),
    })
}

#[utoipa::path(get, path = "/api/tokens", tag = "access", responses((status = 200, body = Vec<TokenInfo>)))]
async fn list_tokens(State(s): State<AppState>, caller: Caller) -> Result<Json<Vec<TokenInfo>>> {
    // Administrators see every token of the tenant; everyone else their own.
    let actor = caller.require(Permission::Read)?;
    let owner = (!caller.role.allows(Permission::ManageUsers)).then_some(caller.principal.user_id);
    Ok(Json(s.store.list_tokens(actor, owner).await?))
}

/// A token request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct NewToken {
    /// What it is for.
    name: String,
    /// Role (default: yours; never above yours).
    #[serde(default)]
    role: Option<Role>,
    /// Days until it expires (1 to 3650; default: the server's token lifetime, 90 days unless
    /// configured otherwise).
    #[serde(default)]
    expires_in_days: Option<u32>,
}

/// A new token: its secret is shown only here.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CreatedToken {
    id: String,
    token: String,
}

#[utoipa::path(post, path = "/api/tokens", tag = "access", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 422, body = crate::error::Problem)))]
async fn create_token(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(b): AppJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>)> {
    // Anyone may make a token for themselves; it can never outrank them.
    let actor = caller.require(Permission::Read)?;
    let (id, token) = entente_core::auth::create_token(
        &s.store,
        actor,
        &caller.principal,
        &b.name,
        b.role,
        Some(b.expires_in_days.unwrap_or(s.token_days)),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { id, token })))
}

#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "access", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
async fn revoke_token(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<StatusCode> {
    // Administrators revoke any token of the tenant; everyone else their own (another's
    // token is not found, so its id reveals nothing).
    let owner = (!caller.role.allows(Permission::ManageUsers)).then_some(caller.principal.user_id);
    s.store.revoke_token(&caller.actor, &id, owner).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/users", tag = "access", responses((status = 200, body = Vec<Member>)))]
async fn list_users(State(s): State<AppState>, caller: Caller) -> Result<Json<Vec<Member>>> {
    let actor = caller.require(Permission::ManageUsers)?;
    Ok(Json(s.store.list_members(actor).await?))
}

/// A new member.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct NewUser {
    email: String,
    /// Display name.
    #[serde(default)]
    name: Option<String>,
    /// Initial password (required for a new account; at least 12 characters).
    #[serde(default)]
    password: Option<String>,
    role: Role,
    /// For counterparty users: their party.
    #[serde(default)]
    party_id: Option<PartyId>,
}

#[utoipa::path(post, path = "/api/users", tag = "access", request_body = NewUser,
    responses((status = 201, body = Member), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn add_user(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(b): AppJson<NewUser>,
) -> Result<(StatusCode, Json<Member>)> {
    let actor = caller.require(Permission::ManageUsers)?;
    let hash = b
        .password
        .as_deref()
        .map(entente_core::auth::hash_password)
        .transpose()?;
    let name = b.name.clone().unwrap_or_else(|| b.email.clone());
    let id = s
        .store
        .add_member(actor, &b.email, &name, hash.as_deref(), b.role, b.party_id)
        .await?;
    let m = s
        .store
        .list_members(actor)
        .await?
        .into_iter()
        .find(|m| m.user_id == id)
        .ok_or_else(|| ApiError::from(CoreError::Internal("new member vanished".into())))?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// A role change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct RoleChange {
    role: Role,
}

#[utoipa::path(patch, path = "/api/users/{id}", tag = "access", params(("id" = UserId, Path)), request_body = RoleChange,
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
async fn set_user_role(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<UserId>,
    AppJson(b): AppJson<RoleChange>,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::ManageUsers)?;
    s.store.set_member_role(actor, id, b.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who may see a restricted agreement.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct AccessList {
    /// Users granted access; empty makes the agreement visible to every member again.
    user_ids: Vec<UserId>,
}

#[utoipa::path(put, path = "/api/agreements/{id}/access", tag = "access", params(("id" = AgreementId, Path)), request_body = AccessList,
    responses((status = 204), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn set_agreement_access(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(b): AppJson<AccessList>,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::Govern)?;
    s.store.set_agreement_access(actor, id, &b.user_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}
