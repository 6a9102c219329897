//! What an integrator's generated client relies on: the authorization scheme in any case, the
//! change feed and paged audit trails, idempotent creation and conditional writes.

use crate::helpers::{TestApp, agreement_body, spawn_apps, spawn_apps_at};
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

/// Every page of `path` (which has no query yet) at `limit`, following `next_cursor` until a
/// page comes back empty; the last cursor is returned with the items.
async fn all_pages(app: &TestApp, path: &str, limit: u32) -> (Vec<Value>, Option<String>) {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit={limit}&cursor={c}"),
            None => format!("{path}?limit={limit}"),
        };
        let (s, page) = app.get(&url).await;
        assert_eq!(s, 200, "{}: {url}: {page}", app.label);
        assert_eq!(page["limit"], limit);
        let got = page["items"].as_array().unwrap().clone();
        assert!(got.len() <= limit as usize);
        let next = page["next_cursor"].as_str().map(str::to_owned);
        if got.is_empty() {
            return (items, next.or(cursor));
        }
        items.extend(got);
        match next {
            Some(n) => cursor = Some(n),
            None => return (items, cursor),
        }
    }
}

fn seqs(items: &[Value]) -> Vec<u64> {
    items.iter().map(|e| e["seq"].as_u64().unwrap()).collect()
}

async fn change_feed_pages_every_event_once_and_resumes() {
    for app in spawn_apps().await {
        let (s, a) = app.post_agreement(agreement_body()).await;
        assert_eq!(s, 201, "{a}");
        let id = a["id"].as_str().unwrap().to_owned();
        // Events about no agreement (tokens, webhooks, users) are in the feed as well.
        let (s, _) = app.post("/api/tokens", json!({"name": "sync"})).await;
        assert_eq!(s, 201);
        let mut second = agreement_body();
        second["title"] = json!("Second Alliance");
        assert_eq!(app.post_agreement(second).await.0, 201);

        let (feed, cursor) = all_pages(&app, "/api/audit", 2).await;
        let expected: Vec<u64> = app
            .store
            .list_audit(&app.actor, None)
            .await
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs(&feed), expected, "{}", app.label);
        assert!(feed.iter().any(|e| e["action"] == "token.create"));
        for e in &feed {
            assert!(e["details"].is_object(), "details is an object: {e}");
        }
        let created = feed
            .iter()
            .find(|e| e["action"] == "agreement.create" && e["entity_id"] == id.as_str())
            .unwrap();
        assert!(created["details"]["title"].is_string(), "{created}");

        // Resuming from the last cursor gives only what was written since.
        let cursor = cursor.expect("the feed hands back a cursor");
        let (s, page) = app.get(&format!("/api/audit?cursor={cursor}")).await;
        assert_eq!((s, page["items"].as_array().unwrap().len()), (200, 0));
        assert_eq!(
            page["next_cursor"],
            cursor.as_str(),
            "an empty page keeps the place"
        );
        let (s, _) = app
            .send(
                reqwest::Method::PATCH,
                &format!("/api/agreements/{id}"),
                json!({"title": "Renamed Alliance"}),
            )
            .await;
        assert_eq!(s, 200);
        let (s, page) = app.get(&format!("/api/audit?cursor={cursor}")).await;
        assert_eq!(s, 200);
        let new: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .filter(|a| *a != "token.use")
            .collect();
        assert_eq!(new, ["agreement.update"], "{}: {page}", app.label);

        // One agreement's trail pages the same way and holds only its events.
        let path = format!("/api/agreements/{id}/audit");
        let (trail, _) = all_pages(&app, &path, 1).await;
        assert!(trail.len() >= 2);
        assert!(trail.iter().all(|e| e["agreement_id"] == id.as_str()));
        assert!(seqs(&trail).windows(2).all(|w| w[0] < w[1]));

        // Bad paging is refused with the parameter named.
        for bad in [
            "/api/audit?limit=0",
            "/api/audit?limit=501",
            "/api/audit?cursor=bogus",
            "/api/audit?page=2",
        ] {
            let (s, p) = app.get(bad).await;
            assert_eq!(s, 422, "{}: {bad}: {p}", app.label);
        }
        // A cursor of one list is not one of another.
        let (_, first) = app.get(&format!("{path}?limit=1")).await;
        let other = first["next_cursor"].as_str().unwrap();
        let (s, p) = app.get(&format!("/api/audit?cursor={other}")).await;
        assert_eq!(s, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "cursor");

        // The chain still verifies: the feed shows the stored text, it does not change it.
        let (s, v) = app.get("/api/audit/verify").await;
        assert_eq!((s, v["intact"].as_bool()), (200, Some(true)), "{v}");
    }
}

