//! One mapping from failures to HTTP: RFC 9457 problem+json bodies that say what to fix for
//! 4xx, and say nothing internal for 5xx (the cause is logged once, here).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use entente_core::CoreError;
use entente_domain::{ValidationError, ValidationErrors};
use entente_store::StoreError;
use serde::Serialize;
use utoipa::openapi::RefOr;

/// Result alias for handlers.
pub(crate) type Result<T, E = ApiError> = std::result::Result<T, E>;

/// A failed request.
#[derive(Debug)]
pub(crate) struct ApiError(CoreError, Option<Precondition>);

/// A conditional request whose condition does not hold.
#[derive(Debug)]
pub(crate) struct Precondition(pub(crate) String);

impl ApiError {
    /// The failure, for callers that answer in another format (the web UI's pages).
    pub(crate) fn into_core(self) -> CoreError {
        self.0
    }

    /// 412: the `If-Match` of a request does not match the resource's current ETag.
    pub(crate) fn precondition(detail: String) -> Self {
        Self(
            CoreError::Conflict(detail.clone()),
            Some(Precondition(detail)),
        )
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        Self(e, None)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self(e.into(), None)
    }
}

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        Self(CoreError::Validation(e.into()), None)
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        Self(CoreError::Validation(e), None)
    }
}

/// Where problem types live on the server itself: a problem's `type` is this path and its
/// kind, a URI reference resolved against the server's own address, and `GET` on it
/// describes the kind.
pub(crate) const PROBLEM_PATH: &str = "/problems/";

/// Every problem kind the server answers with, and what it means.
pub(crate) const PROBLEM_KINDS: [(&str, &str); 18] = [
    (
        "bad-request",
        "The request cannot be read: the body is not well-formed JSON, or a value has the wrong type.",
    ),
    (
        "validation",
        "A value breaks a rule; `errors` names each field or parameter and says what to fix. Nothing changed.",
    ),
    (
        "document",
        "An uploaded document cannot be read or analysed (corrupt, encrypted, of another type than its name says). Nothing was stored.",
    ),
    (
        "not-found",
        "No such entity in the caller's organisation, or no such route. A malformed id names nothing either.",
    ),
    (
        "unauthorized",
        "Missing, unknown, expired or revoked credentials.",
    ),
    (
        "forbidden",
        "The caller's role does not allow this, or a cookie session's CSRF token is missing or wrong.",
    ),
    (
        "conflict",
        "The request conflicts with the state of the resource (a duplicate, a step out of order).",
    ),
    (
        "throttled",
        "Too many attempts; `Retry-After` says how many seconds to wait.",
    ),
    (
        "precondition-failed",
        "`If-Match` does not name the resource's current ETag: read it again, then retry.",
    ),
    (
        "idempotency-key",
        "The `Idempotency-Key` header is malformed (1..255 visible ASCII characters).",
    ),
    (
        "idempotency-key-reused",
        "The `Idempotency-Key` was used with a different request: a key names one request.",
    ),
    (
        "idempotency-key-in-progress",
        "The first request with this `Idempotency-Key` is still running: retry later.",
    ),
    (
        "method-not-allowed",
        "The route does not take this method; `Allow` lists those it takes.",
    ),
    ("too-large", "The request body is above the upload limit."),
    (
        "uri-too-long",
        "The request target is above the length limit.",
    ),
    (
        "timeout",
        "The request took too long and was stopped; it may be retried.",
    ),
    (
        "internal",
        "The server failed; the cause is in its log. Nothing is said about it here.",
    ),
    ("error", "Another error, named by its status."),
];

