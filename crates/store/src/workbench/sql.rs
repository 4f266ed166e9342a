//! The workbench's reads. Each list is the first `limit` rows plus a count,
//! both on the index the owning module already keeps: a unit's own reports
//! by `task_reports(unit_id, task_id)`, its children's by `units(parent_id)`
//! then that index again, its needs by `needs(assignee_unit_id, status)`.

use async_trait::async_trait;
use jinguo_domain::need::{NeedStatus, Urgency};
use jinguo_domain::{Capability, NeedId, ReportStatus, TaskId, UnitCode};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Listed, NeedDue, QuietVillage, ToAnswer, ToReview, WorkbenchStore};
use crate::model::Unit;
use crate::sql::SqlStore;
use crate::sql::units::unit_ref_from_row;
use crate::{Result, Scope, StoreError};

fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

/// Refuses a unit outside the scope, as every scoped read does.
fn check(scope: Scope, unit: &Unit) -> Result<()> {
    if scope.contains(&unit.ancestors) {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

fn report_status(row: &AnyRow) -> Result<ReportStatus> {
    let s: String = row.try_get("status")?;
    ReportStatus::parse(&s).ok_or_else(|| decode_err(format!("bad report status {s}")))
}

impl SqlStore {
    async fn count(&self, sql: &str, unit: &Unit, extra: Option<&str>) -> Result<i64> {
        let q = sqlx::query(sql).bind(unit.id.get());
        let q = match extra {
            Some(v) => q.bind(v.to_owned()),
            None => q,
        };
        Ok(q.fetch_one(self.reader()).await?.try_get::<i64, _>(0)?)
    }
}

const OPEN: &str = "('not_started', 'in_progress', 'returned')";

#[async_trait]
impl WorkbenchStore for SqlStore {
    async fn reports_to_answer(
        &self,
        scope: Scope,
        unit: &Unit,
        limit: i64,
    ) -> Result<Listed<ToAnswer>> {
        check(scope, unit)?;
        let rows = sqlx::query(&format!(
            "SELECT t.id, t.title, t.deadline, r.status, i.name AS issuer, i.code AS issuer_code \
             FROM task_reports r JOIN tasks t ON t.id = r.task_id \
             JOIN units i ON i.id = t.issuer_unit_id \
             WHERE r.unit_id = $1 AND r.status IN {OPEN} \
             ORDER BY t.deadline, t.id LIMIT $2"
        ))
        .bind(unit.id.get())
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(ToAnswer {
                    task_id: TaskId::new(r.try_get("id")?),
                    title: r.try_get("title")?,
                    deadline: r.try_get("deadline")?,
                    status: report_status(r)?,
                    issuer: r.try_get("issuer")?,
                    issuer_code: r.try_get("issuer_code")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let total = self
            .count(
                &format!("SELECT COUNT(*) FROM task_reports r WHERE r.unit_id = $1 AND r.status IN {OPEN}"),
                unit,
                None,
            )
            .await?;
        Ok(Listed { items, total })
    }

    async fn reports_to_review(
        &self,
        scope: Scope,
        unit: &Unit,
        limit: i64,
    ) -> Result<Listed<ToReview>> {
        check(scope, unit)?;
        let from = "FROM units c JOIN task_reports r ON r.unit_id = c.id \
             WHERE c.parent_id = $1 AND r.status = 'submitted'";
        let rows = sqlx::query(
            "SELECT t.id AS task_id, t.title, t.deadline, r.submitted_at, \
             c.id, c.code, c.name, c.level \
             FROM units c JOIN task_reports r ON r.unit_id = c.id \
             JOIN tasks t ON t.id = r.task_id \
             WHERE c.parent_id = $1 AND r.status = 'submitted' \
             ORDER BY r.submitted_at, r.id LIMIT $2",
        )
        .bind(unit.id.get())
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(ToReview {
                    task_id: TaskId::new(r.try_get("task_id")?),
                    title: r.try_get("title")?,
                    deadline: r.try_get("deadline")?,
                    unit: unit_ref_from_row(r)?,
                    submitted_at: r.try_get("submitted_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let total = self
            .count(&format!("SELECT COUNT(*) {from}"), unit, None)
            .await?;
        Ok(Listed { items, total })
    }

    async fn needs_due(
        &self,
        scope: Scope,
        unit: &Unit,
        by: &str,
        limit: i64,
    ) -> Result<Listed<NeedDue>> {
        check(scope, unit)?;
        if !scope.can(Capability::ReadPersonal) {
            return Err(StoreError::NotFound);
        }
        let from = "FROM needs n WHERE n.assignee_unit_id = $1 \
             AND n.status IN ('open', 'in_progress') \
             AND n.due_date IS NOT NULL AND n.due_date <= $2";
        let rows = sqlx::query(&format!(
            "SELECT n.id, n.category, n.urgency, n.status, n.due_date, o.name AS origin \
             FROM needs n JOIN units o ON o.id = n.origin_unit_id \
             {} ORDER BY n.due_date, n.id LIMIT $3",
            from.trim_start_matches("FROM needs n ")
        ))
        .bind(unit.id.get())
        .bind(by)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                let urgency: String = r.try_get("urgency")?;
                let status: String = r.try_get("status")?;
                Ok(NeedDue {
                    id: NeedId::new(r.try_get("id")?),
                    category: r.try_get("category")?,
                    urgency: Urgency::parse(&urgency)
                        .ok_or_else(|| decode_err(format!("bad urgency {urgency}")))?,
                    status: NeedStatus::parse(&status)
                        .ok_or_else(|| decode_err(format!("bad need status {status}")))?,
                    due_date: r.try_get("due_date")?,
                    origin: r.try_get("origin")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let total = self
            .count(&format!("SELECT COUNT(*) {from}"), unit, Some(by))
            .await?;
        Ok(Listed { items, total })
    }

    async fn quiet_villages(
        &self,
        scope: Scope,
        unit: &Unit,
        since: i64,
        after: Option<&UnitCode>,
        limit: i64,
    ) -> Result<Listed<QuietVillage>> {
        check(scope, unit)?;
        let col = unit.level.ancestor_column();
        let quiet = format!(
            "u.{col} = $1 AND u.level = 5 AND u.active = 1 AND u.kind = 'geo' \
             AND NOT EXISTS (SELECT 1 FROM rollup_activities r WHERE r.unit_id = u.id \
             AND r.dim = 'all' AND r.month >= $2 AND r.activities > 0)"
        );
        let rows = sqlx::query(&format!(
            "SELECT u.id, u.code, u.name, u.level, p.name AS p1, g.name AS p2, \
             (SELECT MAX(r.month) FROM rollup_activities r WHERE r.unit_id = u.id \
              AND r.dim = 'all' AND r.activities > 0) AS last_month \
             FROM units u LEFT JOIN units p ON p.id = u.parent_id \
             LEFT JOIN units g ON g.id = p.parent_id \
             WHERE {quiet} AND u.code > $3 ORDER BY u.code LIMIT $4"
        ))
        .bind(unit.id.get())
        .bind(since)
        .bind(after.map_or("", UnitCode::as_str).to_owned())
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                let last: Option<i64> = r.try_get("last_month")?;
                let mut path = Vec::new();
                for col in ["p1", "p2"] {
                    if let Some(name) = r.try_get::<Option<String>, _>(col)? {
                        path.push(name);
                    }
                }
                Ok(QuietVillage {
                    unit: unit_ref_from_row(r)?,
                    path,
                    last_month: last.map(|m| format!("{}-{:02}", m / 100, m % 100)),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM units u WHERE {quiet}"))
            .bind(unit.id.get())
            .bind(since)
            .fetch_one(self.reader())
            .await?
            .try_get(0)?;
        Ok(Listed { items, total })
    }
}
