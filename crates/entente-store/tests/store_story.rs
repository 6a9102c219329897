//! The store's story: every public method exercised in one realistic sequence, on SQLite and
//! (when ENTENTE_TEST_POSTGRES is set) on PostgreSQL.

use entente_domain::agreement::AgreementChange;
use entente_domain::agreement::AgreementDraft;
use entente_domain::clause::NewClause;
use entente_domain::document::MediaType;
use entente_domain::obligation::{DueRule, Event, NewObligation, ObligationStatus};
use entente_domain::party::AgreementPartyDraft;
use entente_domain::query::{AgreementQuery, AgreementQueryText};
use entente_domain::terms::{Evidence, LiabilityCap, TermField, TermValue, Terms};
use entente_domain::{AgreementStatus, Date, Money, Period};
use entente_store::testing::TestDb;
use entente_store::*;

fn party(name: &str, short: &str) -> AgreementPartyDraft {
    AgreementPartyDraft {
        legal_name: Some(name.into()),
        short_name: Some(short.into()),
        role: "partner".into(),
        ..Default::default()
    }
}

fn draft(title: &str, parties: Vec<AgreementPartyDraft>) -> AgreementDraft {
    AgreementDraft {
        title: title.into(),
        kind: Some("joint_development".into()),
        status: Some("active".into()),
        owner: Some("Maria.Lopez@example.com".into()),
        tags: vec!["emea".into()],
        parties,
    }
}

fn ev(clause: usize) -> Evidence {
    Evidence {
        clause: Some(clause),
        start: 0,
        end: 10,
        confidence: 0.9,
    }
}

fn analysis() -> VersionAnalysis {
    VersionAnalysis {
        clauses: vec![
            NewClause { number: Some("1".into()), heading: Some("Term".into()), text: "This Agreement renews automatically for successive one-year terms unless either party gives ninety days notice.".into(), start: 0, end: 100, categories: vec!["term".into(), "renewal".into()], confidence: 0.9 },
            NewClause { number: Some("2".into()), heading: Some("Liability".into()), text: "Liability of either party is unlimited for breaches of confidentiality.".into(), start: 100, end: 170, categories: vec!["uncapped_liability".into()], confidence: 0.8 },
        ],
        terms: vec![
            (TermField::EffectiveDate, TermValue::Date(Date::parse("2025-06-01").unwrap()), ev(0)),
            (TermField::InitialTerm, TermValue::Period(Period::years(2).unwrap()), ev(0)),
            (TermField::AutoRenewal, TermValue::Bool(true), ev(0)),
            (TermField::NoticePeriodNonRenewal, TermValue::Period(Period::days(90).unwrap()), ev(0)),
            (TermField::GoverningLaw, TermValue::Text("New York".into()), ev(0)),
            (TermField::LiabilityCap, TermValue::Cap(LiabilityCap::Uncapped), ev(1)),
        ],
        obligations: vec![(
            NewObligation {
                obligor: "Northwind".into(),
                beneficiary: Some("Globex".into()),
                text: "deliver the integration plan within 30 days after the Effective Date".into(),
                due: DueRule::After { period: Period::days(30).unwrap(), event: Event::Effective },
                metric: None,
                status: None,
                owner: None,
                vague: false,
                survives: false,
            },
            ev(0),
        )],
    }
}

fn version(text: &str) -> NewVersion {
    NewVersion {
        filename: "nw-globex.md".into(),
        media_type: MediaType::Markdown,
        bytes: text.as_bytes().to_vec(),
        text: text.into(),
    }
}

