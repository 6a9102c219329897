//! The portfolio listing returns each agreement with its own parties and tags, for pages cut
//! out of filtered and sorted listings, on SQLite and (when configured) PostgreSQL.

use entente_domain::agreement::AgreementChange;
use entente_domain::agreement::AgreementDraft;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::query::{AgreementQuery, AgreementQueryText};
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{AgreementId, Date, Period, Timestamp};
use entente_store::testing::TestDb;
use entente_store::*;
use std::collections::BTreeMap;

/// What one agreement was created with: title, party legal names in party order, tags.
struct Spec {
    title: &'static str,
    parties: Vec<String>,
    tags: Vec<&'static str>,
    renews: bool,
}

/// Eight agreements whose titles do not sort like their creation order, whose parties are
/// listed out of alphabetical order (so party order must come from the ordinal), some sharing a
/// party, with zero to three tags each; every other one renews automatically.
fn specs() -> Vec<Spec> {
    let titles = [
        "delta supply",
        "Alpha pilot",
        "hotel study",
        "Bravo licence",
        "foxtrot trial",
        "Charlie grant",
        "golf network",
        "Echo services",
    ];
    let tag_sets: [&[&'static str]; 8] = [
        &["common", "emea"],
        &[],
        &["apac", "common"],
        &["common"],
        &["common", "emea", "strategic"],
        &["emea"],
        &["common", "strategic"],
        &[],
    ];
    titles
        .iter()
        .zip(tag_sets)
        .enumerate()
        .map(|(i, (title, tags))| {
            let mut parties = vec![format!("Zulu Works {i} Ltd"), format!("Alpine {i} GmbH")];
            if i % 3 == 0 {
                parties.push("Shared Partner SA".to_owned());
            }
            Spec {
                title,
                parties,
                tags: tags.to_vec(),
                renews: i % 2 == 0,
            }
        })
        .collect()
}

/// The story runs from this instant on (the store's clock starts there), so the notice
/// window below, counted from 2026-11-01, means the same whatever day the test runs.
const START: &str = "2026-10-15T09:00:00Z";

fn terms(i: usize, renews: bool) -> Terms {
    let at = Timestamp::parse(START).unwrap();
    let mut t = Terms::default();
    let mut set = |f, v| t.set_user(f, v, "test", at, None);
    let effective = Date::parse("2026-01-01").unwrap().plus_days(10 * i as i64);
    set(TermField::EffectiveDate, TermValue::Date(effective));
    set(
        TermField::InitialTerm,
        TermValue::Period(Period::years(1).unwrap()),
    );
    set(TermField::AutoRenewal, TermValue::Bool(renews));
    if renews {
        set(
            TermField::RenewalTerm,
            TermValue::Period(Period::years(1).unwrap()),
        );
        set(
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days(30).unwrap()),
        );
    }
    t
}

