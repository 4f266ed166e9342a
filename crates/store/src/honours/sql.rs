//! Honours on SQL. Every write is one transaction that starts by touching
//! the campaign's row (on PostgreSQL a row lock, on SQLite the write lock
//! is already held), so quota counts and state checks read inside it are
//! not raced by a second writer; the step row and the audit entry are
//! written in the same transaction.

use async_trait::async_trait;
use jinguo_domain::activity::{format_date, parse_date};
use jinguo_domain::honour::{
    self, CampaignFields, CampaignId, CampaignStatus, NominationConsent, NominationId,
    NominationStatus, ObjectionId, ObjectionStatus, Refusal, Step, SubjectKind,
};
use jinguo_domain::household::ConsentMethod;
use jinguo_domain::{HouseholdId, Level, UnitCode, UnitId, UnitKind};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;

use super::{
    Campaign, HonourStore, Honoured, NewCampaign, NewNomination, NewObjection, Nomination,
    NominationRecord, Objection, PublicCampaign, PublicEntry, StepRow, Who,
};
use crate::model::{Page, Unit, UnitRef};
use crate::sql::cases::seal;
use crate::sql::{SqlStore, ancestors, level_of, not_found_if_none};
use crate::vault::associated_data;
use crate::{InScope, Result, Scope, StoreError, UnitStore};

const CAMPAIGN_COLS: &str = "c.id, c.unit_id, c.l1, c.l2, c.l3, c.l4, c.l5, c.title, c.title_mn, c.year, \
     c.category, c.subject, c.nominating_level, c.quota, c.nomination_deadline, \
     c.review_deadline, c.notice_days, c.status, c.notice_start, c.notice_end, c.published_on, \
     c.created_at, u.code, u.name AS unit_name, u.level";

const NOMINATION_COLS: &str = "n.id, n.campaign_id, n.unit_id, n.l1, n.l2, n.l3, n.l4, n.l5, \
     n.display_name, n.display_name_mn, n.members, n.employer, n.story, n.household_id, n.consent_given_by, \
     n.consent_method, n.consent_date, n.status, n.at_unit_id, n.at_level, n.created_at, \
     n.updated_at, u.code, u.name AS unit_name, u.level";

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
    parse_date(&s).ok_or_else(|| decode_err(format!("bad date in {col}")))
}

fn opt_date_col(row: &AnyRow, col: &str) -> Result<Option<Date>> {
    let s: Option<String> = row.try_get(col)?;
    s.map(|s| parse_date(&s).ok_or_else(|| decode_err(format!("bad date in {col}"))))
        .transpose()
}

fn unit_ref(row: &AnyRow, id_col: &str) -> Result<UnitRef> {
    let code: String = row.try_get("code")?;
    Ok(UnitRef {
        id: UnitId::new(row.try_get(id_col)?),
        code: UnitCode::parse(&code).map_err(|_| decode_err(format!("bad unit code {code}")))?,
        name: row.try_get("unit_name")?,
        level: level_of(row, "level")?,
    })
}

fn campaign_from_row(row: &AnyRow) -> Result<Campaign> {
    let subject: String = row.try_get("subject")?;
    let status: String = row.try_get("status")?;
    let level: i64 = row.try_get("nominating_level")?;
    let year: i64 = row.try_get("year")?;
    Ok(Campaign {
        id: CampaignId::new(row.try_get("id")?),
        issuer: unit_ref(row, "unit_id")?,
        issuer_path: ancestors(row, "")?,
        fields: CampaignFields {
            title: row.try_get("title")?,
            title_mn: row.try_get("title_mn")?,
            year: year as i32,
            category: row.try_get("category")?,
            subject: SubjectKind::parse(&subject)
                .ok_or_else(|| decode_err(format!("bad subject {subject}")))?,
            nominating_level: Level::new(level as u8)
                .map_err(|_| decode_err(format!("bad level {level}")))?,
            quota: row.try_get("quota")?,
            nomination_deadline: date_col(row, "nomination_deadline")?,
            review_deadline: date_col(row, "review_deadline")?,
            notice_days: row.try_get("notice_days")?,
        },
        status: CampaignStatus::parse(&status)
            .ok_or_else(|| decode_err(format!("bad campaign status {status}")))?,
        notice_start: opt_date_col(row, "notice_start")?,
        notice_end: opt_date_col(row, "notice_end")?,
        published_on: opt_date_col(row, "published_on")?,
        quotas: Vec::new(),
        created_at: row.try_get("created_at")?,
    })
}

