//! The finishing pass over the generated OpenAPI document: what holds for every operation is
//! stated once here rather than on each handler, so the document says exactly what the
//! server answers.
//!
//! - Security: every operation states its own. A bearer API token, or the session cookie —
//!   with its CSRF header (`x-csrf-token`) on POST, PUT, PATCH and DELETE — is required
//!   everywhere except on the operations whose annotation declares `security(())` (sign-in,
//!   the one-time-link endpoints, calendar feeds), which state `security: []`.
//! - Media types: a route that answers CSV or DOCX besides JSON declares both (`ALSO_SERVED`).
//! - Errors: every 4xx/5xx answer is an RFC 9457 problem document (`application/problem+json`,
//!   schema `Problem`), including the ones a handler's annotation lists with a JSON body.
//! - The error statuses the shared layers and extractors give are added where they can occur:
//!   400 (malformed JSON), 401 and 403 (credentials, role, CSRF), 404 (ids in the path), 413
//!   (body above the limit), 415 (a JSON route sent another content type), 422 (a body, query
//!   or path value that breaks a rule).
//! - Every response has a description (OpenAPI requires one); where an annotation gives none,
//!   the status's reason phrase is used.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayItems, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{
    Components, ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder, SecurityRequirement,
};

/// Content type of every error body.
pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

const OCTET_STREAM: &str = "application/octet-stream";

/// Security scheme names.
const BEARER: &str = "bearer";
const SESSION: &str = "session";
const CSRF: &str = "csrf";

/// Media types a successful answer may have besides the annotated JSON: (path, method, type).
/// `format=csv` / `format=docx` choose them.
const ALSO_SERVED: [(&str, &str, &str); 2] = [
    ("/api/agreements/{id}/audit/export", "get", "text/csv"),
    (
        "/api/agreements/{id}/redline",
        "get",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
];

/// Applies the pass described in the module documentation.
pub(crate) fn finish(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Components::new);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "An API token (`ent_…`), made with `POST /api/tokens` or `entente admin \
                     create-token`.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        SESSION,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "__Host-entente_session",
            "The session cookie set by `POST /api/session` (`entente_session` when the server \
             runs with --insecure-cookies); state-changing requests also send the session's \
             `x-csrf-token` header.",
        ))),
    );
    components.add_security_scheme(
        CSRF,
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "x-csrf-token",
            "The `csrf_token` of the cookie session (from `POST /api/session` or `GET /api/me`), \
             required with the session cookie on POST, PUT, PATCH and DELETE; not used with a \
             bearer token.",
        ))),
    );
    for (code, description) in STANDARD {
        components.responses.insert(
            standard_name(code).to_owned(),
            RefOr::T(problem_response(description)),
        );
    }
    doc.security = Some(vec![
        SecurityRequirement::new(BEARER, Vec::<String>::new()),
        SecurityRequirement::new(SESSION, Vec::<String>::new()),
    ]);

    if let Some(components) = doc.components.as_mut() {
        components.schemas.values_mut().for_each(unsigned_bounds);
    }
    for (path, item) in &mut doc.paths.paths {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        let methods = [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ];
        for (method, op) in methods.into_iter().zip(ops) {
            if let Some(op) = op {
                finish_operation(path, method, op);
            }
        }
    }
}

/// The statuses added by [`finish`], with their descriptions.
const STANDARD: [(&str, &str); 7] = [
    ("400", "the body is not well-formed JSON"),
    (
        "401",
        "missing, unknown, expired or revoked credentials (bearer token or session cookie)",
    ),
    (
        "403",
        "the caller's role does not allow this, or a cookie session's CSRF token is missing or wrong",
    ),
    (
        "404",
        "no such entity in the caller's organisation (a malformed id names nothing either)",
    ),
    ("413", "the request body is above the upload limit"),
    (
        "415",
        "the body's content type is not the one this operation takes",
    ),
    (
        "422",
        "a value breaks a rule; `errors` names each field or parameter",
    ),
];

