use async_trait::async_trait;
use jinguo_domain::UserId;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SqlStore, not_found_if_none};
use crate::StoreError;
use crate::model::{LastLogin, Session};
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
            "SELECT user_id, csrf_token, created_at, last_seen, prev_login_at, prev_login_ip, \
             login_notice FROM sessions WHERE token_hash = $1",
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
            prev_login: last_login(&row, "prev_login_at", "prev_login_ip")?,
            login_notice: row.try_get::<i64, _>("login_notice")? != 0,
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
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.get())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET outbox_key = NULL WHERE id = $1")
            .bind(user.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn outbox_key(&self, user: UserId, fresh: &str) -> Result<String> {
        // One statement each, so two first requests agree on one key.
        sqlx::query("UPDATE users SET outbox_key = $1 WHERE id = $2 AND outbox_key IS NULL")
            .bind(fresh)
            .bind(user.get())
            .execute(self.writer())
            .await?;
        sqlx::query_scalar::<_, Option<String>>("SELECT outbox_key FROM users WHERE id = $1")
            .bind(user.get())
            .fetch_optional(self.writer())
            .await?
            .flatten()
            .ok_or(StoreError::NotFound)
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

fn last_login(row: &AnyRow, at: &str, ip: &str) -> Result<Option<LastLogin>> {
    let at: Option<i64> = row.try_get(at)?;
    Ok(match at {
        Some(at) => Some(LastLogin {
            at,
            address: row.try_get(ip)?,
        }),
        None => None,
    })
}

impl SqlStore {
    /// A successful login: clears the failure count and lock, records this
    /// login's time and address as the account's last, and starts a session
    /// that remembers the login before (to show once) — in one transaction.
    /// Answers that earlier login; `None` for the account's first.
    pub async fn start_login_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf: &str,
        now: i64,
        ip: Option<&str>,
    ) -> Result<Option<LastLogin>> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query("SELECT last_login_at, last_login_ip FROM users WHERE id = $1")
            .bind(user.get())
            .fetch_optional(&mut *tx)
            .await?;
        let prev = last_login(&not_found_if_none(row)?, "last_login_at", "last_login_ip")?;
        sqlx::query(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, \
             last_login_at = $1, last_login_ip = $2 WHERE id = $3",
        )
        .bind(now)
        .bind(ip)
        .bind(user.get())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen, \
             prev_login_at, prev_login_ip, login_notice) VALUES ($1, $2, $3, $4, $4, $5, $6, 1)",
        )
        .bind(token_hash)
        .bind(user.get())
        .bind(csrf)
        .bind(now)
        .bind(prev.as_ref().map(|p| p.at))
        .bind(prev.as_ref().and_then(|p| p.address.as_deref()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(prev)
    }

    /// The first page after a login has shown the login before it.
    pub async fn clear_login_notice(&self, token_hash: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET login_notice = 0 WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
