use std::collections::{HashMap, HashSet};

use crate::Scope;
use async_trait::async_trait;
use jinguo_domain::text::{SHAPING_ONLY, WORD_SPACES, search_key};
use jinguo_domain::{DivisionRecord, Level, UnitCode, UnitId, UnitKind};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Backend, SqlStore, ancestors, level_of, not_found_if_none};
use crate::model::{ImportSummary, NewSector, Unit, UnitRef, UnitWithPath};
use crate::{Result, StoreError, UnitStore};

const UNIT_COLS: &str = "u.id, u.code, u.name, u.name_mn, u.level, u.kind, u.parent_id, u.active, \
     u.l1, u.l2, u.l3, u.l4, u.l5, \
     (SELECT COUNT(*) FROM units c WHERE c.parent_id = u.id AND c.active = 1) AS children_count";

/// Rows per multi-row INSERT: 13 parameters each stays far below the
/// parameter limits of both backends.
const INSERT_BATCH: usize = 400;

fn unit_from_row(row: &AnyRow) -> Result<Unit> {
    let code: String = row.try_get("code")?;
    let kind: String = row.try_get("kind")?;
    Ok(Unit {
        id: UnitId::new(row.try_get("id")?),
        code: UnitCode::parse(&code)
            .map_err(|_| sqlx::Error::Decode(format!("bad unit code {code}").into()))?,
        name: row.try_get("name")?,
        name_mn: row.try_get("name_mn")?,
        level: level_of(row, "level")?,
        kind: UnitKind::parse(&kind).unwrap_or(UnitKind::Geo),
        parent_id: row.try_get::<Option<i64>, _>("parent_id")?.map(UnitId::new),
        active: row.try_get::<i64, _>("active")? != 0,
        ancestors: ancestors(row, "")?,
        children_count: row.try_get("children_count")?,
    })
}

pub(crate) fn unit_ref_from_row(row: &AnyRow) -> Result<UnitRef> {
    let code: String = row.try_get("code")?;
    Ok(UnitRef {
        id: UnitId::new(row.try_get("id")?),
        code: UnitCode::parse(&code)
            .map_err(|_| sqlx::Error::Decode(format!("bad unit code {code}").into()))?,
        name: row.try_get("name")?,
        level: level_of(row, "level")?,
    })
}

/// `column` as [`search_key`] makes a typed name, in SQL both databases
/// run: the shaping-only characters removed and the word spaces made
/// ordinary ones (a stored name has no runs of spaces to collapse).
fn mongolian_key_sql(column: &str) -> String {
    let mut expr = column.to_owned();
    for c in SHAPING_ONLY {
        expr = format!("REPLACE({expr}, '{c}', '')");
    }
    for c in WORD_SPACES {
        expr = format!("REPLACE({expr}, '{c}', ' ')");
    }
    expr
}

/// Escapes LIKE wildcards so user text matches literally.
fn like_prefix(q: &str) -> String {
    let mut s = String::with_capacity(q.len() + 1);
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

impl SqlStore {
    pub(crate) async fn units_by_ids(&self, ids: &[UnitId]) -> Result<HashMap<UnitId, UnitRef>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT id, code, name, level FROM units WHERE id IN ({})",
            self.backend.params(1, ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(id.get());
        }
        q.fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| unit_ref_from_row(r).map(|u| (u.id, u)))
            .collect()
    }
}

fn path_of(unit: &Unit, refs: &HashMap<UnitId, UnitRef>) -> Vec<UnitRef> {
    unit.ancestors
        .iter()
        .flatten()
        .filter_map(|id| refs.get(id).cloned())
        .collect()
}

#[async_trait]
impl UnitStore for SqlStore {
    async fn unit_by_code(&self, code: &UnitCode) -> Result<Unit> {
        let sql = format!("SELECT {UNIT_COLS} FROM units u WHERE u.code = $1");
        let row = sqlx::query(&sql)
            .bind(code.as_str())
            .fetch_optional(self.reader())
            .await?;
        unit_from_row(&not_found_if_none(row)?)
    }

    async fn unit_by_id(&self, id: UnitId) -> Result<Unit> {
        let sql = format!("SELECT {UNIT_COLS} FROM units u WHERE u.id = $1");
        let row = sqlx::query(&sql)
            .bind(id.get())
            .fetch_optional(self.reader())
            .await?;
        unit_from_row(&not_found_if_none(row)?)
    }

