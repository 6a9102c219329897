//! Account endpoints: login/logout (cookie sessions with CSRF tokens), the caller's identity,
//! API tokens (shown once, stored hashed), members and roles, per-agreement access.

use crate::AppState;
use crate::auth::{CSRF_HEADER, Caller, ClientIp};
use crate::error::{AppJson, AppPath, Result};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use entente_core::CoreError;
use entente_domain::access::{Permission, Role};
use entente_domain::{AgreementId, OrganisationId, PartyId, UserId};
use entente_store::{Affiliation, Handover, Invitation, Member, Principal, TokenInfo};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, logout))
        .routes(routes!(logout_everywhere))
        .routes(routes!(switch_organisation))
        .routes(routes!(me))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_users, add_user))
        .routes(routes!(set_user_role, remove_user))
        .routes(routes!(send_reset_link))
        .routes(routes!(reset_password))
        .routes(routes!(change_password))
        .routes(routes!(email_alerts, set_email_alerts))
        .routes(routes!(list_invitations))
        .routes(routes!(revoke_invitation))
        .routes(routes!(accept_invitation))
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
    /// Every organisation the person belongs to (a session can switch to any of them with
    /// `POST /api/session/organisation`); for an API token, only its own.
    organisations: Vec<Affiliation>,
}

/// Who `principal` is, with the organisations they belong to.
async fn identity(s: &AppState, principal: &Principal, role: Role) -> Result<Identity> {
    Ok(Identity {
        user_id: principal.user_id,
        email: principal.email.clone(),
        organisation_id: principal.org,
        role,
        csrf_token: principal.csrf.clone(),
        // A token is scoped to one tenant: it does not reveal the owner's other ones.
        organisations: s
            .store
            .user_organisations(principal.user_id)
            .await?
            .into_iter()
            .filter(|a| principal.token.is_none() || a.organisation_id == principal.org)
            .collect(),
    })
}

pub(crate) fn session_cookie(s: &AppState, value: &str, max_age: i64) -> Result<HeaderValue> {
    let name = s.session_cookie_name();
    let secure = if s.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .map_err(|_| CoreError::internal("cookie value is not a valid header").into())
}

