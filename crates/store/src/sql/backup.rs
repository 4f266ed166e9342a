//! What a backup needs from the database (issue 19 item 6).

use std::path::Path;

use super::{Backend, SqlStore};
use crate::Result;

impl SqlStore {
    /// Writes a consistent copy of the SQLite database to `to` (which must
    /// not exist) with `VACUUM INTO`: it reads one snapshot, so writes that
    /// commit meanwhile are either wholly in the copy or not at all, and it
    /// does not hold the write lock, so writers go on. SQLite only.
    pub async fn sqlite_snapshot(&self, to: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(sqlx::Error::Configuration(
                "VACUUM INTO is for SQLite; back up PostgreSQL with pg_dump".into(),
            )
            .into());
        }
        let path = to.to_str().ok_or_else(|| {
            sqlx::Error::Configuration("the snapshot path is not valid UTF-8".into())
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The newest migration applied: the schema version a backup records.
    pub async fn schema_version(&self) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(self.reader())
        .await?
        .unwrap_or(0))
    }
}