    async fn root_unit(&self) -> Result<Unit> {
        let sql = format!(
            "SELECT {UNIT_COLS} FROM units u WHERE u.level = 1 AND u.kind = 'geo' \
             ORDER BY u.active DESC, u.id LIMIT 1"
        );
        let row = sqlx::query(&sql).fetch_optional(self.reader()).await?;
        unit_from_row(&not_found_if_none(row)?)
    }

    async fn path(&self, unit: &Unit) -> Result<Vec<UnitRef>> {
        let ids: Vec<UnitId> = unit.ancestors.iter().flatten().copied().collect();
        let refs = self.units_by_ids(&ids).await?;
        Ok(path_of(unit, &refs))
    }

    async fn children(&self, parent: UnitId) -> Result<Vec<Unit>> {
        let sql = format!(
            "SELECT {UNIT_COLS} FROM units u WHERE u.parent_id = $1 \
             ORDER BY u.active DESC, u.kind, u.code"
        );
        sqlx::query(&sql)
            .bind(parent.get())
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(unit_from_row)
            .collect()
    }

    async fn search_units(
        &self,
        q: &str,
        within: Option<Scope>,
        limit: i64,
    ) -> Result<Vec<UnitWithPath>> {
        let q = q.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let pattern = like_prefix(q);
        // A word of the Mongolian name: the key with a space in front
        // matches "% word…".
        let mn_pattern = format!("% {}", like_prefix(&search_key(q)));
        let scope_filter = match within {
            Some(sc) => format!("AND u.{} = $3", sc.level().ancestor_column()),
            None => "AND $3 = $3".to_owned(),
        };
        let mn_key = mongolian_key_sql("u.name_mn");
        let sql = format!(
            "SELECT {UNIT_COLS} FROM units u \
             WHERE u.active = 1 AND (u.name LIKE $1 ESCAPE '\\' OR u.code LIKE $1 ESCAPE '\\' \
                OR (u.name_mn IS NOT NULL AND ' ' || {mn_key} LIKE $4 ESCAPE '\\')) \
             {scope_filter} ORDER BY u.level, u.code LIMIT $2"
        );
        let units: Vec<Unit> = sqlx::query(&sql)
            .bind(&pattern)
            .bind(limit.clamp(1, 100))
            .bind(within.map_or(0, |sc| sc.unit().get()))
            .bind(&mn_pattern)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(unit_from_row)
            .collect::<Result<_>>()?;
        let ids: Vec<UnitId> = units
            .iter()
            .flat_map(|u| u.ancestors.iter().flatten().copied())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let refs = self.units_by_ids(&ids).await?;
        Ok(units
            .into_iter()
            .map(|unit| UnitWithPath {
                path: path_of(&unit, &refs),
                unit,
            })
            .collect())
    }

    async fn unit_names_mn(&self) -> Result<Vec<(UnitCode, String)>> {
        sqlx::query("SELECT code, name_mn FROM units WHERE name_mn IS NOT NULL AND name_mn <> ''")
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| {
                let code: String = r.try_get("code")?;
                let code = UnitCode::parse(&code)
                    .map_err(|_| sqlx::Error::Decode(format!("bad unit code {code}").into()))?;
                Ok((code, r.try_get("name_mn")?))
            })
            .collect()
    }

    async fn unit_counts(&self) -> Result<[i64; 5]> {
        let rows = sqlx::query(
            "SELECT level, COUNT(*) AS n FROM units WHERE active = 1 AND kind = 'geo' GROUP BY level",
        )
        .fetch_all(self.reader())
        .await?;
        let mut out = [0; 5];
        for r in rows {
            let level = level_of(&r, "level")?;
            out[usize::from(level.get() - 1)] = r.try_get("n")?;
        }
        Ok(out)
    }

    async fn create_sector(&self, scope: Scope, new: NewSector) -> Result<Unit> {
        let parent = self.unit_by_id(new.parent).await?;
        if !scope.contains(&parent.ancestors) {
            return Err(StoreError::NotFound);
        }
        let level = parent
            .level
            .child()
            .filter(|_| parent.kind == UnitKind::Geo)
            .ok_or(StoreError::Conflict("sector_parent"))?;
        let mut tx = self.write_tx().await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM units WHERE parent_id = $1 AND kind = 'sector'",
        )
        .bind(parent.id.get())
        .fetch_one(&mut *tx)
        .await?;
        let code = u32::try_from(taken + 1)
            .ok()
            .and_then(|serial| UnitCode::sector(&parent.code, serial))
            .ok_or(StoreError::Conflict("sector_full"))?;
        let anc = parent.ancestors;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO units (code, name, name_mn, level, kind, parent_id, active, l1, l2, l3, l4, l5) \
             VALUES ($1, $2, $3, $4, 'sector', $5, 1, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(code.as_str())
        .bind(&new.name)
        .bind(new.name_mn.as_deref())
        .bind(i64::from(level.get()))
        .bind(parent.id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "code"))?;
        let sql = format!(
            "UPDATE units SET {} = id WHERE id = $1",
            level.ancestor_column()
        );
        sqlx::query(&sql).bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        self.unit_by_id(UnitId::new(id)).await
    }

    async fn unit_in_scope(&self, scope: Scope, code: &UnitCode) -> Result<Unit> {
        let unit = self.unit_by_code(code).await?;
        if scope.contains(&unit.ancestors) {
            Ok(unit)
        } else {
            Err(StoreError::NotFound)
        }
    }
}

