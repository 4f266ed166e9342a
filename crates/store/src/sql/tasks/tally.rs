//! Task progress counters (migration 0013), kept in the transaction of every
//! report change.
//!
//! A report counts once for each of its ancestors, itself included: under
//! the child of that ancestor it lies beneath (0 for the ancestor's own
//! report), by status, with whether it was first handed in on time. Its
//! handed-in numbers add to a sum per ancestor and field. The statements
//! that change a report set `prev_status = status, prev_on_time = on_time`
//! (SET reads the old row) and return both, so the change needs no extra
//! read, and SQLite's write-first rule holds.
//!
//! Deltas are written in key order: two PostgreSQL transactions that touch
//! the same counters lock them in the same order and cannot deadlock.

use std::collections::BTreeMap;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::super::Backend;
use crate::Result;

/// Columns a changing statement returns for [`Deltas::change`].
pub(super) const CHANGE_COLS: &str =
    "id, task_id, level, l1, l2, l3, l4, l5, prev_status, prev_on_time, status, on_time";

/// Counter rows per multi-row upsert (7 parameters each).
const ROWS_PER_STATEMENT: usize = 500;

/// Where a report sits: its task, level and ancestors (`l1..l5`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Place {
    pub task: i64,
    pub level: usize,
    pub anc: [Option<i64>; 5],
}

impl Place {
    pub(super) fn of(row: &AnyRow) -> Result<Place> {
        let level: i64 = row.try_get("level")?;
        let mut anc = [None; 5];
        for (i, a) in anc.iter_mut().enumerate() {
            *a = row.try_get(format!("l{}", i + 1).as_str())?;
        }
        Ok(Place {
            task: row.try_get("task_id")?,
            level: usize::try_from(level).unwrap_or(0).min(5),
            anc,
        })
    }

    /// (ancestor, child under which the report lies or 0, whether the
    /// report's unit is that child or the ancestor itself), top down.
    fn slots(&self) -> impl Iterator<Item = (i64, i64, bool)> + '_ {
        (1..=self.level).filter_map(move |j| {
            let unit = self.anc[j - 1]?;
            let child = if j == self.level { 0 } else { self.anc[j]? };
            Some((unit, child, self.level <= j + 1))
        })
    }
}

/// Signed changes to `task_tally` and `task_sums`, by key.
#[derive(Debug, Default)]
pub(super) struct Deltas {
    /// (task, unit, child, status) → [n, on_time, own].
    tally: BTreeMap<(i64, i64, i64, String), [i64; 3]>,
    /// (task, unit, field) → (sum, n).
    sums: BTreeMap<(i64, i64, String), (f64, i64)>,
}

impl Deltas {
    /// Counts (`sign` 1) or uncounts (-1) a report of `status`.
    pub(super) fn report(&mut self, at: &Place, status: &str, on_time: bool, sign: i64) {
        for (unit, child, own) in at.slots() {
            let e = self
                .tally
                .entry((at.task, unit, child, status.to_owned()))
                .or_default();
            e[0] += sign;
            e[1] += sign * i64::from(on_time);
            e[2] += sign * i64::from(own);
        }
    }

    /// A row returned with [`CHANGE_COLS`]: the old facts out, the new in.
    /// Returns where the report sits, for its numbers.
    pub(super) fn change(&mut self, row: &AnyRow) -> Result<Place> {
        let at = Place::of(row)?;
        if let Some(old) = row.try_get::<Option<String>, _>("prev_status")? {
            let was: Option<i64> = row.try_get("prev_on_time")?;
            self.report(&at, &old, was.unwrap_or(0) != 0, -1);
        }
        let now: String = row.try_get("status")?;
        let on_time: i64 = row.try_get("on_time")?;
        self.report(&at, &now, on_time != 0, 1);
        Ok(at)
    }

    /// Adds (`sign` 1) or removes (-1) a handed-in number.
    pub(super) fn number(&mut self, at: &Place, key: &str, value: f64, sign: i64) {
        for (unit, _, _) in at.slots() {
            let e = self
                .sums
                .entry((at.task, unit, key.to_owned()))
                .or_default();
            e.0 += sign as f64 * value;
            e.1 += sign;
        }
    }

