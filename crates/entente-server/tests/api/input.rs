//! Request input at its edges: search text with LIKE wildcards, parameter ranges, unknown
//! parameters, oversized collections, and errors from the HTTP layers as problem documents.

use crate::helpers::{agreement_body, spawn_apps};
use serde_json::{Value, json};

fn titles(page: &Value) -> Vec<String> {
    let mut t: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

async fn percent_and_underscore_in_searches_match_literally() {
    for app in spawn_apps().await {
        let mut literal = agreement_body();
        literal["title"] = json!("Uptime 100% Pledge");
        literal["parties"][0]["legal_name"] = json!("Under_Score Ltd");
        literal["parties"][0]["short_name"] = json!("Under_Score");
        let mut other = agreement_body();
        other["title"] = json!("Uptime 1000 Pledge");
        other["parties"][0]["legal_name"] = json!("UnderXScore Ltd");
        other["parties"][0]["short_name"] = json!("UnderXScore");
        for body in [literal, other] {
            let (status, p) = app.post_agreement(body).await;
            assert_eq!(status, 201, "{p}");
        }
        let l = &app.label;
        let (_, p) = app.get("/api/agreements?q=100%25").await;
        assert_eq!(titles(&p), ["Uptime 100% Pledge"], "{l}: q=100%");
        let (_, p) = app.get("/api/agreements?q=%25").await;
        assert_eq!(titles(&p), ["Uptime 100% Pledge"], "{l}: q=%");
        let (_, p) = app.get("/api/agreements?q=uptime%20100_").await;
        assert!(titles(&p).is_empty(), "{l}: q=uptime 100_: {p}");
        let (_, p) = app.get("/api/agreements?q=%5C").await;
        assert!(titles(&p).is_empty(), "{l}: q=\\: {p}");
        let (_, p) = app.get("/api/agreements?party=under_score").await;
        assert_eq!(titles(&p), ["Uptime 100% Pledge"], "{l}: party=under_score");
        let (_, p) = app.get("/api/agreements?party=_").await;
        assert_eq!(titles(&p), ["Uptime 100% Pledge"], "{l}: party=_");
        let (status, p) = app.get("/api/parties?q=under_score").await;
        assert_eq!(status, 200, "{p}");
        let names: Vec<&str> = p
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["legal_name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Under_Score Ltd"], "{l}: parties q=under_score");
        let (_, p) = app.get("/api/parties?q=%25").await;
        assert!(p.as_array().unwrap().is_empty(), "{l}: parties q=%: {p}");
    }
}

entente_store::on_each_backend!(percent_and_underscore_in_searches_match_literally);

async fn unknown_query_parameters_are_refused_naming_them_and_the_accepted_ones() {
    for app in spawn_apps().await {
        let (status, a) = app.post_agreement(agreement_body()).await;
        assert_eq!(status, 201, "{a}");
        let id = a["id"].as_str().unwrap();
        let routes = [
            (
                "/api/agreements?status=active&limt=5".to_owned(),
                "limt",
                "limit",
            ),
            (
                "/api/agreements?bogus=1".to_owned(),
                "bogus",
                "notice_within_days",
            ),
            (
                "/api/deadlines?within=30".to_owned(),
                "within",
                "within_days",
            ),
            (
                "/api/obligations?due_within=30".to_owned(),
                "due_within",
                "due_within_days",
            ),
            ("/api/alerts?count=5".to_owned(), "count", "limit"),
            ("/api/deliveries?count=5".to_owned(), "count", "target"),
            ("/api/parties?name=x".to_owned(), "name", "q"),
            ("/api/search?q=term&max=3".to_owned(), "max", "limit"),
            (
                "/api/inbox?only_unread=true".to_owned(),
                "only_unread",
                "unread",
            ),
            (
                format!("/api/agreements/{id}/dates?to=2030-01-01"),
                "to",
                "until",
            ),
            (
                format!("/api/agreements/{id}/consolidated?date=2030-01-01"),
                "date",
                "on",
            ),
            (
                format!("/api/agreements/{id}/redline?fmt=docx"),
                "fmt",
                "format",
            ),
            (
                format!("/api/agreements/{id}/audit/export?fmt=csv"),
                "fmt",
                "format",
            ),
            (
                format!("/api/agreements/{id}/clauses?version=1"),
                "version",
                "version_id",
            ),
        ];
        for (path, unknown, accepted) in &routes {
            let (status, p) = app.get(path).await;
            assert_eq!(status, 422, "{}: {path}: {p}", app.label);
            assert_eq!(p["errors"][0]["field"], *unknown, "{path}: {p}");
            let detail = p["detail"].as_str().unwrap();
            assert!(
                detail.contains("unknown query parameter") && detail.contains(accepted),
                "{path}: {detail}"
            );
        }
        // Known parameters still work, and a bad value names its parameter.
        let (status, p) = app.get("/api/agreements?status=active&limit=5").await;
        assert_eq!(status, 200, "{p}");
        let (status, p) = app.get("/api/alerts?limit=abc").await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "limit", "{p}");
    }
}

