//! What an integrator's generated client relies on: the authorization scheme in any case, the
//! change feed and paged audit trails, idempotent creation and conditional writes.

use crate::helpers::{agreement_body, spawn_apps};
use serde_json::{Value, json};

/// A client that sends `Authorization` with the scheme spelt `scheme`.
fn scheme_client(scheme: &str, token: &str) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::AUTHORIZATION,
        format!("{scheme} {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(h)
        .build()
        .unwrap()
}

async fn authorization_scheme_is_case_insensitive() {
    for app in spawn_apps().await {
        let (s, t) = app.post("/api/tokens", json!({"name": "cases"})).await;
        assert_eq!(s, 201, "{t}");
        let token = t["token"].as_str().unwrap();
        for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
            let r = scheme_client(scheme, token)
                .get(format!("{}/api/me", app.addr))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{} scheme {scheme}", app.label);
        }
        for scheme in ["Basic", "Bearerx", "Token"] {
            let r = scheme_client(scheme, token)
                .get(format!("{}/api/me", app.addr))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401, "{} scheme {scheme}", app.label);
        }
    }
}

entente_store::on_each_backend!(authorization_scheme_is_case_insensitive);
