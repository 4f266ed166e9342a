use async_trait::async_trait;
use jinguo_domain::UserId;
use sqlx::Row;

use super::{SqlStore, not_found_if_none};
use crate::model::Session;
use crate::{Result, SessionStore};

#[async_trait]
impl SessionStore for SqlStore {
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(token_hash)
        .bind(user.get())
        .bind(csrf)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Session> {
        let row = sqlx::query(
            "SELECT user_id, csrf_token, created_at, last_seen FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.reader())
        .await?;
        let row = not_found_if_none(row)?;
        Ok(Session {
            user_id: UserId::new(row.try_get("user_id")?),
            csrf_token: row.try_get("csrf_token")?,
            created_at: row.try_get("created_at")?,
            last_seen: row.try_get("last_seen")?,
        })
    }

    async fn touch_session(&self, token_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user: UserId) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.get())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn delete_stale_sessions(&self, before: i64, created_before: i64) -> Result<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE last_seen < $1 OR created_at < $2")
            .bind(before)
            .bind(created_before)
            .execute(self.writer())
            .await?;
        Ok(r.rows_affected())
    }
}