entente_store::on_each_backend!(
    unknown_query_parameters_are_refused_naming_them_and_the_accepted_ones
);

/// Asserts a raw response is a problem document with `status`, and returns it.
async fn problem_of(r: reqwest::Response, status: u16) -> (reqwest::header::HeaderMap, Value) {
    assert_eq!(r.status().as_u16(), status);
    let headers = r.headers().clone();
    assert_eq!(
        headers.get("content-type").map(|v| v.to_str().unwrap()),
        Some("application/problem+json"),
        "status {status}"
    );
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["status"], status, "{p}");
    assert!(!p["detail"].as_str().unwrap().is_empty(), "{p}");
    (headers, p)
}

async fn errors_from_the_http_layers_are_problem_documents() {
    let apps = crate::helpers::spawn_apps_with(|s| s.limits.max_bytes = 1024).await;
    for app in apps {
        // 405, with the allowed methods kept in `Allow` and named in the detail.
        let r = app
            .client
            .put(format!("{}/api/agreements", app.addr))
            .send()
            .await
            .unwrap();
        let (h, p) = problem_of(r, 405).await;
        assert!(h.get("allow").is_some());
        assert!(p["detail"].as_str().unwrap().contains("PUT"), "{p}");
        // 413: a body above the limit (the upload limit plus 64 KiB).
        let r = app
            .client
            .post(format!("{}/api/import?filename=a.txt", app.addr))
            .body(vec![b'a'; 200 * 1024])
            .send()
            .await
            .unwrap();
        problem_of(r, 413).await;
        // 414: a request target above 8 KiB.
        let r = app
            .client
            .get(format!(
                "{}/api/agreements?q={}",
                app.addr,
                "a".repeat(10_000)
            ))
            .send()
            .await
            .unwrap();
        let (_, p) = problem_of(r, 414).await;
        assert!(p["detail"].as_str().unwrap().contains("8192"), "{p}");
        // 415: a JSON route sent something else.
        let r = app
            .client
            .post(format!("{}/api/agreements", app.addr))
            .header("content-type", "text/plain")
            .body("title=x")
            .send()
            .await
            .unwrap();
        problem_of(r, 415).await;
    }
}

entente_store::on_each_backend!(errors_from_the_http_layers_are_problem_documents);

