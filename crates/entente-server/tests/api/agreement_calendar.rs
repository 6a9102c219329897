//! A business-day calendar set on an agreement with `PATCH /api/agreements/{id}`: under
//! English law the notice deadline moves off Boxing Day 2028; with `us` set it stays on the
//! 26th and the dates say why; an unknown code is a 422 naming `calendar`, and nothing changes.

use crate::helpers::spawn_apps;
use reqwest::Method;
use serde_json::{Value, json};

const KESTREL: &str =
    include_str!("../../../../tests/corpus/lifecycle/kestrel-orbis-boxing-day.txt");

/// The first notice deadline and the calendar's basis, as `GET …/dates` gives them.
fn notice(dates: &Value) -> (String, String) {
    let first = dates["key_dates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "non_renewal_notice_deadline")
        .unwrap_or_else(|| panic!("no notice deadline in {dates}"));
    (
        first["date"].as_str().unwrap().to_owned(),
        dates["calendar_basis"].as_str().unwrap().to_owned(),
    )
}

async fn a_calendar_set_on_an_agreement_moves_its_notice_deadline() {
    for app in spawn_apps().await {
        let (status, imported) = app
            .post_bytes(
                "/api/import?filename=kestrel.txt",
                KESTREL.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 201, "{}: {imported}", app.label);
        let id = imported["agreement_id"].as_str().unwrap().to_owned();
        let dates_path = format!("/api/agreements/{id}/dates?today=2026-06-15");
        let (_, dates) = app.get(&dates_path).await;
        assert_eq!(
            notice(&dates),
            (
                "2028-12-22".to_owned(),
                "calendar from the governing law".to_owned()
            )
        );

        // An unknown code: 422 naming the field, with codes to choose from; nothing changes.
        let before = app.footprint().await;
        let (status, p) = app
            .send(
                Method::PATCH,
                &format!("/api/agreements/{id}"),
                json!({"calendar": "narnia"}),
            )
            .await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "calendar", "{p}");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("gb-eng")),
            "{p}"
        );
        assert_eq!(app.footprint().await, before);
        let (_, a) = app.get(&format!("/api/agreements/{id}")).await;
        assert_eq!(a["calendar"], Value::Null);

        // Set to the United States calendar: Boxing Day is a business day there.
        let (status, a) = app
            .send(
                Method::PATCH,
                &format!("/api/agreements/{id}"),
                json!({"calendar": "us"}),
            )
            .await;
        assert_eq!((status, &a["calendar"]), (200, &json!("us")), "{a}");
        let (_, a) = app.get(&format!("/api/agreements/{id}")).await;
        assert_eq!(a["calendar"], "us");
        let (_, dates) = app.get(&dates_path).await;
        assert_eq!(
            notice(&dates),
            (
                "2028-12-26".to_owned(),
                "calendar set on the agreement".to_owned()
            )
        );

        // Cleared with an empty string: the governing law decides again.
        let (status, a) = app
            .send(
                Method::PATCH,
                &format!("/api/agreements/{id}"),
                json!({"calendar": ""}),
            )
            .await;
        assert_eq!((status, &a["calendar"]), (200, &Value::Null), "{a}");
        let (_, dates) = app.get(&dates_path).await;
        assert_eq!(notice(&dates).0, "2028-12-22");
    }
}

entente_store::on_each_backend!(a_calendar_set_on_an_agreement_moves_its_notice_deadline);
