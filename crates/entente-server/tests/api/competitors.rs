//! The competitor context over HTTP on every backend: GET and PUT, each wrong field named with
//! nothing stored, the audit trail, the re-check and the portfolio's regulatory flags, the
//! counterparty kept out, and the agreement page's form and regulatory findings.

use crate::helpers::{party_member_token, spawn_apps};
use entente_domain::access::Role;
use reqwest::Method;
use serde_json::json;

fn fleet() -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/regulatory/fleet-vendors-hardcore.txt");
    let src = std::fs::read_to_string(p).unwrap();
    src.splitn(3, "+++\n").nth(2).unwrap().as_bytes().to_vec()
}

async fn competitors_are_entered_validated_and_used() {
    for app in spawn_apps().await {
        let (s, a) = app
            .post_bytes("/api/import?filename=fleet.txt", fleet())
            .await;
        assert_eq!(s, 201, "{}: {a}", app.label);
        let id = a["agreement_id"]
            .as_str()
            .or(a["id"].as_str())
            .unwrap()
            .to_owned();
        let path = format!("/api/agreements/{id}/competitors");

        let (s, r) = app.get(&path).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["competitors"], serde_json::Value::Null);

        // Every wrong field named; nothing stored, nothing audited.
        let before = app.footprint().await;
        let (s, r) = app
            .send(
                Method::PUT,
                &path,
                json!({"competing": "rivals", "markets": ["fleet", ""], "combined_share": 101}),
            )
            .await;
        assert_eq!(s, 422, "{r}");
        let fields: Vec<&str> = r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["competing", "markets[1]", "combined_share"], "{r}");
        assert_eq!(app.footprint().await, before);
        let (_, r) = app.get(&path).await;
        assert_eq!(r["competitors"], serde_json::Value::Null);

        let (s, r) = app
            .send(
                Method::PUT,
                &path,
                json!({"competing": "actual", "markets": ["fleet management software, EEA"], "combined_share": 34}),
            )
            .await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["competitors"]["competing"], "actual");
        assert_eq!(r["competitors"]["combined_share"], 34.0);
        let (_, r) = app.get(&path).await;
        assert_eq!(
            r["competitors"]["markets"],
            json!(["fleet management software, EEA"])
        );
        let (_, audit) = app.get(&format!("/api/agreements/{id}/audit")).await;
        assert!(
            audit.to_string().contains("agreement.competitors"),
            "{audit}"
        );

        // The stored check was redone with it; the portfolio lists the flags.
        let (_, check) = app.get(&format!("/api/agreements/{id}/check")).await;
        let findings = check["report"]["findings"].as_array().unwrap();
        let basis = findings
            .iter()
            .find(|f| f["rule_id"] == "competition.price-fixing")
            .map(|f| f["legal_basis"].as_str().unwrap().to_owned())
            .unwrap();
        assert!(basis.contains("Art. 101(1)(a) TFEU"), "{basis}");
        assert!(
            findings
                .iter()
                .any(|f| f["rule_id"] == "competition.block-exemption")
        );
        let (_, p) = app.get("/api/portfolio/risk").await;
        let flags: Vec<&str> = p["regulatory"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["flag"].as_str().unwrap())
            .collect();
        assert_eq!(
            flags,
            ["competition", "data_protection", "competitor_cooperation"],
            "{p}"
        );

        // The agreement page shows the context, its form and the findings with their basis.
        let page = app
            .client
            .get(format!("{}/agreements/{id}", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("id=\"competitors\""), "no competitor card");
        assert!(
            html.contains("actual competitors in fleet management software, EEA"),
            "context not shown"
        );
        assert!(html.contains(&format!("action=\"/agreements/{id}/competitors\"")));
        assert!(html.contains("Regulatory screen"));
        assert!(html.contains("Legal basis:</strong> Art. 101(1)(a) TFEU"));

        // A counterparty user neither sees nor sets it.
        let (_, agreement) = app.get(&format!("/api/agreements/{id}")).await;
        let party = agreement["parties"][0]["party_id"]
            .as_str()
            .or(agreement["parties"][0]["id"].as_str())
            .unwrap()
            .parse()
            .unwrap();
        let token = party_member_token(
            &app.store,
            &app.actor,
            "partner@routemaster.example",
            Role::Counterparty,
            Some(party),
        )
        .await;
        let c = crate::helpers::bearer_client(&token);
        let r = c.get(format!("{}{path}", app.addr)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404);
        let r = c
            .put(format!("{}{path}", app.addr))
            .json(&json!({"competing": "none"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
    }
}

entente_store::on_each_backend!(competitors_are_entered_validated_and_used);
