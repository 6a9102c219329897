//! `spawn_apps`: one running server per backend, with typed request helpers.

use entente_domain::access::Role;
use entente_server::{AppState, Application};
use entente_store::testing::TestDb;
use entente_store::{Actor, Principal, Store};
use serde_json::Value;

/// The password of every test user.
pub(crate) const PASSWORD: &str = "correct horse battery staple";

/// One Argon2id hash per test binary: hashing is deliberately slow.
static PASSWORD_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| entente_core::auth::hash_password(PASSWORD).unwrap());

pub(crate) struct TestApp {
    pub(crate) addr: String,
    pub(crate) store: Store,
    pub(crate) actor: Actor,
    /// Authenticated as the tenant's administrator (bearer token).
    pub(crate) client: reqwest::Client,
    /// No credentials.
    pub(crate) anon: reqwest::Client,
    pub(crate) label: String,
    _db: TestDb,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// Starts one app per backend under test.
pub(crate) async fn spawn_apps() -> Vec<TestApp> {
    spawn_apps_with(|_| {}).await
}

/// Starts one app per backend under test whose clock runs from `at` (set before anything is
/// written, so tokens and sessions are made on that clock too).
pub(crate) async fn spawn_apps_at(at: &str) -> Vec<TestApp> {
    let at = entente_domain::Timestamp::parse(at).unwrap();
    let mut apps = Vec::new();
    for db in TestDb::all().await.expect("test database") {
        db.store.clock().set(at);
        apps.push(spawn(db, &|_: &mut AppState| {}).await);
    }
    apps
}

/// Starts one app per backend under test, with settings changed by `configure`.
pub(crate) async fn spawn_apps_with(configure: impl Fn(&mut AppState)) -> Vec<TestApp> {
    let mut apps = Vec::new();
    for db in TestDb::all().await.expect("test database") {
        apps.push(spawn(db, &configure).await);
    }
    apps
}

async fn spawn(db: TestDb, configure: &impl Fn(&mut AppState)) -> TestApp {
    let store = db.store.clone();
    let org = store
        .ensure_organisation("default", "Default")
        .await
        .unwrap();
    let mut state = AppState::new(store.clone(), org);
    // Plain HTTP on loopback: test clients keep the cookie only without `Secure`.
    state.secure_cookies = false;
    configure(&mut state);
    let app = Application::bind("127.0.0.1:0".parse().unwrap(), state)
        .await
        .unwrap();
    // Readiness comes from the bound listener, not a sleep.
    let addr = format!("http://{}", app.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    let actor = Actor::new(org, "test");
    let token = user_token(&store, &actor, "admin@example.com", Role::Admin).await;
    TestApp {
        addr,
        client: bearer_client(&token),
        anon: reqwest::Client::new(),
        store,
        actor,
        label: format!("{:?}", db.backend()),
        _db: db,
        _shutdown: tx,
    }
}

/// Creates a member with `role` in the actor's tenant and returns an API token for them.
pub(crate) async fn user_token(store: &Store, actor: &Actor, email: &str, role: Role) -> String {
    party_member_token(store, actor, email, role, None).await
}

/// Creates a member with `role` (a counterparty user linked to `party`) and returns an API
/// token the member made for themselves with their own role.
pub(crate) async fn party_member_token(
    store: &Store,
    actor: &Actor,
    email: &str,
    role: Role,
    party: Option<entente_domain::PartyId>,
) -> String {
    let user_id = store
        .add_member(actor, email, email, Some(&PASSWORD_HASH), role, party)
        .await
        .unwrap();
    let owner = Principal {
        user_id,
        email: email.to_owned(),
        org: actor.org,
        role,
        party_id: party,
        csrf: None,
        last_seen: None,
        token: None,
        owner_role: None,
    };
    entente_core::auth::create_token(store, actor, &owner, "test", None, None)
        .await
        .unwrap()
        .1
}

/// A client that sends `Authorization: Bearer <token>`.
pub(crate) fn bearer_client(token: &str) -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(h)
        .build()
        .unwrap()
}

impl TestApp {
    pub(crate) async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.addr))
            .send()
            .await
            .unwrap();
        decode(r).await
    }

    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        let r = self
            .client
            .request(method, format!("{}{path}", self.addr))
            .json(&body)
            .send()
            .await
            .unwrap();
        decode(r).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    pub(crate) async fn post_bytes(&self, path: &str, bytes: Vec<u8>) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.addr))
            .body(bytes)
            .send()
            .await
            .unwrap();
        decode(r).await
    }

    pub(crate) async fn post_agreement(&self, body: Value) -> (u16, Value) {
        self.post("/api/agreements", body).await
    }

    /// Rows and audit events in the tenant: a write that failed must change neither.
    pub(crate) async fn footprint(&self) -> (u64, usize, usize) {
        (
            self.store.count_agreements(&self.actor).await.unwrap(),
            self.store
                .list_parties(&self.actor, None)
                .await
                .unwrap()
                .len(),
            // Reading with a token records its use; that is not a write of the request's own.
            self.store
                .list_audit(&self.actor, None)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.action != "token.use")
                .count(),
        )
    }
}

async fn decode(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = r.text().await.unwrap();
    if status >= 400 {
        assert_eq!(
            ct, "application/problem+json",
            "errors are problem documents: {text}"
        );
    }
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, v)
}

pub(crate) fn agreement_body() -> Value {
    serde_json::json!({
        "title": "Northwind–Globex Integration Partnership",
        "kind": "collaboration",
        "status": "active",
        "owner": "maria.lopez@example.com",
        "tags": ["emea", "integration"],
        "parties": [
            {"legal_name": "Northwind Systems, Inc.", "short_name": "Northwind", "role": "partner", "jurisdiction": "Delaware, US"},
            {"legal_name": "Globex GmbH", "short_name": "Globex", "role": "partner", "jurisdiction": "Germany"}
        ],
        "terms": {
            "effective_date": "2025-06-01",
            "initial_term": "P2Y",
            "auto_renewal": true,
            "renewal_term": "P1Y",
            "notice_period_non_renewal": "P90D",
            "liability_cap": {"amount": "500000", "currency": "USD"},
            "governing_law": "New York"
        }
    })
}
