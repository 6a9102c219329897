//! Entente's persistence. One SQL code path runs on embedded SQLite (default) and on
//! PostgreSQL through `sqlx::Any`; the few dialect differences live in `Backend`.
//!
//! Every method is scoped by an [`Actor`] (tenant + person) and every write appends its
//! audit event in the same transaction.

mod account;
mod agreement;
mod alert;
mod amendment;
mod audit;
mod bulk;
mod competitor;
mod dispute;
mod document;
mod drafting;
mod error;
mod feed;
mod finding;
mod governance;
mod idempotency;
mod login;
mod mail;
mod measurement;
mod member;
mod migrate;
mod obligation;
mod party;
mod reconcile;
mod review;
mod row;
mod schedule;
mod secret;
#[doc(hidden)]
pub mod testing;

pub use account::{Affiliation, LoginRecord, Member, Principal, TokenInfo};
pub use agreement::{Page, SortKey};
pub use alert::{
    AlertKind, AlertView, AttemptView, ClaimedDelivery, DeliveryOutcome, DeliveryView, InboxItem,
    PlannedAlert, RetryPolicy, Webhook,
};
pub use amendment::{AsAmended, VersionText};
pub use competitor::StoredCompetitors;
pub use document::{ClauseHit, NewVersion, VersionAnalysis};
pub use drafting::{DraftSource, Reassembled};
pub use error::StoreError;
pub use feed::{CalendarFeed, FeedAccess, FeedScope};
pub use finding::{
    CheckSummary, FindingFilter, FindingRow, NewCheck, NewFinding, StoredCheck, StoredPlaybook,
};
pub use governance::Note;
pub use governance::TerminationView;
pub use idempotency::{IDEMPOTENCY_HOURS, IdempotentAnswer, Reservation};
pub use login::{Throttle, ThrottlePolicy};
pub use measurement::{BreachView, MeasurementView};
pub use member::{Handover, Invitation, PendingInvitation};
pub use obligation::ObligationPatch;
pub use party::PartyPatch;
pub use schedule::{
    AgreementDates, Deadline, DeadlineKey, DeadlineOverview, EvidenceInfo, ObligationDue,
    OccurrenceView,
};

use entente_domain::{Clock, Date, OrganisationId, Timestamp};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyConnection, AnyPool, Executor};
use std::path::Path;
use std::time::Duration;

/// Result alias for store calls.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (WAL).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Who is acting, in which tenant. Every store call takes one, so no query can forget the
/// tenant scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The tenant.
    pub org: OrganisationId,
    /// The person or token (recorded in the audit trail).
    pub name: String,
    /// Which of the tenant's agreements this actor may see.
    pub visibility: Visibility,
}

/// Which agreements of its tenant an actor sees; enforced inside every agreement query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every agreement (administrators, legal, the local operator).
    All,
    /// Unrestricted agreements, and restricted ones the user is granted.
    Unrestricted(entente_domain::UserId),
    /// Agreements the user owns (by e-mail) or is granted.
    Owned(entente_domain::UserId, String),
    /// Agreements to which this party is a party (counterparty users).
    Party(entente_domain::PartyId),
    /// Agreements both see: an API token sees no more than its owner nor than its role.
    Both(Box<Visibility>, Box<Visibility>),
}

impl Visibility {
    /// The party a counterparty view is limited to, also when it is one side of `Both` (a
    /// counterparty's token of a wider role still sees only its party's duties).
    pub fn party(&self) -> Option<entente_domain::PartyId> {
        match self {
            Visibility::Party(p) => Some(*p),
            Visibility::Both(l, r) => l.party().or_else(|| r.party()),
            _ => None,
        }
    }

    /// What `self` and `other` both see.
    pub fn and(self, other: Visibility) -> Visibility {
        match (self, other) {
            (Visibility::All, v) | (v, Visibility::All) => v,
            (a, b) if a == b => a,
            (a, b) => Visibility::Both(Box::new(a), Box::new(b)),
        }
    }

