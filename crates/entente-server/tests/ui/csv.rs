//! The agreement list's CSV download goes through the product's one CSV writer: an owner
//! whose e-mail is `=1+2@example.com` and a title that starts with `=` are written as text
//! (`'=…`), never as formulas a spreadsheet would run.

use crate::helpers::{ADMIN, UiApp, spawn_apps};
use entente_domain::agreement::AgreementDraft;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::Terms;

async fn the_agreement_list_csv_neutralises_formula_cells() {
    for app in spawn_apps().await {
        let l = &app.label;
        let party = |n: &str| AgreementPartyDraft {
            legal_name: Some(n.into()),
            role: "partner".into(),
            ..Default::default()
        };
        let draft = AgreementDraft {
            title: "=HYPERLINK(\"http://attacker.example\",\"Open\")".into(),
            status: Some("active".into()),
            owner: Some("=1+2@example.com".into()),
            parties: vec![party("Northwind Systems, Inc."), party("@Globex GmbH")],
            ..Default::default()
        }
        .validate(Terms::default())
        .unwrap();
        app.store
            .create_agreement(&app.actor, &draft)
            .await
            .unwrap();

        let c = UiApp::client();
        let (status, _) = app.sign_in(&c, ADMIN).await;
        assert_eq!(status, 200, "{l}");
        let r = c
            .get(format!("{}/agreements.csv", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let csv = r.text().await.unwrap();
        let row = csv
            .lines()
            .find(|line| line.contains("HYPERLINK"))
            .unwrap_or_else(|| panic!("{l}: no row in {csv}"));
        assert!(
            row.contains(",\"'=HYPERLINK(\"\"http://attacker.example\"\",\"\"Open\"\")\","),
            "{l}: {row}"
        );
        assert!(row.contains(",'=1+2@example.com,"), "{l}: {row}");
        // Cells inside one field (the parties, joined) are text already: only its start counts.
        assert!(!row.contains(",=") && !row.contains(",\"="), "{l}: {row}");
    }
}

entente_store::on_each_backend!(the_agreement_list_csv_neutralises_formula_cells);
