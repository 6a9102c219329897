//! Derived dates follow every write at once, with no scheduler and no `alerts run`: right
//! after an import, `GET /api/deadlines` and the agreement's and the owner's calendar feeds
//! hold its dates; a calendar change, a new obligation and a notice of non-renewal show on
//! the next read.

use crate::helpers::{TestApp, spawn_apps_at};
use reqwest::Method;
use serde_json::{Value, json};

const KESTREL: &str =
    include_str!("../../../../tests/corpus/lifecycle/kestrel-orbis-boxing-day.txt");

/// `(kind, due_date)` of the agreement's deadlines, as `GET /api/deadlines` lists them.
async fn deadlines(app: &TestApp, id: &str) -> Vec<(String, String)> {
    let (status, v) = app
        .get(&format!("/api/deadlines?agreement_id={id}&limit=5000"))
        .await;
    assert_eq!(status, 200, "{}: {v}", app.label);
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_owned(),
                d["due_date"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The `DTSTART` values of the feed at `path`, read without credentials.
async fn feed_days(app: &TestApp, path: &str) -> Vec<String> {
    let r = app
        .anon
        .get(format!("{}{path}", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", app.label);
    let text = r.text().await.unwrap();
    let mut out = Vec::new();
    for cal in ical::IcalParser::new(text.as_bytes()) {
        for e in cal.expect("a valid iCalendar document").events {
            if let Some(p) = e.properties.iter().find(|p| p.name == "DTSTART") {
                out.push(p.value.clone().unwrap_or_default());
            }
        }
    }
    out
}

async fn feed(app: &TestApp, body: Value) -> String {
    let (status, f) = app.post("/api/calendar-feeds", body).await;
    assert_eq!(status, 201, "{}: {f}", app.label);
    f["path"].as_str().unwrap().to_owned()
}

async fn an_import_shows_in_deadlines_and_feeds_before_any_scheduler_runs() {
    // A day from which the feed's two years ahead reach the notice deadline and the renewal.
    for app in spawn_apps_at("2027-06-15T09:00:00Z").await {
        let l = app.label.clone();
        // A read before the import records the tenant as checked: the import must still show.
        let (status, _) = app.get("/api/deadlines").await;
        assert_eq!(status, 200, "{l}");
        let (status, imported) = app
            .post_bytes(
                "/api/import?filename=kestrel.txt&owner=maria@example.com",
                KESTREL.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 201, "{l}: {imported}");
        let id = imported["agreement_id"].as_str().unwrap().to_owned();

        // Under English law the notice deadline moves off Boxing Day 2028 to the 22nd.
        let notice = (
            "non_renewal_notice_deadline".to_owned(),
            "2028-12-22".to_owned(),
        );
        let listed = deadlines(&app, &id).await;
        assert!(listed.contains(&notice), "{l}: {listed:?}");
        assert!(
            listed.contains(&("renewal".to_owned(), "2029-01-25".to_owned())),
            "{l}: {listed:?}"
        );
        let agreement_feed = feed(&app, json!({"scope": "agreement", "agreement_id": id})).await;
        let person_feed = feed(&app, json!({"scope": "user", "email": "maria@example.com"})).await;
        for path in [&agreement_feed, &person_feed] {
            let days = feed_days(&app, path).await;
            assert!(days.iter().any(|d| d == "20281222"), "{l} {path}: {days:?}");
        }

        // A term edit: the calendar set on the agreement keeps the deadline on the 26th.
        let (status, p) = app
            .send(
                Method::PATCH,
                &format!("/api/agreements/{id}"),
                json!({"calendar": "us"}),
            )
            .await;
        assert_eq!(status, 200, "{l}: {p}");
        let listed = deadlines(&app, &id).await;
        assert!(
            listed.contains(&(
                "non_renewal_notice_deadline".to_owned(),
                "2028-12-26".to_owned()
            )),
            "{l}: {listed:?}"
        );
        assert!(!listed.contains(&notice), "{l}: {listed:?}");
        let days = feed_days(&app, &agreement_feed).await;
        assert!(
            days.iter().any(|d| d == "20281226") && !days.iter().any(|d| d == "20281222"),
            "{l}: {days:?}"
        );

        // A new obligation: its occurrences are listed on the next read.
        let (status, o) = app
            .post(
                &format!("/api/agreements/{id}/obligations"),
                json!({"obligor": "Kestrel", "owner": "maria@example.com",
                       "text": "Deliver the route analytics review",
                       "due": {"kind": "on", "date": "2027-09-30"}}),
            )
            .await;
        assert_eq!(status, 201, "{l}: {o}");
        let listed = deadlines(&app, &id).await;
        assert!(
            listed.contains(&("obligation".to_owned(), "2027-09-30".to_owned())),
            "{l}: {listed:?}"
        );
        assert!(
            feed_days(&app, &person_feed)
                .await
                .contains(&"20270930".to_owned()),
            "{l}"
        );

        // A lifecycle change: notice of non-renewal ends the agreement at its expiry, so the
        // renewal leaves the list and the feed on the next read.
        let renewal = ("renewal".to_owned(), "2029-01-25".to_owned());
        let (status, t) = app
            .post(
                &format!("/api/agreements/{id}/termination"),
                json!({"kind": "non_renewal", "given_by": "Kestrel"}),
            )
            .await;
        assert_eq!(status, 201, "{l}: {t}");
        let listed = deadlines(&app, &id).await;
        assert!(!listed.contains(&renewal), "{l}: {listed:?}");
        assert!(
            listed
                .iter()
                .any(|(k, d)| k != "obligation" && d == "2029-01-25"),
            "{l}: the agreement now ends on 2029-01-25: {listed:?}"
        );
    }
}

entente_store::on_each_backend!(an_import_shows_in_deadlines_and_feeds_before_any_scheduler_runs);
