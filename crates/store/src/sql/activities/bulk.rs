//! Bulk writes of activities: one transaction, rows in multi-row inserts,
//! counters summed in memory over the whole transaction.
//!
//! Why summed over the whole transaction: an activity touches ~13 counters,
//! but many activities share the upper ones (a banner has 36 months × ~28
//! dimensions), so a million-row import needs about three counter writes
//! per activity instead of thirteen. Memory stays bounded: once the sums
//! hold `FLUSH_KEYS` keys they are written (in key order) and cleared.

use std::collections::HashMap;

use jinguo_domain::UnitId;
use sqlx::{Any, AnyConnection, Row, Transaction};

use super::super::{Backend, ancestors};
use super::deltas::Deltas;
use super::{ACTIVITY_WIDTH, INSERT_ACTIVITY, bind_activity};
use crate::model::NewActivity;
use crate::{Result, StoreError};

/// Activity rows per multi-row insert (7,600 parameters).
const ACTIVITY_ROWS: usize = 400;

/// Activity rows held and sorted by (unit, month) before they are written.
/// A shuffled import's batch of 5,000 touches 5,000 scattered pages of each
/// `(l*, month)` index; sorted together, 131,072 rows walk each index front
/// to back, about once per page. About 25 MB at ~200 bytes a row.
const SORT_ROWS: usize = 1 << 17;

/// Distinct counter keys summed before a flush: ~25 MB of sums, ~50 MB
/// at the peak of a flush (the map and its sorted copy).
const FLUSH_KEYS: usize = 1 << 19;

/// From this many rows on, PostgreSQL re-reads the tables' statistics after
/// the import, if they are also a tenth of what the table held (autovacuum's
/// own rule): autovacuum counts commits, and one big commit can leave the
/// planner believing the counter table is still empty (seen: a roll-up at
/// 20 ms instead of 2 ms after a 200,000-row import). A ledger imported
/// into a large table leaves the statistics as good as they were, and
/// analysing after each of 324 banner-year files cost more than the files.
const ANALYZE_AFTER_ROWS: u64 = 10_000;

/// Page cache of the connection that writes a streamed import, in KiB. The
/// default (2 MiB) makes the index inserts of a large import re-read pages
/// from the operating system; 16 MiB was as fast as 64 MiB in a test of a
/// million sorted rows, and the pool's other connections keep the default.
/// `bulk_insert_activities` (one batch) does without: setting it per call
/// raised the peak RSS of many small calls to 376 MiB.
const SQLITE_IMPORT_CACHE_KIB: i64 = 16 * 1024;

/// Gives an import's connection a larger page cache on SQLite; returns the
/// size to restore.
pub(super) async fn enlarge_cache(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<Option<i64>> {
    if backend != Backend::Sqlite {
        return Ok(None);
    }
    let before: i64 = sqlx::query_scalar("PRAGMA cache_size")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query(&format!("PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}"))
        .execute(&mut *conn)
        .await?;
    Ok(Some(before))
}

/// Back to the pool's size, or the pooled connection would keep the
/// import's cache for as long as it lives.
pub(super) async fn restore_cache(conn: &mut AnyConnection, before: Option<i64>) -> Result<()> {
    if let Some(before) = before {
        sqlx::query(&format!("PRAGMA cache_size = {before}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// One open bulk transaction.
pub(super) struct Bulk<'c> {
    tx: Transaction<'c, Any>,
    backend: Backend,
    deltas: Deltas,
    ancestors: HashMap<UnitId, [Option<UnitId>; 5]>,
    written: u64,
    now: i64,
    insert_sql: HashMap<usize, String>,
    /// Rows counted but not yet written (see `SORT_ROWS`).
    pending: Vec<NewActivity>,
}

impl<'c> Bulk<'c> {
    pub(super) async fn begin(
        conn: &'c mut AnyConnection,
        backend: Backend,
        now: i64,
    ) -> Result<Self> {
        Ok(Bulk {
            tx: backend.write_tx(conn).await?,
            backend,
            deltas: Deltas::default(),
            ancestors: HashMap::new(),
            written: 0,
            now,
            insert_sql: HashMap::new(),
            pending: Vec::new(),
        })
    }

    /// Counts `rows` and holds them; rows are written in sorted runs of
    /// `SORT_ROWS`, counters when their sums grow large, the rest at `commit`.
    pub(super) async fn push(&mut self, rows: Vec<NewActivity>) -> Result<()> {
        self.learn_ancestors(&rows).await?;
        for r in &rows {
            self.deltas.add(&self.ancestors[&r.unit], &r.fields, 1);
        }
        self.written += rows.len() as u64;
        self.pending.extend(rows);
        if self.pending.len() >= SORT_ROWS {
            self.write_pending().await?;
        }
        if self.deltas.len() >= FLUSH_KEYS {
            self.deltas.apply(&mut self.tx, self.backend).await?;
        }
        Ok(())
    }

    /// Writes the held rows, grouped by unit and month so the index inserts
    /// touch neighbouring pages.
    async fn write_pending(&mut self) -> Result<()> {
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_by_key(|r| (r.unit, r.fields.month()));
        for chunk in pending.chunks(ACTIVITY_ROWS) {
            let backend = self.backend;
            let sql = self.insert_sql.entry(chunk.len()).or_insert_with(|| {
                format!(
                    "{INSERT_ACTIVITY} VALUES {}",
                    backend.row_params(chunk.len(), ACTIVITY_WIDTH)
                )
            });
            let mut q = sqlx::query(sql.as_str());
            for new in chunk {
                q = bind_activity(q, new.unit, &self.ancestors[&new.unit], new, self.now);
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Writes the remaining counter sums and commits; returns the rows written.
    pub(super) async fn commit(mut self) -> Result<u64> {
        self.write_pending().await?;
        self.deltas.apply(&mut self.tx, self.backend).await?;
        self.tx.commit().await?;
        Ok(self.written)
    }
}

/// Fresh planner statistics after a large import (see `ANALYZE_AFTER_ROWS`).
pub(super) async fn analyze_if_large(
    conn: &mut AnyConnection,
    backend: Backend,
    written: u64,
) -> Result<()> {
    if backend != Backend::Postgres || written < ANALYZE_AFTER_ROWS {
        return Ok(());
    }
    // The planner's row estimate, which already counts this import if
    // autovacuum or an earlier ANALYZE saw it; -1 when never analysed.
    let estimate: f64 = sqlx::query_scalar(
        "SELECT CAST(reltuples AS DOUBLE PRECISION) FROM pg_class WHERE oid = 'activities'::regclass",
    )
    .fetch_one(&mut *conn)
    .await?;
    if (written as f64) * 10.0 >= estimate {
        sqlx::query("ANALYZE activities, rollup_activities")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl Bulk<'_> {
    /// Ancestors of every unit in `rows` not seen before, many per query,
    /// read inside the transaction.
    async fn learn_ancestors(&mut self, rows: &[NewActivity]) -> Result<()> {
        let mut ids: Vec<UnitId> = rows
            .iter()
            .map(|r| r.unit)
            .filter(|u| !self.ancestors.contains_key(u))
            .collect();
        ids.sort();
        ids.dedup();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, l1, l2, l3, l4, l5 FROM units WHERE id IN ({})",
                self.backend.params(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id.get());
            }
            for r in q.fetch_all(&mut *self.tx).await? {
                self.ancestors
                    .insert(UnitId::new(r.try_get("id")?), ancestors(&r, "")?);
            }
        }
        if ids.iter().any(|id| !self.ancestors.contains_key(id)) {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
