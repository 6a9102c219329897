//! Drafting without JavaScript, on every backend: the template picker, a form generated from
//! the variable schema (party rows added by a button), messages beside each invalid field
//! with nothing stored, the preview, the draft created, and a clause switched to a fallback
//! from the agreement page.

use crate::helpers::{ADMIN, PASSWORD, UiApp, csrf, spawn_apps};
use entente_domain::access::Role;
use entente_template::DraftRequest;
use serde_json::Value;

/// The example variables of a template as the form posts them.
fn form_fields(template: &str) -> Vec<(String, String)> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../entente-template/examples")
        .join(format!("{template}.vars.toml"));
    let src = std::fs::read_to_string(&p).unwrap();
    let req = DraftRequest::from_toml(&p.display().to_string(), &src).unwrap();
    let mut out = vec![("template".to_owned(), template.to_owned())];
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (name, v) in &req.values {
        let key = format!("v.{name}");
        match v {
            Value::Object(m) if m.contains_key("amount") => {
                out.push((format!("{key}.amount"), text(&m["amount"])));
                out.push((format!("{key}.currency"), text(&m["currency"])));
            }
            Value::Object(m) => {
                for (f, x) in m {
                    out.push((format!("{key}.{f}"), text(x)));
                }
            }
            Value::Array(a) if a.first().is_some_and(Value::is_object) => {
                out.push((format!("n.{name}"), a.len().to_string()));
                for (i, p) in a.iter().enumerate() {
                    for (f, x) in p.as_object().unwrap() {
                        out.push((format!("{key}.{i}.{f}"), text(x)));
                    }
                }
            }
            Value::Array(a) => {
                out.push((key, a.iter().map(text).collect::<Vec<_>>().join("\n")));
            }
            Value::Bool(true) => out.push((key, "true".into())),
            Value::Bool(false) => {}
            other => out.push((key, text(other))),
        }
    }
    out
}

fn with(mut fields: Vec<(String, String)>, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k);
        fields.push(((*k).to_owned(), (*v).to_owned()));
    }
    fields
}

/// The text of the element with `id` up to its closing `close`.
fn element<'a>(html: &'a str, id: &str, close: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[at..];
    &rest[..rest.find(close).unwrap_or(rest.len())]
}