/// `GET /problems/{kind}`: what a problem kind means, as plain text.
pub(crate) async fn problem_type(
    axum::extract::Path(kind): axum::extract::Path<String>,
) -> Response {
    match PROBLEM_KINDS.iter().find(|(k, _)| *k == kind) {
        Some((k, meaning)) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{PROBLEM_PATH}{k}\n\n{meaning}\n"),
        )
            .into_response(),
        None => problem(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no problem type {kind:?}"),
            Vec::new(),
        ),
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Problem {
    /// Problem type: a URI reference under `/problems/` on this server, where `GET` says what
    /// the kind means.
    #[serde(rename = "type")]
    #[schema(format = "uri-reference")]
    pub(crate) kind: String,
    /// Short summary.
    pub(crate) title: String,
    /// HTTP status.
    pub(crate) status: u16,
    /// What went wrong, and what to fix.
    pub(crate) detail: String,
    /// Field errors, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub(crate) errors: Vec<ValidationError>,
}

pub(crate) fn problem(
    status: StatusCode,
    kind: &str,
    detail: String,
    errors: Vec<ValidationError>,
) -> Response {
    let body = Problem {
        kind: format!("{PROBLEM_PATH}{kind}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors,
    };
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/problem+json"),
    );
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(Precondition(detail)) = self.1 {
            return problem(
                StatusCode::PRECONDITION_FAILED,
                "precondition-failed",
                detail,
                Vec::new(),
            );
        }
        match self.0 {
            CoreError::Validation(v) => {
                let detail = v.to_string();
                problem(StatusCode::UNPROCESSABLE_ENTITY, "validation", detail, v.0)
            }
            CoreError::Document(e) => {
                let status = if matches!(e, entente_analysis::IngestError::TooLarge { .. }) {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                problem(status, "document", e.to_string(), Vec::new())
            }
            CoreError::NotFound { entity, id } => problem(
                StatusCode::NOT_FOUND,
                "not-found",
                format!("{entity} {id} not found"),
                Vec::new(),
            ),
            CoreError::Unauthorized(m) => {
                problem(StatusCode::UNAUTHORIZED, "unauthorized", m, Vec::new())
            }
            CoreError::Throttled {
                message,
                retry_after,
            } => {
                let mut res = problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "throttled",
                    message,
                    Vec::new(),
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
                res
            }
            CoreError::Forbidden(m) => problem(StatusCode::FORBIDDEN, "forbidden", m, Vec::new()),
            CoreError::Conflict(m) => problem(StatusCode::CONFLICT, "conflict", m, Vec::new()),
            CoreError::Internal(cause) => {
                // The one place an internal failure is logged: with every cause in its chain.
                tracing::error!(error.cause = %entente_core::error_chain(cause.as_ref()), "request failed");
                problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server failed; the cause is in its log".into(),
                    Vec::new(),
                )
            }
        }
    }
}

/// Unknown routes get a problem document too.
pub(crate) async fn not_found(uri: axum::http::Uri) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not-found",
        format!("no route for {}", uri.path()),
        Vec::new(),
    )
}

/// A panic in a handler becomes a plain 500 (and is logged), never a dropped connection.
pub(crate) fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server failed; the cause is in its log".into(),
        Vec::new(),
    )
}

/// JSON body extractor whose rejections are problem documents naming the fault.
pub(crate) struct AppJson<T>(pub(crate) T);

impl<S, T> axum::extract::FromRequest<S> for AppJson<T>
where
    T: serde::de::DeserializeOwned + utoipa::ToSchema,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(
        req: axum::extract::Request,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        // Every JSON body the API takes is an object; serde would also read a struct from an
        // array of its fields in order, which no client means to send.
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(rej) => {
                let status = rej.status();
                return Err(problem(status, "bad-request", rej.body_text(), Vec::new()));
            }
        };
        if !value.is_object() {
            return Err(problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "the body must be a JSON object".into(),
                vec![ValidationError::new("body", "must be a JSON object")],
            ));
        }
        let mut value = value;
        whole_numbers_as_integers(&mut value);
        // A field the operation does not take is refused rather than dropped: a misspelt
        // `titel` would otherwise succeed and change nothing the caller meant to change.
        let mut unknown = Vec::new();
        undeclared_fields::<T>(&value, &mut unknown);
        let read = serde_ignored::deserialize(value, |path| {
            let path = field_path(&path);
            if !unknown.contains(&path) {
                unknown.push(path);
            }
        });
        let mut errors: Vec<ValidationError> = unknown
            .iter()
            .map(|field| ValidationError::new(field.clone(), "unknown field"))
            .collect();
        match read {
            Ok(v) if errors.is_empty() => Ok(Self(v)),
            read => {
                if let Err(e) = read {
                    errors.push(body_error(&e));
                }
                let detail = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation",
                    detail,
                    errors,
                ))
            }
        }
    }
}