#[utoipa::path(post, path = "/api/session", tag = "access", security(()), request_body = LoginRequest,
    responses((status = 200, body = Identity, description = "sets the session cookie"), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
async fn login(
    State(s): State<AppState>,
    ClientIp(peer): ClientIp,
    AppJson(body): AppJson<LoginRequest>,
) -> Result<Response> {
    crate::auth::limit_address(&s, peer).await?;
    let attempt = entente_core::auth::LoginAttempt {
        email: &body.email,
        password: &body.password,
        organisation: body.organisation.as_deref(),
        source: peer,
    };
    let l = entente_core::auth::login(&s.store, attempt).await?;
    let cookie = session_cookie(
        &s,
        &l.session,
        entente_core::auth::SESSION_ABSOLUTE_HOURS * 3600,
    )?;
    let id = identity(&s, &l.principal, l.principal.role).await?;
    let mut res = Json(id).into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

/// Which organisation to work in.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganisationChoice {
    /// The organisation's slug (one of `organisations` in `GET /api/me`).
    #[schema(min_length = 1, max_length = 100)]
    organisation: String,
}

#[utoipa::path(post, path = "/api/session/organisation", tag = "access", request_body = OrganisationChoice,
    description = "Moves the signed-in session to another organisation the person belongs to. The session cookie and CSRF token are replaced (the old ones stop working); both organisations' audit trails record the move. API tokens belong to one organisation and get 403.",
    responses((status = 200, body = Identity, description = "sets the new session cookie"), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn switch_organisation(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(body): AppJson<OrganisationChoice>,
) -> Result<Response> {
    let (l, cookie) = switch(&s, &caller, &body.organisation).await?;
    let id = identity(&s, &l.principal, l.principal.role).await?;
    let mut res = Json(id).into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

/// Switches the caller's session to the organisation `slug`; returns the new login and the
/// cookie that carries it (shared by the API and the web UI).
pub(crate) async fn switch(
    s: &AppState,
    caller: &Caller,
    slug: &str,
) -> Result<(entente_core::auth::Login, HeaderValue)> {
    let l = entente_core::auth::switch_organisation(
        &s.store,
        &caller.principal,
        caller.session_hash.as_deref(),
        slug,
    )
    .await?;
    let cookie = session_cookie(
        s,
        &l.session,
        entente_core::auth::SESSION_ABSOLUTE_HOURS * 3600,
    )?;
    Ok((l, cookie))
}

/// Ends the caller's session (if they signed in with one) and records the sign-out; the API's
/// logout and the web UI's sign-out both go through here.
pub(crate) async fn sign_out(s: &AppState, caller: &Caller) -> Result<()> {
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
    Ok(())
}

#[utoipa::path(delete, path = "/api/session", tag = "access", responses((status = 204, description = "clears the session cookie")))]
async fn logout(State(s): State<AppState>, caller: Caller) -> Result<Response> {
    sign_out(&s, &caller).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&s, "", 0)?);
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
async fn me(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Json<Identity>> {
    let _ = headers.get(CSRF_HEADER);
    Ok(Json(identity(&s, &caller.principal, caller.role).await?))
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
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    name: String,
    /// Role (default: yours; never above yours).
    #[serde(default)]
    role: Option<Role>,
    /// Days until it expires (1 to 3650; default: the server's token lifetime, 90 days unless
    /// configured otherwise).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
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

/// An invitation to join the organisation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct NewUser {
    #[schema(value_type = entente_domain::schema::EmailAddress)]
    email: String,
    /// Display name (for an address without an account).
    #[serde(default)]
    name: Option<String>,
    role: Role,
    /// For counterparty users: their party.
    #[serde(default)]
    party_id: Option<PartyId>,
}

/// The e-mail delivery invitations and reset links need, or a 409 that says what to do.
fn mailer(s: &AppState) -> Result<&crate::scheduler::Mailer> {
    s.mailer.as_ref().ok_or_else(|| {
        CoreError::Conflict(
            "e-mail delivery is not configured (ENTENTE_SMTP_HOST): invitations and reset links \
             are sent only by e-mail; from the shell use `entente admin invite` or \
             `entente admin set-password`"
                .into(),
        )
        .into()
    })
}

async fn send(s: &AppState, to: &str, subject: &str, body: &str) -> Result<()> {
    let (id, _) = entente_core::auth::new_secret("mail")?;
    mailer(s)?
        .send(to, subject, body, &id)
        .await
        .map_err(|e| CoreError::internal(format!("e-mail to a member failed: {e}")).into())
}

/// Invites someone: the link goes by e-mail to the address only, and the answer is the same
/// whether or not the address has an account anywhere.
#[utoipa::path(post, path = "/api/users", tag = "access", request_body = NewUser,
    responses((status = 202, body = Invitation, description = "invitation sent by e-mail"), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn add_user(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    AppJson(b): AppJson<NewUser>,
) -> Result<(StatusCode, Json<Invitation>)> {
    let actor = caller.require(Permission::ManageUsers)?;
    mailer(&s)?;
    let (inv, secret) = entente_core::account::invite(
        &s.store,
        actor,
        &b.email,
        b.name.as_deref().unwrap_or_default(),
        b.role,
        b.party_id,
    )
    .await?;
    let body = format!(
        "{} invited you to Entente as {}.\n\nAccept within {} days: {}/invitation?token={secret}\n\n\
         If you already have an Entente account with this address, accept with its password.\n",
        caller.principal.email,
        inv.role.as_str(),
        entente_core::account::INVITATION_DAYS,
        s.base_url(&headers),
    );
    send(&s, &inv.email, "Invitation to Entente", &body).await?;
    Ok((StatusCode::ACCEPTED, Json(inv)))
}

#[utoipa::path(get, path = "/api/invitations", tag = "access", responses((status = 200, body = Vec<Invitation>)))]
async fn list_invitations(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Invitation>>> {
    let actor = caller.require(Permission::ManageUsers)?;
    Ok(Json(s.store.list_invitations(actor).await?))
}

#[utoipa::path(delete, path = "/api/invitations/{id}", tag = "access", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
async fn revoke_invitation(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::ManageUsers)?;
    s.store.revoke_invitation(actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accepting an invitation from its link.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct Acceptance {
    /// The token from the link.
    token: String,
    /// The password of the existing account with the invited address, or the new account's.
    password: String,
}

/// The member an accepted invitation made.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Joined {
    user_id: UserId,
}

#[utoipa::path(post, path = "/api/invitations/accept", tag = "access", security(()), request_body = Acceptance,
    responses((status = 200, body = Joined), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem),
        (status = 429, description = "too many attempts from this address; `Retry-After` says when to try again", body = crate::error::Problem)))]
async fn accept_invitation(
    State(s): State<AppState>,
    ClientIp(peer): ClientIp,
    AppJson(b): AppJson<Acceptance>,
) -> Result<Json<Joined>> {
    crate::auth::limit_address(&s, peer).await?;
    let user_id = entente_core::account::accept_invitation(&s.store, &b.token, &b.password).await?;
    Ok(Json(Joined { user_id }))
}

/// A change to a member: role, or disabled (sign-in refused, sessions and tokens ended).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct MemberChange {
    #[serde(default)]
    role: Option<Role>,
    #[serde(default)]
    disabled: Option<bool>,
}

#[utoipa::path(patch, path = "/api/users/{id}", tag = "access", params(("id" = UserId, Path)), request_body = MemberChange,
    responses((status = 200, body = Member, description = "the member as changed"), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
async fn set_user_role(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<UserId>,
    AppJson(b): AppJson<MemberChange>,
) -> Result<Json<Member>> {
    let actor = caller.require(Permission::ManageUsers)?;
    // An empty change changes nothing, like any PATCH without fields; the member must still
    // exist.
    if let Some(role) = b.role {
        s.store.set_member_role(actor, id, role).await?;
    }
    if let Some(disabled) = b.disabled {
        s.store.set_member_disabled(actor, id, disabled).await?;
        tracing::info!(user.id = %id, disabled, "member access changed");
    }
    let member = s
        .store
        .list_members(actor)
        .await?
        .into_iter()
        .find(|m| m.user_id == id)
        .ok_or_else(|| CoreError::NotFound {
            entity: "user",
            id: id.to_string(),
        })?;
    Ok(Json(member))
}

/// Whom a removed member's agreements, obligations and watches pass to.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RemoveQuery {
    /// A member of the organisation (default: nobody; ownerships are cleared).
    #[serde(default)]
    handover_to: Option<UserId>,
}

#[utoipa::path(delete, path = "/api/users/{id}", tag = "access", params(("id" = UserId, Path), RemoveQuery),
    responses((status = 200, body = Handover, description = "what was handed over"), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
async fn remove_user(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<UserId>,
    crate::error::AppQuery(q): crate::error::AppQuery<RemoveQuery>,
) -> Result<Json<Handover>> {
    let actor = caller.require(Permission::ManageUsers)?;
    let report = s.store.remove_member(actor, id, q.handover_to).await?;
    tracing::info!(user.id = %id, "member removed");
    Ok(Json(report))
}

/// A password change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct PasswordChange {
    current_password: String,
    new_password: String,
}

#[utoipa::path(put, path = "/api/me/password", tag = "access", request_body = PasswordChange,
    responses((status = 200, body = Ended, description = "the other sessions ended"), (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
async fn change_password(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(b): AppJson<PasswordChange>,
) -> Result<Json<Ended>> {
    caller.require(Permission::Read)?;
    let n = entente_core::account::change_password(
        &s.store,
        &caller.principal,
        caller.session_hash.as_deref(),
        &b.current_password,
        &b.new_password,
    )
    .await?;
    Ok(Json(Ended { sessions: n }))
}

/// Whether the caller gets alert e-mail (the in-app inbox gets every alert either way).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub(crate) struct EmailAlerts {
    /// False after a one-click unsubscribe link was used, or after setting it so.
    enabled: bool,
}

#[utoipa::path(get, path = "/api/me/email-alerts", tag = "alerts",
    responses((status = 200, body = EmailAlerts)))]
