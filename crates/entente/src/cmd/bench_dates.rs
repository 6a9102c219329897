//! `entente bench dates`: loads N synthetic agreements into a throw-away store (SQLite, or
//! PostgreSQL), materialises their deadlines, and times deadline and portfolio-listing queries.

use super::Outcome;
use anyhow::Context;
use entente_domain::agreement::AgreementDraft;
use entente_domain::obligation::{DueRule, Frequency, NewObligation};
use entente_domain::party::AgreementPartyDraft;
use entente_domain::query::{AgreementQuery, AgreementSort, DayWindow};
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{Date, Period, Timestamp};
use entente_store::{Actor, Page, Store};
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift) so runs are comparable.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub(crate) fn synthetic(
    i: usize,
    today: Date,
    at: Timestamp,
    rng: &mut Rng,
) -> anyhow::Result<(entente_domain::agreement::NewAgreement, Vec<NewObligation>)> {
    let mut t = Terms::default();
    let mut set = |f, v| t.set_user(f, v, "bench", at, None);
    let effective = today.plus_days(-(rng.below(3 * 365) as i64));
    set(TermField::EffectiveDate, TermValue::Date(effective));
    set(
        TermField::InitialTerm,
        TermValue::Period(Period::years(1 + rng.below(3) as u32)?),
    );
    let renews = rng.below(10) < 7;
    set(TermField::AutoRenewal, TermValue::Bool(renews));
    if renews {
        set(TermField::RenewalTerm, TermValue::Period(Period::years(1)?));
        set(
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days([30, 60, 90][rng.below(3) as usize])?),
        );
    }
    if rng.below(10) < 3 {
        set(
            TermField::ReviewCycle,
            TermValue::Period(Period::months(12)?),
        );
    }
    set(
        TermField::ConfidentialitySurvival,
        TermValue::Period(Period::years(3)?),
    );
    let party = |n: String| AgreementPartyDraft {
        legal_name: Some(n),
        role: "partner".into(),
        ..Default::default()
    };
    let region = ["emea", "americas", "apac"][i % 3];
    let new = AgreementDraft {
        title: format!("Synthetic cooperation agreement {i}"),
        status: Some("active".into()),
        owner: Some(format!("owner{}@example.com", i % 50)),
        // A region on every agreement and a second tag on every fifth, so the listing loads
        // tags as well as parties.
        tags: if i.is_multiple_of(5) {
            vec![region.into(), "strategic".into()]
        } else {
            vec![region.into()]
        },
        parties: vec![
            party("Northwind Systems, Inc.".into()),
            party(format!("Partner {i} GmbH")),
        ],
        ..Default::default()
    }
    .validate(t)
    .map_err(|e| anyhow::anyhow!("synthetic agreement {i}: {e}"))?;
    let mut obligations = Vec::new();
    if i.is_multiple_of(4) {
        obligations.push(NewObligation {
            obligor: "Northwind".into(),
            beneficiary: None,
            text: "Deliver the quarterly report".into(),
            due: DueRule::recurring(Frequency::Quarterly, Some(Period::days(15)?)),
            metric: None,
            status: None,
            owner: None,
            vague: false,
            survives: false,
        });
    }
    Ok((new, obligations))
}

pub(crate) fn stats(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p = |q: f64| ms(v[((v.len() as f64 - 1.0) * q).round() as usize]);
    (
        p(0.5),
        p(0.95),
        ms(v.iter().sum::<Duration>()) / v.len() as f64,
    )
}

/// Runs the benchmark and prints its figures.
pub(crate) async fn run(
    n: usize,
    queries: usize,
    postgres: Option<&str>,
) -> anyhow::Result<Outcome> {
    anyhow::ensure!(
        n > 0 && queries > 0,
        "--agreements and --queries must be at least 1"
    );
    if let Some(url) = postgres {
        // The same throw-away database the store's tests use: uniquely named, dropped when
        // the guard goes out of scope, so a run leaves nothing on the server.
        let db = entente_store::testing::TestDb::postgres(url)
            .await
            .context("cannot create the benchmark database")?;
        let label = format!("PostgreSQL, {}", entente_store::redact(&db.url));
        let result = bench(&db.store, &label, n, queries).await;
        db.store.close().await;
        return result;
    }
    // ENTENTE_BENCH_KEEP=DIR keeps the SQLite store in DIR, and a later run with the same
    // --agreements reuses it instead of loading again (for comparing query changes).
    let kept = std::env::var_os("ENTENTE_BENCH_KEEP").map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("entente-bench-dates-{}", std::process::id()))
    });
    if kept.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let result = async {
        let store = Store::open_dir(&dir)
            .await
            .context("cannot create the benchmark database")?;
        let result = bench(&store, &format!("SQLite, {}", dir.display()), n, queries).await;
        store.close().await;
        result
    }
    .await;
    if kept.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