    /// Appends the SQL condition (on agreement alias `a`) with parameters numbered from
    /// `next + binds.len()`, pushing their values onto `binds`.
    fn push_sql(&self, next: usize, out: &mut String, binds: &mut Vec<String>) {
        let param = |binds: &mut Vec<String>, value: String| {
            binds.push(value);
            format!("${}", next + binds.len() - 1)
        };
        match self {
            Visibility::All => out.push_str("1 = 1"),
            Visibility::Unrestricted(u) => {
                let p = param(binds, u.to_string());
                out.push_str(&format!(
                    "(not exists (select 1 from agreement_access x where x.agreement_id = a.agreement_id) \
                     or exists (select 1 from agreement_access x where x.agreement_id = a.agreement_id and x.user_id = {p}))"
                ));
            }
            Visibility::Owned(u, email) => {
                let pe = param(binds, email.clone());
                let pu = param(binds, u.to_string());
                out.push_str(&format!(
                    "(a.owner = {pe} or exists (select 1 from agreement_access x where x.agreement_id = a.agreement_id and x.user_id = {pu}))"
                ));
            }
            Visibility::Party(p) => {
                let pp = param(binds, p.to_string());
                out.push_str(&format!(
                    "exists (select 1 from agreement_party vp where vp.agreement_id = a.agreement_id and vp.party_id = {pp})"
                ));
            }
            Visibility::Both(l, r) => {
                out.push('(');
                l.push_sql(next, out, binds);
                out.push_str(" and ");
                r.push_sql(next, out, binds);
                out.push(')');
            }
        }
    }
}

impl Actor {
    /// An actor in `org`.
    pub fn new(org: OrganisationId, name: impl Into<String>) -> Self {
        Self {
            org,
            name: name.into(),
            visibility: Visibility::All,
        }
    }

    /// How a query joins the agreement (alias `a`) of its rows: an actor who sees every
    /// agreement needs it only for its columns, and a left join (the row always exists: its
    /// foreign key cascades) lets the database skip a join whose columns a query does not use.
    pub(crate) fn agreement_join(&self) -> &'static str {
        if self.sees_all() { "left join" } else { "join" }
    }

    /// Whether this actor sees every agreement of the tenant (no restriction applies).
    pub(crate) fn sees_all(&self) -> bool {
        self.visibility == Visibility::All
    }

    /// The condition (on agreement alias `a`) limiting rows to what this actor sees, with
    /// parameters numbered from `next`, and their values.
    pub(crate) fn visible(&self, next: usize) -> (String, Vec<String>) {
        let mut out = String::new();
        let mut binds = Vec::new();
        self.visibility.push_sql(next, &mut out, &mut binds);
        (out, binds)
    }

    /// The condition that the agreement named by the SQL expression `agreement_id` (not using
    /// alias `a`) is one this actor sees, with parameters numbered from `next`, and their
    /// values. For records that may outlive their agreement (audit events, alerts, their
    /// deliveries): once the agreement is deleted nobody can tell whether it was restricted,
    /// so such rows pass only for an actor who sees every agreement.
    pub(crate) fn sees_agreement(&self, agreement_id: &str, next: usize) -> (String, Vec<String>) {
        if self.sees_all() {
            return ("1 = 1".to_owned(), Vec::new());
        }
        let (vis, binds) = self.visible(next);
        (
            format!(
                "exists (select 1 from agreement a where a.agreement_id = {agreement_id} and {vis})"
            ),
            binds,
        )
    }
}

/// A connection pool, the dialect it speaks, and the clock every "now" and "today" of the
/// store comes from.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: Clock,
}

/// A write transaction and the instant it began at, read from the store's clock: its audit
/// events (and the rows written through helpers that only see the transaction) carry that
/// time. Dereferences to the connection, so queries run on `&mut *tx` (or `&mut **tx` through
/// a `&mut Tx`).
pub(crate) struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    now: Timestamp,
}

impl Tx {
    /// The instant of this transaction.
    pub(crate) fn now(&self) -> Timestamp {
        self.now
    }

