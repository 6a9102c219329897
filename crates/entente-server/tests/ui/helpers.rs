//! `spawn_ui`: the real server on port 0 with the demo portfolio loaded and two members who
//! sign in with a password, and a cookie-jar client that signs in through the form.

use entente_domain::access::Role;
use entente_server::{AppState, Application};
use entente_store::testing::TestDb;
use entente_store::{Actor, Store};

/// The password of every test member.
pub(crate) const PASSWORD: &str = "correct horse battery staple";
/// The administrator.
pub(crate) const ADMIN: &str = "admin@example.com";
/// A procurement member (sees agreements that are not restricted).
pub(crate) const BUYER: &str = "buyer@example.com";
/// The slug of a second tenant the administrator (only) belongs to.
pub(crate) const PARTNER_SLUG: &str = "northwind";
/// The demo agreement the flows look for.
pub(crate) const HALDEN: &str = "Halden Insurance Referral and Fleet Risk Data Cooperation";

static PASSWORD_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| entente_core::auth::hash_password(PASSWORD).unwrap());

pub(crate) struct UiApp {
    pub(crate) addr: String,
    pub(crate) store: Store,
    pub(crate) actor: Actor,
    pub(crate) label: String,
    _db: TestDb,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// One app per backend under test.
pub(crate) async fn spawn_apps() -> Vec<UiApp> {
    let mut apps = Vec::new();
    for db in TestDb::all().await.expect("test database") {
        apps.push(spawn(db).await);
    }
    apps
}

/// The app on a fresh SQLite database.
pub(crate) async fn spawn_sqlite() -> UiApp {
    spawn(TestDb::sqlite().await.expect("sqlite")).await
}

async fn spawn(db: TestDb) -> UiApp {
    let store = db.store.clone();
    let org = store
        .ensure_organisation("default", "Default")
        .await
        .unwrap();
    let mut state = AppState::new(store.clone(), org);
    // Plain HTTP on loopback: the cookie is kept only without `Secure` (as with
    // `serve --insecure-cookies`).
    state.secure_cookies = false;
    let app = Application::bind("127.0.0.1:0".parse().unwrap(), state)
        .await
        .unwrap();
    let addr = format!("http://{}", app.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    let actor = Actor::new(org, "test");
    for (email, role) in [(ADMIN, Role::Admin), (BUYER, Role::Procurement)] {
        store
            .add_member(&actor, email, email, Some(&PASSWORD_HASH), role, None)
            .await
            .unwrap();
    }
    // The administrator also belongs to a partner's tenant, so the header offers a switch.
    let partner = store
        .ensure_organisation(PARTNER_SLUG, "Northwind Partners")
        .await
        .unwrap();
    store
        .add_member(
            &Actor::new(partner, "test"),
            ADMIN,
            ADMIN,
            None,
            Role::Legal,
            None,
        )
        .await
        .unwrap();
    entente_core::demo::load(&store, &actor).await.unwrap();
    // Deadlines are materialised by the scheduler; one step brings them up to date.
    store.refresh_deadlines(store.now(), 10_000).await.unwrap();
    // And one raises the alerts that are due, so inboxes are not empty.
    store.raise_alerts(store.now(), false).await.unwrap();
    UiApp {
        addr,
        store,
        actor,
        label: format!("{:?}", db.backend()),
        _db: db,
        _shutdown: tx,
    }
}

impl UiApp {
    /// A browser-like client: keeps cookies, follows redirects, sends no JavaScript headers.
    pub(crate) fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap()
    }

    /// Signs `client` in as `email` through the sign-in form; returns the page it lands on.
    pub(crate) async fn sign_in(&self, client: &reqwest::Client, email: &str) -> (u16, String) {
        let r = client
            .post(format!("{}/signin", self.addr))
            .form(&[("email", email), ("password", PASSWORD), ("next", "/")])
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    }

    /// The id of the demo's Halden agreement.
    pub(crate) async fn halden(&self) -> entente_domain::AgreementId {
        let (rows, _) = self
            .store
            .list_agreements(
                &self.actor,
                &entente_domain::query::AgreementQuery {
                    text: Some("Halden".into()),
                    ..Default::default()
                },
                entente_store::Page::default(),
            )
            .await
            .unwrap();
        rows.into_iter().find(|r| r.title == HALDEN).unwrap().id
    }
}

impl UiApp {
    /// Adds a second version of the Halden agreement whose notice period reads sixty days
    /// instead of thirty, as an upload through the API would.
    pub(crate) async fn halden_second_version(&self) -> entente_domain::AgreementId {
        let id = self.halden().await;
        let v1 = self
            .store
            .version_text_by_number(&self.actor, id, Some(1))
            .await
            .unwrap()
            .text;
        assert!(v1.contains("thirty (30) days before the end"));
        let v2 = v1.replacen(
            "thirty (30) days before the end",
            "sixty (60) days before the end",
            1,
        );
        entente_core::add_version_document(
            &self.store,
            &self.actor,
            id,
            v2.as_bytes(),
            "halden-v2.txt",
            &entente_analysis::Limits::default(),
        )
        .await
        .unwrap();
        id
    }
}

/// The `href`s inside the first element that starts with `open` (up to its closing `close`).
pub(crate) fn links_in(html: &str, open: &str, close: &str) -> Vec<String> {
    let Some(start) = html.find(open) else {
        return Vec::new();
    };
    let rest = &html[start..];
    let block = &rest[..rest.find(close).unwrap_or(rest.len())];
    block
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&").replace("&#38;", "&"))
        .collect()
}

/// The value of the hidden CSRF field on a page.
pub(crate) fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..].split('"').next().unwrap().to_owned()
}
