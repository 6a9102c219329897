//! The web UI: pages rendered on the server from askama templates (checked at compile time,
//! escaped by default), over the same store and core calls as the JSON API. Every page works
//! without JavaScript; htmx (vendored, embedded) only enhances. The strict CSP holds: no
//! inline script or style, one stylesheet and one script of our own origin.
//!
//! Plumbing for pages lives here: the signed-in [`Viewer`] extractor (no session: a redirect
//! to the sign-in page), [`Posted`] for form posts (CSRF token in a hidden `csrf` field),
//! the layout's [`Shell`], the error page and the static assets. See `docs/ui.md`.

mod agreement;
mod assets;
mod calendar;
mod chart;
mod dashboard;
mod draft;
mod inbox;
mod obligation;
mod redline;
mod review;
mod risk;
mod session;

use crate::AppState;
use crate::auth::{Caller, CsrfProof};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use entente_core::CoreError;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The UI's routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::dashboard))
        .route("/signin", get(session::signin_page).post(session::signin))
        .route("/signout", post(session::signout))
        .route("/agreements", get(agreement::list))
        .route("/agreements.csv", get(agreement::csv))
        .route("/agreements/{id}", get(agreement::show))
        .route("/agreements/{id}/terms/{field}", post(agreement::set_term))
        .route(
            "/agreements/{id}/competitors",
            post(agreement::set_competitors),
        )
        .route("/agreements/{id}/redline", get(redline::redline))
        .route("/agreements/{id}/positions", post(draft::switch_position))
        .route("/drafts/new", get(draft::new_draft).post(draft::submit))
        .route("/drafts/preview", post(draft::preview))
        .route(
            "/agreements/{id}/obligations/{oid}/occurrences/{due}/done",
            // An evidence file may be up to 20 MiB (the store's limit), plus room for the form.
            post(obligation::mark_done)
                .layer(axum::extract::DefaultBodyLimit::max(21 * 1024 * 1024)),
        )
        .route(
            "/agreements/{id}/obligations/{oid}/occurrences/{due}/waive",
            post(obligation::waive),
        )
        .route(
            "/agreements/{id}/obligations/{oid}/measurements",
            post(obligation::measure),
        )
        .route("/alerts", get(inbox::inbox))
        .route("/organisation", post(session::switch_organisation))
        .route("/calendar", get(calendar::calendar))
        .route("/risk", get(risk::risk))
        .route("/review", get(review::review))
        .route("/review/{id}/{field}", post(review::confirm))
        .route("/agreements/{id}/calendar", post(review::set_calendar))
        .route("/calendar-feed", post(calendar::personal_feed))
        .route(
            "/agreements/{id}/calendar-feed",
            post(calendar::agreement_feed),
        )
        .route(assets::CSS_PATH, get(assets::css))
        .route(assets::HTMX_PATH, get(assets::htmx))
}

/// Unknown paths: a page for people, a problem document under `/api/`.
pub(crate) async fn fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        return crate::error::not_found(uri).await;
    }
    UiError(CoreError::NotFound {
        entity: "page",
        id: uri.path().to_owned(),
    })
    .into_response()
}

/// The navigation's entries: (key, label, path).
pub(crate) const NAV: &[(&str, &str, &str)] = &[
    ("dashboard", "Dashboard", "/"),
    ("agreements", "Agreements", "/agreements"),
    ("calendar", "Calendar", "/calendar"),
    ("review", "Review", "/review"),
    ("alerts", "Alerts", "/alerts"),
];

/// What the layout needs on every signed-in page.
#[derive(Debug, Clone)]
pub(crate) struct Shell {
    /// The organisation the session works in (its name).
    pub(crate) organisation: String,
    /// When the person belongs to more than one: every organisation (slug, name, whether it
    /// is the current one), offered by the switcher.
    pub(crate) switch_to: Vec<(String, String, bool)>,
    /// The signed-in person.
    pub(crate) email: String,
    /// Their role in the organisation.
    pub(crate) role: &'static str,
    /// The session's CSRF token, for the forms on the page (empty for token callers).
    pub(crate) csrf: String,
    /// Which navigation entry is current.
    pub(crate) current: &'static str,
    /// Whether the person may read what the organisation keeps to itself (the review
    /// queue, risk).
    pub(crate) internal: bool,
    /// Stylesheet and script paths.
    pub(crate) css: &'static str,
    pub(crate) htmx: &'static str,
}

impl Shell {
    /// The navigation entries with whether each is the current one.
    pub(crate) fn nav(&self) -> Vec<(&'static str, &'static str, bool)> {
        NAV.iter()
            .filter(|(key, _, _)| self.internal || *key != "review")
            .map(|(key, label, path)| (*label, *path, *key == self.current))
            .collect()
    }
}

