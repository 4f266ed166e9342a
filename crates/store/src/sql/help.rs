//! Requests from the public help page.

use crate::Scope;
use async_trait::async_trait;
use jinguo_domain::help::{HelpKind, HelpStatus, TrackingCode};
use jinguo_domain::need::{NeedStatus, Urgency};
use jinguo_domain::{HelpId, Level, NeedId, UnitCode, UnitId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SqlStore, not_found_if_none};
use crate::model::{
    HelpCreated, HelpPublicStatus, HelpRequest, HelpSummary, NeedSource, NewHelpRequest, NewNeed,
    Page, QUEUE_ROLES, Unit,
};
use crate::vault::associated_data;
use crate::{HelpStore, Result, StoreError};

const SUMMARY_COLS: &str = "h.id, h.tracking_code, h.kind, h.category, h.status, h.created_at, \
     h.updated_at, h.queue_unit_id, h.need_id, u.code AS unit_code, u.name AS unit_name, \
     q.code AS queue_code, q.name AS queue_name";
const SUMMARY_FROM: &str = "FROM help_requests h JOIN units u ON u.id = h.unit_id \
     JOIN units q ON q.id = h.queue_unit_id";

fn code_of(row: &AnyRow, col: &str) -> Result<UnitCode> {
    let code: String = row.try_get(col)?;
    UnitCode::parse(&code)
        .map_err(|_| sqlx::Error::Decode(format!("bad unit code {code}").into()).into())
}

