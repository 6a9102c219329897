//! `entente import` of an executed agreement signed two years earlier: its past obligation
//! occurrences are history — `dates` shows none overdue, `obligations --overdue` lists none,
//! `alerts run --dry-run` plans no reminder — unless `--track-from` names an earlier day; a
//! bad `--track-from` exits 2 naming the flag, and nothing is stored. Runs on SQLite and (with
//! ENTENTE_TEST_POSTGRES) PostgreSQL; every date that decides an outcome is explicit.

use entente_store::testing::TestDb;
mod common;
use common::{entente, ok};

use std::path::Path;
use std::process::Output;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).expect("JSON output")
}

fn text(title: &str) -> String {
    format!(
        "{title}\n\n\
         This Collaboration Agreement is entered into as of June 15, 2024 (the \"Effective Date\") by and between \
         Northwind Systems, Inc., a Delaware corporation (\"Northwind\"), and Globex GmbH, a German company (\"Globex\").\n\n\
         1. Term. This Agreement commences on the Effective Date and continues for five (5) years.\n\n\
         2. Reporting. Northwind shall deliver a written partner report to Globex every month.\n\n\
         3. Reviews. Globex shall provide a pipeline forecast to Northwind within fifteen (15) days after the end of each calendar quarter.\n\n\
         4. Integration Plan. Northwind shall deliver a joint integration plan within thirty (30) days after the Effective Date.\n\n\
         5. Governing Law. This Agreement is governed by the laws of the State of New York.\n"
    )
}

/// The day the portfolio is looked at, and the scheduler's clock on it.
const TODAY: &str = "2026-06-15";
const NOW: &str = "2026-06-15T09:00:00Z";

/// (due, status, duty) of each occurrence `dates --json` lists.
fn occurrences(dates: &serde_json::Value) -> Vec<(String, String, String)> {
    dates["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["occurrence"]["due"].as_str().unwrap().to_owned(),
                o["status"].as_str().unwrap().to_owned(),
                o["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn overdue(dates: &serde_json::Value, words: &str) -> Vec<String> {
    occurrences(dates)
        .into_iter()
        .filter(|(_, s, t)| s == "overdue" && t.contains(words))
        .map(|(d, _, _)| d)
        .collect()
}

fn imported_id(out: &Output) -> (String, serde_json::Value) {
    let line: serde_json::Value = serde_json::from_str(ok(out).lines().next().unwrap()).unwrap();
    assert_eq!(line["ok"], true, "{line}");
    (line["agreement_id"].as_str().unwrap().to_owned(), line)
}

async fn a_legacy_import_arrives_without_a_flood_of_overdue_items_on_every_backend() {
    for db in TestDb::all().await.unwrap() {
        let dir = tempfile::tempdir().unwrap();
        story(&db.url, dir.path());
        eprintln!("legacy import passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(
    a_legacy_import_arrives_without_a_flood_of_overdue_items_on_every_backend
);

fn story(url: &str, dir: &Path) {
    let legacy = dir.join("legacy.txt");
    std::fs::write(&legacy, text("LEGACY COLLABORATION AGREEMENT")).unwrap();
    let since = dir.join("since.txt");
    std::fs::write(&since, text("JANUARY COLLABORATION AGREEMENT")).unwrap();
    let run = |args: &[&str]| entente(url, dir, args);

    // Imported as it comes: tracked from today, the import date.
    let (id, line) = imported_id(&run(&["import", legacy.to_str().unwrap(), "--json"]));
    assert_eq!(line["obligations"], 3, "{line}");
    let tracked = line["tracked_from"].as_str().expect("tracked from today");
    assert!(tracked > TODAY, "{tracked}");
    let dates = json(&run(&["dates", &id, "--today", TODAY, "--json"]));
    let all = occurrences(&dates);
    assert!(
        all.iter().filter(|(_, s, _)| s == "history").count() >= 12,
        "{all:?}"
    );
    assert!(all.iter().all(|(_, s, _)| s != "overdue"), "{all:?}");
    let shown = ok(&run(&["dates", &id, "--today", TODAY]));
    assert!(!shown.contains("Overdue obligations"), "{shown}");
    assert!(
        shown.contains(&format!(
            "occurrence(s) due before tracking began on {tracked} are history, neither overdue nor alerted"
        )),
        "{shown}"
    );
    assert!(
        ok(&run(&["show", &id])).contains(&format!("tracked from {tracked}")),
        "show says since when the agreement is tracked"
    );
    let plan = ok(&run(&["alerts", "run", "--dry-run", "--now", NOW]));
    assert!(!plan.contains("Overdue since"), "{plan}");

    // Tracked since January: those since then are overdue, and reminded; nothing earlier.
    let (since_id, line) = imported_id(&run(&[
        "import",
        since.to_str().unwrap(),
        "--track-from",
        "2026-01-01",
        "--json",
    ]));
    assert_eq!(line["tracked_from"], "2026-01-01");
    let dates = json(&run(&["dates", &since_id, "--today", TODAY, "--json"]));
    assert_eq!(
        overdue(&dates, "partner report"),
        [
            "2026-01-31",
            "2026-02-28",
            "2026-03-31",
            "2026-04-30",
            "2026-05-31"
        ]
    );
    // 15 days after the fourth and the first calendar quarters.
    assert_eq!(
        overdue(&dates, "pipeline forecast"),
        ["2026-01-15", "2026-04-15"]
    );
    assert!(overdue(&dates, "integration plan").is_empty());
    let plan = ok(&run(&["alerts", "run", "--dry-run", "--now", NOW]));
    assert_eq!(plan.matches("Overdue since").count(), 2, "{plan}");
    assert!(
        plan.contains("Overdue since 2026-01-31: Northwind: 2. Reporting."),
        "{plan}"
    );
    assert!(
        plan.contains("Overdue since 2026-01-15: Globex: 3. Reviews."),
        "{plan}"
    );

    // The portfolio's overdue list has nothing of the agreement imported as it came.
    let late: Vec<serde_json::Value> = serde_json::from_str(&ok(&run(&[
        "obligations",
        "--overdue",
        "--agreement",
        &id,
        "--json",
    ])))
    .unwrap();
    assert!(late.is_empty(), "{late:?}");

    // A bad tracking start: exit 2 naming the flag, and nothing stored.
    let before = json(&run(&["list", "--json"]))["total"].as_u64().unwrap();
    assert_eq!(before, 2);
    for (bad, why) in [
        ("2026-02-30", "--track-from"),
        ("soon", "--track-from"),
        ("2999-01-01", "after today"),
    ] {
        let out = run(&["import", legacy.to_str().unwrap(), "--track-from", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--track-from") && err.contains(why),
            "{bad}: {err}"
        );
    }
    assert_eq!(
        json(&run(&["list", "--json"]))["total"].as_u64().unwrap(),
        before
    );
}
