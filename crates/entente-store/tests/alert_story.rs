//! Key dates, occurrences, measurements, alerts, the outbox and calendar feeds, told as one
//! story on SQLite and (with ENTENTE_TEST_POSTGRES) PostgreSQL.

use entente_domain::agreement::AgreementDraft;
use entente_domain::alerting::AlertSettingsPatch;
use entente_domain::measurement::MeasurementInput;
use entente_domain::obligation::{
    Comparator, DueRule, Event, Frequency, Metric, NewObligation, ObligationStatus,
};
use entente_domain::occurrence::OccurrenceUpdate;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{Date, Period, Timestamp};
use entente_store::testing::TestDb;
use entente_store::*;
use std::time::Duration;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn party(name: &str) -> AgreementPartyDraft {
    AgreementPartyDraft {
        legal_name: Some(name.into()),
        role: "partner".into(),
        ..Default::default()
    }
}

async fn agreement(store: &Store, me: &Actor) -> entente_domain::AgreementId {
    let mut terms = Terms::default();
    let t0 = at("2025-01-01T00:00:00Z");
    for (f, v) in [
        (TermField::EffectiveDate, TermValue::Date(d("2025-06-01"))),
        (
            TermField::InitialTerm,
            TermValue::Period(Period::years(2).unwrap()),
        ),
        (TermField::AutoRenewal, TermValue::Bool(true)),
        (
            TermField::RenewalTerm,
            TermValue::Period(Period::years(1).unwrap()),
        ),
        (
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days(90).unwrap()),
        ),
    ] {
        terms.set_user(f, v, "maria@example.com", t0, None);
    }
    let new = AgreementDraft {
        title: "Northwind–Globex Integration".into(),
        status: Some("active".into()),
        owner: Some("maria@example.com".into()),
        parties: vec![party("Northwind Systems, Inc."), party("Globex GmbH")],
        ..Default::default()
    }
    .validate(terms)
    .unwrap();
    store.create_agreement(me, &new).await.unwrap()
}

fn obligation(text: &str, due: DueRule, metric: Option<Metric>) -> NewObligation {
    NewObligation {
        obligor: "Northwind".into(),
        beneficiary: Some("Globex".into()),
        text: text.into(),
        due,
        metric,
        status: None,
        owner: Some("ops@example.com".into()),
        vague: false,
        survives: false,
    }
}

