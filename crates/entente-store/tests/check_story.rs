//! Playbook checks in the store on SQLite and PostgreSQL: per-version checks with findings linked
//! to clauses, portfolio and finding queries, the tenant's playbook, isolation and audit.

use entente_domain::agreement::AgreementDraft;
use entente_domain::clause::NewClause;
use entente_domain::document::MediaType;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::Terms;
use entente_store::testing::TestDb;
use entente_store::*;

fn party(name: &str, short: &str) -> AgreementPartyDraft {
    AgreementPartyDraft {
        legal_name: Some(name.into()),
        short_name: Some(short.into()),
        role: "partner".into(),
        ..Default::default()
    }
}

fn version(text: &str) -> NewVersion {
    NewVersion {
        filename: "a.txt".into(),
        media_type: MediaType::Text,
        bytes: text.as_bytes().to_vec(),
        text: text.into(),
    }
}

fn analysis() -> VersionAnalysis {
    VersionAnalysis {
        clauses: vec![
            NewClause {
                number: Some("1".into()),
                heading: Some("Scope".into()),
                text: "The parties will work together as appropriate.".into(),
                start: 0,
                end: 47,
                categories: vec!["scope_objectives".into()],
                confidence: 0.8,
            },
            NewClause {
                number: Some("2".into()),
                heading: Some("Liability".into()),
                text: "Helix shall be liable without limit.".into(),
                start: 49,
                end: 85,
                categories: vec!["uncapped_liability".into()],
                confidence: 0.8,
            },
        ],
        terms: vec![],
        obligations: vec![],
    }
}

fn finding(
    rule: &str,
    spot: &str,
    sev: &str,
    rank: u8,
    at: Option<(usize, usize, usize)>,
) -> NewFinding {
    NewFinding {
        rule_id: rule.into(),
        blind_spot: spot.into(),
        severity: sev.into(),
        severity_rank: rank,
        message: format!("{rule} failed"),
        clause_index: at.map(|a| a.0),
        start: at.map(|a| a.1),
        end: at.map(|a| a.2),
    }
}

fn check(v: entente_domain::VersionId, score: u32, findings: Vec<NewFinding>) -> NewCheck {
    NewCheck {
        version_id: v,
        playbook_id: "cooperation".into(),
        playbook_version: "2026.1".into(),
        score,
        worst_severity: findings
            .iter()
            .max_by_key(|f| f.severity_rank)
            .map(|f| f.severity.clone()),
        flagged: findings
            .iter()
            .filter(|f| f.severity_rank >= 3)
            .map(|f| f.blind_spot.clone())
            .collect(),
        report: serde_json::json!({ "score": { "total": score }, "findings": findings.len() }),
        findings,
    }
}

async fn checks_are_stored_per_version_and_summed_up_per_portfolio_on_every_backend() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("check story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(
    checks_are_stored_per_version_and_summed_up_per_portfolio_on_every_backend
);

