//! Activities and their roll-up counters.
//!
//! Every write turns into signed deltas — one per ancestor unit (itself
//! included) × dimension (`all`, `t:<type>`, `p:<program>`) — merged and
//! applied with multi-row upserts in the same transaction as the rows.

mod bulk;
mod copy;
pub(crate) mod deltas;
pub(crate) mod single;

use std::collections::{BTreeMap, HashMap};

use crate::Scope;
use async_trait::async_trait;
use jinguo_domain::activity::parse_date;
use jinguo_domain::{ActivityFields, ActivityId, Level, Month, UnitCode, UnitId, UserId};
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

use self::bulk::Bulk;
use self::deltas::Deltas;
use super::group::{ActivityWrite, GroupWrite};
use super::list_sql::{Bind, Conds};
use super::{Backend, SqlStore, ancestors, level_of, not_found_if_none};
use crate::model::{
    Activity, ActivityFilter, Counts, DictEntry, DictKind, NewActivity, Page, Rollup, Unit, UnitRef,
};
use crate::{ActivityStore, Result, StoreError, UnitStore};

pub(crate) const ACTIVITY_COLS: &str = "a.id, a.unit_id, a.l1, a.l2, a.l3, a.l4, a.l5, a.date, a.type_key, \
     a.program_key, a.title, a.title_mn, a.place, a.participants, a.women, a.summary, \
     a.created_by, a.created_at, a.updated_at, a.made_at, u.code, u.name, u.level";

/// The columns every activity insert writes, in the order `bind_activity` binds them.
macro_rules! activity_columns {
    () => {
        "unit_id, l1, l2, l3, l4, l5, date, month, type_key, program_key, title, title_mn, place, \
         participants, women, summary, created_by, created_at, updated_at"
    };
}
const INSERT_ACTIVITY: &str = concat!("INSERT INTO activities (", activity_columns!(), ")");
/// A single insert (a form, the API, a visit): the same columns and then
/// the device's time, `made_at`, bound last.
const INSERT_ONE_ACTIVITY: &str = concat!(
    "INSERT INTO activities (",
    activity_columns!(),
    ", made_at)"
);
const ACTIVITY_WIDTH: usize = 19;

/// Binds one activity's `ACTIVITY_WIDTH` values, for single and multi-row inserts alike.
fn bind_activity<'q>(
    mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    unit: UnitId,
    anc: &[Option<UnitId>; 5],
    new: &'q NewActivity,
    now: i64,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    let f = &new.fields;
    q = q.bind(unit.get());
    for a in anc {
        q = q.bind(a.map(UnitId::get));
    }
    q.bind(f.date_text())
        .bind(f.month().yyyymm())
        .bind(f.type_key.as_str())
        .bind(f.program_key.as_deref())
        .bind(f.title.as_str())
        .bind(f.title_mn.as_deref())
        .bind(f.place.as_deref())
        .bind(f.participants)
        .bind(f.women)
        .bind(f.summary.as_deref())
        .bind(new.by.map(UserId::get))
        .bind(now)
        .bind(now)
}

type DeltaKey = (i64, String, i64);

fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

pub(crate) fn activity_from_row(row: &AnyRow) -> Result<Activity> {
    let date: String = row.try_get("date")?;
    let code: String = row.try_get("code")?;
    Ok(Activity {
        id: ActivityId::new(row.try_get("id")?),
        unit: UnitRef {
            id: UnitId::new(row.try_get("unit_id")?),
            code: UnitCode::parse(&code)
                .map_err(|_| decode_err(format!("bad unit code {code}")))?,
            name: row.try_get("name")?,
            level: level_of(row, "level")?,
        },
        ancestors: ancestors(row, "")?,
        fields: ActivityFields {
            date: parse_date(&date).ok_or_else(|| decode_err(format!("bad date {date}")))?,
            type_key: row.try_get("type_key")?,
            program_key: row.try_get("program_key")?,
            title: row.try_get("title")?,
            title_mn: row.try_get("title_mn")?,
            place: row.try_get("place")?,
            participants: row.try_get("participants")?,
            women: row.try_get("women")?,
            summary: row.try_get("summary")?,
        },
        created_by: row
            .try_get::<Option<i64>, _>("created_by")?
            .map(UserId::new),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        made_at: row.try_get("made_at")?,
    })
}

