//! Per-agreement visibility through the public HTTP interface, on every backend: an agreement
//! a member may not see does not exist for them on any route, and no list shows it or
//! anything of it. Like the tenancy walk, the routes come from the served OpenAPI document,
//! so a new route is walked too (and needs a fill, a body, and for a plain GET a decision in
//! `LISTS` or `NOT_ABOUT_AGREEMENTS`) before the suite passes.
//!
//! The scene: agreement A, restricted to one granted member, with everything that can hang
//! under it (versions and an amendment, clauses, an approval round, signatures, a review, a
//! termination notice with its duties, an obligation with a measured breach, its alert, inbox
//! items and deliveries, an occurrence done with evidence, a dispute, watchers, playbook
//! checks, key dates and deadlines, and a member's own calendar feed of it made before the
//! restriction), and agreement B, which every tested member may see.
//!
//! The rule, for procurement, a second procurement member who used A before it was
//! restricted, a business owner, a viewer and a counterparty user (administrators and legal
//! see every agreement by design):
//!
//! - every route templated with an id of A or of anything under A answers **404**, or
//!   **403** only when the same route on B answers 403 as well (the role lacks the
//!   permission whatever the agreement, so the refusal says nothing about A);
//! - no answer of any route carries A's title, its text or any id of A or under it, except
//!   the one id the request itself named (a 404 names what was asked for, as for any unknown
//!   id);
//! - every list, filter and search leaves A out (also when asked for A by id), and shows B
//!   wherever the role may read it; portfolio risk counts only the agreements one sees.

use crate::access::{routes, sample_body, send};
use crate::helpers::{
    TestApp, agreement_body, bearer_client, party_member_token, spawn_apps, user_token,
};
use entente_domain::access::Role;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// A's title and a word only its text has: never in an answer to someone who may not see A.
const A_TITLE: &str = "Restricted Quillwort Venture";
const A_WORD: &str = "quillwort";
/// A duty of A: its words are as secret as A.
const A_DUTY: &str = "deliver the quillwort rollout plan";
const B_TITLE: &str = "Open Marigold Alliance";

const A_V1: &str = "COLLABORATION AGREEMENT\n\nThis Agreement is made between Northwind Systems, Inc. (\"Northwind\") and Initech Ltd (\"Initech\").\n\n1. Term. Two (2) years. The quillwort programme is confidential.\n\n12. Renewal. This Agreement renews for successive one-year terms unless either party gives ninety (90) days' written notice.\n\n14. Termination. Either party may terminate for convenience on thirty (30) days' notice.\n";
const A_V2: &str = "COLLABORATION AGREEMENT (as amended)\n\nThis Agreement is made between Northwind Systems, Inc. (\"Northwind\") and Initech Ltd (\"Initech\").\n\n1. Term. Two (2) years. The quillwort programme is confidential.\n\n12. Renewal. This Agreement renews for successive one-year terms unless either party gives sixty (60) days' written notice.\n\n14. Termination. Either party may terminate for convenience on thirty (30) days' notice.\n";
const B_V1: &str = "COLLABORATION AGREEMENT\n\nThis Agreement is made between Northwind Systems, Inc. (\"Northwind\") and Globex GmbH (\"Globex\").\n\n1. Term. Two (2) years. The marigold programme is shared.\n";

/// List, filter and search routes: they must never show A, and must show B (this marker in
/// the answer) whenever the role may read them. `{A}` and `{B}` stand for the agreements'
/// ids. Every plain GET route of the API is here or in `NOT_ABOUT_AGREEMENTS`.
const LISTS: &[(&str, &str)] = &[
    ("/api/agreements", "{B}"),
    ("/api/agreements?q=Quillwort", ""),
    ("/api/agreements?q=Marigold", "{B}"),
    ("/api/obligations", "{B}"),
    ("/api/obligations?agreement_id={A}", ""),
    ("/api/deadlines", "{B}"),
    ("/api/deadlines?agreement_id={A}", ""),
    ("/api/search?q=quillwort", ""),
    ("/api/search?q=marigold", "{B}"),
    ("/api/search?q=programme", "{B}"),
    ("/api/findings", "{B}"),
    ("/api/findings?agreement_id={A}", ""),
    ("/api/findings?agreement_id={B}", "{B}"),
    ("/api/portfolio/risk", "{B}"),
    ("/api/alerts", "{B}"),
    ("/api/breaches", "{B}"),
    ("/api/deliveries", B_TITLE),
    // Every tested member watches both agreements, so each inbox holds B's alert.
    ("/api/inbox", B_TITLE),
    ("/api/inbox?unread=true", B_TITLE),
    ("/api/calendar-feeds", ""),
    // The tenant's business partners are not under an agreement (a counterparty user sees
    // only the parties of its agreements); their records name no agreement.
    ("/api/parties", ""),
    ("/api/review", ""),
    ("/api/audit?limit=500", "{B}"),
];