/// The shell of a page without a signed-in person (sign-in, errors).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bare {
    pub(crate) css: &'static str,
}

impl Default for Bare {
    fn default() -> Self {
        Self {
            css: assets::CSS_PATH,
        }
    }
}

/// A signed-in person viewing a page. Without a live session the request is redirected to the
/// sign-in page, which brings them back here afterwards.
pub(crate) struct Viewer {
    pub(crate) caller: Caller,
    /// The organisations the person belongs to, for the switcher in the header.
    pub(crate) organisations: Vec<entente_store::Affiliation>,
}

impl Viewer {
    /// The viewer behind an authenticated caller, with the organisations they may switch to
    /// (a token stays in its own).
    pub(crate) async fn load(state: &AppState, caller: Caller) -> Result<Self, Response> {
        let mut organisations = state
            .store
            .user_organisations(caller.principal.user_id)
            .await
            .map_err(|e| UiError(e.into()).into_response())?;
        if caller.session_hash.is_none() {
            organisations.retain(|a| a.organisation_id == caller.principal.org);
        }
        Ok(Self {
            caller,
            organisations,
        })
    }

    /// The layout's data, with `current` highlighted in the navigation.
    pub(crate) fn shell(&self, current: &'static str) -> Shell {
        let org = self.caller.principal.org;
        Shell {
            organisation: self
                .organisations
                .iter()
                .find(|a| a.organisation_id == org)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            switch_to: if self.organisations.len() > 1 {
                self.organisations
                    .iter()
                    .map(|a| (a.slug.clone(), a.name.clone(), a.organisation_id == org))
                    .collect()
            } else {
                Vec::new()
            },
            email: self.caller.principal.email.clone(),
            role: self.caller.role.as_str(),
            csrf: self.caller.principal.csrf.clone().unwrap_or_default(),
            current,
            internal: self
                .caller
                .role
                .allows(entente_domain::access::Permission::ReadInternal),
            css: assets::CSS_PATH,
            htmx: assets::HTMX_PATH,
        }
    }
}

fn signin_redirect(parts: &Parts) -> Response {
    let next = parts
        .uri
        .path_and_query()
        .map_or("/", axum::http::uri::PathAndQuery::as_str);
    let to = if next == "/" {
        "/signin".to_owned()
    } else {
        format!("/signin?next={}", url_encode(next))
    };
    Redirect::to(&to).into_response()
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match Caller::authenticate(parts, state, CsrfProof::Header).await {
            Ok(caller) => Self::load(state, caller).await,
            Err(e) => match e.into_core() {
                CoreError::Unauthorized(_) => Err(signin_redirect(parts)),
                other => Err(UiError(other).into_response()),
            },
        }
    }
}

/// A submitted form from a signed-in person. A cookie session's form must carry the session's
/// CSRF token in its `csrf` field (or the `x-csrf-token` header, as htmx may send it): the
/// check runs before the form's own fields are looked at.
pub(crate) struct Posted<T> {
    pub(crate) viewer: Viewer,
    pub(crate) form: T,
}

#[derive(Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

/// Largest form body the UI accepts (uploads go through the API).
const MAX_FORM_BYTES: usize = 256 * 1024;

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| {
                UiError(CoreError::Validation(
                    entente_domain::ValidationError::new("form", "the form is too large").into(),
                ))
                .into_response()
            })?;
        let rebuild = |parts: Parts| Request::from_parts(parts, Body::from(bytes.clone()));
        let token = axum::Form::<CsrfField>::from_request(rebuild(parts.clone()), state)
            .await
            .map(|f| f.0.csrf)
            .unwrap_or(None);
        let caller =
            match Caller::authenticate(&parts, state, CsrfProof::HeaderOrForm(token.as_deref()))
                .await
            {
                Ok(c) => c,
                Err(e) => {
                    return Err(match e.into_core() {
                        CoreError::Unauthorized(_) => Redirect::to("/signin").into_response(),
                        other => UiError(other).into_response(),
                    });
                }
            };
        let form = axum::Form::<T>::from_request(rebuild(parts), state)
            .await
            .map_err(|r| {
                UiError(CoreError::Validation(
                    entente_domain::ValidationError::new("form", r.body_text()).into(),
                ))
                .into_response()
            })?;
        Ok(Self {
            viewer: Viewer::load(state, caller).await?,
            form: form.0,
        })
    }
}

/// A file posted with a multipart form.
pub(crate) struct Upload {
    pub(crate) filename: String,
    pub(crate) media_type: String,
    pub(crate) bytes: Vec<u8>,
}

