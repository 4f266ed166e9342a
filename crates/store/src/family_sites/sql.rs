//! Family-education sites, their coverage counters, sessions and the
//! counsellors' roster.
//!
//! `rollup_family_sites` is kept by the shared coverage machinery
//! ([`crate::sql::coverage`]) in each site write's transaction. A session
//! is an activity written with its ledger counters, its link row and the
//! site's session count in one transaction.

use std::collections::BTreeMap;

use async_trait::async_trait;
use jinguo_domain::activity::{format_date, parse_date};
use jinguo_domain::family_site::{
    CounsellorFields, CounsellorId, FamilySiteId, SESSION_TYPES, SiteFields, SiteKind, SiteStatus,
};
use jinguo_domain::{ActivityId, UnitCode, UnitId, UnitKind, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{
    Counsellor, FamilyFigures, FamilyNumbers, FamilySite, FamilySiteStore, NewCounsellor, NewSite,
    SiteCoverage, SiteFilter,
};
use crate::model::{Activity, NewActivity, Unit, UnitRef};
use crate::sql::activities::{ACTIVITY_COLS, activity_from_row, insert_with_counters};
use crate::sql::cases::seal;
use crate::sql::coverage::{CoverageDeltas, CoverageTable, village_of};
use crate::sql::list_sql::{Bind, Conds};
use crate::sql::{SqlStore, ancestors, level_of, not_found_if_none};
use crate::vault::associated_data;
use crate::{InScope, Result, Scope, StoreError, UnitStore};

/// The sites' counter table.
const SITES: CoverageTable = CoverageTable {
    rollup: "rollup_family_sites",
    count: "active_sites",
    places: "family_sites",
};

const SITE_COLS: &str = "s.id, s.unit_id, s.l1, s.l2, s.l3, s.l4, s.l5, s.kind, s.name, \
     s.address, s.status, s.established_on, s.sessions, s.created_by, s.created_at, \
     s.updated_at, u.code, u.name AS unit_name, u.level, u.kind AS unit_kind";

fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

fn unit_ref(row: &AnyRow) -> Result<UnitRef> {
    let code: String = row.try_get("code")?;
    Ok(UnitRef {
        id: UnitId::new(row.try_get("unit_id")?),
        code: UnitCode::parse(&code).map_err(|_| decode_err(format!("bad unit code {code}")))?,
        name: row.try_get("unit_name")?,
        level: level_of(row, "level")?,
    })
}

fn site_from_row(row: &AnyRow) -> Result<FamilySite> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let unit_kind: String = row.try_get("unit_kind")?;
    let est: Option<String> = row.try_get("established_on")?;
    Ok(FamilySite {
        id: FamilySiteId::new(row.try_get("id")?),
        unit: unit_ref(row)?,
        unit_kind: UnitKind::parse(&unit_kind).unwrap_or(UnitKind::Geo),
        ancestors: ancestors(row, "")?,
        fields: SiteFields {
            kind: SiteKind::parse(&kind)
                .ok_or_else(|| decode_err(format!("bad site kind {kind}")))?,
            name: row.try_get("name")?,
            address: row.try_get("address")?,
            status: SiteStatus::parse(&status)
                .ok_or_else(|| decode_err(format!("bad site status {status}")))?,
            established_on: est.as_deref().and_then(parse_date),
        },
        sessions: row.try_get("sessions")?,
        created_by: row
            .try_get::<Option<i64>, _>("created_by")?
            .map(UserId::new),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl SqlStore {
    /// An active unit of the scope, for a site or a roster entry.
    async fn site_unit(&self, scope: Scope, unit: UnitId) -> Result<Unit> {
        let u = self.unit_by_id(unit).await?;
        if !scope.contains(&u.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !u.active {
            return Err(crate::sql::units::retired());
        }
        Ok(u)
    }

    async fn site_row(&self, scope: Scope, id: FamilySiteId) -> Result<FamilySite> {
        let sql = format!(
            "SELECT {SITE_COLS} FROM family_sites s JOIN units u ON u.id = s.unit_id \
             WHERE s.id = $1 AND s.{} = $2",
            scope.level().ancestor_column()
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(&self.pool)
            .await?;
        site_from_row(&not_found_if_none(row)?)
    }

    /// The sites a counsellor form names must all be sites of the scope:
    /// one that is not is refused like an unknown one.
    async fn check_sites(&self, scope: Scope, sites: &[FamilySiteId]) -> Result<()> {
        for s in sites {
            match self.site_row(scope, *s).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => {
                    return Err(StoreError::Refused {
                        field: "sites",
                        key: "err.fsite.site_unknown",
                    });
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn write_counsellor_sites(
        conn: &mut sqlx::AnyConnection,
        id: i64,
        sites: &[FamilySiteId],
    ) -> Result<()> {
        sqlx::query("DELETE FROM family_counsellor_sites WHERE counsellor_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for s in sites {
            sqlx::query(
                "INSERT INTO family_counsellor_sites (counsellor_id, site_id) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(s.get())
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// Counsellors from rows of `family_counsellors c JOIN units u`, names
    /// opened, each with the sites she serves.
    async fn counsellors_from_rows(&self, rows: &[AnyRow]) -> Result<Vec<Counsellor>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get::<i64, _>("id"))
            .collect::<std::result::Result<_, _>>()?;
        let sql = format!(
            "SELECT cs.counsellor_id, s.id, s.name FROM family_counsellor_sites cs \
             JOIN family_sites s ON s.id = cs.site_id WHERE cs.counsellor_id IN ({}) \
             ORDER BY s.name, s.id",
            self.backend.params(1, ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in &ids {
            q = q.bind(*id);
        }
        let mut served: BTreeMap<i64, Vec<(FamilySiteId, String)>> = BTreeMap::new();
        for r in q.fetch_all(&self.pool).await? {
            served
                .entry(r.try_get("counsellor_id")?)
                .or_default()
                .push((FamilySiteId::new(r.try_get("id")?), r.try_get("name")?));
        }
        let vault = self.vault()?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get("id")?;
            let sealed: Option<String> = r.try_get("name_enc")?;
            let name = match sealed {
                Some(s) => vault
                    .decrypt_text(&s, &associated_data("family_counsellors", id, "name"))?
                    .as_str()
                    .to_owned(),
                None => String::new(),
            };
            out.push(Counsellor {
                id: CounsellorId::new(id),
                unit: unit_ref(r)?,
                ancestors: ancestors(r, "")?,
                name,
                qualification: r.try_get("qualification")?,
                sites: served.remove(&id).unwrap_or_default(),
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
            });
        }
        Ok(out)
    }
}

const COUNSELLOR_COLS: &str = "c.id, c.unit_id, c.l1, c.l2, c.l3, c.l4, c.l5, c.name_enc, \
     c.qualification, c.created_at, c.updated_at, u.code, u.name AS unit_name, u.level";

#[async_trait]
impl FamilySiteStore for SqlStore {
    async fn create_site(&self, scope: Scope, new: NewSite, now: i64) -> Result<FamilySiteId> {
        let unit = self.site_unit(scope, new.unit).await?;
        let anc = unit.ancestors;
        let f = &new.fields;
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO family_sites (unit_id, l1, l2, l3, l4, l5, kind, name, address, status, \
             established_on, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        )
        .bind(unit.id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(f.kind.as_str())
        .bind(f.name.as_str())
        .bind(f.address.as_str())
        .bind(f.status.as_str())
        .bind(f.established_on.map(format_date))
        .bind(new.by.map(UserId::get))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        if f.status.is_active() {
            let mut d = CoverageDeltas::default();
            d.add(&anc, village_of(unit.level, unit.kind, unit.id), 1);
            d.apply(&mut tx, self.backend, SITES).await?;
        }
        tx.commit().await?;
        Ok(FamilySiteId::new(id))
    }

    async fn site_in_scope(&self, scope: Scope, id: FamilySiteId) -> Result<InScope<FamilySite>> {
        Ok(InScope::new(self.site_row(scope, id).await?, scope))
    }

    async fn update_site(
        &self,
        site: &InScope<FamilySite>,
        unit: UnitId,
        fields: SiteFields,
        now: i64,
    ) -> Result<FamilySite> {
        let scope = site.scope();
        let old: &FamilySite = site;
        // A move takes the new unit's ancestors as of now; staying keeps
        // those written with the site.
        let (anc, level, kind, unit_id) = if unit == old.unit.id {
            (old.ancestors, old.unit.level, old.unit_kind, old.unit.id)
        } else {
            let u = self.site_unit(scope, unit).await?;
            (u.ancestors, u.level, u.kind, u.id)
        };
        let f = &fields;
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE family_sites SET unit_id = $1, l1 = $2, l2 = $3, l3 = $4, l4 = $5, l5 = $6, \
             kind = $7, name = $8, address = $9, status = $10, established_on = $11, \
             updated_at = $12 WHERE id = $13 AND updated_at = $14",
        )
        .bind(unit_id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(f.kind.as_str())
        .bind(f.name.as_str())
        .bind(f.address.as_str())
        .bind(f.status.as_str())
        .bind(f.established_on.map(format_date))
        // Strictly later than the version read, so two edits in the same
        // second still tell each other apart.
        .bind(now.max(old.updated_at + 1))
        .bind(old.id.get())
        .bind(old.updated_at)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::Conflict("site_changed"));
        }
        let mut d = CoverageDeltas::default();
        if old.fields.status.is_active() {
            let v = village_of(old.unit.level, old.unit_kind, old.unit.id);
            d.add(&old.ancestors, v, -1);
        }
        if f.status.is_active() {
            d.add(&anc, village_of(level, kind, unit_id), 1);
        }
        d.apply(&mut tx, self.backend, SITES).await?;
        tx.commit().await?;
        self.site_row(scope, old.id).await
    }

    async fn sites_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &SiteFilter,
        limit: i64,
    ) -> Result<Vec<FamilySite>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let mut c = Conds::default();
        if let Some(t) = filter.text.as_deref() {
            c.contains_any(&["s.name", "s.address"], t);
        }
        if let Some(k) = filter.kind {
            c.add(" AND s.kind = ?", Bind::Text(k.as_str().to_owned()));
        }
        if let Some(s) = filter.status {
            c.add(" AND s.status = ?", Bind::Text(s.as_str().to_owned()));
        }
        if let Some(b) = filter.before {
            c.add(" AND s.id < ?", Bind::Int(b));
        }
        let sql = format!(
            "SELECT {SITE_COLS} FROM family_sites s JOIN units u ON u.id = s.unit_id \
             WHERE s.{} = $1{} ORDER BY s.id DESC LIMIT {}",
            unit.level.ancestor_column(),
            c.sql,
            c.next_mark()
        );
        c.bind(sqlx::query(&sql).bind(unit.id.get()))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(site_from_row)
            .collect()
    }

    async fn site_coverage(&self, scope: Scope, unit: &Unit) -> Result<SiteCoverage> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let (counts, children) = self.coverage_of(SITES, unit).await?;
        Ok(SiteCoverage {
            unit: UnitRef {
                id: unit.id,
                code: unit.code.clone(),
                name: unit.name.clone(),
                level: unit.level,
            },
            counts,
            children,
        })
    }

    async fn record_session(
        &self,
        site: &InScope<FamilySite>,
        new: NewActivity,
        made_at: Option<i64>,
        now: i64,
    ) -> Result<ActivityId> {
        // The session is held at the site: it is the site's unit's work,
        // with that unit's ancestors as of now.
        let unit = self.site_unit(site.scope(), site.unit.id).await?;
        let new = NewActivity {
            unit: unit.id,
            ..new
        };
        let mut tx = self.write_tx().await?;
        let id = insert_with_counters(&mut tx, self.backend, &unit.ancestors, &new, made_at, now)
            .await?;
        sqlx::query("INSERT INTO family_site_sessions (activity_id, site_id) VALUES ($1, $2)")
            .bind(id.get())
            .bind(site.id.get())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE family_sites SET sessions = sessions + 1 WHERE id = $1")
            .bind(site.id.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn sessions_of(&self, site: &InScope<FamilySite>, limit: i64) -> Result<Vec<Activity>> {
        let sql = format!(
            "SELECT {ACTIVITY_COLS} FROM family_site_sessions fs \
             JOIN activities a ON a.id = fs.activity_id JOIN units u ON u.id = a.unit_id \
             WHERE fs.site_id = $1 ORDER BY a.date DESC, a.id DESC LIMIT $2"
        );
        sqlx::query(&sql)
            .bind(site.id.get())
            .bind(limit.clamp(1, 500))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(activity_from_row)
            .collect()
    }

    async fn create_counsellor(
        &self,
        scope: Scope,
        new: NewCounsellor,
        now: i64,
    ) -> Result<CounsellorId> {
        let unit = self.site_unit(scope, new.unit).await?;
        self.check_sites(scope, &new.fields.sites).await?;
        // Fails before anything is written when there is no key.
        self.vault()?;
        let anc = unit.ancestors;
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO family_counsellors (unit_id, l1, l2, l3, l4, l5, qualification, \
             created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(unit.id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(new.fields.qualification.as_deref())
        .bind(new.by.map(UserId::get))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        seal(
            &mut tx,
            self,
            "family_counsellors",
            "name",
            id,
            Some(&new.fields.name),
        )
        .await?;
        Self::write_counsellor_sites(&mut tx, id, &new.fields.sites).await?;
        tx.commit().await?;
        Ok(CounsellorId::new(id))
    }

    async fn counsellor_in_scope(
        &self,
        scope: Scope,
        id: CounsellorId,
    ) -> Result<InScope<Counsellor>> {
        let sql = format!(
            "SELECT {COUNSELLOR_COLS} FROM family_counsellors c JOIN units u ON u.id = c.unit_id \
             WHERE c.id = $1 AND c.{} = $2",
            scope.level().ancestor_column()
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(&self.pool)
            .await?;
        let row = not_found_if_none(row)?;
        let c = self
            .counsellors_from_rows(std::slice::from_ref(&row))
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        Ok(InScope::new(c, scope))
    }

    async fn update_counsellor(
        &self,
        counsellor: &InScope<Counsellor>,
        fields: CounsellorFields,
        now: i64,
    ) -> Result<Counsellor> {
        let scope = counsellor.scope();
        self.check_sites(scope, &fields.sites).await?;
        self.vault()?;
        let id = counsellor.id.get();
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE family_counsellors SET qualification = $1, updated_at = $2 \
             WHERE id = $3 AND updated_at = $4",
        )
        .bind(fields.qualification.as_deref())
        .bind(now.max(counsellor.updated_at + 1))
        .bind(id)
        .bind(counsellor.updated_at)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::Conflict("counsellor_changed"));
        }
        seal(
            &mut tx,
            self,
            "family_counsellors",
            "name",
            id,
            Some(&fields.name),
        )
        .await?;
        Self::write_counsellor_sites(&mut tx, id, &fields.sites).await?;
        tx.commit().await?;
        Ok(self
            .counsellor_in_scope(scope, counsellor.id)
            .await?
            .into_inner())
    }

    async fn counsellors_under(
        &self,
        scope: Scope,
        unit: &Unit,
        site: Option<FamilySiteId>,
        limit: i64,
    ) -> Result<Vec<Counsellor>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let (join, cond) = match site {
            Some(_) => (
                "JOIN family_counsellor_sites cs ON cs.counsellor_id = c.id",
                "AND cs.site_id = $3",
            ),
            None => ("", "AND $3 = $3"),
        };
        let sql = format!(
            "SELECT {COUNSELLOR_COLS} FROM family_counsellors c {join} \
             JOIN units u ON u.id = c.unit_id \
             WHERE c.{} = $1 {cond} ORDER BY c.id DESC LIMIT $2",
            unit.level.ancestor_column()
        );
        let rows = sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(limit.clamp(1, 20_000))
            .bind(site.map_or(0, FamilySiteId::get))
            .fetch_all(&self.pool)
            .await?;
        self.counsellors_from_rows(&rows).await
    }

    async fn set_activity_audiences(
        &self,
        scope: Scope,
        id: ActivityId,
        keys: &[String],
    ) -> Result<()> {
        // Out of scope reads like missing.
        crate::ActivityStore::activity_in_scope(self, scope, id).await?;
        let mut tx = self.write_tx().await?;
        crate::family_sites::audiences::replace(&mut tx, self.backend, id.get(), keys).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn activity_audiences(&self, scope: Scope, id: ActivityId) -> Result<Vec<String>> {
        crate::ActivityStore::activity_in_scope(self, scope, id).await?;
        Ok(sqlx::query_scalar(
            "SELECT audience_key FROM activity_audiences WHERE activity_id = $1 \
             ORDER BY audience_key",
        )
        .bind(id.get())
        .fetch_all(&self.pool)
        .await?)
    }

    async fn audience_counts(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
    ) -> Result<BTreeMap<String, crate::model::Counts>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let y = i64::from(year);
        let rows = sqlx::query(
            "SELECT dim, CAST(COALESCE(SUM(activities), 0) AS BIGINT) AS activities, \
             CAST(COALESCE(SUM(participants), 0) AS BIGINT) AS participants, \
             CAST(COALESCE(SUM(women), 0) AS BIGINT) AS women FROM rollup_audiences \
             WHERE unit_id = $1 AND month BETWEEN $2 AND $3 GROUP BY dim",
        )
        .bind(unit.id.get())
        .bind(y * 100 + 1)
        .bind(y * 100 + 12)
        .fetch_all(&self.pool)
        .await?;
        let mut out = BTreeMap::new();
        for r in &rows {
            let c = crate::model::Counts {
                activities: r.try_get("activities")?,
                participants: r.try_get("participants")?,
                women: r.try_get("women")?,
            };
            if c != crate::model::Counts::default() {
                out.insert(r.try_get("dim")?, c);
            }
        }
        Ok(out)
    }

    async fn family_figures(&self, scope: Scope, unit: &Unit, year: i32) -> Result<FamilyFigures> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let (own_cov, children_cov) = self.coverage_of(SITES, unit).await?;
        let mut ids: Vec<i64> = vec![unit.id.get()];
        ids.extend(children_cov.iter().map(|(u, _)| u.id.get()));
        let mut numbers: BTreeMap<i64, FamilyNumbers> = BTreeMap::new();
        // Numbered marks after the two fixed ones: SQLite's anonymous `?`
        // would not number on after `$1` and `$2`.
        let marks = (3..3 + ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT unit_id, dim, n FROM rollup_family WHERE year = $1 AND $2 = $2 \
             AND n <> 0 AND unit_id IN ({marks})"
        );
        let mut q = sqlx::query(&sql).bind(i64::from(year)).bind(0_i64);
        for id in &ids {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&self.pool).await? {
            numbers
                .entry(r.try_get("unit_id")?)
                .or_default()
                .dims
                .insert(r.try_get("dim")?, r.try_get("n")?);
        }
        let sql = format!(
            "SELECT unit_id, CAST(COALESCE(SUM(activities), 0) AS BIGINT) AS n \
             FROM rollup_activities WHERE month BETWEEN $1 AND $2 \
             AND dim IN ({types}) AND unit_id IN ({marks}) GROUP BY unit_id",
            // Constants of the domain, never input.
            types = SESSION_TYPES
                .iter()
                .map(|t| format!("'t:{t}'"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let y = i64::from(year);
        let mut q = sqlx::query(&sql).bind(y * 100 + 1).bind(y * 100 + 12);
        for id in &ids {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&self.pool).await? {
            numbers.entry(r.try_get("unit_id")?).or_default().sessions = r.try_get("n")?;
        }
        let mut take = |id: i64, cov| FamilyNumbers {
            sites: cov,
            ..numbers.remove(&id).unwrap_or_default()
        };
        let own = take(unit.id.get(), own_cov);
        let children = children_cov
            .into_iter()
            .map(|(u, c)| {
                let n = take(u.id.get(), c);
                (u, n)
            })
            .collect();
        Ok(FamilyFigures {
            unit: UnitRef {
                id: unit.id,
                code: unit.code.clone(),
                name: unit.name.clone(),
                level: unit.level,
            },
            year,
            own,
            children,
        })
    }
}

/// Unscoped: checks and tests, through the system handle only.
impl SqlStore {
    /// The family-work counters against a recount from the nominations
    /// and objections: one line per difference, empty when they agree.
    pub async fn audience_mismatches(&self) -> Result<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        let mut want = crate::family_sites::audiences::snapshot(&mut conn, None).await?;
        let rows = sqlx::query(
            "SELECT unit_id, dim, month, activities, participants, women FROM rollup_audiences",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let key: (i64, String, i64) = (
                r.try_get("unit_id")?,
                r.try_get("dim")?,
                r.try_get("month")?,
            );
            let got = crate::model::Counts {
                activities: r.try_get("activities")?,
                participants: r.try_get("participants")?,
                women: r.try_get("women")?,
            };
            let expected = want.remove(&key).unwrap_or_default();
            if got != expected {
                out.push(format!("{key:?}: stored {got:?}, recount {expected:?}"));
            }
        }
        for (key, c) in want {
            if c != crate::model::Counts::default() {
                out.push(format!("{key:?}: missing, recount {c:?}"));
            }
        }
        Ok(out)
    }

    pub async fn family_mismatches(&self) -> Result<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        let mut want = crate::family_sites::tally::snapshot(&mut conn, None).await?;
        let rows = sqlx::query("SELECT unit_id, year, dim, n FROM rollup_family")
            .fetch_all(&mut *conn)
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let key: (i64, i64, String) =
                (r.try_get("unit_id")?, r.try_get("year")?, r.try_get("dim")?);
            let got: i64 = r.try_get("n")?;
            let expected = want.remove(&key).unwrap_or(0);
            if got != expected {
                out.push(format!("{key:?}: stored {got}, recount {expected}"));
            }
        }
        for (key, n) in want {
            if n != 0 {
                out.push(format!("{key:?}: missing, recount {n}"));
            }
        }
        Ok(out)
    }

    /// The site coverage counters against a recount, and each site's
    /// session count against its links: one line per difference.
    pub async fn family_sites_mismatches(&self) -> Result<Vec<String>> {
        let mut out = self.coverage_mismatches(SITES).await?;
        let rows = sqlx::query(
            "SELECT s.id, s.sessions, \
             (SELECT COUNT(*) FROM family_site_sessions fs WHERE fs.site_id = s.id) AS n \
             FROM family_sites s",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let (id, got, want): (i64, i64, i64) =
                (r.try_get("id")?, r.try_get("sessions")?, r.try_get("n")?);
            if got != want {
                out.push(format!("site {id}: sessions {got}, recount {want}"));
            }
        }
        Ok(out)
    }

    /// The stored (sealed) name column of a counsellor, for tests that
    /// check no name is kept in the clear.
    pub async fn counsellor_sealed_name(&self, id: CounsellorId) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT name_enc FROM family_counsellors WHERE id = $1")
                .bind(id.get())
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
