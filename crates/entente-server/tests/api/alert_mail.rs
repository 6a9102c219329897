//! Alert e-mail as mail systems and people take it, against a real SMTP listener: every
//! message parses without a defect under Python's `email` package with its strict policy
//! (skipped with a note where python3 is missing, required under CI=true); it is MIME 1.0,
//! multipart/alternative (plain text and HTML without remote content), with one-line
//! headers even when an obligation's text holds a line break, absolute links to the
//! agreement and the occurrence under the configured public URL, and an RFC 8058 one-click
//! unsubscribe that works with one POST and no session.

use crate::helpers::{TestApp, spawn_apps};
use crate::receivers::{Mail, SmtpListener};
use entente_domain::Timestamp;
use entente_server::scheduler::{Outcome, Scheduler, SchedulerSettings, SmtpSettings, SmtpTls};
use serde_json::json;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Parses `raw` with Python's strict e-mail policy and answers what it found: the defects
/// (none expected), the Subject and the content types. `None` when python3 is missing.
const STRICT: &str = r#"
import email, json, sys
from email import policy
raw = sys.stdin.buffer.read()
msg = email.message_from_bytes(raw, policy=policy.strict)
defects = [repr(d) for d in msg.defects]
types = []
for part in msg.walk():
    defects += [repr(d) for d in part.defects]
    for name, value in part.items():
        defects += [name + ": " + repr(d) for d in getattr(value, "defects", ())]
    types.append(part.get_content_type())
    if not part.is_multipart():
        part.get_content()
print(json.dumps({"defects": defects, "subject": str(msg["Subject"]),
                  "mime": str(msg["MIME-Version"]), "types": types,
                  "unsubscribe": str(msg["List-Unsubscribe"]),
                  "unsubscribe_post": str(msg["List-Unsubscribe-Post"])}))
"#;

