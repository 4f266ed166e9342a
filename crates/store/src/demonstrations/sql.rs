//! Designations, evaluations and revocations, with the counters
//! (`rollup_demonstrations`) and the audit entry in each write's
//! transaction.

use async_trait::async_trait;
use jinguo_domain::activity::{format_date, parse_date};
use jinguo_domain::demonstration::{
    self as demo, DemonstrationId, EvaluationFields, EvaluationId, Refusal, ScoreItem, SiteKind,
    Standing, Status,
};
use jinguo_domain::{Level, UnitCode, UnitId};
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::Date;

use super::{
    DemoCounts, DemoFigures, DemoWho, Demonstration, DemonstrationFilter, DemonstrationStore,
    Evaluation, NewDemonstration, SiteChoice, SiteRef,
};
use crate::model::{Page, Unit, UnitRef};
use crate::sql::list_sql::{Bind, Conds};
use crate::sql::{Backend, SqlStore, ancestors, level_of, not_found_if_none};
use crate::{InScope, Result, Scope, StoreError, UnitStore};

const COLS: &str = "d.id, d.designator_id, d.level, d.site_kind, d.organisation_id, d.home_id, \
     d.site_unit_id, d.l1, d.l2, d.l3, d.l4, d.l5, d.period_from, d.period_to, d.reason, \
     d.standing, d.revoke_reason, d.revoked_at, d.created_at, \
     COALESCE(o.name, h.name) AS site_name, \
     su.code AS su_code, su.name AS su_name, su.level AS su_level, \
     du.code AS du_code, du.name AS du_name, du.level AS du_level, \
     (SELECT e.year FROM demonstration_evaluations e WHERE e.demonstration_id = d.id \
      ORDER BY e.year DESC LIMIT 1) AS last_year, \
     (SELECT e.total FROM demonstration_evaluations e WHERE e.demonstration_id = d.id \
      ORDER BY e.year DESC LIMIT 1) AS last_total";

const FROM: &str = "demonstrations d \
     JOIN units su ON su.id = d.site_unit_id \
     JOIN units du ON du.id = d.designator_id \
     LEFT JOIN organisations o ON o.id = d.organisation_id \
     LEFT JOIN homes h ON h.id = d.home_id";

fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

fn refuse(r: Refusal) -> StoreError {
    StoreError::Refused {
        field: r.field(),
        key: r.key(),
    }
}

fn date_col(row: &AnyRow, col: &str) -> Result<Date> {
    let s: String = row.try_get(col)?;
    parse_date(&s).ok_or_else(|| decode_err(format!("bad date {s} in {col}")))
}

fn unit_ref(row: &AnyRow, prefix: &str, id: i64) -> Result<UnitRef> {
    let code: String = row.try_get(format!("{prefix}_code").as_str())?;
    Ok(UnitRef {
        id: UnitId::new(id),
        code: UnitCode::parse(&code).map_err(|_| decode_err(format!("bad unit code {code}")))?,
        name: row.try_get(format!("{prefix}_name").as_str())?,
        level: level_of(row, &format!("{prefix}_level"))?,
    })
}

fn from_row(row: &AnyRow) -> Result<Demonstration> {
    let kind: String = row.try_get("site_kind")?;
    let kind = SiteKind::parse(&kind).ok_or_else(|| decode_err(format!("bad site kind {kind}")))?;
    let site_id: Option<i64> = match kind {
        SiteKind::Organisation => row.try_get("organisation_id")?,
        SiteKind::Home => row.try_get("home_id")?,
    };
    let standing: String = row.try_get("standing")?;
    let last_year: Option<i64> = row.try_get("last_year")?;
    let last_total: Option<i64> = row.try_get("last_total")?;
    Ok(Demonstration {
        id: DemonstrationId::new(row.try_get("id")?),
        designator: unit_ref(row, "du", row.try_get("designator_id")?)?,
        level: level_of(row, "level")?,
        site: SiteRef {
            kind,
            id: site_id.ok_or_else(|| decode_err("a designation without its site".into()))?,
        },
        site_name: row
            .try_get::<Option<String>, _>("site_name")?
            .unwrap_or_default(),
        site_unit: unit_ref(row, "su", row.try_get("site_unit_id")?)?,
        ancestors: ancestors(row, "")?,
        from: date_col(row, "period_from")?,
        to: date_col(row, "period_to")?,
        reason: row.try_get("reason")?,
        standing: Standing::parse(&standing)
            .ok_or_else(|| decode_err(format!("bad standing {standing}")))?,
        revoke_reason: row.try_get("revoke_reason")?,
        revoked_at: row.try_get("revoked_at")?,
        items: Vec::new(),
        latest: last_year
            .zip(last_total)
            .and_then(|(y, t)| i32::try_from(y).ok().map(|y| (y, t))),
        created_at: row.try_get("created_at")?,
    })
}

