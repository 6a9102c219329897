use crate::helpers::{agreement_body, spawn_apps};
use entente_domain::access::Role;
use reqwest::Method;
use serde_json::{Value, json};

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
        let (_, p) = app.get("/api/agreements?limit=2").await;
        assert_eq!(
            (
                p["items"].as_array().unwrap().len(),
                p["total"].as_u64(),
                p["limit"].as_u64()
            ),
            (2, Some(3), Some(2))
        );
        let cursor = p["next_cursor"].as_str().unwrap();
        let (_, p2) = app
            .get(&format!("/api/agreements?limit=2&cursor={cursor}"))
            .await;
        assert_eq!(p2["items"].as_array().unwrap().len(), 1);
        assert!(p2.get("next_cursor").is_none(), "the last page: {p2}");
        // Out of range, a foreign cursor and a cursor of another order: each named, at once.
        let (status, p) = app
            .get("/api/agreements?limit=0&cursor=bm90LWEtY3Vyc29y&within_dayz=3")
            .await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "within_dayz", "{p}");
        let (status, p) = app
            .get("/api/agreements?limit=0&cursor=bm90LWEtY3Vyc29y")
            .await;
        assert_eq!(status, 422, "{p}");
        let fields: Vec<_> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["limit", "cursor"], "{p}");
        let (status, p) = app
            .get(&format!(
                "/api/agreements?limit=2&sort=title&cursor={cursor}"
            ))
            .await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "cursor", "{p}");
    }
}

