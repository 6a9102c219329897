//! `entente alerts run --dry-run --now <a far day>` changes no table and no listing, on SQLite
//! and PostgreSQL (system clock: nothing compared depends on the day).

use entente_store::testing::{TestDb, dump};
use std::path::Path;
use std::process::{Command, Output};

fn entente(url: &str, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(data)
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("ENTENTE_SMTP_HOST")
        .env("NO_COLOR", "1")
        .output()
        .expect("run entente")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

async fn a_dry_run_from_the_command_line_writes_nothing() {
    for db in TestDb::all().await.unwrap() {
        let dir = tempfile::tempdir().unwrap();
        let agreement = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/corpus/lifecycle/harbourline-quarry-research.txt");
        let run = |args: &[&str]| ok(&entente(&db.url, dir.path(), args));
        run(&[
            "import",
            agreement.to_str().unwrap(),
            "--track-from",
            "2025-03-01",
            "--json",
        ]);
        // The live state, brought up to date by the listings themselves.
        run(&["list", "--json"]);
        let overdue = run(&["obligations", "--overdue", "--json"]);
        assert!(overdue.contains("progress report"), "{overdue}");
        let before = dump(&db.store).await.unwrap();

        let plan = run(&[
            "alerts",
            "run",
            "--dry-run",
            "--now",
            "2029-06-01T09:00:00Z",
        ]);
        assert!(plan.contains("nothing was sent"), "{plan}");
        // Tracked from 2025-03-01: every quarterly report since then is overdue.
        assert!(
            plan.contains("Overdue since 2025-03-31: Harbourline"),
            "{plan}"
        );

        let after = dump(&db.store).await.unwrap();
        assert_eq!(
            before.changes(&after),
            Vec::<String>::new(),
            "{:?}",
            db.backend()
        );
        assert_eq!(run(&["obligations", "--overdue", "--json"]), overdue);
        eprintln!("command-line dry run passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(a_dry_run_from_the_command_line_writes_nothing);
