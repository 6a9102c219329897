//! Counterparty scope in the store, on SQLite and (when ENTENTE_TEST_POSTGRES is set) on
//! PostgreSQL: rows written before obligors and parties had match keys get them at start-up,
//! and a counterparty actor then sees its own party's duties among them.

use entente_domain::agreement::AgreementDraft;
use entente_domain::obligation::{DueRule, NewObligation};
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::Terms;
use entente_store::testing::TestDb;
use entente_store::{Actor, Visibility};

fn party(name: &str, short: &str) -> AgreementPartyDraft {
    AgreementPartyDraft {
        legal_name: Some(name.into()),
        short_name: Some(short.into()),
        role: "partner".into(),
        ..Default::default()
    }
}

fn duty(obligor: &str) -> NewObligation {
    NewObligation {
        obligor: obligor.into(),
        beneficiary: None,
        text: format!("{obligor} delivers"),
        due: DueRule::None,
        metric: None,
        status: None,
        owner: None,
        vague: false,
        survives: false,
    }
}

async fn rows_from_before_match_keys_are_keyed_at_start_up() {
    for db in TestDb::all().await.unwrap() {
        let store = &db.store;
        let org = store
            .ensure_organisation("default", "Default")
            .await
            .unwrap();
        let actor = Actor::new(org, "test");
        let new = AgreementDraft {
            title: "Northwind–Globex".into(),
            kind: None,
            status: Some("active".into()),
            owner: None,
            tags: vec![],
            parties: vec![
                party("Northwind Systems, Inc.", "Northwind"),
                party("Globex GmbH", "Globex"),
            ],
        }
        .validate(Terms::default())
        .unwrap();
        let id = store.create_agreement(&actor, &new).await.unwrap();
        for o in ["Northwind", "globex", "Globex GmbH.", "both parties"] {
            store.create_obligation(&actor, id, &duty(o)).await.unwrap();
        }
        // As an installation upgraded from before migration 9 has them.
        for sql in [
            "update obligation set obligor_key = null",
            "update party set match_key = null",
            "update agreement_party set short_key = null",
        ] {
            sqlx::query(sql).execute(store.pool()).await.unwrap();
        }
        store.migrate().await.unwrap();

        let a = store.get_agreement(&actor, id).await.unwrap();
        let globex = a.parties[1].party_id;
        let cp = Actor {
            visibility: Visibility::Party(globex),
            ..Actor::new(org, "partner@globex.example")
        };
        let mut seen: Vec<String> = store
            .list_obligations(&cp, &entente_domain::query::ObligationQuery::default())
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.obligor)
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            ["Globex GmbH.", "both parties", "globex"],
            "{:?}",
            db.backend()
        );
    }
}

entente_store::on_each_backend!(rows_from_before_match_keys_are_keyed_at_start_up);
