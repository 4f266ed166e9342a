//! Rights-protection cases: intake, the access facts, the opened case, the
//! team, assessments, orders, break-the-glass grants, alerts and the access
//! log.
//!
//! Every write runs in one transaction whose first statement writes (on
//! SQLite a transaction that reads first fails at once if another
//! connection wrote meanwhile) and moves the statistics by the difference
//! of the case's counted facts before and after (see [`stats`]).

mod flow;
pub(crate) mod stats;

use crate::{InScope, OpenedCase, Scope};
use async_trait::async_trait;
use jinguo_domain::activity::format_date;
use jinguo_domain::case::{
    AccessVia, Agency, CaseConsent, CaseSource, CaseStatus, CaseTemplate, CaseUrgency, GLASS_SECS,
    OrderKind, OrderStatus, Outcome, PersonRole, ReferralStatus, RiskLevel, TeamRole, case_number,
    mask_name,
};
use jinguo_domain::{CaseId, HelpId, Sex, UnitCode, UnitId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::list_sql::{Bind, Conds};
use super::{SqlStore, ancestors, not_found_if_none};
use crate::model::{
    AssessmentView, CaseAccess, CaseAlert, CaseEvent, CaseFilter, CaseHead, CaseSealedField,
    CaseSummary, CaseView, CaseworkerRef, ClientView, FollowUpView, NewAssessment, NewCase,
    OrderView, Page, PersonView, ReferralView, TeamMember,
};
use crate::vault::associated_data;
use crate::{CaseStore, Result, StoreError, UnitStore};

/// A value that must be one of a closed list; anything else in the row is
/// a corrupt database, not user input.
fn decode<T>(v: Option<T>, what: &str, raw: &str) -> Result<T> {
    v.ok_or_else(|| sqlx::Error::Decode(format!("bad {what} {raw}").into()).into())
}

fn sex_of(raw: &str) -> Result<Sex> {
    Sex::parse(raw, "sex").map_err(|_| sqlx::Error::Decode(format!("bad sex {raw}").into()).into())
}

/// Whether the user `u` holds the caseworker role (a primary-key lookup in
/// `user_roles`).
pub(crate) const IS_CASEWORKER: &str =
    "EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'caseworker')";

/// Seals `value` into `table.column_enc` of row `id`.
pub(crate) async fn seal(
    conn: &mut AnyConnection,
    store: &SqlStore,
    table: &'static str,
    column: &'static str,
    id: i64,
    value: Option<&str>,
) -> Result<()> {
    let sealed = match value {
        Some(v) => Some(
            store
                .vault()?
                .encrypt_text(v, &associated_data(table, id, column)),
        ),
        None => None,
    };
    // Table and column names are constants of this module, never input.
    let sql = format!("UPDATE {table} SET {column}_enc = $1 WHERE id = $2");
    sqlx::query(&sql)
        .bind(sealed)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Starts a case write: marks the row changed, which is the transaction's
/// first write. `NotFound` when the case does not exist.
pub(crate) async fn touch(conn: &mut AnyConnection, id: CaseId, now: i64) -> Result<()> {
    let n = sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.get())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Appends a step to the case's history. `detail` must hold no personal data.
pub(crate) async fn event(
    conn: &mut AnyConnection,
    id: CaseId,
    by: Option<UserId>,
    action: &str,
    detail: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, by_user, action, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.get())
    .bind(now)
    .bind(by.map(UserId::get))
    .bind(action)
    .bind(detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Alerts every supervisor of the case (but `except`, who caused it).
pub(crate) async fn alert_supervisors(
    conn: &mut AnyConnection,
    id: CaseId,
    kind: &str,
    except: Option<UserId>,
    now: i64,
) -> Result<usize> {
    let n = sqlx::query(
        "INSERT INTO case_alerts (user_id, case_id, kind, created_at) \
         SELECT user_id, case_id, $1, $2 FROM case_workers \
         WHERE case_id = $3 AND kind = 'supervisor' AND user_id <> $4",
    )
    .bind(kind)
    .bind(now)
    .bind(id.get())
    .bind(except.map_or(0, UserId::get))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Adds team members (idempotent).
pub(crate) async fn add_members(
    conn: &mut AnyConnection,
    id: CaseId,
    team: &[(UserId, TeamRole)],
    by: UserId,
    now: i64,
) -> Result<()> {
    for (user, role) in team {
        let exists = sqlx::query(
            "SELECT 1 AS x FROM case_workers WHERE case_id = $1 AND user_id = $2 AND kind = $3",
        )
        .bind(id.get())
        .bind(user.get())
        .bind(role.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
        if !exists {
            sqlx::query(
                "INSERT INTO case_workers (case_id, user_id, kind, added_by, added_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.get())
            .bind(user.get())
            .bind(role.as_str())
            .bind(by.get())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

impl SqlStore {
    /// Opens `table.column` of row `id`.
    fn open_case_text(
        &self,
        table: &str,
        column: &str,
        id: i64,
        sealed: Option<String>,
    ) -> Result<Option<String>> {
        match sealed {
            None => Ok(None),
            Some(s) => {
                let plain = self
                    .vault()?
                    .decrypt_text(&s, &associated_data(table, id, column))?;
                Ok(Some(plain.as_str().to_owned()))
            }
        }
    }
}

const SUMMARY_COLS: &str = "c.id, c.type_key, c.source, c.urgency, c.status, c.risk_level, \
     c.client_name_mask, c.opened_on, c.updated_at, u.code, u.name, \
     (SELECT COUNT(*) FROM case_follow_ups f WHERE f.case_id = c.id AND f.done_on IS NULL \
      AND f.due_on < $1) AS overdue";

fn summary_from_row(row: &AnyRow) -> Result<CaseSummary> {
    let id: i64 = row.try_get("id")?;
    let code: String = row.try_get("code")?;
    let source: String = row.try_get("source")?;
    let urgency: String = row.try_get("urgency")?;
    let status: String = row.try_get("status")?;
    let risk: Option<String> = row.try_get("risk_level")?;
    Ok(CaseSummary {
        id: CaseId::new(id),
        number: case_number(id),
        unit_code: decode(UnitCode::parse(&code).ok(), "unit code", &code)?,
        unit_name: row.try_get("name")?,
        type_key: row.try_get("type_key")?,
        source: decode(CaseSource::parse(&source), "source", &source)?,
        urgency: decode(CaseUrgency::parse(&urgency), "urgency", &urgency)?,
        status: decode(CaseStatus::parse(&status), "status", &status)?,
        risk_level: match risk {
            Some(r) => Some(decode(RiskLevel::parse(&r), "risk level", &r)?),
            None => None,
        },
        client: row.try_get("client_name_mask")?,
        opened_on: row.try_get("opened_on")?,
        overdue_follow_ups: row.try_get("overdue")?,
        updated_at: row.try_get("updated_at")?,
    })
}

#[async_trait]
impl CaseStore for SqlStore {
    async fn case_template(&self, type_key: &str) -> Result<CaseTemplate> {
        let row = sqlx::query(
            "SELECT COALESCE(t.required, '') AS required, \
             COALESCE(t.follow_up_days, '') AS days, \
             COALESCE(t.danger_checklist, 0) AS checklist FROM dict_entries d \
             LEFT JOIN case_templates t ON t.type_key = d.key \
             WHERE d.kind = 'case_type' AND d.key = $1 AND d.active = 1",
        )
        .bind(type_key.trim())
        .fetch_optional(self.reader())
        .await?;
        let row = not_found_if_none(row)?;
        Ok(CaseTemplate::from_storage(
            &row.try_get::<String, _>("required")?,
            &row.try_get::<String, _>("days")?,
            row.try_get::<i64, _>("checklist")? != 0,
        ))
    }

    async fn uses_danger_checklist(&self, type_key: &str) -> Result<bool> {
        // Retired types too: a case keeps its type after the dictionary
        // entry is switched off.
        let v: Option<i64> =
            sqlx::query_scalar("SELECT danger_checklist FROM case_templates WHERE type_key = $1")
                .bind(type_key)
                .fetch_optional(self.reader())
                .await?;
        Ok(v.unwrap_or(0) != 0)
    }

    async fn caseworkers_over(&self, unit: UnitId) -> Result<Vec<CaseworkerRef>> {
        let unit_row = sqlx::query("SELECT l1, l2, l3, l4, l5 FROM units WHERE id = $1")
            .bind(unit.get())
            .fetch_optional(self.reader())
            .await?;
        let anc = ancestors(&not_found_if_none(unit_row)?, "")?;
        let ids: Vec<i64> = anc.iter().flatten().map(|u| u.get()).collect();
        let sql = format!(
            "SELECT u.id, u.username, un.code, un.name, un.level FROM users u \
             JOIN units un ON un.id = u.unit_id \
             WHERE u.active = 1 AND {IS_CASEWORKER} AND u.unit_id IN ({}) \
             ORDER BY un.level DESC, u.username",
            self.backend.params(1, ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in &ids {
            q = q.bind(*id);
        }
        q.fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| {
                let code: String = r.try_get("code")?;
                let level: i64 = r.try_get("level")?;
                Ok(CaseworkerRef {
                    user_id: UserId::new(r.try_get("id")?),
                    username: r.try_get("username")?,
                    unit_code: decode(UnitCode::parse(&code).ok(), "unit code", &code)?,
                    unit_name: r.try_get("name")?,
                    level: u8::try_from(level).unwrap_or(0),
                })
            })
            .collect()
    }

    async fn create_case(&self, scope: Scope, new: NewCase, now: i64) -> Result<CaseId> {
        self.vault()?;
        let unit_row = sqlx::query("SELECT active, l1, l2, l3, l4, l5 FROM units WHERE id = $1")
            .bind(new.unit.get())
            .fetch_optional(&self.pool)
            .await?;
        let unit_row = not_found_if_none(unit_row)?;
        let anc = ancestors(&unit_row, "")?;
        if !scope.contains(&anc) || !scope.can(jinguo_domain::Capability::WorkCases) {
            return Err(StoreError::NotFound);
        }
        if unit_row.try_get::<i64, _>("active")? == 0 {
            return Err(crate::sql::units::retired());
        }
        let i = &new.intake;
        let c = &i.client;
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO cases (unit_id, l1, l2, l3, l4, l5, source, type_key, urgency, status, \
             client_name_mask, client_sex, client_birth_year, client_id_mask, client_phone_mask, \
             consent_services, consent_referral, consent_statistics, opened_on, first_contact_on, \
             help_request_id, household_id, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11, $12, $13, $14, $15, \
             $16, $17, $18, $19, $20, $21, $22, $23, $23) RETURNING id",
        )
        .bind(new.unit.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(i.source.as_str())
        .bind(i.type_key.as_str())
        .bind(i.urgency.as_str())
        .bind(mask_name(&c.name))
        .bind(c.sex.code())
        // Birth year and masks are sealed below or worked out when shown.
        .bind(None::<i64>)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(i64::from(i.consent.services))
        .bind(i64::from(i.consent.referral))
        .bind(i64::from(i.consent.statistics))
        .bind(format_date(new.opened_on))
        .bind(new.contact_at_intake.then(|| format_date(new.opened_on)))
        .bind(new.help_request.map(HelpId::get))
        .bind(new.household.map(|h| h.get()))
        .bind(new.by.get())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        let case = CaseId::new(id);
        seal(&mut tx, self, "cases", "client_name", id, Some(&c.name)).await?;
        seal(
            &mut tx,
            self,
            "cases",
            "client_id",
            id,
            c.id_number.as_ref().map(|n| n.as_str()),
        )
        .await?;
        seal(
            &mut tx,
            self,
            "cases",
            "client_phone",
            id,
            c.phone.as_ref().map(|p| p.as_str()),
        )
        .await?;
        seal(&mut tx, self, "cases", "narrative", id, Some(&i.narrative)).await?;
        let born = c.birth_year.map(|y| y.to_string());
        seal(
            &mut tx,
            self,
            "cases",
            "client_birth_year",
            id,
            born.as_deref(),
        )
        .await?;
        for p in &i.people {
            let row = sqlx::query(
                "INSERT INTO case_people (case_id, role, name_mask, sex, birth_year, relation, \
                 guardian_given_by, guardian_method) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 RETURNING id",
            )
            .bind(id)
            .bind(p.role.as_str())
            .bind(mask_name(&p.name))
            .bind(p.sex.map(Sex::code))
            .bind(None::<i64>)
            .bind(p.relation.as_deref())
            .bind(None::<String>)
            .bind(p.guardian.as_ref().map(|g| g.method.as_str()))
            .fetch_one(&mut *tx)
            .await?;
            let pid: i64 = row.try_get("id")?;
            seal(&mut tx, self, "case_people", "name", pid, Some(&p.name)).await?;
            let born = p.birth_year.map(|y| y.to_string());
            seal(
                &mut tx,
                self,
                "case_people",
                "birth_year",
                pid,
                born.as_deref(),
            )
            .await?;
            let giver = p.guardian.as_ref().map(|g| g.given_by.as_str());
            seal(
                &mut tx,
                self,
                "case_people",
                "guardian_given_by",
                pid,
                giver,
            )
            .await?;
        }
        add_members(&mut tx, case, &new.team, new.by, now).await?;
        for due in &new.follow_ups {
            sqlx::query("INSERT INTO case_follow_ups (case_id, due_on) VALUES ($1, $2)")
                .bind(id)
                .bind(format_date(*due))
                .execute(&mut *tx)
                .await?;
        }
        if let Some(help) = new.help_request {
            // The request is taken over once: a second intake of the same
            // request finds no row to update and is refused. Its text and
            // contact now live in the case, behind the case's access rule,
            // so they leave the intake list, which every caseworker and
            // admin of the queue unit can read.
            let n = sqlx::query(
                "UPDATE help_requests SET status = 'in_progress', updated_at = $1, \
                 description_enc = NULL, contact_enc = NULL \
                 WHERE id = $2 AND kind = 'rights' AND NOT EXISTS \
                 (SELECT 1 FROM cases c WHERE c.help_request_id = $2 AND c.id <> $3)",
            )
            .bind(now)
            .bind(help.get())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::Refused {
                    field: "help_request",
                    key: "err.case.help_taken",
                });
            }
        }
        event(
            &mut tx,
            case,
            Some(new.by),
            "opened",
            i.source.as_str(),
            now,
        )
        .await?;
        let after = stats::facts(&mut tx, id).await?;
        stats::apply(&mut tx, self.backend, None, after.as_ref()).await?;
        tx.commit().await?;
        Ok(case)
    }

    async fn case_head(&self, scope: Scope, id: CaseId, now: i64) -> Result<InScope<CaseHead>> {
        // The system (no user) is on no team and holds no grant.
        let user = scope.user().unwrap_or(UserId::new(0));
        let row = sqlx::query(
            "SELECT c.id, c.status, c.type_key, c.risk_level, c.consent_services, \
             c.consent_referral, c.consent_statistics, c.closure_requested_by, \
             c.l1, c.l2, c.l3, c.l4, c.l5, u.id AS uid, u.code, u.name, u.level, \
             (SELECT MAX(g.expires_at) FROM case_glass g WHERE g.case_id = c.id \
              AND g.user_id = $2 AND g.expires_at > $3) AS glass_until \
             FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.id = $1",
        )
        .bind(id.get())
        .bind(user.get())
        .bind(now)
        .fetch_optional(self.reader())
        .await?;
        let row = not_found_if_none(row)?;
        let anc = ancestors(&row, "")?;
        if !scope.contains(&anc) {
            return Err(StoreError::NotFound);
        }
        let roles =
            sqlx::query("SELECT kind FROM case_workers WHERE case_id = $1 AND user_id = $2")
                .bind(id.get())
                .bind(user.get())
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(|r| {
                    let k: String = r.try_get("kind")?;
                    decode(TeamRole::parse(&k), "team role", &k)
                })
                .collect::<Result<Vec<_>>>()?;
        let status: String = row.try_get("status")?;
        let risk: Option<String> = row.try_get("risk_level")?;
        let code: String = row.try_get("code")?;
        let head = CaseHead {
            id,
            number: case_number(id.get()),
            unit: crate::model::UnitRef {
                id: UnitId::new(row.try_get("uid")?),
                code: decode(UnitCode::parse(&code).ok(), "unit code", &code)?,
                name: row.try_get("name")?,
                level: super::level_of(&row, "level")?,
            },
            ancestors: anc,
            status: decode(CaseStatus::parse(&status), "status", &status)?,
            type_key: row.try_get("type_key")?,
            risk_level: match risk {
                Some(r) => Some(decode(RiskLevel::parse(&r), "risk level", &r)?),
                None => None,
            },
            consent: CaseConsent {
                services: row.try_get::<i64, _>("consent_services")? != 0,
                referral: row.try_get::<i64, _>("consent_referral")? != 0,
                statistics: row.try_get::<i64, _>("consent_statistics")? != 0,
            },
            roles_of_user: roles,
            glass_until: row.try_get("glass_until")?,
            closure_requested_by: row
                .try_get::<Option<i64>, _>("closure_requested_by")?
                .map(UserId::new),
        };
        Ok(InScope::new(head, scope))
    }

    async fn open_case(
        &self,
        head: InScope<CaseHead>,
        action: &str,
        now: i64,
    ) -> Result<OpenedCase> {
        let scope = head.scope();
        let (Some(user), Some(via)) = (
            scope.user(),
            jinguo_domain::case::access_grounds(
                scope.caps(),
                &head.roles_of_user,
                head.glass_until.is_some(),
            ),
        ) else {
            return Err(StoreError::NotFound);
        };
        self.record_case_access(head.id, user, action, via, now)
            .await?;
        Ok(OpenedCase::new(head.into_inner(), via, scope))
    }

    async fn case_view(&self, case: &OpenedCase, today: time::Date) -> Result<CaseView> {
        let id = case.id();
        let cid = id.get();
        let row = sqlx::query(
            "SELECT c.*, u.id AS uid, u.code, u.name, u.level, cr.username AS requester \
             FROM cases c JOIN units u ON u.id = c.unit_id \
             LEFT JOIN users cr ON cr.id = c.closure_requested_by WHERE c.id = $1",
        )
        .bind(cid)
        .fetch_optional(self.reader())
        .await?;
        let row = not_found_if_none(row)?;
        let open = |col: &str| -> Result<Option<String>> {
            let sealed: Option<String> = row.try_get(format!("{col}_enc").as_str())?;
            self.open_case_text("cases", col, cid, sealed)
        };
        let str_of = |col: &str| -> Result<String> { Ok(row.try_get::<String, _>(col)?) };
        let source = str_of("source")?;
        let urgency = str_of("urgency")?;
        let status = str_of("status")?;
        let risk: Option<String> = row.try_get("risk_level")?;
        let outcome: Option<String> = row.try_get("outcome")?;
        let sex = str_of("client_sex")?;
        let people = sqlx::query("SELECT * FROM case_people WHERE case_id = $1 ORDER BY id")
            .bind(cid)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| {
                let pid: i64 = r.try_get("id")?;
                let role: String = r.try_get("role")?;
                let sex: Option<String> = r.try_get("sex")?;
                Ok(PersonView {
                    role: decode(PersonRole::parse(&role), "person role", &role)?,
                    name: self
                        .open_case_text("case_people", "name", pid, r.try_get("name_enc")?)?
                        .unwrap_or_default(),
                    sex: sex.as_deref().map(sex_of).transpose()?,
                    birth_year: match self.open_case_text(
                        "case_people",
                        "birth_year",
                        pid,
                        r.try_get("birth_year_enc")?,
                    )? {
                        Some(y) => y.parse().ok(),
                        None => r
                            .try_get::<Option<i64>, _>("birth_year")?
                            .and_then(|y| i32::try_from(y).ok()),
                    },
                    relation: r.try_get("relation")?,
                    guardian_given_by: match self.open_case_text(
                        "case_people",
                        "guardian_given_by",
                        pid,
                        r.try_get("guardian_given_by_enc")?,
                    )? {
                        Some(g) => Some(g),
                        None => r.try_get("guardian_given_by")?,
                    },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let team = sqlx::query(
            "SELECT w.user_id, w.kind, us.username, un.name FROM case_workers w \
             JOIN users us ON us.id = w.user_id JOIN units un ON un.id = us.unit_id \
             WHERE w.case_id = $1 ORDER BY w.kind, us.username",
        )
        .bind(cid)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            let k: String = r.try_get("kind")?;
            Ok(TeamMember {
                user_id: UserId::new(r.try_get("user_id")?),
                username: r.try_get("username")?,
                unit_name: r.try_get("name")?,
                role: decode(TeamRole::parse(&k), "team role", &k)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let assessments = sqlx::query(
            "SELECT a.*, us.username FROM case_assessments a \
             LEFT JOIN users us ON us.id = a.by_user WHERE a.case_id = $1 ORDER BY a.id",
        )
        .bind(cid)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            let aid: i64 = r.try_get("id")?;
            let computed: String = r.try_get("computed")?;
            let level: String = r.try_get("level")?;
            let answers: String = r.try_get("answers")?;
            Ok(AssessmentView {
                at: r.try_get("at")?,
                by: r.try_get("username")?,
                answers: answers
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                score: r.try_get("score")?,
                computed: decode(RiskLevel::parse(&computed), "risk level", &computed)?,
                level: decode(RiskLevel::parse(&level), "risk level", &level)?,
                override_reason: self.open_case_text(
                    "case_assessments",
                    "override",
                    aid,
                    r.try_get("override_enc")?,
                )?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let orders = sqlx::query("SELECT * FROM case_orders WHERE case_id = $1 ORDER BY id")
            .bind(cid)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let status: String = r.try_get("status")?;
                Ok(OrderView {
                    id: r.try_get("id")?,
                    kind: decode(OrderKind::parse(&kind), "order kind", &kind)?,
                    status: decode(OrderStatus::parse(&status), "order status", &status)?,
                    on_date: r.try_get("on_date")?,
                    at: r.try_get("at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let referrals = sqlx::query(
            "SELECT r.*, us.username AS override_name FROM case_referrals r \
             LEFT JOIN users us ON us.id = r.override_by WHERE r.case_id = $1 ORDER BY r.id",
        )
        .bind(cid)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            let rid: i64 = r.try_get("id")?;
            let agency: String = r.try_get("agency")?;
            let status: String = r.try_get("status")?;
            Ok(ReferralView {
                id: rid,
                agency: decode(Agency::parse(&agency), "agency", &agency)?,
                agency_name: r.try_get("agency_name")?,
                status: decode(ReferralStatus::parse(&status), "referral status", &status)?,
                note: self.open_case_text("case_referrals", "note", rid, r.try_get("note_enc")?)?,
                override_by: r.try_get("override_name")?,
                override_reason: self.open_case_text(
                    "case_referrals",
                    "override_reason",
                    rid,
                    r.try_get("override_reason_enc")?,
                )?,
                at: r.try_get("at")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let today_s = format_date(today);
        let follow_ups = sqlx::query(
            "SELECT f.*, us.username FROM case_follow_ups f \
             LEFT JOIN users us ON us.id = f.by_user WHERE f.case_id = $1 \
             ORDER BY COALESCE(f.due_on, f.done_on), f.id",
        )
        .bind(cid)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            let fid: i64 = r.try_get("id")?;
            let due_on: Option<String> = r.try_get("due_on")?;
            let done_on: Option<String> = r.try_get("done_on")?;
            Ok(FollowUpView {
                id: fid,
                overdue: done_on.is_none()
                    && due_on.as_deref().is_some_and(|d| d < today_s.as_str()),
                due_on,
                done_on,
                note: self.open_case_text(
                    "case_follow_ups",
                    "note",
                    fid,
                    r.try_get("note_enc")?,
                )?,
                by: r.try_get("username")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let events = sqlx::query(
            "SELECT e.at, e.action, e.detail, us.username FROM case_events e \
             LEFT JOIN users us ON us.id = e.by_user WHERE e.case_id = $1 ORDER BY e.id",
        )
        .bind(cid)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            Ok(CaseEvent {
                at: r.try_get("at")?,
                by: r.try_get("username")?,
                action: r.try_get("action")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let code = str_of("code")?;
        Ok(CaseView {
            id,
            number: case_number(cid),
            unit: crate::model::UnitRef {
                id: UnitId::new(row.try_get("uid")?),
                code: decode(UnitCode::parse(&code).ok(), "unit code", &code)?,
                name: str_of("name")?,
                level: super::level_of(&row, "level")?,
            },
            source: decode(CaseSource::parse(&source), "source", &source)?,
            type_key: str_of("type_key")?,
            urgency: decode(CaseUrgency::parse(&urgency), "urgency", &urgency)?,
            status: decode(CaseStatus::parse(&status), "status", &status)?,
            risk_level: match risk {
                Some(r) => Some(decode(RiskLevel::parse(&r), "risk level", &r)?),
                None => None,
            },
            client: ClientView {
                name: open("client_name")?.unwrap_or_default(),
                sex: sex_of(&sex)?,
                birth_year: match open("client_birth_year")? {
                    Some(y) => y.parse().ok(),
                    None => row
                        .try_get::<Option<i64>, _>("client_birth_year")?
                        .and_then(|y| i32::try_from(y).ok()),
                },
                id_mask: match open("client_id")? {
                    Some(n) => Some(jinguo_domain::id_number::mask_stored(&n)),
                    None => row.try_get("client_id_mask")?,
                },
                phone_mask: match open("client_phone")? {
                    Some(p) => Some(
                        jinguo_domain::Phone::parse(&p)
                            .map(|p| p.mask())
                            .unwrap_or_else(|_| jinguo_domain::id_number::mask_stored(&p)),
                    ),
                    None => row.try_get("client_phone_mask")?,
                },
            },
            people,
            narrative: open("narrative")?.unwrap_or_default(),
            safety_plan: open("safety_plan")?,
            consent: CaseConsent {
                services: row.try_get::<i64, _>("consent_services")? != 0,
                referral: row.try_get::<i64, _>("consent_referral")? != 0,
                statistics: row.try_get::<i64, _>("consent_statistics")? != 0,
            },
            opened_on: str_of("opened_on")?,
            first_contact_on: row.try_get("first_contact_on")?,
            closed_on: row.try_get("closed_on")?,
            outcome: match outcome {
                Some(o) => Some(decode(Outcome::parse(&o), "outcome", &o)?),
                None => None,
            },
            close_reason: open("close_reason")?,
            closure_requested_by: row.try_get("requester")?,
            help_request: row
                .try_get::<Option<i64>, _>("help_request_id")?
                .map(HelpId::new),
            team,
            assessments,
            orders,
            referrals,
            follow_ups,
            events,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    async fn reveal_case_field(&self, case: &OpenedCase, field: CaseSealedField) -> Result<String> {
        let id = case.id();
        let column = match field {
            CaseSealedField::IdNumber => "client_id",
            CaseSealedField::Phone => "client_phone",
        };
        let row = sqlx::query(&format!(
            "SELECT {column}_enc AS sealed FROM cases WHERE id = $1"
        ))
        .bind(id.get())
        .fetch_optional(self.reader())
        .await?;
        let sealed: Option<String> = not_found_if_none(row)?.try_get("sealed")?;
        let plain = self.open_case_text("cases", column, id.get(), sealed)?;
        not_found_if_none(plain)
    }

    async fn case_access_log(&self, case: &OpenedCase) -> Result<Vec<CaseAccess>> {
        let id = case.id();
        sqlx::query(
            "SELECT a.at, a.action, a.via, us.username, un.name FROM case_access a \
             JOIN users us ON us.id = a.user_id JOIN units un ON un.id = us.unit_id \
             WHERE a.case_id = $1 ORDER BY a.id DESC LIMIT 500",
        )
        .bind(id.get())
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            let via: String = r.try_get("via")?;
            Ok(CaseAccess {
                at: r.try_get("at")?,
                username: r.try_get("username")?,
                unit_name: r.try_get("name")?,
                action: r.try_get("action")?,
                via: decode(AccessVia::parse(&via), "access via", &via)?,
            })
        })
        .collect()
    }

    async fn cases_for(
        &self,
        scope: Scope,
        status: Option<CaseStatus>,
        today: time::Date,
        now: i64,
        page: Page,
    ) -> Result<Vec<CaseSummary>> {
        let user = scope.user().unwrap_or(UserId::new(0));
        let sql = format!(
            "SELECT {SUMMARY_COLS} FROM cases c JOIN units u ON u.id = c.unit_id \
             WHERE c.{col} = $2 AND ($3 = '' OR c.status = $3) AND ( \
               EXISTS (SELECT 1 FROM case_workers w WHERE w.case_id = c.id AND w.user_id = $4) \
               OR EXISTS (SELECT 1 FROM case_glass g WHERE g.case_id = c.id AND g.user_id = $4 \
                          AND g.expires_at > $5)) \
             ORDER BY c.id DESC LIMIT $6 OFFSET $7",
            col = scope.level().ancestor_column()
        );
        sqlx::query(&sql)
            .bind(format_date(today))
            .bind(scope.unit().get())
            .bind(status.map_or("", CaseStatus::as_str))
            .bind(user.get())
            .bind(now)
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(summary_from_row)
            .collect()
    }

    async fn cases_filtered(
        &self,
        scope: Scope,
        filter: &CaseFilter,
        today: time::Date,
        now: i64,
        limit: i64,
    ) -> Result<Vec<CaseSummary>> {
        let user = scope.user().unwrap_or(UserId::new(0));
        // `$1` is today (the overdue count), `$2` the scope's unit; the
        // conditions number on from `$3`. The access rule is `cases_for`'s.
        let mut c = Conds::after(2);
        c.add(
            " AND (EXISTS (SELECT 1 FROM case_workers w WHERE w.case_id = c.id AND w.user_id = ?) \
             OR EXISTS (SELECT 1 FROM case_glass g WHERE g.case_id = c.id AND g.user_id = ?",
            Bind::Int(user.get()),
        );
        c.add(" AND g.expires_at > ?))", Bind::Int(now));
        if let Some(v) = filter.status {
            c.add(" AND c.status = ?", Bind::Text(v.as_str().to_owned()));
        }
        if let Some(v) = &filter.type_key {
            c.add(" AND c.type_key = ?", Bind::Text(v.clone()));
        }
        if let Some(v) = filter.risk_level {
            c.add(" AND c.risk_level = ?", Bind::Text(v.as_str().to_owned()));
        }
        if let Some(v) = &filter.opened_from {
            c.add(" AND c.opened_on >= ?", Bind::Text(v.clone()));
        }
        if let Some(v) = &filter.opened_to {
            c.add(" AND c.opened_on <= ?", Bind::Text(v.clone()));
        }
        if let Some(b) = filter.before {
            c.add(" AND c.id < ?", Bind::Int(b));
        }
        let sql = format!(
            "SELECT {SUMMARY_COLS} FROM cases c JOIN units u ON u.id = c.unit_id \
             WHERE c.{col} = $2{cond} ORDER BY c.id DESC LIMIT {limit}",
            col = scope.level().ancestor_column(),
            cond = c.sql,
            limit = c.next_mark(),
        );
        c.bind(
            sqlx::query(&sql)
                .bind(format_date(today))
                .bind(scope.unit().get()),
        )
        .bind(limit)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(summary_from_row)
        .collect()
    }

    async fn add_case_member(
        &self,
        case: &OpenedCase,
        user: UserId,
        role: TeamRole,
        by: UserId,
        now: i64,
    ) -> Result<()> {
        let id = case.id();
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        add_members(&mut tx, id, &[(user, role)], by, now).await?;
        event(&mut tx, id, Some(by), "team_added", role.as_str(), now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn assess_case(&self, case: &OpenedCase, a: NewAssessment, now: i64) -> Result<usize> {
        let id = case.id();
        self.vault()?;
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let before = stats::facts(&mut tx, id.get()).await?;
        let x = &a.assessment;
        let row = sqlx::query(
            "INSERT INTO case_assessments (case_id, answers, score, computed, level, by_user, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(id.get())
        .bind(x.answers.join(","))
        .bind(i64::from(x.score))
        .bind(x.computed.as_str())
        .bind(x.level.as_str())
        .bind(a.by.get())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let aid: i64 = row.try_get("id")?;
        seal(
            &mut tx,
            self,
            "case_assessments",
            "override",
            aid,
            x.override_reason.as_deref(),
        )
        .await?;
        let n = sqlx::query(
            "UPDATE cases SET risk_level = $1, \
             status = CASE WHEN status = 'open' THEN 'assessed' ELSE status END, \
             first_contact_on = COALESCE(first_contact_on, $2) \
             WHERE id = $3 AND status NOT IN ('closed', 'closure_pending')",
        )
        .bind(x.level.as_str())
        .bind(format_date(a.on))
        .bind(id.get())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused {
                field: "status",
                key: "err.case.closed",
            });
        }
        if let Some(plan) = &x.safety_plan {
            seal(&mut tx, self, "cases", "safety_plan", id.get(), Some(plan)).await?;
        }
        event(
            &mut tx,
            id,
            Some(a.by),
            "assessed",
            &format!("{} ({})", x.level.as_str(), x.score),
            now,
        )
        .await?;
        let alerted = if x.level.alerts() {
            alert_supervisors(
                &mut tx,
                id,
                &format!("risk_{}", x.level.as_str()),
                Some(a.by),
                now,
            )
            .await?
        } else {
            0
        };
        let after = stats::facts(&mut tx, id.get()).await?;
        stats::apply(&mut tx, self.backend, before.as_ref(), after.as_ref()).await?;
        tx.commit().await?;
        Ok(alerted)
    }

    async fn record_case_order(
        &self,
        case: &OpenedCase,
        kind: OrderKind,
        status: OrderStatus,
        on_date: time::Date,
        by: UserId,
        now: i64,
    ) -> Result<i64> {
        let id = case.id();
        if !kind.allows(status) {
            return Err(StoreError::Refused {
                field: "status",
                key: "err.case.order_status",
            });
        }
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let before = stats::facts(&mut tx, id.get()).await?;
        let row = sqlx::query(
            "INSERT INTO case_orders (case_id, kind, status, on_date, by_user, at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(id.get())
        .bind(kind.as_str())
        .bind(status.as_str())
        .bind(format_date(on_date))
        .bind(by.get())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let oid: i64 = row.try_get("id")?;
        event(
            &mut tx,
            id,
            Some(by),
            "order",
            &format!("{} {}", kind.as_str(), status.as_str()),
            now,
        )
        .await?;
        let after = stats::facts(&mut tx, id.get()).await?;
        stats::apply(&mut tx, self.backend, before.as_ref(), after.as_ref()).await?;
        tx.commit().await?;
        Ok(oid)
    }

    async fn grant_case_glass(
        &self,
        head: &InScope<CaseHead>,
        reason: &str,
        now: i64,
    ) -> Result<i64> {
        let scope = head.scope();
        let id = head.id;
        let user = match scope.user() {
            Some(u) if scope.can(jinguo_domain::Capability::BreakGlass) => u,
            _ => return Err(StoreError::NotFound),
        };
        self.vault()?;
        let expires = now + GLASS_SECS;
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let row = sqlx::query(
            "INSERT INTO case_glass (case_id, user_id, granted_at, expires_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(id.get())
        .bind(user.get())
        .bind(now)
        .bind(expires)
        .fetch_one(&mut *tx)
        .await?;
        let gid: i64 = row.try_get("id")?;
        seal(&mut tx, self, "case_glass", "reason", gid, Some(reason)).await?;
        event(&mut tx, id, Some(user), "glass", "", now).await?;
        alert_supervisors(&mut tx, id, "glass", Some(user), now).await?;
        tx.commit().await?;
        Ok(expires)
    }

    async fn case_alerts(&self, scope: Scope, limit: i64) -> Result<Vec<CaseAlert>> {
        let user = scope.user().unwrap_or(UserId::new(0));
        sqlx::query(
            "SELECT id, case_id, kind, created_at, read_at FROM case_alerts \
             WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(user.get())
        .bind(limit)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|r| {
            let cid: i64 = r.try_get("case_id")?;
            Ok(CaseAlert {
                id: r.try_get("id")?,
                case_id: CaseId::new(cid),
                number: case_number(cid),
                kind: r.try_get("kind")?,
                created_at: r.try_get("created_at")?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect()
    }

    async fn mark_case_alerts_read(&self, scope: Scope, now: i64) -> Result<()> {
        let user = scope.user().unwrap_or(UserId::new(0));
        sqlx::query("UPDATE case_alerts SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(now)
            .bind(user.get())
            .execute(self.writer())
            .await?;
        Ok(())
    }
}

/// Written only by [`CaseStore::open_case`], so every opening is logged.
impl SqlStore {
    pub(crate) async fn record_case_access(
        &self,
        id: CaseId,
        user: UserId,
        action: &str,
        via: AccessVia,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO case_access (case_id, user_id, at, action, via) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.get())
        .bind(user.get())
        .bind(now)
        .bind(action)
        .bind(via.as_str())
        .execute(self.writer())
        .await?;
        Ok(())
    }
}

/// Unscoped: the demo and tests act on cases as the system, which is not a
/// person and leaves no line in a case's access log.
impl SqlStore {
    pub async fn system_open_case(&self, id: CaseId) -> Result<OpenedCase> {
        let root = self.root_unit().await?;
        let scope = self.system_scope(&root);
        let head = self.case_head(scope, id, 0).await?;
        Ok(OpenedCase::new(
            head.into_inner(),
            AccessVia::Supervisor,
            scope,
        ))
    }
}

impl SqlStore {
    /// Seals what cases held in plain text before (migration 0039): birth
    /// years of clients and of a case's people, guardians' consent givers;
    /// the ID and phone masks go where the full value is sealed. Run at every
    /// start with the key, a no-op once done. Returns how many rows changed.
    pub async fn seal_plain_case_fragments(&self) -> Result<u64> {
        self.vault()?;
        let mut changed = 0;
        loop {
            let rows = sqlx::query(
                "SELECT id, client_birth_year FROM cases WHERE client_birth_year IS NOT NULL \
                 OR (client_id_mask IS NOT NULL AND client_id_enc IS NOT NULL) \
                 OR (client_phone_mask IS NOT NULL AND client_phone_enc IS NOT NULL) \
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
                let born = r
                    .try_get::<Option<i64>, _>("client_birth_year")?
                    .map(|y| y.to_string());
                if born.is_some() {
                    seal(
                        &mut tx,
                        self,
                        "cases",
                        "client_birth_year",
                        id,
                        born.as_deref(),
                    )
                    .await?;
                }
                sqlx::query(
                    "UPDATE cases SET client_birth_year = NULL, \
                     client_id_mask = CASE WHEN client_id_enc IS NULL THEN client_id_mask END, \
                     client_phone_mask = CASE WHEN client_phone_enc IS NULL \
                     THEN client_phone_mask END WHERE id = $1",
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
                "SELECT id, birth_year, guardian_given_by FROM case_people \
                 WHERE birth_year IS NOT NULL OR guardian_given_by IS NOT NULL \
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
                let born = r
                    .try_get::<Option<i64>, _>("birth_year")?
                    .map(|y| y.to_string());
                if born.is_some() {
                    seal(
                        &mut tx,
                        self,
                        "case_people",
                        "birth_year",
                        id,
                        born.as_deref(),
                    )
                    .await?;
                }
                let giver: Option<String> = r.try_get("guardian_given_by")?;
                if giver.is_some() {
                    seal(
                        &mut tx,
                        self,
                        "case_people",
                        "guardian_given_by",
                        id,
                        giver.as_deref(),
                    )
                    .await?;
                }
                sqlx::query(
                    "UPDATE case_people SET birth_year = NULL, guardian_given_by = NULL \
                     WHERE id = $1",
                )
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
