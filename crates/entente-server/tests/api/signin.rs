//! Sign-in throttling and its audit trail through the public interface: the address limit
//! runs, account holds neither reveal accounts nor lock out their owners, concurrent bursts
//! cannot exceed the limit, and every sign-in outcome is recorded.

use crate::helpers::{PASSWORD, TestApp, bearer_client, spawn_apps, spawn_apps_with};
use entente_domain::access::Role;
use serde_json::{Value, json};

/// Signs in as `email` with `password`, as if from `from` (the apps under test take the client
/// address from X-Forwarded-For, as behind a load balancer).
async fn sign_in(app: &TestApp, from: &str, email: &str, password: &str) -> reqwest::Response {
    sign_in_at(&app.addr, from, email, password).await
}

async fn sign_in_at(addr: &str, from: &str, email: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{addr}/api/session"))
        .header("x-forwarded-for", format!("203.0.113.250, {from}"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn behind_proxy() -> Vec<TestApp> {
    spawn_apps_with(|s| s.set_client_ip_header("x-forwarded-for").unwrap()).await
}

async fn actions(app: &TestApp) -> Vec<String> {
    app.store
        .list_audit(&app.actor, None)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn the_address_limit_runs_from_the_tcp_peer_with_retry_after() {
    for app in spawn_apps().await {
        let c = reqwest::Client::new();
        let mut statuses = Vec::new();
        for i in 0..24 {
            let r = c
                .post(format!("{}/api/session", app.addr))
                .json(&json!({"email": format!("nobody{i}@example.com"), "password": "wrong password!!"}))
                .send()
                .await
                .unwrap();
            if r.status() == 429 {
                let wait = retry_after(&r);
                assert!((1..=60).contains(&wait), "{wait}");
            }
            statuses.push(r.status().as_u16());
        }
        assert_eq!(&statuses[..20], &[401; 20], "{}: {statuses:?}", app.label);
        assert_eq!(&statuses[20..], &[429; 4], "{}: {statuses:?}", app.label);
        // The hold is on the address: the right password from it waits too.
        let r = c
            .post(format!("{}/api/session", app.addr))
            .json(&json!({"email": "admin@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 429);
    }
}

entente_store::on_each_backend!(the_address_limit_runs_from_the_tcp_peer_with_retry_after);

async fn account_holds_look_the_same_for_unknown_e_mails_grow_and_spare_the_owners_address() {
    for app in behind_proxy().await {
        // The owner signs in once from their usual address.
        assert_eq!(
            sign_in(&app, "10.0.0.1", "admin@example.com", PASSWORD)
                .await
                .status(),
            200
        );

        // A stranger guesses, and so does someone at an e-mail nobody has: same answers.
        for email in ["admin@example.com", "ghost@example.com"] {
            for i in 1..=5 {
                let r = sign_in(&app, "198.51.100.7", email, "wrong password!!").await;
                assert_eq!(r.status(), 401, "{} {email} attempt {i}", app.label);
            }
            let r = sign_in(&app, "198.51.100.7", email, "wrong password!!").await;
            assert_eq!(r.status(), 429, "{} {email}", app.label);
            let wait = retry_after(&r);
            assert!((1..=2).contains(&wait), "first hold is short: {wait}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(
                body["type"].as_str().unwrap().rsplit('/').next(),
                Some("throttled")
            );
            assert!(
                body["detail"]
                    .as_str()
                    .unwrap()
                    .contains("for this account"),
                "{body}"
            );
        }
        // The right password from the stranger's address waits as well …
        let r = sign_in(&app, "198.51.100.7", "admin@example.com", PASSWORD).await;
        assert_eq!(r.status(), 429);
        // … but the owner, from an address they signed in from before, is not locked out.
        assert_eq!(
            sign_in(&app, "10.0.0.1", "admin@example.com", PASSWORD)
                .await
                .status(),
            200
        );

        // The hold ends, one more wrong guess earns a longer one, not a fresh five.
        tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
        let r = sign_in(
            &app,
            "198.51.100.7",
            "admin@example.com",
            "wrong password!!",
        )
        .await;
        assert_eq!(r.status(), 401, "{}", app.label);
        let r = sign_in(
            &app,
            "198.51.100.7",
            "admin@example.com",
            "wrong password!!",
        )
        .await;
        assert_eq!(r.status(), 429);
        assert!(
            retry_after(&r) >= 3,
            "the next hold doubles: {}",
            retry_after(&r)
        );

        let events = actions(&app).await;
        // Six wrong passwords reached the account; the e-mail nobody has is only logged.
        assert_eq!(
            events
                .iter()
                .filter(|a| *a == "session.login_failed")
                .count(),
            6,
            "{events:?}"
        );
        assert!(events.iter().any(|a| a == "session.login_held"));
    }
}

entente_store::on_each_backend!(
    account_holds_look_the_same_for_unknown_e_mails_grow_and_spare_the_owners_address
);

async fn a_concurrent_burst_checks_no_more_passwords_than_the_limit() {
    for app in behind_proxy().await {
        let mut burst = tokio::task::JoinSet::new();
        for i in 0..24 {
            // Each from its own address, so only the account limit applies.
            let (addr, from) = (app.addr.clone(), format!("192.0.2.{}", i + 1));
            burst.spawn(async move {
                sign_in_at(&addr, &from, "admin@example.com", "wrong password!!")
                    .await
                    .status()
                    .as_u16()
            });
        }
        let statuses = burst.join_all().await;
        let checked = statuses.iter().filter(|s| **s == 401).count();
        let held = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!(checked + held, 24, "{statuses:?}");
        assert_eq!(
            checked, 5,
            "{}: exactly the limit was checked: {statuses:?}",
            app.label
        );
    }
}

entente_store::on_each_backend!(a_concurrent_burst_checks_no_more_passwords_than_the_limit);

async fn sign_ins_logouts_and_token_use_from_a_new_address_are_audited() {
    for app in behind_proxy().await {
        let r = sign_in(&app, "10.0.0.9", "admin@example.com", PASSWORD).await;
        assert_eq!(r.status(), 200);
        let cookie = r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let me: Value = r.json().await.unwrap();
        let r = reqwest::Client::new()
            .delete(format!("{}/api/session", app.addr))
            .header("cookie", &cookie)
            .header("x-csrf-token", me["csrf_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        let events = app.store.list_audit(&app.actor, None).await.unwrap();
        let login = events.iter().find(|e| e.action == "session.login").unwrap();
        let details: Value = serde_json::from_str(&login.details).unwrap();
        assert_eq!(details["source"], "10.0.0.9", "{details}");
        assert_eq!(details["new_source"], true);
        assert!(events.iter().any(|e| e.action == "session.logout"));

        let token =
            crate::helpers::user_token(&app.store, &app.actor, "ops@example.com", Role::Viewer)
                .await;
        let c = bearer_client(&token);
        for from in ["10.1.1.1", "10.1.1.1", "10.2.2.2"] {
            let r = c
                .get(format!("{}/api/me", app.addr))
                .header("x-forwarded-for", from)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        let events = app.store.list_audit(&app.actor, None).await.unwrap();
        let moved: Vec<_> = events
            .iter()
            .filter(|e| e.action == "token.new_address")
            .collect();
        assert_eq!(moved.len(), 1, "{}", app.label);
        let details: Value = serde_json::from_str(&moved[0].details).unwrap();
        assert_eq!(details["source"], "10.2.2.2");
        assert_eq!(details["previous"], "10.1.1.1");
    }
}

entente_store::on_each_backend!(sign_ins_logouts_and_token_use_from_a_new_address_are_audited);
