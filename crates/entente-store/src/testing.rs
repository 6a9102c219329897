//! Test databases: a fresh SQLite file, and (when `ENTENTE_TEST_POSTGRES` holds a server URL)
//! a uniquely named PostgreSQL database, both removed when the guard drops.

use crate::{Backend, Result, Store};

/// A throw-away database and the store connected to it.
#[derive(Debug)]
pub struct TestDb {
    /// The connected store.
    pub store: Store,
    /// The URL it was opened with.
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Dir(Option<tempfile_dir::TempDir>),
    Postgres { admin_url: String, name: String },
}

mod tempfile_dir {
    //! A minimal temp directory (std only) so the store crate needs no test-only dependency.
    use std::path::{Path, PathBuf};

    #[derive(Debug)]
    pub(super) struct TempDir(PathBuf);

    impl TempDir {
        pub(crate) fn new() -> std::io::Result<Self> {
            let p = std::env::temp_dir().join(format!("entente-test-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&p)?;
            Ok(Self(p))
        }
        pub(crate) fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl TestDb {
    /// An empty SQLite database in a temporary directory.
    pub async fn sqlite() -> Result<Self> {
        let dir =
            tempfile_dir::TempDir::new().map_err(|e| crate::StoreError::Config(e.to_string()))?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("entente.db").display()
        );
        let store = Store::connect(&url).await?;
        Ok(Self {
            store,
            url,
            cleanup: Cleanup::Dir(Some(dir)),
        })
    }

    /// An empty PostgreSQL database created on the server at `admin_url`.
    pub async fn postgres(admin_url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let name = format!("entente_test_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::AnyPool::connect(admin_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&admin)
            .await?;
        admin.close().await;
        let url = replace_db(admin_url, &name);
        let store = Store::connect(&url).await?;
        Ok(Self {
            store,
            url,
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_owned(),
                name,
            },
        })
    }

    /// Every backend this test runs on: the one chosen by [`on_each_backend!`] when the test
    /// runs under it; otherwise SQLite always, and PostgreSQL when `ENTENTE_TEST_POSTGRES` is set.
    pub async fn all() -> Result<Vec<Self>> {
        match ONLY_BACKEND.try_with(|b| *b) {
            Ok(Backend::Sqlite) => return Ok(vec![Self::sqlite().await?]),
            Ok(Backend::Postgres) => {
                let url = postgres_url().ok_or_else(|| {
                    crate::StoreError::Config("ENTENTE_TEST_POSTGRES is not set".into())
                })?;
                return Ok(vec![Self::postgres(&url).await?]);
            }
            Err(_) => {}
        }
        let mut v = vec![Self::sqlite().await?];
        if let Some(url) = postgres_url() {
            v.push(Self::postgres(&url).await?);
        }
        Ok(v)
    }

    /// The backend under test, for messages.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }
}

tokio::task_local! {
    static ONLY_BACKEND: Backend;
}

/// Runs `test` with [`TestDb::all`] (and every helper built on it) limited to `backend`.
/// For PostgreSQL without `ENTENTE_TEST_POSTGRES`, the test is skipped with a note on stderr,
/// except under `CI=true`, where a backend must never be skipped silently: it fails.
pub async fn run_on<F: std::future::Future<Output = ()>>(backend: Backend, test: F) {
    if backend == Backend::Postgres && postgres_url().is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but ENTENTE_TEST_POSTGRES is not set: PostgreSQL must be tested in CI"
        );
        eprintln!("skipped on PostgreSQL: ENTENTE_TEST_POSTGRES is not set");
        return;
    }
    ONLY_BACKEND.scope(backend, test).await;
}

/// Makes one test case per backend of the async test function `name` (which opens its
/// databases through [`TestDb::all`]): `name::sqlite` and `name::postgres`, so each backend's
/// failure is reported on its own.
#[macro_export]
macro_rules! on_each_backend {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    $crate::testing::run_on($crate::Backend::Sqlite, super::$name()).await;
                }
                #[tokio::test]
                async fn postgres() {
                    $crate::testing::run_on($crate::Backend::Postgres, super::$name()).await;
                }
            }
        )+
    };
}

