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

/// The document formats an import or a new version may be.
const DOCUMENT_TYPES: &str = "text/plain, text/markdown, text/html, application/pdf, \
     application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Uploads: (path, the media types the file may have). The body is the raw file, with its
/// fields in the query string, or a `multipart/form-data` form with a `file` part and the same
/// fields as text parts.
const UPLOADS: [(&str, &str); 3] = [
    ("/api/import", DOCUMENT_TYPES),
    ("/api/agreements/{id}/versions", DOCUMENT_TYPES),
    ("/api/obligations/{id}/occurrences/{due}/evidence", "*/*"),
];

/// Creating operations whose 201 names the new resource in `Location`: (path, where).
const LOCATIONS: [(&str, &str); 6] = [
    ("/api/agreements", "/api/agreements/{id}"),
    ("/api/import", "/api/agreements/{agreement_id}"),
    ("/api/agreements/{id}/obligations", "/api/obligations/{id}"),
    ("/api/agreements/{id}/disputes", "/api/disputes/{id}"),
    (
        "/api/agreements/{id}/versions",
        "/api/versions/{id}/content",
    ),
    (
        "/api/obligations/{id}/occurrences/{due}/evidence",
        "/api/evidence/{id}",
    ),
];

/// Text bodies sent as they are: (path, media type).
const TEXT_BODIES: [(&str, &str); 1] = [("/api/measurements/import", "text/csv")];

/// A file's bytes (`format: binary` for OpenAPI 3.0 readers, `contentMediaType` for 3.1).
fn binary(media: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
        .content_media_type(media)
}

/// Declares an upload's two bodies: the raw file, and a multipart form whose text parts are
/// the operation's query parameters (one parameter set, documented once).
fn upload_body(op: &mut Operation, types: &str) {
    use utoipa::openapi::encoding::EncodingBuilder;
    let Some(RefOr::T(body)) = op.request_body.as_mut() else {
        return;
    };
    let description = body.description.clone().unwrap_or_default();
    // A part the operation does not take is refused, so the form says so.
    let mut form = ObjectBuilder::new()
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .property(
            crate::upload::FILE_PART,
            binary(OCTET_STREAM).description(Some(format!(
                "{description} ({types}); its file name stands in for `filename`"
            ))),
        )
        .required(crate::upload::FILE_PART);
    for p in op.parameters.iter_mut().flatten() {
        let RefOr::T(p) = p else { continue };
        if p.parameter_in != ParameterIn::Query {
            continue;
        }
        if let Some(schema) = p.schema.clone() {
            let schema = match schema {
                RefOr::T(Schema::Object(mut o)) => {
                    if o.description.is_none() {
                        o.description.clone_from(&p.description);
                    }
                    RefOr::T(Schema::Object(o))
                }
                other => other,
            };
            form = form.property(p.name.clone(), schema);
        }
        if p.name == "filename" {
            // A form names the file by its part.
            p.required = utoipa::openapi::Required::False;
            p.description = Some(format!(
                "{} Required with a raw body; a multipart form may leave it out and name the \
                 file part instead.",
                p.description.clone().unwrap_or_default()
            ));
        }
    }
    let encoding = EncodingBuilder::new()
        .content_type(Some(types.to_owned()))
        .build();
    body.content.clear();
    body.content.insert(
        OCTET_STREAM.to_owned(),
        RefOr::T(
            ContentBuilder::new()
                .schema(Some(binary(OCTET_STREAM)))
                .build(),
        ),
    );
    body.content.insert(
        "multipart/form-data".to_owned(),
        RefOr::T(
            ContentBuilder::new()
                .schema(Some(form))
                .encoding(crate::upload::FILE_PART, encoding)
                .build(),
        ),
    );
    body.description = Some(format!(
        "{description}: the raw file ({types}) with its fields in the query string, or a \
         multipart form with the file in its `file` part and the fields as text parts"
    ));
}

