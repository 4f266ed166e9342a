//! Organisations, committees, elections and their coverage counters.
//!
//! `rollup_organisations` holds, for every ancestor of an organisation's
//! unit, counts by (dimension, key): organisations, village ones, sector
//! ones and their fields, complete committees, members by ethnicity,
//! education and birth year, village chairs and those on the village
//! committee. A write computes what the organisation contributed before
//! and after ([`super::model::facts`]) and adds the difference to each
//! ancestor's rows in one multi-row upsert, sorted by key so concurrent
//! writers lock rows in the same order. Overdue terms are counted from the
//! dates when read (indexed by ancestor and due date).

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use jinguo_domain::organisation::{
    Committee, CommitteeRole, Education, Ethnicity, OrgFields, OrgKind, Political, SectorField,
    Term,
};
use jinguo_domain::{
    Capability, CommitteeMemberId, ElectionId, OrganisationId, Phone, Sex, UnitCode, UnitId,
    UnitKind, UserId,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;
use time::macros::format_description;

use super::model::facts;
use super::{
    CommitteeMember, Election, NewElection, NewOrganisation, OrgCounts, OrgCoverage, Organisation,
    OrganisationStore, TermNotice,
};
use crate::model::{Page, Unit, UnitRef};
use crate::sql::cases::seal;
use crate::sql::{Backend, SqlStore, ancestors, level_of, not_found_if_none};
use crate::vault::associated_data;
use crate::{InScope, Result, Scope, StoreError, UnitStore};

const ORG_COLS: &str = "o.id, o.unit_id, o.l1, o.l2, o.l3, o.l4, o.l5, o.name AS org_name, \
     o.kind AS org_kind, o.field, o.established_on, o.term_start, o.term_years, \
     o.next_election_due, o.members, o.complete, o.election_id, o.created_at, o.updated_at, \
     u.code, u.name, u.level, u.kind";

fn decode_err(what: String) -> StoreError {
    sqlx::Error::Decode(what.into()).into()
}

pub fn day_text(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

fn date_col(row: &AnyRow, col: &str) -> Result<Date> {
    let s: String = row.try_get(col)?;
    jinguo_domain::activity::parse_date(&s).ok_or_else(|| decode_err(format!("bad date {s}")))
}

fn parsed<T>(v: Option<T>, what: &str) -> Result<T> {
    v.ok_or_else(|| decode_err(format!("bad {what}")))
}

fn org_from_row(row: &AnyRow) -> Result<Organisation> {
    let code: String = row.try_get("code")?;
    let kind: String = row.try_get("kind")?;
    let org_kind: String = row.try_get("org_kind")?;
    let field: Option<String> = row.try_get("field")?;
    let start = date_col(row, "term_start")?;
    let term = Term::new(
        start,
        row.try_get("term_years")?,
        Some(date_col(row, "next_election_due")?),
    )
    .map_err(|e| decode_err(format!("bad term: {e}")))?;
    Ok(Organisation {
        id: OrganisationId::new(row.try_get("id")?),
        unit: UnitRef {
            id: UnitId::new(row.try_get("unit_id")?),
            code: UnitCode::parse(&code).map_err(|_| decode_err(format!("bad code {code}")))?,
            name: row.try_get("name")?,
            level: level_of(row, "level")?,
        },
        unit_kind: UnitKind::parse(&kind).unwrap_or(UnitKind::Geo),
        ancestors: ancestors(row, "")?,
        fields: OrgFields {
            name: row.try_get("org_name")?,
            kind: parsed(OrgKind::parse(&org_kind), "organisation kind")?,
            field: field.as_deref().and_then(SectorField::parse),
            established_on: date_col(row, "established_on")?,
        },
        term,
        election: row
            .try_get::<Option<i64>, _>("election_id")?
            .map(ElectionId::new),
        members: row.try_get("members")?,
        complete: row.try_get::<i64, _>("complete")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The counted attributes of one member.
type Counted = (CommitteeRole, Ethnicity, Education, i32, bool, bool);

fn counted_of(c: &Committee) -> Vec<Counted> {
    c.members()
        .iter()
        .map(|m| {
            (
                m.role,
                m.ethnicity,
                m.education,
                m.birth_year,
                m.full_time,
                m.on_village_committee,
            )
        })
        .collect()
}

/// The counted attributes of a stored committee.
async fn stored_counted(conn: &mut AnyConnection, election: i64) -> Result<Vec<Counted>> {
    sqlx::query(
        "SELECT role, ethnicity, education, birth_year, full_time, on_village_committee \
         FROM committee_members WHERE election_id = $1",
    )
    .bind(election)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let role: String = r.try_get("role")?;
        let eth: String = r.try_get("ethnicity")?;
        let edu: String = r.try_get("education")?;
        Ok((
            parsed(CommitteeRole::parse(&role), "role")?,
            parsed(Ethnicity::parse(&eth), "ethnicity")?,
            parsed(Education::parse(&edu), "education")?,
            i32::try_from(r.try_get::<i64, _>("birth_year")?).unwrap_or(0),
            r.try_get::<i64, _>("full_time")? != 0,
            r.try_get::<i64, _>("on_village_committee")? != 0,
        ))
    })
    .collect()
}

/// Adds `after − before` to every ancestor's counter rows.
async fn apply(
    conn: &mut AnyConnection,
    backend: Backend,
    anc: &[Option<UnitId>; 5],
    before: &BTreeMap<(&'static str, String), i64>,
    after: &BTreeMap<(&'static str, String), i64>,
) -> Result<()> {
    let mut delta: BTreeMap<(&'static str, String), i64> = after.clone();
    for (k, n) in before {
        *delta.entry(k.clone()).or_default() -= n;
    }
    delta.retain(|_, n| *n != 0);
    let mut rows: Vec<(i64, &str, &str, i64)> = Vec::new();
    let mut units: Vec<i64> = anc.iter().flatten().map(|u| u.get()).collect();
    units.sort_unstable();
    for u in units {
        for ((dim, key), n) in &delta {
            rows.push((u, dim, key.as_str(), *n));
        }
    }
    for chunk in rows.chunks(400) {
        let sql = format!(
            "INSERT INTO rollup_organisations (unit_id, dim, key, n) VALUES {} \
             ON CONFLICT (unit_id, dim, key) DO UPDATE SET \
             n = rollup_organisations.n + excluded.n",
            backend.row_params(chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for (u, d, k, n) in chunk {
            q = q.bind(*u).bind(*d).bind(*k).bind(*n);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes a committee under an election, names and phones sealed.
async fn insert_committee(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    store: &SqlStore,
    election: i64,
    c: &Committee,
) -> Result<()> {
    for (i, m) in c.members().iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO committee_members (election_id, position, role, sex, ethnicity, \
             birth_year, education, political, full_time, on_village_committee) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(election)
        .bind(i as i64)
        .bind(m.role.as_str())
        .bind(m.sex.code())
        .bind(m.ethnicity.as_str())
        .bind(i64::from(m.birth_year))
        .bind(m.education.as_str())
        .bind(m.political.as_str())
        .bind(i64::from(m.full_time))
        .bind(i64::from(m.on_village_committee))
        .fetch_one(&mut **tx)
        .await?;
        seal(tx, store, "committee_members", "name", id, Some(&m.name)).await?;
        if let Some(p) = &m.phone {
            seal(
                tx,
                store,
                "committee_members",
                "phone",
                id,
                Some(p.as_str()),
            )
            .await?;
        }
    }
    Ok(())
}

async fn insert_election(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    org: i64,
    held_on: Date,
    term: &Term,
    note: Option<&str>,
    first: bool,
    (by, now): (Option<UserId>, i64),
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO organisation_elections (organisation_id, held_on, term_years, \
         next_election_due, note, first_committee, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(org)
    .bind(day_text(held_on))
    .bind(term.years())
    .bind(day_text(term.due()))
    .bind(note)
    .bind(i64::from(first))
    .bind(by.map(UserId::get))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

impl SqlStore {
    /// An active unit of the scope whose kind fits the organisation.
    async fn org_unit(&self, scope: Scope, unit: UnitId, kind: OrgKind) -> Result<Unit> {
        let u = self.unit_by_id(unit).await?;
        if !scope.contains(&u.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !u.active {
            return Err(crate::sql::units::retired());
        }
        if !kind.fits(u.level, u.kind) {
            return Err(StoreError::Refused {
                field: "kind",
                key: "err.org.kind_unit",
            });
        }
        Ok(u)
    }

    /// Active geographic villages of `unit`'s subtree, per child of `unit`
    /// (key `Some(child)`) and in all (key `None`).
    async fn org_villages(&self, unit: &Unit) -> Result<HashMap<Option<i64>, i64>> {
        let col = unit.level.ancestor_column();
        let mut out = HashMap::new();
        let Some(child) = unit.level.child() else {
            let n: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM units u WHERE u.{col} = $1 AND u.level = 5 \
                 AND u.kind = 'geo' AND u.active = 1"
            ))
            .bind(unit.id.get())
            .fetch_one(self.reader())
            .await?;
            out.insert(None, n);
            return Ok(out);
        };
        let ccol = child.ancestor_column();
        let rows = sqlx::query(&format!(
            "SELECT u.{ccol} AS g, COUNT(*) AS n FROM units u WHERE u.{col} = $1 \
             AND u.level = 5 AND u.kind = 'geo' AND u.active = 1 GROUP BY u.{ccol}"
        ))
        .bind(unit.id.get())
        .fetch_all(self.reader())
        .await?;
        let mut total = 0;
        for r in &rows {
            let n: i64 = r.try_get("n")?;
            total += n;
            out.insert(r.try_get::<Option<i64>, _>("g")?, n);
        }
        out.insert(None, total);
        Ok(out)
    }

    /// Terms due before `today` in `unit`'s subtree, per child and in all.
    async fn org_overdue(&self, unit: &Unit, today: Date) -> Result<HashMap<Option<i64>, i64>> {
        let col = unit.level.ancestor_column();
        let group = unit
            .level
            .child()
            .map_or("CAST(NULL AS BIGINT)".to_owned(), |c| {
                format!("o.{}", c.ancestor_column())
            });
        let rows = sqlx::query(&format!(
            "SELECT {group} AS g, COUNT(*) AS n FROM organisations o \
             WHERE o.{col} = $1 AND o.next_election_due < $2 GROUP BY {group}"
        ))
        .bind(unit.id.get())
        .bind(day_text(today))
        .fetch_all(self.reader())
        .await?;
        let mut out = HashMap::new();
        let mut total = 0;
        for r in &rows {
            let n: i64 = r.try_get("n")?;
            total += n;
            out.insert(r.try_get::<Option<i64>, _>("g")?, n);
        }
        out.insert(None, total);
        Ok(out)
    }
}

#[async_trait]
impl OrganisationStore for SqlStore {
    async fn create_organisation(
        &self,
        scope: Scope,
        new: NewOrganisation,
        now: i64,
    ) -> Result<OrganisationId> {
        let unit = self.org_unit(scope, new.unit, new.fields.kind).await?;
        let anc = unit.ancestors;
        let f = &new.fields;
        let mut tx = self.write_tx().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM organisations WHERE unit_id = $1")
                .bind(unit.id.get())
                .fetch_optional(&mut *tx)
                .await?;
        let refused = StoreError::Refused {
            field: "unit_code",
            key: "err.org.exists",
        };
        if exists.is_some() {
            return Err(refused);
        }
        let inserted = sqlx::query_scalar(
            "INSERT INTO organisations (unit_id, l1, l2, l3, l4, l5, name, kind, field, \
             established_on, term_start, term_years, next_election_due, members, complete, \
             created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             $17, $17) RETURNING id",
        )
        .bind(unit.id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(f.name.as_str())
        .bind(f.kind.as_str())
        .bind(f.field.map(SectorField::as_str))
        .bind(day_text(f.established_on))
        .bind(day_text(new.term.start()))
        .bind(new.term.years())
        .bind(day_text(new.term.due()))
        .bind(new.committee.members().len() as i64)
        .bind(i64::from(new.committee.is_complete()))
        .bind(new.by.map(UserId::get))
        .bind(now)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(id) => id,
            // Two creations racing on PostgreSQL: the second meets the key.
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => return Err(refused),
            Err(e) => return Err(e.into()),
        };
        let election = insert_election(
            &mut tx,
            id,
            new.term.start(),
            &new.term,
            None,
            true,
            (new.by, now),
        )
        .await?;
        insert_committee(&mut tx, self, election, &new.committee).await?;
        sqlx::query("UPDATE organisations SET election_id = $1 WHERE id = $2")
            .bind(election)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let after = facts(
            f.kind,
            f.field,
            &counted_of(&new.committee),
            new.committee.is_complete(),
        );
        apply(&mut tx, self.backend, &anc, &BTreeMap::new(), &after).await?;
        tx.commit().await?;
        Ok(OrganisationId::new(id))
    }

    async fn organisation_in_scope(
        &self,
        scope: Scope,
        id: OrganisationId,
    ) -> Result<InScope<Organisation>> {
        let sql = format!(
            "SELECT {ORG_COLS} FROM organisations o JOIN units u ON u.id = o.unit_id \
             WHERE o.id = $1 AND o.{} = $2",
            scope.level().ancestor_column()
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(self.reader())
            .await?;
        Ok(InScope::new(org_from_row(&not_found_if_none(row)?)?, scope))
    }

    async fn organisation_of_unit(
        &self,
        scope: Scope,
        unit: &Unit,
    ) -> Result<Option<Organisation>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let sql = format!(
            "SELECT {ORG_COLS} FROM organisations o JOIN units u ON u.id = o.unit_id \
             WHERE o.unit_id = $1"
        );
        sqlx::query(&sql)
            .bind(unit.id.get())
            .fetch_optional(self.reader())
            .await?
            .as_ref()
            .map(org_from_row)
            .transpose()
    }

    async fn organisations_under(
        &self,
        scope: Scope,
        unit: &Unit,
        overdue_on: Option<Date>,
        page: Page,
    ) -> Result<Vec<Organisation>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let col = unit.level.ancestor_column();
        let filter = if overdue_on.is_some() {
            "AND o.next_election_due < $2"
        } else {
            "AND $2 = $2"
        };
        let sql = format!(
            "SELECT {ORG_COLS} FROM organisations o JOIN units u ON u.id = o.unit_id \
             WHERE o.{col} = $1 {filter} ORDER BY u.code LIMIT $3 OFFSET $4"
        );
        sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(overdue_on.map(day_text).unwrap_or_default())
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(org_from_row)
            .collect()
    }

    async fn committee(&self, org: &InScope<Organisation>) -> Result<Vec<CommitteeMember>> {
        if !org.scope().can(Capability::ReadPersonal) {
            return Err(StoreError::NotFound);
        }
        let Some(election) = org.election else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT id, role, name_enc, phone_enc, sex, ethnicity, birth_year, education, \
             political, full_time, on_village_committee FROM committee_members \
             WHERE election_id = $1 ORDER BY position, id",
        )
        .bind(election.get())
        .fetch_all(self.reader())
        .await?;
        let vault = self.vault()?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let open = |col: &str, sealed: Option<String>| -> Result<Option<String>> {
                sealed
                    .map(|s| {
                        vault
                            .decrypt_text(&s, &associated_data("committee_members", id, col))
                            .map(|p| p.as_str().to_owned())
                            .map_err(StoreError::from)
                    })
                    .transpose()
            };
            let role: String = r.try_get("role")?;
            let sex: String = r.try_get("sex")?;
            let eth: String = r.try_get("ethnicity")?;
            let edu: String = r.try_get("education")?;
            let pol: String = r.try_get("political")?;
            out.push(CommitteeMember {
                id: CommitteeMemberId::new(id),
                role: parsed(CommitteeRole::parse(&role), "role")?,
                name: open("name", r.try_get("name_enc")?)?.unwrap_or_default(),
                phone_masked: open("phone", r.try_get("phone_enc")?)?
                    .map(|p| Phone::parse(&p).map(|p| p.mask()).unwrap_or_default()),
                sex: Sex::parse(&sex, "sex").map_err(|_| decode_err(format!("bad sex {sex}")))?,
                ethnicity: parsed(Ethnicity::parse(&eth), "ethnicity")?,
                birth_year: i32::try_from(r.try_get::<i64, _>("birth_year")?).unwrap_or(0),
                education: parsed(Education::parse(&edu), "education")?,
                political: parsed(Political::parse(&pol), "political")?,
                full_time: r.try_get::<i64, _>("full_time")? != 0,
                on_village_committee: r.try_get::<i64, _>("on_village_committee")? != 0,
            });
        }
        Ok(out)
    }

    async fn record_election(
        &self,
        org: &InScope<Organisation>,
        new: NewElection,
        now: i64,
    ) -> Result<ElectionId> {
        let e = &new.fields;
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE organisations SET term_start = $1, term_years = $2, next_election_due = $3, \
             members = $4, complete = $5, updated_at = $6 WHERE id = $7 AND updated_at = $8",
        )
        .bind(day_text(e.term.start()))
        .bind(e.term.years())
        .bind(day_text(e.term.due()))
        .bind(e.committee.members().len() as i64)
        .bind(i64::from(e.committee.is_complete()))
        .bind(now.max(org.updated_at + 1))
        .bind(org.id.get())
        .bind(org.updated_at)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StoreError::Conflict("organisation_changed"));
        }
        if let Some(old) = org.election {
            // A trained chair of the committee replaced leaves the
            // training coverage's "trained this term".
            crate::training::on_new_committee(&mut tx, self.backend, &org.ancestors, old.get())
                .await?;
        }
        let before = match org.election {
            Some(old) => facts(
                org.fields.kind,
                org.fields.field,
                &stored_counted(&mut tx, old.get()).await?,
                org.complete,
            ),
            None => BTreeMap::new(),
        };
        let election = insert_election(
            &mut tx,
            org.id.get(),
            e.held_on,
            &e.term,
            e.note.as_deref(),
            false,
            (new.by, now),
        )
        .await?;
        insert_committee(&mut tx, self, election, &e.committee).await?;
        sqlx::query("UPDATE organisations SET election_id = $1 WHERE id = $2")
            .bind(election)
            .bind(org.id.get())
            .execute(&mut *tx)
            .await?;
        let after = facts(
            org.fields.kind,
            org.fields.field,
            &counted_of(&e.committee),
            e.committee.is_complete(),
        );
        apply(&mut tx, self.backend, &org.ancestors, &before, &after).await?;
        tx.commit().await?;
        Ok(ElectionId::new(election))
    }

    async fn elections(&self, org: &InScope<Organisation>) -> Result<Vec<Election>> {
        sqlx::query(
            "SELECT e.id, e.held_on, e.term_years, e.next_election_due, e.note, \
             e.first_committee, e.recorded_at, \
             (SELECT COUNT(*) FROM committee_members m WHERE m.election_id = e.id) AS members \
             FROM organisation_elections e WHERE e.organisation_id = $1 ORDER BY e.id DESC",
        )
        .bind(org.id.get())
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            Ok(Election {
                id: ElectionId::new(r.try_get("id")?),
                held_on: date_col(r, "held_on")?,
                term_years: r.try_get("term_years")?,
                next_election_due: date_col(r, "next_election_due")?,
                note: r.try_get("note")?,
                first: r.try_get::<i64, _>("first_committee")? != 0,
                members: r.try_get("members")?,
                recorded_at: r.try_get("recorded_at")?,
            })
        })
        .collect()
    }

    async fn organisation_coverage(
        &self,
        scope: Scope,
        unit: &Unit,
        today: Date,
    ) -> Result<OrgCoverage> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let children = sqlx::query(
            "SELECT id, code, name, level FROM units WHERE parent_id = $1 AND active = 1 \
             ORDER BY kind, code",
        )
        .bind(unit.id.get())
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(crate::sql::units::unit_ref_from_row)
        .collect::<Result<Vec<_>>>()?;
        // The unit and its children by key, so both backends read the
        // counters' primary key (an OR with a subquery scanned the table
        // on PostgreSQL).
        let ids: Vec<i64> = std::iter::once(unit.id.get())
            .chain(children.iter().map(|c| c.id.get()))
            .collect();
        let sql = format!(
            "SELECT r.unit_id, r.dim, r.key, r.n FROM rollup_organisations r \
             WHERE r.unit_id IN ({})",
            self.backend.params(1, ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in &ids {
            q = q.bind(*id);
        }
        let rows = q.fetch_all(self.reader()).await?;
        let year = today.year();
        let mut counts: HashMap<i64, OrgCounts> = HashMap::new();
        for r in &rows {
            let u: i64 = r.try_get("unit_id")?;
            let dim: String = r.try_get("dim")?;
            let key: String = r.try_get("key")?;
            counts
                .entry(u)
                .or_default()
                .add(&dim, &key, r.try_get("n")?, year);
        }
        let villages = self.org_villages(unit).await?;
        let overdue = self.org_overdue(unit, today).await?;
        let mut finish = |id: Option<i64>, key: i64| {
            let mut c = counts.remove(&key).unwrap_or_default();
            c.villages = villages.get(&id).copied().unwrap_or(0);
            c.overdue_terms = overdue.get(&id).copied().unwrap_or(0);
            c.fill_keys();
            c
        };
        let own = finish(None, unit.id.get());
        let children = children
            .into_iter()
            .map(|c| {
                let n = finish(Some(c.id.get()), c.id.get());
                (c, n)
            })
            .collect();
        Ok(OrgCoverage {
            unit: UnitRef {
                id: unit.id,
                code: unit.code.clone(),
                name: unit.name.clone(),
                level: unit.level,
            },
            counts: own,
            children,
        })
    }

    async fn term_notices(&self, scope: Scope, unit: &Unit, page: Page) -> Result<Vec<TermNotice>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "SELECT n.id, n.organisation_id, n.due, n.created_at, o.name AS org_name, \
             o.next_election_due, u.id AS uid, u.code, u.name, u.level \
             FROM organisation_notices n JOIN organisations o ON o.id = n.organisation_id \
             JOIN units u ON u.id = o.unit_id WHERE n.unit_id = $1 \
             ORDER BY n.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(unit.id.get())
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            let code: String = r.try_get("code")?;
            let due: String = r.try_get("due")?;
            let current: String = r.try_get("next_election_due")?;
            Ok(TermNotice {
                id: r.try_get("id")?,
                organisation: OrganisationId::new(r.try_get("organisation_id")?),
                organisation_name: r.try_get("org_name")?,
                unit: UnitRef {
                    id: UnitId::new(r.try_get("uid")?),
                    code: UnitCode::parse(&code)
                        .map_err(|_| decode_err(format!("bad code {code}")))?,
                    name: r.try_get("name")?,
                    level: level_of(r, "level")?,
                },
                due: date_col(r, "due")?,
                still_overdue: due == current,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
    }
}

/// Unscoped: the reminder job, the command line, benchmarks and checks,
/// through the system handle only.
impl SqlStore {
    /// Tells the unit above each organisation whose term was due before
    /// `today` (once per due date); returns how many notices were added.
    pub async fn add_term_notices(&self, today: Date, now: i64) -> Result<u64> {
        let done = sqlx::query(
            "INSERT INTO organisation_notices (unit_id, organisation_id, due, created_at) \
             SELECT u.parent_id, o.id, o.next_election_due, $1 FROM organisations o \
             JOIN units u ON u.id = o.unit_id \
             WHERE o.next_election_due < $2 AND u.parent_id IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM organisation_notices n \
             WHERE n.organisation_id = o.id AND n.due = o.next_election_due)",
        )
        .bind(now)
        .bind(day_text(today))
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected())
    }

    /// Every counter compared with a recount from the organisations and
    /// their current committees; empty when all agree.
    pub async fn organisation_mismatches(&self) -> Result<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        let orgs = sqlx::query(
            "SELECT id, l1, l2, l3, l4, l5, kind, field, complete, election_id \
             FROM organisations",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut expected: BTreeMap<(i64, String, String), i64> = BTreeMap::new();
        for o in &orgs {
            let anc = ancestors(o, "")?;
            let kind: String = o.try_get("kind")?;
            let field: Option<String> = o.try_get("field")?;
            let members = match o.try_get::<Option<i64>, _>("election_id")? {
                Some(e) => stored_counted(&mut conn, e).await?,
                None => Vec::new(),
            };
            let f = facts(
                parsed(OrgKind::parse(&kind), "kind")?,
                field.as_deref().and_then(SectorField::parse),
                &members,
                o.try_get::<i64, _>("complete")? != 0,
            );
            for u in anc.iter().flatten() {
                for ((dim, key), n) in &f {
                    *expected
                        .entry((u.get(), (*dim).to_owned(), key.clone()))
                        .or_default() += n;
                }
            }
        }
        let stored = sqlx::query("SELECT unit_id, dim, key, n FROM rollup_organisations")
            .fetch_all(&mut *conn)
            .await?;
        let mut out = Vec::new();
        for r in &stored {
            let k: (i64, String, String) =
                (r.try_get("unit_id")?, r.try_get("dim")?, r.try_get("key")?);
            let got: i64 = r.try_get("n")?;
            let want = expected.remove(&k).unwrap_or(0);
            if got != want {
                out.push(format!("{k:?}: stored {got}, recount {want}"));
            }
        }
        for (k, want) in expected {
            if want != 0 {
                out.push(format!("{k:?}: missing, recount {want}"));
            }
        }
        Ok(out)
    }

    /// `VACUUM ANALYZE` of the organisation tables and the units (a no-op
    /// on SQLite), as autovacuum does in a deployment: after a bulk load the
    /// benchmark's fresh tables have no statistics and no visibility map,
    /// so PostgreSQL would read rows instead of the covering indexes.
    pub async fn vacuum_organisations(&self) -> Result<()> {
        if self.backend == Backend::Postgres {
            // Not in a transaction: VACUUM refuses to run in one.
            sqlx::raw_sql(
                "VACUUM ANALYZE organisations, rollup_organisations, committee_members, units",
            )
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// The sealed name column of a committee member, for tests that check
    /// nothing is stored in the clear.
    pub async fn committee_sealed_names(&self, org: OrganisationId) -> Result<Vec<Option<String>>> {
        Ok(sqlx::query_scalar(
            "SELECT m.name_enc FROM committee_members m \
             JOIN organisation_elections e ON e.id = m.election_id \
             WHERE e.organisation_id = $1 ORDER BY m.id",
        )
        .bind(org.get())
        .fetch_all(self.reader())
        .await?)
    }

    /// Sets the due date of an organisation's term directly, so tests and
    /// the demo can show an overdue term without waiting years.
    pub async fn organisation_backdate_due(&self, org: OrganisationId, due: Date) -> Result<()> {
        sqlx::query("UPDATE organisations SET next_election_due = $1 WHERE id = $2")
            .bind(day_text(due))
            .bind(org.get())
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
