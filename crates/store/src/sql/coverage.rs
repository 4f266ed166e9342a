//! Village coverage counters, shared by every registry of places that
//! "cover" a village: Women's Homes (`rollup_homes`) and family-education
//! service sites (`rollup_family_sites`).
//!
//! A counter table holds, for every unit, the active places of its subtree
//! and the villages of its subtree with at least one active place. A write
//! turns into signed changes of active places per (ancestors, village); the
//! village rows are applied first, one statement each with `RETURNING`, so
//! the row lock tells whether a village just gained its first place or lost
//! its last; the ancestors' rows follow in one multi-row upsert. Rows are
//! always locked villages first, each group by id, so concurrent writers
//! never wait on each other in a circle.

use std::collections::{BTreeMap, HashMap, HashSet};

use jinguo_domain::{Level, UnitId, UnitKind};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use super::{Backend, SqlStore, ancestors, level_of};
use crate::Result;
use crate::model::{Unit, UnitRef};

/// One counter table: its name and the column counting active places.
/// Both are constants of the module that owns the table, never input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CoverageTable {
    /// The counter table (`rollup_homes`).
    pub rollup: &'static str,
    /// Its column of active places (`active_homes`).
    pub count: &'static str,
    /// The table of places (`homes`), with `unit_id`, `l1..l5`, `status`.
    pub places: &'static str,
}

/// Places and village coverage of one unit's subtree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Active places in the subtree.
    pub active: i64,
    /// Active geographic villages (level 5) in the subtree.
    pub villages: i64,
    /// Of those, villages with at least one active place.
    pub covered_villages: i64,
}

impl Coverage {
    /// Covered share of villages in percent, one decimal; `None` without
    /// villages (a sector organisation, a unit whose villages are retired).
    pub fn coverage_pct(&self) -> Option<f64> {
        (self.villages > 0)
            .then(|| (self.covered_villages as f64 * 1000.0 / self.villages as f64).round() / 10.0)
    }
}

/// The village a place at this unit covers: the unit itself when it is a
/// geographic village (or community). Places of sector organisations and
/// of townships and above count as places, not as village coverage.
pub(crate) fn village_of(level: Level, kind: UnitKind, unit: UnitId) -> Option<UnitId> {
    (level == Level::VILLAGE && kind == UnitKind::Geo).then_some(unit)
}

/// Signed changes of active places, merged before they are written.
#[derive(Default)]
pub(crate) struct CoverageDeltas {
    /// Per village: net change of its active places, and its ancestors.
    villages: BTreeMap<i64, (i64, [Option<UnitId>; 5])>,
    /// Per unit: net change of active places (village rows included,
    /// applied separately).
    places: BTreeMap<i64, i64>,
}

impl CoverageDeltas {
    /// Counts `n` (±1) active places at a unit with these ancestors.
    pub fn add(&mut self, anc: &[Option<UnitId>; 5], village: Option<UnitId>, n: i64) {
        for u in anc.iter().flatten() {
            *self.places.entry(u.get()).or_default() += n;
        }
        if let Some(v) = village {
            let e = self.villages.entry(v.get()).or_insert((0, *anc));
            e.0 += n;
        }
    }

    /// Writes the changes inside the caller's transaction.
    pub async fn apply(
        self,
        conn: &mut AnyConnection,
        backend: Backend,
        t: CoverageTable,
    ) -> Result<()> {
        let (table, count) = (t.rollup, t.count);
        // unit -> (active places, covered villages) still to add.
        let mut rows: BTreeMap<i64, (i64, i64)> = self
            .places
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|(u, n)| (*u, (*n, 0)))
            .collect();
        let one = format!(
            "INSERT INTO {table} (unit_id, {count}, covered_villages) \
             VALUES ($1, $2, 0) ON CONFLICT (unit_id) DO UPDATE SET \
             {count} = {table}.{count} + excluded.{count} \
             RETURNING {count}"
        );
        for (village, (n, anc)) in &self.villages {
            if *n == 0 {
                continue;
            }
            let after: i64 = sqlx::query_scalar(&one)
                .bind(*village)
                .bind(*n)
                .fetch_one(&mut *conn)
                .await?;
            if let Some(r) = rows.get_mut(village) {
                r.0 -= n;
            }
            let before = after - n;
            let covered = match (before > 0, after > 0) {
                (false, true) => 1,
                (true, false) => -1,
                _ => 0,
            };
            if covered != 0 {
                for u in anc.iter().flatten() {
                    rows.entry(u.get()).or_default().1 += covered;
                }
            }
        }
        rows.retain(|_, (h, c)| *h != 0 || *c != 0);
        if rows.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO {table} (unit_id, {count}, covered_villages) VALUES {} \
             ON CONFLICT (unit_id) DO UPDATE SET \
             {count} = {table}.{count} + excluded.{count}, \
             covered_villages = {table}.covered_villages + excluded.covered_villages",
            backend.row_params(rows.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for (u, (h, c)) in &rows {
            q = q.bind(*u).bind(*h).bind(*c);
        }
        q.execute(&mut *conn).await?;
        Ok(())
    }
}

