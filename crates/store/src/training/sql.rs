//! Programmes, classes, the roster and enrolments.

use async_trait::async_trait;
use jinguo_domain::organisation::{CommitteeRole, OrgKind};
use jinguo_domain::training::{
    AttendedVia, Audience, ClassId, ClassMode, EnrolmentId, ProgrammeFields, ProgrammeId, may_plan,
};
use jinguo_domain::{Capability, CommitteeMemberId, OrganisationId, UnitCode, UnitId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::Date;

use super::attendance::bump;
use super::{
    Attended, Certificate, Class, Enrolment, NewClass, NewEnrolment, NewProgramme, OpenClass,
    Places, Programme, RosterMember, TrainingCoverage, TrainingStore, UntrainedChair,
};
use crate::model::{Page, Unit, UnitRef};
use crate::organisations::day_text;
use crate::sql::{SqlStore, level_of};
use crate::vault::associated_data;
use crate::{InScope, Result, Scope, StoreError, UnitStore};

pub(super) fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

pub(super) fn date_col(row: &AnyRow, col: &str) -> Result<Date> {
    let s: String = row.try_get(col)?;
    jinguo_domain::activity::parse_date(&s).ok_or_else(|| decode_err(format!("bad date {s}")))
}

pub(super) fn refused(field: &'static str, key: &'static str) -> StoreError {
    StoreError::Refused { field, key }
}

/// A unit reference from `{prefix}id, {prefix}code, {prefix}name, {prefix}level`.
pub(super) fn unit_ref(row: &AnyRow, prefix: &str) -> Result<UnitRef> {
    let code: String = row.try_get(format!("{prefix}code").as_str())?;
    Ok(UnitRef {
        id: UnitId::new(row.try_get(format!("{prefix}id").as_str())?),
        code: UnitCode::parse(&code).map_err(|_| decode_err(format!("bad code {code}")))?,
        name: row.try_get(format!("{prefix}name").as_str())?,
        level: level_of(row, &format!("{prefix}level"))?,
    })
}

/// `l1..l3` of a planner (never deeper than a banner).
fn planner_ancestors(row: &AnyRow) -> Result<[Option<UnitId>; 5]> {
    let g = |c: &str| -> Result<Option<UnitId>> {
        Ok(row.try_get::<Option<i64>, _>(c)?.map(UnitId::new))
    };
    Ok([g("pl1")?, g("pl2")?, g("pl3")?, None, None])
}

/// Ancestor ids of a unit, deepest first, `-1` for the missing ones (so
/// the five placeholders of an `IN` list are always bound).
pub(super) fn path_ids(anc: &[Option<UnitId>; 5]) -> [i64; 5] {
    let mut out = [-1; 5];
    for (i, a) in anc.iter().rev().flatten().enumerate() {
        out[i] = a.get();
    }
    out
}

const PROGRAMME_COLS: &str = "p.id, p.unit_id, p.l1 AS pl1, p.l2 AS pl2, p.l3 AS pl3, p.year, \
     p.title, p.title_mn, p.audience, p.target, p.hours, p.created_at, u.id AS u_id, u.code AS u_code, \
     u.name AS u_name, u.level AS u_level, \
     (SELECT COUNT(*) FROM training_classes c WHERE c.programme_id = p.id) AS classes";

fn programme_from_row(row: &AnyRow) -> Result<Programme> {
    let audience: String = row.try_get("audience")?;
    Ok(Programme {
        id: ProgrammeId::new(row.try_get("id")?),
        unit: unit_ref(row, "u_")?,
        ancestors: planner_ancestors(row)?,
        fields: ProgrammeFields {
            title: row.try_get("title")?,
            title_mn: row.try_get("title_mn")?,
            year: i32::try_from(row.try_get::<i64, _>("year")?).unwrap_or(0),
            audience: Audience::parse(&audience)
                .ok_or_else(|| decode_err(format!("bad audience {audience}")))?,
            target: row.try_get("target")?,
            hours: row.try_get("hours")?,
        },
        classes: row.try_get("classes")?,
        created_at: row.try_get("created_at")?,
    })
}

const CLASS_COLS: &str = "c.id, c.programme_id, c.title, c.starts_on, c.ends_on, c.mode, \
     c.place, c.hours, c.capacity, c.teachers, c.enrolled, c.attended, c.created_at, \
     p.title AS p_title, p.year, p.hours AS p_hours, p.l1 AS pl1, p.l2 AS pl2, p.l3 AS pl3, \
     u.id AS u_id, u.code AS u_code, u.name AS u_name, u.level AS u_level";

const CLASS_FROM: &str = "training_classes c JOIN training_programmes p ON p.id = c.programme_id \
     JOIN units u ON u.id = p.unit_id";

fn class_from_row(row: &AnyRow) -> Result<Class> {
    let mode: String = row.try_get("mode")?;
    Ok(Class {
        id: ClassId::new(row.try_get("id")?),
        programme: ProgrammeId::new(row.try_get("programme_id")?),
        programme_title: row.try_get("p_title")?,
        year: i32::try_from(row.try_get::<i64, _>("year")?).unwrap_or(0),
        programme_hours: row.try_get("p_hours")?,
        planner: unit_ref(row, "u_")?,
        planner_ancestors: planner_ancestors(row)?,
        title: row.try_get("title")?,
        starts_on: date_col(row, "starts_on")?,
        ends_on: date_col(row, "ends_on")?,
        mode: ClassMode::parse(&mode).ok_or_else(|| decode_err(format!("bad mode {mode}")))?,
        place: row.try_get("place")?,
        hours: row.try_get("hours")?,
        capacity: row.try_get("capacity")?,
        teachers: row.try_get("teachers")?,
        enrolled: row.try_get("enrolled")?,
        attended: row.try_get("attended")?,
        places: Vec::new(),
        created_at: row.try_get("created_at")?,
    })
}

const ENROLMENT_SELECT: &str = "SELECT e.id, e.class_id, e.member_id, e.enrolled_at, \
     e.attended_at, e.attended_via, m.role, m.name_enc, c.title AS c_title, \
     u.id AS u_id, u.code AS u_code, u.name AS u_name, u.level AS u_level, \
     a.username, pr.hours AS pr_hours, pr.completed_at \
     FROM training_enrolments e JOIN committee_members m ON m.id = e.member_id \
     JOIN training_classes c ON c.id = e.class_id JOIN units u ON u.id = e.unit_id \
     LEFT JOIN users a ON a.id = e.account_id \
     LEFT JOIN training_progress pr ON pr.programme_id = e.programme_id \
     AND pr.member_id = e.member_id";

impl SqlStore {
    /// A sealed committee member's name, opened.
    pub(super) fn member_name(&self, id: i64, sealed: Option<String>) -> Result<String> {
        let Some(s) = sealed else {
            return Ok(String::new());
        };
        Ok(self
            .vault()?
            .decrypt_text(&s, &associated_data("committee_members", id, "name"))?
            .as_str()
            .to_owned())
    }

    fn enrolment_from_row(&self, row: &AnyRow) -> Result<Enrolment> {
        let member: i64 = row.try_get("member_id")?;
        let role: String = row.try_get("role")?;
        let via: Option<String> = row.try_get("attended_via")?;
        Ok(Enrolment {
            id: EnrolmentId::new(row.try_get("id")?),
            class: ClassId::new(row.try_get("class_id")?),
            class_title: row.try_get("c_title")?,
            member: CommitteeMemberId::new(member),
            name: self.member_name(member, row.try_get("name_enc")?)?,
            role: CommitteeRole::parse(&role)
                .ok_or_else(|| decode_err(format!("bad role {role}")))?,
            unit: unit_ref(row, "u_")?,
            account: row.try_get("username")?,
            enrolled_at: row.try_get("enrolled_at")?,
            attended_at: row.try_get("attended_at")?,
            attended_via: via.as_deref().and_then(AttendedVia::parse),
            programme_hours: row.try_get::<Option<i64>, _>("pr_hours")?.unwrap_or(0),
            completed: row.try_get::<Option<i64>, _>("completed_at")?.is_some(),
        })
    }

    /// The allocations of a class.
    async fn places_of(&self, class: i64) -> Result<Vec<Places>> {
        sqlx::query(
            "SELECT u.id AS u_id, u.code AS u_code, u.name AS u_name, u.level AS u_level, \
             cp.places, cp.used FROM training_class_places cp JOIN units u ON u.id = cp.unit_id \
             WHERE cp.class_id = $1 ORDER BY u.code",
        )
        .bind(class)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            Ok(Places {
                unit: unit_ref(r, "u_")?,
                places: r.try_get("places")?,
                used: r.try_get("used")?,
            })
        })
        .collect()
    }

    async fn class_by_id(&self, id: i64) -> Result<Option<Class>> {
        let row = sqlx::query(&format!(
            "SELECT {CLASS_COLS} FROM {CLASS_FROM} WHERE c.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.reader())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut c = class_from_row(&row)?;
        c.places = self.places_of(id).await?;
        Ok(Some(c))
    }
}

#[async_trait]
impl TrainingStore for SqlStore {
    async fn create_programme(
        &self,
        scope: Scope,
        new: NewProgramme,
        now: i64,
    ) -> Result<ProgrammeId> {
        let unit = self.unit_by_id(new.unit).await?;
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !unit.active {
            return Err(crate::sql::units::retired());
        }
        if !may_plan(unit.level) {
            return Err(refused("unit_code", "err.training.planner_level"));
        }
        let f = &new.fields;
        let a = unit.ancestors;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO training_programmes (unit_id, l1, l2, l3, year, title, audience, \
             target, hours, created_by, created_at, title_mn) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(unit.id.get())
        .bind(a[0].map(UnitId::get))
        .bind(a[1].map(UnitId::get))
        .bind(a[2].map(UnitId::get))
        .bind(i64::from(f.year))
        .bind(f.title.as_str())
        .bind(f.audience.as_str())
        .bind(f.target)
        .bind(f.hours)
        .bind(new.by.map(UserId::get))
        .bind(now)
        .bind(f.title_mn.as_deref())
        .fetch_one(self.writer())
        .await?;
        Ok(ProgrammeId::new(id))
    }

    async fn programme_in_scope(
        &self,
        scope: Scope,
        id: ProgrammeId,
    ) -> Result<InScope<Programme>> {
        let row = sqlx::query(&format!(
            "SELECT {PROGRAMME_COLS} FROM training_programmes p JOIN units u ON u.id = p.unit_id \
             WHERE p.id = $1"
        ))
        .bind(id.get())
        .fetch_optional(self.reader())
        .await?;
        let p = programme_from_row(&crate::sql::not_found_if_none(row)?)?;
        if !scope.contains(&p.ancestors) {
            return Err(StoreError::NotFound);
        }
        Ok(InScope::new(p, scope))
    }

    async fn programmes_under(
        &self,
        scope: Scope,
        unit: &Unit,
        page: Page,
    ) -> Result<Vec<Programme>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !may_plan(unit.level) {
            return Ok(Vec::new());
        }
        let col = unit.level.ancestor_column();
        sqlx::query(&format!(
            "SELECT {PROGRAMME_COLS} FROM training_programmes p JOIN units u ON u.id = p.unit_id \
             WHERE p.{col} = $1 ORDER BY p.year DESC, p.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(unit.id.get())
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(programme_from_row)
        .collect()
    }

    async fn create_class(
        &self,
        programme: &InScope<Programme>,
        new: NewClass,
        now: i64,
    ) -> Result<ClassId> {
        let planner = &programme.unit;
        for (u, _) in &new.places {
            let unit = self.unit_by_id(*u).await?;
            let below = unit.ancestors[usize::from(planner.level.get() - 1)] == Some(planner.id)
                && unit.id != planner.id;
            if !below || !unit.active {
                return Err(refused("places", "err.training.places_unit"));
            }
        }
        let f = &new.fields;
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO training_classes (programme_id, title, starts_on, ends_on, mode, place, \
             hours, capacity, teachers, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(programme.id.get())
        .bind(f.title.as_str())
        .bind(day_text(f.starts_on))
        .bind(day_text(f.ends_on))
        .bind(f.mode.as_str())
        .bind(f.place.as_deref())
        .bind(f.hours)
        .bind(f.capacity)
        .bind(f.teachers.as_deref())
        .bind(new.by.map(UserId::get))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for (u, n) in &new.places {
            sqlx::query(
                "INSERT INTO training_class_places (class_id, unit_id, places) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(u.get())
            .bind(*n)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(ClassId::new(id))
    }

    async fn classes_of(&self, programme: &InScope<Programme>) -> Result<Vec<Class>> {
        let rows = sqlx::query(&format!(
            "SELECT {CLASS_COLS} FROM {CLASS_FROM} WHERE c.programme_id = $1 \
             ORDER BY c.starts_on, c.id"
        ))
        .bind(programme.id.get())
        .fetch_all(self.reader())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut c = class_from_row(r)?;
            c.places = self.places_of(c.id.get()).await?;
            out.push(c);
        }
        Ok(out)
    }

    async fn class_in_scope(&self, scope: Scope, id: ClassId) -> Result<InScope<Class>> {
        let c = crate::sql::not_found_if_none(self.class_by_id(id.get()).await?)?;
        if !scope.contains(&c.planner_ancestors) {
            return Err(StoreError::NotFound);
        }
        Ok(InScope::new(c, scope))
    }

    async fn classes_open_to(
        &self,
        scope: Scope,
        unit: &Unit,
        from: Date,
    ) -> Result<Vec<OpenClass>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let path = path_ids(&unit.ancestors);
        let sql = format!(
            "SELECT {CLASS_COLS} FROM {CLASS_FROM} WHERE p.unit_id IN ($1, $2, $3, $4, $5) \
             AND c.ends_on >= $6 ORDER BY c.starts_on, c.id LIMIT 200"
        );
        let mut q = sqlx::query(&sql);
        for id in path {
            q = q.bind(id);
        }
        let rows = q.bind(day_text(from)).fetch_all(self.reader()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut c = class_from_row(r)?;
            c.places = self.places_of(c.id.get()).await?;
            // The deepest allocation on the unit's path.
            let places = path
                .iter()
                .find_map(|id| c.places.iter().find(|p| p.unit.id.get() == *id))
                .cloned();
            out.push(OpenClass { class: c, places });
        }
        Ok(out)
    }

    async fn roster(&self, scope: Scope, unit: &Unit, page: Page) -> Result<Vec<RosterMember>> {
        if !scope.contains(&unit.ancestors) || !scope.can(Capability::ReadPersonal) {
            return Err(StoreError::NotFound);
        }
        let col = unit.level.ancestor_column();
        let rows = sqlx::query(&format!(
            "SELECT m.id, m.role, m.name_enc, o.id AS oid, u.id AS u_id, u.code AS u_code, \
             u.name AS u_name, u.level AS u_level FROM organisations o \
             JOIN committee_members m ON m.election_id = o.election_id \
             JOIN units u ON u.id = o.unit_id WHERE o.{col} = $1 \
             ORDER BY u.code, m.position, m.id LIMIT $2 OFFSET $3"
        ))
        .bind(unit.id.get())
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let role: String = r.try_get("role")?;
                Ok(RosterMember {
                    id: CommitteeMemberId::new(id),
                    organisation: OrganisationId::new(r.try_get("oid")?),
                    unit: unit_ref(r, "u_")?,
                    role: CommitteeRole::parse(&role)
                        .ok_or_else(|| decode_err(format!("bad role {role}")))?,
                    name: self.member_name(id, r.try_get("name_enc")?)?,
                })
            })
            .collect()
    }

    async fn enrol(
        &self,
        scope: Scope,
        new: NewEnrolment,
        today: Date,
        now: i64,
    ) -> Result<EnrolmentId> {
        // The member: of the current committee of an organisation of the scope.
        let m = sqlx::query(
            "SELECT m.id, m.role, o.id AS oid, o.kind, o.unit_id, o.l1, o.l2, o.l3, o.l4, o.l5 \
             FROM committee_members m JOIN organisations o ON o.election_id = m.election_id \
             WHERE m.id = $1",
        )
        .bind(new.member.get())
        .fetch_optional(self.reader())
        .await?;
        let unknown_member = || refused("member", "err.training.member_unknown");
        let Some(m) = m else {
            return Err(unknown_member());
        };
        let anc = crate::sql::ancestors(&m, "")?;
        if !scope.contains(&anc) {
            return Err(unknown_member());
        }
        let org_unit: i64 = m.try_get("unit_id")?;
        // The class: planned on her path, not over.
        let c = sqlx::query(
            "SELECT c.id, c.ends_on, p.id AS pid, p.unit_id, p.year FROM training_classes c \
             JOIN training_programmes p ON p.id = c.programme_id WHERE c.id = $1",
        )
        .bind(new.class.get())
        .fetch_optional(self.reader())
        .await?;
        let unknown_class = || refused("class", "err.training.class_unknown");
        let Some(c) = c else {
            return Err(unknown_class());
        };
        let planner: i64 = c.try_get("unit_id")?;
        if !anc.iter().flatten().any(|a| a.get() == planner) {
            return Err(unknown_class());
        }
        if date_col(&c, "ends_on")? < today {
            return Err(refused("class", "err.training.class_over"));
        }
        let year: i64 = c.try_get("year")?;
        let programme: i64 = c.try_get("pid")?;
        if let Some(a) = new.account {
            let ok: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM users WHERE id = $1 AND unit_id = $2 AND active = 1",
            )
            .bind(a.get())
            .bind(org_unit)
            .fetch_optional(self.reader())
            .await?;
            if ok.is_none() {
                return Err(refused("account", "err.training.account_unknown"));
            }
        }

        let mut tx = self.write_tx().await?;
        // The class row first: every enrolment and attendance of the class
        // takes its lock, so they are ordered per class.
        let attended: Option<i64> = sqlx::query_scalar(
            "UPDATE training_classes SET enrolled = enrolled + 1 \
             WHERE id = $1 AND enrolled < capacity RETURNING attended",
        )
        .bind(new.class.get())
        .fetch_optional(&mut *tx)
        .await?;
        let twice: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM training_enrolments WHERE class_id = $1 AND member_id = $2",
        )
        .bind(new.class.get())
        .bind(new.member.get())
        .fetch_optional(&mut *tx)
        .await?;
        if twice.is_some() {
            return Err(refused("member", "err.training.enrolled_twice"));
        }
        if let Some(a) = new.account {
            let taken: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM training_enrolments WHERE class_id = $1 AND account_id = $2",
            )
            .bind(new.class.get())
            .bind(a.get())
            .fetch_optional(&mut *tx)
            .await?;
            if taken.is_some() {
                return Err(refused("account", "err.training.account_twice"));
            }
        }
        let Some(attended) = attended else {
            return Err(refused("places", "err.training.full"));
        };
        let allocated: Vec<i64> =
            sqlx::query_scalar("SELECT unit_id FROM training_class_places WHERE class_id = $1")
                .bind(new.class.get())
                .fetch_all(&mut *tx)
                .await?;
        let mut place_unit = None;
        if !allocated.is_empty() {
            let Some(u) = path_ids(&anc).into_iter().find(|id| allocated.contains(id)) else {
                return Err(refused("places", "err.training.no_places"));
            };
            let took = sqlx::query(
                "UPDATE training_class_places SET used = used + 1 \
                 WHERE class_id = $1 AND unit_id = $2 AND used < places",
            )
            .bind(new.class.get())
            .bind(u)
            .execute(&mut *tx)
            .await?;
            if took.rows_affected() != 1 {
                return Err(refused("places", "err.training.places_full"));
            }
            place_unit = Some(u);
        }
        let inserted = sqlx::query_scalar(
            "INSERT INTO training_enrolments (class_id, programme_id, member_id, \
             organisation_id, unit_id, l1, l2, l3, l4, l5, place_unit_id, account_id, \
             enrolled_by, enrolled_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(new.class.get())
        .bind(programme)
        .bind(new.member.get())
        .bind(m.try_get::<i64, _>("oid")?)
        .bind(org_unit)
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(place_unit)
        .bind(new.account.map(UserId::get))
        .bind(new.by.map(UserId::get))
        .bind(now)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(id) => id,
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                return Err(refused("member", "err.training.enrolled_twice"));
            }
            Err(e) => return Err(e.into()),
        };
        let y = year.to_string();
        let mut facts = vec![("enrolled", y.as_str(), 1)];
        if attended > 0 {
            facts.push(("expected", y.as_str(), 1));
        }
        bump(&mut tx, self.backend, &anc, &facts).await?;
        tx.commit().await?;
        Ok(EnrolmentId::new(id))
    }

    async fn enrolments_of(&self, class: &InScope<Class>) -> Result<Vec<Enrolment>> {
        if !class.scope().can(Capability::ReadPersonal) {
            return Err(StoreError::NotFound);
        }
        let rows = sqlx::query(&format!(
            "{ENROLMENT_SELECT} WHERE e.class_id = $1 ORDER BY u.code, m.position, e.id"
        ))
        .bind(class.id.get())
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(|r| self.enrolment_from_row(r)).collect()
    }

    async fn enrolments_under(
        &self,
        scope: Scope,
        unit: &Unit,
        page: Page,
    ) -> Result<Vec<Enrolment>> {
        if !scope.contains(&unit.ancestors) || !scope.can(Capability::ReadPersonal) {
            return Err(StoreError::NotFound);
        }
        let col = unit.level.ancestor_column();
        let rows = sqlx::query(&format!(
            "{ENROLMENT_SELECT} WHERE e.{col} = $1 ORDER BY e.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(unit.id.get())
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(|r| self.enrolment_from_row(r)).collect()
    }

    async fn attend_self(&self, scope: Scope, class: ClassId, now: i64) -> Result<Attended> {
        self.attend_self_sql(scope, class, now).await
    }

    async fn attend_roll(
        &self,
        class: &InScope<Class>,
        enrolments: &[EnrolmentId],
        via: AttendedVia,
        now: i64,
    ) -> Result<Vec<Attended>> {
        self.attend_roll_sql(class, enrolments, via, now).await
    }

    async fn training_coverage(
        &self,
        scope: Scope,
        unit: &Unit,
        year: i32,
    ) -> Result<TrainingCoverage> {
        self.training_coverage_sql(scope, unit, year).await
    }

    async fn untrained_chairs(
        &self,
        scope: Scope,
        unit: &Unit,
        page: Page,
    ) -> Result<Vec<UntrainedChair>> {
        if !scope.contains(&unit.ancestors) || !scope.can(Capability::ReadPersonal) {
            return Err(StoreError::NotFound);
        }
        let col = unit.level.ancestor_column();
        let rows = sqlx::query(&format!(
            "SELECT m.id, m.name_enc, o.name AS org_name, o.term_start, u.id AS u_id, \
             u.code AS u_code, u.name AS u_name, u.level AS u_level FROM organisations o \
             JOIN committee_members m ON m.election_id = o.election_id AND m.role = 'chair' \
             JOIN units u ON u.id = o.unit_id \
             WHERE o.{col} = $1 AND o.kind IN ('{}', '{}') \
             AND NOT EXISTS (SELECT 1 FROM training_trainees t WHERE t.member_id = m.id \
             AND t.completed_at IS NOT NULL) \
             ORDER BY u.code LIMIT $2 OFFSET $3",
            OrgKind::Village.as_str(),
            OrgKind::Community.as_str()
        ))
        .bind(unit.id.get())
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok(UntrainedChair {
                    member: CommitteeMemberId::new(id),
                    name: self.member_name(id, r.try_get("name_enc")?)?,
                    organisation: r.try_get("org_name")?,
                    unit: unit_ref(r, "u_")?,
                    term_start: r.try_get("term_start")?,
                })
            })
            .collect()
    }

    async fn certificate(&self, scope: Scope, enrolment: EnrolmentId) -> Result<Certificate> {
        if !scope.can(Capability::ReadPersonal) {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query(
            "SELECT e.l1, e.l2, e.l3, e.l4, e.l5, e.member_id, m.name_enc, p.title, p.title_mn, p.year, \
             pr.hours, pr.completed_at, u.id AS u_id, u.code AS u_code, u.name AS u_name, \
             u.level AS u_level, u.name_mn FROM training_enrolments e \
             JOIN committee_members m ON m.id = e.member_id \
             JOIN training_programmes p ON p.id = e.programme_id \
             JOIN units u ON u.id = p.unit_id \
             JOIN training_progress pr ON pr.programme_id = e.programme_id \
             AND pr.member_id = e.member_id \
             WHERE e.id = $1 AND pr.completed_at IS NOT NULL",
        )
        .bind(enrolment.get())
        .fetch_optional(self.reader())
        .await?;
        let row = crate::sql::not_found_if_none(row)?;
        if !scope.contains(&crate::sql::ancestors(&row, "")?) {
            return Err(StoreError::NotFound);
        }
        let member: i64 = row.try_get("member_id")?;
        Ok(Certificate {
            name: self.member_name(member, row.try_get("name_enc")?)?,
            programme: row.try_get("title")?,
            programme_mn: row.try_get("title_mn")?,
            year: i32::try_from(row.try_get::<i64, _>("year")?).unwrap_or(0),
            hours: row.try_get("hours")?,
            planner: unit_ref(&row, "u_")?,
            planner_name_mn: row.try_get("name_mn")?,
            completed_at: row.try_get("completed_at")?,
        })
    }

    async fn add_materials(
        &self,
        class: &InScope<Class>,
        new: &[crate::model::NewAttachment],
        max: usize,
        by: Option<UserId>,
        now: i64,
    ) -> Result<Vec<jinguo_domain::training::MaterialId>> {
        self.add_materials_sql(class, new, max, by, now).await
    }

    async fn materials(&self, class: &InScope<Class>) -> Result<Vec<super::Material>> {
        self.materials_sql(class).await
    }

    async fn material(
        &self,
        class: &InScope<Class>,
        id: jinguo_domain::training::MaterialId,
    ) -> Result<super::Material> {
        self.material_sql(class, id).await
    }
}