async fn the_store_story_holds_on_every_backend() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("store story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(the_store_story_holds_on_every_backend);

async fn story(store: &Store) {
    let org = store
        .ensure_organisation("acme", "Acme Group")
        .await
        .unwrap();
    assert_eq!(
        store
            .ensure_organisation("acme", "Acme Group")
            .await
            .unwrap(),
        org,
        "ensure is idempotent"
    );
    let other = store.ensure_organisation("rival", "Rival").await.unwrap();
    let me = Actor::new(org, "maria.lopez@example.com");
    let them = Actor::new(other, "eve@rival.example");

    // Import: agreement + version + clauses + terms + obligations in one go.
    let new = draft(
        "Northwind–Globex Integration",
        vec![
            party("Northwind Systems, Inc.", "Northwind"),
            party("Globex GmbH", "Globex"),
        ],
    )
    .validate(Terms::default())
    .unwrap();
    let (id, v1) = store
        .import_agreement(&me, &new, &version("text one"), &analysis())
        .await
        .unwrap();
    let a = store.get_agreement(&me, id).await.unwrap();
    assert_eq!(a.parties.len(), 2);
    assert_eq!(a.parties[0].short_name.as_deref(), Some("Northwind"));
    assert_eq!(a.owner.as_deref(), Some("maria.lopez@example.com"));
    assert_eq!(
        a.terms.expiration(),
        Some(Date::parse("2027-06-01").unwrap())
    );
    assert_eq!(a.versions, 1);

    // Tenants are isolated.
    assert!(matches!(
        store.get_agreement(&them, id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        store
            .list_agreements(&them, &AgreementQuery::default(), Page::default())
            .await
            .unwrap()
            .1,
        0
    );
    assert!(
        store
            .search_clauses(
                &them,
                "confidentiality",
                Page {
                    limit: 10,
                    offset: 0
                }
            )
            .await
            .unwrap()
            .0
            .is_empty()
    );

    // A second agreement reuses the party by normalised name.
    let new2 = draft(
        "Globex Co-Marketing",
        vec![
            party("GLOBEX GmbH", "Globex"),
            party("Initech Ltd", "Initech"),
        ],
    )
    .validate(Terms::default())
    .unwrap();
    let id2 = store.create_agreement(&me, &new2).await.unwrap();
    let parties = store.list_parties(&me, Some("globex")).await.unwrap();
    assert_eq!(
        parties.len(),
        1,
        "one Globex party, shared by both agreements"
    );

    // Portfolio filters.
    let me2 = &me;
    let f = |f: AgreementQuery| async move {
        store
            .list_agreements(me2, &f, Page::default())
            .await
            .unwrap()
    };
    let today = Some("2027-04-01".to_owned());
    let (rows, total) = f(filter(AgreementQueryText {
        renewing_within_days: Some(90),
        today: today.as_deref(),
        ..Default::default()
    }))
    .await;
    assert_eq!((total, rows[0].id), (1, id));
    // The notice for the 2027-06-01 renewal was due 2027-03-03, before "today"; the next one is
    // for the renewal two years later (the renewal term is taken as the initial term):
    // 2029-03-03 is a Saturday, so the Friday before.
    assert_eq!(
        rows[0].notice_deadline,
        Some(Date::parse("2029-03-02").unwrap())
    );
    assert_eq!(
        f(filter(AgreementQueryText {
            renewing_within_days: Some(30),
            today: today.as_deref(),
            ..Default::default()
        }))
        .await
        .1,
        0
    );
    assert_eq!(
        f(filter(AgreementQueryText {
            liability_cap: vec!["uncapped"],
            ..Default::default()
        }))
        .await
        .1,
        1
    );
    assert_eq!(
        f(filter(AgreementQueryText {
            liability_cap: vec!["none"],
            ..Default::default()
        }))
        .await
        .1,
        1
    );
    // Several values of one filter match any of them.
    assert_eq!(
        f(filter(AgreementQueryText {
            liability_cap: vec!["uncapped", "none"],
            ..Default::default()
        }))
        .await
        .1,
        2
    );
    assert_eq!(
        f(filter(AgreementQueryText {
            party: Some("globex"),
            ..Default::default()
        }))
        .await
        .1,
        2
    );
    assert_eq!(
        f(filter(AgreementQueryText {
            party: Some("initech"),
            ..Default::default()
        }))
        .await
        .1,
        1
    );
    assert_eq!(
        f(filter(AgreementQueryText {
            governing_law: vec!["new york"],
            ..Default::default()
        }))
        .await
        .1,
        1
    );
    assert_eq!(
        f(filter(AgreementQueryText {
            tag: vec!["EMEA"],
            ..Default::default()
        }))
        .await
        .1,
        2
    );
    // A bad filter never reaches the store: the typed query refuses it, naming the field.
    let bad = AgreementQuery::try_from(AgreementQueryText {
        status: vec!["alive"],
        ..Default::default()
    });
    assert!(matches!(bad, Err(ref e) if e.0[0].field == "status"));
    let (page, total) = store
        .list_agreements(
            &me,
            &AgreementQuery::default(),
            Page {
                limit: 1,
                offset: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!((page.len(), total), (1, 2));

    // A person's correction survives re-analysis of a new version.
    store
        .set_term(
            &me,
            id,
            TermField::GoverningLaw,
            TermValue::Text("Delaware".into()),
            Some("per side letter".into()),
        )
        .await
        .unwrap();
    let mut second = analysis();
    second.terms.push((
        TermField::ContractValue,
        TermValue::Money(Money::parse("250000", "EUR").unwrap()),
        ev(0),
    ));
    let (v2, _) = store
        .add_version(&me, id, &version("text two"), &second)
        .await
        .unwrap();
    let a = store.get_agreement(&me, id).await.unwrap();
    assert_eq!(
        a.terms.get(TermField::GoverningLaw),
        Some(&TermValue::Text("Delaware".into()))
    );
    assert!(a.terms.get(TermField::ContractValue).is_some());
    let versions = store.list_versions(&me, id).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.number).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(versions[0].id, v1);
    let (name, media, bytes) = store.version_content(&me, v2).await.unwrap();
    assert_eq!(
        (name.as_str(), media, bytes.as_slice()),
        ("nw-globex.md", MediaType::Markdown, b"text two".as_slice())
    );
    assert_eq!(store.version_text(&me, v1).await.unwrap(), "text one");
    assert!(store.version_content(&them, v2).await.is_err());
    store
        .clear_term(&me, id, TermField::ContractValue)
        .await
        .unwrap();
    assert!(
        store
            .get_agreement(&me, id)
            .await
            .unwrap()
            .terms
            .get(TermField::ContractValue)
            .is_none()
    );

    // Clauses and full-text search (stemming: "renewal" finds "renews").
    let clauses = store.list_clauses(&me, id, None).await.unwrap();
    assert_eq!(clauses.len(), 2);
    assert_eq!(clauses[0].version_id, v2);
    assert_eq!(clauses[1].categories, ["uncapped_liability"]);
    let hits = store
        .search_clauses(
            &me,
            "renews automatically",
            Page {
                limit: 10,
                offset: 0,
            },
        )
        .await
        .unwrap()
        .0;
    assert!(!hits.is_empty() && hits.iter().all(|h| h.agreement_id == id));
    assert!(
        hits[0].snippet.contains('['),
        "snippet marks hits: {}",
        hits[0].snippet
    );
    assert!(
        store
            .search_clauses(
                &me,
                "  \"* ",
                Page {
                    limit: 10,
                    offset: 0
                }
            )
            .await
            .is_err(),
        "a query with no words is rejected"
    );
    assert!(
        store
            .search_clauses(
                &me,
                "zebra",
                Page {
                    limit: 10,
                    offset: 0
                }
            )
            .await
            .unwrap()
            .0
            .is_empty()
    );

    // Obligations: one from import (not duplicated by the second version), one by hand.
    let obs = store
        .list_obligations(&me, &entente_domain::query::ObligationQuery::default())
        .await
        .unwrap();
    assert_eq!(obs.len(), 1);
    assert_eq!(obs[0].due_date, Some(Date::parse("2025-07-01").unwrap()));
    let overdue = entente_domain::query::ObligationQuery {
        overdue: true,
        today: Some(entente_domain::Date::parse("2025-08-01").unwrap()),
        ..Default::default()
    };
    assert_eq!(
        store.list_obligations(&me, &overdue).await.unwrap().len(),
        1
    );
    let manual = NewObligation {
        obligor: "Globex".into(),
        beneficiary: None,
        text: "send quarterly pipeline report".into(),
        due: DueRule::On {
            date: Date::parse("2026-01-15").unwrap(),
        },
        metric: None,
        status: None,
        owner: Some("ops@example.com".into()),
        vague: false,
        survives: false,
    };
    let o = store.create_obligation(&me, id2, &manual).await.unwrap();
    assert_eq!(o.due_date, Some(Date::parse("2026-01-15").unwrap()));
    let done = store
        .update_obligation(
            &me,
            o.id,
            &ObligationPatch {
                status: Some("done".into()),
                note: Some("sent".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(done.status, ObligationStatus::Done);
    let illegal = store
        .update_obligation(
            &me,
            o.id,
            &ObligationPatch {
                status: Some("waived".into()),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(illegal, Err(StoreError::Invalid(_))));
    assert!(store.get_obligation(&them, o.id).await.is_err());
    store.delete_obligation(&me, o.id).await.unwrap();
    assert!(store.get_obligation(&me, o.id).await.is_err());

    // Lifecycle.
    assert!(matches!(
        store
            .transition_agreement(&me, id, AgreementStatus::Draft, None)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        store
            .transition_agreement(&me, id, AgreementStatus::TerminationNotice, Some("exit"))
            .await
            .unwrap(),
        AgreementStatus::TerminationNotice
    );
    store
        .update_agreement(
            &me,
            id2,
            &AgreementChange::from_text(
                Some("Globex Co-Marketing 2026"),
                None,
                None,
                Some(&["b".into(), "a".into()]),
                None,
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let a2 = store.get_agreement(&me, id2).await.unwrap();
    assert_eq!(
        (a2.title.as_str(), a2.tags.clone()),
        (
            "Globex Co-Marketing 2026",
            vec!["a".to_owned(), "b".to_owned()]
        )
    );
    let bad = AgreementChange::from_text(Some(""), None, None, None, None);
    assert!(matches!(bad, Err(ref e) if e.0[0].field == "title"));
    let p = store.get_party(&me, a2.parties[1].party_id).await.unwrap();
    let p2 = store
        .update_party(
            &me,
            p.id,
            &PartyPatch {
                jurisdiction: Some("England and Wales".into()),
                identifiers: Some(vec!["companies-house:01234567".into()]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(p2.jurisdiction.as_deref(), Some("England and Wales"));
    assert!(
        store
            .update_party(
                &me,
                p.id,
                &PartyPatch {
                    identifiers: Some(vec!["nocolon".into()]),
                    ..Default::default()
                }
            )
            .await
            .is_err()
    );

    // Delete, then the audit chain of both tenants verifies and tells the story.
    store
        .delete_agreement(
            &me,
            id2,
            Some("retention rule 4.1: ten years after closing"),
        )
        .await
        .unwrap();
    assert_eq!(store.count_agreements(&me).await.unwrap(), 1);
    assert!(
        store
            .search_clauses(
                &me,
                "renews",
                Page {
                    limit: 10,
                    offset: 0
                }
            )
            .await
            .unwrap()
            .0
            .iter()
            .all(|h| h.agreement_id == id)
    );
    assert_eq!(store.verify_audit(org).await.unwrap(), None);
    assert_eq!(store.verify_audit(other).await.unwrap(), None);
    let actions: Vec<String> = store
        .list_audit(&me, Some(id))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(&actions[..2], ["agreement.create", "version.add"]);
    assert!(
        actions.contains(&"term.set".to_owned())
            && actions.contains(&"agreement.transition".to_owned())
    );
    assert_eq!(store.organisations().await.unwrap().len(), 2);
    store.ping().await.unwrap();
}

async fn tampering_with_an_audit_row_is_detected_on_every_backend() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "a@example.com");
        for t in ["One", "Two", "Three"] {
            let d = draft(t, vec![party("A Corp", "A"), party("B Corp", "B")])
                .validate(Terms::default())
                .unwrap();
            store.create_agreement(&me, &d).await.unwrap();
        }
        assert_eq!(store.verify_audit(org).await.unwrap(), None);
        sqlx::query(
            "update audit_event set actor = 'mallory' where organisation_id = $1 and seq = 4",
        )
        .bind(org.to_string())
        .execute(store.pool())
        .await
        .unwrap();
        let broken = store
            .verify_audit(org)
            .await
            .unwrap()
            .expect("tampering must be detected");
        assert_eq!(broken.seq, 4, "{:?}: {}", db.backend(), broken.reason);

        sqlx::query("delete from audit_event where organisation_id = $1 and seq = (select max(seq) from audit_event where organisation_id = $1)")
            .bind(org.to_string())
            .execute(store.pool())
            .await
            .unwrap();
        assert!(store.verify_audit(org).await.unwrap().is_some());
    }
}

entente_store::on_each_backend!(tampering_with_an_audit_row_is_detected_on_every_backend);

async fn a_failed_import_writes_nothing() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        let org = store.ensure_organisation("acme", "Acme").await.unwrap();
        let me = Actor::new(org, "a@example.com");
        let before = store.list_audit(&me, None).await.unwrap().len();
        let d = draft("Bad", vec![party("A Corp", "A"), party("B Corp", "B")])
            .validate(Terms::default())
            .unwrap();
        let mut a = analysis();
        // An obligation with empty text fails validation after the agreement row was inserted.
        a.obligations[0].0.text = "  ".into();
        let r = store.import_agreement(&me, &d, &version("x"), &a).await;
        assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
        assert_eq!(store.count_agreements(&me).await.unwrap(), 0);
        assert!(store.list_parties(&me, None).await.unwrap().is_empty());
        assert_eq!(store.list_audit(&me, None).await.unwrap().len(), before);
        assert_eq!(store.verify_audit(org).await.unwrap(), None);
    }
}

entente_store::on_each_backend!(a_failed_import_writes_nothing);

/// A listing query from its text form, as an edge would check it.
fn filter(t: AgreementQueryText<'_>) -> AgreementQuery {
    AgreementQuery::try_from(t).expect("a valid query")
}
