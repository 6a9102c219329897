//! Approval is tied to a version, told from a joint development agreement whose liability
//! became unlimited while it was out for signature: the new version sends it back to review.

mod common;
use common::lifecycle;

use entente_analysis::Limits;
use entente_core::{ImportOptions, add_version_document, import_document};
use entente_domain::access::Role;
use entente_domain::approval::Decision;
use entente_domain::document::sha256_hex;
use entente_domain::lifecycle::{NewSignature, SignatureDraft, Via};
use entente_domain::terms::{LiabilityCap, TermField, TermValue};
use entente_domain::{AgreementStatus, Date, Timestamp};
use entente_store::testing::TestDb;
use entente_store::{Actor, Store};
use serde_json::{Value, json};

/// The story runs from this instant on, whatever day the test runs.
const START: &str = "2026-03-02T09:00:00Z";

fn sign(party: &str, sha: &str, today: Date) -> NewSignature {
    SignatureDraft {
        party: party.into(),
        signatory_name: format!("Director of {party}"),
        signatory_title: "Director".into(),
        signed_on: Some(today.to_string()),
        sha256: sha.into(),
    }
    .validate(today)
    .unwrap()
}

/// The API's view of a value: what `GET /api/agreements/{id}/approvals` serves.
fn shown<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

async fn a_version_added_after_approval_needs_its_own_approval_before_it_is_signed() {
    for db in TestDb::all().await.unwrap() {
        db.store.clock().set(Timestamp::parse(START).unwrap());
        story(&db.store, &format!("{:?}", db.backend())).await;
    }
}

entente_store::on_each_backend!(
    a_version_added_after_approval_needs_its_own_approval_before_it_is_signed
);

