//! Loading many needs at once, with their outcomes already decided, for
//! the ledger benchmark (`jinguo bench deeds`): what matters there is the
//! size of the counter tables a million needs leave, not the cost of a
//! million single transactions. Counters are summed in memory and written
//! once per key, adding to what is there, so the ledger stays equal to a
//! recount of the rows (`deeds_mismatches`).

use std::collections::HashMap;

use jinguo_domain::activity::format_date;
use jinguo_domain::need::{DaysHistogram, NeedStatus, days_bucket};
use jinguo_domain::{Month, UnitId};

use super::super::{Backend, SqlStore};
use super::hist;
use super::write::due_day;
use crate::Result;

/// A need as a bulk load gives it. No description: bulk needs carry no
/// personal data, so nothing is sealed.
#[derive(Debug, Clone)]
pub struct BulkNeed {
    pub origin: UnitId,
    /// The origin's ancestors, itself included.
    pub ancestors: [Option<UnitId>; 5],
    pub category: String,
    pub raised_on: time::Date,
    pub due_date: Option<time::Date>,
    /// `None` while live (open); otherwise resolved (with a rating) or
    /// closed, on a day not before `raised_on`.
    pub outcome: Option<(NeedStatus, time::Date, Option<i64>)>,
}

/// Columns of one `needs` row in a bulk statement.
const WIDTH: usize = 18;
/// Rows per statement: under SQLite's 32,766 parameters.
const CHUNK: usize = 1000;
/// Histogram rows per statement: each binds unit, month and every bucket.
const HIST_CHUNK: usize = 32_766 / (2 + hist::BUCKETS);

#[derive(Default)]
struct Sums {
    raised: i64,
    resolved: i64,
    closed: i64,
    sat_sum: i64,
    sat_n: i64,
}

impl SqlStore {
    /// Inserts needs and adds them to the ledger in one transaction; the
    /// caller has checked units and categories. Returns how many.
    pub async fn bulk_insert_needs(&self, rows: &[BulkNeed], now: i64) -> Result<u64> {
        let mut ledger: HashMap<(i64, String, i64), Sums> = HashMap::new();
        let mut days: HashMap<(i64, i64), DaysHistogram> = HashMap::new();
        let mut open: HashMap<(i64, i64), i64> = HashMap::new();
        let mut tx = self.write_tx().await?;
        for chunk in rows.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO needs (origin_unit_id, l1, l2, l3, l4, l5, assignee_unit_id, source, \
                 category, urgency, status, due_date, raised_on, raised_month, resolved_on, \
                 satisfaction, created_at, updated_at) VALUES {}",
                self.backend.row_params(chunk.len(), WIDTH)
            );
            let mut q = sqlx::query(&sql);
            for n in chunk {
                let month = Month::of_date(n.raised_on).yyyymm();
                let (status, outcome_on, sat) = match n.outcome {
                    Some((s, on, sat)) => (s, Some(on), sat),
                    None => (NeedStatus::Open, None, None),
                };
                q = q.bind(n.origin.get());
                for a in n.ancestors {
                    q = q.bind(a.map(UnitId::get));
                }
                q = q
                    .bind(n.origin.get())
                    .bind("direct")
                    .bind(n.category.as_str())
                    .bind("normal")
                    .bind(status.as_str())
                    .bind(n.due_date.map(format_date))
                    .bind(format_date(n.raised_on))
                    .bind(month)
                    .bind(outcome_on.map(format_date))
                    .bind(sat)
                    .bind(now)
                    .bind(now);
                let dims = ["all".to_owned(), format!("c:{}", n.category)];
                for u in n.ancestors.iter().flatten().map(|u| u.get()) {
                    for dim in &dims {
                        ledger.entry((u, dim.clone(), month)).or_default().raised += 1;
                        if let Some(on) = outcome_on {
                            let m = Month::of_date(on).yyyymm();
                            let s = ledger.entry((u, dim.clone(), m)).or_default();
                            if status == NeedStatus::Resolved {
                                s.resolved += 1;
                                s.sat_sum += sat.unwrap_or(0);
                                s.sat_n += 1;
                            } else {
                                s.closed += 1;
                            }
                        }
                    }
                    match outcome_on {
                        Some(on) if status == NeedStatus::Resolved => {
                            let b = days_bucket((on - n.raised_on).whole_days());
                            days.entry((u, Month::of_date(on).yyyymm()))
                                .or_insert(hist::EMPTY)[b] += 1;
                        }
                        Some(_) => {}
                        None => {
                            let due = n.due_date.map(format_date);
                            *open.entry((u, due_day(due.as_deref()))).or_default() += 1;
                        }
                    }
                }
            }
            q.execute(&mut *tx).await?;
        }
        let ledger: Vec<_> = ledger.into_iter().collect();
        for chunk in ledger.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO rollup_needs (unit_id, dim, month, raised, resolved, closed, sat_sum, \
                 sat_n) VALUES {} ON CONFLICT (unit_id, dim, month) DO UPDATE SET \
                 raised = rollup_needs.raised + excluded.raised, \
                 resolved = rollup_needs.resolved + excluded.resolved, \
                 closed = rollup_needs.closed + excluded.closed, \
                 sat_sum = rollup_needs.sat_sum + excluded.sat_sum, \
                 sat_n = rollup_needs.sat_n + excluded.sat_n",
                self.backend.row_params(chunk.len(), 8)
            );
            let mut q = sqlx::query(&sql);
            for ((u, dim, m), s) in chunk {
                q = q
                    .bind(*u)
                    .bind(dim.as_str())
                    .bind(*m)
                    .bind(s.raised)
                    .bind(s.resolved)
                    .bind(s.closed)
                    .bind(s.sat_sum)
                    .bind(s.sat_n);
            }
            q.execute(&mut *tx).await?;
        }
        let days: Vec<_> = days.into_iter().collect();
        for chunk in days.chunks(HIST_CHUNK) {
            let sql = format!(
                "INSERT INTO rollup_need_hist (unit_id, month, {}) VALUES {} \
                 ON CONFLICT (unit_id, month) DO UPDATE SET {}",
                hist::columns(),
                self.backend.row_params(chunk.len(), 2 + hist::BUCKETS),
                hist::add_excluded()
            );
            let mut q = sqlx::query(&sql);
            for ((u, m), h) in chunk {
                q = q.bind(*u).bind(*m);
                for n in h {
                    q = q.bind(*n);
                }
            }
            q.execute(&mut *tx).await?;
        }
        let open: Vec<_> = open.into_iter().collect();
        for chunk in open.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO rollup_need_open (unit_id, due_day, n) VALUES {} \
                 ON CONFLICT (unit_id, due_day) DO UPDATE SET n = rollup_need_open.n + excluded.n",
                self.backend.row_params(chunk.len(), 3)
            );
            let mut q = sqlx::query(&sql);
            for ((u, d), n) in chunk {
                q = q.bind(*u).bind(*d).bind(*n);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    /// After a bulk load, what autovacuum would do on PostgreSQL:
    /// `VACUUM ANALYZE` of the three counter tables, for planner statistics
    /// and a visibility map (without which the covering indexes of
    /// migration 0012 still read the heap). Nothing on SQLite.
    pub async fn vacuum_needs_ledger(&self) -> Result<()> {
        if self.backend == Backend::Postgres {
            // Not in a transaction: VACUUM refuses to run in one.
            sqlx::raw_sql("VACUUM ANALYZE rollup_needs, rollup_need_hist, rollup_need_open")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }
}
