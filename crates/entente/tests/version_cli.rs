//! `entente version ID FILE`: the next version of an agreement, reconciled with what is tracked;
//! it prints what changed (text and JSON), and a file that cannot be read or analysed stores
//! nothing. Runs on SQLite and (with ENTENTE_TEST_POSTGRES) PostgreSQL.

use entente_store::testing::TestDb;
mod common;
use common::{entente, ok};

use std::path::{Path, PathBuf};

fn corpus(n: u32) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../tests/corpus/lifecycle/pellucid-orrery-alliance-v{n}.txt"
    ))
}

async fn a_version_reports_its_reconciliation() {
    for db in TestDb::all().await.unwrap() {
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| entente(&db.url, dir.path(), args);
        let v1 = corpus(1);
        let line: serde_json::Value = serde_json::from_str(&ok(&run(&[
            "import",
            v1.to_str().unwrap(),
            "--status",
            "active",
            "--json",
        ])))
        .unwrap();
        let id = line["agreement_id"].as_str().unwrap().to_owned();
        let tracked = line["obligations"].as_u64().unwrap();

        let v2 = corpus(2);
        let out = ok(&run(&["version", &id, v2.to_str().unwrap()]));
        assert!(out.contains("version 2"), "{out}");
        assert!(
            out.contains(&format!(
                "1 obligation changed, 1 term changed, 0 added, 0 removed, {} unchanged",
                tracked - 1
            )),
            "{out}"
        );

        let v3 = corpus(3);
        let json: serde_json::Value =
            serde_json::from_str(&ok(&run(&["version", &id, v3.to_str().unwrap(), "--json"])))
                .unwrap();
        assert_eq!(json["number"], 3);
        assert_eq!(json["reconciliation"]["obligations_removed"], 1);
        assert_eq!(json["reconciliation"]["obligations_changed"], 0);

        // A path that does not exist and an empty file: errors naming the file, nothing stored.
        let missing = run(&["version", &id, "/nonexistent/v4.txt"]);
        assert_eq!(missing.status.code(), Some(2), "{missing:?}");
        assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/v4.txt"));
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, b"").unwrap();
        let refused = run(&["version", &id, empty.to_str().unwrap()]);
        assert!(!refused.status.success());
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("empty.txt"),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );
        let shown: serde_json::Value =
            serde_json::from_str(&ok(&run(&["show", &id, "--json"]))).unwrap();
        assert_eq!(shown["versions"].as_array().unwrap().len(), 3);
        eprintln!("version command passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(a_version_reports_its_reconciliation);
