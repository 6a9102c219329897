//! The counterparty scope through the public HTTP interface, on every backend: on its own
//! agreement a counterparty user reads the text, its own party's duties and key dates, marks
//! its own occurrences done with evidence, and nothing internal to the organisation exists
//! for it. The route table is checked against the served OpenAPI document, so a new route
//! needs a decision before the suite passes.

use crate::access::{DOC, routes, send};
use crate::helpers::{TestApp, agreement_body, bearer_client, party_member_token, spawn_apps};
use entente_domain::Date;
use entente_domain::access::Role;
use reqwest::Method;
use serde_json::{Value, json};

/// What a counterparty user may do on one route, on its own agreement and its own duty.
#[derive(Debug, Clone, Copy)]
enum Decision {
    /// Shared with it (the text, parties, signatures, amendments, key dates): answered (2xx).
    Shared,
    /// Its own party's duties, filtered to them: answered (2xx).
    OwnDuty,
    /// Internal, one item: it does not exist for the counterparty (404).
    HiddenItem,
    /// Internal collections, and writes it may not make: 403.
    Forbidden,
    /// The caller's own session, tokens and inbox: answered as for any member (this status).
    Personal(u16),
    /// Not a member route (login, the calendar's token URL): this status with these inputs.
    Outside(u16),
}

use Decision::*;

