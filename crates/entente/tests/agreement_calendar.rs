//! `entente edit ID --calendar CODE` on the Kestrel–Orbis services agreement (English law,
//! 30 days' notice before the term ends on 25 January): `entente dates` moves the notice
//! deadlines off Christmas and Boxing Day (2028-12-22, 2029-12-24); with `us` set on the
//! agreement, Boxing Day is a business day there. Dates are asked for on a named day. Also
//! `entente search` over the same agreement: a total, and `--offset` paging through it.

use std::path::Path;
use std::process::{Command, Output};

fn entente(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
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

/// The notice deadlines `entente dates` prints, in order.
fn notice_days(data: &Path, id: &str) -> (Vec<String>, String) {
    let text = ok(&entente(
        data,
        &[
            "dates",
            id,
            "--today",
            "2026-06-15",
            "--until",
            "2030-06-30",
        ],
    ));
    let days = text
        .lines()
        .filter(|l| l.contains(": last day to give notice of non-renewal"))
        .map(|l| l[..10].to_owned())
        .collect();
    (days, text)
}

#[test]
fn a_calendar_set_with_entente_edit_moves_the_boxing_day_deadlines() {
    let dir = tempfile::tempdir().unwrap();
    let out: serde_json::Value =
        serde_json::from_str(&ok(&entente(dir.path(), &["import", KESTREL, "--json"])))
            .expect("JSON line");
    let id = out["agreement_id"].as_str().unwrap().to_owned();

    let (days, text) = notice_days(dir.path(), &id);
    assert_eq!(days[..2], ["2028-12-22", "2029-12-24"], "{text}");
    assert!(text.contains("Boxing Day (England)"), "{text}");

    // An unknown code: exit code 2, the option named, nothing changed.
    let bad = entente(dir.path(), &["edit", &id, "--calendar", "narnia"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--calendar") && err.contains("gb-eng"),
        "{err}"
    );
    assert!(!ok(&entente(dir.path(), &["show", &id])).contains("calendar set on"));

    ok(&entente(dir.path(), &["edit", &id, "--calendar", "us"]));
    let show = ok(&entente(dir.path(), &["show", &id]));
    assert!(
        show.contains("business-day calendar set on the agreement: us"),
        "{show}"
    );
    let (days, text) = notice_days(dir.path(), &id);
    assert_eq!(days[..2], ["2028-12-26", "2029-12-26"], "{text}");
    let json: serde_json::Value = serde_json::from_str(&ok(&entente(
        dir.path(),
        &["dates", &id, "--today", "2026-06-15", "--json"],
    )))
    .unwrap();
    assert_eq!(json["calendar_basis"], "calendar set on the agreement");

    // Cleared: the governing law decides again.
    ok(&entente(dir.path(), &["edit", &id, "--calendar", ""]));
    assert_eq!(
        notice_days(dir.path(), &id).0[..2],
        ["2028-12-22", "2029-12-24"]
    );
}

#[test]
fn entente_search_pages_through_hits_with_a_total() {
    let dir = tempfile::tempdir().unwrap();
    ok(&entente(dir.path(), &["import", KESTREL, "--json"]));
    let first: serde_json::Value = serde_json::from_str(&ok(&entente(
        dir.path(),
        &["search", "services", "--limit", "1", "--json"],
    )))
    .unwrap();
    let total = first["total"].as_u64().unwrap();
    assert!(total >= 2, "{first}");
    assert_eq!(first["hits"].as_array().unwrap().len(), 1);
    let text = ok(&entente(
        dir.path(),
        &["search", "services", "--limit", "1"],
    ));
    assert!(text.contains(&format!("hits 1–1 of {total}")), "{text}");
    assert!(text.contains("more: --offset 1"), "{text}");
    let past: serde_json::Value = serde_json::from_str(&ok(&entente(
        dir.path(),
        &[
            "search",
            "services",
            "--offset",
            &total.to_string(),
            "--json",
        ],
    )))
    .unwrap();
    assert_eq!(past["hits"].as_array().unwrap().len(), 0);
    assert_eq!(past["total"].as_u64(), Some(total));
}
