//! Outline figures kept on write (issue 16, design 3): `outline_rollups`
//! holds, per indicator, reporting unit and year, what
//! [`jinguo_domain::outline::roll_up`] makes of the unit's own approved
//! entry and the rows kept for its reporting units below. Approving a
//! report rewrites the rows of its indicators for its unit and every
//! ancestor, for its year and the next (whose coverage of a unit that does
//! not report uses this year's denominator), in the approval's own
//! transaction. A change of the tree (an `org import`) or of the levels an
//! indicator is reported at rebuilds the rows from the approved values.

use std::collections::{BTreeSet, HashMap};

use jinguo_domain::outline::{Aggregate, Below, Entry, IndicatorId, Rollup, roll_up};
use jinguo_domain::{Level, UnitId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::Indicator;
use super::RollupRow;
use super::sql::{IND_COLS, entry_from, figure_cols, figure_from, indicator_from_row};
use crate::Result;
use crate::sql::{Backend, SqlStore, float_or_nan};

pub(super) const KEPT_COLS: &str = "unit_id, year, indicator_id, own, num, den, value, f_num, \
     f_den, f_value, m_num, m_den, m_value, agg, agg_value, agg_num, agg_den, units_reported, \
     units_expected, coverage";

/// Rows per multi-row insert: 20 parameters each, well under SQLite's
/// limit.
const BATCH: usize = 200;

pub(super) fn rollup_from_row(row: &AnyRow) -> Result<RollupRow> {
    let aggregate = if row.try_get::<i64, _>("agg")? != 0 {
        Some(Aggregate {
            value: row.try_get("agg_value")?,
            numerator: row.try_get("agg_num")?,
            denominator: row.try_get("agg_den")?,
            units_reported: row.try_get::<i64, _>("units_reported")? as u32,
            units_expected: row.try_get::<i64, _>("units_expected")? as u32,
            denominator_coverage: row.try_get("coverage")?,
        })
    } else {
        None
    };
    Ok(RollupRow {
        indicator: IndicatorId::new(row.try_get("indicator_id")?),
        unit: UnitId::new(row.try_get("unit_id")?),
        year: row.try_get::<i64, _>("year")? as i32,
        rollup: Rollup {
            own: row.try_get::<i64, _>("own")? != 0,
            total: figure_from(row, "")?,
            female: figure_from(row, "f_")?,
            male: figure_from(row, "m_")?,
            aggregate,
        },
    })
}

/// The geographic units of levels 1–3 (retired ones too: a report made
/// before a retirement keeps its own row) and, for each, its active
/// reporting units one level down: the tree the attainment page walks.
struct Tree {
    level: HashMap<UnitId, Level>,
    below: HashMap<UnitId, Vec<(UnitId, Level)>>,
}

impl Tree {
    /// The units below `unit` that report `ind`.
    fn below(&self, unit: UnitId, ind: &Indicator) -> Vec<UnitId> {
        self.below
            .get(&unit)
            .map(|c| {
                c.iter()
                    .filter(|(_, l)| ind.spec.reported_at(*l))
                    .map(|(id, _)| *id)
                    .collect()
            })
            .unwrap_or_default()
    }
}

async fn tree(conn: &mut AnyConnection) -> Result<Tree> {
    let rows = sqlx::query(
        "SELECT id, parent_id, level, active FROM units WHERE kind = 'geo' AND level <= 3",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut t = Tree {
        level: HashMap::with_capacity(rows.len()),
        below: HashMap::new(),
    };
    for r in &rows {
        let id = UnitId::new(r.try_get("id")?);
        let level = crate::sql::level_of(r, "level")?;
        t.level.insert(id, level);
        let parent: Option<i64> = r.try_get("parent_id")?;
        if let Some(p) = parent
            && r.try_get::<i64, _>("active")? == 1
        {
            t.below.entry(UnitId::new(p)).or_default().push((id, level));
        }
    }
    Ok(t)
}

/// Replaces the kept rows of `(unit, year)` for `indicators` by `rows`
/// (those that say something: see [`Rollup::is_kept`]).
async fn replace(
    conn: &mut AnyConnection,
    backend: Backend,
    unit: UnitId,
    year: i32,
    indicators: &[IndicatorId],
    rows: &[RollupRow],
) -> Result<()> {
    if indicators.is_empty() {
        return Ok(());
    }
    let marks = (0..indicators.len())
        .map(|i| format!("${}", i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "DELETE FROM outline_rollups WHERE unit_id = $1 AND year = $2 AND indicator_id IN ({marks})"
    );
    let mut q = sqlx::query(&sql).bind(unit.get()).bind(i64::from(year));
    for i in indicators {
        q = q.bind(i.get());
    }
    q.execute(&mut *conn).await?;
    insert(conn, backend, rows).await
}

/// Inserts kept rows, many to a statement.
async fn insert(conn: &mut AnyConnection, backend: Backend, rows: &[RollupRow]) -> Result<()> {
    const COLS: usize = 20;
    // The float columns (value, f_value, m_value, agg_value, coverage),
    // 0-based: bound through `nullable_float`.
    const FLOATS: [usize; 5] = [6, 9, 12, 14, 19];
    let row_marks = |i: usize| {
        (0..COLS)
            .map(|c| {
                let n = match backend {
                    Backend::Sqlite => 0,
                    Backend::Postgres => i * COLS + c + 1,
                };
                if FLOATS.contains(&c) {
                    backend.nullable_float(n)
                } else if n == 0 {
                    "?".to_owned()
                } else {
                    format!("${n}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for chunk in rows.chunks(BATCH) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", row_marks(i)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO outline_rollups ({KEPT_COLS}) VALUES {values}");
        let mut q = sqlx::query(&sql);
        for r in chunk {
            let k = &r.rollup;
            let (num, den, value) = figure_cols(k.total);
            let (f_num, f_den, f_value) = figure_cols(k.female);
            let (m_num, m_den, m_value) = figure_cols(k.male);
            let a = k.aggregate;
            q = q
                .bind(r.unit.get())
                .bind(i64::from(r.year))
                .bind(r.indicator.get())
                .bind(i64::from(k.own))
                .bind(num)
                .bind(den)
                .bind(float_or_nan(value))
                .bind(f_num)
                .bind(f_den)
                .bind(float_or_nan(f_value))
                .bind(m_num)
                .bind(m_den)
                .bind(float_or_nan(m_value))
                .bind(i64::from(a.is_some()))
                .bind(float_or_nan(a.and_then(|a| a.value)))
                .bind(a.and_then(|a| a.numerator))
                .bind(a.and_then(|a| a.denominator))
                .bind(i64::from(a.map_or(0, |a| a.units_reported)))
                .bind(i64::from(a.map_or(0, |a| a.units_expected)))
                .bind(float_or_nan(a.and_then(|a| a.denominator_coverage)));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Rolls one indicator up at one unit and year from the own entry and the
/// kept rows of the units below (`kept`, by unit and year).
fn roll(
    ind: &Indicator,
    unit: UnitId,
    year: i32,
    own: Option<Entry>,
    below: &[UnitId],
    kept: impl Fn(UnitId, i32) -> Option<Rollup>,
) -> RollupRow {
    let below: Vec<Below> = below
        .iter()
        .map(|c| Below {
            now: kept(*c, year),
            last_year: kept(*c, year - 1).and_then(|r| r.total),
        })
        .collect();
    RollupRow {
        indicator: ind.id,
        unit,
        year,
        rollup: roll_up(ind.spec.unit, own, &below),
    }
}

impl SqlStore {
    /// Rewrites, on the approval's connection, the kept rows of the given
    /// indicators for `unit` and its ancestors (`chain`, the unit first)
    /// for `year`, then for the ancestors for `year + 1`.
    pub(super) async fn refresh_rollups(
        &self,
        conn: &mut AnyConnection,
        chain: &[UnitId],
        year: i32,
        indicators: &[IndicatorId],
    ) -> Result<()> {
        if indicators.is_empty() || chain.is_empty() {
            return Ok(());
        }
        let marks = (0..indicators.len())
            .map(|i| format!("${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT {IND_COLS} FROM outline_indicators WHERE id IN ({marks})");
        let mut q = sqlx::query(&sql);
        for i in indicators {
            q = q.bind(i.get());
        }
        let inds: Vec<Indicator> = q
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(indicator_from_row)
            .collect::<Result<_>>()?;
        let ids: Vec<IndicatorId> = inds.iter().map(|i| i.id).collect();
        // The reporting units one level down of each unit of the chain.
        let mut below: HashMap<UnitId, Vec<(UnitId, Level)>> = HashMap::new();
        for u in chain {
            let rows = sqlx::query(
                "SELECT id, level FROM units WHERE parent_id = $1 AND active = 1 \
                 AND kind = 'geo' AND level <= 3",
            )
            .bind(u.get())
            .fetch_all(&mut *conn)
            .await?;
            let list = rows
                .iter()
                .map(|r| {
                    Ok((
                        UnitId::new(r.try_get("id")?),
                        crate::sql::level_of(r, "level")?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            below.insert(*u, list);
        }
        for (pass, y) in [year, year + 1].into_iter().enumerate() {
            // Next year only the ancestors' coverage changes.
            for &u in &chain[pass.min(1)..] {
                let children = &below[&u];
                let own = self.own_entries(conn, u, y, &ids).await?;
                let kept = self
                    .kept_rows(
                        conn,
                        &children.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
                        &[y - 1, y],
                        &ids,
                    )
                    .await?;
                let rows: Vec<RollupRow> = inds
                    .iter()
                    .map(|ind| {
                        let reporting: Vec<UnitId> = children
                            .iter()
                            .filter(|(_, l)| ind.spec.reported_at(*l))
                            .map(|(c, _)| *c)
                            .collect();
                        roll(ind, u, y, own.get(&ind.id).copied(), &reporting, |c, yy| {
                            kept.get(&(ind.id, c, yy)).copied()
                        })
                    })
                    .filter(|r| r.rollup.is_kept())
                    .collect();
                replace(conn, self.backend, u, y, &ids, &rows).await?;
            }
        }
        Ok(())
    }

    /// A unit's approved entries for a year, by indicator.
    async fn own_entries(
        &self,
        conn: &mut AnyConnection,
        unit: UnitId,
        year: i32,
        indicators: &[IndicatorId],
    ) -> Result<HashMap<IndicatorId, Entry>> {
        if indicators.is_empty() {
            return Ok(HashMap::new());
        }
        let marks = (0..indicators.len())
            .map(|i| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT indicator_id, num, den, value, f_num, f_den, f_value, m_num, m_den, m_value \
             FROM outline_values WHERE unit_id = $1 AND year = $2 AND approved = 1 \
             AND indicator_id IN ({marks})"
        );
        let mut q = sqlx::query(&sql).bind(unit.get()).bind(i64::from(year));
        for i in indicators {
            q = q.bind(i.get());
        }
        let rows = q.fetch_all(&mut *conn).await?;
        let mut out = HashMap::new();
        for r in &rows {
            let id = IndicatorId::new(r.try_get("indicator_id")?);
            if indicators.contains(&id) {
                out.insert(id, entry_from(r)?);
            }
        }
        Ok(out)
    }

    /// The kept rows of some units and years (of some indicators, or all
    /// when `indicators` is empty), by (indicator, unit, year).
    pub(super) async fn kept_rows(
        &self,
        conn: &mut AnyConnection,
        units: &[UnitId],
        years: &[i32],
        indicators: &[IndicatorId],
    ) -> Result<HashMap<(IndicatorId, UnitId, i32), Rollup>> {
        if units.is_empty() || years.is_empty() {
            return Ok(HashMap::new());
        }
        let mut n = 0;
        let mut marks = |k: usize| {
            let m = (0..k)
                .map(|i| format!("${}", n + i + 1))
                .collect::<Vec<_>>()
                .join(", ");
            n += k;
            m
        };
        let u = marks(units.len());
        let y = marks(years.len());
        let only = if indicators.is_empty() {
            String::new()
        } else {
            format!(" AND indicator_id IN ({})", marks(indicators.len()))
        };
        let sql = format!(
            "SELECT {KEPT_COLS} FROM outline_rollups WHERE unit_id IN ({u}) AND year IN ({y}){only}"
        );
        let mut q = sqlx::query(&sql);
        for x in units {
            q = q.bind(x.get());
        }
        for x in years {
            q = q.bind(i64::from(*x));
        }
        for x in indicators {
            q = q.bind(x.get());
        }
        let rows = q.fetch_all(&mut *conn).await?;
        let mut out = HashMap::with_capacity(rows.len());
        for r in &rows {
            let k = rollup_from_row(r)?;
            out.insert((k.indicator, k.unit, k.year), k.rollup);
        }
        Ok(out)
    }

    /// The attainment page's read, one row per unit and indicator (a
    /// pivot: the rows of three years would cost three times the fetching,
    /// which is most of the page's time): the kept roll-ups of `units` for
    /// `year`, and only the totals for the `earlier` years (last year, the
    /// baseline), which is all the page shows of them.
    pub(super) async fn page_rows(
        &self,
        conn: &mut AnyConnection,
        units: &[UnitId],
        year: i32,
        earlier: &[i32],
    ) -> Result<Vec<RollupRow>> {
        const FULL: [&str; 17] = [
            "own",
            "num",
            "den",
            "value",
            "f_num",
            "f_den",
            "f_value",
            "m_num",
            "m_den",
            "m_value",
            "agg",
            "agg_value",
            "agg_num",
            "agg_den",
            "units_reported",
            "units_expected",
            "coverage",
        ];
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut cols = vec![
            "unit_id".to_owned(),
            "indicator_id".to_owned(),
            "CAST($1 AS BIGINT) AS year".to_owned(),
            "COUNT(CASE WHEN year = $1 THEN 1 END) AS here".to_owned(),
        ];
        cols.extend(
            FULL.iter()
                .map(|c| format!("MAX(CASE WHEN year = $1 THEN {c} END) AS {c}")),
        );
        for k in 0..earlier.len() {
            let n = k + 2;
            for c in ["num", "den", "value"] {
                cols.push(format!(
                    "MAX(CASE WHEN year = ${n} THEN {c} END) AS e{k}_{c}"
                ));
            }
        }
        let years = (1..=earlier.len() + 1)
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let marks = (0..units.len())
            .map(|i| format!("${}", earlier.len() + 2 + i))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {} FROM outline_rollups WHERE year IN ({years}) AND unit_id IN ({marks}) \
             GROUP BY unit_id, indicator_id",
            cols.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(i64::from(year));
        for y in earlier {
            q = q.bind(i64::from(*y));
        }
        for u in units {
            q = q.bind(u.get());
        }
        let rows = q.fetch_all(&mut *conn).await?;
        let mut out = Vec::with_capacity(rows.len() * (1 + earlier.len()));
        for r in &rows {
            if r.try_get::<i64, _>("here")? > 0 {
                out.push(rollup_from_row(r)?);
            }
            for (k, y) in earlier.iter().enumerate() {
                if let Some(total) = figure_from(r, &format!("e{k}_"))? {
                    out.push(RollupRow {
                        indicator: IndicatorId::new(r.try_get("indicator_id")?),
                        unit: UnitId::new(r.try_get("unit_id")?),
                        year: *y,
                        rollup: Rollup {
                            own: false,
                            total: Some(total),
                            female: None,
                            male: None,
                            aggregate: None,
                        },
                    });
                }
            }
        }
        Ok(out)
    }

    /// Rebuilds the kept rows from the approved values, on `conn` (inside
    /// the caller's transaction): of every indicator, or of `only`.
    pub(crate) async fn rebuild_rollups_in(
        &self,
        conn: &mut AnyConnection,
        only: Option<&[IndicatorId]>,
    ) -> Result<()> {
        let inds: Vec<Indicator> =
            sqlx::query(&format!("SELECT {IND_COLS} FROM outline_indicators"))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(indicator_from_row)
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .filter(|i| only.is_none_or(|o| o.contains(&i.id)))
                .collect();
        match only {
            None => {
                sqlx::query("DELETE FROM outline_rollups")
                    .execute(&mut *conn)
                    .await?;
            }
            Some(ids) => {
                for id in ids {
                    sqlx::query("DELETE FROM outline_rollups WHERE indicator_id = $1")
                        .bind(id.get())
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
        if inds.is_empty() {
            return Ok(());
        }
        let tree = tree(conn).await?;
        // Every approved entry, by indicator then (unit, year).
        let rows = sqlx::query(
            "SELECT indicator_id, unit_id, year, num, den, value, f_num, f_den, f_value, \
             m_num, m_den, m_value FROM outline_values WHERE approved = 1",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut values: HashMap<IndicatorId, HashMap<(UnitId, i32), Entry>> = HashMap::new();
        for r in &rows {
            let id = IndicatorId::new(r.try_get("indicator_id")?);
            if inds.iter().any(|i| i.id == id) {
                values.entry(id).or_default().insert(
                    (
                        UnitId::new(r.try_get("unit_id")?),
                        r.try_get::<i64, _>("year")? as i32,
                    ),
                    entry_from(r)?,
                );
            }
        }
        drop(rows);
        // Units bottom-up: banners, then leagues, then the region.
        let mut units: Vec<(UnitId, Level)> = tree.level.iter().map(|(u, l)| (*u, *l)).collect();
        units.sort_by_key(|(u, l)| (std::cmp::Reverse(*l), *u));
        let mut out: Vec<RollupRow> = Vec::new();
        for ind in &inds {
            let Some(own) = values.get(&ind.id) else {
                continue;
            };
            let years: BTreeSet<i32> = own.keys().map(|(_, y)| *y).collect();
            let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
                continue;
            };
            let below: HashMap<UnitId, Vec<UnitId>> = units
                .iter()
                .map(|(u, _)| (*u, tree.below(*u, ind)))
                .collect();
            let mut kept: HashMap<(UnitId, i32), Rollup> = HashMap::new();
            for y in first..=last + 1 {
                for (u, _) in &units {
                    let r = roll(
                        ind,
                        *u,
                        y,
                        own.get(&(*u, y)).copied(),
                        &below[u],
                        |c, yy| kept.get(&(c, yy)).copied(),
                    );
                    if r.rollup.is_kept() {
                        kept.insert((*u, y), r.rollup);
                        out.push(r);
                    }
                }
            }
        }
        insert(conn, self.backend, &out).await
    }

    /// Rebuilds every kept row from the approved values, in a transaction
    /// of its own: after an upgrade, or as a repair.
    pub async fn rebuild_outline_rollups(&self) -> Result<()> {
        let mut tx = self.write_tx().await?;
        self.rebuild_rollups_in(&mut tx, None).await?;
        sqlx::query("DELETE FROM outline_rollups_pending")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Rolls up the approved reports of a database upgraded to migration
    /// 0033 (the migration leaves a row in `outline_rollups_pending`).
    pub(crate) async fn roll_up_if_pending(&self) -> Result<()> {
        let pending: Option<i64> =
            sqlx::query_scalar("SELECT id FROM outline_rollups_pending LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        if pending.is_some() {
            self.rebuild_outline_rollups().await?;
        }
        Ok(())
    }
}
