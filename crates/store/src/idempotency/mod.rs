//! Idempotency keys: a retried submit records once.
//!
//! A create that a field form or the phone's outbox sends may carry a key
//! ([`Claim`]). The store takes the key in the same transaction as the
//! record it creates ([`take`]), so of two concurrent submissions with one
//! key exactly one writes; the other finds the key taken
//! (`StoreError::Conflict(`[`TAKEN`]`)`) and nothing of it is written. Once
//! the answer is known, the web layer stores it beside the key
//! ([`IdempotencyStore::keep_answer`]) and gives it again to every repeat.
//! Keys are per user and per route, so one user's key never meets
//! another's.

use async_trait::async_trait;
use jinguo_domain::UserId;

use crate::{Result, Scope};

mod sql;

pub(crate) use sql::take;

/// The field of the `Conflict` a create answers when its key was taken
/// meanwhile by a concurrent submission of the same user.
pub const TAKEN: &str = "idempotency_key";

/// How long a key is kept at least: a phone may come back into range
/// weeks after it recorded.
pub const KEEP_SECS: i64 = 30 * 24 * 3600;

/// A key a create takes in its transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub user: UserId,
    /// Method and path, `POST /api/v1/activities`.
    pub route: String,
    /// The client's key, 1–100 printable ASCII characters (checked by the
    /// web layer).
    pub key: String,
    /// Hex SHA-256 of the request's content, to tell a repeat from another
    /// request under the same key.
    pub body_sha256: String,
}

impl Claim {
    /// The claim of the scope's user; `None` for the system's scope, which
    /// has no user to keep keys for.
    pub fn of(scope: Scope, route: String, key: String, body_sha256: String) -> Option<Self> {
        Some(Claim {
            user: scope.user()?,
            route,
            key,
            body_sha256,
        })
    }
}

/// How a single create arrived: the key it takes and the time the device
/// says it was made.
#[derive(Debug, Clone, Default)]
pub struct Arrival {
    pub claim: Option<Claim>,
    /// Unix seconds of the device's clock, already checked; the arrival
    /// time (`created_at`) stays the server's.
    pub made_at: Option<i64>,
}

impl Arrival {
    pub fn claim(&self) -> Option<&Claim> {
        self.claim.as_ref()
    }
}

/// What a key holds: the content it was taken with and, once known, the
/// answer given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub body_sha256: String,
    /// `None` while the first submission is still being answered.
    pub answer: Option<KeptAnswer>,
}

/// An answer as given the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAnswer {
    pub status: u16,
    /// Where a redirect went (web forms).
    pub location: Option<String>,
    /// The JSON body (the API).
    pub body: Option<String>,
}

/// The keys of the scope's user.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// The key `claim` names, if taken.
    async fn kept(&self, claim: &Claim) -> Result<Option<Kept>>;
    /// Stores the answer given to the submission that took the key.
    async fn keep_answer(&self, claim: &Claim, answer: &KeptAnswer) -> Result<()>;
    /// Gives a key back whose record was taken back after its transaction
    /// (an activity whose photos could not be stored): a retry may write.
    async fn release(&self, claim: &Claim) -> Result<()>;
}
