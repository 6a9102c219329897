//! The pages behind e-mailed links: set a new password from a reset link, accept an
//! invitation, stop alert e-mail (RFC 8058 one-click: a POST without a session). Static forms
//! that post back to their own URL (which carries the token).

use crate::AppState;
use crate::auth::ClientIp;
use crate::error::Result;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

const RESET: &str = include_str!("reset_password.html");
const INVITATION: &str = include_str!("invitation.html");
const UNSUBSCRIBE: &str = include_str!("unsubscribe.html");

fn html(body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn done(title: &str, text: &str) -> Response {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Entente — {title}</title></head>\n\
         <body><h1>{title}</h1><p>{text}</p></body>\n</html>\n"
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

#[derive(Debug, Deserialize)]
pub(crate) struct TokenQuery {
    token: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    password: String,
}

/// A link that is unknown, used or expired is not a page at all (404, as for `/setup`); a
/// person who opens it in a browser reads why in a page, not in a problem document.
fn gone(what: &str) -> Response {
    let mut r = done(
        "This link no longer works",
        &format!("The {what} is unknown, used or expired. Ask your administrator for a new one."),
    );
    *r.status_mut() = axum::http::StatusCode::NOT_FOUND;
    r
}

/// The form `body` while the link is live, else 404.
fn page_if<T>(
    live: std::result::Result<Option<T>, entente_store::StoreError>,
    body: &'static str,
    what: &'static str,
) -> Result<Response> {
    match live {
        Ok(Some(_)) => Ok(html(body)),
        Ok(None) => Ok(gone(what)),
        Err(e) => Err(entente_core::CoreError::from(e).into()),
    }
}

fn token_hash(q: &TokenQuery) -> String {
    entente_core::auth::hash_secret(q.token.trim())
}

pub(crate) async fn reset_page(
    State(s): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    let live = s.store.password_reset_target(&token_hash(&q)).await;
    page_if(live, RESET, "reset link")
}

pub(crate) async fn reset(
    State(s): State<AppState>,
    ClientIp(peer): ClientIp,
    Query(q): Query<TokenQuery>,
    axum::Form(f): axum::Form<PasswordForm>,
) -> Result<Response> {
    crate::auth::limit_address(&s, peer).await?;
    entente_core::account::reset_password(&s.store, &q.token, &f.password).await?;
    Ok(done(
        "Password set",
        "Your new password is in place and you were signed out everywhere. Sign in again.",
    ))
}

pub(crate) async fn invitation_page(
    State(s): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    let live = s.store.pending_invitation(&token_hash(&q)).await;
    page_if(live, INVITATION, "invitation")
}

pub(crate) async fn accept(
    State(s): State<AppState>,
    ClientIp(peer): ClientIp,
    Query(q): Query<TokenQuery>,
    axum::Form(f): axum::Form<PasswordForm>,
) -> Result<Response> {
    crate::auth::limit_address(&s, peer).await?;
    entente_core::account::accept_invitation(&s.store, &q.token, &f.password).await?;
    Ok(done(
        "Welcome",
        "You are a member now. Sign in with your e-mail address and password.",
    ))
}

/// The unsubscribe page: a button that posts back (a link checker that follows the link
/// changes nothing). A forged or altered link is not a page (404).
pub(crate) async fn unsubscribe_page(
    State(s): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    match entente_core::unsubscribe::verify(&s.store, &q.token).await {
        Ok(_) => Ok(html(UNSUBSCRIBE)),
        Err(entente_core::CoreError::Validation(_)) => Ok(gone("unsubscribe link")),
        Err(e) => Err(e.into()),
    }
}

/// One-click unsubscribe (RFC 8058): mail clients POST `List-Unsubscribe=One-Click` to the
/// link, with no cookie and no CSRF token; the signed token is the credential. The body is
/// not needed, so a bare POST works too. Using a link again is not an error.
pub(crate) async fn unsubscribe(
    State(s): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    match entente_core::unsubscribe::opt_out(&s.store, &q.token).await {
        Ok(email) => Ok(done(
            "Alert e-mail stopped",
            &format!(
                "{} will get no more alert e-mail. Alerts stay in the Entente inbox.",
                escape(&email)
            ),
        )),
        Err(entente_core::CoreError::Validation(_)) => Ok(gone("unsubscribe link")),
        Err(e) => Err(e.into()),
    }
}

/// Escapes text for an HTML page.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
