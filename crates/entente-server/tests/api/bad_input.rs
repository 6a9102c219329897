use crate::helpers::{agreement_body, spawn_apps};
use serde_json::json;

async fn invalid_agreements_are_rejected_naming_the_field_and_nothing_is_written() {
    type Mutation = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Mutation, &str)> = vec![
        (
            "one party",
            Box::new(|b| {
                b["parties"].as_array_mut().unwrap().pop();
            }),
            "parties",
        ),
        (
            "unknown currency",
            Box::new(|b| b["terms"]["liability_cap"]["currency"] = json!("XYZ")),
            "liability_cap.currency",
        ),
        (
            "impossible date",
            Box::new(|b| b["terms"]["effective_date"] = json!("2026-02-31")),
            "effective_date",
        ),
        (
            "unknown term",
            Box::new(|b| b["terms"]["favourite_colour"] = json!("blue")),
            "terms",
        ),
        (
            "bad kind",
            Box::new(|b| b["kind"] = json!("merger")),
            "kind",
        ),
        (
            "empty title",
            Box::new(|b| b["title"] = json!("  ")),
            "title",
        ),
        (
            "duplicate party",
            Box::new(|b| b["parties"][1]["legal_name"] = json!("NORTHWIND SYSTEMS INC")),
            "parties[1]",
        ),
        (
            "bad owner",
            Box::new(|b| b["owner"] = json!("not-an-email")),
            "owner",
        ),
        (
            "negative amount",
            Box::new(|b| b["terms"]["liability_cap"]["amount"] = json!("-1")),
            "liability_cap.amount",
        ),
    ];
    for app in spawn_apps().await {
        let before = app.footprint().await;
        for (what, mutate, field) in &cases {
            let mut body = agreement_body();
            mutate(&mut body);
            let (status, p) = app.post_agreement(body).await;
            assert_eq!(status, 422, "{}: {what}: {p}", app.label);
            let fields: Vec<&str> = p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["field"].as_str().unwrap())
                .collect();
            assert!(
                fields.iter().any(|f| f.contains(field)),
                "{what}: expected {field} in {fields:?}"
            );
            assert!(!p["detail"].as_str().unwrap().is_empty());
        }
        assert_eq!(
            app.footprint().await,
            before,
            "{}: failed writes left nothing behind",
            app.label
        );
    }
}

entente_store::on_each_backend!(
    invalid_agreements_are_rejected_naming_the_field_and_nothing_is_written
);

async fn malformed_json_and_ids_get_clear_problems() {
    for app in spawn_apps().await {
        let r = app
            .client
            .post(format!("{}/api/agreements", app.addr))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let (status, _) = app.get("/api/agreements/not-a-uuid").await;
        assert_eq!(status, 404);
        let (status, p) = app.get("/api/agreements?status=alive").await;
        assert_eq!(status, 422);
        assert_eq!(p["errors"][0]["field"], "status");
    }
}

entente_store::on_each_backend!(malformed_json_and_ids_get_clear_problems);

async fn bad_documents_are_rejected_and_nothing_is_written() {
    for app in spawn_apps().await {
        let before = app.footprint().await;
        let cases: [(&str, Vec<u8>, &str); 3] = [
            ("empty.txt", Vec::new(), "empty"),
            (
                "latin1.txt",
                b"Agreement between Caf\xe9 Ltd and Globex GmbH".to_vec(),
                "UTF-8",
            ),
            ("fake.docx", b"%PDF-1.7 not really".to_vec(), "PDF"),
        ];
        for (name, bytes, expect) in cases {
            let (status, p) = app
                .post_bytes(&format!("/api/import?filename={name}"), bytes)
                .await;
            assert_eq!(status, 422, "{name}: {p}");
            assert!(
                p["detail"].as_str().unwrap().contains(expect),
                "{name}: {p}"
            );
        }
        assert_eq!(app.footprint().await, before);
    }
}

entente_store::on_each_backend!(bad_documents_are_rejected_and_nothing_is_written);