async fn email_alerts(State(s): State<AppState>, caller: Caller) -> Result<Json<EmailAlerts>> {
    let actor = caller.require(Permission::Read)?;
    let out = s
        .store
        .opted_out_of_email(actor.org, &caller.principal.email)
        .await?;
    Ok(Json(EmailAlerts { enabled: !out }))
}

#[utoipa::path(put, path = "/api/me/email-alerts", tag = "alerts", request_body = EmailAlerts,
    responses((status = 200, body = EmailAlerts)))]
async fn set_email_alerts(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(b): AppJson<EmailAlerts>,
) -> Result<Json<EmailAlerts>> {
    let actor = caller.require(Permission::Read)?;
    let email = &caller.principal.email;
    if b.enabled {
        s.store.opt_in_to_email(actor, email).await?;
    } else {
        s.store.opt_out_of_email(actor.org, email).await?;
    }
    Ok(Json(b))
}

/// Where a reset link went.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ResetSent {
    email: String,
    expires_at: entente_domain::Timestamp,
}

#[utoipa::path(post, path = "/api/users/{id}/password-reset", tag = "access", params(("id" = UserId, Path)),
    responses((status = 202, body = ResetSent, description = "a single-use link was e-mailed to the member"), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
async fn send_reset_link(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    AppPath(id): AppPath<UserId>,
) -> Result<(StatusCode, Json<ResetSent>)> {
    let actor = caller.require(Permission::ManageUsers)?;
    // Another tenant's user does not exist here, whatever the mail set-up.
    ensure_member(&s, actor, id).await?;
    mailer(&s)?;
    let (email, secret, expires_at) =
        entente_core::account::create_reset_link(&s.store, actor, id).await?;
    let body = format!(
        "An administrator ({}) sent you a link to set a new Entente password.\n\n\
         It works once, until {expires_at}: {}/reset-password?token={secret}\n\n\
         Setting the password signs you out everywhere.\n",
        caller.principal.email,
        s.base_url(&headers),
    );
    send(&s, &email, "Set a new Entente password", &body).await?;
    Ok((StatusCode::ACCEPTED, Json(ResetSent { email, expires_at })))
}

/// A new password from a reset link.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct PasswordReset {
    token: String,
    new_password: String,
}

