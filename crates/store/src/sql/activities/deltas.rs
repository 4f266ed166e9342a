//! Signed changes to the roll-up counters, summed in memory and written with
//! one upsert per distinct key.
//!
//! Every activity touches one counter per ancestor unit (itself included) ×
//! dimension (`all`, `t:<type>`, `p:<program>`). A bulk import sums those
//! over many activities first, so the database sees each key once per flush
//! instead of once per activity. Dimensions are interned, so a key is three
//! integers and an import of millions of rows needs no string per key.

use std::collections::HashMap;

use jinguo_domain::{ActivityFields, UnitId};
use sqlx::AnyConnection;

use super::super::Backend;
use crate::Result;
use crate::model::Counts;

/// Counter rows per multi-row upsert: 6,000 parameters, below both
/// backends' limits.
const UPSERT_ROWS: usize = 1000;

/// (unit, interned dimension, month as YYYYMM).
type Key = (i64, u32, i64);

/// Deltas merged by key, plus the dimension names their keys refer to.
pub(crate) struct Deltas {
    dims: Vec<String>,
    types: HashMap<String, u32>,
    programs: HashMap<String, u32>,
    map: HashMap<Key, Counts>,
}

/// The id of `all`, interned first by `Deltas::default`.
const ALL: u32 = 0;

impl Default for Deltas {
    fn default() -> Self {
        Deltas {
            dims: vec!["all".to_owned()],
            types: HashMap::new(),
            programs: HashMap::new(),
            map: HashMap::new(),
        }
    }
}

/// The id of `prefix + key`, interning it on first use. Looked up by the
/// bare key, so no string is built for a dimension seen before.
fn intern(dims: &mut Vec<String>, ids: &mut HashMap<String, u32>, prefix: &str, key: &str) -> u32 {
    if let Some(&id) = ids.get(key) {
        return id;
    }
    let id = u32::try_from(dims.len()).expect("fewer than 2^32 dimensions");
    dims.push(format!("{prefix}{key}"));
    ids.insert(key.to_owned(), id);
    id
}

impl Deltas {
    /// Adds (`sign` = 1) or removes (`sign` = -1) one activity at the units
    /// `anc`.
    pub(crate) fn add(&mut self, anc: &[Option<UnitId>; 5], f: &ActivityFields, sign: i64) {
        let month = f.month().yyyymm();
        let t = intern(&mut self.dims, &mut self.types, "t:", &f.type_key);
        let p = f
            .program_key
            .as_deref()
            .map(|p| intern(&mut self.dims, &mut self.programs, "p:", p));
        let delta = Counts {
            activities: sign,
            participants: sign * f.participants,
            women: sign * f.women,
        };
        for unit in anc.iter().flatten() {
            for dim in [Some(ALL), Some(t), p].into_iter().flatten() {
                let c = self.map.entry((unit.get(), dim, month)).or_default();
                c.activities += delta.activities;
                c.participants += delta.participants;
                c.women += delta.women;
            }
        }
    }

    /// Distinct keys held, i.e. counter rows the next `apply` writes at most.
    pub(super) fn len(&self) -> usize {
        self.map.len()
    }

    /// The non-zero deltas as (unit, dimension name, month) rows, in the
    /// counter table's key order.
    pub(super) fn into_rows(self) -> Vec<((i64, String, i64), Counts)> {
        let dims = self.dims;
        let mut rows: Vec<(Key, Counts)> = self
            .map
            .into_iter()
            .filter(|(_, c)| *c != Counts::default())
            .collect();
        rows.sort_unstable_by(|(a, _), (b, _)| {
            (a.0, &dims[a.1 as usize], a.2).cmp(&(b.0, &dims[b.1 as usize], b.2))
        });
        rows.into_iter()
            .map(|((u, d, m), c)| ((u, dims[d as usize].clone(), m), c))
            .collect()
    }

    /// Writes the deltas, then forgets them (the dimension names stay).
    ///
    /// In key order the upserts walk the counter table front to back instead
    /// of jumping around it, so a large flush reads each page about once.
    pub(crate) async fn apply(&mut self, conn: &mut AnyConnection, backend: Backend) -> Result<()> {
        let dims = &self.dims;
        let mut rows: Vec<(Key, Counts)> = self
            .map
            .drain()
            .filter(|(_, c)| *c != Counts::default())
            .collect();
        rows.sort_unstable_by(|(a, _), (b, _)| {
            (a.0, &dims[a.1 as usize], a.2).cmp(&(b.0, &dims[b.1 as usize], b.2))
        });
        let mut sql_for = HashMap::new();
        for chunk in rows.chunks(UPSERT_ROWS) {
            let sql = sql_for
                .entry(chunk.len())
                .or_insert_with(|| upsert_sql(backend, chunk.len()));
            let mut q = sqlx::query(sql.as_str());
            for ((unit, dim, month), c) in chunk {
                q = q
                    .bind(*unit)
                    .bind(dims[*dim as usize].as_str())
                    .bind(*month)
                    .bind(c.activities)
                    .bind(c.participants)
                    .bind(c.women);
            }
            q.execute(&mut *conn).await?;
        }
        // Keep the map's allocation only while it is modest: a flush of a
        // large import should give its memory back.
        if self.map.capacity() > 1 << 16 {
            self.map = HashMap::new();
        }
        Ok(())
    }
}

fn upsert_sql(backend: Backend, rows: usize) -> String {
    format!(
        "INSERT INTO rollup_activities (unit_id, dim, month, activities, participants, women) \
         VALUES {} ON CONFLICT (unit_id, dim, month) DO UPDATE SET \
         activities = rollup_activities.activities + excluded.activities, \
         participants = rollup_activities.participants + excluded.participants, \
         women = rollup_activities.women + excluded.women",
        backend.row_params(rows, 6)
    )
}