async fn updated_since_lists_only_what_changed() {
    for app in spawn_apps_at("2026-03-02T09:00:00Z").await {
        let (_, old) = app.post_agreement(agreement_body()).await;
        let old_id = old["id"].as_str().unwrap().to_owned();
        let (s, _) = app
            .post(
                &format!("/api/agreements/{old_id}/obligations"),
                json!({"obligor": "Northwind", "text": "deliver the quarterly report"}),
            )
            .await;
        assert_eq!(s, 201);
        app.store
            .clock()
            .advance(jiff::SignedDuration::from_hours(2));
        let mut body = agreement_body();
        body["title"] = json!("Later Alliance");
        let (_, new) = app.post_agreement(body).await;
        let new_id = new["id"].as_str().unwrap().to_owned();
        let (s, _) = app
            .post(
                &format!("/api/agreements/{new_id}/obligations"),
                json!({"obligor": "Globex", "text": "respond to support tickets within 4 business hours"}),
            )
            .await;
        assert_eq!(s, 201);

        let since = "2026-03-02T10:00:00Z";
        let (s, list) = app
            .get(&format!("/api/agreements?updated_since={since}"))
            .await;
        assert_eq!(s, 200, "{list}");
        let ids: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [new_id.as_str()], "{}", app.label);
        let (s, obligations) = app
            .get(&format!("/api/obligations?updated_since={since}"))
            .await;
        assert_eq!(s, 200, "{obligations}");
        let owners: Vec<&str> = obligations
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["agreement_id"].as_str().unwrap())
            .collect();
        assert_eq!(owners, [new_id.as_str()], "{}", app.label);
        // Both, from before either.
        let (_, all) = app
            .get("/api/agreements?updated_since=2026-03-02T08:00:00Z")
            .await;
        assert_eq!(all["total"], 2);

        // A bad instant is named, with the other bad parameters.
        let (s, p) = app
            .get("/api/agreements?updated_since=yesterday&status=alive")
            .await;
        assert_eq!(s, 422);
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"updated_since") && fields.contains(&"status"),
            "{p}"
        );
    }
}

