//! The lifecycle scenario through the HTTP API, on every backend: draft →
//! approvals → signatures → active → amendment changing the notice period → consolidated view
//! and recomputed notice deadline → termination notice → post-termination obligations →
//! closed, with the audit trail verifying at the end (and failing once a row is altered).

use crate::helpers::{TestApp, bearer_client, spawn_apps, spawn_apps_at, user_token};
use entente_domain::access::Role;
use reqwest::Method;
use serde_json::{Value, json};

const V1: &str = "COLLABORATION AGREEMENT\n\nThis Agreement is made between Northwind Systems, Inc. (\"Northwind\") and Globex GmbH (\"Globex\").\n\n12. Renewal. This Agreement renews for successive one-year terms unless either party gives ninety (90) days' written notice.\n\n14. Termination. Either party may terminate for convenience on thirty (30) days' notice.\n";
const V2: &str = "COLLABORATION AGREEMENT (as amended)\n\nThis Agreement is made between Northwind Systems, Inc. (\"Northwind\") and Globex GmbH (\"Globex\").\n\n12. Renewal. This Agreement renews for successive one-year terms unless either party gives sixty (60) days' written notice.\n\n14. Termination. Either party may terminate for convenience on thirty (30) days' notice.\n";

/// Today in the app's tenant, on its store's clock.
async fn today(app: &TestApp) -> entente_domain::Date {
    app.store.today(&app.actor).await.unwrap()
}