async fn story(store: &Store) {
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let other = store.ensure_organisation("rival", "Rival").await.unwrap();
    let me = Actor::new(org, "legal@acme.example");
    let them = Actor::new(other, "eve@rival.example");

    let new = AgreementDraft {
        title: "Northwind–Helix".into(),
        kind: Some("collaboration".into()),
        status: Some("active".into()),
        owner: Some("owner@acme.example".into()),
        tags: vec![],
        parties: vec![
            party("Northwind Systems, Inc.", "Northwind"),
            party("Helix Data Labs LLC", "Helix"),
        ],
    }
    .validate(Terms::default())
    .unwrap();
    let (id, v1) = store
        .import_agreement(&me, &new, &version("v1"), &analysis())
        .await
        .unwrap();

    // Nothing checked yet.
    assert!(store.latest_check(&me, id, None).await.unwrap().is_none());
    assert!(store.portfolio_checks(&me).await.unwrap().is_empty());

    // A check of v1: one finding inside clause 2, one outside any clause, one missing.
    let c1 = check(
        v1,
        64,
        vec![
            finding(
                "risk.unlimited",
                "poor_risk_allocation",
                "high",
                3,
                Some((1, 49, 85)),
            ),
            finding(
                "obligations.weasel",
                "ambiguous_obligations",
                "low",
                1,
                Some((1, 0, 47)),
            ),
            finding("enforcement.law", "missing_enforcement", "high", 3, None),
        ],
    );
    let c1_id = store.record_check(&me, id, &c1).await.unwrap();
    let got = store.latest_check(&me, id, None).await.unwrap().unwrap();
    assert_eq!(got.check_id, c1_id);
    assert_eq!((got.score, got.findings, got.version_number), (64, 3, 1));
    assert_eq!(got.flagged, ["poor_risk_allocation", "missing_enforcement"]);
    assert_eq!(got.worst_severity.as_deref(), Some("high"));
    assert_eq!(got.report["score"]["total"], 64);
    assert_eq!(got.checked_by, "legal@acme.example");

    // Findings link to the stored clause only when the span lies inside it.
    let clauses = store.list_clauses(&me, id, Some(v1)).await.unwrap();
    let all = store
        .list_findings(&me, &FindingFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].severity, "high", "most severe first");
    let unlimited = all.iter().find(|f| f.rule_id == "risk.unlimited").unwrap();
    assert_eq!(unlimited.clause_id, Some(clauses[1].id));
    assert_eq!((unlimited.start, unlimited.end), (Some(49), Some(85)));
    let weasel = all
        .iter()
        .find(|f| f.rule_id == "obligations.weasel")
        .unwrap();
    assert_eq!(
        weasel.clause_id, None,
        "span outside clause 2 is not linked to it"
    );
    let law = all.iter().find(|f| f.rule_id == "enforcement.law").unwrap();
    assert_eq!((law.clause_id, law.start), (None, None));

    // Filters.
    let high = store
        .list_findings(
            &me,
            &FindingFilter {
                min_severity_rank: Some(3),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(high.len(), 2);
    let spot = store
        .list_findings(
            &me,
            &FindingFilter {
                blind_spot: Some("missing_enforcement".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(spot.len(), 1);
    assert_eq!(spot[0].title, "Northwind–Helix");

    // A new version is checked again; the latest check wins, history stays.
    let (v2, _) = store
        .add_version(&me, id, &version("v2"), &analysis())
        .await
        .unwrap();
    store
        .record_check(
            &me,
            id,
            &check(
                v2,
                12,
                vec![finding(
                    "obligations.weasel",
                    "ambiguous_obligations",
                    "low",
                    1,
                    None,
                )],
            ),
        )
        .await
        .unwrap();
    let latest = store.latest_check(&me, id, None).await.unwrap().unwrap();
    assert_eq!((latest.version_number, latest.score), (2, 12));
    let of_v1 = store
        .latest_check(&me, id, Some(v1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(of_v1.check_id, c1_id);
    assert_eq!(store.list_checks(&me, id).await.unwrap().len(), 2);
    let portfolio = store.portfolio_checks(&me).await.unwrap();
    assert_eq!(portfolio.len(), 1);
    assert_eq!(portfolio[0].score, 12);
    assert_eq!(
        portfolio[0].parties,
        ["Northwind Systems, Inc.", "Helix Data Labs LLC"]
    );
    assert_eq!(portfolio[0].owner.as_deref(), Some("owner@acme.example"));
    assert_eq!(portfolio[0].kind, "collaboration");
    let now = store
        .list_findings(&me, &FindingFilter::default())
        .await
        .unwrap();
    assert_eq!(now.len(), 1, "only the latest check's findings count");

    // A version of another agreement cannot be checked under this one.
    let (other_id, other_v) = store
        .import_agreement(&me, &new, &version("other"), &analysis())
        .await
        .unwrap();
    let err = store
        .record_check(&me, id, &check(other_v, 1, vec![]))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    assert_ne!(other_id, id);

    // Tenants are isolated.
    assert!(matches!(
        store.latest_check(&them, id, None).await.unwrap_err(),
        StoreError::NotFound { .. }
    ));
    assert!(store.portfolio_checks(&them).await.unwrap().is_empty());
    assert!(
        store
            .list_findings(&them, &FindingFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store
            .record_check(&them, id, &check(v1, 1, vec![]))
            .await
            .unwrap_err(),
        StoreError::NotFound { .. }
    ));

    // The tenant's playbook: none, then the latest of its history.
    assert!(store.active_playbook(&me).await.unwrap().is_none());
    store
        .set_playbook(&me, "acme", "1", "[playbook]\nid = \"acme\"")
        .await
        .unwrap();
    let p2 = store
        .set_playbook(
            &me,
            "acme",
            "2",
            "[playbook]\nid = \"acme\"\nversion = \"2\"",
        )
        .await
        .unwrap();
    let active = store.active_playbook(&me).await.unwrap().unwrap();
    assert_eq!(active.playbook_version, "2");
    assert_eq!(active.source, p2.source);
    assert!(store.active_playbook(&them).await.unwrap().is_none());

    // Every write is in the audit trail, and the chain still verifies.
    let events = store.list_audit(&me, Some(id)).await.unwrap();
    assert_eq!(
        events.iter().filter(|e| e.action == "check.record").count(),
        2
    );
    assert!(store.verify_audit(org).await.unwrap().is_none());
}