/// Plain GET routes that list nothing of any agreement.
const NOT_ABOUT_AGREEMENTS: &[&str] = &[
    "/api/me",
    "/api/me/email-alerts",
    "/api/tokens",
    "/api/users",
    "/api/invitations",
    "/api/webhooks",
    "/api/alert-settings",
    "/api/own-entities",
    "/api/approval-policy",
    "/api/closeout-checklist",
    "/api/review-settings",
    "/api/playbook",
    "/api/playbook/default",
    "/api/audit/verify",
    "/api/templates",
];

/// The ids the walk fills into route templates.
#[derive(Clone)]
struct Ids {
    agreement: String,
    obligation: String,
    version: String,
    dispute: String,
    evidence: String,
    due: String,
    /// A member's own calendar feed of this agreement, and its secret file name.
    feed: String,
    feed_file: String,
    /// That member's inbox item about this agreement.
    inbox: String,
}

/// Ids of things no agreement owns, the same for A and B fills.
struct Shared {
    /// The party only A has: a secret for a counterparty user only.
    party_a_only: String,
    user: String,
    admin_token: String,
}

struct Member {
    label: &'static str,
    client: reqwest::Client,
    counterparty: bool,
}

struct Scene {
    a: Ids,
    b: Ids,
    shared: Shared,
    /// Every id of A or under it (ids of shared parties and users excluded).
    secrets: BTreeSet<String>,
    members: Vec<Member>,
    granted: reqwest::Client,
}

/// Today in the app's tenant, on its store's clock.
async fn today(app: &TestApp) -> entente_domain::Date {
    app.store.today(&app.actor).await.unwrap()
}

async fn ok(app: &TestApp, method: Method, path: &str, body: Value, want: u16) -> Value {
    let (s, v) = app.send(method.clone(), path, body).await;
    assert_eq!(s, want, "{}: seeding {method} {path}: {v}", app.label);
    v
}

async fn get_as(c: &reqwest::Client, url: String) -> (u16, Value) {
    let r = c.get(url).send().await.unwrap();
    let s = r.status().as_u16();
    let t = r.text().await.unwrap();
    (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
}

/// Every UUID-like string under a key named `id` or `…_id` anywhere in `v`.
fn collect_ids(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if (k == "id" || k.ends_with("_id"))
                    && let Some(s) = x.as_str()
                    && s.len() == 36
                    && s.chars().filter(|c| *c == '-').count() == 4
                {
                    out.insert(s.to_owned());
                }
                collect_ids(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_ids(x, out)),
        _ => {}
    }
}