async fn without_javascript_a_draft_is_made_from_a_template_and_a_clause_switched() {
    for app in spawn_apps().await {
        let l = &app.label;
        let c = UiApp::client();
        let (_, _) = app.sign_in(&c, ADMIN).await;
        let before = app.store.count_agreements(&app.actor).await.unwrap();

        // The list links to the picker; the picker lists the five templates.
        let list = c
            .get(format!("{}/agreements", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(list.contains("href=\"/drafts/new\""), "{l}");
        let picker = c
            .get(format!("{}/drafts/new", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for t in [
            "technology-integration",
            "co-marketing",
            "joint-development",
            "research-collaboration",
            "consortium",
        ] {
            assert!(
                picker.contains(&format!("/drafts/new?template={t}")),
                "{l}: {t}"
            );
        }

        // The consortium's form: three member rows (its minimum), a fourth on request.
        let r = c
            .get(format!("{}/drafts/new?template=consortium", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let form = r.text().await.unwrap();
        let token = csrf(&form);
        assert!(form.contains("name=\"v.members.2.legal_name\""), "{l}");
        assert!(!form.contains("name=\"v.members.3.legal_name\""), "{l}");
        for (name, kind) in [
            ("v.effective_date", "type=\"date\""),
            ("v.shares_personal_data", "type=\"checkbox\""),
            ("v.annual_value.currency", "maxlength=\"3\""),
        ] {
            let at = form.find(&format!("name=\"{name}\"")).expect(name);
            let tag = &form[form[..at].rfind('<').unwrap()..at + form[at..].find('>').unwrap()];
            assert!(tag.contains(kind), "{l}: {name}: {tag}");
        }
        assert!(form.contains("<select id=\"p.liability.cap\""), "{l}");
        let fields = with(
            form_fields("consortium"),
            &[("csrf", &token), ("action", "add:members")],
        );
        let r = c
            .post(format!("{}/drafts/new", app.addr))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let page = r.text().await.unwrap();
        assert!(page.contains("name=\"v.members.3.legal_name\""), "{l}");
        assert!(
            page.contains("value=\"Solberg Lading AS\""),
            "{l}: what was typed stays"
        );

        // Invalid variables: 422, a message beside each field, nothing stored.
        let mut fields = with(
            form_fields("consortium"),
            &[
                ("csrf", &token),
                ("action", "create"),
                ("v.annual_value.currency", "XQZ"),
                ("v.completion_date", "2020-01-01"),
                ("n.members", "3"),
            ],
        );
        // Two members: a consortium needs three.
        fields.retain(|(k, _)| !k.starts_with("v.members.2."));
        let r = c
            .post(format!("{}/drafts/new", app.addr))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");
        let page = r.text().await.unwrap();
        for (var, says) in [
            ("members", "at least 3"),
            ("annual_value", "currency"),
            ("completion_date", "must be after effective_date"),
        ] {
            let e = element(&page, &format!("e-{var}"), "</p>");
            assert!(e.contains(says), "{l}: {var}: {e}");
            assert!(
                page.contains(&format!("id=\"var-{var}\" aria-describedby=\"e-{var}\"")),
                "{l}: {var} is described by its message"
            );
        }
        assert_eq!(
            app.store.count_agreements(&app.actor).await.unwrap(),
            before,
            "{l}: nothing stored"
        );

        // The preview, without JavaScript: the page again with the draft beside the form.
        let fields = with(
            form_fields("technology-integration"),
            &[("csrf", &token), ("action", "preview")],
        );
        let r = c
            .post(format!("{}/drafts/new", app.addr))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let page = r.text().await.unwrap();
        let preview = element(&page, "draft-document", "<h2 id=\"pv-title\"");
        assert!(preview.contains("Globex GmbH"), "{l}");
        assert!(preview.contains("Liability and indemnification"), "{l}");
        // The fragment htmx asks for is the panel alone.
        let r = c
            .post(format!("{}/drafts/preview", app.addr))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let panel = r.text().await.unwrap();
        assert!(
            panel.starts_with("<div class=\"draft-preview\""),
            "{l}: {panel:.80}"
        );
        assert!(!panel.contains("<html"), "{l}");
        assert_eq!(
            app.store.count_agreements(&app.actor).await.unwrap(),
            before,
            "{l}: a preview stores nothing"
        );

        // Created: the agreement page, a draft, with its clause positions.
        let fields = with(
            form_fields("technology-integration"),
            &[
                ("csrf", &token),
                ("action", "create"),
                ("owner", "legal@example.com"),
            ],
        );
        let r = c
            .post(format!("{}/drafts/new", app.addr))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let path = r.url().path().to_owned();
        assert!(path.starts_with("/agreements/"), "{l}: {path}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("Technology Integration Partnership Agreement"),
            "{l}"
        );
        let row = element(&page, "pos-liability.cap", "</tr>");
        assert!(row.contains(">preferred</span>"), "{l}: {row}");
        assert!(row.contains("<option value=\"two-times\""), "{l}: {row}");

        // An unknown position: 422, the message beside that clause's switch.
        let token = csrf(&page);
        let r = c
            .post(format!("{}{path}/positions", app.addr))
            .form(&[
                ("csrf", token.as_str()),
                ("clause", "liability.cap"),
                ("position", "ten-times"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");
        let page = r.text().await.unwrap();
        let e = element(&page, "sw-e-liability.cap", "</p>");
        assert!(
            e.contains("&#34;ten-times&#34; is not a position"),
            "{l}: {e}"
        );
        // The fallback: back on the positions, recorded in the audit trail.
        let r = c
            .post(format!("{}{path}/positions", app.addr))
            .form(&[
                ("csrf", token.as_str()),
                ("clause", "liability.cap"),
                ("position", "two-times"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let page = r.text().await.unwrap();
        let row = element(&page, "pos-liability.cap", "</tr>");
        assert!(row.contains(">two-times</span>"), "{l}: {row}");
        let audit = element(&page, "audit", "</section>");
        assert!(audit.contains("draft.position"), "{l}");
        assert!(audit.contains("draft.created"), "{l}");

        // A viewer may not draft.
        let viewer = "viewer@example.com";
        let hash = entente_core::auth::hash_password(PASSWORD).unwrap();
        app.store
            .add_member(&app.actor, viewer, viewer, Some(&hash), Role::Viewer, None)
            .await
            .unwrap();
        let v = UiApp::client();
        app.sign_in(&v, viewer).await;
        let r = v
            .get(format!("{}/drafts/new", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{l}");
        let list = v
            .get(format!("{}/agreements", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!list.contains("href=\"/drafts/new\""), "{l}");
    }
}

entente_store::on_each_backend!(
    without_javascript_a_draft_is_made_from_a_template_and_a_clause_switched
);
