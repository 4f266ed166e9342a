//! Outline monitoring in SQL, for SQLite and PostgreSQL alike.

use async_trait::async_trait;
use jinguo_domain::outline::{
    CheckedEntry, Department, Direction, Domain, Entry, Figure, IndicatorId, IndicatorSpec,
    Outline, OutlineReportId, OutlineReportStatus, PlanPeriod, UnitKind, check_cascade,
    effective_target, parse_levels,
};
use jinguo_domain::{Level, Role, UnitCode, UnitId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{
    Decision, Indicator, NewTarget, OutlineStore, Reminder, Report, ReportHead, ReportValue,
    ReporterRow, ReportingUnit, RollupRow, TargetRow, ValueRow, Who,
};
use crate::model::{Unit, UnitRef};
use crate::sql::{SqlStore, float_or_nan, level_of, not_found_if_none};
use crate::{Result, Scope, StoreError, UserStore};

fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

pub(super) const IND_COLS: &str = "id, period_start, period_end, code, outline, domain_no, goal, name, \
     unit, numerator, denominator, direction, department, levels, sex_disaggregated, source, \
     jump_percent, demo";

pub(super) fn indicator_from_row(row: &AnyRow) -> Result<Indicator> {
    let bad = |what: &str| decode_err(format!("outline_indicators: bad {what}"));
    let outline =
        Outline::parse(&row.try_get::<String, _>("outline")?).map_err(|_| bad("outline"))?;
    let period = PlanPeriod::new(
        row.try_get::<i64, _>("period_start")? as i32,
        row.try_get::<i64, _>("period_end")? as i32,
    )
    .map_err(|_| bad("period"))?;
    Ok(Indicator {
        id: IndicatorId::new(row.try_get("id")?),
        period,
        spec: IndicatorSpec {
            code: row.try_get("code")?,
            domain: Domain::parse(outline, row.try_get("domain_no")?).map_err(|_| bad("domain"))?,
            goal: row.try_get("goal")?,
            name: row.try_get("name")?,
            unit: UnitKind::parse(&row.try_get::<String, _>("unit")?).map_err(|_| bad("unit"))?,
            numerator: row.try_get("numerator")?,
            denominator: row.try_get("denominator")?,
            direction: Direction::parse(&row.try_get::<String, _>("direction")?)
                .map_err(|_| bad("direction"))?,
            department: Department::parse(&row.try_get::<String, _>("department")?)
                .map_err(|_| bad("department"))?,
            levels: parse_levels(&row.try_get::<String, _>("levels")?)
                .map_err(|_| bad("levels"))?,
            sex_disaggregated: row.try_get::<i64, _>("sex_disaggregated")? != 0,
            source: row.try_get("source")?,
            jump_percent: row.try_get::<i64, _>("jump_percent")? as u32,
            demo: row.try_get::<i64, _>("demo")? != 0,
        },
    })
}

fn levels_text(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| l.get().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The columns of one figure (`num`, `den`, `value`).
pub(super) fn figure_cols(f: Option<Figure>) -> (Option<i64>, Option<i64>, Option<f64>) {
    match f {
        Some(Figure::Ratio {
            numerator,
            denominator,
        }) => (Some(numerator), Some(denominator), None),
        Some(Figure::Value { value }) => (None, None, Some(value)),
        None => (None, None, None),
    }
}

pub(super) fn figure_from(row: &AnyRow, prefix: &str) -> Result<Option<Figure>> {
    let num: Option<i64> = row.try_get(format!("{prefix}num").as_str())?;
    let den: Option<i64> = row.try_get(format!("{prefix}den").as_str())?;
    let value: Option<f64> = row.try_get(format!("{prefix}value").as_str())?;
    Ok(match (num, den, value) {
        (Some(numerator), Some(denominator), _) => Some(Figure::Ratio {
            numerator,
            denominator,
        }),
        (_, _, Some(value)) => Some(Figure::Value { value }),
        _ => None,
    })
}

pub(super) fn entry_from(row: &AnyRow) -> Result<Entry> {
    Ok(Entry {
        total: figure_from(row, "")?
            .ok_or_else(|| decode_err("outline_values: a row without a figure".into()))?,
        female: figure_from(row, "f_")?,
        male: figure_from(row, "m_")?,
    })
}

const HEAD_COLS: &str = "r.id, r.unit_id, r.year, r.department, r.status, r.return_reason, \
     r.submitted_at, r.reviewed_at, r.updated_at, u.code, u.name AS unit_name, u.level";

fn head_from_row(row: &AnyRow) -> Result<ReportHead> {
    let code: String = row.try_get("code")?;
    let status: String = row.try_get("status")?;
    Ok(ReportHead {
        id: OutlineReportId::new(row.try_get("id")?),
        unit: UnitRef {
            id: UnitId::new(row.try_get("unit_id")?),
            code: UnitCode::parse(&code)
                .map_err(|_| decode_err(format!("bad unit code {code}")))?,
            name: row.try_get("unit_name")?,
            level: level_of(row, "level")?,
        },
        year: row.try_get::<i64, _>("year")? as i32,
        department: Department::parse(&row.try_get::<String, _>("department")?)
            .map_err(|_| decode_err("outline_reports: bad department".into()))?,
        status: OutlineReportStatus::parse(&status)
            .ok_or_else(|| decode_err(format!("bad report status {status}")))?,
        return_reason: row.try_get("return_reason")?,
        submitted_at: row.try_get("submitted_at")?,
        reviewed_at: row.try_get("reviewed_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Audit entries in the write's transaction (see `crate::sql::audit::by_who`).
use crate::sql::audit::by_who as audit;

fn refused(field: &'static str, key: &'static str) -> StoreError {
    StoreError::Refused { field, key }
}

impl SqlStore {
    async fn report_head_in(
        &self,
        conn: &mut AnyConnection,
        unit: UnitId,
        year: i32,
        department: &Department,
    ) -> Result<Option<ReportHead>> {
        let row = sqlx::query(&format!(
            "SELECT {HEAD_COLS} FROM outline_reports r JOIN units u ON u.id = r.unit_id \
             WHERE r.unit_id = $1 AND r.year = $2 AND r.department = $3"
        ))
        .bind(unit.get())
        .bind(i64::from(year))
        .bind(department.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        row.as_ref().map(head_from_row).transpose()
    }

    async fn report_values_in(
        &self,
        conn: &mut AnyConnection,
        report: OutlineReportId,
    ) -> Result<Vec<ReportValue>> {
        let rows = sqlx::query(
            "SELECT indicator_id, num, den, value, f_num, f_den, f_value, m_num, m_den, m_value, \
             source, note, explanation FROM outline_values WHERE report_id = $1 \
             ORDER BY indicator_id",
        )
        .bind(report.get())
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ReportValue {
                    indicator: IndicatorId::new(row.try_get("indicator_id")?),
                    entry: entry_from(row)?,
                    source: row.try_get("source")?,
                    note: row.try_get("note")?,
                    explanation: row.try_get("explanation")?,
                })
            })
            .collect()
    }

    async fn full_report(
        &self,
        conn: &mut AnyConnection,
        unit: UnitId,
        year: i32,
        department: &Department,
    ) -> Result<Option<Report>> {
        let Some(head) = self.report_head_in(conn, unit, year, department).await? else {
            return Ok(None);
        };
        let values = self.report_values_in(conn, head.id).await?;
        Ok(Some(Report { head, values }))
    }

    /// A unit inside the scope (reads: a township's page is simply empty).
    fn in_scope(scope: Scope, unit: &Unit) -> Result<()> {
        if scope.contains(&unit.ancestors) {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// A unit of levels 1–3 inside the scope.
    fn reporting_unit_of(scope: Scope, unit: &Unit) -> Result<()> {
        if scope.contains(&unit.ancestors) && unit.level <= Level::BANNER {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// The report's own unit only: a reporter reports for her unit and
    /// nobody else's (units below have reporters of their own).
    fn own_unit(scope: Scope, unit: &Unit) -> Result<()> {
        if scope.unit() == unit.id && unit.level <= Level::BANNER {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }
}

#[async_trait]
impl OutlineStore for SqlStore {
    async fn reporter_department(&self, scope: Scope) -> Result<Option<Department>> {
        let Some(user) = scope.user() else {
            return Ok(None);
        };
        let dep: Option<String> =
            sqlx::query_scalar("SELECT department FROM outline_reporters WHERE user_id = $1")
                .bind(user.get())
                .fetch_optional(&self.pool)
                .await?;
        Ok(dep.and_then(|d| Department::parse(&d).ok()))
    }

    async fn set_reporter_department(
        &self,
        scope: Scope,
        user: UserId,
        department: &Department,
        by: &Who,
        now: i64,
    ) -> Result<()> {
        let u = self.user_in_scope(scope, user).await?;
        if !u.roles.contains(Role::Department) {
            return Err(refused("roles", "err.outline.not_a_reporter"));
        }
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO outline_reporters (user_id, department) VALUES ($1, $2) \
             ON CONFLICT (user_id) DO UPDATE SET department = excluded.department",
        )
        .bind(user.get())
        .bind(department.as_str())
        .execute(&mut *tx)
        .await?;
        audit(
            self.backend,
            &mut tx,
            by,
            "outline.reporter",
            u.unit.id,
            format!("user={} department={}", user.get(), department.as_str()),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn outline_reporters(&self, scope: Scope, unit: &Unit) -> Result<Vec<ReporterRow>> {
        Self::in_scope(scope, unit)?;
        let sql = format!(
            "SELECT us.id, us.username, u.id AS unit_id, u.code, u.name, u.level, r.department \
             FROM users us JOIN units u ON u.id = us.unit_id \
             LEFT JOIN outline_reporters r ON r.user_id = us.id \
             WHERE u.{} = $1 AND us.active = 1 AND EXISTS (SELECT 1 FROM user_roles ur \
             WHERE ur.user_id = us.id AND ur.role = 'department') \
             ORDER BY u.code, us.username",
            unit.level.ancestor_column()
        );
        let rows = sqlx::query(&sql)
            .bind(unit.id.get())
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get("code")?;
                let dep: Option<String> = r.try_get("department")?;
                Ok(ReporterRow {
                    user: UserId::new(r.try_get("id")?),
                    username: r.try_get("username")?,
                    unit: UnitRef {
                        id: UnitId::new(r.try_get("unit_id")?),
                        code: UnitCode::parse(&code)
                            .map_err(|_| decode_err(format!("bad unit code {code}")))?,
                        name: r.try_get("name")?,
                        level: level_of(r, "level")?,
                    },
                    department: dep.and_then(|d| Department::parse(&d).ok()),
                })
            })
            .collect()
    }

    async fn send_outline_reminders(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        departments: &[Department],
        by: &Who,
        now: i64,
    ) -> Result<u32> {
        Self::reporting_unit_of(scope, unit)?;
        let mut tx = self.write_tx().await?;
        let mut sent = 0_u32;
        for d in departments {
            let n = sqlx::query(
                "INSERT INTO notices (unit_id, kind, created_at, user_id, outline_year, \
                 outline_department) SELECT $1, 'outline_reminder', $2, us.id, $3, r.department \
                 FROM users us JOIN outline_reporters r ON r.user_id = us.id \
                 WHERE us.unit_id = $1 AND us.active = 1 AND r.department = $4 \
                 AND EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = us.id \
                 AND ur.role = 'department') ORDER BY us.id",
            )
            .bind(unit.id.get())
            .bind(now)
            .bind(i64::from(year))
            .bind(d.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sent += u32::try_from(n).unwrap_or(u32::MAX);
        }
        let names: Vec<&str> = departments.iter().map(Department::as_str).collect();
        audit(
            self.backend,
            &mut tx,
            by,
            "outline.remind",
            unit.id,
            format!(
                "year={year} departments={} reporters={sent}",
                names.join(",")
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(sent)
    }

    async fn outline_reminders(
        &self,
        user: UserId,
        unit: UnitId,
        limit: i64,
    ) -> Result<Vec<Reminder>> {
        let rows = sqlx::query(
            "SELECT n.id, n.outline_year, n.outline_department, n.created_at, \
             CAST(CASE WHEN n.id > COALESCE((SELECT m.seen_up_to FROM notice_marks m \
             WHERE m.user_id = $1), 0) THEN 1 ELSE 0 END AS BIGINT) AS unread \
             FROM notices n WHERE n.user_id = $1 AND n.unit_id = $2 \
             AND n.kind = 'outline_reminder' ORDER BY n.id DESC LIMIT $3",
        )
        .bind(user.get())
        .bind(unit.get())
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let dep: String = r.try_get("outline_department")?;
                Ok(Reminder {
                    id: r.try_get("id")?,
                    year: r.try_get::<i64, _>("outline_year")? as i32,
                    department: Department::parse(&dep)
                        .map_err(|_| decode_err(format!("bad department {dep}")))?,
                    created_at: r.try_get("created_at")?,
                    unread: r.try_get::<i64, _>("unread")? != 0,
                })
            })
            .collect()
    }

    async fn indicators(
        &self,
        period: PlanPeriod,
        department: Option<&Department>,
    ) -> Result<Vec<Indicator>> {
        let sql = format!(
            "SELECT {IND_COLS} FROM outline_indicators WHERE period_start = $1 \
             AND ($2 = '' OR department = $2) \
             ORDER BY CASE outline WHEN 'women' THEN 0 ELSE 1 END, domain_no, id"
        );
        let rows = sqlx::query(&sql)
            .bind(i64::from(period.start()))
            .bind(department.map(Department::as_str).unwrap_or(""))
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(indicator_from_row).collect()
    }

    async fn save_indicators(
        &self,
        scope: Scope,
        period: PlanPeriod,
        specs: &[IndicatorSpec],
        by: &Who,
        now: i64,
    ) -> Result<Vec<IndicatorId>> {
        if scope.level() != Level::REGION {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.write_tx().await?;
        let mut ids = Vec::with_capacity(specs.len());
        // Indicators now reported at other levels: their kept roll-ups
        // count other units below, so they are made again.
        let mut relevelled = Vec::new();
        for s in specs {
            let old = sqlx::query(&format!(
                "SELECT {IND_COLS} FROM outline_indicators WHERE period_start = $1 AND code = $2"
            ))
            .bind(i64::from(period.start()))
            .bind(s.code.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let old = old.as_ref().map(indicator_from_row).transpose()?;
            let id = match old {
                Some(old) => {
                    if old.spec.levels != s.levels {
                        relevelled.push(old.id);
                    }
                    let reshaped = old.spec.unit != s.unit
                        || old.spec.sex_disaggregated != s.sex_disaggregated;
                    if reshaped {
                        let used: Option<i64> = sqlx::query_scalar(
                            "SELECT report_id FROM outline_values WHERE indicator_id = $1 LIMIT 1",
                        )
                        .bind(old.id.get())
                        .fetch_optional(&mut *tx)
                        .await?;
                        if used.is_some() {
                            return Err(StoreError::Conflict("indicator_reported"));
                        }
                    }
                    sqlx::query(
                        "UPDATE outline_indicators SET outline = $1, domain_no = $2, goal = $3, \
                         name = $4, unit = $5, numerator = $6, denominator = $7, direction = $8, \
                         department = $9, levels = $10, sex_disaggregated = $11, source = $12, \
                         jump_percent = $13, demo = $14, updated_at = $15 WHERE id = $16",
                    )
                    .bind(s.domain.outline.as_str())
                    .bind(i64::from(s.domain.no))
                    .bind(s.goal.as_str())
                    .bind(s.name.as_str())
                    .bind(s.unit.as_str())
                    .bind(s.numerator.as_deref())
                    .bind(s.denominator.as_deref())
                    .bind(s.direction.as_str())
                    .bind(s.department.as_str())
                    .bind(levels_text(&s.levels))
                    .bind(i64::from(s.sex_disaggregated))
                    .bind(s.source.as_deref())
                    .bind(i64::from(s.jump_percent))
                    .bind(i64::from(s.demo))
                    .bind(now)
                    .bind(old.id.get())
                    .execute(&mut *tx)
                    .await?;
                    old.id
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO outline_indicators (period_start, period_end, code, outline, \
                         domain_no, goal, name, unit, numerator, denominator, direction, \
                         department, levels, sex_disaggregated, source, jump_percent, demo, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
                         $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id",
                    )
                    .bind(i64::from(period.start()))
                    .bind(i64::from(period.end()))
                    .bind(s.code.as_str())
                    .bind(s.domain.outline.as_str())
                    .bind(i64::from(s.domain.no))
                    .bind(s.goal.as_str())
                    .bind(s.name.as_str())
                    .bind(s.unit.as_str())
                    .bind(s.numerator.as_deref())
                    .bind(s.denominator.as_deref())
                    .bind(s.direction.as_str())
                    .bind(s.department.as_str())
                    .bind(levels_text(&s.levels))
                    .bind(i64::from(s.sex_disaggregated))
                    .bind(s.source.as_deref())
                    .bind(i64::from(s.jump_percent))
                    .bind(i64::from(s.demo))
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| StoreError::unique(e, "code"))?;
                    IndicatorId::new(id)
                }
            };
            ids.push(id);
        }
        if !relevelled.is_empty() {
            self.rebuild_rollups_in(&mut tx, Some(&relevelled)).await?;
        }
        audit(
            self.backend,
            &mut tx,
            by,
            "outline.catalogue",
            scope.unit(),
            format!("period={} indicators={}", period.start(), specs.len()),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn set_target(&self, scope: Scope, new: NewTarget, by: &Who, now: i64) -> Result<()> {
        let unit = self.unit_by_id_for(new.unit).await?;
        Self::reporting_unit_of(scope, &unit)?;
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(&format!(
            "SELECT {IND_COLS} FROM outline_indicators WHERE id = $1"
        ))
        .bind(new.indicator.get())
        .fetch_optional(&mut *tx)
        .await?;
        let ind = indicator_from_row(&not_found_if_none(row)?)?;
        // What the unit inherits: the strictest target of its ancestors.
        let above: Vec<i64> = unit
            .ancestors
            .iter()
            .flatten()
            .filter(|a| **a != unit.id)
            .map(|a| a.get())
            .collect();
        let mut inherited = Vec::new();
        for a in above {
            let v: Option<f64> = sqlx::query_scalar(
                "SELECT value FROM outline_targets WHERE indicator_id = $1 AND unit_id = $2 \
                 AND year = $3",
            )
            .bind(new.indicator.get())
            .bind(a)
            .bind(i64::from(new.year))
            .fetch_optional(&mut *tx)
            .await?;
            inherited.push(v);
        }
        let inherited = effective_target(ind.spec.direction, &inherited);
        check_cascade(ind.spec.direction, inherited, new.value)
            .map_err(|e| refused("value", e.key))?;
        sqlx::query(
            "INSERT INTO outline_targets (indicator_id, unit_id, year, value, official, set_by, \
             set_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (indicator_id, unit_id, year) DO UPDATE SET value = excluded.value, \
             official = excluded.official, set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(new.indicator.get())
        .bind(unit.id.get())
        .bind(i64::from(new.year))
        .bind(new.value)
        .bind(i64::from(new.official))
        .bind(by.user.as_ref().map(|(u, _)| u.get()))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit(
            self.backend,
            &mut tx,
            by,
            "outline.target",
            unit.id,
            format!(
                "indicator={} year={} value={}",
                new.indicator.get(),
                new.year,
                new.value
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn targets_for(
        &self,
        scope: Scope,
        unit: &Unit,
        period: PlanPeriod,
    ) -> Result<Vec<TargetRow>> {
        Self::in_scope(scope, unit)?;
        let chain: Vec<i64> = unit.ancestors.iter().flatten().map(|a| a.get()).collect();
        let marks = (0..chain.len())
            .map(|i| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT t.indicator_id, t.unit_id, u.level, t.year, t.value, t.official \
             FROM outline_targets t JOIN outline_indicators i ON i.id = t.indicator_id \
             JOIN units u ON u.id = t.unit_id \
             WHERE i.period_start = $1 AND (u.{} = $2 OR t.unit_id IN ({marks})) \
             ORDER BY u.level, t.indicator_id",
            unit.level.ancestor_column()
        );
        let mut q = sqlx::query(&sql)
            .bind(i64::from(period.start()))
            .bind(unit.id.get());
        for c in chain {
            q = q.bind(c);
        }
        let rows = q.fetch_all(self.reader()).await?;
        rows.iter()
            .map(|r| {
                Ok(TargetRow {
                    indicator: IndicatorId::new(r.try_get("indicator_id")?),
                    unit: UnitId::new(r.try_get("unit_id")?),
                    level: level_of(r, "level")?,
                    year: r.try_get::<i64, _>("year")? as i32,
                    value: r.try_get("value")?,
                    official: r.try_get::<i64, _>("official")? != 0,
                })
            })
            .collect()
    }

    async fn outline_report(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        department: &Department,
    ) -> Result<Option<Report>> {
        Self::in_scope(scope, unit)?;
        let mut conn = self.reader().acquire().await?;
        self.full_report(&mut conn, unit.id, year, department).await
    }

    async fn save_outline_report(
        &self,
        scope: Scope,
        unit: &Unit,
        period: PlanPeriod,
        year: i32,
        department: &Department,
        entries: &[(IndicatorId, CheckedEntry)],
        by: &Who,
        now: i64,
    ) -> Result<Report> {
        Self::own_unit(scope, unit)?;
        // Every indicator is one of this period's, owned by the department
        // and reported at the unit's level.
        let own: std::collections::HashMap<IndicatorId, Indicator> = self
            .indicators(period, Some(department))
            .await?
            .into_iter()
            .filter(|i| i.spec.reported_at(unit.level))
            .map(|i| (i.id, i))
            .collect();
        if entries.iter().any(|(id, _)| !own.contains_key(id)) {
            return Err(refused("indicator", "err.outline.not_your_indicator"));
        }
        let mut tx = self.write_tx().await?;
        let head = match self
            .report_head_in(&mut tx, unit.id, year, department)
            .await?
        {
            Some(h) if !h.status.is_editable() => {
                return Err(refused("status", "err.outline.report_locked"));
            }
            Some(h) => h.id,
            None => {
                let anc = unit.ancestors;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO outline_reports (unit_id, l1, l2, l3, l4, l5, year, \
                     period_start, department, status, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $10) RETURNING id",
                )
                .bind(unit.id.get())
                .bind(anc[0].map(UnitId::get))
                .bind(anc[1].map(UnitId::get))
                .bind(anc[2].map(UnitId::get))
                .bind(anc[3].map(UnitId::get))
                .bind(anc[4].map(UnitId::get))
                .bind(i64::from(year))
                .bind(i64::from(period.start()))
                .bind(department.as_str())
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, "report"))?;
                OutlineReportId::new(id)
            }
        };
        for (id, e) in entries {
            sqlx::query("DELETE FROM outline_values WHERE report_id = $1 AND indicator_id = $2")
                .bind(head.get())
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
            let (num, den, value) = figure_cols(Some(e.entry.total));
            let (f_num, f_den, f_value) = figure_cols(e.entry.female);
            let (m_num, m_den, m_value) = figure_cols(e.entry.male);
            let float = |n| self.backend.nullable_float(n);
            sqlx::query(&format!(
                "INSERT INTO outline_values (report_id, indicator_id, unit_id, year, approved, \
                 num, den, value, f_num, f_den, f_value, m_num, m_den, m_value, source, note, \
                 explanation) VALUES ($1, $2, $3, $4, 0, $5, $6, {}, $8, $9, {}, $11, $12, \
                 {}, $14, $15, $16)",
                float(7),
                float(10),
                float(13)
            ))
            .bind(head.get())
            .bind(id.get())
            .bind(unit.id.get())
            .bind(i64::from(year))
            .bind(num)
            .bind(den)
            .bind(float_or_nan(value))
            .bind(f_num)
            .bind(f_den)
            .bind(float_or_nan(f_value))
            .bind(m_num)
            .bind(m_den)
            .bind(float_or_nan(m_value))
            .bind(e.source.as_deref())
            .bind(e.note.as_deref())
            .bind(e.explanation.as_deref())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE outline_reports SET status = 'draft', updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(head.get())
            .execute(&mut *tx)
            .await?;
        audit(
            self.backend,
            &mut tx,
            by,
            "outline.report.save",
            unit.id,
            format!(
                "report={} year={year} department={} indicators={}",
                head.get(),
                department.as_str(),
                entries.len()
            ),
            now,
        )
        .await?;
        let report =
            not_found_if_none(self.full_report(&mut tx, unit.id, year, department).await?)?;
        tx.commit().await?;
        Ok(report)
    }

    async fn submit_outline_report(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        department: &Department,
        by: &Who,
        now: i64,
    ) -> Result<Report> {
        Self::own_unit(scope, unit)?;
        let mut tx = self.write_tx().await?;
        let head = self
            .report_head_in(&mut tx, unit.id, year, department)
            .await?
            .ok_or(refused("status", "err.outline.report_empty"))?;
        if !head.status.is_editable() {
            return Err(refused("status", "err.outline.report_locked"));
        }
        let values = self.report_values_in(&mut tx, head.id).await?;
        if values.is_empty() {
            return Err(refused("status", "err.outline.report_empty"));
        }
        sqlx::query(
            "UPDATE outline_reports SET status = 'submitted', return_reason = NULL, \
             submitted_by = $1, submitted_at = $2, updated_at = $2 WHERE id = $3",
        )
        .bind(by.user.as_ref().map(|(u, _)| u.get()))
        .bind(now)
        .bind(head.id.get())
        .execute(&mut *tx)
        .await?;
        audit(
            self.backend,
            &mut tx,
            by,
            "outline.report.submit",
            unit.id,
            format!("report={}", head.id.get()),
            now,
        )
        .await?;
        let report =
            not_found_if_none(self.full_report(&mut tx, unit.id, year, department).await?)?;
        tx.commit().await?;
        Ok(report)
    }

    async fn review_outline_report(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        department: &Department,
        decision: Decision,
        by: &Who,
        now: i64,
    ) -> Result<Report> {
        Self::reporting_unit_of(scope, unit)?;
        let mut tx = self.write_tx().await?;
        let head = not_found_if_none(
            self.report_head_in(&mut tx, unit.id, year, department)
                .await?,
        )?;
        if head.status != OutlineReportStatus::Submitted {
            return Err(refused("status", "err.outline.not_submitted"));
        }
        let (status, reason, approved, action) = match &decision {
            Decision::Approve => ("approved", None, 1i64, "outline.report.approve"),
            Decision::Return(r) => ("returned", Some(r.as_str()), 0, "outline.report.return"),
        };
        sqlx::query(
            "UPDATE outline_reports SET status = $1, return_reason = $2, reviewed_by = $3, \
             reviewed_at = $4, updated_at = $4 WHERE id = $5",
        )
        .bind(status)
        .bind(reason)
        .bind(by.user.as_ref().map(|(u, _)| u.get()))
        .bind(now)
        .bind(head.id.get())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE outline_values SET approved = $1 WHERE report_id = $2")
            .bind(approved)
            .bind(head.id.get())
            .execute(&mut *tx)
            .await?;
        if decision == Decision::Approve {
            // The report's figures now count: the kept roll-ups of its
            // indicators change at its unit and every ancestor, in this
            // transaction.
            let indicators: Vec<IndicatorId> =
                sqlx::query_scalar("SELECT indicator_id FROM outline_values WHERE report_id = $1")
                    .bind(head.id.get())
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(IndicatorId::new)
                    .collect();
            let chain: Vec<UnitId> = unit.ancestors[..usize::from(unit.level.get())]
                .iter()
                .rev()
                .flatten()
                .copied()
                .collect();
            self.refresh_rollups(&mut tx, &chain, year, &indicators)
                .await?;
        }
        audit(
            self.backend,
            &mut tx,
            by,
            action,
            unit.id,
            format!("report={}", head.id.get()),
            now,
        )
        .await?;
        let report =
            not_found_if_none(self.full_report(&mut tx, unit.id, year, department).await?)?;
        tx.commit().await?;
        Ok(report)
    }

    async fn outline_reports_under(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        status: Option<OutlineReportStatus>,
    ) -> Result<Vec<ReportHead>> {
        Self::in_scope(scope, unit)?;
        let sql = format!(
            "SELECT {HEAD_COLS} FROM outline_reports r JOIN units u ON u.id = r.unit_id \
             WHERE r.{} = $1 AND r.year = $2 AND ($3 = '' OR r.status = $3) \
             ORDER BY u.code, r.department",
            unit.level.ancestor_column()
        );
        let rows = sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(i64::from(year))
            .bind(status.map(OutlineReportStatus::as_str).unwrap_or(""))
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(head_from_row).collect()
    }

    async fn reporting_units(&self, scope: Scope, unit: &Unit) -> Result<Vec<ReportingUnit>> {
        Self::in_scope(scope, unit)?;
        let sql = format!(
            "SELECT id, code, name, level, parent_id FROM units \
             WHERE {} = $1 AND level <= 3 AND active = 1 AND kind = 'geo' ORDER BY level, code",
            unit.level.ancestor_column()
        );
        let rows = sqlx::query(&sql)
            .bind(unit.id.get())
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get("code")?;
                Ok(ReportingUnit {
                    unit: UnitRef {
                        id: UnitId::new(r.try_get("id")?),
                        code: UnitCode::parse(&code)
                            .map_err(|_| decode_err(format!("bad unit code {code}")))?,
                        name: r.try_get("name")?,
                        level: level_of(r, "level")?,
                    },
                    parent: r.try_get::<Option<i64>, _>("parent_id")?.map(UnitId::new),
                })
            })
            .collect()
    }

    async fn outline_rollups(
        &self,
        scope: Scope,
        unit: &Unit,
        years: &[i32],
    ) -> Result<Vec<RollupRow>> {
        Self::in_scope(scope, unit)?;
        let mut conn = self.reader().acquire().await?;
        let mut units: Vec<UnitId> = sqlx::query_scalar(
            "SELECT id FROM units WHERE parent_id = $1 AND kind = 'geo' AND level <= 3",
        )
        .bind(unit.id.get())
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(UnitId::new)
        .collect();
        units.push(unit.id);
        let kept = self.kept_rows(&mut conn, &units, years, &[]).await?;
        Ok(kept
            .into_iter()
            .map(|((indicator, unit, year), rollup)| RollupRow {
                indicator,
                unit,
                year,
                rollup,
            })
            .collect())
    }

    async fn outline_version(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT n FROM outline_version WHERE id = 1")
                .fetch_one(self.reader())
                .await?,
        )
    }

    async fn outline_page_rollups(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
        earlier: &[i32],
    ) -> Result<Vec<RollupRow>> {
        Self::in_scope(scope, unit)?;
        let mut conn = self.reader().acquire().await?;
        let mut units: Vec<UnitId> = sqlx::query_scalar(
            "SELECT id FROM units WHERE parent_id = $1 AND kind = 'geo' AND level <= 3",
        )
        .bind(unit.id.get())
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(UnitId::new)
        .collect();
        units.push(unit.id);
        self.page_rows(&mut conn, &units, year, earlier).await
    }

    async fn approved_values(
        &self,
        scope: Scope,
        unit: &Unit,
        years: &[i32],
    ) -> Result<Vec<ValueRow>> {
        Self::in_scope(scope, unit)?;
        if years.is_empty() {
            return Ok(Vec::new());
        }
        let marks = (0..years.len())
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT v.indicator_id, v.unit_id, v.year, v.num, v.den, v.value, v.f_num, v.f_den, \
             v.f_value, v.m_num, v.m_den, v.m_value FROM outline_reports r \
             JOIN outline_values v ON v.report_id = r.id \
             WHERE r.{} = $1 AND r.status = 'approved' AND r.year IN ({marks})",
            unit.level.ancestor_column()
        );
        let mut q = sqlx::query(&sql).bind(unit.id.get());
        for y in years {
            q = q.bind(i64::from(*y));
        }
        let rows = q.fetch_all(self.reader()).await?;
        rows.iter()
            .map(|r| {
                Ok(ValueRow {
                    indicator: IndicatorId::new(r.try_get("indicator_id")?),
                    unit: UnitId::new(r.try_get("unit_id")?),
                    year: r.try_get::<i64, _>("year")? as i32,
                    entry: entry_from(r)?,
                })
            })
            .collect()
    }
}

impl SqlStore {
    async fn unit_by_id_for(&self, id: UnitId) -> Result<Unit> {
        use crate::UnitStore;
        self.unit_by_id(id).await
    }
}
