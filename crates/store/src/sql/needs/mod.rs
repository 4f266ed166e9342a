//! Needs and the practical-deeds ledger (实事台账).
//!
//! The ledger is three counter tables keyed by the origin's ancestors:
//! `rollup_needs` and `rollup_need_open` (migration 0007) and the
//! days-to-resolve histogram `rollup_need_hist` (0008, see [`hist`]),
//! changed in the same transaction as the need (on PostgreSQL the first
//! two carry their counters in their primary keys' indexes since 0012, so
//! the ledger's reads are index-only). State
//! changes are conditional UPDATEs whose WHERE clause is the workflow rule
//! (live, and still with the assignee the caller saw), so two people acting
//! on the same need at once cannot both win.

mod bulk;
mod hist;
pub(crate) mod write;

pub use bulk::BulkNeed;

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use crate::{InScope, Scope};
use async_trait::async_trait;
use jinguo_domain::activity::{format_date, parse_date};
use jinguo_domain::need::{
    DaysHistogram, NeedStatus, Resolution, Urgency, bucket_median, days_bucket,
};
use jinguo_domain::{HouseholdId, Month, NeedId, UnitCode, UnitId, UserId, VisitId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use self::write::{LedgerDelta, add_days, add_ledger, add_open, due_day};
use super::{SqlStore, ancestors, level_of, not_found_if_none};
use crate::model::{
    DeedCounts, Deeds, Need, NeedEvent, NeedFilter, NeedQueue, NeedSource, NeedSummary, NewNeed,
    Page, Unit, UnitRef,
};
use crate::vault::associated_data;
use crate::{NeedStore, Result, StoreError, UnitStore};

const LIVE: &str = "('open', 'in_progress')";

fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

fn code_of(row: &AnyRow, col: &str) -> Result<UnitCode> {
    let c: String = row.try_get(col)?;
    UnitCode::parse(&c).map_err(|_| decode_err(format!("bad unit code {c}")))
}

fn status_of(row: &AnyRow) -> Result<NeedStatus> {
    let s: String = row.try_get("status")?;
    NeedStatus::parse(&s).ok_or_else(|| decode_err(format!("bad need status {s}")))
}

fn urgency_of(row: &AnyRow) -> Result<Urgency> {
    let s: String = row.try_get("urgency")?;
    Urgency::parse(&s).ok_or_else(|| decode_err(format!("bad urgency {s}")))
}

fn source_of(row: &AnyRow) -> Result<NeedSource> {
    let s: String = row.try_get("source")?;
    NeedSource::parse(&s).ok_or_else(|| decode_err(format!("bad need source {s}")))
}

fn date_of(s: &str) -> Result<time::Date> {
    parse_date(s).ok_or_else(|| decode_err(format!("bad date {s}")))
}

/// Whole days from raising a need to its outcome.
fn days_between(raised_on: &str, outcome: time::Date) -> Result<i64> {
    Ok((outcome - date_of(raised_on)?).whole_days())
}

/// `yyyymmdd` of a date, comparable with `rollup_need_open.due_day`.
fn day_number(d: time::Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(u8::from(d.month())) * 100 + i64::from(d.day())
}

const SUMMARY_COLS: &str = "n.id, n.source, n.category, n.urgency, n.status, n.due_date, \
     n.raised_on, n.escalations, n.updated_at, o.code AS origin_code, o.name AS origin_name, \
     a.code AS assignee_code, a.name AS assignee_name";

fn summary_from_row(r: &AnyRow) -> Result<NeedSummary> {
    Ok(NeedSummary {
        id: NeedId::new(r.try_get("id")?),
        origin_code: code_of(r, "origin_code")?,
        origin_name: r.try_get("origin_name")?,
        assignee_code: code_of(r, "assignee_code")?,
        assignee_name: r.try_get("assignee_name")?,
        source: source_of(r)?,
        category: r.try_get("category")?,
        urgency: urgency_of(r)?,
        status: status_of(r)?,
        due_date: r.try_get("due_date")?,
        raised_on: r.try_get("raised_on")?,
        escalations: r.try_get("escalations")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Sums of one group of `rollup_needs` rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sums {
    raised: i64,
    resolved: i64,
    closed: i64,
    sat_sum: i64,
    sat_n: i64,
}

const SUMS: &str = "CAST(COALESCE(SUM(r.raised), 0) AS BIGINT) AS raised, CAST(COALESCE(SUM(r.resolved), 0) AS BIGINT) AS resolved, \
     CAST(COALESCE(SUM(r.closed), 0) AS BIGINT) AS closed, CAST(COALESCE(SUM(r.sat_sum), 0) AS BIGINT) AS sat_sum, \
     CAST(COALESCE(SUM(r.sat_n), 0) AS BIGINT) AS sat_n";

fn sums(r: &AnyRow) -> Result<Sums> {
    Ok(Sums {
        raised: r.try_get("raised")?,
        resolved: r.try_get("resolved")?,
        closed: r.try_get("closed")?,
        sat_sum: r.try_get("sat_sum")?,
        sat_n: r.try_get("sat_n")?,
    })
}

impl Sums {
    fn counts(self, overdue: i64, median_days: Option<i64>) -> DeedCounts {
        DeedCounts {
            raised: self.raised,
            resolved: self.resolved,
            closed: self.closed,
            overdue,
            median_days,
            satisfaction: (self.sat_n > 0)
                .then(|| (self.sat_sum as f64 * 100.0 / self.sat_n as f64).round() / 100.0),
        }
    }
}

/// SQL for the overdue needs of `unit` (an SQL expression) on the day
/// bound at `today` (a placeholder, `yyyymmdd`): live needs over all months
/// (raised − resolved − closed, from `rollup_needs`) less the live ones due
/// that day or later or never (`rollup_need_open` rows from `today` up to
/// the no-due-date row). The same figure as summing the rows due before
/// `today`, without reading them: the days long past pile up one row each
/// (a fifth of two years of needs left live is ~800 rows per unit), the
/// days still ahead are a few weeks of rows.
fn overdue_sql(unit: &str, today: &str) -> String {
    format!(
        "CAST((SELECT COALESCE(SUM(l.raised - l.resolved - l.closed), 0) FROM rollup_needs l \
         WHERE l.unit_id = {unit} AND l.dim = 'all') \
         - (SELECT COALESCE(SUM(o.n), 0) FROM rollup_need_open o \
         WHERE o.unit_id = {unit} AND o.due_day >= {today}) AS BIGINT)"
    )
}

/// The unit's own histogram rows, one per month resolved (`child` 0, `k`
/// the month), then each active child's histogram summed over the months
/// (`child` 1, `k` its id; ~24 rows a child): one statement.
static HISTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT CAST(0 AS BIGINT) AS child, month AS k, {} FROM rollup_need_hist \
         WHERE unit_id = $1 AND month BETWEEN $2 AND $3 \
         UNION ALL \
         SELECT CAST(1 AS BIGINT), c.id, {} FROM units c \
         JOIN rollup_need_hist h ON h.unit_id = c.id AND h.month BETWEEN $2 AND $3 \
         WHERE c.parent_id = $1 AND c.active = 1 GROUP BY c.id",
        hist::columns(),
        hist::sums()
    )
});

/// `OWN_SUMS` row of the overdue figure (in `raised`).
const OVERDUE_ROW: i64 = -1;
/// `OWN_SUMS` rows by dimension over all the months.
const BY_DIM_ROW: i64 = 0;

/// The unit's own sums in one statement: by dimension over the months
/// (`month` = `BY_DIM_ROW`), the `'all'` dimension month by month, and one
/// row (`month` = `OVERDUE_ROW`) carrying the overdue needs today in
/// `raised`.
static OWN_SUMS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT r.dim, CAST({BY_DIM_ROW} AS BIGINT) AS month, {SUMS} FROM rollup_needs r \
         WHERE r.unit_id = $1 AND r.month BETWEEN $2 AND $3 GROUP BY r.dim \
         UNION ALL \
         SELECT r.dim, r.month, {SUMS} FROM rollup_needs r \
         WHERE r.unit_id = $1 AND r.dim = 'all' AND r.month BETWEEN $2 AND $3 \
         GROUP BY r.dim, r.month \
         UNION ALL \
         SELECT '', CAST({OVERDUE_ROW} AS BIGINT), {}, CAST(0 AS BIGINT), CAST(0 AS BIGINT), \
         CAST(0 AS BIGINT), CAST(0 AS BIGINT)",
        overdue_sql("$1", "$4")
    )
});

