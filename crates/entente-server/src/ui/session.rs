//! Signing in and out with the same session cookie, throttling and audit events as
//! `POST /api/session` and `DELETE /api/session`.

use super::{Bare, Posted, UiResult, Viewer, render, see_other};
use crate::AppState;
use crate::auth::{Caller, ClientIp, CsrfProof};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use entente_core::CoreError;
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "signin.html")]
struct SigninPage {
    bare: Bare,
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<&'static str>,
    first_run: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SigninQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// Only a path on this site may follow sign-in (no `//host`, no scheme): no open redirect.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

async fn first_run(s: &AppState) -> bool {
    s.store.count_users().await.map(|n| n == 0).unwrap_or(false)
}

pub(crate) async fn signin_page(
    State(s): State<AppState>,
    Query(q): Query<SigninQuery>,
    parts: axum::http::request::Parts,
) -> Response {
    // Someone already signed in goes straight on.
    if Caller::authenticate(&parts, &s, CsrfProof::Header)
        .await
        .is_ok()
    {
        return see_other(&safe_next(q.next.as_deref()));
    }
    render(SigninPage {
        bare: Bare::default(),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
        notice: q.signed_out.map(|_| "You have signed out."),
        first_run: first_run(&s).await,
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct SigninForm {
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub(crate) async fn signin(
    State(s): State<AppState>,
    ClientIp(peer): ClientIp,
    axum::Form(f): axum::Form<SigninForm>,
) -> UiResult {
    let next = safe_next(f.next.as_deref());
    let attempt = async {
        crate::auth::limit_address(&s, peer)
            .await
            .map_err(crate::error::ApiError::into_core)?;
        entente_core::auth::login(
            &s.store,
            entente_core::auth::LoginAttempt {
                email: &f.email,
                password: &f.password,
                organisation: None,
                source: peer,
            },
        )
        .await
    };
    match attempt.await {
        Ok(l) => {
            let cookie = crate::api::account::session_cookie(
                &s,
                &l.session,
                entente_core::auth::SESSION_ABSOLUTE_HOURS * 3600,
            )?;
            let mut res = see_other(&next);
            res.headers_mut().insert(header::SET_COOKIE, cookie);
            Ok(res)
        }
        Err(e @ (CoreError::Unauthorized(_) | CoreError::Throttled { .. })) => {
            let status = match &e {
                CoreError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            let error = match e {
                CoreError::Throttled { message, .. } => message,
                _ => "The e-mail or password is not right.".to_owned(),
            };
            let page = SigninPage {
                bare: Bare::default(),
                email: f.email.clone(),
                next,
                error: Some(error),
                notice: None,
                first_run: false,
            };
            Ok((status, render(page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct NoFields {}

pub(crate) async fn signout(
    State(s): State<AppState>,
    Posted {
        viewer,
        form: NoFields {},
    }: Posted<NoFields>,
) -> UiResult {
    let Viewer { caller, .. } = viewer;
    crate::api::account::sign_out(&s, &caller).await?;
    let mut res = see_other("/signin?signed_out=1");
    res.headers_mut().insert(
        header::SET_COOKIE,
        crate::api::account::session_cookie(&s, "", 0)?,
    );
    Ok(res)
}

#[derive(Debug, Deserialize)]
pub(crate) struct SwitchForm {
    organisation: String,
}

/// Moves the session to another of the person's organisations and opens its dashboard (the
/// page they were on may not exist there).
pub(crate) async fn switch_organisation(
    State(s): State<AppState>,
    Posted { viewer, form }: Posted<SwitchForm>,
) -> UiResult {
    let (_, cookie) = crate::api::account::switch(&s, &viewer.caller, &form.organisation).await?;
    let mut res = see_other("/");
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_follow_sign_in() {
        for (next, want) in [
            (
                Some("/agreements?kind=alliance"),
                "/agreements?kind=alliance",
            ),
            (Some("//evil.example/x"), "/"),
            (Some("https://evil.example/"), "/"),
            (Some("/\\evil.example"), "/"),
            (None, "/"),
        ] {
            assert_eq!(safe_next(next), want, "{next:?}");
        }
    }
}
