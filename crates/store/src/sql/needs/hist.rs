//! The days-to-resolve histogram of the deeds ledger, `rollup_need_hist`
//! (migration 0008): one row per unit and month resolved, one counter column
//! `b<k>` per bucket of [`DAYS_BUCKETS`]. A ledger then reads one row per
//! unit and month however widely the days spread, and a write adds 1 to one
//! column of one row per ancestor.
//!
//! Every statement that names the bucket columns is generated here from that
//! one list, for both backends, so the writes, the reads and the recount
//! cannot drift apart; the migration spells the same columns out once per
//! backend, and a test checks it against the list.

use std::sync::LazyLock;

use jinguo_domain::need::{DAYS_BUCKETS, DaysHistogram, days_bucket};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Result;

/// Buckets, hence counter columns, per row.
pub(crate) const BUCKETS: usize = DAYS_BUCKETS.len();

/// A histogram with nothing counted.
pub(crate) const EMPTY: DaysHistogram = [0; BUCKETS];

/// The column counting bucket `k`.
pub(crate) fn column(k: usize) -> String {
    format!("b{k}")
}

/// The column a resolution that took `days` is counted in.
pub(crate) fn column_of_days(days: i64) -> String {
    column(days_bucket(days))
}

fn joined(f: impl Fn(usize) -> String) -> String {
    (0..BUCKETS).map(f).collect::<Vec<_>>().join(", ")
}

static COLUMNS: LazyLock<String> = LazyLock::new(|| joined(column));

static SUMS: LazyLock<String> =
    LazyLock::new(|| joined(|k| format!("CAST(COALESCE(SUM(h.b{k}), 0) AS BIGINT) AS b{k}")));

static ADD_EXCLUDED: LazyLock<String> =
    LazyLock::new(|| joined(|k| format!("b{k} = rollup_need_hist.b{k} + excluded.b{k}")));

/// `b0, b1, …` in bucket order.
pub(crate) fn columns() -> &'static str {
    &COLUMNS
}

/// `SUM` of every bucket column of the rows aliased `h`, in bucket order,
/// cast back to BIGINT: PostgreSQL sums BIGINT as NUMERIC, which the Any
/// driver does not decode.
pub(crate) fn sums() -> &'static str {
    &SUMS
}

/// The `DO UPDATE SET` list of an upsert that adds every bucket of the new
/// row to the stored one.
pub(crate) fn add_excluded() -> &'static str {
    &ADD_EXCLUDED
}

/// The bucket columns of `row`, starting at column index `first`. By index,
/// not by name: a name lookup per value would cost more than the value.
pub(crate) fn read(row: &AnyRow, first: usize) -> Result<DaysHistogram> {
    let mut h = EMPTY;
    for (k, n) in h.iter_mut().enumerate() {
        *n = row.try_get(first + k)?;
    }
    Ok(h)
}

/// Adds `h` into `into`, bucket by bucket.
pub(crate) fn add_into(into: &mut DaysHistogram, h: &DaysHistogram) {
    for (a, b) in into.iter_mut().zip(h) {
        *a += b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The migrations spell the columns out (sqlx migrations are plain SQL
    /// files); they must be the ones generated here, in the same order, and
    /// fill each from the days of its bucket.
    #[test]
    fn migrations_match_the_bucket_list() {
        for sql in [
            include_str!("../../../migrations/sqlite/0008_need_days_histogram.sql"),
            include_str!("../../../migrations/postgres/0008_need_days_histogram.sql"),
        ] {
            let insert = &sql[sql.find("INSERT INTO rollup_need_hist").unwrap()..];
            let list: String = insert
                [insert.find("month,").unwrap() + 6..insert.find(')').unwrap()]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(list, columns());
            for (k, lo) in DAYS_BUCKETS.iter().enumerate() {
                assert!(sql.contains(&format!("\n    b{k:<7}")), "column b{k}");
                let cond = match (k, DAYS_BUCKETS.get(k + 1)) {
                    (0, Some(hi)) => format!("days < {hi}"),
                    (_, Some(hi)) => format!("days >= {lo} AND days < {hi}"),
                    (_, None) => format!("days >= {lo}"),
                };
                assert!(sql.contains(&format!("WHEN {cond} THEN")), "fill of b{k}");
            }
            assert!(!sql.contains(&format!("b{BUCKETS} ")));
        }
    }

    #[test]
    fn statements_name_every_bucket_in_order() {
        assert!(columns().starts_with("b0, b1, b2, "));
        assert!(columns().ends_with(&format!("b{}", BUCKETS - 1)));
        assert_eq!(sums().matches("SUM(").count(), BUCKETS);
        assert_eq!(add_excluded().matches("excluded.").count(), BUCKETS);
        assert_eq!(column_of_days(3), "b3");
        assert_eq!(column_of_days(400), format!("b{}", BUCKETS - 1));
    }

    /// Migration 0008 on a ledger written by 0007: every old row lands in
    /// the column of its bucket, per unit and month, and the old table goes.
    async fn migrates_old_rows(url: &str, all: &'static sqlx::migrate::Migrator) {
        let pool = crate::sql::pool_migrated_below(url, all, 8).await;
        let old: [(i64, i64, i64, i64); 7] = [
            (1, 202601, 0, 2),
            (1, 202601, 30, 1),
            (1, 202601, 31, 4),
            (1, 202601, 35, 1),
            (1, 202601, 366, 3),
            (1, 202602, 100, 1),
            (2, 202601, 5, 7),
        ];
        for (u, m, d, n) in old {
            sqlx::query(
                "INSERT INTO rollup_need_days (unit_id, month, days, n) VALUES ($1, $2, $3, $4)",
            )
            .bind(u)
            .bind(m)
            .bind(d)
            .bind(n)
            .execute(&pool)
            .await
            .unwrap();
        }
        all.run(&pool).await.unwrap();
        let sql = format!(
            "SELECT unit_id, month, {} FROM rollup_need_hist ORDER BY unit_id, month",
            columns()
        );
        let rows = sqlx::query(&sql).fetch_all(&pool).await.unwrap();
        let got: Vec<(i64, i64, DaysHistogram)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), read(r, 2).unwrap()))
            .collect();
        let mut want: Vec<(i64, i64, DaysHistogram)> = Vec::new();
        for (u, m, d, n) in old {
            match want.iter_mut().find(|w| w.0 == u && w.1 == m) {
                Some(w) => w.2[days_bucket(d)] += n,
                None => {
                    let mut h = EMPTY;
                    h[days_bucket(d)] = n;
                    want.push((u, m, h));
                }
            }
        }
        assert_eq!(got, want);
        assert_eq!(want[0].2[days_bucket(31)], 5, "31 and 35 share a bucket");
        let gone = sqlx::query("SELECT COUNT(*) AS n FROM rollup_need_days")
            .fetch_one(&pool)
            .await;
        assert!(gone.is_err(), "rollup_need_days is dropped");
        pool.close().await;
    }

    #[tokio::test]
    async fn migration_0008_moves_old_rows_on_sqlite() {
        let url = crate::testing::fresh_sqlite_url() + "?mode=rwc";
        migrates_old_rows(&url, &crate::sql::SQLITE_MIGRATIONS).await;
    }

    #[tokio::test]
    async fn migration_0008_moves_old_rows_on_postgres() {
        if let crate::testing::PostgresTarget::Fresh(url) = crate::testing::fresh_postgres().await {
            migrates_old_rows(&url, &crate::sql::POSTGRES_MIGRATIONS).await;
        }
    }
}
