//! The alert scheduler against real receivers: e-mail over SMTP, signed webhooks with retries
//! on 500, and exactly-once delivery from three scheduler instances sharing one database.
//! Every test drives `run_due(now)` with a fixed clock; nothing sleeps for readiness.

use crate::helpers::spawn_apps;
use crate::receivers::{SmtpListener, WebhookReceiver};
use entente_domain::agreement::AgreementDraft;
use entente_domain::alerting::WebhookTargets;
use entente_domain::obligation::{DueRule, Event, Frequency, NewObligation};
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{AgreementId, Date, Period, Timestamp};
use entente_server::scheduler::{Outcome, Scheduler, SchedulerSettings, SmtpSettings, SmtpTls};
use entente_store::testing::TestDb;
use entente_store::{Actor, RetryPolicy, Store};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn settings(instance: &str) -> SchedulerSettings {
    SchedulerSettings {
        instance: instance.into(),
        raise_every: Duration::ZERO,
        batch: 4,
        retry: RetryPolicy {
            base: Duration::from_secs(10),
            max: Duration::from_secs(600),
            max_attempts: 5,
        },
        // The receivers these tests start listen on the loopback address.
        webhook_targets: WebhookTargets::AnyForDevelopment,
        ..Default::default()
    }
}

/// An auto-renewing agreement whose notice deadline is `effective + 2 years − 90 days`, with
/// a one-off duty 30 days after the effective date and a monthly duty.
async fn seed(store: &Store, actor: &Actor, title: &str, effective: &str) -> AgreementId {
    let mut terms = Terms::default();
    let t0 = at("2025-01-01T00:00:00Z");
    for (f, v) in [
        (
            TermField::EffectiveDate,
            TermValue::Date(Date::parse(effective).unwrap()),
        ),
        (
            TermField::InitialTerm,
            TermValue::Period(Period::years(2).unwrap()),
        ),
        (TermField::AutoRenewal, TermValue::Bool(true)),
        (
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days(90).unwrap()),
        ),
    ] {
        terms.set_user(f, v, "maria@example.com", t0, None);
    }
    let party = |n: &str| AgreementPartyDraft {
        legal_name: Some(n.into()),
        role: "partner".into(),
        ..Default::default()
    };
    let new = AgreementDraft {
        title: title.into(),
        status: Some("active".into()),
        owner: Some("maria@example.com".into()),
        parties: vec![
            party("Northwind Systems, Inc."),
            party(&format!("{title} GmbH")),
        ],
        ..Default::default()
    }
    .validate(terms)
    .unwrap();
    let id = store.create_agreement(actor, &new).await.unwrap();
    for (text, due) in [
        (
            "Deliver the integration plan",
            DueRule::After {
                period: Period::days(30).unwrap(),
                event: Event::Effective,
            },
        ),
        (
            "Send the monthly usage report",
            DueRule::recurring(Frequency::Monthly, Some(Period::days(5).unwrap())),
        ),
    ] {
        let o = NewObligation {
            obligor: "Northwind".into(),
            beneficiary: None,
            text: text.into(),
            due,
            metric: None,
            status: None,
            owner: Some("ops@example.com".into()),
            vague: false,
            survives: false,
        };
        store.create_obligation(actor, id, &o).await.unwrap();
    }
    id
}

async fn run_until_idle(s: &Scheduler, now: Timestamp) -> usize {
    let mut steps = 0;
    for _ in 0..200 {
        steps += 1;
        if s.run_due(now).await.unwrap().outcome() == Outcome::Idle {
            break;
        }
    }
    steps
}