fn counts(row: &AnyRow) -> Result<Counts> {
    Ok(Counts {
        activities: row.try_get("activities")?,
        participants: row.try_get("participants")?,
        women: row.try_get("women")?,
    })
}

/// Sums as BIGINT on both backends (PostgreSQL's SUM of BIGINT is NUMERIC).
const SUMS: &str = "CAST(COALESCE(SUM(r.activities), 0) AS BIGINT) AS activities, \
     CAST(COALESCE(SUM(r.participants), 0) AS BIGINT) AS participants, \
     CAST(COALESCE(SUM(r.women), 0) AS BIGINT) AS women";

impl SqlStore {
    /// A geographic or sector unit of the scope, active, for recording.
    async fn recordable_unit(&self, scope: Scope, unit: UnitId) -> Result<Unit> {
        let u = self.unit_by_id(unit).await?;
        if !scope.contains(&u.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !u.active {
            return Err(super::units::retired());
        }
        Ok(u)
    }
}

impl SqlStore {
    /// Deletes an activity as it was read and takes it out of every
    /// counter, inside the caller's transaction; `Conflict` when someone
    /// changed or deleted it since.
    pub(super) async fn delete_read_activity(
        &self,
        tx: &mut sqlx::Transaction<'static, Any>,
        old: &Activity,
    ) -> Result<()> {
        // A visit's 入户走访 activity goes with the visit, never alone: the
        // visit would otherwise point at nothing.
        let of_visit = sqlx::query("SELECT id FROM visits WHERE activity_id = $1")
            .bind(old.id.get())
            .fetch_optional(&mut **tx)
            .await?;
        if of_visit.is_some() {
            return Err(StoreError::Refused {
                field: "activity",
                key: "err.activity.of_visit",
            });
        }
        // Its audiences go with it, and out of their counters.
        let audiences = crate::family_sites::audiences::snapshot(tx, Some(old.id.get())).await?;
        sqlx::query("DELETE FROM activity_audiences WHERE activity_id = $1")
            .bind(old.id.get())
            .execute(&mut **tx)
            .await?;
        crate::family_sites::audiences::settle(tx, self.backend, old.id.get(), audiences).await?;
        // A guidance session leaves its site's list and count with it.
        let site: Option<i64> = sqlx::query_scalar(
            "DELETE FROM family_site_sessions WHERE activity_id = $1 RETURNING site_id",
        )
        .bind(old.id.get())
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(site) = site {
            sqlx::query("UPDATE family_sites SET sessions = sessions - 1 WHERE id = $1")
                .bind(site)
                .execute(&mut **tx)
                .await?;
        }
        let gone = sqlx::query("DELETE FROM activities WHERE id = $1 AND updated_at = $2")
            .bind(old.id.get())
            .bind(old.updated_at)
            .execute(&mut **tx)
            .await?;
        if gone.rows_affected() != 1 {
            return Err(StoreError::Conflict("activity_changed"));
        }
        let mut d = Deltas::default();
        d.add(&old.ancestors, &old.fields, -1);
        d.apply(tx, self.backend).await
    }
}

/// Inserts an activity and its counters on `conn`, inside the caller's
/// transaction: a home visit records its 入户走访 activity this way, so the
/// visit and the activity ledger cannot disagree.
pub(crate) async fn insert_with_counters(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    anc: &[Option<UnitId>; 5],
    new: &NewActivity,
    made_at: Option<i64>,
    now: i64,
) -> Result<ActivityId> {
    let id = single::insert_row(conn, backend, anc, new, made_at, now).await?;
    let mut d = Deltas::default();
    d.add(anc, &new.fields, 1);
    d.apply(conn, backend).await?;
    Ok(ActivityId::new(id))
}

#[async_trait]
impl ActivityStore for SqlStore {
    async fn insert_activities(&self, scope: Scope, rows: &[NewActivity], now: i64) -> Result<u64> {
        let units: std::collections::BTreeSet<UnitId> = rows.iter().map(|r| r.unit).collect();
        for unit in units {
            if !scope.contains(&self.unit_by_id(unit).await?.ancestors) {
                return Err(StoreError::NotFound);
            }
        }
        self.bulk_insert_activities(rows, now).await
    }

