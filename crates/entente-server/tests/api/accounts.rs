//! Account lifecycle through the public interface, with e-mail delivered to a real SMTP
//! listener: invitations that answer alike for every address and that the invitee accepts,
//! password changes and single-use reset links, disabling and removing members with a
//! handover report, and the session cookie's defaults.

use crate::helpers::{
    PASSWORD, TestApp, agreement_body, bearer_client, spawn_apps, spawn_apps_with, user_token,
};
use crate::receivers::SmtpListener;
use entente_domain::access::Role;
use entente_server::scheduler::{SmtpSettings, SmtpTls};
use reqwest::Method;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "velvet otter morning glass";

async fn with_mail() -> Vec<(TestApp, SmtpListener)> {
    let mut out = Vec::new();
    // One listener per app keeps each backend's mail apart.
    let listeners = [SmtpListener::start().await, SmtpListener::start().await];
    let ports: Vec<u16> = listeners.iter().map(|l| l.port).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let apps = spawn_apps_with(|s| {
        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        s.set_smtp(&SmtpSettings {
            host: "127.0.0.1".into(),
            port: ports[i.min(1)],
            tls: SmtpTls::None,
            user: None,
            password: None,
            from: "Entente <accounts@example.com>".into(),
        })
        .unwrap();
    })
    .await;
    for (app, l) in apps.into_iter().zip(listeners) {
        out.push((app, l));
    }
    out
}

