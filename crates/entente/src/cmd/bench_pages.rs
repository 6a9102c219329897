//! `entente bench pages`: serves the web UI on a throw-away store holding the demo portfolio
//! (plus synthetic agreements up to N) and times each main page as a signed-in person gets it.

use super::Outcome;
use super::bench_dates::{Rng, stats, synthetic};
use anyhow::Context;
use bytes::Bytes;
use entente_domain::access::Role;
use entente_domain::query::AgreementQuery;
use entente_store::testing::TestDb;
use entente_store::{Actor, Page, Store};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// hyper-util's client, as in `bench login`: already linked, plain HTTP/1 on loopback.
type HttpClient = Client<HttpConnector, Full<Bytes>>;

const EMAIL: &str = "legal@example.com";
const PASSWORD: &str = "correct horse battery staple";

/// Runs the benchmark and prints one line per page.
pub(crate) async fn run(
    agreements: usize,
    requests: usize,
    postgres: Option<&str>,
) -> anyhow::Result<Outcome> {
    anyhow::ensure!(requests > 0, "--requests must be at least 1");
    let db = match postgres {
        Some(url) => TestDb::postgres(url).await,
        None => TestDb::sqlite().await,
    }
    .context("cannot create the benchmark database")?;
    let label = match postgres {
        Some(_) => format!("PostgreSQL, {}", entente_store::redact(&db.url)),
        None => "SQLite, temporary file".to_owned(),
    };
    let result = bench(&db.store, &label, agreements, requests).await;
    db.store.close().await;
    drop(db);
    result
}

async fn bench(
    store: &Store,
    label: &str,
    agreements: usize,
    requests: usize,
) -> anyhow::Result<Outcome> {
    let org = store.ensure_organisation("default", "Default").await?;
    let actor = Actor::new(org, EMAIL);
    let t = Instant::now();
    let demo = entente_core::demo::load(store, &actor)
        .await
        .context("cannot load the demo portfolio")?;
    let extra = agreements.saturating_sub(demo.agreements);
    if extra > 0 {
        let (now, today) = (store.now(), store.today(&actor).await?);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut items = Vec::with_capacity(extra.min(5_000));
        for i in 0..extra {
            items.push(synthetic(i, today, now, &mut rng)?);
            if items.len() == 5_000 || i + 1 == extra {
                store.create_agreements_bulk(&actor, &items, 1000).await?;
                items.clear();
            }
        }
    }
    let hash = entente_core::auth::hash_password(PASSWORD)?;
    store
        .add_member(&actor, EMAIL, "Legal", Some(&hash), Role::Legal, None)
        .await?;
    let (halden, _) = store
        .list_agreements(
            &actor,
            &AgreementQuery {
                text: Some("Halden".into()),
                ..Default::default()
            },
            Page {
                limit: 1,
                offset: 0,
            },
        )
        .await?;
    let halden = halden
        .first()
        .map(|a| a.id)
        .context("the demo's Halden agreement is missing")?;
    let (_, portfolio) = store
        .list_agreements(
            &actor,
            &AgreementQuery::default(),
            Page {
                limit: 1,
                offset: 0,
            },
        )
        .await?;
    // Statistics as a running server has them after such a load (PostgreSQL's autovacuum, the
    // `pragma optimize` SQLite runs on each new connection).
    store.analyze().await?;
    let load = t.elapsed();

    let state = entente_server::AppState::new(store.clone(), org);
    let app = entente_server::Application::bind(SocketAddr::from(([127, 0, 0, 1], 0)), state)
        .await
        .context("cannot bind the benchmark server")?;
    let addr = app.local_addr()?;
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let cookie = sign_in(&client, addr).await?;

    println!(
        "entente bench pages: {portfolio} agreements ({} from the demo), {label}, loaded in {:.1} s",
        demo.agreements,
        load.as_secs_f64()
    );
    println!(
        "  server-side render and transfer on loopback, {requests} requests a page, signed in as legal"
    );
    let pages = [
        ("dashboard", "/".to_owned()),
        ("agreements", "/agreements".to_owned()),
        (
            "agreements, notice within 90 days",
            "/agreements?notice_within_days=90".to_owned(),
        ),
        ("agreement (Halden)", format!("/agreements/{halden}")),
        ("calendar", "/calendar".to_owned()),
        ("alerts", "/alerts".to_owned()),
        ("review", "/review".to_owned()),
    ];
    let mut worst_p95 = 0.0_f64;
    for (name, path) in &pages {
        // One unrecorded request: connection set-up and first-use caches are not timed.
        get(&client, addr, path, &cookie).await?;
        let mut times = Vec::with_capacity(requests);
        let mut bytes = 0;
        for _ in 0..requests {
            let t = Instant::now();
            bytes = get(&client, addr, path, &cookie).await?;
            times.push(t.elapsed());
        }
        let (p50, p95, mean) = stats(times);
        worst_p95 = worst_p95.max(p95);
        println!(
            "  {name:<36} p50 {p50:>7.2} ms  p95 {p95:>7.2} ms  mean {mean:>7.2} ms  {:>6.1} KB",
            bytes as f64 / 1024.0
        );
    }
    println!("  slowest p95: {worst_p95:.2} ms");

    drop(client);
    let _ = stop_server.send(());
    match tokio::time::timeout(Duration::from_secs(10), server).await {
        Ok(Ok(Ok(()))) => Ok(Outcome::Ok),
        Ok(Ok(Err(e))) => Err(e).context("the benchmark server failed"),
        Ok(Err(e)) => Err(e).context("the benchmark server task failed"),
        Err(_) => anyhow::bail!("the benchmark server did not shut down within 10 s"),
    }
}

/// Signs in through the API and returns the session cookie to send back (`name=value`).
async fn sign_in(client: &HttpClient, addr: SocketAddr) -> anyhow::Result<String> {
    let body = serde_json::json!({ "email": EMAIL, "password": PASSWORD }).to_string();
    let req = http::Request::post(format!("http://{addr}/api/session"))
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))?;
    let res = client.request(req).await.context("sign-in failed")?;
    anyhow::ensure!(
        res.status().is_success(),
        "sign-in answered HTTP {}",
        res.status()
    );
    res.headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("entente_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .context("sign-in set no session cookie")
}

/// Gets one page with the session cookie; fails unless it is a 200 HTML page. Returns its size.
async fn get(
    client: &HttpClient,
    addr: SocketAddr,
    path: &str,
    cookie: &str,
) -> anyhow::Result<usize> {
    let req = http::Request::get(format!("http://{addr}{path}"))
        .header(http::header::COOKIE, cookie)
        .body(Full::new(Bytes::new()))?;
    let res = client
        .request(req)
        .await
        .with_context(|| format!("GET {path} failed"))?;
    let status = res.status();
    let body = res.into_body().collect().await?.to_bytes();
    anyhow::ensure!(status.is_success(), "GET {path} answered HTTP {status}");
    Ok(body.len())
}