async fn bench(store: &Store, label: &str, n: usize, queries: usize) -> anyhow::Result<Outcome> {
    let org = store.ensure_organisation("bench", "Bench").await?;
    let actor = Actor::new(org, "bench");
    let now = store.now();
    let today = store.today(&actor).await?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let t = Instant::now();
    let mut items = Vec::with_capacity(n.min(10_000));
    let mut loaded = 0;
    let (_, present) = store
        .list_agreements(
            &actor,
            &AgreementQuery::default(),
            Page {
                limit: 1,
                offset: 0,
            },
        )
        .await?;
    anyhow::ensure!(
        present == 0 || present as usize == n,
        "the kept benchmark store holds {present} agreements, not {n}: remove it or pass --agreements {present}"
    );
    let start = if present == 0 { 0 } else { n };
    if start == n {
        eprintln!("reusing the {present} agreements already loaded");
    }
    for i in start..n {
        items.push(synthetic(i, today, now, &mut rng)?);
        if items.len() == 10_000 || i + 1 == n {
            store.create_agreements_bulk(&actor, &items, 1000).await?;
            loaded += items.len();
            items.clear();
            eprint!("\rloaded {loaded}/{n} agreements");
        }
    }
    let load = t.elapsed();
    eprintln!();
    let t = Instant::now();
    let mut refreshed = 0;
    loop {
        let k = store.refresh_deadlines(now, 5000).await?;
        if k == 0 {
            break;
        }
        refreshed += k;
        eprint!("\rdeadlines computed for {refreshed}/{n} agreements");
    }
    let refresh = t.elapsed();
    eprintln!();
    // Statistics as a running server has them after such a load (PostgreSQL's autovacuum, the
    // `pragma optimize` SQLite runs on each new connection); without them the planner guesses
    // and the figures measure the guess.
    store.analyze().await?;
    let deadlines = store.count_deadlines().await?;
    println!(
        "entente bench dates: {n} synthetic agreements, {deadlines} materialised deadlines ({label})"
    );
    println!(
        "  load (bulk, 1000 per transaction): {:.1} s ({:.0} agreements/s)",
        load.as_secs_f64(),
        n as f64 / load.as_secs_f64()
    );
    println!(
        "  compute and store deadlines:       {:.1} s ({:.0} agreements/s)",
        refresh.as_secs_f64(),
        n as f64 / refresh.as_secs_f64()
    );
    let report = |name: &str, times: Vec<Duration>, rows: usize| {
        let n = times.len();
        let (p50, p95, mean) = stats(times);
        println!(
            "  {name}: p50 {p50:.2} ms, p95 {p95:.2} ms, mean {mean:.2} ms ({rows} rows, {n} queries)"
        );
    };
    for (name, limit) in [
        ("deadlines within 90 days, first page (50)", 50u32),
        ("deadlines within 90 days, all (up to 10000)", 10_000),
    ] {
        let mut times = Vec::with_capacity(queries);
        let mut rows = 0;
        for q in 0..queries {
            // Vary the window start so the query does not hit one cached page only.
            let day = today.plus_days((q % 30) as i64);
            let f = entente_domain::query::DeadlineQuery {
                within_days: Some(entente_domain::query::DayWindow::at_most(90)),
                today: Some(day),
                limit,
                ..Default::default()
            };
            let t = Instant::now();
            rows = store.list_deadlines(&actor, &f).await?.len();
            times.push(t.elapsed());
        }
        report(name, times, rows);
    }
    let t = Instant::now();
    let stale = store.refresh_deadlines(now, 5000).await?;
    println!(
        "  scheduler staleness check with nothing to do: {:.1} ms ({stale} agreements recomputed)",
        t.elapsed().as_secs_f64() * 1000.0
    );
    // The portfolio listing (`entente list`, GET /api/agreements): a page of 50 plus the total,
    // over the first ten pages so that not only one cached page is timed.
    let listings: [(&str, Option<u32>, AgreementSort); 4] = [
        (
            "list --notice-within 90 (page of 50 + count)",
            Some(90),
            AgreementSort::Updated,
        ),
        (
            "list --notice-within 90 --sort notice_deadline",
            Some(90),
            AgreementSort::NoticeDeadline,
        ),
        (
            "list, no filter, newest first",
            None,
            AgreementSort::Updated,
        ),
        ("list, no filter, --sort title", None, AgreementSort::Title),
    ];
    for (name, notice, sort) in listings {
        let mut times = Vec::with_capacity(queries);
        let mut total = 0;
        for q in 0..queries {
            let day = today.plus_days((q % 30) as i64);
            let f = AgreementQuery {
                notice_within: notice.map(DayWindow::new).transpose()?,
                today: Some(day),
                sort,
                ..Default::default()
            };
            let page = Page {
                limit: 50,
                offset: 50 * (q % 10) as u32,
            };
            let t = Instant::now();
            total = store.list_agreements(&actor, &f, page).await?.1;
            times.push(t.elapsed());
        }
        let (p50, p95, mean) = stats(times);
        println!(
            "  {name}: p50 {p50:.2} ms, p95 {p95:.2} ms, mean {mean:.2} ms ({total} matches, {queries} queries)"
        );
    }
    Ok(Outcome::Ok)
}
