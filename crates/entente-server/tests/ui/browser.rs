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

    // The agreement, and its notice deadline's clause.
    link.click().await?;
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

    // Sign out: back on the sign-in form, and the dashboard is closed again.
    b.find(By::Id("signout")).await?.click().await?;
    wait_for_url(b, "the sign-in page", |u| u.contains("/signin")).await;
    let flash = wait_for(b, By::Css("p.flash")).await;
    assert_eq!(flash.text().await?, "You have signed out.");
    b.goto(format!("{}/", app.addr)).await?;
    wait_for_url(b, "the sign-in redirect", |u| u.contains("/signin")).await;
    Ok(())
}
