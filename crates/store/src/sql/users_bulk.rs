//! Loading many accounts at once for the list benchmark (`jinguo bench
//! lists`): what it measures is the read of a user list page over a large
//! table. Bulk accounts carry a name and a position, one role (cadre) and
//! no phone; their password hash opens nothing.

use super::{Backend, SqlStore};
use crate::Result;
use crate::model::Unit;

/// Columns of one `users` row in a bulk statement.
const WIDTH: usize = 8;
/// Rows per statement: under SQLite's 32,766 parameters.
const CHUNK: usize = 1000;

impl SqlStore {
    /// Inserts `names.len()` accounts, the i-th at `units[i % units.len()]`
    /// named `names[i]` (also its username, with the id), in one
    /// transaction. Returns how many.
    pub async fn bulk_insert_users(
        &self,
        units: &[Unit],
        names: &[String],
        now: i64,
    ) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        let start: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM users")
            .fetch_one(&mut *tx)
            .await?;
        for (c, chunk) in names.chunks(CHUNK).enumerate() {
            let first = start + (c * CHUNK) as i64 + 1;
            let sql = format!(
                "INSERT INTO users (id, username, password_hash, unit_id, active, created_at, \
                 display_name, position) VALUES {}",
                self.backend.row_params(chunk.len(), WIDTH)
            );
            let mut q = sqlx::query(&sql);
            for (i, name) in chunk.iter().enumerate() {
                let unit = &units[(c * CHUNK + i) % units.len()];
                let id = first + i as i64;
                q = q
                    .bind(id)
                    .bind(format!("bench{id}"))
                    .bind("!")
                    .bind(unit.id.get())
                    .bind(1_i64)
                    .bind(now)
                    .bind(name.as_str())
                    .bind("妇联主席");
            }
            q.execute(&mut *tx).await?;
            let sql = format!(
                "INSERT INTO user_roles (user_id, role) VALUES {}",
                self.backend.row_params(chunk.len(), 2)
            );
            let mut q = sqlx::query(&sql);
            for i in 0..chunk.len() {
                q = q.bind(first + i as i64).bind("cadre");
            }
            q.execute(&mut *tx).await?;
        }
        if self.backend == Backend::Postgres {
            sqlx::query(
                "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))",
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(names.len() as u64)
    }
}