/// The fields of `body` that `T`'s schema does not declare, where serde cannot tell: fields
/// beside a `#[serde(flatten)]` part reach serde as one buffered map, and what the flattened
/// part leaves unread is dropped without a trace. The walk follows the schema the OpenAPI
/// document publishes (objects, `allOf`, references, lists of objects); a union, an open map
/// or a nested object is not walked into.
fn undeclared_fields<T: utoipa::ToSchema>(body: &serde_json::Value, out: &mut Vec<String>) {
    use utoipa::openapi::schema::Schema;
    let root = T::schema();
    if !matches!(root, RefOr::T(Schema::AllOf(_))) {
        return;
    }
    let mut named = Vec::new();
    T::schemas(&mut named);
    walk_schema(&root, &named, body, "", out, 0);
}

/// Declared property names of `schema`, or `None` when it is not a closed object.
fn declared(
    schema: &RefOr<utoipa::openapi::schema::Schema>,
    named: &[(String, RefOr<utoipa::openapi::schema::Schema>)],
    depth: u8,
) -> Option<Vec<(String, RefOr<utoipa::openapi::schema::Schema>)>> {
    use utoipa::openapi::schema::{AdditionalProperties, Schema};
    if depth > 16 {
        return None;
    }
    match schema {
        RefOr::Ref(r) => {
            let name = r.ref_location.rsplit('/').next()?;
            let (_, target) = named.iter().find(|(n, _)| n == name)?;
            declared(target, named, depth + 1)
        }
        RefOr::T(Schema::Object(o)) => {
            let open = match o.additional_properties.as_deref() {
                None => false,
                Some(AdditionalProperties::FreeForm(allowed)) => *allowed,
                Some(AdditionalProperties::RefOr(_)) => true,
            };
            if open || o.properties.is_empty() {
                return None;
            }
            Some(
                o.properties
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        }
        RefOr::T(Schema::AllOf(all)) => {
            let mut props = Vec::new();
            for item in &all.items {
                props.extend(declared(item, named, depth + 1)?);
            }
            Some(props)
        }
        _ => None,
    }
}

fn walk_schema(
    schema: &RefOr<utoipa::openapi::schema::Schema>,
    named: &[(String, RefOr<utoipa::openapi::schema::Schema>)],
    value: &serde_json::Value,
    at: &str,
    out: &mut Vec<String>,
    depth: u8,
) {
    use utoipa::openapi::schema::{ArrayItems, Schema};
    if depth > 16 {
        return;
    }
    match value {
        serde_json::Value::Object(map) => {
            let Some(props) = declared(schema, named, depth) else {
                return;
            };
            for (key, v) in map {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                match props.iter().find(|(k, _)| k == key) {
                    // Lists of objects (a draft's parties) are walked into; a nested object
                    // is not: some are maps typed for the document (terms by field name)
                    // that their own validation pass checks, naming the field.
                    Some((_, s)) if v.is_array() => walk_schema(s, named, v, &path, out, depth + 1),
                    Some(_) => {}
                    None => out.push(path),
                }
            }
        }
        serde_json::Value::Array(items) => {
            let item_schema = match schema {
                RefOr::T(Schema::Array(a)) => match &a.items {
                    ArrayItems::RefOrSchema(s) => Some(s.as_ref().clone()),
                    ArrayItems::False => None,
                },
                RefOr::Ref(r) => r
                    .ref_location
                    .rsplit('/')
                    .next()
                    .and_then(|name| named.iter().find(|(n, _)| n == name))
                    .and_then(|(_, s)| match s {
                        RefOr::T(Schema::Array(a)) => match &a.items {
                            ArrayItems::RefOrSchema(s) => Some(s.as_ref().clone()),
                            ArrayItems::False => None,
                        },
                        _ => None,
                    }),
                _ => None,
            };
            if let Some(s) = item_schema {
                for (i, v) in items.iter().enumerate() {
                    walk_schema(&s, named, v, &format!("{at}[{i}]"), out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// A body field's path written as validation errors write it (`parties[1].legal_name`);
/// `Option` and newtype layers add nothing.
fn field_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", field_path(parent)),
        Path::Map { parent, key } => match field_path(parent) {
            p if p.is_empty() => key.clone(),
            p => format!("{p}.{key}"),
        },
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => field_path(parent),
    }
}

/// A body that does not read as the operation's type, as a validation error on the field
/// serde names (`missing field `title``), or on `body`.
fn body_error(e: &serde_json::Error) -> ValidationError {
    let text = e.to_string();
    let field = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(f, _)| f.to_owned());
    match field {
        Some(f) => ValidationError::new(f, "is required"),
        None => ValidationError::new("body", text),
    }
}

/// JSON Schema counts `2.0` as an integer, so a client may send one where the document says
/// `integer`; serde would refuse it for an integer field. Whole numbers written with a fraction
/// become integers before the body is read.
fn whole_numbers_as_integers(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                // Exact: |f| < 2^53, so the conversion keeps the value.
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                *v = serde_json::Value::from(i);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// Query extractor with problem-document rejections. A parameter the route does not
/// document is refused (422, naming it and listing the accepted ones) rather than silently
/// ignored, so a misspelt filter cannot quietly widen a listing. The accepted names come from
/// the same `IntoParams` derive that documents the route in the OpenAPI document.
pub(crate) struct AppQuery<T>(pub(crate) T);

impl<S, T> axum::extract::FromRequestParts<S> for AppQuery<T>
where
    T: serde::de::DeserializeOwned + utoipa::IntoParams,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        if let Some(refused) = refused_param(&parts.uri, &param_names::<T>()) {
            return Err(refused);
        }
        let LaxQuery(v) = LaxQuery::<T>::from_request_parts(parts, state).await?;
        Ok(Self(v))
    }
}

/// Two parameter sets sharing one query string (filters and paging), each deserialised on its
/// own; a name neither documents is refused as with [`AppQuery`].
pub(crate) struct AppQueries<A, B>(pub(crate) A, pub(crate) B);

impl<S, A, B> axum::extract::FromRequestParts<S> for AppQueries<A, B>
where
    A: serde::de::DeserializeOwned + utoipa::IntoParams + Send,
    B: serde::de::DeserializeOwned + utoipa::IntoParams + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        let mut known = param_names::<A>();
        known.extend(param_names::<B>());
        if let Some(refused) = refused_param(&parts.uri, &known) {
            return Err(refused);
        }
        let LaxQuery(a) = LaxQuery::<A>::from_request_parts(parts, state).await?;
        let LaxQuery(b) = LaxQuery::<B>::from_request_parts(parts, state).await?;
        Ok(Self(a, b))
    }
}

/// Query extractor that ignores parameters it does not know; for routes whose parameters are
/// checked by the handler itself (several parameter sets on one route) or are still being
/// extended. A list field takes a repeated parameter (`tag=a&tag=b`).
pub(crate) struct LaxQuery<T>(pub(crate) T);

impl<S, T> axum::extract::FromRequestParts<S> for LaxQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        // serde_html_form rather than axum's serde_urlencoded: it reads a repeated parameter
        // into a list field; the path of a failing field names the parameter.
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_html_form::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Self)
            .map_err(|e| query_rejection(&format!("{}: {}", e.path(), e.inner())))
    }
}

