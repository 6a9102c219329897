//! Access control through the public HTTP interface, on every backend: the route matrix is
//! generated from the served OpenAPI document (which utoipa-axum builds from the router), so a
//! new route cannot escape it.

use crate::helpers::{PASSWORD, agreement_body, bearer_client, spawn_apps, user_token};
use entente_domain::access::Role;
use entente_store::Actor;
use reqwest::Method;
use serde_json::{Value, json};

/// Request bodies for state-changing routes, so a cross-tenant request fails on the missing
/// entity (404) and not on a malformed body. A new POST/PUT/PATCH route must be added here.
pub(crate) fn sample_body(method: &Method, path: &str) -> Option<Value> {
    let b = match (method.as_str(), path) {
        ("POST", "/api/agreements") => agreement_body(),
        ("PATCH", "/api/agreements/{id}") => json!({"title": "x"}),
        ("POST", "/api/agreements/{id}/transition") => json!({"status": "amended"}),
        ("PUT", "/api/agreements/{id}/terms/{field}") => json!({"value": "New York"}),
        ("POST", "/api/agreements/{id}/obligations") => {
            json!({"obligor": "X", "text": "deliver a plan"})
        }
        ("PUT", "/api/agreements/{id}/access") => json!({"user_ids": []}),
        ("PATCH", "/api/obligations/{id}") => json!({"status": "done"}),
        ("PATCH", "/api/parties/{id}") => json!({"jurisdiction": "Germany"}),
        ("PATCH", "/api/users/{id}") => json!({"role": "viewer"}),
        ("POST", "/api/tokens") => json!({"name": "matrix"}),
        ("POST", "/api/users") => json!({"email": "new@example.com", "role": "viewer"}),
        ("PUT", "/api/me/email-alerts") => json!({"enabled": true}),
        ("PUT", "/api/me/password") => {
            json!({"current_password": "wrong password 123", "new_password": "velvet otter morning glass"})
        }
        ("POST", "/api/users/{id}/password-reset") => json!({}),
        ("POST", "/api/password-reset") => {
            json!({"token": "reset_unknown", "new_password": "velvet otter morning glass"})
        }
        ("POST", "/api/invitations/accept") => {
            json!({"token": "inv_unknown", "password": PASSWORD})
        }
        ("POST", "/api/session") => {
            json!({"email": "nobody@example.com", "password": "wrong password 123"})
        }
        ("POST", "/api/session/organisation") => json!({"organisation": "default"}),
        // Lifecycle and governance.
        ("PUT", "/api/approval-policy") => {
            json!({"rules": [{"name": "legal", "role": "legal", "stage": 1}]})
        }
        ("POST", "/api/agreements/{id}/approvals") => json!({}),
        ("POST", "/api/agreements/{id}/approvals/decisions") => {
            json!({"step": "legal", "decision": "approve"})
        }
        ("POST", "/api/agreements/{id}/signatures") => {
            json!({"party": "Globex", "signatory_name": "X", "sha256": "a".repeat(64)})
        }
        ("POST", "/api/agreements/{id}/amendments") => {
            json!({"effective_date": "2026-01-01", "summary": "x", "text": "amended text"})
        }
        ("POST", "/api/agreements/{id}/reviews") => json!({"outcome": "no_change"}),
        ("POST", "/api/agreements/{id}/termination") => {
            json!({"kind": "mutual", "given_by": "Globex"})
        }
        ("POST", "/api/agreements/{id}/termination/retirement") => {
            json!({"how": "withdrawn", "reason": "changed our mind"})
        }
        ("PUT", "/api/review-settings") => json!({"threshold": 0.8}),
        ("POST", "/api/agreements/{id}/terms/{field}/confirmation") => json!({}),
        ("PUT", "/api/closeout-checklist") => {
            json!({"items": [{"text": "Revoke access", "days_after_end": 14}]})
        }
        ("POST", "/api/agreements/{id}/disputes") => json!({"subject": "x"}),
        ("POST", "/api/disputes/{id}/escalation") => json!({}),
        ("POST", "/api/disputes/{id}/resolution") => json!({"outcome": "withdrawn"}),
        ("POST", "/api/disputes/escalate-due") => json!({}),
        // Key dates, obligations over time, alerts.
        ("POST", "/api/agreements/{id}/watchers") => json!({"email": "watcher@example.com"}),
        ("PATCH", "/api/alert-settings") => json!({"overdue_daily": true}),
        ("PUT", "/api/own-entities") => json!({"names": ["Northwind Systems, Inc."]}),
        ("POST", "/api/calendar-feeds") => json!({"scope": "user", "email": "admin@example.com"}),
        ("POST", "/api/calendar-feeds/{id}/rotate") => json!({}),
        ("POST", "/api/inbox/{id}/read") => json!({}),
        ("POST", "/api/obligations/{id}/measurements") => {
            json!({"measured_on": "2025-07-31", "value": "99.95"})
        }
        ("PUT", "/api/obligations/{id}/occurrences/{due}") => json!({"status": "done"}),
        ("POST", "/api/webhooks") => json!({"url": "https://93.184.216.35/hook"}),
        ("POST", "/api/webhooks/{id}/rotate-secret") => json!({}),
        // Playbooks and risk.
        ("POST", "/api/check") => json!({"text": "COOPERATION AGREEMENT"}),
        ("POST", "/api/agreements/{id}/check") => json!({}),
        ("PUT", "/api/agreements/{id}/competitors") => {
            json!({"competing": "actual", "markets": ["fleet software"], "combined_share": 30})
        }
        ("PUT", "/api/playbook") => {
            json!({"source": "[playbook]\nid = \"b\"\nname = \"B\"\nversion = \"1\"\n"})
        }
        // Drafting.
        ("POST", "/api/drafts/preview" | "/api/drafts") => {
            json!({"template": "technology-integration", "variables": {}})
        }
        ("POST", "/api/agreements/{id}/positions") => {
            json!({"clause": "liability.cap", "position": "two-times"})
        }
        _ => return None,
    };
    Some(b)
}

