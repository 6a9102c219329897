//! The UI without JavaScript: plain HTTP with a cookie jar, as a text browser or a screen
//! reader's simplest mode would use it.

use crate::helpers::{ADMIN, BUYER, HALDEN, UiApp, csrf, links_in, spawn_apps};

async fn without_javascript_a_member_signs_in_sees_the_dashboard_and_every_nav_link_renders() {
    for app in spawn_apps().await {
        let l = &app.label;
        let c = UiApp::client();

        // Signed out, the dashboard sends people to the sign-in form.
        let r = c.get(format!("{}/", app.addr)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert_eq!(r.url().path(), "/signin", "{l}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("<form method=\"post\" action=\"/signin\""),
            "{l}"
        );

        // A wrong password is a page that says so, not a problem document.
        let r = c
            .post(format!("{}/signin", app.addr))
            .form(&[("email", ADMIN), ("password", "not the password at all")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{l}");
        assert!(r.text().await.unwrap().contains("not right"), "{l}");

        let (status, dashboard) = app.sign_in(&c, ADMIN).await;
        assert_eq!(status, 200, "{l}");
        assert!(dashboard.contains("<h1>Dashboard</h1>"), "{l}");
        assert!(dashboard.contains("<main"), "{l}");
        // Notice deadlines come first, with their derivation and clause.
        assert!(dashboard.contains(HALDEN), "{l}");
        assert!(dashboard.contains("notice of non-renewal"), "{l}");
        assert!(dashboard.contains("<svg class=\"chart\""), "{l}");

        let nav = links_in(&dashboard, "<nav aria-label=\"Main\">", "</nav>");
        assert!(nav.len() >= 3, "{l}: {nav:?}");
        for href in &nav {
            let r = c.get(format!("{}{href}", app.addr)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{l}: {href}");
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html"),
                "{l}: {href}"
            );
            let body = r.text().await.unwrap();
            assert!(body.contains("<main"), "{l}: {href}");
        }

        // Every count on the dashboard leads to a page that renders.
        for href in links_in(&dashboard, "<ul class=\"counts\"", "</ul>") {
            if href.starts_with('#') {
                continue;
            }
            let r = c.get(format!("{}{href}", app.addr)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{l}: {href}");
        }

        // The list filtered to notice deadlines within 90 days holds Halden, and its CSV too.
        let r = c
            .get(format!(
                "{}/agreements?notice_within_days=90&sort=notice_deadline",
                app.addr
            ))
            .send()
            .await
            .unwrap();
        let list = r.text().await.unwrap();
        assert!(list.contains(HALDEN), "{l}");
        let csv_href = links_in(&list, "<div class=\"tablehead\">", "</div>")
            .into_iter()
            .find(|h| h.starts_with("/agreements.csv"))
            .expect("a CSV link");
        let r = c
            .get(format!("{}{csv_href}", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv"),
            "{l}"
        );
        let csv = r.text().await.unwrap();
        assert!(csv.starts_with("id,title,kind"), "{l}");
        assert!(csv.contains(HALDEN), "{l}");

        // The sorted column's header reverses the order, and says which way the list runs.
        let r = c
            .get(format!("{}/agreements?sort=title", app.addr))
            .send()
            .await
            .unwrap();
        let up = r.text().await.unwrap();
        assert!(
            up.contains("aria-sort=\"ascending\"><a href=\"/agreements?sort=-title"),
            "{l}"
        );
        let r = c
            .get(format!("{}/agreements?sort=-title", app.addr))
            .send()
            .await
            .unwrap();
        let down = r.text().await.unwrap();
        assert!(
            down.contains("aria-sort=\"descending\"><a href=\"/agreements?sort=title"),
            "{l}"
        );
        let first_row = |page: &str| {
            let body = page.split("<tbody>").nth(1).unwrap_or_default();
            let link = body
                .split("<a href=\"/agreements/")
                .nth(1)
                .unwrap_or_default();
            link.split('<').next().unwrap_or_default().to_owned()
        };
        assert_ne!(first_row(&up), first_row(&down), "{l}");

        // A bad number is a message beside its field (422), not a failure.
        let r = c
            .get(format!("{}/agreements?notice_within_days=soon", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");
        assert!(r.text().await.unwrap().contains("id=\"e-notice\""), "{l}");

        // The agreement page: its notice deadline links to clause 4.2 in the document.
        let id = app.halden().await;
        let r = c
            .get(format!("{}/agreements/{id}", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("href=\"#n-4-2\" class=\"clause-link\">clause 4.2</a>"),
            "{l}"
        );
        assert!(page.contains("id=\"n-4-2\""), "{l}");
        assert!(page.contains("audit events verify where they stand"), "{l}");

        // A person corrects a key term in place: marked as theirs and in the audit trail.
        let r = c
            .post(format!(
                "{}/agreements/{id}/terms/notice_period_non_renewal",
                app.addr
            ))
            .form(&[
                ("csrf", crate::helpers::csrf(&page).as_str()),
                ("value", "P60D"),
                ("note", "side letter of March"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert_eq!(r.url().path(), format!("/agreements/{id}"), "{l}");
        let page = r.text().await.unwrap();
        assert!(page.contains("entered by admin@example.com"), "{l}");
        assert!(page.contains("side letter of March"), "{l}");
        assert!(page.contains("term.set"), "{l}");
        // Without the token the correction is refused and nothing changes.
        let r = c
            .post(format!(
                "{}/agreements/{id}/terms/notice_period_non_renewal",
                app.addr
            ))
            .form(&[("value", "P10D")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{l}");

        // Signing out needs the page's CSRF token; without it nothing happens.
        let r = c
            .post(format!("{}/signout", app.addr))
            .form(&[("csrf", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{l}");
        let r = c.get(format!("{}/alerts", app.addr)).send().await.unwrap();
        assert_eq!(r.url().path(), "/alerts", "{l}: still signed in");
        let token = csrf(&r.text().await.unwrap());
        let r = c
            .post(format!("{}/signout", app.addr))
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.url().path(), "/signin", "{l}");
        assert!(
            r.text().await.unwrap().contains("You have signed out."),
            "{l}"
        );
        let r = c
            .get(format!("{}/agreements", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.url().path(), "/signin", "{l}");
        assert_eq!(r.url().query(), Some("next=/agreements"), "{l}");
    }
}

entente_store::on_each_backend!(
    without_javascript_a_member_signs_in_sees_the_dashboard_and_every_nav_link_renders
);

async fn an_agreement_restricted_from_a_member_is_a_404_page_and_absent_from_their_list() {
    for app in spawn_apps().await {
        let l = &app.label;
        let id = app.halden().await;
        let members = app.store.list_members(&app.actor).await.unwrap();
        let admin = members.iter().find(|m| m.email == ADMIN).unwrap().user_id;
        app.store
            .set_agreement_access(&app.actor, id, &[admin])
            .await
            .unwrap();

        let c = UiApp::client();
        let (status, _) = app.sign_in(&c, BUYER).await;
        assert_eq!(status, 200, "{l}");
        let r = c
            .get(format!("{}/agreements/{id}", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{l}");
        let body = r.text().await.unwrap();
        assert!(body.contains("<main"), "{l}");
        assert!(!body.contains(HALDEN), "{l}");
        let list = c
            .get(format!("{}/agreements?q=Halden", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!list.contains(HALDEN), "{l}");
        let dashboard = c
            .get(format!("{}/", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!dashboard.contains(HALDEN), "{l}");

        // The administrator still sees it.
        let admin_client = UiApp::client();
        app.sign_in(&admin_client, ADMIN).await;
        let r = admin_client
            .get(format!("{}/agreements/{id}", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
    }
}

entente_store::on_each_backend!(
    an_agreement_restricted_from_a_member_is_a_404_page_and_absent_from_their_list
);

async fn unknown_pages_are_pages_and_unknown_api_routes_stay_problem_documents() {
    for app in spawn_apps().await {
        let l = &app.label;
        let c = UiApp::client();
        let r = c
            .get(format!("{}/no-such-page", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{l}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{l}"
        );
        let r = c
            .get(format!("{}/api/no-such-route", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{l}");
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/problem+json",
            "{l}"
        );
        // Pages are private; static files may be cached.
        let r = c.get(format!("{}/signin", app.addr)).send().await.unwrap();
        assert_eq!(r.headers()["cache-control"], "no-store", "{l}");
        let css = links_in(&r.text().await.unwrap(), "<head>", "</head>")
            .into_iter()
            .find(|h| h.ends_with(".css"))
            .unwrap();
        let r = c.get(format!("{}{css}", app.addr)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert_ne!(r.headers()["cache-control"], "no-store", "{l}");
    }
}

entente_store::on_each_backend!(
    unknown_pages_are_pages_and_unknown_api_routes_stay_problem_documents
);

/// The `action` of the first form on `html` whose action contains `part` and ends in `end`.
fn form_action(html: &str, part: &str, end: &str) -> Option<String> {
    html.split("action=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|a| a.contains(part) && a.ends_with(end))
        .map(|a| a.replace("&amp;", "&"))
}

/// A multipart body with text fields and one file, as a browser sends a form with a file.
fn multipart(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----entente-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (name, filename, bytes) = file;
    body.extend_from_slice(
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\ncontent-type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn without_javascript_an_occurrence_is_marked_done_with_evidence_waived_and_measured() {
    for app in spawn_apps().await {
        let l = &app.label;
        let c = UiApp::client();
        app.sign_in(&c, ADMIN).await;
        let id = app.halden().await;
        let url = format!("{}/agreements/{id}", app.addr);
        let page = c.get(&url).send().await.unwrap().text().await.unwrap();
        let done = form_action(&page, "/occurrences/", "/done").expect("a mark-done form");
        let token = csrf(&page);

        // Done with a note and an evidence file: back on the page, done, the file listed.
        let (ct, body) = multipart(
            &[
                ("csrf", &token),
                ("note", "report sent to the partner portal"),
            ],
            ("evidence", "fleet-report.txt", b"fleet risk data, October"),
        );
        let r = c
            .post(format!("{}{done}", app.addr))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert_eq!(r.url().path(), format!("/agreements/{id}"), "{l}");
        let page = r.text().await.unwrap();
        let occ = done.split("/occurrences/").nth(1).unwrap();
        let row_key = format!(
            "{}-{}",
            done.split("/obligations/")
                .nth(1)
                .unwrap()
                .split('/')
                .next()
                .unwrap(),
            occ.trim_end_matches("/done")
        );
        let row = &page[page
            .find(&format!("id=\"occ-{row_key}\""))
            .expect("the row")..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains("o-done"), "{l}: {row}");
        assert!(row.contains("fleet-report.txt"), "{l}: {row}");
        assert!(row.contains("report sent to the partner portal"), "{l}");
        // The evidence downloads with the session.
        let href = links_in(row, "<ul class=\"evidence\"", "</ul>")
            .pop()
            .expect("an evidence link");
        let r = c.get(format!("{}{href}", app.addr)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            b"fleet risk data, October"
        );

        // A waiver without a reason: the page again (422), the message beside the field.
        let waive = form_action(&page, "/occurrences/", "/waive").expect("a waive form");
        let r = c
            .post(format!("{}{waive}", app.addr))
            .form(&[("csrf", token.as_str()), ("reason", "  ")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");
        let body = r.text().await.unwrap();
        assert!(body.contains("a waiver needs a reason"), "{l}");
        assert!(body.contains("<details class=\"correct\" open>"), "{l}");
        let r = c
            .post(format!("{}{waive}", app.addr))
            .form(&[
                ("csrf", token.as_str()),
                ("reason", "partner released the duty by e-mail"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let body = r.text().await.unwrap();
        assert!(body.contains("partner released the duty by e-mail"), "{l}");
        assert!(body.contains("o-waived"), "{l}");
        // Without the token nothing is recorded.
        let r = c
            .post(format!("{}{waive}", app.addr))
            .form(&[("reason", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{l}");

        // A measured duty: a bad value is a message beside the field; a miss is a breach.
        let measured = app
            .store
            .list_obligations(&app.actor, &Default::default())
            .await
            .unwrap()
            .into_iter()
            .find(|o| {
                o.metric
                    .as_ref()
                    .is_some_and(|m| m.unit == "%" && m.value.to_string() == "99.9")
            })
            .expect("a measured duty in the demo");
        let page = c
            .get(format!("{}/agreements/{}", app.addr, measured.agreement_id))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let action = format!(
            "/agreements/{}/obligations/{}/measurements",
            measured.agreement_id, measured.id
        );
        assert!(page.contains(&action), "{l}");
        let today = app.store.today(&app.actor).await.unwrap().to_string();
        let r = c
            .post(format!("{}{action}", app.addr))
            .form(&[
                ("csrf", csrf(&page).as_str()),
                ("measured_on", today.as_str()),
                ("value", "lots"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains(&format!("id=\"mv-e-{}\"", measured.id)),
            "{l}"
        );
        let r = c
            .post(format!("{}{action}", app.addr))
            .form(&[
                ("csrf", csrf(&page).as_str()),
                ("measured_on", today.as_str()),
                ("value", "99.5"),
                ("note", "monitoring export"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let body = r.text().await.unwrap();
        assert!(body.contains("o-breached"), "{l}");
        assert!(body.contains("99.5 %"), "{l}");
    }
}

entente_store::on_each_backend!(
    without_javascript_an_occurrence_is_marked_done_with_evidence_waived_and_measured
);

async fn without_javascript_the_redline_findings_evidence_calendar_and_risk_pages_render() {
    for app in spawn_apps().await {
        let l = &app.label;
        let c = UiApp::client();
        app.sign_in(&c, ADMIN).await;
        let id = app.halden().await;

        // One version only: the redline page says there is nothing to compare.
        let r = c
            .get(format!("{}/agreements/{id}/redline", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert!(r.text().await.unwrap().contains("one version only"), "{l}");

        // Two versions: the change is marked as a deletion and an insertion, with the DOCX.
        app.halden_second_version().await;
        let r = c
            .get(format!("{}/agreements/{id}/redline?from=1&to=2", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let page = r.text().await.unwrap();
        assert!(page.contains("<del>thirty</del>"), "{l}");
        assert!(page.contains("<ins>sixty</ins>"), "{l}");
        assert!(
            page.contains(&format!(
                "href=\"/api/agreements/{id}/redline?from=1&#38;to=2&#38;format=docx\""
            )),
            "{l}: {}",
            &page[page
                .find("id=\"docx\"")
                .map_or(0, |i| i.saturating_sub(200))..][..300]
        );
        let r = c
            .get(format!(
                "{}/api/agreements/{id}/redline?from=1&to=2&format=docx",
                app.addr
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert!(r.bytes().await.unwrap().starts_with(b"PK"), "{l}: a DOCX");
        // The agreement's page says what the second version changed: the demo's notice period
        // was entered by a person, so the new text's sixty days is a conflict put up for review.
        let r = c
            .get(format!("{}/agreements/{id}", app.addr))
            .send()
            .await
            .unwrap();
        let page = r.text().await.unwrap();
        assert!(
            page.contains(
                "entered by a person and contradicted by the new text, kept and put up for review"
            ),
            "{l}: {}",
            &page[page.find("id=\"versions\"").unwrap_or(0)..][..1500]
        );
        // A bad pair is a message beside the selection.
        let r = c
            .get(format!("{}/agreements/{id}/redline?from=x&to=2", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");
        assert!(r.text().await.unwrap().contains("id=\"r-error\""), "{l}");
        let r = c
            .get(format!("{}/agreements/{id}/redline?from=1&to=9", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");

        // The agreement page: findings beside clauses with why and suggested language, and
        // each extracted term's link lands on its evidence span, marked.
        let page = c
            .get(format!("{}/agreements/{id}", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("class=\"finding sev-"), "{l}");
        assert!(page.contains("Why it matters:"), "{l}");
        assert!(page.contains("Suggested language"), "{l}");
        assert!(
            page.contains(
                "/agreements/{id}/redline"
                    .replace("{id}", &id.to_string())
                    .as_str()
            ),
            "{l}"
        );
        // An agreement whose value was extracted from a clause: its term links to the
        // evidence span, marked in that clause.
        let (rows, _) = app
            .store
            .list_agreements(
                &app.actor,
                &Default::default(),
                entente_store::Page {
                    limit: 100,
                    offset: 0,
                },
            )
            .await
            .unwrap();
        let mut with_evidence = None;
        for r in rows {
            let a = app.store.get_agreement(&app.actor, r.id).await.unwrap();
            let found = a.terms.0.iter().find_map(|(f, t)| match &t.source {
                entente_domain::terms::Source::Extracted {
                    clause_id: Some(_),
                    start,
                    end,
                    ..
                } if end > start => Some(f.as_str()),
                _ => None,
            });
            if let Some(f) = found {
                with_evidence = Some((r.id, f));
                break;
            }
        }
        let (eid, field) = with_evidence.expect("a demo term extracted from a clause");
        let page = c
            .get(format!("{}/agreements/{eid}", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marks: Vec<&str> = page
            .split("<mark id=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        assert!(!marks.is_empty(), "{l}: evidence marks for {field}");
        for m in &marks {
            assert!(
                page.contains(&format!("href=\"#{m}\"")),
                "{l}: a term links to {m}"
            );
        }

        // The calendar: a bookmarkable month with its neighbours, Halden's notice deadline
        // in its month, a bad month a message beside the field.
        let r = c
            .get(format!("{}/calendar", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let page = r.text().await.unwrap();
        assert!(page.contains("id=\"prev-month\""), "{l}");
        let notice = app
            .store
            .list_deadlines(
                &app.actor,
                &entente_domain::query::DeadlineQuery {
                    agreement_id: Some(id),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.kind == "non_renewal_notice_deadline")
            .expect("Halden's notice deadline");
        let month = &notice.due_date.to_string()[..7];
        let r = c
            .get(format!("{}/calendar?month={month}", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let page = r.text().await.unwrap();
        assert!(page.contains(HALDEN), "{l}");
        assert!(
            page.contains(&format!("href=\"/agreements/{id}#dates\"")),
            "{l}"
        );
        for href in links_in(&page, "<div class=\"monthbar\">", "</form>") {
            let r = c.get(format!("{}{href}", app.addr)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{l}: {href}");
        }
        let r = c
            .get(format!("{}/calendar?month=2026-13", app.addr))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");
        assert!(r.text().await.unwrap().contains("id=\"e-month\""), "{l}");

        // The personal feed: made by the form, its URL shown once, and it serves iCalendar.
        let page = c
            .get(format!("{}/calendar", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let r = c
            .post(format!("{}/calendar-feed", app.addr))
            .form(&[("csrf", csrf(&page).as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.url().path(), "/calendar", "{l}");
        let page = r.text().await.unwrap();
        let at = page.find("id=\"feed-url\"").expect("the new feed URL");
        let url = page[..at]
            .rsplit("href=\"")
            .next()
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let r = reqwest::get(&url).await.unwrap();
        assert_eq!(r.status(), 200, "{l}: {url}");
        assert!(
            r.text().await.unwrap().starts_with("BEGIN:VCALENDAR"),
            "{l}"
        );
        let again = c
            .get(format!("{}/calendar", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!again.contains("id=\"feed-url\""), "{l}: shown once");
        assert!(again.contains("Make a new link"), "{l}");
        // The agreement's own link, from its page.
        let page = c
            .get(format!("{}/agreements/{id}", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let r = c
            .post(format!("{}/agreements/{id}/calendar-feed", app.addr))
            .form(&[("csrf", csrf(&page).as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.url().path(), format!("/agreements/{id}"), "{l}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("id=\"agreement-feed-url\""),
            "{l}"
        );

        // The dashboard's risk charts, undecided endings, breaches and alerts: every link
        // leads to a page that renders.
        let dashboard = c
            .get(format!("{}/", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(dashboard.contains("Risk by blind spot"), "{l}");
        assert!(dashboard.contains("Risk by kind"), "{l}");
        assert!(dashboard.contains("Ending without a decision"), "{l}");
        assert!(dashboard.contains("Recent breaches"), "{l}");
        let main = &dashboard[dashboard.find("<main").unwrap()..];
        let mut seen = std::collections::HashSet::new();
        for href in links_in(main, "<main", "</main>") {
            if href.starts_with('#') || !seen.insert(href.clone()) {
                continue;
            }
            let r = c.get(format!("{}{href}", app.addr)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{l}: {href}");
        }
        let risk = c
            .get(format!("{}/risk?blind_spot=missing_exit", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            risk.contains("Agreements flagged for missing exit terms"),
            "{l}"
        );
    }
}

entente_store::on_each_backend!(
    without_javascript_the_redline_findings_evidence_calendar_and_risk_pages_render
);

async fn without_javascript_a_reviewer_confirms_a_value_and_sets_an_agreements_calendar() {
    for app in spawn_apps().await {
        let l = &app.label;
        let c = UiApp::client();
        app.sign_in(&c, ADMIN).await;

        // The review queue lists low-confidence values; confirming one takes it off.
        let before = app.store.review_queue(&app.actor).await.unwrap();
        let page = c
            .get(format!("{}/review", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if let Some(first) = before.first() {
            let action = format!("/review/{}/{}", first.agreement_id, first.field.as_str());
            assert!(page.contains(&action), "{l}");
            let r = c
                .post(format!("{}{action}", app.addr))
                .form(&[("csrf", csrf(&page).as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(r.url().path(), "/review", "{l}");
            let after = app.store.review_queue(&app.actor).await.unwrap();
            assert_eq!(after.len() + 1, before.len(), "{l}");
            let a = app
                .store
                .get_agreement(&app.actor, first.agreement_id)
                .await
                .unwrap();
            assert!(a.terms.0[&first.field].source.is_user(), "{l}");
        } else {
            assert!(page.contains("Nothing to review"), "{l}");
        }

        // The business-day calendar: a bad code is a message beside the field; a good one
        // is what the key dates follow.
        let id = app.halden().await;
        let page = c
            .get(format!("{}/agreements/{id}", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let r = c
            .post(format!("{}/agreements/{id}/calendar", app.addr))
            .form(&[("csrf", csrf(&page).as_str()), ("calendar", "atlantis")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"cal-e\""), "{l}");
        assert!(body.contains("not a built-in calendar code"), "{l}");
        let r = c
            .post(format!("{}/agreements/{id}/calendar", app.addr))
            .form(&[("csrf", csrf(&page).as_str()), ("calendar", "de")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let body = r.text().await.unwrap();
        let at = body.find("id=\"business-calendar\"").unwrap();
        assert!(
            body[at..at + 200].contains("<strong>Germany (federal)</strong>"),
            "{l}: {}",
            &body[at..at + 200]
        );
        assert!(body.contains("calendar set on the agreement"), "{l}");

        // The navigation offers the review queue exactly when it opens for the member.
        let b = UiApp::client();
        let (_, dashboard) = app.sign_in(&b, BUYER).await;
        let r = b.get(format!("{}/review", app.addr)).send().await.unwrap();
        assert_eq!(
            dashboard.contains("href=\"/review\""),
            r.status() == 200,
            "{l}: {}",
            r.status()
        );
    }
}

entente_store::on_each_backend!(
    without_javascript_a_reviewer_confirms_a_value_and_sets_an_agreements_calendar
);

async fn every_main_page_weighs_under_150_kb_with_its_assets() {
    for app in spawn_apps().await {
        let l = &app.label;
        let c = UiApp::client();
        app.sign_in(&c, ADMIN).await;
        let id = app.halden().await;
        let mut assets = 0;
        for path in ["/static/entente-2.css", "/static/htmx-2.0.11.min.js"] {
            let r = c.get(format!("{}{path}", app.addr)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{l}: {path}");
            assets += r.bytes().await.unwrap().len();
        }
        for path in [
            "/".to_owned(),
            "/agreements".to_owned(),
            format!("/agreements/{id}"),
            format!("/agreements/{id}/redline"),
            "/calendar".to_owned(),
            "/alerts".to_owned(),
            "/review".to_owned(),
            "/risk".to_owned(),
            "/drafts/new?template=consortium".to_owned(),
        ] {
            let r = c.get(format!("{}{path}", app.addr)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{l}: {path}");
            let html = r.bytes().await.unwrap().len();
            assert!(
                html + assets < 150 * 1024,
                "{l}: {path} weighs {} bytes with its assets",
                html + assets
            );
        }
    }
}

entente_store::on_each_backend!(every_main_page_weighs_under_150_kb_with_its_assets);

async fn without_javascript_a_member_of_two_organisations_switches_between_them() {
    for app in spawn_apps().await {
        let l = &app.label;
        // The administrator belongs to the demo's tenant and to a partner's (see helpers).
        // A member of one organisation sees its name and no switcher.
        let c = UiApp::client();
        let (_, page) = app.sign_in(&c, BUYER).await;
        assert!(!page.contains("action=\"/organisation\""), "{l}");
        assert!(page.contains("<span class=\"org\">Default</span>"), "{l}");

        let c = UiApp::client();
        let (status, dashboard) = app.sign_in(&c, ADMIN).await;
        assert_eq!(status, 200, "{l}");
        assert!(dashboard.contains(HALDEN), "{l}");
        assert!(dashboard.contains("action=\"/organisation\""), "{l}");
        assert!(
            dashboard.contains("<option value=\"default\" selected>Default</option>"),
            "{l}"
        );
        assert!(
            dashboard.contains("<option value=\"northwind\">Northwind Partners</option>"),
            "{l}"
        );

        // Without the session's CSRF token the form does nothing.
        let r = c
            .post(format!("{}/organisation", app.addr))
            .form(&[("organisation", "northwind")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{l}");

        // An organisation the member does not belong to is a page that names it.
        let token = csrf(&dashboard);
        let r = c
            .post(format!("{}/organisation", app.addr))
            .form(&[("csrf", token.as_str()), ("organisation", "acme")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");
        assert!(r.text().await.unwrap().contains("acme"), "{l}");

        let r = c
            .post(format!("{}/organisation", app.addr))
            .form(&[("csrf", token.as_str()), ("organisation", "northwind")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert_eq!(r.url().path(), "/", "{l}");
        let there = r.text().await.unwrap();
        assert!(!there.contains(HALDEN), "{l}: the other tenant has no demo");
        assert!(
            there.contains("<option value=\"northwind\" selected>Northwind Partners</option>"),
            "{l}"
        );
        let r = c
            .get(format!("{}/agreements?q=Halden", app.addr))
            .send()
            .await
            .unwrap();
        assert!(!r.text().await.unwrap().contains(HALDEN), "{l}");

        // The old CSRF token went with the old session; the new one switches back.
        let r = c
            .post(format!("{}/organisation", app.addr))
            .form(&[("csrf", token.as_str()), ("organisation", "default")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{l}");
        let r = c
            .post(format!("{}/organisation", app.addr))
            .form(&[("csrf", csrf(&there).as_str()), ("organisation", "default")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert!(r.text().await.unwrap().contains(HALDEN), "{l}");
    }
}

entente_store::on_each_backend!(
    without_javascript_a_member_of_two_organisations_switches_between_them
);

async fn without_javascript_a_member_enters_the_competitor_context() {
    for app in spawn_apps().await {
        let l = &app.label;
        let c = UiApp::client();
        let (_, dashboard) = app.sign_in(&c, ADMIN).await;
        // The dashboard's risk chart has a bar per regulatory area, opening its list.
        for area in ["competition", "data_protection"] {
            assert!(
                dashboard.contains(&format!("/risk?blind_spot={area}")),
                "{l}: no {area} bar"
            );
        }
        let id = app.halden().await;
        let page = c
            .get(format!("{}/agreements/{id}", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("id=\"competitors\""), "{l}");
        assert!(page.contains("not entered"), "{l}");
        assert!(page.contains("id=\"regulatory\""), "{l}");

        // Every wrong field is a message beside it, with what was typed; nothing is stored.
        let r = c
            .post(format!("{}/agreements/{id}/competitors", app.addr))
            .form(&[
                ("csrf", csrf(&page).as_str()),
                ("competing", "actual"),
                ("markets", ""),
                ("combined_share", "140"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{l}");
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"comp-markets-e\""), "{l}");
        assert!(body.contains("id=\"comp-share-e\""), "{l}");
        assert!(
            body.contains("value=\"140\""),
            "{l}: the typed share comes back"
        );
        assert!(
            entente_core::competitors::competitors(&app.store, &app.actor, id)
                .await
                .unwrap()
                .is_none(),
            "{l}"
        );

        let r = c
            .post(format!("{}/agreements/{id}/competitors", app.addr))
            .form(&[
                ("csrf", csrf(&page).as_str()),
                ("competing", "potential"),
                ("markets", "fleet risk data, EEA\n\nmotor insurance, UK"),
                ("combined_share", "12,5 %"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert_eq!(r.url().path(), format!("/agreements/{id}"), "{l}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains("potential competitors in fleet risk data, EEA; motor insurance, UK; combined share 12.5 %"),
            "{l}"
        );
    }
}

entente_store::on_each_backend!(without_javascript_a_member_enters_the_competitor_context);

/// A crowded day shows its first entries and a link to the month with that day whole.
async fn a_crowded_calendar_day_shows_its_first_entries_and_links_to_the_rest() {
    use entente_domain::obligation::{DueRule, NewObligation};
    for app in spawn_apps().await {
        let l = &app.label;
        let c = UiApp::client();
        assert_eq!(app.sign_in(&c, ADMIN).await.0, 200, "{l}");
        let id = app.halden().await;
        let today = app.store.today(&app.actor).await.unwrap();
        let day = today.plus_days(20);
        for i in 0..7 {
            app.store
                .create_obligation(
                    &app.actor,
                    id,
                    &NewObligation {
                        obligor: "Halden".into(),
                        beneficiary: None,
                        text: format!("Crowded duty {i}"),
                        due: DueRule::On { date: day },
                        metric: None,
                        status: None,
                        owner: None,
                        vague: false,
                        survives: false,
                    },
                )
                .await
                .unwrap();
        }
        let month = &day.to_string()[..7];
        let page = c
            .get(format!("{}/calendar?month={month}", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let cell = |page: &str| {
            let start = page
                .find(&format!("id=\"d-{day}\""))
                .expect("the day's cell");
            let end = page[start..].find("</td>").unwrap() + start;
            page[start..end].to_owned()
        };
        let crowded = cell(&page);
        let shown = crowded.matches("<li").count();
        assert_eq!(shown, 4, "{l}: {crowded}");
        let more = crowded
            .split("<p class=\"more\"><a href=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("a link to the rest")
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        assert!(crowded.contains("more on this day"), "{l}: {crowded}");
        let whole = c
            .get(format!("{}{more}", app.addr))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let whole = cell(&whole);
        assert!(whole.matches("<li").count() >= 7, "{l}: {whole}");
        assert!(!whole.contains("more on this day"), "{l}: {whole}");
    }
}

entente_store::on_each_backend!(
    a_crowded_calendar_day_shows_its_first_entries_and_links_to_the_rest
);
