//! The main flow in real Chromium through WebDriver (Debian's `chromium` and
//! `chromium-driver`, version-locked to each other): sign in, the dashboard, the list filtered
//! to notice deadlines within 90 days, the Halden agreement, its notice deadline's clause,
//! sign out. Headless, a fresh profile and a free port per run, explicit waits, one browser at
//! a time. Without Chromium the test is skipped with a message, except under `CI=true`, where
//! it fails. With `ENTENTE_SCREENSHOTS=DIR` it saves a 1280×800 screenshot of each main page
//! there (`docs/screenshots` in the repository).

use crate::helpers::{ADMIN, HALDEN, PASSWORD, UiApp, spawn_sqlite};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

/// How long any one wait may take: generous, so a busy machine does not fail the test.
const WAIT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(100);

/// One browser at a time in this test binary.
static BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn find_binary(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

/// The driver process, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver(binary: &PathBuf) -> Driver {
    let port = free_port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { child, port };
    // Ready when its port accepts connections.
    let deadline = Instant::now() + WAIT;
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(POLL).await;
    }
    driver
}

/// Where screenshots go, if anywhere.
fn screenshot_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ENTENTE_SCREENSHOTS")?;
    let mut p = PathBuf::from(dir);
    if p.is_relative() {
        // Relative to the workspace root, not the crate.
        p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(p);
    }
    std::fs::create_dir_all(&p).unwrap();
    Some(p)
}

async fn shot(browser: &WebDriver, name: &str) {
    if let Some(dir) = screenshot_dir() {
        browser
            .screenshot(&dir.join(format!("{name}.png")))
            .await
            .unwrap();
    }
}

async fn wait_for(browser: &WebDriver, by: By) -> WebElement {
    browser.query(by).wait(WAIT, POLL).first().await.unwrap()
}

async fn wait_for_url(browser: &WebDriver, what: &str, ok: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + WAIT;
    loop {
        let u = browser.current_url().await.unwrap();
        if ok(u.as_str()) {
            return;
        }
        assert!(Instant::now() < deadline, "waiting for {what}; at {u}");
        tokio::time::sleep(POLL).await;
    }
}

#[tokio::test]
async fn in_chromium_a_member_finds_the_halden_notice_deadline_and_lands_on_clause_4_2() {
    let (Some(chromium), Some(chromedriver)) = (
        find_binary(&["chromium", "chromium-browser", "google-chrome"]),
        find_binary(&["chromedriver"]),
    ) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but chromium and chromedriver are not installed (Debian: chromium chromium-driver)"
        );
        eprintln!(
            "skipped: chromium and chromedriver are not installed (apt-get install chromium chromium-driver fonts-liberation)"
        );
        return;
    };
    let _one = BROWSER.lock().await;
    let app = spawn_sqlite().await;
    let driver = start_driver(&chromedriver).await;
    let profile = tempfile::tempdir().unwrap();

    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(chromium.to_str().unwrap()).unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--hide-scrollbars",
        "--no-first-run",
        "--no-default-browser-check",
        "--lang=en-GB",
    ] {
        caps.add_arg(arg).unwrap();
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))
        .unwrap();
    let browser = WebDriver::new(format!("http://127.0.0.1:{}", driver.port), caps)
        .await
        .expect("a Chromium session");
    // A 1280×800 viewport, whatever the window's own decorations take.
    let chrome = browser
        .execute(
            "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
            Vec::new(),
        )
        .await
        .unwrap();
    let extra: Vec<u32> = serde_json::from_value(chrome.json().clone()).unwrap_or_default();
    browser
        .set_window_rect(
            0,
            0,
            1280 + extra.first().copied().unwrap_or(0),
            800 + extra.get(1).copied().unwrap_or(0),
        )
        .await
        .unwrap();
    browser
        .set_script_timeout(Duration::from_secs(90))
        .await
        .unwrap();
    let result = flow(&browser, &app).await;
    browser.quit().await.unwrap();
    result.unwrap();
}

