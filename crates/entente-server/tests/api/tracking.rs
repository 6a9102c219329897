//! `POST /api/import` of an executed agreement signed two years earlier: its past occurrences
//! are history — not overdue in the dates, the deadline and obligation listings, nor alerted —
//! unless `track_from` names an earlier day; a bad `track_from` is a 422 naming it, and
//! nothing is stored. Dates are explicit (`today=…`, a fixed clock for the materialised
//! deadlines and alerts), so the outcome does not depend on the day the test runs.

use crate::helpers::spawn_apps;
use entente_domain::Timestamp;
use entente_store::{AlertKind, PlannedAlert};
use reqwest::Method;
use serde_json::{Value, json};

const LEGACY: &str = "COLLABORATION AGREEMENT\n\n\
This Collaboration Agreement is entered into as of June 15, 2024 (the \"Effective Date\") by and between \
Northwind Systems, Inc., a Delaware corporation (\"Northwind\"), and Globex GmbH, a German company (\"Globex\").\n\n\
1. Term. This Agreement commences on the Effective Date and continues for five (5) years.\n\n\
2. Reporting. Northwind shall deliver a written partner report to Globex every month.\n\n\
3. Reviews. Globex shall provide a pipeline forecast to Northwind within fifteen (15) days after the end of each calendar quarter.\n\n\
4. Integration Plan. Northwind shall deliver a joint integration plan within thirty (30) days after the Effective Date.\n\n\
5. Governing Law. This Agreement is governed by the laws of the State of New York.\n";

/// The day the portfolio is looked at.
const TODAY: &str = "2026-06-15";

fn statuses(dates: &Value) -> Vec<(String, String, String)> {
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

fn overdue_dates(dates: &Value, words: &str) -> Vec<String> {
    statuses(dates)
        .into_iter()
        .filter(|(_, s, t)| s == "overdue" && t.contains(words))
        .map(|(d, _, _)| d)
        .collect()
}

fn overdue_alerts<'a>(planned: &'a [PlannedAlert], agreement: &str) -> Vec<&'a PlannedAlert> {
    planned
        .iter()
        .filter(|a| {
            a.kind == AlertKind::Overdue
                && a.agreement_id.map(|x| x.to_string()).as_deref() == Some(agreement)
        })
        .collect()
}