/// One agreement with what every agreement here has: a version, watchers, a measured duty
/// with its breach alert, an occurrence done with evidence, and a dispute.
async fn agreement(
    app: &TestApp,
    body: Value,
    text: &str,
    duty: &str,
    obligor: &str,
    watchers: &[&str],
) -> Ids {
    let (s, a) = app.post_agreement(body).await;
    assert_eq!(s, 201, "{}: {a}", app.label);
    let id = a["id"].as_str().unwrap().to_owned();
    let base = format!("/api/agreements/{id}");
    let (s, version) = app
        .post_bytes(
            &format!("{base}/versions?filename=v1.txt"),
            text.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(s, 201, "{}: {version}", app.label);
    for w in watchers {
        ok(
            app,
            Method::POST,
            &format!("{base}/watchers"),
            json!({"email": w}),
            201,
        )
        .await;
    }
    let due = today(app).await.plus_days(30).to_string();
    let o = ok(
        app,
        Method::POST,
        &format!("{base}/obligations"),
        json!({"obligor": obligor, "text": duty, "due": {"kind": "on", "date": due},
               "metric": {"comparator": ">=", "value": "99.9", "unit": "%"}}),
        201,
    )
    .await;
    let obligation = o["id"].as_str().unwrap().to_owned();
    // A breach raises an alert at once, with inbox items for the watchers and deliveries.
    ok(
        app,
        Method::POST,
        &format!("/api/obligations/{obligation}/measurements"),
        json!({"measured_on": "2025-07-31", "value": "90"}),
        201,
    )
    .await;
    ok(
        app,
        Method::PUT,
        &format!("/api/obligations/{obligation}/occurrences/{due}"),
        json!({"status": "done", "note": "delivered"}),
        200,
    )
    .await;
    let r = app
        .client
        .post(format!(
            "{}/api/obligations/{obligation}/occurrences/{due}/evidence?filename=receipt.txt",
            app.addr
        ))
        .body("signed delivery receipt")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", app.label);
    let evidence = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = ok(
        app,
        Method::POST,
        &format!("{base}/disputes"),
        json!({"subject": format!("late delivery under {}", a["title"].as_str().unwrap())}),
        201,
    )
    .await;
    Ids {
        agreement: id,
        obligation,
        version: version["id"].as_str().unwrap().to_owned(),
        dispute: d["id"].as_str().unwrap().to_owned(),
        evidence,
        due,
        feed: String::new(),
        feed_file: String::new(),
        inbox: String::new(),
    }
}

async fn member(app: &TestApp, email: &str, role: Role) -> reqwest::Client {
    bearer_client(&user_token(&app.store, &app.actor, email, role).await)
}

async fn scene(app: &TestApp) -> Scene {
    // The administrator's own token, listed before anyone else has one.
    let (_, tokens) = app.get("/api/tokens").await;
    let admin_token = tokens[0]["id"].as_str().unwrap().to_owned();
    let proc = member(app, "buyer@example.com", Role::Procurement).await;
    let proc2 = member(app, "proc2@example.com", Role::Procurement).await;
    let owner = member(app, "owner@example.com", Role::BusinessOwner).await;
    let viewer = member(app, "viewer@example.com", Role::Viewer).await;
    let granted = member(app, "granted@example.com", Role::Procurement).await;
    let watchers = [
        "buyer@example.com",
        "proc2@example.com",
        "owner@example.com",
        "viewer@example.com",
        "partner@globex.example",
    ];
    // Deliveries go to webhooks as well as to people.
    ok(
        app,
        Method::POST,
        "/api/webhooks",
        json!({"url": "https://93.184.216.36/hook"}),
        201,
    )
    .await;

    let mut b_body = agreement_body();
    b_body["title"] = json!(B_TITLE);
    b_body["owner"] = json!("owner@example.com");
    let mut b = agreement(
        app,
        b_body,
        B_V1,
        "report marigold usage",
        "Each Party",
        &watchers,
    )
    .await;

    // A: a draft taken through approval, signature, amendment, review and termination.
    let a_body = json!({
        "title": A_TITLE, "kind": "collaboration", "status": "draft",
        "owner": "maria.lopez@example.com",
        "parties": [
            {"legal_name": "Northwind Systems, Inc.", "short_name": "Northwind", "role": "partner"},
            {"legal_name": "Initech Ltd", "short_name": "Initech", "role": "partner"}],
        "terms": {"effective_date": "2025-06-01", "initial_term": "P2Y", "auto_renewal": true,
                  "renewal_term": "P1Y", "notice_period_non_renewal": "P90D",
                  "termination_for_convenience_notice": "P30D"}});
    let mut a = agreement(app, a_body, A_V1, A_DUTY, "Northwind", &watchers).await;
    let base = format!("/api/agreements/{}", a.agreement);
    let chain = ok(
        app,
        Method::POST,
        &format!("{base}/approvals"),
        json!({}),
        201,
    )
    .await;
    for step in chain["steps"].as_array().unwrap() {
        ok(
            app,
            Method::POST,
            &format!("{base}/approvals/decisions"),
            json!({"step": step["name"], "decision": "approve"}),
            200,
        )
        .await;
    }
    ok(
        app,
        Method::POST,
        &format!("{base}/transition"),
        json!({"status": "out_for_signature"}),
        200,
    )
    .await;
    let (_, versions) = app.get(&format!("{base}/versions")).await;
    let sha = versions[0]["sha256"].as_str().unwrap().to_owned();
    for party in ["Initech Ltd", "Northwind Systems, Inc."] {
        ok(
            app,
            Method::POST,
            &format!("{base}/signatures"),
            json!({"party": party, "signatory_name": format!("CEO of {party}"), "sha256": sha}),
            201,
        )
        .await;
    }
    ok(
        app,
        Method::POST,
        &format!("{base}/amendments"),
        json!({"effective_date": "2026-01-01", "summary": "Shorter quillwort notice",
               "changes": {"notice_period_non_renewal": "P60D"}, "text": A_V2}),
        201,
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("{base}/reviews"),
        json!({"outcome": "no_change"}),
        201,
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("{base}/termination"),
        json!({"kind": "convenience", "given_by": "Initech", "given_on": today(app).await.plus_days(-5).to_string(), "clause": "14"}),
        201,
    )
    .await;
    let (s, check) = app.get(&format!("{base}/check")).await;
    assert_eq!(s, 200, "{}: A has a stored check: {check}", app.label);

    // Before the restriction proc2 makes a calendar feed of A (and of B) and gets A's alert.
    for ids in [&mut a, &mut b] {
        let r = proc2
            .post(format!("{}/api/calendar-feeds", app.addr))
            .json(&json!({"scope": "agreement", "agreement_id": ids.agreement}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", app.label);
        let f: Value = r.json().await.unwrap();
        ids.feed = f["feed"]["id"].as_str().unwrap().to_owned();
        ids.feed_file = f["path"]
            .as_str()
            .unwrap()
            .trim_start_matches("/calendar/")
            .to_owned();
    }
    let (_, inbox) = get_as(&proc2, format!("{}/api/inbox", app.addr)).await;
    a.inbox = a_id(&inbox, A_TITLE);
    b.inbox = a_id(&inbox, B_TITLE);
    app.store
        .refresh_deadlines(app.store.now(), 100)
        .await
        .unwrap();

    // Everything of A, as an administrator sees it, before anything is hidden.
    let mut secrets = BTreeSet::new();
    let aid = &a.agreement;
    let mut reads = vec![
        base.clone(),
        format!("{base}/versions"),
        format!("{base}/clauses"),
        format!("{base}/transitions"),
        format!("{base}/approvals"),
        format!("{base}/signatures"),
        format!("{base}/amendments"),
        format!("{base}/reviews"),
        format!("{base}/termination"),
        format!("{base}/disputes"),
        format!("{base}/checks"),
        format!("{base}/competitors"),
        format!("{base}/dates"),
        format!("{base}/audit"),
        format!("/api/obligations?agreement_id={aid}"),
        format!("/api/deadlines?agreement_id={aid}"),
    ];
    let (_, obligations) = app
        .get(&format!("/api/obligations?agreement_id={aid}"))
        .await;
    for o in obligations.as_array().unwrap() {
        let oid = o["id"].as_str().unwrap();
        reads.push(format!("/api/obligations/{oid}/occurrences"));
        reads.push(format!("/api/obligations/{oid}/measurements"));
    }
    for path in &reads {
        let (s, v) = app.get(path).await;
        assert_eq!(s, 200, "{}: {path}: {v}", app.label);
        collect_ids(&v, &mut secrets);
    }
    let (_, findings) = app.get("/api/findings").await;
    let a_findings: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["agreement_id"] == json!(aid))
        .collect();
    assert!(!a_findings.is_empty(), "{}: A has findings", app.label);
    a_findings.iter().for_each(|f| collect_ids(f, &mut secrets));
    let (_, alerts) = app.get("/api/alerts").await;
    let (_, deliveries) = app.get("/api/deliveries").await;
    let mut a_alerts = BTreeSet::new();
    for al in alerts.as_array().unwrap() {
        if al["agreement_id"] == json!(aid) {
            a_alerts.insert(al["id"].as_str().unwrap().to_owned());
            collect_ids(al, &mut secrets);
        }
    }
    assert!(
        !a_alerts.is_empty(),
        "{}: A's breach raised an alert",
        app.label
    );
    for d in deliveries.as_array().unwrap() {
        if a_alerts.contains(d["alert_id"].as_str().unwrap()) {
            collect_ids(d, &mut secrets);
        }
    }
    let (_, feeds) = get_as(&proc2, format!("{}/api/calendar-feeds", app.addr)).await;
    for f in feeds.as_array().unwrap() {
        if f.to_string().contains(aid.as_str()) {
            collect_ids(f, &mut secrets);
        }
    }
    secrets.insert(a.inbox.clone());
    secrets.insert(a.feed.clone());
    secrets.insert(a.evidence.clone());
    let (_, agreement_a) = app.get(&base).await;
    let (_, agreement_b) = app.get(&format!("/api/agreements/{}", b.agreement)).await;
    // The parties and members are not A's: Northwind is a party of B too.
    for p in agreement_a["parties"]
        .as_array()
        .unwrap()
        .iter()
        .chain(agreement_b["parties"].as_array().unwrap())
    {
        secrets.remove(p["party_id"].as_str().unwrap());
    }
    let (_, users) = app.get("/api/users").await;
    for u in users.as_array().unwrap() {
        secrets.remove(u["user_id"].as_str().unwrap());
    }
    assert!(
        secrets.len() > 20,
        "{}: A has many things under it: {}",
        app.label,
        secrets.len()
    );
    for (what, id) in [
        ("inbox item", &a.inbox),
        ("feed", &a.feed),
        ("evidence", &a.evidence),
    ] {
        assert!(!id.is_empty(), "{}: A's {what} was seeded", app.label);
    }

    // A is restricted to one member; the counterparty user belongs to Globex, a party of B.
    let granted_id = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "granted@example.com")
        .unwrap()["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        app,
        Method::PUT,
        &format!("{base}/access"),
        json!({"user_ids": [granted_id]}),
        204,
    )
    .await;
    let party_a_only = agreement_a["parties"][1]["party_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let globex = agreement_b["parties"][1]["party_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let cp_token = party_member_token(
        &app.store,
        &app.actor,
        "partner@globex.example",
        Role::Counterparty,
        Some(globex),
    )
    .await;
    Scene {
        a,
        b,
        shared: Shared {
            party_a_only,
            user: granted_id,
            admin_token,
        },
        secrets,
        members: vec![
            Member {
                label: "procurement",
                client: proc,
                counterparty: false,
            },
            Member {
                label: "proc2 (used A before it was restricted)",
                client: proc2,
                counterparty: false,
            },
            Member {
                label: "business owner",
                client: owner,
                counterparty: false,
            },
            Member {
                label: "viewer",
                client: viewer,
                counterparty: false,
            },
            Member {
                label: "counterparty",
                client: bearer_client(&cp_token),
                counterparty: true,
            },
        ],
        granted,
    }
}

/// The id of the first inbox item whose title mentions `title`.
fn a_id(inbox: &Value, title: &str) -> String {
    inbox
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"].as_str().unwrap_or("").contains(title))
        .and_then(|i| i["id"].as_str())
        .unwrap_or("")
        .to_owned()
}

fn uuid_like() -> String {
    "01a20000-0000-7000-8000-000000000000".to_owned()
}

/// Fills a route template with the ids of one agreement (A or B) and the shared ones.
fn fill(template: &str, ids: &Ids, shared: &Shared) -> String {
    let segs: Vec<&str> = template.split('/').collect();
    let mut out = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        let v = match *seg {
            "{field}" => "governing_law".to_owned(),
            "{due}" => ids.due.clone(),
            "{email}" => "proc2@example.com".to_owned(),
            "{file}" => ids.feed_file.clone(),
            "{id}" => match segs.get(i.wrapping_sub(1)).copied().unwrap_or("") {
                "agreements" => ids.agreement.clone(),
                "obligations" => ids.obligation.clone(),
                "versions" => ids.version.clone(),
                "disputes" => ids.dispute.clone(),
                "evidence" => ids.evidence.clone(),
                "calendar-feeds" => ids.feed.clone(),
                "inbox" => ids.inbox.clone(),
                "parties" => shared.party_a_only.clone(),
                "users" => shared.user.clone(),
                "tokens" => shared.admin_token.clone(),
                "webhooks" | "invitations" => uuid_like(),
                other => panic!(
                    "route {template}: no id known for /{other}/{{id}}; extend `fill` (with an id under A if it is one)"
                ),
            },
            s if s.starts_with('{') => panic!("route {template}: unknown parameter {s}"),
            s => s.to_owned(),
        };
        out.push(v);
    }
    let mut path = out.join("/");
    match template {
        "/api/search" => path.push_str(&format!("?q={A_WORD}")),
        "/api/agreements/{id}/redline" => path.push_str("?from=1&to=2"),
        "/api/agreements/{id}/audit/export" => path.push_str("?format=csv"),
        _ => {}
    }
    path
}

/// A body naming the agreement where a route takes one in its body.
fn own_body(method: &Method, template: &str, ids: &Ids) -> Option<Value> {
    match (method.as_str(), template) {
        ("POST", "/api/calendar-feeds") => {
            Some(json!({"scope": "agreement", "agreement_id": ids.agreement}))
        }
        ("POST", "/api/agreements/{id}/check") => Some(json!({"version_id": ids.version})),
        ("GET" | "DELETE", _) => None,
        _ => sample_body(method, template),
    }
}

async fn request(
    c: &reqwest::Client,
    base: &str,
    method: &Method,
    path: &str,
    template: &str,
    ids: &Ids,
) -> (u16, String, String) {
    match own_body(method, template, ids) {
        Some(b) if !matches!(template, "/api/agreements/{id}/versions" | "/api/import") => {
            let r = c
                .request(method.clone(), format!("{base}{path}"))
                .json(&b)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap(), b.to_string())
        }
        _ => {
            let (s, body) = send(c, base, method, path, template).await;
            (s, body, String::new())
        }
    }
}

