//! Playbook checks over HTTP on every backend: documents checked without storage, checks stored on
//! import and each version, re-checks, portfolio risk and findings, the tenant's playbook.

use crate::helpers::{bearer_client, spawn_apps, user_token};
use base64::Engine;
use entente_domain::access::Role;
use reqwest::Method;
use serde_json::json;

fn corpus(path: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn text(name: &str) -> String {
    String::from_utf8(corpus(&format!("txt/{name}.txt"))).unwrap()
}

async fn a_document_is_checked_without_being_stored() {
    for app in spawn_apps().await {
        let before = app.footprint().await;
        let (status, r) = app
            .post("/api/check", json!({"text": text("summit-ridge-alliance")}))
            .await;
        assert_eq!(status, 200, "{}: {r}", app.label);
        assert_eq!(r["playbook"]["id"], "cooperation");
        assert!(r["score"]["total"].as_u64().unwrap() >= 60, "{r}");
        let flagged: Vec<&str> = r["score"]["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["flagged"] == true)
            .map(|s| s["blind_spot"].as_str().unwrap())
            .collect();
        assert_eq!(flagged.len(), 5, "{flagged:?}");
        let vague = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "obligations.vague-duties")
            .expect("vague duties found");
        assert!(vague["excerpt"].as_str().unwrap().len() > 10);
        assert!(vague["span"]["end"].as_u64() > vague["span"]["start"].as_u64());
        assert_eq!(app.footprint().await, before, "nothing stored");

        // A DOCX as base64, checked as a given kind.
        let docx = base64::engine::general_purpose::STANDARD
            .encode(corpus("docx/northwind-helix-integration.docx"));
        let (status, r) = app
            .post(
                "/api/check",
                json!({"content_base64": docx, "filename": "n.docx", "kind": "joint_development"}),
            )
            .await;
        assert_eq!(status, 200, "{r}");
        assert_eq!(r["kind"], "joint_development");
        assert!(
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["severity"] != "critical")
        );

        // A playbook given with the request; an invalid one names its line.
        let (status, r) = app
            .post(
                "/api/check",
                json!({"text": text("northwind-helix-integration"),
                       "playbook": "[playbook]\nid = \"gate\"\nname = \"Gate\"\nversion = \"1\"\n\n[[rule]]\nid = \"law\"\nkind = \"governing_law\"\nseverity = \"high\"\ntitle = \"T\"\nrationale = \"R\"\nallowed = [\"England and Wales\"]\n"}),
            )
            .await;
        assert_eq!(status, 200, "{r}");
        assert_eq!(r["findings"][0]["rule_id"], "law");
        assert!(
            r["findings"][0]["message"]
                .as_str()
                .unwrap()
                .contains("Delaware")
        );
        let (status, p) = app
            .post(
                "/api/check",
                json!({"text": "x", "playbook": "[playbook]\nid = \"gate\"\nname = \"Gate\"\nversion = \"1\"\n\n[[rule]]\nid = \"law\"\nkind = \"governing_laws\"\n"}),
            )
            .await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "playbook");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("line 8, column 8: unknown rule kind"),
            "{p}"
        );
        let (status, p) = app.post("/api/check", json!({})).await;
        assert_eq!(status, 422, "{p}");
        let (status, p) = app
            .post("/api/check", json!({"text": "x", "kind": "joint_venture"}))
            .await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "kind");
    }
}

entente_store::on_each_backend!(a_document_is_checked_without_being_stored);

