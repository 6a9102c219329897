//! `entente audit export --format csv` never writes a cell a spreadsheet would run: changes
//! made by a member whose e-mail is `=1+2@example.com` (a valid address) export with the
//! actor cell neutralised as `'=1+2@example.com`. On SQLite and, with ENTENTE_TEST_POSTGRES,
//! on PostgreSQL.

use entente_store::Actor;
use entente_store::testing::TestDb;
use std::process::{Command, Output};

fn entente(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("NO_COLOR", "1")
        .output()
        .expect("run entente")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const KESTREL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/corpus/lifecycle/kestrel-orbis-boxing-day.txt"
);

#[test]
fn the_audit_csv_export_neutralises_formula_cells() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dbs = rt.block_on(TestDb::all()).unwrap();
    for db in &dbs {
        let l = format!("{:?}", db.backend());
        let out: serde_json::Value =
            serde_json::from_str(&ok(&entente(&db.url, &["import", KESTREL, "--json"])))
                .expect("JSON line");
        let id = out["agreement_id"].as_str().unwrap().to_owned();
        rt.block_on(async {
            let org = db
                .store
                .ensure_organisation("default", "default")
                .await
                .unwrap();
            for email in ["=1+2@example.com", "+1-2@example.com"] {
                let actor = Actor::new(org, email);
                db.store
                    .add_watcher(&actor, id.parse().unwrap(), "legal@example.com")
                    .await
                    .unwrap();
            }
        });
        let csv = ok(&entente(
            &db.url,
            &["audit", "export", &id, "--format", "csv"],
        ));
        assert!(csv.starts_with("seq,at,actor,action,"), "{l}: {csv}");
        let actors: Vec<&str> = csv
            .lines()
            .skip(1)
            .filter_map(|line| line.split(',').nth(2))
            .collect();
        assert!(actors.contains(&"'=1+2@example.com"), "{l}: {csv}");
        assert!(actors.contains(&"'+1-2@example.com"), "{l}: {csv}");
        // No cell of any row starts a formula (quoted or not).
        for line in csv.lines() {
            for cell in line.split(',') {
                let bare = cell.trim_start_matches('"');
                assert!(
                    !bare.starts_with(['=', '+', '-', '@']),
                    "{l}: a formula cell {cell:?} in {line}"
                );
            }
        }
    }
}
