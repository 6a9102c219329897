//! iCalendar feeds: the `.ics` served for a secret token parses with an independent RFC 5545
//! parser (the `ical` crate) and carries the right dates; rotating the token retires the URL.
//! A feed belongs to its owner and shows only what the owner may see at the time it is read.

use crate::helpers::{PASSWORD, bearer_client, spawn_apps, spawn_apps_at};
use entente_domain::access::Role;
use reqwest::Method;
use serde_json::{Value, json};

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

async fn calendar_feeds_parse_back_with_the_right_dates_and_rotate() {
    // The feed spans a year back and two ahead of today: the dates below are those seen on
    // this day, whatever day the test runs.
    for app in spawn_apps_at("2026-09-15T09:00:00Z").await {
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
            .refresh_deadlines(app.store.now(), 100)
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
        // Calendar quarters (ending 30 September, 31 December, …) plus 15 days.
        assert!(
            evs.iter()
                .any(|e| e.0 == "20251015" && e.1.contains("quarterly usage report; with figures")),
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

entente_store::on_each_backend!(calendar_feeds_parse_back_with_the_right_dates_and_rotate);

/// A member of the app's tenant with an API token: their user id and a client.
async fn member(
    app: &crate::helpers::TestApp,
    hash: &str,
    email: &str,
    role: Role,
    party_id: Option<entente_domain::PartyId>,
) -> (String, reqwest::Client) {
    let user_id = app
        .store
        .add_member(&app.actor, email, email, Some(hash), role, party_id)
        .await
        .unwrap();
    let owner = entente_store::Principal {
        user_id,
        email: email.to_owned(),
        org: app.actor.org,
        role,
        party_id,
        csrf: None,
        last_seen: None,
        token: None,
        owner_role: None,
    };
    let (_, token) =
        entente_core::auth::create_token(&app.store, &app.actor, &owner, "feeds", None, None)
            .await
            .unwrap();
    (user_id.to_string(), bearer_client(&token))
}

/// Sends a request as `c`, returning the status and the JSON body (null when empty).
async fn call(
    c: &reqwest::Client,
    method: Method,
    url: String,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = c.request(method, url);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The `.ics` at `path`, fetched without credentials: status and the agreements its events
/// name (from each description's "Agreement: …" line).
async fn feed_agreements(app: &crate::helpers::TestApp, path: &str) -> (u16, Vec<String>) {
    let r = app
        .anon
        .get(format!("{}{path}", app.addr))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    if status != 200 {
        return (status, Vec::new());
    }
    let text = r.text().await.unwrap();
    let mut titles: Vec<String> = events(&text)
        .iter()
        .filter_map(|e| {
            e.2.lines()
                .find_map(|l| l.strip_prefix("Agreement: "))
                .map(str::to_owned)
        })
        .collect();
    titles.sort();
    titles.dedup();
    (status, titles)
}

fn ids(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .filter_map(|f| f["id"].as_str().map(str::to_owned))
        .collect();
    out.sort();
    out
}

async fn feeds_belong_to_their_owner_and_show_only_what_the_owner_may_see_now() {
    for app in spawn_apps().await {
        let agreement = |title: &str, partner: &str| {
            json!({
                "title": title, "status": "active", "owner": "maria@example.com",
                "parties": [{"legal_name": "Northwind Systems, Inc.", "role": "partner"}, {"legal_name": partner, "role": "partner"}],
                "terms": {"effective_date": "2025-06-01", "initial_term": "P2Y", "auto_renewal": true, "renewal_term": "P1Y",
                          "notice_period_non_renewal": "P90D"}
            })
        };
        let (status, a) = app.post_agreement(agreement("Feed A", "Globex GmbH")).await;
        assert_eq!(status, 201, "{a}");
        let (status, b) = app.post_agreement(agreement("Feed B", "Initech Ltd")).await;
        assert_eq!(status, 201, "{b}");
        let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
        app.store
            .refresh_deadlines(app.store.now(), 100)
            .await
            .unwrap();
        let initech = b["parties"][1]["party_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let hash = entente_core::auth::hash_password(PASSWORD).unwrap();
        let (legal_id, legal) = member(&app, &hash, "legal@example.com", Role::Legal, None).await;
        let (_, viewer) = member(&app, &hash, "viewer@example.com", Role::Viewer, None).await;
        let (_, partner) = member(
            &app,
            &hash,
            "partner@initech.example",
            Role::Counterparty,
            Some(initech),
        )
        .await;
        let url = |p: &str| format!("{}{p}", app.addr);

        // Legal subscribes to agreement A; the feed names its owner.
        let (status, legal_feed) = call(
            &legal,
            Method::POST,
            url("/api/calendar-feeds"),
            Some(json!({"scope": "agreement", "agreement_id": a_id})),
        )
        .await;
        assert_eq!(status, 201, "{legal_feed}");
        assert_eq!(legal_feed["feed"]["owner_id"], json!(legal_id));
        let legal_fid = legal_feed["feed"]["id"].as_str().unwrap().to_owned();
        let legal_path = legal_feed["path"].as_str().unwrap().to_owned();
        assert_eq!(
            feed_agreements(&app, &legal_path).await,
            (200, vec!["Feed A".to_owned()])
        );

        // Neither a counterparty (who cannot open A) nor a viewer may list, rotate or delete
        // legal's feed: for them it does not exist.
        for (who, c) in [("counterparty", &partner), ("viewer", &viewer)] {
            let (status, list) = call(c, Method::GET, url("/api/calendar-feeds"), None).await;
            assert_eq!(status, 200);
            assert!(
                !ids(&list).contains(&legal_fid),
                "{who} lists legal's feed: {list}"
            );
            let (status, _) = call(
                c,
                Method::POST,
                url(&format!("/api/calendar-feeds/{legal_fid}/rotate")),
                Some(json!({})),
            )
            .await;
            assert_eq!(status, 404, "{who} rotates legal's feed");
            let (status, _) = call(
                c,
                Method::DELETE,
                url(&format!("/api/calendar-feeds/{legal_fid}")),
                None,
            )
            .await;
            assert_eq!(status, 404, "{who} deletes legal's feed");
        }
        assert_eq!(
            feed_agreements(&app, &legal_path).await,
            (200, vec!["Feed A".to_owned()]),
            "legal's URL still works"
        );

        // The counterparty has feeds of its own, for what it may see.
        let (status, _) = call(
            &partner,
            Method::POST,
            url("/api/calendar-feeds"),
            Some(json!({"scope": "agreement", "agreement_id": a_id})),
        )
        .await;
        assert_eq!(
            status, 404,
            "no feed of an agreement the counterparty cannot open"
        );
        let (status, partner_feed) = call(
            &partner,
            Method::POST,
            url("/api/calendar-feeds"),
            Some(json!({"scope": "agreement", "agreement_id": b_id})),
        )
        .await;
        assert_eq!(status, 201, "{partner_feed}");
        let partner_fid = partner_feed["feed"]["id"].as_str().unwrap().to_owned();
        let (_, list) = call(&partner, Method::GET, url("/api/calendar-feeds"), None).await;
        assert_eq!(ids(&list), vec![partner_fid.clone()], "only its own feed");

        // The viewer watches both agreements and subscribes to its own deadlines and to A.
        for id in [a_id, b_id] {
            let (status, w) = app
                .post(
                    &format!("/api/agreements/{id}/watchers"),
                    json!({"email": "viewer@example.com"}),
                )
                .await;
            assert!(status == 200 || status == 201, "{status} {w}");
        }
        let (status, viewer_feed) = call(
            &viewer,
            Method::POST,
            url("/api/calendar-feeds"),
            Some(json!({"scope": "user", "email": "viewer@example.com"})),
        )
        .await;
        assert_eq!(status, 201, "{viewer_feed}");
        let viewer_path = viewer_feed["path"].as_str().unwrap().to_owned();
        let (status, viewer_a) = call(
            &viewer,
            Method::POST,
            url("/api/calendar-feeds"),
            Some(json!({"scope": "agreement", "agreement_id": a_id})),
        )
        .await;
        assert_eq!(status, 201, "{viewer_a}");
        let viewer_a_path = viewer_a["path"].as_str().unwrap().to_owned();
        assert_eq!(
            feed_agreements(&app, &viewer_path).await,
            (200, vec!["Feed A".to_owned(), "Feed B".to_owned()])
        );
        assert_eq!(feed_agreements(&app, &viewer_a_path).await.0, 200);

        // An administrator lists every feed; legal lists only its own.
        let (status, all) = app.get("/api/calendar-feeds").await;
        assert_eq!(status, 200);
        let mut expected = vec![
            legal_fid.clone(),
            partner_fid.clone(),
            viewer_feed["feed"]["id"].as_str().unwrap().to_owned(),
            viewer_a["feed"]["id"].as_str().unwrap().to_owned(),
        ];
        expected.sort();
        assert_eq!(ids(&all), expected);
        let (_, list) = call(&legal, Method::GET, url("/api/calendar-feeds"), None).await;
        assert_eq!(ids(&list), vec![legal_fid.clone()]);

        // The owner rotates its own feed: the old URL stops, the new one works.
        let (status, rotated) = call(
            &legal,
            Method::POST,
            url(&format!("/api/calendar-feeds/{legal_fid}/rotate")),
            Some(json!({})),
        )
        .await;
        assert_eq!(status, 200, "{rotated}");
        assert_eq!(feed_agreements(&app, &legal_path).await.0, 404);
        let legal_path = rotated["path"].as_str().unwrap().to_owned();
        assert_eq!(feed_agreements(&app, &legal_path).await.0, 200);

        // A is restricted to the administrator: the viewer's feeds follow at once.
        let (_, users) = app.get("/api/users").await;
        let admin_id = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "admin@example.com")
            .unwrap()["user_id"]
            .clone();
        let (status, _) = app
            .send(
                Method::PUT,
                &format!("/api/agreements/{a_id}/access"),
                json!({"user_ids": [admin_id]}),
            )
            .await;
        assert_eq!(status, 204);
        assert_eq!(
            feed_agreements(&app, &viewer_path).await,
            (200, vec!["Feed B".to_owned()]),
            "the viewer's own feed drops the restricted agreement"
        );
        assert_eq!(
            feed_agreements(&app, &viewer_a_path).await.0,
            404,
            "a feed of an agreement its owner can no longer open is gone"
        );
        assert_eq!(
            feed_agreements(&app, &legal_path).await,
            (200, vec!["Feed A".to_owned()]),
            "legal still sees every agreement"
        );

        // The owner's current role counts: demoted to viewer, legal loses the restricted A.
        let (status, _) = app
            .send(
                Method::PATCH,
                &format!("/api/users/{legal_id}"),
                json!({"role": "viewer"}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(feed_agreements(&app, &legal_path).await.0, 404);

        // The viewer's feed of A is gone for the viewer too: not listed, neither rotated nor
        // deleted (its listing would name A); an administrator still manages it.
        let viewer_a_id = viewer_a["feed"]["id"].as_str().unwrap();
        let (_, list) = call(&viewer, Method::GET, url("/api/calendar-feeds"), None).await;
        assert_eq!(
            ids(&list),
            vec![viewer_feed["feed"]["id"].as_str().unwrap().to_owned()]
        );
        for (method, path) in [
            (
                Method::POST,
                format!("/api/calendar-feeds/{viewer_a_id}/rotate"),
            ),
            (Method::DELETE, format!("/api/calendar-feeds/{viewer_a_id}")),
        ] {
            let (status, _) = call(&viewer, method, url(&path), Some(json!({}))).await;
            assert_eq!(status, 404, "{path}");
        }

        // Owners delete their own feeds; an administrator deletes anyone's.
        let (status, _) = call(
            &viewer,
            Method::DELETE,
            url(&format!(
                "/api/calendar-feeds/{}",
                viewer_feed["feed"]["id"].as_str().unwrap()
            )),
            None,
        )
        .await;
        assert_eq!(status, 204);
        let (status, _) = app
            .send(
                Method::DELETE,
                &format!("/api/calendar-feeds/{viewer_a_id}"),
                json!({}),
            )
            .await;
        assert_eq!(status, 204);
        let (status, _) = app
            .send(
                Method::DELETE,
                &format!("/api/calendar-feeds/{partner_fid}"),
                json!({}),
            )
            .await;
        assert_eq!(status, 204);
        let (_, list) = call(&partner, Method::GET, url("/api/calendar-feeds"), None).await;
        assert_eq!(ids(&list), Vec::<String>::new());
        eprintln!("{}: feed ownership ok", app.label);
    }
}

entente_store::on_each_backend!(
    feeds_belong_to_their_owner_and_show_only_what_the_owner_may_see_now
);