async fn key_dates_alerts_and_feeds_hold_on_every_backend() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("alert story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(key_dates_alerts_and_feeds_hold_on_every_backend);

async fn story(store: &Store) {
    // A fixed day: measurements dated after today are refused.
    store.clock().set(at("2026-12-03T08:00:00Z"));
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let rival = store.ensure_organisation("rival", "Rival").await.unwrap();
    let me = Actor::new(org, "maria@example.com");
    let them = Actor::new(rival, "eve@rival.example");
    let id = agreement(store, &me).await;
    let uptime = store
        .create_obligation(
            &me,
            id,
            &obligation(
                "Maintain 99.9% monthly availability",
                DueRule::recurring(Frequency::Monthly, None),
                Some(Metric {
                    comparator: Comparator::AtLeast,
                    value: "99.9".parse().unwrap(),
                    unit: "%".into(),
                }),
            ),
        )
        .await
        .unwrap();
    let plan = store
        .create_obligation(
            &me,
            id,
            &obligation(
                "Deliver the integration plan",
                DueRule::After {
                    period: Period::days(30).unwrap(),
                    event: Event::Effective,
                },
                None,
            ),
        )
        .await
        .unwrap();
    store
        .add_watcher(&me, id, "Legal@Example.com")
        .await
        .unwrap();
    assert_eq!(
        store.list_watchers(&me, id).await.unwrap(),
        ["legal@example.com"]
    );
    assert!(store.add_watcher(&me, id, "not-an-email").await.is_err());

    // Key dates, computed live: the notice deadline with its derivation.
    let dates = store
        .agreement_dates(&me, id, Some(d("2026-11-22")), None, None)
        .await
        .unwrap();
    let notice = dates
        .key_dates
        .iter()
        .find(|k| k.key == "notice:1")
        .expect("a notice deadline");
    assert_eq!(
        notice.line(),
        "2027-03-03: last day to give notice of non-renewal = renewal on 2027-06-01 minus 90 days' written notice (notice period entered by maria@example.com)"
    );
    assert!(
        dates
            .occurrences
            .iter()
            .any(|o| o.obligation_id == uptime.id)
    );

    // Materialised deadlines; a second refresh has nothing stale.
    let now = at("2026-12-03T08:00:00Z"); // 90 days before the notice deadline
    assert!(store.refresh_deadlines(now, 100).await.unwrap() >= 1);
    assert_eq!(store.refresh_deadlines(now, 100).await.unwrap(), 0);
    let f = entente_domain::query::DeadlineQuery {
        within_days: Some(entente_domain::query::DayWindow::at_most(120)),
        today: Some(entente_domain::Date::parse("2026-12-03").unwrap()),
        ..Default::default()
    };
    let upcoming = store.list_deadlines(&me, &f).await.unwrap();
    assert!(
        upcoming
            .iter()
            .any(|x| x.kind == "non_renewal_notice_deadline" && x.due_date == d("2027-03-03"))
    );
    assert!(
        store.list_deadlines(&them, &f).await.unwrap().is_empty(),
        "tenants are isolated"
    );
    let overdue = store
        .list_deadlines(
            &me,
            &entente_domain::query::DeadlineQuery {
                overdue: true,
                today: Some(entente_domain::Date::parse("2026-12-03").unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        overdue
            .iter()
            .all(|x| x.status == Some(ObligationStatus::Overdue))
    );
    assert!(
        overdue.iter().any(|x| x.obligation_id == Some(uptime.id)),
        "monthly occurrences are overdue"
    );
    assert!(overdue.iter().any(|x| x.obligation_id == Some(plan.id)));
    let person = entente_domain::query::DeadlineQuery {
        person: Some("legal@example.com".into()),
        today: Some(entente_domain::Date::parse("2026-12-03").unwrap()),
        ..Default::default()
    };
    assert!(
        !store.list_deadlines(&me, &person).await.unwrap().is_empty(),
        "watchers see the agreement's deadlines"
    );

    // Occurrence status: done with a note; the date must be a real occurrence; waivers need a reason.
    let done = store
        .record_occurrence(
            &me,
            plan.id,
            d("2025-07-01"),
            &OccurrenceUpdate {
                status: "done".into(),
                note: Some("plan signed off".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(done.status, ObligationStatus::Done);
    assert_eq!(
        store.get_obligation(&me, plan.id).await.unwrap().status,
        ObligationStatus::Done,
        "a one-off duty follows its occurrence"
    );
    let bad = store
        .record_occurrence(
            &me,
            plan.id,
            d("2025-07-02"),
            &OccurrenceUpdate {
                status: "done".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&bad, StoreError::Invalid(e) if e.0[0].field == "due"),
        "{bad}"
    );
    let no_reason = store
        .record_occurrence(
            &me,
            uptime.id,
            d("2026-10-31"),
            &OccurrenceUpdate {
                status: "waived".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(&no_reason, StoreError::Invalid(e) if e.0[0].field == "reason"));
    let ev = store
        .attach_evidence(
            &me,
            uptime.id,
            d("2026-10-31"),
            "uptime-oct.pdf",
            "application/pdf",
            b"%PDF-1.4 report",
        )
        .await
        .unwrap();
    assert_eq!(
        store.evidence_content(&me, &ev.id).await.unwrap().2,
        b"%PDF-1.4 report"
    );
    assert!(store.evidence_content(&them, &ev.id).await.is_err());
    let occ = store
        .list_occurrences(&me, uptime.id, d("2026-10-31"), d("2026-10-31"))
        .await
        .unwrap();
    assert_eq!(occ[0].evidence.len(), 1);

    // Webhooks: bad URLs are refused and change nothing.
    let before = store.list_audit(&me, None).await.unwrap().len();
    let e = store
        .create_webhook(&me, "ftp://nope", None)
        .await
        .unwrap_err();
    assert!(matches!(&e, StoreError::Invalid(v) if v.0[0].field == "url"));
    assert_eq!(store.list_audit(&me, None).await.unwrap().len(), before);
    let (hook, secret) = store
        .create_webhook(&me, "http://127.0.0.1:9/hook", Some("ops"))
        .await
        .unwrap();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(store.list_webhooks(&me).await.unwrap().len(), 1);
    assert!(store.list_webhooks(&them).await.unwrap().is_empty());

    // Alerts: a dry run writes nothing; raising is idempotent.
    let dry = store.raise_alerts(now, true).await.unwrap();
    let notice_alert = dry
        .iter()
        .find(|a| a.key.contains("kd:notice:1"))
        .expect("notice alert planned");
    assert_eq!(notice_alert.lead_days, Some(90));
    assert_eq!(
        notice_alert.recipients,
        ["legal@example.com", "maria@example.com"]
    );
    assert!(
        store.list_alerts(&me, 100).await.unwrap().is_empty(),
        "dry run wrote nothing"
    );
    let raised = store.raise_alerts(now, false).await.unwrap();
    assert!(raised.iter().all(|a| !a.already_raised));
    let again = store.raise_alerts(now, false).await.unwrap();
    assert_eq!(again.len(), raised.len());
    assert!(
        again.iter().all(|a| a.already_raised),
        "each alert is raised once"
    );
    assert!(
        raised
            .iter()
            .any(|a| a.kind == AlertKind::Overdue && a.obligation_id == Some(uptime.id))
    );
    let inbox = store.inbox(&me, "legal@example.com", true).await.unwrap();
    assert!(
        inbox.iter().any(|i| i
            .title
            .starts_with("Last day to give notice of non-renewal in 90 days (2027-03-03)")),
        "{inbox:?}"
    );
    // Another person cannot mark it read: for them it does not exist, and it stays unread.
    let e = store
        .mark_inbox_read(&me, &inbox[0].id, Some("someone.else@example.com"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
    assert_eq!(
        store
            .inbox(&me, "legal@example.com", true)
            .await
            .unwrap()
            .len(),
        inbox.len()
    );
    store
        .mark_inbox_read(&me, &inbox[0].id, Some("Legal@Example.com"))
        .await
        .unwrap();
    assert_eq!(
        store
            .inbox(&me, "legal@example.com", true)
            .await
            .unwrap()
            .len(),
        inbox.len() - 1
    );

    // The outbox: one instance's claim excludes the other until completed or the lease ends.
    let lease = Duration::from_secs(60);
    let a = store.claim_deliveries("a", now, lease, 1000).await.unwrap();
    assert!(a.iter().any(|c| c.channel == "webhook"
        && c.webhook.as_ref().map(|w| w.1.as_str()) == Some(secret.as_str())));
    assert!(
        a.iter()
            .any(|c| c.channel == "email" && c.target == "maria@example.com")
    );
    assert!(
        store
            .claim_deliveries("b", now, lease, 1000)
            .await
            .unwrap()
            .is_empty()
    );
    let policy = RetryPolicy {
        base: Duration::from_secs(10),
        max: Duration::from_secs(3600),
        max_attempts: 2,
    };
    let hook_delivery = a.iter().find(|c| c.channel == "webhook").unwrap().clone();
    for c in &a {
        let outcome = if c.delivery_id == hook_delivery.delivery_id {
            DeliveryOutcome::Failed {
                http_status: Some(500),
                error: "HTTP 500".into(),
                permanent: false,
            }
        } else {
            DeliveryOutcome::Sent { http_status: None }
        };
        assert!(
            store
                .complete_delivery(c, "a", now, Duration::from_millis(5), &outcome, &policy)
                .await
                .unwrap()
        );
    }
    // Not yet due again (backoff 10 s); due after it; a second failure gives up.
    assert!(
        store
            .claim_deliveries("b", now, lease, 1000)
            .await
            .unwrap()
            .is_empty()
    );
    let later = at("2026-12-03T08:00:11Z");
    let retry = store
        .claim_deliveries("b", later, lease, 1000)
        .await
        .unwrap();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].attempt, 2);
    assert!(
        !store
            .complete_delivery(
                &retry[0],
                "a",
                later,
                Duration::ZERO,
                &DeliveryOutcome::Sent {
                    http_status: Some(200)
                },
                &policy
            )
            .await
            .unwrap(),
        "only the claimant completes"
    );
    store
        .complete_delivery(
            &retry[0],
            "b",
            later,
            Duration::ZERO,
            &DeliveryOutcome::Failed {
                http_status: Some(500),
                error: "HTTP 500".into(),
                permanent: false,
            },
            &policy,
        )
        .await
        .unwrap();
    let log = store
        .list_deliveries(&me, Some(&hook.id), 100)
        .await
        .unwrap();
    let row = log
        .iter()
        .find(|r| r.id == hook_delivery.delivery_id)
        .unwrap();
    assert_eq!(row.status, "dead");
    // The log keeps every attempt that happened, including the stale claimant's late report.
    let log: Vec<_> = row
        .log
        .iter()
        .map(|l| (l.attempt, l.instance.as_str(), l.outcome.as_str()))
        .collect();
    assert_eq!(
        log,
        [(1, "a", "failed"), (2, "a", "sent"), (2, "b", "failed")]
    );
    // A crashed claimant's lease expires and another instance takes over.
    store
        .raise_alerts(at("2026-12-04T08:00:00Z"), false)
        .await
        .unwrap();
    let crashed = store
        .claim_deliveries("c", at("2026-12-04T08:00:00Z"), lease, 1)
        .await
        .unwrap();
    assert_eq!(crashed.len(), 1);
    let taken = store
        .claim_deliveries("d", at("2026-12-04T08:01:01Z"), lease, 1000)
        .await
        .unwrap();
    assert!(
        taken
            .iter()
            .any(|t| t.delivery_id == crashed[0].delivery_id),
        "the expired lease is retaken"
    );

    // Measurements: a breach is a finding and an alert; bad input names the field.
    let ok = store
        .record_measurement(
            &me,
            uptime.id,
            &MeasurementInput {
                measured_on: "2026-10-31".into(),
                value: serde_json::json!("99.95"),
                ..Default::default()
            },
            "api",
        )
        .await
        .unwrap();
    assert!(!ok.judgement.breach && ok.alert_id.is_none());
    let breach = store
        .record_measurement(
            &me,
            uptime.id,
            &MeasurementInput {
                measured_on: "2026-11-30".into(),
                value: serde_json::json!(99.5),
                unit: Some("percent".into()),
                ..Default::default()
            },
            "api",
        )
        .await
        .unwrap();
    assert!(breach.judgement.breach && breach.alert_id.is_some());
    assert_eq!(store.list_breaches(&me).await.unwrap().len(), 1);
    let dup = store
        .record_measurement(
            &me,
            uptime.id,
            &MeasurementInput {
                measured_on: "2026-11-30".into(),
                value: serde_json::json!(99.99),
                ..Default::default()
            },
            "api",
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)));
    let unit = store
        .record_measurement(
            &me,
            uptime.id,
            &MeasurementInput {
                measured_on: "2026-11-15".into(),
                value: serde_json::json!(3),
                unit: Some("hours".into()),
                ..Default::default()
            },
            "api",
        )
        .await
        .unwrap_err();
    assert!(matches!(&unit, StoreError::Invalid(e) if e.0[0].field == "unit"));
    let no_metric = store
        .record_measurement(
            &me,
            plan.id,
            &MeasurementInput {
                measured_on: "2026-11-15".into(),
                value: serde_json::json!(3),
                ..Default::default()
            },
            "api",
        )
        .await
        .unwrap_err();
    assert!(matches!(&no_metric, StoreError::Invalid(e) if e.0[0].field == "obligation_id"));
    let csv = format!(
        "obligation_id,measured_on,value\n{},2026-08-31,99.91\n{},2026-09-30,99.92\n{},2026-10-31,oops\n",
        uptime.id, uptime.id, uptime.id
    );
    let e = store.import_measurements(&me, &csv).await.unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(v) if v.0[0].field == "row 4.value"),
        "{e}"
    );
    assert_eq!(
        store.list_measurements(&me, uptime.id).await.unwrap().len(),
        2,
        "nothing imported"
    );
    let csv = format!(
        "obligation_id,measured_on,value\n{},2026-08-31,99.91\n{},2026-09-30,99.92\n",
        uptime.id, uptime.id
    );
    assert_eq!(store.import_measurements(&me, &csv).await.unwrap().len(), 2);

    // A counterparty user of another party sees none of this agreement's alerts or deadlines.
    let outsider = Actor {
        visibility: Visibility::Party(entente_domain::PartyId::new()),
        ..me.clone()
    };
    assert!(!store.list_alerts(&me, 1000).await.unwrap().is_empty());
    assert!(store.list_alerts(&outsider, 1000).await.unwrap().is_empty());
    assert!(store.list_breaches(&outsider).await.unwrap().is_empty());
    assert!(
        store
            .list_deadlines(&outsider, &f)
            .await
            .unwrap()
            .is_empty()
    );

    // Calendar feeds: the token is the credential; rotation retires the old one. A person's
    // feed made by an administrator belongs to that person when they are a member.
    let role = entente_domain::access::Role::Legal;
    let legal = store
        .add_member(&me, "legal@example.com", "Legal", Some("x"), role, None)
        .await
        .unwrap();
    let admin_role = entente_domain::access::Role::Admin;
    let admin = store
        .add_member(
            &me,
            "admin@example.com",
            "Admin",
            Some("x"),
            admin_role,
            None,
        )
        .await
        .unwrap();
    let (feed, token) = store
        .create_feed(
            &me,
            admin,
            &FeedScope::User {
                email: "legal@example.com".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(feed.owner_id, Some(legal));
    let (f2, items) = store.feed_deadlines(&token).await.unwrap();
    assert_eq!(f2.id, feed.id);
    assert!(items.iter().any(|x| x.due_date == d("2027-03-03")));
    assert!(
        matches!(
            store
                .rotate_feed(&me, FeedAccess::Owner(admin), &feed.id)
                .await,
            Err(StoreError::NotFound { .. })
        ),
        "only its owner, or anyone with access to all feeds, rotates it"
    );
    let (_, rotated) = store
        .rotate_feed(&me, FeedAccess::Owner(legal), &feed.id)
        .await
        .unwrap();
    assert!(matches!(
        store.feed_deadlines(&token).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(store.feed_deadlines(&rotated).await.is_ok());
    assert!(
        store
            .rotate_feed(&them, FeedAccess::All, &feed.id)
            .await
            .is_err(),
        "another tenant cannot rotate it"
    );

    // Settings: validated; a new calendar marks deadlines stale.
    let e = store
        .update_alert_settings(
            &me,
            &AlertSettingsPatch {
                lead_days: Some(vec![-3]),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(&e, StoreError::Invalid(v) if v.0[0].field == "lead_days[0]"));
    let s = store
        .update_alert_settings(
            &me,
            &AlertSettingsPatch {
                calendar: Some("us-federal".into()),
                time_zone: Some("America/New_York".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(s.time_zone, "America/New_York");
    assert!(store.refresh_deadlines(now, 100).await.unwrap() >= 1);
    assert!(
        store.verify_audit(org).await.unwrap().is_none(),
        "the audit chain holds"
    );
}
