//! Households, members and home visits.
//!
//! Sealed columns are written after the row's insert, in the same
//! transaction, because their associated data names the row id: a sealed
//! phone copied into another member's row no longer opens.

use crate::Scope;
use async_trait::async_trait;
use jinguo_domain::activity::format_date;
use jinguo_domain::{ActivityFields, HouseholdId, MemberId, Sex, UnitCode, UnitId, VisitId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::activities::insert_with_counters;
use super::activities::single::recordable_ancestors;
use super::cases::seal;
use super::list_sql::{Bind, like_escape};
use super::{SqlStore, ancestors, not_found_if_none};
use crate::model::{
    ConsentView, HouseholdFilter, HouseholdSummary, HouseholdView, MemberView, NewActivity,
    NewHousehold, NewVisit, Page, SealedField, Unit, Visit,
};
use crate::vault::associated_data;
use crate::{HouseholdStore, Result, StoreError};

/// The blind index's purpose for members' names.
pub(crate) const NAME_INDEX: &str = "household_member_name";

/// The activity type a visit counts as in the activity ledger.
const VISIT_ACTIVITY_TYPE: &str = "home_visit";

/// The first member (the head) of a list's household, as the columns
/// [`SUMMARY_HEAD`] selects: her sealed name, its row, and a plain name
/// left from before names were sealed.
const SUMMARY_HEAD: &str = "(SELECT m.id FROM household_members m WHERE m.household_id = h.id \
     ORDER BY m.sort LIMIT 1) AS head_id, \
     (SELECT m.name_enc FROM household_members m WHERE m.household_id = h.id \
     ORDER BY m.sort LIMIT 1) AS head_enc, \
     (SELECT m.name FROM household_members m WHERE m.household_id = h.id \
     ORDER BY m.sort LIMIT 1) AS head";

impl SqlStore {
    fn summary_from_row(&self, r: &AnyRow) -> Result<HouseholdSummary> {
        let head = match (
            r.try_get::<Option<i64>, _>("head_id")?,
            r.try_get::<Option<String>, _>("head_enc")?,
        ) {
            (Some(id), Some(sealed)) => self.open("household_members", "name", id, &sealed)?,
            _ => r.try_get::<Option<String>, _>("head")?.unwrap_or_default(),
        };
        Ok(HouseholdSummary {
            id: HouseholdId::new(r.try_get("id")?),
            unit_code: unit_code(r, "code")?,
            unit_name: r.try_get("name")?,
            head,
            members: r.try_get("members")?,
            last_visit: r.try_get("last_visit")?,
        })
    }

    /// A member as the register shows her: the name and the guardian's
    /// consent giver opened, the ID and phone masked from their sealed
    /// values (rows from before sealing keep what they held).
    fn member_from_row(&self, row: &AnyRow) -> Result<MemberView> {
        let id: i64 = row.try_get("id")?;
        let opened = |column: &str| -> Result<Option<String>> {
            row.try_get::<Option<String>, _>(format!("{column}_enc").as_str())?
                .map(|s| self.open("household_members", column, id, &s))
                .transpose()
        };
        let sex: String = row.try_get("sex")?;
        let guardian_given_by = match opened("guardian_given_by")? {
            Some(g) => Some(g),
            None => row.try_get::<Option<String>, _>("guardian_given_by")?,
        };
        let guardian = match (
            guardian_given_by,
            row.try_get::<Option<String>, _>("guardian_method")?,
        ) {
            (Some(given_by), Some(method)) => Some(ConsentView { given_by, method }),
            _ => None,
        };
        let id_number = match opened("id")? {
            Some(n) => Some(jinguo_domain::id_number::mask_stored(&n)),
            None => row.try_get("id_mask")?,
        };
        let phone = match opened("phone")? {
            Some(p) => Some(
                jinguo_domain::Phone::parse(&p)
                    .map(|p| p.mask())
                    .unwrap_or_else(|_| jinguo_domain::id_number::mask_stored(&p)),
            ),
            None => row.try_get("phone_mask")?,
        };
        Ok(MemberView {
            id: MemberId::new(id),
            name: opened("name")?.map_or_else(|| row.try_get("name"), Ok)?,
            sex: if sex == "M" { Sex::Male } else { Sex::Female },
            birth_year: row.try_get("birth_year")?,
            relation: row.try_get("relation")?,
            ethnicity: row.try_get("ethnicity")?,
            id_number,
            phone,
            guardian,
        })
    }
}

fn unit_code(row: &AnyRow, col: &str) -> Result<UnitCode> {
    let s: String = row.try_get(col)?;
    UnitCode::parse(&s).map_err(|_| sqlx::Error::Decode(format!("bad unit code {s}").into()).into())
}

impl SqlStore {
    /// Opens `table.column` of row `id`, sealed by [`seal`].
    fn open(&self, table: &str, column: &str, id: i64, sealed: &str) -> Result<String> {
        let plain = self
            .vault()?
            .decrypt_text(sealed, &associated_data(table, id, column))?;
        Ok(plain.as_str().to_owned())
    }

    /// The unit and ancestors of a household of the scope.
    async fn household_place(
        &self,
        conn: &mut AnyConnection,
        scope: Scope,
        id: HouseholdId,
    ) -> Result<(UnitId, [Option<UnitId>; 5])> {
        let sql = format!(
            "SELECT unit_id, l1, l2, l3, l4, l5 FROM households WHERE id = $1 AND {} = $2",
            scope.level().ancestor_column()
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(&mut *conn)
            .await?;
        let row = not_found_if_none(row)?;
        Ok((UnitId::new(row.try_get("unit_id")?), ancestors(&row, "")?))
    }

    fn visit_from_row(&self, row: &AnyRow) -> Result<Visit> {
        let id: i64 = row.try_get("id")?;
        let notes = row
            .try_get::<Option<String>, _>("notes_enc")?
            .map(|s| self.open("visits", "notes", id, &s))
            .transpose()?;
        let tags: String = row.try_get("tags")?;
        Ok(Visit {
            id: VisitId::new(id),
            household: HouseholdId::new(row.try_get("household_id")?),
            unit_id: UnitId::new(row.try_get("unit_id")?),
            unit_code: unit_code(row, "code")?,
            unit_name: row.try_get("name")?,
            ancestors: ancestors(row, "")?,
            date: row.try_get("date")?,
            visitors: row.try_get("visitors")?,
            notes,
            tags: tags
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            created_at: row.try_get("created_at")?,
            made_at: row.try_get("made_at")?,
        })
    }
}

const VISIT_COLS: &str = "v.id, v.household_id, v.unit_id, v.l1, v.l2, v.l3, v.l4, v.l5, v.date, \
     v.visitors, v.notes_enc, v.tags, v.created_at, v.made_at, u.code, u.name";

#[async_trait]
impl HouseholdStore for SqlStore {
    async fn create_household_arrived(
        &self,
        scope: Scope,
        new: NewHousehold,
        arrival: crate::idempotency::Arrival,
        now: i64,
    ) -> Result<HouseholdId> {
        // Fail before any write when no key is loaded.
        self.vault()?;
        let mut conn = self.writer().acquire().await?;
        let anc = recordable_ancestors(&mut conn, scope, new.unit).await?;
        let mut tx = self.backend.write_tx(&mut conn).await?;
        if let Some(claim) = arrival.claim() {
            crate::idempotency::take(&mut tx, claim, now).await?;
        }
        let h = &new.household;
        let row = sqlx::query(
            "INSERT INTO households (unit_id, l1, l2, l3, l4, l5, consent_given_by, \
             consent_method, consent_at, consent_by, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $9, $9) RETURNING id",
        )
        .bind(new.unit.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        // Sealed below; the plain column stays empty.
        .bind("")
        .bind(h.consent.method.as_str())
        .bind(now)
        .bind(new.by.get())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        seal(&mut tx, self, "households", "address", id, Some(&h.address)).await?;
        let giver = h.consent.given_by.as_str();
        seal(
            &mut tx,
            self,
            "households",
            "consent_given_by",
            id,
            Some(giver),
        )
        .await?;
        for (i, m) in h.members.iter().enumerate() {
            let row = sqlx::query(
                "INSERT INTO household_members (household_id, sort, name, name_bidx, sex, \
                 birth_year, relation, ethnicity, guardian_method) \
                 VALUES ($1, $2, '', $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(id)
            .bind(i as i64)
            .bind(self.vault()?.blind_index(
                NAME_INDEX,
                &jinguo_domain::person::name_key(m.name.as_str()),
            ))
            .bind(m.sex.code())
            .bind(i64::from(m.birth_year))
            .bind(m.relation.as_str())
            .bind(m.ethnicity.as_deref())
            .bind(m.guardian.as_ref().map(|g| g.method.as_str()))
            .fetch_one(&mut *tx)
            .await?;
            let member: i64 = row.try_get("id")?;
            let t = "household_members";
            seal(&mut tx, self, t, "name", member, Some(m.name.as_str())).await?;
            let id_number = m.id_number.as_ref().map(|n| n.as_str());
            seal(&mut tx, self, t, "id", member, id_number).await?;
            seal(
                &mut tx,
                self,
                t,
                "phone",
                member,
                m.phone.as_ref().map(|p| p.as_str()),
            )
            .await?;
            let guardian = m.guardian.as_ref().map(|g| g.given_by.as_str());
            seal(&mut tx, self, t, "guardian_given_by", member, guardian).await?;
        }
        tx.commit().await?;
        Ok(HouseholdId::new(id))
    }

    async fn household_in_scope(&self, scope: Scope, id: HouseholdId) -> Result<HouseholdView> {
        let sql = format!(
            "SELECT h.id, h.unit_id, h.l1, h.l2, h.l3, h.l4, h.l5, h.address_enc, \
             h.consent_given_by, h.consent_given_by_enc, h.consent_method, h.consent_at, h.created_at, u.code, u.name \
             FROM households h JOIN units u ON u.id = h.unit_id WHERE h.id = $1 AND h.{} = $2",
            scope.level().ancestor_column()
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(self.reader())
            .await?;
        let row = not_found_if_none(row)?;
        let address = match row.try_get::<Option<String>, _>("address_enc")? {
            Some(s) => self.open("households", "address", id.get(), &s)?,
            None => String::new(),
        };
        let members = sqlx::query(
            "SELECT id, name, name_enc, sex, birth_year, relation, ethnicity, id_mask, id_enc, \
             phone_mask, phone_enc, guardian_given_by, guardian_given_by_enc, guardian_method \
             FROM household_members WHERE household_id = $1 ORDER BY sort",
        )
        .bind(id.get())
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| self.member_from_row(r))
        .collect::<Result<Vec<_>>>()?;
        let consent_given_by = match row.try_get::<Option<String>, _>("consent_given_by_enc")? {
            Some(s) => self.open("households", "consent_given_by", id.get(), &s)?,
            None => row.try_get("consent_given_by")?,
        };
        Ok(HouseholdView {
            id,
            unit_id: UnitId::new(row.try_get("unit_id")?),
            unit_code: unit_code(&row, "code")?,
            unit_name: row.try_get("name")?,
            ancestors: ancestors(&row, "")?,
            address,
            consent: ConsentView {
                given_by: consent_given_by,
                method: row.try_get("consent_method")?,
            },
            consent_at: row.try_get("consent_at")?,
            members,
            created_at: row.try_get("created_at")?,
        })
    }

    async fn households_under(
        &self,
        scope: Scope,
        unit: &Unit,
        page: Page,
    ) -> Result<Vec<HouseholdSummary>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let sql = format!(
            "SELECT h.id, u.code, u.name, {SUMMARY_HEAD}, \
             (SELECT COUNT(*) FROM household_members m WHERE m.household_id = h.id) AS members, \
             (SELECT MAX(v.date) FROM visits v WHERE v.household_id = h.id) AS last_visit \
             FROM households h JOIN units u ON u.id = h.unit_id \
             WHERE h.{} = $1 ORDER BY h.id DESC LIMIT $2 OFFSET $3",
            unit.level.ancestor_column()
        );
        let rows = sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(|r| self.summary_from_row(r)).collect()
    }

    async fn households_filtered(
        &self,
        scope: Scope,
        unit: &Unit,
        filter: &HouseholdFilter,
        limit: i64,
    ) -> Result<Vec<HouseholdSummary>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        // Conditions after the unit's, each with its own numbered parameter.
        let mut cond = String::new();
        let mut binds: Vec<Bind> = Vec::new();
        let mut add = |sql: &str, v: Bind| {
            binds.push(v);
            cond.push_str(&sql.replace('?', &format!("${}", binds.len() + 1)));
        };
        if let Some(t) = filter.text.as_deref() {
            // A member by her whole name (its blind index: the name itself
            // is sealed), or a unit by part of its name.
            let index = match self.vault() {
                Ok(v) => v.blind_index(NAME_INDEX, &jinguo_domain::person::name_key(t)),
                Err(_) => String::new(),
            };
            add(
                " AND (EXISTS (SELECT 1 FROM household_members m WHERE m.household_id = h.id \
                 AND m.name_bidx = ?)",
                Bind::Text(index),
            );
            add(
                " OR u.name LIKE ? ESCAPE '\\')",
                Bind::Text(format!("%{}%", like_escape(t))),
            );
        }
        if filter.visited_from.is_some() || filter.visited_to.is_some() {
            let mut sub =
                String::from(" AND EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id");
            if let Some(d) = &filter.visited_from {
                binds.push(Bind::Text(d.clone()));
                sub.push_str(&format!(" AND v.date >= ${}", binds.len() + 1));
            }
            if let Some(d) = &filter.visited_to {
                binds.push(Bind::Text(d.clone()));
                sub.push_str(&format!(" AND v.date <= ${}", binds.len() + 1));
            }
            cond.push_str(&sub);
            cond.push(')');
        }
        if filter.never_visited {
            cond.push_str(" AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id)");
        }
        if let Some(b) = filter.before {
            binds.push(Bind::Int(b));
            cond.push_str(&format!(" AND h.id < ${}", binds.len() + 1));
        }
        let sql = format!(
            "SELECT h.id, u.code, u.name, {SUMMARY_HEAD}, \
             (SELECT COUNT(*) FROM household_members m WHERE m.household_id = h.id) AS members, \
             (SELECT MAX(v.date) FROM visits v WHERE v.household_id = h.id) AS last_visit \
             FROM households h JOIN units u ON u.id = h.unit_id \
             WHERE h.{} = $1{cond} ORDER BY h.id DESC LIMIT ${}",
            unit.level.ancestor_column(),
            binds.len() + 2
        );
        let mut q = sqlx::query(&sql).bind(unit.id.get());
        for b in binds {
            q = match b {
                Bind::Text(t) => q.bind(t),
                Bind::Int(i) => q.bind(i),
            };
        }
        let rows = q.bind(limit).fetch_all(self.reader()).await?;
        rows.iter().map(|r| self.summary_from_row(r)).collect()
    }

    async fn reveal(
        &self,
        scope: Scope,
        household: HouseholdId,
        member: MemberId,
        field: SealedField,
    ) -> Result<String> {
        let mut conn = self.pool.acquire().await?;
        self.household_place(&mut conn, scope, household).await?;
        let column = match field {
            SealedField::IdNumber => "id",
            SealedField::Phone => "phone",
        };
        let sql = format!(
            "SELECT {column}_enc AS sealed FROM household_members \
             WHERE id = $1 AND household_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(member.get())
            .bind(household.get())
            .fetch_optional(&mut *conn)
            .await?;
        let sealed: Option<String> = not_found_if_none(row)?.try_get("sealed")?;
        let sealed = not_found_if_none(sealed)?;
        self.open("household_members", column, member.get(), &sealed)
    }

    async fn create_visit_arrived(
        &self,
        scope: Scope,
        new: NewVisit,
        arrival: crate::idempotency::Arrival,
        now: i64,
    ) -> Result<VisitId> {
        self.vault()?;
        let mut conn = self.writer().acquire().await?;
        let (unit, _) = self
            .household_place(&mut conn, scope, new.household)
            .await?;
        // The household's unit must still take records (not retired).
        let anc = recordable_ancestors(&mut conn, scope, unit).await?;
        let counts = sqlx::query(
            "SELECT COUNT(*) AS members, \
             COALESCE(SUM(CASE WHEN sex = 'F' THEN 1 ELSE 0 END), 0) AS women \
             FROM household_members WHERE household_id = $1",
        )
        .bind(new.household.get())
        .fetch_one(&mut *conn)
        .await?;
        let date = format_date(new.date);
        let mut tx = self.backend.write_tx(&mut conn).await?;
        if let Some(claim) = arrival.claim() {
            crate::idempotency::take(&mut tx, claim, now).await?;
        }
        let activity = NewActivity {
            unit,
            fields: ActivityFields {
                date: new.date,
                type_key: VISIT_ACTIVITY_TYPE.to_owned(),
                program_key: None,
                title: "入户走访".to_owned(),
                title_mn: None,
                place: None,
                participants: counts.try_get("members")?,
                women: counts.try_get("women")?,
                summary: None,
            },
            by: Some(new.by),
        };
        let activity_id =
            insert_with_counters(&mut tx, self.backend, &anc, &activity, arrival.made_at, now)
                .await?;
        let row = sqlx::query(
            "INSERT INTO visits (household_id, unit_id, l1, l2, l3, l4, l5, date, month, \
             visitors, tags, activity_id, created_by, created_at, updated_at, made_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) \
             RETURNING id",
        )
        .bind(new.household.get())
        .bind(unit.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(date.as_str())
        .bind(activity.fields.month().yyyymm())
        .bind(new.visitors.as_str())
        .bind(new.tags.join(","))
        .bind(activity_id.get())
        .bind(new.by.get())
        .bind(now)
        .bind(arrival.made_at)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        if let Some(notes) = &new.notes {
            seal(&mut tx, self, "visits", "notes", id, Some(notes)).await?;
        }
        sqlx::query("UPDATE households SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(new.household.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(VisitId::new(id))
    }

    async fn visit_in_scope(&self, scope: Scope, id: VisitId) -> Result<Visit> {
        let sql = format!(
            "SELECT {VISIT_COLS} FROM visits v JOIN units u ON u.id = v.unit_id \
             WHERE v.id = $1 AND v.{} = $2",
            scope.level().ancestor_column()
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .bind(scope.unit().get())
            .fetch_optional(self.reader())
            .await?;
        self.visit_from_row(&not_found_if_none(row)?)
    }

    async fn visits_under(
        &self,
        scope: Scope,
        unit: &Unit,
        household: Option<HouseholdId>,
        page: Page,
    ) -> Result<Vec<Visit>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let by_household = if household.is_some() {
            " AND v.household_id = $4"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {VISIT_COLS} FROM visits v JOIN units u ON u.id = v.unit_id \
             WHERE v.{} = $1{by_household} ORDER BY v.date DESC, v.id DESC LIMIT $2 OFFSET $3",
            unit.level.ancestor_column()
        );
        let mut q = sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(page.limit)
            .bind(page.offset);
        if let Some(h) = household {
            q = q.bind(h.get());
        }
        let rows = q.fetch_all(self.reader()).await?;
        rows.iter().map(|r| self.visit_from_row(r)).collect()
    }
}

impl SqlStore {
    /// Seals what the register held in plain text before names were sealed
    /// (migration 0038): members' names (with their blind index), guardians'
    /// and households' consent givers; the ID and phone masks go where the
    /// full value is sealed (they are worked out from it). Run at every
    /// start with the key, a no-op once done; batches of 500 rows, each in
    /// one transaction. Returns how many rows changed.
    pub async fn seal_plain_household_names(&self) -> Result<u64> {
        let vault = self.vault()?;
        let mut changed = 0;
        loop {
            let rows = sqlx::query(
                "SELECT id, name, guardian_given_by FROM household_members \
                 WHERE name <> '' OR (guardian_given_by IS NOT NULL AND guardian_given_by <> '') \
                 OR (id_mask IS NOT NULL AND id_enc IS NOT NULL) \
                 OR (phone_mask IS NOT NULL AND phone_enc IS NOT NULL) ORDER BY id LIMIT 500",
            )
            .fetch_all(self.writer())
            .await?;
            if rows.is_empty() {
                break;
            }
            let mut tx = self.write_tx().await?;
            for r in &rows {
                let id: i64 = r.try_get("id")?;
                let t = "household_members";
                let name: String = r.try_get("name")?;
                if !name.is_empty() {
                    seal(&mut tx, self, t, "name", id, Some(&name)).await?;
                    let key = jinguo_domain::person::name_key(&name);
                    sqlx::query(
                        "UPDATE household_members SET name = '', name_bidx = $1 WHERE id = $2",
                    )
                    .bind(vault.blind_index(NAME_INDEX, &key))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                let guardian: Option<String> = r.try_get("guardian_given_by")?;
                if let Some(g) = guardian.filter(|g| !g.is_empty()) {
                    seal(&mut tx, self, t, "guardian_given_by", id, Some(&g)).await?;
                }
                sqlx::query(
                    "UPDATE household_members SET guardian_given_by = NULL, \
                     id_mask = CASE WHEN id_enc IS NULL THEN id_mask END, \
                     phone_mask = CASE WHEN phone_enc IS NULL THEN phone_mask END WHERE id = $1",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            changed += rows.len() as u64;
        }
        loop {
            let rows = sqlx::query(
                "SELECT id, consent_given_by FROM households WHERE consent_given_by <> '' \
                 ORDER BY id LIMIT 500",
            )
            .fetch_all(self.writer())
            .await?;
            if rows.is_empty() {
                break;
            }
            let mut tx = self.write_tx().await?;
            for r in &rows {
                let id: i64 = r.try_get("id")?;
                let giver: String = r.try_get("consent_given_by")?;
                seal(
                    &mut tx,
                    self,
                    "households",
                    "consent_given_by",
                    id,
                    Some(&giver),
                )
                .await?;
                sqlx::query("UPDATE households SET consent_given_by = '' WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            changed += rows.len() as u64;
        }
        Ok(changed)
    }
}