async fn post_with_key(app: &TestApp, path: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.addr))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn an_idempotency_key_creates_once_and_replays_the_first_answer() {
    for app in spawn_apps().await {
        let before = app.store.count_agreements(&app.actor).await.unwrap();
        let body = agreement_body();
        let first = post_with_key(&app, "/api/agreements", "create-1", &body).await;
        assert_eq!(first.status(), 201);
        assert!(first.headers().get("idempotent-replayed").is_none());
        let first: Value = first.json().await.unwrap();
        let again = post_with_key(&app, "/api/agreements", "create-1", &body).await;
        assert_eq!(again.status(), 201, "{}", app.label);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert!(
            again.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["id"], first["id"], "the same agreement, not a second");
        assert_eq!(
            app.store.count_agreements(&app.actor).await.unwrap(),
            before + 1
        );

        // The same key with another body is refused and creates nothing.
        let mut other = agreement_body();
        other["title"] = json!("Another Alliance");
        let r = post_with_key(&app, "/api/agreements", "create-1", &other).await;
        assert_eq!(r.status(), 422);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: Value = r.json().await.unwrap();
        assert!(
            p["type"]
                .as_str()
                .unwrap()
                .ends_with("idempotency-key-reused"),
            "{p}"
        );
        assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
        assert_eq!(
            app.store.count_agreements(&app.actor).await.unwrap(),
            before + 1
        );

        // A failed request does not hold its key: fixed and retried, it creates.
        let mut bad = agreement_body();
        bad["title"] = json!("");
        let r = post_with_key(&app, "/api/agreements", "create-2", &bad).await;
        assert_eq!(r.status(), 422);
        let r = post_with_key(&app, "/api/agreements", "create-2", &bad).await;
        assert_eq!(r.status(), 422, "a failure is not replayed as a success");
        let r = post_with_key(&app, "/api/agreements", "create-2", &other).await;
        assert_eq!(r.status(), 201);

        // Keys are the caller's: another caller's same key is a new request.
        let (s, t) = app.post("/api/tokens", json!({"name": "second"})).await;
        assert_eq!(s, 201);
        let second = crate::helpers::bearer_client(t["token"].as_str().unwrap());
        let r = second
            .post(format!("{}/api/agreements", app.addr))
            .header("Idempotency-Key", "create-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let theirs: Value = r.json().await.unwrap();
        assert_ne!(theirs["id"], first["id"]);

        // Other creating routes take keys too: an obligation is created once.
        let id = first["id"].as_str().unwrap();
        let path = format!("/api/agreements/{id}/obligations");
        let duty = json!({"obligor": "Northwind", "text": "deliver the plan"});
        let a: Value = post_with_key(&app, &path, "duty", &duty)
            .await
            .json()
            .await
            .unwrap();
        let b: Value = post_with_key(&app, &path, "duty", &duty)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(a["id"], b["id"]);
        let (_, list) = app
            .get(&format!("/api/obligations?agreement_id={id}"))
            .await;
        assert_eq!(list.as_array().unwrap().len(), 1);

        // After 24 hours the key is forgotten.
        app.store
            .clock()
            .advance(jiff::SignedDuration::from_hours(25));
        let r = post_with_key(&app, "/api/agreements", "create-1", &body).await;
        assert_eq!(r.status(), 201);
        assert!(r.headers().get("idempotent-replayed").is_none());

        // A malformed key is named.
        let r = post_with_key(&app, "/api/agreements", "", &body).await;
        assert_eq!(r.status(), 422);
    }
}

async fn if_match_guards_writes_with_the_etag_of_the_last_read() {
    for app in spawn_apps().await {
        let (_, a) = app.post_agreement(agreement_body()).await;
        let id = a["id"].as_str().unwrap().to_owned();
        let url = format!("{}/api/agreements/{id}", app.addr);
        let read = app.client.get(&url).send().await.unwrap();
        let tag = read.headers()["etag"].to_str().unwrap().to_owned();
        assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
        // The same state gives the same tag.
        let again = app.client.get(&url).send().await.unwrap();
        assert_eq!(again.headers()["etag"].to_str().unwrap(), tag);

        // A stale or bogus tag is refused and changes nothing.
        for bad in ["\"bogus\"", "W/\"bogus\""] {
            let r = app
                .client
                .patch(&url)
                .header("If-Match", bad)
                .json(&json!({"title": "Lost Update"}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 412, "{}: {bad}", app.label);
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        }
        let (_, now) = app.get(&format!("/api/agreements/{id}")).await;
        assert_eq!(now["title"], a["title"]);

        // The current tag lets the write through, and the answer carries the new tag.
        let r = app
            .client
            .patch(&url)
            .header("If-Match", &tag)
            .json(&json!({"title": "Renamed Alliance"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let new_tag = r.headers()["etag"].to_str().unwrap().to_owned();
        assert_ne!(new_tag, tag);
        // The old tag is now stale: for a term, and for the delete.
        let r = app
            .client
            .put(format!("{url}/terms/governing_law"))
            .header("If-Match", &tag)
            .json(&json!({"value": "England and Wales"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 412);
        let r = app
            .client
            .put(format!("{url}/terms/governing_law"))
            .header("If-Match", format!("\"x\", {new_tag}"))
            .json(&json!({"value": "England and Wales"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "one of a list matches");
        let r = app
            .client
            .delete(&url)
            .header("If-Match", &new_tag)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 412, "the term changed the agreement");
        assert_eq!(app.get(&format!("/api/agreements/{id}")).await.0, 200);

        // Obligations work the same way; `*` matches any current state.
        let (_, a2) = app.post_agreement(agreement_body()).await;
        let aid = a2["id"].as_str().unwrap();
        let (_, o) = app
            .post(
                &format!("/api/agreements/{aid}/obligations"),
                json!({"obligor": "Northwind", "text": "deliver the plan"}),
            )
            .await;
        let ourl = format!("{}/api/obligations/{}", app.addr, o["id"].as_str().unwrap());
        let r = app.client.get(&ourl).send().await.unwrap();
        let otag = r.headers()["etag"].to_str().unwrap().to_owned();
        let r = app
            .client
            .patch(&ourl)
            .header("If-Match", "\"stale\"")
            .json(&json!({"owner": "ops@example.com"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 412);
        let r = app
            .client
            .patch(&ourl)
            .header("If-Match", &otag)
            .json(&json!({"owner": "ops@example.com"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let r = app
            .client
            .delete(&ourl)
            .header("If-Match", &otag)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 412);
        let r = app
            .client
            .delete(&ourl)
            .header("If-Match", "*")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }
}

entente_store::on_each_backend!(
    if_match_guards_writes_with_the_etag_of_the_last_read,
    change_feed_pages_every_event_once_and_resumes,
    updated_since_lists_only_what_changed,
    an_idempotency_key_creates_once_and_replays_the_first_answer
);