/// A submitted multipart form (one with a file) from a signed-in person: its text fields and
/// files (an empty file box sends nothing). As with [`Posted`], the session's CSRF token must
/// come in the `csrf` field (or the header) before any field is used.
pub(crate) struct PostedFiles {
    pub(crate) viewer: Viewer,
    pub(crate) fields: std::collections::HashMap<String, String>,
    pub(crate) files: Vec<(String, Upload)>,
}

impl PostedFiles {
    /// A text field, trimmed; empty when absent.
    pub(crate) fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", |s| s.trim())
    }
}

fn bad_form(message: impl Into<String>) -> Response {
    UiError(CoreError::Validation(
        entente_domain::ValidationError::new("form", message).into(),
    ))
    .into_response()
}

impl FromRequest<AppState> for PostedFiles {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let mut multipart =
            axum::extract::Multipart::from_request(Request::from_parts(parts.clone(), body), state)
                .await
                .map_err(|r| bad_form(r.body_text()))?;
        let mut fields = std::collections::HashMap::new();
        let mut files = Vec::new();
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| bad_form(e.body_text()))?
        {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(filename) => {
                    let media_type = field
                        .content_type()
                        .unwrap_or("application/octet-stream")
                        .to_owned();
                    let bytes = field.bytes().await.map_err(|e| bad_form(e.body_text()))?;
                    // A file box left empty sends a part with no name and no bytes.
                    if !filename.is_empty() || !bytes.is_empty() {
                        files.push((
                            name,
                            Upload {
                                filename,
                                media_type,
                                bytes: bytes.to_vec(),
                            },
                        ));
                    }
                }
                None => {
                    let text = field.text().await.map_err(|e| bad_form(e.body_text()))?;
                    fields.insert(name, text);
                }
            }
        }
        let token = fields.get("csrf").map(String::as_str);
        let caller = match Caller::authenticate(&parts, state, CsrfProof::HeaderOrForm(token)).await
        {
            Ok(c) => c,
            Err(e) => {
                return Err(match e.into_core() {
                    CoreError::Unauthorized(_) => Redirect::to("/signin").into_response(),
                    other => UiError(other).into_response(),
                });
            }
        };
        Ok(Self {
            viewer: Viewer::load(state, caller).await?,
            fields,
            files,
        })
    }
}

/// A failed page request, answered with the error page.
#[derive(Debug)]
pub(crate) struct UiError(pub(crate) CoreError);

impl<E: Into<crate::error::ApiError>> From<E> for UiError {
    fn from(e: E) -> Self {
        Self(e.into().into_core())
    }
}

/// Result alias for page handlers.
pub(crate) type UiResult<T = Response> = Result<T, UiError>;

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    bare: Bare,
    status: u16,
    title: &'static str,
    message: String,
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let (title, message) = match &self.0 {
            CoreError::NotFound { .. } => (
                "Not found",
                "There is nothing here, or it is not shared with you.".to_owned(),
            ),
            CoreError::Internal(_) => (
                "Something went wrong",
                "The server failed. The cause is in its log; please try again later.".to_owned(),
            ),
            CoreError::Forbidden(m) => ("Not allowed", m.clone()),
            CoreError::Throttled { message, .. } => ("Please wait", message.clone()),
            other => ("This did not work", other.to_string()),
        };
        // The API's mapping decides the status (and logs an internal failure once).
        let status = crate::error::ApiError::from(self.0)
            .into_response()
            .status();
        let page = ErrorPage {
            bare: Bare::default(),
            status: status.as_u16(),
            title,
            message,
        };
        (status, render(page)).into_response()
    }
}

/// Renders a page. askama_web answers a template failure with a bare 500 and logs it (a
/// failure the compiler did not already rule out: templates are checked at build time).
pub(crate) fn render<T: IntoResponse>(page: T) -> Response {
    page.into_response()
}

/// Percent-encodes a query value (everything but unreserved characters).
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An HTML id for a clause number ("4.2" → "n-4-2"), so links can name a clause by the
/// number people quote.
pub(crate) fn number_anchor(number: &str) -> String {
    let mut out = String::from("n");
    for part in number
        .trim()
        .trim_end_matches('.')
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        out.push('-');
        out.push_str(&part.to_ascii_lowercase());
    }
    out
}

/// A 303 to `to` (POST-redirect-GET).
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_numbers_become_stable_anchors() {
        assert_eq!(number_anchor("4.2"), "n-4-2");
        assert_eq!(number_anchor("4.2."), "n-4-2");
        assert_eq!(number_anchor("Article IV"), "n-article-iv");
        assert_eq!(number_anchor("(a)"), "n-a");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(url_encode("a b&c=d/é"), "a%20b%26c%3Dd/%C3%A9");
    }
}