async fn flow(b: &WebDriver, app: &UiApp) -> WebDriverResult<()> {
    // Signed out, the site opens on the sign-in form.
    b.goto(format!("{}/", app.addr)).await?;
    wait_for(b, By::Id("email")).await;
    shot(b, "signin").await;
    b.find(By::Id("email")).await?.send_keys(ADMIN).await?;
    b.find(By::Id("password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    b.find(By::Css("form.stack button[type=submit]"))
        .await?
        .click()
        .await?;

    // The dashboard: the notice deadline of Halden is listed with its derivation.
    let h1 = wait_for(b, By::XPath("//h1[text()='Dashboard']")).await;
    assert!(h1.is_displayed().await?);
    let due = b.find(By::Id("due-title")).await?;
    assert!(due.text().await?.contains("90 days"));
    b.query(By::LinkText(HALDEN))
        .wait(WAIT, POLL)
        .first()
        .await?;
    shot(b, "dashboard").await;
    let chart = b.find(By::Css("svg.chart")).await?;
    chart.scroll_into_view().await?;
    assert!(chart.find_all(By::Css("rect.bar")).await?.len() == 12);
    shot(b, "dashboard-chart").await;

    // The list, filtered to notice deadlines within 90 days.
    b.find(By::Css("nav[aria-label=Main] a[href='/agreements']"))
        .await?
        .click()
        .await?;
    let notice = wait_for(b, By::Id("f-notice")).await;
    notice.send_keys("90").await?;
    b.find(By::Id("apply-filters")).await?.click().await?;
    wait_for_url(b, "the filtered list", |u| {
        u.contains("notice_within_days=90")
    })
    .await;
    let link = b
        .query(By::Css("#agreements a"))
        .with_text(HALDEN)
        .wait(WAIT, POLL)
        .first()
        .await?;
    let value = b.find(By::Id("f-notice")).await?.value().await?;
    assert_eq!(
        value.as_deref(),
        Some("90"),
        "the filter shows what it applies"
    );
    shot(b, "agreements").await;

    // The agreement, and its notice deadline's clause (found again: htmx may have swapped
    // the list since).
    drop(link);
    b.query(By::Css("#agreements a"))
        .with_text(HALDEN)
        .wait(WAIT, POLL)
        .first()
        .await?
        .click()
        .await?;
    let title = wait_for(b, By::Id("a-title")).await;
    assert_eq!(title.text().await?, HALDEN);
    shot(b, "agreement").await;
    let clause_link = b
        .find(By::Css("#dates li.notice:not(.past) a.clause-link"))
        .await?;
    assert_eq!(clause_link.text().await?, "clause 4.2");
    clause_link.scroll_into_view().await?;
    clause_link.click().await?;
    wait_for_url(b, "the clause anchor", |u| u.ends_with("#n-4-2")).await;
    let clause = wait_for(b, By::Id("n-4-2")).await;
    assert!(clause.text().await?.starts_with("4.2"));
    // Landed: the clause is in the viewport and highlighted as the target.
    let landed = b
        .execute(
            "const r = document.getElementById('n-4-2').getBoundingClientRect(); \
             return r.top >= 0 && r.top < window.innerHeight && \
                    document.querySelector(':target') === document.getElementById('n-4-2');",
            Vec::new(),
        )
        .await?;
    assert_eq!(landed.json(), &serde_json::Value::Bool(true));
    shot(b, "agreement-clause").await;

    // The alerts inbox renders.
    b.find(By::Css("nav[aria-label=Main] a[href='/alerts']"))
        .await?
        .click()
        .await?;
    wait_for(b, By::XPath("//h1[text()='Alerts']")).await;
    shot(b, "alerts").await;

    more(b, app).await?;

    // Sign out: back on the sign-in form, and the dashboard is closed again.
    b.find(By::Id("signout")).await?.click().await?;
    wait_for_url(b, "the sign-in page", |u| u.contains("/signin")).await;
    let flash = wait_for(b, By::Css("p.flash")).await;
    assert_eq!(flash.text().await?, "You have signed out.");
    b.goto(format!("{}/", app.addr)).await?;
    wait_for_url(b, "the sign-in redirect", |u| u.contains("/signin")).await;
    Ok(())
}

/// axe-core 4.14.1 (npm `axe-core`, MPL-2.0; see `axe-LICENSE`), injected into pages by the
/// tests only: the product never serves it.
const AXE: &str = include_str!("axe.min.js");

/// Runs axe-core on the current page: the serious and critical violations, in words.
async fn axe_violations(b: &WebDriver) -> WebDriverResult<Vec<String>> {
    let loaded = b
        .execute(format!("{AXE}\n;return typeof window.axe;"), Vec::new())
        .await?;
    assert_eq!(loaded.json(), &serde_json::json!("object"), "axe loads");
    let r = b
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, { resultTypes: ['violations'] })\
               .then(r => done(r.violations\
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')\
                 .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' +\
                      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))\
               .catch(e => done(['axe failed: ' + e]));",
            Vec::new(),
        )
        .await?;
    Ok(serde_json::from_value(r.json().clone()).unwrap_or_default())
}