fn summary_from_row(row: &AnyRow) -> Result<HelpSummary> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let code: String = row.try_get("tracking_code")?;
    Ok(HelpSummary {
        id: HelpId::new(row.try_get("id")?),
        tracking_code: TrackingCode::parse(&code).map_or(code, |c| c.grouped()),
        kind: HelpKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad help kind {kind}").into()))?,
        unit_code: code_of(row, "unit_code")?,
        unit_name: row.try_get("unit_name")?,
        queue_code: code_of(row, "queue_code")?,
        queue_name: row.try_get("queue_name")?,
        category: row.try_get("category")?,
        status: HelpStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad help status {status}").into()))?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The filter "queued in the subtree of the unit at `level`" (parameter
/// `$1`): the queue is the village or its township, and the request carries
/// the village's ancestors, so above the village the ancestor column
/// decides, and at a village only its own queue counts.
fn queue_in_subtree(level: Level) -> String {
    if level.get() >= 5 {
        "h.queue_unit_id = $1".to_owned()
    } else {
        format!("h.{} = $1", level.ancestor_column())
    }
}

impl SqlStore {
    fn limit_key(&self, client: &str) -> Result<String> {
        Ok(self.vault()?.blind_index("help_limit", client))
    }
}

#[async_trait]
impl HelpStore for SqlStore {
    async fn limit_hits(&self, bucket: &str, client: &str, since: i64) -> Result<Vec<i64>> {
        let rows = sqlx::query_scalar(
            "SELECT at FROM help_limit_hits WHERE bucket = $1 AND client = $2 AND at > $3",
        )
        .bind(bucket)
        .bind(self.limit_key(client)?)
        .bind(since)
        .fetch_all(self.reader())
        .await?;
        Ok(rows)
    }

    async fn record_limit_hit(&self, bucket: &str, client: &str, at: i64) -> Result<()> {
        let key = self.limit_key(client)?;
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO help_limit_hits (bucket, client, at) VALUES ($1, $2, $3)")
            .bind(bucket)
            .bind(key)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM help_limit_hits WHERE at <= $1")
            .bind(at - 86_400)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_help_request(&self, new: NewHelpRequest, now: i64) -> Result<HelpCreated> {
        let vault = self.vault()?;
        let place = &new.place;
        let anc = place.ancestors;
        // Read before the transaction: on SQLite a transaction that reads
        // first and writes later fails at once (SQLITE_BUSY_SNAPSHOT, no
        // waiting) if another connection wrote in between, while one whose
        // first statement writes waits its turn.
        let queue_roles = QUEUE_ROLES
            .iter()
            .map(|r| format!("'{}'", r.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let staffed = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM users u WHERE u.unit_id = $1 AND u.active = 1 \
             AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id \
             AND r.role IN ({queue_roles}))"
        ))
        .bind(place.id.get())
        .fetch_one(&self.pool)
        .await?
        .try_get::<i64, _>("n")?
            > 0;
        let mut tx = self.write_tx().await?;
        // The place was resolved from the app's cache; whether it still
        // takes requests is read here, where the request is written.
        crate::sql::units::refuse_retired(&mut tx, place.id).await?;
        let queue = match (staffed, place.parent_id) {
            (false, Some(parent)) => parent,
            _ => place.id,
        };
        let row = sqlx::query(
            "INSERT INTO help_requests (tracking_code, kind, unit_id, l1, l2, l3, l4, l5, \
             queue_unit_id, category, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'received', $11, $11) RETURNING id",
        )
        .bind(new.code.as_str())
        .bind(new.kind.as_str())
        .bind(place.id.get())
        .bind(anc[0].map(UnitId::get))
        .bind(anc[1].map(UnitId::get))
        .bind(anc[2].map(UnitId::get))
        .bind(anc[3].map(UnitId::get))
        .bind(anc[4].map(UnitId::get))
        .bind(queue.get())
        .bind(new.category.as_str())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "tracking_code"))?;
        let id: i64 = row.try_get("id")?;
        let description = vault.encrypt_text(
            &new.description,
            &associated_data("help_request", id, "description"),
        );
        let contact = new
            .contact
            .as_deref()
            .map(|c| vault.encrypt_text(c, &associated_data("help_request", id, "contact")));
        let need = match new.kind {
            HelpKind::Need => {
                let need = super::needs::write::insert_need(
                    &mut tx,
                    self.backend,
                    vault,
                    &anc,
                    &NewNeed {
                        origin: place.id,
                        assignee: queue,
                        assignee_user: None,
                        household: None,
                        visit: None,
                        source: NeedSource::Help,
                        category: new.category.clone(),
                        urgency: Urgency::Normal,
                        description: new.description.clone(),
                        due_date: None,
                        raised_on: new.today,
                        by: None,
                    },
                    now,
                )
                .await?;
                Some(need)
            }
            HelpKind::Rights => None,
        };
        sqlx::query(
            "UPDATE help_requests SET description_enc = $1, contact_enc = $2, need_id = $3 \
             WHERE id = $4",
        )
        .bind(description)
        .bind(contact)
        .bind(need.map(NeedId::get))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(HelpCreated {
            id: HelpId::new(id),
            queue,
            need,
        })
    }

    async fn help_status(&self, code: &TrackingCode) -> Result<HelpPublicStatus> {
        let row = sqlx::query(
            "SELECT h.status, h.updated_at, n.status AS need_status, n.escalations, \
             n.updated_at AS need_updated FROM help_requests h \
             LEFT JOIN needs n ON n.id = h.need_id WHERE h.tracking_code = $1",
        )
        .bind(code.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let row = not_found_if_none(row)?;
        let updated: i64 = row.try_get("updated_at")?;
        let need_status: Option<String> = row.try_get("need_status")?;
        let bad = |s: &str| StoreError::from(sqlx::Error::Decode(format!("bad status {s}").into()));
        match need_status {
            Some(s) => {
                let st = NeedStatus::parse(&s).ok_or_else(|| bad(&s))?;
                let need_updated: i64 = row.try_get("need_updated")?;
                Ok(HelpPublicStatus {
                    status: HelpStatus::of_need(st, row.try_get("escalations")?),
                    updated_at: updated.max(need_updated),
                })
            }
            None => {
                let s: String = row.try_get("status")?;
                Ok(HelpPublicStatus {
                    status: HelpStatus::parse(&s).ok_or_else(|| bad(&s))?,
                    updated_at: updated,
                })
            }
        }
    }

    async fn help_requests_under(
        &self,
        scope: Scope,
        unit: &Unit,
        kind: HelpKind,
        page: Page,
    ) -> Result<Vec<HelpSummary>> {
        if !scope.contains(&unit.ancestors) {
            return Err(StoreError::NotFound);
        }
        let sql = format!(
            "SELECT {SUMMARY_COLS} {SUMMARY_FROM} WHERE {} AND h.kind = $2 \
             ORDER BY h.id DESC LIMIT $3 OFFSET $4",
            queue_in_subtree(unit.level)
        );
        let rows = sqlx::query(&sql)
            .bind(unit.id.get())
            .bind(kind.as_str())
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn help_request_in_scope(&self, scope: Scope, id: HelpId) -> Result<HelpRequest> {
        let vault = self.vault()?;
        let sql = format!(
            "SELECT {SUMMARY_COLS}, h.description_enc, h.contact_enc {SUMMARY_FROM} \
             WHERE {} AND h.id = $2",
            queue_in_subtree(scope.level())
        );
        let row = sqlx::query(&sql)
            .bind(scope.unit().get())
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?;
        let row = not_found_if_none(row)?;
        let summary = summary_from_row(&row)?;
        let raw = summary.id.get();
        let description = match row.try_get::<Option<String>, _>("description_enc")? {
            Some(s) => vault
                .decrypt_text(&s, &associated_data("help_request", raw, "description"))?
                .as_str()
                .to_owned(),
            None => String::new(),
        };
        let contact = row
            .try_get::<Option<String>, _>("contact_enc")?
            .map(|s| {
                vault
                    .decrypt_text(&s, &associated_data("help_request", raw, "contact"))
                    .map(|c| c.as_str().to_owned())
            })
            .transpose()?;
        Ok(HelpRequest {
            queue_id: UnitId::new(row.try_get("queue_unit_id")?),
            need: row.try_get::<Option<i64>, _>("need_id")?.map(NeedId::new),
            summary,
            description,
            contact,
        })
    }

    async fn set_help_status(
        &self,
        scope: Scope,
        id: HelpId,
        status: HelpStatus,
        now: i64,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE help_requests SET status = $3, updated_at = $4 \
             WHERE id IN (SELECT h.id FROM help_requests h WHERE {} AND h.id = $2 \
             AND h.kind = 'rights')",
            queue_in_subtree(scope.level())
        );
        let done = sqlx::query(&sql)
            .bind(scope.unit().get())
            .bind(id.get())
            .bind(status.as_str())
            .bind(now)
            .execute(self.writer())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

impl SqlStore {
    /// The pool, for [`crate::testing::scalar`]: tests check rows that no
    /// store method returns (a need's assignee, counts after a refusal).
    pub(crate) fn pool_for_tests(&self) -> &sqlx::AnyPool {
        &self.pool
    }
}
