//! One activity written as a form submission writes it: few round trips.
//!
//! A single insert is dominated by the number of statements, not by the
//! work in them: on SQLite each is a hand-off to the connection's worker
//! thread, on PostgreSQL a network round trip (and a WAL flush per commit).

use crate::Scope;
use jinguo_domain::UnitId;
use sqlx::{AnyConnection, Row};

use super::super::{Backend, ancestors, not_found_if_none};
use super::deltas::Deltas;
use super::{ACTIVITY_WIDTH, INSERT_ONE_ACTIVITY, bind_activity};
use crate::model::NewActivity;
use crate::{Result, StoreError};

/// The ancestors of `unit` if it lies in the scope and is active.
pub(crate) async fn recordable_ancestors(
    conn: &mut AnyConnection,
    scope: Scope,
    unit: UnitId,
) -> Result<[Option<UnitId>; 5]> {
    let row = sqlx::query("SELECT active, l1, l2, l3, l4, l5 FROM units WHERE id = $1")
        .bind(unit.get())
        .fetch_optional(&mut *conn)
        .await?;
    let row = not_found_if_none(row)?;
    let anc = ancestors(&row, "")?;
    if !scope.contains(&anc) {
        return Err(StoreError::NotFound);
    }
    if row.try_get::<i64, _>("active")? == 0 {
        return Err(crate::sql::units::retired());
    }
    Ok(anc)
}

/// Inserts the row alone; returns its id.
pub(crate) async fn insert_row(
    conn: &mut AnyConnection,
    backend: Backend,
    anc: &[Option<UnitId>; 5],
    new: &NewActivity,
    made_at: Option<i64>,
    now: i64,
) -> Result<i64> {
    let sql = format!(
        "{INSERT_ONE_ACTIVITY} VALUES ({}) RETURNING id",
        backend.params(1, ACTIVITY_WIDTH + 1)
    );
    let row = bind_activity(sqlx::query(&sql), new.unit, anc, new, now)
        .bind(made_at)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("id")?)
}

/// PostgreSQL: the row and its counters in one statement (data-modifying
/// CTEs), which is atomic on its own, so one round trip and one commit
/// instead of four round trips.
pub(super) async fn insert_in_one_statement(
    conn: &mut AnyConnection,
    anc: &[Option<UnitId>; 5],
    new: &NewActivity,
    deltas: Deltas,
    made_at: Option<i64>,
    now: i64,
) -> Result<i64> {
    let rows = deltas.into_rows();
    let counters = (0..rows.len())
        .map(|r| {
            format!(
                "({})",
                Backend::Postgres.params(ACTIVITY_WIDTH + 2 + r * 6, 6)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "WITH a AS ({INSERT_ONE_ACTIVITY} VALUES ({}) RETURNING id), \
         c AS (INSERT INTO rollup_activities (unit_id, dim, month, activities, participants, women) \
           VALUES {counters} ON CONFLICT (unit_id, dim, month) DO UPDATE SET \
           activities = rollup_activities.activities + excluded.activities, \
           participants = rollup_activities.participants + excluded.participants, \
           women = rollup_activities.women + excluded.women) \
         SELECT id FROM a",
        Backend::Postgres.params(1, ACTIVITY_WIDTH + 1)
    );
    let mut q = bind_activity(sqlx::query(&sql), new.unit, anc, new, now).bind(made_at);
    for ((unit, dim, month), c) in &rows {
        q = q
            .bind(*unit)
            .bind(dim.as_str())
            .bind(*month)
            .bind(c.activities)
            .bind(c.participants)
            .bind(c.women);
    }
    let row = q.fetch_one(&mut *conn).await?;
    Ok(row.try_get("id")?)
}
