//! `GET /api/agreements/{id}/audit/export?format=csv` never writes a cell a spreadsheet would
//! run: every change made by a member whose e-mail is `=1+2@example.com` or
//! `+1-2@example.com` (both valid addresses) exports with the actor cell as `'=…` / `'+…`.

use crate::helpers::{bearer_client, spawn_apps, user_token};
use entente_domain::access::Role;
use reqwest::Method;
use serde_json::json;

async fn the_audit_csv_export_neutralises_formula_cells() {
    for app in spawn_apps().await {
        let l = app.label.clone();
        let (status, a) = app
            .post_agreement(json!({
                "title": "Northwind–Globex Integration", "status": "active",
                "parties": [{"legal_name": "Northwind Systems, Inc.", "role": "partner"},
                            {"legal_name": "Globex GmbH", "role": "partner"}],
            }))
            .await;
        assert_eq!(status, 201, "{l}: {a}");
        let id = a["id"].as_str().unwrap();
        for (email, title) in [
            ("=1+2@example.com", "=SUM(1,2) Integration"),
            ("+1-2@example.com", "-1 Integration"),
        ] {
            let token = user_token(&app.store, &app.actor, email, Role::Legal).await;
            let r = bearer_client(&token)
                .request(Method::PATCH, format!("{}/api/agreements/{id}", app.addr))
                .json(&json!({"title": title}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{l}: {email}: {}", r.text().await.unwrap());
        }
        let r = app
            .client
            .get(format!(
                "{}/api/agreements/{id}/audit/export?format=csv",
                app.addr
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let csv = r.text().await.unwrap();
        let actors: Vec<&str> = csv
            .lines()
            .skip(1)
            .filter_map(|line| line.split(',').nth(2))
            .collect();
        // The actor is the member's address (and the token it acted with).
        assert!(
            actors.iter().any(|a| a.starts_with("'=1+2@example.com")),
            "{l}: {csv}"
        );
        assert!(
            actors.iter().any(|a| a.starts_with("'+1-2@example.com")),
            "{l}: {csv}"
        );
        assert!(
            !actors.iter().any(|a| a.starts_with(['=', '+', '-', '@'])),
            "{l}: {actors:?}"
        );
        // The JSON export keeps the values as they are.
        let (_, events) = app.get(&format!("/api/agreements/{id}/audit/export")).await;
        assert!(
            events.as_array().unwrap().iter().any(|e| e["actor"]
                .as_str()
                .is_some_and(|a| a.starts_with("=1+2@example.com"))),
            "{l}"
        );
    }
}

entente_store::on_each_backend!(the_audit_csv_export_neutralises_formula_cells);
