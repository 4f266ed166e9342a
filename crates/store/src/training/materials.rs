//! Materials of a class: files checked and written by the application
//! (as task attachments are), their rows here.

use jinguo_domain::UserId;
use jinguo_domain::training::MaterialId;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::Class;
use super::sql::refused;
use crate::model::NewAttachment;
use crate::sql::SqlStore;
use crate::{InScope, Result, StoreError};

/// A stored material.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Material {
    pub id: MaterialId,
    pub name: String,
    pub content_type: String,
    pub byte_size: i64,
    #[serde(skip)]
    pub storage_name: String,
    pub created_at: i64,
}

fn from_row(r: &AnyRow) -> Result<Material> {
    Ok(Material {
        id: MaterialId::new(r.try_get("id")?),
        name: r.try_get("name")?,
        content_type: r.try_get("content_type")?,
        byte_size: r.try_get("byte_size")?,
        storage_name: r.try_get("storage_name")?,
        created_at: r.try_get("created_at")?,
    })
}

const COLS: &str = "id, name, content_type, byte_size, storage_name, created_at";

impl SqlStore {
    pub(super) async fn add_materials_sql(
        &self,
        class: &InScope<Class>,
        new: &[NewAttachment],
        max: usize,
        by: Option<UserId>,
        now: i64,
    ) -> Result<Vec<MaterialId>> {
        let mut tx = self.write_tx().await?;
        // The class row first, so two uploads count the same materials.
        sqlx::query("UPDATE training_classes SET enrolled = enrolled WHERE id = $1")
            .bind(class.id.get())
            .execute(&mut *tx)
            .await?;
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM training_materials WHERE class_id = $1")
                .bind(class.id.get())
                .fetch_one(&mut *tx)
                .await?;
        if usize::try_from(n).unwrap_or(usize::MAX) + new.len() > max {
            return Err(refused("file", "err.attachment.too_many"));
        }
        let mut ids = Vec::with_capacity(new.len());
        for a in new {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO training_materials (class_id, name, content_type, byte_size, \
                 storage_name, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 RETURNING id",
            )
            .bind(class.id.get())
            .bind(a.name.as_str())
            .bind(a.content_type)
            .bind(a.byte_size)
            .bind(a.storage_name.as_str())
            .bind(by.map(UserId::get))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            ids.push(MaterialId::new(id));
        }
        tx.commit().await?;
        Ok(ids)
    }

    pub(super) async fn materials_sql(&self, class: &InScope<Class>) -> Result<Vec<Material>> {
        sqlx::query(&format!(
            "SELECT {COLS} FROM training_materials WHERE class_id = $1 ORDER BY id"
        ))
        .bind(class.id.get())
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(from_row)
        .collect()
    }

    pub(super) async fn material_sql(
        &self,
        class: &InScope<Class>,
        id: MaterialId,
    ) -> Result<Material> {
        let row = sqlx::query(&format!(
            "SELECT {COLS} FROM training_materials WHERE class_id = $1 AND id = $2"
        ))
        .bind(class.id.get())
        .bind(id.get())
        .fetch_optional(self.reader())
        .await?;
        from_row(&row.ok_or(StoreError::NotFound)?)
    }
}