/// A query string that does not deserialise: 422 naming the parameter where serde names it
/// (`limit: number too large …`).
pub(crate) fn query_rejection(text: &str) -> Response {
    let detail = text
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(text)
        .to_owned();
    let field = detail
        .split_once(": ")
        .map(|(f, _)| f)
        .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or("query")
        .to_owned();
    let message = detail
        .strip_prefix(&format!("{field}: "))
        .unwrap_or(&detail)
        .to_owned();
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
        format!("query parameter {field}: {message}"),
        vec![ValidationError::new(field, message)],
    )
}

/// A query parameter `T` documents: its name and whether it may be repeated (a list).
struct KnownParam {
    name: String,
    repeatable: bool,
}

/// The query parameters `T` documents.
fn param_names<T: utoipa::IntoParams>() -> Vec<KnownParam> {
    use utoipa::openapi::{RefOr, Schema};
    T::into_params(|| Some(utoipa::openapi::path::ParameterIn::Query))
        .into_iter()
        .map(|p| KnownParam {
            repeatable: matches!(p.schema, Some(RefOr::T(Schema::Array(_)))),
            name: p.name,
        })
        .collect()
}

/// The refusal of the first query parameter not in `known`, naming the accepted ones, or of
/// one given more than once that takes a single value.
fn refused_param(uri: &axum::http::Uri, known: &[KnownParam]) -> Option<Response> {
    let query = uri.query().unwrap_or_default();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let refuse = |name: &str, message: String| {
        problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            format!("{name}: {message}"),
            vec![ValidationError::new(name.to_owned(), message)],
        )
    };
    for (i, (name, _)) in pairs.iter().enumerate() {
        let Some(param) = known.iter().find(|p| p.name == *name) else {
            let accepted = if known.is_empty() {
                "this route takes no query parameters".to_owned()
            } else {
                let names: Vec<&str> = known.iter().map(|p| p.name.as_str()).collect();
                format!("accepted: {}", names.join(", "))
            };
            return Some(refuse(
                name,
                format!("unknown query parameter ({accepted})"),
            ));
        };
        // Reported once, at its first occurrence.
        let times = pairs.iter().filter(|(n, _)| n == name).count();
        if !param.repeatable && times > 1 && !pairs[..i].iter().any(|(n, _)| n == name) {
            return Some(refuse(
                name,
                format!("is given {times} times; it takes one value"),
            ));
        }
    }
    None
}