/// A unit an import adds: its id, its record, its parent and ancestors.
type NewUnitRow<'a> = (
    UnitId,
    &'a DivisionRecord,
    Option<UnitId>,
    [Option<UnitId>; 5],
);

/// Unscoped: the command line, benchmarks and checks, through the system handle only.
impl SqlStore {
    pub async fn import_divisions(&self, records: &[DivisionRecord]) -> Result<ImportSummary> {
        let mut tx = self.write_tx().await?;
        struct Existing {
            id: UnitId,
            name: String,
            parent_id: Option<i64>,
            level: i64,
            active: i64,
            anc: [Option<UnitId>; 5],
        }
        let rows = sqlx::query(
            "SELECT id, code, name, parent_id, level, active, l1, l2, l3, l4, l5 \
             FROM units WHERE kind = 'geo'",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut existing: HashMap<String, Existing> = HashMap::with_capacity(rows.len());
        for r in &rows {
            existing.insert(
                r.try_get("code")?,
                Existing {
                    id: UnitId::new(r.try_get("id")?),
                    name: r.try_get("name")?,
                    parent_id: r.try_get("parent_id")?,
                    level: r.try_get("level")?,
                    active: r.try_get("active")?,
                    anc: ancestors(r, "")?,
                },
            );
        }
        let max_id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM units")
            .fetch_one(&mut *tx)
            .await?;
        let mut next_id = max_id.unwrap_or(0) + 1;

        let mut summary = ImportSummary::default();
        // A reporting unit of outline monitoring (levels 1–3) added, moved
        // or retired: the kept outline roll-ups are made again below.
        let mut outline_tree_changed = false;
        // code -> (id, ancestors) for every unit of the new list.
        let mut placed: HashMap<&UnitCode, (UnitId, [Option<UnitId>; 5])> =
            HashMap::with_capacity(records.len());
        let mut inserts: Vec<NewUnitRow<'_>> = Vec::new();
        for rec in records {
            let (parent_id, mut anc) = match &rec.parent {
                Some(p) => {
                    let (pid, panc) = placed.get(p).copied().ok_or(StoreError::NotFound)?;
                    (Some(pid), panc)
                }
                None => (None, [None; 5]),
            };
            let idx = usize::from(rec.level.get() - 1);
            match existing.get(rec.code.as_str()) {
                Some(old) => {
                    anc[idx] = Some(old.id);
                    let same = old.name == rec.name
                        && old.parent_id == parent_id.map(UnitId::get)
                        && old.level == i64::from(rec.level.get())
                        && old.active == 1
                        && old.anc == anc;
                    if same {
                        summary.unchanged += 1;
                    } else {
                        outline_tree_changed |= (old.level <= 3 || rec.level <= Level::BANNER)
                            && (old.parent_id != parent_id.map(UnitId::get)
                                || old.level != i64::from(rec.level.get())
                                || old.active != 1);
                        sqlx::query(
                            "UPDATE units SET name = $1, parent_id = $2, level = $3, active = 1, \
                             l1 = $4, l2 = $5, l3 = $6, l4 = $7, l5 = $8, \
                             name_mn = COALESCE($9, name_mn) WHERE id = $10",
                        )
                        .bind(&rec.name)
                        .bind(parent_id.map(UnitId::get))
                        .bind(i64::from(rec.level.get()))
                        .bind(anc[0].map(UnitId::get))
                        .bind(anc[1].map(UnitId::get))
                        .bind(anc[2].map(UnitId::get))
                        .bind(anc[3].map(UnitId::get))
                        .bind(anc[4].map(UnitId::get))
                        .bind(rec.name_mn.as_deref())
                        .bind(old.id.get())
                        .execute(&mut *tx)
                        .await?;
                        summary.updated += 1;
                    }
                    placed.insert(&rec.code, (old.id, anc));
                }
                None => {
                    let id = UnitId::new(next_id);
                    next_id += 1;
                    anc[idx] = Some(id);
                    outline_tree_changed |= rec.level <= Level::BANNER;
                    inserts.push((id, rec, parent_id, anc));
                    placed.insert(&rec.code, (id, anc));
                    summary.added += 1;
                }
            }
        }
        // Records are sorted parents first, so batches respect foreign keys.
        for chunk in inserts.chunks(INSERT_BATCH) {
            let values = (0..chunk.len())
                .map(|i| format!("({}, 'geo', 1)", self.backend.params(i * 11 + 1, 11)))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO units (id, code, name, name_mn, level, parent_id, l1, l2, l3, l4, l5, \
                 kind, active) VALUES {values}"
            );
            let mut q = sqlx::query(&sql);
            for (id, rec, parent_id, anc) in chunk {
                q = q
                    .bind(id.get())
                    .bind(rec.code.as_str())
                    .bind(rec.name.as_str())
                    .bind(rec.name_mn.as_deref())
                    .bind(i64::from(rec.level.get()))
                    .bind(parent_id.map(UnitId::get));
                for a in anc {
                    q = q.bind(a.map(UnitId::get));
                }
            }
            q.execute(&mut *tx).await?;
        }
        // Units missing from the list are retired, never deleted: data
        // attached to them keeps its meaning.
        let listed: HashSet<&str> = records.iter().map(|r| r.code.as_str()).collect();
        for (code, old) in &existing {
            if old.active == 1 && !listed.contains(code.as_str()) {
                outline_tree_changed |= old.level <= 3;
                sqlx::query("UPDATE units SET active = 0 WHERE id = $1")
                    .bind(old.id.get())
                    .execute(&mut *tx)
                    .await?;
                summary.retired += 1;
            }
        }
        // Sector organisations follow their parent if it moved.
        sqlx::query(
            "UPDATE units SET \
               l1 = (SELECT p.l1 FROM units p WHERE p.id = units.parent_id), \
               l2 = CASE WHEN level = 2 THEN id ELSE (SELECT p.l2 FROM units p WHERE p.id = units.parent_id) END, \
               l3 = CASE WHEN level = 3 THEN id ELSE (SELECT p.l3 FROM units p WHERE p.id = units.parent_id) END, \
               l4 = CASE WHEN level = 4 THEN id ELSE (SELECT p.l4 FROM units p WHERE p.id = units.parent_id) END, \
               l5 = CASE WHEN level = 5 THEN id ELSE NULL END \
             WHERE kind = 'sector'",
        )
        .execute(&mut *tx)
        .await?;
        if outline_tree_changed {
            self.rebuild_rollups_in(&mut tx, None).await?;
        }
        if self.backend == Backend::Postgres && summary.added > 0 {
            sqlx::query(
                "SELECT setval(pg_get_serial_sequence('units', 'id'), (SELECT MAX(id) FROM units))",
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(summary)
    }
}

/// The answer when a record would be made at (or moved to) a retired unit:
/// the same `422` with field `unit_code` whether the app's unit cache knew
/// of the retirement or not (an `org import` in another process retires
/// units the server's cache still holds as active for up to a minute).
pub(crate) fn retired() -> StoreError {
    StoreError::Refused {
        field: "unit_code",
        key: "err.unit.retired",
    }
}

/// Refuses a record at a unit that is retired, read from the table (never a
/// cache) on the connection of the write that follows.
pub(crate) async fn refuse_retired(conn: &mut sqlx::AnyConnection, unit: UnitId) -> Result<()> {
    let active: Option<i64> = sqlx::query_scalar("SELECT active FROM units WHERE id = $1")
        .bind(unit.get())
        .fetch_optional(&mut *conn)
        .await?;
    match active {
        None => Err(StoreError::NotFound),
        Some(0) => Err(retired()),
        Some(_) => Ok(()),
    }
}
