//! Women's Homes and their coverage counters.
//!
//! `rollup_homes` holds, for every unit, the active homes of its subtree and
//! the villages of its subtree with at least one active home, kept by the
//! shared coverage machinery ([`crate::sql::coverage`]) in each write's
//! transaction.

use crate::Scope;
use async_trait::async_trait;
use jinguo_domain::home::{
    Coordinates, HomeFields, HomeStatus, facilities_from_text, facilities_text,
};
use jinguo_domain::{HomeId, Level, Phone, UnitCode, UnitId, UnitKind, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{
    CoverageCounts, Home, HomeCoverage, HomeFilter, HomePhoto, HomeStore, NewHome, PublicHome,
};
use crate::model::{Page, Unit, UnitRef};
use crate::sql::coverage::{Coverage, CoverageDeltas, CoverageTable, village_of};
use crate::sql::list_sql::{Bind, Conds};
use crate::sql::{SqlStore, ancestors, level_of, not_found_if_none};
use crate::{Result, StoreError, UnitStore};

const HOME_COLS: &str = "h.id, h.unit_id, h.l1, h.l2, h.l3, h.l4, h.l5, h.name, h.name_mn, h.address, \
     h.lat_e6, h.lon_e6, h.hours, h.phone, h.facilities, h.status, h.photo_file, h.photo_type, \
     h.created_by, h.created_at, h.updated_at, u.code, u.name AS unit_name, u.level, u.kind";

fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

fn home_from_row(row: &AnyRow) -> Result<Home> {
    let code: String = row.try_get("code")?;
    let status: String = row.try_get("status")?;
    let kind: String = row.try_get("kind")?;
    let lat: Option<i64> = row.try_get("lat_e6")?;
    let lon: Option<i64> = row.try_get("lon_e6")?;
    let phone: Option<String> = row.try_get("phone")?;
    let photo_file: Option<String> = row.try_get("photo_file")?;
    let photo_type: Option<String> = row.try_get("photo_type")?;
    Ok(Home {
        id: HomeId::new(row.try_get("id")?),
        unit: UnitRef {
            id: UnitId::new(row.try_get("unit_id")?),
            code: UnitCode::parse(&code)
                .map_err(|_| decode_err(format!("bad unit code {code}")))?,
            name: row.try_get("unit_name")?,
            level: level_of(row, "level")?,
        },
        unit_kind: UnitKind::parse(&kind).unwrap_or(UnitKind::Geo),
        ancestors: ancestors(row, "")?,
        fields: HomeFields {
            name: row.try_get("name")?,
            name_mn: row.try_get("name_mn")?,
            address: row.try_get("address")?,
            coords: lat.zip(lon).map(|(a, o)| Coordinates::from_e6(a, o)),
            hours: row.try_get("hours")?,
            // Stored in canonical form, so it parses again.
            phone: phone.as_deref().and_then(|p| Phone::parse(p).ok()),
            facilities: facilities_from_text(&row.try_get::<String, _>("facilities")?),
            status: HomeStatus::parse(&status)
                .ok_or_else(|| decode_err(format!("bad home status {status}")))?,
        },
        photo: photo_file
            .zip(photo_type)
            .map(|(storage_name, content_type)| HomePhoto {
                storage_name,
                content_type,
            }),
        created_by: row
            .try_get::<Option<i64>, _>("created_by")?
            .map(UserId::new),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The homes' counter table.
const HOMES: CoverageTable = CoverageTable {
    rollup: "rollup_homes",
    count: "active_homes",
    places: "homes",
};

impl SqlStore {
    /// An active unit of the scope, for registering a home at.
    async fn home_unit(&self, scope: Scope, unit: UnitId) -> Result<Unit> {
        let u = self.unit_by_id(unit).await?;
        if !scope.contains(&u.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !u.active {
            return Err(crate::sql::units::retired());
        }
        Ok(u)
    }

    /// Active homes whose ancestor column `col` is `unit`, public fields only.
    async fn public_homes(&self, col: &str, unit: UnitId, limit: i64) -> Result<Vec<PublicHome>> {
        let sql = format!(
            "SELECT h.name, h.name_mn, h.address, h.hours, h.phone, h.facilities FROM homes h \
             WHERE h.{col} = $1 AND h.status = 'active' ORDER BY h.name, h.id LIMIT $2"
        );
        sqlx::query(&sql)
            .bind(unit.get())
            .bind(limit.clamp(1, 100))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(PublicHome {
                    name: r.try_get("name")?,
                    name_mn: r.try_get("name_mn")?,
                    address: r.try_get("address")?,
                    hours: r.try_get("hours")?,
                    phone: r.try_get("phone")?,
                    facilities: facilities_from_text(&r.try_get::<String, _>("facilities")?),
                })
            })
            .collect()
    }
}

#[async_trait]
impl HomeStore for SqlStore {
    async fn create_home(&self, scope: Scope, new: NewHome, now: i64) -> Result<HomeId> {
        let unit = self.home_unit(scope, new.unit).await?;
        let anc = unit.ancestors;
        let f = &new.fields;
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO homes (unit_id, l1, l2, l3, l4, l5, name, address, lat_e6, lon_e6, hours, \
             phone, facilities, status, photo_file, photo_type, created_by, created_at, updated_at, \
             name_mn) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $18, $19) \
             RETURNING id",
        )
        .bind(unit.id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(f.name.as_str())
        .bind(f.address.as_str())
        .bind(f.coords.map(Coordinates::lat_e6))
        .bind(f.coords.map(Coordinates::lon_e6))
        .bind(f.hours.as_deref())
        .bind(f.phone.as_ref().map(Phone::as_str))
        .bind(facilities_text(&f.facilities))
        .bind(f.status.as_str())
        .bind(new.photo.as_ref().map(|p| p.storage_name.as_str()))
        .bind(new.photo.as_ref().map(|p| p.content_type.as_str()))
        .bind(new.by.map(UserId::get))
        .bind(now)
        .bind(f.name_mn.as_deref())
        .fetch_one(&mut *tx)
        .await?;
        if f.status.is_active() {
            let mut d = CoverageDeltas::default();
            d.add(&anc, village_of(unit.level, unit.kind, unit.id), 1);
            d.apply(&mut tx, self.backend, HOMES).await?;
        }
        tx.commit().await?;
        Ok(HomeId::new(id))
    }

    async fn home_in_scope(&self, scope: Scope, id: HomeId) -> Result<Home> {
        let sql = format!(
            "SELECT {HOME_COLS} FROM homes h JOIN units u ON u.id = h.unit_id \
             WHERE h.id = $1 AND h.{} = $2",
            scope.level().ancestor_column()
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(&self.pool)
            .await?;
        home_from_row(&not_found_if_none(row)?)
    }

    async fn update_home(
        &self,
        scope: Scope,
        id: HomeId,
        unit: UnitId,
        fields: HomeFields,
        now: i64,
    ) -> Result<Home> {
        let old = self.home_in_scope(scope, id).await?;
        // A move takes the new unit's ancestors as of now; staying keeps
        // those written with the home.
        let (anc, level, kind, unit_id) = if unit == old.unit.id {
            (old.ancestors, old.unit.level, old.unit_kind, old.unit.id)
        } else {
            let u = self.home_unit(scope, unit).await?;
            (u.ancestors, u.level, u.kind, u.id)
        };
        let f = &fields;
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE homes SET unit_id = $1, l1 = $2, l2 = $3, l3 = $4, l4 = $5, l5 = $6, \
             name = $7, address = $8, lat_e6 = $9, lon_e6 = $10, hours = $11, phone = $12, \
             facilities = $13, status = $14, updated_at = $15, name_mn = $18 \
             WHERE id = $16 AND updated_at = $17",
        )
        .bind(unit_id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(f.name.as_str())
        .bind(f.address.as_str())
        .bind(f.coords.map(Coordinates::lat_e6))
        .bind(f.coords.map(Coordinates::lon_e6))
        .bind(f.hours.as_deref())
        .bind(f.phone.as_ref().map(Phone::as_str))
        .bind(facilities_text(&f.facilities))
        .bind(f.status.as_str())
        // Strictly later than the version read, so two edits in the same
        // second still tell each other apart.
        .bind(now.max(old.updated_at + 1))
        .bind(id.get())
        .bind(old.updated_at)
        .bind(f.name_mn.as_deref())
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::Conflict("home_changed"));
        }
        let mut d = CoverageDeltas::default();
        if old.fields.status.is_active() {
            let v = village_of(old.unit.level, old.unit_kind, old.unit.id);
            d.add(&old.ancestors, v, -1);
        }
        if f.status.is_active() {
            d.add(&anc, village_of(level, kind, unit_id), 1);
        }
        d.apply(&mut tx, self.backend, HOMES).await?;
        tx.commit().await?;
        self.home_in_scope(scope, id).await
    }

    async fn homes_under(
        &self,
        scope: Scope,
        unit: &Unit,
        status: Option<HomeStatus>,
        page: Page,
    ) -> Result<Vec<Home>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let col = unit.level.ancestor_column();
        let status_filter = if status.is_some() {
            "AND h.status = $2"
        } else {
            "AND $2 = $2"
        };
        let sql = format!(
            "SELECT {HOME_COLS} FROM homes h JOIN units u ON u.id = h.unit_id \
             WHERE h.{col} = $1 {status_filter} ORDER BY u.code, h.name, h.id LIMIT $3 OFFSET $4"
        );
        sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(status.map_or("", HomeStatus::as_str))
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(home_from_row)
            .collect()
    }

    async fn homes_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &HomeFilter,
        limit: i64,
    ) -> Result<Vec<Home>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let mut c = Conds::default();
        if let Some(t) = filter.text.as_deref() {
            c.contains_any(&["h.name", "h.address"], t);
        }
        if let Some(s) = filter.status {
            c.add(" AND h.status = ?", Bind::Text(s.as_str().to_owned()));
        }
        if let Some(b) = filter.before {
            c.add(" AND h.id < ?", Bind::Int(b));
        }
        let sql = format!(
            "SELECT {HOME_COLS} FROM homes h JOIN units u ON u.id = h.unit_id \
             WHERE h.{} = $1{} ORDER BY h.id DESC LIMIT {}",
            unit.level.ancestor_column(),
            c.sql,
            c.next_mark()
        );
        c.bind(sqlx::query(&sql).bind(unit.id.get()))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(home_from_row)
            .collect()
    }

    async fn home_coverage(&self, scope: Scope, unit: &Unit) -> Result<HomeCoverage> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let (own, children) = self.coverage_of(HOMES, unit).await?;
        let counts = |c: Coverage| CoverageCounts {
            active_homes: c.active,
            villages: c.villages,
            covered_villages: c.covered_villages,
        };
        Ok(HomeCoverage {
            unit: UnitRef {
                id: unit.id,
                code: unit.code.clone(),
                name: unit.name.clone(),
                level: unit.level,
            },
            counts: counts(own),
            children: children.into_iter().map(|(u, c)| (u, counts(c))).collect(),
        })
    }

    async fn set_home_photo(
        &self,
        scope: Scope,
        id: HomeId,
        photo: Option<HomePhoto>,
        now: i64,
    ) -> Result<Option<HomePhoto>> {
        let old = self.home_in_scope(scope, id).await?;
        let changed = sqlx::query(
            "UPDATE homes SET photo_file = $1, photo_type = $2, updated_at = $3 \
             WHERE id = $4 AND updated_at = $5",
        )
        .bind(photo.as_ref().map(|p| p.storage_name.as_str()))
        .bind(photo.as_ref().map(|p| p.content_type.as_str()))
        .bind(now.max(old.updated_at + 1))
        .bind(id.get())
        .bind(old.updated_at)
        .execute(self.writer())
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::Conflict("home_changed"));
        }
        Ok(old.photo)
    }

    async fn homes_near(&self, unit: &Unit, limit: i64) -> Result<Vec<PublicHome>> {
        // The township a woman's village belongs to is where she can walk
        // or ride to; above township level the chosen unit is the place.
        let place = if unit.level >= Level::TOWNSHIP {
            unit.ancestors[usize::from(Level::TOWNSHIP.get() - 1)].map(|t| (Level::TOWNSHIP, t))
        } else {
            Some((unit.level, unit.id))
        };
        if let Some((level, id)) = place {
            let found = self
                .public_homes(level.ancestor_column(), id, limit)
                .await?;
            if !found.is_empty() || level < Level::TOWNSHIP {
                return Ok(found);
            }
        }
        match unit.ancestors[usize::from(Level::BANNER.get() - 1)] {
            Some(banner) if unit.level > Level::BANNER => {
                self.public_homes(Level::BANNER.ancestor_column(), banner, limit)
                    .await
            }
            _ => Ok(Vec::new()),
        }
    }
}

/// Unscoped: the command line, benchmarks and checks, through the system handle only.
impl SqlStore {
    pub async fn homes_mismatches(&self) -> Result<Vec<String>> {
        self.coverage_mismatches(HOMES).await
    }
}