/// The column of a designation that names its site.
const fn site_column(kind: SiteKind) -> &'static str {
    match kind {
        SiteKind::Organisation => "organisation_id",
        SiteKind::Home => "home_id",
    }
}

const fn site_table(kind: SiteKind) -> &'static str {
    match kind {
        SiteKind::Organisation => "organisations",
        SiteKind::Home => "homes",
    }
}

/// Whether the scope is the designating unit's or one above it: only they
/// evaluate and revoke.
fn designates(scope: Scope, d: &Demonstration) -> bool {
    scope.level() <= d.level
        && d.ancestors[usize::from(scope.level().get() - 1)] == Some(scope.unit())
}

/// Audit entries in the write's transaction (see `crate::sql::audit::by_who`).
use crate::sql::audit::by_who as audit;

/// Moves the counters of every ancestor of a site's unit by `delta`.
async fn count(
    conn: &mut AnyConnection,
    anc: &[Option<UnitId>; 5],
    level: Level,
    kind: SiteKind,
    delta: i64,
) -> Result<()> {
    // A count going down has its row already; the insert's own row would
    // fail the CHECK before the conflict is seen.
    let sql = if delta < 0 {
        "UPDATE rollup_demonstrations SET designated = designated + $4 \
         WHERE unit_id = $1 AND level = $2 AND kind = $3"
    } else {
        "INSERT INTO rollup_demonstrations (unit_id, level, kind, designated) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (unit_id, level, kind) \
         DO UPDATE SET designated = rollup_demonstrations.designated + excluded.designated"
    };
    for unit in anc.iter().flatten() {
        sqlx::query(sql)
            .bind(unit.get())
            .bind(i64::from(level.get()))
            .bind(kind.as_str())
            .bind(delta)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl SqlStore {
    async fn demonstration_items(&self, id: DemonstrationId) -> Result<Vec<ScoreItem>> {
        sqlx::query(
            "SELECT label, weight FROM demonstration_items WHERE demonstration_id = $1 \
             ORDER BY position",
        )
        .bind(id.get())
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            Ok(ScoreItem {
                label: r.try_get("label")?,
                weight: r.try_get("weight")?,
            })
        })
        .collect()
    }

    /// Counters that differ from a recount of the designations not
    /// revoked: `unit level kind: kept ≠ counted` per difference.
    pub async fn demonstration_mismatches(&self) -> Result<Vec<String>> {
        use std::collections::BTreeMap;
        let mut counted: BTreeMap<(i64, i64, String), i64> = BTreeMap::new();
        for col in Level::ALL.map(Level::ancestor_column) {
            let sql = format!(
                "SELECT {col} AS unit_id, level, site_kind, COUNT(*) AS n FROM demonstrations \
                 WHERE standing = 'active' AND {col} IS NOT NULL GROUP BY {col}, level, site_kind"
            );
            for r in sqlx::query(&sql).fetch_all(self.reader()).await? {
                counted.insert(
                    (
                        r.try_get("unit_id")?,
                        r.try_get("level")?,
                        r.try_get("site_kind")?,
                    ),
                    r.try_get("n")?,
                );
            }
        }
        let mut kept: BTreeMap<(i64, i64, String), i64> = BTreeMap::new();
        for r in sqlx::query(
            "SELECT unit_id, level, kind, designated FROM rollup_demonstrations \
             WHERE designated <> 0",
        )
        .fetch_all(self.reader())
        .await?
        {
            kept.insert(
                (
                    r.try_get("unit_id")?,
                    r.try_get("level")?,
                    r.try_get("kind")?,
                ),
                r.try_get("designated")?,
            );
        }
        let mut out = Vec::new();
        for key in counted.keys().chain(kept.keys()) {
            let (a, b) = (
                kept.get(key).copied().unwrap_or(0),
                counted.get(key).copied().unwrap_or(0),
            );
            let line = format!("{} {} {}: {a} ≠ {b}", key.0, key.1, key.2);
            if a != b && !out.contains(&line) {
                out.push(line);
            }
        }
        Ok(out)
    }

    /// Every designation's audit entries, for tests: (action, detail).
    pub async fn demonstration_audit(&self) -> Result<Vec<(String, String)>> {
        sqlx::query(
            "SELECT action, detail FROM audit_log WHERE action LIKE 'demonstration.%' ORDER BY id",
        )
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("action")?, r.try_get("detail")?)))
        .collect()
    }
}