fn standard_name(code: &str) -> &'static str {
    match code {
        "400" => "BadRequest",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "NotFound",
        "413" => "PayloadTooLarge",
        "415" => "UnsupportedMediaType",
        _ => "UnprocessableContent",
    }
}

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// utoipa writes a `u32` as `format: int32, minimum: 0`, but an `int32` ends at 2^31-1 and the
/// server reads up to 2^32-1: such a schema loses the format and gains that maximum, unless it
/// states a lower one.
fn unsigned_bounds(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(o) => {
            let int32 = matches!(
                &o.format,
                Some(SchemaFormat::KnownFormat(KnownFormat::Int32))
            );
            let unsigned = match o.minimum {
                Some(utoipa::Number::UInt(n)) => n == 0,
                Some(utoipa::Number::Int(n)) => n == 0,
                Some(utoipa::Number::Float(f)) => f == 0.0,
                None => false,
            };
            if int32 && unsigned {
                o.format = None;
                if o.maximum.is_none() {
                    o.maximum = Some(utoipa::Number::UInt(u32::MAX as usize));
                }
            }
            o.properties.values_mut().for_each(unsigned_bounds);
            if let Some(extra) = o.additional_properties.as_deref_mut()
                && let AdditionalProperties::RefOr(r) = extra
            {
                unsigned_bounds(r);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                unsigned_bounds(items);
            }
        }
        Schema::OneOf(o) => o.items.iter_mut().for_each(unsigned_bounds),
        Schema::AllOf(o) => o.items.iter_mut().for_each(unsigned_bounds),
        Schema::AnyOf(o) => o.items.iter_mut().for_each(unsigned_bounds),
        _ => {}
    }
}

fn finish_operation(path: &str, method: &str, op: &mut Operation) {
    // A public operation declares `security(())`, one empty requirement.
    let public = op
        .security
        .as_ref()
        .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()));
    op.security = Some(if public {
        Vec::new()
    } else if method == "get" || method == "head" || method == "options" {
        vec![
            SecurityRequirement::new(BEARER, Vec::<String>::new()),
            SecurityRequirement::new(SESSION, Vec::<String>::new()),
        ]
    } else {
        vec![
            SecurityRequirement::new(BEARER, Vec::<String>::new()),
            SecurityRequirement::new(SESSION, Vec::<String>::new()).add(CSRF, Vec::<String>::new()),
        ]
    });
    let body_types: Vec<String> = match &op.request_body {
        Some(RefOr::T(b)) => b.content.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let json_body = body_types.iter().any(|t| t == "application/json");
    let params = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| {
        params
            .iter()
            .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
    };
    let path_params = has(ParameterIn::Path) || path.contains('{');
    let query_params = has(ParameterIn::Query);
    for p in op.parameters.iter_mut().flatten() {
        if let RefOr::T(p) = p
            && let Some(schema) = p.schema.as_mut()
        {
            unsigned_bounds(schema);
        }
    }

    let mut add = Vec::new();
    if json_body {
        add.extend(["400", "415"]);
    }
    if !public {
        add.extend(["401", "403"]);
    }
    if path_params {
        add.push("404");
    }
    if !body_types.is_empty() {
        add.extend(["413", "422"]);
    }
    if query_params || path_params {
        add.push("422");
    }
    if method == "post" && op.responses.responses.contains_key("201") {
        idempotency_parameter(op);
    }
    if CONDITIONAL.contains(&path) {
        conditional(method, op);
    }
    let responses = &mut op.responses.responses;
    for code in add {
        responses.entry(code.to_owned()).or_insert_with(|| {
            RefOr::Ref(Ref::new(format!(
                "#/components/responses/{}",
                standard_name(code)
            )))
        });
    }

    for (_, _, media) in ALSO_SERVED
        .iter()
        .filter(|(p, m, _)| *p == path && *m == method)
    {
        if let Some(RefOr::T(r)) = responses.get_mut("200")
            && !r.content.contains_key(*media)
        {
            r.content.insert(
                (*media).to_owned(),
                RefOr::T(
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                ),
            );
        }
    }
    for (code, resp) in responses.iter_mut() {
        let RefOr::T(r) = resp else { continue };
        let status = code
            .parse::<u16>()
            .ok()
            .and_then(|c| axum::http::StatusCode::from_u16(c).ok());
        if r.description.is_empty() {
            r.description = status
                .and_then(|c| c.canonical_reason())
                .unwrap_or("Response")
                .to_owned();
        }
        if code == "429" {
            r.headers
                .entry("Retry-After".to_owned())
                .or_insert_with(|| {
                    RefOr::T(
                        HeaderBuilder::new()
                            .schema(Some(
                                ObjectBuilder::new()
                                    .schema_type(Type::Integer)
                                    .minimum(Some(1)),
                            ))
                            .description(Some("seconds until a new attempt is looked at"))
                            .build(),
                    )
                });
        }
        // A download documented as `application/octet-stream` keeps the few inert types it
        // may be served as (see `download::served_type`).
        if status.is_some_and(|s| s.is_success()) && r.content.contains_key(OCTET_STREAM) {
            for t in crate::api::SERVED_DOWNLOAD_TYPES {
                if !r.content.contains_key(*t) {
                    let c = r.content[OCTET_STREAM].clone();
                    r.content.insert((*t).to_owned(), c);
                }
            }
        }
        // Error bodies are problem documents, whatever the annotation's default content type.
        if status.is_some_and(|s| s.is_client_error() || s.is_server_error())
            && let Some(content) = r.content.shift_remove("application/json")
        {
            r.content.insert(PROBLEM_JSON.to_owned(), content);
        }
    }
}

