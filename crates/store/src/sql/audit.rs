use crate::Scope;
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};

use super::SqlStore;
use super::group::GroupWrite;
use crate::model::{AuditEntry, NewAudit, Page};
use crate::{AuditStore, Result};

#[async_trait]
impl AuditStore for SqlStore {
    async fn append_audit(&self, e: NewAudit) -> Result<()> {
        match &self.group {
            // SQLite: in the next group commit, beside the write it records.
            Some(group) => self.grouped(group, GroupWrite::Audit(e)).await.map(drop),
            None => insert(&mut *self.pool.acquire().await?, &e).await,
        }
    }

    async fn audit_in_scope(&self, scope: Scope, page: Page) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT a.id, a.at, a.actor_name, a.action, a.detail, a.ip, u.code, u.name \
             FROM audit_log a JOIN units u ON u.id = a.unit_id \
             WHERE a.{} = $1 ORDER BY a.id DESC LIMIT $2 OFFSET $3",
            scope.level().ancestor_column()
        );
        let rows = sqlx::query(&sql)
            .bind(scope.unit().get())
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor_name: r.try_get("actor_name")?,
                    action: r.try_get("action")?,
                    detail: r.try_get("detail")?,
                    ip: r.try_get("ip")?,
                    unit_code: r.try_get("code")?,
                    unit_name: r.try_get("name")?,
                })
            })
            .collect()
    }
}

/// Appends an audit entry on `conn`. The entry carries the ancestors of its
/// unit at write time, so the auditors who may read it do not change if the
/// tree changes later.
pub(super) async fn insert(conn: &mut AnyConnection, e: &NewAudit) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, detail, ip, unit_id, l1, l2, l3, l4, l5) \
         SELECT $1, $2, $3, $4, $5, $6, id, l1, l2, l3, l4, l5 FROM units WHERE id = $7",
    )
    .bind(e.at)
    .bind(e.actor.as_ref().map(|(id, _)| id.get()))
    .bind(e.actor.as_ref().map(|(_, name)| name.as_str()))
    .bind(e.action)
    .bind(&e.detail)
    .bind(e.ip.as_deref())
    .bind(e.unit.get())
    .execute(conn)
    .await?;
    Ok(())
}