fn nomination_from_row(row: &AnyRow, subject: SubjectKind) -> Result<Nomination> {
    let status: String = row.try_get("status")?;
    let method: String = row.try_get("consent_method")?;
    let at_level: i64 = row.try_get("at_level")?;
    Ok(Nomination {
        id: NominationId::new(row.try_get("id")?),
        campaign_id: CampaignId::new(row.try_get("campaign_id")?),
        unit: unit_ref(row, "unit_id")?,
        path: ancestors(row, "")?,
        subject,
        display_name: row.try_get("display_name")?,
        display_name_mn: row.try_get("display_name_mn")?,
        members: row.try_get("members")?,
        employer: row.try_get("employer")?,
        story: row.try_get("story")?,
        household: row
            .try_get::<Option<i64>, _>("household_id")?
            .map(HouseholdId::new),
        consent: NominationConsent {
            given_by: row.try_get("consent_given_by")?,
            method: ConsentMethod::parse(&method)
                .ok_or_else(|| decode_err(format!("bad consent method {method}")))?,
            date: date_col(row, "consent_date")?,
        },
        status: NominationStatus::parse(&status)
            .ok_or_else(|| decode_err(format!("bad nomination status {status}")))?,
        at_unit: UnitId::new(row.try_get("at_unit_id")?),
        at_level: Level::new(at_level as u8)
            .map_err(|_| decode_err(format!("bad level {at_level}")))?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Audit entries in the write's transaction (see `crate::sql::audit::by_who`).
use crate::sql::audit::by_who as audit;

async fn step(
    conn: &mut AnyConnection,
    n: &Nomination,
    unit: UnitId,
    action: &str,
    reason: Option<&str>,
    by: &Who,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO honour_steps (nomination_id, campaign_id, unit_id, action, reason, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(n.id.get())
    .bind(n.campaign_id.get())
    .bind(unit.get())
    .bind(action)
    .bind(reason)
    .bind(by.user.as_ref().map(|(id, _)| id.get()))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Touches the campaign's row: the lock every write holds first. Refuses
/// unless the campaign is in `status`.
async fn lock_campaign(
    conn: &mut AnyConnection,
    id: CampaignId,
    status: CampaignStatus,
    now: i64,
) -> Result<()> {
    let done =
        sqlx::query("UPDATE honour_campaigns SET updated_at = $1 WHERE id = $2 AND status = $3")
            .bind(now)
            .bind(id.get())
            .bind(status.as_str())
            .execute(conn)
            .await?;
    if done.rows_affected() != 1 {
        return Err(refuse(Refusal::CampaignState));
    }
    Ok(())
}

/// Nominations of the campaign a unit has passed on (proposed or
/// recommended upward) that are still in the running.
async fn passed_on(conn: &mut AnyConnection, campaign: CampaignId, unit: UnitId) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM honour_steps s JOIN honour_nominations n ON n.id = s.nomination_id \
         WHERE s.campaign_id = $1 AND s.unit_id = $2 AND s.action IN ('propose', 'recommend') \
         AND n.status NOT IN ('declined', 'withdrawn')",
    )
    .bind(campaign.get())
    .bind(unit.get())
    .fetch_one(conn)
    .await?)
}

/// The quota of the issuer's child whose subtree holds a unit with these
/// ancestors; `None` when that branch does not take part.
fn quota_for(c: &Campaign, path: &[Option<UnitId>; 5]) -> Option<i64> {
    let issuer = usize::from(c.issuer.level.get());
    if path[issuer - 1] != Some(c.issuer.id) || issuer >= 5 {
        return None;
    }
    let child = path[issuer]?;
    c.quotas
        .iter()
        .find(|(u, _)| u.id == child)
        .map(|(_, q)| *q)
}

fn id_list(ids: impl Iterator<Item = UnitId>) -> String {
    let v: Vec<String> = ids.map(|u| u.get().to_string()).collect();
    if v.is_empty() {
        "0".to_owned()
    } else {
        v.join(", ")
    }
}

impl SqlStore {
    async fn campaign_by_id(&self, id: CampaignId) -> Result<Campaign> {
        let sql = format!(
            "SELECT {CAMPAIGN_COLS} FROM honour_campaigns c JOIN units u ON u.id = c.unit_id \
             WHERE c.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .fetch_optional(self.reader())
            .await?;
        let mut c = campaign_from_row(&not_found_if_none(row)?)?;
        let rows = sqlx::query(
            "SELECT q.unit_id, q.quota, u.code, u.name AS unit_name, u.level \
             FROM honour_quotas q JOIN units u ON u.id = q.unit_id \
             WHERE q.campaign_id = $1 ORDER BY u.code",
        )
        .bind(id.get())
        .fetch_all(self.reader())
        .await?;
        for r in &rows {
            c.quotas
                .push((unit_ref(r, "unit_id")?, r.try_get("quota")?));
        }
        Ok(c)
    }

    /// Whether a scope sees a campaign (see the module's notes).
    async fn sees_campaign(&self, scope: Scope, c: &Campaign) -> Result<bool> {
        if scope.contains(&c.issuer_path) {
            return Ok(true);
        }
        if scope.level() <= c.issuer.level {
            return Ok(false);
        }
        let unit = self.unit_by_id(scope.unit()).await?;
        Ok(quota_for(c, &unit.ancestors).is_some())
    }

    async fn nomination_by_id(&self, id: NominationId, subject: SubjectKind) -> Result<Nomination> {
        let sql = format!(
            "SELECT {NOMINATION_COLS} FROM honour_nominations n JOIN units u ON u.id = n.unit_id \
             WHERE n.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id.get())
            .fetch_optional(self.reader())
            .await?;
        nomination_from_row(&not_found_if_none(row)?, subject)
    }

    fn open_sealed(&self, table: &str, column: &str, id: i64, sealed: &str) -> Result<String> {
        let plain = self
            .vault()?
            .decrypt_text(sealed, &associated_data(table, id, column))?;
        Ok(plain.as_str().to_owned())
    }

    /// Names from the league down to a unit, for the public pages.
    async fn place_names(&self, unit: UnitId) -> Result<Vec<String>> {
        let u = self.unit_by_id(unit).await?;
        Ok(self
            .path(&u)
            .await?
            .into_iter()
            .filter(|p| p.level > Level::REGION)
            .map(|p| p.name)
            .collect())
    }
}

#[async_trait]
impl HonourStore for SqlStore {
    async fn create_campaign(
        &self,
        scope: Scope,
        new: NewCampaign,
        by: &Who,
        now: i64,
    ) -> Result<CampaignId> {
        let unit = self.unit_by_id(new.unit).await?;
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !unit.active {
            return Err(StoreError::Conflict("unit_retired"));
        }
        if !honour::may_issue(unit.level) || unit.kind != UnitKind::Geo {
            return Err(StoreError::Refused {
                field: "unit_code",
                key: "err.honour.issuer_level",
            });
        }
        let f = &new.fields;
        if f.nominating_level <= unit.level {
            return Err(StoreError::Refused {
                field: "nominating_level",
                key: "err.honour.nominating_level",
            });
        }
        let children: Vec<Unit> = self
            .children(unit.id)
            .await?
            .into_iter()
            .filter(|c| c.active && c.kind == UnitKind::Geo)
            .filter(|c| new.participants.as_ref().is_none_or(|p| p.contains(&c.id)))
            .collect();
        if children.is_empty() {
            return Err(StoreError::Refused {
                field: "unit_code",
                key: "err.honour.no_participants",
            });
        }
        let anc = unit.ancestors;
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO honour_campaigns (unit_id, l1, l2, l3, l4, l5, title, year, category, \
             subject, nominating_level, quota, nomination_deadline, review_deadline, notice_days, \
             status, created_by, created_at, updated_at, title_mn) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'open', \
             $16, $17, $17, $18) RETURNING id",
        )
        .bind(unit.id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(f.title.as_str())
        .bind(i64::from(f.year))
        .bind(f.category.as_str())
        .bind(f.subject.as_str())
        .bind(i64::from(f.nominating_level.get()))
        .bind(f.quota)
        .bind(format_date(f.nomination_deadline))
        .bind(format_date(f.review_deadline))
        .bind(f.notice_days)
        .bind(by.user.as_ref().map(|(u, _)| u.get()))
        .bind(now)
        .bind(f.title_mn.as_deref())
        .fetch_one(&mut *tx)
        .await?;
        for c in &children {
            sqlx::query(
                "INSERT INTO honour_quotas (campaign_id, unit_id, quota) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(c.id.get())
            .bind(f.quota)
            .execute(&mut *tx)
            .await?;
        }
        audit(
            self.backend,
            &mut tx,
            by,
            "honour.campaign_created",
            unit.id,
            format!("campaign={id} unit={}", unit.code),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(CampaignId::new(id))
    }

    async fn campaigns_for(&self, scope: Scope, unit: &Unit, page: Page) -> Result<Vec<Campaign>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let col = unit.level.ancestor_column();
        let above = id_list(
            unit.ancestors
                .iter()
                .flatten()
                .copied()
                .filter(|a| *a != unit.id),
        );
        let mine = id_list(unit.ancestors.iter().flatten().copied());
        let sql = format!(
            "SELECT {CAMPAIGN_COLS} FROM honour_campaigns c JOIN units u ON u.id = c.unit_id \
             WHERE c.{col} = $1 OR (c.unit_id IN ({above}) AND EXISTS (SELECT 1 FROM \
             honour_quotas q WHERE q.campaign_id = c.id AND q.unit_id IN ({mine}))) \
             ORDER BY c.id DESC LIMIT $2 OFFSET $3"
        );
        sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(campaign_from_row)
            .collect()
    }

    async fn campaign_in_scope(&self, scope: Scope, id: CampaignId) -> Result<InScope<Campaign>> {
        let c = self.campaign_by_id(id).await?;
        if !self.sees_campaign(scope, &c).await? {
            return Err(StoreError::NotFound);
        }
        Ok(InScope::new(c, scope))
    }

    async fn nominations_of(&self, campaign: &InScope<Campaign>) -> Result<Vec<Nomination>> {
        let scope = campaign.scope();
        let filter = if scope.contains(&campaign.issuer_path) {
            String::new()
        } else {
            format!(
                "AND n.{} = {}",
                scope.level().ancestor_column(),
                scope.unit().get()
            )
        };
        let sql = format!(
            "SELECT {NOMINATION_COLS} FROM honour_nominations n JOIN units u ON u.id = n.unit_id \
             WHERE n.campaign_id = $1 {filter} ORDER BY u.code, n.id"
        );
        sqlx::query(&sql)
            .bind(campaign.id.get())
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| nomination_from_row(r, campaign.fields.subject))
            .collect()
    }

    async fn nominate(
        &self,
        campaign: &InScope<Campaign>,
        new: NewNomination,
        today: Date,
        by: &Who,
        now: i64,
    ) -> Result<NominationId> {
        let c: &Campaign = campaign;
        if c.status != CampaignStatus::Open {
            return Err(refuse(Refusal::CampaignState));
        }
        honour::nomination_open(today, c.fields.nomination_deadline).map_err(refuse)?;
        let unit = self.unit_by_id(new.unit).await?;
        if !campaign.scope().contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        if !unit.active || unit.kind != UnitKind::Geo || unit.level != c.fields.nominating_level {
            return Err(StoreError::Refused {
                field: "unit_code",
                key: "err.honour.nominating_unit",
            });
        }
        let Some(quota) = quota_for(c, &unit.ancestors) else {
            return Err(StoreError::Refused {
                field: "unit_code",
                key: "err.honour.not_participating",
            });
        };
        if let Some(h) = new.household {
            let row = sqlx::query("SELECT l1, l2, l3, l4, l5 FROM households WHERE id = $1")
                .bind(h.get())
                .fetch_optional(self.reader())
                .await?;
            let ok = match row {
                Some(r) => campaign.scope().contains(&ancestors(&r, "")?),
                None => false,
            };
            if !ok {
                return Err(StoreError::Refused {
                    field: "household_id",
                    key: "err.honour.household",
                });
            }
        }
        let f = &new.fields;
        let anc = unit.ancestors;
        let mut tx = self.write_tx().await?;
        lock_campaign(&mut tx, c.id, CampaignStatus::Open, now).await?;
        // The family counters move with whatever this write changes.
        let tally = crate::family_sites::tally::snapshot(&mut tx, Some(c.id.get())).await?;
        honour::within_quota(passed_on(&mut tx, c.id, unit.id).await?, quota).map_err(refuse)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO honour_nominations (campaign_id, unit_id, l1, l2, l3, l4, l5, \
             display_name, members, employer, story, household_id, consent_given_by, \
             consent_method, consent_date, status, at_unit_id, at_level, created_by, created_at, \
             updated_at, display_name_mn) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
             $12, $13, $14, $15, 'proposed', $2, $16, $17, $18, $18, $19) RETURNING id",
        )
        .bind(c.id.get())
        .bind(unit.id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(f.display_name.as_str())
        .bind(f.members)
        .bind(f.employer.as_deref())
        .bind(f.story.as_str())
        .bind(new.household.map(HouseholdId::get))
        .bind(f.consent.given_by.as_str())
        .bind(f.consent.method.as_str())
        .bind(format_date(f.consent.date))
        .bind(i64::from(unit.level.get()))
        .bind(by.user.as_ref().map(|(u, _)| u.get()))
        .bind(now)
        .bind(f.display_name_mn.as_deref())
        .fetch_one(&mut *tx)
        .await?;
        if let Some(name) = &f.person_name {
            seal(
                &mut tx,
                self,
                "honour_nominations",
                "person_name",
                id,
                Some(name),
            )
            .await?;
        }
        sqlx::query(
            "INSERT INTO honour_steps (nomination_id, campaign_id, unit_id, action, reason, by_user, at) \
             VALUES ($1, $2, $3, 'propose', NULL, $4, $5)",
        )
        .bind(id)
        .bind(c.id.get())
        .bind(unit.id.get())
        .bind(by.user.as_ref().map(|(u, _)| u.get()))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit(
            self.backend,
            &mut tx,
            by,
            "honour.nominated",
            unit.id,
            format!("campaign={} nomination={id} unit={}", c.id.get(), unit.code),
            now,
        )
        .await?;
        crate::family_sites::tally::settle(&mut tx, self.backend, c.id.get(), tally).await?;
        tx.commit().await?;
        Ok(NominationId::new(id))
    }

    async fn nomination_in_scope(
        &self,
        scope: Scope,
        id: NominationId,
    ) -> Result<InScope<NominationRecord>> {
        let campaign_id: Option<i64> =
            sqlx::query_scalar("SELECT campaign_id FROM honour_nominations WHERE id = $1")
                .bind(id.get())
                .fetch_optional(self.reader())
                .await?;
        let campaign = self
            .campaign_by_id(CampaignId::new(not_found_if_none(campaign_id)?))
            .await?;
        let nomination = self.nomination_by_id(id, campaign.fields.subject).await?;
        if !scope.contains(&campaign.issuer_path) && !scope.contains(&nomination.path) {
            return Err(StoreError::NotFound);
        }
        let rows = sqlx::query(
            "SELECT s.unit_id, s.action, s.reason, s.at, u.code, u.name AS unit_name, u.level \
             FROM honour_steps s JOIN units u ON u.id = s.unit_id \
             WHERE s.nomination_id = $1 ORDER BY s.id",
        )
        .bind(id.get())
        .fetch_all(self.reader())
        .await?;
        let mut steps = Vec::with_capacity(rows.len());
        for r in &rows {
            steps.push(StepRow {
                unit: unit_ref(r, "unit_id")?,
                action: r.try_get("action")?,
                reason: r.try_get("reason")?,
                at: r.try_get("at")?,
            });
        }
        Ok(InScope::new(
            NominationRecord {
                campaign,
                nomination,
                steps,
            },
            scope,
        ))
    }

    async fn nomination_person_name(
        &self,
        nomination: &InScope<NominationRecord>,
    ) -> Result<Option<String>> {
        let id = nomination.nomination.id.get();
        let sealed: Option<String> =
            sqlx::query_scalar("SELECT person_name_enc FROM honour_nominations WHERE id = $1")
                .bind(id)
                .fetch_optional(self.reader())
                .await?
                .flatten();
        sealed
            .map(|s| self.open_sealed("honour_nominations", "person_name", id, &s))
            .transpose()
    }

    async fn recommend(
        &self,
        rec: &InScope<NominationRecord>,
        today: Date,
        by: &Who,
        now: i64,
    ) -> Result<NominationStatus> {
        let (c, n) = (&rec.campaign, &rec.nomination);
        if c.status != CampaignStatus::Open {
            return Err(refuse(Refusal::CampaignState));
        }
        let actor = rec.scope().unit();
        let step_kind = honour::may_act(actor, n.status, &n.path, n.at_level, c.issuer.level)
            .map_err(refuse)?;
        honour::review_open(today, c.fields.review_deadline).map_err(refuse)?;
        let actor_level = Level::new(n.at_level.get() - 1)
            .map_err(|_| decode_err("nomination at the region".into()))?;
        let (status, action) = match step_kind {
            Step::Recommend => (NominationStatus::Recommended, "recommend"),
            Step::Shortlist => (NominationStatus::Shortlisted, "shortlist"),
        };
        let mut tx = self.write_tx().await?;
        lock_campaign(&mut tx, c.id, CampaignStatus::Open, now).await?;
        // The family counters move with whatever this write changes.
        let tally = crate::family_sites::tally::snapshot(&mut tx, Some(c.id.get())).await?;
        if step_kind == Step::Recommend {
            let quota = quota_for(c, &n.path).unwrap_or(c.fields.quota);
            honour::within_quota(passed_on(&mut tx, c.id, actor).await?, quota).map_err(refuse)?;
        }
        let done = sqlx::query(
            "UPDATE honour_nominations SET status = $1, at_unit_id = $2, at_level = $3, \
             updated_at = $4 WHERE id = $5 AND updated_at = $6 AND status = $7",
        )
        .bind(status.as_str())
        .bind(actor.get())
        .bind(i64::from(actor_level.get()))
        .bind(now.max(n.updated_at + 1))
        .bind(n.id.get())
        .bind(n.updated_at)
        .bind(n.status.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("nomination_changed"));
        }
        step(&mut tx, n, actor, action, None, by, now).await?;
        audit(
            self.backend,
            &mut tx,
            by,
            if step_kind == Step::Shortlist {
                "honour.shortlisted"
            } else {
                "honour.recommended"
            },
            actor,
            format!("campaign={} nomination={}", c.id.get(), n.id.get()),
            now,
        )
        .await?;
        crate::family_sites::tally::settle(&mut tx, self.backend, c.id.get(), tally).await?;
        tx.commit().await?;
        Ok(status)
    }

    async fn decline(
        &self,
        rec: &InScope<NominationRecord>,
        reason: &str,
        today: Date,
        by: &Who,
        now: i64,
    ) -> Result<()> {
        let (c, n) = (&rec.campaign, &rec.nomination);
        if c.status != CampaignStatus::Open {
            return Err(refuse(Refusal::CampaignState));
        }
        let actor = rec.scope().unit();
        honour::may_act(actor, n.status, &n.path, n.at_level, c.issuer.level).map_err(refuse)?;
        honour::review_open(today, c.fields.review_deadline).map_err(refuse)?;
        let actor_level = Level::new(n.at_level.get() - 1)
            .map_err(|_| decode_err("nomination at the region".into()))?;
        let mut tx = self.write_tx().await?;
        lock_campaign(&mut tx, c.id, CampaignStatus::Open, now).await?;
        // The family counters move with whatever this write changes.
        let tally = crate::family_sites::tally::snapshot(&mut tx, Some(c.id.get())).await?;
        let done = sqlx::query(
            "UPDATE honour_nominations SET status = 'declined', at_unit_id = $1, at_level = $2, \
             updated_at = $3 WHERE id = $4 AND updated_at = $5 AND status = $6",
        )
        .bind(actor.get())
        .bind(i64::from(actor_level.get()))
        .bind(now.max(n.updated_at + 1))
        .bind(n.id.get())
        .bind(n.updated_at)
        .bind(n.status.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("nomination_changed"));
        }
        step(&mut tx, n, actor, "decline", Some(reason), by, now).await?;
        audit(
            self.backend,
            &mut tx,
            by,
            "honour.declined",
            actor,
            format!("campaign={} nomination={}", c.id.get(), n.id.get()),
            now,
        )
        .await?;
        crate::family_sites::tally::settle(&mut tx, self.backend, c.id.get(), tally).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn start_notice(
        &self,
        campaign: &InScope<Campaign>,
        start: Date,
        by: &Who,
        now: i64,
    ) -> Result<()> {
        let c: &Campaign = campaign;
        if campaign.scope().unit() != c.issuer.id {
            return Err(refuse(Refusal::NotIssuer));
        }
        let end = honour::notice_end(start, c.fields.notice_days);
        let mut tx = self.write_tx().await?;
        lock_campaign(&mut tx, c.id, CampaignStatus::Open, now).await?;
        // The family counters move with whatever this write changes.
        let tally = crate::family_sites::tally::snapshot(&mut tx, Some(c.id.get())).await?;
        let listed = sqlx::query(
            "UPDATE honour_nominations SET status = 'on_notice', updated_at = $1 \
             WHERE campaign_id = $2 AND status = 'shortlisted'",
        )
        .bind(now)
        .bind(c.id.get())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if listed == 0 {
            return Err(refuse(Refusal::NothingShortlisted));
        }
        sqlx::query(
            "UPDATE honour_campaigns SET status = 'notice', notice_start = $1, notice_end = $2 \
             WHERE id = $3",
        )
        .bind(format_date(start))
        .bind(format_date(end))
        .bind(c.id.get())
        .execute(&mut *tx)
        .await?;
        audit(
            self.backend,
            &mut tx,
            by,
            "honour.notice_started",
            c.issuer.id,
            format!("campaign={} listed={listed}", c.id.get()),
            now,
        )
        .await?;
        crate::family_sites::tally::settle(&mut tx, self.backend, c.id.get(), tally).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn publish(
        &self,
        campaign: &InScope<Campaign>,
        today: Date,
        by: &Who,
        now: i64,
    ) -> Result<()> {
        let c: &Campaign = campaign;
        if campaign.scope().unit() != c.issuer.id {
            return Err(refuse(Refusal::NotIssuer));
        }
        let mut tx = self.write_tx().await?;
        // Read again under the lock: an objection may have come since.
        let row = sqlx::query("SELECT status, notice_end FROM honour_campaigns WHERE id = $1")
            .bind(c.id.get())
            .fetch_one(&mut *tx)
            .await?;
        let status: String = row.try_get("status")?;
        let status = CampaignStatus::parse(&status)
            .ok_or_else(|| decode_err(format!("bad campaign status {status}")))?;
        let end = opt_date_col(&row, "notice_end")?;
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM honour_objections WHERE campaign_id = $1 AND status = 'open'",
        )
        .bind(c.id.get())
        .fetch_one(&mut *tx)
        .await?;
        honour::may_publish(status, today, end, open).map_err(refuse)?;
        lock_campaign(&mut tx, c.id, CampaignStatus::Notice, now).await?;
        // The family counters move with whatever this write changes.
        let tally = crate::family_sites::tally::snapshot(&mut tx, Some(c.id.get())).await?;
        let honoured = sqlx::query(
            "UPDATE honour_nominations SET status = 'honoured', updated_at = $1 \
             WHERE campaign_id = $2 AND status = 'on_notice'",
        )
        .bind(now)
        .bind(c.id.get())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "UPDATE honour_campaigns SET status = 'published', published_on = $1 WHERE id = $2",
        )
        .bind(format_date(today))
        .bind(c.id.get())
        .execute(&mut *tx)
        .await?;
        audit(
            self.backend,
            &mut tx,
            by,
            "honour.published",
            c.issuer.id,
            format!("campaign={} honoured={honoured}", c.id.get()),
            now,
        )
        .await?;
        crate::family_sites::tally::settle(&mut tx, self.backend, c.id.get(), tally).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn objections_of(&self, campaign: &InScope<Campaign>) -> Result<Vec<Objection>> {
        if !campaign.scope().contains(&campaign.issuer_path) {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT o.id, o.nomination_id, o.text_enc, o.contact_enc, o.status, o.reason, \
             o.created_at, o.decided_at, n.display_name FROM honour_objections o \
             JOIN honour_nominations n ON n.id = o.nomination_id \
             WHERE o.campaign_id = $1 ORDER BY o.id",
        )
        .bind(campaign.id.get())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| objection_from_row(self, r, campaign))
            .collect()
    }

    async fn objection_in_scope(
        &self,
        scope: Scope,
        id: ObjectionId,
    ) -> Result<InScope<Objection>> {
        let campaign_id: Option<i64> =
            sqlx::query_scalar("SELECT campaign_id FROM honour_objections WHERE id = $1")
                .bind(id.get())
                .fetch_optional(self.reader())
                .await?;
        let c = self
            .campaign_by_id(CampaignId::new(not_found_if_none(campaign_id)?))
            .await?;
        if !scope.contains(&c.issuer_path) {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query(
            "SELECT o.id, o.nomination_id, o.text_enc, o.contact_enc, o.status, o.reason, \
             o.created_at, o.decided_at, n.display_name FROM honour_objections o \
             JOIN honour_nominations n ON n.id = o.nomination_id WHERE o.id = $1",
        )
        .bind(id.get())
        .fetch_one(self.reader())
        .await?;
        let o = objection_from_row(self, &row, &c)?;
        Ok(InScope::new(o, scope))
    }

    async fn decide_objection(
        &self,
        objection: &InScope<Objection>,
        upheld: bool,
        reason: &str,
        by: &Who,
        now: i64,
    ) -> Result<()> {
        let o: &Objection = objection;
        if objection.scope().unit() != o.issuer {
            return Err(refuse(Refusal::NotIssuer));
        }
        if o.status != ObjectionStatus::Open {
            return Err(StoreError::Refused {
                field: "objection",
                key: "err.honour.objection_decided",
            });
        }
        let status = if upheld {
            ObjectionStatus::Upheld
        } else {
            ObjectionStatus::Dismissed
        };
        let mut tx = self.write_tx().await?;
        lock_campaign(&mut tx, o.campaign_id, CampaignStatus::Notice, now).await?;
        // The family counters move with whatever this write changes.
        let tally =
            crate::family_sites::tally::snapshot(&mut tx, Some(o.campaign_id.get())).await?;
        let done = sqlx::query(
            "UPDATE honour_objections SET status = $1, reason = $2, decided_by = $3, \
             decided_at = $4 WHERE id = $5 AND status = 'open'",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(by.user.as_ref().map(|(u, _)| u.get()))
        .bind(now)
        .bind(o.id.get())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("objection_changed"));
        }
        if upheld {
            // Further objections about the same family no longer matter
            // once it has left the list; they stay open for a decision.
            let off = sqlx::query(
                "UPDATE honour_nominations SET status = 'withdrawn', updated_at = $1 \
                 WHERE id = $2 AND status = 'on_notice'",
            )
            .bind(now)
            .bind(o.nomination_id.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if off == 1 {
                sqlx::query(
                    "INSERT INTO honour_steps (nomination_id, campaign_id, unit_id, action, \
                     reason, by_user, at) VALUES ($1, $2, $3, 'withdraw', $4, $5, $6)",
                )
                .bind(o.nomination_id.get())
                .bind(o.campaign_id.get())
                .bind(o.issuer.get())
                .bind(reason)
                .bind(by.user.as_ref().map(|(u, _)| u.get()))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        audit(
            self.backend,
            &mut tx,
            by,
            if upheld {
                "honour.objection_upheld"
            } else {
                "honour.objection_dismissed"
            },
            o.issuer,
            format!(
                "campaign={} objection={} nomination={}",
                o.campaign_id.get(),
                o.id.get(),
                o.nomination_id.get()
            ),
            now,
        )
        .await?;
        crate::family_sites::tally::settle(&mut tx, self.backend, o.campaign_id.get(), tally)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn honoured_in(
        &self,
        scope: Scope,
        unit: &Unit,
        year: Option<i32>,
    ) -> Result<Vec<Honoured>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let col = unit.level.ancestor_column();
        let year_filter = if year.is_some() {
            "AND c.year = $2"
        } else {
            "AND $2 = $2"
        };
        let sql = format!(
            "SELECT n.id, n.campaign_id, n.unit_id, n.display_name, n.household_id, c.title, \
             c.year, c.category, c.subject, c.published_on, u.code, u.name AS unit_name, u.level \
             FROM honour_nominations n JOIN honour_campaigns c ON c.id = n.campaign_id \
             JOIN units u ON u.id = n.unit_id \
             WHERE n.{col} = $1 AND n.status = 'honoured' {year_filter} \
             ORDER BY c.year DESC, c.id DESC, u.code, n.id"
        );
        let rows = sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(i64::from(year.unwrap_or(0)))
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                let subject: String = r.try_get("subject")?;
                let year: i64 = r.try_get("year")?;
                Ok(Honoured {
                    nomination_id: NominationId::new(r.try_get("id")?),
                    campaign_id: CampaignId::new(r.try_get("campaign_id")?),
                    campaign_title: r.try_get("title")?,
                    year: year as i32,
                    category: r.try_get("category")?,
                    subject: SubjectKind::parse(&subject)
                        .ok_or_else(|| decode_err(format!("bad subject {subject}")))?,
                    display_name: r.try_get("display_name")?,
                    unit: unit_ref(r, "unit_id")?,
                    household: r
                        .try_get::<Option<i64>, _>("household_id")?
                        .map(HouseholdId::new),
                    published_on: opt_date_col(r, "published_on")?,
                })
            })
            .collect()
    }

    async fn public_campaigns(&self, limit: i64) -> Result<Vec<PublicCampaign>> {
        let sql = format!(
            "SELECT {CAMPAIGN_COLS}, u.name_mn FROM honour_campaigns c \
             JOIN units u ON u.id = c.unit_id WHERE c.status IN ('notice', 'published') \
             ORDER BY c.id DESC LIMIT $1"
        );
        let rows = sqlx::query(&sql)
            .bind(limit.clamp(1, 200))
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                let c = campaign_from_row(r)?;
                Ok(public_of(c, r.try_get("name_mn")?, Vec::new()))
            })
            .collect()
    }

    async fn public_campaign(&self, id: CampaignId) -> Result<PublicCampaign> {
        let c = self.campaign_by_id(id).await?;
        let shown = match c.status {
            CampaignStatus::Open => return Err(StoreError::NotFound),
            CampaignStatus::Notice => NominationStatus::OnNotice,
            CampaignStatus::Published => NominationStatus::Honoured,
        };
        let name_mn: Option<String> = sqlx::query_scalar("SELECT name_mn FROM units WHERE id = $1")
            .bind(c.issuer.id.get())
            .fetch_one(self.reader())
            .await?;
        let sql = format!(
            "SELECT {NOMINATION_COLS} FROM honour_nominations n JOIN units u ON u.id = n.unit_id \
             WHERE n.campaign_id = $1 AND n.status = $2 ORDER BY u.code, n.id"
        );
        let rows = sqlx::query(&sql)
            .bind(id.get())
            .bind(shown.as_str())
            .fetch_all(self.reader())
            .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for r in &rows {
            let n = nomination_from_row(r, c.fields.subject)?;
            entries.push(PublicEntry {
                nomination_id: n.id,
                place: self.place_names(n.unit.id).await?,
                display_name: n.display_name,
                display_name_mn: n.display_name_mn,
                members: n.members,
                employer: n.employer,
                story: n.story,
                status: n.status,
            });
        }
        Ok(public_of(c, name_mn, entries))
    }

    async fn lodge_objection(
        &self,
        new: NewObjection,
        today: Date,
        by: &Who,
        now: i64,
    ) -> Result<ObjectionId> {
        let NewObjection {
            campaign,
            nomination,
            text,
            contact,
        } = new;
        let (text, contact) = (text.as_str(), contact.as_deref());
        let c = self.campaign_by_id(campaign).await?;
        let running = match (c.status, c.notice_start, c.notice_end) {
            (CampaignStatus::Open, _, _) => return Err(StoreError::NotFound),
            (CampaignStatus::Notice, Some(s), Some(e)) => honour::notice_running(today, s, e),
            _ => false,
        };
        if !running {
            return Err(StoreError::Refused {
                field: "campaign",
                key: "err.honour.notice_over",
            });
        }
        let listed: Option<String> = sqlx::query_scalar(
            "SELECT status FROM honour_nominations WHERE id = $1 AND campaign_id = $2",
        )
        .bind(nomination.get())
        .bind(campaign.get())
        .fetch_optional(self.reader())
        .await?;
        if listed.as_deref() != Some(NominationStatus::OnNotice.as_str()) {
            return Err(refuse(Refusal::NotOnNotice));
        }
        let mut tx = self.write_tx().await?;
        lock_campaign(&mut tx, c.id, CampaignStatus::Notice, now).await?;
        // The family counters move with whatever this write changes.
        let tally = crate::family_sites::tally::snapshot(&mut tx, Some(c.id.get())).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO honour_objections (campaign_id, nomination_id, status, created_at) \
             VALUES ($1, $2, 'open', $3) RETURNING id",
        )
        .bind(campaign.get())
        .bind(nomination.get())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        seal(&mut tx, self, "honour_objections", "text", id, Some(text)).await?;
        if let Some(contact) = contact {
            seal(
                &mut tx,
                self,
                "honour_objections",
                "contact",
                id,
                Some(contact),
            )
            .await?;
        }
        audit(
            self.backend,
            &mut tx,
            by,
            "honour.objection_lodged",
            c.issuer.id,
            format!(
                "campaign={} objection={id} nomination={}",
                campaign.get(),
                nomination.get()
            ),
            now,
        )
        .await?;
        crate::family_sites::tally::settle(&mut tx, self.backend, c.id.get(), tally).await?;
        tx.commit().await?;
        Ok(ObjectionId::new(id))
    }
}

