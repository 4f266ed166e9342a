//! Keys in `idempotency_keys`.

use async_trait::async_trait;
use sqlx::{AnyConnection, Row};

use super::{Claim, IdempotencyStore, KEEP_SECS, Kept, KeptAnswer, TAKEN};
use crate::sql::SqlStore;
use crate::{Result, StoreError};

/// Takes `claim`'s key inside the caller's transaction, before the record
/// is written: `Conflict(TAKEN)` when it is taken (committed by another
/// submission; on PostgreSQL a concurrent one's uncommitted key makes this
/// wait for its outcome), so the caller rolls back and writes nothing.
pub(crate) async fn take(conn: &mut AnyConnection, claim: &Claim, now: i64) -> Result<()> {
    let taken = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, route, key, body_sha256, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, route, key) DO NOTHING",
    )
    .bind(claim.user.get())
    .bind(claim.route.as_str())
    .bind(claim.key.as_str())
    .bind(claim.body_sha256.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if taken.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(TAKEN))
    }
}

#[async_trait]
impl IdempotencyStore for SqlStore {
    async fn kept(&self, claim: &Claim) -> Result<Option<Kept>> {
        let row = sqlx::query(
            "SELECT body_sha256, status, location, answer FROM idempotency_keys \
             WHERE user_id = $1 AND route = $2 AND key = $3",
        )
        .bind(claim.user.get())
        .bind(claim.route.as_str())
        .bind(claim.key.as_str())
        .fetch_optional(self.reader())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let status: Option<i64> = row.try_get("status")?;
        Ok(Some(Kept {
            body_sha256: row.try_get("body_sha256")?,
            answer: match status {
                None => None,
                Some(s) => Some(KeptAnswer {
                    status: u16::try_from(s).unwrap_or(200),
                    location: row.try_get("location")?,
                    body: row.try_get("answer")?,
                }),
            },
        }))
    }

    async fn keep_answer(&self, claim: &Claim, answer: &KeptAnswer) -> Result<()> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $1, location = $2, answer = $3 \
             WHERE user_id = $4 AND route = $5 AND key = $6",
        )
        .bind(i64::from(answer.status))
        .bind(answer.location.as_deref())
        .bind(answer.body.as_deref())
        .bind(claim.user.get())
        .bind(claim.route.as_str())
        .bind(claim.key.as_str())
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn release(&self, claim: &Claim) -> Result<()> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE user_id = $1 AND route = $2 AND key = $3 \
             AND status IS NULL",
        )
        .bind(claim.user.get())
        .bind(claim.route.as_str())
        .bind(claim.key.as_str())
        .execute(self.writer())
        .await?;
        Ok(())
    }
}

impl SqlStore {
    /// Deletes keys older than they must be kept ([`KEEP_SECS`]); how many.
    /// Run at `serve` start and with the periodic sweeps.
    pub async fn purge_idempotency_keys(&self, now: i64) -> Result<u64> {
        let gone = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(now - KEEP_SECS)
            .execute(self.writer())
            .await?;
        Ok(gone.rows_affected())
    }
}
