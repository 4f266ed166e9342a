//! The store seen from the application: one trait per area.
//!
//! Methods that reach data attached to units take a [`Scope`]; only the tree
//! itself (codes, names, levels) is readable without one.

use async_trait::async_trait;
use jinguo_domain::{
    ActivityFields, ActivityId, DivisionRecord, Level, Month, Scope, UnitCode, UnitId, UserId,
};

use crate::Result;
use crate::model::*;

#[async_trait]
pub trait UnitStore: Send + Sync {
    async fn unit_by_code(&self, code: &UnitCode) -> Result<Unit>;
    async fn unit_by_id(&self, id: UnitId) -> Result<Unit>;
    /// The root (level 1) unit.
    async fn root_unit(&self) -> Result<Unit>;
    /// The path from the root down to the unit, the unit included.
    async fn path(&self, unit: &Unit) -> Result<Vec<UnitRef>>;
    /// Direct children, active first, by code.
    async fn children(&self, parent: UnitId) -> Result<Vec<Unit>>;
    /// Active units whose name or code starts with `q`, optionally only
    /// within a subtree (for pickers that may only offer units in scope).
    async fn search_units(
        &self,
        q: &str,
        within: Option<Scope>,
        limit: i64,
    ) -> Result<Vec<UnitWithPath>>;
    /// Number of active units at each level 1..=5.
    async fn unit_counts(&self) -> Result<[i64; 5]>;
    /// Adds, updates and retires units to match an official list, in one
    /// transaction. Never deletes.
    async fn import_divisions(&self, records: &[DivisionRecord]) -> Result<ImportSummary>;
    /// Creates a sector organisation under a unit of the scope.
    async fn create_sector(&self, scope: Scope, new: NewSector) -> Result<Unit>;
    /// Whether a unit lies in the scope; `NotFound` otherwise.
    async fn unit_in_scope(&self, scope: Scope, code: &UnitCode) -> Result<Unit>;
}

#[async_trait]
pub trait UserStore: Send + Sync {
    async fn create_user(&self, new: NewUser) -> Result<UserId>;
    /// Users whose unit lies under `unit`, which must be in the scope.
    async fn users_under(&self, scope: Scope, unit: UnitId, page: Page) -> Result<Vec<User>>;
    async fn user_in_scope(&self, scope: Scope, id: UserId) -> Result<User>;
    /// Not scoped: a login happens before there is an actor.
    async fn credentials(&self, username: &str) -> Result<Credentials>;
    async fn user_by_id(&self, id: UserId) -> Result<User>;
    async fn all_users(&self) -> Result<Vec<User>>;
    /// Counts a failed login; locks until `lock_until` when the count
    /// reaches `max`. Returns whether the account is now locked.
    async fn record_login_failure(&self, id: UserId, max: i64, lock_until: i64) -> Result<bool>;
    async fn record_login_success(&self, id: UserId) -> Result<()>;
    async fn set_active(&self, id: UserId, active: bool) -> Result<()>;
    async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<()>;
    async fn user_count(&self) -> Result<i64>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf: &str,
        now: i64,
    ) -> Result<()>;
    async fn session(&self, token_hash: &str) -> Result<Session>;
    async fn touch_session(&self, token_hash: &str, now: i64) -> Result<()>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    async fn delete_user_sessions(&self, user: UserId) -> Result<()>;
    /// Removes sessions last used before `before` or created before
    /// `created_before`; returns how many.
    async fn delete_stale_sessions(&self, before: i64, created_before: i64) -> Result<u64>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, entry: NewAudit) -> Result<()>;
    /// Newest first, events concerning units of the scope.
    async fn audit_in_scope(&self, scope: Scope, page: Page) -> Result<Vec<AuditEntry>>;
}

/// Activities and their roll-up counters. Every write changes the counters
/// of all ancestors in the same transaction.
#[async_trait]
pub trait ActivityStore: Send + Sync {
    async fn dictionary(&self, kind: DictKind) -> Result<Vec<DictEntry>>;
    /// Adds an entry or changes the labels, order and active flag of an
    /// existing one. Keys never change, so records keep their meaning.
    async fn save_dict_entry(&self, kind: DictKind, entry: &DictEntry) -> Result<()>;
    /// Records an activity at a unit of the scope.
    async fn create_activity(&self, scope: Scope, new: NewActivity, now: i64)
    -> Result<ActivityId>;
    async fn activity_in_scope(&self, scope: Scope, id: ActivityId) -> Result<Activity>;
    /// Changes an activity, possibly moving it to another unit of the scope.
    async fn update_activity(
        &self,
        scope: Scope,
        id: ActivityId,
        unit: UnitId,
        fields: ActivityFields,
        now: i64,
    ) -> Result<Activity>;
    /// Deletes an activity and returns what it was.
    async fn delete_activity(&self, scope: Scope, id: ActivityId) -> Result<Activity>;
    /// Activities of `unit`'s subtree in a month range, newest first.
    async fn activities_under(
        &self,
        scope: Scope,
        unit: &Unit,
        from: Month,
        to: Month,
        page: Page,
    ) -> Result<Vec<Activity>>;
    /// Inserts many activities at once (imports, demo data); the caller has
    /// checked every unit's scope. Counters are applied per batch.
    async fn bulk_insert_activities(&self, rows: &[NewActivity], now: i64) -> Result<u64>;
    /// Inserts every batch `batches` yields, all in one transaction (all or
    /// nothing), for imports too large to hold in memory at once. Counters
    /// are summed over the whole import before they are written, so each
    /// counter row is written about once per import instead of once per
    /// activity. The caller has checked every unit's scope.
    async fn import_activities(
        &self,
        batches: &mut (dyn Iterator<Item = Vec<NewActivity>> + Send),
        now: i64,
    ) -> Result<u64>;
    /// A unit's numbers for a month range, from the counters alone.
    async fn rollup(&self, scope: Scope, unit: &Unit, from: Month, to: Month) -> Result<Rollup>;
    /// Active geographic units at `level` under `unit` with no activity
    /// since `since` (inclusive).
    async fn quiet_units(
        &self,
        scope: Scope,
        unit: &Unit,
        level: Level,
        since: Month,
    ) -> Result<Vec<UnitRef>>;
    /// How many activities exist in all.
    async fn activity_count(&self) -> Result<i64>;
    /// Counters that differ from a recount of the raw rows (empty when all
    /// is well). For tests and `jinguo check`.
    async fn rollup_mismatches(&self) -> Result<Vec<String>>;
}

/// Everything the application needs from persistence.
pub trait Store: UnitStore + UserStore + SessionStore + AuditStore + ActivityStore {}
impl<T: UnitStore + UserStore + SessionStore + AuditStore + ActivityStore> Store for T {}
