//! Full-text search reads each agreement's current text only: an agreement whose two versions
//! both mention "heliotrope" is found once, in its second version; a total counts every hit
//! and `offset` pages through them. Told on SQLite and (with ENTENTE_TEST_POSTGRES) PostgreSQL.

use entente_domain::agreement::AgreementDraft;
use entente_domain::clause::NewClause;
use entente_domain::document::MediaType;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::Terms;
use entente_domain::{AgreementId, Timestamp};
use entente_store::testing::TestDb;
use entente_store::*;

fn clause(number: &str, text: &str) -> NewClause {
    NewClause {
        number: Some(number.into()),
        heading: None,
        text: text.into(),
        start: 0,
        end: text.len(),
        categories: Vec::new(),
        confidence: 0.9,
    }
}

fn version(name: &str, clauses: &[(&str, &str)]) -> (NewVersion, VersionAnalysis) {
    let text: Vec<&str> = clauses.iter().map(|(_, t)| *t).collect();
    (
        NewVersion {
            filename: format!("{name}.txt"),
            media_type: MediaType::Text,
            bytes: text.join("\n\n").into_bytes(),
            text: text.join("\n\n"),
        },
        VersionAnalysis {
            clauses: clauses.iter().map(|(n, t)| clause(n, t)).collect(),
            terms: Vec::new(),
            obligations: Vec::new(),
        },
    )
}

async fn import(store: &Store, me: &Actor, title: &str, clauses: &[(&str, &str)]) -> AgreementId {
    let new = AgreementDraft {
        title: title.into(),
        status: Some("active".into()),
        parties: ["Northwind Systems, Inc.", "Globex GmbH"]
            .iter()
            .map(|n| AgreementPartyDraft {
                legal_name: Some((*n).into()),
                role: "partner".into(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
    .validate(Terms::default())
    .unwrap();
    let (v, a) = version(title, clauses);
    store.import_agreement(me, &new, &v, &a).await.unwrap().0
}

fn page(limit: u32, offset: u32) -> Page {
    Page { limit, offset }
}

entente_store::on_each_backend!(search_finds_current_versions_once_with_a_total_and_offset);

async fn search_finds_current_versions_once_with_a_total_and_offset() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("search story passed on {:?}", db.backend());
    }
}

async fn story(store: &Store) {
    store
        .clock()
        .set(Timestamp::parse("2026-06-15T09:00:00Z").unwrap());
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let me = Actor::new(org, "maria@example.com");

    let twice = import(
        store,
        &me,
        "Heliotrope supply",
        &[
            ("1.", "Globex shall deliver heliotrope seed every spring."),
            ("2.", "This agreement is governed by Dutch law."),
        ],
    )
    .await;
    let (v2, a2) = version(
        "Heliotrope supply v2",
        &[
            (
                "1.",
                "Globex shall deliver heliotrope seed every spring and autumn.",
            ),
            ("2.", "This agreement is governed by Dutch law."),
        ],
    );
    store.add_version(&me, twice, &v2, &a2).await.unwrap();
    let once = import(
        store,
        &me,
        "Garden alliance",
        &[
            ("4.", "Northwind shall plant heliotrope along the drive."),
            ("5.", "Heliotrope cuttings remain Northwind's property."),
        ],
    )
    .await;

    let (hits, total) = store
        .search_clauses(&me, "heliotrope", page(10, 0))
        .await
        .unwrap();
    assert_eq!(total, 3, "{hits:?}");
    assert_eq!(hits.len(), 3);
    let of_twice: Vec<_> = hits.iter().filter(|h| h.agreement_id == twice).collect();
    assert_eq!(
        of_twice.len(),
        1,
        "found once, not once per version: {hits:?}"
    );
    assert_eq!(of_twice[0].version_number, 2);
    assert!(of_twice[0].snippet.contains("autumn"), "{:?}", of_twice[0]);
    assert_eq!(
        hits.iter().filter(|h| h.agreement_id == once).count(),
        2,
        "{hits:?}"
    );

    // Paging: the same total on every page, the pages together hold every hit once.
    let mut seen = Vec::new();
    for offset in 0..3 {
        let (hits, total) = store
            .search_clauses(&me, "heliotrope", page(1, offset))
            .await
            .unwrap();
        assert_eq!((hits.len(), total), (1, 3), "offset {offset}");
        seen.push(hits[0].clause_id);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3);
    let (hits, total) = store
        .search_clauses(&me, "heliotrope", page(10, 3))
        .await
        .unwrap();
    assert_eq!((hits.len(), total), (0, 3));

    // A word only the first version had is no longer found.
    let (hits, total) = store
        .search_clauses(&me, "autumn", page(10, 0))
        .await
        .unwrap();
    assert_eq!((hits.len(), total), (1, 1));
    let (hits, total) = store
        .search_clauses(&me, "drive", page(10, 0))
        .await
        .unwrap();
    assert_eq!((hits.len(), total), (1, 1), "{hits:?}");
}
