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

/// The step the flow is at, named in the failure message: a WebDriver error says what went
/// wrong but not where.
static STEP: std::sync::Mutex<&str> = std::sync::Mutex::new("start");

fn step(name: &'static str) {
    *STEP.lock().unwrap() = name;
}

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

/// Runs `step` again while the page re-renders under it (an htmx swap or a navigation that
/// lands after the element was found), until it succeeds, fails otherwise, or `WAIT` passes.
async fn settled<T>(mut step: impl AsyncFnMut() -> WebDriverResult<T>) -> WebDriverResult<T> {
    let deadline = Instant::now() + WAIT;
    loop {
        match step().await {
            Err(e) if is_stale(&e) && Instant::now() < deadline => tokio::time::sleep(POLL).await,
            r => return r,
        }
    }
}

/// The text of the element `by` finds, found again if the page re-renders under it between
/// finding and reading (a live preview or a boosted form swaps its part of the page).
async fn text_of(b: &WebDriver, by: By) -> WebDriverResult<String> {
    settled(async || b.find(by.clone()).await?.text().await).await
}

/// Waits until the element `by` finds has a text for which `ok` holds, and returns that text.
async fn wait_for_text(
    b: &WebDriver,
    by: By,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> WebDriverResult<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let text = match b.find(by.clone()).await {
            Ok(e) => match e.text().await {
                Ok(t) => t,
                Err(e) if is_stale(&e) => String::new(),
                Err(e) => return Err(e),
            },
            Err(_) => String::new(),
        };
        if ok(&text) {
            return Ok(text);
        }
        assert!(
            Instant::now() < deadline,
            "waiting for {what}; last text: {text}"
        );
        tokio::time::sleep(POLL).await;
    }
}

fn is_stale(e: &WebDriverError) -> bool {
    matches!(
        e.as_inner(),
        thirtyfour::error::WebDriverErrorInner::StaleElementReference(_)
    )
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
    if let Err(e) = result {
        panic!("at the step \"{}\": {e}", STEP.lock().unwrap());
    }
}

