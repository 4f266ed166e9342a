//! The SQL implementation of the store, shared by SQLite and PostgreSQL.
//!
//! Queries use `$n` placeholders, which both backends accept, and only
//! BIGINT/TEXT columns so values decode the same way through `sqlx::Any`.

pub(crate) mod activities;
pub(crate) mod audit;
mod backup;
pub(crate) mod cases;
pub(crate) mod coverage;
mod group;
mod help;
mod households;
mod households_bulk;
pub(crate) mod list_sql;
mod needs;
mod photos;
pub mod reseal;
mod sessions;
mod task_files;
mod tasks;
pub(crate) mod units;
mod users;
mod users_bulk;

pub use needs::BulkNeed;

use std::str::FromStr;
use std::sync::Once;
use std::time::Duration;

use jinguo_domain::{Level, UnitId};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Row, Transaction};

use crate::Result;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl FromStr for Backend {
    type Err = String;
    fn from_str(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(format!(
                "unsupported database URL (expected sqlite:// or postgres://): {}",
                url.split('@').next_back().unwrap_or("")
            ))
        }
    }
}

impl Backend {
    /// `n` comma-separated placeholders numbered from `start`.
    ///
    /// SQLite gets anonymous `?`: sqlx resolves every numbered parameter by
    /// name, which SQLite answers in time linear in the statement's
    /// parameter count — quadratic for the multi-row statements of bulk
    /// writes. Positional `?` binds in order, at no such cost.
    pub(crate) fn params(self, start: usize, n: usize) -> String {
        match self {
            Backend::Sqlite => vec!["?"; n].join(", "),
            Backend::Postgres => (start..start + n)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// The placeholder `$n` of a float parameter that may be missing, bound
    /// with [`float_or_nan`]: on PostgreSQL `NULLIF($n, 'NaN')`.
    ///
    /// sqlx 0.8.6's `Any` driver declares a NULL `f64` as `FLOAT4` on
    /// PostgreSQL (its mapping of a null double and a null real is
    /// swapped), and the statement, prepared and cached with that type,
    /// then refuses a later non-null `f64` of the same text ("incorrect
    /// binary data format in bind parameter"). A missing float is bound as
    /// NaN instead — always a `FLOAT8` — which PostgreSQL turns back into
    /// NULL here and SQLite stores as NULL by itself. `n` = 0: SQLite's
    /// anonymous `?` (see [`Backend::params`]).
    pub(crate) fn nullable_float(self, n: usize) -> String {
        match (self, n) {
            (Backend::Sqlite, 0) => "?".to_owned(),
            (Backend::Sqlite, n) => format!("${n}"),
            (Backend::Postgres, n) => format!("NULLIF(${n}, 'NaN')"),
        }
    }

    /// The statement that opens a transaction which will write.
    ///
    /// SQLite: `BEGIN IMMEDIATE`, which takes the write lock before the
    /// first statement. A deferred transaction takes it only at its first
    /// write; if another writer committed after its first read, SQLite
    /// answers `SQLITE_BUSY_SNAPSHOT` (517) at once, without waiting, and a
    /// transaction that reads before it writes (every bulk job) fails under
    /// concurrent writers however long the busy timeout. Taken up front,
    /// the lock is waited for in the busy handler, so writers queue.
    /// PostgreSQL: a plain `BEGIN` (row locks, no database-wide one).
    fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// Starts a transaction that will write, on a connection already held
    /// (see [`Backend::begin_write`]). Read-only transactions may use
    /// `begin()`.
    pub(crate) async fn write_tx(self, conn: &mut AnyConnection) -> Result<Transaction<'_, Any>> {
        Ok(conn.begin_with(self.begin_write()).await?)
    }

    /// `rows` parenthesised groups of `width` placeholders, numbered from 1.
    pub(crate) fn row_params(self, rows: usize, width: usize) -> String {
        (0..rows)
            .map(|r| format!("({})", self.params(r * width + 1, width)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The SQLite writer's page cache (KiB; SQLite's default is 2 MiB). Every
/// write walks the activities' indexes, the counters and the audit log;
/// with the default cache those pages are read back from the operating
/// system again and again (a profile of `bench http` showed the copies).
/// One connection, so the memory is paid once.
const WRITER_CACHE_KIB: u32 = 32 * 1024;

/// Read-only SQLite connections besides the main pool's eight.
const SQLITE_READERS: u32 = 4;

/// How long an SQLite write waits for its turn: in this process for the one
/// writer connection, behind other processes for the database's write lock.
/// Writers queue rather than fail, and a bulk job (an import of the division
/// list, a task to every village) holds the lock for seconds.
const SQLITE_WRITE_WAIT: Duration = Duration::from_secs(30);

/// PostgreSQL connections for reads outside a transaction, besides the main
/// pool's sixteen: with 32 clients writing, a page's reads otherwise queue
/// for a pooled connection behind every writer (seen: the region's task
/// progress at p99 71 ms under load against 14 ms quiet).
const POSTGRES_READERS: u32 = 4;

/// The store over a connection pool of either backend.
#[derive(Clone)]
pub struct SqlStore {
    pub(crate) pool: AnyPool,
    /// Where reads that need no transaction go: a separate pool, so a
    /// reader never waits for a connection behind writers. On SQLite its
    /// connections are read-only: with one writer at a time, writers hold
    /// the main pool's connections while they queue for the write lock,
    /// though WAL would let a reader read at once.
    pub(crate) reader: AnyPool,
    /// Where writes go. SQLite: one connection, so this process's writers
    /// queue for it in arrival order (the pool is fair) instead of polling
    /// for the database's write lock in SQLite's busy handler, where a
    /// writer that keeps coming back can starve a bulk job for longer than
    /// any timeout. PostgreSQL: the main pool.
    pub(crate) writer: AnyPool,
    pub(crate) backend: Backend,
    /// PostgreSQL only: connections typed for PostgreSQL, for the `COPY`
    /// of bulk imports (`sqlx::Any` has no `COPY`). Lazy: none is opened
    /// until an import runs.
    copy_pool: Option<sqlx::PgPool>,
    /// Seals and opens personal data; `None` until [`SqlStore::with_vault`],
    /// and then every call that touches a sealed column fails with
    /// [`crate::StoreError::NoKey`] rather than writing plaintext.
    vault: Option<std::sync::Arc<crate::Vault>>,
    /// SQLite only: the queue of single writes committed together (see
    /// `group`); `None` on PostgreSQL.
    group: Option<group::GroupCommit>,
    /// PostgreSQL: the queue of audit entries committed together, since
    /// appends to the audit chain are serialized anyway (see `audit`).
    /// SQLite's audit entries go through `group`.
    audit_group: group::GroupCommit,
}

impl SqlStore {
    /// Connects, creating an SQLite file if missing, and applies pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        /// A new SQLite database file is made readable by the server's own
        /// user only (0600) before SQLite opens it; SQLite gives its WAL and
        /// shared-memory files the database file's permissions.
        fn create_private(url: &str) {
            let rest = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = rest.split('?').next().unwrap_or("");
            if path.is_empty() || path.starts_with(':') || url.contains("mode=memory") {
                return;
            }
            use std::os::unix::fs::OpenOptionsExt;
            // An existing file is left as it is; a missing folder and the
            // like are SQLite's to report when it opens the path.
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path);
        }
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::from_str(url).map_err(|e| sqlx::Error::Configuration(e.into()))?;
        let mut url = url.to_owned();
        let opts = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let opts = match backend {
            Backend::Sqlite => {
                create_private(&url);
                if !url.contains("mode=") {
                    url.push_str(if url.contains('?') {
                        "&mode=rwc"
                    } else {
                        "?mode=rwc"
                    });
                }
                opts.max_connections(8).after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                             PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;",
                        )
                        .await?;
                        Ok(())
                    })
                })
            }
            Backend::Postgres => opts.max_connections(16),
        };
        let pool = opts.connect(&url).await?;
        let reader = if backend == Backend::Sqlite {
            // WAL is a property of the file; setting it once is enough.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
            AnyPoolOptions::new()
                .acquire_timeout(Duration::from_secs(10))
                .max_connections(SQLITE_READERS)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA query_only = ON; PRAGMA busy_timeout = 5000; \
                             PRAGMA temp_store = MEMORY;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect(&url)
                .await?
        } else {
            AnyPoolOptions::new()
                .acquire_timeout(Duration::from_secs(10))
                .max_connections(POSTGRES_READERS)
                .connect(&url)
                .await?
        };
        let writer = match backend {
            Backend::Sqlite => {
                let wait = SQLITE_WRITE_WAIT.as_millis();
                AnyPoolOptions::new()
                    .acquire_timeout(SQLITE_WRITE_WAIT)
                    .max_connections(1)
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                format!(
                                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {wait}; \
                                     PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; \
                                     PRAGMA cache_size = -{WRITER_CACHE_KIB};"
                                )
                                .as_str(),
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => pool.clone(),
        };
        let copy_pool = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(
                sqlx::postgres::PgPoolOptions::new()
                    .acquire_timeout(Duration::from_secs(10))
                    .max_connections(2)
                    .connect_lazy(&url)?,
            ),
        };
        let store = SqlStore {
            pool,
            reader,
            writer,
            backend,
            copy_pool,
            vault: None,
            group: (backend == Backend::Sqlite).then(group::GroupCommit::default),
            audit_group: group::GroupCommit::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        // Entries written before the audit chain existed join it now.
        self.chain_unchained_audit().await?;
        // Approved outline reports of a database from before migration
        // 0033 are rolled up once.
        self.roll_up_if_pending().await?;
        Ok(())
    }

    /// Starts a transaction that will write, on the writer: the way every
    /// write transaction starts (see [`Backend::begin_write`]).
    pub(crate) async fn write_tx(&self) -> Result<Transaction<'static, Any>> {
        Ok(self.writer.begin_with(self.backend.begin_write()).await?)
    }

    /// The pool for writes outside a transaction, and for connections held
    /// across a write transaction (see the `writer` field). Never acquire
    /// from it while holding one of its connections: on SQLite it has one.
    pub(crate) fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// The store with personal data sealed by `vault`.
    pub fn with_vault(mut self, vault: std::sync::Arc<crate::Vault>) -> Self {
        self.vault = Some(vault);
        self
    }

    /// The vault, for the calls that read or write sealed columns.
    pub(crate) fn vault(&self) -> Result<&crate::Vault> {
        self.vault.as_deref().ok_or(crate::StoreError::NoKey)
    }

    /// The store with reads sent through the main pool, as before SQLite had
    /// a read pool of its own: for benchmarks that compare the two designs.
    pub fn sharing_one_pool(mut self) -> Self {
        self.reader = self.pool.clone();
        self
    }

    /// The pool for reads outside a transaction (see the `reader` field).
    pub(crate) fn reader(&self) -> &AnyPool {
        &self.reader
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        if let Some(p) = &self.copy_pool {
            p.close().await;
        }
        self.reader.close().await;
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// A float that may be missing, as bound to a [`Backend::nullable_float`]
/// placeholder: NaN for a missing one (never a valid figure).
pub(crate) fn float_or_nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

/// Reads the `l1..l5` columns of a row.
pub(crate) fn ancestors(row: &AnyRow, prefix: &str) -> Result<[Option<UnitId>; 5]> {
    let mut out = [None; 5];
    for level in Level::ALL {
        let col = format!("{prefix}{}", level.ancestor_column());
        let v: Option<i64> = row.try_get(col.as_str())?;
        out[usize::from(level.get() - 1)] = v.map(UnitId::new);
    }
    Ok(out)
}

pub(crate) fn level_of(row: &AnyRow, col: &str) -> Result<Level> {
    let n: i64 = row.try_get(col)?;
    u8::try_from(n)
        .ok()
        .and_then(|n| Level::new(n).ok())
        .ok_or_else(|| sqlx::Error::Decode(format!("bad level {n}").into()).into())
}

pub(crate) fn not_found_if_none<T>(v: Option<T>) -> Result<T> {
    v.ok_or(crate::StoreError::NotFound)
}

/// The one implementation of every store trait (see [`crate::Store`]).
impl crate::Store for SqlStore {}

/// Minting scopes: only the holder of the system handle (the `SqlStore`
/// itself, never the `dyn Store` handlers get) can make one from nothing.
impl SqlStore {
    /// The scope of an authenticated user: her unit's subtree and what her
    /// roles allow. `None` when `unit` is not her unit.
    pub fn scope_of_user(
        &self,
        user: &crate::model::User,
        unit: &crate::model::Unit,
    ) -> Option<crate::Scope> {
        (user.unit.id == unit.id).then(|| {
            crate::Scope::mint(unit, Some(user.id), jinguo_domain::CapSet::of(&user.roles))
        })
    }

    /// The system's own scope over a subtree, with every capability and no
    /// user: for the command line, the demo and benchmarks.
    pub fn system_scope(&self, unit: &crate::model::Unit) -> crate::Scope {
        crate::Scope::mint(unit, None, jinguo_domain::CapSet::ALL)
    }

    /// The system's scope over the whole tree.
    pub async fn root_scope(&self) -> crate::Result<crate::Scope> {
        use crate::UnitStore;
        Ok(self.system_scope(&self.root_unit().await?))
    }

    /// Any account, opened as the system (the command line's `user`
    /// commands, the demo).
    pub async fn system_user(
        &self,
        id: jinguo_domain::UserId,
    ) -> crate::Result<crate::InScope<crate::model::User>> {
        use crate::UserStore;
        self.user_in_scope(self.root_scope().await?, id).await
    }
}

/// A one-connection pool with the migrations before `version` applied:
/// where a migration test writes rows in the old shape before running the
/// rest.
#[cfg(test)]
pub(crate) async fn pool_migrated_below(
    url: &str,
    all: &'static sqlx::migrate::Migrator,
    version: i64,
) -> AnyPool {
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap();
    let before = sqlx::migrate::Migrator {
        migrations: all
            .migrations
            .iter()
            .filter(|m| m.version < version)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    before.run(&pool).await.unwrap();
    pool
}
