use crate::helpers::spawn_apps;

async fn the_openapi_document_is_served_and_describes_every_resource() {
    for app in spawn_apps().await {
        let (status, doc) = app.get("/api/openapi.json").await;
        assert_eq!(status, 200);
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "OpenAPI 3.1: {}",
            doc["openapi"]
        );
        let paths = doc["paths"].as_object().unwrap();
        for p in [
            "/api/agreements",
            "/api/agreements/{id}",
            "/api/agreements/{id}/transition",
            "/api/agreements/{id}/terms/{field}",
            "/api/import",
            "/api/agreements/{id}/versions",
            "/api/agreements/{id}/clauses",
            "/api/search",
            "/api/parties",
            "/api/obligations",
            "/api/obligations/{id}",
            "/api/audit/verify",
            "/api/templates",
            "/api/drafts/preview",
            "/api/drafts",
            "/api/agreements/{id}/positions",
        ] {
            assert!(paths.contains_key(p), "{p} documented");
        }
        // Every response has the description OpenAPI 3.1 requires; every error is a problem
        // document; every operation but the public ones declares the credentials it needs and
        // the 401 and 403 it answers without them.
        let shared = &doc["components"]["responses"];
        let public = [
            ("post", "/api/session"),
            ("post", "/api/password-reset"),
            ("post", "/api/invitations/accept"),
            ("get", "/calendar/{file}"),
        ];
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["bearer"]["scheme"], "bearer");
        assert_eq!(
            (
                schemes["session"]["type"].as_str(),
                schemes["session"]["in"].as_str()
            ),
            (Some("apiKey"), Some("cookie"))
        );
        assert_eq!(
            (
                schemes["csrf"]["in"].as_str(),
                schemes["csrf"]["name"].as_str()
            ),
            (Some("header"), Some("x-csrf-token"))
        );
        // Every media type a route answers with is declared.
        for (path, media) in [
            ("/api/agreements/{id}/audit/export", "text/csv"),
            ("/api/agreements/{id}/audit/export", "application/json"),
            (
                "/api/agreements/{id}/redline",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            ("/api/agreements/{id}/redline", "application/json"),
            ("/calendar/{file}", "text/calendar"),
        ] {
            assert!(
                paths[path]["get"]["responses"]["200"]["content"][media].is_object(),
                "{path} declares {media}"
            );
        }
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                let responses = op["responses"].as_object().unwrap();
                for (code, r) in responses {
                    let r = match r["$ref"].as_str() {
                        Some(name) => &shared[name.rsplit('/').next().unwrap()],
                        None => r,
                    };
                    assert!(
                        r["description"].as_str().is_some_and(|d| !d.is_empty()),
                        "{method} {path} {code} lacks a description"
                    );
                    if code.starts_with('4') || code.starts_with('5') {
                        let types: Vec<_> = r["content"].as_object().unwrap().keys().collect();
                        assert_eq!(
                            types,
                            ["application/problem+json"],
                            "{method} {path} {code}"
                        );
                    }
                }
                let is_public = public.contains(&(method.as_str(), path.as_str()));
                // Every operation states its own security: none for the public ones; a bearer
                // token, or the session cookie (with its CSRF header when it changes state).
                let session = if method == "get" {
                    serde_json::json!({"session": []})
                } else {
                    serde_json::json!({"session": [], "csrf": []})
                };
                let expected = if is_public {
                    serde_json::json!([])
                } else {
                    serde_json::json!([{"bearer": []}, session])
                };
                assert_eq!(op["security"], expected, "{method} {path}");
                if !is_public {
                    for code in ["401", "403"] {
                        assert!(responses.contains_key(code), "{method} {path} {code}");
                    }
                }
            }
        }
        // Every referenced schema exists, so generators and validators can resolve the document.
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for part in text.split("\"#/components/schemas/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(
                schemas.contains_key(name),
                "schema {name} is referenced but missing"
            );
        }
        // Repeatable filters are arrays sent as repeated parameters; `sort` lists both
        // directions of each order.
        let params = doc["paths"]["/api/agreements"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let param = |name: &str| params.iter().find(|p| p["name"] == name).unwrap().clone();
        for name in [
            "status",
            "kind",
            "owner",
            "tag",
            "governing_law",
            "liability_cap",
        ] {
            let p = param(name);
            let ty = &p["schema"]["type"];
            assert!(
                ty == "array" || ty.as_array().is_some_and(|t| t.contains(&"array".into())),
                "{name}: {p}"
            );
        }
        let sort = param("sort").to_string();
        assert!(
            sort.contains("\"-title\"") && sort.contains("\"notice_deadline\""),
            "{sort}"
        );
        assert!(!param("q")["schema"]["type"].to_string().contains("array"));
        let (status, health) = app.get("/healthz").await;
        assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    }
}

entente_store::on_each_backend!(the_openapi_document_is_served_and_describes_every_resource);

async fn unknown_routes_answer_with_a_problem_document() {
    for app in spawn_apps().await {
        let (status, p) = app.get("/api/nope").await;
        assert_eq!(status, 404);
        assert_eq!(p["status"], 404);
        assert!(p["detail"].as_str().unwrap().contains("/api/nope"));
    }
}

entente_store::on_each_backend!(unknown_routes_answer_with_a_problem_document);
