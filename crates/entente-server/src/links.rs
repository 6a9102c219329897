//! The pages behind e-mailed links: set a new password from a reset link, accept an
//! invitation. Static forms that post back to their own URL (which carries the token).

use crate::AppState;
use crate::auth::ClientIp;
use crate::error::Result;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

const RESET: &str = include_str!("reset_password.html");
const INVITATION: &str = include_str!("invitation.html");

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