impl SqlStore {
    /// Active geographic villages of `unit`'s subtree, in one group or, with
    /// `group`, per ancestor at that level (the unit's children).
    pub(crate) async fn villages_by(
        &self,
        unit: &Unit,
        group: Option<Level>,
    ) -> Result<HashMap<Option<i64>, i64>> {
        let col = unit.level.ancestor_column();
        let (select, group_by) = match group {
            Some(l) => (
                format!("u.{} AS g", l.ancestor_column()),
                format!("GROUP BY u.{}", l.ancestor_column()),
            ),
            None => ("CAST(NULL AS BIGINT) AS g".to_owned(), String::new()),
        };
        let sql = format!(
            "SELECT {select}, COUNT(*) AS n FROM units u \
             WHERE u.{col} = $1 AND u.level = 5 AND u.kind = 'geo' AND u.active = 1 {group_by}"
        );
        let rows = sqlx::query(&sql)
            .bind(unit.id.get())
            .fetch_all(&self.pool)
            .await?;
        let mut out = HashMap::new();
        for r in &rows {
            out.insert(r.try_get::<Option<i64>, _>("g")?, r.try_get("n")?);
        }
        Ok(out)
    }

    /// The coverage of a unit and of each active child, read from the
    /// counters and the tree. The caller has checked the scope.
    pub(crate) async fn coverage_of(
        &self,
        t: CoverageTable,
        unit: &Unit,
    ) -> Result<(Coverage, Vec<(UnitRef, Coverage)>)> {
        let (table, count) = (t.rollup, t.count);
        let own = sqlx::query(&format!(
            "SELECT {count} AS active, covered_villages FROM {table} WHERE unit_id = $1"
        ))
        .bind(unit.id.get())
        .fetch_optional(&self.pool)
        .await?;
        let (active, covered_villages) = match own {
            Some(r) => (r.try_get("active")?, r.try_get("covered_villages")?),
            None => (0, 0),
        };
        let villages = self.villages_by(unit, None).await?.values().copied().sum();
        let child_rows = sqlx::query(&format!(
            "SELECT c.id, c.code, c.name, c.level, \
             COALESCE(r.{count}, 0) AS active, \
             COALESCE(r.covered_villages, 0) AS covered_villages \
             FROM units c LEFT JOIN {table} r ON r.unit_id = c.id \
             WHERE c.parent_id = $1 AND c.active = 1 ORDER BY c.kind, c.code"
        ))
        .bind(unit.id.get())
        .fetch_all(&self.pool)
        .await?;
        let per_child = match unit.level.child() {
            Some(l) if !child_rows.is_empty() => self.villages_by(unit, Some(l)).await?,
            _ => HashMap::new(),
        };
        let mut children = Vec::with_capacity(child_rows.len());
        for r in &child_rows {
            let u = super::units::unit_ref_from_row(r)?;
            let villages = per_child.get(&Some(u.id.get())).copied().unwrap_or(0);
            children.push((
                u,
                Coverage {
                    active: r.try_get("active")?,
                    villages,
                    covered_villages: r.try_get("covered_villages")?,
                },
            ));
        }
        Ok((
            Coverage {
                active,
                villages,
                covered_villages,
            },
            children,
        ))
    }

    /// Every counter row against a recount from the places: one line per
    /// difference, empty when they agree.
    pub(crate) async fn coverage_mismatches(&self, t: CoverageTable) -> Result<Vec<String>> {
        let rows = sqlx::query(&format!(
            "SELECT p.unit_id, p.l1, p.l2, p.l3, p.l4, p.l5, u.level, u.kind \
             FROM {} p JOIN units u ON u.id = p.unit_id WHERE p.status = 'active'",
            t.places
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut expected: HashMap<i64, (i64, i64)> = HashMap::new();
        let mut villages: HashSet<i64> = HashSet::new();
        for r in &rows {
            let anc = ancestors(r, "")?;
            for u in anc.iter().flatten() {
                expected.entry(u.get()).or_default().0 += 1;
            }
            let unit = UnitId::new(r.try_get("unit_id")?);
            let kind: String = r.try_get("kind")?;
            let kind = UnitKind::parse(&kind).unwrap_or(UnitKind::Geo);
            if let Some(v) = village_of(level_of(r, "level")?, kind, unit)
                && villages.insert(v.get())
            {
                for u in anc.iter().flatten() {
                    expected.entry(u.get()).or_default().1 += 1;
                }
            }
        }
        let stored = sqlx::query(&format!(
            "SELECT unit_id, {} AS active, covered_villages FROM {}",
            t.count, t.rollup
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &stored {
            let unit: i64 = r.try_get("unit_id")?;
            let got: (i64, i64) = (r.try_get("active")?, r.try_get("covered_villages")?);
            let want = expected.remove(&unit).unwrap_or_default();
            if got != want {
                out.push(format!(
                    "unit {unit}: stored (places, villages) {got:?}, recount {want:?}"
                ));
            }
        }
        for (unit, want) in expected {
            if want != (0, 0) {
                out.push(format!("unit {unit}: missing, recount {want:?}"));
            }
        }
        out.sort();
        Ok(out)
    }
}
