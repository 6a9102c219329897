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

#[tokio::test]
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