pub(crate) const DOC: &str = "COLLABORATION AGREEMENT\n\nThis Agreement is made between Northwind Systems, Inc. (\"Northwind\") and Globex GmbH (\"Globex\").\n\n1. Term. Two (2) years.\n";

/// Tenant A's agreement title: must never appear in tenant B's responses.
const SECRET_TITLE: &str = "Tenant A Confidential Alliance";

struct Ids {
    invitation: String,
    agreement: String,
    obligation: String,
    version: String,
    party: String,
    user: String,
    token: String,
    dispute: String,
    webhook: String,
    feed: String,
}

async fn seed_tenant_a(app: &crate::helpers::TestApp) -> Ids {
    let mut body = agreement_body();
    body["title"] = json!(SECRET_TITLE);
    let (_, a) = app.post_agreement(body).await;
    let agreement = a["id"].as_str().unwrap().to_owned();
    let (_, o) = app
        .post(
            &format!("/api/agreements/{agreement}/obligations"),
            json!({"obligor": "Northwind", "text": "deliver the plan"}),
        )
        .await;
    let (s, v) = app
        .post_bytes(
            &format!("/api/agreements/{agreement}/versions?filename=a.txt"),
            DOC.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (_, users) = app.get("/api/users").await;
    let (_, tokens) = app.get("/api/tokens").await;
    let (s, d) = app
        .post(
            &format!("/api/agreements/{agreement}/disputes"),
            json!({"subject": "late plan"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let (s, w) = app
        .post(
            "/api/webhooks",
            json!({"url": "https://93.184.216.34/hook"}),
        )
        .await;
    assert_eq!(s, 201, "{w}");
    let (s, f) = app
        .post(
            "/api/calendar-feeds",
            json!({"scope": "user", "email": "admin@example.com"}),
        )
        .await;
    assert_eq!(s, 201, "{f}");
    // Invitations go out by e-mail; the store makes one without a mail server.
    let invitation = app
        .store
        .create_invitation(
            &app.actor,
            "invitee@example.com",
            "Invitee",
            Role::Viewer,
            None,
            "not-a-real-token-hash",
            entente_domain::Timestamp::from_jiff(
                app.store.now().jiff() + jiff::SignedDuration::from_hours(24),
            ),
        )
        .await
        .unwrap()
        .id;
    Ids {
        invitation,
        webhook: w["id"].as_str().unwrap().to_owned(),
        feed: f["feed"]["id"].as_str().unwrap().to_owned(),
        dispute: d["id"].as_str().unwrap().to_owned(),
        obligation: o["id"].as_str().unwrap().to_owned(),
        version: v["id"].as_str().unwrap().to_owned(),
        party: a["parties"][0]["party_id"].as_str().unwrap().to_owned(),
        user: users[0]["user_id"].as_str().unwrap().to_owned(),
        token: tokens[0]["id"].as_str().unwrap().to_owned(),
        agreement,
    }
}

fn uuid_like() -> String {
    "01a20000-0000-7000-8000-000000000000".to_owned()
}

/// Fills a route template with tenant A's ids.
fn fill(path: &str, ids: &Ids) -> String {
    let segs: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        let v = match *seg {
            "{field}" => "governing_law".to_owned(),
            "{due}" => "2025-07-01".to_owned(),
            "{email}" => "admin@example.com".to_owned(),
            "{file}" => "feed_0000000000000000.ics".to_owned(),
            "{id}" => match segs.get(i.wrapping_sub(1)).copied().unwrap_or("") {
                "agreements" => ids.agreement.clone(),
                "obligations" => ids.obligation.clone(),
                "versions" => ids.version.clone(),
                "parties" => ids.party.clone(),
                "users" => ids.user.clone(),
                "tokens" => ids.token.clone(),
                "disputes" => ids.dispute.clone(),
                "webhooks" => ids.webhook.clone(),
                "calendar-feeds" => ids.feed.clone(),
                "invitations" => ids.invitation.clone(),
                // Entities a test cannot cheaply create for tenant A: any id must be unknown
                // to tenant B as well.
                "inbox" | "evidence" => uuid_like(),
                other => {
                    panic!("route {path}: no tenant-A id known for /{other}/{{id}}; extend `fill`")
                }
            },
            s if s.starts_with('{') => panic!("route {path}: unknown parameter {s}; extend `fill`"),
            s => s.to_owned(),
        };
        out.push(v);
    }
    out.join("/")
}

pub(crate) fn routes(doc: &Value) -> Vec<(Method, String)> {
    let mut v = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            if let Ok(method) = m.to_uppercase().parse::<Method>() {
                v.push((method, path.clone()));
            }
        }
    }
    v
}

pub(crate) async fn send(
    client: &reqwest::Client,
    base: &str,
    method: &Method,
    path: &str,
    template: &str,
) -> (u16, String) {
    let mut url = format!("{base}{path}");
    let mut req = client.request(method.clone(), &url);
    let raw_upload = template == "/api/import"
        || (template.ends_with("/versions") || template.ends_with("/evidence"))
            && *method == Method::POST;
    if raw_upload {
        url.push_str("?filename=a.txt");
        req = client.request(method.clone(), &url).body(DOC);
    } else if template == "/api/measurements/import" {
        req = req
            .header("content-type", "text/csv")
            .body("obligation_id,measured_on,value\n");
    } else if let Some(b) = sample_body(method, template) {
        req = req.json(&b);
    } else if matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
        panic!("{method} {template}: add a sample body to `sample_body`");
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

async fn every_route_refuses_anonymous_callers_and_other_tenants() {
    for app in spawn_apps().await {
        let ids = seed_tenant_a(&app).await;
        let (_, doc) = app.get("/api/openapi.json").await;
        let all = routes(&doc);
        assert!(
            all.len() >= 30,
            "route list looks incomplete: {}",
            all.len()
        );

        // Tenant B: its own administrator, token and data.
        let org_b = app
            .store
            .ensure_organisation("tenant-b", "Tenant B")
            .await
            .unwrap();
        let b_token = user_token(
            &app.store,
            &Actor::new(org_b, "test"),
            "admin@b.example",
            Role::Admin,
        )
        .await;
        let b = bearer_client(&b_token);
        let a_before = app.footprint().await;
        let a_ids = [
            &ids.agreement,
            &ids.obligation,
            &ids.version,
            &ids.party,
            &ids.user,
            &ids.token,
            &ids.dispute,
            &ids.webhook,
            &ids.feed,
            &ids.invitation,
        ];

        for (method, template) in &all {
            let path = fill(template, &ids);
            // Anonymous: 401 everywhere but the login route itself.
            let (status, body) = send(&app.anon, &app.addr, method, &path, template).await;
            // (POST /api/session is the login itself: with wrong credentials it is 401 too.)
            // Calendar feeds are authenticated by the secret in their URL: a wrong one is unknown.
            // Reset and invitation links carry their own secret: a wrong one is refused as such.
            let expected = if template.starts_with("/calendar/") {
                404
            } else if matches!(
                template.as_str(),
                "/api/password-reset" | "/api/invitations/accept"
            ) {
                422
            } else {
                401
            };
            assert_eq!(
                status, expected,
                "{}: anonymous {method} {template}: {body}",
                app.label
            );

            // Another tenant: tenant A's entities do not exist for it (404, not 403: existence does
            // not leak), and nothing it can list or create shows any of tenant A's data.
            let (status, body) = send(&b, &app.addr, method, &path, template).await;
            if template.contains('{') {
                assert_eq!(
                    status, 404,
                    "{}: tenant B {method} {path}: {body}",
                    app.label
                );
            } else {
                assert!(
                    status < 500,
                    "{}: tenant B {method} {template}: {status} {body}",
                    app.label
                );
                for id in a_ids {
                    assert!(
                        !body.contains(id.as_str()),
                        "{}: tenant B {method} {template} leaked {id}",
                        app.label
                    );
                }
                assert!(
                    !body.contains(SECRET_TITLE),
                    "{}: tenant B {method} {template} leaked tenant A data",
                    app.label
                );
            }
        }
        assert_eq!(
            app.footprint().await,
            a_before,
            "{}: tenant B changed nothing in tenant A",
            app.label
        );
    }
}

entente_store::on_each_backend!(every_route_refuses_anonymous_callers_and_other_tenants);

async fn roles_limit_what_a_member_may_do_and_see() {
    for app in spawn_apps().await {
        let (_, mine) = app
            .post_agreement({
                let mut b = agreement_body();
                b["owner"] = json!("owner@example.com");
                b
            })
            .await;
        let (_, other) = app.post_agreement(agreement_body()).await;
        let viewer = bearer_client(
            &user_token(&app.store, &app.actor, "viewer@example.com", Role::Viewer).await,
        );
        let owner = bearer_client(
            &user_token(
                &app.store,
                &app.actor,
                "owner@example.com",
                Role::BusinessOwner,
            )
            .await,
        );
        let procurement_token = user_token(
            &app.store,
            &app.actor,
            "buyer@example.com",
            Role::Procurement,
        )
        .await;
        let procurement = bearer_client(&procurement_token);

        // Viewer: reads, never writes.
        let r = viewer
            .get(format!("{}/api/agreements", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = viewer
            .post(format!("{}/api/agreements", app.addr))
            .json(&agreement_body())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = viewer
            .get(format!("{}/api/users", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // Business owner: only their own agreements.
        let r: Value = owner
            .get(format!("{}/api/agreements", app.addr))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["total"], 1);
        assert_eq!(r["items"][0]["id"], mine["id"]);
        let r = owner
            .get(format!(
                "{}/api/agreements/{}",
                app.addr,
                other["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);

        // Procurement: may not delete; loses sight of an agreement restricted to someone else.
        let r = procurement
            .delete(format!(
                "{}/api/agreements/{}",
                app.addr,
                other["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let (_, users) = app.get("/api/users").await;
        let viewer_id = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "viewer@example.com")
            .unwrap()["user_id"]
            .clone();
        let (s, _) = app
            .send(
                Method::PUT,
                &format!("/api/agreements/{}/access", other["id"].as_str().unwrap()),
                json!({"user_ids": [viewer_id]}),
            )
            .await;
        assert_eq!(s, 204);
        let r = procurement
            .get(format!(
                "{}/api/agreements/{}",
                app.addr,
                other["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            404,
            "restricted agreement hidden from procurement"
        );
        let r = viewer
            .get(format!(
                "{}/api/agreements/{}",
                app.addr,
                other["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "granted viewer sees it");
        let r: Value = procurement
            .get(format!("{}/api/search?q=renews", app.addr))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            r["hits"]
                .as_array()
                .unwrap()
                .iter()
                .all(|h| h["agreement_id"] != other["id"])
        );

        // A token never outranks its owner.
        let r = procurement
            .post(format!("{}/api/tokens", app.addr))
            .json(&json!({"name": "x", "role": "admin"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
    }
}

entente_store::on_each_backend!(roles_limit_what_a_member_may_do_and_see);

async fn cookie_sessions_need_the_csrf_token_and_end_on_logout_or_idle() {
    for app in spawn_apps().await {
        let jar = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let r = jar
            .post(format!("{}/api/session", app.addr))
            .json(&json!({"email": "admin@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let me: Value = r.json().await.unwrap();
        let csrf = me["csrf_token"].as_str().unwrap().to_owned();

        assert_eq!(
            jar.get(format!("{}/api/agreements", app.addr))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        let r = jar
            .post(format!("{}/api/agreements", app.addr))
            .json(&agreement_body())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "no CSRF token");
        let r = jar
            .post(format!("{}/api/agreements", app.addr))
            .header("x-csrf-token", "wrong")
            .json(&agreement_body())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "wrong CSRF token");
        let r = jar
            .post(format!("{}/api/agreements", app.addr))
            .header("x-csrf-token", &csrf)
            .json(&agreement_body())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);

        // Idle timeout: a session unused for longer than the limit is refused.
        sqlx::query("update user_session set last_seen_at = '2020-01-01T00:00:00.000000Z'")
            .execute(app.store.pool())
            .await
            .unwrap();
        assert_eq!(
            jar.get(format!("{}/api/agreements", app.addr))
                .send()
                .await
                .unwrap()
                .status(),
            401
        );

        // Logout everywhere ends every session of the user.
        let r = jar
            .post(format!("{}/api/session", app.addr))
            .json(&json!({"email": "admin@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let csrf: String = r.json::<Value>().await.unwrap()["csrf_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let other = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        other
            .post(format!("{}/api/session", app.addr))
            .json(&json!({"email": "admin@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let r: Value = jar
            .delete(format!("{}/api/sessions", app.addr))
            .header("x-csrf-token", &csrf)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["sessions"], 2);
        assert_eq!(
            other
                .get(format!("{}/api/me", app.addr))
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
    }
}

entente_store::on_each_backend!(cookie_sessions_need_the_csrf_token_and_end_on_logout_or_idle);

async fn revoked_tokens_stop_working_at_once_and_their_use_is_audited() {
    for app in spawn_apps().await {
        let (s, t) = app
            .post("/api/tokens", json!({"name": "ci", "expires_in_days": 30}))
            .await;
        assert_eq!(s, 201);
        let c = bearer_client(t["token"].as_str().unwrap());
        assert_eq!(
            c.get(format!("{}/api/agreements", app.addr))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        let (_, list) = app.get("/api/tokens").await;
        assert!(
            list.to_string()
                .find(t["token"].as_str().unwrap())
                .is_none(),
            "secrets are never listed"
        );
        let (s, _) = app
            .send(
                Method::DELETE,
                &format!("/api/tokens/{}", t["id"].as_str().unwrap()),
                Value::Null,
            )
            .await;
        assert_eq!(s, 204);
        assert_eq!(
            c.get(format!("{}/api/agreements", app.addr))
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        let events = app.store.list_audit(&app.actor, None).await.unwrap();
        assert!(
            events
                .iter()
                .any(|e| e.action == "token.use" && e.entity_id == t["id"].as_str().unwrap())
        );
        assert!(events.iter().any(|e| e.action == "token.revoke"));
    }
}

entente_store::on_each_backend!(revoked_tokens_stop_working_at_once_and_their_use_is_audited);

async fn responses_carry_security_headers() {
    for app in spawn_apps().await {
        let r = app
            .anon
            .get(format!("{}/healthz", app.addr))
            .send()
            .await
            .unwrap();
        let h = r.headers();
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        assert!(
            !h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("unsafe-inline")
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");

        // Responses that carry tenant data or secrets are never stored by browsers or proxies:
        // login, the new token's secret, any API answer (errors included), the calendar feeds
        // and the setup pages. The public OpenAPI document may be cached.
        let login = app
            .anon
            .post(format!("{}/api/session", app.addr))
            .json(&json!({"email": "admin@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200);
        let token = app
            .client
            .post(format!("{}/api/tokens", app.addr))
            .json(&json!({"name": "headers"}))
            .send()
            .await
            .unwrap();
        assert_eq!(token.status(), 201);
        let list = app
            .client
            .get(format!("{}/api/agreements", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(list.status(), 200);
        let anonymous = app
            .anon
            .get(format!("{}/api/agreements", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
        let unknown = app
            .client
            .get(format!("{}/api/no-such-route", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), 404);
        let (s, feed) = app
            .post(
                "/api/calendar-feeds",
                json!({"scope": "user", "email": "admin@example.com"}),
            )
            .await;
        assert_eq!(s, 201, "{feed}");
        let ics = app
            .anon
            .get(format!("{}{}", app.addr, feed["path"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(ics.status(), 200);
        let setup = app
            .anon
            .get(format!("{}/setup", app.addr))
            .send()
            .await
            .unwrap();
        let openapi = app
            .anon
            .get(format!("{}/api/openapi.json", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(openapi.status(), 200);
        for (what, r) in [
            ("login", &login),
            ("new token", &token),
            ("agreement list", &list),
            ("401", &anonymous),
            ("unknown API route", &unknown),
            ("calendar feed", &ics),
            ("setup page", &setup),
        ] {
            assert_eq!(
                r.headers()
                    .get("cache-control")
                    .map(|v| v.to_str().unwrap()),
                Some("no-store"),
                "{what}"
            );
        }
        assert_ne!(
            openapi
                .headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store")
        );

        // No page of ours needs the camera, microphone, location, payments or USB.
        for r in [&r, &login, &list, &ics, &setup, &openapi] {
            let policy = r.headers()["permissions-policy"].to_str().unwrap();
            for feature in [
                "camera=()",
                "microphone=()",
                "geolocation=()",
                "payment=()",
                "usb=()",
            ] {
                assert!(policy.contains(feature), "{policy}");
            }
        }
    }
}

entente_store::on_each_backend!(responses_carry_security_headers);

#[tokio::test]
async fn the_one_time_setup_link_creates_the_first_administrator_once() {
    let db = entente_store::testing::TestDb::sqlite().await.unwrap();
    let org = db
        .store
        .ensure_organisation("default", "Default")
        .await
        .unwrap();
    let (token, hash) = entente_core::auth::new_secret("setup").unwrap();
    let later = entente_domain::Timestamp::from_jiff(
        db.store.now().jiff() + jiff::SignedDuration::from_hours(1),
    );
    db.store.create_setup_token(&hash, later).await.unwrap();
    let app = entente_server::Application::bind(
        "127.0.0.1:0".parse().unwrap(),
        entente_server::AppState::new(db.store.clone(), org),
    )
    .await
    .unwrap();
    let addr = format!("http://{}", app.local_addr().unwrap());
    tokio::spawn(app.run_until(std::future::pending()));
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // A wrong token is not a setup page at all.
    let r = c
        .get(format!("{addr}/setup?token=setup_wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let page = c
        .get(format!("{addr}/setup?token={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<form method=\"post\">"));
    // A bad e-mail or a common password is refused and leaves the link usable.
    for (email, password, field) in [
        ("not an address", PASSWORD, "email"),
        ("first@example.com", "password1234", "password"),
    ] {
        let r = c
            .post(format!("{addr}/setup?token={token}"))
            .form(&[
                ("email", email),
                ("name", "First Admin"),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains(field));
    }
    let form = [
        ("email", "first@example.com"),
        ("name", "First Admin"),
        ("password", PASSWORD),
    ];
    let r = c
        .post(format!("{addr}/setup?token={token}"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // Once an administrator exists the route is gone, for the used link and any other.
    for _ in 0..2 {
        let r = c
            .post(format!("{addr}/setup?token={token}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "a setup link works once");
    }
    let r = c
        .get(format!("{addr}/setup?token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .post(format!("{addr}/api/session"))
        .json(&json!({"email": "first@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["role"], "admin");
}

async fn a_counterparty_sees_only_agreements_with_its_party() {
    for app in spawn_apps().await {
        let (_, with_globex) = app.post_agreement(agreement_body()).await;
        let mut other = agreement_body();
        other["parties"][1] = json!({"legal_name": "Initech Ltd", "role": "partner"});
        let (_, without) = app.post_agreement(other).await;
        let globex = with_globex["parties"][1]["party_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let hash = entente_core::auth::hash_password(PASSWORD).unwrap();
        let uid = app
            .store
            .add_member(
                &app.actor,
                "partner@globex.example",
                "Globex partner",
                Some(&hash),
                Role::Counterparty,
                Some(globex),
            )
            .await
            .unwrap();
        let owner = entente_store::Principal {
            user_id: uid,
            email: "partner@globex.example".into(),
            org: app.actor.org,
            role: Role::Counterparty,
            party_id: Some(globex),
            csrf: None,
            last_seen: None,
            token: None,
            owner_role: None,
        };
        let (_, token) =
            entente_core::auth::create_token(&app.store, &app.actor, &owner, "partner", None, None)
                .await
                .unwrap();
        let c = bearer_client(&token);
        let list: Value = c
            .get(format!("{}/api/agreements", app.addr))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], 1, "{}", app.label);
        assert_eq!(list["items"][0]["id"], with_globex["id"]);
        let r = c
            .get(format!(
                "{}/api/agreements/{}",
                app.addr,
                without["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let r = c
            .post(format!("{}/api/agreements", app.addr))
            .json(&agreement_body())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "counterparties do not create agreements");
        // A counterparty user must be tied to a party.
        let e = app
            .store
            .add_member(
                &app.actor,
                "x@y.example",
                "x",
                Some(&hash),
                Role::Counterparty,
                None,
            )
            .await;
        assert!(matches!(e, Err(entente_store::StoreError::Invalid(_))));
    }
}

entente_store::on_each_backend!(a_counterparty_sees_only_agreements_with_its_party);