async fn post_as(c: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let r = c.post(url).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn an_agreement_runs_from_draft_to_closed_with_an_amendment_and_a_verified_audit_trail() {
    // The portfolio's next notice deadline depends on the day: the story runs from this one.
    for app in spawn_apps_at("2026-12-01T09:00:00Z").await {
        let l = &app.label;
        // Draft with its terms and first version.
        let (s, a) = app
            .post_agreement(json!({
                "title": "Northwind–Globex Integration", "kind": "collaboration", "status": "draft",
                "parties": [
                    {"legal_name": "Northwind Systems, Inc.", "short_name": "Northwind", "role": "partner"},
                    {"legal_name": "Globex GmbH", "short_name": "Globex", "role": "partner"}],
                "terms": {"effective_date": "2025-06-01", "initial_term": "P2Y", "auto_renewal": true,
                          "renewal_term": "P1Y", "notice_period_non_renewal": "P90D",
                          "termination_for_convenience_notice": "P30D", "confidentiality_survival": "P3Y",
                          "contract_value": {"amount": "250000", "currency": "EUR"}}}))
            .await;
        assert_eq!(s, 201, "{l}: {a}");
        let id = a["id"].as_str().unwrap().to_owned();
        let base = format!("/api/agreements/{id}");
        let (s, v1) = app
            .post_bytes(
                &format!("{base}/versions?filename=v1.txt"),
                V1.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(s, 201, "{v1}");

        // Approvals: legal, then finance (value ≥ 100,000 EUR), each by its role.
        let (s, chain) = app.post(&format!("{base}/approvals"), json!({})).await;
        assert_eq!(s, 201, "{chain}");
        let steps: Vec<&str> = chain["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap())
            .collect();
        assert_eq!(steps, ["legal", "finance"], "{l}");
        let legal = bearer_client(
            &user_token(&app.store, &app.actor, "legal@example.com", Role::Legal).await,
        );
        let finance = bearer_client(
            &user_token(
                &app.store,
                &app.actor,
                "buyer@example.com",
                Role::Procurement,
            )
            .await,
        );
        let decide = format!("{}{base}/approvals/decisions", app.addr);
        // The role comes first: a viewer decides no step, whatever its body says (403, not
        // 422 for the missing decision); finance naming legal's step is 403 too.
        let viewer = bearer_client(
            &user_token(&app.store, &app.actor, "viewer@example.com", Role::Viewer).await,
        );
        let (s, p) = post_as(&viewer, decide.clone(), json!({"step": "legal"})).await;
        assert_eq!(s, 403, "a role that decides no step: {p}");
        assert!(
            p["detail"].as_str().unwrap().contains("you act as viewer"),
            "{p}"
        );
        let (s, p) = post_as(
            &finance,
            decide.clone(),
            json!({"step": "legal", "decision": "approve"}),
        )
        .await;
        assert_eq!(s, 403, "another role's step: {p}");
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("decided by the legal role"),
            "{p}"
        );
        let (s, p) = post_as(
            &finance,
            decide.clone(),
            json!({"step": "finance", "decision": "approve"}),
        )
        .await;
        assert_eq!(s, 422, "finance waits for legal: {p}");
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("waits until every step of stage 1"),
            "{p}"
        );
        let (s, p) = post_as(
            &legal,
            decide.clone(),
            json!({"step": "legal", "decision": "reject"}),
        )
        .await;
        assert_eq!(s, 422, "a rejection needs a comment: {p}");
        let (s, r) = post_as(
            &legal,
            decide.clone(),
            json!({"step": "legal", "decision": "reject", "comment": "add a data-return clause"}),
        )
        .await;
        assert_eq!(
            (s, r["chain"]["state"].as_str(), r["status"].as_str()),
            (200, Some("rejected"), Some("in_review")),
            "{r}"
        );
        let (s, _) = app
            .post(
                &format!("{base}/approvals"),
                json!({"comment": "clause added"}),
            )
            .await;
        assert_eq!(s, 201);
        let (s, _) = post_as(
            &legal,
            decide.clone(),
            json!({"step": "legal", "decision": "approve", "comment": "ok"}),
        )
        .await;
        assert_eq!(s, 200);
        let (s, r) = post_as(
            &finance,
            decide.clone(),
            json!({"step": "finance", "decision": "approve"}),
        )
        .await;
        assert_eq!(
            (s, r["status"].as_str()),
            (200, Some("approved")),
            "{l}: {r}"
        );

        // Signatures against the exact version's SHA-256.
        let (s, _) = app
            .post(
                &format!("{base}/transition"),
                json!({"status": "out_for_signature", "reason": "sent to Globex"}),
            )
            .await;
        assert_eq!(s, 200);
        let sha = v1["sha256"].as_str().unwrap();
        let sig = |party: &str, sha: &str| json!({"party": party, "signatory_name": format!("CEO of {party}"), "signatory_title": "CEO", "sha256": sha});
        let (s, p) = app
            .post(
                &format!("{base}/signatures"),
                sig("Globex", &"a".repeat(64)),
            )
            .await;
        assert_eq!(s, 422, "{p}");
        let (s, r) = app
            .post(&format!("{base}/signatures"), sig("Globex", sha))
            .await;
        assert_eq!(
            (s, r["status"].as_str()),
            (201, Some("out_for_signature")),
            "{r}"
        );
        let (s, r) = app
            .post(
                &format!("{base}/signatures"),
                sig("Northwind Systems, Inc.", sha),
            )
            .await;
        assert_eq!((s, r["status"].as_str()), (201, Some("active")), "{l}: {r}");
        assert_eq!(r["signature"]["sha256"], sha);

        // Amendment: the notice period drops to 60 days from 2026-01-01.
        let (s, am) = app
            .post(&format!("{base}/amendments"), json!({
                "effective_date": "2026-01-01", "summary": "Shorter non-renewal notice",
                "changes": {"notice_period_non_renewal": "P60D"}, "text": V2, "filename": "amendment-1.txt"}))
            .await;
        assert_eq!(s, 201, "{l}: {am}");
        assert_eq!(
            (am["number"].as_u64(), am["version_number"].as_u64()),
            (Some(1), Some(2))
        );
        let (_, ag) = app.get(&base).await;
        assert_eq!(ag["status"], "amended");

        // Consolidated view before and after, and the recomputed notice deadline.
        let (s, before) = app.get(&format!("{base}/consolidated?on=2025-12-31")).await;
        assert_eq!(s, 200, "{before}");
        assert_eq!(
            before["notice_deadline"]["date"], "2027-03-03",
            "{l}: {}",
            before["notice_deadline"]
        );
        assert_eq!(before["pending"], json!([1]));
        let (_, after) = app.get(&format!("{base}/consolidated?on=2026-01-01")).await;
        assert_eq!(
            after["notice_deadline"]["date"], "2027-04-02",
            "{l}: {}",
            after["notice_deadline"]
        );
        let notice = after["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["field"] == "notice_period_non_renewal")
            .unwrap();
        assert_eq!(notice["value"], "P60D");
        assert_eq!(
            (
                notice["origin"]["kind"].as_str(),
                notice["origin"]["number"].as_u64(),
                notice["origin"]["version_number"].as_u64()
            ),
            (Some("amendment"), Some(1), Some(2))
        );
        let (_, list) = app.get("/api/agreements?q=integration").await;
        assert_eq!(
            list["items"][0]["notice_deadline"], "2027-04-02",
            "the portfolio column follows the amendment"
        );

        // Redline v1 → v2: structured JSON and a DOCX with tracked changes.
        let (s, red) = app.get(&format!("{base}/redline?from=1&to=2")).await;
        assert_eq!(s, 200, "{red}");
        let segs = red["segments"].as_array().unwrap();
        assert!(
            segs.iter()
                .any(|x| x["op"] == "delete" && x["text"].as_str().unwrap().contains("ninety"))
        );
        assert!(
            segs.iter()
                .any(|x| x["op"] == "insert" && x["text"].as_str().unwrap().contains("sixty"))
        );
        let r = app
            .client
            .get(format!("{}{base}/redline?format=docx", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("wordprocessingml")
        );
        assert!(r.bytes().await.unwrap().starts_with(b"PK"));

        // A notice with unreadable dates names both and records nothing.
        let (s, bad) = app
            .post(&format!("{base}/termination"), json!({"kind": "convenience", "given_by": "Globex", "given_on": "2026-02-30", "effective_on": "soon"}))
            .await;
        assert_eq!(s, 422, "{l}: {bad}");
        let fields: Vec<_> = bad["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["given_on", "effective_on"], "{bad}");
        let (_, none) = app.get(&format!("{base}/termination")).await;
        assert!(none.is_null(), "{none}");

        // The contract's duty after the end: return information within 30 days.
        let (s, back) = app
            .post(
                &format!("{base}/obligations"),
                json!({"obligor": "each", "text": "return the other party's confidential information",
                       "due": {"kind": "after", "period": "P30D", "event": "termination"}}),
            )
            .await;
        assert_eq!(s, 201, "{back}");
        // A notice given by mistake today is voided (a reason is required), then the real one.
        let (s, _) = app
            .post(
                &format!("{base}/termination"),
                json!({"kind": "convenience", "given_by": "Northwind"}),
            )
            .await;
        assert_eq!(s, 201);
        let (s, p) = app
            .post(
                &format!("{base}/termination/retirement"),
                json!({"how": "voided", "reason": " "}),
            )
            .await;
        assert_eq!(s, 422, "{p}");
        let (s, v) = app
            .post(
                &format!("{base}/termination/retirement"),
                json!({"how": "voided", "reason": "wrong party"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["retired"]["how"], "voided");
        let (_, ag) = app.get(&base).await;
        assert_eq!(
            ag["status"], "amended",
            "back to the status before the notice"
        );
        // Termination for convenience, notice given 40 days ago: 30 days' notice has run.
        let given = today(&app).await.plus_days(-40);
        let (s, t) = app
            .post(&format!("{base}/termination"), json!({"kind": "convenience", "given_by": "Globex", "given_on": given.to_string(), "clause": "14", "reason": "strategy change"}))
            .await;
        assert_eq!(s, 201, "{l}: {t}");
        assert_eq!(t["plan"]["effective_date"], given.plus_days(30).to_string());
        assert_eq!(t["obligations"].as_array().unwrap().len(), 0, "{t}");
        let duties = t["duties"].as_array().unwrap();
        assert_eq!(duties.len(), 1, "{t}");
        assert_eq!(
            duties[0]["occurrence"]["due"],
            given.plus_days(60).to_string(),
            "{t}"
        );
        let (_, ag) = app.get(&base).await;
        assert_eq!(ag["status"], "wind_down");
        let (s, p) = app
            .post(&format!("{base}/transition"), json!({"status": "closed"}))
            .await;
        assert_eq!(s, 422);
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("return the other party"),
            "{p}"
        );
        let (s, _) = app
            .send(
                Method::PATCH,
                &format!("/api/obligations/{}", back["id"].as_str().unwrap()),
                json!({"status": "done", "note": "certificate received"}),
            )
            .await;
        assert_eq!(s, 200);
        let (s, closed) = app
            .post(
                &format!("{base}/transition"),
                json!({"status": "closed", "reason": "wind-down complete"}),
            )
            .await;
        assert_eq!(
            (s, closed["status"].as_str()),
            (200, Some("closed")),
            "{closed}"
        );

        // Every move, who made it and why.
        let (_, moves) = app.get(&format!("{base}/transitions")).await;
        let seq: Vec<String> = moves
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                format!(
                    "{}:{}",
                    m["to"].as_str().unwrap(),
                    m["via"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            seq,
            [
                "in_review:approval",
                "approved:approval",
                "out_for_signature:manual",
                "active:signature",
                "amended:amendment",
                "termination_notice:termination",
                "amended:termination",
                "termination_notice:termination",
                "wind_down:termination",
                "closed:manual"
            ],
            "{l}"
        );
        assert!(
            moves[2]["reason"] == "sent to Globex"
                && moves[2]["by"]
                    .as_str()
                    .unwrap()
                    .contains("admin@example.com"),
            "{}",
            moves[2]
        );

        // The audit trail verifies and exports; altering one row is detected.
        let (_, v) = app.get("/api/audit/verify").await;
        assert_eq!(v["intact"], true, "{l}: {v}");
        let (_, events) = app.get(&format!("{base}/audit/export")).await;
        let actions: Vec<&str> = events
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        for a in [
            "approval.reject",
            "approval.approve",
            "signature.add",
            "amendment.add",
            "termination.notice",
            "agreement.transition",
        ] {
            assert!(actions.contains(&a), "{a} in {actions:?}");
        }
        let r = app
            .client
            .get(format!("{}{base}/audit/export?format=csv", app.addr))
            .send()
            .await
            .unwrap();
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let csv = r.text().await.unwrap();
        assert_eq!(csv.lines().count(), events.as_array().unwrap().len() + 1);
        assert!(csv.starts_with("seq,at,actor,action"));
        let seq = events[3]["seq"].as_i64().unwrap();
        sqlx::query(
            "update audit_event set actor = 'mallory' where organisation_id = $1 and seq = $2",
        )
        .bind(app.actor.org.to_string())
        .bind(seq)
        .execute(app.store.pool())
        .await
        .unwrap();
        let (_, v) = app.get("/api/audit/verify").await;
        assert_eq!(
            (v["intact"].as_bool(), v["broken_at"].as_i64()),
            (Some(false), Some(seq)),
            "{l}: {v}"
        );
    }
}

entente_store::on_each_backend!(
    an_agreement_runs_from_draft_to_closed_with_an_amendment_and_a_verified_audit_trail
);

async fn disputes_follow_the_tiers_of_the_dispute_clause() {
    for app in spawn_apps().await {
        let (_, a) = app.post_agreement(crate::helpers::agreement_body()).await;
        let id = a["id"].as_str().unwrap();
        let text = "ALLIANCE AGREEMENT\n\n17. Disputes. The parties shall first attempt to resolve any dispute by negotiation between senior executives within twenty (20) days. Failing that, the dispute shall be referred to mediation for forty-five (45) days. Any dispute not so resolved shall be finally settled by arbitration under the ICC Rules.\n";
        app.post_bytes(
            &format!("/api/agreements/{id}/versions?filename=a.txt"),
            text.as_bytes().to_vec(),
        )
        .await;
        let (s, d) = app
            .post(&format!("/api/agreements/{id}/disputes"), json!({"subject": "missed milestone 2", "parties": ["Globex"], "amount": {"amount": "120000", "currency": "EUR"}}))
            .await;
        assert_eq!(s, 201, "{d}");
        let kinds: Vec<&str> = d["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["negotiation", "mediation", "arbitration"]);
        assert_eq!(d["tiers"][0]["period"], "P20D");
        let did = d["id"].as_str().unwrap();
        let (s, e) = app
            .post(
                &format!("/api/disputes/{did}/escalation"),
                json!({"note": "talks failed"}),
            )
            .await;
        assert_eq!((s, e["tier"].as_u64()), (200, Some(1)), "{e}");
        let (s, r) = app
            .post(&format!("/api/disputes/{did}/resolution"), json!({"outcome": "settled", "notes": "credit note", "settlement": {"amount": "40000", "currency": "EUR"}}))
            .await;
        assert_eq!((s, r["status"].as_str()), (200, Some("settled")), "{r}");
        let (s, p) = app
            .post(&format!("/api/disputes/{did}/escalation"), json!({}))
            .await;
        assert_eq!(s, 422, "{p}");
        let (_, list) = app.get(&format!("/api/agreements/{id}/disputes")).await;
        assert_eq!(list[0]["events"].as_array().unwrap().len(), 3);
    }
}

entente_store::on_each_backend!(disputes_follow_the_tiers_of_the_dispute_clause);

/// The approvals endpoint names the version each round approves and why a round stopped
/// counting; a submission says which steps apply only because the contract value is unknown.
async fn approval_rounds_name_their_version_and_a_new_version_reopens_approval() {
    for app in spawn_apps_at("2026-03-02T09:00:00Z").await {
        let l = &app.label;
        let (_, a) = app
            .post_agreement(json!({
                "title": "Northwind–Globex Integration", "kind": "collaboration", "status": "draft",
                "parties": [
                    {"legal_name": "Northwind Systems, Inc.", "short_name": "Northwind", "role": "partner"},
                    {"legal_name": "Globex GmbH", "short_name": "Globex", "role": "partner"}]}))
            .await;
        let base = format!("/api/agreements/{}", a["id"].as_str().unwrap());
        let (_, v1) = app
            .post_bytes(
                &format!("{base}/versions?filename=v1.txt"),
                V1.as_bytes().to_vec(),
            )
            .await;
        let (s, chain) = app.post(&format!("{base}/approvals"), json!({})).await;
        assert_eq!(s, 201, "{l}: {chain}");
        assert_eq!(
            chain["warnings"],
            json!([
                "contract value unknown: finance approval required by the rule 'EUR 100,000 or more'",
                "contract value unknown: executive approval required by the rule 'EUR 1,000,000 or more'"
            ]),
            "{l}"
        );
        assert_eq!(chain["steps"][1]["value_unknown"], true);
        for step in ["legal", "finance", "executive"] {
            let (s, r) = app
                .post(
                    &format!("{base}/approvals/decisions"),
                    json!({"step": step, "decision": "approve"}),
                )
                .await;
            assert_eq!(s, 200, "{l}: {r}");
        }
        let (s, _) = app
            .post(
                &format!("{base}/transition"),
                json!({"status": "out_for_signature"}),
            )
            .await;
        assert_eq!(s, 200);
        let (_, rounds) = app.get(&format!("{base}/approvals")).await;
        assert_eq!(rounds[0]["version"]["id"], v1["id"], "{l}: {rounds}");
        assert_eq!(rounds[0]["version"]["sha256"], v1["sha256"]);
        assert_eq!(rounds[0]["steps"][2]["version"]["number"], 1);

        // A new version while out for signature: back to review, round 1 superseded.
        let (s, v2) = app
            .post_bytes(
                &format!("{base}/versions?filename=v2.txt"),
                V2.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(s, 201, "{v2}");
        let (_, ag) = app.get(&base).await;
        assert_eq!(ag["status"], "in_review", "{l}");
        let (_, rounds) = app.get(&format!("{base}/approvals")).await;
        assert_eq!(
            (
                &rounds[0]["state"],
                &rounds[0]["superseded"]["version"]["sha256"]
            ),
            (&json!("superseded"), &v2["sha256"]),
            "{l}: {rounds}"
        );
        assert_eq!(
            (&rounds[1]["state"], &rounds[1]["version"]["number"]),
            (&json!("open"), &json!(2))
        );
        let (s, p) = app
            .post(
                &format!("{base}/signatures"),
                json!({"party": "Globex", "signatory_name": "Ada", "signatory_title": "CEO", "sha256": v2["sha256"]}),
            )
            .await;
        assert_eq!(s, 422, "{l}: {p}");
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("approval round 2 for version 2 is open"),
            "{p}"
        );
    }
}

entente_store::on_each_backend!(
    approval_rounds_name_their_version_and_a_new_version_reopens_approval
);

/// Every day a request defaults to is the tenant's: at 20:00 UTC on New Year's Eve a tenant in
/// Auckland is already in the new year, so a duty due on the 31st is overdue and a review held
/// "today" is held on New Year's Day.
async fn requests_count_days_in_the_tenants_time_zone() {
    // The server reads the clock of the app's store: it runs on from this instant.
    for app in spawn_apps_at("2026-12-31T20:00:00Z").await {
        let l = &app.label;
        let (s, set) = app
            .send(
                Method::PATCH,
                "/api/alert-settings",
                json!({"time_zone": "Pacific/Auckland"}),
            )
            .await;
        assert_eq!(s, 200, "{l}: {set}");
        let (s, a) = app.post_agreement(crate::helpers::agreement_body()).await;
        assert_eq!(s, 201, "{l}: {a}");
        let base = format!("/api/agreements/{}", a["id"].as_str().unwrap());
        let (s, dates) = app.get(&format!("{base}/dates")).await;
        assert_eq!(s, 200, "{l}: {dates}");
        assert_eq!(dates["today"], "2027-01-01", "{l}");
        let (s, o) = app
            .post(
                &format!("{base}/obligations"),
                json!({"obligor": "Northwind", "text": "Deliver the year-end report",
                       "due": {"kind": "on", "date": "2026-12-31"}}),
            )
            .await;
        assert_eq!(s, 201, "{l}: {o}");
        let (s, overdue) = app.get("/api/obligations?overdue=true").await;
        assert_eq!(s, 200, "{l}: {overdue}");
        let ids: Vec<&str> = overdue
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [o["id"].as_str().unwrap()], "{l}");
        let (s, reviews) = app
            .post(&format!("{base}/reviews"), json!({"outcome": "no_change"}))
            .await;
        assert_eq!(s, 201, "{l}: {reviews}");
        assert!(
            reviews
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["reviewed_on"] == "2027-01-01"),
            "{l}: {reviews}"
        );
    }
}

entente_store::on_each_backend!(requests_count_days_in_the_tenants_time_zone);

fn lifecycle_text(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/lifecycle")
        .join(format!("{name}.txt"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

async fn an_amendment_letter_keeps_the_agreements_own_dates_and_clauses() {
    for app in spawn_apps_at("2026-12-05T09:00:00Z").await {
        let l = &app.label;
        let (s, imported) = app
            .post_bytes(
                "/api/import?filename=harbourline.txt&track_from=2025-03-01",
                lifecycle_text("harbourline-quarry-research"),
            )
            .await;
        assert_eq!(s, 201, "{l}: {imported}");
        let base = format!(
            "/api/agreements/{}",
            imported["agreement_id"].as_str().unwrap()
        );
        let (_, clauses) = app.get(&format!("{base}/clauses")).await;
        let own = clauses.as_array().unwrap().len();
        let letter = String::from_utf8(lifecycle_text("harbourline-quarry-amendment-1")).unwrap();

        // A kind that is neither is refused by name; nothing is recorded.
        let (s, bad) = app
            .post(
                &format!("{base}/amendments"),
                json!({
                "effective_date": "2026-12-15", "summary": "longer term", "kind": "memo",
                "changes": {"initial_term": "P3Y"}, "text": letter}),
            )
            .await;
        assert_eq!(s, 422, "{l}: {bad}");
        assert_eq!(bad["errors"][0]["field"], "kind", "{bad}");
        let (_, none) = app.get(&format!("{base}/amendments")).await;
        assert_eq!(none, json!([]), "{l}");

        // The letter, its kind read from its text.
        let (s, am) = app
            .post(
                &format!("{base}/amendments"),
                json!({
                "effective_date": "2026-12-15", "summary": "three-year term, sixty days' notice",
                "changes": {"initial_term": "P3Y", "notice_period_non_renewal": "P60D"},
                "text": letter, "filename": "amendment-1.txt"}),
            )
            .await;
        assert_eq!(s, 201, "{l}: {am}");
        assert_eq!(am["kind"], "letter");
        assert_eq!(am["changes"]["expiration_date"], "2028-03-01", "{am}");
        let (_, ag) = app.get(&base).await;
        assert_eq!(ag["terms"]["agreement_date"]["value"], "2025-02-14", "{l}");
        assert_eq!(ag["terms"]["effective_date"]["value"], "2025-03-01", "{l}");
        assert_eq!(ag["terms"]["expiration_date"]["value"], "2028-03-01", "{l}");

        // The agreement's clauses stay, the letter's follow; the consolidated view names it.
        let (_, clauses) = app.get(&format!("{base}/clauses")).await;
        assert!(clauses.as_array().unwrap().len() > own, "{l}");
        let (_, view) = app.get(&format!("{base}/consolidated?on=2026-12-15")).await;
        let from: Vec<Option<u64>> = view["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["amendment"].as_u64())
            .collect();
        assert_eq!(from.iter().filter(|a| a.is_none()).count(), own, "{l}");
        assert!(from[own..].iter().all(|a| *a == Some(1)), "{l}: {from:?}");
        assert_eq!(view["notice_deadline"]["date"], "2027-12-31", "{l}");
    }
}

entente_store::on_each_backend!(an_amendment_letter_keeps_the_agreements_own_dates_and_clauses);