/// Path extractor with problem-document rejections (a malformed id is a 404: it names nothing).
pub(crate) struct AppPath<T>(pub(crate) T);

impl<S, T> axum::extract::FromRequestParts<S> for AppPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(rej) => Err(problem(
                StatusCode::NOT_FOUND,
                "not-found",
                rej.body_text(),
                Vec::new(),
            )),
        }
    }
}

/// Longest request target (path and query) the API reads. Beyond 65,534 bytes the HTTP parser
/// itself refuses the request before any of this code runs; below that, this limit gives the
/// same 414 as a problem document.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;

/// Every error answer is a problem document: errors from axum and tower layers (method not
/// allowed, body too large, timeout, unsupported media type) come with an empty or plain-text
/// body, and are rewritten here, keeping their status and headers such as `Allow`. HTML pages
/// and problem documents pass through untouched.
pub(crate) async fn problem_bodies(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let target_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target_len > MAX_URI_BYTES {
        return problem(
            StatusCode::URI_TOO_LONG,
            "uri-too-long",
            format!(
                "the request target is {target_len} bytes, above the limit of {MAX_URI_BYTES} bytes"
            ),
            Vec::new(),
        );
    }
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("application/problem+json") || content_type.starts_with("text/html")
    {
        return res;
    }
    let (parts, body) = res.into_parts();
    // Layer-made bodies are short texts; a longer one is not worth echoing.
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let (kind, detail) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = parts
                .headers
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            (
                "method-not-allowed",
                format!("{method} is not allowed on {path} (allowed: {allowed})"),
            )
        }
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too-large",
            "the request body is above the upload limit".to_owned(),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            "the request took too long and was stopped".to_owned(),
        ),
        _ if !text.is_empty() => ("bad-request", text),
        _ => (
            "error",
            status.canonical_reason().unwrap_or("error").to_owned(),
        ),
    };
    let mut out = problem(status, kind, detail, Vec::new());
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_internal_error_answers_500_without_its_cause() {
        let res =
            ApiError::from(CoreError::internal("table audit_event is locked")).into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(res.into_body(), 4096).await.unwrap();
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains("the cause is in its log"), "{body}");
        assert!(!body.contains("audit_event"), "{body}");
    }
}