/// The PostgreSQL server URL for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("ENTENTE_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

fn replace_db(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |s| s + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// Every row of every table of a database as text, rows sorted within each table: equal dumps
/// mean nothing was written (derived tables, audit rows and migrations' bookkeeping included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dump {
    /// Table name → its rows, each row its columns' SQL literals joined by `|`, sorted.
    pub tables: std::collections::BTreeMap<String, Vec<String>>,
}

impl Dump {
    /// What differs from `after`, one line per changed table with the rows that appeared and
    /// disappeared (empty when the dumps are equal).
    pub fn changes(&self, after: &Dump) -> Vec<String> {
        let empty = Vec::new();
        let names: std::collections::BTreeSet<&String> =
            self.tables.keys().chain(after.tables.keys()).collect();
        let mut out = Vec::new();
        for name in names {
            let (a, b) = (
                self.tables.get(name).unwrap_or(&empty),
                after.tables.get(name).unwrap_or(&empty),
            );
            if a == b {
                continue;
            }
            let gone: Vec<&String> = a.iter().filter(|r| !b.contains(r)).collect();
            let new: Vec<&String> = b.iter().filter(|r| !a.contains(r)).collect();
            out.push(format!(
                "{name}: {} row(s) gone, {} new; gone {:?}; new {:?}",
                gone.len(),
                new.len(),
                gone.iter().take(3).collect::<Vec<_>>(),
                new.iter().take(3).collect::<Vec<_>>()
            ));
        }
        out
    }
}

impl std::fmt::Display for Dump {
    /// The canonical text: each table's name, then its sorted rows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (name, rows) in &self.tables {
            writeln!(f, "== {name} ({} rows)", rows.len())?;
            for r in rows {
                writeln!(f, "{r}")?;
            }
        }
        Ok(())
    }
}

/// Dumps every table of the store's database (see [`Dump`]). Each value is its SQL literal
/// (`quote` on SQLite, `quote_nullable` on PostgreSQL), so types, NULLs and bytes compare
/// exactly, whatever the column type.
pub async fn dump(store: &Store) -> Result<Dump> {
    let pool = store.pool();
    let (tables_sql, columns_sql, quote) = match store.backend() {
        Backend::Sqlite => (
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
            "select name from pragma_table_info($1) order by cid",
            "quote",
        ),
        Backend::Postgres => (
            "select table_name::text from information_schema.tables where table_schema = 'public' \
             and table_type = 'BASE TABLE' order by table_name",
            "select column_name::text from information_schema.columns where table_schema = 'public' \
             and table_name = $1 order by ordinal_position",
            "quote_nullable",
        ),
    };
    let names: Vec<String> = sqlx::query_scalar(tables_sql).fetch_all(pool).await?;
    let mut tables = std::collections::BTreeMap::new();
    for name in names {
        let columns: Vec<String> = sqlx::query_scalar(columns_sql)
            .bind(&name)
            .fetch_all(pool)
            .await?;
        if columns.is_empty() {
            continue;
        }
        let list: Vec<String> = columns
            .iter()
            .map(|c| format!("coalesce({quote}(\"{c}\"), 'NULL')"))
            .collect();
        let sql = format!("select {} as row from \"{name}\"", list.join(" || '|' || "));
        let mut rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(pool)
            .await?;
        rows.sort();
        tables.insert(name, rows);
    }
    Ok(Dump { tables })
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &mut self.cleanup {
            Cleanup::Dir(d) => drop(d.take()),
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs outside async context; a short-lived runtime on its own thread
                // removes the database so test runs leave nothing behind.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(rt) = rt {
                        rt.block_on(async {
                            if let Ok(admin) = sqlx::AnyPool::connect(&admin_url).await {
                                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                                    "drop database if exists {name} with (force)"
                                )))
                                .execute(&admin)
                                .await;
                                admin.close().await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_swapped_in_the_url() {
        assert_eq!(
            super::replace_db("postgres://127.0.0.1:5432/test", "x"),
            "postgres://127.0.0.1:5432/x"
        );
        assert_eq!(
            super::replace_db("postgres://h/test?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
