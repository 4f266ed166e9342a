//! Loading many households at once for the list benchmark (`jinguo bench
//! lists`): what it measures is the read of a list page over a large
//! table, not a hundred thousand single transactions. Bulk households
//! carry a head's name, sealed when a key is loaded (no address, ID or
//! phone).

use super::{Backend, SqlStore};
use crate::Result;
use crate::model::Unit;

/// Columns of one `households` row in a bulk statement.
const WIDTH: usize = 12;
/// Columns of one `household_members` row.
const MEMBER_WIDTH: usize = 9;
/// Rows per statement: under SQLite's 32,766 parameters.
const CHUNK: usize = 1000;

impl SqlStore {
    /// Inserts `heads.len()` households, the i-th in `units[i % units.len()]`
    /// with one member named `heads[i]`, in one transaction; ids are taken
    /// after the largest there. Returns how many.
    pub async fn bulk_insert_households(
        &self,
        units: &[Unit],
        heads: &[String],
        now: i64,
    ) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        let start: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM households")
            .fetch_one(&mut *tx)
            .await?;
        let member_start: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM household_members")
                .fetch_one(&mut *tx)
                .await?;
        for (c, chunk) in heads.chunks(CHUNK).enumerate() {
            let first = start + (c * CHUNK) as i64 + 1;
            let sql = format!(
                "INSERT INTO households (id, unit_id, l1, l2, l3, l4, l5, consent_given_by, \
                 consent_method, consent_at, created_at, updated_at) VALUES {}",
                self.backend.row_params(chunk.len(), WIDTH)
            );
            let mut q = sqlx::query(&sql);
            for i in 0..chunk.len() {
                let unit = &units[(c * CHUNK + i) % units.len()];
                q = q.bind(first + i as i64).bind(unit.id.get());
                for a in unit.ancestors {
                    q = q.bind(a.map(|u| u.get()));
                }
                // The consent giver, like the head's name, is not kept plain.
                q = q.bind("").bind("oral").bind(now).bind(now).bind(now);
            }
            q.execute(&mut *tx).await?;
            let sql = format!(
                "INSERT INTO household_members (id, household_id, sort, name, name_enc, \
                 name_bidx, sex, birth_year, relation) VALUES {}",
                self.backend.row_params(chunk.len(), MEMBER_WIDTH)
            );
            let vault = self.vault().ok();
            let mut q = sqlx::query(&sql);
            for (i, head) in chunk.iter().enumerate() {
                let household = first + i as i64;
                let member = member_start + household - start;
                let (plain, sealed, index) = match vault {
                    Some(v) => (
                        "",
                        Some(v.encrypt_text(
                            head,
                            &crate::vault::associated_data("household_members", member, "name"),
                        )),
                        Some(v.blind_index(
                            super::households::NAME_INDEX,
                            &jinguo_domain::person::name_key(head),
                        )),
                    ),
                    None => (head.as_str(), None, None),
                };
                q = q
                    .bind(member)
                    .bind(household)
                    .bind(0_i64)
                    .bind(plain)
                    .bind(sealed)
                    .bind(index)
                    .bind("F")
                    .bind(1985_i64)
                    .bind("head");
            }
            q.execute(&mut *tx).await?;
        }
        if self.backend == Backend::Postgres {
            for table in ["households", "household_members"] {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     (SELECT MAX(id) FROM {table}))"
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(heads.len() as u64)
    }
}
