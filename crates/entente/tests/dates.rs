//! End-to-end tests of `entente dates`, `entente obligations` and `entente alerts run` on the
//! demo portfolio: the notice deadline of an auto-renewing agreement with 90 days'
//! notice is printed with its derivation and clause. Every command runs on a named day
//! (`--today`, `--now`), so no test depends on the day it runs.

use std::path::Path;
use std::process::{Command, Output};

fn entente(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("ENTENTE_SMTP_HOST")
        .output()
        .expect("run entente")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn demo_id(data: &Path, title: &str) -> String {
    let out = entente(data, &["list", "--json", "--limit", "100"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let items = v
        .get("items")
        .and_then(|i| i.as_array())
        .cloned()
        .or_else(|| v.as_array().cloned())
        .unwrap();
    items
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(title)))
        .and_then(|a| a["id"].as_str())
        .unwrap()
        .to_owned()
}

/// Loaded on each of these days, the demo's 90th day before renewal falls on a weekday, a
/// Saturday, a Sunday, and a weekday of a leap day's year.
const NOTICE_DAYS: [&str; 4] = ["2026-01-05", "2026-01-08", "2026-01-09", "2028-02-29"];

#[test]
fn dates_prints_the_demo_notice_deadline_with_its_derivation_and_clause() {
    let mut moved = 0;
    for day in NOTICE_DAYS {
        if notice_deadline_on(day) {
            moved += 1;
        }
    }
    assert_eq!(moved, 2, "two of the days move the deadline off a weekend");
}

/// Checks the notice line of the demo loaded on `day`; whether it moved off a weekend.
fn notice_deadline_on(day: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    stdout(&entente(dir.path(), &["demo", "--today", day]));
    let id = demo_id(
        dir.path(),
        "Northwind–Globex Technology Integration Partnership",
    );
    let text = stdout(&entente(
        dir.path(),
        &["dates", &id[id.len() - 8..], "--today", day],
    ));
    // e.g. "2027-07-20: last day to give notice of non-renewal = renewal on 2027-10-18 minus
    // 90 days' written notice (clause 3.2)"
    let line = text
        .lines()
        .find(|l| l.contains(": last day to give notice of non-renewal = renewal on "))
        .unwrap_or_else(|| panic!("no notice line in:\n{text}"));
    let deadline: jiff::civil::Date = line[..10].parse().unwrap();
    let renewal: jiff::civil::Date = line.split("renewal on ").nth(1).unwrap()[..10]
        .parse()
        .unwrap();
    // The demo's dates move with the day it is loaded, so the 90th day before renewal may be a
    // weekend or a holiday of the calendar its governing law picks; the derivation then names
    // that day and why, and moves the deadline back to the preceding business day.
    let raw = renewal.checked_sub(jiff::Span::new().days(90)).unwrap();
    let weekend = raw.weekday().to_monday_one_offset() > 5;
    let moved = line.contains("so the preceding business day");
    if !moved {
        assert!(!weekend, "a weekend deadline must move: {line}");
        assert_eq!(deadline, raw, "{line}");
        assert!(
            line.ends_with(" minus 90 days' written notice (clause 3.2)"),
            "{line}"
        );
    } else {
        assert!(deadline < raw, "{line}");
        assert!(
            line.contains(&format!(" minus 90 days' written notice = {raw}, ")),
            "{line}"
        );
        if weekend {
            let weekday = if raw.weekday() == jiff::civil::Weekday::Saturday {
                "Saturday"
            } else {
                "Sunday"
            };
            assert!(line.contains(&format!("{raw}, a {weekday}")), "{line}");
        }
        assert!(
            line.ends_with(
                ", so the preceding business day (calendar from the governing law) (clause 3.2)"
            ),
            "{line}"
        );
    }
    let today: jiff::civil::Date = text.split("key dates as of ").nth(1).unwrap()[..10]
        .parse()
        .unwrap();
    assert_eq!(today.to_string(), day);
    assert!(
        deadline >= today,
        "the first upcoming notice deadline is listed: {line}"
    );

    let json: serde_json::Value = serde_json::from_str(&stdout(&entente(
        dir.path(),
        &["dates", &id, "--today", day, "--json"],
    )))
    .unwrap();
    let k = json["key_dates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "non_renewal_notice_deadline")
        .unwrap();
    assert_eq!(k["clause"]["number"], "3.2");

    // A bad flag is an error that names it, and nothing runs.
    let bad = entente(dir.path(), &["dates", &id, "--today", "2026-02-30"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--today"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let bad = entente(dir.path(), &["dates", &id, "--calendar", "atlantis"]);
    assert_eq!(bad.status.code(), Some(2));
    moved
}

#[test]
fn obligations_and_a_dry_alert_run_work_on_the_demo() {
    // A Saturday; every command runs on it (`--today`, or `--now` for the scheduler).
    let (day, now) = ("2026-10-17", "2026-10-17T09:30:00Z");
    let dir = tempfile::tempdir().unwrap();
    stdout(&entente(dir.path(), &["demo", "--today", day]));
    let soon = stdout(&entente(
        dir.path(),
        &[
            "obligations",
            "--due-within",
            "30d",
            "--today",
            day,
            "--json",
        ],
    ));
    let soon: Vec<serde_json::Value> = serde_json::from_str(&soon).unwrap();
    assert!(!soon.is_empty());
    assert!(
        soon.iter()
            .all(|r| r["status"] == "pending" && r["kind"] == "obligation")
    );
    let overdue: Vec<serde_json::Value> = serde_json::from_str(&stdout(&entente(
        dir.path(),
        &["obligations", "--overdue", "--today", day, "--json"],
    )))
    .unwrap();
    assert!(overdue.iter().all(|r| r["status"] == "overdue"));
    let bad = entente(dir.path(), &["obligations", "--due-within", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--due-within"));

    let dry = stdout(&entente(
        dir.path(),
        &["alerts", "run", "--dry-run", "--now", now],
    ));
    assert!(dry.contains("would raise"), "{dry}");
    assert!(dry.contains("nothing was sent"));
    // The dry run raised nothing: a real run raises them, and a second real run none.
    let run = stdout(&entente(dir.path(), &["alerts", "run", "--now", now]));
    assert!(
        run.starts_with("raised ") && !run.starts_with("raised 0 "),
        "{run}"
    );
    let again = stdout(&entente(dir.path(), &["alerts", "run", "--now", now]));
    assert!(again.starts_with("raised 0 alert(s)"), "{again}");
    let log = stdout(&entente(dir.path(), &["alerts", "log", "--limit", "5"]));
    assert!(
        log.contains("skipped"),
        "e-mail is skipped without SMTP: {log}"
    );
}

/// The demo loaded on days spread over a year (weekends and holidays among them), a leap day
/// and a day years ahead: every
/// agreement's notice deadline in `list --json` is the next one `dates --json` gives, and
/// `list --notice-within 90` holds exactly those due within 90 days.
#[test]
fn list_and_dates_agree_on_the_demo_loaded_on_any_day() {
    for day in [
        "2026-01-03",
        "2026-03-29",
        "2026-07-04",
        "2026-12-25",
        "2028-02-29",
        "2030-12-31",
    ] {
        let dir = tempfile::tempdir().unwrap();
        stdout(&entente(dir.path(), &["demo", "--today", day]));
        let today: jiff::civil::Date = day.parse().unwrap();
        let listed: serde_json::Value = serde_json::from_str(&stdout(&entente(
            dir.path(),
            &["list", "--today", day, "--json", "--limit", "100"],
        )))
        .unwrap();
        let items = listed["items"].as_array().unwrap();
        assert!(items.len() >= 20, "{day}: {}", items.len());
        let mut due_soon = std::collections::BTreeSet::new();
        let mut history = 0;
        for a in items {
            let id = a["id"].as_str().unwrap();
            let dates: serde_json::Value = serde_json::from_str(&stdout(&entente(
                dir.path(),
                &["dates", id, "--today", day, "--json"],
            )))
            .unwrap();
            let next = dates["key_dates"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|k| k["kind"] == "non_renewal_notice_deadline")
                .filter_map(|k| k["date"].as_str())
                .filter(|d| d.parse::<jiff::civil::Date>().unwrap() >= today)
                .min()
                .map(str::to_owned);
            assert_eq!(
                a["notice_deadline"].as_str().map(str::to_owned),
                next,
                "{day}: {}",
                a["title"]
            );
            if let Some(n) = next
                && n.parse::<jiff::civil::Date>().unwrap()
                    <= today.checked_add(jiff::Span::new().days(90)).unwrap()
            {
                due_soon.insert(id.to_owned());
            }
            // The demo is tracked from 30 days before its load day: recurring duties show a
            // month of late occurrences at most, earlier ones are history.
            let tracked: jiff::civil::Date =
                dates["tracked_from"].as_str().unwrap().parse().unwrap();
            assert_eq!(
                tracked,
                today.checked_sub(jiff::Span::new().days(30)).unwrap()
            );
            for o in dates["occurrences"].as_array().unwrap() {
                let due: jiff::civil::Date =
                    o["occurrence"]["due"].as_str().unwrap().parse().unwrap();
                let recurring = o["occurrence"]["derivation"]
                    .as_str()
                    .unwrap()
                    .contains("since the effective date");
                match o["status"].as_str().unwrap() {
                    "overdue" if recurring => assert!(due >= tracked, "{day}: {o}"),
                    "history" => {
                        assert!(due < tracked, "{day}: {o}");
                        history += 1;
                    }
                    _ => {}
                }
            }
        }
        assert!(history > 0, "{day}: older occurrences are history");
        let within: serde_json::Value = serde_json::from_str(&stdout(&entente(
            dir.path(),
            &[
                "list",
                "--today",
                day,
                "--notice-within",
                "90",
                "--json",
                "--limit",
                "100",
            ],
        )))
        .unwrap();
        let within: std::collections::BTreeSet<String> = within["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(within, due_soon, "{day}: --notice-within 90");
        assert!(
            !within.is_empty(),
            "{day}: the demo has deadlines within 90 days"
        );
    }
    // A window past its range is a clear error naming the flag (exit 2).
    let dir = tempfile::tempdir().unwrap();
    let bad = entente(dir.path(), &["list", "--notice-within", "99999999"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--notice-within"));
}