/// Every route with its decision. A route missing here fails the walk.
const TABLE: &[(&str, &str, Decision)] = &[
    // Agreements: the agreement itself is shared, changing it is ours.
    ("GET", "/api/agreements", Shared),
    ("POST", "/api/agreements", Forbidden),
    ("GET", "/api/agreements/{id}", Shared),
    ("PATCH", "/api/agreements/{id}", Forbidden),
    ("DELETE", "/api/agreements/{id}", Forbidden),
    ("POST", "/api/agreements/{id}/transition", Forbidden),
    ("PUT", "/api/agreements/{id}/terms/{field}", Forbidden),
    ("DELETE", "/api/agreements/{id}/terms/{field}", Forbidden),
    ("PUT", "/api/agreements/{id}/access", Forbidden),
    // Documents: the text is shared.
    ("POST", "/api/import", Forbidden),
    ("GET", "/api/agreements/{id}/versions", Shared),
    ("POST", "/api/agreements/{id}/versions", Forbidden),
    ("GET", "/api/versions/{id}/content", Shared),
    ("GET", "/api/versions/{id}/text", Shared),
    ("GET", "/api/agreements/{id}/clauses", Shared),
    ("GET", "/api/search", Shared),
    ("GET", "/api/agreements/{id}/redline", Shared),
    ("GET", "/api/agreements/{id}/consolidated", Shared),
    // Parties of its agreements.
    ("GET", "/api/parties", Shared),
    ("GET", "/api/parties/{id}", Shared),
    ("PATCH", "/api/parties/{id}", Forbidden),
    ("GET", "/api/own-entities", Forbidden),
    ("PUT", "/api/own-entities", Forbidden),
    // Obligations: its own party's, and it only reports them done.
    ("GET", "/api/obligations", OwnDuty),
    ("POST", "/api/agreements/{id}/obligations", Forbidden),
    ("GET", "/api/obligations/{id}", OwnDuty),
    ("PATCH", "/api/obligations/{id}", Forbidden),
    ("DELETE", "/api/obligations/{id}", Forbidden),
    ("GET", "/api/obligations/{id}/occurrences", OwnDuty),
    ("PUT", "/api/obligations/{id}/occurrences/{due}", OwnDuty),
    (
        "POST",
        "/api/obligations/{id}/occurrences/{due}/evidence",
        OwnDuty,
    ),
    ("GET", "/api/evidence/{id}", OwnDuty),
    ("GET", "/api/obligations/{id}/measurements", HiddenItem),
    ("POST", "/api/obligations/{id}/measurements", Forbidden),
    ("POST", "/api/measurements/import", Forbidden),
    ("GET", "/api/breaches", Forbidden),
    // Key dates.
    ("GET", "/api/agreements/{id}/dates", OwnDuty),
    ("GET", "/api/deadlines", OwnDuty),
    // Lifecycle: what both sides take part in is shared, our governance is not.
    ("GET", "/api/agreements/{id}/transitions", HiddenItem),
    ("GET", "/api/approval-policy", Forbidden),
    ("PUT", "/api/approval-policy", Forbidden),
    ("GET", "/api/closeout-checklist", Forbidden),
    ("GET", "/api/review", Forbidden),
    ("GET", "/api/review-settings", Forbidden),
    ("PUT", "/api/review-settings", Forbidden),
    (
        "POST",
        "/api/agreements/{id}/terms/{field}/confirmation",
        Forbidden,
    ),
    ("PUT", "/api/closeout-checklist", Forbidden),
    ("GET", "/api/agreements/{id}/approvals", HiddenItem),
    ("POST", "/api/agreements/{id}/approvals", Forbidden),
    (
        "POST",
        "/api/agreements/{id}/approvals/decisions",
        Forbidden,
    ),
    ("GET", "/api/agreements/{id}/signatures", Shared),
    ("POST", "/api/agreements/{id}/signatures", Forbidden),
    ("GET", "/api/agreements/{id}/amendments", Shared),
    ("POST", "/api/agreements/{id}/amendments", Forbidden),
    ("GET", "/api/agreements/{id}/reviews", HiddenItem),
    ("POST", "/api/agreements/{id}/reviews", Forbidden),
    ("GET", "/api/agreements/{id}/termination", Shared),
    ("POST", "/api/agreements/{id}/termination", Forbidden),
    (
        "POST",
        "/api/agreements/{id}/termination/retirement",
        Forbidden,
    ),
    ("GET", "/api/agreements/{id}/disputes", HiddenItem),
    ("POST", "/api/agreements/{id}/disputes", Forbidden),
    ("GET", "/api/disputes/{id}", HiddenItem),
    ("POST", "/api/disputes/{id}/escalation", Forbidden),
    ("POST", "/api/disputes/{id}/resolution", Forbidden),
    ("POST", "/api/disputes/escalate-due", Forbidden),
    // Audit.
    ("GET", "/api/agreements/{id}/audit", HiddenItem),
    ("GET", "/api/agreements/{id}/audit/export", HiddenItem),
    ("GET", "/api/audit/verify", Forbidden),
    ("GET", "/api/audit", Forbidden),
    // Playbooks and risk.
    ("POST", "/api/check", Forbidden),
    ("GET", "/api/agreements/{id}/check", HiddenItem),
    ("POST", "/api/agreements/{id}/check", Forbidden),
    ("GET", "/api/agreements/{id}/checks", HiddenItem),
    ("GET", "/api/agreements/{id}/competitors", HiddenItem),
    ("PUT", "/api/agreements/{id}/competitors", Forbidden),
    ("GET", "/api/portfolio/risk", Forbidden),
    ("GET", "/api/findings", Forbidden),
    ("GET", "/api/playbook", Forbidden),
    ("PUT", "/api/playbook", Forbidden),
    ("GET", "/api/playbook/default", Forbidden),
    // Drafting: the templates (with the negotiating guidance) and the choices are ours.
    ("GET", "/api/templates", Forbidden),
    ("POST", "/api/drafts/preview", Forbidden),
    ("POST", "/api/drafts", Forbidden),
    ("GET", "/api/agreements/{id}/positions", HiddenItem),
    ("POST", "/api/agreements/{id}/positions", Forbidden),
    // Alerts.
    ("GET", "/api/alert-settings", Forbidden),
    ("PATCH", "/api/alert-settings", Forbidden),
    ("GET", "/api/alerts", Forbidden),
    ("GET", "/api/inbox", Personal(200)),
    // Only the caller's own items can be marked read; this id is nobody's.
    ("POST", "/api/inbox/{id}/read", Personal(404)),
    ("GET", "/api/agreements/{id}/watchers", HiddenItem),
    ("POST", "/api/agreements/{id}/watchers", Forbidden),
    ("DELETE", "/api/agreements/{id}/watchers/{email}", Forbidden),
    ("GET", "/api/webhooks", Forbidden),
    ("POST", "/api/webhooks", Forbidden),
    ("DELETE", "/api/webhooks/{id}", Forbidden),
    ("POST", "/api/webhooks/{id}/rotate-secret", Forbidden),
    ("GET", "/api/deliveries", Forbidden),
    // Calendar feeds: its own (whose .ics shows what it sees); ours do not exist for it.
    ("GET", "/api/calendar-feeds", Personal(200)),
    ("POST", "/api/calendar-feeds", Personal(201)),
    ("POST", "/api/calendar-feeds/{id}/rotate", HiddenItem),
    ("DELETE", "/api/calendar-feeds/{id}", HiddenItem),
    ("GET", "/calendar/{file}", Outside(404)),
    // Its own session and tokens; the tenant's accounts are ours.
    ("POST", "/api/session", Outside(401)),
    ("DELETE", "/api/session", Personal(204)),
    ("DELETE", "/api/sessions", Personal(200)),
    ("GET", "/api/me", Personal(200)),
    // A token cannot move to another tenant (a session can, to its person's own).
    ("POST", "/api/session/organisation", Personal(403)),
    // Whether it gets alert e-mail: its own setting.
    ("GET", "/api/me/email-alerts", Personal(200)),
    ("PUT", "/api/me/email-alerts", Personal(200)),
    ("GET", "/api/tokens", Personal(200)),
    ("POST", "/api/tokens", Personal(201)),
    // Another member's token does not exist for it.
    ("DELETE", "/api/tokens/{id}", HiddenItem),
    // Its own password (the sample's current password is wrong).
    ("PUT", "/api/me/password", Personal(422)),
    ("GET", "/api/users", Forbidden),
    ("POST", "/api/users", Forbidden),
    ("PATCH", "/api/users/{id}", Forbidden),
    ("DELETE", "/api/users/{id}", Forbidden),
    ("POST", "/api/users/{id}/password-reset", Forbidden),
    ("GET", "/api/invitations", Forbidden),
    ("DELETE", "/api/invitations/{id}", Forbidden),
    // Links that carry their own secret (these samples' are unknown).
    ("POST", "/api/invitations/accept", Outside(422)),
    ("POST", "/api/password-reset", Outside(422)),
];