async fn alerts_reach_an_smtp_server_and_the_inbox() {
    for db in TestDb::all().await.unwrap() {
        let store = db.store.clone();
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let actor = Actor::new(org, "maria@example.com");
        let id = seed(&store, &actor, "Globex", "2025-06-01").await;
        store
            .add_watcher(&actor, id, "legal@example.com")
            .await
            .unwrap();
        let smtp = SmtpListener::start().await;
        let mut s = settings("mailer");
        s.smtp = Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: smtp.port,
            tls: SmtpTls::None,
            user: None,
            password: None,
            from: "Entente <alerts@example.com>".into(),
        });
        let scheduler = Scheduler::new(store.clone(), s).unwrap();
        // 30 days before the notice deadline of 2027-03-03.
        run_until_idle(&scheduler, at("2027-02-01T09:00:00Z")).await;
        // Undo header folding and quoted-printable soft breaks before looking for text.
        let mails: Vec<_> = smtp
            .mails()
            .into_iter()
            .map(|mut m| {
                m.data = m.data.replace("\r\n ", " ").replace("=\r\n", "");
                m
            })
            .collect();
        let notice: Vec<_> = mails
            .iter()
            .filter(|m| {
                m.data
                    .contains("Last day to give notice of non-renewal in 30 days (2027-03-03)")
            })
            .collect();
        let rcpts: BTreeSet<_> = notice.iter().flat_map(|m| m.to.clone()).collect();
        assert_eq!(
            rcpts,
            BTreeSet::from([
                "legal@example.com".to_owned(),
                "maria@example.com".to_owned()
            ]),
            "{:?}",
            db.backend()
        );
        assert!(notice.iter().all(|m| m.from == "alerts@example.com"));
        assert!(
            notice[0]
                .data
                .contains("renewal on 2027-06-01 minus 90 days' written notice"),
            "{}",
            notice[0].data
        );
        // Obligation owners hear about their duties, watchers too.
        assert!(
            mails
                .iter()
                .any(|m| m.to == ["ops@example.com"] && m.data.contains("Overdue since"))
        );
        // The in-app inbox holds the same alert; running again sends nothing new.
        let inbox = store
            .inbox(&actor, "legal@example.com", false)
            .await
            .unwrap();
        assert!(inbox.iter().any(|i| i.title.contains("2027-03-03")));
        let before = smtp.mails().len();
        run_until_idle(&scheduler, at("2027-02-01T09:05:00Z")).await;
        assert_eq!(smtp.mails().len(), before, "alerts are not sent twice");
    }
}

entente_store::on_each_backend!(alerts_reach_an_smtp_server_and_the_inbox);

async fn without_smtp_email_deliveries_are_logged_as_skipped() {
    for db in TestDb::all().await.unwrap() {
        let store = db.store.clone();
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let actor = Actor::new(org, "maria@example.com");
        seed(&store, &actor, "Globex", "2025-06-01").await;
        let scheduler = Scheduler::new(store.clone(), settings("no-mail")).unwrap();
        run_until_idle(&scheduler, at("2027-02-01T09:00:00Z")).await;
        let log = store
            .list_deliveries(&actor, Some("maria@example.com"), 100)
            .await
            .unwrap();
        assert!(!log.is_empty());
        assert!(log.iter().all(|d| {
            d.status == "skipped"
                && d.last_error
                    .as_deref()
                    .is_some_and(|e| e.contains("ENTENTE_SMTP_HOST"))
        }));
    }
}

entente_store::on_each_backend!(without_smtp_email_deliveries_are_logged_as_skipped);

async fn a_webhook_on_the_server_s_own_network_is_never_called() {
    for db in TestDb::all().await.unwrap() {
        let store = db.store.clone();
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let actor = Actor::new(org, "maria@example.com");
        seed(&store, &actor, "Globex", "2025-06-01").await;
        // Stored directly (as under the development policy), then delivered under the default.
        let rx = WebhookReceiver::start().await;
        let (hook, secret) = store.create_webhook(&actor, &rx.url, None).await.unwrap();
        rx.set_secret(&secret);
        let scheduler = Scheduler::new(
            store.clone(),
            SchedulerSettings {
                webhook_targets: WebhookTargets::PublicHttps,
                ..settings("guarded")
            },
        )
        .unwrap();
        store
            .refresh_deadlines(at("2027-02-01T09:00:00Z"), 100)
            .await
            .unwrap();
        store
            .raise_alerts(at("2027-02-01T09:00:00Z"), true)
            .await
            .unwrap();
        run_until_idle(&scheduler, at("2027-02-01T09:00:00Z")).await;
        assert_eq!(rx.requests(), 0, "the loopback receiver was never called");
        let log = store
            .list_deliveries(&actor, Some(&hook.id), 100)
            .await
            .unwrap();
        assert!(!log.is_empty());
        for d in &log {
            assert_eq!(d.status, "dead", "refused for good: {d:?}");
            let err = d
                .log
                .last()
                .and_then(|a| a.error.clone())
                .unwrap_or_default();
            assert!(err.contains("https://"), "{err}");
        }
    }
}

entente_store::on_each_backend!(a_webhook_on_the_server_s_own_network_is_never_called);

