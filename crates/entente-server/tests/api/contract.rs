//! The API contract as generated clients meet it: uploads as binary bodies or multipart forms,
//! fully typed term schemas with unions told apart by a tag.

use crate::helpers::{TestApp, spawn_apps};
use serde_json::{Value, json};

const KESTREL: &str =
    include_str!("../../../../tests/corpus/lifecycle/kestrel-orbis-boxing-day.txt");

const BOUNDARY: &str = "entente-test-boundary-7f3a";

/// A `multipart/form-data` body: text parts, then the file in the part `file_part` (if any).
fn form(fields: &[(&str, &str)], file_part: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((part, filename, bytes)) = file_part {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{filename}\"\r\nContent-Type: text/plain\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

async fn post_form(app: &TestApp, path: &str, body: Vec<u8>) -> (u16, Value) {
    let r = app
        .client
        .post(format!("{}{path}", app.addr))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn a_document_travels_with_its_fields_in_a_multipart_form() {
    for app in spawn_apps().await {
        // Arrange: the fields as text parts, the file name from the file part.
        let body = form(
            &[("owner", "bd@example.com"), ("tags", "alpha,beta")],
            Some(("file", "kestrel.txt", KESTREL.as_bytes())),
        );

        // Act
        let (status, imported) = post_form(&app, "/api/import", body).await;

        // Assert: stored with the form's fields.
        assert_eq!(status, 201, "{}: {imported}", app.label);
        let id = imported["agreement_id"].as_str().unwrap().to_owned();
        let (_, a) = app.get(&format!("/api/agreements/{id}")).await;
        assert_eq!(a["owner"], "bd@example.com", "{a}");
        assert_eq!(a["tags"], serde_json::json!(["alpha", "beta"]), "{a}");

        // A new version by form too.
        let body = form(&[], Some(("file", "kestrel-v2.txt", KESTREL.as_bytes())));
        let (status, v) = post_form(&app, &format!("/api/agreements/{id}/versions"), body).await;
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["number"], 2, "{v}");
    }
}

entente_store::on_each_backend!(a_document_travels_with_its_fields_in_a_multipart_form);

async fn a_bad_upload_form_lists_every_fault_and_stores_nothing() {
    for app in spawn_apps().await {
        let before = app.footprint().await;
        let cases: [(&str, Vec<u8>, &[&str]); 3] = [
            (
                "an unknown field and a field twice",
                form(
                    &[
                        ("titel", "x"),
                        ("owner", "a@example.com"),
                        ("owner", "b@example.com"),
                    ],
                    Some(("file", "k.txt", KESTREL.as_bytes())),
                ),
                &["titel", "owner"],
            ),
            (
                "no file part",
                form(&[("owner", "a@example.com")], None),
                &["file"],
            ),
            (
                "a bad value in a text part",
                form(
                    &[("template", "maybe")],
                    Some(("file", "k.txt", KESTREL.as_bytes())),
                ),
                &["template"],
            ),
        ];
        for (case, body, fields) in cases {
            let (status, p) = post_form(&app, "/api/import", body).await;
            assert_eq!(status, 422, "{case}: {p}");
            let named: Vec<&str> = p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["field"].as_str().unwrap())
                .collect();
            assert_eq!(named, fields, "{case}: {p}");
        }
        assert_eq!(app.footprint().await, before, "nothing stored");
    }
}

entente_store::on_each_backend!(a_bad_upload_form_lists_every_fault_and_stores_nothing);

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let s = &doc["components"]["schemas"][name];
    assert!(s.is_object(), "schema {name} is declared");
    s
}