async fn flow(b: &WebDriver, app: &UiApp) -> WebDriverResult<()> {
    step("sign in");
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

    step("dashboard");
    // The dashboard: the notice deadline of Halden is listed with its derivation.
    let h1 = wait_for(b, By::XPath("//h1[text()='Dashboard']")).await;
    assert!(h1.is_displayed().await?);
    let due = text_of(b, By::Id("due-title")).await?;
    assert!(due.contains("90 days"), "{due}");
    b.query(By::LinkText(HALDEN))
        .wait(WAIT, POLL)
        .first()
        .await?;
    shot(b, "dashboard").await;
    let chart = b.find(By::Css("svg.chart")).await?;
    chart.scroll_into_view().await?;
    assert!(chart.find_all(By::Css("rect.bar")).await?.len() == 12);
    shot(b, "dashboard-chart").await;

    step("filtered list");
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
    let value = settled(async || {
        b.query(By::Css("#agreements a"))
            .with_text(HALDEN)
            .wait(WAIT, POLL)
            .first()
            .await?;
        b.find(By::Id("f-notice")).await?.value().await
    })
    .await?;
    assert_eq!(
        value.as_deref(),
        Some("90"),
        "the filter shows what it applies"
    );
    shot(b, "agreements").await;

    step("agreement and clause");
    // The agreement, and its notice deadline's clause (found again: htmx may have swapped
    // the list since).
    settled(async || {
        b.query(By::Css("#agreements a"))
            .with_text(HALDEN)
            .wait(WAIT, POLL)
            .first()
            .await?
            .click()
            .await
    })
    .await?;
    wait_for(b, By::Id("a-title")).await;
    assert_eq!(text_of(b, By::Id("a-title")).await?, HALDEN);
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

    step("alerts");
    // The alerts inbox renders.
    b.find(By::Css("nav[aria-label=Main] a[href='/alerts']"))
        .await?
        .click()
        .await?;
    wait_for(b, By::XPath("//h1[text()='Alerts']")).await;
    shot(b, "alerts").await;

    more(b, app).await?;

    step("sign out");
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

    step("occurrence done");
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
    // The page before the submission has a row of the same id: wait until the row is done.
    let deadline = Instant::now() + WAIT;
    let row = loop {
        let done = settled(async || {
            let row = wait_for(b, By::Id(format!("occ-{row_key}"))).await;
            let html = row.inner_html().await?;
            Ok((html.contains("o-done"), row, html))
        })
        .await?;
        match done {
            (true, row, _) => break row,
            (false, _, html) => assert!(Instant::now() < deadline, "never done: {html}"),
        }
        tokio::time::sleep(POLL).await;
    };
    let link = row.find(By::LinkText("commission-statement.txt")).await?;
    assert!(link.is_displayed().await?);
    row.scroll_into_view().await?;
    shot(b, "agreement-obligations").await;

    step("correct a value");
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
    let text = settled(async || wait_for(b, By::Css("#audit table")).await.text().await).await?;
    assert!(text.contains("term.set"), "{text}");
    let terms = text_of(b, By::Id("terms")).await?;
    assert!(terms.contains("checked against the signed copy"), "{terms}");

    step("redline");
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

    step("calendar");
    // The calendar, and the month after.
    b.find(By::Css("nav[aria-label=Main] a[href='/calendar']"))
        .await?
        .click()
        .await?;
    wait_for(b, By::XPath("//h1[text()='Calendar']")).await;
    shot(b, "calendar").await;
    b.find(By::Id("next-month")).await?.click().await?;
    wait_for_url(b, "the next month", |u| u.contains("/calendar?month=")).await;

    step("review");
    // The review queue.
    b.goto(format!("{}/review", app.addr)).await?;
    wait_for(b, By::XPath("//h1[text()='Values to review']")).await;
    shot(b, "review").await;

    let drafted = drafting(b, app).await?;

    step("accessibility and overflow");
    // Every main page: no serious or critical accessibility violation at 1280×800, and no
    // horizontal overflow on a 768-pixel-wide tablet.
    let pages = [
        "/drafts/new?template=consortium".to_owned(),
        drafted,
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

/// Sets a form control's value as a person choosing it would (a date picker, a select), with
/// the events htmx listens for.
async fn set_value(b: &WebDriver, id: &str, value: &str) -> WebDriverResult<()> {
    b.execute(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1]; \
         e.dispatchEvent(new Event('input', {bubbles: true})); \
         e.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![serde_json::json!(id), serde_json::json!(value)],
    )
    .await?;
    Ok(())
}

/// A draft from the technology integration template: the form filled in, the live preview
/// following it (errors while a party is incomplete, the document once it is complete), the
/// draft created, and its liability clause switched to the fallback. Returns the draft's page.
async fn drafting(b: &WebDriver, app: &UiApp) -> WebDriverResult<String> {
    step("drafting");
    b.goto(format!("{}/agreements", app.addr)).await?;
    wait_for(b, By::Id("new-draft")).await.click().await?;
    let pick = wait_for(b, By::Id("t-pick")).await;
    drop(pick);
    set_value(b, "t-pick", "technology-integration").await?;
    b.find(By::Id("choose-template")).await?.click().await?;
    wait_for(b, By::Id("draft-form")).await;
    for (id, text) in [
        ("v.party_a.legal_name", "Northwind Systems Ltd"),
        ("v.party_a.short_name", "Northwind"),
        ("v.party_a.jurisdiction", "England and Wales"),
        ("v.party_a.address", "10 Finsbury Square, London EC2A 1AF"),
        ("v.party_a.notice_email", "legal@northwind.example"),
        ("v.party_b.legal_name", "Globex GmbH"),
        ("v.party_b.short_name", "Globex"),
        ("v.party_b.jurisdiction", "Germany"),
        ("v.party_b.address", "Leopoldstrasse 88, 80802 Munich"),
        ("v.annual_value.amount", "240000"),
        ("v.product_a", "Northwind Fleet Platform"),
        ("v.product_b", "Globex Route Engine"),
        (
            "v.deliverables",
            "Joint integration plan | Both Parties | 31 March 2027",
        ),
    ] {
        b.find(By::Id(id)).await?.send_keys(text).await?;
    }
    set_value(b, "v.effective_date", "2027-03-01").await?;
    set_value(b, "v.launch_date", "2027-09-01").await?;
    // Globex has no notice address yet: the live preview names what is missing.
    wait_for_text(b, By::Id("preview-errors"), "the preview's errors", |t| {
        t.contains("party_b")
    })
    .await?;
    b.find(By::Id("v.party_b.notice_email"))
        .await?
        .send_keys("vertrag@globex.example")
        .await?;
    set_value(b, "p.liability.cap", "preferred").await?;
    wait_for_text(b, By::Css("#draft-document"), "the drafted document", |t| {
        t.contains("Globex GmbH") && t.contains("Northwind Fleet Platform")
    })
    .await?;
    b.execute("window.scrollTo(0, 0);", Vec::new()).await?;
    shot(b, "draft-new").await;

    let create = b.find(By::Id("create-draft")).await?;
    create.scroll_into_view().await?;
    create.click().await?;
    wait_for(b, By::Id("a-title")).await;
    assert_eq!(
        text_of(b, By::Id("a-title")).await?,
        "Technology Integration Partnership Agreement"
    );
    let page = b.current_url().await?.path().to_owned();
    set_value(b, "sw-liability.cap", "two-times").await?;
    let row = b.find(By::Id("pos-liability.cap")).await?;
    let button = row.find(By::Css("button[type=submit]")).await?;
    b.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![button.to_json()?],
    )
    .await?;
    button.click().await?;
    wait_for_url(b, "the switched position", |u| u.ends_with("#positions")).await;
    wait_for_text(
        b,
        By::Id("pos-liability.cap"),
        "the switched position",
        |t| t.contains("two-times"),
    )
    .await?;
    let audit = text_of(b, By::Css("#audit table")).await?;
    assert!(audit.contains("draft.position"), "{audit}");
    b.execute(
        "document.getElementById('positions').scrollIntoView({block: 'start'});",
        Vec::new(),
    )
    .await?;
    shot(b, "agreement-positions").await;
    Ok(page)
}