    /// The instant of this transaction as stored text.
    pub(crate) fn now_text(&self) -> String {
        self.now.to_string()
    }

    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

/// A pool of at most `max` connections to the SQLite database at `url`.
async fn sqlite_pool(url: &str, max: u32) -> Result<AnyPool> {
    Ok(AnyPoolOptions::new()
        .acquire_timeout(Duration::from_secs(30))
        .max_connections(max)
        .after_connect(|conn, _| {
            Box::pin(async move {
                // WAL lets readers run beside the single writer; synchronous=FULL makes a
                // reported commit survive power loss, not only a process kill.
                conn.execute(
                    "pragma journal_mode = wal; pragma synchronous = full; \
                     pragma foreign_keys = on; pragma busy_timeout = 10000;",
                )
                .await?;
                Ok(())
            })
        })
        .connect(url)
        .await?)
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`) and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "unsupported database URL scheme in {:?}; use sqlite://PATH or postgres://…",
                redact(url)
            )));
        };
        let pool = match backend {
            Backend::Sqlite => {
                // Migrations, then the planner's statistics (`optimize`: bounded work, as SQLite
                // advises), on a connection of their own before the pool opens, so that every
                // connection starts on the final schema with statistics: without them the
                // dashboard's counts read whole rows instead of narrow covering indexes (three
                // times slower at 10,000 agreements). Not on each new connection: one opened
                // while another holds the write lock would wait for it.
                let setup = Self {
                    // Two: a migration step may read beside its own transaction.
                    pool: sqlite_pool(url, 2).await?,
                    backend,
                    clock: Clock::system(),
                };
                setup.migrate().await?;
                sqlx::query("pragma optimize = 0x10002")
                    .execute(&setup.pool)
                    .await?;
                setup.pool.close().await;
                sqlite_pool(url, 8).await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .acquire_timeout(Duration::from_secs(30))
                    .max_connections(16)
                    .connect(url)
                    .await?
            }
        };
        let store = Self {
            pool,
            backend,
            clock: Clock::system(),
        };
        if backend == Backend::Postgres {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// Opens (creating if needed) the embedded database in `dir`.
    pub async fn open_dir(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Config(format!(
                "cannot create data directory {}: {e}",
                dir.display()
            ))
        })?;
        let file = dir.join("entente.db");
        Self::connect(&format!("sqlite://{}?mode=rwc", file.display())).await
    }

    /// This store with `clock` as its source of "now" (tests, `--today`); clones share it.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The clock every "now" and "today" of this store comes from; the server and the
    /// use-cases take theirs from here.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The current instant, from the store's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The current instant as stored text.
    pub(crate) fn now_text(&self) -> String {
        self.now().to_string()
    }

    /// What "today" is for the actor's tenant: the date now in the tenant's time zone (its
    /// alert settings; UTC when never set). Every "today" of a request or command comes from
    /// here, unless the caller names the day.
    pub async fn today(&self, actor: &Actor) -> Result<Date> {
        Ok(self.alert_settings(actor.org).await?.today(self.now()))
    }

    /// Makes `date` today for tenant `org` (in its time zone), keeping the clock's time of
    /// day: what a command's `--today` means. Moves every clone of this store's clock.
    pub async fn set_today(&self, org: OrganisationId, date: Date) -> Result<()> {
        let settings = self.alert_settings(org).await?;
        self.clock.set_date(date, &settings.time_zone);
        Ok(())
    }

    /// The dialect in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for health checks and tests.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies embedded migrations for this backend.
    pub async fn migrate(&self) -> Result<()> {
        migrate::migrator(self.backend).run(&self.pool).await?;
        obligation::key_unkeyed_rows(&self.pool).await?;
        governance::version_earlier_rounds(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool (waits for connections to return).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Starts a write transaction. SQLite takes the write lock up front (`begin immediate`) so
    /// concurrent writers queue on busy_timeout instead of failing on lock upgrade.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        let inner = match self.backend {
            Backend::Sqlite => self.pool.begin_with("begin immediate").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Tx {
            inner,
            now: self.now(),
        })
    }

    /// Finds or creates an organisation by slug.
    pub async fn ensure_organisation(&self, slug: &str, name: &str) -> Result<OrganisationId> {
        if let Some(id) = self.organisation_by_slug(slug).await? {
            return Ok(id);
        }
        let id = OrganisationId::new();
        let mut tx = self.begin().await?;
        let now = tx.now_text();
        sqlx::query(
            "insert into organisation (organisation_id, slug, name, audit_seq, audit_head, created_at, updated_at) \
             values ($1, $2, $3, 0, $4, $5, $5)",
        )
        .bind(id.to_string())
        .bind(slug)
        .bind(name)
        .bind(entente_domain::audit::GENESIS)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "organisation slug already exists"))?;
        let actor = Actor::new(id, "system");
        audit::append(
            &mut tx,
            &actor,
            "organisation.create",
            "organisation",
            &id.to_string(),
            None,
            serde_json::json!({ "slug": slug, "name": name }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Looks an organisation up by slug.
    pub async fn organisation_by_slug(&self, slug: &str) -> Result<Option<OrganisationId>> {
        let row: Option<(String,)> =
            sqlx::query_as("select organisation_id from organisation where slug = $1")
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(id,)| row::parse_id(&id)).transpose()
    }
}

/// Drops any password from a URL before it is shown.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }
}