/// Whether the page is wider than the viewport (a horizontal scroll bar).
async fn overflows(b: &WebDriver) -> WebDriverResult<Option<String>> {
    let r = b
        .execute(
            "const d = document.documentElement;\
             if (d.scrollWidth <= d.clientWidth) return null;\
             const wide = [...document.querySelectorAll('body *')]\
               .filter(e => e.getBoundingClientRect().right > d.clientWidth + 1)\
               .slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);\
             return d.scrollWidth + ' > ' + d.clientWidth + ': ' + wide.join(', ');",
            Vec::new(),
        )
        .await?;
    Ok(r.json().as_str().map(str::to_owned))
}

/// Sets the viewport (not the window) to `w` × `h`.
async fn viewport(b: &WebDriver, w: u32, h: u32) -> WebDriverResult<()> {
    let chrome = b
        .execute(
            "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
            Vec::new(),
        )
        .await?;
    let extra: Vec<u32> = serde_json::from_value(chrome.json().clone()).unwrap_or_default();
    b.set_window_rect(
        0,
        0,
        w + extra.first().copied().unwrap_or(0),
        h + extra.get(1).copied().unwrap_or(0),
    )
    .await
}

/// Clicks `summary` to open its `<details>`, then returns the form inside.
async fn open_details(b: &WebDriver, details: &WebElement) -> WebDriverResult<WebElement> {
    let summary = details.find(By::Css("summary")).await?;
    summary.scroll_into_view().await?;
    b.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![summary.to_json()?],
    )
    .await?;
    summary.click().await?;
    details.find(By::Css("form")).await
}