/// Fails if `body` shows A: its title, its words, or an id of A or under it other than one
/// the request itself named.
fn assert_hides_a(sc: &Scene, m: &Member, what: &str, asked: &str, body: &str) {
    for word in [A_TITLE, A_WORD, A_DUTY] {
        assert!(
            !body.to_lowercase().contains(&word.to_lowercase()),
            "{}: {what} shows {word:?}: {body}",
            m.label
        );
    }
    let party = m.counterparty.then_some(&sc.shared.party_a_only);
    for id in sc.secrets.iter().chain(party) {
        assert!(
            !body.contains(id.as_str()) || asked.contains(id.as_str()),
            "{}: {what} shows {id}, an id under A it did not ask for: {body}",
            m.label
        );
    }
}

async fn an_agreement_one_may_not_see_does_not_exist_on_any_route() {
    for app in spawn_apps().await {
        let sc = scene(&app).await;
        let (_, doc) = app.get("/api/openapi.json").await;
        let all = routes(&doc);
        let a_audit_before = app
            .get(&format!("/api/agreements/{}/audit", sc.a.agreement))
            .await
            .1;

        // The member A is granted to sees it: the restriction is not a blanket refusal.
        for path in [
            format!("/api/agreements/{}", sc.a.agreement),
            format!("/api/agreements/{}/audit", sc.a.agreement),
            format!("/api/obligations/{}", sc.a.obligation),
        ] {
            let (s, v) = get_as(&sc.granted, format!("{}{path}", app.addr)).await;
            assert_eq!(s, 200, "{}: granted {path}: {v}", app.label);
        }

        // Every plain GET route has a decision.
        for (method, template) in &all {
            if *method == Method::GET && !template.contains('{') {
                assert!(
                    LISTS
                        .iter()
                        .any(|(p, _)| p.split('?').next() == Some(template.as_str()))
                        || NOT_ABOUT_AGREEMENTS.contains(&template.as_str()),
                    "GET {template}: add it to LISTS (with what of B it shows) or NOT_ABOUT_AGREEMENTS"
                );
            }
        }

        // Portfolio risk counts only what one sees: B has the only check they may see (asked
        // before the walks, which import agreements of their own).
        for m in &sc.members {
            let (status, risk) =
                get_as(&m.client, format!("{}/api/portfolio/risk", app.addr)).await;
            if !m.counterparty {
                assert_eq!(status, 200, "{}: {}: {risk}", app.label, m.label);
                assert_eq!(
                    risk["overall"]["agreements"], 1,
                    "{}: {}: {risk}",
                    app.label, m.label
                );
            }
        }

        for m in &sc.members {
            let what = |s: &str| format!("{} {s}", app.label);
            // Lists, filters and searches: never A, and B where the role may read them.
            for (query, marker) in LISTS {
                let path = query
                    .replace("{A}", &sc.a.agreement)
                    .replace("{B}", &sc.b.agreement);
                let (status, body) = get_as(&m.client, format!("{}{path}", app.addr)).await;
                assert!(
                    status == 200 || status == 403,
                    "{}: {} GET {path}: {status} {body}",
                    app.label,
                    m.label
                );
                let text = body.to_string();
                assert_hides_a(&sc, m, &what(&format!("GET {path}")), &path, &text);
                // A filter or search for A itself finds nothing (and a filter is applied,
                // not ignored).
                if status == 200 && (query.contains("{A}") || query.contains("uillwort")) {
                    let rows = body
                        .get("items")
                        .or_else(|| body.get("hits"))
                        .unwrap_or(&body);
                    assert_eq!(
                        rows.as_array().map(Vec::len),
                        Some(0),
                        "{}: {} GET {path} finds nothing: {text}",
                        app.label,
                        m.label
                    );
                }
                if status == 200 && !marker.is_empty() {
                    let marker = marker.replace("{B}", &sc.b.agreement);
                    assert!(
                        text.contains(&marker),
                        "{}: {} GET {path} should show B ({marker}): {text}",
                        app.label,
                        m.label
                    );
                }
            }
            // A measurement import naming A's duty fails as for an unknown duty.
            let mut answers = Vec::new();
            for oid in [sc.a.obligation.clone(), uuid_like()] {
                let r = m
                    .client
                    .post(format!("{}/api/measurements/import", app.addr))
                    .header("content-type", "text/csv")
                    .body(format!(
                        "obligation_id,measured_on,value\n{oid},2025-08-31,99\n"
                    ))
                    .send()
                    .await
                    .unwrap();
                let s = r.status().as_u16();
                answers.push((s, r.text().await.unwrap().replace(&oid, "<id>")));
            }
            assert_eq!(answers[0], answers[1], "{}: {}", app.label, m.label);

            // Every route, templated with A's ids: 404, or 403 as on B.
            for (method, template) in &all {
                let path = fill(template, &sc.a, &sc.shared);
                let (status, body, sent) =
                    request(&m.client, &app.addr, method, &path, template, &sc.a).await;
                let label = what(&format!("{method} {path}"));
                assert!(status < 500, "{}: {label}: {status} {body}", m.label);
                assert_hides_a(&sc, m, &label, &format!("{path} {sent}"), &body);
                let partners = template.starts_with("/api/parties/") && !m.counterparty;
                if template.starts_with("/calendar/") {
                    assert_eq!(status, 404, "{}: {label}: A's feed is gone", m.label);
                } else if template.contains('{') && !partners {
                    if status == 403 {
                        let b_path = fill(template, &sc.b, &sc.shared);
                        let (b_status, b_body, _) =
                            request(&m.client, &app.addr, method, &b_path, template, &sc.b).await;
                        assert_eq!(
                            b_status, 403,
                            "{}: {label} is refused (403) but {b_path} on B is not, so the 403 tells of A: {b_body}",
                            m.label
                        );
                    } else {
                        assert_eq!(
                            status, 404,
                            "{}: {label}: an agreement one may not see does not exist: {body}",
                            m.label
                        );
                    }
                } else if template == "/api/calendar-feeds" && *method == Method::POST {
                    assert_eq!(status, 404, "{}: {label}: {body}", m.label);
                }
            }
        }

        // Nothing they tried changed A.
        let a_audit_after = app
            .get(&format!("/api/agreements/{}/audit", sc.a.agreement))
            .await
            .1;
        assert_eq!(
            a_audit_after, a_audit_before,
            "{}: A's audit trail is unchanged",
            app.label
        );
        // And B was there all along for them (B's feed still answers its owner).
        let r = app
            .anon
            .get(format!("{}/calendar/{}", app.addr, sc.b.feed_file))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}: B's feed", app.label);
    }
}

entente_store::on_each_backend!(an_agreement_one_may_not_see_does_not_exist_on_any_route);