async fn numbers_and_dates_out_of_their_range_are_refused_naming_the_parameter() {
    for app in spawn_apps().await {
        let (status, a) = app.post_agreement(agreement_body()).await;
        assert_eq!(status, 201, "{a}");
        let id = a["id"].as_str().unwrap();
        let cases = [
            (
                "/api/deadlines?within_days=7304485".to_owned(),
                "within_days",
            ),
            ("/api/deadlines?within_days=36601".to_owned(), "within_days"),
            (
                "/api/deadlines?within_days=4294967296".to_owned(),
                "within_days",
            ),
            ("/api/deadlines?limit=10001".to_owned(), "limit"),
            (
                "/api/obligations?due_within_days=7304485".to_owned(),
                "due_within_days",
            ),
            ("/api/alerts?limit=2147483648".to_owned(), "limit"),
            ("/api/alerts?limit=0".to_owned(), "limit"),
            ("/api/deliveries?limit=2147483648".to_owned(), "limit"),
            ("/api/search?q=term&limit=201".to_owned(), "limit"),
            ("/api/agreements?limit=501".to_owned(), "limit"),
            ("/api/agreements?offset=4294967296".to_owned(), "offset"),
            (
                format!("/api/agreements/{id}/dates?until=9999-12-31"),
                "until",
            ),
        ];
        for (path, field) in &cases {
            let (status, p) = app.get(path).await;
            assert_eq!(status, 422, "{}: {path}: {p}", app.label);
            assert_eq!(p["errors"][0]["field"], *field, "{path}: {p}");
        }
        // The edges of each range are accepted, including from the last supported day.
        for path in [
            "/api/deadlines?within_days=36600".to_owned(),
            "/api/deadlines?within_days=5&today=9999-12-30".to_owned(),
            "/api/obligations?due_within_days=36600".to_owned(),
            "/api/obligations?due_within_days=5&today=9999-12-30".to_owned(),
            "/api/alerts?limit=5000".to_owned(),
            "/api/deliveries?limit=1".to_owned(),
        ] {
            let (status, p) = app.get(&path).await;
            assert_eq!(status, 200, "{}: {path}: {p}", app.label);
        }
    }
}

entente_store::on_each_backend!(
    numbers_and_dates_out_of_their_range_are_refused_naming_the_parameter
);

async fn oversized_collections_are_refused_first_naming_the_field() {
    for app in spawn_apps().await {
        let before = app.footprint().await;
        let mut body = agreement_body();
        let party = body["parties"][0].clone();
        body["parties"] = Value::Array(
            (0..20_000)
                .map(|i| {
                    let mut p = party.clone();
                    p["legal_name"] = json!(format!("Party {i} Ltd"));
                    p
                })
                .collect(),
        );
        let (status, p) = app.post_agreement(body).await;
        assert_eq!(status, 422, "{}", app.label);
        assert_eq!(p["errors"][0]["field"], "parties", "{p}");
        assert_eq!(
            p["errors"].as_array().unwrap().len(),
            1,
            "only the size is reported"
        );

        let tags: Vec<String> = (0..100_000).map(|i| format!("t{i}")).collect();
        let mut body = agreement_body();
        body["tags"] = json!(tags);
        let (status, p) = app.post_agreement(body).await;
        assert_eq!(status, 422, "{}", app.label);
        assert_eq!(p["errors"][0]["field"], "tags", "{p}");
        assert_eq!(app.footprint().await, before, "nothing was written");

        let (status, a) = app.post_agreement(agreement_body()).await;
        assert_eq!(status, 201, "{a}");
        let id = a["id"].as_str().unwrap();
        let (status, p) = app
            .send(
                reqwest::Method::PATCH,
                &format!("/api/agreements/{id}"),
                json!({ "tags": tags }),
            )
            .await;
        assert_eq!(status, 422, "{}", app.label);
        assert_eq!(p["errors"][0]["field"], "tags", "{p}");
        let (_, now) = app.get(&format!("/api/agreements/{id}")).await;
        assert_eq!(now["tags"], a["tags"], "the tags are unchanged");

        let ids: Vec<String> = (0..1001).map(|_| uuid_like()).collect();
        let (status, p) = app
            .send(
                reqwest::Method::PUT,
                &format!("/api/agreements/{id}/access"),
                json!({ "user_ids": ids }),
            )
            .await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "user_ids", "{p}");

        let changes: serde_json::Map<String, Value> =
            (0..101).map(|i| (format!("f{i}"), json!("x"))).collect();
        let (status, p) = app
            .post(
                &format!("/api/agreements/{id}/amendments"),
                json!({ "effective_date": "2026-01-01", "summary": "s", "text": "x", "changes": changes }),
            )
            .await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "changes", "{p}");
    }
}

entente_store::on_each_backend!(oversized_collections_are_refused_first_naming_the_field);

fn uuid_like() -> String {
    // A well-formed id of nobody: the size check comes before any lookup.
    "0190f0e0-0000-7000-8000-000000000000".to_owned()
}