async fn more(b: &WebDriver, app: &UiApp) -> WebDriverResult<()> {
    let id = app.halden().await;
    let page = format!("{}/agreements/{id}", app.addr);

    // Mark an occurrence done with a note and an evidence file, and see it done with the file.
    b.goto(&page).await?;
    wait_for(b, By::Id("a-title")).await;
    let done_form = b
        .find(By::XPath(
            "//form[contains(@action, '/done')]/ancestor::details[1]",
        ))
        .await?;
    let form = open_details(b, &done_form).await?;
    let action = form.attr("action").await?.unwrap_or_default();
    let row_key = {
        let after = action.split("/obligations/").nth(1).unwrap_or_default();
        let mut parts = after.split('/');
        let oid = parts.next().unwrap_or_default().to_owned();
        let due = parts.nth(1).unwrap_or_default().to_owned();
        format!("{oid}-{due}")
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("commission-statement.txt");
    std::fs::write(&file, "Commission statement, third quarter").unwrap();
    form.find(By::Css("input[name=note]"))
        .await?
        .send_keys("Statement sent and paid")
        .await?;
    form.find(By::Css("input[type=file]"))
        .await?
        .send_keys(file.to_str().unwrap())
        .await?;
    form.find(By::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    let row = wait_for(b, By::Id(format!("occ-{row_key}"))).await;
    let row_html = row.inner_html().await?;
    assert!(row_html.contains("o-done"), "{row_html}");
    let link = row.find(By::LinkText("commission-statement.txt")).await?;
    assert!(link.is_displayed().await?);
    row.scroll_into_view().await?;
    shot(b, "agreement-obligations").await;

    // Correct a value in place and see the `term.set` event in the audit trail.
    let term = b
        .find(By::XPath(
            "//section[@id='terms']//details[contains(@class, 'correct')]",
        ))
        .await?;
    let form = open_details(b, &term).await?;
    let note = form.find(By::Css("input[name=note]")).await?;
    note.send_keys("checked against the signed copy").await?;
    form.find(By::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    wait_for_url(b, "the corrected terms", |u| u.ends_with("#terms")).await;
    let audit = wait_for(b, By::Css("#audit table")).await;
    let text = audit.text().await?;
    assert!(text.contains("term.set"), "{text}");
    let terms = b.find(By::Id("terms")).await?.text().await?;
    assert!(terms.contains("checked against the signed copy"), "{terms}");

    // The redline between two versions, from the agreement page.
    app.halden_second_version().await;
    b.goto(&page).await?;
    let compare = wait_for(b, By::Id("compare-versions")).await;
    compare.scroll_into_view().await?;
    compare.click().await?;
    wait_for(b, By::XPath("//h1[text()='Redline']")).await;
    let del = b.find(By::Css(".redline del")).await?;
    let ins = b.find(By::Css(".redline ins")).await?;
    assert_eq!(del.text().await?, "thirty");
    assert_eq!(ins.text().await?, "sixty");
    assert!(b.find(By::Id("docx")).await?.is_displayed().await?);
    ins.scroll_into_view().await?;
    shot(b, "redline").await;

    // The calendar, and the month after.
    b.find(By::Css("nav[aria-label=Main] a[href='/calendar']"))
        .await?
        .click()
        .await?;
    wait_for(b, By::XPath("//h1[text()='Calendar']")).await;
    shot(b, "calendar").await;
    b.find(By::Id("next-month")).await?.click().await?;
    wait_for_url(b, "the next month", |u| u.contains("/calendar?month=")).await;

    // The review queue.
    b.goto(format!("{}/review", app.addr)).await?;
    wait_for(b, By::XPath("//h1[text()='Values to review']")).await;
    shot(b, "review").await;

    // Every main page: no serious or critical accessibility violation at 1280×800, and no
    // horizontal overflow on a 768-pixel-wide tablet.
    let pages = [
        "/".to_owned(),
        "/agreements".to_owned(),
        format!("/agreements/{id}"),
        format!("/agreements/{id}/redline"),
        "/calendar".to_owned(),
        "/alerts".to_owned(),
        "/review".to_owned(),
        "/risk".to_owned(),
    ];
    let mut problems = Vec::new();
    for p in &pages {
        b.goto(format!("{}{p}", app.addr)).await?;
        wait_for(b, By::Css("main h1")).await;
        for v in axe_violations(b).await? {
            problems.push(format!("{p}: {v}"));
        }
    }
    viewport(b, 768, 1024).await?;
    for p in &pages {
        b.goto(format!("{}{p}", app.addr)).await?;
        wait_for(b, By::Css("main h1")).await;
        if let Some(o) = overflows(b).await? {
            problems.push(format!("{p} at 768 px: {o}"));
        }
    }
    b.goto(format!("{}/agreements/{id}", app.addr)).await?;
    wait_for(b, By::Id("a-title")).await;
    shot(b, "tablet-agreement").await;
    viewport(b, 1280, 800).await?;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}
