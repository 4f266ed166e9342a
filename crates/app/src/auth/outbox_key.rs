//! Her outbox key (issue 18): the key her phone encrypts queued personal
//! records and the household directory with. Kept with her account, so a
//! session that merely expired finds the queue readable after the next
//! login; an administrator ending her sessions clears it
//! (`SessionStore::delete_user_sessions`), so a lost phone's queue becomes
//! unreadable when it is next in range.

use base64::Engine;
use jinguo_store::SessionStore;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

use super::Actor;
use crate::error::AppResult;
use crate::state::AppState;

/// The key as the phone imports it, and its id.
pub struct OutboxKey {
    /// The first 16 hex digits of SHA-256 of the key: which key an entry
    /// was encrypted under, without saying the key.
    pub id: String,
    /// 32 bytes, base64url without padding.
    pub key: String,
}

/// Her key, made at the first request.
pub async fn outbox_key(state: &AppState, actor: &Actor) -> AppResult<OutboxKey> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut fresh = [0u8; 32];
    OsRng.fill_bytes(&mut fresh);
    let key = state
        .system
        .0
        .outbox_key(actor.user.id, &b64.encode(fresh))
        .await?;
    let bytes = b64
        .decode(&key)
        .map_err(|e| anyhow::anyhow!("stored outbox key: {e}"))?;
    Ok(OutboxKey {
        id: super::token::hex(&Sha256::digest(&bytes)[..8]),
        key,
    })
}
