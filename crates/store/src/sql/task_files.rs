//! Attachment rows of tasks. The caller has already found the task with
//! `task_in_scope`, so these queries only need the task id.

use async_trait::async_trait;
use jinguo_domain::{AttachmentId, TaskId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use crate::model::Task;
use crate::model::{Attachment, NewAttachment};
use crate::{InScope, Result, StoreError, TaskFileStore};

const COLS: &str =
    "id, task_id, name, content_type, byte_size, storage_name, created_by, created_at";

fn attachment_from_row(row: &AnyRow) -> Result<Attachment> {
    Ok(Attachment {
        id: AttachmentId::new(row.try_get("id")?),
        task: TaskId::new(row.try_get("task_id")?),
        name: row.try_get("name")?,
        content_type: row.try_get("content_type")?,
        byte_size: row.try_get("byte_size")?,
        storage_name: row.try_get("storage_name")?,
        created_by: row
            .try_get::<Option<i64>, _>("created_by")?
            .map(UserId::new),
        created_at: row.try_get("created_at")?,
    })
}

/// The rows of files already written, inside the caller's transaction:
/// adding to a task, or issuing one with its files.
pub(super) async fn insert_attachments(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    task: TaskId,
    add: &[NewAttachment],
    by: UserId,
    now: i64,
) -> Result<Vec<AttachmentId>> {
    let mut ids = Vec::with_capacity(add.len());
    for a in add {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO task_attachments (task_id, name, content_type, byte_size, \
             storage_name, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(task.get())
        .bind(a.name.as_str())
        .bind(a.content_type)
        .bind(a.byte_size)
        .bind(a.storage_name.as_str())
        .bind(by.get())
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        ids.push(AttachmentId::new(id));
    }
    Ok(ids)
}

#[async_trait]
impl TaskFileStore for SqlStore {
    async fn add_attachments(
        &self,
        task: &InScope<Task>,
        add: &[NewAttachment],
        max: usize,
        by: UserId,
        now: i64,
    ) -> Result<Vec<AttachmentId>> {
        let mut tx = self.write_tx().await?;
        // Locks the task row (PostgreSQL; SQLite writes one at a time) so
        // two uploads at once cannot pass the limit together.
        let locked = sqlx::query("UPDATE tasks SET id = id WHERE id = $1")
            .bind(task.id.get())
            .execute(&mut *tx)
            .await?;
        if locked.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM task_attachments WHERE task_id = $1")
            .bind(task.id.get())
            .fetch_one(&mut *tx)
            .await?;
        if usize::try_from(n).unwrap_or(usize::MAX) + add.len() > max {
            return Err(StoreError::Refused {
                field: "file",
                key: "err.attachment.too_many",
            });
        }
        let ids = insert_attachments(&mut tx, task.id, add, by, now).await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn attachments_of(&self, task: &InScope<Task>) -> Result<Vec<Attachment>> {
        sqlx::query(&format!(
            "SELECT {COLS} FROM task_attachments WHERE task_id = $1 ORDER BY id"
        ))
        .bind(task.id.get())
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(attachment_from_row)
        .collect()
    }

    async fn attachment(&self, task: &InScope<Task>, id: AttachmentId) -> Result<Attachment> {
        let row = sqlx::query(&format!(
            "SELECT {COLS} FROM task_attachments WHERE task_id = $1 AND id = $2"
        ))
        .bind(task.id.get())
        .bind(id.get())
        .fetch_optional(self.reader())
        .await?;
        attachment_from_row(&super::not_found_if_none(row)?)
    }
}