fn public_of(
    c: Campaign,
    issuer_name_mn: Option<String>,
    entries: Vec<PublicEntry>,
) -> PublicCampaign {
    PublicCampaign {
        id: c.id,
        title: c.fields.title,
        title_mn: c.fields.title_mn,
        year: c.fields.year,
        category: c.fields.category,
        subject: c.fields.subject,
        issuer: c.issuer,
        issuer_name_mn,
        status: c.status,
        notice_start: c.notice_start,
        notice_end: c.notice_end,
        published_on: c.published_on,
        entries,
    }
}

fn objection_from_row(store: &SqlStore, r: &AnyRow, c: &Campaign) -> Result<Objection> {
    let id: i64 = r.try_get("id")?;
    let status: String = r.try_get("status")?;
    let text: Option<String> = r.try_get("text_enc")?;
    let contact: Option<String> = r.try_get("contact_enc")?;
    Ok(Objection {
        id: ObjectionId::new(id),
        campaign_id: c.id,
        nomination_id: NominationId::new(r.try_get("nomination_id")?),
        display_name: r.try_get("display_name")?,
        text: match text {
            Some(t) => store.open_sealed("honour_objections", "text", id, &t)?,
            None => String::new(),
        },
        contact: contact
            .map(|s| store.open_sealed("honour_objections", "contact", id, &s))
            .transpose()?,
        status: ObjectionStatus::parse(&status)
            .ok_or_else(|| decode_err(format!("bad objection status {status}")))?,
        reason: r.try_get("reason")?,
        created_at: r.try_get("created_at")?,
        decided_at: r.try_get("decided_at")?,
        issuer: c.issuer.id,
        issuer_path: c.issuer_path,
    })
}

