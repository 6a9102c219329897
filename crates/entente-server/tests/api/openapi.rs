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
        ] {
            assert!(paths.contains_key(p), "{p} documented");
        }
        // Every response has the description OpenAPI 3.1 requires.
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                for (code, r) in op["responses"].as_object().unwrap() {
                    assert!(
                        r["description"].as_str().is_some_and(|d| !d.is_empty()),
                        "{method} {path} {code} lacks a description"
                    );
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
