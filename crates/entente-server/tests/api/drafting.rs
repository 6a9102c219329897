//! Drafting through the public HTTP interface, on every backend: the templates with their
//! variable schema, a preview that stores nothing, invalid variables refused naming each one,
//! a draft created with the role that creates agreements, its clause positions switched as
//! recorded choices, and the review gate with its override.

use crate::helpers::{TestApp, bearer_client, spawn_apps, user_token};
use entente_domain::access::Role;
use entente_template::DraftRequest;
use serde_json::{Value, json};

/// The example variables of a template, as the API takes them.
fn variables(template: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../entente-template/examples")
        .join(format!("{template}.vars.toml"));
    let src = std::fs::read_to_string(&p).unwrap();
    let req = DraftRequest::from_toml(&p.display().to_string(), &src).unwrap();
    Value::Object(req.values)
}

/// The (field, message) pairs of a problem document.
fn errors(p: &Value) -> Vec<(String, String)> {
    p["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {p}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn audit_actions(app: &TestApp, id: &str) -> Vec<Value> {
    let (s, page) = app
        .get(&format!("/api/agreements/{id}/audit?limit=200"))
        .await;
    assert_eq!(s, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

async fn drafting_through_the_api() {
    for app in spawn_apps().await {
        story(&app).await;
        eprintln!("{}: drafting API passed", app.label);
    }
}

entente_store::on_each_backend!(drafting_through_the_api);

async fn story(app: &TestApp) {
    // The templates and their variable schema.
    let (s, list) = app.get("/api/templates").await;
    assert_eq!(s, 200, "{list}");
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    for t in [
        "technology-integration",
        "co-marketing",
        "joint-development",
        "research-collaboration",
        "consortium",
    ] {
        assert!(ids.contains(&t), "{t} listed: {ids:?}");
    }
    let consortium = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "consortium")
        .unwrap();
    let members = consortium["variables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "members")
        .unwrap();
    assert_eq!(
        (&members["type"], &members["min"], &members["required"]),
        (&json!("parties"), &json!("3"), &json!(true))
    );
    assert!(
        consortium["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["clause"] == "liability.cap" && c["options"][1]["id"] == "two-times")
    );

    let viewer = bearer_client(
        &user_token(&app.store, &app.actor, "viewer@example.com", Role::Viewer).await,
    );
    let before = app.footprint().await;
    // A preview renders and stores nothing.
    let vars = variables("technology-integration");
    let (s, p) = app
        .post(
            "/api/drafts/preview",
            json!({"template": "technology-integration", "variables": vars}),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    assert!(p["html"].as_str().unwrap().contains("Globex GmbH"), "{p}");
    assert_eq!(p["template"], "technology-integration@1.0");
    // Invalid variables: 422 naming each one, for a preview and a creation alike.
    let mut bad = vars.clone();
    bad.as_object_mut().unwrap().remove("party_b");
    bad["annual_value"] = json!({"amount": "240000", "currency": "XQZ"});
    bad["launch_date"] = json!("2020-01-01");
    for path in ["/api/drafts/preview", "/api/drafts"] {
        let (s, p) = app
            .post(
                path,
                json!({"template": "technology-integration", "variables": bad}),
            )
            .await;
        assert_eq!(s, 422, "{path}: {p}");
        let fields: Vec<String> = errors(&p).into_iter().map(|(f, _)| f).collect();
        for f in ["party_b", "annual_value"] {
            assert!(fields.contains(&f.to_owned()), "{path}: {f} in {fields:?}");
        }
    }
    let (s, p) = app
        .post(
            "/api/drafts",
            json!({"template": "no-such-template", "variables": vars}),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    assert_eq!(errors(&p)[0].0, "template");
    // Drafting needs the role that creates agreements.
    let r = viewer
        .post(format!("{}/api/drafts", app.addr))
        .json(&json!({"template": "technology-integration", "variables": vars}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(app.footprint().await, before, "nothing stored");

    // A draft.
    let (s, d) = app
        .post(
            "/api/drafts",
            json!({"template": "technology-integration", "variables": vars, "owner": "legal@example.com"}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let id = d["agreement_id"].as_str().unwrap().to_owned();
    let (_, a) = app.get(&format!("/api/agreements/{id}")).await;
    assert_eq!(a["status"], "draft");
    assert_eq!(a["owner"], "legal@example.com");

    // Positions: listed, unknown ones refused naming them, a switch recorded.
    let positions = format!("/api/agreements/{id}/positions");
    let (s, p) = app.get(&positions).await;
    assert_eq!(s, 200, "{p}");
    let cap = p["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause"] == "liability.cap")
        .unwrap();
    assert_eq!(cap["position"], "preferred");
    let footprint = app.footprint().await;
    let (s, e) = app
        .post(
            &positions,
            json!({"clause": "liability.cap", "position": "uncapped"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(errors(&e)[0].0, "position");
    assert!(errors(&e)[0].1.contains("\"uncapped\""), "{e}");
    let (s, e) = app
        .post(
            &positions,
            json!({"clause": "liability.nothing", "position": "preferred"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(errors(&e)[0].1.contains("\"liability.nothing\""), "{e}");
    assert_eq!(
        app.footprint().await,
        footprint,
        "a refused switch changes nothing"
    );
    let (s, sw) = app
        .post(
            &positions,
            json!({"clause": "liability.cap", "position": "two-times"}),
        )
        .await;
    assert_eq!(s, 200, "{sw}");
    assert_eq!(sw["terms_changed"], json!(["liability_cap"]));
    let (_, a) = app.get(&format!("/api/agreements/{id}")).await;
    assert_eq!(
        a["terms"]["liability_cap"]["value"]["amount"], "480000",
        "{}",
        a["terms"]["liability_cap"]
    );
    let (_, versions) = app.get(&format!("/api/agreements/{id}/versions")).await;
    assert_eq!(versions.as_array().map(Vec::len), Some(2), "{versions}");
    let audit = audit_actions(app, &id).await;
    let ev = audit
        .iter()
        .find(|e| e["action"] == "draft.position")
        .expect("the switch is in the history");
    assert!(ev["details"].to_string().contains("two-times"), "{ev}");

    // The review gate: the strict playbook makes the draft's one finding blocking.
    let (s, pb) = app
        .send(
            reqwest::Method::PUT,
            "/api/playbook",
            json!({"source": "[playbook]\nid = \"strict\"\nname = \"Strict\"\nversion = \"1\"\nextends = \"cooperation\"\n\n[[rule]]\nid = \"exit.data-return\"\nseverity = \"high\"\n"}),
        )
        .await;
    assert_eq!(s, 200, "{pb}");
    let transition = format!("/api/agreements/{id}/transition");
    let (s, e) = app.post(&transition, json!({"status": "in_review"})).await;
    assert_eq!(s, 422, "{e}");
    let errs = errors(&e);
    assert_eq!(errs[0].0, "override", "{errs:?}");
    assert!(
        errs.iter().any(|(f, _)| f == "finding exit.data-return"),
        "{errs:?}"
    );
    let (s, e) = app
        .post(&format!("/api/agreements/{id}/approvals"), json!({}))
        .await;
    assert_eq!(s, 422, "{e}");
    let (_, a) = app.get(&format!("/api/agreements/{id}")).await;
    assert_eq!(a["status"], "draft");
    let (s, a) = app
        .post(
            &transition,
            json!({"status": "in_review", "override": "data return is in the master agreement"}),
        )
        .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["status"], "in_review");
    let audit = audit_actions(app, &id).await;
    let ev = audit
        .iter()
        .find(|e| e["action"] == "draft.override")
        .expect("the override is in the audit trail");
    assert_eq!(ev["actor"], "admin@example.com (token test)");
    assert!(
        ev["details"]
            .to_string()
            .contains("data return is in the master agreement"),
        "{ev}"
    );
}
