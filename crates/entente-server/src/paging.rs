//! Cursor paging shared by the lists: the `cursor`/`limit` query parameters, and opaque
//! cursors that encode the last key a page ended on.

use crate::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entente_domain::ValidationError;
use serde::Deserialize;

/// Largest page a list answers.
pub(crate) const MAX_LIMIT: u32 = 500;
/// Page size when none is asked for.
pub(crate) const DEFAULT_LIMIT: u32 = 50;

/// Cursor paging: where to continue and how many items to answer.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CursorQuery {
    /// The `next_cursor` of the previous page; absent for the first page. Opaque: send it back
    /// unchanged.
    #[param(max_length = 200)]
    cursor: Option<String>,
    /// Items per page, 1..=500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

impl CursorQuery {
    /// The page size, refused out of range rather than clamped.
    pub(crate) fn limit(&self) -> Result<u32, ValidationError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ValidationError::new("limit", "must be between 1 and 500")),
        }
    }

    /// The sequence key the cursor continues after (0 for the first page).
    pub(crate) fn after_seq(&self, list: &str) -> Result<u64, ApiError> {
        match self.cursor.as_deref() {
            None | Some("") => Ok(0),
            Some(c) => decode(list, c).ok_or_else(|| {
                ValidationError::new("cursor", "is not a cursor of this list").into()
            }),
        }
    }
}

impl CursorQuery {
    /// The position the cursor continues after, as the text `encode_text` put in it (`None`
    /// for the first page).
    pub(crate) fn after_text(&self, list: &str) -> Result<Option<String>, ValidationError> {
        match self.cursor.as_deref() {
            None | Some("") => Ok(None),
            Some(c) => decode_text(list, c)
                .map(Some)
                .ok_or_else(|| ValidationError::new("cursor", "is not a cursor of this list")),
        }
    }
}

/// An opaque cursor for `list` continuing after a position written as text (a keyset
/// position: sort key and id).
pub(crate) fn encode_text(list: &str, position: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{list}:{position}"))
}

pub(crate) fn decode_text(list: &str, cursor: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, position) = text.split_once(':')?;
    (name == list).then(|| position.to_owned())
}

/// An opaque cursor for `list` continuing after `key`. The list's name is inside, so a cursor
/// from one list is refused by another instead of silently paging from the wrong place.
pub(crate) fn encode(list: &str, key: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{list}:{key}"))
}

fn decode(list: &str, cursor: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, key) = text.split_once(':')?;
    (name == list).then(|| key.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_belong_to_one_list() {
        let c = encode("audit", 42);
        assert_eq!(decode("audit", &c), Some(42));
        assert_eq!(decode("agreement-audit", &c), None);
        assert_eq!(decode("audit", "not a cursor"), None);
        assert_eq!(decode("audit", &URL_SAFE_NO_PAD.encode("audit:-1")), None);
    }
}