/// Our internal watcher: must never reach a counterparty.
const WATCHER: &str = "deadline-watch@northwind.example";
/// The words of our own duty: must never reach a counterparty.
const OUR_DUTY: &str = "deliver the Northwind rollout plan";

/// An agreement between us (Northwind) and Globex with duties of each side, and a Globex user.
struct Scene {
    agreement: String,
    version: String,
    globex: String,
    /// Owed by Northwind.
    ours: String,
    /// Owed by Globex, named as the agreement's short name.
    theirs: String,
    /// Owed by Globex, named by its legal name in other case and punctuation.
    theirs_legal: String,
    /// Owed by each party.
    each: String,
    /// Owed by a third company that is no party here.
    stranger: String,
    due: Date,
    dispute: String,
    feed: String,
    admin_token_id: String,
    /// Evidence we attached to our own duty.
    our_evidence: String,
    cp: reqwest::Client,
}

async fn obligation(
    app: &TestApp,
    agreement: &str,
    obligor: &str,
    text: &str,
    due: Date,
) -> String {
    let (s, o) = app
        .post(
            &format!("/api/agreements/{agreement}/obligations"),
            json!({"obligor": obligor, "text": text, "due": {"kind": "on", "date": due.to_string()}}),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    o["id"].as_str().unwrap().to_owned()
}

async fn scene(app: &TestApp) -> Scene {
    let due = app.store.today(&app.actor).await.unwrap().plus_days(30);
    let (s, a) = app.post_agreement(agreement_body()).await;
    assert_eq!(s, 201, "{a}");
    let agreement = a["id"].as_str().unwrap().to_owned();
    let globex = a["parties"][1]["party_id"].as_str().unwrap().to_owned();
    // A second agreement with a company Globex has nothing to do with.
    let mut other = agreement_body();
    other["parties"][1] =
        json!({"legal_name": "Initech Ltd", "short_name": "Initech", "role": "partner"});
    app.post_agreement(other).await;
    for text in [
        DOC.to_owned(),
        format!("{DOC}\n2. Notice. Ninety (90) days.\n"),
    ] {
        let (s, v) = app
            .post_bytes(
                &format!("/api/agreements/{agreement}/versions?filename=a.txt"),
                text.into_bytes(),
            )
            .await;
        assert_eq!(s, 201, "{v}");
    }
    let (_, versions) = app
        .get(&format!("/api/agreements/{agreement}/versions"))
        .await;
    let version = versions[0]["id"].as_str().unwrap().to_owned();
    let ours = obligation(app, &agreement, "Northwind", OUR_DUTY, due).await;
    let theirs = obligation(
        app,
        &agreement,
        "Globex",
        "deliver the Globex connector",
        due,
    )
    .await;
    let theirs_legal =
        obligation(app, &agreement, "GLOBEX GmbH.", "report usage monthly", due).await;
    let each = obligation(app, &agreement, "Each Party", "appoint a project lead", due).await;
    let stranger = obligation(app, &agreement, "Initech", "audit the connector", due).await;
    let (s, w) = app
        .post(
            &format!("/api/agreements/{agreement}/watchers"),
            json!({"email": WATCHER}),
        )
        .await;
    assert_eq!(s, 201, "{w}");
    let (s, d) = app
        .post(
            &format!("/api/agreements/{agreement}/disputes"),
            json!({"subject": "late connector"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let (s, f) = app
        .post(
            "/api/calendar-feeds",
            json!({"scope": "agreement", "agreement_id": agreement}),
        )
        .await;
    assert_eq!(s, 201, "{f}");
    let (_, tokens) = app.get("/api/tokens").await;
    let r = app
        .client
        .post(format!(
            "{}/api/obligations/{ours}/occurrences/{due}/evidence?filename=ours.txt",
            app.addr
        ))
        .body("our delivery note")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let our_evidence = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let token = party_member_token(
        &app.store,
        &app.actor,
        "partner@globex.example",
        Role::Counterparty,
        Some(globex.parse().unwrap()),
    )
    .await;
    Scene {
        agreement,
        version,
        globex,
        ours,
        theirs,
        theirs_legal,
        each,
        stranger,
        due,
        dispute: d["id"].as_str().unwrap().to_owned(),
        feed: f["feed"]["id"].as_str().unwrap().to_owned(),
        admin_token_id: tokens[0]["id"].as_str().unwrap().to_owned(),
        our_evidence,
        cp: bearer_client(&token),
    }
}

/// Fills a route template: the counterparty's agreement, its own duty, our other ids.
fn fill(template: &str, sc: &Scene, own_evidence: &str) -> String {
    let segs: Vec<&str> = template.split('/').collect();
    let mut out = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        let v = match *seg {
            "{field}" => "governing_law".to_owned(),
            "{due}" => sc.due.to_string(),
            "{email}" => WATCHER.to_owned(),
            "{file}" => "feed_0000000000000000.ics".to_owned(),
            "{id}" => match segs.get(i.wrapping_sub(1)).copied().unwrap_or("") {
                "agreements" => sc.agreement.clone(),
                "obligations" => sc.theirs.clone(),
                "versions" => sc.version.clone(),
                "parties" => sc.globex.clone(),
                "disputes" => sc.dispute.clone(),
                "calendar-feeds" => sc.feed.clone(),
                "tokens" => sc.admin_token_id.clone(),
                "evidence" => own_evidence.to_owned(),
                "users" | "webhooks" | "inbox" | "invitations" => {
                    "01a20000-0000-7000-8000-000000000000".to_owned()
                }
                other => panic!("route {template}: no id known for /{other}/{{id}}; extend `fill`"),
            },
            s if s.starts_with('{') => panic!("route {template}: unknown parameter {s}"),
            s => s.to_owned(),
        };
        out.push(v);
    }
    let mut path = out.join("/");
    // Query parameters some reads need to answer at all.
    match template {
        "/api/search" => path.push_str("?q=agreement"),
        "/api/agreements/{id}/redline" => path.push_str("?from=1&to=2"),
        _ => {}
    }
    path
}

/// A body closer to what a counterparty would send than the shared samples.
fn own_body(method: &Method, template: &str, sc: &Scene) -> Option<Value> {
    match (method.as_str(), template) {
        ("POST", "/api/calendar-feeds") => {
            Some(json!({"scope": "agreement", "agreement_id": sc.agreement}))
        }
        ("POST", "/api/agreements/{id}/watchers") => {
            Some(json!({"email": "spy@elsewhere.example"}))
        }
        _ => None,
    }
}

async fn every_route_answers_a_counterparty_as_the_table_decides() {
    for app in spawn_apps().await {
        let sc = scene(&app).await;
        // Its own evidence, so the download route is tried on something it may read.
        let r = sc
            .cp
            .post(format!(
                "{}/api/obligations/{}/occurrences/{}/evidence?filename=done.txt",
                app.addr, sc.theirs, sc.due
            ))
            .body("signed delivery receipt")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", app.label);
        let own_evidence = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (_, doc) = app.get("/api/openapi.json").await;
        let all = routes(&doc);
        let mut seen = Vec::new();
        for (method, template) in &all {
            let Some((_, _, decision)) = TABLE
                .iter()
                .find(|(m, t, _)| *m == method.as_str() && t == template)
            else {
                panic!(
                    "{method} {template}: decide what a counterparty may do here and add it to TABLE"
                );
            };
            seen.push((method.as_str().to_owned(), template.clone()));
            let path = fill(template, &sc, &own_evidence);
            let (status, body) = match own_body(method, template, &sc) {
                Some(b) => {
                    let r = sc
                        .cp
                        .request(method.clone(), format!("{}{path}", app.addr))
                        .json(&b)
                        .send()
                        .await
                        .unwrap();
                    (r.status().as_u16(), r.text().await.unwrap())
                }
                None => send(&sc.cp, &app.addr, method, &path, template).await,
            };
            let ok = match decision {
                Shared | OwnDuty => (200..300).contains(&status),
                HiddenItem => status == 404,
                Forbidden => status == 403,
                Personal(s) | Outside(s) => status == *s,
            };
            assert!(
                ok,
                "{}: counterparty {method} {path}: expected {decision:?}, got {status}: {body}",
                app.label
            );
            if matches!(decision, Forbidden) {
                assert!(
                    body.contains("may not") || body.contains("internal"),
                    "{}: {method} {template}: the refusal says why: {body}",
                    app.label
                );
            }
            // Nothing internal reaches it, whatever the route.
            for secret in [
                WATCHER,
                OUR_DUTY,
                sc.ours.as_str(),
                sc.stranger.as_str(),
                sc.our_evidence.as_str(),
            ] {
                assert!(
                    !body.contains(secret),
                    "{}: counterparty {method} {template} shows {secret}: {body}",
                    app.label
                );
            }
        }
        for (m, t, _) in TABLE {
            assert!(
                seen.iter().any(|(sm, st)| sm == m && st == t),
                "{m} {t} is in TABLE but no longer served"
            );
        }
    }
}

entente_store::on_each_backend!(every_route_answers_a_counterparty_as_the_table_decides);

async fn status_of(r: reqwest::RequestBuilder) -> (u16, Value) {
    let r = r.send().await.unwrap();
    let s = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        s,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o[key].as_str().map(str::to_owned))
        .collect()
}

async fn a_counterparty_cannot_remove_our_watchers_or_add_outside_ones() {
    for app in spawn_apps().await {
        let sc = scene(&app).await;
        let base = format!("{}/api/agreements/{}/watchers", app.addr, sc.agreement);
        let (s, body) = status_of(sc.cp.delete(format!("{base}/{WATCHER}"))).await;
        assert_eq!(s, 403, "{}: {body}", app.label);
        assert!(
            body["detail"].as_str().unwrap().contains("internal"),
            "{body}"
        );
        let (s, _) = status_of(
            sc.cp
                .post(&base)
                .json(&json!({"email": "spy@elsewhere.example"})),
        )
        .await;
        assert_eq!(s, 403, "{}", app.label);
        let (s, _) = status_of(sc.cp.get(&base)).await;
        assert_eq!(s, 404, "{}: watchers do not exist for it", app.label);
        let (_, watchers) = app
            .get(&format!("/api/agreements/{}/watchers", sc.agreement))
            .await;
        assert_eq!(watchers, json!([WATCHER]), "{}", app.label);
    }
}

entente_store::on_each_backend!(a_counterparty_cannot_remove_our_watchers_or_add_outside_ones);

async fn a_counterparty_cannot_waive_or_reassign_our_duties_nor_see_them() {
    for app in spawn_apps().await {
        let sc = scene(&app).await;
        let ob = |id: &str| format!("{}/api/obligations/{id}", app.addr);
        // Changing an obligation is ours, even its own party's.
        for id in [&sc.ours, &sc.theirs] {
            for patch in [
                json!({"status": "waived"}),
                json!({"owner": "partner@globex.example"}),
            ] {
                let (s, _) = status_of(sc.cp.patch(ob(id)).json(&patch)).await;
                assert_eq!(s, 403, "{}: PATCH {patch}", app.label);
            }
        }
        // Waiving or reopening an occurrence too; our own duty's does not exist for it.
        let (s, _) = status_of(
            sc.cp
                .put(format!("{}/occurrences/{}", ob(&sc.ours), sc.due))
                .json(&json!({"status": "waived", "note": "not needed"})),
        )
        .await;
        assert_eq!(s, 403, "{}", app.label);
        let (s, _) = status_of(
            sc.cp
                .put(format!("{}/occurrences/{}", ob(&sc.theirs), sc.due))
                .json(&json!({"status": "waived", "note": "not needed"})),
        )
        .await;
        assert_eq!(s, 403, "{}: not even its own", app.label);
        for path in [
            ob(&sc.ours),
            format!("{}/occurrences", ob(&sc.ours)),
            ob(&sc.stranger),
            format!("{}/api/evidence/{}", app.addr, sc.our_evidence),
        ] {
            let (s, _) = status_of(sc.cp.get(&path)).await;
            assert_eq!(s, 404, "{}: {path}", app.label);
        }
        let (_, ours) = app.get(&format!("/api/obligations/{}", sc.ours)).await;
        assert_eq!(ours["status"], "pending", "{}", app.label);
        assert!(ours["owner"].is_null(), "{}", app.label);

        // Lists hold only its own party's duties (by short name, legal name, or each party).
        let (_, list) = status_of(sc.cp.get(format!(
            "{}/api/obligations?agreement_id={}",
            app.addr, sc.agreement
        )))
        .await;
        let mut got = ids(&list, "id");
        got.sort();
        let mut want = vec![sc.theirs.clone(), sc.theirs_legal.clone(), sc.each.clone()];
        want.sort();
        assert_eq!(got, want, "{}", app.label);
        let (_, dates) = status_of(sc.cp.get(format!(
            "{}/api/agreements/{}/dates",
            app.addr, sc.agreement
        )))
        .await;
        let mut got = ids(&dates["occurrences"], "obligation_id");
        got.sort();
        got.dedup();
        assert_eq!(got, want, "{}", app.label);
        assert!(
            !dates["key_dates"].as_array().unwrap().is_empty(),
            "{}: key dates are shared",
            app.label
        );
        app.store
            .refresh_deadlines(app.store.now(), 100)
            .await
            .unwrap();
        let (_, page) = status_of(sc.cp.get(format!(
            "{}/api/deadlines?agreement_id={}",
            app.addr, sc.agreement
        )))
        .await;
        let deadlines = page["items"].clone();
        let mut got = ids(&deadlines, "obligation_id");
        got.sort();
        got.dedup();
        assert_eq!(got, want, "{}", app.label);
        assert!(
            deadlines
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["obligation_id"].is_null()),
            "{}: key-date deadlines stay visible",
            app.label
        );
        // We still see every duty.
        let (_, all) = app
            .get(&format!("/api/obligations?agreement_id={}", sc.agreement))
            .await;
        assert_eq!(all.as_array().unwrap().len(), 5, "{}", app.label);
        // Its party list is the parties of its agreements, not our other partners.
        let (_, parties) = status_of(sc.cp.get(format!("{}/api/parties", app.addr))).await;
        assert!(!parties.to_string().contains("Initech"), "{}", app.label);
        assert_eq!(parties.as_array().unwrap().len(), 2, "{}", app.label);
    }
}

entente_store::on_each_backend!(a_counterparty_cannot_waive_or_reassign_our_duties_nor_see_them);

async fn a_counterparty_reads_no_findings_risk_scores_or_approval_thresholds() {
    for app in spawn_apps().await {
        let sc = scene(&app).await;
        let (s, check) = app
            .get(&format!("/api/agreements/{}/check", sc.agreement))
            .await;
        assert_eq!(s, 200, "{}: we have a check: {check}", app.label);
        let (s, _) = app
            .post(
                &format!("/api/agreements/{}/approvals", sc.agreement),
                json!({}),
            )
            .await;
        assert!(s == 201 || s == 422, "{}: {s}", app.label);
        let a = &sc.agreement;
        for (path, want) in [
            (format!("/api/agreements/{a}/check"), 404),
            (format!("/api/agreements/{a}/checks"), 404),
            (format!("/api/agreements/{a}/approvals"), 404),
            ("/api/findings".to_owned(), 403),
            ("/api/portfolio/risk".to_owned(), 403),
            ("/api/approval-policy".to_owned(), 403),
            ("/api/playbook".to_owned(), 403),
        ] {
            let (s, body) = status_of(sc.cp.get(format!("{}{path}", app.addr))).await;
            assert_eq!(s, want, "{}: {path}: {body}", app.label);
            let text = body.to_string();
            for internal in ["score", "blind_spot", "threshold", "rules"] {
                assert!(!text.contains(internal), "{}: {path}: {text}", app.label);
            }
        }
        // Checking its own text against our playbook would show our positions.
        let (s, _) = status_of(
            sc.cp
                .post(format!("{}/api/check", app.addr))
                .json(&json!({"text": DOC})),
        )
        .await;
        assert_eq!(s, 403, "{}", app.label);
    }
}

entente_store::on_each_backend!(
    a_counterparty_reads_no_findings_risk_scores_or_approval_thresholds
);

async fn a_counterparty_marks_its_own_occurrences_done_with_evidence_but_not_ours() {
    for app in spawn_apps().await {
        let sc = scene(&app).await;
        let occ = |id: &str| format!("{}/api/obligations/{id}/occurrences/{}", app.addr, sc.due);
        for id in [&sc.theirs, &sc.theirs_legal, &sc.each] {
            let (s, v) = status_of(
                sc.cp
                    .put(occ(id))
                    .json(&json!({"status": "done", "note": "delivered"})),
            )
            .await;
            assert_eq!(s, 200, "{}: {v}", app.label);
            assert_eq!(v["status"], "done", "{}", app.label);
            assert!(
                v["recorded_by"]
                    .as_str()
                    .unwrap()
                    .contains("partner@globex.example"),
                "{}: {v}",
                app.label
            );
        }
        let r = sc
            .cp
            .post(format!("{}/evidence?filename=receipt.txt", occ(&sc.theirs)))
            .body("signed delivery receipt")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", app.label);
        let ev: Value = r.json().await.unwrap();
        let (s, _) = status_of(sc.cp.get(format!(
            "{}/api/evidence/{}",
            app.addr,
            ev["id"].as_str().unwrap()
        )))
        .await;
        assert_eq!(s, 200, "{}", app.label);
        // We see what it recorded.
        let (_, v) = app
            .get(&format!(
                "/api/obligations/{}/occurrences?from={d}&until={d}",
                sc.theirs,
                d = sc.due
            ))
            .await;
        assert_eq!(v[0]["status"], "done", "{}", app.label);
        assert_eq!(
            v[0]["evidence"][0]["filename"], "receipt.txt",
            "{}",
            app.label
        );

        // Our duty, or a stranger's, does not exist for it.
        for id in [&sc.ours, &sc.stranger] {
            let (s, _) = status_of(sc.cp.put(occ(id)).json(&json!({"status": "done"}))).await;
            assert_eq!(s, 404, "{}", app.label);
            let r = sc
                .cp
                .post(format!("{}/evidence?filename=x.txt", occ(id)))
                .body("x")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "{}", app.label);
        }
        let (_, v) = app
            .get(&format!(
                "/api/obligations/{}/occurrences?from={d}&until={d}",
                sc.ours,
                d = sc.due
            ))
            .await;
        assert_ne!(v[0]["status"], "done", "{}", app.label);
        assert_eq!(
            v[0]["evidence"].as_array().unwrap().len(),
            1,
            "{}",
            app.label
        );
    }
}

entente_store::on_each_backend!(
    a_counterparty_marks_its_own_occurrences_done_with_evidence_but_not_ours
);