/// A webhook delivery's body: one alert (documented in the `webhooks` section; the scheduler
/// builds it in `entente_store::alert`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct AlertEvent {
    /// `deadline.upcoming`, `obligation.overdue` or `measurement.breach`.
    #[schema(value_type = String, pattern = "^(deadline\\.upcoming|obligation\\.overdue|measurement\\.breach)$")]
    r#type: String,
    /// The alert's id.
    alert_id: String,
    /// The alert's unique key (subject, due date, lead time).
    key: String,
    /// The agreement it concerns.
    agreement: Option<AlertAgreement>,
    /// The obligation it concerns, if any.
    obligation_id: Option<entente_domain::ObligationId>,
    /// The due date.
    #[schema(format = Date)]
    due_date: Option<String>,
    /// Days before the due date the alert was raised at (negative: days overdue).
    lead_days: Option<i64>,
    /// One line.
    title: String,
    /// The derivation, in words.
    body: String,
    /// What the alert is about, by kind: subject, kind of date, days left, clause, derivation.
    #[schema(value_type = Object)]
    details: serde_json::Value,
    /// Who is told by e-mail and in the inbox.
    recipients: Vec<String>,
    /// When it was raised.
    #[schema(format = DateTime)]
    raised_at: String,
}

/// The agreement an alert concerns.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct AlertAgreement {
    id: entente_domain::AgreementId,
    title: String,
}

/// The `webhooks` section: what a registered endpoint receives.
fn webhooks(doc: &mut OpenApi) {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, PathItem};
    use utoipa::openapi::request_body::RequestBodyBuilder;
    use utoipa::{PartialSchema, ToSchema};
    let components = doc.components.get_or_insert_with(Components::new);
    let mut named = Vec::new();
    <AlertEvent as ToSchema>::schemas(&mut named);
    named.push(("AlertEvent".to_owned(), AlertEvent::schema()));
    named.push(("AlertAgreement".to_owned(), AlertAgreement::schema()));
    for (name, schema) in named {
        components.schemas.entry(name).or_insert(schema);
    }
    let header = |name: &str, description: &str| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(utoipa::openapi::Required::True)
            .description(Some(description))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build()
    };
    let op = OperationBuilder::new()
        .operation_id(Some("alert_raised"))
        .summary(Some("An alert was raised"))
        .description(Some(
            "POSTed to every active webhook endpoint of the organisation when an alert is raised \
             (a deadline coming up, an obligation overdue, a measured breach), signed as \
             Standard Webhooks: verify `webhook-signature` with the endpoint's secret (see \
             docs/alerts.md). A delivery is retried with the same `webhook-id` until the \
             endpoint answers 2xx.",
        ))
        .tag("alerts")
        .parameter(header(
            "webhook-id",
            "the delivery's id, the same on every retry: drop duplicates by it",
        ))
        .parameter(header("webhook-timestamp", "Unix seconds of the attempt"))
        .parameter(header(
            "webhook-signature",
            "`v1,` + base64(HMAC-SHA256(key, `{webhook-id}.{webhook-timestamp}.{body}`))",
        ))
        .request_body(Some(
            RequestBodyBuilder::new()
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("AlertEvent")))
                        .build(),
                )
                .required(Some(utoipa::openapi::Required::True))
                .build(),
        ))
        .response(
            "200",
            ResponseBuilder::new().description(
                "stored: any 2xx ends the delivery; any other answer (or none) is retried",
            ),
        )
        .build();
    let mut hooks = utoipa::openapi::Paths::new();
    hooks
        .paths
        .insert("alert".to_owned(), PathItem::new(HttpMethod::Post, op));
    doc.webhooks = Some(hooks);
}

/// A summary and a description for an operation whose handler gives none: the summary from
/// its operation id (`list_agreements` → "List agreements"), the description from what its
/// successful answer holds.
fn summarise(op: &mut Operation) {
    if op.summary.as_deref().is_none_or(str::is_empty) {
        let id = op.operation_id.clone().unwrap_or_default();
        let mut words = id.replace('_', " ");
        if let Some(first) = words.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        op.summary = Some(words);
    }
    if op.description.as_deref().is_none_or(str::is_empty) {
        let answer = op
            .responses
            .responses
            .iter()
            .find(|(code, _)| code.starts_with('2'))
            .and_then(|(code, r)| match r {
                RefOr::T(r) if !r.description.is_empty() => {
                    Some(format!("Answers {code}: {}.", r.description))
                }
                _ => None,
            });
        op.description = Some(match answer {
            Some(a) => format!("{} {a}", op.summary.clone().unwrap_or_default()),
            None => op.summary.clone().unwrap_or_default(),
        });
    }
}

