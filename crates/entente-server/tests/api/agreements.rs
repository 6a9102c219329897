use crate::helpers::{agreement_body, spawn_apps};
use entente_domain::access::Role;
use reqwest::Method;
use serde_json::json;

async fn an_agreement_can_be_created_read_listed_updated_and_deleted() {
    for app in spawn_apps().await {
        let (status, a) = app.post_agreement(agreement_body()).await;
        assert_eq!(status, 201, "{}: {a}", app.label);
        let id = a["id"].as_str().unwrap().to_owned();
        assert_eq!(a["parties"].as_array().unwrap().len(), 2);
        assert_eq!(a["terms"]["notice_period_non_renewal"]["value"], "P90D");
        assert_eq!(a["terms"]["governing_law"]["source"]["kind"], "user");

        let (_, got) = app.get(&format!("/api/agreements/{id}")).await;
        assert_eq!(got["title"], a["title"]);

        // Renewal on 2027-06-01; notice deadline 2027-03-03 is within 60 days of 2027-02-01.
        let (_, page) = app
            .get("/api/agreements?notice_within_days=60&today=2027-02-01")
            .await;
        assert_eq!(page["total"], 1);
        assert_eq!(page["items"][0]["notice_deadline"], "2027-03-03");
        let (_, page) = app
            .get("/api/agreements?notice_within_days=20&today=2027-02-01")
            .await;
        assert_eq!(page["total"], 0);
        let (_, page) = app
            .get("/api/agreements?party=globex&liability_cap=amount")
            .await;
        assert_eq!(page["total"], 1);

        let (status, upd) = app
            .send(
                Method::PATCH,
                &format!("/api/agreements/{id}"),
                json!({"title": "Renamed", "tags": ["x"]}),
            )
            .await;
        assert_eq!(
            (status, upd["title"].as_str(), upd["tags"].clone()),
            (200, Some("Renamed"), json!(["x"]))
        );

        let (status, t) = app
            .send(
                Method::PUT,
                &format!("/api/agreements/{id}/terms/liability_cap"),
                json!({"value": "uncapped", "note": "side letter"}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(t["terms"]["liability_cap"]["value"]["kind"], "uncapped");

        let (status, p) = app
            .post(
                &format!("/api/agreements/{id}/transition"),
                json!({"status": "draft"}),
            )
            .await;
        assert_eq!(status, 422);
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("allowed from active"),
            "{p}"
        );
        let (status, moved) = app
            .post(
                &format!("/api/agreements/{id}/transition"),
                json!({"status": "termination_notice", "reason": "exit"}),
            )
            .await;
        assert_eq!(
            (status, moved["status"].as_str()),
            (200, Some("termination_notice"))
        );

        let (status, o) = app
            .post(&format!("/api/agreements/{id}/obligations"), json!({"obligor": "Northwind", "text": "deliver the integration plan", "due": {"kind": "after", "period": "P30D", "event": "effective"}}))
            .await;
        assert_eq!(status, 201, "{o}");
        assert_eq!(o["due_date"], "2025-07-01");
        let (_, overdue) = app
            .get("/api/obligations?overdue=true&today=2025-08-01")
            .await;
        assert_eq!(overdue.as_array().unwrap().len(), 1);
        let oid = o["id"].as_str().unwrap();
        let (status, done) = app
            .send(
                Method::PATCH,
                &format!("/api/obligations/{oid}"),
                json!({"status": "done", "note": "sent"}),
            )
            .await;
        assert_eq!((status, done["status"].as_str()), (200, Some("done")));

        let (_, audit) = app.get(&format!("/api/agreements/{id}/audit")).await;
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "agreement.create",
                "agreement.update",
                "term.set",
                "agreement.transition",
                "obligation.create",
                "obligation.update"
            ]
        );
        let (_, v) = app.get("/api/audit/verify").await;
        assert_eq!(v["intact"], true);

        // An agreement in force keeps its record: plain deletion is refused, and so is a
        // retention deletion by a member who is not an administrator.
        let path = format!("/api/agreements/{id}");
        let (status, body) = app.send(Method::DELETE, &path, json!(null)).await;
        assert_eq!(status, 409, "{}: {body}", app.label);
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("retention policy"),
            "{body}"
        );
        let legal = crate::helpers::bearer_client(
            &crate::helpers::user_token(&app.store, &app.actor, "legal@example.com", Role::Legal)
                .await,
        );
        let r = legal
            .delete(format!("{}{path}?reason=ten%20years", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let (status, body) = app
            .send(
                Method::DELETE,
                &format!("{path}?reason=%20%20"),
                json!(null),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = app.get(&path).await;
        assert_eq!(status, 200, "refused deletions change nothing");

        // An administrator deletes it under the retention policy: a tombstone stays.
        let (status, body) = app
            .send(
                Method::DELETE,
                &format!("{path}?reason=retention%20rule%204.1%3A%20ten%20years"),
                json!(null),
            )
            .await;
        assert_eq!(status, 204, "{body}");
        let (status, _) = app.get(&path).await;
        assert_eq!(status, 404);
        let trail = app
            .store
            .list_audit(&app.actor, Some(id.parse().unwrap()))
            .await
            .unwrap();
        let tomb = trail.last().unwrap();
        assert_eq!(tomb.action, "agreement.delete");
        let details: serde_json::Value = serde_json::from_str(&tomb.details).unwrap();
        assert_eq!(details["retention_reason"], "retention rule 4.1: ten years");
        assert_eq!(
            details["status"], "termination_notice",
            "the test moved it earlier"
        );
        assert!(details["versions"].is_array(), "{details}");

        // A draft goes outright.
        let mut body = agreement_body();
        body["status"] = json!("draft");
        let (_, d) = app.post_agreement(body).await;
        let draft = format!("/api/agreements/{}", d["id"].as_str().unwrap());
        let (status, _) = app.send(Method::DELETE, &draft, json!(null)).await;
        assert_eq!(status, 204);
        let (status, _) = app.get(&draft).await;
        assert_eq!(status, 404);
    }
}

entente_store::on_each_backend!(an_agreement_can_be_created_read_listed_updated_and_deleted);

async fn lists_are_paginated_and_page_size_is_bounded() {
    for app in spawn_apps().await {
        for i in 0..3 {
            let mut b = agreement_body();
            b["title"] = json!(format!("Agreement {i}"));
            assert_eq!(app.post_agreement(b).await.0, 201);
        }
        let (_, p) = app.get("/api/agreements?limit=2&offset=0").await;
        assert_eq!(
            (p["items"].as_array().unwrap().len(), p["total"].as_u64()),
            (2, Some(3))
        );
        let (_, p2) = app.get("/api/agreements?limit=2&offset=2").await;
        assert_eq!(p2["items"].as_array().unwrap().len(), 1);
        let (status, p) = app.get("/api/agreements?limit=0").await;
        assert_eq!(status, 422);
        assert_eq!(p["errors"][0]["field"], "limit");
    }
}

entente_store::on_each_backend!(lists_are_paginated_and_page_size_is_bounded);

async fn portfolio_lists_sort_by_the_deadline_people_ask_about() {
    for app in spawn_apps().await {
        for (title, effective) in [
            ("Late", "2025-09-01"),
            ("Soon", "2025-03-01"),
            ("Middle", "2025-06-01"),
        ] {
            let mut b = agreement_body();
            b["title"] = json!(title);
            b["terms"]["effective_date"] = json!(effective);
            assert_eq!(app.post_agreement(b).await.0, 201);
        }
        // Counted from a fixed day: the next notice deadlines are 2026-12-01, 2027-03-03 and
        // 2027-06-03 (a weekend moves one back), whatever day the test runs.
        let (_, p) = app
            .get("/api/agreements?sort=notice_deadline&today=2026-06-01")
            .await;
        let titles: Vec<&str> = p["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Soon", "Middle", "Late"], "{}", app.label);
        let (_, p) = app.get("/api/agreements?sort=title").await;
        assert_eq!(p["items"][0]["title"], "Late");
        let (status, p) = app.get("/api/agreements?sort=colour").await;
        assert_eq!(status, 422);
        assert_eq!(p["errors"][0]["field"], "sort");
    }
}

entente_store::on_each_backend!(portfolio_lists_sort_by_the_deadline_people_ask_about);
