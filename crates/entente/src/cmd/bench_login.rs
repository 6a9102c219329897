//! `entente bench login`: floods the real server's sign-in with failed attempts from one
//! address while timing `/healthz`, to show the address throttle holds without slowing the rest.

use super::Outcome;
use anyhow::Context;
use bytes::Bytes;
use entente_domain::access::Role;
use entente_store::Actor;
use entente_store::testing::TestDb;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// hyper-util's client rather than reqwest: the server links it already, so the binary gains
/// no crates for a benchmark, and plain HTTP/1 on loopback is all this needs.
type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// The one real account; every other attempt names it, the rest name e-mails no account has.
const OWNER: &str = "owner@example.com";
const OWNER_PASSWORD: &str = "correct horse battery staple";
const WRONG_PASSWORD: &str = "wrong password!!";
/// How often the second client asks `/healthz` during the flood.
const HEALTH_EVERY: Duration = Duration::from_millis(5);
/// The p99 the rest of the server must stay under while the flood runs.
const HEALTH_P99_LIMIT_MS: f64 = 20.0;

/// The command's options.
#[derive(Debug)]
pub(crate) struct Options {
    /// Failed sign-ins to send.
    pub(crate) attempts: usize,
    /// Sign-ins in flight at once.
    pub(crate) concurrency: usize,
    /// PostgreSQL server URL (a throw-away database there) instead of a temporary SQLite file.
    pub(crate) postgres: Option<String>,
    /// Print the report as JSON.
    pub(crate) json: bool,
}

/// How the server answered one sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// 401: the password was checked and was wrong.
    Unauthorized,
    /// 429 because the client address is on hold.
    AddressHeld { retry_after: bool },
    /// 429 because the e-mail's own attempts are on hold.
    AccountHeld { retry_after: bool },
    /// Any other status.
    Other(u16),
    /// No HTTP answer at all (connection refused, reset, …).
    Unanswered,
}

/// What the benchmark measured, printed as text or JSON.
#[derive(Debug, Serialize)]
struct Report {
    database: String,
    attempts: usize,
    concurrency: usize,
    unauthorized: usize,
    throttled: usize,
    throttled_address: usize,
    throttled_account: usize,
    throttled_with_retry_after: usize,
    server_errors: usize,
    other: usize,
    no_answer: usize,
    /// Attempts the address limit let through before it held the address.
    passed_address_limit: usize,
    /// What the address policy allows in its window.
    address_allowance: u32,
    flood_ms: f64,
    healthz: Health,
    ok: bool,
    verdict: String,
}

/// `/healthz` latencies during the flood.
#[derive(Debug, Serialize)]
struct Health {
    samples: usize,
    failures: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    /// When the slowest check started, counted from the start of the flood.
    max_at_ms: f64,
}

/// Runs the benchmark, prints its report, and fails (exit code 1) if the throttle or the
/// server's health did not hold.
pub(crate) async fn run(opts: Options) -> anyhow::Result<Outcome> {
    anyhow::ensure!(
        opts.attempts > 0 && opts.concurrency > 0,
        "--attempts and --concurrency must be at least 1"
    );
    let db = match &opts.postgres {
        Some(url) => TestDb::postgres(url).await,
        None => TestDb::sqlite().await,
    }
    .context("cannot create the benchmark database")?;
    let database = match &opts.postgres {
        Some(_) => format!("PostgreSQL, {}", entente_store::redact(&db.url)),
        None => "SQLite, temporary file".to_owned(),
    };
    let result = bench(&db, database, &opts).await;
    db.store.close().await;
    // The guard removes the temporary file or drops the PostgreSQL database.
    drop(db);
    let report = result?;
    if opts.json {
        println!("{}", super::json::pretty(&report)?);
    } else {
        print_text(&report);
    }
    Ok(if report.ok {
        Outcome::Ok
    } else {
        Outcome::CheckFailed
    })
}

async fn bench(db: &TestDb, database: String, opts: &Options) -> anyhow::Result<Report> {
    let store = &db.store;
    let org = store.ensure_organisation("default", "Default").await?;
    // Hashed here on the async worker: nothing is served or timed yet.
    let hash = entente_core::auth::hash_password(OWNER_PASSWORD)?;
    store
        .add_member(
            &Actor::new(org, "bench"),
            OWNER,
            "Owner",
            Some(&hash),
            Role::Admin,
            None,
        )
        .await?;
    let state = entente_server::AppState::new(store.clone(), org);
    let app = entente_server::Application::bind(SocketAddr::from(([127, 0, 0, 1], 0)), state)
        .await
        .context("cannot bind the benchmark server")?;
    let addr = app.local_addr()?;
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    // Two clients, so the health checks never queue behind a sign-in on a shared connection.
    let flood_client = client();
    let health_client = client();
    let health_uri = format!("http://{addr}/healthz");
    // One unrecorded check: the server is up, and the health connection's set-up is not timed.
    health(&health_client, &health_uri)
        .await
        .context("the benchmark server does not answer /healthz")?;

    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let poller = tokio::spawn(poll_health(
        health_client.clone(),
        health_uri,
        started,
        stop.clone(),
    ));
    let answers = flood(&flood_client, addr, opts.attempts, opts.concurrency).await?;
    let flood_time = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (samples, failures) = poller.await.context("the /healthz poller failed")?;

    drop((flood_client, health_client));
    let _ = stop_server.send(());
    // Draining should take milliseconds; a server that hangs must not hang the benchmark.
    match tokio::time::timeout(Duration::from_secs(10), server).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => return Err(e).context("the benchmark server failed"),
        Ok(Err(e)) => return Err(e).context("the benchmark server task failed"),
        Err(_) => anyhow::bail!("the benchmark server did not shut down within 10 s"),
    }
    Ok(report(
        database, opts, &answers, flood_time, samples, failures,
    ))
}

fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Sends `attempts` failed sign-ins, `concurrency` at a time, all from this process's
/// loopback address, and returns the answers in the order the attempts were numbered.
async fn flood(
    client: &HttpClient,
    addr: SocketAddr,
    attempts: usize,
    concurrency: usize,
) -> anyhow::Result<Vec<Answer>> {
    let next = Arc::new(AtomicUsize::new(0));
    let uri = Arc::new(format!("http://{addr}/api/session"));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency.min(attempts) {
        let (client, next, uri) = (client.clone(), next.clone(), uri.clone());
        workers.spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= attempts {
                    return out;
                }
                let email = if i.is_multiple_of(2) {
                    OWNER.to_owned()
                } else {
                    format!("nobody{i}@example.com")
                };
                out.push((i, sign_in(&client, &uri, &email).await));
            }
        });
    }
    let mut answers = vec![Answer::Unanswered; attempts];
    while let Some(done) = workers.join_next().await {
        for (i, a) in done.context("a sign-in worker failed")? {
            answers[i] = a;
        }
    }
    Ok(answers)
}

async fn sign_in(client: &HttpClient, uri: &str, email: &str) -> Answer {
    let body = serde_json::json!({ "email": email, "password": WRONG_PASSWORD }).to_string();
    let Ok(req) = http::Request::post(uri)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
    else {
        return Answer::Unanswered;
    };
    let Ok(res) = client.request(req).await else {
        return Answer::Unanswered;
    };
    let status = res.status().as_u16();
    let retry_after = res.headers().contains_key(http::header::RETRY_AFTER);
    let Ok(body) = res.into_body().collect().await else {
        return Answer::Unanswered;
    };
    match status {
        401 => Answer::Unauthorized,
        429 => {
            // The problem document's detail is the only place the two holds differ; if its
            // wording changes, every 429 counts as an account hold and the verdict fails
            // loudly rather than silently.
            let detail = serde_json::from_slice::<serde_json::Value>(&body.to_bytes())
                .ok()
                .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_owned))
                .unwrap_or_default();
            if detail.contains("from this address") {
                Answer::AddressHeld { retry_after }
            } else {
                Answer::AccountHeld { retry_after }
            }
        }
        s => Answer::Other(s),
    }
}

/// One `GET /healthz`: its latency, or an error if it did not answer 200.
async fn health(client: &HttpClient, uri: &str) -> anyhow::Result<Duration> {
    let req = http::Request::get(uri).body(Full::new(Bytes::new()))?;
    let t = Instant::now();
    let res = client.request(req).await?;
    let status = res.status();
    res.into_body().collect().await?;
    let took = t.elapsed();
    anyhow::ensure!(status == http::StatusCode::OK, "/healthz answered {status}");
    Ok(took)
}

/// One `/healthz` check: when it started (from the start of the flood) and how long it took.
type Sample = (Duration, Duration);

/// Asks `/healthz` every [`HEALTH_EVERY`] until `stop` is set; returns the answers' samples
/// and the number of failures.
async fn poll_health(
    client: HttpClient,
    uri: String,
    started: Instant,
    stop: Arc<AtomicBool>,
) -> (Vec<Sample>, usize) {
    let mut tick = tokio::time::interval(HEALTH_EVERY);
    // A slow answer delays the next check instead of firing a burst to catch up, which
    // would measure the poller rather than the server.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut samples, mut failures) = (Vec::new(), 0);
    // At least one check, however short the flood.
    loop {
        tick.tick().await;
        let at = started.elapsed();
        match health(&client, &uri).await {
            Ok(d) => samples.push((at, d)),
            Err(e) => {
                tracing::warn!(error = %e, "/healthz failed during the flood");
                failures += 1;
            }
        }
        if stop.load(Ordering::Relaxed) {
            return (samples, failures);
        }
    }
}

/// The `q` quantile (nearest rank) of sorted latencies, in milliseconds.
fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

