//! iCalendar feeds: the `.ics` served for a secret token parses with an independent RFC 5545
//! parser (the `ical` crate) and carries the right dates; rotating the token retires the URL.

use crate::helpers::spawn_apps;
use entente_domain::Timestamp;
use serde_json::json;

/// Reverses RFC 5545 TEXT escaping (the parser returns raw values).
fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn events(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for cal in ical::IcalParser::new(text.as_bytes()) {
        let cal = cal.expect("a valid iCalendar document");
        for e in cal.events {
            let get = |name: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .map(|v| unescape(&v))
                    .unwrap_or_default()
            };
            out.push((get("DTSTART"), get("SUMMARY"), get("DESCRIPTION")));
        }
    }
    out
}

#[tokio::test]
async fn calendar_feeds_parse_back_with_the_right_dates_and_rotate() {
    for app in spawn_apps().await {
        let (status, a) = app
            .post_agreement(json!({
                "title": "Northwind–Globex Integration, Phase 2", "status": "active", "owner": "maria@example.com",
                "parties": [{"legal_name": "Northwind Systems, Inc.", "role": "partner"}, {"legal_name": "Globex GmbH", "role": "partner"}],
                "terms": {"effective_date": "2025-06-01", "initial_term": "P2Y", "auto_renewal": true, "renewal_term": "P1Y",
                          "notice_period_non_renewal": "P90D", "review_cycle": "P12M"}
            }))
            .await;
        assert_eq!(status, 201, "{a}");
        let id = a["id"].as_str().unwrap();
        let (status, _) = app
            .post(&format!("/api/agreements/{id}/obligations"), json!({
                "obligor": "Globex", "owner": "ops@example.com", "text": "Deliver the quarterly usage report; with figures",
                "due": {"kind": "recurring", "frequency": "quarterly", "offset": "P15D"}
            }))
            .await;
        assert_eq!(status, 201);
        app.store
            .refresh_deadlines(Timestamp::from_jiff(jiff::Timestamp::now()), 100)
            .await
            .unwrap();

        let (status, feed) = app
            .post(
                "/api/calendar-feeds",
                json!({"scope": "agreement", "agreement_id": id}),
            )
            .await;
        assert_eq!(status, 201, "{feed}");
        let path = feed["path"].as_str().unwrap().to_owned();
        assert!(feed["url"].as_str().unwrap().ends_with(&path));
        // The token is the credential: no session or bearer token needed.
        let r = app
            .anon
            .get(format!("{}{path}", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        let text = r.text().await.unwrap();
        assert!(text.lines().all(|l| l.len() <= 75), "lines are folded");
        let evs = events(&text);
        let notice = evs
            .iter()
            .find(|e| e.1.starts_with("Last day to give notice of non-renewal"))
            .expect("notice event");
        assert_eq!(notice.0, "20270303");
        assert!(
            notice
                .2
                .contains("renewal on 2027-06-01 minus 90 days' written notice"),
            "{}",
            notice.2
        );
        assert!(
            evs.iter()
                .any(|e| e.0 == "20270601" && e.1.starts_with("Agreement renews"))
        );
        assert!(
            evs.iter()
                .any(|e| e.0 == "20260601" && e.1.starts_with("Agreement review due"))
        );
        // Quarterly from 2025-06-01 (period ends 1 Sep, 1 Dec, …) plus 15 days.
        assert!(
            evs.iter()
                .any(|e| e.0 == "20251216" && e.1.contains("quarterly usage report; with figures")),
            "{evs:?}"
        );

        // A person's feed carries what they own.
        let (status, mine) = app
            .post(
                "/api/calendar-feeds",
                json!({"scope": "user", "email": "ops@example.com"}),
            )
            .await;
        assert_eq!(status, 201);
        let text = app
            .anon
            .get(format!("{}{}", app.addr, mine["path"].as_str().unwrap()))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let evs = events(&text);
        assert!(
            !evs.is_empty()
                && evs
                    .iter()
                    .all(|e| e.1.starts_with("Due: ") || e.1.starts_with("[done] Due: ")),
            "{evs:?}"
        );

        // Rotation: the old URL is gone, the new one works.
        let fid = feed["feed"]["id"].as_str().unwrap();
        let (status, rotated) = app
            .post(&format!("/api/calendar-feeds/{fid}/rotate"), json!({}))
            .await;
        assert_eq!(status, 200, "{rotated}");
        let old = app
            .anon
            .get(format!("{}{path}", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(old.status(), 404);
        let new = app
            .anon
            .get(format!("{}{}", app.addr, rotated["path"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(new.status(), 200);
        let bogus = app
            .anon
            .get(format!("{}/calendar/not-a-token.ics", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(bogus.status(), 404);
        eprintln!("{}: calendar feeds ok", app.label);
    }
}
