//! Tasks, reports and notices.
//!
//! Every report row carries its unit's ancestors (`l1..l5`), so "the
//! reports in a unit's subtree" is one indexed condition, and progress is
//! read from counters kept with every change (`tally`). State changes are
//! conditional UPDATEs: the condition is the workflow rule, so two
//! reviewers racing cannot both win.

mod tally;

use crate::{InScope, Scope};
use async_trait::async_trait;
use jinguo_domain::activity::{format_date, parse_date};
use jinguo_domain::task::FieldDef;
use jinguo_domain::{Level, ReportStatus, TaskId, UnitCode, UnitId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use self::tally::{CHANGE_COLS, Deltas, Place};
use super::list_sql::{Bind, Conds};
use super::units::unit_ref_from_row;
use super::{SqlStore, ancestors, level_of, not_found_if_none};
use crate::model::{
    ChildProgress, ExportRow, Forward, NewAttachment, NewTask, Notice, NoticeAbout, Page, Progress,
    Report, ReportAnswer, StatusCounts, Task, TaskBox, TaskFilter, TaskSummary, TaskTargets,
    Totals, Unit, UnitRef,
};
use crate::{Result, StoreError, TaskStore, UnitStore};

const OPEN: &str = "('not_started', 'in_progress', 'returned')";
const COMPLETE: &str = "('submitted', 'approved')";

/// Part of every SET that changes a report's status: the counted facts as
/// they were, for `tally` (SET expressions read the old row).
const KEEP_PREV: &str = "prev_status = status, prev_on_time = on_time,";

const REPORT_COLS: &str = "r.id, r.task_id, r.unit_id, r.l1, r.l2, r.l3, r.l4, r.l5, \
     r.via_unit_id, r.status, r.values_json, r.reasons_json, r.note, r.return_reason, \
     r.forwarded, r.updated_at, r.first_submitted_on, r.submitted_at, r.reviewed_at, \
     u.code, u.name, u.level";

fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

fn unit_ref(row: &AnyRow, id: &str, code: &str, name: &str, level: &str) -> Result<UnitRef> {
    let c: String = row.try_get(code)?;
    Ok(UnitRef {
        id: UnitId::new(row.try_get(id)?),
        code: UnitCode::parse(&c).map_err(|_| decode_err(format!("bad unit code {c}")))?,
        name: row.try_get(name)?,
        level: level_of(row, level)?,
    })
}

fn status_of(row: &AnyRow, col: &str) -> Result<ReportStatus> {
    let s: String = row.try_get(col)?;
    ReportStatus::parse(&s).ok_or_else(|| decode_err(format!("bad report status {s}")))
}

fn date_of(row: &AnyRow, col: &str) -> Result<time::Date> {
    let s: String = row.try_get(col)?;
    parse_date(&s).ok_or_else(|| decode_err(format!("bad date {s}")))
}

fn fields_of(json: &str) -> Result<Vec<FieldDef>> {
    serde_json::from_str(json).map_err(|e| decode_err(format!("bad task fields: {e}")))
}

fn report_from_row(row: &AnyRow) -> Result<Report> {
    Ok(Report {
        id: row.try_get("id")?,
        task_id: TaskId::new(row.try_get("task_id")?),
        unit: unit_ref(row, "unit_id", "code", "name", "level")?,
        ancestors: ancestors(row, "")?,
        via: row
            .try_get::<Option<i64>, _>("via_unit_id")?
            .map(UnitId::new),
        status: status_of(row, "status")?,
        values_json: row.try_get("values_json")?,
        reasons_json: row.try_get("reasons_json")?,
        note: row.try_get("note")?,
        return_reason: row.try_get("return_reason")?,
        forwarded: row.try_get::<i64, _>("forwarded")? != 0,
        updated_at: row.try_get("updated_at")?,
        first_submitted_on: row.try_get("first_submitted_on")?,
        submitted_at: row.try_get("submitted_at")?,
        reviewed_at: row.try_get("reviewed_at")?,
    })
}

fn notice_from_row(row: &AnyRow) -> Result<Notice> {
    Ok(Notice {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        task_id: TaskId::new(row.try_get("task_id")?),
        task_title: row.try_get("title")?,
        deadline: date_of(row, "deadline")?,
        unit: unit_ref(row, "unit_id", "code", "name", "level")?,
        about: match row.try_get::<Option<String>, _>("about_code")? {
            Some(code) => Some(NoticeAbout {
                code: UnitCode::parse(&code)
                    .map_err(|_| sqlx::Error::Decode(format!("bad unit code {code}").into()))?,
                name: row.try_get("about_name")?,
            }),
            None => None,
        },
        created_at: row.try_get("created_at")?,
        unread: row.try_get::<i64, _>("unread")? != 0,
    })
}

/// The condition selecting target units: geographic, active, inside the
/// subtree of the unit bound as `$2`, at the level bound as `$3` (or among
/// picked ids bound from `$3` on).
fn target_condition(below: Level, targets: &TaskTargets) -> String {
    let col = below.ancestor_column();
    match targets {
        TaskTargets::Level(_) => {
            format!("{col} = $2 AND level = $3 AND active = 1 AND kind = 'geo'")
        }
        // Numbered like the rest of the statement: SQLite would number
        // anonymous `?` after `$1`, `$2` in its own way.
        TaskTargets::Units(ids) => format!(
            "{col} = $2 AND level > {} AND active = 1 AND id IN ({})",
            below.get(),
            (3..3 + ids.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn bind_targets<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    targets: &TaskTargets,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    match targets {
        TaskTargets::Level(l) => q.bind(i64::from(l.get())),
        TaskTargets::Units(ids) => {
            for id in ids {
                q = q.bind(id.get());
            }
            q
        }
    }
}

#[async_trait]
impl TaskStore for SqlStore {
    async fn create_task_with_files(
        &self,
        scope: Scope,
        new: NewTask,
        files: &[NewAttachment],
        now: i64,
    ) -> Result<TaskId> {
        let issuer = self.unit_by_id(new.issuer).await?;
        if !scope.contains(&issuer.ancestors) {
            return Err(StoreError::NotFound);
        }
        let fields = serde_json::to_string(&new.fields)
            .map_err(|e| decode_err(format!("task fields: {e}")))?;
        let mut tx = self.write_tx().await?;
        let mut q = sqlx::query(
            "INSERT INTO tasks (issuer_unit_id, l1, l2, l3, l4, l5, title, description, deadline, \
             fields_json, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(issuer.id.get());
        for a in issuer.ancestors {
            q = q.bind(a.map(UnitId::get));
        }
        let id: i64 = q
            .bind(new.title.as_str())
            .bind(new.description.as_str())
            .bind(format_date(new.deadline))
            .bind(fields)
            .bind(new.by.get())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        let sql = format!(
            "INSERT INTO task_reports (task_id, unit_id, level, l1, l2, l3, l4, l5) \
             SELECT $1, id, level, l1, l2, l3, l4, l5 FROM units WHERE {} RETURNING {CHANGE_COLS}",
            target_condition(issuer.level, &new.targets)
        );
        let q = sqlx::query(&sql).bind(id).bind(issuer.id.get());
        let (deltas, _) = insert_targets(&mut tx, q, &new.targets).await?;
        deltas.apply(&mut tx, self.backend).await?;
        sqlx::query(
            "INSERT INTO notices (unit_id, task_id, kind, created_at) \
             SELECT unit_id, task_id, 'issued', $2 FROM task_reports WHERE task_id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        super::task_files::insert_attachments(&mut tx, TaskId::new(id), files, new.by, now).await?;
        tx.commit().await?;
        Ok(TaskId::new(id))
    }

    async fn task_in_scope(&self, scope: Scope, id: TaskId) -> Result<InScope<Task>> {
        let col = scope.level().ancestor_column();
        let sql = format!(
            "SELECT t.id, t.issuer_unit_id, t.l1, t.l2, t.l3, t.l4, t.l5, t.title, \
             t.description, t.deadline, t.fields_json, t.created_at, u.code, u.name, u.level, \
             (SELECT CAST(COALESCE(SUM(c.n), 0) AS BIGINT) FROM task_tally c \
             WHERE c.task_id = t.id AND c.unit_id = t.issuer_unit_id) AS targets \
             FROM tasks t JOIN units u ON u.id = t.issuer_unit_id \
             WHERE t.id = $1 AND (t.{col} = $2 OR EXISTS \
             (SELECT 1 FROM task_reports r WHERE r.task_id = t.id AND r.{col} = $2))"
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(self.reader())
            .await?;
        let row = not_found_if_none(row)?;
        let forwards = sqlx::query(
            "SELECT f.fields_json, u.id, u.code, u.name, u.level FROM task_forwards f \
             JOIN units u ON u.id = f.unit_id WHERE f.task_id = $1 ORDER BY f.id",
        )
        .bind(id.get())
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            Ok(Forward {
                unit: unit_ref_from_row(r)?,
                fields: fields_of(&r.try_get::<String, _>("fields_json")?)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let task = Task {
            id,
            issuer: unit_ref(&row, "issuer_unit_id", "code", "name", "level")?,
            issuer_ancestors: ancestors(&row, "")?,
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            deadline: date_of(&row, "deadline")?,
            fields: fields_of(&row.try_get::<String, _>("fields_json")?)?,
            forwards,
            created_at: row.try_get("created_at")?,
            targets: row.try_get("targets")?,
        };
        Ok(InScope::new(task, scope))
    }

    async fn tasks_for(
        &self,
        scope: Scope,
        unit: &Unit,
        which: TaskBox,
        page: Page,
    ) -> Result<Vec<TaskSummary>> {
        self.task_rows(scope, unit, which, &TaskFilter::default(), page)
            .await
    }

    async fn tasks_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        which: TaskBox,
        filter: &TaskFilter,
        limit: i64,
    ) -> Result<Vec<TaskSummary>> {
        self.task_rows(scope, unit, which, filter, Page::new(limit, 0))
            .await
    }

    async fn report(&self, task: &InScope<Task>, unit: &Unit) -> Result<InScope<Report>> {
        if !task.scope().contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let report = self.report_row(task.id, unit.id).await?;
        Ok(InScope::new(report, task.scope()))
    }

    async fn save_report_once(
        &self,
        report: &InScope<Report>,
        answer: ReportAnswer,
        claim: Option<&crate::idempotency::Claim>,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        if let Some(claim) = claim {
            crate::idempotency::take(&mut tx, claim, now).await?;
        }
        let sql = format!(
            "UPDATE task_reports SET values_json = $1, reasons_json = $2, note = $3, \
             updated_at = $4, updated_by = $5, {KEEP_PREV} \
             status = CASE WHEN status = 'returned' THEN 'returned' ELSE 'in_progress' END \
             WHERE id = $6 AND status IN {OPEN} RETURNING {CHANGE_COLS}"
        );
        let changed = sqlx::query(&sql)
            .bind(answer.values_json.as_str())
            .bind(answer.reasons_json.as_str())
            .bind(answer.note.as_deref())
            .bind(now)
            .bind(answer.by.get())
            .bind(report.id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(changed) = changed else {
            return Err(locked());
        };
        let mut deltas = Deltas::default();
        deltas.change(&changed)?;
        deltas.apply(&mut tx, self.backend).await?;
        sqlx::query("DELETE FROM task_numbers WHERE report_id = $1")
            .bind(report.id)
            .execute(&mut *tx)
            .await?;
        if !answer.numbers.is_empty() {
            // An open report is not handed in: `counted` starts at 0.
            let sql = format!(
                "INSERT INTO task_numbers (report_id, key, value, task_id, l1, l2, l3, l4, l5) \
                 VALUES {}",
                self.backend.row_params(answer.numbers.len(), 9)
            );
            let mut q = sqlx::query(&sql);
            for (key, value) in &answer.numbers {
                q = q
                    .bind(report.id)
                    .bind(key.as_str())
                    .bind(*value)
                    .bind(report.task_id.get());
                for a in report.ancestors {
                    q = q.bind(a.map(UnitId::get));
                }
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn submit_report_once(
        &self,
        report: &InScope<Report>,
        by: UserId,
        today: &str,
        claim: Option<&crate::idempotency::Claim>,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        if let Some(claim) = claim {
            crate::idempotency::take(&mut tx, claim, now).await?;
        }
        let sql = format!(
            "UPDATE task_reports SET status = 'submitted', submitted_at = $1, updated_at = $1, \
             updated_by = $2, {KEEP_PREV} \
             on_time = CASE WHEN first_submitted_on IS NOT NULL THEN on_time \
             WHEN $3 <= (SELECT t.deadline FROM tasks t WHERE t.id = task_reports.task_id) \
             THEN 1 ELSE 0 END, \
             first_submitted_on = COALESCE(first_submitted_on, $3) \
             WHERE id = $4 AND status IN {OPEN} RETURNING {CHANGE_COLS}"
        );
        let changed = sqlx::query(&sql)
            .bind(now)
            .bind(by.get())
            .bind(today)
            .bind(report.id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(changed) = changed else {
            return Err(locked());
        };
        let mut deltas = Deltas::default();
        let at = deltas.change(&changed)?;
        count_numbers(&mut tx, &mut deltas, &at, report.id, true).await?;
        deltas.apply(&mut tx, self.backend).await?;
        if let Some(parent) = parent_of(report) {
            add_notice_in(
                &mut tx,
                parent,
                report.task_id,
                "submitted",
                Some(report.unit.id),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn review_report(
        &self,
        report: &InScope<Report>,
        approve: bool,
        reason: Option<&str>,
        by: UserId,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let changed = if approve {
            let col = report.unit.level.ancestor_column();
            let sql = format!(
                "UPDATE task_reports SET {KEEP_PREV} status = 'approved', reviewed_at = $1, \
                 reviewed_by = $2 WHERE id = $3 AND status = 'submitted' AND NOT EXISTS \
                 (SELECT 1 FROM task_reports c WHERE c.task_id = $4 AND c.{col} = $5 \
                 AND c.id <> $3 AND c.status <> 'approved') RETURNING {CHANGE_COLS}"
            );
            sqlx::query(&sql)
                .bind(now)
                .bind(by.get())
                .bind(report.id)
                .bind(report.task_id.get())
                .bind(report.unit.id.get())
                .fetch_optional(&mut *tx)
                .await?
        } else {
            let sql = format!(
                "UPDATE task_reports SET {KEEP_PREV} status = 'returned', return_reason = $1, \
                 reviewed_at = $2, reviewed_by = $3 WHERE id = $4 AND status = 'submitted' RETURNING {CHANGE_COLS}"
            );
            sqlx::query(&sql)
                .bind(reason)
                .bind(now)
                .bind(by.get())
                .bind(report.id)
                .fetch_optional(&mut *tx)
                .await?
        };
        let Some(changed) = changed else {
            let current = self.report_row(report.task_id, report.unit.id).await?;
            return Err(StoreError::Refused {
                field: "status",
                key: if current.status != ReportStatus::Submitted {
                    "err.task.not_submitted"
                } else {
                    "err.task.descendants_pending"
                },
            });
        };
        let mut deltas = Deltas::default();
        let at = deltas.change(&changed)?;
        if !approve {
            count_numbers(&mut tx, &mut deltas, &at, report.id, false).await?;
        }
        deltas.apply(&mut tx, self.backend).await?;
        let kind = if approve { "approved" } else { "returned" };
        add_notice_in(&mut tx, report.unit.id, report.task_id, kind, None, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn forward_task(
        &self,
        task: &InScope<Task>,
        from: &InScope<Report>,
        targets: TaskTargets,
        fields: &[FieldDef],
        by: UserId,
        now: i64,
    ) -> Result<i64> {
        if !from.status.is_open() {
            return Err(locked());
        }
        let fields_json =
            serde_json::to_string(fields).map_err(|e| decode_err(format!("task fields: {e}")))?;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO task_forwards (task_id, unit_id, fields_json, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(task.id.get())
        .bind(from.unit.id.get())
        .bind(fields_json)
        .bind(by.get())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let sql = format!(
            "INSERT INTO task_reports (task_id, unit_id, level, l1, l2, l3, l4, l5, via_unit_id) \
             SELECT $1, id, level, l1, l2, l3, l4, l5, $2 FROM units WHERE {} \
             ON CONFLICT (task_id, unit_id) DO NOTHING RETURNING {CHANGE_COLS}",
            target_condition(from.unit.level, &targets)
        );
        let q = sqlx::query(&sql)
            .bind(task.id.get())
            .bind(from.unit.id.get());
        let (mut deltas, made) = insert_targets(&mut tx, q, &targets).await?;
        let sql = format!(
            "UPDATE task_reports SET forwarded = 1, {KEEP_PREV} \
             status = CASE WHEN status = 'not_started' THEN 'in_progress' ELSE status END \
             WHERE id = $1 RETURNING {CHANGE_COLS}"
        );
        let from_row = sqlx::query(&sql).bind(from.id).fetch_one(&mut *tx).await?;
        deltas.change(&from_row)?;
        deltas.apply(&mut tx, self.backend).await?;
        sqlx::query(
            "INSERT INTO notices (unit_id, task_id, kind, created_at) \
             SELECT unit_id, task_id, 'issued', $3 FROM task_reports \
             WHERE task_id = $1 AND via_unit_id = $2 AND NOT EXISTS (SELECT 1 FROM notices n \
             WHERE n.task_id = $1 AND n.unit_id = task_reports.unit_id AND n.kind = 'issued')",
        )
        .bind(task.id.get())
        .bind(from.unit.id.get())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(i64::try_from(made).unwrap_or(i64::MAX))
    }

    async fn progress(&self, task: &InScope<Task>, unit: &Unit) -> Result<Progress> {
        if !task.scope().contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let rows = sqlx::query(
            "SELECT child_id, status, n, on_time, own FROM task_tally \
             WHERE task_id = $1 AND unit_id = $2 AND n <> 0",
        )
        .bind(task.id.get())
        .bind(unit.id.get())
        .fetch_all(self.reader())
        .await?;
        let mut counts = StatusCounts::new();
        let mut on_time = 0;
        let mut own = None;
        let mut by_child: std::collections::BTreeMap<UnitId, (StatusCounts, i64)> =
            Default::default();
        // Which children are targets themselves (a child answers for its
        // own unit as well as leading its subtree).
        let mut own_of = std::collections::HashMap::new();
        for r in &rows {
            let status = status_of(r, "status")?;
            let n: i64 = r.try_get("n")?;
            // On time counts among the handed-in only, so it can never
            // exceed the hand-in rate on the same base: a report handed in
            // on time and then returned is neither, until handed in again.
            let ot: i64 = if status.is_complete() {
                r.try_get("on_time")?
            } else {
                0
            };
            *counts.entry(status).or_default() += n;
            on_time += ot;
            match r.try_get::<i64, _>("child_id")? {
                0 => own = Some(status),
                c => {
                    if r.try_get::<i64, _>("own")? > 0 {
                        own_of.insert(UnitId::new(c), status);
                    }
                    let e = by_child.entry(UnitId::new(c)).or_default();
                    *e.0.entry(status).or_default() += n;
                    e.1 += ot;
                }
            }
        }
        let ids: Vec<UnitId> = by_child.keys().copied().collect();
        let refs = self.units_by_ids(&ids).await?;
        let mut children: Vec<ChildProgress> = by_child
            .into_iter()
            .filter_map(|(id, (counts, on_time))| {
                refs.get(&id).map(|u| ChildProgress {
                    unit: u.clone(),
                    own: own_of.get(&id).copied(),
                    counts,
                    on_time,
                })
            })
            .collect();
        children.sort_by(|a, b| a.unit.code.as_str().cmp(b.unit.code.as_str()));
        Ok(Progress {
            counts,
            on_time,
            own,
            children,
            totals: self.totals(task, unit).await?,
        })
    }

    async fn forwarded_sums(&self, report: &InScope<Report>) -> Result<Vec<(String, f64)>> {
        let sql = format!(
            "SELECT n.key, SUM(n.value) AS s FROM task_numbers n \
             JOIN task_reports r ON r.id = n.report_id \
             WHERE r.task_id = $1 AND r.via_unit_id = $2 AND r.status IN {COMPLETE} \
             GROUP BY n.key"
        );
        sqlx::query(&sql)
            .bind(report.task_id.get())
            .bind(report.unit.id.get())
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("key")?, r.try_get("s")?)))
            .collect()
    }

    async fn export_rows(&self, task: &InScope<Task>, unit: &Unit) -> Result<Vec<ExportRow>> {
        if !task.scope().contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let col = unit.level.ancestor_column();
        let sql = format!(
            "SELECT {REPORT_COLS} FROM task_reports r JOIN units u ON u.id = r.unit_id \
             WHERE r.task_id = $1 AND r.{col} = $2 ORDER BY u.code"
        );
        let reports = sqlx::query(&sql)
            .bind(task.id.get())
            .bind(unit.id.get())
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(report_from_row)
            .collect::<Result<Vec<_>>>()?;
        // The ancestors' names, each looked up once: a region's villages
        // share about a thousand of them, where five joins per row cost
        // more than the rows themselves.
        let mut ids: Vec<UnitId> = reports
            .iter()
            .flat_map(|r| r.ancestors.iter().flatten().filter(|&&a| a != r.unit.id))
            .copied()
            .collect();
        ids.sort();
        ids.dedup();
        let mut names = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            names.extend(self.units_by_ids(chunk).await?);
        }
        Ok(reports
            .into_iter()
            .map(|report| {
                let path = report.ancestors.map(|a| {
                    a.and_then(|a| {
                        if a == report.unit.id {
                            Some(report.unit.name.clone())
                        } else {
                            names.get(&a).map(|u| u.name.clone())
                        }
                    })
                });
                ExportRow { report, path }
            })
            .collect())
    }

    async fn notices(&self, unit: UnitId, user: UserId, page: Page) -> Result<Vec<Notice>> {
        sqlx::query(
            "SELECT n.id, n.kind, n.task_id, n.created_at, n.unit_id, t.title, t.deadline, \
             u.code, u.name, u.level, a.code AS about_code, a.name AS about_name, \
             CAST(CASE WHEN n.id > COALESCE((SELECT m.seen_up_to FROM notice_marks m \
             WHERE m.user_id = $2), 0) THEN 1 ELSE 0 END AS BIGINT) AS unread \
             FROM notices n JOIN tasks t ON t.id = n.task_id JOIN units u ON u.id = n.unit_id \
             LEFT JOIN units a ON a.id = n.about_unit_id \
             WHERE n.unit_id = $1 ORDER BY n.id DESC LIMIT $3 OFFSET $4",
        )
        .bind(unit.get())
        .bind(user.get())
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(notice_from_row)
        .collect()
    }

    async fn unread_notices(&self, unit: UnitId, user: UserId) -> Result<i64> {
        Ok(sqlx::query(
            "SELECT COUNT(*) AS c FROM notices WHERE unit_id = $1 \
             AND (user_id IS NULL OR user_id = $2) AND id > \
             COALESCE((SELECT seen_up_to FROM notice_marks WHERE user_id = $2), 0)",
        )
        .bind(unit.get())
        .bind(user.get())
        .fetch_one(self.reader())
        .await?
        .try_get("c")?)
    }

    async fn mark_notices_seen(&self, user: UserId, up_to: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO notice_marks (user_id, seen_up_to) VALUES ($1, $2) \
             ON CONFLICT (user_id) DO UPDATE SET seen_up_to = CASE \
             WHEN excluded.seen_up_to > notice_marks.seen_up_to THEN excluded.seen_up_to \
             ELSE notice_marks.seen_up_to END",
        )
        .bind(user.get())
        .bind(up_to)
        .execute(self.writer())
        .await?;
        Ok(())
    }
}

impl SqlStore {
    /// A report as stored, for a report already opened in a scope.
    async fn report_row(&self, task: TaskId, unit: UnitId) -> Result<Report> {
        let sql = format!(
            "SELECT {REPORT_COLS} FROM task_reports r JOIN units u ON u.id = r.unit_id \
             WHERE r.task_id = $1 AND r.unit_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(task.get())
            .bind(unit.get())
            .fetch_optional(self.reader())
            .await?;
        report_from_row(&not_found_if_none(row)?)
    }
}

/// Unscoped: the command line, benchmarks and checks, through the system handle only.
impl SqlStore {
    pub async fn task_tally_mismatches(&self) -> Result<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        tally::mismatches(&mut conn).await
    }

    pub async fn add_notice(&self, unit: UnitId, task: TaskId, kind: &str, now: i64) -> Result<()> {
        let mut tx = self.write_tx().await?;
        add_notice_in(&mut tx, unit, task, kind, None, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_reminders(&self, today: time::Date, now: i64) -> Result<Vec<Notice>> {
        let day = |n: i64| format_date(today + time::Duration::days(n));
        let before: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM notices")
            .fetch_one(&self.pool)
            .await?
            .try_get("m")?;
        // Windows rather than exact days, so a server that was down on the
        // day still reminds once.
        let windows = [
            ("due3", day(2), day(3)),
            ("due1", day(0), day(1)),
            ("overdue", "0000-00-00".to_owned(), day(-1)),
        ];
        let mut tx = self.write_tx().await?;
        for (kind, from, to) in windows {
            let sql = format!(
                "INSERT INTO notices (unit_id, task_id, kind, created_at) \
                 SELECT r.unit_id, r.task_id, $1, $2 FROM task_reports r \
                 JOIN tasks t ON t.id = r.task_id \
                 WHERE t.deadline >= $3 AND t.deadline <= $4 AND r.status IN {OPEN} \
                 AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.task_id = r.task_id \
                 AND n.unit_id = r.unit_id AND n.kind = $1)"
            );
            sqlx::query(&sql)
                .bind(kind)
                .bind(now)
                .bind(from)
                .bind(to)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        sqlx::query(
            "SELECT n.id, n.kind, n.task_id, n.created_at, n.unit_id, t.title, t.deadline, \
             u.code, u.name, u.level, a.code AS about_code, a.name AS about_name, \
             CAST(1 AS BIGINT) AS unread \
             FROM notices n JOIN tasks t ON t.id = n.task_id JOIN units u ON u.id = n.unit_id \
             LEFT JOIN units a ON a.id = n.about_unit_id \
             WHERE n.id > $1 ORDER BY n.id",
        )
        .bind(before)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(notice_from_row)
        .collect()
    }
}

impl SqlStore {
    /// Numeric fields over the handed-in reports of `unit`'s subtree: sums
    /// and counts from `task_sums`, minimum and maximum from the first and
    /// last entry of the field's range in a `task_numbers_l*` index. Written
    /// as ORDER BY … LIMIT 1 rather than MIN/MAX: PostgreSQL without table
    /// statistics planned MIN as a scan of the whole range (6 ms for 14,592
    /// answers instead of 0.07 ms), and SQLite seeks only for a lone MIN.
    async fn totals(&self, task: &Task, unit: &Unit) -> Result<Vec<(String, Totals)>> {
        let sums = sqlx::query(
            "SELECT key, total, n FROM task_sums \
             WHERE task_id = $1 AND unit_id = $2 AND n > 0 ORDER BY key",
        )
        .bind(task.id.get())
        .bind(unit.id.get())
        .fetch_all(self.reader())
        .await?;
        if sums.is_empty() {
            return Ok(Vec::new());
        }
        let col = unit.level.ancestor_column();
        let seek = |order: &str, i: usize| {
            format!(
                "(SELECT value FROM task_numbers WHERE task_id = $1 AND {col} = $2 \
                 AND counted = 1 AND key = ${i} ORDER BY value {order} LIMIT 1)"
            )
        };
        let sql = (0..sums.len())
            .map(|k| {
                format!(
                    "SELECT CAST({k} AS BIGINT) AS k, {} AS lo, {} AS hi",
                    seek("ASC", k + 3),
                    seek("DESC", k + 3)
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let mut q = sqlx::query(&sql).bind(task.id.get()).bind(unit.id.get());
        for r in &sums {
            q = q.bind(r.try_get::<String, _>("key")?);
        }
        let mut bounds = vec![(0.0, 0.0); sums.len()];
        for r in q.fetch_all(self.reader()).await? {
            let k: i64 = r.try_get("k")?;
            if let Some(b) = usize::try_from(k).ok().and_then(|k| bounds.get_mut(k)) {
                *b = (
                    r.try_get::<Option<f64>, _>("lo")?.unwrap_or(0.0),
                    r.try_get::<Option<f64>, _>("hi")?.unwrap_or(0.0),
                );
            }
        }
        sums.iter()
            .zip(bounds)
            .map(|(r, (min, max))| {
                let count: i64 = r.try_get("n")?;
                // Kept by adding and subtracting: round away the drift that
                // leaves after a decimal answer was returned and changed.
                let sum = (r.try_get::<f64, _>("total")? * 1e6).round() / 1e6;
                Ok((
                    r.try_get("key")?,
                    Totals {
                        sum,
                        min,
                        max,
                        mean: sum / count as f64,
                        count,
                    },
                ))
            })
            .collect()
    }
}

fn locked() -> StoreError {
    StoreError::Refused {
        field: "status",
        key: "err.task.report_locked",
    }
}

/// The unit one level above a report's unit, which reviews it.
fn parent_of(report: &Report) -> Option<UnitId> {
    let level = usize::from(report.unit.level.get());
    (level >= 2).then(|| report.ancestors[level - 2]).flatten()
}

/// Runs `insert`, an INSERT of target reports returning [`CHANGE_COLS`],
/// with `targets` bound; returns the new reports' counter deltas and their
/// number, or refuses when it made none.
async fn insert_targets<'q>(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    insert: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    targets: &TaskTargets,
) -> Result<(Deltas, usize)> {
    let made = bind_targets(insert, targets).fetch_all(&mut **tx).await?;
    if made.is_empty() {
        return Err(StoreError::Refused {
            field: match targets {
                TaskTargets::Level(_) => "target_level",
                TaskTargets::Units(_) => "target_units",
            },
            key: "err.task.no_targets",
        });
    }
    let mut deltas = Deltas::default();
    for r in &made {
        deltas.change(r)?;
    }
    Ok((deltas, made.len()))
}

/// Marks a report's numbers as handed in or not, as its status changes
/// between open and submitted/approved, and moves them in or out of the
/// sums of the report's ancestors (`at`).
async fn count_numbers(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    deltas: &mut Deltas,
    at: &Place,
    report: i64,
    counted: bool,
) -> Result<()> {
    let flipped = sqlx::query(
        "UPDATE task_numbers SET counted = $1 WHERE report_id = $2 AND counted <> $1 \
         RETURNING key, value",
    )
    .bind(i64::from(counted))
    .bind(report)
    .fetch_all(&mut **tx)
    .await?;
    for r in flipped {
        let key: String = r.try_get("key")?;
        deltas.number(at, &key, r.try_get("value")?, if counted { 1 } else { -1 });
    }
    Ok(())
}

/// A notice for `unit`; `about`: the other unit it concerns (the child
/// that handed in), named on the notice.
async fn add_notice_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    unit: UnitId,
    task: TaskId,
    kind: &str,
    about: Option<UnitId>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO notices (unit_id, task_id, kind, created_at, about_unit_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(unit.get())
    .bind(task.get())
    .bind(kind)
    .bind(now)
    .bind(about.map(UnitId::get))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl SqlStore {
    /// Tasks of one box for a unit of the scope matching `filter`, newest
    /// first: the task lists and their OFFSET-paged API share it.
    async fn task_rows(
        &self,
        scope: Scope,
        unit: &Unit,
        which: TaskBox,
        filter: &TaskFilter,
        page: Page,
    ) -> Result<Vec<TaskSummary>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let col = unit.level.ancestor_column();
        let cond = match which {
            TaskBox::Inbox => "me.id IS NOT NULL".to_owned(),
            TaskBox::Issued => "t.issuer_unit_id = $1".to_owned(),
            TaskBox::Subtree => format!(
                "EXISTS (SELECT 1 FROM task_reports s WHERE s.task_id = t.id AND s.{col} = $1)"
            ),
        };
        let mut c = Conds::default();
        if let Some(t) = filter.text.as_deref() {
            c.contains_any(&["t.title"], t);
        }
        if let Some(v) = filter.status {
            c.add(" AND me.status = ?", Bind::Text(v.as_str().to_owned()));
        }
        if let Some(v) = &filter.deadline_from {
            c.add(" AND t.deadline >= ?", Bind::Text(v.clone()));
        }
        if let Some(v) = &filter.deadline_to {
            c.add(" AND t.deadline <= ?", Bind::Text(v.clone()));
        }
        if let Some(b) = filter.before {
            c.add(" AND t.id < ?", Bind::Int(b));
        }
        let count = |extra: &str| {
            format!(
                "(SELECT CAST(COALESCE(SUM(c.n), 0) AS BIGINT) FROM task_tally c \
                 WHERE c.task_id = t.id AND c.unit_id = $1{extra})"
            )
        };
        let (limit, offset) = (c.mark_after(1), c.mark_after(2));
        let sql = format!(
            "SELECT t.id, t.title, t.deadline, t.created_at, t.issuer_unit_id, u.code, u.name, \
             u.level, me.status AS my_status, {} AS targets, {} AS complete, {} AS submitted \
             FROM tasks t JOIN units u ON u.id = t.issuer_unit_id \
             LEFT JOIN task_reports me ON me.task_id = t.id AND me.unit_id = $1 \
             WHERE {cond}{} ORDER BY t.id DESC LIMIT {limit} OFFSET {offset}",
            count(""),
            count(&format!(" AND c.status IN {COMPLETE}")),
            count(" AND c.status = 'submitted'"),
            c.sql,
        );
        c.bind(sqlx::query(&sql).bind(unit.id.get()))
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| {
                Ok(TaskSummary {
                    id: TaskId::new(r.try_get("id")?),
                    title: r.try_get("title")?,
                    deadline: date_of(r, "deadline")?,
                    issuer: unit_ref(r, "issuer_unit_id", "code", "name", "level")?,
                    created_at: r.try_get("created_at")?,
                    status: match r.try_get::<Option<String>, _>("my_status")? {
                        Some(s) => Some(
                            ReportStatus::parse(&s)
                                .ok_or_else(|| decode_err(format!("bad status {s}")))?,
                        ),
                        None => None,
                    },
                    targets: r.try_get("targets")?,
                    complete: r.try_get("complete")?,
                    submitted: r.try_get("submitted")?,
                })
            })
            .collect()
    }
}