    async fn dictionary(&self, kind: DictKind) -> Result<Vec<DictEntry>> {
        let rows = sqlx::query(
            "SELECT key, label_zh, label_mn, label_en, active, sort FROM dict_entries \
             WHERE kind = $1 ORDER BY sort, key",
        )
        .bind(kind.as_str())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DictEntry {
                    key: r.try_get("key")?,
                    label_zh: r.try_get("label_zh")?,
                    label_mn: r.try_get("label_mn")?,
                    label_en: r.try_get("label_en")?,
                    active: r.try_get::<i64, _>("active")? != 0,
                    sort: r.try_get("sort")?,
                })
            })
            .collect()
    }

    async fn save_dict_entry(&self, scope: Scope, kind: DictKind, e: &DictEntry) -> Result<()> {
        if scope.level() != Level::REGION || !scope.can(jinguo_domain::Capability::EditDictionaries)
        {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO dict_entries (kind, key, label_zh, label_mn, label_en, active, sort) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, key) DO UPDATE SET \
             label_zh = excluded.label_zh, label_mn = excluded.label_mn, label_en = excluded.label_en, \
             active = excluded.active, sort = excluded.sort",
        )
        .bind(kind.as_str())
        .bind(e.key.as_str())
        .bind(e.label_zh.as_str())
        .bind(e.label_mn.as_deref())
        .bind(e.label_en.as_deref())
        .bind(i64::from(e.active))
        .bind(e.sort)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn create_activity_arrived(
        &self,
        scope: Scope,
        new: NewActivity,
        arrival: crate::idempotency::Arrival,
        with: crate::model::ActivityWith,
        now: i64,
    ) -> Result<ActivityId> {
        let id = match &self.group {
            // SQLite: the unit read on a reader, the write (and the key,
            // the audiences and the audit entry) in the next group commit
            // (see `group`).
            Some(group) => {
                let mut conn = self.reader().acquire().await?;
                let ancestors = single::recordable_ancestors(&mut conn, scope, new.unit).await?;
                drop(conn);
                let write = GroupWrite::Activity(Box::new(ActivityWrite {
                    ancestors,
                    new,
                    arrival,
                    with,
                    now,
                }));
                self.grouped(group, write)
                    .await?
                    .ok_or_else(|| decode_err("no id for a new activity".into()))?
            }
            // PostgreSQL: one connection for the whole call, as each pool
            // checkout costs a round trip of its own; a key to take or
            // audiences to write make it a transaction.
            None => {
                let mut conn = self.pool.acquire().await?;
                let anc = single::recordable_ancestors(&mut conn, scope, new.unit).await?;
                let mut d = Deltas::default();
                d.add(&anc, &new.fields, 1);
                let claim = arrival.claim();
                let id = if claim.is_none() && with.audiences.is_empty() {
                    single::insert_in_one_statement(&mut conn, &anc, &new, d, arrival.made_at, now)
                        .await?
                } else {
                    let mut tx = self.backend.write_tx(&mut conn).await?;
                    if let Some(claim) = claim {
                        crate::idempotency::take(&mut tx, claim, now).await?;
                    }
                    let id = single::insert_in_one_statement(
                        &mut tx,
                        &anc,
                        &new,
                        d,
                        arrival.made_at,
                        now,
                    )
                    .await?;
                    if !with.audiences.is_empty() {
                        crate::family_sites::audiences::replace(
                            &mut tx,
                            self.backend,
                            id,
                            &with.audiences,
                        )
                        .await?;
                    }
                    tx.commit().await?;
                    id
                };
                drop(conn);
                if let Some(entry) = with.audit_of(id) {
                    crate::AuditStore::append_audit(self, entry).await?;
                }
                id
            }
        };
        Ok(ActivityId::new(id))
    }

    async fn activity_in_scope(&self, scope: Scope, id: ActivityId) -> Result<Activity> {
        let sql = format!(
            "SELECT {ACTIVITY_COLS} FROM activities a JOIN units u ON u.id = a.unit_id \
             WHERE a.id = $1 AND a.{} = $2",
            scope.level().ancestor_column()
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(self.reader())
            .await?;
        activity_from_row(&not_found_if_none(row)?)
    }

    async fn update_activity(
        &self,
        scope: Scope,
        id: ActivityId,
        unit: UnitId,
        fields: ActivityFields,
        now: i64,
    ) -> Result<Activity> {
        let old = self.activity_in_scope(scope, id).await?;
        // Moving keeps history honest: the new unit's ancestors as of now.
        // An activity at a retired unit is kept as it was, not edited.
        let u = self.recordable_unit(scope, unit).await?;
        let (anc, unit_id) = if unit == old.unit.id {
            (old.ancestors, old.unit.id)
        } else {
            (u.ancestors, u.id)
        };
        let mut tx = self.write_tx().await?;
        // Whom it reached is counted by its type, month, numbers and units.
        let audiences = crate::family_sites::audiences::snapshot(&mut tx, Some(id.get())).await?;
        let changed = sqlx::query(
            "UPDATE activities SET unit_id = $1, l1 = $2, l2 = $3, l3 = $4, l4 = $5, l5 = $6, date = $7, \
             month = $8, type_key = $9, program_key = $10, title = $11, title_mn = $12, place = $13, \
             participants = $14, women = $15, summary = $16, updated_at = $17 \
             WHERE id = $18 AND updated_at = $19",
        )
        .bind(unit_id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(fields.date_text())
        .bind(fields.month().yyyymm())
        .bind(fields.type_key.as_str())
        .bind(fields.program_key.as_deref())
        .bind(fields.title.as_str())
        .bind(fields.title_mn.as_deref())
        .bind(fields.place.as_deref())
        .bind(fields.participants)
        .bind(fields.women)
        .bind(fields.summary.as_deref())
        .bind(now)
        .bind(id.get())
        .bind(old.updated_at)
        .execute(&mut *tx)
        .await?;
        // Someone else changed or deleted it since we read it.
        if changed.rows_affected() != 1 {
            return Err(StoreError::Conflict("activity_changed"));
        }
        let mut d = Deltas::default();
        d.add(&old.ancestors, &old.fields, -1);
        d.add(&anc, &fields, 1);
        d.apply(&mut tx, self.backend).await?;
        crate::family_sites::audiences::settle(&mut tx, self.backend, id.get(), audiences).await?;
        tx.commit().await?;
        self.activity_in_scope(scope, id).await
    }

    async fn delete_activity(&self, scope: Scope, id: ActivityId) -> Result<Activity> {
        let old = self.activity_in_scope(scope, id).await?;
        let mut tx = self.write_tx().await?;
        self.delete_read_activity(&mut tx, &old).await?;
        tx.commit().await?;
        Ok(old)
    }

    async fn activities_under(
        &self,
        scope: Scope,
        unit: &Unit,
        from: Month,
        to: Month,
        page: Page,
    ) -> Result<Vec<Activity>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let col = unit.level.ancestor_column();
        let sql = format!(
            "SELECT {ACTIVITY_COLS} FROM activities a JOIN units u ON u.id = a.unit_id \
             WHERE a.{col} = $1 AND a.month BETWEEN $2 AND $3 \
             ORDER BY a.date DESC, a.id DESC LIMIT $4 OFFSET $5"
        );
        sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(from.yyyymm())
            .bind(to.yyyymm())
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(activity_from_row)
            .collect()
    }

    async fn activities_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &ActivityFilter,
        limit: i64,
    ) -> Result<Vec<Activity>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        // The period as days ('YYYY-MM-31' is after every day of its month
        // as text), so the (lN, date, id) index walks the list in order.
        let mut c = Conds::default();
        c.add(
            " AND a.date >= ?",
            Bind::Text(format!("{}-01", filter.from)),
        );
        // One upper bound only: the cursor when it lies inside the period
        // (a row value, which both databases read as the end of the index
        // range), else the period's end, which then implies the cursor.
        // Given both, SQLite bounds the range by the period's end and
        // checks the cursor on every row after it (13 ms for the last of
        // 100,000 rows instead of under one).
        let end = format!("{}-31", filter.to);
        match filter.before {
            Some((date, id)) if jinguo_domain::activity::format_date(date) <= end => {
                c.add(
                    " AND (a.date, a.id) < (?",
                    Bind::Text(jinguo_domain::activity::format_date(date)),
                );
                c.add(", ?)", Bind::Int(id));
            }
            _ => c.add(" AND a.date <= ?", Bind::Text(end)),
        }
        if let Some(t) = filter.text.as_deref() {
            c.contains_any(&["a.title", "a.title_mn"], t);
        }
        if let Some(k) = &filter.type_key {
            c.add(" AND a.type_key = ?", Bind::Text(k.clone()));
        }
        if let Some(k) = &filter.program_key {
            c.add(" AND a.program_key = ?", Bind::Text(k.clone()));
        }
        let sql = format!(
            "SELECT {ACTIVITY_COLS} FROM activities a JOIN units u ON u.id = a.unit_id \
             WHERE a.{} = $1{} ORDER BY a.date DESC, a.id DESC LIMIT {}",
            unit.level.ancestor_column(),
            c.sql,
            c.next_mark()
        );
        c.bind(sqlx::query(&sql).bind(unit.id.get()))
            .bind(limit)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(activity_from_row)
            .collect()
    }

    async fn rollup(&self, scope: Scope, unit: &Unit, from: Month, to: Month) -> Result<Rollup> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let (id, f, t) = (unit.id.get(), from.yyyymm(), to.yyyymm());
        let by_dim = sqlx::query(&format!(
            "SELECT r.dim, {SUMS} FROM rollup_activities r \
             WHERE r.unit_id = $1 AND r.month BETWEEN $2 AND $3 GROUP BY r.dim"
        ))
        .bind(id)
        .bind(f)
        .bind(t)
        .fetch_all(self.reader())
        .await?;
        let mut total = Counts::default();
        let mut by_type = Vec::new();
        let mut by_program = Vec::new();
        for r in &by_dim {
            let dim: String = r.try_get("dim")?;
            let c = counts(r)?;
            if c.activities == 0 {
                continue;
            }
            if dim == "all" {
                total = c;
            } else if let Some(k) = dim.strip_prefix("t:") {
                by_type.push((k.to_owned(), c));
            } else if let Some(k) = dim.strip_prefix("p:") {
                by_program.push((k.to_owned(), c));
            }
        }
        let order = |kind: DictKind| async move {
            let d = self.dictionary(kind).await?;
            Ok::<HashMap<String, i64>, StoreError>(d.into_iter().map(|e| (e.key, e.sort)).collect())
        };
        let (torder, porder) = (
            order(DictKind::ACTIVITY_TYPE).await?,
            order(DictKind::PROGRAM).await?,
        );
        by_type.sort_by_key(|(k, _)| (torder.get(k).copied().unwrap_or(i64::MAX), k.clone()));
        by_program.sort_by_key(|(k, _)| (porder.get(k).copied().unwrap_or(i64::MAX), k.clone()));

        let child_rows = sqlx::query(&format!(
            "SELECT c.id, c.code, c.name, c.level, {SUMS} FROM units c \
             LEFT JOIN rollup_activities r ON r.unit_id = c.id AND r.dim = 'all' \
               AND r.month BETWEEN $2 AND $3 \
             WHERE c.parent_id = $1 AND c.active = 1 \
             GROUP BY c.id, c.code, c.name, c.level ORDER BY c.code"
        ))
        .bind(id)
        .bind(f)
        .bind(t)
        .fetch_all(self.reader())
        .await?;
        let mut children = Vec::with_capacity(child_rows.len());
        for r in &child_rows {
            let code: String = r.try_get("code")?;
            children.push((
                UnitRef {
                    id: UnitId::new(r.try_get("id")?),
                    code: UnitCode::parse(&code)
                        .map_err(|_| decode_err(format!("bad code {code}")))?,
                    name: r.try_get("name")?,
                    level: level_of(r, "level")?,
                },
                counts(r)?,
            ));
        }

        let month_rows = sqlx::query(
            "SELECT month, activities, participants, women FROM rollup_activities \
             WHERE unit_id = $1 AND dim = 'all' AND month BETWEEN $2 AND $3",
        )
        .bind(id)
        .bind(f)
        .bind(t)
        .fetch_all(self.reader())
        .await?;
        let mut by_month: BTreeMap<i64, Counts> = BTreeMap::new();
        for r in &month_rows {
            by_month.insert(r.try_get("month")?, counts(r)?);
        }
        let mut months = Vec::new();
        let mut m = from;
        while m <= to && months.len() < 1200 {
            months.push((m, by_month.get(&m.yyyymm()).copied().unwrap_or_default()));
            m = m.succ();
        }
        Ok(Rollup {
            total,
            by_type,
            by_program,
            children,
            months,
        })
    }

    async fn quiet_units(
        &self,
        scope: Scope,
        unit: &Unit,
        level: Level,
        since: Month,
    ) -> Result<Vec<UnitRef>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        if level < unit.level {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT u.id, u.code, u.name, u.level FROM units u \
             WHERE u.{} = $1 AND u.level = $2 AND u.active = 1 AND u.kind = 'geo' \
             AND NOT EXISTS (SELECT 1 FROM rollup_activities r WHERE r.unit_id = u.id \
                AND r.dim = 'all' AND r.month >= $3 AND r.activities > 0) \
             ORDER BY u.code",
            unit.level.ancestor_column()
        );
        let rows = sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(i64::from(level.get()))
            .bind(since.yyyymm())
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get("code")?;
                Ok(UnitRef {
                    id: UnitId::new(r.try_get("id")?),
                    code: UnitCode::parse(&code)
                        .map_err(|_| decode_err(format!("bad code {code}")))?,
                    name: r.try_get("name")?,
                    level: level_of(r, "level")?,
                })
            })
            .collect()
    }
}