#[utoipa::path(post, path = "/api/password-reset", tag = "access", security(()), request_body = PasswordReset,
    responses((status = 204), (status = 422, body = crate::error::Problem),
        (status = 429, description = "too many attempts from this address; `Retry-After` says when to try again", body = crate::error::Problem)))]
async fn reset_password(
    State(s): State<AppState>,
    ClientIp(peer): ClientIp,
    AppJson(b): AppJson<PasswordReset>,
) -> Result<StatusCode> {
    crate::auth::limit_address(&s, peer).await?;
    entente_core::account::reset_password(&s.store, &b.token, &b.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who may see a restricted agreement.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct AccessList {
    /// Users granted access (at most 1000); empty makes the agreement visible to every member
    /// again.
    #[schema(max_items = 1000)]
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
    entente_domain::error::check_len("user_ids", b.user_ids.len(), 1000)?;
    s.store.set_agreement_access(actor, id, &b.user_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A user who is not a member of the actor's tenant does not exist here (404).
async fn ensure_member(s: &AppState, actor: &entente_store::Actor, id: UserId) -> Result<()> {
    if s.store
        .list_members(actor)
        .await?
        .iter()
        .any(|m| m.user_id == id)
    {
        Ok(())
    } else {
        Err(CoreError::NotFound {
            entity: "user",
            id: id.to_string(),
        }
        .into())
    }
}
