//! Photo rows of activities. Every query joins the activity and checks its
//! scope column, so a photo is reachable exactly when its activity is.

use crate::Scope;
use async_trait::async_trait;
use jinguo_domain::{ActivityId, PhotoId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use crate::model::{Activity, Photo, PhotoChange, PhotoEdit};
use crate::{ActivityStore, PhotoStore, Result, StoreError};

const PHOTO_COLS: &str = "p.id, p.activity_id, p.position, p.content_type, p.byte_size, \
     p.storage_name, p.sha256, p.width, p.height, p.created_at, p.created_by";

fn photo_from_row(row: &AnyRow) -> Result<Photo> {
    Ok(Photo {
        id: PhotoId::new(row.try_get("id")?),
        activity: ActivityId::new(row.try_get("activity_id")?),
        position: row.try_get("position")?,
        content_type: row.try_get("content_type")?,
        byte_size: row.try_get("byte_size")?,
        storage_name: row.try_get("storage_name")?,
        sha256: row.try_get("sha256")?,
        width: row.try_get("width")?,
        height: row.try_get("height")?,
        created_at: row.try_get("created_at")?,
        created_by: row
            .try_get::<Option<i64>, _>("created_by")?
            .map(UserId::new),
    })
}

/// The same columns unqualified, for `RETURNING`.
const RETURNING_COLS: &str = "id, activity_id, position, content_type, byte_size, \
     storage_name, sha256, width, height, created_at, created_by";

/// `FROM … WHERE` of photos whose activity lies in the scope, bound to the
/// placeholder `first`.
fn scoped_from(scope: Scope, first: &str) -> String {
    format!(
        "FROM activity_photos p JOIN activities a ON a.id = p.activity_id WHERE a.{} = {first}",
        scope.level().ancestor_column()
    )
}

#[async_trait]
impl PhotoStore for SqlStore {
    async fn photos_of(&self, scope: Scope, activity: ActivityId) -> Result<Vec<Photo>> {
        // Missing and out of scope read the same.
        self.activity_in_scope(scope, activity).await?;
        let sql = format!(
            "SELECT {PHOTO_COLS} {} AND p.activity_id = $2 ORDER BY p.position, p.id",
            scoped_from(scope, "$1")
        );
        sqlx::query(&sql)
            .bind(scope.unit().get())
            .bind(activity.get())
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(photo_from_row)
            .collect()
    }

    async fn photos_of_many(&self, scope: Scope, activities: &[ActivityId]) -> Result<Vec<Photo>> {
        let mut out = Vec::new();
        for chunk in activities.chunks(500) {
            let sql = format!(
                "SELECT {PHOTO_COLS} {} AND p.activity_id IN ({}) \
                 ORDER BY p.activity_id, p.position, p.id",
                scoped_from(scope, &self.backend.params(1, 1)),
                self.backend.params(2, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(scope.unit().get());
            for id in chunk {
                q = q.bind(id.get());
            }
            for row in q.fetch_all(self.reader()).await? {
                out.push(photo_from_row(&row)?);
            }
        }
        Ok(out)
    }

    async fn photo_in_scope(
        &self,
        scope: Scope,
        activity: ActivityId,
        photo: PhotoId,
    ) -> Result<Photo> {
        let sql = format!(
            "SELECT {PHOTO_COLS} {} AND p.activity_id = $2 AND p.id = $3",
            scoped_from(scope, "$1")
        );
        let row = sqlx::query(&sql)
            .bind(scope.unit().get())
            .bind(activity.get())
            .bind(photo.get())
            .fetch_optional(self.reader())
            .await?;
        photo_from_row(&super::not_found_if_none(row)?)
    }

    async fn change_photos(
        &self,
        scope: Scope,
        activity: ActivityId,
        edit: PhotoEdit<'_>,
    ) -> Result<PhotoChange> {
        let PhotoEdit {
            add,
            remove,
            max,
            by,
            now,
        } = edit;
        self.activity_in_scope(scope, activity).await?;
        let mut tx = self.write_tx().await?;
        let mut change = PhotoChange::default();
        for id in remove {
            let row = sqlx::query(&format!(
                "DELETE FROM activity_photos WHERE id = $1 AND activity_id = $2 \
                 RETURNING {RETURNING_COLS}"
            ))
            .bind(id.get())
            .bind(activity.get())
            .fetch_optional(&mut *tx)
            .await?;
            change
                .removed
                .push(photo_from_row(&super::not_found_if_none(row)?)?);
        }
        // Counted inside the transaction, after the removals, so two uploads
        // at once cannot pass the limit together (SQLite writes one at a
        // time; on PostgreSQL the activity row lock below serialises them).
        sqlx::query("UPDATE activities SET updated_at = updated_at WHERE id = $1")
            .bind(activity.get())
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, CAST(COALESCE(MAX(position), 0) AS BIGINT) AS last \
             FROM activity_photos WHERE activity_id = $1",
        )
        .bind(activity.get())
        .fetch_one(&mut *tx)
        .await?;
        let (n, mut last): (i64, i64) = (row.try_get("n")?, row.try_get("last")?);
        if usize::try_from(n).unwrap_or(usize::MAX) + add.len() > max {
            return Err(StoreError::Conflict("photo"));
        }
        for p in add {
            last += 1;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO activity_photos (activity_id, position, content_type, byte_size, \
                 storage_name, sha256, width, height, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(activity.get())
            .bind(last)
            .bind(p.content_type)
            .bind(p.byte_size)
            .bind(p.storage_name.as_str())
            .bind(p.sha256.as_str())
            .bind(p.width)
            .bind(p.height)
            .bind(now)
            .bind(by.map(UserId::get))
            .fetch_one(&mut *tx)
            .await?;
            change.added.push(PhotoId::new(id));
        }
        tx.commit().await?;
        Ok(change)
    }

    async fn delete_activity_with_photos(
        &self,
        scope: Scope,
        activity: ActivityId,
    ) -> Result<(Activity, Vec<Photo>)> {
        let old = self.activity_in_scope(scope, activity).await?;
        let mut tx = self.write_tx().await?;
        let photos = sqlx::query(&format!(
            "DELETE FROM activity_photos WHERE activity_id = $1 RETURNING {RETURNING_COLS}"
        ))
        .bind(activity.get())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(photo_from_row)
        .collect::<Result<Vec<_>>>()?;
        self.delete_read_activity(&mut tx, &old).await?;
        tx.commit().await?;
        Ok((old, photos))
    }
}
