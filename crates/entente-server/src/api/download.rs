//! Serving stored files (evidence, document versions) so that no upload can become active
//! content on our origin: `script-src 'self'` would let a page run any script served from
//! here, so the uploader's claimed type is not trusted.
//!
//! Every download is an attachment with `nosniff`. Only a few types a browser never executes
//! keep their type; everything else — HTML, SVG, XML, JavaScript, unknown — is
//! `application/octet-stream`. The file name goes in both an ASCII fallback and its exact
//! UTF-8 form (`filename*`, RFC 6266 §4.3 and RFC 8187).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Types served as themselves (compared on the essence, lower case). Text is served only
/// as UTF-8, and only when the bytes are UTF-8, so no charset has to be guessed.
const INERT: &[&str] = &["application/pdf", "image/png", "image/jpeg"];

/// Every type [`served_type`] answers with, by essence.
pub(crate) const SERVED: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "application/octet-stream",
];

/// The `Content-Type` to serve `bytes` with, whatever `claimed` says.
pub(crate) fn served_type(claimed: &str, bytes: &[u8]) -> &'static str {
    let essence = claimed
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if let Some(t) = INERT.iter().find(|t| **t == essence) {
        t
    } else if essence == "text/plain" && std::str::from_utf8(bytes).is_ok() {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}

/// `Content-Disposition: attachment` naming `name`: a quoted ASCII fallback in which
/// non-ASCII, control, quote, backslash and percent characters become `_` (so old clients
/// neither end the quoted string early nor decode escapes), and `filename*` with the exact
/// name percent-encoded as UTF-8.
pub(crate) fn attachment_disposition(name: &str) -> String {
    let name = if name.trim().is_empty() {
        "download"
    } else {
        name
    };
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && !matches!(c, '"' | '\\' | '%') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        // RFC 8187 attr-char: everything else is percent-encoded.
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// A stored file as a download: safe type, attachment, `nosniff`.
pub(crate) fn attachment(name: &str, claimed_type: &str, bytes: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&attachment_disposition(name))
        // Cannot fail: the value is printable ASCII by construction.
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(served_type(claimed_type, &bytes)),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inert_types_survive() {
        assert_eq!(served_type("Application/PDF", b"%PDF"), "application/pdf");
        assert_eq!(served_type("image/jpeg; x=y", b""), "image/jpeg");
        assert_eq!(
            served_type("text/plain; charset=utf-8", "é".as_bytes()),
            "text/plain; charset=utf-8"
        );
        for t in [
            "text/html",
            "image/svg+xml",
            "text/xml",
            "application/xhtml+xml",
            "text/javascript",
            "application/json",
            "",
            "application/pdfx",
        ] {
            assert_eq!(served_type(t, b"x"), "application/octet-stream", "{t}");
        }
        assert_eq!(
            served_type("text/plain", b"\xe9"),
            "application/octet-stream"
        );
    }

    #[test]
    fn disposition_has_a_safe_fallback_and_the_exact_name() {
        assert_eq!(
            attachment_disposition("a\"b\\c\r\n%41.txt"),
            "attachment; filename=\"a_b_c___41.txt\"; filename*=UTF-8''a%22b%5Cc%0D%0A%2541.txt"
        );
        assert_eq!(
            attachment_disposition(" "),
            "attachment; filename=\"download\"; filename*=UTF-8''download"
        );
    }
}