async fn listing_pages_carry_each_agreements_own_parties_and_tags() {
    for db in TestDb::all().await.unwrap() {
        db.store.clock().set(Timestamp::parse(START).unwrap());
        story(&db.store).await;
        eprintln!("listing story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(listing_pages_carry_each_agreements_own_parties_and_tags);

async fn story(store: &Store) {
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let me = Actor::new(org, "maria.lopez@example.com");
    // Another tenant with look-alike agreements: none of its parties or tags may leak in.
    let rival = store.ensure_organisation("rival", "Rival").await.unwrap();
    let them = Actor::new(rival, "eve@rival.example");

    let specs = specs();
    let mut by_id: BTreeMap<AgreementId, &Spec> = BTreeMap::new();
    for (i, s) in specs.iter().enumerate() {
        let draft = |parties: &[String], tags: Vec<String>| AgreementDraft {
            title: s.title.into(),
            status: Some("active".into()),
            tags,
            parties: parties
                .iter()
                .map(|n| AgreementPartyDraft {
                    legal_name: Some(n.clone()),
                    role: "partner".into(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        // Tags are given in reverse to show the listing sorts them itself.
        let tags = s.tags.iter().rev().map(|t| (*t).to_owned()).collect();
        let new = draft(&s.parties, tags)
            .validate(terms(i, s.renews))
            .unwrap();
        let id = store.create_agreement(&me, &new).await.unwrap();
        by_id.insert(id, s);
        let theirs = draft(
            &[format!("Rival {i} Corp"), "Shared Partner SA".to_owned()],
            vec!["common".into(), "rival".into()],
        )
        .validate(terms(i, s.renews))
        .unwrap();
        store.create_agreement(&them, &theirs).await.unwrap();
    }

    // Checks one listed row against what its agreement was created with, and against the
    // single-agreement read (a separate query path).
    let check = |rows: &[entente_domain::agreement::AgreementSummary]| {
        for r in rows {
            let s = by_id[&r.id];
            assert_eq!(r.title, s.title);
            assert_eq!(r.parties, s.parties, "parties of {:?}", s.title);
            assert_eq!(r.tags, s.tags, "tags of {:?}", s.title);
        }
    };
    for r in all(store, &me, &AgreementQuery::default()).await {
        let a = store.get_agreement(&me, r.id).await.unwrap();
        let names: Vec<String> = a.parties.iter().map(|p| p.legal_name.clone()).collect();
        assert_eq!((r.parties.clone(), r.tags.clone()), (names, a.tags));
    }

    // Tag filter, sorted by title (case-insensitive), a page from the middle.
    let common = filter(AgreementQueryText {
        tag: vec!["common"],
        sort: Some("title"),
        ..Default::default()
    });
    let (page, total) = store
        .list_agreements(
            &me,
            &common,
            Page {
                limit: 3,
                offset: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(total, 5);
    let titles: Vec<&str> = page.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles, ["delta supply", "foxtrot trial", "golf network"]);
    check(&page);

    // Notice window, soonest notice deadline first: the renewing half, in date order.
    let notice = filter(AgreementQueryText {
        notice_within_days: Some(365),
        today: Some("2026-11-01"),
        sort: Some("notice_deadline"),
        ..Default::default()
    });
    let rows = all(store, &me, &notice).await;
    let titles: Vec<&str> = rows.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "delta supply",
            "hotel study",
            "foxtrot trial",
            "golf network"
        ]
    );
    assert!(
        rows.windows(2)
            .all(|w| w[0].notice_deadline < w[1].notice_deadline)
    );
    check(&rows);

    // Pages of two put together are the whole listing, row for row.
    let (whole, total) = store
        .list_agreements(&me, &AgreementQuery::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(total, 8);
    check(&whole);
    let mut paged = Vec::new();
    for offset in (0..8).step_by(2) {
        let (p, t) = store
            .list_agreements(&me, &AgreementQuery::default(), Page { limit: 2, offset })
            .await
            .unwrap();
        assert_eq!(t, 8);
        check(&p);
        paged.extend(p);
    }
    let ids = |v: &[entente_domain::agreement::AgreementSummary]| -> Vec<AgreementId> {
        v.iter().map(|r| r.id).collect()
    };
    assert_eq!(ids(&paged), ids(&whole));

    // Replacing an agreement's tags shows in the listing.
    let golf = whole.iter().find(|r| r.title == "golf network").unwrap().id;
    store
        .update_agreement(
            &me,
            golf,
            &AgreementChange::from_text(
                None,
                None,
                None,
                Some(&["zeta".into(), "beta".into()]),
                None,
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let rows = all(store, &me, &AgreementQuery::default()).await;
    let golf_row = rows.iter().find(|r| r.id == golf).unwrap();
    assert_eq!(golf_row.tags, ["beta", "zeta"]);
    assert_eq!(golf_row.parties, by_id[&golf].parties);

    // A counterparty's user sees only the agreements it is party to, each still with all of
    // its parties.
    let shared = store
        .get_agreement(
            &me,
            whole.iter().find(|r| r.title == "delta supply").unwrap().id,
        )
        .await
        .unwrap()
        .parties
        .iter()
        .find(|p| p.legal_name == "Shared Partner SA")
        .unwrap()
        .party_id;
    let counterparty = Actor {
        visibility: Visibility::Party(shared),
        ..me.clone()
    };
    let rows = all(
        store,
        &counterparty,
        &filter(AgreementQueryText {
            sort: Some("title"),
            ..Default::default()
        }),
    )
    .await;
    let titles: Vec<&str> = rows.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles, ["Bravo licence", "delta supply", "golf network"]);
    for r in &rows {
        assert_eq!(r.parties, by_id[&r.id].parties);
    }

    // The other tenant's listing holds only its own parties and tags.
    let theirs = all(store, &them, &AgreementQuery::default()).await;
    assert_eq!(theirs.len(), 8);
    for r in &theirs {
        assert_eq!(r.tags, ["common", "rival"]);
        assert_eq!(r.parties.len(), 2);
        assert!(r.parties[0].starts_with("Rival "));
    }
}

/// The whole listing for `filter`, checked to be complete.
async fn all(
    store: &Store,
    actor: &Actor,
    filter: &AgreementQuery,
) -> Vec<entente_domain::agreement::AgreementSummary> {
    let (rows, total) = store
        .list_agreements(actor, filter, Page::default())
        .await
        .unwrap();
    assert_eq!(rows.len() as u64, total);
    rows
}

/// A listing query from its text form, as an edge would check it.
fn filter(t: AgreementQueryText<'_>) -> AgreementQuery {
    AgreementQuery::try_from(t).expect("a valid query")
}