/// Applies the pass described in the module documentation.
pub(crate) fn finish(doc: &mut OpenApi) {
    doc.servers = Some(vec![
        utoipa::openapi::server::ServerBuilder::new()
            .url("/")
            .description(Some("the server that serves this document"))
            .build(),
    ]);
    webhooks(doc);
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
    closed_request_bodies(doc);
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

/// The server refuses a body field an operation does not take (422 naming it), so every
/// object a JSON request body can hold states `additionalProperties: false`, and generated
/// clients and fuzzers know it. Objects inside an `allOf` stay open: each part of the
/// composition would otherwise refuse the other parts' fields.
fn closed_request_bodies(doc: &mut OpenApi) {
    let mut names = std::collections::BTreeSet::new();
    let mut inline = Vec::new();
    for item in doc.paths.paths.values() {
        for op in [&item.post, &item.put, &item.patch, &item.delete]
            .into_iter()
            .flatten()
        {
            if let Some(RefOr::T(body)) = &op.request_body
                && let Some(RefOr::T(content)) = body.content.get("application/json")
                && let Some(schema) = &content.schema
            {
                match schema {
                    RefOr::Ref(r) => {
                        names.insert(ref_name(r).to_owned());
                    }
                    RefOr::T(_) => inline.push(schema.clone()),
                }
            }
        }
    }
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    // The schemas reachable from a request body, and the ones that are parts of an `allOf`.
    let mut reach: Vec<String> = names.iter().cloned().collect();
    let mut composed = std::collections::BTreeSet::new();
    let mut seen = std::collections::BTreeSet::new();
    for s in &inline {
        refs_in(s, false, &mut reach, &mut composed);
    }
    while let Some(name) = reach.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(s) = components.schemas.get(&name) {
            refs_in(s, false, &mut reach, &mut composed);
        }
    }
    for name in seen.difference(&composed) {
        if let Some(schema) = components.schemas.get_mut(name) {
            close(schema);
        }
    }
}

fn ref_name(r: &Ref) -> &str {
    r.ref_location.rsplit('/').next().unwrap_or_default()
}

/// Collects the schema names `schema` refers to, noting those referred to from an `allOf`.
fn refs_in(
    schema: &RefOr<Schema>,
    in_all_of: bool,
    out: &mut Vec<String>,
    composed: &mut std::collections::BTreeSet<String>,
) {
    match schema {
        RefOr::Ref(r) => {
            out.push(ref_name(r).to_owned());
            if in_all_of {
                composed.insert(ref_name(r).to_owned());
            }
        }
        RefOr::T(Schema::Object(o)) => {
            for p in o.properties.values() {
                refs_in(p, false, out, composed);
            }
            if let Some(AdditionalProperties::RefOr(r)) = o.additional_properties.as_deref() {
                refs_in(r, false, out, composed);
            }
        }
        RefOr::T(Schema::Array(a)) => {
            if let ArrayItems::RefOrSchema(items) = &a.items {
                refs_in(items, false, out, composed);
            }
        }
        RefOr::T(Schema::OneOf(o)) => o
            .items
            .iter()
            .for_each(|i| refs_in(i, false, out, composed)),
        RefOr::T(Schema::AnyOf(o)) => o
            .items
            .iter()
            .for_each(|i| refs_in(i, false, out, composed)),
        RefOr::T(Schema::AllOf(o)) => o.items.iter().for_each(|i| refs_in(i, true, out, composed)),
        _ => {}
    }
}

/// Closes an object schema (and the objects inline in it) that states no
/// `additionalProperties` of its own.
fn close(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(o) => {
            if o.additional_properties.is_none() && !o.properties.is_empty() {
                o.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
            o.properties.values_mut().for_each(close);
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                close(items);
            }
        }
        Schema::OneOf(o) => o.items.iter_mut().for_each(close),
        Schema::AnyOf(o) => o.items.iter_mut().for_each(close),
        _ => {}
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
    summarise(op);
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
    if let Some((_, types)) = UPLOADS.iter().find(|(p, _)| *p == path) {
        upload_body(op, types);
    }
    if let Some((_, media)) = TEXT_BODIES.iter().find(|(p, _)| *p == path)
        && let Some(RefOr::T(body)) = op.request_body.as_mut()
        && let Some(RefOr::T(content)) = body.content.get_mut(*media)
    {
        content.schema = Some(binary(media).into());
    }
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
    if method == "post"
        && let Some((_, at)) = LOCATIONS.iter().find(|(p, _)| *p == path)
        && let Some(RefOr::T(r)) = op.responses.responses.get_mut("201")
    {
        r.headers.insert(
            "Location".to_owned(),
            RefOr::T(
                HeaderBuilder::new()
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .format(Some(SchemaFormat::Custom("uri-reference".to_owned()))),
                    ))
                    .description(Some(format!(
                        "the new resource: `{at}` (ids from the body)"
                    )))
                    .build(),
            ),
        );
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