async fn uploads_are_binary_and_terms_are_typed_unions_with_tags() {
    let app = spawn_apps().await.remove(0);
    let (_, doc) = app.get("/api/openapi.json").await;

    // Uploads: a binary body, or a form with a `file` part and the accepted types.
    for path in [
        "/api/import",
        "/api/agreements/{id}/versions",
        "/api/obligations/{id}/occurrences/{due}/evidence",
    ] {
        let content = &doc["paths"][path]["post"]["requestBody"]["content"];
        let raw = &content["application/octet-stream"]["schema"];
        assert_eq!(
            (raw["type"].as_str(), raw["format"].as_str()),
            (Some("string"), Some("binary")),
            "{path}: {raw}"
        );
        let form = &content["multipart/form-data"];
        assert_eq!(form["schema"]["properties"]["file"]["format"], "binary");
        assert_eq!(form["schema"]["required"], serde_json::json!(["file"]));
        assert!(
            form["encoding"]["file"]["contentType"].is_string(),
            "{path}: {form}"
        );
    }
    let csv = &doc["paths"]["/api/measurements/import"]["post"]["requestBody"]["content"]["text/csv"]
        ["schema"];
    assert_eq!(csv["format"], "binary", "{csv}");
    // No body anywhere is an array of integers.
    assert!(
        !doc.to_string().contains(
            r#"{"items":{"format":"int32","minimum":0,"type":"integer"},"type":"array"}"#
        )
    );

    // Terms: one typed property per field, each value with its source.
    let terms = schema(&doc, "Terms");
    let props = terms["properties"].as_object().unwrap();
    assert_eq!(props.len(), entente_domain::terms::TermField::ALL.len());
    assert_eq!(
        props["effective_date"]["$ref"],
        "#/components/schemas/SourcedDate"
    );
    assert_eq!(
        props["liability_cap"]["$ref"],
        "#/components/schemas/SourcedCap"
    );
    let sourced = schema(&doc, "SourcedDate");
    assert_eq!(
        sourced["properties"]["value"]["$ref"],
        "#/components/schemas/Date"
    );
    assert_eq!(
        sourced["properties"]["source"]["$ref"],
        "#/components/schemas/Source"
    );

    // Unions carry their tag, and every field maps to one shape.
    let cap = schema(&doc, "LiabilityCap");
    assert_eq!(cap["discriminator"]["propertyName"], "kind", "{cap}");
    for union in ["ConsolidatedValue", "ReviewItem"] {
        let u = schema(&doc, union);
        assert_eq!(u["discriminator"]["propertyName"], "field", "{union}");
        assert_eq!(
            u["discriminator"]["mapping"].as_object().unwrap().len(),
            entente_domain::terms::TermField::ALL.len(),
            "{union}"
        );
    }
    // Dates and instants state their formats.
    assert_eq!(schema(&doc, "Date")["format"], "date");
    let mut unformatted = Vec::new();
    instants_without_format(&doc, "", &mut unformatted);
    assert!(unformatted.is_empty(), "no format: {unformatted:?}");
}

/// Properties named as instants (`…_at`, `at`) that are strings without `format: date-time`.
fn instants_without_format(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Object(props)) = o.get("properties") {
                for (name, p) in props {
                    let is_string = p["type"] == "string"
                        || p["type"]
                            .as_array()
                            .is_some_and(|t| t.iter().any(|t| t == "string"));
                    if (name.ends_with("_at") || name == "at")
                        && is_string
                        && p["format"] != "date-time"
                    {
                        out.push(format!("{path}.{name}"));
                    }
                }
            }
            for (k, child) in o {
                instants_without_format(child, &format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|i| instants_without_format(i, path, out)),
        _ => {}
    }
}

entente_store::on_each_backend!(uploads_are_binary_and_terms_are_typed_unions_with_tags);

async fn deadlines_page_by_cursor_with_no_hidden_cap() {
    for app in spawn_apps().await {
        let (status, imported) = app
            .post_bytes(
                "/api/import?filename=kestrel.txt",
                KESTREL.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 201, "{imported}");
        let id = imported["agreement_id"].as_str().unwrap();
        let (_, whole) = app
            .get(&format!("/api/deadlines?agreement_id={id}&limit=5000"))
            .await;
        let whole = whole["items"].as_array().unwrap().clone();
        assert!(whole.len() > 3, "{}", whole.len());

        // Three a page, following next_cursor: the same deadlines in the same order.
        let mut paged = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                None => format!("/api/deadlines?agreement_id={id}&limit=3"),
                Some(c) => format!("/api/deadlines?agreement_id={id}&limit=3&cursor={c}"),
            };
            let (status, page) = app.get(&path).await;
            assert_eq!(status, 200, "{page}");
            assert_eq!(page["limit"], 3);
            paged.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(paged, whole);

        // A cursor of another list is named.
        let (_, feed) = app.get("/api/audit?limit=1").await;
        let foreign = feed["next_cursor"].as_str().unwrap();
        let (status, p) = app.get(&format!("/api/deadlines?cursor={foreign}")).await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "cursor", "{p}");
    }
}

entente_store::on_each_backend!(deadlines_page_by_cursor_with_no_hidden_cap);

