//! `POST /api/import` stores a document whatever it lacks: a template and an agreement
//! without named parties come back with their gaps, in the answer and in the agreement read;
//! parties given at import fill the gap, and a bad one is a 422 that stores nothing.

use crate::helpers::spawn_apps;

const TEMPLATE: &str = "MUTUAL NONDISCLOSURE AGREEMENT\n\n\
This Agreement is made on [DATE] between {company_name} and the Recipient.\n\n\
1. Confidentiality. The Recipient shall hold the Confidential Information in confidence.\n";

async fn documents_are_stored_with_their_gaps() {
    for app in spawn_apps().await {
        let (status, t) = app
            .post_bytes(
                "/api/import?filename=nda.txt&template=true",
                TEMPLATE.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 201, "{}: {t}", app.label);
        let fields: Vec<&str> = t["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["parties", "placeholders"], "{t}");
        let id = t["agreement_id"].as_str().unwrap();
        let (_, a) = app.get(&format!("/api/agreements/{id}")).await;
        assert_eq!(a["status"], "draft");
        assert_eq!(a["gaps"], t["gaps"], "{a}");
        assert!(
            a["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == "template")
        );

        let (status, given) = app
            .post_bytes(
                "/api/import?filename=nda.txt&parties=Acme%20Inc.:discloser;Globex%20Ltd:recipient",
                TEMPLATE.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 201, "{given}");
        let id = given["agreement_id"].as_str().unwrap();
        let (_, a) = app.get(&format!("/api/agreements/{id}")).await;
        assert_eq!(a["parties"][1]["legal_name"], "Globex Ltd", "{a}");
        assert_eq!(a["parties"][1]["role"], "recipient");
        assert!(
            !a["gaps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["field"] == "parties"),
            "{a}"
        );

        let before = app.footprint().await;
        let (status, p) = app
            .post_bytes(
                "/api/import?filename=nda.txt&parties=:discloser",
                TEMPLATE.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 422, "{p}");
        assert!(p.to_string().contains("no name"), "{p}");
        assert_eq!(app.footprint().await, before);
    }
}

entente_store::on_each_backend!(documents_are_stored_with_their_gaps);