/// Each active child's sums over the months and its overdue needs today.
static CHILDREN: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT c.id, c.code, c.name, c.level, {SUMS}, {} AS overdue FROM units c \
         LEFT JOIN rollup_needs r ON r.unit_id = c.id AND r.dim = 'all' \
           AND r.month BETWEEN $2 AND $3 \
         WHERE c.parent_id = $1 AND c.active = 1 \
         GROUP BY c.id, c.code, c.name, c.level ORDER BY c.code",
        overdue_sql("c.id", "$4")
    )
});

fn median(h: Option<&DaysHistogram>) -> Option<i64> {
    bucket_median(h?)
}

impl SqlStore {
    /// A household or visit named by a new need must be recorded at the
    /// origin or below it; anything else reads like a record that does
    /// not exist.
    async fn check_links(&self, origin: &Unit, new: &NewNeed) -> Result<()> {
        let col = origin.level.ancestor_column();
        if let Some(h) = new.household {
            let sql = format!("SELECT 1 AS x FROM households WHERE id = $1 AND {col} = $2");
            let found = sqlx::query(&sql)
                .bind(h.get())
                .bind(origin.id.get())
                .fetch_optional(&self.pool)
                .await?;
            if found.is_none() {
                return Err(StoreError::Refused {
                    field: "household_id",
                    key: "err.need.household",
                });
            }
        }
        if let Some(v) = new.visit {
            let sql = format!(
                "SELECT household_id FROM visits WHERE id = $1 AND {col} = $2 \
                 AND ($3 = 0 OR household_id = $3)"
            );
            let found = sqlx::query(&sql)
                .bind(v.get())
                .bind(origin.id.get())
                .bind(new.household.map_or(0, HouseholdId::get))
                .fetch_optional(&self.pool)
                .await?;
            if found.is_none() {
                return Err(StoreError::Refused {
                    field: "visit_id",
                    key: "err.need.visit",
                });
            }
        }
        Ok(())
    }