#[async_trait]
impl DemonstrationStore for SqlStore {
    async fn create_demonstration(
        &self,
        scope: Scope,
        new: NewDemonstration,
        by: &DemoWho,
        now: i64,
    ) -> Result<DemonstrationId> {
        let designator = self.unit_by_id(new.designator).await?;
        if !scope.contains(&designator.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !demo::may_designate(designator.level) {
            return Err(refuse(Refusal::LevelTooLow));
        }
        if !designator.active {
            return Err(crate::sql::units::retired());
        }
        let kind = new.site.kind;
        let table = site_table(kind);
        let status = match kind {
            SiteKind::Organisation => "'active'",
            SiteKind::Home => "status",
        };
        // The site, inside the designating unit's subtree, or nothing.
        let row = sqlx::query(&format!(
            "SELECT unit_id, l1, l2, l3, l4, l5, {status} AS status FROM {table} \
             WHERE id = $1 AND {} = $2",
            designator.level.ancestor_column()
        ))
        .bind(new.site.id)
        .bind(designator.id.get())
        .fetch_optional(self.reader())
        .await?;
        let row = not_found_if_none(row)?;
        if row.try_get::<String, _>("status")? != "active" {
            return Err(refuse(Refusal::SiteInactive));
        }
        let site_unit: i64 = row.try_get("unit_id")?;
        let anc = ancestors(&row, "")?;
        let f = &new.fields;
        let mut tx = self.write_tx().await?;
        if self.backend == Backend::Postgres {
            // Designations of one site queue behind each other.
            sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE"))
                .bind(new.site.id)
                .fetch_one(&mut *tx)
                .await?;
        }
        let taken: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM demonstrations WHERE {} = $1 AND level = $2 \
             AND standing = 'active' AND period_from <= $3 AND period_to >= $4",
            site_column(kind)
        ))
        .bind(new.site.id)
        .bind(i64::from(designator.level.get()))
        .bind(format_date(f.to))
        .bind(format_date(f.from))
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(refuse(Refusal::SiteTaken));
        }
        let (org, home) = match kind {
            SiteKind::Organisation => (Some(new.site.id), None),
            SiteKind::Home => (None, Some(new.site.id)),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO demonstrations (designator_id, level, site_kind, organisation_id, \
             home_id, site_unit_id, l1, l2, l3, l4, l5, period_from, period_to, reason, \
             standing, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'active', \
             $15, $16, $16) RETURNING id",
        )
        .bind(designator.id.get())
        .bind(i64::from(designator.level.get()))
        .bind(kind.as_str())
        .bind(org)
        .bind(home)
        .bind(site_unit)
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(format_date(f.from))
        .bind(format_date(f.to))
        .bind(f.reason.as_str())
        .bind(by.user.as_ref().map(|u| u.0.get()))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for (i, item) in f.items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO demonstration_items (demonstration_id, position, label, weight) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(i as i64)
            .bind(item.label.as_str())
            .bind(item.weight)
            .execute(&mut *tx)
            .await?;
        }
        count(&mut tx, &anc, designator.level, kind, 1).await?;
        audit(
            self.backend,
            &mut tx,
            by,
            "demonstration.designated",
            designator.id,
            format!(
                "demonstration={id} level={} site={}:{} period={}..{}",
                designator.level.get(),
                kind.as_str(),
                new.site.id,
                format_date(f.from),
                format_date(f.to)
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(DemonstrationId::new(id))
    }

    async fn demonstration_in_scope(
        &self,
        scope: Scope,
        id: DemonstrationId,
    ) -> Result<InScope<Demonstration>> {
        let sql = format!(
            "SELECT {COLS} FROM {FROM} WHERE d.id = $1 AND d.{} = $2",
            scope.level().ancestor_column()
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(self.reader())
            .await?;
        let mut d = from_row(&not_found_if_none(row)?)?;
        d.items = self.demonstration_items(d.id).await?;
        Ok(InScope::new(d, scope))
    }

    async fn demonstrations_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &DemonstrationFilter,
        today: Date,
        page: Page,
    ) -> Result<Vec<Demonstration>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let mut c = Conds::default();
        if let Some(l) = filter.level {
            c.add(" AND d.level = ?", Bind::Int(i64::from(l.get())));
        }
        if let Some(k) = filter.kind {
            c.add(" AND d.site_kind = ?", Bind::Text(k.as_str().to_owned()));
        }
        let today = format_date(today);
        match filter.status {
            None => {}
            Some(Status::Revoked) => c.raw(" AND d.standing = 'revoked'"),
            Some(Status::Active) => c.add(
                " AND d.standing = 'active' AND d.period_to >= ?",
                Bind::Text(today),
            ),
            Some(Status::Expired) => c.add(
                " AND d.standing = 'active' AND d.period_to < ?",
                Bind::Text(today),
            ),
        }
        if let Some(y) = filter.year {
            c.add(
                " AND d.period_from <= ?",
                Bind::Text(format!("{y:04}-12-31")),
            );
            c.add(" AND d.period_to >= ?", Bind::Text(format!("{y:04}-01-01")));
        }
        if let Some(t) = filter.text.as_deref() {
            c.contains_any(&["o.name", "h.name"], t);
        }
        if let Some(b) = filter.before {
            c.add(" AND d.id < ?", Bind::Int(b));
        }
        let sql = format!(
            "SELECT {COLS} FROM {FROM} WHERE d.{} = $1{} ORDER BY d.id DESC LIMIT {} OFFSET {}",
            unit.level.ancestor_column(),
            c.sql,
            c.next_mark(),
            c.mark_after(2)
        );
        c.bind(sqlx::query(&sql).bind(unit.id.get()))
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(from_row)
            .collect()
    }

    async fn evaluate_demonstration(
        &self,
        d: &InScope<Demonstration>,
        fields: &EvaluationFields,
        today: Date,
        by: &DemoWho,
        now: i64,
    ) -> Result<EvaluationId> {
        if !designates(d.scope(), d) {
            return Err(refuse(Refusal::NotDesignator));
        }
        let mut tx = self.write_tx().await?;
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let standing: String = sqlx::query_scalar(&format!(
            "SELECT standing FROM demonstrations WHERE id = $1{lock}"
        ))
        .bind(d.id.get())
        .fetch_one(&mut *tx)
        .await?;
        if standing != Standing::Active.as_str() {
            return Err(refuse(Refusal::Revoked));
        }
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM demonstration_evaluations \
             WHERE demonstration_id = $1 AND year = $2",
        )
        .bind(d.id.get())
        .bind(i64::from(fields.year))
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(refuse(Refusal::YearTaken));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO demonstration_evaluations (demonstration_id, year, total, note, \
             evaluated_by, evaluated_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             RETURNING id",
        )
        .bind(d.id.get())
        .bind(i64::from(fields.year))
        .bind(fields.total)
        .bind(fields.note.as_deref())
        .bind(by.user.as_ref().map(|u| u.0.get()))
        .bind(format_date(today))
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "year"))?;
        for (i, s) in fields.scores.iter().enumerate() {
            sqlx::query(
                "INSERT INTO demonstration_scores (evaluation_id, position, score) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(i as i64)
            .bind(*s)
            .execute(&mut *tx)
            .await?;
        }
        audit(
            self.backend,
            &mut tx,
            by,
            "demonstration.evaluated",
            d.designator.id,
            format!(
                "demonstration={} year={} total={}",
                d.id.get(),
                fields.year,
                fields.total
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(EvaluationId::new(id))
    }

    async fn revoke_demonstration(
        &self,
        d: &InScope<Demonstration>,
        reason: &str,
        by: &DemoWho,
        now: i64,
    ) -> Result<()> {
        if !designates(d.scope(), d) {
            return Err(refuse(Refusal::NotDesignator));
        }
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE demonstrations SET standing = 'revoked', revoke_reason = $1, revoked_by = $2, \
             revoked_at = $3, updated_at = $3 WHERE id = $4 AND standing = 'active'",
        )
        .bind(reason)
        .bind(by.user.as_ref().map(|u| u.0.get()))
        .bind(now)
        .bind(d.id.get())
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(refuse(Refusal::Revoked));
        }
        count(&mut tx, &d.ancestors, d.level, d.site.kind, -1).await?;
        audit(
            self.backend,
            &mut tx,
            by,
            "demonstration.revoked",
            d.designator.id,
            format!("demonstration={}", d.id.get()),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn evaluations_of(&self, d: &InScope<Demonstration>) -> Result<Vec<Evaluation>> {
        let rows = sqlx::query(
            "SELECT e.id, e.year, e.total, e.note, e.evaluated_on, u.username \
             FROM demonstration_evaluations e LEFT JOIN users u ON u.id = e.evaluated_by \
             WHERE e.demonstration_id = $1 ORDER BY e.year DESC",
        )
        .bind(d.id.get())
        .fetch_all(self.reader())
        .await?;
        let scores = sqlx::query(
            "SELECT s.evaluation_id, s.score FROM demonstration_scores s \
             JOIN demonstration_evaluations e ON e.id = s.evaluation_id \
             WHERE e.demonstration_id = $1 ORDER BY s.evaluation_id, s.position",
        )
        .bind(d.id.get())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let year: i64 = r.try_get("year")?;
                let mut own = Vec::new();
                for s in &scores {
                    if s.try_get::<i64, _>("evaluation_id")? == id {
                        own.push(s.try_get("score")?);
                    }
                }
                Ok(Evaluation {
                    id: EvaluationId::new(id),
                    year: i32::try_from(year).map_err(|_| decode_err(format!("year {year}")))?,
                    scores: own,
                    total: r.try_get("total")?,
                    note: r.try_get("note")?,
                    evaluated_on: date_col(r, "evaluated_on")?,
                    evaluated_by: r.try_get("username")?,
                })
            })
            .collect()
    }

    async fn demonstration_figures(&self, scope: Scope, unit: &Unit) -> Result<DemoFigures> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let rows = sqlx::query(
            "SELECT r.unit_id, r.level, r.kind, r.designated FROM rollup_demonstrations r \
             JOIN units u ON u.id = r.unit_id WHERE (u.id = $1 OR u.parent_id = $1) \
             AND r.designated <> 0",
        )
        .bind(unit.id.get())
        .fetch_all(self.reader())
        .await?;
        let mut by_unit: std::collections::HashMap<i64, DemoCounts> = Default::default();
        for r in &rows {
            let level: i64 = r.try_get("level")?;
            by_unit.entry(r.try_get("unit_id")?).or_default().by.insert(
                (u8::try_from(level).unwrap_or(0), r.try_get("kind")?),
                r.try_get("designated")?,
            );
        }
        let children = self
            .children(unit.id)
            .await?
            .into_iter()
            .filter(|c| c.active)
            .map(|c| {
                let counts = by_unit.get(&c.id.get()).cloned().unwrap_or_default();
                (
                    UnitRef {
                        id: c.id,
                        code: c.code,
                        name: c.name,
                        level: c.level,
                    },
                    counts,
                )
            })
            .collect();
        Ok(DemoFigures {
            unit: UnitRef {
                id: unit.id,
                code: unit.code.clone(),
                name: unit.name.clone(),
                level: unit.level,
            },
            counts: by_unit.remove(&unit.id.get()).unwrap_or_default(),
            children,
        })
    }

    async fn demonstration_sites(
        &self,
        scope: Scope,
        designator: &Unit,
        text: Option<&str>,
        limit: i64,
    ) -> Result<Vec<SiteChoice>> {
        if !scope.contains(&designator.ancestors) {
            return Err(StoreError::NotFound);
        }
        let col = designator.level.ancestor_column();
        let mut out = Vec::new();
        for kind in SiteKind::ALL {
            let mut c = Conds::default();
            if kind == SiteKind::Home {
                c.raw(" AND s.status = 'active'");
            }
            if let Some(t) = text {
                c.contains_any(&["s.name", "u.name"], t);
            }
            let sql = format!(
                "SELECT s.id, s.name, u.name AS unit_name FROM {} s JOIN units u ON u.id = s.unit_id \
                 WHERE s.{col} = $1{} ORDER BY u.code, s.name, s.id LIMIT {}",
                site_table(kind),
                c.sql,
                c.next_mark()
            );
            for r in c
                .bind(sqlx::query(&sql).bind(designator.id.get()))
                .bind(limit.clamp(1, 2000))
                .fetch_all(self.reader())
                .await?
            {
                out.push(SiteChoice {
                    site: SiteRef {
                        kind,
                        id: r.try_get("id")?,
                    },
                    name: r.try_get("name")?,
                    unit_name: r.try_get("unit_name")?,
                });
            }
        }
        Ok(out)
    }
}