async fn an_imported_legacy_agreement_brings_history_not_a_flood_of_overdue_items() {
    for app in spawn_apps().await {
        // Imported without a tracking start: tracked from the import date.
        let (status, legacy) = app
            .post_bytes(
                "/api/import?filename=legacy.txt&owner=ops@example.com",
                LEGACY.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 201, "{}: {legacy}", app.label);
        assert_eq!(legacy["obligations"], 3, "{legacy}");
        let tracked = legacy["tracked_from"].as_str().expect("an import date");
        assert!(tracked > TODAY, "the import date is today: {tracked}");
        let id = legacy["agreement_id"].as_str().unwrap().to_owned();
        let (_, a) = app.get(&format!("/api/agreements/{id}")).await;
        assert_eq!(a["tracked_from"], tracked);
        let (status, dates) = app
            .get(&format!("/api/agreements/{id}/dates?today={TODAY}"))
            .await;
        assert_eq!(status, 200, "{dates}");
        assert_eq!(dates["tracked_from"], tracked);
        let all = statuses(&dates);
        assert!(
            all.iter().filter(|(_, s, _)| s == "history").count() >= 12,
            "{all:?}"
        );
        assert!(all.iter().all(|(_, s, _)| s != "overdue"), "{all:?}");

        // Tracked since January: what fell due since then is overdue, and nothing earlier.
        let (status, since) = app
            .post_bytes(
                "/api/import?filename=legacy.txt&owner=ops@example.com&track_from=2026-01-01",
                LEGACY.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 201, "{since}");
        assert_eq!(since["tracked_from"], "2026-01-01");
        let since_id = since["agreement_id"].as_str().unwrap().to_owned();
        let (_, dates) = app
            .get(&format!("/api/agreements/{since_id}/dates?today={TODAY}"))
            .await;
        assert_eq!(
            overdue_dates(&dates, "partner report"),
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
            overdue_dates(&dates, "pipeline forecast"),
            ["2026-01-15", "2026-04-15"]
        );
        assert!(overdue_dates(&dates, "integration plan").is_empty());
        assert!(statuses(&dates).iter().any(|(d, s, t)| d == "2024-07-15"
            && s == "history"
            && t.contains("integration plan")));

        // The obligation list's overdue filter: the January agreement's two recurring duties.
        let (status, late) = app
            .get(&format!("/api/obligations?overdue=true&today={TODAY}"))
            .await;
        assert_eq!(status, 200, "{late}");
        let late: Vec<(&str, &str)> = late
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["agreement_id"].as_str().unwrap(),
                    o["text"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(late.len(), 2, "{late:?}");
        assert!(late.iter().all(|(a, _)| *a == since_id), "{late:?}");

        // Materialised deadlines and the alert plan, on a fixed clock.
        let now = Timestamp::parse("2026-06-15T09:00:00Z").unwrap();
        while app.store.refresh_deadlines(now, 100).await.unwrap() > 0 {}
        let (_, rows) = app
            .get(&format!(
                "/api/deadlines?overdue=true&agreement_id={id}&today={TODAY}"
            ))
            .await;
        assert_eq!(rows["items"], json!([]));
        let (_, rows) = app
            .get(&format!(
                "/api/deadlines?overdue=true&agreement_id={since_id}&today={TODAY}"
            ))
            .await;
        // Five monthly reports and two quarterly forecasts since January.
        assert_eq!(rows["items"].as_array().unwrap().len(), 7, "{rows}");
        let planned = app.store.raise_alerts(now, true).await.unwrap();
        assert!(overdue_alerts(&planned, &id).is_empty(), "{planned:#?}");
        let reminders = overdue_alerts(&planned, &since_id);
        assert_eq!(reminders.len(), 2, "{reminders:#?}");
        assert!(reminders.iter().any(|a| a.body.starts_with(
            "5 occurrence(s) overdue, the oldest due 2026-01-31 and the latest 2026-05-31"
        )));

        // A draft tracks from its start once it is signed.
        let (status, draft) = app
            .post_bytes(
                "/api/import?filename=draft.txt&status=draft",
                LEGACY.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 201, "{draft}");
        assert_eq!(draft["tracked_from"], Value::Null);

        // Bad tracking starts are refused naming the parameter, and nothing is stored.
        let before = app.footprint().await;
        for bad in ["2026-02-30", "last-year", "2999-01-01"] {
            let (status, p) = app
                .post_bytes(
                    &format!("/api/import?filename=legacy.txt&track_from={bad}"),
                    LEGACY.as_bytes().to_vec(),
                )
                .await;
            assert_eq!(status, 422, "{bad}: {p}");
            assert_eq!(p["errors"][0]["field"], "track_from", "{bad}: {p}");
        }
        assert_eq!(app.footprint().await, before);

        // The tracking start can be moved later; a future day is refused the same way.
        let (status, p) = app
            .send(
                Method::PATCH,
                &format!("/api/agreements/{id}"),
                json!({"tracked_from": "2999-01-01"}),
            )
            .await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "tracked_from");
        assert_eq!(app.footprint().await, before);
        let (status, moved) = app
            .send(
                Method::PATCH,
                &format!("/api/agreements/{id}"),
                json!({"tracked_from": "2026-01-01"}),
            )
            .await;
        assert_eq!(
            (status, &moved["tracked_from"]),
            (200, &json!("2026-01-01"))
        );
        let (_, dates) = app
            .get(&format!("/api/agreements/{id}/dates?today={TODAY}"))
            .await;
        assert_eq!(
            overdue_dates(&dates, "pipeline forecast"),
            ["2026-01-15", "2026-04-15"]
        );

        // The OpenAPI document describes the parameter, the result and the status.
        let (_, doc) = app.get("/api/openapi.json").await;
        let params = doc["paths"]["/api/import"]["post"]["parameters"]
            .as_array()
            .unwrap();
        let p = params
            .iter()
            .find(|p| p["name"] == "track_from")
            .expect("track_from documented");
        assert!(
            p["description"].as_str().unwrap().contains("history"),
            "{p}"
        );
        let schemas = &doc["components"]["schemas"];
        assert!(
            schemas["ImportResult"]["properties"]
                .get("tracked_from")
                .is_some()
        );
        assert!(
            schemas["AgreementPatch"]["properties"]
                .get("tracked_from")
                .is_some()
        );
        assert!(
            schemas["ObligationStatus"]
                .to_string()
                .contains("\"history\""),
            "{}",
            schemas["ObligationStatus"]
        );
    }
}

entente_store::on_each_backend!(
    an_imported_legacy_agreement_brings_history_not_a_flood_of_overdue_items
);
