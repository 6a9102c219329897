//! Downloads of stored files (evidence and document versions): whatever type the uploader
//! claimed, only a few inert types are served as such and everything else as
//! `application/octet-stream`, always as an attachment with `nosniff`, and with the file
//! name in an ASCII fallback plus its exact UTF-8 form (RFC 6266, RFC 8187).

use crate::helpers::{TestApp, spawn_apps};
use serde_json::{Value, json};

/// Reverses RFC 3986 percent-encoding (written here so the server's encoder is not checked
/// against itself).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Percent-encodes every byte but unreserved characters, for a query value.
fn query_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Uploads an evidence file with the given claimed type; returns its id.
async fn upload(app: &TestApp, oid: &str, name: &str, media: &str, bytes: &[u8]) -> String {
    let r = app
        .client
        .post(format!(
            "{}/api/obligations/{oid}/occurrences/2026-02-28/evidence?filename={}",
            app.addr,
            query_encode(name)
        ))
        .header("content-type", media)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{name}");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["media_type"], media, "the claimed type is kept as given");
    v["id"].as_str().unwrap().to_owned()
}

/// Downloads `path`: content type, disposition, nosniff, body.
async fn download(app: &TestApp, path: &str) -> (String, String, String, Vec<u8>) {
    let r = app
        .client
        .get(format!("{}{path}", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    let h = |n: &str| {
        r.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (ct, cd, nosniff) = (
        h("content-type"),
        h("content-disposition"),
        h("x-content-type-options"),
    );
    (ct, cd, nosniff, r.bytes().await.unwrap().to_vec())
}

async fn downloads_are_attachments_and_only_inert_types_keep_their_type() {
    for app in spawn_apps().await {
        let (status, a) = app
            .post_agreement(json!({
                "title": "Evidence test", "status": "active", "owner": "maria@example.com",
                "parties": [{"legal_name": "Northwind Systems, Inc.", "role": "partner"}, {"legal_name": "Globex GmbH", "role": "partner"}],
                "terms": {"effective_date": "2025-06-01", "initial_term": "P2Y"}
            }))
            .await;
        assert_eq!(status, 201, "{a}");
        let (status, ob) = app
            .post(
                &format!("/api/agreements/{}/obligations", a["id"].as_str().unwrap()),
                json!({
                    "obligor": "Northwind", "text": "Deliver the monthly report",
                    "due": {"kind": "recurring", "frequency": "monthly", "offset": null}
                }),
            )
            .await;
        assert_eq!(status, 201, "{ob}");
        let oid = ob["id"].as_str().unwrap();

        // A script uploaded as a script is handed out as opaque bytes to save, never as
        // something a page of ours could load.
        let script = b"fetch('/api/tokens', {method: 'POST'})";
        let js = upload(&app, oid, "report.js", "text/javascript", script).await;
        let (ct, cd, nosniff, body) = download(&app, &format!("/api/evidence/{js}")).await;
        assert_eq!(ct, "application/octet-stream");
        assert_eq!(nosniff, "nosniff");
        assert_eq!(
            cd,
            "attachment; filename=\"report.js\"; filename*=UTF-8''report.js"
        );
        assert_eq!(body, script);

        // Markup that browsers would render or run is opaque too, whatever it claims.
        for (name, media) in [
            ("page.html", "text/html"),
            ("logo.svg", "image/svg+xml"),
            ("feed.xml", "application/xml"),
            ("fake.png", "text/html; charset=utf-8"),
            ("legacy.js", "application/x-javascript"),
        ] {
            let id = upload(&app, oid, name, media, b"<script>alert(1)</script>").await;
            let (ct, cd, _, _) = download(&app, &format!("/api/evidence/{id}")).await;
            assert_eq!(ct, "application/octet-stream", "{name} as {media}");
            assert!(cd.starts_with("attachment; "), "{cd}");
        }

        // The inert types keep their type (still attachments); text only when it is UTF-8.
        for (name, media, bytes, expected) in [
            (
                "scan.pdf",
                "application/pdf",
                &b"%PDF-1.4"[..],
                "application/pdf",
            ),
            ("photo.png", "IMAGE/PNG", &b"\x89PNG\r\n"[..], "image/png"),
            (
                "photo.jpg",
                "image/jpeg",
                &b"\xff\xd8\xff"[..],
                "image/jpeg",
            ),
            (
                "note.txt",
                "text/plain",
                &b"done"[..],
                "text/plain; charset=utf-8",
            ),
            (
                "latin1.txt",
                "text/plain; charset=iso-8859-1",
                &b"Caf\xe9"[..],
                "application/octet-stream",
            ),
        ] {
            let id = upload(&app, oid, name, media, bytes).await;
            let (ct, cd, nosniff, _) = download(&app, &format!("/api/evidence/{id}")).await;
            assert_eq!(ct, expected, "{name} as {media}");
            assert!(cd.starts_with("attachment; "), "{cd}");
            assert_eq!(nosniff, "nosniff");
        }

        // A non-ASCII name: an ASCII fallback for old clients, the exact name in filename*.
        let name = "Überprüfung – März.pdf";
        let id = upload(&app, oid, name, "application/pdf", b"%PDF-1.7").await;
        let (ct, cd, _, _) = download(&app, &format!("/api/evidence/{id}")).await;
        assert_eq!(ct, "application/pdf");
        assert_eq!(
            cd,
            "attachment; filename=\"_berpr_fung _ M_rz.pdf\"; \
             filename*=UTF-8''%C3%9Cberpr%C3%BCfung%20%E2%80%93%20M%C3%A4rz.pdf"
        );
        let encoded = cd.split("filename*=UTF-8''").nth(1).unwrap();
        assert_eq!(percent_decode(encoded), name);

        // Quotes cannot end the quoted fallback early; percent signs are not left for a
        // client to decode.
        let name = "say \"hi\" 100%.txt";
        let id = upload(&app, oid, name, "text/plain", b"hi").await;
        let (_, cd, _, _) = download(&app, &format!("/api/evidence/{id}")).await;
        assert_eq!(
            cd,
            "attachment; filename=\"say _hi_ 100_.txt\"; \
             filename*=UTF-8''say%20%22hi%22%20100%25.txt"
        );

        // Document versions follow the same rule: an imported HTML contract is not served
        // as a page.
        let html = "<html><head><title>Services Agreement</title></head><body>\
                    <h1>Services Agreement</h1><p>This Services Agreement is made between \
                    Northwind Systems, Inc. and Globex GmbH.</p><h2>1. Term</h2><p>This \
                    Agreement starts on 1 June 2025 and runs for two years.</p></body></html>";
        let (status, imported) = app
            .post_bytes(
                "/api/import?filename=Vertrag%20M%C3%A4rz.html",
                html.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, 201, "{imported}");
        let vid = imported["version_id"].as_str().unwrap();
        let (ct, cd, nosniff, body) = download(&app, &format!("/api/versions/{vid}/content")).await;
        assert_eq!(ct, "application/octet-stream");
        assert_eq!(nosniff, "nosniff");
        assert_eq!(
            cd,
            "attachment; filename=\"Vertrag M_rz.html\"; filename*=UTF-8''Vertrag%20M%C3%A4rz.html"
        );
        assert_eq!(body, html.as_bytes());
        eprintln!("{}: downloads ok", app.label);
    }
}

entente_store::on_each_backend!(downloads_are_attachments_and_only_inert_types_keep_their_type);

async fn evidence_is_as_visible_as_its_agreement() {
    for app in spawn_apps().await {
        let (_, a) = app.post_agreement(crate::helpers::agreement_body()).await;
        let id = a["id"].as_str().unwrap().to_owned();
        let (_, ob) = app
            .post(
                &format!("/api/agreements/{id}/obligations"),
                json!({"obligor": "Northwind", "text": "Deliver the plan", "due": {"kind": "recurring", "frequency": "monthly", "offset": null}}),
            )
            .await;
        let evidence = upload(
            &app,
            ob["id"].as_str().unwrap(),
            "plan.pdf",
            "application/pdf",
            b"%PDF-1.4 plan",
        )
        .await;
        let viewer = crate::helpers::bearer_client(
            &crate::helpers::user_token(
                &app.store,
                &app.actor,
                "viewer@example.com",
                entente_domain::access::Role::Viewer,
            )
            .await,
        );
        let get = |c: reqwest::Client| {
            let url = format!("{}/api/evidence/{evidence}", app.addr);
            async move { c.get(url).send().await.unwrap().status().as_u16() }
        };
        assert_eq!(
            get(viewer.clone()).await,
            200,
            "{}: open agreement",
            app.label
        );
        // Restricted to the administrator: the viewer no longer sees the agreement or its evidence.
        let (_, users) = app.get("/api/users").await;
        let admin = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "admin@example.com")
            .unwrap()["user_id"]
            .clone();
        let (s, _) = app
            .send(
                reqwest::Method::PUT,
                &format!("/api/agreements/{id}/access"),
                json!({"user_ids": [admin]}),
            )
            .await;
        assert_eq!(s, 204);
        assert_eq!(
            get(viewer).await,
            404,
            "{}: restricted agreement",
            app.label
        );
        assert_eq!(get(app.client.clone()).await, 200);
    }
}

entente_store::on_each_backend!(evidence_is_as_visible_as_its_agreement);