/// Pages through `/api/agreements` with `query`, calling `between` after each page.
async fn page_all(
    app: &crate::helpers::TestApp,
    query: &str,
    mut between: impl AsyncFnMut(usize),
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for page in 0.. {
        let path = match &cursor {
            None => format!("/api/agreements?{query}"),
            Some(c) => format!("/api/agreements?{query}&cursor={c}"),
        };
        let (status, p) = app.get(&path).await;
        assert_eq!(status, 200, "{p}");
        seen.extend(
            p["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned()),
        );
        match p["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        between(page).await;
    }
    seen
}

async fn paging_under_concurrent_edits_neither_repeats_nor_skips() {
    for app in spawn_apps().await {
        let mut ids = Vec::new();
        for i in 0..7 {
            let mut b = agreement_body();
            b["title"] = json!(format!("Agreement {i}"));
            let (status, a) = app.post_agreement(b).await;
            assert_eq!(status, 201);
            ids.push(a["id"].as_str().unwrap().to_owned());
        }

        // Newest first, while agreements are edited (each edit moves one to the front) and one
        // is added between pages.
        let mut edited = Vec::new();
        let seen = page_all(&app, "limit=2", async |page| {
            let id = ids[page % ids.len()].clone();
            let (status, _) = app
                .send(
                    reqwest::Method::PATCH,
                    &format!("/api/agreements/{id}"),
                    json!({"title": format!("Edited on page {page}")}),
                )
                .await;
            assert_eq!(status, 200);
            edited.push(id);
            let mut b = agreement_body();
            b["title"] = json!(format!("Added on page {page}"));
            assert_eq!(app.post_agreement(b).await.0, 201);
        })
        .await;
        let unique: std::collections::BTreeSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no agreement twice: {seen:?}");
        for id in ids.iter().filter(|id| !edited.contains(id)) {
            assert!(seen.contains(id), "{id} untouched and listed");
        }

        // By title, while agreements sorting before and after the cursor are added.
        let seen = page_all(&app, "limit=3&sort=title", async |page| {
            for title in [format!("A{page}"), format!("Z{page}")] {
                let mut b = agreement_body();
                b["title"] = json!(title);
                assert_eq!(app.post_agreement(b).await.0, 201);
            }
        })
        .await;
        let unique: std::collections::BTreeSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no agreement twice");
        for id in &ids {
            assert!(seen.contains(id), "{id} listed");
        }
    }
}

entente_store::on_each_backend!(paging_under_concurrent_edits_neither_repeats_nor_skips);

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

/// Titles of a listing page, in order.
fn titles(p: &Value) -> Vec<String> {
    p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn repeated_filters_match_any_value_and_a_minus_reverses_the_order() {
    for app in spawn_apps().await {
        // Four agreements: tags, kinds, laws and notice deadlines that differ.
        for (title, tag, kind, law, effective) in [
            (
                "Alder",
                "emea",
                "collaboration",
                "New York",
                Some("2025-09-01"),
            ),
            (
                "Birch",
                "apac",
                "joint_development",
                "England and Wales",
                Some("2025-03-01"),
            ),
            ("Cedar", "latam", "co_marketing", "New York", None),
            (
                "Dogwood",
                "emea",
                "strategic_alliance",
                "Germany",
                Some("2025-06-01"),
            ),
        ] {
            let mut b = agreement_body();
            b["title"] = json!(title);
            b["tags"] = json!([tag]);
            b["kind"] = json!(kind);
            b["terms"]["governing_law"] = json!(law);
            match effective {
                Some(d) => b["terms"]["effective_date"] = json!(d),
                None => {
                    b["terms"].as_object_mut().unwrap().remove("effective_date");
                }
            }
            let (s, a) = app.post_agreement(b).await;
            assert_eq!(s, 201, "{a}");
        }
        let list = async |q: &str| {
            let (s, p) = app.get(&format!("/api/agreements?{q}")).await;
            assert_eq!(s, 200, "{}: {q}: {p}", app.label);
            (titles(&p), p["total"].as_u64().unwrap())
        };
        // Any of the values of one filter; filters still combine with AND.
        assert_eq!(
            list("tag=apac&tag=latam&sort=title").await,
            (vec!["Birch".to_owned(), "Cedar".to_owned()], 2)
        );
        assert_eq!(
            list("kind=co_marketing&kind=strategic_alliance&sort=title").await,
            (vec!["Cedar".to_owned(), "Dogwood".to_owned()], 2)
        );
        assert_eq!(
            list("governing_law=germany&governing_law=new%20york&tag=emea&sort=title").await,
            (vec!["Alder".to_owned(), "Dogwood".to_owned()], 2)
        );
        // A leading minus reverses an order: Z to A, and latest notice deadline first with the
        // agreement that has none still last.
        assert_eq!(
            list("sort=-title").await.0,
            ["Dogwood", "Cedar", "Birch", "Alder"]
        );
        assert_eq!(
            list("sort=notice_deadline&today=2026-06-01").await.0,
            ["Birch", "Dogwood", "Alder", "Cedar"]
        );
        assert_eq!(
            list("sort=-notice_deadline&today=2026-06-01").await.0,
            ["Alder", "Dogwood", "Birch", "Cedar"]
        );
        // Reversed orders page by cursor like the others, every agreement once.
        for sort in ["-title", "-notice_deadline", "-updated", "-effective_date"] {
            let ids = page_all(&app, &format!("limit=1&sort={sort}"), async |_| {}).await;
            let (s, whole) = app
                .get(&format!("/api/agreements?limit=10&sort={sort}"))
                .await;
            assert_eq!(s, 200);
            let expected: Vec<String> = whole["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(ids, expected, "{}: {sort}", app.label);
        }
        // A cursor is for its own direction.
        let (_, p) = app.get("/api/agreements?limit=1&sort=title").await;
        let cursor = p["next_cursor"].as_str().unwrap();
        let (s, p) = app
            .get(&format!(
                "/api/agreements?limit=1&sort=-title&cursor={cursor}"
            ))
            .await;
        assert_eq!(
            (s, p["errors"][0]["field"].as_str()),
            (422, Some("cursor")),
            "{p}"
        );
        // A parameter that takes one value, given twice, is refused naming it; a bad value
        // among several is named too.
        let (s, p) = app.get("/api/agreements?sort=title&sort=-title").await;
        assert_eq!(s, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "sort");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("given 2 times"),
            "{p}"
        );
        let (s, p) = app
            .get("/api/agreements?kind=collaboration&kind=merger")
            .await;
        assert_eq!(
            (s, p["errors"][0]["field"].as_str()),
            (422, Some("kind")),
            "{p}"
        );
    }
}

entente_store::on_each_backend!(repeated_filters_match_any_value_and_a_minus_reverses_the_order);