/// Unscoped: the demo and the tests, through the system handle only.
impl SqlStore {
    /// Nominations of a campaign by status, recounted from the rows.
    pub async fn honour_status_counts(&self, campaign: CampaignId) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM honour_nominations WHERE campaign_id = $1 \
             GROUP BY status ORDER BY status",
        )
        .bind(campaign.get())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }

    /// Moves a campaign's notice to start on `start` (the demo and tests
    /// make a notice that is already over without waiting a week).
    pub async fn honour_backdate_notice(&self, campaign: CampaignId, start: Date) -> Result<()> {
        let c = self.campaign_by_id(campaign).await?;
        let end = honour::notice_end(start, c.fields.notice_days);
        sqlx::query("UPDATE honour_campaigns SET notice_start = $1, notice_end = $2 WHERE id = $3")
            .bind(format_date(start))
            .bind(format_date(end))
            .bind(campaign.get())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Every write's audit entries of honours, for tests: (action, detail).
    pub async fn honour_audit(&self) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT action, detail FROM audit_log WHERE action LIKE 'honour.%' ORDER BY id",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("action")?, r.try_get("detail")?)))
            .collect()
    }

    /// The stored (sealed) name column of a nomination, for tests that
    /// check nothing personal is kept in the clear.
    pub async fn honour_sealed_name(&self, id: NominationId) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT person_name_enc FROM honour_nominations WHERE id = $1")
                .bind(id.get())
                .fetch_one(self.reader())
                .await?,
        )
    }
}