fn strict_parse(raw: &str) -> Option<serde_json::Value> {
    let child = Command::new("python3")
        .args(["-c", STRICT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "python3 is needed for the strict e-mail check under CI=true: {e}"
            );
            eprintln!("python3 is not installed: the strict e-mail parse is skipped");
            return None;
        }
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(raw.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the strict parser refused the message: {}\n{raw}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

async fn run(s: &Scheduler, now: Timestamp) {
    for _ in 0..200 {
        if s.run_due(now).await.unwrap().outcome() == Outcome::Idle {
            break;
        }
    }
}

fn scheduler(app: &TestApp, smtp: &SmtpListener) -> Scheduler {
    Scheduler::new(
        app.store.clone(),
        SchedulerSettings {
            instance: "mail".into(),
            raise_every: Duration::ZERO,
            smtp: Some(SmtpSettings {
                host: "127.0.0.1".into(),
                port: smtp.port,
                tls: SmtpTls::None,
                user: None,
                password: None,
                from: "Entente <alerts@example.com>".into(),
            }),
            public_url: Some(app.addr.clone()),
            ..Default::default()
        },
    )
    .unwrap()
}

/// The value of header `name` in `mail`, its folded lines joined.
fn header(mail: &Mail, name: &str) -> Option<String> {
    let head = mail.data.split("\r\n\r\n").next().unwrap_or_default();
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}

async fn alert_mail_is_strict_mime_with_links_and_a_one_click_unsubscribe() {
    for app in spawn_apps().await {
        let l = app.label.clone();
        let (status, a) = app
            .post_agreement(json!({
                "title": "Northwind–Globex Integration", "status": "active", "owner": "maria@example.com",
                "parties": [{"legal_name": "Northwind Systems, Inc.", "role": "partner"},
                            {"legal_name": "Globex GmbH", "role": "partner"}],
                "terms": {"effective_date": "2025-06-01", "initial_term": "P2Y", "auto_renewal": true,
                          "notice_period_non_renewal": "P90D"}
            }))
            .await;
        assert_eq!(status, 201, "{l}: {a}");
        let id = a["id"].as_str().unwrap().to_owned();
        // A line break in the duty's text, and a header it tries to smuggle in.
        let (status, o) = app
            .post(
                &format!("/api/agreements/{id}/obligations"),
                json!({"obligor": "Globex", "owner": "ops@example.com",
                       "text": "Deliver the <b>integration</b> plan\nBcc: everyone@example.com",
                       "due": {"kind": "on", "date": "2027-01-15"}}),
            )
            .await;
        assert_eq!(status, 201, "{l}: {o}");
        let ob = o["id"].as_str().unwrap().to_owned();

        let smtp = SmtpListener::start().await;
        let s = scheduler(&app, &smtp);
        // 30 days before the notice deadline (2027-03-03); the duty is overdue by then.
        run(&s, at("2027-02-01T09:00:00Z")).await;
        let mails = smtp.mails();
        assert!(mails.len() >= 2, "{l}: {} mails", mails.len());
        for m in &mails {
            assert_eq!(header(m, "MIME-Version").as_deref(), Some("1.0"), "{l}");
            assert!(
                header(m, "Content-Type").is_some_and(|t| t.starts_with("multipart/alternative")),
                "{l}: {}",
                m.data
            );
            assert!(header(m, "Bcc").is_none(), "{l}: {}", m.data);
            let subject = header(m, "Subject").unwrap();
            assert!(subject.len() <= 400, "{l}: {subject}");
            let unsubscribe = header(m, "List-Unsubscribe").unwrap();
            assert!(
                unsubscribe.starts_with(&format!("<{}/unsubscribe?token=", app.addr)),
                "{l}: {unsubscribe}"
            );
            assert_eq!(
                header(m, "List-Unsubscribe-Post").as_deref(),
                Some("List-Unsubscribe=One-Click")
            );
            if let Some(parsed) = strict_parse(&m.data) {
                assert_eq!(parsed["defects"], json!([]), "{l}: {}", m.data);
                assert_eq!(parsed["mime"], "1.0");
                assert_eq!(
                    parsed["types"],
                    json!(["multipart/alternative", "text/plain", "text/html"]),
                    "{l}"
                );
                let subject = parsed["subject"].as_str().unwrap();
                assert!(
                    !subject.contains(['\n', '\r']) && subject.chars().count() <= 150,
                    "{l}: {subject:?}"
                );
                assert_eq!(parsed["unsubscribe_post"], "List-Unsubscribe=One-Click");
            }
        }
        // The duty's alert: one line of Subject, links to the agreement and the occurrence,
        // and the duty's markup escaped in the HTML part.
        let ops: Vec<&Mail> = mails
            .iter()
            .filter(|m| m.to == ["ops@example.com"])
            .collect();
        assert!(!ops.is_empty(), "{l}");
        let body = ops[0].data.replace("=\r\n", "").replace("=3D", "=");
        let agreement_link = format!("{}/agreements/{id}", app.addr);
        assert!(body.contains(&agreement_link), "{l}: {body}");
        assert!(
            body.contains(&format!("{agreement_link}#occ-{ob}-2027-01-15")),
            "{l}: {body}"
        );
        let html = body
            .split("Content-Type: text/html")
            .nth(1)
            .unwrap_or_else(|| panic!("{l}: no HTML part in {body}"));
        assert!(!html.contains("<b>integration</b>"), "{l}: {html}");
        assert!(
            html.contains("&lt;b&gt;integration&lt;/b&gt;"),
            "{l}: {html}"
        );

        // A forged link changes nothing.
        let url = header(ops[0], "List-Unsubscribe").unwrap();
        let url = url.trim_matches(['<', '>']).to_owned();
        // One character of the signature changed (to another that keeps the length).
        let last = url.chars().last().unwrap();
        let forged = format!(
            "{}{}",
            &url[..url.len() - 1],
            if last == 'A' { 'Q' } else { 'A' }
        );
        let r = app
            .anon
            .post(&forged)
            .form(&[("List-Unsubscribe", "One-Click")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{l}");
        assert!(
            !app.store
                .opted_out_of_email(app.actor.org, "ops@example.com")
                .await
                .unwrap()
        );
        // The GET shows a button and changes nothing (a link checker may follow it).
        let r = app.anon.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert!(r.text().await.unwrap().contains("<form method=\"post\""));
        assert!(
            !app.store
                .opted_out_of_email(app.actor.org, "ops@example.com")
                .await
                .unwrap()
        );
        // One POST, no cookie, no CSRF token: the recipient is out.
        let r = app
            .anon
            .post(&url)
            .form(&[("List-Unsubscribe", "One-Click")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert!(
            app.store
                .opted_out_of_email(app.actor.org, "ops@example.com")
                .await
                .unwrap()
        );
        // Later alerts skip that address and still reach the others and the inbox.
        let before = smtp.mails().len();
        run(&s, at("2027-02-02T09:00:00Z")).await;
        let later = &smtp.mails()[before..];
        assert!(
            later.iter().all(|m| m.to != ["ops@example.com"]),
            "{l}: {later:?}"
        );
        let log = app
            .store
            .list_deliveries(&app.actor, Some("ops@example.com"), 100)
            .await
            .unwrap();
        assert!(
            log.iter().any(|d| d.status == "skipped"
                && d.last_error
                    .as_deref()
                    .is_some_and(|e| e.contains("opted out"))),
            "{l}: {log:?}"
        );
        let inbox = app
            .store
            .inbox(&app.actor, "ops@example.com", false)
            .await
            .unwrap();
        assert!(!inbox.is_empty(), "{l}");
    }
}

entente_store::on_each_backend!(alert_mail_is_strict_mime_with_links_and_a_one_click_unsubscribe);
