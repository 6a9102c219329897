//! First run: an installation without users prints a one-time link; this page creates the
//! first administrator from it. There is no default password.

use crate::AppState;
use crate::error::{ApiError, Result};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use entente_core::CoreError;
use serde::Deserialize;

/// The setup form. Static HTML: the form posts back to the same URL, which carries the token.
const PAGE: &str = include_str!("setup.html");

/// Answers 404 unless `token` is a live setup link of an installation without users: the
/// route is gone once an administrator exists, and a wrong token costs no hashing.
async fn require_live_link(s: &AppState, token: &str) -> Result<()> {
    let hash = entente_core::auth::hash_secret(token);
    if s.store
        .setup_token_valid(&hash)
        .await
        .map_err(CoreError::from)?
    {
        Ok(())
    } else {
        Err(CoreError::NotFound {
            entity: "setup link",
            id: "(unknown, used or expired, or an administrator exists)".into(),
        }
        .into())
    }
}

pub(crate) async fn setup_page(
    State(s): State<AppState>,
    Query(q): Query<SetupQuery>,
) -> Result<Response> {
    require_live_link(&s, &q.token).await?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct SetupQuery {
    token: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SetupForm {
    email: String,
    name: String,
    password: String,
}

pub(crate) async fn complete_setup(
    State(s): State<AppState>,
    Query(q): Query<SetupQuery>,
    axum::Form(f): axum::Form<SetupForm>,
) -> Result<Response> {
    require_live_link(&s, &q.token).await?;
    // The e-mail is checked before the slow hash, and the store checks it again before it
    // uses up the link.
    entente_domain::agreement::parse_owner(&f.email)
        .map_err(|e| CoreError::from(e.within("email")))?;
    let hash = entente_core::auth::hash_new_password(&f.password, &f.email).await?;
    s.store
        .complete_setup(
            s.org,
            &entente_core::auth::hash_secret(&q.token),
            &f.email,
            &f.name,
            &hash,
        )
        .await
        .map_err(|e| ApiError::from(CoreError::from(e)))?;
    Ok(Redirect::to("/setup/done").into_response())
}

pub(crate) async fn setup_done() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("setup_done.html"),
    )
        .into_response()
}