/// Unscoped: the command line, benchmarks and checks, through the system handle only.
impl SqlStore {
    pub async fn bulk_insert_activities(&self, rows: &[NewActivity], now: i64) -> Result<u64> {
        if self.copy_pool.is_some() {
            return self
                .import_activities(&mut std::iter::once(rows.to_vec()), now)
                .await;
        }
        let mut conn = self.writer().acquire().await?;
        let mut b = Bulk::begin(&mut conn, self.backend, now).await?;
        b.push(rows.to_vec()).await?;
        let written = b.commit().await?;
        bulk::analyze_if_large(&mut conn, self.backend, written).await?;
        Ok(written)
    }

    pub async fn import_activities(
        &self,
        batches: &mut (dyn Iterator<Item = Vec<NewActivity>> + Send),
        now: i64,
    ) -> Result<u64> {
        if let Some(pg) = &self.copy_pool {
            let written = copy::import(pg, batches, now).await?;
            let mut conn = self.pool.acquire().await?;
            bulk::analyze_if_large(&mut conn, self.backend, written).await?;
            return Ok(written);
        }
        let mut conn = self.writer().acquire().await?;
        let cache = bulk::enlarge_cache(&mut conn, self.backend).await?;
        let out = async {
            let mut b = Bulk::begin(&mut conn, self.backend, now).await?;
            for rows in batches {
                b.push(rows).await?;
            }
            b.commit().await
        }
        .await;
        bulk::restore_cache(&mut conn, cache).await?;
        bulk::analyze_if_large(&mut conn, self.backend, *out.as_ref().unwrap_or(&0)).await?;
        out
    }