/// The token of the last link e-mailed to `to` on `path` (`/invitation` or `/reset-password`).
fn link_token(smtp: &SmtpListener, to: &str, path: &str) -> String {
    let mail = smtp
        .mails()
        .into_iter()
        .rev()
        .find(|m| m.to.iter().any(|t| t == to))
        .unwrap_or_else(|| panic!("no mail to {to}"));
    // Quoted-printable, as lettre sends a body with `=` in it.
    let data = mail.data.replace("=\r\n", "").replace("=3D", "=");
    let at = data
        .find(&format!("{path}?token="))
        .unwrap_or_else(|| panic!("no {path} link in {data}"));
    data[at + path.len() + 7..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

async fn sign_in(
    app: &TestApp,
    email: &str,
    password: &str,
    org: Option<&str>,
) -> reqwest::Response {
    let mut body = json!({"email": email, "password": password});
    if let Some(o) = org {
        body["organisation"] = json!(o);
    }
    reqwest::Client::new()
        .post(format!("{}/api/session", app.addr))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// A signed-in cookie session: the cookie header value and the CSRF token.
async fn session(app: &TestApp, email: &str, password: &str) -> (String, String) {
    let r = sign_in(app, email, password, None).await;
    assert_eq!(r.status(), 200, "sign-in as {email}");
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let me: Value = r.json().await.unwrap();
    (cookie, me["csrf_token"].as_str().unwrap().to_owned())
}

async fn as_session(
    app: &TestApp,
    s: &(String, String),
    method: Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let r = reqwest::Client::new()
        .request(method, format!("{}{path}", app.addr))
        .header("cookie", &s.0)
        .header("x-csrf-token", &s.1)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn user_id(app: &TestApp, email: &str) -> String {
    let (_, users) = app.get("/api/users").await;
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == email)
        .unwrap_or_else(|| panic!("{email} is no member: {users}"))["user_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn invitations_answer_alike_for_every_address_and_the_invitee_accepts() {
    for (app, smtp) in with_mail().await {
        // Olga has an account in another tenant.
        let org_b = app
            .store
            .ensure_organisation("tenant-b", "Tenant B")
            .await
            .unwrap();
        let hash = entente_core::auth::hash_password(PASSWORD).unwrap();
        app.store
            .add_member(
                &entente_store::Actor::new(org_b, "test"),
                "olga@b.example",
                "Olga",
                Some(&hash),
                Role::Admin,
                None,
            )
            .await
            .unwrap();
        let (s1, known) = app
            .post(
                "/api/users",
                json!({"email": "olga@b.example", "role": "viewer"}),
            )
            .await;
        let (s2, fresh) = app
            .post(
                "/api/users",
                json!({"email": "newbie@example.com", "name": "New Bie", "role": "viewer"}),
            )
            .await;
        assert_eq!((s1, s2), (202, 202), "{} {known} {fresh}", app.label);
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&known), keys(&fresh), "the answers have one shape");
        assert_eq!(
            known["display_name"], "olga@b.example",
            "nothing of the other account shows"
        );
        // A member of this organisation is a conflict (that is our own data).
        let (s, _) = app
            .post(
                "/api/users",
                json!({"email": "admin@example.com", "role": "viewer"}),
            )
            .await;
        assert_eq!(s, 409);
        let (_, pending) = app.get("/api/invitations").await;
        assert_eq!(pending.as_array().unwrap().len(), 2, "{pending}");

        // A new address sets its password, under the policy. The e-mailed link is a page; a
        // made-up one is not.
        let token = link_token(&smtp, "newbie@example.com", "/invitation");
        let page =
            |path: String| async move { reqwest::get(path).await.unwrap().status().as_u16() };
        assert_eq!(
            page(format!("{}/invitation?token={token}", app.addr)).await,
            200
        );
        assert_eq!(
            page(format!("{}/invitation?token=inv_made_up", app.addr)).await,
            404
        );
        let accept = |token: String, password: &'static str| {
            let addr = app.addr.clone();
            async move {
                let r = reqwest::Client::new()
                    .post(format!("{addr}/api/invitations/accept"))
                    .json(&json!({"token": token, "password": password}))
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (s, body) = accept(token.clone(), "password1234").await;
        assert_eq!(s, 422, "{body}");
        assert!(body.contains("password"), "{body}");
        let (s, body) = accept(token.clone(), NEW_PASSWORD).await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(
            sign_in(&app, "newbie@example.com", NEW_PASSWORD, None)
                .await
                .status(),
            200
        );
        let (s, _) = accept(token, NEW_PASSWORD).await;
        assert_eq!(s, 422, "an invitation works once");

        // An existing account proves itself with its own password.
        let token = link_token(&smtp, "olga@b.example", "/invitation");
        let (s, _) = accept(token.clone(), NEW_PASSWORD).await;
        assert_eq!(s, 401);
        let (s, body) = accept(token, PASSWORD).await;
        assert_eq!(s, 200, "{body}");
        let r = sign_in(&app, "olga@b.example", PASSWORD, Some("default")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()["role"], "viewer");
        let (_, pending) = app.get("/api/invitations").await;
        assert!(pending.as_array().unwrap().is_empty(), "{pending}");
        let events = app.store.list_audit(&app.actor, None).await.unwrap();
        assert_eq!(
            events.iter().filter(|e| e.action == "member.join").count(),
            2
        );
    }
}

entente_store::on_each_backend!(invitations_answer_alike_for_every_address_and_the_invitee_accepts);

async fn without_e_mail_every_invitation_is_refused_alike_and_nothing_is_stored() {
    for app in spawn_apps().await {
        let before = app.footprint().await;
        let (s1, a) = app
            .post(
                "/api/users",
                json!({"email": "admin@example.com.invalid", "role": "viewer"}),
            )
            .await;
        let (s2, b) = app
            .post(
                "/api/users",
                json!({"email": "someone@example.com", "role": "viewer"}),
            )
            .await;
        assert_eq!((s1, s2), (409, 409));
        assert_eq!(a["detail"], b["detail"]);
        assert!(
            a["detail"].as_str().unwrap().contains("ENTENTE_SMTP_HOST"),
            "{a}"
        );
        assert_eq!(app.footprint().await, before);
        let (_, pending) = app.get("/api/invitations").await;
        assert!(pending.as_array().unwrap().is_empty());
    }
}

entente_store::on_each_backend!(
    without_e_mail_every_invitation_is_refused_alike_and_nothing_is_stored
);

async fn a_password_change_ends_the_other_sessions_and_a_reset_link_works_once() {
    for (app, smtp) in with_mail().await {
        user_token(&app.store, &app.actor, "vera@example.com", Role::Viewer).await;
        let here = session(&app, "vera@example.com", PASSWORD).await;
        let elsewhere = session(&app, "vera@example.com", PASSWORD).await;
        let change =
            |current: &str, new: &str| json!({"current_password": current, "new_password": new});

        let (s, v) = as_session(
            &app,
            &here,
            Method::PUT,
            "/api/me/password",
            change("wrong password 99", NEW_PASSWORD),
        )
        .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["field"], "current_password", "{v}");
        let (s, v) = as_session(
            &app,
            &here,
            Method::PUT,
            "/api/me/password",
            change(PASSWORD, "vera@example.com"),
        )
        .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["field"], "new_password", "{v}");
        let (s, v) = as_session(
            &app,
            &here,
            Method::PUT,
            "/api/me/password",
            change(PASSWORD, NEW_PASSWORD),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["sessions"], 1, "the other session ended");
        assert_eq!(
            as_session(&app, &elsewhere, Method::GET, "/api/me", Value::Null)
                .await
                .0,
            401
        );
        assert_eq!(
            as_session(&app, &here, Method::GET, "/api/me", Value::Null)
                .await
                .0,
            200
        );
        assert_eq!(
            sign_in(&app, "vera@example.com", PASSWORD, None)
                .await
                .status(),
            401
        );
        assert_eq!(
            sign_in(&app, "vera@example.com", NEW_PASSWORD, None)
                .await
                .status(),
            200
        );

        // An administrator sends a reset link; it works once and ends every session.
        let id = user_id(&app, "vera@example.com").await;
        let (s, v) = app
            .post(&format!("/api/users/{id}/password-reset"), json!({}))
            .await;
        assert_eq!(s, 202, "{v}");
        assert_eq!(v["email"], "vera@example.com");
        let token = link_token(&smtp, "vera@example.com", "/reset-password");
        let page =
            |path: String| async move { reqwest::get(path).await.unwrap().status().as_u16() };
        assert_eq!(
            page(format!("{}/reset-password?token={token}", app.addr)).await,
            200
        );
        assert_eq!(
            page(format!("{}/reset-password?token=reset_made_up", app.addr)).await,
            404
        );
        let reset = |token: String, pw: &'static str| {
            let addr = app.addr.clone();
            async move {
                reqwest::Client::new()
                    .post(format!("{addr}/api/password-reset"))
                    .json(&json!({"token": token, "new_password": pw}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(reset(token.clone(), "qwertyuiop12").await, 422);
        assert_eq!(
            reset(token.clone(), "amber kettle winter lantern").await,
            204
        );
        assert_eq!(
            as_session(&app, &here, Method::GET, "/api/me", Value::Null)
                .await
                .0,
            401
        );
        assert_eq!(
            sign_in(
                &app,
                "vera@example.com",
                "amber kettle winter lantern",
                None
            )
            .await
            .status(),
            200
        );
        assert_eq!(
            reset(token, "another fine long phrase").await,
            422,
            "a reset link works once"
        );
        // The form page behind the e-mailed link posts to itself.
        let r = reqwest::Client::new()
            .post(format!("{}/reset-password?token=reset_unknown", app.addr))
            .form(&[("password", "another fine long phrase")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let actions: Vec<String> = app
            .store
            .list_audit(&app.actor, None)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in [
            "password.change",
            "password.change_failed",
            "password.reset_link",
            "password.reset",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
    }
}

entente_store::on_each_backend!(
    a_password_change_ends_the_other_sessions_and_a_reset_link_works_once
);

async fn disabled_and_removed_members_lose_access_at_once_and_hand_over_their_duties() {
    for app in spawn_apps().await {
        let token = user_token(
            &app.store,
            &app.actor,
            "bo@example.com",
            Role::BusinessOwner,
        )
        .await;
        user_token(&app.store, &app.actor, "legal@example.com", Role::Legal).await;
        let bo = bearer_client(&token);
        let cookie = session(&app, "bo@example.com", PASSWORD).await;
        let mut body = agreement_body();
        body["owner"] = json!("bo@example.com");
        let (_, owned) = app.post_agreement(body).await;
        let owned = owned["id"].as_str().unwrap().to_owned();
        let (_, watched) = app.post_agreement(agreement_body()).await;
        let watched = watched["id"].as_str().unwrap().to_owned();
        let (s, _) = app
            .post(
                &format!("/api/agreements/{watched}/watchers"),
                json!({"email": "bo@example.com"}),
            )
            .await;
        assert!(s < 300);
        let id = user_id(&app, "bo@example.com").await;
        let me = |c: &reqwest::Client| {
            let url = format!("{}/api/me", app.addr);
            let c = c.clone();
            async move { c.get(url).send().await.unwrap().status().as_u16() }
        };
        assert_eq!(me(&bo).await, 200);

        // Disabled: token, session and sign-in stop at once.
        let (s, v) = app
            .send(
                Method::PATCH,
                &format!("/api/users/{id}"),
                json!({"disabled": true}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["disabled"], true, "{v}");
        assert_eq!(me(&bo).await, 401);
        assert_eq!(
            as_session(&app, &cookie, Method::GET, "/api/me", Value::Null)
                .await
                .0,
            401
        );
        assert_eq!(
            sign_in(&app, "bo@example.com", PASSWORD, None)
                .await
                .status(),
            401
        );
        // Enabled again: they sign in; the revoked token stays revoked.
        let (s, _) = app
            .send(
                Method::PATCH,
                &format!("/api/users/{id}"),
                json!({"disabled": false}),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(
            sign_in(&app, "bo@example.com", PASSWORD, None)
                .await
                .status(),
            200
        );
        assert_eq!(me(&bo).await, 401);

        // Removal hands their agreements and watches to legal and reports it.
        let legal = user_id(&app, "legal@example.com").await;
        let before = app.footprint().await;
        let (s, v) = app
            .send(
                Method::DELETE,
                &format!("/api/users/{id}?handover_to={}", app.actor.org),
                Value::Null,
            )
            .await;
        assert_eq!(s, 422, "an heir who is no member is refused: {v}");
        assert!(v.to_string().contains("handover_to"), "{v}");
        assert_eq!(app.footprint().await, before, "and nothing changed");
        let (s, report) = app
            .send(
                Method::DELETE,
                &format!("/api/users/{id}?handover_to={legal}"),
                Value::Null,
            )
            .await;
        assert_eq!(s, 200, "{report}");
        assert_eq!(report["removed"], "bo@example.com");
        assert_eq!(report["handed_to"], "legal@example.com");
        assert_eq!(report["agreements"], json!([owned.clone()]));
        assert_eq!(report["watches"], json!([watched.clone()]));
        let (_, a) = app.get(&format!("/api/agreements/{owned}")).await;
        assert_eq!(a["owner"], "legal@example.com");
        let (_, w) = app
            .get(&format!("/api/agreements/{watched}/watchers"))
            .await;
        assert_eq!(w, json!(["legal@example.com"]));
        assert_eq!(
            sign_in(&app, "bo@example.com", PASSWORD, None)
                .await
                .status(),
            401
        );
        let (_, users) = app.get("/api/users").await;
        assert!(!users.to_string().contains("bo@example.com"));
        let events = app.store.list_audit(&app.actor, None).await.unwrap();
        for a in ["member.disable", "member.enable", "member.remove"] {
            assert!(events.iter().any(|e| e.action == a), "{a}");
        }

        // The last administrator stays.
        let admin = user_id(&app, "admin@example.com").await;
        let (s, v) = app
            .send(Method::DELETE, &format!("/api/users/{admin}"), Value::Null)
            .await;
        assert_eq!(s, 409, "{v}");
        let (s, _) = app
            .send(
                Method::PATCH,
                &format!("/api/users/{admin}"),
                json!({"disabled": true}),
            )
            .await;
        assert_eq!(s, 409);
    }
}

entente_store::on_each_backend!(
    disabled_and_removed_members_lose_access_at_once_and_hand_over_their_duties
);

async fn the_session_cookie_is_host_bound_and_secure_by_default() {
    for app in spawn_apps_with(|s| s.secure_cookies = true).await {
        let r = sign_in(&app, "admin@example.com", PASSWORD, None).await;
        assert_eq!(r.status(), 200);
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("__Host-entente_session="), "{cookie}");
        for attr in ["; Secure", "; HttpOnly", "; Path=/", "; SameSite=Lax"] {
            assert!(cookie.contains(attr), "{attr} in {cookie}");
        }
        assert!(!cookie.contains("Domain"), "{cookie}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        // The prefixed name is the one the server reads back.
        let value = cookie.split(';').next().unwrap().to_owned();
        let csrf = r.json::<Value>().await.unwrap()["csrf_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let (s, _) = as_session(
            &app,
            &(value.clone(), csrf.clone()),
            Method::GET,
            "/api/me",
            Value::Null,
        )
        .await;
        assert_eq!(s, 200);
        let plain = value.replacen("__Host-entente_session", "entente_session", 1);
        let (s, _) = as_session(&app, &(plain, csrf), Method::GET, "/api/me", Value::Null).await;
        assert_eq!(s, 401);
    }
}

entente_store::on_each_backend!(the_session_cookie_is_host_bound_and_secure_by_default);

async fn a_session_switches_to_another_of_its_members_organisations_and_the_old_cookie_dies() {
    for app in spawn_apps().await {
        let l = &app.label;
        // Nadia is legal in the default tenant and a viewer at a partner's.
        let hash = entente_core::auth::hash_password(PASSWORD).unwrap();
        app.store
            .add_member(
                &app.actor,
                "nadia@example.com",
                "Nadia",
                Some(&hash),
                Role::Legal,
                None,
            )
            .await
            .unwrap();
        let other = app
            .store
            .ensure_organisation("northwind", "Northwind Partners")
            .await
            .unwrap();
        let other_actor = entente_store::Actor::new(other, "test");
        app.store
            .add_member(
                &other_actor,
                "nadia@example.com",
                "Nadia",
                None,
                Role::Viewer,
                None,
            )
            .await
            .unwrap();
        let (_, created) = app.post_agreement(agreement_body()).await;
        let default_agreement = created["id"].as_str().unwrap().to_owned();

        let s = session(&app, "nadia@example.com", PASSWORD).await;
        let (status, me) = as_session(&app, &s, Method::GET, "/api/me", Value::Null).await;
        assert_eq!(status, 200, "{l}");
        assert_eq!(me["organisation_id"], app.actor.org.to_string(), "{l}");
        let slugs: Vec<&str> = me["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["slug"].as_str().unwrap())
            .collect();
        assert_eq!(slugs, ["default", "northwind"], "{l}: {me}");

        // An organisation the person does not belong to is refused by name, and nothing moves.
        let (status, problem) = as_session(
            &app,
            &s,
            Method::POST,
            "/api/session/organisation",
            json!({"organisation": "acme"}),
        )
        .await;
        assert_eq!(status, 422, "{l}: {problem}");
        assert!(problem.to_string().contains("acme"), "{l}: {problem}");
        let (status, _) = as_session(&app, &s, Method::GET, "/api/me", Value::Null).await;
        assert_eq!(status, 200, "{l}: a refused switch keeps the session");

        let r = reqwest::Client::new()
            .post(format!("{}/api/session/organisation", app.addr))
            .header("cookie", &s.0)
            .header("x-csrf-token", &s.1)
            .json(&json!({"organisation": "northwind"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let cookie = r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        assert_ne!(cookie, s.0, "{l}: a new secret");
        let me: Value = r.json().await.unwrap();
        assert_eq!(me["organisation_id"], other.to_string(), "{l}");
        assert_eq!(me["role"], "viewer", "{l}: the role there, not here");
        let switched = (cookie, me["csrf_token"].as_str().unwrap().to_owned());
        assert_ne!(switched.1, s.1, "{l}: a new CSRF token");

        // The old cookie no longer works anywhere; the new one sees the other tenant only.
        let (status, _) = as_session(&app, &s, Method::GET, "/api/me", Value::Null).await;
        assert_eq!(status, 401, "{l}");
        let (status, _) = as_session(
            &app,
            &switched,
            Method::GET,
            &format!("/api/agreements/{default_agreement}"),
            Value::Null,
        )
        .await;
        assert_eq!(
            status, 404,
            "{l}: the first tenant's agreement is not there"
        );
        let (status, list) =
            as_session(&app, &switched, Method::GET, "/api/agreements", Value::Null).await;
        assert_eq!(status, 200, "{l}");
        assert_eq!(list["total"], 0, "{l}: {list}");

        // Both trails record the move.
        let here: Vec<String> = app
            .store
            .list_audit(&app.actor, None)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(
            here.contains(&"session.switched_away".to_owned()),
            "{l}: {here:?}"
        );
        let there: Vec<String> = app
            .store
            .list_audit(&other_actor, None)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(
            there.contains(&"session.switched".to_owned()),
            "{l}: {there:?}"
        );

        // An API token belongs to one tenant: it cannot switch, and shows only its own, even
        // when its owner belongs to another.
        app.store
            .add_member(
                &other_actor,
                "admin@example.com",
                "Admin",
                None,
                Role::Viewer,
                None,
            )
            .await
            .unwrap();
        let (status, me) = app.get("/api/me").await;
        assert_eq!(status, 200, "{l}");
        assert_eq!(
            me["organisations"].as_array().unwrap().len(),
            1,
            "{l}: {me}"
        );
        let (status, problem) = app
            .post(
                "/api/session/organisation",
                json!({"organisation": "northwind"}),
            )
            .await;
        assert_eq!(status, 403, "{l}: {problem}");
    }
}

entente_store::on_each_backend!(
    a_session_switches_to_another_of_its_members_organisations_and_the_old_cookie_dies
);
