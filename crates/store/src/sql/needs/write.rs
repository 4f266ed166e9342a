//! Writing needs and their ledger counters.
//!
//! Shared by the needs store and the public help page (a help request
//! becomes a need in the same transaction that records it).

use jinguo_domain::{NeedId, UnitId};
use sqlx::{AnyConnection, Row};

use super::super::Backend;
use super::hist;
use crate::Result;
use crate::model::NewNeed;
use crate::vault::{Vault, associated_data};

/// The due day of a need without a due date, as stored in
/// `rollup_need_open`: after every real date, so never overdue.
pub(crate) const NO_DUE_DAY: i64 = 99_991_231;

/// `YYYY-MM-DD` → `yyyymmdd`.
pub(crate) fn due_day(due: Option<&str>) -> i64 {
    due.and_then(|d| d.replace('-', "").parse().ok())
        .unwrap_or(NO_DUE_DAY)
}

/// One change to the ledger of every ancestor of a need's origin.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LedgerDelta {
    pub raised: i64,
    pub resolved: i64,
    pub closed: i64,
    pub sat_sum: i64,
    pub sat_n: i64,
}

/// Adds `delta` to the `all` and `c:<category>` counters of `month` for
/// every unit in `anc`.
pub(crate) async fn add_ledger(
    conn: &mut AnyConnection,
    backend: Backend,
    anc: &[Option<UnitId>; 5],
    category: &str,
    month: i64,
    d: LedgerDelta,
) -> Result<()> {
    let units: Vec<i64> = anc.iter().flatten().map(|u| u.get()).collect();
    let dims = ["all".to_owned(), format!("c:{category}")];
    let sql = format!(
        "INSERT INTO rollup_needs (unit_id, dim, month, raised, resolved, closed, sat_sum, sat_n) \
         VALUES {} ON CONFLICT (unit_id, dim, month) DO UPDATE SET \
         raised = rollup_needs.raised + excluded.raised, \
         resolved = rollup_needs.resolved + excluded.resolved, \
         closed = rollup_needs.closed + excluded.closed, \
         sat_sum = rollup_needs.sat_sum + excluded.sat_sum, \
         sat_n = rollup_needs.sat_n + excluded.sat_n",
        backend.row_params(units.len() * dims.len(), 8)
    );
    let mut q = sqlx::query(&sql);
    for u in &units {
        for dim in &dims {
            q = q
                .bind(*u)
                .bind(dim.as_str())
                .bind(month)
                .bind(d.raised)
                .bind(d.resolved)
                .bind(d.closed)
                .bind(d.sat_sum)
                .bind(d.sat_n);
        }
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Adds `n` (±1) to the live-needs counter of `due` for every unit in `anc`.
pub(crate) async fn add_open(
    conn: &mut AnyConnection,
    backend: Backend,
    anc: &[Option<UnitId>; 5],
    due: i64,
    n: i64,
) -> Result<()> {
    let units: Vec<i64> = anc.iter().flatten().map(|u| u.get()).collect();
    let sql = format!(
        "INSERT INTO rollup_need_open (unit_id, due_day, n) VALUES {} \
         ON CONFLICT (unit_id, due_day) DO UPDATE SET n = rollup_need_open.n + excluded.n",
        backend.row_params(units.len(), 3)
    );
    let mut q = sqlx::query(&sql);
    for u in &units {
        q = q.bind(*u).bind(due).bind(n);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Counts one resolution that took `days` in the histogram of `month`: 1
/// more in the column of its bucket, for every unit in `anc`.
pub(crate) async fn add_days(
    conn: &mut AnyConnection,
    backend: Backend,
    anc: &[Option<UnitId>; 5],
    month: i64,
    days: i64,
) -> Result<()> {
    let units: Vec<i64> = anc.iter().flatten().map(|u| u.get()).collect();
    // The column comes from the bucket list, never from input.
    let b = hist::column_of_days(days);
    let sql = format!(
        "INSERT INTO rollup_need_hist (unit_id, month, {b}) VALUES {} \
         ON CONFLICT (unit_id, month) DO UPDATE SET {b} = rollup_need_hist.{b} + excluded.{b}",
        backend.row_params(units.len(), 3)
    );
    let mut q = sqlx::query(&sql);
    for u in &units {
        q = q.bind(*u).bind(month).bind(1_i64);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Inserts a need, its `raised` event and its counters on `conn`, which the
/// caller has inside a transaction. `anc` are the origin's ancestors.
pub(crate) async fn insert_need(
    conn: &mut AnyConnection,
    backend: Backend,
    vault: &Vault,
    anc: &[Option<UnitId>; 5],
    new: &NewNeed,
    now: i64,
) -> Result<NeedId> {
    let raised_on = jinguo_domain::activity::format_date(new.raised_on);
    let due = new.due_date.map(jinguo_domain::activity::format_date);
    let month = jinguo_domain::Month::of_date(new.raised_on).yyyymm();
    let row = sqlx::query(
        "INSERT INTO needs (origin_unit_id, l1, l2, l3, l4, l5, assignee_unit_id, \
         assignee_user_id, household_id, visit_id, source, category, urgency, status, due_date, \
         raised_on, raised_month, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'open', $14, $15, $16, \
         $17, $18, $18) RETURNING id",
    )
    .bind(new.origin.get())
    .bind(anc[0].map(UnitId::get))
    .bind(anc[1].map(UnitId::get))
    .bind(anc[2].map(UnitId::get))
    .bind(anc[3].map(UnitId::get))
    .bind(anc[4].map(UnitId::get))
    .bind(new.assignee.get())
    .bind(new.assignee_user.map(|u| u.get()))
    .bind(new.household.map(|h| h.get()))
    .bind(new.visit.map(|v| v.get()))
    .bind(new.source.as_str())
    .bind(new.category.as_str())
    .bind(new.urgency.as_str())
    .bind(due.as_deref())
    .bind(raised_on.as_str())
    .bind(month)
    .bind(new.by.map(|u| u.get()))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    let sealed = vault.encrypt_text(
        &new.description,
        &associated_data("need", id, "description"),
    );
    sqlx::query("UPDATE needs SET description_enc = $1 WHERE id = $2")
        .bind(sealed)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO need_events (need_id, at, by_user, action, to_unit) \
         VALUES ($1, $2, $3, 'raised', $4)",
    )
    .bind(id)
    .bind(now)
    .bind(new.by.map(|u| u.get()))
    .bind(new.assignee.get())
    .execute(&mut *conn)
    .await?;
    let raised = LedgerDelta {
        raised: 1,
        ..LedgerDelta::default()
    };
    add_ledger(conn, backend, anc, &new.category, month, raised).await?;
    add_open(conn, backend, anc, due_day(due.as_deref()), 1).await?;
    Ok(NeedId::new(id))
}
