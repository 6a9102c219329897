//! The agreement page lists the playbook rules a check could not decide, with what was looked
//! for and where, apart from the findings (never shown as met).

use crate::helpers::{ADMIN, UiApp, spawn_sqlite};

/// A joint development agreement whose term is set out in a schedule the text does not contain.
const DRAFT: &str = "JOINT DEVELOPMENT AGREEMENT

This Joint Development Agreement is made on 2 February 2026 between Acme Robotics Ltd, a company registered in England and Wales (\"Acme\"), and Brightwave B.V., a company registered in the Netherlands (\"Brightwave\").

1. Purpose

1.1 Brightwave shall deliver the sensor prototype described in Schedule 1 by 30 September 2026.

3. Term

3.1 This Agreement commences on the Effective Date and remains in force for the Development Period set out in Schedule 3.

9. Governing Law

9.1 This Agreement shall be governed by and construed in accordance with English law.
";

#[tokio::test]
async fn the_agreement_page_lists_what_the_check_could_not_determine() {
    let app = spawn_sqlite().await;
    let imported = entente_core::import_document(
        &app.store,
        &app.actor,
        DRAFT.as_bytes(),
        "brightwave-jda.txt",
        entente_core::ImportOptions::default(),
        &entente_analysis::Limits::default(),
    )
    .await
    .unwrap();
    let c = UiApp::client();
    app.sign_in(&c, ADMIN).await;
    let page = c
        .get(format!("{}/agreements/{}", app.addr, imported.agreement_id))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page
        .find("id=\"undetermined\"")
        .unwrap_or_else(|| panic!("no undetermined section in\n{page}"));
    let end = page[start..].find("</aside>").unwrap() + start;
    let section = &page[start..end];
    assert!(section.contains("Could not be determined"), "{section}");
    assert!(section.contains("Not counted as met"), "{section}");
    // What was looked for, and the clause where.
    assert!(section.contains("initial term"), "{section}");
    assert!(section.contains("Looked in: § 3.1"), "{section}");
}