async fn webhooks_are_signed_and_retried_with_backoff_after_a_500() {
    for db in TestDb::all().await.unwrap() {
        let store = db.store.clone();
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let actor = Actor::new(org, "maria@example.com");
        seed(&store, &actor, "Globex", "2025-06-01").await;
        let rx = WebhookReceiver::start().await;
        let (hook, secret) = store.create_webhook(&actor, &rx.url, None).await.unwrap();
        rx.set_secret(&secret);
        let scheduler = Scheduler::new(store.clone(), settings("hooks")).unwrap();
        // Every first attempt fails: the receiver answers 500 to the first N requests.
        store
            .refresh_deadlines(at("2027-02-01T09:00:00Z"), 100)
            .await
            .unwrap();
        let planned = store
            .raise_alerts(at("2027-02-01T09:00:00Z"), true)
            .await
            .unwrap();
        let n = planned.len() as u32;
        assert!(n >= 2, "several alerts are due");
        rx.fail_next(n);
        run_until_idle(&scheduler, at("2027-02-01T09:00:00Z")).await;
        assert!(rx.accepted().is_empty(), "all first attempts failed");
        // Not retried before the backoff (10 s) has passed …
        run_until_idle(&scheduler, at("2027-02-01T09:00:05Z")).await;
        assert_eq!(rx.requests(), n);
        // … and retried after it, with the same webhook-id and a fresh valid signature.
        run_until_idle(&scheduler, at("2027-02-01T09:00:11Z")).await;
        let got = rx.accepted();
        assert_eq!(got.len() as u32, n);
        assert_eq!(rx.bad_signatures(), 0);
        let log = store
            .list_deliveries(&actor, Some(&hook.id), 100)
            .await
            .unwrap();
        for d in &log {
            assert_eq!(d.status, "sent");
            let outcomes: Vec<_> = d
                .log
                .iter()
                .map(|a| (a.outcome.as_str(), a.http_status))
                .collect();
            assert_eq!(outcomes, [("failed", Some(500)), ("sent", Some(204))]);
            assert!(
                got.iter().any(|r| r.id == d.id),
                "webhook-id is the delivery id"
            );
        }
        let notice = got
            .iter()
            .find(|r| r.body["type"] == "deadline.upcoming" && r.body["due_date"] == "2027-03-03")
            .expect("notice alert delivered");
        assert_eq!(notice.body["lead_days"], 30);
        assert!(
            notice.body["body"]
                .as_str()
                .unwrap()
                .contains("minus 90 days' written notice")
        );
        // A rotated secret: the receiver still holding the old one rejects new deliveries.
        let new_secret = store.rotate_webhook_secret(&actor, &hook.id).await.unwrap();
        assert_ne!(new_secret, secret);
        run_until_idle(&scheduler, at("2027-02-02T09:00:00Z")).await;
        assert!(rx.bad_signatures() > 0, "old secret no longer verifies");
    }
}

entente_store::on_each_backend!(webhooks_are_signed_and_retried_with_backoff_after_a_500);

