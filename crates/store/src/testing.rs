//! Fresh databases for tests of this and other crates.

use sqlx::{Connection, Executor, PgConnection};

/// Where the PostgreSQL tests run, or why they do not.
pub enum PostgresTarget {
    /// A URL of a database created just now for this test.
    Fresh(String),
    /// `JINGUO_TEST_POSTGRES_URL` is unset outside CI: the run is skipped.
    Skipped,
}

/// Creates a new, empty database on the server named by
/// `JINGUO_TEST_POSTGRES_URL`. Under `CI=true` the variable is required, so
/// CI cannot silently skip the PostgreSQL half of the tests.
pub async fn fresh_postgres() -> PostgresTarget {
    let Ok(base) = std::env::var("JINGUO_TEST_POSTGRES_URL") else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true requires JINGUO_TEST_POSTGRES_URL for the PostgreSQL test run");
        }
        eprintln!("PostgreSQL run skipped: JINGUO_TEST_POSTGRES_URL is not set");
        return PostgresTarget::Skipped;
    };
    let name = format!(
        "jinguo_t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ) + &format!("_{}", nanos());
    let mut conn = PgConnection::connect(&base)
        .await
        .expect("connect to JINGUO_TEST_POSTGRES_URL");
    drop_leftovers(&mut conn).await;
    conn.execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
        .await
        .expect("drop old test database");
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    let (prefix, _) = base.rsplit_once('/').expect("URL with a database name");
    PostgresTarget::Fresh(format!("{prefix}/{name}"))
}

/// Drops test databases of earlier runs whose process has ended, once per
/// process, so the server does not fill up. A database whose creator is
/// still running (a parallel test binary) is left alone.
async fn drop_leftovers(conn: &mut PgConnection) {
    static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    ONCE.get_or_init(|| async {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE datname LIKE 'jinguo\\_t\\_%'",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_default();
        for name in names {
            let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
            let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
            if !alive {
                let _ = conn
                    .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
                    .await;
            }
        }
    })
    .await;
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn nanos() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

/// A path for a fresh SQLite file in the system temp directory.
pub fn fresh_sqlite_url() -> String {
    let dir = std::env::temp_dir().join(format!(
        "jinguo-test-{}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        nanos()
    ));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    format!("sqlite://{}", dir.join("jinguo.db").display())
}

/// The first column of every row of `sql`, as text: for tests that must
/// look at what is stored (that a sealed column holds no plaintext, that
/// nothing was half-saved). Numbers are cast by the query (`CAST(… AS TEXT)`).
pub async fn column_texts(store: &crate::SqlStore, sql: &str) -> Vec<Option<String>> {
    use sqlx::Row;
    sqlx::query(sql)
        .fetch_all(store.pool_for_tests())
        .await
        .expect("test query")
        .iter()
        .map(|r| r.try_get::<Option<String>, _>(0).expect("a text column"))
        .collect()
}

/// The first column of the first row of a query, for tests that check
/// rows no store method returns (`None` when there is no row or it is
/// NULL). Both backends: write the SQL in the dialect they share.
pub async fn scalar(store: &crate::SqlStore, sql: &str) -> Option<i64> {
    use sqlx::Row;
    let row = sqlx::query(sql)
        .fetch_optional(store.pool_for_tests())
        .await
        .expect("test query");
    row.and_then(|r| r.try_get::<Option<i64>, _>(0).expect("an integer column"))
}

/// Runs SQL that no store method would (tests acting as an attacker with
/// write access to the database: dropping triggers, editing the audit log).
pub async fn execute(store: &crate::SqlStore, sql: &str) {
    sqlx::raw_sql(sql)
        .execute(store.pool_for_tests())
        .await
        .expect("test SQL");
}

/// Like [`execute`], answering whether the database accepted it.
pub async fn try_execute(store: &crate::SqlStore, sql: &str) -> bool {
    sqlx::raw_sql(sql)
        .execute(store.pool_for_tests())
        .await
        .is_ok()
}
