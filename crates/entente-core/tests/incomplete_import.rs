//! A readable document is always stored: a template, or an agreement whose parties the text
//! does not name, arrives with what is missing listed as gaps — on both backends.

use entente_analysis::Limits;
use entente_core::completeness::agreement_gaps;
use entente_core::{ImportOptions, import_document};
use entente_domain::party::AgreementPartyDraft;
use entente_store::testing::TestDb;
use entente_store::{Actor, Store};

const TEMPLATE: &str = "MUTUAL NONDISCLOSURE AGREEMENT\n\n\
This Agreement is made on [DATE] between {company_name} and ____________.\n\n\
1. Confidentiality. The Receiving Party shall hold the Confidential Information in strict \
confidence and shall not disclose it to any third party.\n\n\
2. Governing Law. This Agreement is governed by the laws of the State of New York.\n";

const ROLES_ONLY: &str = "DATA SHARING AGREEMENT\n\n\
1. Purpose. The Provider will share the data set with the Recipient for research.\n\n\
2. Term. This Agreement starts on 1 March 2024 and continues for two years.\n";

fn fields(g: &[entente_domain::completeness::Gap]) -> Vec<&str> {
    g.iter().map(|g| g.field.as_str()).collect()
}

async fn documents_without_parties_are_stored_with_gaps() {
    for db in TestDb::all().await.unwrap() {
        story(&db.store).await;
        eprintln!("incomplete import story passed on {:?}", db.backend());
    }
}

entente_store::on_each_backend!(documents_without_parties_are_stored_with_gaps);

async fn story(store: &Store) {
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let me = Actor::new(org, "legal@acme.example");

    // A template: stored as a draft tagged `template`, its placeholders and parties flagged.
    let t = import_document(
        store,
        &me,
        TEMPLATE.as_bytes(),
        "nda-template.txt",
        ImportOptions {
            template: true,
            ..Default::default()
        },
        &Limits::default(),
    )
    .await
    .expect("a template is stored");
    assert_eq!(fields(&t.gaps), ["parties", "placeholders"], "{:?}", t.gaps);
    assert!(
        t.gaps[1].reason.contains("\"[DATE]\""),
        "{}",
        t.gaps[1].reason
    );
    assert!(t.gaps[1].reason.contains("\"{company_name}\""));
    assert!(t.gaps[1].reason.contains("3 unfilled placeholders"));
    let a = store.get_agreement(&me, t.agreement_id).await.unwrap();
    assert_eq!(a.status.as_str(), "draft");
    assert!(a.tags.contains(&"template".to_owned()));
    assert!(a.parties.is_empty());

    // Parties defined only as roles: stored, the parties flagged; no refusal.
    let r = import_document(
        store,
        &me,
        ROLES_ONLY.as_bytes(),
        "dsa.txt",
        ImportOptions::default(),
        &Limits::default(),
    )
    .await
    .expect("an agreement without named parties is stored");
    assert_eq!(fields(&r.gaps), ["parties"], "{:?}", r.gaps);
    assert!(r.gaps[0].reason.contains("at least two"));

    // Parties given at import: no gap for them, and they are the agreement's.
    let given = import_document(
        store,
        &me,
        ROLES_ONLY.as_bytes(),
        "dsa.txt",
        ImportOptions {
            parties: vec![
                AgreementPartyDraft::from_spec("Kestrel University:provider").unwrap(),
                AgreementPartyDraft::from_spec("Brightwater Labs Ltd:recipient").unwrap(),
            ],
            ..Default::default()
        },
        &Limits::default(),
    )
    .await
    .unwrap();
    assert!(given.gaps.is_empty(), "{:?}", given.gaps);
    let a = store.get_agreement(&me, given.agreement_id).await.unwrap();
    let names: Vec<_> = a.parties.iter().map(|p| p.legal_name.as_str()).collect();
    assert_eq!(names, ["Kestrel University", "Brightwater Labs Ltd"]);
    assert_eq!(a.parties[1].role, "recipient");
    assert_eq!(
        agreement_gaps(store, &me, given.agreement_id)
            .await
            .unwrap(),
        []
    );

    // A bad given party is refused and nothing is stored.
    let before = store.count_agreements(&me).await.unwrap();
    let e = import_document(
        store,
        &me,
        ROLES_ONLY.as_bytes(),
        "dsa.txt",
        ImportOptions {
            parties: vec![
                AgreementPartyDraft::from_spec("Same Ltd:a").unwrap(),
                AgreementPartyDraft::from_spec("same ltd:b").unwrap(),
            ],
            ..Default::default()
        },
        &Limits::default(),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("same party"), "{e}");
    assert_eq!(store.count_agreements(&me).await.unwrap(), before);
}

/// Every file of the public corpus (real agreements and templates as published) is stored;
/// where the text names fewer than two parties, or leaves blanks, that is flagged, not refused.
async fn every_public_corpus_file_is_stored_with_what_is_missing() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/public");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "SOURCES.md")
        .filter(|n| n.ends_with(".docx") || n.ends_with(".pdf") || n.ends_with(".md"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "{} files", files.len());
    // One backend is enough here: the store's part is covered by the story above.
    let db = TestDb::sqlite().await.unwrap();
    let store = &db.store;
    let org = store.ensure_organisation("acme", "Acme").await.unwrap();
    let me = Actor::new(org, "legal@acme.example");
    let mut flagged_parties = 0;
    for name in &files {
        let stem = name.rsplit_once('.').unwrap().0;
        let want = &expected[stem];
        assert!(want.is_object(), "{name}: no entry in expected.json");
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let got = import_document(
            store,
            &me,
            &bytes,
            name,
            ImportOptions::default(),
            &Limits::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("{name} refused: {e}"));
        let gaps = fields(&got.gaps);
        // Where analysis is known to read parties the text does not name (expected.json's
        // `known_gaps`), those are what import sees.
        let format = name.rsplit_once('.').unwrap().1;
        let parties = want["known_gaps"]["parties"]
            .get(format)
            .unwrap_or(&want["parties"]);
        let named = parties.as_array().map_or(0, Vec::len);
        if named < 2 {
            flagged_parties += 1;
            assert!(gaps.contains(&"parties"), "{name}: {:?}", got.gaps);
        }
        if want["template"].as_bool() == Some(true) {
            assert!(gaps.contains(&"placeholders"), "{name}: {:?}", got.gaps);
        }
        let a = store.get_agreement(&me, got.agreement_id).await.unwrap();
        assert!(a.parties.len() >= 2 || gaps.contains(&"parties"), "{name}");
    }
    assert!(flagged_parties > 10, "{flagged_parties} flagged");
    assert_eq!(
        store.count_agreements(&me).await.unwrap(),
        files.len() as u64
    );
}

#[tokio::test]
async fn every_public_corpus_file_is_stored() {
    every_public_corpus_file_is_stored_with_what_is_missing().await;
}
