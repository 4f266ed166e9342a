//! HTTP tests of the whole application: each test spawns the server on
//! port 0 over a fresh database, on SQLite and on PostgreSQL.
//!
//! Every file in this folder is a module of the suite, found by directory
//! (`automod`), so a new module's tests need no edit here. The macro is
//! defined here, not in a found module, so files can `use crate::both_backends`.

automod::dir!("tests/api");

/// Runs an async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$body($crate::support::Db::Sqlite).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$body($crate::support::Db::Postgres).await;
            }
        }
    };
}