async fn a_create_answers_201_with_the_location_of_what_it_made() {
    for app in spawn_apps().await {
        let r = app
            .client
            .post(format!("{}/api/agreements", app.addr))
            .json(&crate::helpers::agreement_body())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let made: Value = r.json().await.unwrap();
        assert_eq!(
            location,
            format!("/api/agreements/{}", made["id"].as_str().unwrap())
        );
        let (status, read) = app.get(&location).await;
        assert_eq!((status, &read["id"]), (200, &made["id"]));

        let r = app
            .client
            .post(format!("{}/api/import?filename=kestrel.txt", app.addr))
            .body(KESTREL.as_bytes().to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let imported: Value = r.json().await.unwrap();
        assert_eq!(
            location,
            format!(
                "/api/agreements/{}",
                imported["agreement_id"].as_str().unwrap()
            )
        );
        assert_eq!(app.get(&location).await.0, 200);
    }
}

entente_store::on_each_backend!(a_create_answers_201_with_the_location_of_what_it_made);

async fn a_body_field_the_operation_does_not_take_is_refused_and_nothing_changes() {
    for app in spawn_apps().await {
        // A misspelt field at the top and one inside a party: both named, nothing stored.
        let mut body = crate::helpers::agreement_body();
        body["titel"] = json!("Misspelt");
        body["parties"][1]["legal_nme"] = json!("Typo GmbH");
        let (status, p) = app.post("/api/agreements", body).await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["type"], "/problems/validation", "{p}");
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["parties[1].legal_nme", "titel"], "{p}");
        assert!(
            p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["message"] == "unknown field"),
            "{p}"
        );
        let (_, list) = app.get("/api/agreements").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 0, "{list}");

        // An unknown field beside a missing one: both are listed in one answer.
        let (status, p) = app
            .post("/api/agreements", json!({"titel": "x", "parties": []}))
            .await;
        assert_eq!(status, 422, "{p}");
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"titel") && fields.contains(&"title"),
            "{p}"
        );

        // A PATCH with an unknown field changes nothing.
        let (status, made) = app
            .post("/api/agreements", crate::helpers::agreement_body())
            .await;
        assert_eq!(status, 201, "{made}");
        let id = made["id"].as_str().unwrap();
        let r = app
            .client
            .patch(format!("{}/api/agreements/{id}", app.addr))
            .json(&json!({"title": "Renamed", "owner_email": "x@example.com"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "owner_email", "{p}");
        let (_, read) = app.get(&format!("/api/agreements/{id}")).await;
        assert_eq!(read["title"], made["title"], "{read}");
    }
}

entente_store::on_each_backend!(
    a_body_field_the_operation_does_not_take_is_refused_and_nothing_changes
);

async fn a_malformed_id_is_a_404_in_the_path_and_a_422_naming_it_elsewhere() {
    for app in spawn_apps().await {
        for path in [
            "/api/agreements/not-a-uuid",
            "/api/agreements/not-a-uuid/dates",
            "/api/obligations/not-a-uuid",
        ] {
            let (status, p) = app.get(path).await;
            assert_eq!(status, 404, "{path}: {p}");
        }
        for path in [
            "/api/deadlines?agreement_id=not-a-uuid",
            "/api/obligations?agreement_id=not-a-uuid",
        ] {
            let (status, p) = app.get(path).await;
            assert_eq!(status, 422, "{path}: {p}");
            assert_eq!(p["errors"][0]["field"], "agreement_id", "{path}: {p}");
            assert!(
                p["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("expected a UUID"),
                "{p}"
            );
        }
        let mut body = crate::helpers::agreement_body();
        body["parties"][0] = json!({"party_id": "not-a-uuid", "role": "partner"});
        let (status, p) = app.post("/api/agreements", body).await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "parties[0].party_id", "{p}");
    }
}

entente_store::on_each_backend!(a_malformed_id_is_a_404_in_the_path_and_a_422_naming_it_elsewhere);

async fn the_findings_list_refuses_a_parameter_it_does_not_take() {
    for app in spawn_apps().await {
        let (status, p) = app.get("/api/findings?severity=high").await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "severity", "{p}");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("min_severity"),
            "{p}"
        );
        let (status, p) = app.get("/api/findings?min_severity=high").await;
        assert_eq!(status, 200, "{p}");
    }
}

entente_store::on_each_backend!(the_findings_list_refuses_a_parameter_it_does_not_take);
