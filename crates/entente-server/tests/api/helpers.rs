//! `spawn_apps`: one running server per backend, with typed request helpers.

use entente_server::{AppState, Application};
use entente_store::testing::TestDb;
use entente_store::{Actor, Store};
use serde_json::Value;

pub(crate) struct TestApp {
    pub(crate) addr: String,
    pub(crate) store: Store,
    pub(crate) actor: Actor,
    pub(crate) client: reqwest::Client,
    pub(crate) label: String,
    _db: TestDb,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// Starts one app per backend under test.
pub(crate) async fn spawn_apps() -> Vec<TestApp> {
    let mut apps = Vec::new();
    for db in TestDb::all().await.expect("test database") {
        apps.push(spawn(db).await);
    }
    apps
}

async fn spawn(db: TestDb) -> TestApp {
    let store = db.store.clone();
    let org = store
        .ensure_organisation("default", "Default")
        .await
        .unwrap();
    let state = AppState {
        store: store.clone(),
        limits: entente_analysis::Limits::default(),
        org,
    };
    let app = Application::bind("127.0.0.1:0".parse().unwrap(), state)
        .await
        .unwrap();
    // Readiness comes from the bound listener, not a sleep.
    let addr = format!("http://{}", app.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    TestApp {
        addr,
        store,
        actor: Actor::new(org, "test"),
        client: reqwest::Client::new(),
        label: format!("{:?}", db.backend()),
        _db: db,
        _shutdown: tx,
    }
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
            self.store
                .list_audit(&self.actor, None)
                .await
                .unwrap()
                .len(),
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