    /// An active user of `unit`, as the handler of a need.
    async fn check_handler(&self, user: UserId, unit: UnitId) -> Result<()> {
        let found =
            sqlx::query("SELECT 1 AS x FROM users WHERE id = $1 AND unit_id = $2 AND active = 1")
                .bind(user.get())
                .bind(unit.get())
                .fetch_optional(&self.pool)
                .await?;
        if found.is_none() {
            return Err(StoreError::Refused {
                field: "assignee_user",
                key: "err.need.assignee_user",
            });
        }
        Ok(())
    }

    /// The outcome of a conditional UPDATE of a live need still with the
    /// assignee the caller saw: a refusal when someone else got there first.
    fn changed(rows: u64) -> Result<()> {
        if rows == 0 {
            return Err(StoreError::Refused {
                field: "status",
                key: "err.need.not_live",
            });
        }
        Ok(())
    }

    async fn add_event(
        conn: &mut AnyConnection,
        need: NeedId,
        now: i64,
        by: UserId,
        action: &str,
        units: (Option<UnitId>, Option<UnitId>),
        note: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO need_events (need_id, at, by_user, action, from_unit, to_unit, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(need.get())
        .bind(now)
        .bind(by.get())
        .bind(action)
        .bind(units.0.map(UnitId::get))
        .bind(units.1.map(UnitId::get))
        .bind(note)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Ends a live need (resolved or closed) and moves its counters: one
    /// outcome in the month of `today`, one live need fewer.
    async fn finish(
        &self,
        need: &Need,
        update: (&str, Vec<Option<String>>, Option<i64>),
        today: time::Date,
        by: UserId,
        now: i64,
    ) -> Result<()> {
        let (status, texts, satisfaction) = update;
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "UPDATE needs SET status = $1, resolved_on = $2, resolution = $3, close_reason = $4, \
             satisfaction = $5, updated_at = $6 \
             WHERE id = $7 AND assignee_unit_id = $8 AND status IN {LIVE}"
        );
        let q = sqlx::query(&sql)
            .bind(status)
            .bind(format_date(today))
            .bind(texts[0].clone())
            .bind(texts[1].clone())
            .bind(satisfaction)
            .bind(now)
            .bind(need.id.get())
            .bind(need.assignee_id.get());
        Self::changed(q.execute(&mut *tx).await?.rows_affected())?;
        let month = Month::of_date(today).yyyymm();
        let delta = match satisfaction {
            Some(s) => LedgerDelta {
                resolved: 1,
                sat_sum: s,
                sat_n: 1,
                ..LedgerDelta::default()
            },
            None => LedgerDelta {
                closed: 1,
                ..LedgerDelta::default()
            },
        };
        let anc = &need.ancestors;
        add_ledger(&mut tx, self.backend, anc, &need.category, month, delta).await?;
        if satisfaction.is_some() {
            let days = days_between(&need.raised_on, today)?;
            add_days(&mut tx, self.backend, anc, month, days).await?;
        }
        add_open(
            &mut tx,
            self.backend,
            anc,
            due_day(need.due_date.as_deref()),
            -1,
        )
        .await?;
        let note = texts[0].as_deref().or(texts[1].as_deref());
        Self::add_event(
            &mut tx,
            need.id,
            now,
            by,
            status,
            (Some(need.assignee_id), None),
            note,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl NeedStore for SqlStore {
    async fn create_need_arrived(
        &self,
        scope: Scope,
        new: NewNeed,
        arrival: crate::idempotency::Arrival,
        now: i64,
    ) -> Result<NeedId> {
        let vault = self.vault()?;
        let origin = self.unit_by_id(new.origin).await?;
        if !scope.contains(&origin.ancestors) || !origin.active {
            return Err(StoreError::NotFound);
        }
        if !origin.ancestors.contains(&Some(new.assignee)) {
            return Err(StoreError::Refused {
                field: "assignee",
                key: "err.need.assignee",
            });
        }
        self.check_links(&origin, &new).await?;
        if let Some(u) = new.assignee_user {
            self.check_handler(u, new.assignee).await?;
        }
        let mut tx = self.write_tx().await?;
        if let Some(claim) = arrival.claim() {
            crate::idempotency::take(&mut tx, claim, now).await?;
        }
        let id =
            write::insert_need(&mut tx, self.backend, vault, &origin.ancestors, &new, now).await?;
        if let Some(made_at) = arrival.made_at {
            sqlx::query("UPDATE needs SET made_at = $1 WHERE id = $2")
                .bind(made_at)
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn need_in_scope(&self, scope: Scope, id: NeedId) -> Result<InScope<Need>> {
        let col = scope.level().ancestor_column();
        let sql = format!(
            "SELECT n.*, o.code AS origin_code, o.name AS origin_name, \
             a.code AS assignee_code, a.name AS assignee_name \
             FROM needs n JOIN units o ON o.id = n.origin_unit_id \
             JOIN units a ON a.id = n.assignee_unit_id \
             WHERE n.id = $1 AND n.{col} = $2"
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(&self.pool)
            .await?;
        let r = not_found_if_none(row)?;
        let sealed: Option<String> = r.try_get("description_enc")?;
        let description = match sealed {
            Some(s) => self
                .vault()?
                .decrypt_text(&s, &associated_data("need", id.get(), "description"))?
                .to_string(),
            None => String::new(),
        };
        let need = Need {
            id,
            origin_id: UnitId::new(r.try_get("origin_unit_id")?),
            origin_code: code_of(&r, "origin_code")?,
            origin_name: r.try_get("origin_name")?,
            ancestors: ancestors(&r, "")?,
            assignee_id: UnitId::new(r.try_get("assignee_unit_id")?),
            assignee_code: code_of(&r, "assignee_code")?,
            assignee_name: r.try_get("assignee_name")?,
            assignee_user: r
                .try_get::<Option<i64>, _>("assignee_user_id")?
                .map(UserId::new),
            household: r
                .try_get::<Option<i64>, _>("household_id")?
                .map(HouseholdId::new),
            visit: r.try_get::<Option<i64>, _>("visit_id")?.map(VisitId::new),
            source: source_of(&r)?,
            category: r.try_get("category")?,
            urgency: urgency_of(&r)?,
            description,
            status: status_of(&r)?,
            due_date: r.try_get("due_date")?,
            raised_on: r.try_get("raised_on")?,
            escalations: r.try_get("escalations")?,
            resolved_on: r.try_get("resolved_on")?,
            resolution: r.try_get("resolution")?,
            satisfaction: r.try_get("satisfaction")?,
            close_reason: r.try_get("close_reason")?,
            created_at: r.try_get("created_at")?,
            made_at: r.try_get("made_at")?,
            updated_at: r.try_get("updated_at")?,
        };
        Ok(InScope::new(need, scope))
    }

    async fn needs_of(
        &self,
        scope: Scope,
        unit: &Unit,
        queue: NeedQueue,
        status: Option<NeedStatus>,
        page: Page,
    ) -> Result<Vec<NeedSummary>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let cond = match queue {
            NeedQueue::Assigned => "n.assignee_unit_id = $1".to_owned(),
            NeedQueue::Subtree => format!("n.{} = $1", unit.level.ancestor_column()),
        };
        let sql = format!(
            "SELECT {SUMMARY_COLS} FROM needs n JOIN units o ON o.id = n.origin_unit_id \
             JOIN units a ON a.id = n.assignee_unit_id \
             WHERE {cond} AND ($2 = '' OR n.status = $2) ORDER BY n.id DESC LIMIT $3 OFFSET $4"
        );
        sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(status.map_or("", NeedStatus::as_str))
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(summary_from_row)
            .collect()
    }

    async fn needs_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        queue: NeedQueue,
        filter: &NeedFilter,
        limit: i64,
    ) -> Result<Vec<NeedSummary>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let mut cond = match queue {
            NeedQueue::Assigned => "n.assignee_unit_id = $1".to_owned(),
            NeedQueue::Subtree => format!("n.{} = $1", unit.level.ancestor_column()),
        };
        let mut texts: Vec<String> = Vec::new();
        let mut add = |sql: &str, v: String| {
            texts.push(v);
            cond.push_str(&sql.replace('?', &format!("${}", texts.len() + 1)));
        };
        if let Some(v) = filter.status {
            add(" AND n.status = ?", v.as_str().to_owned());
        }
        if let Some(v) = &filter.category {
            add(" AND n.category = ?", v.clone());
        }
        if let Some(v) = filter.urgency {
            add(" AND n.urgency = ?", v.as_str().to_owned());
        }
        if let Some(v) = &filter.raised_from {
            add(" AND n.raised_on >= ?", v.clone());
        }
        if let Some(v) = &filter.raised_to {
            add(" AND n.raised_on <= ?", v.clone());
        }
        let n = texts.len() + 1;
        let before = match filter.before {
            Some(_) => format!(" AND n.id < ${}", n + 1),
            None => String::new(),
        };
        let sql = format!(
            "SELECT {SUMMARY_COLS} FROM needs n JOIN units o ON o.id = n.origin_unit_id \
             JOIN units a ON a.id = n.assignee_unit_id \
             WHERE {cond}{before} ORDER BY n.id DESC LIMIT ${}",
            n + 1 + usize::from(filter.before.is_some())
        );
        let mut q = sqlx::query(&sql).bind(unit.id.get());
        for t in texts {
            q = q.bind(t);
        }
        if let Some(b) = filter.before {
            q = q.bind(b);
        }
        q.bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(summary_from_row)
            .collect()
    }

    async fn need_events(&self, need: &InScope<Need>) -> Result<Vec<NeedEvent>> {
        sqlx::query(
            "SELECT e.at, e.action, e.note, u.username, f.name AS from_name, t.name AS to_name \
             FROM need_events e LEFT JOIN users u ON u.id = e.by_user \
             LEFT JOIN units f ON f.id = e.from_unit LEFT JOIN units t ON t.id = e.to_unit \
             WHERE e.need_id = $1 ORDER BY e.id",
        )
        .bind(need.id.get())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(NeedEvent {
                at: r.try_get("at")?,
                by: r.try_get("username")?,
                action: r.try_get("action")?,
                from_unit: r.try_get("from_name")?,
                to_unit: r.try_get("to_name")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
    }

    async fn start_need(
        &self,
        need: &InScope<Need>,
        assignee_user: Option<UserId>,
        by: UserId,
        now: i64,
    ) -> Result<()> {
        if let Some(u) = assignee_user {
            self.check_handler(u, need.assignee_id).await?;
        }
        let mut tx = self.write_tx().await?;
        let q = sqlx::query(
            "UPDATE needs SET status = 'in_progress', \
             assignee_user_id = COALESCE($1, assignee_user_id), updated_at = $2 \
             WHERE id = $3 AND assignee_unit_id = $4 AND status = 'open'",
        )
        .bind(assignee_user.map(UserId::get))
        .bind(now)
        .bind(need.id.get())
        .bind(need.assignee_id.get());
        if q.execute(&mut *tx).await?.rows_affected() == 0 {
            return Err(StoreError::Refused {
                field: "status",
                key: "err.need.not_open",
            });
        }
        Self::add_event(
            &mut tx,
            need.id,
            now,
            by,
            "started",
            (Some(need.assignee_id), None),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn escalate_need(
        &self,
        need: &InScope<Need>,
        note: &str,
        by: UserId,
        now: i64,
    ) -> Result<()> {
        let assignee = self.unit_by_id(need.assignee_id).await?;
        let Some(parent) = assignee.parent_id else {
            return Err(StoreError::Refused {
                field: "assignee",
                key: "err.need.above_root",
            });
        };
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "UPDATE needs SET assignee_unit_id = $1, assignee_user_id = NULL, status = 'open', \
             escalations = escalations + 1, updated_at = $2 \
             WHERE id = $3 AND assignee_unit_id = $4 AND status IN {LIVE}"
        );
        let q = sqlx::query(&sql)
            .bind(parent.get())
            .bind(now)
            .bind(need.id.get())
            .bind(need.assignee_id.get());
        Self::changed(q.execute(&mut *tx).await?.rows_affected())?;
        Self::add_event(
            &mut tx,
            need.id,
            now,
            by,
            "escalated",
            (Some(need.assignee_id), Some(parent)),
            Some(note),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn resolve_need(
        &self,
        need: &InScope<Need>,
        resolution: &Resolution,
        today: time::Date,
        by: UserId,
        now: i64,
    ) -> Result<()> {
        self.finish(
            need,
            (
                "resolved",
                vec![Some(resolution.what_was_done.clone()), None],
                Some(i64::from(resolution.satisfaction.get())),
            ),
            today,
            by,
            now,
        )
        .await
    }

    async fn close_need(
        &self,
        need: &InScope<Need>,
        reason: &str,
        today: time::Date,
        by: UserId,
        now: i64,
    ) -> Result<()> {
        self.finish(
            need,
            ("closed", vec![None, Some(reason.to_owned())], None),
            today,
            by,
            now,
        )
        .await
    }

    async fn deeds(
        &self,
        scope: Scope,
        unit: &Unit,
        from: Month,
        to: Month,
        today: time::Date,
    ) -> Result<Deeds> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let (id, f, t) = (unit.id.get(), from.yyyymm(), to.yyyymm());
        let today = day_number(today);

        // Three statements on one connection: one pool checkout (each
        // checkout pings the server first) and three round trips.
        let mut db = self.reader().acquire().await?;

        // Histograms: the unit's own by month (the total and each month's
        // median) and each child's.
        let mut month_days: BTreeMap<i64, DaysHistogram> = BTreeMap::new();
        let mut all_days = hist::EMPTY;
        let mut child_days: HashMap<i64, DaysHistogram> = HashMap::new();
        for r in sqlx::query(&HISTS)
            .bind(id)
            .bind(f)
            .bind(t)
            .fetch_all(&mut *db)
            .await?
        {
            let (child, k): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
            let h = hist::read(&r, 2)?;
            if child == 0 {
                hist::add_into(&mut all_days, &h);
                month_days.insert(k, h);
            } else {
                child_days.insert(k, h);
            }
        }

        let mut overdue = 0;
        let mut by_dim = Vec::new();
        let mut by_month = BTreeMap::new();
        for r in sqlx::query(&OWN_SUMS)
            .bind(id)
            .bind(f)
            .bind(t)
            .bind(today)
            .fetch_all(&mut *db)
            .await?
        {
            let m: i64 = r.try_get("month")?;
            let s = sums(&r)?;
            match m {
                OVERDUE_ROW => overdue = s.raised,
                BY_DIM_ROW => by_dim.push((r.try_get::<String, _>("dim")?, s)),
                _ => {
                    by_month.insert(m, s);
                }
            }
        }
        let mut total = DeedCounts::default();
        let mut by_category = BTreeMap::new();
        for (dim, s) in by_dim {
            if dim == "all" {
                total = s.counts(overdue, median(Some(&all_days)));
            } else if let Some(k) = dim.strip_prefix("c:")
                && s != Sums::default()
            {
                by_category.insert(k.to_owned(), s.counts(0, None));
            }
        }
        total.overdue = overdue;
        let mut months = Vec::new();
        for (m, s) in by_month {
            let month =
                Month::from_yyyymm(m).ok_or_else(|| decode_err(format!("bad month {m}")))?;
            months.push((month, s.counts(0, median(month_days.get(&m)))));
        }

        let mut children = Vec::new();
        for r in sqlx::query(&CHILDREN)
            .bind(id)
            .bind(f)
            .bind(t)
            .bind(today)
            .fetch_all(&mut *db)
            .await?
        {
            let cid: i64 = r.try_get("id")?;
            children.push((
                UnitRef {
                    id: UnitId::new(cid),
                    code: code_of(&r, "code")?,
                    name: r.try_get("name")?,
                    level: level_of(&r, "level")?,
                },
                sums(&r)?.counts(r.try_get("overdue")?, median(child_days.get(&cid))),
            ));
        }
        Ok(Deeds {
            total,
            by_category,
            children,
            months,
        })
    }
}

/// Unscoped: the command line, benchmarks and checks, through the system handle only.
impl SqlStore {
    pub async fn deeds_mismatches(&self) -> Result<Vec<String>> {
        let mut ledger: HashMap<(i64, String, i64), Sums> = HashMap::new();
        let mut days: HashMap<(i64, i64), DaysHistogram> = HashMap::new();
        let mut open: HashMap<(i64, i64), i64> = HashMap::new();
        let rows = sqlx::query(
            "SELECT l1, l2, l3, l4, l5, category, status, raised_on, raised_month, due_date, \
             resolved_on, satisfaction FROM needs",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let anc = ancestors(r, "")?;
            let category: String = r.try_get("category")?;
            let status = status_of(r)?;
            let raised_on: String = r.try_get("raised_on")?;
            let raised_month: i64 = r.try_get("raised_month")?;
            let outcome: Option<String> = r.try_get("resolved_on")?;
            let sat: Option<i64> = r.try_get("satisfaction")?;
            for u in anc.iter().flatten().map(|u| u.get()) {
                for dim in ["all".to_owned(), format!("c:{category}")] {
                    ledger
                        .entry((u, dim.clone(), raised_month))
                        .or_default()
                        .raised += 1;
                    if let (false, Some(on)) = (status.is_live(), &outcome) {
                        let m = Month::of_date(date_of(on)?).yyyymm();
                        let s = ledger.entry((u, dim, m)).or_default();
                        if status == NeedStatus::Resolved {
                            s.resolved += 1;
                            s.sat_sum += sat.unwrap_or(0);
                            s.sat_n += 1;
                        } else {
                            s.closed += 1;
                        }
                    }
                }
                match (status, &outcome) {
                    (NeedStatus::Resolved, Some(on)) => {
                        let d = date_of(on)?;
                        let b = days_bucket(days_between(&raised_on, d)?);
                        days.entry((u, Month::of_date(d).yyyymm()))
                            .or_insert(hist::EMPTY)[b] += 1;
                    }
                    (s, _) if s.is_live() => {
                        let due: Option<String> = r.try_get("due_date")?;
                        *open.entry((u, due_day(due.as_deref()))).or_default() += 1;
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        for r in sqlx::query(
            "SELECT unit_id, dim, month, raised, resolved, closed, sat_sum, sat_n FROM rollup_needs",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let key: (i64, String, i64) = (r.try_get("unit_id")?, r.try_get("dim")?, r.try_get("month")?);
            let got = Sums {
                raised: r.try_get("raised")?,
                resolved: r.try_get("resolved")?,
                closed: r.try_get("closed")?,
                sat_sum: r.try_get("sat_sum")?,
                sat_n: r.try_get("sat_n")?,
            };
            let want = ledger.remove(&key).unwrap_or_default();
            if got != want {
                out.push(format!("rollup_needs {key:?}: stored {got:?}, recount {want:?}"));
            }
        }
        out.extend(
            ledger
                .into_iter()
                .map(|(k, v)| format!("rollup_needs {k:?}: missing, recount {v:?}")),
        );
        let sql = format!(
            "SELECT unit_id, month, {} FROM rollup_need_hist",
            hist::columns()
        );
        for r in sqlx::query(&sql).fetch_all(&self.pool).await? {
            let key: (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
            let got = hist::read(&r, 2)?;
            let want = days.remove(&key).unwrap_or(hist::EMPTY);
            if got != want {
                out.push(format!(
                    "rollup_need_hist {key:?}: stored {got:?}, recount {want:?}"
                ));
            }
        }
        out.extend(
            days.into_iter()
                .map(|(k, v)| format!("rollup_need_hist {k:?}: missing, recount {v:?}")),
        );
        for r in sqlx::query("SELECT unit_id, due_day, n FROM rollup_need_open")
            .fetch_all(&self.pool)
            .await?
        {
            let key: (i64, i64) = (r.try_get("unit_id")?, r.try_get("due_day")?);
            let got: i64 = r.try_get("n")?;
            let want = open.remove(&key).unwrap_or(0);
            if got != want {
                out.push(format!(
                    "rollup_need_open {key:?}: stored {got}, recount {want}"
                ));
            }
        }
        out.extend(
            open.into_iter()
                .map(|(k, v)| format!("rollup_need_open {k:?}: missing, recount {v}")),
        );
        out.sort();
        Ok(out)
    }
}