    pub async fn activity_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM activities")
            .fetch_one(self.reader())
            .await?)
    }

    pub async fn rollup_mismatches(&self) -> Result<Vec<String>> {
        let mut expected = Deltas::default();
        let rows = sqlx::query(
            "SELECT l1, l2, l3, l4, l5, date, type_key, program_key, participants, women, title FROM activities",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let date: String = r.try_get("date")?;
            let f = ActivityFields {
                date: parse_date(&date).ok_or_else(|| decode_err(format!("bad date {date}")))?,
                type_key: r.try_get("type_key")?,
                program_key: r.try_get("program_key")?,
                title: String::new(),
                title_mn: None,
                place: None,
                participants: r.try_get("participants")?,
                women: r.try_get("women")?,
                summary: None,
            };
            expected.add(&ancestors(r, "")?, &f, 1);
        }
        let mut expected: HashMap<DeltaKey, Counts> = expected.into_rows().into_iter().collect();
        let stored = sqlx::query(
            "SELECT unit_id, dim, month, activities, participants, women FROM rollup_activities",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &stored {
            let key: DeltaKey = (
                r.try_get("unit_id")?,
                r.try_get("dim")?,
                r.try_get("month")?,
            );
            let c = counts(r)?;
            let want = expected.remove(&key).unwrap_or_default();
            if c != want {
                out.push(format!("{key:?}: stored {c:?}, recount {want:?}"));
            }
        }
        for (key, want) in expected {
            out.push(format!("{key:?}: missing, recount {want:?}"));
        }
        out.sort();
        Ok(out)
    }
}
