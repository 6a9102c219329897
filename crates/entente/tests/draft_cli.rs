//! Drafting at the command line: a stored draft from a template, its clause positions listed
//! and one switched to a fallback (an unknown position refused, naming it), and the review
//! gate: `transition … in_review` refused with the blocking finding listed, then moved with
//! `--override`, the override in the audit trail.

mod common;

use common::{entente_embedded as entente, ok};
use std::path::Path;
use std::process::Output;

fn failed(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn a_draft_switches_a_position_and_passes_the_review_gate_only_with_an_override() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let vars = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../entente-template/examples/technology-integration.vars.toml");
    let drafted: serde_json::Value = serde_json::from_str(&ok(&entente(
        data,
        &[
            "draft",
            "technology-integration",
            "--vars",
            vars.to_str().unwrap(),
            "--json",
        ],
    )))
    .unwrap();
    let id = drafted["agreement_id"].as_str().unwrap().to_owned();
    assert_eq!(drafted["blocking"], 0, "{drafted}");

    let list = ok(&entente(data, &["position", &id]));
    assert!(list.starts_with("technology-integration v1.0"), "{list}");
    assert!(
        list.lines()
            .any(|l| l.contains("liability.cap") && l.contains("[preferred] two-times")),
        "{list}"
    );
    let e = failed(&entente(
        data,
        &["position", &id, "liability.cap", "ten-times"],
    ));
    assert!(
        e.contains(
            "\"ten-times\" is not a position of clause liability.cap (one of: preferred, two-times)"
        ),
        "{e}"
    );
    let out = ok(&entente(
        data,
        &["position", &id, "liability.cap", "two-times"],
    ));
    assert!(
        out.contains("clause liability.cap now at two-times (was preferred)"),
        "{out}"
    );
    assert!(out.contains("terms changed: liability_cap"), "{out}");

    // A tenant playbook that makes the draft's one finding (no data-return clause) blocking.
    let store = entente_store::Store::open_dir(data).await.unwrap();
    let org = store
        .ensure_organisation("default", "default")
        .await
        .unwrap();
    let actor = entente_store::Actor::new(org, "test");
    entente_core::check::set_tenant_playbook(
        &store,
        &actor,
        "[playbook]\nid = \"strict\"\nname = \"Strict\"\nversion = \"1\"\nextends = \"cooperation\"\n\n[[rule]]\nid = \"exit.data-return\"\nseverity = \"high\"\n",
    )
    .await
    .unwrap();
    store.close().await;

    let e = failed(&entente(data, &["transition", &id, "in_review"]));
    assert!(
        e.contains("1 finding(s) at or above high block the move to review")
            && e.contains("finding exit.data-return: high:"),
        "{e}"
    );
    let e = failed(&entente(data, &["approve", &id, "--submit"]));
    assert!(e.contains("finding exit.data-return"), "{e}");
    let out = ok(&entente(
        data,
        &[
            "transition",
            &id,
            "in_review",
            "--override",
            "data return is in the master agreement",
        ],
    ));
    assert!(out.contains("now in_review"), "{out}");
    let audit = ok(&entente(data, &["audit", "export", &id]));
    assert!(audit.contains("draft.override"), "{audit}");
    assert!(
        audit.contains("data return is in the master agreement"),
        "{audit}"
    );
    assert!(audit.contains("draft.position"), "{audit}");
}
