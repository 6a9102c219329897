//! Entity tags for single resources and `If-Match` on their writes: the tag is a hash of the
//! JSON representation, so any change a client could see changes it.

use crate::error::ApiError;
use axum::http::{HeaderMap, HeaderValue, header};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The strong ETag of a JSON representation.
pub(crate) fn of<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    let digest = Sha256::digest(&json);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The `ETag` header for `value`.
pub(crate) fn header<T: Serialize>(value: &T) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&of(value)) {
        h.insert(header::ETAG, v);
    }
    h
}

/// Whether the request is conditional on `If-Match`.
pub(crate) fn conditional(headers: &HeaderMap) -> bool {
    headers.contains_key(header::IF_MATCH)
}

/// Longest `If-Match` header accepted (the OpenAPI document states it).
pub(crate) const MAX_IF_MATCH: usize = 1000;

/// Refuses (412) a request whose `If-Match` names neither `*` nor the current tag of
/// `current`. Strong comparison (RFC 9110, 13.1.1): a weak tag `W/"…"` never matches.
pub(crate) fn check_if_match<T: Serialize>(
    headers: &HeaderMap,
    current: &T,
) -> Result<(), ApiError> {
    // The document states the header's bound; a longer one is bad input (422), not a stale tag.
    if headers
        .get_all(header::IF_MATCH)
        .iter()
        .any(|v| v.len() > MAX_IF_MATCH)
    {
        return Err(entente_domain::ValidationError::new(
            "If-Match",
            format!("must be at most {MAX_IF_MATCH} characters"),
        )
        .into());
    }
    let sent: Vec<&str> = headers
        .get_all(header::IF_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if sent.is_empty() {
        return Ok(());
    }
    let tag = of(current);
    if sent.iter().any(|t| *t == "*" || *t == tag) {
        return Ok(());
    }
    Err(ApiError::precondition(format!(
        "If-Match {} does not match the current ETag {tag}; read the resource again and \
         reapply the change",
        sent.join(", ")
    )))
}