async fn three_scheduler_instances_deliver_each_alert_exactly_once() {
    for db in TestDb::all().await.unwrap() {
        // Three instances: three connection pools on the same database, stepping concurrently.
        let stores = [
            Store::connect(&db.url).await.unwrap(),
            Store::connect(&db.url).await.unwrap(),
            Store::connect(&db.url).await.unwrap(),
        ];
        let org = stores[0].ensure_organisation("acme", "Acme").await.unwrap();
        let actor = Actor::new(org, "maria@example.com");
        for (i, eff) in [
            "2025-03-01",
            "2025-03-15",
            "2025-04-01",
            "2025-04-10",
            "2025-04-20",
            "2025-05-01",
        ]
        .iter()
        .enumerate()
        {
            seed(&stores[0], &actor, &format!("Partner {i}"), eff).await;
        }
        let rx = WebhookReceiver::start().await;
        let (_, secret) = stores[0]
            .create_webhook(&actor, &rx.url, None)
            .await
            .unwrap();
        rx.set_secret(&secret);
        let schedulers: Vec<Scheduler> = stores
            .iter()
            .enumerate()
            .map(|(i, s)| Scheduler::new(s.clone(), settings(&format!("instance-{i}"))).unwrap())
            .collect();
        let now = at("2026-12-20T09:00:00Z");
        let (a, b, c) = tokio::join!(
            run_until_idle(&schedulers[0], now),
            run_until_idle(&schedulers[1], now),
            run_until_idle(&schedulers[2], now),
        );
        let alerts = stores[0].list_alerts(&actor, 5000).await.unwrap();
        assert!(
            alerts.len() >= 10,
            "enough alerts to contend for: {}",
            alerts.len()
        );
        let got = rx.accepted();
        let mut per_alert: BTreeMap<String, usize> = BTreeMap::new();
        for r in &got {
            *per_alert
                .entry(r.body["alert_id"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        let ids: BTreeSet<_> = alerts.iter().map(|a| a.id.clone()).collect();
        assert_eq!(
            per_alert.keys().cloned().collect::<BTreeSet<_>>(),
            ids,
            "every alert delivered ({:?})",
            db.backend()
        );
        assert!(
            per_alert.values().all(|n| *n == 1),
            "no alert delivered twice: {per_alert:?}"
        );
        assert_eq!(rx.bad_signatures(), 0);
        // All three instances took part.
        let log = stores[0].list_deliveries(&actor, None, 5000).await.unwrap();
        let instances: BTreeSet<_> = log
            .iter()
            .flat_map(|d| d.log.iter().map(|a| a.instance.clone()))
            .collect();
        eprintln!(
            "{:?}: {} alerts, steps {a}/{b}/{c}, instances {instances:?}",
            db.backend(),
            alerts.len()
        );
        assert!(instances.len() >= 2, "work was shared: {instances:?}");
        for s in &stores {
            s.close().await;
        }
    }
}

entente_store::on_each_backend!(three_scheduler_instances_deliver_each_alert_exactly_once);

async fn key_dates_occurrences_and_measurements_over_http() {
    for app in spawn_apps().await {
        let (status, a) = app
            .post_agreement(json!({
                "title": "Northwind–Globex Integration", "status": "active", "owner": "maria@example.com",
                "parties": [{"legal_name": "Northwind Systems, Inc.", "role": "partner"}, {"legal_name": "Globex GmbH", "role": "partner"}],
                "terms": {"effective_date": "2025-06-01", "initial_term": "P2Y", "auto_renewal": true, "notice_period_non_renewal": "P90D"}
            }))
            .await;
        assert_eq!(status, 201, "{a}");
        let id = a["id"].as_str().unwrap();
        let (status, dates) = app
            .get(&format!("/api/agreements/{id}/dates?today=2026-11-22"))
            .await;
        assert_eq!(status, 200, "{dates}");
        let notice = dates["key_dates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kind"] == "non_renewal_notice_deadline")
            .unwrap();
        assert_eq!(notice["date"], "2027-03-03");
        assert_eq!(
            notice["derivation"],
            "renewal on 2027-06-01 minus 90 days' written notice"
        );
        let (status, p) = app
            .get(&format!("/api/agreements/{id}/dates?today=2026-02-30"))
            .await;
        assert_eq!(
            (status, p["errors"][0]["field"].as_str()),
            (422, Some("today"))
        );

        let (status, ob) = app
            .post(
                &format!("/api/agreements/{id}/obligations"),
                json!({
                    "obligor": "Northwind", "text": "Maintain 99.9% monthly availability",
                    "due": {"kind": "recurring", "frequency": "monthly", "offset": null},
                    "metric": {"comparator": ">=", "value": "99.9", "unit": "%"}
                }),
            )
            .await;
        assert_eq!(status, 201, "{ob}");
        let oid = ob["id"].as_str().unwrap();
        let (status, occ) = app
            .get(&format!(
                "/api/obligations/{oid}/occurrences?from=2026-01-01&until=2026-03-31"
            ))
            .await;
        assert_eq!(status, 200);
        let dues: Vec<_> = occ
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["due"].as_str().unwrap().to_owned())
            .collect();
        // Calendar months: each due on its last day.
        assert_eq!(dues, ["2026-01-31", "2026-02-28", "2026-03-31"]);
        let (status, done) = app
            .send(
                reqwest::Method::PUT,
                &format!("/api/obligations/{oid}/occurrences/2026-02-28"),
                json!({"status": "done", "note": "report filed"}),
            )
            .await;
        assert_eq!(
            (status, done["status"].as_str()),
            (200, Some("done")),
            "{done}"
        );
        for (body, field) in [
            (json!({"status": "waived"}), "reason"),
            (json!({"status": "overdue"}), "status"),
        ] {
            let (status, p) = app
                .send(
                    reqwest::Method::PUT,
                    &format!("/api/obligations/{oid}/occurrences/2026-02-28"),
                    body,
                )
                .await;
            assert_eq!(
                (status, p["errors"][0]["field"].as_str()),
                (422, Some(field)),
                "{p}"
            );
        }
        let (status, p) = app
            .send(
                reqwest::Method::PUT,
                &format!("/api/obligations/{oid}/occurrences/2026-02-02"),
                json!({"status": "done"}),
            )
            .await;
        assert_eq!(
            (status, p["errors"][0]["field"].as_str()),
            (422, Some("due"))
        );

        let (status, m) = app
            .post(
                &format!("/api/obligations/{oid}/measurements"),
                json!({"measured_on": "2026-10-31", "value": "99.2"}),
            )
            .await;
        assert_eq!(status, 201, "{m}");
        assert_eq!(m["judgement"]["breach"], true);
        let before = app.footprint().await;
        for (body, field) in [
            (
                json!({"measured_on": "2026-11-31", "value": "99.9"}),
                "measured_on",
            ),
            (
                json!({"measured_on": "2026-11-30", "value": "high"}),
                "value",
            ),
            (
                json!({"measured_on": "2026-11-30", "value": "3", "unit": "hours"}),
                "unit",
            ),
        ] {
            let (status, p) = app
                .post(&format!("/api/obligations/{oid}/measurements"), body)
                .await;
            assert_eq!(
                (status, p["errors"][0]["field"].as_str()),
                (422, Some(field)),
                "{p}"
            );
        }
        assert_eq!(
            app.footprint().await,
            before,
            "rejected input changed nothing"
        );
        let (_, breaches) = app.get("/api/breaches").await;
        assert_eq!(breaches.as_array().unwrap().len(), 1);
        let (status, p) = app
            .post("/api/webhooks", json!({"url": "ftp://example.com"}))
            .await;
        assert_eq!(
            (status, p["errors"][0]["field"].as_str()),
            (422, Some("url"))
        );
        // Webhooks go to public HTTPS addresses only: never the server's own network.
        for (url, why) in [
            ("http://93.184.216.34/hook", "https://"),
            ("https://127.0.0.1:8443/hook", "loopback"),
            ("https://localhost/hook", "this machine"),
            ("https://10.0.0.7/hook", "private"),
            ("https://192.168.0.2/hook", "private"),
            ("https://169.254.169.254/latest/meta-data/", "link-local"),
            ("https://[::1]/hook", "loopback"),
        ] {
            let (status, p) = app.post("/api/webhooks", json!({ "url": url })).await;
            assert_eq!(status, 422, "{url}: {p}");
            assert_eq!(p["errors"][0]["field"], "url", "{p}");
            assert!(
                p["errors"][0]["message"].as_str().unwrap().contains(why),
                "{url}: {p}"
            );
        }
        let (status, first) = app
            .post(
                "/api/webhooks",
                json!({"url": "https://93.184.216.34/hook"}),
            )
            .await;
        assert_eq!(status, 201, "{first}");
        let (status, dup) = app
            .post(
                "/api/webhooks",
                json!({"url": "https://93.184.216.34/hook"}),
            )
            .await;
        assert_eq!(status, 409, "a duplicate is refused: {dup}");
        let (status, _) = app
            .send(
                reqwest::Method::DELETE,
                &format!("/api/webhooks/{}", first["id"].as_str().unwrap()),
                json!({}),
            )
            .await;
        assert_eq!(status, 204);
        let (status, p) = app
            .send(
                reqwest::Method::PATCH,
                "/api/alert-settings",
                json!({"lead_days": [30, 1000]}),
            )
            .await;
        assert_eq!(
            (status, p["errors"][0]["field"].as_str()),
            (422, Some("lead_days[1]"))
        );
        let (status, s) = app
            .send(
                reqwest::Method::PATCH,
                "/api/alert-settings",
                json!({"lead_days": [60, 14], "time_zone": "Europe/Berlin"}),
            )
            .await;
        assert_eq!(
            (status, s["lead_days"].clone()),
            (200, json!([60, 14])),
            "{s}"
        );
        eprintln!("{}: key dates over HTTP ok", app.label);
    }
}

entente_store::on_each_backend!(key_dates_occurrences_and_measurements_over_http);
