use async_trait::async_trait;
use jinguo_domain::{Capability, Level};
use sqlx::Row;

use super::{NewTranslation, Translation, TranslationStore};
use crate::sql::SqlStore;
use crate::{Result, Scope, StoreError};

#[async_trait]
impl TranslationStore for SqlStore {
    async fn translations(&self) -> Result<Vec<Translation>> {
        let rows = sqlx::query(
            "SELECT t.lang, t.key, t.text, t.reviewed, t.at, u.username \
             FROM translations t LEFT JOIN users u ON u.id = t.by_user ORDER BY t.lang, t.key",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Translation {
                    lang: r.try_get("lang")?,
                    key: r.try_get("key")?,
                    text: r.try_get("text")?,
                    reviewed: r.try_get::<i64, _>("reviewed")? != 0,
                    by: r.try_get("username")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    async fn save_translation(&self, scope: Scope, e: NewTranslation<'_>, now: i64) -> Result<()> {
        if !scope.can(Capability::ReviewTranslations) || scope.level() != Level::REGION {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO translations (lang, key, text, reviewed, by_user, at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (lang, key) DO UPDATE SET \
             text = excluded.text, reviewed = excluded.reviewed, by_user = excluded.by_user, \
             at = excluded.at",
        )
        .bind(e.lang)
        .bind(e.key)
        .bind(e.text)
        .bind(i64::from(e.reviewed))
        .bind(e.by.get())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