async fn imports_and_new_versions_carry_their_check_and_the_portfolio_sums_them_up() {
    for app in spawn_apps().await {
        let (status, weak) = app
            .post_bytes(
                "/api/import?filename=granite.txt&owner=bd@example.com",
                corpus("txt/granite-state-mou.txt"),
            )
            .await;
        assert_eq!(status, 201, "{}: {weak}", app.label);
        let weak_id = weak["agreement_id"].as_str().unwrap().to_owned();
        let (status, c) = app.get(&format!("/api/agreements/{weak_id}/check")).await;
        assert_eq!(status, 200, "{c}");
        assert_eq!(c["version_id"], weak["version_id"]);
        assert_eq!(c["flagged"].as_array().unwrap().len(), 5, "{c}");
        assert_eq!(c["report"]["playbook"]["id"], "cooperation");
        let exit = c["report"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "exit.termination-right")
            .unwrap();
        assert_eq!(exit["missing"], true);
        assert_eq!(exit["clause"], serde_json::Value::Null);

        let (status, clean) = app
            .post_bytes(
                "/api/import?filename=fenwick.txt",
                corpus("txt/fenwick-integration.txt"),
            )
            .await;
        assert_eq!(status, 201, "{clean}");
        let clean_id = clean["agreement_id"].as_str().unwrap().to_owned();

        // A new version is checked on arrival.
        let (status, v2) = app
            .post_bytes(
                &format!("/api/agreements/{weak_id}/versions?filename=v2.txt"),
                corpus("txt/ashford-corvane-alliance.txt"),
            )
            .await;
        assert_eq!(status, 201, "{v2}");
        // The upload says what the new text did to what was tracked.
        let r = &v2["reconciliation"];
        for k in [
            "obligations_unchanged",
            "obligations_changed",
            "obligations_added",
            "obligations_removed",
            "terms_changed",
            "terms_in_conflict",
        ] {
            assert!(r[k].is_u64(), "{k} in {v2}");
        }
        assert!(r["terms_changed"].as_u64() > Some(0), "{v2}");
        let (_, c2) = app.get(&format!("/api/agreements/{weak_id}/check")).await;
        assert_eq!(c2["version_number"], 2);
        assert!(c2["score"].as_u64() < c["score"].as_u64());
        let (_, c1) = app
            .get(&format!(
                "/api/agreements/{weak_id}/check?version_id={}",
                weak["version_id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(c1["check_id"], c["check_id"]);

        // Checked again on request.
        let (status, c3) = app
            .post(&format!("/api/agreements/{weak_id}/check"), json!({}))
            .await;
        assert_eq!(status, 201, "{c3}");
        assert_eq!(c3["version_number"], 2);
        let (_, all) = app.get(&format!("/api/agreements/{weak_id}/checks")).await;
        assert_eq!(all.as_array().unwrap().len(), 3);

        // An agreement without a document has no check.
        let (_, bare) = app.post_agreement(crate::helpers::agreement_body()).await;
        let (status, p) = app
            .get(&format!(
                "/api/agreements/{}/check",
                bare["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(status, 404, "{p}");
        let (status, p) = app
            .post(
                &format!("/api/agreements/{}/check", bare["id"].as_str().unwrap()),
                json!({}),
            )
            .await;
        assert_eq!(status, 422, "{p}");

        // The portfolio and its findings.
        let (status, p) = app.get("/api/portfolio/risk").await;
        assert_eq!(status, 200, "{p}");
        assert_eq!(p["overall"]["agreements"], 2);
        assert!(
            p["by_owner"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["key"] == "bd@example.com")
        );
        assert!(!p["by_counterparty"].as_array().unwrap().is_empty());
        assert!(!p["by_kind"].as_array().unwrap().is_empty());
        let (status, f) = app
            .get("/api/findings?blind_spot=missing_enforcement&min_severity=high")
            .await;
        assert_eq!(status, 200, "{f}");
        for row in f.as_array().unwrap() {
            assert_eq!(row["blind_spot"], "missing_enforcement");
            assert!(row["severity"] == "high" || row["severity"] == "critical");
        }
        let (status, p) = app.get("/api/findings?blind_spot=nope").await;
        assert_eq!(status, 422, "{p}");
        let (status, _) = app.get(&format!("/api/agreements/{clean_id}/check")).await;
        assert_eq!(status, 200);
    }
}

entente_store::on_each_backend!(
    imports_and_new_versions_carry_their_check_and_the_portfolio_sums_them_up
);

async fn the_tenant_playbook_is_validated_set_and_used_by_later_checks() {
    for app in spawn_apps().await {
        let (status, p) = app.get("/api/playbook").await;
        assert_eq!(status, 200, "{p}");
        assert_eq!(
            (p["origin"].as_str(), p["id"].as_str()),
            (Some("builtin"), Some("cooperation"))
        );
        assert!(p["source"].as_str().unwrap().contains("[[rule]]"));
        let (status, d) = app.get("/api/playbook/default").await;
        assert_eq!(status, 200);
        assert_eq!(
            d["rules"].as_array().unwrap().len(),
            p["rules"].as_array().unwrap().len()
        );

        let before = app.footprint().await;
        let (status, e) = app
            .send(
                Method::PUT,
                "/api/playbook",
                json!({"source": "[playbook]\nid = \"acme\"\nname = \"Acme\"\nversion = \"1\"\nextends = \"cooperation\"\n\n[[rule]]\nid = \"risk.exclusions\"\nrequired = [\"indirect\", \"lost_profit\"]\n"}),
            )
            .await;
        assert_eq!(status, 422, "{e}");
        assert!(
            e["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("line 9"),
            "{e}"
        );
        assert_eq!(
            app.footprint().await,
            before,
            "an invalid playbook changes nothing"
        );

        let viewer = bearer_client(
            &user_token(&app.store, &app.actor, "viewer@example.com", Role::Viewer).await,
        );
        let r = viewer
            .put(format!("{}/api/playbook", app.addr))
            .json(&json!({"source": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        let (status, set) = app
            .send(
                Method::PUT,
                "/api/playbook",
                json!({"source": "[playbook]\nid = \"acme\"\nname = \"Acme\"\nversion = \"2\"\nextends = \"cooperation\"\n\n[[rule]]\nid = \"enforcement.out-of-court\"\nenabled = false\n"}),
            )
            .await;
        assert_eq!(status, 200, "{set}");
        assert_eq!(set["origin"], "tenant");
        assert_eq!(
            set["extends"],
            json!(["cooperation@2026.1", "regulatory@2026.1"])
        );
        let (_, now) = app.get("/api/playbook").await;
        assert_eq!(
            (now["id"].as_str(), now["version"].as_str()),
            (Some("acme"), Some("2"))
        );

        let (_, r) = app
            .post("/api/check", json!({"text": text("mersey-mou")}))
            .await;
        assert_eq!(r["playbook"]["id"], "acme");
        assert!(
            !r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule_id"] == "enforcement.out-of-court")
        );
    }
}

entente_store::on_each_backend!(the_tenant_playbook_is_validated_set_and_used_by_later_checks);

/// A joint development agreement whose term is set out in a schedule the text does not contain.
const TERM_IN_SCHEDULE: &str = "JOINT DEVELOPMENT AGREEMENT

This Joint Development Agreement is made on 2 February 2026 between Acme Robotics Ltd, a company registered in England and Wales (\"Acme\"), and Brightwave B.V., a company registered in the Netherlands (\"Brightwave\").

1. Purpose

1.1 Brightwave shall deliver the sensor prototype described in Schedule 1 by 30 September 2026.

3. Term

3.1 This Agreement commences on the Effective Date and remains in force for the Development Period set out in Schedule 3.

9. Governing Law

9.1 This Agreement shall be governed by and construed in accordance with English law.
";

async fn a_rule_that_could_not_be_decided_is_undetermined_in_the_check_and_the_stored_check() {
    for app in spawn_apps().await {
        let (status, r) = app
            .post("/api/check", json!({"text": TERM_IN_SCHEDULE}))
            .await;
        assert_eq!(status, 200, "{}: {r}", app.label);
        let rule = r["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["rule_id"] == "static.term-length")
            .expect("the term-length rule is reported");
        assert_eq!(rule["outcome"], "undetermined", "{rule}");
        let open = r["undetermined"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "static.term-length")
            .expect("an undetermined entry");
        assert!(
            open["message"].as_str().unwrap().contains("initial term"),
            "{open}"
        );
        assert_eq!(open["clause"]["number"], "3.1", "{open}");
        assert!(
            !r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule_id"] == "static.term-length"),
            "never counted as a finding either"
        );

        // Imported, the stored check carries the same outcome.
        let (status, imported) = app
            .post_bytes(
                "/api/import?filename=brightwave.txt",
                TERM_IN_SCHEDULE.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 201, "{imported}");
        let id = imported["agreement_id"].as_str().unwrap();
        let (status, c) = app.get(&format!("/api/agreements/{id}/check")).await;
        assert_eq!(status, 200, "{c}");
        assert!(
            c["report"]["undetermined"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule_id"] == "static.term-length" && f["clause"]["number"] == "3.1"),
            "{c}"
        );
    }
}

entente_store::on_each_backend!(
    a_rule_that_could_not_be_decided_is_undetermined_in_the_check_and_the_stored_check
);

/// A document checked without storing it: the tenant's own entities decide who "us" is.
async fn a_document_checked_without_storing_it_takes_the_tenants_entities_as_us() {
    for app in spawn_apps().await {
        let playbook = r#"
[playbook]
id = "acme"
name = "Acme partnerships"
version = "1"
extends = "cooperation"

[[rule]]
id = "acme.indemnity-direction"
kind = "indemnity_direction"
severity = "high"
title = "We give no one-way indemnity"
rationale = "A one-way indemnity by us is uninsured exposure."
accept = ["mutual", "in_our_favour"]
"#;
        let text = TERM_IN_SCHEDULE.replace(
            "9. Governing Law",
            "7. Indemnity\n\n7.1 Acme shall indemnify Brightwave against all third-party claims arising from the sensor prototype.\n\n9. Governing Law",
        );
        let outcome = async || {
            let (status, r) = app
                .post("/api/check", json!({"text": text, "playbook": playbook}))
                .await;
            assert_eq!(status, 200, "{}: {r}", app.label);
            r["rules"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["rule_id"] == "acme.indemnity-direction")
                .map(|x| x["outcome"].as_str().unwrap().to_owned())
                .unwrap()
        };
        assert_eq!(outcome().await, "undetermined", "{}", app.label);
        let (status, _) = app
            .send(
                reqwest::Method::PUT,
                "/api/own-entities",
                json!({"names": ["Acme Robotics Ltd"]}),
            )
            .await;
        assert_eq!(status, 200, "{}", app.label);
        assert_eq!(outcome().await, "failed", "{}", app.label);
    }
}

entente_store::on_each_backend!(
    a_document_checked_without_storing_it_takes_the_tenants_entities_as_us
);