    /// Writes the non-zero deltas.
    pub(super) async fn apply(self, conn: &mut AnyConnection, backend: Backend) -> Result<()> {
        let tally: Vec<_> = self
            .tally
            .into_iter()
            .filter(|(_, d)| *d != [0; 3])
            .collect();
        for chunk in tally.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO task_tally (task_id, unit_id, child_id, status, n, on_time, own) \
                 VALUES {} ON CONFLICT (task_id, unit_id, child_id, status) DO UPDATE SET \
                 n = task_tally.n + excluded.n, on_time = task_tally.on_time + excluded.on_time, \
                 own = task_tally.own + excluded.own",
                backend.row_params(chunk.len(), 7)
            );
            let mut q = sqlx::query(&sql);
            for ((task, unit, child, status), [n, on_time, own]) in chunk {
                q = q
                    .bind(*task)
                    .bind(*unit)
                    .bind(*child)
                    .bind(status.as_str())
                    .bind(*n)
                    .bind(*on_time)
                    .bind(*own);
            }
            q.execute(&mut *conn).await?;
        }
        let sums: Vec<_> = self.sums.into_iter().filter(|(_, d)| d.1 != 0).collect();
        for chunk in sums.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO task_sums (task_id, unit_id, key, total, n) VALUES {} \
                 ON CONFLICT (task_id, unit_id, key) DO UPDATE SET \
                 total = task_sums.total + excluded.total, n = task_sums.n + excluded.n",
                backend.row_params(chunk.len(), 5)
            );
            let mut q = sqlx::query(&sql);
            for ((task, unit, key), (total, n)) in chunk {
                q = q
                    .bind(*task)
                    .bind(*unit)
                    .bind(key.as_str())
                    .bind(*total)
                    .bind(*n);
            }
            q.execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// Every counter that differs from a recount of the report rows.
pub(super) async fn mismatches(conn: &mut AnyConnection) -> Result<Vec<String>> {
    let mut expected = Deltas::default();
    let mut places = std::collections::HashMap::new();
    for r in sqlx::query(&format!("SELECT {CHANGE_COLS} FROM task_reports"))
        .fetch_all(&mut *conn)
        .await?
    {
        let at = Place::of(&r)?;
        let status: String = r.try_get("status")?;
        expected.report(&at, &status, r.try_get::<i64, _>("on_time")? != 0, 1);
        places.insert(r.try_get::<i64, _>("id")?, at);
    }
    for r in sqlx::query("SELECT report_id, key, value FROM task_numbers WHERE counted = 1")
        .fetch_all(&mut *conn)
        .await?
    {
        let id: i64 = r.try_get("report_id")?;
        let key: String = r.try_get("key")?;
        if let Some(at) = places.get(&id) {
            expected.number(at, &key, r.try_get("value")?, 1);
        }
    }
    let mut out = Vec::new();
    let mut tally = expected.tally;
    for r in
        sqlx::query("SELECT task_id, unit_id, child_id, status, n, on_time, own FROM task_tally")
            .fetch_all(&mut *conn)
            .await?
    {
        let key: (i64, i64, i64, String) = (
            r.try_get("task_id")?,
            r.try_get("unit_id")?,
            r.try_get("child_id")?,
            r.try_get::<String, _>("status")?,
        );
        let stored: [i64; 3] = [r.try_get("n")?, r.try_get("on_time")?, r.try_get("own")?];
        let want = tally.remove(&key).unwrap_or_default();
        if stored != want {
            out.push(format!(
                "task_tally {key:?}: stored {stored:?}, recounted {want:?}"
            ));
        }
    }
    out.extend(
        tally
            .into_iter()
            .filter(|(_, d)| *d != [0; 3])
            .map(|(key, want)| format!("task_tally {key:?}: missing, recounted {want:?}")),
    );
    let mut sums = expected.sums;
    for r in sqlx::query("SELECT task_id, unit_id, key, total, n FROM task_sums")
        .fetch_all(&mut *conn)
        .await?
    {
        let key: (i64, i64, String) = (
            r.try_get("task_id")?,
            r.try_get("unit_id")?,
            r.try_get::<String, _>("key")?,
        );
        let stored: (f64, i64) = (r.try_get("total")?, r.try_get("n")?);
        let want = sums.remove(&key).unwrap_or_default();
        if stored.1 != want.1 || (stored.0 - want.0).abs() > 1e-6 * want.0.abs().max(1.0) {
            out.push(format!(
                "task_sums {key:?}: stored {stored:?}, recounted {want:?}"
            ));
        }
    }
    out.extend(
        sums.into_iter()
            .filter(|(_, d)| d.1 != 0)
            .map(|(key, want)| format!("task_sums {key:?}: missing, recounted {want:?}")),
    );
    Ok(out)
}
