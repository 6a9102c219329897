//! Uploaded files for the API: either the raw file as the body with its fields in the query
//! string, or `multipart/form-data` with a `file` part and the same fields as text parts.

use crate::error::{AppQuery, problem};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use entente_domain::ValidationError;

/// The name of the file part of a multipart upload.
pub(crate) const FILE_PART: &str = "file";

/// An uploaded file with its fields (`Q`, the same parameter set either way), read from a raw
/// body or from a multipart form.
pub(crate) struct Upload<Q> {
    /// The fields: from the query string, or from the form's text parts.
    pub(crate) fields: Q,
    /// The file's bytes.
    pub(crate) bytes: Bytes,
    /// The media type the client gave the file (the body's or the part's `Content-Type`).
    pub(crate) media_type: Option<String>,
}

/// A form that cannot be read as multipart: 413 when it is too large, else 422 naming `form`.
fn unreadable(status: axum::http::StatusCode, text: String) -> Response {
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return problem(status, "too-large", text, Vec::new());
    }
    refused(vec![ValidationError::new(
        "form",
        format!("is not a readable multipart form: {text}"),
    )])
}

fn refused(errors: Vec<ValidationError>) -> Response {
    crate::error::ApiError::from(entente_domain::ValidationErrors(errors)).into_response()
}

impl<S, Q> FromRequest<S> for Upload<Q>
where
    Q: serde::de::DeserializeOwned + utoipa::IntoParams + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let media_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let multipart = media_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/form-data"));
        if !multipart {
            let (mut parts, body) = req.into_parts();
            let AppQuery(fields) = AppQuery::<Q>::from_request_parts(&mut parts, state).await?;
            let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(|r| problem(r.status(), "bad-request", r.body_text(), Vec::new()))?;
            return Ok(Self {
                fields,
                bytes,
                media_type,
            });
        }
        let known: Vec<String> = Q::into_params(|| Some(utoipa::openapi::path::ParameterIn::Query))
            .into_iter()
            .map(|p| p.name)
            .collect();
        // The fields come either in the query string or in the form, never in both.
        let mut pairs: Vec<(String, String)> =
            axum::extract::Query::<Vec<(String, String)>>::try_from_uri(req.uri())
                .map(|q| q.0)
                .unwrap_or_default();
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|r| unreadable(r.status(), r.body_text()))?;
        let mut file: Option<(Bytes, Option<String>, Option<String>)> = None;
        let mut errors = Vec::new();
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| unreadable(e.status(), e.body_text()))?
        {
            let name = field.name().unwrap_or_default().to_owned();
            if name == FILE_PART {
                let filename = field.file_name().map(str::to_owned);
                let media = field.content_type().map(str::to_owned);
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| unreadable(e.status(), e.body_text()))?;
                if file.is_some() {
                    errors.push(ValidationError::new(
                        FILE_PART,
                        "sent twice: one file per upload",
                    ));
                }
                file = Some((bytes, filename, media));
                continue;
            }
            let text = field
                .text()
                .await
                .map_err(|e| unreadable(e.status(), e.body_text()))?;
            pairs.push((name, text));
        }
        for (i, (name, _)) in pairs.iter().enumerate() {
            if !known.iter().any(|k| k == name) {
                errors.push(ValidationError::new(
                    name.clone(),
                    format!(
                        "unknown field (accepted: {FILE_PART}, {})",
                        known.join(", ")
                    ),
                ));
            } else if pairs[..i].iter().any(|(n, _)| n == name) {
                errors.push(ValidationError::new(name.clone(), "given twice"));
            }
        }
        let Some((bytes, part_name, part_media)) = file else {
            errors.push(ValidationError::new(
                FILE_PART,
                "missing: the form needs a `file` part holding the document",
            ));
            return Err(refused(errors));
        };
        if !errors.is_empty() {
            return Err(refused(errors));
        }
        // The file part's own name stands in for a `filename` field the form leaves out.
        if let Some(n) = part_name.filter(|n| !n.is_empty())
            && known.iter().any(|k| k == "filename")
            && !pairs.iter().any(|(k, _)| k == "filename")
        {
            pairs.push(("filename".to_owned(), n));
        }
        // Read as the same query string would be, so values and errors are the same either way.
        let encoded = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        let uri: axum::http::Uri = format!("/?{encoded}")
            .parse()
            .map_err(|_| refused(vec![ValidationError::new("form", "cannot be read")]))?;
        let fields = axum::extract::Query::<Q>::try_from_uri(&uri)
            .map(|q| q.0)
            .map_err(|rej| crate::error::query_rejection(&rej.body_text()))?;
        Ok(Self {
            fields,
            bytes,
            media_type: part_media,
        })
    }
}
