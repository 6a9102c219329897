//! The UI's two static files, compiled into the binary: our stylesheet and htmx 2.0.11
//! (vendored from its npm package; no CDN, no build step). Their paths carry a version, so
//! browsers may keep them for a day.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// Path of the stylesheet.
pub(crate) const CSS_PATH: &str = "/static/entente-2.css";
/// Path of htmx.
pub(crate) const HTMX_PATH: &str = "/static/htmx-2.0.11.min.js";

const CSS: &[u8] = include_bytes!("../../static/entente.css");
const HTMX: &[u8] = include_bytes!("../../static/htmx-2.0.11.min.js");

fn asset(body: &'static [u8], content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

pub(crate) async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

pub(crate) async fn htmx() -> Response {
    asset(HTMX, "text/javascript; charset=utf-8")
}