/// The paths of the POST operations that create (documented with a 201), which take an
/// `Idempotency-Key`.
pub(crate) fn creating_posts(doc: &OpenApi) -> std::collections::HashSet<String> {
    doc.paths
        .paths
        .iter()
        .filter(|(_, item)| {
            item.post
                .as_ref()
                .is_some_and(|op| op.responses.responses.contains_key("201"))
        })
        .map(|(path, _)| path.clone())
        .collect()
}

/// Documents the `Idempotency-Key` header of a creating POST and the answers it adds.
fn idempotency_parameter(op: &mut Operation) {
    use utoipa::openapi::path::ParameterBuilder;
    let param = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(utoipa::openapi::Required::False)
        .description(Some(
            "A client-chosen key (1..255 visible ASCII characters). The first successful answer \
             is kept for 24 hours and replayed (with `Idempotent-Replayed: true`) for a retry \
             with the same key and request; the same key with a different request is refused \
             (422), and while the first request runs a second one gets 409.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[!-~]+$")),
        ))
        .build();
    op.parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::T(param));
    op.responses
        .responses
        .entry("409".to_owned())
        .or_insert_with(|| {
            RefOr::T(problem_response(
                "a conflict, or the first request with this Idempotency-Key is still running",
            ))
        });
}

/// Single resources with an `ETag`, whose writes take `If-Match`.
const CONDITIONAL: [&str; 3] = [
    "/api/agreements/{id}",
    "/api/agreements/{id}/terms/{field}",
    "/api/obligations/{id}",
];

/// Documents `ETag` on reads and `If-Match` (with its 412) on writes.
fn conditional(method: &str, op: &mut Operation) {
    use utoipa::openapi::path::ParameterBuilder;
    if method == "get" {
        if let Some(RefOr::T(r)) = op.responses.responses.get_mut("200") {
            r.headers.insert(
                "ETag".to_owned(),
                RefOr::T(
                    HeaderBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .description(Some(
                            "the representation's entity tag; send it as `If-Match` on a write",
                        ))
                        .build(),
                ),
            );
        }
        return;
    }
    let param = ParameterBuilder::new()
        .name("If-Match")
        .parameter_in(ParameterIn::Header)
        .required(utoipa::openapi::Required::False)
        .description(Some(
            "The `ETag` of the resource as last read (or `*`): the write happens only if it \
             is still current, else 412.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(crate::etag::MAX_IF_MATCH)),
        ))
        .build();
    op.parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::T(param));
    op.responses.responses.insert(
        "412".to_owned(),
        RefOr::T(problem_response(
            "`If-Match` does not name the resource's current ETag: read it again",
        )),
    );
}