async fn story(s: &Store, label: &str) {
    let org = s.ensure_organisation("ridgeway", "Ridgeway").await.unwrap();
    let me = Actor::new(org, "legal@ridgeway.example");
    let limits = Limits::default();
    let today = s.today(&me).await.unwrap();
    let texts = [1, 2, 3].map(|n| lifecycle(&format!("ridgeway-solace-joint-development-v{n}")));
    let sha = texts.clone().map(|t| sha256_hex(&t));
    let id = import_document(
        s,
        &me,
        &texts[0],
        "ridgeway-solace-v1.txt",
        ImportOptions {
            status: Some("draft".into()),
            ..Default::default()
        },
        &limits,
    )
    .await
    .unwrap()
    .agreement_id;

    // Round 1 approves version 1; its decision records that version.
    let chain = s.submit_for_approval(&me, id, None).await.unwrap();
    let version = &shown(&chain)["version"];
    assert_eq!(
        (&version["number"], &version["sha256"]),
        (&json!(1), &json!(sha[0])),
        "{label}"
    );
    let (chain, status) = s
        .decide_approval(
            &me,
            Role::Legal,
            id,
            "legal",
            Decision::Approve,
            Some("a cap of EUR 100,000 is acceptable"),
        )
        .await
        .unwrap();
    assert_eq!(status, AgreementStatus::Approved, "{label}");
    assert_eq!(shown(&chain)["steps"][0]["version"]["number"], 1);
    assert_eq!(shown(&chain)["steps"][0]["version"]["sha256"], sha[0]);
    s.move_agreement(
        &me,
        id,
        AgreementStatus::OutForSignature,
        Some("sent to Solace"),
        today,
    )
    .await
    .unwrap();

    // Version 2, with unlimited liability, arrives while the agreement is out for signature.
    add_version_document(s, &me, id, &texts[1], "ridgeway-solace-v2.txt", &limits)
        .await
        .unwrap();
    let a = s.get_agreement(&me, id).await.unwrap();
    assert_eq!(
        a.terms.get(TermField::LiabilityCap),
        Some(&TermValue::Cap(LiabilityCap::Uncapped)),
        "{label}"
    );
    assert_eq!(
        a.status,
        AgreementStatus::InReview,
        "{label}: version 2 was never approved"
    );
    let why = "version 2 was added after approval round 1 approved version 1; version 2 needs approval before it is signed";
    let rounds = shown(&s.approval_rounds(&me, id).await.unwrap());
    assert_eq!(rounds[0]["state"], "superseded", "{label}: {rounds}");
    assert_eq!(rounds[0]["superseded"]["reason"], why);
    assert_eq!(rounds[0]["superseded"]["version"]["sha256"], sha[1]);
    assert_eq!(rounds[0]["superseded"]["by"], "legal@ridgeway.example");
    assert_eq!(
        rounds[0]["steps"][0]["status"], "approved",
        "the decision on version 1 stays on record"
    );
    assert_eq!(
        (
            &rounds[1]["round"],
            &rounds[1]["state"],
            &rounds[1]["version"]["number"],
            &rounds[1]["version"]["sha256"]
        ),
        (&json!(2), &json!("open"), &json!(2), &json!(sha[1])),
        "{label}"
    );
    let back = s.transitions(&me, id).await.unwrap().pop().unwrap();
    assert_eq!(
        (back.from, back.to, back.via, back.reason.as_deref()),
        (
            AgreementStatus::OutForSignature,
            AgreementStatus::InReview,
            Via::Approval,
            Some(why)
        )
    );
    let audit = s.list_audit(&me, Some(id)).await.unwrap();
    let superseded: Vec<Value> = audit
        .iter()
        .filter(|e| e.action == "approval.supersede")
        .map(|e| serde_json::from_str(&e.details).unwrap())
        .collect();
    assert_eq!(superseded.len(), 1, "{label}");
    assert_eq!(
        (
            &superseded[0]["round"],
            &superseded[0]["was"],
            &superseded[0]["sha256"],
            &superseded[0]["new_sha256"],
            &superseded[0]["reason"]
        ),
        (
            &json!(1),
            &json!("approved"),
            &json!(sha[0]),
            &json!(sha[1]),
            &json!(why)
        )
    );

    // Nobody signs version 2 before it is approved.
    let e = s
        .sign_agreement(&me, id, &sign("Solace", &sha[1], today))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("it is in_review and approval round 2 for version 2 is open"),
        "{label}: {e}"
    );
    assert!(s.signatures(&me, id).await.unwrap().is_empty());

    // Version 3 while round 2 is open: round 2 is superseded too, round 3 is for version 3.
    add_version_document(s, &me, id, &texts[2], "ridgeway-solace-v3.txt", &limits)
        .await
        .unwrap();
    assert_eq!(
        s.get_agreement(&me, id).await.unwrap().status,
        AgreementStatus::InReview
    );
    let rounds = shown(&s.approval_rounds(&me, id).await.unwrap());
    assert_eq!(rounds[1]["state"], "superseded", "{label}: {rounds}");
    assert_eq!(
        rounds[1]["superseded"]["reason"],
        "version 3 was added while approval round 2 for version 2 was open; version 3 needs its own approval"
    );
    assert_eq!(rounds[1]["steps"][0]["status"], "cancelled");
    assert_eq!(
        (&rounds[2]["state"], &rounds[2]["version"]["sha256"]),
        (&json!("open"), &json!(sha[2]))
    );
    let (chain, status) = s
        .decide_approval(
            &me,
            Role::Legal,
            id,
            "legal",
            Decision::Approve,
            Some("unlimited liability accepted by the board"),
        )
        .await
        .unwrap();
    assert_eq!((chain.round, status), (3, AgreementStatus::Approved));
    let approve = audit_details(s, &me, id, "approval.approve").await;
    assert_eq!(
        (
            &approve[1]["round"],
            &approve[1]["version"],
            &approve[1]["sha256"]
        ),
        (&json!(3), &json!(3), &json!(sha[2])),
        "{label}"
    );
    s.move_agreement(
        &me,
        id,
        AgreementStatus::OutForSignature,
        Some("sent again"),
        today,
    )
    .await
    .unwrap();

    // The text of another version is refused, naming both versions.
    for n in [0, 1] {
        let e = s
            .sign_agreement(&me, id, &sign("Solace", &sha[n], today))
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "invalid input: sha256: version {} (SHA-256 {}) is not the approved version: approval round 3 \
                 approved version 3 (SHA-256 {}); only the approved version can be signed",
                n + 1,
                sha[n],
                sha[2]
            ),
            "{label}"
        );
    }
    // The approved version, signed by both parties, makes the agreement active.
    let (_, status) = s
        .sign_agreement(&me, id, &sign("Ridgeway", &sha[2], today))
        .await
        .unwrap();
    assert_eq!(status, AgreementStatus::OutForSignature);
    let (sig, status) = s
        .sign_agreement(&me, id, &sign("Solace", &sha[2], today))
        .await
        .unwrap();
    assert_eq!(
        (status, sig.version_number, sig.sha256.as_str()),
        (AgreementStatus::Active, 3, sha[2].as_str()),
        "{label}"
    );
    assert_eq!(s.verify_audit(org).await.unwrap(), None, "{label}");
}

async fn audit_details(
    s: &Store,
    me: &Actor,
    id: entente_domain::AgreementId,
    action: &str,
) -> Vec<Value> {
    s.list_audit(me, Some(id))
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action)
        .map(|e| serde_json::from_str(&e.details).unwrap())
        .collect()
}
