//! The review queue: extracted values below the tenant's confidence threshold are listed
//! until a person confirms or corrects them; a confirmed value survives re-analysis; told on
//! SQLite and (with ENTENTE_TEST_POSTGRES) PostgreSQL.

use entente_domain::agreement::AgreementDraft;
use entente_domain::document::MediaType;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::{Evidence, ReviewSettings, Source, TermField, TermValue, Terms};
use entente_domain::{Date, Period};
use entente_store::testing::TestDb;
use entente_store::*;

fn ev(confidence: f32) -> Evidence {
    Evidence {
        clause: None,
        start: 0,
        end: 10,
        confidence,
    }
}

fn analysis(notice_days: u32, notice_confidence: f32) -> VersionAnalysis {
    VersionAnalysis {
        clauses: Vec::new(),
        terms: vec![
            (
                TermField::EffectiveDate,
                TermValue::Date(Date::parse("2025-06-01").unwrap()),
                ev(0.85),
            ),
            (
                TermField::NoticePeriodNonRenewal,
                TermValue::Period(Period::days(notice_days).unwrap()),
                ev(notice_confidence),
            ),
            (
                TermField::GoverningLaw,
                TermValue::Text("New York".into()),
                ev(0.95),
            ),
        ],
        obligations: Vec::new(),
    }
}

fn version(text: &str) -> NewVersion {
    NewVersion {
        filename: "supply.txt".into(),
        media_type: MediaType::Text,
        bytes: text.as_bytes().to_vec(),
        text: text.into(),
    }
}

fn fields(q: &[entente_domain::terms::ReviewItem]) -> Vec<TermField> {
    q.iter().map(|i| i.field).collect()
}

async fn review_queue_story() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let other = store.ensure_organisation("rival", "Rival").await.unwrap();
        let me = Actor::new(org, "reviewer@example.com");
        let them = Actor::new(other, "eve@rival.example");
        let new = AgreementDraft {
            title: "Supply Agreement".into(),
            kind: None,
            status: Some("active".into()),
            owner: None,
            tags: Vec::new(),
            parties: vec![
                AgreementPartyDraft {
                    legal_name: Some("Acme Inc.".into()),
                    role: "buyer".into(),
                    ..Default::default()
                },
                AgreementPartyDraft {
                    legal_name: Some("Globex GmbH".into()),
                    role: "supplier".into(),
                    ..Default::default()
                },
            ],
        }
        .validate(Terms::default())
        .unwrap();
        let (id, _) = store
            .import_agreement(&me, &new, &version("one"), &analysis(90, 0.6))
            .await
            .unwrap();

        // Default threshold 0.9: the two values below it, least sure first.
        assert_eq!(
            store.review_settings(&me).await.unwrap(),
            ReviewSettings::default()
        );
        let q = store.review_queue(&me).await.unwrap();
        assert_eq!(
            fields(&q),
            [TermField::NoticePeriodNonRenewal, TermField::EffectiveDate]
        );
        assert_eq!(q[0].agreement_id, id);
        assert_eq!(q[0].agreement_title, "Supply Agreement");
        assert!((q[0].confidence - 0.6).abs() < 1e-6);
        assert!(matches!(q[0].source, Source::Extracted { .. }));
        assert!(
            store.review_queue(&them).await.unwrap().is_empty(),
            "tenant-scoped"
        );

        // The threshold is the tenant's; a bad one is refused by name.
        store
            .set_review_settings(&me, &ReviewSettings { threshold: 0.7 })
            .await
            .unwrap();
        assert_eq!(
            fields(&store.review_queue(&me).await.unwrap()),
            [TermField::NoticePeriodNonRenewal]
        );
        let err = store
            .set_review_settings(&me, &ReviewSettings { threshold: 1.5 })
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("threshold"), "{err}");
        assert_eq!(store.review_settings(&them).await.unwrap().threshold, 0.9);

        // Confirming makes the value the reviewer's and takes it off the queue.
        store
            .confirm_term(&me, id, TermField::NoticePeriodNonRenewal, None)
            .await
            .unwrap();
        assert!(store.review_queue(&me).await.unwrap().is_empty());
        let a = store.get_agreement(&me, id).await.unwrap();
        match &a.terms.0[&TermField::NoticePeriodNonRenewal].source {
            Source::User { by, .. } => assert_eq!(by, "reviewer@example.com"),
            s => panic!("expected a person's value, got {s:?}"),
        }
        let audit = store.list_audit(&me, Some(id)).await.unwrap();
        let confirm = audit
            .iter()
            .find(|e| e.action == "term.confirm")
            .expect("confirmation audited");
        assert_eq!(confirm.actor, "reviewer@example.com");
        assert!(confirm.details.contains("0.6"), "{}", confirm.details);
        let again = store
            .confirm_term(&me, id, TermField::NoticePeriodNonRenewal, None)
            .await
            .unwrap_err();
        assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");
        assert!(matches!(
            store
                .confirm_term(&me, id, TermField::InitialTerm, None)
                .await
                .unwrap_err(),
            StoreError::NotFound { .. }
        ));

        // Correcting (a person's value) also takes a value off the queue.
        store
            .set_review_settings(&me, &ReviewSettings { threshold: 0.9 })
            .await
            .unwrap();
        assert_eq!(
            fields(&store.review_queue(&me).await.unwrap()),
            [TermField::EffectiveDate]
        );
        store
            .set_term(
                &me,
                id,
                TermField::EffectiveDate,
                TermValue::Date(Date::parse("2025-07-01").unwrap()),
                Some("per the signature page".into()),
            )
            .await
            .unwrap();
        assert!(store.review_queue(&me).await.unwrap().is_empty());

        // Re-analysis never overwrites a confirmed or corrected value.
        store
            .add_version(&me, id, &version("two"), &analysis(30, 0.5))
            .await
            .unwrap();
        let a = store.get_agreement(&me, id).await.unwrap();
        assert_eq!(
            a.terms.period(TermField::NoticePeriodNonRenewal),
            Some(Period::days(90).unwrap())
        );
        assert_eq!(
            a.terms.date(TermField::EffectiveDate),
            Some(Date::parse("2025-07-01").unwrap())
        );
        // Where the new text contradicts a person's value, the conflict is up for review.
        let queue = store.review_queue(&me).await.unwrap();
        let conflicts: Vec<_> = queue
            .iter()
            .map(|i| {
                (
                    i.field,
                    i.conflict.as_ref().map(|c| c.value.clone()),
                    i.value.clone(),
                )
            })
            .collect();
        assert_eq!(
            conflicts,
            [
                (
                    TermField::EffectiveDate,
                    Some(TermValue::Date(Date::parse("2025-06-01").unwrap())),
                    TermValue::Date(Date::parse("2025-07-01").unwrap()),
                ),
                (
                    TermField::NoticePeriodNonRenewal,
                    Some(TermValue::Period(Period::days(30).unwrap())),
                    TermValue::Period(Period::days(90).unwrap()),
                ),
            ]
        );
        // Setting the term settles its conflict; so does keeping one's value.
        store
            .set_term(
                &me,
                id,
                TermField::EffectiveDate,
                TermValue::Date(Date::parse("2025-06-01").unwrap()),
                Some("the new text is right".into()),
            )
            .await
            .unwrap();
        store
            .confirm_term(&me, id, TermField::NoticePeriodNonRenewal, None)
            .await
            .unwrap();
        assert!(store.review_queue(&me).await.unwrap().is_empty());
        eprintln!("review story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(review_queue_story);