fn report(
    database: String,
    opts: &Options,
    answers: &[Answer],
    flood_time: Duration,
    samples: Vec<Sample>,
    failures: usize,
) -> Report {
    let count = |f: &dyn Fn(&Answer) -> bool| answers.iter().filter(|a| f(a)).count();
    let unauthorized = count(&|a| *a == Answer::Unauthorized);
    let throttled_address = count(&|a| matches!(a, Answer::AddressHeld { .. }));
    let throttled_account = count(&|a| matches!(a, Answer::AccountHeld { .. }));
    let throttled_with_retry_after = count(&|a| {
        matches!(
            a,
            Answer::AddressHeld { retry_after: true } | Answer::AccountHeld { retry_after: true }
        )
    });
    let server_errors = count(&|a| matches!(a, Answer::Other(s) if *s >= 500));
    let other = count(&|a| matches!(a, Answer::Other(_)));
    let no_answer = count(&|a| *a == Answer::Unanswered);
    let throttled = throttled_address + throttled_account;
    let passed_address_limit = answers.len() - throttled_address;
    let policy = entente_core::auth::ADDRESS_POLICY;
    // The address hold lasts the policy's first delay; a flood longer than that may
    // legitimately earn the address a fresh allowance per hold.
    let hold = policy.delays.first().copied().unwrap_or(60).max(1) as u64;
    let windows = 1 + flood_time.as_secs() / hold;
    let allowance = (policy.free as u64).saturating_mul(windows);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let worst = samples.iter().max_by_key(|s| s.1).copied();
    let mut latencies: Vec<Duration> = samples.iter().map(|s| s.1).collect();
    latencies.sort();
    let healthz = Health {
        samples: latencies.len(),
        failures,
        p50_ms: quantile_ms(&latencies, 0.50),
        p99_ms: quantile_ms(&latencies, 0.99),
        max_ms: worst.map_or(0.0, |w| ms(w.1)),
        max_at_ms: worst.map_or(0.0, |w| ms(w.0)),
    };

    let mut failed = Vec::new();
    if server_errors > 0 {
        failed.push(format!("{server_errors} sign-ins answered 5xx"));
    }
    if no_answer > 0 {
        failed.push(format!("{no_answer} sign-ins got no answer"));
    }
    if throttled == 0 {
        failed.push("no sign-in answered 429".to_owned());
    } else if throttled_address == 0 {
        failed.push(format!(
            "the address was never held (the policy allows {} attempts; send more)",
            policy.free
        ));
    }
    if passed_address_limit as u64 > allowance {
        failed.push(format!(
            "{passed_address_limit} attempts passed the address limit, which allows {allowance}"
        ));
    }
    if healthz.failures > 0 {
        failed.push(format!("{} /healthz checks failed", healthz.failures));
    }
    if healthz.samples == 0 {
        failed.push("no /healthz sample was taken".to_owned());
    } else if healthz.p99_ms >= HEALTH_P99_LIMIT_MS {
        failed.push(format!(
            "/healthz p99 was {:.1} ms (limit {HEALTH_P99_LIMIT_MS:.0} ms)",
            healthz.p99_ms
        ));
    }
    let ok = failed.is_empty();
    let verdict = if ok {
        format!(
            "ok: the address was held after {passed_address_limit} attempts and /healthz p99 \
             stayed under {HEALTH_P99_LIMIT_MS:.0} ms"
        )
    } else {
        format!("FAILED: {}", failed.join("; "))
    };
    Report {
        database,
        attempts: answers.len(),
        concurrency: opts.concurrency,
        unauthorized,
        throttled,
        throttled_address,
        throttled_account,
        throttled_with_retry_after,
        server_errors,
        other,
        no_answer,
        passed_address_limit,
        address_allowance: policy.free,
        flood_ms: ms(flood_time),
        healthz,
        ok,
        verdict,
    }
}

fn print_text(r: &Report) {
    println!(
        "entente bench login: {} failed sign-ins from 127.0.0.1, {} at a time ({})",
        r.attempts, r.concurrency, r.database
    );
    println!("  401 wrong e-mail or password: {}", r.unauthorized);
    println!(
        "  429 throttled:                {} ({} address on hold, {} account on hold; {} with Retry-After)",
        r.throttled, r.throttled_address, r.throttled_account, r.throttled_with_retry_after
    );
    println!(
        "  other:                        {} ({} of them 5xx; {} without an answer)",
        r.other + r.no_answer,
        r.server_errors,
        r.no_answer
    );
    println!(
        "  attempts past the address limit: {} (the policy allows {} before the hold)",
        r.passed_address_limit, r.address_allowance
    );
    println!("  flood took: {:.0} ms", r.flood_ms);
    println!(
        "  /healthz every {} ms meanwhile: {} samples, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms \
         (at +{:.0} ms; {} failed)",
        HEALTH_EVERY.as_millis(),
        r.healthz.samples,
        r.healthz.p50_ms,
        r.healthz.p99_ms,
        r.healthz.max_ms,
        r.healthz.max_at_ms,
        r.healthz.failures
    );
    println!("{}", r.verdict);
}
